//! Authoring slips that used to check clean and score wrong (issue 9): each
//! test gives a few lines of rules and asserts the diagnostic (code, line,
//! help) or the score that the slip now gets.

use leadscore::diagnostics::Diagnostic;
use leadscore::eval::{EvalOptions, Program};
use leadscore::syntax::MemReader;
use leadscore::Loaded;

fn load(rules: &str) -> Loaded {
    leadscore::load_str("t.rules", rules, &MemReader::default())
}

/// `(code, line, is_error)` of every diagnostic.
fn codes(rules: &str) -> Vec<(&'static str, usize, bool)> {
    let loaded = load(rules);
    let line = |d: &Diagnostic| loaded.sources.line_col(d.span).0;
    loaded
        .diagnostics
        .iter()
        .map(|d| (d.code, line(d), d.is_error()))
        .collect()
}

/// The one diagnostic of `rules`.
fn only(rules: &str) -> Diagnostic {
    let loaded = load(rules);
    assert_eq!(loaded.diagnostics.len(), 1, "{:#?}", loaded.diagnostics);
    loaded.diagnostics[0].clone()
}

fn help(d: &Diagnostic) -> &str {
    d.help.as_deref().unwrap_or_default()
}

/// The output record of each lead (JSON Lines, no id).
fn scores(rules: &str, leads: &[&str]) -> Vec<String> {
    let loaded = load(rules);
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "rules rejected:\n{rules}\n{errors:#?}");
    let prog = Program::compile(loaded.ruleset.as_ref().expect("a ruleset"));
    let as_of = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
        .unwrap()
        .to_utc();
    leads
        .iter()
        .map(|lead| {
            let lead: serde_json::Value = serde_json::from_str(lead).expect("lead JSON");
            let o = prog.score(&lead, &EvalOptions { as_of }).expect("scored");
            let mut out = String::new();
            prog.render_record(&mut out, &serde_json::Value::Null, &o, false);
            out.trim_end().to_string()
        })
        .collect()
}

// ---- labels read by later labels ----

const TIERS: &str = "when title contains \"VP\" add 90
label tier {
  hot when score >= 80
  cold otherwise
}
";

#[test]
fn a_label_reads_an_earlier_label_bare_or_quoted() {
    let rules = format!(
        "{TIERS}label action {{\n  call when tier == hot\n  mail when \"COLD\" == tier\n  wait otherwise\n}}\n"
    );
    let out = scores(
        &rules,
        &[r#"{"title": "VP Sales"}"#, r#"{"title": "Intern"}"#],
    );
    assert_eq!(
        out,
        [
            r#"{"id":null,"score":90,"tier":"hot","action":"call"}"#,
            r#"{"id":null,"score":0,"tier":"cold","action":"mail"}"#,
        ]
    );
}

#[test]
fn a_label_in_a_list_and_not_equal() {
    let rules = format!(
        "{TIERS}label action {{\n  call when tier in [hot, warm_never]\n  wait when tier != hot\n}}\n"
    );
    let d = codes(&rules);
    assert_eq!(d, [("leadscore::not_a_label_value", 7, true)]);
}

#[test]
fn a_value_the_label_cannot_take_is_an_error_with_did_you_mean() {
    let rules = format!("{TIERS}label action {{\n  call when tier == hott\n  wait otherwise\n}}\n");
    let d = only(&rules);
    assert_eq!(d.code, "leadscore::not_a_label_value");
    assert_eq!(d.message, "the label `tier` is never `hott`");
    assert!(help(&d).starts_with("did you mean `hot`?"), "{}", help(&d));
    let quoted =
        format!("{TIERS}label action {{\n  call when tier == \"warm\"\n  wait otherwise\n}}\n");
    let d = only(&quoted);
    assert_eq!(d.code, "leadscore::not_a_label_value");
    assert_eq!(help(&d), "its values are `hot` and `cold`.");
}

#[test]
fn a_label_is_read_only_below_its_block_and_never_in_rules() {
    let later = "label action {\n  call when tier == hot\n  wait otherwise\n}\nlabel tier {\n  hot when score > 1\n  cold otherwise\n}\n";
    assert_eq!(codes(later), [("leadscore::undefined_name", 2, true)]);
    let itself =
        "label tier {\n  hot when score > 1\n  warm when tier == hot\n  cold otherwise\n}\n";
    assert_eq!(codes(itself), [("leadscore::undefined_name", 3, true)]);
    let in_rule = format!("{TIERS}when tier == hot add 5\n");
    assert_eq!(codes(&in_rule), [("leadscore::total_in_rule", 6, true)]);
}

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

// ---- bare words ----

#[test]
fn a_bare_word_meant_as_text_is_an_error_suggesting_quotes() {
    let d = only("when title contains VP add 50\n");
    assert_eq!(d.code, "leadscore::bare_word");
    assert!(help(&d).contains("`\"VP\"`"), "{}", help(&d));
    // Read as a field elsewhere, or written `lead.VP`, it is a field.
    assert!(
        load("when title contains VP add 50\nwhen VP is present add 1\n")
            .diagnostics
            .is_empty()
    );
    assert!(load("when title == lead.VP add 50\n")
        .diagnostics
        .is_empty());
    // Quoted, it scores.
    let out = scores(
        "when title contains \"VP\" add 50\n",
        &[r#"{"title": "VP Sales"}"#],
    );
    assert_eq!(out, [r#"{"id":null,"score":50}"#]);
}

#[test]
fn with_a_schema_a_bare_word_that_is_no_field_asks_for_quotes() {
    let schema = "schema {\n  title: string?\n}\n";
    let d = only(&format!("{schema}when title contains VP add 50\n"));
    assert_eq!(d.code, "leadscore::bare_word");
    // A typo of a field still gets the field's did-you-mean.
    let d = only(&format!("{schema}when title == titel add 50\n"));
    assert_eq!(d.code, "leadscore::unknown_field");
}

#[test]
fn a_field_read_once_next_to_a_look_alike_warns() {
    let rules = "when title contains \"VP\" add 50\nwhen titel contains \"Director\" add 30\n";
    let d = only(rules);
    assert_eq!((d.code, d.is_error()), ("leadscore::field_typo", false));
    assert!(
        help(&d).starts_with("did you mean `title`?"),
        "{}",
        help(&d)
    );
    let allowed = format!("# allow(field_typo)\n{rules}");
    assert!(load(&allowed).diagnostics.is_empty());
}

#[test]
fn a_condition_that_reads_no_field_warns() {
    let d = only("when \"Job Title\" contains \"title\" add 10\n");
    assert_eq!(
        (d.code, d.is_error()),
        ("leadscore::constant_condition", false)
    );
    assert!(load("when lead.\"Job Title\" contains \"VP\" add 10\n")
        .diagnostics
        .is_empty());
}

#[test]
fn or_mixed_with_and_asks_for_parentheses() {
    let d = only("when a == 1 or b == 2 and c == 3 add 5\n");
    assert_eq!((d.code, d.is_error()), ("leadscore::mixed_and_or", false));
    assert!(load("when a == 1 or (b == 2 and c == 3) add 5\n")
        .diagnostics
        .is_empty());
    assert!(load("when (a == 1 or b == 2) and c == 3 add 5\n")
        .diagnostics
        .is_empty());
}

#[test]
fn a_leading_zero_is_an_error_at_the_list_item() {
    let loaded = load("when zip in [\"02133\", 02134] add 10\n");
    let d = &loaded.diagnostics;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "leadscore::leading_zero");
    assert_eq!(loaded.sources.snippet(d[0].span), "02134");
    assert!(help(&d[0]).contains("`\"02134\"`"));
}

#[test]
fn a_list_missing_a_comma_points_at_the_gap() {
    let loaded = load("when title in [\"CEO\", \"VP\" \"CTO\"] add 10\n");
    let d = &loaded.diagnostics;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "leadscore::syntax");
    assert_eq!(d[0].message, "list items need a comma between them");
    assert_eq!(loaded.sources.snippet(d[0].span), " ");
    assert_eq!(help(&d[0]), "write `\"VP\", \"CTO\"`");
    let numbers = only("let sizes = [10 20]\n");
    assert_eq!(help(&numbers), "write `10, 20`");
}

#[test]
fn min_of_one_value_asks_for_a_list() {
    let number = only("schema {\n  n: number\n}\nwhen min(n) > 3 add 5\n");
    assert_eq!(number.code, "leadscore::bad_call");
    assert_eq!(number.message, "`min` of one value needs a list");
    assert!(help(&number).starts_with("compare two values with `min(A, B)`"));
    let unknown = only("when max(x) > 3 add 5\n");
    assert!(
        help(&unknown).contains("declare it in a `schema`"),
        "{}",
        help(&unknown)
    );
    let list = load("schema {\n  n: list<number>\n}\nwhen min(n) > 3 add 5\n");
    assert!(list.diagnostics.is_empty());
}

#[test]
fn words_of_other_languages_name_the_leadscore_word() {
    let and = only("when title contains \"VP\" && country == \"US\" add 10\n");
    assert_eq!(and.message, "unexpected `&&`");
    assert_eq!(and.label, "write `and`");
    let null = load("when email is not null add 5\n");
    assert_eq!(
        null.sources.snippet(null.diagnostics[0].span),
        "is not null"
    );
    assert_eq!(null.diagnostics[0].label, "write `is present`");
    let then = only("when title contains \"VP\" then add 10\n");
    assert_eq!(then.message, "`then` is not needed");
}

#[test]
fn a_rule_named_first_shows_the_label_written_with_as() {
    let rules = "rule executive: when title contains \"VP\" add 10\n";
    let named = only(rules);
    assert_eq!(named.message, "unexpected `rule`");
    assert_eq!(named.label, "write `as \"executive\"` at the rule's end");
    let rewrite = "write `when title contains \"VP\" add 10 as \"executive\"`";
    assert!(help(&named).ends_with(rewrite), "{}", help(&named));
    // The rewrite is a rule that checks.
    let fixed = "when title contains \"VP\" add 10 as \"executive\"\n";
    assert!(load(fixed).diagnostics.is_empty());
    let loaded = load("group fit {\n  rule \"Big company\":\n    add 5\n}\n");
    let quoted = &loaded.diagnostics[0];
    assert_eq!(loaded.sources.snippet(quoted.span), "rule \"Big company\":");
    assert!(help(quoted).contains("`when CONDITION add|subtract POINTS as \"Big company\"`"));
}

// ---- lets ----

#[test]
fn a_syntax_error_in_a_let_is_reported_once() {
    let rules = "let executive = [VP, Vice President]\nwhen title contains any executive add 50\n";
    assert_eq!(codes(rules), [("leadscore::syntax", 1, true)]);
}

#[test]
fn the_help_for_a_let_below_its_use_never_suggests_a_move_that_cannot_work() {
    let plain = only("when x > limit add 1\nlet limit = 5\n");
    assert!(help(&plain).starts_with("move `let limit = ...` above its first use"));
    let with_dep = only("when x > limit add 1\nlet base = 5\nlet limit = base * 2\n");
    assert!(
        help(&with_dep).contains("then `let limit`, above this use"),
        "{}",
        help(&with_dep)
    );
    assert!(help(&with_dep).contains("`base`"), "{}", help(&with_dep));
    let circle = load("let a = b + 1\nlet b = a * 2\nwhen a > 1 add 1\n");
    let h = help(&circle.diagnostics[0]);
    assert!(
        h.contains("no order of the two can work") && !h.contains("move"),
        "{h}"
    );
    let schema =
        "schema {\n  title: string?\n}\nwhen title contains \"VP\" add 5\nlet title = \"x\"\n";
    let field = load(schema);
    let h = help(&field.diagnostics[0]);
    assert!(h.contains("write `lead.title`"), "{h}");
}

// ---- dates ----

#[test]
fn a_date_literal_compares_with_datetimes() {
    let rules =
        "when created_at >= 2026-10-01 add 5\nwhen created_at < 2026-10-01T12:00:00+02:00 add 1\n";
    let out = scores(
        rules,
        &[
            r#"{"created_at": "2026-10-01T09:00:00Z"}"#,
            r#"{"created_at": "2026-09-30T23:59:59Z"}"#,
        ],
    );
    assert_eq!(
        out,
        [r#"{"id":null,"score":6}"#, r#"{"id":null,"score":1}"#]
    );
}

#[test]
fn dates_that_used_to_be_arithmetic_or_text_are_errors() {
    assert_eq!(
        codes("when created_at > 2026-1-2 add 5\n"),
        [("leadscore::bad_datetime", 1, true)]
    );
    let d = only("when created_at > 2026-01-02T09:00:00 add 5\n");
    assert_eq!(d.label, "no time zone");
    assert_eq!(
        codes("when created_at > \"2026-01-02\" add 5\n"),
        [("leadscore::quoted_date", 1, true)]
    );
    assert_eq!(
        codes("when created_at == \"2026-01-02\" add 5\n"),
        [("leadscore::quoted_date", 1, true)]
    );
}

#[test]
fn lead_datetimes_are_read_strictly() {
    let schema = "schema {\n  at: datetime\n}\nwhen at within 400 days add 1\n";
    for good in [
        "2026-10-02",
        "2026-10-02T09:00:00Z",
        "2026-10-02t09:00:00.5+02:00",
    ] {
        let out = scores(schema, &[&format!(r#"{{"at": "{good}"}}"#)]);
        assert_eq!(out, [r#"{"id":null,"score":1}"#], "{good}");
    }
    let loaded = load(schema);
    let prog = Program::compile(loaded.ruleset.as_ref().unwrap());
    let as_of = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
        .unwrap()
        .to_utc();
    for bad in [
        "2026-1-2",
        "+2026-10-02",
        " 2026-10-02",
        "2026-10-02 ",
        "2026-10-02 09:00:00Z",
        "2026-10-02T09:00:00",
    ] {
        let lead = serde_json::json!({ "at": bad });
        let err = prog.score(&lead, &EvalOptions { as_of });
        assert!(err.is_err(), "{bad:?} was accepted");
    }
}

// ---- BOM and CRLF ----

#[test]
fn a_bom_or_crlf_file_checks_like_an_lf_file() {
    let lf = "# allow(no_otherwise)\nlet big = company.size > 200\nlabel tier {\n  hot when score >= 50\n}\nwhen big and title contains \"VP\" add 50 as \"vp\"\nwhen titel is present add 1\n";
    let want = codes(lf);
    assert_eq!(want, [("leadscore::field_typo", 7, false)]);
    let crlf = lf.replace('\n', "\r\n");
    for text in [
        format!("\u{feff}{lf}"),
        crlf.clone(),
        format!("\u{feff}{crlf}"),
    ] {
        assert_eq!(codes(&text), want, "{text:?}");
        let loaded = load(&text);
        let vp = r#"{"title": "VP", "company": {"size": 300}}"#;
        assert!(loaded.ruleset.is_some());
        assert_eq!(
            scores(&text, &[vp]),
            [r#"{"id":null,"score":50,"tier":"hot"}"#]
        );
    }
}

#[test]
fn fmt_prints_date_literals_as_written() {
    let text = "when created_at>2026-01-01   and created_at < 2026-03-01T09:30:00+02:00 add 5\n";
    let out = leadscore::fmt::format(text).expect("formats");
    assert_eq!(
        out,
        "when created_at > 2026-01-01 and created_at < 2026-03-01T09:30:00+02:00 add 5\n"
    );
}

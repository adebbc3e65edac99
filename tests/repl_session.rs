//! The REPL's session logic, without a terminal: transcripts of
//! `Session::eval_line` as snapshots, and reloads of rules files on disk.
//! Review snapshot changes with `cargo insta review`.

use chrono::{DateTime, Utc};
use leadscore::repl::session::{Session, SessionConfig};
use std::fs;
use std::path::{Path, PathBuf};

const MODEL: &str = "tests/data/repl/model.rules";
const LEADS: &str = "tests/data/repl/leads.jsonl";

fn as_of() -> DateTime<Utc> {
    "2026-11-01T00:00:00Z".parse().unwrap()
}

fn session(rules: &[&Path]) -> (Session, String) {
    let (session, out) = Session::new(SessionConfig {
        rules: rules.iter().map(|p| p.to_path_buf()).collect(),
        as_of: as_of(),
        color: false,
        zone: None,
    });
    (session, out.text)
}

/// Runs each input and writes `> input` followed by its output.
fn transcript(session: &mut Session, inputs: &[&str]) -> String {
    let mut text = String::new();
    for input in inputs {
        text.push_str(&format!("> {input}\n"));
        text.push_str(&session.eval_line(input).text);
    }
    text
}

#[test]
fn expressions_leads_and_commands() {
    let (mut s, loaded) = session(&[Path::new(MODEL)]);
    assert_eq!(loaded, format!("loaded {MODEL}\n"));
    assert_eq!(s.load_leads(LEADS), format!("2 leads from {LEADS}"));
    let text = transcript(
        &mut s,
        &[
            "1 + 2",
            "title contains \"VP\"",
            ":lead 1",
            "title contains \"VP\"",
            "count(events where type == \"email_open\")",
            "opens.at",
            "company",
            "title matches /^vp/i and company.size > 100",
            ":set title \"Intern\"",
            ":set company.size 250",
            ":leads",
            ":explain",
            ":lead 3",
            ":lead {\"id\": \"X\", \"title\": \"Chief of Staff\", \"company\": {}, \"events\": []}",
            ":score",
            ":as-of 2026-13-01",
            ":type company.size",
            ":type opens",
            ":frob",
        ],
    );
    insta::assert_snapshot!(text);
}

#[test]
fn items_are_checked_before_they_are_added() {
    let (mut s, _) = session(&[Path::new(MODEL)]);
    let text = transcript(
        &mut s,
        &[
            ":lead {\"id\": \"A\", \"title\": \"VP\", \"events\": []}",
            ":lead {\"id\": \"A\", \"title\": \"VP\", \"company\": {}, \"events\": []}",
            "when title contains \"Sales\" add 5",
            "when titel contains \"VP\" add 5",
            "when title contains \"VP\" add 5 as \"vp bonus\"",
            "let big = company.size >= 1000",
            "group intent max 20 {\n  when big add 30 as \"big company\"\n}",
            ":set company.size 5000",
            "big",
            ":rules",
            ":schema",
        ],
    );
    insta::assert_snapshot!(text);
}

#[test]
fn quit_ends_the_session_and_errors_do_not() {
    let (mut s, _) = session(&[]);
    assert!(!s.eval_line("nonsense ((").quit);
    assert!(!s.eval_line(":lead [1]").quit);
    assert!(s.eval_line(":quit").quit);
    assert!(s.eval_line(":q").quit);
}

#[test]
fn help_lists_every_command() {
    let (mut s, _) = session(&[]);
    let help = s.eval_line(":help").text;
    for c in [
        ":lead", ":set", ":leads", ":score", ":explain", ":as-of", ":load",
    ] {
        assert!(help.contains(c), "{c} missing from {help}");
    }
    for c in [":reload", ":rules", ":type", ":schema", ":save", ":quit"] {
        assert!(help.contains(c), "{c} missing from {help}");
    }
}

/// A temporary folder with a rules file `m.rules`.
struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new(rules: &str) -> Dir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("m.rules"), rules).unwrap();
        Dir { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) {
        fs::write(self.path(name), text).unwrap();
    }
}

const TIERS: &str =
    "label tier {\n  hot when score >= 60\n  warm when score >= 30\n  cold otherwise\n}\n";

fn rules(points: u32) -> String {
    format!("when title contains \"VP\" add {points} as \"vp\"\n{TIERS}")
}

#[test]
fn a_clean_reload_replaces_the_rules_and_shows_the_score_change() {
    let d = Dir::new(&rules(40));
    let (mut s, _) = session(&[&d.path("m.rules")]);
    assert_eq!(
        s.eval_line(":lead {\"title\": \"VP\"}").text,
        "score 40  tier warm\n"
    );
    d.write("m.rules", &rules(70));
    let out = s.reload().text;
    assert!(out.starts_with("reloaded "), "{out}");
    assert!(out.ends_with(": score 40 → 70, tier warm → hot\n"), "{out}");
    assert_eq!(s.eval_line(":score").text, "score 70  tier hot\n");
}

#[test]
fn a_broken_reload_keeps_the_last_good_rules() {
    let d = Dir::new(&rules(70));
    let (mut s, _) = session(&[&d.path("m.rules")]);
    s.eval_line(":lead {\"title\": \"VP\"}");
    d.write("m.rules", "when title contians \"VP\" add 90\n");
    let out = s.reload().text;
    assert!(out.contains("m.rules:1:12"), "{out}");
    assert!(
        out.ends_with("1 error; the last good rules stay in force\n"),
        "{out}"
    );
    assert_eq!(s.eval_line(":score").text, "score 70  tier hot\n");
    // Expressions and new items are checked against the last good rules too.
    assert_eq!(s.eval_line("title contains \"V\"").text, "true : bool\n");
    assert!(s
        .eval_line("add 1")
        .text
        .starts_with("added rule: score 70 → 71"));
}

#[test]
fn includes_are_watched_and_reloaded() {
    let d = Dir::new("include \"parts/fit.rules\"\n");
    fs::create_dir(d.path("parts")).unwrap();
    d.write("parts/fit.rules", "when title contains \"VP\" add 10\n");
    let (mut s, _) = session(&[&d.path("m.rules")]);
    let watched = s.watched().to_vec();
    assert!(watched.contains(&d.path("m.rules")), "{watched:?}");
    assert!(watched.contains(&d.path("parts/fit.rules")), "{watched:?}");
    s.eval_line(":lead {\"title\": \"VP\"}");
    d.write("parts/fit.rules", "when title contains \"VP\" add 25\n");
    assert!(s.reload().text.ends_with("score 10 → 25\n"));
}

#[test]
fn saved_items_check_on_their_own() {
    let d = Dir::new("");
    let (mut s, _) = session(&[]);
    s.eval_line("let exec = title contains any [VP, Chief]");
    s.eval_line("when exec add 50 as \"executive\"");
    let file = d.path("saved.rules");
    let out = s.eval_line(&format!(":save {}", file.display())).text;
    assert_eq!(out, format!("saved 2 items to {}\n", file.display()));
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(
        text,
        "let exec = title contains any [VP, Chief]\n\nwhen exec add 50 as \"executive\"\n"
    );
    let reader = leadscore::syntax::MemReader::with(&[("saved.rules", &text)]);
    let loaded = leadscore::load("saved.rules", &reader).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
}

#[test]
fn completion_names_come_from_rules_and_leads() {
    let (mut s, _) = session(&[Path::new(MODEL)]);
    s.eval_line(":lead {\"crm\": {\"owner\": \"ann\"}}");
    let names = s.names();
    for n in ["title", "company.size", "opens", "fit", "tier", "crm.owner"] {
        assert!(names.iter().any(|x| x == n), "{n} missing from {names:?}");
    }
    assert!(!names.iter().any(|x| x == "__repl"));
}

#[test]
fn saving_onto_the_loaded_rules_file_appends_the_items() {
    let d = Dir::new(&rules(40));
    let (mut s, _) = session(&[&d.path("m.rules")]);
    s.eval_line(":lead {\"title\": \"VP Sales\"}");
    s.eval_line("when title contains \"Sales\" add 5 as \"sales\"");
    let file = d.path("m.rules");
    let out = s.eval_line(&format!(":save {}", file.display())).text;
    assert!(
        out.starts_with(&format!("appended 1 item to {}\n", file.display())),
        "{out}"
    );
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(
        text,
        format!(
            "{}\nwhen title contains \"Sales\" add 5 as \"sales\"\n",
            rules(40)
        )
    );
    // The item now lives in the file: it counts once, and is not saved twice.
    assert_eq!(s.eval_line(":score").text, "score 45  tier warm\n");
    assert!(s
        .eval_line(&format!(":save {}", file.display()))
        .text
        .starts_with("nothing to save"));
}

#[test]
fn items_saved_elsewhere_include_the_rules_they_were_typed_against() {
    let d = Dir::new(&format!("let exec = title contains \"VP\"\n{TIERS}"));
    let (mut s, _) = session(&[&d.path("m.rules")]);
    s.eval_line("when exec add 50 as \"exec\"");
    let file = d.path("more.rules");
    let out = s.eval_line(&format!(":save {}", file.display())).text;
    assert!(out.starts_with("saved 1 item to "), "{out}");
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(
        text,
        "include \"m.rules\"\n\nwhen exec add 50 as \"exec\"\n"
    );
    // `exec` is still the model's `let`, not a lead field: a VP gets the points.
    let reader = leadscore::syntax::MemReader::with(&[
        ("m.rules", &fs::read_to_string(d.path("m.rules")).unwrap()),
        ("more.rules", &text),
    ]);
    let loaded = leadscore::load("more.rules", &reader).unwrap();
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let program = leadscore::eval::Program::compile(loaded.ruleset.as_ref().unwrap());
    let opts = leadscore::eval::EvalOptions { as_of: as_of() };
    let lead = serde_json::json!({"title": "VP Sales"});
    assert_eq!(program.score(&lead, &opts).unwrap().score, 50.0);
}

#[test]
fn save_refuses_what_would_lose_or_change_something() {
    let d = Dir::new(&format!("let exec = title contains \"VP\"\n{TIERS}"));
    let (mut s, _) = session(&[&d.path("m.rules")]);
    s.eval_line("when exec add 50 as \"exec\"");
    // An existing file that is not a loaded rules file is left alone.
    d.write("notes.rules", "# mine\n");
    let out = s
        .eval_line(&format!(":save {}", d.path("notes.rules").display()))
        .text;
    assert!(
        out.starts_with("error: ") && out.contains("exists"),
        "{out}"
    );
    assert_eq!(
        fs::read_to_string(d.path("notes.rules")).unwrap(),
        "# mine\n"
    );
    // A file that could not include the rules (outside their folder) is not written.
    let elsewhere = tempfile::tempdir().unwrap();
    let file = elsewhere.path().join("x.rules");
    let out = s.eval_line(&format!(":save {}", file.display())).text;
    assert!(out.contains("outside"), "{out}");
    assert!(!file.exists());
    // The rules file changed on disk since it was loaded: :reload first.
    d.write(
        "m.rules",
        &format!("let exec = title contains \"Chief\"\n{TIERS}"),
    );
    let out = s
        .eval_line(&format!(":save {}", d.path("m.rules").display()))
        .text;
    assert!(out.contains("changed on disk"), "{out}");
}

#[test]
fn score_and_group_totals_can_be_evaluated() {
    let (mut s, _) = session(&[Path::new(MODEL)]);
    s.load_leads(LEADS);
    let text = transcript(&mut s, &[":lead 1", "score", "fit", "score - fit"]);
    assert!(text.contains("> score\n66 : number\n"), "{text}");
    assert!(text.contains("> fit\n60 : number\n"), "{text}");
    assert!(text.contains("> score - fit\n6 : number\n"), "{text}");
    // A rule still may not read a total.
    let out = s.eval_line("when score > 10 add 1").text;
    assert!(out.contains("error") || out.contains("×"), "{out}");
}

/// The REPL's expression comes after every label, so it reads each of
/// them, the last one included (it was told it read the last label "in its
/// own conditions").
#[test]
fn every_label_can_be_evaluated_the_last_one_included() {
    let (mut s, _) = session(&[Path::new(MODEL)]);
    s.load_leads(LEADS);
    let text = transcript(&mut s, &[":lead 1", "tier", ":type tier", "tier == hot"]);
    assert!(text.contains("> tier\n\"hot\" : string\n"), "{text}");
    assert!(text.contains("> :type tier\ntier : string\n"), "{text}");
    assert!(text.contains("> tier == hot\ntrue : bool\n"), "{text}");
    let mut s = account_session(Path::new(ACCOUNTS));
    s.eval_line(":account acme.com");
    assert_eq!(s.eval_line("account_tier").text, "\"hot\" : string\n");
    // A label block still may not read itself.
    let own =
        s.eval_line(":lead").text + &s.eval_line("label again {\n  x when again == x\n}").text;
    assert!(own.contains("is read in its own conditions"), "{own}");
}

#[test]
fn errors_show_only_what_was_typed() {
    let (mut s, _) = session(&[Path::new(MODEL)]);
    let out = s.eval_line("titel contains \"VP\"").text;
    assert!(out.contains("<input>:1:1"), "{out}");
    assert!(out.contains("titel contains \"VP\""), "{out}");
    assert!(!out.contains("__repl") && !out.contains("let "), "{out}");
    let out = s.eval_line(":type company.sise").text;
    assert!(out.contains("<input>:1:9"), "{out}");
    assert!(!out.contains("__repl"), "{out}");
    // A rules file that disappeared: no `include` line of the REPL's own.
    let d = Dir::new(&rules(40));
    let (mut s, _) = session(&[&d.path("m.rules")]);
    fs::remove_file(d.path("m.rules")).unwrap();
    let out = s.reload().text;
    assert!(out.contains("m.rules"), "{out}");
    assert!(
        !out.contains("<repl>") && !out.contains("include \""),
        "{out}"
    );
    assert!(
        out.ends_with("the last good rules stay in force\n"),
        "{out}"
    );
}

#[test]
fn set_keeps_the_lead_when_the_schema_rejects_the_value() {
    let (mut s, _) = session(&[Path::new(MODEL)]);
    s.load_leads(LEADS);
    assert_eq!(s.eval_line(":lead 1").text, "score 66  tier hot\n");
    let out = s.eval_line(":set company.size \"big\"").text;
    assert!(out.starts_with("error: company.size: "), "{out}");
    assert!(out.ends_with("the lead is unchanged\n"), "{out}");
    assert_eq!(s.eval_line(":score").text, "score 66  tier hot\n");
    assert_eq!(s.eval_line("company.size").text, "800 : int\n");
    // A good value still goes in.
    assert_eq!(
        s.eval_line(":set company.size 12").text,
        "score 56  tier warm\n"
    );
}

#[test]
fn lead_takes_an_id_or_a_position() {
    let (mut s, _) = session(&[Path::new(MODEL)]);
    s.load_leads(LEADS);
    assert_eq!(s.eval_line(":lead L2").text, s.eval_line(":lead 2").text);
    assert_eq!(s.eval_line("title").text, "\"Intern\" : string\n");
    s.eval_line(":lead \"L1\"");
    assert_eq!(s.eval_line("title").text, "\"VP Sales\" : string\n");
    let out = s.eval_line(":lead L9").text;
    assert!(
        out.starts_with("error: no loaded lead has position or id L9"),
        "{out}"
    );
}

#[test]
fn completion_quotes_names_that_are_not_identifiers() {
    let (mut s, _) = session(&[Path::new(MODEL)]);
    s.eval_line(":lead {\"Job Title\": \"VP\", \"crm\": {\"Lead Owner\": \"ann\"}}");
    let names = s.names();
    for n in ["lead.\"Job Title\"", "crm.\"Lead Owner\""] {
        assert!(names.iter().any(|x| x == n), "{n} missing from {names:?}");
    }
}

#[test]
fn decay_evaluates_and_has_a_type() {
    let (mut s, _) = session(&[Path::new(MODEL)]);
    s.load_leads(LEADS);
    s.eval_line(":lead 1");
    // Opens on Oct 1, 2 and 3; clock Nov 1: the first is one whole month
    // old (half its points), the other two are not yet: 5 + 10 + 10.
    let out = s
        .eval_line("sum(opens, 10 * decay(at, 50% per month))")
        .text;
    assert_eq!(out.trim(), "25 : number", "{out}");
    let out = s
        .eval_line(":type sum(opens, decay(at, half_life: 30 days))")
        .text;
    assert!(out.contains("number"), "{out}");
    let out = s
        .eval_line(":type decay(opens.at, half_life: 30 days)")
        .text;
    assert!(out.contains("datetime"), "{out}");
}

#[test]
fn score_limits_typed_in_the_session_hold_the_score() {
    let (mut s, _) = session(&[Path::new(MODEL)]);
    s.load_leads(LEADS);
    s.eval_line(":lead 1");
    let before = s.eval_line(":score").text;
    let out = s.eval_line("score max 5").text;
    let after = s.eval_line(":score").text;
    assert_eq!(before.trim(), "score 66  tier hot");
    assert!(out.contains("score 66 → 5, tier hot → cold"), "{out}");
    assert_eq!(after.trim(), "score 5  tier cold");
}

/// `--timezone` reaches the REPL: a local time in a field without a zone of
/// its own reads in the session's zone, also after a reload.
#[test]
fn the_session_zone_reads_local_times() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("t.rules");
    let text = "schema {\n  created: datetime(\"%Y-%m-%d %H:%M\")\n}\nwhen created == 2026-10-28T16:45:00Z add 1\n";
    fs::write(&rules, text).unwrap();
    let (mut s, _) = Session::new(SessionConfig {
        rules: vec![rules.clone()],
        as_of: as_of(),
        color: false,
        zone: Some(jiff::tz::TimeZone::get("Europe/Berlin").unwrap()),
    });
    // 28 October 2026 is after the change back to CET (+01:00).
    s.eval_line(r#":lead {"created": "2026-10-28 17:45"}"#);
    assert_eq!(
        s.eval_line("created").text,
        "2026-10-28T16:45:00Z : datetime\n"
    );
    fs::write(
        &rules,
        format!("{text}when created == 2026-10-28T17:45:00Z add 2\n"),
    )
    .unwrap();
    assert!(s
        .eval_line(":reload")
        .text
        .ends_with("score 1 (unchanged)\n"));
    assert_eq!(s.eval_line(":score").text, "score 1\n");
}

#[test]
fn time_parts_distinct_and_first_evaluate_and_have_types() {
    let (mut s, _) = session(&[Path::new(MODEL)]);
    s.load_leads(LEADS);
    s.eval_line(":lead 1");
    // Opens on Oct 1, 2 and 3 (midnight UTC): three days, one week start
    // (Monday Sep 28 for Oct 1-3, 2026), Thursday first.
    let eval = |s: &mut Session, line: &str| s.eval_line(line).text.trim().to_string();
    assert_eq!(
        eval(&mut s, "count(distinct day(at) of opens)"),
        "3 : number"
    );
    assert_eq!(
        eval(&mut s, "count(distinct week(at) of opens)"),
        "1 : number"
    );
    assert_eq!(
        eval(&mut s, "weekday(first(opens).at)"),
        "\"Thursday\" : string"
    );
    assert_eq!(
        eval(&mut s, ":type latest(opens.at)"),
        "latest(opens.at) : datetime"
    );
    assert_eq!(
        eval(&mut s, ":type hour(first(opens).at)"),
        "hour(first(opens).at) : number"
    );
}

const ACCOUNTS: &str = "tests/data/repl/accounts.rules";
const ACCOUNT_LEADS: &str = "tests/data/repl/accounts_leads.jsonl";

/// A session on the account rules with their five leads: acme.com has a1
/// and a2 (VPs, size 500) and a3 (an intern, size 20), beta.io b1 (a VP,
/// size 20); n1 has no domain.
fn account_session(rules: &Path) -> Session {
    let (mut s, _) = session(&[rules]);
    assert_eq!(
        s.load_leads(ACCOUNT_LEADS),
        format!("5 leads from {ACCOUNT_LEADS}")
    );
    s
}

/// A loaded lead the rules cannot score is in no account, and `:accounts`
/// says so rather than leaving it out without a word.
#[test]
fn accounts_count_the_leads_that_could_not_be_scored() {
    let dir = tempfile::tempdir().unwrap();
    let leads = dir.path().join("leads.jsonl");
    let mut text = std::fs::read_to_string(ACCOUNT_LEADS).unwrap();
    text.push_str(
        "{\"id\":\"a9\",\"title\":\"VP\",\"company\":{\"domain\":\"acme.com\",\"size\":\"big\"}}\n",
    );
    std::fs::write(&leads, text).unwrap();
    let (mut s, _) = session(&[Path::new(ACCOUNTS)]);
    let leads = leads.to_str().unwrap();
    assert_eq!(s.load_leads(leads), format!("6 leads from {leads}"));
    let listed = s.eval_line(":accounts").text;
    assert!(
        listed.starts_with("account acme.com (3 leads): score 127"),
        "{listed}"
    );
    assert!(
        listed.ends_with("(1 lead could not be scored, in no account)\n"),
        "{listed}"
    );
}

#[test]
fn the_account_context_types_and_evaluates_account_expressions() {
    let mut s = account_session(Path::new(ACCOUNTS));
    // acme.com: 50 + 50 + 0 = 100, two hot leads 20, size 500 (two leads
    // against one) > 100: 7; 127, hot. beta.io: 50, size 20: cold.
    assert_eq!(
        s.eval_line(":accounts").text,
        "account acme.com (3 leads): score 127  account_tier hot\n\
         account beta.io (1 lead): score 50  account_tier cold\n\
         (1 lead without a key, in no account)\n"
    );
    s.eval_line(":account");
    assert_eq!(
        s.eval_line(":type sum_of_top(leads.score, 2)").text,
        "sum_of_top(leads.score, 2) : number\n"
    );
    let no_account = s.eval_line("sum(leads.score)").text;
    assert!(
        no_account.starts_with("number  (no account chosen"),
        "{no_account}"
    );
    let picked = s.eval_line(":account \" ACME.com\"").text;
    assert!(
        picked.starts_with("account acme.com (3 leads): score 127"),
        "{picked}"
    );
    let value = |s: &mut Session, e: &str| s.eval_line(e).text;
    assert_eq!(value(&mut s, "sum(leads.score)"), "100 : number\n");
    assert_eq!(value(&mut s, "champion(leads.score, 0.6)"), "40 : number\n");
    assert_eq!(
        value(&mut s, "count(leads where tier == \"hot\")"),
        "2 : number\n"
    );
    assert_eq!(value(&mut s, "company.size"), "500 : int\n");
    assert_eq!(value(&mut s, "company.size > big"), "true : bool\n");
    assert_eq!(value(&mut s, "score"), "127 : number\n");
    let missing = s.eval_line(":account nope").text;
    assert!(
        missing.starts_with("error: no account nope among the 5 leads"),
        "{missing}"
    );
    assert_eq!(value(&mut s, "mean(leads.score)"), "33.333333 : number\n");
    let back = s.eval_line(":lead").text;
    assert!(
        back.starts_with("expressions and `:type` read the lead again"),
        "{back}"
    );
    s.eval_line(":lead 1");
    assert_eq!(value(&mut s, "score"), "50 : number\n");
}

/// In the account context `:score` and `:explain` show the chosen account
/// (as `explain --account KEY` does), not the current lead; `:lead` gives
/// the lead back to them.
#[test]
fn score_and_explain_show_the_chosen_account() {
    let mut s = account_session(Path::new(ACCOUNTS));
    s.eval_line(":lead 1");
    let lead = s.eval_line(":score").text;
    assert_eq!(lead, "score 50  tier hot\n");
    s.eval_line(":account");
    assert_eq!(
        s.eval_line(":score").text,
        "error: no account chosen: `:account KEY` picks one of `:accounts` for `:score`, \
         `:lead` goes back to the lead\n"
    );
    assert!(s.eval_line(":explain").text.contains("for `:explain`"));
    s.eval_line(":account ACME.com");
    assert_eq!(
        s.eval_line(":score").text,
        "account acme.com (3 leads): score 127  account_tier hot\n"
    );
    assert_eq!(
        s.eval_line(":explain").text,
        "account acme.com (3 leads)  score 127  account_tier hot\n  \
         ungrouped\n    +100  lead scores\n     +20  two hot\n      +7  big company\n"
    );
    s.eval_line(":lead");
    assert_eq!(s.eval_line(":score").text, lead);
    assert!(s.eval_line(":explain").text.starts_with("lead a1"));
}

#[test]
fn an_account_expression_in_the_lead_context_says_where_it_reads() {
    let (mut s, _) = session(&[Path::new(ACCOUNTS)]);
    let out = s.eval_line(":type sum(leads.score)").text;
    assert!(
        out.contains("`leads` is only known inside the `account` block"),
        "{out}"
    );
    assert!(out.ends_with("note: `sum(leads.score)` reads as the `account` block would: `:account` reads expressions there (`:account KEY` for one account)\n"), "{out}");
    // Without an account block there are no accounts, and no note.
    let (mut s, _) = session(&[Path::new(MODEL)]);
    let out = s.eval_line(":type sum(leads.score)").text;
    assert!(!out.contains("note:"), "{out}");
    let out = s.eval_line(":account").text;
    assert!(
        out.starts_with("error: the rules in force have no `account` block"),
        "{out}"
    );
}

#[test]
fn completion_offers_leads_in_the_account_context_only() {
    let (mut s, _) = session(&[Path::new(ACCOUNTS)]);
    let has = |names: &[String], n: &str| names.iter().any(|x| x == n);
    let lead = s.names();
    assert!(has(&lead, "tier") && has(&lead, "company.size"), "{lead:?}");
    assert!(!has(&lead, "leads") && !has(&lead, "big"), "{lead:?}");
    s.eval_line(":account");
    let account = s.names();
    for n in [
        "leads",
        "leads.score",
        "leads.tier",
        "leads.company.domain",
        "company.size",
        "big",
        "account_tier",
        "score",
    ] {
        assert!(has(&account, n), "{n} missing from {account:?}");
    }
    assert!(
        !has(&account, "events") && !has(&account, "__repl"),
        "{account:?}"
    );
}

#[test]
fn a_reload_is_seen_in_the_account_context() {
    let text = fs::read_to_string(ACCOUNTS).unwrap();
    let d = Dir::new(&text);
    let mut s = account_session(&d.path("m.rules"));
    s.eval_line(":account acme.com");
    assert_eq!(s.eval_line("score").text, "127 : number\n");
    d.write("m.rules", &text.replace("add 20", "add 30"));
    let out = s.reload().text;
    assert!(out.starts_with("reloaded "), "{out}");
    assert_eq!(s.eval_line("score").text, "137 : number\n");
    // Broken rules leave the last good ones in force.
    d.write("m.rules", &text.replace("add 20", "add"));
    assert!(s
        .reload()
        .text
        .contains("the last good rules stay in force"));
    assert_eq!(s.eval_line("score").text, "137 : number\n");
}

#[test]
fn an_account_block_can_be_typed() {
    let (mut s, _) = session(&[Path::new(MODEL)]);
    let out = s
        .eval_line("account by company.size {\n  add sum(leads.score) as \"sum\"\n}")
        .text;
    assert!(!out.contains("error"), "{out}");
    s.eval_line(":account");
    assert_eq!(
        s.eval_line(":type max(leads.score)").text,
        "max(leads.score) : number\n"
    );
}

/// A lead's control and bidi characters, and a rules file's, show as
/// escapes in every answer (decision 70); with colours on, the diagnostics'
/// own colours stay.
#[test]
fn hidden_characters_in_leads_and_rules_show_as_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("c.rules");
    let text = "when title == \"VP\" add 5 as \"vp\"\nwhen titl == \"x\" add 1\n";
    fs::write(&rules, text).unwrap();
    let leads = dir.path().join("l.jsonl");
    let lead = r#"{"id":"x\u001b[31mred","title":"VP\u202e\u009b2J","titl":{"a":1}}"#;
    fs::write(&leads, format!("{lead}\n")).unwrap();
    let (mut s, _) = session(&[&rules]);
    let loaded = s.load_leads(&leads.to_string_lossy());
    let answers = [
        loaded,
        s.eval_line(":lead 1").text,
        s.eval_line(":explain").text,
        s.eval_line("title").text,
        s.eval_line(":leads").text,
        s.eval_line(&format!(":lead {lead}")).text,
    ];
    let raw = |t: &str| {
        t.chars()
            .any(|c| c.is_control() && c != '\n' || c == '\u{202e}')
    };
    for text in &answers {
        assert!(!raw(text), "{text:?}");
    }
    assert!(
        answers[2].starts_with("lead x\\u{1b}[31mred  score"),
        "{}",
        answers[2]
    );
    assert!(
        answers[3].contains("VP\\u{202e}\\u{9b}2J"),
        "{}",
        answers[3]
    );
    // A comment's ESC, with colours on: escaped in the source line, while
    // the diagnostic keeps its own colour sequences.
    fs::write(&rules, format!("{text}# \u{1b}[2J\n")).unwrap();
    let (mut s, _) = Session::new(SessionConfig {
        rules: vec![rules.clone()],
        as_of: as_of(),
        color: true,
        zone: None,
    });
    let out = s.eval_line(":reload").text;
    assert!(out.contains("\\u{1b}[2J"), "{out:?}");
    assert!(!out.contains("\u{1b}[2J"), "{out:?}");
    assert!(out.contains('\u{1b}'), "the diagnostic's colours: {out:?}");
}

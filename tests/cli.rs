//! The command line as a black box: the `leadscore` binary run on the
//! fixtures in `tests/data/cli/`, checking stdout, stderr and exit status.
//!
//! The explain snapshot lives in `tests/data/cli/snapshots/`; after a
//! deliberate change, review it with `cargo insta review`.

use assert_cmd::Command;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

const AS_OF: &str = "--as-of=2026-11-01T00:00:00Z";

/// `leadscore` run from the crate root, colours off.
fn leadscore() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadscore"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    cmd
}

fn data(name: &str) -> String {
    format!("tests/data/cli/{name}")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{}/{}", env!("CARGO_MANIFEST_DIR"), data(name))).unwrap()
}

/// Runs `leadscore ARGS`; returns stdout, stderr and the exit status.
fn run(args: &[&str], stdin: Option<String>) -> (String, String, i32) {
    let mut cmd = leadscore();
    cmd.args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    (stdout, stderr, out.status.code().unwrap_or(-1))
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const SCORED: &str = concat!(
    r#"{"id":"L1","score":95,"tier":"hot","fit":50,"engagement":40,"grade":"A"}"#,
    "\n",
    r#"{"id":"L2","score":-30,"tier":"cold","fit":-20,"engagement":0,"grade":"C"}"#,
    "\n",
    r#"{"id":"L3","score":45,"tier":"warm","fit":40,"engagement":0,"grade":"A"}"#,
    "\n",
);

// ---- check ----

#[test]
fn check_clean_rules_exits_0() {
    let (_, stderr, code) = run(&["check", &data("scored.rules")], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("scored.rules: no problems"), "{stderr}");
}

#[test]
fn check_rules_with_errors_exits_1_and_shows_them() {
    let (_, stderr, code) = run(&["check", &data("broken.rules")], None);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("broken.rules:2:"),
        "diagnostic with its place: {stderr}"
    );
    assert!(stderr.contains("broken.rules: 1 error"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "NO_COLOR means no escape codes: {stderr}"
    );
}

#[test]
fn check_warnings_pass_unless_denied() {
    let (_, stderr, code) = run(&["check", &data("warning.rules")], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning.rules: 1 warning"), "{stderr}");
    let (_, stderr, code) = run(&["check", "--deny-warnings", &data("warning.rules")], None);
    assert_eq!(code, 1, "{stderr}");
}

#[test]
fn check_reports_every_file_and_the_worst_status() {
    let (_, stderr, code) = run(
        &["check", &data("scored.rules"), &data("broken.rules")],
        None,
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("scored.rules: no problems"), "{stderr}");
    assert!(stderr.contains("broken.rules: 1 error"), "{stderr}");
    let (_, stderr, code) = run(&["check", &data("nope.rules"), &data("broken.rules")], None);
    assert_eq!(
        code, 2,
        "an unreadable file is worse than an error: {stderr}"
    );
    assert!(
        stderr.contains("error: cannot read rules file tests/data/cli/nope.rules"),
        "{stderr}"
    );
}

// ---- usage ----

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["check"],
        &["score", &data("scored.rules"), "--bogus"],
        &["score", &data("scored.rules"), "--as-of", "yesterday"],
        &["score", &data("scored.rules"), "--format", "xml"],
        &[
            "explain",
            &data("scored.rules"),
            "--lead",
            "{}",
            &data("leads.jsonl"),
        ],
    ] {
        let (stdout, stderr, code) = run(args, Some(String::new()));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
    }
}

#[test]
fn help_exits_0() {
    let (stdout, _, code) = run(&["score", "--help"], None);
    assert_eq!(code, 0);
    assert!(stdout.contains("--as-of"), "{stdout}");
}

#[test]
fn explain_in_csv_is_a_usage_error() {
    let args = [
        "score",
        &data("scored.rules"),
        &data("leads.jsonl"),
        "--explain",
        "--format",
        "csv",
    ];
    let (stdout, stderr, code) = run(&args, None);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("--explain"), "{stderr}");
}

// ---- score ----

#[test]
fn score_writes_one_record_per_lead_in_order() {
    let (stdout, stderr, code) = run(
        &["score", &data("scored.rules"), &data("leads.jsonl"), AS_OF],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, SCORED);
    assert!(
        stderr.starts_with("scored 3 leads, 0 failed in "),
        "{stderr}"
    );
}

#[test]
fn score_reads_stdin() {
    let rules = data("scored.rules");
    for args in [
        vec!["score", &rules, AS_OF],
        vec!["score", &rules, "-", AS_OF],
    ] {
        let (stdout, stderr, code) = run(&args, Some(read("leads.jsonl")));
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(stdout, SCORED, "{args:?}");
    }
}

#[test]
fn score_folds_case_on_the_streaming_path_too() {
    // JSON Lines on stdin take the fast reader; the fold must be the same.
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("case.rules");
    std::fs::write(
        &rules,
        "when street == \"STRASSE\" add 1\nwhen city in [ΟΔΟΣ] add 2\n",
    )
    .unwrap();
    let leads =
        "{\"id\":1,\"street\":\"straße\",\"city\":\"οδος\"}\n{\"id\":2,\"street\":\"strase\"}\n";
    let (stdout, stderr, code) = run(
        &["score", rules.to_str().unwrap(), "-", AS_OF],
        Some(leads.into()),
    );
    assert_eq!(code, 0, "{stderr}");
    let scores: Vec<_> = json_lines(&stdout)
        .iter()
        .map(|r| r["score"].clone())
        .collect();
    assert_eq!(scores, [3, 0]);
}

#[test]
fn score_reads_a_json_array() {
    let (stdout, stderr, code) = run(
        &["score", &data("scored.rules"), &data("leads.json"), AS_OF],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let first_two: String = SCORED.lines().take(2).map(|l| format!("{l}\n")).collect();
    assert_eq!(stdout, first_two);
    // The same text on stdin is recognised by its `[`.
    let (stdout, _, _) = run(
        &["score", &data("scored.rules"), AS_OF],
        Some(read("leads.json")),
    );
    assert_eq!(stdout, first_two);
}

#[test]
fn bad_leads_give_error_records_in_place() {
    let (stdout, stderr, code) = run(
        &["score", &data("scored.rules"), &data("mixed.jsonl"), AS_OF],
        None,
    );
    assert_eq!(code, 3, "{stderr}");
    let records = json_lines(&stdout);
    assert_eq!(records.len(), 5, "the blank line is not a lead: {stdout}");
    assert_eq!(records[0]["score"], 95);
    let malformed = records[1]["error"].as_str().unwrap();
    assert_eq!(records[1]["id"], Value::Null);
    assert!(
        malformed.starts_with("line 3: EOF while parsing"),
        "{malformed}"
    );
    assert_eq!(records[2]["id"], "L5");
    let wrong_type = records[2]["error"].as_str().unwrap();
    assert!(
        wrong_type.starts_with("line 4: ") && wrong_type.contains("company.size"),
        "{wrong_type}"
    );
    assert_eq!(records[3]["id"], "L6");
    let missing = records[3]["error"].as_str().unwrap();
    assert!(
        missing.starts_with("line 5: ") && missing.contains("email"),
        "{missing}"
    );
    assert_eq!(records[4]["id"], "L2");
    assert_eq!(records[4]["score"], -30);
    for r in &records[1..4] {
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "error"]);
    }
    assert!(stderr.contains("scored 5 leads, 3 failed in "), "{stderr}");
}

#[test]
fn id_picks_a_dotted_field() {
    let args = [
        "score",
        &data("scored.rules"),
        &data("leads.jsonl"),
        AS_OF,
        "--id",
        "company.name",
    ];
    let (stdout, _, code) = run(&args, None);
    assert_eq!(code, 0);
    let ids: Vec<Value> = json_lines(&stdout)
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(ids, ["Acme", "Bob's Shop", "Corp"]);
    let args = [
        "score",
        &data("scored.rules"),
        &data("leads.jsonl"),
        AS_OF,
        "--id",
        "nope",
    ];
    let (stdout, _, _) = run(&args, None);
    assert!(json_lines(&stdout).iter().all(|r| r["id"].is_null()));
}

#[test]
fn explain_reasons_add_up_to_the_score() {
    let args = [
        "score",
        &data("scored.rules"),
        &data("leads.jsonl"),
        AS_OF,
        "--explain",
    ];
    let (stdout, stderr, code) = run(&args, None);
    assert_eq!(code, 0, "{stderr}");
    let records = json_lines(&stdout);
    assert_eq!(records.len(), 3);
    for r in &records {
        let reasons = r["reasons"].as_array().unwrap();
        let sum: f64 = reasons.iter().map(|x| x["points"].as_f64().unwrap()).sum();
        assert_eq!(sum, r["score"].as_f64().unwrap(), "{r}");
        assert!(reasons.iter().all(|x| x["points"] != 0), "{r}");
    }
    let first: Vec<String> = records[0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect();
    assert_eq!(
        first,
        [
            r#"{"rule":"senior title","group":"fit","points":40}"#,
            r#"{"rule":"mid-size company","group":"fit","points":20}"#,
            r#"{"rule":"site visits","group":"engagement","points":30}"#,
            r#"{"rule":"recent demo","group":"engagement","points":25}"#,
            r#"{"rule":"when company.country in [US, CA] add 5","group":null,"points":5}"#,
            r#"{"rule":"max 50","group":"fit","points":-10}"#,
            r#"{"rule":"max 40","group":"engagement","points":-15}"#,
        ]
    );
    let min_cap = &records[1]["reasons"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .to_string();
    assert_eq!(
        min_cap,
        r#"{"rule":"min 0","group":"engagement","points":5}"#
    );
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scores.jsonl");
    let out_arg = out.to_str().unwrap();
    let (stdout, stderr, code) = run(
        &[
            "score",
            &data("scored.rules"),
            &data("leads.jsonl"),
            AS_OF,
            "-o",
            out_arg,
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), SCORED);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["scores.jsonl"], "no temporary file is left behind");
}

#[test]
fn output_file_is_untouched_when_the_run_fails() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scores.jsonl");
    std::fs::write(&out, "previous\n").unwrap();
    let out_arg = out.to_str().unwrap();
    let (_, _, code) = run(
        &[
            "score",
            &data("broken.rules"),
            &data("leads.jsonl"),
            "-o",
            out_arg,
        ],
        None,
    );
    assert_eq!(code, 1);
    let (_, _, code) = run(
        &[
            "score",
            &data("scored.rules"),
            &data("nope.jsonl"),
            "-o",
            out_arg,
        ],
        None,
    );
    assert_eq!(code, 2);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous\n");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn rules_with_errors_stop_before_any_lead() {
    for command in ["score", "explain"] {
        let (stdout, stderr, code) = run(
            &[command, &data("broken.rules"), &data("leads.jsonl")],
            None,
        );
        assert_eq!(code, 1, "{command}: {stderr}");
        assert!(stdout.is_empty(), "{command}: {stdout}");
        assert!(
            stderr.contains("broken.rules: 1 error"),
            "{command}: {stderr}"
        );
    }
}

#[test]
fn unreadable_files_exit_2_with_one_line() {
    let (stdout, stderr, code) = run(&["score", &data("nope.rules"), &data("leads.jsonl")], None);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: cannot read rules file tests/data/cli/nope.rules: "),
        "{stderr}"
    );
    let args = [
        "score",
        &data("scored.rules"),
        &data("leads.jsonl"),
        &data("nope.jsonl"),
    ];
    let (stdout, stderr, code) = run(&args, None);
    assert_eq!(
        (code, stdout.as_str()),
        (2, ""),
        "inputs are opened before anything is written"
    );
    assert!(
        stderr.starts_with("error: cannot read leads file tests/data/cli/nope.jsonl: "),
        "{stderr}"
    );
}

// ---- CSV ----

#[test]
fn csv_input_nests_dotted_headers_and_converts_cells() {
    let (stdout, stderr, code) = run(
        &["score", &data("profile.rules"), &data("profile.csv"), AS_OF],
        None,
    );
    assert_eq!(code, 3, "{stderr}");
    let want = [
        r#"{"id":"P1","score":70,"fit":50,"grade":"A"}"#,
        r#"{"id":"P2","score":0,"fit":0,"grade":"C"}"#,
        r#"{"id":"P3","error":"line 4: column `company.size`: expected number, found \"many\""}"#,
        r#"{"id":"P4","score":35,"fit":20,"grade":"B"}"#,
    ];
    assert_eq!(stdout.lines().collect::<Vec<_>>(), want);
    assert!(stderr.contains("scored 4 leads, 1 failed"), "{stderr}");
    // On stdin, CSV is recognised by its first byte.
    let (stdin_out, _, _) = run(
        &["score", &data("profile.rules"), AS_OF],
        Some(read("profile.csv")),
    );
    assert_eq!(stdin_out, stdout);
}

#[test]
fn csv_output_has_a_header_and_quotes_cells() {
    let args = [
        "score",
        &data("scored.rules"),
        &data("mixed.jsonl"),
        AS_OF,
        "--format",
        "csv",
    ];
    let (stdout, _, code) = run(&args, None);
    assert_eq!(code, 3);
    let mut reader = csv::Reader::from_reader(stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        ["id", "score", "tier", "fit", "engagement", "grade", "error"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows[0].iter().collect::<Vec<_>>(),
        ["L1", "95", "hot", "50", "40", "A", ""]
    );
    assert_eq!(&rows[1][0], "");
    assert!(rows[1][6].starts_with("line 3: "), "{:?}", rows[1]);
    assert_eq!(&rows[2][0], "L5");
    assert_eq!(&rows[2][1], "");
    assert!(stdout
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("L1,95,hot,50,40,A,"));
}

#[test]
fn type_mismatches_without_a_schema_are_counted() {
    let (stdout, stderr, code) = run(
        &[
            "score",
            &data("profile.rules"),
            &data("mismatch.jsonl"),
            AS_OF,
        ],
        None,
    );
    assert_eq!(code, 0, "a mismatch is not a failure: {stderr}");
    assert_eq!(json_lines(&stdout).len(), 2);
    let summary = stderr.lines().find(|l| l.starts_with("scored")).unwrap();
    assert!(
        summary.starts_with("scored 2 leads, 0 failed, "),
        "{summary}"
    );
    assert!(summary.contains(" type mismatch"), "{summary}");
}

#[test]
fn input_format_overrides_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let leads = dir.path().join("leads.txt");
    std::fs::write(&leads, read("profile.csv")).unwrap();
    let path = leads.to_str().unwrap();
    let (stdout, _, _) = run(
        &[
            "score",
            &data("profile.rules"),
            path,
            AS_OF,
            "--input-format",
            "csv",
        ],
        None,
    );
    assert_eq!(stdout.lines().count(), 4);
    let (stdout, _, code) = run(
        &[
            "score",
            &data("profile.rules"),
            path,
            AS_OF,
            "--input-format",
            "jsonl",
        ],
        None,
    );
    assert_eq!(code, 3);
    assert_eq!(
        stdout.lines().count(),
        5,
        "each CSV line is a malformed JSON line"
    );
}

// ---- explain ----

#[test]
fn explain_shows_each_lead() {
    let (stdout, stderr, code) = run(
        &[
            "explain",
            &data("scored.rules"),
            &data("leads.jsonl"),
            AS_OF,
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    insta::with_settings!({snapshot_path => "data/cli/snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("explain_leads", stdout);
    });
}

#[test]
fn explain_one_lead_given_as_json() {
    let lead = read("leads.jsonl").lines().next().unwrap().to_string();
    let (stdout, _, code) = run(
        &["explain", &data("scored.rules"), "--lead", &lead, AS_OF],
        None,
    );
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("lead L1  score 95  tier hot  grade A\n"),
        "{stdout}"
    );
    let (_, stderr, code) = run(
        &["explain", &data("scored.rules"), "--lead", "{nope", AS_OF],
        None,
    );
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: --lead is not valid JSON"),
        "{stderr}"
    );
}

#[test]
fn explain_shows_data_errors_and_exits_3() {
    let (stdout, _, code) = run(
        &[
            "explain",
            &data("scored.rules"),
            &data("mixed.jsonl"),
            AS_OF,
        ],
        None,
    );
    assert_eq!(code, 3);
    assert!(
        stdout.contains("lead at line 3\n  error: line 3: EOF while parsing"),
        "{stdout}"
    );
    assert!(stdout.contains("lead L5\n  error: line 4: "), "{stdout}");
    assert!(stdout.contains("lead L2  score -30"), "{stdout}");
}

// ---- pipes ----

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let lead = read("leads.jsonl").lines().next().unwrap().to_string() + "\n";
    let dir = tempfile::tempdir().unwrap();
    let many = dir.path().join("many.jsonl");
    std::fs::write(&many, lead.repeat(50_000)).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_leadscore"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "score",
            &data("scored.rules"),
            many.to_str().unwrap(),
            AS_OF,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(first.starts_with(r#"{"id":"L1""#), "{first}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let _ = std::io::stderr().flush();
}

#[test]
fn includes_cannot_leave_the_folder_of_a_bare_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(dir.path().join("outside.rules"), "add 1\n").unwrap();
    std::fs::write(rules.join("m.rules"), "include \"../outside.rules\"\n").unwrap();
    let out = leadscore()
        .current_dir(&rules)
        .args(["check", "m.rules"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("leadscore::include_outside_root"),
        "{stderr}"
    );
}

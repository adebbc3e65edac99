//! The end-of-run report (where the rules and the data did not meet),
//! `--strict`, `--summary-json`, and the output-file guarantees: devices and
//! FIFOs written directly, an output that is an input refused.

mod common;

use common::run_in;
use serde_json::Value;
use std::path::Path;

const RULES: &str = "when jobtitle contains \"VP\" add 50 as \"executive title\"\n\
    when jobtitle == \"Intern\" subtract 10 as \"intern\"\n\
    when company.size > 100 add 10 as \"big company\"\n\
    when revenue > 1000 add 5 as \"revenue\"\n";

/// A temporary folder holding `r.rules` (RULES) and the given files.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.rules"), RULES).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn summary(dir: &Path, name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
}

#[test]
fn a_field_missing_in_every_lead_is_named_with_the_rules_that_never_fired() {
    let leads = "{\"id\":1,\"title\":\"VP\",\"company\":{\"size\":300},\"revenue\":5}\n\
                 {\"id\":2,\"title\":\"Intern\",\"company\":{\"size\":30},\"revenue\":5000}\n";
    let dir = folder(&[("leads.jsonl", leads)]);
    let (out, err, code) = run_in(dir.path(), &["score", "r.rules", "leads.jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 2);
    assert!(
        err.contains(
            "warning: `jobtitle`: missing or null in 2 of 2 leads — rules \"executive title\", \"intern\" never fired"
        ),
        "{err}"
    );
    assert!(!err.contains("company"), "{err}");
    let (_, err, code) = run_in(
        dir.path(),
        &[
            "score",
            "r.rules",
            "leads.jsonl",
            "--strict",
            "--summary-json",
            "s.json",
        ],
    );
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("--strict"), "{err}");
    let s = summary(dir.path(), "s.json");
    assert_eq!(s["leads"], 2);
    assert_eq!(s["findings"][0]["kind"], "missing_field");
    assert_eq!(s["findings"][0]["field"], "jobtitle");
    assert_eq!(s["findings"][0]["missing"], 2);
    assert_eq!(s["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn a_clean_run_reports_nothing_and_passes_strict() {
    let leads = "{\"id\":1,\"jobtitle\":\"VP\",\"company\":{\"size\":300},\"revenue\":5}\n";
    let dir = folder(&[("leads.jsonl", leads)]);
    let (_, err, code) = run_in(dir.path(), &["score", "r.rules", "leads.jsonl", "--strict"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn csv_columns_no_rule_reads_get_a_did_you_mean() {
    let csv = "id,job_title,company.size,revenue,phone\nL1,VP,300,5,555\nL2,CEO,20,,556\n";
    let dir = folder(&[("leads.csv", csv)]);
    let (_, err, code) = run_in(dir.path(), &["score", "r.rules", "leads.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning: column `job_title` is read by no rule\n  help: did you mean the field `jobtitle` that the rules read?"), "{err}");
    assert!(
        err.contains("warning: column `phone` is read by no rule\n"),
        "{err}"
    );
    assert!(
        err.contains("the CSV header has a column `job_title`"),
        "{err}"
    );
    assert!(!err.contains("column `id`"), "{err}");
}

#[test]
fn type_mismatches_are_counted_per_field() {
    let leads = "{\"id\":1,\"jobtitle\":7,\"company\":{\"size\":\"big\"},\"revenue\":5}\n\
                 {\"id\":2,\"jobtitle\":\"VP\",\"company\":{\"size\":\"huge\"},\"revenue\":\"lots\"}\n\
                 {\"id\":3,\"jobtitle\":\"VP\",\"company\":{\"size\":3},\"revenue\":5}\n";
    let dir = folder(&[("leads.jsonl", leads)]);
    let (_, err, code) = run_in(dir.path(), &["score", "r.rules", "leads.jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("`jobtitle`: not a string in 1 of 3 leads"),
        "{err}"
    );
    assert!(
        err.contains("`company.size`: not a number in 2 of 3 leads"),
        "{err}"
    );
    assert!(
        err.contains("`revenue`: not a number in 1 of 3 leads"),
        "{err}"
    );
}

#[test]
fn an_id_field_that_no_lead_has_is_reported() {
    let leads = "{\"key\":1,\"jobtitle\":\"VP\",\"company\":{\"size\":3},\"revenue\":5}\n";
    let dir = folder(&[("leads.jsonl", leads)]);
    let (_, err, code) = run_in(dir.path(), &["score", "r.rules", "leads.jsonl", "--strict"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("no lead of 1 has the id field `id`"), "{err}");
    let (_, err, code) = run_in(
        dir.path(),
        &["score", "r.rules", "leads.jsonl", "--strict", "--id", "key"],
    );
    assert_eq!(code, 0, "{err}");
}

/// `diff` gives the same report as `score` for the new rules' fields, and
/// names what only the old rules missed; `--strict` and `--summary-json`
/// work as for `score`, and `--format json` carries the findings.
#[test]
fn diff_reports_a_field_nobody_has_like_score() {
    let leads = "{\"id\":1,\"title\":\"VP\",\"company\":{\"size\":300},\"revenue\":5}\n\
                 {\"id\":2,\"title\":\"CEO\",\"company\":{\"size\":\"big\"},\"revenue\":5}\n";
    let old = RULES.replace("jobtitle", "title");
    let dir = folder(&[("leads.jsonl", leads), ("old.rules", &old)]);
    let diff = ["diff", "old.rules", "r.rules", "--leads", "leads.jsonl"];
    let (out, err, code) = run_in(dir.path(), &diff);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("of 2 leads changed score"), "{out}");
    let (_, score_err, _) = run_in(dir.path(), &["score", "r.rules", "leads.jsonl"]);
    let line = "warning: `jobtitle`: missing or null in 2 of 2 leads — rules \"executive title\", \"intern\" never fired\n";
    assert!(score_err.contains(line), "{score_err}");
    assert!(err.contains(line), "{err}");
    let wrong = "warning: `company.size`: not a number in 1 of 2 leads";
    assert!(err.contains(wrong), "{err}");
    assert!(
        !err.contains("old rules: `company.size`"),
        "shared findings once: {err}"
    );
    let mut strict = diff.to_vec();
    strict.extend(["--strict", "--summary-json", "s.json", "--format", "json"]);
    let (out, err, code) = run_in(dir.path(), &strict);
    assert_eq!(code, 4, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["findings"][0]["field"], "jobtitle");
    let s = summary(dir.path(), "s.json");
    assert_eq!(s["compared"], 2);
    assert_eq!(s["findings"], report["findings"]);
    // Swapped, the field only the old rules read is named as theirs.
    let (_, err, _) = run_in(
        dir.path(),
        &["diff", "r.rules", "old.rules", "--leads", "leads.jsonl"],
    );
    assert!(
        err.contains("warning: with the old rules: `jobtitle`: missing or null in 2 of 2 leads"),
        "{err}"
    );
}

/// `diff` reads a CSV header like `score`: a column no rule reads gets a did-you-mean.
#[test]
fn diff_names_csv_columns_no_rule_reads() {
    let csv = "id,job_title,company.size,revenue\nL1,VP,300,5\nL2,CEO,20,7\n";
    let dir = folder(&[
        ("leads.csv", csv),
        ("new.rules", &RULES.replace("50", "60")),
    ]);
    let (_, err, code) = run_in(
        dir.path(),
        &[
            "diff",
            "r.rules",
            "new.rules",
            "--leads",
            "leads.csv",
            "--strict",
        ],
    );
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("warning: column `job_title` is read by no rule\n  help: did you mean the field `jobtitle` that the rules read?"), "{err}");
}

/// A test block's lead (inline or `lead from` a file) with a field of the
/// wrong type, or a key a typo away from a field the rules read, is named
/// with the test; a field the lead simply lacks is not (tests leave fields
/// out on purpose). `--strict` exits 4 even though the tests pass.
#[test]
fn test_leads_that_do_not_meet_the_rules_are_named() {
    let rules = format!(
        "{RULES}\ntest \"from file\" {{\n  lead from \"vp.json\"\n  expect score == 50\n}}\n\
         test \"typo\" {{\n  lead {{ \"id\": \"t\", \"jobtitel\": \"VP\" }}\n  expect score == 0\n}}\n\
         test \"lacks fields\" {{\n  lead {{ \"id\": \"u\", \"name\": \"Ann\" }}\n  expect score == 0\n}}\n"
    );
    let vp = "{\"id\": \"f\", \"jobtitle\": \"VP\", \"company\": {\"size\": \"big\"}}";
    let dir = folder(&[("t.rules", &rules), ("vp.json", vp)]);
    let (out, err, code) = run_in(dir.path(), &["test", "t.rules"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("3 passed, 0 failed"), "{out}");
    assert!(err.contains("warning: test \"from file\" at t.rules:6: `company.size`: not a number in 1 of 1 leads; the tests on it were false"), "{err}");
    assert!(err.contains("warning: test \"typo\" at t.rules:10: the lead's `jobtitel` is read by no rule\n  help: did you mean `jobtitle`?"), "{err}");
    assert!(!err.contains("lacks fields"), "{err}");
    assert_eq!(err.matches("warning:").count(), 2, "{err}");
    let (_, err, code) = run_in(
        dir.path(),
        &["test", "t.rules", "--strict", "--summary-json", "s.json"],
    );
    assert_eq!(code, 4, "{err}");
    let s = summary(dir.path(), "s.json");
    assert_eq!(s["passed"], 3);
    assert_eq!(s["findings"][0]["scope"], "test");
    assert_eq!(s["findings"][0]["test"], "from file");
    assert_eq!(s["findings"][1]["kind"], "unread_key");
}

/// The counts are the same whether lines take the fast path or the
/// `serde_json::Value` path, on one thread or several, in one chunk or many.
#[test]
fn the_counts_are_the_same_on_any_number_of_threads() {
    let mut leads = String::new();
    for i in 0..30_000 {
        let line = match i % 3 {
            0 => format!("{{\"id\":{i},\"jobtitle\":\"VP\",\"company\":{{\"size\":{i}}}}}\n"),
            1 => format!("{{\"id\":{i},\"company\":{{\"size\":\"big\"}},\"revenue\":1}}\n"),
            _ => format!("{{\"id\":{i},\"jobtitle\":null,\"revenue\":2000}}\n"),
        };
        leads.push_str(&line);
    }
    let dir = folder(&[("leads.jsonl", &leads)]);
    let mut seen = Vec::new();
    for threads in ["1", "3"] {
        let (_, err, code) = run_in(
            dir.path(),
            &[
                "score",
                "r.rules",
                "leads.jsonl",
                "--threads",
                threads,
                "-o",
                "out.jsonl",
                "--summary-json",
                "s.json",
            ],
        );
        assert_eq!(code, 0, "{err}");
        let mut s = summary(dir.path(), "s.json");
        s["seconds"] = Value::Null;
        seen.push(s);
    }
    assert_eq!(seen[0], seen[1]);
    let findings = seen[0]["findings"].as_array().unwrap();
    let size = findings
        .iter()
        .find(|f| f["kind"] == "wrong_type" && f["field"] == "company.size")
        .unwrap();
    assert_eq!(size["count"], 10_000);
    let title = findings
        .iter()
        .find(|f| f["kind"] == "missing_field" && f["field"] == "jobtitle")
        .unwrap();
    assert_eq!(title["missing"], 20_000);
    assert_eq!(title["of"], 30_000);
}

#[test]
fn output_onto_dev_null_writes_to_the_device() {
    use std::os::unix::fs::FileTypeExt;
    let dir = folder(&[("leads.jsonl", "{\"id\":1}\n")]);
    let (_, err, code) = run_in(
        dir.path(),
        &["score", "r.rules", "leads.jsonl", "-o", "/dev/null"],
    );
    assert_eq!(code, 0, "{err}");
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(meta.file_type().is_char_device());
}

#[test]
fn output_onto_a_fifo_writes_through_it() {
    let dir = folder(&[("leads.jsonl", "{\"id\":\"a\"}\n{\"id\":\"b\"}\n")]);
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let (_, err, code) = run_in(
        dir.path(),
        &["score", "r.rules", "leads.jsonl", "-o", "pipe"],
    );
    assert_eq!(code, 0, "{err}");
    let got = reader.join().unwrap();
    assert_eq!(got.lines().count(), 2, "{got}");
    assert!(got.starts_with("{\"id\":\"a\""), "{got}");
    use std::os::unix::fs::FileTypeExt;
    let meta = std::fs::symlink_metadata(&fifo).unwrap();
    assert!(meta.file_type().is_fifo());
}

#[test]
fn an_output_that_is_an_input_is_refused_before_reading() {
    let leads = "{\"id\":1}\n";
    let dir = folder(&[("leads.jsonl", leads)]);
    let p = dir.path();
    std::os::unix::fs::symlink(p.join("leads.jsonl"), p.join("link.jsonl")).unwrap();
    std::fs::hard_link(p.join("leads.jsonl"), p.join("hard.jsonl")).unwrap();
    for target in ["leads.jsonl", "link.jsonl", "hard.jsonl", "r.rules"] {
        let (out, err, code) = run_in(p, &["score", "r.rules", "leads.jsonl", "-o", target]);
        assert_eq!(code, 2, "{target}: {err}");
        assert!(err.contains("refusing to write"), "{err}");
        assert!(out.is_empty());
        assert!(!err.contains("scored"), "{err}");
    }
    assert_eq!(
        std::fs::read_to_string(p.join("leads.jsonl")).unwrap(),
        leads
    );
    assert_eq!(std::fs::read_to_string(p.join("r.rules")).unwrap(), RULES);
    assert!(std::fs::symlink_metadata(p.join("link.jsonl"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_junit_report_onto_the_rules_is_refused() {
    let dir = folder(&[]);
    let (_, err, code) = run_in(dir.path(), &["test", "r.rules", "--junit", "r.rules"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("r.rules")).unwrap(),
        RULES
    );
}

#[test]
fn fmt_through_a_symlink_keeps_the_link() {
    let dir = folder(&[("real.rules", "when   x  add 1\n")]);
    let p = dir.path();
    std::os::unix::fs::symlink(p.join("real.rules"), p.join("link.rules")).unwrap();
    let (_, err, code) = run_in(p, &["fmt", "link.rules"]);
    assert_eq!(code, 0, "{err}");
    let meta = std::fs::symlink_metadata(p.join("link.rules")).unwrap();
    assert!(meta.file_type().is_symlink());
    assert_eq!(
        std::fs::read_to_string(p.join("real.rules")).unwrap(),
        "when x add 1\n"
    );
}

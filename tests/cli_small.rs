//! The small things a first day finds, each through the real binary: one
//! wording for unreadable files, swapped arguments, `explain --id`, `diff`
//! on points and plurals, tests in subfolders, normalised include paths,
//! JUnit attributes, and `check` on a missing `lead from` file.

mod common;

use common::run_in;
use std::fs;
use std::path::Path;

const RULES: &str = "when title contains \"VP\" add 50 as \"vp\"\nlabel tier {\n  hot when score >= 50\n  cold otherwise\n}\n";
const LEADS: &str =
    "{\"id\": \"L-1001\", \"title\": \"Intern\"}\n{\"id\": \"L-1002\", \"title\": \"VP Sales\"}\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("m.rules"), RULES).unwrap();
    fs::write(dir.path().join("leads.jsonl"), LEADS).unwrap();
    fs::create_dir(dir.path().join("folder.rules")).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn folders_missing_and_unreadable_files_read_alike_in_every_command() {
    let dir = project();
    let d = dir.path();
    let as_of = "--as-of=2026-11-01";
    let cases: [(&[&str], &str); 10] = [
        (
            &["check", "folder.rules"],
            "no rules files in folder.rules: check looks for *.rules files",
        ),
        (
            &["check", "nope.rules"],
            "cannot read rules file nope.rules: no such file",
        ),
        (
            &["score", "folder.rules", "leads.jsonl"],
            "cannot read rules file folder.rules: it is a folder, not a file",
        ),
        (
            &["score", "nope.rules", "leads.jsonl"],
            "cannot read rules file nope.rules: no such file",
        ),
        (
            &["score", "m.rules", "nope.jsonl", as_of],
            "cannot read leads file nope.jsonl: no such file",
        ),
        (
            &["explain", "m.rules", "folder.rules"],
            "is a rules file, not leads",
        ),
        (
            &["diff", "nope.rules", "m.rules", "--leads", "leads.jsonl"],
            "cannot read rules file nope.rules: no such file",
        ),
        // Outcomes that are missing and outputs that cannot be written read alike.
        (
            &[
                "calibrate",
                "m.rules",
                "leads.jsonl",
                "--outcomes",
                "gone.csv",
                as_of,
            ],
            "cannot read outcomes file gone.csv: no such file",
        ),
        (
            &[
                "score",
                "m.rules",
                "leads.jsonl",
                "-o",
                "no/such/out.jsonl",
                as_of,
            ],
            "cannot write no/such/out.jsonl: its folder does not exist",
        ),
        (
            &["test", "m.rules", "--junit", "no/such/j.xml"],
            "cannot write no/such/j.xml: its folder does not exist",
        ),
    ];
    for (args, want) in cases {
        let (_, err, code) = run_in(d, args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!err.contains("os error"), "{args:?}: {err}");
    }
    let (_, err, code) = run_in(d, &["fmt", "nope.rules"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read rules file nope.rules: no such file"),
        "{err}"
    );
    let (_, err, code) = run_in(d, &["test", "nope.rules"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read rules file nope.rules: no such file"),
        "{err}"
    );
    fs::create_dir(d.join("leads.d")).unwrap();
    let (_, err, code) = run_in(d, &["score", "m.rules", "leads.d", as_of]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read leads file leads.d: it is a folder, not a file"),
        "{err}"
    );
}

/// `check FOLDER` checks the `*.rules` files under it, as `test` and `fmt`
/// do; a file of only `let`s that another file includes is checked through
/// it (alone its `let`s would be unused), and an error in any file fails.
#[test]
fn check_on_a_folder_checks_the_rules_files_in_it() {
    let dir = project();
    let d = dir.path();
    write(d, "models/shared/lists.rules", "let exec = [VP, CEO]\n");
    write(
        d,
        "models/a.rules",
        "include \"shared/lists.rules\"\nwhen title in exec add 10 as \"exec\"\n",
    );
    write(d, "models/sub/b.rules", RULES);
    write(d, "models/notes.txt", "not rules");
    let (_, err, code) = run_in(d, &["check", "models", "--deny-warnings"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("models/a.rules: no problems"), "{err}");
    assert!(err.contains("models/sub/b.rules: no problems"), "{err}");
    assert!(!err.contains("lists.rules"), "{err}");
    assert!(!err.contains("notes.txt"), "{err}");
    // Named by itself, the library file is checked (and its let is unused).
    let (_, err, _) = run_in(d, &["check", "models/shared/lists.rules"]);
    assert!(err.contains("never used"), "{err}");
    write(d, "models/sub/c.rules", "when titel contans \"x\" add 1\n");
    let (_, err, code) = run_in(d, &["check", "models"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("models/sub/c.rules: "), "{err}");
}

#[test]
fn swapped_rules_and_leads_get_one_line() {
    let dir = project();
    let (out, err, code) = run_in(dir.path(), &["score", "leads.jsonl", "m.rules"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("leads.jsonl looks like leads and m.rules like rules: the rules come first"),
        "{err}"
    );
    let (_, err, code) = run_in(dir.path(), &["check", "leads.jsonl"]);
    assert_eq!((code, err.lines().count()), (2, 1), "{err}");
    assert!(
        err.contains("leads.jsonl looks like a leads file, not rules"),
        "{err}"
    );
    let (_, err, code) = run_in(
        dir.path(),
        &["diff", "m.rules", "m.rules", "--leads", "m.rules"],
    );
    assert_eq!((code, err.lines().count()), (2, 1), "{err}");
    assert!(err.contains("m.rules is a rules file, not leads"), "{err}");
}

#[test]
fn explain_id_selects_one_lead() {
    let dir = project();
    let args = [
        "explain",
        "m.rules",
        "leads.jsonl",
        "--id",
        "L-1002",
        "--as-of=2026-11-01",
    ];
    let (out, err, code) = run_in(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("lead L-1002  score 50  tier hot"), "{out}");
    assert!(!out.contains("L-1001"), "{out}");
    let args = [
        "explain",
        "m.rules",
        "leads.jsonl",
        "--id",
        "L-9",
        "--as-of=2026-11-01",
    ];
    let (_, err, code) = run_in(dir.path(), &args);
    assert_eq!(code, 2);
    assert!(
        err.contains("no lead has id \"L-9\" (searched 2 leads)"),
        "{err}"
    );
    // The field that holds the ids is --id-field in explain.
    write(
        dir.path(),
        "crm.jsonl",
        "{\"crm\": {\"key\": 7}, \"title\": \"VP\"}\n",
    );
    let args = [
        "explain",
        "m.rules",
        "crm.jsonl",
        "--id-field",
        "crm.key",
        "--id",
        "7",
    ];
    let (out, err, code) = run_in(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("lead 7  score 50"), "{out}");
}

#[test]
fn diff_lists_rules_whose_points_changed_and_counts_in_words() {
    let dir = project();
    write(dir.path(), "new.rules", &RULES.replace("add 50", "add 60"));
    write(
        dir.path(),
        "one.jsonl",
        "{\"id\": \"L-1\", \"title\": \"VP\"}\n",
    );
    let args = [
        "diff",
        "m.rules",
        "new.rules",
        "--leads",
        "one.jsonl",
        "--as-of=2026-11-01",
    ];
    let (out, err, code) = run_in(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("1 of 1 lead changed score; mean change +10\n"),
        "{out}"
    );
    assert!(
        out.contains("  vp: 1 → 1 (0), points 50 → 60 (+10)\n"),
        "the rule fires as often but gives more points:\n{out}"
    );
    let (md, _, _) = run_in(dir.path(), &[&args[..], &["--format", "markdown"]].concat());
    assert!(
        md.contains("<summary>The lead that moved most</summary>"),
        "{md}"
    );
    assert!(md.contains("| vp | 1 | 1 | 0 | 50 → 60 (+10) |"), "{md}");
    let (json, _, _) = run_in(dir.path(), &[&args[..], &["--format", "json"]].concat());
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["rules"][0]["old_points"], 50.0);
    assert_eq!(json["rules"][0]["new_points"], 60.0);
}

#[test]
fn test_finds_tests_in_subfolders_that_include_the_model_above() {
    let dir = project();
    write(dir.path(), "rules/model.rules", RULES);
    write(
        dir.path(),
        "rules/tests/vp.test.rules",
        "include \"../model.rules\"\ntest \"vp is hot\" {\n  lead { title: \"VP\" }\n  expect tier == hot\n}\n",
    );
    let (out, err, code) = run_in(dir.path(), &["test", "rules", "--junit", "report.xml"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.ends_with("1 passed, 0 failed\n"), "{out}");
    let xml = fs::read_to_string(dir.path().join("report.xml")).unwrap();
    assert!(
        xml.contains("file=\"rules/tests/vp.test.rules\" line=\"2\""),
        "JUnit wants file= and line= apart: {xml}"
    );
    // Given the test folder alone, the model above it is out of bounds.
    let (_, err, code) = run_in(dir.path(), &["test", "rules/tests"]);
    assert_eq!(code, 1);
    assert!(err.contains("is outside the ruleset's folder"), "{err}");
}

#[test]
fn included_paths_are_normalised_in_reports() {
    let dir = project();
    write(
        dir.path(),
        "r/main.rules",
        "include \"sub/deeper/../c.rules\"\n",
    );
    write(
        dir.path(),
        "r/sub/c.rules",
        "when title contians \"x\" add 1\n",
    );
    fs::create_dir(dir.path().join("r/sub/deeper")).unwrap();
    let (_, err, code) = run_in(dir.path(), &["check", "r/main.rules"]);
    assert_eq!(code, 1);
    assert!(err.contains("r/sub/c.rules:1:12"), "{err}");
    assert!(!err.contains(".."), "{err}");
    let (out, _, _) = run_in(dir.path(), &["check", "r/main.rules", "--format", "json"]);
    assert!(out.contains("\"r/sub/c.rules\""), "{out}");
    assert!(!out.contains("deeper"), "{out}");
}

#[test]
fn check_reports_a_missing_lead_file() {
    let dir = project();
    write(
        dir.path(),
        "t.test.rules",
        "include \"m.rules\"\ntest \"from a file\" {\n  lead from \"leads/gone.json\"\n  expect tier == hot\n}\n",
    );
    let (_, err, code) = run_in(dir.path(), &["check", "t.test.rules"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("leadscore::lead_file_unreadable"), "{err}");
    assert!(
        err.contains("cannot read the lead file \"leads/gone.json\""),
        "{err}"
    );
    assert!(err.contains("t.test.rules:3:13"), "{err}");
    write(dir.path(), "leads/gone.json", "{\"title\": \"VP\"}");
    let (_, err, code) = run_in(dir.path(), &["check", "t.test.rules"]);
    assert_eq!(code, 0, "{err}");
}

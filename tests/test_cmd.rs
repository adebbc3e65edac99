//! `leadscore test` as a black box: the repo's own tests, a fixture with
//! deliberately wrong expectations (snapshot), type errors in tests, the
//! filter, JUnit output and coverage thresholds.

mod common;

use assert_cmd::Command;
use common::run;

const WRONG: &str = "tests/data/testing/wrong_expectation.test.rules";
const TYPOS: &str = "tests/data/testing/typos.test.rules";

/// The last line of `out`, which must be `N passed, N failed` alone.
fn counts(out: &str) -> (usize, usize) {
    let last = out.lines().last().unwrap_or_default();
    let re = regex::Regex::new(r"^(\d+) passed, (\d+) failed$").unwrap();
    let caps = re
        .captures(last)
        .unwrap_or_else(|| panic!("last line {last:?} in:\n{out}"));
    (caps[1].parse().unwrap(), caps[2].parse().unwrap())
}

#[test]
fn the_repo_rules_pass_and_every_rule_is_fired_by_a_test() {
    let (out, err, code) = run(&["test", "--coverage", "--min-coverage", "100"]);
    assert_eq!(code, 0, "{out}{err}");
    let (passed, failed) = counts(&out);
    assert!(passed >= 13, "{out}");
    assert_eq!(failed, 0);
    assert!(out.contains("rules fired in some test (100%)"), "{out}");
    assert!(!out.contains("never fired"), "{out}");
}

#[test]
fn a_wrong_expectation_shows_expected_and_actual_and_fails() {
    let (out, _, code) = run(&["test", WRONG]);
    assert_eq!(code, 1);
    assert_eq!(counts(&out), (1, 1));
    assert!(
        out.contains("  expected: score == 50\n  actual:   score is 30\n"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn the_filter_runs_only_matching_tests() {
    let (out, _, code) = run(&["test", WRONG, "--filter", "mid-size"]);
    assert_eq!((code, counts(&out)), (0, (1, 0)), "{out}");
    // A filter that picks no test fails the run: nothing was tested.
    let (out, err, code) = run(&["test", WRONG, "--filter", "no such test"]);
    assert_eq!((code, counts(&out)), (1, (0, 0)), "{out}");
    let message = format!("error: no test name contains \"no such test\" (2 tests in {WRONG})");
    assert!(err.starts_with(&message), "{err}");
}

/// A run that finds no test fails (it would pass a CI job that tests
/// nothing) and says where it looked; a rules file whose tests are in the
/// test file beside it gets that file's name.
#[test]
fn a_run_that_finds_no_test_fails() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "schema { id: string, title: string? }\nwhen title contains \"VP\" add 10\n";
    std::fs::create_dir_all(dir.path().join("plain")).unwrap();
    std::fs::create_dir_all(dir.path().join("paired")).unwrap();
    std::fs::write(dir.path().join("plain/m.rules"), rules).unwrap();
    std::fs::write(dir.path().join("paired/m.rules"), rules).unwrap();
    let test = "include \"m.rules\"\ntest \"a VP\" {\n  lead { id: \"1\", title: \"VP\" }\n  expect score == 10\n}\n";
    std::fs::write(dir.path().join("paired/m.test.rules"), test).unwrap();
    let test_in = |path: &str| common::run_in(dir.path(), &["test", path]);
    for path in ["plain/m.rules", "plain"] {
        let (out, err, code) = test_in(path);
        assert_eq!((code, counts(&out)), (1, (0, 0)), "{path}: {out}{err}");
        let message = format!("error: no test in {path}, so nothing was tested: a test is a block `test \"NAME\" {{ ... }}`");
        assert!(err.starts_with(&message), "{err}");
    }
    let (out, err, code) = test_in("paired/m.rules");
    assert_eq!((code, counts(&out)), (1, (0, 0)), "{out}{err}");
    assert!(err.contains("its tests are in paired/m.test.rules beside it; run `leadscore test paired/m.test.rules`"), "{err}");
    // The folder runs the test file: a rules file without tests is skipped.
    let (out, err, code) = test_in("paired");
    assert_eq!((code, counts(&out)), (0, (1, 0)), "{out}{err}");
    assert!(!err.contains("no test"), "{err}");
}

#[test]
fn coverage_lists_rules_no_test_fired_and_a_threshold_fails_the_run() {
    let filter = ["--filter", "mid-size"];
    let (out, _, code) = run(&["test", WRONG, filter[0], filter[1], "--coverage"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("coverage: 3 of 5 rules fired in some test (60%)"),
        "{out}"
    );
    assert!(
        out.contains("never fired: tests/data/testing/scoring.rules:5 \"personal email\""),
        "{out}"
    );
    assert!(out.contains("scoring.rules:10 \"demo request\""), "{out}");
    let (out, _, code) = run(&["test", WRONG, filter[0], filter[1], "--min-coverage", "75"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("coverage 60% is below --min-coverage 75%"),
        "{out}"
    );
    let (_, _, code) = run(&["test", WRONG, filter[0], filter[1], "--min-coverage", "60"]);
    assert_eq!(code, 0);
}

#[test]
fn junit_has_a_failure_element_per_failed_test_with_escaped_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xml");
    let (_, _, code) = run(&["test", WRONG, "--junit", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    let xml = std::fs::read_to_string(&path).unwrap();
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"),
        "{xml}"
    );
    assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
    assert_eq!(xml.matches("<failure message=").count(), 1, "{xml}");
    let name = "name=\"a gmail founder &lt;with&gt; &quot;quotes&quot; &amp; no pricing visit\"";
    assert!(xml.contains(name), "{xml}");
    assert!(
        xml.contains("expected: score == 50\n  actual:   score is 30"),
        "{xml}"
    );
    // Between tags, every `<` opens markup: no raw text escaped the escaping.
    for tag in xml.split('<').skip(1) {
        let head = tag.split('>').next().unwrap();
        assert!(
            head.matches('"').count() % 2 == 0,
            "broken attribute in <{head}>"
        );
    }
}

#[test]
fn type_errors_in_tests_are_reported_with_suggestions_and_fail() {
    let (out, err, code) = run(&["test", TYPOS]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `tier`?"), "{err}");
    assert!(err.contains("did you mean `hot`?"), "{err}");
    assert!(err.contains("did you mean \"executive title\"?"), "{err}");
    assert!(
        err.contains("the tests of tests/data/testing/typos.test.rules did not run"),
        "{err}"
    );
    assert_eq!(counts(&out), (0, 0));
    let (_, err, code) = run(&["check", TYPOS]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
}

#[test]
fn check_and_score_ignore_test_blocks() {
    let (_, err, code) = run(&["check", WRONG]);
    assert_eq!(code, 0, "{err}");
    let lead = r#"{"id":"x","title":"VP","company":{"size":300}}"#;
    let score = |rules: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_leadscore"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["score", rules, "--as-of", "2026-11-01"])
            .write_stdin(lead)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let with_tests = score(WRONG);
    assert_eq!(with_tests, score("tests/data/testing/scoring.rules"));
    assert!(with_tests.contains("\"score\":60"), "{with_tests}");
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let (_, err, code) = run(&["test", "tests/data/testing/nope.rules"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read rules file tests/data/testing/nope.rules: no such file"),
        "{err}"
    );
}

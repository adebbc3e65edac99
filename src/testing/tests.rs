//! Runner tests through source text: parsing of test blocks, leads, and verdicts.

use super::*;
use crate::syntax::ast::FileId;
use crate::syntax::MemReader;

const RULES: &str = "group fit max 60 {
  when title contains any [VP, Chief] add 50 as \"executive title\"
  when company.size between 200 and 5000 add 20
  when email ends with \"@gmail.com\" subtract 20 as \"personal email\"
}
when any(events where type == \"page_view\" and at within 30 days) add 35 as \"recent visit\"
label tier {
  hot when score >= 80
  warm when score >= 40
}
";

/// Runs the tests of `tests` (a file that includes `r/x.rules`) and returns the results.
fn results(tests: &str) -> (Suite, Vec<CaseResult>) {
    let reader = MemReader::with(&[
        ("r/x.test.rules", tests),
        ("r/x.rules", RULES),
        (
            "r/leads/vp.json",
            "{\"title\": \"Chief of Staff\", \"company\": {\"size\": 250}}",
        ),
        ("outside.json", "{}"),
    ]);
    let suite = suite("r/x.test.rules", None, &reader).expect("entry exists");
    let problems: Vec<_> = suite
        .loaded
        .diagnostics
        .iter()
        .map(|d| &d.message)
        .collect();
    assert!(!suite.loaded.has_errors(), "{problems:?}");
    let program = Program::compile(suite.loaded.ruleset.as_ref().unwrap());
    let config = RunConfig {
        filter: None,
        default_as_of: parse_time("2026-01-01").unwrap(),
        zone: None,
    };
    let cases = run(&suite, &program, &reader, &config);
    (suite, cases)
}

#[test]
fn a_lead_literal_may_span_lines_and_keys_may_be_unquoted() {
    let src = "include \"x.rules\"\ntest \"vp\" {\n  as_of 2026-11-01T00:00:00Z\n  lead { title: \"VP Sales\",\n    company: { \"size\": 300 },\n    events: [{ type: \"page_view\", at: \"2026-10-30T00:00:00Z\" }] }\n  expect score == 95\n  expect fit == 60\n  expect tier == hot\n  expect fired \"executive title\"\n  expect not fired \"personal email\"\n}\n";
    let (suite, cases) = results(src);
    assert_eq!(suite.tests.len(), 1);
    assert_eq!(cases[0].verdict, Verdict::Passed, "{cases:?}");
    let lead = cases[0].lead.as_ref().unwrap();
    assert_eq!(lead["company"]["size"], serde_json::json!(300));
    assert!(lead["company"]["size"].is_u64(), "integers stay integers");
}

#[test]
fn failures_say_what_was_found() {
    let src = "include \"x.rules\"\ntest \"intern\" {\n  lead { title: \"Intern\", email: \"a@gmail.com\" }\n  expect score between 10 and 20\n  expect tier == warm\n  expect tier is present\n  expect fired \"executive title\"\n  expect score < 0\n}\n";
    let (suite, cases) = results(src);
    let Verdict::Failed(failures) = &cases[0].verdict else {
        panic!("{cases:?}")
    };
    let actual: Vec<_> = failures
        .iter()
        .map(|f| (f.what.as_str(), &f.actual))
        .collect();
    assert_eq!(
        actual,
        [
            ("score", &Actual::Number(-20.0)),
            ("tier", &Actual::Label(None)),
            ("tier", &Actual::Label(None)),
            ("executive title", &Actual::Fired(false)),
        ]
    );
    let why = report::why(&suite.loaded.sources, &cases[0]);
    assert!(
        why.contains("  expected: score between 10 and 20\n  actual:   score is -20\n"),
        "{why}"
    );
    assert!(
        why.contains("  actual:   \"executive title\" did not fire\n"),
        "{why}"
    );
}

#[test]
fn lead_files_are_read_relative_to_the_test_file_and_inside_the_root() {
    let src = "include \"x.rules\"\ntest \"file\" {\n  lead from \"leads/vp.json\"\n  expect fit == 60\n}\ntest \"outside\" {\n  lead from \"../outside.json\"\n  expect score == 0\n}\n";
    let (_, cases) = results(src);
    assert_eq!(cases[0].verdict, Verdict::Passed, "{cases:?}");
    let Verdict::Broken(broken) = &cases[1].verdict else {
        panic!("{cases:?}")
    };
    let reason = crate::diagnostics::testing::broken(broken);
    assert_eq!(
        reason,
        "cannot read the lead file \"../outside.json\": it is outside the rules' folder"
    );
}

#[test]
fn the_filter_selects_tests_by_name_and_as_of_sets_the_clock() {
    let src = "include \"x.rules\"\ntest \"old visit\" {\n  as_of 2026-11-01\n  lead { events: [{ type: \"page_view\", at: \"2026-01-01T00:00:00Z\" }] }\n  expect not fired \"recent visit\"\n}\ntest \"new visit\" {\n  lead { events: [{ type: \"page_view\", at: \"2025-12-31T00:00:00Z\" }] }\n  expect fired \"recent visit\"\n}\n";
    let (suite, cases) = results(src);
    assert!(cases.iter().all(CaseResult::passed), "{cases:?}");
    let reader = MemReader::with(&[("r/x.test.rules", src), ("r/x.rules", RULES)]);
    let program = Program::compile(suite.loaded.ruleset.as_ref().unwrap());
    let config = RunConfig {
        filter: Some("new".into()),
        default_as_of: parse_time("2026-01-01").unwrap(),
        zone: None,
    };
    let names: Vec<_> = run(&suite, &program, &reader, &config)
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["new visit"]);
}

#[test]
fn coverage_counts_rules_any_test_fired() {
    let src = "include \"x.rules\"\ntest \"vp\" {\n  lead { title: \"VP\" }\n  expect score == 50\n}\ntest \"gmail\" {\n  lead { email: \"x@gmail.com\" }\n  expect score == -20\n}\n";
    let (suite, cases) = results(src);
    let fired = fired_rules(suite.loaded.ruleset.as_ref().unwrap(), &cases);
    assert_eq!(fired, [true, false, true, false]);
}

#[test]
fn test_blocks_are_not_rules() {
    let with =
        format!("{RULES}test \"t\" {{\n  lead {{ title: \"VP\" }}\n  expect score == 50\n}}\n");
    let reader = MemReader::default();
    let a = crate::load_str("a.rules", RULES, &reader);
    let b = crate::load_str("a.rules", &with, &reader);
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    assert_eq!(a.ruleset, b.ruleset);
}

#[test]
fn a_field_named_test_does_not_start_an_item() {
    let src = "when (a == 1 and\ntest == 2) add 1\n";
    let (file, errors) = crate::syntax::parse(FileId(0), src);
    assert_eq!(errors, []);
    assert_eq!(file.items.len(), 1);
}

#[test]
fn a_key_named_like_an_item_word_stays_in_the_lead() {
    let src = "test \"t\" {\n  lead {\nlabel: \"x\",\n    group: 1 }\n  expect score == 0\n}\n";
    let (file, errors) = crate::syntax::parse(FileId(0), src);
    assert_eq!(errors, []);
    let Item::Test(t) = &file.items[0] else {
        panic!()
    };
    assert_eq!(t.entries.len(), 2);
}

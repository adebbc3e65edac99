//! Wording of problems in test blocks.
//!
//! | code | triggered by |
//! |---|---|
//! | `leadscore::unknown_expect_target` | `expect tiers == hot` (not `score`, a group or a label) |
//! | `leadscore::unknown_rule_label` | `expect fired "executive titel"` |
//! | `leadscore::unknown_label_value` | `expect tier == hto` |
//! | `leadscore::bad_expectation` | `expect score == hot`, `expect tier > warm`, `expect score is missing` |
//! | `leadscore::test_without_lead` | a test with no `lead` line |
//! | `leadscore::duplicate_test_entry` | two `lead` or two `as_of` lines in one test |
//! | `leadscore::bad_as_of` | `as_of 2026-13-01` |
//! | `leadscore::duplicate_test_name` | two tests named alike |
//! | `leadscore::unknown_expect_target` | `expect account score > 1` without an `account` block |
//! | `leadscore::bad_expectation` | `expect score > 1` in a test with several leads |
//! | `leadscore::test_without_rules` | a test file that does not `include` the rules it tests |
//! | `leadscore::lead_file_unreadable` | `lead from "missing.json"` (reported by `check`) |

use super::{Diagnostic, ToDiagnostic};
use crate::check::testblocks::{TargetKind, TestProblem as P};
use crate::testing::{Broken, LeadFileError, LeadFileWhy};

impl ToDiagnostic for crate::testing::LeadFileProblem {
    fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error(
            "leadscore::lead_file_unreadable",
            lead_file(&self.error),
            self.span,
            "this file",
        )
        .with_help(
            "`lead from` paths are relative to the test's file and stay inside the rules' folder",
        )
    }
}

/// `leadscore test` ran no test: the paths it searched (holding `files`
/// rules files), the `--filter` that picked none of the `found` tests, and
/// the test files beside the rules files given (`x.rules`, `x.test.rules`).
pub fn no_tests(
    places: &[String],
    files: usize,
    filter: Option<&str>,
    found: usize,
    siblings: &[(String, String)],
) -> String {
    let places = places.join(", ");
    if let Some(filter) = filter {
        let tests = if found == 1 { "test" } else { "tests" };
        return format!(
            "no test name contains {filter:?} ({found} {tests} in {places}), so nothing was tested; --filter picks the tests whose name contains its text"
        );
    }
    if let Some((rules, beside)) = siblings.first() {
        return format!(
            "no test in {places}: {rules} has no test block, and its tests are in {beside} beside it; run `leadscore test {beside}` (or the folder)"
        );
    }
    if files == 0 {
        return format!("no test in {places}: there is no *.rules file there");
    }
    format!(
        "no test in {places}, so nothing was tested: a test is a block `test \"NAME\" {{ ... }}` with a `lead {{ ... }}` line and `expect` lines, in the rules file or in a test file that includes it (docs/testing.md)"
    )
}

/// `cannot read the lead file "x.json": why`.
pub fn lead_file(e: &LeadFileError) -> String {
    let why = match &e.why {
        LeadFileWhy::Io(message) | LeadFileWhy::NotJson(message) => message.as_str(),
        LeadFileWhy::Outside => "it is outside the rules' folder",
        LeadFileWhy::NotObject => "it does not hold a JSON object",
    };
    format!("cannot read the lead file \"{}\": {why}", e.path)
}

/// The one line `test` prints for a test whose lead could not be scored.
pub fn broken(b: &Broken) -> String {
    match b {
        Broken::NoLead => "the test has no lead".into(),
        Broken::LeadFile(e) => lead_file(e),
        Broken::Unscorable(e) => {
            format!("the lead cannot be scored: {}", super::data::data_error(e))
        }
        Broken::Accounts(keys) if keys.is_empty() => {
            "no lead of the test has an account key, so `expect account` has no account".into()
        }
        Broken::Accounts(keys) => format!(
            "the test's leads make {} accounts ({}); the leads of a test with `expect account` share one account key",
            keys.len(),
            keys.join(", ")
        ),
    }
}

impl ToDiagnostic for P {
    fn to_diagnostic(&self) -> Diagnostic {
        match self {
            P::UnknownTarget { span, name, suggestion } => Diagnostic::error(
                "leadscore::unknown_expect_target",
                format!("`{name}` is not `score`, a group or a label"),
                *span,
                "nothing to compare",
            )
            .with_help(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "expect `score`, a group's total or a label, e.g. `expect tier == hot`".into(),
            }),
            P::UnknownRule { span, rule, suggestion } => Diagnostic::error(
                "leadscore::unknown_rule_label",
                format!("no rule is labelled {}", quoted(rule)),
                *span,
                "not a rule label",
            )
            .with_help(match suggestion {
                Some(s) => format!("did you mean {}?", quoted(s)),
                None => "a rule's label is its `as \"...\"` text, or the rule's own text when it has none".into(),
            }),
            P::UnknownLabelValue { span, label, value, suggestion } => Diagnostic::error(
                "leadscore::unknown_label_value",
                format!("label `{label}` never takes the value `{value}`"),
                *span,
                "not a value of this label",
            )
            .with_help(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("use one of the values of `label {label}`, or `{label} is missing`"),
            }),
            P::NumberExpected { span, target, kind } => Diagnostic::error(
                "leadscore::bad_expectation",
                format!("{} is a number", what(target, *kind)),
                *span,
                "not a number",
            )
            .with_help(format!("compare it with a number, e.g. `expect {target} >= 40`")),
            P::LabelOrdered { span, label } => Diagnostic::error(
                "leadscore::bad_expectation",
                format!("label `{label}` can only be equal or not to a value"),
                *span,
                "labels have no order",
            )
            .with_help(format!("write `expect {label} == VALUE` or `expect {label} != VALUE`")),
            P::AlwaysPresent { span, target } => Diagnostic::error(
                "leadscore::bad_expectation",
                format!("`{target}` is never missing"),
                *span,
                "always a number",
            )
            .with_help("only a label can be missing (when none of its arms matches)"),
            P::MissingLead { span } => Diagnostic::error(
                "leadscore::test_without_lead",
                "this test has no lead",
                *span,
                "no `lead` line",
            )
            .with_help("add `lead { title: \"VP Sales\", ... }` or `lead from \"lead.json\"`"),
            P::DuplicateEntry { span, first, entry } => Diagnostic::error(
                "leadscore::duplicate_test_entry",
                format!("a second `{entry}` in one test"),
                *span,
                "second one",
            )
            .with_note(*first, "first one")
            .with_help(format!("a test has one `{entry}`; write another test for another case")),
            P::BadAsOf { span, text } => Diagnostic::error(
                "leadscore::bad_as_of",
                format!("`{text}` is not a time"),
                *span,
                "not an RFC 3339 time or a date",
            )
            .with_help("write a time like `2026-11-01T00:00:00Z`, or a date like `2026-11-01` for midnight UTC"),
            P::DuplicateTest { span, name, first } => Diagnostic::error(
                "leadscore::duplicate_test_name",
                format!("a second test named {}", quoted(name)),
                *span,
                "second one",
            )
            .with_note(*first, "first one")
            .with_help("give each test its own name, so a failure points at one test"),
            P::NoAccountBlock { span } => Diagnostic::error(
                "leadscore::unknown_expect_target",
                "`expect account` with no `account` block",
                *span,
                "there is no account to test",
            )
            .with_help("add an `account by KEY { ... }` block to the rules, or expect something of the lead"),
            P::LeadOfSeveral { span } => Diagnostic::error(
                "leadscore::bad_expectation",
                "an expectation of the lead in a test with several leads",
                *span,
                "which lead?",
            )
            .with_help("a test with several leads tests their account: write `expect account ...`, or give each lead a test of its own"),
            P::NoRules { span } => Diagnostic::error(
                "leadscore::test_without_rules",
                "these tests have no rules to test",
                *span,
                "no rules in this file or its includes",
            )
            .with_help("include the rules under test at the top, e.g. `include \"b2b_saas.rules\"`"),
        }
    }
}

/// A name in double quotes, escaped like a JSON string.
fn quoted(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// `the score` / `group `fit`'s total`.
fn what(target: &str, kind: TargetKind) -> String {
    match kind {
        TargetKind::Score => "the score".into(),
        _ => format!("the total of group `{target}`"),
    }
}

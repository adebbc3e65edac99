//! How a test's outcome reads: the expectations that failed, each with
//! what was expected and what was found. Shared by the terminal report
//! and the JUnit file.

use super::{Actual, CaseResult, Failure, Verdict};
use crate::eval::push_num;
use crate::source::SourceMap;
use std::fmt::Write as _;

/// `rules/x.test.rules:12`: where a test is.
pub fn location(sources: &SourceMap, case: &CaseResult) -> String {
    let (file, line) = place(sources, case);
    format!("{file}:{line}")
}

/// The file and line (from 1) of a test.
pub fn place(sources: &SourceMap, case: &CaseResult) -> (String, usize) {
    let (line, _) = sources.line_col(case.span);
    (sources.get(case.span.file).name.clone(), line)
}

/// The lines that say why a test did not pass (empty for a passed test),
/// each indented by two spaces and ending with a newline.
pub fn why(sources: &SourceMap, case: &CaseResult) -> String {
    let mut text = String::new();
    match &case.verdict {
        Verdict::Passed => {}
        Verdict::Broken(broken) => {
            let reason = crate::diagnostics::testing::broken(broken);
            let _ = writeln!(text, "  error: {reason}");
        }
        Verdict::Failed(failures) => {
            for f in failures {
                text.push_str(&failure(sources, f));
            }
        }
    }
    text
}

/// `  expected: score == 90` / `  actual:   score is 95`.
fn failure(sources: &SourceMap, f: &Failure) -> String {
    let written = sources.snippet(f.span);
    let expected: Vec<&str> = written.split_whitespace().collect();
    format!(
        "  expected: {}\n  actual:   {}\n",
        expected.join(" "),
        actual(&f.what, &f.actual)
    )
}

fn actual(what: &str, actual: &Actual) -> String {
    match actual {
        Actual::Number(n) => {
            let mut s = format!("{what} is ");
            push_num(&mut s, *n);
            s
        }
        Actual::Label(Some(value)) => format!("{what} is {}", quoted_if_spaced(value)),
        Actual::Label(None) => format!("{what} is missing (no arm matched)"),
        Actual::Fired(true) => format!("{} fired", quoted(what)),
        Actual::Fired(false) => format!("{} did not fire", quoted(what)),
    }
}

fn quoted(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

fn quoted_if_spaced(s: &str) -> String {
    if s.contains(char::is_whitespace) || s.is_empty() {
        quoted(s)
    } else {
        s.to_string()
    }
}

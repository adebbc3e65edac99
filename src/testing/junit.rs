//! JUnit XML, the test report format CI systems read: one `testsuite` per
//! ruleset, one `testcase` per test, a `failure` element for each test that
//! did not pass.

use std::fmt::Write as _;

/// One test case of a JUnit report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// The test's name.
    pub name: String,
    /// The file it is in (`rules/x.test.rules`).
    pub file: String,
    /// The line of its `test` keyword, from 1.
    pub line: usize,
    /// `None` when it passed; else a one-line message and the full text.
    pub failure: Option<(String, String)>,
}

/// A ruleset's cases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuiteReport {
    /// The ruleset's file.
    pub name: String,
    /// Its test cases.
    pub cases: Vec<Case>,
}

/// The whole JUnit document.
pub fn render(suites: &[SuiteReport]) -> String {
    let total: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failed: usize = suites.iter().map(failures).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"leadscore\" tests=\"{total}\" failures=\"{failed}\">"
    );
    for suite in suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">",
            escape(&suite.name),
            suite.cases.len(),
            failures(suite)
        );
        for case in &suite.cases {
            out.push_str(&testcase(&suite.name, case));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn failures(suite: &SuiteReport) -> usize {
    suite.cases.iter().filter(|c| c.failure.is_some()).count()
}

fn testcase(suite: &str, case: &Case) -> String {
    let head = format!(
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
        escape(&case.name),
        escape(suite),
        escape(&case.file),
        case.line
    );
    match &case.failure {
        None => format!("{head}/>\n"),
        Some((message, text)) => format!(
            "{head}>\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
            escape(message),
            escape(text)
        ),
    }
}

/// Text made safe for XML attributes and content. Control characters XML
/// 1.0 cannot hold at all become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}"
        );
    }

    #[test]
    fn failures_are_counted_and_escaped() {
        let suites = [SuiteReport {
            name: "r.rules".into(),
            cases: vec![
                Case {
                    name: "ok".into(),
                    file: "r.rules".into(),
                    line: 1,
                    failure: None,
                },
                Case {
                    name: "a \"b\"".into(),
                    file: "r.rules".into(),
                    line: 5,
                    failure: Some(("1 expectation failed".into(), "score < 3".into())),
                },
            ],
        }];
        let xml = render(&suites);
        assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
        assert!(xml.contains("name=\"a &quot;b&quot;\""), "{xml}");
        assert!(xml.contains(">score &lt; 3</failure>"), "{xml}");
        assert!(xml
            .contains("<testcase name=\"ok\" classname=\"r.rules\" file=\"r.rules\" line=\"1\"/>"));
    }
}

//! Diagnostics as machine output for `leadscore check --format`:
//!
//! - [`json`](fn@json): `{"files": [...], "diagnostics": [...]}`, one flat object per
//!   diagnostic with its code, severity, message, file, 1-based line and
//!   column (in characters) of its start and end, byte span, label and help.
//! - [`github`]: GitHub Actions workflow commands (`::error file=..::msg`),
//!   so problems show up inline in a pull request.
//! - [`sarif`]: a SARIF 2.1.0 log for code-scanning tools.
//!
//! Every format is built from [`Entry`] values: diagnostics with their file
//! name and positions resolved ([`Entry::located`]), or a file that could not
//! be read ([`Entry::unreadable`], code `leadscore::io`).

use super::{Diagnostic, Severity};
use crate::source::SourceMap;
use crate::syntax::ast::Span;
use serde_json::{json, Value};

/// The code of a rules file that could not be read.
pub const IO_CODE: &str = "leadscore::io";

/// A diagnostic with its file and positions resolved: what every machine format shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Stable code, e.g. `leadscore::unknown_field`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// One-line summary.
    pub message: String,
    /// The file's name as given on the command line (or as included).
    pub file: String,
    /// 1-based line and column (in characters) where the span starts.
    pub start: (usize, usize),
    /// 1-based line and column (in characters) where the span ends (exclusive).
    pub end: (usize, usize),
    /// Byte offsets of the span in the file.
    pub bytes: (u32, u32),
    /// The text under the span.
    pub label: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Entry {
    /// A diagnostic located in its file.
    pub fn located(sources: &SourceMap, d: &Diagnostic) -> Entry {
        let end = Span {
            start: d.span.end,
            ..d.span
        };
        Entry {
            code: d.code,
            severity: d.severity,
            message: d.message.clone(),
            file: sources.get(d.span.file).name.clone(),
            start: sources.line_col(d.span),
            end: sources.line_col(end),
            bytes: (d.span.start, d.span.end),
            label: d.label.clone(),
            help: d.help.clone(),
        }
    }

    /// A rules file that could not be read, placed at its first line.
    pub fn unreadable(file: &str, problem: &super::io::FileProblem) -> Entry {
        Entry {
            code: IO_CODE,
            severity: Severity::Error,
            message: super::io::cannot_read("rules file", std::path::Path::new(file), problem),
            file: file.to_string(),
            start: (1, 1),
            end: (1, 1),
            bytes: (0, 0),
            label: "unreadable".to_string(),
            help: Some("check the path and the file's permissions".to_string()),
        }
    }
}

/// `"error"` or `"warning"`.
fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The JSON report: the files checked, then every diagnostic; pretty-printed, ending in `\n`.
pub fn json(files: &[String], entries: &[Entry]) -> String {
    let diagnostics: Vec<Value> = entries.iter().map(json_entry).collect();
    let report = json!({ "files": files, "diagnostics": diagnostics });
    let mut out = serde_json::to_string_pretty(&report).expect("JSON values always serialize");
    out.push('\n');
    out
}

fn json_entry(e: &Entry) -> Value {
    json!({
        "code": e.code,
        "severity": severity_word(e.severity),
        "message": e.message,
        "file": e.file,
        "line": e.start.0,
        "column": e.start.1,
        "end_line": e.end.0,
        "end_column": e.end.1,
        "span": { "start": e.bytes.0, "end": e.bytes.1 },
        "label": e.label,
        "help": e.help,
    })
}

/// GitHub Actions workflow commands, one line per diagnostic.
pub fn github(entries: &[Entry]) -> String {
    let mut out = String::new();
    for e in entries {
        let properties = [
            ("file", e.file.clone()),
            ("line", e.start.0.to_string()),
            ("col", e.start.1.to_string()),
            ("endLine", e.end.0.to_string()),
            ("endColumn", e.end.1.to_string()),
            ("title", e.code.to_string()),
        ];
        let properties: Vec<String> = properties
            .iter()
            .map(|(k, v)| format!("{k}={}", escape_property(v)))
            .collect();
        let message = match &e.help {
            Some(help) => format!("{}: {}\n{}", e.message, e.label, help),
            None => format!("{}: {}", e.message, e.label),
        };
        out.push_str(&format!(
            "::{} {}::{}\n",
            severity_word(e.severity),
            properties.join(","),
            escape_data(&message)
        ));
    }
    out
}

/// Workflow-command escaping of a message: `%`, CR and LF.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Workflow-command escaping of a property value: as a message, plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The SARIF 2.1.0 schema's address, named in the log's `$schema`.
const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A SARIF 2.1.0 log with one run; pretty-printed, ending in `\n`.
pub fn sarif(entries: &[Entry]) -> String {
    let mut codes: Vec<&'static str> = entries.iter().map(|e| e.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<Value> = codes.iter().map(|c| sarif_rule(c)).collect();
    let results: Vec<Value> = entries.iter().map(|e| sarif_result(e, &codes)).collect();
    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "leadscore",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://crates.io/crates/leadscore",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("JSON values always serialize");
    out.push('\n');
    out
}

fn sarif_rule(code: &str) -> Value {
    json!({
        "id": code,
        "name": code.trim_start_matches("leadscore::"),
        "shortDescription": { "text": describe(code) },
    })
}

fn sarif_result(e: &Entry, codes: &[&str]) -> Value {
    let text = match &e.help {
        Some(help) => format!("{}: {}. {}", e.message, e.label, help),
        None => format!("{}: {}", e.message, e.label),
    };
    json!({
        "ruleId": e.code,
        "ruleIndex": codes.iter().position(|c| *c == e.code).unwrap_or(0),
        "level": severity_word(e.severity),
        "message": { "text": text },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": uri(&e.file) },
            "region": {
                "startLine": e.start.0,
                "startColumn": e.start.1,
                "endLine": e.end.0,
                "endColumn": e.end.1,
                "byteOffset": e.bytes.0,
                "byteLength": e.bytes.1 - e.bytes.0,
            },
        }}],
    })
}

/// A file path as a relative URI reference: `/` separators, reserved bytes percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        let plain = b.is_ascii_alphanumeric() || b"/-._~".contains(&b);
        if plain {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A one-line description of what a code is about (SARIF rule descriptions).
fn describe(code: &str) -> String {
    let text = match code.trim_start_matches("leadscore::") {
        "io" => "A rules file could not be read",
        "syntax" => "Text that is not valid rules syntax",
        "unclosed_bracket" => "A bracket that is never closed",
        "unopened_bracket" => "A closing bracket without an opening one",
        "unterminated_string" => "A string without its closing quote",
        "bad_escape" => "An unknown escape sequence in a string",
        "control_character" => "A control character written as is in a literal or a comment",
        "invisible_character" => "An invisible format character (a zero-width space, ...) in a literal or between words",
        "bidi_control" => "A bidirectional override or isolate, which makes the text show in another order than it runs",
        "bad_number" => "A number literal that cannot be represented",
        "too_deep" => "Brackets nested too deep",
        "include_unreadable" => "An included file that cannot be read",
        "include_outside_root" => "An include that leaves the rules folder",
        "include_cycle" => "Files that include each other",
        "unknown_type" => "A schema type name that is not a type",
        "unknown_field" => "A field the schema does not declare",
        "undefined_name" => "A name that is not defined, or used before its definition",
        "inconsistent_field" => "A field used as two different types",
        "type_mismatch" => "A value of the wrong type for its position",
        "bad_call" => "An unknown function, or a wrong number of arguments",
        "total_in_rule" => "A total used in a rule, where totals do not exist yet",
        "duplicate_rule_label" => "Two rules with the same label",
        "duplicate_name" => "Two definitions with the same name",
        "invalid_regex" => "A regex the engine rejects",
        "unreachable_arm" => "A label arm that can never be chosen",
        "wrong_scope" => "A name used on the wrong side of the `account` block",
        "bad_limit" => "A cap or group bound that cannot work",
        "bad_duration" => "A length of time or a decay rate that cannot work",
        "never_fires" => "A rule whose condition can never hold",
        "duplicate_condition" => "A rule with the same condition as an earlier rule",
        "unused_let" => "A `let` that nothing uses",
        "unreachable_max" => "A group whose rules can never reach its `max`",
        "no_otherwise" => "A label block without an `otherwise` arm",
        other => return format!("leadscore check: {}", other.replace('_', " ")),
    };
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(escape_data("50% off\r\nnow"), "50%25 off%0D%0Anow");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn uris_are_relative_references() {
        assert_eq!(uri("rules/b2b saas.rules"), "rules/b2b%20saas.rules");
        assert_eq!(uri("a\\b#c.rules"), "a/b%23c.rules");
    }

    #[test]
    fn unknown_codes_still_get_a_description() {
        assert_eq!(
            describe("leadscore::new_thing"),
            "leadscore check: new thing"
        );
    }
}

//! Wording of the end-of-run report on where the rules and the data did not
//! meet ([`crate::datafit::Finding`]): one `warning:` line per finding, with
//! an indented `help:` line when there is something to do, and the same
//! findings as JSON objects for `--summary-json`.
//!
//! | kind | triggered by |
//! |---|---|
//! | `missing_field` | a field the rules read is missing or null in most leads (a list element's field: in every element) |
//! | `wrong_type` | a field held a value of another type than the rules expect (no schema) |
//! | `unread_column` | a CSV column that no rule reads |
//! | `unread_key` | a key of a test's lead that no rule reads, a typo away from a field the lead lacks |
//! | `no_id` | no lead has the `--id` field |
//!
//! A finding about `diff`'s old rules starts `with the old rules:`, one about
//! a test's lead names the test and its place; in JSON they carry
//! `"scope": "old_rules"` or `"scope": "test"` with `test` and `at`.

use crate::datafit::{Finding, Scope, Scoped};
use serde_json::{json, Value};

/// The report as text for stderr: a line per finding (and help lines).
pub fn text(findings: &[Scoped]) -> String {
    let mut out = String::new();
    for Scoped { scope, finding: f } in findings {
        out.push_str(&format!("warning: {}{}\n", about(scope), message(f)));
        if let Some(help) = help(f) {
            out.push_str(&format!("  help: {help}\n"));
        }
    }
    out
}

/// The last line of the report under `--strict`, when there are findings.
pub fn strict_failure(findings: usize) -> String {
    let noun = if findings == 1 { "problem" } else { "problems" };
    format!("error: --strict: {findings} data {noun} above (exit status 4)")
}

/// What a finding is about, before its sentence: nothing for the run.
fn about(scope: &Scope) -> String {
    match scope {
        Scope::Run => String::new(),
        Scope::OldRules => "with the old rules: ".into(),
        Scope::Test { name, at } => format!("test {} at {at}: ", quoted(name)),
    }
}

/// One finding in one sentence.
pub fn message(f: &Finding) -> String {
    match f {
        Finding::Missing {
            field,
            list,
            missing,
            of,
            never_fired,
            ..
        } => {
            let mut text = format!(
                "`{}`: missing or null in {missing} of {of} {}",
                path(list, field),
                whose(list)
            );
            if !never_fired.is_empty() {
                let rules: Vec<String> = never_fired.iter().map(|r| quoted(r)).collect();
                let noun = if rules.len() == 1 { "rule" } else { "rules" };
                text.push_str(&format!(" — {noun} {} never fired", rules.join(", ")));
            }
            text
        }
        Finding::WrongType {
            field,
            list,
            count,
            of,
            expected,
        } => format!(
            "`{}`: not {} in {count} of {of} {}; the tests on it were false",
            path(list, field),
            article(&expected.to_string()),
            whose(list)
        ),
        Finding::UnreadColumn { column, .. } => {
            format!("column `{column}` is read by no rule")
        }
        Finding::UnreadKey { key, .. } => {
            format!("the lead's `{key}` is read by no rule")
        }
        Finding::NoId { field, leads } => {
            format!("no lead of {leads} has the id field `{field}`; the records' ids are null")
        }
    }
}

/// What to do about a finding, if anything specific.
pub fn help(f: &Finding) -> Option<String> {
    match f {
        Finding::Missing {
            column: Some(c), ..
        } => Some(format!(
            "the CSV header has a column `{c}`: rename it, or the field in the rules"
        )),
        Finding::Missing { list: None, .. } => Some(
            "check the field's spelling against the leads, or declare it optional with a schema"
                .into(),
        ),
        Finding::Missing { list: Some(_), .. } | Finding::WrongType { .. } => None,
        Finding::UnreadColumn {
            suggestion: Some(s),
            ..
        } => Some(format!("did you mean the field `{s}` that the rules read?")),
        Finding::UnreadColumn {
            suggestion: None, ..
        } => None,
        Finding::UnreadKey { suggestion, .. } => Some(format!(
            "did you mean `{suggestion}`? The rules read it and the lead does not have it"
        )),
        Finding::NoId { .. } => {
            Some("name the field that identifies a lead with --id FIELD".into())
        }
    }
}

/// A finding as a JSON object: `kind`, the data, the `message`, and its
/// scope when it is not the run.
pub fn json(Scoped { scope, finding: f }: &Scoped) -> Value {
    let mut v = match f {
        Finding::Missing {
            field,
            list,
            missing,
            of,
            never_fired,
            fired,
            column,
        } => json!({
            "kind": "missing_field", "field": field, "list": list, "missing": missing,
            "of": of, "rules_never_fired": never_fired, "rules_fired": fired,
            "did_you_mean_column": column,
        }),
        Finding::WrongType {
            field,
            list,
            count,
            of,
            expected,
        } => json!({
            "kind": "wrong_type", "field": field, "list": list, "count": count, "of": of,
            "expected": expected.to_string(),
        }),
        Finding::UnreadColumn { column, suggestion } => json!({
            "kind": "unread_column", "column": column, "did_you_mean_field": suggestion,
        }),
        Finding::UnreadKey { key, suggestion } => json!({
            "kind": "unread_key", "key": key, "did_you_mean_field": suggestion,
        }),
        Finding::NoId { field, leads } => json!({"kind": "no_id", "field": field, "leads": leads}),
    };
    v["message"] = Value::from(message(f));
    match scope {
        Scope::Run => {}
        Scope::OldRules => v["scope"] = "old_rules".into(),
        Scope::Test { name, at } => {
            v["scope"] = "test".into();
            v["test"] = name.as_str().into();
            v["at"] = at.as_str().into();
        }
    }
    v
}

/// `events.url` for a field of the elements of `events`.
fn path(list: &Option<String>, field: &str) -> String {
    match list {
        Some(l) => format!("{l}.{field}"),
        None => field.to_string(),
    }
}

/// `leads`, or `elements of events`.
fn whose(list: &Option<String>) -> String {
    match list {
        Some(l) => format!("elements of `{l}`"),
        None => "leads".into(),
    }
}

/// `an int`, `a string`.
fn article(ty: &str) -> String {
    let vowel = ty.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {ty}", if vowel { "an" } else { "a" })
}

fn quoted(s: &str) -> String {
    Value::from(s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_field_names_its_silent_rules() {
        let f = Finding::Missing {
            field: "jobtitle".into(),
            list: None,
            missing: 200,
            of: 200,
            never_fired: vec!["executive title".into(), "no title".into()],
            fired: vec![],
            column: Some("job_title".into()),
        };
        assert_eq!(
            message(&f),
            "`jobtitle`: missing or null in 200 of 200 leads — rules \"executive title\", \"no title\" never fired"
        );
        assert!(help(&f).unwrap().contains("`job_title`"));
        let scoped = Scoped {
            scope: Scope::OldRules,
            finding: f,
        };
        assert_eq!(json(&scoped)["kind"], "missing_field");
        assert_eq!(json(&scoped)["scope"], "old_rules");
        assert!(text(&[scoped]).starts_with("warning: with the old rules: `jobtitle`"));
    }

    #[test]
    fn wrong_types_and_list_fields() {
        let f = Finding::WrongType {
            field: "at".into(),
            list: Some("events".into()),
            count: 3,
            of: 9,
            expected: crate::rules::Type::Int,
        };
        assert_eq!(
            message(&f),
            "`events.at`: not an int in 3 of 9 elements of `events`; the tests on it were false"
        );
    }
}

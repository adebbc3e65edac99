//! Wording of data errors: a lead that cannot be scored.

use crate::eval::{DataError, DataErrorKind, DatetimeHint, Found, PathSeg};
use std::fmt::Write as _;

/// One line naming the place and the problem, e.g.
/// `company.size: expected int, found string "big"`.
pub fn data_error(e: &DataError) -> String {
    let place = path(&e.path);
    let problem = match &e.kind {
        DataErrorKind::NotAnObject { found } => {
            return format!("a lead must be a JSON object, found {}", found_text(found))
        }
        DataErrorKind::PointsOverflow => {
            return "the points add up to more than a number can hold (about 1.8e308)".into()
        }
        DataErrorKind::WrongType {
            expected,
            found,
            hint,
        } => {
            let hint = hint.as_ref().map(datetime_hint).unwrap_or_default();
            format!("expected {expected}, found {}{hint}", found_text(found))
        }
        DataErrorKind::Absent {
            expected,
            null: true,
        } => format!("expected {expected}, found null"),
        DataErrorKind::Absent {
            expected,
            null: false,
        } => format!("expected {expected}, but the field is missing"),
    };
    if place.is_empty() {
        return format!("the lead {problem}");
    }
    format!("{place}: {problem}")
}

/// What would read a datetime that could not be read.
fn datetime_hint(hint: &DatetimeHint) -> String {
    let quoted = |fs: &[String]| {
        fs.iter()
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match hint {
        DatetimeHint::Declared(formats) => format!(
            " (not in the declared formats {} nor RFC 3339)",
            quoted(formats)
        ),
        DatetimeHint::Accepting(formats) => match formats.len() {
            0 => String::new(),
            1 => format!(
                "; declare its format in the schema: datetime({})",
                quoted(formats)
            ),
            _ => format!(
                "; it is ambiguous: declare which format it is in the schema, one of datetime({})",
                quoted(formats)
            ),
        },
        DatetimeHint::Epoch => {
            "; if it is a Unix time, declare its unit in the schema: datetime(\"epoch_s\") or datetime(\"epoch_ms\")".into()
        }
    }
}

/// `events[0].at`.
fn path(segs: &[PathSeg]) -> String {
    let mut out = String::new();
    for seg in segs {
        match seg {
            PathSeg::Key(k) if out.is_empty() => out.push_str(k),
            PathSeg::Key(k) => {
                let _ = write!(out, ".{k}");
            }
            PathSeg::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

/// A JSON value in a message: `string "big"`, `number 3.5`, `a list`.
fn found_text(f: &Found) -> String {
    match f {
        Found::Null => "null".into(),
        Found::Bool(b) => format!("bool {b}"),
        Found::Number(n) => format!("number {n}"),
        Found::String(s) if s.chars().count() > 40 => {
            let short: String = s.chars().take(40).collect();
            format!("string {}…", serde_json::Value::String(short))
        }
        Found::String(s) => format!("string {}", serde_json::Value::String(s.clone())),
        Found::List => "a list".into(),
        Found::Object => "an object".into(),
    }
}

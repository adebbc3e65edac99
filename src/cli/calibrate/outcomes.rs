//! Reading outcomes: a CSV or JSON Lines file keyed by lead id, with a
//! boolean `converted` and an optional `converted_at`, as a CRM exports
//! deals or opportunities.

use crate::diagnostics::calibrate::CalibrateError as E;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// What happened to one lead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// It converted.
    pub converted: bool,
    /// When, if the file says.
    pub at: Option<DateTime<Utc>>,
    /// A lead with this id was seen.
    pub matched: bool,
}

/// Every outcome by lead id.
#[derive(Debug, Default)]
pub struct Outcomes {
    /// Id → outcome.
    pub rows: HashMap<String, Row>,
    /// Rows whose id came again.
    pub duplicates: u64,
}

impl Outcomes {
    /// Marks `id` as seen and returns its outcome.
    pub fn take(&mut self, id: &str) -> Option<Row> {
        let row = self.rows.get_mut(id)?;
        row.matched = true;
        Some(*row)
    }

    /// Rows no lead matched.
    pub fn unmatched(&self) -> u64 {
        self.rows.values().filter(|r| !r.matched).count() as u64
    }

    fn insert(&mut self, id: String, converted: bool, at: Option<DateTime<Utc>>) {
        let row = Row {
            converted,
            at,
            matched: false,
        };
        if self.rows.insert(id, row).is_some() {
            self.duplicates += 1;
        }
    }
}

/// Reads an outcomes file; `id` names the key column (a dotted path in JSON Lines).
pub fn read(path: &Path, id: &str) -> Result<Outcomes, E> {
    let name = path.display().to_string();
    let unreadable = |e: std::io::Error| E::OutcomesUnreadable {
        file: name.clone(),
        reason: crate::diagnostics::io::FileProblem::of(path, &e).reason(),
    };
    let mut reader = BufReader::new(File::open(path).map_err(unreadable)?);
    let first = reader.fill_buf().map_err(unreadable)?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let jsonl = match ext.to_ascii_lowercase().as_str() {
        "csv" => false,
        "jsonl" | "ndjson" | "json" => true,
        _ => first.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'),
    };
    if jsonl {
        read_jsonl(reader, &name, id)
    } else {
        read_csv(reader, &name, id)
    }
}

fn read_csv(reader: impl Read, file: &str, id: &str) -> Result<Outcomes, E> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let unreadable = |e: csv::Error| E::OutcomesUnreadable {
        file: file.to_string(),
        reason: e.to_string(),
    };
    let headers = csv.headers().map_err(unreadable)?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
    };
    let missing = |c: &str| E::MissingColumn {
        file: file.to_string(),
        column: c.to_string(),
    };
    let id_col = column(id).ok_or_else(|| missing(id))?;
    let conv_col = column("converted").ok_or_else(|| missing("converted"))?;
    let at_col = column("converted_at");
    let mut out = Outcomes::default();
    for record in csv.records() {
        let record = record.map_err(unreadable)?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let converted =
            boolean(&Value::String(cell(conv_col).into())).ok_or_else(|| E::BadConverted {
                file: file.to_string(),
                line,
                value: cell(conv_col).to_string(),
            })?;
        let at = at_col.map(cell).filter(|s| !s.is_empty());
        let at = at.map(|s| date(s, file, line)).transpose()?;
        out.insert(cell(id_col).to_string(), converted, at);
    }
    Ok(out)
}

fn read_jsonl(reader: impl BufRead, file: &str, id: &str) -> Result<Outcomes, E> {
    let path: Vec<String> = id.split('.').map(str::to_string).collect();
    let mut out = Outcomes::default();
    for (n, line) in reader.lines().enumerate() {
        let line_no = n as u64 + 1;
        let text = line.map_err(|e| E::OutcomesUnreadable {
            file: file.to_string(),
            reason: e.to_string(),
        })?;
        if text.trim().is_empty() {
            continue;
        }
        let bad = |reason: String| E::BadOutcomeLine {
            file: file.to_string(),
            line: line_no,
            reason,
        };
        let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| bad(e.to_string()))?;
        if !value.is_object() {
            return Err(bad("found another JSON value".into()));
        }
        let key =
            id_text(&crate::eval::value_at(&value, &path)).ok_or_else(|| E::MissingColumn {
                file: file.to_string(),
                column: id.to_string(),
            })?;
        let conv = value.get("converted").ok_or_else(|| E::MissingColumn {
            file: file.to_string(),
            column: "converted".into(),
        })?;
        let converted = boolean(conv).ok_or_else(|| E::BadConverted {
            file: file.to_string(),
            line: line_no,
            value: conv.to_string(),
        })?;
        let at = match value.get("converted_at") {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(date(s, file, line_no)?),
            Some(Value::Null) | None => None,
            Some(Value::String(_)) => None,
            Some(other) => Some(date(&other.to_string(), file, line_no)?),
        };
        out.insert(key, converted, at);
    }
    Ok(out)
}

/// A lead id as text: a string as it is, a number as written; `None` for anything else.
pub fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `true`/`false`, `1`/`0`, `yes`/`no` (any case), as a JSON bool, number or string.
pub fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_f64() {
            Some(1.0) => Some(true),
            Some(0.0) => Some(false),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "y" | "t" => Some(true),
            "false" | "0" | "no" | "n" | "f" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn date(text: &str, file: &str, line: u64) -> Result<DateTime<Utc>, E> {
    crate::cli::parse_as_of(text).map_err(|_| E::BadConvertedAt {
        file: file.to_string(),
        line,
        value: text.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_outcomes_are_keyed_by_id_and_repeats_are_counted() {
        let text = "id,converted,converted_at\nA,true,2026-11-20T00:00:00Z\nB,no,\nA,false,\n";
        let o = read_csv(text.as_bytes(), "o.csv", "id").unwrap();
        assert_eq!(o.rows.len(), 2);
        assert_eq!(o.duplicates, 1);
        assert!(!o.rows["A"].converted);
        assert!(!o.rows["B"].converted);
    }

    #[test]
    fn a_bad_converted_cell_names_the_line() {
        let text = "id,converted\nA,true\nB,maybe\n";
        let e = read_csv(text.as_bytes(), "o.csv", "id").unwrap_err();
        assert_eq!(
            e,
            E::BadConverted {
                file: "o.csv".into(),
                line: 3,
                value: "maybe".into()
            }
        );
    }

    #[test]
    fn a_missing_column_is_an_error() {
        let e = read_csv("lead,won\nA,true\n".as_bytes(), "o.csv", "id").unwrap_err();
        assert!(matches!(e, E::MissingColumn { column, .. } if column == "id"));
    }

    #[test]
    fn jsonl_outcomes_read_nested_ids_and_numbers() {
        let text = "{\"crm\":{\"id\":7},\"converted\":1,\"converted_at\":\"2026-12-01\"}\n\n";
        let o = read_jsonl(text.as_bytes(), "o.jsonl", "crm.id").unwrap();
        assert!(o.rows["7"].converted);
        assert!(o.rows["7"].at.is_some());
    }
}

//! CSV leads: a header row names the fields (a field's name or one of its
//! `from` sources; `company.size` makes a nested object), and each cell is
//! converted to the type the rules give its field. An empty cell is a
//! missing field; a cell that cannot be converted makes its row a bad lead.
//! The encoding, delimiter and decimal separator are detected or given
//! (`dialect.rs`).

use super::dialect::{self, Counting, Lines};
use super::{BadLead, Lead, Leads, Loc, Reading};
use crate::eval;
use crate::rules::Type;
use csv::{ErrorKind, StringRecord, StringRecordsIntoIter};
use serde_json::{Map, Value};
use std::io::{self, BufRead};

type Reader = Box<dyn BufRead + Send>;

/// The rows of a CSV input as leads. Fails when the header row is unusable.
pub fn leads(reader: Reader, read: &Reading) -> Result<Leads, String> {
    leads_with_header(reader, read).map(|(leads, _)| leads)
}

/// Like [`leads`], and the header row's column names (trimmed).
pub fn leads_with_header(reader: Reader, read: &Reading) -> Result<(Leads, Vec<String>), String> {
    let reader = dialect::decode(reader, &read.csv).map_err(|e| e.to_string())?;
    let (delimiter, reader) = dialect::delimiter(reader, &read.csv).map_err(|e| e.to_string())?;
    let (counting, lines) = Counting::new(reader);
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(delimiter)
        .from_reader(counting);
    let headers = csv.headers().map_err(|e| e.to_string())?;
    let columns = columns(headers.iter(), read.lead_type)?;
    let header = columns.iter().map(|c| c.name.clone()).collect();
    let rows = Box::new(Rows {
        rows: csv.into_records(),
        columns,
        lines,
        decimal_comma: read.csv.decimal_comma || delimiter == b';',
    });
    Ok((rows, header))
}

/// One column: its header, the field path it sets, and that field's type.
#[derive(Clone, Debug)]
pub(super) struct Column {
    /// The header, trimmed.
    pub name: String,
    /// The field path it sets.
    pub path: Vec<String>,
    /// The field's type (`Any` when the rules do not know it).
    pub ty: Type,
}

struct Rows {
    rows: StringRecordsIntoIter<Counting>,
    columns: Vec<Column>,
    lines: Lines,
    decimal_comma: bool,
}

impl Iterator for Rows {
    type Item = io::Result<Lead>;

    fn next(&mut self) -> Option<io::Result<Lead>> {
        let lead = match self.rows.next()? {
            Ok(row) => Lead {
                at: Loc::Line(self.line_of(row.position())),
                value: convert(&row, &self.columns, self.decimal_comma),
                text: None,
            },
            Err(e) => return Some(self.bad_row(e)),
        };
        Some(Ok(lead))
    }
}

impl Rows {
    /// The line a row starts on, from its byte offset.
    fn line_of(&self, at: Option<&csv::Position>) -> u64 {
        self.lines.line_at(at.map_or(0, |p| p.byte()))
    }

    /// A row the CSV reader rejected: a bad lead, or the end for an I/O error.
    fn bad_row(&mut self, e: csv::Error) -> io::Result<Lead> {
        let line = self.line_of(e.position());
        let message = match e.kind() {
            ErrorKind::Io(_) => return Err(io::Error::from(e)),
            ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => {
                format!("found {len} cells, but the header row has {expected_len}")
            }
            ErrorKind::Utf8 { err, .. } => format!("cell {} is not valid UTF-8", err.field() + 1),
            _ => e.to_string(),
        };
        Ok(Lead {
            at: Loc::Line(line),
            value: Err(BadLead::new(message)),
            text: None,
        })
    }
}

/// The columns of a header row, checked: no empty names, no field set twice.
pub(super) fn columns<'h>(
    headers: impl Iterator<Item = &'h str>,
    lead_type: &Type,
) -> Result<Vec<Column>, String> {
    let columns = headers
        .map(|h| column(h, lead_type))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, a) in columns.iter().enumerate() {
        for b in &columns[..i] {
            if a.path == b.path {
                return Err(format!(
                    "column `{}` appears twice in the header row",
                    a.name
                ));
            }
            if a.path.starts_with(&b.path) || b.path.starts_with(&a.path) {
                return Err(format!(
                    "columns `{}` and `{}` overlap: a field cannot be both a value and an object",
                    b.name, a.name
                ));
            }
        }
    }
    Ok(columns)
}

/// A header names a field by a key of the lead (a field's name or one of
/// its `from` sources) or by a dotted path into nested objects.
fn column(header: &str, lead_type: &Type) -> Result<Column, String> {
    let name = header.trim();
    let path: Vec<String> = if lead_type.field_by_key(name).is_some() {
        vec![name.to_string()]
    } else {
        name.split('.').map(str::to_string).collect()
    };
    if path.iter().any(String::is_empty) {
        return Err(format!("header `{header}` is not a field name"));
    }
    let ty = field_type(lead_type, &path);
    Ok(Column {
        name: name.to_string(),
        path,
        ty,
    })
}

/// The type the rules give a field path; `Any` when they do not know it.
fn field_type(lead_type: &Type, path: &[String]) -> Type {
    let mut ty = lead_type;
    for segment in path {
        match ty.field_by_key(segment) {
            Some(field) => ty = &field.ty,
            None => return Type::Any,
        }
    }
    ty.clone()
}

/// A row as a lead object; the first cell that does not convert makes it a bad lead.
fn convert(row: &StringRecord, columns: &[Column], decimal_comma: bool) -> Result<Value, BadLead> {
    let mut lead = Map::new();
    let mut problem = None;
    for (cell, column) in row.iter().zip(columns) {
        if cell.trim().is_empty() {
            continue;
        }
        match cell_value(cell, &column.ty, decimal_comma) {
            Ok(value) => insert(&mut lead, &column.path, value),
            Err(expected) => {
                let found = Value::from(cell);
                problem.get_or_insert(format!(
                    "column `{}`: expected {expected}, found {found}",
                    column.name
                ));
            }
        }
    }
    match problem {
        None => Ok(Value::Object(lead)),
        Some(message) => Err(BadLead {
            message,
            partial: Some(Value::Object(lead)),
        }),
    }
}

/// A cell converted to a field type, or what was expected.
pub(super) fn cell_value(cell: &str, ty: &Type, decimal_comma: bool) -> Result<Value, String> {
    let text = cell.trim();
    let number_text = if decimal_comma {
        eval::decimal_point(text)
    } else {
        text.into()
    };
    let converted = match ty {
        Type::Int => int(&number_text),
        Type::Number => number(&number_text),
        Type::Bool => bool(text),
        Type::List(_) => serde_json::from_str(text).ok().filter(Value::is_array),
        Type::Record(_) => serde_json::from_str(text).ok().filter(Value::is_object),
        _ => Some(Value::from(cell)),
    };
    converted.ok_or_else(|| expected(ty))
}

fn expected(ty: &Type) -> String {
    match ty {
        Type::Bool => format!("bool ({})", eval::bool_spellings()),
        Type::List(_) | Type::Record(_) => format!("{ty} written as JSON"),
        _ => ty.to_string(),
    }
}

fn int(text: &str) -> Option<Value> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::from(i));
    }
    let f = eval::parse_int(text).filter(|f| f.abs() < 9.0e15)?;
    Some(Value::from(f as i64))
}

fn number(text: &str) -> Option<Value> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::from(i));
    }
    serde_json::Number::from_f64(eval::parse_number(text)?).map(Value::Number)
}

fn bool(text: &str) -> Option<Value> {
    eval::parse_bool(text).map(Value::Bool)
}

/// Sets `path` in `lead`, making nested objects on the way.
pub(super) fn insert(lead: &mut Map<String, Value>, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut map = lead;
    for segment in parents {
        let entry = map
            .entry(segment.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        match entry {
            Value::Object(inner) => map = inner,
            // Impossible: the header check rules out a field that is both a value and an object.
            _ => return,
        }
    }
    map.insert(last.clone(), value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::FieldType;
    use std::io::Cursor;

    fn record(fields: &[(&str, Type)]) -> Type {
        let fields = fields.iter().map(|(n, t)| {
            let field = FieldType::new(t.clone(), true);
            (n.to_string(), field)
        });
        Type::Record(fields.collect())
    }

    fn read(text: &str) -> Result<Vec<Lead>, String> {
        let company = record(&[("size", Type::Int), ("revenue", Type::Number)]);
        let ty = record(&[
            ("company", company),
            ("vip", Type::Bool),
            ("tags", Type::List(Box::new(Type::String))),
        ]);
        let reader: Reader = Box::new(Cursor::new(text.as_bytes().to_vec()));
        let read = Reading::new(crate::cli::InputFormat::Csv, &ty);
        Ok(leads(reader, &read)?.map(Result::unwrap).collect())
    }

    #[test]
    fn dotted_headers_nest_and_cells_convert() {
        let leads =
            read("id,company.size,company.revenue,vip,tags\n007,200,1.5e6,Yes,\"[\"\"a\"\"]\"\n")
                .unwrap();
        let want = serde_json::json!({"id": "007", "company": {"size": 200, "revenue": 1.5e6}, "vip": true, "tags": ["a"]});
        assert_eq!(leads[0].value, Ok(want));
        assert_eq!(leads[0].at, Loc::Line(2));
    }

    #[test]
    fn empty_cells_are_missing_fields() {
        let leads = read("id,company.size,vip\nL1,,\n").unwrap();
        assert_eq!(leads[0].value, Ok(serde_json::json!({"id": "L1"})));
    }

    #[test]
    fn a_bad_cell_makes_a_bad_lead_that_keeps_its_id() {
        let leads = read("id,company.size\nL1,big\nL2,2.5\n").unwrap();
        let bad = leads[0].value.clone().unwrap_err();
        assert_eq!(
            bad.message,
            "column `company.size`: expected int, found \"big\""
        );
        assert_eq!(bad.partial, Some(serde_json::json!({"id": "L1"})));
        assert!(leads[1].value.is_err());
    }

    #[test]
    fn a_short_row_is_a_bad_lead() {
        let leads = read("id,vip\nL1\nL2,no\n").unwrap();
        assert_eq!(
            leads[0].value.clone().unwrap_err().message,
            "found 1 cells, but the header row has 2"
        );
        assert_eq!(
            leads[1].value,
            Ok(serde_json::json!({"id": "L2", "vip": false}))
        );
        assert_eq!(leads[1].at, Loc::Line(3));
    }

    #[test]
    fn overlapping_headers_are_refused() {
        assert!(read("company,company.size\n")
            .unwrap_err()
            .contains("overlap"));
        assert!(read("id,id\n").unwrap_err().contains("twice"));
        assert!(read("id,company.\n")
            .unwrap_err()
            .contains("not a field name"));
    }
}

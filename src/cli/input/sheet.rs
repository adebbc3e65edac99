//! Spreadsheet leads (`.xlsx`, `.ods`), read with calamine: one sheet (the
//! first, or `--sheet NAME`), its first row the header as in a CSV file
//! (same field names, `from` sources and dotted paths), each row below a
//! lead. Cells keep the type the spreadsheet stores: numbers are numbers,
//! date cells become RFC 3339 datetimes, empty cells are missing fields,
//! and an error cell (`#N/A`) makes its row a bad lead naming the cell.

use super::csv_leads::{self, Column};
use super::{BadLead, Lead, Leads, Loc, Reading};
use crate::diagnostics::input as wording;
use crate::rules::Type;
use calamine::{Data, Ods, Range, Reader, Sheets, Xlsx};
use chrono::{NaiveDate, NaiveDateTime};
use jiff::tz::TimeZone;
use serde_json::{Map, Value};
use std::io::{BufRead, Cursor, Read};
use std::sync::Arc;

type Bytes = Cursor<Vec<u8>>;

/// The rows of the chosen sheet as leads, and its header row's names.
pub fn leads_with_header(
    mut reader: Box<dyn BufRead + Send>,
    read: &Reading,
) -> Result<(Leads, Vec<String>), String> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    let mut book = open(bytes)?;
    let names = book.sheet_names();
    let sheet = match read.sheet {
        Some(name) if names.iter().any(|n| n == name) => name.to_string(),
        Some(name) => return Err(wording::unknown_sheet(name, &names)),
        None => names.first().cloned().ok_or_else(wording::no_sheets)?,
    };
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| wording::unreadable_sheet(&sheet, &e.to_string()))?;
    table(&range, Arc::from(sheet), read.lead_type)
}

/// The workbook in `bytes`: OpenDocument when its zip names that type
/// first (as every `.ods` does), else Office Open XML (`.xlsx`).
fn open(bytes: Vec<u8>) -> Result<Sheets<Bytes>, String> {
    let ods = bytes
        .get(30..100)
        .is_some_and(|head| head.starts_with(b"mimetypeapplication/vnd.oasis.opendocument"));
    let cursor = Cursor::new(bytes);
    let book = if ods {
        Ods::new(cursor).map(Sheets::Ods).map_err(|e| e.to_string())
    } else {
        Xlsx::new(cursor)
            .map(Sheets::Xlsx)
            .map_err(|e| e.to_string())
    };
    book.map_err(|e| wording::not_a_spreadsheet(&e))
}

/// The header and rows of one sheet.
fn table(range: &Range<Data>, sheet: Arc<str>, ty: &Type) -> Result<(Leads, Vec<String>), String> {
    let Some((first_row, first_col)) = range.start() else {
        return Err(wording::empty_sheet(&sheet));
    };
    let mut rows = range.rows();
    let header_cells = rows.next().unwrap_or_default();
    let width = header_cells
        .iter()
        .rposition(|c| !cell_text(c).trim().is_empty())
        .map_or(0, |i| i + 1);
    let names: Vec<String> = header_cells[..width].iter().map(cell_text).collect();
    let columns = csv_leads::columns(names.iter().map(String::as_str), ty)?;
    let header = columns.iter().map(|c| c.name.clone()).collect();
    let zones = columns.iter().map(|c| field_zone(ty, &c.path)).collect();
    let place = Place {
        sheet,
        first_col,
        columns,
        zones,
    };
    let leads: Vec<_> = rows
        .zip(u64::from(first_row) + 2..)
        .filter(|(cells, _)| cells.iter().any(|c| *c != Data::Empty))
        .map(|(cells, row)| Ok(place.lead(cells, row)))
        .collect();
    Ok((Box::new(leads.into_iter()), header))
}

/// What locates and converts the cells of a row.
struct Place {
    sheet: Arc<str>,
    first_col: u32,
    columns: Vec<Column>,
    /// Per column, the zone its field reads local times in (`None`: UTC).
    zones: Vec<Option<TimeZone>>,
}

/// The zone a datetime field at `path` reads local times in: its own
/// `zone:` or `--timezone`.
fn field_zone(ty: &Type, path: &[String]) -> Option<TimeZone> {
    let (last, parents) = path.split_last()?;
    let mut record = ty;
    for key in parents {
        record = &record.field_by_key(key)?.ty;
    }
    record.field_by_key(last)?.zone.clone()
}

impl Place {
    /// Row `row` (1-based, as the spreadsheet numbers it) as a lead.
    fn lead(&self, cells: &[Data], row: u64) -> Lead {
        let at = Loc::Row {
            sheet: self.sheet.clone(),
            row,
        };
        let mut lead = Map::new();
        let mut problem = None;
        let columns = self.columns.iter().zip(&self.zones);
        for (i, (cell, (column, zone))) in cells.iter().zip(columns).enumerate() {
            match value(cell, &column.ty, zone.as_ref()) {
                Ok(None) => {}
                Ok(Some(v)) => csv_leads::insert(&mut lead, &column.path, v),
                Err(bad) => {
                    let name = self.cell_name(i, row);
                    problem.get_or_insert_with(|| bad.message(&name, &column.name));
                }
            }
        }
        let extra = cells
            .iter()
            .skip(self.columns.len())
            .position(|c| *c != Data::Empty);
        if let Some(i) = extra {
            let name = self.cell_name(self.columns.len() + i, row);
            problem.get_or_insert_with(|| wording::cell_without_header(&name));
        }
        let value = match problem {
            None => Ok(Value::Object(lead)),
            Some(message) => Err(BadLead {
                message,
                partial: Some(Value::Object(lead)),
            }),
        };
        Lead {
            at,
            value,
            text: None,
        }
    }

    /// `Sheet1!C7` for the cell of column `i` (0-based, from the header's
    /// first column) in row `row`.
    fn cell_name(&self, i: usize, row: u64) -> String {
        let col = self.first_col as usize + i;
        format!("{}!{}{row}", self.sheet, column_letters(col))
    }
}

/// `A`, `B`, ... `Z`, `AA`, ... for a 0-based column.
fn column_letters(mut col: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// A header cell as text.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// Why a cell gave no value.
enum BadCell {
    /// An error the spreadsheet stored (`#N/A`, `#DIV/0!`).
    Error(String),
    /// Text that does not convert to the field's type: what was expected, and the text.
    Expected(String, String),
}

impl BadCell {
    fn message(&self, cell: &str, column: &str) -> String {
        match self {
            BadCell::Error(e) => wording::error_cell(cell, e),
            BadCell::Expected(expected, found) => {
                wording::bad_cell(cell, column, expected, &Value::from(found.as_str()))
            }
        }
    }
}

/// A cell as the value of a field of type `ty` (date cells read in `zone`);
/// `None` when it is empty.
fn value(cell: &Data, ty: &Type, zone: Option<&TimeZone>) -> Result<Option<Value>, BadCell> {
    let v = match cell {
        Data::Empty => return Ok(None),
        Data::String(s) if s.trim().is_empty() => return Ok(None),
        Data::String(s) => csv_leads::cell_value(s, ty, false)
            .map_err(|expected| BadCell::Expected(expected, s.clone()))?,
        Data::Int(i) => number(*i as f64, ty)?,
        Data::Float(f) => number(*f, ty)?,
        Data::Bool(b) if *ty == Type::String => Value::from(b.to_string()),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(d) if d.is_datetime() => match d.as_datetime() {
            Some(t) => datetime(t, zone),
            None => number(d.as_f64(), ty)?,
        },
        Data::DateTime(d) => number(d.as_f64(), ty)?,
        Data::DateTimeIso(s) => iso_datetime(s, zone),
        Data::DurationIso(s) => Value::from(s.as_str()),
        Data::Error(e) => return Err(BadCell::Error(e.to_string())),
    };
    Ok(Some(v))
}

/// A number cell: text for a `string` field (`1001`, not `1001.0`), an
/// integer when integral, else a float; a fraction in an `int` field is bad.
fn number(x: f64, ty: &Type) -> Result<Value, BadCell> {
    let integral = x.fract() == 0.0 && x.abs() < 9.0e15;
    let text = || {
        if integral {
            (x as i64).to_string()
        } else {
            x.to_string()
        }
    };
    match ty {
        Type::String => Ok(Value::from(text())),
        Type::Int if !integral => Err(BadCell::Expected("int".into(), text())),
        _ if integral => Ok(Value::from(x as i64)),
        _ => serde_json::Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| BadCell::Expected(ty.to_string(), text())),
    }
}

/// A date cell, which carries no zone, as a local time in `zone` (UTC when
/// none is declared), written in RFC 3339: `2026-10-19T12:03:00Z` for
/// 14:03 in Europe/Berlin. A local time that does not exist there is read
/// as the field's reader reads one (see `datetime::zone`).
fn datetime(t: NaiveDateTime, zone: Option<&TimeZone>) -> Value {
    let utc = match zone {
        Some(z) => crate::datetime::zone::local_instant(z, t).map(|i| i.datetime()),
        None => Some(t.and_utc()),
    };
    match utc {
        Some(u) => Value::from(u.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        None => Value::from(t.format("%Y-%m-%dT%H:%M:%S").to_string()),
    }
}

/// An OpenDocument date cell (`2026-10-19` or `2026-10-19T14:03:00`), as
/// [`datetime`] reads it; anything else is kept as text.
fn iso_datetime(text: &str, zone: Option<&TimeZone>) -> Value {
    let full = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f");
    let date =
        || NaiveDate::parse_from_str(text, "%Y-%m-%d").map(|d| d.and_time(Default::default()));
    match full.or_else(|_| date()) {
        Ok(t) => datetime(t, zone),
        Err(_) => Value::from(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_run_past_z() {
        let got: Vec<String> = [0, 2, 25, 26, 27, 51, 52, 701, 702]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(got, ["A", "C", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    #[test]
    fn numbers_follow_the_field_type() {
        assert_eq!(
            number(1001.0, &Type::String).ok(),
            Some(Value::from("1001"))
        );
        assert_eq!(number(350.0, &Type::Int).ok(), Some(Value::from(350)));
        assert!(number(2.5, &Type::Int).is_err());
        assert_eq!(number(2.5, &Type::Any).ok(), Some(Value::from(2.5)));
    }

    #[test]
    fn ods_dates_are_read_in_the_field_zone_or_utc() {
        assert_eq!(
            iso_datetime("2026-10-19T14:03:00", None),
            "2026-10-19T14:03:00Z"
        );
        assert_eq!(iso_datetime("2026-10-19", None), "2026-10-19T00:00:00Z");
        assert_eq!(iso_datetime("soon", None), "soon");
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        // Summer time (UTC+2), then winter time (UTC+1) after 2026-10-25.
        let summer = iso_datetime("2026-10-19T14:03:00", Some(&berlin));
        assert_eq!(summer, "2026-10-19T12:03:00Z");
        let winter = iso_datetime("2026-10-28T17:45:00", Some(&berlin));
        assert_eq!(winter, "2026-10-28T16:45:00Z");
    }
}

//! Reading leads: JSON Lines, a JSON array, or CSV with a header row, from a
//! file or stdin. Each reader is an iterator of [`Lead`]s in input order; a
//! lead that cannot be read is an `Err` in its place, never skipped. Only a
//! failure of the reading itself (an I/O error) ends the iteration.

mod csv_leads;
mod dialect;
mod json_array;
mod sheet;

pub use dialect::{parse_delimiter, parse_encoding, CsvOptions};

use super::progress::ByteCount;
use super::InputFormat;
use crate::diagnostics::io::{cannot_read, read_failed, FileProblem};
use crate::diagnostics::visible::visible;
use crate::rules::Type;
use serde_json::Value;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, IsTerminal, Read, Write as _};
use std::path::Path;
use std::sync::Arc;

/// The leads of one input, in order.
pub type Leads = Box<dyn Iterator<Item = io::Result<Lead>> + Send>;

/// One lead as read, or why it could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct Lead {
    /// Where it was in the input.
    pub at: Loc,
    /// The lead (a JSON object), or why it could not be read.
    pub value: Result<Value, BadLead>,
    /// The lead's JSON text, when the reader kept it (a JSON array's
    /// element, a line of JSON Lines), so that its id can be echoed as written.
    pub text: Option<String>,
}

/// Where a lead was in its input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Loc {
    /// A line (JSON Lines, CSV), 1-based.
    Line(u64),
    /// An element of a JSON array, 1-based.
    Element(u64),
    /// A row of a spreadsheet, numbered as the spreadsheet numbers it.
    Row {
        /// The sheet's name.
        sheet: Arc<str>,
        /// The row number, 1-based.
        row: u64,
    },
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Loc::Line(n) => write!(f, "line {n}"),
            Loc::Element(n) => write!(f, "element {n}"),
            Loc::Row { sheet, row } => write!(f, "sheet {sheet} row {row}"),
        }
    }
}

/// A lead that could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct BadLead {
    /// What is wrong, without the location.
    pub message: String,
    /// What could be read of it (a CSV row with one bad cell), for its id.
    pub partial: Option<Value>,
}

impl BadLead {
    fn new(message: impl Into<String>) -> BadLead {
        BadLead {
            message: message.into(),
            partial: None,
        }
    }
}

/// An opened input: its display name, its reader, and the format its name implies.
pub struct Source {
    /// The path as given, or `<stdin>`.
    pub name: String,
    reader: Box<dyn BufRead + Send>,
    by_name: Option<InputFormat>,
    /// Its size in bytes, when it is a regular file.
    pub size: Option<u64>,
    /// Not a regular file (a pipe, a terminal, a socket): its leads may
    /// arrive slowly, so each record is written as soon as it is scored.
    pub streaming: bool,
    /// Standard input on a terminal: someone is expected to type.
    pub is_terminal: bool,
}

impl Source {
    /// The same input, with every byte read from it added to `count`.
    pub fn counted(self, count: &ByteCount) -> Source {
        Source {
            reader: Box::new(count.wrap(self.reader)),
            ..self
        }
    }
}

/// Opens a lead file, or stdin for `-`. Fails with a one-line message.
pub fn open(name: &str) -> Result<Source, String> {
    if name == "-" {
        let stdin = io::stdin();
        let size = stdin_size();
        return Ok(Source {
            name: "<stdin>".into(),
            is_terminal: stdin.is_terminal(),
            reader: Box::new(BufReader::new(stdin)),
            by_name: None,
            size,
            streaming: size.is_none(),
        });
    }
    let path = Path::new(name);
    let unreadable = |e: &io::Error| cannot_read("leads file", path, &FileProblem::of(path, e));
    let file = File::open(name).map_err(|e| unreadable(&e))?;
    let meta = file.metadata().map_err(|e| unreadable(&e))?;
    if meta.is_dir() {
        return Err(cannot_read("leads file", path, &FileProblem::Folder));
    }
    Ok(Source {
        name: name.to_string(),
        reader: Box::new(BufReader::new(file)),
        by_name: format_by_extension(name),
        size: meta.is_file().then_some(meta.len()),
        streaming: !meta.is_file(),
        is_terminal: false,
    })
}

/// The size of standard input when it is a regular file (`< leads.jsonl`).
#[cfg(unix)]
fn stdin_size() -> Option<u64> {
    use std::os::fd::AsFd;
    let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
    let meta = File::from(fd).metadata().ok()?;
    meta.is_file().then_some(meta.len())
}

/// Elsewhere standard input is taken to be a stream.
#[cfg(not(unix))]
fn stdin_size() -> Option<u64> {
    None
}

/// How to read lead files: the format, the rules' lead type (CSV cells are
/// converted to its field types) and the CSV dialect options.
#[derive(Clone, Copy)]
pub struct Reading<'a> {
    /// The format, or `Auto`.
    pub format: InputFormat,
    /// The declared or inferred lead type.
    pub lead_type: &'a Type,
    /// `--delimiter`, `--decimal-comma`, `--encoding`.
    pub csv: CsvOptions,
    /// `--sheet`: the spreadsheet's sheet to read (default: the first).
    pub sheet: Option<&'a str>,
}

impl<'a> Reading<'a> {
    /// Default options: the format and the CSV dialect are detected.
    pub fn new(format: InputFormat, lead_type: &'a Type) -> Reading<'a> {
        Reading {
            format,
            lead_type,
            csv: CsvOptions::default(),
            sheet: None,
        }
    }
}

/// The leads of `source`. Fails (with a one-line message) when the input as
/// a whole cannot be read.
pub fn leads(source: Source, read: &Reading) -> Result<Leads, String> {
    let (format, reader) = resolve(&source.name, source.by_name, source.reader, read)?;
    let in_file = |e: String| format!("{}: {e}", source.name);
    match format {
        InputFormat::Jsonl | InputFormat::Auto => Ok(Box::new(JsonLines::new(reader))),
        InputFormat::Json => json_array(reader).map_err(in_file),
        InputFormat::Csv => csv_leads::leads(reader, read).map_err(in_file),
        InputFormat::Xlsx | InputFormat::Ods => sheet::leads_with_header(reader, read)
            .map(|(leads, _)| leads)
            .map_err(in_file),
    }
}

/// The format of an input (as given, else by its name, else by its first
/// bytes) and a reader that still yields all of them. `--sheet` on an
/// input that is no spreadsheet is an error: it would be ignored.
fn resolve(
    name: &str,
    by_name: Option<InputFormat>,
    reader: Box<dyn BufRead + Send>,
    read: &Reading,
) -> Result<(InputFormat, Box<dyn BufRead + Send>), String> {
    let failed = |e: io::Error| read_failed(name, &e);
    let (format, reader) = match (read.format, by_name) {
        (InputFormat::Auto, Some(by_name)) => (by_name, reader),
        (InputFormat::Auto, None) => sniff(reader).map_err(failed)?,
        (format, _) => (format, reader),
    };
    let spreadsheet = matches!(format, InputFormat::Xlsx | InputFormat::Ods);
    if let (Some(sheet), false) = (read.sheet, spreadsheet) {
        return Err(crate::diagnostics::input::sheet_of_no_spreadsheet(
            sheet, name,
        ));
    }
    Ok((format, reader))
}

fn format_by_extension(name: &str) -> Option<InputFormat> {
    let ext = std::path::Path::new(name)
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    match ext.as_str() {
        "jsonl" | "ndjson" => Some(InputFormat::Jsonl),
        "json" => Some(InputFormat::Json),
        "csv" => Some(InputFormat::Csv),
        "xlsx" | "xlsm" => Some(InputFormat::Xlsx),
        "ods" => Some(InputFormat::Ods),
        _ => None,
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A zip archive starts so: a spreadsheet (`.xlsx`, `.ods`).
const ZIP: &[u8] = b"PK\x03\x04";

/// Decides the format by the first bytes: a zip archive is a spreadsheet;
/// else by the first non-blank byte: `[` a JSON array, `{` JSON Lines,
/// anything else CSV. Returns a reader that still yields every byte
/// (except a leading byte order mark), so line numbers stay right.
fn sniff(
    mut reader: Box<dyn BufRead + Send>,
) -> io::Result<(InputFormat, Box<dyn BufRead + Send>)> {
    if reader.fill_buf()?.starts_with(ZIP) {
        return Ok((InputFormat::Xlsx, reader));
    }
    if reader.fill_buf()?.starts_with(BOM) {
        reader.consume(BOM.len());
    }
    let mut blank = Vec::new();
    let first = loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break None;
        }
        if let Some(i) = buf.iter().position(|b| !b.is_ascii_whitespace()) {
            blank.extend_from_slice(&buf[..i]);
            let first = buf[i];
            reader.consume(i);
            break Some(first);
        }
        let n = buf.len();
        blank.extend_from_slice(buf);
        reader.consume(n);
    };
    let format = match first {
        Some(b'[') => InputFormat::Json,
        Some(b'{') | None => InputFormat::Jsonl,
        Some(_) => InputFormat::Csv,
    };
    Ok((format, Box::new(Cursor::new(blank).chain(reader))))
}

/// JSON Lines, read one line at a time; blank lines are not leads.
struct JsonLines {
    reader: Box<dyn BufRead + Send>,
    line: u64,
    buf: Vec<u8>,
}

impl JsonLines {
    fn new(reader: Box<dyn BufRead + Send>) -> JsonLines {
        JsonLines {
            reader,
            line: 0,
            buf: Vec::new(),
        }
    }
}

impl Iterator for JsonLines {
    type Item = io::Result<Lead>;

    fn next(&mut self) -> Option<io::Result<Lead>> {
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => self.line += 1,
                Err(e) => return Some(Err(e)),
            }
            let Some(text) = line_text(&self.buf) else {
                continue;
            };
            let value = parse_line(text);
            return Some(Ok(Lead {
                at: Loc::Line(self.line),
                value,
                text: Some(String::from_utf8_lossy(text).into_owned()),
            }));
        }
    }
}

/// The JSON text of one line of JSON Lines (with or without its `\n`):
/// without a byte order mark and line end; `None` for a blank line, which
/// is not a lead.
pub fn line_text(line: &[u8]) -> Option<&[u8]> {
    let text = line.strip_prefix(BOM).unwrap_or(line);
    let text = text.strip_suffix(b"\n").unwrap_or(text);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    (!text.iter().all(u8::is_ascii_whitespace)).then_some(text)
}

/// Reads the text of one line of JSON Lines as a lead.
pub fn parse_line(text: &[u8]) -> Result<Value, BadLead> {
    serde_json::from_slice(text)
        .map_err(json_error)
        .and_then(object)
}

/// What an input gives: JSON Lines as raw text (the caller splits, parses
/// and scores the lines itself, see [`line_text`] and [`parse_line`]), or
/// leads already read (a JSON array, CSV).
pub enum Stream {
    /// The bytes of a JSON Lines input, from its first line.
    Lines(Box<dyn BufRead + Send>),
    /// Leads read by [`leads`] (a JSON array).
    Leads(Leads),
    /// CSV or spreadsheet rows read as leads, and the header row's column names.
    Table {
        /// The header row, each name trimmed.
        header: Vec<String>,
        /// The rows.
        leads: Leads,
    },
}

/// Like [`leads`], with the header row of a CSV or spreadsheet input (empty for JSON).
pub fn leads_with_header(source: Source, read: &Reading) -> Result<(Leads, Vec<String>), String> {
    Ok(match stream(source, read)? {
        Stream::Lines(reader) => (Box::new(JsonLines::new(reader)), Vec::new()),
        Stream::Leads(leads) => (leads, Vec::new()),
        Stream::Table { header, leads } => (leads, header),
    })
}

/// Like [`leads`], but JSON Lines come back as their raw text.
pub fn stream(source: Source, read: &Reading) -> Result<Stream, String> {
    let (format, reader) = resolve(&source.name, source.by_name, source.reader, read)?;
    if matches!(format, InputFormat::Jsonl | InputFormat::Auto) {
        return Ok(Stream::Lines(reader));
    }
    if format == InputFormat::Json {
        return json_stream(&source.name, reader);
    }
    if format == InputFormat::Csv {
        let (leads, header) = csv_leads::leads_with_header(reader, read)
            .map_err(|e| format!("{}: {e}", source.name))?;
        return Ok(Stream::Table { header, leads });
    }
    if matches!(format, InputFormat::Xlsx | InputFormat::Ods) {
        let (leads, header) =
            sheet::leads_with_header(reader, read).map_err(|e| format!("{}: {e}", source.name))?;
        return Ok(Stream::Table { header, leads });
    }
    let source = Source {
        reader,
        by_name: Some(format),
        ..source
    };
    let read = Reading { format, ..*read };
    leads(source, &read).map(Stream::Leads)
}

/// A whole-file JSON array (or a single object: one lead); JSON Lines under
/// a `.json` name are an error here ([`stream`] reads them as JSON Lines).
fn json_array(mut reader: Box<dyn BufRead + Send>) -> Result<Leads, String> {
    let mut text = Vec::new();
    reader.read_to_end(&mut text).map_err(|e| e.to_string())?;
    let text = text.strip_prefix(BOM).unwrap_or(&text);
    match json_array::parse(text)? {
        json_array::Parsed::Leads(leads) => Ok(Box::new(leads.into_iter().map(Ok))),
        json_array::Parsed::Lines => Err(crate::diagnostics::io::json_lines_in_json()),
    }
}

/// A `.json` input for scoring: its leads, or its text when it holds JSON
/// Lines (with a note on stderr naming the file).
fn json_stream(name: &str, mut reader: Box<dyn BufRead + Send>) -> Result<Stream, String> {
    let mut text = Vec::new();
    reader
        .read_to_end(&mut text)
        .map_err(|e| read_failed(name, &e))?;
    let body = text.strip_prefix(BOM).unwrap_or(&text);
    match json_array::parse(body).map_err(|e| format!("{name}: {e}"))? {
        json_array::Parsed::Leads(leads) => Ok(Stream::Leads(Box::new(leads.into_iter().map(Ok)))),
        json_array::Parsed::Lines => {
            let _ = writeln!(
                io::stderr(),
                "{}",
                visible(&crate::diagnostics::io::read_as_json_lines(name))
            );
            Ok(Stream::Lines(Box::new(Cursor::new(text))))
        }
    }
}

/// The message for a whole `.json` input that is neither an array nor an object.
fn not_an_array(value: &Value) -> String {
    format!("expected a JSON array of leads, found {}", kind(value))
}

/// A lead must be a JSON object.
fn object(value: Value) -> Result<Value, BadLead> {
    if value.is_object() {
        Ok(value)
    } else {
        Err(BadLead::new(format!(
            "a lead must be a JSON object, found {}",
            kind(&value)
        )))
    }
}

/// serde's message for one line, with its column: `expected value at column 5`.
fn json_error(e: serde_json::Error) -> BadLead {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let message = match text.strip_suffix(&position) {
        Some(m) => format!("{m} at column {}", e.column()),
        None => text,
    };
    BadLead::new(message)
}

/// `a string`, `an array`, ... for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, format: InputFormat) -> Vec<Lead> {
        let source = Source {
            name: "t".into(),
            reader: Box::new(Cursor::new(text.as_bytes().to_vec())),
            by_name: None,
            size: None,
            streaming: false,
            is_terminal: false,
        };
        let ty = Type::Record(Default::default());
        leads(source, &Reading::new(format, &ty))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn jsonl_skips_blank_lines_and_keeps_line_numbers() {
        let leads = read("{\"id\":1}\n\n  \n{\"id\":\n[1]\n", InputFormat::Auto);
        assert_eq!(leads.len(), 3);
        assert_eq!(leads[0].at, Loc::Line(1));
        assert_eq!(leads[1].at, Loc::Line(4));
        let bad = leads[1].value.as_ref().unwrap_err();
        assert!(bad.message.contains("EOF while parsing"), "{}", bad.message);
        assert!(bad.message.ends_with("at column 6"), "{}", bad.message);
        let not_object = leads[2].value.as_ref().unwrap_err();
        assert_eq!(
            not_object.message,
            "a lead must be a JSON object, found an array"
        );
    }

    #[test]
    fn sniffing_keeps_leading_blank_lines() {
        let leads = read("\n\n{\"id\":1}\n", InputFormat::Auto);
        assert_eq!(leads[0].at, Loc::Line(3));
    }

    #[test]
    fn sniffing_finds_a_json_array() {
        let leads = read(" \n[{\"id\": 1}, 2]", InputFormat::Auto);
        assert_eq!(leads.len(), 2);
        assert_eq!(leads[1].at, Loc::Element(2));
        assert!(leads[1].value.is_err());
    }

    #[test]
    fn extensions_decide_the_format() {
        assert_eq!(format_by_extension("a/b.NDJSON"), Some(InputFormat::Jsonl));
        assert_eq!(format_by_extension("b.csv"), Some(InputFormat::Csv));
        assert_eq!(format_by_extension("b.txt"), None);
        assert_eq!(format_by_extension("b.XLSX"), Some(InputFormat::Xlsx));
        assert_eq!(format_by_extension("b.ods"), Some(InputFormat::Ods));
    }
}

//! How a CSV file is written: its encoding (UTF-8, with or without a byte
//! order mark, or Windows-1252 / Latin-1 as older Excel versions save it),
//! its delimiter (`,` `;` tab `|`), and its decimal separator. What the
//! command line does not say is detected from the start of the file.

use crate::diagnostics::input as wording;
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use encoding_rs_io::DecodeReaderBytesBuilder;
use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::{Arc, Mutex};

type Reader = Box<dyn BufRead + Send>;

/// The CSV options of the command line; `None` means detect.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CsvOptions {
    /// `--delimiter`.
    pub delimiter: Option<u8>,
    /// `--decimal-comma`: numbers are written `1234,5` (also the default
    /// for `;`-separated files).
    pub decimal_comma: bool,
    /// `--encoding`.
    pub encoding: Option<&'static Encoding>,
}

/// The delimiters detected, in order of preference on a tie.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How much of the file is looked at to tell UTF-8 from Windows-1252.
const SAMPLE: usize = 64 * 1024;

/// Parses `--delimiter`: one of `,` `;` `|`, `tab` or a tab character.
pub fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\t" | "\\t" => Ok(b'\t'),
        "," | ";" | "|" => Ok(text.as_bytes()[0]),
        _ => Err(wording::bad_delimiter(text)),
    }
}

/// Parses `--encoding`: a WHATWG label such as `utf-8`, `latin1`, `windows-1252`.
pub fn parse_encoding(text: &str) -> Result<&'static Encoding, String> {
    Encoding::for_label(text.trim().as_bytes()).ok_or_else(|| wording::bad_encoding(text))
}

/// The file as UTF-8 text: a byte order mark dropped, and other encodings
/// decoded (the one given, else Windows-1252 when the start of the file is
/// not UTF-8).
pub fn decode(reader: Reader, opts: &CsvOptions) -> io::Result<Reader> {
    let mut reader = BufReader::with_capacity(SAMPLE, reader);
    let sample = reader.fill_buf()?;
    let encoding = opts.encoding.unwrap_or_else(|| detect(sample));
    if encoding == UTF_8 {
        if sample.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
        }
        return Ok(Box::new(reader));
    }
    let decoded = DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .build(reader);
    Ok(Box::new(BufReader::new(decoded)))
}

/// UTF-8 when the sample is (a cut multi-byte character at its end
/// allowed), else Windows-1252, which decodes any byte.
fn detect(sample: &[u8]) -> &'static Encoding {
    match std::str::from_utf8(sample) {
        Ok(_) => UTF_8,
        Err(e) if e.error_len().is_none() => UTF_8,
        Err(_) => WINDOWS_1252,
    }
}

/// The delimiter of the file: the one given, else the one of `,` `;` tab
/// `|` that occurs most often outside quotes in the header row (`,` when
/// none does). Returns a reader that still yields the header row.
pub fn delimiter(mut reader: Reader, opts: &CsvOptions) -> io::Result<(u8, Reader)> {
    if let Some(d) = opts.delimiter {
        return Ok((d, reader));
    }
    let mut header = Vec::new();
    reader.read_until(b'\n', &mut header)?;
    let found = most_frequent(&header);
    let again = std::io::Cursor::new(header).chain(reader);
    Ok((found, Box::new(again)))
}

/// The delimiter found most often outside quotes in a header row.
fn most_frequent(header: &[u8]) -> u8 {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for &b in header {
        if b == b'"' {
            quoted = !quoted;
        } else if let Some(i) = DELIMITERS.iter().position(|&d| d == b && !quoted) {
            counts[i] += 1;
        }
    }
    let best = (0..DELIMITERS.len()).rev().max_by_key(|&i| counts[i]);
    best.map_or(b',', |i| DELIMITERS[i])
}

/// Line ends seen in the text the CSV reader reads, so that each row gets
/// its true line number from its byte offset (the CSV reader's own line
/// count lags by one after a CRLF line end).
#[derive(Default)]
struct LineEnds {
    /// Bytes read so far.
    read: u64,
    /// Offsets of the `\n`s not yet passed.
    ends: VecDeque<u64>,
    /// How many `\n`s have been passed.
    passed: u64,
}

/// The line-counting side of a [`Counting`] reader.
#[derive(Clone, Default)]
pub struct Lines(Arc<Mutex<LineEnds>>);

impl Lines {
    /// The 1-based line on which the text at byte `offset` stands. Offsets
    /// must not go backwards.
    pub fn line_at(&self, offset: u64) -> u64 {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // A row that starts on the `\n` of a CRLF belongs to the next line.
        while seen.ends.front().is_some_and(|&end| end <= offset) {
            seen.ends.pop_front();
            seen.passed += 1;
        }
        seen.passed + 1
    }
}

/// A reader that notes where each `\n` it hands out stands.
pub struct Counting {
    inner: Reader,
    lines: Lines,
}

impl Counting {
    /// Wraps `inner`; `lines` answers for the text read through it.
    pub fn new(inner: Reader) -> (Counting, Lines) {
        let lines = Lines::default();
        let reader = Counting {
            inner,
            lines: lines.clone(),
        };
        (reader, lines)
    }
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut seen = self.lines.0.lock().unwrap_or_else(|e| e.into_inner());
        let start = seen.read;
        for (i, _) in buf[..n].iter().enumerate().filter(|(_, &b)| b == b'\n') {
            seen.ends.push_back(start + i as u64);
        }
        seen.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn reader(bytes: &[u8]) -> Reader {
        Box::new(Cursor::new(bytes.to_vec()))
    }

    #[test]
    fn the_delimiter_comes_from_the_header() {
        let opts = CsvOptions::default();
        for (text, want) in [
            ("id,title,size\n1,a;b,2\n", b','),
            ("id;title;size\n1;a,b;2\n", b';'),
            ("id\ttitle\n1\t2\n", b'\t'),
            ("id|title\n", b'|'),
            ("\"a;b\",c\n", b','),
            ("id\n1\n", b','),
        ] {
            let (got, mut rest) = delimiter(reader(text.as_bytes()), &opts).unwrap();
            assert_eq!(got as char, want as char, "{text:?}");
            let mut all = String::new();
            rest.read_to_string(&mut all).unwrap();
            assert_eq!(all, text);
        }
        let forced = CsvOptions {
            delimiter: Some(b'|'),
            ..opts
        };
        assert_eq!(delimiter(reader(b"a,b\n"), &forced).unwrap().0, b'|');
    }

    fn decoded(bytes: &[u8], opts: &CsvOptions) -> String {
        let mut out = String::new();
        decode(reader(bytes), opts)
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn the_delimiter_of_a_decoded_file() {
        let opts = CsvOptions::default();
        let decoded = decode(reader(b"id;name\r\n1;M\xfcller\r\n"), &opts).unwrap();
        assert_eq!(delimiter(decoded, &opts).unwrap().0, b';');
    }

    #[test]
    fn latin1_is_detected_and_a_bom_dropped() {
        let opts = CsvOptions::default();
        assert_eq!(decoded(b"name\nM\xfcller\n", &opts), "name\nMüller\n");
        assert_eq!(
            decoded(b"\xEF\xBB\xBFname\nM\xC3\xBCller\n", &opts),
            "name\nMüller\n"
        );
        let latin1 = CsvOptions {
            encoding: Some(parse_encoding("latin1").unwrap()),
            ..opts
        };
        assert_eq!(decoded(b"M\xC3\xBC", &latin1), "MÃ¼");
        assert!(parse_encoding("klingon").is_err());
    }

    #[test]
    fn line_numbers_hold_for_crlf() {
        let (mut r, lines) = Counting::new(reader(b"a\r\nb\r\nc"));
        let mut all = Vec::new();
        r.read_to_end(&mut all).unwrap();
        assert_eq!(lines.line_at(0), 1);
        assert_eq!(lines.line_at(2), 2);
        assert_eq!(lines.line_at(3), 2);
        assert_eq!(lines.line_at(6), 3);
    }
}

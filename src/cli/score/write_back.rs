//! `score --account-columns`: each lead's record with its account's key,
//! score and labels added (`account`, `account_score`, `account_<label>`).
//! A record can only be completed once every lead is in, so the records
//! are written to a temporary file, and each lead's key to another, one
//! line each; when the accounts are scored, the records are copied to the
//! output with the account columns added. Memory holds the accounts'
//! values, never the leads' records.

use super::super::output::{format_number, Shape};
use super::super::{OutputFormat, Stop};
use crate::diagnostics::output as words;
use crate::eval::account::Account;
use crate::eval::RecordNames;
use crate::rules::Ruleset;
use serde_json::Value;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};

/// The account columns and, once the accounts are scored, each account's
/// values.
pub struct Columns {
    /// The column names: `account`, `account_score`, one per account label.
    names: Vec<String>,
    /// Per account key, its score and labels (each `None` when the account
    /// could not be scored, a label `None` when no arm matched).
    values: HashMap<String, Option<Values>>,
}

/// An account's score and label values (`None` when no arm matched).
type Values = (f64, Vec<Option<String>>);

impl Columns {
    /// The columns for the account rules `account`, refused when one of
    /// them is already a column of the lead records `shape`.
    pub fn new(account: &Ruleset, shape: &Shape) -> Result<Columns, Stop> {
        let mut names = vec!["account".to_string(), "account_score".to_string()];
        names.extend(account.labels.iter().map(|l| column_of(&l.name)));
        let taken = taken(&shape.names);
        for (i, name) in names.iter().enumerate() {
            let twice = names[..i].contains(name) || taken.contains(&name.as_str());
            if twice {
                return Err(Stop::Trouble(words::account_column_clash(name)));
            }
        }
        Ok(Columns {
            names,
            values: HashMap::new(),
        })
    }

    /// Keeps an account's score and labels (`account` its rules).
    pub fn add(&mut self, account: &Ruleset, scored: &Account) {
        let values = scored.result.as_ref().ok().map(|o| {
            let labels = o.label_values(account);
            let labels = labels.into_iter().map(|(_, v)| v.map(str::to_string));
            (o.score, labels.collect())
        });
        self.values.insert(scored.key.clone(), values);
    }

    /// The cells of the account columns for a lead of account `key`
    /// (`None`: in no account), each `None` when empty.
    fn cells(&self, key: Option<&str>) -> Vec<Option<Cell>> {
        let labels = self.names.len() - 2;
        let mut cells = vec![key.map(|k| Cell::Text(k.to_string()))];
        match key
            .and_then(|k| self.values.get(k))
            .and_then(Option::as_ref)
        {
            Some((score, values)) => {
                cells.push(Some(Cell::Number(*score)));
                cells.extend(values.iter().map(|v| v.clone().map(Cell::Text)));
            }
            None => cells.extend((0..=labels).map(|_| None)),
        }
        cells
    }
}

/// An account column's value.
enum Cell {
    Text(String),
    Number(f64),
}

/// The output column of an account label: its name when it starts with
/// `account_`, else `account_` and its name.
pub fn column_of(label: &str) -> String {
    match label.starts_with("account_") {
        true => label.to_string(),
        false => format!("account_{label}"),
    }
}

/// Every name a lead record has (`reasons` included).
fn taken(names: &RecordNames) -> Vec<&str> {
    let mut all = names.columns();
    all.push(&names.reasons);
    all
}

/// The two temporary files that the records and their keys go to first.
pub struct Spool {
    /// The records, as they would have been written.
    pub records: File,
    /// Each record's account key as JSON (`null` when it has none), one a line.
    pub keys: File,
}

impl Spool {
    /// Two new temporary files (removed when closed).
    pub fn new() -> Result<Spool, Stop> {
        let temp = || tempfile::tempfile().map_err(|e| Stop::Trouble(words::no_spool(&e)));
        Ok(Spool {
            records: temp()?,
            keys: temp()?,
        })
    }

    /// Where the records are written first.
    pub fn records_out(&self) -> Result<Box<dyn Write + Send>, Stop> {
        let file = self
            .records
            .try_clone()
            .map_err(|e| Stop::Trouble(words::no_spool(&e)))?;
        Ok(Box::new(file))
    }

    /// Where the records' account keys are written.
    pub fn keys_out(&self) -> Result<BufWriter<File>, Stop> {
        let file = self
            .keys
            .try_clone()
            .map_err(|e| Stop::Trouble(words::no_spool(&e)))?;
        Ok(BufWriter::with_capacity(1 << 16, file))
    }

    /// Copies the records to `out` in `format`, each with the account
    /// columns added (before `reasons` and `error`), keeping everything
    /// else byte for byte.
    pub fn copy(
        self,
        columns: &Columns,
        shape: &Shape,
        format: OutputFormat,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let mut records = self.records;
        let mut keys = self.keys;
        records.rewind()?;
        keys.rewind()?;
        let keys = BufReader::new(keys).lines();
        let mut out = BufWriter::with_capacity(1 << 16, out);
        match format {
            OutputFormat::Jsonl => copy_jsonl(records, keys, columns, shape, &mut out)?,
            OutputFormat::Csv => copy_csv(records, keys, columns, shape, b',', &mut out)?,
            OutputFormat::Tsv => copy_csv(records, keys, columns, shape, b'\t', &mut out)?,
        }
        out.flush()
    }
}

/// Reads the next key line: the key, or `None` for `null`.
fn next_key(keys: &mut impl Iterator<Item = io::Result<String>>) -> io::Result<Option<String>> {
    let line = keys
        .next()
        .unwrap_or_else(|| Err(io::Error::other("a record without its account key")))?;
    serde_json::from_str(&line).map_err(io::Error::other)
}

fn copy_jsonl(
    records: File,
    mut keys: impl Iterator<Item = io::Result<String>>,
    columns: &Columns,
    shape: &Shape,
    out: &mut impl Write,
) -> io::Result<()> {
    let names: Vec<String> = columns
        .names
        .iter()
        .map(|n| Value::from(n.as_str()).to_string())
        .collect();
    let before = shape.names.kept.len() + 1;
    let score_key = format!(",{}:", Value::from(shape.names.score.as_str()));
    let mut reader = BufReader::with_capacity(1 << 16, records);
    let mut line = Vec::new();
    let mut added = String::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let key = next_key(&mut keys)?;
        added.clear();
        for (name, cell) in names.iter().zip(columns.cells(key.as_deref())) {
            added.push(',');
            added.push_str(name);
            added.push(':');
            match cell {
                None => added.push_str("null"),
                Some(Cell::Number(x)) => crate::eval::push_num(&mut added, x),
                Some(Cell::Text(t)) => added.push_str(&Value::from(t).to_string()),
            }
        }
        let ends = member_ends(&line);
        let scored = ends
            .get(before - 1)
            .is_some_and(|&at| line[at..].starts_with(score_key.as_bytes()));
        let member = match scored {
            true => before + 1 + shape.names.outputs.len(),
            false => before,
        };
        let at = ends.get(member - 1).copied().unwrap_or(line.len());
        out.write_all(&line[..at])?;
        out.write_all(added.as_bytes())?;
        out.write_all(&line[at..])?;
    }
}

/// In one JSON object's text, where each top-level member ends: the
/// offset of the comma after it, or of the closing brace after the last.
fn member_ends(line: &[u8]) -> Vec<usize> {
    let (mut depth, mut in_string, mut escaped) = (0u32, false, false);
    let mut ends = Vec::new();
    for (i, &b) in line.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if depth == 1 {
                    ends.push(i);
                }
                depth = depth.saturating_sub(1);
            }
            b',' if depth == 1 => ends.push(i),
            _ => {}
        }
    }
    ends
}

fn copy_csv(
    records: File,
    mut keys: impl Iterator<Item = io::Result<String>>,
    columns: &Columns,
    shape: &Shape,
    delimiter: u8,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(BufReader::new(records));
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(out);
    let mut header = true;
    let mut row = csv::StringRecord::new();
    while reader.read_record(&mut row).map_err(io::Error::from)? {
        let added: Vec<String> = match header {
            true => columns
                .names
                .iter()
                .map(|n| shape.cell(n).into_owned())
                .collect(),
            false => columns
                .cells(next_key(&mut keys)?.as_deref())
                .into_iter()
                .map(|c| match c {
                    None => String::new(),
                    Some(Cell::Number(x)) => format_number(x),
                    Some(Cell::Text(t)) => shape.cell(&t).into_owned(),
                })
                .collect(),
        };
        header = false;
        let last = row.len().saturating_sub(1);
        let cells = row
            .iter()
            .take(last)
            .chain(added.iter().map(String::as_str));
        writer
            .write_record(cells.chain(row.iter().skip(last)))
            .map_err(io::Error::from)?;
    }
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_end_at_top_level_commas_and_the_closing_brace() {
        let line = br#"{"id":"a,b","x":[1,{"y":2}],"s":"q\"}","z":null}"#;
        let ends = member_ends(line);
        let at: Vec<char> = ends.iter().map(|&i| line[i] as char).collect();
        assert_eq!(at, [',', ',', ',', '}']);
        assert_eq!(&line[ends[0]..ends[0] + 5], br#","x":"#);
        assert_eq!(ends[3], line.len() - 1);
    }

    #[test]
    fn account_labels_are_named_with_account_first_once() {
        assert_eq!(column_of("tier"), "account_tier");
        assert_eq!(column_of("account_tier"), "account_tier");
        assert_eq!(column_of("accounts"), "account_accounts");
    }
}

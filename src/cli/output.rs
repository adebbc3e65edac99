//! Writing records: JSON Lines, CSV or TSV, to stdout or to a file that is
//! only put in place once the run is complete; `shape.rs` names the columns
//! and neutralises formulas.

mod shape;

pub use shape::{Asked, Keep, Shape};

use super::OutputFormat;
use crate::eval::{push_num, Bound, Head, Outcome, Program};
use crate::rules::{Output, Ruleset};
use serde_json::Value;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// One output record: a lead's outcome, or why it has none.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    /// The lead's id (null when absent or unreadable).
    pub id: Value,
    /// The fields copied from the lead (`--keep`), in order; empty when none are.
    pub kept: Vec<Value>,
    /// The outcome, or a one-line error.
    pub result: Result<Outcome, String>,
}

/// How records are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// JSON Lines, CSV or TSV.
    pub format: OutputFormat,
    /// Add the `reasons` array (JSON Lines only).
    pub explain: bool,
}

/// The output format: `--format` when given, else by the `-o` file's
/// extension (`.csv` CSV, `.tsv`/`.tab` TSV, anything else JSON Lines). A
/// spreadsheet name (`.xlsx`, `.ods`, ...) is refused: it is not written.
pub fn format_for(
    given: Option<OutputFormat>,
    path: Option<&Path>,
) -> Result<OutputFormat, String> {
    if let Some(format) = given {
        return Ok(format);
    }
    let ext = path
        .and_then(Path::extension)
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Ok(OutputFormat::Csv),
        Some("tsv" | "tab") => Ok(OutputFormat::Tsv),
        Some("xlsx" | "xlsm" | "xls" | "xlsb" | "ods") => Err(
            crate::diagnostics::output::spreadsheet_output(path.unwrap_or(Path::new(""))),
        ),
        _ => Ok(OutputFormat::Jsonl),
    }
}

/// Writes records in one format to one destination.
pub struct Writer {
    sink: Sink,
    config: Config,
    shape: Shape,
    line: String,
}

enum Sink {
    Jsonl(BufWriter<Box<dyn Write + Send>>),
    Csv(Box<csv::Writer<Box<dyn Write + Send>>>),
}

impl Writer {
    /// A writer to `out` of records with the columns of `shape`; CSV and
    /// TSV start with their header row.
    pub fn new(out: Box<dyn Write + Send>, shape: Shape, config: Config) -> io::Result<Writer> {
        let delimiter = match config.format {
            OutputFormat::Jsonl => None,
            OutputFormat::Csv => Some(b','),
            OutputFormat::Tsv => Some(b'\t'),
        };
        let sink = match delimiter {
            None => Sink::Jsonl(BufWriter::with_capacity(1 << 16, out)),
            Some(delimiter) => {
                let mut csv = csv::WriterBuilder::new()
                    .delimiter(delimiter)
                    .from_writer(out);
                let header = shape.names.columns();
                csv.write_record(header.iter().map(|c| shape.cell(c).into_owned()))
                    .map_err(io::Error::from)?;
                Sink::Csv(Box::new(csv))
            }
        };
        Ok(Writer {
            sink,
            config,
            shape,
            line: String::new(),
        })
    }

    /// Whether records are written as JSON Lines.
    pub fn is_jsonl(&self) -> bool {
        matches!(self.sink, Sink::Jsonl(_))
    }

    /// The columns of the records.
    pub fn shape(&self) -> &Shape {
        &self.shape
    }

    /// Writes one record.
    pub fn write(&mut self, program: &Program, scored: &Scored) -> io::Result<()> {
        match &mut self.sink {
            Sink::Jsonl(out) => {
                self.line.clear();
                render_jsonl(
                    program,
                    &self.shape,
                    &mut self.line,
                    scored,
                    self.config.explain,
                );
                out.write_all(self.line.as_bytes())
            }
            Sink::Csv(csv) => {
                let row = csv_row(program.ruleset(), scored);
                csv.write_record(row.iter().map(|c| self.shape.cell(c).into_owned()))
                    .map_err(io::Error::from)
            }
        }
    }

    /// The destination of JSON Lines output, for records rendered elsewhere
    /// the way [`Writer::write`] renders them; `None` for CSV.
    pub fn jsonl_sink(&mut self) -> Option<&mut dyn Write> {
        match &mut self.sink {
            Sink::Jsonl(out) => Some(out),
            Sink::Csv(_) => None,
        }
    }

    /// Writes everything written so far through to the destination.
    pub fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Jsonl(out) => out.flush(),
            Sink::Csv(csv) => csv.flush(),
        }
    }

    /// Flushes everything written.
    pub fn finish(self) -> io::Result<()> {
        match self.sink {
            Sink::Jsonl(mut out) => out.flush(),
            Sink::Csv(mut csv) => csv.flush(),
        }
    }
}

/// An output column's name and value for one outcome, as a CSV cell.
fn output_cell(rules: &Ruleset, outcome: &Outcome, output: Output) -> String {
    match output {
        Output::Group(g) => outcome
            .groups
            .get(g)
            .map_or_else(String::new, |&t| format_number(t)),
        Output::Label(l) => {
            let arm = outcome.labels.get(l).copied().flatten();
            arm.and_then(|a| rules.labels[l].arms.get(a))
                .map_or_else(String::new, |a| a.value.clone())
        }
    }
}

/// `max` or `min`.
pub fn bound_word(bound: Bound) -> &'static str {
    match bound {
        Bound::Max => "max",
        Bound::Min => "min",
    }
}

/// A number as text, the way records print it: an integer when integral.
pub fn format_number(x: f64) -> String {
    let mut text = String::new();
    push_num(&mut text, x);
    text
}

/// Appends the JSON Lines record of `scored` with the columns of `shape`.
pub fn render_jsonl(
    program: &Program,
    shape: &Shape,
    out: &mut String,
    scored: &Scored,
    explain: bool,
) {
    let head = Head {
        keys: &shape.keys,
        id: &scored.id,
        kept: &scored.kept,
    };
    match &scored.result {
        Ok(outcome) => program.render_record_as(out, &head, outcome, explain),
        Err(message) => Program::render_error(out, &head, message),
    }
}

/// One CSV row: id, copied fields, score, outputs, error.
fn csv_row(rules: &Ruleset, scored: &Scored) -> Vec<String> {
    let mut row = vec![csv_cell(&scored.id)];
    row.extend(scored.kept.iter().map(csv_cell));
    match &scored.result {
        Ok(outcome) => {
            row.push(format_number(outcome.score));
            row.extend(
                rules
                    .outputs
                    .iter()
                    .map(|&o| output_cell(rules, outcome, o)),
            );
            row.push(String::new());
        }
        Err(message) => {
            row.extend((0..=rules.outputs.len()).map(|_| String::new()));
            row.push(message.clone());
        }
    }
    row
}

/// A JSON value as a CSV cell: strings bare, null empty, anything else as JSON.
fn csv_cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An output file being written. A regular file (or a new one) is written
/// under a temporary name beside it and renamed into place by
/// [`OutputFile::commit`] (through a symlink, the file it points to is
/// replaced and the link kept); anything else — a device such as
/// `/dev/null`, a FIFO, a terminal, `/dev/stdout`, a process substitution —
/// is written directly, since renaming over it would replace the device
/// with a regular file.
pub struct OutputFile {
    handle: File,
    atomic: Option<AtomicFile>,
}

impl OutputFile {
    /// Opens `path` for writing as described above.
    pub fn create(path: &Path) -> io::Result<OutputFile> {
        if writes_directly(path) {
            let handle = std::fs::OpenOptions::new().write(true).open(path)?;
            return Ok(OutputFile {
                handle,
                atomic: None,
            });
        }
        let target = match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path)?,
            _ => path.to_path_buf(),
        };
        let (atomic, handle) = AtomicFile::create(&target)?;
        if let Ok(meta) = std::fs::metadata(&target) {
            handle.set_permissions(meta.permissions())?;
        }
        Ok(OutputFile {
            handle,
            atomic: Some(atomic),
        })
    }

    /// A handle to write through.
    pub fn handle(&self) -> io::Result<File> {
        self.handle.try_clone()
    }

    /// Finishes the file: a regular file is made durable and put in place.
    pub fn commit(self) -> io::Result<()> {
        match self.atomic {
            Some(atomic) => atomic.commit(),
            None => Ok(()),
        }
    }
}

/// `true` for a path that exists and is not a regular file (after
/// following links), or that lies under `/dev` or `/proc` (`/dev/stdout`
/// leads to whatever the standard output is, even a regular file that the
/// shell holds open).
fn writes_directly(path: &Path) -> bool {
    let special = path.starts_with("/dev") || path.starts_with("/proc");
    special || std::fs::metadata(path).is_ok_and(|m| !m.is_file())
}

/// Writes `bytes` to `path` through an [`OutputFile`]: whole or not at all
/// for a regular file, directly for anything else.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let out = OutputFile::create(path)?;
    out.handle()?.write_all(bytes)?;
    out.commit()
}

/// The inputs (`inputs`; `-` is standard input) that are the same regular
/// file as `output` (same device and inode: through a link too). Writing
/// over them would lose them.
pub fn same_files<'a>(output: &Path, inputs: &[&'a Path]) -> Vec<&'a Path> {
    let Some(out) = file_id(output) else {
        return Vec::new();
    };
    inputs
        .iter()
        .copied()
        .filter(|p| input_id(p) == Some(out))
        .collect()
}

/// Device and inode of a regular file.
#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    Some((m.dev(), m.ino()))
}

/// Without device and inode numbers, the canonical path stands in.
#[cfg(not(unix))]
fn file_id(path: &Path) -> Option<PathBuf> {
    std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    std::fs::canonicalize(path).ok()
}

/// The identity of an input: `-` is whatever standard input is.
#[cfg(unix)]
fn input_id(path: &Path) -> Option<(u64, u64)> {
    if path == Path::new("-") {
        return file_id(Path::new("/dev/stdin"));
    }
    file_id(path)
}

#[cfg(not(unix))]
fn input_id(path: &Path) -> Option<PathBuf> {
    file_id(path)
}

/// A file written under a temporary name beside its target and renamed into
/// place by [`AtomicFile::commit`]; dropped uncommitted, it is removed.
pub struct AtomicFile {
    file: File,
    temp: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl AtomicFile {
    /// Creates the temporary file; returns it and a handle to write through.
    pub fn create(target: &Path) -> io::Result<(AtomicFile, File)> {
        let temp = temp_path(target);
        let file = File::create_new(&temp)?;
        interrupt::watch(&temp);
        let handle = file.try_clone()?;
        let atomic = AtomicFile {
            file,
            temp,
            target: target.to_path_buf(),
            committed: false,
        };
        Ok((atomic, handle))
    }

    /// Makes the written data durable and puts the file in place.
    pub fn commit(mut self) -> io::Result<()> {
        self.file.sync_all()?;
        interrupt::rename(&self.temp, &self.target)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            interrupt::forget(&self.temp);
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Ctrl-C (SIGINT) while temporary files are open: remove them and exit 130,
/// so an interrupted run leaves neither a partial output nor a stray file.
mod interrupt {
    use std::io;
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, Once};

    /// The temporary files not yet renamed or removed.
    static OPEN: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

    /// Removes `temp` on Ctrl-C until it is renamed or forgotten.
    pub fn watch(temp: &Path) {
        static HANDLER: Once = Once::new();
        HANDLER.call_once(|| {
            // Without a handler (one set elsewhere), Ctrl-C kills the process
            // as usual and the hidden temporary file may stay behind.
            let _ = ctrlc::set_handler(on_interrupt);
        });
        open().push(temp.to_path_buf());
    }

    /// Stops watching `temp`.
    pub fn forget(temp: &Path) {
        open().retain(|p| p != temp);
    }

    /// Renames `temp` to `target` while holding the list, so Ctrl-C happens
    /// either before the rename (the file is removed) or after it (kept).
    pub fn rename(temp: &Path, target: &Path) -> io::Result<()> {
        let mut open = open();
        std::fs::rename(temp, target)?;
        open.retain(|p| p != temp);
        Ok(())
    }

    fn open() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
        OPEN.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn on_interrupt() {
        for temp in open().iter() {
            let _ = std::fs::remove_file(temp);
        }
        std::process::exit(130);
    }
}

/// `dir/.name.<pid>.tmp` beside `target`.
fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_integers_when_integral() {
        assert_eq!(format_number(87.0), "87");
        assert_eq!(format_number(-15.0), "-15");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(1e15), "1000000000000000");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
    }

    #[test]
    fn csv_cells() {
        assert_eq!(csv_cell(&Value::Null), "");
        assert_eq!(csv_cell(&Value::from("a,b")), "a,b");
        assert_eq!(csv_cell(&Value::from(7)), "7");
    }

    #[test]
    fn a_device_is_written_directly_and_stays_a_device() {
        use std::os::unix::fs::FileTypeExt;
        let out = OutputFile::create(Path::new("/dev/null")).unwrap();
        out.handle().unwrap().write_all(b"gone").unwrap();
        out.commit().unwrap();
        let meta = std::fs::metadata("/dev/null").unwrap();
        assert!(meta.file_type().is_char_device());
    }

    #[test]
    fn a_symlink_is_kept_and_its_file_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        let link = dir.path().join("link.txt");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_file(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(same_files(&link, &[real.as_path()]), [real.as_path()]);
    }

    #[test]
    fn an_uncommitted_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.jsonl");
        let (atomic, mut handle) = AtomicFile::create(&target).unwrap();
        handle.write_all(b"half").unwrap();
        drop(atomic);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let (atomic, mut handle) = AtomicFile::create(&target).unwrap();
        handle.write_all(b"whole").unwrap();
        atomic.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "whole");
    }
}

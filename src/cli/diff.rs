//! `leadscore diff OLD_RULES NEW_RULES --leads FILE`: the impact of a rules
//! change on real leads. `OLD_RULES` (or `NEW_RULES`) may be a git revision
//! of a file, `REV:path` (e.g. `HEAD~1:rules/b2b_saas.rules`), read with
//! `git show`; its includes are read from the same revision.

use super::input::{self, Lead};
use super::load::{print_diagnostics, summary, unreadable_rules, FsReader};
use super::progress::{ByteCount, Progress};
use super::score::written_id;
use super::{fit, note, parse_as_of, FitArgs, InputFormat, Status, Stop};
use crate::datafit::{self, RunFacts};
use crate::diagnostics::datafit as wording;
use crate::diagnostics::io as io_words;
use crate::diagnostics::visible::visible;
use crate::diff::{self, render};
use crate::eval::{EvalOptions, Program};
use crate::syntax::{normalize, SourceReader};
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use serde_json::Value;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Options of `leadscore diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old rules: a file, or `REV:path` for a file at a git revision.
    #[arg(value_name = "OLD_RULES")]
    pub old: String,
    /// The new rules: a file, or `REV:path`.
    #[arg(value_name = "NEW_RULES")]
    pub new: String,
    /// The leads to score with both versions (.jsonl, .json or .csv).
    #[arg(long, value_name = "FILE")]
    pub leads: String,
    /// The evaluation time (RFC 3339, or a date for midnight UTC); default now.
    #[arg(long, value_name = "TIME", value_parser = parse_as_of)]
    pub as_of: Option<DateTime<Utc>>,
    /// The lead field that identifies a lead (a dotted path is allowed).
    #[arg(long, value_name = "FIELD", default_value = "id")]
    pub id: String,
    /// The time zone of lead times written without an offset, for datetime
    /// fields that declare no `zone:` (an IANA name like `Europe/Berlin`); default UTC.
    #[arg(long, value_name = "ZONE", value_parser = super::parse_timezone)]
    pub timezone: Option<jiff::tz::TimeZone>,
    /// How many of the leads that moved most to show.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub sample: usize,
    /// The output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// `--strict` and `--summary-json`, as for `score`.
    #[command(flatten)]
    pub fit: FitArgs,
}

/// How `leadscore diff` prints its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Plain text.
    Text,
    /// One JSON object.
    Json,
    /// Markdown, for a pull-request comment.
    Markdown,
}

/// Scores the leads with both versions and prints the comparison.
pub fn run(args: &DiffArgs) -> Result<Status, Stop> {
    let usage = "leadscore diff OLD_RULES NEW_RULES --leads FILE";
    for spec in [&args.old, &args.new] {
        super::swap::check_pair(spec, std::slice::from_ref(&args.leads), usage)?;
    }
    let old = program(&args.old, args.timezone.as_ref());
    let new = program(&args.new, args.timezone.as_ref());
    let versions = diff::Versions::new(old?, new?);
    let bytes = ByteCount::default();
    let mut leads = open_leads(args, &versions.new, &bytes)?;
    let config = diff::Config {
        eval: EvalOptions {
            as_of: args.as_of.unwrap_or_else(Utc::now),
        },
        sample: args.sample,
    };
    let report = diff::compare(&versions, leads.by_ref(), &config);
    let facts = leads.finish(args)?;
    let (old, new) = (&versions.old, &versions.new);
    let findings = datafit::diff_report((old, &report.census.0), (new, &report.census.1), &facts);
    let text = match args.format {
        DiffFormat::Text => visible(&render::text(&report)).into_owned(),
        DiffFormat::Json => {
            let mut json = render::json(&report);
            json["findings"] = findings.iter().map(wording::json).collect();
            format!("{json:#}\n")
        }
        DiffFormat::Markdown => render::markdown(&report),
    };
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes()).map_err(Stop::write)?;
    out.flush().map_err(Stop::write)?;
    let mut counts = serde_json::json!({
        "leads": report.leads,
        "compared": report.impact.compared,
        "errors": report.impact.errors,
        "changed": report.impact.changed,
    });
    if let diff::AccountChange::Both(accounts) = &report.accounts {
        counts["accounts"] = render::account_counts(accounts);
    }
    fit::finish(&findings, counts, &args.fit)
}

/// The leads of `--leads`, read one at a time as [`diff::compare`] asks
/// for them, so that only the lead being scored is in memory: each
/// readable lead with its id; an unreadable lead is counted and left out;
/// a failure of the reading itself ends the leads and is kept for
/// [`LeadReader::finish`].
struct LeadReader {
    leads: input::Leads,
    /// The CSV header row (empty for JSON).
    columns: Vec<String>,
    /// The `--id` field path.
    id: Vec<String>,
    /// Leads met so far, readable or not: the position of the last one.
    seen: usize,
    /// Readable leads handed out.
    read: u64,
    /// Readable leads without a value at the `--id` path.
    without_id: u64,
    /// Leads that could not be read.
    bad: u64,
    /// The read error that ended the leads early.
    failure: Option<io::Error>,
    progress: Progress,
}

impl Iterator for LeadReader {
    type Item = (String, Value);

    fn next(&mut self) -> Option<(String, Value)> {
        if self.failure.is_some() {
            return None;
        }
        loop {
            let lead: Lead = match self.leads.next()? {
                Ok(lead) => lead,
                Err(e) => {
                    self.failure = Some(e);
                    return None;
                }
            };
            self.seen += 1;
            let Ok(value) = lead.value else {
                self.bad += 1;
                continue;
            };
            let id = written_id(&value, lead.text.as_deref(), &self.id);
            self.without_id += u64::from(id.is_null());
            self.read += 1;
            self.progress.add(1);
            return Some((id_text(id, self.seen), value));
        }
    }
}

impl LeadReader {
    /// After the last lead: the facts for the run report, after a note on
    /// the leads that could not be read; or the read error that ended the
    /// leads early (then nothing of the comparison is printed).
    fn finish(self, args: &DiffArgs) -> Result<RunFacts, Stop> {
        self.progress.finish();
        if let Some(e) = self.failure {
            return Err(Stop::Trouble(io_words::read_failed(&args.leads, &e)));
        }
        if self.bad > 0 {
            note(&crate::diagnostics::cli::unread_left_out(
                self.bad,
                &args.leads,
            ));
        }
        Ok(RunFacts {
            columns: self.columns,
            id: self.id,
            leads: self.read,
            without_id: self.without_id,
        })
    }
}

/// Loads one version of the rules: a file, or `REV:path` through `git show`.
fn program(spec: &str, zone: Option<&jiff::tz::TimeZone>) -> Result<Program, Stop> {
    let loaded = match git_spec(spec) {
        Some((rev, path)) => crate::load(
            path,
            &GitReader {
                rev: rev.to_string(),
            },
        )
        .map_err(|e| Stop::Trouble(io_words::cannot_read_revision(spec, &e)))?,
        None => crate::load(spec, &FsReader).map_err(|e| unreadable_rules(Path::new(spec), &e))?,
    };
    print_diagnostics(&loaded);
    match &loaded.ruleset {
        Some(rs) if !loaded.has_errors() => Ok(Program::compile_in(rs, zone)),
        _ => {
            note(&summary(Path::new(spec), &loaded.diagnostics));
            Err(Stop::RulesInvalid)
        }
    }
}

/// `REV:path` when `spec` is not an existing file and has a `:` after its first character.
fn git_spec(spec: &str) -> Option<(&str, &str)> {
    if Path::new(spec).exists() {
        return None;
    }
    spec.split_once(':')
        .filter(|(rev, path)| !rev.is_empty() && !path.is_empty())
}

/// Reads files as they were at a git revision (`git show REV:./path`).
struct GitReader {
    rev: String,
}

impl SourceReader for GitReader {
    fn read(&self, path: &Path) -> io::Result<String> {
        let object = format!("{}:./{}", self.rev, path.display());
        let out = Command::new("git").args(["show", &object]).output()?;
        if !out.status.success() {
            let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
            return Err(io::Error::new(io::ErrorKind::NotFound, why));
        }
        String::from_utf8(out.stdout).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        Ok(normalize(path))
    }
}

/// Opens `--leads` for reading one lead at a time; a CSV header that
/// supplies none of the fields the new rules read stops the run first.
fn open_leads(args: &DiffArgs, new: &Program, bytes: &ByteCount) -> Result<LeadReader, Stop> {
    let source = input::open(&args.leads).map_err(Stop::Trouble)?;
    let source = source.counted(bytes);
    let size = source.size;
    let lead_type = &new.ruleset().lead_type;
    let read = input::Reading::new(InputFormat::Auto, lead_type);
    let (leads, columns) = input::leads_with_header(source, &read).map_err(Stop::Trouble)?;
    let id: Vec<String> = args.id.split('.').map(str::to_string).collect();
    super::fit::header_supplies_some(new, &columns, &id, &args.leads)?;
    Ok(LeadReader {
        leads,
        columns,
        id,
        seen: 0,
        read: 0,
        without_id: 0,
        bad: 0,
        failure: None,
        progress: Progress::reading("leads", bytes, size),
    })
}

/// The id as text (as written in the input, see
/// [`crate::eval::id_as_written`]), or `#N` (the lead's position) when it has none.
fn id_text(id: Value, n: usize) -> String {
    match id {
        Value::String(s) => s,
        Value::Null => format!("#{n}"),
        v => v.to_string(),
    }
}

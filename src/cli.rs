//! The command line: the only module (with `repl`) that touches files and the terminal.
//!
//! One file per command (`check`, `score`, `explain`); `input` reads leads,
//! `output` writes records, `load` reads rules from the file system. Every
//! command ends in a [`Status`] or a [`Stop`], and `exit_code` is the one
//! place that maps them to the process exit status.

mod calibrate;
mod check;
mod compile;
mod diff;
pub(crate) mod explain;
mod fit;
mod fmt;
pub(crate) mod input;
pub(crate) mod load;
pub(crate) mod output;
pub mod progress;
mod score;
mod shell;
mod swap;
mod test;

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;

/// Runs the command line and returns the process exit status.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let _ = SETTINGS.set(cli.global);
    let result = match &cli.command {
        Command::Check(args) => check::run(args),
        Command::Score(args) => score::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Test(args) => test::run(args),
        Command::Calibrate(args) => calibrate::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Compile(args) => compile::run(args),
        Command::Repl(args) => return crate::repl::run(args.config()),
        Command::Completions(args) => shell::completions(args),
        Command::Man(args) => shell::man(args),
    };
    exit_code(result)
}

/// How a command ended when it ran to completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Everything went well (exit 0).
    Success,
    /// Scored, but under `--strict` the rules and the data did not meet
    /// (a field missing in most leads, a wrong type, an unread column, no id) (exit 4).
    DataMisfit,
    /// Some leads could not be scored; the others were (exit 3).
    LeadErrors,
    /// The rules have errors, or warnings under `--deny-warnings` (exit 1).
    RulesFailed,
    /// Some inputs could not be read; each was reported already (exit 2).
    Trouble,
}

/// Why a command stopped early.
#[derive(Debug)]
pub enum Stop {
    /// An I/O or usage problem, described in one line (exit 2).
    Trouble(String),
    /// The rules have errors; the diagnostics are already printed (exit 1).
    RulesInvalid,
    /// The reader of our output went away (`| head`): stop quietly (exit 0).
    BrokenPipe,
}

impl Stop {
    /// A write error on the output: a closed pipe stops quietly, anything else is trouble.
    fn write(e: io::Error) -> Stop {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Stop::BrokenPipe
        } else {
            Stop::Trouble(crate::diagnostics::io::output_failed(&e))
        }
    }
}

/// The one place that maps how a command ended to the process exit status.
fn exit_code(result: Result<Status, Stop>) -> ExitCode {
    match result {
        Ok(Status::Success) | Err(Stop::BrokenPipe) => ExitCode::SUCCESS,
        Ok(Status::RulesFailed) | Err(Stop::RulesInvalid) => ExitCode::from(1),
        Ok(Status::Trouble) => ExitCode::from(2),
        Err(Stop::Trouble(message)) => {
            note(&format!("error: {message}"));
            ExitCode::from(2)
        }
        Ok(Status::LeadErrors) => ExitCode::from(3),
        Ok(Status::DataMisfit) => ExitCode::from(4),
    }
}

/// Prints a clap error (or `--help`/`--version`); usage errors exit 2.
fn usage_error(e: &clap::Error) -> ExitCode {
    let _ = e.print();
    if e.use_stderr() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes one line to stderr, with control and bidi characters from file
/// names, leads or keys escaped; a closed stderr is ignored.
fn note(line: &str) {
    let line = crate::diagnostics::visible::visible(line);
    let _ = writeln!(io::stderr(), "{line}");
}

/// Options every command takes, set once when the command line is parsed.
#[derive(Clone, Copy, Debug, Default, Args)]
pub struct Global {
    /// When to colour diagnostics: `auto` (a terminal, and `NO_COLOR` unset), `always` or `never`.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// No progress bars and no closing summary on stderr (errors are still reported).
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// The `--color` choices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when the output is a terminal and `NO_COLOR` is unset or empty.
    #[default]
    Auto,
    /// Always colour, even into a pipe or a file.
    Always,
    /// Never colour.
    Never,
}

static SETTINGS: OnceLock<Global> = OnceLock::new();

/// The global options of this run (the defaults when none were parsed, as in unit tests).
pub fn settings() -> Global {
    SETTINGS.get().copied().unwrap_or_default()
}

/// Whether output to a stream that `is_terminal` says is (or is not) a
/// terminal gets colours, under `--color` and `NO_COLOR`.
pub fn use_color(is_terminal: bool) -> bool {
    match settings().color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            is_terminal && !no_color
        }
    }
}

/// Colours in diagnostics on stderr (see [`use_color`]).
fn stderr_color() -> bool {
    use_color(io::stderr().is_terminal())
}

/// Score leads with lead-scoring rules, or check the rules.
#[derive(Debug, Parser)]
#[command(name = "leadscore", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    global: Global,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check rules files and report every problem found.
    #[command(
        after_help = "Examples:\n  leadscore check rules/b2b_saas.rules\n  leadscore check --format github --deny-warnings rules/*.rules\n  leadscore check - < draft.rules"
    )]
    Check(CheckArgs),
    /// Score leads: one output record per input lead, in input order.
    #[command(
        after_help = "Examples:\n  leadscore score rules/b2b_saas.rules examples/leads.jsonl --as-of 2026-11-01\n  leadscore score rules/fit_only.rules export.csv --format csv -o scored.csv\n  crm-export | leadscore score rules/b2b_saas.rules --quiet"
    )]
    Score(ScoreArgs),
    /// Show, lead by lead, which rules gave which points.
    #[command(
        after_help = "Examples:\n  leadscore explain rules/b2b_saas.rules examples/leads.jsonl --id L-1002\n  leadscore explain rules/b2b_saas.rules --lead '{\"title\": \"VP Sales\"}'"
    )]
    Explain(ExplainArgs),
    /// Compare two versions of the rules on the same leads.
    #[command(
        after_help = "Examples:\n  leadscore diff HEAD~1:rules/b2b_saas.rules rules/b2b_saas.rules --leads examples/leads.jsonl\n  leadscore diff old.rules new.rules --leads leads.csv --format markdown"
    )]
    Diff(diff::DiffArgs),
    /// Run the `test` blocks of rules files.
    #[command(
        after_help = "Examples:\n  leadscore test\n  leadscore test rules --coverage --min-coverage 90 --junit report.xml"
    )]
    Test(test::TestArgs),
    /// Judge the rules against conversion outcomes: backtest, evidence per rule, suggested points.
    Calibrate(Box<calibrate::CalibrateArgs>),
    /// Put rules files in the canonical layout (or, with --check, show what would change).
    #[command(
        after_help = "Examples:\n  leadscore fmt rules\n  leadscore fmt --check rules\n  leadscore fmt - < draft.rules > tidy.rules"
    )]
    Fmt(fmt::FmtArgs),
    /// Compile the rules to one SQL query that scores a table of leads in DuckDB, PostgreSQL or Spark.
    #[command(
        after_help = "Examples:\n  leadscore compile rules/fit_only.rules --target duckdb --as-of 2026-11-01 > score.sql\n  leadscore compile rules/fit_only.rules --target postgres --table crm.leads --view scored_leads\n  leadscore compile rules/fit_only.rules --target spark --ddl"
    )]
    Compile(compile::CompileArgs),
    /// Try rules and leads interactively; rules files reload when saved.
    #[command(
        after_help = "Example:\n  leadscore repl rules/b2b_saas.rules --leads examples/leads.jsonl"
    )]
    Repl(crate::repl::ReplArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(
        after_help = "Examples:\n  source <(leadscore completions bash)\n  leadscore completions zsh > ~/.zfunc/_leadscore\n  leadscore completions fish > ~/.config/fish/completions/leadscore.fish"
    )]
    Completions(shell::CompletionsArgs),
    /// Print the manual page (roff), e.g. `leadscore man | man -l -`.
    #[command(
        after_help = "Examples:\n  leadscore man | man -l -\n  leadscore man score > leadscore-score.1"
    )]
    Man(shell::ManArgs),
}

/// Options of `leadscore check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The rules files to check (a folder: every `*.rules` file under it); `-` reads rules from standard input.
    #[arg(required = true, value_name = "RULES")]
    pub rules: Vec<PathBuf>,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// How to print the diagnostics: for people, or as machine output on stdout.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
}

/// How `leadscore check` prints its diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Rendered reports with the source lines, on stderr.
    Human,
    /// One JSON object with `files` and `diagnostics`, on stdout.
    Json,
    /// GitHub Actions workflow commands (`::error file=..::msg`), on stdout.
    Github,
    /// A SARIF 2.1.0 log, on stdout.
    Sarif,
}

/// Where leads come from and how they are read; shared by `score` and `explain`.
#[derive(Debug, Args)]
pub struct LeadsArgs {
    /// Lead files (.jsonl/.ndjson, .json array, .csv, .xlsx, .ods); `-` or none reads stdin.
    #[arg(value_name = "LEADS")]
    pub leads: Vec<String>,
    /// The format of the lead files; `auto` decides by extension, then by content.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// The evaluation time (RFC 3339, or a date for midnight UTC); default now.
    #[arg(long, value_name = "TIME", value_parser = parse_as_of)]
    pub as_of: Option<DateTime<Utc>>,
    /// The lead field that identifies a lead (a dotted path like `crm.id` is allowed).
    #[arg(long, value_name = "FIELD", default_value = "id")]
    pub id: String,
    /// The CSV delimiter: `,` `;` `|` or `tab` (default: detected from the header row).
    #[arg(long, value_name = "CHAR", value_parser = input::parse_delimiter)]
    pub delimiter: Option<u8>,
    /// CSV numbers use a decimal comma (`1234,5`); the default for `;`-separated files.
    #[arg(long)]
    pub decimal_comma: bool,
    /// The CSV file's encoding, e.g. `windows-1252`, `latin1` (default: UTF-8,
    /// or Windows-1252 when the file is not UTF-8).
    #[arg(long, value_name = "NAME", value_parser = input::parse_encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// The sheet of .xlsx/.ods lead files to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// The time zone of lead times written without an offset, for datetime
    /// fields that declare no `zone:` (an IANA name like `Europe/Berlin`); default UTC.
    #[arg(long, value_name = "ZONE", value_parser = crate::cli::parse_timezone)]
    pub timezone: Option<jiff::tz::TimeZone>,
}

impl LeadsArgs {
    /// The evaluation time: `--as-of`, or now.
    pub fn as_of(&self) -> DateTime<Utc> {
        self.as_of.unwrap_or_else(Utc::now)
    }

    /// How to read the lead files for `rules`.
    pub fn reading<'a>(&'a self, rules: &'a crate::rules::Ruleset) -> input::Reading<'a> {
        input::Reading {
            format: self.input_format,
            lead_type: &rules.lead_type,
            csv: input::CsvOptions {
                delimiter: self.delimiter,
                decimal_comma: self.decimal_comma,
                encoding: self.encoding,
            },
            sheet: self.sheet.as_deref(),
        }
    }

    /// The `--id` field as path segments.
    pub fn id_path(&self) -> Vec<String> {
        self.id.split('.').map(str::to_string).collect()
    }
}

/// Options of `leadscore score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// The rules file.
    #[arg(value_name = "RULES")]
    pub rules: PathBuf,
    #[command(flatten)]
    pub input: LeadsArgs,
    /// Add a `reasons` array to each record: the points of each rule and cap.
    #[arg(long)]
    pub explain: bool,
    /// The output format (default: by the `-o` file's extension, `.csv` CSV,
    /// `.tsv` TSV, else JSON Lines).
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
    /// Write the records to this file (replaced only once the run is complete).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Copy these input fields into each record, after the id (e.g.
    /// `--keep Email,"First Name"`); a field a lead lacks is left empty.
    #[arg(long, value_name = "FIELD,...")]
    pub keep: Vec<String>,
    /// Name output columns as the import expects, e.g.
    /// `--rename score="Lead Score",tier="Lead Tier"`.
    #[arg(long, value_name = "OLD=NEW,...")]
    pub rename: Vec<String>,
    /// Write CSV cells as they are: without it, a cell a spreadsheet would run
    /// as a formula (`=`, `+`, `-`, `@` first; plain numbers aside) gets a leading `'`.
    #[arg(long)]
    pub csv_raw: bool,
    /// Worker threads for JSON Lines input (default: all cores); the output
    /// is the same for any number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Also score the accounts of the rules' `account` block and write one
    /// record per account to this file (JSON Lines, or CSV/TSV by its
    /// extension): key, leads, score, group totals and labels.
    #[arg(long, value_name = "FILE")]
    pub accounts: Option<PathBuf>,
    /// Add each lead's account to its record: `account` (the key),
    /// `account_score` and each account label as `account_<label>` (empty
    /// for a lead in no account). Needs an `account` block; the records
    /// are written once every lead is scored.
    #[arg(long)]
    pub account_columns: bool,
    #[command(flatten)]
    pub fit: FitArgs,
}

/// What to do with the end-of-run report on where the rules and the data did
/// not meet; shared by `score`, `diff` and `test`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// Exit with status 4 when the rules and the data did not meet (a field
    /// missing in most leads, a wrong type, an unread CSV column, no id).
    #[arg(long)]
    pub strict: bool,
    /// Also write the run's summary and that report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub summary_json: Option<PathBuf>,
}

/// Options of `leadscore explain`. Here `--id` selects a lead, so the
/// field that holds the ids is `--id-field`.
#[derive(Debug, Args)]
#[command(mut_arg("id", |a| a.long("id-field")))]
pub struct ExplainArgs {
    /// The rules file.
    #[arg(value_name = "RULES")]
    pub rules: PathBuf,
    /// One lead given as JSON text, instead of lead files.
    #[arg(long, value_name = "JSON", conflicts_with = "leads")]
    pub lead: Option<String>,
    /// Explain only the lead with this id (e.g. `--id L-1002`).
    #[arg(long = "id", value_name = "ID", conflicts_with = "lead")]
    pub only: Option<String>,
    /// Explain the account with this key instead of leads (e.g. `--account
    /// acme.com`; trimmed, any case): its leads, score, labels and each
    /// account rule's points. Needs an `account` block.
    #[arg(long, value_name = "KEY", conflicts_with_all = ["lead", "only"])]
    pub account: Option<String>,
    #[command(flatten)]
    pub input: LeadsArgs,
}

/// How lead files are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// By file extension; for stdin and other files, by the first non-blank byte.
    Auto,
    /// One JSON object per line.
    Jsonl,
    /// A JSON array of objects.
    Json,
    /// CSV with a header row; dotted headers make nested objects.
    Csv,
    /// An Excel workbook (`.xlsx`): one sheet, its first row the header.
    Xlsx,
    /// An OpenDocument spreadsheet (`.ods`): one sheet, its first row the header.
    Ods,
}

/// How records are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header row `id,score,<outputs...>,error`.
    Csv,
    /// Like CSV, separated by tabs.
    Tsv,
}

/// Parses `--timezone`: a zone of the bundled time-zone database.
pub(crate) fn parse_timezone(text: &str) -> Result<jiff::tz::TimeZone, String> {
    crate::datetime::zone::lookup(text).map_err(|suggestion| {
        crate::diagnostics::cli::unknown_timezone(text, suggestion.as_deref())
    })
}

/// Parses `--as-of`: RFC 3339, or a plain date meaning midnight UTC.
pub(crate) fn parse_as_of(text: &str) -> Result<DateTime<Utc>, String> {
    crate::datetime::parse(text).map_err(|_| {
        "expected an RFC 3339 time like 2026-11-01T00:00:00Z, or a date like 2026-11-01".into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_of_accepts_rfc3339_and_dates() {
        let t = parse_as_of("2026-11-01T02:00:00+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-01T00:00:00+00:00");
        let d = parse_as_of("2026-11-01").unwrap();
        assert_eq!(d, t);
        assert!(parse_as_of("yesterday").is_err());
    }

    #[test]
    fn clap_definitions_are_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}

//! `leadscore check RULES...`: every diagnostic of every file, and a summary
//! line per file; or, with `--format json|github|sarif`, the same diagnostics
//! as machine output on stdout (an unreadable file is then a `leadscore::io`
//! diagnostic, so the output stays well-formed).

use super::load::{print_diagnostics, summary, FsReader};
use super::{note, CheckArgs, CheckFormat, Status, Stop};
use crate::diagnostics::cli::FileProblem;
use crate::diagnostics::formats::{self, Entry};
use crate::diagnostics::{Severity, ToDiagnostic};
use crate::Loaded;
use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;

/// Checks each rules file in turn. The exit status is the worst file's: an
/// unreadable file (2) is worse than rules with errors (1), then clean (0).
pub fn run(args: &CheckArgs) -> Result<Status, Stop> {
    let names: Vec<String> = args.rules.iter().map(|p| p.display().to_string()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    super::swap::check_rules(&names, "leadscore check RULES...")?;
    let mut status = Status::Success;
    let mut entries = Vec::new();
    let mut files = Vec::new();
    for path in &args.rules {
        files.push(path.display().to_string());
        let this = match load_rules(path) {
            Ok(loaded) => {
                report(&loaded, args, &mut entries);
                if args.format == CheckFormat::Human {
                    note(&summary(path, &loaded.diagnostics));
                }
                verdict(&loaded, args)
            }
            Err(e) => {
                let problem = FileProblem::of(path, &e);
                let entry = Entry::unreadable(&path.display().to_string(), &problem);
                if args.format == CheckFormat::Human {
                    note(&format!("error: {}", entry.message));
                }
                entries.push(entry);
                Status::Trouble
            }
        };
        status = status.max(this);
    }
    print_machine(args.format, &files, &entries)?;
    Ok(status)
}

/// Loads one rules file with its includes; `-` reads the rules from stdin
/// (named `<stdin>`, includes relative to the current folder).
pub(super) fn load_rules(path: &Path) -> io::Result<Loaded> {
    match read_stdin_if_dash(path)? {
        Some(text) => Ok(crate::load_str(STDIN_NAME, &text, &FsReader)),
        None => {
            let mut loaded = crate::load(&path.to_string_lossy(), &FsReader)?;
            lead_files(path, &mut loaded)?;
            Ok(loaded)
        }
    }
}

/// Adds an error for each `lead from` file of the tests that cannot be read.
fn lead_files(path: &Path, loaded: &mut Loaded) -> io::Result<()> {
    let has_lead_files = loaded
        .sources
        .files()
        .any(|(_, f)| f.text.contains("lead from"));
    if !has_lead_files {
        return Ok(());
    }
    let suite = crate::testing::suite(&path.to_string_lossy(), None, &FsReader)?;
    let problems = crate::testing::lead_file_problems(&suite, &FsReader);
    loaded
        .diagnostics
        .extend(problems.iter().map(ToDiagnostic::to_diagnostic));
    loaded
        .diagnostics
        .sort_by_key(|d| (d.span.file, d.span.start));
    Ok(())
}

/// The name rules read from standard input go by in reports.
pub(super) const STDIN_NAME: &str = "<stdin>";

/// For the path `-`, all of standard input (with a note when it is a terminal).
pub(super) fn read_stdin_if_dash(path: &Path) -> io::Result<Option<String>> {
    if path != Path::new("-") {
        return Ok(None);
    }
    let mut stdin = io::stdin();
    if stdin.is_terminal() {
        note(crate::diagnostics::cli::reading_rules_stdin());
    }
    let mut text = String::new();
    stdin.read_to_string(&mut text)?;
    Ok(Some(text))
}

/// Human format: rendered now; machine formats: located and kept for the end.
fn report(loaded: &Loaded, args: &CheckArgs, entries: &mut Vec<Entry>) {
    match args.format {
        CheckFormat::Human => print_diagnostics(loaded),
        _ => entries.extend(
            loaded
                .diagnostics
                .iter()
                .map(|d| Entry::located(&loaded.sources, d)),
        ),
    }
}

/// Writes the machine output of every file at once, on stdout.
fn print_machine(format: CheckFormat, files: &[String], entries: &[Entry]) -> Result<(), Stop> {
    let text = match format {
        CheckFormat::Human => return Ok(()),
        CheckFormat::Json => formats::json(files, entries),
        CheckFormat::Github => formats::github(entries),
        CheckFormat::Sarif => formats::sarif(entries),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Stop::write)
}

/// Errors fail a check; warnings too under `--deny-warnings`.
fn verdict(loaded: &Loaded, args: &CheckArgs) -> Status {
    let worst = loaded.diagnostics.iter().map(|d| d.severity).max();
    match worst {
        Some(Severity::Error) => Status::RulesFailed,
        Some(Severity::Warning) if args.deny_warnings => Status::RulesFailed,
        _ => Status::Success,
    }
}

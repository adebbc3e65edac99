//! `leadscore check RULES...`: every diagnostic of every file, and a summary
//! line per file; or, with `--format json|github|sarif`, the same diagnostics
//! as machine output on stdout (an unreadable file is then a `leadscore::io`
//! diagnostic, so the output stays well-formed).

use super::load::{print_diagnostics, summary, FsReader};
use super::{note, CheckArgs, CheckFormat, Status, Stop};
use crate::diagnostics::formats::{self, Entry};
use crate::diagnostics::Severity;
use crate::Loaded;
use std::io::Write;

/// Checks each rules file in turn. The exit status is the worst file's: an
/// unreadable file (2) is worse than rules with errors (1), then clean (0).
pub fn run(args: &CheckArgs) -> Result<Status, Stop> {
    let mut status = Status::Success;
    let mut entries = Vec::new();
    let mut files = Vec::new();
    for path in &args.rules {
        files.push(path.display().to_string());
        let this = match crate::load(&path.to_string_lossy(), &FsReader) {
            Ok(loaded) => {
                report(&loaded, args, &mut entries);
                if args.format == CheckFormat::Human {
                    note(&summary(path, &loaded.diagnostics));
                }
                verdict(&loaded, args)
            }
            Err(e) => {
                let entry = Entry::unreadable(&path.display().to_string(), &e.to_string());
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

//! `leadscore check RULES...`: every diagnostic of every file, and a summary line per file.

use super::load::{print_diagnostics, rules, summary};
use super::{note, CheckArgs, Status, Stop};
use crate::diagnostics::Severity;
use crate::Loaded;

/// Checks each rules file in turn. The exit status is the worst file's: an
/// unreadable file (2) is worse than rules with errors (1), then clean (0).
pub fn run(args: &CheckArgs) -> Result<Status, Stop> {
    let mut status = Status::Success;
    for path in &args.rules {
        let this = match rules(path) {
            Ok(loaded) => {
                print_diagnostics(&loaded);
                note(&summary(path, &loaded.diagnostics));
                verdict(&loaded, args)
            }
            Err(Stop::Trouble(message)) => {
                note(&format!("error: {message}"));
                Status::Trouble
            }
            Err(stop) => return Err(stop),
        };
        status = status.max(this);
    }
    Ok(status)
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

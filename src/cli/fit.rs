//! The end of a run that scored leads (`score`, `diff`, `test`): the report
//! on where the rules and the data did not meet (see [`crate::datafit`]) on
//! stderr, optionally a JSON summary file, and under `--strict` a failing
//! status.

use super::{FitArgs, Status, Stop};
use crate::datafit::{self, RunFacts, Scope, Scoped};
use crate::diagnostics::datafit as wording;
use crate::eval::{Census, Program};
use serde_json::Value;
use std::io::Write as _;

/// Adds the columns of a CSV header row that are not there yet.
pub fn add_columns(columns: &mut Vec<String>, header: Vec<String>) {
    for column in header {
        if !columns.contains(&column) {
            columns.push(column);
        }
    }
}

/// Stops the run (exit 2) before a CSV input is scored when its header row
/// supplies none of the fields the rules read (a `;` file read as `,`, the
/// wrong file or the wrong rules would otherwise score every row to zero), or
/// leaves out a field the schema requires (every row would be an error).
pub fn header_supplies_some(
    program: &Program,
    header: &[String],
    id: &[String],
    name: &str,
) -> Result<(), Stop> {
    let fit = datafit::header_fit(program.fields(), header, id);
    let required = datafit::required_unsupplied(program.ruleset(), header, &fit.unsupplied);
    if !required.is_empty() {
        let text = crate::diagnostics::input::no_column_for_required(&required, header);
        return Err(Stop::Trouble(format!("{name}: {text}")));
    }
    let supplied = datafit::lead_leaves(program.fields()).len() > fit.unsupplied.len();
    if supplied || fit.unsupplied.is_empty() {
        return Ok(());
    }
    let text = crate::diagnostics::input::no_column_for_any(&fit.unsupplied, header);
    Err(Stop::Trouble(format!("{name}: {text}")))
}

/// The findings of a run that scored with one program.
pub fn of_run(program: &Program, census: &Census, facts: &RunFacts) -> Vec<Scoped> {
    datafit::scoped(datafit::report(program, census, facts), &Scope::Run)
}

/// Prints the report to stderr, writes `--summary-json` (the `counts`
/// object with a `findings` array added), and says whether `--strict` fails
/// the run.
pub fn finish(findings: &[Scoped], mut counts: Value, args: &FitArgs) -> Result<Status, Stop> {
    let mut text = wording::text(findings);
    if args.strict && !findings.is_empty() {
        text.push_str(&wording::strict_failure(findings.len()));
        text.push('\n');
    }
    let text = crate::diagnostics::visible::visible(&text);
    let _ = std::io::stderr().write_all(text.as_bytes());
    if let Some(path) = &args.summary_json {
        counts["findings"] = findings.iter().map(wording::json).collect();
        let text = format!("{counts:#}\n");
        super::output::write_file(path, text.as_bytes())
            .map_err(|e| Stop::Trouble(crate::diagnostics::io::cannot_write(path, &e)))?;
    }
    Ok(if args.strict && !findings.is_empty() {
        Status::DataMisfit
    } else {
        Status::Success
    })
}

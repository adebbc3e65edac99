//! `leadscore`: a rules language and interpreter for lead scoring.
//!
//! The pipeline, one module per phase:
//!
//! 1. [`syntax`]: text → AST (pest grammar, spans on every node), includes spliced.
//! 2. [`check`]: AST → [`rules::Ruleset`] (names resolved, types checked), or problems.
//! 3. [`eval`]: ruleset → compiled [`eval::Program`] → a score, totals, labels and reasons per lead.
//! 4. [`diagnostics`]: every phase's problems → miette reports, worded in one place.
//! 5. [`cli`] and [`repl`]: the only modules that touch files and the terminal.
//!
//! [`datetime`] is the one strict reader of dates and times, shared by all of them.
//!
//! Built on the pipeline: [`fmt`] (the canonical layout of a rules file),
//! [`testing`] (runs `test` blocks), [`diff`] (the impact of a rules
//! change on a set of leads) and [`calibrate`] (the rules judged against
//! conversion outcomes).

pub mod calibrate;
pub mod check;
pub mod cli;
pub mod datafit;
pub mod datetime;
pub mod diagnostics;
pub mod diff;
pub mod eval;
pub mod fmt;
pub mod repl;
pub mod rules;
pub mod source;
pub mod sql;
pub mod syntax;
pub mod testing;

use diagnostics::{Diagnostic, ToDiagnostic};
use source::SourceMap;

/// A ruleset read from source: its files, the checked rules if there were no
/// errors, and every diagnostic (errors and warnings) found on the way.
#[derive(Debug)]
pub struct Loaded {
    /// Every file read (the entry file and its includes).
    pub sources: SourceMap,
    /// The checked rules; `None` when any error was found.
    pub ruleset: Option<rules::Ruleset>,
    /// All diagnostics, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// `true` when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and checks a ruleset from its entry file, reading includes through
/// `reader`. Fails only when the entry file itself cannot be read; every
/// other problem is a diagnostic.
pub fn load(entry: &str, reader: &dyn syntax::SourceReader) -> std::io::Result<Loaded> {
    load_rooted(entry, None, reader)
}

/// Like [`load`], with includes allowed anywhere under `root` (a folder
/// holding the entry file), not only under the entry file's folder.
pub fn load_rooted(
    entry: &str,
    root: Option<&std::path::Path>,
    reader: &dyn syntax::SourceReader,
) -> std::io::Result<Loaded> {
    let parsed = syntax::load_rooted(entry, root, reader)?;
    Ok(finish(parsed))
}

/// Parses and checks a ruleset given as text (includes resolved through `reader`
/// relative to `name`'s folder).
pub fn load_str(name: &str, text: &str, reader: &dyn syntax::SourceReader) -> Loaded {
    load_str_with(name, text, reader, &check::CheckOptions::default())
}

/// [`load_str`] with settings for the checker.
pub fn load_str_with(
    name: &str,
    text: &str,
    reader: &dyn syntax::SourceReader,
    opts: &check::CheckOptions,
) -> Loaded {
    let parsed = syntax::load_str(name, text, reader);
    finish_with(parsed, opts)
}

fn finish(parsed: syntax::Parsed) -> Loaded {
    finish_with(parsed, &check::CheckOptions::default())
}

fn finish_with(parsed: syntax::Parsed, opts: &check::CheckOptions) -> Loaded {
    let mut diagnostics: Vec<Diagnostic> = parsed
        .errors
        .iter()
        .map(ToDiagnostic::to_diagnostic)
        .collect();
    let opts = check::CheckOptions {
        broken_lets: parsed.broken_lets.clone(),
        ..opts.clone()
    };
    let (ruleset, problems) = check::check_with(&parsed.sources, &parsed.items, &opts);
    diagnostics.extend(problems.iter().map(ToDiagnostic::to_diagnostic));
    diagnostics.sort_by_key(|d| (d.span.file, d.span.start));
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    Loaded {
        sources: parsed.sources,
        ruleset: ruleset.filter(|_| !has_errors),
        diagnostics,
    }
}

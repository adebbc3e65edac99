//! Reading rules from the file system, and reporting their diagnostics.

use super::{note, stderr_color, Stop};
use crate::diagnostics::io::{cannot_read, FileProblem};
use crate::diagnostics::{self, Diagnostic};
use crate::eval::Program;
use crate::syntax::SourceReader;
use crate::Loaded;
use std::io;
use std::path::{Path, PathBuf};

/// Reads rules files (and their includes) from the file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct FsReader;

impl SourceReader for FsReader {
    fn read(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }
}

/// Parses and checks a rules file; an unreadable file is trouble (exit 2).
pub fn rules(path: &Path) -> Result<Loaded, Stop> {
    crate::load(&path.to_string_lossy(), &FsReader).map_err(|e| unreadable_rules(path, &e))
}

/// `cannot read rules file PATH: REASON`, worded as everywhere else.
pub fn unreadable_rules(path: &Path, e: &io::Error) -> Stop {
    Stop::Trouble(cannot_read("rules file", path, &FileProblem::of(path, e)))
}

/// Loads and compiles the rules for scoring, reading local times in `zone`
/// where a datetime field declares none. Diagnostics (warnings too) go to
/// stderr; rules with errors stop the command before any lead is read.
pub fn program(path: &Path, zone: Option<&jiff::tz::TimeZone>) -> Result<Program, Stop> {
    let loaded = rules(path)?;
    print_diagnostics(&loaded);
    match &loaded.ruleset {
        Some(ruleset) if !loaded.has_errors() => Ok(Program::compile_in(ruleset, zone)),
        _ => {
            note(&summary(path, &loaded.diagnostics));
            Err(Stop::RulesInvalid)
        }
    }
}

/// Renders every diagnostic of `loaded` to stderr.
pub fn print_diagnostics(loaded: &Loaded) {
    if loaded.diagnostics.is_empty() {
        return;
    }
    let text = diagnostics::render(&loaded.sources, &loaded.diagnostics, stderr_color());
    let _ = io::Write::write_all(&mut io::stderr(), text.as_bytes());
}

/// One line: `rules/x.rules: 2 errors, 1 warning`, or `rules/x.rules: no problems`.
pub fn summary(path: &Path, diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(plural(errors, "error"));
    }
    if warnings > 0 {
        parts.push(plural(warnings, "warning"));
    }
    if parts.is_empty() {
        parts.push("no problems".to_string());
    }
    format!("{}: {}", path.display(), parts.join(", "))
}

/// `1 error`, `2 errors`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

//! `leadscore fmt [--check] [PATHS...]`: puts rules files in the canonical
//! layout, in place (each file replaced atomically), or with `--check`
//! prints a unified diff of what would change and exits 1.

use super::check::{read_stdin_if_dash, STDIN_NAME};
use super::load::plural;
use super::output;
use super::test::rules_files;
use super::{note, stderr_color, Status, Stop};
use crate::diagnostics::io::{cannot_read, cannot_write, FileProblem};
use crate::diagnostics::{self, ToDiagnostic};
use crate::source::SourceMap;
use clap::Args;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Options of `leadscore fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Change nothing: print a diff of what would change, and exit 1 if anything would.
    #[arg(long)]
    pub check: bool,
    /// Rules files or folders to search for `*.rules` files (default: ./rules);
    /// `-` formats standard input to standard output.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
}

/// What became of one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    /// Already in the canonical layout.
    Unchanged,
    /// Rewritten, or (with `--check`) would be.
    Changed,
    /// Syntax errors: left alone.
    Broken,
}

/// Formats (or checks) every file and reports a one-line summary on stderr.
pub fn run(args: &FmtArgs) -> Result<Status, Stop> {
    if args.paths.iter().any(|p| p == Path::new("-")) {
        return stdin(args);
    }
    let files = rules_files(&args.paths)?;
    let mut fates = Vec::new();
    for file in &files {
        fates.push(one(file, args.check)?);
    }
    let count = |f: Fate| fates.iter().filter(|&&x| x == f).count();
    let (changed, broken) = (count(Fate::Changed), count(Fate::Broken));
    let verb = if args.check {
        "would be reformatted"
    } else {
        "reformatted"
    };
    let mut parts = vec![format!("{} {verb}", plural(changed, "file"))];
    if broken > 0 {
        parts.push(format!("{} with syntax errors", plural(broken, "file")));
    }
    parts.push(format!("{} already formatted", count(Fate::Unchanged)));
    note(&parts.join(", "));
    let failed = broken > 0 || (args.check && changed > 0);
    Ok(if failed {
        Status::RulesFailed
    } else {
        Status::Success
    })
}

/// `fmt -`: formats standard input to standard output (for editors and
/// hooks); with `--check`, prints the diff instead and exits 1 on a change.
/// Rules with syntax errors print their diagnostics and nothing on stdout.
fn stdin(args: &FmtArgs) -> Result<Status, Stop> {
    if args.paths.len() > 1 {
        return Err(Stop::Trouble(crate::diagnostics::cli::dash_alone("fmt")));
    }
    let path = Path::new("-");
    let text = read_stdin_if_dash(path)
        .map_err(|e| Stop::Trouble(cannot_read("rules", path, &FileProblem::of(path, &e))))?
        .unwrap_or_default();
    let Some(formatted) = formatted(STDIN_NAME, &text) else {
        return Ok(Status::RulesFailed);
    };
    if !args.check {
        let mut out = std::io::stdout();
        out.write_all(formatted.as_bytes())
            .and_then(|()| out.flush())
            .map_err(Stop::write)?;
        return Ok(Status::Success);
    }
    if formatted == text {
        return Ok(Status::Success);
    }
    print_diff(STDIN_NAME, &text, &formatted)?;
    Ok(Status::RulesFailed)
}

/// The formatted text, or `None` after printing the syntax errors.
fn formatted(name: &str, text: &str) -> Option<String> {
    match crate::fmt::format(text) {
        Ok(f) => Some(f),
        Err(errors) => {
            let mut sources = SourceMap::new();
            sources.add(name.to_string(), text.to_string());
            let diags: Vec<_> = errors.iter().map(ToDiagnostic::to_diagnostic).collect();
            let rendered = diagnostics::render(&sources, &diags, stderr_color());
            let _ = std::io::stderr().write_all(rendered.as_bytes());
            None
        }
    }
}

fn one(path: &Path, check: bool) -> Result<Fate, Stop> {
    let name = path.to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Stop::Trouble(cannot_read("rules file", path, &FileProblem::of(path, &e))))?;
    let Some(formatted) = formatted(&name, &text) else {
        return Ok(Fate::Broken);
    };
    if formatted == text {
        return Ok(Fate::Unchanged);
    }
    if check {
        print_diff(&name, &text, &formatted)?;
    } else {
        write(path, &formatted)?;
        note(&crate::diagnostics::cli::formatted(&name));
    }
    Ok(Fate::Changed)
}

/// A unified diff from the file as it is to the file formatted.
fn print_diff(name: &str, old: &str, new: &str) -> Result<(), Stop> {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string();
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(Stop::write)
}

/// Replaces the file atomically (a temporary file beside it, renamed over
/// it; through a symlink, the file it points to), or writes straight into
/// anything that is not a regular file.
fn write(path: &Path, text: &str) -> Result<(), Stop> {
    output::write_file(path, text.as_bytes()).map_err(|e| Stop::Trouble(cannot_write(path, &e)))
}

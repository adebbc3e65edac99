//! `leadscore fmt [--check] [PATHS...]`: puts rules files in the canonical
//! layout, in place (each file replaced atomically), or with `--check`
//! prints a unified diff of what would change and exits 1.

use super::load::plural;
use super::output;
use super::test::rules_files;
use super::{note, stderr_color, Status, Stop};
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
    /// Rules files or folders to search for `*.rules` files (default: ./rules).
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

fn one(path: &Path, check: bool) -> Result<Fate, Stop> {
    let name = path.to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Stop::Trouble(format!("cannot read {name}: {e}")))?;
    let formatted = match crate::fmt::format(&text) {
        Ok(f) => f,
        Err(errors) => {
            let mut sources = SourceMap::new();
            sources.add(name, text);
            let diags: Vec<_> = errors.iter().map(ToDiagnostic::to_diagnostic).collect();
            let rendered = diagnostics::render(&sources, &diags, stderr_color());
            let _ = std::io::stderr().write_all(rendered.as_bytes());
            return Ok(Fate::Broken);
        }
    };
    if formatted == text {
        return Ok(Fate::Unchanged);
    }
    if check {
        print_diff(&name, &text, &formatted)?;
    } else {
        write(path, &formatted)?;
        note(&format!("formatted {name}"));
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
    output::write_file(path, text.as_bytes())
        .map_err(|e| Stop::Trouble(format!("cannot write {}: {e}", path.display())))
}

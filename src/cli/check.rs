//! `leadscore check RULES...`: every diagnostic of every file, and a summary
//! line per file; or, with `--format json|github|sarif`, the same diagnostics
//! as machine output on stdout (an unreadable file is then a `leadscore::io`
//! diagnostic, so the output stays well-formed).

use super::load::{print_diagnostics, summary, FsReader};
use super::test::rules_files;
use super::{note, CheckArgs, CheckFormat, Status, Stop};
use crate::diagnostics::formats::{self, Entry};
use crate::diagnostics::io::{no_rules_in_folder, FileProblem};
use crate::diagnostics::{Severity, ToDiagnostic};
use crate::Loaded;
use std::collections::HashSet;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// Checks each rules file in turn; a folder stands for the `*.rules` files
/// under it, except those that only hold `let`s and a schema for another
/// file of the folder to include (alone, their `let`s are unused; they are
/// checked through the file that includes them). The exit status is the
/// worst file's: an unreadable file (2) is worse than rules with errors (1),
/// then clean (0).
pub fn run(args: &CheckArgs) -> Result<Status, Stop> {
    let paths = expand_folders(&args.rules)?;
    let names: Vec<String> = paths.iter().map(|(p, _)| p.display().to_string()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    super::swap::check_rules(&names, "leadscore check RULES...")?;
    let loaded: Vec<(PathBuf, bool, io::Result<Loaded>)> = paths
        .into_iter()
        .map(|(path, found)| {
            let result = load_rules(&path);
            (path, found, result)
        })
        .collect();
    let included = included_files(loaded.iter().filter_map(|(_, _, r)| r.as_ref().ok()));
    let mut status = Status::Success;
    let mut entries = Vec::new();
    let mut files = Vec::new();
    for (path, found_in_folder, result) in loaded {
        if found_in_folder
            && is_library(&result)
            && canonical(&path).is_some_and(|c| included.contains(&c))
        {
            continue;
        }
        files.push(path.display().to_string());
        let this = match result {
            Ok(loaded) => {
                report(&loaded, args, &mut entries);
                if args.format == CheckFormat::Human {
                    note(&summary(&path, &loaded.diagnostics));
                }
                let verdict = verdict(&loaded, args);
                // The process ends soon: freeing a large ruleset piece by
                // piece is work that nothing reads (20 M instructions for
                // 10,000 rules). Every loaded file is held until here anyway.
                std::mem::forget(loaded);
                verdict
            }
            Err(e) => {
                let problem = FileProblem::of(&path, &e);
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

/// Files that some loaded ruleset includes (not its entry file), canonical.
fn included_files<'a>(loaded: impl Iterator<Item = &'a Loaded>) -> HashSet<PathBuf> {
    loaded
        .flat_map(|l| l.sources.files().skip(1).map(|(_, f)| f.name.clone()))
        .filter_map(|name| canonical(Path::new(&name)))
        .collect()
}

/// A file that checked without errors and holds no rules, labels or groups
/// of its own: `let`s and a schema for other files to include.
fn is_library(result: &io::Result<Loaded>) -> bool {
    let Ok(loaded) = result else { return false };
    let Some(rs) = loaded.ruleset.as_ref().filter(|_| !loaded.has_errors()) else {
        return false;
    };
    rs.rules.is_empty() && rs.labels.is_empty() && rs.groups.is_empty()
}

fn canonical(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// The paths with each folder replaced by the `*.rules` files under it (in
/// name order, as `test` and `fmt` find them), each marked `true` when it was
/// found in a folder. A folder without any is an error, so `check rules/`
/// never passes having checked nothing.
fn expand_folders(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, Stop> {
    let mut out = Vec::new();
    for path in paths {
        if !path.is_dir() {
            out.push((path.clone(), false));
            continue;
        }
        let found = rules_files(std::slice::from_ref(path))?;
        if found.is_empty() {
            return Err(Stop::Trouble(no_rules_in_folder(path)));
        }
        out.extend(found.into_iter().map(|f| (f, true)));
    }
    Ok(out)
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

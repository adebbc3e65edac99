//! Wording of everything about files, for every command: a file that
//! cannot be read (missing, a folder, not allowed, or why the system says),
//! cannot be written, or may not be written (an input as the output), and
//! notes on how an input was read.

use std::io;
use std::path::Path;

/// Why a file named on the command line (or included) could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileProblem {
    /// Nothing exists at the path.
    Missing,
    /// The path is a folder.
    Folder,
    /// The file exists but may not be read.
    Denied,
    /// Any other I/O error, as the system words it (without `(os error N)`).
    Other(String),
}

impl FileProblem {
    /// Classifies an I/O error on `path` (which is looked at to tell a folder).
    pub fn of(path: &Path, e: &io::Error) -> FileProblem {
        if path.is_dir() {
            return FileProblem::Folder;
        }
        match e.kind() {
            io::ErrorKind::NotFound => FileProblem::Missing,
            io::ErrorKind::PermissionDenied => FileProblem::Denied,
            _ => FileProblem::Other(without_os_error(&e.to_string())),
        }
    }

    /// The reason alone: `no such file`, `it is a folder, not a file`, ...
    pub fn reason(&self) -> String {
        match self {
            FileProblem::Missing => "no such file".into(),
            FileProblem::Folder => "it is a folder, not a file".into(),
            FileProblem::Denied => "permission denied".into(),
            FileProblem::Other(text) => text.clone(),
        }
    }
}

/// `cannot read rules file x.rules: no such file`: one line for every command.
/// `what` names the kind of file (`rules file`, `leads file`, `file`).
pub fn cannot_read(what: &str, path: &Path, problem: &FileProblem) -> String {
    format!(
        "cannot read {what} {}: {}",
        path.display(),
        problem.reason()
    )
}

/// `check FOLDER` where the folder holds no `*.rules` file.
pub fn no_rules_in_folder(path: &Path) -> String {
    format!(
        "no rules files in {}: check looks for *.rules files in a folder and its subfolders",
        path.display()
    )
}

/// `Is a directory (os error 21)` → `Is a directory`, lower-cased first letter.
fn without_os_error(text: &str) -> String {
    let text = match text.rfind(" (os error ") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An input that failed while being read (after it was opened):
/// `cannot read leads.jsonl: stream did not contain valid UTF-8`.
pub fn read_failed(name: &str, e: &io::Error) -> String {
    format!(
        "cannot read {name}: {}",
        FileProblem::of(Path::new(name), e).reason()
    )
}

/// Standard output (or the output file being written) failed mid-run.
pub fn output_failed(e: &io::Error) -> String {
    format!("cannot write output: {}", without_os_error(&e.to_string()))
}

/// A rules file at a git revision (`REV:path`) that `git show` could not give.
pub fn cannot_read_revision(spec: &str, e: &io::Error) -> String {
    format!(
        "cannot read rules file {spec}: {}",
        without_os_error(&e.to_string())
    )
}

/// An output that could not be written: `cannot write out.jsonl: permission denied`.
pub fn cannot_write(path: &Path, e: &io::Error) -> String {
    let problem = match e.kind() {
        io::ErrorKind::NotFound => "its folder does not exist".to_string(),
        _ => FileProblem::of(path, e).reason(),
    };
    format!("cannot write {}: {problem}", path.display())
}

/// `-o FILE` names an input (or the rules): it would be lost.
pub fn output_is_input(output: &Path, input: &Path) -> String {
    let shown = if input == Path::new("-") {
        "the standard input".to_string()
    } else {
        input.display().to_string()
    };
    format!(
        "refusing to write {}: it is the same file as {shown}, which would be lost; \
         write the output to another file",
        output.display()
    )
}

/// A `.json` input that holds JSON Lines, read as such by `score`.
pub fn read_as_json_lines(name: &str) -> String {
    format!(
        "note: {name} holds JSON Lines (one object per line), not a JSON array; read as JSON Lines"
    )
}

/// A `.json` input that holds JSON Lines, where only an array is read.
pub fn json_lines_in_json() -> String {
    "this holds JSON Lines (one object per line), not a JSON array: \
     rename it to .jsonl or pass --input-format jsonl"
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_error_numbers_are_dropped() {
        assert_eq!(
            without_os_error("Is a directory (os error 21)"),
            "is a directory"
        );
    }

    /// Reading and writing failures read alike: the file, then the reason
    /// in plain words, never `(os error N)`.
    #[test]
    fn read_and_write_failures_share_one_wording() {
        let gone = io::Error::from(io::ErrorKind::NotFound);
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(
            cannot_write(Path::new("/nope/out.jsonl"), &gone),
            "cannot write /nope/out.jsonl: its folder does not exist"
        );
        assert_eq!(
            cannot_write(Path::new("out.jsonl"), &denied),
            "cannot write out.jsonl: permission denied"
        );
        assert_eq!(
            read_failed(
                "leads.jsonl",
                &io::Error::other("stream did not contain valid UTF-8")
            ),
            "cannot read leads.jsonl: stream did not contain valid UTF-8"
        );
        let raw = io::Error::from_raw_os_error(5);
        assert!(
            !output_failed(&raw).contains("os error"),
            "{}",
            output_failed(&raw)
        );
    }
}

//! What the REPL checks: the rules files, the session's own items and the
//! line being tried, spliced together by a small virtual entry file.
//!
//! The entry `<repl>` includes each rules file, then `<session>` (the items
//! typed so far) and `<input>` (the line being tried). Those two exist only
//! in memory, so a diagnostic on a typed line points at `<input>:1:…`.
//! Loading from disk records every file read; the last good load's texts are
//! kept as a snapshot, so that trying a line never sees a broken file that
//! was saved since.

use crate::check::CheckOptions;
use crate::syntax::SourceReader;
use crate::Loaded;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The session's items, as one file.
pub const SESSION: &str = "<session>";
/// The line being tried, as one file.
pub const INPUT: &str = "<input>";
/// The entry file that includes the rules files, `<session>` and `<input>`.
pub const ENTRY: &str = "<repl>";

/// The line being tried, and how it is checked.
#[derive(Clone, Debug, Default)]
pub struct Input {
    /// Its text (the file `<input>`).
    pub text: String,
    /// Checker settings (the REPL's expression `let` may read totals).
    pub check: CheckOptions,
}

impl Input {
    /// A line checked as a rules file would be.
    pub fn item(text: &str) -> Input {
        Input {
            text: text.to_string(),
            check: CheckOptions::default(),
        }
    }
}

/// Every file read by a load: path as read → text.
pub type Texts = BTreeMap<PathBuf, String>;

/// The rules files and where the virtual entry sits among them.
#[derive(Clone, Debug, Default)]
pub struct Entry {
    /// The folder the entry is placed in (empty: the working directory).
    folder: PathBuf,
    /// The `include` lines of the entry.
    text: String,
}

impl Entry {
    /// An entry that includes `files` (an empty list gives no rules).
    pub fn new(files: &[PathBuf]) -> Entry {
        // Relative names keep diagnostics short; a name that climbs with `..`
        // is made absolute, so the entry's folder holds every file.
        let plain =
            |f: &PathBuf| f.is_relative() && !f.components().any(|c| c == Component::ParentDir);
        let (files, folder): (Vec<PathBuf>, PathBuf) = if files.iter().all(plain) {
            (files.to_vec(), PathBuf::new())
        } else {
            let cwd = std::env::current_dir().unwrap_or_default();
            let files: Vec<PathBuf> = files.iter().map(|f| cwd.join(f)).collect();
            let folder = common_folder(&files);
            (files, folder)
        };
        let mut text = String::new();
        for f in &files {
            let rel = f.strip_prefix(&folder).unwrap_or(f);
            let quoted = serde_json::Value::from(rel.to_string_lossy()).to_string();
            text.push_str(&format!("include {quoted}\n"));
        }
        Entry { folder, text }
    }

    /// Loads the entry with `session` items and an `input` line. With a
    /// `snapshot`, rules files are read from it instead of the disk. Returns
    /// the result and the rules files read.
    pub fn load(&self, session: &str, input: &Input, snapshot: Option<&Texts>) -> (Loaded, Texts) {
        let mut text = self.text.clone();
        text.push_str(&format!("include \"{SESSION}\"\ninclude \"{INPUT}\"\n"));
        let reader = Reader {
            folder: &self.folder,
            session,
            input: &input.text,
            snapshot,
            read: RefCell::default(),
        };
        let name = self.folder.join(ENTRY);
        let loaded = crate::load_str_with(&name.to_string_lossy(), &text, &reader, &input.check);
        (loaded, reader.read.into_inner())
    }
}

/// The deepest folder that holds every file.
fn common_folder(files: &[PathBuf]) -> PathBuf {
    let mut common: Option<Vec<Component>> = None;
    for f in files {
        let parts: Vec<Component> = f.parent().unwrap_or(Path::new("")).components().collect();
        common = Some(match common {
            None => parts,
            Some(c) => c
                .into_iter()
                .zip(parts)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    common.unwrap_or_default().iter().collect()
}

/// Serves `<session>` and `<input>` from memory and the rules files from a
/// snapshot or the disk, recording what it read from the disk.
struct Reader<'a> {
    folder: &'a Path,
    session: &'a str,
    input: &'a str,
    snapshot: Option<&'a Texts>,
    read: RefCell<Texts>,
}

impl Reader<'_> {
    fn virtual_text(&self, path: &Path) -> Option<&str> {
        if path == self.folder.join(SESSION) {
            Some(self.session)
        } else if path == self.folder.join(INPUT) {
            Some(self.input)
        } else {
            None
        }
    }
}

impl SourceReader for Reader<'_> {
    fn read(&self, path: &Path) -> io::Result<String> {
        if let Some(text) = self.virtual_text(path) {
            return Ok(text.to_string());
        }
        let text = match self.snapshot {
            Some(snap) => snap.get(path).cloned().ok_or_else(|| {
                io::Error::new(io::ErrorKind::NotFound, "not in the last good rules")
            })?,
            None => std::fs::read_to_string(path)?,
        };
        self.read
            .borrow_mut()
            .insert(path.to_path_buf(), text.clone());
        Ok(text)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        if self.virtual_text(path).is_some() {
            let named = match self.folder.as_os_str().is_empty() {
                true => Path::new("."),
                false => self.folder,
            };
            let folder = std::fs::canonicalize(named).unwrap_or(self.folder.into());
            return Ok(folder.join(path.file_name().unwrap_or_default()));
        }
        std::fs::canonicalize(path).or_else(|e| match self.snapshot {
            Some(snap) if snap.contains_key(path) => Ok(path.to_path_buf()),
            _ => Err(e),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_folder_of_absolute_files() {
        let files = [PathBuf::from("/a/b/x.rules"), PathBuf::from("/a/c/y.rules")];
        assert_eq!(common_folder(&files), PathBuf::from("/a"));
        assert_eq!(common_folder(&files[..1]), PathBuf::from("/a/b"));
    }

    #[test]
    fn relative_files_are_included_as_given() {
        let entry = Entry::new(&[PathBuf::from("rules/m.rules")]);
        assert_eq!(entry.text, "include \"rules/m.rules\"\n");
        assert_eq!(entry.folder, PathBuf::new());
        let entry = Entry::new(&[PathBuf::from("m.rules")]);
        assert_eq!(
            (entry.text.as_str(), entry.folder.as_os_str().is_empty()),
            ("include \"m.rules\"\n", true)
        );
        let entry = Entry::new(&[PathBuf::from("../m.rules")]);
        assert!(entry.folder.is_absolute());
    }
}

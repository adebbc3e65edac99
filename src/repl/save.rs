//! `:save FILE`: the items typed in the session, written where they keep
//! their meaning, and never over a rules file.
//!
//! - FILE is one of the loaded rules files (or a file they include): the
//!   items are appended to it. The file with the items appended is checked
//!   with the other rules files first; nothing is written unless it is clean
//!   and the file on disk is still the text last loaded.
//! - FILE is a new file: with rules files loaded, it starts with an
//!   `include` of each, so the items are checked (and later scored) with
//!   the rules they were typed against: a `let` of the model stays that
//!   `let` and never turns into a lead field. A file that would need an
//!   include from outside its folder is refused with what to do instead.
//! - FILE exists otherwise: refused, unless this session wrote it.

use super::session::Session;
use super::source::Texts;
use crate::cli::load::FsReader;
use crate::cli::output;
use crate::diagnostics::repl as words;
use crate::Loaded;
use std::path::{Path, PathBuf};

impl Session {
    /// `:save FILE`; returns the text to print.
    pub(super) fn save(&mut self, file: &str) -> String {
        if self.items.is_empty() {
            return words::NOTHING_TO_SAVE.into();
        }
        let path = Path::new(file);
        if let Some(loaded) = self.loaded_file(path) {
            return self.append_to(file, &loaded);
        }
        if path.exists() && !self.saved.iter().any(|s| same_file(s, path)) {
            return words::save_exists(file, &self.file_names_hint());
        }
        self.save_new(file)
    }

    /// The snapshot key of the loaded file that `path` names, if any.
    fn loaded_file(&self, path: &Path) -> Option<PathBuf> {
        self.snapshot_texts()
            .keys()
            .find(|read| same_file(read, path))
            .cloned()
    }

    /// A hint for messages: the first rules file, or `rules.rules`.
    fn file_names_hint(&self) -> String {
        self.files
            .first()
            .map_or("rules.rules".into(), |f| f.display().to_string())
    }

    /// Appends the items to the loaded file `read`, if the result checks clean.
    fn append_to(&mut self, file: &str, read: &Path) -> String {
        let last = self.snapshot_texts()[read].clone();
        match std::fs::read_to_string(read) {
            Ok(now) if now == last => {}
            Ok(_) => return words::changed_on_disk(file),
            Err(e) => return words::cannot_read(file, e),
        }
        let text = appended(&last, &self.items);
        let mut texts = self.snapshot_texts().clone();
        texts.insert(read.to_path_buf(), text.clone());
        let loaded = self.load_files(&texts);
        if let Err(message) = self.write_checked(&loaded, file, read, &text) {
            return message;
        }
        let saved = words::appended(self.items.len(), file);
        self.items.clear();
        let reload = self.reload_as(words::RELOADED).text;
        format!("{saved}\n{reload}")
    }

    /// Writes the items to a new file, after the rules files' `include`s.
    fn save_new(&mut self, file: &str) -> String {
        let path = Path::new(file);
        let includes = match self.includes_from(path) {
            Ok(includes) => includes,
            Err(outside) => {
                return words::could_not_include(file, &outside, &self.file_names_hint())
            }
        };
        let text = format!("{includes}{}", appended("", &self.items));
        let loaded = crate::load_str(file, &text, &FsReader);
        if let Err(message) = self.write_checked(&loaded, file, path, &text) {
            return message;
        }
        self.saved.push(path.to_path_buf());
        let included = (!includes.is_empty()).then(|| self.file_list());
        words::saved(self.items.len(), file, included.as_deref())
    }

    /// Writes `text` to `target` if `loaded` (the rules as they will be
    /// read with it) has no errors; else the errors, and nothing is written.
    fn write_checked(
        &self,
        loaded: &Loaded,
        file: &str,
        target: &Path,
        text: &str,
    ) -> Result<(), String> {
        if loaded.has_errors() {
            let errors = self.render_loaded(loaded);
            return Err(errors + &words::would_not_check(file));
        }
        write_file(target, text).map_err(|e| words::cannot_write(file, e))
    }

    /// `include` lines for the rules files, relative to `file`'s folder; or
    /// the first rules file that is outside it.
    fn includes_from(&self, file: &Path) -> Result<String, String> {
        let folder = file.parent().filter(|p| !p.as_os_str().is_empty());
        let folder = std::fs::canonicalize(folder.unwrap_or(Path::new(".")));
        let mut text = String::new();
        for rules in &self.files {
            let inside = folder.as_ref().ok().and_then(|folder| {
                let full = std::fs::canonicalize(rules).ok()?;
                Some(full.strip_prefix(folder).ok()?.to_path_buf())
            });
            let Some(rel) = inside else {
                return Err(rules.display().to_string());
            };
            let quoted = serde_json::Value::from(rel.to_string_lossy()).to_string();
            text.push_str(&format!("include {quoted}\n"));
        }
        if !text.is_empty() {
            text.push('\n');
        }
        Ok(text)
    }

    fn file_list(&self) -> String {
        let names: Vec<String> = self.files.iter().map(|f| f.display().to_string()).collect();
        names.join(", ")
    }

    /// The rules files loaded from `texts` instead of the disk, without the items.
    fn load_files(&self, texts: &Texts) -> Loaded {
        let entry = super::source::Entry::new(&self.files);
        entry
            .load("", &super::source::Input::default(), Some(texts))
            .0
    }
}

/// `base` with the items after it, a blank line between.
fn appended(base: &str, items: &[String]) -> String {
    let mut text = base.to_string();
    if !text.is_empty() {
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push('\n');
    }
    text.push_str(&items.join("\n\n"));
    text.push('\n');
    text
}

/// `true` when `a` and `b` name the same existing file (links resolved).
fn same_file(a: &Path, b: &Path) -> bool {
    !output::same_files(a, &[b]).is_empty()
}

/// The one place the REPL writes a file: the command line's writer (a
/// regular file replaced whole through a temporary file, the file a
/// symlink points to replaced and the link kept, anything else written
/// directly).
fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    output::write_file(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_go_after_a_blank_line() {
        let items = ["when a add 1".to_string(), "let b = 2".to_string()];
        assert_eq!(appended("x\n", &items), "x\n\nwhen a add 1\n\nlet b = 2\n");
        assert_eq!(appended("x", &items[..1]), "x\n\nwhen a add 1\n");
        assert_eq!(appended("", &items[..1]), "when a add 1\n");
    }
}

//! Reads a ruleset's entry file and splices in its includes.
//!
//! An include is resolved relative to the including file and must stay
//! inside the root folder (the entry file's folder) once every `..` and
//! symbolic link is resolved. A file included twice is spliced in once; a
//! file that includes itself, directly or not, is an error.

use super::ast::{Include, Item, Span};
use super::error::{SyntaxError, SyntaxErrorKind};
use crate::source::SourceMap;
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

/// How the loader reads files; the CLI reads the file system, tests use [`MemReader`].
pub trait SourceReader {
    /// Reads a file's text.
    fn read(&self, path: &Path) -> io::Result<String>;
    /// The path with every `.`, `..` and symbolic link resolved.
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;
}

/// An in-memory file system, for tests and the REPL.
#[derive(Clone, Debug, Default)]
pub struct MemReader {
    /// Path → text.
    pub files: HashMap<PathBuf, String>,
}

impl MemReader {
    /// A reader holding the given files.
    pub fn with(files: &[(&str, &str)]) -> MemReader {
        let files = files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect();
        MemReader { files }
    }
}

impl SourceReader for MemReader {
    fn read(&self, path: &Path) -> io::Result<String> {
        self.files
            .get(&normalize(path))
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        Ok(normalize(path))
    }
}

/// Resolves `.` and `..` without touching a file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// A parsed ruleset: its files, its items with includes spliced in, and its syntax errors.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Every file read.
    pub sources: SourceMap,
    /// Items of all files, includes replaced by the included items.
    pub items: Vec<Item>,
    /// Syntax and include errors.
    pub errors: Vec<SyntaxError>,
    /// The names of `let`s that did not parse, in every file.
    pub broken_lets: Vec<String>,
}

/// Reads and parses the entry file and everything it includes.
pub fn load(entry: &str, reader: &dyn SourceReader) -> io::Result<Parsed> {
    load_rooted(entry, None, reader)
}

/// Like [`load`], with includes allowed anywhere under `root` (a folder
/// that holds the entry file) instead of only under the entry file's folder.
pub fn load_rooted(
    entry: &str,
    root: Option<&Path>,
    reader: &dyn SourceReader,
) -> io::Result<Parsed> {
    let text = reader.read(Path::new(entry))?;
    Ok(parse_rooted(entry, &text, root, reader))
}

/// Parses `text` as the file `name`, resolving its includes through `reader`
/// relative to `name`'s folder.
pub fn load_str(name: &str, text: &str, reader: &dyn SourceReader) -> Parsed {
    parse_rooted(name, text, None, reader)
}

/// The folder includes may not leave: `root` when given, else the entry file's folder.
pub fn include_root(entry: &str, root: Option<&Path>, reader: &dyn SourceReader) -> PathBuf {
    // A bare file name's folder is the empty path, which names no folder.
    let folder = match (root, Path::new(entry).parent()) {
        (Some(root), _) => root,
        (None, Some(p)) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    reader
        .canonicalize(folder)
        .unwrap_or_else(|_| folder.to_path_buf())
}

fn parse_rooted(name: &str, text: &str, root: Option<&Path>, reader: &dyn SourceReader) -> Parsed {
    let path = Path::new(name);
    let root = include_root(name, root, reader);
    let me = reader
        .canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf());
    let mut loader = Loader {
        reader,
        root,
        parsed: Parsed::default(),
        seen: HashSet::new(),
        stack: Vec::new(),
    };
    loader.file(name, text, me);
    loader.parsed
}

struct Loader<'r> {
    reader: &'r dyn SourceReader,
    root: PathBuf,
    parsed: Parsed,
    /// Canonical paths already spliced in.
    seen: HashSet<PathBuf>,
    /// Canonical paths and display names of the files being included, outermost first.
    stack: Vec<(PathBuf, String)>,
}

impl Loader<'_> {
    fn file(&mut self, name: &str, text: &str, canonical: PathBuf) {
        let id = self.parsed.sources.add(name, text);
        let (file, errors) = super::parse(id, text);
        self.parsed.errors.extend(errors);
        self.parsed.broken_lets.extend(file.broken_lets);
        self.seen.insert(canonical.clone());
        self.stack.push((canonical, name.to_string()));
        for item in file.items {
            match item {
                Item::Include(inc) => self.include(name, &inc),
                other => self.parsed.items.push(other),
            }
        }
        self.stack.pop();
    }

    fn include(&mut self, from_name: &str, inc: &Include) {
        let span = inc.path.span;
        let written = Path::new(&inc.path.node);
        let folder = Path::new(from_name).parent().unwrap_or(Path::new(""));
        let joined = folder.join(written);
        // Reports name the file as `sub/c.rules`, never `sub/deeper/../c.rules`.
        let display = normalize(&joined).to_string_lossy().into_owned();
        if written.is_absolute() {
            return self.error(span, outside(&inc.path.node));
        }
        let canonical = match self.reader.canonicalize(&joined) {
            Ok(c) => c,
            Err(e) => return self.error(span, unreadable(&inc.path.node, &e)),
        };
        let climbs = canonical
            .components()
            .any(|c| c == std::path::Component::ParentDir);
        if climbs || !canonical.starts_with(&self.root) {
            return self.error(span, outside(&inc.path.node));
        }
        if let Some(pos) = self.stack.iter().position(|(p, _)| *p == canonical) {
            let mut chain: Vec<String> = self.stack[pos..].iter().map(|(_, n)| n.clone()).collect();
            chain.push(display);
            return self.error(span, SyntaxErrorKind::IncludeCycle { chain });
        }
        if self.seen.contains(&canonical) {
            return;
        }
        match self.reader.read(&joined) {
            Ok(text) => self.file(&display, &text, canonical),
            Err(e) => self.error(span, unreadable(&inc.path.node, &e)),
        }
    }

    fn error(&mut self, span: Span, kind: SyntaxErrorKind) {
        self.parsed.errors.push(SyntaxError { span, kind });
    }
}

fn outside(path: &str) -> SyntaxErrorKind {
    SyntaxErrorKind::IncludeOutsideRoot {
        path: path.to_string(),
    }
}

fn unreadable(path: &str, e: &io::Error) -> SyntaxErrorKind {
    SyntaxErrorKind::IncludeUnreadable {
        path: path.to_string(),
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::FileId;

    fn errors(files: &[(&str, &str)]) -> Vec<SyntaxErrorKind> {
        let reader = MemReader::with(files);
        let parsed = load(files[0].0, &reader).expect("entry exists");
        parsed.errors.into_iter().map(|e| e.kind).collect()
    }

    #[test]
    fn includes_are_spliced_in_place() {
        let reader = MemReader::with(&[
            ("r/main.rules", "add 1\ninclude \"sub/a.rules\"\nadd 3\n"),
            ("r/sub/a.rules", "add 2\n"),
        ]);
        let parsed = load("r/main.rules", &reader).unwrap();
        assert!(parsed.errors.is_empty());
        let spans: Vec<_> = parsed
            .items
            .iter()
            .map(|i| match i {
                Item::Rule(r) => (r.span.file.0, r.span.start),
                _ => panic!(),
            })
            .collect();
        assert_eq!(spans, [(0, 0), (1, 0), (0, 28)]);
        assert_eq!(parsed.sources.get(FileId(1)).name, "r/sub/a.rules");
    }

    #[test]
    fn a_file_included_twice_is_spliced_once() {
        let reader = MemReader::with(&[
            ("m.rules", "include \"a.rules\"\ninclude \"b.rules\"\n"),
            ("a.rules", "include \"b.rules\"\n"),
            ("b.rules", "add 1\n"),
        ]);
        let parsed = load("m.rules", &reader).unwrap();
        assert_eq!((parsed.items.len(), parsed.errors.len()), (1, 0));
    }

    #[test]
    fn cycles_are_errors() {
        let errs = errors(&[
            ("m.rules", "include \"a.rules\"\n"),
            ("a.rules", "include \"m.rules\"\n"),
        ]);
        assert_eq!(
            errs,
            [SyntaxErrorKind::IncludeCycle {
                chain: vec!["m.rules".into(), "a.rules".into(), "m.rules".into()]
            }]
        );
    }

    #[test]
    fn includes_cannot_leave_the_root_folder() {
        let errs = errors(&[
            (
                "r/m.rules",
                "include \"../x.rules\"\ninclude \"/etc/passwd\"\n",
            ),
            ("x.rules", ""),
        ]);
        assert_eq!(errs, [outside("../x.rules"), outside("/etc/passwd")]);
    }

    #[test]
    fn missing_include_is_an_error_at_the_path() {
        let reader = MemReader::with(&[("m.rules", "include \"nope.rules\"\n")]);
        let parsed = load("m.rules", &reader).unwrap();
        assert!(matches!(
            parsed.errors[0].kind,
            SyntaxErrorKind::IncludeUnreadable { .. }
        ));
        assert_eq!(parsed.errors[0].span.range(), 8..20);
    }
}

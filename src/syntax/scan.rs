//! A quick pass over a file before the grammar sees it.
//!
//! It cuts the file into top-level items (so each parses on its own and one
//! broken item cannot hide the errors of the next), checks that brackets
//! match and do not nest deeper than [`MAX_DEPTH`] (so the recursive-descent
//! parser can never overflow the stack), refuses characters that do not
//! show (control characters in literals and comments, bidi controls
//! anywhere, format characters in literals and between words), and makes a
//! copy of the text, byte for byte the same length, in which comments are
//! blanked out and the newlines inside `( )` and `[ ]` are spaces: a
//! condition may go on over several lines there. The braces of a test's
//! lead literal (`lead { ... }`) hold JSON, not statements, so newlines
//! inside them are spaces too.

use super::ast::{FileId, Span, Spanned};
use super::error::{
    Limit, SyntaxError, SyntaxErrorKind, Within, MAX_FILE_BYTES, MAX_RULES, MAX_STRING_BYTES,
};
use std::sync::OnceLock;

/// How deeply brackets (and `where` clauses) may nest in one item.
pub const MAX_DEPTH: usize = 64;

/// Words that start a top-level item.
const ITEM_WORDS: &[&str] = &[
    "when", "add", "subtract", "let", "group", "label", "schema", "include", "test", "account",
];
/// Of those, the words that can only start a top-level item (never a line inside a block).
const TOP_ONLY_WORDS: &[&str] = &[
    "let", "group", "label", "schema", "include", "test", "account",
];
/// Of those, the words that may also start a line directly inside an
/// `account { }` block.
const ACCOUNT_WORDS: &[&str] = &["let", "group", "label"];

/// The result of scanning one file.
#[derive(Debug, Default)]
pub struct Scanned {
    /// The text with comments blanked and bracketed newlines turned to spaces.
    pub text: String,
    /// Byte ranges of the top-level items, with `false` when the item must
    /// not be parsed (it nests too deeply).
    pub chunks: Vec<(std::ops::Range<usize>, bool)>,
    /// Every comment, with its text.
    pub comments: Vec<Spanned<String>>,
    /// Bracket, string and depth errors.
    pub errors: Vec<SyntaxError>,
}

/// Scans `src`, the text of `file`.
pub fn scan(file: FileId, src: &str) -> Scanned {
    if src.len() > MAX_FILE_BYTES {
        return too_large_file(file);
    }
    let mut s = Scanner {
        file,
        src,
        out: src.as_bytes().to_vec(),
        stack: Vec::new(),
        result: Scanned::default(),
        chunk_start: None,
        chunk_ok: true,
        wheres: 0,
        last_word: "",
        data_depth: None,
        rules: 0,
        in_account: false,
    };
    s.run();
    s.finish()
}

/// A file past [`MAX_FILE_BYTES`]: one error, and nothing to parse.
fn too_large_file(file: FileId) -> Scanned {
    let kind = SyntaxErrorKind::TooLarge {
        what: Limit::FileBytes,
        limit: MAX_FILE_BYTES,
    };
    Scanned {
        errors: vec![SyntaxError {
            span: Span::new(file, 0, 0),
            kind,
        }],
        ..Scanned::default()
    }
}

struct Scanner<'a> {
    file: FileId,
    src: &'a str,
    out: Vec<u8>,
    stack: Vec<(u8, usize)>,
    result: Scanned,
    chunk_start: Option<usize>,
    chunk_ok: bool,
    wheres: usize,
    last_word: &'a str,
    /// The bracket depth just outside a lead literal's `{`, while inside one.
    data_depth: Option<usize>,
    /// Lines that start a rule, for [`MAX_RULES`].
    rules: usize,
    /// The item being cut is an `account` block.
    in_account: bool,
}

impl<'a> Scanner<'a> {
    fn run(&mut self) {
        let bytes = self.src.as_bytes();
        // A byte order mark is not part of the text: blanked like a comment.
        let mut i = if self.src.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        self.out[..i].fill(b' ');
        self.line_start(i);
        while i < bytes.len() {
            i = match bytes[i] {
                b'"' => self.string(i),
                b'#' => self.comment(i),
                b'/' if self.last_word == "matches" => self.regex(i),
                b'(' | b'[' | b'{' => self.open(i),
                b')' | b']' | b'}' => self.close(i),
                b'\n' => self.newline(i),
                c if is_word_byte(c) => self.word(i),
                _ => i + 1,
            };
        }
    }

    fn finish(mut self) -> Scanned {
        for &(open, at) in &self.stack {
            let kind = SyntaxErrorKind::Unclosed { open: open as char };
            self.result.errors.push(self.error(at, at + 1, kind));
            self.chunk_ok = false;
        }
        self.end_chunk(self.src.len());
        // Only ASCII bytes were replaced by ASCII spaces, so this stays UTF-8.
        self.result.text = String::from_utf8(self.out).unwrap_or_default();
        self.result
    }

    fn error(&self, start: usize, end: usize, kind: SyntaxErrorKind) -> SyntaxError {
        SyntaxError {
            span: Span::new(self.file, start, end),
            kind,
        }
    }

    fn word(&mut self, start: usize) -> usize {
        let end = self.src[start..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(self.src.len(), |n| start + n);
        self.last_word = &self.src[start..end];
        if self.last_word == "where" {
            self.wheres += 1;
            self.check_depth(start, end, self.stack.len() + self.wheres);
        }
        // A non-word character (é is a word, � is not) is stepped over whole,
        // so the next position is still on a character boundary.
        let first = self.src[start..].chars().next();
        if let Some(c) = first.filter(|_| end == start) {
            self.hidden_in_code(start, c);
        }
        let step = first.map_or(1, char::len_utf8);
        end.max(start + step)
    }

    fn string(&mut self, start: usize) -> usize {
        self.last_word = "";
        let bytes = self.src.as_bytes();
        let mut i = start + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => return self.literal_end(start, i + 1, false),
                b'\n' => break,
                _ => i += 1,
            }
        }
        let end = i.min(bytes.len());
        self.result
            .errors
            .push(self.error(start, end, SyntaxErrorKind::UnterminatedString));
        self.chunk_ok = false;
        end
    }

    fn regex(&mut self, start: usize) -> usize {
        self.last_word = "";
        let bytes = self.src.as_bytes();
        let mut i = start + 1;
        while i < bytes.len() && bytes[i] != b'\n' {
            match bytes[i] {
                b'\\' => i += 2,
                b'/' => return self.literal_end(start, i + 1, true),
                _ => i += 1,
            }
        }
        i.min(bytes.len())
    }

    /// The end of a string or regex literal; one longer than
    /// [`MAX_STRING_BYTES`] is an error, and so is one holding a control
    /// character (decision 68).
    fn literal_end(&mut self, start: usize, end: usize, regex: bool) -> usize {
        if end - start > MAX_STRING_BYTES {
            let kind = SyntaxErrorKind::TooLarge {
                what: Limit::StringBytes,
                limit: MAX_STRING_BYTES,
            };
            self.result.errors.push(self.error(start, end, kind));
            self.chunk_ok = false;
        } else {
            let within = if regex { Within::Regex } else { Within::String };
            if self.refuse_hidden(start, end, within, |_| true) {
                self.chunk_ok = false;
            }
        }
        end
    }

    /// A format character or a bidi control between words is an error
    /// (decisions 71 and 72); the grammar would only call it unexpected.
    fn hidden_in_code(&mut self, at: usize, c: char) {
        let not_control =
            |k: &SyntaxErrorKind| !matches!(k, SyntaxErrorKind::ControlCharacter { .. });
        if self.refuse_hidden(at, at + c.len_utf8(), Within::Code, not_control) {
            self.chunk_ok = false;
        }
    }

    /// Reports the first character of `start..end` that does not show
    /// where it is written (`within`) and whose error `wanted` keeps;
    /// whether there was one.
    fn refuse_hidden(
        &mut self,
        start: usize,
        end: usize,
        within: Within,
        wanted: impl Fn(&SyntaxErrorKind) -> bool,
    ) -> bool {
        let found = self.src[start..end].char_indices().find_map(|(at, c)| {
            let kind = hidden_kind(c, within).filter(&wanted)?;
            Some((start + at, c, kind))
        });
        let Some((at, c, kind)) = found else {
            return false;
        };
        self.result
            .errors
            .push(self.error(at, at + c.len_utf8(), kind));
        true
    }

    fn comment(&mut self, start: usize) -> usize {
        let end = self.src[start..]
            .find('\n')
            .map_or(self.src.len(), |n| start + n);
        let text = self.src[start..end].trim_end_matches('\r').to_string();
        // A control character (but tab) or a bidi control in a comment
        // changes how the file shows (decision 72); other format
        // characters are harmless there (an emoji's joiner).
        let shows = |k: &SyntaxErrorKind| !matches!(k, SyntaxErrorKind::InvisibleCharacter { .. });
        self.refuse_hidden(start, start + text.len(), Within::Comment, shows);
        self.result.comments.push(Spanned {
            node: text,
            span: Span::new(self.file, start, end),
        });
        self.out[start..end].fill(b' ');
        end
    }

    fn open(&mut self, at: usize) -> usize {
        if self.src.as_bytes()[at] == b'{' && self.last_word == "lead" && self.data_depth.is_none()
        {
            self.data_depth = Some(self.stack.len());
        }
        self.last_word = "";
        self.stack.push((self.src.as_bytes()[at], at));
        self.check_depth(at, at + 1, self.stack.len() + self.wheres);
        at + 1
    }

    fn check_depth(&mut self, start: usize, end: usize, depth: usize) {
        if depth == MAX_DEPTH + 1 && self.chunk_ok {
            let kind = SyntaxErrorKind::TooDeep { limit: MAX_DEPTH };
            self.result.errors.push(self.error(start, end, kind));
            self.chunk_ok = false;
        }
    }

    fn close(&mut self, at: usize) -> usize {
        self.last_word = "";
        let close = self.src.as_bytes()[at];
        let open = match close {
            b')' => b'(',
            b']' => b'[',
            _ => b'{',
        };
        match self.stack.iter().rposition(|&(o, _)| o == open) {
            Some(pos) => {
                for &(o, start) in &self.stack[pos + 1..] {
                    let kind = SyntaxErrorKind::Unclosed { open: o as char };
                    self.result.errors.push(self.error(start, start + 1, kind));
                }
                if pos + 1 < self.stack.len() {
                    self.chunk_ok = false;
                }
                self.stack.truncate(pos);
                if self.data_depth.is_some_and(|d| self.stack.len() <= d) {
                    self.data_depth = None;
                }
            }
            None => {
                let kind = SyntaxErrorKind::Unopened {
                    close: close as char,
                };
                self.result.errors.push(self.error(at, at + 1, kind));
                self.chunk_ok = false;
            }
        }
        at + 1
    }

    fn newline(&mut self, at: usize) -> usize {
        self.last_word = "";
        let next = at + 1;
        if !self.stack.is_empty() && self.starts_new_item(next) {
            for &(o, start) in &self.stack {
                let kind = SyntaxErrorKind::Unclosed { open: o as char };
                self.result.errors.push(self.error(start, start + 1, kind));
            }
            self.chunk_ok = false;
            self.stack.clear();
            self.data_depth = None;
        }
        if self.in_data() || self.stack.iter().any(|&(o, _)| o != b'{') {
            self.out[at] = b' ';
        }
        self.line_start(next);
        next
    }

    /// Inside the braces of a lead literal.
    fn in_data(&self) -> bool {
        self.data_depth.is_some_and(|d| self.stack.len() > d)
    }

    /// Whether the line at `start`, while brackets are open, looks like the
    /// start of a new item: then the brackets were never closed.
    fn starts_new_item(&self, start: usize) -> bool {
        let word = item_word(&self.src[start..]);
        if !ITEM_WORDS.contains(&word.as_str()) || (self.in_data() && is_key(&self.src[start..])) {
            return false;
        }
        let only_brackets = self.stack.iter().all(|&(o, _)| o != b'{');
        let in_account_body = self.in_account && self.stack.len() == 1;
        if in_account_body && ACCOUNT_WORDS.contains(&word.as_str()) {
            return false;
        }
        TOP_ONLY_WORDS.contains(&word.as_str()) || only_brackets
    }

    fn line_start(&mut self, start: usize) {
        self.count_rule(start);
        if !self.stack.is_empty() || self.line_is_blank(start) || self.continues_item(start) {
            return;
        }
        self.end_chunk(start);
        self.chunk_start = Some(start);
        self.in_account = item_word(&self.src[start..]) == "account";
        self.chunk_ok = true;
        self.wheres = 0;
    }

    /// Counts a line that starts a rule (outside `( )` and `[ ]`); the first
    /// rule past [`MAX_RULES`] is an error.
    fn count_rule(&mut self, start: usize) {
        // Only this line's indentation: a blank line must not count the rule below it too.
        let line = self.src[start..].trim_start_matches([' ', '\t']);
        let word = item_word(line);
        let bracketed = self.stack.iter().any(|&(o, _)| o != b'{');
        if bracketed || !matches!(word.as_str(), "when" | "add" | "subtract") {
            return;
        }
        self.rules += 1;
        if self.rules == MAX_RULES + 1 {
            let at = self.src.len() - line.len();
            let kind = SyntaxErrorKind::TooLarge {
                what: Limit::Rules,
                limit: MAX_RULES,
            };
            self.result
                .errors
                .push(self.error(at, at + word.len(), kind));
            self.chunk_ok = false;
        }
    }

    /// An indented line that starts no item belongs to the item before it
    /// (e.g. a condition continued without parentheses): one error, not two.
    fn continues_item(&self, start: usize) -> bool {
        let line = &self.src[start..];
        let indented = line.starts_with([' ', '\t']);
        let word = item_word(line.trim_start());
        indented && self.chunk_start.is_some() && !ITEM_WORDS.contains(&word.as_str())
    }

    fn line_is_blank(&self, start: usize) -> bool {
        let line = self.src[start..].split('\n').next().unwrap_or("");
        let code = line.split('#').next().unwrap_or("");
        code.trim().is_empty()
    }

    fn end_chunk(&mut self, end: usize) {
        if let Some(start) = self.chunk_start.take() {
            self.result.chunks.push((start..end, self.chunk_ok));
        }
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The word a line starts with; `test` counts only before a string (`test "name"`),
/// so a field named `test` at the start of a continued line starts no item.
fn item_word(line: &str) -> String {
    let word: String = line
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let rest = line[word.len()..].trim_start();
    if word == "test" && !rest.starts_with('"') {
        return String::new();
    }
    // Likewise `account` only before `by`: `account by company.domain {`.
    let by = rest
        .strip_prefix("by")
        .is_some_and(|after| !after.starts_with(is_ident_char));
    if word == "account" && !by {
        return String::new();
    }
    word
}

/// A line that starts with `word:`: a key in a lead literal.
fn is_key(line: &str) -> bool {
    let rest = line.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_');
    rest.trim_start().starts_with(':')
}

/// The first control character (Unicode category Cc: U+0000 to U+001F,
/// U+007F to U+009F) in a literal other than tab, and its byte offset.
/// The error for a character that does not show, written `within` a
/// literal, a comment or code: a control character but tab (decision 68),
/// a bidi control (decision 72) or another format character (decision 71).
fn hidden_kind(c: char, within: Within) -> Option<SyntaxErrorKind> {
    if c.is_ascii() && c != '\x7f' && (c >= ' ' || c == '\t') {
        return None;
    }
    if c.is_control() && c != '\t' {
        Some(SyntaxErrorKind::ControlCharacter { c, within })
    } else if is_bidi_control(c) {
        Some(SyntaxErrorKind::BidiControl { c })
    } else if is_format(c) {
        Some(SyntaxErrorKind::InvisibleCharacter { c, within })
    } else {
        None
    }
}

/// The bidirectional overrides and isolates (U+202A to U+202E, U+2066 to
/// U+2069): they reorder the text after them on a line, so code can read
/// differently from what runs ("Trojan Source"). The marks (U+200E,
/// U+200F, U+061C) only nudge neutral characters and are not among them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Unicode general category Cf (format characters), from the tables of
/// regex-syntax, which the regex engine already brings.
pub fn is_format(c: char) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    if c.is_ascii() {
        return false;
    }
    static RANGES: OnceLock<Vec<(char, char)>> = OnceLock::new();
    let ranges = RANGES.get_or_init(|| match regex_syntax::parse(r"\p{Cf}") {
        Ok(hir) => match hir.kind() {
            HirKind::Class(Class::Unicode(class)) => class
                .ranges()
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect(),
            _ => Vec::new(),
        },
        Err(_) => Vec::new(),
    });
    let at = ranges.partition_point(|&(_, end)| end < c);
    ranges.get(at).is_some_and(|&(start, _)| start <= c)
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(src: &str) -> Vec<&str> {
        let s = scan(FileId(0), src);
        s.chunks
            .iter()
            .map(|(r, _)| src[r.clone()].trim_end())
            .collect()
    }

    #[test]
    fn items_are_cut_at_top_level_lines() {
        let src = "# c\nlet a = 1\n\ngroup g {\n  add 1\n}\nwhen (x\n  and y) add 2\n";
        assert_eq!(
            chunks(src),
            [
                "let a = 1",
                "group g {\n  add 1\n}",
                "when (x\n  and y) add 2"
            ]
        );
    }

    #[test]
    fn comments_are_blanked_and_kept() {
        let s = scan(FileId(0), "add 1 # one\n");
        assert_eq!(s.text, "add 1      \n");
        assert_eq!(s.comments[0].node, "# one");
    }

    #[test]
    fn newlines_inside_parentheses_become_spaces() {
        let s = scan(FileId(0), "when (a\nor b) add 1\n");
        assert_eq!(s.text, "when (a or b) add 1\n");
    }

    #[test]
    fn hash_inside_string_or_regex_is_not_a_comment() {
        let s = scan(FileId(0), "when x == \"#1\" or y matches /a#b/ add 1\n");
        assert!(s.comments.is_empty());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_parse() {
        let src = format!(
            "when {}x{} add 1\nadd 2\n",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        let s = scan(FileId(0), &src);
        assert!(matches!(s.errors[0].kind, SyntaxErrorKind::TooDeep { .. }));
        assert_eq!(s.errors.len(), 1);
        assert_eq!(
            s.chunks.iter().map(|c| c.1).collect::<Vec<_>>(),
            [false, true]
        );
    }

    #[test]
    fn unclosed_bracket_recovers_at_next_item() {
        let src = "when (a add 1\nwhen b add 2\n";
        let s = scan(FileId(0), src);
        assert!(matches!(
            s.errors[0].kind,
            SyntaxErrorKind::Unclosed { open: '(' }
        ));
        assert_eq!(s.chunks.len(), 2);
        assert!(s.chunks[1].1);
    }

    #[test]
    fn stray_closing_bracket_is_reported() {
        let s = scan(FileId(0), "add 1)\n");
        assert!(matches!(
            s.errors[0].kind,
            SyntaxErrorKind::Unopened { close: ')' }
        ));
    }

    #[test]
    fn blank_lines_do_not_count_a_rule_twice() {
        let spaced = |n: usize| "\n  \nwhen x > 1 add 1\n".repeat(n);
        assert_eq!(scan(FileId(0), &spaced(MAX_RULES)).errors, []);
        let over = scan(FileId(0), &spaced(MAX_RULES + 1)).errors;
        assert_eq!(over.len(), 1);
        let kind = SyntaxErrorKind::TooLarge {
            what: Limit::Rules,
            limit: MAX_RULES,
        };
        assert_eq!(over[0].kind, kind);
        // The error points at the first rule past the limit.
        let at = spaced(MAX_RULES).len() + 4;
        assert_eq!(over[0].span.range(), at..at + 4);
    }

    #[test]
    fn a_control_character_in_a_literal_is_an_error_but_tab() {
        let found = |src: &str| {
            let s = scan(FileId(0), src);
            let at = |e: &SyntaxError| (e.kind.clone(), e.span.range());
            s.errors.iter().map(at).collect::<Vec<_>>()
        };
        let control = |c, within| SyntaxErrorKind::ControlCharacter { c, within };
        assert_eq!(
            found("add 1 as \"a\0b\"\n"),
            [(control('\0', Within::String), 11..12)]
        );
        assert_eq!(
            found("add 1 as \"\u{7f}\u{85}\"\n"),
            [(control('\u{7f}', Within::String), 10..11)]
        );
        let regex = "when x matches /a\u{1b}/ add 1\n";
        assert_eq!(found(regex), [(control('\u{1b}', Within::Regex), 17..18)]);
        // Tab is text.
        assert_eq!(found("add 1 as \"a\tb\" # c\td\n"), []);
    }

    fn found(src: &str) -> Vec<(SyntaxErrorKind, std::ops::Range<usize>)> {
        let s = scan(FileId(0), src);
        let at = |e: &SyntaxError| (e.kind.clone(), e.span.range());
        s.errors.iter().map(at).collect()
    }

    #[test]
    fn a_control_character_in_a_comment_is_an_error_but_tab_and_crlf() {
        let control = |c| SyntaxErrorKind::ControlCharacter {
            c,
            within: Within::Comment,
        };
        let src = "add 1 # c\u{1b}[31m\nadd 2 # \0\n";
        assert_eq!(
            found(src),
            [(control('\u{1b}'), 9..10), (control('\0'), 23..24)]
        );
        assert_eq!(
            found("add 1 # a lone \r here\r\n"),
            [(control('\r'), 15..16)]
        );
        assert_eq!(found("# a\tb\r\nadd 1 # c\r\n"), []);
    }

    #[test]
    fn a_format_character_in_a_literal_or_between_words_is_an_error() {
        let invisible = |c, within| SyntaxErrorKind::InvisibleCharacter { c, within };
        let zwsp = '\u{200b}';
        assert_eq!(
            found("when t == \"VP\u{200b}\" add 5\n"),
            [(invisible(zwsp, Within::String), 13..16)]
        );
        assert_eq!(
            found("when t matches /V\u{ad}P/ add 5\n"),
            [(invisible('\u{ad}', Within::Regex), 17..19)]
        );
        assert_eq!(
            found("when t in [VP\u{2060}, CEO] add 5\n"),
            [(invisible('\u{2060}', Within::Code), 13..16)]
        );
        assert_eq!(
            found("add 1 as \"\u{feff}x\"\n"),
            [(invisible('\u{feff}', Within::String), 10..13)]
        );
        // In a comment a format character is harmless (an emoji's joiner),
        // and a byte order mark at the start is no text.
        assert_eq!(found("\u{feff}add 1 # 👩\u{200d}💻 \u{200b}\n"), []);
    }

    #[test]
    fn a_bidi_control_anywhere_is_an_error() {
        let bidi = |c| SyntaxErrorKind::BidiControl { c };
        // The "Trojan Source" comment: what shows is not what runs. One
        // error per comment or literal, at its first such character.
        let src = "add 1 # \u{202e} } \u{2066}\nwhen t == \"a\u{2067}\" add 1\n";
        assert_eq!(
            found(src),
            [(bidi('\u{202e}'), 8..11), (bidi('\u{2067}'), 30..33)]
        );
        assert_eq!(
            found("when t == 1 \u{202d}add 1\n"),
            [(bidi('\u{202d}'), 12..15)]
        );
        // Marks nudge neutral characters only: invisible, not bidi controls.
        let mark = SyntaxErrorKind::InvisibleCharacter {
            c: '\u{200f}',
            within: Within::String,
        };
        assert_eq!(found("add 1 as \"\u{200f}\"\n"), [(mark, 10..13)]);
    }

    #[test]
    fn the_format_table_is_unicode_cf() {
        let listed = [
            '\u{ad}',
            '\u{61c}',
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{200e}',
            '\u{200f}',
            '\u{202a}',
            '\u{202e}',
            '\u{2060}',
            '\u{2064}',
            '\u{2066}',
            '\u{2069}',
            '\u{feff}',
            '\u{e0001}',
        ];
        for c in listed {
            assert!(is_format(c), "U+{:04X}", c as u32);
        }
        for c in [
            'a', ' ', '\u{a0}', 'é', '\u{2028}', '\u{1b}', '\u{3000}', '💻',
        ] {
            assert!(!is_format(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn unterminated_string_is_reported() {
        let s = scan(FileId(0), "when x == \"abc add 1\nadd 2\n");
        assert!(matches!(
            s.errors[0].kind,
            SyntaxErrorKind::UnterminatedString
        ));
        assert_eq!(s.chunks.len(), 2);
    }
}

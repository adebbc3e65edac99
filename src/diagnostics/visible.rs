//! Text from leads, rules files and file names made safe to print on a
//! terminal (decision 70).
//!
//! A control character (Unicode Cc) written to a terminal is obeyed, not
//! shown: ESC starts a sequence that recolours, moves the cursor, clears
//! lines or sets the window title, and a lone carriage return goes back to
//! overwrite the line. A bidirectional override or isolate (U+202A to
//! U+202E, U+2066 to U+2069) reorders what follows it on the line. Either
//! makes what the user reads differ from what is there. Every human-readable
//! output (diagnostics, `explain`, the text reports of `diff`, `calibrate`
//! and `test`, the REPL, the notes and summaries on stderr) passes user
//! text through [`visible`] or [`visible_line`], which write each such
//! character as its Rust escape, `\u{1b}`, and leave everything else alone.
//! Machine formats (JSON, CSV, SARIF, JUnit, Markdown, HTML) keep data byte
//! for byte and escape it their own way.

use crate::syntax::{is_bidi_control, is_format};
use std::borrow::Cow;

/// A character printed as an escape: any control character (Cc) or
/// bidirectional control.
pub fn is_hidden(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// `text` with every hidden character but tab and line feed escaped:
/// for multi-line text whose line breaks are the layout's (a report, a
/// source file). A carriage return stays only before a line feed.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape(text, |_, c, next| is_hidden(c) && !layout(c, next), |_| {})
}

/// `text` with every hidden character but tab escaped, line breaks too:
/// for a value shown inside one line (an id, a key, a file name).
pub fn visible_line(text: &str) -> Cow<'_, str> {
    escape(text, |_, c, _| is_hidden(c) && c != '\t', |_| {})
}

/// Tab, line feed, and a carriage return before a line feed: the layout of
/// a multi-line text, kept as it is.
fn layout(c: char, next: Option<char>) -> bool {
    c == '\t' || c == '\n' || (c == '\r' && next == Some('\n'))
}

/// One escaped character: where it is in the text, where its escape ends
/// in the escaped text, and how many bytes longer the escaped text is from
/// there on.
struct Escaped {
    at: usize,
    end: usize,
    grown: usize,
}

/// Escapes each character of `text` that `pick` (given its offset, it and
/// the character after it) chooses, telling `each` of every one; borrows
/// when there is none.
fn escape(
    text: &str,
    pick: impl Fn(usize, char, Option<char>) -> bool,
    mut each: impl FnMut(Escaped),
) -> Cow<'_, str> {
    let mut chars = text.char_indices().peekable();
    let mut out = String::new();
    let mut copied = 0;
    while let Some((at, c)) = chars.next() {
        if !pick(at, c, chars.peek().map(|&(_, n)| n)) {
            continue;
        }
        out.push_str(&text[copied..at]);
        out.extend(c.escape_unicode());
        copied = at + c.len_utf8();
        let end = out.len();
        each(Escaped {
            at,
            end,
            grown: end - copied,
        });
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// A source file's text as diagnostics show it: [`visible`], and format
/// characters (a zero-width space, a direction mark) escaped too, so that
/// the one an error is about shows (a byte order mark at the start is not
/// text). With a map from byte offsets in the file to byte offsets in the
/// shown text, so that labels still point at the characters they were made
/// for.
#[derive(Debug)]
pub struct ShownSource<'s> {
    /// The text to show.
    pub text: Cow<'s, str>,
    /// For each escaped character: its offset in the file and how many
    /// bytes longer the shown text is after it, in file order.
    shifts: Vec<(usize, usize)>,
    /// For each escaped character: the offset just after its escape in the
    /// shown text and the same growth, in order.
    shown_ends: Vec<(usize, usize)>,
}

impl<'s> ShownSource<'s> {
    /// The shown form of `text`.
    pub fn new(text: &'s str) -> ShownSource<'s> {
        let pick = |at: usize, c: char, next: Option<char>| {
            let mark = at == 0 && c == '\u{feff}';
            (is_hidden(c) && !layout(c, next)) || (is_format(c) && !mark)
        };
        let (mut shifts, mut shown_ends) = (Vec::new(), Vec::new());
        let text = escape(text, pick, |e| {
            shifts.push((e.at, e.grown));
            shown_ends.push((e.end, e.grown));
        });
        ShownSource {
            text,
            shifts,
            shown_ends,
        }
    }

    /// Where byte `offset` of the file is in the shown text: a span that
    /// starts or ends at an escaped character covers all of its escape.
    pub fn offset(&self, offset: usize) -> usize {
        let before = self.shifts.partition_point(|&(at, _)| at < offset);
        match before {
            0 => offset,
            n => offset + self.shifts[n - 1].1,
        }
    }

    /// Where byte `offset` of the shown text is in the file (the start of
    /// the escaped character, for an offset inside its escape).
    pub fn file_offset(&self, offset: usize) -> usize {
        let before = self.shown_ends.partition_point(|&(end, _)| end <= offset);
        let grown = before.checked_sub(1).map_or(0, |n| self.shown_ends[n].1);
        let file = offset - grown;
        match self.shifts.get(before) {
            Some(&(at, _)) if file > at => at,
            _ => file,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_escaped_and_others_kept() {
        assert_eq!(visible("x\u{1b}[31mred"), "x\\u{1b}[31mred");
        assert_eq!(visible("a\tb\nc\r\nd\re"), "a\tb\nc\r\nd\\u{d}e");
        assert_eq!(visible("\u{7f}\u{85}\u{9b}"), "\\u{7f}\\u{85}\\u{9b}");
        assert_eq!(
            visible("abc\u{202e}def\u{2066}"),
            "abc\\u{202e}def\\u{2066}"
        );
        assert_eq!(visible_line("a\tb\nc\r\n"), "a\tb\\u{a}c\\u{d}\\u{a}");
        // Visible characters, format characters included, are left alone.
        for plain in ["Café ✓ “VP”", "VP\u{200b}", "\u{200e}"] {
            assert!(matches!(visible(plain), Cow::Borrowed(_)), "{plain}");
        }
    }

    #[test]
    fn offsets_move_past_each_escape() {
        let text = "# \u{1b}[31m\nwhen \u{202e}x";
        let shown = ShownSource::new(text);
        assert_eq!(shown.text, "# \\u{1b}[31m\nwhen \\u{202e}x");
        // In a source, format characters show too, but a leading byte order mark.
        let marked = ShownSource::new("\u{feff}\"VP\u{200b}\"\r\n");
        assert_eq!(marked.text, "\u{feff}\"VP\\u{200b}\"\r\n");
        let esc = text.find('\u{1b}').unwrap();
        let bidi = text.find('\u{202e}').unwrap();
        // The escaped character's span covers its whole escape.
        assert_eq!(shown.offset(esc), 2);
        assert_eq!(shown.offset(esc + 1), 2 + "\\u{1b}".len());
        assert_eq!(
            &shown.text[shown.offset(bidi)..shown.offset(bidi + 3)],
            "\\u{202e}"
        );
        let x = text.len() - 1;
        assert_eq!(&shown.text[shown.offset(x)..], "x");
        // And back: every file offset round-trips; inside an escape is its character.
        for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            assert_eq!(shown.file_offset(shown.offset(at)), at, "{at}");
        }
        assert_eq!(shown.file_offset(4), esc);
        assert_eq!(ShownSource::new("plain").offset(3), 3);
    }
}

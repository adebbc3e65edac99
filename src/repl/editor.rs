//! The rustyline helper: tab completion, syntax highlighting, and
//! multi-line input while brackets are open.

use super::commands::{is_complete, COMMANDS};
use super::session::Session;
use crate::check::Builtin;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::borrow::Cow;
use std::sync::{Arc, Mutex};

/// Words the REPL highlights besides the keywords of
/// [`crate::syntax::ALL_KEYWORDS`]: duration units, decay rates, the
/// `most` of a frequency cap (`at most 2 per day`) and `test`; completion
/// offers them too.
const OTHER_WORDS: [&str; 10] = [
    "days",
    "hours",
    "weeks",
    "months",
    "years",
    "half_life",
    "lifespan",
    "per",
    "most",
    "test",
];

/// Names completion offers besides the session's (which, in the account
/// context, include `leads` and its paths), the words above and every
/// built-in function ([`Builtin::ALL`], the roll-ups included): `decay`,
/// which is a form of its own.
const MORE_NAMES: [&str; 1] = ["decay"];

/// The helper the line editor calls; reads names from the shared session.
pub struct ReplHelper {
    /// The session, for field, `let`, group and label names.
    pub session: Arc<Mutex<Session>>,
    /// Colour the input.
    pub color: bool,
}

impl Helper for ReplHelper {}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        if is_complete(ctx.input()) {
            Ok(ValidationResult::Valid(None))
        } else {
            Ok(ValidationResult::Incomplete)
        }
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = word_start(&line[..pos]);
        let word = &line[start..pos];
        let names = if start == 0 && word.starts_with(':') {
            COMMANDS.iter().map(|c| c.0.to_string()).collect()
        } else {
            let session = self.session.lock().unwrap_or_else(|e| e.into_inner());
            let mut names = session.names();
            names.extend(language_words().map(String::from));
            names
        };
        let mut found: Vec<Pair> = names
            .into_iter()
            .filter(|n| n.starts_with(word))
            .map(|n| Pair {
                display: n.clone(),
                replacement: n,
            })
            .collect();
        found.sort_by(|a, b| a.display.cmp(&b.display));
        found.dedup_by(|a, b| a.display == b.display);
        Ok((start, found))
    }
}

/// The words of the language completion offers besides the session's names.
fn language_words() -> impl Iterator<Item = &'static str> {
    let functions = Builtin::ALL.iter().map(|f| f.name());
    functions.chain(OTHER_WORDS).chain(MORE_NAMES)
}

/// Where the name being typed starts: after the last character that cannot
/// be in a name, or, inside an open quote (`lead."Job Ti`), at the path
/// before the quote.
fn word_start(before: &str) -> usize {
    let plain = |c: char| c.is_alphanumeric() || "_.:-".contains(c);
    let open_quote = before.matches('"').count() % 2 == 1;
    let end = match before.rfind('"') {
        Some(q) if open_quote => q,
        _ => before.len(),
    };
    let start = before[..end]
        .rfind(|c: char| !plain(c))
        .map_or(0, |i| i + 1);
    if open_quote && end > start && !before[start..end].ends_with('.') {
        return end;
    }
    start
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color {
            Cow::Owned(highlight(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.color && kind != CmdKind::MoveCursor
    }
}

const KEYWORD: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[33m";
const COMMENT: &str = "\x1b[2m";
const COMMAND: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// `line` with ANSI colours around keywords, strings, numbers, comments and
/// a leading `:command`; the visible text is unchanged.
pub fn highlight(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let mut rest = line;
    if line.starts_with(':') {
        let end = line.find(char::is_whitespace).unwrap_or(line.len());
        paint(&mut out, COMMAND, &line[..end]);
        rest = &line[end..];
    }
    while let Some(c) = rest.chars().next() {
        let len = token_len(rest, c);
        let (token, after) = rest.split_at(len);
        match c {
            '"' => paint(&mut out, STRING, token),
            '#' => paint(&mut out, COMMENT, token),
            c if c.is_ascii_digit() => paint(&mut out, NUMBER, token),
            _ if crate::syntax::ALL_KEYWORDS.contains(&token) || OTHER_WORDS.contains(&token) => {
                paint(&mut out, KEYWORD, token)
            }
            _ => out.push_str(token),
        }
        rest = after;
    }
    out
}

fn paint(out: &mut String, color: &str, text: &str) {
    out.push_str(color);
    out.push_str(text);
    out.push_str(RESET);
}

/// The byte length of the token that starts `text` (whose first char is `c`).
fn token_len(text: &str, c: char) -> usize {
    let word = |ch: char| ch.is_alphanumeric() || ch == '_';
    let end = match c {
        '"' => text[1..].find('"').map(|i| i + 2),
        '#' => Some(text.len()),
        c if word(c) => text.find(|ch: char| !(word(ch) || (c.is_ascii_digit() && ch == '.'))),
        c => Some(c.len_utf8()),
    };
    end.unwrap_or(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut esc = false;
        for c in s.chars() {
            match (esc, c) {
                (false, '\x1b') => esc = true,
                (true, 'm') => esc = false,
                (false, c) => out.push(c),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn a_quoted_name_completes_with_its_path() {
        assert_eq!(word_start("when lead.\"Job Ti"), 5);
        assert_eq!(word_start("when company.\"Number"), 5);
        assert_eq!(word_start("when title == \"VP"), 14);
        assert_eq!(word_start("when company.si"), 5);
        assert_eq!(word_start("x == \"a\" and lead.ti"), 13);
    }

    #[test]
    fn every_built_in_function_is_offered() {
        let words: Vec<&str> = language_words().collect();
        for w in [
            "sum_of_top",
            "champion",
            "mean_without_lowest",
            "weekday",
            "decay",
        ] {
            assert!(words.contains(&w), "{w} missing from {words:?}");
        }
        // `leads` is the session's name in the account context only
        // (tests/repl_session.rs).
        assert!(!words.contains(&"leads"), "{words:?}");
        assert_eq!(
            words.iter().filter(|w| **w == "count").count(),
            1,
            "each word once"
        );
    }

    #[test]
    fn highlighting_keeps_the_text() {
        for line in [
            "when title contains \"VP\" add 50 # exec",
            ":set title \"unterminated",
            "count(events where type == \"a\") >= 2.5",
            "é ü ñ",
        ] {
            assert_eq!(strip(&highlight(line)), line);
        }
    }

    #[test]
    fn keywords_strings_and_numbers_are_coloured() {
        let h = highlight("when x add 5");
        assert!(h.starts_with(&format!("{KEYWORD}when{RESET}")), "{h:?}");
        assert!(h.contains(&format!("{NUMBER}5{RESET}")), "{h:?}");
        assert!(highlight("\"hi\"").contains(&format!("{STRING}\"hi\"{RESET}")));
    }
}

//! Syntax errors, as data. Wording lives in `diagnostics/syntax.rs`.

use super::ast::Span;

/// A syntax or include problem in one file.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// Where it is.
    pub span: Span,
    /// What is wrong.
    pub kind: SyntaxErrorKind,
}

/// The kinds of syntax error.
#[derive(Clone, Debug, PartialEq)]
pub enum SyntaxErrorKind {
    /// The parser expected one of `expected` and found `found`.
    Unexpected {
        /// Human names of what could come here.
        expected: Vec<String>,
        /// What was found (a token, or "end of line"/"end of file").
        found: String,
        /// What kind of statement the error is in.
        context: Context,
        /// A known slip at this place, and what to write instead.
        hint: Option<Hint>,
    },
    /// A date or time literal that is not one of the accepted forms.
    BadDatetime {
        /// The text as written.
        text: String,
        /// What is wrong with it.
        why: crate::datetime::DatetimeError,
    },
    /// A number written with a leading zero (`02134`): a code, not a number.
    LeadingZero {
        /// The text as written.
        text: String,
    },
    /// `[1,000]`: a comma used as a thousands separator inside a list.
    ThousandsInList {
        /// The number as written, commas included.
        text: String,
    },
    /// Brackets or expressions nested deeper than the limit.
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// A file, string, list or rule count past its documented limit.
    TooLarge {
        /// What is too large.
        what: Limit,
        /// The limit.
        limit: usize,
    },
    /// A `(`, `[` or `{` with no match.
    Unclosed {
        /// The bracket.
        open: char,
    },
    /// A `)`, `]` or `}` with no opening bracket.
    Unopened {
        /// The bracket.
        close: char,
    },
    /// A string with no closing quote.
    UnterminatedString,
    /// An unknown escape in a string, e.g. `\q`.
    BadEscape {
        /// The escape as written.
        escape: String,
    },
    /// A control character other than tab written as is inside a string
    /// or regex literal (decision 68) or a comment (decision 72): invisible
    /// in an editor, and obeyed by a terminal that shows the file.
    ControlCharacter {
        /// The character.
        c: char,
        /// Where it was written.
        within: Within,
    },
    /// A format character (Unicode Cf: a zero-width space, a soft hyphen,
    /// a direction mark, ...) inside a literal or between words: it does
    /// not show, so the text is not what it looks like (decision 71).
    InvisibleCharacter {
        /// The character.
        c: char,
        /// Where it was written.
        within: Within,
    },
    /// A bidirectional override or isolate anywhere in the file, comments
    /// included: it makes the text read differently from what runs
    /// (decision 72).
    BidiControl {
        /// The character.
        c: char,
    },
    /// A number that does not fit.
    BadNumber {
        /// The text.
        text: String,
    },
    /// `include` of a file that cannot be read.
    IncludeUnreadable {
        /// The path as written.
        path: String,
        /// The I/O error.
        reason: String,
    },
    /// `include` that leaves the ruleset's root folder.
    IncludeOutsideRoot {
        /// The path as written.
        path: String,
    },
    /// `include` that leads back to a file already being included.
    IncludeCycle {
        /// The files in the cycle, starting and ending with the same one.
        chain: Vec<String>,
    },
}

/// A slip recognised where parsing failed (see `syntax/hints.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hint {
    /// `[Vice President, CEO]`: a list item of several words without quotes.
    QuoteWords {
        /// The item's words.
        words: String,
    },
    /// `add 50%`.
    Percent,
    /// `as executive title`: a rule label without quotes.
    QuoteLabel {
        /// The label's words.
        label: String,
    },
    /// `AND`, `OR`, `WHEN`: a keyword in capitals.
    Capitals {
        /// The keyword in lower case.
        keyword: String,
    },
    /// `“VP”`, `'VP'`: quote marks other than `"`.
    Quotes {
        /// The text in straight double quotes.
        fixed: String,
    },
    /// `1,000`: a comma as a thousands separator.
    Thousands {
        /// The number with `_` for the commas.
        fixed: String,
    },
    /// `contans`: a misspelt keyword or operator.
    Keyword {
        /// The keyword meant.
        keyword: String,
    },
    /// `decay(at, half-life: 30 days)`: a decay rate's name spelt with a
    /// dash or a space.
    RateName {
        /// The name as written.
        written: String,
        /// The name meant: `half_life` or `lifespan`.
        meant: &'static str,
    },
    /// `count(distinct of events)`: no value between `distinct` and `of`.
    DistinctOf,
    /// `&&`, `<>`, `is null`, `if`: what another language writes for
    /// something leadscore writes otherwise.
    Foreign {
        /// As written.
        written: String,
        /// What to write instead.
        meant: &'static str,
    },
    /// `then`, `10 points`: a word a rule does not need.
    Needless {
        /// The word as written.
        word: String,
    },
    /// `add 5 else subtract 5`: a rule has no `else`.
    Else,
    /// `rule executive: when ...`: a rule named first, as other rule
    /// languages do; leadscore writes `as "executive"` at its end.
    RuleName {
        /// The name as written, without its quotes.
        label: String,
        /// The rest of the line after `rule NAME:` (empty when the rule
        /// goes on below).
        rule: Box<str>,
    },
    /// `["VP" "CEO"]`: two list items with no comma between them.
    ListComma {
        /// The item before the gap, as written.
        first: String,
        /// The item after it.
        second: String,
    },
}

/// The kind of statement a syntax error is in, judged by the first word of its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// A rule (`when ...`, `add ...`, `subtract ...`).
    Rule,
    /// A group header.
    Group,
    /// A label block header.
    Label,
    /// An arm inside a label block.
    LabelArm,
    /// A `let`.
    Let,
    /// A schema block or one of its fields.
    Schema,
    /// An `include`.
    Include,
    /// A `test` block or one of its lines.
    Test,
    /// A line that starts no statement.
    Other,
}

/// Where a character that does not show was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Within {
    /// In a `"..."` string.
    String,
    /// In a `/.../` regex.
    Regex,
    /// In a comment.
    Comment,
    /// Outside literals and comments: in or between words.
    Code,
}

/// The size limits of a rules file (see docs/robustness.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// The file's size in bytes ([`MAX_FILE_BYTES`]).
    FileBytes,
    /// A string literal's size in bytes ([`MAX_STRING_BYTES`]).
    StringBytes,
    /// The items of one list literal ([`MAX_LIST_ITEMS`]).
    ListItems,
    /// The rules of one file ([`MAX_RULES`]).
    Rules,
}

/// The largest rules file, in bytes (spans are 32-bit, and a model this big is a mistake).
pub const MAX_FILE_BYTES: usize = 8 << 20;
/// The longest string literal (or regex), in bytes.
pub const MAX_STRING_BYTES: usize = 64 << 10;
/// The most items in one list literal.
pub const MAX_LIST_ITEMS: usize = 10_000;
/// The most rules in one file.
pub const MAX_RULES: usize = 10_000;

//! Wording of syntax and include errors.
//!
//! | code | triggered by |
//! |---|---|
//! | `leadscore::syntax` | `when x == add 5` (a token where it cannot stand); with a specific help: `[Vice President]`, `add 50%`, `as executive`, `AND`, `“VP”` or `'VP'`, `1,000`, `contans`, `rule NAME: ...` |
//! | `leadscore::bad_datetime` | `2026-1-2`, `2026-01-01T09:00:00` (no time zone), `2026-02-30` |
//! | `leadscore::leading_zero` | `zip in [02134]` |
//! | `leadscore::unclosed_bracket` | `when (a add 1` |
//! | `leadscore::unopened_bracket` | `add 1)` |
//! | `leadscore::unterminated_string` | `when x == "abc add 1` |
//! | `leadscore::bad_escape` | `when x == "a\qb" add 1` |
//! | `leadscore::control_character` | a raw U+0000 (or another control character but tab) inside `"..."`, `/.../` or a comment |
//! | `leadscore::invisible_character` | a zero-width space, soft hyphen, direction mark or other format character (Unicode Cf) inside `"..."` or `/.../`, or outside quotes |
//! | `leadscore::bidi_control` | a bidirectional override or isolate (U+202A to U+202E, U+2066 to U+2069) anywhere, comments included |
//! | `leadscore::bad_number` | `add 1e999` written as a huge literal |
//! | `leadscore::too_deep` | brackets nested more than 64 deep |
//! | `leadscore::too_large` | a file over 8 MiB, a string over 64 KiB, a list over 10,000 items, a file with over 10,000 rules |
//! | `leadscore::include_unreadable` | `include "missing.rules"` |
//! | `leadscore::include_outside_root` | `include "../secrets.rules"` |
//! | `leadscore::include_cycle` | `a.rules` includes `b.rules`, which includes `a.rules` |

use super::{Diagnostic, ToDiagnostic};
use crate::datetime::DatetimeError;
use crate::syntax::ast::Span;
use crate::syntax::{Context, Hint, Limit, SyntaxError, SyntaxErrorKind as K, Within};

impl ToDiagnostic for SyntaxError {
    fn to_diagnostic(&self) -> Diagnostic {
        let span = self.span;
        match &self.kind {
            K::Unexpected {
                hint: Some(hint), found, ..
            } => slip(hint, found, span),
            K::BadDatetime { text, why } => bad_datetime(text, *why, span),
            K::LeadingZero { text } => Diagnostic::error(
                "leadscore::leading_zero",
                format!("the number `{text}` starts with 0"),
                span,
                "the leading zero would be dropped",
            )
            .with_help(format!(
                "a number loses its leading zeros; to keep them (a zip code, an id), write it as text: `\"{text}\"`"
            )),
            K::ThousandsInList { text } => Diagnostic::error(
                "leadscore::syntax",
                "a comma cannot separate thousands",
                span,
                "this would be two list items",
            )
            .with_help(format!(
                "write `{}` (`_` may separate digits), or `\"{text}\"` if it is text",
                text.replace(',', "_")
            )),
            K::Unexpected {
                expected,
                found,
                context,
                hint: None,
            } => Diagnostic::error(
                "leadscore::syntax",
                format!("unexpected {found}"),
                span,
                format!("expected {}", one_of(expected)),
            )
            .with_help(unexpected_help(found, *context)),
            K::Unclosed { open } => Diagnostic::error(
                "leadscore::unclosed_bracket",
                format!("this `{open}` is never closed"),
                span,
                "opened here",
            )
            .with_help(format!("add the matching `{}`", closing(*open))),
            K::Unopened { close } => Diagnostic::error(
                "leadscore::unopened_bracket",
                format!("`{close}` closes nothing"),
                span,
                "no bracket to close",
            )
            .with_help("remove it, or add the opening bracket it belongs to"),
            K::UnterminatedString => Diagnostic::error(
                "leadscore::unterminated_string",
                "this string has no closing quote",
                span,
                "string starts here",
            )
            .with_help(
                "end the string with `\"` on the same line; write `\\\"` for a quote inside it",
            ),
            K::BadEscape { escape } => Diagnostic::error(
                "leadscore::bad_escape",
                format!("unknown escape `{escape}` in a string"),
                span,
                "not an escape",
            )
            .with_help(
                "the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash",
            ),
            K::ControlCharacter { c, within } => control_character(*c, *within, span),
            K::InvisibleCharacter { c, within } => invisible_character(*c, *within, span),
            K::BidiControl { c } => bidi_control(*c, span),
            K::BadNumber { text } => Diagnostic::error(
                "leadscore::bad_number",
                format!("`{text}` is not a number leadscore can use"),
                span,
                "out of range",
            ),
            K::TooDeep { limit } => Diagnostic::error(
                "leadscore::too_deep",
                "this item is nested too deeply",
                span,
                format!("more than {limit} levels deep"),
            )
            .with_help("split the condition into `let` definitions"),
            K::TooLarge { what, limit } => too_large(*what, *limit, span),
            K::IncludeUnreadable { path, reason } => Diagnostic::error(
                "leadscore::include_unreadable",
                format!("cannot read included file `{path}`"),
                span,
                reason.clone(),
            )
            .with_help("include paths are relative to the file that includes them"),
            K::IncludeOutsideRoot { path } => Diagnostic::error(
                "leadscore::include_outside_root",
                format!("`{path}` is outside the ruleset's folder"),
                span,
                "leaves the root folder",
            )
            .with_help("a ruleset may only include files in the entry file's folder or below it"),
            K::IncludeCycle { chain } => Diagnostic::error(
                "leadscore::include_cycle",
                "include cycle",
                span,
                "includes a file that is already being included",
            )
            .with_help(format!(
                "the chain is {}; remove one of these includes",
                chain.join(" → ")
            )),
        }
    }
}

/// A control character written as is in a string or regex (decision 68)
/// or a comment (decision 72).
fn control_character(c: char, within: Within, span: Span) -> Diagnostic {
    let code = c as u32;
    let help = match within {
        Within::Regex => format!("delete it, or write it as an escape the regex reads: `\\x{code:02X}`"),
        Within::String => format!(
            "delete it: a control character does not show in an editor, so the text is not what it looks like; \
             write `\\n` for a line break and `\\t` for a tab, and match a lead's U+{code:04X} with a regex: `matches /\\x{code:02X}/`"
        ),
        Within::Comment | Within::Code => "delete it: a control character does not show in an editor, and a terminal \
             showing the file obeys it (ESC starts sequences that recolour, move the cursor or clear lines), \
             so the file would not show what it holds".to_string(),
    };
    Diagnostic::error(
        "leadscore::control_character",
        format!("a control character (U+{code:04X}) in {}", place(within)),
        span,
        "invisible character here",
    )
    .with_help(help)
}

/// A format character (Unicode Cf) in a literal or outside quotes (decision 71).
fn invisible_character(c: char, within: Within, span: Span) -> Diagnostic {
    let escape = regex_escape(c);
    let help = match within {
        Within::Regex => format!("delete it, or write it as an escape the regex reads: `{escape}`"),
        Within::String | Within::Comment | Within::Code => format!(
            "delete it: it does not show, so the text is not what it looks like and never equals \
             a lead's text that looks the same; to match this character in a lead, use a regex \
             escape: `matches /{escape}/`"
        ),
    };
    Diagnostic::error(
        "leadscore::invisible_character",
        format!("an invisible character ({}) in {}", named(c), place(within)),
        span,
        "invisible character here",
    )
    .with_help(help)
}

/// A bidirectional override or isolate, anywhere in a file (decision 72).
fn bidi_control(c: char, span: Span) -> Diagnostic {
    Diagnostic::error(
        "leadscore::bidi_control",
        format!("a bidirectional control character ({})", named(c)),
        span,
        "reorders how the text after it shows",
    )
    .with_help(format!(
        "delete it: it makes the line show in another order than leadscore reads it, so the rules \
         would not do what they seem to (\"Trojan Source\"); to match this character in a lead, \
         use a regex escape: `matches /{}/`",
        regex_escape(c)
    ))
}

/// `this string`, `this regex`, `this comment`, `the rules outside quotes`.
fn place(within: Within) -> &'static str {
    match within {
        Within::String => "this string",
        Within::Regex => "this regex",
        Within::Comment => "this comment",
        Within::Code => "the rules, outside quotes",
    }
}

/// `\x{200B}`: the regex escape of a character.
fn regex_escape(c: char) -> String {
    format!("\\x{{{:04X}}}", c as u32)
}

/// `U+200B ZERO WIDTH SPACE`, or `U+E0001` for a character without a
/// name in this list.
fn named(c: char) -> String {
    let name = match c {
        '\u{ad}' => "SOFT HYPHEN",
        '\u{61c}' => "ARABIC LETTER MARK",
        '\u{180e}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{202a}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202b}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202c}' => "POP DIRECTIONAL FORMATTING",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2061}' => "FUNCTION APPLICATION",
        '\u{2062}' => "INVISIBLE TIMES",
        '\u{2063}' => "INVISIBLE SEPARATOR",
        '\u{2064}' => "INVISIBLE PLUS",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE",
        _ => return format!("U+{:04X}", c as u32),
    };
    format!("U+{:04X} {name}", c as u32)
}

/// A syntax error at a known slip (see `syntax/hints.rs`).
fn slip(hint: &Hint, found: &str, span: Span) -> Diagnostic {
    let code = "leadscore::syntax";
    match hint {
        Hint::QuoteWords { words } => Diagnostic::error(code, format!("`{words}` needs quotes"), span, "several words")
            .with_help(format!("a bare word in a list is a single word; write `\"{words}\"`")),
        Hint::Percent => Diagnostic::error(code, "`%` is not part of a number", span, "not a number")
            .with_help("points are plain numbers: write `add 50`; for a share of a number, multiply by a fraction: `add 0.5 * x`"),
        Hint::QuoteLabel { label } => Diagnostic::error(code, "a rule's label needs quotes", span, "not in quotes")
            .with_help(format!("write `as \"{label}\"`")),
        Hint::Capitals { keyword } => Diagnostic::error(code, format!("unexpected {found}"), span, "keywords are lower case")
            .with_help(format!("write `{keyword}`")),
        Hint::Quotes { fixed } => Diagnostic::error(code, "text must be in straight double quotes", span, "not a `\"` quote")
            .with_help(format!("write `{fixed}`: only `\"` starts and ends text (word processors often turn it into curly quotes)")),
        Hint::Thousands { fixed } => Diagnostic::error(code, "a comma cannot separate thousands", span, "not a number")
            .with_help(format!("write `{fixed}` (`_` may separate digits) or the digits alone")),
        Hint::Keyword { keyword } => Diagnostic::error(code, format!("unexpected {found}"), span, "not a keyword")
            .with_help(format!("did you mean `{keyword}`?")),
        Hint::RateName { written, meant } => Diagnostic::error(code, format!("`{written}` is not a decay rate"), span, format!("write `{meant}`"))
            .with_help(format!("the rate is written `{meant}:`, e.g. `decay(at, {meant}: 30 days)`; the rates are `half_life: D`, `lifespan: D` and `P% per PERIOD`")),
        Hint::DistinctOf => Diagnostic::error(code, "`count(distinct ... of ...)` needs the value to count", span, "no value before `of`")
            .with_help(super::check::DISTINCT_FORMS),
        Hint::Foreign { written, meant } => Diagnostic::error(code, format!("unexpected `{written}`"), span, format!("write `{meant}`"))
            .with_help(format!("leadscore writes `{meant}` where other languages write `{written}`")),
        Hint::Needless { word } => Diagnostic::error(code, format!("`{word}` is not needed"), span, "remove it")
            .with_help("a rule reads `when CONDITION add|subtract POINTS [up to N] [as \"label\"]`; points are plain numbers"),
        Hint::Else => Diagnostic::error(code, "a rule has no `else`", span, "not part of a rule")
            .with_help("write the other case as a rule of its own: `when not (CONDITION) add|subtract POINTS`"),
        Hint::ListComma { first, second } => Diagnostic::error(code, "list items need a comma between them", span, "no comma here")
            .with_help(format!("write `{first}, {second}`")),
        Hint::RuleName { label, rule } => rule_name(label, rule, span),
    }
}

/// `rule NAME: when ...`: leadscore names a rule with `as "NAME"` at its end.
fn rule_name(label: &str, rule: &str, span: Span) -> Diagnostic {
    let named = "leadscore names a rule with `as \"label\"` after its points, where other rule languages write `rule NAME:` before it";
    let help = match rule.is_empty() {
        true => format!("{named}: `when CONDITION add|subtract POINTS as \"{label}\"`"),
        false => format!("{named}: write `{rule} as \"{label}\"`"),
    };
    Diagnostic::error(
        "leadscore::syntax",
        "unexpected `rule`",
        span,
        format!("write `as \"{label}\"` at the rule's end"),
    )
    .with_help(help)
}

/// A date or time literal that is not one of the accepted forms.
fn bad_datetime(text: &str, why: DatetimeError, span: Span) -> Diagnostic {
    const FORMS: &str = "dates are written `2026-01-31` (midnight UTC) and times `2026-01-31T09:30:00Z` or `2026-01-31T09:30:00+02:00`";
    let (label, help) = match why {
        DatetimeError::NoZone => (
            "no time zone",
            format!("a time without a zone is a different moment in every office; add `Z` for UTC or an offset such as `+02:00`: {FORMS}"),
        ),
        DatetimeError::OutOfRange => ("no such date or time", format!("check the numbers: {FORMS}")),
        DatetimeError::Shape => match crate::datetime::padded_date(text) {
            Some(fixed) => ("month and day need two digits", format!("write `{fixed}`: {FORMS}")),
            None => ("not a date", format!("{FORMS}; to subtract numbers, put spaces around `-`")),
        },
    };
    Diagnostic::error(
        "leadscore::bad_datetime",
        format!("`{text}` is not a date leadscore can read"),
        span,
        label,
    )
    .with_help(help)
}

fn one_of(names: &[String]) -> String {
    match names {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn unexpected_help(found: &str, context: Context) -> String {
    let continues = matches!(context, Context::Rule | Context::Let);
    if found == "`=`" {
        return "to compare, write `==`".into();
    }
    if found == "end of line" && continues {
        return "a statement ends at the end of its line; to go on, wrap the condition in parentheses".into();
    }
    match context {
        Context::Rule | Context::Other => {
            "a rule reads `when CONDITION add|subtract POINTS [up to N] [as \"label\"]`".into()
        }
        Context::Group => "a group reads `group NAME [max N] [min N] {`, then one rule per line, then `}`".into(),
        Context::Label => "a label block reads `label NAME {`, then one arm per line, then `}`".into(),
        Context::LabelArm => "a label arm reads `VALUE when CONDITION` or `VALUE otherwise`".into(),
        Context::Let => "a definition reads `let NAME = VALUE`".into(),
        Context::Schema => "a schema lists one `name: type` per line (types: string, int, number, bool, datetime, list<T>, { ... }; `?` for optional)".into(),
        Context::Include => "an include reads `include \"path/to/file.rules\"`".into(),
        Context::Test => "a test reads `test \"name\" {`, then `as_of TIME`, `lead { ... }` or `lead from \"file.json\"`, and `expect ...` lines, then `}`".into(),
    }
}

fn closing(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

/// A rules file past one of its size limits.
fn too_large(what: Limit, limit: usize, span: crate::syntax::ast::Span) -> Diagnostic {
    let (message, label, help) = match what {
        Limit::FileBytes => (
            format!("this rules file is larger than {} MiB", limit >> 20),
            "the file starts here",
            "split the model into files joined with `include`",
        ),
        Limit::StringBytes => (
            format!("this text is longer than {} KiB", limit >> 10),
            "too long",
            "match on a shorter part of it, or name a list with `let`",
        ),
        Limit::ListItems => (
            format!("this list has more than {limit} items"),
            "too many items",
            "score large lookups outside leadscore and add the result to each lead as a field",
        ),
        Limit::Rules => (
            format!("this file has more than {limit} rules"),
            "one rule too many",
            "split the model into files joined with `include`",
        ),
    };
    Diagnostic::error("leadscore::too_large", message, span, label).with_help(help)
}

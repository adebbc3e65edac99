//! Recognises the slips people coming from spreadsheets and CRM forms make,
//! at the place a parse failed, so the error can say exactly what to write
//! instead: several words in a list without quotes, `50%`, `as executive`,
//! `AND`, curly or single quotes, `1,000`, a misspelt keyword, a list
//! without commas.

use super::error::Hint;
use std::ops::Range;

/// Words of the language a misspelling may be meant as (short ones such as
/// `in`, `or`, `is` are left out: too many words are one letter away).
const KEYWORDS: &[&str] = &[
    "contains",
    "starts",
    "ends",
    "with",
    "matches",
    "between",
    "within",
    "missing",
    "present",
    "where",
    "when",
    "add",
    "subtract",
    "otherwise",
    "and",
    "not",
    "any",
];

/// Every keyword, for spotting one written in capitals; the REPL highlights
/// these too.
pub const ALL_KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "between",
    "contains",
    "starts",
    "ends",
    "with",
    "any",
    "matches",
    "is",
    "missing",
    "present",
    "within",
    "where",
    "when",
    "add",
    "subtract",
    "up",
    "to",
    "as",
    "otherwise",
    "true",
    "false",
    "let",
    "group",
    "label",
    "schema",
    "include",
    "max",
    "min",
];

/// Quote marks other than `"` that people paste from documents.
const OTHER_QUOTES: &[char] = &['\'', '‘', '’', '‚', '“', '”', '„', '«', '»', '`'];

/// A hint for the parse failure at byte `pos` of `text` (one item), and the
/// byte range it is about, when the slip is a known one.
pub fn hint(text: &str, pos: usize) -> Option<(Hint, Range<usize>)> {
    let c = text[pos..].chars().next()?;
    if OTHER_QUOTES.contains(&c) {
        return Some(quotes(text, pos, c));
    }
    let before = text[..pos].trim_end();
    if let Some(found) = foreign(text, pos, before) {
        return Some(found);
    }
    let after_digit = before.ends_with(|b: char| b.is_ascii_digit());
    if c == '%' && after_digit {
        return Some((Hint::Percent, pos..pos + 1));
    }
    if c == ',' && after_digit {
        return thousands(text, pos);
    }
    if c == ':' {
        return rate_name(before);
    }
    if before.ends_with("distinct of") || before.ends_with("distinct") && word_at(text, pos) == "of"
    {
        let end = pos + word_at(text, pos).len();
        return Some((
            Hint::DistinctOf,
            before.rfind("distinct").unwrap_or(pos)..end,
        ));
    }
    missing_comma(text, pos).or_else(|| word_hint(text, pos))
}

/// Inside `[ ]`, two items with only spaces between them (`["VP" "CEO"]`,
/// `[1 2]`): the gap where the comma belongs. Bare words side by side are
/// left to [`list_item`] (`[Vice President]` is one item without quotes).
fn missing_comma(text: &str, pos: usize) -> Option<(Hint, Range<usize>)> {
    unclosed_bracket(&text[..pos])?;
    let end = item_end(text, pos)?;
    let next = end + text[end..].len() - text[end..].trim_start_matches([' ', '\t']).len();
    let next_end = item_end(text, next)?;
    let (first, second) = (&text[pos..end], &text[next..next_end]);
    let number = |s: &str| s.parse::<f64>().is_ok();
    let quoted = first.starts_with('"') || second.starts_with('"');
    if next == end || !(quoted || number(first) && number(second)) {
        return None;
    }
    let (first, second) = (first.to_string(), second.to_string());
    Some((Hint::ListComma { first, second }, end..next))
}

/// The end of the list item starting at `pos`: after the closing quote of a
/// string, or at the first space, `,` or `]` of a bare word.
fn item_end(text: &str, pos: usize) -> Option<usize> {
    let rest = &text[pos..];
    if let Some(body) = rest.strip_prefix('"') {
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => return Some(pos + 1 + i + 1),
                '\n' => return None,
                _ => {}
            }
        }
        return None;
    }
    let len = rest
        .find(|c: char| c.is_whitespace() || c == ',' || c == ']' || c == '"')
        .unwrap_or(rest.len());
    (len > 0).then_some(pos + len)
}

/// Operators of other languages, and what leadscore writes.
const OPERATORS: &[(&str, &str)] = &[("&&", "and"), ("||", "or"), ("!", "not")];

/// What people write from SQL, spreadsheets and programming languages:
/// `&&`, `||`, `!`, `<>`, `is null`, `if`, `then`, `else`, `10 points`,
/// `rule NAME:`.
fn foreign(text: &str, pos: usize, before: &str) -> Option<(Hint, Range<usize>)> {
    let rest = &text[pos..];
    if rest.starts_with('>') && text[..pos].ends_with('<') {
        let written = "<>".to_string();
        return Some((
            Hint::Foreign {
                written,
                meant: "!=",
            },
            pos - 1..pos + 1,
        ));
    }
    if let Some(&(op, meant)) = OPERATORS.iter().find(|(op, _)| rest.starts_with(op)) {
        let here = pos..pos + op.len();
        return (!rest.starts_with("!=")).then(|| {
            (
                Hint::Foreign {
                    written: op.into(),
                    meant,
                },
                here,
            )
        });
    }
    let word = word_at(text, pos);
    let here = pos..pos + word.len();
    let lower = word.to_lowercase();
    let line_start = at_line_start(text, pos);
    let needless = |word: &str| Some((Hint::Needless { word: word.into() }, here.clone()));
    match lower.as_str() {
        "null" => is_null(before, pos + word.len()),
        "if" if line_start => Some((
            Hint::Foreign {
                written: word.into(),
                meant: "when",
            },
            here,
        )),
        "then" => needless(word),
        "points" | "point" | "pts" if before.ends_with(|c: char| c.is_ascii_digit()) => {
            needless(word)
        }
        "else" => Some((Hint::Else, here)),
        "rule" if line_start => rule_name(text, here.end),
        _ => None,
    }
}

/// Nothing but spaces between the start of the line and `pos`.
fn at_line_start(text: &str, pos: usize) -> bool {
    let before = text[..pos].trim_end_matches([' ', '\t']);
    before.is_empty() || before.ends_with('\n')
}

/// `rule NAME:` or `rule "NAME":` (the `:` optional) ending the word `rule`
/// at `after`: the name, to be written `as "NAME"` at the rule's end, and
/// the rule written after it on the line.
fn rule_name(text: &str, after: usize) -> Option<(Hint, Range<usize>)> {
    let start = after + text[after..].len() - text[after..].trim_start_matches([' ', '\t']).len();
    let rest = &text[start..];
    let (label, name_end) = match rest.strip_prefix('"') {
        Some(_) => {
            let end = item_end(text, start)?;
            (text[start + 1..end - 1].to_string(), end)
        }
        None => {
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len());
            (rest[..len].to_string(), start + len)
        }
    };
    if start == after || label.is_empty() {
        return None;
    }
    let colon = text[name_end..].trim_start_matches([' ', '\t']);
    let end = match colon.strip_prefix(':') {
        Some(_) => text.len() - colon.len() + 1,
        None => name_end,
    };
    let line_end = text[end..].find('\n').map_or(text.len(), |n| end + n);
    let rule = text[end..line_end].trim().into();
    let start_of_rule = after - "rule".len();
    Some((Hint::RuleName { label, rule }, start_of_rule..end))
}

/// `is null` / `is not null` (SQL) ending at `end`: `is missing` / `is present`.
fn is_null(before: &str, end: usize) -> Option<(Hint, Range<usize>)> {
    let (written, meant) = [("is not", "is present"), ("is", "is missing")]
        .into_iter()
        .find(|(w, _)| before.ends_with(&format!(" {w}")))?;
    let start = before.len() - written.len();
    let written = format!("{written} null");
    Some((Hint::Foreign { written, meant }, start..end))
}

/// The names of decay rates as people spell them, and the name meant.
const RATE_NAMES: &[(&str, &str)] = &[
    ("half-life", "half_life"),
    ("half life", "half_life"),
    ("halflife", "half_life"),
    ("half_time", "half_life"),
    ("half-time", "half_life"),
    ("life-span", "lifespan"),
    ("life span", "lifespan"),
    ("life_span", "lifespan"),
];

/// `half-life:` just before a `:` that failed: the rate's name spelt
/// another way.
fn rate_name(before: &str) -> Option<(Hint, Range<usize>)> {
    let lower = before.to_lowercase();
    let &(written, meant) = RATE_NAMES.iter().find(|(w, _)| lower.ends_with(w))?;
    let start = before.len() - written.len();
    let written = before[start..].to_string();
    Some((Hint::RateName { written, meant }, start..before.len()))
}

/// Hints about the word at `pos`.
fn word_hint(text: &str, pos: usize) -> Option<(Hint, Range<usize>)> {
    let word = word_at(text, pos);
    if word.is_empty() {
        return None;
    }
    let here = pos..pos + word.len();
    let before = text[..pos].trim_end();
    if before.ends_with(" as") || before == "as" {
        let line_end = text[pos..].find('\n').map_or(text.len(), |n| pos + n);
        let label = text[pos..line_end].trim_end().to_string();
        return Some((
            Hint::QuoteLabel { label },
            pos..pos + text[pos..line_end].trim_end().len(),
        ));
    }
    let lower = word.to_lowercase();
    if lower != word && ALL_KEYWORDS.contains(&lower.as_str()) {
        return Some((Hint::Capitals { keyword: lower }, here));
    }
    if let Some(item) = list_item(text, pos) {
        let words = text[item.clone()].to_string();
        return Some((Hint::QuoteWords { words }, item));
    }
    if word.chars().count() >= 4 {
        let keyword = crate::check::suggest::did_you_mean(word, KEYWORDS.iter().copied())?;
        let keyword = keyword.to_string();
        return Some((Hint::Keyword { keyword }, here));
    }
    None
}

/// The letters, digits and `_` at `pos`.
fn word_at(text: &str, pos: usize) -> &str {
    let rest = &text[pos..];
    let len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[..len]
}

/// `'VP'` or `“VP”`: the text up to the closing mark on the same line.
fn quotes(text: &str, pos: usize, open: char) -> (Hint, Range<usize>) {
    let start = pos + open.len_utf8();
    let line_end = text[start..].find('\n').map_or(text.len(), |n| start + n);
    let close =
        text[start..line_end].find(|c: char| OTHER_QUOTES.contains(&c) && c != '`' || c == open);
    let (inner, end) = match close {
        Some(n) => {
            let mark = text[start + n..].chars().next().map_or(1, char::len_utf8);
            (&text[start..start + n], start + n + mark)
        }
        None => ("", start),
    };
    let fixed = format!("\"{inner}\"");
    (Hint::Quotes { fixed }, pos..end)
}

/// `1,000` or `1,000,000`: the whole number, and how to write it.
fn thousands(text: &str, pos: usize) -> Option<(Hint, Range<usize>)> {
    let b = text.as_bytes();
    let mut start = pos;
    while start > 0 && b[start - 1].is_ascii_digit() {
        start -= 1;
    }
    let mut end = pos;
    while b.get(end) == Some(&b',')
        && (1..=3).all(|k| b.get(end + k).is_some_and(u8::is_ascii_digit))
    {
        end += 4;
        if b.get(end).is_some_and(u8::is_ascii_digit) {
            return None;
        }
    }
    if end == pos {
        return None;
    }
    let fixed = text[start..end].replace(',', "_");
    Some((Hint::Thousands { fixed }, start..end))
}

/// Inside `[ ]`, an item of several words without quotes: its range,
/// from the `[` or `,` before `pos` to the `,` or `]` after it.
fn list_item(text: &str, pos: usize) -> Option<Range<usize>> {
    let open = unclosed_bracket(&text[..pos])?;
    let start = text[open..pos].rfind([',', '[']).map(|n| open + n + 1)?;
    let end = text[pos..]
        .find([',', ']', '\n'])
        .map_or(text.len(), |n| pos + n);
    let raw = &text[start..end];
    let item = raw.trim();
    let words = item.split_whitespace().all(|w| {
        w.chars()
            .all(|c| c.is_alphanumeric() || "_-.&'/".contains(c))
    });
    if !item.contains(char::is_whitespace) || !words {
        return None;
    }
    let from = start + (raw.len() - raw.trim_start().len());
    Some(from..from + item.len())
}

/// The byte offset of the innermost `[` still open at the end of `text`,
/// when the innermost open bracket is a `[` (strings skipped).
fn unclosed_bracket(text: &str) -> Option<usize> {
    let mut stack = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '(' | '[' | '{' if !in_string => stack.push((c, i)),
            ')' | ']' | '}' if !in_string => {
                stack.pop();
            }
            _ => {}
        }
    }
    match stack.last() {
        Some(&('[', i)) => Some(i),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, needle: &str) -> Option<(Hint, String)> {
        let pos = text.find(needle).unwrap();
        hint(text, pos).map(|(h, r)| (h, text[r].to_string()))
    }

    #[test]
    fn each_slip() {
        let words = at("when title in [Vice President, CEO] add 5", "Vice");
        assert_eq!(
            words,
            Some((
                Hint::QuoteWords {
                    words: "Vice President".into()
                },
                "Vice President".into()
            ))
        );
        assert_eq!(at("add 50%", "%"), Some((Hint::Percent, "%".into())));
        let label = at("when a add 5 as executive title", "executive");
        assert_eq!(label.unwrap().1, "executive title");
        let caps = at("when a == 1 AND b == 2 add 5", "AND");
        assert_eq!(
            caps.unwrap().0,
            Hint::Capitals {
                keyword: "and".into()
            }
        );
        let curly = at("when title contains “VP” add 5", "“");
        assert_eq!(
            curly,
            Some((
                Hint::Quotes {
                    fixed: "\"VP\"".into()
                },
                "“VP”".into()
            ))
        );
        let single = at("when title contains 'VP' add 5", "'");
        assert_eq!(
            single.unwrap().0,
            Hint::Quotes {
                fixed: "\"VP\"".into()
            }
        );
        let big = at("when size > 1,000,000 add 5", ",");
        assert_eq!(
            big,
            Some((
                Hint::Thousands {
                    fixed: "1_000_000".into()
                },
                "1,000,000".into()
            ))
        );
        let typo = at("when title contans \"VP\" add 5", "contans");
        assert_eq!(
            typo.unwrap().0,
            Hint::Keyword {
                keyword: "contains".into()
            }
        );
    }

    #[test]
    fn decay_rates_and_distinct() {
        let dash = at("add 10 * decay(at, half-life: 30 days)", ":");
        assert_eq!(
            dash,
            Some((
                Hint::RateName {
                    written: "half-life".into(),
                    meant: "half_life"
                },
                "half-life".into()
            ))
        );
        let span = at("add 9 * decay(at, life span: 90 days)", ":");
        assert_eq!(span.unwrap().1, "life span");
        let of = at("add count(distinct of events)", "events");
        assert_eq!(of, Some((Hint::DistinctOf, "distinct of events".into())));
    }

    #[test]
    fn a_list_without_commas() {
        let strings = at("when title in [\"a\", \"b\" \"c\"] add 5", "\"b\"");
        let comma = Hint::ListComma {
            first: "\"b\"".into(),
            second: "\"c\"".into(),
        };
        assert_eq!(strings, Some((comma, " ".into())));
        let escaped = at("let x = [\"a\\\"\"  VP]", "\"a");
        assert_eq!(escaped.unwrap().1, "  ");
        let numbers = at("let x = [1 2]", "1");
        assert!(matches!(numbers.unwrap().0, Hint::ListComma { .. }));
        let words = at("let x = [Vice President]", "Vice");
        assert!(matches!(words.unwrap().0, Hint::QuoteWords { .. }));
        assert_eq!(at("when a == \"x\" \"y\" add 5", "\"x"), None);
    }

    #[test]
    fn words_from_other_languages() {
        let foreign = |text: &str, needle: &str| match at(text, needle) {
            Some((Hint::Foreign { written, meant }, range)) => Some((written, meant, range)),
            _ => None,
        };
        let and = foreign("when a == 1 && b == 2 add 5", "&&");
        assert_eq!(and, Some(("&&".into(), "and", "&&".into())));
        assert_eq!(foreign("when a == 1 || b add 5", "||").unwrap().1, "or");
        assert_eq!(foreign("when !(a == 1) add 5", "!").unwrap().1, "not");
        let sql = foreign("when a <> 1 add 5", ">");
        assert_eq!(sql, Some(("<>".into(), "!=", "<>".into())));
        let null = foreign("when a is not null add 5", "null");
        assert_eq!(
            null,
            Some(("is not null".into(), "is present", "is not null".into()))
        );
        assert_eq!(
            foreign("when a is NULL add 5", "NULL").unwrap().1,
            "is missing"
        );
        assert_eq!(foreign("if a == 1 add 5", "if").unwrap().1, "when");
        // At the start of a line inside a group too (`before` there ends in
        // `{` and a line break, which `trim_end` took off).
        let in_group = foreign("group fit {\n  if a == 1 add 5\n}", "if");
        assert_eq!(in_group.unwrap().1, "when");
        assert_eq!(foreign("when b if a == 1 add 5", "if"), None);
        let then = at("when a == 1 THEN add 5", "THEN");
        assert_eq!(
            then,
            Some((
                Hint::Needless {
                    word: "THEN".into()
                },
                "THEN".into()
            ))
        );
        let points = at("when a == 1 add 10 pts", "pts");
        assert_eq!(points.unwrap().0, Hint::Needless { word: "pts".into() });
        assert_eq!(
            at("when a == 1 add 5 else add 1", "else").unwrap().0,
            Hint::Else
        );
        assert_eq!(at("when a == 1 add x points", "points"), None);
    }

    #[test]
    fn a_rule_named_first() {
        let named = |label: &str, rule: &str| Hint::RuleName {
            label: label.into(),
            rule: rule.into(),
        };
        let bare = at(
            "rule executive_title: when title contains \"VP\" add 10",
            "rule",
        );
        let rule = "when title contains \"VP\" add 10";
        let written = "rule executive_title:".into();
        assert_eq!(bare, Some((named("executive_title", rule), written)));
        let quoted = at("rule \"Big \\\"A\\\"\" : add 5", "rule");
        let written = "rule \"Big \\\"A\\\"\" :".into();
        assert_eq!(quoted, Some((named("Big \\\"A\\\"", "add 5"), written)));
        // No colon, and the rule on the next line; inside a group.
        let below = at("group fit {\n  rule big\n  when size > 5 add 5\n}", "rule");
        assert_eq!(below, Some((named("big", ""), "rule big".into())));
        assert_eq!(at("rule: add 5", "rule"), None);
    }

    #[test]
    fn no_hint_for_other_failures() {
        assert_eq!(at("when a == add 5", "add"), None);
        assert_eq!(at("add 1, 2", ","), None);
        assert_eq!(at("when a: 1 add 5", ":"), None);
    }
}

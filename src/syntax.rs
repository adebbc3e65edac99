//! Text → AST. A pest grammar (`grammar/leadscore.pest`) recognises the
//! text and `lower` turns pest's pairs into the typed [`ast`]; `load` reads
//! a ruleset's entry file and splices its includes in.
//!
//! Parsing never gives up at the first error: `scan` cuts the file into
//! top-level items and each is parsed on its own, so one broken rule does not
//! hide the problems of the next. Nesting is bounded before pest runs, so no
//! input can overflow the stack.

pub mod ast;
mod error;
mod hints;
mod load;
mod lower;
mod scan;

pub use error::{Context, Hint, Limit, SyntaxError, SyntaxErrorKind, Within};
pub use error::{MAX_FILE_BYTES, MAX_LIST_ITEMS, MAX_RULES, MAX_STRING_BYTES};
pub use hints::ALL_KEYWORDS;
pub use load::{
    include_root, load, load_rooted, load_str, normalize, MemReader, Parsed, SourceReader,
};
pub use lower::MAX_EXPR_DEPTH;
pub use scan::{is_bidi_control, is_format, MAX_DEPTH};

use ast::{File, FileId, Span};
use lower::{Grammar, Lower, Rule};
use pest::Parser;

/// Stack for the parsing thread: pest descends about a dozen frames per
/// bracket, and [`MAX_DEPTH`] brackets must fit whatever stack the caller has.
const PARSER_STACK: usize = 64 << 20;

/// Below this many items a file is parsed on one thread; above it, its
/// items are shared out among the cores (they parse independently).
const ITEMS_PER_THREAD: usize = 512;

/// Runs `f` on a thread with [`PARSER_STACK`] bytes of stack.
fn with_parser_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        spawn_parser(s, f)
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

fn spawn_parser<'s, T: Send + 's>(
    s: &'s std::thread::Scope<'s, '_>,
    f: impl FnOnce() -> T + Send + 's,
) -> std::thread::ScopedJoinHandle<'s, T> {
    let thread = std::thread::Builder::new().stack_size(PARSER_STACK);
    thread.spawn_scoped(s, f).expect("spawn a parser thread")
}

/// Parses one file's text. Returns the items that parsed and the errors of those that did not.
pub fn parse(file: FileId, text: &str) -> (File, Vec<SyntaxError>) {
    let scanned = scan::scan(file, text);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_thread = scanned.chunks.len().div_ceil(threads).max(ITEMS_PER_THREAD);
    let parts: Vec<Vec<Result<ast::Item, SyntaxError>>> = std::thread::scope(|s| {
        let handles: Vec<_> = scanned
            .chunks
            .chunks(per_thread)
            .map(|part| spawn_parser(s, || parse_part(file, &scanned.text, part)))
            .collect();
        let joined = handles.into_iter().map(|h| h.join());
        joined
            .map(|r| r.unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut errors = scanned.errors;
    let mut items = Vec::new();
    let mut parsed = vec![false; scanned.chunks.len()];
    let tried = (0..scanned.chunks.len()).filter(|&i| scanned.chunks[i].1);
    for (i, result) in tried.zip(parts.into_iter().flatten()) {
        match result {
            Ok(item) => {
                items.push(item);
                parsed[i] = true;
            }
            Err(e) => errors.push(e),
        }
    }
    errors.sort_by_key(|e| e.span.start);
    let comments = scanned.comments;
    let broken_lets = scanned
        .chunks
        .iter()
        .zip(parsed)
        .filter(|(_, ok)| !ok)
        .filter_map(|((range, _), _)| let_name(&scanned.text[range.clone()]))
        .collect();
    let file = File {
        items,
        comments,
        broken_lets,
    };
    (file, errors)
}

/// The name an item that failed to parse defines, when it is a `let`.
fn let_name(text: &str) -> Option<String> {
    let rest = text.trim_start().strip_prefix("let")?;
    let rest = rest.strip_prefix([' ', '\t'])?.trim_start();
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Parses the items of one share of a file, in order, skipping those the scanner refused.
fn parse_part(
    file: FileId,
    text: &str,
    chunks: &[(std::ops::Range<usize>, bool)],
) -> Vec<Result<ast::Item, SyntaxError>> {
    let parse = |(range, _): &(std::ops::Range<usize>, bool)| {
        let lower = Lower {
            file,
            offset: range.start,
        };
        parse_chunk(&lower, &text[range.clone()])
    };
    chunks.iter().filter(|(_, ok)| *ok).map(parse).collect()
}

fn parse_chunk(lower: &Lower, text: &str) -> Result<ast::Item, SyntaxError> {
    match Grammar::parse(Rule::chunk, text) {
        Ok(mut pairs) => lower.chunk(pairs.next().expect("one chunk")),
        Err(e) => Err(pest_error(lower, text, e)),
    }
}

/// Whether `name` can be written bare in a path (`title`); otherwise it
/// must be quoted (`"Job Title"`).
pub fn is_bare_name(name: &str) -> bool {
    Grammar::parse(Rule::ident, name)
        .ok()
        .and_then(|mut pairs| pairs.next())
        .is_some_and(|p| p.as_str().len() == name.len())
}

/// A field name as a path segment: bare when it can be, else quoted with
/// the language's escapes.
pub fn name_text(name: &str) -> String {
    if is_bare_name(name) {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A path from a lead's field names, as the rules would write it: a quoted
/// first name needs `lead.` before it (`lead."Job Title"`), or it would be a string.
pub fn path_text<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, name) in names.into_iter().enumerate() {
        let text = name_text(name);
        if i == 0 && text.starts_with('"') {
            out.push_str("lead.");
        } else if i > 0 {
            out.push('.');
        }
        out.push_str(&text);
    }
    out
}

/// Parses a single expression (for the REPL).
pub fn parse_expr(file: FileId, text: &str) -> Result<ast::Expr, Vec<SyntaxError>> {
    with_parser_stack(|| parse_expr_here(file, text))
}

fn parse_expr_here(file: FileId, text: &str) -> Result<ast::Expr, Vec<SyntaxError>> {
    let scanned = scan::scan(file, text);
    if !scanned.errors.is_empty() {
        return Err(scanned.errors);
    }
    let lower = Lower { file, offset: 0 };
    let body = scanned.text.trim_end();
    match Grammar::parse(Rule::expr_only, body) {
        Ok(mut pairs) => {
            let pair = pairs.next().expect("one expression");
            let expr = pair.into_inner().next().expect("expression");
            lower.expr(expr).map_err(|e| vec![e])
        }
        Err(e) => Err(vec![pest_error(&lower, body, e)]),
    }
}

fn pest_error(lower: &Lower, text: &str, e: pest::error::Error<Rule>) -> SyntaxError {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let expected = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => expected_names(positives),
        pest::error::ErrorVariant::CustomError { message } => vec![message.clone()],
    };
    let (found, len) = found_at(text, pos);
    let context = context_at(text, pos);
    let (hint, range) = match hints::hint(text, pos) {
        Some((hint, range)) => (Some(hint), range),
        None => (None, pos..pos + len),
    };
    let at = |i: usize| lower.offset + i;
    SyntaxError {
        span: Span::new(lower.file, at(range.start), at(range.end)),
        kind: SyntaxErrorKind::Unexpected {
            expected,
            found,
            context,
            hint,
        },
    }
}

/// The kind of statement at `pos`, judged by the first word of its line.
fn context_at(text: &str, pos: usize) -> Context {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].trim_start();
    let word: String = line
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let in_label = text.trim_start().starts_with("label");
    match word.as_str() {
        "when" | "add" | "subtract" => Context::Rule,
        "group" => Context::Group,
        "label" => Context::Label,
        "let" => Context::Let,
        "include" => Context::Include,
        "schema" => Context::Schema,
        "test" | "as_of" | "lead" | "expect" => Context::Test,
        _ if text.trim_start().starts_with("test") => Context::Test,
        _ if in_label && (!word.is_empty() || line.starts_with('"')) => Context::LabelArm,
        _ if text.trim_start().starts_with("schema") => Context::Schema,
        _ => Context::Other,
    }
}

/// What stands at `pos`: a word, a symbol, or the end of the line or file; and its length.
fn found_at(text: &str, pos: usize) -> (String, usize) {
    let rest = &text[pos..];
    let Some(c) = rest.chars().next() else {
        return ("end of file".into(), 0);
    };
    if c == '\n' || c == '\r' {
        return ("end of line".into(), 0);
    }
    let word_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let len = if word_len > 0 { word_len } else { c.len_utf8() };
    (format!("`{}`", &rest[..len]), len)
}

/// Names of what could come next, leaving out the ways an expression could
/// merely go on (`.field`, `where`, an operator, `and`/`or`) when something
/// more telling is also possible.
fn expected_names(rules: &[Rule]) -> Vec<String> {
    let mut names: Vec<&str> = rules.iter().filter_map(|r| rule_name(*r)).collect();
    names.sort();
    names.dedup();
    for weak in [&CONTINUATIONS[..], &["`and`", "`or`"]] {
        if names
            .iter()
            .any(|n| !weak.contains(n) && !CONTINUATIONS.contains(n))
        {
            names.retain(|n| !weak.contains(n));
        }
    }
    names.into_iter().map(String::from).collect()
}

/// Names of the tokens that could only extend the expression before them.
const CONTINUATIONS: [&str; 4] = [
    "`.field`",
    "`where`",
    "an operator",
    "`days`, `hours` or `weeks`",
];

/// How a grammar rule is named in "expected ..." messages.
fn rule_name(r: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match r {
        EOI => "end of file",
        chunk | item => "an item (`when`, `add`, `let`, `group`, `label`, `schema`, `include`)",
        expr | sum | primary | paren | call | path | number | list_number | duration | regex
        | list | kw_true | kw_false | string | nots | not_op | negs | neg => "a value",
        compare | cmp_op | in_list | not_in | between | str_test | str_op | matches | is_test
        | within | kw_in => "a comparison",
        signed_number => "a number",
        datetime | list_datetime => "a date",
        kw_or => "`or`",
        kw_and => "`and`",
        add_op | mul_op => "an operator",
        field_access => "`.field`",
        where_clause | kw_where => "`where`",
        when | kw_when => "`when`",
        sign | kw_add | kw_subtract => "`add` or `subtract`",
        up_to | kw_up => "`up to`",
        kw_to => "`to`",
        as_label | kw_as => "`as \"label\"`",
        group_bound | kw_max | kw_min => "`max` or `min`",
        ident | type_name => "a name",
        word | label_value => "a value",
        arm => "a label arm (`VALUE when CONDITION` or `VALUE otherwise`)",
        kw_otherwise => "`otherwise`",
        field_decl => "a field (`name: type`)",
        type_expr | list_type | record_type => "a type",
        optional => "`?`",
        unit => "`days`, `hours` or `weeks`",
        kw_with => "`with`",
        kw_any | any_kw => "`any`",
        kw_missing | kw_present => "`missing` or `present`",
        rule => "a rule",
        test_block | kw_test => "`test \"name\" { ... }`",
        as_of | kw_as_of => "`as_of`",
        timestamp => "a time such as `2026-11-01T00:00:00Z`",
        lead_entry | kw_lead => "`lead`",
        kw_from => "`from`",
        json_value | json_object | json_array | json_number | kw_null => "a JSON value",
        json_member | bare_key => "a `key: value` pair",
        expect_entry | kw_expect => "`expect`",
        expect_fired | kw_fired => "`fired \"rule label\"`",
        expect_between | expect_presence | expect_compare => "an expectation",
        expect_value => "a value",
        _ => return None,
    })
}

#[cfg(test)]
mod tests;

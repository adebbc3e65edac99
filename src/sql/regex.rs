//! Regexes rewritten for an engine's regex syntax, construct by construct.
//!
//! The pattern is parsed with `regex-syntax` (the parser of the regex the
//! interpreter runs) and written back in the target's spelling. Only
//! constructs that mean the same in Rust's regex and the engine's are
//! accepted: literals, `.`, bracketed classes of literals and ranges,
//! groups, alternation, repetition and the assertions `^ $ \b \B \A \z`.
//! Perl and Unicode classes (`\d`, `\w`, `\s`, `\p{..}`: Unicode in Rust,
//! ASCII or locale-dependent elsewhere), inline flags and anything else are
//! refused with the construct named.

use super::dialect::{Dialect, ReAssert};
use crate::rules::RegexLit;
use regex_syntax::ast::{self, Ast};

/// A construct that is not translated: what it is, and what to write instead.
pub(super) type Refused = (String, Option<String>);

fn refused(what: &str) -> Refused {
    (what.to_string(), None)
}

fn instead(what: &str, spelling: &str) -> Refused {
    (what.to_string(), Some(spelling.to_string()))
}

/// The pattern in `d`'s syntax (its case flag is passed separately), or
/// the construct that cannot be translated exactly.
pub(super) fn translate(re: &RegexLit, d: &dyn Dialect) -> Result<String, Refused> {
    let parsed = ast::parse::Parser::new()
        .parse(&re.pattern)
        .map_err(|_| refused("a pattern leadscore's parser rejects"))?;
    let mut out = String::new();
    write(&parsed, d, &mut out)?;
    Ok(out)
}

fn write(a: &Ast, d: &dyn Dialect, out: &mut String) -> Result<(), Refused> {
    match a {
        Ast::Empty(_) => Ok(()),
        Ast::Literal(l) => {
            push_literal(l.c, d, out);
            Ok(())
        }
        Ast::Dot(_) => {
            out.push_str(d.any_char());
            Ok(())
        }
        Ast::Assertion(x) => {
            let which = match x.kind {
                ast::AssertionKind::StartLine | ast::AssertionKind::StartText => ReAssert::Start,
                ast::AssertionKind::EndLine | ast::AssertionKind::EndText => ReAssert::End,
                ast::AssertionKind::WordBoundary => ReAssert::WordBoundary,
                ast::AssertionKind::NotWordBoundary => ReAssert::NotWordBoundary,
                ast::AssertionKind::WordBoundaryStart
                | ast::AssertionKind::WordBoundaryEnd
                | ast::AssertionKind::WordBoundaryStartAngle
                | ast::AssertionKind::WordBoundaryEndAngle
                | ast::AssertionKind::WordBoundaryStartHalf
                | ast::AssertionKind::WordBoundaryEndHalf => {
                    return Err(refused("a half word boundary (\\b{start}, \\<, ...)"))
                }
            };
            out.push_str(d.assertion(which));
            Ok(())
        }
        Ast::ClassBracketed(c) => {
            out.push('[');
            if c.negated {
                out.push('^');
            }
            class_set(&c.kind, d, out)?;
            out.push(']');
            Ok(())
        }
        Ast::Repetition(r) => {
            out.push_str("(?:");
            write(&r.ast, d, out)?;
            out.push(')');
            match &r.op.kind {
                ast::RepetitionKind::ZeroOrOne => out.push('?'),
                ast::RepetitionKind::ZeroOrMore => out.push('*'),
                ast::RepetitionKind::OneOrMore => out.push('+'),
                ast::RepetitionKind::Range(range) => match range {
                    ast::RepetitionRange::Exactly(n) => out.push_str(&format!("{{{n}}}")),
                    ast::RepetitionRange::AtLeast(n) => out.push_str(&format!("{{{n},}}")),
                    ast::RepetitionRange::Bounded(n, m) => out.push_str(&format!("{{{n},{m}}}")),
                },
            }
            Ok(())
        }
        Ast::Group(g) => {
            match &g.kind {
                ast::GroupKind::CaptureIndex(_)
                | ast::GroupKind::CaptureName { .. }
                | ast::GroupKind::NonCapturing(_) => {}
            }
            if let ast::GroupKind::NonCapturing(flags) = &g.kind {
                if !flags.items.is_empty() {
                    return Err(refused("inline flags (?i:...)"));
                }
            }
            out.push_str("(?:");
            write(&g.ast, d, out)?;
            out.push(')');
            Ok(())
        }
        Ast::Alternation(alt) => {
            out.push_str("(?:");
            for (i, x) in alt.asts.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                write(x, d, out)?;
            }
            out.push(')');
            Ok(())
        }
        Ast::Concat(c) => c.asts.iter().try_for_each(|x| write(x, d, out)),
        Ast::Flags(_) => Err(refused("inline flags (?i)")),
        Ast::ClassUnicode(_) => Err(refused("a Unicode class (\\p{..})")),
        Ast::ClassPerl(p) => Err(match p.kind {
            ast::ClassPerlKind::Digit => instead("\\d", "[0-9]"),
            ast::ClassPerlKind::Space => instead("\\s", "the characters, e.g. [ \\t]"),
            ast::ClassPerlKind::Word => instead("\\w", "[A-Za-z0-9_]"),
        }),
    }
}

/// A literal character, escaped when it is not a letter, digit or a plain
/// ASCII sign (an escaped non-alphanumeric character is itself in every engine).
fn push_literal(c: char, d: &dyn Dialect, out: &mut String) {
    if let Some(escape) = d.regex_escape(c) {
        out.push_str(&escape);
    } else if c.is_alphanumeric() || c == ' ' || c == '_' || c == '/' || c == '@' || c == '\'' {
        out.push(c);
    } else if c.is_ascii_punctuation() {
        out.push('\\');
        out.push(c);
    } else {
        out.push(c);
    }
}

fn class_set(set: &ast::ClassSet, d: &dyn Dialect, out: &mut String) -> Result<(), Refused> {
    match set {
        ast::ClassSet::Item(item) => class_item(item, d, out),
        ast::ClassSet::BinaryOp(_) => Err(refused("a class operation (&&, --, ~~)")),
    }
}

fn class_item(item: &ast::ClassSetItem, d: &dyn Dialect, out: &mut String) -> Result<(), Refused> {
    match item {
        ast::ClassSetItem::Empty(_) => Ok(()),
        ast::ClassSetItem::Literal(l) => {
            push_literal(l.c, d, out);
            Ok(())
        }
        ast::ClassSetItem::Range(r) => {
            push_literal(r.start.c, d, out);
            out.push('-');
            push_literal(r.end.c, d, out);
            Ok(())
        }
        ast::ClassSetItem::Union(u) => u.items.iter().try_for_each(|i| class_item(i, d, out)),
        ast::ClassSetItem::Ascii(_) => Err(refused("an ASCII class ([[:alpha:]])")),
        ast::ClassSetItem::Unicode(_) => Err(refused("a Unicode class (\\p{..})")),
        ast::ClassSetItem::Perl(_) => Err(instead(
            "\\d, \\s or \\w inside a class",
            "the ranges, e.g. [0-9A-Za-z_]",
        )),
        ast::ClassSetItem::Bracketed(_) => Err(refused("a nested class")),
    }
}

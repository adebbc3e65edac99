//! Regex literals: flags checked, pattern compiled, errors pointed into the pattern.

use super::error::{Expected, Problem, Role};
use super::expr::lit;
use super::Checker;
use crate::rules::{TExpr, TExprKind, Type};
use crate::syntax::ast::{Expr, ExprKind, Span};

impl Checker<'_> {
    /// The right side of `matches`: must be a regex literal that compiles.
    pub(super) fn regex_literal(&mut self, re: &Expr) -> TExpr {
        let ExprKind::Regex {
            pattern,
            flags,
            pattern_span,
        } = &re.kind
        else {
            return self.not_the_literal(re, Expected::Regex, Role::Matches);
        };
        self.regex_flags(flags, *pattern_span);
        if let Some(p) = regex_error(pattern, *pattern_span) {
            self.report(p);
        }
        let folded = if flags.contains('i') {
            format!("(?i){pattern}")
        } else {
            pattern.clone()
        };
        lit(TExprKind::Regex(folded), Type::Regex, re.span)
    }

    /// Reports every flag other than `i` (flags follow the closing slash).
    fn regex_flags(&mut self, flags: &str, pattern_span: Span) {
        let after = pattern_span.end + 1;
        for (i, flag) in flags.char_indices().filter(|(_, c)| *c != 'i') {
            let start = after + i as u32;
            let span = Span {
                start,
                end: start + flag.len_utf8() as u32,
                ..pattern_span
            };
            self.report(Problem::UnknownRegexFlag { span, flag });
        }
    }
}

/// The problem with a pattern, if the regex engine rejects it; the span is
/// narrowed to the part of the pattern the engine blames.
fn regex_error(pattern: &str, pattern_span: Span) -> Option<Problem> {
    let (span, message) = match regex_syntax::Parser::new().parse(pattern) {
        Err(regex_syntax::Error::Parse(e)) => (Some(*e.span()), e.kind().to_string()),
        Err(regex_syntax::Error::Translate(e)) => (Some(*e.span()), e.kind().to_string()),
        Err(e) => (None, e.to_string()),
        Ok(_) => match regex::Regex::new(pattern) {
            Ok(_) => return None,
            Err(e) => (None, e.to_string()),
        },
    };
    let span = match span {
        Some(s) => Span {
            start: pattern_span.start + s.start.offset as u32,
            end: pattern_span.start + s.end.offset.max(s.start.offset + 1) as u32,
            ..pattern_span
        },
        None => pattern_span,
    };
    let end = span.end.min(pattern_span.end.max(span.start + 1));
    Some(Problem::InvalidRegex {
        span: Span { end, ..span },
        message,
    })
}

//! Regex literals: flags checked, pattern compiled, errors pointed into the pattern.

use super::error::{Expected, Problem, Role};
use super::Checker;
use crate::rules::RegexLit;
use crate::syntax::ast::{Expr, ExprKind, Span};

impl Checker<'_> {
    /// The right side of `matches`: must be a regex literal that compiles
    /// with its flag. `None` after reporting the problem.
    pub(super) fn regex_literal(&mut self, re: &Expr) -> Option<RegexLit> {
        let ExprKind::Regex {
            pattern,
            flags,
            pattern_span,
        } = &re.kind
        else {
            self.not_the_literal(re, Expected::Regex, Role::Matches);
            return None;
        };
        self.regex_flags(flags, *pattern_span);
        let case_insensitive = flags.contains('i');
        match regex_error(pattern, case_insensitive, *pattern_span) {
            Ok(lit) => Some(lit),
            Err(p) => {
                self.report(p);
                None
            }
        }
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

/// The compiled pattern, or the problem with it if the regex engine rejects
/// it (with its flag: case folding can make a pattern too big); the span is
/// narrowed to the part of the pattern the engine blames.
fn regex_error(
    pattern: &str,
    case_insensitive: bool,
    pattern_span: Span,
) -> Result<RegexLit, Problem> {
    let mut parser = regex_syntax::ParserBuilder::new()
        .case_insensitive(case_insensitive)
        .build();
    let (span, message) = match parser.parse(pattern) {
        Err(regex_syntax::Error::Parse(e)) => (Some(*e.span()), e.kind().to_string()),
        Err(regex_syntax::Error::Translate(e)) => (Some(*e.span()), e.kind().to_string()),
        Err(e) => (None, e.to_string()),
        Ok(_) => match RegexLit::new(pattern, case_insensitive) {
            Ok(lit) => return Ok(lit),
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
    Err(Problem::InvalidRegex {
        span: Span { end, ..span },
        message,
    })
}

#[cfg(test)]
mod tests {
    use crate::syntax::MemReader;

    /// `k{60000}` compiles, but not with the case flag (case folding turns
    /// each `k` into `[kK\u{212A}]`, past the size limit). The checker used
    /// to compile the pattern without its flag, accept it, and the rule then
    /// silently never fired; now the pattern is compiled as it will run.
    #[test]
    fn a_regex_too_big_with_its_flag_is_refused() {
        assert!(regex::Regex::new("k{60000}").is_ok());
        let src = "when name matches /k{60000}/i add 5\n";
        let loaded = crate::load_str("t.rules", src, &MemReader::default());
        let codes: Vec<_> = loaded.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["leadscore::invalid_regex"]);
        assert!(loaded.ruleset.is_none());
    }

    #[test]
    fn the_flag_is_kept_apart_and_applied() {
        let src = "when name matches /^acme$/i add 5\n";
        let loaded = crate::load_str("t.rules", src, &MemReader::default());
        let rs = loaded.ruleset.expect("accepted");
        let program = crate::eval::Program::compile(&rs);
        let opts = crate::eval::EvalOptions {
            as_of: chrono::Utc::now(),
        };
        let lead = serde_json::json!({"name": "ACME"});
        assert_eq!(program.score(&lead, &opts).unwrap().score, 5.0);
    }
}

//! The suggested rules file: the original text with only the points (and
//! their `add`/`subtract`, and `up to` caps scaled alike) and the label
//! thresholds replaced in place, so the layout and the comments stay as
//! they were and `leadscore diff` shows exactly the change in points.

use super::sample::{features, Feature};
use super::scorecard::scaled_cap;
use crate::rules::{Ruleset, TExpr, TExprKind};
use crate::syntax::ast::{ArithOp, CmpOp, FileId};
use std::ops::Range;

/// The rewritten text and the rules it could not rewrite.
#[derive(Clone, Debug, PartialEq)]
pub struct Rewritten {
    /// The new text of the entry file.
    pub text: String,
    /// Labels of rules left as they were (defined in an included file, or
    /// written so that their points cannot be replaced in place).
    pub skipped: Vec<String>,
}

/// Rewrites `text` (the file `file` of the ruleset) with `points` per rule
/// (sign applied; per unit for a per-event rule) and the `score >= N`
/// thresholds given as (label index, arm index, N).
pub fn rewrite(
    text: &str,
    file: FileId,
    rules: &Ruleset,
    points: &[f64],
    thresholds: &[(usize, usize, f64)],
) -> Rewritten {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut skipped = Vec::new();
    for ((rule, feature), &p) in rules.rules.iter().zip(features(rules)).zip(points) {
        let found = (rule.span.file == file)
            .then(|| rule_edits(text, &rule.points, rule.span.range(), feature, p))
            .flatten();
        match found {
            Some(e) => edits.extend(e),
            None => skipped.push(rule.label.clone()),
        }
    }
    for &(l, arm, n) in thresholds {
        let when = rules.labels[l].arms[arm].when.as_ref();
        if let Some(span) = when.and_then(floor_literal).filter(|s| s.file == file) {
            edits.push((span.range(), number(n)));
        }
    }
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut text = text.to_string();
    for (range, new) in edits {
        text.replace_range(range, &new);
    }
    Rewritten { text, skipped }
}

/// The edits for one rule: its sign keyword, its points, its `up to`.
fn rule_edits(
    text: &str,
    points: &TExpr,
    rule: Range<usize>,
    feature: Feature,
    p: f64,
) -> Option<Vec<(Range<usize>, String)>> {
    let mut edits = vec![(sign_keyword(text, points.span.start as usize)?, keyword(p))];
    let magnitude = number(p.abs());
    match (feature, &points.kind) {
        (Feature::Flag, _) => edits.push((points.span.range(), magnitude)),
        (Feature::Count { unit }, TExprKind::Arith(ArithOp::Mul, a, b)) if unit != 1.0 => {
            let literal = [a, b]
                .into_iter()
                .find(|e| matches!(e.kind, TExprKind::Number(_)))?;
            edits.push((literal.span.range(), magnitude));
            if let Some((range, cap)) = up_to(text, points.span.end as usize, rule.end) {
                edits.push((range, number(scaled_cap(cap, p, unit))));
            }
        }
        (Feature::Count { .. }, _) => {
            let source = &text[points.span.range()];
            edits.push((points.span.range(), format!("{magnitude} * ({source})")));
            if let Some((range, cap)) = up_to(text, points.span.end as usize, rule.end) {
                edits.push((range, number(scaled_cap(cap, p, 1.0))));
            }
        }
    }
    Some(edits)
}

/// The `add` or `subtract` just before the points.
fn sign_keyword(text: &str, points_start: usize) -> Option<Range<usize>> {
    let before = text[..points_start].trim_end();
    ["subtract", "add"].into_iter().find_map(|k| {
        let start = before.strip_suffix(k).map(str::len)?;
        let boundary = text[..start].chars().last().is_none_or(char::is_whitespace);
        boundary.then_some(start..start + k.len())
    })
}

fn keyword(p: f64) -> String {
    if p < 0.0 { "subtract" } else { "add" }.to_string()
}

/// The number after `up to` between the points and the end of the rule.
fn up_to(text: &str, from: usize, end: usize) -> Option<(Range<usize>, f64)> {
    let tail = &text[from..end];
    let rest = tail.trim_start().strip_prefix("up")?;
    let rest = rest.trim_start().strip_prefix("to")?;
    let digits = rest.trim_start();
    let len = digits
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(digits.len());
    let start = from + tail.len() - digits.len();
    let value = digits[..len].replace('_', "").parse().ok()?;
    Some((start..start + len, value))
}

/// The `N` literal of a `score >= N` condition.
fn floor_literal(when: &TExpr) -> Option<crate::syntax::ast::Span> {
    match &when.kind {
        TExprKind::Compare(CmpOp::Ge, a, b) if matches!(a.kind, TExprKind::Score) => {
            matches!(b.kind, TExprKind::Number(_)).then_some(b.span)
        }
        _ => None,
    }
}

/// A number as a rules file writes it: `12`, `2.5`.
fn number(x: f64) -> String {
    let x = x + 0.0;
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::MemReader;

    fn rewritten(text: &str, points: &[f64], thresholds: &[(usize, usize, f64)]) -> Rewritten {
        let loaded = crate::load_str("t.rules", text, &MemReader::with(&[]));
        let rules = loaded.ruleset.expect("rules check");
        rewrite(text, FileId(0), &rules, points, thresholds)
    }

    #[test]
    fn points_signs_caps_and_thresholds_change_in_place() {
        let text = "# keep me\nwhen title == \"x\" add 5 as \"x\"  # and me\n\
                    group g max 10 {\n  add 2 * count(events) up to 10 as \"opens\"\n}\n\
                    label tier {\n  hot when score >= 80\n  cold otherwise\n}\n";
        let r = rewritten(text, &[-3.0, 0.5], &[(0, 0, 42.0)]);
        assert!(r.skipped.is_empty());
        assert_eq!(
            r.text,
            "# keep me\nwhen title == \"x\" subtract 3 as \"x\"  # and me\n\
             group g max 10 {\n  add 0.5 * count(events) up to 2.5 as \"opens\"\n}\n\
             label tier {\n  hot when score >= 42\n  cold otherwise\n}\n"
        );
    }

    #[test]
    fn a_count_without_a_factor_gets_one() {
        let r = rewritten("add count(events)\n", &[-2.0], &[]);
        assert_eq!(r.text, "subtract 2 * (count(events))\n");
    }
}

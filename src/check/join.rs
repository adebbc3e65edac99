//! Labels built from labels: `label grade = fit_grade + engagement_level`.
//!
//! A built label becomes an ordinary label whose arms are every combination
//! of its parts' values (the first part varying slowest), each arm's value
//! the parts' values put together and its condition that each part label
//! has that value. So evaluation, tests, coverage, summaries and later
//! labels reading it need nothing new; and a lead for which some part has
//! no value (its block matched no arm) matches no arm: the built label has
//! no value either, never a value missing a piece.

use super::error::Problem;
use super::suggest::did_you_mean;
use super::Checker;
use crate::rules::{ArmDef, LabelDef, TExpr, TExprKind, Type};
use crate::syntax::ast::{CmpOp, Ident, JoinPart, LabelJoin, Span};

/// The most arms a built label may stand for.
pub const MAX_COMBINATIONS: usize = 1000;

/// One part, checked: a label (its index) or text.
enum Part {
    Label(usize),
    Text(String),
}

impl Checker<'_> {
    /// The values a built label can take, from the labels known so far
    /// (unknown parts give none), for the label pre-pass.
    pub(super) fn join_values(&self, j: &LabelJoin) -> Vec<String> {
        let parts: Vec<Vec<String>> = j
            .parts
            .iter()
            .map(|p| match p {
                JoinPart::Label(name) => self
                    .labels
                    .get(&name.node)
                    .map_or_else(Vec::new, |l| distinct(&l.values)),
                JoinPart::Text(t) => vec![t.node.clone()],
            })
            .collect();
        combinations(&parts, MAX_COMBINATIONS)
            .map(|combos| combos.into_iter().map(|(value, _)| value).collect())
            .unwrap_or_default()
    }

    /// Checks a built label and spells out its arms.
    pub(super) fn label_join(&mut self, j: &LabelJoin) -> LabelDef {
        let parts: Vec<Option<Part>> = j.parts.iter().map(|p| self.join_part(p)).collect();
        let mut def = LabelDef {
            name: j.name.node.clone(),
            arms: Vec::new(),
            span: j.span,
            built: true,
        };
        let Some(parts) = parts.into_iter().collect::<Option<Vec<Part>>>() else {
            return def;
        };
        let values: Vec<Vec<String>> = parts
            .iter()
            .map(|p| match p {
                Part::Label(i) => distinct(&self.label_values(*i)),
                Part::Text(t) => vec![t.clone()],
            })
            .collect();
        let Some(combos) = combinations(&values, MAX_COMBINATIONS) else {
            let count = values.iter().map(Vec::len).product();
            self.report(Problem::TooManyCombinations {
                span: j.span,
                count,
                limit: MAX_COMBINATIONS,
            });
            return def;
        };
        def.arms = combos
            .into_iter()
            .map(|(value, picks)| ArmDef {
                value,
                when: Some(condition(&parts, &values, &picks, j.span)),
                span: j.span,
            })
            .collect();
        def
    }

    /// The values of label `i`, in arm order.
    fn label_values(&self, i: usize) -> Vec<String> {
        self.labels
            .values()
            .find(|l| l.index == i)
            .map_or_else(Vec::new, |l| l.values.clone())
    }

    fn join_part(&mut self, p: &JoinPart) -> Option<Part> {
        let name = match p {
            JoinPart::Text(t) => return Some(Part::Text(t.node.clone())),
            JoinPart::Label(name) => name,
        };
        if self.labels.contains_key(&name.node) {
            let t = self.label_ref(name);
            return match t.kind {
                TExprKind::Label(i) => Some(Part::Label(i)),
                _ => None,
            };
        }
        self.not_a_label(name);
        None
    }

    fn not_a_label(&mut self, name: &Ident) {
        let labels = self.labels.keys().map(String::as_str);
        let suggestion = did_you_mean(&name.node, labels).map(String::from);
        self.report(Problem::NotALabel {
            span: name.span,
            name: name.node.clone(),
            suggestion,
            group: self.groups.contains_key(&name.node),
        });
    }
}

/// The values without repeats, in first-seen order.
fn distinct(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// Every combination of one value per part (the first part varying
/// slowest): the joined text and the index picked in each part; `None`
/// when there would be more than `limit`.
fn combinations(parts: &[Vec<String>], limit: usize) -> Option<Vec<(String, Vec<usize>)>> {
    let mut out = vec![(String::new(), Vec::new())];
    for values in parts {
        if out.len().saturating_mul(values.len()) > limit {
            return None;
        }
        out = out
            .iter()
            .flat_map(|(text, picks)| {
                values.iter().enumerate().map(move |(i, v)| {
                    let mut picks = picks.clone();
                    picks.push(i);
                    (format!("{text}{v}"), picks)
                })
            })
            .collect();
    }
    Some(out)
}

/// `part1 == v1 and part2 == v2 ...` over the label parts (text parts hold always).
fn condition(parts: &[Part], values: &[Vec<String>], picks: &[usize], span: Span) -> TExpr {
    let typed = |kind, ty| TExpr { kind, ty, span };
    let tests: Vec<TExpr> = parts
        .iter()
        .zip(values.iter().zip(picks))
        .filter_map(|(p, (vals, &k))| match p {
            Part::Label(i) => Some(typed(
                TExprKind::Compare(
                    CmpOp::Eq,
                    Box::new(typed(TExprKind::Label(*i), Type::String)),
                    Box::new(typed(TExprKind::String(vals[k].clone()), Type::String)),
                ),
                Type::Bool,
            )),
            Part::Text(_) => None,
        })
        .collect();
    match tests.len() {
        0 => typed(TExprKind::Bool(true), Type::Bool),
        1 => tests
            .into_iter()
            .next()
            .unwrap_or_else(|| typed(TExprKind::Bool(true), Type::Bool)),
        _ => typed(TExprKind::And(tests), Type::Bool),
    }
}

#[cfg(test)]
mod tests {
    use super::combinations;

    #[test]
    fn combinations_vary_the_last_part_fastest_and_stop_at_the_limit() {
        let parts = vec![
            vec!["A".to_string(), "B".to_string()],
            vec!["-".to_string()],
            vec!["1".to_string(), "2".to_string()],
        ];
        let combos = combinations(&parts, 10).unwrap();
        let texts: Vec<&str> = combos.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["A-1", "A-2", "B-1", "B-2"]);
        assert_eq!(combos[2].1, [1, 0, 0]);
        assert!(combinations(&parts, 3).is_none());
    }
}

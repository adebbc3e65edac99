//! Lints about what a condition reads and how it groups: a condition that
//! reads nothing of the lead (`when "Job Title" contains "title"`) and `or`
//! mixed with `and` without parentheses (`a or b and c`).

use super::expr::children;
use super::Lint;
use crate::rules::{Ruleset, TExpr, TExprKind};
use crate::source::SourceMap;

/// `constant_condition`: a rule or label-arm condition that is the same for
/// every lead, because it reads no lead field, total or label.
pub fn constant_conditions(rs: &Ruleset, found: &mut Vec<Lint>) {
    let arms = rs.labels.iter().flat_map(|l| l.arms.iter());
    let conds = rs
        .rules
        .iter()
        .filter_map(|r| r.when.as_ref())
        .chain(arms.filter_map(|a| a.when.as_ref()));
    for cond in conds {
        if !reads_lead(rs, cond) {
            found.push(Lint::ConstantCondition { span: cond.span });
        }
    }
}

/// `true` when `e` reads something that can differ from lead to lead.
fn reads_lead(rs: &Ruleset, e: &TExpr) -> bool {
    match &e.kind {
        TExprKind::Field(_) | TExprKind::Score | TExprKind::GroupTotal(_) => true,
        TExprKind::Label(_) => true,
        TExprKind::Let(i) => rs.lets.get(*i).is_some_and(|l| reads_lead(rs, &l.value)),
        TExprKind::Number(_)
        | TExprKind::String(_)
        | TExprKind::Bool(_)
        | TExprKind::Datetime(_) => false,
        // Everything else reads the lead exactly when a part of it does;
        // a new kind of node must be placed here or above.
        TExprKind::List(_)
        | TExprKind::Project(..)
        | TExprKind::Where(..)
        | TExprKind::Call(..)
        | TExprKind::NonEmpty(..)
        | TExprKind::Truth(..)
        | TExprKind::Every { .. }
        | TExprKind::Neg(_)
        | TExprKind::Not(_)
        | TExprKind::And(_)
        | TExprKind::Or(_)
        | TExprKind::Arith(..)
        | TExprKind::Compare(..)
        | TExprKind::In { .. }
        | TExprKind::Between(..)
        | TExprKind::Overlaps(..)
        | TExprKind::StrTest { .. }
        | TExprKind::Matches(..)
        | TExprKind::IsPresent(..)
        | TExprKind::Within(..)
        | TExprKind::WithinMonths(..)
        | TExprKind::Decay(..)
        | TExprKind::SumEach(..)
        | TExprKind::CountDistinct(_)
        | TExprKind::CountDistinctOf(..)
        | TExprKind::TimePart(..)
        | TExprKind::Pick(..)
        | TExprKind::Extreme(..)
        | TExprKind::Rollup(..)
        | TExprKind::Capped { .. } => children(e).into_iter().any(|c| reads_lead(rs, c)),
    }
}

/// `mixed_and_or`: an `and` directly inside an `or` without parentheses
/// around it, in any expression of the ruleset.
pub fn mixed_and_or(sources: &SourceMap, rs: &Ruleset, found: &mut Vec<Lint>) {
    let lets = rs.lets.iter().map(|l| &l.value);
    let rules = rs
        .rules
        .iter()
        .flat_map(|r| r.when.iter().chain(std::iter::once(&r.points)));
    let arms = rs
        .labels
        .iter()
        .flat_map(|l| l.arms.iter().filter_map(|a| a.when.as_ref()));
    for e in lets.chain(rules).chain(arms) {
        mixed_in(sources, e, found);
    }
}

fn mixed_in(sources: &SourceMap, e: &TExpr, found: &mut Vec<Lint>) {
    if let TExprKind::Or(xs) = &e.kind {
        for x in xs {
            if matches!(x.kind, TExprKind::And(_)) && !parenthesised(sources, x) {
                found.push(Lint::MixedAndOr {
                    span: x.span,
                    or: e.span,
                });
            }
        }
    }
    for c in children(e) {
        mixed_in(sources, c, found);
    }
}

/// `true` when the text of `e` stands directly inside `( )`.
fn parenthesised(sources: &SourceMap, e: &TExpr) -> bool {
    let text = &sources.get(e.span.file).text;
    let before = text[..e.span.start as usize].trim_end();
    let after = text[e.span.end as usize..].trim_start();
    before.ends_with('(') && after.starts_with(')')
}

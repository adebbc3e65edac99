//! Lints: warnings about rules that check but are probably not what the
//! author meant. They run only on rules without errors.
//!
//! | code | what |
//! |---|---|
//! | `leadscore::never_fires` | a rule whose condition can never hold (`size > 100 and size < 50`, `between 9 and 1`, `in []`) |
//! | `leadscore::unreachable_arm` | a label arm that an earlier arm always takes first (`warm when score >= 40` above `hot when score >= 80`) |
//! | `leadscore::duplicate_condition` | a rule with the same condition as an earlier rule |
//! | `leadscore::unused_let` | a `let` nothing uses |
//! | `leadscore::unreachable_max` | a group whose rules together can never reach its `max` |
//! | `leadscore::no_otherwise` | a label block without `otherwise` (leads that match no arm get null) |
//! | `leadscore::constant_condition` | a condition that reads nothing of the lead, so it is the same for every lead (`"Job Title" contains "title"`) |
//! | `leadscore::mixed_and_or` | `a or b and c` without parentheses around the `and` |
//! | `leadscore::field_typo` | without a schema, a field read once whose name is a typo away from another field (`titel` beside `title`) |
//! | `leadscore::negligible_decay` | a `decay` whose weight falls below 1% within a day (`half_life: 2 hours`), so the points it gives depend on the hour a file is scored |
//!
//! A comment `# allow(code)` (or `# allow(code, other_code)`; the
//! `leadscore::` prefix is optional) silences a lint for one item when it
//! stands on the item's first line or in the comment lines right above it,
//! and for the whole file when it stands in the comments at the very top of
//! the file, before the first item.

mod allow;
pub mod expr;
mod logic;

use crate::rules::{Ruleset, TExpr};
use crate::source::SourceMap;
use crate::syntax::ast::{Sign, Span};
pub use expr::Never;
use std::collections::hash_map::{Entry, HashMap};

/// One lint finding, as data; the wording is in `diagnostics/check.rs`.
#[derive(Clone, Debug, PartialEq)]
pub enum Lint {
    /// A rule whose condition can never hold.
    NeverFires {
        /// The condition.
        span: Span,
        /// Why.
        why: Never,
    },
    /// A label arm an earlier arm always takes first.
    ShadowedArm {
        /// The arm that can never be chosen.
        span: Span,
        /// The earlier arm that covers it.
        by: Span,
    },
    /// A rule with the same condition as an earlier one.
    DuplicateCondition {
        /// The later rule's condition.
        span: Span,
        /// The earlier rule's condition.
        first: Span,
    },
    /// A `let` nothing uses.
    UnusedLet {
        /// The name in the definition.
        span: Span,
        /// The name.
        name: String,
    },
    /// A group whose rules together give less than its `max`.
    UnreachableMax {
        /// The group's head (`group fit max 60`).
        span: Span,
        /// The group.
        name: String,
        /// The `max`.
        max: f64,
        /// The most its rules can give together.
        reachable: f64,
    },
    /// A label block without `otherwise`.
    NoOtherwise {
        /// The block's head (`label tier`).
        span: Span,
        /// The label.
        name: String,
    },
    /// A condition that reads no lead field, total or label.
    ConstantCondition {
        /// The condition.
        span: Span,
    },
    /// An `and` directly inside an `or`, without parentheses.
    MixedAndOr {
        /// The `and`.
        span: Span,
        /// The whole `or`.
        or: Span,
    },
    /// Without a schema: a field read once, a typo away from another field.
    FieldTypo {
        /// The read.
        span: Span,
        /// The field's name.
        name: String,
        /// The other field's name.
        suggestion: String,
    },
    /// Without a schema: a field compared with `==`/`!=` to a list literal
    /// (`industry == ["Retail"]`), which makes the field a list; `in` was
    /// probably meant.
    ListEquality {
        /// The comparison.
        span: Span,
        /// `!=` rather than `==`.
        negated: bool,
    },
    /// A `decay` whose weight falls below 1% within a day.
    NegligibleDecay {
        /// The `decay(...)` call.
        span: Span,
        /// Its weight one day after the event.
        after_a_day: f64,
    },
}

impl Lint {
    /// The stable code, as `# allow(...)` names it.
    pub fn code(&self) -> &'static str {
        match self {
            Lint::NeverFires { .. } => "leadscore::never_fires",
            Lint::ShadowedArm { .. } => "leadscore::unreachable_arm",
            Lint::DuplicateCondition { .. } => "leadscore::duplicate_condition",
            Lint::UnusedLet { .. } => "leadscore::unused_let",
            Lint::UnreachableMax { .. } => "leadscore::unreachable_max",
            Lint::NoOtherwise { .. } => "leadscore::no_otherwise",
            Lint::ConstantCondition { .. } => "leadscore::constant_condition",
            Lint::MixedAndOr { .. } => "leadscore::mixed_and_or",
            Lint::FieldTypo { .. } => "leadscore::field_typo",
            Lint::NegligibleDecay { .. } => "leadscore::negligible_decay",
            Lint::ListEquality { .. } => "leadscore::list_equality",
        }
    }

    /// The primary span.
    pub fn span(&self) -> Span {
        match self {
            Lint::NeverFires { span, .. }
            | Lint::ShadowedArm { span, .. }
            | Lint::DuplicateCondition { span, .. }
            | Lint::UnusedLet { span, .. }
            | Lint::UnreachableMax { span, .. }
            | Lint::NoOtherwise { span, .. }
            | Lint::ConstantCondition { span }
            | Lint::MixedAndOr { span, .. }
            | Lint::FieldTypo { span, .. }
            | Lint::NegligibleDecay { span, .. }
            | Lint::ListEquality { span, .. } => *span,
        }
    }
}

/// Every lint of a checked ruleset, with `found` (lints the checker found
/// on its walk), that no `# allow(...)` silences, in source order.
pub fn run(sources: &SourceMap, rs: &Ruleset, mut found: Vec<Lint>) -> Vec<Lint> {
    rules(rs, &mut found);
    logic::constant_conditions(rs, &mut found);
    logic::mixed_and_or(sources, rs, &mut found);
    arms(sources, rs, &mut found);
    unused_lets(sources, rs, &mut found);
    group_maxes(sources, rs, &mut found);
    negligible_decays(rs, &mut found);
    let allows = allow::Allows::new(sources);
    found.retain(|l| !allows.allowed(l.span(), l.code()));
    found.sort_by_key(|l| (l.span().file, l.span().start));
    found
}

/// `negligible_decay`: a decay whose weight one day after the event is
/// below 1%.
fn negligible_decays(rs: &Ruleset, found: &mut Vec<Lint>) {
    fn walk(e: &TExpr, found: &mut Vec<Lint>) {
        if let crate::rules::TExprKind::Decay(_, d) = &e.kind {
            let after_a_day = d.weight_after(86_400.0);
            if after_a_day.is_some_and(|w| w < 0.01) {
                found.push(Lint::NegligibleDecay {
                    span: e.span,
                    after_a_day: after_a_day.unwrap_or(0.0),
                });
            }
        }
        e.children().into_iter().for_each(|c| walk(c, found));
    }
    let lets = rs.lets.iter().map(|l| &l.value);
    let rules = rs
        .rules
        .iter()
        .flat_map(|r| r.when.iter().chain([&r.points]));
    let arms = rs.labels.iter().flat_map(|l| l.arms.iter());
    lets.chain(rules)
        .chain(arms.filter_map(|a| a.when.as_ref()))
        .for_each(|e| walk(e, found));
}

/// `never_fires` and `duplicate_condition`.
fn rules(rs: &Ruleset, found: &mut Vec<Lint>) {
    let mut seen: HashMap<String, Span> = HashMap::new();
    for cond in rs.rules.iter().filter_map(|r| r.when.as_ref()) {
        if let Some(why) = expr::never(cond) {
            found.push(Lint::NeverFires {
                span: cond.span,
                why,
            });
        }
        match seen.entry(expr::key(cond)) {
            Entry::Occupied(first) => found.push(Lint::DuplicateCondition {
                span: cond.span,
                first: *first.get(),
            }),
            Entry::Vacant(v) => {
                v.insert(cond.span);
            }
        }
    }
}

/// `unreachable_arm` (an earlier arm covers a later one, above any
/// `otherwise`; arms after `otherwise` are the checker's own warning) and `no_otherwise`.
fn arms(sources: &SourceMap, rs: &Ruleset, found: &mut Vec<Lint>) {
    for label in &rs.labels {
        let end = label.arms.iter().position(|a| a.when.is_none());
        if end.is_none() && !label.built {
            let span = head(sources, label.span);
            found.push(Lint::NoOtherwise {
                span,
                name: label.name.clone(),
            });
        }
        let arms = &label.arms[..end.unwrap_or(label.arms.len())];
        for (j, later) in arms.iter().enumerate() {
            let Some(lc) = &later.when else { continue };
            let by = arms[..j]
                .iter()
                .find(|a| a.when.as_ref().is_some_and(|ec| expr::covers(ec, lc)));
            if let Some(by) = by {
                found.push(Lint::ShadowedArm {
                    span: later.span,
                    by: by.span,
                });
            }
        }
    }
}

/// `unused_let`: a `let` no rule, arm or used `let` refers to.
fn unused_lets(sources: &SourceMap, rs: &Ruleset, found: &mut Vec<Lint>) {
    let mut used = vec![false; rs.lets.len()];
    let roots = rs
        .rules
        .iter()
        .flat_map(|r| r.when.iter().chain(std::iter::once(&r.points)))
        .chain(
            rs.labels
                .iter()
                .flat_map(|l| l.arms.iter().filter_map(|a| a.when.as_ref())),
        );
    for e in roots {
        mark(e, &mut used);
    }
    // A let only refers to earlier lets: walking backwards marks through chains.
    for i in (0..rs.lets.len()).rev() {
        if used[i] {
            mark(&rs.lets[i].value, &mut used);
        }
    }
    for (def, _) in rs.lets.iter().zip(&used).filter(|(_, u)| !**u) {
        let span = let_name(sources, def.span);
        found.push(Lint::UnusedLet {
            span,
            name: def.name.clone(),
        });
    }
}

fn mark(e: &TExpr, used: &mut [bool]) {
    if let Some(i) = e.let_ref() {
        if let Some(u) = used.get_mut(i) {
            *u = true;
        }
    }
    for c in expr::children(e) {
        mark(c, used);
    }
}

/// `unreachable_max`: the best case of every rule of a group, added up, is below its `max`.
fn group_maxes(sources: &SourceMap, rs: &Ruleset, found: &mut Vec<Lint>) {
    for (g, group) in rs.groups.iter().enumerate() {
        let Some(max) = group.max else { continue };
        let best: Option<f64> = rs
            .rules
            .iter()
            .filter(|r| r.group == Some(g))
            .filter(|r| r.when.as_ref().is_none_or(|w| expr::never(w).is_none()))
            .map(|r| most(r.sign, &r.points, r.up_to))
            .sum();
        if let Some(reachable) = best.filter(|&b| b < max) {
            let span = head(sources, group.span);
            found.push(Lint::UnreachableMax {
                span,
                name: group.name.clone(),
                max,
                reachable,
            });
        }
    }
}

/// The most points a rule can give, or `None` when its points have no upper bound.
fn most(sign: Sign, points: &TExpr, up_to: Option<f64>) -> Option<f64> {
    let n = expr::number(points);
    match sign {
        Sign::Add => match (n, up_to) {
            (Some(n), Some(u)) => Some(n.min(u).max(0.0)),
            (Some(n), None) => Some(n.max(0.0)),
            (None, Some(u)) => Some(u.max(0.0)),
            (None, None) => None,
        },
        Sign::Subtract => n.map(|n| (-n).max(0.0)),
    }
}

/// An item's head: its text up to the `{`, trimmed (`group fit max 60`).
fn head(sources: &SourceMap, span: Span) -> Span {
    let text = sources.snippet(span);
    let len = text.find('{').unwrap_or(text.len());
    let len = text[..len].trim_end().len();
    Span {
        end: span.start + len as u32,
        ..span
    }
}

/// The name in `let NAME = ...`.
fn let_name(sources: &SourceMap, span: Span) -> Span {
    let text = sources.snippet(span);
    let after = text.strip_prefix("let").unwrap_or(text);
    let skip = text.len() - after.len() + (after.len() - after.trim_start().len());
    let name = text[skip..]
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len() - skip);
    Span {
        start: span.start + skip as u32,
        end: span.start + (skip + name) as u32,
        ..span
    }
}

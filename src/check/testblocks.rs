//! Type-checking test blocks against the ruleset they test: every
//! expectation names `score`, a group or a label that exists, compares it
//! with a value of the right kind, and every `fired` names a rule label.
//! Test blocks never become rules; they only add problems here.

use super::suggest::did_you_mean;
use super::Problem;
use crate::rules::Ruleset;
use crate::syntax::ast::{
    CmpOp, ExpectKind, ExpectValueKind, Expectation, Ident, Item, Span, TestBlock, TestEntry,
};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// What an expectation's target is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// `score`
    Score,
    /// A group total.
    Group,
    /// A label.
    Label,
}

/// One problem in a test block.
#[derive(Clone, Debug, PartialEq)]
pub enum TestProblem {
    /// `expect tiers == hot`: not `score`, a group or a label.
    UnknownTarget {
        /// The name.
        span: Span,
        /// The name as written.
        name: String,
        /// The closest of `score`, the groups and the labels.
        suggestion: Option<String>,
    },
    /// `expect fired "executive titel"`: no rule has that label.
    UnknownRule {
        /// The label string.
        span: Span,
        /// The label.
        rule: String,
        /// The closest rule label.
        suggestion: Option<String>,
    },
    /// `expect tier == hto`: the label never takes that value.
    UnknownLabelValue {
        /// The value.
        span: Span,
        /// The label's name.
        label: String,
        /// The value as written.
        value: String,
        /// The closest value of the label.
        suggestion: Option<String>,
    },
    /// `expect score == hot`: a number is needed.
    NumberExpected {
        /// The value.
        span: Span,
        /// The target's name.
        target: String,
        /// `Score` or `Group`.
        kind: TargetKind,
    },
    /// `expect tier > hot` or `tier between ...`: labels are only equal or not.
    LabelOrdered {
        /// The expectation.
        span: Span,
        /// The label's name.
        label: String,
    },
    /// `expect score is missing`: scores and group totals always exist.
    AlwaysPresent {
        /// The expectation.
        span: Span,
        /// The target's name.
        target: String,
    },
    /// A test without a `lead` entry.
    MissingLead {
        /// The test's name.
        span: Span,
    },
    /// A second `lead` or `as_of` in one test.
    DuplicateEntry {
        /// The second entry.
        span: Span,
        /// The first.
        first: Span,
        /// `lead` or `as_of`.
        entry: &'static str,
    },
    /// An `as_of` that is not an RFC 3339 time or a date.
    BadAsOf {
        /// The time as written.
        span: Span,
        /// Its text.
        text: String,
    },
    /// Two tests with the same name.
    DuplicateTest {
        /// The second test's name.
        span: Span,
        /// The test's name.
        name: String,
        /// The first test's name.
        first: Span,
    },
    /// `expect account ...` in rules without an `account` block.
    NoAccountBlock {
        /// The expectation.
        span: Span,
    },
    /// An expectation of the lead in a test with several leads: which lead
    /// it means is not said.
    LeadOfSeveral {
        /// The expectation.
        span: Span,
    },
    /// Tests in a ruleset without rules, groups or labels (e.g. a test file
    /// that does not include the rules it tests).
    NoRules {
        /// The first test's name.
        span: Span,
    },
}

/// Checks every test block of `items` against `rs`.
pub(super) fn check(rs: &Ruleset, items: &[Item], problems: &mut Vec<Problem>) {
    let tests: Vec<&TestBlock> = items
        .iter()
        .filter_map(|i| match i {
            Item::Test(t) => Some(t),
            _ => None,
        })
        .collect();
    let Some(first) = tests.first() else { return };
    if rs.rules.is_empty() && rs.labels.is_empty() && rs.groups.is_empty() {
        problems.push(Problem::Test(TestProblem::NoRules {
            span: first.name.span,
        }));
    }
    let targets = Targets::new(rs);
    let account = rs.account.as_deref().map(|a| Targets::new(&a.rules));
    let mut names: HashMap<&str, Span> = HashMap::new();
    for t in tests {
        if let Some(&first) = names.get(t.name.node.as_str()) {
            let (span, name) = (t.name.span, t.name.node.clone());
            problems.push(Problem::Test(TestProblem::DuplicateTest {
                span,
                name,
                first,
            }));
        } else {
            names.insert(&t.name.node, t.name.span);
        }
        for p in block(&targets, account.as_ref(), t) {
            problems.push(Problem::Test(p));
        }
    }
}

/// The names an expectation can refer to.
struct Targets<'r> {
    rs: &'r Ruleset,
    names: Vec<&'r str>,
}

impl<'r> Targets<'r> {
    fn new(rs: &'r Ruleset) -> Targets<'r> {
        let mut names = vec!["score"];
        names.extend(rs.groups.iter().map(|g| g.name.as_str()));
        names.extend(rs.labels.iter().map(|l| l.name.as_str()));
        Targets { rs, names }
    }

    /// The kind of a target and, for a label, its index.
    fn resolve(&self, name: &str) -> Option<(TargetKind, usize)> {
        if name == "score" {
            return Some((TargetKind::Score, 0));
        }
        if let Some(g) = self.rs.groups.iter().position(|g| g.name == name) {
            return Some((TargetKind::Group, g));
        }
        let l = self.rs.labels.iter().position(|l| l.name == name)?;
        Some((TargetKind::Label, l))
    }
}

/// The problems of one test block.
fn block(targets: &Targets, account: Option<&Targets>, t: &TestBlock) -> Vec<TestProblem> {
    let mut out = Vec::new();
    let (mut lead, mut as_of): (Option<Span>, Option<Span>) = (None, None);
    let leads = t
        .entries
        .iter()
        .filter(|e| matches!(e, TestEntry::Lead(_)))
        .count();
    for entry in &t.entries {
        match entry {
            TestEntry::Lead(l) => lead = lead.or(Some(l.span)),
            TestEntry::AsOf(time) => {
                once(&mut as_of, time.span, "as_of", &mut out);
                if parse_time(&time.node).is_none() {
                    let (span, text) = (time.span, time.node.clone());
                    out.push(TestProblem::BadAsOf { span, text });
                }
            }
            TestEntry::Expect(e) if e.account => match account {
                Some(account) => out.extend(expectation(account, e)),
                None => out.push(TestProblem::NoAccountBlock { span: e.span }),
            },
            TestEntry::Expect(e) if leads > 1 => {
                out.push(TestProblem::LeadOfSeveral { span: e.span });
            }
            TestEntry::Expect(e) => out.extend(expectation(targets, e)),
        }
    }
    if lead.is_none() {
        out.push(TestProblem::MissingLead { span: t.name.span });
    }
    out
}

/// Records the first entry of a kind; reports any later one.
fn once(seen: &mut Option<Span>, span: Span, entry: &'static str, out: &mut Vec<TestProblem>) {
    match seen {
        Some(first) => out.push(TestProblem::DuplicateEntry {
            span,
            first: *first,
            entry,
        }),
        None => *seen = Some(span),
    }
}

/// The problem with one expectation, if any.
fn expectation(targets: &Targets, e: &Expectation) -> Option<TestProblem> {
    let rules = targets.rs.rules.iter().map(|r| r.label.as_str());
    let target = match &e.kind {
        ExpectKind::Fired { rule, .. } => {
            if targets.rs.rules.iter().any(|r| r.label == rule.node) {
                return None;
            }
            return Some(TestProblem::UnknownRule {
                span: rule.span,
                rule: rule.node.clone(),
                suggestion: did_you_mean(&rule.node, rules).map(String::from),
            });
        }
        ExpectKind::Compare { target, .. }
        | ExpectKind::Between { target, .. }
        | ExpectKind::Presence { target, .. } => target,
    };
    let Some((kind, index)) = targets.resolve(&target.node) else {
        let suggestion = did_you_mean(&target.node, targets.names.iter().copied());
        return Some(TestProblem::UnknownTarget {
            span: target.span,
            name: target.node.clone(),
            suggestion: suggestion.map(String::from),
        });
    };
    match kind {
        TargetKind::Label => label_expectation(targets.rs, index, target, e),
        TargetKind::Score | TargetKind::Group => number_expectation(kind, target, e),
    }
}

/// Scores and group totals: numbers, always present.
fn number_expectation(kind: TargetKind, target: &Ident, e: &Expectation) -> Option<TestProblem> {
    let name = target.node.clone();
    match &e.kind {
        ExpectKind::Compare { value, .. } => match value.kind {
            ExpectValueKind::Number(_) => None,
            ExpectValueKind::Text(_) => Some(TestProblem::NumberExpected {
                span: value.span,
                target: name,
                kind,
            }),
        },
        ExpectKind::Presence { .. } => Some(TestProblem::AlwaysPresent {
            span: e.span,
            target: name,
        }),
        // `fired` is checked by `expectation` before this.
        ExpectKind::Between { .. } | ExpectKind::Fired { .. } => None,
    }
}

/// Labels: equal or not to one of their values, or missing.
fn label_expectation(
    rs: &Ruleset,
    l: usize,
    target: &Ident,
    e: &Expectation,
) -> Option<TestProblem> {
    let label = &rs.labels[l];
    let ordered = || TestProblem::LabelOrdered {
        span: e.span,
        label: label.name.clone(),
    };
    let ExpectKind::Compare { op, value, .. } = &e.kind else {
        return matches!(e.kind, ExpectKind::Between { .. }).then(ordered);
    };
    if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
        return Some(ordered());
    }
    let text = value_text(value);
    let values = label.arms.iter().map(|a| a.value.as_str());
    if label.arms.iter().any(|a| a.value == text) {
        return None;
    }
    Some(TestProblem::UnknownLabelValue {
        span: value.span,
        label: target.node.clone(),
        value: text.clone(),
        suggestion: did_you_mean(&text, values).map(String::from),
    })
}

/// The text an expectation's value stands for (a number as a label value: `1`).
pub fn value_text(value: &crate::syntax::ast::ExpectValue) -> String {
    match &value.kind {
        ExpectValueKind::Text(t) => t.clone(),
        ExpectValueKind::Number(n) => {
            let mut s = String::new();
            crate::eval::push_num(&mut s, *n);
            s
        }
    }
}

/// A test's `as_of`: RFC 3339, or a date meaning midnight UTC.
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    crate::datetime::parse(text).ok()
}

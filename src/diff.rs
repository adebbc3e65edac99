//! The impact of a rules change: the same leads scored with two versions of
//! the rules, compared. No I/O: `cli::diff` reads the files and prints one of
//! the renderings in [`render`].
//!
//! Rules are matched by label and labels by name; a rule or label present in
//! only one version is marked added or removed. When both versions have an
//! `account` block, their accounts are compared the same way, matched by
//! key (`accounts.rs`).

mod accounts;
pub mod render;

pub use accounts::{AccountChange, AccountReport, Alone, Unmatched, Versions};

use crate::eval::account::Accounts;
use crate::eval::{Census, EvalOptions, Outcome, Program};
use crate::rules::Ruleset;
use serde_json::Value;
use std::collections::BTreeMap;

/// How the comparison is made.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// The clock for both versions.
    pub eval: EvalOptions,
    /// How many of the leads that moved most to keep as a sample.
    pub sample: usize,
}

/// What changed between the two versions, over all leads and, when both
/// have an `account` block, over their accounts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Leads read.
    pub leads: usize,
    /// What changed for the leads scored by both versions.
    pub impact: Impact,
    /// Per version (old, new): how the leads met the fields its rules read,
    /// for the run report of [`crate::datafit::diff_report`].
    pub census: (Census, Census),
    /// What changed for the accounts, or which version has no `account` block.
    pub accounts: AccountChange,
}

/// What changed for one kind of record (leads, or accounts) scored by both
/// versions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Impact {
    /// Records scored by both versions.
    pub compared: usize,
    /// Records one of the versions could not score (data errors).
    pub errors: usize,
    /// Records whose score changed.
    pub changed: usize,
    /// Mean of new − old score over the compared records.
    pub mean_change: f64,
    /// The largest rise and the largest fall: (id, change).
    pub largest_rise: Option<(String, f64)>,
    /// See `largest_rise`.
    pub largest_fall: Option<(String, f64)>,
    /// Per label name: (old value, new value) → number of records, `None` for null or absent.
    pub labels: Vec<LabelMoves>,
    /// Per rule label: how many records it fired for in each version.
    pub rules: Vec<RuleFires>,
    /// The records that moved most, largest change first.
    pub sample: Vec<Moved>,
}

/// The transition matrix of one label.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelMoves {
    /// The label's name.
    pub name: String,
    /// The label exists in the old / new version.
    pub present: (bool, bool),
    /// (old value, new value) → leads; `None` when no arm matched or the label is absent.
    pub moves: BTreeMap<(Option<String>, Option<String>), usize>,
}

/// How often one rule fired, and the points it gave in all, in each version
/// (`None`: the rule is not in that version).
#[derive(Clone, Debug, PartialEq)]
pub struct RuleFires {
    /// The rule's label.
    pub label: String,
    /// Leads it fired for with the old rules.
    pub old: Option<usize>,
    /// Leads it fired for with the new rules.
    pub new: Option<usize>,
    /// The points it gave over all compared leads with the old rules (before caps).
    pub old_points: f64,
    /// The same with the new rules.
    pub new_points: f64,
}

impl RuleFires {
    /// The rule is new or gone, fires for a different number of leads, or
    /// gives different points (`add 50` became `add 60`).
    pub fn changed(&self) -> bool {
        self.old != self.new || self.old_points != self.new_points
    }
}

/// One record that moved (a lead or an account), with both explanations.
#[derive(Clone, Debug, PartialEq)]
pub struct Moved {
    /// The lead's id (its `id` field, or its position), or the account's key.
    pub id: String,
    /// The old score.
    pub old: f64,
    /// The new score.
    pub new: f64,
    /// The old reasons: rule label (or cap) and points.
    pub old_reasons: Vec<(String, f64)>,
    /// The new reasons.
    pub new_reasons: Vec<(String, f64)>,
}

/// Scores every lead with both versions and compares; when both have an
/// `account` block, also rolls each version's leads up into its accounts
/// (as `score --accounts` does) and compares those. Each lead is its id and
/// its JSON value. The leads are taken one at a time and none is kept:
/// memory holds the running totals, the sample of the largest moves and,
/// with accounts, what each account reads of its leads, whatever the
/// number of leads.
pub fn compare(
    versions: &Versions,
    leads: impl IntoIterator<Item = (String, Value)>,
    config: &Config,
) -> Report {
    let (o, n) = (&versions.old, &versions.new);
    let mut acc = Acc::new(o.ruleset(), n.ruleset());
    let mut census = (o.census(), n.census());
    let mut rolled = (Accounts::default(), Accounts::default());
    let mut count = 0;
    for (id, lead) in leads {
        count += 1;
        let a = o.score_counted(&lead, &config.eval, &mut census.0);
        let b = n.score_counted(&lead, &config.eval, &mut census.1);
        match (&a, &b) {
            (Ok(a), Ok(b)) => acc.add((o, n), id, (a, b), config.sample),
            _ => acc.impact.errors += 1,
        }
        versions.gather(&mut rolled, (a, b), &lead);
    }
    Report {
        leads: count,
        impact: acc.finish(),
        census,
        accounts: versions.accounts(rolled, config),
    }
}

/// An index into the old and the new ruleset (`None`: not in that version).
type Pair = (Option<usize>, Option<usize>);

/// Running totals while records are compared.
struct Acc {
    impact: Impact,
    sum_change: f64,
    /// Rule label → index in the old and new rulesets.
    rule_index: Vec<Pair>,
    /// Label name → index in the old and new rulesets.
    label_index: Vec<Pair>,
}

impl Acc {
    fn new(o: &Ruleset, n: &Ruleset) -> Acc {
        let rule_names = union(
            o.rules.iter().map(|r| &r.label),
            n.rules.iter().map(|r| &r.label),
        );
        let label_names = union(
            o.labels.iter().map(|l| &l.name),
            n.labels.iter().map(|l| &l.name),
        );
        let rule_index: Vec<Pair> = rule_names
            .iter()
            .map(|s| {
                let at = |rs: &[crate::rules::RuleDef]| rs.iter().position(|r| r.label == *s);
                (at(&o.rules), at(&n.rules))
            })
            .collect();
        let label_index: Vec<Pair> = label_names
            .iter()
            .map(|s| {
                let at = |ls: &[crate::rules::LabelDef]| ls.iter().position(|l| l.name == *s);
                (at(&o.labels), at(&n.labels))
            })
            .collect();
        let rules = rule_names
            .iter()
            .zip(&rule_index)
            .map(|(label, (a, b))| RuleFires {
                label: label.clone(),
                old: a.map(|_| 0),
                new: b.map(|_| 0),
                old_points: 0.0,
                new_points: 0.0,
            })
            .collect();
        let labels = label_names
            .iter()
            .zip(&label_index)
            .map(|(name, (a, b))| LabelMoves {
                name: name.clone(),
                present: (a.is_some(), b.is_some()),
                moves: BTreeMap::new(),
            })
            .collect();
        let impact = Impact {
            rules,
            labels,
            ..Impact::default()
        };
        Acc {
            impact,
            sum_change: 0.0,
            rule_index,
            label_index,
        }
    }

    /// Compares one record scored by both versions: `programs` (old, new)
    /// scored it with `outcomes`.
    fn add(
        &mut self,
        programs: (&Program, &Program),
        id: String,
        outcomes: (&Outcome, &Outcome),
        keep: usize,
    ) {
        let ((old, new), (a, b)) = (programs, outcomes);
        let r = &mut self.impact;
        r.compared += 1;
        let change = b.score - a.score;
        self.sum_change += change;
        if change != 0.0 {
            r.changed += 1;
        }
        if change > 0.0 && r.largest_rise.as_ref().is_none_or(|(_, c)| change > *c) {
            r.largest_rise = Some((id.clone(), change));
        }
        if change < 0.0 && r.largest_fall.as_ref().is_none_or(|(_, c)| change < *c) {
            r.largest_fall = Some((id.clone(), change));
        }
        for (fires, (i, j)) in r.rules.iter_mut().zip(&self.rule_index) {
            bump(&mut fires.old, i.is_some_and(|i| a.rules[i].fired));
            bump(&mut fires.new, j.is_some_and(|j| b.rules[j].fired));
            fires.old_points += i.map_or(0.0, |i| a.rules[i].points);
            fires.new_points += j.map_or(0.0, |j| b.rules[j].points);
        }
        for (moves, (i, j)) in r.labels.iter_mut().zip(&self.label_index) {
            let from = i.and_then(|i| value(old, i, a));
            let to = j.and_then(|j| value(new, j, b));
            *moves.moves.entry((from, to)).or_default() += 1;
        }
        if change != 0.0 {
            if let Some(at) = sample_place(&r.sample, change.abs(), keep) {
                r.sample.insert(at, moved(old, new, id, a, b));
                r.sample.truncate(keep);
            }
        }
    }

    fn finish(mut self) -> Impact {
        if self.impact.compared > 0 {
            self.impact.mean_change = self.sum_change / self.impact.compared as f64;
        }
        self.impact
    }
}

fn bump(count: &mut Option<usize>, fired: bool) {
    if let (Some(c), true) = (count.as_mut(), fired) {
        *c += 1;
    }
}

/// Names in order of first appearance: the old version's, then the new-only ones.
fn union<'a>(
    a: impl Iterator<Item = &'a String>,
    b: impl Iterator<Item = &'a String>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in a.chain(b) {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

/// The value label `l` took in `o`, if an arm matched.
fn value(p: &Program, l: usize, o: &Outcome) -> Option<String> {
    let arm = o.labels.get(l).copied().flatten()?;
    Some(p.ruleset().labels[l].arms[arm].value.clone())
}

/// A record that moved, with both versions' reasons.
fn moved(old: &Program, new: &Program, id: String, a: &Outcome, b: &Outcome) -> Moved {
    let reasons = |p: &Program, o: &Outcome| {
        p.reasons(o)
            .iter()
            .map(|r| (r.rule.to_string(), r.points))
            .collect()
    };
    Moved {
        id,
        old: a.score,
        new: b.score,
        old_reasons: reasons(old, a),
        new_reasons: reasons(new, b),
    }
}

/// Where a move of `size` goes in the sample of the `keep` largest moves
/// (largest first; ties keep input order), or `None` when it is not among
/// them. Asked before the move's reasons are built, so that a run over
/// many leads builds them only for the moves it keeps.
fn sample_place(sample: &[Moved], size: f64, keep: usize) -> Option<usize> {
    let at = sample
        .iter()
        .position(|s| size > (s.new - s.old).abs())
        .unwrap_or(sample.len());
    (at < keep).then_some(at)
}

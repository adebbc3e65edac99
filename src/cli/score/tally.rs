//! The counts behind `score`'s closing summary and end-of-run report:
//! leads scored and failed, type mismatches, leads without an id, each
//! label's values, every score (for quartiles), and the census of fields
//! and rules.

use crate::cli::output::format_number;
use crate::diagnostics::cli::{count, distribution, quartiles};
use crate::eval::{Census, Outcome, Program};
use crate::rules::Ruleset;
use serde_json::Value;
use std::time::Duration;

/// Counts for the summary; one per chunk, merged in input order.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Leads read (scored or failed).
    pub leads: u64,
    /// Leads that gave an error record.
    pub failed: u64,
    /// Tests made false by a value of the wrong type.
    pub mismatches: u64,
    /// Leads without a value at the `--id` path.
    pub without_id: u64,
    /// Per field and rule counts of the leads scored.
    pub census: Census,
    /// Per label: slot 0 counts leads no arm matched, slot `a + 1` arm `a`.
    arms: Vec<Vec<u64>>,
    /// Every score, in no particular order.
    scores: Vec<f64>,
    /// The accounts of the leads counted (`--accounts`).
    pub accounts: Option<crate::eval::account::Accounts>,
    /// With `--account-columns`, each counted lead's account key as a line
    /// of JSON (`null` for none), in the order the leads were counted.
    pub keys: Option<Vec<u8>>,
    /// The lead about to be counted had its key noted ([`Tally::note_key`]).
    noted: bool,
}

impl Tally {
    /// Empty counts for `program`'s fields and rules.
    pub fn new(program: &Program) -> Tally {
        Tally {
            census: program.census(),
            ..Tally::default()
        }
    }

    /// Empty counts that also note each lead's account key when `keys`.
    pub fn noting_keys(program: &Program, keys: bool) -> Tally {
        Tally {
            keys: keys.then(Vec::new),
            ..Tally::new(program)
        }
    }

    /// Notes the account key of the lead counted next (when keys are noted).
    pub fn note_key(&mut self, key: &str) {
        if let Some(keys) = &mut self.keys {
            serde_json::to_writer(&mut *keys, key).expect("a string writes into memory");
            keys.push(b'\n');
            self.noted = true;
        }
    }

    /// Counts a lead with its id: its outcome, or `None` when it failed
    /// (its fields are already in the census when it was scored). A lead
    /// whose account key was not noted just before is in no account.
    pub fn add(&mut self, id: &Value, outcome: Option<&Outcome>) {
        if let Some(keys) = self.keys.as_mut().filter(|_| !self.noted) {
            keys.extend_from_slice(b"null\n");
        }
        self.noted = false;
        self.leads += 1;
        self.without_id += u64::from(id.is_null());
        let Some(outcome) = outcome else {
            self.failed += 1;
            return;
        };
        self.mismatches += u64::from(outcome.mismatches);
        self.scores.push(outcome.score);
        if self.arms.len() < outcome.labels.len() {
            self.arms.resize(outcome.labels.len(), Vec::new());
        }
        for (slots, arm) in self.arms.iter_mut().zip(&outcome.labels) {
            let slot = arm.map_or(0, |a| a + 1);
            if slots.len() <= slot {
                slots.resize(slot + 1, 0);
            }
            slots[slot] += 1;
        }
    }

    /// Adds the counts of a later part of the input.
    pub fn merge(&mut self, other: Tally) {
        self.leads += other.leads;
        self.failed += other.failed;
        self.mismatches += other.mismatches;
        self.without_id += other.without_id;
        self.census.merge(&other.census);
        self.scores.extend(other.scores);
        if let (Some(mine), Some(theirs)) = (&mut self.keys, other.keys) {
            mine.extend(theirs);
        }
        match (&mut self.accounts, other.accounts) {
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (mine @ None, theirs) => *mine = theirs,
            (Some(_), None) => {}
        }
        if self.arms.len() < other.arms.len() {
            self.arms.resize(other.arms.len(), Vec::new());
        }
        for (mine, theirs) in self.arms.iter_mut().zip(other.arms) {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), 0);
            }
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += t;
            }
        }
    }

    /// `scored 3 leads, 1 failed in 0.12s` (with `, K type mismatches` when any).
    pub fn headline(&self, elapsed: Duration) -> String {
        let mut line = format!(
            "scored {}, {} failed",
            count(self.leads, "lead", "leads"),
            self.failed
        );
        if self.mismatches > 0 {
            let n = count(self.mismatches, "type mismatch", "type mismatches");
            line.push_str(&format!(", {n}"));
        }
        line.push_str(&format!(" in {:.2}s", elapsed.as_secs_f64()));
        line
    }

    /// The headline, then one line per label with its values' shares, then
    /// the score's quartiles (these only when some lead was scored).
    pub fn summary(&mut self, rules: &Ruleset, elapsed: Duration) -> Vec<String> {
        let mut lines = vec![self.headline(elapsed)];
        let scored = self.leads - self.failed;
        if scored == 0 {
            return lines;
        }
        for (l, label) in rules.labels.iter().enumerate() {
            let slots = self.arms.get(l).map_or(&[][..], Vec::as_slice);
            let values = label_values(label.arms.iter().map(|a| a.value.as_str()), slots);
            lines.push(distribution(&label.name, &values, scored));
        }
        let q = quantiles(&mut self.scores, [0.0, 0.25, 0.5, 0.75, 1.0]).map(format_number);
        lines.push(quartiles([&q[0], &q[1], &q[2], &q[3], &q[4]]));
        lines
    }
}

/// Each distinct value of a label with the leads that got it, in the order
/// the arms declare them (arms with the same value add up), then `(none)`
/// for leads no arm matched, when there are any.
fn label_values<'a>(arms: impl Iterator<Item = &'a str>, slots: &[u64]) -> Vec<(&'a str, u64)> {
    let mut values: Vec<(&str, u64)> = Vec::new();
    for (a, value) in arms.enumerate() {
        let n = slots.get(a + 1).copied().unwrap_or(0);
        match values.iter_mut().find(|(v, _)| *v == value) {
            Some(entry) => entry.1 += n,
            None => values.push((value, n)),
        }
    }
    let none = slots.first().copied().unwrap_or(0);
    if none > 0 {
        values.push(("(none)", none));
    }
    values
}

/// The quantiles `ps` (ascending) of `values`, nearest rank: each is a
/// value some lead got; 0 for no values. The values are put in partial
/// order, not sorted: each rank is selected from the values above the
/// previous one, which costs a few passes rather than a sort of every score.
fn quantiles<const N: usize>(values: &mut [f64], ps: [f64; N]) -> [f64; N] {
    let mut out = [0.0; N];
    let Some(last) = values.len().checked_sub(1) else {
        return out;
    };
    // Every value before `done` is at most every value from it on.
    let mut done = 0;
    for (q, p) in out.iter_mut().zip(ps) {
        let rank = ((last as f64 * p).round() as usize).min(last);
        if rank < done {
            // The same rank as the quantile before.
            *q = values[rank];
            continue;
        }
        let (_, &mut x, _) = values[done..].select_nth_unstable_by(rank - done, f64::total_cmp);
        *q = x;
        done = rank + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(score: f64, arm: Option<usize>) -> Outcome {
        Outcome {
            score,
            labels: vec![arm],
            ..Outcome::default()
        }
    }

    #[test]
    fn merged_tallies_count_like_one() {
        let id = Value::from("L1");
        let mut a = Tally::default();
        a.add(&id, Some(&outcome(10.0, Some(0))));
        a.add(&Value::Null, None);
        let mut b = Tally::default();
        b.add(&id, Some(&outcome(30.0, Some(2))));
        b.add(&id, Some(&outcome(20.0, None)));
        a.merge(b);
        assert_eq!((a.leads, a.failed, a.without_id), (4, 1, 1));
        assert_eq!(a.arms, vec![vec![1, 1, 0, 1]]);
        assert_eq!(a.scores, vec![10.0, 30.0, 20.0]);
    }

    #[test]
    fn shared_values_add_up_and_unmatched_leads_show() {
        let values = label_values(["hot", "cold", "cold"].into_iter(), &[2, 5, 1, 3]);
        assert_eq!(values, vec![("hot", 5), ("cold", 4), ("(none)", 2)]);
    }

    #[test]
    fn quartiles_are_scores_that_occur() {
        let q = |v: &[f64]| quantiles(&mut v.to_vec(), [0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(
            q(&[40.0, 10.0, 30.0, 0.0, 20.0]),
            [0.0, 10.0, 20.0, 30.0, 40.0]
        );
        assert_eq!(q(&[]), [0.0; 5]);
        assert_eq!(q(&[7.0]), [7.0; 5]);
        assert_eq!(q(&[2.0, 1.0]), [1.0, 1.0, 2.0, 2.0, 2.0]);
    }

    /// Selection gives the ranks a full sort gives, on every length up to
    /// 40 and with repeated scores.
    #[test]
    fn selected_quantiles_agree_with_a_sort() {
        let ps = [0.0, 0.25, 0.5, 0.75, 1.0];
        for n in 0..40usize {
            let values: Vec<f64> = (0..n).map(|i| ((i * 37 + 11) % 13) as f64 - 4.5).collect();
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let want = ps.map(|p| match n {
                0 => 0.0,
                _ => sorted[((n - 1) as f64 * p).round() as usize],
            });
            assert_eq!(quantiles(&mut values.clone(), ps), want, "{values:?}");
        }
    }
}

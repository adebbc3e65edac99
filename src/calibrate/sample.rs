//! What calibration keeps of each lead: its score, which rules fired (one
//! bit each, or a count for per-event rules), its label arms and its
//! outcome. Nothing else of a lead is held, so a million leads fit in a few
//! tens of megabytes.

use crate::eval::Outcome;
use crate::rules::{Ruleset, TExprKind};
use crate::syntax::ast::{ArithOp, Sign};

/// How a rule enters the statistics and the regression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Feature {
    /// Constant points: the rule fired (1) or not (0).
    Flag,
    /// Points that grow with the lead (`add 2 * count(...)`): the rule's
    /// points divided by `unit` (the constant factor, 1 when there is none),
    /// so `add 2 * count(opens) up to 10` enters as the count of opens, up to 5.
    Count {
        /// The points per unit written in the rule (its sign not applied).
        unit: f64,
    },
}

/// The feature of every rule, in rule order.
pub fn features(rules: &Ruleset) -> Vec<Feature> {
    rules
        .rules
        .iter()
        .map(|r| feature(&r.points.kind))
        .collect()
}

fn feature(points: &TExprKind) -> Feature {
    match points {
        TExprKind::Number(_) => Feature::Flag,
        TExprKind::Neg(inner) if matches!(inner.kind, TExprKind::Number(_)) => Feature::Flag,
        TExprKind::Arith(ArithOp::Mul, a, b) => match (&a.kind, &b.kind) {
            (TExprKind::Number(k), _) | (_, TExprKind::Number(k)) if *k != 0.0 => {
                Feature::Count { unit: *k }
            }
            _ => Feature::Count { unit: 1.0 },
        },
        _ => Feature::Count { unit: 1.0 },
    }
}

/// The rules with the `up to` caps of per-event rules lifted, so that the
/// regression sees whole counts; `None` when no per-event rule has a cap.
pub fn uncapped(rules: &Ruleset) -> Option<Ruleset> {
    let features = features(rules);
    let capped = |(r, f): (&crate::rules::RuleDef, &Feature)| {
        matches!(f, Feature::Count { .. }) && r.up_to.is_some()
    };
    if !rules.rules.iter().zip(&features).any(capped) {
        return None;
    }
    let mut lifted = rules.clone();
    for (rule, f) in lifted.rules.iter_mut().zip(&features) {
        if matches!(f, Feature::Count { .. }) {
            rule.up_to = None;
        }
    }
    Some(lifted)
}

/// The leads of one population, column by column.
#[derive(Clone, Debug, Default)]
pub struct Sample {
    features: Vec<Feature>,
    signs: Vec<f64>,
    words: usize,
    count_slot: Vec<Option<usize>>,
    counts_per_lead: usize,
    labels: usize,
    score: Vec<f64>,
    converted: Vec<bool>,
    holdout: Vec<bool>,
    fired: Vec<u64>,
    counts: Vec<f32>,
    raw: Vec<f32>,
    arms: Vec<u8>,
}

/// The arm index stored for a lead no arm matched.
const NO_ARM: u8 = u8::MAX;

impl Sample {
    /// An empty sample for leads scored by `rules`.
    pub fn new(rules: &Ruleset) -> Sample {
        let features = features(rules);
        let mut next = 0;
        let count_slot = features
            .iter()
            .map(|f| match f {
                Feature::Flag => None,
                Feature::Count { .. } => {
                    next += 1;
                    Some(next - 1)
                }
            })
            .collect();
        let signs = rules
            .rules
            .iter()
            .map(|r| match r.sign {
                Sign::Add => 1.0,
                Sign::Subtract => -1.0,
            })
            .collect();
        Sample {
            words: features.len().div_ceil(64),
            features,
            signs,
            count_slot,
            counts_per_lead: next,
            labels: rules.labels.len(),
            ..Sample::default()
        }
    }

    /// Adds one scored lead. `uncapped` is the same lead scored by
    /// [`uncapped`] rules, when a per-event rule has an `up to`.
    pub fn push(
        &mut self,
        outcome: &Outcome,
        uncapped: Option<&Outcome>,
        converted: bool,
        holdout: bool,
    ) {
        self.score.push(outcome.score);
        self.converted.push(converted);
        self.holdout.push(holdout);
        let base = self.fired.len();
        self.fired.resize(base + self.words, 0);
        let counts = self.counts.len();
        self.counts.resize(counts + self.counts_per_lead, 0.0);
        self.raw.resize(counts + self.counts_per_lead, 0.0);
        for (r, rule) in outcome.rules.iter().enumerate() {
            let value = self.value_of(r, rule.fired, rule.points);
            if value != 0.0 {
                self.fired[base + r / 64] |= 1 << (r % 64);
            }
            if let Some(slot) = self.count_slot[r] {
                let raw = uncapped
                    .and_then(|u| u.rules.get(r))
                    .map_or(value, |u| self.value_of(r, u.fired, u.points));
                self.counts[counts + slot] = value as f32;
                self.raw[counts + slot] = raw as f32;
            }
        }
        for l in 0..self.labels {
            let arm = outcome.labels.get(l).copied().flatten();
            let arm = arm.and_then(|a| u8::try_from(a).ok()).unwrap_or(NO_ARM);
            self.arms.push(arm);
        }
    }

    /// The feature value of rule `r` from what it did.
    fn value_of(&self, r: usize, fired: bool, points: f64) -> f64 {
        match self.features[r] {
            Feature::Flag => f64::from(u8::from(fired)),
            Feature::Count { unit } => points / (self.signs[r] * unit) + 0.0,
        }
    }

    /// How many leads.
    pub fn len(&self) -> usize {
        self.score.len()
    }

    /// `true` when no lead was added.
    pub fn is_empty(&self) -> bool {
        self.score.is_empty()
    }

    /// The features, in rule order.
    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    /// Every lead's score.
    pub fn scores(&self) -> &[f64] {
        &self.score
    }

    /// Every lead's outcome.
    pub fn converted(&self) -> &[bool] {
        &self.converted
    }

    /// Whether each lead is in the holdout.
    pub fn holdout(&self) -> &[bool] {
        &self.holdout
    }

    /// Rule `r` gave lead `i` something (fired, and a non-zero count).
    pub fn fired(&self, i: usize, r: usize) -> bool {
        self.fired[i * self.words + r / 64] & (1 << (r % 64)) != 0
    }

    /// The feature value of rule `r` for lead `i`.
    pub fn value(&self, i: usize, r: usize) -> f64 {
        match self.count_slot[r] {
            None => f64::from(u8::from(self.fired(i, r))),
            Some(slot) => f64::from(self.counts[i * self.counts_per_lead + slot]),
        }
    }

    /// The value of rule `r` for lead `i` that the regression sees: a
    /// per-event rule's count without its `up to` cap.
    pub fn regressor(&self, i: usize, r: usize) -> f64 {
        match self.count_slot[r] {
            None => f64::from(u8::from(self.fired(i, r))),
            Some(slot) => f64::from(self.raw[i * self.counts_per_lead + slot]),
        }
    }

    /// The arm of label `l` lead `i` got, if any.
    pub fn arm(&self, i: usize, l: usize) -> Option<usize> {
        let arm = self.arms[i * self.labels + l];
        (arm != NO_ARM).then_some(usize::from(arm))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::RuleOutcome;

    fn rules(text: &str) -> Ruleset {
        let loaded = crate::load_str("t.rules", text, &crate::syntax::MemReader::with(&[]));
        loaded.ruleset.expect("rules check")
    }

    #[test]
    fn constant_points_are_flags_and_multiples_are_counts() {
        let rs = rules(
            "when title == \"x\" add 5\nsubtract 2 * count(events) up to 10\nadd count(events)\n",
        );
        assert_eq!(
            features(&rs),
            vec![
                Feature::Flag,
                Feature::Count { unit: 2.0 },
                Feature::Count { unit: 1.0 }
            ]
        );
    }

    #[test]
    fn a_count_rule_stores_its_points_over_its_unit() {
        let rs = rules("when title == \"x\" add 5\nsubtract 2 * count(events) up to 10\n");
        let mut s = Sample::new(&rs);
        let outcome = Outcome {
            score: -1.0,
            rules: vec![
                RuleOutcome {
                    fired: true,
                    points: 5.0,
                },
                RuleOutcome {
                    fired: true,
                    points: -6.0,
                },
            ],
            ..Outcome::default()
        };
        let mut raw = outcome.clone();
        raw.rules[1].points = -14.0;
        s.push(&outcome, Some(&raw), true, false);
        assert_eq!(s.value(0, 0), 1.0);
        assert_eq!(s.value(0, 1), 3.0);
        assert_eq!(s.regressor(0, 1), 7.0);
        let lifted = uncapped(&rs).unwrap();
        assert_eq!(lifted.rules[1].up_to, None);
        assert!(s.fired(0, 1));
        assert_eq!(s.converted(), &[true]);
    }
}

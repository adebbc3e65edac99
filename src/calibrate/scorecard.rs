//! What the points should be: a penalised logistic regression of conversion
//! on the rules (a rule that fired as 0/1, a per-event rule by its count),
//! fitted on the leads outside the holdout, scaled to points by the
//! scorecard convention, and validated on the holdout against the current
//! points.

use super::fit::{self, Design};
use super::ranking::Levels;
use super::sample::Sample;
use crate::rules::Ruleset;
use serde::Serialize;

/// How the regression is fitted and scaled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Points to double the odds.
    pub pdo: f64,
    /// The L2 penalty λ.
    pub l2: f64,
}

/// The fitted model and its scaling.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Model {
    /// Points to double the odds.
    pub pdo: f64,
    /// `PDO / ln 2`: points per unit of log-odds.
    pub factor: f64,
    /// `−Factor · intercept`: with it, `score = Offset + Factor · ln(odds)`.
    pub offset: f64,
    /// The L2 penalty.
    pub l2: f64,
    /// Log-odds of a lead no rule gives anything.
    pub intercept: f64,
    /// Leads the model was fitted on (outside the holdout).
    pub train_leads: u64,
    /// Newton steps taken.
    pub iterations: usize,
    /// The fit converged.
    pub converged: bool,
}

/// One rule's fitted coefficient and suggested points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Suggestion {
    /// The change in log-odds when it fires (per unit for a per-event rule).
    pub beta: f64,
    /// `Factor · β`, to two significant digits.
    pub points: f64,
}

/// The holdout comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Holdout {
    /// The share of leads held out (by a hash of their id).
    pub fraction: f64,
    /// Leads in the holdout.
    pub leads: u64,
    /// Converters in the holdout.
    pub conversions: u64,
    /// The current points' AUC on the holdout.
    pub auc_current: Option<f64>,
    /// The suggested points' AUC on the holdout (group caps applied).
    pub auc_suggested: Option<f64>,
}

/// Fits the regression and scales it. `None` when there is nothing to fit.
pub fn fit(sample: &Sample, s: Settings) -> Option<(Model, Vec<Suggestion>)> {
    let train: Vec<usize> = (0..sample.len())
        .filter(|&i| !sample.holdout()[i])
        .collect();
    let k = sample.features().len();
    let x = |i: usize, out: &mut Vec<(usize, f64)>| {
        for r in 0..k {
            let v = sample.regressor(i, r);
            if v != 0.0 {
                out.push((r, v));
            }
        }
    };
    let y = |i: usize| sample.converted()[i];
    let design = Design {
        k,
        rows: &train,
        x: &x,
        y: &y,
        weight: &|_| 1.0,
    };
    let f = fit::logistic(&design, s.l2)?;
    let factor = s.pdo / std::f64::consts::LN_2;
    let suggestions = f
        .beta
        .iter()
        .map(|&beta| Suggestion {
            beta,
            points: two_significant(factor * beta),
        })
        .collect();
    let model = Model {
        pdo: s.pdo,
        factor,
        offset: -factor * f.intercept,
        l2: s.l2,
        intercept: f.intercept,
        train_leads: train.len() as u64,
        iterations: f.iterations,
        converged: f.converged,
    };
    Some((model, suggestions))
}

/// `x` to two significant digits: `58.13` → 58, `5.6` → 5.6, `1.74` → 1.7.
/// Whole points would move a 5-point rule by up to 10%; two digits keep
/// every rule within 5% of its fitted value and still read as round numbers.
fn two_significant(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return 0.0;
    }
    let scale = 10f64.powi(1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale + 0.0
}

/// A lead's score under new points per rule (per unit for per-event rules),
/// with the groups' caps applied as the rules file applies them.
pub fn rescore(rules: &Ruleset, sample: &Sample, i: usize, points: &[f64]) -> f64 {
    let mut groups = vec![0.0; rules.groups.len()];
    let mut score = 0.0;
    for (r, rule) in rules.rules.iter().enumerate() {
        let p = points[r] * sample.value(i, r);
        match rule.group {
            Some(g) => groups[g] += p,
            None => score += p,
        }
    }
    // Added up in the evaluator's order (group totals first, then onto the
    // ungrouped sum), so that the same file gives the same floating-point score.
    let mut total = 0.0;
    for (g, def) in rules.groups.iter().enumerate() {
        let mut t = groups[g];
        if let Some(max) = def.max.filter(|&m| t > m) {
            t = max;
        }
        if let Some(min) = def.min.filter(|&m| t < m) {
            t = min;
        }
        total += t;
    }
    score + total
}

/// The AUC of the current and the suggested points on the holdout.
pub fn holdout(rules: &Ruleset, sample: &Sample, points: &[f64], fraction: f64) -> Holdout {
    let held: Vec<usize> = (0..sample.len()).filter(|&i| sample.holdout()[i]).collect();
    let y = sample.converted();
    let current = Levels::new(held.iter().map(|&i| (sample.scores()[i], y[i])));
    let suggested = Levels::new(
        held.iter()
            .map(|&i| (rescore(rules, sample, i, points), y[i])),
    );
    Holdout {
        fraction,
        leads: current.n,
        conversions: current.pos,
        auc_current: current.auc(),
        auc_suggested: suggested.auc(),
    }
}

/// Whether a lead is in the holdout: the FNV-1a hash of its id, as a
/// fraction of 2^64, is below `fraction`. The same id is always on the
/// same side, whatever the order or the other leads.
pub fn in_holdout(id: &str, fraction: f64) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    ((h >> 11) as f64 / (1u64 << 53) as f64) < fraction
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holdout_membership_depends_only_on_the_id() {
        let ids: Vec<String> = (0..10_000).map(|i| format!("L{i:08}")).collect();
        let held = ids.iter().filter(|id| in_holdout(id, 0.3)).count();
        assert!((2800..3200).contains(&held), "{held}");
        assert!(!in_holdout("L00000000", 0.0));
        assert!(in_holdout("L00000000", 1.0));
        // FNV-1a of "a" is 0xaf63dc4c8601ec8c.
        let a = (0xaf63_dc4c_8601_ec8cu64 >> 11) as f64 / (1u64 << 53) as f64;
        assert!(in_holdout("a", a + 1e-9) && !in_holdout("a", a));
    }

    #[test]
    fn points_keep_two_significant_digits() {
        assert_eq!(two_significant(58.13), 58.0);
        assert_eq!(two_significant(5.604), 5.6);
        assert_eq!(two_significant(-1.24), -1.2);
        assert_eq!(two_significant(-84.08), -84.0);
        assert_eq!(two_significant(0.0174), 0.017);
        assert_eq!(two_significant(125.0), 130.0);
    }
}

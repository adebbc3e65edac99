//! What the points should be: a penalised logistic regression of conversion
//! on the rules (a rule that fired as 0/1, a per-event rule by its count),
//! fitted on the leads outside the holdout, scaled to points by the
//! scorecard convention, and validated on the holdout against the current
//! points.

use super::fit::{self, Design};
use super::ranking::Levels;
use super::sample::{Feature, Sample};
use crate::eval::points;
use crate::rules::{RuleDef, Ruleset};
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
    /// `Factor · β`, to two significant digits, and to whole millionths
    /// (a rules file keeps no more; a smaller value becomes 0).
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
            points: points::round(two_significant(factor * beta)),
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
/// computed as `leadscore score` computes it on the suggested file: a
/// per-event rule's amount is its points per unit times the uncapped count,
/// held under the cap the file gets ([`scaled_cap`]); each rule's points are
/// rounded to whole millionths and added up exactly, group caps applied
/// ([`crate::eval::points`]), then the score's own limits. So the holdout AUC reported is the one the
/// written file gets, ties included.
pub fn rescore(rules: &Ruleset, sample: &Sample, i: usize, points: &[f64]) -> f64 {
    let mut groups = vec![0.0; rules.groups.len()];
    let mut score = 0.0;
    for (r, rule) in rules.rules.iter().enumerate() {
        let p = rule_points(
            rule,
            sample.features()[r],
            points[r],
            sample.regressor(i, r),
        );
        match rule.group {
            Some(g) => groups[g] = points::add(groups[g], p),
            None => score = points::add(score, p),
        }
    }
    let mut total = 0.0;
    for (g, def) in rules.groups.iter().enumerate() {
        let mut t = groups[g];
        if let Some(max) = def.max.filter(|&m| t > m) {
            t = max;
        }
        if let Some(min) = def.min.filter(|&m| t < m) {
            t = min;
        }
        total = points::add(total, t);
    }
    let score = points::add(score, total);
    let score = rules.score_max.map_or(score, |m| score.min(m));
    rules.score_min.map_or(score, |m| score.max(m))
}

/// One rule's points in the suggested file for a lead whose feature value
/// (uncapped count, or 0/1) is `x`, with `p` the suggested points (sign
/// applied, per unit for a per-event rule).
fn rule_points(rule: &RuleDef, feature: Feature, p: f64, x: f64) -> f64 {
    let cap = match feature {
        Feature::Flag => rule.up_to,
        Feature::Count { unit } => rule.up_to.map(|cap| scaled_cap(cap, p, unit)),
    };
    let amount = p.abs() * x;
    let amount = cap.map_or(amount, |cap| amount.min(cap).max(0.0));
    let signed = p.signum() * amount;
    if signed.is_finite() {
        points::round(signed)
    } else {
        0.0
    }
}

/// The `up to` cap of a per-event rule whose points per unit go from `unit`
/// to `p`: the same number of events, `cap / unit`, at the new points,
/// rounded to whole millionths (the most a rules file keeps).
pub fn scaled_cap(cap: f64, p: f64, unit: f64) -> f64 {
    points::round(cap * p.abs() / unit.abs())
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
    use crate::syntax::ast::FileId;

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

    /// `rescore` gives exactly the score `leadscore score` gives the
    /// rewritten file: tenths that a float sum would leave as
    /// 0.30000000000000004, a per-event rule whose scaled cap is not a
    /// whole tenth (10 · 0.87 / 2 = 4.35), a group cap.
    #[test]
    fn rescoring_agrees_with_the_evaluator_on_the_written_file() {
        use crate::eval::{EvalOptions, Program};
        let text = "when title == \"x\" add 5 as \"a\"\nwhen title == \"x\" add 5 as \"b\"\n\
                    when title == \"x\" add 5 as \"c\"\n\
                    group g max 6 {\n  add 2 * count(events) up to 10 as \"opens\"\n  \
                    when title == \"x\" add 1 as \"d\"\n}\n";
        let mem = crate::syntax::MemReader::with(&[]);
        let rules = crate::load_str("t.rules", text, &mem).ruleset.unwrap();
        let points = [0.1, 0.1, 0.1, 0.87, 1.3];
        let written = super::super::rewrite::rewrite(text, FileId(0), &rules, &points, &[]);
        assert!(written.text.contains("up to 4.35"), "{}", written.text);
        let new = crate::load_str("t.rules", &written.text, &mem)
            .ruleset
            .unwrap();
        let (old, new) = (Program::compile(&rules), Program::compile(&new));
        let lifted = Program::compile(&super::super::sample::uncapped(&rules).unwrap());
        let opts = EvalOptions {
            as_of: chrono::Utc::now(),
        };
        let mut sample = Sample::new(&rules);
        let mut expected = Vec::new();
        for (title, opens) in [("x", 0), ("x", 3), ("x", 7), ("y", 2), ("y", 6)] {
            let events: Vec<_> = (0..opens).map(|_| serde_json::json!({})).collect();
            let lead = serde_json::json!({"title": title, "events": events});
            let (o, u) = (old.score(&lead, &opts), lifted.score(&lead, &opts));
            sample.push(&o.unwrap(), Some(&u.unwrap()), false, false);
            expected.push(new.score(&lead, &opts).unwrap().score);
        }
        let got: Vec<f64> = (0..sample.len())
            .map(|i| rescore(&rules, &sample, i, &points))
            .collect();
        assert_eq!(got, expected);
        assert_eq!(got[0], 1.6);
    }

    #[test]
    fn suggested_points_and_caps_keep_whole_millionths() {
        assert_eq!(scaled_cap(10.0, -0.87, 2.0), 4.35);
        assert_eq!(scaled_cap(10.0, 0.1, 3.0), 0.333333);
        assert_eq!(points::round(two_significant(1.24e-7)), 0.0);
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

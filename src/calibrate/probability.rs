//! From score to probability: an isotonic fit (the best non-decreasing step
//! function, by pool-adjacent-violators) and a logistic fit on the score,
//! each with its Brier score.

use super::fit::{self, sigmoid, Design};
use super::ranking::{ratio, Levels};
use serde::Serialize;

/// The calibration of a score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Calibration {
    /// The isotonic steps, lowest score first.
    pub steps: Vec<Step>,
    /// The Brier score of the isotonic probabilities.
    pub brier: f64,
    /// The Brier score of the logistic fit on the score.
    pub brier_logistic: f64,
    /// The Brier score of predicting the base rate for every lead.
    pub brier_base: f64,
    /// The logistic fit: `P = 1 / (1 + e^-(intercept + slope · score))`.
    pub logistic: Logistic,
}

/// One step of the isotonic fit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// The lowest score of the step.
    pub low: f64,
    /// The highest score of the step.
    pub high: f64,
    /// Leads in the step.
    pub leads: u64,
    /// The probability of converting for a score in the step.
    pub probability: f64,
}

/// A logistic curve on the score.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Logistic {
    /// Log-odds at score 0.
    pub intercept: f64,
    /// Log-odds per point.
    pub slope: f64,
}

impl Logistic {
    /// The probability at `score`.
    pub fn at(&self, score: f64) -> f64 {
        sigmoid(self.intercept + self.slope * score)
    }
}

impl Calibration {
    /// The isotonic probability at `score` (the step that holds it, or the
    /// nearest one).
    pub fn isotonic(&self, score: f64) -> f64 {
        let i = self.steps.partition_point(|s| s.high < score);
        self.steps
            .get(i.min(self.steps.len().saturating_sub(1)))
            .map_or(0.0, |s| s.probability)
    }
}

/// Fits both calibrations to the scores of a population.
pub fn calibrate(levels: &Levels) -> Calibration {
    let steps = isotonic(levels);
    let brier = steps_brier(levels, &steps);
    let logistic = logistic(levels);
    let brier_logistic = curve_brier(levels, |s| logistic.at(s));
    let base = levels.rate();
    Calibration {
        steps,
        brier,
        brier_logistic,
        brier_base: base * (1.0 - base),
        logistic,
    }
}

/// Pool-adjacent-violators over the distinct scores.
fn isotonic(levels: &Levels) -> Vec<Step> {
    let mut blocks: Vec<(f64, f64, u64, u64)> = Vec::new();
    for l in &levels.levels {
        blocks.push((l.score, l.score, l.n, l.pos));
        while blocks.len() > 1 {
            let (a, b) = (blocks[blocks.len() - 2], blocks[blocks.len() - 1]);
            if ratio(a.3, a.2) < ratio(b.3, b.2) {
                break;
            }
            blocks.pop();
            *blocks.last_mut().unwrap_or_else(|| unreachable!()) = (a.0, b.1, a.2 + b.2, a.3 + b.3);
        }
    }
    blocks
        .into_iter()
        .map(|(low, high, n, pos)| Step {
            low,
            high,
            leads: n,
            probability: ratio(pos, n),
        })
        .collect()
}

fn steps_brier(levels: &Levels, steps: &[Step]) -> f64 {
    let mut i = 0;
    curve_brier(levels, |s| {
        while steps[i].high < s {
            i += 1;
        }
        steps[i].probability
    })
}

/// Mean of (p − y)² over the leads, with `p` read per distinct score.
fn curve_brier(levels: &Levels, mut p: impl FnMut(f64) -> f64) -> f64 {
    let total: f64 = levels
        .levels
        .iter()
        .map(|l| {
            let q = p(l.score);
            l.pos as f64 * (1.0 - q).powi(2) + (l.n - l.pos) as f64 * q * q
        })
        .sum();
    total / levels.n.max(1) as f64
}

/// A logistic fit of conversion on the score, one row per distinct score
/// and class weighted by its count (expanded, so the fit is exact).
fn logistic(levels: &Levels) -> Logistic {
    // Centre and scale the score so Newton starts well; undo it after.
    let mean = levels
        .levels
        .iter()
        .map(|l| l.score * l.n as f64)
        .sum::<f64>()
        / levels.n.max(1) as f64;
    let spread = levels
        .levels
        .iter()
        .map(|l| (l.score - mean).abs())
        .fold(0.0, f64::max)
        .max(1.0);
    let rows: Vec<usize> = (0..levels.levels.len() * 2).collect();
    let weighted = weighted_rows(levels);
    let x = |i: usize, out: &mut Vec<(usize, f64)>| {
        out.push((0, (levels.levels[i / 2].score - mean) / spread));
    };
    let y = |i: usize| i % 2 == 1;
    let design = Design {
        k: 1,
        rows: &rows,
        x: &x,
        y: &y,
        weight: &|i| weighted[i],
    };
    match fit::logistic(&design, 1e-6) {
        Some(f) => Logistic {
            intercept: f.intercept - f.beta[0] * mean / spread,
            slope: f.beta[0] / spread,
        },
        None => Logistic {
            intercept: logit(levels.rate()),
            slope: 0.0,
        },
    }
}

/// Row `2i` is level i's non-converters, row `2i + 1` its converters.
fn weighted_rows(levels: &Levels) -> Vec<f64> {
    levels
        .levels
        .iter()
        .flat_map(|l| [(l.n - l.pos) as f64, l.pos as f64])
        .collect()
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    (p / (1.0 - p)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_pools_a_decreasing_pair() {
        // Rates by score: 0 → 0.5, 1 → 0.0, 2 → 1.0: the first two pool to 0.25.
        let levels = Levels::new(
            [
                (0.0, true),
                (0.0, false),
                (1.0, false),
                (1.0, false),
                (2.0, true),
            ]
            .into_iter(),
        );
        let c = calibrate(&levels);
        let probs: Vec<f64> = c.steps.iter().map(|s| s.probability).collect();
        assert_eq!(probs, vec![0.25, 1.0]);
        assert_eq!((c.steps[0].low, c.steps[0].high), (0.0, 1.0));
        // Brier: four leads at 0.25 (one converter), one at 1.0 (converter).
        let brier = (0.75f64.powi(2) + 3.0 * 0.0625) / 5.0;
        assert!((c.brier - brier).abs() < 1e-12);
        assert_eq!(c.isotonic(1.5), 1.0);
        assert_eq!(c.isotonic(0.5), 0.25);
    }

    #[test]
    fn the_logistic_fit_on_the_score_rises_with_a_rising_rate() {
        let pairs = (0..400).map(|i| (f64::from(i % 4), i % 10 < 2 + 2 * (i % 4)));
        let c = calibrate(&Levels::new(pairs));
        assert!(c.logistic.slope > 0.0);
        assert!(c.brier_logistic < c.brier_base);
    }
}

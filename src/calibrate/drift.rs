//! Drift between an earlier population (the baseline) and this one: the
//! population stability index of the score, over the baseline's score
//! deciles, and of each rule's firing rate.

use super::ranking::Levels;
use super::sample::Sample;
use serde::Serialize;

/// How much the population moved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Drift {
    /// Leads in the baseline.
    pub baseline_leads: u64,
    /// PSI of the score distribution.
    pub score_psi: f64,
    /// Its band.
    pub score_band: PsiBand,
    /// The score bins: the baseline's deciles.
    pub bins: Vec<PsiBin>,
    /// PSI of each rule's firing rate, in rule order.
    pub rules: Vec<RuleDrift>,
}

/// One score bin of the PSI.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PsiBin {
    /// The lowest baseline score in the bin (the first bin takes everything below).
    pub low: f64,
    /// The baseline's share of leads in the bin.
    pub baseline_share: f64,
    /// This population's share.
    pub current_share: f64,
}

/// One rule's drift.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleDrift {
    /// The rule's label.
    pub rule: String,
    /// Its firing rate in the baseline.
    pub baseline_rate: f64,
    /// Its firing rate now.
    pub current_rate: f64,
    /// PSI over fired / not fired.
    pub psi: f64,
    /// Its band.
    pub band: PsiBand,
}

/// PSI bands: below 0.1 stable, to 0.25 a shift worth a look, above a real change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PsiBand {
    /// Below 0.1.
    Stable,
    /// 0.1 to 0.25.
    Shift,
    /// 0.25 and above.
    Change,
}

impl PsiBand {
    /// The band of a PSI.
    pub fn of(psi: f64) -> PsiBand {
        if psi < 0.1 {
            PsiBand::Stable
        } else if psi < 0.25 {
            PsiBand::Shift
        } else {
            PsiBand::Change
        }
    }
}

/// Σ (a − e) · ln(a / e) over bins of counts, as shares; an empty bin counts 0.5.
pub fn psi(expected: &[u64], actual: &[u64]) -> f64 {
    let total = |c: &[u64]| c.iter().map(|&x| (x as f64).max(0.5)).sum::<f64>();
    let (te, ta) = (total(expected), total(actual));
    expected
        .iter()
        .zip(actual)
        .map(|(&e, &a)| {
            let (e, a) = ((e as f64).max(0.5) / te, (a as f64).max(0.5) / ta);
            (a - e) * (a / e).ln()
        })
        .sum()
}

/// Compares `current` with `baseline` (both scored by the same rules).
pub fn drift(baseline: &Sample, current: &Sample, labels: &[String]) -> Drift {
    let base_levels = Levels::new(baseline.scores().iter().map(|&s| (s, false)));
    let mut lows: Vec<f64> = base_levels.bands(10).iter().map(|b| b.low).collect();
    lows.reverse();
    let bin_counts = |s: &Sample| {
        let mut counts = vec![0u64; lows.len().max(1)];
        for &score in s.scores() {
            let i = lows.partition_point(|&low| low <= score).saturating_sub(1);
            counts[i] += 1;
        }
        counts
    };
    let (be, cu) = (bin_counts(baseline), bin_counts(current));
    let score_psi = psi(&be, &cu);
    let share = |c: &[u64], i: usize| c[i] as f64 / c.iter().sum::<u64>().max(1) as f64;
    let bins = (0..be.len())
        .map(|i| PsiBin {
            low: lows.get(i).copied().unwrap_or(0.0),
            baseline_share: share(&be, i),
            current_share: share(&cu, i),
        })
        .collect();
    let rules = labels
        .iter()
        .enumerate()
        .map(|(r, label)| rule_drift(baseline, current, r, label))
        .collect();
    Drift {
        baseline_leads: baseline.len() as u64,
        score_psi,
        score_band: PsiBand::of(score_psi),
        bins,
        rules,
    }
}

fn rule_drift(baseline: &Sample, current: &Sample, r: usize, label: &str) -> RuleDrift {
    let fired = |s: &Sample| (0..s.len()).filter(|&i| s.fired(i, r)).count() as u64;
    let (bf, cf) = (fired(baseline), fired(current));
    let (bn, cn) = (baseline.len() as u64, current.len() as u64);
    let psi = psi(&[bf, bn - bf], &[cf, cn - cf]);
    RuleDrift {
        rule: label.to_string(),
        baseline_rate: super::ranking::ratio(bf, bn),
        current_rate: super::ranking::ratio(cf, cn),
        psi,
        band: PsiBand::of(psi),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psi_of_equal_shares_is_zero_and_grows_with_a_shift() {
        assert_eq!(psi(&[50, 50], &[100, 100]), 0.0);
        let p = psi(&[50, 50], &[80, 20]);
        let by_hand = (0.8 - 0.5) * (0.8f64 / 0.5).ln() + (0.2 - 0.5) * (0.2f64 / 0.5).ln();
        assert!((p - by_hand).abs() < 1e-12);
        assert_eq!(PsiBand::of(p), PsiBand::Change);
    }
}

//! Which rules carry evidence: for each rule, the conversion rate of the
//! leads it fired for and of the others, lift, weight of evidence,
//! information value and a Wilson interval, with flags for points that
//! disagree with the data.

use super::ranking::ratio;
use serde::Serialize;

/// The counts behind one rule's evidence.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counts {
    /// Leads the rule fired for.
    pub fired: u64,
    /// Converters among them.
    pub fired_pos: u64,
    /// All leads.
    pub n: u64,
    /// All converters.
    pub pos: u64,
}

/// One rule's evidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    /// Leads the rule fired for.
    pub fired: u64,
    /// Converters among them.
    pub conversions_fired: u64,
    /// The conversion rate when it fired.
    pub rate_fired: f64,
    /// The conversion rate when it did not.
    pub rate_not_fired: f64,
    /// `rate_fired / base rate`.
    pub lift: f64,
    /// Weight of evidence of firing: ln(share of converters it fired for /
    /// share of the others it fired for), 0.5 added to empty cells.
    pub woe: f64,
    /// Information value over the two bins fired / not fired.
    pub iv: f64,
    /// The strength band of the information value.
    pub iv_band: IvBand,
    /// The 95% Wilson interval of `rate_fired`.
    pub ci_low: f64,
    /// See `ci_low`.
    pub ci_high: f64,
}

/// Information value bands as credit scoring reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IvBand {
    /// Below 0.02: no predictive power.
    None,
    /// 0.02 to 0.1.
    Weak,
    /// 0.1 to 0.3.
    Medium,
    /// 0.3 and above.
    Strong,
}

impl IvBand {
    /// The band of an information value.
    pub fn of(iv: f64) -> IvBand {
        if iv < 0.02 {
            IvBand::None
        } else if iv < 0.1 {
            IvBand::Weak
        } else if iv < 0.3 {
            IvBand::Medium
        } else {
            IvBand::Strong
        }
    }
}

/// The z of a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// Computes the evidence of one rule from its counts.
pub fn evidence(c: Counts) -> Evidence {
    let not_fired = c.n - c.fired;
    let not_fired_pos = c.pos - c.fired_pos;
    let base = ratio(c.pos, c.n);
    let rate_fired = ratio(c.fired_pos, c.fired);
    let neg = c.n - c.pos;
    let bins = [
        (c.fired_pos, c.fired - c.fired_pos),
        (not_fired_pos, not_fired - not_fired_pos),
    ];
    let woes = bins.map(|(p, q)| woe(p, q, c.pos, neg));
    let iv = bins
        .iter()
        .zip(woes)
        .map(|(&(p, q), w)| (share(p, c.pos) - share(q, neg)) * w)
        .sum();
    let (ci_low, ci_high) = wilson(c.fired_pos, c.fired);
    Evidence {
        fired: c.fired,
        conversions_fired: c.fired_pos,
        rate_fired,
        rate_not_fired: ratio(not_fired_pos, not_fired),
        lift: if base > 0.0 { rate_fired / base } else { 0.0 },
        woe: woes[0],
        iv,
        iv_band: IvBand::of(iv),
        ci_low,
        ci_high,
    }
}

/// `part / whole` with 0.5 added to an empty part (and so to the whole's
/// share too, so that no logarithm meets a zero).
fn share(part: u64, whole: u64) -> f64 {
    let part = if part == 0 { 0.5 } else { part as f64 };
    part / (whole as f64).max(1.0)
}

/// ln(share of converters in the bin / share of the others in the bin).
fn woe(pos: u64, neg: u64, all_pos: u64, all_neg: u64) -> f64 {
    (share(pos, all_pos) / share(neg, all_neg)).ln()
}

/// The 95% Wilson score interval of `k` successes in `n` trials.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// What may be wrong with a rule, by the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleFlag {
    /// It gives points of one sign but its leads convert the other way
    /// (positive points with lift below 1, or negative with lift above 1).
    SignDisagrees,
    /// Its Wilson interval contains the rate of the leads it did not fire for.
    NoMeasurableLift,
    /// It fired for fewer than 30 leads or for none of the converters.
    TooFewFired,
    /// The regression gives it points of the other sign.
    SuggestedSignDiffers,
}

/// The flags of a rule giving `points` (sign applied; for a per-event
/// rule, the points per unit) with this evidence.
pub fn flags(points: f64, e: &Evidence, n: u64) -> Vec<RuleFlag> {
    let mut flags = Vec::new();
    let against = (points > 0.0 && e.lift < 1.0) || (points < 0.0 && e.lift > 1.0);
    if e.fired > 0 && e.fired < n && against {
        flags.push(RuleFlag::SignDisagrees);
    }
    let inside = e.ci_low <= e.rate_not_fired && e.rate_not_fired <= e.ci_high;
    if e.fired > 0 && e.fired < n && inside {
        flags.push(RuleFlag::NoMeasurableLift);
    }
    if e.fired < 30 || e.conversions_fired == 0 {
        flags.push(RuleFlag::TooFewFired);
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_a_hand_computed_interval() {
        // 10 of 100: centre (0.1 + 1.92/100)/(1 + 3.84/100) ...
        let (lo, hi) = wilson(10, 100);
        assert!((lo - 0.055_229_2).abs() < 1e-6, "{lo}");
        assert!((hi - 0.174_365_7).abs() < 1e-6, "{hi}");
    }

    #[test]
    fn woe_and_iv_of_a_rule() {
        // 1000 leads, 100 convert; the rule fires for 200 of them, 40 converters.
        let e = evidence(Counts {
            fired: 200,
            fired_pos: 40,
            n: 1000,
            pos: 100,
        });
        let woe_fired = ((40.0 / 100.0) / (160.0 / 900.0_f64)).ln();
        let woe_not = ((60.0 / 100.0) / (740.0 / 900.0_f64)).ln();
        let iv = (0.4 - 160.0 / 900.0) * woe_fired + (0.6 - 740.0 / 900.0) * woe_not;
        assert!((e.woe - woe_fired).abs() < 1e-12);
        assert!((e.iv - iv).abs() < 1e-12);
        assert_eq!(e.iv_band, IvBand::Medium);
        assert!((e.lift - 2.0).abs() < 1e-12);
        assert!((e.rate_not_fired - 0.075).abs() < 1e-12);
    }

    #[test]
    fn an_empty_cell_gets_one_half() {
        let e = evidence(Counts {
            fired: 10,
            fired_pos: 0,
            n: 1000,
            pos: 100,
        });
        assert!((e.woe - ((0.5 / 100.0) / (10.0 / 900.0_f64)).ln()).abs() < 1e-12);
    }

    #[test]
    fn positive_points_on_a_losing_rule_are_flagged() {
        let e = evidence(Counts {
            fired: 500,
            fired_pos: 20,
            n: 1000,
            pos: 100,
        });
        let f = flags(5.0, &e, 1000);
        assert!(f.contains(&RuleFlag::SignDisagrees), "{f:?}");
        assert!(!f.contains(&RuleFlag::NoMeasurableLift), "{f:?}");
        assert!(flags(-5.0, &e, 1000).is_empty());
    }
}

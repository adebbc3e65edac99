//! Where a label's `score >= N` threshold should be: for a volume (the top
//! share of leads, or a sales capacity per week) or a conversion rate, with
//! precision and recall beside the current threshold's.

use super::ranking::{ratio, Levels};
use crate::rules::{LabelDef, TExprKind};
use crate::syntax::ast::CmpOp;
use serde::Serialize;

/// What a threshold should achieve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Target {
    /// Select at most this share of the leads (`--top 10%` is 0.1).
    Top(f64),
    /// Select at most this many leads per week of lead dates.
    Capacity(f64),
    /// Select as many leads as possible whose conversion rate is at least this.
    MinRate(f64),
}

/// The leads at or above a threshold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cut {
    /// The threshold: leads with `score >= threshold` are selected.
    pub threshold: f64,
    /// Leads selected.
    pub leads: u64,
    /// Their share of all leads.
    pub share: f64,
    /// Converters among them.
    pub conversions: u64,
    /// Precision: the conversion rate of the selected leads.
    pub precision: f64,
    /// Recall: the share of all conversions they hold.
    pub recall: f64,
}

/// The current threshold of one label value and, for a target, the suggested one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Threshold {
    /// The label block.
    pub label: String,
    /// The value its `score >= N` arm gives.
    pub value: String,
    /// The current threshold's figures.
    pub current: Cut,
    /// The target asked for, if any.
    pub target: Option<Target>,
    /// The threshold that meets it; `None` when no threshold does.
    pub suggested: Option<Cut>,
}

/// `N` of an arm written `score >= N`.
pub fn score_floor(arm_when: Option<&crate::rules::TExpr>) -> Option<f64> {
    let when = arm_when?;
    match &when.kind {
        TExprKind::Compare(CmpOp::Ge, a, b) => match (&a.kind, &b.kind) {
            (TExprKind::Score, TExprKind::Number(n)) => Some(*n),
            _ => None,
        },
        _ => None,
    }
}

/// The arms of a label written `score >= N`: (arm index, N).
pub fn score_arms(label: &LabelDef) -> Vec<(usize, f64)> {
    let floors = label.arms.iter().map(|a| score_floor(a.when.as_ref()));
    floors
        .enumerate()
        .filter_map(|(i, f)| Some((i, f?)))
        .collect()
}

/// The leads with `score >= threshold`.
pub fn cut(levels: &Levels, threshold: f64) -> Cut {
    let above = levels.levels.iter().filter(|l| l.score >= threshold);
    let (n, pos) = above.fold((0, 0), |(n, p), l| (n + l.n, p + l.pos));
    figures(levels, threshold, n, pos)
}

fn figures(levels: &Levels, threshold: f64, n: u64, pos: u64) -> Cut {
    Cut {
        threshold,
        leads: n,
        share: ratio(n, levels.n),
        conversions: pos,
        precision: ratio(pos, n),
        recall: ratio(pos, levels.pos),
    }
}

/// The lowest threshold (a score that occurs) that selects at most `max` leads.
pub fn for_volume(levels: &Levels, max: f64) -> Option<Cut> {
    let fits = levels.descending().take_while(|&(_, n, _)| n as f64 <= max);
    let (score, n, pos) = fits.last()?;
    Some(figures(levels, score, n, pos))
}

/// The lowest threshold whose selected leads convert at `rate` or more.
pub fn for_rate(levels: &Levels, rate: f64) -> Option<Cut> {
    let meets = levels
        .descending()
        .filter(|&(_, n, pos)| ratio(pos, n) >= rate);
    let (score, n, pos) = meets.last()?;
    Some(figures(levels, score, n, pos))
}

/// The threshold for a target; `weeks` is the span of the lead dates.
pub fn suggest(levels: &Levels, target: Target, weeks: Option<f64>) -> Option<Cut> {
    match target {
        Target::Top(share) => for_volume(levels, share * levels.n as f64),
        Target::Capacity(per_week) => for_volume(levels, per_week * weeks?),
        Target::MinRate(rate) => for_rate(levels, rate),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels() -> Levels {
        // Scores 0..10, one lead each; scores 7, 8, 9 convert, and 2.
        Levels::new((0..10).map(|i| (f64::from(i), matches!(i, 2 | 7 | 8 | 9))))
    }

    #[test]
    fn a_cut_has_precision_and_recall() {
        let c = cut(&levels(), 7.0);
        assert_eq!((c.leads, c.conversions), (3, 3));
        assert_eq!((c.precision, c.recall), (1.0, 0.75));
    }

    #[test]
    fn top_share_picks_the_lowest_threshold_within_volume() {
        let c = suggest(&levels(), Target::Top(0.25), None).unwrap();
        assert_eq!((c.threshold, c.leads), (8.0, 2));
    }

    #[test]
    fn capacity_needs_weeks() {
        assert_eq!(suggest(&levels(), Target::Capacity(2.0), None), None);
        let c = suggest(&levels(), Target::Capacity(2.0), Some(2.0)).unwrap();
        assert_eq!(c.leads, 4);
    }

    #[test]
    fn min_rate_takes_the_largest_volume_that_meets_it() {
        let c = suggest(&levels(), Target::MinRate(0.5), None).unwrap();
        // At 6: 3 of 4; at 2: 4 of 8 = 0.5 meets it too and is lower.
        assert_eq!((c.threshold, c.leads), (2.0, 8));
    }
}

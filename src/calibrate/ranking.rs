//! How well a score ranks converters above the others: AUC, KS, the ROC and
//! gains curves, score bands and the histogram. Everything is computed from
//! the distinct scores with their lead and conversion counts ([`Levels`]),
//! so a million leads with a few hundred distinct scores cost a sort and a
//! few hundred steps.

use serde::Serialize;

/// One distinct score: how many leads had it and how many of them converted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Level {
    /// The score.
    pub score: f64,
    /// Leads with this score.
    pub n: u64,
    /// Converters among them.
    pub pos: u64,
}

/// The distinct scores of a population, lowest first, with totals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Levels {
    /// Distinct scores, ascending.
    pub levels: Vec<Level>,
    /// All leads.
    pub n: u64,
    /// All converters.
    pub pos: u64,
}

impl Levels {
    /// Groups `(score, converted)` pairs by score.
    pub fn new(pairs: impl Iterator<Item = (f64, bool)>) -> Levels {
        let mut pairs: Vec<(f64, bool)> = pairs.collect();
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let mut levels: Vec<Level> = Vec::new();
        for (score, y) in pairs {
            match levels.last_mut() {
                Some(last) if last.score == score => {
                    last.n += 1;
                    last.pos += u64::from(y);
                }
                _ => levels.push(Level {
                    score,
                    n: 1,
                    pos: u64::from(y),
                }),
            }
        }
        let n = levels.iter().map(|l| l.n).sum();
        let pos = levels.iter().map(|l| l.pos).sum();
        Levels { levels, n, pos }
    }

    /// Leads that did not convert.
    pub fn neg(&self) -> u64 {
        self.n - self.pos
    }

    /// The share of leads that converted (0 for no leads).
    pub fn rate(&self) -> f64 {
        ratio(self.pos, self.n)
    }

    /// The area under the ROC curve by Mann–Whitney with mid-ranks (ties
    /// count one half); `None` when either class is empty.
    pub fn auc(&self) -> Option<f64> {
        let (p, q) = (self.pos as f64, self.neg() as f64);
        if p == 0.0 || q == 0.0 {
            return None;
        }
        let mut below = 0.0;
        let mut rank_sum = 0.0;
        for l in &self.levels {
            let mid_rank = below + (l.n as f64 + 1.0) / 2.0;
            rank_sum += l.pos as f64 * mid_rank;
            below += l.n as f64;
        }
        Some((rank_sum - p * (p + 1.0) / 2.0) / (p * q))
    }

    /// The Kolmogorov–Smirnov statistic: the largest gap between the
    /// cumulative score distributions of converters and the others, and the
    /// score at which it occurs (leads at or below it on one side).
    pub fn ks(&self) -> Option<(f64, f64)> {
        let (p, q) = (self.pos as f64, self.neg() as f64);
        if p == 0.0 || q == 0.0 {
            return None;
        }
        let (mut cp, mut cq) = (0.0, 0.0);
        let mut best = (0.0, self.levels[0].score);
        for l in &self.levels {
            cp += l.pos as f64;
            cq += (l.n - l.pos) as f64;
            let gap = (cq / q - cp / p).abs();
            if gap > best.0 {
                best = (gap, l.score);
            }
        }
        Some(best)
    }

    /// Walks the scores from the highest down, giving after each level the
    /// leads and converters at or above it: `(score, leads, converters)`.
    pub fn descending(&self) -> impl Iterator<Item = (f64, u64, u64)> + '_ {
        let mut n = 0;
        let mut pos = 0;
        self.levels.iter().rev().map(move |l| {
            n += l.n;
            pos += l.pos;
            (l.score, n, pos)
        })
    }

    /// The ROC curve from (0, 0) to (1, 1): (false positive rate, true
    /// positive rate) at each threshold, thinned to at most `max` points.
    pub fn roc(&self, max: usize) -> Vec<[f64; 2]> {
        let (p, q) = (self.pos.max(1) as f64, self.neg().max(1) as f64);
        let points = self
            .descending()
            .map(|(_, n, pos)| [(n - pos) as f64 / q, pos as f64 / p]);
        thin(std::iter::once([0.0, 0.0]).chain(points).collect(), max)
    }

    /// The gains curve: (share of leads, share of conversions) when the
    /// leads are taken from the highest score down, thinned to `max` points.
    pub fn gains(&self, max: usize) -> Vec<[f64; 2]> {
        let (n, p) = (self.n.max(1) as f64, self.pos.max(1) as f64);
        let points = self
            .descending()
            .map(|(_, k, pos)| [k as f64 / n, pos as f64 / p]);
        thin(std::iter::once([0.0, 0.0]).chain(points).collect(), max)
    }

    /// Score bands of about equal size (`count` of them; fewer when ties
    /// make bands merge: leads with one score are never split), highest first.
    pub fn bands(&self, count: usize) -> Vec<Band> {
        let mut bands = Vec::new();
        let mut current: Option<Band> = None;
        let mut seen = 0u64;
        let mut next_cut = 1;
        for l in &self.levels {
            let band = current.get_or_insert(Band::starting(l.score));
            band.add(l);
            seen += l.n;
            if seen >= cut_at(self.n, next_cut, count) {
                while next_cut < count && seen >= cut_at(self.n, next_cut, count) {
                    next_cut += 1;
                }
                bands.extend(current.take());
            }
        }
        bands.extend(current.take());
        let base = self.rate();
        for b in &mut bands {
            b.finish(base);
        }
        bands.reverse();
        bands
    }

    /// A histogram of scores in `bins` equal-width bins over the score range,
    /// with converters and the others counted apart.
    pub fn histogram(&self, bins: usize) -> Histogram {
        let lo = self.levels.first().map_or(0.0, |l| l.score);
        let hi = self.levels.last().map_or(0.0, |l| l.score);
        let width = if hi > lo {
            (hi - lo) / bins as f64
        } else {
            1.0
        };
        let mut h = Histogram {
            start: lo,
            width,
            converted: vec![0; bins],
            others: vec![0; bins],
        };
        for l in &self.levels {
            let b = (((l.score - lo) / width) as usize).min(bins - 1);
            h.converted[b] += l.pos;
            h.others[b] += l.n - l.pos;
        }
        h
    }
}

fn cut_at(n: u64, k: usize, count: usize) -> u64 {
    (n as f64 * k as f64 / count as f64).ceil() as u64
}

/// `a / b`, or 0 when `b` is 0.
pub fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Keeps at most `max` points of a curve, always the first and the last.
fn thin(points: Vec<[f64; 2]>, max: usize) -> Vec<[f64; 2]> {
    if points.len() <= max || max < 2 {
        return points;
    }
    let step = (points.len() - 1) as f64 / (max - 1) as f64;
    (0..max)
        .map(|i| points[((i as f64 * step).round() as usize).min(points.len() - 1)])
        .collect()
}

/// One score band.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Band {
    /// The lowest score in the band.
    pub low: f64,
    /// The highest score in the band.
    pub high: f64,
    /// Leads in the band.
    pub leads: u64,
    /// Converters in the band.
    pub conversions: u64,
    /// `conversions / leads`.
    pub rate: f64,
    /// `rate / base rate`.
    pub lift: f64,
}

impl Band {
    fn starting(score: f64) -> Band {
        Band {
            low: score,
            high: score,
            leads: 0,
            conversions: 0,
            rate: 0.0,
            lift: 0.0,
        }
    }

    fn add(&mut self, l: &Level) {
        self.high = l.score;
        self.leads += l.n;
        self.conversions += l.pos;
    }

    fn finish(&mut self, base: f64) {
        self.rate = ratio(self.conversions, self.leads);
        self.lift = if base > 0.0 { self.rate / base } else { 0.0 };
    }
}

/// Score counts in equal-width bins.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Histogram {
    /// The lower edge of the first bin.
    pub start: f64,
    /// The width of each bin.
    pub width: f64,
    /// Converters per bin.
    pub converted: Vec<u64>,
    /// The other leads per bin.
    pub others: Vec<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(pairs: &[(f64, bool)]) -> Levels {
        Levels::new(pairs.iter().copied())
    }

    #[test]
    fn auc_counts_ties_as_one_half() {
        // Converters 3, 2; others 2, 1. Pairs: (3>2),(3>1),(2=2),(2>1) = 3.5 of 4.
        let l = levels(&[(3.0, true), (2.0, true), (2.0, false), (1.0, false)]);
        assert_eq!(l.auc(), Some(0.875));
    }

    #[test]
    fn auc_is_none_without_both_classes() {
        assert_eq!(levels(&[(1.0, true)]).auc(), None);
    }

    #[test]
    fn ks_is_the_largest_gap() {
        // Others at 1, 2; converters at 3, 4: complete separation after 2.
        let l = levels(&[(1.0, false), (2.0, false), (3.0, true), (4.0, true)]);
        assert_eq!(l.ks(), Some((1.0, 2.0)));
    }

    #[test]
    fn bands_never_split_a_score_and_come_highest_first() {
        let pairs: Vec<(f64, bool)> = (0..10).map(|i| (f64::from(i / 5), i == 9)).collect();
        let bands = levels(&pairs).bands(4);
        assert_eq!(bands.len(), 2);
        assert_eq!(
            (bands[0].low, bands[0].leads, bands[0].conversions),
            (1.0, 5, 1)
        );
        assert_eq!(bands[1].leads, 5);
        assert!((bands[0].lift - 2.0).abs() < 1e-12);
    }

    #[test]
    fn deciles_of_distinct_scores_have_equal_size() {
        let pairs: Vec<(f64, bool)> = (0..100).map(|i| (f64::from(i), i % 3 == 0)).collect();
        let bands = levels(&pairs).bands(10);
        assert_eq!(bands.len(), 10);
        assert!(bands.iter().all(|b| b.leads == 10));
        assert_eq!(bands[0].low, 90.0);
    }

    #[test]
    fn roc_and_gains_run_from_origin_to_one() {
        let l = levels(&[(3.0, true), (2.0, false), (1.0, true)]);
        let roc = l.roc(100);
        assert_eq!(roc.first(), Some(&[0.0, 0.0]));
        assert_eq!(roc.last(), Some(&[1.0, 1.0]));
        assert_eq!(roc[1], [0.0, 0.5]);
        assert_eq!(l.gains(2), vec![[0.0, 0.0], [1.0, 1.0]]);
    }

    #[test]
    fn histogram_puts_the_top_score_in_the_last_bin() {
        let h = levels(&[(0.0, false), (10.0, true)]).histogram(5);
        assert_eq!(h.converted, vec![0, 0, 0, 0, 1]);
        assert_eq!(h.others, vec![1, 0, 0, 0, 0]);
    }
}

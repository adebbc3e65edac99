//! Calibration: judges a rules file against what happened to the leads it
//! scored. No I/O: `cli::calibrate` streams the leads and the outcomes into
//! a [`Sample`] (per lead only the score, the rules' bits or counts, the
//! label arms and the outcome), [`analyse`] turns it into a [`Report`], and
//! [`render`] writes the report as text, JSON, Markdown or HTML.
//!
//! The phases, one file each: `ranking` (AUC, KS, bands, curves),
//! `probability` (score → probability), `evidence` (per rule), `fit` (the
//! penalised logistic regression), `scorecard` (points and holdout),
//! `thresholds`, `drift`, and `rewrite` (the suggested rules file's text).

mod drift;
mod evidence;
mod fit;
mod probability;
mod ranking;
pub mod render;
mod rewrite;
mod sample;
mod scorecard;
mod thresholds;

pub use drift::{Drift, PsiBand};
pub use evidence::{Evidence, IvBand, RuleFlag};
pub use probability::Calibration;
pub use ranking::{Band, Histogram};
pub use rewrite::{rewrite, Rewritten};
pub use sample::{uncapped, Feature, Sample};
pub use scorecard::{in_holdout, Holdout, Model};
pub use thresholds::{Cut, Target, Threshold};

use crate::rules::Ruleset;
use ranking::Levels;
use serde::Serialize;
use std::collections::BTreeMap;

/// How the analysis is made.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Score bands (10 for deciles).
    pub bands: usize,
    /// The share of leads held out to validate the suggested points.
    pub holdout: f64,
    /// Points to double the odds in the suggested points.
    pub pdo: f64,
    /// The L2 penalty of the regression.
    pub l2: f64,
    /// Threshold targets.
    pub targets: Vec<Target>,
    /// `LABEL=VALUE` arms the targets apply to; empty: each label's first `score >=` arm.
    pub threshold_for: Vec<(String, String)>,
    /// Weeks spanned by the lead dates (for `--capacity`).
    pub weeks: Option<f64>,
    /// Fewer leads than this draw the thin-data warning.
    pub min_leads: u64,
    /// Fewer conversions than this draw the thin-data warning.
    pub min_conversions: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            bands: 10,
            holdout: 0.3,
            pdo: 20.0,
            l2: 1.0,
            targets: Vec::new(),
            threshold_for: Vec::new(),
            weeks: None,
            min_leads: 1000,
            min_conversions: 120,
        }
    }
}

/// What the reader of the leads and outcomes saw, for the report.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DataCounts {
    /// Leads read (scored or not).
    pub leads_read: u64,
    /// Leads that could not be read or scored.
    pub unscored: u64,
    /// Scored leads with no outcome: left out of every figure.
    pub unmatched_leads: u64,
    /// Outcome rows whose id no lead had.
    pub unmatched_outcomes: u64,
    /// Outcome rows whose id came again (the last one counts).
    pub duplicate_outcomes: u64,
    /// Conversions dated at or before `--as-of`: known when the leads were scored.
    pub converted_before_as_of: u64,
    /// Dates in the leads later than `--as-of`.
    pub future_values: u64,
    /// Leads with at least one such date.
    pub leads_with_future_values: u64,
    /// List elements dated after `--as-of` were removed before scoring.
    pub future_excluded: bool,
}

/// Something the reader of the report should know; worded in `diagnostics`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Warning {
    /// Too few leads or conversions to trust the figures.
    ThinData {
        /// Leads with an outcome.
        leads: u64,
        /// Their conversions.
        conversions: u64,
        /// The floor on leads.
        min_leads: u64,
        /// The floor on conversions.
        min_conversions: u64,
    },
    /// Leads had no outcome row.
    UnmatchedLeads {
        /// How many.
        count: u64,
    },
    /// Outcome rows matched no lead.
    UnmatchedOutcomes {
        /// How many.
        count: u64,
    },
    /// Leads could not be read or scored.
    UnscoredLeads {
        /// How many.
        count: u64,
    },
    /// Outcome ids came more than once.
    DuplicateOutcomes {
        /// How many repeats.
        count: u64,
    },
    /// Leads hold dates after `--as-of`.
    FutureEvents {
        /// Dates after `--as-of`.
        values: u64,
        /// Leads holding any.
        leads: u64,
        /// They were removed before scoring.
        excluded: bool,
    },
    /// Conversions dated at or before `--as-of`.
    ConvertedBeforeAsOf {
        /// How many.
        count: u64,
    },
    /// `--capacity` needs lead dates and none were found.
    NoLeadDates,
    /// `--threshold-for` named an arm that is not `score >= N`.
    NotAScoreArm {
        /// The label.
        label: String,
        /// The value.
        value: String,
    },
    /// The regression did not converge.
    FitNotConverged,
}

/// The whole report; its JSON form is the stable schema of `--format json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Leads with an outcome.
    pub leads: u64,
    /// Conversions among them.
    pub conversions: u64,
    /// `conversions / leads`.
    pub base_rate: f64,
    /// AUC of the score (Mann–Whitney, ties one half).
    pub auc: Option<f64>,
    /// `2 · AUC − 1`.
    pub gini: Option<f64>,
    /// KS of the score.
    pub ks: Option<f64>,
    /// The score at which KS is reached.
    pub ks_score: Option<f64>,
    /// Per label block, each value's figures, in arm order.
    pub labels: BTreeMap<String, Vec<LabelValue>>,
    /// Conversion by score band, highest first.
    pub bands: Vec<Band>,
    /// Score to probability.
    pub calibration: Calibration,
    /// Evidence and suggested points per rule, in rule order.
    pub rules: Vec<RuleReport>,
    /// The regression behind the suggested points.
    pub model: Option<Model>,
    /// Current vs suggested on the holdout.
    pub holdout: Option<Holdout>,
    /// Thresholds of `score >= N` arms.
    pub thresholds: Vec<Threshold>,
    /// Drift from `--baseline`.
    pub drift: Option<Drift>,
    /// The ROC curve (false positive rate, true positive rate).
    pub roc: Vec<[f64; 2]>,
    /// The gains curve (share of leads, share of conversions).
    pub gains: Vec<[f64; 2]>,
    /// Score histogram, converters and the others.
    pub histogram: Histogram,
    /// What the reader saw.
    pub data: DataCounts,
    /// Warnings, in this order: data first, then fit.
    pub warnings: Vec<Warning>,
}

/// One value of a label block.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelValue {
    /// The value (`null` for leads no arm matched).
    pub value: Option<String>,
    /// Leads with this value.
    pub leads: u64,
    /// Conversions among them.
    pub conversions: u64,
    /// Their conversion rate.
    pub rate: f64,
    /// `rate / base rate`.
    pub lift: f64,
    /// Their share of all conversions.
    pub share_of_conversions: f64,
}

/// One rule's line of the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleReport {
    /// The rule's label (its `as` text, or its source).
    pub rule: String,
    /// Its group, if any.
    pub group: Option<String>,
    /// `flag` (0/1) or `count` (per unit).
    pub kind: &'static str,
    /// Its points now, sign applied (per unit for a count; `null` when not a constant).
    pub points: Option<f64>,
    /// The evidence.
    #[serde(flatten)]
    pub evidence: Evidence,
    /// The fitted change in log-odds.
    pub beta: Option<f64>,
    /// The suggested points (per unit for a count).
    pub suggested_points: Option<f64>,
    /// What may be wrong with it.
    pub flags: Vec<RuleFlag>,
}

/// Analyses a sample of leads with outcomes (and, for drift, a baseline).
pub fn analyse(
    rules: &Ruleset,
    sample: &Sample,
    baseline: Option<&Sample>,
    data: DataCounts,
    config: &Config,
) -> Report {
    let levels = Levels::new(
        sample
            .scores()
            .iter()
            .copied()
            .zip(sample.converted().iter().copied()),
    );
    let fitted = scorecard::fit(
        sample,
        scorecard::Settings {
            pdo: config.pdo,
            l2: config.l2,
        },
    );
    let points: Option<Vec<f64>> = fitted
        .as_ref()
        .map(|(_, s)| s.iter().map(|s| s.points).collect());
    let holdout = points
        .as_ref()
        .map(|p| scorecard::holdout(rules, sample, p, config.holdout));
    let suggestions = fitted.as_ref().map(|(_, s)| s.as_slice());
    let rule_reports = rule_reports(rules, sample, &levels, suggestions);
    let labels_names: Vec<String> = rules.rules.iter().map(|r| r.label.clone()).collect();
    let (thresholds, threshold_warnings) = thresholds(rules, &levels, config);
    let ks = levels.ks();
    let mut report = Report {
        leads: levels.n,
        conversions: levels.pos,
        base_rate: levels.rate(),
        auc: levels.auc(),
        gini: levels.auc().map(|a| 2.0 * a - 1.0),
        ks: ks.map(|k| k.0),
        ks_score: ks.map(|k| k.1),
        labels: label_table(rules, sample, &levels),
        bands: levels.bands(config.bands.max(1)),
        calibration: probability::calibrate(&levels),
        rules: rule_reports,
        model: fitted.map(|(m, _)| m),
        holdout,
        thresholds,
        drift: baseline.map(|b| drift::drift(b, sample, &labels_names)),
        roc: levels.roc(200),
        gains: levels.gains(200),
        histogram: levels.histogram(20),
        data,
        warnings: Vec::new(),
    };
    report.warnings = warnings(&report, config, threshold_warnings);
    report
}

/// Each rule's evidence, points and flags.
fn rule_reports(
    rules: &Ruleset,
    sample: &Sample,
    levels: &Levels,
    suggestions: Option<&[scorecard::Suggestion]>,
) -> Vec<RuleReport> {
    let mut fired = vec![(0u64, 0u64); rules.rules.len()];
    for i in 0..sample.len() {
        let y = u64::from(sample.converted()[i]);
        for (r, f) in fired.iter_mut().enumerate() {
            if sample.fired(i, r) {
                f.0 += 1;
                f.1 += y;
            }
        }
    }
    let current = current_points(rules);
    rules
        .rules
        .iter()
        .enumerate()
        .map(|(r, rule)| {
            let counts = evidence::Counts {
                fired: fired[r].0,
                fired_pos: fired[r].1,
                n: levels.n,
                pos: levels.pos,
            };
            let e = evidence::evidence(counts);
            let s = suggestions.map(|s| s[r]);
            let mut flags = evidence::flags(current[r].unwrap_or(0.0), &e, levels.n);
            let differs = |s: scorecard::Suggestion| current[r].is_some_and(|c| c * s.points < 0.0);
            if s.is_some_and(differs) {
                flags.push(RuleFlag::SuggestedSignDiffers);
            }
            RuleReport {
                rule: rule.label.clone(),
                group: rule.group.map(|g| rules.groups[g].name.clone()),
                kind: match sample.features()[r] {
                    Feature::Flag => "flag",
                    Feature::Count { .. } => "count",
                },
                points: current[r],
                evidence: e,
                beta: s.map(|s| s.beta),
                suggested_points: s.map(|s| s.points),
                flags,
            }
        })
        .collect()
}

/// Each rule's points now, sign applied (per unit for a per-event rule).
pub fn current_points(rules: &Ruleset) -> Vec<Option<f64>> {
    use crate::rules::TExprKind;
    let features = sample::features(rules);
    rules
        .rules
        .iter()
        .zip(features)
        .map(|(rule, f)| {
            let sign = match rule.sign {
                crate::syntax::ast::Sign::Add => 1.0,
                crate::syntax::ast::Sign::Subtract => -1.0,
            };
            let magnitude = match (f, &rule.points.kind) {
                (Feature::Count { unit }, _) => Some(unit),
                (Feature::Flag, TExprKind::Number(n)) => Some(*n),
                (Feature::Flag, TExprKind::Neg(inner)) => match inner.kind {
                    TExprKind::Number(n) => Some(-n),
                    _ => None,
                },
                (Feature::Flag, _) => None,
            };
            magnitude.map(|m| sign * m)
        })
        .collect()
}

/// Each label's values with their conversion figures.
fn label_table(
    rules: &Ruleset,
    sample: &Sample,
    levels: &Levels,
) -> BTreeMap<String, Vec<LabelValue>> {
    let mut table = BTreeMap::new();
    for (l, label) in rules.labels.iter().enumerate() {
        let arms = label.arms.len();
        let mut counts = vec![(0u64, 0u64); arms + 1];
        for i in 0..sample.len() {
            let slot = sample.arm(i, l).unwrap_or(arms);
            counts[slot].0 += 1;
            counts[slot].1 += u64::from(sample.converted()[i]);
        }
        let names = label.arms.iter().map(|a| Some(a.value.clone()));
        let rows = names
            .chain([None])
            .zip(counts)
            .filter(|(v, (n, _))| v.is_some() || *n > 0)
            .map(|(value, (n, pos))| label_value(value, n, pos, levels))
            .collect();
        table.insert(label.name.clone(), rows);
    }
    table
}

fn label_value(value: Option<String>, n: u64, pos: u64, levels: &Levels) -> LabelValue {
    let rate = ranking::ratio(pos, n);
    let base = levels.rate();
    LabelValue {
        value,
        leads: n,
        conversions: pos,
        rate,
        lift: if base > 0.0 { rate / base } else { 0.0 },
        share_of_conversions: ranking::ratio(pos, levels.pos),
    }
}

/// The thresholds of every `score >= N` arm, with targets applied.
fn thresholds(rules: &Ruleset, levels: &Levels, config: &Config) -> (Vec<Threshold>, Vec<Warning>) {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for (want_label, want_value) in &config.threshold_for {
        let arm = rules
            .labels
            .iter()
            .find(|l| &l.name == want_label)
            .and_then(|l| {
                let arms = thresholds::score_arms(l);
                arms.into_iter()
                    .find(|&(a, _)| &l.arms[a].value == want_value)
            });
        if arm.is_none() {
            warnings.push(Warning::NotAScoreArm {
                label: want_label.clone(),
                value: want_value.clone(),
            });
        }
    }
    for label in &rules.labels {
        for (k, (arm, floor)) in thresholds::score_arms(label).into_iter().enumerate() {
            let value = &label.arms[arm].value;
            let targeted = if config.threshold_for.is_empty() {
                k == 0
            } else {
                config
                    .threshold_for
                    .iter()
                    .any(|(l, v)| l == &label.name && v == value)
            };
            let targets: Vec<Option<Target>> = if targeted && !config.targets.is_empty() {
                config.targets.iter().copied().map(Some).collect()
            } else {
                vec![None]
            };
            for target in targets {
                out.push(Threshold {
                    label: label.name.clone(),
                    value: value.clone(),
                    current: thresholds::cut(levels, floor),
                    target,
                    suggested: target.and_then(|t| thresholds::suggest(levels, t, config.weeks)),
                });
            }
        }
    }
    let capacity = config
        .targets
        .iter()
        .any(|t| matches!(t, Target::Capacity(_)));
    if capacity && config.weeks.is_none() {
        warnings.push(Warning::NoLeadDates);
    }
    (out, warnings)
}

fn warnings(report: &Report, config: &Config, mut extra: Vec<Warning>) -> Vec<Warning> {
    let d = &report.data;
    let mut w = Vec::new();
    if report.leads < config.min_leads || report.conversions < config.min_conversions {
        w.push(Warning::ThinData {
            leads: report.leads,
            conversions: report.conversions,
            min_leads: config.min_leads,
            min_conversions: config.min_conversions,
        });
    }
    let counted = [
        (d.unscored, Warning::UnscoredLeads { count: d.unscored }),
        (
            d.unmatched_leads,
            Warning::UnmatchedLeads {
                count: d.unmatched_leads,
            },
        ),
        (
            d.unmatched_outcomes,
            Warning::UnmatchedOutcomes {
                count: d.unmatched_outcomes,
            },
        ),
        (
            d.duplicate_outcomes,
            Warning::DuplicateOutcomes {
                count: d.duplicate_outcomes,
            },
        ),
        (
            d.converted_before_as_of,
            Warning::ConvertedBeforeAsOf {
                count: d.converted_before_as_of,
            },
        ),
        (
            d.future_values,
            Warning::FutureEvents {
                values: d.future_values,
                leads: d.leads_with_future_values,
                excluded: d.future_excluded,
            },
        ),
    ];
    w.extend(counted.into_iter().filter(|(n, _)| *n > 0).map(|(_, w)| w));
    w.append(&mut extra);
    if report.model.as_ref().is_some_and(|m| !m.converged) {
        w.push(Warning::FitNotConverged);
    }
    w
}

/// The suggested points of every rule (`None` without a fit).
pub fn suggested_points(report: &Report) -> Option<Vec<f64>> {
    report.rules.iter().map(|r| r.suggested_points).collect()
}

/// Thresholds for the suggested points that keep each `score >= N` arm's
/// volume: for each such arm, (label index, arm index, new N).
pub fn matched_thresholds(
    rules: &Ruleset,
    sample: &Sample,
    points: &[f64],
) -> Vec<(usize, usize, f64)> {
    let current = Levels::new(sample.scores().iter().map(|&s| (s, false)));
    let rescored = Levels::new(
        (0..sample.len()).map(|i| (scorecard::rescore(rules, sample, i, points), false)),
    );
    let mut out = Vec::new();
    for (l, label) in rules.labels.iter().enumerate() {
        for (arm, floor) in thresholds::score_arms(label) {
            let volume = thresholds::cut(&current, floor).leads as f64;
            let new =
                thresholds::for_volume(&rescored, volume).map_or(f64::INFINITY, |c| c.threshold);
            if new.is_finite() {
                out.push((l, arm, new.round()));
            }
        }
    }
    out
}

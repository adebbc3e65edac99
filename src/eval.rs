//! The interpreter: compiles a [`crate::rules::Ruleset`] once into a
//! [`Program`], then scores leads with it. Evaluation never fails on bad
//! data: a lead that cannot be scored gives a [`DataError`] for that lead.

use crate::rules::Ruleset;
use chrono::{DateTime, Utc};

/// Settings of one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EvalOptions {
    /// The clock: `within` and `days_since` measure from here.
    pub as_of: DateTime<Utc>,
}

/// A compiled ruleset.
#[derive(Debug)]
pub struct Program {
    rules: Ruleset,
}

/// What one rule did for one lead.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RuleOutcome {
    /// Its condition held (always `true` for an unconditional rule).
    pub fired: bool,
    /// The points it gave, sign applied (0 when it did not fire).
    pub points: f64,
}

/// Which bound of a group clamped its total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// `max N`
    Max,
    /// `min N`
    Min,
}

/// A clamp that changed a group's total.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cap {
    /// Index into [`Ruleset::groups`].
    pub group: usize,
    /// Which bound applied.
    pub bound: Bound,
    /// The bound's value (`60` for `max 60`).
    pub limit: f64,
    /// The change it made (negative for a `max`, positive for a `min`).
    pub points: f64,
}

/// The result of scoring one lead.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The total score.
    pub score: f64,
    /// Each group's clamped total, by group index.
    pub groups: Vec<f64>,
    /// Each label's chosen arm (index into its arms), or `None` when no arm matched.
    pub labels: Vec<Option<usize>>,
    /// What each rule did, by rule index.
    pub rules: Vec<RuleOutcome>,
    /// Clamps that changed a group total, in group order.
    pub caps: Vec<Cap>,
    /// Tests made false by a value of the wrong type (counted only without a schema).
    pub mismatches: u32,
}

/// Why a lead could not be scored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataError {
    /// A one-line description, e.g. `company.size: expected int, found string "big"`.
    pub message: String,
}

impl Program {
    /// Compiles a checked ruleset.
    pub fn compile(rules: &Ruleset) -> Program {
        Program {
            rules: rules.clone(),
        }
    }

    /// The ruleset this program was compiled from.
    pub fn ruleset(&self) -> &Ruleset {
        &self.rules
    }

    /// Scores one lead.
    pub fn score(&self, lead: &serde_json::Value, opts: &EvalOptions) -> Result<Outcome, DataError> {
        let _ = (lead, opts);
        Err(DataError {
            message: "not implemented".into(),
        })
    }
}

//! Wording of `leadscore calibrate`: its warnings about the data, its rule
//! flags, and its errors (bad outcome files and options).
//!
//! | code | triggered by |
//! |---|---|
//! | `thin_data` | fewer than 1,000 leads or 120 conversions with an outcome |
//! | `unmatched_leads` | leads with no row in the outcomes file |
//! | `unmatched_outcomes` | outcome rows whose id no lead has |
//! | `unscored_leads` | leads that could not be read or scored |
//! | `duplicate_outcomes` | an id twice in the outcomes file |
//! | `future_events` | dates in the leads after `--as-of` |
//! | `converted_before_as_of` | `converted_at` at or before `--as-of` |
//! | `no_lead_dates` | `--capacity` without lead dates |
//! | `not_a_score_arm` | `--threshold-for tier=cold` where `cold` is not `score >= N` |
//! | `fit_not_converged` | the regression did not settle in 100 steps |

use crate::calibrate::{RuleFlag, Warning};

/// One line describing a warning, without a `warning:` prefix.
pub fn warning(w: &Warning) -> String {
    match w {
        Warning::ThinData {
            leads,
            conversions,
            min_leads,
            min_conversions,
        } => format!(
            "only {leads} leads and {conversions} conversions: below {min_leads} leads or \
             {min_conversions} conversions the figures are too noisy to act on"
        ),
        Warning::UnmatchedLeads { count } => format!(
            "{count} leads have no row in the outcomes file and are left out of every figure"
        ),
        Warning::UnmatchedOutcomes { count } => {
            format!("{count} outcome rows match no lead (check --id and the outcomes file's key)")
        }
        Warning::UnscoredLeads { count } => {
            format!("{count} leads could not be read or scored and are left out")
        }
        Warning::DuplicateOutcomes { count } => {
            format!("{count} outcome rows repeat an id; the last row for an id counts")
        }
        Warning::FutureEvents {
            values,
            leads,
            excluded: false,
        } => format!(
            "{leads} leads hold {values} dates after --as-of: they may leak the outcome into \
             the score (--exclude-future-events drops such events before scoring)"
        ),
        Warning::FutureEvents {
            values,
            leads,
            excluded: true,
        } => format!(
            "{leads} leads held {values} dates after --as-of; list elements dated after it \
             were dropped before scoring"
        ),
        Warning::ConvertedBeforeAsOf { count } => format!(
            "{count} conversions are dated at or before --as-of: those leads were scored after \
             they converted, so their behaviour may reflect the sale (set --as-of earlier)"
        ),
        Warning::NoLeadDates => "--capacity needs lead dates: no lead has a readable \
             --date-field, so no capacity threshold is given"
            .into(),
        Warning::NotAScoreArm { label, value } => format!(
            "--threshold-for {label}={value}: no arm of `label {label}` gives `{value}` \
             with `score >= N`"
        ),
        Warning::FitNotConverged => "the regression did not converge in 100 steps; \
             the suggested points are approximate (raise --l2)"
            .into(),
    }
}

/// The short name of a rule flag, as the report tables show it.
pub fn flag(f: RuleFlag) -> &'static str {
    match f {
        RuleFlag::SignDisagrees => "sign disagrees",
        RuleFlag::NoMeasurableLift => "no measurable lift",
        RuleFlag::TooFewFired => "too few leads",
        RuleFlag::SuggestedSignDiffers => "fit flips sign",
    }
}

/// Why `leadscore calibrate` could not run: each with the place and the fix.
#[derive(Clone, Debug, PartialEq)]
pub enum CalibrateError {
    /// The outcomes file could not be opened or read.
    OutcomesUnreadable {
        /// The file.
        file: String,
        /// The system's reason.
        reason: String,
    },
    /// The outcomes file has no column (or key) of this name.
    MissingColumn {
        /// The file.
        file: String,
        /// The column.
        column: String,
    },
    /// A `converted` value that is not a boolean.
    BadConverted {
        /// The file.
        file: String,
        /// The line.
        line: u64,
        /// The value found.
        value: String,
    },
    /// A `converted_at` value that is not a date.
    BadConvertedAt {
        /// The file.
        file: String,
        /// The line.
        line: u64,
        /// The value found.
        value: String,
    },
    /// A line of a JSON Lines outcomes file is not a JSON object.
    BadOutcomeLine {
        /// The file.
        file: String,
        /// The line.
        line: u64,
        /// The parser's reason.
        reason: String,
    },
    /// Neither `--outcomes` nor `--outcome-field` was given.
    NoOutcomes,
    /// `--outcome-field` found a value that is not a boolean.
    BadOutcomeField {
        /// The lead's place.
        place: String,
        /// The field.
        field: String,
    },
    /// `--write-suggested` or `-o` names an input file.
    WouldOverwrite {
        /// The file.
        file: String,
    },
    /// No lead has an outcome.
    NoLeadsWithOutcomes,
    /// A malformed option value.
    BadOption {
        /// The option.
        option: &'static str,
        /// The value.
        value: String,
        /// An example of a good value.
        example: &'static str,
    },
    /// The suggested rules did not check (a bug: the rewrite should keep them valid).
    SuggestedInvalid {
        /// The file.
        file: String,
    },
}

/// One line describing an error, naming the place and the fix.
pub fn error(e: &CalibrateError) -> String {
    match e {
        CalibrateError::OutcomesUnreadable { file, reason } => {
            format!("cannot read outcomes file {file}: {reason}")
        }
        CalibrateError::MissingColumn { file, column } => format!(
            "{file}: no `{column}` column; an outcomes file needs the lead id column (--id) \
             and `converted` (true/false), with `converted_at` optional"
        ),
        CalibrateError::BadConverted { file, line, value } => format!(
            "{file} line {line}: `converted` is {value:?}; write true or false (1/0, yes/no also work)"
        ),
        CalibrateError::BadConvertedAt { file, line, value } => format!(
            "{file} line {line}: `converted_at` is {value:?}; write an RFC 3339 time like \
             2026-11-20T09:00:00Z, a date like 2026-11-20, or leave it empty"
        ),
        CalibrateError::BadOutcomeLine { file, line, reason } => {
            format!("{file} line {line}: not a JSON object with the outcome ({reason})")
        }
        CalibrateError::NoOutcomes => "calibrate needs outcomes: --outcomes FILE (CSV or \
             JSON Lines keyed by lead id), or --outcome-field FIELD inside each lead"
            .into(),
        CalibrateError::BadOutcomeField { place, field } => format!(
            "{place}: `{field}` is not true or false; every lead needs a boolean outcome field"
        ),
        CalibrateError::WouldOverwrite { file } => format!(
            "{file} is one of the inputs; name a new file for --write-suggested or -o so \
             that nothing you gave is overwritten"
        ),
        CalibrateError::NoLeadsWithOutcomes => "no lead has an outcome: check that --id \
             names the same key in the leads and in the outcomes file"
            .into(),
        CalibrateError::BadOption { option, value, example } => {
            format!("{option} {value:?} is not understood; write it like {example}")
        }
        CalibrateError::SuggestedInvalid { file } => format!(
            "the suggested rules for {file} do not check; nothing was written (please report this)"
        ),
    }
}

/// A note for a rule `--write-suggested` left as it was.
pub fn skipped_rule(label: &str) -> String {
    format!(
        "rule {label:?} is kept with its old points in the suggested file: it is defined in an \
         included file or written so that its points cannot be replaced in place"
    )
}

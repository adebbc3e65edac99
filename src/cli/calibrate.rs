//! `leadscore calibrate RULES LEADS... --outcomes FILE`: the backtest of a
//! rules file against conversion outcomes, the evidence per rule, the
//! suggested points and thresholds, and drift from a baseline.
//!
//! The leads are streamed: each is scored once and only what the statistics
//! need is kept (see [`crate::calibrate::Sample`]).

mod outcomes;

use super::input::{self, Lead};
use super::load;
use super::output;
use super::score::open_all;
use super::{note, parse_as_of, LeadsArgs, Status, Stop};
use crate::calibrate::{self, render, DataCounts, Sample, Target};
use crate::diagnostics::calibrate::{error, CalibrateError as E};
use crate::diagnostics::io as io_words;
use crate::diagnostics::visible::visible;
use crate::eval::{value_at, EvalOptions, Program};
use crate::rules::Type;
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use outcomes::Outcomes;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Options of `leadscore calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The rules file.
    #[arg(value_name = "RULES")]
    pub rules: PathBuf,
    #[command(flatten)]
    pub input: LeadsArgs,
    /// The outcomes: CSV or JSON Lines keyed by lead id (`--id`), with a
    /// boolean `converted` and an optional `converted_at`.
    #[arg(long, value_name = "FILE")]
    pub outcomes: Option<PathBuf>,
    /// Read the outcome from this boolean field of each lead instead.
    #[arg(long, value_name = "FIELD", conflicts_with = "outcomes")]
    pub outcome_field: Option<String>,
    /// The report's format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the report to this file (replaced only once it is complete).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Score bands in the conversion-by-band table (10: deciles).
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub bands: u16,
    /// The share of leads (chosen by a hash of their id) held out to validate the suggested points.
    #[arg(long, value_name = "SHARE", default_value = "0.3", value_parser = parse_holdout)]
    pub holdout: f64,
    /// Points to double the odds, for the suggested points.
    #[arg(long, value_name = "POINTS", default_value_t = 20.0)]
    pub pdo: f64,
    /// The L2 penalty of the regression behind the suggested points.
    #[arg(long, value_name = "LAMBDA", default_value_t = 1.0)]
    pub l2: f64,
    /// Write the rules with the suggested points (and thresholds) to this new file.
    #[arg(long, value_name = "FILE")]
    pub write_suggested: Option<PathBuf>,
    /// The label arm the threshold targets apply to, e.g. `tier=hot` (repeatable).
    #[arg(long, value_name = "LABEL=VALUE", value_parser = parse_label_value)]
    pub threshold_for: Vec<(String, String)>,
    /// Threshold target: select the top share of leads, e.g. `10%`.
    #[arg(long, value_name = "SHARE", value_parser = parse_share)]
    pub top: Option<f64>,
    /// Threshold target: at most this many leads a week, e.g. `200/week` (needs lead dates).
    #[arg(long, value_name = "N/week", value_parser = parse_capacity)]
    pub capacity: Option<f64>,
    /// Threshold target: the selected leads convert at least at this rate, e.g. `30%`.
    #[arg(long, value_name = "RATE", value_parser = parse_share)]
    pub min_rate: Option<f64>,
    /// The lead field with the lead's date, for `--capacity`.
    #[arg(long, value_name = "FIELD", default_value = "created_at")]
    pub date_field: String,
    /// An earlier population of leads to measure drift against.
    #[arg(long, value_name = "LEADS")]
    pub baseline: Option<String>,
    /// Drop list elements (events) dated after --as-of before scoring.
    #[arg(long)]
    pub exclude_future_events: bool,
    /// Warn below this many leads with an outcome.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub min_leads: u64,
    /// Warn below this many conversions.
    #[arg(long, value_name = "N", default_value_t = 120)]
    pub min_conversions: u64,
}

/// How the report is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Aligned tables for the terminal.
    Text,
    /// One JSON object (the documented schema).
    Json,
    /// Markdown, for a pull request.
    Markdown,
    /// One self-contained HTML page with charts.
    Html,
}

/// A hook called as leads are read, for a progress display.
pub trait Progress {
    /// `leads` more leads were read.
    fn advance(&mut self, leads: u64);
}

/// The shared progress bar (drawn only on a terminal without `--quiet`).
struct Bar(super::progress::Progress);

impl Progress for Bar {
    fn advance(&mut self, leads: u64) {
        self.0.add(leads);
    }
}

/// Runs the calibration and writes the report.
pub fn run(args: &CalibrateArgs) -> Result<Status, Stop> {
    let mut bar = Bar(super::progress::Progress::counting("leads", None));
    let status = run_with(args, &mut bar);
    bar.0.finish();
    status
}

/// [`run`] with a progress hook.
pub fn run_with(args: &CalibrateArgs, progress: &mut dyn Progress) -> Result<Status, Stop> {
    let trouble = |e: E| Stop::Trouble(error(&e));
    if args.outcomes.is_none() && args.outcome_field.is_none() {
        return Err(trouble(E::NoOutcomes));
    }
    refuse_overwrite(args).map_err(trouble)?;
    let program = load::program(&args.rules, args.input.timezone.as_ref())?;
    let mut outcomes = match &args.outcomes {
        Some(path) => Some(outcomes::read(path, &args.input.id).map_err(trouble)?),
        None => None,
    };
    let reader = Reader::new(&program, args);
    let (sample, mut data, dates) = reader.read(&args.input.leads, outcomes.as_mut(), progress)?;
    if let Some(o) = &outcomes {
        data.unmatched_outcomes = o.unmatched();
        data.duplicate_outcomes = o.duplicates;
    }
    if sample.is_empty() {
        return Err(trouble(E::NoLeadsWithOutcomes));
    }
    let baseline = match &args.baseline {
        Some(name) => Some(reader.read(std::slice::from_ref(name), None, progress)?.0),
        None => None,
    };
    let config = config(args, dates);
    let report = calibrate::analyse(program.ruleset(), &sample, baseline.as_ref(), data, &config);
    if let Some(path) = &args.write_suggested {
        write_suggested(args, &program, &sample, &report, path)?;
    }
    write_report(args, &report)?;
    Ok(Status::Success)
}

fn config(args: &CalibrateArgs, dates: Option<(i64, i64)>) -> calibrate::Config {
    let targets = [
        args.top.map(Target::Top),
        args.capacity.map(Target::Capacity),
        args.min_rate.map(Target::MinRate),
    ];
    calibrate::Config {
        bands: usize::from(args.bands),
        holdout: args.holdout,
        pdo: args.pdo,
        l2: args.l2,
        targets: targets.into_iter().flatten().collect(),
        threshold_for: args.threshold_for.clone(),
        weeks: dates.map(|(lo, hi)| ((hi - lo) as f64 / (7.0 * 86_400.0)).max(1.0 / 7.0)),
        min_leads: args.min_leads,
        min_conversions: args.min_conversions,
    }
}

/// Neither `--write-suggested` nor `-o` may name an input: the rules (and
/// their includes), the leads, the outcomes or the baseline.
fn refuse_overwrite(args: &CalibrateArgs) -> Result<(), E> {
    let included: Vec<PathBuf> = load::rules(&args.rules)
        .map(|l| {
            l.sources
                .files()
                .map(|(_, f)| PathBuf::from(&f.name))
                .collect()
        })
        .unwrap_or_default();
    let mut inputs: Vec<&Path> = vec![args.rules.as_path()];
    inputs.extend(included.iter().map(PathBuf::as_path));
    inputs.extend(args.outcomes.iter().map(PathBuf::as_path));
    inputs.extend(args.input.leads.iter().map(Path::new));
    inputs.extend(args.baseline.iter().map(Path::new));
    let outputs = args.write_suggested.iter().chain(&args.output);
    for target in outputs {
        if !output::same_files(target, &inputs).is_empty() {
            return Err(E::WouldOverwrite {
                file: target.display().to_string(),
            });
        }
    }
    Ok(())
}

/// What reading one population gives: the sample, the counts for the
/// report, and the first and last lead date (Unix seconds).
type Read = (Sample, DataCounts, Option<(i64, i64)>);

/// Streams leads into a [`Sample`].
struct Reader<'a> {
    program: &'a Program,
    uncapped: Option<Program>,
    args: &'a CalibrateArgs,
    opts: EvalOptions,
    id: Vec<String>,
    date: Vec<String>,
    outcome_field: Option<Vec<String>>,
}

impl<'a> Reader<'a> {
    fn new(program: &'a Program, args: &'a CalibrateArgs) -> Reader<'a> {
        let path = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
        Reader {
            program,
            uncapped: calibrate::uncapped(program.ruleset()).map(|r| Program::compile(&r)),
            args,
            opts: EvalOptions {
                as_of: args.input.as_of(),
            },
            id: args.input.id_path(),
            date: path(&args.date_field),
            outcome_field: args.outcome_field.as_deref().map(path),
        }
    }

    /// Reads every lead of `names`; with `outcomes` (or `--outcome-field`)
    /// only leads with an outcome are kept, otherwise all (a baseline).
    fn read(
        &self,
        names: &[String],
        mut outcomes: Option<&mut Outcomes>,
        progress: &mut dyn Progress,
    ) -> Result<Read, Stop> {
        let mut sample = Sample::new(self.program.ruleset());
        let mut data = DataCounts {
            future_excluded: self.args.exclude_future_events,
            ..DataCounts::default()
        };
        let mut dates: Option<(i64, i64)> = None;
        let baseline = outcomes.is_none() && self.outcome_field.is_none();
        let lead_type = &self.program.ruleset().lead_type;
        for source in open_all(names)? {
            let name = source.name.clone();
            let reading = self.args.input.reading(self.program.ruleset());
            let leads = input::leads(source, &reading).map_err(Stop::Trouble)?;
            for lead in leads {
                let lead: Lead =
                    lead.map_err(|e| Stop::Trouble(io_words::read_failed(&name, &e)))?;
                data.leads_read += 1;
                progress.advance(1);
                let Ok(mut value) = lead.value else {
                    data.unscored += 1;
                    continue;
                };
                let future = future_dates(
                    lead_type,
                    &mut value,
                    self.opts.as_of,
                    self.args.exclude_future_events,
                );
                data.future_values += future;
                data.leads_with_future_values += u64::from(future > 0);
                let id = outcomes::id_text(&value_at(&value, &self.id));
                let converted = if baseline {
                    Some(false)
                } else {
                    self.outcome(
                        &value,
                        id.as_deref(),
                        outcomes.as_deref_mut(),
                        &mut data,
                        lead.at,
                    )?
                };
                let Some(converted) = converted else {
                    data.unmatched_leads += 1;
                    continue;
                };
                let Ok(outcome) = self.program.score(&value, &self.opts) else {
                    data.unscored += 1;
                    continue;
                };
                if let Some(t) = value_at(&value, &self.date)
                    .as_str()
                    .and_then(|s| parse_as_of(s).ok())
                {
                    let t = t.timestamp();
                    dates = Some(dates.map_or((t, t), |(lo, hi)| (lo.min(t), hi.max(t))));
                }
                let held = !baseline
                    && calibrate::in_holdout(id.as_deref().unwrap_or(""), self.args.holdout);
                let raw = self
                    .uncapped
                    .as_ref()
                    .and_then(|p| p.score(&value, &self.opts).ok());
                sample.push(&outcome, raw.as_ref(), converted, held);
            }
        }
        Ok((sample, data, dates))
    }

    /// The lead's outcome: from `--outcome-field`, or its row in the outcomes file.
    fn outcome(
        &self,
        value: &Value,
        id: Option<&str>,
        outcomes: Option<&mut Outcomes>,
        data: &mut DataCounts,
        at: input::Loc,
    ) -> Result<Option<bool>, Stop> {
        if let Some(field) = &self.outcome_field {
            let found = value_at(value, field);
            return match outcomes::boolean(&found) {
                Some(b) => Ok(Some(b)),
                None if found.is_null() => Ok(None),
                None => Err(Stop::Trouble(error(&E::BadOutcomeField {
                    place: at.to_string(),
                    field: field.join("."),
                }))),
            };
        }
        let row = id.and_then(|id| outcomes?.take(id));
        if let Some(r) = row {
            if r.converted && r.at.is_some_and(|t| t <= self.opts.as_of) {
                data.converted_before_as_of += 1;
            }
        }
        Ok(row.map(|r| r.converted))
    }
}

/// Counts the dates in a lead later than `as_of`, following the lead's type;
/// with `exclude`, list elements holding such a date are removed.
fn future_dates(ty: &Type, value: &mut Value, as_of: DateTime<Utc>, exclude: bool) -> u64 {
    match (ty, value) {
        (Type::Datetime, Value::String(s)) => {
            u64::from(DateTime::parse_from_rfc3339(s).is_ok_and(|t| t.with_timezone(&Utc) > as_of))
        }
        (Type::Record(fields), Value::Object(map)) => fields
            .iter()
            .map(|(name, f)| {
                map.get_mut(name)
                    .map_or(0, |v| future_dates(&f.ty, v, as_of, exclude))
            })
            .sum(),
        (Type::List(inner), Value::Array(items)) => {
            let mut total = 0;
            items.retain_mut(|item| {
                let n = future_dates(inner, item, as_of, exclude);
                total += n;
                !(exclude && n > 0)
            });
            total
        }
        _ => 0,
    }
}

/// Writes the rules with the suggested points to a new file, after checking them.
fn write_suggested(
    args: &CalibrateArgs,
    program: &Program,
    sample: &Sample,
    report: &calibrate::Report,
    path: &Path,
) -> Result<(), Stop> {
    let Some(points) = calibrate::suggested_points(report) else {
        return Ok(());
    };
    let loaded = load::rules(&args.rules)?;
    let entry = loaded
        .sources
        .files()
        .next()
        .map(|(id, f)| (id, f.text.clone()));
    let Some((file, text)) = entry else {
        return Ok(());
    };
    let rules = program.ruleset();
    let thresholds = calibrate::matched_thresholds(rules, sample, &points);
    let new = calibrate::rewrite(&text, file, rules, &points, &thresholds);
    for label in &new.skipped {
        note(&format!(
            "note: {}",
            crate::diagnostics::calibrate::skipped_rule(label)
        ));
    }
    let name = path.display().to_string();
    let reader = super::load::FsReader;
    let dir_name = args
        .rules
        .with_file_name(path.file_name().unwrap_or_default());
    let checked = crate::load_str(&dir_name.to_string_lossy(), &new.text, &reader);
    if checked.has_errors() {
        return Err(Stop::Trouble(error(&E::SuggestedInvalid { file: name })));
    }
    output::write_file(path, new.text.as_bytes())
        .map_err(|e| Stop::Trouble(io_words::cannot_write(path, &e)))
}

fn write_report(args: &CalibrateArgs, report: &calibrate::Report) -> Result<(), Stop> {
    let text = match args.format {
        ReportFormat::Text => visible(&render::text(report)).into_owned(),
        ReportFormat::Json => render::json(report),
        ReportFormat::Markdown => render::markdown(report),
        ReportFormat::Html => {
            render::html(report, &format!("Calibration of {}", args.rules.display()))
        }
    };
    match args.output.as_deref() {
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(Stop::write),
        Some(p) if p == Path::new("-") => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(Stop::write),
        Some(path) => output::write_file(path, text.as_bytes())
            .map_err(|e| Stop::Trouble(io_words::cannot_write(path, &e))),
    }
}

/// `0.3` or `30%`, between 0 and 1 exclusive.
fn parse_holdout(text: &str) -> Result<f64, String> {
    parse_share(text).and_then(|x| {
        if x < 1.0 {
            Ok(x)
        } else {
            Err(bad("--holdout", text, "0.3 or 30%"))
        }
    })
}

/// `10%` or `0.1`.
fn parse_share(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let value = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|x| x / 100.0),
        None => t.parse::<f64>(),
    };
    match value {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(bad("share", text, "10% or 0.1")),
    }
}

/// `200/week` or `200`.
fn parse_capacity(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let n = t.strip_suffix("/week").unwrap_or(t).trim();
    match n.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(x),
        _ => Err(bad("--capacity", text, "200/week")),
    }
}

/// `tier=hot`.
fn parse_label_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((l, v)) if !l.trim().is_empty() && !v.trim().is_empty() => {
            Ok((l.trim().into(), v.trim().into()))
        }
        _ => Err(bad("--threshold-for", text, "tier=hot")),
    }
}

fn bad(option: &'static str, value: &str, example: &'static str) -> String {
    error(&E::BadOption {
        option,
        value: value.to_string(),
        example,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_accept_shares_and_capacities() {
        assert_eq!(parse_share("10%"), Ok(0.1));
        assert_eq!(parse_share("0.25"), Ok(0.25));
        assert!(parse_share("150%").is_err());
        assert_eq!(parse_capacity("200/week"), Ok(200.0));
        assert!(parse_capacity("lots").is_err());
        assert!(parse_holdout("1").is_err());
        assert_eq!(
            parse_label_value("tier=hot"),
            Ok(("tier".into(), "hot".into()))
        );
    }

    #[test]
    fn future_dates_are_counted_and_optionally_dropped() {
        let rules = crate::load_str(
            "t.rules",
            "schema { events: list<{ at: datetime }> }\nwhen count(events) > 0 add 1\n",
            &crate::syntax::MemReader::with(&[]),
        );
        let ty = rules.ruleset.unwrap().lead_type;
        let as_of = parse_as_of("2026-11-01").unwrap();
        let lead = r#"{"events":[{"at":"2026-10-01T00:00:00Z"},{"at":"2026-12-01T00:00:00Z"}]}"#;
        let mut v: Value = serde_json::from_str(lead).unwrap();
        assert_eq!(future_dates(&ty, &mut v, as_of, false), 1);
        assert_eq!(v["events"].as_array().unwrap().len(), 2);
        assert_eq!(future_dates(&ty, &mut v, as_of, true), 1);
        assert_eq!(v["events"].as_array().unwrap().len(), 1);
    }
}

//! The interpreter: compiles a [`crate::rules::Ruleset`] once into a
//! [`Program`], then scores leads with it. Evaluation never fails on bad
//! data: a lead that cannot be scored gives a [`DataError`] for that lead.
//!
//! # Design
//!
//! Scoring a lead is two steps, kept apart on purpose:
//!
//! 1. **Extraction** (`lead.rs`). At compile time every field path the rules
//!    read (including the fields of `where` elements and projections such as
//!    `events.type`) is collected into a *shape*: a tree whose nodes each own
//!    a numbered *slot*. Records are flattened (`company.size` is one slot of
//!    the lead's frame); each list opens a frame layout for its elements, and
//!    a list of `n` elements takes `n` consecutive frames of the slot table.
//!    Per lead, the JSON is walked once, only along the shape, filling a flat
//!    table of small `Copy` values: numbers as `f64`, datetimes parsed once
//!    by the field's [`crate::datetime::Reader`] (declared formats, Unix
//!    times, the field's zone; a hand-written fast path for
//!    `YYYY-MM-DDTHH:MM:SSZ`, chrono otherwise),
//!    strings copied into one text buffer with a case-folded copy (Unicode
//!    full case folding, `value::fold`) made only when the text is not
//!    already folded. Type checks happen here: with a
//!    schema a wrong or missing value is a [`DataError`] naming the field;
//!    without one the slot holds a "mismatch" marker (and so do the fields
//!    below a wrong-typed record). A field whose type is unknown (`any`) is
//!    read as whatever it holds, list included. Nothing else looks at
//!    the JSON, so another front end (e.g. a borrowed deserializer over the
//!    raw bytes) only has to fill the same table.
//! 2. **Evaluation** (`compile.rs`, `run.rs`). The compiled tree reads slots
//!    by number. Constants are prepared once: strings case-folded, `in` lists
//!    turned into sets, regexes compiled, durations in nanoseconds, string
//!    constants compared with datetimes parsed. `count`/`any`/`all`/`none`
//!    over a `where` run the filter without building a list (those at the
//!    lead's level over the same lead list all in one pass, `fuse.rs`); a filter that
//!    is kept (a `let`, a projection, `sum`) is a run of element frame
//!    numbers; a `let` is evaluated at most once per lead and cached.
//!    Reading a mismatch marker counts one in [`Outcome::mismatches`] and
//!    reads as missing, so the test is false. All buffers live in a
//!    [`Scratch`] reused from lead to lead, so scoring does not allocate
//!    beyond the [`Outcome`] itself.
//!
//! Rendering (`render.rs`) writes the output record with every constant piece
//! JSON-escaped at compile time.

pub mod account;
mod census;
mod compile;
mod fast;
mod fuse;
mod lead;
pub mod points;
mod probe;
mod render;
mod run;
mod text;
mod value;

pub use census::{Census, Field, FieldCount, Fields};
pub use probe::Shown;
pub use render::{clamp_rule, push_num, push_reason_head, Head, Reason, RecordKeys, RecordNames};
pub use run::Scratch;
pub use text::{bool_spellings, decimal_point, parse_bool, parse_int, parse_number};

use crate::rules::Ruleset;
use chrono::{DateTime, Utc};
use std::cell::RefCell;

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
    code: compile::Compiled,
    texts: render::Texts,
    fields: Fields,
    /// The `let`s of `code` worked out for every lead into
    /// [`Outcome::projected`] (empty unless [`Program::projecting`]).
    projected: std::ops::Range<usize>,
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

/// A clamp that changed a group's total or the score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cap {
    /// Index into [`Ruleset::groups`]; `None` for the score's own limits
    /// (`score max N min N`).
    pub group: Option<usize>,
    /// Which bound applied.
    pub bound: Bound,
    /// The bound's value (`60` for `max 60`).
    pub limit: f64,
    /// The change it made (negative for a `max`, positive for a `min`).
    pub points: f64,
}

/// The result of scoring one lead.
#[derive(Clone, Debug, Default, PartialEq)]
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
    /// The values of the expressions a [`Program::projecting`] works out
    /// for every lead (what its account keeps of it), in their order; empty
    /// for any other program.
    pub projected: Vec<serde_json::Value>,
}

impl Outcome {
    /// Each label's name and value (`None` when no arm matched), in declaration order.
    pub fn label_values<'r>(&self, rules: &'r Ruleset) -> Vec<(&'r str, Option<&'r str>)> {
        let value = |l: usize| {
            let arm = self.labels.get(l).copied().flatten()?;
            Some(rules.labels[l].arms.get(arm)?.value.as_str())
        };
        let names = rules.labels.iter().map(|label| label.name.as_str());
        names
            .enumerate()
            .map(|(l, name)| (name, value(l)))
            .collect()
    }
}

/// Why a lead could not be scored: what is wrong and where, as data (the
/// wording is in `diagnostics::data`; `to_string()` gives it).
#[derive(Clone, Debug, PartialEq)]
pub struct DataError {
    /// What is wrong.
    pub kind: DataErrorKind,
    /// Where: the field path from the lead (empty for the lead itself).
    pub path: Vec<PathSeg>,
}

/// One step of a [`DataError`]'s path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSeg {
    /// A field of a record.
    Key(String),
    /// An element of a list.
    Index(usize),
}

/// The kinds of [`DataError`].
#[derive(Clone, Debug, PartialEq)]
pub enum DataErrorKind {
    /// The lead is not a JSON object.
    NotAnObject {
        /// What it is instead.
        found: Found,
    },
    /// With a schema: a value of the wrong type.
    WrongType {
        /// The declared type.
        expected: crate::rules::Type,
        /// The value found.
        found: Found,
        /// For text that is not a readable datetime: what would read it.
        hint: Option<DatetimeHint>,
    },
    /// With a schema: a required field is missing (`null`: it is null).
    Absent {
        /// The declared type.
        expected: crate::rules::Type,
        /// `true` for null, `false` for a missing field.
        null: bool,
    },
    /// Finite points that add up past the range of a number.
    PointsOverflow,
}

/// What would read a datetime that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatetimeHint {
    /// The schema declares these formats (none of them, nor RFC 3339, read it).
    Declared(Vec<String>),
    /// No format is declared; these common CRM formats read it (none, one,
    /// or several when the text is ambiguous).
    Accepting(Vec<String>),
    /// A number in a field without an epoch format: a Unix time needs
    /// `epoch_s` or `epoch_ms` declared.
    Epoch,
}

/// A JSON value found where another was expected, as a message shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// `null`.
    Null,
    /// A bool.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string (the whole text; the wording shortens it).
    String(String),
    /// An array.
    List,
    /// An object.
    Object,
}

impl Found {
    /// What `v` is.
    pub fn of(v: &serde_json::Value) -> Found {
        use serde_json::Value;
        match v {
            Value::Null => Found::Null,
            Value::Bool(b) => Found::Bool(*b),
            Value::Number(n) => Found::Number(n.to_string()),
            Value::String(s) => Found::String(s.clone()),
            Value::Array(_) => Found::List,
            Value::Object(_) => Found::Object,
        }
    }
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::diagnostics::data_error(self))
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

impl Program {
    /// Compiles a checked ruleset.
    pub fn compile(rules: &Ruleset) -> Program {
        let code = compile::compile(rules);
        let fields = Fields::new(&code.shape, &code.rule_fields);
        Program {
            rules: rules.clone(),
            code,
            texts: render::Texts::new(rules),
            fields,
            projected: 0..0,
        }
    }

    /// Compiles `working`, which is `rules` (what the program shows as its
    /// ruleset) with fields' types loosened and `n` `let`s added at the
    /// end; those are worked out for every lead after its labels (they may
    /// read `score`, group totals and labels) into [`Outcome::projected`].
    pub(crate) fn projecting(rules: &Ruleset, working: &Ruleset, n: usize) -> Program {
        let mut program = Program::compile(working);
        let end = working.lets.len();
        program.projected = end - n..end;
        program.texts = render::Texts::new(rules);
        program.rules = rules.clone();
        program
    }

    /// Compiles a checked ruleset whose datetime fields without a zone of
    /// their own read local times in `zone` (`--timezone`), or UTC for `None`.
    pub fn compile_in(rules: &Ruleset, zone: Option<&jiff::tz::TimeZone>) -> Program {
        match zone {
            Some(zone) => Program::compile(&rules.in_zone(zone)),
            None => Program::compile(rules),
        }
    }

    /// The fields the rules read, for [`Census`] counts.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// An empty census of this program's fields and rules.
    pub fn census(&self) -> Census {
        Census::new(&self.fields, self.rules.rules.len())
    }

    /// Counts the lead just scored with `scratch` (by [`Program::score_into`]
    /// or [`Program::score_bytes`]) and its outcome into `census`.
    pub fn count(&self, census: &mut Census, scratch: &Scratch, outcome: &Outcome) {
        census.count(&self.fields, &scratch.slots.vals, outcome);
    }

    /// Scores one lead like [`Program::score`] and, when it could be scored,
    /// counts it into `census`.
    pub fn score_counted(
        &self,
        lead: &serde_json::Value,
        opts: &EvalOptions,
        census: &mut Census,
    ) -> Result<Outcome, DataError> {
        SCRATCH.with(|scratch| {
            let scratch = &mut scratch.borrow_mut();
            let mut out = Outcome::default();
            self.score_into(lead, opts, scratch, &mut out)?;
            self.count(census, scratch, &out);
            Ok(out)
        })
    }

    /// The ruleset this program was compiled from.
    pub fn ruleset(&self) -> &Ruleset {
        &self.rules
    }

    /// Scores one lead.
    pub fn score(
        &self,
        lead: &serde_json::Value,
        opts: &EvalOptions,
    ) -> Result<Outcome, DataError> {
        SCRATCH.with(|scratch| {
            let mut out = Outcome::default();
            self.score_into(lead, opts, &mut scratch.borrow_mut(), &mut out)?;
            Ok(out)
        })
    }

    /// Scores one lead into `out`, reusing the buffers of `scratch` and `out`.
    pub fn score_into(
        &self,
        lead: &serde_json::Value,
        opts: &EvalOptions,
        scratch: &mut Scratch,
        out: &mut Outcome,
    ) -> Result<(), DataError> {
        let extracted = self.code.shape.extract(lead, &mut scratch.slots);
        extracted?;
        self.evaluate(opts, scratch, out);
        in_range(out)
    }

    /// Scores one lead given as the JSON text of one object, straight from
    /// the bytes (no `serde_json::Value` is built), and returns the lead's id:
    /// the value at `id_path`, or null. `None` means the fast path gave up on
    /// this lead (bad JSON, a data error, a type mismatch, a repeated key):
    /// parse it into a `Value` and call [`Program::score_into`], which gives
    /// the exact outcome or error. When it returns `Some`, `out` is what
    /// `score_into` would have given.
    pub fn score_bytes(
        &self,
        text: &[u8],
        id_path: &[String],
        opts: &EvalOptions,
        scratch: &mut Scratch,
        out: &mut Outcome,
    ) -> Option<serde_json::Value> {
        let id = self
            .code
            .shape
            .extract_bytes(text, id_path, &mut scratch.slots)
            .ok()?;
        self.evaluate(opts, scratch, out);
        in_range(out).ok()?;
        Some(id)
    }

    /// Evaluates the rules over the slots filled in `scratch`.
    fn evaluate(&self, opts: &EvalOptions, scratch: &mut Scratch, out: &mut Outcome) {
        let as_of = value::Instant {
            secs: opts.as_of.timestamp(),
            nanos: opts.as_of.timestamp_subsec_nanos(),
        };
        let mut ctx = run::Ctx::new(&self.code, scratch, as_of);
        self.rule_points(&mut ctx, out);
        self.clamp_groups(out);
        std::mem::swap(&mut ctx.groups, &mut out.groups);
        ctx.score = out.score;
        out.labels.clear();
        std::mem::swap(&mut ctx.labels, &mut out.labels);
        for arms in &self.code.labels {
            let arm = arms
                .iter()
                .position(|a| a.as_ref().is_none_or(|c| ctx.test(c)));
            ctx.labels.push(arm);
        }
        self.project(&mut ctx, out);
        std::mem::swap(&mut ctx.labels, &mut out.labels);
        std::mem::swap(&mut ctx.groups, &mut out.groups);
        out.mismatches = ctx.mismatches;
    }

    /// Works out the projected `let`s into `out.projected`.
    fn project(&self, ctx: &mut run::Ctx, out: &mut Outcome) {
        out.projected.clear();
        for i in self.projected.clone() {
            let val = ctx.val(&self.code.lets[i]);
            out.projected.push(probe::json(&self.code, ctx.slots, val));
        }
    }

    /// Runs every rule; leaves raw group sums in `out.groups` and the
    /// ungrouped sum in `out.score`.
    fn rule_points(&self, ctx: &mut run::Ctx, out: &mut Outcome) {
        out.rules.clear();
        out.groups.clear();
        out.groups.resize(self.rules.groups.len(), 0.0);
        out.score = 0.0;
        for rule in &self.code.rules {
            let fired = rule.when.as_ref().is_none_or(|w| ctx.test(w));
            let points = if fired { rule_value(ctx, rule) } else { 0.0 };
            out.rules.push(RuleOutcome { fired, points });
            let total = match rule.group {
                Some(g) => &mut out.groups[g],
                None => &mut out.score,
            };
            points::add_into(total, points);
        }
    }

    /// Clamps the group sums, records the clamps that changed a total, and
    /// adds the totals to the score.
    fn clamp_groups(&self, out: &mut Outcome) {
        out.caps.clear();
        let mut total = 0.0;
        for (g, def) in self.rules.groups.iter().enumerate() {
            let t = clamp(out.groups[g], def.max, def.min, Some(g), &mut out.caps);
            out.groups[g] = t;
            total = points::add(total, t);
        }
        let score = points::add(out.score, total);
        let (max, min) = (self.rules.score_max, self.rules.score_min);
        out.score = clamp(score, max, min, None, &mut out.caps);
    }

    /// The reasons behind an outcome of this program: each rule that gave
    /// points, in rule order, then each clamp that changed a group total, in
    /// group order. Their points add up to the score.
    pub fn reasons(&self, outcome: &Outcome) -> Vec<Reason<'_>> {
        render::reasons(&self.rules, &self.texts, outcome)
    }

    /// Appends the output record of a scored lead, as one line of compact
    /// JSON ending in `\n`: `id`, `score`, the group totals and labels in
    /// declaration order, then `reasons` when `explain` is set.
    pub fn render_record(
        &self,
        out: &mut String,
        id: &serde_json::Value,
        outcome: &Outcome,
        explain: bool,
    ) {
        let head = Head {
            keys: &self.texts.keys,
            id,
            kept: &[],
        };
        self.render_record_as(out, &head, outcome, explain);
    }

    /// Like [`Program::render_record`], with the copied fields after the id
    /// and each member under its name in `head.keys`.
    pub fn render_record_as(
        &self,
        out: &mut String,
        head: &Head,
        outcome: &Outcome,
        explain: bool,
    ) {
        let why = explain.then(|| self.reasons(outcome));
        render::record(out, &self.texts, head, outcome, why.as_deref());
    }

    /// Appends the record of a lead that could not be scored, as one line of
    /// compact JSON ending in `\n`: `{"id": ..., "error": "..."}` (the
    /// copied fields after the id, each member under its name in `head.keys`).
    pub fn render_error(out: &mut String, head: &Head, message: &str) {
        render::error(out, head, message);
    }
}

/// The value at a path of field names (`["crm", "id"]`), or null when a
/// field on the way is absent or not an object.
pub fn value_at(lead: &serde_json::Value, path: &[String]) -> serde_json::Value {
    let mut value = lead;
    for segment in path {
        match value.get(segment) {
            Some(inner) => value = inner,
            None => return serde_json::Value::Null,
        }
    }
    value.clone()
}

/// The lead's id as written in its JSON `text`: a number whose text would
/// not come back the same from a 64-bit float (`1e2`, `1.50`, more digits
/// than a float holds) becomes a string of that text, so an id is never
/// shown changed (`100.0`) or with digits lost. Anything else is `id` as is.
pub fn id_as_written(id: serde_json::Value, text: &[u8], path: &[String]) -> serde_json::Value {
    use serde_json::value::RawValue;
    let serde_json::Value::Number(n) = &id else {
        return id;
    };
    if !n.is_f64() {
        return id;
    }
    let raw = path.iter().try_fold(text, |at, segment| {
        let map: std::collections::HashMap<String, &RawValue> = serde_json::from_slice(at).ok()?;
        map.get(segment).map(|v| v.get().as_bytes())
    });
    match raw.and_then(|r| std::str::from_utf8(r).ok()).map(str::trim) {
        Some(written) if written != n.to_string() => serde_json::Value::from(written),
        _ => id,
    }
}

/// `sum` held to at most `max`, then at least `min`; each bound that changed
/// it is recorded in `caps`.
fn clamp(
    sum: f64,
    max: Option<f64>,
    min: Option<f64>,
    group: Option<usize>,
    caps: &mut Vec<Cap>,
) -> f64 {
    let mut t = sum;
    for (bound, limit) in [(Bound::Max, max), (Bound::Min, min)] {
        let Some(limit) = limit else { continue };
        let beyond = match bound {
            Bound::Max => t > limit,
            Bound::Min => t < limit,
        };
        if beyond {
            caps.push(Cap {
                group,
                bound,
                limit,
                points: points::add(limit, -t),
            });
            t = limit;
        }
    }
    t
}

/// Finite points can still add up past the f64 range (two rules of 1e308):
/// such a lead is an error, never a `null` score.
fn in_range(out: &Outcome) -> Result<(), DataError> {
    let finite = out.score.is_finite()
        && out.groups.iter().all(|g| g.is_finite())
        && out.caps.iter().all(|c| c.points.is_finite());
    if finite {
        Ok(())
    } else {
        Err(DataError {
            kind: DataErrorKind::PointsOverflow,
            path: Vec::new(),
        })
    }
}

/// The points of a rule whose condition held: `up to N` holds the amount
/// between 0 and N (a negative amount gives 0), then the sign, then the
/// rounding to whole millionths ([`points`]); missing operands and
/// non-finite results give 0.
fn rule_value(ctx: &mut run::Ctx, rule: &compile::CRule) -> f64 {
    let Some(x) = ctx.num(&rule.points) else {
        return 0.0;
    };
    let x = rule.up_to.map_or(x, |cap| x.min(cap).max(0.0));
    let p = rule.sign * x;
    if p.is_finite() {
        points::round(p)
    } else {
        0.0
    }
}

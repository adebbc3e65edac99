//! The checked rules AST: what the checker produces and the interpreter runs.
//!
//! Unlike [`crate::syntax::ast`], every name here is resolved (a field path,
//! a `let`, `score` or a group total), every expression has a [`Type`], every
//! rule has its final label, and includes are already spliced in. A
//! [`Ruleset`] only exists for a program the checker accepted.

mod reads;

pub use reads::Reads;

use crate::syntax::ast::{ArithOp, CmpOp, Sign, Span, StrOp};
use std::collections::BTreeMap;
use std::fmt;

/// A checked ruleset, ready to compile and evaluate.
#[derive(Clone, Debug, PartialEq)]
pub struct Ruleset {
    /// `true` when the rules declare a `schema`: a value of the wrong type in
    /// a lead is then a data error for that lead instead of a false test.
    pub has_schema: bool,
    /// The declared (or inferred) type of a lead, as a record.
    pub lead_type: Type,
    /// `let` definitions, ordered so that each only refers to earlier ones.
    pub lets: Vec<LetDef>,
    /// Groups, in declaration order.
    pub groups: Vec<GroupDef>,
    /// Every rule (grouped or not), in declaration order.
    pub rules: Vec<RuleDef>,
    /// Label blocks, in declaration order.
    pub labels: Vec<LabelDef>,
    /// The group and label output columns, interleaved in declaration order.
    pub outputs: Vec<Output>,
    /// `--timezone`: the zone of local times in datetime fields that declare
    /// none (set by [`Ruleset::in_zone`]; `None`: such times are UTC).
    pub zone: Option<jiff::tz::TimeZone>,
    /// `score max N`: upper limit of the total, applied after the groups'.
    pub score_max: Option<f64>,
    /// `score min N`: lower limit of the total.
    pub score_min: Option<f64>,
    /// `account by KEY { ... }`: the rules over each account's leads.
    pub account: Option<Box<AccountDef>>,
}

/// A checked `account by KEY { ... }` block: the leads that share a value
/// of `key` form an account, which `rules` score as if it were one lead
/// whose fields are the account's fields and whose `leads` field lists the
/// account's leads, each with its `score`, group totals and labels.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountDef {
    /// The key field's path from the lead (`["company", "domain"]`).
    pub key: Vec<String>,
    /// The account's rules; their `lead_type` is the account's record type
    /// ([`AccountDef::LEADS`] and the lead's fields that are not lists).
    pub rules: Ruleset,
    /// The whole block.
    pub span: Span,
}

impl AccountDef {
    /// The account field that lists the account's leads.
    pub const LEADS: &'static str = "leads";
}

/// One output column after `id` and `score`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// A group's clamped total: index into [`Ruleset::groups`].
    Group(usize),
    /// A label's value: index into [`Ruleset::labels`].
    Label(usize),
}

/// A checked `let`.
#[derive(Clone, Debug, PartialEq)]
pub struct LetDef {
    /// The name.
    pub name: String,
    /// The value, typed.
    pub value: TExpr,
    /// The whole `let` item.
    pub span: Span,
}

/// A checked group.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupDef {
    /// The name (also the output column).
    pub name: String,
    /// Upper clamp of the group's total.
    pub max: Option<f64>,
    /// Lower clamp of the group's total.
    pub min: Option<f64>,
    /// The whole group item.
    pub span: Span,
}

/// A checked rule.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleDef {
    /// The rule's label: its `as "..."`, or the rule written on one line in
    /// the canonical form `fmt` prints ([`crate::fmt::rule_line`]), so that
    /// reformatting never changes it.
    pub label: String,
    /// The group it belongs to (index into [`Ruleset::groups`]), if any.
    pub group: Option<usize>,
    /// The condition (type `Bool`); `None` for an unconditional rule.
    pub when: Option<TExpr>,
    /// `add` or `subtract`.
    pub sign: Sign,
    /// The points (type numeric), before the sign is applied.
    pub points: TExpr,
    /// `up to N`: the points are capped at N before the sign is applied.
    pub up_to: Option<f64>,
    /// The whole rule.
    pub span: Span,
}

/// A checked label block.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelDef {
    /// The name (also the output column).
    pub name: String,
    /// Arms in order; the first whose condition holds gives the value.
    pub arms: Vec<ArmDef>,
    /// The whole label item.
    pub span: Span,
    /// Built from other labels (`label grade = fit_grade + engagement_level`):
    /// its arms are every combination of its parts' values, and it has no
    /// value when a part has none (so it has no `otherwise` on purpose).
    pub built: bool,
}

/// One arm of a label block.
#[derive(Clone, Debug, PartialEq)]
pub struct ArmDef {
    /// The value the label takes.
    pub value: String,
    /// The condition; `None` for `otherwise`.
    pub when: Option<TExpr>,
    /// The whole arm.
    pub span: Span,
}

/// The types of the language.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// Text; compared ignoring case.
    String,
    /// A whole number (only from a schema; otherwise numbers are `Number`).
    Int,
    /// A number.
    Number,
    /// `true` / `false`.
    Bool,
    /// A point in time (RFC 3339 text in a lead).
    Datetime,
    /// A duration literal (only after `within`).
    Duration,
    /// A regex literal (only after `matches`).
    Regex,
    /// A list of values of one type.
    List(Box<Type>),
    /// A record (an object in the lead): field name → field type.
    Record(BTreeMap<String, FieldType>),
    /// Not known: e.g. a mixed list literal's element, or a field used only
    /// with `is missing`. Compatible with every type.
    Any,
}

/// A record field's type and whether it may be missing or null.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldType {
    /// The field's type.
    pub ty: Type,
    /// `?` in the schema (always `true` without a schema).
    pub optional: bool,
    /// `from "Job Title", "jobtitle"`: the keys a lead may hold the field
    /// under, in order of preference; the field's own name is tried last.
    /// Empty when the field is read by its name alone.
    pub sources: Vec<String>,
    /// `datetime("%m/%d/%Y", ...)`: the formats the field (or, for a list,
    /// each element) is written in, tried in order before RFC 3339.
    pub formats: Vec<String>,
    /// `datetime(..., zone: "Europe/Berlin")`, or `--timezone`: the zone
    /// its times without an offset are in (`None`: UTC).
    pub zone: Option<jiff::tz::TimeZone>,
}

impl Ruleset {
    /// The same rules reading local times in `zone` wherever a datetime
    /// field declares no zone of its own (`--timezone`).
    pub fn in_zone(&self, zone: &jiff::tz::TimeZone) -> Ruleset {
        let mut rules = self.clone();
        set_default_zone(&mut rules.lead_type, zone);
        rules.zone = Some(zone.clone());
        rules
    }
}

/// Gives every datetime field of `ty` without a zone `zone`.
fn set_default_zone(ty: &mut Type, zone: &jiff::tz::TimeZone) {
    match ty {
        Type::Record(fields) => {
            for f in fields.values_mut() {
                if f.zone.is_none() && holds_datetimes(&f.ty) {
                    f.zone = Some(zone.clone());
                }
                set_default_zone(&mut f.ty, zone);
            }
        }
        Type::List(inner) => set_default_zone(inner, zone),
        Type::String
        | Type::Int
        | Type::Number
        | Type::Bool
        | Type::Datetime
        | Type::Duration
        | Type::Regex
        | Type::Any => {}
    }
}

/// A datetime, or a list (of lists) of them: what a field's zone applies to.
fn holds_datetimes(ty: &Type) -> bool {
    match ty {
        Type::Datetime => true,
        Type::List(inner) => holds_datetimes(inner),
        Type::String
        | Type::Int
        | Type::Number
        | Type::Bool
        | Type::Duration
        | Type::Regex
        | Type::Record(_)
        | Type::Any => false,
    }
}

impl FieldType {
    /// A field read by its own name.
    pub fn new(ty: Type, optional: bool) -> FieldType {
        FieldType {
            ty,
            optional,
            sources: Vec::new(),
            formats: Vec::new(),
            zone: None,
        }
    }

    /// The reader of this field's datetimes (or its list's).
    pub fn datetime_reader(&self) -> crate::datetime::Reader {
        crate::datetime::Reader::new(&self.formats, self.zone.clone())
    }

    /// Whether a lead key names this field `name`: one of its sources or the name itself.
    pub fn read_from(&self, name: &str, key: &str) -> bool {
        name == key || self.sources.iter().any(|s| s == key)
    }
}

impl Type {
    /// The field of a record type that a lead key holds: the field of that
    /// name, else the first whose `from` sources list the key.
    pub fn field_by_key(&self, key: &str) -> Option<&FieldType> {
        let Type::Record(fields) = self else {
            return None;
        };
        fields
            .get(key)
            .or_else(|| fields.values().find(|f| f.sources.iter().any(|s| s == key)))
    }

    /// `Int` or `Number`.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Int | Type::Number)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Int => f.write_str("int"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::Datetime => f.write_str("datetime"),
            Type::Duration => f.write_str("duration"),
            Type::Regex => f.write_str("regex"),
            Type::List(t) => write!(f, "list<{t}>"),
            Type::Record(fields) => {
                f.write_str("{ ")?;
                for (i, (name, ft)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    let q = if ft.optional { "?" } else { "" };
                    let name = crate::syntax::name_text(name);
                    write!(f, "{name}: {}{q}", ft.ty)?;
                }
                f.write_str(" }")
            }
            Type::Any => f.write_str("any"),
        }
    }
}

/// A typed, resolved expression.
#[derive(Clone, Debug, PartialEq)]
pub struct TExpr {
    /// What kind of expression.
    pub kind: TExprKind,
    /// Its type.
    pub ty: Type,
    /// Where it was written.
    pub span: Span,
}

/// Where a field path starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The lead itself (`title`, `lead.title`).
    Lead,
    /// The element of an enclosing `where`: 0 is the innermost `where`,
    /// 1 the one around it, and so on.
    Element(u32),
}

/// A reference to a field of the lead or of a `where` element.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldRef {
    /// Where the path starts.
    pub scope: Scope,
    /// The path segments (`["company", "size"]`). A segment that goes
    /// through a list projects: `events.type` is the list of the events' types.
    pub path: Vec<String>,
    /// The field may be missing or null (always `true` without a schema).
    pub optional: bool,
}

/// Functions of one meaning each (the checker turns `any`, `all` and
/// `none` into [`TExprKind::NonEmpty`], [`TExprKind::Truth`] and
/// [`TExprKind::Every`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// `count(C)`: number of elements (of a missing list: 0).
    Count,
    /// `sum(C.field)`: sum of a list of numbers; missing and null elements count 0.
    Sum,
    /// `days_since(t)`: whole days from `t` to `as_of`, rounded down.
    DaysSince,
    /// `len(s)`: characters in a string, or elements in a list.
    Len,
    /// `min(a, b)`.
    Min,
    /// `max(a, b)`.
    Max,
}

/// How many elements of a `list<bool>` must be true, for [`TExprKind::Truth`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quant {
    /// Some element is true.
    Any,
    /// Every element is true.
    All,
    /// No element is true.
    None,
}

/// A regex literal: the pattern as written and its flag, compiled once by
/// the checker (so whatever runs it gets exactly the regex that was checked).
#[derive(Clone, Debug)]
pub struct RegexLit {
    /// The pattern between the slashes (`\/` already turned into `/`).
    pub pattern: String,
    /// The `i` flag.
    pub case_insensitive: bool,
    compiled: regex::Regex,
}

impl RegexLit {
    /// Compiles `pattern` with the flag, as every backend that runs Rust's
    /// regex engine must.
    pub fn new(pattern: &str, case_insensitive: bool) -> Result<RegexLit, regex::Error> {
        let compiled = regex::RegexBuilder::new(pattern)
            .case_insensitive(case_insensitive)
            .build()?;
        Ok(RegexLit {
            pattern: pattern.to_string(),
            case_insensitive,
            compiled,
        })
    }

    /// The compiled regex.
    pub fn regex(&self) -> &regex::Regex {
        &self.compiled
    }
}

impl PartialEq for RegexLit {
    fn eq(&self, other: &RegexLit) -> bool {
        self.pattern == other.pattern && self.case_insensitive == other.case_insensitive
    }
}

/// The typed expression forms.
#[derive(Clone, Debug, PartialEq)]
pub enum TExprKind {
    /// A number literal.
    Number(f64),
    /// A string literal.
    String(String),
    /// A bool literal.
    Bool(bool),
    /// A list literal.
    List(Vec<TExpr>),
    /// A date or time literal.
    Datetime(chrono::DateTime<chrono::Utc>),
    /// A field of the lead or of a `where` element.
    Field(FieldRef),
    /// The value of a `let`: index into [`Ruleset::lets`].
    Let(usize),
    /// The lead's total score (label conditions only).
    Score,
    /// A group's clamped total (label conditions only): index into [`Ruleset::groups`].
    GroupTotal(usize),
    /// The value of an earlier label (label conditions only): index into
    /// [`Ruleset::labels`]. Labels are evaluated in declaration order.
    Label(usize),
    /// `EXPR.field` on a record, or on a list of records (a projection).
    Project(Box<TExpr>, String),
    /// `COLL where COND`: the elements of `COLL` for which `COND` holds.
    Where(Box<TExpr>, Box<TExpr>),
    /// A function call.
    Call(Func, Vec<TExpr>),
    /// `any(L)` (`true`) / `none(L)` (`false`) of a list that is not a
    /// `list<bool>` (a filter included): the list has elements / has none.
    /// A missing list has none.
    NonEmpty(Box<TExpr>, bool),
    /// `any` / `all` / `none` of a `list<bool>`: some / every / no element
    /// is `true` (a missing or null element is not `true`; a missing list
    /// has no elements, so `all` of it holds).
    Truth(Quant, Box<TExpr>),
    /// `all(C where COND)`, written in place or through a `let` bound to the
    /// filter: every element of `C` passes `COND` (so an empty or missing
    /// `C` passes). `COND` is in the scope of `C`'s element, as in `Where`.
    Every {
        /// The collection `C`.
        coll: Box<TExpr>,
        /// The condition.
        cond: Box<TExpr>,
        /// The `let` the filter was bound to, when written `all(L)`.
        via: Option<usize>,
    },
    /// `-x`.
    Neg(Box<TExpr>),
    /// `not x`.
    Not(Box<TExpr>),
    /// `a and b and ...`.
    And(Vec<TExpr>),
    /// `a or b or ...`.
    Or(Vec<TExpr>),
    /// Arithmetic.
    Arith(ArithOp, Box<TExpr>, Box<TExpr>),
    /// Comparison.
    Compare(CmpOp, Box<TExpr>, Box<TExpr>),
    /// `x in list` / `x not in list`.
    In {
        /// The value looked up.
        value: Box<TExpr>,
        /// The list.
        list: Box<TExpr>,
        /// `not in`.
        negated: bool,
    },
    /// `x between lo and hi`, inclusive.
    Between(Box<TExpr>, Box<TExpr>, Box<TExpr>),
    /// `L contains any N` on a list `L`: some element of the list `N` is an
    /// element of `L` (as `in` compares). `L contains x` on a list is
    /// [`TExprKind::In`] with `x` as the value.
    Overlaps(Box<TExpr>, Box<TExpr>),
    /// `contains`, `starts with`, `ends with` on text, with or without `any`.
    StrTest {
        /// Which test.
        op: StrOp,
        /// The needle is a list; true if any needle matches.
        any: bool,
        /// The string tested.
        value: Box<TExpr>,
        /// The needle or list of needles.
        needle: Box<TExpr>,
    },
    /// `x matches /re/`.
    Matches(Box<TExpr>, RegexLit),
    /// `is present` (`true`) / `is missing` (`false`).
    IsPresent(Box<TExpr>, bool),
    /// `t within d`: `as_of - d < t <= as_of`, `d` in seconds.
    Within(Box<TExpr>, f64),
    /// `t within N months` (a year is 12): `as_of - N months < t <= as_of`,
    /// the months counted on the calendar ([`crate::datetime::months_before`]).
    WithinMonths(Box<TExpr>, u32),
    /// `decay(t, RATE)`: the weight in `[0, 1]` of something that happened
    /// at `t`, by its age `as_of - t`: 1 at `as_of`, 0 in the future, missing
    /// when `t` is.
    Decay(Box<TExpr>, Decay),
    /// `sum(C, EXPR)`: `EXPR` worked out for each element of `C` (in its
    /// scope, as in `Where`) and added up; a missing value counts 0.
    SumEach(Box<TExpr>, Box<TExpr>),
    /// `count(distinct L)`: how many different present values the list `L`
    /// holds (text compared ignoring case, as `==` does).
    CountDistinct(Box<TExpr>),
    /// `count(distinct EXPR of C)`: how many different present values
    /// `EXPR` takes over the elements of `C` (in their scope, as in `Where`).
    CountDistinctOf(Box<TExpr>, Box<TExpr>),
    /// A part of a datetime, in the evaluation time zone (UTC unless
    /// `--timezone` gives one); missing when the datetime is.
    TimePart(TimePart, Box<TExpr>),
    /// `first(L)` / `last(L)`: the element at that end of the list, by
    /// position; missing for an empty or missing list.
    Pick(End, Box<TExpr>),
    /// `max(L)`/`latest(L)` (`true`) or `min(L)`/`earliest(L)` (`false`):
    /// the largest or smallest present number or datetime of the list;
    /// missing when there is none.
    Extreme(bool, Box<TExpr>),
    /// `sum_of_top`, `champion`, `mean`, `mean_without_lowest` of a list of
    /// numbers (see [`Rollup`]).
    Rollup(Rollup, Box<TExpr>),
    /// `count(C, at most N per PERIOD)` (no `amount`) or
    /// `sum(C, AMOUNT, at most N per PERIOD)`: of the elements of `C` whose
    /// datetime `by` falls in one period (in the evaluation time zone, as
    /// `day(t)`), only the earliest `N` count (ties by list order); elements
    /// whose `by` is missing count in no period, so not at all. `by` and
    /// `amount` are in the scope of `C`'s element, as in `Where`.
    Capped {
        /// The collection `C`.
        coll: Box<TExpr>,
        /// The element's datetime that places it in a period (`at`, or the
        /// field named by `of`).
        by: Box<TExpr>,
        /// The amount per kept element, for `sum`; `None` for `count`.
        amount: Option<Box<TExpr>>,
        /// How many per which period.
        cap: Cap,
    },
}

/// A frequency cap, for [`TExprKind::Capped`]: at most `most` elements per `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cap {
    /// How many elements one period keeps (at least 1).
    pub most: u32,
    /// The period.
    pub per: CapPeriod,
}

/// The periods of a [`Cap`], each a calendar period in the evaluation time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapPeriod {
    /// From midnight to midnight, as `day(t)`.
    Day,
    /// From Monday midnight, as `week(t)`.
    Week,
    /// From the 1st at midnight, as `month(t)`.
    Month,
}

impl CapPeriod {
    /// The word after `per`.
    pub fn word(self) -> &'static str {
        match self {
            CapPeriod::Day => "day",
            CapPeriod::Week => "week",
            CapPeriod::Month => "month",
        }
    }

    /// All periods, in order of length.
    pub const ALL: [CapPeriod; 3] = [CapPeriod::Day, CapPeriod::Week, CapPeriod::Month];
}

/// A roll-up of a list of numbers to one, for [`TExprKind::Rollup`] (the
/// account roll-ups of the scoring platforms; they work on any list).
/// Missing and null elements are skipped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rollup {
    /// `sum_of_top(L, N)`: the sum of the `N` largest (of all, when fewer);
    /// 0 for an empty list.
    SumOfTop(u32),
    /// `champion(L, W)`: `W` × the largest + (1 − `W`) × the mean of the
    /// others (0 when there are none); missing for an empty list.
    Champion(f64),
    /// `mean(L)` (0 dropped) / `mean_without_lowest(L, N)`: the mean after
    /// leaving out the `N` smallest; missing when none is left.
    MeanWithoutLowest(u32),
}

impl Rollup {
    /// The roll-up of `nums` (reordered in place); `None` is missing.
    pub fn apply(self, nums: &mut [f64]) -> Option<f64> {
        nums.sort_by(|a, b| b.total_cmp(a));
        match self {
            Rollup::SumOfTop(n) => Some(nums.iter().take(n as usize).sum()),
            Rollup::Champion(w) => {
                let (best, others) = nums.split_first()?;
                let rest = mean(others).unwrap_or(0.0);
                Some(w * best + (1.0 - w) * rest)
            }
            Rollup::MeanWithoutLowest(n) => {
                let keep = nums.len().saturating_sub(n as usize);
                mean(&nums[..keep])
            }
        }
    }
}

/// The mean; `None` for no numbers.
fn mean(nums: &[f64]) -> Option<f64> {
    (!nums.is_empty()).then(|| nums.iter().sum::<f64>() / nums.len() as f64)
}

/// Which end of a list [`TExprKind::Pick`] takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// `first(L)`.
    First,
    /// `last(L)`.
    Last,
}

/// What `weekday(t)` gives, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The parts of a datetime, for [`TExprKind::TimePart`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimePart {
    /// `day(t)`: the start of its day (midnight), a datetime.
    Day,
    /// `week(t)`: the start of its week (Monday midnight, ISO 8601), a datetime.
    Week,
    /// `month(t)`: the start of its month (the 1st, midnight), a datetime.
    Month,
    /// `weekday(t)`: its day's English name, `Monday` to `Sunday`, a text.
    Weekday,
    /// `hour(t)`: its hour, 0 to 23, a number.
    Hour,
}

/// How a [`TExprKind::Decay`] weight fades with age.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decay {
    /// `half_life: D`: `0.5 ^ (age / D)`, D in seconds.
    HalfLife(f64),
    /// `lifespan: D`: `1 - age / D` down to 0 at `D`, D in seconds.
    Linear(f64),
    /// `P% per PERIOD`: `keep ^ n` for `n` whole periods of age, `keep` being
    /// `1 - P / 100`.
    Step {
        /// The fraction kept at the end of each period.
        keep: f64,
        /// The period.
        period: Period,
    },
}

impl Decay {
    /// The weight after `age` seconds (not negative), for the rates of a
    /// fixed length (`None` for a period of calendar months, whose length
    /// depends on the dates; evaluation counts those on the calendar).
    pub fn weight_after(&self, age: f64) -> Option<f64> {
        match *self {
            Decay::HalfLife(h) => Some(0.5f64.powf(age / h)),
            Decay::Linear(life) => Some((1.0 - age / life).max(0.0)),
            Decay::Step {
                keep,
                period: Period::Seconds(p),
            } => Some(keep.powf((age / p).floor())),
            Decay::Step {
                period: Period::Months(_),
                ..
            } => None,
        }
    }
}

/// A length of time: fixed, or counted on the calendar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Period {
    /// A fixed number of seconds (hours, days, weeks).
    Seconds(f64),
    /// Calendar months (a year is 12).
    Months(u32),
}

/// The direct sub-expressions of an expression kind, in written order;
/// `$iter` is `iter` or `iter_mut` and `$($m)?` is empty or `mut`.
macro_rules! children {
    ($kind:expr, $iter:ident $(, $m:tt)?) => {{
        use TExprKind as K;
        match $kind {
            K::Number(_) | K::String(_) | K::Bool(_) | K::Datetime(_) => Vec::new(),
            K::Field(_) | K::Let(_) | K::Score | K::GroupTotal(_) | K::Label(_) => Vec::new(),
            K::List(xs) | K::Call(_, xs) | K::And(xs) | K::Or(xs) => xs.$iter().collect(),
            K::Project(x, _) | K::Neg(x) | K::Not(x) | K::IsPresent(x, _) => vec![&$($m)? **x],
            K::NonEmpty(x, _) | K::Truth(_, x) | K::Matches(x, _) | K::Within(x, _) => {
                vec![&$($m)? **x]
            }
            K::WithinMonths(x, _) | K::Decay(x, _) => vec![&$($m)? **x],
            K::Capped { coll, by, amount, .. } => {
                let mut kids = vec![&$($m)? **coll, &$($m)? **by];
                kids.extend(amount.$iter().map(|a| &$($m)? **a));
                kids
            }
            K::SumEach(a, b) | K::CountDistinctOf(a, b) => vec![&$($m)? **a, &$($m)? **b],
            K::CountDistinct(x) | K::TimePart(_, x) | K::Pick(_, x) | K::Extreme(_, x) => {
                vec![&$($m)? **x]
            }
            K::Rollup(_, x) => vec![&$($m)? **x],
            K::Where(a, b) | K::Every { coll: a, cond: b, .. } | K::Overlaps(a, b) => {
                vec![&$($m)? **a, &$($m)? **b]
            }
            K::Arith(_, a, b) | K::Compare(_, a, b) => vec![&$($m)? **a, &$($m)? **b],
            K::In { value, list, .. } => vec![&$($m)? **value, &$($m)? **list],
            K::StrTest { value, needle, .. } => vec![&$($m)? **value, &$($m)? **needle],
            K::Between(a, b, c) => vec![&$($m)? **a, &$($m)? **b, &$($m)? **c],
        }
    }};
}

/// Where a node's value sits in the lead (see [`TExpr::source`]).
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    /// A field of the lead or of an enclosing element.
    Field(&'a FieldRef),
    /// The value of the `let` with this index.
    Let(usize),
    /// The elements of this collection that pass a filter: the same place.
    Filtered(&'a TExpr),
    /// A field of this record, or of each element of this list.
    Member(&'a TExpr, &'a str),
    /// One element of this list (`first`, `last`).
    Element(&'a TExpr),
    /// A computed value, with no place in the lead.
    Computed,
}

impl TExpr {
    /// The direct sub-expressions, in written order. The second child of
    /// [`TExprKind::Where`] and [`TExprKind::Every`] is in the scope of the
    /// first one's element.
    pub fn children(&self) -> Vec<&TExpr> {
        children!(&self.kind, iter)
    }

    /// [`TExpr::children`], mutably.
    pub fn children_mut(&mut self) -> Vec<&mut TExpr> {
        children!(&mut self.kind, iter_mut, mut)
    }

    /// `true` for the kinds whose children after the first are in the scope
    /// of the first child's element (`where`, `all` of a filter,
    /// `sum(C, EXPR)`, `count(distinct EXPR of C)` and frequency caps, whose
    /// collection is their first child).
    pub fn scopes_later_children(&self) -> bool {
        matches!(
            self.kind,
            TExprKind::Where(..)
                | TExprKind::Every { .. }
                | TExprKind::SumEach(..)
                | TExprKind::CountDistinctOf(..)
                | TExprKind::Capped { .. }
        )
    }

    /// Where this node's value sits in the lead, for the passes that follow
    /// values back to fields (type inference, [`Ruleset::fields_read`]).
    /// Every kind is named, so a new one must say whether it passes a
    /// place through.
    pub fn source(&self) -> Source<'_> {
        match &self.kind {
            TExprKind::Field(f) => Source::Field(f),
            TExprKind::Let(i) => Source::Let(*i),
            TExprKind::Where(coll, _) => Source::Filtered(coll),
            TExprKind::Project(base, name) => Source::Member(base, name),
            TExprKind::Pick(_, list) => Source::Element(list),
            TExprKind::Number(_)
            | TExprKind::String(_)
            | TExprKind::Bool(_)
            | TExprKind::List(_)
            | TExprKind::Datetime(_)
            | TExprKind::Score
            | TExprKind::GroupTotal(_)
            | TExprKind::Label(_)
            | TExprKind::Call(..)
            | TExprKind::NonEmpty(..)
            | TExprKind::Truth(..)
            | TExprKind::Every { .. }
            | TExprKind::Neg(_)
            | TExprKind::Not(_)
            | TExprKind::And(_)
            | TExprKind::Or(_)
            | TExprKind::Arith(..)
            | TExprKind::Compare(..)
            | TExprKind::In { .. }
            | TExprKind::Between(..)
            | TExprKind::Overlaps(..)
            | TExprKind::StrTest { .. }
            | TExprKind::Matches(..)
            | TExprKind::IsPresent(..)
            | TExprKind::Within(..)
            | TExprKind::WithinMonths(..)
            | TExprKind::Decay(..)
            | TExprKind::SumEach(..)
            | TExprKind::CountDistinct(_)
            | TExprKind::CountDistinctOf(..)
            | TExprKind::TimePart(..)
            // `latest`/`max` of a list: a scalar, never projected further.
            | TExprKind::Extreme(..)
            | TExprKind::Rollup(..)
            | TExprKind::Capped { .. } => Source::Computed,
        }
    }

    /// The `let` this node itself refers to: a use of it, or `all` of a
    /// filter bound to it.
    pub fn let_ref(&self) -> Option<usize> {
        match self.kind {
            TExprKind::Let(i) | TExprKind::Every { via: Some(i), .. } => Some(i),
            _ => None,
        }
    }
}

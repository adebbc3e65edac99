//! The checker's problems, as data. Wording lives in `diagnostics/check.rs`.

use crate::rules::Type;
use crate::syntax::ast::{Span, StrOp};

/// One problem the checker found.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// A problem in a test block (see `testblocks`).
    Test(super::testblocks::TestProblem),
    /// A lint: a warning about rules that check but look wrong (see `lints`).
    Lint(super::lints::Lint),
    /// A schema type name that is not a type, e.g. `size: integer`.
    UnknownType {
        /// The type name as written.
        span: Span,
        /// The name.
        name: String,
        /// The closest type name, if one is close.
        suggestion: Option<String>,
    },
    /// `datetime(zone: "...")` with a name the time-zone database lacks.
    UnknownZone {
        /// The quoted name.
        span: Span,
        /// The name.
        name: String,
        /// The closest zone name, if one is close.
        suggestion: Option<String>,
    },
    /// A declared datetime format that cannot read complete datetimes.
    BadDatetimeFormat {
        /// The quoted format, or the directive within it.
        span: Span,
        /// The format text.
        format: String,
        /// What is wrong.
        fault: crate::datetime::pattern::Fault,
    },
    /// A field that the schema (or a record) does not declare.
    UnknownField {
        /// The unknown segment.
        span: Span,
        /// The segment's name.
        name: String,
        /// The path before it (`company` in `company.sise`), empty at the top.
        parent: String,
        /// The closest field or `let` name.
        suggestion: Option<String>,
    },
    /// A name that is neither a field nor a `let` (it looks like a misspelt `let`).
    UndefinedName {
        /// Where it was used.
        span: Span,
        /// The name.
        name: String,
        /// The closest `let` or field name.
        suggestion: Option<String>,
        /// `true` when the rules have no schema (so `lead.NAME` would make it a field).
        no_schema: bool,
    },
    /// A `let` used before (or inside) its own definition.
    LetUsedTooEarly {
        /// Where it was used.
        span: Span,
        /// The name.
        name: String,
        /// The `let`'s name in its definition.
        def: Span,
        /// The use is inside the definition itself.
        itself: bool,
        /// The `let` being defined where the use is, when the used `let`
        /// reads it back: moving either cannot help.
        circle: Option<String>,
        /// `let`s the used one reads that are not defined yet either: they
        /// must move up with it.
        also: Vec<String>,
        /// The schema declares a lead field of this name: the use may have
        /// meant the field.
        field: bool,
    },
    /// A bare word on the value side of a comparison that is no field:
    /// text without quotes (`title contains VP`).
    BareWord {
        /// The word.
        span: Span,
        /// The word.
        word: String,
        /// The rules have a schema (that does not declare it); without one,
        /// no rule reads it anywhere but on the value side.
        schema: bool,
    },
    /// A date in quotes compared with something that is not text.
    QuotedDate {
        /// The string.
        span: Span,
        /// Its text.
        text: String,
    },
    /// Without a schema: a field used as one type here and another type earlier.
    InconsistentField {
        /// This use.
        span: Span,
        /// The field path.
        path: String,
        /// The type this use needs.
        found: Type,
        /// The type an earlier use gave it.
        earlier: Type,
        /// The earlier use, when known.
        earlier_span: Option<Span>,
    },
    /// An expression of the wrong type.
    TypeMismatch {
        /// The expression.
        span: Span,
        /// What the position needs.
        expected: Expected,
        /// What the expression is.
        found: Type,
        /// The position it is in.
        role: Role,
    },
    /// A duration or regex literal outside `within` / `matches`.
    Misplaced {
        /// The literal.
        span: Span,
        /// Which kind of literal.
        what: Literal,
    },
    /// A call of a function that does not exist.
    UnknownFunction {
        /// The function name.
        span: Span,
        /// The name.
        name: String,
        /// The closest built-in function.
        suggestion: Option<String>,
    },
    /// A call with the wrong number of arguments.
    WrongArity {
        /// The whole call.
        span: Span,
        /// The function.
        func: Builtin,
        /// How many it takes.
        expected: usize,
        /// How many were given.
        found: usize,
    },
    /// `min(x)` / `max(x)` of one value that is not a list (or, without a
    /// schema, not known to be one).
    ExtremeOfOne {
        /// The argument.
        span: Span,
        /// `min` or `max`.
        func: Builtin,
        /// The argument's type (`Any` when nothing says what it is).
        ty: Type,
    },
    /// `score`, a group total or a label used in a rule or `let`.
    TotalInRule {
        /// The name.
        span: Span,
        /// `score`, the group's or the label's name.
        name: String,
        /// Which of them.
        what: Total,
    },
    /// A label read in its own condition or in a label above it.
    LabelTooEarly {
        /// Where it was read.
        span: Span,
        /// The label.
        name: String,
        /// The label's name in its definition.
        def: Span,
        /// Read in its own conditions.
        itself: bool,
        /// The label reading it, when the label read also reads that one.
        circle: Option<String>,
    },
    /// A label compared with a value none of its arms gives.
    NotALabelValue {
        /// The value.
        span: Span,
        /// The label.
        label: String,
        /// The value as written.
        value: String,
        /// The values its arms give.
        values: Vec<String>,
        /// The closest of them.
        suggestion: Option<String>,
        /// Written as a bare word (which could also have meant a lead field).
        bare: bool,
    },
    /// Two rules with the same label.
    DuplicateRuleLabel {
        /// The second rule (its `as "..."` when it has one).
        span: Span,
        /// The label.
        label: String,
        /// The first rule with that label.
        first: Span,
    },
    /// Two definitions of one name.
    DuplicateName {
        /// The second definition's name.
        span: Span,
        /// The name.
        name: String,
        /// What the second one is.
        kind: NameKind,
        /// The first definition's name.
        first: Span,
        /// What the first one is.
        first_kind: NameKind,
    },
    /// A regex the `regex` crate rejects.
    InvalidRegex {
        /// The pattern, or the part of it the error is about.
        span: Span,
        /// The regex crate's explanation.
        message: String,
    },
    /// A regex flag other than `i`.
    UnknownRegexFlag {
        /// The flag letter.
        span: Span,
        /// The flag.
        flag: char,
    },
    /// A label arm after the `otherwise` arm (warning).
    UnreachableArm {
        /// The arm that can never be chosen.
        span: Span,
        /// The `otherwise` arm.
        otherwise: Span,
    },
    /// `up to N` with N <= 0.
    BadUpTo {
        /// The number.
        span: Span,
        /// Its value.
        value: f64,
    },
    /// A group whose `min` is above its `max`.
    MinAboveMax {
        /// The `min` value.
        span: Span,
        /// The `min`.
        min: f64,
        /// The `max` value.
        max_span: Span,
        /// The `max`.
        max: f64,
        /// The limits of the score (`score min N max N`), not of a group.
        score: bool,
    },
    /// The number after the list of a roll-up that is not a number written
    /// in place, or out of its range (`sum_of_top(L, 0)`, `champion(L, 1.5)`).
    BadRollup {
        /// The argument.
        span: Span,
        /// The function.
        func: Builtin,
    },
    /// An `account` block in rules without a `schema`: the account's
    /// fields and its leads' fields are typed by the schema.
    AccountWithoutSchema {
        /// The `account` keyword.
        span: Span,
    },
    /// A list field of the lead read as a field of the account (`events`
    /// in an account block): lists are read per lead, through `leads`.
    AccountListField {
        /// The field's name where it was read.
        span: Span,
        /// The field.
        name: String,
    },
    /// A name read on the wrong side of the `account` block: `leads` in
    /// the lead rules or in a part of the block about one lead, or a
    /// `let`, group or label of one side read on the other.
    WrongScope {
        /// The name where it was read.
        span: Span,
        /// The name.
        name: String,
        /// What it is, and where it belongs.
        misplaced: Misplaced,
    },
    /// An account key that is not text or a number (`account by unsubscribed`).
    AccountKey {
        /// The key's path.
        span: Span,
        /// Its type.
        ty: Type,
    },
    /// A length of time or a decay rate that cannot work, e.g.
    /// `decay(at, half_life: 1 month)` or `within 1.5 months`.
    BadTime {
        /// The length or the percentage.
        span: Span,
        /// What is wrong.
        fault: TimeFault,
    },
    /// `count(distinct)` with no value, or `count(distinct x in C)` with
    /// `in` where `of` belongs (`in` is true if `x` is in `C`).
    DistinctForm {
        /// The `count(...)` call.
        span: Span,
        /// `true` for `in` written for `of`; `false` for no value at all.
        in_for_of: bool,
    },
    /// A part of a built label (`label grade = fit + x`) that is no label.
    NotALabel {
        /// The part.
        span: Span,
        /// Its name.
        name: String,
        /// The closest label name.
        suggestion: Option<String>,
        /// `true` when the name is a group's (whose total is a number).
        group: bool,
    },
    /// A built label whose parts combine into too many values.
    TooManyCombinations {
        /// The `label` item.
        span: Span,
        /// How many combinations there would be.
        count: usize,
        /// The most allowed.
        limit: usize,
    },
    /// A frequency cap that cannot work or is out of place, e.g.
    /// `at most 0 per day` or `per fortnight`.
    BadCap {
        /// The count, the period, the cap or the collection.
        span: Span,
        /// What is wrong.
        fault: CapFault,
    },
}

/// What is wrong with a frequency cap, for [`Problem::BadCap`].
#[derive(Clone, Debug, PartialEq)]
pub enum CapFault {
    /// `at most 0` or a negative count: keeps nothing.
    NotPositive(f64),
    /// `at most 1.5`: elements are counted whole.
    Fraction(f64),
    /// A count too large to mean anything (`at most 5000000000`).
    TooLarge(f64),
    /// `per fortnight`: not `day`, `week` or `month`; the closest of them.
    Period {
        /// The word written.
        word: String,
        /// The closest period, if any is close.
        suggestion: Option<&'static str>,
    },
    /// A cap anywhere but last in `count(C, ...)` or `sum(C, AMOUNT, ...)`.
    Misplaced,
    /// No `of FIELD`, and the elements have no `at` datetime field: the
    /// period word as written and the datetime fields they have instead.
    NoAt(String, Vec<String>),
}

/// What is wrong with a length of time, for [`Problem::BadTime`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TimeFault {
    /// A decay length of 0 (`half_life: 0 days`).
    NotPositive,
    /// A fraction of a calendar unit (`1.5 months`).
    FractionalCalendar,
    /// A half-life or lifespan in months or years, which have no fixed length.
    CalendarRate,
    /// A decay percentage that is not above 0 and at most 100.
    Percent(f64),
    /// `decay(...)` without a rate after the time.
    NoRate,
}

/// What a position needs, for [`Problem::TypeMismatch`].
#[derive(Clone, Debug, PartialEq)]
pub enum Expected {
    /// One type (numeric types are interchangeable).
    Type(Type),
    /// A string or a list (`len`).
    StringOrList,
    /// A `where` filter or a list of bools (`all`).
    FilterOrBoolList,
    /// A duration literal such as `30 days` (after `within`).
    Duration,
    /// A regex literal such as `/demo/i` (after `matches`).
    Regex,
}

/// The position an expression is in, for [`Problem::TypeMismatch`] help texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A `when` condition, a `where` filter, or an operand of `and`/`or`/`not`.
    Condition,
    /// A rule's points.
    Points,
    /// An operand of `==`, `<`, `between`, ...
    Compared,
    /// An operand of `+ - * /` or unary `-`.
    Arithmetic,
    /// The left side of `contains`, `starts with`, `ends with`.
    Tested(StrOp),
    /// The right side of `contains`, `starts with`, `ends with` (with `any`: a list).
    Needle(StrOp),
    /// The right side of `in`.
    InList,
    /// The left side of `within`.
    Within,
    /// The left side of `matches`.
    Matches,
    /// The collection before `where`.
    Filtered,
    /// An argument of a built-in function.
    Argument(Builtin),
    /// The value projected with `.field`.
    Projected,
    /// The first argument of `decay`.
    Decayed,
    /// The list of `count(distinct LIST)`, or the collection of
    /// `count(distinct VALUE of LIST)`.
    Distinct,
}

/// What an output name in a rule names, for [`Problem::TotalInRule`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Total {
    /// `score`.
    Score,
    /// A group's total.
    Group,
    /// A label's value.
    Label,
}

/// The built-in functions, as written in a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `count(C)`.
    Count,
    /// `any(C)`.
    Any,
    /// `all(C)`.
    All,
    /// `none(C)`.
    None,
    /// `sum(C.field)`.
    Sum,
    /// `days_since(t)`.
    DaysSince,
    /// `len(x)`.
    Len,
    /// `min(a, b)`.
    Min,
    /// `max(a, b)`.
    Max,
    /// `first(L)`.
    First,
    /// `last(L)`.
    Last,
    /// `earliest(L)`.
    Earliest,
    /// `latest(L)`.
    Latest,
    /// `day(t)`.
    Day,
    /// `week(t)`.
    Week,
    /// `month(t)`.
    Month,
    /// `weekday(t)`.
    Weekday,
    /// `hour(t)`.
    Hour,
    /// `sum_of_top(L, N)`.
    SumOfTop,
    /// `champion(L, W)`.
    Champion,
    /// `mean(L)`.
    Mean,
    /// `mean_without_lowest(L, N)`.
    MeanWithoutLowest,
}

impl Builtin {
    /// Every built-in function.
    pub const ALL: [Builtin; 22] = [
        Builtin::Count,
        Builtin::Any,
        Builtin::All,
        Builtin::None,
        Builtin::Sum,
        Builtin::DaysSince,
        Builtin::Len,
        Builtin::Min,
        Builtin::Max,
        Builtin::First,
        Builtin::Last,
        Builtin::Earliest,
        Builtin::Latest,
        Builtin::Day,
        Builtin::Week,
        Builtin::Month,
        Builtin::Weekday,
        Builtin::Hour,
        Builtin::SumOfTop,
        Builtin::Champion,
        Builtin::Mean,
        Builtin::MeanWithoutLowest,
    ];

    /// The name a call uses.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Count => "count",
            Builtin::Any => "any",
            Builtin::All => "all",
            Builtin::None => "none",
            Builtin::Sum => "sum",
            Builtin::DaysSince => "days_since",
            Builtin::Len => "len",
            Builtin::Min => "min",
            Builtin::Max => "max",
            Builtin::First => "first",
            Builtin::Last => "last",
            Builtin::Earliest => "earliest",
            Builtin::Latest => "latest",
            Builtin::Day => "day",
            Builtin::Week => "week",
            Builtin::Month => "month",
            Builtin::Weekday => "weekday",
            Builtin::Hour => "hour",
            Builtin::SumOfTop => "sum_of_top",
            Builtin::Champion => "champion",
            Builtin::Mean => "mean",
            Builtin::MeanWithoutLowest => "mean_without_lowest",
        }
    }

    /// How many arguments it takes.
    pub fn arity(self) -> usize {
        match self {
            Builtin::Min
            | Builtin::Max
            | Builtin::SumOfTop
            | Builtin::Champion
            | Builtin::MeanWithoutLowest => 2,
            Builtin::Count
            | Builtin::Any
            | Builtin::All
            | Builtin::None
            | Builtin::Sum
            | Builtin::DaysSince
            | Builtin::Len
            | Builtin::First
            | Builtin::Last
            | Builtin::Earliest
            | Builtin::Latest
            | Builtin::Day
            | Builtin::Week
            | Builtin::Month
            | Builtin::Weekday
            | Builtin::Hour
            | Builtin::Mean => 1,
        }
    }
}

/// Literals that only make sense in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Literal {
    /// `30 days`.
    Duration,
    /// `/re/`.
    Regex,
}

/// What a name read on the wrong side of the `account` block is, for
/// [`Problem::WrongScope`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Misplaced {
    /// `leads` in the lead rules, outside the `account` block.
    LeadsInLeadRules,
    /// `leads` inside a part of the block about one lead (the condition of
    /// `leads where`, the amount of `sum(leads, AMOUNT)`).
    LeadsInOneLead,
    /// A `let`, group or label of the lead rules, read in the block.
    OfTheLeads(Definition),
    /// A `let`, group or label of the block, read in the lead rules.
    OfTheAccount(Definition),
}

/// A definition that belongs to one side of the `account` block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Definition {
    /// `let`.
    Let,
    /// `group`: its total.
    Group,
    /// `label`.
    Label,
}

/// The kinds of named definition, for [`Problem::DuplicateName`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    /// `let`.
    Let,
    /// `group`.
    Group,
    /// `label`.
    Label,
    /// A field in a schema or record type.
    Field,
    /// The `schema` block itself.
    Schema,
    /// The `score max N min N` limits.
    Limits,
    /// The `account by KEY { ... }` block.
    Account,
}

impl Problem {
    /// `true` for problems that still let the rules run.
    pub fn is_warning(&self) -> bool {
        matches!(self, Problem::UnreachableArm { .. } | Problem::Lint(_))
    }
}

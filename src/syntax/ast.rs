//! The rules AST: what the parser produces and every later phase reads.
//!
//! Every node carries a [`Span`] into the file it came from. The tree is
//! plain data: no names are resolved and no types are known here; that is
//! the checker's job.

use std::fmt;

/// Identifies one source file of a ruleset (the entry file or an include).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets in `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both `self` and `other` (same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The byte range, for slicing the source text.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A value with the span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it was written.
    pub span: Span,
}

/// A name as written in the source: a `let` name, group, label or field segment.
pub type Ident = Spanned<String>;

/// One parsed file: its items in source order, and its comments (kept for `fmt`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct File {
    /// Top-level items in source order.
    pub items: Vec<Item>,
    /// Every `# ...` comment, with its span (text includes the `#`).
    pub comments: Vec<Spanned<String>>,
    /// The names of the `let`s that did not parse: their uses are not
    /// reported again as undefined names.
    pub broken_lets: Vec<String>,
}

/// A top-level item of a rules file.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `schema { ... }`
    Schema(Schema),
    /// `let NAME = EXPR`
    Let(Let),
    /// A rule outside any group.
    Rule(Rule),
    /// `group NAME [max N] [min N] { rules }`
    Group(Group),
    /// `label NAME { arms }`
    Label(LabelBlock),
    /// `label NAME = PART + PART`
    LabelJoin(LabelJoin),
    /// `include "path"`
    Include(Include),
    /// `test "name" { ... }`: a test of the rules, never a rule itself.
    Test(TestBlock),
    /// `score [max N] [min N]`: limits of the total score.
    Limits(Limits),
    /// `account by PATH { ... }`: rules over the leads of each account.
    Account(AccountBlock),
}

/// `account by company.domain { ... }`: the leads that share a value of the
/// key field form an account, scored by the items inside (which read the
/// account's leads as `leads`).
#[derive(Clone, Debug, PartialEq)]
pub struct AccountBlock {
    /// The key field's path from the lead (`company.domain`).
    pub key: Vec<Ident>,
    /// The items inside: lets, groups, rules, labels and score limits.
    pub items: Vec<Item>,
    /// The whole item.
    pub span: Span,
}

/// `score max 100 min 0`: the total is held between these, after the group
/// limits.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// `max N`.
    pub max: Option<Spanned<f64>>,
    /// `min N`.
    pub min: Option<Spanned<f64>>,
    /// The whole item.
    pub span: Span,
}

/// `schema { field: type ... }`: the declared shape of a lead.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    /// The declared fields, in order.
    pub fields: Vec<FieldDecl>,
    /// The whole item.
    pub span: Span,
}

/// `name: type [from "key", ...]` inside a schema or a record type.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    /// The field name (escapes resolved when it was quoted).
    pub name: Ident,
    /// Its declared type.
    pub ty: TypeExpr,
    /// `from "Job Title", "jobtitle"`: the keys a lead may hold the field
    /// under, first present wins; empty when the field is read by its name.
    pub sources: Vec<Spanned<String>>,
    /// The whole declaration.
    pub span: Span,
}

/// A type as written in a schema.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    /// What kind of type.
    pub kind: TypeExprKind,
    /// `?`: the field may be missing or null.
    pub optional: bool,
    /// The whole type, including any `?`.
    pub span: Span,
}

/// The kinds of schema type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeExprKind {
    /// `string`
    String,
    /// `int`
    Int,
    /// `number`
    Number,
    /// `bool`
    Bool,
    /// `datetime`, or `datetime("%m/%d/%Y", ..., zone: "Europe/Berlin")`.
    Datetime {
        /// The formats (chrono strftime syntax, or `epoch_s` / `epoch_ms`)
        /// a lead writes it in.
        formats: Vec<Spanned<String>>,
        /// The zone its times without an offset are in.
        zone: Option<Spanned<String>>,
    },
    /// `list<T>`
    List(Box<TypeExpr>),
    /// `{ a: T, ... }`
    Record(Vec<FieldDecl>),
    /// An unknown type name, kept so the checker can report it.
    Unknown(String),
}

/// `let NAME = EXPR`
#[derive(Clone, Debug, PartialEq)]
pub struct Let {
    /// The name being defined.
    pub name: Ident,
    /// Its value.
    pub value: Expr,
    /// The whole item.
    pub span: Span,
}

/// Whether a rule adds or subtracts its points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sign {
    /// `add`
    Add,
    /// `subtract`
    Subtract,
}

/// `[when COND] add|subtract EXPR [up to N] [as "label"]`
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// The condition; `None` for an unconditional `add`.
    pub when: Option<Expr>,
    /// `add` or `subtract`.
    pub sign: Sign,
    /// The points expression (before the sign is applied).
    pub points: Expr,
    /// `up to N`: a cap on the rule's own contribution.
    pub up_to: Option<Spanned<f64>>,
    /// `as "label"`.
    pub label: Option<Spanned<String>>,
    /// The whole rule.
    pub span: Span,
}

/// `group NAME [max N] [min N] { rules }`
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The group's name.
    pub name: Ident,
    /// `max N`.
    pub max: Option<Spanned<f64>>,
    /// `min N`.
    pub min: Option<Spanned<f64>>,
    /// The rules inside, in order.
    pub rules: Vec<Rule>,
    /// The whole item.
    pub span: Span,
}

/// `label NAME { VALUE when COND ... [VALUE otherwise] }`
#[derive(Clone, Debug, PartialEq)]
pub struct LabelBlock {
    /// The label's name (an output column).
    pub name: Ident,
    /// The arms, in order; the first that matches wins.
    pub arms: Vec<LabelArm>,
    /// The whole item.
    pub span: Span,
}

/// `label NAME = PART + PART ...`: a label built from earlier labels and text.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelJoin {
    /// The label's name (an output column).
    pub name: Ident,
    /// The parts, in order (at least one).
    pub parts: Vec<JoinPart>,
    /// The whole item.
    pub span: Span,
}

/// A part of a [`LabelJoin`].
#[derive(Clone, Debug, PartialEq)]
pub enum JoinPart {
    /// A label declared above (checked by the checker).
    Label(Ident),
    /// Text in quotes, put in as it is.
    Text(Spanned<String>),
}

/// One arm of a label block.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelArm {
    /// The value the label takes (a bare word or a string).
    pub value: Spanned<String>,
    /// The condition; `None` for `otherwise`.
    pub when: Option<Expr>,
    /// The whole arm.
    pub span: Span,
}

/// `include "path"`
#[derive(Clone, Debug, PartialEq)]
pub struct Include {
    /// The path as written, relative to the including file.
    pub path: Spanned<String>,
    /// The whole item.
    pub span: Span,
}

/// `test "name" { as_of T  lead {...}  expect ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct TestBlock {
    /// The test's name (the string after `test`).
    pub name: Spanned<String>,
    /// The entries, in source order.
    pub entries: Vec<TestEntry>,
    /// The whole item.
    pub span: Span,
}

/// One line of a test block.
#[derive(Clone, Debug, PartialEq)]
pub enum TestEntry {
    /// `as_of 2026-11-01T00:00:00Z`: the clock, as written (checked by the checker).
    AsOf(Spanned<String>),
    /// `lead { ... }` or `lead from "file.json"`.
    Lead(LeadSource),
    /// `expect ...`.
    Expect(Expectation),
}

/// Where a test's lead comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct LeadSource {
    /// Inline or from a file.
    pub kind: LeadKind,
    /// The whole entry, `lead` included.
    pub span: Span,
}

/// The two ways to give a test's lead.
#[derive(Clone, Debug, PartialEq)]
pub enum LeadKind {
    /// `lead { title: "VP", ... }`: JSON with unquoted keys allowed.
    Inline(Json),
    /// `lead from "path"`: a JSON file, relative to the test's file.
    File(Spanned<String>),
}

/// A JSON value written in a rules file.
#[derive(Clone, Debug, PartialEq)]
pub struct Json {
    /// What kind of value.
    pub kind: JsonKind,
    /// The whole value.
    pub span: Span,
}

/// The JSON value forms.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonKind {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as written (so integers stay integers).
    Number(String),
    /// A string (escapes resolved).
    String(String),
    /// `[a, b]`
    Array(Vec<Json>),
    /// `{ key: value, "other key": value }`
    Object(Vec<JsonMember>),
}

/// `key: value` in a JSON object.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonMember {
    /// The key (unquoted or a string; escapes resolved).
    pub key: Spanned<String>,
    /// The value.
    pub value: Json,
    /// The whole member.
    pub span: Span,
}

/// `expect ...`: one expectation of a test.
#[derive(Clone, Debug, PartialEq)]
pub struct Expectation {
    /// What is expected.
    pub kind: ExpectKind,
    /// `expect account ...`: of the account the test's leads make, scored
    /// by the `account` block, not of the lead.
    pub account: bool,
    /// The expectation, without the `expect` keyword.
    pub span: Span,
}

/// The expectation forms. A target is `score`, a group or a label.
#[derive(Clone, Debug, PartialEq)]
pub enum ExpectKind {
    /// `score >= 80`, `tier == hot`, `tier != cold`.
    Compare {
        /// `score`, a group or a label.
        target: Ident,
        /// The comparison.
        op: CmpOp,
        /// The value compared with.
        value: ExpectValue,
    },
    /// `score between 60 and 80` (inclusive).
    Between {
        /// `score` or a group.
        target: Ident,
        /// The lower bound.
        low: Spanned<f64>,
        /// The upper bound.
        high: Spanned<f64>,
    },
    /// `tier is missing` (no arm matched) / `tier is present`.
    Presence {
        /// A label.
        target: Ident,
        /// `true` for `is present`.
        present: bool,
    },
    /// `fired "executive title"` / `not fired "personal email"`.
    Fired {
        /// The rule's label.
        rule: Spanned<String>,
        /// `false` for `not fired`.
        fired: bool,
    },
}

/// The right side of an expectation's comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectValue {
    /// A number or a text.
    pub kind: ExpectValueKind,
    /// Where it was written.
    pub span: Span,
}

/// A number (`95`) or a text (`hot`, `"call today"`).
#[derive(Clone, Debug, PartialEq)]
pub enum ExpectValueKind {
    /// A number.
    Number(f64),
    /// A bare word or a string (escapes resolved).
    Text(String),
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// The whole expression.
    pub span: Span,
}

/// The expression forms.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number literal.
    Number(f64),
    /// A string literal (escapes resolved), or a bare word inside a list.
    String(String),
    /// `true` / `false`.
    Bool(bool),
    /// `[a, "b", 3]`.
    List(Vec<Expr>),
    /// `/re/flags`: the pattern as written between the slashes, and the flags.
    Regex {
        /// The pattern text.
        pattern: String,
        /// Flag letters after the closing slash.
        flags: String,
        /// Span of the pattern text alone (inside the slashes).
        pattern_span: Span,
    },
    /// A date or time literal, `2026-01-01` or `2026-01-01T09:00:00Z`, as
    /// written (the lowering has checked it with [`crate::datetime::parse`]).
    Datetime(String),
    /// `N days|hours|weeks|months|years`, only valid after `within` and in `decay`.
    Duration {
        /// How many units.
        amount: f64,
        /// Which unit.
        unit: DurationUnit,
    },
    /// A dotted name: `title`, `company.size`, `lead.title`, a `let` name,
    /// `score` or a group name. Resolved by the checker.
    Path(Vec<Ident>),
    /// `EXPR.field`: projection of a field out of a parenthesised expression
    /// (e.g. `(events where ...).amount`).
    Field(Box<Expr>, Ident),
    /// `COLL where COND`.
    Where(Box<Expr>, Box<Expr>),
    /// `f(args)`: `count`, `any`, `all`, `none`, `sum`, `days_since`, `len`, `min`, `max`.
    Call(Ident, Vec<Expr>),
    /// `-x`.
    Neg(Box<Expr>),
    /// `not x`.
    Not(Box<Expr>),
    /// `a and b and ...` (two or more operands).
    And(Vec<Expr>),
    /// `a or b or ...` (two or more operands).
    Or(Vec<Expr>),
    /// `a + b`, `a * b`, ...
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// `a == b`, `a < b`, ...
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    /// `x in LIST` / `x not in LIST`.
    In {
        /// The value looked up.
        value: Box<Expr>,
        /// The list.
        list: Box<Expr>,
        /// `not in`.
        negated: bool,
    },
    /// `x between lo and hi` (inclusive).
    Between(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `x contains|starts with|ends with [any] y`.
    StrTest {
        /// Which test.
        op: StrOp,
        /// `any`: the right side is a list, true if any element matches.
        any: bool,
        /// The string tested.
        value: Box<Expr>,
        /// The needle (or list of needles).
        needle: Box<Expr>,
    },
    /// `x matches /re/`.
    Matches(Box<Expr>, Box<Expr>),
    /// `x is missing` (`present == false`) / `x is present` (`present == true`).
    IsPresent(Box<Expr>, bool),
    /// `t within DURATION`.
    Within(Box<Expr>, Box<Expr>),
    /// `decay(t, RATE)`: the weight, between 0 and 1, of something that
    /// happened at `t` (see [`DecayRate`]).
    Decay(Box<Expr>, DecayRate),
    /// `count(distinct VALUES)`, or `count(distinct VALUE of COLL)` with
    /// `VALUE` in the scope of each element of `COLL`.
    Distinct(Box<Expr>, Option<Box<Expr>>),
    /// `at most N per PERIOD [of FIELD]`: a frequency cap, the last argument
    /// of `count(C, ...)` or `sum(C, AMOUNT, ...)` (the checker refuses it
    /// anywhere else).
    Cap(Cap),
}

/// A frequency cap as written: `at most 2 per day of sent_at`.
#[derive(Clone, Debug, PartialEq)]
pub struct Cap {
    /// How many elements a period keeps, as written (checked to be a whole
    /// number of at least 1 by the checker).
    pub most: Spanned<f64>,
    /// The period's word (`day`, `week`, `month`; anything else is a
    /// checker error with a did-you-mean).
    pub per: Ident,
    /// The element's datetime field that places it in a period (`None`:
    /// the element's `at`).
    pub of: Option<Box<Expr>>,
}

/// How fast a [`ExprKind::Decay`] weight fades. Each length is an
/// [`ExprKind::Duration`] expression (the checker reads it).
#[derive(Clone, Debug, PartialEq)]
pub enum DecayRate {
    /// `half_life: 30 days`: halves every 30 days, continuously.
    HalfLife(Box<Expr>),
    /// `lifespan: 90 days`: falls in a straight line to 0 at 90 days.
    Lifespan(Box<Expr>),
    /// `50% per month`: loses the percentage at the end of each whole period.
    Step {
        /// The percentage lost per period, as written (`50`).
        percent: Spanned<f64>,
        /// The period (`per month` is one month).
        period: Box<Expr>,
    },
}

impl DecayRate {
    /// The duration expression the rate holds.
    pub fn length(&self) -> &Expr {
        match self {
            DecayRate::HalfLife(d) | DecayRate::Lifespan(d) => d,
            DecayRate::Step { period, .. } => period,
        }
    }
}

impl Expr {
    /// The direct sub-expressions, in source order.
    pub fn children(&self) -> Vec<&Expr> {
        use ExprKind as K;
        match &self.kind {
            K::Number(_) | K::String(_) | K::Bool(_) | K::Path(_) => vec![],
            K::Regex { .. } | K::Duration { .. } | K::Datetime(_) => vec![],
            K::List(xs) | K::Call(_, xs) | K::And(xs) | K::Or(xs) => xs.iter().collect(),
            K::Field(x, _) | K::Neg(x) | K::Not(x) | K::IsPresent(x, _) => vec![x],
            K::Where(a, b) | K::Arith(_, a, b) | K::Compare(_, a, b) => vec![a, b],
            K::Matches(a, b) | K::Within(a, b) => vec![a, b],
            K::Decay(t, rate) => vec![t, rate.length()],
            K::Distinct(v, None) => vec![v],
            K::Distinct(v, Some(c)) => vec![v, c],
            K::Cap(cap) => cap.of.iter().map(|x| &**x).collect(),
            K::In { value, list, .. } => vec![value, list],
            K::Between(a, b, c) => vec![a, b, c],
            K::StrTest { value, needle, .. } => vec![value, needle],
        }
    }

    /// The first name of every path in `self` except `lead.` paths: the
    /// names that may refer to a `let` or a label.
    pub fn names(&self) -> Vec<&Ident> {
        let mut out = Vec::new();
        self.collect_names(&mut out);
        out
    }

    fn collect_names<'e>(&'e self, out: &mut Vec<&'e Ident>) {
        match &self.kind {
            ExprKind::Path(segs) if !(segs.len() > 1 && segs[0].node == "lead") => {
                out.push(&segs[0]);
            }
            _ => self
                .children()
                .into_iter()
                .for_each(|c| c.collect_names(out)),
        }
    }
}

/// Units of a duration literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationUnit {
    /// `hours` / `hour`
    Hours,
    /// `days` / `day`
    Days,
    /// `weeks` / `week`
    Weeks,
    /// `months` / `month`: calendar months, of no fixed length
    Months,
    /// `years` / `year`: twelve calendar months
    Years,
}

impl DurationUnit {
    /// Length of one unit in seconds; `None` for the calendar units, whose
    /// length depends on where in the calendar they are counted.
    pub fn seconds(self) -> Option<f64> {
        match self {
            DurationUnit::Hours => Some(3600.0),
            DurationUnit::Days => Some(86400.0),
            DurationUnit::Weeks => Some(7.0 * 86400.0),
            DurationUnit::Months | DurationUnit::Years => None,
        }
    }

    /// Calendar months in one unit; `None` for the fixed-length units.
    pub fn months(self) -> Option<u32> {
        match self {
            DurationUnit::Months => Some(1),
            DurationUnit::Years => Some(12),
            DurationUnit::Hours | DurationUnit::Days | DurationUnit::Weeks => None,
        }
    }
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// String tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrOp {
    /// `contains`
    Contains,
    /// `starts with`
    StartsWith,
    /// `ends with`
    EndsWith,
}

impl fmt::Display for ArithOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        })
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        })
    }
}

impl fmt::Display for StrOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StrOp::Contains => "contains",
            StrOp::StartsWith => "starts with",
            StrOp::EndsWith => "ends with",
        })
    }
}

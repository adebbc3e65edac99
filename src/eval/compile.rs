//! Ruleset → compiled form: field paths resolved to slots of the lead
//! [`Shape`], string constants case-folded, lists turned into sets, regexes compiled,
//! durations turned into nanoseconds, collection functions fused with their
//! `where` filter.

use super::fuse::{fuse, Fusion, Want};
use super::lead::{Shape, ROOT};
use super::value::{fold, Instant, ListRef, Needles, Val};
use crate::datetime::parse_instant;
pub use crate::rules::Quant;
use crate::rules::{
    Cap, CapPeriod, Decay, End, FieldRef, Func, Ruleset, Scope, TExpr, TExprKind, TimePart, Type,
};
use crate::syntax::ast::{ArithOp, CmpOp, Sign, StrOp};
use regex::Regex;

/// Frame depth of a slot read that is relative to the lead.
pub const LEAD: u32 = u32::MAX;

/// A compiled expression. An explicit tag byte (`repr(u8)`): the
/// interpreter dispatches on it for every node it evaluates, and a niche
/// tag costs a decode first.
#[derive(Clone, Debug)]
#[repr(u8)]
pub enum Node {
    /// A constant.
    Const(Val),
    /// A slot of the lead (`depth == LEAD`) or of the `depth`-th enclosing `where` element.
    Slot { depth: u32, slot: u32 },
    /// A field of each element of a list (or of a record): the slot within its frame.
    Project(Box<Node>, u32),
    /// The elements of the list in slot `u32` of each element of a list,
    /// one after the other (`orders.items`): a path through two lists.
    Flatten(Box<Node>, u32),
    /// A `let`, evaluated at most once per lead.
    Let(u32),
    /// The total score (labels only).
    Score,
    /// A group's clamped total (labels only).
    Group(u32),
    /// The value of an earlier label (labels only).
    Label(u32),
    /// `C where COND`, materialised (for lets, projections and `sum`).
    Where(Box<Node>, Box<Node>),
    /// `count(C)` of a list.
    Count(Box<Node>),
    /// `count(C where COND)`, without materialising.
    CountWhere(Box<Node>, Box<Node>),
    /// `any(C where COND)`.
    AnyWhere(Box<Node>, Box<Node>),
    /// `all(C where COND)`.
    AllWhere(Box<Node>, Box<Node>),
    /// `none(C where COND)`.
    NoneWhere(Box<Node>, Box<Node>),
    /// `any(C)` / `none(C)` of a list that is not a `list<bool>`: non-empty / empty.
    NonEmpty(Box<Node>, bool),
    /// `any`/`all`/`none` of a `list<bool>`: how many true elements is enough.
    Truth(Quant, Box<Node>),
    /// `sum(C)`.
    Sum(Box<Node>),
    /// `days_since(t)`.
    DaysSince(Box<Node>),
    /// `len(x)`.
    Len(Box<Node>),
    /// `min(a, b)` (`false`) / `max(a, b)` (`true`).
    MinMax(bool, Box<Node>, Box<Node>),
    /// `-x`.
    Neg(Box<Node>),
    /// `not x`.
    Not(Box<Node>),
    /// `a and b ...`.
    And(Vec<Node>),
    /// `a or b ...`.
    Or(Vec<Node>),
    /// Arithmetic.
    Arith(ArithOp, Box<Node>, Box<Node>),
    /// Comparison.
    Cmp(CmpOp, Box<Node>, Box<Node>),
    /// `x == "text"` (or `!=` when `negated`), the constant case-folded.
    StrEq {
        value: Box<Node>,
        low: Box<str>,
        negated: bool,
    },
    /// `x [not] in [constants]`.
    InConst {
        value: Box<Node>,
        set: ConstSet,
        negated: bool,
    },
    /// Some element of the second list is in the first (`L contains any N` on a list).
    Overlaps(Box<Node>, Box<Node>),
    /// `x [not] in L` for a list computed per lead.
    In {
        value: Box<Node>,
        list: Box<Node>,
        negated: bool,
    },
    /// `x between lo and hi`.
    Between(Box<Node>, Box<Node>, Box<Node>),
    /// `x OP k` (or `k OP x`, turned round) for a number constant `k`:
    /// true only when `x` is a number, as [`Node::Cmp`] gives.
    NumCmp { op: CmpOp, value: Box<Node>, k: f64 },
    /// `x between lo and hi` for number constants: true only when `x` is a
    /// number, as [`Node::Between`] gives.
    NumRange { value: Box<Node>, lo: f64, hi: f64 },
    /// A string test against constant (case-folded) needles.
    StrConst {
        op: StrOp,
        value: Box<Node>,
        needles: Box<Needles>,
    },
    /// A string test against needles computed per lead.
    Str {
        op: StrOp,
        any: bool,
        value: Box<Node>,
        needle: Box<Node>,
    },
    /// `x matches /re/`.
    Matches(Box<Node>, Regex),
    /// `is present` (`true`) / `is missing` (`false`).
    IsPresent(Box<Node>, bool),
    /// `t within d`, `d` in nanoseconds.
    Within(Box<Node>, i128),
    /// `t within N months`.
    WithinMonths(Box<Node>, u32),
    /// `decay(t, RATE)`.
    Decay(Box<Node>, Decay),
    /// `sum(C, EXPR)`: `EXPR` per element of `C`, added up.
    SumEach(Box<Node>, Box<Node>),
    /// `count(distinct L)`.
    CountDistinct(Box<Node>),
    /// `count(distinct EXPR of C)`.
    CountDistinctOf(Box<Node>, Box<Node>),
    /// `day(t)`, `week(t)`, ... in the program's zone.
    TimePart(TimePart, Box<Node>),
    /// `first(L)` / `last(L)`; `true` when the elements are records.
    Pick(End, bool, Box<Node>),
    /// `max(L)` (`true`) / `min(L)`.
    Extreme(bool, Box<Node>),
    /// `sum_of_top`, `champion`, `mean`, `mean_without_lowest` of a list.
    Rollup(crate::rules::Rollup, Box<Node>),
    /// `count(C, at most N per P)` (no `amount`) / `sum(C, AMOUNT, at most N per P)`.
    Capped {
        /// The collection.
        coll: Box<Node>,
        /// Each element's datetime (in its scope).
        by: Box<Node>,
        /// Each kept element's amount (in its scope), for `sum`.
        amount: Option<Box<Node>>,
        /// How many elements one period keeps.
        most: u32,
        /// The period, as the time part that gives its start.
        per: TimePart,
    },
    /// Filter `filter` of fused pass `pass` (see [`super::fuse`]); `orig`
    /// evaluates it alone, for a lead the pass cannot be used on.
    Fused {
        pass: u32,
        filter: u32,
        want: Want,
        orig: Box<Node>,
    },
}

/// A constant list's members, case-folded, for `in`.
#[derive(Clone, Debug, Default)]
pub struct ConstSet {
    /// Strings, case-folded.
    pub strs: Vec<Box<str>>,
    /// Numbers.
    pub nums: Vec<f64>,
    /// Bools.
    pub bools: Vec<bool>,
}

/// A constant string.
#[derive(Debug)]
pub struct ConstStr {
    /// As written.
    pub orig: Box<str>,
    /// Lowercased.
    pub low: Box<str>,
}

/// A compiled rule.
#[derive(Debug)]
pub struct CRule {
    /// The condition.
    pub when: Option<Node>,
    /// The points, before the sign.
    pub points: Node,
    /// `1` or `-1`.
    pub sign: f64,
    /// `up to N`.
    pub up_to: Option<f64>,
    /// Its group.
    pub group: Option<usize>,
}

/// The whole compiled ruleset.
#[derive(Debug)]
pub struct Compiled {
    /// The fields read, with their slots.
    pub shape: Shape,
    /// Constant strings.
    pub strs: Vec<ConstStr>,
    /// Constant lists.
    pub lists: Vec<Vec<Val>>,
    /// `let` values.
    pub lets: Vec<Node>,
    /// Rules, in order.
    pub rules: Vec<CRule>,
    /// Label blocks: each arm's condition (`None`: `otherwise`).
    pub labels: Vec<Vec<Option<Node>>>,
    /// Per rule, the shape nodes of the fields it reads (through `let`s too).
    pub rule_fields: Vec<Vec<usize>>,
    /// Label blocks: each arm's value, a constant string (for later labels to read).
    pub label_values: Vec<Vec<Val>>,
    /// The zone of `day`, `week`, `month`, `weekday` and `hour` (UTC unless `--timezone`).
    pub zone: jiff::tz::TimeZone,
    /// `Monday` to `Sunday`, constant strings, for `weekday`.
    pub weekdays: Vec<Val>,
    /// The filters worked out together, one pass per lead list.
    pub fusion: Fusion,
}

/// A constant found by looking through literals and `let`s.
enum Lit<'r> {
    Str(&'r str),
    Num(f64),
    Bool(bool),
    List(&'r [TExpr]),
    Time(Instant),
}

/// Compiles a checked ruleset.
pub fn compile(rules: &Ruleset) -> Compiled {
    let mut c = Compiler {
        rules,
        shape: Shape::new(&rules.lead_type, rules.has_schema),
        strs: Vec::new(),
        lists: Vec::new(),
        let_origins: Vec::new(),
        wheres: Vec::new(),
        read: Vec::new(),
        let_reads: Vec::new(),
    };
    let mut lets = Vec::new();
    for l in &rules.lets {
        let (node, origin) = c.expr(&l.value);
        lets.push(node);
        c.let_origins.push(origin);
        let read = std::mem::take(&mut c.read);
        c.let_reads.push(read);
    }
    let mut rule_fields = Vec::new();
    let compiled_rules = rules
        .rules
        .iter()
        .map(|r| {
            let rule = c.rule(r);
            let mut read = std::mem::take(&mut c.read);
            read.sort_unstable();
            read.dedup();
            rule_fields.push(read);
            rule
        })
        .collect();
    let labels = rules
        .labels
        .iter()
        .map(|l| {
            l.arms
                .iter()
                .map(|a| a.when.as_ref().map(|w| c.expr(w).0))
                .collect()
        })
        .collect();
    let label_values = rules
        .labels
        .iter()
        .map(|l| l.arms.iter().map(|a| c.const_str(&a.value)).collect())
        .collect();
    let weekdays = crate::rules::WEEKDAYS
        .iter()
        .map(|d| c.const_str(d))
        .collect();
    let mut code = Compiled {
        shape: c.shape,
        strs: c.strs,
        lists: c.lists,
        lets,
        rules: compiled_rules,
        labels,
        rule_fields,
        label_values,
        zone: rules.zone.clone().unwrap_or(jiff::tz::TimeZone::UTC),
        weekdays,
        fusion: Fusion::default(),
    };
    fuse(&mut code);
    code
}

struct Compiler<'r> {
    rules: &'r Ruleset,
    shape: Shape,
    strs: Vec<ConstStr>,
    lists: Vec<Vec<Val>>,
    /// For each compiled `let`, the shape node its value's fields hang from.
    let_origins: Vec<Option<usize>>,
    /// Shape node of each enclosing `where` element, innermost last.
    wheres: Vec<Option<usize>>,
    /// Shape nodes read by the item being compiled.
    read: Vec<usize>,
    /// Shape nodes read by each compiled `let`.
    let_reads: Vec<Vec<usize>>,
}

type Compiled1 = (Node, Option<usize>);

/// The comparison `b OP' a` that means `a OP b`.
fn turned(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Eq => CmpOp::Eq,
        CmpOp::Ne => CmpOp::Ne,
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
    }
}

/// Seconds as whole nanoseconds.
fn nanos(secs: f64) -> i128 {
    (secs * 1e9).round() as i128
}

fn bx(n: Node) -> Box<Node> {
    Box::new(n)
}

impl<'r> Compiler<'r> {
    fn rule(&mut self, r: &crate::rules::RuleDef) -> CRule {
        CRule {
            when: r.when.as_ref().map(|w| self.expr(w).0),
            points: self.expr(&r.points).0,
            sign: if r.sign == Sign::Add { 1.0 } else { -1.0 },
            up_to: r.up_to,
            group: r.group,
        }
    }

    fn node(&mut self, e: &TExpr) -> Box<Node> {
        bx(self.expr(e).0)
    }

    /// Compiles `e`; also returns, for a record or list of records, the
    /// shape node whose fields `.field` and `where` refer to.
    fn expr(&mut self, e: &TExpr) -> Compiled1 {
        use TExprKind as K;
        let node = match &e.kind {
            K::Number(_) | K::String(_) | K::Bool(_) | K::List(_) | K::Datetime(_) => {
                Node::Const(self.constant(e))
            }
            K::Field(f) => return self.field(f),
            K::Let(i) => {
                if let Some(read) = self.let_reads.get(*i) {
                    self.read.extend_from_slice(read);
                }
                return (
                    Node::Let(*i as u32),
                    self.let_origins.get(*i).copied().flatten(),
                );
            }
            K::Score => Node::Score,
            K::GroupTotal(i) => Node::Group(*i as u32),
            K::Label(i) => Node::Label(*i as u32),
            K::Project(c, name) => return self.project(c, name),
            K::Where(c, cond) => {
                let (c, origin) = self.expr(c);
                let cond = self.in_where(origin, cond);
                return (Node::Where(bx(c), bx(cond)), origin);
            }
            K::Call(f, args) => self.call(*f, args),
            K::NonEmpty(x, want) => self.non_empty(x, *want),
            K::Truth(q, x) => Node::Truth(*q, self.node(x)),
            K::Every { coll: c, cond, .. } => {
                let (c, origin) = self.expr(c);
                let cond = self.in_where(origin, cond);
                Node::AllWhere(bx(c), bx(cond))
            }
            K::Overlaps(l, n) => Node::Overlaps(self.node(l), self.node(n)),
            K::Neg(x) => Node::Neg(self.node(x)),
            K::Not(x) => Node::Not(self.node(x)),
            K::And(xs) => Node::And(xs.iter().map(|x| self.expr(x).0).collect()),
            K::Or(xs) => Node::Or(xs.iter().map(|x| self.expr(x).0).collect()),
            K::Arith(op, a, b) => Node::Arith(*op, self.node(a), self.node(b)),
            K::Compare(op, a, b) => self.compare(*op, a, b),
            K::In {
                value,
                list,
                negated,
            } => self.in_list(value, list, *negated),
            K::Between(x, lo, hi) => self.between(x, lo, hi),
            K::StrTest {
                op,
                any,
                value,
                needle,
            } => self.str_test(*op, *any, value, needle),
            K::Matches(x, re) => Node::Matches(self.node(x), re.regex().clone()),
            K::IsPresent(x, present) => Node::IsPresent(self.node(x), *present),
            K::Within(x, secs) => Node::Within(self.node(x), nanos(*secs)),
            K::WithinMonths(x, n) => Node::WithinMonths(self.node(x), *n),
            K::Decay(x, d) => Node::Decay(self.node(x), *d),
            K::SumEach(c, each) => {
                let (c, origin) = self.expr(c);
                let each = self.in_where(origin, each);
                Node::SumEach(bx(c), bx(each))
            }
            K::CountDistinct(x) => Node::CountDistinct(self.node(x)),
            K::Rollup(r, x) => Node::Rollup(*r, self.node(x)),
            K::CountDistinctOf(c, each) => {
                let (c, origin) = self.expr(c);
                let each = self.in_where(origin, each);
                Node::CountDistinctOf(bx(c), bx(each))
            }
            K::TimePart(part, x) => Node::TimePart(*part, self.node(x)),
            K::Pick(end, x) => {
                let records = matches!(&x.ty, Type::List(t) if matches!(**t, Type::Record(_)));
                let (list, origin) = self.expr(x);
                return (Node::Pick(*end, records, bx(list)), origin);
            }
            K::Extreme(max, x) => Node::Extreme(*max, self.node(x)),
            K::Capped {
                coll,
                by,
                amount,
                cap,
            } => self.capped(coll, by, amount.as_deref(), *cap),
        };
        (node, None)
    }

    fn capped(&mut self, coll: &TExpr, by: &TExpr, amount: Option<&TExpr>, cap: Cap) -> Node {
        let (coll, origin) = self.expr(coll);
        let by = self.in_where(origin, by);
        let amount = amount.map(|a| bx(self.in_where(origin, a)));
        let per = match cap.per {
            CapPeriod::Day => TimePart::Day,
            CapPeriod::Week => TimePart::Week,
            CapPeriod::Month => TimePart::Month,
        };
        Node::Capped {
            coll: bx(coll),
            by: bx(by),
            amount,
            most: cap.most,
            per,
        }
    }

    fn compare(&mut self, op: CmpOp, a: &TExpr, b: &TExpr) -> Node {
        let eq = matches!(op, CmpOp::Eq | CmpOp::Ne);
        for (x, y) in [(a, b), (b, a)] {
            if let (true, Type::String, Some(Lit::Str(s))) = (eq, &x.ty, self.lit(y)) {
                let low = fold(s).into();
                let negated = op == CmpOp::Ne;
                return Node::StrEq {
                    value: self.node(x),
                    low,
                    negated,
                };
            }
        }
        if let Some(Lit::Num(k)) = self.lit(b) {
            return Node::NumCmp {
                op,
                value: self.node(a),
                k,
            };
        }
        if let Some(Lit::Num(k)) = self.lit(a) {
            return Node::NumCmp {
                op: turned(op),
                value: self.node(b),
                k,
            };
        }
        Node::Cmp(op, self.operand(a, &b.ty), self.operand(b, &a.ty))
    }

    /// `x between lo and hi`, specialised when both bounds are numbers.
    fn between(&mut self, x: &TExpr, lo: &TExpr, hi: &TExpr) -> Node {
        if let (Some(Lit::Num(lo)), Some(Lit::Num(hi))) = (self.lit(lo), self.lit(hi)) {
            return Node::NumRange {
                value: self.node(x),
                lo,
                hi,
            };
        }
        Node::Between(
            self.node(x),
            self.operand(lo, &x.ty),
            self.operand(hi, &x.ty),
        )
    }

    /// An operand compared with a value of type `other`: a string constant
    /// compared with a datetime is parsed once, here.
    fn operand(&mut self, e: &TExpr, other: &Type) -> Box<Node> {
        if *other == Type::Datetime {
            if let Some(Lit::Str(s)) = self.lit(e) {
                return bx(Node::Const(
                    parse_instant(s).map_or(Val::Missing, Val::Time),
                ));
            }
        }
        self.node(e)
    }

    fn in_where(&mut self, origin: Option<usize>, cond: &TExpr) -> Node {
        let elem = origin.map(|o| self.shape.elem(o).unwrap_or(o));
        self.wheres.push(elem);
        let cond = self.expr(cond).0;
        self.wheres.pop();
        cond
    }

    fn field(&mut self, f: &FieldRef) -> Compiled1 {
        let (depth, start) = match f.scope {
            Scope::Lead => (LEAD, Some(ROOT)),
            Scope::Element(k) => {
                let at = self.wheres.len().checked_sub(1 + k as usize);
                (k, at.and_then(|i| self.wheres[i]))
            }
        };
        let Some(mut cur) = start else {
            return (Node::Const(Val::Missing), None);
        };
        // The lists crossed so far, flattened into one list of element frames.
        let mut crossed: Option<Node> = None;
        for seg in &f.path {
            if self.shape.elem(cur).is_some() {
                crossed = Some(self.cross(crossed, depth, cur));
            }
            cur = self.shape.child(cur, seg);
        }
        self.read.push(cur);
        let node = match crossed {
            None => Node::Slot {
                depth,
                slot: self.shape.slot(cur),
            },
            // A path ending at a list after crossing one: all their elements.
            Some(list) if self.shape.elem(cur).is_some() => self.cross(Some(list), depth, cur),
            Some(list) => Node::Project(bx(list), self.shape.slot(cur)),
        };
        (node, Some(cur))
    }

    /// The list node `list` crossed by a path: its own slot for the first
    /// list, else the elements of every `list` of the elements so far.
    fn cross(&self, so_far: Option<Node>, depth: u32, list: usize) -> Node {
        let slot = self.shape.slot(list);
        match so_far {
            None => Node::Slot { depth, slot },
            Some(outer) => Node::Flatten(bx(outer), slot),
        }
    }

    fn project(&mut self, c: &TExpr, name: &str) -> Compiled1 {
        let c_ty = &c.ty;
        let (c, origin) = self.expr(c);
        let Some(origin) = origin else {
            return (Node::Const(Val::Missing), None);
        };
        let field = self.shape.child(origin, name);
        self.read.push(field);
        let slot = self.shape.slot(field);
        let of_list = matches!(c_ty, Type::List(_));
        match of_list && self.shape.elem(field).is_some() {
            true => (Node::Flatten(bx(c), slot), Some(field)),
            false => (Node::Project(bx(c), slot), Some(field)),
        }
    }

    fn call(&mut self, f: Func, args: &[TExpr]) -> Node {
        let arg = &args[0];
        match f {
            Func::Count => match &arg.kind {
                TExprKind::Where(c, cond) => {
                    let (c, origin) = self.expr(c);
                    let cond = self.in_where(origin, cond);
                    Node::CountWhere(bx(c), bx(cond))
                }
                _ => Node::Count(self.node(arg)),
            },
            Func::Sum => Node::Sum(self.node(arg)),
            Func::DaysSince => Node::DaysSince(self.node(arg)),
            Func::Len => Node::Len(self.node(arg)),
            Func::Min => Node::MinMax(false, self.node(arg), self.node(&args[1])),
            Func::Max => Node::MinMax(true, self.node(arg), self.node(&args[1])),
        }
    }

    /// `any(L)` / `none(L)`: over a `where`, the filter runs without
    /// building the list.
    fn non_empty(&mut self, x: &TExpr, want: bool) -> Node {
        let TExprKind::Where(c, cond) = &x.kind else {
            return Node::NonEmpty(self.node(x), want);
        };
        let (c, origin) = self.expr(c);
        let cond = self.in_where(origin, cond);
        match want {
            true => Node::AnyWhere(bx(c), bx(cond)),
            false => Node::NoneWhere(bx(c), bx(cond)),
        }
    }

    fn in_list(&mut self, value: &TExpr, list: &TExpr, negated: bool) -> Node {
        let value = self.node(value);
        if let Some(Lit::List(items)) = self.lit(list) {
            let mut set = ConstSet::default();
            for item in items {
                match self.lit(item) {
                    Some(Lit::Str(s)) => set.strs.push(fold(s).into()),
                    Some(Lit::Num(x)) => set.nums.push(x),
                    Some(Lit::Bool(b)) => set.bools.push(b),
                    // The grammar allows only literals in a list literal, never a list.
                    Some(Lit::List(_)) | None => {}
                    // Datetimes are compared one by one, as for a list computed per lead.
                    Some(Lit::Time(_)) => {
                        return Node::In {
                            value,
                            list: self.node(list),
                            negated,
                        }
                    }
                }
            }
            return Node::InConst {
                value,
                set,
                negated,
            };
        }
        Node::In {
            value,
            list: self.node(list),
            negated,
        }
    }

    fn str_test(&mut self, op: StrOp, any: bool, value: &TExpr, needle: &TExpr) -> Node {
        let value = self.node(value);
        let needles: Option<Vec<Box<str>>> = match self.lit(needle) {
            Some(Lit::Str(s)) if !any => Some(vec![fold(s).into()]),
            Some(Lit::List(items)) if any => items
                .iter()
                .map(|i| match self.lit(i) {
                    Some(Lit::Str(s)) => Some(fold(s).into()),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        match needles {
            Some(needles) => Node::StrConst {
                op,
                value,
                needles: Box::new(Needles::new(needles)),
            },
            None => Node::Str {
                op,
                any,
                value,
                needle: self.node(needle),
            },
        }
    }

    /// The literal `e` is, looking through `let`s.
    fn lit<'a>(&self, e: &'a TExpr) -> Option<Lit<'a>>
    where
        'r: 'a,
    {
        let rules: &'r Ruleset = self.rules;
        Some(match &e.kind {
            TExprKind::String(s) => Lit::Str(s),
            TExprKind::Number(x) => Lit::Num(*x),
            TExprKind::Bool(b) => Lit::Bool(*b),
            TExprKind::List(items) => Lit::List(items),
            TExprKind::Datetime(t) => Lit::Time(Instant {
                secs: t.timestamp(),
                nanos: t.timestamp_subsec_nanos(),
            }),
            TExprKind::Let(i) => return self.lit(&rules.lets.get(*i)?.value),
            _ => return None,
        })
    }

    fn constant(&mut self, e: &TExpr) -> Val {
        match self.lit(e) {
            Some(Lit::Str(s)) => self.const_str(s),
            Some(Lit::Num(x)) => Val::Num(x),
            Some(Lit::Bool(b)) => Val::Bool(b),
            Some(Lit::Time(t)) => Val::Time(t),
            Some(Lit::List(items)) => {
                let vals = items.iter().map(|i| self.constant(i)).collect();
                self.lists.push(vals);
                Val::List(ListRef::Const(self.lists.len() as u32 - 1))
            }
            // Only literals reach here (list items are literals by the grammar).
            None => Val::Other,
        }
    }

    fn const_str(&mut self, s: &str) -> Val {
        self.strs.push(ConstStr {
            orig: s.into(),
            low: fold(s).into(),
        });
        Val::CStr(self.strs.len() as u32 - 1)
    }
}

#[cfg(test)]
mod tests;

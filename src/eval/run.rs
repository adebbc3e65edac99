//! The interpreter proper: evaluates compiled [`Node`]s over one lead's
//! [`Slots`]. Plain recursion over the tree (its depth is bounded by the
//! parser's nesting limit); `let`s are evaluated at most once per lead.

use super::compile::{Compiled, Node, Quant, LEAD};
use super::fuse::FusedState;
use super::lead::Slots;
use super::value::{bytes_eq, str_contains, str_eq, Instant, ListRef, Needles, Val};
use crate::datetime::{months_before, whole_months};
use crate::rules::{Decay, End, Period, TimePart};
use crate::syntax::ast::{ArithOp, CmpOp, StrOp};
use std::cmp::Ordering;

// The [`Node`] forms as patterns, in four sets: every dispatcher below
// names all four sets, so a new form fails to compile until it is placed.

/// Conditions handled inline by [`Ctx::test`].
macro_rules! hot_bool {
    () => {
        Node::Not(_)
            | Node::And(_)
            | Node::Or(_)
            | Node::AnyWhere(..)
            | Node::NoneWhere(..)
            | Node::AllWhere(..)
            | Node::StrEq { .. }
            | Node::StrConst { .. }
            | Node::NumCmp { .. }
    };
}

/// Conditions handled out of line by [`Ctx::test_rest`].
macro_rules! cold_bool {
    () => {
        Node::NonEmpty(..)
            | Node::Truth(..)
            | Node::Cmp(..)
            | Node::InConst { .. }
            | Node::In { .. }
            | Node::Overlaps(..)
            | Node::Between(..)
            | Node::NumRange { .. }
            | Node::Str { .. }
            | Node::Matches(..)
            | Node::IsPresent(..)
            | Node::Within(..)
            | Node::WithinMonths(..)
    };
}

/// Values handled inline by [`Ctx::val`].
macro_rules! hot_val {
    () => {
        Node::Const(_) | Node::Slot { .. } | Node::Let(_) | Node::Fused { .. }
    };
}

/// Values handled out of line by [`Ctx::val_rest`].
macro_rules! cold_val {
    () => {
        Node::Project(..)
            | Node::Flatten(..)
            | Node::Score
            | Node::Label(_)
            | Node::Group(_)
            | Node::Where(..)
            | Node::Count(_)
            | Node::CountWhere(..)
            | Node::Sum(_)
            | Node::DaysSince(_)
            | Node::Len(_)
            | Node::MinMax(..)
            | Node::Neg(_)
            | Node::Arith(..)
            | Node::Decay(..)
            | Node::SumEach(..)
            | Node::CountDistinct(_)
            | Node::CountDistinctOf(..)
            | Node::TimePart(..)
            | Node::Pick(..)
            | Node::Extreme(..)
            | Node::Rollup(..)
            | Node::Capped { .. }
    };
}

const DAY_NANOS: i128 = 86_400 * 1_000_000_000;

/// Evaluation buffers, reused from lead to lead so that scoring does not allocate.
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    /// The lead's values.
    pub(crate) slots: Slots,
    /// Frames kept by materialised `where` filters.
    pub(super) picks: Vec<u32>,
    /// Frames kept by filters being evaluated.
    tmp: Vec<u32>,
    /// Cached `let` values.
    lets: Vec<Option<Val>>,
    /// Frames of the enclosing `where` elements, innermost last.
    frames: Vec<u32>,
    /// Values gathered by `count(distinct ...)`.
    seen: Vec<Val>,
    /// Elements placed in periods by frequency caps: (time, list index).
    timed: Vec<(Instant, u32)>,
    /// Results of the fused filters.
    fused: FusedState,
}

/// One lead's evaluation.
pub struct Ctx<'a> {
    pub(super) prog: &'a Compiled,
    pub(super) slots: &'a Slots,
    picks: &'a mut Vec<u32>,
    tmp: &'a mut Vec<u32>,
    lets: &'a mut Vec<Option<Val>>,
    pub(super) frames: &'a mut Vec<u32>,
    seen: &'a mut Vec<Val>,
    timed: &'a mut Vec<(Instant, u32)>,
    pub(super) fused: &'a mut FusedState,
    pub(super) as_of: Instant,
    /// Tests made false by a value of the wrong type.
    pub mismatches: u32,
    /// The total score, once known.
    pub score: f64,
    /// The clamped group totals, once known.
    pub groups: Vec<f64>,
    /// Each label's chosen arm so far (labels are evaluated in order).
    pub labels: Vec<Option<usize>>,
}

impl<'a> Ctx<'a> {
    /// A context over the lead already extracted into `scratch`.
    pub fn new(prog: &'a Compiled, scratch: &'a mut Scratch, as_of: Instant) -> Ctx<'a> {
        scratch.picks.clear();
        scratch.frames.clear();
        scratch.tmp.clear();
        scratch.seen.clear();
        scratch.timed.clear();
        scratch.lets.clear();
        scratch.lets.resize(prog.lets.len(), None);
        scratch.fused.reset(&prog.fusion);
        Ctx {
            prog,
            slots: &scratch.slots,
            picks: &mut scratch.picks,
            tmp: &mut scratch.tmp,
            lets: &mut scratch.lets,
            frames: &mut scratch.frames,
            seen: &mut scratch.seen,
            timed: &mut scratch.timed,
            fused: &mut scratch.fused,
            as_of,
            mismatches: 0,
            score: 0.0,
            groups: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// Reads a slot; a wrong-typed value counts as a mismatch and reads as missing.
    fn read(&mut self, at: u32) -> Val {
        match self.slots.vals[at as usize] {
            Val::Mismatch => {
                self.mismatches += 1;
                Val::Missing
            }
            v => v,
        }
    }

    fn slot_at(&self, depth: u32, slot: u32) -> u32 {
        match depth {
            LEAD => slot,
            k => self.frames[self.frames.len() - 1 - k as usize] + slot,
        }
    }

    /// Evaluates a condition. The common forms are handled here; the rest
    /// in [`Ctx::test_rest`], kept out of line so that this function stays
    /// small (cheap to enter: it runs for every element of every `where`).
    pub fn test(&mut self, n: &Node) -> bool {
        match n {
            Node::Not(x) => !self.test(x),
            Node::And(xs) => xs.iter().all(|x| self.test(x)),
            Node::Or(xs) => xs.iter().any(|x| self.test(x)),
            Node::AnyWhere(c, cond) => self.first_kept(c, cond, true).is_some(),
            Node::NoneWhere(c, cond) => self.first_kept(c, cond, true).is_none(),
            Node::AllWhere(c, cond) => self.first_kept(c, cond, false).is_none(),
            Node::StrEq {
                value,
                low,
                negated,
            } => {
                let v = self.arg(value);
                self.low_bytes(v)
                    .is_some_and(|v| bytes_eq(v, low.as_bytes()) != *negated)
            }
            Node::StrConst { op, value, needles } => {
                let v = self.arg(value);
                self.str_const(*op, v, needles)
            }
            Node::NumCmp { op, value, k } => match self.arg(value) {
                Val::Num(x) => match op {
                    CmpOp::Eq => x == *k,
                    CmpOp::Ne => x != *k,
                    CmpOp::Lt => x < *k,
                    CmpOp::Le => x <= *k,
                    CmpOp::Gt => x > *k,
                    CmpOp::Ge => x >= *k,
                },
                _ => false,
            },
            cold_bool!() => self.test_rest(n),
            hot_val!() | cold_val!() => matches!(self.arg(n), Val::Bool(true)),
        }
    }

    /// [`Ctx::val`] with a lead's slot and a constant read in place (most
    /// operands are one or the other), without a call.
    #[inline(always)]
    fn arg(&mut self, n: &Node) -> Val {
        match n {
            Node::Slot { depth: LEAD, slot } => self.read(*slot),
            Node::Const(v) => *v,
            n => self.val(n),
        }
    }

    #[inline(never)]
    fn test_rest(&mut self, n: &Node) -> bool {
        match n {
            Node::NonEmpty(x, want) => {
                let n = self.list_of(x).map_or(0, |l| self.len(l));
                (n > 0) == *want
            }
            Node::Truth(q, x) => self.truth(*q, x),
            Node::Cmp(op, a, b) => self.compare(*op, a, b),
            Node::InConst {
                value,
                set,
                negated,
            } => {
                let v = self.arg(value);
                let found = match v {
                    Val::Str(_) | Val::CStr(_) => {
                        let v = self.low_bytes(v).unwrap_or_default();
                        set.strs.iter().any(|s| bytes_eq(s.as_bytes(), v))
                    }
                    Val::Num(x) => set.nums.contains(&x),
                    Val::Bool(b) => set.bools.contains(&b),
                    _ => return false,
                };
                found != *negated
            }
            Node::In {
                value,
                list,
                negated,
            } => self.in_list(value, list, *negated),
            Node::Overlaps(list, needles) => self.overlaps(list, needles),
            Node::NumRange { value, lo, hi } => match self.arg(value) {
                Val::Num(x) => *lo <= x && x <= *hi,
                _ => false,
            },
            Node::Between(x, lo, hi) => {
                let (x, lo, hi) = (self.val(x), self.val(lo), self.val(hi));
                let ge = self.order(x, lo).is_some_and(|o| o != Ordering::Less);
                ge && self.order(x, hi).is_some_and(|o| o != Ordering::Greater)
            }
            Node::Str {
                op,
                any,
                value,
                needle,
            } => self.str_dyn(*op, *any, value, needle),
            Node::Matches(x, re) => match self.val(x) {
                Val::Str(t) => re.is_match(self.slots.orig(t)),
                Val::CStr(i) => re.is_match(&self.prog.strs[i as usize].orig),
                _ => false,
            },
            Node::IsPresent(x, present) => !matches!(self.raw(x), Val::Missing) == *present,
            Node::Within(x, d) => match self.val(x) {
                Val::Time(t) => self.as_of.minus(*d) < t && t <= self.as_of,
                _ => false,
            },
            Node::WithinMonths(x, n) => match self.val(x) {
                Val::Time(t) => {
                    let start = months_before(self.as_of.datetime(), *n);
                    start.is_some_and(|s| s < t.datetime()) && t <= self.as_of
                }
                _ => false,
            },
            hot_bool!() => self.test(n),
            hot_val!() | cold_val!() => matches!(self.arg(n), Val::Bool(true)),
        }
    }

    /// Evaluates an expression.
    pub fn val(&mut self, n: &Node) -> Val {
        match n {
            Node::Const(v) => *v,
            Node::Slot { depth, slot } => {
                let at = self.slot_at(*depth, *slot);
                self.read(at)
            }
            Node::Let(i) => self.let_val(*i as usize),
            Node::Fused {
                pass,
                filter,
                want,
                orig,
            } => self.fused(*pass, *filter, *want, orig),
            cold_val!() => self.val_rest(n),
            hot_bool!() | cold_bool!() => Val::Bool(self.test(n)),
        }
    }

    #[inline(never)]
    fn val_rest(&mut self, n: &Node) -> Val {
        match n {
            Node::Project(x, off) => self.project(x, *off),
            Node::Flatten(x, off) => self.flatten(x, *off),
            Node::Score => Val::Num(self.score),
            Node::Group(i) => Val::Num(self.groups.get(*i as usize).copied().unwrap_or(0.0)),
            Node::Label(i) => self.label(*i as usize),
            Node::Where(c, cond) => self.filter(c, cond),
            Node::Count(x) => Val::Num(self.list_of(x).map_or(0, |l| self.len(l)) as f64),
            Node::CountWhere(c, cond) => Val::Num(self.count_kept(c, cond) as f64),
            Node::Sum(x) => Val::Num(self.sum(x)),
            Node::DaysSince(x) => match self.val(x) {
                Val::Time(t) => {
                    Val::Num((self.as_of.nanos() - t.nanos()).div_euclid(DAY_NANOS) as f64)
                }
                _ => Val::Missing,
            },
            Node::Len(x) => match self.val(x) {
                Val::Str(t) => Val::Num(self.slots.orig(t).chars().count() as f64),
                Val::CStr(i) => Val::Num(self.prog.strs[i as usize].orig.chars().count() as f64),
                Val::List(l) => Val::Num(self.len(l) as f64),
                _ => Val::Missing,
            },
            Node::MinMax(max, a, b) => match (self.num(a), self.num(b)) {
                (Some(a), Some(b)) => Val::Num(if *max { a.max(b) } else { a.min(b) }),
                _ => Val::Missing,
            },
            Node::Neg(x) => self.num(x).map_or(Val::Missing, |x| Val::Num(-x)),
            Node::Arith(op, a, b) => self.arith(*op, a, b),
            Node::Decay(x, decay) => match self.val(x) {
                Val::Time(t) => Val::Num(weight(*decay, t, self.as_of)),
                _ => Val::Missing,
            },
            Node::SumEach(c, each) => Val::Num(self.sum_each(c, each)),
            Node::CountDistinct(x) => Val::Num(self.count_distinct(x, None)),
            Node::CountDistinctOf(c, each) => Val::Num(self.count_distinct(c, Some(each))),
            Node::TimePart(part, x) => match self.val(x) {
                Val::Time(t) => self.time_part(*part, t),
                _ => Val::Missing,
            },
            Node::Pick(end, records, x) => self.pick(*end, *records, x),
            Node::Extreme(max, x) => self.extreme(*max, x),
            Node::Rollup(r, x) => self.rollup(*r, x),
            Node::Capped {
                coll,
                by,
                amount,
                most,
                per,
            } => Val::Num(self.capped(coll, by, amount.as_deref(), *most, *per)),
            hot_val!() => self.val(n),
            hot_bool!() | cold_bool!() => Val::Bool(self.test(n)),
        }
    }

    /// Evaluates a number; `None` when missing, not a number, or not finite.
    pub fn num(&mut self, n: &Node) -> Option<f64> {
        match self.val(n) {
            Val::Num(x) if x.is_finite() => Some(x),
            _ => None,
        }
    }

    /// Like [`Ctx::val`], but a wrong-typed slot reads as itself (present) and is not counted.
    fn raw(&mut self, n: &Node) -> Val {
        match n {
            Node::Slot { depth, slot } => self.slots.vals[self.slot_at(*depth, *slot) as usize],
            n => self.val(n),
        }
    }

    /// An earlier label's value; missing when no arm of it matched.
    fn label(&self, i: usize) -> Val {
        let arm = self.labels.get(i).copied().flatten();
        arm.map_or(Val::Missing, |a| self.prog.label_values[i][a])
    }

    fn let_val(&mut self, i: usize) -> Val {
        if let Some(v) = self.lets[i] {
            return v;
        }
        let prog = self.prog;
        let v = self.val(&prog.lets[i]);
        self.lets[i] = Some(v);
        v
    }

    fn project(&mut self, x: &Node, off: u32) -> Val {
        match self.val(x) {
            Val::List(ListRef::Slots {
                start, len, stride, ..
            }) => Val::List(ListRef::Slots {
                start,
                len,
                stride,
                offset: off,
            }),
            Val::List(ListRef::Picked { start, len, .. }) => Val::List(ListRef::Picked {
                start,
                len,
                offset: off,
            }),
            Val::Record(base) => self.read(base + off),
            _ => Val::Missing,
        }
    }

    /// The elements of the list in slot `off` of each element of `x`, in
    /// order, as one filtered-style list of frames (missing and empty inner
    /// lists add nothing). Linear in the elements.
    fn flatten(&mut self, x: &Node, off: u32) -> Val {
        let Some(outer) = self.list_of(x) else {
            return Val::Missing;
        };
        let base = self.tmp.len();
        for i in 0..self.len(outer) {
            let Some(frame) = self.frame(outer, i) else {
                continue;
            };
            let Val::List(inner) = self.read(frame + off) else {
                continue;
            };
            for j in 0..self.len(inner) {
                if let Some(f) = self.frame(inner, j) {
                    self.tmp.push(f);
                }
            }
        }
        let start = self.picks.len() as u32;
        self.picks.extend_from_slice(&self.tmp[base..]);
        let len = (self.tmp.len() - base) as u32;
        self.tmp.truncate(base);
        Val::List(ListRef::Picked {
            start,
            len,
            offset: 0,
        })
    }

    fn arith(&mut self, op: ArithOp, a: &Node, b: &Node) -> Val {
        let (Some(a), Some(b)) = (self.num(a), self.num(b)) else {
            return Val::Missing;
        };
        let r = match op {
            ArithOp::Add => a + b,
            ArithOp::Sub => a - b,
            ArithOp::Mul => a * b,
            ArithOp::Div => a / b,
        };
        if r.is_finite() {
            Val::Num(r)
        } else {
            Val::Missing
        }
    }

    // ---- lists ----

    fn list_of(&mut self, n: &Node) -> Option<ListRef> {
        match self.val(n) {
            Val::List(l) => Some(l),
            _ => None,
        }
    }

    pub(super) fn len(&self, l: ListRef) -> u32 {
        match l {
            ListRef::Slots { len, .. } | ListRef::Picked { len, .. } => len,
            ListRef::Const(i) => self.prog.lists[i as usize].len() as u32,
        }
    }

    /// The frame of element `i` (`None` for a list literal, whose elements have no fields).
    pub(super) fn frame(&self, l: ListRef, i: u32) -> Option<u32> {
        match l {
            ListRef::Slots { start, stride, .. } => Some(start + i * stride),
            ListRef::Picked { start, .. } => Some(self.picks[(start + i) as usize]),
            ListRef::Const(_) => None,
        }
    }

    fn elem(&mut self, l: ListRef, i: u32) -> Val {
        match l {
            ListRef::Slots {
                start,
                stride,
                offset,
                ..
            } => self.read(start + i * stride + offset),
            ListRef::Picked { start, offset, .. } => {
                self.read(self.picks[(start + i) as usize] + offset)
            }
            ListRef::Const(c) => self.prog.lists[c as usize][i as usize],
        }
    }

    /// Runs `cond` on each element of `c`; returns the first element index
    /// for which it gives `want`.
    #[inline(never)]
    fn first_kept(&mut self, c: &Node, cond: &Node, want: bool) -> Option<u32> {
        let l = self.list_of(c)?;
        (0..self.len(l)).find(|&i| self.keeps(l, i, cond) == want)
    }

    fn keeps(&mut self, l: ListRef, i: u32, cond: &Node) -> bool {
        let Some(frame) = self.frame(l, i) else {
            return false;
        };
        self.frames.push(frame);
        let kept = self.test(cond);
        self.frames.pop();
        kept
    }

    #[inline(never)]
    fn count_kept(&mut self, c: &Node, cond: &Node) -> u32 {
        let Some(l) = self.list_of(c) else {
            return 0;
        };
        (0..self.len(l)).filter(|&i| self.keeps(l, i, cond)).count() as u32
    }

    #[inline(never)]
    fn filter(&mut self, c: &Node, cond: &Node) -> Val {
        let Some(l) = self.list_of(c) else {
            return Val::Missing;
        };
        let offset = match l {
            ListRef::Slots { offset, .. } | ListRef::Picked { offset, .. } => offset,
            ListRef::Const(_) => return Val::Missing,
        };
        // Frames kept so far sit on `tmp` above `base`; a filter nested in
        // `cond` uses `tmp` above them and pops its own before returning.
        let base = self.tmp.len();
        for i in 0..self.len(l) {
            if self.keeps(l, i, cond) {
                let frame = self.frame(l, i).unwrap_or(0);
                self.tmp.push(frame);
            }
        }
        let start = self.picks.len() as u32;
        self.picks.extend_from_slice(&self.tmp[base..]);
        let len = (self.tmp.len() - base) as u32;
        self.tmp.truncate(base);
        Val::List(ListRef::Picked { start, len, offset })
    }

    fn truth(&mut self, q: Quant, x: &Node) -> bool {
        let Some(l) = self.list_of(x) else {
            return q != Quant::Any;
        };
        let trues = (0..self.len(l))
            .filter(|&i| self.elem(l, i) == Val::Bool(true))
            .count() as u32;
        match q {
            Quant::Any => trues > 0,
            Quant::None => trues == 0,
            Quant::All => trues == self.len(l),
        }
    }

    fn sum(&mut self, x: &Node) -> f64 {
        let Some(l) = self.list_of(x) else {
            return 0.0;
        };
        (0..self.len(l))
            .map(|i| match self.elem(l, i) {
                Val::Num(x) => x,
                _ => 0.0,
            })
            .sum()
    }

    /// `count(distinct L)` (no `each`) or `count(distinct EACH of L)`: the
    /// present values are gathered above `base` on the `seen` stack (a nested
    /// count gathers above them and pops its own), then sorted and counted.
    fn count_distinct(&mut self, c: &Node, each: Option<&Node>) -> f64 {
        let Some(l) = self.list_of(c) else {
            return 0.0;
        };
        let base = self.seen.len();
        for i in 0..self.len(l) {
            let v = match (each, self.frame(l, i)) {
                (None, _) => self.elem(l, i),
                (Some(each), Some(frame)) => {
                    self.frames.push(frame);
                    let v = self.val(each);
                    self.frames.pop();
                    v
                }
                (Some(_), None) => Val::Missing,
            };
            if !matches!(v, Val::Missing | Val::Mismatch) {
                self.seen.push(v);
            }
        }
        let mut seen = std::mem::take(self.seen);
        let run = &mut seen[base..];
        run.sort_unstable_by(|a, b| self.key_order(*a, *b));
        let distinct = 1 + run
            .windows(2)
            .filter(|w| self.key_order(w[0], w[1]) != Ordering::Equal)
            .count();
        let n = if run.is_empty() { 0 } else { distinct };
        seen.truncate(base);
        *self.seen = seen;
        n as f64
    }

    /// A total order of values for `distinct`: by kind, then by value (text
    /// by its case folding, so `Acme` and `ACME` are one value).
    fn key_order(&self, a: Val, b: Val) -> Ordering {
        let rank = |v: Val| match v {
            Val::Bool(_) => 0,
            Val::Num(_) => 1,
            Val::Time(_) => 2,
            Val::Str(_) | Val::CStr(_) => 3,
            Val::Record(_) | Val::List(_) => 4,
            Val::Missing | Val::Mismatch | Val::Other => 5,
        };
        rank(a).cmp(&rank(b)).then_with(|| match (a, b) {
            (Val::Bool(a), Val::Bool(b)) => a.cmp(&b),
            (Val::Num(a), Val::Num(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
            (Val::Time(a), Val::Time(b)) => a.cmp(&b),
            (Val::Record(a), Val::Record(b)) => a.cmp(&b),
            _ => self.low(a).cmp(&self.low(b)),
        })
    }

    /// `day(t)`, `week(t)`, `month(t)` (the start of it, a datetime),
    /// `weekday(t)` and `hour(t)`, in the program's zone.
    fn time_part(&self, part: TimePart, t: Instant) -> Val {
        let Ok(ts) = jiff::Timestamp::new(t.secs, t.nanos as i32) else {
            return Val::Missing;
        };
        let zone = &self.prog.zone;
        let local = ts.to_zoned_datetime(zone.clone());
        let day = local.date();
        let monday = i64::from(day.weekday().to_monday_zero_offset());
        let start = match part {
            TimePart::Hour => return Val::Num(f64::from(local.hour())),
            TimePart::Weekday => return self.prog.weekdays[monday as usize],
            TimePart::Day => Ok(day),
            TimePart::Week => day.checked_sub(jiff::SignedDuration::from_hours(24 * monday)),
            TimePart::Month => Ok(day.first_of_month()),
        };
        match start.and_then(|d| d.to_zoned_datetime(zone.clone())) {
            Ok(z) => Val::Time(Instant {
                secs: z.timestamp().as_second(),
                nanos: 0,
            }),
            Err(_) => Val::Missing,
        }
    }

    /// `first(L)` / `last(L)`: an element, or for records the element's frame.
    fn pick(&mut self, end: End, records: bool, x: &Node) -> Val {
        let Some(l) = self.list_of(x) else {
            return Val::Missing;
        };
        let i = match (end, self.len(l)) {
            (_, 0) => return Val::Missing,
            (End::First, _) => 0,
            (End::Last, n) => n - 1,
        };
        match (records, self.frame(l, i)) {
            (true, Some(frame)) => Val::Record(frame),
            _ => self.elem(l, i),
        }
    }

    /// `max(L)` / `min(L)`: the largest / smallest present number or datetime.
    fn extreme(&mut self, max: bool, x: &Node) -> Val {
        let Some(l) = self.list_of(x) else {
            return Val::Missing;
        };
        let want = if max {
            Ordering::Greater
        } else {
            Ordering::Less
        };
        let mut best = Val::Missing;
        for i in 0..self.len(l) {
            let v = self.elem(l, i);
            let better = match (v, best) {
                (Val::Num(_) | Val::Time(_), Val::Missing) => true,
                (Val::Num(_) | Val::Time(_), _) => self.order(v, best) == Some(want),
                _ => false,
            };
            if better {
                best = v;
            }
        }
        best
    }

    /// A frequency cap: the elements of `c` with a datetime `by` are sorted
    /// by (time, list index), so each period's elements come together and
    /// the first `most` of each are kept; the kept ones are counted, or their
    /// `amount`s added in list order (so a cap that drops nothing gives
    /// exactly the uncapped sum). n·log n. The pairs live above `base` on
    /// the `timed` stack, so a cap nested in `amount` works above them.
    fn capped(
        &mut self,
        c: &Node,
        by: &Node,
        amount: Option<&Node>,
        most: u32,
        per: TimePart,
    ) -> f64 {
        let Some(l) = self.list_of(c) else {
            return 0.0;
        };
        let base = self.timed.len();
        for i in 0..self.len(l) {
            let Some(frame) = self.frame(l, i) else {
                continue;
            };
            self.frames.push(frame);
            let t = self.val(by);
            self.frames.pop();
            if let Val::Time(t) = t {
                self.timed.push((t, i));
            }
        }
        self.timed[base..].sort_unstable();
        let kept = self.keep_per_period(base, most, per);
        self.timed[base..base + kept].sort_unstable_by_key(|&(_, i)| i);
        let total = match amount {
            None => kept as f64,
            Some(amount) => {
                let mut total = 0.0;
                for k in base..base + kept {
                    let frame = self.frame(l, self.timed[k].1).unwrap_or(0);
                    self.frames.push(frame);
                    total += self.num(amount).unwrap_or(0.0);
                    self.frames.pop();
                }
                total
            }
        };
        self.timed.truncate(base);
        total
    }

    /// Moves the first `most` entries of each period (the entries above
    /// `base` being in time order) to the front; returns how many.
    fn keep_per_period(&mut self, base: usize, most: u32, per: TimePart) -> usize {
        let (mut kept, mut period, mut in_period) = (0, Val::Missing, 0);
        for k in base..self.timed.len() {
            let start = self.time_part(per, self.timed[k].0);
            if start != period {
                (period, in_period) = (start, 0);
            }
            if in_period < most {
                self.timed[base + kept] = self.timed[k];
                kept += 1;
                in_period += 1;
            }
        }
        kept
    }

    /// `sum_of_top`, `champion`, `mean`: over the present finite numbers.
    fn rollup(&mut self, r: crate::rules::Rollup, x: &Node) -> Val {
        let mut nums = Vec::new();
        if let Some(l) = self.list_of(x) {
            for i in 0..self.len(l) {
                match self.elem(l, i) {
                    Val::Num(n) if n.is_finite() => nums.push(n),
                    _ => {}
                }
            }
        }
        r.apply(&mut nums).map_or(Val::Missing, Val::Num)
    }

    /// `sum(C, EXPR)`: a missing or non-finite value counts 0.
    fn sum_each(&mut self, c: &Node, each: &Node) -> f64 {
        let Some(l) = self.list_of(c) else {
            return 0.0;
        };
        let mut total = 0.0;
        for i in 0..self.len(l) {
            let Some(frame) = self.frame(l, i) else {
                continue;
            };
            self.frames.push(frame);
            total += self.num(each).unwrap_or(0.0);
            self.frames.pop();
        }
        total
    }

    fn in_list(&mut self, value: &Node, list: &Node, negated: bool) -> bool {
        let v = self.val(value);
        if v == Val::Missing {
            return false;
        }
        let Some(l) = self.list_of(list) else {
            return false;
        };
        let found = (0..self.len(l)).any(|i| {
            let e = self.elem(l, i);
            self.equal(v, e) == Some(true)
        });
        found != negated
    }

    /// Some element of `needles` is in `list` (each compared as `in` does).
    fn overlaps(&mut self, list: &Node, needles: &Node) -> bool {
        let (Some(l), Some(n)) = (self.list_of(list), self.list_of(needles)) else {
            return false;
        };
        (0..self.len(n)).any(|j| {
            let needle = self.elem(n, j);
            needle != Val::Missing
                && (0..self.len(l)).any(|i| {
                    let e = self.elem(l, i);
                    self.equal(needle, e) == Some(true)
                })
        })
    }

    // ---- comparisons ----

    /// The case-folded text of a string value.
    pub(super) fn low(&self, v: Val) -> Option<&str> {
        match v {
            Val::Str(t) => Some(self.slots.low(t)),
            Val::CStr(i) => Some(&self.prog.strs[i as usize].low),
            _ => None,
        }
    }

    fn equal(&self, a: Val, b: Val) -> Option<bool> {
        match (a, b) {
            (Val::Num(a), Val::Num(b)) => Some(a == b),
            (Val::Bool(a), Val::Bool(b)) => Some(a == b),
            (Val::Time(a), Val::Time(b)) => Some(a == b),
            _ => Some(str_eq(self.low(a)?, self.low(b)?)),
        }
    }

    fn order(&self, a: Val, b: Val) -> Option<Ordering> {
        match (a, b) {
            (Val::Num(a), Val::Num(b)) => a.partial_cmp(&b),
            (Val::Time(a), Val::Time(b)) => Some(a.cmp(&b)),
            _ => Some(self.low(a)?.cmp(self.low(b)?)),
        }
    }

    fn compare(&mut self, op: CmpOp, a: &Node, b: &Node) -> bool {
        let (a, b) = (self.val(a), self.val(b));
        match op {
            CmpOp::Eq => self.equal(a, b) == Some(true),
            CmpOp::Ne => self.equal(a, b) == Some(false),
            CmpOp::Lt => self.order(a, b) == Some(Ordering::Less),
            CmpOp::Le => matches!(self.order(a, b), Some(Ordering::Less | Ordering::Equal)),
            CmpOp::Gt => self.order(a, b) == Some(Ordering::Greater),
            CmpOp::Ge => matches!(self.order(a, b), Some(Ordering::Greater | Ordering::Equal)),
        }
    }

    pub(super) fn str_const(&mut self, op: StrOp, v: Val, needles: &Needles) -> bool {
        if let Some(s) = self.low_bytes(v) {
            return needles.test(op, s);
        }
        self.list_holds_any(op, v, needles.list())
    }

    /// `contains` on a list of texts: some element's folded text equals one
    /// of `needles` (a text value is tested by the caller; any other
    /// operation or value is false).
    fn list_holds_any(&mut self, op: StrOp, v: Val, needles: &[Box<str>]) -> bool {
        let (Val::List(l), StrOp::Contains) = (v, op) else {
            return false;
        };
        (0..self.len(l)).any(|i| {
            let e = self.elem(l, i);
            self.low(e)
                .is_some_and(|e| needles.iter().any(|n| **n == *e))
        })
    }

    /// The case-folded text of a string value, as bytes (no UTF-8
    /// boundary checks: the tests compare bytes).
    pub(super) fn low_bytes(&self, v: Val) -> Option<&[u8]> {
        match v {
            Val::Str(t) => {
                Some(&self.slots.text.as_bytes()[t.low as usize..(t.low + t.low_len) as usize])
            }
            Val::CStr(i) => Some(self.prog.strs[i as usize].low.as_bytes()),
            _ => None,
        }
    }

    fn str_dyn(&mut self, op: StrOp, any: bool, value: &Node, needle: &Node) -> bool {
        let n = self.val(needle);
        let needles: Vec<Box<str>> = match (any, n) {
            (false, n) => self.low(n).map(Into::into).into_iter().collect(),
            (true, Val::List(l)) => (0..self.len(l))
                .filter_map(|i| {
                    let e = self.elem(l, i);
                    self.low(e).map(Into::into)
                })
                .collect(),
            _ => return false,
        };
        let v = self.val(value);
        if let Some(s) = self.low(v) {
            return needles.iter().any(|n| str_op(op, s, n));
        }
        self.list_holds_any(op, v, &needles)
    }
}

/// The weight of something that happened at `t`, seen from `as_of`: 1 at
/// `as_of`, 0 in the future (it has not happened yet as of the clock).
fn weight(decay: Decay, t: Instant, as_of: Instant) -> f64 {
    let age = as_of.nanos() - t.nanos();
    if age < 0 {
        return 0.0;
    }
    if let Some(w) = decay.weight_after(age as f64 / 1e9) {
        return w;
    }
    let Decay::Step {
        keep,
        period: Period::Months(n),
    } = decay
    else {
        return 0.0;
    };
    let periods = whole_months(t.datetime(), as_of.datetime()) / n;
    keep.powi(i32::try_from(periods).unwrap_or(i32::MAX))
}

fn str_op(op: StrOp, s: &str, needle: &str) -> bool {
    match op {
        StrOp::Contains => str_contains(s, needle),
        StrOp::StartsWith => s.starts_with(needle),
        StrOp::EndsWith => s.ends_with(needle),
    }
}

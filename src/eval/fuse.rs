//! Fused filters: every `count`, `any`, `all` and `none` over a `where` on
//! the same lead list, worked out together in one pass over the list.
//!
//! At compile time ([`fuse`]) each such filter at the lead's level (not inside
//! another filter's condition) becomes a [`Node::Fused`] that keeps the
//! original node. Its condition is split into its `and` terms, and the hot
//! shapes get a term of their own:
//!
//! - `field == "text"`, `field != "text"` and `field in [texts]` on an element
//!   field: every text constant compared with that field is numbered, the
//!   element's value is matched against them **once per element**, and each
//!   test is a bit test on that number;
//! - `field within N days`: the window's start is worked out once per lead,
//!   and each test compares two integer instants;
//! - `field contains "text"` (and `starts with`, `ends with`): the folded
//!   text is searched directly (all needles of a `contains any` in one scan).
//!
//! Other terms are evaluated as usual, element by element. The code of the
//! first key picks the filters whose tests on it hold (`by_code`); a filter
//! with no other term is settled by that alone, the others test only their
//! remaining terms (`checks`).
//!
//! **When the result cannot differ.** The pass evaluates every filter of the
//! list on every element it needs, in its own order, while the plain
//! interpreter stops at the first element that settles an `any` and skips a
//! filter whose rule stopped earlier. That changes nothing but the number of
//! values of the wrong type read ([`super::Outcome::mismatches`]): a test is
//! otherwise a pure function of the lead. So the fused result is used only
//! for a lead without such a value (always, with a schema: a wrong type is
//! then a data error); any other lead is evaluated by the original nodes,
//! which count exactly as documented. Conditions that read the score, a
//! group total or a label (the REPL's own `let`s can) are not fused.

use super::compile::{Compiled, Node, LEAD};
use super::run::Ctx;
use super::value::{bytes_eq, Instant, Needles, Val};
use crate::syntax::ast::StrOp;
use std::collections::HashMap;

/// What a fused filter gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// `count(C where COND)`.
    Count,
    /// `any(C where COND)`.
    Any,
    /// `none(C where COND)`.
    None,
    /// `all(C where COND)`.
    All,
}

/// The fused passes of a program, one per lead list that has filters.
#[derive(Clone, Debug, Default)]
pub struct Fusion {
    /// The passes.
    pub(super) passes: Vec<Pass>,
    /// Filters in all passes.
    pub(super) filters: u32,
}

/// One lead list and the filters over it.
#[derive(Clone, Debug)]
pub(super) struct Pass {
    /// The list's slot in the lead's frame.
    list: u32,
    /// Element fields compared with text constants, matched once per element.
    keys: Vec<Key>,
    /// The `within` windows, their start worked out once per lead.
    windows: Vec<i128>,
    /// The filters, in the order they were found.
    filters: Vec<Filter>,
    /// The number of the first filter (results are numbered across passes).
    first: u32,
    /// By the code of the first key: the filters an element with that code
    /// may be kept by (a filter whose terms test that key with a mask
    /// without the code cannot keep it). Every filter when there is no key.
    by_code: Vec<u64>,
    /// The `all` filters.
    alls: u64,
    /// The `count` filters.
    counts: u64,
    /// The filters decided by the code of the first key alone (every term
    /// tests that key): an element `by_code` keeps them by is kept.
    by_key: u64,
}

/// An element field whose text is matched against constants once per element.
#[derive(Clone, Debug)]
struct Key {
    /// The field's slot in the element frame.
    slot: u32,
    /// The case-folded constants it is compared with; a constant's code is
    /// its position.
    consts: Vec<Box<str>>,
}

/// The most constants a [`Key`] numbers; two codes more are used below.
const MAX_CONSTS: usize = 62;
/// The code of a text that equals no constant.
const NO_MATCH: u32 = 62;
/// The code of a value that is not text.
const NOT_TEXT: u32 = 63;
/// Every code of a text value.
const ANY_TEXT: u64 = (1 << NOT_TEXT) - 1;
/// The most keys and windows a pass has (more become plain terms).
const MAX_KEYS: usize = 4;
/// The most filters a pass has (more stay unfused).
const MAX_FILTERS: usize = 64;

#[derive(Clone, Debug)]
struct Filter {
    want: Want,
    /// The condition's `and` terms, cheapest first.
    terms: Vec<Term>,
    /// The terms left to test for an element that `by_code` lets through
    /// (the terms on the first key are settled by it).
    checks: Vec<Term>,
}

/// One `and` term of a fused condition (an explicit tag byte, as [`Node`]).
#[derive(Clone, Debug)]
#[repr(u8)]
enum Term {
    /// The code of key `key` is in `mask`.
    Key { key: usize, mask: u64 },
    /// Element slot `slot` holds an instant in window `window` (after its
    /// start, not after `as_of`).
    Within { slot: u32, window: usize },
    /// A string test of element slot `slot` against folded constants.
    Str {
        op: StrOp,
        slot: u32,
        needles: Box<Needles>,
    },
    /// Any other condition, evaluated in the element's frame.
    Other(Node),
}

impl Term {
    fn rank(&self) -> u8 {
        match self {
            Term::Key { .. } => 0,
            Term::Within { .. } => 1,
            Term::Str { .. } => 2,
            Term::Other(_) => 3,
        }
    }
}

/// Rewrites the filters of `code`'s rules and `let`s into fused ones.
pub fn fuse(code: &mut Compiled) {
    let mut f = Fuser {
        fusion: Fusion::default(),
        by_list: HashMap::new(),
        by_let: HashMap::new(),
    };
    for i in 0..code.lets.len() {
        let mut body = std::mem::replace(&mut code.lets[i], Node::Score);
        f.walk(&mut body, &code.lets);
        code.lets[i] = body;
    }
    for rule in &mut code.rules {
        if let Some(when) = &mut rule.when {
            f.walk(when, &code.lets);
        }
        f.walk(&mut rule.points, &code.lets);
    }
    let mut first = 0;
    for pass in &mut f.fusion.passes {
        pass.first = first;
        first += pass.filters.len() as u32;
        pass.dispatch();
    }
    f.fusion.filters = first;
    code.fusion = f.fusion;
}

struct Fuser {
    fusion: Fusion,
    /// Pass of each lead list slot.
    by_list: HashMap<u32, usize>,
    /// Filter made for a `let` (with what it gives): `(pass, filter)`.
    by_let: HashMap<(u32, u8), (usize, usize)>,
}

impl Fuser {
    /// Fuses the filters in `n`, a node evaluated at the lead's level.
    fn walk(&mut self, n: &mut Node, lets: &[Node]) {
        let found = match &*n {
            Node::CountWhere(c, cond) => self.filter(c, cond, Want::Count),
            Node::AnyWhere(c, cond) => self.filter(c, cond, Want::Any),
            Node::NoneWhere(c, cond) => self.filter(c, cond, Want::None),
            Node::AllWhere(c, cond) => self.filter(c, cond, Want::All),
            Node::Count(x) => self.via_let(x, lets, Want::Count),
            Node::NonEmpty(x, true) => self.via_let(x, lets, Want::Any),
            Node::NonEmpty(x, false) => self.via_let(x, lets, Want::None),
            _ => None,
        };
        match found {
            Some((pass, filter)) => {
                let want = self.fusion.passes[pass].filters[filter].want;
                let orig = std::mem::replace(n, Node::Score);
                *n = Node::Fused {
                    pass: pass as u32,
                    filter: filter as u32,
                    want,
                    orig: Box::new(orig),
                };
            }
            None => children(n, &mut |child, lead_level| {
                if lead_level {
                    self.walk(child, lets);
                }
            }),
        }
    }

    /// `count(L)`, `any(L)` or `none(L)` of a `let L = C where COND`.
    fn via_let(&mut self, x: &Node, lets: &[Node], want: Want) -> Option<(usize, usize)> {
        let Node::Let(i) = x else { return None };
        let Node::Where(c, cond) = lets.get(*i as usize)? else {
            return None;
        };
        let key = (*i, want as u8);
        if let Some(&found) = self.by_let.get(&key) {
            return Some(found);
        }
        let found = self.filter(c, cond, want)?;
        self.by_let.insert(key, found);
        Some(found)
    }

    /// Adds a filter over `c` (when `c` is a lead list and `cond` can be
    /// fused) to its list's pass.
    fn filter(&mut self, c: &Node, cond: &Node, want: Want) -> Option<(usize, usize)> {
        let Node::Slot { depth: LEAD, slot } = *c else {
            return None;
        };
        if !pure(cond) {
            return None;
        }
        let p = *self.by_list.entry(slot).or_insert_with(|| {
            self.fusion.passes.push(Pass {
                list: slot,
                keys: Vec::new(),
                windows: Vec::new(),
                filters: Vec::new(),
                first: 0,
                by_code: Vec::new(),
                alls: 0,
                counts: 0,
                by_key: 0,
            });
            self.fusion.passes.len() - 1
        });
        let pass = &mut self.fusion.passes[p];
        if pass.filters.len() == MAX_FILTERS {
            return None;
        }
        let mut terms = Vec::new();
        pass.terms(cond, &mut terms);
        terms.sort_by_key(Term::rank);
        pass.filters.push(Filter {
            want,
            terms,
            checks: Vec::new(),
        });
        Some((p, pass.filters.len() - 1))
    }
}

impl Pass {
    /// Splits a condition into its `and` terms.
    fn terms(&mut self, cond: &Node, out: &mut Vec<Term>) {
        let term = match cond {
            Node::And(xs) => {
                xs.iter().for_each(|x| self.terms(x, out));
                return;
            }
            Node::StrEq {
                value,
                low,
                negated,
            } => element_slot(value).and_then(|slot| {
                let (key, code) = self.code(slot, low)?;
                let mask = match negated {
                    false => 1 << code,
                    true => ANY_TEXT & !(1 << code),
                };
                Some(Term::Key { key, mask })
            }),
            Node::InConst {
                value,
                set,
                negated: false,
            } if set.nums.is_empty() && set.bools.is_empty() => {
                element_slot(value).and_then(|slot| {
                    let mut mask = 0u64;
                    let mut key = None;
                    for s in &set.strs {
                        let (k, code) = self.code(slot, s)?;
                        mask |= 1 << code;
                        key = Some(k);
                    }
                    let key = key.or_else(|| self.key(slot))?;
                    Some(Term::Key { key, mask })
                })
            }
            Node::StrConst { op, value, needles } => element_slot(value).map(|slot| Term::Str {
                op: *op,
                slot,
                needles: needles.clone(),
            }),
            Node::Within(x, d) if self.windows.len() < MAX_KEYS => element_slot(x).map(|slot| {
                self.windows.push(*d);
                Term::Within {
                    slot,
                    window: self.windows.len() - 1,
                }
            }),
            _ => None,
        };
        out.push(term.unwrap_or_else(|| Term::Other(cond.clone())));
    }

    /// Fills `by_code`, the filter masks and each filter's `checks` once
    /// all filters are in.
    fn dispatch(&mut self) {
        let codes = if self.keys.is_empty() { 1 } else { 64 };
        self.by_code = (0..codes)
            .map(|code| {
                let mut filters = 0u64;
                for (j, f) in self.filters.iter().enumerate() {
                    let excluded = f
                        .terms
                        .iter()
                        .any(|t| matches!(t, Term::Key { key: 0, mask } if mask >> code & 1 == 0));
                    if !excluded {
                        filters |= 1 << j;
                    }
                }
                filters
            })
            .collect();
        let mask = |filters: &[Filter], want: fn(&Filter) -> bool| {
            let filters = filters.iter().enumerate();
            filters.fold(0u64, |m, (j, f)| m | u64::from(want(f)) << j)
        };
        self.alls = mask(&self.filters, |f| f.want == Want::All);
        self.counts = mask(&self.filters, |f| f.want == Want::Count);
        for f in &mut self.filters {
            f.checks = f
                .terms
                .iter()
                .filter(|t| !matches!(t, Term::Key { key: 0, .. }))
                .cloned()
                .collect();
        }
        self.by_key = mask(&self.filters, |f| f.checks.is_empty());
    }

    /// The key of element slot `slot`, made if there is room.
    fn key(&mut self, slot: u32) -> Option<usize> {
        if let Some(k) = self.keys.iter().position(|k| k.slot == slot) {
            return Some(k);
        }
        if self.keys.len() == MAX_KEYS {
            return None;
        }
        self.keys.push(Key {
            slot,
            consts: Vec::new(),
        });
        Some(self.keys.len() - 1)
    }

    /// The key of `slot` and the code of constant `low` in it.
    fn code(&mut self, slot: u32, low: &str) -> Option<(usize, u32)> {
        let k = self.key(slot)?;
        let consts = &mut self.keys[k].consts;
        let code = match consts.iter().position(|c| **c == *low) {
            Some(code) => code,
            None if consts.len() < MAX_CONSTS => {
                consts.push(low.into());
                consts.len() - 1
            }
            None => return None,
        };
        Some((k, code as u32))
    }
}

/// The slot of a field of the filtered element itself.
fn element_slot(n: &Node) -> Option<u32> {
    match n {
        Node::Slot { depth: 0, slot } => Some(*slot),
        _ => None,
    }
}

/// Whether a condition is a function of the lead alone: it does not read
/// the score, a group total or a label.
fn pure(n: &Node) -> bool {
    let mut ok = true;
    let mut n = n.clone();
    check_pure(&mut n, &mut ok);
    ok
}

fn check_pure(n: &mut Node, ok: &mut bool) {
    if matches!(n, Node::Score | Node::Group(_) | Node::Label(_)) {
        *ok = false;
    }
    children(n, &mut |child, _| check_pure(child, ok));
}

/// Calls `f` on each child of `n`, with whether it is evaluated at the
/// level of `n` (`true`) or per element of a list (`false`).
pub(super) fn children(n: &mut Node, f: &mut dyn FnMut(&mut Node, bool)) {
    match n {
        Node::Const(_)
        | Node::Slot { .. }
        | Node::Let(_)
        | Node::Score
        | Node::Group(_)
        | Node::Label(_)
        | Node::Fused { .. } => {}
        Node::Project(x, _)
        | Node::Flatten(x, _)
        | Node::Count(x)
        | Node::NonEmpty(x, _)
        | Node::Truth(_, x)
        | Node::Sum(x)
        | Node::DaysSince(x)
        | Node::Len(x)
        | Node::Neg(x)
        | Node::Not(x)
        | Node::StrEq { value: x, .. }
        | Node::InConst { value: x, .. }
        | Node::StrConst { value: x, .. }
        | Node::NumCmp { value: x, .. }
        | Node::NumRange { value: x, .. }
        | Node::Matches(x, _)
        | Node::IsPresent(x, _)
        | Node::Within(x, _)
        | Node::WithinMonths(x, _)
        | Node::Decay(x, _)
        | Node::CountDistinct(x)
        | Node::TimePart(_, x)
        | Node::Pick(_, _, x)
        | Node::Extreme(_, x)
        | Node::Rollup(_, x) => f(x, true),
        Node::Where(c, each)
        | Node::CountWhere(c, each)
        | Node::AnyWhere(c, each)
        | Node::AllWhere(c, each)
        | Node::NoneWhere(c, each)
        | Node::SumEach(c, each)
        | Node::CountDistinctOf(c, each) => {
            f(c, true);
            f(each, false);
        }
        Node::Capped {
            coll, by, amount, ..
        } => {
            f(coll, true);
            f(by, false);
            if let Some(amount) = amount {
                f(amount, false);
            }
        }
        Node::MinMax(_, a, b)
        | Node::Arith(_, a, b)
        | Node::Cmp(_, a, b)
        | Node::Overlaps(a, b)
        | Node::In {
            value: a, list: b, ..
        }
        | Node::Str {
            value: a,
            needle: b,
            ..
        } => {
            f(a, true);
            f(b, true);
        }
        Node::Between(x, lo, hi) => {
            f(x, true);
            f(lo, true);
            f(hi, true);
        }
        Node::And(xs) | Node::Or(xs) => xs.iter_mut().for_each(|x| f(x, true)),
    }
}

/// The per-lead state of the fused passes.
#[derive(Clone, Debug, Default)]
pub struct FusedState {
    /// Whether the lead holds no value of the wrong type (`None`: not yet known).
    clean: Option<bool>,
    /// Whether each pass has run for this lead.
    done: Vec<bool>,
    /// Each filter's result: matches (`count`, `any`, `none`) or misses (`all`).
    results: Vec<u32>,
}

impl FusedState {
    /// Forgets the last lead's results.
    pub(super) fn reset(&mut self, fusion: &Fusion) {
        self.clean = None;
        self.done.clear();
        self.done.resize(fusion.passes.len(), false);
        self.results.clear();
        self.results.resize(fusion.filters as usize, 0);
    }
}

impl Ctx<'_> {
    /// The value of a fused filter.
    #[inline(never)]
    pub(super) fn fused(&mut self, pass: u32, filter: u32, want: Want, orig: &Node) -> Val {
        if !self.clean() {
            return self.val(orig);
        }
        if !self.fused.done[pass as usize] {
            self.run_pass(pass as usize);
        }
        let p = &self.prog.fusion.passes[pass as usize];
        let r = self.fused.results[(p.first + filter) as usize];
        match want {
            Want::Count => Val::Num(f64::from(r)),
            Want::Any => Val::Bool(r > 0),
            Want::None | Want::All => Val::Bool(r == 0),
        }
    }

    /// Whether the lead holds no value of the wrong type.
    fn clean(&mut self) -> bool {
        if let Some(clean) = self.fused.clean {
            return clean;
        }
        let clean = self.prog.shape.is_strict() || !self.slots.vals.contains(&Val::Mismatch);
        self.fused.clean = Some(clean);
        clean
    }

    /// Runs every filter of pass `p` over its list (out of line: the
    /// lookups in [`Ctx::fused`] stay cheap to call).
    #[inline(never)]
    fn run_pass(&mut self, p: usize) {
        self.fused.done[p] = true;
        let prog = self.prog;
        let pass = &prog.fusion.passes[p];
        let Val::List(l) = self.slots.vals[pass.list as usize] else {
            return;
        };
        let mut starts = [Instant { secs: 0, nanos: 0 }; MAX_KEYS];
        for (s, d) in starts.iter_mut().zip(&pass.windows) {
            *s = self.as_of.minus(*d);
        }
        let mut results = [0u32; MAX_FILTERS];
        // Filters still open: a settled `any`, `none` or `all` is closed.
        let mut open = u64::MAX >> (64 - pass.filters.len());
        let mut codes = [NOT_TEXT; MAX_KEYS];
        for i in 0..self.len(l) {
            if open == 0 {
                break;
            }
            let candidates = match self.frame(l, i) {
                Some(frame) => {
                    for (code, key) in codes.iter_mut().zip(&pass.keys) {
                        let v = self.slots.vals[(frame + key.slot) as usize];
                        *code = self.code(v, &key.consts);
                    }
                    let by_code = pass.by_code.get(codes[0] as usize);
                    let candidates = by_code.unwrap_or(&pass.by_code[0]) & open;
                    let mut kept = candidates & pass.by_key;
                    let mut left = candidates & !pass.by_key;
                    while left != 0 {
                        let j = left.trailing_zeros() as usize;
                        left &= left - 1;
                        let f = &pass.filters[j];
                        if f.checks
                            .iter()
                            .all(|t| self.term(t, frame, &codes, &starts))
                        {
                            kept |= 1 << j;
                        }
                    }
                    kept
                }
                None => 0,
            };
            // Matches of `count`, `any` and `none`; misses of `all`.
            let hits = (candidates & !pass.alls) | (open & pass.alls & !candidates);
            let mut left = hits;
            while left != 0 {
                let j = left.trailing_zeros() as usize;
                left &= left - 1;
                results[j] += 1;
            }
            open &= !(hits & !pass.counts);
        }
        let first = pass.first as usize;
        self.fused.results[first..first + pass.filters.len()]
            .copy_from_slice(&results[..pass.filters.len()]);
    }

    /// The code of `v` among a key's constants.
    fn code(&self, v: Val, consts: &[Box<str>]) -> u32 {
        match self.low_bytes(v) {
            Some(s) => consts
                .iter()
                .position(|c| bytes_eq(c.as_bytes(), s))
                .map_or(NO_MATCH, |c| c as u32),
            None => NOT_TEXT,
        }
    }

    fn term(&mut self, t: &Term, frame: u32, codes: &[u32], starts: &[Instant]) -> bool {
        match t {
            Term::Key { key, mask } => mask >> codes[*key] & 1 != 0,
            Term::Within { slot, window } => match self.slots.vals[(frame + slot) as usize] {
                Val::Time(t) => starts[*window] < t && t <= self.as_of,
                _ => false,
            },
            Term::Str { op, slot, needles } => {
                let v = self.slots.vals[(frame + slot) as usize];
                self.str_const(*op, v, needles)
            }
            Term::Other(cond) => {
                self.frames.push(frame);
                let kept = self.test(cond);
                self.frames.pop();
                kept
            }
        }
    }
}

#[cfg(test)]
mod tests;

//! Looking at checked expressions: their children, a structural key that
//! ignores spans, and numeric ranges a condition pins a value to.

use crate::rules::{TExpr, TExprKind};
use crate::syntax::ast::{CmpOp, Span};
use std::fmt::Write as _;

/// The direct sub-expressions of `e`.
pub fn children(e: &TExpr) -> Vec<&TExpr> {
    e.children()
}

/// What a node is, without its children or span.
fn write_head(k: &TExprKind, out: &mut String) {
    use TExprKind as K;
    let _ = match k {
        K::Number(n) => write!(out, "{n}"),
        K::String(s) => write!(out, "{:?}", s.to_lowercase()),
        K::Bool(b) => write!(out, "{b}"),
        K::Datetime(t) => write!(out, "{}", t.to_rfc3339()),
        K::Field(f) => write!(out, "{:?}:{}", f.scope, f.path.join(".")),
        K::Let(i) => write!(out, "let#{i}"),
        K::Score => write!(out, "score"),
        K::GroupTotal(g) => write!(out, "group#{g}"),
        K::Label(l) => write!(out, "label#{l}"),
        K::Project(_, name) => write!(out, ".{name}"),
        K::Call(f, _) => write!(out, "{f:?}"),
        K::NonEmpty(_, want) => write!(out, "nonempty:{want}"),
        K::Truth(q, _) => write!(out, "truth:{q:?}"),
        K::Arith(op, ..) => write!(out, "{op:?}"),
        K::Compare(op, ..) => write!(out, "{op:?}"),
        K::In { negated, .. } => write!(out, "in:{negated}"),
        K::StrTest { op, any, .. } => write!(out, "{op:?}:{any}"),
        K::IsPresent(_, p) => write!(out, "present:{p}"),
        K::Matches(_, re) => write!(out, "/{}/{}", re.pattern, re.case_insensitive),
        K::Within(_, secs) => write!(out, "within:{secs}s"),
        K::WithinMonths(_, n) => write!(out, "within:{n}months"),
        K::Decay(_, d) => write!(out, "decay:{d:?}"),
        K::SumEach(..) => write!(out, "sum_each"),
        K::CountDistinct(_) => write!(out, "distinct"),
        K::CountDistinctOf(..) => write!(out, "distinct_of"),
        K::TimePart(part, _) => write!(out, "{part:?}"),
        K::Pick(end, _) => write!(out, "{end:?}"),
        K::Extreme(max, _) => write!(out, "extreme:{max}"),
        K::Rollup(r, _) => write!(out, "rollup:{r:?}"),
        K::Capped { cap, amount, .. } => {
            write!(
                out,
                "capped:{}:{:?}:{}",
                cap.most,
                cap.per,
                amount.is_some()
            )
        }
        K::List(_) => write!(out, "list"),
        K::Where(..) => write!(out, "where"),
        K::Every { .. } => write!(out, "every"),
        K::Overlaps(..) => write!(out, "overlaps"),
        K::Neg(_) => write!(out, "neg"),
        K::Not(_) => write!(out, "not"),
        K::And(_) => write!(out, "and"),
        K::Or(_) => write!(out, "or"),
        K::Between(..) => write!(out, "between"),
    };
}

/// A text equal for two expressions exactly when they have the same shape
/// and the same values, wherever they were written (string literals compare
/// ignoring case, as the language does).
pub fn key(e: &TExpr) -> String {
    let mut out = String::new();
    write_key(e, &mut out);
    out
}

fn write_key(e: &TExpr, out: &mut String) {
    write_head(&e.kind, out);
    let kids = children(e);
    if kids.is_empty() {
        return;
    }
    out.push('(');
    for (i, k) in kids.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_key(k, out);
    }
    out.push(')');
}

/// One end of a range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    /// The value.
    pub value: f64,
    /// The value itself is in the range.
    pub inclusive: bool,
}

/// The numbers a value may take: `None` ends are unbounded.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Range {
    /// The lower end.
    pub lo: Option<Bound>,
    /// The upper end.
    pub hi: Option<Bound>,
}

impl Range {
    /// No number is in the range.
    pub fn is_empty(&self) -> bool {
        match (self.lo, self.hi) {
            (Some(lo), Some(hi)) => {
                lo.value > hi.value || (lo.value == hi.value && !(lo.inclusive && hi.inclusive))
            }
            _ => false,
        }
    }

    /// The numbers in both ranges.
    pub fn and(self, other: Range) -> Range {
        let tighter_lo = |a: Bound, b: Bound| {
            if a.value > b.value || (a.value == b.value && !a.inclusive) {
                a
            } else {
                b
            }
        };
        let tighter_hi = |a: Bound, b: Bound| {
            if a.value < b.value || (a.value == b.value && !a.inclusive) {
                a
            } else {
                b
            }
        };
        Range {
            lo: pick(self.lo, other.lo, tighter_lo),
            hi: pick(self.hi, other.hi, tighter_hi),
        }
    }

    /// Every number of `self` is in `outer`.
    pub fn within(self, outer: Range) -> bool {
        self.and(outer) == self
    }
}

fn pick(a: Option<Bound>, b: Option<Bound>, f: impl Fn(Bound, Bound) -> Bound) -> Option<Bound> {
    match (a, b) {
        (Some(a), Some(b)) => Some(f(a, b)),
        (a, b) => a.or(b),
    }
}

/// A number literal's value.
pub fn number(e: &TExpr) -> Option<f64> {
    match e.kind {
        TExprKind::Number(n) => Some(n),
        TExprKind::Neg(ref x) => number(x).map(|n| -n),
        _ => None,
    }
}

/// `x > 5`, `5 <= x`, `x == 3`, `x between 1 and 9` with number literals:
/// the key of `x` and the range the condition pins it to.
pub fn constraint(e: &TExpr) -> Option<(String, Range)> {
    let at = |value: f64, inclusive: bool| Some(Bound { value, inclusive });
    match &e.kind {
        TExprKind::Compare(op, a, b) => {
            let (subject, n, op) = match (number(a), number(b)) {
                (None, Some(n)) => (a, n, *op),
                (Some(n), None) => (b, n, flip(*op)),
                _ => return None,
            };
            let range = match op {
                CmpOp::Eq => Range {
                    lo: at(n, true),
                    hi: at(n, true),
                },
                CmpOp::Ne => return None,
                CmpOp::Lt => Range {
                    lo: None,
                    hi: at(n, false),
                },
                CmpOp::Le => Range {
                    lo: None,
                    hi: at(n, true),
                },
                CmpOp::Gt => Range {
                    lo: at(n, false),
                    hi: None,
                },
                CmpOp::Ge => Range {
                    lo: at(n, true),
                    hi: None,
                },
            };
            Some((key(subject), range))
        }
        TExprKind::Between(x, lo, hi) => {
            let range = Range {
                lo: at(number(lo)?, true),
                hi: at(number(hi)?, true),
            };
            Some((key(x), range))
        }
        _ => None,
    }
}

/// `5 < x` is `x > 5`.
fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

/// The conjuncts of a condition: `a and b and c` → `[a, b, c]`, anything else → `[e]`.
pub fn conjuncts(e: &TExpr) -> Vec<&TExpr> {
    match &e.kind {
        TExprKind::And(xs) => xs.iter().flat_map(conjuncts).collect(),
        _ => vec![e],
    }
}

/// Why a condition can never hold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Never {
    /// Two comparisons of one value that no number satisfies together.
    Contradiction {
        /// The earlier comparison.
        first: Span,
        /// The one that contradicts it.
        second: Span,
    },
    /// `x between 9 and 1`.
    ReversedBetween {
        /// The `between` expression.
        span: Span,
    },
    /// `x in []`.
    EmptyList {
        /// The empty list.
        span: Span,
    },
}

/// Why `e` can never be true, if it cannot.
pub fn never(e: &TExpr) -> Option<Never> {
    match &e.kind {
        TExprKind::Between(..) => constraint(e)
            .filter(|(_, r)| r.is_empty())
            .map(|_| Never::ReversedBetween { span: e.span }),
        TExprKind::In {
            list,
            negated: false,
            ..
        } => match &list.kind {
            TExprKind::List(xs) if xs.is_empty() => Some(Never::EmptyList { span: list.span }),
            _ => None,
        },
        TExprKind::And(_) => never_all(&conjuncts(e)),
        TExprKind::Or(xs) => {
            let reasons: Vec<Never> = xs.iter().map_while(never).collect();
            (reasons.len() == xs.len()).then(|| reasons[0])
        }
        _ => None,
    }
}

/// A conjunction never holds when one part never does, or when the ranges
/// its comparisons pin one value to have no number in common.
fn never_all(parts: &[&TExpr]) -> Option<Never> {
    if let Some(n) = parts.iter().find_map(|p| never(p)) {
        return Some(n);
    }
    let mut seen: Vec<(String, Range, Span)> = Vec::new();
    for part in parts {
        let Some((k, r)) = constraint(part) else {
            continue;
        };
        match seen.iter_mut().find(|(sk, ..)| *sk == k) {
            Some((_, range, first)) => {
                *range = range.and(r);
                if range.is_empty() {
                    return Some(Never::Contradiction {
                        first: *first,
                        second: part.span,
                    });
                }
            }
            None => seen.push((k, r, part.span)),
        }
    }
    None
}

/// When `earlier` holds for every lead `later` holds for: `earlier` is only
/// comparisons of values with numbers (or the very same condition as `later`),
/// and `later` pins each of those values inside `earlier`'s range.
pub fn covers(earlier: &TExpr, later: &TExpr) -> bool {
    if key(earlier) == key(later) {
        return true;
    }
    let Some(needs) = conjuncts(earlier)
        .into_iter()
        .map(constraint)
        .collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    let has: Vec<(String, Range)> = conjuncts(later)
        .into_iter()
        .filter_map(constraint)
        .collect();
    needs.iter().all(|(k, outer)| {
        let mine = has
            .iter()
            .filter(|(hk, _)| hk == k)
            .map(|(_, r)| *r)
            .reduce(Range::and);
        mine.is_some_and(|r| r.within(*outer))
    })
}

//! Typing calls of the built-in functions.

use super::error::{Builtin, Expected, Problem, Role};
use super::expr::lit;
use super::suggest::did_you_mean;
use super::{any, Checker};
use crate::rules::{End, Func, Quant, Rollup, TExpr, TExprKind, TimePart, Type};
use crate::syntax::ast::{Expr, ExprKind, Ident, Span};

impl Checker<'_> {
    /// `name(args)`.
    pub(super) fn call(&mut self, name: &Ident, args: &[Expr], span: Span) -> TExpr {
        if name.node == "decay" {
            self.report(Problem::BadTime {
                span,
                fault: super::error::TimeFault::NoRate,
            });
            return self.skip_args(args, span);
        }
        let Some(func) = Builtin::ALL.into_iter().find(|f| f.name() == name.node) else {
            let names = Builtin::ALL.iter().map(|f| f.name());
            let suggestion = did_you_mean(&name.node, names).map(String::from);
            let (span, name) = (name.span, name.node.clone());
            self.report(Problem::UnknownFunction {
                span,
                name,
                suggestion,
            });
            return self.skip_args(args, span);
        };
        if func == Builtin::Count && self.bare_distinct(args) {
            let in_for_of = false;
            self.report(Problem::DistinctForm { span, in_for_of });
            return any(span);
        }
        if let Some(capped) = self.capped_call(func, args, span) {
            return capped;
        }
        if func == Builtin::Sum && args.len() == 2 {
            return self.sum_each(&args[0], &args[1], span);
        }
        if matches!(func, Builtin::Min | Builtin::Max) && args.len() == 1 {
            return self.extreme_of_list(func, &args[0], span);
        }
        if args.len() != func.arity() {
            let (expected, found) = (func.arity(), args.len());
            self.report(Problem::WrongArity {
                span,
                func,
                expected,
                found,
            });
            return self.skip_args(args, span);
        }
        let role = Role::Argument(func);
        let call = |f: Func, args: Vec<TExpr>| TExprKind::Call(f, args);
        let (kind, ty) = match func {
            Builtin::Count => {
                let arg = self.expect(&args[0], &any_list(), role);
                (call(Func::Count, vec![arg]), Type::Number)
            }
            Builtin::Any => (
                quantify(Quant::Any, self.expect(&args[0], &any_list(), role)),
                Type::Bool,
            ),
            Builtin::None => (
                quantify(Quant::None, self.expect(&args[0], &any_list(), role)),
                Type::Bool,
            ),
            Builtin::All => (self.all_arg(&args[0], role), Type::Bool),
            Builtin::Sum => (
                call(Func::Sum, vec![self.sum_arg(&args[0], role)]),
                Type::Number,
            ),
            Builtin::DaysSince => {
                let arg = self.expect(&args[0], &Type::Datetime, role);
                (call(Func::DaysSince, vec![arg]), Type::Number)
            }
            Builtin::Len => (
                call(Func::Len, vec![self.len_arg(&args[0], role)]),
                Type::Number,
            ),
            Builtin::Min => self.min_max(Func::Min, args, role),
            Builtin::Max => self.min_max(Func::Max, args, role),
            Builtin::First => self.pick(End::First, &args[0], role),
            Builtin::Last => self.pick(End::Last, &args[0], role),
            Builtin::Earliest => self.extreme(false, &args[0], func),
            Builtin::Latest => self.extreme(true, &args[0], func),
            Builtin::Day => self.time_part(TimePart::Day, &args[0], role),
            Builtin::Week => self.time_part(TimePart::Week, &args[0], role),
            Builtin::Month => self.time_part(TimePart::Month, &args[0], role),
            Builtin::Weekday => self.time_part(TimePart::Weekday, &args[0], role),
            Builtin::Hour => self.time_part(TimePart::Hour, &args[0], role),
            Builtin::SumOfTop | Builtin::Champion | Builtin::Mean | Builtin::MeanWithoutLowest => {
                self.rollup(func, args, role)
            }
        };
        lit(kind, ty, span)
    }

    /// `count(distinct)`: the word alone, neither a `let` nor meant as a
    /// field (a lead field of that name is `lead.distinct`).
    fn bare_distinct(&self, args: &[Expr]) -> bool {
        match args {
            [Expr {
                kind: ExprKind::Path(segs),
                ..
            }] => {
                segs.len() == 1
                    && segs[0].node == "distinct"
                    && !self.let_index.contains_key("distinct")
            }
            _ => false,
        }
    }

    /// Types the arguments of a bad call (for their own problems) and gives `Any`.
    fn skip_args(&mut self, args: &[Expr], span: Span) -> TExpr {
        for a in args {
            self.expr(a);
        }
        any(span)
    }

    /// `all(C)`: a `where` filter (written in place or bound by a `let`):
    /// every element of the filtered list passes; or a list of bools: every
    /// element is true.
    fn all_arg(&mut self, arg: &Expr, role: Role) -> TExprKind {
        let mut t = self.expr(arg);
        if let Some(every) = self.every(&t) {
            return every;
        }
        let bools = Type::List(Box::new(Type::Bool));
        if super::types::unify(&t.ty, &bools).is_some() {
            self.constrain(&mut t, &bools, role);
            return TExprKind::Truth(Quant::All, Box::new(t));
        }
        self.mismatch(&t, Expected::FilterOrBoolList, role);
        any(t.span).kind
    }

    /// `all` of a filter, written in place or through a `let` bound to one:
    /// "every element of the collection passes the condition".
    fn every(&self, t: &TExpr) -> Option<TExprKind> {
        let (filter, via) = match &t.kind {
            TExprKind::Where(..) => (t, None),
            TExprKind::Let(i) => (&self.lets.get(*i)?.value, Some(*i)),
            _ => return None,
        };
        let TExprKind::Where(coll, cond) = &filter.kind else {
            return None;
        };
        let (coll, cond) = (coll.clone(), cond.clone());
        Some(TExprKind::Every { coll, cond, via })
    }

    /// `sum(C.field)`: without a schema, `C` in a plain path is taken to be
    /// a list of records (that is what `sum` sums over), before `C.field` is typed.
    fn sum_arg(&mut self, arg: &Expr, role: Role) -> TExpr {
        self.projected_list(arg);
        self.expect(arg, &numbers(), role)
    }

    /// Without a schema, `C` in a plain path `C.field` given where a list is
    /// wanted is taken to be a list of records (the path projects each
    /// element's field), before `C.field` is typed.
    fn projected_list(&mut self, arg: &Expr) {
        if let ExprKind::Path(segs) = &arg.kind {
            let plain = segs.len() >= 2 && segs[0].node != "lead";
            let known = self.let_index.contains_key(&segs[0].node) || !self.scopes.is_empty();
            if self.inferring() && plain && !known {
                let parent: Vec<String> = segs[..segs.len() - 1]
                    .iter()
                    .map(|s| s.node.clone())
                    .collect();
                let _ = self
                    .infer
                    .record(&parent, &super::types::list_of_records(), arg.span);
            }
        }
    }

    /// `sum(C, EXPR)`: `EXPR` in the scope of each element of `C`, a list of
    /// records, as in `where`.
    fn sum_each(&mut self, coll: &Expr, each: &Expr, span: Span) -> TExpr {
        let role = Role::Argument(Builtin::Sum);
        let (coll, each) = self.in_elements(coll, each, Some(&Type::Number), role);
        let kind = TExprKind::SumEach(Box::new(coll), Box::new(each));
        lit(kind, Type::Number, span)
    }

    /// `sum_of_top(L, N)`, `champion(L, W)`, `mean(L)`,
    /// `mean_without_lowest(L, N)`: a list of numbers and a number written
    /// in place.
    fn rollup(&mut self, func: Builtin, args: &[Expr], role: Role) -> (TExprKind, Type) {
        let numbers = Type::List(Box::new(Type::Number));
        self.projected_list(&args[0]);
        let list = Box::new(self.expect(&args[0], &numbers, role));
        let n = match args.get(1) {
            None => Some(0.0),
            Some(arg) => match arg.kind {
                ExprKind::Number(n) => Some(n),
                _ => None,
            },
        };
        let whole = |n: f64| (n.fract() == 0.0 && (0.0..=1e6).contains(&n)).then_some(n as u32);
        let rollup = match func {
            Builtin::SumOfTop => n.and_then(whole).filter(|&n| n >= 1).map(Rollup::SumOfTop),
            Builtin::Champion => n.filter(|w| (0.0..=1.0).contains(w)).map(Rollup::Champion),
            _ => n.and_then(whole).map(Rollup::MeanWithoutLowest),
        };
        let Some(rollup) = rollup else {
            let span = args.get(1).map_or(args[0].span, |a| a.span);
            self.report(Problem::BadRollup { span, func });
            return (TExprKind::Rollup(Rollup::SumOfTop(1), list), Type::Any);
        };
        (TExprKind::Rollup(rollup, list), Type::Number)
    }

    /// `first(L)` / `last(L)`: an element of any list.
    fn pick(&mut self, end: End, arg: &Expr, role: Role) -> (TExprKind, Type) {
        self.projected_list(arg);
        let list = self.expect(arg, &any_list(), role);
        let ty = super::types::element(&list.ty);
        (TExprKind::Pick(end, Box::new(list)), ty)
    }

    /// `latest(L)` / `earliest(L)`: a list of datetimes.
    fn extreme(&mut self, max: bool, arg: &Expr, func: Builtin) -> (TExprKind, Type) {
        let times = Type::List(Box::new(Type::Datetime));
        self.projected_list(arg);
        let list = self.expect(arg, &times, Role::Argument(func));
        (TExprKind::Extreme(max, Box::new(list)), Type::Datetime)
    }

    /// `min(L)` / `max(L)`: only of a value already known to be a list (a
    /// schema's list, a filter, a projection of one), so that `min(x)` meant
    /// as `min(x, y)` without a schema is an error saying a list is needed
    /// rather than making `x` a list.
    fn extreme_of_list(&mut self, func: Builtin, arg: &Expr, span: Span) -> TExpr {
        let known = self.problems.len();
        let list = self.expr(arg);
        let Type::List(elem) = &list.ty else {
            // An argument already in error (an unknown field) says enough.
            if list.ty != Type::Any || self.problems.len() == known {
                let (at, ty) = (arg.span, list.ty.clone());
                self.report(Problem::ExtremeOfOne { span: at, func, ty });
            }
            return any(span);
        };
        let ty = match **elem {
            Type::Datetime => Type::Datetime,
            Type::Int => Type::Int,
            _ => Type::Number,
        };
        let mut list = list;
        let want = Type::List(Box::new(ty.clone()));
        self.constrain(&mut list, &want, Role::Argument(func));
        let kind = TExprKind::Extreme(func == Builtin::Max, Box::new(list));
        lit(kind, ty, span)
    }

    /// `day(t)`, `week(t)`, `month(t)`, `weekday(t)`, `hour(t)`.
    fn time_part(&mut self, part: TimePart, arg: &Expr, role: Role) -> (TExprKind, Type) {
        let t = self.expect(arg, &Type::Datetime, role);
        let ty = match part {
            TimePart::Day | TimePart::Week | TimePart::Month => Type::Datetime,
            TimePart::Weekday => Type::String,
            TimePart::Hour => Type::Number,
        };
        (TExprKind::TimePart(part, Box::new(t)), ty)
    }

    /// `count(distinct L)` / `count(distinct VALUE of C)`.
    pub(super) fn distinct(&mut self, value: &Expr, of: Option<&Expr>, span: Span) -> TExpr {
        let role = Role::Distinct;
        if let (ExprKind::In { negated: false, .. }, None) = (&value.kind, of) {
            let in_for_of = true;
            self.report(Problem::DistinctForm { span, in_for_of });
            return any(span);
        }
        let Some(coll) = of else {
            self.projected_list(value);
            let list = self.expect(value, &any_list(), role);
            return lit(TExprKind::CountDistinct(Box::new(list)), Type::Number, span);
        };
        let (coll, each) = self.in_elements(coll, value, None, role);
        let kind = TExprKind::CountDistinctOf(Box::new(coll), Box::new(each));
        lit(kind, Type::Number, span)
    }

    /// Types `coll`, a list of records, then `each` in the scope of its
    /// element (as `where` does), expecting `want` of it when given.
    fn in_elements(
        &mut self,
        coll: &Expr,
        each: &Expr,
        want: Option<&Type>,
        role: Role,
    ) -> (TExpr, TExpr) {
        let mut coll = self.expr(coll);
        let ok = self.constrain(&mut coll, &super::types::list_of_records(), role);
        let origin = self.origin(&coll);
        let ty = if ok {
            super::types::element(&coll.ty)
        } else {
            Type::Any
        };
        self.scopes.push(super::ElemScope { ty, origin });
        let each = match want {
            Some(want) => self.expect(each, want, role),
            None => self.expr(each),
        };
        self.scopes.pop();
        (coll, each)
    }

    /// `len(x)`: a string or a list.
    fn len_arg(&mut self, arg: &Expr, role: Role) -> TExpr {
        let t = self.expr(arg);
        if matches!(t.ty, Type::String | Type::List(_) | Type::Any) {
            return t;
        }
        self.mismatch(&t, Expected::StringOrList, role);
        any(t.span)
    }

    /// `min(a, b)` / `max(a, b)`: two numbers.
    fn min_max(&mut self, f: Func, args: &[Expr], role: Role) -> (TExprKind, Type) {
        let a = self.expect(&args[0], &Type::Number, role);
        let b = self.expect(&args[1], &Type::Number, role);
        let ty = if a.ty == Type::Int && b.ty == Type::Int {
            Type::Int
        } else {
            Type::Number
        };
        (TExprKind::Call(f, vec![a, b]), ty)
    }

    fn mismatch(&mut self, t: &TExpr, expected: Expected, role: Role) {
        let (span, found) = (t.span, t.ty.clone());
        self.report(Problem::TypeMismatch {
            span,
            expected,
            found,
            role,
        });
    }
}

/// `any(L)` / `none(L)`: on a `list<bool>`, some / no element is true; on
/// any other list (a filter included), the list has elements / has none.
/// Without a schema the list's type may be learnt later, so the checker
/// decides again once every type is known (see `retype`).
pub(super) fn quantify(q: Quant, arg: TExpr) -> TExprKind {
    let bools = matches!(&arg.ty, Type::List(t) if **t == Type::Bool);
    let arg = Box::new(arg);
    match q {
        Quant::Any | Quant::None if bools => TExprKind::Truth(q, arg),
        Quant::Any => TExprKind::NonEmpty(arg, true),
        Quant::None => TExprKind::NonEmpty(arg, false),
        Quant::All => TExprKind::Truth(q, arg),
    }
}

/// A list of anything.
fn any_list() -> Type {
    Type::List(Box::new(Type::Any))
}

/// A list of numbers.
fn numbers() -> Type {
    Type::List(Box::new(Type::Number))
}

#[cfg(test)]
mod tests {
    use crate::eval::{EvalOptions, Program};
    use crate::syntax::MemReader;

    #[test]
    fn all_accepts_a_let_bound_to_a_filter() {
        let src = "let opens = events where type == \"open\"\nwhen all(opens) add 5\n";
        let loaded = crate::load_str("t.rules", src, &MemReader::default());
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let program = Program::compile(loaded.ruleset.as_ref().expect("accepted"));
        let opts = EvalOptions {
            as_of: chrono::Utc::now(),
        };
        let score = |lead: &str| {
            let lead = serde_json::from_str(lead).unwrap();
            program.score(&lead, &opts).unwrap().score
        };
        assert_eq!(
            score(r#"{"events":[{"type":"open"},{"type":"open"}]}"#),
            5.0
        );
        assert_eq!(
            score(r#"{"events":[{"type":"open"},{"type":"click"}]}"#),
            0.0
        );
    }

    #[test]
    fn all_still_rejects_a_let_bound_to_other_lists() {
        let src = "let opens = count(events)\nwhen all(opens) add 5\n";
        let loaded = crate::load_str("t.rules", src, &MemReader::default());
        let codes: Vec<_> = loaded.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["leadscore::type_mismatch"]);
    }
}

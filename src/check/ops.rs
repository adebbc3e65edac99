//! Typing operators: logic, arithmetic, comparisons and the tests.

use super::error::{Expected, Problem, Role};
use super::expr::lit;
use super::lints::Lint;
use super::types::element;
use super::{any, Checker};
use crate::rules::{TExpr, TExprKind, Type};
use crate::syntax::ast::{ArithOp, CmpOp, Expr, ExprKind, StrOp};

type B = Box<TExpr>;

impl Checker<'_> {
    /// `e` stands where only a literal `expected` may (`role` says where):
    /// types `e` for its own problems, reports the mismatch, and gives `any`.
    pub(super) fn not_the_literal(&mut self, e: &Expr, expected: Expected, role: Role) -> TExpr {
        let found = self.expr(e).ty;
        self.report(Problem::TypeMismatch {
            span: e.span,
            expected,
            found,
            role,
        });
        any(e.span)
    }

    /// `x is present` / `x is missing`.
    pub(super) fn presence(&mut self, x: &Expr, present: bool) -> TExprKind {
        TExprKind::IsPresent(Box::new(self.expr(x)), present)
    }

    /// `not x`.
    pub(super) fn not(&mut self, x: &Expr) -> TExprKind {
        TExprKind::Not(self.cond(x))
    }

    /// The operands of `and` / `or`.
    pub(super) fn conds(&mut self, xs: &[Expr]) -> Vec<TExpr> {
        xs.iter().map(|x| *self.cond(x)).collect()
    }

    /// An operand that must be a condition.
    fn cond(&mut self, e: &Expr) -> B {
        Box::new(self.expect(e, &Type::Bool, Role::Condition))
    }

    pub(super) fn neg(&mut self, x: &Expr, e: &Expr) -> TExpr {
        let x = self.expect(x, &Type::Number, Role::Arithmetic);
        let ty = if x.ty == Type::Int {
            Type::Int
        } else {
            Type::Number
        };
        lit(TExprKind::Neg(Box::new(x)), ty, e.span)
    }

    pub(super) fn arith(&mut self, op: ArithOp, a: &Expr, b: &Expr, e: &Expr) -> TExpr {
        let a = self.expect(a, &Type::Number, Role::Arithmetic);
        let b = self.expect(b, &Type::Number, Role::Arithmetic);
        let int = a.ty == Type::Int && b.ty == Type::Int && op != ArithOp::Div;
        let ty = if int { Type::Int } else { Type::Number };
        lit(TExprKind::Arith(op, Box::new(a), Box::new(b)), ty, e.span)
    }

    pub(super) fn compare(&mut self, op: CmpOp, a: &Expr, b: &Expr) -> TExprKind {
        let (mut l, mut r) = self.operands(a, b);
        let (lt, rt) = (l.ty.clone(), r.ty.clone());
        self.quoted_date(&mut l, &rt);
        self.quoted_date(&mut r, &lt);
        if matches!(op, CmpOp::Eq | CmpOp::Ne) {
            self.list_equality(op, &l, &r);
            self.same_type(&mut l, &mut r);
        } else {
            self.ordered(&mut [&mut l, &mut r]);
        }
        TExprKind::Compare(op, Box::new(l), Box::new(r))
    }

    /// Without a schema, `field == [..]` makes the field a list: almost
    /// always `in` was meant, so it is a lint.
    fn list_equality(&mut self, op: CmpOp, l: &TExpr, r: &TExpr) {
        let field = matches!(l.kind, TExprKind::Field(_)) && l.ty == Type::Any;
        if self.inferring() && field && matches!(r.kind, TExprKind::List(_)) {
            let (span, negated) = (l.span.to(r.span), op == CmpOp::Ne);
            self.lints.push(Lint::ListEquality { span, negated });
        }
    }

    /// Both sides of a comparison; beside a label, a bare word is one of
    /// the label's values (`tier == hot`, `hot == tier`).
    fn operands(&mut self, a: &Expr, b: &Expr) -> (TExpr, TExpr) {
        if let Some(i) = self.label_named(a) {
            let l = self.expr(a);
            return (l, self.label_operand(i, b));
        }
        if let Some(i) = self.label_named(b) {
            let l = self.label_operand(i, a);
            return (l, self.expr(b));
        }
        (self.expr(a), self.value(b))
    }

    /// The value side of a comparison: a bare word there may be text
    /// without quotes (see `uses`).
    fn value(&mut self, e: &Expr) -> TExpr {
        self.value_side = matches!(&e.kind, ExprKind::Path(segs) if segs.len() == 1);
        let t = self.expr(e);
        self.value_side = false;
        t
    }

    /// A string that looks like a date, compared with a value that is not
    /// text, was meant as a date: reports it and takes it out of type checking.
    fn quoted_date(&mut self, t: &mut TExpr, other: &Type) {
        let TExprKind::String(s) = &t.kind else {
            return;
        };
        if *other == Type::String || !crate::datetime::looks_like_date(s) {
            return;
        }
        self.report(Problem::QuotedDate {
            span: t.span,
            text: s.clone(),
        });
        t.ty = Type::Any;
    }

    /// `==`/`!=`: the side whose type is known decides.
    fn same_type(&mut self, l: &mut TExpr, r: &mut TExpr) {
        if l.ty == Type::Any && r.ty != Type::Any {
            let want = r.ty.clone();
            self.constrain(l, &want, Role::Compared);
        } else {
            let want = l.ty.clone();
            self.constrain(r, &want, Role::Compared);
        }
    }

    /// `<`, `between`: numbers, or datetimes when one side is a datetime.
    fn ordered(&mut self, xs: &mut [&mut TExpr]) {
        let dt = xs.iter().any(|x| x.ty == Type::Datetime);
        let want = if dt { Type::Datetime } else { Type::Number };
        for x in xs.iter_mut() {
            self.constrain(x, &want, Role::Compared);
        }
    }

    pub(super) fn between(&mut self, v: &Expr, lo: &Expr, hi: &Expr) -> TExprKind {
        let mut v = self.expr(v);
        let mut lo = self.expr(lo);
        let mut hi = self.expr(hi);
        let vt = v.ty.clone();
        self.quoted_date(&mut lo, &vt);
        self.quoted_date(&mut hi, &vt);
        self.ordered(&mut [&mut v, &mut lo, &mut hi]);
        TExprKind::Between(Box::new(v), Box::new(lo), Box::new(hi))
    }

    /// `x in LIST`: `x` has the list's element type.
    pub(super) fn member(&mut self, value: &Expr, list: &Expr, negated: bool) -> TExprKind {
        let mut v = self.expr(value);
        let mut l = self.expr(list);
        if let (Some(i), ExprKind::List(items)) = (self.label_named(value), &list.kind) {
            for item in items {
                if let ExprKind::String(word) = &item.kind {
                    self.label_value(i, word, item.span, false);
                }
            }
        }
        let any_list = Type::List(Box::new(Type::Any));
        if self.constrain(&mut l, &any_list, Role::InList) {
            self.element_of(&mut v, &mut l, Role::Compared);
        }
        let (value, list) = (Box::new(v), Box::new(l));
        TExprKind::In {
            value,
            list,
            negated,
        }
    }

    /// Makes `v` the element type of the list `l` (whichever is known decides).
    fn element_of(&mut self, v: &mut TExpr, l: &mut TExpr, role: Role) {
        let elem = element(&l.ty);
        if elem == Type::Any && v.ty != Type::Any {
            let want = Type::List(Box::new(v.ty.clone()));
            self.constrain(l, &want, Role::InList);
        } else {
            self.constrain(v, &elem, role);
        }
    }

    /// `contains`, `starts with`, `ends with`, with or without `any`.
    pub(super) fn str_test(
        &mut self,
        op: StrOp,
        any: bool,
        value: &Expr,
        needle: &Expr,
    ) -> TExprKind {
        let mut v = self.expr(value);
        let mut n = if any {
            self.expr(needle)
        } else {
            self.value(needle)
        };
        let membership = op == StrOp::Contains && matches!(v.ty, Type::List(_));
        if membership && !any {
            self.element_of(&mut n, &mut v, Role::Needle(op));
            let (value, list) = (Box::new(n), Box::new(v));
            return TExprKind::In {
                value,
                list,
                negated: false,
            };
        }
        if membership {
            let want = v.ty.clone();
            self.constrain(&mut n, &want, Role::Needle(op));
            return TExprKind::Overlaps(Box::new(v), Box::new(n));
        }
        self.constrain(&mut v, &Type::String, Role::Tested(op));
        let want = if any {
            Type::List(Box::new(Type::String))
        } else {
            Type::String
        };
        self.constrain(&mut n, &want, Role::Needle(op));
        let (value, needle) = (Box::new(v), Box::new(n));
        TExprKind::StrTest {
            op,
            any,
            value,
            needle,
        }
    }

    pub(super) fn matches(&mut self, v: &Expr, re: &Expr) -> TExprKind {
        let v = self.expect(v, &Type::String, Role::Matches);
        match self.regex_literal(re) {
            Some(re) => TExprKind::Matches(Box::new(v), re),
            None => any(re.span).kind,
        }
    }
}

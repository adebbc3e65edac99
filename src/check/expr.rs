//! Typing expressions: the dispatcher, expectations, projection and `where`.

use super::error::{Expected, Literal, Problem, Role};
use super::types::{element, field_names, list_of_records, peel, project, unify, wrap};
use super::{any, Checker, ElemScope};
use crate::rules::{TExpr, TExprKind, Type};
use crate::syntax::ast::{Expr, ExprKind, Ident, Span};

impl Checker<'_> {
    /// Types an expression with no expectation from its position.
    pub(super) fn expr(&mut self, e: &Expr) -> TExpr {
        let span = e.span;
        let kind = match &e.kind {
            ExprKind::Number(n) => return lit(TExprKind::Number(*n), Type::Number, span),
            ExprKind::String(s) => return lit(TExprKind::String(s.clone()), Type::String, span),
            ExprKind::Bool(b) => return lit(TExprKind::Bool(*b), Type::Bool, span),
            ExprKind::List(items) => return self.list(items, span),
            ExprKind::Regex { .. } => return self.misplaced(Literal::Regex, span),
            ExprKind::Duration { .. } => return self.misplaced(Literal::Duration, span),
            ExprKind::Datetime(text) => {
                return match crate::datetime::parse(text) {
                    Ok(t) => lit(TExprKind::Datetime(t), Type::Datetime, span),
                    Err(_) => any(span),
                }
            }
            ExprKind::Path(segs) => return self.path(segs, span),
            ExprKind::Field(base, name) => {
                let base = self.expr(base);
                return self.project_one(base, name);
            }
            ExprKind::Where(coll, cond) => return self.filter(coll, cond, span),
            ExprKind::Call(name, args) => return self.call(name, args, span),
            ExprKind::Decay(t, rate) => return self.decay(t, rate, span),
            ExprKind::Distinct(v, of) => return self.distinct(v, of.as_deref(), span),
            ExprKind::Cap(_) => return self.misplaced_cap(span),
            ExprKind::Neg(x) => return self.neg(x, e),
            ExprKind::Arith(op, a, b) => return self.arith(*op, a, b, e),
            ExprKind::Not(x) => self.not(x),
            ExprKind::And(xs) => TExprKind::And(self.conds(xs)),
            ExprKind::Or(xs) => TExprKind::Or(self.conds(xs)),
            ExprKind::Compare(op, a, b) => self.compare(*op, a, b),
            ExprKind::Between(v, lo, hi) => self.between(v, lo, hi),
            ExprKind::In {
                value,
                list,
                negated,
            } => self.member(value, list, *negated),
            ExprKind::StrTest {
                op,
                any,
                value,
                needle,
            } => self.str_test(*op, *any, value, needle),
            ExprKind::Matches(v, re) => self.matches(v, re),
            ExprKind::Within(t, d) => self.within(t, d),
            ExprKind::IsPresent(x, present) => self.presence(x, *present),
        };
        lit(kind, Type::Bool, span)
    }

    /// Types `e` and requires it to fit `want`.
    pub(super) fn expect(&mut self, e: &Expr, want: &Type, role: Role) -> TExpr {
        let mut t = self.expr(e);
        self.constrain(&mut t, want, role);
        t
    }

    /// Requires `t` to fit `want`; without a schema this is where field types
    /// are learnt. On a clash it reports, sets `t`'s type to `Any` and returns `false`.
    pub(super) fn constrain(&mut self, t: &mut TExpr, want: &Type, role: Role) -> bool {
        let origin = self.origin(t);
        let Some(merged) = unify(&t.ty, want) else {
            self.clash(t, want, role, origin.is_some());
            t.ty = Type::Any;
            return false;
        };
        let Some(o) = origin else {
            return true;
        };
        // `t` lies inside the lists above its field (`depth`) less the
        // layers taken off (`strip`); an element picked out of the field's
        // own list (`first(tags)`) takes off one layer more than that.
        let depth = self.origin_projection(&o).depth;
        let leaf = match depth.checked_sub(o.strip) {
            Some(d) => peel(&merged, d),
            None => wrap(merged, o.strip - depth),
        };
        if let Err(c) = self.infer.record(&o.loc, &leaf, t.span) {
            self.report(Problem::InconsistentField {
                span: t.span,
                path: o.loc[..c.at].join("."),
                found: leaf,
                earlier: c.earlier,
                earlier_span: c.span,
            });
            t.ty = Type::Any;
            return false;
        }
        t.ty = self.origin_type(&o);
        true
    }

    /// Reports that `t` does not fit `want`.
    fn clash(&mut self, t: &TExpr, want: &Type, role: Role, inferred: bool) {
        let o = self.origin(t).filter(|_| inferred);
        let earlier = o.and_then(|o| Some((self.infer.first_use(&o.loc)?, o)));
        let p = match earlier {
            Some((e, o)) => Problem::InconsistentField {
                span: t.span,
                earlier_span: Some(e),
                path: o.loc.join("."),
                found: want.clone(),
                earlier: t.ty.clone(),
            },
            None => Problem::TypeMismatch {
                span: t.span,
                expected: Expected::Type(want.clone()),
                found: t.ty.clone(),
                role,
            },
        };
        self.report(p);
    }

    /// A list literal: its element type is the elements' common type, or `Any`.
    fn list(&mut self, items: &[Expr], span: Span) -> TExpr {
        let elems: Vec<TExpr> = items.iter().map(|e| self.expr(e)).collect();
        let mut ty = Some(Type::Any);
        for e in &elems {
            ty = ty.and_then(|t| unify(&t, &e.ty));
        }
        let ty = Type::List(Box::new(ty.unwrap_or(Type::Any)));
        lit(TExprKind::List(elems), ty, span)
    }

    fn misplaced(&mut self, what: Literal, span: Span) -> TExpr {
        self.report(Problem::Misplaced { span, what });
        any(span)
    }

    /// Applies `.a.b` projections in turn.
    pub(super) fn project_rest(&mut self, base: TExpr, segs: &[Ident]) -> TExpr {
        segs.iter().fold(base, |b, seg| self.project_one(b, seg))
    }

    /// `base.name`: a record's field, or each element's field of a list of records.
    pub(super) fn project_one(&mut self, base: TExpr, name: &Ident) -> TExpr {
        let span = base.span.to(name.span);
        let ty = match self.origin(&base) {
            Some(mut o) => {
                o.loc.push(name.node.clone());
                self.touch(&o, span).then(|| self.origin_type(&o))
            }
            None => self.declared_projection(&base, name),
        };
        let kind = TExprKind::Project(Box::new(base), name.node.clone());
        TExpr {
            kind,
            ty: ty.unwrap_or(Type::Any),
            span,
        }
    }

    /// The type of `base.name` from `base`'s known type; reports when there is none.
    fn declared_projection(&mut self, base: &TExpr, name: &Ident) -> Option<Type> {
        if let Some(p) = project(&base.ty, &name.node) {
            return Some(p.ty);
        }
        let fields = field_names(&base.ty);
        if fields.is_empty() {
            self.report(Problem::TypeMismatch {
                span: base.span,
                expected: Expected::Type(Type::Record(Default::default())),
                found: base.ty.clone(),
                role: Role::Projected,
            });
            return None;
        }
        let suggestion =
            super::suggest::did_you_mean(&name.node, fields.iter().map(String::as_str));
        self.report(Problem::UnknownField {
            span: name.span,
            name: name.node.clone(),
            parent: String::new(),
            suggestion: suggestion.map(String::from),
        });
        None
    }

    /// `coll where cond`.
    fn filter(&mut self, coll: &Expr, cond: &Expr, span: Span) -> TExpr {
        let mut coll = self.expr(coll);
        let ok = self.constrain(&mut coll, &list_of_records(), Role::Filtered);
        let origin = self.origin(&coll);
        let ty = if ok { element(&coll.ty) } else { Type::Any };
        self.scopes.push(ElemScope {
            ty,
            origin: origin.clone(),
        });
        let cond = self.expect(cond, &Type::Bool, Role::Condition);
        self.scopes.pop();
        let ty = match origin {
            Some(o) => self.origin_type(&o),
            None => coll.ty.clone(),
        };
        let kind = TExprKind::Where(Box::new(coll), Box::new(cond));
        TExpr { kind, ty, span }
    }
}

/// A literal expression.
pub(super) fn lit(kind: TExprKind, ty: Type, span: Span) -> TExpr {
    TExpr { kind, ty, span }
}

//! Typing frequency caps: `count(C, at most N per day)` and
//! `sum(C, AMOUNT, at most N per week of sent_at)`.

use super::error::{Builtin, CapFault, Problem, Role};
use super::expr::lit;
use super::suggest::did_you_mean;
use super::types::{element, list_of_records};
use super::{any, Checker, ElemScope};
use crate::rules::{Cap, CapPeriod, TExpr, TExprKind, Type};
use crate::syntax::ast::{self, Expr, ExprKind, Ident, Span};

/// The field a cap places elements by when it names none.
const DEFAULT_FIELD: &str = "at";

impl Checker<'_> {
    /// A call whose last argument is a cap: `count(C, CAP)` or
    /// `sum(C, AMOUNT, CAP)`; `None` when the last argument is no cap. A
    /// cap last in any other call is reported (and the call given `Any`).
    pub(super) fn capped_call(
        &mut self,
        func: Builtin,
        args: &[Expr],
        span: Span,
    ) -> Option<TExpr> {
        let (cap, rest) = match args.split_last() {
            Some((
                Expr {
                    kind: ExprKind::Cap(cap),
                    span: cap_span,
                },
                rest,
            )) => ((cap, *cap_span), rest),
            _ => return None,
        };
        match (func, rest) {
            (Builtin::Count, [coll]) => Some(self.capped(coll, None, cap, span)),
            (Builtin::Sum, [coll, amount]) => Some(self.capped(coll, Some(amount), cap, span)),
            _ => {
                self.misplaced_cap(cap.1);
                rest.iter().for_each(|a| drop(self.expr(a)));
                Some(any(span))
            }
        }
    }

    /// A cap where no cap belongs.
    pub(super) fn misplaced_cap(&mut self, span: Span) -> TExpr {
        self.report(Problem::BadCap {
            span,
            fault: CapFault::Misplaced,
        });
        any(span)
    }

    fn capped(
        &mut self,
        coll: &Expr,
        amount: Option<&Expr>,
        cap: (&ast::Cap, Span),
        span: Span,
    ) -> TExpr {
        let role = Role::Argument(match amount {
            Some(_) => Builtin::Sum,
            None => Builtin::Count,
        });
        let limits = self.cap_limits(cap.0);
        let mut coll = self.expr(coll);
        let ok = self.constrain(&mut coll, &list_of_records(), role);
        let ty = if ok { element(&coll.ty) } else { Type::Any };
        let origin = self.origin(&coll);
        self.scopes.push(ElemScope {
            ty: ty.clone(),
            origin,
        });
        let by = match &cap.0.of {
            Some(field) => self.expect(field, &Type::Datetime, role),
            None => self.default_by(&ty, &cap.0.per.node, cap.1, role),
        };
        let amount = amount.map(|a| Box::new(self.expect(a, &Type::Number, role)));
        self.scopes.pop();
        let Some(cap) = limits else {
            return any(span);
        };
        let kind = TExprKind::Capped {
            coll: Box::new(coll),
            by: Box::new(by),
            amount,
            cap,
        };
        lit(kind, Type::Number, span)
    }

    /// The element's `at`, when no `of FIELD` names the datetime; with a
    /// schema whose elements have no `at`, an error listing the datetime
    /// fields they do have.
    fn default_by(&mut self, elem: &Type, per: &str, span: Span, role: Role) -> TExpr {
        if let (false, Type::Record(fields)) = (self.inferring(), elem) {
            if !fields.contains_key(DEFAULT_FIELD) {
                let times = fields
                    .iter()
                    .filter(|(_, f)| f.ty == Type::Datetime)
                    .map(|(name, _)| crate::syntax::name_text(name))
                    .collect();
                let per = per.to_string();
                self.report(Problem::BadCap {
                    span,
                    fault: CapFault::NoAt(per, times),
                });
                return any(span);
            }
        }
        let at = Ident {
            node: DEFAULT_FIELD.to_string(),
            span,
        };
        let path = Expr {
            kind: ExprKind::Path(vec![at]),
            span,
        };
        self.expect(&path, &Type::Datetime, role)
    }

    /// The count and period of a cap, reporting what is wrong with them.
    fn cap_limits(&mut self, cap: &ast::Cap) -> Option<Cap> {
        let per = self.cap_period(&cap.per);
        let n = cap.most.node;
        let fault = match n {
            n if n < 1.0 => Some(CapFault::NotPositive(n)),
            n if n.fract() != 0.0 => Some(CapFault::Fraction(n)),
            n if n > f64::from(u32::MAX) => Some(CapFault::TooLarge(n)),
            _ => None,
        };
        if let Some(fault) = fault {
            let span = cap.most.span;
            self.report(Problem::BadCap { span, fault });
            return None;
        }
        Some(Cap {
            most: n as u32,
            per: per?,
        })
    }

    /// `day`, `week` or `month`; anything else is reported with the closest.
    fn cap_period(&mut self, word: &Ident) -> Option<CapPeriod> {
        if let Some(p) = CapPeriod::ALL.into_iter().find(|p| p.word() == word.node) {
            return Some(p);
        }
        let words = CapPeriod::ALL.map(CapPeriod::word);
        let singular = word.node.strip_suffix('s').unwrap_or(&word.node);
        let suggestion = did_you_mean(singular, words);
        self.report(Problem::BadCap {
            span: word.span,
            fault: CapFault::Period {
                word: word.node.clone(),
                suggestion,
            },
        });
        None
    }
}

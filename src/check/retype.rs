//! After the walk, without a schema: field types learnt late (by a later
//! rule) are written back into every expression, so each field reference,
//! projection and filter carries the field's final inferred type.

use super::{Checker, ElemScope};
use crate::rules::{Ruleset, TExpr, TExprKind, Type};

impl Checker<'_> {
    /// Updates field types in `rs` from the final inferred lead type.
    pub(super) fn retype(&mut self, rs: &mut Ruleset) {
        if !self.inferring() {
            return;
        }
        for l in &mut rs.lets {
            self.retype_expr(&mut l.value);
        }
        for r in &mut rs.rules {
            r.when.iter_mut().for_each(|w| self.retype_expr(w));
            self.retype_expr(&mut r.points);
        }
        for arm in rs.labels.iter_mut().flat_map(|l| l.arms.iter_mut()) {
            arm.when.iter_mut().for_each(|w| self.retype_expr(w));
        }
    }

    fn retype_expr(&mut self, e: &mut TExpr) {
        if let TExprKind::Where(coll, cond) = &mut e.kind {
            self.retype_expr(coll);
            let origin = self.origin(coll);
            self.scopes.push(ElemScope {
                ty: Type::Any,
                origin,
            });
            self.retype_expr(cond);
            self.scopes.pop();
        } else {
            for child in children(&mut e.kind) {
                self.retype_expr(child);
            }
        }
        let located = matches!(
            e.kind,
            TExprKind::Field(_) | TExprKind::Project(..) | TExprKind::Where(..)
        );
        if let Some(o) = self.origin(e).filter(|_| located) {
            e.ty = self.origin_type(&o);
        }
    }
}

/// The direct subexpressions of an expression (a `where`'s are handled by the caller).
fn children(kind: &mut TExprKind) -> Vec<&mut TExpr> {
    use TExprKind as K;
    match kind {
        K::List(xs) | K::Call(_, xs) | K::And(xs) | K::Or(xs) => xs.iter_mut().collect(),
        K::Project(x, _) | K::Neg(x) | K::Not(x) | K::IsPresent(x, _) => vec![&mut **x],
        K::Where(a, b)
        | K::Arith(_, a, b)
        | K::Compare(_, a, b)
        | K::Matches(a, b)
        | K::Within(a, b) => {
            vec![&mut **a, &mut **b]
        }
        K::In { value, list, .. } => vec![&mut **value, &mut **list],
        K::StrTest { value, needle, .. } => vec![&mut **value, &mut **needle],
        K::Between(a, b, c) => vec![&mut **a, &mut **b, &mut **c],
        K::Number(_)
        | K::String(_)
        | K::Bool(_)
        | K::Regex(_)
        | K::Duration(_)
        | K::Field(_)
        | K::Let(_)
        | K::Score
        | K::GroupTotal(_)
        | K::Label(_) => Vec::new(),
    }
}

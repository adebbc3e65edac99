//! After the walk, without a schema: field types learnt late (by a later
//! rule) are written back into every expression, so each field reference,
//! projection and filter carries the field's final inferred type.

use super::calls::quantify;
use super::{Checker, ElemScope};
use crate::rules::{Quant, Ruleset, TExpr, TExprKind, Type};

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
        let scoped = e.scopes_later_children();
        let mut kids = e.children_mut().into_iter();
        if scoped {
            let coll = kids.next().expect("a collection");
            self.retype_expr(coll);
            let origin = self.origin(coll);
            self.scopes.push(ElemScope {
                ty: Type::Any,
                origin,
            });
            kids.for_each(|k| self.retype_expr(k));
            self.scopes.pop();
        } else {
            kids.for_each(|k| self.retype_expr(k));
        }
        let located = matches!(
            e.kind,
            TExprKind::Field(_) | TExprKind::Project(..) | TExprKind::Where(..)
        );
        if let Some(o) = self.origin(e).filter(|_| located) {
            e.ty = self.origin_type(&o);
        }
        requantify(&mut e.kind);
    }
}

/// `any` / `none` whose list turned out to be a `list<bool>` once every
/// type was known: decided again (see `calls::quantify`).
fn requantify(kind: &mut TExprKind) {
    let (q, arg) = match kind {
        TExprKind::NonEmpty(arg, true) => (Quant::Any, arg),
        TExprKind::NonEmpty(arg, false) => (Quant::None, arg),
        _ => return,
    };
    let span = arg.span;
    let arg = std::mem::replace(&mut **arg, super::any(span));
    *kind = quantify(q, arg);
}

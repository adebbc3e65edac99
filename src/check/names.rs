//! What a name means. In order: a `let` defined above; inside `where`, a
//! field of the element; in a label condition, `score` or a group total;
//! otherwise a field of the lead. `lead.x` always reaches the lead's field.

use super::error::{Problem, Total};
use super::suggest::did_you_mean;
use super::types::{field_names, flat, follow, peel, project, wrap, Projection};
use super::{any, Checker, Origin};
use crate::rules::{FieldRef, Scope, Source, TExpr, TExprKind, Type};
use crate::syntax::ast::{Expr, ExprKind, Ident, Span};

impl<'a> Checker<'a> {
    /// Resolves a dotted path.
    pub(super) fn path(&mut self, segs: &[Ident], span: Span) -> TExpr {
        let value = std::mem::take(&mut self.value_side) && segs.len() == 1;
        let first = &segs[0];
        if first.node == "lead" && segs.len() > 1 {
            return self.lead_field(&segs[1..], span, true, false);
        }
        if let Some(&i) = self.let_index.get(&first.node) {
            return self.let_path(i, segs);
        }
        if let Some(&def) = self.let_defs.get(&first.node) {
            let p = self.let_too_early(first, def);
            self.report(p);
            return any(span);
        }
        if self.broken_lets.contains(&first.node) {
            return any(span);
        }
        if !self.scopes.is_empty() {
            return self.element_field(segs, span, value);
        }
        if let Some(total) = self.total(first) {
            return self.project_rest(total, &segs[1..]);
        }
        self.lead_field(segs, span, false, value)
    }

    /// A `let` used above its definition, and whether moving the `let` up
    /// would help: not when it reads the item that uses it (a circle), only
    /// together with the `let`s it reads that are not defined yet, and not
    /// silently when the name is also a field this place could mean.
    fn let_too_early(&self, name: &Ident, def: Span) -> Problem {
        let itself = self.defining.as_deref() == Some(name.node.as_str());
        let needs = self.undefined_reads(&name.node);
        let circle = self
            .defining
            .clone()
            .filter(|d| !itself && needs.contains(d));
        let also = needs.into_iter().filter(|n| *n != name.node).collect();
        let field = self
            .schema
            .as_ref()
            .is_some_and(|s| project(s, &name.node).is_some());
        Problem::LetUsedTooEarly {
            span: name.span,
            name: name.node.clone(),
            def,
            itself,
            circle,
            also,
            field,
        }
    }

    /// The `let`s not defined yet that the `let` `name` reads, directly or
    /// through others, in definition order.
    fn undefined_reads(&self, name: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut todo = vec![name.to_string()];
        while let Some(n) = todo.pop() {
            for r in self.let_reads.get(&n).into_iter().flatten() {
                let pending = self.let_defs.contains_key(r) && !self.let_index.contains_key(r);
                if pending && !out.contains(r) {
                    out.push(r.clone());
                    todo.push(r.clone());
                }
            }
        }
        out.sort_by_key(|n| self.let_defs.get(n).map(|s| (s.file, s.start)));
        out
    }

    /// `let` name, then any `.field` projections.
    fn let_path(&mut self, i: usize, segs: &[Ident]) -> TExpr {
        let base = TExpr {
            kind: TExprKind::Let(i),
            ty: self.lets[i].value.ty.clone(),
            span: segs[0].span,
        };
        self.project_rest(base, &segs[1..])
    }

    /// `score`, a group name or a label name: a total or an earlier label's
    /// value in labels, an error in rules (unless a schema declares a lead
    /// field of that name).
    fn total(&mut self, name: &Ident) -> Option<TExpr> {
        let what = self.total_kind(&name.node)?;
        if self.in_label {
            let kind = match what {
                Total::Score => TExprKind::Score,
                Total::Group => TExprKind::GroupTotal(self.groups[&name.node]),
                Total::Label => return Some(self.label_ref(name)),
            };
            return Some(TExpr {
                kind,
                ty: Type::Number,
                span: name.span,
            });
        }
        if self
            .schema
            .as_ref()
            .is_some_and(|s| project(s, &name.node).is_some())
        {
            return None;
        }
        self.report(Problem::TotalInRule {
            span: name.span,
            name: name.node.clone(),
            what,
        });
        Some(any(name.span))
    }

    /// What `name` names among the outputs, if anything.
    fn total_kind(&self, name: &str) -> Option<Total> {
        if name == "score" {
            Some(Total::Score)
        } else if self.groups.contains_key(name) {
            Some(Total::Group)
        } else if self.labels.contains_key(name) {
            Some(Total::Label)
        } else {
            None
        }
    }

    /// A label read in a label condition: only labels above the one being
    /// checked have a value yet.
    pub(super) fn label_ref(&mut self, name: &Ident) -> TExpr {
        let info = &self.labels[&name.node];
        if info.index >= self.label_now {
            let (def, itself) = (info.span, info.index == self.label_now);
            let reader = self.labels.iter().find(|(_, l)| l.index == self.label_now);
            let circle = reader
                .map(|(r, _)| r.clone())
                .filter(|r| !itself && info.reads.contains(r));
            self.report(Problem::LabelTooEarly {
                span: name.span,
                name: name.node.clone(),
                def,
                itself,
                circle,
            });
            return any(name.span);
        }
        TExpr {
            kind: TExprKind::Label(info.index),
            ty: Type::String,
            span: name.span,
        }
    }

    /// The label `e` names, when it is a bare name that resolves to a label
    /// in this label condition (defined yet or not).
    pub(super) fn label_named(&self, e: &Expr) -> Option<usize> {
        let ExprKind::Path(segs) = &e.kind else {
            return None;
        };
        let [name] = segs.as_slice() else {
            return None;
        };
        let shadowed = self.let_defs.contains_key(&name.node) || !self.scopes.is_empty();
        // In a rule a label is an error (`total_in_rule`); its values are still
        // its values, unless a schema field of that name is meant.
        let field = self
            .schema
            .as_ref()
            .is_some_and(|s| project(s, &name.node).is_some());
        if shadowed || (!self.in_label && field) {
            return None;
        }
        self.labels.get(&name.node).map(|l| l.index)
    }

    /// The other side of a comparison with the label `label`: a bare word
    /// is one of the label's values (`tier == hot`); a quoted one must be one too.
    pub(super) fn label_operand(&mut self, label: usize, e: &Expr) -> TExpr {
        let word = match &e.kind {
            ExprKind::Path(segs)
                if segs.len() == 1 && !self.let_defs.contains_key(&segs[0].node) =>
            {
                Some((segs[0].node.clone(), true))
            }
            ExprKind::String(s) => Some((s.clone(), false)),
            _ => None,
        };
        let Some((word, bare)) = word else {
            return self.expr(e);
        };
        self.label_value(label, &word, e.span, bare);
        TExpr {
            kind: TExprKind::String(word),
            ty: Type::String,
            span: e.span,
        }
    }

    /// Reports `word` when the label `label` can never take it.
    pub(super) fn label_value(&mut self, label: usize, word: &str, span: Span, bare: bool) {
        let Some((name, info)) = self.labels.iter().find(|(_, l)| l.index == label) else {
            return;
        };
        let low = word.to_lowercase();
        if info.values.iter().any(|v| v.to_lowercase() == low) {
            return;
        }
        let suggestion =
            did_you_mean(word, info.values.iter().map(String::as_str)).map(String::from);
        let p = Problem::NotALabelValue {
            span,
            label: name.clone(),
            value: word.to_string(),
            values: info.values.clone(),
            suggestion,
            bare,
        };
        self.report(p);
    }

    /// A field of the lead; `explicit` when written `lead.x`, `value` when a
    /// bare word on the value side of a comparison.
    fn lead_field(&mut self, segs: &[Ident], span: Span, explicit: bool, value: bool) -> TExpr {
        if !explicit && segs.len() == 1 && self.inferring() && self.looks_like_let(&segs[0]) {
            return any(span);
        }
        let field = |optional| FieldRef {
            scope: Scope::Lead,
            path: segs.iter().map(|s| s.node.clone()).collect(),
            optional,
        };
        if self.inferring() {
            let origin = Origin {
                loc: field(true).path,
                strip: 0,
            };
            return self.inferred_field(field(true), origin, span, value);
        }
        if value && self.text_meant(Checker::lead_type, &segs[0]) {
            return any(span);
        }
        match self.resolve(Checker::lead_type, segs, !explicit) {
            Some((ty, optional)) => field_expr(field(optional), ty, span),
            None => any(span),
        }
    }

    /// A field of the innermost `where` element (`value`: see [`Self::lead_field`]).
    fn element_field(&mut self, segs: &[Ident], span: Span, value: bool) -> TExpr {
        let field = |optional| FieldRef {
            scope: Scope::Element(0),
            path: segs.iter().map(|s| s.node.clone()).collect(),
            optional,
        };
        let scope = self.scopes.last().expect("inside a where");
        if let (true, Some(o)) = (self.inferring(), scope.origin.clone()) {
            let mut loc = o.loc;
            loc.extend(segs.iter().map(|s| s.node.clone()));
            let origin = Origin {
                loc,
                strip: o.strip + 1,
            };
            return self.inferred_field(field(true), origin, span, value);
        }
        if value && self.text_meant(element_type, &segs[0]) {
            return any(span);
        }
        match self.resolve(element_type, segs, true) {
            Some((ty, optional)) => field_expr(field(optional), ty, span),
            None => any(span),
        }
    }

    /// The type of the field `segs` under the type `start` picks out of the
    /// checker, and whether it may be missing; `None` once an unknown field
    /// is reported. Only that error path copies the starting type.
    pub(super) fn resolve(
        &mut self,
        start: for<'c> fn(&'c Checker<'a>) -> &'c Type,
        segs: &[Ident],
        lets_too: bool,
    ) -> Option<(Type, bool)> {
        let names: Vec<&str> = segs.iter().map(|s| s.node.as_str()).collect();
        if let Ok((ty, depth, optional)) = follow(start(self), &names) {
            return Some((flat(ty.clone(), depth), optional));
        }
        let ty = start(self).clone();
        self.walk(&ty, segs, lets_too);
        None
    }

    /// With a schema: a bare word on the value side of a comparison that is
    /// no field, and not a typo of one, was meant as text; reports it.
    fn text_meant(&mut self, start: for<'c> fn(&'c Checker<'a>) -> &'c Type, word: &Ident) -> bool {
        let ty = start(self);
        if project(ty, &word.node).is_some() {
            return false;
        }
        let fields = field_names(ty);
        if did_you_mean(&word.node, fields.iter().map(String::as_str)).is_some() {
            return false;
        }
        self.report(Problem::BareWord {
            span: word.span,
            word: word.node.clone(),
            schema: true,
        });
        true
    }

    /// A field whose type is inferred: make sure it exists, read its type,
    /// and remember the read (`value`: see [`Self::lead_field`]).
    fn inferred_field(
        &mut self,
        field: FieldRef,
        origin: Origin,
        span: Span,
        value: bool,
    ) -> TExpr {
        if !self.touch(&origin, span) {
            return any(span);
        }
        self.uses.push(super::uses::FieldUse {
            loc: origin.loc.clone(),
            span,
            value_side: value,
        });
        let ty = self.origin_type(&origin);
        field_expr(field, ty, span)
    }

    /// Makes sure the inferred location exists; reports when an earlier use
    /// gave a prefix of it a type that has no fields.
    pub(super) fn touch(&mut self, origin: &Origin, span: Span) -> bool {
        let Err(c) = self.infer.touch(&origin.loc) else {
            return true;
        };
        self.report(Problem::InconsistentField {
            span,
            path: origin.loc[..c.at].join("."),
            found: Type::Record(Default::default()),
            earlier: c.earlier,
            earlier_span: c.span,
        });
        false
    }

    /// Projects `segs` out of `start` (a declared type); reports the first unknown segment.
    fn walk(&mut self, start: &Type, segs: &[Ident], lets_too: bool) -> Option<Projection> {
        let mut acc = Projection {
            ty: start.clone(),
            optional: false,
            depth: 0,
        };
        for (i, seg) in segs.iter().enumerate() {
            let Some(p) = project(&acc.ty, &seg.node) else {
                self.unknown_field(&acc.ty, segs, i, lets_too && i == 0);
                return None;
            };
            acc = Projection {
                optional: acc.optional || p.optional,
                ..p
            };
        }
        Some(acc)
    }

    /// Reports `segs[i]` as not a field of `ty`.
    fn unknown_field(&mut self, ty: &Type, segs: &[Ident], i: usize, lets_too: bool) {
        let seg = &segs[i];
        if let Some(p) = (i == 0).then(|| self.other_side(seg)).flatten() {
            self.report(p);
            return;
        }
        let fields = field_names(ty);
        let mut cands: Vec<&str> = fields.iter().map(String::as_str).collect();
        if lets_too {
            cands.extend(self.lets.iter().map(|l| l.name.as_str()));
        }
        let suggestion = did_you_mean(&seg.node, cands).map(String::from);
        let is_let = suggestion
            .as_ref()
            .is_some_and(|s| self.let_index.contains_key(s));
        if lets_too && segs.len() == 1 && is_let {
            self.report(Problem::UndefinedName {
                span: seg.span,
                name: seg.node.clone(),
                suggestion,
                no_schema: false,
            });
            return;
        }
        let parent = segs[..i]
            .iter()
            .map(|s| s.node.as_str())
            .collect::<Vec<_>>()
            .join(".");
        self.report(Problem::UnknownField {
            span: seg.span,
            name: seg.node.clone(),
            parent,
            suggestion,
        });
    }

    /// Without a schema: a bare name that is not a `let` but is close to one
    /// is reported as a misspelt `let` (writing `lead.x` makes it a field).
    fn looks_like_let(&mut self, name: &Ident) -> bool {
        let lets = self.lets.iter().map(|l| l.name.as_str());
        let Some(s) = did_you_mean(&name.node, lets).map(String::from) else {
            return false;
        };
        self.report(Problem::UndefinedName {
            span: name.span,
            name: name.node.clone(),
            suggestion: Some(s),
            no_schema: true,
        });
        true
    }

    /// The current inferred type of the value at `o`.
    pub(super) fn origin_type(&self, o: &Origin) -> Type {
        let p = self.origin_projection(o);
        peel(&p.ty, o.strip)
    }

    /// The inferred lead type projected along `o.loc` (lists included): what
    /// repeated [`project`] calls give, with a missing step giving `Any`.
    /// Walks by reference and copies only the type at the end (copying the
    /// whole lead type per field use made `check` without a schema quadratic
    /// in the number of fields).
    pub(super) fn origin_projection(&self, o: &Origin) -> Projection {
        static ANY: Type = Type::Any;
        // The projection so far is `List^depth(inner)` when `wrapped`, else
        // a bare `Any` left by a step that found no field (depth kept).
        let (mut inner, mut depth, mut optional, mut wrapped) =
            (self.infer.lead_type(), 0, true, true);
        for seg in &o.loc {
            let (mut ty, mut d) = if wrapped { (inner, depth) } else { (&ANY, 0) };
            while let Type::List(elem) = ty {
                ty = elem;
                d += 1;
            }
            let field = match ty {
                Type::Record(fields) => fields.get(seg.as_str()).map(|f| (&f.ty, f.optional)),
                Type::Any => Some((&ANY, true)),
                _ => None,
            };
            (inner, optional, wrapped) = match field {
                Some((ty, opt)) => {
                    depth = d;
                    (ty, opt, true)
                }
                None => (&ANY, true, false),
            };
        }
        let ty = match wrapped {
            true => wrap(inner.clone(), depth),
            false => Type::Any,
        };
        Projection {
            ty,
            optional,
            depth,
        }
    }

    /// Where a typed expression's value lives in the inferred lead type.
    pub(super) fn origin(&self, e: &TExpr) -> Option<Origin> {
        if !self.inferring() {
            return None;
        }
        match e.source() {
            Source::Field(f) => self.field_origin(f),
            Source::Let(i) => self.let_origins[i].clone(),
            Source::Filtered(c) => self.origin(c),
            Source::Member(b, name) => self.origin(b).map(|mut o| {
                o.loc.push(name.to_string());
                o
            }),
            // An element of the list: one list layer fewer.
            Source::Element(list) => self.origin(list).map(|mut o| {
                o.strip += 1;
                o
            }),
            Source::Computed => None,
        }
    }

    fn field_origin(&self, f: &FieldRef) -> Option<Origin> {
        let (mut loc, strip) = match f.scope {
            Scope::Lead => (Vec::new(), 0),
            Scope::Element(k) => {
                let s = self
                    .scopes
                    .get(self.scopes.len().checked_sub(k as usize + 1)?)?;
                let o = s.origin.clone()?;
                (o.loc, o.strip + 1)
            }
        };
        loc.extend(f.path.iter().cloned());
        Some(Origin { loc, strip })
    }
}

/// A field reference expression.
/// The element type of the innermost `where`.
fn element_type<'c>(c: &'c Checker<'_>) -> &'c Type {
    &c.scopes.last().expect("inside a where").ty
}

fn field_expr(field: FieldRef, ty: Type, span: Span) -> TExpr {
    TExpr {
        kind: TExprKind::Field(field),
        ty,
        span,
    }
}

//! The fields a ruleset reads from a lead, found by walking every
//! expression once (used by backends that must name their inputs).

use super::{Ruleset, Scope, Source, TExpr, TExprKind};
use std::collections::BTreeMap;

/// The fields read, as a tree from the lead: each key is a field; below a
/// record, its fields; below a list of records, its elements' fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    /// The fields read below this one, by name.
    pub fields: BTreeMap<String, Reads>,
}

impl Reads {
    /// Marks `path` (and every field on the way) as read.
    fn insert(&mut self, path: &[String]) {
        let mut at = self;
        for seg in path {
            at = at.fields.entry(seg.clone()).or_default();
        }
    }

    /// Every path read down to a leaf, in name order (`["company", "size"]`).
    pub fn leaves(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for (name, below) in &self.fields {
            let deeper = below.leaves();
            if deeper.is_empty() {
                out.push(vec![name.clone()]);
            }
            for mut p in deeper {
                p.insert(0, name.clone());
                out.push(p);
            }
        }
        out
    }
}

/// The walk: enclosing `where` elements' paths and each `let`'s path.
struct Walk {
    reads: Reads,
    scopes: Vec<Option<Vec<String>>>,
    lets: Vec<Option<Vec<String>>>,
}

impl Ruleset {
    /// The fields this ruleset reads from a lead, through `let`s,
    /// projections and `where` elements.
    pub fn fields_read(&self) -> Reads {
        let mut w = Walk {
            reads: Reads::default(),
            scopes: Vec::new(),
            lets: Vec::new(),
        };
        for l in &self.lets {
            w.expr(&l.value);
            let origin = w.origin(&l.value);
            w.lets.push(origin);
        }
        for r in &self.rules {
            r.when.iter().for_each(|e| w.expr(e));
            w.expr(&r.points);
        }
        for arm in self.labels.iter().flat_map(|l| &l.arms) {
            arm.when.iter().for_each(|e| w.expr(e));
        }
        w.reads
    }
}

impl Walk {
    /// The lead path a record or list value comes from, if it is one.
    fn origin(&self, e: &TExpr) -> Option<Vec<String>> {
        match e.source() {
            Source::Field(f) => {
                let mut base = match f.scope {
                    Scope::Lead => Vec::new(),
                    Scope::Element(k) => {
                        let at = self.scopes.len().checked_sub(1 + k as usize)?;
                        self.scopes[at].clone()?
                    }
                };
                base.extend(f.path.iter().cloned());
                Some(base)
            }
            Source::Member(b, name) => {
                let mut base = self.origin(b)?;
                base.push(name.to_string());
                Some(base)
            }
            // A filter's elements and a picked element sit where the list does.
            Source::Filtered(list) | Source::Element(list) => self.origin(list),
            Source::Let(i) => self.lets.get(i).cloned().flatten(),
            Source::Computed => None,
        }
    }

    fn expr(&mut self, e: &TExpr) {
        if matches!(e.kind, TExprKind::Field(_) | TExprKind::Project(..)) {
            if let Some(p) = self.origin(e) {
                self.reads.insert(&p);
            }
        }
        let kids = e.children();
        if !e.scopes_later_children() {
            kids.into_iter().for_each(|k| self.expr(k));
            return;
        }
        self.expr(kids[0]);
        let origin = self.origin(kids[0]);
        self.scopes.push(origin);
        kids[1..].iter().for_each(|k| self.expr(k));
        self.scopes.pop();
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::MemReader;

    #[test]
    fn reads_through_lets_projections_and_elements() {
        let src = "let views = events where type == \"view\" and url contains \"/p\"\n\
                   when count(views) > 1 add 5\n\
                   when company.size > 10 add 1\n\
                   when all(events where at is present) add 1\n\
                   when sum(deals.amount) > 3 add 1\n\
                   when first(orders).total > 1 add 1\n";
        let loaded = crate::load_str("t.rules", src, &MemReader::default());
        let rs = loaded.ruleset.expect("accepted");
        let leaves: Vec<String> = rs
            .fields_read()
            .leaves()
            .into_iter()
            .map(|p| p.join("."))
            .collect();
        assert_eq!(
            leaves,
            [
                "company.size",
                "deals.amount",
                "events.at",
                "events.type",
                "events.url",
                "orders.total"
            ]
        );
    }
}

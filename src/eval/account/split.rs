//! Splitting the account rules at `leads`: a part of an account rule that
//! reads one lead only (the condition of `leads where COND`, the amount of
//! `sum(leads, AMOUNT)`, the value of `count(distinct EXPR of leads)`) is
//! worked out when that lead is scored, and the account keeps its value
//! (a bool, number, text or datetime) instead of the lead's fields.
//!
//! The account rules are rewritten to read that value as a field of the
//! lead's element named `#0`, `#1`, ... (no name a rules file can write),
//! and the part itself, moved to the lead's own scope, is returned to be
//! compiled into the lead program. A part that also reads the account (its
//! fields, its `let`s, its `score`) stays where it is; its own lead-only
//! parts are still split off.

use crate::rules::AccountDef;
use crate::rules::{FieldRef, FieldType, Ruleset, Scope, TExpr, TExprKind, Type};

/// The account rules, split.
pub(super) struct Split {
    /// The account rules reading the `#N` fields of `leads`' elements.
    pub account: Ruleset,
    /// Each `#N` field's expression over the lead (in the lead's scope).
    pub per_lead: Vec<TExpr>,
}

/// Splits `def`'s rules; `lead` is the lead rules (for the names of their
/// groups and labels, which an element of `leads` holds).
pub(super) fn split(def: &AccountDef, lead: &Ruleset) -> Split {
    let mut s = Splitter {
        lead,
        leads_lets: Vec::new(),
        per_lead: Vec::new(),
    };
    let mut account = def.rules.clone();
    for l in &mut account.lets {
        s.walk(&mut l.value);
        let leads = s.is_leads(&l.value);
        s.leads_lets.push(leads);
    }
    for r in &mut account.rules {
        r.when.iter_mut().for_each(|e| s.walk(e));
        s.walk(&mut r.points);
    }
    for arm in account.labels.iter_mut().flat_map(|l| &mut l.arms) {
        arm.when.iter_mut().for_each(|e| s.walk(e));
    }
    add_fields(&mut account.lead_type, &s.per_lead);
    Split {
        account,
        per_lead: s.per_lead,
    }
}

/// The name of the `n`th split-off part in a lead's element.
pub(super) fn part_name(n: usize) -> String {
    format!("#{n}")
}

/// The index of a split-off part from its field name.
pub(super) fn part_index(name: &str) -> Option<usize> {
    name.strip_prefix('#')?.parse().ok()
}

struct Splitter<'r> {
    lead: &'r Ruleset,
    /// Per account `let` walked so far: its value is `leads` filtered.
    leads_lets: Vec<bool>,
    per_lead: Vec<TExpr>,
}

impl Splitter<'_> {
    /// Walks an expression in the account's scope.
    fn walk(&mut self, e: &mut TExpr) {
        let scoped = e.scopes_later_children();
        let mut kids = e.children_mut();
        let Some((first, rest)) = kids.split_first_mut() else {
            return;
        };
        self.walk(first);
        let of_leads = scoped && self.is_leads(first);
        for k in rest {
            match of_leads {
                true => self.lead_part(k, 0),
                false => self.walk(k),
            }
        }
    }

    /// Walks an expression in the scope of a lead of `leads`, which is the
    /// element `depth` scopes out; splits off the largest parts that read
    /// only that lead.
    fn lead_part(&mut self, e: &mut TExpr, depth: u32) {
        if worth_splitting(e) && reads_lead_only(e, depth) {
            let lowered = to_lead(e, depth, self.lead);
            let name = part_name(self.per_lead.len());
            self.per_lead.push(lowered);
            e.kind = TExprKind::Field(FieldRef {
                scope: Scope::Element(depth),
                path: vec![name],
                optional: true,
            });
            return;
        }
        let scoped = e.scopes_later_children();
        let mut kids = e.children_mut();
        let Some((first, rest)) = kids.split_first_mut() else {
            return;
        };
        self.lead_part(first, depth);
        let of_leads = scoped && self.is_leads(first);
        for k in rest {
            match (of_leads, scoped) {
                (true, _) => self.lead_part(k, 0),
                (false, true) => self.lead_part(k, depth + 1),
                (false, false) => self.lead_part(k, depth),
            }
        }
    }

    /// `e` is the account's `leads`, filtered or not (also through a `let`).
    fn is_leads(&self, e: &TExpr) -> bool {
        use TExprKind as K;
        match &e.kind {
            K::Field(f) => f.scope == Scope::Lead && f.path == [AccountDef::LEADS],
            K::Where(c, _) => self.is_leads(c),
            K::Let(i) => self.leads_lets.get(*i).copied().unwrap_or(false),
            K::Number(_) | K::String(_) | K::Bool(_) | K::List(_) | K::Datetime(_) => false,
            K::Score | K::GroupTotal(_) | K::Label(_) | K::Project(..) | K::Call(..) => false,
            K::NonEmpty(..) | K::Truth(..) | K::Every { .. } | K::Neg(_) | K::Not(_) => false,
            K::And(_) | K::Or(_) | K::Arith(..) | K::Compare(..) | K::In { .. } => false,
            K::Between(..) | K::Overlaps(..) | K::StrTest { .. } | K::Matches(..) => false,
            K::IsPresent(..) | K::Within(..) | K::WithinMonths(..) | K::Decay(..) => false,
            K::SumEach(..) | K::CountDistinct(_) | K::CountDistinctOf(..) | K::TimePart(..) => {
                false
            }
            K::Pick(..) | K::Extreme(..) | K::Rollup(..) | K::Capped { .. } => false,
        }
    }
}

/// A value worth keeping per lead: one of a type an element can hold that
/// reads something (a literal is left in place).
fn worth_splitting(e: &TExpr) -> bool {
    let scalar = matches!(
        e.ty,
        Type::String | Type::Int | Type::Number | Type::Bool | Type::Datetime
    );
    let literal = matches!(
        e.kind,
        TExprKind::Number(_) | TExprKind::String(_) | TExprKind::Bool(_) | TExprKind::Datetime(_)
    );
    scalar && !literal
}

/// `e`, in the scope of a lead that is the element `depth` scopes out,
/// reads nothing but that lead and elements inside `e`.
fn reads_lead_only(e: &TExpr, depth: u32) -> bool {
    use TExprKind as K;
    let own = match &e.kind {
        K::Field(f) => match f.scope {
            Scope::Lead => false,
            Scope::Element(k) => k <= depth,
        },
        K::Let(_) | K::Score | K::GroupTotal(_) | K::Label(_) => false,
        K::Every { via, .. } => via.is_none(),
        K::Number(_) | K::String(_) | K::Bool(_) | K::List(_) | K::Datetime(_) => true,
        K::Project(..) | K::Where(..) | K::Call(..) | K::NonEmpty(..) | K::Truth(..) => true,
        K::Neg(_) | K::Not(_) | K::And(_) | K::Or(_) | K::Arith(..) | K::Compare(..) => true,
        K::In { .. } | K::Between(..) | K::Overlaps(..) | K::StrTest { .. } => true,
        K::Matches(..) | K::IsPresent(..) | K::Within(..) | K::WithinMonths(..) => true,
        K::Decay(..) | K::SumEach(..) | K::CountDistinct(_) | K::CountDistinctOf(..) => true,
        K::TimePart(..) | K::Pick(..) | K::Extreme(..) | K::Rollup(..) | K::Capped { .. } => true,
    };
    own && each_child(e, depth, reads_lead_only)
}

/// `test` holds for every child of `e`, each at its depth.
fn each_child(e: &TExpr, depth: u32, test: fn(&TExpr, u32) -> bool) -> bool {
    let scoped = e.scopes_later_children();
    e.children()
        .into_iter()
        .enumerate()
        .all(|(i, k)| test(k, depth + u32::from(scoped && i > 0)))
}

/// `e` moved to the lead's scope: the element `depth` scopes out becomes
/// the lead, and its `score`, group totals and labels the lead's own.
pub(super) fn to_lead(e: &TExpr, depth: u32, lead: &Ruleset) -> TExpr {
    let mut out = e.clone();
    relocate(&mut out, depth, lead);
    out
}

fn relocate(e: &mut TExpr, depth: u32, lead: &Ruleset) {
    if let TExprKind::Field(f) = &e.kind {
        if f.scope == Scope::Element(depth) {
            e.kind = lead_field(f, lead);
        }
        return;
    }
    let scoped = e.scopes_later_children();
    for (i, k) in e.children_mut().into_iter().enumerate() {
        relocate(k, depth + u32::from(scoped && i > 0), lead);
    }
}

/// A field of a lead's element, read from the lead: `score`, a group total
/// or a label by its name (they win over a lead field of that name), or
/// the lead's field.
fn lead_field(f: &FieldRef, lead: &Ruleset) -> TExprKind {
    let name = f.path[0].as_str();
    let group = lead.groups.iter().position(|g| g.name == name);
    let label = lead.labels.iter().position(|l| l.name == name);
    match (name, group, label) {
        ("score", _, _) => TExprKind::Score,
        (_, Some(g), _) => TExprKind::GroupTotal(g),
        (_, None, Some(l)) => TExprKind::Label(l),
        (_, None, None) => TExprKind::Field(FieldRef {
            scope: Scope::Lead,
            path: f.path.clone(),
            optional: f.optional,
        }),
    }
}

/// Adds the `#N` fields to the element type of `leads` in the account type.
fn add_fields(account_type: &mut Type, parts: &[TExpr]) {
    let Type::Record(fields) = account_type else {
        return;
    };
    let Some(leads) = fields.get_mut(AccountDef::LEADS) else {
        return;
    };
    let Type::List(element) = &mut leads.ty else {
        return;
    };
    let Type::Record(element) = &mut **element else {
        return;
    };
    for (n, part) in parts.iter().enumerate() {
        element.insert(part_name(n), FieldType::new(part.ty.clone(), true));
    }
}

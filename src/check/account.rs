//! The `account by KEY { ... }` block: its key, the account's record type,
//! and its items, checked by a checker of their own over that type.
//!
//! Inside the block a "lead" is the account: its fields are the lead
//! schema's fields that are not lists (each the most common value among the
//! account's leads, see `eval/account.rs`), and `leads` lists the account's
//! leads, each with the lead's fields, its `score`, its group totals and
//! its labels (those win over a lead field of the same name).

use super::error::{Definition, Misplaced, NameKind, Problem};
use super::Checker;
use crate::rules::{AccountDef, FieldType, Ruleset, Type};
use crate::syntax::ast::{AccountBlock, Ident, Item, Span};
use std::collections::{BTreeMap, HashMap};

/// Checks the first `account` block of `items` into `rs.account`; a second
/// block is a duplicate.
pub(super) fn check(c: &mut Checker, items: &[Item], rs: &mut Ruleset) {
    let mut blocks = items.iter().filter_map(|i| match i {
        Item::Account(b) => Some(b),
        Item::Schema(_)
        | Item::Let(_)
        | Item::Rule(_)
        | Item::Group(_)
        | Item::Label(_)
        | Item::LabelJoin(_)
        | Item::Include(_)
        | Item::Test(_)
        | Item::Limits(_) => None,
    });
    let Some(first) = blocks.next() else { return };
    for again in blocks {
        c.report(Problem::DuplicateName {
            span: head(again.span),
            name: "account".to_string(),
            kind: NameKind::Account,
            first: head(first.span),
            first_kind: NameKind::Account,
        });
    }
    if c.schema.is_none() {
        c.report(Problem::AccountWithoutSchema {
            span: head(first.span),
        });
        return;
    }
    let Some(key) = key(c, first) else { return };
    let mut inner = Checker::new(c.sources);
    inner.schema = Some(account_type(rs));
    inner.in_block = true;
    inner.elsewhere = lead_names(c);
    inner.broken_lets = c.broken_lets.clone();
    inner.totals_let = c.totals_let.clone();
    let rules = super::items::build(&mut inner, &first.items);
    let lists = list_fields(&rs.lead_type);
    c.problems
        .extend(inner.problems.drain(..).map(|p| through_leads(p, &lists)));
    c.lints.append(&mut inner.lints);
    if let Some(rules) = rules {
        rs.account = Some(Box::new(AccountDef {
            key,
            rules,
            span: first.span,
        }));
    }
}

/// The `let`s, groups and labels of the first `account` block in `items`
/// (none without a block).
pub(super) fn block_names(items: &[Item]) -> HashMap<String, Definition> {
    let block = items.iter().find_map(|i| {
        let Item::Account(b) = i else { return None };
        Some(b)
    });
    let Some(block) = block else {
        return HashMap::new();
    };
    let named = block.items.iter().filter_map(super::items::named);
    named
        .filter_map(|(name, kind)| {
            let def = match kind {
                NameKind::Let => Definition::Let,
                NameKind::Group => Definition::Group,
                NameKind::Label => Definition::Label,
                NameKind::Field | NameKind::Schema | NameKind::Limits | NameKind::Account => {
                    return None
                }
            };
            Some((name.node.clone(), def))
        })
        .collect()
}

/// The `let`s, groups and labels of the lead rules (outside the block).
fn lead_names(c: &Checker) -> HashMap<String, Definition> {
    let lets = c.let_defs.keys().map(|n| (n.clone(), Definition::Let));
    let groups = c.groups.keys().map(|n| (n.clone(), Definition::Group));
    let labels = c.labels.keys().map(|n| (n.clone(), Definition::Label));
    lets.chain(groups).chain(labels).collect()
}

impl Checker<'_> {
    /// The problem with `name`, the first name of a path that is no field
    /// here, when it is a name of the other side of the `account` block.
    pub(super) fn other_side(&self, name: &Ident) -> Option<Problem> {
        let misplaced = if name.node == AccountDef::LEADS {
            match (self.in_block, self.scopes.is_empty()) {
                (false, _) => Misplaced::LeadsInLeadRules,
                (true, false) => Misplaced::LeadsInOneLead,
                (true, true) => return None,
            }
        } else {
            let def = *self.elsewhere.get(&name.node)?;
            match self.in_block {
                true => Misplaced::OfTheLeads(def),
                false => Misplaced::OfTheAccount(def),
            }
        };
        Some(Problem::WrongScope {
            span: name.span,
            name: name.node.clone(),
            misplaced,
        })
    }
}

/// `items` with the top-level `let NAME` moved to the end of the first
/// `account` block (see [`super::CheckOptions::in_account`]); as they are
/// when there is no such `let` or no block.
pub(super) fn with_let_inside(items: &[Item], name: &str) -> Vec<Item> {
    let mut items = items.to_vec();
    let is_it = |i: &Item| matches!(i, Item::Let(l) if l.name.node == name);
    let at = items.iter().position(is_it);
    let block = items.iter().position(|i| matches!(i, Item::Account(_)));
    let (Some(at), Some(_)) = (at, block) else {
        return items;
    };
    let probe = items.remove(at);
    if let Some(Item::Account(b)) = items.iter_mut().find(|i| matches!(i, Item::Account(_))) {
        b.items.push(probe);
    }
    items
}

/// The key's path, once it names a text or number field of the lead.
fn key(c: &mut Checker, block: &AccountBlock) -> Option<Vec<String>> {
    let (ty, _) = c.resolve(Checker::lead_type, &block.key, false)?;
    let span = block.key[0].span.to(block.key[block.key.len() - 1].span);
    match ty {
        Type::String | Type::Int | Type::Number | Type::Any => {
            Some(block.key.iter().map(|s| s.node.clone()).collect())
        }
        Type::Bool
        | Type::Datetime
        | Type::Duration
        | Type::Regex
        | Type::List(_)
        | Type::Record(_) => {
            c.report(Problem::AccountKey { span, ty });
            None
        }
    }
}

/// The account's record type: the lead's fields that are not lists (each
/// optional: the account's leads may all lack it), and `leads`.
fn account_type(rs: &Ruleset) -> Type {
    let Type::Record(lead_fields) = &rs.lead_type else {
        return Type::Any;
    };
    let mut fields: BTreeMap<String, FieldType> = lead_fields
        .iter()
        .filter(|(_, f)| !matches!(f.ty, Type::List(_)))
        .map(|(name, f)| (name.clone(), read_by_name(f, true)))
        .collect();
    let mut lead: BTreeMap<String, FieldType> = lead_fields
        .iter()
        .map(|(name, f)| (name.clone(), read_by_name(f, f.optional)))
        .collect();
    for g in &rs.groups {
        lead.insert(g.name.clone(), FieldType::new(Type::Number, false));
    }
    for l in &rs.labels {
        lead.insert(l.name.clone(), FieldType::new(Type::String, true));
    }
    lead.insert("score".into(), FieldType::new(Type::Number, false));
    let leads = Type::List(Box::new(Type::Record(lead)));
    fields.insert(AccountDef::LEADS.into(), FieldType::new(leads, false));
    Type::Record(fields)
}

/// A field the account record holds under its own name (the roll-up writes
/// it there), with the lead field's type, formats and zone.
fn read_by_name(f: &FieldType, optional: bool) -> FieldType {
    FieldType {
        sources: Vec::new(),
        optional,
        ..f.clone()
    }
}

/// The lead's list fields, which the account reads through `leads` only.
fn list_fields(lead_type: &Type) -> Vec<String> {
    let Type::Record(fields) = lead_type else {
        return Vec::new();
    };
    let lists = fields.iter().filter(|(_, f)| matches!(f.ty, Type::List(_)));
    lists.map(|(name, _)| name.clone()).collect()
}

/// An unknown account field that is a list field of the lead becomes a
/// pointer to `leads.NAME`.
fn through_leads(p: Problem, lists: &[String]) -> Problem {
    match p {
        Problem::UnknownField {
            span, name, parent, ..
        } if parent.is_empty() && lists.contains(&name) => Problem::AccountListField { span, name },
        p => p,
    }
}

/// The `account` keyword of a block.
fn head(span: Span) -> Span {
    Span {
        end: (span.start + "account".len() as u32).min(span.end),
        ..span
    }
}

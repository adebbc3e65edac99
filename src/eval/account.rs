//! Accounts: the leads that share a value of the account key, rolled up
//! into one record per account and scored by the `account` block's rules.
//!
//! Each scored lead adds a small member to its account: the lead's score,
//! group totals and labels, the lead fields the account rules read through
//! `leads`, and the lead's values of the account fields they read. Nothing
//! else of the lead is kept, so memory grows with the accounts and their
//! leads' few values, never with whole leads. When the accounts are
//! finished, each account's members are sorted by their JSON text, so the
//! account's record, and so its score, is the same whatever order (and
//! however many threads) the leads were scored in.

use super::{DataError, EvalOptions, Outcome, Program};
use crate::rules::{AccountDef, Reads, Ruleset, Type};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// What the account rules read, worked out once per run.
#[derive(Debug)]
pub struct Plan {
    /// The key's path from the lead.
    key: Vec<String>,
    /// The lead's type (to find a field under its `from` sources).
    lead_type: Type,
    /// The lead fields read through `leads`, by name.
    lead_fields: Vec<String>,
    /// The account fields read (paths from the account), in name order.
    account_fields: Vec<Vec<String>>,
    /// The names of the lead rules' groups and labels.
    totals: Vec<String>,
    labels: Vec<String>,
}

impl Plan {
    /// The plan of `rules`' account block, when they have one.
    pub fn of(rules: &Ruleset) -> Option<Plan> {
        let def = rules.account.as_deref()?;
        let reads = def.rules.fields_read();
        let totals: Vec<String> = rules.groups.iter().map(|g| g.name.clone()).collect();
        let labels: Vec<String> = rules.labels.iter().map(|l| l.name.clone()).collect();
        let computed = |n: &String| n == "score" || totals.contains(n) || labels.contains(n);
        let lead_fields = reads
            .fields
            .get(AccountDef::LEADS)
            .map(|r| r.fields.keys().filter(|n| !computed(n)).cloned().collect())
            .unwrap_or_default();
        let mut account = Reads {
            fields: reads.fields.clone(),
        };
        account.fields.remove(AccountDef::LEADS);
        Some(Plan {
            key: def.key.clone(),
            lead_type: rules.lead_type.clone(),
            lead_fields,
            account_fields: account.leaves(),
            totals,
            labels,
        })
    }

    /// The account key of a lead: its key field's text (trimmed, in lower
    /// case, since text compares ignoring case) or number; `None` when the
    /// lead has none (missing, null, empty or another type).
    pub fn key_of(&self, lead: &Value) -> Option<String> {
        match lookup(lead, &self.lead_type, &self.key)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_lowercase()),
            Value::Number(n) => Some(n.to_string()),
            Value::String(_)
            | Value::Null
            | Value::Bool(_)
            | Value::Array(_)
            | Value::Object(_) => None,
        }
    }

    /// The member a scored lead adds to its account.
    fn member(&self, rules: &Ruleset, lead: &Value, outcome: &Outcome) -> Member {
        let mut element = Map::new();
        for name in &self.lead_fields {
            let path = std::slice::from_ref(name);
            if let Some(v) = lookup(lead, &self.lead_type, path) {
                element.insert(name.clone(), v.clone());
            }
        }
        element.insert("score".into(), Value::from(outcome.score));
        for (name, total) in self.totals.iter().zip(&outcome.groups) {
            element.insert(name.clone(), Value::from(*total));
        }
        for (name, (_, value)) in self.labels.iter().zip(outcome.label_values(rules)) {
            element.insert(name.clone(), value.map_or(Value::Null, Value::from));
        }
        let fields = self
            .account_fields
            .iter()
            .map(|p| {
                lookup(lead, &self.lead_type, p)
                    .cloned()
                    .unwrap_or(Value::Null)
            })
            .collect();
        Member {
            element: Value::Object(element),
            fields,
        }
    }
}

/// The value at `path` in a lead of type `ty`, each field found under its
/// `from` sources first, then its name; `None` when absent or null.
fn lookup<'v>(lead: &'v Value, ty: &Type, path: &[String]) -> Option<&'v Value> {
    let Some((name, rest)) = path.split_first() else {
        return Some(lead).filter(|v| !v.is_null());
    };
    let field = match ty {
        Type::Record(fields) => fields.get(name),
        Type::String
        | Type::Int
        | Type::Number
        | Type::Bool
        | Type::Datetime
        | Type::Duration
        | Type::Regex
        | Type::List(_)
        | Type::Any => None,
    };
    let keys = field.map(|f| f.sources.as_slice()).unwrap_or_default();
    let found = keys
        .iter()
        .chain(std::iter::once(name))
        .find_map(|k| lead.get(k).filter(|v| !v.is_null()))?;
    lookup(found, field.map_or(&Type::Any, |f| &f.ty), rest)
}

/// What one lead leaves in its account.
#[derive(Clone, Debug)]
struct Member {
    /// Its element of `leads`.
    element: Value,
    /// Its values of the account fields read, in the plan's order (null when absent).
    fields: Vec<Value>,
}

/// The accounts of the leads scored so far.
#[derive(Clone, Debug, Default)]
pub struct Accounts {
    members: HashMap<String, Vec<Member>>,
    /// Leads scored without a value at the key.
    pub without_key: u64,
}

/// One account, scored.
#[derive(Debug)]
pub struct Account {
    /// The key (as [`Plan::key_of`] gives it).
    pub key: String,
    /// How many of its leads were scored.
    pub leads: usize,
    /// The record the account rules scored: its fields and `leads`.
    pub record: Value,
    /// The account's outcome, or why it has none.
    pub result: Result<Outcome, DataError>,
}

impl Accounts {
    /// Adds a lead that was scored with `outcome` (by `rules`, the lead rules).
    pub fn add(&mut self, plan: &Plan, rules: &Ruleset, lead: &Value, outcome: &Outcome) {
        let Some(key) = plan.key_of(lead) else {
            self.without_key += 1;
            return;
        };
        let member = plan.member(rules, lead, outcome);
        self.members.entry(key).or_default().push(member);
    }

    /// Adds the accounts of another part of the input.
    pub fn merge(&mut self, other: Accounts) {
        self.without_key += other.without_key;
        for (key, mut members) in other.members {
            self.members.entry(key).or_default().append(&mut members);
        }
    }

    /// How many accounts there are.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// No lead had a key.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Scores every account with `program` (the account rules), in key order.
    pub fn finish(self, plan: &Plan, program: &Program, opts: &EvalOptions) -> Vec<Account> {
        let sorted: BTreeMap<String, Vec<Member>> = self.members.into_iter().collect();
        sorted
            .into_iter()
            .map(|(key, members)| {
                let leads = members.len();
                let record = record(plan, members);
                let result = program.score(&record, opts);
                Account {
                    key,
                    leads,
                    record,
                    result,
                }
            })
            .collect()
    }
}

/// An account's record: each account field read, as the most common
/// value among its leads, and `leads`, sorted by their JSON text.
fn record(plan: &Plan, mut members: Vec<Member>) -> Value {
    members.sort_by_cached_key(|m| m.element.to_string());
    let mut out = Value::Object(Map::new());
    for (i, path) in plan.account_fields.iter().enumerate() {
        if let Some(v) = most_common(members.iter().map(|m| &m.fields[i])) {
            set_at(&mut out, path, v);
        }
    }
    let leads = members.into_iter().map(|m| m.element).collect();
    set_at(
        &mut out,
        &[AccountDef::LEADS.to_string()],
        Value::Array(leads),
    );
    out
}

/// The most common present value; a tie goes to the smallest (numbers by
/// value, anything else by its JSON text). `None` when every value is null.
fn most_common<'v>(values: impl Iterator<Item = &'v Value>) -> Option<Value> {
    let mut counts: BTreeMap<String, (usize, &Value)> = BTreeMap::new();
    for v in values.filter(|v| !v.is_null()) {
        counts.entry(v.to_string()).or_insert((0, v)).0 += 1;
    }
    let mut best: Option<(usize, &Value)> = None;
    for &(n, v) in counts.values() {
        let better = best.is_none_or(|(m, b)| n > m || (n == m && smaller(v, b)));
        if better {
            best = Some((n, v));
        }
    }
    best.map(|(_, v)| v.clone())
}

/// `a` comes before `b`: numbers by value, anything else by JSON text.
fn smaller(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x < y,
        _ => {
            let (a, b) = (a.to_string(), b.to_string());
            a < b
        }
    }
}

/// Sets `path` in the object `out`, making the objects on the way.
fn set_at(out: &mut Value, path: &[String], value: Value) {
    let Some((last, on_the_way)) = path.split_last() else {
        return;
    };
    let mut at = out;
    for seg in on_the_way {
        let Value::Object(map) = at else { return };
        at = map
            .entry(seg.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(map) = at {
        map.insert(last.clone(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_most_common_value_wins_and_ties_go_to_the_smallest() {
        let vals = [json!(50), json!(200), json!(200), Value::Null, json!(50)];
        assert_eq!(most_common(vals.iter()), Some(json!(50)));
        let vals = [json!(9), json!(10), json!(10)];
        assert_eq!(most_common(vals.iter()), Some(json!(10)));
        let vals = [json!("b"), json!("a")];
        assert_eq!(most_common(vals.iter()), Some(json!("a")));
        assert_eq!(most_common([Value::Null].iter()), None);
    }

    #[test]
    fn a_path_is_set_through_new_objects() {
        let mut v = json!({"leads": []});
        set_at(&mut v, &["company".into(), "size".into()], json!(10));
        assert_eq!(v, json!({"leads": [], "company": {"size": 10}}));
    }
}

//! Accounts: the leads that share a value of the account key, rolled up
//! into one record per account and scored by the `account` block's rules.
//!
//! [`Plan::of`] splits the block's rules (`split.rs`): what they read of a
//! lead — the key, the account fields, `score`, totals and labels, and each
//! part of a rule that reads one lead only (`leads where COND`'s `COND`) —
//! becomes an expression compiled into the lead program
//! ([`Plan::lead_program`]), worked out while the lead is scored (also on
//! the fast path, so the lead is read once) into [`Outcome::projected`].
//! Each account keeps, per lead, one line of those values as JSON text, and
//! per account field the counts of its values. Only a list or record that
//! the block reads whole through `leads` is taken from the lead's JSON
//! ([`Plan::needs_lead`]). When the accounts are finished, each account's
//! lines are sorted, so its record, and so its score, is the same whatever
//! order (and however many threads) the leads were scored in; records are
//! built and scored one account at a time.

mod split;

use super::{DataError, EvalOptions, Outcome, Program};
use crate::rules::{AccountDef, FieldRef, LetDef, Reads, Ruleset, Scope, TExpr, TExprKind, Type};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the account rules read of each lead, worked out once per run.
#[derive(Debug)]
pub struct Plan {
    /// The key's path from the lead (`["company", "domain"]`).
    key: Vec<String>,
    /// The account rules, reading the parts split off per lead.
    account: Ruleset,
    /// The lead rules as the run shows them.
    rules: Ruleset,
    /// The lead rules with what the account keeps of a lead added as
    /// `let`s (the key first), and the fields only those read made optional.
    working: Ruleset,
    /// How many `let`s were added.
    added: usize,
    /// The account fields read (paths from the account), in name order.
    account_fields: Vec<(Vec<String>, Source)>,
    /// The fields of an element of `leads` the account rules read.
    element: Vec<(Vec<String>, Source)>,
}

/// Where a kept value comes from.
#[derive(Clone, Debug, PartialEq)]
enum Source {
    /// An expression worked out when the lead is scored: its index in
    /// [`Outcome::projected`].
    Projected(usize),
    /// A list or record of the lead, kept whole from its JSON: the path.
    Whole(Vec<String>),
}

impl Plan {
    /// The plan of `rules`' account block, when they have one.
    pub fn of(rules: &Ruleset) -> Option<Plan> {
        let def = rules.account.as_deref()?;
        let split = split::split(def, rules);
        let reads = split.account.fields_read();
        let mut added = vec![lead_read(def, &def.key, Type::Any)];
        let mut account = reads.clone();
        let element_reads = account.fields.remove(AccountDef::LEADS);
        let account_fields = account
            .leaves()
            .into_iter()
            .map(|path| {
                let source = kept(def, rules, (&rules.lead_type, false), &path, &mut added);
                (path, source)
            })
            .collect();
        let element_type = element_type(&split.account.lead_type);
        let mut parts: Vec<Option<TExpr>> = split.per_lead.into_iter().map(Some).collect();
        let mut element: Vec<(Vec<String>, Source)> = Vec::new();
        for path in element_reads
            .as_ref()
            .map(Reads::leaves)
            .unwrap_or_default()
        {
            let part = split::part_index(&path[0]).and_then(|n| parts.get_mut(n)?.take());
            let (path, source) = match part {
                Some(e) => {
                    added.push(e);
                    (path, Source::Projected(added.len() - 1))
                }
                None => {
                    let source = kept(def, rules, (element_type, true), &path, &mut added);
                    (kept_path(&source, path), source)
                }
            };
            if !element.iter().any(|(p, _)| *p == path) {
                element.push((path, source));
            }
        }
        let working = working(rules, def, &added);
        Some(Plan {
            key: def.key.clone(),
            account: split.account,
            rules: rules.clone(),
            working,
            added: added.len(),
            account_fields,
            element,
        })
    }

    /// The lead rules compiled to also work out, for each lead, what its
    /// account keeps of it: score leads with this program to add them.
    pub fn lead_program(&self) -> Program {
        Program::projecting(&self.rules, &self.working, self.added)
    }

    /// The key's path from the lead (`["company", "domain"]`).
    pub fn key(&self) -> &[String] {
        &self.key
    }

    /// A lead's value at the key, as written (null when absent).
    pub fn key_value(&self, lead: &Value) -> Value {
        crate::eval::value_at(lead, &self.key)
    }

    /// The account rules compiled (in the lead rules' time zone).
    pub fn account_program(&self) -> Program {
        Program::compile_in(&self.account, self.rules.zone.as_ref())
    }

    /// Whether [`Accounts::add`] needs the lead itself: the account rules
    /// read a list or record of the lead whole (e.g. `count(leads.events)`),
    /// which is kept as it is.
    pub fn needs_lead(&self) -> bool {
        let whole = |(_, s): &(Vec<String>, Source)| matches!(s, Source::Whole(_));
        self.account_fields.iter().any(whole) || self.element.iter().any(whole)
    }

    /// The value a lead keeps from `source` (a projected value is taken
    /// out of the outcome).
    fn take(&self, source: &Source, outcome: &mut Outcome, lead: Option<&Value>) -> Value {
        match source {
            Source::Projected(i) => outcome
                .projected
                .get_mut(*i)
                .map(std::mem::take)
                .unwrap_or(Value::Null),
            Source::Whole(path) => lead
                .and_then(|l| lookup(l, &self.rules.lead_type, path))
                .cloned()
                .unwrap_or(Value::Null),
        }
    }
}

/// The account key of a lead from its key's value: text trimmed, in lower
/// case (text compares ignoring case), or a number's digits; `None` for a
/// missing, null or empty key or one of another type.
fn key_of(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::String(s) => {
            let t = s.trim();
            match t.chars().any(char::is_uppercase) {
                _ if t.is_empty() => None,
                true => Some(Cow::Owned(t.to_lowercase())),
                false => Some(Cow::Borrowed(t)),
            }
        }
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Null | Value::Bool(_) | Value::Array(_) | Value::Object(_) => None,
    }
}

/// The field at `path` of the lead, read in the lead's scope, as a `let`
/// value of type `ty`.
fn lead_read(def: &AccountDef, path: &[String], ty: Type) -> TExpr {
    TExpr {
        kind: TExprKind::Field(FieldRef {
            scope: Scope::Lead,
            path: path.to_vec(),
            optional: true,
        }),
        ty,
        span: def.span,
    }
}

/// How the value at `path` of `ty` (the lead's type, or for an
/// `element` of `leads` the element's) is kept: a scalar is read when the
/// lead is scored (an element's `score`, group totals and labels as the
/// lead's own); anything else is kept whole.
fn kept(
    def: &AccountDef,
    rules: &Ruleset,
    at: (&Type, bool),
    path: &[String],
    added: &mut Vec<TExpr>,
) -> Source {
    let (ty, element) = at;
    let Some(scalar) = scalar_at(ty, path) else {
        return Source::Whole(whole_path(ty, path));
    };
    let read = lead_read(def, path, scalar);
    let read = match element {
        true => split::to_lead(&in_element(read), 0, rules),
        false => read,
    };
    added.push(read);
    Source::Projected(added.len() - 1)
}

/// A read of the lead as the same read of an element of `leads`.
fn in_element(read: TExpr) -> TExpr {
    let TExprKind::Field(f) = read.kind else {
        return read;
    };
    TExpr {
        kind: TExprKind::Field(FieldRef {
            scope: Scope::Element(0),
            ..f
        }),
        ..read
    }
}

/// Where a kept value goes in the element: a whole value at its own path.
fn kept_path(source: &Source, path: Vec<String>) -> Vec<String> {
    match source {
        Source::Whole(p) => p.clone(),
        Source::Projected(_) => path,
    }
}

/// The type at `path` in `ty` when it is a scalar reached through records.
fn scalar_at(ty: &Type, path: &[String]) -> Option<Type> {
    let Some((name, rest)) = path.split_first() else {
        return match ty {
            Type::String | Type::Int | Type::Number | Type::Bool | Type::Datetime => {
                Some(ty.clone())
            }
            Type::Duration | Type::Regex | Type::List(_) | Type::Record(_) | Type::Any => None,
        };
    };
    scalar_at(&ty.field_by_key(name)?.ty, rest)
}

/// The part of `path` down to the first field that is not a record (a
/// list, or a field of no known type): the value kept whole.
fn whole_path(ty: &Type, path: &[String]) -> Vec<String> {
    let mut at = ty;
    for (i, name) in path.iter().enumerate() {
        match at.field_by_key(name) {
            Some(f) if matches!(f.ty, Type::Record(_)) => at = &f.ty,
            Some(_) | None => return path[..=i].to_vec(),
        }
    }
    path.to_vec()
}

/// The element type of `leads` in the account's type.
fn element_type(account: &Type) -> &Type {
    match account.field_by_key(AccountDef::LEADS).map(|f| &f.ty) {
        Some(Type::List(element)) => element,
        Some(_) | None => &Type::Any,
    }
}

/// The lead rules with `added` as `let`s after theirs; a field that only
/// those read may be missing or null (the lead is scored as without
/// accounts), and the key, when only they read it, may hold any type (a
/// key of another type puts the lead in no account).
fn working(rules: &Ruleset, def: &AccountDef, added: &[TExpr]) -> Ruleset {
    let mut working = rules.clone();
    let own = rules.fields_read();
    working
        .lets
        .extend(added.iter().enumerate().map(|(i, e)| LetDef {
            name: format!("#account{i}"),
            value: e.clone(),
            span: def.span,
        }));
    for path in working.fields_read().leaves() {
        loosen(&mut working.lead_type, &own, &path);
    }
    if !read_by(&own, &def.key) {
        if let Some(f) = field_mut(&mut working.lead_type, &def.key) {
            f.ty = Type::Any;
        }
    }
    working
}

/// `path` is read in `reads`.
fn read_by(reads: &Reads, path: &[String]) -> bool {
    let mut at = reads;
    for name in path {
        match at.fields.get(name) {
            Some(below) => at = below,
            None => return false,
        }
    }
    true
}

/// Makes each field along `path` that `own` does not read optional.
fn loosen(ty: &mut Type, own: &Reads, path: &[String]) {
    let Some((name, rest)) = path.split_first() else {
        return;
    };
    let (own, below) = match own.fields.get(name) {
        Some(below) => (true, below.clone()),
        None => (false, Reads::default()),
    };
    let Some(f) = field_mut(ty, std::slice::from_ref(name)) else {
        return;
    };
    f.optional |= !own;
    let mut inner = &mut f.ty;
    while let Type::List(element) = inner {
        inner = element;
    }
    loosen(inner, &below, rest);
}

/// The field at `path` of a record type (through records only).
fn field_mut<'t>(ty: &'t mut Type, path: &[String]) -> Option<&'t mut crate::rules::FieldType> {
    let (name, rest) = path.split_first()?;
    let Type::Record(fields) = ty else {
        return None;
    };
    let f = fields.get_mut(name)?;
    match rest.is_empty() {
        true => Some(f),
        false => field_mut(&mut f.ty, rest),
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

/// How often each present value of one account field came, by its JSON text.
type ValueCounts = BTreeMap<String, (usize, Value)>;

/// What an account has gathered from its leads so far.
#[derive(Clone, Debug, Default)]
struct Gathered {
    /// Per account field read, its values' counts.
    fields: Vec<ValueCounts>,
    /// Each lead's element values in the plan's order, as one line of JSON
    /// text (`[true,"a@x.com",35]`), one after the other: a few dozen bytes
    /// per lead, and no allocation of its own.
    lines: Vec<u8>,
}

impl Gathered {
    fn merge(&mut self, other: Gathered) {
        let n = other.fields.len().max(self.fields.len());
        self.fields.resize_with(n, Default::default);
        for (mine, theirs) in self.fields.iter_mut().zip(other.fields) {
            for (text, (n, v)) in theirs {
                mine.entry(text).or_insert((0, v)).0 += n;
            }
        }
        self.lines.extend(other.lines);
    }

    /// Appends a lead's element values as a line.
    fn push(&mut self, values: impl Iterator<Item = Value>) {
        self.lines.push(b'[');
        for (i, v) in values.enumerate() {
            if i > 0 {
                self.lines.push(b',');
            }
            serde_json::to_writer(&mut self.lines, &v).expect("a JSON value writes into memory");
        }
        self.lines.extend_from_slice(b"]\n");
    }

    /// Each lead's line, sorted.
    fn sorted_lines(&self) -> Vec<&[u8]> {
        let mut lines: Vec<&[u8]> = self.lines.split(|&b| b == b'\n').collect();
        lines.pop();
        lines.sort_unstable();
        lines
    }
}

/// The accounts of the leads scored so far.
#[derive(Clone, Debug, Default)]
pub struct Accounts {
    accounts: HashMap<String, Gathered>,
    /// Leads scored without a value at the key.
    pub without_key: u64,
    /// Leads that could not be scored (error records: in no account).
    pub unscored: u64,
    /// Of those, the leads whose key reads as [`Accounts::only`]'s.
    pub unscored_here: u64,
    /// When set, only the account of this key gathers its leads
    /// ([`Accounts::only`]); the other keys are kept in `others`.
    only: Option<String>,
    /// The keys seen besides `only`.
    others: BTreeSet<String>,
}

/// One account, scored.
#[derive(Debug)]
pub struct Account {
    /// The key (trimmed, text in lower case).
    pub key: String,
    /// How many of its leads were scored.
    pub leads: usize,
    /// The record the account rules scored: its fields and `leads`.
    pub record: Value,
    /// The account's outcome, or why it has none.
    pub result: Result<Outcome, DataError>,
}

impl Accounts {
    /// Accounts that gather the leads of the account `key` only (as the
    /// user wrote it: trimmed and compared ignoring case, as keys are), and
    /// of the others just their keys (an empty `key` matches no lead).
    pub fn only(key: &str) -> Accounts {
        let key = key_of(&Value::from(key)).map(Cow::into_owned);
        Accounts {
            only: Some(key.unwrap_or_default()),
            ..Accounts::default()
        }
    }

    /// Every key seen, in key order (with [`Accounts::only`], the others too).
    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.accounts.keys().map(String::as_str).collect();
        keys.extend(self.others.iter().map(String::as_str));
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Counts a lead that could not be scored: it is in no account, but a
    /// report on the account its key names should say it is missing.
    /// `key` is the lead's value at the key ([`Plan::key_value`]), when the
    /// lead could be read at all.
    pub fn add_unscored(&mut self, key: Option<&Value>) {
        self.unscored += 1;
        let key = key.and_then(key_of);
        if key.is_some() && key.as_deref() == self.only.as_deref() {
            self.unscored_here += 1;
        }
    }

    /// Adds a lead that [`Plan::lead_program`] scored with `outcome`, whose
    /// projected values it takes; `lead` is the lead itself, needed only
    /// when [`Plan::needs_lead`].
    pub fn add(&mut self, plan: &Plan, outcome: &mut Outcome, lead: Option<&Value>) {
        self.add_noting(plan, outcome, lead, |_| {});
    }

    /// [`Accounts::add`], also handing the lead's account key (trimmed,
    /// text in lower case) to `note` when it has one.
    pub fn add_noting(
        &mut self,
        plan: &Plan,
        outcome: &mut Outcome,
        lead: Option<&Value>,
        note: impl FnOnce(&str),
    ) {
        let key = outcome.projected.first_mut().map(std::mem::take);
        let Some(key) = key.as_ref().and_then(key_of) else {
            self.without_key += 1;
            return;
        };
        note(&key);
        if self.only.as_deref().is_some_and(|only| only != key) {
            if !self.others.contains(key.as_ref()) {
                self.others.insert(key.into_owned());
            }
            return;
        }
        let gathered = match self.accounts.get_mut(key.as_ref()) {
            Some(g) => g,
            None => self.accounts.entry(key.into_owned()).or_default(),
        };
        let mut take = |source: &Source| plan.take(source, outcome, lead);
        gathered
            .fields
            .resize_with(plan.account_fields.len(), Default::default);
        for ((_, source), counts) in plan.account_fields.iter().zip(&mut gathered.fields) {
            let v = take(source);
            if !v.is_null() {
                counts.entry(v.to_string()).or_insert((0, v)).0 += 1;
            }
        }
        gathered.push(plan.element.iter().map(|(_, s)| take(s)));
    }

    /// Adds the accounts of another part of the input.
    pub fn merge(&mut self, other: Accounts) {
        self.without_key += other.without_key;
        self.unscored += other.unscored;
        self.unscored_here += other.unscored_here;
        self.others.extend(other.others);
        for (key, gathered) in other.accounts {
            self.accounts.entry(key).or_default().merge(gathered);
        }
    }

    /// How many accounts there are.
    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    /// No lead had a key (with [`Accounts::only`]: that key).
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// Scores every account with `program` ([`Plan::account_program`]), in
    /// key order, one at a time: an account's record is built when it is
    /// scored, so only one is in memory at once beside what was gathered.
    pub fn finish<'p>(
        self,
        plan: &'p Plan,
        program: &'p Program,
        opts: &'p EvalOptions,
    ) -> impl Iterator<Item = Account> + 'p {
        let sorted: BTreeMap<String, Gathered> = self.accounts.into_iter().collect();
        sorted.into_iter().map(move |(key, gathered)| {
            let lines = gathered.sorted_lines();
            let leads = lines.len();
            let record = record(plan, &gathered.fields, &lines);
            let result = program.score(&record, opts);
            Account {
                key,
                leads,
                record,
                result,
            }
        })
    }
}

/// An account's record: each account field read, as the most common
/// value among its leads, and `leads`, from each lead's `line` of values
/// (sorted, so the leads' order is the same however they came).
fn record(plan: &Plan, fields: &[ValueCounts], lines: &[&[u8]]) -> Value {
    let mut out = Value::Object(Map::new());
    for ((path, _), counts) in plan.account_fields.iter().zip(fields) {
        if let Some(v) = most_common(counts) {
            set_at(&mut out, path, v);
        }
    }
    let leads = lines.iter().map(|line| {
        let values: Vec<Value> = serde_json::from_slice(line).unwrap_or_default();
        let mut element = Value::Object(Map::new());
        for ((path, _), v) in plan.element.iter().zip(values) {
            if !v.is_null() {
                set_at(&mut element, path, v);
            }
        }
        element
    });
    set_at(
        &mut out,
        &[AccountDef::LEADS.to_string()],
        Value::Array(leads.collect()),
    );
    out
}

/// The most common present value; a tie goes to the smallest (numbers by
/// value, anything else by its JSON text). `None` when every value is null.
fn most_common(counts: &ValueCounts) -> Option<Value> {
    let mut best: Option<(usize, &Value)> = None;
    for (n, v) in counts.values() {
        let better = best.is_none_or(|(m, b)| *n > m || (*n == m && smaller(v, b)));
        if better {
            best = Some((*n, v));
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
        let counts = |vals: &[Value]| {
            let mut c = ValueCounts::new();
            for v in vals.iter().filter(|v| !v.is_null()) {
                c.entry(v.to_string()).or_insert((0, v.clone())).0 += 1;
            }
            c
        };
        let vals = [json!(50), json!(200), json!(200), Value::Null, json!(50)];
        assert_eq!(most_common(&counts(&vals)), Some(json!(50)));
        let vals = [json!(9), json!(10), json!(10)];
        assert_eq!(most_common(&counts(&vals)), Some(json!(10)));
        let vals = [json!("b"), json!("a")];
        assert_eq!(most_common(&counts(&vals)), Some(json!("a")));
        assert_eq!(most_common(&counts(&[Value::Null])), None);
    }

    #[test]
    fn a_path_is_set_through_new_objects() {
        let mut v = json!({"leads": []});
        set_at(&mut v, &["company".into(), "size".into()], json!(10));
        assert_eq!(v, json!({"leads": [], "company": {"size": 10}}));
    }
}

//! The accounts' part of a diff report: a heading with the key, then the
//! accounts' impact written as the leads' is, and what only accounts have
//! (those in one version only, the leads without a key); or one plain
//! sentence when only one version has an `account` block.

use super::{impact_json, leads_n, md, num, ACCOUNTS};
use crate::diagnostics::cli::count as noun_count;
use crate::diff::{AccountChange, AccountReport, Alone, Unmatched};
use serde_json::{json, Value};
use std::fmt::Write as _;

/// `company.domain`, or `company.name → company.domain` when the key changed.
fn key_text(r: &AccountReport) -> String {
    let (old, new) = (r.key.0.join("."), r.key.1.join("."));
    match old == new {
        true => old,
        false => format!("{old} → {new}"),
    }
}

/// The sentence for a diff where only one version has an `account` block.
fn one_side(which: &str, key: &[String]) -> String {
    format!(
        "only the {which} rules have an `account` block (by {}), so accounts are not compared",
        key.join(".")
    )
}

/// The lines only accounts have: those in one version only, leads without a key.
fn extra_lines(r: &AccountReport) -> Vec<String> {
    let mut lines = Vec::new();
    lines.extend(unmatched(&r.only_old, "old"));
    lines.extend(unmatched(&r.only_new, "new"));
    let (a, b) = r.without_key;
    match (a, b) {
        (0, 0) => {}
        _ if a == b => lines.push(format!("leads without a key (in no account): {a}")),
        _ => lines.push(format!(
            "leads without a key (in no account): {a} with the old rules, {b} with the new"
        )),
    }
    lines
}

/// `2 accounts only with the old rules: a.com (3 leads, score 50), …`.
fn unmatched(u: &Unmatched, which: &str) -> Option<String> {
    if u.count == 0 {
        return None;
    }
    let listed: Vec<String> = u.first.iter().map(alone).collect();
    let more = match u.count - u.first.len() {
        0 => String::new(),
        n => format!(" and {} more", leads_n(n)),
    };
    Some(format!(
        "{} only with the {which} rules: {}{more}",
        noun_count(u.count as u64, ACCOUNTS.one, ACCOUNTS.many),
        listed.join(", ")
    ))
}

fn alone(a: &Alone) -> String {
    let leads = noun_count(a.leads as u64, "lead", "leads");
    match a.score {
        Some(score) => format!("{} ({leads}, score {})", a.key, num(score)),
        None => format!("{} ({leads}, could not be scored)", a.key),
    }
}

/// Appends the accounts' part of the text report (nothing when neither
/// version has an `account` block).
pub(super) fn text(out: &mut String, change: &AccountChange) {
    match change {
        AccountChange::Neither => {}
        AccountChange::OnlyOld(key) => {
            let _ = writeln!(out, "\naccounts: {}", one_side("old", key));
        }
        AccountChange::OnlyNew(key) => {
            let _ = writeln!(out, "\naccounts: {}", one_side("new", key));
        }
        AccountChange::Both(r) => {
            let _ = writeln!(out, "\naccounts by {}:", key_text(r));
            super::text_impact(out, &r.impact, (ACCOUNTS, "  "), &extra_lines(r));
        }
    }
}

/// The accounts' part of the JSON report: null when neither version has an
/// `account` block; which versions have one and their keys; when both, the
/// accounts' impact as the leads' (a transition counts `accounts`), how
/// many accounts each version has, those in one only, and the leads
/// without a key.
pub(super) fn json(change: &AccountChange) -> Value {
    let dotted = |k: &[String]| k.join(".");
    match change {
        AccountChange::Neither => Value::Null,
        AccountChange::OnlyOld(key) => json!({
            "in_old": true, "in_new": false,
            "key": { "old": dotted(key), "new": null },
        }),
        AccountChange::OnlyNew(key) => json!({
            "in_old": false, "in_new": true,
            "key": { "old": null, "new": dotted(key) },
        }),
        AccountChange::Both(r) => {
            let mut map = impact_json(&r.impact, ACCOUNTS);
            let extra = json!({
                "in_old": true, "in_new": true,
                "key": { "old": dotted(&r.key.0), "new": dotted(&r.key.1) },
                "accounts": { "old": r.accounts.0, "new": r.accounts.1 },
                "without_key": { "old": r.without_key.0, "new": r.without_key.1 },
                "only_old": unmatched_json(&r.only_old),
                "only_new": unmatched_json(&r.only_new),
            });
            if let Value::Object(extra) = extra {
                map.extend(extra);
            }
            Value::Object(map)
        }
    }
}

fn unmatched_json(u: &Unmatched) -> Value {
    let first: Vec<Value> = u
        .first
        .iter()
        .map(|a| json!({ "key": a.key, "leads": a.leads, "score": a.score }))
        .collect();
    json!({ "count": u.count, "first": first })
}

/// The accounts' counts for `--summary-json`.
pub fn account_counts(r: &AccountReport) -> Value {
    json!({
        "old": r.accounts.0,
        "new": r.accounts.1,
        "compared": r.impact.compared,
        "errors": r.impact.errors,
        "changed": r.impact.changed,
        "only_old": r.only_old.count,
        "only_new": r.only_new.count,
    })
}

/// Appends the accounts' part of the Markdown report.
pub(super) fn markdown(out: &mut String, change: &AccountChange) {
    let title = "\n#### Accounts";
    match change {
        AccountChange::Neither => {}
        AccountChange::OnlyOld(key) => {
            let _ = writeln!(out, "{title}\n\n{}", md(&one_side("old", key)));
        }
        AccountChange::OnlyNew(key) => {
            let _ = writeln!(out, "{title}\n\n{}", md(&one_side("new", key)));
        }
        AccountChange::Both(r) => {
            let _ = writeln!(out, "{title} by `{}`\n", key_text(r));
            super::markdown_impact(out, &r.impact, ACCOUNTS, &extra_lines(r));
        }
    }
}

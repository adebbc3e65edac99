//! A [`Report`] as plain text, JSON, or Markdown for a pull-request comment.
//! The leads' and the accounts' impact are written alike (`accounts.rs`
//! adds what only accounts have).

mod accounts;

pub use accounts::account_counts;

use super::{Impact, LabelMoves, Moved, Report, RuleFires};
use crate::diagnostics::cli::{count as noun_count, thousands};
use crate::diagnostics::visible::visible_line;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;

/// What the records of an [`Impact`] are called.
#[derive(Clone, Copy)]
struct Unit {
    one: &'static str,
    many: &'static str,
}

const LEADS: Unit = Unit {
    one: "lead",
    many: "leads",
};

const ACCOUNTS: Unit = Unit {
    one: "account",
    many: "accounts",
};

/// A score or points as written: integers without a fraction (with
/// thousands separators), others as `score` prints them (up to six
/// fraction digits, the most points hold), so a change of 0.001 never
/// shows as `0.00`.
fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        let digits = thousands(x.abs() as u64);
        if x < 0.0 {
            format!("-{digits}")
        } else {
            digits
        }
    } else {
        let mut text = String::new();
        crate::eval::push_num(&mut text, x);
        text
    }
}

/// The mean change, an average rather than points: to two decimals unless
/// whole, or smaller than a hundredth (then as points, so it never reads `0.00`).
fn mean(x: f64) -> String {
    if x.fract() == 0.0 || (x * 100.0).round() == 0.0 {
        return signed(x);
    }
    if x > 0.0 {
        format!("+{x:.2}")
    } else {
        format!("{x:.2}")
    }
}

/// A count as written: `1,234`.
fn leads_n(n: usize) -> String {
    thousands(n as u64)
}

/// A change with its sign: `+12`, `-3`, `0`.
fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", num(x))
    } else {
        num(x)
    }
}

fn value_text(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "(none)".into())
}

/// The one-line summaries shared by the text and Markdown forms.
fn summary(r: &Impact, unit: Unit) -> Vec<String> {
    let mut lines = vec![format!(
        "{} of {} changed score; mean change {}",
        leads_n(r.changed),
        noun_count(r.compared as u64, unit.one, unit.many),
        mean(r.mean_change)
    )];
    // An id is shown on one line: a line break in it cannot fake a line
    // of the report.
    if let Some((id, c)) = &r.largest_rise {
        let id = visible_line(id);
        lines.push(format!("largest rise: {} ({id})", signed(*c)));
    }
    if let Some((id, c)) = &r.largest_fall {
        let id = visible_line(id);
        lines.push(format!("largest fall: {} ({id})", signed(*c)));
    }
    if r.errors > 0 {
        lines.push(format!(
            "{} could not be scored by one of the versions",
            noun_count(r.errors as u64, unit.one, unit.many)
        ));
    }
    lines
}

/// `added`, `removed`, or the change in how many records a rule fired for.
fn rule_change(f: &RuleFires) -> String {
    match (f.old, f.new) {
        (None, _) => "added".into(),
        (_, None) => "removed".into(),
        (Some(a), Some(b)) => signed(b as f64 - a as f64),
    }
}

fn count(c: Option<usize>) -> String {
    c.map_or("-".into(), leads_n)
}

/// `, points 600 → 720 (+120)` when the rule's points changed, else nothing.
fn points_change(f: &RuleFires) -> String {
    if f.old_points == f.new_points || f.old.is_none() || f.new.is_none() {
        return String::new();
    }
    format!(
        ", points {} → {} ({})",
        num(f.old_points),
        num(f.new_points),
        signed(f.new_points - f.old_points)
    )
}

fn label_title(l: &LabelMoves) -> String {
    match l.present {
        (true, false) => format!("{} (removed)", l.name),
        (false, true) => format!("{} (added)", l.name),
        _ => l.name.clone(),
    }
}

/// Plain text for a terminal.
pub fn text(r: &Report) -> String {
    let mut out = String::new();
    text_impact(&mut out, &r.impact, (LEADS, ""), &[]);
    accounts::text(&mut out, &r.accounts);
    out
}

/// The summary lines (then `extra` ones), label matrices, changed rules
/// and sample of one impact, each line after `indent`.
fn text_impact(out: &mut String, r: &Impact, (unit, indent): (Unit, &str), extra: &[String]) {
    for line in summary(r, unit).iter().chain(extra) {
        let _ = writeln!(out, "{indent}{line}");
    }
    for l in &r.labels {
        let _ = writeln!(out, "\n{indent}{}:", label_title(l));
        for ((from, to), n) in &l.moves {
            let mark = if from == to { " " } else { "*" };
            let (from, to, n) = (value_text(from), value_text(to), leads_n(*n));
            let _ = writeln!(out, "{indent}{mark} {from} → {to}: {n}");
        }
    }
    let changed: Vec<&RuleFires> = r.rules.iter().filter(|f| f.changed()).collect();
    if !changed.is_empty() {
        let _ = writeln!(
            out,
            "\n{indent}rules that fire for a different number of {} or give different points:",
            unit.many
        );
        for f in changed {
            let _ = writeln!(
                out,
                "{indent}  {}: {} → {} ({}){}",
                f.label,
                count(f.old),
                count(f.new),
                rule_change(f),
                points_change(f)
            );
        }
    }
    for m in &r.sample {
        let (old, new) = (num(m.old), num(m.new));
        let id = visible_line(&m.id);
        let _ = writeln!(out, "\n{indent}{} {id}: {old} → {new}", unit.one);
        let _ = writeln!(out, "{indent}  old: {}", reasons_line(&m.old_reasons));
        let _ = writeln!(out, "{indent}  new: {}", reasons_line(&m.new_reasons));
    }
}

fn reasons_line(reasons: &[(String, f64)]) -> String {
    if reasons.is_empty() {
        return "no points".into();
    }
    let parts: Vec<String> = reasons
        .iter()
        .map(|(rule, p)| format!("{rule} {}", signed(*p)))
        .collect();
    parts.join("; ")
}

/// The report as one JSON value: the leads' impact at the top level, the
/// accounts' under `accounts` (null when neither version has a block).
pub fn json(r: &Report) -> Value {
    let mut top = Map::new();
    top.insert("leads".into(), json!(r.leads));
    top.extend(impact_json(&r.impact, LEADS));
    top.insert("accounts".into(), accounts::json(&r.accounts));
    Value::Object(top)
}

/// One impact's fields; a transition counts its records under `unit.many`.
fn impact_json(r: &Impact, unit: Unit) -> Map<String, Value> {
    let labels: Vec<Value> = r
        .labels
        .iter()
        .map(|l| {
            let moves: Vec<Value> = l
                .moves
                .iter()
                .map(|((from, to), n)| json!({ "from": from, "to": to, unit.many: n }))
                .collect();
            json!({ "name": l.name, "in_old": l.present.0, "in_new": l.present.1, "transitions": moves })
        })
        .collect();
    let rules: Vec<Value> = r
        .rules
        .iter()
        .map(|f| {
            json!({ "rule": f.label, "old": f.old, "new": f.new,
                    "old_points": f.old_points, "new_points": f.new_points })
        })
        .collect();
    let sample: Vec<Value> = r.sample.iter().map(moved_json).collect();
    let extreme =
        |e: &Option<(String, f64)>| e.as_ref().map(|(id, c)| json!({ "id": id, "change": c }));
    let fields = [
        ("compared", json!(r.compared)),
        ("errors", json!(r.errors)),
        ("changed", json!(r.changed)),
        ("mean_change", json!(r.mean_change)),
        ("largest_rise", json!(extreme(&r.largest_rise))),
        ("largest_fall", json!(extreme(&r.largest_fall))),
        ("labels", Value::from(labels)),
        ("rules", Value::from(rules)),
        ("sample", Value::from(sample)),
    ];
    fields
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

fn moved_json(m: &Moved) -> Value {
    let reasons = |rs: &[(String, f64)]| -> Vec<Value> {
        rs.iter()
            .map(|(rule, p)| json!({ "rule": rule, "points": p }))
            .collect()
    };
    json!({
        "id": m.id,
        "old": m.old,
        "new": m.new,
        "old_reasons": reasons(&m.old_reasons),
        "new_reasons": reasons(&m.new_reasons),
    })
}

/// Markdown for a pull-request comment: a summary, a table per label, the
/// rules whose firing changed, and the sample in collapsible details; then
/// the same for the accounts.
pub fn markdown(r: &Report) -> String {
    let mut out = String::from("### leadscore: impact of this rules change\n\n");
    markdown_impact(&mut out, &r.impact, LEADS, &[]);
    accounts::markdown(&mut out, &r.accounts);
    out
}

/// One impact as Markdown: the summary (then `extra` lines) as a list,
/// then the tables.
fn markdown_impact(out: &mut String, r: &Impact, unit: Unit, extra: &[String]) {
    for line in summary(r, unit).iter().chain(extra) {
        let _ = writeln!(out, "- {}", md(line));
    }
    for l in &r.labels {
        markdown_label(out, l, unit);
    }
    markdown_rules(out, r, unit);
    markdown_sample(out, &r.sample, unit);
}

fn markdown_label(out: &mut String, l: &LabelMoves, unit: Unit) {
    let _ = writeln!(
        out,
        "\n**{}**\n\n| old | new | {} |\n|---|---|---:|",
        label_title(l),
        unit.many
    );
    for ((from, to), n) in &l.moves {
        let (a, b) = (md(&value_text(from)), md(&value_text(to)));
        let n = leads_n(*n);
        let row = if from == to {
            format!("| {a} | {b} | {n} |")
        } else {
            format!("| **{a}** | **{b}** | **{n}** |")
        };
        let _ = writeln!(out, "{row}");
    }
}

fn markdown_rules(out: &mut String, r: &Impact, unit: Unit) {
    let changed: Vec<&RuleFires> = r.rules.iter().filter(|f| f.changed()).collect();
    if changed.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n**Rules that fire for a different number of {} or give different points**\n\n| rule | old | new | change | points |\n|---|---:|---:|---:|---|", unit.many);
    for f in changed {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md(&f.label),
            count(f.old),
            count(f.new),
            rule_change(f),
            points_change(f).trim_start_matches(", points ")
        );
    }
}

fn markdown_sample(out: &mut String, sample: &[Moved], unit: Unit) {
    if sample.is_empty() {
        return;
    }
    let what = match sample.len() {
        1 => format!("The {} that moved most", unit.one),
        n => format!("The {n} {} that moved most", unit.many),
    };
    let _ = writeln!(out, "\n<details><summary>{what}</summary>\n");
    for m in sample {
        let _ = writeln!(out, "#### {}: {} → {}\n", md(&m.id), num(m.old), num(m.new));
        let _ = writeln!(
            out,
            "- old: {}\n- new: {}\n",
            md(&reasons_line(&m.old_reasons)),
            md(&reasons_line(&m.new_reasons))
        );
    }
    out.push_str("</details>\n");
}

/// Text safe inside a Markdown table cell: `|` and `<` escaped, newlines folded.
fn md(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('\n', " ")
}

//! The `reasons` column of `compile --explain`: per lead the JSON array
//! `leadscore score --explain` writes, with its elements in its order, its
//! keys and its number text.
//!
//! Each possible reason is worked out in whole millionths in one step of the
//! query (`NULL` when it is no reason for the lead): a rule's points unless
//! they are 0, then per group its `max` and `min` clamps when they changed
//! the total, then the score's. The column writes each present one as
//! `{"rule":…,"group":…,"points":N}` (the constant head JSON-escaped by the
//! interpreter's own code, `N` as `push_num` prints whole millionths) and
//! joins them with `concat_ws`, which skips `NULL`s.

use super::dialect::Dialect;
use super::emit::clamp;
use crate::eval::{clamp_rule, push_reason_head, Bound};
use crate::rules::Ruleset;

/// The totals the clamps act on, as SQL in whole millionths.
pub(super) struct Totals<'t> {
    /// Per group, the sum of its rules' points before its clamps.
    pub groups: &'t [String],
    /// The score before its own clamps (ungrouped points and group totals).
    pub score: &'t str,
    /// Each group's `max` and `min`, then the score's, in millionths.
    pub bounds: &'t [(Option<i64>, Option<i64>)],
}

/// One possible reason: the JSON text before its points, and its points in
/// millionths as SQL (`NULL` when it is no reason for the lead).
struct Reason {
    head: String,
    units: String,
}

/// The most arguments one `concat_ws` gets (PostgreSQL takes 100 at most).
const CHUNK: usize = 50;

/// The reasons as two steps of the query, each a list of columns: each
/// reason's points in millionths (`__r0`, `__r1`, ...), then its JSON text
/// (`__t0`, ...); and the `reasons` column that joins the texts.
pub(super) fn columns(
    rules: &Ruleset,
    d: &dyn Dialect,
    totals: &Totals,
) -> ([Vec<String>; 2], String) {
    let all = reasons(rules, totals);
    let units = all
        .iter()
        .enumerate()
        .map(|(k, r)| format!("{} AS __r{k}", r.units))
        .collect();
    let texts = all
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let u = format!("__r{k}");
            format!(
                "CASE WHEN {u} IS NOT NULL THEN concat({}, {}, '}}') END AS __t{k}",
                d.string(&r.head),
                number(d, &u)
            )
        })
        .collect();
    let names: Vec<String> = (0..all.len()).map(|k| format!("__t{k}")).collect();
    let array = match names.is_empty() {
        true => "'[]'".to_string(),
        false => format!("concat('[', {}, ']')", joined(&names)),
    };
    ([units, texts], d.json(&array))
}

/// Every possible reason, in the interpreter's order: rules, then each
/// group's clamps in group order, then the score's.
fn reasons(rules: &Ruleset, totals: &Totals) -> Vec<Reason> {
    let group = |g: Option<usize>| g.map(|g| rules.groups[g].name.as_str());
    let mut out: Vec<Reason> = rules
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| Reason {
            head: head(&r.label, group(r.group)),
            units: format!("NULLIF(__u{i}, 0)"),
        })
        .collect();
    for (g, def) in rules.groups.iter().enumerate() {
        let limits = (def.max, def.min);
        let name = group(Some(g));
        clamps(
            &mut out,
            &totals.groups[g],
            totals.bounds[g],
            limits,
            false,
            name,
        );
    }
    let limits = (rules.score_max, rules.score_min);
    let bounds = totals.bounds[rules.groups.len()];
    clamps(&mut out, totals.score, bounds, limits, true, None);
    out
}

/// The `max` then `min` clamp of `total` (millionths in `bounds`, as
/// written in `limits`), each a reason when it changed the total.
fn clamps(
    out: &mut Vec<Reason>,
    total: &str,
    bounds: (Option<i64>, Option<i64>),
    limits: (Option<f64>, Option<f64>),
    score: bool,
    group: Option<&str>,
) {
    if let Some(m) = bounds.0 {
        out.push(Reason {
            head: head(&clamp_rule(score, Bound::Max, limits.0), group),
            units: format!("CASE WHEN {total} > {m} THEN {m} - {total} END"),
        });
    }
    if let Some(m) = bounds.1 {
        let t = clamp(total.to_string(), bounds.0, None);
        out.push(Reason {
            head: head(&clamp_rule(score, Bound::Min, limits.1), group),
            units: format!("CASE WHEN {t} < {m} THEN {m} - {t} END"),
        });
    }
}

fn head(rule: &str, group: Option<&str>) -> String {
    let mut s = String::new();
    push_reason_head(&mut s, rule, group);
    s
}

/// Whole millionths `u` (a `BIGINT`, not `NULL`, below 4e15 in size) as
/// `push_num` prints the points: the integer part, then a point and the
/// fraction digits without trailing zeros when there are any.
fn number(d: &dyn Dialect, u: &str) -> String {
    let t = d.text();
    let a = format!("abs({u})");
    let frac = format!("({a} % 1000000)");
    let whole = format!("CAST(CAST(({a} - {frac}) / 1000000 AS BIGINT) AS {t})");
    let digits = format!("lpad(CAST({frac} AS {t}), 6, '0')");
    format!(
        "concat(CASE WHEN {u} < 0 THEN '-' ELSE '' END, {whole}, CASE WHEN {frac} = 0 THEN '' ELSE concat('.', regexp_replace({digits}, '0+$', '')) END)"
    )
}

/// `parts` joined with commas, `NULL`s left out, in chunks of [`CHUNK`].
fn joined(parts: &[String]) -> String {
    if parts.len() <= CHUNK {
        return format!("concat_ws(',', {})", parts.join(", "));
    }
    let chunks: Vec<String> = parts
        .chunks(CHUNK)
        .map(|c| format!("NULLIF({}, '')", joined(c)))
        .collect();
    joined(&chunks)
}

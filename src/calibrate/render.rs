//! The report's four forms: aligned text for the terminal (`text.rs`), the
//! stable JSON schema (`json`), Markdown for a pull request (`markdown.rs`)
//! and one self-contained HTML file with inline SVG charts (`html.rs`,
//! `svg.rs`). Text and Markdown share the tables built here.

mod html;
mod markdown;
mod svg;
mod text;

pub use html::{html, CELL, CHARTS, HEADER, MARGIN};
pub use markdown::markdown;
pub use text::text;

use super::{Report, Target, Threshold};
use crate::diagnostics::calibrate::{flag, warning};

/// The report as pretty-printed JSON (the schema is the [`Report`] type,
/// documented in docs/calibration.md), with each warning's wording added.
pub fn json(report: &Report) -> String {
    let mut value = serde_json::to_value(report).unwrap_or_default();
    if let Some(list) = value.get_mut("warnings").and_then(|w| w.as_array_mut()) {
        for (item, w) in list.iter_mut().zip(&report.warnings) {
            item["message"] = warning(w).into();
        }
    }
    format!("{value:#}\n")
}

/// A table: headers, rows of cells, and which columns are numbers (right-aligned).
pub struct Table {
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
    /// Right-align these columns.
    pub numeric: Vec<bool>,
}

impl Table {
    fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            numeric: headers.iter().enumerate().map(|(i, _)| i > 0).collect(),
        }
    }
}

/// `12.3%`.
pub fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A statistic with four decimals, or `-` when undefined.
pub fn stat(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.4}"))
}

/// Points as written in a rules file: `+50`, `-20`, `+2.5`.
pub fn points(x: Option<f64>) -> String {
    match x {
        None => "-".into(),
        Some(v) if v.fract() == 0.0 => format!("{:+}", v as i64),
        Some(v) => format!("{v:+}"),
    }
}

/// A score for display: whole numbers without decimals.
pub fn score(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x:.2}")
    }
}

/// One table per label block: each value's leads, conversions, rate, lift, share.
pub fn label_tables(report: &Report) -> Vec<(String, Table)> {
    report
        .labels
        .iter()
        .map(|(name, values)| {
            let mut t = Table::new(&[
                name,
                "leads",
                "conversions",
                "rate",
                "lift",
                "share of conversions",
            ]);
            for v in values {
                t.rows.push(vec![
                    v.value.clone().unwrap_or_else(|| "(none)".into()),
                    v.leads.to_string(),
                    v.conversions.to_string(),
                    pct(v.rate),
                    format!("{:.2}", v.lift),
                    pct(v.share_of_conversions),
                ]);
            }
            (name.clone(), t)
        })
        .collect()
}

/// Conversion by score band.
pub fn band_table(report: &Report) -> Table {
    let mut t = Table::new(&["score", "leads", "conversions", "rate", "lift"]);
    for b in &report.bands {
        t.rows.push(vec![
            format!("{}..{}", score(b.low), score(b.high)),
            b.leads.to_string(),
            b.conversions.to_string(),
            pct(b.rate),
            format!("{:.2}", b.lift),
        ]);
    }
    t
}

/// The rule evidence table.
pub fn rule_table(report: &Report) -> Table {
    let mut t = Table::new(&[
        "rule",
        "points",
        "fired",
        "rate fired",
        "rate not",
        "lift",
        "WoE",
        "IV",
        "95% CI",
        "suggested",
        "flags",
    ]);
    t.numeric[10] = false;
    for r in &report.rules {
        let e = &r.evidence;
        let per = if r.kind == "count" { "/unit" } else { "" };
        t.rows.push(vec![
            r.rule.clone(),
            format!("{}{per}", points(r.points)),
            e.fired.to_string(),
            pct(e.rate_fired),
            pct(e.rate_not_fired),
            format!("{:.2}", e.lift),
            format!("{:+.2}", e.woe),
            format!("{:.3}", e.iv),
            format!("{}-{}", pct(e.ci_low), pct(e.ci_high)),
            points(r.suggested_points),
            r.flags
                .iter()
                .map(|&f| flag(f))
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    t
}

/// The thresholds table.
pub fn threshold_table(report: &Report) -> Table {
    let mut t = Table::new(&[
        "label",
        "target",
        "score >=",
        "leads",
        "share",
        "precision",
        "recall",
    ]);
    t.numeric[1] = false;
    for th in &report.thresholds {
        t.rows.push(cut_row(th, "current", Some(&th.current)));
        if let Some(target) = th.target {
            t.rows
                .push(cut_row(th, &target_text(target), th.suggested.as_ref()));
        }
    }
    t
}

fn cut_row(th: &Threshold, what: &str, cut: Option<&super::Cut>) -> Vec<String> {
    let name = format!("{}={}", th.label, th.value);
    match cut {
        Some(c) => vec![
            name,
            what.to_string(),
            score(c.threshold),
            c.leads.to_string(),
            pct(c.share),
            pct(c.precision),
            pct(c.recall),
        ],
        None => vec![
            name,
            what.to_string(),
            "none meets it".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            "-".into(),
        ],
    }
}

/// `top 10%`, `200/week`, `rate >= 30%`.
pub fn target_text(t: Target) -> String {
    match t {
        Target::Top(share) => format!("top {}", pct(share)),
        Target::Capacity(per_week) => format!("{}/week", score(per_week)),
        Target::MinRate(rate) => format!("rate >= {}", pct(rate)),
    }
}

/// The drift table: the score, then each rule.
pub fn drift_table(report: &Report) -> Option<Table> {
    let d = report.drift.as_ref()?;
    let mut t = Table::new(&["population", "baseline", "now", "PSI", "band"]);
    t.numeric[4] = false;
    t.rows.push(vec![
        "score (deciles)".into(),
        d.baseline_leads.to_string(),
        report.data.leads_read.to_string(),
        format!("{:.3}", d.score_psi),
        band(d.score_band).into(),
    ]);
    for r in &d.rules {
        t.rows.push(vec![
            r.rule.clone(),
            pct(r.baseline_rate),
            pct(r.current_rate),
            format!("{:.3}", r.psi),
            band(r.band).into(),
        ]);
    }
    Some(t)
}

fn band(b: super::PsiBand) -> &'static str {
    match b {
        super::PsiBand::Stable => "stable",
        super::PsiBand::Shift => "shift",
        super::PsiBand::Change => "change",
    }
}

/// The headline lines shared by text and Markdown.
pub fn headline(report: &Report) -> Vec<String> {
    let c = &report.calibration;
    let mut lines = vec![
        format!(
            "{} leads, {} conversions, base rate {}",
            report.leads,
            report.conversions,
            pct(report.base_rate)
        ),
        format!(
            "AUC {}  Gini {}  KS {}{}",
            stat(report.auc),
            stat(report.gini),
            stat(report.ks),
            report
                .ks_score
                .map_or(String::new(), |s| format!(" (at score {})", score(s)))
        ),
        format!(
            "Brier {:.4} isotonic, {:.4} logistic on the score, {:.4} base rate alone",
            c.brier, c.brier_logistic, c.brier_base
        ),
    ];
    if let Some(m) = &report.model {
        lines.push(format!(
            "suggested points: logistic regression with L2 penalty {}, fitted on {} leads; \
             PDO {} (every {} points double the odds), Factor {:.2}, score 0 = odds {:.4}",
            score(m.l2),
            m.train_leads,
            score(m.pdo),
            score(m.pdo),
            m.factor,
            m.intercept.exp()
        ));
    }
    if let Some(h) = &report.holdout {
        lines.push(format!(
            "holdout ({} of leads by id: {} leads, {} conversions): AUC current {}, suggested {}",
            pct(h.fraction),
            h.leads,
            h.conversions,
            stat(h.auc_current),
            stat(h.auc_suggested)
        ));
    }
    lines
}

/// Each warning as one line.
pub fn warning_lines(report: &Report) -> Vec<String> {
    report.warnings.iter().map(warning).collect()
}

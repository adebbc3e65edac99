//! The HTML report: one self-contained file (inline CSS and SVG, no script,
//! nothing fetched). The header has a fixed height and the five charts sit
//! on a fixed grid of 480 × 320 pixel cells, two per row, so a screenshot
//! test knows where each chart is; the tables follow.

use super::svg::{esc, Chart, BLUE, GREY, ORANGE};
use super::{
    band_table, drift_table, headline, label_tables, rule_table, threshold_table, warning_lines,
    Table,
};
use crate::calibrate::Report;
use std::fmt::Write;

/// Height of the header, in CSS pixels.
pub const HEADER: u32 = 140;
/// Each chart cell's size, in CSS pixels.
pub const CELL: (u32, u32) = (480, 320);
/// The left margin of the chart grid.
pub const MARGIN: u32 = 16;
/// The names of the charts, in grid order.
pub const CHARTS: [&str; 5] = ["roc", "gains", "bands", "histogram", "calibration"];

/// The report as one HTML page.
pub fn html(report: &Report, title: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{}</style></head><body>",
        esc(title),
        style()
    );
    let _ = write!(out, "<header><h1>{}</h1>", esc(title));
    for line in headline(report) {
        let _ = write!(out, "<p>{}</p>", esc(&line));
    }
    out.push_str("</header><div class=\"charts\">");
    for svg in [
        roc(report),
        gains(report),
        bands(report),
        histogram(report),
        calibration(report),
    ] {
        let _ = write!(out, "<div class=\"cell\">{svg}</div>");
    }
    out.push_str("</div><main>");
    for w in warning_lines(report) {
        let _ = write!(out, "<p class=\"warning\">warning: {}</p>", esc(&w));
    }
    for (name, t) in label_tables(report) {
        section(&mut out, &format!("Label {name}"), &t, "labels");
    }
    section(
        &mut out,
        "Conversion by score band",
        &band_table(report),
        "bands",
    );
    section(&mut out, "Rules", &rule_table(report), "rules");
    if !report.thresholds.is_empty() {
        section(
            &mut out,
            "Thresholds",
            &threshold_table(report),
            "thresholds",
        );
    }
    if let Some(t) = drift_table(report) {
        section(&mut out, "Drift from the baseline", &t, "drift");
    }
    out.push_str("</main></body></html>\n");
    out
}

fn style() -> String {
    format!(
        "body{{margin:0;font-family:sans-serif;font-size:13px;color:#222;background:#fff}}\
         header{{height:{HEADER}px;overflow:hidden;box-sizing:border-box;padding:8px {MARGIN}px}}\
         h1{{font-size:18px;margin:4px 0}}header p{{margin:2px 0}}\
         .charts{{display:grid;grid-template-columns:repeat(2,{}px);grid-auto-rows:{}px;padding-left:{MARGIN}px}}\
         main{{padding:0 {MARGIN}px 24px}}table{{border-collapse:collapse;margin:4px 0 12px}}\
         td,th{{border:1px solid #ccc;padding:2px 6px}}td.n{{text-align:right}}\
         .warning{{color:#a33}}",
        CELL.0, CELL.1
    )
}

fn section(out: &mut String, title: &str, t: &Table, class: &str) {
    let _ = write!(out, "<h2>{}</h2><table class=\"{class}\"><tr>", esc(title));
    for h in &t.headers {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr>");
    for row in &t.rows {
        out.push_str("<tr>");
        for (cell, &numeric) in row.iter().zip(&t.numeric) {
            let class = if numeric { " class=\"n\"" } else { "" };
            let _ = write!(out, "<td{class}>{}</td>", esc(cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
}

fn unit_chart(name: &'static str, title: &str, labels: (&str, &str)) -> Chart {
    Chart::new(name, title, (0.0, 1.0), (0.0, 1.0), labels)
}

fn roc(r: &Report) -> String {
    let auc = super::stat(r.auc);
    let mut c = unit_chart(
        "roc",
        &format!("ROC curve (AUC {auc})"),
        ("false positive rate", "true positive rate"),
    );
    c.line(&[[0.0, 0.0], [1.0, 1.0]], GREY, true);
    c.line(&r.roc, BLUE, false);
    c.finish()
}

fn gains(r: &Report) -> String {
    let mut c = unit_chart(
        "gains",
        "Gains: conversions captured",
        (
            "share of leads, highest score first",
            "share of conversions",
        ),
    );
    c.line(&[[0.0, 0.0], [1.0, 1.0]], GREY, true);
    c.line(&r.gains, BLUE, false);
    c.legend(0, "this score", BLUE);
    c.legend(1, "random order", GREY);
    c.finish()
}

fn bands(r: &Report) -> String {
    let top = r.bands.iter().map(|b| b.rate).fold(r.base_rate, f64::max) * 1.1;
    let n = r.bands.len().max(1) as f64;
    let mut c = Chart::new(
        "bands",
        "Conversion rate by score band",
        (0.0, n),
        (0.0, top.max(1e-9)),
        ("score band, lowest to highest", "conversion rate"),
    );
    for (i, b) in r.bands.iter().rev().enumerate() {
        let x = i as f64;
        c.bar(x + 0.1, x + 0.9, b.rate, BLUE);
    }
    c.line(&[[0.0, r.base_rate], [n, r.base_rate]], GREY, true);
    c.legend(0, "base rate", GREY);
    c.finish()
}

fn histogram(r: &Report) -> String {
    let h = &r.histogram;
    let bins = h.converted.len();
    let share = |v: &[u64]| {
        let total = v.iter().sum::<u64>().max(1) as f64;
        v.iter().map(|&x| x as f64 / total).collect::<Vec<f64>>()
    };
    let (conv, others) = (share(&h.converted), share(&h.others));
    let top = conv.iter().chain(&others).fold(0.0f64, |a, &b| a.max(b)) * 1.1;
    let end = h.start + h.width * bins as f64;
    let mut c = Chart::new(
        "histogram",
        "Scores: converters vs others",
        (h.start, end),
        (0.0, top.max(1e-9)),
        ("score", "share of the group"),
    );
    for i in 0..bins {
        let x = h.start + h.width * i as f64;
        c.bar(x + h.width * 0.05, x + h.width * 0.5, others[i], GREY);
        c.bar(x + h.width * 0.5, x + h.width * 0.95, conv[i], ORANGE);
    }
    c.legend(0, "converted", ORANGE);
    c.legend(1, "did not convert", GREY);
    c.finish()
}

fn calibration(r: &Report) -> String {
    let cal = &r.calibration;
    let lo = cal.steps.first().map_or(0.0, |s| s.low);
    let hi = cal.steps.last().map_or(1.0, |s| s.high);
    let top = cal
        .steps
        .iter()
        .map(|s| s.probability)
        .fold(0.0f64, f64::max)
        .max(1e-9)
        * 1.1;
    let mut c = Chart::new(
        "calibration",
        "Calibration: score to probability",
        (lo, hi),
        (0.0, top.min(1.0)),
        ("score", "probability of converting"),
    );
    let steps: Vec<[f64; 2]> = cal
        .steps
        .iter()
        .flat_map(|s| [[s.low, s.probability], [s.high, s.probability]])
        .collect();
    c.line(&steps, BLUE, false);
    let curve: Vec<[f64; 2]> = (0..=40)
        .map(|i| lo + (hi - lo) * f64::from(i) / 40.0)
        .map(|s| [s, cal.logistic.at(s).min(top)])
        .collect();
    c.line(&curve, ORANGE, true);
    for b in &r.bands {
        c.dot((b.low + b.high) / 2.0, b.rate.min(top), BLUE);
    }
    c.legend(0, "isotonic fit", BLUE);
    c.legend(1, "logistic fit", ORANGE);
    c.legend(2, "observed, by band", BLUE);
    c.finish()
}

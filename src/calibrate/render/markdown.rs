//! The report as Markdown, for a pull-request comment.

use super::{
    band_table, drift_table, headline, label_tables, rule_table, threshold_table, warning_lines,
    Table,
};
use crate::calibrate::Report;

/// The report as Markdown.
pub fn markdown(report: &Report) -> String {
    let mut out = String::from("## Calibration\n\n");
    for line in headline(report) {
        out.push_str(&format!("- {line}\n"));
    }
    for w in warning_lines(report) {
        out.push_str(&format!("\n> **Warning:** {w}\n"));
    }
    for (name, table) in label_tables(report) {
        section(&mut out, &format!("Label `{name}`"), &table);
    }
    section(&mut out, "Conversion by score band", &band_table(report));
    section(&mut out, "Rules", &rule_table(report));
    if !report.thresholds.is_empty() {
        section(&mut out, "Thresholds", &threshold_table(report));
    }
    if let Some(t) = drift_table(report) {
        section(&mut out, "Drift from the baseline", &t);
    }
    out
}

fn section(out: &mut String, title: &str, t: &Table) {
    out.push_str(&format!("\n### {title}\n\n"));
    out.push_str(&table(t));
}

/// A Markdown table; `|` in cells is escaped.
pub fn table(t: &Table) -> String {
    let cell = |c: &String| c.replace('|', "\\|");
    let mut out = String::new();
    let row = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    out.push_str(&row(t.headers.iter().map(cell).collect()));
    let rules = t
        .numeric
        .iter()
        .map(|&n| if n { "---:" } else { "---" }.to_string());
    out.push_str(&row(rules.collect()));
    for r in &t.rows {
        out.push_str(&row(r.iter().map(cell).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_in_cells_are_escaped() {
        let t = Table {
            headers: vec!["rule".into(), "n".into()],
            rows: vec![vec!["a | b".into(), "1".into()]],
            numeric: vec![false, true],
        };
        assert_eq!(table(&t), "| rule | n |\n| --- | ---: |\n| a \\| b | 1 |\n");
    }
}

//! The terminal report: headline figures, then aligned tables.

use super::{
    band_table, drift_table, headline, label_tables, rule_table, threshold_table, warning_lines,
    Table,
};
use crate::calibrate::Report;

/// The report as aligned plain text.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    for line in headline(report) {
        out.push_str(&line);
        out.push('\n');
    }
    for (_, table) in label_tables(report) {
        section(&mut out, None, &table);
    }
    section(
        &mut out,
        Some("conversion by score band"),
        &band_table(report),
    );
    section(&mut out, Some("rules"), &rule_table(report));
    if !report.thresholds.is_empty() {
        section(&mut out, Some("thresholds"), &threshold_table(report));
    }
    if let Some(t) = drift_table(report) {
        section(&mut out, Some("drift from the baseline"), &t);
    }
    for w in warning_lines(report) {
        out.push_str(&format!("\nwarning: {w}"));
    }
    if !report.warnings.is_empty() {
        out.push('\n');
    }
    out
}

fn section(out: &mut String, title: Option<&str>, table: &Table) {
    out.push('\n');
    if let Some(title) = title {
        out.push_str(title);
        out.push_str(":\n");
    }
    out.push_str(&aligned(table));
}

/// The table with columns padded to their widest cell; numbers right-aligned.
pub fn aligned(t: &Table) -> String {
    let mut widths: Vec<usize> = t.headers.iter().map(|h| h.chars().count()).collect();
    for row in &t.rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&t.headers).chain(&t.rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .zip(&t.numeric)
            .map(|((cell, &w), &numeric)| {
                if numeric {
                    format!("{cell:>w$}")
                } else {
                    format!("{cell:<w$}")
                }
            })
            .collect();
        out.push_str("  ");
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up() {
        let t = Table {
            headers: vec!["rule".into(), "n".into()],
            rows: vec![
                vec!["a".into(), "100".into()],
                vec!["longer".into(), "2".into()],
            ],
            numeric: vec![false, true],
        };
        assert_eq!(aligned(&t), "  rule      n\n  a       100\n  longer    2\n");
    }
}

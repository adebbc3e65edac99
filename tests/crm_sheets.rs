//! Spreadsheet leads: `.xlsx` and `.ods` files read directly (first sheet
//! or `--sheet`), cells as the spreadsheet stores them, error cells named,
//! through every command that reads leads. The fixtures are written by
//! scripts/make_sheet_fixtures.py.

mod common;

use common::run_in;
use serde_json::Value;
use std::path::{Path, PathBuf};

const AS_OF: &str = "--as-of=2026-11-01T00:00:00Z";

/// A rules file reading the fixture's columns, one rule per kind of cell.
const RULES: &str = r#"schema {
  id: string? from "Record ID"
  email: string? from "Email"
  title: string? from "Job Title"
  employees: int? from "Number of Employees"
  revenue: number? from "Annual Revenue"
  created: datetime? from "Create Date"
  opted_out: bool? from "Marketing emails opted out"
}
when title contains any [VP, Head, Chief] add 30 as "senior"
when employees >= 200 add 20 as "mid-market"
when revenue > 12000000 add 10 as "revenue"
when created within 30 days add 15 as "new"
when opted_out subtract 10 as "opted out"
"#;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/sheets")
        .join(name)
}

/// A folder with `s.rules` and both fixtures.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.rules"), RULES).unwrap();
    for name in ["contacts.xlsx", "contacts.ods"] {
        std::fs::copy(fixture(name), dir.path().join(name)).unwrap();
    }
    dir
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn score(dir: &Path, args: &[&str]) -> (Vec<Value>, String, i32) {
    let mut all = vec!["score", "s.rules", AS_OF, "--id", "Record ID"];
    all.extend(args);
    let (out, err, status) = run_in(dir, &all);
    (json_lines(&out), err, status)
}

#[test]
fn xlsx_cells_are_read_as_stored_and_error_cells_named() {
    let dir = folder();
    let (records, err, status) = score(dir.path(), &["contacts.xlsx", "--explain"]);
    assert_eq!(status, 3, "{err}");
    assert_eq!(records.len(), 3, "the blank row is no lead: {records:?}");
    // 1001: numbers, a fractional revenue, a datetime 13 days before as_of, a false bool.
    assert_eq!(
        records[0]["id"], "1001",
        "a number id read as the string field"
    );
    assert_eq!(records[0]["score"], 30 + 20 + 10 + 15);
    // 1002: an empty revenue cell is missing, a true bool subtracts.
    assert_eq!(records[1]["score"], 15 - 10);
    // 1003: #N/A names the sheet, the cell and the row.
    assert_eq!(records[2]["id"], "1003");
    let error = records[2]["error"].as_str().unwrap();
    assert!(error.starts_with("sheet Contacts row 5: "), "{error}");
    assert!(error.contains("Contacts!D5"), "{error}");
    assert!(error.contains("#N/A"), "{error}");
}

#[test]
fn ods_reads_to_the_same_scores() {
    let dir = folder();
    let (xlsx, _, _) = score(dir.path(), &["contacts.xlsx"]);
    let (ods, err, status) = score(dir.path(), &["contacts.ods"]);
    assert_eq!(status, 0, "{err}");
    assert_eq!(ods.len(), 3);
    assert_eq!(ods[..2], xlsx[..2]);
    // The #N/A cell is empty in the .ods (OpenDocument has no error cells).
    assert_eq!(ods[2]["score"], 30 + 10);
}

#[test]
fn the_sheet_is_the_first_or_the_one_named() {
    let dir = folder();
    for file in ["contacts.xlsx", "contacts.ods"] {
        let (records, err, status) = score(dir.path(), &[file, "--sheet", "Other"]);
        assert_eq!(status, 0, "{file}: {err}");
        assert_eq!(records.len(), 1);
        assert_eq!(records[0]["id"], Value::Null, "no `Record ID` column");
        assert_eq!(records[0]["score"], 30);
        let (records, err, status) = score(dir.path(), &[file, "--sheet", "Leads"]);
        assert_eq!(status, 2, "{file}");
        assert!(records.is_empty());
        assert!(err.contains("no sheet `Leads`"), "{err}");
        assert!(err.contains("Contacts, Other"), "{err}");
    }
}

#[test]
fn the_header_is_checked_and_kept_columns_copied() {
    let dir = folder();
    let other = "schema {\n  x: string? from \"Nothing\"\n}\nwhen x == \"a\" add 1\n";
    std::fs::write(dir.path().join("other.rules"), other).unwrap();
    let (out, err, status) = run_in(dir.path(), &["score", "other.rules", "contacts.xlsx"]);
    assert_eq!(status, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("no column for any field"), "{err}");
    let args = [
        "score",
        "s.rules",
        "contacts.xlsx",
        "--keep",
        "Email",
        "--format",
        "csv",
    ];
    let mut all = args.to_vec();
    all.extend(["--id", "Record ID"]);
    let (out, _, _) = run_in(dir.path(), &all);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[0], "id,Email,score,error");
    assert!(rows[2].starts_with("1002,'=cmd|' /C calc'!A0,"), "{out}");
}

#[test]
fn every_command_that_reads_leads_reads_spreadsheets() {
    let dir = folder();
    let run = |args: &[&str]| run_in(dir.path(), args);
    let mut explain = vec!["explain", "s.rules", "contacts.ods", AS_OF, "--id", "1001"];
    explain.extend(["--id-field", "Record ID"]);
    let (out, err, status) = run(&explain);
    assert_eq!(status, 0, "{err}");
    assert!(out.contains("senior") && out.contains("75"), "{out}");
    std::fs::write(
        dir.path().join("new.rules"),
        RULES.replace("add 30", "add 40"),
    )
    .unwrap();
    let diff = [
        "diff",
        "s.rules",
        "new.rules",
        "--leads",
        "contacts.ods",
        AS_OF,
    ];
    let (out, err, status) = run(&diff);
    assert_eq!(status, 0, "{err}");
    assert!(out.contains("2 of 3 leads changed score"), "{out}");
    let outcomes = "Record ID,converted\n1001,1\n1002,0\n1003,0\n";
    std::fs::write(dir.path().join("o.csv"), outcomes).unwrap();
    let mut calibrate = vec![
        "calibrate",
        "s.rules",
        "contacts.ods",
        "--outcomes",
        "o.csv",
    ];
    calibrate.extend([AS_OF, "--format", "json", "--id", "Record ID"]);
    let (out, err, status) = run(&calibrate);
    assert_eq!(status, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["leads"], 3, "{out}");
    assert_eq!(report["conversions"], 1, "{out}");
}

#[test]
fn spreadsheet_dates_are_local_times_in_the_field_zone() {
    let dir = folder();
    let rules = "schema {\n  created: datetime? from \"Create Date\"\n}\n\
                 when created < 2026-10-19T13:00:00Z add 1 as \"before 13:00 UTC\"\n";
    std::fs::write(dir.path().join("z.rules"), rules).unwrap();
    for file in ["contacts.xlsx", "contacts.ods"] {
        // Row 1001 was created at 14:03 local time on 2026-10-19.
        let run = |extra: &[&str]| {
            let mut args = vec!["score", "z.rules", file, "--quiet"];
            args.extend(extra);
            let (out, err, _) = run_in(dir.path(), &args);
            let first = json_lines(&out).remove(0);
            assert!(first.get("score").is_some(), "{file}: {out} {err}");
            first["score"].clone()
        };
        assert_eq!(run(&[]), 0, "{file}: 14:03 UTC");
        assert_eq!(
            run(&["--timezone", "Europe/Berlin"]),
            1,
            "{file}: 12:03 UTC"
        );
    }
}

#[test]
fn the_repl_loads_spreadsheet_leads() {
    use leadscore::repl::session::{Session, SessionConfig};
    let dir = folder();
    let (mut session, _) = Session::new(SessionConfig {
        rules: vec![dir.path().join("s.rules")],
        as_of: "2026-11-01T00:00:00Z".parse().unwrap(),
        color: false,
        zone: None,
    });
    let ods = dir.path().join("contacts.ods");
    let said = session.load_leads(ods.to_str().unwrap());
    assert!(said.starts_with("3 leads from"), "{said}");
    let xlsx = dir.path().join("contacts.xlsx");
    let said = session.load_leads(xlsx.to_str().unwrap());
    assert!(said.contains("sheet Contacts row 5"), "{said}");
}

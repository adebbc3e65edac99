//! Scores back into the CRM: `--keep`, `--rename`, the output format picked
//! by the `-o` extension, formula neutralisation in CSV, and the re-import
//! recipes of docs/crm.md run exactly as written there.

mod common;

use common::run_in;
use serde_json::Value;
use std::path::Path;

const AS_OF: &str = "--as-of=2026-11-01T00:00:00Z";

const RULES: &str = r#"schema {
  id: string
  email: string? from "Email"
  title: string? from "Job Title"
}
when title contains "VP" add 50 as "exec"
label tier {
  hot when score >= 50
  cold otherwise
}
"#;

const LEADS_CSV: &str = "id,Email,Job Title,Owner,Note\n\
L1,ann@x.io,VP Sales,Kim,=HYPERLINK(\"http://evil\";\"click\")\n\
L2,bo@y.io,Intern,,-5\n\
L3,cy@z.io,VP Ops,@Lee,-2+3\n";

const LEADS_JSONL: &str =
    "{\"id\":\"L1\",\"Email\":\"ann@x.io\",\"Job Title\":\"VP Sales\",\"Owner\":\"Kim\"}\n\
{\"id\":\"L2\",\"email\":\"bo@y.io\",\"Job Title\":\"Intern\"}\n\
{\"id\":\"L3\",\"Job Title\":5}\n";

/// A folder holding `crm.rules`, `leads.csv` and `leads.jsonl`.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("crm.rules"), RULES).unwrap();
    std::fs::write(dir.path().join("leads.csv"), LEADS_CSV).unwrap();
    std::fs::write(dir.path().join("leads.jsonl"), LEADS_JSONL).unwrap();
    dir
}

fn score(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let mut all = vec!["score", "crm.rules", AS_OF];
    all.extend(args);
    run_in(dir, &all)
}

/// CSV text as rows of cells.
fn csv_rows(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn keep_copies_input_fields_and_leaves_missing_ones_empty() {
    let dir = folder();
    let (out, err, status) = score(
        dir.path(),
        &["leads.csv", "--keep", "Email,Owner", "--format", "csv"],
    );
    assert_eq!(status, 0, "{err}");
    let rows = csv_rows(&out, b',');
    assert_eq!(rows[0], ["id", "Email", "Owner", "score", "tier", "error"]);
    assert_eq!(rows[1], ["L1", "ann@x.io", "Kim", "50", "hot", ""]);
    assert_eq!(rows[2], ["L2", "bo@y.io", "", "0", "cold", ""]);
    // A kept column is read: no "read by no rule" warning for it.
    assert!(!err.contains("`Owner`"), "{err}");
    assert!(err.contains("`Note`"), "{err}");
}

#[test]
fn keep_reads_json_lines_by_source_name_on_one_thread_and_many() {
    let dir = folder();
    for threads in ["1", "3"] {
        let (out, err, status) = score(
            dir.path(),
            &["leads.jsonl", "--keep", "Email,Owner", "--threads", threads],
        );
        assert_eq!(status, 3, "{err}");
        let records = json_lines(&out);
        assert_eq!(records[0]["Email"], "ann@x.io");
        assert_eq!(records[0]["Owner"], "Kim");
        // `email` is the schema field `Email` is a source of.
        assert_eq!(records[1]["Email"], "bo@y.io");
        assert_eq!(records[1]["Owner"], Value::Null);
        // An error record keeps the id and the kept fields, in order.
        let keys: Vec<&String> = records[2].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "Email", "Owner", "error"]);
    }
}

#[test]
fn rename_names_output_columns_in_csv_and_json_lines() {
    let dir = folder();
    let rename = r#"score="Lead Score",tier="Lead Tier",id=Record ID"#;
    let (out, err, status) = score(
        dir.path(),
        &[
            "leads.csv",
            "--rename",
            rename,
            "--keep",
            "Email",
            "--format",
            "csv",
        ],
    );
    assert_eq!(status, 0, "{err}");
    let rows = csv_rows(&out, b',');
    assert_eq!(
        rows[0],
        ["Record ID", "Email", "Lead Score", "Lead Tier", "error"]
    );
    let (out, _, _) = score(dir.path(), &["leads.jsonl", "--rename", rename]);
    let first = &json_lines(&out)[0];
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["Record ID", "Lead Score", "Lead Tier"]);
    assert_eq!(first["Lead Score"], 50);
}

#[test]
fn rename_refuses_clashes_and_unknown_columns_before_reading() {
    let dir = folder();
    let (out, err, status) = score(dir.path(), &["leads.csv", "--rename", "score=tier"]);
    assert_eq!(status, 2, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("two output columns would be named `tier`"),
        "{err}"
    );
    let (_, err, status) = score(dir.path(), &["leads.csv", "--keep", "tier"]);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("`tier`"), "{err}");
    let (_, err, status) = score(dir.path(), &["leads.csv", "--rename", "scor=x"]);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("did you mean `score`?"), "{err}");
    let (_, err, status) = score(dir.path(), &["leads.csv", "--rename", "score"]);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("old=new"), "{err}");
}

#[test]
fn the_output_format_follows_the_file_extension() {
    let dir = folder();
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let (_, err, status) = score(dir.path(), &["leads.csv", "-o", "s.csv"]);
    assert_eq!(status, 0, "{err}");
    assert_eq!(
        csv_rows(&read("s.csv"), b',')[0],
        ["id", "score", "tier", "error"]
    );
    score(dir.path(), &["leads.csv", "-o", "s.TSV"]);
    assert_eq!(csv_rows(&read("s.TSV"), b'\t')[1], ["L1", "50", "hot", ""]);
    score(dir.path(), &["leads.csv", "-o", "s.json"]);
    assert_eq!(json_lines(&read("s.json"))[0]["score"], 50);
    // --format says otherwise.
    score(
        dir.path(),
        &["leads.csv", "-o", "t.csv", "--format", "jsonl"],
    );
    assert_eq!(json_lines(&read("t.csv")).len(), 3);
    let (_, err, status) = score(dir.path(), &["leads.csv", "-o", "s.xlsx"]);
    assert_eq!(status, 2);
    assert!(err.contains("use a .csv file name"), "{err}");
    assert!(!dir.path().join("s.xlsx").exists());
    let (_, err, status) = score(dir.path(), &["leads.csv", "-o", "e.csv", "--explain"]);
    assert_eq!(status, 2);
    assert!(err.contains("--explain needs JSON Lines"), "{err}");
}

#[test]
fn csv_output_neutralises_formulas_in_kept_fields_unless_raw() {
    let dir = folder();
    let args = ["leads.csv", "--keep", "Owner,Note", "--format", "csv"];
    let (out, err, status) = score(dir.path(), &args);
    assert_eq!(status, 0, "{err}");
    let rows = csv_rows(&out, b',');
    assert_eq!(rows[1][2], "'=HYPERLINK(\"http://evil\";\"click\")");
    assert_eq!(rows[2][2], "-5", "a plain number stays a number");
    assert_eq!(rows[3][1], "'@Lee");
    assert_eq!(rows[3][2], "'-2+3");
    let mut raw = args.to_vec();
    raw.push("--csv-raw");
    let (out, _, _) = score(dir.path(), &raw);
    let rows = csv_rows(&out, b',');
    assert_eq!(rows[1][2], "=HYPERLINK(\"http://evil\";\"click\")");
    assert_eq!(rows[3][1], "@Lee");
    // JSON Lines are never changed.
    let (out, _, _) = score(dir.path(), &["leads.csv", "--keep", "Note"]);
    assert_eq!(json_lines(&out)[2]["Note"], "-2+3");
}

/// The fenced `leadscore score ...` line of docs/crm.md that scores `file`.
fn recipe(file: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("docs/crm.md")).unwrap();
    let prefix = format!("leadscore score rules/hubspot.rules {file} ");
    let lines: Vec<&str> = docs.lines().filter(|l| l.starts_with(&prefix)).collect();
    assert_eq!(lines.len(), 1, "one recipe for {file}");
    lines[0].to_string()
}

/// Runs a recipe with `sh` in a folder that sees the repository's `rules/`
/// and `examples/`, and returns the rows of the `scores.csv` it writes.
fn run_recipe(command: &str) -> Vec<Vec<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for sub in ["rules", "examples"] {
        std::os::unix::fs::symlink(root.join(sub), dir.path().join(sub)).unwrap();
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_leadscore")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let out = std::process::Command::new("sh")
        .args(["-c", command])
        .current_dir(dir.path())
        .env("PATH", path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{command}: {err}");
    csv_rows(
        &std::fs::read_to_string(dir.path().join("scores.csv")).unwrap(),
        b',',
    )
}

/// Runs the recipe for `file` and checks its columns: the id and the email
/// of each lead as in the export (`first` for the first lead), a number
/// score, a tier, no error.
fn check_recipe(file: &str, id: &str, score: &str, tier: &str, leads: usize, first: [&str; 2]) {
    let rows = run_recipe(&recipe(file));
    let header = [id, "Email", score, "fit", "engagement", tier, "error"];
    assert_eq!(rows[0], header);
    assert_eq!(rows.len(), leads + 1);
    assert_eq!(rows[1][..2], first);
    for row in &rows[1..] {
        assert!(row[2].parse::<f64>().is_ok(), "{row:?}");
        let tiers = ["hot", "warm", "cold"];
        assert!(tiers.contains(&row[5].as_str()), "{row:?}");
        assert_eq!(row[6], "");
    }
}

#[test]
fn the_hubspot_recipe_writes_the_import_columns() {
    let first = ["1001", "anna.berg@northwind.io"];
    let file = "examples/crm/hubspot_contacts.csv";
    check_recipe(file, "Record ID", "Lead Score", "Lead Tier", 6, first);
}

#[test]
fn the_salesforce_recipe_writes_the_import_columns() {
    let first = ["00Q5g00000AbCdE", "grace@cobol.example"];
    let file = "examples/crm/salesforce_leads.csv";
    check_recipe(file, "Id", "Lead_Score__c", "Lead_Tier__c", 3, first);
}

/// examples/crm/ is what scripts/make_crm_examples.py writes, byte for byte.
#[test]
fn the_crm_examples_are_what_their_generator_writes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new("python3")
        .args(["scripts/make_crm_examples.py", "--check"])
        .current_dir(root)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
}

//! `leadscore check --format json|github|sarif` as a black box: snapshots of
//! each format on two fixtures (errors and warnings), well-formed output for
//! an unreadable file, and the SARIF log validated against the SARIF 2.1.0
//! JSON schema (`tests/data/sarif/`).
//!
//! Snapshots live in `tests/snapshots/`; review changes with `cargo insta review`.

use assert_cmd::Command;
use serde_json::Value;

const A: &str = "tests/data/check_formats/a.rules";
const B: &str = "tests/data/check_formats/b.rules";

/// Runs `leadscore check --format FORMAT FILES...` from the crate root;
/// returns stdout and the exit status.
fn check(format: &str, files: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_leadscore"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(["check", "--format", format])
        .args(files)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (stdout, out.status.code().unwrap_or(-1))
}

#[test]
fn json_lists_files_and_located_diagnostics() {
    let (out, status) = check("json", &[A, B]);
    assert_eq!(status, 1);
    insta::assert_snapshot!(out);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["files"], serde_json::json!([A, B]));
    let diags = report["diagnostics"].as_array().unwrap();
    let severities: Vec<&str> = diags
        .iter()
        .map(|d| d["severity"].as_str().unwrap())
        .collect();
    assert!(severities.contains(&"error") && severities.contains(&"warning"));
    let unknown = diags
        .iter()
        .find(|d| d["code"] == "leadscore::unknown_field")
        .unwrap();
    assert_eq!(
        (unknown["line"].as_u64(), unknown["column"].as_u64()),
        (Some(7), Some(14))
    );
    let text = std::fs::read_to_string(A).unwrap();
    let (start, end) = (
        unknown["span"]["start"].as_u64().unwrap(),
        unknown["span"]["end"].as_u64().unwrap(),
    );
    assert_eq!(&text[start as usize..end as usize], "sise");
}

#[test]
fn json_is_well_formed_when_a_file_cannot_be_read() {
    let (out, status) = check("json", &[B, "tests/data/check_formats/missing.rules"]);
    assert_eq!(status, 2);
    let report: Value = serde_json::from_str(&out).unwrap();
    let last = report["diagnostics"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["code"], "leadscore::io");
    assert_eq!(last["file"], "tests/data/check_formats/missing.rules");
    assert_eq!(last["severity"], "error");
}

#[test]
fn github_prints_escaped_workflow_commands() {
    let (out, status) = check("github", &[A, B]);
    assert_eq!(status, 1);
    insta::assert_snapshot!(out);
    for line in out.lines() {
        assert!(
            line.starts_with("::error file=") || line.starts_with("::warning file="),
            "{line}"
        );
        let (properties, message) = line[2..].split_once("::").unwrap();
        assert!(properties.contains("title=leadscore%3A%3A"), "{line}");
        assert!(
            !message.contains('\n') && !message.contains("50%,"),
            "{line}"
        );
    }
    assert!(out.contains("50%25, VP: yes"));
}

#[test]
fn sarif_snapshot() {
    let (out, status) = check("sarif", &[A, B]);
    assert_eq!(status, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn sarif_lists_each_rule_once_and_every_result() {
    let (out, _) = check("sarif", &[A, B]);
    let log: Value = serde_json::from_str(&out).unwrap();
    let run = &log["runs"][0];
    let ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(ids, unique);
    let (json, _) = check("json", &[A, B]);
    let json: Value = serde_json::from_str(&json).unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), json["diagnostics"].as_array().unwrap().len());
    for r in results {
        assert!(ids.contains(&r["ruleId"].as_str().unwrap()));
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri == A || uri == B, "{uri}");
    }
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let schema_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif/sarif-schema-2.1.0.json"
    );
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let schema = compiler.compile(schema_path, &mut schemas).unwrap();
    let missing = "tests/data/check_formats/missing.rules";
    for files in [&[A, B][..], &[B, missing][..]] {
        let (out, _) = check("sarif", files);
        let log: Value = serde_json::from_str(&out).unwrap();
        if let Err(e) = schemas.validate(&log, schema) {
            panic!("SARIF output does not validate:\n{e:#}\n{out}");
        }
    }
    // The schema is really applied: a result without a message is rejected.
    let (out, _) = check("sarif", &[A]);
    let mut log: Value = serde_json::from_str(&out).unwrap();
    log["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(schemas.validate(&log, schema).is_err());
}

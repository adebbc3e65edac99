//! `leadscore diff` as a black box: `rules/b2b_saas.rules` against a changed
//! copy (`tests/data/diff/`) on the example leads, in text, JSON and Markdown;
//! old rules from a git revision; exit statuses.

mod common;

use common::{run, run_in};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

const OLD: &str = "rules/b2b_saas.rules";
const NEW: &str = "tests/data/diff/b2b_saas_changed.rules";
const LEADS: &str = "examples/leads.jsonl";
const AS_OF: &str = "--as-of=2026-11-01T00:00:00Z";

fn diff(format: &str) -> String {
    let (out, err, status) = run(&[
        "diff", OLD, NEW, "--leads", LEADS, AS_OF, "--format", format,
    ]);
    assert_eq!(status, 0, "{err}");
    out
}

/// id → (score, tier) as `leadscore score` gives them.
fn scores(rules: &str) -> HashMap<String, (f64, String)> {
    let (out, _, status) = run(&["score", rules, LEADS, AS_OF]);
    assert_eq!(status, 0);
    out.lines()
        .map(|l| {
            let r: Value = serde_json::from_str(l).unwrap();
            let id = r["id"].as_str().unwrap().to_string();
            (
                id,
                (
                    r["score"].as_f64().unwrap(),
                    r["tier"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn text_prints_the_transition_matrix() {
    let out = diff("text");
    assert!(out.contains("\ntier:\n"), "{out}");
    assert!(out.contains("* warm → hot: 1\n"), "{out}");
    assert!(out.contains("  hot → hot: 7\n"), "{out}");
    assert!(out.contains("partner referral: - → 2 (added)"), "{out}");
    assert!(out.contains("new this week: 4 → - (removed)"), "{out}");
}

#[test]
fn json_counts_agree_with_scoring_each_version() {
    let report: Value = serde_json::from_str(&diff("json")).unwrap();
    let (old, new) = (scores(OLD), scores(NEW));
    assert_eq!(report["leads"].as_u64(), Some(old.len() as u64));
    let changed = old.iter().filter(|(id, (s, _))| new[*id].0 != *s).count();
    assert_eq!(report["changed"].as_u64(), Some(changed as u64));
    let mean: f64 = old.iter().map(|(id, (s, _))| new[id].0 - s).sum::<f64>() / old.len() as f64;
    assert!((report["mean_change"].as_f64().unwrap() - mean).abs() < 1e-9);
    let tier = report["labels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "tier")
        .unwrap();
    for t in tier["transitions"].as_array().unwrap() {
        let (from, to) = (t["from"].as_str().unwrap(), t["to"].as_str().unwrap());
        let expected = old
            .iter()
            .filter(|(id, (_, a))| a == from && new[*id].1 == to)
            .count();
        assert_eq!(t["leads"].as_u64(), Some(expected as u64), "{from} → {to}");
    }
    let rules = report["rules"].as_array().unwrap();
    let partner = rules
        .iter()
        .find(|r| r["rule"] == "partner referral")
        .unwrap();
    assert!(partner["old"].is_null() && partner["new"].as_u64() == Some(2));
    let sample = report["sample"].as_array().unwrap();
    assert!(!sample.is_empty() && sample.len() <= 5);
    let first = &sample[0];
    let moved = first["new"].as_f64().unwrap() - first["old"].as_f64().unwrap();
    assert_eq!(moved.abs(), 10.0);
}

#[test]
fn markdown_for_a_pull_request() {
    insta::assert_snapshot!(diff("markdown"));
}

#[test]
fn rules_with_errors_exit_1_and_missing_leads_exit_2() {
    let broken = "tests/data/cli/broken.rules";
    let (_, err, status) = run(&["diff", OLD, broken, "--leads", LEADS]);
    assert_eq!(status, 1, "{err}");
    let (_, err, status) = run(&["diff", OLD, NEW, "--leads", "nope.jsonl"]);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("nope.jsonl"));
}

fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn old_rules_from_a_git_revision_with_their_includes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("r")).unwrap();
    std::fs::write(
        d.join("r/main.rules"),
        "include \"points.rules\"\nlabel tier {\n  hot when score >= 10\n  cold otherwise\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("r/points.rules"),
        "when title contains \"VP\" add 10 as \"vp\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("leads.jsonl"),
        "{\"id\":\"a\",\"title\":\"VP\"}\n{\"id\":\"b\",\"title\":\"Intern\"}\n",
    )
    .unwrap();
    git(d, &["init", "-q"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "one"]);
    // The working copy's include now gives 5: the tier of lead a drops.
    std::fs::write(
        d.join("r/points.rules"),
        "when title contains \"VP\" add 5 as \"vp\"\n",
    )
    .unwrap();
    let (out, err, status) = run_in(
        d,
        &[
            "diff",
            "HEAD:r/main.rules",
            "r/main.rules",
            "--leads",
            "leads.jsonl",
            "--format",
            "json",
        ],
    );
    assert_eq!(status, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["changed"].as_u64(), Some(1));
    assert_eq!(report["largest_fall"]["change"].as_f64(), Some(-5.0));
    let (_, _, status) = run_in(
        d,
        &[
            "diff",
            "HEAD:r/missing.rules",
            "r/main.rules",
            "--leads",
            "leads.jsonl",
        ],
    );
    assert_eq!(status, 2);
}

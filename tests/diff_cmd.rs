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
    assert!(out.contains("  hot → hot: 8\n"), "{out}");
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

// Accounts. Old and new lead rules give a VP 50 and 60; the account block
// sums its leads' scores and adds 20 (old) or 30 (new) for two hot leads.
const ACCOUNT_OLD: &str = r#"schema {
  id: string
  title: string?
  company: { domain: string?, name: string? }
}
when title contains "VP" add 50 as "vp"
label tier {
  hot when score >= 50
  cold otherwise
}
account by company.domain {
  add sum(leads.score) as "lead scores"
  when count(leads where tier == "hot") >= 2 add 20 as "two hot"
  label account_tier {
    hot when score >= 100
    cold otherwise
  }
}
"#;

/// The leads: acme.com has a1, a2 (VPs) and a3 (written three ways),
/// beta.io b1 (a VP), gamma.org c1; n1 has no domain. `name` is the key
/// of `account by company.name`: a1–a3 are `acme inc`, b1 `beta.io`.
const ACCOUNT_LEADS: [&str; 6] = [
    r#"{"id":"a1","title":"VP Sales","company":{"domain":"acme.com","name":"Acme Inc"}}"#,
    r#"{"id":"b1","title":"VP Ops","company":{"domain":"beta.io","name":"beta.io"}}"#,
    r#"{"id":"a2","title":"VP IT","company":{"domain":"ACME.com","name":"acme inc"}}"#,
    r#"{"id":"n1","title":"VP","company":{}}"#,
    r#"{"id":"c1","title":"Intern","company":{"domain":"gamma.org"}}"#,
    r#"{"id":"a3","title":"Intern","company":{"domain":" Acme.com ","name":"ACME INC"}}"#,
];

/// The new rules: the old with `replace`'s pairs applied.
fn account_new(replace: &[(&str, &str)]) -> String {
    replace
        .iter()
        .fold(ACCOUNT_OLD.to_string(), |s, (a, b)| s.replace(a, b))
}

/// `diff old new --leads leads.jsonl --format FORMAT` in a folder holding
/// the two rules files and the leads (in `order`).
fn account_diff(new: &str, order: &[usize], format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("old.rules"), ACCOUNT_OLD).unwrap();
    std::fs::write(d.join("new.rules"), new).unwrap();
    let leads: Vec<&str> = order.iter().map(|&i| ACCOUNT_LEADS[i]).collect();
    std::fs::write(d.join("leads.jsonl"), leads.join("\n") + "\n").unwrap();
    let args = [
        "diff",
        "old.rules",
        "new.rules",
        "--leads",
        "leads.jsonl",
        AS_OF,
        "--format",
        format,
    ];
    let (out, err, status) = run_in(d, &args);
    assert_eq!(status, 0, "{err}");
    out
}

const IN_ORDER: [usize; 6] = [0, 1, 2, 3, 4, 5];

fn more_points() -> String {
    account_new(&[("add 50", "add 60"), ("add 20", "add 30")])
}

#[test]
fn accounts_changed_score_moved_tier_and_rules_gave_other_points() {
    let report: Value =
        serde_json::from_str(&account_diff(&more_points(), &IN_ORDER, "json")).unwrap();
    let a = &report["accounts"];
    // Old: acme.com 50 + 50 + 0 = 100, + 20 (two hot) = 120; beta.io 50;
    // gamma.org 0. New: 60 + 60 + 30 = 150; 60; 0.
    assert_eq!(
        a["key"],
        serde_json::json!({"old": "company.domain", "new": "company.domain"})
    );
    assert_eq!(a["accounts"], serde_json::json!({"old": 3, "new": 3}));
    assert_eq!(a["without_key"], serde_json::json!({"old": 1, "new": 1}));
    assert_eq!(a["compared"].as_u64(), Some(3));
    assert_eq!(a["changed"].as_u64(), Some(2));
    assert!((a["mean_change"].as_f64().unwrap() - 40.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        a["largest_rise"],
        serde_json::json!({"id": "acme.com", "change": 30.0})
    );
    assert!(a["largest_fall"].is_null());
    let tier = &a["labels"][0];
    assert_eq!(tier["name"], "account_tier");
    let moves: Vec<(String, String, u64)> = tier["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["from"].as_str().unwrap().into(),
                t["to"].as_str().unwrap().into(),
                t["accounts"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        [
            ("cold".into(), "cold".into(), 2),
            ("hot".into(), "hot".into(), 1)
        ]
    );
    let rule = |name: &str| {
        a["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        rule("two hot"),
        serde_json::json!({"rule": "two hot", "old": 1, "new": 1, "old_points": 20.0, "new_points": 30.0})
    );
    assert_eq!(rule("lead scores")["old_points"].as_f64(), Some(150.0));
    assert_eq!(rule("lead scores")["new_points"].as_f64(), Some(180.0));
    let sample: Vec<(&str, f64, f64)> = a["sample"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap(),
                m["old"].as_f64().unwrap(),
                m["new"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sample,
        [("acme.com", 120.0, 150.0), ("beta.io", 50.0, 60.0)]
    );
    assert_eq!(a["only_old"]["count"].as_u64(), Some(0));
    assert_eq!(a["only_new"]["count"].as_u64(), Some(0));
}

#[test]
fn the_accounts_do_not_depend_on_the_order_of_the_leads() {
    let new = more_points();
    let json = |order: &[usize]| -> Value {
        serde_json::from_str::<Value>(&account_diff(&new, order, "json")).unwrap()["accounts"]
            .clone()
    };
    let forward = json(&IN_ORDER);
    assert_eq!(forward["changed"].as_u64(), Some(2));
    assert_eq!(json(&[5, 4, 3, 2, 1, 0]), forward);
    assert_eq!(json(&[2, 5, 1, 3, 0, 4]), forward);
}

#[test]
fn text_and_markdown_show_the_accounts() {
    let text = account_diff(&more_points(), &IN_ORDER, "text");
    let accounts = &text[text.find("\naccounts by company.domain:\n").expect(&text)..];
    assert!(
        accounts.contains("\n  2 of 3 accounts changed score; mean change +13.33\n"),
        "{accounts}"
    );
    assert!(
        accounts.contains("\n  largest rise: +30 (acme.com)\n"),
        "{accounts}"
    );
    assert!(
        accounts.contains("\n  leads without a key (in no account): 1\n"),
        "{accounts}"
    );
    assert!(accounts.contains("\n    hot → hot: 1\n"), "{accounts}");
    assert!(
        accounts.contains("\n    two hot: 1 → 1 (0), points 20 → 30 (+10)\n"),
        "{accounts}"
    );
    assert!(accounts.contains("\n  account acme.com: 120 → 150\n    old: lead scores +100; two hot +20\n    new: lead scores +120; two hot +30\n"), "{accounts}");
    insta::assert_snapshot!(account_diff(&more_points(), &IN_ORDER, "markdown"));
}

#[test]
fn a_changed_key_lists_the_accounts_of_one_version_only() {
    let new = account_new(&[("account by company.domain", "account by company.name")]);
    let report: Value = serde_json::from_str(&account_diff(&new, &IN_ORDER, "json")).unwrap();
    let a = &report["accounts"];
    // Old: acme.com, beta.io, gamma.org (n1 has no key). New: `acme inc`
    // (a1–a3), beta.io (b1); c1 and n1 have no name.
    assert_eq!(
        a["key"],
        serde_json::json!({"old": "company.domain", "new": "company.name"})
    );
    assert_eq!(a["accounts"], serde_json::json!({"old": 3, "new": 2}));
    assert_eq!(a["without_key"], serde_json::json!({"old": 1, "new": 2}));
    assert_eq!(a["compared"].as_u64(), Some(1));
    assert_eq!(a["changed"].as_u64(), Some(0));
    assert_eq!(
        a["only_old"],
        serde_json::json!({"count": 2, "first": [
            {"key": "acme.com", "leads": 3, "score": 120.0},
            {"key": "gamma.org", "leads": 1, "score": 0.0},
        ]})
    );
    assert_eq!(
        a["only_new"],
        serde_json::json!({"count": 1, "first": [{"key": "acme inc", "leads": 3, "score": 120.0}]})
    );
    let text = account_diff(&new, &IN_ORDER, "text");
    assert!(
        text.contains("\naccounts by company.domain → company.name:\n"),
        "{text}"
    );
    assert!(text.contains("\n  2 accounts only with the old rules: acme.com (3 leads, score 120), gamma.org (1 lead, score 0)\n"), "{text}");
    assert!(
        text.contains(
            "\n  leads without a key (in no account): 1 with the old rules, 2 with the new\n"
        ),
        "{text}"
    );
}

#[test]
fn accounts_in_one_version_only_are_not_compared() {
    let block = &ACCOUNT_OLD[ACCOUNT_OLD.find("account by").unwrap()..];
    let without = ACCOUNT_OLD.replace(block, "");
    let json = account_diff(&without, &IN_ORDER, "json");
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        report["accounts"],
        serde_json::json!({"in_old": true, "in_new": false, "key": {"old": "company.domain", "new": null}})
    );
    // The leads are still compared: nothing changed for them.
    assert_eq!(report["compared"].as_u64(), Some(6));
    let text = account_diff(&without, &IN_ORDER, "text");
    assert!(text.ends_with("\naccounts: only the old rules have an `account` block (by company.domain), so accounts are not compared\n"), "{text}");
    let markdown = account_diff(&without, &IN_ORDER, "markdown");
    assert!(markdown.ends_with("\n#### Accounts\n\nonly the old rules have an `account` block (by company.domain), so accounts are not compared\n"), "{markdown}");
}

#[test]
fn without_account_blocks_the_report_has_none() {
    let old = &ACCOUNT_OLD[..ACCOUNT_OLD.find("account by").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("old.rules"), old).unwrap();
    std::fs::write(d.join("leads.jsonl"), ACCOUNT_LEADS.join("\n")).unwrap();
    let args = [
        "diff",
        "old.rules",
        "old.rules",
        "--leads",
        "leads.jsonl",
        AS_OF,
        "--format",
    ];
    let (out, err, status) = run_in(d, &[&args[..], &["json"]].concat());
    assert_eq!(status, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert!(report["accounts"].is_null(), "{out}");
    let (out, _, _) = run_in(d, &[&args[..], &["text"]].concat());
    assert!(!out.contains("account"), "{out}");
}

/// Each account's score and tier as `score --accounts` writes them.
fn account_scores(rules: &str) -> HashMap<String, (f64, String)> {
    let dir = tempfile::tempdir().unwrap();
    let (file, leads) = (
        dir.path().join("accounts.jsonl"),
        dir.path().join("leads.jsonl"),
    );
    let (file, leads) = (file.to_str().unwrap(), leads.to_str().unwrap());
    let (_, err, status) = run(&[
        "score",
        rules,
        LEADS,
        AS_OF,
        "--accounts",
        file,
        "-o",
        leads,
    ]);
    assert_eq!(status, 0, "{err}");
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| {
            let r: Value = serde_json::from_str(l).unwrap();
            let tier = r["account_tier"].as_str().unwrap().to_string();
            (
                r["account"].as_str().unwrap().to_string(),
                (r["score"].as_f64().unwrap(), tier),
            )
        })
        .collect()
}

#[test]
fn account_counts_agree_with_score_accounts_for_each_version() {
    let report: Value = serde_json::from_str(&diff("json")).unwrap();
    let a = &report["accounts"];
    let (old, new) = (account_scores(OLD), account_scores(NEW));
    assert_eq!(a["compared"].as_u64(), Some(old.len() as u64));
    let changed = old.iter().filter(|(k, (s, _))| new[*k].0 != *s).count();
    assert!(changed > 0);
    assert_eq!(a["changed"].as_u64(), Some(changed as u64));
    for t in a["labels"][0]["transitions"].as_array().unwrap() {
        let (from, to) = (t["from"].as_str().unwrap(), t["to"].as_str().unwrap());
        let expected = old
            .iter()
            .filter(|(k, (_, x))| x == from && new[*k].1 == to)
            .count();
        assert_eq!(
            t["accounts"].as_u64(),
            Some(expected as u64),
            "{from} → {to}"
        );
    }
}

/// The anonymous memory (heap) `pid` holds now, in kB, from `/proc`.
#[cfg(target_os = "linux")]
fn rss_anon_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("RssAnon:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// `diff` holds no lead it has compared: after 8 MB of wide leads arrive
/// through a pipe (each taking some 30 times its text as a JSON value), the
/// process, waiting for more, holds a few MB, not the leads read so far.
#[cfg(target_os = "linux")]
#[test]
fn leads_are_compared_as_they_arrive_and_not_kept() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("old.rules"), "when n >= 3 add 10 as \"big\"\n").unwrap();
    std::fs::write(d.join("new.rules"), "when n >= 4 add 10 as \"big\"\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_leadscore"))
        .current_dir(d)
        .args(["diff", "old.rules", "new.rules", "--leads", "-", AS_OF])
        .args(["--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let zeros = vec!["0"; 1000].join(",");
    let mut stdin = child.stdin.take().unwrap();
    let leads = 4000;
    for i in 0..leads {
        writeln!(stdin, r#"{{"id":"L{i}","n":{},"xs":[{zeros}]}}"#, i % 7).unwrap();
    }
    // A pipe holds 64 kB: the leads written so far are all read but the last few.
    let held = rss_anon_kb(child.id());
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["leads"], leads);
    // n == 3 moves: one lead in 7.
    assert_eq!(report["changed"], (0..leads).filter(|i| i % 7 == 3).count());
    assert!(held < 64 * 1024, "{held} kB held after 8 MB of leads");
}

/// A lead that cannot be read is left out with a note, and still counts
/// for the position (`#N`) that names a lead without an id.
#[test]
fn unreadable_leads_are_left_out_with_a_note_and_keep_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("old.rules"), "when n >= 3 add 10 as \"big\"\n").unwrap();
    std::fs::write(d.join("new.rules"), "when n >= 4 add 10 as \"big\"\n").unwrap();
    let leads = [r#"{"id":"a","n":1}"#, r#"{"id":"b","#, "[1]", r#"{"n":3}"#];
    std::fs::write(d.join("leads.jsonl"), leads.join("\n") + "\n").unwrap();
    let args = ["diff", "old.rules", "new.rules", "--leads", "leads.jsonl"];
    let (out, err, status) = run_in(d, &[&args[..], &[AS_OF, "--format", "json"]].concat());
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains("2 leads of leads.jsonl could not be read and are left out"),
        "{err}"
    );
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["leads"], 2);
    assert_eq!(report["sample"][0]["id"], "#4", "{report:#}");
}

/// A line break in a lead's id is shown as an escape in the text report,
/// so the id cannot write a line of the report of its own.
#[test]
fn an_id_with_a_line_break_stays_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let fake = "x\nlargest rise: +999 (forged)";
    let lead = serde_json::json!({ "id": fake, "title": "VP" });
    std::fs::write(dir.path().join("l.jsonl"), format!("{lead}\n")).unwrap();
    std::fs::write(dir.path().join("old.rules"), "when title == \"VP\" add 1\n").unwrap();
    std::fs::write(dir.path().join("new.rules"), "when title == \"VP\" add 5\n").unwrap();
    let args = ["diff", "old.rules", "new.rules", "--leads", "l.jsonl"];
    let (out, err, status) = run_in(dir.path(), &args);
    assert_eq!(status, 0, "{err}");
    assert!(
        out.contains("largest rise: +4 (x\\u{a}largest rise: +999 (forged))"),
        "{out}"
    );
    assert!(
        out.contains("lead x\\u{a}largest rise: +999 (forged): 1 → 5"),
        "{out}"
    );
    assert!(
        !out.lines().any(|l| l.starts_with("largest rise: +999")),
        "{out}"
    );
}

//! Numbers exact where people expect exact (points in whole millionths,
//! plain digits), ids echoed as written, `up to` with a negative amount, and
//! `.json` inputs with a bad element or holding JSON Lines.

mod common;

use common::run_in;
use serde_json::Value;

const RULES: &str = "add 0.1 as \"a\"\nadd 0.1 as \"b\"\nadd 0.1 as \"c\"\n\
    add 0.1 as \"d\"\nadd 0.1 as \"e\"\nadd 0.1 as \"f\"\n\
    when amount > 0 add amount as \"amount\"\n\
    subtract delta up to 10 as \"delta\"\n";

fn score(files: &[(&str, &str)], args: &[&str]) -> (Vec<String>, String, i32) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("n.rules"), RULES).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let mut all = vec!["score", "n.rules"];
    all.extend_from_slice(args);
    let (out, err, code) = run_in(dir.path(), &all);
    (out.lines().map(str::to_string).collect(), err, code)
}

#[test]
fn tenths_add_up_to_a_round_score_and_its_reasons() {
    let (out, err, code) = score(&[("l.jsonl", "{\"id\":1}\n")], &["l.jsonl", "--explain"]);
    assert_eq!(code, 0, "{err}");
    assert!(out[0].starts_with("{\"id\":1,\"score\":0.6,"), "{}", out[0]);
    let record: Value = serde_json::from_str(&out[0]).unwrap();
    assert_eq!(record["reasons"].as_array().unwrap().len(), 6);
    assert_eq!(out[0].matches("\"points\":0.1}").count(), 6, "{}", out[0]);
}

#[test]
fn expect_score_equals_a_decimal_in_a_test_block() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        format!("{RULES}\ntest \"six tenths\" {{\n  lead {{ }}\n  expect score == 0.6\n}}\n");
    std::fs::write(dir.path().join("n.rules"), text).unwrap();
    let (out, err, code) = run_in(dir.path(), &["test", "n.rules"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 passed, 0 failed"), "{out}");
}

#[test]
fn large_and_small_numbers_print_as_plain_digits() {
    let leads = "{\"id\":1,\"amount\":100000000000000000000}\n\
                 {\"id\":2,\"amount\":0.000001}\n\
                 {\"id\":3,\"amount\":1000000000}\n";
    let (out, err, code) = score(&[("l.jsonl", leads)], &["l.jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out[0], "{\"id\":1,\"score\":100000000000000000000}");
    assert_eq!(out[1], "{\"id\":2,\"score\":0.600001}");
    assert_eq!(out[2], "{\"id\":3,\"score\":1000000000.6}");
}

#[test]
fn ids_are_echoed_as_written() {
    let leads = "{\"id\":1e2}\n{\"id\":100.0}\n{\"id\":42}\n{\"id\":12345678901234567890123}\n";
    for (name, text) in [
        ("l.jsonl", leads.to_string()),
        ("l.json", format!("[{}]", leads.trim().replace('\n', ","))),
    ] {
        for threads in ["1", "2"] {
            let (out, err, code) = score(&[(name, &text)], &[name, "--threads", threads]);
            assert_eq!(code, 0, "{err}");
            let ids: Vec<&str> = out
                .iter()
                .map(|l| &l[..l.find(",\"score\"").unwrap()])
                .collect();
            assert_eq!(
                ids,
                [
                    "{\"id\":\"1e2\"",
                    "{\"id\":100.0",
                    "{\"id\":42",
                    "{\"id\":\"12345678901234567890123\""
                ],
                "{name}"
            );
        }
    }
}

#[test]
fn a_negative_amount_up_to_a_cap_gives_no_points() {
    let leads = "{\"id\":1,\"delta\":-5}\n{\"id\":2,\"delta\":25}\n{\"id\":3,\"delta\":4}\n";
    let (out, err, code) = score(&[("l.jsonl", leads)], &["l.jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out[0], "{\"id\":1,\"score\":0.6}");
    assert_eq!(out[1], "{\"id\":2,\"score\":-9.4}");
    assert_eq!(out[2], "{\"id\":3,\"score\":-3.4}");
}

#[test]
fn a_bad_array_element_gives_an_error_record_in_its_place() {
    let text = "[{\"id\":1}, {\"id\":2,}, {\"id\":3, \"amount\": 1}]";
    let (out, err, code) = score(&[("l.json", text)], &["l.json"]);
    assert_eq!(code, 3, "{err}");
    assert_eq!(out.len(), 3);
    assert_eq!(out[0], "{\"id\":1,\"score\":0.6}");
    assert!(
        out[1].starts_with("{\"id\":null,\"error\":\"element 2: "),
        "{}",
        out[1]
    );
    assert_eq!(out[2], "{\"id\":3,\"score\":1.6}");
}

#[test]
fn json_lines_in_a_json_file_are_read_as_json_lines_and_named() {
    let text = "{\"id\":1}\n{\"id\":2}\n";
    let (out, err, code) = score(&[("l.json", text)], &["l.json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.len(), 2);
    assert!(err.contains("note: l.json holds JSON Lines"), "{err}");
}

/// The fast byte path (JSON Lines) and the `serde_json::Value` path (a JSON
/// array) give the same records for fractional points.
#[test]
fn the_fast_path_and_the_value_path_agree() {
    let leads = "{\"id\":1,\"amount\":0.3333333}\n{\"id\":2,\"amount\":2.675,\"delta\":0.05}\n";
    let array = format!("[{}]", leads.trim().replace('\n', ","));
    let (fast, _, _) = score(&[("l.jsonl", leads)], &["l.jsonl", "--explain"]);
    let (slow, _, _) = score(&[("l.json", &array)], &["l.json", "--explain"]);
    assert_eq!(fast, slow);
    assert!(fast[0].contains("\"score\":0.933333"), "{}", fast[0]);
}

/// `explain` and `diff` show an id as `score` does, from JSON Lines and from
/// a JSON array: `1e2` stays `1e2`, and `explain --id 1e2` finds it.
#[test]
fn explain_and_diff_echo_ids_as_written() {
    let leads = "{\"id\":1e2,\"amount\":1}\n{\"id\":7,\"amount\":2}\n";
    let array = format!("[{}]", leads.trim().replace('\n', ","));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("n.rules"), RULES).unwrap();
    std::fs::write(
        dir.path().join("m.rules"),
        RULES.replace("add amount", "add 2 * amount"),
    )
    .unwrap();
    std::fs::write(dir.path().join("l.jsonl"), leads).unwrap();
    std::fs::write(dir.path().join("l.json"), array).unwrap();
    for name in ["l.jsonl", "l.json"] {
        let (out, err, code) = run_in(dir.path(), &["explain", "n.rules", name]);
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("lead 1e2  score 1.6\n"), "{name}: {out}");
        assert!(!out.contains("100"), "{name}: {out}");
        let (out, err, code) = run_in(dir.path(), &["explain", "n.rules", name, "--id", "1e2"]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.matches("lead ").count(), 1, "{name}: {out}");
        assert!(out.starts_with("lead 1e2  score 1.6\n"), "{name}: {out}");
        let (out, err, code) = run_in(
            dir.path(),
            &[
                "diff", "n.rules", "m.rules", "--leads", name, "--format", "json",
            ],
        );
        assert_eq!(code, 0, "{err}");
        let report: Value = serde_json::from_str(&out).unwrap();
        let ids: Vec<&Value> = report["sample"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| &m["id"])
            .collect();
        assert_eq!(ids, ["7", "1e2"], "{name}: {out}");
    }
}

/// `diff` prints scores and points as `score` does: `0.1 → 0.2`, and a
/// change of a thousandth is shown, never rounded away to `0.00`.
#[test]
fn diff_prints_fractional_points_like_score() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rules"), "add 0.1 as \"base\"\n").unwrap();
    std::fs::write(dir.path().join("b.rules"), "add 0.101 as \"base\"\n").unwrap();
    std::fs::write(dir.path().join("l.jsonl"), "{\"id\":\"L1\"}\n").unwrap();
    let (out, err, code) = run_in(
        dir.path(),
        &["diff", "a.rules", "b.rules", "--leads", "l.jsonl"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("mean change +0.001\n"), "{out}");
    assert!(out.contains("largest rise: +0.001 (L1)"), "{out}");
    assert!(out.contains("points 0.1 → 0.101 (+0.001)"), "{out}");
    assert!(out.contains("lead L1: 0.1 → 0.101"), "{out}");
    assert!(!out.contains("0.00 "), "{out}");
}

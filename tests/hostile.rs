//! Hostile input: a lead file with every kind of damage a CRM export can
//! carry, rules files past the documented limits, includes that try to leave
//! their folder, and the inputs the fuzzers found (`tests/data/fuzz-regressions/`).
//!
//! What each case must give is documented in docs/robustness.md.

use assert_cmd::Command;
use leadscore::eval::{EvalOptions, Outcome, Program, Scratch};
use leadscore::syntax::MemReader;
use serde_json::Value;
use std::path::Path;

const AS_OF: &str = "--as-of=2026-11-01T00:00:00Z";
const HOSTILE_RULES: &str = "tests/data/hostile/hostile.rules";

/// `leadscore` run from the crate root, colours off.
fn leadscore() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadscore"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    cmd
}

/// One hostile line of the lead file and the record it must give.
struct Case {
    bytes: Vec<u8>,
    expect: Expect,
}

enum Expect {
    /// A blank line: not a lead, no record.
    Nothing,
    /// A record with this id and score.
    Score(&'static str, f64),
    /// An error record naming this line and containing this text.
    Error(&'static str),
}

fn case(bytes: impl Into<Vec<u8>>, expect: Expect) -> Case {
    Case {
        bytes: bytes.into(),
        expect,
    }
}

/// Every hostile case of the issue, one per line (the last one unterminated).
fn hostile_cases() -> Vec<Case> {
    let deep = format!(
        "{{\"id\":\"deep\",\"title\":{}{}}}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let deep_unused = format!(
        "{{\"id\":\"deep-unused\",\"x\":{}{}}}\n",
        "[".repeat(500),
        "]".repeat(500)
    );
    let long_title = "a".repeat(10 * 1024 * 1024);
    let big = format!("{{\"id\":\"big\",\"title\":\"{long_title}VP\"}}\n");
    vec![
        case(
            &b"\xEF\xBB\xBF{\"id\":\"bom\",\"title\":\"VP\"}\n"[..],
            Expect::Score("bom", 10.0),
        ),
        case(
            &b"{\"id\":\"crlf\",\"title\":\"vp\"}\r\n"[..],
            Expect::Score("crlf", 10.0),
        ),
        case(&b"\n"[..], Expect::Nothing),
        case(&b"  \t\r\n"[..], Expect::Nothing),
        case(deep, Expect::Error("recursion limit exceeded")),
        // Refused as a `Value` would be, though no rule reads it: `score`
        // takes a line as `calibrate` and `diff` do.
        case(deep_unused, Expect::Error("recursion limit exceeded")),
        case(big, Expect::Score("big", 10.0)),
        case(
            &b"{\"id\":\"bad\xFF\",\"title\":\"VP\"}\n"[..],
            Expect::Error("invalid unicode"),
        ),
        case(
            &b"{\"id\":\"dup\",\"title\":\"x\",\"title\":\"VP\"}\n"[..],
            Expect::Score("dup", 10.0),
        ),
        case(
            &b"{\"id\":\"huge\",\"n\":1e400}\n"[..],
            Expect::Error("number out of range"),
        ),
        // Past f64's integers but within its range: read as the nearest f64 (times 10).
        case(
            &b"{\"id\":\"bigint\",\"n\":12345678901234567890123}\n"[..],
            Expect::Score("bigint", 12_345_678_901_234_567_890_123.0 * 10.0),
        ),
        // n * 10 overflows to infinity and 5 / 0 is infinite: both rules give 0.
        case(
            &b"{\"id\":\"overflow\",\"n\":1e308}\n"[..],
            Expect::Score("overflow", 0.0),
        ),
        case(
            &b"{\"id\":\"nul\x00\"}\n"[..],
            Expect::Error("control character"),
        ),
        case(&b"[1,2]\n"[..], Expect::Error("must be a JSON object")),
        case(
            &b"{\"id\":\"trunc\",\"title\":\"V"[..],
            Expect::Error("EOF while parsing"),
        ),
    ]
}

#[test]
fn every_hostile_line_gets_its_record_in_order_and_the_run_goes_on() {
    let cases = hostile_cases();
    let dir = tempfile::tempdir().unwrap();
    let leads = dir.path().join("hostile.jsonl");
    std::fs::write(
        &leads,
        cases
            .iter()
            .flat_map(|c| c.bytes.clone())
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    for threads in ["1", "2"] {
        let out = leadscore()
            .args(["score", HOSTILE_RULES, AS_OF, "--threads", threads])
            .arg(&leads)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        let records: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        check_records(&cases, &records);
        let failed = cases
            .iter()
            .filter(|c| matches!(c.expect, Expect::Error(_)))
            .count();
        let summary = format!("scored {} leads, {failed} failed", records.len());
        assert!(stderr.contains(&summary), "{summary:?} not in {stderr}");
    }
}

/// One record per non-blank line, in order; error records name their line.
fn check_records(cases: &[Case], records: &[Value]) {
    let wanted: Vec<(usize, &Expect)> = cases
        .iter()
        .enumerate()
        .filter(|(_, c)| !matches!(c.expect, Expect::Nothing))
        .map(|(i, c)| (i + 1, &c.expect))
        .collect();
    assert_eq!(records.len(), wanted.len(), "one record per non-blank line");
    for ((line, expect), record) in wanted.iter().zip(records) {
        match expect {
            Expect::Score(id, score) => {
                assert_eq!(record["id"], *id, "line {line}: {record}");
                assert_eq!(
                    record["score"].as_f64(),
                    Some(*score),
                    "line {line}: {record}"
                );
            }
            Expect::Error(text) => {
                let message = record["error"].as_str().unwrap_or_default();
                assert!(
                    message.starts_with(&format!("line {line}: ")),
                    "line {line}: {record}"
                );
                assert!(message.contains(text), "line {line}: {record}");
            }
            Expect::Nothing => unreachable!(),
        }
    }
}

#[test]
fn hostile_lines_through_stdin_give_the_same_records() {
    let cases = hostile_cases();
    let input: Vec<u8> = cases.iter().flat_map(|c| c.bytes.clone()).collect();
    let out = leadscore()
        .args(["score", HOSTILE_RULES, AS_OF, "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let records: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    check_records(&cases, &records);
}

// ---- the inputs the fuzzers found ----

fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz-regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn rules_files_found_by_the_fuzzer_load_without_panicking() {
    let found = regressions("rules_text");
    assert!(!found.is_empty());
    for (name, bytes) in found {
        let text = String::from_utf8_lossy(&bytes);
        let loaded = leadscore::load_str("fuzz.rules", &text, &MemReader::default());
        let shown = leadscore::diagnostics::render(&loaded.sources, &loaded.diagnostics, false);
        // Every one of them is broken: it must say so, not crash.
        assert!(loaded.has_errors(), "{name}: no error for a broken file");
        assert!(shown.contains("fuzz.rules"), "{name}: {shown}");
    }
}

/// Lead lines from the fuzzer's corpus (and any crash it finds): the fast
/// path agrees with the `Value` path, and reasons add up.
#[test]
fn lead_lines_found_by_the_fuzzer_score_or_fail_cleanly() {
    let rules =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/bench.rules"))
            .unwrap();
    let loaded = leadscore::load_str("bench.rules", &rules, &MemReader::default());
    let program = Program::compile(loaded.ruleset.as_ref().unwrap());
    let opts = EvalOptions {
        as_of: chrono::DateTime::from_timestamp(1_793_491_200, 0).unwrap(),
    };
    let found = regressions("lead_line");
    assert!(!found.is_empty());
    let id_path = vec!["id".to_string()];
    for (name, bytes) in found {
        let text = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
        let mut fast = Outcome::default();
        let mut scratch = Scratch::default();
        let fast_id = program.score_bytes(text, &id_path, &opts, &mut scratch, &mut fast);
        let Ok(lead) = serde_json::from_slice::<Value>(text) else {
            assert!(fast_id.is_none(), "{name}: fast path took bad JSON");
            continue;
        };
        match program.score(&lead, &opts) {
            Ok(outcome) => {
                let total: f64 = program.reasons(&outcome).iter().map(|r| r.points).sum();
                assert!((total - outcome.score).abs() < 1e-6, "{name}");
                if fast_id.is_some() {
                    assert_eq!(fast, outcome, "{name}");
                }
            }
            Err(_) => assert!(fast_id.is_none(), "{name}: fast path scored a bad lead"),
        }
    }
}

// ---- rules files past the documented limits ----

/// `leadscore check FILE` on `text`: exit status and stderr.
fn check_text(text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.rules");
    std::fs::write(&path, text).unwrap();
    let out = leadscore().arg("check").arg(&path).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn rules(n: usize) -> String {
    (0..n)
        .map(|i| format!("when n > {i} add 1 as \"r{i}\"\n"))
        .collect()
}

#[test]
fn each_limit_of_a_rules_file_is_a_diagnostic() {
    let huge_file = format!("{}when n > 1 add 1\n", "# padding\n".repeat(900_000));
    let long_string = format!("when title == \"{}\" add 1\n", "x".repeat(70_000));
    let long_regex = format!("when title matches /{}/ add 1\n", "x".repeat(70_000));
    let items: Vec<String> = (0..10_001).map(|i| format!("w{i}")).collect();
    let long_list = format!("when title in [{}] add 1\n", items.join(", "));
    let deep = format!("when {}n > 1{} add 1\n", "(".repeat(65), ")".repeat(65));
    let cases = [
        (huge_file, "this rules file is larger than 8 MiB"),
        (long_string, "this text is longer than 64 KiB"),
        (long_regex, "this text is longer than 64 KiB"),
        (long_list, "this list has more than 10000 items"),
        (rules(10_001), "this file has more than 10000 rules"),
        (deep, "this item is nested too deeply"),
    ];
    for (text, message) in cases {
        let (status, stderr) = check_text(&text);
        assert_eq!(status, Some(1), "{message}: {stderr}");
        assert!(stderr.contains(message), "{message}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn rules_files_at_the_limits_are_accepted() {
    let items: Vec<String> = (0..10_000).map(|i| format!("w{i}")).collect();
    let list = format!("when title in [{}] add 1\n", items.join(", "));
    let string = format!("when title == \"{}\" add 1\n", "x".repeat(65_534));
    for text in [list, string, rules(10_000)] {
        let (status, stderr) = check_text(&text);
        assert!(!stderr.contains("too_large"), "{stderr}");
        assert_ne!(status, Some(2), "{stderr}");
    }
}

// ---- includes cannot leave the root folder ----

#[test]
fn an_include_through_a_symlink_out_of_the_root_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.rules"), "when n > 1 add 1\n").unwrap();
    let root = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path().join("shared")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.rules"),
        root.path().join("linked.rules"),
    )
    .unwrap();
    // Both folders are in the same temporary folder: `..` reaches the other.
    let name = outside.path().file_name().unwrap().to_string_lossy();
    let climb = format!("../{name}/secret.rules");
    for include in ["shared/secret.rules", "linked.rules", climb.as_str()] {
        let main = root.path().join("main.rules");
        std::fs::write(&main, format!("include \"{include}\"\nwhen n > 2 add 1\n")).unwrap();
        let out = leadscore().arg("check").arg(&main).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{include}: {stderr}");
        assert!(
            stderr.contains("include_outside_root"),
            "{include}: {stderr}"
        );
    }
    let absolute = outside.path().join("secret.rules");
    let main = root.path().join("main.rules");
    std::fs::write(&main, format!("include \"{}\"\n", absolute.display())).unwrap();
    let out = leadscore().arg("check").arg(&main).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("include_outside_root"), "{stderr}");
}

// ---- numbers ----

#[test]
fn points_that_add_up_past_f64_make_an_error_record_never_a_null_score() {
    let leads = concat!(
        "{\"id\":\"sum\",\"n\":1e308,\"m\":1e308}\n",
        "{\"id\":\"capped\",\"n\":1e308}\n",
        "{\"id\":\"fine\",\"n\":1e300,\"m\":1}\n",
    );
    let out = leadscore()
        .args([
            "score",
            "tests/data/hostile/overflow.rules",
            AS_OF,
            "--explain",
        ])
        .write_stdin(leads)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("\"score\":null"), "{stdout}");
    let records: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        records[0]["error"],
        "line 1: the points add up to more than a number can hold (about 1.8e308)"
    );
    // The group's cap takes its 1e308 back: 1e308 + 5 is a finite score.
    assert_eq!(records[1]["score"].as_f64(), Some(1e308));
    assert_eq!(records[1]["g"].as_f64(), Some(5.0));
    assert_eq!(records[2]["score"].as_f64(), Some(1e300 + 5.0 + 1.0));
}

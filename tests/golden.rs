//! The benchmark golden test: `rules/bench.rules` on the committed sample of
//! generated leads gives, byte for byte, what the Python oracle
//! (`shared/bench/reference_score.py`) gave. See `tests/data/bench/README.md`.

use std::process::Command;

#[test]
fn bench_rules_match_the_reference_scores_byte_for_byte() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(env!("CARGO_BIN_EXE_leadscore"))
        .current_dir(root)
        .args([
            "score",
            "rules/bench.rules",
            "tests/data/bench/leads.jsonl",
            "--as-of",
            "2026-11-01T00:00:00Z",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let expected =
        std::fs::read_to_string(format!("{root}/tests/data/bench/expected.jsonl")).unwrap();
    let actual = String::from_utf8(out.stdout).unwrap();
    if actual != expected {
        let first_diff = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e);
        let at = first_diff.map_or_else(|| "line count".to_string(), |i| format!("line {}", i + 1));
        let (a, e) = first_diff.map_or(("", ""), |i| {
            (
                actual.lines().nth(i).unwrap(),
                expected.lines().nth(i).unwrap(),
            )
        });
        panic!("output differs from expected.jsonl at {at}\n  actual:   {a}\n  expected: {e}");
    }
}

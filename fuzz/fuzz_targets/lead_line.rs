//! A fixed ruleset (rules/bench.rules) against arbitrary bytes as a lead
//! line: JSON parse, score, render. A score or an error, never a panic.
//! The CLI's fast path (scoring straight from the bytes) must agree with
//! the `Value` path whenever it takes a line.
#![no_main]

use leadscore::eval::{
    value_at, EvalOptions, Head, Outcome, Program, RecordKeys, RecordNames, Scratch,
};
use leadscore::syntax::MemReader;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const RULES: &str = include_str!("../../rules/bench.rules");

fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let loaded = leadscore::load_str("bench.rules", RULES, &MemReader::default());
        Program::compile(loaded.ruleset.as_ref().expect("bench.rules checks"))
    })
}

fuzz_target!(|data: &[u8]| {
    let program = program();
    let opts = EvalOptions {
        as_of: chrono::DateTime::from_timestamp(1_793_491_200, 0).unwrap(),
    };
    same_as_fast_path(program, data, &opts);
    let mut line = String::new();
    let id = serde_json::Value::Null;
    let keys = RecordKeys::new(&RecordNames::of(program.ruleset()));
    let head = Head {
        keys: &keys,
        id: &id,
        kept: &[],
    };
    match serde_json::from_slice::<serde_json::Value>(data) {
        Ok(lead) => match program.score(&lead, &opts) {
            Ok(outcome) => {
                program.render_record(&mut line, &id, &outcome, true);
                let total: f64 = program.reasons(&outcome).iter().map(|r| r.points).sum();
                assert!(outcome.score.is_finite(), "score {}", outcome.score);
                assert!(
                    (total - outcome.score).abs() < 1e-6,
                    "reasons {total} vs {}",
                    outcome.score
                );
                let _: serde_json::Value = serde_json::from_str(&line).expect("record is JSON");
            }
            Err(e) => Program::render_error(&mut line, &head, &e.to_string()),
        },
        Err(e) => Program::render_error(&mut line, &head, &e.to_string()),
    }
    assert!(
        line.ends_with('\n') && line.matches('\n').count() == 1,
        "one line: {line:?}"
    );
});

/// When `score_bytes` takes the line, its outcome and id are the `Value` path's.
fn same_as_fast_path(program: &Program, data: &[u8], opts: &EvalOptions) {
    let id_path = vec!["id".to_string()];
    let mut fast = Outcome::default();
    let mut scratch = Scratch::default();
    let Some(id) = program.score_bytes(data, &id_path, opts, &mut scratch, &mut fast) else {
        return;
    };
    let lead: serde_json::Value = serde_json::from_slice(data).expect("fast path took bad JSON");
    let slow = program
        .score(&lead, opts)
        .expect("fast path scored a bad lead");
    assert_eq!(fast, slow, "fast path and Value path differ");
    assert_eq!(id, value_at(&lead, &id_path), "ids differ");
}

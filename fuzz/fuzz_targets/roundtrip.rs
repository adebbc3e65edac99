//! Structure-aware: generates a valid rules file and ragged leads for it,
//! then checks that the file checks, that formatting is idempotent and keeps
//! the AST, and that scoring is deterministic and explained exactly.
#![no_main]

#[path = "../gen/rules_gen.rs"]
mod rules_gen;

use arbitrary::Unstructured;
use leadscore::eval::{EvalOptions, Program};
use leadscore::syntax::{ast::FileId, MemReader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(text) = rules_gen::rules_text(&mut u) else {
        return;
    };
    let loaded = leadscore::load_str("gen.rules", &text, &MemReader::default());
    let Some(ruleset) = loaded.ruleset.as_ref() else {
        let shown = leadscore::diagnostics::render(&loaded.sources, &loaded.diagnostics, false);
        panic!("a generated file does not check:\n{text}\n{shown}");
    };
    check_format(&text);
    let program = Program::compile(ruleset);
    let opts = EvalOptions {
        as_of: chrono::DateTime::from_timestamp(1_793_491_200, 0).unwrap(),
    };
    for i in 0..4 {
        let Ok(lead) = rules_gen::lead(&mut u, i) else {
            return;
        };
        let first = program.score(&lead, &opts);
        let again = program.score(&lead, &opts);
        assert_eq!(first, again, "scoring is deterministic");
        if let Ok(outcome) = first {
            let reasons = program.reasons(&outcome);
            let total: f64 = reasons.iter().map(|r| r.points).sum();
            let tolerance =
                rules_gen::rounding_bound(reasons.iter().map(|r| r.points), outcome.score);
            assert!(
                (total - outcome.score).abs() <= tolerance,
                "reasons add up to {total}, score {}\n{text}\n{lead}",
                outcome.score
            );
        }
    }
});

/// `fmt` is idempotent and keeps the AST (spans aside).
fn check_format(text: &str) {
    let once = leadscore::fmt::format(text).expect("a generated file formats");
    let twice = leadscore::fmt::format(&once).expect("formatted text formats");
    assert_eq!(once, twice, "fmt is idempotent");
    let (a, _) = leadscore::syntax::parse(FileId(0), text);
    let (b, _) = leadscore::syntax::parse(FileId(0), &once);
    assert_eq!(
        strip(&format!("{:?}", a.items)),
        strip(&format!("{:?}", b.items)),
        "same AST"
    );
}

/// Debug text of an AST with the spans taken out.
fn strip(debug: &str) -> String {
    let mut out = String::new();
    let mut rest = debug;
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('}').map_or(rest.len(), |j| i + j + 1);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

//! Property tests: random valid rules files and ragged leads (from the
//! generator shared with the `roundtrip` fuzz target, fed with random bytes).
//!
//! - evaluation never panics, is deterministic, and the reasons add up to the score;
//! - every group total lies within the group's `min`/`max`;
//! - the CLI on a whole file (one thread and several), the library lead by
//!   lead, and the library on several threads give the same records in the
//!   same order;
//! - `fmt` never changes a rule's label (an unlabelled rule is named by its
//!   canonical one-line form), on generated files written with odd layout
//!   and on every rules file in the repository.
//!
//! Case counts are small (64) so `cargo test` stays fast.

#[path = "../fuzz/gen/rules_gen.rs"]
mod rules_gen;

mod common;

use arbitrary::Unstructured;
use assert_cmd::Command;
use leadscore::eval::{EvalOptions, Outcome, Program};
use leadscore::syntax::MemReader;
use proptest::prelude::*;
use serde_json::Value;
use std::path::Path;

const AS_OF: &str = "2026-11-01T00:00:00Z";

fn opts() -> EvalOptions {
    let as_of = chrono::DateTime::parse_from_rfc3339(AS_OF)
        .unwrap()
        .to_utc();
    EvalOptions { as_of }
}

/// A rules file and leads made from `bytes`.
fn generate(bytes: &[u8], leads: usize) -> (String, Vec<Value>) {
    let mut u = Unstructured::new(bytes);
    let text = rules_gen::rules_text(&mut u).expect("the generator never runs dry");
    let leads = (0..leads)
        .map(|i| rules_gen::lead(&mut u, i).expect("leads too"))
        .collect();
    (text, leads)
}

fn compile(text: &str) -> Program {
    let loaded = leadscore::load_str("gen.rules", text, &MemReader::default());
    let Some(ruleset) = loaded.ruleset.as_ref() else {
        let shown = leadscore::diagnostics::render(&loaded.sources, &loaded.diagnostics, false);
        panic!("a generated file does not check:\n{text}\n{shown}");
    };
    Program::compile(ruleset)
}

/// The record the CLI writes for a lead the library scored (or the error's text).
fn record(program: &Program, lead: &Value) -> Result<String, String> {
    let outcome = program.score(lead, &opts()).map_err(|e| e.to_string())?;
    let mut line = String::new();
    program.render_record(&mut line, &lead["id"], &outcome, true);
    Ok(line)
}

use rules_gen::rounding_bound;

fn check_outcome(program: &Program, outcome: &Outcome, text: &str) {
    let reasons = program.reasons(outcome);
    let total: f64 = reasons.iter().map(|r| r.points).sum();
    let tolerance = rounding_bound(reasons.iter().map(|r| r.points), outcome.score);
    assert!(
        (total - outcome.score).abs() <= tolerance,
        "reasons add up to {total}, score {}\n{text}",
        outcome.score
    );
    for (g, group) in program.ruleset().groups.iter().enumerate() {
        let t = outcome.groups[g];
        assert!(
            group.max.is_none_or(|m| t <= m),
            "{} above max\n{text}",
            group.name
        );
        // `max` applies first, so a group with min > max ends at min.
        assert!(
            group.min.is_none_or(|m| t >= m),
            "{} below min\n{text}",
            group.name
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn evaluation_is_total_deterministic_and_explained(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let (text, leads) = generate(&bytes, 8);
        let program = compile(&text);
        for lead in &leads {
            let first = program.score(lead, &opts());
            prop_assert_eq!(&first, &program.score(lead, &opts()));
            if let Ok(outcome) = &first {
                check_outcome(&program, outcome, &format!("{text}\n{lead}\n{outcome:?}"));
            }
        }
    }

    #[test]
    fn library_threads_give_the_same_outcomes_in_order(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let (text, leads) = generate(&bytes, 24);
        let program = compile(&text);
        let one_by_one: Vec<_> = leads.iter().map(|l| record(&program, l)).collect();
        let halves: Vec<Vec<_>> = std::thread::scope(|s| {
            let workers: Vec<_> = leads
                .chunks(leads.len().div_ceil(3))
                .map(|part| s.spawn(|| part.iter().map(|l| record(&program, l)).collect()))
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        prop_assert_eq!(one_by_one, halves.concat());
    }
}

proptest! {
    // Each case runs the binary twice: fewer cases.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_cli_in_one_batch_on_any_threads_equals_the_library_lead_by_lead(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let (text, mut leads) = generate(&bytes, 40);
        // A field no rule reads makes the file span two 1 MiB chunks, so
        // `--threads 3` really scores in parallel.
        for lead in &mut leads {
            lead["pad"] = Value::from("p".repeat(40_000));
        }
        let program = compile(&text);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gen.rules"), &text).unwrap();
        let input: String = leads.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(dir.path().join("leads.jsonl"), input).unwrap();
        let one = cli(dir.path(), "1");
        prop_assert_eq!(&one, &cli(dir.path(), "3"));
        prop_assert_eq!(one.lines().count(), leads.len());
        for (n, (line, lead)) in one.lines().zip(&leads).enumerate() {
            match record(&program, lead) {
                Ok(expected) => prop_assert_eq!(format!("{line}\n"), expected),
                Err(message) => {
                    let record: Value = serde_json::from_str(line).unwrap();
                    prop_assert_eq!(&record["id"], &lead["id"]);
                    let wanted = format!("line {}: {message}", n + 1);
                    prop_assert_eq!(record["error"].as_str(), Some(wanted.as_str()));
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn fmt_keeps_every_rule_label(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let (text, _) = generate(&bytes, 0);
        let odd = unlabel_and_reflow(&text);
        // Without their `as` labels two rules may share a text: skip those.
        let Some(before) = rule_labels(&odd) else { return Ok(()) };
        let formatted = leadscore::fmt::format(&odd).expect("formats");
        prop_assert_eq!(rule_labels(&formatted), Some(before.clone()), "{}\n---\n{}", odd, formatted);
        // The layout never counted: the same rules on one line each have the same labels.
        prop_assert_eq!(rule_labels(&unlabel(&text)), Some(before));
    }
}

/// The rule labels of a rules file, in order (`None` when it does not check).
fn rule_labels(text: &str) -> Option<Vec<String>> {
    let loaded = leadscore::load_str("gen.rules", text, &MemReader::default());
    let rules = &loaded.ruleset.as_ref()?.rules;
    Some(rules.iter().map(|r| r.label.clone()).collect())
}

/// The generated file with the `as "..."` label of every rule taken off.
fn unlabel(text: &str) -> String {
    let lines = text.lines().map(|line| match line.rfind(" as \"") {
        Some(i) if !line.trim_start().starts_with("let ") => &line[..i],
        _ => line,
    });
    lines.map(|l| format!("{l}\n")).collect()
}

/// [`unlabel`], then each conditional rule written as an author might:
/// the condition in redundant parentheses with doubled spaces, and a line
/// break and a comment before `add`/`subtract`.
fn unlabel_and_reflow(text: &str) -> String {
    let reflow = |line: &str| -> Option<String> {
        let (indent, rule) = line.split_at(line.len() - line.trim_start().len());
        let cond = rule.strip_prefix("when ")?;
        let verb = [" add ", " subtract "]
            .iter()
            .filter_map(|v| cond.rfind(v))
            .max()?;
        let (cond, action) = cond.split_at(verb);
        // (Only outside literals: a line break in a string would change it.)
        let cond = match cond.contains(['"', '/']) {
            true => cond.to_string(),
            false => cond
                .replace(" and ", "  and\n    ")
                .replace(" or ", "   or "),
        };
        Some(format!(
            "{indent}when  ( {cond} )  # why\n{indent}    {}",
            action.trim_start()
        ))
    };
    let lines = unlabel(text);
    let lines = lines
        .lines()
        .map(|l| reflow(l).unwrap_or_else(|| l.to_string()));
    lines.map(|l| format!("{l}\n")).collect()
}

/// Reads rules files from the disk, each one passed through `fmt` first
/// when `formatted`.
struct Disk {
    formatted: bool,
}

impl leadscore::syntax::SourceReader for Disk {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        let text = std::fs::read_to_string(path)?;
        match self.formatted {
            true => Ok(leadscore::fmt::format(&text).unwrap_or(text)),
            false => Ok(text),
        }
    }

    fn canonicalize(&self, path: &Path) -> std::io::Result<std::path::PathBuf> {
        std::fs::canonicalize(path)
    }
}

#[test]
fn fmt_keeps_the_rule_labels_of_every_rules_file_in_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["rules", "examples", "tests", "docs", "fuzz"] {
        common::rules_files(&root.join(dir), &mut files);
    }
    let mut compared = 0;
    for file in &files {
        let name = file.to_string_lossy();
        let labels = |reader: &dyn leadscore::syntax::SourceReader| {
            // (Some fixtures are unreadable on purpose: not UTF-8.)
            let loaded = leadscore::load(&name, reader).ok()?;
            let rules = loaded.ruleset.map(|r| r.rules);
            rules.map(|rules| rules.into_iter().map(|r| r.label).collect::<Vec<_>>())
        };
        let Some(before) = labels(&Disk { formatted: false }) else {
            continue;
        };
        assert_eq!(labels(&Disk { formatted: true }), Some(before), "{name}");
        compared += 1;
    }
    assert!(compared >= 10, "only {compared} rules files checked clean");
}

/// `leadscore score gen.rules leads.jsonl --explain --threads N` in `dir`: its stdout.
fn cli(dir: &Path, threads: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_leadscore"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args([
            "score",
            "gen.rules",
            "leads.jsonl",
            "--explain",
            "--as-of",
            AS_OF,
        ])
        .args(["--threads", threads])
        .output()
        .unwrap();
    let code = out.status.code();
    assert!(
        code == Some(0) || code == Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_generator_makes_files_that_check_and_use_the_whole_language() {
    // A fixed seed that takes every branch of the generator at least once.
    let mut seen = String::new();
    for seed in 0..200u32 {
        let bytes: Vec<u8> = (0..2048u32)
            .map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(seed * 40_503) >> 13) as u8)
            .collect();
        let (text, _) = generate(&bytes, 0);
        compile(&text);
        seen.push_str(&text);
    }
    for construct in [
        "group",
        "max",
        "min",
        "label",
        "up to",
        "matches",
        "within",
        "count(",
        " / ",
        "is missing",
        "let ",
    ] {
        assert!(
            seen.contains(construct),
            "the generator never wrote {construct:?}"
        );
    }
}

/// The inputs the `roundtrip` fuzz target found, through the same checks.
#[test]
fn roundtrip_inputs_found_by_the_fuzzer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz-regressions/roundtrip");
    let mut found = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let mut u = Unstructured::new(&bytes);
        let text = rules_gen::rules_text(&mut u).unwrap();
        let program = compile(&text);
        let formatted = leadscore::fmt::format(&text).expect("formats");
        assert_eq!(
            leadscore::fmt::format(&formatted).expect("formats again"),
            formatted
        );
        for i in 0..4 {
            let lead = rules_gen::lead(&mut u, i).unwrap();
            let first = program.score(&lead, &opts());
            assert_eq!(first, program.score(&lead, &opts()));
            if let Ok(outcome) = &first {
                check_outcome(&program, outcome, &format!("{text}\n{lead}"));
            }
        }
        found += 1;
    }
    assert!(found > 0);
}

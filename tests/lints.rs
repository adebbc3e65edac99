//! Lints: each `tests/data/lints/CODE.rules` fixture gives only warnings
//! with code `leadscore::CODE`, snapshotted with its source (colours off);
//! `# allow(CODE)` silences them, per item and per file.
//!
//! Review snapshot changes with `cargo insta review`.

use leadscore::syntax::{MemReader, SourceReader};
use leadscore::Loaded;
use std::path::{Path, PathBuf};

/// Reads the real file system (for the shipped rules and their includes).
struct FsReader;

impl SourceReader for FsReader {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        std::fs::read_to_string(path)
    }

    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
        path.canonicalize()
    }
}

const LINTS: [&str; 11] = [
    "never_fires",
    "unreachable_arm",
    "duplicate_condition",
    "unused_let",
    "unreachable_max",
    "no_otherwise",
    "constant_condition",
    "mixed_and_or",
    "field_typo",
    "negligible_decay",
    "list_equality",
];

fn load(name: &str, text: &str) -> Loaded {
    leadscore::load_str(name, text, &MemReader::default())
}

fn fixture(code: &str) -> String {
    let path = format!(
        "{}/tests/data/lints/{code}.rules",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).expect("fixture is readable")
}

#[test]
fn each_lint_fixture_gives_its_warnings() {
    for code in LINTS {
        let text = fixture(code);
        let loaded = load(&format!("{code}.rules"), &text);
        assert!(!loaded.diagnostics.is_empty(), "{code}: no diagnostic");
        for d in &loaded.diagnostics {
            assert_eq!(d.code, format!("leadscore::{code}"), "{code}: {d:?}");
            assert!(!d.is_error(), "{code}: lints are warnings");
        }
        assert!(
            loaded.ruleset.is_some(),
            "{code}: warnings do not stop the rules"
        );
        let rendered = leadscore::diagnostics::render(&loaded.sources, &loaded.diagnostics, false);
        insta::assert_snapshot!(code, format!("{text}\n----- diagnostics -----\n{rendered}"));
    }
}

#[test]
fn never_fires_finds_each_kind_and_spares_a_sound_range() {
    let loaded = load("n.rules", &fixture("never_fires"));
    let lines: Vec<usize> = loaded
        .diagnostics
        .iter()
        .map(|d| loaded.sources.line_col(d.span).0)
        .collect();
    assert_eq!(lines, [4, 5, 6]);
}

#[test]
fn an_allow_at_the_top_silences_each_lint() {
    for code in LINTS {
        let text = format!("# allow({code})\n{}", fixture(code));
        let loaded = load("a.rules", &text);
        assert!(
            loaded.diagnostics.is_empty(),
            "{code}: {:?}",
            loaded.diagnostics
        );
    }
}

#[test]
fn an_allow_for_another_code_silences_nothing() {
    let text = format!("# allow(unused_let)\n{}", fixture("no_otherwise"));
    let loaded = load("a.rules", &text);
    assert_eq!(loaded.diagnostics.len(), 1);
}

#[test]
fn allows_on_items_silence_only_those_items() {
    let text = std::fs::read_to_string("tests/data/lints/allowed.rules").unwrap();
    let loaded = load("allowed.rules", &text);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    // Without the comments, every lint is back.
    let bare: String = text
        .lines()
        .map(|l| l.split("# allow").next().unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let loaded = load("bare.rules", &bare);
    let mut codes: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), LINTS.len(), "{codes:?}");
}

#[test]
fn an_allow_in_the_file_header_covers_the_whole_file() {
    let text = std::fs::read_to_string("tests/data/lints/allowed_file.rules").unwrap();
    assert!(load("f.rules", &text).diagnostics.is_empty());
    let moved = text.replacen("# allow(no_otherwise, unused_let)\n", "", 1)
        + "# allow(no_otherwise, unused_let)\n";
    assert_eq!(load("f.rules", &moved).diagnostics.len(), 4);
}

#[test]
fn lints_wait_for_errors_to_be_fixed() {
    let loaded = load("e.rules", "let unused = 1\nwhen score > 1 add 1\n");
    assert_eq!(loaded.diagnostics[0].code, "leadscore::total_in_rule");
    assert!(loaded
        .diagnostics
        .iter()
        .all(|d| d.code != "leadscore::unused_let"));
}

#[test]
fn the_shipped_rules_are_lint_clean() {
    for path in [
        "rules/b2b_saas.rules",
        "rules/fit_only.rules",
        "rules/bench.rules",
        "rules/b2b_saas.test.rules",
        "rules/bench.test.rules",
        "rules/bench_decay.rules",
    ] {
        let loaded = leadscore::load(path, &FsReader).unwrap();
        let warnings: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code).collect();
        assert!(warnings.is_empty(), "{path}: {warnings:?}");
    }
}

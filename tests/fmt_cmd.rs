//! `leadscore fmt` as a black box (in-place rewrite, `--check` with a diff,
//! syntax errors), and the formatter's two properties — idempotent, and the
//! formatted text parses to the same AST — on every rules file in the repo
//! and on generated rules files (proptest).

mod common;

use common::{rules_files, run_in};
use leadscore::syntax::{self, ast::FileId};
use proptest::prelude::*;
use std::path::Path;

const UGLY: &str = "# a model\ngroup fit   max 60 {\nwhen title contains any [VP,Chief] add 50 as \"exec\"   # trailing\n}\n\n\n\ntest \"t\" {\n  lead { title: \"VP\",\n    company: { \"size\": 300 } }\n  expect   score==50\n}\n";

#[test]
fn check_prints_a_unified_diff_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.rules"), UGLY).unwrap();
    let (out, err, code) = run_in(dir.path(), &["fmt", "--check", "m.rules"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("1 file would be reformatted"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("m.rules")).unwrap(),
        UGLY
    );
    insta::assert_snapshot!(out);
}

#[test]
fn fmt_rewrites_in_place_and_then_check_passes() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(rules.join("m.rules"), UGLY).unwrap();
    let (_, err, code) = run_in(dir.path(), &["fmt"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("formatted rules/m.rules"), "{err}");
    let formatted = std::fs::read_to_string(rules.join("m.rules")).unwrap();
    assert_eq!(formatted, leadscore::fmt::format(UGLY).unwrap());
    assert!(
        formatted.contains("  lead { title: \"VP\", company: { size: 300 } }\n"),
        "{formatted}"
    );
    let names: Vec<_> = std::fs::read_dir(&rules)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["m.rules"], "no temporary file is left behind");
    let (out, err, code) = run_in(dir.path(), &["fmt", "--check"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(
        err.contains("0 files would be reformatted, 1 already formatted"),
        "{err}"
    );
}

#[test]
fn the_shipped_rules_are_in_canonical_layout() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (stdout, stderr, code) = run_in(repo, &["fmt", "--check", "rules"]);
    assert_eq!(code, 0, "run `leadscore fmt rules`:\n{stdout}{stderr}");
    assert!(
        stdout.contains("0 files would be reformatted")
            || stderr.contains("0 files would be reformatted"),
        "{stdout}{stderr}"
    );
}

#[test]
fn files_with_syntax_errors_get_diagnostics_and_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "when title == add 5\n";
    std::fs::write(dir.path().join("b.rules"), broken).unwrap();
    let (_, err, code) = run_in(dir.path(), &["fmt", "b.rules"]);
    assert_eq!(code, 1);
    assert!(err.contains("leadscore::syntax"), "{err}");
    assert!(err.contains("b.rules:1:15"), "{err}");
    assert!(err.contains("1 file with syntax errors"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.rules")).unwrap(),
        broken
    );
}

/// The AST of `src` with every span blanked, so trees compare across layouts.
fn shape(src: &str) -> String {
    let (file, errors) = syntax::parse(FileId(0), src);
    assert_eq!(errors, [], "syntax errors in:\n{src}");
    let text = format!("{:#?}", file.items);
    let spans = regex::Regex::new(r"(?s)(pattern_)?span: Span \{.*?\},").unwrap();
    spans.replace_all(&text, "").into_owned()
}

/// Formats `src` and checks both properties; returns the formatted text.
fn check_properties(src: &str) -> Result<String, TestCaseError> {
    let out =
        leadscore::fmt::format(src).map_err(|e| TestCaseError::fail(format!("{e:?}\n{src}")))?;
    prop_assert_eq!(
        shape(src),
        shape(&out),
        "the AST changed:\n{}\n---\n{}",
        src,
        out
    );
    let again = leadscore::fmt::format(&out).unwrap();
    prop_assert_eq!(&again, &out, "not idempotent");
    Ok(out)
}

#[test]
fn every_rules_file_in_the_repo_that_parses_keeps_its_ast_and_is_a_fixed_point() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["rules", "examples", "tests/data"] {
        rules_files(&root.join(dir), &mut files);
    }
    let mut formatted = 0;
    for path in &files {
        let Ok(src) = String::from_utf8(std::fs::read(path).unwrap()) else {
            continue; // fuzz inputs that are not text
        };
        if !syntax::parse(FileId(0), &src).1.is_empty() {
            continue; // the syntax-error fixtures
        }
        if let Err(e) = check_properties(&src) {
            panic!("{}: {e}", path.display());
        }
        formatted += 1;
    }
    assert!(formatted >= 10, "only {formatted} files checked");
}

// ------------------------------------------------------------------ generated rules

fn path() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "title",
        "company.size",
        "email",
        "source",
        "fit",
        "x_1",
    ])
    .prop_map(String::from)
}

fn literal() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "1",
        "10_000",
        "2.5",
        "\"VP\"",
        "\"a \\\"q\\\"\"",
        "true",
        "0",
    ])
    .prop_map(String::from)
}

fn comparison() -> impl Strategy<Value = String> {
    let op = prop::sample::select(vec!["==", "!=", "<", "<=", ">", ">="]);
    prop_oneof![
        (path(), op, literal()).prop_map(|(p, o, l)| format!("{p} {o} {l}")),
        path().prop_map(|p| format!("{p} in [VP, \"Head of\", 3]")),
        path().prop_map(|p| format!("{p} between 1 and 5")),
        path().prop_map(|p| format!("{p} contains any [x, y]")),
        path().prop_map(|p| format!("{p} is not missing")),
        path().prop_map(|p| format!("{p} matches /ab+c/i")),
        Just("count(events where type == \"demo\" and at within 30 days) >= 2".to_string()),
        path(),
    ]
}

fn condition() -> impl Strategy<Value = String> {
    comparison().prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} and {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} or {b}")),
            inner.clone().prop_map(|a| format!("not ({a})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("({a}\n    or {b})")),
        ]
    })
}

fn points() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("5".to_string()),
        Just("2 * count(events)".to_string()),
        Just("(1 + 2) * 3 - 4".to_string()),
    ]
}

fn rule() -> impl Strategy<Value = String> {
    let sign = prop::sample::select(vec!["add", "subtract"]);
    let up_to = prop::option::of(Just(" up to 10"));
    let label = prop::option::of(prop::sample::select(vec![
        " as \"one\"",
        " as \"two words\"",
    ]));
    (prop::option::of(condition()), sign, points(), up_to, label).prop_map(|(c, s, p, u, l)| {
        let when = c.map_or(String::new(), |c| format!("when {c} "));
        format!("{when}{s} {p}{}{}", u.unwrap_or(""), l.unwrap_or(""))
    })
}

fn json() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec!["1", "-2.5", "\"x\"", "true", "null", "[]", "{}"])
        .prop_map(String::from);
    leaf.prop_recursive(3, 10, 3, |inner| {
        let key = prop::sample::select(vec!["a", "\"b c\"", "type", "at_1"]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..3).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec((key, inner), 1..3).prop_map(|m| {
                let members: Vec<String> =
                    m.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{ {} }}", members.join(",\n  "))
            }),
        ]
    })
}

fn expectation() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("score == 95".to_string()),
        Just("score between -5 and 10".to_string()),
        Just("tier == \"call today\"".to_string()),
        Just("tier is missing".to_string()),
        Just("fit >= 2.5".to_string()),
        Just("fired \"one\"".to_string()),
        Just("not fired \"two words\"".to_string()),
    ]
}

fn test_block() -> impl Strategy<Value = String> {
    let lead = prop_oneof![
        json().prop_map(|j| format!("lead {{ id: {j} }}")),
        Just("lead from \"leads/x.json\"".to_string()),
    ];
    (
        prop::option::of(Just("as_of 2026-11-01T00:00:00Z")),
        lead,
        prop::collection::vec(expectation(), 0..3),
    )
        .prop_map(|(a, l, e)| {
            let mut lines: Vec<String> = a.into_iter().map(String::from).collect();
            lines.push(l);
            lines.extend(e.into_iter().map(|e| format!("expect {e}")));
            format!("test \"case\" {{\n  {}\n}}", lines.join("\n    "))
        })
}

fn item() -> impl Strategy<Value = String> {
    prop_oneof![
        rule(),
        condition().prop_map(|c| format!("let x_1 = {c}")),
        prop::collection::vec(rule(), 0..3)
            .prop_map(|r| format!("group fit max 60 {{\n{}\n}}", r.join("\n"))),
        prop::collection::vec(condition(), 1..3).prop_map(|arms| {
            let arms: Vec<String> = arms.iter().map(|c| format!("  hot when {c}")).collect();
            format!("label tier {{\n{}\n  cold otherwise\n}}", arms.join("\n"))
        }),
        test_block(),
    ]
}

/// An item with an optional comment above it, an optional trailing comment and blank lines after.
fn decorated() -> impl Strategy<Value = String> {
    let above = prop::option::of(Just("# about the next item\n"));
    let trailing = prop::option::of(Just("   # trailing"));
    (above, item(), trailing, 0..3usize).prop_map(|(a, i, t, blanks)| {
        format!(
            "{}{i}{}\n{}",
            a.unwrap_or(""),
            t.unwrap_or(""),
            "\n".repeat(blanks)
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_files_format_idempotently_to_the_same_ast(items in prop::collection::vec(decorated(), 1..6)) {
        let src = items.concat();
        check_properties(&src)?;
    }
}

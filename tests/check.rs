//! The checker through source text: resolution, inferred types, labels and
//! outputs of accepted rulesets, and which codes rejected ones get.

use leadscore::rules::{Output, Ruleset, Scope, TExpr, TExprKind, Type};
use leadscore::syntax::{MemReader, SourceReader};
use std::io;
use std::path::{Path, PathBuf};

/// Reads the real file system (for the shipped rules and their includes).
struct FsReader;

impl SourceReader for FsReader {
    fn read(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        path.canonicalize()
    }
}

/// Checks `src`; panics with the rendered diagnostics when it has errors.
fn ok(src: &str) -> Ruleset {
    let loaded = leadscore::load_str("test.rules", src, &MemReader::default());
    let shown = leadscore::diagnostics::render(&loaded.sources, &loaded.diagnostics, false);
    loaded
        .ruleset
        .unwrap_or_else(|| panic!("rules rejected:\n{shown}"))
}

/// The codes of the diagnostics `src` gets, in source order.
fn codes(src: &str) -> Vec<&'static str> {
    let loaded = leadscore::load_str("test.rules", src, &MemReader::default());
    loaded.diagnostics.iter().map(|d| d.code).collect()
}

/// The type of field `path` in a record type (`a.b` steps into lists).
fn field(ty: &Type, path: &str) -> Type {
    path.split('.').fold(ty.clone(), |t, seg| match t {
        Type::Record(f) => f[seg].ty.clone(),
        Type::List(inner) => match *inner {
            Type::Record(f) => f[seg].ty.clone(),
            other => panic!("no field {seg} in {other}"),
        },
        other => panic!("no field {seg} in {other}"),
    })
}

fn when(rs: &Ruleset, i: usize) -> &TExpr {
    rs.rules[i].when.as_ref().expect("a condition")
}

#[test]
fn spec_example_checks_clean() {
    let src = std::fs::read_to_string("tests/data/spec_example.rules").unwrap();
    let loaded = leadscore::load_str("spec_example.rules", &src, &MemReader::default());
    let shown = leadscore::diagnostics::render(&loaded.sources, &loaded.diagnostics, false);
    assert!(loaded.diagnostics.is_empty(), "{shown}");
    let rs = loaded.ruleset.unwrap();
    assert!(rs.has_schema);
    assert_eq!(rs.lets.len(), 3);
    assert_eq!(rs.rules.len(), 12);
    assert_eq!(rs.rules[1].label, "when title contains \"Director\" add 30");
}

#[test]
fn shipped_rules_check_clean() {
    for entry in std::fs::read_dir("rules").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rules") {
            let loaded = leadscore::load(&path.to_string_lossy(), &FsReader).unwrap();
            let shown = leadscore::diagnostics::render(&loaded.sources, &loaded.diagnostics, false);
            assert!(!loaded.has_errors(), "{}:\n{shown}", path.display());
        }
    }
}

#[test]
fn infers_field_types_without_schema() {
    let rs = ok(concat!(
        "when title contains \"VP\" add 10\n",
        "when company.size > 100 add 5\n",
        "when unsubscribed subtract 50\n",
        "when count(events where type == \"demo\" and at within 30 days) >= 1 add 40\n",
        "when email is missing subtract 5\n",
    ));
    assert!(!rs.has_schema);
    let lead = &rs.lead_type;
    assert_eq!(field(lead, "title"), Type::String);
    assert_eq!(field(lead, "company.size"), Type::Number);
    assert_eq!(field(lead, "unsubscribed"), Type::Bool);
    assert_eq!(field(lead, "events.type"), Type::String);
    assert_eq!(field(lead, "events.at"), Type::Datetime);
    assert_eq!(field(lead, "email"), Type::Any);
    assert!(matches!(field(lead, "events"), Type::List(_)));
}

#[test]
fn infers_through_lets_and_projections() {
    let rs = ok(concat!(
        "let pv = events where type == \"page_view\"\n",
        "when count(pv where url contains \"/pricing\") > 0 add 30\n",
        "add sum(orders.amount) up to 20\n",
        "when tags contains \"vip\" add 5\n",
    ));
    let lead = &rs.lead_type;
    assert_eq!(field(lead, "events.url"), Type::String);
    assert_eq!(field(lead, "orders.amount"), Type::Number);
    assert_eq!(rs.rules[1].up_to, Some(20.0));
    // `contains` on an unknown field is a substring test: the field is text.
    assert_eq!(field(lead, "tags"), Type::String);
}

#[test]
fn list_membership_with_contains() {
    let rs = ok("schema { tags: list<string> }\nwhen tags contains \"vip\" add 5\n");
    let TExprKind::In {
        value,
        list,
        negated: false,
    } = &when(&rs, 0).kind
    else {
        panic!("membership")
    };
    assert_eq!(value.kind, TExprKind::String("vip".into()));
    assert_eq!(list.ty, Type::List(Box::new(Type::String)));
}

#[test]
fn resolves_lets_elements_and_lead_prefix() {
    let rs = ok(concat!(
        "schema { id: string, type: string, events: list<{ type: string }> }\n",
        "let demo = \"demo\"\n",
        "when any(events where type == demo and lead.type == \"x\") add 1\n",
    ));
    let TExprKind::NonEmpty(filter, true) = &when(&rs, 0).kind else {
        panic!("any: the filter keeps some element")
    };
    let TExprKind::Where(_, cond) = &filter.kind else {
        panic!("a where")
    };
    let TExprKind::And(parts) = &cond.kind else {
        panic!("an and")
    };
    let TExprKind::Compare(_, l, r) = &parts[0].kind else {
        panic!("a comparison")
    };
    assert!(matches!(&l.kind, TExprKind::Field(f) if f.scope == Scope::Element(0)));
    assert_eq!(r.kind, TExprKind::Let(0));
    let TExprKind::Compare(_, l, _) = &parts[1].kind else {
        panic!("a comparison")
    };
    assert!(matches!(&l.kind, TExprKind::Field(f) if f.scope == Scope::Lead && f.path == ["type"]));
}

#[test]
fn totals_in_labels() {
    let rs = ok(concat!(
        "label tier {\n  hot when score >= 80 and fit > 10\n  cold otherwise\n}\n",
        "group fit max 60 {\n  when title contains \"VP\" add 50\n}\n",
    ));
    let TExprKind::And(parts) = &rs.labels[0].arms[0].when.as_ref().unwrap().kind else {
        panic!("an and")
    };
    let TExprKind::Compare(_, l, _) = &parts[0].kind else {
        panic!()
    };
    assert_eq!(l.kind, TExprKind::Score);
    let TExprKind::Compare(_, l, _) = &parts[1].kind else {
        panic!()
    };
    assert_eq!(l.kind, TExprKind::GroupTotal(0));
    assert_eq!(rs.outputs, vec![Output::Label(0), Output::Group(0)]);
    assert_eq!(rs.rules[0].group, Some(0));
}

#[test]
fn rule_labels_fold_white_space() {
    let rs = ok("when  title   contains \"VP\"   add 5\nadd 1 as \"base\"\n");
    assert_eq!(rs.rules[0].label, "when title contains \"VP\" add 5");
    assert_eq!(rs.rules[1].label, "base");
}

#[test]
fn regexes_keep_pattern_and_flag_apart() {
    let rs = ok("when company.name matches /\\b(test|example)\\b/i subtract 40\n");
    let TExprKind::Matches(_, re) = &when(&rs, 0).kind else {
        panic!("matches")
    };
    assert_eq!(re.pattern, "\\b(test|example)\\b");
    assert!(re.case_insensitive);
    assert!(re.regex().is_match("An EXAMPLE corp"));
}

#[test]
fn warnings_keep_the_ruleset() {
    let src = "add 1\nlabel tier {\n  cold otherwise\n  hot when score > 5\n}\n";
    let loaded = leadscore::load_str("t.rules", src, &MemReader::default());
    assert_eq!(loaded.diagnostics.len(), 1);
    assert!(!loaded.has_errors());
    assert!(loaded.ruleset.is_some());
}

#[test]
fn errors_by_code() {
    let cases: &[(&str, &[&str])] = &[
        ("when score > 5 add 1\n", &["leadscore::total_in_rule"]),
        (
            "when x > 1 add y\nlet y = 3\n",
            &["leadscore::undefined_name"],
        ),
        ("let y = y + 1\n", &["leadscore::undefined_name"]),
        (
            "when title contains \"a\" add 1\nwhen title > 3 add 1\n",
            &["leadscore::inconsistent_field"],
        ),
        (
            "schema { title: string }\nwhen title add 1\n",
            &["leadscore::type_mismatch"],
        ),
        (
            "when created_at within 3 days add 3 days\n",
            &["leadscore::type_mismatch"],
        ),
        ("when min(a) > 1 add 1\n", &["leadscore::bad_call"]),
        ("when cout(events) > 1 add 1\n", &["leadscore::bad_call"]),
        (
            "add 1 as \"a\"\nadd 2 as \"a\"\n",
            &["leadscore::duplicate_rule_label"],
        ),
        ("when x matches /(a/ add 1\n", &["leadscore::invalid_regex"]),
        ("when x matches /a/g add 1\n", &["leadscore::invalid_regex"]),
        ("add 5 up to 0\n", &["leadscore::bad_limit"]),
        ("schema { a: integer }\n", &["leadscore::unknown_type"]),
        (
            "schema { a: int }\nwhen b > 1 add 1\n",
            &["leadscore::unknown_field"],
        ),
        ("let a = 1\nlet a = 2\n", &["leadscore::duplicate_name"]),
    ];
    for (src, want) in cases {
        assert_eq!(codes(src), *want, "for {src:?}");
    }
}

#[test]
fn late_uses_retype_earlier_references() {
    let rs = ok("when title is present add 1\nwhen title contains \"VP\" add 5\n");
    let TExprKind::IsPresent(x, true) = &when(&rs, 0).kind else {
        panic!("is present")
    };
    assert_eq!(x.ty, Type::String);
}

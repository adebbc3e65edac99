//! The fused filters against the original nodes, rule by rule: every
//! condition and points value, and the mismatch count, must be equal.

use super::super::compile::{compile, Compiled, Node};
use super::super::run::{Ctx, Scratch};
use super::super::value::{Instant, Val};
use super::children;
use crate::syntax::MemReader;
use serde_json::{json, Value};

/// 2026-11-01T00:00:00Z.
const AS_OF: i64 = 1_793_491_200;

/// Puts every fused filter's original node back.
fn unfuse(n: &mut Node) {
    if let Node::Fused { orig, .. } = n {
        let orig = std::mem::replace(&mut **orig, Node::Score);
        *n = orig;
    }
    children(n, &mut |child, _| unfuse(child));
}

fn programs(rules: &str) -> (Compiled, Compiled) {
    let loaded = crate::load_str("t.rules", rules, &MemReader::default());
    let ruleset = loaded.ruleset.expect("the rules check");
    let fused = compile(&ruleset);
    let mut plain = compile(&ruleset);
    plain.lets.iter_mut().for_each(unfuse);
    for rule in &mut plain.rules {
        rule.when.iter_mut().for_each(unfuse);
        unfuse(&mut rule.points);
    }
    (fused, plain)
}

/// Each rule's condition and points, then the mismatches counted.
fn evaluate(code: &Compiled, lead: &Value) -> (Vec<(Option<Val>, Val)>, u32) {
    let mut scratch = Scratch::default();
    code.shape
        .extract(lead, &mut scratch.slots)
        .expect("the lead reads");
    let as_of = Instant {
        secs: AS_OF,
        nanos: 0,
    };
    let mut ctx = Ctx::new(code, &mut scratch, as_of);
    let vals = code
        .rules
        .iter()
        .map(|r| (r.when.as_ref().map(|w| ctx.val(w)), ctx.val(&r.points)))
        .collect();
    (vals, ctx.mismatches)
}

/// Whether `code` has a fused node anywhere in its rules.
fn has_fused(code: &Compiled) -> usize {
    fn count(n: &mut Node, k: &mut usize) {
        *k += usize::from(matches!(n, Node::Fused { .. }));
        children(n, &mut |c, _| count(c, k));
    }
    let mut k = 0;
    for r in &code.rules {
        let mut w = r.when.clone().unwrap_or(Node::Score);
        count(&mut w, &mut k);
        count(&mut r.points.clone(), &mut k);
    }
    k
}

/// Asserts that the fused and plain programs agree on every lead, and
/// returns the fused results of the first rule's condition per lead.
fn agree(rules: &str, leads: &[Value], fused_nodes: usize) -> Vec<Vec<(Option<Val>, Val)>> {
    let (fused, plain) = programs(rules);
    assert_eq!(has_fused(&fused), fused_nodes, "fused nodes in {rules}");
    assert_eq!(has_fused(&plain), 0);
    leads
        .iter()
        .map(|lead| {
            let a = evaluate(&fused, lead);
            let b = evaluate(&plain, lead);
            assert_eq!(a, b, "lead {lead}");
            a.0
        })
        .collect()
}

fn at(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

const SCHEMA: &str =
    "schema {\n  id: string\n  events: list<{ type: string?, at: datetime?, url: string? }>?\n}\n";

/// Leads with missing, null, odd-cased and boundary values.
fn leads() -> Vec<Value> {
    let day = 86_400;
    let ev = |ty: Value, t: Value, url: Value| json!({"type": ty, "at": t, "url": url});
    vec![
        json!({"id": "none"}),
        json!({"id": "null", "events": null}),
        json!({"id": "empty", "events": []}),
        json!({"id": "mixed", "events": [
            ev(json!("Page_View"), json!(at(AS_OF)), json!("/PRICING/x")),
            ev(json!("page_view"), json!(at(AS_OF - 30 * day)), json!("/pricing")),
            ev(json!("page_view"), json!(at(AS_OF - 30 * day + 1)), json!("/careers")),
            ev(json!("EMAIL_OPEN"), json!(at(AS_OF + 1)), Value::Null),
            ev(Value::Null, json!(at(AS_OF - 90 * day)), json!("whitepaper")),
            json!({"at": at(AS_OF - 89 * day)}),
            ev(json!("demo_request"), Value::Null, json!("/Whitepaper.pdf")),
            ev(json!("straße"), json!(at(AS_OF - day)), json!("STRASSE")),
        ]}),
        json!({"id": "one", "events": [ev(json!("demo_request"), json!(at(AS_OF - 91 * day)), json!(""))]}),
        json!({"id": "all", "events": [
            ev(json!("page_view"), json!(at(AS_OF - 2 * day)), json!("/a")),
            ev(json!("PAGE_VIEW"), json!(at(AS_OF - 3 * day)), json!("/b")),
        ]}),
    ]
}

const SHAPES: &str = r#"
when count(events where type == "page_view") >= 1 add count(events where type == "PAGE_VIEW") as "eq"
when any(events where type != "page_view") add 1 as "ne"
when count(events where type in [Page_View, "email_open", STRASSE]) > 0 add count(events where type in [STRASSE, "Email_Open"]) as "in"
when any(events where url contains "/pricing") add count(events where url contains "WHITEPAPER") as "contains"
when any(events where url starts with "/p" or url ends with ".pdf") add 1 as "other terms"
when count(events where at within 30 days) == 3 add count(events where at within 90 days) as "within"
when none(events where at within 1 days) add 1 as "none"
when all(events where type == "page_view") add 1 as "all"
when all(events where type == "page_view" and at within 7 days) add 1 as "all and"
when any(events where type == "page_view" and url contains "/pricing" and at within 30 days) add 1 as "three"
when count(events where type is missing) >= 1 add count(events where not (type == "page_view")) as "missing"
when any(events where type in []) add 1 as "empty set"
"#;

#[test]
fn fused_shapes_agree_with_a_schema() {
    let rules = format!("{SCHEMA}{SHAPES}");
    let got = agree(&rules, &leads(), 17);
    // Spot checks of the fused values themselves (lead "mixed").
    let mixed = &got[3];
    // Two page views are `Page_View`/`page_view`, case-insensitively three.
    assert_eq!(mixed[0], (Some(Val::Bool(true)), Val::Num(3.0)));
    // `within 30 days`: at as_of counts, as_of - 30 days does not, +1 s does; the future does not.
    assert_eq!(mixed[5], (Some(Val::Bool(true)), Val::Num(5.0)));
    // `straße` is `STRASSE` once folded; `EMAIL_OPEN` is `Email_Open`.
    assert_eq!(mixed[2].1, Val::Num(2.0));
    // A missing list: nothing to count, `none` and `all` hold.
    assert_eq!(got[0][6].0, Some(Val::Bool(true)));
    assert_eq!(got[0][7].0, Some(Val::Bool(true)));
    assert_eq!(got[5][7].0, Some(Val::Bool(true)));
}

#[test]
fn fused_shapes_agree_without_a_schema() {
    let mut leads = leads();
    // Wrong types: the plain nodes decide, mismatches counted as documented.
    leads.push(json!({"id": "bad", "events": [
        {"type": 3, "at": "2026-10-30T00:00:00Z", "url": ["x"]},
        {"type": "page_view", "at": "nope", "url": "/pricing"},
    ]}));
    leads.push(json!({"id": "bad list", "events": "page_view"}));
    agree(SHAPES, &leads, 17);
}

#[test]
fn a_materialised_let_is_fused_where_it_is_counted() {
    let rules = format!(
        "{SCHEMA}let views = events where type == \"page_view\" and at within 30 days\n\
         when count(views) >= 1 add 1\nwhen count(views) >= 2 add count(views)\n\
         when any(views) add 1\nwhen none(views) add 1\nwhen len(views) > 0 add 1\n"
    );
    let got = agree(&rules, &leads(), 5);
    assert_eq!(got[3][1], (Some(Val::Bool(true)), Val::Num(2.0)));
}

#[test]
fn filters_inside_a_filter_are_left_alone() {
    let rules = format!(
        "{SCHEMA}when any(events where count(lead.events where type == \"page_view\") > 1) add 1\n"
    );
    // Only the outer filter is fused; its condition runs the inner one per element.
    let got = agree(&rules, &leads(), 1);
    assert_eq!(got[5][0].0, Some(Val::Bool(true)));
}

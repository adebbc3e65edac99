//! The specialised nodes against the general ones they stand for, rule by
//! rule: `NumCmp` for `Cmp` with a number constant, `NumRange` for
//! `Between` with number bounds, `StrConst` (one scan for all needles) for
//! `Str` with the needles as a constant list, `StrEq` for `Cmp` with a text
//! constant, `InConst` for `In` with a constant list. Every condition and
//! the mismatch count must be equal.

use super::super::fuse::children;
use super::super::run::{Ctx, Scratch};
use super::super::value::{Instant, ListRef, Val};
use super::{compile, Compiled, ConstStr, Node};
use crate::syntax::ast::CmpOp;
use crate::syntax::MemReader;
use serde_json::{json, Value};

/// Rewrites the specialised nodes of `n` into the general ones.
fn generalise(n: &mut Node, code: &mut Compiled) {
    let general = match n {
        Node::NumCmp { op, value, k } => Some(Node::Cmp(
            *op,
            value.clone(),
            Box::new(Node::Const(Val::Num(*k))),
        )),
        Node::NumRange { value, lo, hi } => Some(Node::Between(
            value.clone(),
            Box::new(Node::Const(Val::Num(*lo))),
            Box::new(Node::Const(Val::Num(*hi))),
        )),
        Node::StrConst { op, value, needles } => {
            let list = texts(code, needles.list());
            Some(Node::Str {
                op: *op,
                any: true,
                value: value.clone(),
                needle: Box::new(Node::Const(list)),
            })
        }
        Node::StrEq {
            value,
            low,
            negated,
        } => {
            let op = if *negated { CmpOp::Ne } else { CmpOp::Eq };
            let text = text(code, low);
            Some(Node::Cmp(op, value.clone(), Box::new(Node::Const(text))))
        }
        Node::InConst {
            value,
            set,
            negated: false,
        } if set.nums.is_empty() && set.bools.is_empty() => Some(Node::In {
            value: value.clone(),
            list: Box::new(Node::Const(texts(code, &set.strs))),
            negated: false,
        }),
        _ => None,
    };
    if let Some(general) = general {
        *n = general;
    }
    children(n, &mut |child, _| generalise(child, code));
}

fn text(code: &mut Compiled, low: &str) -> Val {
    code.strs.push(ConstStr {
        orig: low.into(),
        low: low.into(),
    });
    Val::CStr(code.strs.len() as u32 - 1)
}

fn texts(code: &mut Compiled, lows: &[Box<str>]) -> Val {
    let list = lows.iter().map(|s| text(code, s)).collect();
    code.lists.push(list);
    Val::List(ListRef::Const(code.lists.len() as u32 - 1))
}

/// Counts the nodes `is` picks out in the rules.
fn count(code: &Compiled, is: fn(&Node) -> bool) -> usize {
    fn walk(n: &mut Node, is: fn(&Node) -> bool, k: &mut usize) {
        *k += usize::from(is(n));
        children(n, &mut |c, _| walk(c, is, k));
    }
    let mut k = 0;
    for r in &code.rules {
        walk(&mut r.when.clone().unwrap_or(Node::Score), is, &mut k);
    }
    k
}

/// Each rule's condition, then the mismatches counted.
fn evaluate(code: &Compiled, lead: &Value) -> (Vec<Option<Val>>, u32) {
    let mut scratch = Scratch::default();
    code.shape
        .extract(lead, &mut scratch.slots)
        .expect("the lead reads");
    let as_of = Instant {
        secs: 1_793_491_200,
        nanos: 0,
    };
    let mut ctx = Ctx::new(code, &mut scratch, as_of);
    let vals = code
        .rules
        .iter()
        .map(|r| r.when.as_ref().map(|w| Val::Bool(ctx.test(w))))
        .collect();
    (vals, ctx.mismatches)
}

/// Asserts that the specialised and general programs agree on every lead
/// and that some rule holds for some lead and fails for another.
fn agree(rules: &str, leads: &[Value]) {
    let loaded = crate::load_str("t.rules", rules, &MemReader::default());
    let ruleset = loaded.ruleset.expect("the rules check");
    let special = compile(&ruleset);
    let mut general = compile(&ruleset);
    let mut whens: Vec<Option<Node>> = general.rules.iter_mut().map(|r| r.when.take()).collect();
    for w in whens.iter_mut().flatten() {
        generalise(w, &mut general);
    }
    for (r, w) in general.rules.iter_mut().zip(whens) {
        r.when = w;
    }
    let specialised = |n: &Node| {
        matches!(
            n,
            Node::NumCmp { .. }
                | Node::NumRange { .. }
                | Node::StrConst { .. }
                | Node::StrEq { .. }
                | Node::InConst { .. }
        )
    };
    assert!(count(&special, specialised) > 0, "{rules}");
    assert_eq!(count(&general, specialised), 0, "{rules}");
    let (mut held, mut failed) = (false, false);
    for lead in leads {
        let a = evaluate(&special, lead);
        let b = evaluate(&general, lead);
        assert_eq!(a, b, "lead {lead} under {rules}");
        held |= a.0.contains(&Some(Val::Bool(true)));
        failed |= a.0.contains(&Some(Val::Bool(false)));
    }
    assert!(held && failed, "{rules}");
}

/// Values of every kind, for rules without a schema.
fn values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(0),
        json!(-0.0),
        json!(9.5),
        json!(10),
        json!(10.000001),
        json!(200),
        json!(5000),
        json!(-3),
        json!(1e300),
        json!(true),
        json!(false),
        json!(""),
        json!("10"),
        json!("VP of Sales"),
        json!("vice president"),
        json!("Chief Executive"),
        json!("chef"),
        json!("c"),
        json!("ceo"),
        json!("Straße Director"),
        json!("DIRECTOR OF STRASSE"),
        json!("école/pricing/x"),
        json!("/PRICING"),
        json!("/pric"),
        json!("x@gmail.com"),
        json!("gmail.com"),
        json!("a-much-longer-text-than-sixteen-bytes-with-/pricing-at-the-end"),
        json!("page_view"),
        json!("page_viex"),
        json!("PAGE_VIEW"),
        json!("webinar_attended"),
        json!("webinar_attendex"),
        json!("content_download"),
        json!([1, 2]),
        json!({"a": 1}),
    ]
}

fn leads(fields: &[&str]) -> Vec<Value> {
    let vals = values();
    let mut out = vec![json!({})];
    for (i, v) in vals.iter().enumerate() {
        let mut lead = serde_json::Map::new();
        for (j, f) in fields.iter().enumerate() {
            lead.insert(f.to_string(), vals[(i + j * 7) % vals.len()].clone());
        }
        lead.insert(fields[0].to_string(), v.clone());
        out.push(Value::Object(lead));
    }
    out
}

#[test]
fn number_comparisons_agree_with_the_general_ones() {
    let rules = "when x < 10 add 1 as \"a\"\nwhen x <= 10 add 1 as \"b\"\n\
        when x > 10 add 1 as \"c\"\nwhen x >= 10 add 1 as \"d\"\n\
        when x == 10 add 1 as \"e\"\nwhen x != 10 add 1 as \"f\"\n\
        when 10 < x add 1 as \"g\"\nwhen 10 >= x add 1 as \"h\"\n\
        when 0 == x add 1 as \"i\"\nwhen y != 0 add 1 as \"j\"\n\
        when x between 200 and 5000 add 1 as \"k\"\nwhen y between -3 and 9.5 add 1 as \"l\"\n\
        when x + y >= 10 add 1 as \"m\"\nwhen not (y > 0) add 1 as \"n\"\n";
    agree(rules, &leads(&["x", "y"]));
}

#[test]
fn text_tests_agree_with_the_general_ones() {
    let rules = "let exec = [VP, \"Vice President\", Chief, CEO, CFO, \"Head of\", Founder, chef]\n\
        when t contains any exec add 1 as \"a\"\nwhen t contains \"director\" add 1 as \"b\"\n\
        when t contains any [\"/pricing\", \"/pric\", strasse, \"é\"] add 1 as \"c\"\n\
        when t contains \"\" add 1 as \"d\"\nwhen t contains any [\"\", zz] add 1 as \"e\"\n\
        when t starts with any [vp, \"/pr\", c] add 1 as \"f\"\n\
        when t ends with any [\"@gmail.com\", \"gmail.com\", \"at-the-end\"] add 1 as \"g\"\n\
        when t == \"page_view\" add 1 as \"h\"\nwhen t != \"webinar_attended\" add 1 as \"i\"\n\
        when u == \"\" add 1 as \"j\"\nwhen u == \"c\" add 1 as \"k\"\nwhen u == \"ceo\" add 1 as \"l\"\n\
        when t in [page_view, webinar_attended, \"content_download\", c] add 1 as \"m\"\n\
        when u in [\"vice president\", \"\", chef] add 1 as \"n\"\n\
        when u == \"a-much-longer-text-than-sixteen-bytes-with-/pricing-at-the-end\" add 1 as \"o\"\n";
    agree(rules, &leads(&["t", "u"]));
}

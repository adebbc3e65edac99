//! A generator of valid rules files and of ragged leads for them, driven by
//! `arbitrary::Unstructured`, so the fuzz target `roundtrip` and the property
//! tests (`tests/props.rs`, which feeds it random bytes) share one generator.
//!
//! Every file it makes uses one fixed schema, so a generated file always
//! checks: the generator only ever puts a field where its type fits. Leads
//! are ragged on purpose: fields missing, `null`, of the wrong type, huge or
//! tiny numbers, odd strings.

// Each user (the fuzz crate, the property tests) uses a different part.
#![allow(dead_code)]

use arbitrary::{Result, Unstructured};
use serde_json::{json, Map, Value};

/// The schema every generated file starts with.
pub const SCHEMA: &str = "schema {
  id: string?
  title: string?
  source: string?
  n: number?
  size: int?
  flag: bool?
  seen: datetime?
  tags: list<string>?
  events: list<{ type: string, at: datetime, n: number? }>?
}
";

const WORDS: &[&str] = &["vp", "Director", "é", "", "a b", "x\\\"y", "/pricing", "Ω"];
const EVENT_TYPES: &[&str] = &["page_view", "demo", "email_open"];
const NUMBERS: &[&str] = &["0", "1", "2.5", "-3", "10_000", "99_999_999_999", "0.1"];

/// Generates the text of a valid rules file (at most a few dozen rules).
pub fn rules_text(u: &mut Unstructured) -> Result<String> {
    let mut out = String::from(SCHEMA);
    let lets = u.int_in_range(0..=2)?;
    for i in 0..lets {
        out.push_str(&format!("let words{i} = {}\n", string_list(u)?));
    }
    let groups = u.int_in_range(0..=3)?;
    let mut labels = 0;
    for g in 0..groups {
        out.push_str(&format!("group g{g}{} {{\n", bounds(u)?));
        for _ in 0..u.int_in_range(1..=4)? {
            out.push_str(&format!("  {}\n", rule(u, lets, &mut labels)?));
        }
        out.push_str("}\n");
    }
    for _ in 0..u.int_in_range(0..=4)? {
        out.push_str(&format!("{}\n", rule(u, lets, &mut labels)?));
    }
    if u.arbitrary()? {
        out.push_str(&label(u, groups)?);
    }
    Ok(out)
}

fn bounds(u: &mut Unstructured) -> Result<String> {
    let max = u.int_in_range(-5..=60)?;
    let min = u.int_in_range(-60..=max)?;
    Ok(match u.int_in_range(0..=3)? {
        0 => String::new(),
        1 => format!(" max {max}"),
        2 => format!(" min {min}"),
        _ => format!(" max {max} min {min}"),
    })
}

/// A rule, with a numbered label.
fn rule(u: &mut Unstructured, lets: u32, labels: &mut u32) -> Result<String> {
    let verb = *u.choose(&["add", "subtract"])?;
    let points = points(u)?;
    let up_to = if u.arbitrary()? {
        format!(" up to {}", u.int_in_range(1..=50)?)
    } else {
        String::new()
    };
    // Every rule is labelled: an unlabelled rule is named by its text, and
    // two rules with the same name are an error.
    *labels += 1;
    let reason = format!(" as \"{} {labels}\"", u.choose(&["why", "a reason", "é"])?);
    let head = if u.ratio(1, 5)? {
        String::new()
    } else {
        format!("when {} ", condition(u, lets, 0)?)
    };
    Ok(format!("{head}{verb} {points}{up_to}{reason}"))
}

fn points(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=5)? {
        0 => u.int_in_range(0..=40)?.to_string(),
        1 => format!("{} * n", u.int_in_range(0..=5)?),
        2 => format!("n / {}", u.choose(&["0", "2", "size"])?),
        3 => format!("count(events where type == \"{}\")", u.choose(EVENT_TYPES)?),
        4 => format!("size - {}", u.choose(NUMBERS)?),
        _ => format!("({} + n) * 2", u.choose(NUMBERS)?),
    })
}

fn condition(u: &mut Unstructured, lets: u32, depth: u32) -> Result<String> {
    if depth < 2 && u.ratio(1, 4)? {
        let op = *u.choose(&["and", "or"])?;
        let a = condition(u, lets, depth + 1)?;
        let b = condition(u, lets, depth + 1)?;
        let not = if u.ratio(1, 4)? { "not " } else { "" };
        return Ok(format!("{not}({a} {op} {b})"));
    }
    let word = quoted(u)?;
    Ok(match u.int_in_range(0..=13)? {
        0 => format!("title contains {word}"),
        1 => format!("title == {word}"),
        2 => format!("n >= {}", u.choose(NUMBERS)?),
        3 => format!(
            "size between {} and {}",
            u.int_in_range(-5..=10)?,
            u.int_in_range(10..=500)?
        ),
        4 => "flag".to_string(),
        5 => format!(
            "{} is missing",
            u.choose(&["title", "n", "size", "events"])?
        ),
        6 => format!(
            "count(events where type == \"{}\") >= {}",
            u.choose(EVENT_TYPES)?,
            u.int_in_range(0..=3)?
        ),
        7 => format!(
            "any(events where at within {} days)",
            u.int_in_range(0..=90)?
        ),
        8 => format!(
            "title matches /{}/i",
            u.choose(&["^vp", "(a|b)+c", "x{2,}", "\\bceo\\b"])?
        ),
        9 if lets > 0 => format!("title contains any words{}", u.int_in_range(0..=lets - 1)?),
        10 => format!("source in {}", string_list(u)?),
        11 => format!("n / {} > 1", u.choose(&["0", "size", "2"])?),
        12 => format!("seen within {} days", u.int_in_range(1..=400)?),
        _ => format!("tags contains {word}"),
    })
}

fn label(u: &mut Unstructured, groups: u32) -> Result<String> {
    let mut out = String::from("label tier {\n");
    for arm in ["hot", "warm", "cool"] {
        let subject = if groups > 0 && u.arbitrary()? {
            format!("g{}", u.int_in_range(0..=groups - 1)?)
        } else {
            "score".to_string()
        };
        out.push_str(&format!(
            "  {arm} when {subject} >= {}\n",
            u.int_in_range(-20..=80)?
        ));
    }
    if u.arbitrary()? {
        out.push_str("  cold otherwise\n");
    }
    out.push_str("}\n");
    Ok(out)
}

fn quoted(u: &mut Unstructured) -> Result<String> {
    Ok(format!("\"{}\"", u.choose(WORDS)?))
}

fn string_list(u: &mut Unstructured) -> Result<String> {
    let mut items = Vec::new();
    for _ in 0..u.int_in_range(1..=3)? {
        items.push(quoted(u)?);
    }
    Ok(format!("[{}]", items.join(", ")))
}

/// Makes one field's value.
type MakeValue = fn(&mut Unstructured) -> Result<Value>;

/// Generates a ragged lead for [`SCHEMA`]: each field present or not, of its
/// type or (rarely) of the wrong one.
pub fn lead(u: &mut Unstructured, id: usize) -> Result<Value> {
    let mut m = Map::new();
    m.insert("id".into(), json!(format!("L{id}")));
    let fields: [(&str, MakeValue); 8] = [
        ("title", |u| Ok(json!(u.choose(WORDS)?))),
        ("source", |u| Ok(json!(u.choose(&["web", "vp", "a b"])?))),
        ("n", number),
        ("size", |u| Ok(json!(u.int_in_range(-10..=10_000)?))),
        ("flag", |u| Ok(json!(u.arbitrary::<bool>()?))),
        ("seen", |u| Ok(json!(u.choose(DATES)?))),
        ("tags", |u| Ok(json!([u.choose(WORDS)?, u.choose(WORDS)?]))),
        ("events", events),
    ];
    for (name, make) in fields {
        match u.int_in_range(0..=9)? {
            0 => {}
            1 => {
                m.insert(name.into(), Value::Null);
            }
            2 => {
                m.insert(name.into(), json!(true));
            }
            _ => {
                m.insert(name.into(), make(u)?);
            }
        }
    }
    Ok(Value::Object(m))
}

const DATES: &[&str] = &[
    "2026-10-31T00:00:00Z",
    "2026-01-01",
    "1970-01-01T00:00:00Z",
    "2026-11-01T00:00:00+02:00",
];

fn number(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=4)? {
        0 => json!(u.int_in_range(-100..=100)?),
        1 => json!(1e308),
        2 => json!(-0.0),
        3 => json!(u.arbitrary::<f32>()?.clamp(-1e30, 1e30) as f64),
        _ => json!(0.5),
    })
}

fn events(u: &mut Unstructured) -> Result<Value> {
    let mut list = Vec::new();
    for _ in 0..u.int_in_range(0..=4)? {
        let mut e = Map::new();
        e.insert("type".into(), json!(u.choose(EVENT_TYPES)?));
        e.insert("at".into(), json!(u.choose(DATES)?));
        if u.arbitrary()? {
            e.insert("n".into(), number(u)?);
        }
        list.push(Value::Object(e));
    }
    Ok(Value::Array(list))
}

/// How far a floating-point sum of `terms` may be from `exact` by rounding
/// alone: reasons add up to the score exactly while the points are whole
/// numbers below 2^53, and up to this bound beyond (`1e308 - 1e308 + 5`
/// sums to 0 in f64 whatever the order).
pub fn rounding_bound(terms: impl Iterator<Item = f64>, exact: f64) -> f64 {
    let magnitude: f64 = terms.map(f64::abs).sum::<f64>() + exact.abs();
    1e-12 * magnitude.max(1.0) * 64.0
}

//! Output records: one compact JSON object per lead, and the reasons behind a score.
//!
//! Everything constant (keys, group names, label values, rule labels) is
//! JSON-escaped once when the program is compiled; rendering a record only
//! concatenates and formats numbers.

use super::{Bound, Outcome};
use crate::rules::{Output, Ruleset};
use std::fmt::Write as _;

/// Why a lead got its score: one rule's points, or one clamp of a group total.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reason<'a> {
    /// The rule's label, or `max N` / `min N` for a clamp.
    pub rule: &'a str,
    /// The group, if any.
    pub group: Option<&'a str>,
    /// The points given (negative for a `subtract` or a `max` clamp).
    pub points: f64,
}

/// Pre-rendered constant text of a program's records.
#[derive(Clone, Debug)]
pub(crate) struct Texts {
    /// Per output column: which output it is and, for labels, each arm's value as JSON.
    columns: Vec<(Output, Vec<String>)>,
    /// The member names of records as the rules name them.
    pub keys: RecordKeys,
    /// Per group: `max N` and `min N` labels of its clamps.
    pub caps: Vec<(String, String)>,
    /// `score max N` and `score min N`, the labels of the score's clamps.
    pub score_caps: (String, String),
}

/// The names of the members of an output record, in record order: `id`,
/// the fields copied from the lead (`--keep`), `score`, each group total
/// and label, `reasons`, and `error` for a lead that could not be scored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordNames {
    /// The lead's id.
    pub id: String,
    /// Fields copied from the lead, in the order asked for.
    pub kept: Vec<String>,
    /// The score.
    pub score: String,
    /// Group totals and labels, in declaration order.
    pub outputs: Vec<String>,
    /// The reasons (JSON Lines with `--explain`).
    pub reasons: String,
    /// Why the lead has no score.
    pub error: String,
}

impl RecordNames {
    /// The names the rules give: `id`, `score`, the group and label names,
    /// `reasons`, `error`; no copied fields.
    pub fn of(rules: &Ruleset) -> RecordNames {
        let outputs = rules.outputs.iter().map(|&o| match o {
            Output::Group(g) => rules.groups[g].name.clone(),
            Output::Label(l) => rules.labels[l].name.clone(),
        });
        RecordNames {
            id: "id".into(),
            kept: Vec::new(),
            score: "score".into(),
            outputs: outputs.collect(),
            reasons: "reasons".into(),
            error: "error".into(),
        }
    }

    /// Every name in record order (`reasons` left out: it is no CSV column).
    pub fn columns(&self) -> Vec<&str> {
        let mut all = vec![self.id.as_str()];
        all.extend(self.kept.iter().map(String::as_str));
        all.push(&self.score);
        all.extend(self.outputs.iter().map(String::as_str));
        all.push(&self.error);
        all
    }
}

/// [`RecordNames`] JSON-escaped once, each with its quotes and colon
/// (`"id":`) and, after the first, a leading comma.
#[derive(Clone, Debug)]
pub struct RecordKeys {
    id: String,
    kept: Vec<String>,
    score: String,
    outputs: Vec<String>,
    reasons: String,
    error: String,
}

impl RecordKeys {
    /// The keys for `names`.
    pub fn new(names: &RecordNames) -> RecordKeys {
        let key = |name: &str| format!(",{}:", json_str(name));
        RecordKeys {
            id: format!("{{{}:", json_str(&names.id)),
            kept: names.kept.iter().map(|n| key(n)).collect(),
            score: key(&names.score),
            outputs: names.outputs.iter().map(|n| key(n)).collect(),
            reasons: format!("{}[", key(&names.reasons)),
            error: key(&names.error),
        }
    }

    /// `{"id":<id>` and the copied fields (missing ones as `null`).
    fn open(&self, out: &mut String, id: &serde_json::Value, kept: &[serde_json::Value]) {
        out.push_str(&self.id);
        push_json(out, id);
        for (key, value) in self.kept.iter().zip(kept) {
            write!(out, "{key}{value}").unwrap();
        }
        for key in self.kept.iter().skip(kept.len()) {
            write!(out, "{key}null").unwrap();
        }
    }
}

impl Texts {
    pub(crate) fn new(rules: &Ruleset) -> Texts {
        let columns = rules
            .outputs
            .iter()
            .map(|&o| {
                let values = match o {
                    Output::Group(_) => vec![],
                    Output::Label(l) => {
                        let label = &rules.labels[l];
                        label.arms.iter().map(|a| json_str(&a.value)).collect()
                    }
                };
                (o, values)
            })
            .collect();
        let caps = rules
            .groups
            .iter()
            .map(|g| {
                (
                    clamp_rule(false, Bound::Max, g.max),
                    clamp_rule(false, Bound::Min, g.min),
                )
            })
            .collect();
        let score_caps = (
            clamp_rule(true, Bound::Max, rules.score_max),
            clamp_rule(true, Bound::Min, rules.score_min),
        );
        Texts {
            columns,
            keys: RecordKeys::new(&RecordNames::of(rules)),
            caps,
            score_caps,
        }
    }
}

/// The rule text of a clamp's reason: `max 60`, `min 0` for a group's
/// (`score` false), `score max 100` for the score's own.
pub fn clamp_rule(score: bool, bound: Bound, limit: Option<f64>) -> String {
    let mut s = String::from(if score { "score " } else { "" });
    s.push_str(match bound {
        Bound::Max => "max ",
        Bound::Min => "min ",
    });
    push_num(&mut s, limit.unwrap_or(0.0));
    s
}

/// Appends the start of one reason object, up to its points:
/// `{"rule":"…","group":"…","points":` (`null` without a group).
pub fn push_reason_head(out: &mut String, rule: &str, group: Option<&str>) {
    write!(out, "{{\"rule\":{},\"group\":", json_str(rule)).unwrap();
    match group {
        Some(g) => out.push_str(&json_str(g)),
        None => out.push_str("null"),
    }
    out.push_str(",\"points\":");
}

/// `s` as a JSON string literal.
fn json_str(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// Appends a number as plain decimal digits, never with an exponent: an
/// integral number without a fraction (`60`, `100000000000000000000`);
/// below four billion in size (where points are whole millionths, see
/// [`super::points`]) rounded to six fraction digits with trailing zeros
/// dropped (`0.6`, `0.000001`); larger, the shortest digits that read back
/// as the same float. `-0` is `0`; a non-finite number is `null`.
pub fn push_num(out: &mut String, x: f64) {
    if !x.is_finite() {
        out.push_str("null");
    } else if x.fract() == 0.0 && x.abs() < 1e18 {
        push_int(out, x as i64);
    } else if x.abs() >= 4.0e9 {
        write!(out, "{x}").unwrap();
    } else {
        let text = format!("{x:.6}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        match text {
            "-0" => out.push('0'),
            t => out.push_str(t),
        }
    }
}

/// Appends an integer in decimal, as `{}` would (without the formatting
/// machinery, which cost about 300 instructions a number).
fn push_int(out: &mut String, n: i64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut m = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    out.push_str(std::str::from_utf8(&digits[at..]).expect("ASCII digits"));
}

/// Appends a JSON value as serde_json writes it; a string that needs no
/// escape (no quote, backslash or control character: most ids) is copied
/// between quotes directly.
fn push_json(out: &mut String, v: &serde_json::Value) {
    match v {
        serde_json::Value::String(s) if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        v => write!(out, "{v}").unwrap(),
    }
}

/// The reasons behind `outcome`, in rule order, then clamps in group order,
/// then the score's own clamp (`score max 100`, with a null group).
pub(crate) fn reasons<'a>(
    rules: &'a Ruleset,
    texts: &'a Texts,
    outcome: &Outcome,
) -> Vec<Reason<'a>> {
    let group = |g: usize| rules.groups[g].name.as_str();
    let mut out: Vec<Reason<'a>> = rules
        .rules
        .iter()
        .zip(&outcome.rules)
        .filter(|(_, o)| o.points != 0.0)
        .map(|(r, o)| Reason {
            rule: &r.label,
            group: r.group.map(group),
            points: o.points,
        })
        .collect();
    out.extend(outcome.caps.iter().map(|c| {
        let (max, min) = c.group.map_or(&texts.score_caps, |g| &texts.caps[g]);
        let rule = if c.bound == Bound::Max { max } else { min };
        Reason {
            rule,
            group: c.group.map(group),
            points: c.points,
        }
    }));
    out
}

/// What one record holds besides the outcome: the lead's id, the fields
/// copied from it, and the member names.
pub struct Head<'a> {
    /// The member names.
    pub keys: &'a RecordKeys,
    /// The lead's id (null when it has none).
    pub id: &'a serde_json::Value,
    /// The copied fields, in the order of `keys`.
    pub kept: &'a [serde_json::Value],
}

/// Appends one record (and a newline) for a scored lead.
pub(crate) fn record(
    out: &mut String,
    texts: &Texts,
    head: &Head,
    outcome: &Outcome,
    why: Option<&[Reason]>,
) {
    let keys = head.keys;
    keys.open(out, head.id, head.kept);
    out.push_str(&keys.score);
    push_num(out, outcome.score);
    for ((column, values), key) in texts.columns.iter().zip(&keys.outputs) {
        out.push_str(key);
        match *column {
            Output::Group(g) => push_num(out, outcome.groups[g]),
            Output::Label(l) => match outcome.labels[l] {
                Some(arm) => out.push_str(&values[arm]),
                None => out.push_str("null"),
            },
        }
    }
    if let Some(why) = why {
        out.push_str(&keys.reasons);
        for (i, r) in why.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_reason_head(out, r.rule, r.group);
            push_num(out, r.points);
            out.push('}');
        }
        out.push(']');
    }
    out.push_str("}\n");
}

/// Appends one error record (and a newline).
pub(crate) fn error(out: &mut String, head: &Head, message: &str) {
    head.keys.open(out, head.id, head.kept);
    writeln!(out, "{}{}}}", head.keys.error, json_str(message)).unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(x: f64) -> String {
        let mut s = String::new();
        push_num(&mut s, x);
        s
    }

    #[test]
    fn numbers() {
        assert_eq!(num(60.0), "60");
        assert_eq!(num(-15.0), "-15");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(2.5), "2.5");
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(1e20), "100000000000000000000");
        assert_eq!(num(1e15), "1000000000000000");
        assert_eq!(num(-1.5e18), "-1500000000000000000");
        assert_eq!(num(1e15 + 0.625), "1000000000000000.6");
        assert_eq!(num(0.000001), "0.000001");
        assert_eq!(num(-0.0000001), "0");
        assert_eq!(num(f64::NAN), "null");
    }

    #[test]
    fn integers_and_json_values_as_the_formatter_writes_them() {
        let edge = 999_999_999_999_999_999i64;
        let ints = [0, 1, -1, 9, 10, -10, 99, 100, 4_294_967_296, edge, -edge];
        for n in ints.into_iter().chain((-2000..2000).map(|k| k * 7919)) {
            let mut s = String::new();
            push_int(&mut s, n);
            assert_eq!(s, n.to_string());
        }
        let values = [
            serde_json::json!("L00000001"),
            serde_json::json!(""),
            serde_json::json!("quote \" and \\ back"),
            serde_json::json!("tab\tnew\nline\u{1}\u{1f}\u{7f}"),
            serde_json::json!("Ünïcödé / ✓"),
            serde_json::json!(12),
            serde_json::json!(-1.5),
            serde_json::json!(null),
            serde_json::json!({"a": [1, "b"]}),
        ];
        for v in values {
            let mut s = String::new();
            push_json(&mut s, &v);
            assert_eq!(s, v.to_string());
        }
    }

    #[test]
    fn error_records_escape() {
        let mut s = String::new();
        let names = RecordNames {
            id: "id".into(),
            kept: vec!["e-mail".into()],
            score: "score".into(),
            outputs: vec![],
            reasons: "reasons".into(),
            error: "Error \"why\"".into(),
        };
        let keys = RecordKeys::new(&names);
        let id = serde_json::json!("a\"b");
        let head = Head {
            keys: &keys,
            id: &id,
            kept: &[],
        };
        error(&mut s, &head, "x: \"big\"");
        let want = r#"{"id":"a\"b","e-mail":null,"Error \"why\"":"x: \"big\""}"#;
        assert_eq!(s, format!("{want}\n"));
    }
}

//! The fast front end: fills the slot table straight from a lead's JSON
//! bytes, without building a `serde_json::Value`.
//!
//! A [`serde::de::DeserializeSeed`] walks the [`Shape`]: at each record it
//! matches the object's keys against the fields the rules read (no
//! allocation: keys are compared as serde hands them over, borrowed from the
//! input when they have no escapes), skips every other value with
//! [`IgnoredAny`] (which only checks the syntax), and converts the values it
//! keeps in place: strings go straight into the text buffer, datetimes are
//! parsed once. The lead's id (the `--id` path) is picked up on the way.
//!
//! It handles the common case only. Anything unusual — a value of the wrong
//! type, a missing field the schema requires, a repeated key that matters, a
//! syntax error, a lead that is not an object — makes it *give up*, and the
//! caller reads the line again through `serde_json::Value` and
//! [`Shape::extract`], which gives the exact outcome or error message. So
//! the two paths cannot disagree on anything but speed. Fields of unknown
//! type and lists whose elements hold lists are read into a `Value` and
//! handed to the same filler as the slow path.
//!
//! The seeds run over two deserializers in turn: the plain reader of
//! [`reader`] (strings without escapes, shallow nesting: nearly every real
//! line), then, if it stopped on something it does not read, `serde_json`'s,
//! once [`reader::value_readable`] has found nothing in the line that
//! `serde_json` skips in an unread value but refuses in a `Value` (a lone
//! surrogate escape, nesting of 128, a number past `f64`).
//! Where the seeds themselves give up under the plain reader they would give
//! up under `serde_json`'s too (both hand them the same values), so that line
//! goes straight to the `Value` path.

mod reader;

use super::lead::{Filler, Kind, Node, Shape, Slots, ROOT};
use super::value::{ListRef, Val};
use crate::rules::Type;
use reader::{Reader, Stop};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;

/// The fast path could not decide; read the lead through `serde_json::Value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GiveUp;

/// The error the seeds raise to stop deserializing.
fn give_up<E: de::Error>() -> E {
    E::custom("give up")
}

impl Shape {
    /// Fills `slots` from one lead's JSON text and returns the value at
    /// `id_path` (null when absent), or gives up (see the module docs).
    pub fn extract_bytes(
        &self,
        text: &[u8],
        id_path: &[String],
        slots: &mut Slots,
    ) -> Result<Value, GiveUp> {
        if id_path.is_empty() || self.child_count(ROOT) > 64 || self.has_shared_keys() {
            return Err(GiveUp);
        }
        // Checking the whole line once (with SIMD where the CPU has it) is
        // cheaper than checking each string as it is read (what `from_slice`
        // does).
        let text = simdutf8::basic::from_utf8(text).map_err(|_| GiveUp)?;
        match self.extract_plain(text, id_path, slots) {
            Ok(id) => Ok(id),
            Err(Stop::GaveUp) => Err(GiveUp),
            Err(Stop::Unread) => self.extract_serde_json(text, id_path, slots),
        }
    }

    /// Reads the line with the plain reader alone (see [`reader`]).
    fn extract_plain(
        &self,
        text: &str,
        id_path: &[String],
        slots: &mut Slots,
    ) -> Result<Value, Stop> {
        let mut de = Reader::new(text);
        let id = self.extract_with(&mut de, id_path, slots)?;
        de.end()?;
        Ok(id)
    }

    /// Reads the line with `serde_json`'s reader.
    fn extract_serde_json(
        &self,
        text: &str,
        id_path: &[String],
        slots: &mut Slots,
    ) -> Result<Value, GiveUp> {
        if !reader::value_readable(text) {
            return Err(GiveUp);
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let id = self
            .extract_with(&mut de, id_path, slots)
            .map_err(|_| GiveUp)?;
        de.end().map_err(|_| GiveUp)?;
        Ok(id)
    }

    /// Runs the seeds over one deserializer; the caller checks the end.
    fn extract_with<'de, D: Deserializer<'de>>(
        &self,
        de: D,
        id_path: &[String],
        slots: &mut Slots,
    ) -> Result<Value, D::Error> {
        slots.vals.clear();
        slots.text.clear();
        slots.vals.resize(self.frame_size(0) as usize, Val::Missing);
        let mut fast = Fast {
            shape: self,
            slots,
            id_path,
            id: Value::Null,
        };
        let seed = NodeSeed {
            f: &mut fast,
            node: ROOT,
            base: 0,
            id_depth: Some(0),
        };
        seed.deserialize(de)?;
        Ok(fast.id)
    }

    /// No list or value of unknown type below `node` in its frame: a list of
    /// such elements can be filled one element at a time.
    fn is_flat(&self, node: usize) -> bool {
        let n = self.node(node);
        if matches!(n.kind, Kind::List { .. } | Kind::Any { .. }) || matches!(n.ty, Type::Any) {
            return false;
        }
        n.children.iter().all(|&c| self.is_flat(c))
    }
}

struct Fast<'s> {
    shape: &'s Shape,
    slots: &'s mut Slots,
    id_path: &'s [String],
    id: Value,
}

impl Fast<'_> {
    /// A null or missing value: fine unless the schema requires it.
    fn absent<E: de::Error>(&self, node: usize) -> Result<(), E> {
        let n = self.shape.node(node);
        if self.shape.is_strict() && !n.optional {
            return Err(give_up());
        }
        Ok(())
    }

    /// Fills `node` from a value already read (the slow path's filler).
    fn fill_value<E: de::Error>(&mut self, node: usize, base: u32, v: &Value) -> Result<(), E> {
        let mut filler = Filler {
            shape: self.shape,
            slots: self.slots,
        };
        filler.fill(node, base, Some(v)).map_err(|_| give_up())
    }

    fn set(&mut self, node: usize, base: u32, val: Val) {
        let at = (base + self.shape.slot(node)) as usize;
        self.slots.vals[at] = val;
    }
}

/// Deserializes the value of shape node `node` into the frame at `base`.
/// `id_depth` is `Some(d)` when this record lies on the `--id` path at depth `d`.
struct NodeSeed<'a, 's> {
    f: &'a mut Fast<'s>,
    node: usize,
    base: u32,
    id_depth: Option<usize>,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let n = self.f.shape.node(self.node);
        // `matches!`, not `==`: comparing whole types costs a call per value.
        if matches!(n.ty, Type::Any) || matches!(n.kind, Kind::Any { .. }) {
            let v = Value::deserialize_from(d)?;
            return self.f.fill_value(self.node, self.base, &v);
        }
        if let Kind::List { elem, .. } = n.kind {
            if !self.f.shape.is_flat(elem) {
                let v = Value::deserialize_from(d)?;
                return self.f.fill_value(self.node, self.base, &v);
            }
        }
        d.deserialize_any(NodeVisitor(self))
    }
}

/// `Value` as a seed result, spelled once.
trait FromDe {
    fn deserialize_from<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error>;
}

impl FromDe for Value {
    fn deserialize_from<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        serde::Deserialize::deserialize(d)
    }
}

struct NodeVisitor<'a, 's>(NodeSeed<'a, 's>);

impl NodeVisitor<'_, '_> {
    fn ty(&self) -> &Type {
        &self.0.f.shape.node(self.0.node).ty
    }

    fn scalar<E: de::Error>(self, val: Val) -> Result<(), E> {
        if self.0.f.shape.node(self.0.node).kind != Kind::Scalar {
            return Err(give_up());
        }
        self.0.f.set(self.0.node, self.0.base, val);
        Ok(())
    }

    fn num<E: de::Error>(self, x: f64) -> Result<(), E> {
        match self.ty() {
            Type::Number => self.scalar(Val::Num(x)),
            Type::Int if !self.0.f.shape.is_strict() || x.fract() == 0.0 => {
                self.scalar(Val::Num(x))
            }
            Type::Datetime => match self.0.f.shape.node(self.0.node).read_number(x) {
                Some(t) => self.scalar(t),
                None => Err(give_up()),
            },
            _ => Err(give_up()),
        }
    }
}

impl<'de> Visitor<'de> for NodeVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a lead field")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        let node = self.0.f.shape.node(self.0.node);
        match self.ty() {
            Type::String => {
                let t = self.0.f.slots.push_text(s);
                self.scalar(Val::Str(t))
            }
            _ if node.blank_is_missing(s) => self.0.f.absent(self.0.node),
            Type::Datetime => match node.datetime.read_text(s) {
                Some(t) => self.scalar(Val::Time(t)),
                None => Err(give_up()),
            },
            Type::Int | Type::Number | Type::Bool if self.0.f.shape.is_strict() => {
                match node.read_text(s) {
                    Some(val) => self.scalar(val),
                    None => Err(give_up()),
                }
            }
            _ => Err(give_up()),
        }
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<(), E> {
        match self.ty() {
            Type::Bool => self.scalar(Val::Bool(b)),
            _ => Err(give_up()),
        }
    }

    fn visit_u64<E: de::Error>(self, x: u64) -> Result<(), E> {
        self.num(x as f64)
    }

    fn visit_i64<E: de::Error>(self, x: i64) -> Result<(), E> {
        self.num(x as f64)
    }

    fn visit_f64<E: de::Error>(self, x: f64) -> Result<(), E> {
        self.num(x)
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.f.absent(self.0.node)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let NodeSeed {
            f,
            node,
            base,
            id_depth,
        } = self.0;
        if f.shape.node(node).kind != Kind::Record || f.shape.child_count(node) > 64 {
            return Err(give_up());
        }
        record(f, node, base, id_depth, map)?;
        f.set(node, base, Val::Record(base));
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let NodeSeed { f, node, base, .. } = self.0;
        let Kind::List { elem, frame } = f.shape.node(node).kind else {
            return Err(give_up());
        };
        let list = list(f, elem, frame, seq)?;
        f.set(node, base, list);
        Ok(())
    }
}

/// Fills the fields of a record from its entries, then checks the fields
/// not found; picks up the id when the record is on the `--id` path.
fn record<'de, A: MapAccess<'de>>(
    f: &mut Fast,
    node: usize,
    base: u32,
    id_depth: Option<usize>,
    mut map: A,
) -> Result<(), A::Error> {
    let shape = f.shape;
    let children = &shape.node(node).children;
    let id_key = id_depth.map(|d| (d, f.id_path[d].as_str()));
    let mut found = 0u64;
    let mut id_seen = false;
    let key_seed = KeySeed {
        record: shape.node(node),
        id_key: id_key.map(|(_, k)| k),
    };
    while let Some(hit) = map.next_key_seed(key_seed)? {
        if let Some(i) = hit.child {
            if found & (1 << i) != 0 {
                return Err(give_up());
            }
            found |= 1 << i;
        }
        match (hit.child, hit.id) {
            (None, false) => {
                map.next_value::<IgnoredAny>()?;
            }
            (Some(i), false) => map.next_value_seed(NodeSeed {
                f,
                node: children[i],
                base,
                id_depth: None,
            })?,
            (child, true) => {
                if std::mem::replace(&mut id_seen, true) {
                    return Err(give_up());
                }
                let (d, _) = id_key.expect("an id hit has a key");
                let v: Value = map.next_value()?;
                if let Some(i) = child {
                    f.fill_value(children[i], base, &v)?;
                }
                let rest = &f.id_path[d + 1..];
                f.id = match rest {
                    [] => v,
                    _ => crate::eval::value_at(&v, rest),
                };
            }
        }
    }
    for (i, &c) in children.iter().enumerate() {
        if found & (1 << i) == 0 {
            f.absent(c)?;
        }
    }
    Ok(())
}

/// Fills a list of flat elements one element at a time, each in a new frame
/// appended to the table.
fn list<'de, A: SeqAccess<'de>>(
    f: &mut Fast,
    elem: usize,
    frame: u32,
    mut seq: A,
) -> Result<Val, A::Error> {
    let stride = f.shape.frame_size(frame);
    let start = f.slots.vals.len() as u32;
    let mut len = 0u32;
    loop {
        let base = f.slots.vals.len() as u32;
        f.slots.vals.resize((base + stride) as usize, Val::Missing);
        let seed = NodeSeed {
            f,
            node: elem,
            base,
            id_depth: None,
        };
        if seq.next_element_seed(seed)?.is_none() {
            f.slots.vals.truncate(base as usize);
            break;
        }
        len += 1;
    }
    Ok(Val::List(ListRef::Slots {
        start,
        len,
        stride,
        offset: 0,
    }))
}

/// Which field a key names: a field the rules read (by index among the
/// record's fields) and/or the next segment of the `--id` path.
#[derive(Clone, Copy)]
struct KeyHit {
    child: Option<usize>,
    id: bool,
}

#[derive(Clone, Copy)]
struct KeySeed<'a> {
    record: &'a Node,
    id_key: Option<&'a str>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = KeyHit;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<KeyHit, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = KeyHit;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    #[inline]
    fn visit_str<E: de::Error>(self, key: &str) -> Result<KeyHit, E> {
        let child = self.record.field_of(key);
        let id = self.id_key.is_some_and(|k| k == key);
        Ok(KeyHit { child, id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Program;
    use crate::syntax::MemReader;

    fn program(rules: &str) -> Program {
        let loaded = crate::load_str("t.rules", rules, &MemReader::default());
        Program::compile(loaded.ruleset.as_ref().expect("rules without errors"))
    }

    /// What a reader filled (slots spelled so that `-0.0` and `0.0` differ)
    /// and the id, or `None` where it did not take the line.
    fn filled<E>(read: Result<Value, E>, slots: &Slots) -> Option<String> {
        let id = read.ok()?;
        Some(format!("{id} {:?} {:?}", slots.vals, slots.text))
    }

    /// Wherever the plain reader takes a line, `serde_json`'s reader takes
    /// it too and fills the same slots with the same id; where the seeds
    /// give up under the plain reader, they give up under `serde_json`'s.
    fn readers_agree(prog: &Program, lines: &[String], id: &[String]) -> usize {
        let shape = &prog.code.shape;
        let mut slots = Slots::default();
        let mut taken = 0;
        for line in lines {
            let plain = shape.extract_plain(line, id, &mut slots);
            let gave_up = plain == Err(Stop::GaveUp);
            let plain = filled(plain, &slots);
            let serde = shape.extract_serde_json(line, id, &mut slots);
            let serde = filled(serde, &slots);
            if plain.is_some() {
                taken += 1;
                assert_eq!(plain, serde, "{line}");
            }
            if gave_up {
                assert_eq!(serde, None, "{line}");
            }
        }
        taken
    }

    fn bench_lead(extra: &str) -> String {
        let lead = r#"{"id":"o","email":"x@gmail.com","title":"VP Sales","company":{"name":"n","size":300,"industry":"SaaS","revenue":2e7},"source":"paid","unsubscribed":false,"created_at":"2026-01-01T00:00:00Z","events":[{"type":"page_view","at":"2026-10-20T00:00:00Z","url":"/pricing"}]{}}"#;
        lead.replace("{}}", &format!("{extra}}}"))
    }

    #[test]
    fn plain_reader_agrees_with_serde_json_on_bench_leads() {
        let prog = program(&std::fs::read_to_string("rules/bench.rules").unwrap());
        let text = std::fs::read_to_string("tests/data/bench/leads.jsonl").unwrap();
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        for id in [
            vec!["id".to_string()],
            vec!["company".into(), "size".into()],
        ] {
            assert_eq!(readers_agree(&prog, &lines, &id), lines.len());
        }
    }

    #[test]
    fn plain_reader_agrees_with_serde_json_on_odd_json() {
        let prog = program(&std::fs::read_to_string("rules/bench.rules").unwrap());
        let deep = |n: usize| format!(r#","unused":{}1{}"#, "[".repeat(n), "]".repeat(n));
        let numbers = [
            "0",
            "-0",
            "0.0",
            "-0.0",
            "-0e3",
            "3e2",
            "300.0000000000000000001",
            "1e309",
            "1e-400",
            "-1e-400",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "9007199254740993",
            "01",
            "1.",
            "2.2250738585072011e-308",
            "123456789.123456789123456789",
            "-",
            "1e",
            "\"300\"",
        ];
        let mut lines = vec![
            bench_lead(""),
            bench_lead(&deep(63)),
            bench_lead(&deep(64)),
            bench_lead(&deep(65)),
            bench_lead(&deep(127)),
            bench_lead(&deep(300)),
            bench_lead(r#","unused":{"a":[1,{"b":null,"c":[true,false]}],"d":"e"}"#),
            bench_lead(r#","unused":"\u00e9""#),
            bench_lead(r#","title":"CEO""#),
            bench_lead(r#","unused":1,}"#),
            bench_lead(" ,\t\"unused\"\t:\r\n1 "),
            format!(" \t{}\r\n", bench_lead("")),
            format!("{} x", bench_lead("")),
            bench_lead("").replace("VP Sales", "VP\\u0020Sales"),
            bench_lead("").replace("VP Sales", "VP\tSales"),
            bench_lead("").replace("VP Sales", "ΣΊΣΥΦΟΣ straße \u{7f}"),
            bench_lead("").replace(r#""id":"o""#, r#""id":{"a":[1.5,-0]}"#),
            bench_lead("").replace(r#""unsubscribed":false"#, r#""unsubscribed":fals"#),
            bench_lead("").replace(r#""events":[{"#, r#""events":[ {"#),
            bench_lead("").replace("}]", "},]"),
        ];
        for n in numbers {
            lines.push(bench_lead("").replace(r#""size":300"#, &format!(r#""size":{n}"#)));
            lines.push(bench_lead("").replace("2e7", n));
            lines.push(bench_lead("").replace(r#""id":"o""#, &format!(r#""id":{n}"#)));
            lines.push(bench_lead(&format!(r#","unused":{n}"#)));
        }
        let taken = readers_agree(&prog, &lines, &["id".to_string()]);
        assert!(
            taken >= lines.len() / 2,
            "only {taken} of {} taken",
            lines.len()
        );
    }
}

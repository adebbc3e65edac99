//! The lead as the rules see it: a [`Shape`] (the tree of fields the rules
//! read, built once at compile time) and a [`Slots`] table (one lead's values
//! of exactly those fields, filled once per lead).
//!
//! Every field the rules read gets a *slot* in a *frame*. Frame 0 is the lead;
//! each list field opens a new frame layout for its elements, and a list of
//! `n` elements occupies `n` consecutive frames of that layout in the table.
//! Nested records are flattened into their parent's frame: `company.size` is
//! one slot of frame 0. A record's own slot holds [`Val::Record`] (so `is
//! missing` works on it), a list's own slot holds [`Val::List`], and slot 0 of
//! an element frame holds the element itself.
//!
//! Filling the table is the only place that looks at the lead's JSON: the
//! interpreter reads slots by number. [`Shape::extract`] fills it from a
//! `serde_json::Value`; another front end (e.g. one reading JSON bytes
//! directly) only has to produce the same table.

use super::text;
use super::value::{fold, str_eq, ListRef, TextRef, Val};
use super::{DataError, DataErrorKind, DatetimeHint, Found, PathSeg};
use crate::datetime::{formats_accepting, Reader};
use crate::rules::{FieldType, Type};
use serde_json::{Map, Value};

/// What a shape node holds.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Kind {
    /// A scalar (or a value of unknown type).
    Scalar,
    /// A record: its fields are further nodes in the same frame.
    Record,
    /// A list: `elem` is the element's node, slot 0 of frame layout `frame`.
    List { elem: usize, frame: u32 },
    /// A value of unknown type: read as whatever it is, a record (fields in
    /// the same frame), a list (elements in frame layout `frame`) or a scalar.
    Any { elem: usize, frame: u32 },
}

/// One field the rules read.
#[derive(Clone, Debug)]
pub(super) struct Node {
    /// The key in the parent object (empty for a list element): the field's
    /// name in the rules, and the name data errors give it.
    pub(super) key: String,
    /// Keys tried before `key`, first present wins (`from "Job Title"`).
    sources: Vec<String>,
    /// The formats a datetime (or each datetime of a list) is written in.
    pub(super) formats: Vec<String>,
    /// Reads a datetime by those formats and the field's zone.
    pub(super) datetime: Reader,
    /// The declared or inferred type.
    pub(super) ty: Type,
    /// May be missing or null.
    pub(super) optional: bool,
    pub(super) kind: Kind,
    /// Slot in its frame.
    slot: u32,
    /// Frame layout it lives in.
    frame: u32,
    /// Fields read below it (records: same frame; lists: see `Kind::List`).
    pub(super) children: Vec<usize>,
    /// Every name of every field in `children`, for matching lead keys.
    names: Vec<KeyName>,
}

/// One name a record's field is read from, with its first eight bytes
/// packed in a word: most keys are told apart by one comparison.
#[derive(Clone, Debug)]
struct KeyName {
    head: u64,
    name: String,
    /// The field's position among the record's children.
    child: usize,
}

/// The first eight bytes of `b` (zero-padded), little-endian.
#[inline]
fn head_word(b: &[u8]) -> u64 {
    match b.first_chunk::<8>() {
        Some(w) => u64::from_le_bytes(*w),
        None => b.iter().rev().fold(0u64, |x, &c| x << 8 | u64::from(c)),
    }
}

impl Node {
    /// Which of this record's fields (by position among its children) the
    /// lead key `key` holds; the first one when several do.
    #[inline]
    pub(super) fn field_of(&self, key: &str) -> Option<usize> {
        let k = key.as_bytes();
        let head = head_word(k);
        self.names
            .iter()
            .find(|n| {
                // Equal heads and lengths settle keys of up to eight bytes.
                n.head == head
                    && n.name.len() == k.len()
                    && (k.len() <= 8 || n.name.as_bytes()[8..] == k[8..])
            })
            .map(|n| n.child)
    }

    /// Whether the lead key `key` holds this field.
    pub(super) fn reads(&self, key: &str) -> bool {
        str_eq(&self.key, key) || self.sources.iter().any(|s| s == key)
    }

    /// An empty (or blank) string in a field of a type other than text is
    /// a missing value: CRM exports write an unset number or date as `""`.
    pub(super) fn blank_is_missing(&self, s: &str) -> bool {
        let typed = matches!(
            self.ty,
            Type::Int | Type::Number | Type::Bool | Type::Datetime
        );
        typed && is_blank(s)
    }

    /// A number or boolean sent as text (`"1200"`, `"true"`), read as the
    /// field's type; `None` when it does not parse completely.
    pub(super) fn read_text(&self, s: &str) -> Option<Val> {
        match self.ty {
            Type::Int => text::parse_int(s).map(Val::Num),
            Type::Number => text::parse_number(s).map(Val::Num),
            Type::Bool => text::parse_bool(s).map(Val::Bool),
            _ => None,
        }
    }

    /// A JSON number in a datetime field declared `epoch_s` or `epoch_ms`.
    pub(super) fn read_number(&self, x: f64) -> Option<Val> {
        self.datetime.read_number(x).map(Val::Time)
    }

    /// The keys this field is read from, in order of preference.
    pub(super) fn keys(&self) -> impl Iterator<Item = &str> {
        let own = (!self.sources.contains(&self.key)).then_some(self.key.as_str());
        self.sources.iter().map(String::as_str).chain(own)
    }

    /// The value of this field in `map`: the first of its keys present with
    /// a value other than null, else null when one is present as null.
    fn pick<'v>(&self, map: &'v Map<String, Value>) -> Option<&'v Value> {
        let mut present = self.keys().filter_map(|k| map.get(k));
        let first = present.next()?;
        if !first.is_null() {
            return Some(first);
        }
        Some(present.find(|v| !v.is_null()).unwrap_or(first))
    }
}

/// The tree of fields the rules read, with their slots.
#[derive(Clone, Debug)]
pub struct Shape {
    nodes: Vec<Node>,
    /// Slots per frame, by frame layout.
    frame_sizes: Vec<u32>,
    /// Wrong types are data errors (a schema was declared).
    strict: bool,
    /// Some key names two fields of one record (`a from "b"` beside `b`).
    shared_keys: bool,
}

/// One lead's values, by frame and slot; reused from lead to lead.
#[derive(Clone, Debug, Default)]
pub struct Slots {
    /// All frames, the lead's first.
    pub vals: Vec<Val>,
    /// Text of every string value: original and case-folded copies.
    pub text: String,
}

impl Slots {
    /// The original text of a string.
    pub fn orig(&self, t: TextRef) -> &str {
        &self.text[t.orig as usize..(t.orig + t.orig_len) as usize]
    }

    /// The case-folded text of a string (see [`fold`]).
    pub fn low(&self, t: TextRef) -> &str {
        &self.text[t.low as usize..(t.low + t.low_len) as usize]
    }

    pub(super) fn push_text(&mut self, s: &str) -> TextRef {
        let orig = self.text.len() as u32;
        self.text.push_str(s);
        let len = s.len() as u32;
        let same = TextRef {
            orig,
            orig_len: len,
            low: orig,
            low_len: len,
        };
        match ascii_case(s.as_bytes()) {
            AsciiCase::Folded => return same,
            AsciiCase::Upper => {
                self.text.push_str(s);
                self.text[(orig + len) as usize..].make_ascii_lowercase();
                return TextRef {
                    low: orig + len,
                    ..same
                };
            }
            AsciiCase::NotAscii => {}
        }
        let folded = fold(s);
        if folded == s {
            return same;
        }
        self.text.push_str(&folded);
        TextRef {
            low: orig + len,
            low_len: folded.len() as u32,
            ..same
        }
    }
}

/// What [`Slots::push_text`] has to do with a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AsciiCase {
    /// ASCII without a capital: its own case folding.
    Folded,
    /// ASCII with a capital: folded by lowering it.
    Upper,
    /// Not all ASCII: folded by [`fold`].
    NotAscii,
}

/// Classifies a string in one pass, eight bytes at a time (what
/// `is_ascii` and then a search for a capital did in two).
fn ascii_case(b: &[u8]) -> AsciiCase {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("eight bytes"));
    let mut upper = 0u64;
    let mut check = |x: u64| {
        if x & HIGH != 0 {
            return false;
        }
        // Every byte is below 0x80, so adding at most 0x7f carries into no
        // other byte: the first sum sets a byte's high bit when it is at
        // least `A`, the second when it is past `Z`.
        let from_a = x + ONES * u64::from(0x80 - b'A');
        let past_z = x + ONES * u64::from(0x80 - b'Z' - 1);
        upper |= from_a & !past_z;
        true
    };
    let ascii = if b.len() >= 8 {
        // The last word may overlap the one before: a byte looked at twice
        // is classified the same both times.
        (0..b.len() / 8).all(|i| check(word(i * 8))) && check(word(b.len() - 8))
    } else {
        check(b.iter().rev().fold(0u64, |x, &c| x << 8 | u64::from(c)))
    };
    match (ascii, upper & HIGH) {
        (false, _) => AsciiCase::NotAscii,
        (true, 0) => AsciiCase::Folded,
        (true, _) => AsciiCase::Upper,
    }
}

/// Whether `s` is empty or only whitespace (`str::trim` would leave
/// nothing). Decided by the first byte for nearly every value: a datetime
/// or number starts with a character that is not whitespace.
#[inline]
fn is_blank(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(&b) if b.is_ascii() && !char::from(b).is_whitespace() => false,
        Some(_) => s.trim().is_empty(),
    }
}

/// The root node: the lead itself.
pub const ROOT: usize = 0;

impl Shape {
    /// An empty shape for leads of type `lead_type`.
    pub fn new(lead_type: &Type, strict: bool) -> Shape {
        let root = Node {
            key: String::new(),
            sources: Vec::new(),
            formats: Vec::new(),
            datetime: Reader::default(),
            ty: lead_type.clone(),
            optional: false,
            kind: Kind::Record,
            slot: 0,
            frame: 0,
            children: Vec::new(),
            names: Vec::new(),
        };
        Shape {
            nodes: vec![root],
            frame_sizes: vec![1],
            strict,
            shared_keys: false,
        }
    }

    /// A node of the tree.
    pub(super) fn node(&self, node: usize) -> &Node {
        &self.nodes[node]
    }

    /// How many fields are read below a node.
    pub(super) fn child_count(&self, node: usize) -> usize {
        self.nodes[node].children.len()
    }

    /// Slots per frame of a frame layout.
    pub(super) fn frame_size(&self, frame: u32) -> u32 {
        self.frame_sizes[frame as usize]
    }

    /// Wrong types are data errors (a schema was declared).
    pub(super) fn is_strict(&self) -> bool {
        self.strict
    }

    /// The slot of a node in its frame.
    pub fn slot(&self, node: usize) -> u32 {
        self.nodes[node].slot
    }

    /// For a list node, its element's node.
    pub fn elem(&self, node: usize) -> Option<usize> {
        match self.nodes[node].kind {
            Kind::List { elem, .. } => Some(elem),
            _ => None,
        }
    }

    /// The field `key` of a record node, or of the elements of a list node;
    /// added (with a new slot) the first time it is asked for.
    pub fn child(&mut self, node: usize, key: &str) -> usize {
        if let Some(elem) = self.elem(node) {
            return self.child(elem, key);
        }
        if let Some(&c) = self.nodes[node]
            .children
            .iter()
            .find(|&&c| self.nodes[c].key == key)
        {
            return c;
        }
        let field = match &self.nodes[node].ty {
            Type::Record(fields) => fields.get(key).cloned(),
            _ => None,
        };
        let field = field.unwrap_or(FieldType::new(Type::Any, true));
        let frame = self.nodes[node].frame;
        if self.nodes[node].kind == Kind::Scalar {
            self.nodes[node].kind = Kind::Record;
        }
        let id = self.add(key.to_string(), field, frame);
        let shared = self.nodes[node].children.iter().any(|&c| {
            let old = &self.nodes[c];
            self.nodes[id].keys().any(|k| old.reads(k))
        });
        self.shared_keys |= shared;
        let child = self.nodes[node].children.len();
        let names: Vec<KeyName> = self.nodes[id]
            .keys()
            .map(|k| KeyName {
                head: head_word(k.as_bytes()),
                name: k.to_owned(),
                child,
            })
            .collect();
        self.nodes[node].names.extend(names);
        self.nodes[node].children.push(id);
        id
    }

    /// Some key names two fields of one record: the byte reader cannot
    /// give one value to both, so it leaves such leads to [`Shape::extract`].
    pub(super) fn has_shared_keys(&self) -> bool {
        self.shared_keys
    }

    fn add(&mut self, key: String, field: FieldType, frame: u32) -> usize {
        let key_is_elem = key.is_empty();
        let slot = self.frame_sizes[frame as usize];
        self.frame_sizes[frame as usize] += 1;
        let id = self.nodes.len();
        let kind = match &field.ty {
            Type::Record(_) => Kind::Record,
            _ => Kind::Scalar,
        };
        self.nodes.push(Node {
            key,
            sources: field.sources.clone(),
            formats: field.formats.clone(),
            datetime: field.datetime_reader(),
            ty: field.ty.clone(),
            optional: field.optional,
            kind,
            slot,
            frame,
            children: vec![],
            names: vec![],
        });
        let elem_ty = match &field.ty {
            Type::List(inner) => (**inner).clone(),
            // A list of unknown values: its elements are read as scalars.
            Type::Any if !key_is_elem => Type::Any,
            _ => return id,
        };
        let elem_frame = self.frame_sizes.len() as u32;
        self.frame_sizes.push(0);
        let elem_field = FieldType {
            formats: field.formats.clone(),
            zone: field.zone.clone(),
            ..FieldType::new(elem_ty, true)
        };
        let elem = self.add(String::new(), elem_field, elem_frame);
        self.nodes[id].kind = match field.ty {
            Type::Any => Kind::Any {
                elem,
                frame: elem_frame,
            },
            _ => Kind::List {
                elem,
                frame: elem_frame,
            },
        };
        id
    }

    /// Fills `slots` with the values of one lead.
    pub fn extract(&self, lead: &Value, slots: &mut Slots) -> Result<(), DataError> {
        slots.vals.clear();
        slots.text.clear();
        slots
            .vals
            .resize(self.frame_sizes[0] as usize, Val::Missing);
        if !lead.is_object() {
            return Err(DataError {
                kind: DataErrorKind::NotAnObject {
                    found: Found::of(lead),
                },
                path: Vec::new(),
            });
        }
        let mut fill = Filler { shape: self, slots };
        fill.fill(ROOT, 0, Some(lead)).map_err(|e| e.error())
    }
}

/// A value that violates the schema; its path is built while unwinding.
pub(super) struct Bad {
    path: Vec<PathSeg>,
    problem: DataErrorKind,
}

impl Bad {
    fn error(mut self) -> DataError {
        self.path.reverse();
        DataError {
            kind: self.problem,
            path: self.path,
        }
    }

    fn at(mut self: Box<Self>, seg: PathSeg) -> Box<Bad> {
        self.path.push(seg);
        self
    }
}

/// Fills the slot table from a `serde_json::Value`.
pub(super) struct Filler<'a> {
    pub(super) shape: &'a Shape,
    pub(super) slots: &'a mut Slots,
}

impl Filler<'_> {
    /// Fills node `id` (and what is below it) in the frame at `base`.
    pub(super) fn fill(&mut self, id: usize, base: u32, v: Option<&Value>) -> Result<(), Box<Bad>> {
        let node = &self.shape.nodes[id];
        let at = (base + node.slot) as usize;
        let v = match v {
            None | Some(Value::Null) => return self.absent(node, v.is_none()),
            Some(Value::String(s)) if node.blank_is_missing(s) => return self.absent(node, true),
            Some(v) => v,
        };
        let val = match (&node.kind, v) {
            (Kind::Record | Kind::Any { .. }, Value::Object(map)) => {
                self.record(&node.children, base, map)?;
                Val::Record(base)
            }
            (Kind::List { elem, frame } | Kind::Any { elem, frame }, Value::Array(items)) => {
                self.list(*elem, *frame, items)?
            }
            (Kind::Scalar | Kind::Any { .. }, v) => self.scalar(node, v)?,
            _ => {
                let val = self.mismatch(node, v)?;
                self.poison(&node.children, base);
                val
            }
        };
        self.slots.vals[at] = val;
        Ok(())
    }

    /// Marks the fields below a wrong-typed record as wrong-typed too, so
    /// that tests on them are counted (`company.size` when `company` is text).
    fn poison(&mut self, children: &[usize], base: u32) {
        for &c in children {
            let node = &self.shape.nodes[c];
            self.slots.vals[(base + node.slot) as usize] = Val::Mismatch;
            if !matches!(node.kind, Kind::List { .. }) {
                self.poison(&node.children, base);
            }
        }
    }

    /// Fills the fields of a record. Walks the object's entries once and
    /// matches them against the fields read (cheaper than a hash lookup per
    /// field); then the fields not found are filled as missing.
    fn record(
        &mut self,
        children: &[usize],
        base: u32,
        map: &Map<String, Value>,
    ) -> Result<(), Box<Bad>> {
        let aliased = || {
            children
                .iter()
                .any(|&c| !self.shape.nodes[c].sources.is_empty())
        };
        if children.len() > 64 || aliased() {
            for &c in children {
                self.field(c, base, self.shape.nodes[c].pick(map))?;
            }
            return Ok(());
        }
        let mut found = 0u64;
        for (key, v) in map {
            let hit = children
                .iter()
                .position(|&c| str_eq(&self.shape.nodes[c].key, key));
            if let Some(i) = hit {
                found |= 1 << i;
                self.field(children[i], base, Some(v))?;
            }
        }
        for (i, &c) in children.iter().enumerate() {
            if found & (1 << i) == 0 {
                self.field(c, base, None)?;
            }
        }
        Ok(())
    }

    fn field(&mut self, c: usize, base: u32, v: Option<&Value>) -> Result<(), Box<Bad>> {
        self.fill(c, base, v)
            .map_err(|e| e.at(PathSeg::Key(self.shape.nodes[c].key.clone())))
    }

    fn list(&mut self, elem: usize, frame: u32, items: &[Value]) -> Result<Val, Box<Bad>> {
        let stride = self.shape.frame_sizes[frame as usize];
        let start = self.slots.vals.len() as u32;
        let len = items.len() as u32;
        self.slots
            .vals
            .resize((start + len * stride) as usize, Val::Missing);
        for (i, item) in items.iter().enumerate() {
            let base = start + i as u32 * stride;
            self.fill(elem, base, Some(item))
                .map_err(|e| e.at(PathSeg::Index(i)))?;
        }
        Ok(Val::List(ListRef::Slots {
            start,
            len,
            stride,
            offset: 0,
        }))
    }

    fn scalar(&mut self, node: &Node, v: &Value) -> Result<Val, Box<Bad>> {
        let val = match (&node.ty, v) {
            (Type::String | Type::Any, Value::String(s)) => Val::Str(self.slots.push_text(s)),
            (Type::Number | Type::Any, Value::Number(n)) => {
                Val::Num(n.as_f64().unwrap_or(f64::NAN))
            }
            (Type::Int, Value::Number(n)) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                if self.shape.strict && x.fract() != 0.0 {
                    return self.mismatch(node, v);
                }
                Val::Num(x)
            }
            (Type::Bool | Type::Any, Value::Bool(b)) => Val::Bool(*b),
            (Type::Int | Type::Number | Type::Bool, Value::String(s)) if self.shape.strict => {
                match node.read_text(s) {
                    Some(val) => val,
                    None => return self.mismatch(node, v),
                }
            }
            (Type::Datetime, Value::String(s)) => match node.datetime.read_text(s) {
                Some(t) => Val::Time(t),
                None => return self.mismatch(node, v),
            },
            (Type::Datetime, Value::Number(n)) => {
                match node.read_number(n.as_f64().unwrap_or(f64::NAN)) {
                    Some(t) => t,
                    None => return self.mismatch(node, v),
                }
            }
            (Type::Any, _) => Val::Other,
            _ => return self.mismatch(node, v),
        };
        Ok(val)
    }

    fn mismatch(&self, node: &Node, v: &Value) -> Result<Val, Box<Bad>> {
        if !self.shape.strict {
            return Ok(Val::Mismatch);
        }
        let hint = match (&node.ty, v) {
            (Type::Datetime, Value::String(s)) => Some(datetime_hint(s, &node.formats)),
            (Type::Datetime, Value::Number(_)) if !node.datetime.reads_numbers() => {
                Some(DatetimeHint::Epoch)
            }
            (Type::Datetime, Value::Number(_)) => {
                Some(DatetimeHint::Declared(node.formats.clone()))
            }
            _ => None,
        };
        let problem = DataErrorKind::WrongType {
            expected: node.ty.clone(),
            found: Found::of(v),
            hint,
        };
        Err(Box::new(Bad {
            path: vec![],
            problem,
        }))
    }

    fn absent(&self, node: &Node, missing: bool) -> Result<(), Box<Bad>> {
        if !self.shape.strict || node.optional {
            return Ok(());
        }
        let problem = DataErrorKind::Absent {
            expected: node.ty.clone(),
            null: !missing,
        };
        Err(Box::new(Bad {
            path: vec![],
            problem,
        }))
    }
}

/// What would read a datetime that could not be read: the declared
/// formats, or the common CRM formats that accept it (several: the text is
/// ambiguous, and only a declared format can say which it is).
fn datetime_hint(s: &str, declared: &[String]) -> DatetimeHint {
    if !declared.is_empty() {
        return DatetimeHint::Declared(declared.to_vec());
    }
    DatetimeHint::Accepting(formats_accepting(s).into_iter().map(String::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn field(ty: Type, optional: bool) -> FieldType {
        FieldType::new(ty, optional)
    }

    fn record(fields: Vec<(&str, FieldType)>) -> Type {
        Type::Record(
            fields
                .into_iter()
                .map(|(k, f)| (k.to_string(), f))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn lead_type() -> Type {
        let event = record(vec![
            ("type", field(Type::String, false)),
            ("at", field(Type::Datetime, false)),
        ]);
        let company = record(vec![("size", field(Type::Int, true))]);
        record(vec![
            ("title", field(Type::String, true)),
            ("company", field(company, false)),
            ("events", field(Type::List(Box::new(event)), false)),
        ])
    }

    fn shape(strict: bool) -> (Shape, [usize; 4]) {
        let mut s = Shape::new(&lead_type(), strict);
        let title = s.child(ROOT, "title");
        let company = s.child(ROOT, "company");
        let size = s.child(company, "size");
        let events = s.child(ROOT, "events");
        let ty = s.child(events, "type");
        let _at = s.child(events, "at");
        (s, [title, size, events, ty])
    }

    /// A value is blank exactly when `trim` leaves nothing of it.
    #[test]
    fn is_blank_agrees_with_trim() {
        let mut texts: Vec<String> = [
            "",
            " ",
            "\t\n",
            "\u{a0}",
            "\u{3000}x",
            "x ",
            " x",
            "\u{1c}",
            "\u{b}",
            "\u{85}",
            "é",
        ]
        .map(String::from)
        .to_vec();
        texts.extend((0..=255u8).map(|b| char::from(b).to_string()));
        for t in texts {
            assert_eq!(is_blank(&t), t.trim().is_empty(), "{t:?}");
        }
    }

    /// The key table finds the field `reads` finds, for keys that share
    /// their first eight bytes or length with a field's name, and for `from`
    /// names.
    #[test]
    fn field_of_agrees_with_reads() {
        let mut title = field(Type::String, true);
        title.sources = vec!["Job Title".into(), "jobtitle".into()];
        let names = ["created_at", "unsubscribed", "abcdefgh", "abc", "", "ÿé"];
        let mut fields: Vec<(&str, FieldType)> = vec![("title", title)];
        fields.extend(names.iter().map(|&n| (n, field(Type::String, true))));
        let mut s = Shape::new(&record(fields), true);
        s.child(ROOT, "title");
        for n in names {
            s.child(ROOT, n);
        }
        let root = s.node(ROOT);
        let keys = [
            "title",
            "Job Title",
            "jobtitle",
            "Job Titles",
            "job title",
            "created_at",
            "created_by",
            "created_a",
            "unsubscribed",
            "unsubscribe",
            "unsubscribedX",
            "abcdefgh",
            "abcdefgi",
            "abcdefg",
            "abc",
            "abd",
            "ab",
            "",
            "ÿé",
            "ÿ",
            "id",
        ];
        let mut found = 0;
        for key in keys {
            let want = root.children.iter().position(|&c| s.node(c).reads(key));
            assert_eq!(root.field_of(key), want, "{key:?}");
            found += usize::from(want.is_some());
        }
        assert_eq!(found, 9);
    }

    #[test]
    fn slots_are_flat_and_lists_use_frames() {
        let (s, [title, size, events, ty]) = shape(true);
        let mut slots = Slots::default();
        let lead = json!({"title": "VP Sales", "company": {"size": 300},
            "events": [{"type": "A", "at": "2026-01-01"}, {"type": "b", "at": "2026-01-02T00:00:00Z"}]});
        s.extract(&lead, &mut slots).unwrap();
        let Val::Str(t) = slots.vals[s.slot(title) as usize] else {
            panic!()
        };
        assert_eq!((slots.orig(t), slots.low(t)), ("VP Sales", "vp sales"));
        assert_eq!(slots.vals[s.slot(size) as usize], Val::Num(300.0));
        let Val::List(ListRef::Slots {
            start, len, stride, ..
        }) = slots.vals[s.slot(events) as usize]
        else {
            panic!()
        };
        assert_eq!((len, stride), (2, 3));
        let Val::Str(t) = slots.vals[(start + stride + s.slot(ty)) as usize] else {
            panic!()
        };
        assert_eq!(slots.low(t), "b");
    }

    #[test]
    fn schema_errors_name_the_field() {
        let (s, _) = shape(true);
        let mut slots = Slots::default();
        let bad = json!({"company": {"size": "big"}, "events": []});
        assert_eq!(
            s.extract(&bad, &mut slots).unwrap_err().to_string(),
            r#"company.size: expected int, found string "big""#
        );
        let bad = json!({"company": {"size": 2.5}, "events": []});
        assert_eq!(
            s.extract(&bad, &mut slots).unwrap_err().to_string(),
            "company.size: expected int, found number 2.5"
        );
        let bad = json!({"company": {}, "events": [{"type": "x", "at": "soon"}]});
        let want = r#"events[0].at: expected datetime, found string "soon""#;
        assert_eq!(s.extract(&bad, &mut slots).unwrap_err().to_string(), want);
        let bad = json!({"company": {}});
        assert!(s
            .extract(&bad, &mut slots)
            .unwrap_err()
            .to_string()
            .starts_with("events: expected list<"));
        let bad = json!({"company": null, "events": []});
        assert!(s
            .extract(&bad, &mut slots)
            .unwrap_err()
            .to_string()
            .ends_with("found null"));
    }

    #[test]
    fn without_schema_wrong_types_are_mismatches() {
        let (s, [title, size, ..]) = shape(false);
        let mut slots = Slots::default();
        s.extract(&json!({"title": 3, "company": {"size": "big"}}), &mut slots)
            .unwrap();
        assert_eq!(slots.vals[s.slot(title) as usize], Val::Mismatch);
        assert_eq!(slots.vals[s.slot(size) as usize], Val::Mismatch);
    }

    #[test]
    fn ascii_case_agrees_with_a_byte_scan() {
        let bytes = [
            b'a', b'z', b'A', b'Z', b'@', b'[', b'`', b'{', b'0', 0x7f, 0, 0xc3,
        ];
        for len in 0..20 {
            for (at, other) in (0..len).flat_map(|a| (0..len).map(move |o| (a, o))) {
                for (&b, &c) in bytes.iter().flat_map(|b| bytes.iter().map(move |c| (b, c))) {
                    let mut s = vec![b'x'; len];
                    s[at] = b;
                    s[other] = c;
                    let want = if !s.is_ascii() {
                        AsciiCase::NotAscii
                    } else if s.iter().any(u8::is_ascii_uppercase) {
                        AsciiCase::Upper
                    } else {
                        AsciiCase::Folded
                    };
                    assert_eq!(ascii_case(&s), want, "{s:?}");
                }
            }
        }
    }

    #[test]
    fn non_ascii_case_folded() {
        let mut slots = Slots::default();
        let t = slots.push_text("ÉCOLE");
        assert_eq!(slots.low(t), "école");
        let t = slots.push_text("école");
        assert_eq!(t.low, t.orig);
        let t = slots.push_text("Straße");
        assert_eq!(slots.low(t), "strasse");
        let t = slots.push_text("ΟΔΟΣ");
        assert_eq!(slots.low(t), "οδοσ");
        let t = slots.push_text("οδος");
        assert_eq!(slots.low(t), "οδοσ");
    }
}

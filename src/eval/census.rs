//! Counting, over a run, how the leads met the fields the rules read.
//!
//! A [`Fields`] list is made once per program from the lead [`Shape`]: every
//! field the rules read, named by its dotted path, with the rules that read
//! it. A [`Census`] holds one counter per field (how often it was looked at,
//! missing or null, or of the wrong type) and one per rule (how often it
//! fired). Counting a lead only reads its slot table after scoring, so both
//! lead readers (the `serde_json::Value` filler and the fast byte path) are
//! counted alike; each thread counts into its own census and the censuses are
//! merged per chunk.

use super::lead::{Kind, Shape, ROOT};
use super::value::{ListRef, Val};
use super::Outcome;
use crate::rules::Type;

/// A field the rules read.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The dotted path from the lead, or from a list element (`events.url`
    /// is `url` of each element of `events`).
    pub name: String,
    /// For a field of list elements, the list's dotted path; `None` for a
    /// field of the lead itself.
    pub list: Option<String>,
    /// The names a CSV column may have to supply it: its dotted path with
    /// the keys it is read from (`from "Job Title"`) in place of the last
    /// segment.
    pub columns: Vec<String>,
    /// The type the rules give it.
    pub ty: Type,
    /// The rules (indexes into `Ruleset::rules`) that read it.
    pub rules: Vec<usize>,
}

/// One slot to look at in a frame: which field, and for a list the frame
/// layout of its elements.
#[derive(Clone, Debug)]
struct Entry {
    field: usize,
    slot: u32,
    elements: Option<u32>,
    /// The slot holds a value of the right type in a lead that could be
    /// scored: a schema requires it and every record around it in its
    /// frame (a wrong type or an absence would be a data error), so it is
    /// missing only where its list element is null (`Fields::nulls`).
    present: bool,
}

/// The fields the rules read, and where each lives in the slot table.
#[derive(Clone, Debug, Default)]
pub struct Fields {
    /// Every field, lead fields first, in the order the rules first read them.
    pub list: Vec<Field>,
    /// Per frame layout, the slots to look at.
    frames: Vec<Vec<Entry>>,
    /// Per frame layout of list elements whose `present` fields are missing
    /// only where the whole element is null: the element's own slot.
    nulls: Vec<Option<u32>>,
}

impl Fields {
    /// The fields of `shape`; `rule_fields` gives the shape nodes each rule reads.
    pub(super) fn new(shape: &Shape, rule_fields: &[Vec<usize>]) -> Fields {
        let mut fields = Fields::default();
        let mut by_node = Vec::new();
        let within = Within {
            prefix: "",
            list: None,
            required: shape.is_strict(),
        };
        fields.walk(shape, ROOT, 0, within, &mut by_node);
        for (rule, nodes) in rule_fields.iter().enumerate() {
            for &node in nodes {
                let hit = by_node.iter().find(|&&(n, _)| n == node);
                if let Some(&(_, f)) = hit {
                    fields.list[f].rules.push(rule);
                }
            }
        }
        fields
    }

    /// Adds the fields below shape node `node` (in frame layout `frame`).
    fn walk(
        &mut self,
        shape: &Shape,
        node: usize,
        frame: u32,
        within: Within,
        by_node: &mut Vec<(usize, usize)>,
    ) {
        let n = shape.node(node);
        let prefix = within.prefix;
        for &c in &n.children {
            let child = shape.node(c);
            let name = join(prefix, &child.key);
            let elements = match child.kind {
                Kind::List { frame, .. } | Kind::Any { frame, .. } => Some(frame),
                Kind::Scalar | Kind::Record => None,
            };
            let required = within.required && !child.optional && child.ty != Type::Any;
            by_node.push((c, self.list.len()));
            self.add(
                frame,
                Entry {
                    field: self.list.len(),
                    slot: shape.slot(c),
                    elements,
                    present: required,
                },
            );
            let columns = child.keys().map(|k| join(prefix, k)).collect();
            self.list.push(Field {
                name: name.clone(),
                columns,
                list: within.list.map(str::to_string),
                ty: child.ty.clone(),
                rules: Vec::new(),
            });
            let below = Within {
                prefix: &name,
                list: within.list,
                required: required && child.kind == Kind::Record,
            };
            self.walk(shape, c, frame, below, by_node);
        }
        if let Kind::List { elem, frame } | Kind::Any { elem, frame } = n.kind {
            let whole = join(within.list.unwrap_or(""), prefix);
            // An element may be null (its fields are then missing too); its
            // required fields are missing exactly where it is.
            let required = shape.is_strict()
                && matches!(n.kind, Kind::List { .. })
                && shape.node(elem).kind == Kind::Record;
            if required {
                let at = frame as usize;
                if self.nulls.len() <= at {
                    self.nulls.resize(at + 1, None);
                }
                self.nulls[at] = Some(shape.slot(elem));
            }
            let elements = Within {
                prefix: "",
                list: Some(&whole),
                required,
            };
            self.walk(shape, elem, frame, elements, by_node);
        }
    }

    fn add(&mut self, frame: u32, entry: Entry) {
        let frame = frame as usize;
        if self.frames.len() <= frame {
            self.frames.resize(frame + 1, Vec::new());
        }
        self.frames[frame].push(entry);
    }
}

/// Where [`Fields::walk`] is: the path so far, the enclosing list's path,
/// and whether a schema requires everything on the way in this frame.
#[derive(Clone, Copy)]
struct Within<'a> {
    prefix: &'a str,
    list: Option<&'a str>,
    required: bool,
}

/// `a.b`, or `b` when `a` is empty.
fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// How often one field was looked at, and what it held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FieldCount {
    /// Leads (for a lead field) or list elements (for an element field) looked at.
    pub seen: u64,
    /// Of those, missing or null.
    pub missing: u64,
    /// Of those, of the wrong type (only without a schema).
    pub mismatched: u64,
}

/// Counts over the leads scored so far: per field and per rule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Census {
    /// Leads counted.
    pub leads: u64,
    /// Per field of [`Fields::list`].
    pub fields: Vec<FieldCount>,
    /// Per rule: the leads it fired for.
    pub fired: Vec<u64>,
}

impl Census {
    /// An empty census for `fields` and `rules` rules.
    pub fn new(fields: &Fields, rules: usize) -> Census {
        Census {
            leads: 0,
            fields: vec![FieldCount::default(); fields.list.len()],
            fired: vec![0; rules],
        }
    }

    /// Adds the counts of another census of the same program.
    pub fn merge(&mut self, other: &Census) {
        self.leads += other.leads;
        for (a, b) in self.fields.iter_mut().zip(&other.fields) {
            a.seen += b.seen;
            a.missing += b.missing;
            a.mismatched += b.mismatched;
        }
        for (a, b) in self.fired.iter_mut().zip(&other.fired) {
            *a += b;
        }
    }

    /// Counts one scored lead from its slot table and outcome.
    pub(super) fn count(&mut self, fields: &Fields, vals: &[Val], outcome: &Outcome) {
        self.leads += 1;
        for (n, rule) in self.fired.iter_mut().zip(&outcome.rules) {
            *n += u64::from(rule.fired);
        }
        self.frame(fields, 0, 0, vals);
    }

    /// Counts the slots of one frame (of layout `frame`, starting at `base`).
    fn frame(&mut self, fields: &Fields, frame: u32, base: u32, vals: &[Val]) {
        self.frames(fields, frame, (base, 1, 1), vals);
    }

    /// Counts the slots of `len` frames of layout `frame`, `stride` apart
    /// from `start`: field by field, so each field's counter is looked up
    /// once per list, not once per element, and a field that holds no list
    /// is counted by a loop that only tests the value's kind.
    fn frames(&mut self, fields: &Fields, frame: u32, at: (u32, u32, u32), vals: &[Val]) {
        let Some(entries) = fields.frames.get(frame as usize) else {
            return;
        };
        let (start, len, stride) = at;
        let nulls = match fields.nulls.get(frame as usize) {
            Some(&Some(own)) => (0..len)
                .filter(|i| matches!(vals[(start + i * stride + own) as usize], Val::Missing))
                .count() as u64,
            _ => 0,
        };
        for e in entries {
            let (mut missing, mut mismatched) = (0, 0);
            let slots = (0..len).map(|i| (start + i * stride + e.slot) as usize);
            match e.elements {
                None if e.present => missing = nulls,
                None => {
                    for k in slots {
                        missing += u64::from(matches!(vals[k], Val::Missing));
                        mismatched += u64::from(matches!(vals[k], Val::Mismatch));
                    }
                }
                Some(layout) => {
                    for k in slots {
                        match vals[k] {
                            Val::Missing => missing += 1,
                            Val::Mismatch => mismatched += 1,
                            Val::List(ListRef::Slots {
                                start, len, stride, ..
                            }) => self.frames(fields, layout, (start, len, stride), vals),
                            _ => {}
                        }
                    }
                }
            }
            let count = &mut self.fields[e.field];
            count.seen += u64::from(len);
            count.missing += missing;
            count.mismatched += mismatched;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::eval::{EvalOptions, Program};
    use serde_json::json;

    /// With a schema, the fields it requires are not looked at (they are
    /// present in every lead that could be scored); the counts are those
    /// of looking at every slot.
    #[test]
    fn required_fields_count_as_looking_at_every_slot() {
        let text = "schema {\n  id: string\n  title: string?\n  \
            company: { size: int?, name: string }\n  extra: { note: string }?\n  \
            events: list<{ type: string, url: string? }>?\n}\n\
            when title contains \"vp\" add 1 as \"t\"\n\
            when company.size > 10 and company.name == \"x\" add 1 as \"c\"\n\
            when extra.note == \"n\" add 1 as \"n\"\n\
            when any(events where type == \"a\" and url contains \"/p\") add 1 as \"e\"\n";
        let loaded = crate::load_str("t.rules", text, &crate::syntax::MemReader::default());
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        let program = Program::compile(loaded.ruleset.as_ref().unwrap());
        assert!(program.fields.frames.iter().flatten().any(|e| e.present));
        let mut every = program.fields.clone();
        every
            .frames
            .iter_mut()
            .flatten()
            .for_each(|e| e.present = false);
        let leads = [
            json!({"id": "a", "title": "VP", "company": {"size": 20, "name": "x"},
                   "events": [{"type": "a", "url": "/p"}, {"type": "b"}, null, {"type": "c", "url": null}]}),
            json!({"id": "b", "company": {"size": null, "name": "y"}, "extra": {"note": "n"}}),
            json!({"id": "c", "title": null, "company": {"name": "z"}, "extra": null, "events": []}),
            json!({"id": "d", "company": {"name": "z"}, "events": null}),
        ];
        let opts = EvalOptions {
            as_of: chrono::Utc::now(),
        };
        let (mut fast, mut plain) = (program.census(), program.census());
        let mut scratch = crate::eval::Scratch::default();
        for lead in &leads {
            let mut out = crate::eval::Outcome::default();
            program
                .score_into(lead, &opts, &mut scratch, &mut out)
                .unwrap();
            fast.count(&program.fields, &scratch.slots.vals, &out);
            plain.count(&every, &scratch.slots.vals, &out);
        }
        assert_eq!(fast, plain);
        assert!(plain.fields.iter().any(|f| f.missing > 0));
        assert_eq!(fast.leads, 4);
    }
}

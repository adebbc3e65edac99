//! Printing test blocks: `test "name" { ... }` with one entry per line, and
//! lead literals on one line when they fit, else one member per line.

use super::{Printer, INDENT, WIDTH};
use crate::syntax::ast::*;

impl Printer<'_> {
    pub(super) fn test_block(&mut self, t: &TestBlock) {
        let head = format!("test {}", self.snippet(t.name.span));
        let body_start = self.brace_after(t.name.span);
        self.open_block(t.span, body_start, &head);
        for entry in &t.entries {
            let (span, text) = match entry {
                TestEntry::AsOf(time) => (time.span, format!("as_of {}", time.node)),
                TestEntry::Lead(lead) => (lead.span, self.lead_text(lead)),
                TestEntry::Expect(e) => (e.span, format!("expect {}", self.expect_text(e))),
            };
            self.leaf(span, &text);
        }
        self.close_block(t.span);
    }

    fn lead_text(&self, lead: &LeadSource) -> String {
        match &lead.kind {
            LeadKind::File(path) => format!("lead from {}", self.snippet(path.span)),
            LeadKind::Inline(json) => {
                let room = WIDTH.saturating_sub(INDENT.len() * self.indent + "lead ".len());
                format!("lead {}", self.json(json, room))
            }
        }
    }

    /// `j` on one line when it fits in `room` columns, else broken over lines.
    fn json(&self, j: &Json, room: usize) -> String {
        let flat = self.json_flat(j);
        if flat.len() <= room {
            return flat;
        }
        let inner = room.saturating_sub(INDENT.len());
        let (open, close, items): (&str, &str, Vec<String>) = match &j.kind {
            JsonKind::Object(members) => (
                "{",
                "}",
                members
                    .iter()
                    .map(|m| {
                        let key = self.key(&m.key);
                        let value = self.json(&m.value, inner.saturating_sub(key.len() + 2));
                        format!("{key}: {value}")
                    })
                    .collect(),
            ),
            JsonKind::Array(values) => (
                "[",
                "]",
                values.iter().map(|v| self.json(v, inner)).collect(),
            ),
            _ => return flat,
        };
        let mut out = format!("{open}\n");
        for (i, item) in items.iter().enumerate() {
            let comma = if i + 1 < items.len() { "," } else { "" };
            for line in format!("{item}{comma}").lines() {
                out += &format!("{INDENT}{line}\n");
            }
        }
        out + close
    }

    fn json_flat(&self, j: &Json) -> String {
        match &j.kind {
            JsonKind::Null => "null".into(),
            JsonKind::Bool(b) => b.to_string(),
            JsonKind::Number(_) | JsonKind::String(_) => self.snippet(j.span).to_string(),
            JsonKind::Array(values) if values.is_empty() => "[]".into(),
            JsonKind::Array(values) => {
                let items: Vec<String> = values.iter().map(|v| self.json_flat(v)).collect();
                format!("[{}]", items.join(", "))
            }
            JsonKind::Object(members) if members.is_empty() => "{}".into(),
            JsonKind::Object(members) => {
                let items: Vec<String> = members
                    .iter()
                    .map(|m| format!("{}: {}", self.key(&m.key), self.json_flat(&m.value)))
                    .collect();
                format!("{{ {} }}", items.join(", "))
            }
        }
    }

    /// A key without quotes when it can be written so, else as written.
    fn key(&self, key: &Spanned<String>) -> String {
        let mut chars = key.node.chars();
        let bare = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        if bare {
            key.node.clone()
        } else {
            self.snippet(key.span).to_string()
        }
    }

    fn expect_text(&self, e: &Expectation) -> String {
        let of = if e.account { "account " } else { "" };
        let text = match &e.kind {
            ExpectKind::Compare { target, op, value } => {
                format!("{} {op} {}", target.node, self.snippet(value.span))
            }
            ExpectKind::Between { target, low, high } => format!(
                "{} between {} and {}",
                target.node,
                self.snippet(low.span),
                self.snippet(high.span)
            ),
            ExpectKind::Presence { target, present } => {
                let what = if *present { "present" } else { "missing" };
                format!("{} is {what}", target.node)
            }
            ExpectKind::Fired { rule, fired } => {
                let not = if *fired { "" } else { "not " };
                format!("{not}fired {}", self.snippet(rule.span))
            }
        };
        format!("{of}{text}")
    }
}

//! Evaluating one `let` of a program for one lead, for the REPL: the value
//! comes back as a [`Shown`], which owns its data and prints like a literal.

use super::compile::Compiled;
use super::run::{Ctx, Scratch};
use super::value::{Instant, ListRef, Val};
use super::{push_num, DataError, EvalOptions, Program};
use chrono::{DateTime, SecondsFormat};
use std::fmt;

/// A value taken out of an evaluation, for display.
#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    /// A missing field, or null.
    Missing,
    /// A lead value of the wrong type (only without a schema).
    Mismatch,
    /// A bool.
    Bool(bool),
    /// A number.
    Num(f64),
    /// Text.
    Str(String),
    /// A datetime, as RFC 3339 text.
    Time(String),
    /// A list.
    List(Vec<Shown>),
    /// A record (its fields are not shown).
    Record,
    /// A present value of a field that no rule compares.
    Other,
}

impl Program {
    /// Evaluates the `let` at `index` of [`Program::ruleset`]'s lets for
    /// `lead`, after scoring it: `score`, group totals and labels (which
    /// only the REPL's own `let` may read) have the lead's values.
    pub fn eval_let(
        &self,
        lead: &serde_json::Value,
        opts: &EvalOptions,
        index: usize,
    ) -> Result<Shown, DataError> {
        let totals = self.score(lead, opts)?;
        let mut scratch = Scratch::default();
        let extracted = self.code.shape.extract(lead, &mut scratch.slots);
        extracted?;
        let as_of = Instant {
            secs: opts.as_of.timestamp(),
            nanos: opts.as_of.timestamp_subsec_nanos(),
        };
        let mut ctx = Ctx::new(&self.code, &mut scratch, as_of);
        ctx.score = totals.score;
        ctx.groups = totals.groups;
        ctx.labels = totals.labels;
        let val = ctx.val(&self.code.lets[index]);
        Ok(show(&self.code, &scratch, val))
    }
}

/// Copies a value out of the evaluation buffers.
fn show(code: &Compiled, scratch: &Scratch, val: Val) -> Shown {
    match val {
        Val::Missing => Shown::Missing,
        Val::Mismatch => Shown::Mismatch,
        Val::Bool(b) => Shown::Bool(b),
        Val::Num(x) => Shown::Num(x),
        Val::Str(t) => Shown::Str(scratch.slots.orig(t).to_string()),
        Val::CStr(i) => Shown::Str(code.strs[i as usize].orig.to_string()),
        Val::Time(t) => Shown::Time(time_text(t)),
        Val::List(l) => Shown::List(elements(code, scratch, l)),
        Val::Record(_) => Shown::Record,
        Val::Other => Shown::Other,
    }
}

/// The elements of a list, in order.
fn elements(code: &Compiled, scratch: &Scratch, l: ListRef) -> Vec<Shown> {
    let vals = &scratch.slots.vals;
    let at = |slot: u32| show(code, scratch, vals[slot as usize]);
    match l {
        ListRef::Slots {
            start,
            len,
            stride,
            offset,
        } => (0..len).map(|i| at(start + i * stride + offset)).collect(),
        ListRef::Picked { start, len, offset } => (start..start + len)
            .map(|i| at(scratch.picks[i as usize] + offset))
            .collect(),
        ListRef::Const(c) => code.lists[c as usize]
            .iter()
            .map(|&v| show(code, scratch, v))
            .collect(),
    }
}

/// `2026-10-01T00:00:00Z`.
fn time_text(t: Instant) -> String {
    DateTime::from_timestamp(t.secs, t.nanos).map_or_else(String::new, |d| {
        d.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    })
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shown::Missing => f.write_str("missing"),
            Shown::Mismatch => f.write_str("(a value of the wrong type)"),
            Shown::Bool(b) => write!(f, "{b}"),
            Shown::Num(x) => {
                let mut s = String::new();
                push_num(&mut s, *x);
                f.write_str(&s)
            }
            Shown::Str(s) => write!(f, "{}", serde_json::Value::from(s.as_str())),
            Shown::Time(t) => f.write_str(t),
            Shown::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    let sep = if i > 0 { ", " } else { "" };
                    write!(f, "{sep}{item}")?;
                }
                f.write_str("]")
            }
            Shown::Record => f.write_str("{…}"),
            Shown::Other => f.write_str("(present)"),
        }
    }
}

/// A scalar value as JSON, for what an account keeps of a lead: a number
/// with no fraction as a whole number (so an `int` field reads it back),
/// a datetime as RFC 3339 text to the nanosecond, anything that is not a
/// scalar (a list, a record, a missing or wrong-typed value) as null.
pub(super) fn json(code: &Compiled, slots: &super::lead::Slots, val: Val) -> serde_json::Value {
    use serde_json::Value;
    match val {
        Val::Bool(b) => Value::Bool(b),
        Val::Num(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Value::from(x as i64),
        Val::Num(x) => Value::from(x),
        Val::Str(t) => Value::from(slots.orig(t)),
        Val::CStr(i) => Value::from(&*code.strs[i as usize].orig),
        Val::Time(t) => DateTime::from_timestamp(t.secs, t.nanos).map_or(Value::Null, |d| {
            Value::from(d.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        }),
        Val::Missing | Val::Mismatch | Val::List(_) | Val::Record(_) | Val::Other => Value::Null,
    }
}

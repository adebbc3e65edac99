//! Without a schema: the lead's type, inferred from how the rules use each field.
//!
//! The store is one record type. A location is a field path from the lead;
//! walking it steps into a list's elements automatically, so `["events",
//! "type"]` is the `type` field of each event. Each location remembers the
//! span of the use that first gave it a type, for "used as X here" notes.

use super::types::unify;
use crate::rules::{FieldType, Type};
use crate::syntax::ast::Span;
use std::collections::{BTreeMap, HashMap};

/// A use that clashes with what earlier uses established.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// The type earlier uses gave the location (or the prefix in the way).
    pub earlier: Type,
    /// The earliest use that gave it that type, when known.
    pub span: Option<Span>,
    /// How many leading segments of the location reach the clashing part.
    pub at: usize,
}

/// The inferred lead type and where each part of it was first established.
#[derive(Clone, Debug)]
pub struct Infer {
    root: Type,
    first: HashMap<Vec<String>, Span>,
}

impl Infer {
    /// A lead with no known fields.
    pub fn new() -> Infer {
        Infer {
            root: Type::Record(BTreeMap::new()),
            first: HashMap::new(),
        }
    }

    /// The inferred lead type.
    pub fn lead_type(&self) -> &Type {
        &self.root
    }

    /// Makes sure every location along `loc` exists (as `Any` when new).
    pub fn touch(&mut self, loc: &[String]) -> Result<(), Conflict> {
        if slot(&mut self.root, loc).is_some() {
            return Ok(());
        }
        Err(self.blocker(loc))
    }

    /// Records that the value at `loc` has type `ty` (merged with what is known).
    pub fn record(&mut self, loc: &[String], ty: &Type, span: Span) -> Result<(), Conflict> {
        let Some(place) = slot(&mut self.root, loc) else {
            return Err(self.blocker(loc));
        };
        let Some(merged) = unify(place, ty) else {
            let earlier = place.clone();
            return Err(Conflict {
                earlier,
                span: self.first.get(loc).copied(),
                at: loc.len(),
            });
        };
        let was_any = *place == Type::Any;
        *place = merged;
        if was_any && *ty != Type::Any {
            self.first.insert(loc.to_vec(), span);
        }
        Ok(())
    }

    /// The use that first gave `loc` a type, when known.
    pub fn first_use(&self, loc: &[String]) -> Option<Span> {
        self.first.get(loc).copied()
    }

    /// The conflict for a location that cannot exist: the longest prefix
    /// that is a known non-record type is in the way.
    fn blocker(&self, loc: &[String]) -> Conflict {
        let mut ty = &self.root;
        for (i, seg) in loc.iter().enumerate() {
            match step(ty, seg) {
                Some(next) => ty = next,
                None => {
                    return Conflict {
                        earlier: ty.clone(),
                        span: self.first.get(&loc[..i]).copied(),
                        at: i,
                    }
                }
            }
        }
        Conflict {
            earlier: ty.clone(),
            span: None,
            at: loc.len(),
        }
    }
}

impl Default for Infer {
    fn default() -> Infer {
        Infer::new()
    }
}

/// One step of a read-only walk (into list elements as needed).
fn step<'t>(ty: &'t Type, seg: &str) -> Option<&'t Type> {
    match ty {
        Type::List(inner) => step(inner, seg),
        Type::Record(fields) => fields.get(seg).map(|f| &f.ty),
        _ => None,
    }
}

/// The type at `path`, creating records and `Any` fields on the way.
/// `None` when a known non-record type is in the way.
fn slot<'t>(ty: &'t mut Type, path: &[String]) -> Option<&'t mut Type> {
    let Some((first, rest)) = path.split_first() else {
        return Some(ty);
    };
    if *ty == Type::Any {
        *ty = Type::Record(BTreeMap::new());
    }
    match ty {
        Type::List(inner) => slot(inner, path),
        Type::Record(fields) => {
            let field = fields
                .entry(first.clone())
                .or_insert(FieldType::new(Type::Any, true));
            slot(&mut field.ty, rest)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::types::list_of_records;

    fn loc(s: &str) -> Vec<String> {
        s.split('.').map(String::from).collect()
    }

    #[test]
    fn records_nested_fields_through_lists() {
        let mut inf = Infer::new();
        let sp = Span::default();
        inf.record(&loc("events"), &list_of_records(), sp).unwrap();
        inf.record(&loc("events.type"), &Type::String, sp).unwrap();
        inf.record(&loc("company.size"), &Type::Number, sp).unwrap();
        let shown = inf.lead_type().to_string();
        assert_eq!(
            shown,
            "{ company: { size: number? }?, events: list<{ type: string? }>? }"
        );
    }

    #[test]
    fn clash_reports_the_earlier_use() {
        let mut inf = Infer::new();
        let first = Span::new(Default::default(), 3, 8);
        inf.record(&loc("title"), &Type::String, first).unwrap();
        let err = inf.record(&loc("title"), &Type::Number, Span::default());
        assert_eq!(
            err,
            Err(Conflict {
                earlier: Type::String,
                span: Some(first),
                at: 1,
            })
        );
        let err = inf.touch(&loc("title.x")).unwrap_err();
        assert_eq!(err.earlier, Type::String);
        assert_eq!(err.at, 1);
    }
}

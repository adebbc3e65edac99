//! `schema { ... }` → the lead's record [`Type`].

use super::error::{NameKind, Problem};
use super::suggest::did_you_mean;
use crate::datetime::pattern::{self, Fault};
use crate::rules::{FieldType, Type};
use crate::syntax::ast::{FieldDecl, Schema, Span, Spanned, TypeExpr, TypeExprKind};
use jiff::tz::TimeZone;
use std::collections::{BTreeMap, HashMap};

/// The type names a schema may use.
const TYPE_NAMES: [&str; 6] = ["string", "int", "number", "bool", "datetime", "list"];

/// The lead type a schema declares. Unknown type names become `Any` and a problem.
pub fn lead_type(schema: &Schema, problems: &mut Vec<Problem>) -> Type {
    Type::Record(record(&schema.fields, problems))
}

/// A record type from field declarations; a repeated field is a problem.
fn record(fields: &[FieldDecl], problems: &mut Vec<Problem>) -> BTreeMap<String, FieldType> {
    let mut out = BTreeMap::new();
    let mut seen = HashMap::new();
    for f in fields {
        if let Some(first) = seen.insert(f.name.node.clone(), f.name.span) {
            problems.push(Problem::DuplicateName {
                span: f.name.span,
                name: f.name.node.clone(),
                kind: NameKind::Field,
                first,
                first_kind: NameKind::Field,
            });
            continue;
        }
        let ft = FieldType {
            ty: type_of(&f.ty, problems),
            optional: f.ty.optional,
            sources: f.sources.iter().map(|s| s.node.clone()).collect(),
            formats: formats(&f.ty, problems),
            zone: zone(&f.ty, problems),
        };
        out.insert(f.name.node.clone(), ft);
    }
    out
}

/// The formats of a `datetime("...")` field, or of the elements of a list
/// of them; each one that cannot read complete datetimes is a problem.
fn formats(t: &TypeExpr, problems: &mut Vec<Problem>) -> Vec<String> {
    let Some((formats, _)) = datetime_args(t) else {
        return Vec::new();
    };
    for f in formats {
        if let Err(fault) = pattern::inspect(&f.node) {
            problems.push(Problem::BadDatetimeFormat {
                span: fault_span(f, &fault),
                format: f.node.clone(),
                fault,
            });
        }
    }
    formats.iter().map(|f| f.node.clone()).collect()
}

/// Where a format's fault is: the directive, when the format is written
/// without escapes (so its text and the source line up), else the string.
fn fault_span(format: &Spanned<String>, fault: &Fault) -> Span {
    let at = match fault {
        Fault::UnknownDirective { at, .. } | Fault::ZoneName { at } => at,
        Fault::NoDirective { .. } | Fault::Missing(_) | Fault::NoRoundTrip => return format.span,
    };
    let plain = (format.span.end - format.span.start) as usize == format.node.len() + 2;
    match plain {
        true => {
            let start = format.span.start as usize + 1;
            Span::new(format.span.file, start + at.start, start + at.end)
        }
        false => format.span,
    }
}

/// The zone of a `datetime(..., zone: "...")` field (or list of them); an
/// unknown name is a problem.
fn zone(t: &TypeExpr, problems: &mut Vec<Problem>) -> Option<TimeZone> {
    let name = datetime_args(t)?.1?;
    match crate::datetime::zone::lookup(&name.node) {
        Ok(zone) => Some(zone),
        Err(suggestion) => {
            problems.push(Problem::UnknownZone {
                span: name.span,
                name: name.node.clone(),
                suggestion,
            });
            None
        }
    }
}

/// A `datetime(...)` type's formats and zone.
type DatetimeArgs<'a> = (&'a [Spanned<String>], Option<&'a Spanned<String>>);

/// The formats and zone of a `datetime(...)` type, or of a list's element type.
fn datetime_args(t: &TypeExpr) -> Option<DatetimeArgs<'_>> {
    match &t.kind {
        TypeExprKind::Datetime { formats, zone } => Some((formats, zone.as_ref())),
        TypeExprKind::List(inner) => datetime_args(inner),
        TypeExprKind::String
        | TypeExprKind::Int
        | TypeExprKind::Number
        | TypeExprKind::Bool
        | TypeExprKind::Record(_)
        | TypeExprKind::Unknown(_) => None,
    }
}

/// One type expression.
fn type_of(t: &TypeExpr, problems: &mut Vec<Problem>) -> Type {
    match &t.kind {
        TypeExprKind::String => Type::String,
        TypeExprKind::Int => Type::Int,
        TypeExprKind::Number => Type::Number,
        TypeExprKind::Bool => Type::Bool,
        TypeExprKind::Datetime { .. } => Type::Datetime,
        TypeExprKind::List(inner) => Type::List(Box::new(type_of(inner, problems))),
        TypeExprKind::Record(fields) => Type::Record(record(fields, problems)),
        TypeExprKind::Unknown(name) => {
            let suggestion = did_you_mean(name, TYPE_NAMES).map(String::from);
            let mut span = t.span;
            span.end = (span.start + name.len() as u32).min(span.end);
            problems.push(Problem::UnknownType {
                span,
                name: name.clone(),
                suggestion,
            });
            Type::Any
        }
    }
}

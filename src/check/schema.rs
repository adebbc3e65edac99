//! `schema { ... }` → the lead's record [`Type`].

use super::error::{NameKind, Problem};
use super::suggest::did_you_mean;
use crate::rules::{FieldType, Type};
use crate::syntax::ast::{FieldDecl, Schema, TypeExpr, TypeExprKind};
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
            formats: formats(&f.ty),
        };
        out.insert(f.name.node.clone(), ft);
    }
    out
}

/// The formats of a `datetime("...")` field, or of the elements of a list of them.
fn formats(t: &TypeExpr) -> Vec<String> {
    match &t.kind {
        TypeExprKind::Datetime(formats) => formats.iter().map(|f| f.node.clone()).collect(),
        TypeExprKind::List(inner) => formats(inner),
        TypeExprKind::String
        | TypeExprKind::Int
        | TypeExprKind::Number
        | TypeExprKind::Bool
        | TypeExprKind::Record(_)
        | TypeExprKind::Unknown(_) => Vec::new(),
    }
}

/// One type expression.
fn type_of(t: &TypeExpr, problems: &mut Vec<Problem>) -> Type {
    match &t.kind {
        TypeExprKind::String => Type::String,
        TypeExprKind::Int => Type::Int,
        TypeExprKind::Number => Type::Number,
        TypeExprKind::Bool => Type::Bool,
        TypeExprKind::Datetime(_) => Type::Datetime,
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

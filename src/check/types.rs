//! Operations on [`Type`]s: unification, field projection, list peeling.

use crate::rules::{FieldType, Type};
use std::collections::BTreeMap;

/// The most specific type compatible with both, or `None` when they clash.
///
/// `Any` fits everything; `int` and `number` unify to `number`; lists
/// unify element-wise; records merge their fields.
pub fn unify(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Any, x) | (x, Type::Any) => Some(x.clone()),
        (Type::Int, Type::Int) => Some(Type::Int),
        (x, y) if x.is_numeric() && y.is_numeric() => Some(Type::Number),
        (Type::List(x), Type::List(y)) => Some(Type::List(Box::new(unify(x, y)?))),
        (Type::Record(x), Type::Record(y)) => merge_records(x, y).map(Type::Record),
        (x, y) if x == y => Some(x.clone()),
        _ => None,
    }
}

/// Both records' fields; shared fields unify.
fn merge_records(
    x: &BTreeMap<String, FieldType>,
    y: &BTreeMap<String, FieldType>,
) -> Option<BTreeMap<String, FieldType>> {
    let mut out = x.clone();
    for (name, fy) in y {
        let merged = match out.get(name) {
            Some(fx) => FieldType {
                ty: unify(&fx.ty, &fy.ty)?,
                optional: fx.optional || fy.optional,
                sources: fx.sources.clone(),
                formats: fx.formats.clone(),
                zone: fx.zone.clone(),
            },
            None => fy.clone(),
        };
        out.insert(name.clone(), merged);
    }
    Some(out)
}

/// The result of projecting one field out of a value.
pub struct Projection {
    /// The field's type, wrapped in one `list` per list projected through.
    pub ty: Type,
    /// The field may be missing or null.
    pub optional: bool,
    /// How many list layers wrap the field's own type.
    pub depth: usize,
}

/// `ty.name`: a record's field, or the list of its elements' fields.
/// `Any` projects to `Any`. `None` when `ty` has no such field.
pub fn project(ty: &Type, name: &str) -> Option<Projection> {
    match ty {
        Type::Record(fields) => fields.get(name).map(|f| Projection {
            ty: f.ty.clone(),
            optional: f.optional,
            depth: 0,
        }),
        Type::List(inner) => project(inner, name).map(|p| Projection {
            ty: flat(p.ty, 1),
            optional: p.optional,
            depth: p.depth + 1,
        }),
        Type::Any => Some(Projection {
            ty: Type::Any,
            optional: true,
            depth: 0,
        }),
        _ => None,
    }
}

/// Follows `names` from `start` by reference, the way repeated [`project`]
/// calls would, without copying the types passed through. Returns the
/// field's own type, how many lists wrap it and whether it is optional; or
/// the index of the first name that is not a field.
pub fn follow<'t>(start: &'t Type, names: &[&str]) -> Result<(&'t Type, usize, bool), usize> {
    static ANY: Type = Type::Any;
    let (mut ty, mut depth, mut optional) = (start, 0, false);
    for (i, name) in names.iter().enumerate() {
        while let Type::List(inner) = ty {
            ty = inner;
            depth += 1;
        }
        match ty {
            Type::Record(fields) => {
                let f = fields.get(*name).ok_or(i)?;
                ty = &f.ty;
                optional |= f.optional;
            }
            Type::Any => return Ok((&ANY, depth, true)),
            _ => return Err(i),
        }
    }
    Ok((ty, depth, optional))
}

/// The value of a field reached through `crossed` lists: the field's own
/// type when no list was crossed; else one flat list of all the values,
/// in order (`orders.items.sku` of `orders: list<{ items: list<{ sku:
/// string }> }>` is a `list<string>`, and `orders.items` a list of items).
pub fn flat(ty: Type, crossed: usize) -> Type {
    match (crossed, ty) {
        (0, ty) => ty,
        (_, Type::List(inner)) => Type::List(inner),
        (_, ty) => Type::List(Box::new(ty)),
    }
}

/// `ty` inside `depth` lists.
pub fn wrap(ty: Type, depth: usize) -> Type {
    (0..depth).fold(ty, |t, _| Type::List(Box::new(t)))
}

/// Removes `depth` list layers; `Any` stays `Any`.
pub fn peel(ty: &Type, depth: usize) -> Type {
    match (ty, depth) {
        (t, 0) => t.clone(),
        (Type::List(inner), d) => peel(inner, d - 1),
        _ => Type::Any,
    }
}

/// The element type of a list (`Any` for anything else).
pub fn element(ty: &Type) -> Type {
    match ty {
        Type::List(inner) => (**inner).clone(),
        _ => Type::Any,
    }
}

/// A list of records with no known fields: what `where` needs.
pub fn list_of_records() -> Type {
    Type::List(Box::new(Type::Record(BTreeMap::new())))
}

/// The field names of a record (or of a list's record elements).
pub fn field_names(ty: &Type) -> Vec<String> {
    match ty {
        Type::Record(fields) => fields.keys().cloned().collect(),
        Type::List(inner) => field_names(inner),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unify_numbers_and_any() {
        assert_eq!(unify(&Type::Int, &Type::Number), Some(Type::Number));
        assert_eq!(unify(&Type::Any, &Type::String), Some(Type::String));
        assert_eq!(unify(&Type::String, &Type::Number), None);
        let l = list_of_records();
        assert_eq!(unify(&Type::Any, &l), Some(l.clone()));
        assert_eq!(unify(&Type::String, &l), None);
    }

    #[test]
    fn project_through_lists() {
        let mut rec = BTreeMap::new();
        let ft = FieldType::new(Type::String, false);
        rec.insert("type".to_string(), ft);
        let events = Type::List(Box::new(Type::Record(rec)));
        let p = project(&events, "type").unwrap();
        assert_eq!(p.ty, Type::List(Box::new(Type::String)));
        assert_eq!(p.depth, 1);
        assert!(project(&events, "nope").is_none());
        assert_eq!(peel(&p.ty, 1), Type::String);
        let (ty, depth, optional) = follow(&events, &["type"]).unwrap();
        assert_eq!((wrap(ty.clone(), depth), optional), (p.ty, false));
        assert_eq!(follow(&events, &["nope"]), Err(0));
    }
}

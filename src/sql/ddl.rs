//! The table a query expects: `CREATE TABLE` with one column per field of
//! the schema, in each dialect's types (see docs/sql.md for loading JSON
//! Lines into it).

use super::{Refusal, RefusalKind, Target};
use crate::rules::{Ruleset, Type};

/// `CREATE TABLE name (...)` for the lead type of `rules`. A required field
/// is `NOT NULL`; an `id` column is added (as text) when the schema has none.
pub(super) fn create_table(
    rules: &Ruleset,
    target: Target,
    name: &str,
) -> Result<String, Vec<Refusal>> {
    let d = target.dialect();
    let Type::Record(fields) = &rules.lead_type else {
        return Ok(String::new());
    };
    let mut cols = Vec::new();
    let mut refusals = Vec::new();
    if !fields.contains_key("id") {
        let text = d.column_type(&Type::String).unwrap_or_default();
        cols.push(format!("{} {text}", d.ident("id")));
    }
    for (field, ft) in fields {
        match d.column_type(&ft.ty) {
            Some(ty) => {
                let null = if ft.optional { "" } else { " NOT NULL" };
                cols.push(format!("{} {ty}{null}", d.ident(field)));
            }
            None => refusals.push(Refusal {
                kind: RefusalKind::UntypedField(field.clone()),
                // A schema-less ruleset has no schema to point at: the file's start.
                span: crate::syntax::ast::Span::default(),
                target,
            }),
        }
    }
    if !refusals.is_empty() {
        return Err(refusals);
    }
    Ok(format!(
        "CREATE TABLE {} (\n  {}\n);\n",
        d.table_name(name),
        cols.join(",\n  ")
    ))
}

//! DuckDB: records are `STRUCT`s and lists are arrays, as `read_json`
//! creates them; list comprehensions with `list_filter` and the `lambda x:`
//! syntax (DuckDB 1.3+; the `->` arrow is deprecated); regexes are RE2.

use super::dialect::{Dialect, Fold, Raw, ReAssert};
use crate::rules::Type;

/// The DuckDB dialect.
pub struct DuckDb;

impl Dialect for DuckDb {
    fn ident(&self, name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    fn text(&self) -> &'static str {
        "VARCHAR"
    }

    fn json(&self, text: &str) -> String {
        // The JSON type keeps the text as written (it only checks it).
        format!("CAST({text} AS JSON)")
    }

    fn double(&self) -> &'static str {
        "DOUBLE"
    }

    fn field(&self, base: &Raw, name: &str, _ty: &Type) -> Raw {
        Raw {
            sql: format!("struct_extract({}, {})", base.sql, self.string(name)),
            json: false,
        }
    }

    fn leaf(&self, raw: &Raw, ty: &Type) -> String {
        let x = &raw.sql;
        match ty {
            Type::Int | Type::Number => format!("CAST({x} AS DOUBLE)"),
            Type::Datetime => format!("epoch_us({x})"),
            Type::String => format!("CAST({x} AS VARCHAR)"),
            Type::Bool
            | Type::Any
            | Type::Duration
            | Type::Regex
            | Type::List(_)
            | Type::Record(_) => x.clone(),
        }
    }

    fn count(&self, list: &Raw, var: &str, _ty: &Type, cond: Option<&str>) -> String {
        match cond {
            None => format!("COALESCE(len({}), 0)", list.sql),
            Some(c) => format!(
                "COALESCE(len(list_filter({}, lambda {var}: {c})), 0)",
                list.sql
            ),
        }
    }

    fn sum(&self, list: &Raw, var: &str, _ty: &Type, cond: Option<&str>, value: &str) -> String {
        let kept = match cond {
            None => list.sql.clone(),
            Some(c) => format!("list_filter({}, lambda {var}: {c})", list.sql),
        };
        format!(
            "COALESCE(list_reduce(list_transform({kept}, lambda {var}: {value}), lambda __a, __b: __a + __b, CAST(0 AS DOUBLE)), CAST(0 AS DOUBLE))"
        )
    }

    fn fold(&self, list: &Raw, var: &str, cond: Option<&str>, value: &str, fold: Fold) -> String {
        let kept = match cond {
            None => list.sql.clone(),
            Some(c) => format!("list_filter({}, lambda {var}: {c})", list.sql),
        };
        let values = format!("list_transform({kept}, lambda {var}: {value})");
        match fold {
            Fold::Max => format!("list_max({values})"),
            Fold::Min => format!("list_min({values})"),
            Fold::Distinct => format!("COALESCE(list_unique({values}), 0)"),
        }
    }

    fn pick(&self, list: &Raw, var: &str, cond: Option<&str>, last: bool) -> Raw {
        let kept = match cond {
            None => list.sql.clone(),
            Some(c) => format!("list_filter({}, lambda {var}: {c})", list.sql),
        };
        let at = if last { -1 } else { 1 };
        Raw {
            sql: format!("list_extract({kept}, {at})"),
            json: false,
        }
    }

    fn count_indexed(&self, list: &Raw, var: &str, cond: &str) -> String {
        format!(
            "COALESCE(len(list_filter({}, lambda {var}, {var}_i: {cond})), 0)",
            list.sql
        )
    }

    fn sum_indexed(&self, list: &Raw, var: &str, cond: &str, value: &str) -> String {
        let kept = format!("list_filter({}, lambda {var}, {var}_i: {cond})", list.sql);
        format!(
            "COALESCE(list_reduce(list_transform({kept}, lambda {var}: {value}), lambda __a, __b: __a + __b, CAST(0 AS DOUBLE)), CAST(0 AS DOUBLE))"
        )
    }

    fn now_micros(&self) -> String {
        "epoch_us(get_current_timestamp())".into()
    }

    fn ends_with(&self, hay: &str, needle: &str) -> String {
        format!("ends_with({hay}, {needle})")
    }

    fn assertion(&self, a: ReAssert) -> &'static str {
        match a {
            ReAssert::Start => "^",
            ReAssert::End => "$",
            ReAssert::WordBoundary => "\\b",
            ReAssert::NotWordBoundary => "\\B",
        }
    }

    fn matches(&self, subject: &str, pattern: &str, case_insensitive: bool) -> String {
        let flags = if case_insensitive { "'i'" } else { "''" };
        format!("regexp_matches({subject}, {pattern}, {flags})")
    }

    fn add_months(&self, us: &str, k: &str) -> String {
        format!("epoch_us(make_timestamp({us}) + to_months(CAST({k} AS INTEGER)))")
    }

    fn month_index(&self, us: &str) -> String {
        format!("(year(make_timestamp({us})) * 12 + month(make_timestamp({us})) - 1)")
    }

    fn fail(&self, message: &str) -> String {
        format!("CAST(error({message}) AS DOUBLE)")
    }

    fn column_type(&self, ty: &Type) -> Option<String> {
        Some(match ty {
            Type::String => "VARCHAR".into(),
            Type::Int => "BIGINT".into(),
            Type::Number => "DOUBLE".into(),
            Type::Bool => "BOOLEAN".into(),
            Type::Datetime => "TIMESTAMPTZ".into(),
            Type::List(t) => format!("{}[]", self.column_type(t)?),
            Type::Record(fields) => {
                let mut parts = Vec::new();
                for (name, ft) in fields {
                    parts.push(format!(
                        "{} {}",
                        self.ident(name),
                        self.column_type(&ft.ty)?
                    ));
                }
                format!("STRUCT({})", parts.join(", "))
            }
            Type::Any | Type::Duration | Type::Regex => return None,
        })
    }
}

//! Spark SQL: records are `STRUCT`s and lists `ARRAY`s, as `spark.read.json`
//! infers them (datetimes stay strings there: they are cast here, and a
//! `TIMESTAMP` column works as well); higher-order functions `filter` and
//! `aggregate`; regexes are Java's, so the pattern gets the flags that make
//! `\b` Unicode-aware (`U`) and `.` stop only at `\n` (`d`), and `$` is `\z`.

use super::dialect::{Dialect, Fold, Raw, ReAssert};
use crate::rules::Type;

/// The Spark SQL dialect.
pub struct Spark;

impl Dialect for Spark {
    fn ident(&self, name: &str) -> String {
        format!("`{}`", name.replace('`', "``"))
    }

    fn string(&self, s: &str) -> String {
        // Spark reads backslash escapes in string literals.
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }

    fn text(&self) -> &'static str {
        "STRING"
    }

    fn json(&self, text: &str) -> String {
        // Spark SQL has no JSON type that keeps number text: a JSON string.
        text.to_string()
    }

    fn double(&self) -> &'static str {
        "DOUBLE"
    }

    fn field(&self, base: &Raw, name: &str, _ty: &Type) -> Raw {
        Raw {
            sql: format!("{}.{}", base.sql, self.ident(name)),
            json: false,
        }
    }

    fn leaf(&self, raw: &Raw, ty: &Type) -> String {
        let x = &raw.sql;
        match ty {
            Type::Int | Type::Number => format!("CAST({x} AS DOUBLE)"),
            Type::Datetime => format!("unix_micros(CAST({x} AS TIMESTAMP))"),
            Type::String => format!("CAST({x} AS STRING)"),
            Type::Bool
            | Type::Any
            | Type::Duration
            | Type::Regex
            | Type::List(_)
            | Type::Record(_) => x.clone(),
        }
    }

    fn count(&self, list: &Raw, var: &str, _ty: &Type, cond: Option<&str>) -> String {
        let l = &list.sql;
        match cond {
            None => format!("(CASE WHEN {l} IS NULL THEN 0 ELSE size({l}) END)"),
            Some(c) => {
                format!("(CASE WHEN {l} IS NULL THEN 0 ELSE size(filter({l}, {var} -> {c})) END)")
            }
        }
    }

    fn sum(&self, list: &Raw, var: &str, _ty: &Type, cond: Option<&str>, value: &str) -> String {
        let l = &list.sql;
        let kept = match cond {
            None => l.clone(),
            Some(c) => format!("filter({l}, {var} -> {c})"),
        };
        format!(
            "(CASE WHEN {l} IS NULL THEN CAST(0 AS DOUBLE) ELSE aggregate({kept}, CAST(0 AS DOUBLE), (__acc, {var}) -> __acc + {value}) END)"
        )
    }

    fn fold(&self, list: &Raw, var: &str, cond: Option<&str>, value: &str, fold: Fold) -> String {
        let l = &list.sql;
        let kept = match cond {
            None => l.clone(),
            Some(c) => format!("filter({l}, {var} -> {c})"),
        };
        let values = format!("transform({kept}, {var} -> {value})");
        match fold {
            // Both skip NULL elements; an empty array gives NULL.
            Fold::Max => format!("array_max({values})"),
            Fold::Min => format!("array_min({values})"),
            Fold::Distinct => format!(
                "(CASE WHEN {l} IS NULL THEN 0 ELSE size(array_distinct(filter({values}, __v -> __v IS NOT NULL))) END)"
            ),
        }
    }

    fn pick(&self, list: &Raw, var: &str, cond: Option<&str>, last: bool) -> Raw {
        let kept = match cond {
            None => list.sql.clone(),
            Some(c) => format!("filter({}, {var} -> {c})", list.sql),
        };
        // `element_at` fails past the end under ANSI mode; `try_` gives NULL.
        let at = if last { -1 } else { 1 };
        Raw {
            sql: format!("try_element_at({kept}, {at})"),
            json: false,
        }
    }

    fn count_indexed(&self, list: &Raw, var: &str, cond: &str) -> String {
        let l = &list.sql;
        format!(
            "(CASE WHEN {l} IS NULL THEN 0 ELSE size(filter({l}, ({var}, {var}_i) -> {cond})) END)"
        )
    }

    fn sum_indexed(&self, list: &Raw, var: &str, cond: &str, value: &str) -> String {
        let l = &list.sql;
        format!(
            "(CASE WHEN {l} IS NULL THEN CAST(0 AS DOUBLE) ELSE aggregate(filter({l}, ({var}, {var}_i) -> {cond}), CAST(0 AS DOUBLE), (__acc, {var}) -> __acc + {value}) END)"
        )
    }

    fn now_micros(&self) -> String {
        "unix_micros(current_timestamp())".into()
    }

    fn contains(&self, hay: &str, needle: &str) -> String {
        format!("(instr({hay}, {needle}) > 0)")
    }

    fn starts_with(&self, hay: &str, needle: &str) -> String {
        format!("startswith({hay}, {needle})")
    }

    fn ends_with(&self, hay: &str, needle: &str) -> String {
        format!("endswith({hay}, {needle})")
    }

    fn assertion(&self, a: ReAssert) -> &'static str {
        match a {
            ReAssert::Start => "^",
            ReAssert::End => "\\z",
            ReAssert::WordBoundary => "\\b",
            ReAssert::NotWordBoundary => "\\B",
        }
    }

    fn matches(&self, subject: &str, pattern: &str, case_insensitive: bool) -> String {
        let flags = if case_insensitive { "(?idU)" } else { "(?dU)" };
        format!("({subject} RLIKE concat('{flags}', {pattern}))")
    }

    fn add_months(&self, us: &str, k: &str) -> String {
        let day = 86_400_000_000i64;
        format!(
            "(CAST(unix_date(add_months(date_from_unix_date(CAST(floor({us} / {day}) AS INT)), CAST({k} AS INT))) AS BIGINT) * {day} + pmod({us}, {day}))"
        )
    }

    fn month_index(&self, us: &str) -> String {
        let date = format!("date_from_unix_date(CAST(floor({us} / 86400000000) AS INT))");
        format!("(year({date}) * 12 + month({date}) - 1)")
    }

    fn libm_power(&self, _a: &str, _b: &str) -> Option<String> {
        // Java's Math.pow may differ from the C library's in the last bit.
        None
    }

    fn materialized(&self) -> &'static str {
        // No such keyword; Spark does not collapse a projection into the
        // next when that would repeat an expensive expression.
        ""
    }

    fn fail(&self, message: &str) -> String {
        format!("CAST(raise_error({message}) AS DOUBLE)")
    }

    fn column_type(&self, ty: &Type) -> Option<String> {
        Some(match ty {
            Type::String => "STRING".into(),
            Type::Int => "BIGINT".into(),
            Type::Number => "DOUBLE".into(),
            Type::Bool => "BOOLEAN".into(),
            Type::Datetime => "TIMESTAMP".into(),
            Type::List(t) => format!("ARRAY<{}>", self.column_type(t)?),
            Type::Record(fields) => {
                let mut parts = Vec::new();
                for (name, ft) in fields {
                    parts.push(format!(
                        "{}: {}",
                        self.ident(name),
                        self.column_type(&ft.ty)?
                    ));
                }
                format!("STRUCT<{}>", parts.join(", "))
            }
            Type::Any | Type::Duration | Type::Regex => return None,
        })
    }
}

//! PostgreSQL: the schema's scalars are columns, records and lists are
//! `JSONB` (a field's value read as text with `->>` and cast to its type;
//! JSON `null` is missing); lists are walked with
//! `jsonb_array_elements` in scalar subqueries; text is ordered with
//! `COLLATE "C"` (code points, as the interpreter); regexes are POSIX AREs,
//! where a word boundary is `\y` (`\b` is a backspace there) and `.` also
//! matches a newline, so it becomes `[^\n]`.

use super::dialect::{Agg, Dialect, Fold, OnePass, Raw, ReAssert};
use crate::rules::Type;

/// The PostgreSQL dialect.
pub struct Postgres;

/// Whether values of this type are stored as `JSONB`.
fn is_json(ty: &Type) -> bool {
    matches!(ty, Type::List(_) | Type::Record(_) | Type::Any)
}

/// `key` is one string literal (so `(base -> key)` is a field access that
/// `field` wrote, not a subquery that ends in one).
fn is_literal(key: &str) -> bool {
    let inner = key.strip_prefix('\'').and_then(|k| k.strip_suffix('\''));
    inner.is_some_and(|k| !k.replace("''", "").contains('\''))
}

impl Dialect for Postgres {
    fn ident(&self, name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    fn text(&self) -> &'static str {
        "TEXT"
    }

    fn json(&self, text: &str) -> String {
        // JSONB keeps a number's digits and, for the keys `rule`, `group`,
        // `points`, their order (it orders keys by length first).
        format!("CAST({text} AS JSONB)")
    }

    fn regex_escape(&self, c: char) -> Option<String> {
        // PostgreSQL text holds no NUL (a query with one is refused before
        // it runs), so the regex escapes it; `\x` would take every hex digit
        // after it, `\u` takes exactly four.
        (c == '\0').then(|| "\\u0000".to_string())
    }

    fn double(&self) -> &'static str {
        "DOUBLE PRECISION"
    }

    fn column(&self, name: &str, ty: &Type) -> Raw {
        Raw {
            sql: self.ident(name),
            json: is_json(ty),
        }
    }

    fn field(&self, base: &Raw, name: &str, _ty: &Type) -> Raw {
        Raw {
            sql: format!("({} -> {})", base.sql, self.string(name)),
            json: true,
        }
    }

    fn elem(&self, var: &str, _ty: &Type) -> Raw {
        Raw {
            sql: var.to_string(),
            json: true,
        }
    }

    fn leaf(&self, raw: &Raw, ty: &Type) -> String {
        let x = &raw.sql;
        if !raw.json {
            return match ty {
                Type::Int | Type::Number => format!("CAST({x} AS DOUBLE PRECISION)"),
                Type::Datetime => {
                    format!("CAST(EXTRACT(EPOCH FROM {x}) * 1000000 AS BIGINT)")
                }
                Type::String
                | Type::Bool
                | Type::Any
                | Type::Duration
                | Type::Regex
                | Type::List(_)
                | Type::Record(_) => x.clone(),
            };
        }
        // The value's text: `->>` for a field (one step, no second lookup).
        let text = match x.strip_suffix(')').and_then(|b| b.rsplit_once(" -> ")) {
            Some((base, key)) if x.starts_with('(') && is_literal(key) => {
                format!("({} ->> {key})", &base[1..])
            }
            Some(_) | None => format!("({x} #>> '{{}}')"),
        };
        match ty {
            Type::Int | Type::Number => format!("CAST({text} AS DOUBLE PRECISION)"),
            Type::Bool => format!("CAST({text} AS BOOLEAN)"),
            Type::Datetime => {
                format!("CAST(EXTRACT(EPOCH FROM CAST({text} AS TIMESTAMPTZ)) * 1000000 AS BIGINT)")
            }
            Type::String
            | Type::Any
            | Type::Duration
            | Type::Regex
            | Type::List(_)
            | Type::Record(_) => text,
        }
    }

    fn present(&self, raw: &Raw) -> String {
        match raw.json {
            true => format!("COALESCE(jsonb_typeof({}) <> 'null', FALSE)", raw.sql),
            false => format!("({} IS NOT NULL)", raw.sql),
        }
    }

    fn is_list(&self, raw: &Raw) -> String {
        format!("COALESCE(jsonb_typeof({}) = 'array', FALSE)", raw.sql)
    }

    fn count(&self, list: &Raw, var: &str, _ty: &Type, cond: Option<&str>) -> String {
        let l = &list.sql;
        let filter = cond.map(|c| format!(" WHERE {c}")).unwrap_or_default();
        format!(
            "(SELECT count(*) FROM jsonb_array_elements(CASE WHEN jsonb_typeof({l}) = 'array' THEN {l} END) AS {var}_t({var}){filter})"
        )
    }

    fn sum(&self, list: &Raw, var: &str, _ty: &Type, cond: Option<&str>, value: &str) -> String {
        let l = &list.sql;
        let filter = cond.map(|c| format!(" WHERE {c}")).unwrap_or_default();
        format!(
            "(SELECT COALESCE(sum({value} ORDER BY {var}_t.n), CAST(0 AS DOUBLE PRECISION)) FROM jsonb_array_elements(CASE WHEN jsonb_typeof({l}) = 'array' THEN {l} END) WITH ORDINALITY AS {var}_t({var}, n){filter})"
        )
    }

    fn fold(&self, list: &Raw, var: &str, cond: Option<&str>, value: &str, fold: Fold) -> String {
        let l = &list.sql;
        let filter = cond.map(|c| format!(" WHERE {c}")).unwrap_or_default();
        let agg = match fold {
            Fold::Max => format!("max({value})"),
            Fold::Min => format!("min({value})"),
            Fold::Distinct => format!("count(DISTINCT {value})"),
        };
        format!(
            "(SELECT {agg} FROM jsonb_array_elements(CASE WHEN jsonb_typeof({l}) = 'array' THEN {l} END) AS {var}_t({var}){filter})"
        )
    }

    fn pick(&self, list: &Raw, var: &str, cond: Option<&str>, last: bool) -> Raw {
        let l = &list.sql;
        let filter = cond.map(|c| format!(" WHERE {c}")).unwrap_or_default();
        let order = if last { " DESC" } else { "" };
        Raw {
            sql: format!(
                "(SELECT {var} FROM jsonb_array_elements(CASE WHEN jsonb_typeof({l}) = 'array' THEN {l} END) WITH ORDINALITY AS {var}_t({var}, n){filter} ORDER BY {var}_t.n{order} LIMIT 1)"
            ),
            json: true,
        }
    }

    fn count_indexed(&self, list: &Raw, var: &str, cond: &str) -> String {
        let l = &list.sql;
        format!(
            "(SELECT count(*) FROM jsonb_array_elements(CASE WHEN jsonb_typeof({l}) = 'array' THEN {l} END) WITH ORDINALITY AS {var}_t({var}, {var}_i) WHERE {cond})"
        )
    }

    fn sum_indexed(&self, list: &Raw, var: &str, cond: &str, value: &str) -> String {
        let l = &list.sql;
        format!(
            "(SELECT COALESCE(sum({value} ORDER BY {var}_i), CAST(0 AS DOUBLE PRECISION)) FROM jsonb_array_elements(CASE WHEN jsonb_typeof({l}) = 'array' THEN {l} END) WITH ORDINALITY AS {var}_t({var}, {var}_i) WHERE {cond})"
        )
    }

    fn one_pass(&self) -> Option<&dyn OnePass> {
        Some(self)
    }

    fn now_micros(&self) -> String {
        "CAST(EXTRACT(EPOCH FROM now()) * 1000000 AS BIGINT)".into()
    }

    fn ends_with(&self, hay: &str, needle: &str) -> String {
        format!("(right({hay}, length({needle})) = {needle})")
    }

    fn ordered(&self, text: &str) -> String {
        format!("({text} COLLATE \"C\")")
    }

    fn assertion(&self, a: ReAssert) -> &'static str {
        match a {
            ReAssert::Start => "^",
            ReAssert::End => "$",
            ReAssert::WordBoundary => "\\y",
            ReAssert::NotWordBoundary => "\\Y",
        }
    }

    fn any_char(&self) -> &'static str {
        "[^\\n]"
    }

    fn matches(&self, subject: &str, pattern: &str, case_insensitive: bool) -> String {
        let op = if case_insensitive { "~*" } else { "~" };
        format!("({subject} {op} {pattern})")
    }

    fn add_months(&self, us: &str, k: &str) -> String {
        format!(
            "CAST(EXTRACT(EPOCH FROM (TIMESTAMP '1970-01-01' + {us} * INTERVAL '1 microsecond' + {k} * INTERVAL '1 month')) * 1000000 AS BIGINT)"
        )
    }

    fn month_index(&self, us: &str) -> String {
        let ts = format!("(TIMESTAMP '1970-01-01' + {us} * INTERVAL '1 microsecond')");
        format!("CAST(EXTRACT(YEAR FROM {ts}) * 12 + EXTRACT(MONTH FROM {ts}) - 1 AS BIGINT)")
    }

    fn fail(&self, message: &str) -> String {
        // PostgreSQL has no error function in plain SQL: a cast that fails
        // with the message as its input.
        format!("CAST(CAST({message} AS TEXT) AS INTEGER)")
    }

    fn column_type(&self, ty: &Type) -> Option<String> {
        Some(match ty {
            Type::String => "TEXT".into(),
            Type::Int => "BIGINT".into(),
            Type::Number => "DOUBLE PRECISION".into(),
            Type::Bool => "BOOLEAN".into(),
            Type::Datetime => "TIMESTAMPTZ".into(),
            Type::List(_) | Type::Record(_) => "JSONB".into(),
            Type::Any | Type::Duration | Type::Regex => return None,
        })
    }
}

impl OnePass for Postgres {
    fn aggregate(&self, agg: Agg, cond: Option<&str>) -> String {
        let filter = cond
            .map(|c| format!(" FILTER (WHERE {c})"))
            .unwrap_or_default();
        match agg {
            Agg::Count => format!("count(*){filter}"),
            Agg::Sum(v) => {
                format!("COALESCE(sum({v} ORDER BY __n){filter}, CAST(0 AS DOUBLE PRECISION))")
            }
            Agg::Fold(v, Fold::Max) => format!("max({v}){filter}"),
            Agg::Fold(v, Fold::Min) => format!("min({v}){filter}"),
            Agg::Fold(v, Fold::Distinct) => format!("count(DISTINCT {v}){filter}"),
        }
    }

    fn lateral(&self, list: &Raw, vars: &[String], cols: &[String], alias: &str) -> String {
        let l = &list.sql;
        let bound: String = vars.iter().map(|v| format!("__e AS {v}, ")).collect();
        format!(
            "LEFT JOIN LATERAL (\n    SELECT {}\n    FROM (SELECT {bound}__n FROM jsonb_array_elements(CASE WHEN jsonb_typeof({l}) = 'array' THEN {l} END) WITH ORDINALITY AS __t(__e, __n)) AS __v\n  ) AS {alias} ON TRUE",
            cols.join(", ")
        )
    }
}

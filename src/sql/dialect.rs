//! What differs between SQL engines, as one trait; `duckdb.rs`,
//! `postgres.rs` and `spark.rs` implement it.
//!
//! Values have one representation in every dialect, so the shared emitter
//! can combine them freely: numbers are `DOUBLE`, datetimes are `BIGINT`
//! microseconds since the epoch, text is text, bools are `BOOLEAN`, and SQL
//! `NULL` is a missing value. A condition is a `BOOLEAN` that is never `NULL`.

use crate::rules::Type;

/// A field access before it is turned into a value: a column, a record
/// field or a list element, as the engine stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raw {
    /// The SQL expression.
    pub sql: String,
    /// It is a `JSONB` value (PostgreSQL records and lists).
    pub json: bool,
}

/// The regex parts whose spelling differs between engines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReAssert {
    /// `^` without the multi-line flag: start of the text.
    Start,
    /// `$` without the multi-line flag: end of the text.
    End,
    /// `\b`.
    WordBoundary,
    /// `\B`.
    NotWordBoundary,
}

/// What [`Dialect::fold`] works out over the values of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    /// The largest present value (`NULL` when there is none).
    Max,
    /// The smallest present value (`NULL` when there is none).
    Min,
    /// How many different present values (0 for a missing list).
    Distinct,
}

/// An aggregate over the elements of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agg<'s> {
    /// How many elements.
    Count,
    /// The sum of this value (never `NULL`), left to right.
    Sum(&'s str),
    /// A [`Fold`] of this value.
    Fold(&'s str, Fold),
}

/// A dialect that can walk each list of a lead once, working out all the
/// aggregates over it in that one pass (a `LATERAL` join).
pub trait OnePass {
    /// `agg` over the elements `var` for which `cond` holds, as one
    /// aggregate of the pass (`__n` is the element's position).
    fn aggregate(&self, agg: Agg, cond: Option<&str>) -> String;
    /// The join that walks `list` once per lead, binding each of `vars` to
    /// the element, with the aggregate columns `cols`, named `alias`.
    fn lateral(&self, list: &Raw, vars: &[String], cols: &[String], alias: &str) -> String;
}

/// One SQL dialect.
pub trait Dialect: Sync {
    /// A quoted identifier (a column or field name).
    fn ident(&self, name: &str) -> String;
    /// A table or view name as given (dots separate schema and table).
    fn table_name(&self, name: &str) -> String {
        name.split('.')
            .map(|p| self.ident(p))
            .collect::<Vec<_>>()
            .join(".")
    }
    /// A string literal.
    fn string(&self, s: &str) -> String {
        format!("'{}'", s.replace('\'', "''"))
    }
    /// The `DOUBLE` type's name.
    fn double(&self) -> &'static str;
    /// The text type's name.
    fn text(&self) -> &'static str;
    /// JSON `text` (a text expression) as the engine's JSON value: the
    /// reasons column of `--explain`.
    fn json(&self, text: &str) -> String;
    /// How a regex in the query writes `c` when the query's text cannot
    /// hold it (U+0000 in PostgreSQL); `None`: `c` is written as is.
    fn regex_escape(&self, _c: char) -> Option<String> {
        None
    }
    /// A number literal of type `DOUBLE`, exactly `x`.
    fn number(&self, x: f64) -> String {
        format!("CAST('{x:?}' AS {})", self.double())
    }
    /// A top-level column of the lead table holding a value of type `ty`.
    fn column(&self, name: &str, _ty: &Type) -> Raw {
        Raw {
            sql: self.ident(name),
            json: false,
        }
    }
    /// Field `name` (of type `ty`) of the record `base`.
    fn field(&self, base: &Raw, name: &str, ty: &Type) -> Raw;
    /// The element variable of a list comprehension.
    fn elem(&self, var: &str, _ty: &Type) -> Raw {
        Raw {
            sql: var.to_string(),
            json: false,
        }
    }
    /// A scalar of type `ty` in the shared representation (`NULL` when missing).
    fn leaf(&self, raw: &Raw, ty: &Type) -> String;
    /// The value is present (not missing, not null): never `NULL`.
    fn present(&self, raw: &Raw) -> String {
        format!("({} IS NOT NULL)", raw.sql)
    }
    /// The value is a list (present): never `NULL`.
    fn is_list(&self, raw: &Raw) -> String {
        self.present(raw)
    }
    /// The number of elements `var` of `list` for which `cond` holds (all
    /// when `None`), as an integer; 0 for a missing list.
    fn count(&self, list: &Raw, var: &str, elem_ty: &Type, cond: Option<&str>) -> String;
    /// The sum, left to right, of `value` over the elements `var` of `list`
    /// for which `cond` holds, as a `DOUBLE`; 0 for a missing list. `value`
    /// is never `NULL`.
    fn sum(&self, list: &Raw, var: &str, elem_ty: &Type, cond: Option<&str>, value: &str)
        -> String;
    /// `fold` of `value` (a scalar, `NULL` when missing) over the elements
    /// `var` of `list` for which `cond` holds; missing values are skipped.
    fn fold(&self, list: &Raw, var: &str, cond: Option<&str>, value: &str, fold: Fold) -> String;
    /// The first (or, when `last`, the last) element `var` of `list` for
    /// which `cond` holds, as stored; `NULL` for an empty or missing list.
    fn pick(&self, list: &Raw, var: &str, cond: Option<&str>, last: bool) -> Raw;
    /// The one-pass form of list aggregates, when the dialect has one
    /// (then lists of the lead are walked once, not once per aggregate).
    fn one_pass(&self) -> Option<&dyn OnePass> {
        None
    }
    /// The position in its list of the element `var` of
    /// [`Dialect::count_indexed`] or [`Dialect::sum_indexed`] (an integer
    /// that grows along the list).
    fn position(&self, var: &str) -> String {
        format!("{var}_i")
    }
    /// The number of elements `var` of `list` for which `cond` holds, where
    /// `cond` may read [`Dialect::position`]; 0 for a missing list.
    fn count_indexed(&self, list: &Raw, var: &str, cond: &str) -> String;
    /// The sum, in list order, of `value` over the elements `var` of `list`
    /// for which `cond` (which may read the position) holds; 0 for a missing list.
    fn sum_indexed(&self, list: &Raw, var: &str, cond: &str, value: &str) -> String;
    /// Microseconds since the epoch of the engine's clock.
    fn now_micros(&self) -> String;
    /// `hay` contains `needle` (both already lowered).
    fn contains(&self, hay: &str, needle: &str) -> String {
        format!("(strpos({hay}, {needle}) > 0)")
    }
    /// `hay` starts with `needle`.
    fn starts_with(&self, hay: &str, needle: &str) -> String {
        format!("starts_with({hay}, {needle})")
    }
    /// `hay` ends with `needle`.
    fn ends_with(&self, hay: &str, needle: &str) -> String;
    /// Text ordered by code point (as the interpreter orders folded text).
    fn ordered(&self, text: &str) -> String {
        text.to_string()
    }
    /// Characters (code points) in a text.
    fn length(&self, text: &str) -> String {
        format!("length({text})")
    }
    /// A regex assertion in the engine's syntax.
    fn assertion(&self, a: ReAssert) -> &'static str;
    /// `.` (any character but a newline).
    fn any_char(&self) -> &'static str {
        "."
    }
    /// `subject` matches the translated `pattern` anywhere (never `NULL`
    /// when `subject` is not).
    fn matches(&self, subject: &str, pattern: &str, case_insensitive: bool) -> String;
    /// Microseconds `us` moved `k` calendar months on (clamped to the
    /// month's last day), in UTC.
    fn add_months(&self, us: &str, k: &str) -> String;
    /// `year * 12 + month - 1` of the UTC date of microseconds `us`.
    fn month_index(&self, us: &str) -> String;
    /// `a ^ b` with the C library's `pow` (the one `leadscore` calls), when
    /// the engine uses it; `None` when its power function may round differently.
    fn libm_power(&self, a: &str, b: &str) -> Option<String> {
        Some(format!("power({a}, {b})"))
    }
    /// A `DOUBLE` expression that stops the query with `message` (a text
    /// expression that reads a column, so that no planner folds it early).
    fn fail(&self, message: &str) -> String;
    /// The keyword that keeps a step of the query from being inlined into
    /// the next (whose clamps and roundings read a column several times).
    fn materialized(&self) -> &'static str {
        " MATERIALIZED"
    }
    /// The column type of a value of type `ty` in the lead table.
    fn column_type(&self, ty: &Type) -> Option<String>;
}

//! Rules IR → one SQL query that scores every lead of a table, for DuckDB,
//! PostgreSQL or Spark SQL.
//!
//! The query returns the columns `leadscore score` writes (`id`, `score`,
//! each group total and each label, in declaration order, and with
//! `--explain` the `reasons` array, built in `reasons.rs`) and must give
//! exactly the interpreter's values. The shared emitter (`emit.rs`) walks the
//! [`Ruleset`] with exhaustive matches; each target's differences (quoting,
//! list functions, JSON access, regex syntax, literals) live in one file per
//! dialect behind the [`dialect::Dialect`] trait. Whatever cannot be
//! translated exactly is a [`Refusal`] pointing at the rule, never a query
//! that differs (see docs/sql.md for the capability table).

mod ddl;
mod dialect;
mod duckdb;
mod emit;
mod postgres;
mod reasons;
mod regex;
mod spark;

use crate::rules::Ruleset;
use crate::syntax::ast::Span;
use chrono::{DateTime, Utc};

/// A SQL engine the rules can be compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// DuckDB 1.x/2.x: records as `STRUCT`, lists as arrays, `lambda x:` syntax.
    DuckDb,
    /// PostgreSQL 13 or newer: scalars as columns, records and lists as `JSONB`.
    Postgres,
    /// Spark SQL 3.5/4: records as `STRUCT`, lists as `ARRAY`, higher-order functions.
    Spark,
}

/// What to emit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlOptions {
    /// The engine.
    pub target: Target,
    /// The table (or view) holding one row per lead.
    pub table: String,
    /// The evaluation time as a literal; `None` reads the engine's clock.
    pub as_of: Option<DateTime<Utc>>,
    /// Wrap the query in `CREATE OR REPLACE VIEW name AS`.
    pub view: Option<String>,
    /// Add the `reasons` column: the JSON array `score --explain` writes.
    pub explain: bool,
}

/// A part of the rules that cannot be translated exactly for a target.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    /// What cannot be translated.
    pub kind: RefusalKind,
    /// Where it is written.
    pub span: Span,
    /// The target asked for.
    pub target: Target,
}

/// The kinds of [`Refusal`] (worded in `diagnostics/sql.rs`).
#[derive(Clone, Debug, PartialEq)]
pub enum RefusalKind {
    /// A field whose type is not known (no schema, and no rule fixes it).
    UntypedField(String),
    /// A field read from other keys (`from "Job Title"`).
    FieldSources(String),
    /// A datetime field with declared formats (`datetime("%m/%d/%Y")`).
    DatetimeFormats(String),
    /// A path through a list of lists.
    ListOfLists(String),
    /// A regex construct whose meaning differs between engines, and what
    /// to write instead when there is an exact spelling.
    Regex {
        /// The construct.
        what: String,
        /// What means the same in every engine.
        instead: Option<String>,
    },
    /// A time or duration finer than a microsecond (engines keep microseconds).
    SubMicrosecond,
    /// `where` on a list literal (its elements have no fields).
    LiteralFilter,
    /// A value of a type the comparison or function cannot take in SQL.
    Untyped,
    /// A group bound that is not a whole number of millionths below 4e9.
    Bound(f64),
    /// Constant points of 4e9 or more (where the interpreter adds floats).
    HugePoints,
    /// A decay whose weights the engine cannot compute bit for bit as the
    /// interpreter does (what, and why).
    Decay(&'static str),
    /// A time part (`day(t)`...) of rules read in a time zone (`--timezone`).
    TimeZone,
    /// A construct of the language that has no SQL translation yet.
    NotYet(&'static str),
    /// An `account` block: a roll-up over many leads, where the query
    /// gives one row per lead.
    Accounts,
}

impl Target {
    /// The name used on the command line and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Target::DuckDb => "duckdb",
            Target::Postgres => "postgres",
            Target::Spark => "spark",
        }
    }

    fn dialect(self) -> &'static dyn dialect::Dialect {
        match self {
            Target::DuckDb => &duckdb::DuckDb,
            Target::Postgres => &postgres::Postgres,
            Target::Spark => &spark::Spark,
        }
    }
}

/// The query scoring every lead of `opts.table` (or the `CREATE VIEW`), or
/// every part of the rules that cannot be translated exactly.
pub fn compile(rules: &Ruleset, opts: &SqlOptions) -> Result<String, Vec<Refusal>> {
    let query = emit::query(rules, opts)?;
    Ok(match &opts.view {
        Some(name) => {
            let d = opts.target.dialect();
            format!(
                "CREATE OR REPLACE VIEW {} AS\n{query};\n",
                d.table_name(name)
            )
        }
        None => format!("{query};\n"),
    })
}

/// The `CREATE TABLE` statement of the table the query expects.
pub fn ddl(rules: &Ruleset, target: Target, table: &str) -> Result<String, Vec<Refusal>> {
    ddl::create_table(rules, target, table)
}

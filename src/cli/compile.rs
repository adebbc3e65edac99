//! `leadscore compile RULES --target duckdb|postgres|spark`: the rules as one
//! SQL query (or `CREATE VIEW`) on stdout, or with `--ddl` the table it
//! expects. Parts of the rules that cannot be translated exactly are
//! reported like check errors (exit 1) and nothing is printed.

use super::load::{print_diagnostics, rules, summary};
use super::{note, stderr_color, Status, Stop};
use crate::diagnostics::{self, ToDiagnostic};
use crate::sql::{SqlOptions, Target};
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use std::io::Write as _;
use std::path::PathBuf;

/// Options of `leadscore compile`.
#[derive(Debug, Args)]
pub struct CompileArgs {
    /// The rules file.
    #[arg(value_name = "RULES")]
    pub rules: PathBuf,
    /// The SQL engine.
    #[arg(long, value_enum)]
    pub target: TargetArg,
    /// The table (or view) with one row per lead; `schema.table` is allowed.
    #[arg(long, value_name = "NAME", default_value = "leads")]
    pub table: String,
    /// The evaluation time as a literal (RFC 3339 or a date); default: the engine's clock when the query runs.
    #[arg(long, value_name = "TIME", value_parser = super::parse_as_of)]
    pub as_of: Option<DateTime<Utc>>,
    /// Print `CREATE OR REPLACE VIEW NAME AS` the query.
    #[arg(long, value_name = "NAME")]
    pub view: Option<String>,
    /// Add a `reasons` column: per lead the JSON array `score --explain` writes.
    #[arg(long)]
    pub explain: bool,
    /// Print the `CREATE TABLE` of the table the query expects instead of the query.
    #[arg(long, conflicts_with_all = ["explain", "view", "as_of"])]
    pub ddl: bool,
}

/// `--target` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    /// DuckDB (the table `read_json` creates from JSON Lines).
    Duckdb,
    /// PostgreSQL 13+ (scalars as columns, records and lists as JSONB).
    Postgres,
    /// Spark SQL (the table `spark.read.json` infers).
    Spark,
}

impl TargetArg {
    fn target(self) -> Target {
        match self {
            TargetArg::Duckdb => Target::DuckDb,
            TargetArg::Postgres => Target::Postgres,
            TargetArg::Spark => Target::Spark,
        }
    }
}

/// Loads and checks the rules, then prints the SQL or the refusals.
pub fn run(args: &CompileArgs) -> Result<Status, Stop> {
    let loaded = rules(&args.rules)?;
    print_diagnostics(&loaded);
    let ruleset = match &loaded.ruleset {
        Some(r) if !loaded.has_errors() => r,
        _ => {
            note(&summary(&args.rules, &loaded.diagnostics));
            return Err(Stop::RulesInvalid);
        }
    };
    if let Some(t) = args
        .as_of
        .filter(|t| t.timestamp_subsec_nanos() % 1000 != 0)
    {
        return Err(Stop::Trouble(diagnostics::sql::as_of_too_fine(
            &t.to_rfc3339(),
        )));
    }
    let target = args.target.target();
    let opts = SqlOptions {
        target,
        table: args.table.clone(),
        as_of: args.as_of,
        view: args.view.clone(),
        explain: args.explain,
    };
    let result = match args.ddl {
        true => crate::sql::ddl(ruleset, target, &args.table),
        false => crate::sql::compile(ruleset, &opts),
    };
    match result {
        Ok(sql) => {
            let mut out = std::io::stdout().lock();
            out.write_all(sql.as_bytes()).map_err(Stop::write)?;
            Ok(Status::Success)
        }
        Err(refusals) => {
            let diags: Vec<_> = refusals.iter().map(ToDiagnostic::to_diagnostic).collect();
            let text = diagnostics::render(&loaded.sources, &diags, stderr_color());
            let _ = std::io::stderr().write_all(text.as_bytes());
            note(&summary(&args.rules, &diags));
            Ok(Status::RulesFailed)
        }
    }
}

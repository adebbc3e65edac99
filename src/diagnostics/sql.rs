//! Wording of `leadscore compile`'s refusals: the parts of the rules that
//! cannot be translated to a target's SQL with exactly the interpreter's
//! meaning.
//!
//! | code | triggered by | example |
//! |---|---|---|
//! | `leadscore::sql_untyped` | a field or value whose type is not known (no schema) | `when x == 1 add 5` without a schema, `x` read nowhere else |
//! | `leadscore::sql_field_sources` | a schema field read from other keys | `title: string? from "Job Title"` |
//! | `leadscore::sql_datetime_formats` | a datetime field with declared formats or a zone | `created: datetime("%m/%d/%Y")` |
//! | `leadscore::sql_list_of_lists` | a path through a list of lists | `accounts.deals.amount` |
//! | `leadscore::sql_regex` | a regex construct whose meaning differs between engines | `matches /\d+/` |
//! | `leadscore::sql_sub_microsecond` | a time or duration finer than a microsecond | `within 0.0000001 seconds` |
//! | `leadscore::sql_literal_filter` | `where` on a list literal | `[1, 2] where x > 1` |
//! | `leadscore::sql_bound` | a group `max`/`min` that is not whole millionths below 4e9 | `group g max 0.0000001 { ... }` |
//! | `leadscore::sql_huge_points` | constant points of 4e9 or more | `add 5000000000` |
//! | `leadscore::sql_decay` | a decay the engine cannot work out bit for bit | `decay(at, 10% per week)`; `half_life:` on Spark |
//! | `leadscore::sql_time_zone` | a time part of rules read in a time zone | `day(at)` under `--timezone` |
//! | `leadscore::sql_not_yet` | a construct without a translation yet | `first([1, 2])`, `count(distinct L)` of records |
//! | `leadscore::sql_accounts` | an `account` block: the query gives one row per lead | `account by company.domain { ... }` |

use super::{Diagnostic, ToDiagnostic};
use crate::sql::{Refusal, RefusalKind};

impl ToDiagnostic for Refusal {
    fn to_diagnostic(&self) -> Diagnostic {
        let target = self.target.name();
        let (code, message, label, help) = match &self.kind {
            RefusalKind::UntypedField(f) => (
                "leadscore::sql_untyped",
                format!("the type of `{f}` is not known, so it has no {target} column type"),
                "type not known".to_string(),
                "declare the field in a `schema` block".to_string(),
            ),
            RefusalKind::Untyped => (
                "leadscore::sql_untyped",
                format!("this value's type is not known, so {target} SQL cannot compare it exactly"),
                "type not known".to_string(),
                "declare the fields it reads in a `schema` block".to_string(),
            ),
            RefusalKind::FieldSources(f) => (
                "leadscore::sql_field_sources",
                format!("`{f}` is read from other keys (`from ...`), which {target} SQL does not do"),
                "read from other keys".to_string(),
                format!("load the table with one column named `{f}` (rename the source column) and drop `from` in a copy of the schema for SQL"),
            ),
            RefusalKind::DatetimeFormats(f) => (
                "leadscore::sql_datetime_formats",
                format!("`{f}` is a datetime in declared formats or a zone, which {target} SQL does not read"),
                "declared datetime formats or zone".to_string(),
                format!("load `{f}` as a timestamp column (parse it while loading) and declare it plain `datetime` in a copy of the schema for SQL"),
            ),
            RefusalKind::ListOfLists(f) => (
                "leadscore::sql_list_of_lists",
                format!("`{f}` goes through a list of lists, which compiles to no {target} SQL"),
                "list of lists".to_string(),
                "filter the outer list with `where` and test the inner list inside the condition".to_string(),
            ),
            RefusalKind::Regex { what, instead } => (
                "leadscore::sql_regex",
                format!("this regex uses {what}, which {target} reads differently from leadscore"),
                "not translated exactly".to_string(),
                match instead {
                    Some(spelling) => format!("write {spelling} instead: it means the same everywhere"),
                    None => "use literals, `.`, classes such as [0-9A-Za-z], groups, `|`, repetition and `^ $ \\b`; see docs/sql.md".to_string(),
                },
            ),
            RefusalKind::SubMicrosecond => (
                "leadscore::sql_sub_microsecond",
                format!("{target} keeps times to the microsecond; this time or duration is finer"),
                "finer than a microsecond".to_string(),
                "round it to whole microseconds".to_string(),
            ),
            RefusalKind::LiteralFilter => (
                "leadscore::sql_literal_filter",
                format!("`where` on a list literal compiles to no {target} SQL (its elements have no fields)"),
                "a list literal".to_string(),
                "filter a list of the lead instead".to_string(),
            ),
            RefusalKind::Bound(b) => (
                "leadscore::sql_bound",
                format!("the group limit {b} is not a whole number of millionths below 4e9, which {target} SQL cannot clamp exactly"),
                "group limit".to_string(),
                "round the limit to at most six decimals".to_string(),
            ),
            RefusalKind::HugePoints => (
                "leadscore::sql_huge_points",
                format!("points of 4e9 or more are added as floats by leadscore, which {target} SQL does not reproduce"),
                "4e9 points or more".to_string(),
                "use smaller points".to_string(),
            ),
            RefusalKind::Decay(what) => (
                "leadscore::sql_decay",
                format!("{target} cannot work out this `{what}` decay bit for bit as leadscore does"),
                "decay not translated exactly".to_string(),
                match *what {
                    "step" => "use a percentage that keeps a power of 1/2 per period (50%, 75%, 100%); other percentages work per day or week on duckdb and postgres".to_string(),
                    _ => "use `P% per PERIOD` or `lifespan:`, or the duckdb or postgres target (they share leadscore's C library `pow`)".to_string(),
                },
            ),
            RefusalKind::TimeZone => (
                "leadscore::sql_time_zone",
                format!("{target} SQL takes day/week/month/weekday/hour in UTC only, and these rules are read in another time zone"),
                "time part in a zone".to_string(),
                "compile without `--timezone`, or store the local time as a datetime column in UTC".to_string(),
            ),
            RefusalKind::NotYet(what) => (
                "leadscore::sql_not_yet",
                format!("{what} has no {target} SQL translation yet"),
                "not translated".to_string(),
                "score these rules with `leadscore score`; docs/sql.md lists what compiles".to_string(),
            ),
            RefusalKind::Accounts => (
                "leadscore::sql_accounts",
                format!("an `account` block rolls leads up into accounts, which the {target} query (one row per lead) does not do"),
                "account roll-up not translated".to_string(),
                "score accounts with `leadscore score --accounts FILE`, or compile a copy of the rules without the `account` block".to_string(),
            ),
        };
        Diagnostic::error(code, message, self.span, label).with_help(help)
    }
}

/// `--as-of` finer than a microsecond cannot be a SQL literal.
pub fn as_of_too_fine(text: &str) -> String {
    format!(
        "--as-of {text} is finer than a microsecond; SQL engines keep microseconds, so round it"
    )
}

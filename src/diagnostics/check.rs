//! Wording of the checker's problems.
//!
//! | code | triggered by | example |
//! |---|---|---|
//! | `leadscore::unknown_type` | a schema type name that is not a type | `size: integer` |
//! | `leadscore::unknown_zone` | a `zone:` of a datetime field that the time-zone database does not know | `datetime(zone: "Europe/Berln")` |
//! | `leadscore::bad_datetime_format` | a datetime format with an unknown directive, `%Z`, no directive, or one that never reads a whole date (or a 12-hour time without AM/PM) | `datetime("%m/%d %H:%M")` |
//! | `leadscore::unknown_field` | with a schema: a field it does not declare; any record's unknown field | `when company.sise > 10 add 5` |
//! | `leadscore::undefined_name` | a name that is neither a field nor a `let` but looks like a misspelt `let`; a `let` used above (or inside) its definition; a label read in its own arms or above its block | `when title contains any executiv add 5` |
//! | `leadscore::inconsistent_field` | without a schema: a field used as two different types | `when title contains "VP" add 5` then `when title > 3 add 1` |
//! | `leadscore::type_mismatch` | a value of the wrong type for its position; a duration outside `within`, a regex outside `matches` | `when company.size contains "x" add 5` |
//! | `leadscore::bad_call` | an unknown function, the wrong number of arguments, `count(distinct)` with no value or with `in` for `of` | `when cout(events) > 3 add 5` |
//! | `leadscore::total_in_rule` | `score`, a group total or a label in a rule or `let` | `when score > 50 add 5` |
//! | `leadscore::not_a_label_value` | a label compared with a value none of its arms gives | `call when tier == hott` |
//! | `leadscore::duplicate_rule_label` | two rules with the same label | `... add 5 as "vip"` twice |
//! | `leadscore::duplicate_name` | two lets, groups or labels (or a group and a label) with one name; a repeated schema field; two schemas | `group fit { ... }` and `label fit { ... }` |
//! | `leadscore::invalid_regex` | a regex the engine rejects, or an unknown flag | `matches /(test/` |
//! | `leadscore::unreachable_arm` (warning) | a label arm after `otherwise` | `cold otherwise` then `warm when score > 5` |
//! | `leadscore::never_fires` (lint) | a rule whose condition can never hold | `when size > 100 and size < 50 add 5` |
//! | `leadscore::unreachable_arm` (lint) | a label arm an earlier arm always takes first | `warm when score >= 40` above `hot when score >= 80` |
//! | `leadscore::duplicate_condition` (lint) | a rule with the same condition as an earlier rule | `when a > 1 add 5` twice |
//! | `leadscore::unused_let` (lint) | a `let` nothing uses | `let junior = [Intern]`, never used |
//! | `leadscore::unreachable_max` (lint) | a group whose rules together stay below its `max` | `group fit max 100 { when a add 10 }` |
//! | `leadscore::no_otherwise` (lint) | a label block without `otherwise` | `label tier { hot when score > 80 }` |
//! | `leadscore::constant_condition` (lint) | a condition that reads nothing of the lead | `when "Job Title" contains "title" add 5` |
//! | `leadscore::mixed_and_or` (lint) | `and` inside `or` without parentheses | `when a or b and c add 5` |
//! | `leadscore::negligible_decay` (lint) | a `decay` whose weight falls below 1% within a day | `decay(at, half_life: 2 hours)` |
//! | `leadscore::field_typo` (lint) | without a schema, a field read once that looks like another | `titel` beside `title` |
//! | `leadscore::bare_word` | a bare word on the value side of a comparison that is no field (without a schema: that nothing else reads) | `when title contains VP add 50` |
//! | `leadscore::quoted_date` | a date in quotes compared with a date or number | `when created_at > "2026-01-01" add 5` |
//! | `leadscore::bad_duration` | a decay length of 0, a half-life or lifespan in months, a fraction of a month, a decay percentage outside (0, 100] | `decay(at, half_life: 1 month)` |
//! | `leadscore::bad_cap` | a frequency cap of less than 1 or a fraction, an unknown period, a cap outside `count`/`sum`, elements without `at` | `count(opens, at most 0 per day)` |
//! | `leadscore::not_a_label` | a part of a built label that is no label declared above; parts with more than 1000 combinations | `label grade = fit + tier` with `fit` a group |
//! | `leadscore::wrong_scope` | `leads` in a lead rule or inside `leads where` in the `account` block; a `let`, group or label of the lead rules read in the block, or one of the block read in the lead rules | `when count(leads) >= 2 add 5` outside the block |
//! | `leadscore::bad_limit` | `up to N` with N <= 0; a group whose `min` is above its `max` | `group fit max 10 min 20 { ... }` |

use super::{Diagnostic, ToDiagnostic};
use crate::check::lints::{Lint, Never};
use crate::check::{
    Builtin, CapFault, Definition, Expected, Literal, Misplaced, NameKind, Problem, Role,
    TimeFault, Total,
};
use crate::datetime::pattern::{Fault, Part};
use crate::rules::Type;
use crate::syntax::ast::StrOp;

impl ToDiagnostic for Problem {
    fn to_diagnostic(&self) -> Diagnostic {
        let d = match self {
            Problem::Test(t) => return t.to_diagnostic(),
            Problem::Lint(l) => return l.to_diagnostic(),
        Problem::UnknownType { span, name, suggestion } => Diagnostic::error(
            "leadscore::unknown_type",
            format!("unknown type `{name}`"),
            *span,
            "not a type",
        )
        .with_help(suggest(
            suggestion,
            "the types are `string`, `int`, `number`, `bool`, `datetime`, `list<T>` and `{ field: T, ... }`",
        )),
        Problem::UnknownZone { span, name, suggestion } => Diagnostic::error(
            "leadscore::unknown_zone",
            format!("unknown time zone `{name}`"),
            *span,
            "not in the time-zone database",
        )
        .with_help(suggest(
            suggestion,
            "write an IANA zone name such as `Europe/Berlin`, `America/New_York` or `UTC`",
        )),
        Problem::BadDatetimeFormat { span, format, fault } => bad_datetime_format(*span, format, fault),
        Problem::UnknownField { span, name, parent, suggestion } => unknown_field(*span, name, parent, suggestion),
        Problem::UndefinedName { span, name, suggestion, no_schema } => {
            let mut help = suggest(suggestion, "define it with `let` above its first use");
            if *no_schema {
                help.push_str(&format!(" To read a lead field named `{name}`, write `lead.{name}`."));
            }
            Diagnostic::error(
                "leadscore::undefined_name",
                format!("`{name}` is not defined"),
                *span,
                "not a `let` or a field",
            )
            .with_help(help)
        }
        Problem::LetUsedTooEarly { span, name, def, itself, circle, also, field } => {
            let_too_early(*span, name, *def, *itself, circle.as_deref(), also, *field)
        }
        Problem::BareWord { span, word, schema } => bare_word(*span, word, *schema),
        Problem::QuotedDate { span, text } => quoted_date(*span, text),
        Problem::UnknownFunction { span, name, suggestion } => Diagnostic::error(
            "leadscore::bad_call",
            format!("unknown function `{name}`"),
            *span,
            "not a built-in function",
        )
        .with_help(suggest(
            suggestion,
            "the functions are `count`, `any`, `all`, `none`, `sum`, `days_since`, `len`, `min`, `max`, `first`, `last`, `earliest`, `latest`, `day`, `week`, `month`, `weekday`, `hour` and `decay`",
        )),
        Problem::WrongArity { span, func, expected, found } => {
            let name = func.name();
            let s = if *expected == 1 { "" } else { "s" };
            Diagnostic::error(
                "leadscore::bad_call",
                format!("`{name}` takes {expected} argument{s}, found {found}"),
                *span,
                "wrong number of arguments",
            )
            .with_help(format!("call it as `{}`", usage(*func)))
        }
        Problem::ExtremeOfOne { span, func, ty } => {
            let name = func.name();
            let (label, help) = match ty {
                Type::Any => ("not known to be a list".to_string(), format!("compare two values with `{name}(A, B)`; for a list field, declare it in a `schema` (`NAME: list<number>`)")),
                t => (format!("{}, not a list", describe(t)), format!("compare two values with `{name}(A, B)`, or take a list's field: `{name}(orders.amount)`")),
            };
            Diagnostic::error("leadscore::bad_call", format!("`{name}` of one value needs a list"), *span, label).with_help(help)
        }
        Problem::TotalInRule { span, name, what } => {
            let (what, label, help) = match what {
                Total::Score => ("the total `score`".to_string(), "totals do not exist yet here", TOTALS_LATER),
                Total::Group => (format!("the group total `{name}`"), "totals do not exist yet here", TOTALS_LATER),
                Total::Label => (
                    format!("the label `{name}`"),
                    "labels are decided after the rules",
                    "labels are decided from the totals, after every rule has run; \
                     read a label in the conditions of a label below it, or write `lead.NAME` for a lead field",
                ),
            };
            Diagnostic::error(
                "leadscore::total_in_rule",
                format!("{what} is not available in a rule"),
                *span,
                label,
            )
            .with_help(help)
        }
        Problem::LabelTooEarly { span, name, def, itself, circle } => label_too_early(*span, name, *def, *itself, circle.as_deref()),
        Problem::NotALabelValue { span, label, value, values, suggestion, bare } => {
            let mut help = suggest(suggestion, &format!("its values are {}.", quoted_list(values)));
            if *bare {
                help.push_str(&format!(" To compare with a lead field of this name, write `lead.{value}`."));
            }
            Diagnostic::error(
                "leadscore::not_a_label_value",
                format!("the label `{label}` is never `{value}`"),
                *span,
                "not one of its values",
            )
            .with_help(help)
        }
        Problem::TypeMismatch { span, expected, found, role } => Diagnostic::error(
            "leadscore::type_mismatch",
            format!("type mismatch: expected {}, found {}", expected_text(expected), describe(found)),
            *span,
            format!("this is {}", describe(found)),
        )
        .with_help(role_help(*role, expected)),
        Problem::InconsistentField { span, path, found, earlier, earlier_span } => {
            let d = Diagnostic::error(
                "leadscore::inconsistent_field",
                format!("the field `{path}` is used as two different types"),
                *span,
                format!("used as {} here", describe(found)),
            )
            .with_help(
                "without a schema, a field's type is inferred from its uses and must be the same everywhere; \
                 fix this use, or declare the field in a `schema` block",
            );
            match earlier_span {
                Some(e) => d.with_note(*e, format!("used as {} here", describe(earlier))),
                None => d,
            }
        }
        Problem::Misplaced { span, what: Literal::Duration } => Diagnostic::error(
            "leadscore::type_mismatch",
            "a duration can only follow `within`",
            *span,
            "duration outside `within`",
        )
        .with_help("write `FIELD within 30 days`; to compare a number of days, use `days_since(FIELD) > 30`"),
        Problem::Misplaced { span, what: Literal::Regex } => Diagnostic::error(
            "leadscore::type_mismatch",
            "a regex can only follow `matches`",
            *span,
            "regex outside `matches`",
        )
        .with_help("write `FIELD matches /pattern/`"),
        Problem::DuplicateRuleLabel { span, label, first } => Diagnostic::error(
            "leadscore::duplicate_rule_label",
            format!("two rules are labelled `{label}`"),
            *span,
            "second rule with this label",
        )
        .with_note(*first, "first defined here")
        .with_help("rule labels must be unique: give one of the rules a different label with `as \"...\"`"),
        Problem::DuplicateName { span, name, kind, first, first_kind } => duplicate_name(*span, name, *kind, *first, *first_kind),
        Problem::InvalidRegex { span, message } => Diagnostic::error("leadscore::invalid_regex", "invalid regex", *span, message.clone())
            .with_help("fix the pattern; the syntax is that of Rust's `regex` crate (no look-around, no back-references)"),
        Problem::UnknownRegexFlag { span, flag } => Diagnostic::error(
            "leadscore::invalid_regex",
            format!("unknown regex flag `{flag}`"),
            *span,
            "not a flag",
        )
        .with_help("the only flag is `i` (ignore case); remove the others"),
        Problem::UnreachableArm { span, otherwise } => Diagnostic::error(
            "leadscore::unreachable_arm",
            "this arm can never be chosen",
            *span,
            "unreachable",
        )
        .with_note(*otherwise, "`otherwise` already matches every lead")
        .with_help("move this arm above the `otherwise` arm, or remove it"),
        Problem::BadUpTo { span, value } => Diagnostic::error(
            "leadscore::bad_limit",
            "`up to` needs a number above 0",
            *span,
            format!("{} is not above 0", num(*value)),
        )
        .with_help("`up to N` caps what the rule gives at N points; use a positive N, or remove `up to`"),
        Problem::MinAboveMax { span, min, max_span, max, score } => Diagnostic::error(
            "leadscore::bad_limit",
            if *score { "the score's `min` is above its `max`" } else { "the group's `min` is above its `max`" },
            *span,
            format!("min {}", num(*min)),
        )
        .with_note(*max_span, format!("max {}", num(*max)))
        .with_help(if *score { "the score is clamped to the range [min, max]; make `min` no greater than `max`" } else { "the group total is clamped to the range [min, max]; make `min` no greater than `max`" }),
        Problem::BadTime { span, fault } => bad_time(*span, *fault),
        Problem::BadCap { span, fault } => bad_cap(*span, fault),
        Problem::NotALabel { span, name, suggestion: _, group: true } => Diagnostic::error(
            "leadscore::not_a_label",
            format!("`{name}` is a group, not a label"),
            *span,
            "a group's total is a number",
        )
        .with_help(format!(
            "a built label puts together labels: declare a label above this one that names the group's ranges (`label {name}_grade` with arms such as `A when {name} >= 50`) and build from that"
        )),
        Problem::NotALabel { span, name, suggestion, group: false } => Diagnostic::error(
            "leadscore::not_a_label",
            format!("`{name}` is not a label"),
            *span,
            "not a label declared above",
        )
        .with_help(suggest(
            suggestion,
            "a built label puts together labels declared above it and text in quotes: `label grade = fit_grade + \"-\" + engagement_level`",
        )),
        Problem::TooManyCombinations { span, count, limit } => Diagnostic::error(
            "leadscore::not_a_label",
            format!("this label could take {count} values"),
            *span,
            format!("more than {limit}"),
        )
        .with_help("a built label stands for every combination of its parts' values; build it from labels with fewer values"),
        Problem::DistinctForm { span, in_for_of } => {
            let (title, label) = match in_for_of {
                true => ("`count(distinct ...)` takes `of`, not `in`", "`in` asks whether a value is in a list"),
                false => ("`count(distinct)` needs something to count", "nothing after `distinct`"),
            };
            Diagnostic::error("leadscore::bad_call", title, *span, label).with_help(DISTINCT_FORMS)
        }
        Problem::BadRollup { span, func } => Diagnostic::error(
            "leadscore::bad_call",
            if *func == Builtin::Champion {
                "`champion` needs a weight between 0 and 1, written as a number".to_string()
            } else {
                let least = if *func == Builtin::SumOfTop { " of at least 1" } else { "" };
                format!("`{}` needs a whole number{least}, written as a number", func.name())
            },
            *span,
            "not such a number",
        )
        .with_help(format!("call it as `{}`, e.g. `sum_of_top(leads.score, 3)`, `champion(leads.score, 0.6)` or `mean_without_lowest(leads.score, 1)`", usage(*func))),
        Problem::AccountWithoutSchema { span } => Diagnostic::error(
            "leadscore::account_without_schema",
            "an `account` block needs a `schema`",
            *span,
            "the account's fields are not known",
        )
        .with_help("declare the lead's fields in a `schema { ... }` block: the account block reads its leads' fields and the account's own by their declared types"),
        Problem::AccountListField { span, name } => Diagnostic::error(
            "leadscore::unknown_field",
            format!("the account has no field `{name}`: it is a list of each lead"),
            *span,
            "a list field of the lead",
        )
        .with_help(format!("read it per lead through the account's leads, e.g. `count(leads where count({name}) > 0)` or `sum(leads, count({name}))`")),
        Problem::WrongScope { span, name, misplaced } => wrong_scope(*span, name, *misplaced),
        Problem::AccountKey { span, ty } => Diagnostic::error(
            "leadscore::account_key",
            format!("an account key must be text or a number, not {}", describe(ty)),
            *span,
            "not text or a number",
        )
        .with_help("key the accounts by a field that names the company, e.g. `account by company.domain { ... }`"),
        };
        if self.is_warning() {
            d.warning()
        } else {
            d
        }
    }
}

/// Why a rule cannot read `score` or a group total.
const TOTALS_LATER: &str =
    "rules are summed to make the totals, so no total exists while rules run; \
     use `score` and group totals in `label` conditions instead";

/// "Did you mean" help, or a fallback.
fn suggest(suggestion: &Option<String>, fallback: &str) -> String {
    match suggestion {
        Some(s) => format!("did you mean `{s}`?"),
        None => fallback.to_string(),
    }
}

fn bad_datetime_format(span: crate::syntax::ast::Span, format: &str, fault: &Fault) -> Diagnostic {
    let (message, label, help) = match fault {
        Fault::UnknownDirective { directive, .. } => (
            format!("`{directive}` is not a datetime directive"),
            "unknown directive",
            "the directives are chrono's strftime ones: `%Y` year, `%m` month, `%d` day, \
             `%H` hour, `%M` minute, `%S` second, `%I` and `%p` 12-hour clock, `%b` month name, \
             `%z` offset; write `%%` for a percent sign"
                .to_string(),
        ),
        Fault::ZoneName { .. } => (
            "`%Z` cannot be read: zone abbreviations are skipped".to_string(),
            "zone abbreviation",
            "abbreviations like `CET` or `EST` are ambiguous; read the offset with `%z`, \
             or drop `%Z` from the format (and the text) and declare the zone: `zone: \"Europe/Berlin\"`"
                .to_string(),
        ),
        Fault::NoDirective { suggestion: Some(s) } => (
            format!("`{format}` is not a datetime format"),
            "no `%` directive",
            format!("did you mean `{s}`?"),
        ),
        Fault::NoDirective { suggestion: None } => (
            format!("`{format}` is not a datetime format"),
            "no `%` directive",
            "write the format with directives, e.g. `%Y-%m-%d` for 2026-10-05; Unix times are `epoch_s` or `epoch_ms`"
                .to_string(),
        ),
        Fault::Missing(part) => (
            format!("the format `{format}` never reads a whole datetime"),
            "incomplete format",
            missing_help(*part).to_string(),
        ),
        Fault::NoRoundTrip => (
            format!("the format `{format}` cannot read back what it writes"),
            "unreadable format",
            "two numeric directives run into each other; put a separator between them (`%Y-%m-%d`)".to_string(),
        ),
    };
    Diagnostic::error("leadscore::bad_datetime_format", message, span, label).with_help(help)
}

fn missing_help(part: Part) -> &'static str {
    match part {
        Part::Year => "it has no year: add `%Y` (or `%y`), e.g. `%m/%d/%Y`",
        Part::Month => "it has no month: add `%m` (or `%b`), or read the day of the year with `%j`",
        Part::Day => "it has no day of the month: add `%d`",
        Part::Meridiem => {
            "`%I` is a 12-hour clock: add `%p` for AM/PM, or use `%H` for a 24-hour clock"
        }
        Part::Hour => "it has minutes but no hour: add `%H`",
        Part::Minute => {
            "it has an hour but no minutes, so the hour would be dropped: add `%M` (`%H:%M`)"
        }
    }
}

fn unknown_field(
    span: crate::syntax::ast::Span,
    name: &str,
    parent: &str,
    suggestion: &Option<String>,
) -> Diagnostic {
    let message = if parent.is_empty() {
        format!("unknown field `{name}`")
    } else {
        format!("`{parent}` has no field `{name}`")
    };
    Diagnostic::error(
        "leadscore::unknown_field",
        message,
        span,
        "not declared in the schema",
    )
    .with_help(suggest(
        suggestion,
        "declare the field in the `schema` block, or check the spelling",
    ))
}

/// A name read on the wrong side of the `account` block.
fn wrong_scope(span: crate::syntax::ast::Span, name: &str, misplaced: Misplaced) -> Diagnostic {
    let (message, label, help) = match misplaced {
        Misplaced::LeadsInLeadRules => (
            "`leads` is only known inside the `account` block".to_string(),
            "the lead rules read one lead",
            "`leads` lists an account's leads, and only the rules inside `account by KEY { ... }` \
             read accounts; the lead rules score each lead alone, before any account exists. \
             Move what reads `leads` into the account block (or write one, e.g. `account by company.domain { ... }`)"
                .to_string(),
        ),
        Misplaced::LeadsInOneLead => (
            "`leads` is not known inside a condition about one lead".to_string(),
            "this part reads one lead",
            "inside `leads where` (and the amount of `sum(leads, ...)`) each name is a field of \
             one lead; `leads` is known only outside it, in the account block's rules and labels. \
             Move the inner count out as a condition of its own joined with `and`: \
             `count(leads where A and count(leads where B) >= 2) >= 1` is \
             `count(leads where A) >= 1 and count(leads where B) >= 2`"
                .to_string(),
        ),
        Misplaced::OfTheLeads(def) => of_the_leads(name, def),
        Misplaced::OfTheAccount(def) => of_the_account(name, def),
    };
    Diagnostic::error("leadscore::wrong_scope", message, span, label).with_help(help)
}

/// A `let`, group or label of the lead rules read in the `account` block.
fn of_the_leads(name: &str, def: Definition) -> (String, &'static str, String) {
    match def {
        Definition::Let => (
            format!("`{name}` is a `let` of the lead rules, not of the account block"),
            "defined outside the `account` block",
            "the account block sees only the `let`s written inside it (those outside read one \
             lead's fields); write the `let` inside the block"
                .to_string(),
        ),
        Definition::Group => (
            format!("`{name}` is a group total of each lead, not of the account"),
            "a total of one lead",
            format!("read it per lead through the account's leads, e.g. `sum(leads.{name})` or `count(leads where {name} >= 20)`"),
        ),
        Definition::Label => (
            format!("`{name}` is a label of each lead, not of the account"),
            "a label of one lead",
            format!("read it per lead through the account's leads, e.g. `count(leads where {name} == \"...\")` or `count(distinct {name} of leads)`"),
        ),
    }
}

/// A `let`, group or label of the `account` block read in the lead rules.
fn of_the_account(name: &str, def: Definition) -> (String, &'static str, String) {
    const LATER: &str =
        "the lead rules cannot read the account: accounts are scored after every lead";
    match def {
        Definition::Let => (
            format!("`{name}` is a `let` of the account block, not of the lead rules"),
            "defined inside the `account` block",
            "the lead rules see only the `let`s written outside the account block (those inside \
             read the account); write the `let` outside the block too"
                .to_string(),
        ),
        Definition::Group => (
            format!("`{name}` is a group total of the account, not of the lead"),
            "a total of the account",
            format!("{LATER}; read `{name}` in the account block's labels"),
        ),
        Definition::Label => (
            format!("`{name}` is a label of the account, not of the lead"),
            "a label of the account",
            format!("{LATER}; read `{name}` in a label below it inside the block, or add each lead's account to its record with `--account-columns`"),
        ),
    }
}

fn let_too_early(
    span: crate::syntax::ast::Span,
    name: &str,
    def: crate::syntax::ast::Span,
    itself: bool,
    circle: Option<&str>,
    also: &[String],
    field: bool,
) -> Diagnostic {
    if itself {
        return Diagnostic::error(
            "leadscore::undefined_name",
            format!("`{name}` refers to itself"),
            span,
            "used in its own definition",
        )
        .with_help(
            "a `let` can only use names defined above it; compute the value from other names",
        );
    }
    let help = match circle {
        Some(user) => format!(
            "`{name}` reads `{user}` (directly or through other `let`s) and `{user}` reads `{name}`: \
             no order of the two can work; define one of them without the other"
        ),
        None if also.is_empty() => format!(
            "move `let {name} = ...` above its first use: a `let` is usable only after its definition"
        ),
        None => {
            let lets: Vec<String> = also.iter().map(|a| format!("`let {a}`")).collect();
            format!(
                "move {}, then `let {name}`, above this use: `{name}` reads {}, defined further down too",
                lets.join(", "),
                quoted_list(also)
            )
        }
   };
    let help = if field {
        format!(
            "{help}. A lead field is also called `{name}`: to read the field here, write `lead.{name}`; \
             moving the `let` up makes this name mean the `let`"
        )
    } else {
        help
    };
    Diagnostic::error(
        "leadscore::undefined_name",
        format!("`{name}` is used before it is defined"),
        span,
        "used here",
    )
    .with_note(def, "defined here, further down")
    .with_help(help)
}

/// A bare word meant as text.
fn bare_word(span: crate::syntax::ast::Span, word: &str, schema: bool) -> Diagnostic {
    let (message, label, help) = if schema {
        (
            format!("`{word}` is not a field"),
            "not declared in the schema",
            format!("to compare with the text, put it in quotes: `\"{word}\"`"),
        )
    } else {
        (
            format!("`{word}` would be read as a lead field"),
            "no other rule reads a field of this name",
            format!(
                "to compare with the text, put it in quotes: `\"{word}\"`; \
                 to compare with a lead field of this name, write `lead.{word}`"
            ),
        )
    };
    Diagnostic::error("leadscore::bare_word", message, span, label).with_help(help)
}

/// A date in quotes.
fn quoted_date(span: crate::syntax::ast::Span, text: &str) -> Diagnostic {
    let help = match crate::datetime::parse(text) {
        Ok(_) => format!("write the date without quotes: `{text}`"),
        Err(_) => {
            "write the date without quotes, as `2026-01-31` or `2026-01-31T09:30:00Z`".to_string()
        }
    };
    Diagnostic::error(
        "leadscore::quoted_date",
        format!("`\"{text}\"` is text, not a date"),
        span,
        "a date in quotes",
    )
    .with_help(help)
}

fn label_too_early(
    span: crate::syntax::ast::Span,
    name: &str,
    def: crate::syntax::ast::Span,
    itself: bool,
    circle: Option<&str>,
) -> Diagnostic {
    let (message, label, help) = match (itself, circle) {
        (true, _) => (
            format!("the label `{name}` is read in its own conditions"),
            "its value is being decided here",
            "a label can read only the labels declared above it; test the totals it is made of instead".to_string(),
        ),
        (false, Some(reader)) => (
            format!("the labels `{reader}` and `{name}` read each other"),
            "read here",
            "labels are decided top to bottom, so only the lower of the two can read the other; \
             moving one above the other would not help: test the totals in one of them instead"
                .to_string(),
        ),
        (false, None) => (
            format!("the label `{name}` is read before it is decided"),
            "read here",
            format!("labels are decided in the order they are declared: move `label {name}` above the label that reads it"),
        ),
    };
    Diagnostic::error("leadscore::undefined_name", message, span, label)
        .with_note(def, "declared here")
        .with_help(help)
}

/// `a`, `b` and `c`, each in backticks.
fn quoted_list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.as_slice() {
        [] => "none".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A share as a percentage with up to two significant decimals: `0.39%`.
fn percent(x: f64) -> String {
    let p = x * 100.0;
    if p >= 0.01 {
        format!("{}%", num((p * 100.0).round() / 100.0))
    } else {
        "below 0.01%".to_string()
    }
}

/// A length of time or a decay rate that cannot work.
fn bad_time(span: crate::syntax::ast::Span, fault: TimeFault) -> Diagnostic {
    let (title, label, help) = match fault {
        TimeFault::NotPositive => (
            "a decay needs a length above 0".to_string(),
            "not above 0",
            "write how long the points take to fade, e.g. `half_life: 30 days`",
        ),
        TimeFault::FractionalCalendar => (
            "months and years are counted whole".to_string(),
            "a fraction of a month",
            "write a whole number of months (`2 months`), or the length in days or weeks (`45 days`)",
        ),
        TimeFault::CalendarRate => (
            "a half-life or lifespan needs a fixed length".to_string(),
            "months have no fixed length",
            "write it in hours, days or weeks (`half_life: 30 days`); to lose a share at each calendar month, write `50% per month`",
        ),
        TimeFault::NoRate => (
            "`decay` needs a rate".to_string(),
            "no rate after the time",
            "say how the points fade: `decay(at, half_life: 30 days)`, `decay(at, lifespan: 90 days)` or `decay(at, 50% per month)`",
        ),
        TimeFault::Percent(p) => (
            format!("a decay of {}% per period cannot work", num(p)),
            "not above 0 and at most 100",
            "write the share lost at the end of each period, above 0 and at most 100: `50% per month`",
        ),
    };
    Diagnostic::error("leadscore::bad_duration", title, span, label).with_help(help)
}

/// The two forms of `count(distinct ...)`, the one with `of` first (the
/// one people reach for when they get it wrong).
pub(super) const DISTINCT_FORMS: &str =
    "write `count(distinct VALUE of LIST)` for the different values over LIST's elements \
     (`count(distinct url of events)`, `count(distinct day(at) of events)`), \
     or `count(distinct LIST)` for the different elements of a list (`count(distinct events.url)`)";

/// A frequency cap that cannot work or is out of place.
fn bad_cap(span: crate::syntax::ast::Span, fault: &CapFault) -> Diagnostic {
    let (title, label, help) = match fault {
        CapFault::NotPositive(n) => (
            format!("`at most {}` keeps nothing", num(*n)),
            "not 1 or more".to_string(),
            "a cap keeps at least one element per period: `at most 1 per day`; \
             to give no points for these events, remove the rule"
                .to_string(),
        ),
        CapFault::Fraction(n) => (
            format!("`at most {}` is not a whole number", num(*n)),
            "a fraction".to_string(),
            "elements are counted whole: write `at most 1` or `at most 2`".to_string(),
        ),
        CapFault::TooLarge(n) => (
            format!("`at most {}` is too large", num(*n)),
            "above 4294967295".to_string(),
            "to count every element, leave the cap out: `count(C)`".to_string(),
        ),
        CapFault::Period { word, suggestion } => (
            format!("unknown period `{word}`"),
            "not `day`, `week` or `month`".to_string(),
            match suggestion {
                Some(s) => format!("did you mean `per {s}`?"),
                None => "a cap counts per `day`, `week` or `month` (calendar periods in the \
                         evaluation time zone)"
                    .to_string(),
            },
        ),
        CapFault::Misplaced => (
            "a frequency cap only goes last in `count` or `sum`".to_string(),
            "not allowed here".to_string(),
            "write `count(C, at most 2 per day)` or `sum(C, AMOUNT, at most 2 per day)`; \
             for \"the first time only\", a rule with `any(C)` already gives its points once"
                .to_string(),
        ),
        CapFault::NoAt(per, times) => (
            "the elements have no `at` field to place them in a period".to_string(),
            "per which datetime?".to_string(),
            match times.as_slice() {
                [] => "a cap needs a datetime field on the elements; the schema declares none \
                       for them"
                    .to_string(),
                [first, ..] => format!(
                    "name the elements' datetime field: `per {per} of {first}` (they have {})",
                    quoted_list(times)
                ),
            },
        ),
    };
    Diagnostic::error("leadscore::bad_cap", title, span, label).with_help(help)
}

/// How to call each built-in function.
fn usage(func: Builtin) -> &'static str {
    match func {
        Builtin::Count => {
            "count(LIST)`, `count(LIST, at most N per day)` or `count(distinct VALUE of LIST)"
        }
        Builtin::Any => "any(LIST)",
        Builtin::All => "all(LIST where CONDITION)",
        Builtin::None => "none(LIST)",
        Builtin::Sum => {
            "sum(LIST.field)`, `sum(LIST, AMOUNT)` or `sum(LIST, AMOUNT, at most N per day)"
        }
        Builtin::DaysSince => "days_since(DATETIME)",
        Builtin::Len => "len(TEXT or LIST)",
        Builtin::Min => "min(A, B)` or `min(LIST)",
        Builtin::Max => "max(A, B)` or `max(LIST)",
        Builtin::First => "first(LIST)",
        Builtin::Last => "last(LIST)",
        Builtin::Earliest => "earliest(LIST.datetime_field)",
        Builtin::Latest => "latest(LIST.datetime_field)",
        Builtin::Day => "day(DATETIME)",
        Builtin::Week => "week(DATETIME)",
        Builtin::Month => "month(DATETIME)",
        Builtin::Weekday => "weekday(DATETIME)",
        Builtin::Hour => "hour(DATETIME)",
        Builtin::SumOfTop => "sum_of_top(LIST.number, N)",
        Builtin::Champion => "champion(LIST.number, WEIGHT)",
        Builtin::Mean => "mean(LIST.number)",
        Builtin::MeanWithoutLowest => "mean_without_lowest(LIST.number, N)",
    }
}

/// A type in words: `string`, "a list of records", ...
fn describe(ty: &Type) -> String {
    match ty {
        Type::Record(_) => "a record".into(),
        Type::List(inner) if matches!(&**inner, Type::Record(_)) => "a list of records".into(),
        Type::List(inner) if **inner == Type::Any => "a list".into(),
        Type::Any => "any value".into(),
        Type::Duration => "a duration".into(),
        Type::Regex => "a regex".into(),
        t => format!("`{t}`"),
    }
}

fn expected_text(e: &Expected) -> String {
    match e {
        Expected::Type(t) => describe(t),
        Expected::StringOrList => "a `string` or a list".into(),
        Expected::FilterOrBoolList => "a `where` filter or a `list<bool>`".into(),
        Expected::Duration => "a duration such as `30 days`".into(),
        Expected::Regex => "a regex such as `/demo/i`".into(),
    }
}

/// What to do, by the position the expression is in.
fn role_help(role: Role, expected: &Expected) -> String {
    let wants_list = matches!(expected, Expected::Type(Type::List(_)));
    match role {
        Role::Condition => "a condition must be true or false: compare the value (`x == \"a\"`, `x > 10`) or test it (`x is present`)".into(),
        Role::Points => "the points after `add` or `subtract` must be a number, e.g. `add 10` or `add 2 * count(events)`".into(),
        Role::Compared => "both sides of a comparison must have the same type: numbers with numbers, text with text, datetimes with datetimes".into(),
        Role::Arithmetic => "`+`, `-`, `*` and `/` work on numbers only".into(),
        Role::Tested(op) => format!("`{op}` tests text (a `string`){}", if op == StrOp::Contains { ", or a list for membership" } else { "" }),
        Role::Needle(op) if wants_list => format!("after `{op} any`, give a list, e.g. `[\"a\", \"b\"]` or a `let` bound to one"),
        Role::Needle(op) => format!("after `{op}`, give one value; to test several, write `{op} any [\"a\", \"b\"]`"),
        Role::InList => "after `in`, give a list: `[a, b]`, a `let` bound to a list, or a list field".into(),
        Role::Within if *expected == Expected::Duration => "write a duration after `within`, e.g. `within 30 days`".into(),
        Role::Within => "`within` tests a `datetime`, e.g. `created_at within 30 days`".into(),
        Role::Matches if *expected == Expected::Regex => "write a regex literal after `matches`, e.g. `matches /demo/i`".into(),
        Role::Matches => "`matches` tests text (a `string`) against a regex".into(),
        Role::Filtered => "`where` filters a list of records, e.g. `events where type == \"demo\"`".into(),
        Role::Argument(f) => format!("call it as `{}`", usage(f)),
        Role::Projected => "only a record, or a list of records, has fields to pick with `.`".into(),
        Role::Decayed => "`decay` weighs a `datetime` by its age, e.g. `decay(at, half_life: 30 days)`".into(),
        Role::Distinct => DISTINCT_FORMS.into(),
    }
}

fn duplicate_name(
    span: crate::syntax::ast::Span,
    name: &str,
    kind: NameKind,
    first: crate::syntax::ast::Span,
    first_kind: NameKind,
) -> Diagnostic {
    let (message, help) = match (kind, first_kind) {
        (NameKind::Schema, _) => (
            "more than one `schema` block".to_string(),
            "merge the fields into one `schema` block",
        ),
        (NameKind::Limits, _) => (
            "more than one `score` limits line".to_string(),
            "keep one line, e.g. `score max 100 min 0`",
        ),
        (NameKind::Account, _) => (
            "more than one `account` block".to_string(),
            "merge their rules and labels into one `account by KEY { ... }` block",
        ),
        (NameKind::Field, _) => (
            format!("the field `{name}` is declared twice"),
            "remove one of the declarations",
        ),
        (k, f) if k == f => (
            format!("the {} `{name}` is defined twice", kind_word(k)),
            "rename or remove one of them",
        ),
        (k, f) => (
            format!(
                "the {} `{name}` has the same name as the {} `{name}`",
                kind_word(k),
                kind_word(f)
            ),
            "give one of them another name: lets, groups and labels share one set of names",
        ),
    };
    Diagnostic::error(
        "leadscore::duplicate_name",
        message,
        span,
        "defined again here",
    )
    .with_note(first, "first defined here")
    .with_help(help)
}

fn kind_word(k: NameKind) -> &'static str {
    match k {
        NameKind::Let => "let",
        NameKind::Group => "group",
        NameKind::Label => "label",
        NameKind::Field => "field",
        NameKind::Schema => "schema",
        NameKind::Limits => "score limits",
        NameKind::Account => "account block",
    }
}

/// A number as records print it: plain digits, integers without a fraction.
fn num(n: f64) -> String {
    let mut text = String::new();
    crate::eval::push_num(&mut text, n);
    text
}

/// Wording of the lints (all warnings); each help names its `# allow(...)`.
impl ToDiagnostic for Lint {
    fn to_diagnostic(&self) -> Diagnostic {
        let short = self.code().trim_start_matches("leadscore::");
        let allow = format!(". If this is on purpose, write `# allow({short})` on the line above");
        let d = match self {
            Lint::NeverFires { why, .. } => never_fires(*why),
            Lint::ShadowedArm { span, by } => Diagnostic::error(
                self.code(),
                "this arm can never be chosen",
                *span,
                "every lead it matches is taken by an earlier arm",
            )
            .with_note(*by, "this arm comes first and matches all of them")
            .with_help(format!("arms are tried in order: put the narrower condition (e.g. the higher threshold) first{allow}")),
            Lint::DuplicateCondition { span, first } => Diagnostic::error(
                self.code(),
                "this rule has the same condition as an earlier rule",
                *span,
                "same condition",
            )
            .with_note(*first, "first used here")
            .with_help(format!("merge the two rules into one, or change one of the conditions{allow}")),
            Lint::UnusedLet { span, name } => Diagnostic::error(
                self.code(),
                format!("`{name}` is never used"),
                *span,
                "defined but not used",
            )
            .with_help(format!("remove the `let`, or use it in a rule or label{allow}")),
            Lint::UnreachableMax { span, name, max, reachable } => Diagnostic::error(
                self.code(),
                format!("the group `{name}` can never reach its `max {}`", num(*max)),
                *span,
                format!("its rules give at most {} together", num(*reachable)),
            )
            .with_help(format!("lower the `max`, or remove it: a cap that no lead can reach does nothing{allow}")),
            Lint::ConstantCondition { span } => Diagnostic::error(
                self.code(),
                "this condition is the same for every lead",
                *span,
                "reads no field of the lead",
            )
            .with_help(format!("a quoted name is text, not a field: to read a field, write its name without quotes (`title contains \"VP\"`), or `lead.\"Job Title\"` for a name with spaces{allow}")),
            Lint::MixedAndOr { span, or } => Diagnostic::error(
                self.code(),
                "`and` and `or` mixed without parentheses",
                *span,
                "this `and` binds first",
            )
            .with_note(*or, "in this `or`")
            .with_help(format!("`a or b and c` means `a or (b and c)`; write the parentheses you mean{allow}")),
            Lint::FieldTypo { span, name, suggestion } => Diagnostic::error(
                self.code(),
                format!("`{name}` is read only here, and looks like the field `{suggestion}`"),
                *span,
                "a field no other rule reads",
            )
            .with_help(format!("did you mean `{suggestion}`? Without a schema every name is a field, so a typo reads a field no lead has{allow}")),
            Lint::NegligibleDecay { span, after_a_day } => Diagnostic::error(
                self.code(),
                "this decay leaves almost nothing after a day",
                *span,
                format!("weight {} one day after the event", percent(*after_a_day)),
            )
            .with_help(format!("points that fade within hours change with the hour the file is scored; a longer half-life or lifespan (`half_life: 30 days`) suits engagement that builds over days{allow}")),
            Lint::ListEquality { span, negated } => {
                let (op, test) = if *negated { ("!=", "not in") } else { ("==", "in") };
                Diagnostic::error(self.code(), format!("`{op}` with a list compares the whole list"), *span, "this makes the field a list")
                    .with_help(format!("to test whether the value is one of the list's, write `{test} [...]`; without a schema this reads the field as a whole list, and a lead holding one value is a type mismatch{allow}"))
            }
            Lint::NoOtherwise { span, name } => Diagnostic::error(
                self.code(),
                format!("the label `{name}` has no `otherwise` arm"),
                *span,
                "some leads may match no arm",
            )
            .with_help(format!("a lead that matches no arm gets null; add a last arm such as `none otherwise`{allow}")),
        };
        d.warning()
    }
}

fn never_fires(why: Never) -> Diagnostic {
    let code = "leadscore::never_fires";
    let message = "this rule can never fire";
    let allow = ". If this is on purpose, write `# allow(never_fires)` on the line above";
    match why {
        Never::Contradiction { first, second } => {
            Diagnostic::error(code, message, second, "contradicts the earlier comparison")
                .with_note(first, "no value satisfies this and the other comparison")
                .with_help(format!(
                    "did you mean `or`? Or check the direction of `<` and `>`{allow}"
                ))
        }
        Never::ReversedBetween { span } => {
            Diagnostic::error(code, message, span, "the low end is above the high end").with_help(
                format!("write the lower number first: `between LOW and HIGH`{allow}"),
            )
        }
        Never::EmptyList { span } => {
            Diagnostic::error(code, message, span, "an empty list: nothing is in it")
                .with_help(format!("add values to the list, or remove the rule{allow}"))
        }
    }
}

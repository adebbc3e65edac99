//! Where the rules and the data did not meet, after a run.
//!
//! A run counts, per field the rules read, how often it was missing or of
//! the wrong type ([`crate::eval::Census`]); [`report`] turns those counts,
//! the CSV header rows and the `--id` field into [`Finding`]s: a field
//! missing in most leads (naming the rules that read it and never fired), a
//! field of the wrong type, a CSV column no rule reads (with a did-you-mean
//! against the fields the rules read), an `--id` field no lead has. The same
//! report serves `score`, `test` and `diff`; its wording lives in
//! `diagnostics::datafit`. [`header_fit`] matches a header row against the
//! fields the rules read before any lead is scored.

use crate::check::suggest::did_you_mean;
use crate::eval::{Census, Field, Fields, Program};
use crate::rules::{Ruleset, Type};

/// One way the rules and the data did not meet.
#[derive(Clone, Debug, PartialEq)]
pub enum Finding {
    /// A field the rules read was missing or null in most leads (a field
    /// of list elements: in every element).
    Missing {
        /// The field's dotted path.
        field: String,
        /// For a field of list elements, the list's path.
        list: Option<String>,
        /// Leads (or elements) where it was missing or null.
        missing: u64,
        /// Leads (or elements) looked at.
        of: u64,
        /// Labels of the rules that read it and never fired.
        never_fired: Vec<String>,
        /// Labels of the rules that read it and fired at least once.
        fired: Vec<String>,
        /// A CSV column no rule reads whose name is close to the field's.
        column: Option<String>,
    },
    /// A field held a value of the wrong type in some leads (no schema: the
    /// tests on it were false).
    WrongType {
        /// The field's dotted path.
        field: String,
        /// For a field of list elements, the list's path.
        list: Option<String>,
        /// Leads (or elements) where it had the wrong type.
        count: u64,
        /// Leads (or elements) looked at.
        of: u64,
        /// The type the rules expect.
        expected: Type,
    },
    /// A CSV column that matches no field the rules read.
    UnreadColumn {
        /// The header as written.
        column: String,
        /// The closest field the rules read that no column supplies.
        suggestion: Option<String>,
    },
    /// A key of a test block's lead that no rule reads, close to a field
    /// the rules read that the lead does not have (a likely typo).
    UnreadKey {
        /// The key's dotted path in the lead.
        key: String,
        /// The field the rules read that it is close to.
        suggestion: String,
    },
    /// No lead had the `--id` field.
    NoId {
        /// The `--id` path, dotted.
        field: String,
        /// Leads read.
        leads: u64,
    },
}

/// What a run knows besides the per-field counts.
#[derive(Clone, Debug, Default)]
pub struct RunFacts {
    /// The header rows of the CSV inputs (each column once).
    pub columns: Vec<String>,
    /// The `--id` path.
    pub id: Vec<String>,
    /// Leads read (scored or not).
    pub leads: u64,
    /// Leads without a value at the `--id` path.
    pub without_id: u64,
}

/// The findings of a run, in a stable order: missing fields, wrong types,
/// unread columns, then the id.
pub fn report(program: &Program, census: &Census, facts: &RunFacts) -> Vec<Finding> {
    let fields = program.fields();
    let fit = header_fit(fields, &facts.columns, &facts.id);
    let mut out = missing_fields(program, census, &fit);
    out.extend(wrong_types(fields, census));
    out.extend(fit.unread.into_iter().map(|s| Finding::UnreadColumn {
        column: s.name,
        suggestion: s.suggestion,
    }));
    if facts.leads > 0 && facts.without_id == facts.leads {
        out.push(Finding::NoId {
            field: facts.id.join("."),
            leads: facts.leads,
        });
    }
    out
}

/// What a finding is about, when a command scores with more than one
/// ruleset or lead set.
#[derive(Clone, Debug, PartialEq)]
pub enum Scope {
    /// The run: `score`'s leads, or `diff`'s leads under the new rules.
    Run,
    /// `diff`'s leads under the old rules (a finding the new rules do not share).
    OldRules,
    /// The lead of one `test` block.
    Test {
        /// The test's name.
        name: String,
        /// Where the test is (`file:line`).
        at: String,
    },
}

/// A finding with what it is about.
#[derive(Clone, Debug, PartialEq)]
pub struct Scoped {
    /// The run, the old rules, or a test.
    pub scope: Scope,
    /// The finding.
    pub finding: Finding,
}

/// `findings`, all about `scope`.
pub fn scoped(findings: Vec<Finding>, scope: &Scope) -> Vec<Scoped> {
    findings
        .into_iter()
        .map(|finding| Scoped {
            scope: scope.clone(),
            finding,
        })
        .collect()
}

/// The findings of `diff`: those of the new rules, then those of the old
/// rules that the new rules do not share (each version counted its own
/// census over the same leads).
pub fn diff_report(
    (old, old_census): (&Program, &Census),
    (new, new_census): (&Program, &Census),
    facts: &RunFacts,
) -> Vec<Scoped> {
    let found = report(new, new_census, facts);
    let only_old: Vec<Finding> = report(old, old_census, facts)
        .into_iter()
        .filter(|f| !found.contains(f))
        .collect();
    let mut out = scoped(found, &Scope::Run);
    out.extend(scoped(only_old, &Scope::OldRules));
    out
}

/// The findings for the lead of one test block, counted alone in `census`.
/// A test's lead is written to lack fields, so a missing field is not a
/// finding; what is: a field of the wrong type (the tests on it were false,
/// so the test checks something other than it seems to) and a key the rules
/// do not read that is a typo away from a field the lead lacks (`titel` for
/// `title`). Keys are the dotted paths of the lead's values (`company.sise`).
pub fn test_lead(program: &Program, census: &Census, lead: &serde_json::Value) -> Vec<Finding> {
    let mut out = wrong_types(program.fields(), census);
    let mut keys = Vec::new();
    leaf_keys(lead, "", &mut keys);
    let fit = header_fit(program.fields(), &keys, &[]);
    out.extend(fit.unread.into_iter().filter_map(|s| {
        Some(Finding::UnreadKey {
            key: s.name,
            suggestion: s.suggestion?,
        })
    }));
    out
}

/// The dotted paths of the values of `v` that are not objects (`company.size`,
/// `events`), below `prefix`.
fn leaf_keys(v: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
    match v.as_object() {
        Some(map) if prefix.is_empty() || !map.is_empty() => {
            for (k, child) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaf_keys(child, &path, out);
            }
        }
        _ => out.push(prefix.to_string()),
    }
}

/// A name with the closest name on the other side, if one is close.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggested {
    /// The column or field.
    pub name: String,
    /// The closest unmatched field or column.
    pub suggestion: Option<String>,
}

/// How a CSV header row meets the fields the rules read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeaderFit {
    /// Columns that match no field the rules read (the `--id` column
    /// excepted), each with the closest field no column supplies.
    pub unread: Vec<Suggested>,
    /// Fields of the lead the rules read that no column supplies, each with
    /// the closest unread column.
    pub unsupplied: Vec<Suggested>,
}

/// Matches header columns against the lead fields the rules read. A column
/// supplies a field when it names it (`company.size`) or a record holding it
/// (`company`, as JSON). Empty `columns` (not CSV) gives an empty fit.
pub fn header_fit(fields: &Fields, columns: &[String], id: &[String]) -> HeaderFit {
    if columns.is_empty() {
        return HeaderFit::default();
    }
    let leaves: Vec<&Field> = lead_leaves(fields);
    let supplies = |column: &str, field: &Field| {
        field
            .columns
            .iter()
            .any(|name| name == column || is_below(name, column))
    };
    let id = id.join(".");
    let unread: Vec<&str> = columns
        .iter()
        .map(String::as_str)
        .filter(|c| *c != id && !leaves.iter().any(|f| supplies(c, f)))
        .collect();
    let unsupplied: Vec<&Field> = leaves
        .into_iter()
        .filter(|f| !columns.iter().any(|c| supplies(c, f)))
        .collect();
    let names: Vec<&str> = unsupplied.iter().map(|f| f.name.as_str()).collect();
    let unread_fits = unread.iter().map(|n| Suggested {
        name: n.to_string(),
        suggestion: did_you_mean(n, names.iter().copied()).map(str::to_string),
    });
    // A field bound to columns (`from "Job Title"`) is looked for under each
    // of its column names, so `Job Titel` is found for `title`.
    let field_fits = unsupplied.iter().map(|f| Suggested {
        name: f.name.clone(),
        suggestion: f
            .columns
            .iter()
            .find_map(|c| did_you_mean(c, unread.iter().copied()))
            .map(str::to_string),
    });
    HeaderFit {
        unread: unread_fits.collect(),
        unsupplied: field_fits.collect(),
    }
}

/// A field the rules read that the schema requires (no `?` on it or on a
/// record above it) and no column of a header row supplies: every row of
/// that input would be a bad lead.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsupplied {
    /// The dotted path of the required field (a record, when no column
    /// supplies anything below it).
    pub field: String,
    /// Its type in the schema.
    pub ty: Type,
    /// The closest column no rule reads, if one is close.
    pub suggestion: Option<String>,
}

/// The required fields among `unsupplied` (the fields the header row
/// `columns` leaves out, from [`header_fit`]), see [`Unsupplied`]; empty
/// without a schema or a header row.
pub fn required_unsupplied(
    rules: &Ruleset,
    columns: &[String],
    unsupplied: &[Suggested],
) -> Vec<Unsupplied> {
    if !rules.has_schema || columns.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<Unsupplied> = Vec::new();
    for s in unsupplied {
        let path: Vec<&str> = s.name.split('.').collect();
        let Some((depth, ty)) = required_prefix(&rules.lead_type, &path) else {
            continue;
        };
        let field = path[..depth].join(".");
        let whole = depth == path.len();
        let touched = columns
            .iter()
            .any(|c| *c == field || is_below(c, &field) || is_below(&field, c));
        if (whole || !touched) && !out.iter().any(|u| u.field == field) {
            let suggestion = if whole { s.suggestion.clone() } else { None };
            out.push(Unsupplied {
                field,
                ty,
                suggestion,
            });
        }
    }
    out
}

/// How many leading segments of `path` the schema requires (each without
/// `?`), and the type of the last of them; `None` when the first is optional
/// or unknown.
fn required_prefix(lead_type: &Type, path: &[&str]) -> Option<(usize, Type)> {
    let mut ty = lead_type;
    let mut found = None;
    for (i, segment) in path.iter().enumerate() {
        match ty.field_by_key(segment) {
            Some(field) if !field.optional => {
                found = Some((i + 1, field.ty.clone()));
                ty = &field.ty;
            }
            Some(_) | None => break,
        }
    }
    found
}

/// The lead fields (not of list elements) that hold values rather than other
/// fields the rules read: `company.size`, not `company`.
pub fn lead_leaves(fields: &Fields) -> Vec<&Field> {
    let lead: Vec<&Field> = fields.list.iter().filter(|f| f.list.is_none()).collect();
    lead.iter()
        .copied()
        .filter(|f| !lead.iter().any(|g| is_below(&g.name, &f.name)))
        .collect()
}

/// `inner` is a field below `outer` (`company.size` below `company`).
fn is_below(inner: &str, outer: &str) -> bool {
    inner
        .strip_prefix(outer)
        .is_some_and(|rest| rest.starts_with('.'))
}

/// Fields missing in most leads (or in every list element); a field below
/// one reported with the same count is left out (it is missing because its
/// record is).
fn missing_fields(program: &Program, census: &Census, fit: &HeaderFit) -> Vec<Finding> {
    let fields = &program.fields().list;
    let rules = &program.ruleset().rules;
    let mut out: Vec<Finding> = Vec::new();
    for (i, (field, count)) in fields.iter().zip(&census.fields).enumerate() {
        let most = match field.list {
            None => count.missing * 2 > count.seen,
            Some(_) => count.missing == count.seen,
        };
        if count.seen == 0 || !most || covered(&out, &field.name, count.missing) {
            continue;
        }
        let readers = readers(fields, i);
        let (never, fired): (Vec<usize>, Vec<usize>) =
            readers.into_iter().partition(|&r| census.fired[r] == 0);
        let labels = |rs: Vec<usize>| rs.into_iter().map(|r| rules[r].label.clone()).collect();
        let column = fit
            .unsupplied
            .iter()
            .find(|s| s.name == field.name)
            .and_then(|s| s.suggestion.clone());
        out.push(Finding::Missing {
            field: field.name.clone(),
            list: field.list.clone(),
            missing: count.missing,
            of: count.seen,
            never_fired: labels(never),
            fired: labels(fired),
            column,
        });
    }
    out
}

/// A reported field above `name` was missing exactly as often.
fn covered(found: &[Finding], name: &str, missing: u64) -> bool {
    found.iter().any(|f| match f {
        Finding::Missing {
            field, missing: m, ..
        } => *m == missing && is_below(name, field),
        Finding::WrongType { .. }
        | Finding::UnreadColumn { .. }
        | Finding::UnreadKey { .. }
        | Finding::NoId { .. } => false,
    })
}

/// The rules that read field `i` or a field below it, in rule order.
fn readers(fields: &[Field], i: usize) -> Vec<usize> {
    let me = &fields[i];
    let mut rules: Vec<usize> = fields
        .iter()
        .filter(|f| f.list == me.list && (f.name == me.name || is_below(&f.name, &me.name)))
        .flat_map(|f| f.rules.iter().copied())
        .collect();
    rules.sort_unstable();
    rules.dedup();
    rules
}

/// Fields that held a value of the wrong type at least once.
fn wrong_types(fields: &Fields, census: &Census) -> Vec<Finding> {
    fields
        .list
        .iter()
        .zip(&census.fields)
        .filter(|(_, c)| c.mismatched > 0)
        .map(|(f, c)| Finding::WrongType {
            field: f.name.clone(),
            list: f.list.clone(),
            count: c.mismatched,
            of: c.seen,
            expected: f.ty.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::EvalOptions;
    use serde_json::json;

    fn program(text: &str) -> Program {
        let loaded = crate::load_str("t.rules", text, &crate::syntax::MemReader::default());
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        Program::compile(loaded.ruleset.as_ref().unwrap())
    }

    fn census(p: &Program, leads: &[serde_json::Value]) -> Census {
        let mut c = p.census();
        let opts = EvalOptions {
            as_of: chrono::Utc::now(),
        };
        for lead in leads {
            p.score_counted(lead, &opts, &mut c).unwrap();
        }
        c
    }

    const RULES: &str = "when jobtitle contains \"VP\" add 50 as \"executive title\"\n\
        when jobtitle is missing subtract 5 as \"no title\"\n\
        when company.size > 100 add 10 as \"big\"\n\
        when count(events where url contains \"/pricing\") > 0 add 5 as \"pricing\"\n";

    #[test]
    fn a_field_missing_everywhere_names_its_rules() {
        let p = program(RULES);
        let leads = [
            json!({"title": "VP", "company": {"size": 300}, "events": [{"type": "x"}]}),
            json!({"title": "CEO", "company": {"size": "big"}, "events": []}),
        ];
        let c = census(&p, &leads);
        let facts = RunFacts {
            columns: vec![],
            id: vec!["id".into()],
            leads: 2,
            without_id: 2,
        };
        let found = report(&p, &c, &facts);
        assert_eq!(
            found[0],
            Finding::Missing {
                field: "jobtitle".into(),
                list: None,
                missing: 2,
                of: 2,
                never_fired: vec!["executive title".into()],
                fired: vec!["no title".into()],
                column: None,
            }
        );
        let Finding::Missing { field, list, .. } = &found[1] else {
            panic!("{found:?}")
        };
        assert_eq!((field.as_str(), list.as_deref()), ("url", Some("events")));
        assert_eq!(
            found[2],
            Finding::WrongType {
                field: "company.size".into(),
                list: None,
                count: 1,
                of: 2,
                expected: Type::Number,
            }
        );
        assert_eq!(
            found[3],
            Finding::NoId {
                field: "id".into(),
                leads: 2
            }
        );
        assert_eq!(found.len(), 4);
    }

    #[test]
    fn a_test_lead_reports_wrong_types_and_typo_keys_but_not_missing_fields() {
        let p = program(RULES);
        let lead = json!({"id": "t", "jobtitel": "VP", "company": {"sise": 3}, "name": "Ann"});
        let c = census(&p, std::slice::from_ref(&lead));
        let found = test_lead(&p, &c, &lead);
        let key = |k: &str, s: &str| Finding::UnreadKey {
            key: k.into(),
            suggestion: s.into(),
        };
        assert_eq!(
            found,
            [
                key("jobtitel", "jobtitle"),
                key("company.sise", "company.size")
            ]
        );
        let lead = json!({"jobtitle": 7, "company": {}});
        let c = census(&p, std::slice::from_ref(&lead));
        let found = test_lead(&p, &c, &lead);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(matches!(&found[0], Finding::WrongType { field, .. } if field == "jobtitle"));
    }

    #[test]
    fn a_missing_record_hides_its_fields() {
        let p = program("when company.size > 1 add 1\nwhen company.name == \"x\" add 1\n");
        let c = census(&p, &[json!({"id": 1})]);
        let found = report(&p, &c, &RunFacts::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(matches!(&found[0], Finding::Missing { field, .. } if field == "company"));
    }

    #[test]
    fn header_columns_meet_fields_with_did_you_mean() {
        let p = program(RULES);
        let columns: Vec<String> = ["id", "job_title", "company.size", "events", "phone"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let fit = header_fit(p.fields(), &columns, &["id".to_string()]);
        let unread: Vec<(&str, Option<&str>)> = fit
            .unread
            .iter()
            .map(|s| (s.name.as_str(), s.suggestion.as_deref()))
            .collect();
        assert_eq!(unread, [("job_title", Some("jobtitle")), ("phone", None)]);
        assert_eq!(fit.unsupplied.len(), 1);
        assert_eq!(fit.unsupplied[0].suggestion.as_deref(), Some("job_title"));
    }

    #[test]
    fn a_column_named_by_a_source_key_supplies_its_field() {
        let p = program(
            "schema { jobtitle: string? from \"Job Title\" }\nwhen jobtitle contains \"VP\" add 1\n",
        );
        let columns = vec!["Job Title".to_string()];
        let fit = header_fit(p.fields(), &columns, &[]);
        assert_eq!(fit, HeaderFit::default());
    }
}

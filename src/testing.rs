//! The test runner behind `leadscore test`: finds the test blocks of a
//! ruleset, scores each test's lead with the checked rules, and compares
//! the outcome with the expectations.
//!
//! A test file is an ordinary rules file: `x.test.rules` holds
//! `include "x.rules"` and then its `test` blocks, so `check` and `score`
//! work on it as on any rules file (both ignore the tests; `check` reports
//! problems in them). This module does no terminal output; `lead from`
//! files are read through the caller's [`SourceReader`].

use crate::check::testblocks::{parse_time, value_text};
use crate::datafit::Finding;
use crate::eval::account::{Accounts, Plan};
use crate::eval::{DataError, EvalOptions, Outcome, Program};
use crate::rules::Ruleset;
use crate::syntax::ast::{
    CmpOp, ExpectKind, ExpectValueKind, Expectation, Item, Json, JsonKind, LeadKind, Span,
    TestBlock, TestEntry,
};
use crate::syntax::SourceReader;
use crate::Loaded;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::path::{Component, Path};

pub mod junit;
pub mod report;

/// A ruleset and the tests found in it (and in its includes).
#[derive(Debug)]
pub struct Suite {
    /// The entry file's name.
    pub name: String,
    /// The parsed and checked rules.
    pub loaded: Loaded,
    /// Its test blocks, in source order.
    pub tests: Vec<TestBlock>,
    /// The folder includes and `lead from` files may not leave (canonical).
    pub root: std::path::PathBuf,
}

/// Loads the ruleset `entry` and collects its tests. Includes and `lead
/// from` files may be anywhere under `root` (default: the entry file's
/// folder). Fails only when the entry file cannot be read.
pub fn suite(
    entry: &str,
    root: Option<&Path>,
    reader: &dyn SourceReader,
) -> std::io::Result<Suite> {
    let loaded = crate::load_rooted(entry, root, reader)?;
    // The same files parse to the same ids again, so the spans agree with `loaded`.
    let parsed = crate::syntax::load_rooted(entry, root, reader)?;
    let tests = parsed
        .items
        .into_iter()
        .filter_map(|i| match i {
            Item::Test(t) => Some(t),
            _ => None,
        })
        .collect();
    Ok(Suite {
        name: entry.to_string(),
        loaded,
        tests,
        root: crate::syntax::include_root(entry, root, reader),
    })
}

/// Settings of a test run.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Run only tests whose name contains this text.
    pub filter: Option<String>,
    /// The clock of tests without `as_of`.
    pub default_as_of: DateTime<Utc>,
    /// `--timezone`: the zone of local times in datetime fields without one.
    pub zone: Option<jiff::tz::TimeZone>,
}

/// What happened to one test.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseResult {
    /// The test's name.
    pub name: String,
    /// The test's name in the source (for its file and line).
    pub span: Span,
    /// Passed, failed, or could not run.
    pub verdict: Verdict,
    /// The lead, when it could be read.
    pub lead: Option<Value>,
    /// The lead's outcome, when it could be scored.
    pub outcome: Option<Outcome>,
    /// For a test with `expect account`: its account's key and outcome,
    /// when the account could be scored.
    pub account: Option<(String, Outcome)>,
    /// Where the lead and the rules did not meet (see
    /// [`crate::datafit::test_lead`]): a field of the wrong type, a key
    /// that is a typo of a field the rules read.
    pub misfits: Vec<Finding>,
}

/// A test's verdict.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Every expectation held.
    Passed,
    /// These expectations did not hold.
    Failed(Vec<Failure>),
    /// The lead could not be read or scored.
    Broken(Broken),
}

/// Why a test's lead could not be scored; worded in `diagnostics::testing`.
#[derive(Clone, Debug, PartialEq)]
pub enum Broken {
    /// The test has no `lead` line (`check` reports it first).
    NoLead,
    /// Its `lead from` file cannot be read as a lead.
    LeadFile(LeadFileError),
    /// The lead does not fit the schema.
    Unscorable(DataError),
    /// A test with `expect account` whose leads make no account, or more
    /// than one: the keys they make.
    Accounts(Vec<String>),
}

/// A `lead from` file that cannot be read as a lead.
#[derive(Clone, Debug, PartialEq)]
pub struct LeadFileError {
    /// The path as written in the test.
    pub path: String,
    /// What went wrong.
    pub why: LeadFileWhy,
}

/// What is wrong with a `lead from` file.
#[derive(Clone, Debug, PartialEq)]
pub enum LeadFileWhy {
    /// The file could not be opened or read (the system's message).
    Io(String),
    /// The path leaves the rules' folder.
    Outside,
    /// The file is not JSON (the parser's message).
    NotJson(String),
    /// The file is JSON but not one object.
    NotObject,
}

/// One expectation that did not hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// The expectation (without `expect`).
    pub span: Span,
    /// What it is about: `score`, a group or label name, or the rule's label.
    pub what: String,
    /// What was found instead.
    pub actual: Actual,
}

/// The actual value an expectation was tested against.
#[derive(Clone, Debug, PartialEq)]
pub enum Actual {
    /// The score or a group total.
    Number(f64),
    /// A label's value; `None` when no arm matched.
    Label(Option<String>),
    /// Whether the rule fired.
    Fired(bool),
}

impl CaseResult {
    /// `true` when the test passed.
    pub fn passed(&self) -> bool {
        self.verdict == Verdict::Passed
    }
}

/// Runs the tests of `suite` (those the filter selects) with its compiled rules.
pub fn run(
    suite: &Suite,
    program: &Program,
    reader: &dyn SourceReader,
    config: &RunConfig,
) -> Vec<CaseResult> {
    let selected = suite.tests.iter().filter(|t| match &config.filter {
        Some(f) => t.name.node.contains(f.as_str()),
        None => true,
    });
    selected
        .map(|t| run_one(suite, program, reader, config, t))
        .collect()
}

fn run_one(
    suite: &Suite,
    program: &Program,
    reader: &dyn SourceReader,
    config: &RunConfig,
    t: &TestBlock,
) -> CaseResult {
    let mut case = CaseResult {
        name: t.name.node.clone(),
        span: t.name.span,
        verdict: Verdict::Passed,
        lead: None,
        outcome: None,
        account: None,
        misfits: Vec::new(),
    };
    let leads = match leads_of(suite, reader, t) {
        Ok(leads) => leads,
        Err(reason) => {
            case.verdict = Verdict::Broken(reason);
            return case;
        }
    };
    let as_of = t.entries.iter().find_map(|e| match e {
        TestEntry::AsOf(time) => parse_time(&time.node),
        _ => None,
    });
    let opts = EvalOptions {
        as_of: as_of.unwrap_or(config.default_as_of),
    };
    let mut outcomes = Vec::new();
    for lead in &leads {
        let mut census = program.census();
        let scored = program.score_counted(lead, &opts, &mut census);
        if scored.is_ok() {
            case.misfits
                .extend(crate::datafit::test_lead(program, &census, lead));
        }
        case.lead.get_or_insert_with(|| lead.clone());
        match scored {
            Ok(outcome) => outcomes.push(outcome),
            Err(e) => {
                case.verdict = Verdict::Broken(Broken::Unscorable(e));
                return case;
            }
        }
    }
    let expectations = t.entries.iter().filter_map(|e| match e {
        TestEntry::Expect(x) => Some(x),
        _ => None,
    });
    let (of_account, of_lead): (Vec<&Expectation>, Vec<&Expectation>) =
        expectations.partition(|x| x.account);
    let mut failures: Vec<Failure> = of_lead
        .iter()
        .filter_map(|x| judge(program.ruleset(), &outcomes[0], x))
        .collect();
    if !of_account.is_empty() {
        match account_of(program, &leads, &opts) {
            Ok((account, key, outcome)) => {
                failures.extend(
                    of_account
                        .iter()
                        .filter_map(|x| judge(account.ruleset(), &outcome, x)),
                );
                case.account = Some((key, outcome));
            }
            Err(reason) => {
                case.verdict = Verdict::Broken(reason);
                return case;
            }
        }
    }
    if !failures.is_empty() {
        case.verdict = Verdict::Failed(failures);
    }
    case.outcome = outcomes.into_iter().next();
    case
}

/// The one account the test's scored leads make, scored by the `account`
/// block (compiled in the lead rules' zone), with its key.
fn account_of(
    program: &Program,
    leads: &[Value],
    opts: &EvalOptions,
) -> Result<(Program, String, Outcome), Broken> {
    let Some(plan) = Plan::of(program.ruleset()) else {
        return Err(Broken::Accounts(Vec::new()));
    };
    let lead_program = plan.lead_program();
    let mut accounts = Accounts::default();
    for lead in leads {
        let mut outcome = lead_program.score(lead, opts).map_err(Broken::Unscorable)?;
        accounts.add(&plan, &mut outcome, Some(lead));
    }
    let account = plan.account_program();
    let mut done: Vec<_> = accounts.finish(&plan, &account, opts).collect();
    if done.len() != 1 {
        return Err(Broken::Accounts(done.into_iter().map(|a| a.key).collect()));
    }
    let scored = done.remove(0);
    let outcome = scored.result.map_err(Broken::Unscorable)?;
    Ok((account, scored.key, outcome))
}

/// The test's leads: each inline JSON, or the JSON file it names, in order.
fn leads_of(suite: &Suite, reader: &dyn SourceReader, t: &TestBlock) -> Result<Vec<Value>, Broken> {
    let sources = t.entries.iter().filter_map(|e| match e {
        TestEntry::Lead(l) => Some(&l.kind),
        _ => None,
    });
    let leads: Vec<Value> = sources
        .map(|source| match source {
            LeadKind::Inline(json) => Ok(to_value(json)),
            LeadKind::File(path) => {
                let file = suite.loaded.sources.get(path.span.file).name.as_str();
                read_lead(&suite.root, file, &path.node, reader).map_err(Broken::LeadFile)
            }
        })
        .collect::<Result<_, _>>()?;
    if leads.is_empty() {
        return Err(Broken::NoLead);
    }
    Ok(leads)
}

/// A `lead from` file that cannot be read as a lead, found without running the test.
#[derive(Clone, Debug, PartialEq)]
pub struct LeadFileProblem {
    /// The path as written, quotes included.
    pub span: Span,
    /// Why it cannot be read.
    pub error: LeadFileError,
}

/// Every `lead from` file of the suite's tests that cannot be read as a lead.
pub fn lead_file_problems(suite: &Suite, reader: &dyn SourceReader) -> Vec<LeadFileProblem> {
    let files = suite.tests.iter().flat_map(|t| &t.entries);
    let paths = files.filter_map(|e| match e {
        TestEntry::Lead(l) => match &l.kind {
            LeadKind::File(path) => Some(path),
            LeadKind::Inline(_) => None,
        },
        _ => None,
    });
    paths
        .filter_map(|path| {
            let file = suite.loaded.sources.get(path.span.file).name.as_str();
            let error = read_lead(&suite.root, file, &path.node, reader).err()?;
            Some(LeadFileProblem {
                span: path.span,
                error,
            })
        })
        .collect()
}

/// Reads `lead from PATH`: relative to the test's file, inside `root`.
pub fn read_lead(
    root: &Path,
    file: &str,
    path: &str,
    reader: &dyn SourceReader,
) -> Result<Value, LeadFileError> {
    let joined = Path::new(file).parent().unwrap_or(Path::new("")).join(path);
    let cannot = |why| LeadFileError {
        path: path.to_string(),
        why,
    };
    let io = |e: std::io::Error| cannot(LeadFileWhy::Io(e.to_string()));
    let canonical = reader.canonicalize(&joined).map_err(io)?;
    let climbs = canonical.components().any(|c| c == Component::ParentDir);
    if Path::new(path).is_absolute() || climbs || !canonical.starts_with(root) {
        return Err(cannot(LeadFileWhy::Outside));
    }
    let text = reader.read(&joined).map_err(io)?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| cannot(LeadFileWhy::NotJson(e.to_string())))?;
    if !value.is_object() {
        return Err(cannot(LeadFileWhy::NotObject));
    }
    Ok(value)
}

/// A lead literal as a JSON value.
pub fn to_value(json: &Json) -> Value {
    match &json.kind {
        JsonKind::Null => Value::Null,
        JsonKind::Bool(b) => Value::Bool(*b),
        JsonKind::Number(text) => serde_json::from_str(text).unwrap_or(Value::Null),
        JsonKind::String(s) => Value::String(s.clone()),
        JsonKind::Array(items) => Value::Array(items.iter().map(to_value).collect()),
        JsonKind::Object(members) => Value::Object(
            members
                .iter()
                .map(|m| (m.key.node.clone(), to_value(&m.value)))
                .collect(),
        ),
    }
}

/// The failure of expectation `x` on `outcome`, or `None` when it holds.
/// An expectation the checker would reject (unknown names) fails with what was found.
fn judge(rules: &Ruleset, outcome: &Outcome, x: &Expectation) -> Option<Failure> {
    let target = match &x.kind {
        ExpectKind::Fired { rule, fired } => {
            let i = rules.rules.iter().position(|r| r.label == rule.node)?;
            let actual = outcome.rules[i].fired;
            return (actual != *fired).then(|| Failure {
                span: x.span,
                what: rule.node.clone(),
                actual: Actual::Fired(actual),
            });
        }
        ExpectKind::Compare { target, .. }
        | ExpectKind::Between { target, .. }
        | ExpectKind::Presence { target, .. } => &target.node,
    };
    let fail = |actual| {
        Some(Failure {
            span: x.span,
            what: target.clone(),
            actual,
        })
    };
    if let Some(l) = rules.labels.iter().position(|l| &l.name == target) {
        let value = outcome.labels[l].map(|arm| rules.labels[l].arms[arm].value.clone());
        let holds = match &x.kind {
            ExpectKind::Presence { present, .. } => value.is_some() == *present,
            ExpectKind::Compare {
                op, value: want, ..
            } => {
                let equal = value.as_deref() == Some(value_text(want).as_str());
                equal == (*op == CmpOp::Eq)
            }
            // The checker refuses a range on a label; `fired` is judged above.
            ExpectKind::Between { .. } | ExpectKind::Fired { .. } => false,
        };
        return if holds {
            None
        } else {
            fail(Actual::Label(value))
        };
    }
    let actual = if target == "score" {
        outcome.score
    } else {
        let g = rules.groups.iter().position(|g| &g.name == target)?;
        outcome.groups[g]
    };
    let holds = match &x.kind {
        ExpectKind::Compare { op, value, .. } => match value.kind {
            ExpectValueKind::Number(n) => compare(actual, *op, n),
            ExpectValueKind::Text(_) => false,
        },
        ExpectKind::Between { low, high, .. } => actual >= low.node && actual <= high.node,
        // The checker refuses `is present` on a number; `fired` is judged above.
        ExpectKind::Presence { .. } | ExpectKind::Fired { .. } => false,
    };
    if holds {
        None
    } else {
        fail(Actual::Number(actual))
    }
}

/// `a OP b`, with `==` and `!=` tolerant of rounding in the last bits.
fn compare(a: f64, op: CmpOp, b: f64) -> bool {
    let equal = (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
    match op {
        CmpOp::Eq => equal,
        CmpOp::Ne => !equal,
        CmpOp::Lt => a < b && !equal,
        CmpOp::Le => a <= b || equal,
        CmpOp::Gt => a > b && !equal,
        CmpOp::Ge => a >= b || equal,
    }
}

/// Which rules of a ruleset the tests fired: by rule index, `true` when any test fired it.
pub fn fired_rules(rules: &Ruleset, cases: &[CaseResult]) -> Vec<bool> {
    let mut fired = vec![false; rules.rules.len()];
    for outcome in cases.iter().filter_map(|c| c.outcome.as_ref()) {
        for (f, o) in fired.iter_mut().zip(&outcome.rules) {
            *f |= o.fired;
        }
    }
    fired
}

#[cfg(test)]
mod tests;

//! The accounts' side of a diff. When both versions have an `account`
//! block, each version's leads are rolled up into its accounts while they
//! are scored, as `score --accounts` does (`eval::account`: per lead only
//! the values the block reads), and the two versions' accounts are then
//! joined by key in key order, one pair at a time. When only one version
//! has a block, nothing is rolled up: the report says which.

use super::{Acc, Config, Impact};
use crate::eval::account::{Account, Accounts, Plan};
use crate::eval::{DataError, Outcome, Program};
use serde_json::Value;
use std::cmp::Ordering;
use std::iter::Peekable;

/// What changed for the accounts, or which version has no `account` block.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum AccountChange {
    /// Neither version has an `account` block.
    #[default]
    Neither,
    /// Only the old version has one, keyed by this path: not compared.
    OnlyOld(Vec<String>),
    /// Only the new version has one, keyed by this path: not compared.
    OnlyNew(Vec<String>),
    /// Both have one: the comparison.
    Both(Box<AccountReport>),
}

/// The accounts of both versions, compared.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccountReport {
    /// Each version's key path (old, new).
    pub key: (Vec<String>, Vec<String>),
    /// How many accounts each version has.
    pub accounts: (usize, usize),
    /// Leads each version scored without a key (in no account).
    pub without_key: (u64, u64),
    /// What changed for the accounts both versions have (matched by key).
    pub impact: Impact,
    /// Accounts only the old version has (e.g. the key field changed).
    pub only_old: Unmatched,
    /// Accounts only the new version has.
    pub only_new: Unmatched,
}

/// The accounts only one version has.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unmatched {
    /// How many.
    pub count: usize,
    /// The first of them in key order (at most the sample size).
    pub first: Vec<Alone>,
}

/// One account only one version has.
#[derive(Clone, Debug, PartialEq)]
pub struct Alone {
    /// Its key.
    pub key: String,
    /// How many of its leads were scored.
    pub leads: usize,
    /// Its score; `None` when it could not be scored.
    pub score: Option<f64>,
}

impl Unmatched {
    fn add(&mut self, account: Account, keep: usize) {
        self.count += 1;
        if self.first.len() < keep {
            self.first.push(Alone {
                key: account.key,
                leads: account.leads,
                score: account.result.ok().map(|o| o.score),
            });
        }
    }
}

/// The two versions of the rules as `diff` runs them.
#[derive(Debug)]
pub struct Versions {
    /// The old lead rules, compiled for the run (see [`Versions::new`]).
    pub old: Program,
    /// The new lead rules, compiled for the run.
    pub new: Program,
    blocks: Blocks,
}

/// Which versions have an `account` block; when both do, their roll-ups.
#[derive(Debug)]
enum Blocks {
    /// Neither has one.
    Neither,
    /// Only the old, keyed by this path.
    OnlyOld(Vec<String>),
    /// Only the new, keyed by this path.
    OnlyNew(Vec<String>),
    /// Both: (old, new).
    Both(Box<(Roll, Roll)>),
}

/// One version's account roll-up.
#[derive(Debug)]
struct Roll {
    plan: Plan,
    program: Program,
}

impl Roll {
    fn of(plan: Plan) -> Roll {
        let program = plan.account_program();
        Roll { plan, program }
    }

    /// Adds a lead this version scored (an error record is in no account).
    fn add(&self, into: &mut Accounts, scored: Result<Outcome, DataError>, lead: &Value) {
        if let Ok(mut outcome) = scored {
            let lead = self.plan.needs_lead().then_some(lead);
            into.add(&self.plan, &mut outcome, lead);
        }
    }
}

impl Versions {
    /// The two versions as `diff` runs them: when both have an `account`
    /// block, each compiled to also keep what its accounts read of a lead;
    /// otherwise as they are.
    pub fn new(old: Program, new: Program) -> Versions {
        match (Plan::of(old.ruleset()), Plan::of(new.ruleset())) {
            (None, None) => Versions::unrolled(old, new, Blocks::Neither),
            (Some(p), None) => Versions::unrolled(old, new, Blocks::OnlyOld(p.key().to_vec())),
            (None, Some(p)) => Versions::unrolled(old, new, Blocks::OnlyNew(p.key().to_vec())),
            (Some(a), Some(b)) => Versions {
                old: a.lead_program(),
                new: b.lead_program(),
                blocks: Blocks::Both(Box::new((Roll::of(a), Roll::of(b)))),
            },
        }
    }

    fn unrolled(old: Program, new: Program, blocks: Blocks) -> Versions {
        Versions { old, new, blocks }
    }

    /// Adds a lead, as each version scored it, to that version's accounts
    /// (only when both versions have an `account` block).
    pub(super) fn gather(
        &self,
        into: &mut (Accounts, Accounts),
        scored: (Result<Outcome, DataError>, Result<Outcome, DataError>),
        lead: &Value,
    ) {
        if let Blocks::Both(rolls) = &self.blocks {
            rolls.0.add(&mut into.0, scored.0, lead);
            rolls.1.add(&mut into.1, scored.1, lead);
        }
    }

    /// The accounts gathered by [`Versions::gather`], compared.
    pub(super) fn accounts(
        &self,
        gathered: (Accounts, Accounts),
        config: &Config,
    ) -> AccountChange {
        match &self.blocks {
            Blocks::Neither => AccountChange::Neither,
            Blocks::OnlyOld(key) => AccountChange::OnlyOld(key.clone()),
            Blocks::OnlyNew(key) => AccountChange::OnlyNew(key.clone()),
            Blocks::Both(rolls) => AccountChange::Both(Box::new(join(rolls, gathered, config))),
        }
    }
}

/// Scores both versions' accounts, one at a time in key order, and
/// compares those with the same key.
fn join(rolls: &(Roll, Roll), gathered: (Accounts, Accounts), config: &Config) -> AccountReport {
    let (ro, rn) = rolls;
    let (a, b) = gathered;
    let mut report = AccountReport {
        key: (ro.plan.key().to_vec(), rn.plan.key().to_vec()),
        accounts: (a.len(), b.len()),
        without_key: (a.without_key, b.without_key),
        ..AccountReport::default()
    };
    let mut acc = Acc::new(ro.program.ruleset(), rn.program.ruleset());
    let mut olds = a.finish(&ro.plan, &ro.program, &config.eval).peekable();
    let mut news = b.finish(&rn.plan, &rn.program, &config.eval).peekable();
    let programs = (&ro.program, &rn.program);
    while let Some(joined) = next(&mut olds, &mut news) {
        match joined {
            Joined::Old(x) => report.only_old.add(x, config.sample),
            Joined::New(y) => report.only_new.add(y, config.sample),
            Joined::Both(pair) => match (&pair.0.result, &pair.1.result) {
                (Ok(a), Ok(b)) => acc.add(programs, pair.0.key.clone(), (a, b), config.sample),
                (Err(_), _) | (_, Err(_)) => acc.impact.errors += 1,
            },
        }
    }
    report.impact = acc.finish();
    report
}

/// The next account in key order, of one version or of both.
enum Joined {
    Old(Account),
    New(Account),
    Both(Box<(Account, Account)>),
}

/// The next of two key-ordered account streams.
fn next<A, B>(olds: &mut Peekable<A>, news: &mut Peekable<B>) -> Option<Joined>
where
    A: Iterator<Item = Account>,
    B: Iterator<Item = Account>,
{
    let order = match (olds.peek(), news.peek()) {
        (None, None) => return None,
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (Some(x), Some(y)) => x.key.cmp(&y.key),
    };
    match order {
        Ordering::Less => olds.next().map(Joined::Old),
        Ordering::Greater => news.next().map(Joined::New),
        Ordering::Equal => Some(Joined::Both(Box::new((olds.next()?, news.next()?)))),
    }
}

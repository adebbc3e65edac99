//! `score --accounts FILE`: the leads' accounts, rolled up while the leads
//! are scored (see `eval/account.rs`) and written, one record per account
//! in key order, once every lead is in.

use super::super::output::{self, Asked, OutputFile, Scored, Shape, Writer};
use super::super::{note, ScoreArgs, Stop};
use super::write_back::Columns;
use crate::diagnostics::{cli as words, io as io_words};
use crate::eval::account::{Account, Accounts, Plan};
use crate::eval::{EvalOptions, Outcome, Program, RecordNames};
use serde_json::Value;
use std::path::Path;

/// The account rules of a run that writes accounts.
pub struct Roll {
    /// What the account rules read of each lead.
    pub plan: Plan,
    /// The account rules, compiled.
    pub program: Program,
}

impl Roll {
    /// The roll-up `--accounts` asks for, and the lead rules `leads`
    /// compiled to keep what the accounts read of each lead; an error when
    /// the rules have no `account` block. `leads` as it is and `None`
    /// without `--accounts`.
    pub fn of(args: &ScoreArgs, leads: Program) -> Result<(Program, Option<Roll>), Stop> {
        let flag = match (args.accounts.as_deref(), args.account_columns) {
            (Some(path), _) => format!("--accounts {}", path.display()),
            (None, true) => "--account-columns".to_string(),
            (None, false) => return Ok((leads, None)),
        };
        let Some(plan) = Plan::of(leads.ruleset()) else {
            return Err(Stop::Trouble(words::no_account_block(&flag, &args.rules)));
        };
        let program = plan.account_program();
        Ok((plan.lead_program(), Some(Roll { plan, program })))
    }

    /// Whether adding a lead needs the lead itself (see [`Plan::needs_lead`]).
    pub fn needs_lead(&self) -> bool {
        self.plan.needs_lead()
    }

    /// Adds a lead scored with `outcome` to its account in `into`, handing
    /// its key to `note` when it has one.
    pub fn add(
        &self,
        into: &mut Option<Accounts>,
        outcome: &mut Outcome,
        lead: Option<&Value>,
        note: impl FnOnce(&str),
    ) {
        let accounts = into.get_or_insert_with(Accounts::default);
        accounts.add_noting(&self.plan, outcome, lead, note);
    }

    /// Scores the accounts, writes them to the `--accounts` file when there
    /// is one and keeps their values in `columns` when given; returns how
    /// many accounts could not be scored.
    pub fn finish(
        &self,
        args: &ScoreArgs,
        accounts: Accounts,
        opts: &EvalOptions,
        mut columns: Option<&mut Columns>,
    ) -> Result<u64, Stop> {
        let without_key = accounts.without_key;
        let scored = accounts.finish(&self.plan, &self.program, opts);
        let rules = self.program.ruleset();
        let mut keep = |account: &Account| {
            if let Some(columns) = columns.as_deref_mut() {
                columns.add(rules, account);
            }
        };
        match args.accounts.as_deref() {
            Some(path) => self.write(path, args.explain, without_key, scored, &mut keep),
            None => Ok(scored
                .map(|a| {
                    keep(&a);
                    u64::from(a.result.is_err())
                })
                .sum()),
        }
    }

    /// Writes the `accounts` to `path` (JSON Lines, or CSV / TSV by its
    /// extension, as `-o`), handing each to `keep`; returns how many
    /// account records could not be scored.
    fn write(
        &self,
        path: &Path,
        explain: bool,
        without_key: u64,
        accounts: impl Iterator<Item = Account>,
        keep: &mut impl FnMut(&Account),
    ) -> Result<u64, Stop> {
        let format = output::format_for(None, Some(path)).map_err(Stop::Trouble)?;
        let cannot = |e| Stop::Trouble(io_words::cannot_write(path, &e));
        let file = OutputFile::create(path).map_err(cannot)?;
        let handle = file.handle().map_err(cannot)?;
        let config = output::Config {
            format,
            explain: explain && format == crate::cli::OutputFormat::Jsonl,
        };
        let mut out = Writer::new(Box::new(handle), self.shape()?, config).map_err(Stop::write)?;
        let (mut failed, mut written) = (0, 0u64);
        for account in accounts {
            written += 1;
            keep(&account);
            let scored = Scored {
                id: Value::from(account.key.as_str()),
                kept: vec![Value::from(account.leads)],
                result: account.result.map_err(|e| e.to_string()),
            };
            failed += u64::from(scored.result.is_err());
            out.write(&self.program, &scored).map_err(Stop::write)?;
        }
        out.finish().map_err(Stop::write)?;
        file.commit()
            .map_err(|e| Stop::Trouble(io_words::output_failed(&e)))?;
        if !super::super::settings().quiet {
            note(&words::accounts_written(path, written, without_key));
        }
        Ok(failed)
    }

    /// The columns of an account record: `account`, `leads`, `score`, the
    /// account's group totals and labels.
    fn shape(&self) -> Result<Shape, Stop> {
        let names = RecordNames::of(self.program.ruleset());
        let asked = Asked {
            keep: &["leads".to_string()],
            rename: &["id=account".to_string()],
            csv_raw: false,
        };
        Shape::new(names, &crate::rules::Type::Any, asked).map_err(Stop::Trouble)
    }
}

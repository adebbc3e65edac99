//! The account context. `:account KEY` makes expressions and `:type` read
//! as the `account` block does (`leads`, the account's fields, its `let`s,
//! `score` and totals), for the account that the loaded leads with that key
//! make; `:account` alone gives the context without an account (types
//! only); `:accounts` lists the accounts; `:score` and `:explain` show the
//! chosen account as `explain --account KEY` does; `:lead` goes back to the
//! lead.
//! Every answer rolls the loaded leads up again with the rules in force, so
//! a reload is seen at once.

use super::session::{Context, Session, PROBE};
use super::show;
use crate::diagnostics::repl as words;
use crate::eval::account::{Account, Accounts, Plan};
use crate::eval::{EvalOptions, Program};
use crate::rules::{AccountDef, Ruleset, Type};
use crate::Loaded;
use serde_json::Value;
use std::fmt::Write as _;

impl Session {
    /// `:account` (the account context, no account chosen) or `:account KEY`.
    pub(super) fn select_account(&mut self, arg: &str) -> String {
        let Some(plan) = Plan::of(&self.zoned(self.program().ruleset())) else {
            return words::NO_ACCOUNT_BLOCK.into();
        };
        if arg.is_empty() {
            self.context = Context::Account(None);
            return words::ACCOUNT_CONTEXT.into();
        }
        let key = key_text(arg);
        let (program, account) = match self.find_account(&plan, &key) {
            Ok(found) => found,
            Err(message) => return message,
        };
        self.context = Context::Account(Some(key));
        format!(
            "{}\n{}",
            account_line(&program, &account),
            words::ACCOUNT_CHOSEN
        )
    }

    /// `:score` in the account context: the chosen account's score and
    /// labels.
    pub(super) fn score_account(&self, key: Option<&str>) -> String {
        self.with_account(key, ":score", account_line)
    }

    /// `:explain` in the account context: the chosen account's breakdown,
    /// as `explain --account KEY` prints it.
    pub(super) fn explain_account(&self, key: Option<&str>) -> String {
        self.with_account(key, ":explain", |program, account| {
            crate::cli::explain::account_text(program.ruleset(), account)
        })
    }

    /// Runs `show` on the account `key` of the loaded leads, rolled up with
    /// the rules in force; says why not when no account is chosen, the
    /// rules have no block or no lead has the key.
    fn with_account(
        &self,
        key: Option<&str>,
        command: &str,
        show: impl Fn(&Program, &Account) -> String,
    ) -> String {
        let Some(key) = key else {
            return words::no_account_chosen(command);
        };
        let Some(plan) = Plan::of(&self.zoned(self.program().ruleset())) else {
            return words::NO_ACCOUNT_BLOCK.into();
        };
        match self.find_account(&plan, key) {
            Ok((program, account)) => show(&program, &account),
            Err(message) => message,
        }
    }

    /// The account program of `plan` and the account `key` of the loaded
    /// leads, or the error that says no lead has that key.
    fn find_account(&self, plan: &Plan, key: &str) -> Result<(Program, Account), String> {
        let program = plan.account_program();
        let found = roll_up(plan, &self.leads, &self.opts)
            .finish(plan, &program, &self.opts)
            .find(|a| a.key == key);
        match found {
            Some(account) => Ok((program, account)),
            None => Err(words::no_such_account(key, self.leads.len() as u64)),
        }
    }

    /// `:accounts`: each account of the loaded leads, in key order.
    pub(super) fn list_accounts(&self) -> String {
        let Some(plan) = Plan::of(&self.zoned(self.program().ruleset())) else {
            return words::NO_ACCOUNT_BLOCK.into();
        };
        let program = plan.account_program();
        let accounts = roll_up(&plan, &self.leads, &self.opts);
        let (without, unscored) = (accounts.without_key, accounts.unscored);
        let mut text = String::new();
        for account in accounts.finish(&plan, &program, &self.opts) {
            let _ = writeln!(text, "{}", account_line(&program, &account));
        }
        if text.is_empty() {
            let _ = writeln!(text, "{}", words::NO_ACCOUNTS);
        }
        if without > 0 {
            let _ = writeln!(text, "{}", words::without_key(without));
        }
        if unscored > 0 {
            let _ = writeln!(text, "{}", words::unscored(unscored));
        }
        text
    }

    /// An expression read as the account block reads it, for the account
    /// `key` (only its type without one): `value : type`.
    pub(super) fn eval_account_expr(&self, text: &str, key: Option<&str>) -> String {
        let (rules, ty) = match self.account_probe(text) {
            Ok(found) => found,
            Err(message) => return message,
        };
        let Some(key) = key else {
            return words::type_without_account(&ty.to_string());
        };
        let Some(plan) = Plan::of(&rules) else {
            return words::NO_ACCOUNT_BLOCK.into();
        };
        let (program, account) = match self.find_account(&plan, key) {
            Ok(found) => found,
            Err(message) => return message,
        };
        let index = program.ruleset().lets.iter().position(|l| l.name == PROBE);
        let index = index.expect("the probe let is in the account rules");
        match program.eval_let(&account.record, &self.opts, index) {
            Ok(value) => format!("{value} : {ty}"),
            Err(e) => words::eval_error(e, ty),
        }
    }

    /// `:type` in the account context.
    pub(super) fn account_type_of(&self, text: &str) -> String {
        match self.account_probe(text) {
            Ok((_, ty)) => format!("{text} : {ty}"),
            Err(message) => message,
        }
    }

    /// The errors of an expression that failed in the lead context, and a
    /// note when it reads as an account expression.
    pub(super) fn account_hint(&self, text: &str, diagnostics: String) -> String {
        let in_account =
            self.program().ruleset().account.is_some() && self.probe_load(text, true).is_ok();
        match in_account {
            true => format!("{diagnostics}{}", words::reads_as_account(text)),
            false => diagnostics,
        }
    }

    /// Names for completion in the account context: the account's fields,
    /// `leads` and the paths of its elements, the block's `let`s, groups
    /// and labels, and `score`.
    pub(super) fn account_names(&self) -> Vec<String> {
        let Some(def) = self.program().ruleset().account.as_deref() else {
            return Vec::new();
        };
        let rules = &def.rules;
        let mut names = Vec::new();
        show::field_paths(&rules.lead_type, &mut Vec::new(), &mut names);
        if let Some(element) = leads_element(&rules.lead_type) {
            show::field_paths(element, &mut vec![AccountDef::LEADS], &mut names);
        }
        names.extend(rules.lets.iter().map(|l| l.name.clone()));
        names.extend(rules.groups.iter().map(|g| g.name.clone()));
        names.extend(rules.labels.iter().map(|l| l.name.clone()));
        names.push("score".into());
        names
    }

    /// The rules in force with `text` checked as the account block's last
    /// `let` (zoned as the session's) and its type, or why not.
    fn account_probe(&self, text: &str) -> Result<(Ruleset, Type), String> {
        if self.program().ruleset().account.is_none() {
            return Err(words::NO_ACCOUNT_BLOCK.into());
        }
        let loaded: Loaded = self.probe_load(text, true)?;
        let rules = loaded.ruleset.expect("a clean load has a ruleset");
        let ty = probe_type(&rules).ok_or(words::NO_ACCOUNT_BLOCK)?;
        Ok((self.zoned(&rules), ty))
    }

    /// `rules` in the session's `--timezone`.
    fn zoned(&self, rules: &Ruleset) -> Ruleset {
        match &self.zone {
            Some(zone) => rules.in_zone(zone),
            None => rules.clone(),
        }
    }
}

/// A key as the roll-up writes it: trimmed, in lower case (a JSON string
/// is read as its text).
fn key_text(arg: &str) -> String {
    let text = match serde_json::from_str::<Value>(arg) {
        Ok(Value::String(s)) => s,
        _ => arg.to_string(),
    };
    text.trim().to_lowercase()
}

/// Scores the loaded leads and rolls them up (a lead that cannot be scored
/// is in no account).
fn roll_up(plan: &Plan, leads: &[Value], opts: &EvalOptions) -> Accounts {
    let program = plan.lead_program();
    let mut accounts = Accounts::default();
    for lead in leads {
        match program.score(lead, opts) {
            Ok(mut outcome) => accounts.add(plan, &mut outcome, Some(lead)),
            Err(_) => accounts.add_unscored(Some(&plan.key_value(lead))),
        }
    }
    accounts
}

/// `account acme.com (3 leads): score 150  account_tier hot`.
fn account_line(program: &Program, account: &Account) -> String {
    let what = match &account.result {
        Ok(outcome) => show::outcome_line(program.ruleset(), outcome),
        Err(e) => words::error(e),
    };
    let title = crate::diagnostics::cli::account_title(&account.key, Some(account.leads));
    format!("{title}: {what}")
}

/// The type of the REPL's `let` in the account block of `rules`.
fn probe_type(rules: &Ruleset) -> Option<Type> {
    let lets = &rules.account.as_deref()?.rules.lets;
    let found = lets.iter().find(|l| l.name == PROBE)?;
    Some(found.value.ty.clone())
}

/// The element type of `leads` in the account's record type.
fn leads_element(account: &Type) -> Option<&Type> {
    match &account.field_by_key(AccountDef::LEADS)?.ty {
        Type::List(element) => Some(element),
        Type::String
        | Type::Int
        | Type::Number
        | Type::Bool
        | Type::Datetime
        | Type::Duration
        | Type::Regex
        | Type::Record(_)
        | Type::Any => None,
    }
}

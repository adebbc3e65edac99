//! What each `:command` does to a [`Session`].

use super::commands::{Command, COMMANDS};
use super::session::{Context, Session};
use super::show;
use crate::cli::explain::explanation;
use crate::cli::input;
use crate::cli::output::Scored;
use crate::cli::InputFormat;
use crate::diagnostics::repl as words;
use crate::diagnostics::visible::visible;
use crate::eval::{DataError, PathSeg};
use serde_json::{Map, Value};
use std::path::PathBuf;

impl Session {
    /// Runs a command (other than `:quit`) and returns the text to print.
    pub(super) fn command(&mut self, c: Command) -> String {
        match c {
            Command::Lead(arg) => self.set_lead(arg),
            Command::Account(arg) => self.select_account(arg),
            Command::Accounts => self.list_accounts(),
            Command::Set(field, value) => self.set_field(field, value),
            Command::Leads => show::leads(self.program(), &self.leads, &self.opts),
            Command::Score => match &self.context {
                Context::Lead => {
                    self.with_lead(|s, lead| show::headline(s.program(), lead, &s.opts))
                }
                Context::Account(key) => self.score_account(key.as_deref()),
            },
            Command::Explain => match &self.context {
                Context::Lead => self.with_lead(|s, lead| {
                    let scored = Scored {
                        id: lead.get("id").cloned().unwrap_or(Value::Null),
                        kept: Vec::new(),
                        result: s.program().score(lead, &s.opts).map_err(|e| e.to_string()),
                    };
                    explanation(s.program().ruleset(), &scored, None)
                }),
                Context::Account(key) => self.explain_account(key.as_deref()),
            },
            Command::AsOf(text) => match crate::cli::parse_as_of(text) {
                Ok(t) => {
                    self.opts.as_of = t;
                    words::as_of(&t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
                }
                Err(e) => words::error(e),
            },
            Command::Load(file) if !std::path::Path::new(file).is_file() => {
                words::no_rules_file(file)
            }
            Command::Load(file) => {
                self.files.push(PathBuf::from(file));
                self.reload_as(words::RELOADED).text
            }
            Command::Reload => self.reload_as(words::RELOADED).text,
            Command::Rules => show::rules(self.program().ruleset()),
            Command::Type(text) => self.type_of(text),
            Command::Schema => show::schema(self.program().ruleset()),
            Command::Save(file) => self.save(file),
            Command::Help => help(),
            Command::Quit => String::new(),
        }
    }

    fn with_lead(&self, f: impl Fn(&Session, &Value) -> String) -> String {
        match &self.lead {
            Some(lead) => f(self, lead),
            None => words::NO_LEAD.into(),
        }
    }

    /// `:lead {json}`, `:lead N` (1-based position in `--leads`) or
    /// `:lead ID` (the loaded lead whose `id` is ID).
    fn set_lead(&mut self, arg: &str) -> String {
        if arg.is_empty() {
            let back = std::mem::take(&mut self.context) != Context::Lead;
            let now = self.with_lead(|s, lead| show::headline(s.program(), lead, &s.opts));
            return match back {
                true => words::lead_again(&now),
                false => now,
            };
        }
        let lead = if arg.starts_with('{') {
            match serde_json::from_str::<Value>(arg) {
                Ok(v @ Value::Object(_)) => v,
                Ok(_) => return words::LEAD_NOT_OBJECT.into(),
                Err(e) => return words::lead_not_json(e),
            }
        } else {
            match self.find_lead(arg) {
                Ok(lead) => lead.clone(),
                Err(message) => return message,
            }
        };
        self.lead = Some(lead);
        self.context = Context::Lead;
        self.with_lead(|s, lead| show::headline(s.program(), lead, &s.opts))
    }

    /// The loaded lead at position `arg` (1-based), or else the one whose
    /// `id` is `arg` (written bare, or as JSON: `"L-1"`, `17`).
    fn find_lead(&self, arg: &str) -> Result<&Value, String> {
        let at = arg.parse::<usize>().ok().and_then(|n| n.checked_sub(1));
        if let Some(lead) = at.and_then(|i| self.leads.get(i)) {
            return Ok(lead);
        }
        let wanted = serde_json::from_str::<Value>(arg).unwrap_or_else(|_| Value::from(arg));
        let same = |id: &Value| id == &wanted || id.as_str() == Some(arg);
        let found = self.leads.iter().find(|l| l.get("id").is_some_and(same));
        found.ok_or_else(|| words::no_such_lead(arg, self.leads.len()))
    }

    /// `:set company.size 250`: the value is JSON, or else a bare word taken
    /// as text. A value the schema rejects leaves the lead as it was.
    fn set_field(&mut self, field: &str, value: &str) -> String {
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::from(value));
        let mut lead = self
            .lead
            .clone()
            .unwrap_or_else(|| Value::Object(Map::new()));
        put(&mut lead, field, value);
        if let Err(e) = self.program().score(&lead, &self.opts) {
            if names_field(&e, field) {
                return words::set_refused(e);
            }
        }
        self.lead = Some(lead);
        self.with_lead(|s, lead| show::headline(s.program(), lead, &s.opts))
    }

    /// Reads leads from a file for `:lead N` and `:leads`; says how many,
    /// and which were skipped, as printed (decision 70).
    pub fn load_leads(&mut self, path: &str) -> String {
        visible(&self.read_leads(path)).into_owned()
    }

    /// [`Session::load_leads`], before escaping.
    fn read_leads(&mut self, path: &str) -> String {
        let read = input::open(path).and_then(|source| {
            let read = input::Reading::new(InputFormat::Auto, &self.program().ruleset().lead_type);
            input::leads(source, &read)
        });
        let leads = match read {
            Ok(leads) => leads,
            Err(e) => return words::error(e),
        };
        let mut skipped = Vec::new();
        for lead in leads {
            match lead {
                Ok(input::Lead { value: Ok(v), .. }) => self.leads.push(v),
                Ok(input::Lead {
                    value: Err(bad),
                    at,
                    ..
                }) => skipped.push(words::lead_skipped(path, at, &bad.message)),
                Err(e) => return words::cannot_read(path, e),
            }
        }
        let mut text = words::leads_read(self.leads.len(), path);
        for line in skipped {
            text.push('\n');
            text.push_str(&line);
        }
        text
    }
}

/// Sets the field at the dotted path `field` of `lead`, making objects on the way.
fn put(lead: &mut Value, field: &str, value: Value) {
    let mut at = lead;
    for segment in field.split('.') {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        at = at
            .as_object_mut()
            .expect("made an object")
            .entry(segment)
            .or_insert(Value::Null);
    }
    *at = value;
}

/// `true` when a data error is about `field` or something inside it: its
/// path starts with the field's path.
fn names_field(e: &DataError, field: &str) -> bool {
    let keys: Vec<&str> = e
        .path
        .iter()
        .map_while(|seg| match seg {
            PathSeg::Key(k) => Some(k.as_str()),
            PathSeg::Index(_) => None,
        })
        .collect();
    let want: Vec<&str> = field.split('.').collect();
    keys.starts_with(&want)
}

/// `:help`: the commands, and what else can be typed.
fn help() -> String {
    let mut text = String::from(
        "Type an expression to see its value and type for the current lead,\n\
         or a rule, let, group or label to add it to the session.\n\n",
    );
    for (name, args, what) in COMMANDS.iter().filter(|c| c.0 != ":q") {
        let head = format!("{name} {args}");
        text.push_str(&format!("  {head:<22} {what}\n"));
    }
    text.push_str("\nRules files are reloaded when they change on disk.");
    text
}

//! What each `:command` does to a [`Session`].

use super::commands::{Command, COMMANDS};
use super::session::Session;
use super::show;
use crate::cli::explain::explanation;
use crate::cli::input;
use crate::cli::output::Scored;
use crate::cli::InputFormat;
use serde_json::{Map, Value};
use std::path::PathBuf;

impl Session {
    /// Runs a command (other than `:quit`) and returns the text to print.
    pub(super) fn command(&mut self, c: Command) -> String {
        match c {
            Command::Lead(arg) => self.set_lead(arg),
            Command::Set(field, value) => self.set_field(field, value),
            Command::Leads => show::leads(self.program(), &self.leads, &self.opts),
            Command::Score => self.with_lead(|s, lead| show::headline(s.program(), lead, &s.opts)),
            Command::Explain => self.with_lead(|s, lead| {
                let scored = Scored {
                    id: lead.get("id").cloned().unwrap_or(Value::Null),
                    result: s.program().score(lead, &s.opts).map_err(|e| e.message),
                };
                explanation(s.program().ruleset(), &scored, None)
            }),
            Command::AsOf(text) => match crate::cli::parse_as_of(text) {
                Ok(t) => {
                    self.opts.as_of = t;
                    format!(
                        "as of {}",
                        t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
                    )
                }
                Err(e) => format!("error: {e}"),
            },
            Command::Load(file) if !std::path::Path::new(file).is_file() => {
                format!("error: cannot read rules file {file}")
            }
            Command::Load(file) => {
                self.files.push(PathBuf::from(file));
                self.reload().text
            }
            Command::Reload => self.reload().text,
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
            None => "no current lead: `:lead {json}` or `:lead N` sets one".into(),
        }
    }

    /// `:lead {json}` or `:lead N` (1-based, of the leads loaded with `--leads`).
    fn set_lead(&mut self, arg: &str) -> String {
        let lead = if let Ok(n) = arg.parse::<usize>() {
            match n.checked_sub(1).and_then(|i| self.leads.get(i)) {
                Some(lead) => lead.clone(),
                None => {
                    return format!("error: there is no lead {n} ({} loaded)", self.leads.len())
                }
            }
        } else {
            match serde_json::from_str::<Value>(arg) {
                Ok(v @ Value::Object(_)) => v,
                Ok(_) => return "error: a lead is a JSON object".into(),
                Err(e) => return format!("error: not valid JSON: {e}"),
            }
        };
        self.lead = Some(lead);
        self.with_lead(|s, lead| show::headline(s.program(), lead, &s.opts))
    }

    /// `:set company.size 250`: the value is JSON, or else a bare word taken as text.
    fn set_field(&mut self, field: &str, value: &str) -> String {
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::from(value));
        let lead = self.lead.get_or_insert_with(|| Value::Object(Map::new()));
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
        self.with_lead(|s, lead| show::headline(s.program(), lead, &s.opts))
    }

    /// Reads leads from a file for `:lead N` and `:leads`.
    pub fn load_leads(&mut self, path: &str) -> String {
        let read = input::open(path).and_then(|source| {
            input::leads(
                source,
                InputFormat::Auto,
                &self.program().ruleset().lead_type,
            )
        });
        let leads = match read {
            Ok(leads) => leads,
            Err(e) => return format!("error: {e}"),
        };
        let mut skipped = Vec::new();
        for lead in leads {
            match lead {
                Ok(input::Lead { value: Ok(v), .. }) => self.leads.push(v),
                Ok(input::Lead {
                    value: Err(bad),
                    at,
                }) => skipped.push(format!("  {path} {at}: {}", bad.message)),
                Err(e) => return format!("error: cannot read {path}: {e}"),
            }
        }
        let mut text = format!("{} leads from {path}", self.leads.len());
        for line in skipped {
            text.push_str(&format!("\n{line} (skipped)"));
        }
        text
    }

    /// `:save FILE`: the session's items as a rules file, then checked on its own.
    fn save(&self, file: &str) -> String {
        let mut text = self.items.join("\n\n");
        text.push('\n');
        if let Err(e) = std::fs::write(file, &text) {
            return format!("error: cannot write {file}: {e}");
        }
        let noun = if self.items.len() == 1 {
            "item"
        } else {
            "items"
        };
        let saved = format!("saved {} {noun} to {file}", self.items.len());
        match crate::cli::load::rules(std::path::Path::new(file)) {
            Ok(loaded) if !loaded.has_errors() => saved,
            _ => format!(
                "{saved}\nnote: it does not check on its own (it uses names from the rules files); \
                 add an `include` of them to use it alone"
            ),
        }
    }
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

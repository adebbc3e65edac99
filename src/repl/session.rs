//! The REPL's state and logic, with no terminal I/O: [`Session::eval_line`]
//! takes a line and returns the text to print.

use super::commands::{self, Command, Line};
use super::show;
use super::source::{Entry, Texts, INPUT};
use crate::diagnostics::{self, Diagnostic};
use crate::eval::{EvalOptions, Program};
use crate::Loaded;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::path::PathBuf;

/// The name a tried expression is bound to.
const PROBE: &str = "__repl";

/// The warning for a `let` nothing uses.
const UNUSED_LET: &str = "leadscore::unused_let";

/// How a session starts.
#[derive(Clone, Debug)]
pub struct SessionConfig {
    /// The rules files to load and watch.
    pub rules: Vec<PathBuf>,
    /// The clock.
    pub as_of: DateTime<Utc>,
    /// Colours in diagnostics.
    pub color: bool,
}

/// What a line gave: text to print, and whether the session is over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// The text to print (may be empty; ends with a newline when not).
    pub text: String,
    /// `:quit` was given.
    pub quit: bool,
}

impl From<String> for Output {
    fn from(mut text: String) -> Output {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        Output { text, quit: false }
    }
}

/// The last rules that checked clean, and the texts they were read from.
#[derive(Debug)]
struct Good {
    program: Program,
    entry: Entry,
    snapshot: Texts,
}

/// A REPL session: rules files, the items typed, the leads and the clock.
#[derive(Debug)]
pub struct Session {
    pub(super) files: Vec<PathBuf>,
    pub(super) items: Vec<String>,
    good: Good,
    watched: Vec<PathBuf>,
    pub(super) leads: Vec<Value>,
    pub(super) lead: Option<Value>,
    pub(super) opts: EvalOptions,
    color: bool,
}

impl Session {
    /// A session with `config`'s rules loaded; also returns what loading printed.
    pub fn new(config: SessionConfig) -> (Session, Output) {
        let empty = Entry::new(&[]);
        let (loaded, snapshot) = empty.load("", "", None);
        let program = Program::compile(loaded.ruleset.as_ref().expect("no rules check clean"));
        let mut session = Session {
            files: config.rules.clone(),
            items: Vec::new(),
            good: Good {
                program,
                entry: empty,
                snapshot,
            },
            watched: config.rules,
            leads: Vec::new(),
            lead: None,
            opts: EvalOptions {
                as_of: config.as_of,
            },
            color: config.color,
        };
        let out = if session.files.is_empty() {
            Output::default()
        } else {
            session.reload_as("loaded")
        };
        (session, out)
    }

    /// The compiled rules in force.
    pub fn program(&self) -> &Program {
        &self.good.program
    }

    /// The files a reload reads: the rules files and their includes.
    pub fn watched(&self) -> &[PathBuf] {
        &self.watched
    }

    /// Runs one line of input. Errors are printed, never fatal.
    pub fn eval_line(&mut self, line: &str) -> Output {
        match commands::parse(line) {
            Err(message) => format!("error: {message}").into(),
            Ok(Line::Empty) => Output::default(),
            Ok(Line::Item(text)) => self.add_item(text).into(),
            Ok(Line::Expr(text)) => self.eval_expr(text).into(),
            Ok(Line::Command(Command::Quit)) => Output {
                text: String::new(),
                quit: true,
            },
            Ok(Line::Command(c)) => self.command(c).into(),
        }
    }

    /// Re-reads the rules files. Clean rules replace the ones in force;
    /// rules with errors are reported and the last good ones stay.
    pub fn reload(&mut self) -> Output {
        self.reload_as("reloaded")
    }

    /// [`Session::reload`], with `verb` for the success notice.
    fn reload_as(&mut self, verb: &str) -> Output {
        let entry = Entry::new(&self.files);
        let items = self.items.join("\n");
        let (loaded, read) = entry.load(&items, "", None);
        self.watched = self.files.clone();
        self.watched
            .extend(read.keys().filter(|p| !self.files.contains(p)).cloned());
        let names = self.file_names();
        if loaded.has_errors() {
            let text = self.render(&loaded, |_| true);
            let summary = show::problems(&loaded.diagnostics);
            return format!("{text}{names}: {summary}; the last good rules stay in force").into();
        }
        let warnings = self.render(&loaded, |_| true);
        let program = compile(&loaded);
        let change = show::change(self.program(), &program, self.lead.as_ref(), &self.opts);
        self.good = Good {
            program,
            entry,
            snapshot: read,
        };
        format!("{warnings}{verb} {names}{change}").into()
    }

    fn file_names(&self) -> String {
        let names: Vec<String> = self.files.iter().map(|f| f.display().to_string()).collect();
        names.join(", ")
    }

    /// Checks `input` against the rules in force and the session's items.
    fn try_input(&self, input: &str) -> Loaded {
        let items = self.items.join("\n");
        let snapshot = Some(&self.good.snapshot);
        self.good.entry.load(&items, input, snapshot).0
    }

    /// Renders the diagnostics of `loaded` that `keep` selects.
    fn render(&self, loaded: &Loaded, keep: impl Fn(&Diagnostic) -> bool) -> String {
        let diags: Vec<Diagnostic> = loaded
            .diagnostics
            .iter()
            .filter(|d| keep(d))
            .cloned()
            .collect();
        diagnostics::render(&loaded.sources, &diags, self.color)
    }

    /// Adds a rule, `let`, group, label, schema or include, if it checks clean.
    fn add_item(&mut self, text: &str) -> String {
        let loaded = self.try_input(text);
        if loaded.has_errors() {
            return self.render(&loaded, Diagnostic::is_error);
        }
        let input = input_file(&loaded);
        // A `let` typed now is used by what is typed next: no unused warning.
        let shown = |d: &Diagnostic| Some(d.span.file) == input && d.code != UNUSED_LET;
        let warnings = self.render(&loaded, shown);
        let program = compile(&loaded);
        let change = show::change(self.program(), &program, self.lead.as_ref(), &self.opts);
        self.items.push(text.to_string());
        self.good.program = program;
        format!("{warnings}added {}{change}", show::item_kind(text))
    }

    /// Evaluates an expression against the current lead: `value : type`.
    fn eval_expr(&self, text: &str) -> String {
        let (program, index) = match self.probe(text) {
            Ok(found) => found,
            Err(diagnostics) => return diagnostics,
        };
        let ty = &program.ruleset().lets[index].value.ty;
        let lead = self
            .lead
            .clone()
            .unwrap_or_else(|| Value::Object(Default::default()));
        match program.eval_let(&lead, &self.opts, index) {
            Ok(value) => format!("{value} : {ty}"),
            Err(e) if self.lead.is_some() => format!("error: {} : {ty}", e.message),
            Err(_) => format!("{ty}  (no lead yet: `:lead {{...}}` sets one)"),
        }
    }

    /// Compiles `text` as a `let`; returns the program and the let's index,
    /// or the rendered errors.
    pub(super) fn probe(&self, text: &str) -> Result<(Program, usize), String> {
        let loaded = self.try_input(&format!("let {PROBE} = {text}"));
        if loaded.has_errors() {
            return Err(self.render(&loaded, Diagnostic::is_error));
        }
        let program = compile(&loaded);
        let index = program.ruleset().lets.iter().position(|l| l.name == PROBE);
        Ok((program, index.expect("the probe let is in the ruleset")))
    }

    /// The type of a name or an expression.
    pub(super) fn type_of(&self, text: &str) -> String {
        match self.probe(text) {
            Ok((program, index)) => format!("{text} : {}", program.ruleset().lets[index].value.ty),
            Err(diagnostics) => diagnostics,
        }
    }
}

/// The file id of `<input>` in a load.
fn input_file(loaded: &Loaded) -> Option<crate::syntax::ast::FileId> {
    loaded
        .sources
        .files()
        .find(|(_, f)| f.name.ends_with(INPUT))
        .map(|(id, _)| id)
}

fn compile(loaded: &Loaded) -> Program {
    Program::compile(loaded.ruleset.as_ref().expect("a clean load has a ruleset"))
}

impl Session {
    /// Names for completion: field paths (from the rules and the leads),
    /// `let` names, group and label names.
    pub fn names(&self) -> Vec<String> {
        let rules = self.program().ruleset();
        let mut names = Vec::new();
        show::field_paths(&rules.lead_type, "", &mut names);
        for lead in self.leads.iter().take(100).chain(&self.lead) {
            json_paths(lead, "", &mut names);
        }
        names.extend(rules.lets.iter().map(|l| l.name.clone()));
        names.extend(rules.groups.iter().map(|g| g.name.clone()));
        names.extend(rules.labels.iter().map(|l| l.name.clone()));
        names.retain(|n| n != PROBE);
        names
    }
}

/// Dotted paths of a lead's object fields.
fn json_paths(value: &Value, prefix: &str, out: &mut Vec<String>) {
    if let Value::Object(map) = value {
        for (key, inner) in map {
            let path = format!("{prefix}{key}");
            json_paths(inner, &format!("{path}."), out);
            out.push(path);
        }
    }
}

//! The REPL's state and logic, with no terminal I/O: [`Session::eval_line`]
//! takes a line and returns the text to print.

use super::commands::{self, Command, Line};
use super::show;
use super::source::{Entry, Input, Texts, ENTRY, INPUT};
use crate::check::CheckOptions;
use crate::diagnostics::repl as words;
use crate::diagnostics::visible::visible;
use crate::diagnostics::{self, Diagnostic};
use crate::eval::{EvalOptions, Program};
use crate::source::SourceMap;
use crate::syntax::ast::{FileId, Span};
use crate::Loaded;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::cell::RefCell;
use std::path::PathBuf;

/// The name a tried expression is bound to.
pub(super) const PROBE: &str = "__repl";

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
    /// `--timezone`: the zone of local times in datetime fields without one.
    pub zone: Option<jiff::tz::TimeZone>,
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

/// What expressions and `:type` read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Context {
    /// The current lead (the default; `:lead` comes back to it).
    #[default]
    Lead,
    /// The `account` block (`:account`): the account of the loaded leads
    /// with this key (trimmed, in lower case), or none chosen yet.
    Account(Option<String>),
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
    /// What expressions and `:type` read.
    pub(super) context: Context,
    pub(super) opts: EvalOptions,
    /// Files `:save` wrote in this session (it may write them again).
    pub(super) saved: Vec<PathBuf>,
    color: bool,
    pub(super) zone: Option<jiff::tz::TimeZone>,
    /// The diagnostics drawn for the answer being made, which keep their
    /// colours when [`Session::shown`] escapes the rest.
    drawn: RefCell<Vec<String>>,
}

impl Session {
    /// A session with `config`'s rules loaded; also returns what loading printed.
    pub fn new(config: SessionConfig) -> (Session, Output) {
        let empty = Entry::new(&[]);
        let (loaded, snapshot) = empty.load("", &Input::default(), None);
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
            context: Context::Lead,
            opts: EvalOptions {
                as_of: config.as_of,
            },
            saved: Vec::new(),
            color: config.color,
            zone: config.zone,
            drawn: RefCell::default(),
        };
        let out = if session.files.is_empty() {
            Output::default()
        } else {
            session.reload_as(words::LOADED)
        };
        let out = session.shown(out);
        (session, out)
    }

    /// The compiled rules in force.
    pub fn program(&self) -> &Program {
        &self.good.program
    }

    /// The texts of the last load that checked clean, by path as read.
    pub(super) fn snapshot_texts(&self) -> &Texts {
        &self.good.snapshot
    }

    /// The errors of a load, rendered.
    pub(super) fn render_loaded(&self, loaded: &Loaded) -> String {
        self.render(loaded, Diagnostic::is_error)
    }

    /// The files a reload reads: the rules files and their includes.
    pub fn watched(&self) -> &[PathBuf] {
        &self.watched
    }

    /// Runs one line of input. Errors are printed, never fatal.
    pub fn eval_line(&mut self, line: &str) -> Output {
        let out = self.answer(line);
        self.shown(out)
    }

    /// What a line gives, before [`Session::shown`].
    fn answer(&mut self, line: &str) -> Output {
        match commands::parse(line) {
            Err(message) => words::error(message).into(),
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
        let out = self.reload_as(words::RELOADED);
        self.shown(out)
    }

    /// An answer as printed: control and bidi characters from leads, keys,
    /// file names or typed text escaped (decision 70), the diagnostics drawn
    /// for it (escaped when drawn, and coloured) left as they are.
    fn shown(&self, out: Output) -> Output {
        let drawn = std::mem::take(&mut *self.drawn.borrow_mut());
        let mut text = String::new();
        let mut rest = out.text.as_str();
        for block in drawn {
            if let Some(at) = rest.find(block.as_str()) {
                text.push_str(&visible(&rest[..at]));
                text.push_str(&block);
                rest = &rest[at + block.len()..];
            }
        }
        text.push_str(&visible(rest));
        Output { text, ..out }
    }

    /// [`Session::reload`], with `verb` ([`words::LOADED`] or
    /// [`words::RELOADED`]) for the success notice; the text is not yet
    /// [`Session::shown`].
    pub(super) fn reload_as(&mut self, verb: &str) -> Output {
        let entry = Entry::new(&self.files);
        let items = self.items.join("\n");
        let (loaded, read) = entry.load(&items, &Input::default(), None);
        self.watched = self.files.clone();
        self.watched
            .extend(read.keys().filter(|p| !self.files.contains(p)).cloned());
        let names = self.file_names();
        if loaded.has_errors() {
            let text = self.render(&loaded, |_| true);
            let summary = show::problems(&loaded.diagnostics);
            return format!("{text}{}", words::reload_failed(&names, &summary)).into();
        }
        let warnings = self.render(&loaded, |_| true);
        let program = compile(&loaded, self.zone.as_ref());
        let change = show::change(self.program(), &program, self.lead.as_ref(), &self.opts);
        self.good = Good {
            program,
            entry,
            snapshot: read,
        };
        format!("{warnings}{}{change}", words::loaded(verb, &names)).into()
    }

    fn file_names(&self) -> String {
        let names: Vec<String> = self.files.iter().map(|f| f.display().to_string()).collect();
        names.join(", ")
    }

    /// Checks `input` against the rules in force and the session's items.
    fn try_input(&self, input: &Input) -> Loaded {
        let items = self.items.join("\n");
        let snapshot = Some(&self.good.snapshot);
        self.good.entry.load(&items, input, snapshot).0
    }

    /// Renders the diagnostics of `loaded` that `keep` selects. The entry
    /// file's `include` lines are the REPL's own doing, so a problem there
    /// (a rules file that cannot be read) is told in one line, without them.
    fn render(&self, loaded: &Loaded, keep: impl Fn(&Diagnostic) -> bool) -> String {
        let entry = entry_file(loaded);
        let (plain, drawn): (Vec<Diagnostic>, Vec<Diagnostic>) = loaded
            .diagnostics
            .iter()
            .filter(|d| keep(d))
            .cloned()
            .partition(|d| Some(d.span.file) == entry);
        let mut text = String::new();
        for d in &plain {
            text.push_str(&show::plain_diagnostic(d));
        }
        let drawn = diagnostics::render(&loaded.sources, &drawn, self.color);
        self.drawn.borrow_mut().push(drawn.clone());
        text + &drawn
    }

    /// Adds a rule, `let`, group, label, schema or include, if it checks clean.
    fn add_item(&mut self, text: &str) -> String {
        let loaded = self.try_input(&Input::item(text));
        if loaded.has_errors() {
            return self.render(&loaded, Diagnostic::is_error);
        }
        let input = input_file(&loaded);
        // A `let` typed now is used by what is typed next: no unused warning.
        let shown = |d: &Diagnostic| Some(d.span.file) == input && d.code != UNUSED_LET;
        let warnings = self.render(&loaded, shown);
        let program = compile(&loaded, self.zone.as_ref());
        let change = show::change(self.program(), &program, self.lead.as_ref(), &self.opts);
        self.items.push(text.to_string());
        self.good.program = program;
        format!("{warnings}{}{change}", words::added(show::item_kind(text)))
    }

    /// Evaluates an expression against the current lead, or the account in
    /// the account context: `value : type`.
    fn eval_expr(&self, text: &str) -> String {
        if let Context::Account(key) = &self.context {
            return self.eval_account_expr(text, key.as_deref());
        }
        let (program, index) = match self.probe(text) {
            Ok(found) => found,
            Err(diagnostics) => return self.account_hint(text, diagnostics),
        };
        let ty = &program.ruleset().lets[index].value.ty;
        let lead = self
            .lead
            .clone()
            .unwrap_or_else(|| Value::Object(Default::default()));
        match program.eval_let(&lead, &self.opts, index) {
            Ok(value) => format!("{value} : {ty}"),
            Err(e) if self.lead.is_some() => words::eval_error(e, ty),
            Err(_) => words::type_without_lead(ty),
        }
    }

    /// Compiles `text` as a `let` that may read `score` and group totals;
    /// returns the program and the let's index, or the rendered errors
    /// (shown on `text` alone: the `let` around it is the REPL's own).
    pub(super) fn probe(&self, text: &str) -> Result<(Program, usize), String> {
        let loaded = self.probe_load(text, false)?;
        let program = compile(&loaded, self.zone.as_ref());
        let index = program.ruleset().lets.iter().position(|l| l.name == PROBE);
        Ok((program, index.expect("the probe let is in the ruleset")))
    }

    /// Checks `text` as the REPL's `let` with the rules in force, at the
    /// top level or (`in_account`) at the end of the `account` block; the
    /// clean load, or the errors rendered on `text` alone (the `let` around
    /// it is the REPL's own).
    pub(super) fn probe_load(&self, text: &str, in_account: bool) -> Result<Loaded, String> {
        let wrapper = format!("let {PROBE} = ");
        let input = Input {
            text: format!("{wrapper}{text}"),
            check: CheckOptions {
                totals_let: Some(PROBE.to_string()),
                in_account,
                ..CheckOptions::default()
            },
        };
        let mut loaded = self.try_input(&input);
        if loaded.has_errors() {
            unwrap_probe(&mut loaded, wrapper.len() as u32, text);
            return Err(self.render(&loaded, Diagnostic::is_error));
        }
        Ok(loaded)
    }

    /// The type of a name or an expression (as the account block reads it
    /// in the account context).
    pub(super) fn type_of(&self, text: &str) -> String {
        if let Context::Account(_) = &self.context {
            return self.account_type_of(text);
        }
        match self.probe(text) {
            Ok((program, index)) => format!("{text} : {}", program.ruleset().lets[index].value.ty),
            Err(diagnostics) => self.account_hint(text, diagnostics),
        }
    }
}

/// The file id of `<input>` in a load.
fn input_file(loaded: &Loaded) -> Option<FileId> {
    file_named(loaded, INPUT)
}

/// The file id of the entry `<repl>` in a load.
fn entry_file(loaded: &Loaded) -> Option<FileId> {
    file_named(loaded, ENTRY)
}

fn file_named(loaded: &Loaded, name: &str) -> Option<FileId> {
    let files = loaded.sources.files();
    files
        .filter(|(_, f)| f.name.ends_with(name))
        .map(|(id, _)| id)
        .next()
}

/// Takes the REPL's `let __repl = ` (`cut` bytes) off an expression that
/// failed to check: `<input>` becomes the typed `text` again, and every
/// span in it moves back by `cut` (one that fell on the wrapper points at
/// the start of the text).
fn unwrap_probe(loaded: &mut Loaded, cut: u32, text: &str) {
    let Some(input) = input_file(loaded) else {
        return;
    };
    let mut sources = SourceMap::new();
    for (id, f) in loaded.sources.files() {
        let body = if id == input { text } else { f.text.as_str() };
        sources.add(f.name.clone(), body);
    }
    loaded.sources = sources;
    let shift = |span: &mut Span| {
        if span.file == input {
            span.start = span.start.saturating_sub(cut);
            span.end = span.end.saturating_sub(cut).max(span.start);
        }
    };
    for d in &mut loaded.diagnostics {
        shift(&mut d.span);
        d.secondary.iter_mut().for_each(|(span, _)| shift(span));
    }
}

pub(super) fn compile(loaded: &Loaded, zone: Option<&jiff::tz::TimeZone>) -> Program {
    Program::compile_in(
        loaded.ruleset.as_ref().expect("a clean load has a ruleset"),
        zone,
    )
}

impl Session {
    /// Names for completion: field paths (from the rules and the leads),
    /// `let` names, group and label names.
    pub fn names(&self) -> Vec<String> {
        if let Context::Account(_) = &self.context {
            return self.account_names();
        }
        let rules = self.program().ruleset();
        let mut names = Vec::new();
        show::field_paths(&rules.lead_type, &mut Vec::new(), &mut names);
        for lead in self.leads.iter().take(100).chain(&self.lead) {
            json_paths(lead, &mut Vec::new(), &mut names);
        }
        names.extend(rules.lets.iter().map(|l| l.name.clone()));
        names.extend(rules.groups.iter().map(|g| g.name.clone()));
        names.extend(rules.labels.iter().map(|l| l.name.clone()));
        names.retain(|n| n != PROBE);
        names
    }
}

/// Paths of a lead's object fields, as the rules would write them.
fn json_paths<'v>(value: &'v Value, prefix: &mut Vec<&'v str>, out: &mut Vec<String>) {
    if let Value::Object(map) = value {
        for (key, inner) in map {
            prefix.push(key);
            json_paths(inner, prefix, out);
            out.push(crate::syntax::path_text(prefix.iter().copied()));
            prefix.pop();
        }
    }
}

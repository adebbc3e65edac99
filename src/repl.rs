//! `leadscore repl`: try rules and leads interactively, with the rules files
//! reloaded when they are saved.
//!
//! The logic lives in [`session`] ([`session::Session::eval_line`] takes a
//! line and returns the text to print, with no terminal I/O); this file is
//! the thin rustyline front end, `editor` the completion, highlighting and
//! multi-line input, and [`watch`] the file watching.

mod account;
mod actions;
pub mod commands;
mod editor;
mod save;
pub mod session;
mod show;
mod source;
pub mod watch;

use crate::diagnostics::repl as words;
use chrono::{DateTime, Utc};
use editor::ReplHelper;
use rustyline::error::ReadlineError;
use rustyline::history::{DefaultHistory, History};
use rustyline::{Editor, ExternalPrinter};
use session::{Session, SessionConfig};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use watch::Watch;

/// Options of `leadscore repl`.
#[derive(Clone, Debug, Default)]
pub struct ReplConfig {
    /// Rules files to load and watch.
    pub rules: Vec<PathBuf>,
    /// A lead file for `:lead N` and `:leads`.
    pub leads: Option<String>,
    /// The clock; default now.
    pub as_of: Option<DateTime<Utc>>,
    /// The zone of local times in datetime fields without one; default UTC.
    pub timezone: Option<jiff::tz::TimeZone>,
    /// Keep the input history across sessions (`--no-history` turns it off).
    pub history: bool,
    /// Also keep lines that paste lead data (`:lead {json}`, `:set`) in the
    /// history file (`--history-leads`); off by default, as they hold
    /// personal data.
    pub history_leads: bool,
}

/// Options of `leadscore repl` on the command line.
#[derive(Debug, clap::Args)]
pub struct ReplArgs {
    /// Rules files to load and watch.
    #[arg(value_name = "RULES")]
    pub rules: Vec<PathBuf>,
    /// A lead file (.jsonl, .json, .csv) for `:lead N` and `:leads`.
    #[arg(long, value_name = "FILE")]
    pub leads: Option<String>,
    /// The evaluation time (RFC 3339, or a date for midnight UTC); default now.
    #[arg(long, value_name = "TIME", value_parser = crate::cli::parse_as_of)]
    pub as_of: Option<DateTime<Utc>>,
    /// The time zone of lead times written without an offset, for datetime
    /// fields that declare no `zone:` (an IANA name like `Europe/Berlin`); default UTC.
    #[arg(long, value_name = "ZONE", value_parser = crate::cli::parse_timezone)]
    pub timezone: Option<jiff::tz::TimeZone>,
    /// Do not read or save the input history (also: `LEADSCORE_HISTORY=0`).
    #[arg(long)]
    pub no_history: bool,
    /// Also save `:lead {json}` and `:set` lines (lead data) in the history file.
    #[arg(long, conflicts_with = "no_history")]
    pub history_leads: bool,
}

impl ReplArgs {
    /// The REPL's configuration.
    pub fn config(&self) -> ReplConfig {
        ReplConfig {
            rules: self.rules.clone(),
            leads: self.leads.clone(),
            as_of: self.as_of,
            timezone: self.timezone.clone(),
            history: !self.no_history,
            history_leads: self.history_leads,
        }
    }
}

type Shared<T> = Arc<Mutex<T>>;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs the REPL until `:quit` or Ctrl-D.
pub fn run(cfg: ReplConfig) -> ExitCode {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (mut session, out) = Session::new(SessionConfig {
        rules: cfg.rules.clone(),
        as_of: cfg.as_of.unwrap_or_else(Utc::now),
        color,
        zone: cfg.timezone.clone(),
    });
    print!("{}", out.text);
    if let Some(leads) = &cfg.leads {
        println!("{}", session.load_leads(leads));
    }
    let session = Arc::new(Mutex::new(session));
    let mut editor = match Editor::<ReplHelper, DefaultHistory>::new() {
        Ok(editor) => editor,
        Err(e) => {
            eprintln!("{}", words::no_line_editor(e));
            return ExitCode::from(2);
        }
    };
    editor.set_helper(Some(ReplHelper {
        session: Arc::clone(&session),
        color,
    }));
    let watch = start_watch(&mut editor, &session);
    let history = history_file(&cfg);
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    println!("{}", words::GREETING);
    let status = read_loop(&mut editor, &session, &watch);
    if let Some(path) = &history {
        save_history(&editor, path, cfg.history_leads);
    }
    status
}

/// Reads and runs lines until `:quit`, Ctrl-D or a terminal failure.
fn read_loop(
    editor: &mut Editor<ReplHelper, DefaultHistory>,
    session: &Shared<Session>,
    watch: &Shared<Option<Watch>>,
) -> ExitCode {
    loop {
        let line = match editor.readline("> ") {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{}", words::cannot_read_input(e));
                return ExitCode::from(2);
            }
        };
        if !line.trim().is_empty() {
            let _ = editor.add_history_entry(line.as_str());
        }
        let out = lock(session).eval_line(&line);
        print!("{}", out.text);
        sync_watch(watch, session);
        if out.quit {
            return ExitCode::SUCCESS;
        }
    }
}

/// Starts watching the rules files; a save reloads them and prints the
/// result above the prompt. Without a watcher the REPL still works (`:reload`).
fn start_watch(
    editor: &mut Editor<ReplHelper, DefaultHistory>,
    session: &Shared<Session>,
) -> Shared<Option<Watch>> {
    let slot: Shared<Option<Watch>> = Arc::new(Mutex::new(None));
    let print = printer(editor);
    let (s, w) = (Arc::clone(session), Arc::clone(&slot));
    let started = watch::start(move || {
        let out = lock(&s).reload();
        print(out.text);
        sync_watch(&w, &s);
    });
    match started {
        Ok(watch) => *lock(&slot) = Some(watch),
        Err(e) => {
            let e = e.to_string();
            let e = crate::diagnostics::visible::visible(&e);
            eprintln!("{}", words::not_watched(e))
        }
    }
    sync_watch(&slot, session);
    slot
}

/// How a reload notice is printed: above the prompt when the line editor
/// drives a terminal; straight to standard output when it cannot (a dumb
/// terminal, piped input or output), where no prompt is redrawn anyway.
fn printer(editor: &mut Editor<ReplHelper, DefaultHistory>) -> impl Fn(String) + Send + 'static {
    let external = editor
        .create_external_printer()
        .ok()
        .map(|p| Arc::new(Mutex::new(p)));
    move |text: String| match &external {
        Some(p) => {
            let _ = lock(p).print(text);
        }
        None => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        }
    }
}

/// Watches the files the session last read.
fn sync_watch(watch: &Shared<Option<Watch>>, session: &Shared<Session>) {
    let files = lock(session).watched().to_vec();
    if let Some(w) = lock(watch).as_mut() {
        w.set(&files);
    }
}

/// `$XDG_DATA_HOME/leadscore/history` (or `~/.local/share/...`), unless
/// turned off by `--no-history` or `LEADSCORE_HISTORY=0`.
fn history_file(cfg: &ReplConfig) -> Option<PathBuf> {
    let off = std::env::var("LEADSCORE_HISTORY").is_ok_and(|v| v == "0");
    if !cfg.history || off {
        return None;
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(data.join("leadscore").join("history"))
}

/// Saves the history, leaving out lines that paste lead data unless
/// `with_leads`.
fn save_history(
    editor: &Editor<ReplHelper, DefaultHistory>,
    path: &std::path::Path,
    with_leads: bool,
) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let mut kept = DefaultHistory::new();
    for line in editor.history().iter() {
        if with_leads || !commands::holds_lead_data(line) {
            let _ = kept.add(line);
        }
    }
    if let Err(e) = kept.save(path) {
        let path = path.display().to_string();
        let path = crate::diagnostics::visible::visible_line(&path);
        eprintln!("{}", words::history_not_saved(path, e));
    }
}

//! The REPL in words: its errors, notices and summaries (commands that
//! lack an argument, `:lead`, `:set`, `--leads`, `:save`, reloads, the line
//! editor and the history), and the account context: what `:account`,
//! `:accounts`, account expressions and `:score`/`:explain` on an account
//! say. Renderings that are not sentences (`value : type`, a score line,
//! the listings, the `:help` table) stay with the code that draws them.

use super::cli::count;
use std::fmt::Display;

/// The greeting before the first prompt.
pub const GREETING: &str = "leadscore repl: :help lists the commands, Ctrl-D leaves";

/// The line editor could not be started.
pub fn no_line_editor(e: impl Display) -> String {
    format!("cannot start the line editor: {e}")
}

/// The terminal failed while a line was read.
pub fn cannot_read_input(e: impl Display) -> String {
    format!("cannot read input: {e}")
}

/// The file watcher could not be started (`e` already escaped).
pub fn not_watched(e: impl Display) -> String {
    format!("note: rules files are not watched ({e}); use :reload")
}

/// The history could not be saved to `path` (already escaped).
pub fn history_not_saved(path: impl Display, e: impl Display) -> String {
    format!("note: cannot save the history to {path}: {e}")
}

/// An error passed on as it is told elsewhere: a lead's data error, a bad
/// `:as-of` time, a line that is no command, a lead file that cannot be read.
pub fn error(e: impl Display) -> String {
    format!("error: {e}")
}

/// An expression that failed on the current lead, with its type.
pub fn eval_error(e: impl Display, ty: impl Display) -> String {
    format!("error: {e} : {ty}")
}

/// A command typed without what it needs (`what`: one of the `NEEDS_` texts).
pub fn needs(name: &str, what: &str) -> String {
    format!("`:{name}` needs {what}; :help lists the commands")
}

/// What `:set` needs.
pub const NEEDS_FIELD_AND_VALUE: &str = "a field and a value, like `:set title \"VP Sales\"`";

/// What `:as-of` needs.
pub const NEEDS_TIME: &str = "a time, like 2026-11-01";

/// What `:load` and `:save` need.
pub const NEEDS_FILE: &str = "a file";

/// What `:type` needs.
pub const NEEDS_EXPRESSION: &str = "a name or an expression";

/// A `:name` that is no command.
pub fn unknown_command(name: &str) -> String {
    format!("unknown command `:{name}`; :help lists the commands")
}

/// `:as-of TIME`: the clock now.
pub fn as_of(time: &str) -> String {
    format!("as of {time}")
}

/// `:load FILE` for a file that is not there.
pub fn no_rules_file(file: &str) -> String {
    format!("error: cannot read rules file {file}")
}

/// The verb of the notice when the session starts with rules files.
pub const LOADED: &str = "loaded";

/// The verb of the notice when the rules files are read again.
pub const RELOADED: &str = "reloaded";

/// Rules files read clean: `loaded a.rules, b.rules` (`verb`: [`LOADED`]
/// or [`RELOADED`]); a change of the current lead's score may follow.
pub fn loaded(verb: &str, files: &str) -> String {
    format!("{verb} {files}")
}

/// Rules files read with errors (`summary`: `2 errors, 1 warning`).
pub fn reload_failed(files: &str, summary: &str) -> String {
    format!("{files}: {summary}; the last good rules stay in force")
}

/// A typed item checked clean (`kind`: rule, let, group, ...); a change of
/// the current lead's score may follow.
pub fn added(kind: &str) -> String {
    format!("added {kind}")
}

/// A command that reads the current lead, with none set.
pub const NO_LEAD: &str = "no current lead: `:lead {json}` or `:lead N` sets one";

/// An expression's type, with no lead to evaluate it on.
pub fn type_without_lead(ty: impl Display) -> String {
    format!("{ty}  (no lead yet: `:lead {{...}}` sets one)")
}

/// `:lead` alone, from the account context: before the lead's line.
pub fn lead_again(now: &str) -> String {
    format!("expressions and `:type` read the lead again\n{now}")
}

/// `:lead {json}` with JSON that is not an object.
pub const LEAD_NOT_OBJECT: &str = "error: a lead is a JSON object";

/// `:lead {json}` with text that is not JSON.
pub fn lead_not_json(e: impl Display) -> String {
    format!("error: not valid JSON: {e}")
}

/// `:lead ARG` that is neither a position nor an id of the loaded leads.
pub fn no_such_lead(arg: &str, loaded: usize) -> String {
    format!("error: no loaded lead has position or id {arg} ({loaded} loaded)")
}

/// `:set` refused: the value breaks the lead's schema at that field.
pub fn set_refused(e: impl Display) -> String {
    format!("error: {e}; the lead is unchanged")
}

/// A file that could not be read (a lead file part way, or a rules file
/// `:save` appends to).
pub fn cannot_read(file: &str, e: impl Display) -> String {
    format!("error: cannot read {file}: {e}")
}

/// `--leads FILE` read: how many leads are loaded now.
pub fn leads_read(loaded: usize, path: &str) -> String {
    format!("{loaded} leads from {path}")
}

/// A lead of `--leads FILE` left out, and why.
pub fn lead_skipped(path: &str, at: impl Display, why: &str) -> String {
    format!("  {path} {at}: {why} (skipped)")
}

/// `:leads` with no leads loaded.
pub const NO_LEADS: &str = "no leads loaded (start with --leads FILE)";

/// `:rules` with no rules.
pub const NO_RULES: &str = "no rules yet";

/// `:save` with nothing typed.
pub const NOTHING_TO_SAVE: &str =
    "nothing to save: no rule, let, group or label was typed in this session";

/// `1 item`, `3 items`.
fn items(n: usize) -> String {
    match n {
        1 => "1 item".into(),
        _ => format!("{n} items"),
    }
}

/// `:save FILE` for a file that exists and is not a loaded rules file
/// (`rules`: a rules file to name in the hint).
pub fn save_exists(file: &str, rules: &str) -> String {
    format!(
        "error: {file} exists; :save writes a new file, or appends to a loaded rules \
         file (`:save {rules}`)"
    )
}

/// `:save FILE` to a loaded rules file that was edited since it was read.
pub fn changed_on_disk(file: &str) -> String {
    format!("error: {file} changed on disk since it was loaded; :reload, then :save again")
}

/// `:save FILE` in a folder that cannot include the rules file `outside`.
pub fn could_not_include(file: &str, outside: &str, rules: &str) -> String {
    format!(
        "error: {file} could not include {outside}, which the items use and which is \
         outside {file}'s folder (an include never leaves its folder); save in a \
         folder that holds the rules files, or `:save {rules}` to append the items to it"
    )
}

/// `:save FILE` whose text would have errors (after them).
pub fn would_not_check(file: &str) -> String {
    format!("error: {file} would not check with the items; nothing was written")
}

/// `:save FILE` could not write it.
pub fn cannot_write(file: &str, e: impl Display) -> String {
    format!("error: cannot write {file}: {e}")
}

/// `:save FILE` appended to a loaded rules file (a reload notice follows).
pub fn appended(items_saved: usize, file: &str) -> String {
    format!("appended {} to {file}", items(items_saved))
}

/// `:save FILE` wrote a new file, after an `include` of `included` if any.
pub fn saved(items_saved: usize, file: &str, included: Option<&str>) -> String {
    let with = match included {
        Some(files) => format!(", after an include of {files}"),
        None => String::new(),
    };
    format!("saved {} to {file}{with}", items(items_saved))
}

/// The rules in force have no `account` block.
pub const NO_ACCOUNT_BLOCK: &str =
    "error: the rules in force have no `account` block, so there are no accounts to read";

/// `:account` alone: the context without an account.
pub const ACCOUNT_CONTEXT: &str = "expressions and `:type` now read the account block; \
     `:account KEY` picks an account of `:accounts`, `:lead` goes back";

/// `:account KEY`: after the account's line.
pub const ACCOUNT_CHOSEN: &str = "expressions and `:type` now read this account; `:lead` goes back";

/// `:accounts` when no loaded lead has a key.
pub const NO_ACCOUNTS: &str = "no accounts: no loaded lead has a key (`--leads FILE` loads leads)";

/// `N leads`, `1 lead`.
pub fn leads(n: u64) -> String {
    count(n, "lead", "leads")
}

/// `:accounts`: the leads that are in no account, for want of a key.
pub fn without_key(n: u64) -> String {
    format!("({} without a key, in no account)", leads(n))
}

/// `:accounts`: the leads that are in no account, for they failed.
pub fn unscored(n: u64) -> String {
    format!("({} could not be scored, in no account)", leads(n))
}

/// An account expression's type, with no account chosen to evaluate it on.
pub fn type_without_account(ty: &str) -> String {
    format!("{ty}  (no account chosen: `:account KEY` picks one)")
}

/// `:score` or `:explain` in the account context with no account chosen.
pub fn no_account_chosen(command: &str) -> String {
    format!(
        "error: no account chosen: `:account KEY` picks one of `:accounts` for `{command}`, \
         `:lead` goes back to the lead"
    )
}

/// `:account KEY` (or an account command) for a key no loaded lead has.
pub fn no_such_account(key: &str, loaded: u64) -> String {
    let hint = match loaded {
        0 => "`--leads FILE` loads leads",
        _ => "keys are trimmed and compared in lower case",
    };
    format!(
        "error: no account {key} among the {} loaded ({hint}: `:accounts` lists them)",
        leads(loaded)
    )
}

/// An expression that failed in the lead context reads as an account one.
pub fn reads_as_account(text: &str) -> String {
    format!(
        "note: `{text}` reads as the `account` block would: \
         `:account` reads expressions there (`:account KEY` for one account)\n"
    )
}

//! The REPL's account context in words: what `:account`, `:accounts`,
//! account expressions and `:score`/`:explain` on an account say.

use super::cli::count;

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

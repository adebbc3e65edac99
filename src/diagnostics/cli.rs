//! Wording of the command line's own messages: arguments in the wrong place,
//! notes, and the lines of the closing summaries (files that cannot be read
//! or written are worded in [`super::io`]). The command line gathers the
//! facts; this module only words them.

use std::fmt::Write as _;

/// A leads file given where the rules go (or rules where the leads go).
pub fn swapped(rules: &str, leads: &str, usage: &str) -> String {
    format!("{rules} looks like leads and {leads} like rules: the rules come first ({usage})")
}

/// A leads file given where the rules go, with no rules file among the leads.
pub fn leads_as_rules(path: &str, usage: &str) -> String {
    format!("{path} looks like a leads file, not rules: the rules file comes first ({usage})")
}

/// A rules file given where leads go.
pub fn rules_as_leads(path: &str, usage: &str) -> String {
    format!("{path} is a rules file, not leads ({usage})")
}

/// Shown when leads are read from a terminal.
pub fn reading_stdin() -> &'static str {
    "reading leads from standard input (one JSON object per line; Ctrl-D ends, Ctrl-C stops)"
}

/// Shown when rules are read from a terminal (`check -`, `fmt -`).
pub fn reading_rules_stdin() -> &'static str {
    "reading rules from standard input (Ctrl-D ends)"
}

/// `-` (standard input) given together with other paths.
pub fn dash_alone(command: &str) -> String {
    format!("`leadscore {command} -` reads standard input and takes no other paths")
}

/// `leadscore man NAME` for a command that does not exist.
pub fn no_such_command(name: &str) -> String {
    format!("there is no command `{name}`; `leadscore --help` lists them")
}

/// No lead with `--id`'s value in the leads.
pub fn no_lead_with_id(field: &str, id: &str, leads: u64) -> String {
    format!(
        "no lead has {field} {id:?} (searched {}); check the value, or name the field that holds ids with --id-field FIELD",
        count(leads, "lead", "leads")
    )
}

/// `explain --lead TEXT` is not JSON.
pub fn lead_arg_not_json(e: &serde_json::Error) -> String {
    format!("--lead is not valid JSON: {e}")
}

/// `explain --lead TEXT` is JSON but not an object.
pub fn lead_arg_not_object() -> &'static str {
    "--lead must be a JSON object, e.g. --lead '{\"title\": \"VP Sales\"}'"
}

/// A `--timezone` that names no zone, with the closest zone name.
pub fn unknown_timezone(name: &str, suggestion: Option<&str>) -> String {
    let fix = match suggestion {
        Some(s) => format!("did you mean `{s}`?"),
        None => {
            "write an IANA zone name such as `Europe/Berlin`, `America/New_York` or `UTC`".into()
        }
    };
    format!("`{name}` is not a time zone of the time-zone database; {fix}")
}

/// `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 lead`, `2,500 leads`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    let noun = if n == 1 { one } else { many };
    format!("{} {noun}", thousands(n))
}

/// `12.4%` of `part` in `whole` (one decimal; `0%` of nothing).
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".into();
    }
    let p = 100.0 * part as f64 / whole as f64;
    format!("{p:.1}%")
}

/// `tier: hot 12.4% · warm 31.0% · cold 56.6%`: one label's values with
/// their shares of `scored` leads; `(none)` for leads no arm matched.
pub fn distribution(label: &str, values: &[(&str, u64)], scored: u64) -> String {
    let mut line = format!("{label}:");
    for (i, (value, n)) in values.iter().enumerate() {
        let sep = if i == 0 { " " } else { " · " };
        let _ = write!(line, "{sep}{value} {}", percent(*n, scored));
    }
    line
}

/// `score: min 0 · q1 12 · median 40 · q3 75 · max 160`.
pub fn quartiles(q: [&str; 5]) -> String {
    format!(
        "score: min {} · q1 {} · median {} · q3 {} · max {}",
        q[0], q[1], q[2], q[3], q[4]
    )
}

/// `--accounts FILE` or `--account-columns` (`flag`) with rules that have
/// no `account` block.
pub fn no_account_block(flag: &str, rules: &std::path::Path) -> String {
    format!(
        "{flag}: {} has no `account by KEY {{ ... }}` block; add one that \
         scores the accounts, or leave out {flag}",
        rules.display()
    )
}

/// The first line of an account's explanation: `account acme.com`, with
/// how many leads it has when that is known (`account acme.com (3 leads)`).
pub fn account_title(key: &str, leads: Option<usize>) -> String {
    let key = super::visible::visible_line(key);
    match leads {
        Some(n) => format!("account {key} ({})", count(n as u64, "lead", "leads")),
        None => format!("account {key}"),
    }
}

/// `explain --account KEY` with rules that have no `account` block.
pub fn explain_no_account_block(rules: &std::path::Path) -> String {
    format!(
        "--account: {} has no `account by KEY {{ ... }}` block, so it scores no accounts; \
         add one, or leave out --account to explain leads",
        rules.display()
    )
}

/// `explain --account KEY` for a key no lead has; `nearest` is a key a
/// typo away, `keys` how many keys there were and `leads` how many leads
/// were read.
pub fn no_account_with_key(key: &str, nearest: Option<&str>, keys: usize, leads: u64) -> String {
    let mut line = format!(
        "no lead has the account key {key:?} (searched {} in {}, keys trimmed and compared ignoring case)",
        count(leads, "lead", "leads"),
        count(keys as u64, "account", "accounts"),
    );
    match nearest {
        Some(near) => line += &format!("; did you mean {near:?}?"),
        None => line += "; check the value, or score with --accounts FILE to list the accounts",
    }
    line
}

/// Added to [`no_account_with_key`] when leads with that key could not be
/// scored (they are in no account).
pub fn unscored_with_key(leads: u64) -> String {
    format!(
        "; {} with that key could not be scored (`leadscore score` shows why)",
        count(leads, "lead", "leads")
    )
}

/// After `explain --account`: leads that could not be scored are in no
/// account, `here` of them with the key explained.
pub fn account_missing_unscored(leads: u64, here: u64) -> String {
    let mut line = format!(
        "note: {} could not be scored and {} in no account",
        count(leads, "lead", "leads"),
        if leads == 1 { "is" } else { "are" }
    );
    if here > 0 {
        line += &format!(
            "; {} of them {} this account's key, so the explanation above leaves {} out",
            thousands(here),
            if here == 1 { "has" } else { "have" },
            if here == 1 { "it" } else { "them" }
        );
    }
    line + " (`leadscore score` shows why)"
}

/// After `--accounts`: how many account records were written, and how many
/// scored leads had no account key.
pub fn accounts_written(path: &std::path::Path, accounts: u64, without_key: u64) -> String {
    let mut line = format!(
        "{} written to {}",
        count(accounts, "account", "accounts"),
        path.display()
    );
    if without_key > 0 {
        line += &format!(
            "; {} without an account key (in no account)",
            count(without_key, "lead", "leads")
        );
    }
    line
}

/// `diff`: leads of `--leads` that could not be read are left out.
pub fn unread_left_out(bad: u64, file: &str) -> String {
    format!(
        "{} of {file} could not be read and {} left out",
        count(bad, "lead", "leads"),
        if bad == 1 { "is" } else { "are" }
    )
}

/// `fmt`: a file was rewritten in the canonical layout.
pub fn formatted(name: &str) -> String {
    format!("formatted {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_separators_and_nouns_agree() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(count(1, "lead", "leads"), "1 lead");
        assert_eq!(count(2500, "lead", "leads"), "2,500 leads");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(0, 0), "0%");
    }

    #[test]
    fn distribution_reads_as_one_line() {
        let line = distribution("tier", &[("hot", 1), ("cold", 3)], 4);
        assert_eq!(line, "tier: hot 25.0% · cold 75.0%");
    }
}

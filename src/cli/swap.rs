//! Catches a leads file given where the rules go (or the other way round)
//! before anything is read, so the user gets one line instead of a syntax
//! error for every line of a CRM export. Files are told apart by their
//! extension: `.rules` is rules; `.jsonl`, `.ndjson`, `.json`, `.csv` are leads.

use super::Stop;
use crate::diagnostics::cli::{leads_as_rules, rules_as_leads, swapped};
use std::path::Path;

const SCORE_USAGE: &str = "leadscore score RULES [LEADS...]";

fn is_rules(name: &str) -> bool {
    Path::new(name).extension().is_some_and(|e| e == "rules")
}

fn is_leads(name: &str) -> bool {
    let ext = Path::new(name).extension().and_then(|e| e.to_str());
    let ext = ext.map(str::to_ascii_lowercase);
    matches!(ext.as_deref(), Some("jsonl" | "ndjson" | "json" | "csv"))
}

/// `score`/`explain`: the rules first, then leads.
pub fn check_score(rules: &Path, leads: &[String]) -> Result<(), Stop> {
    check_pair(&rules.to_string_lossy(), leads, SCORE_USAGE)
}

/// The rules argument and the leads arguments of any command.
pub fn check_pair(rules: &str, leads: &[String], usage: &str) -> Result<(), Stop> {
    let misplaced_rules = leads.iter().find(|l| is_rules(l));
    match (is_leads(rules), misplaced_rules) {
        (true, Some(found)) => Err(Stop::Trouble(swapped(rules, found, usage))),
        (true, None) => Err(Stop::Trouble(leads_as_rules(rules, usage))),
        (false, Some(found)) => Err(Stop::Trouble(rules_as_leads(found, usage))),
        (false, None) => Ok(()),
    }
}

/// Rules files only (`check`, `fmt`, `test`).
pub fn check_rules(paths: &[&str], usage: &str) -> Result<(), Stop> {
    match paths.iter().find(|p| is_leads(p)) {
        Some(found) => Err(Stop::Trouble(leads_as_rules(found, usage))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_tell_rules_from_leads() {
        let leads = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(check_pair("m.rules", &leads(&["a.jsonl", "-"]), "u").is_ok());
        assert!(check_pair("m.rules", &[], "u").is_ok());
        let err = |r| match r {
            Err(Stop::Trouble(m)) => m,
            _ => panic!("expected trouble"),
        };
        let m = err(check_pair("a.CSV", &leads(&["m.rules"]), "u"));
        assert!(
            m.contains("a.CSV looks like leads and m.rules like rules"),
            "{m}"
        );
        let m = err(check_pair("x", &leads(&["m.rules"]), "u"));
        assert!(m.contains("m.rules is a rules file"), "{m}");
        assert!(check_rules(&["a.rules", "b"], "u").is_ok());
        assert!(check_rules(&["a.json"], "u").is_err());
    }
}

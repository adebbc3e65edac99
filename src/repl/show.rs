//! How the REPL shows scores, score changes, rules and the schema.

use crate::cli::output::format_number;
use crate::diagnostics::repl as words;
use crate::diagnostics::Diagnostic;
use crate::eval::{EvalOptions, Outcome, Program};
use crate::rules::{Ruleset, Type};
use crate::syntax::ast::Sign;
use serde_json::Value;
use std::fmt::Write as _;

/// `1 error, 2 warnings`.
pub fn problems(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let mut parts = vec![crate::cli::load::plural(errors, "error")];
    if warnings > 0 {
        parts.push(crate::cli::load::plural(warnings, "warning"));
    }
    parts.join(", ")
}

/// A diagnostic told in one line, without drawing its source (for the
/// REPL's own entry file): `error: message: label`, then its help.
pub fn plain_diagnostic(d: &Diagnostic) -> String {
    let severity = if d.is_error() { "error" } else { "warning" };
    let mut text = format!("{severity}: {}", d.message);
    if !d.label.is_empty() {
        let _ = write!(text, ": {}", d.label);
    }
    text.push('\n');
    text
}

/// What an added item is: `rule`, `let`, `group`, … (its first word).
pub fn item_kind(text: &str) -> &str {
    match text.split_whitespace().next().unwrap_or("") {
        "when" | "add" | "subtract" => "rule",
        word => word,
    }
}

/// Each label's value for an outcome, in declaration order: `(name, value)`.
fn labels<'r>(rules: &'r Ruleset, outcome: &Outcome) -> Vec<(&'r str, &'r str)> {
    let values = outcome.label_values(rules).into_iter();
    values
        .map(|(name, value)| (name, value.unwrap_or("-")))
        .collect()
}

/// `score 87  tier hot  grade A`, or the lead's data error.
pub fn headline(program: &Program, lead: &Value, opts: &EvalOptions) -> String {
    match program.score(lead, opts) {
        Ok(outcome) => outcome_line(program.ruleset(), &outcome),
        Err(e) => words::error(e),
    }
}

/// `score 87  tier hot  grade A` for an outcome of `rules`.
pub fn outcome_line(rules: &Ruleset, outcome: &Outcome) -> String {
    let mut line = format!("score {}", format_number(outcome.score));
    for (name, value) in labels(rules, outcome) {
        let _ = write!(line, "  {name} {value}");
    }
    line
}

/// `: score 72 → 87, tier warm → hot` for the current lead when rules
/// change (empty without a lead).
pub fn change(old: &Program, new: &Program, lead: Option<&Value>, opts: &EvalOptions) -> String {
    let Some(lead) = lead else {
        return String::new();
    };
    let (Ok(before), Ok(after)) = (old.score(lead, opts), new.score(lead, opts)) else {
        return format!("; the current lead: {}", headline(new, lead, opts));
    };
    let (b, a) = (format_number(before.score), format_number(after.score));
    let mut parts = vec![if b == a {
        format!("score {a} (unchanged)")
    } else {
        format!("score {b} → {a}")
    }];
    let old_labels = labels(old.ruleset(), &before);
    for (name, value) in labels(new.ruleset(), &after) {
        match old_labels.iter().find(|(n, _)| *n == name) {
            Some((_, was)) if *was != value => parts.push(format!("{name} {was} → {value}")),
            Some(_) => {}
            None => parts.push(format!("{name} {value}")),
        }
    }
    format!(": {}", parts.join(", "))
}

/// `:leads`: one line per loaded lead.
pub fn leads(program: &Program, leads: &[Value], opts: &EvalOptions) -> String {
    if leads.is_empty() {
        return words::NO_LEADS.into();
    }
    let mut text = String::new();
    for (i, lead) in leads.iter().enumerate() {
        let id = match lead.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => "-".into(),
        };
        let _ = writeln!(
            text,
            "{:>4}  {id:<12}  {}",
            i + 1,
            headline(program, lead, opts)
        );
    }
    text.pop();
    text
}

/// `:rules`: groups with their rules and points, ungrouped rules, lets, labels.
pub fn rules(rules: &Ruleset) -> String {
    let mut text = String::new();
    for (g, group) in rules.groups.iter().enumerate() {
        let mut bounds = String::new();
        if let Some(max) = group.max {
            let _ = write!(bounds, " max {}", format_number(max));
        }
        if let Some(min) = group.min {
            let _ = write!(bounds, " min {}", format_number(min));
        }
        let _ = writeln!(text, "group {}{bounds}", group.name);
        rule_lines(&mut text, rules, Some(g));
    }
    if rules.rules.iter().any(|r| r.group.is_none()) {
        text.push_str("ungrouped\n");
        rule_lines(&mut text, rules, None);
    }
    for l in &rules.lets {
        let _ = writeln!(text, "let {} : {}", l.name, l.value.ty);
    }
    for label in &rules.labels {
        let values: Vec<&str> = label.arms.iter().map(|a| a.value.as_str()).collect();
        let _ = writeln!(text, "label {}: {}", label.name, values.join(", "));
    }
    if text.is_empty() {
        text.push_str(words::NO_RULES);
    }
    text.trim_end().to_string()
}

fn rule_lines(text: &mut String, rules: &Ruleset, group: Option<usize>) {
    for rule in rules.rules.iter().filter(|r| r.group == group) {
        let sign = if rule.sign == Sign::Add { "+" } else { "-" };
        let points = match &rule.points.kind {
            crate::rules::TExprKind::Number(x) => format_number(*x),
            _ => "(computed)".into(),
        };
        let _ = writeln!(text, "  {sign}{points:<6} {}", rule.label);
    }
}

/// `:schema`: the lead's fields, declared or inferred from the rules.
pub fn schema(rules: &Ruleset) -> String {
    let Type::Record(fields) = &rules.lead_type else {
        return format!("lead : {}", rules.lead_type);
    };
    let how = if rules.has_schema {
        "declared"
    } else {
        "inferred from the rules"
    };
    let mut text = format!("schema {{  # {how}\n");
    for (name, field) in fields {
        let q = if field.optional { "?" } else { "" };
        let _ = writeln!(text, "  {name}: {}{q}", field.ty);
    }
    text.push('}');
    text
}

/// Field paths of a lead type, dotted (`company.size`), for completion.
pub fn field_paths<'t>(ty: &'t Type, prefix: &mut Vec<&'t str>, out: &mut Vec<String>) {
    if let Type::Record(fields) = ty {
        for (name, field) in fields {
            prefix.push(name);
            out.push(crate::syntax::path_text(prefix.iter().copied()));
            field_paths(&field.ty, prefix, out);
            prefix.pop();
        }
    }
}

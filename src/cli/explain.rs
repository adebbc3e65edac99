//! `leadscore explain`: a human-readable breakdown of each lead's score.
//!
//! ```text
//! lead L00000042  score 87  tier hot  grade A
//!   fit 60 (max 60, capped from 75)
//!     +50  executive title
//!     +20  company.size between 200 and 5000
//!   engagement 27
//!     +30  pricing page
//!   ungrouped
//!     -15  inactive
//!   did not fire:
//!     personal email
//!     when unsubscribed subtract 50
//! ```

use super::input;
use super::load;
use super::output::{bound_word, format_number, Scored};
use super::score::{lead_id, open_all, score_one, written_id, Context};
use super::{ExplainArgs, Status, Stop};
use crate::diagnostics::cli::{self as words, no_lead_with_id};
use crate::diagnostics::io::read_failed;
use crate::diagnostics::visible::{visible, visible_line};
use crate::eval::account::{Account, Accounts, Plan};
use crate::eval::{Bound, Outcome, Program};
use crate::rules::Ruleset;
use serde_json::Value;
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

/// Explains the `--lead` given, or every lead of the inputs (only those
/// with the `--id` given, when one is).
pub fn run(args: &ExplainArgs) -> Result<Status, Stop> {
    super::swap::check_score(&args.rules, &args.input.leads)?;
    let program = load::program(&args.rules, args.input.timezone.as_ref())?;
    if let Some(key) = args.account.as_deref() {
        return explain_account(args, program, key);
    }
    let ctx = Context::new(&program, &args.input);
    let mut out = BufWriter::new(io::stdout());
    let mut report = Report::default();
    match &args.lead {
        Some(text) => {
            let scored = score_text(&ctx, text)?;
            report.add(&mut out, program.ruleset(), &scored, None)?;
        }
        None => {
            let read = explain_inputs(ctx, args, &mut report, &mut out)?;
            if let Some(id) = args.only.as_deref().filter(|_| report.leads == 0) {
                let field = &args.input.id;
                return Err(Stop::Trouble(no_lead_with_id(field, id, read)));
            }
        }
    }
    out.flush().map_err(Stop::write)?;
    Ok(report.status())
}

/// Explains the leads of every input (those with the `--id` given, when
/// one is); returns how many leads were read.
fn explain_inputs(
    mut ctx: Context,
    args: &ExplainArgs,
    report: &mut Report,
    out: &mut impl Write,
) -> Result<u64, Stop> {
    let sources = open_all(&args.input.leads)?;
    let many = sources.len() > 1;
    let mut read = 0;
    let mut census = ctx.program.census();
    for source in sources {
        ctx.file = many.then(|| source.name.clone());
        let name = source.name.clone();
        let reading = args.input.reading(ctx.program.ruleset());
        let leads = input::leads(source, &reading).map_err(Stop::Trouble)?;
        for lead in leads {
            let lead = lead.map_err(|e| Stop::Trouble(read_failed(&name, &e)))?;
            read += 1;
            if !wanted(&ctx, &lead, args.only.as_deref()) {
                continue;
            }
            let at = ctx.place(lead.at.clone());
            report.add(
                out,
                ctx.program.ruleset(),
                &score_one(&ctx, lead, &mut census),
                Some(&at),
            )?;
        }
    }
    Ok(read)
}

/// `explain --account KEY`: scores every lead with the lead rules,
/// gathering the leads of that account only (of the others just their
/// keys, for a suggestion), then explains the account. Leads that could
/// not be scored are in no account: a note counts them, and those whose
/// key is KEY make the exit status that of lead errors.
fn explain_account(args: &ExplainArgs, program: Program, key: &str) -> Result<Status, Stop> {
    let Some(plan) = Plan::of(program.ruleset()) else {
        return Err(Stop::Trouble(words::explain_no_account_block(&args.rules)));
    };
    let unknown = |accounts: &Accounts, read, unscored| {
        let keys = accounts.keys();
        let nearest = crate::check::suggest::did_you_mean(key, keys.iter().copied());
        let mut line = words::no_account_with_key(key, nearest, keys.len(), read);
        if unscored > 0 {
            line += &words::unscored_with_key(unscored);
        }
        Stop::Trouble(line)
    };
    let mut accounts = Accounts::only(key);
    let lead_program = plan.lead_program();
    let mut ctx = Context::new(&lead_program, &args.input);
    let read = gather(&mut ctx, &plan, args, &mut accounts)?;
    let (unscored, unscored_here) = (accounts.unscored, accounts.unscored_here);
    if accounts.is_empty() {
        return Err(unknown(&accounts, read, unscored_here));
    }
    let account_program = plan.account_program();
    let Some(account) = accounts.finish(&plan, &account_program, &ctx.opts).next() else {
        return Err(unknown(&Accounts::default(), read, unscored_here));
    };
    let text = account_text(account_program.ruleset(), &account);
    let mut out = BufWriter::new(io::stdout());
    out.write_all(visible(&text).as_bytes())
        .map_err(Stop::write)?;
    out.flush().map_err(Stop::write)?;
    if unscored > 0 {
        super::note(&words::account_missing_unscored(unscored, unscored_here));
    }
    // Leads of this account left out make its explanation partial.
    Ok(match account.result {
        Ok(_) if unscored_here == 0 => Status::Success,
        Ok(_) | Err(_) => Status::LeadErrors,
    })
}

/// Scores the leads of every input with `ctx`'s program (the plan's lead
/// program) and adds each scored lead to `accounts`; returns how many
/// leads were read.
fn gather(
    ctx: &mut Context,
    plan: &Plan,
    args: &ExplainArgs,
    accounts: &mut Accounts,
) -> Result<u64, Stop> {
    let program = ctx.program;
    let sources = open_all(&args.input.leads)?;
    let many = sources.len() > 1;
    let mut census = program.census();
    let mut read = 0;
    for source in sources {
        ctx.file = many.then(|| source.name.clone());
        let name = source.name.clone();
        let reading = args.input.reading(program.ruleset());
        let leads = input::leads(source, &reading).map_err(Stop::Trouble)?;
        for lead in leads {
            let lead = lead.map_err(|e| Stop::Trouble(read_failed(&name, &e)))?;
            read += 1;
            let readable = lead.value.as_ref().ok();
            let value = readable.filter(|_| plan.needs_lead()).cloned();
            let key = readable.map(|v| plan.key_value(v));
            match &mut score_one(ctx, lead, &mut census).result {
                Ok(outcome) => accounts.add(plan, outcome, value.as_ref()),
                Err(_) => accounts.add_unscored(key.as_ref()),
            }
        }
    }
    Ok(read)
}

/// Whether `lead` is explained: always without `--id`, else when its id
/// (a string, or a number or other value as JSON text) is the one given.
fn wanted(ctx: &Context, lead: &input::Lead, only: Option<&str>) -> bool {
    let Some(only) = only else { return true };
    let id = match &lead.value {
        Ok(v) => Some(written_id(v, lead.text.as_deref(), &ctx.id)),
        Err(bad) => bad.partial.as_ref().map(|v| lead_id(v, &ctx.id)),
    };
    match id {
        Some(Value::String(s)) => s == only,
        Some(Value::Null) | None => false,
        Some(other) => format!("{other}") == only,
    }
}

/// Scores the lead given as `--lead` text; text that is not a JSON object is a usage error.
fn score_text(ctx: &Context, text: &str) -> Result<Scored, Stop> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| Stop::Trouble(words::lead_arg_not_json(&e)))?;
    if !value.is_object() {
        return Err(Stop::Trouble(words::lead_arg_not_object().into()));
    }
    Ok(Scored {
        id: lead_id(&value, &ctx.id),
        kept: Vec::new(),
        result: ctx
            .program
            .score(&value, &ctx.opts)
            .map_err(|e| e.to_string()),
    })
}

/// Writes explanations one after another, separated by blank lines.
#[derive(Debug, Default)]
struct Report {
    leads: usize,
    failed: bool,
}

impl Report {
    fn add(
        &mut self,
        out: &mut impl Write,
        rules: &Ruleset,
        scored: &Scored,
        at: Option<&str>,
    ) -> Result<(), Stop> {
        let separator = if self.leads > 0 { "\n" } else { "" };
        self.leads += 1;
        self.failed |= scored.result.is_err();
        let text = explanation(rules, scored, at);
        write!(out, "{separator}{}", visible(&text)).map_err(Stop::write)
    }

    fn status(&self) -> Status {
        if self.failed {
            Status::LeadErrors
        } else {
            Status::Success
        }
    }
}

/// One lead's explanation, ending with a newline. `at` names where the lead
/// was read, for a lead without an id.
pub fn explanation(rules: &Ruleset, scored: &Scored, at: Option<&str>) -> String {
    let mut text = title(&scored.id, at);
    match &scored.result {
        Err(message) => {
            let _ = writeln!(text, "\n  error: {message}");
        }
        Ok(outcome) => {
            text.push_str(&headline(rules, outcome));
            text.push('\n');
            text.push_str(&breakdown(rules, outcome));
        }
    }
    text
}

/// An account's explanation, ending with a newline: its key, its score
/// and labels, then each account rule's points (`rules` are the `account`
/// block's), which add up to the score as a lead's do.
/// `leads` is how many leads the account has, when that is known.
pub fn account_explanation(
    rules: &Ruleset,
    key: &str,
    leads: Option<usize>,
    outcome: &Outcome,
) -> String {
    let mut text = crate::diagnostics::cli::account_title(key, leads);
    text.push_str(&headline(rules, outcome));
    text.push('\n');
    text.push_str(&breakdown(rules, outcome));
    text
}

/// An account as `explain --account KEY` shows it: its explanation, or
/// the error that kept it from being scored (`rules` are the `account`
/// block's).
pub fn account_text(rules: &Ruleset, account: &Account) -> String {
    match &account.result {
        Ok(outcome) => account_explanation(rules, &account.key, Some(account.leads), outcome),
        Err(e) => format!(
            "{}\n  error: {e}\n",
            words::account_title(&account.key, Some(account.leads))
        ),
    }
}

/// `lead L42`, or `lead at line 7` for a lead without an id.
fn title(id: &Value, at: Option<&str>) -> String {
    match (id, at) {
        (Value::String(s), _) => format!("lead {}", visible_line(s)),
        (Value::Null, Some(at)) => format!("lead at {at}"),
        (Value::Null, None) => "lead".to_string(),
        (other, _) => format!("lead {other}"),
    }
}

/// `  score 87  tier hot  grade A`: the score and each label.
fn headline(rules: &Ruleset, outcome: &Outcome) -> String {
    let mut line = format!(
        "  score {}{}",
        format_number(outcome.score),
        cap_note(outcome, None, outcome.score)
    );
    for (name, value) in outcome.label_values(rules) {
        let _ = write!(line, "  {name} {}", quoted_if_spaced(value.unwrap_or("-")));
    }
    line
}

/// A label value as shown: quoted when it has white space (`"call today"`).
fn quoted_if_spaced(value: &str) -> String {
    if value.contains(char::is_whitespace) {
        Value::from(value).to_string()
    } else {
        value.to_string()
    }
}

/// Each group with its rules, the ungrouped rules, and the rules that did not fire.
fn breakdown(rules: &Ruleset, outcome: &Outcome) -> String {
    let width = points_width(outcome);
    let mut text = String::new();
    for (g, group) in rules.groups.iter().enumerate() {
        let total = outcome.groups.get(g).copied().unwrap_or(0.0);
        let _ = writeln!(
            text,
            "  {} {}{}",
            group.name,
            format_number(total),
            cap_note(outcome, Some(g), total)
        );
        text.push_str(&fired_lines(rules, outcome, Some(g), width));
    }
    let ungrouped = fired_lines(rules, outcome, None, width);
    if !ungrouped.is_empty() {
        let _ = writeln!(text, "  ungrouped\n{ungrouped}");
        text.pop();
    }
    text.push_str(&not_fired(rules, outcome));
    match outcome.mismatches {
        0 => {}
        1 => text.push_str("  1 type mismatch: a test on a value of the wrong type was false\n"),
        n => {
            let _ = writeln!(
                text,
                "  {n} type mismatches: tests on values of the wrong type were false"
            );
        }
    }
    text
}

/// ` (max 60, capped from 75)` when a bound changed group `g`'s total (`None`:
/// the score's).
fn cap_note(outcome: &Outcome, g: Option<usize>, total: f64) -> String {
    let Some(cap) = outcome.caps.iter().find(|c| c.group == g) else {
        return String::new();
    };
    let verb = match cap.bound {
        Bound::Max => "capped",
        Bound::Min => "raised",
    };
    let before = format_number(total - cap.points);
    format!(
        " ({} {}, {verb} from {before})",
        bound_word(cap.bound),
        format_number(cap.limit)
    )
}

/// `    +50  executive title` for each rule of `group` that fired, points aligned.
fn fired_lines(rules: &Ruleset, outcome: &Outcome, group: Option<usize>, width: usize) -> String {
    let mut text = String::new();
    for (rule, o) in rules.rules.iter().zip(&outcome.rules) {
        if rule.group == group && o.fired {
            let _ = writeln!(text, "    {:>width$}  {}", signed(o.points), rule.label);
        }
    }
    text
}

/// The widest signed points of the rules that fired.
fn points_width(outcome: &Outcome) -> usize {
    outcome
        .rules
        .iter()
        .filter(|o| o.fired)
        .map(|o| signed(o.points).len())
        .max()
        .unwrap_or(0)
}

/// `+50`, `-15`, `0`.
fn signed(points: f64) -> String {
    if points > 0.0 {
        format!("+{}", format_number(points))
    } else {
        format_number(points)
    }
}

/// `  did not fire:` and one rule label per line; empty when every rule fired.
fn not_fired(rules: &Ruleset, outcome: &Outcome) -> String {
    let mut text = String::new();
    for (rule, _) in rules
        .rules
        .iter()
        .zip(&outcome.rules)
        .filter(|(_, o)| !o.fired)
    {
        let _ = writeln!(text, "    {}", rule.label);
    }
    if text.is_empty() {
        return text;
    }
    format!("  did not fire:\n{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(title(&Value::from("L1"), Some("line 2")), "lead L1");
        assert_eq!(title(&Value::from(7), None), "lead 7");
        assert_eq!(title(&Value::Null, Some("line 2")), "lead at line 2");
    }

    #[test]
    fn label_values_with_spaces_are_quoted() {
        assert_eq!(quoted_if_spaced("hot"), "hot");
        assert_eq!(quoted_if_spaced("call today"), "\"call today\"");
    }

    #[test]
    fn signed_points() {
        assert_eq!(signed(50.0), "+50");
        assert_eq!(signed(-15.0), "-15");
        assert_eq!(signed(0.0), "0");
        assert_eq!(signed(2.5), "+2.5");
    }
}

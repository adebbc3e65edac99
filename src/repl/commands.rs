//! Reading one line of REPL input: a `:command`, an item to add (rule,
//! `let`, group, label, schema, include) or an expression to evaluate.

use crate::diagnostics::repl as words;

/// The commands, with their arguments and a one-line description (`:help`).
pub const COMMANDS: [(&str, &str, &str); 17] = [
    (
        ":lead",
        "[{json} | N]",
        "set the current lead (JSON text, or lead N of --leads); alone: back to the lead",
    ),
    (
        ":account",
        "[KEY]",
        "read expressions and :type as the account block does (for account KEY of --leads)",
    ),
    (
        ":accounts",
        "",
        "list the accounts of the loaded leads with their scores and labels",
    ),
    (
        ":set",
        "FIELD VALUE",
        "set a field of the current lead (VALUE is JSON, or a bare word)",
    ),
    (
        ":leads",
        "",
        "list the loaded leads with their scores and labels",
    ),
    (
        ":score",
        "",
        "score the current lead (after `:account KEY`: that account)",
    ),
    (
        ":explain",
        "",
        "the current lead's breakdown: rules that fired and did not, caps, labels \
         (after `:account KEY`: that account's)",
    ),
    (
        ":as-of",
        "TIME",
        "set the clock (RFC 3339, or a date for midnight UTC)",
    ),
    (":load", "FILE", "load a rules file too (and watch it)"),
    (":reload", "", "re-read the rules files now"),
    (
        ":rules",
        "",
        "list the groups, rules with their points, lets and labels",
    ),
    (
        ":type",
        "NAME|EXPR",
        "the type of a field, a let or any expression",
    ),
    (
        ":schema",
        "",
        "the lead's fields and types (declared or inferred)",
    ),
    (
        ":save",
        "FILE",
        "write the items typed in this session to a rules file",
    ),
    (":help", "", "this list"),
    (":quit", "", "leave (Ctrl-D too)"),
    (":q", "", "leave"),
];

/// Words that start an item (and `score max`/`score min`, `account by`); anything else
/// that is not a command is an expression.
const ITEM_WORDS: [&str; 9] = [
    "when", "add", "subtract", "let", "group", "label", "schema", "include", "test",
];

/// A command and its argument text (trimmed; may be empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command<'a> {
    /// `:lead {json}` or `:lead N`; `:lead` alone (empty) goes back to the
    /// lead context.
    Lead(&'a str),
    /// `:account KEY`, or `:account` alone (empty).
    Account(&'a str),
    /// `:accounts`.
    Accounts,
    /// `:set FIELD VALUE`.
    Set(&'a str, &'a str),
    /// `:leads`.
    Leads,
    /// `:score`.
    Score,
    /// `:explain`.
    Explain,
    /// `:as-of TIME`.
    AsOf(&'a str),
    /// `:load FILE`.
    Load(&'a str),
    /// `:reload`.
    Reload,
    /// `:rules`.
    Rules,
    /// `:type NAME`.
    Type(&'a str),
    /// `:schema`.
    Schema,
    /// `:save FILE`.
    Save(&'a str),
    /// `:help`.
    Help,
    /// `:quit`.
    Quit,
}

/// What a line of input is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// Nothing (blank, or only a comment).
    Empty,
    /// A `:command`.
    Command(Command<'a>),
    /// An item to add to the session.
    Item(&'a str),
    /// An expression to evaluate.
    Expr(&'a str),
}

/// Classifies a line; an unknown command is an error message.
pub fn parse(line: &str) -> Result<Line<'_>, String> {
    let text = line.trim();
    if text.is_empty() || text.starts_with('#') {
        return Ok(Line::Empty);
    }
    if let Some(rest) = text.strip_prefix(':') {
        return command(rest).map(Line::Command);
    }
    let first = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    let mut words = text.split_whitespace();
    let two = (words.next(), words.next());
    let limits = matches!(two, (Some("score"), Some("max" | "min")));
    let block = two == (Some("account"), Some("by"));
    if ITEM_WORDS.contains(&first) || limits || block {
        Ok(Line::Item(text))
    } else {
        Ok(Line::Expr(text))
    }
}

fn command(text: &str) -> Result<Command<'_>, String> {
    let (name, arg) = text
        .split_once(char::is_whitespace)
        .map_or((text, ""), |(n, a)| (n, a.trim()));
    let needs = |what: &str| Err(words::needs(name, what));
    Ok(match name {
        "lead" => Command::Lead(arg),
        "account" => Command::Account(arg),
        "accounts" => Command::Accounts,
        "set" => match arg.split_once(char::is_whitespace) {
            Some((field, value)) => Command::Set(field, value.trim()),
            None => return needs(words::NEEDS_FIELD_AND_VALUE),
        },
        "leads" => Command::Leads,
        "score" => Command::Score,
        "explain" => Command::Explain,
        "as-of" if arg.is_empty() => return needs(words::NEEDS_TIME),
        "as-of" => Command::AsOf(arg),
        "load" if arg.is_empty() => return needs(words::NEEDS_FILE),
        "load" => Command::Load(arg),
        "reload" => Command::Reload,
        "rules" => Command::Rules,
        "type" if arg.is_empty() => return needs(words::NEEDS_EXPRESSION),
        "type" => Command::Type(arg),
        "schema" => Command::Schema,
        "save" if arg.is_empty() => return needs(words::NEEDS_FILE),
        "save" => Command::Save(arg),
        "help" | "h" | "?" => Command::Help,
        "quit" | "q" | "exit" => Command::Quit,
        _ => return Err(words::unknown_command(name)),
    })
}

/// `true` for a line that pastes lead data (`:lead {json}`, `:set FIELD
/// VALUE`): such lines hold personal data and are kept out of the history
/// file unless asked for.
pub fn holds_lead_data(line: &str) -> bool {
    let text = line.trim_start();
    let lead_json = text
        .strip_prefix(":lead")
        .is_some_and(|rest| rest.trim_start().starts_with('{'));
    let set = text
        .strip_prefix(":set")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace));
    lead_json || set
}

/// `false` while a bracket, brace or parenthesis is open (outside strings,
/// regexes and comments): the input goes on on the next line.
pub fn is_complete(text: &str) -> bool {
    // Regexes only follow `matches`; elsewhere `/` is division.
    let regexes = text.contains("matches");
    let mut depth: i32 = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => skip_quoted(&mut chars, c),
            '/' if regexes => skip_quoted(&mut chars, c),
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    depth <= 0
}

fn skip_quoted(chars: &mut std::iter::Peekable<std::str::Chars>, quote: char) {
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
        } else if c == quote || c == '\n' {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_classified() {
        assert_eq!(parse("  "), Ok(Line::Empty));
        assert_eq!(parse("# note"), Ok(Line::Empty));
        assert_eq!(parse("when x add 1"), Ok(Line::Item("when x add 1")));
        assert_eq!(parse("let_x == 1"), Ok(Line::Expr("let_x == 1")));
        assert_eq!(parse("label(x)"), Ok(Line::Item("label(x)")));
        assert_eq!(parse(":score"), Ok(Line::Command(Command::Score)));
        assert_eq!(parse(":lead"), Ok(Line::Command(Command::Lead(""))));
        assert_eq!(
            parse(":account  Acme.com "),
            Ok(Line::Command(Command::Account("Acme.com")))
        );
        assert_eq!(
            parse("account by company.domain {"),
            Ok(Line::Item("account by company.domain {"))
        );
        assert_eq!(parse("account == 1"), Ok(Line::Expr("account == 1")));
        assert_eq!(
            parse(":set title \"VP Sales\""),
            Ok(Line::Command(Command::Set("title", "\"VP Sales\"")))
        );
    }

    #[test]
    fn command_errors_say_what_is_missing() {
        assert!(parse(":set title")
            .unwrap_err()
            .contains("a field and a value"));
        assert!(parse(":frob")
            .unwrap_err()
            .contains("unknown command `:frob`"));
        assert!(parse(":as-of").unwrap_err().contains("a time"));
    }

    #[test]
    fn lines_with_lead_data_are_recognised() {
        assert!(holds_lead_data(":lead {\"email\": \"a@b.c\"}"));
        assert!(holds_lead_data("  :set email a@b.c"));
        assert!(!holds_lead_data(":lead 3"));
        assert!(!holds_lead_data(":settle"));
        assert!(!holds_lead_data("title contains \"VP\""));
    }

    #[test]
    fn open_brackets_continue_the_input() {
        assert!(!is_complete("group fit max 60 {"));
        assert!(!is_complete("count(events where type in [\"a\","));
        assert!(is_complete("group fit {\n when x add 1\n}"));
        assert!(is_complete("title contains \"{\""));
        assert!(is_complete("x # { not code"));
        assert!(is_complete("title matches /[a-z/"));
        assert!(is_complete("a / (b)"));
    }
}

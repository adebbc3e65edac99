//! What reaches a terminal: no human-readable output (diagnostics,
//! `explain`, the text reports of `diff`, `calibrate` and `test`, notes and
//! summaries on stderr) carries a raw control character (but tab and line
//! feed) or bidi control from a lead, an account key, an outcomes file, a
//! rules file or a file name; each is shown as its escape, `\u{1b}`
//! (decision 70). Machine formats keep the data as it was.

mod common;

use std::fs;
use std::path::Path;

const AS_OF: &str = "--as-of=2026-11-01T00:00:00Z";

const RULES: &str = r#"schema {
  id: string
  title: string?
  company: string?
  converted: bool?
}
when title contains "VP" add 10 as "executive"
when converted == true add 1 as "converted flag"
label tier {
  hot when score >= 10
  cold otherwise
}
account by company {
  add sum_of_top(leads.score, 3) up to 20 as "top three"
}
test "a lead with control characters in its id" {
  lead from "t.json"
  expect score == 99
}
"#;

/// ESC sequences (colour, window title, clear screen, cursor up), a C1
/// CSI and bidi overrides and isolates in ids, titles and account keys.
const LEADS: &str = concat!(
    r#"{"id":"x\u001b[31mred","title":"VP\u001b]0;pwned\u0007","company":"acme\u001b[1A\u009b2K","converted":true}"#,
    "\n",
    r#"{"id":"y\u202eevil","title":"CEO\u2066","company":"b","converted":false}"#,
    "\n",
);

/// The key of the first lead's account, as given to `--account`.
const KEY: &str = "acme\u{1b}[1A\u{9b}2K";

/// The characters that must not reach a terminal as they are.
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A folder with the rules, leads (JSON Lines and CSV, one file named with
/// an ESC), outcomes and a test lead, all carrying hidden characters.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let put = |name: &str, text: &str| fs::write(dir.path().join(name), text).unwrap();
    put("r.rules", RULES);
    put(
        "new.rules",
        "when title contains \"VP\" add 12 as \"executive\"\n",
    );
    put("l.jsonl", LEADS);
    put("l\u{1b}[2J.jsonl", LEADS);
    put("l.csv", "id,title,extra\u{1b}[31mcol\nc\u{1b}[1m,VP,1\n");
    put(
        "outcomes.csv",
        "id,converted\nx\u{1b}[31mred,true\nzz\u{1b}[0m,false\n",
    );
    put(
        "t.json",
        r#"{"id":"t\u001b[31m","title":"VP\u001b[2J","company":"acme\u001b[1A"}"#,
    );
    put(
        "comment.rules",
        "when title == \"VP\" add 5\n# comment \u{1b}[31mRED\u{1b}[0m \u{202e}\nwhen titl == \"x\" add 1\n",
    );
    put(
        "n\u{1b}[31m.rules",
        "when title == \"VP\" add 5\nwhen titl == \"x\" add 1\n",
    );
    dir
}

/// Runs `leadscore args` in `dir` and returns stdout and stderr, as text.
fn run(dir: &Path, args: &[&str]) -> (String, String) {
    let (stdout, stderr, _) = common::run_in(dir, args);
    (stdout, stderr)
}

/// What `leadscore args` wrote as is on `stream`, if anything: the
/// command, the stream and the character.
fn raw_in(args: &[&str], stream: &str, text: &str) -> Option<String> {
    let (at, c) = text.char_indices().find(|&(_, c)| hidden(c))?;
    Some(format!(
        "leadscore {args:?} wrote U+{:04X} as is on {stream} at byte {at}",
        c as u32
    ))
}

#[test]
fn human_readable_output_shows_hidden_characters_as_escapes() {
    let dir = setup();
    let commands: &[&[&str]] = &[
        &["explain", "r.rules", "l.jsonl", AS_OF],
        &["explain", "r.rules", "l.csv", AS_OF],
        &[
            "explain",
            "r.rules",
            "l\u{1b}[2J.jsonl",
            "gone\u{1b}[2J.jsonl",
            AS_OF,
        ],
        &["explain", "r.rules", "l.jsonl", "--account", KEY, AS_OF],
        &[
            "explain",
            "r.rules",
            "l.jsonl",
            "--account",
            "no\u{1b}[2J",
            AS_OF,
        ],
        &["explain", "r.rules", "l.jsonl", "--id", "x\u{1b}", AS_OF],
        &[
            "explain",
            "r.rules",
            "--lead",
            r#"{"id":"q\u001b[31m"}"#,
            AS_OF,
        ],
        &["score", "r.rules", "l.csv", "-o", "out.jsonl", AS_OF],
        &[
            "score",
            "r.rules",
            "l\u{1b}[2J.jsonl",
            "-o",
            "out.jsonl",
            AS_OF,
        ],
        &["diff", "r.rules", "new.rules", "--leads", "l.jsonl", AS_OF],
        &[
            "calibrate",
            "r.rules",
            "l.jsonl",
            "--outcomes",
            "outcomes.csv",
            AS_OF,
        ],
        &["test", "r.rules", AS_OF],
        &["check", "comment.rules"],
        &["check", "n\u{1b}[31m.rules"],
        &["fmt", "--check", "n\u{1b}[31m.rules"],
    ];
    let mut raw = Vec::new();
    for args in commands {
        let (stdout, stderr) = run(dir.path(), args);
        raw.extend(raw_in(args, "stdout", &stdout));
        raw.extend(raw_in(args, "stderr", &stderr));
    }
    assert!(raw.is_empty(), "{}", raw.join("\n"));
}

/// What is there shows, escaped: the id and the account key in full, the
/// comment's ESC in the source line a diagnostic quotes.
#[test]
fn hidden_characters_show_as_rust_escapes() {
    let dir = setup();
    let (stdout, _) = run(dir.path(), &["explain", "r.rules", "l.jsonl", AS_OF]);
    assert!(
        stdout.starts_with("lead x\\u{1b}[31mred  score 11"),
        "{stdout}"
    );
    assert!(stdout.contains("lead y\\u{202e}evil  score 0"), "{stdout}");
    let args = ["explain", "r.rules", "l.jsonl", "--account", KEY, AS_OF];
    let (stdout, _) = run(dir.path(), &args);
    assert!(
        stdout.starts_with("account acme\\u{1b}[1a\\u{9b}2k (1 lead)  score 11"),
        "{stdout}"
    );
    let (_, stderr) = run(dir.path(), &["check", "comment.rules"]);
    assert!(
        stderr.contains(" 2 │ # comment \\u{1b}[31mRED\\u{1b}[0m \\u{202e}\n"),
        "{stderr}"
    );
    let (_, stderr) = run(dir.path(), &["check", "n\u{1b}[31m.rules"]);
    assert!(stderr.contains("╭─[n\\u{1b}[31m.rules:2:6]"), "{stderr}");
}

/// Machine formats are not touched: the record's id is the lead's, which
/// JSON escapes its own way.
#[test]
fn machine_output_keeps_the_data() {
    let dir = setup();
    let (stdout, _) = run(dir.path(), &["score", "r.rules", "l.jsonl", AS_OF]);
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], "x\u{1b}[31mred");
    let second: serde_json::Value = serde_json::from_str(stdout.lines().nth(1).unwrap()).unwrap();
    assert_eq!(second["id"], "y\u{202e}evil");
}

//! `fmt` before and after, as snapshots: the shipped rules files and the
//! layouts of issue 15 (`tests/data/fmt/`): lists and long conditions keep
//! the author's lines (or are broken one item per line, never joined into
//! one very long line), meaningful parentheses stay, no blank line appears
//! before a comment, a trailing comment stays with its line. Each result is
//! also checked to be a fixed point with the same AST.

use leadscore::syntax::{self, ast::FileId};
use std::path::Path;

/// The AST of `src` with every span blanked.
fn shape(src: &str) -> String {
    let (file, errors) = syntax::parse(FileId(0), src);
    assert_eq!(errors, [], "syntax errors in:\n{src}");
    let text = format!("{:#?}", file.items);
    let spans = regex::Regex::new(r"(?s)(pattern_)?span: Span \{.*?\},").unwrap();
    spans.replace_all(&text, "").into_owned()
}

/// Formats the file, checks the properties, and returns `before`/`after`.
fn before_after(path: &str) -> (String, String) {
    let src = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let out = leadscore::fmt::format(&src).unwrap();
    assert_eq!(shape(&src), shape(&out), "{path}: the AST changed");
    assert_eq!(
        leadscore::fmt::format(&out).unwrap(),
        out,
        "{path}: not idempotent"
    );
    (src, out)
}

fn snapshot(name: &str, path: &str) -> String {
    let (before, after) = before_after(path);
    let text = format!("---- before: {path}\n{before}---- after\n{after}");
    insta::assert_snapshot!(name, text);
    after
}

#[test]
fn shipped_rules_files() {
    // Before and after are the same text: each shipped file is laid out as
    // `fmt` lays it out, so the test shows both properties without a copy.
    for file in [
        "b2b_saas",
        "b2b_saas.test",
        "bench",
        "bench.test",
        "bench_decay",
        "fit_only",
        "shared/lists",
    ] {
        let path = format!("rules/{file}.rules");
        let (before, after) = before_after(&path);
        assert_eq!(before, after, "{path}: fmt changes the shipped file");
    }
}

#[test]
fn lists_keep_the_authors_lines_or_break_one_item_per_line() {
    let after = snapshot("lists", "tests/data/fmt/lists.rules");
    assert!(
        after.contains("  VP, \"Vice President\", SVP,\n"),
        "{after}"
    );
    assert!(
        after.contains("  Chief, CEO, CTO, CFO, # the C-suite\n"),
        "{after}"
    );
    assert!(after.contains("  \"Information Technology\",\n"), "{after}");
    assert!(after.contains("when title in [VP, CEO] add 5\n"), "{after}");
    assert!(after.lines().all(|l| l.chars().count() <= 100), "{after}");
}

#[test]
fn conditions_keep_their_lines_and_meaningful_parentheses() {
    let after = snapshot("conditions", "tests/data/fmt/conditions.rules");
    assert!(
        after.contains(
            "\n  and company.size between 200 and 5000\n  and not unsubscribed\n) add 40"
        ),
        "{after}"
    );
    assert!(
        after.contains("when not (title contains \"VP\" and company.size < 10) add 1"),
        "{after}"
    );
    assert!(
        after.contains("when not (email ends with \"@gmail.com\") add 2"),
        "{after}"
    );
    assert!(
        after.contains("when (title contains \"CEO\" and company.size < 50) or title contains"),
        "{after}"
    );
    assert!(after.contains("when company.size > 10 add 4"), "{after}");
}

#[test]
fn comments_stay_on_their_lines_without_new_blank_lines() {
    let after = snapshot("comments", "tests/data/fmt/comments.rules");
    assert!(
        after.contains("  company.size >= 200 # mid-market and up\n"),
        "{after}"
    );
    assert!(after.contains("  Intern, # not a buyer\n"), "{after}");
    assert!(!after.contains("\n\n"), "a blank line was added:\n{after}");
}

#[test]
fn the_one_line_form_ignores_layout() {
    let src = "when (\n  title in [\n    VP,\n    CEO, # c\n  ]\n  and not (a == 1)\n) add 5\n";
    let (file, errors) = syntax::parse(FileId(0), src);
    assert_eq!(errors, []);
    let syntax::ast::Item::Rule(rule) = &file.items[0] else {
        panic!("a rule")
    };
    assert_eq!(
        leadscore::fmt::rule_line(src, rule),
        "when title in [VP, CEO] and not a == 1 add 5"
    );
}

#[test]
fn score_limits_decay_and_calendar_durations() {
    let after = snapshot("time", "tests/data/fmt/time.rules");
    let want = "score max 100 min 0\n\
                add sum(events where type == \"email_open\", 10 * decay(at, half_life: 30 days)) up to 20 as \"opens\"\n\
                add sum(events, 10 * decay(at, 50% per month)) as \"forms\"\n\
                add sum(events, 10 * decay(at, 20% per 3 months)) as \"quarterly\"\n\
                add 9 * decay(created_at, lifespan: 90 days)\n\
                when created_at within 2 years add 1\n\
                add count(distinct day(at) of events where type == \"open\") as \"open days\"\n\
                when any(events where type == \"demo\" and at > earliest((events where type == \"pricing\").at)) add 5\n\
                when weekday(created_at) in [Saturday, Sunday] or hour(created_at) < 6 subtract 1\n\
                add count(events where type == \"email_open\", at most 2 per day) up to 10 as \"capped opens\"\n\
                add sum(events, 5 * decay(at, half_life: 30 days), at most 1 per week of sent) as \"capped mails\"\n\
                label grade = fit_grade + engagement_level\n\
                label code = fit_grade + \"-\" + engagement_level\n";
    assert_eq!(after, want);
}

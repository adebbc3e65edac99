//! Formatter tests: exact layouts, comments kept, idempotence, and the same AST.

use super::format;
use crate::syntax::{self, ast::FileId};

/// The AST of `src` with every span blanked, so trees can be compared across layouts.
fn shape(src: &str) -> String {
    let (file, errors) = syntax::parse(FileId(0), src);
    assert_eq!(errors, [], "syntax errors in {src:?}");
    let text = format!("{:#?}", file.items);
    let spans = regex::Regex::new(r"(?s)(pattern_)?span: Span \{.*?\},").unwrap();
    spans.replace_all(&text, "").into_owned()
}

/// Formats `src` and checks the two properties every layout must have.
fn fmt(src: &str) -> String {
    let out = format(src).expect("formats");
    assert_eq!(
        shape(src),
        shape(&out),
        "formatting changed the AST of:\n{src}\n---\n{out}"
    );
    assert_eq!(
        format(&out).expect("formats again"),
        out,
        "formatting is not idempotent"
    );
    out
}

#[test]
fn spacing_is_normalised() {
    assert_eq!(
        fmt("when   title in [VP,CEO]   add 50\n"),
        "when title in [VP, CEO] add 50\n"
    );
    assert_eq!(
        fmt("add 2*count(events)up to 10 as \"x\""),
        "add 2 * count(events) up to 10 as \"x\"\n"
    );
}

#[test]
fn blocks_are_indented_and_blank_lines_kept_once() {
    let src = "group fit max 60 {\nwhen a add 1\n\n\n    when b add 2\n}\n\n\n\nlabel tier {\nhot when score >= 80\n  cold otherwise }\n";
    let want = "group fit max 60 {\n  when a add 1\n\n  when b add 2\n}\n\nlabel tier {\n  hot when score >= 80\n  cold otherwise\n}\n";
    assert_eq!(fmt(src), want);
}

#[test]
fn every_comment_is_kept() {
    let src = "# head\n\n# about a\nwhen a add 1 # trailing\ngroup g { # on the brace\n  # inside\n  add 2\n  # before the end\n}\nwhen (b # in a condition\n  or c) add 3\n# last\n";
    let out = fmt(src);
    for c in [
        "# head",
        "# about a",
        "# trailing",
        "# on the brace",
        "# inside",
        "# before the end",
        "# in a condition",
        "# last",
    ] {
        assert_eq!(out.matches(c).count(), 1, "{c} lost or doubled in:\n{out}");
    }
    assert!(
        out.contains("when a add 1 # trailing\ngroup g {    # on the brace\n"),
        "{out}"
    );
    assert!(
        out.contains("when (\n  b # in a condition\n  or c\n) add 3\n"),
        "a condition broken by its author keeps its lines and comment:\n{out}"
    );
}

#[test]
fn literals_keep_their_spelling() {
    let src = "when company.revenue >= 10_000_000 and n matches /\\b(a|b)\\b/i and s == \"q\\\"x\" add 2.50\n";
    assert_eq!(fmt(src), src);
}

#[test]
fn parentheses_only_where_the_tree_needs_them() {
    assert_eq!(
        fmt("when (a == 1 or b == 2) and c == 3 add 1"),
        "when (a == 1 or b == 2) and c == 3 add 1\n"
    );
    assert_eq!(
        fmt("when ((a == 1)) and (b == 2) add 1"),
        "when a == 1 and b == 2 add 1\n"
    );
    assert_eq!(
        fmt("when a and (b and c) add 1"),
        "when a and (b and c) add 1\n"
    );
    assert_eq!(
        fmt("add (1 + 2) * (3 - (4 - 5))"),
        "add (1 + 2) * (3 - (4 - 5))\n"
    );
    assert_eq!(
        fmt("add sum((orders where paid).amount) + count((x))"),
        "add sum((orders where paid).amount) + count(x)\n"
    );
    assert_eq!(
        fmt("when count(events where a) >= 1 add 1"),
        "when count(events where a) >= 1 add 1\n"
    );
    assert_eq!(
        fmt("let p = (events where a) where b"),
        "let p = (events where a) where b\n"
    );
    assert_eq!(fmt("add (a).b"), "add (a).b\n");
    assert_eq!(
        fmt("when not (a or b) and x is not missing add 1"),
        "when not (a or b) and x is present add 1\n"
    );
}

#[test]
fn the_authors_meaningful_parentheses_stay() {
    assert_eq!(
        fmt("when not (a == 1) and (b) add 1"),
        "when not (a == 1) and b add 1\n"
    );
    assert_eq!(
        fmt("when (a and b) or c add 1"),
        "when (a and b) or c add 1\n"
    );
    assert_eq!(fmt("add a + (b * c)"), "add a + (b * c)\n");
    assert_eq!(
        fmt("when (a == 1) and (b == 2) add 1"),
        "when a == 1 and b == 2 add 1\n"
    );
}

#[test]
fn a_comment_lifted_out_of_an_item_gets_no_blank_line() {
    let src = "add 1\nwhen x == (\n  1 # one\n) add 2\n";
    assert_eq!(fmt(src), "add 1\n# one\nwhen x == 1 add 2\n");
}

#[test]
fn long_conditions_break_before_each_operator() {
    let src = "when title contains any executive_titles and company.size between 200 and 5000 and company.industry in target_industries add 50 as \"ideal customer\"\n";
    let want = "when (\n  title contains any executive_titles\n  and company.size between 200 and 5000\n  and company.industry in target_industries\n) add 50 as \"ideal customer\"\n";
    assert_eq!(fmt(src), want);
}

#[test]
fn schema_layout() {
    let src = "schema { id: string, title: string?\ncompany: {name:string,size:int?}\n  events: list<{ type: string, at: datetime }> }\n";
    let want = "schema {\n  id: string\n  title: string?\n  company: { name: string, size: int? }\n  events: list<{ type: string, at: datetime }>\n}\n";
    assert_eq!(fmt(src), want);
}

#[test]
fn quoted_names_and_sources_round_trip() {
    let src = "schema {\n  title: string? from \"Job Title\",\"jobtitle\"\n  \"Annual Revenue\": number?\n  company: { \"No. of Employees\": int? from \"employees\", name: string }\n}\nwhen lead.\"Annual Revenue\" > 1 and company.\"No. of Employees\" > 2 add 1\n";
    let want = "schema {\n  title: string? from \"Job Title\", \"jobtitle\"\n  \"Annual Revenue\": number?\n  company: { \"No. of Employees\": int? from \"employees\", name: string }\n}\nwhen lead.\"Annual Revenue\" > 1 and company.\"No. of Employees\" > 2 add 1\n";
    assert_eq!(fmt(src), want);
    assert_eq!(fmt(want), want);
}

#[test]
fn datetime_formats_round_trip() {
    let src =
        "schema {\n  created: datetime(\"%m/%d/%Y\",\"%Y-%m-%d %H:%M\")? from \"Create Date\"\n}\n";
    let want = "schema {\n  created: datetime(\"%m/%d/%Y\", \"%Y-%m-%d %H:%M\")? from \"Create Date\"\n}\n";
    assert_eq!(fmt(src), want);
}

#[test]
fn datetime_zones_round_trip() {
    let src = "schema {\n  a: datetime( \"%Y-%m-%d %H:%M\" ,zone:\"Europe/Berlin\")\n  b: list<datetime(zone : \"UTC\")>?\n}\n";
    let want = "schema {\n  a: datetime(\"%Y-%m-%d %H:%M\", zone: \"Europe/Berlin\")\n  b: list<datetime(zone: \"UTC\")>?\n}\n";
    assert_eq!(fmt(src), want);
    assert_eq!(fmt(want), want);
}

#[test]
fn broken_files_are_not_formatted() {
    assert!(format("when x == add 1\n").is_err());
}

#[test]
fn spec_example_keeps_its_tree() {
    fmt(include_str!("../../tests/data/spec_example.rules"));
}

#[test]
fn trailing_comments_in_consecutive_lines_are_aligned() {
    let src = "add 1 # one\nwhen long_condition add 22 # two\n\nadd 3    # three\n";
    let want = format!(
        "add 1{}# one\nwhen long_condition add 22 # two\n\nadd 3 # three\n",
        " ".repeat(22)
    );
    assert_eq!(fmt(src), want);
}

#[test]
fn a_long_line_does_not_push_the_comment_column() {
    let long = format!("when {} add 1", "x == 1 and ".repeat(7) + "y == 2");
    let src = format!("add 1 # a\nadd 22 # b\n{long} # c\n");
    let want = format!("add 1  # a\nadd 22 # b\n{long} # c\n");
    assert!(long.len() > 80 && long.len() <= 100);
    assert_eq!(fmt(&src), want);
}

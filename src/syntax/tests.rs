//! Parser tests: source text in, AST shape or error out.

use super::ast::*;
use super::*;

fn items(src: &str) -> Vec<Item> {
    let (file, errors) = parse(FileId(0), src);
    assert_eq!(errors, [], "unexpected syntax errors in {src:?}");
    file.items
}

fn errors(src: &str) -> Vec<SyntaxError> {
    parse(FileId(0), src).1
}

fn rule(src: &str) -> ast::Rule {
    match items(src).remove(0) {
        Item::Rule(r) => r,
        other => panic!("not a rule: {other:?}"),
    }
}

fn cond(src: &str) -> ExprKind {
    rule(&format!("when {src} add 1"))
        .when
        .expect("a condition")
        .kind
}

#[test]
fn design_card_example_parses() {
    let r = rule("when title in [VP] add 50");
    let Some(Expr {
        kind: ExprKind::In {
            list,
            negated: false,
            ..
        },
        ..
    }) = r.when
    else {
        panic!("not an `in` test");
    };
    assert_eq!(
        list.kind,
        ExprKind::List(vec![Expr {
            kind: ExprKind::String("VP".into()),
            span: Span::new(FileId(0), 15, 17)
        }])
    );
    assert_eq!(r.points.kind, ExprKind::Number(50.0));
}

#[test]
fn spec_example_file_parses_without_errors() {
    let src = include_str!("../../tests/data/spec_example.rules");
    let items = items(src);
    assert_eq!(items.len(), 12);
}

#[test]
fn rule_parts() {
    let r = rule("when x > 1 subtract 2 * y up to 10 as \"my rule\"");
    assert_eq!(r.sign, Sign::Subtract);
    assert_eq!(r.up_to.map(|n| n.node), Some(10.0));
    assert_eq!(r.label.map(|l| l.node), Some("my rule".to_string()));
    assert!(matches!(r.points.kind, ExprKind::Arith(ArithOp::Mul, _, _)));
}

#[test]
fn unconditional_rule() {
    let r = rule("add 5");
    assert!(r.when.is_none());
}

#[test]
fn and_binds_tighter_than_or() {
    let ExprKind::Or(parts) = cond("a == 1 or b == 2 and c == 3") else {
        panic!()
    };
    assert_eq!(parts.len(), 2);
    assert!(matches!(parts[1].kind, ExprKind::And(_)));
}

#[test]
fn multiplication_binds_tighter_than_addition() {
    let r = rule("add 1 + 2 * 3");
    let ExprKind::Arith(ArithOp::Add, _, rhs) = r.points.kind else {
        panic!()
    };
    assert!(matches!(rhs.kind, ExprKind::Arith(ArithOp::Mul, _, _)));
}

#[test]
fn every_comparison_form() {
    assert!(matches!(cond("x != 1"), ExprKind::Compare(CmpOp::Ne, _, _)));
    assert!(matches!(
        cond("x not in [a, b]"),
        ExprKind::In { negated: true, .. }
    ));
    assert!(matches!(cond("x between 1 and 2"), ExprKind::Between(..)));
    assert!(matches!(
        cond("x starts with any l"),
        ExprKind::StrTest {
            op: StrOp::StartsWith,
            any: true,
            ..
        }
    ));
    assert!(matches!(
        cond("x ends with \"a\""),
        ExprKind::StrTest {
            op: StrOp::EndsWith,
            any: false,
            ..
        }
    ));
    assert!(matches!(
        cond("x is missing"),
        ExprKind::IsPresent(_, false)
    ));
    assert!(matches!(cond("x is present"), ExprKind::IsPresent(_, true)));
    assert!(matches!(
        cond("x is not missing"),
        ExprKind::IsPresent(_, true)
    ));
    assert!(matches!(cond("x within 3 weeks"), ExprKind::Within(..)));
    assert!(matches!(cond("x matches /a\\/b/i"), ExprKind::Matches(..)));
}

#[test]
fn regex_pattern_and_flags() {
    let ExprKind::Matches(_, re) = cond("x matches /\\b(a|b)\\/c/i") else {
        panic!()
    };
    let ExprKind::Regex {
        pattern,
        flags,
        pattern_span,
    } = re.kind
    else {
        panic!()
    };
    assert_eq!(pattern, "\\b(a|b)/c");
    assert_eq!(flags, "i");
    assert_eq!(pattern_span.start, 16);
}

#[test]
fn where_takes_the_rest_of_the_condition() {
    let items = items("let p = events where type == \"x\" and at within 30 days");
    let Item::Let(l) = &items[0] else { panic!() };
    let ExprKind::Where(_, c) = &l.value.kind else {
        panic!()
    };
    assert!(matches!(c.kind, ExprKind::And(_)));
}

#[test]
fn calls_and_projection() {
    assert!(matches!(
        cond("count(events where type == \"a\") >= 1"),
        ExprKind::Compare(..)
    ));
    let r = rule("add sum((orders where paid).amount)");
    let ExprKind::Call(name, args) = r.points.kind else {
        panic!()
    };
    assert_eq!(name.node, "sum");
    assert!(matches!(args[0].kind, ExprKind::Field(..)));
}

#[test]
fn list_words_numbers_and_strings() {
    let ExprKind::In { list, .. } = cond("x in [gmail.com, 3, -2.5, \"a b\", 3M, true]") else {
        panic!()
    };
    let ExprKind::List(items) = list.kind else {
        panic!()
    };
    let kinds: Vec<_> = items.into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            ExprKind::String("gmail.com".into()),
            ExprKind::Number(3.0),
            ExprKind::Number(-2.5),
            ExprKind::String("a b".into()),
            ExprKind::String("3M".into()),
            ExprKind::Bool(true),
        ]
    );
}

#[test]
fn numbers_with_underscores_and_string_escapes() {
    let r = rule("when s == \"a\\\"b\\\\c\\n\" add 10_000_000");
    assert_eq!(r.points.kind, ExprKind::Number(10_000_000.0));
    let Some(Expr {
        kind: ExprKind::Compare(_, _, rhs),
        ..
    }) = r.when
    else {
        panic!()
    };
    assert_eq!(rhs.kind, ExprKind::String("a\"b\\c\n".into()));
}

#[test]
fn group_label_schema_include() {
    let src = "schema {\n  title: string?\n  company: { size: int?, tags: list<string> }\n}\n\
               group fit max 60 min -10 {\n  add 1\n  when x add 2\n}\n\
               label tier {\n  hot when score >= 80\n  \"very cold\" otherwise\n}\ninclude \"b.rules\"\n";
    let items = items(src);
    let Item::Schema(s) = &items[0] else { panic!() };
    assert!(s.fields[0].ty.optional);
    assert!(matches!(s.fields[1].ty.kind, TypeExprKind::Record(_)));
    let Item::Group(g) = &items[1] else { panic!() };
    assert_eq!(
        (
            g.max.as_ref().unwrap().node,
            g.min.as_ref().unwrap().node,
            g.rules.len()
        ),
        (60.0, -10.0, 2)
    );
    let Item::Label(l) = &items[2] else { panic!() };
    assert_eq!(l.arms[1].value.node, "very cold");
    assert!(l.arms[1].when.is_none());
    assert!(matches!(&items[3], Item::Include(i) if i.path.node == "b.rules"));
}

#[test]
fn conditions_continue_inside_parentheses() {
    let r = rule("when (a == 1\n      or b == 2) add 1");
    assert!(matches!(r.when.unwrap().kind, ExprKind::Or(_)));
}

#[test]
fn every_broken_item_is_reported() {
    let errs = errors("when x == add 5\nadd 1\nwhen y > add 2\n");
    assert_eq!(errs.len(), 2);
}

#[test]
fn expected_tokens_are_named() {
    let errs = errors("when x == add 5\n");
    let SyntaxErrorKind::Unexpected {
        expected, found, ..
    } = &errs[0].kind
    else {
        panic!()
    };
    assert_eq!(found, "`add`");
    assert!(expected.contains(&"a value".to_string()), "{expected:?}");
}

#[test]
fn deep_parentheses_are_an_error_not_a_crash() {
    let src = format!("when {}x{} add 1\n", "(".repeat(10_000), ")".repeat(10_000));
    assert!(matches!(
        errors(&src)[0].kind,
        SyntaxErrorKind::TooDeep { .. }
    ));
}

#[test]
fn nesting_at_the_limit_parses() {
    let n = MAX_DEPTH - 1;
    let src = format!("when {}x{} add 1\n", "(".repeat(n), ")".repeat(n));
    assert_eq!(errors(&src), []);
}

#[test]
fn long_operator_chains_are_an_error_not_a_crash() {
    let src = format!("add 1{}\n", " + 1".repeat(100_000));
    assert!(matches!(
        errors(&src)[0].kind,
        SyntaxErrorKind::TooDeep { .. }
    ));
    let src = format!("when {}x add 1\n", "not ".repeat(100_000));
    assert!(matches!(
        errors(&src)[0].kind,
        SyntaxErrorKind::TooDeep { .. }
    ));
    let src = format!("when {}x add 1\n", "a where ".repeat(100_000));
    assert!(matches!(
        errors(&src)[0].kind,
        SyntaxErrorKind::TooDeep { .. }
    ));
}

#[test]
fn long_flat_and_chains_are_fine() {
    let src = format!("when x{} add 1\n", " and x".repeat(10_000));
    assert_eq!(errors(&src), []);
}

#[test]
fn bad_escape_points_at_the_escape() {
    let errs = errors("when x == \"a\\qb\" add 1\n");
    assert!(matches!(&errs[0].kind, SyntaxErrorKind::BadEscape { escape } if escape == "\\q"));
    assert_eq!(errs[0].span.range(), 12..14);
}

#[test]
fn every_node_has_a_span_into_the_source() {
    let src = "when company.size between 200 and 5000 add 20 as \"mid\"";
    let r = rule(src);
    let when = r.when.unwrap();
    assert_eq!(&src[when.span.range()], "company.size between 200 and 5000");
    assert_eq!(&src[r.points.span.range()], "20");
    assert_eq!(&src[r.span.range()], src);
}

#[test]
fn expression_alone_parses() {
    let e = parse_expr(FileId(0), "title contains \"VP\"").unwrap();
    assert!(matches!(e.kind, ExprKind::StrTest { .. }));
    assert!(parse_expr(FileId(0), "title contains").is_err());
}

#[test]
fn expected_leaves_out_mere_continuations() {
    let errs = errors("when x between 200 add 20\n");
    let SyntaxErrorKind::Unexpected { expected, .. } = &errs[0].kind else {
        panic!()
    };
    assert_eq!(expected, &["`and`"]);
}

#[test]
fn an_indented_continuation_line_is_one_error_with_its_item() {
    let errs = errors("when a and\n  b add 1\nadd 2\n");
    assert_eq!(errs.len(), 1);
    let SyntaxErrorKind::Unexpected { context, .. } = &errs[0].kind else {
        panic!()
    };
    assert_eq!(*context, Context::Rule);
}

#[test]
fn a_large_file_parsed_in_shares_keeps_source_order() {
    let lines: Vec<String> = (0..3000)
        .map(|i| match i % 100 {
            7 => format!("when x{i} == add {i}"),
            _ => format!("when x{i} > {i} add 1"),
        })
        .collect();
    let (file, errors) = parse(FileId(0), &(lines.join("\n") + "\n"));
    assert_eq!((file.items.len(), errors.len()), (2970, 30));
    let starts: Vec<u32> = file
        .items
        .iter()
        .map(|i| match i {
            Item::Rule(r) => r.span.start,
            _ => panic!("not a rule"),
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "items out of order");
    assert!(
        errors.windows(2).all(|w| w[0].span.start < w[1].span.start),
        "errors out of order"
    );
}

/// The tree of a condition, written with parentheses around every node:
/// `(a or (b and c))`.
fn tree(src: &str) -> String {
    fn show(e: &Expr) -> String {
        let many = |parts: &[Expr], op: &str| {
            let parts: Vec<String> = parts.iter().map(show).collect();
            format!("({})", parts.join(&format!(" {op} ")))
        };
        match &e.kind {
            ExprKind::Path(names) => names
                .iter()
                .map(|n| n.node.as_str())
                .collect::<Vec<_>>()
                .join("."),
            ExprKind::Number(n) => n.to_string(),
            ExprKind::Or(parts) => many(parts, "or"),
            ExprKind::And(parts) => many(parts, "and"),
            ExprKind::Not(x) => format!("(not {})", show(x)),
            ExprKind::Neg(x) => format!("(-{})", show(x)),
            ExprKind::Arith(op, a, b) => format!("({} {op:?} {})", show(a), show(b)),
            ExprKind::Compare(op, a, b) => format!("({} {op:?} {})", show(a), show(b)),
            ExprKind::Between(a, lo, hi) => {
                format!("({} between {} {})", show(a), show(lo), show(hi))
            }
            ExprKind::Field(x, name) => format!("({}.{})", show(x), name.node),
            ExprKind::Where(x, c) => format!("({} where {})", show(x), show(c)),
            ExprKind::IsPresent(x, present) => format!("({} present {present})", show(x)),
            other => format!("{other:?}"),
        }
    }
    show(
        &rule(&format!("when {src} add 1"))
            .when
            .expect("a condition"),
    )
}

#[test]
fn precedence_of_every_pair_of_operator_kinds() {
    let cases = [
        // or < and < not < comparison < + - < * / < unary - < postfix
        ("a or b and c", "(a or (b and c))"),
        ("a and b or c", "((a and b) or c)"),
        ("a or b or c", "(a or b or c)"),
        ("(a or b) or c", "((a or b) or c)"),
        ("a and b and c or d", "((a and b and c) or d)"),
        ("not a and b", "((not a) and b)"),
        ("not a or b", "((not a) or b)"),
        ("a and not b", "(a and (not b))"),
        ("not not a", "(not (not a))"),
        ("not a == b", "(not (a Eq b))"),
        ("not a is missing", "(not (a present false))"),
        ("a == b and c", "((a Eq b) and c)"),
        ("a + b == c * d", "((a Add b) Eq (c Mul d))"),
        ("a between 1 and 2 and b", "((a between 1 2) and b)"),
        (
            "a between 1 + 2 and 3 * 4",
            "(a between (1 Add 2) (3 Mul 4))",
        ),
        ("a - b - c", "((a Sub b) Sub c)"),
        ("a / b * c", "((a Div b) Mul c)"),
        ("a + b * c", "(a Add (b Mul c))"),
        ("a * b + c", "((a Mul b) Add c)"),
        ("a - b + c * d / e", "((a Sub b) Add ((c Mul d) Div e))"),
        ("-x * y", "((-x) Mul y)"),
        ("x * -y", "(x Mul (-y))"),
        ("- -x", "(-(-x))"),
        ("-x.y", "(-x.y)"),
        ("-(x).y", "(-(x.y))"),
        ("(a).b.c", "((a.b).c)"),
        ("(a).b", "(a.b)"),
        ("x where a and b", "(x where (a and b))"),
        ("x where a or b", "(x where (a or b))"),
        ("x.y where a == 1", "(x.y where (a Eq 1))"),
        ("(x).y where a == 1", "((x.y) where (a Eq 1))"),
        ("-(a + b) * c", "((-(a Add b)) Mul c)"),
        ("not (a and b)", "(not (a and b))"),
    ];
    for (src, want) in cases {
        assert_eq!(tree(src), want, "{src}");
    }
}

#[test]
fn comparisons_do_not_chain() {
    for src in [
        "a == b == c",
        "a < b < c",
        "a in b in c",
        "a == b contains c",
    ] {
        let errs = errors(&format!("when {src} add 1"));
        assert_eq!(errs.len(), 1, "{src}");
        assert!(
            matches!(&errs[0].kind, SyntaxErrorKind::Unexpected { .. }),
            "{src}: {errs:?}"
        );
    }
}

#[test]
fn chains_and_comparisons_span_their_source_parentheses_included() {
    let src = "when (a) or b == (c) add 1";
    let when = rule(src).when.expect("a condition");
    assert_eq!(&src[when.span.range()], "(a) or b == (c)");
    let ExprKind::Or(parts) = when.kind else {
        panic!("not an or")
    };
    assert_eq!(&src[parts[0].span.range()], "a");
    assert_eq!(&src[parts[1].span.range()], "b == (c)");
}

#[test]
fn long_chains_past_the_depth_limit_name_the_whole_chain() {
    let chain = format!("1{}", " + 1".repeat(MAX_EXPR_DEPTH as usize + 5));
    let src = format!("add {chain} as \"x\"");
    let errs = errors(&src);
    assert!(matches!(errs[0].kind, SyntaxErrorKind::TooDeep { .. }));
    assert_eq!(&src[errs[0].span.range()], chain);
    let nots = format!("{}a", "not ".repeat(MAX_EXPR_DEPTH as usize + 1));
    let src = format!("when {nots} add 1");
    let errs = errors(&src);
    assert!(matches!(errs[0].kind, SyntaxErrorKind::TooDeep { .. }));
    assert_eq!(&src[errs[0].span.range()], nots);
}

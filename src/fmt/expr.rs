//! Printing expressions with as few parentheses as keep the same tree, plus
//! the ones the author wrote around a compound operand (`not (a == b)`),
//! and with the author's line breaks in `and`/`or` chains and lists.
//!
//! Two modes: [`Expr::layout`] for `fmt` (author parentheses, line breaks
//! and the comments at the end of those lines kept; lines wider than the
//! width broken) and [`Expr::new`], one line with minimal parentheses
//! whatever the source looked like (a rule's identity, `fmt::rule_line`).

use super::INDENT;
use crate::syntax::ast::{self, ArithOp, ExprKind, Spanned};
use std::cell::{Cell, RefCell};

/// Binding strength, loosest first; an operand printed where a tighter one
/// is expected gets parentheses.
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const CMP: u8 = 4;
const SUM: u8 = 5;
const PRODUCT: u8 = 6;
const NEG: u8 = 7;
const POSTFIX: u8 = 8;
const ATOM: u8 = 9;

/// A list whose one-line text is longer than this is the first to be broken
/// one item per line when a line is too wide.
const LONG_LIST: usize = 32;

/// Prints expressions of one source file.
pub struct Expr<'s> {
    src: &'s str,
    /// The file's comments; `None` in canonical mode.
    comments: Option<&'s [Spanned<String>]>,
    /// Start offsets of the comments written into printed text (layout mode).
    used: Option<&'s RefCell<Vec<u32>>>,
    /// Break long lists one item per line.
    wrap_lists: Cell<bool>,
}

impl<'s> Expr<'s> {
    /// The `fmt` layout: comments written at the end of a kept line are
    /// recorded in `used`, so that the caller does not print them again.
    pub fn layout(
        src: &'s str,
        comments: &'s [Spanned<String>],
        used: &'s RefCell<Vec<u32>>,
    ) -> Expr<'s> {
        Expr {
            src,
            comments: Some(comments),
            used: Some(used),
            wrap_lists: Cell::new(false),
        }
    }

    /// One line, minimal parentheses, lists joined, no comments.
    pub fn new(src: &'s str) -> Expr<'s> {
        Expr {
            src,
            comments: None,
            used: None,
            wrap_lists: Cell::new(false),
        }
    }

    /// Prints `e` on one line, whatever its width (see [`Expr::new`]).
    pub fn line(&self, e: &ast::Expr) -> String {
        self.at(e, 0)
    }

    fn keeps_layout(&self) -> bool {
        self.comments.is_some()
    }

    /// Prints `e` in lines no wider than `width` where it can: an `and`/`or`
    /// chain that is too wide, or that the author broke, is broken inside
    /// parentheses (on the author's lines); a long list is broken one item
    /// per line.
    pub fn print(&self, e: &ast::Expr, width: usize) -> String {
        if !self.keeps_layout() {
            return self.at(e, 0);
        }
        let flat = self.at(e, 0);
        if let Some((parts, op)) = chain(e) {
            if fits(&flat, width) && !self.chain_broken(parts) {
                return flat;
            }
            return self.broken_chain(parts, op, width);
        }
        if fits(&flat, width) {
            return flat;
        }
        self.with_wrapped_lists(|| self.at(e, 0))
    }

    fn with_wrapped_lists(&self, f: impl FnOnce() -> String) -> String {
        let before = self.wrap_lists.replace(true);
        let text = f();
        self.wrap_lists.set(before);
        text
    }

    /// Whether the author put a line break between two parts of a chain.
    fn chain_broken(&self, parts: &[ast::Expr]) -> bool {
        parts
            .windows(2)
            .any(|w| self.src[w[0].span.end as usize..w[1].span.start as usize].contains('\n'))
    }

    /// `(`, the parts on the author's lines (or one per line), `)`.
    fn broken_chain(&self, parts: &[ast::Expr], op: &str, width: usize) -> String {
        let level = if op == "and" { NOT } else { AND };
        let inner = width.saturating_sub(INDENT.len());
        let groups = if self.chain_broken(parts) {
            self.author_lines(parts)
        } else {
            (0..parts.len()).map(|i| vec![i]).collect()
        };
        let mut out = String::from("(\n");
        for group in groups {
            let texts: Vec<String> = group
                .iter()
                .map(|&i| self.part(&parts[i], level, inner))
                .collect();
            // A part on several lines ends the line it is on, so that the
            // next format finds the same line breaks (idempotence).
            let one_line = texts.iter().all(|t| !t.contains('\n'));
            let joined = texts.join(&format!(" {op} "));
            let narrow = fits(&joined, inner.saturating_sub(op.len() + 1));
            let lines = if texts.len() == 1 || (one_line && narrow) {
                vec![joined]
            } else {
                texts
            };
            for (k, text) in lines.iter().enumerate() {
                let first = group[0] == 0 && k == 0;
                let sep = if first {
                    String::new()
                } else {
                    format!("{op} ")
                };
                let mut text = format!("{sep}{text}");
                if k + 1 == lines.len() {
                    self.append_comment(&mut text, parts[group[group.len() - 1]].span.end, ')');
                }
                out += &indented(&text);
            }
        }
        out + ")"
    }

    /// One part of a broken chain: a parenthesised chain that is too wide
    /// or broken by its author is broken in turn; a part too wide for its
    /// line gets its long lists broken.
    fn part(&self, p: &ast::Expr, level: u8, width: usize) -> String {
        let text = self.at(p, level);
        if let Some((parts, op)) = chain(p) {
            let wrapped = text.starts_with('(');
            if wrapped && (self.chain_broken(parts) || !fits(&text, width)) {
                return self.broken_chain(parts, op, width);
            }
        }
        if fits(&text, width) {
            return text;
        }
        self.with_wrapped_lists(|| self.at(p, level))
    }

    /// Indexes of `items` grouped by the source line each starts on.
    fn author_lines(&self, items: &[ast::Expr]) -> Vec<Vec<usize>> {
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let new_line = i == 0 || {
                let gap = &self.src[items[i - 1].span.end as usize..item.span.start as usize];
                gap.contains('\n')
            };
            match groups.last_mut() {
                Some(group) if !new_line => group.push(i),
                _ => groups.push(vec![i]),
            }
        }
        groups
    }

    /// Appends ` # comment` when the source has a comment after `end` on
    /// the same line, with only blanks and `also` characters between.
    fn append_comment(&self, text: &mut String, end: u32, also: char) {
        let (Some(comments), Some(used)) = (self.comments, self.used) else {
            return;
        };
        let Some(c) = comments.iter().find(|c| c.span.start >= end) else {
            return;
        };
        let between = &self.src[end as usize..c.span.start as usize];
        let blank = between
            .chars()
            .all(|ch| ch == ' ' || ch == '\t' || ch == also);
        if blank && !used.borrow().contains(&c.span.start) {
            used.borrow_mut().push(c.span.start);
            text.push(' ');
            text.push_str(&c.node);
        }
    }

    /// Prints `e` where an operand of strength `ctx` is expected.
    fn at(&self, e: &ast::Expr, ctx: u8) -> String {
        self.wrapped(e, ctx).0
    }

    /// [`Expr::at`], and whether the text got parentheses: where the tree
    /// needs them, or where the author wrote them around an `and`/`or`
    /// chain or an arithmetic operand of arithmetic (`a + (b * c)`).
    fn wrapped(&self, e: &ast::Expr, ctx: u8) -> (String, bool) {
        let (text, strength) = self.bare(e);
        // A `where` runs to the end of the expression: anything after it needs parentheses.
        let open_ended = matches!(e.kind, ExprKind::Where(..)) && ctx > 0;
        let meaningful = match e.kind {
            ExprKind::And(_) | ExprKind::Or(_) => ctx > 0,
            ExprKind::Arith(..) => ctx >= SUM,
            _ => false,
        };
        let kept = meaningful && self.keeps_layout() && self.parenthesised(e);
        if strength < ctx || open_ended || kept {
            (format!("({text})"), true)
        } else {
            (text, false)
        }
    }

    /// `not x`, keeping the author's parentheses around a compound `x`
    /// (`not (a == b)` does not read as `(not a) == b`).
    fn not(&self, x: &ast::Expr) -> String {
        let (text, wrapped) = self.wrapped(x, NOT);
        let compound = self.bare(x).1 < ATOM;
        if !wrapped && compound && self.keeps_layout() && self.parenthesised(x) {
            format!("not ({text})")
        } else {
            format!("not {text}")
        }
    }

    /// Whether the author wrote parentheses right around `e`.
    fn parenthesised(&self, e: &ast::Expr) -> bool {
        let before = self.src[..e.span.start as usize].trim_end();
        let after = self.src[e.span.end as usize..].trim_start();
        before.ends_with('(') && after.starts_with(')')
    }

    fn bare(&self, e: &ast::Expr) -> (String, u8) {
        match &e.kind {
            ExprKind::Number(_)
            | ExprKind::String(_)
            | ExprKind::Bool(_)
            | ExprKind::Regex { .. } => (self.src[e.span.range()].to_string(), ATOM),
            ExprKind::Datetime(text) => (text.clone(), ATOM),
            ExprKind::Duration { .. } => (words(&self.src[e.span.range()]), ATOM),
            ExprKind::List(items) => (self.list(e.span, items), ATOM),
            ExprKind::Path(parts) => (self.join_path(parts), ATOM),
            ExprKind::Call(name, args) => (format!("{}({})", name.node, self.args(args)), ATOM),
            ExprKind::Decay(t, rate) => (self.decay(t, rate), ATOM),
            ExprKind::Distinct(v, of) => {
                let of = of.as_ref().map(|c| format!(" of {}", self.at(c, 0)));
                let v = self.at(v, 0);
                (
                    format!("count(distinct {v}{})", of.unwrap_or_default()),
                    ATOM,
                )
            }
            ExprKind::Cap(cap) => {
                let of = cap.of.as_ref().map(|f| format!(" of {}", self.at(f, 0)));
                let most = &self.src[cap.most.span.range()];
                let per = &cap.per.node;
                (
                    format!("at most {most} per {per}{}", of.unwrap_or_default()),
                    ATOM,
                )
            }
            ExprKind::Field(base, name) => {
                let name = &self.src[name.span.range()];
                (format!("{}.{name}", self.field_base(base)), POSTFIX)
            }
            ExprKind::Where(c, cond) => (
                format!("{} where {}", self.at(c, POSTFIX), self.at(cond, 0)),
                POSTFIX,
            ),
            ExprKind::Neg(x) => (format!("-{}", self.at(x, NEG)), NEG),
            ExprKind::Not(x) => (self.not(x), NOT),
            ExprKind::And(parts) => (self.chain(parts, " and ", NOT), AND),
            ExprKind::Or(parts) => (self.chain(parts, " or ", AND), OR),
            ExprKind::Arith(op, a, b) => self.arith(*op, a, b),
            ExprKind::Compare(..)
            | ExprKind::In { .. }
            | ExprKind::Between(..)
            | ExprKind::StrTest { .. }
            | ExprKind::Matches(..)
            | ExprKind::IsPresent(..)
            | ExprKind::Within(..) => (self.comparison(e), CMP),
        }
    }

    /// `decay(at, half_life: 30 days)`, `decay(at, 50% per month)`.
    fn decay(&self, t: &ast::Expr, rate: &ast::DecayRate) -> String {
        let length = self.at(rate.length(), 0);
        let rate = match rate {
            ast::DecayRate::HalfLife(_) => format!("half_life: {length}"),
            ast::DecayRate::Lifespan(_) => format!("lifespan: {length}"),
            ast::DecayRate::Step { percent, .. } => {
                format!("{}% per {length}", &self.src[percent.span.range()])
            }
        };
        format!("decay({}, {rate})", self.at(t, 0))
    }

    fn comparison(&self, e: &ast::Expr) -> String {
        let v = |x: &ast::Expr| self.at(x, SUM);
        match &e.kind {
            ExprKind::Compare(op, a, b) => format!("{} {op} {}", v(a), v(b)),
            ExprKind::In {
                value,
                list,
                negated,
            } => {
                let not = if *negated { "not " } else { "" };
                format!("{} {not}in {}", v(value), v(list))
            }
            ExprKind::Between(x, lo, hi) => format!("{} between {} and {}", v(x), v(lo), v(hi)),
            ExprKind::StrTest {
                op,
                any,
                value,
                needle,
            } => {
                let any = if *any { " any" } else { "" };
                format!("{} {op}{any} {}", v(value), v(needle))
            }
            ExprKind::Matches(x, re) => format!("{} matches {}", v(x), v(re)),
            ExprKind::IsPresent(x, present) => {
                let what = if *present { "present" } else { "missing" };
                format!("{} is {what}", v(x))
            }
            ExprKind::Within(t, d) => format!("{} within {}", v(t), v(d)),
            other => unreachable!("not a comparison: {other:?}"),
        }
    }

    fn arith(&self, op: ArithOp, a: &ast::Expr, b: &ast::Expr) -> (String, u8) {
        let level = match op {
            ArithOp::Add | ArithOp::Sub => SUM,
            ArithOp::Mul | ArithOp::Div => PRODUCT,
        };
        (
            format!("{} {op} {}", self.at(a, level), self.at(b, level + 1)),
            level,
        )
    }

    /// A `.field` base: a plain path must keep its parentheses, or `(a).b`
    /// would read back as the path `a.b`.
    fn field_base(&self, base: &ast::Expr) -> String {
        match base.kind {
            ExprKind::Path(_) => format!("({})", self.at(base, 0)),
            _ => self.at(base, POSTFIX),
        }
    }

    fn chain(&self, parts: &[ast::Expr], sep: &str, level: u8) -> String {
        let texts: Vec<String> = parts.iter().map(|p| self.at(p, level)).collect();
        texts.join(sep)
    }

    /// `[a, b]`; on several lines (the author's, or one item per line when
    /// the list is long and lines must be shortened), each ending in `,`.
    fn list(&self, span: ast::Span, items: &[ast::Expr]) -> String {
        let text = |i: &ast::Expr| &self.src[i.span.range()];
        let texts: Vec<&str> = items.iter().map(text).collect();
        let flat = format!("[{}]", texts.join(", "));
        let by_author = self.keeps_layout() && self.src[span.range()].contains('\n');
        let wrap = self.wrap_lists.get() && items.len() > 1 && flat.len() > LONG_LIST;
        if items.is_empty() || !(by_author || wrap) {
            return flat;
        }
        let groups = if by_author {
            self.author_lines(items)
        } else {
            (0..items.len()).map(|i| vec![i]).collect()
        };
        let mut out = String::from("[\n");
        for group in groups {
            let line: Vec<&str> = group.iter().map(|&i| texts[i]).collect();
            let joined = format!("{},", line.join(", "));
            let lines = if fits(&joined, super::WIDTH - 2 * INDENT.len()) {
                vec![(joined, group[group.len() - 1])]
            } else {
                group
                    .iter()
                    .map(|&i| (format!("{},", texts[i]), i))
                    .collect()
            };
            for (mut line, last) in lines {
                self.append_comment(&mut line, items[last].span.end, ',');
                out += &indented(&line);
            }
        }
        out + "]"
    }

    fn args(&self, args: &[ast::Expr]) -> String {
        let texts: Vec<String> = args.iter().map(|a| self.at(a, 0)).collect();
        texts.join(", ")
    }
}

/// The parts and operator of an `and`/`or` chain.
fn chain(e: &ast::Expr) -> Option<(&[ast::Expr], &'static str)> {
    match &e.kind {
        ExprKind::And(parts) => Some((parts, "and")),
        ExprKind::Or(parts) => Some((parts, "or")),
        _ => None,
    }
}

/// Every line of `text` is at most `width` characters wide.
fn fits(text: &str, width: usize) -> bool {
    text.lines().all(|l| l.chars().count() <= width)
}

/// Each line of `text` one level in, each ending in a newline.
fn indented(text: &str) -> String {
    text.lines().map(|l| format!("{INDENT}{l}\n")).collect()
}

impl Expr<'_> {
    /// The segments of a path as written: a quoted name keeps its quotes.
    fn join_path(&self, parts: &[ast::Ident]) -> String {
        let names: Vec<&str> = parts.iter().map(|p| &self.src[p.span.range()]).collect();
        names.join(".")
    }
}

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

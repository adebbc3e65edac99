//! Printing expressions with as few parentheses as keep the same tree.

use super::INDENT;
use crate::syntax::ast::{self, ArithOp, ExprKind};

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

/// Prints expressions of one source file.
pub struct Expr<'s> {
    src: &'s str,
}

impl<'s> Expr<'s> {
    /// A printer for expressions whose literals are in `src`.
    pub fn new(src: &'s str) -> Expr<'s> {
        Expr { src }
    }

    /// Prints `e` on one line, whatever its width.
    pub fn line(&self, e: &ast::Expr) -> String {
        self.at(e, 0)
    }

    /// Prints `e` on one line, or, when that is wider than `width` and `e` is
    /// an `and`/`or` chain, broken before each operator inside parentheses.
    pub fn print(&self, e: &ast::Expr, width: usize) -> String {
        let flat = self.at(e, 0);
        let (parts, op) = match &e.kind {
            ExprKind::And(parts) => (parts, "and"),
            ExprKind::Or(parts) => (parts, "or"),
            _ => return flat,
        };
        if flat.len() <= width {
            return flat;
        }
        let level = if op == "and" { NOT } else { AND };
        let mut out = String::from("(\n");
        for (i, p) in parts.iter().enumerate() {
            let sep = if i == 0 {
                String::new()
            } else {
                format!("{op} ")
            };
            out += &format!("{INDENT}{sep}{}\n", self.at(p, level));
        }
        out + ")"
    }

    /// Prints `e` where an operand of strength `ctx` is expected.
    fn at(&self, e: &ast::Expr, ctx: u8) -> String {
        let (text, strength) = self.bare(e);
        // A `where` runs to the end of the expression: anything after it needs parentheses.
        let open_ended = matches!(e.kind, ExprKind::Where(..)) && ctx > 0;
        if strength < ctx || open_ended {
            format!("({text})")
        } else {
            text
        }
    }

    fn bare(&self, e: &ast::Expr) -> (String, u8) {
        match &e.kind {
            ExprKind::Number(_)
            | ExprKind::String(_)
            | ExprKind::Bool(_)
            | ExprKind::Regex { .. } => (self.src[e.span.range()].to_string(), ATOM),
            ExprKind::Duration { .. } => (words(&self.src[e.span.range()]), ATOM),
            ExprKind::List(items) => (format!("[{}]", self.list(items)), ATOM),
            ExprKind::Path(parts) => (self.join_path(parts), ATOM),
            ExprKind::Call(name, args) => (format!("{}({})", name.node, self.args(args)), ATOM),
            ExprKind::Field(base, name) => {
                let name = &self.src[name.span.range()];
                (format!("{}.{name}", self.field_base(base)), POSTFIX)
            }
            ExprKind::Where(c, cond) => (
                format!("{} where {}", self.at(c, POSTFIX), self.at(cond, 0)),
                POSTFIX,
            ),
            ExprKind::Neg(x) => (format!("-{}", self.at(x, NEG)), NEG),
            ExprKind::Not(x) => (format!("not {}", self.at(x, NOT)), NOT),
            ExprKind::And(parts) => (self.chain(parts, " and ", NOT), AND),
            ExprKind::Or(parts) => (self.chain(parts, " or ", AND), OR),
            ExprKind::Arith(op, a, b) => self.arith(*op, a, b),
            _ => (self.comparison(e), CMP),
        }
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

    fn list(&self, items: &[ast::Expr]) -> String {
        let texts: Vec<&str> = items.iter().map(|i| &self.src[i.span.range()]).collect();
        texts.join(", ")
    }

    fn args(&self, args: &[ast::Expr]) -> String {
        let texts: Vec<String> = args.iter().map(|a| self.at(a, 0)).collect();
        texts.join(", ")
    }
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

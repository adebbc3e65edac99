//! Expressions: the grammar writes them flat (operands and operators in a
//! row, see `expr` and `sum` in the grammar) and a Pratt parser builds the
//! tree here, by each operator's precedence and associativity.
//!
//! Two depths are kept apart. The tree's *depth* (one level per operator,
//! `and`/`or` chains one level per chain) is bounded by [`MAX_EXPR_DEPTH`],
//! so no later phase can recurse too far; a tree past it is reported over
//! the source of the operator chain that crossed the limit, and an
//! arithmetic chain stops growing there. The *extent* of a part is the
//! source it covers, parentheses included: chains and comparisons are
//! spanned by it, arithmetic and prefix operators by their operands' trees,
//! as the AST has always had them.

use super::{cmp_op, is_test, str_test, Lower, Result, Rule, MAX_EXPR_DEPTH};
use crate::syntax::ast::{ArithOp, Expr, ExprKind, Span};
use crate::syntax::error::{SyntaxError, SyntaxErrorKind};
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::LazyLock;

/// The `expr` level: `and`/`or` chains of conditions, `not`, and at most
/// one comparison after each value (a postfix operator here).
static CONDITIONS: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    let comparisons = [
        Rule::compare,
        Rule::in_list,
        Rule::not_in,
        Rule::between,
        Rule::str_test,
        Rule::matches,
        Rule::is_test,
        Rule::within,
    ];
    let compare = comparisons
        .into_iter()
        .map(Op::postfix)
        .reduce(|a, b| a | b)
        .expect("comparisons");
    PrattParser::new()
        .op(Op::infix(Rule::kw_or, Assoc::Left))
        .op(Op::infix(Rule::kw_and, Assoc::Left))
        .op(Op::prefix(Rule::nots))
        .op(compare)
});

/// The `sum` level: arithmetic, unary `-`, `.field` and `where`.
static VALUES: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::add_op, Assoc::Left))
        .op(Op::infix(Rule::mul_op, Assoc::Left))
        .op(Op::prefix(Rule::negs))
        .op(Op::postfix(Rule::field_access) | Op::postfix(Rule::where_clause))
});

/// The operators that make a chain one more of the same may extend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Chain {
    Or,
    And,
    Sum,
    Product,
    Postfix,
}

/// A subtree built so far, with the depth of its tree.
struct Node {
    expr: Expr,
    depth: u32,
    /// The chain that made it, while the next operator may still extend it.
    open: Option<Chain>,
}

/// What follows a value: `.field` or `where COND`.
enum Selected {
    Field(crate::syntax::ast::Ident),
    Where(Node),
}

/// What the Pratt parser passes around: the source a part covers, and the
/// part's tree or the first error found in it.
struct Part {
    extent: Span,
    node: Result<Node>,
}

impl Lower {
    /// Lowers an expression, refusing trees deeper than [`MAX_EXPR_DEPTH`].
    pub fn expr(&self, pair: Pair<Rule>) -> Result<Expr> {
        Ok(self.node(pair)?.expr)
    }

    /// An expression or operand, its depth checked.
    fn node(&self, pair: Pair<Rule>) -> Result<Node> {
        match pair.as_rule() {
            Rule::expr => self.flat(&CONDITIONS, pair),
            Rule::sum => self.flat(&VALUES, pair),
            Rule::paren | Rule::primary => self.node(pair.into_inner().next().expect("inner")),
            _ => Ok(Node {
                expr: self.primary(pair)?,
                depth: 1,
                open: None,
            }),
        }
    }

    /// Builds the tree of one flat operator sequence.
    fn flat(&self, pratt: &PrattParser<Rule>, pair: Pair<Rule>) -> Result<Node> {
        let mut inner = pair.clone().into_inner();
        let first = inner.next().expect("an operand");
        let prefix = matches!(first.as_rule(), Rule::nots | Rule::negs);
        let infix = |p: &Pair<Rule>| {
            matches!(
                p.as_rule(),
                Rule::kw_or | Rule::kw_and | Rule::add_op | Rule::mul_op
            )
        };
        if !prefix && !inner.clone().any(|p| infix(&p)) {
            // One operand and what follows it (most values and conditions):
            // applied in order, as the Pratt parser would.
            let start = Part {
                extent: self.span(&first),
                node: self.node(first),
            };
            return close(inner.fold(start, |part, op| self.postfix(part, op)));
        }
        let part = pratt
            .map_primary(|p| Part {
                extent: self.span(&p),
                node: self.node(p),
            })
            .map_prefix(|op, rhs| self.prefix(op, rhs))
            .map_postfix(|lhs, op| self.postfix(lhs, op))
            .map_infix(|lhs, op, rhs| self.infix(lhs, op, rhs))
            .parse(pair.into_inner());
        close(part)
    }

    fn infix(&self, lhs: Part, op: Pair<Rule>, rhs: Part) -> Part {
        let extent = lhs.extent.to(rhs.extent);
        let chain = match op.as_rule() {
            Rule::kw_or => Chain::Or,
            Rule::kw_and => Chain::And,
            Rule::add_op => Chain::Sum,
            _ => Chain::Product,
        };
        let node = (|| {
            let lhs = continued(lhs, chain)?;
            let logic = matches!(chain, Chain::Or | Chain::And);
            if lhs.depth > MAX_EXPR_DEPTH && !logic {
                // An arithmetic chain past the limit: the rest of it is not lowered.
                return Ok(lhs);
            }
            let rhs = close(rhs)?;
            Ok(match logic {
                true => join(lhs, rhs, chain, extent),
                false => arith(lhs, arith_op(op.as_str()), rhs, chain),
            })
        })();
        Part { extent, node }
    }

    /// A run of `not`s or unary `-`s, innermost first; past the depth
    /// limit the tree stops growing.
    fn prefix(&self, run: Pair<Rule>, rhs: Part) -> Part {
        let extent = self.span(&run).to(rhs.extent);
        let make: fn(Box<Expr>) -> ExprKind = match run.as_rule() {
            Rule::negs => ExprKind::Neg,
            _ => ExprKind::Not,
        };
        let node = close(rhs).map(|mut node| {
            let ops: Vec<Span> = run.into_inner().map(|op| self.span(&op)).collect();
            for op_span in ops.into_iter().rev() {
                node.depth += 1;
                if node.depth > MAX_EXPR_DEPTH {
                    continue;
                }
                let span = op_span.to(node.expr.span);
                let kind = make(Box::new(node.expr));
                node.expr = Expr { kind, span };
            }
            node
        });
        Part { extent, node }
    }

    fn postfix(&self, lhs: Part, op: Pair<Rule>) -> Part {
        let op_span = self.span(&op);
        let extent = lhs.extent.to(op_span);
        let node = match op.as_rule() {
            Rule::field_access | Rule::where_clause => {
                continued(lhs, Chain::Postfix).and_then(|acc| self.select(acc, op, op_span))
            }
            _ => close(lhs).and_then(|lhs| self.compared(lhs, op, extent)),
        };
        Part { extent, node }
    }

    /// `.field` or `where COND` after `acc`. Past the depth limit the tree
    /// stops growing, but every name and condition is still lowered for its
    /// errors.
    fn select(&self, acc: Node, op: Pair<Rule>, op_span: Span) -> Result<Node> {
        let span = acc.expr.span.to(op_span);
        let selected = match op.as_rule() {
            Rule::field_access => Selected::Field(self.name(super::last(op))?),
            _ => Selected::Where(self.node(super::last(op))?),
        };
        let depth = match &selected {
            Selected::Field(_) => acc.depth + 1,
            Selected::Where(cond) => acc.depth.max(cond.depth) + 1,
        };
        if acc.depth > MAX_EXPR_DEPTH {
            return Ok(Node { depth, ..acc });
        }
        let base = Box::new(acc.expr);
        let kind = match selected {
            Selected::Field(name) => ExprKind::Field(base, name),
            Selected::Where(cond) => ExprKind::Where(base, Box::new(cond.expr)),
        };
        Ok(Node {
            expr: Expr { kind, span },
            depth,
            open: Some(Chain::Postfix),
        })
    }

    /// `lhs` with one comparison after it.
    fn compared(&self, lhs: Node, suffix: Pair<Rule>, span: Span) -> Result<Node> {
        let (kind, depth) = self.comparison(lhs.expr, suffix)?;
        let depth = lhs.depth.max(depth) + 1;
        too_deep(span, depth)?;
        Ok(Node {
            expr: Expr { kind, span },
            depth,
            open: None,
        })
    }

    fn comparison(&self, lhs: Expr, suffix: Pair<Rule>) -> Result<(ExprKind, u32)> {
        let kind_rule = suffix.as_rule();
        let mut depth = 0;
        let mut operands = Vec::new();
        let mut words = Vec::new();
        for p in suffix.into_inner() {
            match p.as_rule() {
                Rule::sum => {
                    let node = self.node(p)?;
                    depth = depth.max(node.depth);
                    operands.push(Box::new(node.expr));
                }
                _ => words.push(p),
            }
        }
        let lhs = Box::new(lhs);
        let mut ops = operands.into_iter();
        let mut next = || ops.next().expect("comparison operand");
        let kind = match kind_rule {
            Rule::compare => ExprKind::Compare(cmp_op(words[0].as_str()), lhs, next()),
            Rule::in_list | Rule::not_in => ExprKind::In {
                value: lhs,
                list: next(),
                negated: kind_rule == Rule::not_in,
            },
            Rule::between => ExprKind::Between(lhs, next(), next()),
            Rule::str_test => str_test(&words, lhs, next()),
            Rule::matches => ExprKind::Matches(lhs, next()),
            Rule::is_test => is_test(&words, lhs),
            Rule::within => ExprKind::Within(lhs, next()),
            r => unreachable!("not a comparison: {r:?}"),
        };
        Ok((kind, depth))
    }
}

/// `part` as the operand of an operator of `chain`: still open when it is
/// a chain of the same operator (which the operator extends), else closed.
fn continued(part: Part, chain: Chain) -> Result<Node> {
    let node = part.node?;
    if node.open == Some(chain) {
        return Ok(node);
    }
    close(Part {
        extent: part.extent,
        node: Ok(node),
    })
}

/// A finished part: its depth checked, no longer open.
fn close(part: Part) -> Result<Node> {
    let node = part.node?;
    too_deep(part.extent, node.depth)?;
    Ok(Node { open: None, ..node })
}

fn too_deep(span: Span, depth: u32) -> Result<()> {
    if depth <= MAX_EXPR_DEPTH {
        return Ok(());
    }
    let limit = MAX_EXPR_DEPTH as usize;
    Err(SyntaxError {
        span,
        kind: SyntaxErrorKind::TooDeep { limit },
    })
}

/// `lhs or rhs` / `lhs and rhs`: one node per chain, spanning the chain.
fn join(lhs: Node, rhs: Node, chain: Chain, extent: Span) -> Node {
    let kind = match (lhs.open, lhs.expr.kind) {
        (Some(_), ExprKind::Or(mut parts) | ExprKind::And(mut parts)) => {
            parts.push(rhs.expr);
            parts
        }
        (_, kind) => vec![
            Expr {
                kind,
                span: lhs.expr.span,
            },
            rhs.expr,
        ],
    };
    let kind = match chain {
        Chain::Or => ExprKind::Or(kind),
        _ => ExprKind::And(kind),
    };
    let depth = if lhs.open.is_some() {
        lhs.depth.max(rhs.depth + 1)
    } else {
        lhs.depth.max(rhs.depth) + 1
    };
    Node {
        expr: Expr { kind, span: extent },
        depth,
        open: Some(chain),
    }
}

/// `lhs OP rhs` in an arithmetic chain; past the depth limit, the chain
/// keeps its tree so far and stops growing.
fn arith(lhs: Node, op: ArithOp, rhs: Node, chain: Chain) -> Node {
    let depth = lhs.depth.max(rhs.depth) + 1;
    if depth > MAX_EXPR_DEPTH {
        return Node {
            depth,
            open: Some(chain),
            ..lhs
        };
    }
    let span = lhs.expr.span.to(rhs.expr.span);
    Node {
        expr: Expr {
            kind: ExprKind::Arith(op, Box::new(lhs.expr), Box::new(rhs.expr)),
            span,
        },
        depth,
        open: Some(chain),
    }
}

fn arith_op(op: &str) -> ArithOp {
    match op {
        "+" => ArithOp::Add,
        "-" => ArithOp::Sub,
        "*" => ArithOp::Mul,
        "/" => ArithOp::Div,
        other => unreachable!("the grammar's `add_op`/`mul_op` rules allow no operator {other:?}"),
    }
}

//! Typing calls of the built-in functions.

use super::error::{Expected, Problem, Role};
use super::expr::lit;
use super::suggest::did_you_mean;
use super::{any, Checker};
use crate::rules::{Func, TExpr, TExprKind, Type};
use crate::syntax::ast::{Expr, ExprKind, Ident, Span};

/// The built-in functions: name, function, number of arguments.
const FUNCS: [(&str, Func, usize); 9] = [
    ("count", Func::Count, 1),
    ("any", Func::Any, 1),
    ("all", Func::All, 1),
    ("none", Func::None, 1),
    ("sum", Func::Sum, 1),
    ("days_since", Func::DaysSince, 1),
    ("len", Func::Len, 1),
    ("min", Func::Min, 2),
    ("max", Func::Max, 2),
];

impl Checker<'_> {
    /// `name(args)`.
    pub(super) fn call(&mut self, name: &Ident, args: &[Expr], span: Span) -> TExpr {
        let Some(&(fname, func, arity)) = FUNCS.iter().find(|f| f.0 == name.node) else {
            let suggestion = did_you_mean(&name.node, FUNCS.iter().map(|f| f.0)).map(String::from);
            let (span, name) = (name.span, name.node.clone());
            self.report(Problem::UnknownFunction {
                span,
                name,
                suggestion,
            });
            return self.skip_args(args, span);
        };
        if args.len() != arity {
            let (name, expected, found) = (fname.to_string(), arity, args.len());
            self.report(Problem::WrongArity {
                span,
                name,
                expected,
                found,
            });
            return self.skip_args(args, span);
        }
        let role = Role::Argument(fname);
        let (args, ty) = match func {
            Func::Count => (vec![self.expect(&args[0], &any_list(), role)], Type::Number),
            Func::Any | Func::None => (vec![self.expect(&args[0], &any_list(), role)], Type::Bool),
            Func::All => (vec![self.all_arg(&args[0], role)], Type::Bool),
            Func::Sum => (vec![self.sum_arg(&args[0], role)], Type::Number),
            Func::DaysSince => (
                vec![self.expect(&args[0], &Type::Datetime, role)],
                Type::Number,
            ),
            Func::Len => (vec![self.len_arg(&args[0], role)], Type::Number),
            Func::Min | Func::Max => self.min_max(args, role),
        };
        lit(TExprKind::Call(func, args), ty, span)
    }

    /// Types the arguments of a bad call (for their own problems) and gives `Any`.
    fn skip_args(&mut self, args: &[Expr], span: Span) -> TExpr {
        for a in args {
            self.expr(a);
        }
        any(span)
    }

    /// `all(C)`: a `where` filter (written in place or bound by a `let`) or a list of bools.
    fn all_arg(&mut self, arg: &Expr, role: Role) -> TExpr {
        if matches!(arg.kind, ExprKind::Where(..)) {
            return self.expr(arg);
        }
        let mut t = self.expr(arg);
        if self.is_let_filter(&t) {
            return t;
        }
        let bools = Type::List(Box::new(Type::Bool));
        if super::types::unify(&t.ty, &bools).is_some() {
            self.constrain(&mut t, &bools, role);
            return t;
        }
        self.mismatch(&t, Expected::FilterOrBoolList, role);
        any(t.span)
    }

    /// `true` for a `let` whose value is a `where` filter.
    fn is_let_filter(&self, t: &TExpr) -> bool {
        let TExprKind::Let(i) = t.kind else {
            return false;
        };
        self.lets
            .get(i)
            .is_some_and(|l| matches!(l.value.kind, TExprKind::Where(..)))
    }

    /// `sum(C.field)`: without a schema, `C` in a plain path is taken to be
    /// a list of records (that is what `sum` sums over), before `C.field` is typed.
    fn sum_arg(&mut self, arg: &Expr, role: Role) -> TExpr {
        if let ExprKind::Path(segs) = &arg.kind {
            let plain = segs.len() >= 2 && segs[0].node != "lead";
            let known = self.let_index.contains_key(&segs[0].node) || !self.scopes.is_empty();
            if self.inferring() && plain && !known {
                let parent: Vec<String> = segs[..segs.len() - 1]
                    .iter()
                    .map(|s| s.node.clone())
                    .collect();
                let _ = self
                    .infer
                    .record(&parent, &super::types::list_of_records(), arg.span);
            }
        }
        self.expect(arg, &numbers(), role)
    }

    /// `len(x)`: a string or a list.
    fn len_arg(&mut self, arg: &Expr, role: Role) -> TExpr {
        let t = self.expr(arg);
        if matches!(t.ty, Type::String | Type::List(_) | Type::Any) {
            return t;
        }
        self.mismatch(&t, Expected::StringOrList, role);
        any(t.span)
    }

    /// `min(a, b)` / `max(a, b)`: two numbers.
    fn min_max(&mut self, args: &[Expr], role: Role) -> (Vec<TExpr>, Type) {
        let a = self.expect(&args[0], &Type::Number, role);
        let b = self.expect(&args[1], &Type::Number, role);
        let ty = if a.ty == Type::Int && b.ty == Type::Int {
            Type::Int
        } else {
            Type::Number
        };
        (vec![a, b], ty)
    }

    fn mismatch(&mut self, t: &TExpr, expected: Expected, role: Role) {
        let (span, found) = (t.span, t.ty.clone());
        self.report(Problem::TypeMismatch {
            span,
            expected,
            found,
            role,
        });
    }
}

/// A list of anything.
fn any_list() -> Type {
    Type::List(Box::new(Type::Any))
}

/// A list of numbers.
fn numbers() -> Type {
    Type::List(Box::new(Type::Number))
}

#[cfg(test)]
mod tests {
    use crate::eval::{EvalOptions, Program};
    use crate::syntax::MemReader;

    #[test]
    fn all_accepts_a_let_bound_to_a_filter() {
        let src = "let opens = events where type == \"open\"\nwhen all(opens) add 5\n";
        let loaded = crate::load_str("t.rules", src, &MemReader::default());
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let program = Program::compile(loaded.ruleset.as_ref().expect("accepted"));
        let opts = EvalOptions {
            as_of: chrono::Utc::now(),
        };
        let score = |lead: &str| {
            let lead = serde_json::from_str(lead).unwrap();
            program.score(&lead, &opts).unwrap().score
        };
        assert_eq!(
            score(r#"{"events":[{"type":"open"},{"type":"open"}]}"#),
            5.0
        );
        assert_eq!(
            score(r#"{"events":[{"type":"open"},{"type":"click"}]}"#),
            0.0
        );
    }

    #[test]
    fn all_still_rejects_a_let_bound_to_other_lists() {
        let src = "let opens = count(events)\nwhen all(opens) add 5\n";
        let loaded = crate::load_str("t.rules", src, &MemReader::default());
        let codes: Vec<_> = loaded.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["leadscore::type_mismatch"]);
    }
}

//! The checker: resolves names, checks or infers types, and builds the
//! [`crate::rules::Ruleset`]. It does no I/O and reports every problem it finds.
//!
//! - `items`: the walk over lets, rules, groups and labels; duplicates.
//! - `names`: what a path means (decision: `let` > `where` element field >
//!   `score`/group total in labels > lead field).
//! - `expr`, `ops`, `calls`, `regex`: typing of expressions.
//! - `schema`: the declared lead type; `infer`: the inferred one (no schema).
//! - `types`: unification and projection; `suggest`: "did you mean".
//!
//! An erroneous expression gets type `Any`, which fits everywhere, so one
//! mistake is reported once.

use crate::rules::{LetDef, Ruleset, TExpr, TExprKind, Type};
use crate::source::SourceMap;
use crate::syntax::ast::{Item, Span};
use std::collections::{HashMap, HashSet};

mod account;
mod calls;
mod cap;
mod error;
mod expr;
mod infer;
mod items;
mod join;
pub mod lints;
mod names;
mod ops;
mod regex;
mod retype;
mod schema;
pub mod suggest;
pub mod testblocks;
mod time;
mod types;
mod uses;

pub use error::{
    Builtin, CapFault, Definition, Expected, Literal, Misplaced, NameKind, Problem, Role,
    TimeFault, Total,
};

/// Settings of one check.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// The name of a `let` whose value may read `score` and group totals,
    /// as a label condition can. The REPL binds a typed expression to such a
    /// `let` so that `score` and `fit` can be evaluated; rules files never
    /// set it.
    pub totals_let: Option<String>,
    /// The `totals_let` is checked as the last item of the `account` block
    /// instead of where it is written (the REPL's account context: it reads
    /// `leads` and the account's fields, `score` and totals); with no
    /// `account` block it stays where it is.
    pub in_account: bool,
    /// The names of `let`s that did not parse: using them is not reported
    /// again (the syntax error already was).
    pub broken_lets: Vec<String>,
}

/// Checks spliced items; returns the ruleset (when no error was found) and every problem.
pub fn check(sources: &SourceMap, items: &[Item]) -> (Option<Ruleset>, Vec<Problem>) {
    check_with(sources, items, &CheckOptions::default())
}

/// [`check`] with settings.
pub fn check_with(
    sources: &SourceMap,
    items: &[Item],
    opts: &CheckOptions,
) -> (Option<Ruleset>, Vec<Problem>) {
    let mut c = Checker::new(sources);
    c.totals_let = opts.totals_let.clone();
    c.broken_lets = opts.broken_lets.iter().cloned().collect();
    let moved;
    let items = match (&opts.totals_let, opts.in_account) {
        (Some(name), true) => {
            moved = account::with_let_inside(items, name);
            &moved
        }
        (_, _) => items,
    };
    let ruleset = items::build(&mut c, items);
    if let Some(rs) = &ruleset {
        testblocks::check(rs, items, &mut c.problems);
    }
    let has_error = c.problems.iter().any(|p| !p.is_warning());
    if let (Some(rs), false) = (&ruleset, has_error) {
        let lints = lints::run(sources, rs, std::mem::take(&mut c.lints));
        c.problems.extend(lints.into_iter().map(Problem::Lint));
    }
    (ruleset.filter(|_| !has_error), c.problems)
}

/// Where a value without a schema lives in the inferred lead type.
#[derive(Clone, Debug, PartialEq)]
struct Origin {
    /// Field path from the lead (list elements are stepped into implicitly).
    loc: Vec<String>,
    /// How many list layers to strip: 1 for a field of a `where` element.
    strip: usize,
}

/// The element of an enclosing `where`.
#[derive(Clone, Debug)]
struct ElemScope {
    /// The element type (used with a schema, or when there is no origin).
    ty: Type,
    /// The filtered collection's origin, when its fields are being inferred.
    origin: Option<Origin>,
}

/// A label block, as later labels may read it.
#[derive(Clone, Debug)]
struct LabelInfo {
    /// Its index among the label blocks.
    index: usize,
    /// Its name in the definition.
    span: Span,
    /// The values its arms give.
    values: Vec<String>,
    /// The names its arms' conditions read (labels among them).
    reads: Vec<String>,
}

/// The checker's state while walking the items.
struct Checker<'a> {
    sources: &'a SourceMap,
    problems: Vec<Problem>,
    /// The declared lead type, when there is a schema.
    schema: Option<Type>,
    /// The inferred lead type, when there is none.
    infer: infer::Infer,
    lets: Vec<LetDef>,
    let_origins: Vec<Option<Origin>>,
    let_index: HashMap<String, usize>,
    /// Every `let` of the ruleset (first definition's name span), defined yet or not.
    let_defs: HashMap<String, Span>,
    /// The `let` being defined, if any.
    defining: Option<String>,
    /// Every group's index by name.
    groups: HashMap<String, usize>,
    /// Every label block (first definition), by name.
    labels: HashMap<String, LabelInfo>,
    /// Inside a label condition: `score`, group totals and earlier labels are available.
    in_label: bool,
    /// A `let` that may read totals too ([`CheckOptions::totals_let`]).
    totals_let: Option<String>,
    /// How many labels are declared above the item being checked: those
    /// it may read (for a label, its own index).
    label_now: usize,
    /// Enclosing `where` elements, innermost last.
    scopes: Vec<ElemScope>,
    /// The path about to be resolved is a bare word on the value side of a comparison.
    value_side: bool,
    /// Without a schema: every field read, for `uses`.
    uses: Vec<uses::FieldUse>,
    /// Lints found during the walk (filtered by `# allow` with the others).
    lints: Vec<lints::Lint>,
    /// `let`s that did not parse.
    broken_lets: HashSet<String>,
    /// Each `let`'s name and the names its value reads.
    let_reads: HashMap<String, Vec<String>>,
    /// The `score` keyword of the first `score max N min N` item.
    limits_at: Option<Span>,
    /// This checker checks the items of the `account` block.
    in_block: bool,
    /// The `let`s, groups and labels of the other side of the `account`
    /// block (of the block in the lead rules, of the lead rules in the
    /// block), so that reading one on the wrong side says so.
    elsewhere: HashMap<String, Definition>,
}

impl<'a> Checker<'a> {
    fn new(sources: &'a SourceMap) -> Checker<'a> {
        Checker {
            sources,
            problems: Vec::new(),
            schema: None,
            infer: infer::Infer::new(),
            lets: Vec::new(),
            let_origins: Vec::new(),
            let_index: HashMap::new(),
            let_defs: HashMap::new(),
            defining: None,
            groups: HashMap::new(),
            labels: HashMap::new(),
            in_label: false,
            totals_let: None,
            label_now: 0,
            scopes: Vec::new(),
            value_side: false,
            uses: Vec::new(),
            lints: Vec::new(),
            broken_lets: HashSet::new(),
            let_reads: HashMap::new(),
            limits_at: None,
            in_block: false,
            elsewhere: HashMap::new(),
        }
    }

    fn report(&mut self, p: Problem) {
        self.problems.push(p);
    }

    /// `true` when field types are inferred rather than declared.
    fn inferring(&self) -> bool {
        self.schema.is_none()
    }

    /// The lead type in force: declared or inferred so far.
    fn lead_type(&self) -> &Type {
        self.schema.as_ref().unwrap_or(self.infer.lead_type())
    }
}

/// An expression that could not be typed: `Any`, so it causes no further errors.
fn any(span: Span) -> TExpr {
    TExpr {
        kind: TExprKind::Bool(false),
        ty: Type::Any,
        span,
    }
}

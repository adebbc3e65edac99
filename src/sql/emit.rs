//! The shared emitter: every IR node to SQL, the same for every dialect.
//!
//! Each dispatch on [`TExprKind`] names every variant, so a new node fails
//! to compile until it is translated here (or refused). Conditions are
//! emitted never `NULL` (every leaf is wrapped in `COALESCE(…, FALSE)`), so
//! `NOT`, `AND` and `OR` are two-valued as in the interpreter.

use super::dialect::{Agg, Dialect, Fold, Raw};
use super::{reasons, Refusal, RefusalKind, SqlOptions, Target};
use crate::eval::points;
use crate::rules::{
    Cap, CapPeriod, Decay, End, FieldRef, Func, Period, Quant, RuleDef, Ruleset, Scope, TExpr,
    TExprKind, TimePart, Type,
};
use crate::syntax::ast::{ArithOp, CmpOp, Sign, Span, StrOp};

/// Microseconds per day.
const DAY_MICROS: i64 = 86_400_000_000;

/// Points are whole millionths while below this size ([`points`]); the
/// query stops with an error past it (the interpreter adds floats there).
const EXACT: f64 = 4.0e9;

/// A rule in SQL: its amount (a `DOUBLE`, `NULL` when the rule does not
/// fire or the amount is missing; `None` for constant points) and its
/// points in whole millionths (a `BIGINT` read from the amount's column).
struct RuleSql {
    amount: Option<String>,
    units: String,
}

/// An emitted value.
enum V {
    /// A scalar in the shared representation (`NULL` when missing).
    Scalar(String),
    /// A record, or a value of unknown type: not yet a scalar.
    Raw(Raw, Type),
    /// A list read from the lead (possibly filtered or projected).
    List(ListV),
    /// A list literal.
    Lit(Vec<TExpr>),
}

/// A list read from the lead: `base`'s elements, named `var`, kept when
/// every one of `conds` holds, each seen through the fields `proj`.
#[derive(Clone)]
struct ListV {
    base: Raw,
    var: String,
    /// The element type of `base`.
    raw_elem: Type,
    conds: Vec<String>,
    proj: Vec<String>,
}

/// An enclosing `where` element: how to read it and its type.
struct Elem {
    raw: Raw,
    ty: Type,
}

/// How two operands compare, from their types.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Num,
    Time,
    Text,
    Bool,
    /// Values of these types are never equal nor ordered.
    Never,
}

/// The aggregates worked out in one walk over a list of the lead.
struct Pass {
    list: Raw,
    /// The element variables the aggregates name (each bound to the element).
    vars: Vec<String>,
    /// `aggregate AS __hK`.
    cols: Vec<String>,
}

struct Emitter<'a> {
    rules: &'a Ruleset,
    d: &'static dyn Dialect,
    target: Target,
    as_of: String,
    /// The evaluation time, when it is a literal.
    as_of_literal: Option<chrono::DateTime<chrono::Utc>>,
    scopes: Vec<Elem>,
    vars: usize,
    refusals: Vec<Refusal>,
    /// Aggregates may be moved into one walk per list (while emitting the
    /// rules, whose amounts are worked out in the first step).
    hoist: bool,
    passes: Vec<Pass>,
    hoisted: usize,
}

/// The whole query (without the final `;`).
pub(super) fn query(rules: &Ruleset, opts: &SqlOptions) -> Result<String, Vec<Refusal>> {
    let d = opts.target.dialect();
    let as_of = match opts.as_of {
        Some(t) => format!("CAST({} AS BIGINT)", t.timestamp_micros()),
        None => d.now_micros(),
    };
    let mut em = Emitter {
        rules,
        d,
        target: opts.target,
        as_of,
        as_of_literal: opts.as_of,
        scopes: Vec::new(),
        vars: 0,
        refusals: Vec::new(),
        hoist: true,
        passes: Vec::new(),
        hoisted: 0,
    };
    let points: Vec<RuleSql> = rules
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| em.rule(i, r))
        .collect();
    em.hoist = false;
    let bounds = em.bounds();
    let labels: Vec<String> = (0..rules.labels.len()).map(|l| em.label(l)).collect();
    if let Some(account) = &rules.account {
        em.refuse(RefusalKind::Accounts, account.span);
    }
    if !em.refusals.is_empty() {
        // A part emitted twice (the list of a frequency cap) is reported once.
        let mut once: Vec<Refusal> = Vec::new();
        for r in em.refusals {
            if !once.contains(&r) {
                once.push(r);
            }
        }
        return Err(once);
    }
    Ok(em.assemble(&points, &bounds, &labels, opts))
}

impl<'a> Emitter<'a> {
    fn refuse(&mut self, kind: RefusalKind, span: Span) -> String {
        self.refusals.push(Refusal {
            kind,
            span,
            target: self.target,
        });
        "NULL".to_string()
    }

    fn fresh(&mut self) -> String {
        self.vars += 1;
        format!("e{}", self.vars)
    }

    fn zero(&self) -> String {
        self.d.number(0.0)
    }

    // ---- the query ----

    /// The query: amounts, points in millionths, clamped group totals, the
    /// score, then one step per label (a label may read the ones before it).
    fn assemble(
        &self,
        points: &[RuleSql],
        bounds: &[(Option<i64>, Option<i64>)],
        labels: &[String],
        opts: &SqlOptions,
    ) -> String {
        let rules = self.rules;
        let d = self.d;
        let amounts = points.iter().enumerate().filter_map(|(i, p)| {
            let a = p.amount.as_ref()?;
            Some(format!("{a} AS __x{i}"))
        });
        let mut from = d.table_name(&opts.table);
        if let Some(op) = d.one_pass() {
            for (k, p) in self.passes.iter().enumerate() {
                let join = op.lateral(&p.list, &p.vars, &p.cols, &format!("__ls_pass{k}"));
                from += &format!("\n  {join}");
            }
        }
        let mut sql = step("__ls_amounts", amounts.collect(), &from).replacen(
            " AS (",
            &format!(" AS{} (", d.materialized()),
            1,
        );
        let units = points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{} AS __u{i}", p.units));
        sql += &format!(
            ",\n{}",
            step("__ls_points", units.collect(), "__ls_amounts")
        );
        let sum = |pick: &dyn Fn(&RuleDef) -> bool| -> String {
            let mut s = String::from("0");
            for (i, _) in rules.rules.iter().enumerate().filter(|(_, r)| pick(r)) {
                s += &format!(" + __u{i}");
            }
            format!("({s})")
        };
        let (groups_bounds, score_bounds) = bounds.split_at(rules.groups.len());
        let group_sums: Vec<String> = (0..rules.groups.len())
            .map(|g| sum(&|r: &RuleDef| r.group == Some(g)))
            .collect();
        let mut groups = Vec::new();
        for (g, (max, min)) in groups_bounds.iter().enumerate() {
            let t = clamp(group_sums[g].clone(), *max, *min);
            groups.push(format!("{t} AS __gu{g}"));
        }
        sql += &format!(",\n{}", step("__ls_groups", groups, "__ls_points"));
        let mut total = sum(&|r: &RuleDef| r.group.is_none());
        for g in 0..rules.groups.len() {
            total += &format!(" + __gu{g}");
        }
        let total = format!("({total})");
        let (max, min) = score_bounds[0];
        let clamped = clamp(total.clone(), max, min);
        let mut size = bounds
            .iter()
            .flat_map(|(a, b)| [a.unwrap_or(0).abs(), b.unwrap_or(0).abs()])
            .sum::<i64>()
            .to_string();
        let mut missing = vec!["FALSE".to_string()];
        for i in 0..rules.rules.len() {
            size += &format!(" + abs(__u{i})");
            missing.push(format!("__u{i} IS NULL"));
        }
        let double = d.double();
        let mut totals: Vec<String> = (0..rules.groups.len())
            .map(|g| format!("CAST(__gu{g} AS {double}) / 1000000 AS __g{g}"))
            .collect();
        totals.push(format!("CAST({clamped} AS {double}) / 1000000 AS __score"));
        totals.push(format!(
            "({} OR {size} >= {}) AS __big",
            missing.join(" OR "),
            (EXACT * 1e6) as i64
        ));
        sql += &format!(",\n{}", step("__ls_score", totals, "__ls_groups"));
        let mut from = "__ls_score".to_string();
        for (l, case) in labels.iter().enumerate() {
            let name = format!("__ls_label{l}");
            sql += &format!(
                ",\n{}",
                step(&name, vec![format!("{case} AS __l{l}")], &from)
            );
            from = name;
        }
        let id = d.ident("id");
        let message =
            d.string("leadscore: points of 4e9 or more (or not finite) for the lead with id ");
        let fail = d.fail(&format!("concat({message}, {id})"));
        let mut out = vec![
            format!("{id} AS {id}"),
            format!(
                "CASE WHEN __big THEN {fail} ELSE __score END AS {}",
                d.ident("score")
            ),
        ];
        for o in &rules.outputs {
            out.push(match *o {
                crate::rules::Output::Group(g) => {
                    format!("__g{g} AS {}", d.ident(&rules.groups[g].name))
                }
                crate::rules::Output::Label(l) => {
                    format!("__l{l} AS {}", d.ident(&rules.labels[l].name))
                }
            });
        }
        if opts.explain {
            let totals = reasons::Totals {
                groups: &group_sums,
                score: &total,
                bounds,
            };
            let ([units, texts], column) = reasons::columns(rules, d, &totals);
            sql += &format!(",\n{}", step("__ls_why", units, &from));
            sql += &format!(",\n{}", step("__ls_why_text", texts, "__ls_why"));
            from = "__ls_why_text".into();
            let name = crate::eval::RecordNames::of(rules).reasons;
            out.push(format!("{column} AS {}", d.ident(&name)));
        }
        format!("WITH\n{sql}\nSELECT\n  {}\nFROM {from}", out.join(",\n  "))
    }

    /// Each group's `max` and `min`, then the score's, in whole millionths.
    fn bounds(&mut self) -> Vec<(Option<i64>, Option<i64>)> {
        let rules: &'a Ruleset = self.rules;
        let mut out = Vec::new();
        for g in &rules.groups {
            out.push((self.bound(g.max, g.span), self.bound(g.min, g.span)));
        }
        // The score's limits have no span of their own: the file's start.
        let at = Span::default();
        out.push((
            self.bound(rules.score_max, at),
            self.bound(rules.score_min, at),
        ));
        out
    }

    /// A limit in whole millionths; one that is not a whole number of
    /// millionths below 4e9 in size is refused.
    fn bound(&mut self, b: Option<f64>, span: Span) -> Option<i64> {
        let b = b?;
        let u = (b * 1e6).round();
        if b.abs() >= EXACT || u / 1e6 != b {
            self.refuse(RefusalKind::Bound(b), span);
        }
        Some(u as i64)
    }

    /// A rule's amount and points. Constant points are worked out here, as
    /// the interpreter works them out.
    fn rule(&mut self, i: usize, r: &'a RuleDef) -> RuleSql {
        let when = r.when.as_ref().map(|w| self.cond(w));
        let sign = match r.sign {
            Sign::Add => 1.0,
            Sign::Subtract => -1.0,
        };
        if let TExprKind::Number(x) = self.resolve(&r.points).kind {
            let x = r.up_to.map_or(x, |cap| x.min(cap).max(0.0));
            let p = sign * x;
            let p = if p.is_finite() { points::round(p) } else { 0.0 };
            if p.abs() >= EXACT {
                self.refuse(RefusalKind::HugePoints, r.span);
            }
            let units = ((p * 1e6).round() as i64).to_string();
            let units = match when {
                Some(c) => format!("CASE WHEN {c} THEN {units} ELSE 0 END"),
                None => units,
            };
            return RuleSql {
                amount: None,
                units,
            };
        }
        let x = self.scalar(&r.points);
        let amount = match when {
            Some(c) => format!("CASE WHEN {c} THEN {x} END"),
            None => x,
        };
        let col = format!("__x{i}");
        let zero = self.zero();
        let capped = match r.up_to {
            Some(cap) => {
                let c = self.d.number(cap);
                format!("(CASE WHEN {col} > {c} THEN {c} WHEN {col} < {zero} THEN {zero} ELSE {col} END)")
            }
            None => col,
        };
        let p = match r.sign {
            Sign::Add => capped,
            Sign::Subtract => format!("(-{capped})"),
        };
        RuleSql {
            amount: Some(amount),
            units: units(&p),
        }
    }

    /// A label block: the first arm whose condition holds.
    fn label(&mut self, l: usize) -> String {
        let rules: &'a Ruleset = self.rules;
        let mut case = String::from("CASE");
        for arm in &rules.labels[l].arms {
            let value = self.d.string(&arm.value);
            match &arm.when {
                Some(w) => {
                    let c = self.cond(w);
                    case += &format!(" WHEN {c} THEN {value}");
                }
                None => {
                    case += &format!(" ELSE {value}");
                    break;
                }
            }
        }
        case + " END"
    }

    // ---- values ----

    /// The literal `e` is, looking through `let`s.
    fn resolve(&self, e: &'a TExpr) -> &'a TExpr {
        if let TExprKind::Let(i) = &e.kind {
            return self.resolve(&self.rules.lets[*i].value);
        }
        e
    }

    fn value(&mut self, e: &'a TExpr) -> V {
        use TExprKind as K;
        match &e.kind {
            K::Number(x) => V::Scalar(self.d.number(*x)),
            K::String(s) => V::Scalar(self.d.string(s)),
            K::Bool(b) => V::Scalar(bool_sql(*b).to_string()),
            K::List(items) => V::Lit(items.clone()),
            K::Datetime(t) => V::Scalar(self.micros(t, e.span)),
            K::Field(f) => self.field(f, e.span),
            K::Let(i) => self.value(&self.rules.lets[*i].value),
            K::Score => V::Scalar("__score".into()),
            K::GroupTotal(g) => V::Scalar(format!("__g{g}")),
            K::Label(l) => V::Scalar(format!("__l{l}")),
            K::Project(x, name) => self.project(x, name, e.span),
            K::Where(c, cond) => self.filter(c, cond, e.span),
            K::Call(f, args) => V::Scalar(self.call(*f, args, e.span)),
            K::Neg(x) => V::Scalar(format!("(-{})", self.scalar(x))),
            K::Arith(op, a, b) => V::Scalar(self.arith(*op, a, b)),
            K::Decay(t, decay) => V::Scalar(self.decay(t, *decay, e.span)),
            K::SumEach(c, each) => V::Scalar(self.sum_each(c, each, e.span)),
            K::CountDistinct(x) => V::Scalar(self.count_distinct(x, None, e.span)),
            K::CountDistinctOf(c, each) => V::Scalar(self.count_distinct(c, Some(each), e.span)),
            K::TimePart(part, x) => V::Scalar(self.time_part(*part, x, e.span)),
            K::Pick(end, x) => self.pick(*end, x, e.span),
            K::Extreme(max, x) => V::Scalar(self.extreme(*max, x, e.span)),
            K::Capped {
                coll,
                by,
                amount,
                cap,
            } => V::Scalar(self.capped(coll, by, amount.as_deref(), *cap, e.span)),
            K::Rollup(..) => V::Scalar(self.refuse(
                RefusalKind::NotYet("`sum_of_top`, `champion` and `mean` of a list"),
                e.span,
            )),
            K::NonEmpty(..)
            | K::Truth(..)
            | K::Every { .. }
            | K::Not(_)
            | K::And(_)
            | K::Or(_)
            | K::Compare(..)
            | K::In { .. }
            | K::Between(..)
            | K::Overlaps(..)
            | K::StrTest { .. }
            | K::Matches(..)
            | K::IsPresent(..)
            | K::Within(..)
            | K::WithinMonths(..) => V::Scalar(self.cond(e)),
        }
    }

    /// A scalar value (`NULL` when missing).
    fn scalar(&mut self, e: &'a TExpr) -> String {
        match self.value(e) {
            V::Scalar(s) => s,
            V::Raw(raw, ty) => self.leaf(&raw, &ty, e.span),
            // A list is no scalar: comparisons and arithmetic on it are false / missing.
            V::List(_) | V::Lit(_) => "NULL".into(),
        }
    }

    fn leaf(&mut self, raw: &Raw, ty: &Type, span: Span) -> String {
        match ty {
            Type::String | Type::Int | Type::Number | Type::Bool | Type::Datetime => {
                self.d.leaf(raw, ty)
            }
            Type::Any => self.refuse(RefusalKind::Untyped, span),
            Type::Duration | Type::Regex | Type::List(_) | Type::Record(_) => "NULL".into(),
        }
    }

    fn micros(&mut self, t: &chrono::DateTime<chrono::Utc>, span: Span) -> String {
        if !t.timestamp_subsec_nanos().is_multiple_of(1000) {
            return self.refuse(RefusalKind::SubMicrosecond, span);
        }
        format!("CAST({} AS BIGINT)", t.timestamp_micros())
    }

    fn field(&mut self, f: &FieldRef, span: Span) -> V {
        let (raw, ty) = match f.scope {
            Scope::Lead => (None, self.rules.lead_type.clone()),
            Scope::Element(k) => match self.scopes.len().checked_sub(1 + k as usize) {
                Some(at) => (
                    Some(self.scopes[at].raw.clone()),
                    self.scopes[at].ty.clone(),
                ),
                None => return V::Scalar("NULL".into()),
            },
        };
        self.walk(raw, ty, &f.path, span)
    }

    /// Follows `path` from `raw` (the lead's columns when `None`).
    fn walk(&mut self, mut raw: Option<Raw>, mut ty: Type, path: &[String], span: Span) -> V {
        for (i, seg) in path.iter().enumerate() {
            match &ty {
                Type::Record(fields) => {
                    let Some(ft) = fields.get(seg) else {
                        return V::Scalar("NULL".into());
                    };
                    if !ft.sources.is_empty() {
                        self.refuse(RefusalKind::FieldSources(seg.clone()), span);
                    }
                    if !ft.formats.is_empty() || ft.zone.is_some() {
                        self.refuse(RefusalKind::DatetimeFormats(seg.clone()), span);
                    }
                    raw = Some(match raw {
                        None => self.d.column(seg, &ft.ty),
                        Some(r) => self.d.field(&r, seg, &ft.ty),
                    });
                    ty = ft.ty.clone();
                }
                Type::List(inner) => {
                    let Some(base) = raw else {
                        return V::Scalar("NULL".into());
                    };
                    let l = ListV {
                        base,
                        var: self.fresh(),
                        raw_elem: (**inner).clone(),
                        conds: Vec::new(),
                        proj: Vec::new(),
                    };
                    return self.project_all(l, &path[i..], span);
                }
                Type::Any => {
                    self.refuse(RefusalKind::UntypedField(path.join(".")), span);
                    return V::Scalar("NULL".into());
                }
                Type::String
                | Type::Int
                | Type::Number
                | Type::Bool
                | Type::Datetime
                | Type::Duration
                | Type::Regex => return V::Scalar("NULL".into()),
            }
        }
        match raw {
            Some(raw) => self.finish(raw, ty, span),
            None => V::Raw(
                Raw {
                    sql: "NULL".into(),
                    json: false,
                },
                ty,
            ),
        }
    }

    /// A value read from the lead, by its type.
    fn finish(&mut self, raw: Raw, ty: Type, span: Span) -> V {
        match &ty {
            Type::String | Type::Int | Type::Number | Type::Bool | Type::Datetime => {
                V::Scalar(self.d.leaf(&raw, &ty))
            }
            Type::List(inner) => V::List(ListV {
                base: raw,
                var: self.fresh(),
                raw_elem: (**inner).clone(),
                conds: Vec::new(),
                proj: Vec::new(),
            }),
            Type::Record(_) | Type::Any => V::Raw(raw, ty),
            Type::Duration | Type::Regex => V::Scalar(self.refuse(RefusalKind::Untyped, span)),
        }
    }

    /// `list.a.b`: each element seen through the fields `path`.
    fn project_all(&mut self, mut l: ListV, path: &[String], span: Span) -> V {
        for seg in path {
            l.proj.push(seg.clone());
            let (_, ty) = self.elem_raw(&l);
            match ty {
                Type::List(_) => {
                    let what = l.proj.join(".");
                    self.refuse(RefusalKind::ListOfLists(what), span);
                    return V::Scalar("NULL".into());
                }
                Type::Any => {
                    self.refuse(RefusalKind::UntypedField(l.proj.join(".")), span);
                    return V::Scalar("NULL".into());
                }
                Type::String
                | Type::Int
                | Type::Number
                | Type::Bool
                | Type::Datetime
                | Type::Duration
                | Type::Regex
                | Type::Record(_) => {}
            }
        }
        V::List(l)
    }

    /// An element of `l` as stored, and its type.
    fn elem_raw(&self, l: &ListV) -> (Raw, Type) {
        self.through(
            self.d.elem(&l.var, &l.raw_elem),
            l.raw_elem.clone(),
            &l.proj,
        )
    }

    /// An element `raw` of type `ty` seen through the fields `proj`.
    fn through(&self, mut raw: Raw, mut ty: Type, proj: &[String]) -> (Raw, Type) {
        for seg in proj {
            let Type::Record(fields) = &ty else {
                return (raw, Type::Any);
            };
            let Some(ft) = fields.get(seg) else {
                return (raw, Type::Any);
            };
            raw = self.d.field(&raw, seg, &ft.ty);
            ty = ft.ty.clone();
        }
        (raw, ty)
    }

    /// An element of `l` as a scalar of its type.
    fn elem_scalar(&mut self, l: &ListV, span: Span) -> (String, Type) {
        let (raw, ty) = self.elem_raw(l);
        (self.leaf(&raw, &ty, span), ty)
    }

    fn project(&mut self, x: &'a TExpr, name: &str, span: Span) -> V {
        match self.value(x) {
            V::Raw(raw, ty) => {
                self.walk(Some(raw), ty, std::slice::from_ref(&name.to_string()), span)
            }
            V::List(l) => self.project_all(l, &[name.to_string()], span),
            V::Scalar(_) | V::Lit(_) => V::Scalar("NULL".into()),
        }
    }

    fn filter(&mut self, c: &'a TExpr, cond: &'a TExpr, span: Span) -> V {
        let Some(mut l) = self.list(c, span) else {
            return V::Scalar("NULL".into());
        };
        let c = self.in_scope(&l, cond);
        l.conds.push(c);
        V::List(l)
    }

    /// `cond` evaluated with `l`'s element as the innermost `where` element.
    fn in_scope(&mut self, l: &ListV, cond: &'a TExpr) -> String {
        let (raw, ty) = self.elem_raw(l);
        self.scopes.push(Elem { raw, ty });
        let c = self.cond(cond);
        self.scopes.pop();
        c
    }

    /// A list read from the lead; `None` (after a refusal) for a literal.
    fn list(&mut self, e: &'a TExpr, span: Span) -> Option<ListV> {
        match self.value(e) {
            V::List(l) => Some(l),
            V::Lit(_) => {
                self.refuse(RefusalKind::LiteralFilter, span);
                None
            }
            V::Scalar(_) | V::Raw(..) => None,
        }
    }

    /// The SQL count of the elements of `l` kept by its filters and `extra`.
    fn count(&mut self, l: &ListV, extra: Option<String>) -> String {
        let mut conds = l.conds.clone();
        conds.extend(extra);
        let cond = (!conds.is_empty()).then(|| conds.join(" AND "));
        self.aggregate(l, cond.as_deref(), Agg::Count)
    }

    /// `agg` over the elements of `l` for which `cond` holds. With a
    /// one-pass dialect, an aggregate that reads nothing but the lead and
    /// its own element joins the one walk over its list (a column of the
    /// first step); any other is a subquery in place.
    fn aggregate(&mut self, l: &ListV, cond: Option<&str>, agg: Agg) -> String {
        // Inside an element's scope the aggregate may read that element.
        let op = match self.d.one_pass() {
            Some(op) if self.hoist && self.scopes.is_empty() => op,
            Some(_) | None => return self.in_place(l, cond, agg),
        };
        let value = match agg {
            Agg::Count => "",
            Agg::Sum(v) | Agg::Fold(v, _) => v,
        };
        // Reading only its own element, and no column of a pass.
        let own = |sql: &str| element_vars(sql).all(|v| v == l.var) && !sql.contains("__h");
        if element_vars(&l.base.sql).next().is_some() || !own(value) || !cond.is_none_or(own) {
            return self.in_place(l, cond, agg);
        }
        let col = format!("__h{}", self.hoisted);
        self.hoisted += 1;
        let at = match self.passes.iter().position(|p| p.list == l.base) {
            Some(at) => at,
            None => {
                self.passes.push(Pass {
                    list: l.base.clone(),
                    vars: Vec::new(),
                    cols: Vec::new(),
                });
                self.passes.len() - 1
            }
        };
        let pass = &mut self.passes[at];
        if !pass.vars.contains(&l.var) {
            pass.vars.push(l.var.clone());
        }
        pass.cols
            .push(format!("{} AS {col}", op.aggregate(agg, cond)));
        col
    }

    /// `agg` as a subquery (or list function) in place.
    fn in_place(&self, l: &ListV, cond: Option<&str>, agg: Agg) -> String {
        match agg {
            Agg::Count => self.d.count(&l.base, &l.var, &l.raw_elem, cond),
            Agg::Sum(v) => self.d.sum(&l.base, &l.var, &l.raw_elem, cond, v),
            Agg::Fold(v, fold) => self.d.fold(&l.base, &l.var, cond, v, fold),
        }
    }

    /// Some element of the list value `v` satisfies `pred` (given the
    /// element's SQL and type); a missing list has none.
    fn some(
        &mut self,
        v: V,
        span: Span,
        pred: &mut dyn FnMut(&mut Self, &str, &Type) -> String,
    ) -> String {
        match v {
            V::List(l) => {
                let (elem, ty) = self.elem_scalar(&l, span);
                let p = pred(self, &elem, &ty);
                format!("({} > 0)", self.count(&l, Some(p)))
            }
            V::Lit(items) => {
                let mut ors = Vec::new();
                for item in &items {
                    let (sql, ty) = (self.scalar_lit(item), item.ty.clone());
                    ors.push(pred(self, &sql, &ty));
                }
                or_all(&ors)
            }
            V::Scalar(_) | V::Raw(..) => "FALSE".into(),
        }
    }

    /// The SQL of one item of a list literal. The grammar allows only
    /// literals there; anything else is refused rather than read as NULL,
    /// and a new kind of expression must be placed here to compile.
    fn scalar_lit(&mut self, e: &TExpr) -> String {
        use TExprKind as K;
        match &e.kind {
            K::Number(x) => self.d.number(*x),
            K::String(s) => self.d.string(s),
            K::Bool(b) => bool_sql(*b).into(),
            K::Datetime(t) => self.micros(t, e.span),
            K::List(_)
            | K::Field(_)
            | K::Let(_)
            | K::Score
            | K::GroupTotal(_)
            | K::Label(_)
            | K::Project(..)
            | K::Where(..)
            | K::Call(..)
            | K::NonEmpty(..)
            | K::Truth(..)
            | K::Neg(_)
            | K::Not(_)
            | K::And(_)
            | K::Or(_)
            | K::Arith(..)
            | K::Compare(..)
            | K::Between(..)
            | K::Every { .. }
            | K::In { .. }
            | K::StrTest { .. }
            | K::Overlaps(..)
            | K::Matches(..)
            | K::IsPresent(..)
            | K::Within(..)
            | K::WithinMonths(..)
            | K::Decay(..)
            | K::SumEach(..)
            | K::CountDistinct(_)
            | K::CountDistinctOf(..)
            | K::TimePart(..)
            | K::Pick(..)
            | K::Extreme(..)
            | K::Rollup(..)
            | K::Capped { .. } => self.refuse(
                RefusalKind::NotYet("a list item that is not a literal"),
                e.span,
            ),
        }
    }

    fn call(&mut self, f: Func, args: &'a [TExpr], span: Span) -> String {
        let d = self.d;
        match f {
            Func::Count => {
                let n = self.len_of(&args[0], true);
                format!("CAST({n} AS {})", d.double())
            }
            Func::Sum => self.sum(&args[0], span),
            Func::DaysSince => {
                let t = self.scalar(&args[0]);
                let x = format!("({} - {t})", self.as_of);
                let m = DAY_MICROS;
                format!(
                    "CAST(({x} - ((({x} % {m}) + {m}) % {m})) / {m} AS {})",
                    d.double()
                )
            }
            Func::Len => match &args[0].ty {
                Type::String => {
                    let s = self.scalar(&args[0]);
                    format!("CAST({} AS {})", d.length(&s), d.double())
                }
                Type::Int
                | Type::Number
                | Type::Bool
                | Type::Datetime
                | Type::Duration
                | Type::Regex
                | Type::List(_)
                | Type::Record(_)
                | Type::Any => {
                    let n = self.len_of(&args[0], false);
                    format!("CAST({n} AS {})", d.double())
                }
            },
            Func::Min | Func::Max => {
                let a = self.scalar(&args[0]);
                let b = self.scalar(&args[1]);
                let op = if f == Func::Min { "<=" } else { ">=" };
                format!("(CASE WHEN {a} IS NULL OR {b} IS NULL THEN NULL WHEN {a} {op} {b} THEN {a} ELSE {b} END)")
            }
        }
    }

    /// The number of elements of a list value; of a value that is no list
    /// (a missing one), 0 when `zero_when_missing`, else `NULL`.
    fn len_of(&mut self, e: &'a TExpr, zero_when_missing: bool) -> String {
        let missing = if zero_when_missing { "0" } else { "NULL" };
        match self.value(e) {
            V::List(l) if zero_when_missing => self.count(&l, None),
            V::List(l) => {
                let n = self.count(&l, None);
                format!("(CASE WHEN {} THEN {n} END)", self.d.is_list(&l.base))
            }
            V::Lit(items) => items.len().to_string(),
            V::Scalar(_) | V::Raw(..) => missing.to_string(),
        }
    }

    fn sum(&mut self, e: &'a TExpr, span: Span) -> String {
        match self.value(e) {
            V::List(l) => {
                let (elem, ty) = self.elem_scalar(&l, span);
                let value = match ty.is_numeric() {
                    true => format!("COALESCE({elem}, {})", self.zero()),
                    false => self.zero(),
                };
                let cond = Self::conds(&l);
                self.aggregate(&l, cond.as_deref(), Agg::Sum(&value))
            }
            V::Lit(items) => {
                // Added left to right from 0, the numbers only (as the interpreter).
                let mut total = self.zero();
                for item in items.iter().filter(|i| i.ty.is_numeric()) {
                    total = format!("({total} + {})", self.scalar_lit(item));
                }
                total
            }
            V::Scalar(_) | V::Raw(..) => self.zero(),
        }
    }

    /// `sum(C, EXPR)`: `EXPR` per element, a missing amount counting 0.
    fn sum_each(&mut self, c: &'a TExpr, each: &'a TExpr, span: Span) -> String {
        let Some(l) = self.list(c, span) else {
            return self.zero();
        };
        let (raw, ty) = self.elem_raw(&l);
        self.scopes.push(Elem { raw, ty });
        let x = self.scalar(each);
        self.scopes.pop();
        let value = format!("COALESCE({x}, {})", self.zero());
        let cond = Self::conds(&l);
        self.aggregate(&l, cond.as_deref(), Agg::Sum(&value))
    }

    /// The list `e` reads from the lead; `None` for a missing one (a value
    /// that is no list). A list literal is refused.
    fn lead_list(&mut self, e: &'a TExpr, span: Span) -> Option<ListV> {
        match self.value(e) {
            V::List(l) => Some(l),
            V::Lit(_) => {
                self.refuse(
                    RefusalKind::NotYet("first/last/min/max/count(distinct ...) of a list literal"),
                    span,
                );
                None
            }
            V::Scalar(_) | V::Raw(..) => None,
        }
    }

    /// The filters of `l` as one condition.
    fn conds(l: &ListV) -> Option<String> {
        (!l.conds.is_empty()).then(|| l.conds.join(" AND "))
    }

    /// `count(distinct L)` / `count(distinct EACH of L)`: the different
    /// present values, text compared ignoring case (as `==`), `-0` as `0`.
    fn count_distinct(&mut self, c: &'a TExpr, each: Option<&'a TExpr>, span: Span) -> String {
        let Some(l) = self.lead_list(c, span) else {
            return self.zero();
        };
        let (v, ty) = match each {
            None => self.elem_scalar(&l, span),
            Some(each) => {
                let (raw, ty) = self.elem_raw(&l);
                self.scopes.push(Elem { raw, ty });
                let v = self.scalar(each);
                self.scopes.pop();
                (v, each.ty.clone())
            }
        };
        let key = match ty {
            Type::String => format!("lower({v})"),
            Type::Int | Type::Number => format!("({v} + {})", self.zero()),
            Type::Bool | Type::Datetime => v,
            Type::Any => return self.refuse(RefusalKind::Untyped, span),
            Type::Duration | Type::Regex | Type::List(_) | Type::Record(_) => {
                return self.refuse(
                    RefusalKind::NotYet("count(distinct ...) of records or lists"),
                    span,
                )
            }
        };
        let cond = Self::conds(&l);
        let n = self.aggregate(&l, cond.as_deref(), Agg::Fold(&key, Fold::Distinct));
        format!("CAST({n} AS {})", self.d.double())
    }

    /// `max(L)`/`latest(L)` or `min(L)`/`earliest(L)`: the largest or
    /// smallest present number or datetime; missing when there is none.
    fn extreme(&mut self, max: bool, x: &'a TExpr, span: Span) -> String {
        let Some(l) = self.lead_list(x, span) else {
            return "NULL".into();
        };
        let (v, ty) = self.elem_scalar(&l, span);
        match ty {
            Type::Int | Type::Number | Type::Datetime => {}
            Type::Any => return self.refuse(RefusalKind::Untyped, span),
            // The interpreter takes numbers and datetimes only.
            Type::String
            | Type::Bool
            | Type::Duration
            | Type::Regex
            | Type::List(_)
            | Type::Record(_) => return "NULL".into(),
        }
        let fold = if max { Fold::Max } else { Fold::Min };
        let cond = Self::conds(&l);
        self.aggregate(&l, cond.as_deref(), Agg::Fold(&v, fold))
    }

    /// `first(L)` / `last(L)`: the element at that end, by position (after
    /// the filters), seen through the list's projection.
    fn pick(&mut self, end: End, x: &'a TExpr, span: Span) -> V {
        let Some(l) = self.lead_list(x, span) else {
            return V::Scalar("NULL".into());
        };
        let last = match end {
            End::First => false,
            End::Last => true,
        };
        let raw = self
            .d
            .pick(&l.base, &l.var, Self::conds(&l).as_deref(), last);
        let (raw, ty) = self.through(raw, l.raw_elem.clone(), &l.proj);
        self.finish(raw, ty, span)
    }

    /// `day/week/month/weekday/hour(t)` in UTC, from integer microseconds
    /// (no engine time zone is involved). A ruleset read in another zone
    /// (`--timezone`) is refused: engines' zone databases may differ.
    fn time_part(&mut self, part: TimePart, x: &'a TExpr, span: Span) -> String {
        if self.rules.zone.is_some() {
            return self.refuse(RefusalKind::TimeZone, span);
        }
        let t = self.scalar(x);
        self.time_part_of(part, &t)
    }

    /// A part of the time `t` (integer microseconds, `NULL` when missing) in UTC.
    fn time_part_of(&self, part: TimePart, t: &str) -> String {
        let m = DAY_MICROS;
        let hour = 3_600_000_000i64;
        let in_day = format!("((({t} % {m}) + {m}) % {m})");
        let day = format!("({t} - {in_day})");
        let days = format!("CAST({day} / {m} AS BIGINT)");
        // 1970-01-01 was a Thursday: days since a Monday.
        let monday = format!("(((({days} + 3) % 7) + 7) % 7)");
        match part {
            TimePart::Day => day,
            TimePart::Week => format!("({day} - {monday} * {m})"),
            TimePart::Month => {
                // Months since January 1970, counted from the epoch.
                let k = format!("({} - {})", self.d.month_index(t), 1970 * 12);
                self.d.add_months("CAST(0 AS BIGINT)", &k)
            }
            TimePart::Hour => format!(
                "CAST(({in_day} - ({in_day} % {hour})) / {hour} AS {})",
                self.d.double()
            ),
            TimePart::Weekday => {
                let arms: String = crate::rules::WEEKDAYS
                    .iter()
                    .enumerate()
                    .map(|(i, n)| format!(" WHEN {i} THEN {}", self.d.string(n)))
                    .collect();
                format!("(CASE {monday}{arms} END)")
            }
        }
    }

    /// `count(C, at most N per P)` / `sum(C, AMOUNT, at most N per P)`: an
    /// element counts when its time is present and fewer than N elements of
    /// `C` are before it in its period (earlier, or as early and before it
    /// in the list), which is the interpreter's "earliest N, ties by list
    /// order"; sums are added in list order.
    fn capped(
        &mut self,
        coll: &'a TExpr,
        by: &'a TExpr,
        amount: Option<&'a TExpr>,
        cap: Cap,
        span: Span,
    ) -> String {
        if self.rules.zone.is_some() {
            return self.refuse(RefusalKind::TimeZone, span);
        }
        // The list twice: the element counted, and the others it is ranked among.
        let (Some(l), Some(o)) = (self.list(coll, span), self.list(coll, span)) else {
            return self.zero();
        };
        let t = self.scalar_in(&l, by);
        let u = self.scalar_in(&o, by);
        let part = match cap.per {
            CapPeriod::Day => TimePart::Day,
            CapPeriod::Week => TimePart::Week,
            CapPeriod::Month => TimePart::Month,
        };
        let (pt, pu) = (self.time_part_of(part, &t), self.time_part_of(part, &u));
        let (i, j) = (self.d.position(&l.var), self.d.position(&o.var));
        let mut before = o.conds.clone();
        before.push(format!(
            "COALESCE({u} IS NOT NULL AND {pu} = {pt} AND ({u} < {t} OR ({u} = {t} AND {j} < {i})), FALSE)"
        ));
        let rank = self.d.count_indexed(&o.base, &o.var, &before.join(" AND "));
        let mut kept = l.conds.clone();
        kept.push(format!("({t} IS NOT NULL AND {rank} < {})", cap.most));
        let kept = kept.join(" AND ");
        match amount {
            None => format!(
                "CAST({} AS {})",
                self.d.count_indexed(&l.base, &l.var, &kept),
                self.d.double()
            ),
            Some(a) => {
                let x = self.scalar_in(&l, a);
                let value = format!("COALESCE({x}, {})", self.zero());
                self.d.sum_indexed(&l.base, &l.var, &kept, &value)
            }
        }
    }

    /// `e` as a scalar in the scope of `l`'s element.
    fn scalar_in(&mut self, l: &ListV, e: &'a TExpr) -> String {
        let (raw, ty) = self.elem_raw(l);
        self.scopes.push(Elem { raw, ty });
        let x = self.scalar(e);
        self.scopes.pop();
        x
    }

    /// `decay(t, RATE)`: the weight by age, as [`Decay::weight_after`] and
    /// the interpreter work it out (1 at `as_of`, 0 in the future, missing
    /// for a missing `t`; calendar months counted, then `powi`).
    fn decay(&mut self, t: &'a TExpr, decay: Decay, span: Span) -> String {
        let t = self.scalar(t);
        let d = self.d;
        let age = format!("({} - {t})", self.as_of);
        // Seconds as the interpreter has them: nanoseconds as a float, / 1e9.
        let secs = format!("(CAST({age} * 1000 AS {}) / {})", d.double(), d.number(1e9));
        // `powf` of the C library, or exact for powers of 1/2 and whole exponents.
        let halves = |keep: f64| keep == 0.0 || (keep > 0.0 && keep.log2().fract() == 0.0);
        let weight = match decay {
            Decay::HalfLife(h) => {
                match d.libm_power(&d.number(0.5), &format!("{secs} / {}", d.number(h))) {
                    Some(w) => w,
                    None => return self.refuse(RefusalKind::Decay("half_life"), span),
                }
            }
            Decay::Linear(life) => {
                let w = format!("({} - {secs} / {})", d.number(1.0), d.number(life));
                format!("(CASE WHEN {w} > 0 THEN {w} ELSE {} END)", self.zero())
            }
            Decay::Step {
                keep,
                period: Period::Seconds(p),
            } => {
                let n = format!("floor({secs} / {})", d.number(p));
                match (halves(keep), d.libm_power(&d.number(keep), &n)) {
                    (true, _) => format!("power({}, {n})", d.number(keep)),
                    (false, Some(w)) => w,
                    (false, None) => return self.refuse(RefusalKind::Decay("step"), span),
                }
            }
            Decay::Step {
                keep,
                period: Period::Months(k),
            } => {
                // powi: exact only when every power of `keep` is (0, 1 or a power of 1/2).
                if !halves(keep) {
                    return self.refuse(RefusalKind::Decay("step"), span);
                }
                let whole = self.whole_months(&t);
                format!(
                    "power({}, (({whole} - ({whole} % {k})) / {k}))",
                    d.number(keep)
                )
            }
        };
        format!(
            "(CASE WHEN {t} IS NULL THEN NULL WHEN {age} < 0 THEN {} ELSE {weight} END)",
            self.zero()
        )
    }

    /// Whole calendar months from `t` to `as_of` (0 when `as_of` is not after `t`).
    fn whole_months(&self, t: &str) -> String {
        let a = &self.as_of;
        let d = self.d;
        let k = format!("({} - {})", d.month_index(a), d.month_index(t));
        let moved = d.add_months(t, &k);
        format!("(CASE WHEN {a} <= {t} THEN 0 WHEN {moved} <= {a} THEN {k} ELSE {k} - 1 END)")
    }

    fn arith(&mut self, op: ArithOp, a: &'a TExpr, b: &'a TExpr) -> String {
        let (a, b) = (self.scalar(a), self.scalar(b));
        match op {
            ArithOp::Add => format!("({a} + {b})"),
            ArithOp::Sub => format!("({a} - {b})"),
            ArithOp::Mul => format!("({a} * {b})"),
            ArithOp::Div => format!("(CASE WHEN {b} = 0 THEN NULL ELSE {a} / {b} END)"),
        }
    }

    // ---- conditions ----

    /// A condition: a `BOOLEAN` that is never `NULL`.
    fn cond(&mut self, e: &'a TExpr) -> String {
        use TExprKind as K;
        match &e.kind {
            K::NonEmpty(x, want) => {
                let n = self.len_of(x, true);
                let op = if *want { ">" } else { "=" };
                format!("({n} {op} 0)")
            }
            K::Truth(q, x) => self.truth(*q, x, e.span),
            K::Every { coll, cond, .. } => match self.list(coll, e.span) {
                Some(l) => {
                    let c = self.in_scope(&l, cond);
                    format!("({} = 0)", self.count(&l, Some(format!("NOT {c}"))))
                }
                None => "TRUE".into(),
            },
            K::Not(x) => format!("(NOT {})", self.cond(x)),
            K::And(xs) => {
                let parts: Vec<String> = xs.iter().map(|x| self.cond(x)).collect();
                format!("({})", parts.join(" AND "))
            }
            K::Or(xs) => {
                let parts: Vec<String> = xs.iter().map(|x| self.cond(x)).collect();
                or_all(&parts)
            }
            K::Compare(op, a, b) => self.compare(*op, a, b, e.span),
            K::In {
                value,
                list,
                negated,
            } => self.in_list(value, list, *negated, e.span),
            K::Between(x, lo, hi) => {
                let kind = self
                    .kind(&x.ty, lo, e.span)
                    .min_kind(self.kind(&x.ty, hi, e.span));
                let v = self.operand(x, &lo.ty);
                let (l, h) = (self.operand(lo, &x.ty), self.operand(hi, &x.ty));
                match self.ordered(kind, &v, &l, &h) {
                    Some((v, l, h)) => format!("COALESCE({v} >= {l} AND {v} <= {h}, FALSE)"),
                    None => "FALSE".into(),
                }
            }
            K::Overlaps(l, n) => {
                let lv = self.value(l);
                let nv = self.value(n);
                let span = e.span;
                self.some(nv, span, &mut |em, needle, nty| {
                    let lv = match &lv {
                        V::List(l) => V::List(l.clone()),
                        V::Lit(items) => V::Lit(items.clone()),
                        V::Scalar(_) | V::Raw(..) => V::Scalar("NULL".into()),
                    };
                    let (needle, nty) = (needle.to_string(), nty.clone());
                    let found = em.some(lv, span, &mut |em, elem, ety| {
                        em.equal(&needle, &nty, elem, ety, span)
                    });
                    format!("({needle} IS NOT NULL AND {found})")
                })
            }
            K::StrTest {
                op,
                any,
                value,
                needle,
            } => self.str_test(*op, *any, value, needle, e.span),
            K::Matches(x, re) => {
                let s = self.scalar(x);
                match super::regex::translate(re, self.d) {
                    Ok(p) => format!(
                        "COALESCE({}, FALSE)",
                        self.d.matches(&s, &self.d.string(&p), re.case_insensitive)
                    ),
                    Err((what, instead)) => {
                        self.refuse(RefusalKind::Regex { what, instead }, e.span)
                    }
                }
            }
            K::IsPresent(x, present) => {
                let p = match self.value(x) {
                    V::Scalar(s) => format!("({s} IS NOT NULL)"),
                    V::Raw(raw, _) => self.d.present(&raw),
                    V::List(l) => self.d.present(&l.base),
                    V::Lit(_) => "TRUE".into(),
                };
                match present {
                    true => p,
                    false => format!("(NOT {p})"),
                }
            }
            K::Within(x, secs) => {
                let micros = secs * 1e6;
                if micros.fract() != 0.0 {
                    return self.refuse(RefusalKind::SubMicrosecond, e.span);
                }
                let t = self.scalar(x);
                let a = &self.as_of;
                format!(
                    "COALESCE({t} > {a} - CAST({} AS BIGINT) AND {t} <= {a}, FALSE)",
                    micros as i64
                )
            }
            K::WithinMonths(x, n) => {
                let t = self.scalar(x);
                let a = self.as_of.clone();
                let start = match self.as_of_literal {
                    Some(at) => match crate::datetime::months_before(at, *n) {
                        Some(s) => self.micros(&s, e.span),
                        None => return "FALSE".into(),
                    },
                    None => self.d.add_months(&a, &format!("-{n}")),
                };
                format!("COALESCE({t} > {start} AND {t} <= {a}, FALSE)")
            }
            K::Number(_)
            | K::String(_)
            | K::Bool(_)
            | K::List(_)
            | K::Datetime(_)
            | K::Field(_)
            | K::Let(_)
            | K::Score
            | K::GroupTotal(_)
            | K::Label(_)
            | K::Project(..)
            | K::Where(..)
            | K::Call(..)
            | K::Neg(_)
            | K::Arith(..)
            | K::Decay(..)
            | K::SumEach(..)
            | K::CountDistinct(_)
            | K::CountDistinctOf(..)
            | K::TimePart(..)
            | K::Pick(..)
            | K::Extreme(..)
            | K::Rollup(..)
            | K::Capped { .. } => match &e.ty {
                Type::Bool => format!("COALESCE({}, FALSE)", self.scalar(e)),
                Type::Any => self.refuse(RefusalKind::Untyped, e.span),
                Type::String
                | Type::Int
                | Type::Number
                | Type::Datetime
                | Type::Duration
                | Type::Regex
                | Type::List(_)
                | Type::Record(_) => "FALSE".into(),
            },
        }
    }

    fn truth(&mut self, q: Quant, x: &'a TExpr, span: Span) -> String {
        let (trues, all) = match self.value(x) {
            V::List(l) => {
                let (elem, _) = self.elem_scalar(&l, span);
                let t = self.count(&l, Some(format!("COALESCE({elem}, FALSE)")));
                (t, self.count(&l, None))
            }
            V::Lit(items) => {
                let t = items
                    .iter()
                    .filter(|i| i.kind == TExprKind::Bool(true))
                    .count();
                (t.to_string(), items.len().to_string())
            }
            V::Scalar(_) | V::Raw(..) => ("0".into(), "0".into()),
        };
        match q {
            Quant::Any => format!("({trues} > 0)"),
            Quant::None => format!("({trues} = 0)"),
            Quant::All => format!("({trues} = {all})"),
        }
    }

    /// How values of types `a` and `b` compare (`b_expr` of type `b`: a
    /// string literal compared with a datetime is a datetime).
    fn kind(&mut self, a: &Type, b_expr: &'a TExpr, span: Span) -> Cmp {
        let b = &b_expr.ty;
        let lit_str = matches!(self.resolve(b_expr).kind, TExprKind::String(_));
        match (Cmp::of(a), Cmp::of(b)) {
            (None, _) | (_, None) => {
                self.refuse(RefusalKind::Untyped, span);
                Cmp::Never
            }
            (Some(Cmp::Time), Some(Cmp::Text)) if lit_str => Cmp::Time,
            (Some(Cmp::Text), Some(Cmp::Time)) => Cmp::Time,
            (Some(x), Some(y)) => x.min_kind(y),
        }
    }

    /// An operand compared with a value of type `other`: a string literal
    /// compared with a datetime is read as a datetime here.
    fn operand(&mut self, e: &'a TExpr, other: &Type) -> String {
        if *other == Type::Datetime {
            if let TExprKind::String(s) = &self.resolve(e).kind {
                return match crate::datetime::parse(s) {
                    Ok(t) => self.micros(&t, e.span),
                    Err(_) => "NULL".into(),
                };
            }
        }
        self.scalar(e)
    }

    /// The operands as the engine must order them, or `None` when values
    /// of this kind are never ordered.
    fn ordered(&self, kind: Cmp, a: &str, b: &str, c: &str) -> Option<(String, String, String)> {
        let text = |s: &str| self.d.ordered(&format!("lower({s})"));
        match kind {
            Cmp::Num | Cmp::Time => Some((a.into(), b.into(), c.into())),
            Cmp::Text => Some((text(a), text(b), text(c))),
            Cmp::Bool | Cmp::Never => None,
        }
    }

    fn compare(&mut self, op: CmpOp, a: &'a TExpr, b: &'a TExpr, span: Span) -> String {
        let kind = self
            .kind(&a.ty, b, span)
            .min_kind(self.kind(&b.ty, a, span));
        let (x, y) = (self.operand(a, &b.ty), self.operand(b, &a.ty));
        let sym = match op {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        };
        let equality = matches!(op, CmpOp::Eq | CmpOp::Ne);
        let (x, y) = match (kind, equality) {
            (Cmp::Text, true) => (format!("lower({x})"), format!("lower({y})")),
            (Cmp::Bool, true) => (x, y),
            (Cmp::Bool | Cmp::Never, _) => return "FALSE".into(),
            (k, _) => match self.ordered(k, &x, &y, "") {
                Some((x, y, _)) => (x, y),
                None => return "FALSE".into(),
            },
        };
        format!("COALESCE({x} {sym} {y}, FALSE)")
    }

    /// `a` equals `b` as `in` compares (never `NULL`).
    fn equal(&mut self, a: &str, ta: &Type, b: &str, tb: &Type, span: Span) -> String {
        let kind = match (Cmp::of(ta), Cmp::of(tb)) {
            (None, _) | (_, None) => {
                self.refuse(RefusalKind::Untyped, span);
                Cmp::Never
            }
            (Some(x), Some(y)) => x.min_kind(y),
        };
        match kind {
            Cmp::Num | Cmp::Time | Cmp::Bool => format!("COALESCE({a} = {b}, FALSE)"),
            Cmp::Text => format!("COALESCE(lower({a}) = lower({b}), FALSE)"),
            Cmp::Never => "FALSE".into(),
        }
    }

    fn in_list(&mut self, value: &'a TExpr, list: &'a TExpr, negated: bool, span: Span) -> String {
        let v = self.scalar(value);
        let lv = self.value(list);
        let ty = value.ty.clone();
        if let V::Lit(items) = &lv {
            return self.in_constants(&v, &ty, items, negated, span);
        }
        let is_list = match &lv {
            V::List(l) => self.d.is_list(&l.base),
            V::Lit(_) => "TRUE".into(),
            V::Scalar(_) | V::Raw(..) => "FALSE".into(),
        };
        let found = self.some(lv, span, &mut |em, elem, ety| {
            em.equal(&v, &ty, elem, ety, span)
        });
        let found = if negated {
            format!("NOT {found}")
        } else {
            found
        };
        format!("({v} IS NOT NULL AND {is_list} AND {found})")
    }

    /// `v [not] in [constants]`: only the constants of `v`'s kind can match.
    fn in_constants(
        &mut self,
        v: &str,
        ty: &Type,
        items: &[TExpr],
        negated: bool,
        span: Span,
    ) -> String {
        let mut consts = Vec::new();
        for item in items {
            let same = match (ty, &item.ty) {
                (Type::Any, _) => {
                    self.refuse(RefusalKind::Untyped, span);
                    false
                }
                (a, b) if a.is_numeric() && b.is_numeric() => true,
                (a, b) => a == b,
            };
            if same {
                let sql = self.scalar_lit(item);
                consts.push(lowered(ty, sql));
            }
        }
        let v = lowered(ty, v.to_string());
        match (consts.is_empty(), negated) {
            (true, false) => "FALSE".into(),
            (true, true) => format!("({v} IS NOT NULL)"),
            (false, false) => format!("COALESCE({v} IN ({}), FALSE)", consts.join(", ")),
            (false, true) => format!("COALESCE({v} NOT IN ({}), FALSE)", consts.join(", ")),
        }
    }

    fn str_test(
        &mut self,
        op: StrOp,
        any: bool,
        value: &'a TExpr,
        needle: &'a TExpr,
        span: Span,
    ) -> String {
        match Cmp::of(&value.ty) {
            Some(Cmp::Text) => {}
            None => return self.refuse(RefusalKind::Untyped, span),
            Some(Cmp::Num | Cmp::Time | Cmp::Bool | Cmp::Never) => return "FALSE".into(),
        }
        let hay = format!("lower({})", self.scalar(value));
        let d = self.d;
        let test = move |n: &str| -> String {
            let n = format!("lower({n})");
            match op {
                StrOp::Contains => d.contains(&hay, &n),
                StrOp::StartsWith => d.starts_with(&hay, &n),
                StrOp::EndsWith => d.ends_with(&hay, &n),
            }
        };
        if !any {
            let n = self.scalar(needle);
            return format!("COALESCE({}, FALSE)", test(&n));
        }
        let nv = self.value(needle);
        let found = self.some(nv, span, &mut |_, n, nty| match Cmp::of(nty) {
            Some(Cmp::Text) => format!("COALESCE({}, FALSE)", test(n)),
            Some(Cmp::Num | Cmp::Time | Cmp::Bool | Cmp::Never) | None => "FALSE".into(),
        });
        format!("COALESCE({found}, FALSE)")
    }
}

impl Cmp {
    /// How values of type `ty` compare; `None` when the type is not known.
    fn of(ty: &Type) -> Option<Cmp> {
        match ty {
            Type::Int | Type::Number => Some(Cmp::Num),
            Type::Datetime => Some(Cmp::Time),
            Type::String => Some(Cmp::Text),
            Type::Bool => Some(Cmp::Bool),
            Type::Any => None,
            Type::Duration | Type::Regex | Type::List(_) | Type::Record(_) => Some(Cmp::Never),
        }
    }

    /// The stricter of two kinds (`Never` wins).
    fn min_kind(self, other: Cmp) -> Cmp {
        if self == other {
            self
        } else {
            Cmp::Never
        }
    }
}

/// The total `t` (in millionths) held by a `max` then a `min`, as the
/// interpreter clamps.
pub(super) fn clamp(mut t: String, max: Option<i64>, min: Option<i64>) -> String {
    if let Some(m) = max {
        t = format!("(CASE WHEN {t} > {m} THEN {m} ELSE {t} END)");
    }
    if let Some(m) = min {
        t = format!("(CASE WHEN {t} < {m} THEN {m} ELSE {t} END)");
    }
    t
}

/// One step of the query: `name AS (SELECT *, cols FROM from)`.
fn step(name: &str, cols: Vec<String>, from: &str) -> String {
    let cols: String = cols.iter().map(|c| format!(",\n    {c}")).collect();
    format!("{name} AS (\n  SELECT *{cols}\n  FROM {from}\n)")
}

/// `p` (a `DOUBLE`, `NULL` when missing) in whole millionths as a `BIGINT`,
/// rounded half away from zero as Rust's `f64::round` (exactly: the
/// fraction `y - floor(y)` of a number below 2^52 is exact); 0 when
/// missing, `NULL` when 4e9 or more in size or not finite.
fn units(p: &str) -> String {
    let y = format!("(abs({p}) * 1000000)");
    let r = format!("(floor({y}) + CASE WHEN {y} - floor({y}) >= 0.5 THEN 1 ELSE 0 END)");
    format!(
        "(CASE WHEN {p} IS NULL THEN 0 WHEN abs({p}) < {} THEN CAST(CASE WHEN {p} < 0 THEN -{r} ELSE {r} END AS BIGINT) END)",
        EXACT as i64
    )
}

/// `sql` (a value of type `ty`) as `=` and `IN` must see it: text lowered.
fn lowered(ty: &Type, sql: String) -> String {
    match Cmp::of(ty) {
        Some(Cmp::Text) => format!("lower({sql})"),
        Some(Cmp::Num | Cmp::Time | Cmp::Bool | Cmp::Never) | None => sql,
    }
}

/// The element variables (`e1`, `e2`, ... as [`Emitter::fresh`] names
/// them) that `sql` mentions. A string literal that looks like one counts
/// too, which only keeps an aggregate in place.
fn element_vars(sql: &str) -> impl Iterator<Item = &str> {
    sql.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|t| {
            t.strip_prefix('e')
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
}

fn bool_sql(b: bool) -> &'static str {
    if b {
        "TRUE"
    } else {
        "FALSE"
    }
}

fn or_all(parts: &[String]) -> String {
    match parts.is_empty() {
        true => "FALSE".into(),
        false => format!("({})", parts.join(" OR ")),
    }
}

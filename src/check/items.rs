//! The walk over the items: lets, rules, groups and labels, in source order,
//! then duplicate names and labels, then the [`Ruleset`].

use super::error::{NameKind, Problem, Role};
use super::Checker;
use crate::rules::{ArmDef, GroupDef, LabelDef, LetDef, Output, RuleDef, Ruleset, Type};
use crate::syntax::ast::{Group, Item, JoinPart, LabelBlock, Let, Limits, Rule, Span, Spanned};
use std::collections::HashMap;

/// Checks every item and builds the ruleset (errors or not; the caller drops it on errors).
pub(super) fn build(c: &mut Checker, items: &[Item]) -> Option<Ruleset> {
    c.schema_of(items);
    c.collect_names(items);
    c.elsewhere.extend(super::account::block_names(items));
    let mut rs = Ruleset {
        has_schema: c.schema.is_some(),
        lead_type: Type::Any,
        lets: Vec::new(),
        groups: Vec::new(),
        rules: Vec::new(),
        labels: Vec::new(),
        outputs: Vec::new(),
        zone: None,
        score_max: None,
        score_min: None,
        account: None,
    };
    for item in items {
        c.item(item, &mut rs);
    }
    c.field_uses();
    c.duplicates(items);
    c.duplicate_rule_labels(items, &rs.rules);
    rs.lets = std::mem::take(&mut c.lets);
    c.retype(&mut rs);
    rs.lead_type = c.lead_type().clone();
    super::account::check(c, items, &mut rs);
    Some(rs)
}

impl Checker<'_> {
    /// The first `schema`'s type; later ones are duplicates.
    fn schema_of(&mut self, items: &[Item]) {
        let mut first: Option<Span> = None;
        for item in items {
            let Item::Schema(s) = item else { continue };
            let head = keyword(s.span, "schema");
            if let Some(first) = first {
                let name = "schema".to_string();
                let (kind, first_kind) = (NameKind::Schema, NameKind::Schema);
                self.report(Problem::DuplicateName {
                    span: head,
                    name,
                    kind,
                    first,
                    first_kind,
                });
                continue;
            }
            first = Some(head);
            self.schema = Some(super::schema::lead_type(s, &mut self.problems));
        }
    }

    /// Every `let`, group and label name, so uses can tell "defined later",
    /// totals and labels apart.
    fn collect_names(&mut self, items: &[Item]) {
        let (mut groups, mut labels) = (0, 0);
        for item in items {
            match item {
                Item::Let(l) => {
                    self.let_defs
                        .entry(l.name.node.clone())
                        .or_insert(l.name.span);
                    let reads = l.value.names().iter().map(|n| n.node.clone()).collect();
                    self.let_reads.entry(l.name.node.clone()).or_insert(reads);
                }
                Item::Group(g) => {
                    self.groups.entry(g.name.node.clone()).or_insert(groups);
                    groups += 1;
                }
                Item::Label(l) => {
                    let info = super::LabelInfo {
                        index: labels,
                        span: l.name.span,
                        values: l.arms.iter().map(|a| a.value.node.clone()).collect(),
                        reads: l
                            .arms
                            .iter()
                            .filter_map(|a| a.when.as_ref())
                            .flat_map(|w| w.names())
                            .map(|n| n.node.clone())
                            .collect(),
                    };
                    self.labels.entry(l.name.node.clone()).or_insert(info);
                    labels += 1;
                }
                Item::LabelJoin(j) => {
                    let info = super::LabelInfo {
                        index: labels,
                        span: j.name.span,
                        values: self.join_values(j),
                        reads: j
                            .parts
                            .iter()
                            .filter_map(|p| match p {
                                JoinPart::Label(name) => Some(name.node.clone()),
                                JoinPart::Text(_) => None,
                            })
                            .collect(),
                    };
                    self.labels.entry(j.name.node.clone()).or_insert(info);
                    labels += 1;
                }
                Item::Schema(_)
                | Item::Rule(_)
                | Item::Include(_)
                | Item::Test(_)
                | Item::Limits(_)
                | Item::Account(_) => {}
            }
        }
    }

    fn item(&mut self, item: &Item, rs: &mut Ruleset) {
        // The labels declared above this item have a value here: a label
        // reads those, and so does the REPL's `let` (`totals_let`), which
        // comes after every label.
        self.label_now = rs.labels.len();
        match item {
            Item::Let(l) => self.let_item(l),
            Item::Rule(r) => {
                let r = self.rule(r, None);
                rs.rules.push(r);
            }
            Item::Group(g) => self.group(g, rs),
            Item::Label(l) => {
                let l = self.label(l);
                rs.outputs.push(Output::Label(rs.labels.len()));
                rs.labels.push(l);
            }
            Item::LabelJoin(j) => {
                self.in_label = true;
                let l = self.label_join(j);
                self.in_label = false;
                rs.outputs.push(Output::Label(rs.labels.len()));
                rs.labels.push(l);
            }
            Item::Limits(l) => self.limits(l, rs),
            Item::Schema(_) | Item::Include(_) | Item::Test(_) | Item::Account(_) => {}
        }
    }

    /// `score max N min N`; a second one is a duplicate.
    fn limits(&mut self, l: &Limits, rs: &mut Ruleset) {
        self.min_above_max(&l.min, &l.max, true);
        let head = keyword(l.span, "score");
        if let Some(first) = self.limits_at.replace(head) {
            self.report(Problem::DuplicateName {
                span: head,
                name: "score".to_string(),
                kind: NameKind::Limits,
                first,
                first_kind: NameKind::Limits,
            });
            return;
        }
        rs.score_max = l.max.as_ref().map(|m| m.node);
        rs.score_min = l.min.as_ref().map(|m| m.node);
    }

    /// A `min` above the `max` of a group or the score.
    fn min_above_max(
        &mut self,
        min: &Option<Spanned<f64>>,
        max: &Option<Spanned<f64>>,
        score: bool,
    ) {
        if let (Some(min), Some(max)) = (min, max) {
            if min.node > max.node {
                let (span, min, max_span, max) = (min.span, min.node, max.span, max.node);
                self.report(Problem::MinAboveMax {
                    span,
                    min,
                    max_span,
                    max,
                    score,
                });
            }
        }
    }

    /// `let NAME = EXPR`; a repeated name is reported by [`Self::duplicates`].
    fn let_item(&mut self, l: &Let) {
        self.defining = Some(l.name.node.clone());
        self.in_label = self.totals_let.as_ref() == Some(&l.name.node);
        let value = self.expr(&l.value);
        self.in_label = false;
        self.defining = None;
        if self.let_index.contains_key(&l.name.node) {
            return;
        }
        let origin = self.origin(&value);
        self.let_index.insert(l.name.node.clone(), self.lets.len());
        self.let_origins.push(origin);
        let name = l.name.node.clone();
        self.lets.push(LetDef {
            name,
            value,
            span: l.span,
        });
    }

    fn rule(&mut self, r: &Rule, group: Option<usize>) -> RuleDef {
        let when = r
            .when
            .as_ref()
            .map(|w| self.expect(w, &Type::Bool, Role::Condition));
        let points = self.expect(&r.points, &Type::Number, Role::Points);
        if let Some(n) = r.up_to.as_ref().filter(|n| n.node <= 0.0) {
            self.report(Problem::BadUpTo {
                span: n.span,
                value: n.node,
            });
        }
        let label = match &r.label {
            Some(l) => l.node.clone(),
            None => crate::fmt::rule_line(&self.sources.get(r.span.file).text, r),
        };
        let up_to = r.up_to.as_ref().map(|n| n.node);
        let (sign, span) = (r.sign, r.span);
        RuleDef {
            label,
            group,
            when,
            sign,
            points,
            up_to,
            span,
        }
    }

    fn group(&mut self, g: &Group, rs: &mut Ruleset) {
        self.min_above_max(&g.min, &g.max, false);
        let index = rs.groups.len();
        for r in &g.rules {
            let r = self.rule(r, Some(index));
            rs.rules.push(r);
        }
        let name = g.name.node.clone();
        let (max, min) = (
            g.max.as_ref().map(|m| m.node),
            g.min.as_ref().map(|m| m.node),
        );
        rs.groups.push(GroupDef {
            name,
            max,
            min,
            span: g.span,
        });
        rs.outputs.push(Output::Group(index));
    }

    fn label(&mut self, l: &LabelBlock) -> LabelDef {
        self.in_label = true;
        let mut otherwise: Option<Span> = None;
        let mut arms = Vec::new();
        for arm in &l.arms {
            if let Some(o) = otherwise {
                self.report(Problem::UnreachableArm {
                    span: arm.span,
                    otherwise: o,
                });
            }
            if arm.when.is_none() && otherwise.is_none() {
                otherwise = Some(arm.span);
            }
            let when = arm
                .when
                .as_ref()
                .map(|w| self.expect(w, &Type::Bool, Role::Condition));
            let (value, span) = (arm.value.node.clone(), arm.span);
            arms.push(ArmDef { value, when, span });
        }
        self.in_label = false;
        LabelDef {
            name: l.name.node.clone(),
            arms,
            span: l.span,
            built: false,
        }
    }

    /// Lets, groups and labels share one namespace, except that a `let`
    /// and a label may share a name (the `let` then hides the label).
    fn duplicates(&mut self, items: &[Item]) {
        let mut seen: HashMap<&str, (Span, NameKind)> = HashMap::new();
        for (ident, kind) in items.iter().filter_map(named) {
            let Some(&(first, first_kind)) = seen.get(ident.node.as_str()) else {
                seen.insert(&ident.node, (ident.span, kind));
                continue;
            };
            let pair = [kind, first_kind];
            if pair.contains(&NameKind::Let) && pair.contains(&NameKind::Label) {
                continue;
            }
            let (span, name) = (ident.span, ident.node.clone());
            self.report(Problem::DuplicateName {
                span,
                name,
                kind,
                first,
                first_kind,
            });
        }
    }

    /// Rule labels must be unique; points at the second rule's label (or the rule).
    fn duplicate_rule_labels(&mut self, items: &[Item], rules: &[RuleDef]) {
        let spans = rule_label_spans(items);
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for (rule, span) in rules.iter().zip(spans) {
            if let Some(&first) = seen.get(rule.label.as_str()) {
                let label = rule.label.clone();
                self.report(Problem::DuplicateRuleLabel { span, label, first });
            } else {
                seen.insert(&rule.label, span);
            }
        }
    }
}

/// The name an item defines, and what kind of definition it is.
pub(super) fn named(item: &Item) -> Option<(&crate::syntax::ast::Ident, NameKind)> {
    match item {
        Item::Let(l) => Some((&l.name, NameKind::Let)),
        Item::Group(g) => Some((&g.name, NameKind::Group)),
        Item::Label(l) => Some((&l.name, NameKind::Label)),
        Item::LabelJoin(j) => Some((&j.name, NameKind::Label)),
        Item::Schema(_)
        | Item::Rule(_)
        | Item::Include(_)
        | Item::Test(_)
        | Item::Limits(_)
        | Item::Account(_) => None,
    }
}

/// For every rule in declaration order: its `as "..."` span, or the rule's span.
fn rule_label_spans(items: &[Item]) -> Vec<Span> {
    let span = |r: &Rule| r.label.as_ref().map_or(r.span, |l| l.span);
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Rule(r) => out.push(span(r)),
            Item::Group(g) => out.extend(g.rules.iter().map(span)),
            Item::Schema(_)
            | Item::Let(_)
            | Item::Label(_)
            | Item::LabelJoin(_)
            | Item::Include(_)
            | Item::Test(_)
            | Item::Limits(_)
            | Item::Account(_) => {}
        }
    }
    out
}

/// The span of a leading keyword of an item.
fn keyword(span: Span, word: &str) -> Span {
    Span {
        end: (span.start + word.len() as u32).min(span.end),
        ..span
    }
}

//! The canonical layout of a rules file (`leadscore fmt`).
//!
//! The formatter prints the AST of one file, not its includes: items in
//! source order, blocks indented by two spaces, one space around operators,
//! and a single blank line wherever the author left one or more. Literals
//! are copied from the source (so `10_000_000` and string escapes stay as
//! written) and every comment is kept: a comment on its own line stays
//! before the item it preceded, a comment after an item stays at the end of
//! its line, and a comment inside a multi-line condition moves to just
//! above the item. A condition too long for one line is broken before each
//! `and`/`or`, inside parentheses. Formatting is idempotent and the
//! formatted file parses to the same AST as the original.

use crate::syntax::ast::*;
use crate::syntax::{self, SyntaxError};
use std::cell::RefCell;

mod expr;
mod testblock;

/// Lines longer than this have their top-level `and`/`or` broken.
const WIDTH: usize = 100;
const INDENT: &str = "  ";

/// Formats a rules file. A file with syntax errors is not formatted.
pub fn format(text: &str) -> Result<String, Vec<SyntaxError>> {
    let (file, errors) = syntax::parse(FileId(0), text);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut p = Printer {
        src: text,
        out: String::new(),
        comments: file.comments,
        next_comment: 0,
        last_end: 0,
        indent: 0,
        trailing: Vec::new(),
        used: RefCell::new(Vec::new()),
    };
    for item in &file.items {
        p.item(item);
    }
    p.comments_before(u32::MAX);
    Ok(align_trailing(&p.out, &p.trailing))
}

/// A rule on one line in canonical form, without its `as` label: the
/// default label of an unlabelled rule. `src` is the text of the rule's file.
/// It depends only on the rule's syntax tree and literals, never on the
/// line breaks, spacing, comments or redundant parentheses of the source, so
/// `fmt` (whatever layout it picks) does not change it.
pub fn rule_line(src: &str, r: &Rule) -> String {
    let action = rule_action(src, r, &expr::Expr::new(src).line(&r.points));
    match &r.when {
        Some(c) => format!("when {} {action}", expr::Expr::new(src).line(c)),
        None => action,
    }
}

/// `add POINTS [up to N]` on one line, with the points as printed.
fn rule_action(src: &str, r: &Rule, points: &str) -> String {
    let sign = match r.sign {
        Sign::Add => "add",
        Sign::Subtract => "subtract",
    };
    let mut text = format!("{sign} {points}");
    if let Some(n) = &r.up_to {
        text += &format!(" up to {}", &src[n.span.range()]);
    }
    text
}

/// Lines longer than this keep their trailing comment one space after the
/// code instead of pushing the whole run's column to the right.
const ALIGN_LIMIT: usize = 80;

/// Appends trailing comments to their lines, aligned in a column within
/// each run of consecutive lines that have one.
fn align_trailing(out: &str, trailing: &[(usize, String)]) -> String {
    let mut lines: Vec<String> = out.lines().map(String::from).collect();
    let mut run_start = 0;
    for i in 0..trailing.len() {
        let run_ends = i + 1 == trailing.len() || trailing[i + 1].0 != trailing[i].0 + 1;
        if !run_ends {
            continue;
        }
        let run = &trailing[run_start..=i];
        let width = run
            .iter()
            .map(|(l, _)| lines[*l].chars().count())
            .filter(|w| *w <= ALIGN_LIMIT)
            .max()
            .unwrap_or(0);
        for (l, comment) in run {
            let pad = width.saturating_sub(lines[*l].chars().count());
            lines[*l] = format!("{}{} {comment}", lines[*l], " ".repeat(pad));
        }
        run_start = i + 1;
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

struct Printer<'s> {
    src: &'s str,
    out: String,
    comments: Vec<Spanned<String>>,
    next_comment: usize,
    /// End of the last thing printed, in source bytes.
    last_end: u32,
    indent: usize,
    /// Comments that end a printed line: (line number, comment).
    trailing: Vec<(usize, String)>,
    /// Comments already written inside an expression's lines (their starts).
    used: RefCell<Vec<u32>>,
}

impl Printer<'_> {
    fn item(&mut self, item: &Item) {
        match item {
            Item::Schema(s) => self.schema(s),
            Item::Let(l) => {
                let text = format!(
                    "let {} = {}",
                    l.name.node,
                    self.expr_text(&l.value, 4 + l.name.node.len())
                );
                self.leaf(l.span, &text);
            }
            Item::Rule(r) => self.rule(r),
            Item::Group(g) => self.group(g),
            Item::Label(l) => self.label(l),
            Item::LabelJoin(j) => {
                let parts: Vec<&str> = j
                    .parts
                    .iter()
                    .map(|p| match p {
                        JoinPart::Label(name) => name.node.as_str(),
                        JoinPart::Text(text) => self.snippet(text.span),
                    })
                    .collect();
                let text = format!("label {} = {}", j.name.node, parts.join(" + "));
                self.leaf(j.span, &text);
            }
            Item::Include(i) => {
                let text = format!("include {}", self.snippet(i.path.span));
                self.leaf(i.span, &text);
            }
            Item::Test(t) => self.test_block(t),
            Item::Limits(l) => {
                let mut text = "score".to_string();
                for (word, n) in [("max", &l.max), ("min", &l.min)] {
                    if let Some(n) = n {
                        text += &format!(" {word} {}", self.snippet(n.span));
                    }
                }
                self.leaf(l.span, &text);
            }
            Item::Account(a) => self.account(a),
        }
    }

    /// `account by KEY { items }`, the items printed as at the top level.
    fn account(&mut self, a: &AccountBlock) {
        let key: Vec<&str> = a.key.iter().map(|k| self.snippet(k.span)).collect();
        let head = format!("account by {}", key.join("."));
        let body_start = self.brace_after(a.key[a.key.len() - 1].span);
        self.open_block(a.span, body_start, &head);
        for item in &a.items {
            self.item(item);
        }
        self.close_block(a.span);
    }

    /// Prints one line for a leaf item: comments before and inside it go
    /// above it, a comment after it on the same source line stays there.
    fn leaf(&mut self, span: Span, text: &str) {
        self.comments_before(span.end);
        self.blank_line_before(span.start);
        self.line(text);
        self.last_end = span.end;
        self.trailing_comment();
    }

    /// Prints `text` at the current indent (each of its lines, if several).
    fn line(&mut self, text: &str) {
        for l in text.lines() {
            if !l.is_empty() {
                self.out.push_str(&INDENT.repeat(self.indent));
            }
            self.out.push_str(l);
            self.out.push('\n');
        }
    }

    /// Emits every comment that starts before `before`, each on its own line.
    fn comments_before(&mut self, before: u32) {
        self.skip_used();
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.span.start >= before {
                break;
            }
            let (span, text) = (c.span, c.node.clone());
            self.blank_line_before(span.start);
            self.line(&text);
            self.last_end = self.last_end.max(span.end);
            self.next_comment += 1;
            self.skip_used();
        }
    }

    /// Steps over comments already written inside an expression.
    fn skip_used(&mut self) {
        let used = self.used.borrow();
        while let Some(c) = self.comments.get(self.next_comment) {
            if !used.contains(&c.span.start) {
                break;
            }
            self.last_end = self.last_end.max(c.span.end);
            self.next_comment += 1;
        }
    }

    /// A comment that follows `last_end` on the same source line.
    fn trailing_comment(&mut self) {
        self.skip_used();
        let Some(c) = self.comments.get(self.next_comment) else {
            return;
        };
        if c.span.start < self.last_end {
            return;
        }
        let between = &self.src[self.last_end as usize..c.span.start as usize];
        if between.contains('\n') {
            return;
        }
        let line = self.out.matches('\n').count() - 1;
        self.trailing.push((line, c.node.clone()));
        self.last_end = c.span.end;
        self.next_comment += 1;
    }

    /// One blank line if the source had any between the last thing printed
    /// and `start`. Only a line with nothing on it counts: a comment from
    /// inside an item, moved above it, gets no blank line for the code
    /// lines it was lifted over.
    fn blank_line_before(&mut self, start: u32) {
        let at_block_start = self.out.is_empty() || self.out.ends_with("{\n");
        if start < self.last_end {
            return; // comments from inside the item were already printed above it
        }
        let gap = &self.src[self.last_end as usize..start as usize];
        if !at_block_start && has_blank_line(gap) {
            self.out.push('\n');
        }
    }

    fn snippet(&self, span: Span) -> &str {
        &self.src[span.range()]
    }

    fn expr_text(&self, e: &Expr, used: usize) -> String {
        expr::Expr::layout(self.src, &self.comments, &self.used)
            .print(e, WIDTH.saturating_sub(used + INDENT.len() * self.indent))
    }

    fn rule(&mut self, r: &Rule) {
        let text = self.rule_text(r);
        self.leaf(r.span, &text);
    }

    fn rule_text(&self, r: &Rule) -> String {
        let points = self.expr_text(&r.points, 0);
        let mut tail = format!(" {}", rule_action(self.src, r, &points));
        if let Some(l) = &r.label {
            tail += &format!(" as {}", self.snippet(l.span));
        }
        match &r.when {
            Some(c) => format!("when {}{tail}", self.expr_text(c, 5 + tail.len())),
            None => tail.trim_start().to_string(),
        }
    }

    fn group(&mut self, g: &Group) {
        let mut head = format!("group {}", g.name.node);
        if let Some(n) = &g.max {
            head += &format!(" max {}", self.snippet(n.span));
        }
        if let Some(n) = &g.min {
            head += &format!(" min {}", self.snippet(n.span));
        }
        let body_start = self.brace_after(g.name.span);
        self.open_block(g.span, body_start, &head);
        for r in &g.rules {
            self.rule(r);
        }
        self.close_block(g.span);
    }

    fn label(&mut self, l: &LabelBlock) {
        let head = format!("label {}", l.name.node);
        let body_start = self.brace_after(l.name.span);
        self.open_block(l.span, body_start, &head);
        for arm in &l.arms {
            let value = self.snippet(arm.value.span).to_string();
            let text = match &arm.when {
                Some(c) => format!("{value} when {}", self.expr_text(c, value.len() + 6)),
                None => format!("{value} otherwise"),
            };
            self.leaf(arm.span, &text);
        }
        self.close_block(l.span);
    }

    fn schema(&mut self, s: &Schema) {
        let body_start = self.brace_after(Span {
            end: s.span.start,
            ..s.span
        });
        self.open_block(s.span, body_start, "schema");
        for f in &s.fields {
            let text = field_text(self.src, f);
            self.leaf(f.span, &text);
        }
        self.close_block(s.span);
    }

    /// The offset just past the `{` that opens a block after `after`.
    fn brace_after(&self, after: Span) -> u32 {
        let from = after.end as usize;
        let rel = self.src[from..].find('{').unwrap_or(0);
        (from + rel + 1) as u32
    }

    fn open_block(&mut self, span: Span, body_start: u32, head: &str) {
        self.comments_before(span.start);
        self.blank_line_before(span.start);
        self.line(&format!("{head} {{"));
        self.last_end = body_start;
        self.trailing_comment();
        self.indent += 1;
    }

    fn close_block(&mut self, span: Span) {
        self.comments_before(span.end - 1);
        self.indent -= 1;
        self.line("}");
        self.last_end = span.end;
        self.trailing_comment();
    }
}

/// `name: type [from "a", "b"]`, names and sources as written.
fn field_text(src: &str, f: &FieldDecl) -> String {
    let mut text = format!("{}: {}", &src[f.name.span.range()], type_text(src, &f.ty));
    let sources: Vec<&str> = f.sources.iter().map(|s| &src[s.span.range()]).collect();
    if !sources.is_empty() {
        text = format!("{text} from {}", sources.join(", "));
    }
    text
}

/// Whether `gap` (source between two printed things) holds a line with
/// nothing but blanks on it.
fn has_blank_line(gap: &str) -> bool {
    let lines: Vec<&str> = gap.split('\n').collect();
    lines.len() > 2
        && lines[1..lines.len() - 1]
            .iter()
            .any(|l| l.trim().is_empty())
}

fn type_text(src: &str, t: &TypeExpr) -> String {
    let base = match &t.kind {
        TypeExprKind::String => "string".to_string(),
        TypeExprKind::Int => "int".to_string(),
        TypeExprKind::Number => "number".to_string(),
        TypeExprKind::Bool => "bool".to_string(),
        TypeExprKind::Datetime {
            formats,
            zone: None,
        } if formats.is_empty() => "datetime".to_string(),
        TypeExprKind::Datetime { formats, zone } => {
            let mut texts: Vec<String> = formats
                .iter()
                .map(|f| src[f.span.range()].to_string())
                .collect();
            texts.extend(
                zone.iter()
                    .map(|z| format!("zone: {}", &src[z.span.range()])),
            );
            format!("datetime({})", texts.join(", "))
        }
        TypeExprKind::List(e) => format!("list<{}>", type_text(src, e)),
        TypeExprKind::Record(fields) => {
            let fields: Vec<String> = fields.iter().map(|f| field_text(src, f)).collect();
            format!("{{ {} }}", fields.join(", "))
        }
        TypeExprKind::Unknown(name) => name.clone(),
    };
    if t.optional {
        base + "?"
    } else {
        base
    }
}

#[cfg(test)]
mod tests;

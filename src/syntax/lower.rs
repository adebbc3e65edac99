//! pest pairs → AST. Runs on one item at a time; a problem found here (a bad
//! escape, a number out of range, an expression nested too deeply) drops
//! that item with an error.

use super::ast::*;
use super::error::{Limit, SyntaxError, SyntaxErrorKind, MAX_LIST_ITEMS};
use pest::iterators::Pair;

mod expr;

/// The pest parser generated from the grammar.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/leadscore.pest"]
pub struct Grammar;

/// How deep an expression tree may be (long `+` chains count one level per operator).
pub const MAX_EXPR_DEPTH: u32 = 256;

type Result<T> = std::result::Result<T, SyntaxError>;

/// Lowers pairs of one item, whose text starts at byte `offset` of the file.
pub struct Lower {
    /// The file the item is in.
    pub file: FileId,
    /// Byte offset of the parsed text in the file.
    pub offset: usize,
}

impl Lower {
    /// The pair's span, less the white space pest keeps at the end of a sequence.
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let start = self.offset + pair.as_span().start();
        Span::new(self.file, start, start + pair.as_str().trim_end().len())
    }

    fn err(&self, pair: &Pair<Rule>, kind: SyntaxErrorKind) -> SyntaxError {
        SyntaxError {
            span: self.span(pair),
            kind,
        }
    }

    fn ident(&self, pair: Pair<Rule>) -> Ident {
        Spanned {
            span: self.span(&pair),
            node: pair.as_str().to_string(),
        }
    }

    /// Lowers a `chunk` pair into its item.
    pub fn chunk(&self, chunk: Pair<Rule>) -> Result<Item> {
        let item = chunk.into_inner().find(|p| p.as_rule() != Rule::EOI);
        let item = item.expect("the grammar makes a chunk hold one item");
        self.item(item)
    }

    fn item(&self, pair: Pair<Rule>) -> Result<Item> {
        Ok(match pair.as_rule() {
            Rule::schema => Item::Schema(self.schema(pair)?),
            Rule::let_item => Item::Let(self.let_item(pair)?),
            Rule::group => Item::Group(self.group(pair)?),
            Rule::label_block => Item::Label(self.label_block(pair)?),
            Rule::label_join => Item::LabelJoin(self.label_join(pair)?),
            Rule::include => Item::Include(self.include(pair)?),
            Rule::test_block => Item::Test(self.test_block(pair)?),
            Rule::score_limits => Item::Limits(self.limits(pair)?),
            Rule::account_block => Item::Account(self.account(pair)?),
            Rule::rule => Item::Rule(self.rule(pair)?),
            r => unreachable!("not an item: {r:?}"),
        })
    }

    fn schema(&self, pair: Pair<Rule>) -> Result<Schema> {
        let span = self.span(&pair);
        let record = pair.into_inner().nth(1).expect("schema has a record");
        Ok(Schema {
            fields: self.fields(record)?,
            span,
        })
    }

    fn fields(&self, record: Pair<Rule>) -> Result<Vec<FieldDecl>> {
        record.into_inner().map(|f| self.field_decl(f)).collect()
    }

    fn field_decl(&self, pair: Pair<Rule>) -> Result<FieldDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.name(inner.next().expect("field name"))?;
        let ty = self.type_expr(inner.next().expect("field type"))?;
        let sources = match inner.next() {
            Some(from) => from
                .into_inner()
                .filter(|p| p.as_rule() == Rule::string)
                .map(|p| self.string(p))
                .collect::<Result<_>>()?,
            None => Vec::new(),
        };
        Ok(FieldDecl {
            name,
            ty,
            sources,
            span,
        })
    }

    /// A field name, bare or quoted (`"Job Title"`).
    fn name(&self, pair: Pair<Rule>) -> Result<Ident> {
        match pair.as_rule() {
            Rule::string => self.string(pair),
            _ => Ok(self.ident(pair)),
        }
    }

    fn type_expr(&self, pair: Pair<Rule>) -> Result<TypeExpr> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let ty = inner.next().expect("a type");
        let optional = inner.next().is_some();
        let kind = match ty.as_rule() {
            Rule::list_type => {
                let elem = ty.into_inner().next().expect("list element type");
                TypeExprKind::List(Box::new(self.type_expr(elem)?))
            }
            Rule::record_type => TypeExprKind::Record(self.fields(ty)?),
            Rule::datetime_type => self.datetime_type(ty)?,
            _ => match ty.as_str() {
                "string" => TypeExprKind::String,
                "int" => TypeExprKind::Int,
                "number" => TypeExprKind::Number,
                "bool" => TypeExprKind::Bool,
                "datetime" => TypeExprKind::Datetime {
                    formats: Vec::new(),
                    zone: None,
                },
                other => TypeExprKind::Unknown(other.to_string()),
            },
        };
        Ok(TypeExpr {
            kind,
            optional,
            span,
        })
    }

    /// `datetime("fmt", ..., zone: "Europe/Berlin")`.
    fn datetime_type(&self, pair: Pair<Rule>) -> Result<TypeExprKind> {
        let (mut formats, mut zone) = (Vec::new(), None);
        for arg in pair.into_inner() {
            match arg.as_rule() {
                Rule::datetime_zone => {
                    zone = Some(self.string(arg.into_inner().next().expect("zone name"))?)
                }
                _ => formats.push(self.string(arg)?),
            }
        }
        Ok(TypeExprKind::Datetime { formats, zone })
    }

    fn let_item(&self, pair: Pair<Rule>) -> Result<Let> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().skip(1);
        let name = self.ident(inner.next().expect("let name"));
        let value = self.expr(inner.next().expect("let value"))?;
        Ok(Let { name, value, span })
    }

    fn include(&self, pair: Pair<Rule>) -> Result<Include> {
        let span = self.span(&pair);
        let path = self.string(pair.into_inner().nth(1).expect("include path"))?;
        Ok(Include { path, span })
    }

    fn rule(&self, pair: Pair<Rule>) -> Result<Rule_> {
        let span = self.span(&pair);
        let mut rule = Rule_ {
            when: None,
            sign: Sign::Add,
            points: Expr {
                kind: ExprKind::Number(0.0),
                span,
            },
            up_to: None,
            label: None,
            span,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::when => rule.when = Some(self.when(part)?),
                Rule::sign => rule.sign = sign(&part),
                Rule::expr => rule.points = self.expr(part)?,
                Rule::up_to => rule.up_to = Some(self.number_of(part)?),
                Rule::as_label => rule.label = Some(self.string(last(part))?),
                r => unreachable!("not part of a rule: {r:?}"),
            }
        }
        Ok(rule)
    }

    fn when(&self, pair: Pair<Rule>) -> Result<Expr> {
        self.expr(last(pair))
    }

    fn number_of(&self, pair: Pair<Rule>) -> Result<Spanned<f64>> {
        let n = last(pair);
        Ok(Spanned {
            span: self.span(&n),
            node: self.number(&n)?,
        })
    }

    fn group(&self, pair: Pair<Rule>) -> Result<Group> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().skip(1);
        let name = self.ident(inner.next().expect("group name"));
        let mut group = Group {
            name,
            max: None,
            min: None,
            rules: Vec::new(),
            span,
        };
        for part in inner {
            match part.as_rule() {
                Rule::group_bound => self.bound(part, &mut group.max, &mut group.min)?,
                Rule::rule => group.rules.push(self.rule(part)?),
                r => unreachable!("not part of a group: {r:?}"),
            }
        }
        Ok(group)
    }

    /// `account by PATH { items }`.
    fn account(&self, pair: Pair<Rule>) -> Result<AccountBlock> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().skip(2);
        let path = inner.next().expect("account key");
        let key = path
            .into_inner()
            .map(|p| self.name(p))
            .collect::<Result<_>>()?;
        let items = inner.map(|p| self.item(p)).collect::<Result<_>>()?;
        Ok(AccountBlock { key, items, span })
    }

    /// `score max N min N`.
    fn limits(&self, pair: Pair<Rule>) -> Result<Limits> {
        let span = self.span(&pair);
        let (mut max, mut min) = (None, None);
        for part in pair.into_inner().skip(1) {
            self.bound(part, &mut max, &mut min)?;
        }
        Ok(Limits { max, min, span })
    }

    /// `max N` or `min N` into its place (a repeated bound: the last wins).
    fn bound(
        &self,
        pair: Pair<Rule>,
        max: &mut Option<Spanned<f64>>,
        min: &mut Option<Spanned<f64>>,
    ) -> Result<()> {
        let is_max = pair.clone().into_inner().next().map(|p| p.as_rule()) == Some(Rule::kw_max);
        let n = self.number_of(pair)?;
        if is_max {
            *max = Some(n);
        } else {
            *min = Some(n);
        }
        Ok(())
    }

    fn label_block(&self, pair: Pair<Rule>) -> Result<LabelBlock> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().skip(1);
        let name = self.ident(inner.next().expect("label name"));
        let arms = inner.map(|arm| self.arm(arm)).collect::<Result<_>>()?;
        Ok(LabelBlock { name, arms, span })
    }

    fn label_join(&self, pair: Pair<Rule>) -> Result<LabelJoin> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().skip(1);
        let name = self.ident(inner.next().expect("label name"));
        let parts = inner
            .map(|p| match p.as_rule() {
                Rule::string => Ok(JoinPart::Text(self.string(p)?)),
                _ => Ok(JoinPart::Label(self.ident(p))),
            })
            .collect::<Result<_>>()?;
        Ok(LabelJoin { name, parts, span })
    }

    fn arm(&self, pair: Pair<Rule>) -> Result<LabelArm> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let value = inner
            .next()
            .expect("arm value")
            .into_inner()
            .next()
            .expect("value");
        let value = match value.as_rule() {
            Rule::string => self.string(value)?,
            _ => self.ident(value),
        };
        let cond = inner.next().expect("arm condition");
        let when = match cond.as_rule() {
            Rule::when => Some(self.when(cond)?),
            _ => None,
        };
        Ok(LabelArm { value, when, span })
    }

    fn test_block(&self, pair: Pair<Rule>) -> Result<TestBlock> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().skip(1);
        let name = self.string(inner.next().expect("test name"))?;
        let entries = inner.map(|e| self.test_entry(e)).collect::<Result<_>>()?;
        Ok(TestBlock {
            name,
            entries,
            span,
        })
    }

    fn test_entry(&self, pair: Pair<Rule>) -> Result<TestEntry> {
        let span = self.span(&pair);
        Ok(match pair.as_rule() {
            Rule::as_of => {
                let time = last(pair);
                TestEntry::AsOf(Spanned {
                    span: self.span(&time),
                    node: time.as_str().to_string(),
                })
            }
            Rule::lead_entry => {
                let source = last(pair);
                let kind = match source.as_rule() {
                    Rule::string => LeadKind::File(self.string(source)?),
                    _ => LeadKind::Inline(self.json(source)?),
                };
                TestEntry::Lead(LeadSource { kind, span })
            }
            _ => {
                let account = pair
                    .clone()
                    .into_inner()
                    .any(|p| p.as_rule() == Rule::account_kw);
                let mut e = self.expectation(last(pair))?;
                e.account = account;
                TestEntry::Expect(e)
            }
        })
    }

    fn json(&self, pair: Pair<Rule>) -> Result<Json> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::json_value => return self.json(last(pair)),
            Rule::json_object => JsonKind::Object(
                pair.into_inner()
                    .map(|m| self.json_member(m))
                    .collect::<Result<_>>()?,
            ),
            Rule::json_array => JsonKind::Array(
                pair.into_inner()
                    .map(|v| self.json(v))
                    .collect::<Result<_>>()?,
            ),
            Rule::string => JsonKind::String(self.string(pair)?.node),
            Rule::json_number => JsonKind::Number(pair.as_str().to_string()),
            Rule::kw_true => JsonKind::Bool(true),
            Rule::kw_false => JsonKind::Bool(false),
            _ => JsonKind::Null,
        };
        Ok(Json { kind, span })
    }

    fn json_member(&self, pair: Pair<Rule>) -> Result<JsonMember> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let key = inner.next().expect("member key");
        let key = match key.as_rule() {
            Rule::string => self.string(key)?,
            _ => self.ident(key),
        };
        let value = self.json(inner.next().expect("member value"))?;
        Ok(JsonMember { key, value, span })
    }

    fn expectation(&self, pair: Pair<Rule>) -> Result<Expectation> {
        let span = self.span(&pair);
        let form = pair.as_rule();
        let parts: Vec<Pair<Rule>> = pair.into_inner().collect();
        let has = |r: Rule| parts.iter().any(|p| p.as_rule() == r);
        let kind = match form {
            Rule::expect_fired => ExpectKind::Fired {
                fired: !has(Rule::not_op),
                rule: self.string(parts.last().expect("rule label").clone())?,
            },
            Rule::expect_presence => ExpectKind::Presence {
                target: self.ident(parts[0].clone()),
                present: has(Rule::kw_present) != has(Rule::not_op),
            },
            Rule::expect_between => ExpectKind::Between {
                target: self.ident(parts[0].clone()),
                low: self.spanned_number(&parts[2])?,
                high: self.spanned_number(&parts[4])?,
            },
            _ => ExpectKind::Compare {
                target: self.ident(parts[0].clone()),
                op: cmp_op(parts[1].as_str()),
                value: self.expect_value(parts[2].clone())?,
            },
        };
        Ok(Expectation {
            kind,
            account: false,
            span,
        })
    }

    fn spanned_number(&self, pair: &Pair<Rule>) -> Result<Spanned<f64>> {
        Ok(Spanned {
            span: self.span(pair),
            node: self.number(pair)?,
        })
    }

    fn expect_value(&self, pair: Pair<Rule>) -> Result<ExpectValue> {
        let span = self.span(&pair);
        let value = last(pair);
        let kind = match value.as_rule() {
            Rule::list_number => ExpectValueKind::Number(self.number(&last(value))?),
            Rule::string => ExpectValueKind::Text(self.string(value)?.node),
            _ => ExpectValueKind::Text(value.as_str().to_string()),
        };
        Ok(ExpectValue { kind, span })
    }

    fn string(&self, pair: Pair<Rule>) -> Result<Spanned<String>> {
        let span = self.span(&pair);
        let body = pair.clone().into_inner().next().expect("string body");
        let mut out = String::with_capacity(body.as_str().len());
        let mut chars = body.as_str().char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                other => {
                    let len = 1 + other.map_or(0, |(_, c)| c.len_utf8());
                    let start = self.span(&body).start as usize + i;
                    let escape = body.as_str()[i..i + len].to_string();
                    return Err(SyntaxError {
                        span: Span::new(self.file, start, start + len),
                        kind: SyntaxErrorKind::BadEscape { escape },
                    });
                }
            }
        }
        Ok(Spanned { node: out, span })
    }

    /// A date or time literal, checked strictly.
    fn datetime(&self, pair: &Pair<Rule>) -> Result<String> {
        let text = pair.as_str().to_string();
        match crate::datetime::parse(&text) {
            Ok(_) => Ok(text),
            Err(why) => Err(self.err(pair, SyntaxErrorKind::BadDatetime { text, why })),
        }
    }

    fn number(&self, pair: &Pair<Rule>) -> Result<f64> {
        let digits = pair.as_str().trim_start_matches('-');
        if digits.len() > 1 && digits.starts_with('0') && digits.as_bytes()[1].is_ascii_digit() {
            return Err(self.leading_zero(pair));
        }
        let text = pair.as_str().replace('_', "");
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(n),
            _ => Err(self.err(
                pair,
                SyntaxErrorKind::BadNumber {
                    text: pair.as_str().to_string(),
                },
            )),
        }
    }

    /// `02134`; or, right after `1,` in a list, the `000` of `1,000`.
    fn leading_zero(&self, pair: &Pair<Rule>) -> SyntaxError {
        let input = pair.get_input();
        let start = pair.as_span().start();
        let before = input[..start].trim_end_matches(|c: char| c.is_ascii_digit() || c == ',');
        let thousands = input[..start].ends_with(',')
            && input[before.len()..start].starts_with(|c: char| c.is_ascii_digit());
        if !thousands {
            let text = pair.as_str().to_string();
            return self.err(pair, SyntaxErrorKind::LeadingZero { text });
        }
        let end = pair.as_span().end();
        let from = self.offset + before.len();
        SyntaxError {
            span: Span::new(self.file, from, self.offset + end),
            kind: SyntaxErrorKind::ThousandsInList {
                text: input[before.len()..end].to_string(),
            },
        }
    }

    fn primary(&self, pair: Pair<Rule>) -> Result<Expr> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::number | Rule::signed_number => ExprKind::Number(self.number(&pair)?),
            Rule::list_number | Rule::list_datetime => return self.primary(last(pair)),
            Rule::datetime => ExprKind::Datetime(self.datetime(&pair)?),
            Rule::string => ExprKind::String(self.string(pair)?.node),
            Rule::word => ExprKind::String(pair.as_str().to_string()),
            Rule::kw_true => ExprKind::Bool(true),
            Rule::kw_false => ExprKind::Bool(false),
            Rule::duration => self.duration(pair)?,
            Rule::regex => self.regex(pair),
            Rule::list if pair.clone().into_inner().count() > MAX_LIST_ITEMS => {
                let kind = SyntaxErrorKind::TooLarge {
                    what: Limit::ListItems,
                    limit: MAX_LIST_ITEMS,
                };
                return Err(SyntaxError { span, kind });
            }
            Rule::list => ExprKind::List(
                pair.into_inner()
                    .map(|p| self.primary(p))
                    .collect::<Result<_>>()?,
            ),
            Rule::call => self.call(pair)?,
            Rule::freq_cap => self.cap(pair)?,
            Rule::decay => self.decay(pair)?,
            Rule::distinct => {
                let mut inner = pair.into_inner().skip(1);
                let value = Box::new(self.expr(inner.next().expect("value"))?);
                let of = match inner.nth(1) {
                    Some(c) => Some(Box::new(self.expr(c)?)),
                    None => None,
                };
                ExprKind::Distinct(value, of)
            }
            Rule::path => ExprKind::Path(
                pair.into_inner()
                    .map(|p| self.name(p))
                    .collect::<Result<_>>()?,
            ),
            r => unreachable!("not a primary: {r:?}"),
        };
        Ok(Expr { kind, span })
    }

    fn duration(&self, pair: Pair<Rule>) -> Result<ExprKind> {
        let mut inner = pair.into_inner();
        let amount = self.number(&inner.next().expect("amount"))?;
        let unit = self.unit(inner.next().expect("unit").as_str());
        Ok(ExprKind::Duration { amount, unit })
    }

    fn unit(&self, word: &str) -> DurationUnit {
        match word.trim_end_matches('s') {
            "hour" => DurationUnit::Hours,
            "day" => DurationUnit::Days,
            "week" => DurationUnit::Weeks,
            "month" => DurationUnit::Months,
            "year" => DurationUnit::Years,
            other => unreachable!("the grammar's `unit` rule allows no unit {other:?}"),
        }
    }

    fn regex(&self, pair: Pair<Rule>) -> ExprKind {
        let mut inner = pair.into_inner();
        let body = inner.next().expect("regex body");
        let flags = inner
            .next()
            .map_or(String::new(), |f| f.as_str().to_string());
        ExprKind::Regex {
            pattern: body.as_str().replace("\\/", "/"),
            flags,
            pattern_span: self.span(&body),
        }
    }

    /// `decay(t, half_life: D)`, `decay(t, lifespan: D)`, `decay(t, P% per D)`.
    fn decay(&self, pair: Pair<Rule>) -> Result<ExprKind> {
        let mut inner = pair.into_inner();
        let at = Box::new(self.expr(inner.next().expect("decay time"))?);
        let rate = inner.next().expect("decay rate");
        let mut parts = rate.clone().into_inner();
        let rate = match rate.as_rule() {
            Rule::decay_span => {
                let kind = parts.next().expect("decay kind");
                let length = Box::new(self.primary(parts.next().expect("length"))?);
                match kind.as_str() {
                    "half_life" => DecayRate::HalfLife(length),
                    _ => DecayRate::Lifespan(length),
                }
            }
            _ => {
                let n = parts.next().expect("percent");
                let percent = Spanned {
                    span: self.span(&n),
                    node: self.number(&n)?,
                };
                let period = parts.nth(1).expect("period");
                let span = self.span(&period);
                let period = match period.as_rule() {
                    Rule::unit => Expr {
                        kind: ExprKind::Duration {
                            amount: 1.0,
                            unit: self.unit(period.as_str()),
                        },
                        span,
                    },
                    _ => self.primary(period)?,
                };
                DecayRate::Step {
                    percent,
                    period: Box::new(period),
                }
            }
        };
        Ok(ExprKind::Decay(at, rate))
    }

    /// `at most N per PERIOD [of FIELD]`.
    fn cap(&self, pair: Pair<Rule>) -> Result<ExprKind> {
        let mut inner = pair.into_inner().skip(2);
        let n = inner.next().expect("cap count");
        let most = Spanned {
            span: self.span(&n),
            node: self.number(&n)?,
        };
        let per = self.ident(inner.nth(1).expect("cap period"));
        let of = match inner.nth(1) {
            Some(p) => Some(Box::new(self.primary(p)?)),
            None => None,
        };
        Ok(ExprKind::Cap(Cap { most, per, of }))
    }

    fn call(&self, pair: Pair<Rule>) -> Result<ExprKind> {
        let mut inner = pair.into_inner();
        let name = self.ident(inner.next().expect("function name"));
        let args = inner.map(|a| self.expr(a)).collect::<Result<_>>()?;
        Ok(ExprKind::Call(name, args))
    }
}

/// The AST's `Rule` (renamed here, where pest's `Rule` enum is in scope).
type Rule_ = super::ast::Rule;

fn last(pair: Pair<Rule>) -> Pair<Rule> {
    pair.into_inner().last().expect("a last inner pair")
}

fn sign(pair: &Pair<Rule>) -> Sign {
    match pair.as_str() {
        "add" => Sign::Add,
        "subtract" => Sign::Subtract,
        other => unreachable!("the grammar's `sign` rule allows no sign {other:?}"),
    }
}

fn cmp_op(op: &str) -> CmpOp {
    match op {
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::Ge,
        other => unreachable!("the grammar's `cmp_op` rule allows no operator {other:?}"),
    }
}

fn str_test(words: &[Pair<Rule>], value: Box<Expr>, needle: Box<Expr>) -> ExprKind {
    let op = match words[0].as_str().split_whitespace().next() {
        Some("contains") => StrOp::Contains,
        Some("starts") => StrOp::StartsWith,
        Some("ends") => StrOp::EndsWith,
        other => unreachable!("the grammar's `str_op` rule allows no test {other:?}"),
    };
    let any = words.iter().any(|w| w.as_rule() == Rule::any_kw);
    ExprKind::StrTest {
        op,
        any,
        value,
        needle,
    }
}

fn is_test(words: &[Pair<Rule>], value: Box<Expr>) -> ExprKind {
    let negated = words.iter().any(|w| w.as_rule() == Rule::not_op);
    let present = words.iter().any(|w| w.as_rule() == Rule::kw_present);
    ExprKind::IsPresent(value, present != negated)
}

//! Without a schema every name is a field, so two slips check clean and
//! score wrong: a word meant as text (`title contains VP` reads a field
//! `VP` that no lead has) and a misspelt field (`titel`). Every inferred
//! field read is remembered here with its place; after the walk:
//!
//! - a bare name that stands only on the value side of comparisons, and
//!   that no rule reads anywhere else, is an error asking for quotes;
//! - a field read once whose name is a typo away from another field of the
//!   same record is a warning with "did you mean".

use super::error::Problem;
use super::lints::Lint;
use super::suggest::did_you_mean;
use super::Checker;
use crate::syntax::ast::Span;
use std::collections::HashMap;

/// Names shorter than this are not taken for typos: too many short names
/// (`a`, `b`, `id`, `ip`) are a letter apart.
const MIN_TYPO_LEN: usize = 4;

/// At most this many look-alike candidates are compared with one field.
const MAX_SIBLINGS: usize = 64;

/// One read of an inferred field.
#[derive(Clone, Debug)]
pub(super) struct FieldUse {
    /// Where the field lives in the inferred lead type.
    pub loc: Vec<String>,
    /// The name as written.
    pub span: Span,
    /// A bare name (one word, not `lead.x`) on the value side of a comparison.
    pub value_side: bool,
}

/// The reads of one field, in source order.
struct Field<'u> {
    loc: &'u [String],
    uses: Vec<&'u FieldUse>,
}

impl<'u> Field<'u> {
    /// Every read is a bare word on the value side of a comparison.
    fn only_values(&self) -> bool {
        self.uses.iter().all(|u| u.value_side)
    }

    fn name(&self) -> &'u str {
        self.loc.last().map_or("", String::as_str)
    }

    fn parent(&self) -> &'u [String] {
        &self.loc[..self.loc.len().saturating_sub(1)]
    }

    fn first(&self) -> (u32, u32) {
        let s = self.uses[0].span;
        (s.file.0, s.start)
    }
}

impl Checker<'_> {
    /// Reports bare words meant as text (errors) and fields that look
    /// misspelt (`field_typo` lints), from the reads of the walk.
    pub(super) fn field_uses(&mut self) {
        let uses = std::mem::take(&mut self.uses);
        let fields = group(&uses);
        for f in fields.iter().filter(|f| f.only_values()) {
            for u in &f.uses {
                self.report(Problem::BareWord {
                    span: u.span,
                    word: f.name().to_string(),
                    schema: false,
                });
            }
        }
        let real: Vec<&Field> = fields.iter().filter(|f| !f.only_values()).collect();
        let candidates = real
            .iter()
            .filter(|f| f.uses.len() == 1 && f.name().chars().count() >= MIN_TYPO_LEN);
        let buckets = buckets(&real);
        for f in candidates {
            let initial = f.name().chars().next().map(|c| c.to_ascii_lowercase());
            let Some(bucket) = buckets.get(&(f.parent(), initial)) else {
                continue;
            };
            if let Some(other) = look_alike(f, bucket) {
                self.lints.push(Lint::FieldTypo {
                    span: f.uses[0].span,
                    name: f.name().to_string(),
                    suggestion: other.name().to_string(),
                });
            }
        }
    }
}

/// The reads grouped by field, fields in order of their first read.
fn group(uses: &[FieldUse]) -> Vec<Field<'_>> {
    let mut index: HashMap<&[String], usize> = HashMap::new();
    let mut fields: Vec<Field> = Vec::new();
    for u in uses {
        let i = *index.entry(&u.loc).or_insert_with(|| {
            fields.push(Field {
                loc: &u.loc,
                uses: Vec::new(),
            });
            fields.len() - 1
        });
        fields[i].uses.push(u);
    }
    fields
}

/// A field `f` is probably a typo of, among `bucket` (its siblings with
/// the same first letter): its name is close, and it is read more often
/// than `f` (or as often, and first).
fn look_alike<'f, 'u>(f: &Field<'u>, bucket: &[&'f Field<'u>]) -> Option<&'f Field<'u>> {
    let siblings = bucket.iter().copied().filter(|o| o.loc != f.loc);
    let siblings: Vec<&Field> = siblings.take(MAX_SIBLINGS).collect();
    let name = did_you_mean(f.name(), siblings.iter().map(|o| o.name()))?;
    let other = siblings.into_iter().find(|o| o.name() == name)?;
    (other.uses.len() > 1 || other.first() < f.first()).then_some(other)
}

/// The fields by parent record and first letter (lower-cased): only names
/// in one bucket are compared, so the work stays small with thousands of fields.
fn buckets<'f, 'u>(fields: &[&'f Field<'u>]) -> Buckets<'f, 'u> {
    let mut out: Buckets = HashMap::new();
    for f in fields {
        let initial = f.name().chars().next().map(|c| c.to_ascii_lowercase());
        out.entry((f.parent(), initial)).or_default().push(f);
    }
    out
}

type Buckets<'f, 'u> = HashMap<(&'u [String], Option<char>), Vec<&'f Field<'u>>>;

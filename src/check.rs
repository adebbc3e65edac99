//! The checker: resolves names, checks or infers types, and builds the
//! [`crate::rules::Ruleset`]. It does no I/O and reports every problem it finds.

use crate::rules::Ruleset;
use crate::source::SourceMap;
use crate::syntax::ast::Item;

mod error;

pub use error::Problem;

/// Checks spliced items; returns the ruleset (when no error was found) and every problem.
pub fn check(sources: &SourceMap, items: &[Item]) -> (Option<Ruleset>, Vec<Problem>) {
    let _ = (sources, items);
    (None, Vec::new())
}

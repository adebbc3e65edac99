//! The checker's problems, as data. Wording lives in `diagnostics/check.rs`.

use crate::syntax::ast::Span;

/// One problem the checker found.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// A name that is not a field, `let` or function.
    UnknownName {
        /// Where it was used.
        span: Span,
        /// The name.
        name: String,
    },
}

//! Wording of syntax and include errors.

use super::{Diagnostic, ToDiagnostic};
use crate::syntax::{SyntaxError, SyntaxErrorKind};

impl ToDiagnostic for SyntaxError {
    fn to_diagnostic(&self) -> Diagnostic {
        let _ = &self.kind;
        Diagnostic::error("leadscore::syntax", "syntax error", self.span, "here")
    }
}

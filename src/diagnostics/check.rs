//! Wording of the checker's problems.

use super::{Diagnostic, ToDiagnostic};
use crate::check::Problem;

impl ToDiagnostic for Problem {
    fn to_diagnostic(&self) -> Diagnostic {
        match self {
            Problem::UnknownName { span, name } => Diagnostic::error(
                "leadscore::unknown_name",
                format!("unknown name `{name}`"),
                *span,
                "not defined",
            ),
        }
    }
}

//! The one place that turns problems into messages.
//!
//! Each phase reports problems as plain data (`syntax::SyntaxError`,
//! `check::Problem`, ...). The submodules here hold all the wording: each
//! turns one phase's data into a [`Diagnostic`], and [`render`] draws it with
//! miette: file, line and column, the source line, a label under the exact
//! span, and a help sentence.

use crate::source::SourceMap;
use crate::syntax::ast::Span;
use std::fmt;

mod check;
pub mod formats;
mod testing;
mod syntax;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth a look, but the rules still run.
    Warning,
    /// The rules cannot run.
    Error,
}

/// A rendered-ready problem: a stable code, a title, labelled spans and help.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Stable code, e.g. `leadscore::unknown_field`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// One-line summary.
    pub message: String,
    /// The primary span and its label.
    pub span: Span,
    /// The text under the primary span.
    pub label: String,
    /// Secondary spans with their labels (other files become notes).
    pub secondary: Vec<(Span, String)>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with a code, message, and labelled primary span.
    pub fn error(
        code: &'static str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            label: label.into(),
            secondary: Vec::new(),
            help: None,
        }
    }

    /// The same diagnostic as a warning.
    pub fn warning(self) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..self
        }
    }

    /// Adds a help sentence.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary labelled span.
    pub fn with_note(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push((span, label.into()));
        self
    }

    /// `true` for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Conversion of a phase's problem data into a [`Diagnostic`].
pub trait ToDiagnostic {
    /// The diagnostic for this problem.
    fn to_diagnostic(&self) -> Diagnostic;
}

/// Renders diagnostics as miette reports, one after another.
pub fn render(sources: &SourceMap, diags: &[Diagnostic], color: bool) -> String {
    let mut out = String::new();
    for (i, d) in diags.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        render_one(sources, d, color, &mut out);
    }
    out
}

fn render_one(sources: &SourceMap, d: &Diagnostic, color: bool, out: &mut String) {
    use miette::{GraphicalReportHandler, GraphicalTheme};
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let report = Report::new(sources, d);
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    // Writing into a String cannot fail.
    let _ = handler.render_report(out, &report);
}

/// A [`Diagnostic`] with its file attached, in the shape miette draws.
struct Report {
    diag: Diagnostic,
    source: miette::NamedSource<String>,
    notes: Option<String>,
}

impl Report {
    fn new(sources: &SourceMap, d: &Diagnostic) -> Report {
        let file = sources.get(d.span.file);
        let mut diag = d.clone();
        let mut notes = Vec::new();
        diag.secondary.retain(|(span, label)| {
            if span.file == d.span.file {
                return true;
            }
            let (l, c) = sources.line_col(*span);
            notes.push(format!("{label}: {}:{l}:{c}", sources.get(span.file).name));
            false
        });
        let help = match (&diag.help, notes.is_empty()) {
            (Some(h), true) => Some(h.clone()),
            (Some(h), false) => Some(format!("{h}\n{}", notes.join("\n"))),
            (None, false) => Some(notes.join("\n")),
            (None, true) => None,
        };
        Report {
            diag,
            source: miette::NamedSource::new(file.name.clone(), file.text.clone()),
            notes: help,
        }
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diag.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.notes
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let primary = std::iter::once((self.diag.span, self.diag.label.clone(), true));
        let rest = self
            .diag
            .secondary
            .iter()
            .map(|(s, l)| (*s, l.clone(), false));
        Some(Box::new(primary.chain(rest).map(
            |(span, label, primary)| {
                let len = (span.end - span.start) as usize;
                let at = miette::SourceSpan::new((span.start as usize).into(), len);
                if primary {
                    miette::LabeledSpan::new_primary_with_span(Some(label), at)
                } else {
                    miette::LabeledSpan::new_with_span(Some(label), at)
                }
            },
        )))
    }
}

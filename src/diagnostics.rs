//! The one place that turns problems into messages.
//!
//! Each phase reports problems as plain data (`syntax::SyntaxError`,
//! `check::Problem`, ...). The submodules here hold all the wording: each
//! turns one phase's data into a [`Diagnostic`], and [`render`] draws it with
//! miette: file, line and column, the source line, a label under the exact
//! span, and a help sentence.

pub use data::data_error;

use crate::source::SourceMap;
use crate::syntax::ast::Span;
use std::fmt;

pub mod calibrate;
mod check;
pub mod cli;
mod data;
pub mod datafit;
pub mod formats;
pub mod input;
pub mod io;
pub mod output;
pub mod repl;
pub mod sql;
mod syntax;
pub mod testing;
pub mod visible;

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
    use miette::{GraphicalReportHandler, GraphicalTheme};
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let files: Vec<Indexed> = sources.files().map(|(_, f)| Indexed::new(f)).collect();
    let mut out = String::new();
    for (i, d) in diags.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let report = Report::new(sources, &files[d.span.file.0 as usize], d);
        // Writing into a String cannot fail.
        let _ = handler.render_report(&mut out, &report);
    }
    out
}

/// A file's text as shown (control and bidi characters escaped, see
/// [`visible`]) with the offset of every line start, so that miette is
/// handed only the lines around a span: rendering many diagnostics of a big
/// file stays linear instead of rescanning the file for each one.
struct Indexed<'s> {
    name: String,
    shown: visible::ShownSource<'s>,
    starts: Vec<usize>,
}

impl<'s> Indexed<'s> {
    fn new(file: &'s crate::source::SourceFile) -> Indexed<'s> {
        let shown = visible::ShownSource::new(&file.text);
        let newlines = shown.text.match_indices('\n').map(|(i, _)| i + 1);
        let starts = std::iter::once(0).chain(newlines).collect();
        Indexed {
            name: visible::visible_line(&file.name).into_owned(),
            shown,
            starts,
        }
    }

    /// Where a span of the file is in the shown text.
    fn span(&self, span: Span) -> miette::SourceSpan {
        let start = self.shown.offset(span.start as usize);
        let end = self.shown.offset(span.end as usize);
        miette::SourceSpan::new(start.into(), end - start)
    }

    /// The 0-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }
}

impl miette::SourceCode for Indexed<'_> {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        // A window with a line to spare on each side reads exactly as the
        // whole file would; only the numbers need shifting back.
        let first = self.line_of(span.offset()).saturating_sub(before + 1);
        let last = self.line_of(span.offset() + span.len()) + after + 2;
        let start = self.starts[first];
        let text = &self.shown.text;
        let end = self.starts.get(last).copied().unwrap_or(text.len());
        let window = &text[start..end];
        let inner = miette::SourceSpan::new((span.offset() - start).into(), span.len());
        let c = window.read_span(&inner, before, after)?;
        let at = miette::SourceSpan::new((c.span().offset() + start).into(), c.span().len());
        // miette counts a column in bytes of the text it is given: counted
        // over the file's own bytes, an escape earlier on the line does not
        // move it.
        let column =
            self.shown.file_offset(at.offset()) - self.shown.file_offset(at.offset() - c.column());
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            at,
            c.line() + first,
            column,
            c.line_count() + first,
        )))
    }
}

/// A [`Diagnostic`] with its file attached, in the shape miette draws.
struct Report<'s> {
    diag: Diagnostic,
    source: &'s Indexed<'s>,
    notes: Option<String>,
}

impl<'s> Report<'s> {
    fn new(sources: &SourceMap, source: &'s Indexed<'s>, d: &Diagnostic) -> Report<'s> {
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
        // Wording quotes what was written (a name, a path, a token): shown
        // as the source is.
        diag.message = visible::visible(&diag.message).into_owned();
        Report {
            diag,
            source,
            notes: help.map(|h| visible::visible(&h).into_owned()),
        }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
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
        Some(self.source)
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
                let at = self.source.span(span);
                let label = visible::visible(&label).into_owned();
                if primary {
                    miette::LabeledSpan::new_primary_with_span(Some(label), at)
                } else {
                    miette::LabeledSpan::new_with_span(Some(label), at)
                }
            },
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::FileId;
    use miette::{GraphicalReportHandler, GraphicalTheme, NamedSource};

    /// Renders `d` the plain way, with miette reading the whole file.
    fn whole_file(name: &str, text: &str, d: &Diagnostic) -> String {
        struct Plain(Diagnostic, NamedSource<String>);
        impl fmt::Debug for Plain {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0.message)
            }
        }
        impl fmt::Display for Plain {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0.message)
            }
        }
        impl std::error::Error for Plain {}
        impl miette::Diagnostic for Plain {
            fn source_code(&self) -> Option<&dyn miette::SourceCode> {
                Some(&self.1)
            }
            fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
                let s = self.0.span;
                let at =
                    miette::SourceSpan::new((s.start as usize).into(), (s.end - s.start) as usize);
                Some(Box::new(std::iter::once(
                    miette::LabeledSpan::new_primary_with_span(Some(self.0.label.clone()), at),
                )))
            }
        }
        let plain = Plain(d.clone(), NamedSource::new(name, text.to_string()));
        let mut out = String::new();
        let handler =
            GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
        handler.render_report(&mut out, &plain).unwrap();
        out
    }

    /// Renders `d` through an [`Indexed`] window.
    fn windowed(name: &str, text: &str, d: &Diagnostic) -> String {
        let mut sources = SourceMap::new();
        sources.add(name, text);
        let file = Indexed::new(sources.get(FileId(0)));
        let report = Report::new(&sources, &file, d);
        let mut out = String::new();
        let handler =
            GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
        handler.render_report(&mut out, &report).unwrap();
        out.replacen("leadscore::test\n\n", "", 1)
    }

    #[test]
    fn a_window_renders_exactly_like_the_whole_file() {
        let lines: Vec<String> = (1..=12)
            .map(|i| format!("when field_{i} > {i} add {i}"))
            .collect();
        for text in [
            lines.join("\n"),
            lines.join("\n") + "\n",
            lines.join("\r\n"),
        ] {
            let needle_starts: Vec<usize> = text.match_indices("field_").map(|(i, _)| i).collect();
            for start in needle_starts.into_iter().chain([0, text.len() - 1]) {
                let span = Span::new(FileId(0), start, (start + 7).min(text.len()));
                let d = Diagnostic::error("leadscore::test", "message", span, "label");
                assert_eq!(
                    windowed("f.rules", &text, &d),
                    whole_file("f.rules", &text, &d),
                    "span at {start}"
                );
            }
        }
    }
}

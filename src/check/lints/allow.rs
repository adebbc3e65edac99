//! `# allow(code)` comments: on an item's first line or in the comment lines
//! right above it (that item), or in the comments at the top of a file,
//! before its first item (the whole file).

use crate::source::SourceMap;
use crate::syntax::ast::Span;

/// The lines of every file, split once, so each lint's lookup costs only the
/// lines around it.
pub struct Allows<'s> {
    sources: &'s SourceMap,
    /// Per file: its lines, and the byte offset where each starts.
    files: Vec<(Vec<&'s str>, Vec<usize>)>,
}

impl<'s> Allows<'s> {
    /// Splits every file of `sources` into lines.
    pub fn new(sources: &'s SourceMap) -> Allows<'s> {
        let files = sources
            .files()
            .map(|(_, f)| {
                let text = f.text.strip_prefix('\u{feff}').unwrap_or(&f.text);
                let lines: Vec<&str> = text.lines().collect();
                let starts = std::iter::once(0)
                    .chain(f.text.match_indices('\n').map(|(i, _)| i + 1))
                    .collect();
                (lines, starts)
            })
            .collect();
        Allows { sources, files }
    }

    /// `true` when an `# allow(...)` comment silences `code` at `span`.
    pub fn allowed(&self, span: Span, code: &str) -> bool {
        let (lines, starts) = &self.files[span.file.0 as usize];
        let text = &self.sources.get(span.file).text;
        let at = starts.partition_point(|&s| s <= (span.start as usize).min(text.len())) - 1;
        let short = code.trim_start_matches("leadscore::");
        let allows = |line: &str| comment(line).is_some_and(|c| names(c).any(|n| n == short));
        let header = lines.iter().take_while(|l| is_comment_or_blank(l));
        if header.clone().any(|l| allows(l)) {
            return true;
        }
        if lines.get(at).is_some_and(|l| allows(l)) {
            return true;
        }
        lines[..at.min(lines.len())]
            .iter()
            .rev()
            .take_while(|l| l.trim_start().starts_with('#'))
            .any(|l| allows(l))
    }
}

fn is_comment_or_blank(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// The comment on a line: from the first `#` outside a string, without the `#`.
fn comment(line: &str) -> Option<&str> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(&line[i + 1..]),
            _ => {}
        }
    }
    None
}

/// The codes named by a comment that starts with `allow(`, without any `leadscore::` prefix.
fn names(comment: &str) -> impl Iterator<Item = &str> {
    let inside = comment
        .trim_start()
        .strip_prefix("allow(")
        .and_then(|rest| rest.split_once(')'))
        .map_or("", |(inside, _)| inside);
    inside
        .split(',')
        .map(|n| n.trim().trim_start_matches("leadscore::"))
        .filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_skip_strings() {
        assert_eq!(comment(r#"add 1 as "a # b" # allow(x)"#), Some(" allow(x)"));
        assert_eq!(comment(r#"add 1 as "a \" # b""#), None);
    }

    #[test]
    fn names_are_listed_with_or_without_prefix() {
        let n: Vec<_> = names(" allow(never_fires, leadscore::unused_let) because").collect();
        assert_eq!(n, ["never_fires", "unused_let"]);
        assert_eq!(names(" we allow(x)").count(), 0);
    }
}

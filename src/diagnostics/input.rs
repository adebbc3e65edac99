//! The wording of problems with lead files as a whole: command-line CSV
//! options, and a CSV header that supplies none of the fields the rules read.

use crate::datafit::Suggested;

/// `--delimiter` was not one the reader knows.
pub fn bad_delimiter(text: &str) -> String {
    format!("unknown delimiter `{text}`: use `,`, `;`, `|` or `tab`")
}

/// `--encoding` was not an encoding label.
pub fn bad_encoding(text: &str) -> String {
    format!("unknown encoding `{text}`: use a label such as utf-8, windows-1252 or latin1")
}

/// The header row has a column for none of the fields the rules read
/// (`unsupplied`, each with the closest unread column): wrong delimiter,
/// wrong file or wrong rules. The run stops before scoring.
pub fn no_column_for_any(unsupplied: &[Suggested], header: &[String]) -> String {
    let fields: Vec<&str> = unsupplied.iter().map(|f| f.name.as_str()).collect();
    let mut text = format!(
        "the header row has no column for any field the rules read ({}); the header is: {}",
        fields.join(", "),
        header.join(" | ")
    );
    let hints: Vec<String> = unsupplied
        .iter()
        .filter_map(|f| Some(format!("`{}` for {}", f.suggestion.as_ref()?, f.name)))
        .collect();
    if hints.is_empty() {
        text += "; check the delimiter (--delimiter) and the file, or bind columns to fields with `from \"Header\"` in the schema";
    } else {
        text += &format!(
            "; did you mean {}? (bind a column to a field with `from \"Header\"` in the schema)",
            hints.join(", ")
        );
    }
    text
}

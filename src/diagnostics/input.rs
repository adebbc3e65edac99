//! The wording of problems with lead files as a whole: command-line CSV
//! options, a CSV header that supplies none of the fields the rules read,
//! and spreadsheets (the sheet, and cells that give no value).

use crate::datafit::{Suggested, Unsupplied};
use crate::rules::Type;

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

/// The header row has no column for fields the schema requires, so every
/// row would be an error.
pub fn no_column_for_required(required: &[Unsupplied], header: &[String]) -> String {
    let fields: Vec<String> = required.iter().map(|u| format!("`{}`", u.field)).collect();
    let (them, it) = if required.len() == 1 {
        ("it", "the field")
    } else {
        ("them", "each field")
    };
    let mut text = format!(
        "the header row has no column for {}, which the schema requires (no `?`) and the rules read, so every row would be an error; the header is: {}",
        fields.join(", "),
        header.join(" | ")
    );
    for u in required {
        if let Some(column) = &u.suggestion {
            text += &format!("; did you mean column `{column}` for `{}`?", u.field);
        }
    }
    let first = &required[0];
    let json = match first.ty {
        Type::List(_) | Type::Record(_) => {
            format!(" (a {} is written as JSON in one cell)", first.ty)
        }
        _ => String::new(),
    };
    text += &format!(
        "; add a column `{}`{json}, bind a column to {them} with `from \"Header\"`, or make {it} optional in the schema (`{}: {}?`)",
        first.field, first.field, first.ty
    );
    text
}

/// `--sheet NAME` names no sheet of the workbook.
pub fn unknown_sheet(name: &str, sheets: &[String]) -> String {
    format!(
        "no sheet `{name}` in the workbook; {}",
        choices(name, sheets, "its sheets are")
    )
}

/// `did you mean `x`? ` (when one is close to `name`), then `LABEL: a, b, c`.
pub(super) fn choices(name: &str, names: &[String], label: &str) -> String {
    let hint = crate::check::suggest::did_you_mean(name, names.iter().map(String::as_str))
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    format!("{hint}{label}: {}", names.join(", "))
}

/// A workbook without any sheet.
pub fn no_sheets() -> String {
    "the workbook has no sheets".into()
}

/// calamine could not read the sheet.
pub fn unreadable_sheet(sheet: &str, why: &str) -> String {
    format!("cannot read sheet `{sheet}`: {why}")
}

/// The bytes are no workbook calamine reads.
pub fn not_a_spreadsheet(why: &str) -> String {
    format!("not a readable .xlsx or .ods workbook ({why})")
}

/// The chosen sheet has no cell with a value, so not even a header row.
pub fn empty_sheet(sheet: &str) -> String {
    format!("sheet `{sheet}` is empty: it has no header row")
}

/// A cell holding a spreadsheet error such as `#N/A`.
pub fn error_cell(cell: &str, error: &str) -> String {
    format!("cell {cell} holds the error {error}; fix it in the spreadsheet or clear the cell")
}

/// A text cell that does not convert to its field's type.
pub fn bad_cell(cell: &str, column: &str, expected: &str, found: &serde_json::Value) -> String {
    format!("cell {cell} (column `{column}`): expected {expected}, found {found}")
}

/// A value right of the header row's last name.
pub fn cell_without_header(cell: &str) -> String {
    format!("cell {cell} has a value, but its column has no header; name the column or clear it")
}

/// `--sheet` given for an input that is no spreadsheet.
pub fn sheet_of_no_spreadsheet(sheet: &str, input: &str) -> String {
    format!("--sheet `{sheet}` applies to .xlsx and .ods files, and {input} is not one")
}

//! The wording of problems with the output options: `--keep`, `--rename`,
//! and the format an `-o` file name implies.

use std::path::Path;

/// A `--keep`/`--rename` list with an unclosed double quote.
pub fn unclosed_quote(list: &str) -> String {
    format!("`{list}` has an unclosed double quote")
}

/// A `--keep`/`--rename` list with an empty item (`a,,b`).
pub fn empty_item(list: &str) -> String {
    format!("`{list}` has an empty name; separate names with single commas")
}

/// A `--rename` item that is not `old=new`.
pub fn rename_without_equals(item: &str) -> String {
    format!("--rename `{item}`: write old=new, e.g. score=\"Lead Score\"")
}

/// A `--rename` of a column the output does not have.
pub fn rename_unknown(old: &str, columns: &[String]) -> String {
    format!(
        "--rename `{old}`: the output has no such column; {}",
        super::input::choices(old, columns, "the columns are")
    )
}

/// Two output columns would have the same name.
pub fn column_clash(name: &str) -> String {
    format!(
        "two output columns would be named `{name}`; give one another name with --rename \
         (e.g. --rename {name}=\"{name} 2\")"
    )
}

/// `-o` names a spreadsheet, which `score` does not write.
pub fn spreadsheet_output(path: &Path) -> String {
    format!(
        "cannot write {}: scores are written as CSV, TSV or JSON Lines; \
         use a .csv file name (spreadsheets and CRM imports open it)",
        path.display()
    )
}

/// `--explain` with CSV output.
pub fn explain_needs_jsonl() -> String {
    "--explain needs JSON Lines output (--format jsonl or an -o name ending in .jsonl): \
     reasons do not fit in a CSV cell"
        .into()
}

/// `--account-columns` would add a column the lead records already have.
pub fn account_column_clash(name: &str) -> String {
    format!(
        "--account-columns: the lead records already have a column `{name}` (or the account \
         block gives it twice); give the lead column another name with --rename OLD=NEW, or \
         rename the account label (its column is `account_` and its name, or the name \
         when it starts with `account_`)"
    )
}

/// `--account-columns` could not make its temporary files.
pub fn no_spool(e: &std::io::Error) -> String {
    format!(
        "--account-columns: cannot make a temporary file for the records until the accounts \
         are scored: {e}; set TMPDIR to a folder with room"
    )
}

//! Wording of the command line's refusals and notes about files.

use std::path::Path;

/// `-o FILE` names an input (or the rules): it would be lost.
pub fn output_is_input(output: &Path, input: &Path) -> String {
    let shown = if input == Path::new("-") {
        "the standard input".to_string()
    } else {
        input.display().to_string()
    };
    format!(
        "refusing to write {}: it is the same file as {shown}, which would be lost; \
         write the output to another file",
        output.display()
    )
}

/// A `.json` input that holds JSON Lines, read as such by `score`.
pub fn read_as_json_lines(name: &str) -> String {
    format!(
        "note: {name} holds JSON Lines (one object per line), not a JSON array; read as JSON Lines"
    )
}

/// A `.json` input that holds JSON Lines, where only an array is read.
pub fn json_lines_in_json() -> String {
    "this holds JSON Lines (one object per line), not a JSON array: \
     rename it to .jsonl or pass --input-format jsonl"
        .into()
}

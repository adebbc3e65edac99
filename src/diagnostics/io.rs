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

//! The command line: the only module (with `repl`) that touches files and the terminal.

use std::process::ExitCode;

/// Runs the command line and returns the process exit status.
pub fn run() -> ExitCode {
    ExitCode::SUCCESS
}

use std::process::ExitCode;

fn main() -> ExitCode {
    leadscore::cli::run()
}

//! `leadscore completions SHELL` and `leadscore man [COMMAND]`: the command
//! line's own description (the clap definitions) as a shell completion
//! script or a roff manual page, on stdout.

use super::{Cli, Status, Stop};
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::io::{self, Write};

/// Options of `leadscore completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Options of `leadscore man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The page of one command (`score`, `check`, ...) instead of `leadscore`'s own.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// Writes the completion script for one shell.
pub fn completions(args: &CompletionsArgs) -> Result<Status, Stop> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "leadscore", &mut out);
    io::stdout().write_all(&out).map_err(Stop::write)?;
    Ok(Status::Success)
}

/// Writes the manual page of `leadscore`, or of one of its commands.
pub fn man(args: &ManArgs) -> Result<Status, Stop> {
    let mut root = Cli::command();
    root.build();
    let page = match &args.command {
        None => root,
        Some(name) => {
            let found = root.find_subcommand(name).cloned();
            let sub = found
                .ok_or_else(|| Stop::Trouble(crate::diagnostics::cli::no_such_command(name)))?;
            // clap names are `'static`; this runs once per process.
            let full: &'static str = Box::leak(format!("leadscore-{name}").into_boxed_str());
            sub.name(full)
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .map_err(Stop::write)?;
    io::stdout().write_all(&out).map_err(Stop::write)?;
    Ok(Status::Success)
}

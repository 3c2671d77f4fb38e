//! The `bitext` command: parse the arguments, run the command, report how it went.

use std::process::ExitCode;

use bitext::cli::{self, Cli};
use clap::Parser;

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(args) => cli::exit_code(cli::run(args)),
        Err(usage) => cli::usage_error(usage),
    }
}

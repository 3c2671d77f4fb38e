//! The `bitext` command: parse the arguments, run the command, report how it went.

use std::process::ExitCode;

use bitext::cli::{self, Cli};
use clap::Parser;

fn main() -> ExitCode {
    ignore_file_size_signal();
    match Cli::try_parse() {
        Ok(args) => cli::exit_code(cli::run(args)),
        Err(usage) => cli::usage_error(usage),
    }
}

/// A write past the file size limit (`ulimit -f`) would kill the process with SIGXFSZ and no
/// word; ignored, the write fails with EFBIG ("file too large"), which bitext reports as one line
/// after rolling back or removing what it was writing.
fn ignore_file_size_signal() {
    // SAFETY: setting a signal's disposition to SIG_IGN, before any other thread exists, has no
    // preconditions.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

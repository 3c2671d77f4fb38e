//! `bitext serve`: the review page on the memory, in the browser.

use std::io::Write;

use super::Context;
use crate::error::{Error, Result};
use crate::serve::{self, Config};

/// Review the memory in a web browser: the documents, each document's pairs side by side with
/// their scores, filters, similar pairs, and every correction (status, edit, note, split,
/// merge, undo) from the keyboard.
///
/// Prints the URL to open; it carries a random token, made at every start, that the page
/// sends with each request. Changes are recorded in the history like the command line's, as
/// --user (default: $USER). The JSON API the page uses is documented in the README for
/// scripts and CAT-tool plugins. Ctrl-C stops the server.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to listen on; other machines can reach the memory only if you name one of
    /// their networks here
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    host: String,
    /// The port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 8080, value_name = "PORT")]
    port: u16,
    /// Refuse every change: for showing the memory to someone who should not change it
    #[arg(long)]
    read_only: bool,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let config = Config {
        db: ctx.db.clone(),
        host: args.host,
        port: args.port,
        read_only: args.read_only,
        user: ctx.user.clone(),
    };
    serve::run(&config, |url| {
        let mode = if config.read_only { " (read-only)" } else { "" };
        ctx.out.line(&format!(
            "serving {}{mode}: open {url}",
            config.db.display()
        ))?;
        ctx.out.line("(Ctrl-C stops the server)")?;
        ctx.out.flush()?;
        std::io::stdout().flush().map_err(Error::Output)
    })
}

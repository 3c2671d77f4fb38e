//! The command line: argument definitions (their doc comments are the `--help` text) and one
//! module per command. Each command reads its arguments, calls the library and prints.
//!
//! Exit codes: 0 success; 1 bad input or a request that cannot be carried out; 2 wrong usage;
//! 3 a database that cannot be used (not bitext's, damaged, newer, locked).

mod align;
mod batch;
mod check;
mod concordance;
mod delete;
mod edit;
mod eval;
mod export;
mod history;
mod import;
mod list;
mod lookup;
mod merge;
mod r#move;
pub mod output;
mod realign;
mod report;
mod segment;
mod serve;
mod show;
mod split;
mod undo;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::error::{Error, Result};
use crate::store::Memory;
use output::{ColorChoice, Out};

/// Translation memory and sentence alignment for Arabic–English translators.
///
/// bitext splits an Arabic text and its English translation into sentences, aligns them into
/// pairs with a confidence score, and keeps the pairs in a translation memory (an SQLite file)
/// that you can list, search, correct and export.
#[derive(Debug, Parser)]
#[command(
    name = "bitext",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(after_help = "Exit codes: 0 ok, 1 bad input, 2 wrong usage, 3 unusable database.")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The translation memory file (created by align and import when missing)
    #[arg(
        long,
        global = true,
        env = "BITEXT_DB",
        default_value = "bitext.db",
        value_name = "PATH"
    )]
    pub db: PathBuf,
    /// Your name in the memory's history (default: $USER)
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,
    /// When to colour the output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Segment(segment::Args),
    Align(align::Args),
    Realign(realign::Args),
    List(list::Args),
    Show(show::Args),
    Eval(eval::Args),
    Export(export::Args),
    Import(import::Args),
    Lookup(lookup::Args),
    Concordance(concordance::Args),
    Edit(edit::Args),
    Split(split::Args),
    Merge(merge::Args),
    Move(r#move::Args),
    Delete(delete::Args),
    History(history::Args),
    Undo(undo::Args),
    Serve(serve::Args),
    Report(report::Args),
    Check(check::Args),
}

/// What every command gets besides its own arguments.
pub struct Context {
    pub db: PathBuf,
    pub user: String,
    pub out: Out,
}

impl Context {
    /// Opens the memory, creating it when missing.
    pub fn memory(&self) -> Result<Memory> {
        Memory::open(&self.db)
    }

    /// Opens the memory, which must exist.
    pub fn existing_memory(&self) -> Result<Memory> {
        Memory::open_existing(&self.db)
    }

    /// Opens the memory, which must exist, for reading only: commands that only read never
    /// create or change a file, and can read a read-only memory.
    pub fn read_memory(&self) -> Result<Memory> {
        Memory::open_read_only(&self.db)
    }

    /// Runs `write` on the memory, which is created (atomically) if missing; a failed `write`
    /// leaves no new memory behind (see [`Memory::update_or_create`]).
    pub fn update_or_create<T>(&self, write: impl FnMut(&mut Memory) -> Result<T>) -> Result<T> {
        Memory::update_or_create(&self.db, write)
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let user = cli
        .global
        .user
        .or_else(|| std::env::var("USER").ok())
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_string());
    let mut ctx = Context {
        db: cli.global.db,
        user,
        out: Out::stdout(cli.global.color),
    };
    match cli.command {
        Command::Segment(a) => segment::run(a, &mut ctx),
        Command::Align(a) => align::run(a, &mut ctx),
        Command::Realign(a) => realign::run(a, &mut ctx),
        Command::List(a) => list::run(a, &mut ctx),
        Command::Show(a) => show::run(a, &mut ctx),
        Command::Eval(a) => eval::run(a, &mut ctx),
        Command::Export(a) => export::run(a, &mut ctx),
        Command::Import(a) => import::run(a, &mut ctx),
        Command::Lookup(a) => lookup::run(a, &mut ctx),
        Command::Concordance(a) => concordance::run(a, &mut ctx),
        Command::Edit(a) => edit::run(a, &mut ctx),
        Command::Split(a) => split::run(a, &mut ctx),
        Command::Merge(a) => merge::run(a, &mut ctx),
        Command::Move(a) => r#move::run(a, &mut ctx),
        Command::Delete(a) => delete::run(a, &mut ctx),
        Command::History(a) => history::run(a, &mut ctx),
        Command::Undo(a) => undo::run(a, &mut ctx),
        Command::Serve(a) => serve::run(a, &mut ctx),
        Command::Report(a) => report::run(a, &mut ctx),
        Command::Check(a) => check::run(a, &mut ctx),
    }?;
    ctx.out.flush()
}

/// Reports the outcome of [`run`]: nothing on success, `bitext: message` on failure.
pub fn exit_code(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bitext: {}", output::one_line(&e.to_string()));
            ExitCode::from(e.exit_code())
        }
    }
}

/// Reports a command line clap could not parse: help and version go to standard output as
/// usual; a mistake becomes one line on standard error and exit code 2.
pub fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let text = e.render().to_string();
    let message: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information")
        })
        .collect();
    let message = message.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    eprintln!(
        "bitext: {} (see 'bitext --help')",
        output::one_line(message)
    );
    ExitCode::from(2)
}

/// A unit id as typed: `12`, or `#12` as `list` shows it.
pub(crate) fn parse_id(s: &str) -> std::result::Result<i64, String> {
    s.strip_prefix('#')
        .unwrap_or(s)
        .parse::<i64>()
        .ok()
        .filter(|&id| id > 0)
        .ok_or_else(|| format!("'{s}' is not a unit id (a number such as 12 or #12)"))
}

/// Parses a language code for clap, with bitext's message.
pub(crate) fn parse_lang(s: &str) -> std::result::Result<crate::Lang, String> {
    crate::Lang::parse(s).map_err(|e| e.to_string())
}

/// Parses a review status for clap.
pub(crate) fn parse_status(s: &str) -> std::result::Result<crate::store::Status, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

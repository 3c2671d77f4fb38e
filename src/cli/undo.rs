//! `bitext undo`: revert a change.

use super::Context;
use crate::error::Result;

/// Undo the last change, or a given one.
///
/// Without CHANGE_ID, reverts the latest change still in effect; run it again to revert the
/// one before. A given change can be undone when no later change touched the same units (and,
/// for a split, merge or delete, which move the units after them, when no later change of the
/// same document is in effect); otherwise bitext says which change to undo first. The undo is
/// itself recorded in the history.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The change to revert (as 'bitext history' shows it)
    #[arg(value_parser = parse_change_id, value_name = "CHANGE_ID")]
    change: Option<i64>,
    /// Print the undo, a change itself, as JSON (as 'bitext history --json' shows it)
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let mut memory = ctx.existing_memory()?;
    let change = memory.undo(args.change, &ctx.user)?;
    super::history::report(ctx, &memory, &change, args.json)
}

/// A change id as typed: `7`.
fn parse_change_id(s: &str) -> std::result::Result<i64, String> {
    s.parse::<i64>()
        .ok()
        .filter(|&id| id > 0)
        .ok_or_else(|| format!("'{s}' is not a change id (a number, as 'bitext history' shows it)"))
}

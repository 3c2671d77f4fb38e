//! `bitext delete`: remove a pair.

use super::Context;
use crate::error::Result;

/// Delete a pair from the memory (it stays in the history; 'bitext undo' brings it back).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The unit's id (as `list` shows it: 12 or #12)
    #[arg(value_parser = super::parse_id)]
    id: i64,
    /// Print the change as JSON (as 'bitext history --json' shows it)
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let mut memory = ctx.existing_memory()?;
    let change = memory.delete_unit(args.id, &ctx.user)?;
    super::history::report(ctx, &memory, &change, args.json)
}

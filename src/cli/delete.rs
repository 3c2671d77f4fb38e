//! `bitext delete`: remove pairs.

use super::Context;
use super::edit::Pairs;
use crate::error::Result;
use crate::store::Status;

/// Delete pairs from the memory: by id (12 or #12), by ranges of ids (9-14) or by a selection
/// (--document, --status, --min-score, --max-score; with ids, the named pairs that match it).
///
/// All of them go as one change: they stay in the history, and 'bitext undo' brings them back.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pairs: Pairs,
    /// Only pairs with this review status (draft, reviewed, approved, rejected); repeatable
    #[arg(long, value_parser = super::parse_status, value_name = "STATUS")]
    status: Vec<Status>,
    /// Refuse the deletion if the pair is no longer at this revision (one pair only)
    #[arg(long, value_name = "N")]
    revision: Option<i64>,
    /// Print the change as JSON (as 'bitext history --json' shows it), or null when nothing
    /// matched
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let mut memory = ctx.existing_memory()?;
    let selection = args.pairs.selection(&memory, &args.status, args.revision)?;
    let report = memory.delete_units(&selection, &ctx.user)?;
    super::edit::finish(ctx, &memory, &report, args.json, "")
}

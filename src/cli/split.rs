//! `bitext split`: one pair becomes two.

use super::Context;
use crate::error::Result;

/// Split a pair in two at sentence boundaries.
///
/// The first N source sentences and the first M target sentences of the unit stay in it; the
/// rest become a new unit right after it. Either side of either part may be empty: a 1-1 pair
/// split with --source-at 1 --target-at 0 gives a 1-0 and a 0-1 pair. The sentences are the
/// document's while the unit's text is unchanged; an edited text, or a pair imported without
/// its document, is split where the segmenter finds sentence ends (an edited text must still
/// have as many sentences as the pair stands for).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The unit's id (as `list` shows it: 12 or #12)
    #[arg(value_parser = super::parse_id)]
    id: i64,
    /// How many of the unit's source sentences stay in the first part
    #[arg(long, value_name = "N")]
    source_at: usize,
    /// How many of the unit's target sentences stay in the first part
    #[arg(long, value_name = "M")]
    target_at: usize,
    /// Refuse the split if the unit is no longer at this revision (as `list --json` shows it)
    #[arg(long, value_name = "N")]
    revision: Option<i64>,
    /// Print the change as JSON (as 'bitext history --json' shows it)
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let mut memory = ctx.existing_memory()?;
    let change = memory.split_unit(
        args.id,
        args.source_at,
        args.target_at,
        args.revision,
        &ctx.user,
    )?;
    super::history::report(ctx, &memory, &change, args.json)
}

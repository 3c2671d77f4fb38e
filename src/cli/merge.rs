//! `bitext merge`: two neighbouring pairs become one.

use super::Context;
use crate::error::Result;

/// Merge two neighbouring pairs of one document into one.
///
/// The merged pair keeps the id of the first (in document order); its texts are the two
/// texts joined, its status the shared one or else draft, and both notes are kept.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// One unit's id
    #[arg(value_parser = super::parse_id)]
    id: i64,
    /// The id of the unit just before or after it
    #[arg(value_parser = super::parse_id)]
    other: i64,
    /// Print the change as JSON (as 'bitext history --json' shows it)
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let mut memory = ctx.existing_memory()?;
    let change = memory.merge_units(args.id, args.other, [None, None], &ctx.user)?;
    super::history::report(ctx, &memory, &change, args.json)
}

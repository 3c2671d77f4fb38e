//! `bitext move`: move a sentence to the neighbouring pair.

use super::Context;
use crate::error::Result;
use crate::store::{Direction, Side};

/// Move a sentence to the neighbouring pair: the most common alignment fix.
///
/// With --to previous, the first sentence of the chosen side goes to the end of the pair
/// before; with --to next, the last sentence goes to the start of the pair after. The texts
/// follow the document's sentences (an edited text is cut where the segmenter finds its
/// sentence ends). A pair left with no text on either side is removed. One change in the
/// history, which 'bitext undo' reverts.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("side").required(true).args(["source", "target"])))]
pub struct Args {
    /// The unit's id (as `list` shows it: 12 or #12)
    #[arg(value_parser = super::parse_id)]
    id: i64,
    /// Move a source sentence
    #[arg(long)]
    source: bool,
    /// Move a target sentence
    #[arg(long)]
    target: bool,
    /// Where the sentence goes: previous (the first sentence, to the pair before) or next (the
    /// last sentence, to the pair after)
    #[arg(long, value_enum, value_name = "WHERE")]
    to: To,
    /// Refuse the move if the pair is no longer at this revision (as `list --json` shows it)
    #[arg(long, value_name = "N")]
    revision: Option<i64>,
    /// Print the change as JSON (as 'bitext history --json' shows it)
    #[arg(long)]
    json: bool,
}

/// The neighbour a sentence moves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum To {
    Previous,
    Next,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let mut memory = ctx.existing_memory()?;
    let side = if args.source {
        Side::Source
    } else {
        Side::Target
    };
    let direction = match args.to {
        To::Previous => Direction::Previous,
        To::Next => Direction::Next,
    };
    let change = memory.move_sentence(args.id, side, direction, args.revision, &ctx.user)?;
    super::history::report(ctx, &memory, &change, args.json)
}

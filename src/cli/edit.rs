//! `bitext edit`: correct a pair.

use super::Context;
use crate::error::Result;
use crate::store::{Status, UnitEdit};

/// Correct a pair: its source or target text, its review status or its note.
///
/// The change is recorded in the history (with your --user name, else $USER) and can be
/// undone with 'bitext undo'.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The unit's id (as `list` shows it: 12 or #12)
    #[arg(value_parser = super::parse_id)]
    id: i64,
    /// The new source text
    #[arg(long, value_name = "TEXT")]
    source: Option<String>,
    /// The new target text
    #[arg(long, value_name = "TEXT")]
    target: Option<String>,
    /// The new review status: draft, reviewed, approved or rejected
    #[arg(long, value_parser = super::parse_status, value_name = "STATUS")]
    status: Option<Status>,
    /// A note for reviewers ("" removes the note)
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Print the change as JSON (as 'bitext history --json' shows it)
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let mut memory = ctx.existing_memory()?;
    let edit = UnitEdit {
        source: args.source,
        target: args.target,
        status: args.status,
        note: args.note,
    };
    let change = memory.edit_unit(args.id, &edit, &ctx.user)?;
    super::history::report(ctx, &memory, &change, args.json)
}

//! `bitext show`: one stored pair.

use super::Context;
use super::output::escape;
use crate::error::Result;

/// Show one aligned pair of the memory.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The unit's id (as `list` shows it: 12 or #12)
    #[arg(value_parser = super::parse_id)]
    id: i64,
    /// Print the unit as JSON
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let memory = ctx.read_memory()?;
    let unit = memory.unit(args.id)?;
    if args.json {
        return ctx.out.json(&unit);
    }
    super::list::print_unit(ctx, &unit)?;
    ctx.out.line(&format!(
        "  created {} by {}, changed {} by {}",
        unit.created,
        escape(&unit.created_by),
        unit.changed,
        escape(&unit.changed_by)
    ))
}

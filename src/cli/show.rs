//! `bitext show`: one stored pair.

use super::Context;
use super::output::escape;
use crate::error::Result;

/// Show one aligned pair of the memory, with what the QA checks found in it (see 'bitext
/// check').
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
    // the QA checks' findings: what they are about marked in the texts, one line each
    let (findings, _) = crate::check::findings_of_unit(&memory, unit.id)?;
    let source = super::check::mark(
        &ctx.out,
        &unit.source,
        findings.iter().flat_map(|f| &f.source_spans),
    );
    let target = super::check::mark(
        &ctx.out,
        &unit.target,
        findings.iter().flat_map(|f| &f.target_spans),
    );
    super::list::print_unit_as(ctx, &unit, &source, &target)?;
    for f in super::check::most_serious_first(&findings) {
        let line = super::check::finding_line(&ctx.out, f);
        ctx.out.line(&line)?;
    }
    ctx.out.line(&format!(
        "  created {} by {}, changed {} by {}",
        unit.created,
        escape(&unit.created_by),
        unit.changed,
        escape(&unit.changed_by)
    ))
}

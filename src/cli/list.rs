//! `bitext list`: read the stored pairs.

use super::Context;
use super::output::{escape, escape_text, range_label};
use crate::error::Result;
use crate::store::{Status, Unit, UnitFilter};

/// List the aligned pairs of the memory, side by side.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this document's pairs
    #[arg(long, value_name = "NAME")]
    document: Option<String>,
    /// Only pairs with this review status (draft, reviewed, approved, rejected); repeatable
    #[arg(long, value_parser = super::parse_status, value_name = "STATUS")]
    status: Vec<Status>,
    /// Only pairs whose alignment score is at least this
    #[arg(long, value_name = "X")]
    min_score: Option<f64>,
    /// Print a JSON array of units
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let memory = ctx.read_memory()?;
    let filter = UnitFilter {
        document: args.document,
        statuses: args.status,
        min_score: args.min_score,
        limit: None,
    };
    let units = memory.units(&filter)?;
    if args.json {
        return ctx.out.json(&units);
    }
    for u in &units {
        print_unit(ctx, u)?;
    }
    if units.is_empty() {
        eprintln!("no units match");
    }
    Ok(())
}

/// Prints one unit: a header with its id, document, sentences, score and status, then its
/// two sides side by side, then its note.
pub(crate) fn print_unit(ctx: &mut Context, u: &Unit) -> Result<()> {
    let sentences = match (&u.source_range, &u.target_range) {
        (Some(s), Some(t)) => format!("  {} → {}", range_label(s), range_label(t)),
        _ => String::new(),
    };
    let header = format!(
        "#{}  {}{}  {}  {}",
        u.id,
        escape(&u.document),
        sentences,
        ctx.out.score(u.score),
        u.status
    );
    ctx.out
        .pair(&header, &escape_text(&u.source), &escape_text(&u.target))?;
    if let Some(note) = &u.note {
        ctx.out.line(&format!("  note: {}", escape(note)))?;
    }
    Ok(())
}

//! `bitext list`: read the stored pairs.

use super::Context;
use super::output::range_label;
use crate::error::Result;
use crate::store::{Status, Unit, UnitFilter};

/// List the aligned pairs of the memory, side by side; pairs with findings of the QA checks are
/// marked with a line naming them (see 'bitext check').
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
    let memory = ctx.existing_memory()?;
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
    // pairs with findings of the QA checks are marked (bitext check tells more)
    let (findings, _) = super::check::findings_by_unit(&memory, &filter)?;
    for u in &units {
        print_unit(ctx, u)?;
        if let Some(found) = findings.get(&u.id) {
            let line = mark_line(ctx, found);
            ctx.out.line(&line)?;
        }
    }
    if units.is_empty() {
        eprintln!("no units match");
    }
    Ok(())
}

/// `  ! error: misaligned; warning: name_mismatch` for a unit's findings (the worst first).
fn mark_line(ctx: &Context, found: &[crate::check::Finding]) -> String {
    let mut kinds: Vec<(crate::check::Severity, crate::check::Kind)> =
        found.iter().map(|f| (f.severity, f.kind)).collect();
    kinds.sort_by(|a, b| b.cmp(a));
    kinds.dedup();
    let text: Vec<String> = kinds.iter().map(|(s, k)| format!("{s}: {k}")).collect();
    let bang = ctx.out.paint(
        anstyle::Style::new()
            .fg_color(Some(anstyle::AnsiColor::Yellow.into()))
            .bold(),
        "!",
    );
    format!("  {bang} {}", text.join("; "))
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
        u.document,
        sentences,
        ctx.out.score(u.score),
        u.status
    );
    ctx.out.pair(&header, &u.source, &u.target)?;
    if let Some(note) = &u.note {
        ctx.out.line(&format!("  note: {note}"))?;
    }
    Ok(())
}

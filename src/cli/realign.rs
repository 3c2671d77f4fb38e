//! `bitext realign`: re-align a stored document around the pairs a reviewer confirmed.

use std::path::PathBuf;

use super::Context;
use super::output::escape;
use crate::error::Result;
use crate::realign::{Options, realign};

/// Re-align a stored document around the pairs a reviewer confirmed.
///
/// Pairs that are reviewed or approved, and pairs whose text a reviewer corrected, are held
/// fixed: the aligner cannot cross or change them, and its word model learns from them first
/// (and from the memory's other reviewed and confident pairs, as 'bitext align' does). The
/// pairs between them are aligned again; those that come out as they were keep their id,
/// status, note and dates, the others come back as new drafts with fresh scores. One change in
/// the history (realign), which 'bitext undo' reverts. Prints what changed and the new pairs.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document to re-align (as 'bitext list' names it)
    document: String,
    /// Hold every pair up to and including unit ID fixed too, and re-align only the pairs
    /// after it
    #[arg(long, value_name = "ID", value_parser = super::parse_id)]
    from: Option<i64>,
    /// Go on when pairs with review work that is not held fixed (a rejected pair, a draft with
    /// a note) would be removed
    #[arg(long)]
    force: bool,
    /// Turn off the aligner's second, lexical pass (length and anchors only)
    #[arg(long)]
    no_lexical: bool,
    /// A bilingual word list to help the lexical pass: source<TAB>target per line
    #[arg(long, value_name = "FILE")]
    dictionary: Option<PathBuf>,
    /// Print JSON: {"document", "change", "fixed", "kept", "renumbered", "added", "removed",
    /// "units"}: the change as 'bitext history --json' shows it (null when nothing changed)
    /// and the new pairs as 'bitext list --json' does
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let options = Options {
        from: args.from,
        force: args.force,
        lexical: !args.no_lexical,
        dictionary: match &args.dictionary {
            Some(path) => super::align::read_dictionary(path)?,
            None => Vec::new(),
        },
    };
    let mut memory = ctx.existing_memory()?;
    let report = realign(&mut memory, &args.document, &options, &ctx.user)?;
    if args.json {
        return ctx.out.json(&report);
    }
    let name = escape(&report.document);
    let held = format!(
        "{} held fixed",
        match report.fixed {
            1 => "1 pair".to_string(),
            n => format!("{n} pairs"),
        }
    );
    match &report.change {
        None => ctx.out.line(&format!(
            "'{name}' is unchanged: its pairs come out as they are ({held})"
        ))?,
        Some(change) => ctx.out.line(&format!(
            "re-aligned '{name}': {} kept{}, {} new, {} removed; {held} (change {}; 'bitext undo' reverts it)",
            report.kept,
            if report.renumbered > 0 {
                format!(" ({} renumbered)", report.renumbered)
            } else {
                String::new()
            },
            report.added,
            report.removed,
            change.id
        ))?,
    }
    for unit in &report.units {
        super::list::print_unit(ctx, unit)?;
    }
    Ok(())
}

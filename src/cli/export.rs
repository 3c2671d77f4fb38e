//! `bitext export`: the memory's pairs as TMX, JSON or JSON Lines.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::Context;
use crate::error::{Error, Result};
use crate::exchange::{self, Format};
use crate::store::{Status, UnitFilter};

/// Export the memory's pairs for other tools: TMX 1.4b (OmegaT, Trados, memoQ, Okapi), JSON or
/// JSON Lines.
///
/// The export streams: memory use does not grow with the number of pairs. TMX carries each
/// pair's document, sentence ranges, score, status, note, dates and users as props, and gives
/// back the inline markup and props of pairs imported from other tools. JSON holds every field
/// of a pair (see docs/unit.schema.json). Importing an export into a new memory and exporting
/// it again gives the same file, byte for byte.
///
/// A TMX export leaves out the pairs a reviewer rejected (a CAT tool would offer them as
/// matches) unless --status rejected or --all asks for them, and says how many it left out; a
/// JSON export is the whole memory.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File format (default: from the output file's extension, else tmx)
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<Format>,
    /// Only this document's pairs
    #[arg(long, value_name = "NAME")]
    document: Option<String>,
    /// Only pairs with this review status (draft, reviewed, approved, rejected); repeatable
    #[arg(long, value_parser = super::parse_status, value_name = "STATUS")]
    status: Vec<Status>,
    /// Only pairs whose alignment score is at least this
    #[arg(long, value_name = "X")]
    min_score: Option<f64>,
    /// Rejected pairs too (a TMX export leaves them out unless --status names them)
    #[arg(long, conflicts_with = "status")]
    all: bool,
    /// Write to this file instead of standard output (replaced only once the export is
    /// complete; a symlink is followed, a FIFO or a character device written through)
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Exports with at least this many pairs show a progress bar (when standard error is a
/// terminal).
const PROGRESS_FROM: u64 = 20_000;

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(Format::from_path))
        .unwrap_or(Format::Tmx);
    let memory = ctx.read_memory()?;
    if let Some(path) = &args.output {
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same(path, &ctx.db) {
            return Err(Error::invalid(format!(
                "{} is the memory itself; export to another file",
                path.display()
            )));
        }
    }
    let mut filter = UnitFilter {
        document: args.document,
        statuses: args.status,
        min_score: args.min_score,
        ..UnitFilter::default()
    };
    // what a CAT tool reads leaves out what a reviewer rejected
    let mut rejected = 0;
    if format == Format::Tmx && filter.statuses.is_empty() && !args.all {
        let left_out = UnitFilter {
            statuses: vec![Status::Rejected],
            ..filter.clone()
        };
        rejected = memory.count_units(&left_out)?;
        filter.statuses = Status::ALL
            .into_iter()
            .filter(|s| *s != Status::Rejected)
            .collect();
    }
    let progress = progress_bar(memory.export_summary(&filter)?.units);
    let written = match &args.output {
        Some(path) => crate::files::write_output(path, |out| {
            exchange::export(&memory, &filter, format, out, &progress)
        })?,
        None => exchange::export(&memory, &filter, format, ctx.out.raw(), &progress)?,
    };
    progress.finish_and_clear();
    let left_out = match rejected {
        0 => String::new(),
        1 => "; left out 1 rejected pair (--all or --status rejected takes it)".to_string(),
        n => format!("; left out {n} rejected pairs (--all or --status rejected takes them)"),
    };
    match &args.output {
        Some(path) => eprintln!(
            "exported {written} {} to {}{left_out}",
            if written == 1 { "pair" } else { "pairs" },
            super::output::escape(&path.display().to_string())
        ),
        None if rejected > 0 => eprintln!("exported {written} pairs{left_out}"),
        None => {}
    }
    Ok(())
}

/// A progress bar on standard error for a long export, when standard error is a terminal.
fn progress_bar(pairs: u64) -> indicatif::ProgressBar {
    if pairs < PROGRESS_FROM || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    indicatif::ProgressBar::new(pairs).with_style(
        indicatif::ProgressStyle::with_template("exporting {bar:40} {pos}/{len} pairs ({eta})")
            .expect("a valid template"),
    )
}

//! `bitext report`: the memory's pairs as one self-contained HTML file.

use std::path::{Path, PathBuf};

use super::Context;
use crate::error::{Error, Result};
use crate::report::write_report;
use crate::store::{Status, UnitFilter};

/// Write a review report: one HTML file with the pairs side by side, their scores, statuses,
/// notes and QA findings (as 'bitext check' finds them, with what they are about marked in the
/// texts), and a summary at the top, for a reviewer who does not have bitext.
///
/// The file is self-contained (styles inline, no script, no external request) and prints on A4
/// with the Arabic right to left and no pair split across pages.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write HTML (the one format so far; required, so that others can be added)
    #[arg(long, required = true)]
    html: bool,
    /// Write to this file instead of standard output (replaced only once it is complete)
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Only this document's pairs
    #[arg(long, value_name = "NAME")]
    document: Option<String>,
    /// Only pairs with this review status (draft, reviewed, approved, rejected); repeatable
    #[arg(long, value_parser = super::parse_status, value_name = "STATUS")]
    status: Vec<Status>,
    /// Only pairs whose alignment score is at least this
    #[arg(long, value_name = "X")]
    min_score: Option<f64>,
    /// Only pairs whose alignment score is under this (pairs without a score are left out)
    #[arg(long, value_name = "X")]
    max_score: Option<f64>,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    debug_assert!(args.html);
    let memory = ctx.read_memory()?;
    if let Some(path) = &args.output {
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same(path, &ctx.db) {
            return Err(Error::invalid(format!(
                "{} is the memory itself; write the report to another file",
                path.display()
            )));
        }
    }
    let title = args.document.clone().unwrap_or_else(|| {
        ctx.db
            .file_name()
            .map_or("memory".to_string(), |n| n.to_string_lossy().into_owned())
    });
    let filter = UnitFilter {
        document: args.document,
        statuses: args.status,
        min_score: args.min_score,
        max_score: args.max_score,
        ..UnitFilter::default()
    };
    let generated = crate::store::now();
    let summary = match &args.output {
        Some(path) => crate::files::write_output(path, |out| {
            write_report(&memory, &filter, &title, &generated, out)
        })?,
        None => write_report(&memory, &filter, &title, &generated, ctx.out.raw())?,
    };
    if let Some(path) = &args.output {
        eprintln!(
            "wrote {} {} to {}",
            summary.pairs,
            if summary.pairs == 1 { "pair" } else { "pairs" },
            path.display()
        );
    }
    Ok(())
}

//! `bitext edit`: correct a pair, or set the status or note of many at once; and the
//! selection of pairs (ids, ranges of ids, filters) that `edit` and `delete` share.

use std::collections::BTreeSet;

use super::Context;
use crate::error::{Error, Result};
use crate::store::{BulkReport, Memory, Selection, Status, UnitEdit, UnitFilter, UnitRef};

/// Correct pairs: the source or target text of one, or the review status or note of many.
///
/// Name the pairs by id (12 or #12), by ranges of ids (9-14: the pairs with an id from 9 to 14
/// that exist) or by a selection (--document, --if-status, --min-score, --max-score); ids and a
/// selection together pick the named pairs that match it. Every pair changed is one change in
/// the history (with your --user name, else $USER), which 'bitext undo' reverts as a whole.
/// Pairs that already read as asked are skipped and counted; a text edit takes one pair.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pairs: Pairs,
    /// Only pairs with this review status (draft, reviewed, approved, rejected); repeatable
    #[arg(long, value_parser = super::parse_status, value_name = "STATUS")]
    if_status: Vec<Status>,
    /// The new source text (one pair only)
    #[arg(long, value_name = "TEXT")]
    source: Option<String>,
    /// The new target text (one pair only)
    #[arg(long, value_name = "TEXT")]
    target: Option<String>,
    /// The new review status: draft, reviewed, approved or rejected
    #[arg(long, value_parser = super::parse_status, value_name = "STATUS")]
    status: Option<Status>,
    /// A note for reviewers ("" removes the note)
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Refuse the edit if the pair is no longer at this revision (one pair only; `list --json`
    /// shows each pair's revision)
    #[arg(long, value_name = "N")]
    revision: Option<i64>,
    /// Print the change as JSON (as 'bitext history --json' shows it), or null when nothing
    /// changed
    #[arg(long)]
    json: bool,
}

/// The pairs a command works on: ids and ranges, and a selection.
#[derive(Debug, clap::Args)]
pub struct Pairs {
    /// Unit ids (12 or #12) and ranges of ids (9-14)
    #[arg(value_parser = parse_ids, value_name = "ID")]
    ids: Vec<(i64, i64)>,
    /// Only pairs of this document
    #[arg(long, value_name = "NAME")]
    document: Option<String>,
    /// Only pairs whose alignment score is at least X
    #[arg(long, value_parser = super::list::parse_score, value_name = "X")]
    min_score: Option<f64>,
    /// Only pairs whose alignment score is below X
    #[arg(long, value_parser = super::list::parse_score, value_name = "X")]
    max_score: Option<f64>,
}

impl Pairs {
    /// The selection these arguments make, with `statuses` as its status filter; refused when
    /// they select nothing at all (no id and no filter), or name a unit that does not exist.
    pub fn selection(
        &self,
        memory: &Memory,
        statuses: &[Status],
        revision: Option<i64>,
    ) -> Result<Selection> {
        let filter = UnitFilter {
            document: self.document.clone(),
            statuses: statuses.to_vec(),
            min_score: self.min_score,
            max_score: self.max_score,
            ..UnitFilter::default()
        };
        let filtered = filter.document.is_some()
            || !filter.statuses.is_empty()
            || filter.min_score.is_some()
            || filter.max_score.is_some();
        if self.ids.is_empty() && !filtered {
            return Err(Error::invalid(
                "name the pairs: ids (12 #13 20-25) or a selection (--document, a status, --min-score, --max-score)",
            ));
        }
        let single = matches!(self.ids.as_slice(), [(a, b)] if a == b);
        if revision.is_some() && (filtered || !single) {
            return Err(Error::invalid("--revision goes with a single unit id"));
        }
        if self.ids.is_empty() {
            return Ok(Selection::Filter(filter));
        }
        let mut ids = BTreeSet::new();
        for &(first, last) in &self.ids {
            if first == last {
                memory.unit(first)?;
                ids.insert(first);
                continue;
            }
            let found = memory.unit_ids_between(first, last)?;
            if found.is_empty() {
                return Err(Error::invalid(format!(
                    "no unit has an id from {first} to {last}"
                )));
            }
            ids.extend(found);
        }
        if filtered {
            let matching: BTreeSet<i64> = memory.units(&filter)?.iter().map(|u| u.id).collect();
            ids.retain(|id| matching.contains(id));
        }
        Ok(Selection::Units(
            ids.into_iter().map(|id| UnitRef { id, revision }).collect(),
        ))
    }
}

/// Parses `12`, `#12` or a range `9-14` (`#9-#14`) into (first, last).
fn parse_ids(s: &str) -> std::result::Result<(i64, i64), String> {
    let bad = || format!("'{s}' is not a unit id or a range of ids (12, #12, 9-14)");
    let one = |t: &str| super::parse_id(t.trim()).map_err(|_| bad());
    match s.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (one(a)?, one(b)?);
            if a > b {
                return Err(format!(
                    "'{s}' is an empty range: write the smaller id first"
                ));
            }
            Ok((a, b))
        }
        None => one(s).map(|id| (id, id)),
    }
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let mut memory = ctx.existing_memory()?;
    let edit = UnitEdit {
        source: args.source,
        target: args.target,
        status: args.status,
        note: args.note,
    };
    if edit == UnitEdit::default() {
        return Err(Error::invalid(
            "nothing to change: give --source, --target, --status or --note",
        ));
    }
    let selection = args
        .pairs
        .selection(&memory, &args.if_status, args.revision)?;
    let report = memory.edit_units(&selection, &edit, &ctx.user)?;
    finish(ctx, &memory, &report, args.json, &skipped_because(&edit))
}

/// Why a skipped pair was skipped: "already approved" for a status change, else "already as
/// asked".
fn skipped_because(edit: &UnitEdit) -> String {
    match (edit, edit.status) {
        (
            UnitEdit {
                source: None,
                target: None,
                note: None,
                ..
            },
            Some(status),
        ) => format!("already {status}"),
        _ => "already as asked".to_string(),
    }
}

/// Prints what a bulk change did: the change (or `null` with --json when nothing changed),
/// and on standard error what was skipped or that nothing matched.
pub(crate) fn finish(
    ctx: &mut Context,
    memory: &Memory,
    report: &BulkReport,
    json: bool,
    because: &str,
) -> Result<()> {
    match &report.change {
        Some(change) => super::history::report(ctx, memory, change, json)?,
        None if json => ctx.out.line("null")?,
        None => {}
    }
    if report.selected == 0 {
        eprintln!("no units match: nothing changed");
    } else if report.skipped > 0 {
        eprintln!("skipped {} {because}", report.skipped);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_ranges_parse() {
        assert_eq!(parse_ids("12"), Ok((12, 12)));
        assert_eq!(parse_ids("#12"), Ok((12, 12)));
        assert_eq!(parse_ids("9-14"), Ok((9, 14)));
        assert_eq!(parse_ids("#9-#14"), Ok((9, 14)));
        assert!(parse_ids("14-9").unwrap_err().contains("empty range"));
        assert!(parse_ids("x").unwrap_err().contains("not a unit id"));
        assert!(parse_ids("3-").is_err());
        assert!(parse_ids("-3").is_err());
    }
}

//! `bitext history`: the changes made to the memory, and how changes are printed.

use std::collections::BTreeSet;

use anstyle::{AnsiColor, Style};
use serde_json::Value;

use super::Context;
use super::output::{escape, escape_text};
use crate::error::Result;
use crate::store::{Change, UnitRow};

/// Show the history of changes: what changed, the old and new values, who and when.
///
/// Latest first. Each change has an id that 'bitext undo' takes.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the changes that touched this unit
    #[arg(value_parser = super::parse_id)]
    id: Option<i64>,
    /// Only the latest N changes
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..), value_name = "N")]
    limit: Option<u64>,
    /// Print a JSON array of changes: {"id", "kind", "document", "documents", "summary", "user",
    /// "at", "undoes", "undone_by", "before", "after", "document_change", "import"?}; before and
    /// after are the touched unit rows, document_change what an align did to the document's
    /// texts, import (for an import only) the range of unit ids it stored and its documents
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let memory = ctx.read_memory()?;
    let changes = memory.latest_changes(args.id, args.limit.map(|n| n as usize))?;
    if args.json {
        return ctx.out.json(&changes);
    }
    for c in &changes {
        print_change(ctx, c)?;
    }
    if changes.is_empty() {
        match args.id {
            Some(id) => eprintln!("unit {id} has not been changed"),
            None => eprintln!("no changes yet"),
        }
    }
    Ok(())
}

/// Old and new values longer than this together are printed one under the other.
const LONG: usize = 60;

/// Columns holding text a reviewer writes: a change to them is shown word by word.
const TEXTS: [&str; 3] = ["source", "target", "note"];

/// Columns every change updates, not worth a line of their own.
const BOOKKEEPING: [&str; 3] = ["changed", "changed_by", "revision"];

/// A change touching more units than this shows the first ones and counts the rest.
const SHOWN_UNITS: usize = 20;

/// Prints a change: a header line (id, time, user, what), then each touched unit's old and
/// new values.
pub(crate) fn print_change(ctx: &mut Context, c: &Change) -> Result<()> {
    let mut header = format!(
        "change {}  {}  {}  {}",
        c.id,
        c.at,
        escape(&c.user),
        escape(&c.summary)
    );
    if let Some(by) = c.undone_by {
        header.push_str(&format!("  (undone by change {by})"));
    }
    let header = ctx.out.paint(Style::new().bold(), &header);
    ctx.out.line(&header)?;
    if let Some(d) = &c.document_change
        && let Some(before) = &d.before
    {
        ctx.out.line(&format!(
            "  texts of '{}': {} → {} source, {} → {} target sentences",
            escape(&d.name),
            before.source_sentences.len(),
            d.after.source_sentences,
            before.target_sentences.len(),
            d.after.target_sentences
        ))?;
    }
    if let Some(i) = &c.import {
        ctx.out.line(&format!(
            "  {} units stored, with ids from #{} to #{}",
            i.count, i.units[0], i.units[1]
        ))?;
        for d in i.documents.iter().take(SHOWN_UNITS) {
            ctx.out.line(&format!(
                "  '{}'{}: {} units",
                super::output::escape(&d.name),
                if d.created { " (new document)" } else { "" },
                d.units
            ))?;
        }
        if i.documents.len() > SHOWN_UNITS {
            ctx.out.line(&format!(
                "  … and {} more documents",
                i.documents.len() - SHOWN_UNITS
            ))?;
        }
    }
    let mut ids: Vec<i64> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in c.before.iter().chain(&c.after) {
        if seen.insert(r.id()) {
            ids.push(r.id());
        }
    }
    let more = ids.len().saturating_sub(SHOWN_UNITS);
    ids.truncate(SHOWN_UNITS);
    let old_style = Style::new().fg_color(Some(AnsiColor::Red.into()));
    let new_style = Style::new().fg_color(Some(AnsiColor::Green.into()));
    for id in ids {
        let find = |rows: &[UnitRow]| rows.iter().find(|r| r.id() == id).cloned();
        match (find(&c.before), find(&c.after)) {
            (Some(old), Some(new)) => {
                let columns: BTreeSet<&String> = old.0.keys().chain(new.0.keys()).collect();
                for column in columns {
                    let (a, b) = (old.0.get(column.as_str()), new.0.get(column.as_str()));
                    if a == b || BOOKKEEPING.contains(&column.as_str()) {
                        continue;
                    }
                    if let (Some(Value::String(a)), Some(Value::String(b)), true) =
                        (a, b, TEXTS.contains(&column.as_str()))
                    {
                        // a text: the words that changed, in place
                        let diff = ctx.out.word_diff(a, b);
                        ctx.out.line(&format!("  #{id} {column}: {diff}"))?;
                        continue;
                    }
                    let (a, b) = (show(a), show(b));
                    if a.chars().count() + b.chars().count() <= LONG {
                        let a = ctx.out.paint(old_style, &a);
                        let b = ctx.out.paint(new_style, &b);
                        ctx.out.line(&format!("  #{id} {column}: {a} → {b}"))?;
                    } else {
                        // long values one under the other, to compare them
                        let a = ctx.out.paint(old_style, &format!("- {a}"));
                        let b = ctx.out.paint(new_style, &format!("+ {b}"));
                        ctx.out
                            .line(&format!("  #{id} {column}:\n    {a}\n    {b}"))?;
                    }
                }
            }
            (None, Some(new)) => {
                let text = ctx.out.paint(new_style, &pair(&new));
                ctx.out.line(&format!("  #{id} new: {text}"))?;
            }
            (Some(old), None) => {
                let text = ctx.out.paint(old_style, &pair(&old));
                ctx.out.line(&format!("  #{id} removed: {text}"))?;
            }
            (None, None) => {}
        }
    }
    if more > 0 {
        ctx.out.line(&format!(
            "  … and {more} more units ('bitext history --json' shows them all)"
        ))?;
    }
    Ok(())
}

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "(none)".to_string(),
        Some(Value::String(s)) => format!("\"{}\"", escape_text(s)),
        Some(other) => other.to_string(),
    }
}

fn pair(r: &UnitRow) -> String {
    format!(
        "\"{}\" | \"{}\"",
        escape_text(r.text("source").unwrap_or("")),
        escape_text(r.text("target").unwrap_or(""))
    )
}

/// What edit, split, merge, move, delete and undo print: the change as JSON, or the change and the
/// units it leaves.
pub(crate) fn report(
    ctx: &mut Context,
    memory: &crate::store::Memory,
    change: &Change,
    json: bool,
) -> Result<()> {
    if json {
        return ctx.out.json(change);
    }
    print_change(ctx, change)?;
    if matches!(change.kind.as_str(), "split" | "merge" | "move") {
        for row in &change.after {
            if let Some(unit) = memory.find_unit(row.id())? {
                super::list::print_unit(ctx, &unit)?;
            }
        }
    }
    Ok(())
}

//! Correcting units, with history and undo: edit, split, merge, delete.
//!
//! Every change is one transaction that writes the units and one row of `changes` with the
//! touched unit rows before and after it, complete (every column, by name), so that undo puts
//! them back exactly. A change touches a run of neighbouring units of one document; when it
//! changes their number (split +1, merge −1, delete −1), the units after them move by as much,
//! so that positions stay consecutive and the document's order holds: its units cover its
//! sentences in order.
//!
//! Undo applies a change backwards and is recorded as a change itself (`undoes`, and
//! `undone_by` on the change undone). Without an id it takes the latest change still in
//! effect. A given change can be undone while no later change in effect touched the same
//! units — or, when it or a later change of the same document moved units, while no later
//! change of that document is in effect — and while its units still are as it left them.

use std::collections::{BTreeSet, HashSet};
use std::ops::Range;

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params, params_from_iter};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::index::Side;
use super::{Memory, Status, db_error, now};
use crate::Lang;
use crate::error::{Error, Result};
use crate::segment;

/// A unit row exactly as stored: every column of `units` by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitRow(pub Map<String, Value>);

impl UnitRow {
    pub fn id(&self) -> i64 {
        self.int("id").unwrap_or(0)
    }

    pub fn document_id(&self) -> i64 {
        self.int("document_id").unwrap_or(0)
    }

    pub fn position(&self) -> i64 {
        self.int("position").unwrap_or(0)
    }

    /// A column's value as an integer (`None` for NULL or a missing column).
    pub fn int(&self, column: &str) -> Option<i64> {
        self.0.get(column).and_then(Value::as_i64)
    }

    /// A column's value as text (`None` for NULL or a missing column).
    pub fn text(&self, column: &str) -> Option<&str> {
        self.0.get(column).and_then(Value::as_str)
    }

    /// The text of one side.
    pub fn side(&self, side: Side) -> &str {
        self.text(side.as_str()).unwrap_or("")
    }

    /// The sentences one side covers.
    pub fn range(&self, side: Side) -> Option<Range<usize>> {
        let s = side.as_str();
        match (
            self.int(&format!("{s}_start")),
            self.int(&format!("{s}_end")),
        ) {
            (Some(a), Some(b)) if 0 <= a && a <= b => Some(a as usize..b as usize),
            _ => None,
        }
    }

    fn set(&mut self, column: &str, value: impl Into<Value>) {
        self.0.insert(column.to_string(), value.into());
    }

    fn set_range(&mut self, side: Side, range: Option<Range<usize>>) {
        let s = side.as_str();
        let (a, b) = match range {
            Some(r) => (Value::from(r.start as i64), Value::from(r.end as i64)),
            None => (Value::Null, Value::Null),
        };
        self.set(&format!("{s}_start"), a);
        self.set(&format!("{s}_end"), b);
    }

    fn touch(&mut self, at: &str, user: &str) {
        self.set("changed", at);
        self.set("changed_by", user);
    }
}

/// What an edit changes; fields left `None` stay as they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitEdit {
    pub source: Option<String>,
    pub target: Option<String>,
    pub status: Option<Status>,
    /// A new note; an empty one removes the note.
    pub note: Option<String>,
}

/// One change of the history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub id: i64,
    /// `edit`, `split`, `merge`, `delete` or `undo`.
    pub kind: String,
    pub document: Option<String>,
    pub summary: String,
    pub user: String,
    pub at: String,
    /// For an undo: the change it reverted.
    pub undoes: Option<i64>,
    /// The undo that reverted this change, if any.
    pub undone_by: Option<i64>,
    /// The touched units before the change (none for units it created).
    pub before: Vec<UnitRow>,
    /// The touched units after the change (none for units it removed).
    pub after: Vec<UnitRow>,
}

impl Change {
    /// The ids of the units this change touched.
    pub fn units(&self) -> BTreeSet<i64> {
        self.before
            .iter()
            .chain(&self.after)
            .map(UnitRow::id)
            .collect()
    }

    /// The change added or removed units (and so moved the units after them).
    fn moves_units(&self) -> bool {
        self.before.len() != self.after.len()
    }

    fn in_effect(&self) -> bool {
        self.kind != "undo" && self.undone_by.is_none()
    }
}

/// The kinds of change that `undo` knows how to revert.
const UNDOABLE: [&str; 4] = ["edit", "split", "merge", "delete"];

impl Memory {
    /// Changes a unit's texts, status or note.
    pub fn edit_unit(&mut self, id: i64, edit: &UnitEdit, user: &str) -> Result<Change> {
        if edit == &UnitEdit::default() {
            return Err(Error::invalid(
                "nothing to change: give --source, --target, --status or --note",
            ));
        }
        for (name, text) in [("source", &edit.source), ("target", &edit.target)] {
            if text.as_ref().is_some_and(|t| t.trim().is_empty()) {
                return Err(Error::invalid(format!(
                    "--{name} cannot be empty (to drop a pair, use 'bitext delete')"
                )));
            }
        }
        self.change_units(user, |tx, at| {
            let old = read_row(tx, id)?.ok_or(Error::UnknownUnit(id))?;
            let mut new = old.clone();
            let mut fields = Vec::new();
            let mut set = |column: &str, value: Value| {
                if old.0.get(column) != Some(&value) {
                    new.set(column, value);
                    fields.push(column.to_string());
                }
            };
            if let Some(text) = &edit.source {
                set("source", text.as_str().into());
            }
            if let Some(text) = &edit.target {
                set("target", text.as_str().into());
            }
            if let Some(status) = edit.status {
                set("status", status.as_str().into());
            }
            if let Some(note) = &edit.note {
                let value = if note.trim().is_empty() {
                    Value::Null
                } else {
                    note.as_str().into()
                };
                set("note", value);
            }
            if fields.is_empty() {
                return Err(Error::invalid(format!(
                    "unit {id} already reads so: the edit changes nothing"
                )));
            }
            new.touch(at, user);
            Ok(Plan {
                kind: "edit",
                summary: format!("edit #{id}: {}", fields.join(", ")),
                old: vec![old],
                new: vec![new],
            })
        })
    }

    /// Splits a unit in two at sentence boundaries: its first `source_at` source sentences and
    /// first `target_at` target sentences stay in it, the rest become a new unit right after it.
    ///
    /// The sentences are the document's when the unit's text is still theirs. An edited text,
    /// or a unit without sentences (imported from TMX), is split into sentences by the
    /// segmenter; an edited text must still read as as many sentences as the unit stands for.
    pub fn split_unit(
        &mut self,
        id: i64,
        source_at: usize,
        target_at: usize,
        user: &str,
    ) -> Result<Change> {
        self.change_units(user, |tx, at| {
            let old = read_row(tx, id)?.ok_or(Error::UnknownUnit(id))?;
            let doc = EditedDocument::read(tx, old.document_id())?;
            let mut first = old.clone();
            // the new unit: the same kind of row, without what belonged to the whole pair
            let mut second = UnitRow(Map::new());
            for column in ["document_id", "status"] {
                second.set(column, old.0.get(column).cloned().unwrap_or(Value::Null));
            }
            second.set("position", old.position() + 1);
            second.set("created", at);
            second.set("created_by", user);
            let mut counts = Vec::new();
            for (side, cut) in [(Side::Source, source_at), (Side::Target, target_at)] {
                let sentences = sentences(tx, &doc, &old, side)?;
                if cut > sentences.len() {
                    let n = sentences.len();
                    return Err(Error::invalid(format!(
                        "--{}-at {cut} is outside unit {id}: its {} has {n} sentence{} (give 0 to {n})",
                        side.as_str(),
                        side.as_str(),
                        if n == 1 { "" } else { "s" }
                    )));
                }
                counts.push((cut, sentences.len()));
                let text = old.side(side);
                let part = |r: Range<usize>| -> String {
                    if r.is_empty() {
                        String::new()
                    } else {
                        text[sentences[r.start].start..sentences[r.end - 1].end].to_string()
                    }
                };
                first.set(side.as_str(), part(0..cut));
                second.set(side.as_str(), part(cut..sentences.len()));
                let range = old.range(side);
                first.set_range(side, range.clone().map(|r| r.start..r.start + cut));
                second.set_range(side, range.map(|r| r.start + cut..r.end));
            }
            if counts.iter().all(|&(cut, _)| cut == 0) || counts.iter().all(|&(cut, n)| cut == n)
            {
                return Err(Error::invalid(format!(
                    "splitting unit {id} at --source-at {source_at} --target-at {target_at} would leave an empty unit (its sentences: {} source, {} target)",
                    counts[0].1, counts[1].1
                )));
            }
            first.set("score", Value::Null);
            second.set("score", Value::Null);
            first.touch(at, user);
            second.touch(at, user);
            Ok(Plan {
                kind: "split",
                summary: format!(
                    "split #{id} into #{id} and #{{new}}: source sentences {source_at} + {}, target {target_at} + {}",
                    counts[0].1 - source_at,
                    counts[1].1 - target_at
                ),
                old: vec![old],
                new: vec![first, second],
            })
        })
    }

    /// Merges two neighbouring units of one document into the first of them.
    pub fn merge_units(&mut self, a: i64, b: i64, user: &str) -> Result<Change> {
        if a == b {
            return Err(Error::invalid(format!("cannot merge unit {a} with itself")));
        }
        self.change_units(user, |tx, at| {
            let ra = read_row(tx, a)?.ok_or(Error::UnknownUnit(a))?;
            let rb = read_row(tx, b)?.ok_or(Error::UnknownUnit(b))?;
            if ra.document_id() != rb.document_id() {
                let name = |r: &UnitRow| EditedDocument::read(tx, r.document_id()).map(|d| d.name);
                return Err(Error::invalid(format!(
                    "units {a} and {b} are in different documents ('{}' and '{}'): only neighbours in one document can be merged",
                    name(&ra)?,
                    name(&rb)?
                )));
            }
            let (first, second) = if (ra.position(), a) < (rb.position(), b) {
                (ra, rb)
            } else {
                (rb, ra)
            };
            let between: i64 = tx.query_row(
                "SELECT count(*) FROM units WHERE document_id = ?1
                 AND (position, id) > (?2, ?3) AND (position, id) < (?4, ?5)",
                params![
                    first.document_id(),
                    first.position(),
                    first.id(),
                    second.position(),
                    second.id()
                ],
                |r| r.get(0),
            )?;
            if between > 0 {
                return Err(Error::invalid(format!(
                    "units {a} and {b} are not neighbours: {between} {} between them (merge neighbours one pair at a time)",
                    if between == 1 { "unit lies" } else { "units lie" }
                )));
            }
            let doc = EditedDocument::read(tx, first.document_id())?;
            let mut merged = first.clone();
            for side in [Side::Source, Side::Target] {
                let range = match (first.range(side), second.range(side)) {
                    (Some(x), Some(y)) => Some(x.start..y.end.max(x.end)),
                    _ => None,
                };
                let text = merged_text(tx, &doc, &first, &second, side)?;
                merged.set(side.as_str(), text);
                merged.set_range(side, range);
            }
            let status = if first.text("status") == second.text("status") {
                first.text("status").unwrap_or("draft").to_string()
            } else {
                Status::Draft.as_str().to_string()
            };
            merged.set("status", status);
            let notes: Vec<&str> = [first.text("note"), second.text("note")]
                .into_iter()
                .flatten()
                .filter(|n| !n.trim().is_empty())
                .collect();
            merged.set(
                "note",
                if notes.is_empty() {
                    Value::Null
                } else {
                    notes.join("; ").into()
                },
            );
            merged.set("score", Value::Null);
            merged.touch(at, user);
            Ok(Plan {
                kind: "merge",
                summary: format!("merge #{} and #{} into #{}", first.id(), second.id(), first.id()),
                old: vec![first, second],
                new: vec![merged],
            })
        })
    }

    /// Deletes a unit.
    pub fn delete_unit(&mut self, id: i64, user: &str) -> Result<Change> {
        self.change_units(user, |tx, _| {
            let old = read_row(tx, id)?.ok_or(Error::UnknownUnit(id))?;
            Ok(Plan {
                kind: "delete",
                summary: format!("delete #{id}"),
                old: vec![old],
                new: Vec::new(),
            })
        })
    }

    /// Reverts a change — the latest still in effect when `change` is `None` — and records the
    /// undo as a change; returns that new change.
    pub fn undo(&mut self, change: Option<i64>, user: &str) -> Result<Change> {
        let path = self.path.clone();
        let fail = |e| db_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let target = match change {
            Some(id) => read_change(&tx, id)?.ok_or(Error::UnknownChange(id))?,
            None => {
                let latest: Option<i64> = tx
                    .query_row(
                        "SELECT id FROM changes WHERE kind != 'undo' AND undone_by IS NULL
                         ORDER BY id DESC LIMIT 1",
                        [],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(fail)?;
                let id = latest.ok_or_else(|| {
                    Error::invalid("nothing to undo: no change in the history is in effect")
                })?;
                read_change(&tx, id)?.ok_or(Error::UnknownChange(id))?
            }
        };
        check_undoable(&tx, &target)?;
        let document = document_of(&target.before, &target.after).unwrap_or(0);
        apply(&tx, &target.after, &target.before)?;
        check_order(&tx, document, &target.before)
            .map_err(|why| Error::invalid(format!("cannot undo change {}: {why}", target.id)))?;
        let at = now();
        let id = record(
            &tx,
            &Record {
                kind: "undo",
                document,
                summary: &format!("undo change {} ({})", target.id, target.summary),
                before: &target.after,
                after: &target.before,
                user,
                at: &at,
                undoes: Some(target.id),
            },
        )?;
        tx.execute(
            "UPDATE changes SET undone_by = ?1 WHERE id = ?2",
            params![id, target.id],
        )
        .map_err(fail)?;
        let done = read_change(&tx, id)?.ok_or(Error::UnknownChange(id))?;
        tx.commit().map_err(fail)?;
        Ok(done)
    }

    /// One change of the history.
    pub fn change(&self, id: i64) -> Result<Change> {
        read_change(&self.conn, id)?.ok_or(Error::UnknownChange(id))
    }

    /// The history, latest first: every change, or those that touched one unit.
    pub fn history(&self, unit: Option<i64>) -> Result<Vec<Change>> {
        let mut stmt = self
            .conn
            .prepare(&format!("{CHANGE_QUERY} ORDER BY c.id DESC"))
            .map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map([], change_from_row)
            .map_err(|e| self.fail(e))?;
        let mut out = Vec::new();
        for row in rows {
            let change = row.map_err(|e| self.fail(e))?;
            if unit.is_none_or(|u| change.units().contains(&u)) {
                out.push(change);
            }
        }
        if let (Some(u), true) = (unit, out.is_empty()) {
            self.unit(u)?;
        }
        Ok(out)
    }

    /// Runs one change: `plan` reads what it needs and says which rows become which; the
    /// rows are written, the change recorded, and all of it committed together.
    fn change_units(
        &mut self,
        user: &str,
        plan: impl FnOnce(&Transaction, &str) -> Result<Plan>,
    ) -> Result<Change> {
        let path = self.path.clone();
        let fail = |e| db_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let at = now();
        let plan = plan(&tx, &at)?;
        let document = document_of(&plan.old, &plan.new).unwrap_or(0);
        let new_ids = apply(&tx, &plan.old, &plan.new)?;
        let mut after = Vec::with_capacity(new_ids.len());
        for id in new_ids {
            after.push(read_row(&tx, id)?.ok_or(Error::UnknownUnit(id))?);
        }
        // a new unit's id is known once it is written
        let summary = match after.last() {
            Some(new) => plan.summary.replace("{new}", &new.id().to_string()),
            None => plan.summary.clone(),
        };
        let id = record(
            &tx,
            &Record {
                kind: plan.kind,
                document,
                summary: &summary,
                before: &plan.old,
                after: &after,
                user,
                at: &at,
                undoes: None,
            },
        )?;
        let change = read_change(&tx, id)?.ok_or(Error::UnknownChange(id))?;
        tx.commit().map_err(fail)?;
        Ok(change)
    }
}

/// Which rows a change replaces with which.
struct Plan {
    kind: &'static str,
    summary: String,
    /// The touched rows as they are, neighbours in document order.
    old: Vec<UnitRow>,
    /// What they become (rows without an `id` are new units).
    new: Vec<UnitRow>,
}

/// A document's languages and texts, for splitting and merging.
struct EditedDocument {
    id: i64,
    name: String,
    source_lang: String,
    target_lang: String,
    source_text: Option<String>,
    target_text: Option<String>,
}

impl EditedDocument {
    fn read(tx: &Transaction, id: i64) -> Result<EditedDocument> {
        Ok(tx.query_row(
            "SELECT id, name, source_lang, target_lang, source_text, target_text
             FROM documents WHERE id = ?1",
            [id],
            |r| {
                Ok(EditedDocument {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    source_lang: r.get(2)?,
                    target_lang: r.get(3)?,
                    source_text: r.get(4)?,
                    target_text: r.get(5)?,
                })
            },
        )?)
    }

    fn lang(&self, side: Side, text: &str) -> Lang {
        let code = match side {
            Side::Source => &self.source_lang,
            Side::Target => &self.target_lang,
        };
        Lang::parse(code).unwrap_or_else(|_| Lang::detect(text))
    }

    fn text(&self, side: Side) -> Option<&str> {
        match side {
            Side::Source => self.source_text.as_deref(),
            Side::Target => self.target_text.as_deref(),
        }
    }

    /// Byte spans in the document's text of its sentences `range` on one side, if the
    /// document kept its text and those sentences.
    fn spans(
        &self,
        tx: &Transaction,
        side: Side,
        range: &Range<usize>,
    ) -> Result<Option<Vec<Range<usize>>>> {
        if self.text(side).is_none() || range.is_empty() {
            return Ok(None);
        }
        let mut stmt = tx.prepare_cached(
            "SELECT start, \"end\" FROM segments WHERE document_id = ?1 AND side = ?2
             AND position >= ?3 AND position < ?4 ORDER BY position",
        )?;
        let spans = stmt
            .query_map(
                params![self.id, side.as_str(), range.start as i64, range.end as i64],
                |r| Ok(r.get::<_, i64>(0)? as usize..r.get::<_, i64>(1)? as usize),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((spans.len() == range.len()).then_some(spans))
    }

    /// The document's text over some sentences, when `text` is exactly that.
    fn original<'d>(
        &'d self,
        tx: &Transaction,
        side: Side,
        range: &Range<usize>,
    ) -> Result<Option<&'d str>> {
        let (Some(doc), Some(spans)) = (self.text(side), self.spans(tx, side, range)?) else {
            return Ok(None);
        };
        Ok(doc.get(spans[0].start..spans[spans.len() - 1].end))
    }
}

/// The sentences of one side of a unit, as byte ranges of its text: the document's sentences
/// while the text is still theirs, else what the segmenter finds.
fn sentences(
    tx: &Transaction,
    doc: &EditedDocument,
    row: &UnitRow,
    side: Side,
) -> Result<Vec<Range<usize>>> {
    let text = row.side(side);
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let range = row.range(side);
    if let Some(r) = &range
        && doc.original(tx, side, r)? == Some(text)
        && let Some(spans) = doc.spans(tx, side, r)?
    {
        let base = spans[0].start;
        return Ok(spans
            .into_iter()
            .map(|s| s.start - base..s.end - base)
            .collect());
    }
    let found: Vec<Range<usize>> = segment::split(text, doc.lang(side, text))
        .into_iter()
        .map(|s| s.start..s.end)
        .collect();
    if let Some(r) = range.filter(|r| r.len() != found.len()) {
        let label = match r.len() {
            1 => format!("sentence {}", r.start),
            _ => format!("sentences {}-{}", r.start, r.end - 1),
        };
        return Err(Error::invalid(format!(
            "cannot split unit {}: its {} was edited and now reads as {} sentence{}, not the {} it stands for ({label}); correct it with 'bitext edit' instead",
            row.id(),
            side.as_str(),
            found.len(),
            if found.len() == 1 { "" } else { "s" },
            r.len()
        )));
    }
    Ok(found)
}

/// The text of one side of two merged units: the document's own text over both when both
/// are still as aligned, else the two texts joined by a space.
fn merged_text(
    tx: &Transaction,
    doc: &EditedDocument,
    first: &UnitRow,
    second: &UnitRow,
    side: Side,
) -> Result<String> {
    let (a, b) = (first.side(side), second.side(side));
    if a.trim().is_empty() || b.trim().is_empty() {
        return Ok(if a.trim().is_empty() { b } else { a }.to_string());
    }
    if let (Some(x), Some(y)) = (first.range(side), second.range(side))
        && x.end == y.start
        && doc.original(tx, side, &x)? == Some(a)
        && doc.original(tx, side, &y)? == Some(b)
        && let Some(both) = doc.original(tx, side, &(x.start..y.end))?
    {
        return Ok(both.to_string());
    }
    Ok(format!("{a} {b}"))
}

/// The document of a change's rows (every row of a change is of one document).
fn document_of(before: &[UnitRow], after: &[UnitRow]) -> Option<i64> {
    before.iter().chain(after).map(UnitRow::document_id).next()
}

/// Writes a change: the `old` rows become the `new` ones, and the units after them in their
/// document move by the difference in number. Returns the ids of the new rows, in order.
fn apply(tx: &Transaction, old: &[UnitRow], new: &[UnitRow]) -> Result<Vec<i64>> {
    let Some(document) = document_of(old, new) else {
        return Ok(Vec::new());
    };
    let keep: HashSet<i64> = new.iter().filter_map(|r| r.int("id")).collect();
    for r in old.iter().filter(|r| !keep.contains(&r.id())) {
        tx.execute("DELETE FROM units WHERE id = ?1", [r.id()])?;
    }
    let shift = new.len() as i64 - old.len() as i64;
    if shift != 0 {
        let after = match old.iter().map(UnitRow::position).max() {
            Some(p) => p,
            None => new.iter().map(UnitRow::position).min().unwrap_or(0) - 1,
        };
        let mut touched: Vec<i64> = old.iter().map(UnitRow::id).collect();
        touched.extend(&keep);
        let placeholders = vec!["?"; touched.len()].join(", ");
        let sql = format!(
            "UPDATE units SET position = position + {shift}
             WHERE document_id = {document} AND position > {after} AND id NOT IN ({placeholders})"
        );
        tx.execute(&sql, params_from_iter(touched))?;
    }
    let was: HashSet<i64> = old.iter().map(UnitRow::id).collect();
    let mut ids = Vec::with_capacity(new.len());
    for r in new {
        match r.int("id") {
            Some(id) if was.contains(&id) => {
                update_row(tx, r)?;
                ids.push(id);
            }
            _ => ids.push(insert_row(tx, r)?),
        }
    }
    Ok(ids)
}

/// Checks that `rows` sit in their document's order: each alone at its position, its
/// sentences after those of the unit before it and before those of the unit after it.
fn check_order(tx: &Transaction, document: i64, rows: &[UnitRow]) -> Result<(), String> {
    let run = || -> rusqlite::Result<Option<String>> {
        for r in rows {
            let p = r.position();
            let same: i64 = tx.query_row(
                "SELECT count(*) FROM units WHERE document_id = ?1 AND position = ?2",
                params![document, p],
                |x| x.get(0),
            )?;
            if same != 1 {
                return Ok(Some(format!(
                    "unit {} would share position {p} with another unit of its document",
                    r.id()
                )));
            }
            for (query, before) in [
                ("position < ?2 ORDER BY position DESC", true),
                ("position > ?2 ORDER BY position", false),
            ] {
                let sql = format!(
                    "SELECT id, source_start, source_end, target_start, target_end FROM units
                     WHERE document_id = ?1 AND {query} LIMIT 1"
                );
                let next: Option<(i64, [Option<i64>; 4])> = tx
                    .query_row(&sql, params![document, p], |x| {
                        Ok((x.get(0)?, [x.get(1)?, x.get(2)?, x.get(3)?, x.get(4)?]))
                    })
                    .optional()?;
                let Some((other, bounds)) = next else {
                    continue;
                };
                for (k, side) in [Side::Source, Side::Target].into_iter().enumerate() {
                    let (Some(a), Some(b)) = (bounds[2 * k], bounds[2 * k + 1]) else {
                        continue;
                    };
                    let Some(mine) = r.range(side) else { continue };
                    let fits = if before {
                        b as usize <= mine.start
                    } else {
                        mine.end <= a as usize
                    };
                    if !fits {
                        return Ok(Some(format!(
                            "unit {}'s {} sentences would no longer follow the order of the document (unit {other} is in the way)",
                            r.id(),
                            side.as_str()
                        )));
                    }
                }
            }
        }
        Ok(None)
    };
    match run() {
        Ok(None) => Ok(()),
        Ok(Some(why)) => Err(why),
        Err(e) => Err(e.to_string()),
    }
}

/// Refuses to undo a change that cannot be undone now, saying why.
fn check_undoable(tx: &Transaction, target: &Change) -> Result<()> {
    let id = target.id;
    if target.kind == "undo" {
        return Err(Error::invalid(format!(
            "change {id} is itself an undo (of change {}); there is no redo: make the change again",
            target.undoes.unwrap_or(0)
        )));
    }
    if !UNDOABLE.contains(&target.kind.as_str()) {
        return Err(Error::invalid(format!(
            "change {id} ({}) cannot be undone with 'bitext undo'",
            target.kind
        )));
    }
    if let Some(by) = target.undone_by {
        return Err(Error::invalid(format!(
            "change {id} was already undone (by change {by})"
        )));
    }
    let mine = target.units();
    let document = document_of(&target.before, &target.after);
    let mut stmt = tx.prepare(&format!("{CHANGE_QUERY} WHERE c.id > ?1 ORDER BY c.id"))?;
    let later = stmt
        .query_map([id], change_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for l in later.iter().filter(|l| l.in_effect()) {
        if let Some(unit) = l.units().intersection(&mine).next() {
            return Err(Error::invalid(format!(
                "cannot undo change {id}: unit {unit} was changed again by change {} ({}); undo that first",
                l.id, l.kind
            )));
        }
        let same_document = document_of(&l.before, &l.after) == document;
        if same_document && (l.moves_units() || target.moves_units()) {
            return Err(Error::invalid(format!(
                "cannot undo change {id}: change {} ({}) came after it in the same document{}; undo that first",
                l.id,
                l.kind,
                if l.moves_units() {
                    " and moved its units"
                } else {
                    ""
                }
            )));
        }
    }
    let was: HashSet<i64> = target.after.iter().map(UnitRow::id).collect();
    for row in &target.after {
        if read_row(tx, row.id())?.as_ref() != Some(row) {
            return Err(Error::invalid(format!(
                "cannot undo change {id}: unit {} is no longer as that change left it (it was changed outside the history, by re-aligning or importing)",
                row.id()
            )));
        }
    }
    for row in target.before.iter().filter(|r| !was.contains(&r.id())) {
        if read_row(tx, row.id())?.is_some() {
            return Err(Error::invalid(format!(
                "cannot undo change {id}: unit id {} is taken by another unit",
                row.id()
            )));
        }
    }
    Ok(())
}

/// A unit row by id, every column.
fn read_row(conn: &rusqlite::Connection, id: i64) -> Result<Option<UnitRow>> {
    let mut stmt = conn.prepare_cached("SELECT * FROM units WHERE id = ?1")?;
    let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let mut rows = stmt.query([id])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let mut map = Map::new();
    for (k, name) in names.into_iter().enumerate() {
        let value = match row.get_ref(k)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::from(i),
            ValueRef::Real(x) => Value::from(x),
            ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(_) => {
                return Err(Error::invalid(format!(
                    "unit {id} holds binary data in column {name}, which bitext does not edit"
                )));
            }
        };
        map.insert(name, value);
    }
    Ok(Some(UnitRow(map)))
}

/// A JSON value of a row as an SQL value.
fn sql_value(column: &str, value: &Value) -> Result<SqlValue> {
    Ok(match value {
        Value::Null => SqlValue::Null,
        Value::String(s) => SqlValue::Text(s.clone()),
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or(0.0)),
        },
        _ => {
            return Err(Error::invalid(format!(
                "the history holds an unexpected value for column {column}"
            )));
        }
    })
}

fn quote_column(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn update_row(tx: &Transaction, row: &UnitRow) -> Result<()> {
    let mut sets = Vec::new();
    let mut values = Vec::new();
    for (name, value) in row.0.iter().filter(|(n, _)| n.as_str() != "id") {
        values.push(sql_value(name, value)?);
        sets.push(format!("{} = ?{}", quote_column(name), values.len()));
    }
    values.push(SqlValue::Integer(row.id()));
    let sql = format!(
        "UPDATE units SET {} WHERE id = ?{}",
        sets.join(", "),
        values.len()
    );
    tx.execute(&sql, params_from_iter(values))?;
    Ok(())
}

fn insert_row(tx: &Transaction, row: &UnitRow) -> Result<i64> {
    let mut names = Vec::new();
    let mut values = Vec::new();
    for (name, value) in &row.0 {
        names.push(quote_column(name));
        values.push(sql_value(name, value)?);
    }
    let marks: Vec<String> = (1..=values.len()).map(|k| format!("?{k}")).collect();
    let sql = format!(
        "INSERT INTO units ({}) VALUES ({})",
        names.join(", "),
        marks.join(", ")
    );
    tx.execute(&sql, params_from_iter(values))?;
    Ok(tx.last_insert_rowid())
}

struct Record<'a> {
    kind: &'a str,
    document: i64,
    summary: &'a str,
    before: &'a [UnitRow],
    after: &'a [UnitRow],
    user: &'a str,
    at: &'a str,
    undoes: Option<i64>,
}

fn record(tx: &Transaction, r: &Record) -> Result<i64> {
    let json = |rows: &[UnitRow]| {
        serde_json::to_string(rows).map_err(|e| Error::invalid(format!("history: {e}")))
    };
    tx.execute(
        "INSERT INTO changes (kind, document_id, summary, before, after, user, at, undoes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            r.kind,
            r.document,
            r.summary,
            json(r.before)?,
            json(r.after)?,
            r.user,
            r.at,
            r.undoes
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

const CHANGE_QUERY: &str = "SELECT c.id, c.kind, d.name, c.summary, c.user, c.at, c.undoes,
    c.undone_by, c.before, c.after FROM changes c LEFT JOIN documents d ON d.id = c.document_id";

fn change_from_row(r: &rusqlite::Row) -> rusqlite::Result<Change> {
    // a history row that does not parse is an error, never an empty change that undo would apply
    let rows = |k: usize| -> rusqlite::Result<Vec<UnitRow>> {
        let text: String = r.get(k)?;
        serde_json::from_str(&text).map_err(|e| {
            let id: i64 = r.get(0).unwrap_or_default();
            let damaged =
                std::io::Error::other(format!("change {id} of the history is damaged: {e}"));
            rusqlite::Error::FromSqlConversionFailure(
                k,
                rusqlite::types::Type::Text,
                Box::new(damaged),
            )
        })
    };
    Ok(Change {
        id: r.get(0)?,
        kind: r.get(1)?,
        document: r.get(2)?,
        summary: r.get(3)?,
        user: r.get(4)?,
        at: r.get(5)?,
        undoes: r.get(6)?,
        undone_by: r.get(7)?,
        before: rows(8)?,
        after: rows(9)?,
    })
}

fn read_change(conn: &rusqlite::Connection, id: i64) -> Result<Option<Change>> {
    Ok(conn
        .query_row(
            &format!("{CHANGE_QUERY} WHERE c.id = ?1"),
            [id],
            change_from_row,
        )
        .optional()?)
}

#[cfg(test)]
mod tests;

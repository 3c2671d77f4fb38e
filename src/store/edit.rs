//! Correcting units, with history and undo: edit, split, merge, move, delete — one unit or many.
//!
//! Every change is one transaction that writes the units and one row of `changes` with the
//! touched unit rows before and after it, complete (every column, by name), so that undo puts
//! them back exactly. (The `align` that stores a new document names its units by their ids
//! instead of copying them: its undo removes the whole document.) A change may touch units of several documents (a bulk edit); within each
//! document, when it changes the number of units (split +1, merge −1, delete −k), the untouched
//! units around them are renumbered so that positions stay consecutive and the document's order
//! holds: its units cover its sentences in order. Storing or re-aligning a whole document is a
//! change too (`align`, see `replace.rs`), which also records what it did to the document's texts.
//!
//! Every write of a unit row increases its `revision` (an undo too: it gives back every other
//! column exactly). A caller that read a unit may pass the revision it read; the change is then
//! refused with [`Error::Stale`] when the unit has moved on, and nothing is written.
//!
//! Undo applies a change backwards and is recorded as a change itself (`undoes`, and
//! `undone_by` on the change undone). Without an id it takes the latest change still in
//! effect. A given change can be undone while no later change in effect touched the same
//! units — or, in a document where it or a later change moved units (or re-aligned the
//! document), while no later change of that document is in effect — and while its units still
//! are as it left them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params, params_from_iter};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::exchange::{self, ImportChange};
use super::index::Side;
use super::replace::{self, DocumentChange};
use super::units::{UnitFilter, filter_clause};
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

    /// The row's revision (1 for a row that never changed).
    pub fn revision(&self) -> i64 {
        self.int("revision").unwrap_or(1)
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

    pub(super) fn set(&mut self, column: &str, value: impl Into<Value>) {
        self.0.insert(column.to_string(), value.into());
    }

    pub(super) fn set_range(&mut self, side: Side, range: Option<Range<usize>>) {
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

    /// The row without its revision: what "the same content" means when comparing rows across
    /// an undo, which restores every column but the revision.
    pub fn content(&self) -> UnitRow {
        let mut row = self.clone();
        row.0.remove("revision");
        row
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

impl UnitEdit {
    fn edits_text(&self) -> bool {
        self.source.is_some() || self.target.is_some()
    }
}

/// A unit named by a caller, with the revision the caller read of it, if it wants the change
/// refused once the unit has moved on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnitRef {
    pub id: i64,
    pub revision: Option<i64>,
}

/// Which units a bulk change applies to.
#[derive(Clone, Debug)]
pub enum Selection {
    /// These units (each must exist; duplicates count once).
    Units(Vec<UnitRef>),
    /// Every unit the filter selects (its sort, offset and limit are ignored).
    Filter(UnitFilter),
}

impl Selection {
    /// One unit, optionally as of a revision.
    pub fn one(id: i64, revision: Option<i64>) -> Selection {
        Selection::Units(vec![UnitRef { id, revision }])
    }

    /// These units, whatever their revision.
    pub fn ids(ids: impl IntoIterator<Item = i64>) -> Selection {
        Selection::Units(
            ids.into_iter()
                .map(|id| UnitRef { id, revision: None })
                .collect(),
        )
    }
}

/// What a bulk change did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BulkReport {
    /// The change recorded, or none when every selected unit already read as asked.
    pub change: Option<Change>,
    /// How many units the selection named.
    pub selected: usize,
    /// How many of them already read as asked, and were left alone.
    pub skipped: usize,
}

/// Where [`Memory::move_sentence`] moves a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// The first sentence of the side goes to the end of the unit before.
    Previous,
    /// The last sentence of the side goes to the start of the unit after.
    Next,
}

/// One change of the history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub id: i64,
    /// `edit`, `split`, `merge`, `move`, `delete`, `align`, `realign`, `import` or `undo`.
    pub kind: String,
    /// The document the change touched, as it was named then (none when it touched several).
    pub document: Option<String>,
    /// Every document the change touched, as they were named then.
    pub documents: Vec<String>,
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
    /// For an `align`: what it did to the document itself (created it, or replaced its texts).
    pub document_change: Option<DocumentChange>,
    /// For an `import`: the units it stored (by id range) and the documents they went into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import: Option<ImportChange>,
}

impl Change {
    /// The ids of the units this change touched, as its rows name them (not the units an
    /// `import` or the `align` that stored a document name by their range).
    pub fn units(&self) -> BTreeSet<i64> {
        self.before
            .iter()
            .chain(&self.after)
            .map(UnitRow::id)
            .collect()
    }

    /// The ids of the documents this change touched.
    pub fn document_ids(&self) -> BTreeSet<i64> {
        let mut ids: BTreeSet<i64> = self
            .before
            .iter()
            .chain(&self.after)
            .map(UnitRow::document_id)
            .collect();
        if let Some(d) = &self.document_change {
            ids.insert(d.document);
        }
        if let Some(i) = &self.import {
            ids.extend(i.documents.iter().map(|d| d.id));
        }
        ids
    }

    /// The change moved units of `document`: it added or removed some, changed a position, or
    /// re-aligned the whole document.
    fn moves_units(&self, document: i64) -> bool {
        if self
            .document_change
            .as_ref()
            .is_some_and(|d| d.document == document)
        {
            return true;
        }
        let of = |rows: &[UnitRow]| -> HashMap<i64, i64> {
            rows.iter()
                .filter(|r| r.document_id() == document)
                .map(|r| (r.id(), r.position()))
                .collect()
        };
        of(&self.before) != of(&self.after)
    }

    fn in_effect(&self) -> bool {
        self.kind != "undo" && self.undone_by.is_none()
    }
}

/// The kinds of change that `undo` knows how to revert.
const UNDOABLE: [&str; 8] = [
    "edit", "split", "merge", "move", "delete", "align", "realign", "import",
];

impl Memory {
    /// Changes one unit's texts, status or note; `expected` is the revision the caller read
    /// (the edit is refused with [`Error::Stale`] when the unit has changed since). An edit
    /// that changes nothing is refused; [`Memory::edit_units`] skips it instead.
    pub fn edit_unit(
        &mut self,
        id: i64,
        edit: &UnitEdit,
        expected: Option<i64>,
        user: &str,
    ) -> Result<Change> {
        self.edit_units(&Selection::one(id, expected), edit, user)?
            .change
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unit {id} already reads so: the edit changes nothing"
                ))
            })
    }

    /// Changes the status or note of every selected unit (or the texts of a single one), as
    /// one change. Units that already read as asked are skipped and counted; when all are, no
    /// change is recorded. Text edits on more than one unit are refused.
    pub fn edit_units(
        &mut self,
        selection: &Selection,
        edit: &UnitEdit,
        user: &str,
    ) -> Result<BulkReport> {
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
        let mut counts = (0, 0);
        let change = self.change_units(user, |tx, at| {
            let rows = select(tx, selection)?;
            if edit.edits_text() && rows.len() > 1 {
                return Err(Error::invalid(format!(
                    "--source and --target correct one pair at a time, and {} pairs are selected",
                    rows.len()
                )));
            }
            let mut old_rows = Vec::new();
            let mut new_rows = Vec::new();
            let mut fields: Vec<&str> = Vec::new();
            for old in &rows {
                let mut new = old.clone();
                let mut changed = false;
                let mut set = |column: &'static str, value: Value| {
                    if old.0.get(column) != Some(&value) {
                        new.set(column, value);
                        changed = true;
                        if !fields.contains(&column) {
                            fields.push(column);
                        }
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
                if changed {
                    new.touch(at, user);
                    old_rows.push(old.clone());
                    new_rows.push(new);
                }
            }
            counts = (rows.len(), rows.len() - old_rows.len());
            let order = ["source", "target", "status", "note"];
            fields.sort_by_key(|f| order.iter().position(|o| o == f));
            let summary = match old_rows.as_slice() {
                [one] => format!("edit #{}: {}", one.id(), fields.join(", ")),
                many => format!("edit {} units: {}", many.len(), fields.join(", ")),
            };
            Ok(Plan::units("edit", summary, old_rows, new_rows))
        })?;
        Ok(BulkReport {
            change,
            selected: counts.0,
            skipped: counts.1,
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
        expected: Option<i64>,
        user: &str,
    ) -> Result<Change> {
        self.change_one(user, |tx, at| {
            let old = read_expected(tx, id, expected)?;
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
                let sentences = sentences(tx, &doc, &old, side, "split")?;
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
            first.touch(at, user);
            second.touch(at, user);
            let mut new = vec![first, second];
            rescore(tx, old.document_id(), std::slice::from_ref(&old), &mut new)?;
            Ok(Plan::units(
                "split",
                format!(
                    "split #{id} into #{id} and #{{new}}: source sentences {source_at} + {}, target {target_at} + {}",
                    counts[0].1 - source_at,
                    counts[1].1 - target_at
                ),
                vec![old],
                new,
            ))
        })
    }

    /// Merges two neighbouring units of one document into the first of them; `expected` holds
    /// the revisions the caller read of `a` and `b`.
    pub fn merge_units(
        &mut self,
        a: i64,
        b: i64,
        expected: [Option<i64>; 2],
        user: &str,
    ) -> Result<Change> {
        if a == b {
            return Err(Error::invalid(format!("cannot merge unit {a} with itself")));
        }
        self.change_one(user, |tx, at| {
            let ra = read_expected(tx, a, expected[0])?;
            let rb = read_expected(tx, b, expected[1])?;
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
                let text = joined_text(
                    tx,
                    &doc,
                    (first.side(side), first.range(side)),
                    (second.side(side), second.range(side)),
                    side,
                )?;
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
            merged.touch(at, user);
            let mut new = vec![merged];
            let old = vec![first, second];
            rescore(tx, doc.id, &old, &mut new)?;
            Ok(Plan::units(
                "merge",
                format!("merge #{} and #{} into #{}", old[0].id(), old[1].id(), old[0].id()),
                old,
                new,
            ))
        })
    }

    /// Moves one sentence of a unit to its neighbour in the document: the first sentence of
    /// `side` to the end of the unit before ([`Direction::Previous`]), or the last one to the
    /// start of the unit after ([`Direction::Next`]). The texts follow the document's
    /// sentences (or the segmenter's, for an edited text, as [`Memory::split_unit`] does); a
    /// unit left with both sides empty is removed. `expected` is the revision the caller read
    /// of `unit`.
    pub fn move_sentence(
        &mut self,
        unit: i64,
        side: Side,
        direction: Direction,
        expected: Option<i64>,
        user: &str,
    ) -> Result<Change> {
        self.change_one(user, |tx, at| {
            let moving = read_expected(tx, unit, expected)?;
            let doc = EditedDocument::read(tx, moving.document_id())?;
            let Some(neighbour) = neighbour(tx, &moving, direction)? else {
                return Err(Error::invalid(format!(
                    "unit {unit} is the {} pair of its document: there is no {} pair to move a sentence to",
                    if direction == Direction::Previous { "first" } else { "last" },
                    if direction == Direction::Previous { "previous" } else { "next" },
                )));
            };
            let sentences = sentences(tx, &doc, &moving, side, "move a sentence of")?;
            let name = side.as_str();
            let Some(last) = sentences.len().checked_sub(1) else {
                return Err(Error::invalid(format!(
                    "unit {unit} has no {name} sentence to move"
                )));
            };
            let text = moving.side(side);
            let slice = |k: Range<usize>| -> &str {
                if k.is_empty() {
                    ""
                } else {
                    &text[sentences[k.start].start..sentences[k.end - 1].end]
                }
            };
            let range = moving.range(side);
            let (piece, rest, piece_range, rest_range) = match direction {
                Direction::Previous => (
                    slice(0..1),
                    slice(1..last + 1),
                    range.clone().map(|r| r.start..r.start + 1),
                    range.clone().map(|r| r.start + 1..r.end),
                ),
                Direction::Next => (
                    slice(last..last + 1),
                    slice(0..last),
                    range.clone().map(|r| r.end - 1..r.end),
                    range.clone().map(|r| r.start..r.end - 1),
                ),
            };
            let mut shrunk = moving.clone();
            shrunk.set(name, rest);
            shrunk.set_range(side, rest_range);
            let mut grown = neighbour.clone();
            let near = (neighbour.side(side), neighbour.range(side));
            let far = (piece, piece_range.clone());
            let (first, second) = match direction {
                Direction::Previous => (near, far),
                Direction::Next => (far, near),
            };
            let grown_range = match (&first.1, &second.1) {
                (Some(x), Some(y)) if x.end == y.start => Some(x.start..y.end),
                (Some(_), Some(_)) => {
                    return Err(Error::invalid(format!(
                        "units {unit} and {} do not cover neighbouring {name} sentences; merge or split them instead",
                        neighbour.id()
                    )));
                }
                _ => None,
            };
            grown.set(name, joined_text(tx, &doc, first, second, side)?);
            grown.set_range(side, grown_range);
            grown.touch(at, user);
            shrunk.touch(at, user);
            let label = match &piece_range {
                Some(r) => format!("{name} sentence {}", r.start),
                None => format!(
                    "the {} {name} sentence",
                    if direction == Direction::Previous { "first" } else { "last" }
                ),
            };
            let emptied = shrunk.side(Side::Source).trim().is_empty()
                && shrunk.side(Side::Target).trim().is_empty();
            let mut summary = format!("move {label} of #{unit} to #{}", neighbour.id());
            let (old, mut new) = match (direction, emptied) {
                (Direction::Previous, false) => {
                    (vec![neighbour, moving], vec![grown, shrunk])
                }
                (Direction::Next, false) => (vec![moving, neighbour], vec![shrunk, grown]),
                (Direction::Previous, true) => (vec![neighbour, moving], vec![grown]),
                (Direction::Next, true) => {
                    // the pair after takes the place of the one that goes
                    grown.set("position", moving.position());
                    (vec![moving, neighbour], vec![grown])
                }
            };
            if emptied {
                summary.push_str(&format!(" (#{unit}, left empty, is removed)"));
            }
            rescore(tx, doc.id, &old, &mut new)?;
            Ok(Plan::units("move", summary, old, new))
        })
    }

    /// Deletes one unit; `expected` is the revision the caller read of it.
    pub fn delete_unit(&mut self, id: i64, expected: Option<i64>, user: &str) -> Result<Change> {
        self.delete_units(&Selection::one(id, expected), user)?
            .change
            .ok_or(Error::UnknownUnit(id))
    }

    /// Deletes every selected unit, as one change (none when the selection is empty).
    pub fn delete_units(&mut self, selection: &Selection, user: &str) -> Result<BulkReport> {
        let mut selected = 0;
        let change = self.change_units(user, |tx, _| {
            let rows = select(tx, selection)?;
            selected = rows.len();
            let summary = match rows.as_slice() {
                [one] => format!("delete #{}", one.id()),
                many if many.len() <= 5 => format!(
                    "delete {} units: {}",
                    many.len(),
                    many.iter()
                        .map(|r| format!("#{}", r.id()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                many => format!("delete {} units", many.len()),
            };
            Ok(Plan::units("delete", summary, rows, Vec::new()))
        })?;
        Ok(BulkReport {
            change,
            selected,
            skipped: 0,
        })
    }

    /// Reverts a change — the latest still in effect when `change` is `None` — and records the
    /// undo as a change; returns that new change. The units come back exactly as they were
    /// (each with a new revision); undoing an `align` gives the document back its texts and
    /// sentences, or removes it when that `align` stored it.
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
        let documents = document_names(&tx, &target.document_ids())?;
        // the revisions to go on from are the units' current ones (a later undo may have
        // written them since this change did)
        let after_ids: Vec<i64> = target.after.iter().map(UnitRow::id).collect();
        let current = read_rows(&tx, &after_ids)?;
        let restored = with_next_revisions(&current, &target.before);
        let ids = apply(&tx, &current, &restored)?;
        check_order(&tx, &restored)
            .map_err(|why| Error::invalid(format!("cannot undo change {}: {why}", target.id)))?;
        if let Some(d) = &target.document_change {
            replace::undo_document(&tx, d)?;
        }
        if let Some(i) = &target.import {
            exchange::undo_import(&tx, i)?;
        }
        let after = read_rows(&tx, &ids)?;
        let at = now();
        let id = record(
            &tx,
            &Record {
                kind: "undo",
                summary: &format!("undo change {} ({})", target.id, target.summary),
                documents: &documents,
                before: &target.after,
                after: &after,
                document_change: None,
                import: None,
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
        self.latest_changes(unit, None)
    }

    /// The latest `limit` changes (all when `None`), latest first: of the whole memory, or
    /// those that touched one unit. Only the rows returned are read in full when no unit is
    /// given (a history row may be large: a bulk edit holds every unit it changed).
    pub fn latest_changes(&self, unit: Option<i64>, limit: Option<usize>) -> Result<Vec<Change>> {
        let mut stmt = self
            .conn
            .prepare(&format!("{CHANGE_QUERY} ORDER BY c.id DESC"))
            .map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map([], change_from_row)
            .map_err(|e| self.fail(e))?;
        let mut out = Vec::new();
        for row in rows {
            if limit.is_some_and(|n| out.len() >= n) {
                break;
            }
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

    /// Runs a change that must change something (split, merge, move).
    fn change_one(
        &mut self,
        user: &str,
        plan: impl FnOnce(&Transaction, &str) -> Result<Plan>,
    ) -> Result<Change> {
        self.change_units(user, plan)?
            .ok_or_else(|| Error::invalid("the change changes nothing"))
    }

    /// Runs one change: `plan` reads what it needs and says which rows become which; the
    /// rows are written, the change recorded, and all of it committed together. A plan that
    /// touches nothing records nothing.
    pub(super) fn change_units(
        &mut self,
        user: &str,
        plan: impl FnOnce(&Transaction, &str) -> Result<Plan>,
    ) -> Result<Option<Change>> {
        let path = self.path.clone();
        let fail = |e| db_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let at = now();
        let plan = plan(&tx, &at)?;
        let change = write_plan(&tx, plan, user, &at)?;
        tx.commit().map_err(fail)?;
        Ok(change)
    }
}

/// Writes a planned change inside `tx` and records it; `None` when it touches nothing.
pub(super) fn write_plan(
    tx: &Transaction,
    mut plan: Plan,
    user: &str,
    at: &str,
) -> Result<Option<Change>> {
    if plan.old.is_empty() && plan.new.is_empty() && plan.document_change.is_none() {
        return Ok(None);
    }
    let mut ids: BTreeSet<i64> = plan
        .old
        .iter()
        .chain(&plan.new)
        .map(UnitRow::document_id)
        .collect();
    if let Some(d) = &plan.document_change {
        ids.insert(d.document);
    }
    let documents = document_names(tx, &ids)?;
    let new = with_next_revisions(&plan.old, &plan.new);
    let new_ids = apply(tx, &plan.old, &new)?;
    // the units of a new document are not copied into the history: undoing its `align`
    // removes the document with all its units, which it checks are the ones stored
    let after = match &mut plan.document_change {
        Some(d) if d.created => {
            d.stored_units = match (new_ids.iter().min(), new_ids.iter().max()) {
                (Some(&first), Some(&last)) => Some([first, last]),
                _ => None,
            };
            Vec::new()
        }
        _ => read_rows(tx, &new_ids)?,
    };
    // a new unit's id is known once it is written
    let summary = match after.last() {
        Some(new) => plan.summary.replace("{new}", &new.id().to_string()),
        None => plan.summary.clone(),
    };
    let id = record(
        tx,
        &Record {
            kind: plan.kind,
            summary: &summary,
            documents: &documents,
            before: &plan.old,
            after: &after,
            document_change: plan.document_change.as_ref(),
            import: None,
            user,
            at,
            undoes: None,
        },
    )?;
    Ok(Some(read_change(tx, id)?.ok_or(Error::UnknownChange(id))?))
}

/// The one place where units that split, merge and move reshaped get their score: the
/// posterior of each reshaped pair in the document's alignment as it will be after the change,
/// with the document's models ([`crate::align::constrained::Rescorer`]: its length model, and a
/// word model trained on its confident pairs nearest the reshaped ones). `old` are the rows the
/// change replaces, `rows` what they become. A pair of a document without its texts, or of one
/// whose units do not cover its sentences (units imported into it), gets no score.
fn rescore(tx: &Transaction, document: i64, old: &[UnitRow], rows: &mut [UnitRow]) -> Result<()> {
    let scores = reshaped_scores(tx, document, old, rows)?;
    for (k, row) in rows.iter_mut().enumerate() {
        let score = scores
            .as_ref()
            .and_then(|s| serde_json::Number::from_f64((s[k].clamp(0.0, 1.0) * 1e4).round() / 1e4));
        row.set("score", score.map_or(Value::Null, Value::Number));
    }
    Ok(())
}

/// The scores of `rows` (see [`rescore`]); `None` when they cannot be computed.
fn reshaped_scores(
    tx: &Transaction,
    document: i64,
    old: &[UnitRow],
    rows: &[UnitRow],
) -> Result<Option<Vec<f64>>> {
    use crate::align::constrained::Rescorer;
    use crate::align::{Bead, Config, Training};

    let doc = EditedDocument::read(tx, document)?;
    if doc.source_text.is_none() || doc.target_text.is_none() {
        return Ok(None);
    }
    let (Ok(source_lang), Ok(target_lang)) =
        (Lang::parse(&doc.source_lang), Lang::parse(&doc.target_lang))
    else {
        return Ok(None);
    };
    let sentences = |side: Side| -> Result<Vec<String>> {
        let mut stmt = tx.prepare_cached(
            "SELECT text FROM segments WHERE document_id = ?1 AND side = ?2 ORDER BY position",
        )?;
        let texts = stmt
            .query_map(params![document, side.as_str()], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(texts)
    };
    let source = sentences(Side::Source)?;
    let target = sentences(Side::Target)?;
    // the document's alignment after the change: its other units, and the reshaped rows
    let replaced: HashSet<i64> = old.iter().map(UnitRow::id).collect();
    let mut stmt = tx.prepare_cached(
        "SELECT id, source_start, source_end, target_start, target_end, score, status
         FROM units WHERE document_id = ?1",
    )?;
    let mut beads: Vec<(Bead, Option<usize>)> = Vec::new();
    let others = stmt.query_map([document], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            [r.get::<_, Option<i64>>(1)?, r.get(2)?, r.get(3)?, r.get(4)?],
            r.get::<_, Option<f64>>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    for row in others {
        let (id, bounds, score, status) = row?;
        if replaced.contains(&id) {
            continue;
        }
        let [Some(a), Some(b), Some(c), Some(d)] = bounds else {
            return Ok(None);
        };
        // pairs a reviewer passed count as sure for the length model, as when re-aligning
        let sure = status == Status::Reviewed.as_str() || status == Status::Approved.as_str();
        beads.push((
            Bead {
                source: a as usize..b as usize,
                target: c as usize..d as usize,
                score: if sure { 1.0 } else { score.unwrap_or(0.0) },
            },
            None,
        ));
    }
    for (k, row) in rows.iter().enumerate() {
        let (Some(source), Some(target)) = (row.range(Side::Source), row.range(Side::Target))
        else {
            return Ok(None);
        };
        // a pair just made by an edit is not yet evidence for the models
        beads.push((
            Bead {
                source,
                target,
                score: 0.0,
            },
            Some(k),
        ));
    }
    // in a covering alignment each bead starts after the one before it on both sides
    beads.sort_by_key(|(b, _)| (b.source.start, b.target.start));
    let which: Vec<usize> = (0..rows.len())
        .map(|k| beads.iter().position(|(_, r)| *r == Some(k)).unwrap_or(0))
        .collect();
    let beads: Vec<Bead> = beads.into_iter().map(|(b, _)| b).collect();
    let source: Vec<&str> = source.iter().map(String::as_str).collect();
    let target: Vec<&str> = target.iter().map(String::as_str).collect();
    let config = Config {
        source_lang,
        target_lang,
        ..Config::default()
    };
    let training = Training::default();
    let Ok(rescorer) = Rescorer::new(&source, &target, &beads, &training, &config) else {
        return Ok(None);
    };
    Ok(rescorer.scores(&beads, &which).ok())
}

/// Which rows a change replaces with which.
pub(super) struct Plan {
    pub kind: &'static str,
    pub summary: String,
    /// The touched rows as they are, in document order.
    pub old: Vec<UnitRow>,
    /// What they become (rows without an `id` are new units), in document order.
    pub new: Vec<UnitRow>,
    /// What the change does to a document itself (an `align`).
    pub document_change: Option<DocumentChange>,
}

impl Plan {
    fn units(kind: &'static str, summary: String, old: Vec<UnitRow>, new: Vec<UnitRow>) -> Plan {
        Plan {
            kind,
            summary,
            old,
            new,
            document_change: None,
        }
    }
}

/// The rows `new` with their next revisions: a row that stays takes the revision after the
/// one it has (in `old`); a row brought back takes the one after the revision it had when it
/// was removed; a new row starts at the default.
fn with_next_revisions(old: &[UnitRow], new: &[UnitRow]) -> Vec<UnitRow> {
    let current: HashMap<i64, i64> = old.iter().map(|r| (r.id(), r.revision())).collect();
    new.iter()
        .map(|r| {
            let mut r = r.clone();
            let next = r
                .int("id")
                .map(|id| current.get(&id).copied().unwrap_or(r.revision()) + 1);
            match next {
                Some(n) => r.set("revision", n),
                None => {
                    r.0.remove("revision");
                }
            }
            r
        })
        .collect()
}

/// The rows a selection names, in document order, checked against the revisions given.
fn select(tx: &Transaction, selection: &Selection) -> Result<Vec<UnitRow>> {
    let mut rows = Vec::new();
    match selection {
        Selection::Units(refs) => {
            let mut seen = HashSet::new();
            for r in refs {
                if seen.insert(r.id) {
                    rows.push(read_expected(tx, r.id, r.revision)?);
                }
            }
        }
        Selection::Filter(filter) => {
            if let Some(name) = &filter.document {
                let known: Option<i64> = tx
                    .query_row("SELECT id FROM documents WHERE name = ?1", [name], |r| {
                        r.get(0)
                    })
                    .optional()?;
                known.ok_or_else(|| Error::UnknownDocument(name.clone()))?;
            }
            let (conditions, args) = filter_clause(filter);
            let sql = format!(
                "SELECT u.id FROM units u JOIN documents d ON d.id = u.document_id WHERE 1{conditions}"
            );
            let mut stmt = tx.prepare(&sql)?;
            let params: Vec<&dyn rusqlite::ToSql> = args.iter().map(|b| b.as_ref()).collect();
            let ids = stmt
                .query_map(params.as_slice(), |r| r.get::<_, i64>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows = read_rows(tx, &ids)?;
        }
    }
    rows.sort_by_key(|r| (r.document_id(), r.position(), r.id()));
    Ok(rows)
}

/// A unit's row, refused when it is not at the revision the caller read.
fn read_expected(tx: &Transaction, id: i64, expected: Option<i64>) -> Result<UnitRow> {
    let row = read_row(tx, id)?.ok_or(Error::UnknownUnit(id))?;
    match expected {
        Some(revision) if revision != row.revision() => Err(Error::Stale {
            unit: id,
            expected: revision,
            current: row.revision(),
        }),
        _ => Ok(row),
    }
}

/// The unit just before or after `row` in its document.
fn neighbour(tx: &Transaction, row: &UnitRow, direction: Direction) -> Result<Option<UnitRow>> {
    let sql = match direction {
        Direction::Previous => {
            "SELECT id FROM units WHERE document_id = ?1 AND (position, id) < (?2, ?3)
             ORDER BY position DESC, id DESC LIMIT 1"
        }
        Direction::Next => {
            "SELECT id FROM units WHERE document_id = ?1 AND (position, id) > (?2, ?3)
             ORDER BY position, id LIMIT 1"
        }
    };
    let id: Option<i64> = tx
        .query_row(
            sql,
            params![row.document_id(), row.position(), row.id()],
            |r| r.get(0),
        )
        .optional()?;
    match id {
        Some(id) => read_row(tx, id),
        None => Ok(None),
    }
}

/// A document's languages and texts, for splitting, merging and moving.
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

    /// The document's text over some sentences, when it kept them.
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
/// while the text is still theirs, else what the segmenter finds. `action` names what needs
/// them, for the message when an edited text no longer has the sentences the unit stands for.
fn sentences(
    tx: &Transaction,
    doc: &EditedDocument,
    row: &UnitRow,
    side: Side,
    action: &str,
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
            _ => format!("sentences {}-{}", r.start, r.end.saturating_sub(1)),
        };
        return Err(Error::invalid(format!(
            "cannot {action} unit {}: its {} was edited and now reads as {} sentence{}, not the {} it stands for ({label}); correct it with 'bitext edit' instead",
            row.id(),
            side.as_str(),
            found.len(),
            if found.len() == 1 { "" } else { "s" },
            r.len()
        )));
    }
    Ok(found)
}

/// The text of two neighbouring pieces of one side joined: the document's own text over both
/// when both are still the document's text over neighbouring sentences, else the two texts
/// joined by a space.
fn joined_text(
    tx: &Transaction,
    doc: &EditedDocument,
    (a, x): (&str, Option<Range<usize>>),
    (b, y): (&str, Option<Range<usize>>),
    side: Side,
) -> Result<String> {
    if a.trim().is_empty() || b.trim().is_empty() {
        return Ok(if a.trim().is_empty() { b } else { a }.to_string());
    }
    if let (Some(x), Some(y)) = (x, y)
        && x.end == y.start
        && doc.original(tx, side, &x)? == Some(a)
        && doc.original(tx, side, &y)? == Some(b)
        && let Some(both) = doc.original(tx, side, &(x.start..y.end))?
    {
        return Ok(both.to_string());
    }
    Ok(format!("{a} {b}"))
}

/// The names of some documents (those that still exist), in id order.
fn document_names(tx: &Transaction, ids: &BTreeSet<i64>) -> Result<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for &id in ids {
        let name: Option<String> = tx
            .prepare_cached("SELECT name FROM documents WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if let Some(name) = name {
            out.push((id, name));
        }
    }
    Ok(out)
}

/// Writes a change: the `old` rows become the `new` ones (rows of `new` whose id is not among
/// `old` are inserted, with that id when they have one), and within each document the
/// untouched units are renumbered around them (see [`renumber`]). Returns the ids of the new
/// rows, in order.
pub(super) fn apply(tx: &Transaction, old: &[UnitRow], new: &[UnitRow]) -> Result<Vec<i64>> {
    let keep: HashSet<i64> = new.iter().filter_map(|r| r.int("id")).collect();
    for r in old.iter().filter(|r| !keep.contains(&r.id())) {
        tx.prepare_cached("DELETE FROM units WHERE id = ?1")?
            .execute([r.id()])?;
    }
    let mut touched: HashSet<i64> = old.iter().map(UnitRow::id).collect();
    touched.extend(&keep);
    let mut slots: BTreeMap<i64, (Vec<i64>, Vec<i64>)> = BTreeMap::new();
    for r in old {
        slots
            .entry(r.document_id())
            .or_default()
            .0
            .push(r.position());
    }
    for r in new {
        slots
            .entry(r.document_id())
            .or_default()
            .1
            .push(r.position());
    }
    for (document, (mut removed, mut added)) in slots {
        removed.sort_unstable();
        added.sort_unstable();
        if removed != added {
            renumber(tx, document, &removed, &added, &touched)?;
        }
    }
    let was: HashMap<i64, &UnitRow> = old.iter().map(|r| (r.id(), r)).collect();
    let mut ids = Vec::with_capacity(new.len());
    for r in new {
        match r.int("id").and_then(|id| was.get(&id)) {
            Some(before) => {
                update_row(tx, before, r)?;
                ids.push(r.id());
            }
            None => ids.push(insert_row(tx, r)?),
        }
    }
    Ok(ids)
}

/// Moves a document's untouched units to make room for a change that takes the positions
/// `removed` away and puts rows at the positions `added`: each untouched unit first closes
/// up over the removed positions before it, then opens up over the added positions at or
/// before where it lands. For a run of neighbours this moves the units after the run by the
/// difference in number; run with the two lists swapped, it is its own inverse, so an undo
/// puts every unit back at its position, gaps and all.
fn renumber(
    tx: &Transaction,
    document: i64,
    removed: &[i64],
    added: &[i64],
    touched: &HashSet<i64>,
) -> Result<()> {
    let from = removed
        .first()
        .into_iter()
        .chain(added.first())
        .min()
        .copied()
        .unwrap_or(0);
    let mut stmt = tx.prepare_cached(
        "SELECT id, position FROM units WHERE document_id = ?1 AND position >= ?2
         ORDER BY position, id",
    )?;
    let rows = stmt
        .query_map(params![document, from], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (mut closed, mut opened) = (0, 0);
    let mut update = tx.prepare_cached("UPDATE units SET position = ?1 WHERE id = ?2")?;
    for (id, position) in rows {
        if touched.contains(&id) {
            continue;
        }
        while closed < removed.len() && removed[closed] < position {
            closed += 1;
        }
        let reduced = position - closed as i64;
        while opened < added.len() && added[opened] <= reduced + opened as i64 {
            opened += 1;
        }
        let moved = reduced + opened as i64;
        if moved != position {
            update.execute(params![moved, id])?;
        }
    }
    Ok(())
}

/// Checks that `rows` sit in their documents' order: each alone at its position, its
/// sentences after those of the unit before it and before those of the unit after it. Many
/// rows of one document are checked by reading the whole document once.
pub(super) fn check_order(tx: &Transaction, rows: &[UnitRow]) -> Result<(), String> {
    let mut by_document: BTreeMap<i64, Vec<&UnitRow>> = BTreeMap::new();
    for r in rows {
        by_document.entry(r.document_id()).or_default().push(r);
    }
    for (document, rows) in by_document {
        let found = if rows.len() > 32 {
            check_document_order(tx, document)
        } else {
            check_rows_order(tx, document, &rows)
        };
        match found {
            Ok(None) => {}
            Ok(Some(why)) => return Err(why),
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(())
}

fn check_rows_order(
    tx: &Transaction,
    document: i64,
    rows: &[&UnitRow],
) -> rusqlite::Result<Option<String>> {
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
}

/// Reads a document's units in order and checks that positions are distinct and that the
/// sentence ranges on each side follow each other.
fn check_document_order(tx: &Transaction, document: i64) -> rusqlite::Result<Option<String>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id, position, source_start, source_end, target_start, target_end FROM units
         WHERE document_id = ?1 ORDER BY position, id",
    )?;
    let rows = stmt.query_map([document], |x| {
        Ok((
            x.get::<_, i64>(0)?,
            x.get::<_, i64>(1)?,
            [x.get::<_, Option<i64>>(2)?, x.get(3)?, x.get(4)?, x.get(5)?],
        ))
    })?;
    let mut last: Option<(i64, i64)> = None;
    let mut ends: [Option<(i64, i64)>; 2] = [None, None];
    for row in rows {
        let (id, position, bounds) = row?;
        if let Some((other, p)) = last
            && p == position
        {
            return Ok(Some(format!(
                "unit {id} would share position {position} with unit {other}"
            )));
        }
        last = Some((id, position));
        for (k, side) in ["source", "target"].into_iter().enumerate() {
            let (Some(a), Some(b)) = (bounds[2 * k], bounds[2 * k + 1]) else {
                continue;
            };
            if let Some((other, end)) = ends[k]
                && a < end
            {
                return Ok(Some(format!(
                    "unit {id}'s {side} sentences would no longer follow the order of the document (unit {other} is in the way)"
                )));
            }
            ends[k] = Some((id, b));
        }
    }
    Ok(None)
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
    let documents = target.document_ids();
    let imported = target.import.as_ref().map(|i| i.units);
    let mut stmt = tx.prepare(&format!("{CHANGE_QUERY} WHERE c.id > ?1 ORDER BY c.id"))?;
    let later = stmt
        .query_map([id], change_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for l in later.iter().filter(|l| l.in_effect()) {
        let again = l
            .units()
            .into_iter()
            .find(|u| mine.contains(u) || imported.is_some_and(|[a, b]| (a..=b).contains(u)));
        if let Some(unit) = again {
            return Err(Error::invalid(format!(
                "cannot undo change {id}: unit {unit} was changed again by change {} ({}); undo that first",
                l.id, l.kind
            )));
        }
        if imported.is_some() {
            // an import moved no unit of the documents it added units to: only the changes
            // of its own units stand in the way
            continue;
        }
        for &document in l.document_ids().intersection(&documents) {
            if l.moves_units(document) || target.moves_units(document) {
                return Err(Error::invalid(format!(
                    "cannot undo change {id}: change {} ({}) came after it in the same document{}; undo that first",
                    l.id,
                    l.kind,
                    if l.moves_units(document) {
                        " and moved its units"
                    } else {
                        ""
                    }
                )));
            }
        }
    }
    let was: HashSet<i64> = target.after.iter().map(UnitRow::id).collect();
    // an undo restores every column but the revision, so rows are compared without it
    for row in &target.after {
        if read_row(tx, row.id())?.map(|r| r.content()) != Some(row.content()) {
            return Err(Error::invalid(format!(
                "cannot undo change {id}: unit {} is no longer as that change left it (it was changed outside the history, by importing)",
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
    if let Some(d) = &target.document_change {
        replace::check_document_undoable(tx, d, id)?;
    }
    if let Some(i) = &target.import {
        exchange::check_import_undoable(tx, i, id)?;
    }
    Ok(())
}

/// A unit row by id, every column.
pub(super) fn read_row(conn: &rusqlite::Connection, id: i64) -> Result<Option<UnitRow>> {
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

/// Unit rows by id, in the order given (every one must exist).
pub(super) fn read_rows(conn: &rusqlite::Connection, ids: &[i64]) -> Result<Vec<UnitRow>> {
    ids.iter()
        .map(|&id| read_row(conn, id)?.ok_or(Error::UnknownUnit(id)))
        .collect()
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

/// Writes the columns of `row` that differ from `before` (the row as stored): a status edit
/// leaves the texts, and so the search index, alone.
fn update_row(tx: &Transaction, before: &UnitRow, row: &UnitRow) -> Result<()> {
    let mut sets = Vec::new();
    let mut values = Vec::new();
    for (name, value) in row
        .0
        .iter()
        .filter(|(n, v)| n.as_str() != "id" && before.0.get(n.as_str()) != Some(*v))
    {
        values.push(sql_value(name, value)?);
        sets.push(format!("{} = ?{}", quote_column(name), values.len()));
    }
    if sets.is_empty() {
        return Ok(());
    }
    values.push(SqlValue::Integer(row.id()));
    let sql = format!(
        "UPDATE units SET {} WHERE id = ?{}",
        sets.join(", "),
        values.len()
    );
    tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
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
    tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    Ok(tx.last_insert_rowid())
}

struct Record<'a> {
    kind: &'a str,
    summary: &'a str,
    /// The documents touched, by id, with their names.
    documents: &'a [(i64, String)],
    before: &'a [UnitRow],
    after: &'a [UnitRow],
    document_change: Option<&'a DocumentChange>,
    import: Option<&'a ImportChange>,
    user: &'a str,
    at: &'a str,
    undoes: Option<i64>,
}

fn record(tx: &rusqlite::Connection, r: &Record) -> Result<i64> {
    let (document_id, document) = match r.documents {
        [(id, name)] => (Some(*id), Some(name.as_str())),
        _ => (None, None),
    };
    let names: Vec<&str> = r.documents.iter().map(|(_, n)| n.as_str()).collect();
    let document_change = match r.document_change {
        Some(d) => Some(json(d)?),
        None => None,
    };
    let import = match r.import {
        Some(i) => Some(json(i)?),
        None => None,
    };
    tx.execute(
        "INSERT INTO changes (kind, document_id, document, document_names, summary, before,
            after, document_change, user, at, undoes, import)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            r.kind,
            document_id,
            document,
            json(&names)?,
            r.summary,
            json(r.before)?,
            json(r.after)?,
            document_change,
            r.user,
            r.at,
            r.undoes,
            import
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Records an import as one `import` change (inside the import's transaction); returns its id.
pub(super) fn record_import(
    tx: &rusqlite::Connection,
    import: &ImportChange,
    user: &str,
    at: &str,
) -> Result<i64> {
    let documents: Vec<(i64, String)> = import
        .documents
        .iter()
        .map(|d| (d.id, d.name.clone()))
        .collect();
    record(
        tx,
        &Record {
            kind: "import",
            summary: &exchange::import_summary(import),
            documents: &documents,
            before: &[],
            after: &[],
            document_change: None,
            import: Some(import),
            user,
            at,
            undoes: None,
        },
    )
}

/// A value of a change row as JSON text.
fn json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::invalid(format!("history: {e}")))
}

const CHANGE_QUERY: &str = "SELECT c.id, c.kind, c.document, c.document_names, c.summary, c.user,
    c.at, c.undoes, c.undone_by, c.before, c.after, c.document_change, c.import FROM changes c";

fn change_from_row(r: &rusqlite::Row) -> rusqlite::Result<Change> {
    // a history row that does not parse is an error, never an empty change that undo would apply
    fn parse<T: serde::de::DeserializeOwned>(r: &rusqlite::Row, k: usize) -> rusqlite::Result<T> {
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
    }
    let has_document_change = r.get_ref(11)? != ValueRef::Null;
    let has_import = r.get_ref(12)? != ValueRef::Null;
    Ok(Change {
        id: r.get(0)?,
        kind: r.get(1)?,
        document: r.get(2)?,
        documents: parse(r, 3)?,
        summary: r.get(4)?,
        user: r.get(5)?,
        at: r.get(6)?,
        undoes: r.get(7)?,
        undone_by: r.get(8)?,
        before: parse(r, 9)?,
        after: parse(r, 10)?,
        document_change: if has_document_change {
            Some(parse(r, 11)?)
        } else {
            None
        },
        import: if has_import {
            Some(parse(r, 12)?)
        } else {
            None
        },
    })
}

pub(super) fn read_change(conn: &rusqlite::Connection, id: i64) -> Result<Option<Change>> {
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

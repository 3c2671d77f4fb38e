//! Storing a document's alignment as a change in the history: a new document, or a new
//! alignment of a stored one (`align --replace`, and `realign` later) that keeps the review
//! work on every pair whose text did not change.
//!
//! **Which units are kept.** A new bead matches an old unit when the document text under the
//! bead's sentences (in the new texts) equals the document text under the unit's sentences
//! (in the old texts), on both sides; beads and units are matched in order, as a diff of the
//! two sequences of text pairs does (the longest common subsequence, Myers' algorithm from the
//! `similar` crate). When the document's texts, languages and sentences are all unchanged, a
//! bead matches the unit with exactly its sentence ranges. A unit imported without sentence
//! numbers is matched by its own texts. A kept unit keeps its id, status, note, texts (a
//! reviewer's correction too), creator, dates and markup; only its position and sentence ranges
//! may change (and its revision goes up when they do). Unmatched old units are removed;
//! unmatched beads become new draft units with the aligner's score.
//!
//! A replacement that would remove units carrying review work — a status other than draft, a
//! note, or a text that differs from the document's text under its sentences — is refused
//! unless forced. The whole replacement is one transaction and one `align` change, which also
//! records the texts and sentences it replaced, so that undo gives them back exactly; undoing
//! the `align` that stored a document removes the document again.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::edit::{Change, Plan, UnitRef, UnitRow, check_order, read_rows, write_plan};
use super::index::Side;
use super::{Memory, NewDocument, Status, db_error, now};
use crate::Lang;
use crate::align::Bead;
use crate::error::{Error, Result};
use crate::segment::Span;

/// A document's texts and sentences, for a new alignment.
#[derive(Clone, Copy, Debug)]
pub struct DocumentTexts<'a> {
    pub source_lang: Lang,
    pub target_lang: Lang,
    pub source_text: &'a str,
    pub target_text: &'a str,
    pub source_sentences: &'a [Span],
    pub target_sentences: &'a [Span],
}

/// A new alignment of a stored document.
#[derive(Clone, Copy, Debug)]
pub struct Realignment<'a> {
    /// The stored document, by name.
    pub document: &'a str,
    /// New texts and sentences; `None` keeps the document's own (a re-alignment of its text).
    pub texts: Option<DocumentTexts<'a>>,
    /// The new alignment: beads over the sentences, in order, covering every sentence.
    pub beads: &'a [Bead],
}

/// What a replacement is recorded as in the history.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReplaceKind {
    /// `align`: a new alignment the aligner made of the whole document (`align --replace`).
    #[default]
    Align,
    /// `realign`: the document re-aligned around the pairs a reviewer confirmed
    /// ([`crate::realign`]).
    Realign,
}

impl ReplaceKind {
    fn as_str(self) -> &'static str {
        match self {
            ReplaceKind::Align => "align",
            ReplaceKind::Realign => "realign",
        }
    }
}

/// How a new alignment replaces the stored one.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReplaceOptions<'a> {
    /// Remove units that carry review work too (without it, such a replacement is refused).
    pub force: bool,
    /// The kind of change recorded.
    pub kind: ReplaceKind,
    /// The document's units as the caller read them, in order, each with the revision read:
    /// the replacement is refused, changing nothing, when the document no longer has exactly
    /// these units at these revisions (someone changed it while the new alignment was made).
    pub expected: Option<&'a [UnitRef]>,
}

/// What a replacement did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplaceReport {
    pub document: i64,
    /// The `align` change recorded; none when the new alignment is the one stored.
    pub change: Option<Change>,
    /// Units the document has now.
    pub units: usize,
    /// Old units kept (matched to a bead).
    pub kept: usize,
    /// Of those, how many got a new position or new sentence ranges.
    pub renumbered: usize,
    /// New draft units.
    pub added: usize,
    /// Old units removed.
    pub removed: usize,
    /// Of those, how many carried review work (removed only when forced).
    pub removed_with_work: usize,
}

/// What an `align` change did to its document itself, besides its units.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentChange {
    /// The document's id.
    pub document: i64,
    /// Its name.
    pub name: String,
    /// The change stored a new document (undoing it removes the document).
    pub created: bool,
    /// The texts, languages and sentences the change replaced (none when they stayed as they
    /// were, or the document is new).
    pub before: Option<DocumentState>,
    /// The document as the change left it, in short, checked before an undo.
    pub after: DocumentSummary,
    /// For a new document, the ids of the first and last units it stored (the history does not
    /// copy the rows of a new document: undoing its `align` removes them all, after checking
    /// that the document holds exactly these).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_units: Option<[i64; 2]>,
}

/// A document's texts, languages and sentences, complete.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentState {
    pub source_lang: String,
    pub target_lang: String,
    pub source_text: Option<String>,
    pub target_text: Option<String>,
    /// Sentence spans as `[start, end)` byte offsets into the text, in order.
    pub source_sentences: Vec<[usize; 2]>,
    pub target_sentences: Vec<[usize; 2]>,
}

/// A document's languages and sizes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSummary {
    pub source_lang: String,
    pub target_lang: String,
    pub source_bytes: Option<usize>,
    pub target_bytes: Option<usize>,
    pub source_sentences: usize,
    pub target_sentences: usize,
}

impl DocumentState {
    fn from_texts(t: &DocumentTexts) -> DocumentState {
        let spans = |s: &[Span]| s.iter().map(|s| [s.start, s.end]).collect();
        DocumentState {
            source_lang: t.source_lang.code().to_string(),
            target_lang: t.target_lang.code().to_string(),
            source_text: Some(t.source_text.to_string()),
            target_text: Some(t.target_text.to_string()),
            source_sentences: spans(t.source_sentences),
            target_sentences: spans(t.target_sentences),
        }
    }

    fn text(&self, side: Side) -> Option<&str> {
        match side {
            Side::Source => self.source_text.as_deref(),
            Side::Target => self.target_text.as_deref(),
        }
    }

    fn spans(&self, side: Side) -> &[[usize; 2]] {
        match side {
            Side::Source => &self.source_sentences,
            Side::Target => &self.target_sentences,
        }
    }

    /// The text under a range of sentences of one side, if the document has its text and the
    /// range lies inside it ("" for an empty range).
    fn under(&self, side: Side, range: &std::ops::Range<usize>) -> Option<&str> {
        let text = self.text(side)?;
        let spans = self.spans(side);
        if range.end > spans.len() {
            return None;
        }
        if range.is_empty() {
            return Some("");
        }
        text.get(spans[range.start][0]..spans[range.end - 1][1])
    }

    fn summary(&self) -> DocumentSummary {
        DocumentSummary {
            source_lang: self.source_lang.clone(),
            target_lang: self.target_lang.clone(),
            source_bytes: self.source_text.as_ref().map(String::len),
            target_bytes: self.target_text.as_ref().map(String::len),
            source_sentences: self.source_sentences.len(),
            target_sentences: self.target_sentences.len(),
        }
    }
}

impl<'a> DocumentTexts<'a> {
    fn of(doc: &NewDocument<'a>) -> DocumentTexts<'a> {
        DocumentTexts {
            source_lang: doc.source_lang,
            target_lang: doc.target_lang,
            source_text: doc.source_text,
            target_text: doc.target_text,
            source_sentences: doc.source_sentences,
            target_sentences: doc.target_sentences,
        }
    }
}

impl Memory {
    /// Stores a document, its sentences and its beads as units, as one `align` change of the
    /// history; returns the document id. An existing document of that name is refused, or
    /// with `replace` given its new alignment as [`Memory::replace_alignment`] does (without
    /// forcing: a replacement that would remove review work is refused).
    pub fn add_document(&mut self, doc: &NewDocument, replace: bool, user: &str) -> Result<i64> {
        validate_beads(
            doc.beads,
            doc.source_sentences.len(),
            doc.target_sentences.len(),
        )?;
        let path = self.path.clone();
        let fail = |e| db_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        if document_by_name(&tx, doc.name)?.is_some() {
            drop(tx);
            if !replace {
                return Err(Error::DocumentExists(doc.name.to_string()));
            }
            let report = self.replace_alignment(
                &Realignment {
                    document: doc.name,
                    texts: Some(DocumentTexts::of(doc)),
                    beads: doc.beads,
                },
                false,
                user,
            )?;
            return Ok(report.document);
        }
        let at = now();
        let id: i64 = tx.query_row(
            "SELECT max(coalesce((SELECT max(id) FROM documents), 0),
                        coalesce((SELECT max(document_id) FROM changes), 0)) + 1",
            [],
            |r| r.get(0),
        )?;
        let state = DocumentState::from_texts(&DocumentTexts::of(doc));
        tx.execute(
            "INSERT INTO documents (id, name, source_lang, target_lang, source_text, target_text,
                created, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                doc.name,
                state.source_lang,
                state.target_lang,
                state.source_text,
                state.target_text,
                at,
                user
            ],
        )
        .map_err(fail)?;
        write_segments(&tx, id, &state)?;
        let new: Vec<UnitRow> = doc
            .beads
            .iter()
            .enumerate()
            .map(|(k, b)| new_unit(id, k, b, &state, &at, user))
            .collect();
        let plan = Plan {
            kind: "align",
            summary: format!(
                "align '{}': {} unit{}",
                doc.name,
                new.len(),
                if new.len() == 1 { "" } else { "s" }
            ),
            old: Vec::new(),
            new,
            document_change: Some(DocumentChange {
                document: id,
                name: doc.name.to_string(),
                created: true,
                before: None,
                after: state.summary(),
                stored_units: None,
            }),
        };
        write_plan(&tx, plan, user, &at)?;
        tx.commit().map_err(fail)?;
        Ok(id)
    }

    /// Gives a stored document a new alignment (and, with `r.texts`, new texts), keeping every
    /// unit whose text is unchanged with its review work (see the module's documentation for
    /// the exact rule), as one `align` change that `undo` reverts exactly. Refused, changing
    /// nothing, when it would remove units that carry review work, unless `force`. Records
    /// nothing when the new alignment is the one stored.
    pub fn replace_alignment(
        &mut self,
        r: &Realignment,
        force: bool,
        user: &str,
    ) -> Result<ReplaceReport> {
        self.replace_alignment_with(
            r,
            &ReplaceOptions {
                force,
                ..ReplaceOptions::default()
            },
            user,
        )
    }

    /// [`Memory::replace_alignment`] with its options: recorded as `options.kind`, and refused
    /// when the document's units are no longer those `options.expected` names.
    pub fn replace_alignment_with(
        &mut self,
        r: &Realignment,
        options: &ReplaceOptions,
        user: &str,
    ) -> Result<ReplaceReport> {
        let force = options.force;
        let path = self.path.clone();
        let fail = |e| db_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let id = document_by_name(&tx, r.document)?
            .ok_or_else(|| Error::UnknownDocument(r.document.to_string()))?;
        let old_state = read_state(&tx, id)?;
        let new_state = match &r.texts {
            Some(t) => DocumentState::from_texts(t),
            None if old_state.source_text.is_none() || old_state.target_text.is_none() => {
                return Err(Error::invalid(format!(
                    "document '{}' was imported without its texts: align it again from its two files with 'bitext align --replace'",
                    r.document
                )));
            }
            None => old_state.clone(),
        };
        validate_beads(
            r.beads,
            new_state.source_sentences.len(),
            new_state.target_sentences.len(),
        )?;
        let unchanged = old_state == new_state;
        let old_ids: Vec<i64> = tx
            .prepare("SELECT id FROM units WHERE document_id = ?1 ORDER BY position, id")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let old_rows = read_rows(&tx, &old_ids)?;
        if let Some(expected) = options.expected {
            check_expected(r.document, &old_rows, expected)?;
        }
        let matches = if unchanged {
            let old: Vec<_> = old_rows
                .iter()
                .map(|u| (u.range(Side::Source), u.range(Side::Target)))
                .collect();
            let new: Vec<_> = r
                .beads
                .iter()
                .map(|b| (Some(b.source.clone()), Some(b.target.clone())))
                .collect();
            diff_match(&old, &new)
        } else {
            let old: Vec<(&str, &str)> = old_rows
                .iter()
                .map(|u| {
                    (
                        aligned_text(&old_state, u, Side::Source),
                        aligned_text(&old_state, u, Side::Target),
                    )
                })
                .collect();
            let new: Vec<(&str, &str)> = r
                .beads
                .iter()
                .map(|b| {
                    (
                        new_state.under(Side::Source, &b.source).unwrap_or(""),
                        new_state.under(Side::Target, &b.target).unwrap_or(""),
                    )
                })
                .collect();
            diff_match(&old, &new)
        };
        let mut kept_at: HashMap<usize, usize> = HashMap::new();
        for &(i, j) in &matches {
            kept_at.insert(j, i);
        }
        let kept: HashSet<usize> = matches.iter().map(|&(i, _)| i).collect();
        let removed: Vec<&UnitRow> = old_rows
            .iter()
            .enumerate()
            .filter(|(i, _)| !kept.contains(i))
            .map(|(_, u)| u)
            .collect();
        let work = ReviewWork::of(&old_state, &removed);
        if work.units > 0 && !force {
            return Err(Error::invalid(format!(
                "the new alignment of '{}' would remove {} with review work ({}); add --force to go on ('bitext undo' brings them back)",
                r.document,
                plural(work.units, "pair"),
                work.kinds.join(", ")
            )));
        }
        let at = now();
        let mut old = Vec::new();
        let mut new = Vec::new();
        let mut renumbered = 0;
        for (j, bead) in r.beads.iter().enumerate() {
            match kept_at.get(&j) {
                Some(&i) => {
                    let was = &old_rows[i];
                    let mut row = was.clone();
                    row.set("position", j as i64);
                    row.set_range(Side::Source, Some(bead.source.clone()));
                    row.set_range(Side::Target, Some(bead.target.clone()));
                    if &row != was {
                        renumbered += 1;
                        old.push(was.clone());
                        new.push(row);
                    }
                }
                None => new.push(new_unit(id, j, bead, &new_state, &at, user)),
            }
        }
        old.extend(removed.iter().map(|&u| u.clone()));
        old.sort_by_key(|u| (u.position(), u.id()));
        let added = r.beads.len() - matches.len();
        let mut report = ReplaceReport {
            document: id,
            change: None,
            units: r.beads.len(),
            kept: matches.len(),
            renumbered,
            added,
            removed: removed.len(),
            removed_with_work: work.units,
        };
        if unchanged && old.is_empty() && new.is_empty() {
            return Ok(report);
        }
        if !unchanged {
            write_state(&tx, id, &new_state)?;
        }
        let plan = Plan {
            kind: options.kind.as_str(),
            summary: format!(
                "{} '{}'{}: {} kept{}, {} new, {} removed",
                options.kind.as_str(),
                r.document,
                if options.kind == ReplaceKind::Align {
                    " again"
                } else {
                    ""
                },
                matches.len(),
                if renumbered > 0 {
                    format!(" ({renumbered} renumbered)")
                } else {
                    String::new()
                },
                added,
                removed.len()
            ),
            old,
            new,
            document_change: Some(DocumentChange {
                document: id,
                name: r.document.to_string(),
                created: false,
                before: (!unchanged).then_some(old_state),
                after: new_state.summary(),
                stored_units: None,
            }),
        };
        let change = write_plan(&tx, plan, user, &at)?;
        if let Some(c) = &change {
            check_order(&tx, &c.after)
                .map_err(|why| Error::invalid(format!("cannot store the new alignment: {why}")))?;
        }
        let count: i64 = tx.query_row(
            "SELECT count(*) FROM units WHERE document_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        if count as usize != r.beads.len() {
            return Err(Error::invalid(format!(
                "cannot store the new alignment of '{}': the document would hold {count} units, not {}",
                r.document,
                r.beads.len()
            )));
        }
        tx.commit().map_err(fail)?;
        report.change = change;
        Ok(report)
    }
}

/// Refuses a replacement made from units that are no longer the document's.
fn check_expected(document: &str, rows: &[UnitRow], expected: &[UnitRef]) -> Result<()> {
    if !rows
        .iter()
        .map(UnitRow::id)
        .eq(expected.iter().map(|e| e.id))
    {
        return Err(Error::invalid(format!(
            "the pairs of '{document}' changed while it was being re-aligned (pairs were added, removed or moved); run it again"
        )));
    }
    for (row, e) in rows.iter().zip(expected) {
        if let Some(revision) = e.revision
            && revision != row.revision()
        {
            return Err(Error::Stale {
                unit: e.id,
                expected: revision,
                current: row.revision(),
            });
        }
    }
    Ok(())
}

/// What review work some units carry: how many units, and of which kinds.
struct ReviewWork {
    units: usize,
    kinds: Vec<String>,
}

impl ReviewWork {
    fn of(state: &DocumentState, units: &[&UnitRow]) -> ReviewWork {
        let mut statuses: HashMap<&str, usize> = HashMap::new();
        let (mut noted, mut edited, mut total) = (0, 0, 0);
        for u in units {
            let status = u.text("status").unwrap_or("draft");
            let has_note = u.text("note").is_some_and(|n| !n.trim().is_empty());
            let is_edited = [Side::Source, Side::Target]
                .into_iter()
                .any(|side| u.side(side) != aligned_text(state, u, side));
            if status != Status::Draft.as_str() {
                *statuses.entry(status).or_default() += 1;
            }
            noted += has_note as usize;
            edited += is_edited as usize;
            total += (status != Status::Draft.as_str() || has_note || is_edited) as usize;
        }
        let mut kinds = Vec::new();
        for status in [Status::Approved, Status::Reviewed, Status::Rejected] {
            if let Some(n) = statuses.get(status.as_str()) {
                kinds.push(format!("{n} {status}"));
            }
        }
        if noted > 0 {
            kinds.push(format!("{noted} with a note"));
        }
        if edited > 0 {
            kinds.push(format!("{edited} with an edited text"));
        }
        ReviewWork {
            units: total,
            kinds,
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The document text under a unit's sentences on one side, in the document as it is described
/// by `state`; the unit's own text when it has no sentences or the document no text.
fn aligned_text<'a>(state: &'a DocumentState, unit: &'a UnitRow, side: Side) -> &'a str {
    unit.range(side)
        .and_then(|r| state.under(side, &r))
        .unwrap_or_else(|| unit.side(side))
}

/// The pairs (old index, new index) of equal items matched in order: a longest common
/// subsequence, found by a diff of the items that occur on both sides (an item that occurs on
/// one side only can match nothing, and leaving it out keeps the diff cheap when much changed).
fn diff_match<K: Hash + Eq>(old: &[K], new: &[K]) -> Vec<(usize, usize)> {
    let in_old: HashSet<&K> = old.iter().collect();
    let in_new: HashSet<&K> = new.iter().collect();
    let old_kept: Vec<usize> = (0..old.len())
        .filter(|&i| in_new.contains(&old[i]))
        .collect();
    let new_kept: Vec<usize> = (0..new.len())
        .filter(|&j| in_old.contains(&new[j]))
        .collect();
    let a: Vec<&K> = old_kept.iter().map(|&i| &old[i]).collect();
    let b: Vec<&K> = new_kept.iter().map(|&j| &new[j]).collect();
    let mut pairs = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                pairs.push((old_kept[old_index + k], new_kept[new_index + k]));
            }
        }
    }
    pairs
}

/// Refuses beads that do not cover the sentences of both sides in order.
fn validate_beads(beads: &[Bead], sources: usize, targets: usize) -> Result<()> {
    let (mut s, mut t) = (0, 0);
    for (k, b) in beads.iter().enumerate() {
        if b.source.start != s || b.target.start != t || b.source.end < s || b.target.end < t {
            return Err(Error::invalid(format!(
                "the alignment does not cover the sentences in order: pair {k} covers source {:?} and target {:?}, after source {s} and target {t}",
                b.source, b.target
            )));
        }
        (s, t) = (b.source.end, b.target.end);
    }
    if s != sources || t != targets {
        return Err(Error::invalid(format!(
            "the alignment covers {s} of {sources} source and {t} of {targets} target sentences"
        )));
    }
    Ok(())
}

/// A new draft unit for a bead.
fn new_unit(
    document: i64,
    position: usize,
    bead: &Bead,
    state: &DocumentState,
    at: &str,
    user: &str,
) -> UnitRow {
    let mut row = UnitRow(Map::new());
    row.set("document_id", document);
    row.set("position", position as i64);
    row.set_range(Side::Source, Some(bead.source.clone()));
    row.set_range(Side::Target, Some(bead.target.clone()));
    row.set(
        "source",
        state.under(Side::Source, &bead.source).unwrap_or(""),
    );
    row.set(
        "target",
        state.under(Side::Target, &bead.target).unwrap_or(""),
    );
    let score = (bead.score.clamp(0.0, 1.0) * 1e4).round() / 1e4;
    row.set(
        "score",
        serde_json::Number::from_f64(score).map_or(Value::Null, Value::Number),
    );
    row.set("status", Status::Draft.as_str());
    row.set("created", at);
    row.set("created_by", user);
    row.set("changed", at);
    row.set("changed_by", user);
    row
}

fn document_by_name(tx: &Transaction, name: &str) -> Result<Option<i64>> {
    Ok(tx
        .query_row("SELECT id FROM documents WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?)
}

/// A stored document's texts, languages and sentences.
fn read_state(tx: &Transaction, id: i64) -> Result<DocumentState> {
    let (source_lang, target_lang, source_text, target_text) = tx.query_row(
        "SELECT source_lang, target_lang, source_text, target_text FROM documents WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let mut stmt = tx.prepare_cached(
        "SELECT start, \"end\" FROM segments WHERE document_id = ?1 AND side = ?2 ORDER BY position",
    )?;
    let mut spans = |side: &str| -> rusqlite::Result<Vec<[usize; 2]>> {
        stmt.query_map(params![id, side], |r| {
            Ok([r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize])
        })?
        .collect()
    };
    let source_sentences = spans("source")?;
    let target_sentences = spans("target")?;
    Ok(DocumentState {
        source_lang,
        target_lang,
        source_text,
        target_text,
        source_sentences,
        target_sentences,
    })
}

/// Gives a document these texts, languages and sentences.
fn write_state(tx: &Transaction, id: i64, state: &DocumentState) -> Result<()> {
    tx.execute(
        "UPDATE documents SET source_lang = ?1, target_lang = ?2, source_text = ?3,
            target_text = ?4 WHERE id = ?5",
        params![
            state.source_lang,
            state.target_lang,
            state.source_text,
            state.target_text,
            id
        ],
    )?;
    tx.execute("DELETE FROM segments WHERE document_id = ?1", [id])?;
    write_segments(tx, id, state)
}

fn write_segments(tx: &Transaction, id: i64, state: &DocumentState) -> Result<()> {
    let mut seg = tx.prepare_cached(
        "INSERT INTO segments (document_id, side, position, start, \"end\", text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for side in [Side::Source, Side::Target] {
        let Some(text) = state.text(side) else {
            continue;
        };
        for (k, &[start, end]) in state.spans(side).iter().enumerate() {
            let sentence = text.get(start..end).ok_or_else(|| {
                Error::invalid(format!(
                    "{} sentence {k} ({start}..{end}) is not inside the text",
                    side.as_str()
                ))
            })?;
            seg.execute(params![
                id,
                side.as_str(),
                k as i64,
                start as i64,
                end as i64,
                sentence
            ])?;
        }
    }
    Ok(())
}

/// Refuses to undo an `align` whose document is no longer as it left it.
pub(super) fn check_document_undoable(
    tx: &Transaction,
    d: &DocumentChange,
    change: i64,
) -> Result<()> {
    let exists = tx
        .query_row(
            "SELECT 1 FROM documents WHERE id = ?1",
            [d.document],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if !exists {
        return Err(Error::invalid(format!(
            "cannot undo change {change}: document '{}' no longer exists",
            d.name
        )));
    }
    if read_state(tx, d.document)?.summary() != d.after {
        return Err(Error::invalid(format!(
            "cannot undo change {change}: document '{}' is no longer as that change left it",
            d.name
        )));
    }
    if d.created {
        // the units the align stored, and no other (a later change in effect on the document
        // has already refused the undo; an import into it would show here)
        let (count, first, last): (i64, Option<i64>, Option<i64>) = tx.query_row(
            "SELECT count(*), min(id), max(id) FROM units WHERE document_id = ?1",
            [d.document],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let stored = match d.stored_units {
            Some([a, b]) => (b - a + 1, Some(a), Some(b)),
            None => (0, None, None),
        };
        if (count, first, last) != stored {
            return Err(Error::invalid(format!(
                "cannot undo change {change}: document '{}' holds {count} units that are not the {} that change stored (were units imported into it?)",
                d.name, stored.0
            )));
        }
    }
    Ok(())
}

/// Undoes what an `align` did to its document (its units are put back by the caller): removes
/// a document it created, or gives back the texts and sentences it replaced.
pub(super) fn undo_document(tx: &Transaction, d: &DocumentChange) -> Result<()> {
    if d.created {
        tx.execute("DELETE FROM units WHERE document_id = ?1", [d.document])?;
        tx.execute("DELETE FROM segments WHERE document_id = ?1", [d.document])?;
        tx.execute("DELETE FROM documents WHERE id = ?1", [d.document])?;
    } else if let Some(state) = &d.before {
        write_state(tx, d.document, state)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;

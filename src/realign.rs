//! Re-aligning a stored document around the pairs a reviewer confirmed: `bitext realign`, the
//! review page's "Re-align" button, and `align --replace`, which all come here.
//!
//! It sits after the store in the flow: it reads the document and its units from the
//! [`Memory`], runs the aligner around fixed beads ([`align::constrained::align_fixed`]) and
//! writes the result back through [`Memory::replace_alignment_with`], which keeps every unit
//! that comes out unchanged (id, status, note, dates) and records one change that `undo`
//! reverts.
//!
//! **What is held fixed.** Pairs a reviewer passed (`reviewed`, `approved`) and pairs whose text
//! a reviewer corrected (the unit's text is no longer the document's text under its sentences)
//! are ground truth: the dynamic programme cannot cross or change them, and the word model
//! learns from them first. With `from`, every pair up to that one is held too ("re-align from
//! here"). Everything between them is aligned again with the document's models; the pairs that
//! come out as they were keep their unit, the others become new drafts with fresh scores.
//!
//! **`align --replace`** ([`align_around_reviewed`]) holds the same pairs fixed in the new texts
//! of a document, where their sentences are still found (in order, by a diff of the old and new
//! sentences); pairs whose sentences changed cannot be placed and are left to the aligner (and
//! to the store's rule that removing review work needs `--force`).

use std::ops::Range;

use serde::Serialize;
use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::Lang;
use crate::align::constrained::align_fixed;
use crate::align::{self, Bead, Config, Training};
use crate::error::{Error, Result};
use crate::store::{
    Change, Memory, Realignment, ReplaceKind, ReplaceOptions, Status, Unit, UnitFilter, UnitRef,
    span_text,
};

/// How to re-align.
#[derive(Clone, Debug)]
pub struct Options {
    /// Hold every pair up to and including this unit fixed, and re-align only the pairs after
    /// it.
    pub from: Option<i64>,
    /// Go on when pairs carrying review work that is not held fixed (a rejected pair, a note on
    /// a draft) would be removed.
    pub force: bool,
    /// Run the aligner's lexical pass (the word model).
    pub lexical: bool,
    /// A bilingual word list for the word model, `(source, target)`.
    pub dictionary: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            from: None,
            force: false,
            lexical: true,
            dictionary: Vec::new(),
        }
    }
}

/// What a re-alignment did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub document: String,
    /// The `realign` change recorded; none when the alignment came out as it was.
    pub change: Option<Change>,
    /// Pairs held fixed.
    pub fixed: usize,
    /// Pairs kept (the fixed ones and those that came out unchanged).
    pub kept: usize,
    /// Of those, how many got a new position.
    pub renumbered: usize,
    /// New draft pairs.
    pub added: usize,
    /// Pairs removed.
    pub removed: usize,
    /// The new pairs, in document order.
    pub units: Vec<Unit>,
}

/// Re-aligns the stored `document` around its confirmed pairs (see the module's
/// documentation), as one `realign` change by `user`. Refused, changing nothing, when the
/// document has no texts (imported from TMX or JSON), when its pairs do not cover its sentences
/// in order, when `options.from` is not one of its units, when the document changed while the
/// aligner ran, or when review work that is not held fixed would be removed (unless
/// `options.force`).
pub fn realign(
    memory: &mut Memory,
    document: &str,
    options: &Options,
    user: &str,
) -> Result<Report> {
    let doc = StoredDocument::read(memory, document)?;
    let (source, target) = (doc.sentences(Side::Source), doc.sentences(Side::Target));
    let cover = doc.cover()?;
    let keep_until =
        match options.from {
            None => None,
            Some(id) => Some(doc.units.iter().position(|u| u.id == id).ok_or_else(|| {
                match memory.find_unit(id) {
                    Ok(Some(u)) => Error::invalid(format!(
                        "unit {id} is in document '{}', not in '{document}'",
                        u.document
                    )),
                    _ => Error::UnknownUnit(id),
                }
            })?),
        };
    let fixed: Vec<Bead> = doc
        .units
        .iter()
        .zip(&cover)
        .enumerate()
        .filter(|&(k, (u, _))| keep_until.is_some_and(|last| k <= last) || doc.confirmed(u))
        .map(|(_, (u, bead))| Bead {
            score: u.score.unwrap_or(1.0),
            ..bead.clone()
        })
        .collect();
    let config = Config {
        source_lang: doc.source_lang,
        target_lang: doc.target_lang,
        lexical: options.lexical,
        ..Config::default()
    };
    let training = Training {
        pairs: training_pairs(memory, document)?,
        dictionary: options.dictionary.clone(),
    };
    let beads = align_fixed(&source, &target, &fixed, &training, &config)?;
    let expected: Vec<UnitRef> = doc
        .units
        .iter()
        .map(|u| UnitRef {
            id: u.id,
            revision: Some(u.revision),
        })
        .collect();
    let replaced = memory.replace_alignment_with(
        &Realignment {
            document,
            texts: None,
            beads: &beads,
        },
        &ReplaceOptions {
            force: options.force,
            kind: ReplaceKind::Realign,
            expected: Some(&expected),
        },
        user,
    )?;
    let mut units = Vec::new();
    if let Some(change) = &replaced.change {
        let before: std::collections::HashSet<i64> = change.before.iter().map(|r| r.id()).collect();
        for row in change.after.iter().filter(|r| !before.contains(&r.id())) {
            units.extend(memory.find_unit(row.id())?);
        }
    }
    units.sort_by_key(|u| u.position);
    Ok(Report {
        document: document.to_string(),
        change: replaced.change,
        fixed: fixed.len(),
        kept: replaced.kept,
        renumbered: replaced.renumbered,
        added: replaced.added,
        removed: replaced.removed,
        units,
    })
}

/// The alignment `align --replace` stores for new texts of the stored `document`: the new
/// sentences aligned around the document's confirmed pairs whose sentences are still found in
/// them, in order. `None` when the memory has no such document or no confirmed pair can be
/// placed: then the plain aligner's alignment is the one to store.
pub fn align_around_reviewed(
    memory: &Memory,
    document: &str,
    source: &[&str],
    target: &[&str],
    training: &Training,
    config: &Config,
) -> Result<Option<Vec<Bead>>> {
    let fixed = placed_in(memory, document, source, target)?;
    if fixed.is_empty() {
        return Ok(None);
    }
    align_fixed(source, target, &fixed, training, config).map(Some)
}

/// The confirmed pairs of the stored `document` as beads over new sentences `source` and
/// `target`: each pair whose sentences all occur in the new texts, consecutively and in the
/// same order as the old sentences they match (a diff of the old and new sentences of each
/// side), and after the pair placed before it. Empty when the memory has no such document, or
/// the document has no texts.
pub fn placed_in(
    memory: &Memory,
    document: &str,
    source: &[&str],
    target: &[&str],
) -> Result<Vec<Bead>> {
    let doc = match StoredDocument::read(memory, document) {
        Ok(doc) => doc,
        Err(Error::UnknownDocument(_) | Error::Invalid(_)) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let Ok(cover) = doc.cover() else {
        return Ok(Vec::new());
    };
    let source_map = SentenceMap::new(&doc.sentences(Side::Source), source);
    let target_map = SentenceMap::new(&doc.sentences(Side::Target), target);
    let mut placed = Vec::new();
    let (mut i, mut j) = (0, 0);
    for (u, bead) in doc.units.iter().zip(&cover) {
        if !doc.confirmed(u) {
            continue;
        }
        let (Some(s), Some(t)) = (
            source_map.place(&bead.source),
            target_map.place(&bead.target),
        ) else {
            continue;
        };
        if s.start < i || t.start < j || (s.is_empty() && t.is_empty()) {
            continue;
        }
        (i, j) = (s.end, t.end);
        placed.push(Bead {
            source: s,
            target: t,
            score: u.score.unwrap_or(1.0),
        });
    }
    Ok(placed)
}

/// Pairs of the memory (outside `skip`, the document being aligned) that the word model learns
/// from, as `align` uses them: those a reviewer passed and drafts the aligner was sure of
/// (score ≥ 0.9), at most 20,000 of each; never rejected ones.
pub fn training_pairs(memory: &Memory, skip: &str) -> Result<Vec<(String, String)>> {
    let reviewed = UnitFilter {
        statuses: vec![Status::Reviewed, Status::Approved],
        limit: Some(TRAINING_UNITS),
        ..UnitFilter::default()
    };
    let confident = UnitFilter {
        statuses: vec![Status::Draft],
        min_score: Some(0.9),
        limit: Some(TRAINING_UNITS),
        ..UnitFilter::default()
    };
    let mut pairs = Vec::new();
    for filter in [reviewed, confident] {
        memory.for_each_unit(&filter, |u| {
            if u.document != skip && !u.source.is_empty() && !u.target.is_empty() {
                pairs.push((u.source, u.target));
            }
            Ok(())
        })?;
    }
    Ok(pairs)
}

/// Most pairs of each kind read from the memory for training (the model samples 10,000).
const TRAINING_UNITS: usize = 20_000;

#[derive(Clone, Copy)]
enum Side {
    Source,
    Target,
}

/// A stored document with its texts, sentences and units, as re-aligning needs them.
struct StoredDocument {
    name: String,
    source_lang: Lang,
    target_lang: Lang,
    source_text: String,
    target_text: String,
    source_spans: Vec<crate::segment::Span>,
    target_spans: Vec<crate::segment::Span>,
    /// In document order.
    units: Vec<Unit>,
}

impl StoredDocument {
    fn read(memory: &Memory, name: &str) -> Result<StoredDocument> {
        let info = memory.document(name)?;
        let (source_text, target_text) = memory.document_texts(info.id)?.ok_or_else(|| {
            Error::invalid(format!(
                "document '{name}' was imported without its texts, so it cannot be re-aligned: align it from its two files with 'bitext align --replace'"
            ))
        })?;
        let spans = |side: &str| -> Result<Vec<crate::segment::Span>> {
            Ok(memory
                .sentences(info.id, side)?
                .into_iter()
                .map(|(span, _)| span)
                .collect())
        };
        let lang = |code: &str| {
            Lang::parse(code).map_err(|_| {
                Error::invalid(format!(
                    "document '{name}' is in a language bitext does not align ('{code}')"
                ))
            })
        };
        Ok(StoredDocument {
            name: name.to_string(),
            source_lang: lang(&info.source_lang)?,
            target_lang: lang(&info.target_lang)?,
            source_spans: spans("source")?,
            target_spans: spans("target")?,
            source_text,
            target_text,
            units: memory.units(&UnitFilter {
                document: Some(name.to_string()),
                ..UnitFilter::default()
            })?,
        })
    }

    fn sentences(&self, side: Side) -> Vec<&str> {
        let (text, spans) = self.side(side);
        spans.iter().map(|s| s.text(text)).collect()
    }

    fn side(&self, side: Side) -> (&str, &[crate::segment::Span]) {
        match side {
            Side::Source => (&self.source_text, &self.source_spans),
            Side::Target => (&self.target_text, &self.target_spans),
        }
    }

    /// The document's text under a range of its sentences.
    fn under(&self, side: Side, range: &Range<usize>) -> &str {
        let (text, spans) = self.side(side);
        span_text(text, spans, range)
    }

    /// A pair a reviewer confirmed: reviewed, approved, or with a text a reviewer corrected.
    fn confirmed(&self, u: &Unit) -> bool {
        if matches!(u.status, Status::Reviewed | Status::Approved) {
            return true;
        }
        let edited = |side: Side, range: &Option<Range<usize>>, text: &str| {
            range.as_ref().is_some_and(|r| self.under(side, r) != text)
        };
        edited(Side::Source, &u.source_range, &u.source)
            || edited(Side::Target, &u.target_range, &u.target)
    }

    /// The units as beads, checked to cover the document's sentences in order.
    fn cover(&self) -> Result<Vec<Bead>> {
        let (n, m) = (self.source_spans.len(), self.target_spans.len());
        let (mut i, mut j) = (0, 0);
        let mut beads = Vec::with_capacity(self.units.len());
        for u in &self.units {
            let (Some(s), Some(t)) = (&u.source_range, &u.target_range) else {
                return Err(Error::invalid(format!(
                    "cannot re-align '{}': pair #{} has no sentence numbers (it was imported); align the document from its two files with 'bitext align --replace'",
                    self.name, u.id
                )));
            };
            if s.start != i || t.start != j || s.end > n || t.end > m {
                return Err(Error::invalid(format!(
                    "cannot re-align '{}': its pairs do not cover its sentences in order (pair #{} starts at source {} and target {}, after source {i} and target {j})",
                    self.name, u.id, s.start, t.start
                )));
            }
            (i, j) = (s.end, t.end);
            beads.push(Bead {
                source: s.clone(),
                target: t.clone(),
                score: u.score.unwrap_or(0.0),
            });
        }
        if (i, j) != (n, m) {
            return Err(Error::invalid(format!(
                "cannot re-align '{}': its pairs cover {i} of {n} source and {j} of {m} target sentences",
                self.name
            )));
        }
        Ok(beads)
    }
}

/// Where the sentences of an old text are in a new one: old sentence `k` is new sentence
/// `at[k]` when the diff of the two lists of sentences matched it.
struct SentenceMap {
    at: Vec<Option<usize>>,
    new_len: usize,
}

impl SentenceMap {
    fn new(old: &[&str], new: &[&str]) -> SentenceMap {
        let mut at = vec![None; old.len()];
        for op in capture_diff_slices(Algorithm::Myers, old, new) {
            if let DiffOp::Equal {
                old_index,
                new_index,
                len,
            } = op
            {
                for k in 0..len {
                    at[old_index + k] = Some(new_index + k);
                }
            }
        }
        SentenceMap {
            at,
            new_len: new.len(),
        }
    }

    /// The new range of an old range of sentences: all of them found, consecutive. An empty
    /// range stays after the sentence before it (or before the one after it).
    fn place(&self, old: &Range<usize>) -> Option<Range<usize>> {
        if old.is_empty() {
            let at = if old.start == 0 {
                Some(0)
            } else if old.start == self.at.len() {
                self.at[old.start - 1].map(|k| k + 1).or(Some(self.new_len))
            } else {
                self.at[old.start - 1].map(|k| k + 1).or(self.at[old.start])
            }?;
            return Some(at..at);
        }
        let first = self.at[old.start]?;
        for (offset, k) in old.clone().enumerate() {
            if self.at[k] != Some(first + offset) {
                return None;
            }
        }
        Some(first..first + old.len())
    }
}

/// Aligns new sentences for `align --replace`: around the stored document's confirmed pairs
/// when some can be placed ([`align_around_reviewed`]), else as the aligner does on its own.
pub fn align_for_replace(
    memory: &Memory,
    document: &str,
    source: &[&str],
    target: &[&str],
    training: &Training,
    config: &Config,
) -> Result<Vec<Bead>> {
    match align_around_reviewed(memory, document, source, target, training, config)? {
        Some(beads) => Ok(beads),
        None => Ok(
            align::align_corpus(&[(source.to_vec(), target.to_vec())], training, config)
                .pop()
                .unwrap_or_default(),
        ),
    }
}

#[cfg(test)]
mod tests;

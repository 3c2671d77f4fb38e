//! QA checks: which stored pairs are probably wrong, and why.
//!
//! Plain functions over one pair and the models of its memory ([`Models`]): the command line
//! (`bitext check`, and the marks of `list` and `show`), the review page and the report all call
//! [`check_pair`] or [`check_memory`]. A [`Finding`] names its [`Kind`] (the names of issue 12:
//! `number_mismatch`, `untranslated`, `empty`, `omission`, `misaligned`, `name_mismatch`,
//! `inconsistent`, `low_score`, and the CAT-tool checks `brackets`, `quotes`, `markup`,
//! `doubled_word`, `whitespace`), a [`Severity`] and the byte spans of the pair's texts it is
//! about.
//!
//! The checks that judge a translation use what the aligner knows (see [`evidence`]): numbers in
//! any script and number words ([`crate::text::numbers`]), names romanised to consonant skeletons
//! ([`crate::align::names`]), the document's own length model ([`crate::align::length`]) and an
//! IBM Model 1 word-translation model ([`crate::align::lexical`]) trained on the memory's trusted
//! pairs — each pair judged by a model that never saw it ([`models`]).

pub mod evidence;
pub mod exonyms;
pub mod models;
mod rules;

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::Serialize;

use crate::Lang;
use crate::error::{Error, Result};
use crate::store::{ExportUnit, Memory, Status, Unit, UnitFilter};

pub use evidence::Evidence;
pub use models::Models;

/// What a finding says is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The numbers of the two sides differ.
    NumberMismatch,
    /// The target is in the source's script, or equals the source after normalisation.
    Untranslated,
    /// One side is empty (a 1-0 or 0-1 pair).
    Empty,
    /// One side is much shorter than the document's length model expects.
    Omission,
    /// The sides do not translate each other.
    Misaligned,
    /// A proper name of the target has no counterpart in the source.
    NameMismatch,
    /// The same source has other targets elsewhere in the memory (or the same target other
    /// sources).
    Inconsistent,
    /// The aligner's score is under 0.5.
    LowScore,
    /// Brackets unbalanced in the target, or different between the sides.
    Brackets,
    /// Quotation marks unbalanced in the target where the source's are balanced.
    Quotes,
    /// Inline markup of the source missing from the target.
    Markup,
    /// The same word twice in a row in the target.
    DoubledWord,
    /// Leading or trailing whitespace that differs between the sides.
    Whitespace,
}

impl Kind {
    pub const ALL: [Kind; 13] = [
        Kind::NumberMismatch,
        Kind::Untranslated,
        Kind::Empty,
        Kind::Omission,
        Kind::Misaligned,
        Kind::NameMismatch,
        Kind::Inconsistent,
        Kind::LowScore,
        Kind::Brackets,
        Kind::Quotes,
        Kind::Markup,
        Kind::DoubledWord,
        Kind::Whitespace,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::NumberMismatch => "number_mismatch",
            Kind::Untranslated => "untranslated",
            Kind::Empty => "empty",
            Kind::Omission => "omission",
            Kind::Misaligned => "misaligned",
            Kind::NameMismatch => "name_mismatch",
            Kind::Inconsistent => "inconsistent",
            Kind::LowScore => "low_score",
            Kind::Brackets => "brackets",
            Kind::Quotes => "quotes",
            Kind::Markup => "markup",
            Kind::DoubledWord => "doubled_word",
            Kind::Whitespace => "whitespace",
        }
    }

    /// How serious a finding of this kind is.
    pub fn severity(self) -> Severity {
        match self {
            Kind::NumberMismatch | Kind::Untranslated | Kind::Misaligned => Severity::Error,
            Kind::Empty
            | Kind::Omission
            | Kind::NameMismatch
            | Kind::Inconsistent
            | Kind::Markup
            | Kind::DoubledWord => Severity::Warning,
            Kind::LowScore | Kind::Brackets | Kind::Quotes | Kind::Whitespace => Severity::Info,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                Error::invalid(format!(
                    "unknown kind of finding '{s}' (use {})",
                    names.join(", ")
                ))
            })
    }
}

/// How serious a finding is: `info` is worth a look, `warning` is probably wrong, `error` is
/// almost certainly wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = Error;
    fn from_str(s: &str) -> Result<Severity> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            _ => Err(Error::invalid(format!(
                "unknown severity '{s}' (use info, warning or error)"
            ))),
        }
    }
}

/// One thing a check found wrong with a pair.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// The unit's id.
    pub unit: i64,
    pub kind: Kind,
    pub severity: Severity,
    /// One line for the reviewer, naming what differs.
    pub message: String,
    /// Byte ranges of the source text the finding is about (may be empty).
    pub source_spans: Vec<Range<usize>>,
    /// Byte ranges of the target text.
    pub target_spans: Vec<Range<usize>>,
}

/// A stored pair as the checks see it.
#[derive(Clone, Copy, Debug)]
pub struct Pair<'a> {
    pub id: i64,
    pub document: &'a str,
    pub position: i64,
    pub source_lang: Lang,
    pub target_lang: Lang,
    pub source: &'a str,
    pub target: &'a str,
    pub score: Option<f64>,
    pub status: Status,
    /// Inline markup kept from a TMX import (the inner XML of the `<seg>`), if any.
    pub source_markup: Option<&'a str>,
    pub target_markup: Option<&'a str>,
}

impl<'a> Pair<'a> {
    /// The pair of a unit of a document in these languages (without inline markup).
    pub fn of_unit(u: &'a Unit, source_lang: Lang, target_lang: Lang) -> Pair<'a> {
        Pair {
            id: u.id,
            document: &u.document,
            position: u.position,
            source_lang,
            target_lang,
            source: &u.source,
            target: &u.target,
            score: u.score,
            status: u.status,
            source_markup: None,
            target_markup: None,
        }
    }

    /// The pair of a unit read with [`Memory::for_each_export_unit`].
    pub fn of(u: &'a ExportUnit) -> Pair<'a> {
        Pair {
            id: u.unit.id,
            document: &u.unit.document,
            position: u.unit.position,
            source_lang: Lang::parse(&u.source_lang).unwrap_or(Lang::Ar),
            target_lang: Lang::parse(&u.target_lang).unwrap_or(Lang::En),
            source: &u.unit.source,
            target: &u.unit.target,
            score: u.unit.score,
            status: u.unit.status,
            source_markup: u.source_markup.as_deref(),
            target_markup: u.target_markup.as_deref(),
        }
    }
}

/// Runs every check on one pair; findings come in the order of [`Kind::ALL`].
pub fn check_pair(pair: &Pair, models: &Models) -> Vec<Finding> {
    check_pair_with(pair, &evidence::PairWords::of(pair), models)
}

/// [`check_pair`] of a pair whose words are already known.
pub fn check_pair_with(pair: &Pair, words: &evidence::PairWords, models: &Models) -> Vec<Finding> {
    let evidence = Evidence::gather_with(pair, words, models);
    let mut out = evidence.findings(pair, models);
    out.extend(rules::check(pair, words));
    out.sort_by_key(|f| f.kind);
    out
}

/// Which pairs to check and which findings to keep.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// The units to check, in the filter's order and page (the models learn from the whole
    /// memory).
    pub filter: UnitFilter,
    /// Only these kinds (all when empty).
    pub kinds: Vec<Kind>,
    /// Only findings at least this serious.
    pub min_severity: Option<Severity>,
}

impl Selection {
    fn keeps(&self, f: &Finding) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&f.kind))
            && self.min_severity.is_none_or(|m| f.severity >= m)
    }
}

/// The findings of a run over the memory.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The pairs checked, in the filter's order, each with its findings (possibly none).
    pub pairs: Vec<(ExportUnit, Vec<Finding>)>,
    /// Why a check could not run (too few trusted pairs to learn word translations, …).
    pub notes: Vec<String>,
}

impl Report {
    /// Every finding, in document order.
    pub fn findings(&self) -> impl Iterator<Item = (&ExportUnit, &Finding)> {
        self.pairs
            .iter()
            .flat_map(|(u, fs)| fs.iter().map(move |f| (u, f)))
    }
}

/// Builds the memory's models and checks the selected pairs, holding them all in the
/// [`Report`] (see [`check_each`], which does not). `progress` is called with the number of
/// pairs checked so far and the total, now and then.
pub fn check_memory(
    memory: &Memory,
    selection: &Selection,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Report> {
    let mut pairs = Vec::new();
    let notes = check_each(memory, selection, progress, |unit, findings| {
        pairs.push((unit, findings));
        Ok(())
    })?;
    Ok(Report { pairs, notes })
}

/// Checks the selected pairs in chunks of [`models::CHUNK`], never holding the memory: the
/// memory-wide models come from a bounded sample ([`Models::for_memory`]), each document's
/// from its own units, the units with the same texts from the search index. Calls `sink` with
/// each selected unit, in the filter's order, and the findings the selection keeps (possibly
/// none); returns the notes on what could not be checked. One read transaction: what is
/// checked is one state of the memory.
pub fn check_each(
    memory: &Memory,
    selection: &Selection,
    progress: &(dyn Fn(usize, usize) + Sync),
    mut sink: impl FnMut(ExportUnit, Vec<Finding>) -> Result<()>,
) -> Result<Vec<String>> {
    memory.read_snapshot(|| {
        let filter = &selection.filter;
        if let Some(name) = &filter.document {
            memory.document_id(name)?;
        }
        let mut total = memory.count_units(filter)? as usize;
        total = total.saturating_sub(filter.offset.unwrap_or(0));
        if let Some(limit) = filter.limit {
            total = total.min(limit);
        }
        let mut models = Models::for_memory(memory)?;
        let mut chunk: Vec<ExportUnit> = Vec::new();
        let mut done = 0;
        let mut run = |chunk: &mut Vec<ExportUnit>, models: &mut Models| -> Result<()> {
            let units = std::mem::take(chunk);
            let findings = check_chunk(memory, models, &units, done, total, progress)?;
            done += units.len();
            progress(done, total);
            for (unit, found) in units.into_iter().zip(findings) {
                let kept = found.into_iter().filter(|f| selection.keeps(f)).collect();
                sink(unit, kept)?;
            }
            Ok(())
        };
        memory.for_each_export_unit(filter, |unit| {
            chunk.push(unit);
            if chunk.len() >= models::CHUNK {
                run(&mut chunk, &mut models)?;
            }
            Ok(())
        })?;
        if !chunk.is_empty() {
            run(&mut chunk, &mut models)?;
        }
        Ok(models.notes())
    })
}

/// Checks a chunk of units: models for their documents, the units elsewhere with the same
/// texts, the word models they need, then every check on both cores.
fn check_chunk(
    memory: &Memory,
    models: &mut Models,
    units: &[ExportUnit],
    before: usize,
    total: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<Vec<Finding>>> {
    let mut documents: Vec<&str> = units.iter().map(|u| u.unit.document.as_str()).collect();
    documents.dedup();
    models.add_documents(memory, documents)?;
    let pairs: Vec<Pair> = units.iter().map(Pair::of).collect();
    let words = in_parallel(&pairs, |p| evidence::PairWords::of(p), &|_| {});
    models.index_keys(memory, &pairs, &words)?;
    models.prepare_for(pairs.iter());
    let models = &*models;
    let indices: Vec<usize> = (0..pairs.len()).collect();
    Ok(in_parallel(
        &indices,
        |&k| check_pair_with(&pairs[k], &words[k], models),
        &|n| progress(before + n, total),
    ))
}

/// Findings by unit id.
pub type FindingsByUnit = std::collections::HashMap<i64, Vec<Finding>>;

/// The findings of the units `filter` selects (in its page, if it has one), by unit id (units
/// without findings are left out), and the notes on what could not be checked: what `list`,
/// `show`, `align`, the review page and the report mark pairs with. Costs what checking those
/// units costs, whatever the size of the memory (see [`check_each`]).
pub fn findings_by_unit(
    memory: &Memory,
    filter: &UnitFilter,
) -> Result<(FindingsByUnit, Vec<String>)> {
    let selection = Selection {
        filter: filter.clone(),
        ..Selection::default()
    };
    let mut found = FindingsByUnit::new();
    let notes = check_each(memory, &selection, &|_, _| {}, |unit, findings| {
        if !findings.is_empty() {
            found.insert(unit.unit.id, findings);
        }
        Ok(())
    })?;
    Ok((found, notes))
}

/// The findings of one unit and the notes on what could not be checked (what `show` prints):
/// the cost of the memory's sample, the unit's document model and the one word model it
/// needs, not of its document's other units.
pub fn findings_of_unit(memory: &Memory, id: i64) -> Result<(Vec<Finding>, Vec<String>)> {
    memory.read_snapshot(|| {
        let unit = memory.export_unit(id)?;
        let mut models = Models::for_memory(memory)?;
        let units = [unit];
        let mut found = check_chunk(memory, &mut models, &units, 0, 1, &|_, _| {})?;
        Ok((found.pop().unwrap_or_default(), models.notes()))
    })
}

/// `f` over the items, on both cores when there are many; `progress` now and then with how
/// many are done.
fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<R> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let work = |part: &[T]| -> Vec<R> {
        part.iter()
            .enumerate()
            .map(|(n, item)| {
                if n % 1000 == 999 {
                    let so_far = done.fetch_add(1000, std::sync::atomic::Ordering::Relaxed);
                    progress(so_far + 1000);
                }
                f(item)
            })
            .collect()
    };
    if items.len() < 2_000 {
        return work(items);
    }
    let (a, b) = items.split_at(items.len() / 2);
    let (mut first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| work(b));
        (work(a), second.join().expect("check thread"))
    });
    first.extend(second);
    first
}

#[cfg(test)]
mod tests;

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
pub mod models;
mod rules;

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::Serialize;

use crate::Lang;
use crate::error::{Error, Result};
use crate::store::{ExportUnit, Memory, Status, UnitFilter};

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
    let words = evidence::PairWords::of(pair);
    let evidence = Evidence::gather_with(pair, &words, models);
    let mut out = evidence.findings(pair, models);
    out.extend(rules::check(pair, &words));
    out.sort_by_key(|f| f.kind);
    out
}

/// Which pairs to check and which findings to keep.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// The units to check (the models always learn from the whole memory).
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
    /// The pairs checked, in document order, each with its findings (possibly none).
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

/// Reads the memory, builds its models and checks the selected pairs. `progress` is called
/// with the number of pairs checked so far and the total, now and then.
pub fn check_memory(
    memory: &Memory,
    selection: &Selection,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Report> {
    let all = memory.read_snapshot(|| {
        let mut all = Vec::new();
        memory.for_each_export_unit(&UnitFilter::default(), |u| {
            all.push(u);
            Ok(())
        })?;
        if let Some(name) = &selection.filter.document {
            memory.document_id(name)?;
        }
        Ok(all)
    })?;
    let pairs: Vec<Pair> = all.iter().map(Pair::of).collect();
    let models = Models::build(&pairs);
    let chosen: Vec<usize> = (0..all.len())
        .filter(|&k| selected(&all[k], &selection.filter))
        .collect();
    models.prepare_for(chosen.iter().map(|&k| &pairs[k]));
    let findings = run_parallel(&chosen, &pairs, &models, progress);
    let notes = models.notes();
    drop(pairs);
    let mut by_index: Vec<Option<ExportUnit>> = all.into_iter().map(Some).collect();
    let pairs = chosen
        .into_iter()
        .zip(findings)
        .map(|(k, fs)| {
            let unit = by_index[k].take().expect("each unit once");
            let kept = fs.into_iter().filter(|f| selection.keeps(f)).collect();
            (unit, kept)
        })
        .collect();
    Ok(Report { pairs, notes })
}

/// Findings by unit id.
pub type FindingsByUnit = std::collections::HashMap<i64, Vec<Finding>>;

/// The findings of the units `filter` selects, by unit id (units without findings are left
/// out), and the notes on what could not be checked: what `list`, `show`, `align`, the review
/// page and the report mark pairs with.
pub fn findings_by_unit(
    memory: &Memory,
    filter: &UnitFilter,
) -> Result<(FindingsByUnit, Vec<String>)> {
    let selection = Selection {
        filter: filter.clone(),
        ..Selection::default()
    };
    let report = check_memory(memory, &selection, &|_, _| {})?;
    let notes = report.notes;
    let found = report
        .pairs
        .into_iter()
        .filter(|(_, f)| !f.is_empty())
        .map(|(u, f)| (u.unit.id, f))
        .collect();
    Ok((found, notes))
}

/// True when `filter` (document, statuses, minimum score; not the limit) selects the unit.
fn selected(u: &ExportUnit, filter: &UnitFilter) -> bool {
    let u = &u.unit;
    filter.document.as_ref().is_none_or(|d| *d == u.document)
        && (filter.statuses.is_empty() || filter.statuses.contains(&u.status))
        && filter
            .min_score
            .is_none_or(|m| u.score.is_some_and(|s| s >= m))
}

/// Checks the chosen pairs on both cores.
fn run_parallel(
    chosen: &[usize],
    pairs: &[Pair],
    models: &Models,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<Vec<Finding>> {
    let total = chosen.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let work = |part: &[usize]| -> Vec<Vec<Finding>> {
        part.iter()
            .enumerate()
            .map(|(n, &k)| {
                if n % 1000 == 999 {
                    let so_far = done.fetch_add(1000, std::sync::atomic::Ordering::Relaxed);
                    progress(so_far + 1000, total);
                }
                check_pair(&pairs[k], models)
            })
            .collect()
    };
    if total < 2_000 {
        return work(chosen);
    }
    let (a, b) = chosen.split_at(total / 2);
    let (mut first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| work(b));
        (work(a), second.join().expect("check thread"))
    });
    first.extend(second);
    first
}

#[cfg(test)]
mod tests;

//! What the checks know about a memory: each document's length model, the word-translation
//! models, the units with the same normalised texts, and how English words are capitalised.
//!
//! **Bounded.** Nothing here holds the memory. [`Models::for_memory`] learns the memory-wide
//! models from a sample of at most about [`SAMPLE_UNITS`] units (runs of neighbouring ids
//! spread over the memory, read by id); [`Models::add_documents`] learns a document's length
//! model and names from its own units (at most [`DOCUMENT_SAMPLE`]); [`Models::index_keys`]
//! finds the units sharing a checked pair's normalised source or target through the search
//! index's key terms. A unit's findings depend on the memory, never on what else is checked
//! with it. ([`Models::build`] does all of it from pairs held in memory, for tests and small
//! sets.)
//!
//! **Length.** A document's ratio of target to source characters and the variance of the
//! Gale–Church model ([`crate::align::length`]) as the aligner estimates them: the ratio from the
//! document's totals (shrunk toward the memory's ratio for short documents), the variance
//! re-estimated with [`LengthModel::refined`]'s estimator from the document's pairs that fit
//! the default model within three standard deviations.
//!
//! **Word translations.** IBM Model 1 ([`crate::align::lexical::Lexicon`]) trained on the
//! sample's pairs the memory trusts, as `align` trains on them: reviewed and approved pairs,
//! drafts the aligner was sure of (score ≥ 0.9) and drafts without a score (imported from
//! another tool's memory); never rejected ones, nor pairs whose target is in the source's
//! script. A model that has seen a pair explains that pair's rare words by each other, wrong or
//! not, so the trusted pairs are split in folds by position (four when the sample is the whole
//! memory, else two) and each pair is judged by the model of the other folds: it has learnt the
//! document's own vocabulary from the pair's neighbours, never from the pair itself. A model is
//! trained when a checked pair first needs it.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::Lang;
use crate::align::Config;
use crate::align::length::{DEFAULT_VARIANCE, LengthModel};
use crate::align::lexical::Lexicon;
use crate::store::Status;
use crate::text::normalize::{Word, word_spans};

use super::Pair;
use super::evidence::{PairWords, char_len, in_source_script};
use crate::error::Result;
use crate::store::{Memory, Side as StoreSide, UnitFilter};

/// Fewest trusted pairs a fold needs before its word model is used.
pub const MIN_TRAINING: usize = 100;

/// The trusted pairs are split in four folds up to this many, in two above (where each model
/// still has more pairs than it samples): each pair is judged by a model trained on the other
/// folds.
const FOUR_FOLDS_UP_TO: usize = 20_000;

/// Most pairs a word model is trained on (sampled evenly). The aligner trains one model on up
/// to 10,000; the checks train four, and 4,000 pairs each keep their training within twice the
/// aligner's on a large memory.
const MAX_TRAINING: usize = 4_000;

/// Characters of the memory's ratio a document's own ratio is shrunk toward.
const RATIO_PRIOR_CHARS: f64 = 300.0;

/// Pairs whose length misfit under the default model is larger are left out of the variance.
const VARIANCE_FIT: f64 = 3.0;

/// How many pairs' worth of weight the prior keeps when a variance is estimated: the default
/// for the memory's, the memory's for a document's.
const VARIANCE_PRIOR: f64 = 20.0;

/// Units of the memory the memory-wide models learn from (the word models' training, how
/// English words are capitalised and which are names, the prior of the length models): every
/// unit of a memory up to this many, else runs of neighbouring ids spread over the memory
/// ([`Memory::for_each_sampled_unit`]), every `step`-th run, `step` the power of two that
/// brings the sample under this size (so that the sample stays the same while the memory
/// grows, until its size doubles). It bounds what every `show` and every document's check
/// pays, whatever the memory's size: reading the sample and training a word model on half of
/// it (two folds) take about a fifth of a second.
pub const SAMPLE_UNITS: u64 = 4_096;

/// Units of a document its length model and its names are learnt from: every unit of a
/// document up to this many, else every `step`-th by position.
pub const DOCUMENT_SAMPLE: u64 = 2_048;

/// Most units checked at once: the memory is read, checked and handed on in chunks of this
/// many, never whole.
pub const CHUNK: usize = 10_000;

/// The length model of one document.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DocumentModel {
    pub length: LengthModel,
}

/// Units of the memory holding a normalised text: `(unit id, key of the other side)`.
type KeyIndex = HashMap<u64, Vec<(i64, u64)>>;

/// Everything the checks know about a memory (see the module documentation).
#[derive(Debug)]
pub struct Models {
    /// The length model of each document modelled so far (none for a document without
    /// translated pairs).
    documents: HashMap<String, Option<DocumentModel>>,
    /// (document, capitalised English word in lower case) → pairs of the document holding it,
    /// for the documents modelled so far.
    names_in_document: HashMap<String, HashMap<String, u32>>,
    /// The memory's ratio and variance, toward which each document's are shrunk.
    prior: LengthModel,
    /// The language pair the word models are for (the memory's most common one).
    langs: (Lang, Lang),
    /// How many folds the trusted pairs are split in.
    folds: usize,
    /// Trusted pairs, each with its fold.
    training: Vec<(String, String, usize)>,
    /// Model `k` is trained on every fold but `k`, and judges the pairs of fold `k`.
    lexicons: Vec<OnceLock<Lexicon>>,
    by_source: KeyIndex,
    by_target: KeyIndex,
    /// English word (lower case) → (times capitalised inside a sentence, times in lower case).
    casing: HashMap<String, (u32, u32)>,
    /// Capitalised English word (lower case) → up to two documents holding it.
    name_documents: HashMap<String, Vec<String>>,
    /// Capitalised English word (lower case) → pairs whose Arabic side transliterates it.
    transliterated: HashMap<String, u32>,
    /// Arabic word (normalised, without clitics) → pairs where it transliterates an English name.
    arabic_names: HashMap<String, u32>,
    /// How many units the memory-wide models learnt from, and whether that is every unit.
    sample: (usize, bool),
}

impl Models {
    /// Builds the models of a memory held as `pairs` (all of it, not only those to be
    /// checked): every document's model and an index of every pair's normalised texts. The
    /// word models are trained later, when a pair first needs one ([`Models::prepare_for`]).
    pub fn build(pairs: &[Pair]) -> Models {
        let langs = main_langs(pairs);
        let wanted = Collect {
            keys: true,
            memory_wide: true,
        };
        // the pairs are read in two halves, one a core, then put together
        let (first, second) = pairs.split_at(pairs.len() / 2);
        let (mut scan, other) = std::thread::scope(|scope| {
            let other = scope.spawn(|| Scan::of(second, langs, wanted));
            (
                Scan::of(first, langs, wanted),
                other.join().expect("model thread"),
            )
        });
        scan.merge(other);
        Models::of_scan(scan, langs, (pairs.len(), true))
    }

    /// The memory-wide models of a memory, from a bounded sample of its units
    /// ([`SAMPLE_UNITS`]); the documents' models are added by [`Models::add_documents`] and
    /// the units with the same texts found by [`Models::index_keys`].
    pub fn for_memory(memory: &Memory) -> Result<Models> {
        let largest = memory.unit_count_estimate()?;
        let step = largest.div_ceil(SAMPLE_UNITS).max(1).next_power_of_two();
        let mut units = Vec::new();
        memory.for_each_sampled_unit(None, step, |unit, source, target| {
            units.push((unit, lang_of(source, Lang::Ar), lang_of(target, Lang::En)));
            Ok(())
        })?;
        let pairs: Vec<Pair> = units
            .iter()
            .map(|(u, s, t)| Pair::of_unit(u, *s, *t))
            .collect();
        let langs = main_langs(&pairs);
        let scan = Scan::of(
            &pairs,
            langs,
            Collect {
                keys: false,
                memory_wide: true,
            },
        );
        let complete = step == 1;
        let mut models = Models::of_scan(scan, langs, (pairs.len(), complete));
        if !complete {
            // the sample's documents are parts of documents: each is modelled when needed
            models.documents.clear();
            models.names_in_document.clear();
        }
        Ok(models)
    }

    /// The models of a scan: the memory-wide ones, and those of the scan's documents.
    fn of_scan(scan: Scan, langs: (Lang, Lang), sample: (usize, bool)) -> Models {
        let folds = if sample.1 && scan.training.len() <= FOUR_FOLDS_UP_TO {
            4
        } else {
            2
        };
        let prior = memory_prior(&scan.lengths);
        let documents = scan
            .lengths
            .iter()
            .map(|(doc, pairs)| (doc.to_string(), Some(document_model(pairs, prior))))
            .collect();
        let mut name_documents: HashMap<String, Vec<String>> = HashMap::new();
        for (doc, words) in &scan.names_in_document {
            for word in words.keys() {
                let docs = name_documents.entry(word.clone()).or_default();
                if docs.len() < 2 {
                    docs.push(doc.clone());
                }
            }
        }
        Models {
            documents,
            names_in_document: scan.names_in_document,
            prior,
            langs,
            folds,
            training: scan
                .training
                .into_iter()
                .map(|(s, t, position)| (s, t, position.rem_euclid(folds as i64) as usize))
                .collect(),
            lexicons: (0..folds).map(|_| OnceLock::new()).collect(),
            by_source: scan.by_source,
            by_target: scan.by_target,
            casing: scan.casing,
            name_documents,
            transliterated: scan.transliterated,
            arabic_names: scan.arabic_names,
            sample,
        }
    }

    /// Learns the length model and the names of each named document not modelled yet, from
    /// its own units ([`DOCUMENT_SAMPLE`] of them at most).
    pub fn add_documents<'n>(
        &mut self,
        memory: &Memory,
        names: impl IntoIterator<Item = &'n str>,
    ) -> Result<()> {
        for name in names {
            if self.documents.contains_key(name) {
                continue;
            }
            let count = memory.count_units(&UnitFilter {
                document: Some(name.to_string()),
                ..UnitFilter::default()
            })?;
            let step = count.div_ceil(DOCUMENT_SAMPLE).max(1);
            let mut units = Vec::new();
            memory.for_each_sampled_unit(Some(name), step, |unit, source, target| {
                units.push((unit, lang_of(source, Lang::Ar), lang_of(target, Lang::En)));
                Ok(())
            })?;
            let pairs: Vec<Pair> = units
                .iter()
                .map(|(u, s, t)| Pair::of_unit(u, *s, *t))
                .collect();
            let mut scan = Scan::of(
                &pairs,
                self.langs,
                Collect {
                    keys: false,
                    memory_wide: false,
                },
            );
            let model = scan
                .lengths
                .get(name)
                .map(|lengths| document_model(lengths, self.prior));
            self.documents.insert(name.to_string(), model);
            if let Some(names) = scan.names_in_document.remove(name) {
                self.names_in_document.insert(name.to_string(), names);
            }
        }
        Ok(())
    }

    /// Finds, through the memory's search index, the units with the same normalised source or
    /// target as the given pairs (whose words are given too), for [`Models::inconsistent`]:
    /// replaces what an earlier call found.
    pub fn index_keys(
        &mut self,
        memory: &Memory,
        pairs: &[Pair],
        words: &[PairWords],
    ) -> Result<()> {
        let mut keys: HashMap<i64, (Option<u64>, Option<u64>)> = HashMap::new();
        let (mut source_terms, mut target_terms) = (Vec::new(), Vec::new());
        for (p, w) in pairs.iter().zip(words) {
            let (s, t) = (words_key(&w.source), words_key(&w.target));
            keys.insert(p.id, (s, t));
            if let (Some(s), Some(t)) = (s, t) {
                source_terms.push(key_term(s));
                target_terms.push(key_term(t));
            }
        }
        source_terms.sort_unstable();
        source_terms.dedup();
        target_terms.sort_unstable();
        target_terms.dedup();
        let mut found = memory.units_with_keys(StoreSide::Source, &source_terms)?;
        found.extend(memory.units_with_keys(StoreSide::Target, &target_terms)?);
        found.sort_unstable();
        found.dedup();
        self.by_source.clear();
        self.by_target.clear();
        for id in found {
            let (s, t) = match keys.get(&id) {
                Some(&k) => k,
                None => (
                    memory
                        .unit_text(id, StoreSide::Source)?
                        .and_then(|t| text_key(&t)),
                    memory
                        .unit_text(id, StoreSide::Target)?
                        .and_then(|t| text_key(&t)),
                ),
            };
            if let (Some(s), Some(t)) = (s, t) {
                self.by_source.entry(s).or_default().push((id, t));
                self.by_target.entry(t).or_default().push((id, s));
            }
        }
        Ok(())
    }

    /// Trains the word models the given pairs will need, now (each uses both cores).
    pub fn prepare_for<'p>(&self, pairs: impl IntoIterator<Item = &'p Pair<'p>>) {
        let mut needed = vec![false; self.folds];
        for p in pairs {
            if (p.source_lang, p.target_lang) == self.langs {
                needed[self.fold(p)] = true;
            }
        }
        for (k, need) in needed.into_iter().enumerate() {
            if need {
                self.fold_lexicon(k);
            }
        }
    }

    /// The length model of a document (none for a document without translated pairs, or not
    /// modelled).
    pub fn document(&self, name: &str) -> Option<&DocumentModel> {
        self.documents.get(name).and_then(Option::as_ref)
    }

    /// The word model that judges `pair`: the one trained on the other folds, when the memory
    /// has enough trusted pairs and the pair is in the memory's language pair.
    pub fn lexicon_for(&self, pair: &Pair) -> Option<&Lexicon> {
        if (pair.source_lang, pair.target_lang) != self.langs {
            return None;
        }
        self.fold_lexicon(self.fold(pair))
    }

    /// The fold of a pair: its position in its document, modulo the number of folds
    /// (neighbours fall in different folds).
    fn fold(&self, p: &Pair) -> usize {
        p.position.rem_euclid(self.folds as i64) as usize
    }

    fn fold_lexicon(&self, k: usize) -> Option<&Lexicon> {
        if self.training.len() < MIN_TRAINING {
            return None;
        }
        let config = Config {
            source_lang: self.langs.0,
            target_lang: self.langs.1,
            ..Config::default()
        };
        Some(self.lexicons[k].get_or_init(|| {
            let others = self.training.iter().filter(|(_, _, f)| *f != k);
            let count = others.clone().count();
            let step = count.div_ceil(MAX_TRAINING).max(1);
            let pairs: Vec<(String, String)> = others
                .step_by(step)
                .map(|(s, t, _)| (s.clone(), t.clone()))
                .collect();
            Lexicon::train(&pairs, &[], &config)
        }))
    }

    /// The other units whose source is the same as this pair's after normalisation but whose
    /// target is not, and those whose target is the same but whose source is not (given the
    /// words of the pair's two sides).
    pub fn inconsistent(
        &self,
        pair: &Pair,
        source: &[Word],
        target: &[Word],
    ) -> (Vec<i64>, Vec<i64>) {
        let (Some(s), Some(t)) = (words_key(source), words_key(target)) else {
            return (Vec::new(), Vec::new());
        };
        let others = |index: &KeyIndex, key: u64, other: u64| -> Vec<i64> {
            index.get(&key).map_or_else(Vec::new, |units| {
                units
                    .iter()
                    .filter(|&&(id, o)| id != pair.id && o != other)
                    .map(|&(id, _)| id)
                    .collect()
            })
        };
        (others(&self.by_source, s, t), others(&self.by_target, t, s))
    }

    /// How often an English word (lower case) was seen capitalised inside a sentence, and in
    /// lower case, in the memory.
    pub fn casing(&self, word: &str) -> (u32, u32) {
        self.casing.get(word).copied().unwrap_or((0, 0))
    }

    /// In how many pairs of a document a capitalised English word (given in lower case) occurs.
    pub fn name_pairs(&self, document: &str, word: &str) -> u32 {
        self.names_in_document
            .get(document)
            .and_then(|d| d.get(word))
            .copied()
            .unwrap_or(0)
    }

    /// True when a document of the memory other than `document` capitalises a word (lower
    /// case) inside an English sentence.
    pub fn name_elsewhere(&self, word: &str, document: &str) -> bool {
        self.name_documents
            .get(word)
            .is_some_and(|docs| docs.iter().any(|d| d != document))
    }

    /// In how many pairs of the memory the Arabic side transliterates a capitalised English
    /// word (given in lower case): a name, not a word translated.
    pub fn transliterated(&self, word: &str) -> u32 {
        self.transliterated.get(word).copied().unwrap_or(0)
    }

    /// In how many pairs of the memory an Arabic word (normalised, without clitics)
    /// transliterates an English name.
    pub fn arabic_name(&self, stem: &str) -> u32 {
        self.arabic_names.get(stem).copied().unwrap_or(0)
    }

    /// What could not be checked, for the reader of a report.
    pub fn notes(&self) -> Vec<String> {
        if self.training.len() >= MIN_TRAINING {
            return Vec::new();
        }
        let (units, every) = self.sample;
        let whose = if every {
            "the memory has".to_string()
        } else {
            format!("a sample of {units} of the memory's units has")
        };
        vec![format!(
            "pairs are judged without a word-translation model: {whose} {} trusted pairs \
             (reviewed, approved, or drafts scored 0.9 or more) and needs at least {MIN_TRAINING}",
            self.training.len()
        )]
    }
}

/// The language pair most of the pairs have (ar → en when there are none).
fn main_langs(pairs: &[Pair]) -> (Lang, Lang) {
    let mut langs: HashMap<(Lang, Lang), usize> = HashMap::new();
    for p in pairs {
        *langs.entry((p.source_lang, p.target_lang)).or_default() += 1;
    }
    langs
        .into_iter()
        .max_by_key(|&(l, n)| (n, l == (Lang::Ar, Lang::En)))
        .map_or((Lang::Ar, Lang::En), |(l, _)| l)
}

/// A document's language code as a [`Lang`], or `default`.
fn lang_of(code: &str, default: Lang) -> Lang {
    Lang::parse(code).unwrap_or(default)
}

/// The squared misfits of a document's pairs (characters of each side) under a ratio, of the
/// pairs that fit the default model within [`VARIANCE_FIT`].
fn misfits(pairs: &[(f64, f64)], ratio: f64) -> Vec<f64> {
    let start = LengthModel {
        ratio,
        variance: DEFAULT_VARIANCE,
    };
    pairs
        .iter()
        .filter(|&&(s, t)| start.delta(s, t).abs() <= VARIANCE_FIT)
        .map(|&(s, t)| (t - ratio * s).powi(2) / ((s + t / ratio) / 2.0))
        .filter(|m| m.is_finite())
        .collect()
}

/// A document's ratio: its own, shrunk toward the memory's, from its pairs whose length fits
/// the ratio of all of them within [`VARIANCE_FIT`] under the default variance (a pair cut to
/// half its length, or padded, should not set the ratio it is judged by).
fn shrunk_ratio(pairs: &[(f64, f64)], memory_ratio: f64) -> f64 {
    let ratio = |fits: &dyn Fn(f64, f64) -> bool| {
        let (s, t) = pairs
            .iter()
            .filter(|&&(s, t)| fits(s, t))
            .fold((0.0, 0.0), |(a, b), &(s, t)| (a + s, b + t));
        (t + RATIO_PRIOR_CHARS * memory_ratio) / (s + RATIO_PRIOR_CHARS)
    };
    let all = LengthModel {
        ratio: ratio(&|_, _| true),
        variance: DEFAULT_VARIANCE,
    };
    ratio(&|s, t| all.delta(s, t).abs() <= VARIANCE_FIT)
}

/// The memory's ratio (from the totals) and variance (the aligner's estimate: the default,
/// worth [`VARIANCE_PRIOR`] pairs, and the misfits of each document's pairs under its ratio).
fn memory_prior(lengths: &HashMap<&str, Vec<(f64, f64)>>) -> LengthModel {
    let (all_s, all_t) = lengths
        .values()
        .flatten()
        .fold((0.0, 0.0), |(a, b), &(s, t)| (a + s, b + t));
    let ratio = LengthModel::for_totals(all_s, all_t).ratio;
    let mut sum = 0.0;
    let mut n = 0usize;
    // in name order, so that the sum does not depend on the map's order
    let mut docs: Vec<_> = lengths.iter().collect();
    docs.sort_by_key(|(d, _)| **d);
    for (_, pairs) in docs {
        let m = misfits(pairs, shrunk_ratio(pairs, ratio));
        sum += m.iter().sum::<f64>();
        n += m.len();
    }
    LengthModel {
        ratio,
        variance: (VARIANCE_PRIOR * DEFAULT_VARIANCE + sum) / (VARIANCE_PRIOR + n as f64),
    }
}

/// A document's length model: its ratio and variance, shrunk toward the memory's.
fn document_model(pairs: &[(f64, f64)], prior: LengthModel) -> DocumentModel {
    let ratio = shrunk_ratio(pairs, prior.ratio);
    let m = misfits(pairs, ratio);
    let variance = (VARIANCE_PRIOR * prior.variance + m.iter().sum::<f64>())
        / (VARIANCE_PRIOR + m.len() as f64);
    DocumentModel {
        length: LengthModel {
            ratio,
            variance: variance.max(0.1),
        },
    }
}

/// What a [`Scan`] collects besides lengths and each document's names.
#[derive(Clone, Copy, Debug)]
struct Collect {
    /// The index of normalised texts.
    keys: bool,
    /// The trusted pairs, casing and transliterated names.
    memory_wide: bool,
}

/// What one pass over (a part of) the memory's pairs collects for the models.
#[derive(Default)]
struct Scan<'p> {
    /// Characters of each side of each document's translated pairs.
    lengths: HashMap<&'p str, Vec<(f64, f64)>>,
    /// Trusted pairs with their position in their document.
    training: Vec<(String, String, i64)>,
    by_source: KeyIndex,
    by_target: KeyIndex,
    casing: HashMap<String, (u32, u32)>,
    names_in_document: HashMap<String, HashMap<String, u32>>,
    transliterated: HashMap<String, u32>,
    arabic_names: HashMap<String, u32>,
}

impl<'p> Scan<'p> {
    fn of(pairs: &[Pair<'p>], langs: (Lang, Lang), collect: Collect) -> Scan<'p> {
        let mut scan = Scan::default();
        for p in pairs {
            let translated =
                !p.source.trim().is_empty() && !p.target.trim().is_empty() && !in_source_script(p);
            if translated {
                scan.lengths
                    .entry(p.document)
                    .or_default()
                    .push((char_len(p.source), char_len(p.target)));
            }
            if collect.memory_wide
                && translated
                && (p.source_lang, p.target_lang) == langs
                && trusted(p)
            {
                scan.training
                    .push((p.source.to_string(), p.target.to_string(), p.position));
            }
            let (sw, tw) = (word_spans(p.source), word_spans(p.target));
            if collect.keys
                && let (Some(s), Some(t)) = (words_key(&sw), words_key(&tw))
            {
                scan.by_source.entry(s).or_default().push((p.id, t));
                scan.by_target.entry(t).or_default().push((p.id, s));
            }
            let wide = collect.memory_wide;
            match (p.source_lang, p.target_lang) {
                (Lang::Ar, Lang::En) => scan.english(p.document, p.target, Some(&sw), wide),
                (Lang::En, Lang::Ar) => scan.english(p.document, p.source, Some(&tw), wide),
                (Lang::En, Lang::En) => {
                    scan.english(p.document, p.source, None, wide);
                    scan.english(p.document, p.target, None, wide);
                }
                _ => {}
            }
        }
        scan
    }

    /// Counts which words an English text capitalises (for its document) and, `memory_wide`,
    /// how it capitalises each word and which capitalised words the Arabic side (its words
    /// given) writes in transliteration.
    fn english(&mut self, document: &str, text: &str, arabic: Option<&[Word]>, memory_wide: bool) {
        let mut seen: Vec<String> = Vec::new();
        let names = std::cell::OnceCell::new();
        for w in super::evidence::english_words(text) {
            let word = &text[w.span.clone()];
            let Some(first) = word.chars().next() else {
                continue;
            };
            let lower = word.to_lowercase();
            if memory_wide
                && !w.initial
                && let Some(arabic) = arabic
                && super::evidence::name_like(word)
            {
                let names =
                    names.get_or_init(|| super::evidence::ArabicNames::of(arabic, None, false));
                if super::evidence::transliterated(word, names) {
                    *self.transliterated.entry(lower.clone()).or_default() += 1;
                }
                for stem in super::evidence::transliterations(word, names) {
                    *self.arabic_names.entry(stem.to_string()).or_default() += 1;
                }
            }
            if memory_wide && !w.initial {
                let entry = match self.casing.get_mut(&lower) {
                    Some(e) => e,
                    None => self.casing.entry(lower.clone()).or_default(),
                };
                if first.is_uppercase() {
                    entry.0 += 1;
                } else {
                    entry.1 += 1;
                }
            }
            if first.is_uppercase() && !seen.contains(&lower) {
                seen.push(lower);
            }
        }
        if seen.is_empty() {
            return;
        }
        let counts = match self.names_in_document.get_mut(document) {
            Some(d) => d,
            None => self
                .names_in_document
                .entry(document.to_string())
                .or_default(),
        };
        for word in seen {
            *counts.entry(word).or_default() += 1;
        }
    }

    /// Adds what another part of the memory collected (the part after this one).
    fn merge(&mut self, other: Scan<'p>) {
        for (doc, lengths) in other.lengths {
            self.lengths.entry(doc).or_default().extend(lengths);
        }
        self.training.extend(other.training);
        for (key, units) in other.by_source {
            self.by_source.entry(key).or_default().extend(units);
        }
        for (key, units) in other.by_target {
            self.by_target.entry(key).or_default().extend(units);
        }
        for (word, (a, b)) in other.casing {
            let e = self.casing.entry(word).or_default();
            e.0 += a;
            e.1 += b;
        }
        for (word, n) in other.arabic_names {
            *self.arabic_names.entry(word).or_default() += n;
        }
        for (word, n) in other.transliterated {
            *self.transliterated.entry(word).or_default() += n;
        }
        for (doc, words) in other.names_in_document {
            let counts = self.names_in_document.entry(doc).or_default();
            for (word, n) in words {
                *counts.entry(word).or_default() += n;
            }
        }
    }
}

/// A pair the word models may learn from.
fn trusted(p: &Pair) -> bool {
    match p.status {
        Status::Reviewed | Status::Approved => true,
        Status::Draft => p.score.is_none_or(|s| s >= 0.9),
        Status::Rejected => false,
    }
}

/// A key for a text's normalised words (none for a text without words): FNV-1a over the words.
pub fn text_key(text: &str) -> Option<u64> {
    words_key(&word_spans(text))
}

/// The index's key term ([`crate::text::terms::key`]) of a [`words_key`].
pub fn key_term(key: u64) -> String {
    format!("{}{key:016x}", crate::text::terms::KEY_MARK)
}

/// [`text_key`] of a text's words: the same hash as the search index's key term.
pub fn words_key(words: &[Word]) -> Option<u64> {
    if words.is_empty() {
        return None;
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (k, w) in words.iter().enumerate() {
        let sep: &[u8] = if k == 0 { b"" } else { b" " };
        for &b in sep.iter().chain(w.norm.as_bytes()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    Some(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_s_ratio_is_not_set_by_its_pairs_cut_to_half() {
        // twenty pairs translated at a ratio of 1.1, three of them cut to half their length
        let mut pairs = vec![(100.0, 110.0); 17];
        pairs.extend([(100.0, 55.0); 3]);
        let ratio = shrunk_ratio(&pairs, 1.1);
        assert!((ratio - 1.1).abs() < 0.005, "{ratio}");
        // all of them, the cut ones too, would have pulled it down to about 1.03
        let (s, t) = pairs
            .iter()
            .fold((0.0, 0.0), |(a, b), &(s, t)| (a + s, b + t));
        let naive = (t + RATIO_PRIOR_CHARS * 1.1) / (s + RATIO_PRIOR_CHARS);
        assert!(naive < 1.04, "{naive}");
    }
}

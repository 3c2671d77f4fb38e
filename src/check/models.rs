//! What the checks know about a memory, built once per run: each document's length model, two
//! word-translation models, an index of normalised texts for consistency, and how English
//! words are capitalised.
//!
//! **Length.** A document's ratio of target to source characters and the variance of the
//! Gale–Church model ([`crate::align::length`]) as the aligner estimates them: the ratio from the
//! document's totals (shrunk toward the memory's ratio for short documents), the variance
//! re-estimated with [`LengthModel::refined`] from the document's pairs that fit the default
//! model within three standard deviations.
//!
//! **Word translations.** IBM Model 1 ([`crate::align::lexical::Lexicon`]) trained on the pairs
//! the memory trusts, as `align` trains on them: reviewed and approved pairs, drafts the aligner
//! was sure of (score ≥ 0.9) and drafts without a score (imported from another tool's memory);
//! never rejected ones, nor pairs whose target is in the source's script. A model that has seen
//! a pair explains that pair's rare words by each other, wrong or not, so the trusted pairs are
//! split in two folds by position (even and odd pairs of every document) and each pair is judged
//! by the model of the other fold: it has learnt the document's own vocabulary from the pair's
//! neighbours, never from the pair itself.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::Lang;
use crate::align::Config;
use crate::align::length::{DEFAULT_VARIANCE, LengthModel};
use crate::align::lexical::Lexicon;
use crate::store::Status;
use crate::text::normalize::{Word, word_spans};

use super::Pair;
use super::evidence::{char_len, in_source_script};

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
    documents: HashMap<String, DocumentModel>,
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
    /// (document, capitalised English word in lower case) → pairs of the document holding it.
    names_in_document: HashMap<String, HashMap<String, u32>>,
    /// Capitalised English word (lower case) → documents holding it.
    name_documents: HashMap<String, usize>,
    /// Capitalised English word (lower case) → pairs whose Arabic side transliterates it.
    transliterated: HashMap<String, u32>,
    /// Arabic word (normalised, without clitics) → pairs where it transliterates an English name.
    arabic_names: HashMap<String, u32>,
}

impl Models {
    /// Builds the models of a memory from all its pairs (not only those to be checked). The
    /// word models are trained later, when a pair first needs one ([`Models::prepare_for`]).
    pub fn build(pairs: &[Pair]) -> Models {
        let mut langs: HashMap<(Lang, Lang), usize> = HashMap::new();
        for p in pairs {
            *langs.entry((p.source_lang, p.target_lang)).or_default() += 1;
        }
        let langs = langs
            .into_iter()
            .max_by_key(|&(l, n)| (n, l == (Lang::Ar, Lang::En)))
            .map_or((Lang::Ar, Lang::En), |(l, _)| l);
        // the pairs are read in two halves, one a core, then put together
        let (first, second) = pairs.split_at(pairs.len() / 2);
        let (mut scan, other) = std::thread::scope(|scope| {
            let other = scope.spawn(|| Scan::of(second, langs));
            (Scan::of(first, langs), other.join().expect("model thread"))
        });
        scan.merge(other);
        let folds = if scan.training.len() <= FOUR_FOLDS_UP_TO {
            4
        } else {
            2
        };
        let mut models = Models {
            documents: HashMap::new(),
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
            names_in_document: scan.names_in_document,
            name_documents: HashMap::new(),
            transliterated: scan.transliterated,
            arabic_names: scan.arabic_names,
        };
        let lengths = scan.lengths;
        for words in models.names_in_document.values() {
            for word in words.keys() {
                *models.name_documents.entry(word.clone()).or_default() += 1;
            }
        }
        let (all_s, all_t) = lengths
            .values()
            .flatten()
            .fold((0.0, 0.0), |(a, b), &(s, t)| (a + s, b + t));
        let memory_ratio = LengthModel::for_totals(all_s, all_t).ratio;
        // each document's ratio, and the squared misfits of its pairs that fit the default
        // model within VARIANCE_FIT
        let mut fits: Vec<(&str, f64, Vec<f64>)> = Vec::new();
        for (doc, pairs) in &lengths {
            let (s, t) = pairs
                .iter()
                .fold((0.0, 0.0), |(a, b), &(s, t)| (a + s, b + t));
            let ratio = (t + RATIO_PRIOR_CHARS * memory_ratio) / (s + RATIO_PRIOR_CHARS);
            let start = LengthModel {
                ratio,
                variance: DEFAULT_VARIANCE,
            };
            let misfits = pairs
                .iter()
                .filter(|&&(s, t)| start.delta(s, t).abs() <= VARIANCE_FIT)
                .map(|&(s, t)| (t - ratio * s).powi(2) / ((s + t / ratio) / 2.0))
                .filter(|m| m.is_finite())
                .collect();
            fits.push((doc, ratio, misfits));
        }
        // the memory's variance (the aligner's estimate: the default, worth VARIANCE_PRIOR
        // pairs, and the misfits), then each document's, shrunk toward the memory's
        let all: Vec<f64> = fits.iter().flat_map(|f| f.2.iter().copied()).collect();
        let memory_variance = (VARIANCE_PRIOR * DEFAULT_VARIANCE + all.iter().sum::<f64>())
            / (VARIANCE_PRIOR + all.len() as f64);
        for (doc, ratio, misfits) in fits {
            let variance = (VARIANCE_PRIOR * memory_variance + misfits.iter().sum::<f64>())
                / (VARIANCE_PRIOR + misfits.len() as f64);
            models.documents.insert(
                doc.to_string(),
                DocumentModel {
                    length: LengthModel {
                        ratio,
                        variance: variance.max(0.1),
                    },
                },
            );
        }
        models
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

    /// The length model of a document (none for a document without translated pairs).
    pub fn document(&self, name: &str) -> Option<&DocumentModel> {
        self.documents.get(name)
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

    /// In how many documents of the memory a word (lower case) is capitalised inside an English
    /// sentence.
    pub fn name_documents(&self, word: &str) -> usize {
        self.name_documents.get(word).copied().unwrap_or(0)
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
        vec![format!(
            "pairs are judged without a word-translation model: the memory has {} trusted pairs \
             (reviewed, approved, or drafts scored 0.9 or more) and needs at least {MIN_TRAINING}",
            self.training.len()
        )]
    }
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
    fn of(pairs: &[Pair<'p>], langs: (Lang, Lang)) -> Scan<'p> {
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
            if translated && (p.source_lang, p.target_lang) == langs && trusted(p) {
                scan.training
                    .push((p.source.to_string(), p.target.to_string(), p.position));
            }
            let (sw, tw) = (word_spans(p.source), word_spans(p.target));
            if let (Some(s), Some(t)) = (words_key(&sw), words_key(&tw)) {
                scan.by_source.entry(s).or_default().push((p.id, t));
                scan.by_target.entry(t).or_default().push((p.id, s));
            }
            match (p.source_lang, p.target_lang) {
                (Lang::Ar, Lang::En) => scan.english(p.document, p.target, Some(&sw)),
                (Lang::En, Lang::Ar) => scan.english(p.document, p.source, Some(&tw)),
                (Lang::En, Lang::En) => {
                    scan.english(p.document, p.source, None);
                    scan.english(p.document, p.target, None);
                }
                _ => {}
            }
        }
        scan
    }

    /// Counts how an English text capitalises its words, which it capitalises, and which of
    /// those the Arabic side (its words given) writes in transliteration.
    fn english(&mut self, document: &str, text: &str, arabic: Option<&[Word]>) {
        let mut seen: Vec<String> = Vec::new();
        let names = std::cell::OnceCell::new();
        for w in super::evidence::english_words(text) {
            let word = &text[w.span.clone()];
            let Some(first) = word.chars().next() else {
                continue;
            };
            let lower = word.to_lowercase();
            if !w.initial
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
            if !w.initial {
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

/// [`text_key`] of a text's words.
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

//! Sentence alignment: which source sentences translate which target sentences.
//!
//! The aligner is a set of pure functions over sentence texts. It searches the beads
//! (1-1, 1-0, 0-1, 1-2, 2-1, 2-2, 1-3, 3-1) with dynamic programming over a band of the
//! alignment lattice ([`dp`]), each bead costing a negative log probability made of
//!
//! * the bead's prior ([`SHAPES`]),
//! * the Gale–Church length cost ([`length`]), ratio and variance taken from the document,
//! * language-independent anchors ([`anchors`]): numbers in any script ([`crate::text::numbers`]), names
//!   romanised and compared by consonant skeleton ([`names`]), Latin-script words in the Arabic
//!   text; and agreement in sentence-final stops, quotation, question and exclamation marks
//!   ([`features`]),
//! * in the second pass, a word-translation model trained on the first pass's confident beads
//!   ([`lexical`]).
//!
//! Then a sentence aligned with two or three sentences of the other side is split where they
//! show it splits ([`split`]), so that the pairs hold sentence parts ([`Part`]).
//!
//! Each bead's score is its posterior probability under the model (forward–backward), so a
//! score of 0.6 means the model saw a real alternative to that bead.

pub mod anchors;
pub mod batch;
pub mod beads;
pub mod constrained;
pub mod dp;
pub mod features;
pub mod length;
pub mod lexical;
pub mod names;
pub mod score;
pub mod split;

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use crate::Lang;
use crate::segment::Span;
use anchors::AnchorTable;
use dp::{Band, Decoded, Shape};
use features::Features;
use length::{CostTable, LengthModel};
use lexical::{BeadTable, Lexicon};

/// An aligned group of sentences: source sentences `source` translate target sentences
/// `target` (either may be empty for an untranslated sentence).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bead {
    pub source: Range<usize>,
    pub target: Range<usize>,
    /// Posterior probability of this bead, in [0, 1].
    pub score: f64,
}

/// A piece of a sentence the aligner pairs: the whole sentence, or a part the aligner split it
/// into ([`split`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Part {
    /// Which sentence of its side (0-based) it comes from.
    pub sentence: usize,
    /// Its bytes in that sentence's text.
    pub range: Range<usize>,
}

/// A document's alignment: the parts of both sides, in order, and the beads over them (a
/// bead's ranges index the parts, not the sentences).
#[derive(Clone, Debug, PartialEq)]
pub struct Alignment {
    pub source: Vec<Part>,
    pub target: Vec<Part>,
    pub beads: Vec<Bead>,
}

impl Alignment {
    /// An alignment of whole sentences: `beads` over `source.len()` and `target.len()`
    /// sentences.
    pub fn whole(source: &[&str], target: &[&str], beads: Vec<Bead>) -> Alignment {
        let parts = |side: &[&str]| {
            side.iter()
                .enumerate()
                .map(|(sentence, s)| Part {
                    sentence,
                    range: 0..s.len(),
                })
                .collect()
        };
        Alignment {
            source: parts(source),
            target: parts(target),
            beads,
        }
    }

    /// True when some sentence was split into parts.
    pub fn has_split(&self) -> bool {
        self.source.len() > self.source.last().map_or(0, |p| p.sentence + 1)
            || self.target.len() > self.target.last().map_or(0, |p| p.sentence + 1)
    }

    /// The beads in sentence numbers, with their scores: each part replaced by its sentence,
    /// and beads that share a sentence merged into one, scored as the lowest of them (so a
    /// split sentence's beads become the bead it was split from). This is what a gold standard
    /// over the input sentences is compared with.
    pub fn sentence_beads(&self) -> Vec<(beads::IndexBead, f64)> {
        let beads = self
            .beads
            .iter()
            .map(|b| {
                let bead = beads::IndexBead {
                    source: self.source[b.source.clone()]
                        .iter()
                        .map(|p| p.sentence)
                        .collect(),
                    target: self.target[b.target.clone()]
                        .iter()
                        .map(|p| p.sentence)
                        .collect(),
                };
                (bead, b.score)
            })
            .collect();
        crate::eval::merge_shared(beads)
    }
}

/// Mean pair score below which two texts do not look like translations of each other. On the
/// development documents (doc000–doc039) aligned with another document's translation, alone in
/// pairs or all together, no document's mean reaches 0.25; aligned with their own, one at a
/// time, every document of six pairs or more has a mean above 0.65.
pub const NOT_TRANSLATIONS: f64 = 0.3;

/// Fewest pairs on which texts are judged not to be translations: on fewer the evidence is too
/// thin either way.
pub const JUDGED_PAIRS: usize = 6;

/// False when the mean of a document's pair `scores` (at least [`JUDGED_PAIRS`] of them) is
/// under [`NOT_TRANSLATIONS`]: on texts that translate each other most pairs score high, on
/// texts that do not almost none do.
pub fn looks_translated(scores: &[f64]) -> bool {
    scores.len() < JUDGED_PAIRS
        || scores.iter().sum::<f64>() / (scores.len() as f64) >= NOT_TRANSLATIONS
}

/// The spans of `parts` in a document whose sentences are `sentences` (spans into the text).
pub fn part_spans(parts: &[Part], sentences: &[Span]) -> Vec<Span> {
    parts
        .iter()
        .map(|p| {
            let s = sentences[p.sentence];
            Span {
                start: s.start + p.range.start,
                end: s.start + p.range.end,
            }
        })
        .collect()
}

/// Bead shapes: source sentences, target sentences.
pub const SHAPES: [(usize, usize); 8] = [
    (1, 1),
    (1, 2),
    (2, 1),
    (1, 0),
    (0, 1),
    (2, 2),
    (1, 3),
    (3, 1),
];

/// Most sentences of one side in a bead of [`SHAPES`].
pub(crate) const MAX_SIDE: usize = 3;

/// Prior probabilities of the [`SHAPES`]: Gale and Church's, shifted toward merges, as Arabic
/// news translations join and split sentences more often than the parliamentary
/// French–English they measured.
pub const PRIORS: [f64; 8] = [0.86, 0.05, 0.05, 0.01, 0.01, 0.01, 0.005, 0.005];

/// Weights (in nats) of the anchors and the lexical model.
#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    /// Bonus per number found on both sides.
    pub number: f64,
    /// Bonus per name matched (times the skeletons' similarity).
    pub name: f64,
    /// Bonus per Latin-script word of the Arabic side found on the English side.
    pub latin: f64,
    /// Cost per sentence-final stop more on one side than the other.
    pub sentences: f64,
    /// Cost per quotation mark more on one side than the other.
    pub quotes: f64,
    /// Cost per question or exclamation mark more on one side than the other.
    pub marks: f64,
    /// Scale of the lexical model's log-likelihood ratio.
    pub lexical: f64,
    /// Scale of the length cost.
    pub length: f64,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights {
            number: 3.0,
            name: 1.5,
            latin: 2.5,
            sentences: 1.5,
            quotes: 0.5,
            marks: 1.0,
            lexical: 0.3,
            length: 1.0,
        }
    }
}

/// How to align.
#[derive(Clone, Debug)]
pub struct Config {
    pub source_lang: Lang,
    pub target_lang: Lang,
    /// Run the second, lexical pass.
    pub lexical: bool,
    pub weights: Weights,
    /// Prior probability of each of the [`SHAPES`].
    pub priors: [f64; 8],
    /// Share of beads whose lengths do not follow the document's ratio (headlines, captions,
    /// free renderings), scored by a three times wider normal; 0 gives plain Gale–Church.
    pub length_outliers: f64,
    /// Weight of the translation model against chance in the lexical score, in (0, 1).
    pub mixture: f64,
    /// Half-width of the first pass's band, in sentences (doubled while the path is squeezed).
    pub band: usize,
    /// Half-width of the band around the first pass's path for the later passes.
    pub refine_band: usize,
    /// Divides costs before posteriors are computed: above 1 softens the scores.
    pub temperature: f64,
    /// Posterior a first-pass bead needs to train the lexical model.
    pub train_threshold: f64,
    /// Split a sentence aligned with two or three of the other side where they show it splits
    /// ([`split`]; only [`align_documents`] does).
    pub split: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            source_lang: Lang::Ar,
            target_lang: Lang::En,
            lexical: true,
            weights: Weights::default(),
            priors: PRIORS,
            mixture: 0.5,
            length_outliers: 0.1,
            band: 12,
            refine_band: 3,
            temperature: 1.0,
            train_threshold: 0.9,
            split: true,
        }
    }
}

/// Maps `f` over `items` on two threads (the machine's two cores; one for short lists), in
/// order.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() < 64 {
        return items.iter().map(f).collect();
    }
    let (a, b) = items.split_at(items.len() / 2);
    std::thread::scope(|scope| {
        let second = scope.spawn(|| b.iter().map(&f).collect::<Vec<R>>());
        let mut out: Vec<R> = a.iter().map(&f).collect();
        out.extend(second.join().expect("worker thread"));
        out
    })
}

/// Lattices up to this many cells are searched whole.
pub(crate) const FULL_LATTICE: usize = 250_000;

/// A document prepared for alignment: features of both sides and the first pass's result.
pub struct Prepared {
    source: Vec<Features>,
    target: Vec<Features>,
    src_len: Vec<f64>,
    tgt_len: Vec<f64>,
    src_count: Vec<[u32; 4]>,
    tgt_count: Vec<[u32; 4]>,
    pub(crate) length: LengthModel,
    length_costs: CostTable,
    /// `−ln` of each shape's prior.
    prior_costs: [f64; 8],
    /// Anchor scores of the sentence pairs near the first pass's path.
    anchors: AnchorTable,
    /// The first pass's beads (length and anchors only), with posteriors.
    pub first: Vec<Bead>,
    path: Vec<(usize, usize)>,
}

impl Prepared {
    pub fn source_len(&self) -> usize {
        self.source.len()
    }
    pub fn target_len(&self) -> usize {
        self.target.len()
    }
}

/// Aligns two documents given as sentences, with the lexical model (when configured) trained
/// on this document alone.
pub fn align(source: &[&str], target: &[&str], config: &Config) -> Vec<Bead> {
    let docs = [(source.to_vec(), target.to_vec())];
    align_corpus(&docs, &Training::default(), config)
        .pop()
        .unwrap_or_default()
}

/// What the lexical model learns from besides the documents being aligned.
#[derive(Clone, Debug, Default)]
pub struct Training {
    /// Sentence pairs known to be translations (a memory's reviewed units).
    pub pairs: Vec<(String, String)>,
    /// Bilingual word list entries, `(source, target)`.
    pub dictionary: Vec<(String, String)>,
}

/// Aligns several document pairs sentence by sentence (no sentence is split, whatever
/// [`Config::split`] says), training one lexical model on the first pass's confident beads of
/// all of them together with `training` (Moore's two passes over a corpus).
pub fn align_corpus(
    docs: &[(Vec<&str>, Vec<&str>)],
    training: &Training,
    config: &Config,
) -> Vec<Vec<Bead>> {
    let config = Config {
        split: false,
        ..config.clone()
    };
    align_documents(docs, training, &config)
        .into_iter()
        .map(|a| a.beads)
        .collect()
}

/// Aligns several document pairs as [`align_corpus`] does, then (with [`Config::split`])
/// splits the sentences that the other side shows to be two or three ([`split`]). The
/// alignments are over parts of sentences.
pub fn align_documents(
    docs: &[(Vec<&str>, Vec<&str>)],
    training: &Training,
    config: &Config,
) -> Vec<Alignment> {
    let prepared: Vec<Prepared> = docs.iter().map(|(s, t)| first_pass(s, t, config)).collect();
    // the training pairs, and for each document which of its first-pass beads are which pair
    let mut pairs = training.pairs.clone();
    let mut trained: Vec<TrainedBeads> = Vec::new();
    for (p, (s, t)) in prepared.iter().zip(docs) {
        let mut of_doc = HashMap::new();
        for b in training_beads(p, config) {
            of_doc.insert((b.source.clone(), b.target.clone()), pairs.len());
            pairs.push((source_text(s, &b.source), source_text(t, &b.target)));
        }
        trained.push(of_doc);
    }
    let lexicon = config
        .lexical
        .then(|| Lexicon::train(&pairs, &training.dictionary, config));
    prepared
        .iter()
        .zip(docs)
        .zip(&trained)
        .map(|((p, (s, t)), trained)| finish(p, s, t, lexicon.as_ref(), trained, config))
        .collect()
}

/// What follows the first pass of a document, the same for [`align_documents`] and a batch:
/// the second pass (with a word model), each bead's translation score (a bead the word model
/// learnt from, as `trained` says, is scored by the model without it), and with
/// [`Config::split`] the splitting of sentences the other side renders as several.
pub(crate) fn finish(
    p: &Prepared,
    s: &[&str],
    t: &[&str],
    lexicon: Option<&Lexicon>,
    trained: &TrainedBeads,
    config: &Config,
) -> Alignment {
    let (mut beads, lexical, learnt) = match lexicon {
        Some(lex) => {
            let (beads, table) = second_pass_lexical(p, s, t, lex, config);
            // a pair the model learnt from is scored by the model without it
            let learnt: Vec<Option<usize>> = beads
                .iter()
                .map(|b| trained.get(&(b.source.clone(), b.target.clone())).copied())
                .collect();
            let lexical = learnt
                .iter()
                .zip(table)
                .map(|(k, score)| k.and_then(|k| lex.held_out(k)).or(score))
                .collect();
            (beads, lexical, learnt.iter().map(Option::is_some).collect())
        }
        None => (
            p.first.clone(),
            vec![None; p.first.len()],
            vec![false; p.first.len()],
        ),
    };
    score::translation_scores(p, &mut beads, &lexical, &learnt);
    if config.split {
        split::refine(s, t, &beads, p, lexicon, config)
    } else {
        Alignment::whole(s, t, beads)
    }
}

/// A document's first-pass beads that the lexical model learnt from: their source and target
/// sentences, and their index among the training pairs.
pub(crate) type TrainedBeads = HashMap<(Range<usize>, Range<usize>), usize>;

/// The text of sentences `range` of a side, joined by a space.
fn source_text(side: &[&str], range: &Range<usize>) -> String {
    side[range.clone()].join(" ")
}

/// Features, length model and the first (length + anchors) pass.
pub fn first_pass(source: &[&str], target: &[&str], config: &Config) -> Prepared {
    let src: Vec<Features> = par_map(source, |s| features::extract(s, config.source_lang));
    let tgt: Vec<Features> = par_map(target, |s| features::extract(s, config.target_lang));
    let prefix = |f: &[Features]| {
        let mut acc = vec![0.0];
        for x in f {
            acc.push(acc.last().copied().unwrap_or(0.0) + x.len);
        }
        acc
    };
    let counts = |f: &[Features]| {
        let mut acc = vec![[0u32; 4]];
        for x in f {
            let last = *acc.last().expect("non-empty");
            acc.push([
                last[0] + x.sentences,
                last[1] + x.quotes,
                last[2] + x.questions,
                last[3] + x.exclamations,
            ]);
        }
        acc
    };
    let src_len = prefix(&src);
    let tgt_len = prefix(&tgt);
    let length = LengthModel::for_totals(
        src_len.last().copied().unwrap_or(0.0),
        tgt_len.last().copied().unwrap_or(0.0),
    );
    let mut prepared = Prepared {
        src_count: counts(&src),
        tgt_count: counts(&tgt),
        source: src,
        target: tgt,
        src_len,
        tgt_len,
        length,
        length_costs: CostTable::new(config.length_outliers),
        prior_costs: config.priors.map(|p| -p.ln()),
        anchors: AnchorTable::empty(source.len()),
        first: Vec::new(),
        path: Vec::new(),
    };
    let (n, m) = (prepared.source.len(), prepared.target.len());
    let langs = (config.source_lang, config.target_lang);
    let none = |_: usize, _: usize, _: usize, _: usize| 0.0;

    // pass 1: the best path with the default variance, in a band around the diagonal that is
    // doubled while the path is squeezed against its edge; anchors are scored a little beyond
    // the band, enough for the later passes near this path
    let margin = config.refine_band + 4;
    let mut width = config.band.max(4);
    let rough = loop {
        let full = (n + 1) * (m + 1) <= FULL_LATTICE || width >= n.max(m);
        let band = if full {
            Band::full(n, m)
        } else {
            Band::diagonal(n, m, width)
        };
        prepared.anchors = AnchorTable::new(
            source,
            target,
            langs,
            &band.widened(margin),
            &config.weights,
        );
        let near = prepared.anchors.near(&band, MAX_SIDE - 1);
        let anchors = |i: usize, j: usize| near.get(i, j);
        let decoded = dp::decode(
            &band,
            &shapes(),
            |i, j, k| prepared.cost(i, j, k, config, &anchors, &none),
            false,
            1.0,
        );
        if full || !decoded.squeezed {
            break decoded;
        }
        width *= 2;
    };
    // the document's own variance, from the rough path's 1-1 beads
    let pairs: Vec<(f64, f64)> = rough
        .steps
        .iter()
        .filter(|s| s.di == 1 && s.dj == 1)
        .map(|s| (prepared.source[s.i].len, prepared.target[s.j].len))
        .collect();
    prepared.length = prepared.length.refined(pairs);
    let path = path_cells(&rough);
    // pass 1b: posteriors near the rough path with the refined model
    let band = Band::around(n, m, &path, config.refine_band);
    let near = prepared.anchors.near(&band, MAX_SIDE - 1);
    let anchors = |i: usize, j: usize| near.get(i, j);
    let decoded = dp::decode(
        &band,
        &shapes(),
        |i, j, k| prepared.cost(i, j, k, config, &anchors, &none),
        true,
        config.temperature,
    );
    prepared.path = path_cells(&decoded);
    prepared.first = to_beads(&decoded);
    prepared
}

/// The second pass: length, anchors and the lexical model, near the first pass's path.
pub fn second_pass(
    prepared: &Prepared,
    source: &[&str],
    target: &[&str],
    lexicon: &Lexicon,
    config: &Config,
) -> Vec<Bead> {
    second_pass_lexical(prepared, source, target, lexicon, config).0
}

/// [`second_pass`], with each bead's lexical score (none for a bead empty on one side).
fn second_pass_lexical(
    prepared: &Prepared,
    source: &[&str],
    target: &[&str],
    lexicon: &Lexicon,
    config: &Config,
) -> (Vec<Bead>, Vec<Option<f64>>) {
    let (n, m) = (prepared.source.len(), prepared.target.len());
    let band = Band::around(n, m, &prepared.path, config.refine_band);
    let table = BeadTable::new(lexicon, source, target, &band, config);
    let near = prepared.anchors.near(&band, MAX_SIDE - 1);
    let anchors = |i: usize, j: usize| near.get(i, j);
    let lexical = |i: usize, j: usize, di: usize, dj: usize| {
        config.weights.lexical * table.bead(i, j, di, dj)
    };
    let decoded = dp::decode(
        &band,
        &shapes(),
        |i, j, k| prepared.cost(i, j, k, config, &anchors, &lexical),
        true,
        config.temperature,
    );
    let beads = to_beads(&decoded);
    let scores = beads
        .iter()
        .map(|b| {
            let (di, dj) = (b.source.len(), b.target.len());
            (di > 0 && dj > 0).then(|| table.bead(b.source.start, b.target.start, di, dj))
        })
        .collect();
    (beads, scores)
}

/// The first pass's beads confident enough to train the lexical model on.
fn training_beads<'a>(
    prepared: &'a Prepared,
    config: &'a Config,
) -> impl Iterator<Item = &'a Bead> {
    prepared
        .first
        .iter()
        .filter(|b| !b.source.is_empty() && !b.target.is_empty())
        .filter(|b| b.score >= config.train_threshold)
}

/// The first pass's confident beads as text pairs to train the lexical model on.
pub fn training_pairs(
    prepared: &Prepared,
    source: &[&str],
    target: &[&str],
    config: &Config,
) -> Vec<(String, String)> {
    training_beads(prepared, config)
        .map(|b| {
            (
                source_text(source, &b.source),
                source_text(target, &b.target),
            )
        })
        .collect()
}

impl Prepared {
    /// The anchor score of the bead of source sentences `i..i + di` and target sentences
    /// `j..j + dj`, as [`Prepared::cost`] counts it.
    fn anchor_score(&self, i: usize, j: usize, di: usize, dj: usize) -> f64 {
        let a = |x: usize, y: usize| self.anchors.get(x, y);
        if di >= dj {
            (0..di)
                .map(|x| (0..dj).map(|y| a(i + x, j + y)).fold(0.0, f64::max))
                .sum()
        } else {
            (0..dj)
                .map(|y| (0..di).map(|x| a(i + x, j + y)).fold(0.0, f64::max))
                .sum()
        }
    }

    /// The characters of the bead's two sides.
    fn lengths(&self, i: usize, j: usize, di: usize, dj: usize) -> (f64, f64) {
        (
            self.src_len[i + di] - self.src_len[i],
            self.tgt_len[j + dj] - self.tgt_len[j],
        )
    }

    /// Cost of the bead of shape `k` starting at cell `(i, j)`. `anchors` scores a sentence
    /// pair's shared numbers, names and words; `lexical` its word translations.
    ///
    /// Anchors are credited once per sentence of the bead's larger side, each with its best
    /// partner on the other side, so a name repeated in neighbouring sentences does not make
    /// a 2-2 bead look better than the two 1-1 beads it is made of. `lexical` scores the whole
    /// bead.
    pub(crate) fn cost(
        &self,
        i: usize,
        j: usize,
        k: usize,
        config: &Config,
        anchors: &impl Fn(usize, usize) -> f64,
        lexical: &impl Fn(usize, usize, usize, usize) -> f64,
    ) -> f64 {
        let (di, dj) = SHAPES[k];
        let mut c = self.prior_costs[k];
        if di == 0 || dj == 0 {
            return c;
        }
        let w = &config.weights;
        let ls = self.src_len[i + di] - self.src_len[i];
        let lt = self.tgt_len[j + dj] - self.tgt_len[j];
        c += w.length * self.length_costs.cost(self.length.delta(ls, lt));
        let (a0, a1) = (self.src_count[i], self.src_count[i + di]);
        let (b0, b1) = (self.tgt_count[j], self.tgt_count[j + dj]);
        let diff = |f: usize| ((a1[f] - a0[f]) as f64 - (b1[f] - b0[f]) as f64).abs();
        c += w.sentences * diff(0) + w.quotes * diff(1) + w.marks * (diff(2) + diff(3));
        if di >= dj {
            for a in 0..di {
                c -= (0..dj).map(|b| anchors(i + a, j + b)).fold(0.0, f64::max);
            }
        } else {
            for b in 0..dj {
                c -= (0..di).map(|a| anchors(i + a, j + b)).fold(0.0, f64::max);
            }
        }
        c - lexical(i, j, di, dj)
    }
}

pub(crate) fn shapes() -> Vec<Shape> {
    SHAPES.iter().map(|&(di, dj)| Shape { di, dj }).collect()
}

fn path_cells(decoded: &Decoded) -> Vec<(usize, usize)> {
    let mut cells = vec![(0, 0)];
    for s in &decoded.steps {
        cells.push((s.i + s.di, s.j + s.dj));
    }
    cells
}

pub(crate) fn to_beads(decoded: &Decoded) -> Vec<Bead> {
    decoded
        .steps
        .iter()
        .map(|s| Bead {
            source: s.i..s.i + s.di,
            target: s.j..s.j + s.dj,
            score: s.posterior,
        })
        .collect()
}

#[cfg(test)]
mod tests;

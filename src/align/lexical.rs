//! The lexical model of the second pass (after Moore, 2002): IBM Model 1 word-translation
//! probabilities, trained by EM in both directions on sentence pairs the first pass is sure of
//! (and on the memory's reviewed pairs and a user's dictionary, when given).
//!
//! A sentence pair is scored by how much better the source explains the target's words than
//! chance does: for each target word `t`,
//! `ln(λ · P₁(t | S) / P(t) + 1 − λ)` (λ is [`Config::mixture`]), where `P₁(t | S) = (τ(t | NULL) + Σₛ τ(t | s)) / (|S| + 1)`
//! and `P(t)` is the word's unigram probability; the mixture with `λ` bounds what an
//! unexplained word can cost. The score is the mean of both directions' sums.
//!
//! Words are normalised as for matching ([`crate::text::normalize`]); Arabic clitics are
//! split off (`والحكومة` → `حكومه`), English plurals folded (`protests` → `protest`).

use std::collections::HashMap;

use crate::Lang;
use crate::align::dp::Band;
use crate::align::{Config, MAX_SIDE, SHAPES};
use crate::text::normalize::{normalize, split_words, stem};

/// EM iterations.
const ITERATIONS: usize = 5;
/// Most training pairs used; more are sampled evenly.
const MAX_PAIRS: usize = 4_000;
/// Translation probabilities below this are dropped after training.
const PRUNE: f32 = 1e-3;
/// At most this many translations are kept for each word (the most probable).
const KEEP: usize = 30;
/// Times a dictionary entry is repeated in training.
const DICTIONARY_WEIGHT: usize = 3;

/// The words of `text` as the lexical model sees them.
pub fn tokens(text: &str, lang: Lang) -> Vec<String> {
    let normalized = normalize(text);
    words_of(&normalized, lang).map(str::to_string).collect()
}

/// The model's words of already normalised text.
fn words_of(normalized: &str, lang: Lang) -> impl Iterator<Item = &str> {
    split_words(normalized).filter_map(move |w| {
        let w = match lang {
            Lang::Ar => stem(w),
            Lang::En => english_stem(w),
        };
        (w.chars().nth(1).is_some() || w.bytes().all(|c| c.is_ascii_digit())).then_some(w)
    })
}

pub fn english_stem(w: &str) -> &str {
    let plural = w.len() > 4
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is");
    if plural { &w[..w.len() - 1] } else { w }
}

/// Word ids of one language.
#[derive(Clone, Debug, Default)]
pub struct Vocab {
    pub ids: HashMap<String, u32, foldhash::fast::FixedState>,
    /// Occurrences of each id in the training text.
    pub counts: Vec<f64>,
}

impl Vocab {
    fn id_mut(&mut self, w: String) -> u32 {
        let next = self.ids.len() as u32;
        let id = *self.ids.entry(w).or_insert(next);
        if id as usize == self.counts.len() {
            self.counts.push(0.0);
        }
        self.counts[id as usize] += 1.0;
        id
    }
}

/// One direction of Model 1: `rows[s]` holds `(t, τ(t | s))` sorted by `t`; row 0 is NULL.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub rows: Vec<Vec<(u32, f32)>>,
    /// Unigram probability of each target id.
    pub unigram: Vec<f64>,
}

/// Word-translation probabilities in both directions.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    pub src: Vocab,
    pub tgt: Vocab,
    pub forward: Table,
    pub backward: Table,
    /// For each training pair (by its index in the pairs given to [`Lexicon::train`]) that
    /// the model learnt from, its lexical score under the model without what it learnt from
    /// that pair (leave-one-out).
    held_out: Vec<Option<f32>>,
}

impl Lexicon {
    /// Trains on `(source text, target text)` pairs and optional dictionary entries.
    pub fn train(
        pairs: &[(String, String)],
        dictionary: &[(String, String)],
        config: &Config,
    ) -> Lexicon {
        let mut lex = Lexicon::default();
        // NULL is id 0 on both sides
        lex.src.id_mut(String::new());
        lex.tgt.id_mut(String::new());
        let step = pairs.len().div_ceil(MAX_PAIRS).max(1);
        let mut corpus: Vec<(Vec<u32>, Vec<u32>)> = Vec::new();
        // which of `pairs` each sentence pair of the corpus is
        let mut origin: Vec<Option<usize>> = Vec::new();
        let chosen = pairs
            .iter()
            .enumerate()
            .step_by(step)
            .map(|(k, p)| (Some(k), p))
            .chain(
                dictionary
                    .iter()
                    .flat_map(|e| std::iter::repeat_n((None, e), DICTIONARY_WEIGHT)),
            );
        for (k, (s, t)) in chosen {
            let s: Vec<u32> = tokens(s, config.source_lang)
                .into_iter()
                .map(|w| lex.src.id_mut(w))
                .collect();
            let t: Vec<u32> = tokens(t, config.target_lang)
                .into_iter()
                .map(|w| lex.tgt.id_mut(w))
                .collect();
            if !s.is_empty() && !t.is_empty() {
                corpus.push((s, t));
                origin.push(k);
            }
        }
        lex.held_out = vec![None; pairs.len()];
        if corpus.is_empty() {
            return lex;
        }
        // the two directions are independent: one thread each
        let reversed: Vec<(Vec<u32>, Vec<u32>)> =
            corpus.iter().map(|(s, t)| (t.clone(), s.clone())).collect();
        let mixture = config.mixture;
        let ((forward, held_forward), (backward, held_backward)) = std::thread::scope(|scope| {
            let backward =
                scope.spawn(|| em(&reversed, lex.tgt.counts.len(), &lex.src.counts, mixture));
            let forward = em(&corpus, lex.src.counts.len(), &lex.tgt.counts, mixture);
            (forward, backward.join().expect("EM thread"))
        });
        lex.forward = forward;
        lex.backward = backward;
        for (k, (f, b)) in origin.iter().zip(held_forward.iter().zip(&held_backward)) {
            if let Some(k) = k {
                lex.held_out[*k] = Some((f + b) / 2.0);
            }
        }
        lex
    }

    /// The lexical score of training pair `k` (an index into the pairs given to
    /// [`Lexicon::train`]) by the model without that pair, if the model learnt from it: the
    /// same mean of both directions as [`BeadTable::bead`] gives, but free of the pair's own
    /// words, which a model learns to explain by each other whether or not they translate.
    pub fn held_out(&self, k: usize) -> Option<f64> {
        self.held_out.get(k).copied().flatten().map(f64::from)
    }

    /// True when nothing was learnt.
    pub fn is_empty(&self) -> bool {
        self.forward.rows.is_empty()
    }

    /// Number of source and target words known.
    pub fn vocabulary(&self) -> (usize, usize) {
        (
            self.src.ids.len().saturating_sub(1),
            self.tgt.ids.len().saturating_sub(1),
        )
    }

    /// The most probable translations of a source word, best first (for inspection and tests).
    pub fn translations(&self, source_word: &str) -> Vec<(String, f32)> {
        let Some(&id) = self.src.ids.get(source_word) else {
            return Vec::new();
        };
        let names: HashMap<u32, &str> =
            self.tgt.ids.iter().map(|(w, &i)| (i, w.as_str())).collect();
        let mut out: Vec<(String, f32)> = self.forward.rows[id as usize]
            .iter()
            .map(|&(t, p)| (names[&t].to_string(), p))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }

    fn ids(&self, text: &str, lang: Lang, vocab: &Vocab) -> Vec<u32> {
        let normalized = normalize(text);
        words_of(&normalized, lang)
            .map(|w| vocab.ids.get(w).copied().unwrap_or(u32::MAX))
            .collect()
    }
}

/// Which side of the lexicon a text is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Source,
    Target,
}

impl Lexicon {
    /// The word ids of `text`, on `side`, in language `lang` (`u32::MAX` for unknown words).
    pub fn word_ids(&self, text: &str, lang: Lang, side: Side) -> Vec<u32> {
        match side {
            Side::Source => self.ids(text, lang, &self.src),
            Side::Target => self.ids(text, lang, &self.tgt),
        }
    }

    /// `(to the other side, from the other side)` for a text on `side`.
    fn tables(&self, side: Side) -> (&Table, &Table) {
        match side {
            Side::Source => (&self.forward, &self.backward),
            Side::Target => (&self.backward, &self.forward),
        }
    }
}

impl Table {
    /// `τ(t | s)`, 0 when pruned or unknown.
    fn get(&self, s: u32, t: u32) -> f32 {
        let Some(row) = self.rows.get(s as usize) else {
            return 0.0;
        };
        row.binary_search_by_key(&t, |x| x.0)
            .map_or(0.0, |k| row[k].1)
    }
}

/// The lexical scores of the pieces of one sentence (`x`, its words by id) against a text of
/// the other side (`y`): for every run of consecutive words `x[a..b]`, the same mean of both
/// directions' log-likelihood ratios as a bead gets, in time linear in `y`'s words. Used to
/// find where a sentence splits.
pub struct PieceScorer {
    mixture: f64,
    /// `cum[q * m + c]`: `Σ τ(y_c | x_p)` over the words `p < q` of `x`.
    cum: Vec<f32>,
    m: usize,
    /// `τ(y_c | NULL)` and `P(y_c)` of the known words of `y` (unknown ones have none).
    null: Vec<f32>,
    unigram: Vec<f64>,
    /// Prefix sums over `x`'s words of `ln(λ · P(x_p | y) / P(x_p) + 1 − λ)`.
    back: Vec<f64>,
}

impl PieceScorer {
    /// Prepares `x` (words on `side`) against `y` (words on the other side).
    pub fn new(lexicon: &Lexicon, x: &[u32], y: &[u32], side: Side, mixture: f64) -> PieceScorer {
        let (to, from) = lexicon.tables(side);
        let known: Vec<u32> = y.iter().copied().filter(|&c| c != u32::MAX).collect();
        let m = known.len();
        // y's words by id, with their columns, to meet each x word's row of translations
        let mut columns: Vec<(u32, usize)> =
            known.iter().enumerate().map(|(c, &t)| (t, c)).collect();
        columns.sort_unstable();
        let mut cum = vec![0.0f32; (x.len() + 1) * m];
        for (q, &w) in x.iter().enumerate() {
            let (done, rest) = cum.split_at_mut((q + 1) * m);
            let next = &mut rest[..m];
            next.copy_from_slice(&done[q * m..]);
            if let Some(row) = to.rows.get(w as usize) {
                merge_join(row, &columns, |p, c| next[c] += p);
            }
        }
        let null = known.iter().map(|&t| to.get(0, t)).collect();
        let unigram = known.iter().map(|&t| to.unigram[t as usize]).collect();
        // P(x_p | y) for every word of x: the rows of y's words (and NULL) met with x's words
        let mut words: Vec<(u32, usize)> = x
            .iter()
            .enumerate()
            .filter(|&(_, &w)| w != u32::MAX)
            .map(|(q, &w)| (w, q))
            .collect();
        words.sort_unstable();
        let mut given = vec![0.0f64; x.len()];
        for t in std::iter::once(0).chain(known.iter().copied()) {
            if let Some(row) = from.rows.get(t as usize) {
                merge_join(row, &words, |p, q| given[q] += f64::from(p));
            }
        }
        let norm = (y.len() + 1) as f64;
        let mut back = vec![0.0f64; x.len() + 1];
        for (q, &w) in x.iter().enumerate() {
            let v = if w == u32::MAX || lexicon.is_empty() {
                0.0
            } else {
                fast_ln(mixture * (given[q] / norm) / from.unigram[w as usize] + 1.0 - mixture)
            };
            back[q + 1] = back[q] + v;
        }
        PieceScorer {
            mixture,
            cum,
            m,
            null,
            unigram,
            back,
        }
    }

    /// The score of `x[a..b]` against `y`.
    pub fn score(&self, a: usize, b: usize) -> f64 {
        let m = self.m;
        let norm = (b - a + 1) as f64;
        let forward: f64 = (0..m)
            .map(|c| {
                let sum = f64::from(self.null[c] + self.cum[b * m + c] - self.cum[a * m + c]);
                fast_ln(self.mixture * (sum / norm) / self.unigram[c] + 1.0 - self.mixture)
            })
            .sum();
        (forward + self.back[b] - self.back[a]) / 2.0
    }
}

/// Calls `f(probability, position)` for every entry of a row of translations (sorted by word)
/// whose word is among `words` (`(word, position)`, sorted), once for each position.
fn merge_join(row: &[(u32, f32)], words: &[(u32, usize)], mut f: impl FnMut(f32, usize)) {
    // a common word's row holds thousands of translations and a sentence a few dozen words,
    // a rare word's row a handful: each word is found by galloping from the last one found
    // (steps of 1, 2, 4, … then a binary search), which costs about the logarithm of the gap
    // it skips, so a long row is not walked entry by entry nor a short one searched
    let mut from = 0;
    for &(w, position) in words {
        let (mut lo, mut hi, mut step) = (from, from, 1);
        while hi < row.len() && row[hi].0 < w {
            lo = hi + 1;
            hi = from + step;
            step *= 2;
        }
        let hi = hi.min(row.len());
        from = lo + row[lo..hi].partition_point(|x| x.0 < w);
        match row.get(from) {
            Some(&(v, p)) if v == w => f(p, position),
            Some(_) => {}
            None => break,
        }
    }
}

/// `ln x` for the mixture ratios the scores sum (`x ≥ 1 − λ > 0`), to about 1e-6: the scores
/// take tens of millions of logarithms, and `ln` was a large part of the lexical pass.
fn fast_ln(x: f64) -> f64 {
    debug_assert!(x > 0.0 && x.is_finite());
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    // the mantissa in [1, 2): ln m = 2 atanh((m − 1) / (m + 1)), a short series for t ≤ 1/3
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let series =
        1.0 + t2 * (1.0 / 3.0 + t2 * (0.2 + t2 * (1.0 / 7.0 + t2 * (1.0 / 9.0 + t2 / 11.0))));
    exponent as f64 * std::f64::consts::LN_2 + 2.0 * t * series
}

/// Model 1 EM over a corpus of id sentences; returns the pruned table.
///
/// Every co-occurring `(s, t)` pair (NULL included) gets a dense id on first sight, and each
/// sentence pair's cells are stored target word by target word, so that an EM iteration is a
/// linear sweep over the cells with `τ` and the counts in two small dense arrays.
fn em(
    corpus: &[(Vec<u32>, Vec<u32>)],
    src_vocab: usize,
    tgt_counts: &[f64],
    mixture: f64,
) -> (Table, Vec<f32>) {
    let cells: usize = corpus.iter().map(|(s, t)| (s.len() + 1) * t.len()).sum();
    let mut ids: HashMap<u64, u32, foldhash::fast::FixedState> =
        HashMap::with_capacity_and_hasher(cells / 8, foldhash::fast::FixedState::default());
    let mut source_of: Vec<u32> = Vec::new();
    let mut target_of: Vec<u32> = Vec::new();
    let mut index: Vec<u32> = Vec::with_capacity(cells);
    for (s, t) in corpus {
        for &b in t {
            for &a in std::iter::once(&0).chain(s) {
                let next = source_of.len() as u32;
                let id = *ids
                    .entry(u64::from(a) << 32 | u64::from(b))
                    .or_insert_with(|| {
                        source_of.push(a);
                        target_of.push(b);
                        next
                    });
                index.push(id);
            }
        }
    }
    let keys = source_of.len();
    let mut tau = vec![1.0f32; keys];
    let mut previous = Vec::new();
    let mut counts = vec![0.0f32; keys];
    let mut totals = vec![0.0f32; src_vocab];
    for iteration in 0..ITERATIONS {
        if iteration + 1 == ITERATIONS {
            previous = tau.clone();
        }
        counts.iter_mut().for_each(|c| *c = 0.0);
        let mut at = 0;
        for (s, t) in corpus {
            let rows = s.len() + 1;
            for _ in 0..t.len() {
                let column = &index[at..at + rows];
                let denom: f32 = column.iter().map(|&k| tau[k as usize]).sum();
                let scale = 1.0 / denom;
                for &k in column {
                    counts[k as usize] += tau[k as usize] * scale;
                }
                at += rows;
            }
        }
        totals.iter_mut().for_each(|c| *c = 0.0);
        for (k, &c) in counts.iter().enumerate() {
            totals[source_of[k] as usize] += c;
        }
        for (k, t) in tau.iter_mut().enumerate() {
            *t = counts[k] / totals[source_of[k] as usize];
        }
    }
    let total: f64 = tgt_counts.iter().skip(1).sum();
    let vocab = tgt_counts.len() as f64;
    let unigram: Vec<f64> = tgt_counts
        .iter()
        .map(|&c| (c + 0.5) / (total + 0.5 * vocab))
        .collect();
    drop(ids);
    let held_out = leave_one_out(
        corpus,
        &index,
        &source_of,
        (&previous, &counts, &totals),
        tgt_counts,
        &unigram,
        mixture,
    );
    let mut rows: Vec<Vec<(u32, f32)>> = vec![Vec::new(); src_vocab];
    for k in 0..keys {
        if tau[k] >= PRUNE {
            rows[source_of[k] as usize].push((target_of[k], tau[k]));
        }
    }
    for row in &mut rows {
        if row.len() > KEEP {
            row.sort_unstable_by(|a, b| b.1.total_cmp(&a.1));
            row.truncate(KEEP);
        }
        row.sort_unstable_by_key(|x| x.0);
    }
    (Table { rows, unigram }, held_out)
}

/// Each sentence pair's score (the sum over its target words of the mixture log-likelihood
/// ratio, as [`BeadTable`] sums them) under the model of the last EM iteration without that
/// pair's expected counts: `τ₋(t | s) = (c(s, t) − c_q(s, t)) / (c(s) − c_q(s))`, where
/// `c_q` is what pair `q` added to the counts (from the iteration's `previous` `τ`). A word
/// seen only in this pair is unknown to that model and scores nothing.
fn leave_one_out(
    corpus: &[(Vec<u32>, Vec<u32>)],
    index: &[u32],
    source_of: &[u32],
    (previous, counts, totals): (&[f32], &[f32], &[f32]),
    tgt_counts: &[f64],
    unigram: &[f64],
    mixture: f64,
) -> Vec<f32> {
    let mut own = vec![0.0f32; counts.len()];
    let mut own_total = vec![0.0f32; totals.len()];
    let mut out = Vec::with_capacity(corpus.len());
    let mut at = 0;
    for (s, t) in corpus {
        let rows = s.len() + 1;
        let cells = &index[at..at + rows * t.len()];
        // what this pair added to the counts
        for column in cells.chunks(rows) {
            let denom: f32 = column.iter().map(|&k| previous[k as usize]).sum();
            for &k in column {
                let share = previous[k as usize] / denom;
                own[k as usize] += share;
                own_total[source_of[k as usize] as usize] += share;
            }
        }
        let mut score = 0.0f64;
        for (c, column) in cells.chunks(rows).enumerate() {
            let word = t[c] as usize;
            let elsewhere =
                tgt_counts[word] - t.iter().filter(|&&x| x as usize == word).count() as f64;
            if elsewhere <= 0.0 {
                continue;
            }
            let p: f64 = column
                .iter()
                .map(|&k| {
                    let (k, src) = (k as usize, source_of[k as usize] as usize);
                    let rest = totals[src] - own_total[src];
                    if rest <= 1e-4 {
                        0.0
                    } else {
                        f64::from(((counts[k] - own[k]) / rest).max(0.0))
                    }
                })
                .sum::<f64>()
                / rows as f64;
            score += fast_ln(mixture * p / unigram[word] + 1.0 - mixture);
        }
        out.push(score as f32);
        for &k in cells {
            own[k as usize] = 0.0;
            own_total[source_of[k as usize] as usize] = 0.0;
        }
        at += rows * t.len();
    }
    out
}

/// Lexical scores of the beads of a band, computed once before decoding.
///
/// For each window of `w` consecutive source sentences (`w` = 1 to 3) and each target sentence
/// near it, the forward table holds the target sentence's words scored against the whole
/// window; the backward table likewise the other way. A bead's score then sums its target
/// sentences against its source window and its source sentences against its target window, so
/// every word is scored once, against everything on the other side of its bead (exact Model 1).
pub struct BeadTable {
    band: Band,
    /// `forward[w - 1][cell (i, j)]`: target sentence `j` given source sentences `i..i + w`.
    forward: Vec<Vec<f32>>,
    /// `backward[w - 1][cell (i, j)]`: source sentence `i` given target sentences `j..j + w`.
    backward: Vec<Vec<f32>>,
}

impl BeadTable {
    /// Scores, with both directions of `lexicon`, every window–sentence pair that a bead of
    /// one of [`SHAPES`] starting in `band` reads ([`BeadTable::bead`] of such beads; other
    /// beads may read pairs left unscored).
    pub fn new(
        lexicon: &Lexicon,
        source: &[&str],
        target: &[&str],
        band: &Band,
        config: &Config,
    ) -> BeadTable {
        let inner = band;
        let band = band.widened(MAX_SIDE - 1);
        let cells = band.cells();
        let mut table = BeadTable {
            forward: vec![vec![0.0; cells]; MAX_SIDE],
            backward: vec![vec![0.0; cells]; MAX_SIDE],
            band,
        };
        // a window of `w` sentences meets the other side's sentences up to the widest bead
        // of `w` sentences reaches: beyond the band's edge by that width less one
        let reach = |w: usize, side: fn(&(usize, usize)) -> (usize, usize)| {
            SHAPES
                .iter()
                .map(side)
                .filter(|&(own, _)| own == w)
                .map(|(_, other)| other.saturating_sub(1))
                .max()
        };
        let forward_reach: Vec<Option<usize>> =
            (1..=MAX_SIDE).map(|w| reach(w, |&(a, b)| (a, b))).collect();
        let backward_reach: Vec<Option<usize>> =
            (1..=MAX_SIDE).map(|w| reach(w, |&(a, b)| (b, a))).collect();
        if lexicon.is_empty() {
            return table;
        }
        let (sl, tl) = (config.source_lang, config.target_lang);
        let src: Vec<Vec<u32>> = super::par_map(source, |s| lexicon.ids(s, sl, &lexicon.src));
        let tgt: Vec<Vec<u32>> = super::par_map(target, |t| lexicon.ids(t, tl, &lexicon.tgt));
        let band = &table.band;
        let tgt_len = tgt.len();
        let src_len = src.len();
        let forward_cells = |i: usize, w: usize| {
            let (lo, hi) = inner.row_bounds(i);
            match forward_reach[w - 1] {
                Some(extra) => lo..(hi + extra + 1).min(tgt_len),
                None => 0..0,
            }
        };
        let backward_cells = |j: usize, w: usize| {
            let rows = inner.column(j);
            match backward_reach[w - 1] {
                Some(extra) if !rows.is_empty() => rows.start..(rows.end + extra).min(src_len),
                _ => 0..0,
            }
        };
        let mixture = config.mixture;
        // the two directions are independent: one thread each
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let cell = |j: usize, i: usize| band.index(i, j);
                let windows = Windows::new(&lexicon.backward, lexicon.src.counts.len(), mixture);
                windows.fill(&tgt, &src, backward_cells, cell, &mut table.backward);
            });
            let cell = |i: usize, j: usize| band.index(i, j);
            let windows = Windows::new(&lexicon.forward, lexicon.tgt.counts.len(), mixture);
            windows.fill(&src, &tgt, forward_cells, cell, &mut table.forward);
        });
        table
    }

    /// The lexical score of the bead of source sentences `i..i + di` and target sentences
    /// `j..j + dj`: the mean of both directions' log-likelihood ratios.
    pub fn bead(&self, i: usize, j: usize, di: usize, dj: usize) -> f64 {
        if di == 0 || dj == 0 || di > MAX_SIDE || dj > MAX_SIDE {
            return 0.0;
        }
        let get = |t: &[Vec<f32>], w: usize, a: usize, b: usize| {
            self.band
                .index(a, b)
                .map_or(0.0, |k| f64::from(t[w - 1][k]))
        };
        let forward: f64 = (0..dj).map(|b| get(&self.forward, di, i, j + b)).sum();
        let backward: f64 = (0..di).map(|a| get(&self.backward, dj, i + a, j)).sum();
        (forward + backward) / 2.0
    }
}

/// One direction of the word model scoring windows of one to [`MAX_SIDE`] sentences of one
/// side against single sentences of the other.
struct Windows<'a> {
    table: &'a Table,
    /// `τ(t | NULL)` for every word `t` of the other side.
    null: Vec<f64>,
    size: usize,
    mixture: f64,
}

impl<'a> Windows<'a> {
    fn new(table: &'a Table, size: usize, mixture: f64) -> Windows<'a> {
        let mut null = Sums::new(size);
        null.add_row(table, 0);
        Windows {
            table,
            null: null.sums,
            size,
            mixture,
        }
    }

    /// For every sentence `a` of `side` and every window length `w` (while the side lasts),
    /// scores the sentences `b` of `other` in `wanted(a, w)`: `out[w - 1][cell(a, b)]` is the
    /// sum over the known words `t` of `b` of `ln(λ · P(t | window) / P(t) + 1 − λ)`, with
    /// `P(t | window)` the mean of `τ(t | s)` over the window's words and NULL. Each sentence's
    /// translations are summed once, into a ring of [`MAX_SIDE`] dense vectors, and a window's
    /// sums are read as the sum of its sentences' (not summed again for each window holding it).
    fn fill(
        &self,
        side: &[Vec<u32>],
        other: &[Vec<u32>],
        wanted: impl Fn(usize, usize) -> std::ops::Range<usize>,
        cell: impl Fn(usize, usize) -> Option<usize>,
        out: &mut [Vec<f32>],
    ) {
        let mut ring: Vec<Sums> = (0..MAX_SIDE).map(|_| Sums::new(self.size)).collect();
        for (a, sentence) in side.iter().enumerate().take(MAX_SIDE - 1) {
            ring[a].add(self.table, sentence);
        }
        for a in 0..side.len() {
            // the ring holds sentences a..a + MAX_SIDE: load the last, in the slot of a - 1
            if let Some(sentence) = side.get(a + MAX_SIDE - 1) {
                let slot = &mut ring[(a + MAX_SIDE - 1) % MAX_SIDE];
                slot.clear();
                slot.add(self.table, sentence);
            }
            let windows = MAX_SIDE.min(side.len() - a);
            let mut norm = [0.0f64; MAX_SIDE];
            let mut words = 0;
            for (w, n) in norm.iter_mut().enumerate().take(windows) {
                words += side[a + w].len();
                *n = (words + 1) as f64;
            }
            let ranges: [std::ops::Range<usize>; MAX_SIDE] =
                std::array::from_fn(|w| if w < windows { wanted(a, w + 1) } else { 0..0 });
            let (Some(first), Some(last)) = (
                ranges
                    .iter()
                    .filter(|r| !r.is_empty())
                    .map(|r| r.start)
                    .min(),
                ranges.iter().map(|r| r.end).max(),
            ) else {
                continue;
            };
            let slots: [&[f64]; MAX_SIDE] =
                std::array::from_fn(|w| ring[(a + w) % MAX_SIDE].sums.as_slice());
            for (b, words) in other.iter().enumerate().take(last).skip(first) {
                let Some(k) = cell(a, b) else {
                    continue;
                };
                let scored: [bool; MAX_SIDE] = std::array::from_fn(|w| ranges[w].contains(&b));
                let Some(needed) = scored.iter().rposition(|&x| x) else {
                    continue;
                };
                let mut score = [0.0f64; MAX_SIDE];
                for &t in words.iter().filter(|&&t| t != u32::MAX) {
                    let t = t as usize;
                    let unigram = self.table.unigram[t];
                    let mut sum = self.null[t];
                    for w in 0..=needed {
                        sum += slots[w][t];
                        if scored[w] {
                            let p = sum / norm[w];
                            score[w] += fast_ln(self.mixture * p / unigram + 1.0 - self.mixture);
                        }
                    }
                }
                for w in 0..=needed {
                    if scored[w] {
                        out[w][k] = score[w] as f32;
                    }
                }
            }
        }
    }
}

/// `Σₛ τ(t | s)` for every `t`, over the words of one sentence, in a dense vector cleared
/// between sentences.
struct Sums {
    sums: Vec<f64>,
    touched: Vec<u32>,
}

impl Sums {
    fn new(size: usize) -> Sums {
        Sums {
            sums: vec![0.0; size],
            touched: Vec::new(),
        }
    }

    fn clear(&mut self) {
        for &t in &self.touched {
            self.sums[t as usize] = 0.0;
        }
        self.touched.clear();
    }

    /// Adds the translations of the words of `sentence`.
    fn add(&mut self, table: &Table, sentence: &[u32]) {
        for &s in sentence {
            self.add_row(table, s);
        }
    }

    fn add_row(&mut self, table: &Table, s: u32) {
        let Some(row) = table.rows.get(s as usize) else {
            return;
        };
        for &(t, p) in row {
            if self.sums[t as usize] == 0.0 {
                self.touched.push(t);
            }
            self.sums[t as usize] += f64::from(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (probability, position) of `row` met with `words`, in the order merge_join calls
    /// them.
    fn joined(row: &[(u32, f32)], words: &[(u32, usize)]) -> Vec<(f32, usize)> {
        let mut calls = Vec::new();
        merge_join(row, words, |p, q| calls.push((p, q)));
        calls
    }

    #[test]
    fn merge_join_meets_every_entry_of_words_in_rows_dense_and_sparse() {
        // rows of every density against words of every density, with repeats
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |below: u32| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % u64::from(below)) as u32
        };
        for (row_len, word_count, range) in [
            (0, 5, 10),
            (5, 0, 10),
            (3, 40, 50),
            (40, 3, 50),
            (2000, 30, 5000),
            (30, 2000, 5000),
            (500, 500, 600),
        ] {
            let mut row: Vec<(u32, f32)> = (0..row_len).map(|_| (next(range), 0.0)).collect();
            row.sort_by_key(|x| x.0);
            row.dedup_by_key(|x| x.0);
            for (k, x) in row.iter_mut().enumerate() {
                x.1 = k as f32;
            }
            let mut words: Vec<(u32, usize)> =
                (0..word_count).map(|q| (next(range), q as usize)).collect();
            words.sort_unstable();
            let naive: Vec<(f32, usize)> = words
                .iter()
                .filter_map(|&(w, q)| row.iter().find(|x| x.0 == w).map(|x| (x.1, q)))
                .collect();
            assert_eq!(joined(&row, &words), naive, "{row_len} × {word_count}");
        }
    }

    #[test]
    fn merge_join_meets_the_same_entries_in_long_and_short_rows() {
        // a long row and its short pieces against words with repeats, words missing from the
        // row, and words past its end
        let row: Vec<(u32, f32)> = (0..2000).map(|k| (3 * k, k as f32)).collect();
        let words: Vec<(u32, usize)> = vec![(0, 4), (3, 1), (3, 7), (4, 2), (2997, 0), (9000, 3)];
        let naive: Vec<(f32, usize)> = words
            .iter()
            .filter_map(|&(w, q)| row.iter().find(|x| x.0 == w).map(|x| (x.1, q)))
            .collect();
        assert_eq!(naive, [(0.0, 4), (1.0, 1), (1.0, 7), (999.0, 0)]);
        assert_eq!(joined(&row, &words), naive);
        // the same, row piece by piece
        let merged: Vec<(f32, usize)> = row.chunks(50).flat_map(|c| joined(c, &words)).collect();
        assert_eq!(merged, naive);
    }

    fn config() -> Config {
        Config::default()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn the_fast_logarithm_agrees_with_ln() {
        for x in [0.5, 0.75, 1.0, 1.5, 2.0, 3.3, 10.0, 123.456, 1e6, 4.2e9] {
            assert!(
                (fast_ln(x) - x.ln()).abs() < 1e-6,
                "{x}: {} vs {}",
                fast_ln(x),
                x.ln()
            );
        }
    }

    #[test]
    fn arabic_tokens_lose_clitics_and_english_tokens_plurals() {
        assert_eq!(tokens("وقالت الحكومة", Lang::Ar), ["قالت", "حكومه"]);
        assert_eq!(
            tokens("The protests, Kazakhstan's", Lang::En),
            ["the", "protest", "kazakhstan"]
        );
    }

    #[test]
    fn model_one_learns_word_translations_from_sentence_pairs() {
        let data = pairs(&[
            ("قالت الحكومة", "the government said"),
            ("الحكومة جديدة", "a new government"),
            ("قال الرئيس", "the president said"),
            ("الرئيس جديد", "a new president"),
            ("قالت الوزارة", "the ministry said"),
        ]);
        let lex = Lexicon::train(&data, &[], &config());
        let best = &lex.translations("حكومه")[0];
        assert_eq!(best.0, "government", "{:?}", lex.translations("حكومه"));
        assert_eq!(lex.translations("رئيس")[0].0, "president");
    }

    #[test]
    fn a_pair_is_scored_held_out_by_the_model_without_it() {
        // "government" and حكومة recur across pairs; the last pair's other words occur
        // nowhere else, so only the model that saw the pair can "explain" them by each other
        let data = pairs(&[
            ("قالت الحكومة", "the government said"),
            ("الحكومة جديدة", "a new government"),
            ("خفضت الحكومة الأسعار", "the government cut prices"),
            ("الحكومة هنا", "government here"),
            ("زرافة بنفسجية", "quantum violin"),
        ]);
        let lex = Lexicon::train(&data, &[], &config());
        let held: Vec<f64> = (0..data.len()).map(|k| lex.held_out(k).unwrap()).collect();
        // the pair of words seen nowhere else gets no held-out evidence at all
        assert_eq!(held[4], 0.0);
        // while the model that learnt from it explains it well
        let source = ["زرافة بنفسجية"];
        let target = ["quantum violin"];
        let table = BeadTable::new(&lex, &source, &target, &Band::full(1, 1), &config());
        assert!(table.bead(0, 0, 1, 1) > 1.0, "{}", table.bead(0, 0, 1, 1));
        // pairs whose words recur keep their evidence held out
        assert!(held[1] > 0.2 && held[3] > 0.2, "{held:?}");
        assert_eq!(lex.held_out(99), None);
    }

    #[test]
    fn a_dictionary_teaches_what_the_text_cannot() {
        let dict = pairs(&[("مطار", "airport")]);
        let lex = Lexicon::train(&[], &dict, &config());
        assert_eq!(lex.translations("مطار")[0].0, "airport");
    }

    #[test]
    fn translations_score_higher_than_unrelated_sentences() {
        let data = pairs(&[
            (
                "قالت الحكومة إن الأسعار سترتفع",
                "the government said prices would rise",
            ),
            (
                "وصلت القوات إلى المطار",
                "the troops arrived at the airport",
            ),
            ("الحكومة خفضت الأسعار", "the government cut prices"),
            ("القوات في المطار", "troops at the airport"),
        ]);
        let lex = Lexicon::train(&data, &[], &config());
        let source = ["قالت الحكومة إن الأسعار سترتفع", "وصلت القوات إلى المطار"];
        let target = [
            "the troops arrived at the airport",
            "the government said prices would rise",
        ];
        let table = BeadTable::new(&lex, &source, &target, &Band::full(2, 2), &config());
        assert!(table.bead(0, 1, 1, 1) > table.bead(0, 0, 1, 1) + 1.0);
        assert!(table.bead(1, 0, 1, 1) > table.bead(1, 1, 1, 1) + 1.0);
    }
}

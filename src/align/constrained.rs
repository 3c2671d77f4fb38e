//! Alignment around beads a reviewer has confirmed, and scores for the beads of an existing
//! alignment.
//!
//! [`align_fixed`] re-aligns a document while beads given as fixed (reviewed or approved pairs,
//! of any shape) stay exactly as they are. Every path through the lattice must pass through
//! each fixed bead's two corners, so the constrained programme falls apart into independent
//! programmes over the gaps between fixed beads; each gap is searched with the *document's*
//! models (length ratio and variance of the whole document, anchors, and a word model trained
//! on the fixed pairs first), never with a model estimated from the gap alone.
//!
//! [`Rescorer`] gives a score to beads of an alignment a reviewer has changed (split, merged,
//! moved sentences), meaning what the aligner's score means: the bead's posterior probability.
//! It is computed over a window of the alignment around the bead, with everything outside the
//! window held fixed (see [`Rescorer::scores`]).

use std::ops::Range;

use super::anchors::AnchorTable;
use super::dp::{self, Band};
use super::features;
use super::length::LengthModel;
use super::lexical::{BeadTable, Lexicon};
use super::{Bead, Config, FULL_LATTICE, Prepared, SHAPES, Training, first_pass, shapes, to_beads};
use crate::error::{Error, Result};

/// Most text pairs given to the word model; the fixed pairs are always among them. (The model
/// itself samples 10,000 pairs evenly; staying within that keeps every fixed pair in.)
const TRAINING_PAIRS: usize = 10_000;

/// Most of the document's confident beads the word model learns from when rescoring: those
/// nearest the beads scored. A news article has fewer; training on more costs time linearly.
pub const RESCORE_PAIRS: usize = 50;

/// Most of the training pairs (a memory's reviewed pairs) the rescoring word model learns from.
const RESCORE_TRAINING_PAIRS: usize = 25;

/// Sentences of context a rescoring window holds on each side of the bead, on both languages'
/// sides (as far as the document goes): the aligner's later passes search ±8 sentences.
const CONTEXT: usize = 8;

/// Aligns a document in which the beads of `fixed` are held fixed.
///
/// `fixed` are beads a reviewer confirmed, in document order and without overlap, of any
/// shape (3-2 and 0-1 included). The result holds them unchanged (their scores too) and
/// aligns every gap between them; no bead of the result crosses a fixed bead. A gap with
/// sentences on one side only becomes 1-0 or 0-1 beads.
///
/// The gaps are aligned with the models of the whole document: the length ratio and variance
/// of its first pass, anchors as usual, and (when `config.lexical`) a word model trained on the
/// fixed pairs, then `training`'s pairs and the first pass's confident beads that lie inside
/// the gaps. Returns an error when the fixed beads do not fit the document (outside it, out of
/// order, overlapping, or empty).
pub fn align_fixed(
    source: &[&str],
    target: &[&str],
    fixed: &[Bead],
    training: &Training,
    config: &Config,
) -> Result<Vec<Bead>> {
    check_fixed(fixed, source.len(), target.len())?;
    let prepared = first_pass(source, target, config);
    let guide = path_of(&prepared.first);
    let gaps = gaps(fixed, source.len(), target.len());
    let aligner = Gaps {
        prepared: &prepared,
        source,
        target,
        guide: &guide,
        config,
    };
    let found: Vec<Vec<Bead>> = if config.lexical {
        let text = |b: &Bead| {
            (
                source[b.source.clone()].join(" "),
                target[b.target.clone()].join(" "),
            )
        };
        let both = |b: &&Bead| !b.source.is_empty() && !b.target.is_empty();
        let mut pairs: Vec<(String, String)> = fixed.iter().filter(both).map(text).collect();
        // the document's first pass's confident beads that keep clear of the fixed ones
        let confident = prepared
            .first
            .iter()
            .filter(both)
            .filter(|b| b.score >= config.train_threshold)
            .filter(|b| gaps.iter().any(|g| g.holds(b)))
            .map(text);
        let others: Vec<(String, String)> =
            training.pairs.iter().cloned().chain(confident).collect();
        let room = TRAINING_PAIRS.saturating_sub(pairs.len());
        pairs.extend(sample_evenly(others, room));
        let lexicon = Lexicon::train(&pairs, &training.dictionary, config);
        gaps.iter()
            .map(|g| aligner.decode(g, Some(&lexicon)))
            .collect()
    } else {
        gaps.iter().map(|g| aligner.decode(g, None)).collect()
    };
    let mut out = Vec::with_capacity(fixed.len() + found.iter().map(Vec::len).sum::<usize>());
    for (k, gap) in found.into_iter().enumerate() {
        out.extend(gap);
        if let Some(b) = fixed.get(k) {
            out.push(b.clone());
        }
    }
    Ok(out)
}

/// Re-aligns everything after the first `keep` beads of `beads` (an alignment of the whole
/// document), holding those fixed: "align from here".
pub fn align_after(
    source: &[&str],
    target: &[&str],
    beads: &[Bead],
    keep: usize,
    training: &Training,
    config: &Config,
) -> Result<Vec<Bead>> {
    if keep > beads.len() {
        return Err(Error::invalid(format!(
            "cannot keep {keep} beads of an alignment of {}",
            beads.len()
        )));
    }
    align_fixed(source, target, &beads[..keep], training, config)
}

/// A rectangle of the lattice between two fixed beads.
#[derive(Clone, Debug, PartialEq)]
struct Gap {
    source: Range<usize>,
    target: Range<usize>,
}

impl Gap {
    /// True when `b` lies inside the gap.
    fn holds(&self, b: &Bead) -> bool {
        let within =
            |r: &Range<usize>, outer: &Range<usize>| r.start >= outer.start && r.end <= outer.end;
        within(&b.source, &self.source) && within(&b.target, &self.target)
    }
}

/// The gaps around `fixed`: one before each fixed bead and one after the last (some empty).
fn gaps(fixed: &[Bead], n: usize, m: usize) -> Vec<Gap> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(fixed.len() + 1);
    for b in fixed {
        out.push(Gap {
            source: i..b.source.start,
            target: j..b.target.start,
        });
        (i, j) = (b.source.end, b.target.end);
    }
    out.push(Gap {
        source: i..n,
        target: j..m,
    });
    out
}

fn check_fixed(fixed: &[Bead], n: usize, m: usize) -> Result<()> {
    let (mut i, mut j) = (0, 0);
    for (k, b) in fixed.iter().enumerate() {
        let label = super::beads::format_bead(b.source.clone(), b.target.clone());
        let fail = |what: String| Err(Error::invalid(format!("fixed bead {k} {label} {what}")));
        if b.source.start > b.source.end || b.target.start > b.target.end {
            return fail("has a reversed range".into());
        }
        if b.source.is_empty() && b.target.is_empty() {
            return fail("holds no sentence".into());
        }
        if b.source.end > n || b.target.end > m {
            return fail(format!(
                "lies outside the document ({n} source, {m} target sentences)"
            ));
        }
        if b.source.start < i || b.target.start < j {
            return fail("overlaps the fixed bead before it or comes before it".into());
        }
        (i, j) = (b.source.end, b.target.end);
    }
    Ok(())
}

/// The lattice cells a path of beads passes through, from `(0, 0)`.
fn path_of(beads: &[Bead]) -> Vec<(usize, usize)> {
    let mut cells = vec![(0, 0)];
    cells.extend(beads.iter().map(|b| (b.source.end, b.target.end)));
    cells
}

/// At most `k` items of `items`, taken evenly through it.
fn sample_evenly<T>(items: Vec<T>, k: usize) -> Vec<T> {
    if items.len() <= k {
        return items;
    }
    if k == 0 {
        return Vec::new();
    }
    let len = items.len();
    let mut next = 0;
    let mut taken = 0;
    items
        .into_iter()
        .enumerate()
        .filter_map(|(at, x)| {
            // item `at` is taken when it reaches the next of k evenly spaced marks
            if taken < k && at == next {
                taken += 1;
                next = taken * len / k;
                Some(x)
            } else {
                None
            }
        })
        .collect()
}

/// What aligning the gaps of one document shares.
struct Gaps<'a> {
    /// The whole document's first pass: features, length model and its path.
    prepared: &'a Prepared,
    source: &'a [&'a str],
    target: &'a [&'a str],
    /// The unconstrained first pass's path, which the gaps' bands follow.
    guide: &'a [(usize, usize)],
    config: &'a Config,
}

impl Gaps<'_> {
    /// The best beads of one gap (document sentence numbers) with their posteriors, with the
    /// word model when given. A gap that fits [`FULL_LATTICE`] is searched whole; a larger one
    /// in a band around the first pass's path, doubled while the path touches its edge.
    fn decode(&self, gap: &Gap, lexicon: Option<&Lexicon>) -> Vec<Bead> {
        let (i0, j0) = (gap.source.start, gap.target.start);
        let (n, m) = (gap.source.len(), gap.target.len());
        if n == 0 || m == 0 {
            // one side only: the single path of 1-0 or 0-1 beads
            return gap
                .source
                .clone()
                .map(|i| (i..i + 1, j0..j0))
                .chain(gap.target.clone().map(|j| (i0..i0, j..j + 1)))
                .map(|(source, target)| Bead {
                    source,
                    target,
                    score: 1.0,
                })
                .collect();
        }
        let config = self.config;
        let src = &self.source[gap.source.clone()];
        let tgt = &self.target[gap.target.clone()];
        let mut path: Vec<(usize, usize)> = self
            .guide
            .iter()
            .filter(|&&(i, j)| gap.source.contains(&i) && gap.target.contains(&j))
            .map(|&(i, j)| (i - i0, j - j0))
            .collect();
        if path.first() != Some(&(0, 0)) {
            path.insert(0, (0, 0));
        }
        if path.last() != Some(&(n, m)) {
            path.push((n, m));
        }
        let mut width = config.refine_band.max(1);
        loop {
            let full = (n + 1) * (m + 1) <= FULL_LATTICE || width >= n.max(m);
            let band = if full {
                Band::full(n, m)
            } else {
                Band::around(n, m, &path, width)
            };
            let anchors = AnchorTable::new(
                src,
                tgt,
                (config.source_lang, config.target_lang),
                &band.widened(4),
                &config.weights,
            );
            let table = lexicon.map(|lex| BeadTable::new(lex, src, tgt, &band, config));
            let anchor = |a: usize, b: usize| anchors.get(a - i0, b - j0);
            let lexical = |a: usize, b: usize, di: usize, dj: usize| {
                table.as_ref().map_or(0.0, |t| {
                    config.weights.lexical * t.bead(a - i0, b - j0, di, dj)
                })
            };
            let decoded = dp::decode(
                &band,
                &shapes(),
                |i, j, k| {
                    self.prepared
                        .cost(i0 + i, j0 + j, k, config, &anchor, &lexical)
                },
                true,
                config.temperature,
            );
            if full || !decoded.squeezed {
                return to_beads(&decoded)
                    .into_iter()
                    .map(|b| Bead {
                        source: b.source.start + i0..b.source.end + i0,
                        target: b.target.start + j0..b.target.end + j0,
                        score: b.score,
                    })
                    .collect();
            }
            width *= 2;
        }
    }
}

/// The models of one document, for scoring beads of an alignment of it.
pub struct Rescorer<'a> {
    source: &'a [&'a str],
    target: &'a [&'a str],
    /// The document's confident beads, whose pairs the word model learns from.
    confident: Vec<Bead>,
    length: LengthModel,
    training: &'a Training,
    config: &'a Config,
    /// Most confident beads the word model learns from ([`RESCORE_PAIRS`] unless changed).
    nearest: usize,
}

impl<'a> Rescorer<'a> {
    /// The length model of the document `source`/`target` aligned as `beads`: its character
    /// ratio, and the variance re-estimated from its confident 1-1 beads — confident meaning a
    /// score of at least `config.train_threshold`, as when aligning (give beads a reviewer
    /// passed a score of 1 and beads just made by an edit 0). `training` helps the word model.
    pub fn new(
        source: &'a [&'a str],
        target: &'a [&'a str],
        beads: &[Bead],
        training: &'a Training,
        config: &'a Config,
    ) -> Result<Rescorer<'a>> {
        check_cover(beads, source.len(), target.len())?;
        let len =
            |texts: &[&str]| -> Vec<f64> { texts.iter().map(|t| features::length(t)).collect() };
        let src_len = len(source);
        let tgt_len = len(target);
        let confident: Vec<Bead> = beads
            .iter()
            .filter(|b| !b.source.is_empty() && !b.target.is_empty())
            .filter(|b| b.score >= config.train_threshold)
            .cloned()
            .collect();
        let length = LengthModel::for_totals(src_len.iter().sum(), tgt_len.iter().sum()).refined(
            confident
                .iter()
                .filter(|b| b.source.len() == 1 && b.target.len() == 1)
                .map(|b| (src_len[b.source.start], tgt_len[b.target.start])),
        );
        Ok(Rescorer {
            source,
            target,
            confident,
            length,
            training,
            config,
            nearest: RESCORE_PAIRS,
        })
    }

    /// The same models with the word model learning from at most `pairs` of the document's
    /// confident beads, those nearest the beads scored: fewer is faster and more local.
    pub fn nearest(self, pairs: usize) -> Rescorer<'a> {
        Rescorer {
            nearest: pairs,
            ..self
        }
    }

    /// The scores of the beads `which` (indices into `beads`, which must be an alignment of
    /// the whole document, in order).
    ///
    /// What a score is: around the bead, a window of whole beads is taken holding at least
    /// eight sentences of context on each side (on both languages' sides, as far as the
    /// document goes); the alignment outside the window is held fixed. Inside it every path of
    /// the aligner's bead shapes is summed over (forward–backward, with the aligner's costs
    /// and temperature), and the score is the share of probability of the paths that contain
    /// the bead: its posterior given the rest of the alignment. A bead of more than one
    /// sentence on a side (1-2 or 2-2, and shapes the aligner never proposes: 2-3 or 4-1 after
    /// a merge, 0-2 after a split) scores the share of the paths that align its sentences
    /// among themselves, however they divide them: two right 1-1 pairs merged into one are a
    /// right pair, a sentence moved into the wrong pair is not.
    ///
    /// The costs are the aligner's: the document's length model, anchors, and (when
    /// `config.lexical`) a word model trained for this call on the document's confident beads
    /// nearest the beads scored (at most [`RESCORE_PAIRS`], which is the whole of a news
    /// article) and a sample of `training`'s pairs, so that a call costs milliseconds however
    /// long the document is.
    pub fn scores(&self, beads: &[Bead], which: &[usize]) -> Result<Vec<f64>> {
        check_cover(beads, self.source.len(), self.target.len())?;
        if let Some(&k) = which.iter().find(|&&k| k >= beads.len()) {
            return Err(Error::invalid(format!(
                "no bead {k} in an alignment of {} beads",
                beads.len()
            )));
        }
        let lexicon = self.config.lexical.then(|| self.lexicon(beads, which));
        Ok(which
            .iter()
            .map(|&p| self.score(beads, p, lexicon.as_ref()))
            .collect())
    }

    /// The word model for scoring `which`: trained on the confident beads nearest them and a
    /// sample of the training pairs.
    fn lexicon(&self, beads: &[Bead], which: &[usize]) -> Lexicon {
        let at: Vec<usize> = which.iter().map(|&p| beads[p].source.start).collect();
        let distance = |b: &Bead| {
            at.iter()
                .map(|&i| i.abs_diff(b.source.start))
                .min()
                .unwrap_or(0)
        };
        let mut near: Vec<&Bead> = self.confident.iter().collect();
        near.sort_by_key(|b| (distance(b), b.source.start));
        near.truncate(self.nearest);
        near.sort_by_key(|b| b.source.start);
        let text = |b: &&Bead| {
            (
                self.source[b.source.clone()].join(" "),
                self.target[b.target.clone()].join(" "),
            )
        };
        let mut pairs: Vec<(String, String)> = near.iter().map(text).collect();
        pairs.extend(sample_evenly(
            self.training.pairs.clone(),
            RESCORE_TRAINING_PAIRS,
        ));
        Lexicon::train(&pairs, &self.training.dictionary, self.config)
    }

    fn score(&self, beads: &[Bead], p: usize, lexicon: Option<&Lexicon>) -> f64 {
        let bead = &beads[p];
        let (mut a, mut b) = (p, p + 1);
        while a > 0
            && (bead.source.start - beads[a].source.start < CONTEXT
                || bead.target.start - beads[a].target.start < CONTEXT)
        {
            a -= 1;
        }
        while b < beads.len()
            && (beads[b - 1].source.end - bead.source.end < CONTEXT
                || beads[b - 1].target.end - bead.target.end < CONTEXT)
        {
            b += 1;
        }
        let (i0, j0) = (beads[a].source.start, beads[a].target.start);
        let (i1, j1) = (beads[b - 1].source.end, beads[b - 1].target.end);
        let window = Window::new(self, lexicon, i0..i1, j0..j1);
        let start = (bead.source.start - i0, bead.target.start - j0);
        let end = (bead.source.end - i0, bead.target.end - j0);
        window.posterior(start, end)
    }
}

/// Every bead of the alignment in order, covering both sides from the first sentence to the
/// last with none left out, and no bead empty.
fn check_cover(beads: &[Bead], n: usize, m: usize) -> Result<()> {
    let (mut i, mut j) = (0, 0);
    for (k, b) in beads.iter().enumerate() {
        if b.source.start != i || b.target.start != j || b.source.end < i || b.target.end < j {
            return Err(Error::invalid(format!(
                "bead {k} {} does not follow the bead before it (sentences {i} and {j} next)",
                super::beads::format_bead(b.source.clone(), b.target.clone())
            )));
        }
        if b.source.is_empty() && b.target.is_empty() {
            return Err(Error::invalid(format!("bead {k} holds no sentence")));
        }
        (i, j) = (b.source.end, b.target.end);
    }
    if (i, j) != (n, m) {
        return Err(Error::invalid(format!(
            "the alignment covers {i} of {n} source and {j} of {m} target sentences"
        )));
    }
    Ok(())
}

/// One rescoring window: bead costs over the lattice of its sentences, and the forward and
/// backward sums of every path through it.
struct Window {
    n: usize,
    m: usize,
    /// `costs[(i * (m + 1) + j) * SHAPES + k]`: the cost of shape `k` from cell `(i, j)`,
    /// divided by the temperature (infinite where the bead leaves the window).
    costs: Vec<f64>,
    alpha: Vec<f64>,
    beta: Vec<f64>,
}

impl Window {
    fn new(
        r: &Rescorer,
        lexicon: Option<&Lexicon>,
        source: Range<usize>,
        target: Range<usize>,
    ) -> Window {
        let config = r.config;
        let src = &r.source[source];
        let tgt = &r.target[target];
        let (n, m) = (src.len(), tgt.len());
        // the window's features and anchors, with the document's length model
        let mut prepared = first_pass(src, tgt, config);
        prepared.length = r.length;
        let band = Band::full(n, m);
        let anchors = AnchorTable::new(
            src,
            tgt,
            (config.source_lang, config.target_lang),
            &band,
            &config.weights,
        );
        let table = lexicon.map(|lex| BeadTable::new(lex, src, tgt, &band, config));
        let anchor = |i: usize, j: usize| anchors.get(i, j);
        let lexical = |i: usize, j: usize, di: usize, dj: usize| {
            table
                .as_ref()
                .map_or(0.0, |t| config.weights.lexical * t.bead(i, j, di, dj))
        };
        let mut costs = vec![f64::INFINITY; (n + 1) * (m + 1) * SHAPES.len()];
        for i in 0..=n {
            for j in 0..=m {
                for (k, &(di, dj)) in SHAPES.iter().enumerate() {
                    if i + di <= n && j + dj <= m {
                        costs[(i * (m + 1) + j) * SHAPES.len() + k] =
                            prepared.cost(i, j, k, config, &anchor, &lexical) / config.temperature;
                    }
                }
            }
        }
        let mut w = Window {
            n,
            m,
            costs,
            alpha: Vec::new(),
            beta: Vec::new(),
        };
        w.alpha = w.forward((0, 0), (n, m));
        w.beta = w.backward();
        w
    }

    fn cost(&self, i: usize, j: usize, k: usize) -> f64 {
        self.costs[(i * (self.m + 1) + j) * SHAPES.len() + k]
    }

    /// Forward log-sums from `from` over the cells up to `to` (indexed over the whole window).
    fn forward(&self, from: (usize, usize), to: (usize, usize)) -> Vec<f64> {
        let w = self.m + 1;
        let mut alpha = vec![f64::NEG_INFINITY; (self.n + 1) * w];
        alpha[from.0 * w + from.1] = 0.0;
        for i in from.0..=to.0 {
            for j in from.1..=to.1 {
                if (i, j) == from {
                    continue;
                }
                let terms = SHAPES
                    .iter()
                    .enumerate()
                    .filter(|&(_, &(di, dj))| i >= from.0 + di && j >= from.1 + dj)
                    .map(|(k, &(di, dj))| {
                        alpha[(i - di) * w + j - dj] - self.cost(i - di, j - dj, k)
                    });
                alpha[i * w + j] = log_sum_exp(terms);
            }
        }
        alpha
    }

    /// Backward log-sums to the window's end.
    fn backward(&self) -> Vec<f64> {
        let (n, m, w) = (self.n, self.m, self.m + 1);
        let mut beta = vec![f64::NEG_INFINITY; (n + 1) * w];
        beta[n * w + m] = 0.0;
        for i in (0..=n).rev() {
            for j in (0..=m).rev() {
                if (i, j) == (n, m) {
                    continue;
                }
                let terms = SHAPES
                    .iter()
                    .enumerate()
                    .filter(|&(_, &(di, dj))| i + di <= n && j + dj <= m)
                    .map(|(k, &(di, dj))| beta[(i + di) * w + j + dj] - self.cost(i, j, k));
                beta[i * w + j] = log_sum_exp(terms);
            }
        }
        beta
    }

    /// The posterior of the bead from cell `start` to cell `end`: of that very bead when its
    /// shape is one of the aligner's, else of the paths through both its corners.
    fn posterior(&self, start: (usize, usize), end: (usize, usize)) -> f64 {
        let w = self.m + 1;
        let z = self.alpha[self.n * w + self.m];
        let shape = (end.0 - start.0, end.1 - start.1);
        // a pair of one sentence a side (or one alone) is right when the paths hold exactly
        // it; a pair of more sentences when its sentences align among themselves, however
        // the paths divide them (a reviewer's 2-2 of two right 1-1 pairs is a right pair)
        let inside = match SHAPES.iter().position(|&s| s == shape) {
            Some(k) if shape.0 <= 1 && shape.1 <= 1 => -self.cost(start.0, start.1, k),
            _ => self.forward(start, end)[end.0 * w + end.1],
        };
        let log_p = self.alpha[start.0 * w + start.1] + inside + self.beta[end.0 * w + end.1] - z;
        if log_p.is_nan() {
            return 0.0;
        }
        log_p.exp().clamp(0.0, 1.0)
    }
}

fn log_sum_exp(terms: impl Iterator<Item = f64> + Clone) -> f64 {
    let max = terms.clone().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return max;
    }
    max + terms.map(|x| (x - max).exp()).sum::<f64>().ln()
}

/// Scores the beads `which` of `beads`, an alignment of the whole document, with the
/// document's models (see [`Rescorer::scores`] for what a score is). Builds the models each
/// call; to score several times, keep a [`Rescorer`].
pub fn rescore(
    source: &[&str],
    target: &[&str],
    beads: &[Bead],
    which: &[usize],
    training: &Training,
    config: &Config,
) -> Result<Vec<f64>> {
    Rescorer::new(source, target, beads, training, config)?.scores(beads, which)
}

#[cfg(test)]
mod tests;

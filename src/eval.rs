//! Scoring an alignment against a gold standard, as Vecalign's scorer does.
//!
//! Strict: a predicted bead counts only if exactly that bead is in the gold set. Lax: it counts
//! if some of its source sentences are linked in gold to some of its target sentences.
//! Precision is over every predicted bead with a sentence on at least one side (deletions
//! included); recall swaps gold and prediction after dropping beads empty on either side.
//! Counts are summed over documents before dividing (micro average); F1 is the harmonic mean,
//! and 0/0 is 0. (Sennrich and Volk 2011; Thompson and Koehn 2019.)

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::align::beads::IndexBead;

/// Hits and misses of one direction (precision or recall).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub strict_hit: usize,
    pub strict_miss: usize,
    pub lax_hit: usize,
    pub lax_miss: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.strict_hit += o.strict_hit;
        self.strict_miss += o.strict_miss;
        self.lax_hit += o.lax_hit;
        self.lax_miss += o.lax_miss;
    }
}

/// Precision, recall and F1, strict and lax.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Scores {
    pub precision_strict: f64,
    pub recall_strict: f64,
    pub f1_strict: f64,
    pub precision_lax: f64,
    pub recall_lax: f64,
    pub f1_lax: f64,
    #[serde(skip)]
    pub precision_counts: Counts,
    #[serde(skip)]
    pub recall_counts: Counts,
}

/// Accumulates documents and gives micro-averaged scores.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scorer {
    precision: Counts,
    recall: Counts,
}

impl Scorer {
    /// Adds one document's gold and predicted beads.
    pub fn add(&mut self, gold: &[IndexBead], pred: &[IndexBead]) {
        self.precision += counts(gold, pred);
        let both = |b: &&IndexBead| !b.source.is_empty() && !b.target.is_empty();
        let gold_nd: Vec<IndexBead> = gold.iter().filter(both).cloned().collect();
        let pred_nd: Vec<IndexBead> = pred.iter().filter(both).cloned().collect();
        self.recall += counts(&pred_nd, &gold_nd);
    }

    /// The scores so far.
    pub fn scores(&self) -> Scores {
        let div = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let f1 = |p: f64, r: f64| {
            if p + r == 0.0 {
                0.0
            } else {
                2.0 * p * r / (p + r)
            }
        };
        let (p, r) = (self.precision, self.recall);
        let ps = div(p.strict_hit, p.strict_hit + p.strict_miss);
        let pl = div(p.lax_hit, p.lax_hit + p.lax_miss);
        let rs = div(r.strict_hit, r.strict_hit + r.strict_miss);
        let rl = div(r.lax_hit, r.lax_hit + r.lax_miss);
        Scores {
            precision_strict: ps,
            recall_strict: rs,
            f1_strict: f1(ps, rs),
            precision_lax: pl,
            recall_lax: rl,
            f1_lax: f1(pl, rl),
            precision_counts: p,
            recall_counts: r,
        }
    }
}

/// Scores one document.
pub fn score(gold: &[IndexBead], pred: &[IndexBead]) -> Scores {
    let mut s = Scorer::default();
    s.add(gold, pred);
    s.scores()
}

/// Strict and lax hits of `test` against `gold`.
fn counts(gold: &[IndexBead], test: &[IndexBead]) -> Counts {
    let nonempty = |b: &&IndexBead| !b.source.is_empty() || !b.target.is_empty();
    let gold: HashSet<&IndexBead> = gold.iter().filter(nonempty).collect();
    let test: HashSet<&IndexBead> = test.iter().filter(nonempty).collect();
    let mut linked: HashMap<usize, HashSet<usize>> = HashMap::new();
    for g in &gold {
        for &s in &g.source {
            linked
                .entry(s)
                .or_default()
                .extend(g.target.iter().copied());
        }
    }
    let mut c = Counts::default();
    for t in test {
        if gold.contains(t) {
            c.strict_hit += 1;
            c.lax_hit += 1;
            continue;
        }
        c.strict_miss += 1;
        let reached = t
            .source
            .iter()
            .filter_map(|s| linked.get(s))
            .any(|targets| t.target.iter().any(|x| targets.contains(x)));
        if reached {
            c.lax_hit += 1;
        } else {
            c.lax_miss += 1;
        }
    }
    c
}

/// Merges neighbouring beads that share a sentence on either side into one bead (the union of
/// their sentences, each once, in order), scored as the lowest of them: the beads over parts of
/// a split sentence, read in whole sentences.
pub fn merge_shared(beads: Vec<(IndexBead, f64)>) -> Vec<(IndexBead, f64)> {
    let mut out: Vec<(IndexBead, f64)> = Vec::with_capacity(beads.len());
    for (bead, score) in beads {
        let shares = out.last().is_some_and(|(prev, _)| {
            bead.source.iter().any(|s| prev.source.contains(s))
                || bead.target.iter().any(|t| prev.target.contains(t))
        });
        match out.last_mut() {
            Some((prev, prev_score)) if shares => {
                for s in bead.source {
                    if !prev.source.contains(&s) {
                        prev.source.push(s);
                    }
                }
                for t in bead.target {
                    if !prev.target.contains(&t) {
                        prev.target.push(t);
                    }
                }
                *prev_score = prev_score.min(score);
            }
            _ => out.push((bead, score)),
        }
    }
    out
}

/// Maps predicted segments (texts) to the gold sentences they cover, as the shared scorer does
/// for text-pair predictions: texts are compared with whitespace removed (NFKC), each segment is
/// found in the document in order, and each gold sentence goes to the segment covering most of
/// its characters. Returns, for every segment, its gold sentence indices.
pub fn map_segments(segments: &[&str], sentences: &[&str]) -> Vec<Vec<usize>> {
    let squash = |s: &str| -> Vec<char> { s.nfkc().filter(|c| !c.is_whitespace()).collect() };
    let mut doc: Vec<char> = Vec::new();
    let mut spans = Vec::new();
    for s in sentences {
        let start = doc.len();
        doc.extend(squash(s));
        spans.push((start, doc.len()));
    }
    let mut seg_spans: Vec<Option<(usize, usize)>> = Vec::new();
    let mut cursor = 0;
    for seg in segments {
        let needle = squash(seg);
        if needle.is_empty() {
            seg_spans.push(None);
            continue;
        }
        let found = find(&doc, &needle, cursor).or_else(|| find(&doc, &needle, 0));
        match found {
            Some(p) => {
                seg_spans.push(Some((p, p + needle.len())));
                cursor = p + needle.len();
            }
            None => seg_spans.push(None),
        }
    }
    let mut out = vec![Vec::new(); segments.len()];
    for (k, &(s0, s1)) in spans.iter().enumerate() {
        let mut best: Option<(usize, usize)> = None;
        for (j, sp) in seg_spans.iter().enumerate() {
            let Some((a, b)) = *sp else { continue };
            let overlap = s1.min(b).saturating_sub(s0.max(a));
            if overlap > 0 && best.is_none_or(|(_, o)| overlap > o) {
                best = Some((j, overlap));
            }
        }
        if let Some((j, _)) = best {
            out[j].push(k);
        }
    }
    out
}

fn find(hay: &[char], needle: &[char], from: usize) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&p| hay[p..p + needle.len()] == *needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::beads::parse;

    fn beads(text: &str) -> Vec<IndexBead> {
        parse(text, "t").unwrap()
    }

    #[test]
    fn a_perfect_prediction_scores_one() {
        let gold = beads("[0]:[0]\n[1]:[1,2]\n[2]:[]\n");
        let s = score(&gold, &gold);
        assert_eq!((s.f1_strict, s.f1_lax), (1.0, 1.0));
    }

    #[test]
    fn hand_worked_example() {
        // gold: [0]:[0] [1]:[1,2] [2]:[] [3]:[3]
        // pred: [0]:[0] [1]:[1] [2]:[2] [3]:[3]
        // precision: 4 predicted beads; strict hits [0]:[0], [3]:[3] → 2/4;
        //   lax: [1]:[1] is linked in gold (1→1,2) → hit; [2]:[2] is not (2 is deleted) → 3/4
        // recall (beads empty on a side dropped): gold [0]:[0] [1]:[1,2] [3]:[3];
        //   strict hits 2/3; lax: [1]:[1,2] reaches pred link 1→1 → 3/3
        let gold = beads("[0]:[0]\n[1]:[1,2]\n[2]:[]\n[3]:[3]\n");
        let pred = beads("[0]:[0]\n[1]:[1]\n[2]:[2]\n[3]:[3]\n");
        let s = score(&gold, &pred);
        assert!((s.precision_strict - 0.5).abs() < 1e-12);
        assert!((s.precision_lax - 0.75).abs() < 1e-12);
        assert!((s.recall_strict - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.recall_lax - 1.0).abs() < 1e-12);
        let f1 = 2.0 * 0.5 * (2.0 / 3.0) / (0.5 + 2.0 / 3.0);
        assert!((s.f1_strict - f1).abs() < 1e-12);
    }

    #[test]
    fn documents_are_micro_averaged() {
        let mut scorer = Scorer::default();
        scorer.add(&beads("[0]:[0]\n"), &beads("[0]:[0]\n"));
        scorer.add(
            &beads("[0]:[0]\n[1]:[1]\n[2]:[2]\n"),
            &beads("[0]:[1]\n[1]:[0]\n[2]:[2]\n"),
        );
        // precision: 1 + 1 hits out of 1 + 3 beads
        assert!((scorer.scores().precision_strict - 0.5).abs() < 1e-12);
    }

    #[test]
    fn beads_sharing_a_sentence_merge_back_into_one() {
        // sentence 3 of the source was split in two, each part paired with a target sentence
        let split = beads("[0]:[0]\n[1]:[1]\n[1]:[2]\n[2]:[3]\n[]:[4]\n");
        let scored = split.into_iter().zip([0.9, 0.8, 0.7, 0.95, 0.2]).collect();
        let merged = merge_shared(scored);
        let (got, scores): (Vec<IndexBead>, Vec<f64>) = merged.into_iter().unzip();
        assert_eq!(got, beads("[0]:[0]\n[1]:[1,2]\n[2]:[3]\n[]:[4]\n"));
        assert_eq!(scores, [0.9, 0.7, 0.95, 0.2]);
    }

    #[test]
    fn segments_map_to_the_gold_sentences_they_cover() {
        let sentences = ["One two.", "Three four.", "Five."];
        // a sentence cut in two goes to the segment holding more of it (the first on a tie)
        let segments = ["One two. Th", "ree four.", "Five."];
        assert_eq!(
            map_segments(&segments, &sentences),
            [vec![0], vec![1], vec![2]]
        );
        let segments = ["One two. Three", "four.", "Five."];
        assert_eq!(
            map_segments(&segments, &sentences),
            [vec![0, 1], vec![], vec![2]]
        );
        let segments = ["One two. Three four.", "Five."];
        assert_eq!(map_segments(&segments, &sentences), [vec![0, 1], vec![2]]);
    }
}

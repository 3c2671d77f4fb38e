//! A pair's score: how likely it is that the pair is right, not only that it is the best
//! grouping of these sentences.
//!
//! The aligner's posterior says how sure the model is of a bead against the other ways of
//! aligning the same two texts; on texts that do not translate each other at all it still picks
//! some path, and is often sure of it. So the score is the posterior times the probability that
//! the bead's two sides translate each other, from evidence that does not come from the path:
//! the word-translation model's log-likelihood ratio for the pair (for a pair the model learnt
//! from, the model without that pair: see [`super::lexical::Lexicon::held_out`]), the anchors
//! the two sides share, and how well their lengths fit. A logistic model weighs them, fitted on
//! the development documents' right pairs against the pairs of mismatched documents.

use super::{Bead, Prepared};

/// What says that a bead's two sides translate each other.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evidence {
    /// The lexical log-likelihood ratio (held out), when there is a word model.
    pub lexical: Option<f64>,
    /// The anchor score (numbers, names, Latin words shared).
    pub anchors: f64,
    /// The length cost (0 for a perfect fit).
    pub length: f64,
    /// Characters of the source and target sides.
    pub chars: (f64, f64),
    /// The first pass was sure enough of this bead to teach the word model with it.
    pub learnt: bool,
}

/// The bead's evidence.
pub fn evidence(prepared: &Prepared, bead: &Bead, lexical: Option<f64>, learnt: bool) -> Evidence {
    let (i, j, di, dj) = (
        bead.source.start,
        bead.target.start,
        bead.source.len(),
        bead.target.len(),
    );
    let (ls, lt) = prepared.lengths(i, j, di, dj);
    Evidence {
        lexical,
        anchors: prepared.anchor_score(i, j, di, dj),
        length: prepared.length_costs.cost(prepared.length.delta(ls, lt)),
        chars: (ls, lt),
        learnt,
    }
}

/// Weights of the logistic model, fitted on the development documents (doc000–doc039 of
/// `../shared/devdata`: their right pairs, aligned all together and one document at a time,
/// against the pairs of the same documents aligned with another document's translation, all
/// together and two at a time). The bead's evidence: its lexical ratio per ten characters, its
/// anchors, its length cost and the log of its mean length in characters; the document's: the
/// mean lexical ratio per ten characters of its beads, the share of its beads with an anchor,
/// and the share the first pass was sure of. A pair with little evidence of its own is judged
/// by its document.
const WEIGHTS: Weights = Weights {
    intercept: 0.654,
    lexical: 0.84,
    anchors: 0.257,
    length: 0.018,
    log_chars: -1.844,
    document_lexical: 5.78,
    document_anchored: 8.775,
    document_learnt: 9.392,
};

struct Weights {
    intercept: f64,
    lexical: f64,
    anchors: f64,
    length: f64,
    log_chars: f64,
    document_lexical: f64,
    document_anchored: f64,
    document_learnt: f64,
}

/// What the beads of a document say together.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DocumentEvidence {
    /// Mean lexical ratio per ten characters.
    pub lexical: f64,
    /// Share of the beads with an anchor.
    pub anchored: f64,
    /// Share of the beads the first pass was sure enough of to teach the word model with:
    /// most, when the texts translate each other; few, when the path found is one of many.
    pub learnt: f64,
}

impl Evidence {
    /// The lexical ratio per ten characters of the bead's mean length.
    fn lexical_rate(&self) -> Option<f64> {
        self.lexical.map(|l| l / self.mean_chars() * 10.0)
    }

    fn mean_chars(&self) -> f64 {
        ((self.chars.0 + self.chars.1) / 2.0).max(1.0)
    }
}

/// The document's evidence, from its beads' (those with both sides).
pub fn document_evidence(beads: &[Evidence]) -> DocumentEvidence {
    let rates: Vec<f64> = beads.iter().filter_map(Evidence::lexical_rate).collect();
    let n = beads.len().max(1) as f64;
    DocumentEvidence {
        lexical: if rates.is_empty() {
            0.0
        } else {
            rates.iter().sum::<f64>() / rates.len() as f64
        },
        anchored: beads.iter().filter(|e| e.anchors > 0.0).count() as f64 / n,
        learnt: beads.iter().filter(|e| e.learnt).count() as f64 / n,
    }
}

/// The probability that a bead with this evidence, in a document with that, translates; 1
/// without a word model, which alone tells texts that translate each other from texts that do
/// not.
pub fn translation_probability(e: &Evidence, document: &DocumentEvidence) -> f64 {
    let Some(rate) = e.lexical_rate() else {
        return 1.0;
    };
    let w = &WEIGHTS;
    let z = w.intercept
        + w.lexical * rate
        + w.anchors * e.anchors
        + w.length * e.length
        + w.log_chars * e.mean_chars().ln()
        + w.document_lexical * document.lexical
        + w.document_anchored * document.anchored
        + w.document_learnt * document.learnt;
    1.0 / (1.0 + (-z).exp())
}

/// Multiplies each bead's posterior by the probability that its sides translate each other
/// (`lexical`: each bead's lexical score, held out where the model learnt from it). A bead empty
/// on one side takes the mean probability of the document's other beads.
pub fn translation_scores(
    prepared: &Prepared,
    beads: &mut [Bead],
    lexical: &[Option<f64>],
    learnt: &[bool],
) {
    let evidence: Vec<Option<Evidence>> = beads
        .iter()
        .zip(lexical.iter().zip(learnt))
        .map(|(b, (lex, learnt))| {
            (!b.source.is_empty() && !b.target.is_empty())
                .then(|| evidence(prepared, b, *lex, *learnt))
        })
        .collect();
    let known: Vec<Evidence> = evidence.iter().flatten().copied().collect();
    let document = document_evidence(&known);
    let probabilities: Vec<Option<f64>> = evidence
        .iter()
        .map(|e| e.map(|e| translation_probability(&e, &document)))
        .collect();
    let known: Vec<f64> = probabilities.iter().flatten().copied().collect();
    let fallback = if known.is_empty() {
        1.0
    } else {
        known.iter().sum::<f64>() / known.len() as f64
    };
    for (b, p) in beads.iter_mut().zip(probabilities) {
        b.score *= p.unwrap_or(fallback);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bead(lexical: f64, anchors: f64) -> Evidence {
        Evidence {
            lexical: Some(lexical),
            anchors,
            length: 0.5,
            chars: (100.0, 110.0),
            learnt: true,
        }
    }

    #[test]
    fn word_evidence_anchors_and_the_document_raise_the_probability() {
        let doc = DocumentEvidence {
            lexical: 1.0,
            anchored: 0.5,
            learnt: 0.9,
        };
        let p = |e: &Evidence, d: &DocumentEvidence| translation_probability(e, d);
        assert!(p(&bead(20.0, 0.0), &doc) > p(&bead(0.0, 0.0), &doc));
        assert!(p(&bead(0.0, 4.5), &doc) > p(&bead(0.0, 0.0), &doc));
        // unrelated texts: words that explain nothing, in a document where nothing does
        let unrelated = DocumentEvidence {
            lexical: -0.2,
            anchored: 0.05,
            learnt: 0.1,
        };
        assert!(p(&bead(-2.0, 0.0), &unrelated) < 0.05);
        assert!(p(&bead(20.0, 3.0), &doc) > 0.99);
        // a pair with little evidence of its own is judged by its document
        assert!(p(&bead(0.0, 0.0), &doc) > 0.9);
        assert!(p(&bead(0.0, 0.0), &unrelated) < 0.1);
    }

    #[test]
    fn without_a_word_model_the_posterior_stands() {
        let e = Evidence {
            lexical: None,
            ..bead(0.0, 0.0)
        };
        assert_eq!(
            translation_probability(&e, &DocumentEvidence::default()),
            1.0
        );
    }

    #[test]
    fn the_document_evidence_averages_its_beads() {
        let d = document_evidence(&[bead(10.0, 0.0), bead(-10.5, 3.0)]);
        // 10 / 105 and -10.5 / 105 per ten characters
        assert!(
            (d.lexical - (-0.5 / 105.0 * 10.0) / 2.0).abs() < 1e-12,
            "{d:?}"
        );
        assert_eq!(d.anchored, 0.5);
    }
}

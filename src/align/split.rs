//! Translation-guided splitting: where one sentence of a side is aligned with two or three
//! sentences of the other (a 1-2, 1-3, 2-1 or 3-1 bead), find the places inside it that
//! correspond to the other side's sentence ends, and split it there when the evidence is clear.
//!
//! Arabic often runs on with `و` and `،` where English starts new sentences, and a headline runs
//! into the first sentence when the text comes as one paragraph. The places a sentence may
//! split are its word boundaries, each with a prior by what marks it ([`Boundary`]): a sentence
//! stop inside it (two sentences on one line), `،` `؛` `:` `,` `;` a dash or a closing quote, a
//! word that opens a clause (`وقال`, `ثم`, `بيد`, `لكن`, `and`, `but`, `however`…), or nothing.
//! Each way of cutting the sentence into as many pieces as the other side has sentences is
//! scored as the aligner scores beads — the length model, the anchors (numbers, names, Latin
//! words), the marks and the word-translation model, piece by piece against its sentence — and
//! weighed against leaving the bead whole. The sentence is split the best way when that, and
//! the ways within a word of it, hold most of the probability.

use std::ops::Range;

use super::anchors::{self, Anchors};
use super::features::Features;
use super::lexical::{Lexicon, PieceScorer, Side};
use super::{Alignment, Bead, Config, Part, Prepared};
use crate::Lang;

/// What marks a word boundary inside a sentence, which says how likely the other side's
/// sentence ends there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boundary {
    /// A sentence stop (`.` `!` `?` `؟` `…`, with closing quotes): two sentences on one line.
    End,
    /// Punctuation followed by a word that opens a clause (`، بيد أن`, `, but`).
    PunctuationOpener,
    /// `،` `؛` `:` `,` `;`, a dash or a closing quote or bracket.
    Punctuation,
    /// A word that opens a clause (`وقال`, `ثم`, `لكن`, `and`, `however`).
    Opener,
    /// Nothing: a headline running into the text, for example.
    Plain,
}

impl Boundary {
    /// How much likelier a split is on such a boundary than on a plain one.
    pub fn weight(self) -> f64 {
        match self {
            Boundary::End => 100.0,
            Boundary::PunctuationOpener => 20.0,
            Boundary::Punctuation => 6.0,
            Boundary::Opener => 4.0,
            Boundary::Plain => 1.0,
        }
    }

    /// The boundary before word `next`, after word `prev` (both as written).
    pub fn between(prev: &str, next: &str, lang: Lang) -> Boundary {
        let prev_end = prev.trim_end_matches(is_closer);
        let ends = prev_end
            .chars()
            .last()
            .is_some_and(|c| matches!(c, '.' | '!' | '?' | '\u{061F}' | '\u{2026}' | '\u{06D4}'));
        if ends && !is_abbreviation(prev_end, lang) {
            return Boundary::End;
        }
        let punctuation = prev_end.len() < prev.len()
            || prev.chars().last().is_some_and(|c| {
                matches!(
                    c,
                    '،' | '؛' | ':' | ',' | ';' | '-' | '\u{2013}' | '\u{2014}'
                )
            })
            || is_dash(prev);
        match (punctuation, opens_clause(next, lang)) {
            (true, true) => Boundary::PunctuationOpener,
            (true, false) => Boundary::Punctuation,
            (false, true) => Boundary::Opener,
            (false, false) => Boundary::Plain,
        }
    }
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '\u{2019}' | '\u{201D}' | '\u{00BB}' | '\u{203A}' | ')' | ']' | '}'
    )
}

fn is_dash(word: &str) -> bool {
    matches!(word, "-" | "\u{2013}" | "\u{2014}" | "--")
}

/// A word ending in a stop that does not end a sentence: a one-letter or dotted abbreviation
/// (`د.`, `U.S.`, `J.`), or an English title (`Mr.`).
fn is_abbreviation(word: &str, lang: Lang) -> bool {
    let bare = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    let letters: Vec<&str> = bare.split('.').filter(|p| !p.is_empty()).collect();
    if letters.iter().all(|p| p.chars().count() == 1) && !letters.is_empty() {
        return true;
    }
    lang == Lang::En
        && matches!(
            bare,
            "Mr."
                | "Mrs."
                | "Ms."
                | "Dr."
                | "Prof."
                | "Gen."
                | "St."
                | "No."
                | "vs."
                | "Jr."
                | "Sr."
        )
}

/// Arabic words that open a clause besides those with the conjunction `و` or `ف`.
const AR_OPENERS: &[&str] = &[
    "ثم",
    "لكن",
    "لكنه",
    "لكنها",
    "لكنهم",
    "بيد",
    "إلا",
    "الا",
    "أما",
    "اما",
    "كما",
    "بينما",
    "حيث",
    "إذ",
    "اذ",
    "غير",
    "بل",
    "حتى",
    "عندما",
    "لذلك",
    "لذا",
    "إذا",
    "اذا",
    "أن",
    "إن",
];

/// English words that open a clause.
const EN_OPENERS: &[&str] = &[
    "and",
    "but",
    "while",
    "whereas",
    "which",
    "who",
    "however",
    "as",
    "because",
    "although",
    "though",
    "after",
    "before",
    "when",
    "so",
    "yet",
    "meanwhile",
    "since",
    "saying",
    "adding",
];

/// True when `word` (as written, perhaps after an opening quote) opens a clause.
fn opens_clause(word: &str, lang: Lang) -> bool {
    let bare = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    let bare = bare.trim_end_matches(|c: char| !c.is_alphanumeric());
    match lang {
        Lang::Ar => {
            let letters = bare
                .chars()
                .filter(|&c| crate::lang::is_arabic_letter(c))
                .count();
            (bare.starts_with(['و', 'ف']) && letters >= 3) || AR_OPENERS.contains(&bare)
        }
        Lang::En => EN_OPENERS.contains(&bare.to_lowercase().as_str()),
    }
}

/// The whitespace-separated words of `text`, as byte ranges.
pub fn words(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// Fewest words a piece may have.
const MIN_WORDS: usize = 2;

/// Share of the probability the chosen split (and those within a word of it) needs; it must
/// also be likelier than leaving the sentence whole.
const CLEAR: f64 = 0.3;

/// Prior probability that a sentence aligned with several of the other side is one sentence
/// translated as several, not several run together; the rest is shared among its boundaries
/// by [`Boundary::weight`].
const WHOLE: f64 = 0.1;

/// The same when the sentence holds as many sentence stops as it would need to split (a line
/// of two sentences): then it is almost never one sentence.
const WHOLE_WITH_STOPS: f64 = 0.01;

/// The weight of a plain boundary where the other side's sentence ends without a stop.
const HEADLINE: f64 = 10.0;

/// True when `text` ends with a sentence stop (before any closing quotes).
fn ends_with_stop(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(is_closer)
        .ends_with(['.', '!', '?', '\u{061F}', '\u{2026}', '\u{06D4}'])
}

/// What a sentence of the other side brings to the comparison.
struct Other {
    len: f64,
    sentences: u32,
    quotes: u32,
    marks: u32,
    lexical: Option<PieceScorer>,
    /// It ends without a sentence stop (a headline, a caption).
    unmarked: bool,
    /// For each word of the sentence being split, the anchors of this sentence it matches.
    matches: Vec<Vec<(u16, f32)>>,
}

/// One sentence being split against the sentences of the other side.
struct Splitting<'a> {
    config: &'a Config,
    prepared: &'a Prepared,
    /// The sentence is on the source side.
    source: bool,
    /// Prefix sums over its words: characters, quotes, question and exclamation marks.
    len: Vec<f64>,
    quotes: Vec<u32>,
    marks: Vec<u32>,
    /// `ends[q]`: sentence stops at the boundaries before words `1..=q` (`ends[0]` = 0).
    ends: Vec<u32>,
    boundaries: Vec<Boundary>,
    /// The lexical model's word index at the start of each word.
    word_at: Vec<usize>,
    others: Vec<Other>,
    /// All the other side's sentences together, for the unsplit bead.
    whole: Option<PieceScorer>,
    /// For each cut, the sum of the weights of the boundaries it may use.
    weights: Vec<f64>,
}

impl Splitting<'_> {
    /// The cost (negative log probability, as a bead's) of words `a..b` translating other
    /// sentence `i`.
    fn piece(&self, a: usize, b: usize, i: usize) -> f64 {
        let o = &self.others[i];
        let w = &self.config.weights;
        let len = self.len[b] - self.len[a];
        let (ls, lt) = if self.source {
            (len, o.len)
        } else {
            (o.len, len)
        };
        let p = self.prepared;
        let mut c = w.length * p.length_costs.cost(p.length.delta(ls, lt));
        let sentences = 1 + self.ends[b - 1] - self.ends[a];
        let diff = |x: u32, y: u32| (f64::from(x) - f64::from(y)).abs();
        c += w.sentences * diff(sentences, o.sentences)
            + w.quotes * diff(self.quotes[b] - self.quotes[a], o.quotes)
            + w.marks * diff(self.marks[b] - self.marks[a], o.marks);
        c -= anchor_score(&o.matches[a..b]);
        if let Some(lex) = &o.lexical {
            c -= w.lexical * lex.score(self.word_at[a], self.word_at[b]);
        }
        c
    }

    /// The cost of leaving the bead whole.
    fn whole(&self) -> f64 {
        let n = self.len.len() - 1;
        let w = &self.config.weights;
        let len = self.len[n];
        let olen: f64 = self.others.iter().map(|o| o.len).sum();
        let (ls, lt) = if self.source {
            (len, olen)
        } else {
            (olen, len)
        };
        let p = self.prepared;
        let mut c =
            -self.whole_prior().ln() + w.length * p.length_costs.cost(p.length.delta(ls, lt));
        let sum = |f: fn(&Other) -> u32| self.others.iter().map(f).sum::<u32>();
        let diff = |x: u32, y: u32| (f64::from(x) - f64::from(y)).abs();
        c += w.sentences * diff(1 + self.ends[n - 1], sum(|o| o.sentences))
            + w.quotes * diff(self.quotes[n], sum(|o| o.quotes))
            + w.marks * diff(self.marks[n], sum(|o| o.marks));
        for o in &self.others {
            c -= anchor_score(&o.matches);
        }
        if let Some(lex) = &self.whole {
            c -= w.lexical * lex.score(0, self.word_at[n]);
        }
        c
    }

    /// The prior probability that the bead stays whole.
    fn whole_prior(&self) -> f64 {
        let n = self.len.len() - 1;
        if self.ends[n - 1] as usize + 1 >= self.others.len() {
            WHOLE_WITH_STOPS
        } else {
            WHOLE
        }
    }

    /// The prior cost of splitting at the boundaries before words `at` (cut `i` ending the
    /// piece that translates other sentence `i`).
    fn boundaries(&self, at: &[usize]) -> f64 {
        at.iter()
            .enumerate()
            .map(|(i, &q)| -(self.weight(q, i) / self.weights[i]).ln())
            .sum::<f64>()
            - (1.0 - self.whole_prior()).ln()
    }

    /// The weight of the boundary before word `q` as the end of the piece translating other
    /// sentence `i`: a plain boundary weighs more where that sentence ends without a stop (a
    /// headline), as the break is then likely unmarked on this side too.
    fn weight(&self, q: usize, i: usize) -> f64 {
        let b = self.boundaries[q];
        if !self.others[i].unmarked {
            return b.weight();
        }
        match b {
            Boundary::Plain => HEADLINE,
            Boundary::Punctuation | Boundary::Opener => 3.0 * b.weight(),
            _ => b.weight(),
        }
    }
}

/// Sum over the other sentence's anchors of the best credit a word of the piece gives it.
fn anchor_score(words: &[Vec<(u16, f32)>]) -> f64 {
    let mut best: Vec<(u16, f32)> = Vec::new();
    for &(slot, c) in words.iter().flatten() {
        match best.iter_mut().find(|b| b.0 == slot) {
            Some(b) => b.1 = b.1.max(c),
            None => best.push((slot, c)),
        }
    }
    best.iter().map(|b| f64::from(b.1)).sum()
}

/// Decides whether `text` (a sentence of the source side if `source`) splits into pieces
/// translating `others` (two or three sentences of the other side, whose features the first
/// pass has as `other_features`), and where: the pieces' byte ranges in `text` (trimmed, in order, whitespace between them), with the share of the
/// probability the split holds, or `None` to leave it whole.
pub fn split_sentence(
    text: &str,
    others: &[&str],
    other_features: &[Features],
    source: bool,
    prepared: &Prepared,
    lexicon: Option<&Lexicon>,
    config: &Config,
) -> Option<(Vec<Range<usize>>, f64)> {
    let k = others.len();
    if !(2..=3).contains(&k) {
        return None;
    }
    let spans = words(text);
    let n = spans.len();
    if n < MIN_WORDS * k {
        return None;
    }
    let (lang, other_lang) = if source {
        (config.source_lang, config.target_lang)
    } else {
        (config.target_lang, config.source_lang)
    };
    let side = if source { Side::Source } else { Side::Target };
    let other_side = if source { Side::Target } else { Side::Source };

    // prefix sums over the words
    let mut len = vec![0.0];
    let mut quotes = vec![0];
    let mut marks = vec![0];
    let mut ends = vec![0];
    let mut boundaries = vec![Boundary::Plain];
    let mut word_ids: Vec<u32> = Vec::new();
    let mut word_at = vec![0];
    let w = &config.weights;
    let other_anchors: Vec<Anchors> = others.iter().map(|o| Anchors::of(o, other_lang)).collect();
    // the anchors word by word, where the sentence shares any with the other side
    let whole_anchors = Anchors::of(text, lang);
    let shared = other_anchors
        .iter()
        .any(|a| !anchors::matches(&whole_anchors, a, source, w).is_empty());
    let mut own_anchors = Vec::with_capacity(if shared { n } else { 0 });
    for (q, r) in spans.iter().enumerate() {
        let w = &text[r.clone()];
        let f = super::features::extract_marks(w);
        len.push(len[q] + f.len);
        quotes.push(quotes[q] + f.quotes);
        marks.push(marks[q] + f.questions + f.exclamations);
        if q > 0 {
            let b = Boundary::between(&text[spans[q - 1].clone()], w, lang);
            ends.push(ends[q - 1] + u32::from(b == Boundary::End));
            boundaries.push(b);
        }
        if let Some(lex) = lexicon {
            word_ids.extend(lex.word_ids(w, lang, side));
        }
        word_at.push(word_ids.len());
        if shared {
            let until = spans.get(q + 1).map_or(r.end, |next| next.end);
            own_anchors.push(Anchors::of_word(text, r.clone(), until, lang));
        }
    }

    let mut all_ids = Vec::new();
    let others: Vec<Other> = others
        .iter()
        .zip(&other_anchors)
        .zip(other_features)
        .map(|((o, anchors), f)| {
            let matches = if shared {
                own_anchors
                    .iter()
                    .map(|a| {
                        if a.is_empty() || anchors.is_empty() {
                            Vec::new()
                        } else {
                            anchors::matches(a, anchors, source, w)
                        }
                    })
                    .collect()
            } else {
                vec![Vec::new(); n]
            };
            let lexical = lexicon.map(|lex| {
                let ids = lex.word_ids(o, other_lang, other_side);
                all_ids.extend(ids.iter().copied());
                PieceScorer::new(lex, &word_ids, &ids, side, config.mixture)
            });
            Other {
                len: f.len,
                sentences: f.sentences,
                quotes: f.quotes,
                marks: f.questions + f.exclamations,
                lexical,
                matches,
                unmarked: !ends_with_stop(o),
            }
        })
        .collect();
    let whole = lexicon.map(|lex| PieceScorer::new(lex, &word_ids, &all_ids, side, config.mixture));
    let mut s = Splitting {
        weights: Vec::new(),
        config,
        prepared,
        source,
        len,
        quotes,
        marks,
        ends,
        boundaries,
        word_at,
        others,
        whole,
    };
    s.weights = (0..k - 1)
        .map(|i| (MIN_WORDS..=n - MIN_WORDS).map(|q| s.weight(q, i)).sum())
        .collect();

    // every way to cut the words into k pieces of at least MIN_WORDS words
    // (the cut before the second piece, before the third if there is one, cost)
    let mut cuts: Vec<(usize, Option<usize>, f64)> = Vec::new();
    if k == 2 {
        for q in MIN_WORDS..=n - MIN_WORDS {
            let c = s.piece(0, q, 0) + s.piece(q, n, 1) + s.boundaries(&[q]);
            cuts.push((q, None, c));
        }
    } else {
        let first: Vec<f64> = (0..=n)
            .map(|q| {
                if q >= MIN_WORDS {
                    s.piece(0, q, 0)
                } else {
                    0.0
                }
            })
            .collect();
        let last: Vec<f64> = (0..=n)
            .map(|q| {
                if q + MIN_WORDS <= n {
                    s.piece(q, n, 2)
                } else {
                    0.0
                }
            })
            .collect();
        for (q1, head) in first
            .iter()
            .enumerate()
            .take(n + 1 - 2 * MIN_WORDS)
            .skip(MIN_WORDS)
        {
            for (q2, tail) in last
                .iter()
                .enumerate()
                .take(n + 1 - MIN_WORDS)
                .skip(q1 + MIN_WORDS)
            {
                let c = head + s.piece(q1, q2, 1) + tail + s.boundaries(&[q1, q2]);
                cuts.push((q1, Some(q2), c));
            }
        }
    }
    let whole = s.whole();
    let best = *cuts.iter().min_by(|a, b| a.2.total_cmp(&b.2))?;
    // probabilities of leaving it whole and of each cut
    let floor = best.2.min(whole);
    let z = (floor - whole).exp() + cuts.iter().map(|c| (floor - c.2).exp()).sum::<f64>();
    let near_best = |c: &(usize, Option<usize>, f64)| {
        c.0.abs_diff(best.0) <= 1
            && match (c.1, best.1) {
                (Some(a), Some(b)) => a.abs_diff(b) <= 1,
                _ => true,
            }
    };
    let near: f64 = cuts
        .iter()
        .filter(|c| near_best(c))
        .map(|c| (floor - c.2).exp())
        .sum::<f64>()
        / z;
    let left_whole = (floor - whole).exp() / z;
    if near < CLEAR || near <= left_whole {
        return None;
    }
    let mut pieces = Vec::with_capacity(k);
    let mut start = 0;
    for q in std::iter::once(best.0)
        .chain(best.1)
        .chain(std::iter::once(n))
    {
        pieces.push(spans[start].start..spans[q - 1].end);
        start = q;
    }
    Some((pieces, near))
}

/// Splits the sentences of `beads` (a document's alignment over whole sentences) where the
/// other side's sentences show they split, and returns the alignment over the pieces.
pub fn refine(
    source: &[&str],
    target: &[&str],
    beads: &[Bead],
    prepared: &Prepared,
    lexicon: Option<&Lexicon>,
    config: &Config,
) -> Alignment {
    let mut out = Alignment {
        source: Vec::with_capacity(source.len()),
        target: Vec::with_capacity(target.len()),
        beads: Vec::with_capacity(beads.len()),
    };
    let whole = |sentence: usize, text: &str| Part {
        sentence,
        range: 0..text.len(),
    };
    // the sentences to split are independent: both cores
    let cuts = super::par_map(beads, |b| {
        let (ns, nt) = (b.source.len(), b.target.len());
        if ns == 1 && nt >= 2 {
            let i = b.source.start;
            split_sentence(
                source[i],
                &target[b.target.clone()],
                &prepared.target[b.target.clone()],
                true,
                prepared,
                lexicon,
                config,
            )
            .map(|(pieces, p)| (true, i, pieces, p))
        } else if nt == 1 && ns >= 2 {
            let j = b.target.start;
            split_sentence(
                target[j],
                &source[b.source.clone()],
                &prepared.source[b.source.clone()],
                false,
                prepared,
                lexicon,
                config,
            )
            .map(|(pieces, p)| (false, j, pieces, p))
        } else {
            None
        }
    });
    for (b, cut) in beads.iter().zip(cuts) {
        let (s0, t0) = (out.source.len(), out.target.len());
        match cut {
            Some((on_source, sentence, pieces, p)) => {
                for (k, range) in pieces.into_iter().enumerate() {
                    let piece = Part { sentence, range };
                    let (s, t) = if on_source {
                        out.source.push(piece);
                        out.target
                            .push(whole(b.target.start + k, target[b.target.start + k]));
                        (out.source.len() - 1, out.target.len() - 1)
                    } else {
                        out.target.push(piece);
                        out.source
                            .push(whole(b.source.start + k, source[b.source.start + k]));
                        (out.source.len() - 1, out.target.len() - 1)
                    };
                    out.beads.push(Bead {
                        source: s..s + 1,
                        target: t..t + 1,
                        score: b.score * p,
                    });
                }
            }
            None => {
                for i in b.source.clone() {
                    out.source.push(whole(i, source[i]));
                }
                for j in b.target.clone() {
                    out.target.push(whole(j, target[j]));
                }
                out.beads.push(Bead {
                    source: s0..out.source.len(),
                    target: t0..out.target.len(),
                    score: b.score,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_are_classed_by_what_marks_them() {
        let ar = |p, n| Boundary::between(p, n, Lang::Ar);
        assert_eq!(ar("للفترة", "نفسها،"), Boundary::Plain);
        assert_eq!(ar("نفسها،", "بيد"), Boundary::PunctuationOpener);
        assert_eq!(ar("مسبوق", "وقال"), Boundary::Opener);
        assert_eq!(ar("الحبيسة،", "لا"), Boundary::Punctuation);
        assert_eq!(ar("لاباز.", "ترفع"), Boundary::End);
        assert_eq!(ar("\"محفز\"", "\"إنهم"), Boundary::Punctuation);
        assert_eq!(ar("د.", "محمد"), Boundary::Plain);
        let en = |p, n| Boundary::between(p, n, Lang::En);
        assert_eq!(en("period.", "However,"), Boundary::End);
        assert_eq!(en("protests,", "and"), Boundary::PunctuationOpener);
        assert_eq!(en("U.S.", "Embassy"), Boundary::Plain);
        assert_eq!(en("Mr.", "Adams"), Boundary::Plain);
        assert_eq!(en("name", "-"), Boundary::Plain);
        assert_eq!(en("-", "to"), Boundary::Punctuation);
    }

    #[test]
    fn words_are_whitespace_separated_byte_ranges() {
        let text = "  قال، «نعم»\tthen ";
        let got: Vec<&str> = words(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(got, ["قال،", "«نعم»", "then"]);
    }
}

//! What a pair shows about its translation, measured once and read by every check: empty
//! sides, the script of the target, the length misfit under the document's model, each word's
//! evidence under the word-translation model, the numbers and names of both sides and whether
//! they have counterparts, and the other units with the same text.
//!
//! [`Evidence::findings`] turns it into findings; the thresholds are constants here, chosen on
//! the development part of `../shared/devdata/qa` (documents qa-doc000…qa-doc039; see the
//! README's "Checking the memory").

use std::ops::Range;

use crate::Lang;
use crate::align::lexical::{Lexicon, english_stem};
use crate::align::names;
use crate::lang::is_arabic_letter;
use crate::text::normalize::{Word, normalize, stem, word_spans};
use crate::text::numbers::{Number, number_spans_of};

use super::exonyms;
use super::models::Models;
use super::{Finding, Kind, Pair, Severity};

/// `|δ|` of the length model above which one side is much shorter than the other.
pub const OMISSION_DELTA: f64 = 2.75;
/// Share of the source's known words a target much shorter than expected must translate to be
/// taken as a dense rendering rather than an omission.
pub const OMISSION_COVERAGE: f64 = 0.85;
/// `|δ|` above which a short target is an omission whatever its untranslated words.
pub const OMISSION_CLEAR_DELTA: f64 = 3.0;
/// Share of the source's known words that one run of untranslated words must hold for a
/// target between [`OMISSION_DELTA`] and [`OMISSION_CLEAR_DELTA`] short to be an omission.
pub const OMISSION_RUN: f64 = 0.12;
/// `|δ|` above which a target that translates its words while the source's are not
/// translated is an omission.
pub const ONE_SIDED_DELTA: f64 = 1.2;
/// Share of the source's known words translated under which, and gap to the target's share
/// above which, the source says more than the target.
pub const ONE_SIDED_COVERAGE: f64 = 0.45;
pub const ONE_SIDED_GAP: f64 = 0.3;
/// The omission score (see [`Evidence::omission_score`]) above which a target leaves part of
/// its source out. A target cut to half its length, with half its source's known words
/// translated and its own translated, scores about 6 even when its δ is weak (a short pair);
/// a terse rendering, δ as short but its words spread over the source, about 4.
pub const OMISSION_SCORE: f64 = 6.0;
/// Weight in the omission score of the target's relative shortfall, `ln(expected / actual)`
/// length: 0.69 when half the expected length is missing, whatever the pair's length (δ,
/// in standard deviations, grows with the length and says little of a short pair).
pub const OMISSION_SHORTFALL_WEIGHT: f64 = 4.0;
/// Weight in the omission score of the share of the source's known words without a
/// translation in the target.
pub const OMISSION_UNCOVERED_WEIGHT: f64 = 3.0;
/// Weight in the omission score of how much better the target's known words are translated
/// than the source's (a cut target is a translation of part of its source: its own words
/// are explained, the source's are not).
pub const OMISSION_ONE_SIDED_WEIGHT: f64 = 2.0;
/// `|δ|` under which the omission score is not read: a target that fits its length model is
/// no omission, however loosely its words are translated.
pub const OMISSION_SCORE_DELTA: f64 = 0.5;
/// `δ` above which the target is much longer than the source: translation into English
/// spells out what Arabic implies, so a longer target needs a larger misfit.
pub const ADDITION_DELTA: f64 = 3.0;
/// Translation score (see [`Evidence::translation_score`]) under which the sides do not
/// translate each other.
pub const MISALIGNED_BELOW: f64 = 0.0;
/// Words the model knows on both sides under which a pair scored under
/// [`MISALIGNED_BELOW`] is only worth a look (`info`), not an error.
pub const MISALIGNED_MIN_WORDS: usize = 5;
/// Words of prior evidence in the translation score, and their evidence (nats a word).
const PRIOR_WORDS: f64 = 5.0;
const PRIOR_EVIDENCE: f64 = 0.5;
/// Evidence of a number or name both sides share, as one word.
const ANCHOR_EVIDENCE: f64 = 1.0;
/// Word evidence at which a name counts as translated by the word model (the source makes the
/// word more likely than chance).
const NAME_EXPLAINED: f64 = 0.5;
/// Word evidence under which a capitalised word of the language standing alone counts as
/// untranslated (the source makes it no likelier than chance).
const LONE_NAME_EVIDENCE: f64 = 0.0;
/// Similarity of loose skeletons at which an English name and an Arabic word the word model
/// does not translate count as the same name (Gwyneth and جوينيث: GNT and GNS).
const LOOSE_NAME: f64 = 0.6;

/// In how many pairs of other documents the memory must capitalise a word for it to be a name
/// the memory knows: met once in a document, without a counterpart, it is a name brought from
/// elsewhere.
const KNOWN_NAME_PAIRS: u32 = 2;
/// Weight of the word model against chance, as in the aligner ([`crate::align::Config::mixture`]).
const MIXTURE: f64 = 0.5;
/// A word and the evidence the other side gives for it.
#[derive(Clone, Debug, PartialEq)]
pub struct WordScore {
    pub span: Range<usize>,
    /// `ln(λ · P(word | other side) / P(word) + 1 − λ)`: above 0 when the other side makes
    /// the word likelier than chance, at least `ln(1 − λ)` when it does not explain it at all.
    pub evidence: f64,
}

/// The word model's view of a pair: every word it knows, on both sides.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lexical {
    pub source: Vec<WordScore>,
    pub target: Vec<WordScore>,
    /// Words of each side (known to the model or not).
    pub source_words: usize,
    pub target_words: usize,
}

impl Lexical {
    /// Mean evidence of the known words of both sides (0 when none is known).
    pub fn mean(&self) -> f64 {
        let n = self.source.len() + self.target.len();
        if n == 0 {
            return 0.0;
        }
        let sum: f64 = self
            .source
            .iter()
            .chain(&self.target)
            .map(|w| w.evidence)
            .sum();
        sum / n as f64
    }
}

/// Which side of a pair.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Side {
    Source,
    #[default]
    Target,
}

/// A word of an English text, as names are looked for.
#[derive(Clone, Debug, PartialEq)]
pub struct EnglishWord {
    pub span: Range<usize>,
    /// It starts a sentence (capitalised for that reason alone).
    pub initial: bool,
}

/// The words of both sides of a pair, normalised once for every check.
#[derive(Clone, Debug, Default)]
pub struct PairWords {
    pub source: Vec<Word>,
    pub target: Vec<Word>,
}

impl PairWords {
    pub fn of(pair: &Pair) -> PairWords {
        PairWords {
            source: word_spans(pair.source),
            target: word_spans(pair.target),
        }
    }
}

/// Everything the checks read about one pair.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    /// The side that is empty (or only whitespace).
    pub empty: Option<Side>,
    /// Why the target looks untranslated.
    pub untranslated: Option<String>,
    /// The side whose words run together (spaces lost): the word model and the names cannot
    /// read it.
    pub run_together: Option<Side>,
    /// `δ` of the pair under its document's length model (negative: the target is short).
    pub length_delta: Option<f64>,
    /// Characters of each side and the target length the model expects.
    pub lengths: (f64, f64, f64),
    /// `ln(expected / actual)` target length, divided as `δ` is for a headline (positive: the
    /// target is short).
    pub shortfall: Option<f64>,
    /// How the target stops as no finished sentence does where the source does not (see
    /// [`CutOff::of`]).
    pub cut_off: Option<CutOff>,
    /// The word model's evidence (none without a model).
    pub lexical: Option<Lexical>,
    /// Numbers of each side without a counterpart on the other, and how many matched.
    pub numbers: (Vec<Number>, Vec<Number>, usize),
    /// Names of the English side without a counterpart on the other, the side they are on, how
    /// many names matched, and the Arabic side's names no English word accounts for (only
    /// looked for when a name has no counterpart: perhaps the one it replaced).
    pub names: (Vec<Range<usize>>, Side, usize, Vec<Range<usize>>),
    /// Other units with the same normalised source (and another target), and with the same
    /// target (and another source).
    pub inconsistent: (Vec<i64>, Vec<i64>),
}

impl Evidence {
    /// Measures a pair.
    pub fn gather(pair: &Pair, models: &Models) -> Evidence {
        Evidence::gather_with(pair, &PairWords::of(pair), models)
    }

    /// Measures a pair whose words are already known.
    pub fn gather_with(pair: &Pair, words: &PairWords, models: &Models) -> Evidence {
        let mut e = Evidence {
            inconsistent: models.inconsistent(pair, &words.source, &words.target),
            ..Evidence::default()
        };
        if pair.source.trim().is_empty() {
            e.empty = Some(Side::Source);
        } else if pair.target.trim().is_empty() {
            e.empty = Some(Side::Target);
        }
        if e.empty.is_some() {
            return e;
        }
        e.untranslated = untranslated(pair, words);
        if e.untranslated.is_some() {
            return e;
        }
        let (ls, lt) = (char_len(pair.source), char_len(pair.target));
        if let Some(doc) = models.document(pair.document) {
            // a headline is rendered freely: its length follows the aligner's wider normal
            let english = match pair.target_lang {
                Lang::En => pair.target,
                Lang::Ar => pair.source,
            };
            let scale = if headline(english) || title(pair, english) {
                crate::align::length::OUTLIER_SCALE
            } else {
                1.0
            };
            e.length_delta = Some(doc.length.delta(ls, lt) / scale);
            e.lengths = (ls, lt, ls * doc.length.ratio);
            e.shortfall = Some((e.lengths.2.max(1.0) / lt.max(1.0)).ln() / scale);
        }
        e.numbers = compare_numbers(pair, words);
        e.cut_off = CutOff::of(pair, words);
        if run_together(&words.source) {
            e.run_together = Some(Side::Source);
        } else if run_together(&words.target) {
            e.run_together = Some(Side::Target);
        }
        if e.run_together.is_some() {
            return e;
        }
        let lexicon = models.lexicon_for(pair);
        let lexical = lexicon.map(|l| lexical(l, pair, words));
        e.names = compare_names(pair, words, models, lexical.as_ref());
        e.lexical = lexical;
        e
    }

    /// How strongly the sides translate each other, in nats a word: the mean evidence of the
    /// words the model knows on both sides, each number and name both sides share counting as
    /// one more word of [`ANCHOR_EVIDENCE`], and [`PRIOR_WORDS`] words of [`PRIOR_EVIDENCE`]
    /// added so that a short pair needs more than a word or two against it. Below 0, the
    /// sides are less alike than chance. `None` without a word model.
    pub fn translation_score(&self) -> Option<f64> {
        let lexical = self.lexical.as_ref()?;
        let words = self.lexical_words();
        let shared = (self.numbers.2 + self.names.2) as f64;
        let sum: f64 = lexical
            .source
            .iter()
            .chain(&lexical.target)
            .map(|w| w.evidence)
            .sum();
        Some(
            (sum + PRIOR_WORDS * PRIOR_EVIDENCE + shared * ANCHOR_EVIDENCE)
                / (words as f64 + PRIOR_WORDS + shared),
        )
    }

    /// True when a target `delta` standard deviations short leaves part of the source
    /// unexplained: fewer than [`OMISSION_COVERAGE`] of the source's known words have a
    /// translation in the target, or the target is shorter than twice [`OMISSION_DELTA`]
    /// allows (a dense rendering explains its source, a cut one does not). Without a word
    /// model the length alone decides.
    fn source_uncovered(&self, delta: f64) -> bool {
        let Some(lexical) = &self.lexical else {
            return true;
        };
        let known = lexical.source.len();
        let explained = lexical.source.iter().filter(|w| w.evidence > 0.0).count();
        known == 0
            || (explained as f64) < OMISSION_COVERAGE * known as f64
            || delta < -2.0 * OMISSION_DELTA
    }

    /// How strongly the evidence says the target leaves part of its source out, the pieces of
    /// evidence weighed together rather than each against its own threshold: `−δ`, plus
    /// [`OMISSION_SHORTFALL_WEIGHT`] times the relative shortfall of the target's length,
    /// [`OMISSION_UNCOVERED_WEIGHT`] times the share of the source's known words the target
    /// does not translate, and [`OMISSION_ONE_SIDED_WEIGHT`] times how much larger the share
    /// of the target's known words translated is than the source's. `None` without a length
    /// model or without a source word the word model knows.
    pub fn omission_score(&self) -> Option<f64> {
        let delta = self.length_delta?;
        let shortfall = self.shortfall?;
        let lexical = self.lexical.as_ref().filter(|l| !l.source.is_empty())?;
        let (source, target) = (covered(&lexical.source), covered(&lexical.target));
        Some(
            -delta
                + OMISSION_SHORTFALL_WEIGHT * shortfall
                + OMISSION_UNCOVERED_WEIGHT * (1.0 - source)
                + OMISSION_ONE_SIDED_WEIGHT * (target - source),
        )
    }

    /// True when the target leaves part of the source out: its omission score
    /// ([`Evidence::omission_score`]) above [`OMISSION_SCORE`] while at least
    /// [`OMISSION_SCORE_DELTA`] short; or `delta` standard deviations short
    /// and the source not covered ([`Evidence::source_uncovered`]), with a run of the source's
    /// known words left untranslated (a clause dropped, [`OMISSION_RUN`] of them) unless the
    /// misfit is clear ([`OMISSION_CLEAR_DELTA`]); a terse rendering leaves its untranslated
    /// words scattered. Or, a little short, the target translated and the source not: under
    /// [`ONE_SIDED_COVERAGE`] of the source's known words translated, and that many fewer than
    /// of the target's ([`ONE_SIDED_GAP`]).
    fn omitted(&self, delta: f64) -> bool {
        let Some(lexical) = self.lexical.as_ref().filter(|l| !l.source.is_empty()) else {
            return (delta < -OMISSION_DELTA && self.source_uncovered(delta))
                || self.cut_short(delta);
        };
        let (source, target) = (covered(&lexical.source), covered(&lexical.target));
        let mut run = 0;
        let mut longest = 0;
        for w in &lexical.source {
            run = if w.evidence <= 0.0 { run + 1 } else { 0 };
            longest = longest.max(run);
        }
        let dropped = longest as f64 >= OMISSION_RUN * lexical.source.len() as f64;
        let short = delta < -OMISSION_DELTA
            && self.source_uncovered(delta)
            && (delta < -OMISSION_CLEAR_DELTA || dropped);
        let one_sided = delta < -ONE_SIDED_DELTA
            && !lexical.target.is_empty()
            && source < ONE_SIDED_COVERAGE
            && target - source >= ONE_SIDED_GAP;
        let scored = delta < -OMISSION_SCORE_DELTA
            && self.omission_score().is_some_and(|s| s > OMISSION_SCORE);
        short || one_sided || scored || self.cut_short(delta)
    }

    /// True when a target shorter than its length model expects ([`OMISSION_SCORE_DELTA`])
    /// also stops where a sentence cannot: it was cut off.
    fn cut_short(&self, delta: f64) -> bool {
        delta < -OMISSION_SCORE_DELTA && self.cut_off.is_some()
    }

    fn lexical_words(&self) -> usize {
        self.lexical
            .as_ref()
            .map_or(0, |l| l.source.len() + l.target.len())
    }

    /// The findings the evidence supports (all but the CAT-tool rules).
    pub fn findings(&self, pair: &Pair, _models: &Models) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut info = |kind: Kind, message: String, source: Vec<Range<usize>>, target| {
            out.push(Finding {
                unit: pair.id,
                kind,
                severity: Severity::Info,
                message,
                source_spans: source,
                target_spans: target,
            })
        };
        let (same_source, same_target) = &self.inconsistent;
        if !same_target.is_empty() {
            // sources worded differently are often translated alike ("قال", "وأضاف": "he
            // said"): worth a look, not a warning
            info(
                Kind::Inconsistent,
                format!(
                    "the same translation has another source in {}",
                    unit_list(same_target)
                ),
                vec![],
                whole(pair.target),
            );
        }
        let mut add = |kind: Kind, message: String, source: Vec<Range<usize>>, target| {
            out.push(Finding {
                unit: pair.id,
                kind,
                severity: kind.severity(),
                message,
                source_spans: source,
                target_spans: target,
            })
        };
        if let Some(score) = pair.score
            && score < 0.5
        {
            add(
                Kind::LowScore,
                format!(
                    "the aligner's score is {score:.2}: it saw a real alternative to this pair"
                ),
                vec![],
                vec![],
            );
        }
        if !same_source.is_empty() {
            add(
                Kind::Inconsistent,
                format!(
                    "the same source has another translation in {}",
                    unit_list(same_source)
                ),
                whole(pair.source),
                vec![],
            );
        }
        match self.empty {
            Some(Side::Source) => {
                add(
                    Kind::Empty,
                    "the source is empty: the target has nothing to translate".into(),
                    vec![],
                    whole(pair.target),
                );
                return out;
            }
            Some(Side::Target) => {
                add(
                    Kind::Empty,
                    "the target is empty: the source is not translated".into(),
                    whole(pair.source),
                    vec![],
                );
                return out;
            }
            None => {}
        }
        if let Some(why) = &self.untranslated {
            add(Kind::Untranslated, why.clone(), vec![], whole(pair.target));
            return out;
        }
        if let Some(side) = self.run_together {
            let (name, spans) = match side {
                Side::Source => ("source", (whole(pair.source), vec![])),
                Side::Target => ("target", (vec![], whole(pair.target))),
            };
            add(
                Kind::Whitespace,
                format!(
                    "the {name}'s words run together (spaces are missing): its words cannot be compared with the other side's"
                ),
                spans.0,
                spans.1,
            );
        }
        let (ns, nt, _) = &self.numbers;
        if number_mismatch(ns, nt) {
            let list = |n: &[Number], text: &str| {
                n.iter()
                    .map(|n| format!("'{}'", &text[n.span.clone()]))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let message = match (ns.is_empty(), nt.is_empty()) {
                (false, false) => format!(
                    "the numbers differ: {} in the source, {} in the target",
                    list(ns, pair.source),
                    list(nt, pair.target)
                ),
                (false, true) => format!(
                    "{} of the source is not in the target",
                    list(ns, pair.source)
                ),
                _ => format!(
                    "{} of the target is not in the source",
                    list(nt, pair.target)
                ),
            };
            add(
                Kind::NumberMismatch,
                message,
                ns.iter().map(|n| n.span.clone()).collect(),
                nt.iter().map(|n| n.span.clone()).collect(),
            );
        }
        let misaligned = self
            .translation_score()
            .is_some_and(|s| s < MISALIGNED_BELOW);
        // a pair of a few words the model knows ("Uh, uh, what.") gives too little evidence
        // to call it another sentence: worth a look
        let weak_misaligned = self.lexical_words() < MISALIGNED_MIN_WORDS;
        if misaligned && let Some(lexical) = &self.lexical {
            let explained = |w: &[WordScore]| w.iter().filter(|w| w.evidence > 0.0).count();
            add(
                Kind::Misaligned,
                format!(
                    "the sides do not translate each other: {} of {} known target words and {} of {} known source words have a translation on the other side",
                    explained(&lexical.target),
                    lexical.target.len(),
                    explained(&lexical.source),
                    lexical.source.len()
                ),
                whole(pair.source),
                whole(pair.target),
            );
        }
        if let Some(delta) = self.length_delta {
            let (ls, lt, expected) = self.lengths;
            if self.omitted(delta) {
                let (source, mut target) = self
                    .lexical
                    .as_ref()
                    .map(|l| (unexplained_run(&l.source), vec![]))
                    .unwrap_or_default();
                // where it stops, when it stops as no finished sentence does
                let ends = match &self.cut_off {
                    Some(cut) if self.cut_short(delta) => {
                        target.push(cut.span().clone());
                        cut.describe(pair.target)
                    }
                    _ => String::new(),
                };
                // what the word model saw, when it knows the source's words
                let words = self
                    .lexical
                    .as_ref()
                    .filter(|l| !l.source.is_empty())
                    .map(|l| {
                        format!(
                            "; {} of the {} source words the word model knows have a translation in it",
                            l.source.iter().filter(|w| w.evidence > 0.0).count(),
                            l.source.len()
                        )
                    })
                    .unwrap_or_default();
                add(
                    Kind::Omission,
                    format!(
                        "the target is shorter than its source suggests: {lt:.0} characters where the document's length model expects about {expected:.0} for a source of {ls:.0} ({delta:.1} standard deviations){words}{ends}"
                    ),
                    source,
                    target,
                );
            } else if delta > ADDITION_DELTA {
                let target = self
                    .lexical
                    .as_ref()
                    .map(|l| unexplained_run(&l.target))
                    .unwrap_or_default();
                add(
                    Kind::Omission,
                    format!(
                        "the target is much longer than its source suggests: {lt:.0} characters where the document's length model expects about {expected:.0} for a source of {ls:.0} (+{delta:.1} standard deviations)"
                    ),
                    vec![],
                    target,
                );
            }
        }
        let (names, side, _, unaccounted) = &self.names;
        if !names.is_empty() {
            let text = match side {
                Side::Source => pair.source,
                Side::Target => pair.target,
            };
            // the words of one name (Baton Rouge) said and marked together
            let names = join_adjacent(text, names);
            let mut quoted: Vec<String> = Vec::new();
            for r in &names {
                let name = format!("'{}'", &text[r.clone()]);
                if !quoted.contains(&name) {
                    quoted.push(name);
                }
            }
            let arabic_text = match side {
                Side::Source => pair.target,
                Side::Target => pair.source,
            };
            let mut theirs: Vec<String> = Vec::new();
            for r in unaccounted {
                let name = format!("'{}'", &arabic_text[r.clone()]);
                if !theirs.contains(&name) {
                    theirs.push(name);
                }
            }
            let (other, spans) = match side {
                Side::Source => ("target", (names, unaccounted.clone())),
                Side::Target => ("source", (unaccounted.clone(), names)),
            };
            // the name the other side has instead, when one is left over
            let instead = if theirs.is_empty() {
                String::new()
            } else {
                format!(
                    " (the {other} names {}, which the {} does not)",
                    theirs.join(", "),
                    if other == "source" {
                        "target"
                    } else {
                        "source"
                    }
                )
            };
            add(
                Kind::NameMismatch,
                format!(
                    "{} {} no counterpart in the {other}{instead}",
                    quoted.join(", "),
                    if quoted.len() == 1 { "has" } else { "have" }
                ),
                spans.0,
                spans.1,
            );
        }
        if weak_misaligned {
            for f in out.iter_mut().filter(|f| f.kind == Kind::Misaligned) {
                f.severity = Severity::Info;
            }
        }
        out
    }
}

/// Mean letters a word at which a text's words run together: Arabic news words average about
/// five letters (ninety-five in a hundred sentences of the development data under seven), and
/// a text that lost its spaces averages twenty and more.
const RUN_TOGETHER_LETTERS: f64 = 9.0;

/// True when a text's words run together (its spaces lost, as text copied from some PDFs).
fn run_together(words: &[Word]) -> bool {
    let lengths: Vec<usize> = words
        .iter()
        .filter(|w| w.norm.chars().any(char::is_alphabetic))
        .map(|w| w.norm.chars().count())
        .collect();
    let letters: usize = lengths.iter().sum();
    letters >= 12 && letters as f64 / lengths.len() as f64 >= RUN_TOGETHER_LETTERS
}

/// Share of words the other side explains (evidence above 0); 0 for none.
fn covered(words: &[WordScore]) -> f64 {
    words.iter().filter(|w| w.evidence > 0.0).count() as f64 / words.len().max(1) as f64
}

/// Spans (in order) with the ones only a space apart joined: the words of one name.
pub(crate) fn join_adjacent(text: &str, spans: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in spans {
        match out.last_mut() {
            Some(last) if last.end <= r.start && text[last.end..r.start] == *" " => {
                last.end = r.end;
            }
            _ => out.push(r.clone()),
        }
    }
    out
}

/// A span of all of a text.
fn whole(text: &str) -> Vec<Range<usize>> {
    std::iter::once(0..text.len()).collect()
}

/// `#3, #17 and #20` (at most five, then "and N more").
fn unit_list(ids: &[i64]) -> String {
    let shown: Vec<String> = ids.iter().take(5).map(|id| format!("#{id}")).collect();
    let mut text = shown.join(", ");
    if ids.len() > 5 {
        text += &format!(" and {} more", ids.len() - 5);
    }
    text
}

/// The longest run of words the other side does not explain, as one span (at least three
/// words), to show where something is missing.
fn unexplained_run(words: &[WordScore]) -> Vec<Range<usize>> {
    let mut best: Option<(usize, usize)> = None;
    let mut start = None;
    for (k, w) in words.iter().enumerate() {
        if w.evidence <= 0.0 {
            let s = *start.get_or_insert(k);
            if best.is_none_or(|(a, b)| k + 1 - s > b - a) {
                best = Some((s, k + 1));
            }
        } else {
            start = None;
        }
    }
    match best {
        Some((a, b)) if b - a >= 3 => {
            std::iter::once(words[a].span.start..words[b - 1].span.end).collect()
        }
        _ => vec![],
    }
}

/// Characters as the aligner's length model counts them (see
/// [`crate::align::features::extract`]): not whitespace, harakat or tatweel.
pub fn char_len(text: &str) -> f64 {
    text.chars()
        .filter(|&c| {
            !c.is_whitespace() && !matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}')
        })
        .count() as f64
}

/// Letters of a text in the Arabic script and in others.
fn letters(text: &str) -> (usize, usize) {
    let mut arabic = 0;
    let mut other = 0;
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        if is_arabic_letter(c) {
            arabic += 1;
        } else if !matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}') {
            other += 1;
        }
    }
    (arabic, other)
}

/// True when the target is written mostly in the source's script (Arabic for Arabic, Latin for
/// English).
pub fn in_source_script(pair: &Pair) -> bool {
    if pair.source_lang == pair.target_lang {
        return false;
    }
    let (arabic, other) = letters(pair.target);
    match pair.source_lang {
        Lang::Ar => arabic > other,
        Lang::En => other > arabic,
    }
}

/// Why the target looks untranslated: it is in the source's script, or it is the source.
fn untranslated(pair: &Pair, words: &PairWords) -> Option<String> {
    if in_source_script(pair) {
        let script = match pair.source_lang {
            Lang::Ar => "Arabic",
            Lang::En => "Latin",
        };
        return Some(format!(
            "the target is written in the {script} script, like the source: it is not a translation"
        ));
    }
    let (s, t) = (&words.source, &words.target);
    let has_letters = s.iter().any(|w| w.norm.chars().any(char::is_alphabetic));
    let same = s.len() == t.len() && s.iter().zip(t).all(|(a, b)| a.norm == b.norm);
    (has_letters && same).then(|| "the target is the source, unchanged".to_string())
}

/// The numbers of each side without a counterpart on the other (by value), and how many
/// matched.
fn compare_numbers(pair: &Pair, words: &PairWords) -> (Vec<Number>, Vec<Number>, usize) {
    let mut s = number_spans_of(pair.source, &words.source);
    let mut t = number_spans_of(pair.target, &words.target);
    let mut matched = 0;
    s.retain(|n| {
        if let Some(k) = t.iter().position(|m| m.agrees_with(n)) {
            t.remove(k);
            matched += 1;
            false
        } else {
            true
        }
    });
    // Arabic says "two" with the dual (عامين, two years; مباراتين, two matches): an English
    // `two` in words has its counterpart in a noun of the dual's ending
    let (english, arabic) = match (pair.source_lang, pair.target_lang) {
        (Lang::Ar, Lang::En) => (&mut t, &words.source),
        (Lang::En, Lang::Ar) => (&mut s, &words.target),
        _ => return (s, t, matched),
    };
    if let Some(k) = english
        .iter()
        .position(|n| n.in_words && !n.loose && n.value == "2")
        && arabic.iter().any(|w| dual_ending(&w.norm))
    {
        english.remove(k);
        matched += 1;
    }
    (s, t, matched)
}

/// True when an Arabic word (normalised) ends as a noun in the dual does (`-ان`, `-ين`, and
/// the feminine `-تان`, `-تين`) and is long enough to be one (a stem of three letters or more).
fn dual_ending(word: &str) -> bool {
    let bare = stem(word);
    (bare.ends_with("ان") || bare.ends_with("ين")) && bare.chars().count() >= 5
}

/// The numbers differ when a number written in digits has no counterpart, or both sides have
/// numbers without one. A number word alone on one side is not enough: Arabic says "two years"
/// with a dual (`عامين`) and English "one of" where Arabic has no number; nor is an ordinal, a
/// decade or the minutes of a time (`34th`, `1930s`, `04:00`), which Arabic may write in words
/// or leave out — unless the other side has a number without a counterpart too (`12:55` and
/// `12:50`).
fn number_mismatch(source: &[Number], target: &[Number]) -> bool {
    let digits = |n: &[Number]| n.iter().any(|n| !n.in_words && !n.loose);
    // an ordinal in words against another is a rendering (`الشوط الثاني`, "the restart";
    // `اجتماعهم الأول`, "their initial meeting"), not a number changed
    let ordinal_words = |n: &[Number]| n.iter().all(|n| n.in_words && n.loose);
    digits(source)
        || digits(target)
        || !(source.is_empty()
            || target.is_empty()
            || ordinal_words(source) && ordinal_words(target))
}

/// The words of an English text as names are looked for: runs of letters and apostrophes,
/// without a possessive `'s` or surrounding apostrophes.
pub fn english_words(text: &str) -> Vec<EnglishWord> {
    let mut out = Vec::new();
    let mut initial = true;
    let mut start: Option<usize> = None;
    let push = |out: &mut Vec<EnglishWord>, s: usize, e: usize, initial: &mut bool| {
        let word = &text[s..e];
        let trimmed = word.trim_end_matches("'s").trim_end_matches("'s");
        let lead = trimmed.len() - trimmed.trim_start_matches('\'').len();
        let trimmed = trimmed.trim_matches('\'');
        if !trimmed.is_empty() {
            out.push(EnglishWord {
                span: s + lead..s + lead + trimmed.len(),
                initial: *initial,
            });
        }
        *initial = false;
    };
    for (i, c) in text.char_indices() {
        if c.is_alphabetic() || c == '\'' || c == '\u{2019}' {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            push(&mut out, s, i, &mut initial);
        }
        if c.is_ascii_digit() {
            initial = false;
        }
        if matches!(c, '.' | '!' | '?' | ':' | ';' | '…') {
            initial = true;
        }
    }
    if let Some(s) = start {
        push(&mut out, s, text.len(), &mut initial);
    }
    out
}

/// A document's title: its first pair, the English without a sentence's closing punctuation
/// (`British PM May accuses critics of 'playing politics' over Brexit`). A title is rendered
/// freely, as a headline is.
fn title(pair: &Pair, english: &str) -> bool {
    let last = english
        .trim_end()
        .trim_end_matches(['"', '\'', '\u{201D}', '\u{2019}', '\u{00BB}', ')'])
        .chars()
        .last();
    pair.position == 0 && !last.is_some_and(|c| matches!(c, '.' | '!' | '?' | '…' | ':' | ';'))
}

/// An English headline in title case: most of its words capitalised.
fn headline(english: &str) -> bool {
    headline_of(english, &english_words(english))
}

fn headline_of(english: &str, words: &[EnglishWord]) -> bool {
    let capitalised = words
        .iter()
        .filter(|w| {
            english[w.span.clone()]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        })
        .count();
    words.len() >= 3 && 2 * capitalised > words.len()
}

/// A capitalised word of a few letters that is not all capitals (an acronym) nor a common word.
pub(crate) fn name_like(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let capitals = word.chars().filter(|c| c.is_uppercase()).count();
    first.is_uppercase()
        && letters >= 3
        && !(capitals >= 2 && 2 * capitals >= letters)
        && !names::EN_STOP.contains(&word.to_lowercase().as_str())
}

/// The names of the English side that have no counterpart on the other side: not written there
/// in Latin letters, no Arabic word with a like consonant skeleton, and not translated by the
/// word model. A capitalised word the memory mostly writes in lower case is not a name; nor is
/// a capitalised word at the start of a sentence that the memory never capitalises elsewhere.
fn compare_names(
    pair: &Pair,
    words: &PairWords,
    models: &Models,
    lexical: Option<&Lexical>,
) -> (Vec<Range<usize>>, Side, usize, Vec<Range<usize>>) {
    let (english, arabic_words, side) = match (pair.source_lang, pair.target_lang) {
        (Lang::Ar, Lang::En) => (pair.target, &words.source, Side::Target),
        (Lang::En, Lang::Ar) => (pair.source, &words.target, Side::Source),
        _ => return (Vec::new(), Side::Target, 0, Vec::new()),
    };
    // a headline in title case says nothing by its capitals
    let english_list = english_words(english);
    if headline_of(english, &english_list) {
        return (Vec::new(), side, 0, Vec::new());
    }
    let explained = lexical.map(|l| match side {
        Side::Target => &l.target,
        Side::Source => &l.source,
    });
    let arabic_scores = lexical.map(|l| match side {
        Side::Target => &l.source,
        Side::Source => &l.target,
    });
    let arabic = std::cell::OnceCell::new();
    let leftover = std::cell::OnceCell::new();
    let orphan = std::cell::OnceCell::new();
    let mut unmatched = Vec::new();
    let mut matched = 0;
    let capitalised_at = |k: usize| {
        english_list.get(k).and_then(|w: &EnglishWord| {
            let word = &english[w.span.clone()];
            word.chars()
                .next()
                .is_some_and(char::is_uppercase)
                .then_some(word)
        })
    };
    // a name of two English words Arabic writes as one (New York, نيويورك): the word joined
    // to the capitalised word before or after it
    let joined_with_neighbour = |k: usize, word: &str, a: &ArabicNames| {
        let before = k.checked_sub(1).and_then(capitalised_at);
        before.is_some_and(|o| transliterated(&format!("{o}{word}"), a))
            || capitalised_at(k + 1).is_some_and(|o| transliterated(&format!("{word}{o}"), a))
    };
    // the Arabic side has the word: its translation, a transliteration (alone or joined with
    // a capitalised neighbour), or words the word model finds it translated by
    let written_here = |k: usize, w: &EnglishWord, a: &ArabicNames| {
        let word = &english[w.span.clone()];
        exonyms::translated(word, &a.words)
            || transliterated(word, a)
            || joined_with_neighbour(k, word, a)
            || explained.is_some_and(|ws| {
                ws.iter()
                    .any(|s| s.span.start == w.span.start && s.evidence >= NAME_EXPLAINED)
            })
    };
    // the word model has seen the word (in the memory's other pairs)
    let known_to_model = |w: &EnglishWord| {
        explained.is_some_and(|ws| ws.iter().any(|s| s.span.start == w.span.start))
    };
    // how a capitalised word beside a name speaks of it: translated or transliterated
    let neighbour = |j: usize| -> Neighbour {
        let Some(n) = english_list.get(j) else {
            return Neighbour::Other;
        };
        let word = &english[n.span.clone()];
        if n.initial || !name_like(word) {
            return Neighbour::Other;
        }
        let lower = word.to_lowercase();
        if models.casing(&lower).1 > 0 {
            return Neighbour::Translated;
        }
        let skeleton = names::english_skeleton(word);
        let a: &ArabicNames =
            arabic.get_or_init(|| ArabicNames::of(arabic_words, arabic_scores, true));
        if exonyms::translated(word, &a.words) {
            return Neighbour::Translated;
        }
        if models.name_pairs(pair.document, &lower) >= 2
            || (skeleton.len() < names::MIN_LEN && a.short.contains(&skeleton))
            || transliterated(word, a)
        {
            return Neighbour::Name;
        }
        let translated = explained.is_some_and(|ws| {
            ws.iter()
                .any(|s| s.span.start == n.span.start && s.evidence >= NAME_EXPLAINED)
        });
        if translated {
            Neighbour::Translated
        } else {
            Neighbour::Other
        }
    };
    let joins = |j: usize, words: &[&str]| {
        english_list
            .get(j)
            .is_some_and(|n| words.contains(&&english[n.span.clone()]))
    };
    let translated_phrase = |k: usize| {
        let mut around = vec![k + 1];
        around.extend(k.checked_sub(1));
        if joins(k + 1, &["of", "for", "and", "de"]) {
            around.push(k + 2);
        }
        if k >= 2 && joins(k - 1, &["of", "for", "de"]) {
            around.push(k - 2);
        }
        let kinds: Vec<Neighbour> = around.into_iter().map(neighbour).collect();
        kinds.contains(&Neighbour::Translated) && !kinds.contains(&Neighbour::Name)
    };
    // a capitalised word beside this one (a word after a stop is capitalised for that reason
    // alone, unless it is like a name: `U.S. Defense Department`)
    let capitalised_inside = |j: usize| {
        english_list.get(j).is_some_and(|n: &EnglishWord| {
            let word = &english[n.span.clone()];
            word.chars().next().is_some_and(char::is_uppercase) && (!n.initial || name_like(word))
        })
    };
    // a word of the language capitalised alone inside the sentence (City, Labour, Truly: not
    // beside another capitalised word, nor in a hyphenated word) is the name of something;
    // when the word model knows the word and finds no translation of it here, no Arabic word
    // has its skeleton, and the document does not use it as a name elsewhere, it has no
    // counterpart
    let lone_name_unaccounted = |k: usize, w: &EnglishWord| {
        let word = &english[w.span.clone()];
        let quoted = opens_quotation(english, w.span.start);
        let hyphenated =
            english[..w.span.start].ends_with('-') || english[w.span.end..].starts_with('-');
        let beside = k.checked_sub(1).is_some_and(capitalised_inside) || capitalised_inside(k + 1);
        let untranslated = explained.is_some_and(|ws| {
            ws.iter()
                .any(|s| s.span.start == w.span.start && s.evidence < LONE_NAME_EVIDENCE)
        });
        if quoted || hyphenated || beside || !untranslated {
            return false;
        }
        let lower = word.to_lowercase();
        let skeleton = names::english_skeleton(word);
        let a: &ArabicNames =
            arabic.get_or_init(|| ArabicNames::of(arabic_words, arabic_scores, true));
        let accounted = models.name_pairs(pair.document, &lower) >= 2
            || (skeleton.len() < names::MIN_LEN && a.short.contains(&skeleton))
            || exonyms::translated(word, &a.words)
            || transliterated(word, a)
            || translated_phrase(k);
        !accounted
    };
    for (k, w) in english_list.iter().enumerate() {
        let word = &english[w.span.clone()];
        // an abbreviation (Det., Sen., Oct.) is no name; a stop that ends the text is the
        // sentence's (`in Sinsheim, Baja.`) but after one that often ends a sentence (`until
        // Oct.`, `Acme Inc.`)
        let after = &english[w.span.end..];
        let abbreviation = word.chars().count() <= 4
            && after.starts_with('.')
            && (ENDING_ABBREVIATIONS.contains(&word)
                || !after[1..]
                    .trim_matches(|c: char| c.is_whitespace() || "\"'\u{201D}\u{2019})".contains(c))
                    .is_empty());
        if !name_like(word) || abbreviation {
            continue;
        }
        // a country, people or religion is written in Arabic by its translation, and a compass
        // word too unless it is a word of a name transliterated whole (`East Baton Rouge`,
        // `إيست`) or a name of its document (`Kanye West`): with none of its translations on
        // the Arabic side, and no word transliterating it, it has no counterpart
        let rendering = exonyms::rendering(word).filter(|_| !w.initial);
        // most often a translation is there: found on the words as they are, without the
        // names' skeletons
        let plainly_translated = || {
            let plain: Vec<&str> = arabic_words.iter().map(|a| a.norm.as_str()).collect();
            exonyms::translated(word, &plain)
        };
        if let Some(rendering) = rendering.filter(|_| !plainly_translated()) {
            let a: &ArabicNames =
                arabic.get_or_init(|| ArabicNames::of(arabic_words, arabic_scores, true));
            let skeleton = names::english_skeleton(word);
            let compass_name = rendering == exonyms::Rendering::Compass
                && ((skeleton.len() < names::MIN_LEN && a.short.contains(&skeleton))
                    || models.name_pairs(pair.document, &word.to_lowercase()) >= 2);
            if !(compass_name || written_here(k, w, a)) {
                unmatched.push(w.span.clone());
                continue;
            }
        }
        let lower = word.to_lowercase();
        let (capitalised, lowercase) = models.casing(&lower);
        let here = models.name_pairs(pair.document, &lower);
        let evidence = explained.and_then(|ws| {
            ws.iter()
                .find(|s| s.span.start == w.span.start)
                .map(|s| s.evidence)
        });
        // a word of the language beside a capitalised word with no counterpart either is a
        // word of a name the memory does not know (Manchester City, Red Cross)
        let beside_unknown = || {
            lowercase > 0
                && [k.checked_sub(1), Some(k + 1)]
                    .into_iter()
                    .flatten()
                    .any(|j| capitalised_inside(j) && neighbour(j) == Neighbour::Other)
        };
        // a name of another document, met once here, that the memory capitalises often
        // enough to be a name it knows, whose translation the word model has learnt (it has
        // seen the word) and finds none of on this side, and that no word here transliterates
        // (nor a translated name's words around it account for)
        if !w.initial
            && here <= 1
            && capitalised.saturating_sub(here) >= KNOWN_NAME_PAIRS
            && evidence.is_some_and(|e| e <= 0.0)
            && models.name_elsewhere(&lower, pair.document)
            && !opens_quotation(english, w.span.start)
            && !derived_word(&lower)
            && !beside_unknown()
        {
            let a: &ArabicNames =
                arabic.get_or_init(|| ArabicNames::of(arabic_words, arabic_scores, true));
            let skeleton = names::english_skeleton(word);
            let short = skeleton.len() < names::MIN_LEN;
            // a skeleton of one consonant (Joe, جو) says nothing either way
            let accounted = skeleton.len() < 2
                || (short && a.short.contains(&skeleton))
                || transliterated(word, a)
                || exonyms::translated(word, &a.words)
                || joined_with_neighbour(k, word, a)
                || translated_phrase(k)
                || (!short && a.loosely_has(&skeleton));
            if !accounted {
                unmatched.push(w.span.clone());
                continue;
            }
        }
        if lowercase > 0 || w.initial && capitalised == 0 {
            if lowercase > 0 && !w.initial && lone_name_unaccounted(k, w) {
                unmatched.push(w.span.clone());
            }
            continue;
        }
        let skeleton = names::english_skeleton(word);
        // a short name (Kim, Lee, Korea) is compared whole: its skeleton must be an Arabic
        // word's
        let short = skeleton.len() < names::MIN_LEN;
        if short && skeleton.len() < 2 {
            continue;
        }
        let a: &ArabicNames =
            arabic.get_or_init(|| ArabicNames::of(arabic_words, arabic_scores, true));
        let found = here >= 2 || (short && a.short.contains(&skeleton)) || written_here(k, w, a);
        if found {
            matched += 1;
            continue;
        }
        // a word of a name translated word by word (Premier League, Metropolitan Police,
        // Republic of North Macedonia: a neighbour the memory also writes in lower case or
        // the word model translates, none transliterated) is a word the model does not
        // know, not a wrong name, unless the memory transliterates it elsewhere
        if models.transliterated(&lower) == 0 && translated_phrase(k) {
            continue;
        }
        // only a name the memory capitalises in another document can be a wrong one from
        // there; and either the memory transliterates it there (a name, not a word
        // translated), or the Arabic here has a name the memory knows that no English word
        // here accounts for (the one it replaced)
        let elsewhere = models.name_elsewhere(&lower, pair.document);
        let known_name = elsewhere
            && (models.transliterated(&lower) > 0
                || *leftover.get_or_init(|| leftover_name(english, a, models)));
        // or a word of its document's vocabulary nowhere else, where the Arabic has a word
        // that looks like a name (not translated, unknown or a name elsewhere) no English
        // word accounts for; the word known to the word model (which finds no translation of
        // it here) or transliterated elsewhere: a word the model never saw may be a rare
        // word translated, and an unknown Arabic word is common in a small memory
        let stray = here <= 1
            && elsewhere
            && !derived_word(&lower)
            && (known_to_model(w) || models.transliterated(&lower) > 0)
            && *orphan.get_or_init(|| orphan_name(english, a));
        // a short name only by the third way: its skeleton says too little
        if !stray && (short || !known_name) {
            continue;
        }
        // a name the memory transliterates elsewhere is written as those transliterations
        // are, which the skeleton comparison finds: an unexplained word only loosely like it
        // (Missouri, مانشيستر) is not it
        if !short && a.loosely_has(&skeleton) && models.transliterated(&lower) == 0 {
            matched += 1;
        } else {
            unmatched.push(w.span.clone());
        }
    }
    // an Arabic word naming a country, people or religion that no English word names (nor
    // the word model explains) is what a name of the English side replaced, when that name is
    // a name of another document met once here (not a word of the exonym list) and no Arabic
    // word has its skeleton (`the remains of Thomson servicemen`, `رفات الجنود الأمريكيين`)
    if unmatched.is_empty() {
        let strays: Vec<Range<usize>> = english_list
            .iter()
            .filter(|w| {
                let word = &english[w.span.clone()];
                !w.initial
                    && name_like(word)
                    && !exonyms::listed(word)
                    && name_of_another_document(word, pair.document, models)
            })
            .map(|w| w.span.clone())
            .collect();
        if !strays.is_empty() {
            let a = arabic.get_or_init(|| ArabicNames::of(arabic_words, arabic_scores, true));
            if left_out_country(english, a, models) {
                unmatched.extend(
                    strays
                        .into_iter()
                        .filter(|r| !a.has_skeleton(&names::english_skeleton(&english[r.clone()]))),
                );
            }
        }
    }
    let unaccounted = if unmatched.is_empty() {
        Vec::new()
    } else {
        let a = arabic.get_or_init(|| ArabicNames::of(arabic_words, arabic_scores, true));
        unaccounted_names(english, a, models)
    };
    (unmatched, side, matched, unaccounted)
}

/// The Arabic words that name someone or something (the memory transliterates them from an
/// English name elsewhere, or they are a country, people or religion) that no capitalised word
/// of the English side accounts for and the word model does not translate here.
fn unaccounted_names(english: &str, arabic: &ArabicNames, models: &Models) -> Vec<Range<usize>> {
    let capitalised: Vec<&str> = english_words(english)
        .iter()
        .map(|w| &english[w.span.clone()])
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .collect();
    let skeletons: Vec<String> = capitalised
        .iter()
        .map(|w| names::english_skeleton(w))
        .collect();
    let mut out = Vec::new();
    for (k, (stem, skeleton)) in arabic.stems.iter().enumerate() {
        let word = arabic.words[k];
        // a word the word model translates here has its counterpart
        if arabic.explained[k] {
            continue;
        }
        let transliterated_elsewhere = skeleton.len() >= 2 && models.arabic_name(stem) >= 2;
        let proper = exonyms::names_a_country_people_or_religion(word);
        if !(transliterated_elsewhere || proper) {
            continue;
        }
        let accounted = skeletons
            .iter()
            .any(|e| e == skeleton || names::similarity(e, skeleton) > 0.0)
            || capitalised
                .iter()
                .any(|c| exonyms::translated(c, std::slice::from_ref(&word)));
        if !accounted {
            out.push(arabic.spans[k].clone());
        }
    }
    out
}

/// True when an Arabic word names a country, people or religion that no English word names
/// (nor abbreviates: `U.S.`) and the word model does not translate here.
fn left_out_country(english: &str, arabic: &ArabicNames, models: &Models) -> bool {
    exonyms::left_out(&arabic.words, english)
        && unaccounted_names(english, arabic, models)
            .iter()
            .filter_map(|r| arabic.spans.iter().position(|s| s == r))
            .any(|k| exonyms::names_a_country_people_or_religion(arabic.words[k]))
}

/// True when the memory capitalises the word in at least [`KNOWN_NAME_PAIRS`] pairs of other
/// documents, as a name there, and meets it at most once in this one.
fn name_of_another_document(word: &str, document: &str, models: &Models) -> bool {
    let lower = word.to_lowercase();
    let (capitalised, _) = models.casing(&lower);
    let here = models.name_pairs(document, &lower);
    here <= 1
        && capitalised.saturating_sub(here) >= KNOWN_NAME_PAIRS
        && models.name_elsewhere(&lower, document)
}

/// What a capitalised neighbour says of a word that may be a name.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Neighbour {
    /// A word translated (the memory writes it in lower case too, or the word model finds
    /// its translation): the two may be a name translated word by word.
    Translated,
    /// A name transliterated or recurring in the document.
    Name,
    Other,
}

/// The Arabic side's words as names are compared with them.
pub(crate) struct ArabicNames<'w> {
    /// Skeletons of every word, whole and without clitics (as [`names::arabic_names`]).
    skeletons: Vec<String>,
    /// The same, down to two consonants, for adjectives of places.
    short: Vec<String>,
    /// Loose skeletons of the words the word model does not translate: where a name
    /// transliterated unusually hides.
    orphans: Vec<String>,
    /// Loose skeletons of the words the word model has never seen (rare words: names most
    /// often).
    unknown: Vec<String>,
    /// Words in Latin letters (or runs of them inside a word).
    latin: Vec<&'w str>,
    /// The skeletons of Arabic words too long to be one word ([`RUN_TOGETHER_WORD`] letters or
    /// more): words whose space was lost (`العمالالبريطانيجيريمي`), in which a name is looked
    /// for inside.
    run_together: Vec<String>,
    /// Each Arabic word without clitics, with its skeleton.
    stems: Vec<(&'w str, String)>,
    /// Each Arabic word, normalised.
    pub(crate) words: Vec<&'w str>,
    /// Where each Arabic word is in its text.
    spans: Vec<Range<usize>>,
    /// Whether the word model finds each Arabic word's translation on the other side.
    explained: Vec<bool>,
}

impl<'w> ArabicNames<'w> {
    /// The names of an Arabic side; `orphans` also collects the words `scores` (the word
    /// model's, if any) does not explain.
    pub(crate) fn of(
        words: &'w [Word],
        scores: Option<&Vec<WordScore>>,
        orphans: bool,
    ) -> ArabicNames<'w> {
        let mut out = ArabicNames {
            skeletons: Vec::new(),
            short: Vec::new(),
            orphans: Vec::new(),
            unknown: Vec::new(),
            stems: Vec::new(),
            words: Vec::new(),
            spans: Vec::new(),
            explained: Vec::new(),
            // a Latin name may be glued to an Arabic word (`كأسBetfred`): its run of Latin
            // letters
            latin: words
                .iter()
                .flat_map(|w| {
                    w.norm
                        .split(|c: char| !c.is_ascii_alphanumeric())
                        .filter(|run| run.bytes().filter(u8::is_ascii_alphabetic).count() >= 2)
                })
                .collect(),
            run_together: Vec::new(),
        };
        for w in words
            .iter()
            .filter(|w| w.norm.chars().any(is_arabic_letter))
        {
            let explained = scores.is_some_and(|ws| {
                ws.iter()
                    .any(|s| s.span.start == w.span.start && s.evidence >= NAME_EXPLAINED)
            });
            // without a word model nothing is known, so nothing is rare
            let unknown = scores.is_some_and(|ws| !ws.iter().any(|s| s.span.start == w.span.start));
            // the Arabic part of a word glued to Latin letters (كأسBetfred)
            let norm = w
                .norm
                .split(|c: char| c.is_ascii_alphanumeric())
                .find(|part| part.chars().any(is_arabic_letter))
                .unwrap_or(&w.norm);
            let bare = stem(norm);
            if norm.chars().filter(|&c| is_arabic_letter(c)).count() >= RUN_TOGETHER_WORD {
                out.run_together.push(names::arabic_skeleton(norm));
            }
            out.stems.push((bare, names::arabic_skeleton(bare)));
            out.words.push(norm);
            out.spans.push(w.span.clone());
            out.explained.push(explained);
            for skeleton in [names::arabic_skeleton(norm), names::arabic_skeleton(bare)] {
                if orphans && !explained && skeleton.len() >= names::MIN_LEN {
                    out.orphans.push(loose_skeleton(&skeleton));
                    if unknown {
                        out.unknown.push(loose_skeleton(&skeleton));
                    }
                }
                if skeleton.len() >= names::MIN_LEN {
                    out.skeletons.push(skeleton.clone());
                }
                if skeleton.len() >= 2 {
                    out.short.push(skeleton);
                }
            }
        }
        // a name of one English word Arabic writes as two (Whitehall, وايت هول): two
        // neighbouring words the word model does not translate, read as one (without a word
        // model every word is unexplained, and every pair of words would be a name)
        let pairs: Vec<String> = (1..out.stems.len())
            .filter(|_| scores.is_some())
            .filter(|&k| !out.explained[k - 1] && !out.explained[k])
            .map(|k| {
                let mut joined = out.stems[k - 1].1.clone();
                for c in names::arabic_skeleton(out.words[k]).chars() {
                    if !joined.ends_with(c) {
                        joined.push(c);
                    }
                }
                joined
            })
            .collect();
        for joined in pairs {
            if joined.len() >= names::MIN_LEN {
                out.skeletons.push(joined);
            } else if joined.len() >= 2 {
                out.short.push(joined);
            }
        }
        out
    }
}

impl ArabicNames<'_> {
    /// True when a word the word model does not translate has a loose skeleton like a name's
    /// (an unusual transliteration).
    /// True when an Arabic word has exactly this skeleton (whole, or down to two consonants).
    fn has_skeleton(&self, skeleton: &str) -> bool {
        self.skeletons
            .iter()
            .chain(&self.short)
            .any(|s| s == skeleton)
    }

    fn loosely_has(&self, skeleton: &str) -> bool {
        let loose = loose_skeleton(skeleton);
        self.orphans
            .iter()
            .any(|s| strsim::normalized_damerau_levenshtein(s, &loose) >= LOOSE_NAME)
    }
}

/// True when the Arabic side writes an English name: in Latin letters, as a place of which
/// the word is the adjective, or with a like consonant skeleton.
pub(crate) fn transliterated(word: &str, arabic: &ArabicNames) -> bool {
    let lower = word.to_lowercase();
    let skeleton = names::english_skeleton(word);
    arabic.latin.iter().any(|l| *l == lower)
        || adjective_of(word, &arabic.short)
        || (skeleton.len() >= names::MIN_LEN
            && (arabic
                .skeletons
                .iter()
                .any(|s| names::similarity(s, &skeleton) > 0.0)
                || arabic.run_together.iter().any(|s| s.contains(&skeleton))))
}

/// True when the Arabic side has a word the memory elsewhere transliterates from an English
/// name and no capitalised word of this English side is like it, or a word that translates a
/// country, people or religion no English word names.
fn leftover_name(english: &str, arabic: &ArabicNames, models: &Models) -> bool {
    let capitalised: Vec<String> = english_words(english)
        .iter()
        .map(|w| &english[w.span.clone()])
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .map(names::english_skeleton)
        .collect();
    exonyms::left_out(&arabic.words, english)
        || arabic.stems.iter().any(|(stem, skeleton)| {
            skeleton.len() >= names::MIN_LEN
                && models.arabic_name(stem) > 0
                && !capitalised
                    .iter()
                    .any(|e| names::similarity(e, skeleton) > 0.0)
        })
}

/// Arabic letters from which a word is taken for words run together (a space lost): Arabic
/// words, clitics and all, are seldom this long (`وباستراتيجياتهم` has 15).
const RUN_TOGETHER_WORD: usize = 16;

/// English words no sentence ends on: articles, possessive determiners, coordinating
/// conjunctions, and words that always lead to what follows (`than`, `into`); and the
/// words that end a sentence only when it leaves out what they lead to, rare in written prose
/// (`to`, `when`, `if`). Prepositions a relative clause strands (`where it came from`, `the
/// people he worked with`, `a hole they never climbed out of`) are left out.
const UNENDING_EN: &[&str] = &[
    "the", "a", "an", "its", "their", "our", "my", "your", "whose", "and", "or", "nor", "than",
    "because", "whether", "into", "onto", "upon", "via", "to", "when", "if", "whereas", "unless",
    "such", "very", "being",
];

/// Arabic words no sentence ends on, alone or after the conjunction و or ف: prepositions,
/// conjunctions and relative pronouns that always lead to what follows.
const UNENDING_AR: &[&str] = &[
    "في",
    "من",
    "إلى",
    "على",
    "عن",
    "مع",
    "أو",
    "ثم",
    "أن",
    "إن",
    "لأن",
    "بأن",
    "التي",
    "الذي",
    "الذين",
    "حيث",
    "بين",
    "لدى",
    "عندما",
    "إذا",
    "لكن",
    "كي",
    "لكي",
];

/// [`UNENDING_AR`] as words are normalised (`إلى` is `الي`).
static UNENDING_AR_NORMALISED: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| UNENDING_AR.iter().map(|w| normalize(w)).collect());

/// How a target stops as no finished sentence does, where its source does not.
#[derive(Clone, Debug, PartialEq)]
pub enum CutOff {
    /// On a word that leads on to what follows ([`unfinished`]).
    Word(Range<usize>),
    /// Leaving a quotation open ([`open_quotation`]) where the source closes its quotations.
    Quotation(Range<usize>),
    /// With a stop where the source asks a question (the final `.` of the target).
    Question(Range<usize>),
}

impl CutOff {
    /// How the target of `pair` stops, if it stops as no finished sentence does where its
    /// source does not: a text split there is no text cut, so the source must end as a
    /// sentence may; and a quotation mark left open where the source has none to close is
    /// one of a quotation over several sentences.
    pub fn of(pair: &Pair, words: &PairWords) -> Option<CutOff> {
        if let Some(at) = unfinished(pair.target, pair.target_lang, &words.target)
            && unfinished(pair.source, pair.source_lang, &words.source).is_none()
        {
            return Some(CutOff::Word(at));
        }
        let marks = count_quote_marks(pair.source);
        if let Some(at) = open_quotation(pair.target)
            && marks >= 2
            && marks.is_multiple_of(2)
        {
            return Some(CutOff::Quotation(at));
        }
        let last = |text: &str| {
            text.trim_end_matches(|c: char| c.is_whitespace() || quote_mark(c) || c == '\'')
                .char_indices()
                .next_back()
        };
        match (last(pair.source), last(pair.target)) {
            (Some((_, '?' | '\u{061F}')), Some((i, '.'))) => Some(CutOff::Question(i..i + 1)),
            _ => None,
        }
    }

    /// Where the target stops.
    pub fn span(&self) -> &Range<usize> {
        match self {
            CutOff::Word(at) | CutOff::Quotation(at) | CutOff::Question(at) => at,
        }
    }

    /// How it stops, as a clause of a message about `target`.
    fn describe(&self, target: &str) -> String {
        match self {
            CutOff::Word(at) => format!(
                "; it ends on '{}', as no finished sentence does",
                &target[at.clone()]
            ),
            CutOff::Quotation(_) => "; it leaves a quotation open that the source closes".into(),
            CutOff::Question(_) => "; it ends with a stop where the source asks a question".into(),
        }
    }
}

/// A double quotation mark: straight, curly or angled.
pub(crate) fn quote_mark(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}')
}

/// How many double quotation marks a text has.
fn count_quote_marks(text: &str) -> usize {
    text.chars().filter(|&c| quote_mark(c)).count()
}

/// The last word of a text, when the text stops there as no finished sentence does: on a
/// word no sentence ends on ([`UNENDING_EN`], [`UNENDING_AR`]), followed by nothing but a stop,
/// a comma or an ellipsis (not a question or an exclamation).
pub(crate) fn unfinished(text: &str, lang: Lang, words: &[Word]) -> Option<Range<usize>> {
    let last = words.last()?;
    let after = &text[last.span.end..];
    if !after
        .chars()
        .all(|c| c.is_whitespace() || matches!(c, '.' | ',' | '\u{060C}' | '\u{2026}'))
    {
        return None;
    }
    let unending = match lang {
        // in lower case: `an A` ends on a letter (a grade, Plan A), not an article
        Lang::En => {
            UNENDING_EN.contains(&last.norm.as_str())
                && !text[last.span.clone()].starts_with(char::is_uppercase)
        }
        Lang::Ar => {
            let bare = last
                .norm
                .strip_prefix(['و', 'ف'])
                .filter(|rest| rest.chars().count() >= 2)
                .unwrap_or(&last.norm);
            UNENDING_AR_NORMALISED
                .iter()
                .any(|w| *w == last.norm || w == bare)
        }
    };
    unending.then(|| last.span.clone())
}

/// The last double quotation mark of a text that leaves a quotation open: an odd number of
/// marks, the last not a closing curly or angled one (after which the text may well end as a
/// sentence, the mark left open being another's).
pub(crate) fn open_quotation(text: &str) -> Option<Range<usize>> {
    let marks: Vec<(usize, char)> = text
        .char_indices()
        .filter(|&(_, c)| quote_mark(c))
        .collect();
    let &(i, c) = marks.last()?;
    (marks.len() % 2 == 1 && !matches!(c, '\u{201D}' | '\u{00BB}')).then(|| i..i + c.len_utf8())
}

/// True when the word at `start` opens a quotation: capitalised for that reason (`"Long live
/// Spain"`).
fn opens_quotation(english: &str, start: usize) -> bool {
    english[..start].ends_with(['"', '\u{201C}', '\'', '\u{2018}'])
}

/// English abbreviations that often end a sentence, their stop doing for both.
const ENDING_ABBREVIATIONS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Inc",
    "Ltd", "Corp", "Co", "Jr", "Sr", "Bros", "Plc",
];

/// English derivational endings of common nouns and adjectives (Assessment, Prevention,
/// Celebrity): a capitalised word with one is a word of a title, not a name.
const DERIVED_ENDINGS: &[&str] = &[
    "tion", "sion", "ment", "ity", "ness", "ance", "ence", "ism", "ship", "hood", "ive", "ical",
    "ous", "ure", "ing", "ary", "ery", "ory",
];

/// True when a word (lower case) ends as a derived English word does.
fn derived_word(lower: &str) -> bool {
    DERIVED_ENDINGS
        .iter()
        .any(|e| lower.len() >= e.len() + 3 && lower.ends_with(e))
}

/// True when the Arabic side has a word the word model has never seen (a rare word: a name
/// most often) whose skeleton is like no capitalised word's of the English side.
fn orphan_name(english: &str, arabic: &ArabicNames) -> bool {
    let capitalised: Vec<String> = english_words(english)
        .iter()
        .map(|w| &english[w.span.clone()])
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .map(|w| loose_skeleton(&names::english_skeleton(w)))
        .collect();
    arabic.unknown.iter().any(|o| {
        !capitalised
            .iter()
            .any(|e| strsim::normalized_damerau_levenshtein(o, e) >= LOOSE_NAME)
    })
}

/// The Arabic words (without clitics) whose consonant skeleton is like an English name's.
pub(crate) fn transliterations<'w>(word: &str, arabic: &ArabicNames<'w>) -> Vec<&'w str> {
    let skeleton = names::english_skeleton(word);
    if skeleton.len() < names::MIN_LEN {
        return Vec::new();
    }
    arabic
        .stems
        .iter()
        .filter(|(_, s)| s.len() >= names::MIN_LEN && names::similarity(s, &skeleton) > 0.0)
        .map(|(w, _)| *w)
        .collect()
}

/// An English adjective of a place whose stem is the Arabic name: `Korean` and `كوريا` (KR),
/// `Scottish` and `الاسكتلندية` (SKT…).
fn adjective_of(word: &str, arabic: &[String]) -> bool {
    ["ian", "ean", "an", "ish", "ese", "i"]
        .iter()
        .filter_map(|suffix| word.strip_suffix(suffix))
        .map(names::english_skeleton)
        .filter(|e| e.len() >= 2)
        .any(|e| {
            arabic
                .iter()
                .any(|a| *a == e || (e.len() >= 3 && a.starts_with(e.as_str())))
        })
}

/// A skeleton with `Z` read as `S` (English writes `s` where Arabic hears `ز`: Jones, جونز) and
/// repeated classes joined again.
fn loose_skeleton(skeleton: &str) -> String {
    let mut out = String::new();
    for c in skeleton.chars() {
        let c = if c == 'Z' { 'S' } else { c };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// A word as the word model sees it: its model id (if known) and where it is.
struct Token {
    id: Option<u32>,
    span: Range<usize>,
}

/// The words of a text as [`crate::align::lexical::tokens`] makes them, with their spans and
/// their ids in `vocab`.
fn tokens<S: std::hash::BuildHasher>(
    words: &[Word],
    lang: Lang,
    ids: &std::collections::HashMap<String, u32, S>,
) -> Vec<Token> {
    let mut out = Vec::with_capacity(words.len());
    for w in words {
        let form = match lang {
            Lang::Ar => stem(&w.norm),
            Lang::En => english_stem(&w.norm),
        };
        let keep = form.chars().count() > 1 || form.chars().all(|c| c.is_ascii_digit());
        if !keep {
            continue;
        }
        let id = ids.get(form).copied();
        // Arabic words whose spaces were lost (لميخبرها, عنأهمية): the known words they are
        // made of, each a token of the whole word's span
        if id.is_none()
            && lang == Lang::Ar
            && let Some(parts) = known_parts(&w.norm, ids)
        {
            out.extend(parts.into_iter().map(|id| Token {
                id: Some(id),
                span: w.span.clone(),
            }));
            continue;
        }
        out.push(Token {
            id,
            span: w.span.clone(),
        });
    }
    out
}

/// Letters under which an unknown Arabic word is taken as one word, not words run together.
const RUN_TOGETHER_SPLIT: usize = 7;

/// The ids of the known words an unknown Arabic word (normalised) is made of, when it is
/// [`RUN_TOGETHER_SPLIT`] letters or more and splits into two to four parts of two letters or
/// more whose stems the word model knows (the fewest parts; the longest first part among
/// those).
pub(crate) fn known_parts<S: std::hash::BuildHasher>(
    word: &str,
    ids: &std::collections::HashMap<String, u32, S>,
) -> Option<Vec<u32>> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let n = chars.len();
    if n < RUN_TOGETHER_SPLIT || !chars.iter().all(|&(_, c)| is_arabic_letter(c)) {
        return None;
    }
    let at = |k: usize| if k == n { word.len() } else { chars[k].0 };
    // best[k]: the fewest known parts that make the first k letters, and the parts
    let mut best: Vec<Option<Vec<u32>>> = vec![None; n + 1];
    best[0] = Some(Vec::new());
    for end in 2..=n {
        for start in (0..=end - 2).rev() {
            let Some(before) = &best[start] else { continue };
            if before.len() >= 4 {
                continue;
            }
            let Some(&id) = ids.get(stem(&word[at(start)..at(end)])) else {
                continue;
            };
            if best[end]
                .as_ref()
                .is_none_or(|b| b.len() > before.len() + 1)
            {
                let mut parts = before.clone();
                parts.push(id);
                best[end] = Some(parts);
            }
        }
    }
    best[n].take().filter(|parts| parts.len() >= 2)
}

/// Each known word's evidence, in both directions (Model 1 with the aligner's mixture).
fn lexical(lexicon: &Lexicon, pair: &Pair, words: &PairWords) -> Lexical {
    let source = tokens(&words.source, pair.source_lang, &lexicon.src.ids);
    let target = tokens(&words.target, pair.target_lang, &lexicon.tgt.ids);
    let score = |given: &[Token], words: &[Token], table: &crate::align::lexical::Table| {
        let norm = (given.len() + 1) as f64;
        let rows: Vec<&[(u32, f32)]> = std::iter::once(0u32)
            .chain(given.iter().filter_map(|t| t.id))
            .filter_map(|s| table.rows.get(s as usize).map(Vec::as_slice))
            .collect();
        words
            .iter()
            .filter_map(|w| {
                let id = w.id?;
                let sum: f64 = rows
                    .iter()
                    .filter_map(|row| {
                        row.binary_search_by_key(&id, |x| x.0)
                            .ok()
                            .map(|k| f64::from(row[k].1))
                    })
                    .sum();
                let p = sum / norm;
                let chance = table.unigram.get(id as usize).copied().unwrap_or(1.0);
                Some(WordScore {
                    span: w.span.clone(),
                    evidence: (MIXTURE * p / chance + 1.0 - MIXTURE).ln(),
                })
            })
            .collect::<Vec<_>>()
    };
    Lexical {
        target: score(&source, &target, &lexicon.forward),
        source: score(&target, &source, &lexicon.backward),
        source_words: source.len(),
        target_words: target.len(),
    }
}

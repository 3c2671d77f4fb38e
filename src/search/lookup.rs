//! Fuzzy lookup: the stored pairs whose side in a language is most like a given text.
//!
//! Candidates come from the index, never from reading every unit:
//!
//! 1. Units with the same normalised text share one index term (the text's key): they are
//!    found at once, whatever the size of the memory.
//! 2. The units holding each of the text's distinct normalised words are read from the index,
//!    up to [`COUNT_CAP`] units a word (the cost grows with the count). A unit whose score reaches `min`% differs
//!    from the text by at most `d = ⌊(1 − min/100) · n / (min/100)⌋` words (n = words in the
//!    text; a longer unit only scores that much if it is at most n / (min/100) words long), so
//!    it holds at least one of any `d + 1` of the text's distinct words. The `d + 1` rarest
//!    words are searched whenever each is in fewer than [`COUNT_CAP`] units — then no unit
//!    scoring `min`% or more is missed — and further words, rarest first, while the units they
//!    bring stay within [`POSTINGS_BUDGET`]. Words in more units than the cap (في, the) bring
//!    none: they would bring most of the memory. When every word is that frequent, the units
//!    holding all of them are taken instead (the index intersects their entries itself), up
//!    to the budget.
//! 3. Each unit found earns the inverse document frequency of every searched word it holds;
//!    the best [`CANDIDATES`] are scored exactly ([`super::score`]) on their text, and the
//!    best `limit` of those are read whole.

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use super::score::{differing_words, placeables, similarity, spans, surface};
use crate::Lang;
use crate::error::{Error, Result};
use crate::store::{Memory, Scope, Side, Unit};
use crate::text::normalize::{Word, is_number, word_spans};
use crate::text::terms::{self, quote};

/// Units scored exactly per lookup.
pub const CANDIDATES: usize = 150;

/// Index entries counted per lookup beyond those the rarest words need.
pub const POSTINGS_BUDGET: u64 = 40_000;

/// A word is read from the index up to this many units; one in more is only known to be
/// frequent, and brings no candidates.
pub const COUNT_CAP: u64 = 5_000;

/// What to look up and how.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    /// The language of the text (default: Arabic if it has an Arabic letter, else English).
    pub lang: Option<Lang>,
    /// Lowest match percentage to report.
    pub min: u8,
    /// Most matches to report.
    pub limit: usize,
    /// Only this document's units.
    pub document: Option<&'a str>,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            lang: None,
            min: 70,
            limit: 5,
            document: None,
        }
    }
}

/// A stored pair like the text looked up.
#[derive(Clone, Debug, Serialize)]
pub struct Match {
    pub id: i64,
    /// The match percentage, 0–100 (see [`super::score`]).
    pub score: u8,
    /// Identical to the text after normalisation, but not character for character.
    pub normalised: bool,
    /// Which side of the unit matched (the text's language); the other is its translation.
    pub matched: Side,
    pub source: String,
    pub target: String,
    pub document: String,
    pub status: crate::store::Status,
    pub note: Option<String>,
    /// Words of the looked-up text that the match lacks (numbers apart, in `numbers`).
    pub only_in_text: Vec<String>,
    /// Words of the match that the looked-up text lacks (numbers apart).
    pub only_in_match: Vec<String>,
    /// The numbers that differ, paired in order: the text's and the match's (placeables a
    /// translator swaps in without retranslating; each costs one point of the score).
    pub numbers: Vec<NumberChange>,
    /// Byte ranges of `only_in_match` in the matched side's text (for highlighting).
    #[serde(skip)]
    pub differences: Vec<Range<usize>>,
}

/// A number of the looked-up text and the match's number in its place (`None` where one
/// side has a number more).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NumberChange {
    pub text: Option<String>,
    #[serde(rename = "match")]
    pub matched: Option<String>,
}

/// Looks `text` up in the memory: the best matches first (then by id).
pub fn lookup(memory: &Memory, text: &str, options: &Options) -> Result<Vec<Match>> {
    let words = word_spans(text);
    if words.is_empty() {
        return Err(Error::invalid(
            "nothing to look up: the text has no letters or digits",
        ));
    }
    let lang = options.lang.unwrap_or_else(|| Lang::detect(text));
    let min = options.min.min(100);
    let mut weights: HashMap<(i64, Side), f64> = HashMap::new();
    for scope in memory.scopes(lang, options.document)? {
        candidates(memory, &scope, &words, min, &mut weights)?;
    }
    let mut ranked: Vec<((i64, Side), f64)> = weights.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.0.cmp(&b.0.0)));
    ranked.truncate(CANDIDATES.max(options.limit));

    let norms: Vec<&str> = words.iter().map(|w| w.norm.as_str()).collect();
    let mut scored = Vec::new();
    for ((id, side), _) in ranked {
        let Some(other_text) = memory.unit_text(id, side)? else {
            continue;
        };
        let other = word_spans(&other_text);
        let other_norms: Vec<&str> = other.iter().map(|w| w.norm.as_str()).collect();
        let sim = similarity(text, &norms, &other_text, &other_norms);
        if sim.percent >= min {
            scored.push((sim, id, side, other));
        }
    }
    scored.sort_by(|a, b| b.0.percent.cmp(&a.0.percent).then(a.1.cmp(&b.1)));
    scored.truncate(options.limit);
    let mut matches = Vec::with_capacity(scored.len());
    for (sim, id, side, other) in scored {
        if let Some(unit) = memory.find_unit(id)? {
            matches.push(build(unit, side, sim, text, &words, &other));
        }
    }
    Ok(matches)
}

/// Adds the units of `scope` worth scoring to `weights`.
fn candidates(
    memory: &Memory,
    scope: &Scope,
    words: &[Word],
    min: u8,
    weights: &mut HashMap<(i64, Side), f64>,
) -> Result<()> {
    let side = scope.side;
    // texts identical after normalisation share one key term
    let key = quote(&terms::key(words));
    memory.index_matches(scope, &key, |id| {
        *weights.entry((id, side)).or_default() += 1e9;
        Ok(true)
    })?;

    // each word's units, read up to the cap: a word that reaches it is only known to be frequent;
    // numbers are placeables (a match may have others), searched only when there is nothing else
    let mut distinct: Vec<&str> = words
        .iter()
        .map(|w| w.norm.as_str())
        .filter(|w| !is_number(w))
        .collect();
    if distinct.is_empty() {
        distinct = words.iter().map(|w| w.norm.as_str()).collect();
    }
    distinct.sort_unstable();
    distinct.dedup();
    let mut by_rarity: Vec<(Vec<i64>, &str)> = Vec::with_capacity(distinct.len());
    for term in distinct {
        let mut ids = Vec::new();
        memory.index_matches(scope, &quote(term), |id| {
            ids.push(id);
            Ok((ids.len() as u64) < COUNT_CAP)
        })?;
        by_rarity.push((ids, term));
    }
    by_rarity.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then(a.1.cmp(b.1)));

    let needed = needed_words(distinct_len_hint(words), min);
    let units = memory.unit_count_estimate()?.max(1) as f64;
    let mut read = 0;
    let mut searched = 0;
    for (k, (ids, _)) in by_rarity.iter().enumerate() {
        let count = ids.len() as u64;
        if count == 0 {
            continue;
        }
        // the rarest words count whatever they bring, unless they are frequent
        if count >= COUNT_CAP || (k >= needed && read + count > POSTINGS_BUDGET) {
            break;
        }
        read += count;
        searched += 1;
        let idf = (1.0 + units / count as f64).ln();
        for &id in ids {
            *weights.entry((id, side)).or_default() += idf;
        }
    }
    if searched == 0 {
        // every word is frequent: the units that hold all of them, as many as the budget
        // allows (the index intersects their entries itself)
        let all: Vec<String> = by_rarity
            .iter()
            .filter(|(ids, _)| !ids.is_empty())
            .map(|(_, term)| quote(term))
            .collect();
        if all.is_empty() {
            return Ok(());
        }
        let mut left = POSTINGS_BUDGET;
        memory.index_matches(scope, &all.join(" AND "), |id| {
            *weights.entry((id, side)).or_default() += 1.0;
            left -= 1;
            Ok(left > 0)
        })?;
    }
    Ok(())
}

/// The number of words the rarest-words bound counts: the text's words but its numbers, which a
/// match may replace at a point each (all of them when the text is only numbers).
fn distinct_len_hint(words: &[Word]) -> usize {
    match words.iter().filter(|w| !is_number(&w.norm)).count() {
        0 => words.len(),
        n => n,
    }
}

/// How many of a text's distinct words (the rarest) must be searched so that no unit scoring
/// `min`% or more is missed: one more than the most words such a unit can lack.
pub fn needed_words(words: usize, min: u8) -> usize {
    if min == 0 {
        return usize::MAX;
    }
    let s = f64::from(min) / 100.0;
    ((1.0 - s) * words as f64 / s + 1e-9).floor() as usize + 1
}

fn build(
    unit: Unit,
    side: Side,
    sim: super::score::Similarity,
    text: &str,
    words: &[Word],
    other: &[Word],
) -> Match {
    let (only_text, only_match) = differing_words(words, other);
    let matched = side.of(&unit);
    let not_number = |ws: &[Word], which: Vec<usize>| -> Vec<usize> {
        which
            .into_iter()
            .filter(|&k| !is_number(&ws[k].norm))
            .collect()
    };
    let numbers = placeables(words, other)
        .into_iter()
        .map(|(a, b)| NumberChange {
            text: a.map(|k| text[words[k].span.clone()].to_string()),
            matched: b.map(|k| matched[other[k].span.clone()].to_string()),
        })
        .collect();
    Match {
        id: unit.id,
        score: sim.percent,
        normalised: sim.normalised,
        matched: side,
        only_in_text: surface(text, words, &not_number(words, only_text)),
        only_in_match: surface(matched, other, &not_number(other, only_match.clone())),
        numbers,
        differences: spans(other, &only_match),
        source: unit.source,
        target: unit.target,
        document: unit.document,
        status: unit.status,
        note: unit.note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::kazakhstan;

    fn memory() -> Memory {
        let mut m = Memory::open_in_memory().unwrap();
        kazakhstan(&mut m);
        m
    }

    const SENTENCE: &str = "وقال توقاييف إن \"200 ألف من رجال العصابات\" كانوا قد هاجموا ألماتي - التي تمثل مركزًا لمظاهرات احتجاجية على ارتفاع أسعار الوقود.";

    #[test]
    fn a_stored_sentence_is_found_at_100() {
        let m = memory();
        let found = lookup(&m, SENTENCE, &Options::default()).unwrap();
        assert_eq!(found[0].score, 100);
        assert!(!found[0].normalised);
        assert_eq!(found[0].matched, Side::Source);
        assert!(
            found[0]
                .target
                .starts_with("Tokayev said that \"200,000 bandits\"")
        );
        assert!(found[0].only_in_text.is_empty() && found[0].only_in_match.is_empty());
    }

    #[test]
    fn a_respelt_sentence_is_found_at_99_normalised() {
        let m = memory();
        let respelt = SENTENCE
            .replace("ألف", "الف")
            .replace("200", "٢٠٠")
            .replace("مركزًا", "مركزا");
        let found = lookup(&m, &respelt, &Options::default()).unwrap();
        assert_eq!((found[0].score, found[0].normalised), (99, true));
    }

    #[test]
    fn a_changed_sentence_shows_what_differs() {
        let m = memory();
        let changed = SENTENCE.replace("الوقود", "الغاز").replace(" قد", "");
        let found = lookup(&m, &changed, &Options::default()).unwrap();
        // 20 words against 21: one dropped, one replaced: 1 − 2/21 = 90.5
        assert_eq!(found[0].score, 90);
        assert_eq!(found[0].only_in_text, ["الغاز"]);
        assert_eq!(found[0].only_in_match, ["قد", "الوقود"]);
        let source = &found[0].source;
        let highlighted: Vec<&str> = found[0]
            .differences
            .iter()
            .map(|r| &source[r.clone()])
            .collect();
        assert_eq!(highlighted, ["قد", "الوقود"]);
    }

    #[test]
    fn english_text_is_looked_up_on_the_english_side() {
        let m = memory();
        let found = lookup(
            &m,
            "Tokayev said that 200,000 bandits had attacked Almaty, the centre of protests against rising fuel prices.",
            &Options::default(),
        )
        .unwrap();
        assert_eq!(found[0].matched, Side::Target);
        assert!(found[0].source.starts_with("وقال توقاييف"));
        // "which has been" is missing: 3 of 19 words (200,000 is one)
        assert_eq!(found[0].score, 84);
        assert_eq!(found[0].only_in_match, ["which", "has", "been"]);
    }

    #[test]
    fn a_sentence_that_differs_only_in_its_numbers_is_a_near_match() {
        let m = memory();
        let found = lookup(
            &m,
            "وقالت وزارة الداخلية إن قوات الأمن عززت وجودها في كل أنحاء البلاد، وإن 31 \"مجرما مسلحا\" لقوا مصرعهم، بينما أصيب 40 في الاضطرابات.",
            &Options::default(),
        )
        .unwrap();
        assert_eq!(found[0].score, 97);
        assert!(found[0].only_in_text.is_empty() && found[0].only_in_match.is_empty());
        let pairs: Vec<(Option<&str>, Option<&str>)> = found[0]
            .numbers
            .iter()
            .map(|n| (n.text.as_deref(), n.matched.as_deref()))
            .collect();
        assert_eq!(pairs, [(Some("31"), Some("26")), (Some("40"), Some("18"))]);
    }

    #[test]
    fn min_limit_and_document_filter_the_matches() {
        let m = memory();
        let none = lookup(&m, "قال الرئيس إن الطقس جميل اليوم", &Options::default()).unwrap();
        assert!(none.is_empty());
        let loose = Options {
            min: 1,
            limit: 3,
            ..Options::default()
        };
        let some = lookup(&m, "قال الرئيس إن الطقس جميل اليوم", &loose).unwrap();
        assert_eq!(some.len(), 3);
        assert!(some.windows(2).all(|w| w[0].score >= w[1].score));
        let unknown = Options {
            document: Some("nope"),
            ..Options::default()
        };
        assert!(matches!(
            lookup(&m, SENTENCE, &unknown),
            Err(Error::UnknownDocument(_))
        ));
        assert!(lookup(&m, " ؟ ! ", &Options::default()).is_err());
    }

    #[test]
    fn the_index_finds_what_reading_every_unit_finds() {
        // every stored sentence with one word dropped, at every threshold: the candidates the
        // index proposes contain the best match a full scan finds
        let m = memory();
        let units = m.units(&Default::default()).unwrap();
        for u in &units {
            let words: Vec<&str> = u.source.split(' ').collect();
            if words.len() < 4 {
                continue;
            }
            let text = [&words[..1], &words[2..]].concat().join(" ");
            for min in [50, 70, 90] {
                let found = lookup(
                    &m,
                    &text,
                    &Options {
                        min,
                        limit: 1,
                        ..Options::default()
                    },
                )
                .unwrap();
                let best = brute_force(&units, &text);
                if best.1 >= min {
                    assert_eq!(found[0].score, best.1, "{text}");
                } else {
                    assert!(found.is_empty());
                }
            }
        }
    }

    fn brute_force(units: &[Unit], text: &str) -> (i64, u8) {
        let a = word_spans(text);
        let na: Vec<&str> = a.iter().map(|w| w.norm.as_str()).collect();
        units
            .iter()
            .map(|u| {
                let b = word_spans(&u.source);
                let nb: Vec<&str> = b.iter().map(|w| w.norm.as_str()).collect();
                (u.id, similarity(text, &na, &u.source, &nb).percent)
            })
            .max_by_key(|x| x.1)
            .unwrap()
    }

    #[test]
    fn enough_words_are_searched_for_the_threshold() {
        assert_eq!(needed_words(20, 70), 9);
        assert_eq!(needed_words(20, 100), 1);
        assert_eq!(needed_words(10, 50), 11);
        assert_eq!(needed_words(1, 70), 1);
    }
}

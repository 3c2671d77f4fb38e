//! The fuzzy match percentage, as CAT tools show it, and the words that differ.
//!
//! The percentage compares the normalised words of two texts (see [`crate::text::normalize`]):
//!
//! ```text
//! d       = word-level Levenshtein distance (insert, delete or replace one word costs 1)
//! score   = round(100 × (1 − d / max(words in TEXT, words in the match)))
//! ```
//!
//! then capped at 99 unless the two texts are identical character for character (100). Texts
//! whose normalised words are the same but which differ in diacritics, alef forms, digits,
//! punctuation or spacing score 99 and are marked *normalised*. Two words swapped cost two
//! replacements: `a b c d` against `a c b d` is 50.
//!
//! Numbers are *placeables*, as in CAT tools: a translator replaces them without retranslating
//! anything, so `d` counts every number as the same word, and each number that differs costs
//! one point instead: a text that differs from the match only in one number scores 98, in two
//! 97. [`placeables`] pairs the differing numbers (`20` in the text, `200` in the match).

use std::collections::HashMap;
use std::ops::Range;

use crate::text::normalize::{Word, is_number};

/// How similar a text is to a stored one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Similarity {
    /// 0–100; 100 only for identical texts.
    pub percent: u8,
    /// The texts differ, but not after normalisation (the percentage is then 99).
    pub normalised: bool,
}

/// Stands for every number in the word-level distance.
const PLACEABLE: &str = "\u{E002}";

/// The match percentage of two texts, given their normalised words.
pub fn similarity(text: &str, words: &[&str], other: &str, other_words: &[&str]) -> Similarity {
    if text.trim() == other.trim() {
        return Similarity {
            percent: 100,
            normalised: false,
        };
    }
    let masked = |ws: &[&str]| -> Vec<String> {
        ws.iter()
            .map(|w| if is_number(w) { PLACEABLE } else { w }.to_string())
            .collect()
    };
    let distance = strsim::generic_levenshtein(&masked(words), &masked(other_words));
    let numbers = |ws: &[&str]| -> Vec<String> {
        ws.iter()
            .filter(|w| is_number(w))
            .map(|w| w.to_string())
            .collect()
    };
    let (a, b) = (numbers(words), numbers(other_words));
    let changed_numbers = missing_counts(&a, &b).max(missing_counts(&b, &a));
    if distance == 0 && changed_numbers == 0 {
        return Similarity {
            percent: 99,
            normalised: true,
        };
    }
    let longest = words.len().max(other_words.len()) as f64;
    let percent = (100.0 * (1.0 - distance as f64 / longest))
        .round()
        .clamp(0.0, 99.0)
        - changed_numbers as f64;
    Similarity {
        percent: percent.max(0.0) as u8,
        normalised: false,
    }
}

/// How many of `a` are not in `b` (as multisets).
fn missing_counts(a: &[String], b: &[String]) -> usize {
    let mut left: HashMap<&str, usize> = HashMap::new();
    for w in b {
        *left.entry(w.as_str()).or_default() += 1;
    }
    a.iter()
        .filter(|w| match left.get_mut(w.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .count()
}

/// The numbers that differ between a text and its match, paired in order of appearance:
/// (index of a word of `a`, index of a word of `b`); a number without a partner on the other
/// side is paired with `None`.
pub fn placeables(a: &[Word], b: &[Word]) -> Vec<(Option<usize>, Option<usize>)> {
    let (only_a, only_b) = differing_words(a, b);
    let na: Vec<usize> = only_a
        .into_iter()
        .filter(|&k| is_number(&a[k].norm))
        .collect();
    let nb: Vec<usize> = only_b
        .into_iter()
        .filter(|&k| is_number(&b[k].norm))
        .collect();
    (0..na.len().max(nb.len()))
        .map(|k| (na.get(k).copied(), nb.get(k).copied()))
        .collect()
}

/// The words of `a` that are not in `b` and those of `b` not in `a` (as multisets of normalised
/// words), as indices into `a` and `b`.
pub fn differing_words(a: &[Word], b: &[Word]) -> (Vec<usize>, Vec<usize>) {
    (missing(a, b), missing(b, a))
}

fn missing(a: &[Word], b: &[Word]) -> Vec<usize> {
    let mut left: HashMap<&str, usize> = HashMap::new();
    for w in b {
        *left.entry(w.norm.as_str()).or_default() += 1;
    }
    let mut out = Vec::new();
    for (k, w) in a.iter().enumerate() {
        match left.get_mut(w.norm.as_str()) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(k),
        }
    }
    out
}

/// The original text of some words (by index), in order.
pub fn surface(text: &str, words: &[Word], which: &[usize]) -> Vec<String> {
    which
        .iter()
        .map(|&k| text[words[k].span.clone()].to_string())
        .collect()
}

/// The byte ranges of some words (by index), in order.
pub fn spans(words: &[Word], which: &[usize]) -> Vec<Range<usize>> {
    which.iter().map(|&k| words[k].span.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::word_spans;

    fn score(a: &str, b: &str) -> Similarity {
        let wa = word_spans(a);
        let wb = word_spans(b);
        let na: Vec<&str> = wa.iter().map(|w| w.norm.as_str()).collect();
        let nb: Vec<&str> = wb.iter().map(|w| w.norm.as_str()).collect();
        similarity(a, &na, b, &nb)
    }

    // the first sentence of corpus/kazakhstan-2022/en.txt and of ar.txt
    const EN: &str = "Kazakh President Kassym Tokayev said he had ordered the security forces to \"open fire without warning\" in a violent crackdown on anti-government protesters.";
    const AR: &str = "وقال توقاييف إن \"200 ألف من رجال العصابات\" كانوا قد هاجموا ألماتي";

    #[test]
    fn identical_texts_score_100() {
        assert_eq!(
            score(EN, EN),
            Similarity {
                percent: 100,
                normalised: false
            }
        );
        assert_eq!(score(AR, &format!("  {AR}\n")).percent, 100);
    }

    #[test]
    fn texts_identical_after_normalisation_score_99_and_say_so() {
        let variant = "وقالَ توقاييف إنّ «٢٠٠ الف من رجال العصابات» كانوا قد هاجموا ألماتي";
        assert_eq!(
            score(AR, variant),
            Similarity {
                percent: 99,
                normalised: true
            }
        );
        let lower = EN.to_lowercase().replace(['"', '.'], "");
        assert_eq!(score(EN, &lower).percent, 99);
        assert!(score(EN, &lower).normalised);
    }

    #[test]
    fn one_word_changed_costs_one_word_in_the_longer_text() {
        // 24 words, one replaced: 1 − 1/24 = 95.8 → 96
        let changed = EN.replace("violent", "brutal");
        assert_eq!(
            score(EN, &changed),
            Similarity {
                percent: 96,
                normalised: false
            }
        );
        // 12 words, one dropped: 1 − 1/12 = 91.7 → 92
        let dropped = AR.replace(" قد", "");
        assert_eq!(score(AR, &dropped).percent, 92);
    }

    #[test]
    fn reordered_words_cost_a_replacement_each() {
        assert_eq!(score("a b c d", "a c b d").percent, 50);
        assert_eq!(
            score("Tokayev said on Friday", "On Friday Tokayev said").percent,
            0
        );
    }

    #[test]
    fn a_near_miss_is_never_rounded_up_to_100() {
        let long: Vec<String> = (0..300).map(|k| format!("w{k}")).collect();
        let a = long.join(" ");
        let b = a.replace("w7 ", "x7 ");
        assert_eq!(score(&a, &b).percent, 99);
        assert!(!score(&a, &b).normalised);
    }

    #[test]
    fn numbers_are_placeables_that_cost_a_point_each() {
        // the article's sentence 6 against the same with other figures
        let a = "وقالت وزارة الداخلية إن 26 مجرما مسلحا لقوا مصرعهم، بينما أصيب 18 في الاضطرابات";
        let one = a.replace("26", "31");
        let two = one.replace("18", "40");
        assert_eq!(score(a, &one).percent, 98);
        assert_eq!(score(a, &two).percent, 97);
        assert!(!score(a, &one).normalised);
        // digits of another script are the same number
        assert_eq!(score(a, &a.replace("26", "٢٦")).percent, 99);
        // a number against a word is an ordinary replacement: 1 − 1/14 → 93, − 1 for the number
        assert_eq!(score(a, &a.replace("26", "عشرات")).percent, 92);
        // a word changed as well: 1 − 1/14 → 93, − 1 for the number
        assert_eq!(score(a, &one.replace("مسلحا", "مسلحين")).percent, 92);
        // 2,500 is one number
        assert_eq!(
            score("cost 2,500 dollars", "cost 2,800 dollars").percent,
            98
        );
    }

    #[test]
    fn placeables_pair_the_differing_numbers_in_order() {
        let a = "20 ألف من 3 مدن";
        let b = "200 ألف من 3 مدن و 7 قرى";
        let (wa, wb) = (word_spans(a), word_spans(b));
        let pairs: Vec<(Option<&str>, Option<&str>)> = placeables(&wa, &wb)
            .into_iter()
            .map(|(x, y)| {
                (
                    x.map(|k| &a[wa[k].span.clone()]),
                    y.map(|k| &b[wb[k].span.clone()]),
                )
            })
            .collect();
        assert_eq!(pairs, [(Some("20"), Some("200")), (None, Some("7"))]);
    }

    #[test]
    fn differing_words_are_listed_both_ways() {
        let a = "Tokayev said the order was restored";
        let b = "Tokayev said that order had been restored";
        let wa = word_spans(a);
        let wb = word_spans(b);
        let (only_a, only_b) = differing_words(&wa, &wb);
        assert_eq!(surface(a, &wa, &only_a), ["the", "was"]);
        assert_eq!(surface(b, &wb, &only_b), ["that", "had", "been"]);
        assert_eq!(spans(&wa, &only_a), [13..16, 23..26]);
    }

    #[test]
    fn differing_words_compare_normalised_forms_and_count_repeats() {
        let a = "قال إن إن";
        let b = "قالَ إنّ";
        let wa = word_spans(a);
        let wb = word_spans(b);
        let (only_a, only_b) = differing_words(&wa, &wb);
        assert_eq!(surface(a, &wa, &only_a), ["إن"]);
        assert!(only_b.is_empty());
    }
}

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

use std::collections::HashMap;
use std::ops::Range;

use crate::text::normalize::Word;

/// How similar a text is to a stored one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Similarity {
    /// 0–100; 100 only for identical texts.
    pub percent: u8,
    /// The texts differ, but not after normalisation (the percentage is then 99).
    pub normalised: bool,
}

/// The match percentage of two texts, given their normalised words.
pub fn similarity(text: &str, words: &[&str], other: &str, other_words: &[&str]) -> Similarity {
    if text.trim() == other.trim() {
        return Similarity {
            percent: 100,
            normalised: false,
        };
    }
    let distance = strsim::generic_levenshtein(&words.to_vec(), &other_words.to_vec());
    if distance == 0 {
        return Similarity {
            percent: 99,
            normalised: true,
        };
    }
    let longest = words.len().max(other_words.len()) as f64;
    let percent = (100.0 * (1.0 - distance as f64 / longest))
        .round()
        .clamp(0.0, 99.0);
    Similarity {
        percent: percent as u8,
        normalised: false,
    }
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

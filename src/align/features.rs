//! What the aligner knows about one sentence: its length and its anchors.

use crate::Lang;
use crate::align::names::{self, Skeleton};
use crate::align::numbers::numbers;

/// The features of one sentence.
#[derive(Clone, Debug, Default)]
pub struct Features {
    /// Characters, not counting whitespace, harakat and tatweel.
    pub len: f64,
    /// Sentences inside it by the segmenter's rules (more than one in a merged line).
    pub sentences: u32,
    /// Double quotation marks (`"` `“` `”` `«` `»`).
    pub quotes: u32,
    /// Question marks (`?` `؟`).
    pub questions: u32,
    /// Exclamation marks.
    pub exclamations: u32,
    /// Canonical numbers, sorted.
    pub numbers: Vec<String>,
    /// Consonant skeletons of name-like words, sorted.
    pub names: Vec<Skeleton>,
    /// Lower-cased words in Latin script, sorted (in Arabic text: names, acronyms, codes).
    pub latin: Vec<String>,
}

/// Extracts the features of `text`, a sentence in `lang`.
pub fn extract(text: &str, lang: Lang) -> Features {
    let mut f = Features {
        sentences: crate::segment::split(text, lang).len().max(1) as u32,
        ..Features::default()
    };
    let mut len = 0usize;
    for c in text.chars() {
        match c {
            c if c.is_whitespace() => continue,
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => continue,
            '"' | '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' => f.quotes += 1,
            '?' | '\u{061F}' => f.questions += 1,
            '!' => f.exclamations += 1,
            _ => {}
        }
        len += 1;
    }
    f.len = len as f64;
    f.numbers = numbers(text);
    f.numbers.sort_unstable();
    f.names = match lang {
        Lang::Ar => names::arabic_names(text),
        Lang::En => names::english_names(text),
    };
    f.latin = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 2 && w.chars().any(|c| c.is_ascii_alphabetic()))
        .map(str::to_ascii_lowercase)
        .collect();
    f.latin.sort_unstable();
    f.latin.dedup();
    f
}

/// Size of the multiset intersection of two sorted lists.
pub fn common<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_of_an_article_sentence() {
        let f = extract(
            "وقالت وزارة الداخلية إن 26 \"مجرما مسلحا\" لقوا مصرعهم، بينما أصيب 18 في الاضطرابات.",
            Lang::Ar,
        );
        assert_eq!(f.numbers, ["18", "26"]);
        assert_eq!(f.quotes, 2);
        assert_eq!(f.sentences, 1);
        assert!(f.latin.is_empty());
        let g = extract("Reuters: Tokayev met NATO. Why? Nobody knows!", Lang::En);
        assert_eq!(g.sentences, 3);
        assert_eq!((g.questions, g.exclamations), (1, 1));
        assert_eq!(
            g.latin,
            [
                "knows", "met", "nato", "nobody", "reuters", "tokayev", "why"
            ]
        );
    }

    #[test]
    fn length_ignores_spaces_and_harakat() {
        assert_eq!(extract("سُمع دويّ", Lang::Ar).len, 6.0);
        assert_eq!(extract("a b", Lang::En).len, 2.0);
    }

    #[test]
    fn common_counts_a_multiset_intersection() {
        assert_eq!(common(&[1, 2, 2, 3], &[2, 2, 2, 4]), 2);
        assert_eq!(common::<u8>(&[], &[1]), 0);
    }
}

//! Names as anchors: Arabic words romanised to a consonant skeleton and compared with the
//! skeletons of capitalised English words (`توقاييف` ~ `Tokayev`, `بوتين` ~ `Putin`,
//! `ألماتي` ~ `Almaty`).
//!
//! Short vowels are not written in Arabic and long ones are written with the same letters as
//! `w`/`y`, so both sides are reduced to consonant classes: vowels, `w`, `y`, `h` and the
//! Arabic `ا و ي ه ع ء` drop out; sounds that Arabic spells with one letter and English with
//! several (`kh`, `sh`, `th`, `ph`) become one class; letters English transliterations confuse
//! (`g`/`j`, `k`/`q`/`c`, `f`/`v`, `b`/`p`) share a class.

use crate::text::normalize::{normalize, split_words, stem};

/// A name's consonant skeleton, for example `TKF` for both `Tokayev` and `توقاييف`.
pub type Skeleton = Box<str>;

/// Shortest skeleton worth comparing.
pub const MIN_LEN: usize = 3;

/// Capitalised English words that begin sentences or are common, not names.
pub const EN_STOP: &[&str] = &[
    "the",
    "a",
    "an",
    "and",
    "but",
    "or",
    "in",
    "on",
    "at",
    "to",
    "of",
    "for",
    "from",
    "with",
    "by",
    "as",
    "he",
    "she",
    "it",
    "its",
    "they",
    "them",
    "their",
    "we",
    "our",
    "you",
    "your",
    "i",
    "his",
    "her",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "when",
    "while",
    "after",
    "before",
    "if",
    "what",
    "who",
    "which",
    "however",
    "meanwhile",
    "also",
    "some",
    "many",
    "most",
    "more",
    "no",
    "not",
    "so",
    "yet",
    "all",
    "one",
    "two",
    "three",
    "mr",
    "mrs",
    "ms",
    "dr",
    "said",
    "says",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "president",
    "minister",
    "prime",
];

/// The skeletons of the words of an Arabic sentence, each word taken whole and with its clitics
/// stripped (a name may begin with a letter that looks like a clitic: `بوتين`), leaving out
/// skeletons too short to tell anything.
pub fn arabic_names(text: &str) -> Vec<Skeleton> {
    let normalized = normalize(text);
    let mut out: Vec<Skeleton> = Vec::new();
    let (mut whole, mut stemmed) = (String::new(), String::new());
    for w in split_words(&normalized) {
        if !w.chars().any(crate::lang::is_arabic_letter) {
            continue;
        }
        // the stem is the end of the word: the word's skeleton is its clitics' followed by
        // the stem's, one class kept where they meet on the same one
        let stem = stem(w);
        stemmed.clear();
        skeleton_into(stem, &mut stemmed);
        if stem.len() < w.len() {
            whole.clear();
            skeleton_into(&w[..w.len() - stem.len()], &mut whole);
            let joined = whole.chars().last().is_some_and(|c| stemmed.starts_with(c));
            whole.push_str(&stemmed[usize::from(joined)..]);
            if whole.len() >= MIN_LEN {
                out.push(Box::from(whole.as_str()));
            }
        }
        if stemmed.len() >= MIN_LEN {
            out.push(Box::from(stemmed.as_str()));
        }
    }
    // sorted, then each once (a sentence's words repeat skeletons: the article, a name twice)
    out.sort_unstable();
    out.dedup();
    out
}

/// The skeletons of the capitalised words of an English sentence (not common words).
pub fn english_names(text: &str) -> Vec<Skeleton> {
    let mut out: Vec<Skeleton> = text
        .split(|c: char| !c.is_alphabetic() && c != '\'')
        .map(|w| {
            let mut w = w;
            while let Some(rest) = w.strip_suffix("'s") {
                w = rest;
            }
            w.trim_matches('\'')
        })
        .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
        .filter(|w| w.chars().count() >= 3)
        .filter(|w| !is_stop_word(w))
        .map(english_skeleton)
        .filter(|s| s.len() >= MIN_LEN)
        .map(String::into_boxed_str)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// One of [`EN_STOP`], whatever its case.
fn is_stop_word(w: &str) -> bool {
    if w.is_ascii() {
        EN_STOP.iter().any(|s| s.eq_ignore_ascii_case(w))
    } else {
        EN_STOP.contains(&w.to_lowercase().as_str())
    }
}

/// Romanises a normalised Arabic word to its consonant skeleton.
pub fn arabic_skeleton(word: &str) -> String {
    let mut out = String::new();
    skeleton_into(word, &mut out);
    out
}

/// [`arabic_skeleton`], appended to `out`.
fn skeleton_into(word: &str, out: &mut String) {
    for c in word.chars() {
        let class = match c {
            'ب' | 'پ' => 'B',
            'ت' | 'ط' => 'T',
            'ث' | 'س' | 'ش' | 'ص' => 'S',
            'ج' | 'غ' | 'گ' | 'چ' => 'G',
            'ح' | 'ه' | 'ة' | 'ا' | 'و' | 'ي' | 'ى' | 'ع' | 'ء' | 'ئ' | 'ؤ' | 'أ' | 'إ' | 'آ' =>
            {
                continue;
            }
            'خ' | 'ق' | 'ك' => 'K',
            'د' | 'ض' => 'D',
            'ذ' | 'ز' | 'ظ' => 'Z',
            'ر' => 'R',
            'ف' | 'ڤ' => 'F',
            'ل' => 'L',
            'م' => 'M',
            'ن' => 'N',
            _ => continue,
        };
        if !out.ends_with(class) {
            out.push(class);
        }
    }
}

/// Reduces an English word to the same consonant classes.
pub fn english_skeleton(word: &str) -> String {
    let w: Vec<char> = word.to_lowercase().chars().collect();
    let mut out = String::new();
    let mut k = 0;
    while k < w.len() {
        let next = w.get(k + 1).copied();
        let (class, width) = match (w[k], next) {
            ('k' | 's' | 'c' | 't' | 'p' | 'g', Some('h')) => {
                let class = match w[k] {
                    'k' | 'c' => 'S',
                    's' => 'S',
                    't' => 'T',
                    'p' => 'F',
                    _ => 'G',
                };
                // "kh" is the Arabic kha (K); "ch" is mostly "sh"
                (if w[k] == 'k' { 'K' } else { class }, 2)
            }
            ('c', Some('k')) => ('K', 2),
            ('c', Some('e' | 'i' | 'y')) => ('S', 1),
            ('x', _) => {
                push_class(&mut out, 'K');
                ('S', 1)
            }
            ('b' | 'p', _) => ('B', 1),
            ('t', _) => ('T', 1),
            ('d', _) => ('D', 1),
            ('s', _) => ('S', 1),
            ('z', _) => ('Z', 1),
            ('g' | 'j', _) => ('G', 1),
            ('k' | 'q' | 'c', _) => ('K', 1),
            ('f' | 'v', _) => ('F', 1),
            ('l', _) => ('L', 1),
            ('m', _) => ('M', 1),
            ('n', _) => ('N', 1),
            ('r', _) => ('R', 1),
            _ => {
                k += 1;
                continue;
            }
        };
        push_class(&mut out, class);
        k += width;
    }
    out
}

fn push_class(out: &mut String, class: char) {
    if !out.ends_with(class) {
        out.push(class);
    }
}

/// The skeletons one consonant shorter than `s`, for skeletons of four consonants or more
/// (shorter ones would leave two-consonant keys that match by chance).
pub fn one_shorter(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for_each_shorter(s, |d| out.push(d.to_string()));
    out.sort_unstable();
    out.dedup();
    out
}

/// Calls `f` with each skeleton one consonant shorter than `s` (as [`one_shorter`], perhaps
/// twice the same), without allocating each: the aligner hashes millions of them.
pub fn for_each_shorter(s: &str, mut f: impl FnMut(&str)) {
    if s.len() < 4 {
        return;
    }
    let mut buffer = String::with_capacity(s.len());
    for k in 0..s.len() {
        buffer.clear();
        buffer.push_str(&s[..k]);
        buffer.push_str(&s[k + 1..]);
        f(&buffer);
    }
}

/// How alike two skeletons are, in [0, 1]: 1 for equal ones, else normalised Damerau–Levenshtein
/// similarity, and 0 below the threshold where chance matches dominate.
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let shorter = a.len().min(b.len());
    if shorter < 3 {
        return 0.0;
    }
    let sim = strsim::normalized_damerau_levenshtein(a, b);
    if sim >= 0.75 { sim } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_the_article_share_a_skeleton() {
        for (ar, en) in [
            ("توقاييف", "Tokayev"),
            ("بوتين", "Putin"),
            ("ألماتي", "Almaty"),
            ("كازاخستان", "Kazakhstan"),
            ("فلاديمير", "Vladimir"),
            ("إنترفاكس", "Interfax"),
        ] {
            let e = english_names(en);
            assert_eq!(e.len(), 1, "{en}");
            assert!(arabic_names(ar).contains(&e[0]), "{ar} vs {en}: {e:?}");
        }
    }

    #[test]
    fn a_words_skeleton_is_its_clitics_then_its_stems() {
        // every word of the article, and words built to meet on one class (بب, لل, فف)
        let text = format!(
            "{} ببيروت للبنان ففرنسا كك وبالبصرة",
            include_str!("../../corpus/kazakhstan-2022/ar.txt")
        );
        let mut expected: Vec<Skeleton> = Vec::new();
        for w in split_words(&normalize(&text)) {
            if w.chars().any(crate::lang::is_arabic_letter) {
                for form in [w, stem(w)] {
                    let s = arabic_skeleton(form);
                    if s.len() >= MIN_LEN {
                        expected.push(s.into_boxed_str());
                    }
                }
            }
        }
        expected.sort_unstable();
        expected.dedup();
        assert!(expected.len() > 150, "{}", expected.len());
        assert_eq!(arabic_names(&text), expected);
    }

    #[test]
    fn clitics_and_article_do_not_hide_a_name() {
        assert!(arabic_names("وتوجّه لتوقاييف").contains(&"TKF".into()));
        assert!(arabic_names("الكازاخي").contains(&"KZK".into()));
        assert!(english_names("The Kazakh president").contains(&"KZK".into()));
    }

    #[test]
    fn common_capitalised_words_are_not_names() {
        assert!(english_names("The However Friday").is_empty());
        assert_eq!(&*english_names("Tokayev's order")[0], "TKF");
    }

    #[test]
    fn skeletons_one_edit_apart_share_a_shorter_skeleton() {
        let a = one_shorter("MKDN");
        let b = one_shorter("MSDN");
        assert!(a.iter().any(|x| b.contains(x)));
        assert!(one_shorter("TKF").is_empty());
    }

    #[test]
    fn unlike_skeletons_do_not_match() {
        assert_eq!(similarity("TKF", "BTN"), 0.0);
        assert_eq!(similarity("KL", "KS"), 0.0);
        // two-consonant skeletons (قال, Cole) are too common to be names
        assert!(arabic_names("قال").is_empty());
        assert!(similarity("KZKSTN", "KZSTN") > 0.8);
    }
}

//! What the search index holds for a text, and when a word of a text is an occurrence of a word
//! of a query.
//!
//! The index (`migrations/0002_search_index.sql`) is an FTS5 table over *terms*, not over the
//! stored text: for every normalised word ([`word_spans`]) its [`forms`] — the word itself and,
//! for Arabic, the word without each leading chain of clitics — and one [`key`] term for the
//! whole text. SQLite computes the terms by calling [`index_terms`] from triggers on `units`, so
//! every writer keeps the index in step without knowing about it.
//!
//! A text word `w` is an occurrence of a query word `q` when `q` is one of the forms of `w`
//! (`قال` finds `وقال`, `فقال`; `توقاييف` finds `لتوقاييف`; `الحكومة` finds `والحكومة`; `في`
//! finds `وفي`) or when both have the same [`stem`] (`وقال` finds `قال`). The index terms of a
//! query word (`q` and its stem) are therefore among the terms of every text word it finds:
//! the index never misses an occurrence, and [`occurs`] then decides exactly.

use super::normalize::{Word, stem, word_spans};

/// Clitic chains are only stripped while at least this many letters remain.
const MIN_FORM_CHARS: usize = 2;

/// First character of a [`key`] term: a private-use character, which no query word contains.
pub const KEY_MARK: char = '\u{E000}';

/// The terms of a text for the search index, separated by spaces.
pub fn index_terms(text: &str) -> String {
    let words = word_spans(text);
    let mut out = String::with_capacity(text.len() * 2);
    for w in &words {
        for form in forms(&w.norm) {
            out.push_str(form);
            out.push(' ');
        }
    }
    if !words.is_empty() {
        out.push_str(&key(&words));
    }
    out
}

/// One term standing for a whole text's normalised words, so that texts that are identical
/// after normalisation are found at once: a private-use mark and a 64-bit FNV-1a hash in hex.
pub fn key(words: &[Word]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (k, w) in words.iter().enumerate() {
        let sep: &[u8] = if k == 0 { b"" } else { b" " };
        for &b in sep.iter().chain(w.norm.as_bytes()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{KEY_MARK}{hash:016x}")
}

/// The forms a normalised word is indexed under: the word, then what is left after each
/// leading chain of Arabic clitics — a conjunction (`و` `ف`), then a preposition (`ب` `ل` `ك`),
/// then the article (`ال`, whose alef drops after `ل`: `للحكومه` = `ل` + `الحكومه`) — as long
/// as at least two letters are left. Words in other scripts have one form, themselves.
///
/// `والحكومه` → `والحكومه`, `الحكومه`, `حكومه`; `للحكومه` → `للحكومه`, `لحكومه`, `حكومه`
/// (its article form `الحكومه` is not a suffix; matching checks it apart); `وفي` → `وفي`, `في`.
pub fn forms(word: &str) -> Vec<&str> {
    fn push<'a>(out: &mut Vec<&'a str>, form: &'a str) {
        if form.chars().count() >= MIN_FORM_CHARS && !out.contains(&form) {
            out.push(form);
        }
    }
    let mut out = vec![word];
    for w in [Some(word), strip_any(word, &['و', 'ف'])]
        .into_iter()
        .flatten()
    {
        push(&mut out, w);
        for v in [Some(w), strip_any(w, &['ب', 'ل', 'ك'])]
            .into_iter()
            .flatten()
        {
            push(&mut out, v);
            if let Some(rest) = v.strip_prefix("ال") {
                push(&mut out, rest);
            }
        }
        if let Some(rest) = w.strip_prefix("لل") {
            push(&mut out, rest);
        }
    }
    out
}

/// The article-bearing form of a word written with ل + article (`للحكومه` → `الحكومه`), which is
/// not a suffix of the word and so not among its [`forms`]; matching checks it separately.
fn with_article(word: &str) -> Option<String> {
    let w = strip_any(word, &['و', 'ف']).unwrap_or(word);
    let rest = w.strip_prefix("لل")?;
    (rest.chars().count() >= MIN_FORM_CHARS).then(|| format!("ال{rest}"))
}

fn strip_any<'a>(w: &'a str, prefixes: &[char]) -> Option<&'a str> {
    let mut chars = w.chars();
    let first = chars.next()?;
    prefixes.contains(&first).then_some(chars.as_str())
}

/// A word of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryWord {
    /// The normalised word.
    pub norm: String,
    /// The word ended in `*`: any word that starts with it matches.
    pub prefix: bool,
}

impl QueryWord {
    /// The index terms that every occurrence of this word is indexed under (one of them), as an
    /// FTS5 expression: `"قال"`, `("وقال" OR "قال")`, or `"كازاخ" *` for a prefix.
    pub fn index_expression(&self) -> String {
        if self.prefix {
            return format!("{} *", quote(&self.norm));
        }
        let s = stem(&self.norm);
        if s == self.norm {
            quote(&self.norm)
        } else {
            format!("({} OR {})", quote(&self.norm), quote(s))
        }
    }
}

/// A term as an FTS5 string (terms hold letters and digits only; quotes are doubled anyway).
pub fn quote(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// True when the text word `w` (normalised) is an occurrence of the query word `q`.
pub fn occurs(w: &str, q: &QueryWord) -> bool {
    if q.prefix {
        return forms(w).iter().any(|f| f.starts_with(q.norm.as_str()))
            || with_article(w).is_some_and(|a| a.starts_with(q.norm.as_str()));
    }
    forms(w).contains(&q.norm.as_str())
        || with_article(w).is_some_and(|a| a == q.norm)
        || stem(w) == stem(&q.norm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::normalize;

    fn q(word: &str) -> QueryWord {
        QueryWord {
            norm: normalize(word),
            prefix: false,
        }
    }

    fn finds(query: &str, word: &str) -> bool {
        occurs(&normalize(word), &q(query))
    }

    #[test]
    fn forms_strip_each_clitic_chain() {
        assert_eq!(forms("والحكومه"), ["والحكومه", "الحكومه", "حكومه"]);
        assert_eq!(forms("وفي"), ["وفي", "في"]);
        assert_eq!(forms("لتوقاييف"), ["لتوقاييف", "توقاييف"]);
        assert_eq!(forms("بالوقود"), ["بالوقود", "الوقود", "وقود"]);
        assert_eq!(forms("للحكومه"), ["للحكومه", "لحكومه", "حكومه"]);
        assert_eq!(forms("tokayev"), ["tokayev"]);
        // at least two letters stay
        assert_eq!(forms("الا"), ["الا"]);
    }

    #[test]
    fn clitics_of_the_issue_are_found() {
        // words of corpus/kazakhstan-2022/ar.txt
        assert!(finds("قال", "وقال"));
        assert!(finds("قال", "فقال"));
        assert!(finds("توقاييف", "لتوقاييف"));
        assert!(finds("الحكومة", "والحكومة"));
        assert!(finds("الحكومة", "للحكومة"));
        assert!(finds("حكومة", "للحكومة"));
        assert!(finds("في", "وفي"));
        assert!(finds("وقال", "قال"));
        assert!(finds("قال", "قال"));
        // …but not other words that merely contain the letters
        assert!(!finds("قال", "قالت"));
        assert!(!finds("قال", "استقال"));
        assert!(!finds("في", "فيها"));
        assert!(!finds("said", "saidi"));
    }

    #[test]
    fn prefixes_match_the_start_of_any_form() {
        let kazakh = QueryWord {
            norm: "كازاخ".into(),
            prefix: true,
        };
        assert!(occurs("كازاخستان", &kazakh));
        assert!(occurs("الكازاخي", &kazakh));
        assert!(!occurs("ماكازاخ", &kazakh));
    }

    #[test]
    fn a_stem_is_always_one_of_the_forms() {
        // so that the index terms of a query word reach every word it matches
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/corpus/kazakhstan-2022/ar.txt"
        ))
        .unwrap();
        for w in word_spans(&text) {
            let f = forms(&w.norm);
            assert!(f.contains(&stem(&w.norm)), "{} {:?}", w.norm, f);
        }
    }

    #[test]
    fn index_terms_hold_forms_and_a_key() {
        let terms = index_terms("وقال توقاييف،");
        let list: Vec<&str> = terms.split(' ').collect();
        assert_eq!(&list[..3], ["وقال", "قال", "توقاييف"]);
        assert!(list[3].starts_with(KEY_MARK));
        // the key ignores what normalisation ignores
        assert_eq!(index_terms("وقالَ  توقاييف"), terms);
        assert_ne!(index_terms("توقاييف وقال"), terms);
        assert_eq!(index_terms("  ،؟ "), "");
    }

    #[test]
    fn index_expressions_quote_terms() {
        assert_eq!(q("قال").index_expression(), "\"قال\"");
        assert_eq!(q("وقال").index_expression(), "(\"وقال\" OR \"قال\")");
        let p = QueryWord {
            norm: "kaz".into(),
            prefix: true,
        };
        assert_eq!(p.index_expression(), "\"kaz\" *");
    }
}

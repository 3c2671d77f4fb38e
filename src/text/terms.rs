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
//! finds `وفي`), when both have the same [`stem`] (`وقال` finds `قال`), or when both have the
//! same [`inflection_stem`] — the Snowball stem of the word without its clitics — so that a
//! word finds its inflections: `متظاهر` finds `متظاهرين`, `متظاهرون` and `المتظاهرين`, `force`
//! finds `forces`. Every text word is also indexed under its inflection stem (after
//! [`STEM_MARK`]), so the index terms of a query word (`q`, its stem, its inflection stem) are
//! among the terms of every text word it finds: the index never misses an occurrence, and
//! [`occurs`] then decides exactly.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::normalize::{Word, is_number, stem, word_spans};

/// Clitic chains are only stripped while at least this many letters remain.
const MIN_FORM_CHARS: usize = 2;

/// First character of a [`key`] term: a private-use character, which no query word contains.
pub const KEY_MARK: char = '\u{E000}';

/// First character of an [`inflection_stem`] term: a private-use character, so that a stem
/// never meets a word of the same letters in the index (`unit` the stem, `unit` the word).
pub const STEM_MARK: char = '\u{E001}';

/// Inflection stems are only compared for query words of at least this many letters: a short
/// word (`في`, `law`) is its own stem far more often than the stemmer knows.
const MIN_STEMMED_CHARS: usize = 3;

static ARABIC: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Arabic));
static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The inflection stem of a normalised word: for Arabic, the Snowball Arabic light stemmer over
/// the word without its clitics ([`stem`]); for a word of Latin letters, the Snowball English
/// (Porter 2) stemmer. `None` for numbers, mixed words and words of other scripts.
pub fn inflection_stem(word: &str) -> Option<String> {
    if is_number(word) {
        return None;
    }
    if word.chars().all(|c| c.is_ascii_lowercase()) {
        return Some(ENGLISH.stem(word).into_owned());
    }
    if word.chars().all(|c| ('\u{0621}'..='\u{064A}').contains(&c)) {
        return Some(ARABIC.stem(stem(word)).into_owned());
    }
    None
}

/// The terms of a text for the search index, separated by spaces.
pub fn index_terms(text: &str) -> String {
    let words = word_spans(text);
    let mut out = String::with_capacity(text.len() * 3);
    for w in &words {
        for form in forms(&w.norm) {
            push_term(&mut out, form);
            out.push(' ');
        }
        if let Some(s) = inflection_stem(&w.norm) {
            out.push(STEM_MARK);
            out.push_str(&s);
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
        let mut terms = vec![quote(&self.norm)];
        let s = stem(&self.norm);
        if s != self.norm {
            terms.push(quote(s));
        }
        if let Some(s) = self.inflection_stem() {
            terms.push(quote(&format!("{STEM_MARK}{s}")));
        }
        if terms.len() == 1 {
            terms.remove(0)
        } else {
            format!("({})", terms.join(" OR "))
        }
    }

    /// The word's [`inflection_stem`] when it and the stem are long enough to be compared by it.
    fn inflection_stem(&self) -> Option<String> {
        if self.norm.chars().count() < MIN_STEMMED_CHARS {
            return None;
        }
        inflection_stem(&self.norm).filter(|s| s.chars().count() >= MIN_STEMMED_CHARS)
    }
}

/// A term as an FTS5 string (terms hold letters and digits only; quotes are doubled anyway).
pub fn quote(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('"');
    push_term(&mut out, &term.replace('"', "\"\""));
    out.push('"');
    out
}

/// A normalised word or form as the index holds it (see [`push_term`]).
pub fn index_term(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    push_term(&mut out, term);
    out
}

/// Appends a term as the index holds it: the `,` and `.` inside a number (`2,500`, `3.5`)
/// become private-use characters, which the index's `ascii` tokenizer keeps inside the term
/// instead of splitting the number in two.
fn push_term(out: &mut String, term: &str) {
    for c in term.chars() {
        out.push(match c {
            ',' => '\u{E002}',
            '.' => '\u{E003}',
            c => c,
        });
    }
}

/// True when the text word `w` (normalised) is an occurrence of the query word `q`.
pub fn occurs(w: &str, q: &QueryWord) -> bool {
    if q.prefix {
        return forms(w).iter().any(|f| f.starts_with(q.norm.as_str()))
            || with_article(w).is_some_and(|a| a.starts_with(q.norm.as_str()));
    }
    forms(w).contains(&q.norm.as_str())
        || with_article(w).is_some_and(|a| a == q.norm)
        || same_stem(stem(w), stem(&q.norm))
        || q.inflection_stem().is_some_and(|s| {
            inflection_stem(w).as_deref() == Some(s.as_str()) && inflections(w, &q.norm)
        })
}

/// Endings that make an inflected form of an English word (plural, third person, past,
/// participle), as they are left after the letters two forms share.
const ENGLISH_ENDINGS: &[&str] = &[
    "", "s", "es", "'s", "e", "ed", "d", "ing", "y", "ies", "ied",
];

/// True when two words of the same Snowball stem are inflections of one word rather than
/// derivations: for English, what is left of each after their common letters must be an
/// inflectional ending (`vote`, `votes`, `voted`, `voting`; `stab`, `stabbed`), so that
/// Porter's derivational steps do not make `independent` find `independence` or `formally`
/// find `formal`. Arabic words are compared by the stem alone.
fn inflections(a: &str, b: &str) -> bool {
    if !a.is_ascii() || !b.is_ascii() {
        return true;
    }
    let common = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let ending = |w: &str| {
        let rest = &w[common..];
        // a doubled final consonant before -ed, -ing: stab → stabbed
        let doubled = match (a[..common].chars().last(), rest.chars().next()) {
            (Some(c), Some(d)) => c == d && !"aeiou".contains(c),
            _ => false,
        };
        ENGLISH_ENDINGS.contains(&rest) || (doubled && ["ed", "ing"].contains(&&rest[1..]))
    };
    ending(a) && ending(b)
}

/// Two stems are the same word when they are equal and not too short to say: `الان` (now)
/// and `أن` (that) both lose their first letters to the clitic rules, leaving `ان`.
fn same_stem(a: &str, b: &str) -> bool {
    a == b && a.chars().count() >= MIN_STEMMED_CHARS
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
        assert!(!finds("قال", "استقال"));
        assert!(!finds("في", "فيها"));
        assert!(!finds("said", "saidi"));
    }

    #[test]
    fn words_find_their_inflections() {
        // the issue's examples
        for word in ["متظاهرين", "متظاهرون", "المتظاهرين", "والمتظاهرين"]
        {
            assert!(finds("متظاهر", word), "{word}");
        }
        assert!(finds("قال", "قالت"));
        assert!(finds("أصبح", "فأصبحوا"));
        for word in ["forces", "Force", "forced", "forcing"] {
            assert!(finds("force", word), "{word}");
        }
        assert!(finds("votes", "voting") && finds("stabbed", "stab") && finds("study", "studies"));
        assert!(finds("officials", "official"));
        // Porter's derivations are not inflections
        assert!(!finds("independent", "independence"));
        assert!(!finds("formally", "formal"));
        assert!(!finds("announced", "announcements"));
        // short words and short stems are compared whole: الان (now) is not أن (that)
        assert!(!finds("الان", "أن"));
        assert!(!finds("الان", "أني"));
        assert!(!finds("في", "فيها"));
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
        assert_eq!(
            list[..list.len() - 1],
            ["وقال", "قال", "\u{E001}قال", "توقاييف", "\u{E001}توقاييف"]
        );
        assert!(list[list.len() - 1].starts_with(KEY_MARK));
        // the key ignores what normalisation ignores
        assert_eq!(index_terms("وقالَ  توقاييف"), terms);
        assert_ne!(index_terms("توقاييف وقال"), terms);
        assert_eq!(index_terms("  ،؟ "), "");
    }

    #[test]
    fn index_expressions_quote_terms() {
        assert_eq!(q("في").index_expression(), "\"في\"");
        assert_eq!(q("قال").index_expression(), "(\"قال\" OR \"\u{E001}قال\")");
        assert_eq!(
            q("وقال").index_expression(),
            "(\"وقال\" OR \"قال\" OR \"\u{E001}قال\")"
        );
        let p = QueryWord {
            norm: "kaz".into(),
            prefix: true,
        };
        assert_eq!(p.index_expression(), "\"kaz\" *");
    }
}

//! Concordance: where a word or a phrase occurs in the stored sentences, and how it was
//! translated.
//!
//! A query is words and "quoted phrases". A unit is a hit when every word occurs somewhere in
//! its side of the query's language, and every phrase occurs as consecutive words, in order.
//! Words match as [`crate::text::terms::occurs`] says: after normalisation, with Arabic clitics
//! tolerated (`قال` finds `وقال`); a word ending in `*` matches any word starting with it.
//! The index proposes the units holding every word; each is then checked against its text, in
//! id order, until enough hits are found.

use std::ops::Range;

use serde::Serialize;

use crate::Lang;
use crate::error::{Error, Result};
use crate::store::{Memory, Side, Status};
use crate::text::normalize::{Word, word_spans};
use crate::text::terms::{QueryWord, occurs};

/// A parsed query: its parts, each a single word or a phrase (several words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub parts: Vec<Vec<QueryWord>>,
}

/// Quote marks that open and close a phrase: ASCII, English typographic, and Arabic guillemets.
const QUOTES: [(char, char); 3] = [('"', '"'), ('“', '”'), ('«', '»')];

impl Query {
    /// Parses a query: words and "quoted phrases"; `word*` is a prefix. A word that
    /// normalisation splits (`Kazakhstan's`, `2,500`) is a phrase of its pieces.
    pub fn parse(query: &str) -> Result<Query> {
        let mut parts = Vec::new();
        let mut rest = query;
        while !rest.is_empty() {
            let open = rest
                .char_indices()
                .find_map(|(i, c)| QUOTES.iter().find(|q| q.0 == c).map(|q| (i, *q)));
            let Some((i, (open, close))) = open else {
                add_words(rest, &mut parts);
                break;
            };
            add_words(&rest[..i], &mut parts);
            let inner = &rest[i + open.len_utf8()..];
            let (phrase, after) = match inner.find(close) {
                Some(j) => (&inner[..j], &inner[j + close.len_utf8()..]),
                None => (inner, ""),
            };
            let words = query_words(phrase);
            if !words.is_empty() {
                parts.push(words);
            }
            rest = after;
        }
        if parts.is_empty() {
            return Err(Error::invalid(
                "nothing to search for: the query has no letters or digits",
            ));
        }
        Ok(Query { parts })
    }

    /// A query from command-line arguments: an argument holding quote marks is read as
    /// [`Query::parse`] reads a query; any other argument is one part, a phrase when it has
    /// several words (it was quoted for the shell: `"قوات الأمن"`).
    pub fn from_args(args: &[String]) -> Result<Query> {
        let mut parts = Vec::new();
        for arg in args {
            if arg.chars().any(|c| QUOTES.iter().any(|q| q.0 == c)) {
                if let Ok(q) = Query::parse(arg) {
                    parts.extend(q.parts);
                }
            } else {
                let words = query_words(arg);
                if !words.is_empty() {
                    parts.push(words);
                }
            }
        }
        if parts.is_empty() {
            return Err(Error::invalid(
                "nothing to search for: the query has no letters or digits",
            ));
        }
        Ok(Query { parts })
    }

    /// All the query's words.
    pub fn words(&self) -> impl Iterator<Item = &QueryWord> {
        self.parts.iter().flatten()
    }

    /// The FTS5 expression that every hit's index terms satisfy.
    pub fn index_expression(&self) -> String {
        self.words()
            .map(QueryWord::index_expression)
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// Where the query occurs in `text`: the byte ranges of every occurrence of every part,
    /// sorted, or `None` when some part does not occur.
    pub fn find(&self, text: &str) -> Option<Vec<Range<usize>>> {
        let words = word_spans(text);
        let mut found = Vec::new();
        for part in &self.parts {
            let before = found.len();
            found.extend(occurrences(&words, part));
            if found.len() == before {
                return None;
            }
        }
        found.sort_by_key(|r| (r.start, r.end));
        found.dedup();
        Some(found)
    }
}

fn add_words(text: &str, parts: &mut Vec<Vec<QueryWord>>) {
    for token in text.split_whitespace() {
        let words = query_words(token);
        if !words.is_empty() {
            parts.push(words);
        }
    }
}

/// The normalised words of a piece of query; a trailing `*` makes the last one a prefix.
fn query_words(text: &str) -> Vec<QueryWord> {
    let prefix = text.trim_end().ends_with('*');
    let mut words: Vec<QueryWord> = word_spans(text)
        .into_iter()
        .map(|w| QueryWord {
            norm: w.norm,
            prefix: false,
        })
        .collect();
    if let Some(last) = words.last_mut() {
        last.prefix = prefix;
    }
    words
}

/// Byte ranges of each run of consecutive `words` matching `part`.
fn occurrences(words: &[Word], part: &[QueryWord]) -> Vec<Range<usize>> {
    if part.is_empty() || words.len() < part.len() {
        return Vec::new();
    }
    (0..=words.len() - part.len())
        .filter(|&k| {
            part.iter()
                .zip(&words[k..])
                .all(|(q, w)| occurs(&w.norm, q))
        })
        .map(|k| words[k].span.start..words[k + part.len() - 1].span.end)
        .collect()
}

/// A unit the query occurs in.
#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    pub id: i64,
    pub document: String,
    pub status: Status,
    /// The side the query occurs in.
    pub matched: Side,
    pub source: String,
    pub target: String,
    /// Each occurrence in the matched side, as byte offsets and text.
    pub occurrences: Vec<Occurrence>,
}

/// One occurrence of the query in a text.
#[derive(Clone, Debug, Serialize)]
pub struct Occurrence {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// The first `limit` units (by id) whose side in `lang` contains the query.
pub fn concordance(
    memory: &Memory,
    query: &Query,
    lang: Lang,
    limit: usize,
    document: Option<&str>,
) -> Result<Vec<Hit>> {
    let expression = query.index_expression();
    let mut hits = Vec::new();
    for scope in memory.scopes(lang, document)? {
        if hits.len() >= limit {
            break;
        }
        memory.index_matches(&scope, &expression, |id| {
            let Some(unit) = memory.find_unit(id)? else {
                return Ok(true);
            };
            let text = scope.side.of(&unit);
            if let Some(found) = query.find(text) {
                let occurrences = found
                    .into_iter()
                    .map(|r| Occurrence {
                        start: r.start,
                        end: r.end,
                        text: text[r].to_string(),
                    })
                    .collect();
                hits.push(Hit {
                    id: unit.id,
                    document: unit.document,
                    status: unit.status,
                    matched: scope.side,
                    source: unit.source,
                    target: unit.target,
                    occurrences,
                });
            }
            Ok(hits.len() < limit)
        })?;
    }
    hits.sort_by_key(|h| h.id);
    Ok(hits)
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

    fn texts(m: &Memory, query: &str, lang: Lang) -> Vec<Vec<String>> {
        let q = Query::parse(query).unwrap();
        concordance(m, &q, lang, 100, None)
            .unwrap()
            .into_iter()
            .map(|h| h.occurrences.into_iter().map(|o| o.text).collect())
            .collect()
    }

    #[test]
    fn queries_are_words_phrases_and_prefixes() {
        let q = Query::parse("قوات \"الأمن  الكازاخية\" Kazakh*").unwrap();
        let norms: Vec<Vec<(&str, bool)>> = q
            .parts
            .iter()
            .map(|p| p.iter().map(|w| (w.norm.as_str(), w.prefix)).collect())
            .collect();
        assert_eq!(
            norms,
            [
                vec![("قوات", false)],
                vec![("الامن", false), ("الكازاخيه", false)],
                vec![("kazakh", true)]
            ]
        );
        // on the command line, an argument of several words is a phrase
        let args =
            |a: &[&str]| Query::from_args(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(args(&["قوات الأمن"]).unwrap().parts.len(), 1);
        assert_eq!(args(&["قوات", "الأمن"]).unwrap().parts.len(), 2);
        assert_eq!(args(&["\"قوات الأمن\" البلاد"]).unwrap().parts.len(), 2);
        assert!(args(&["", "؟"]).is_err());
        let q = Query::parse("«قوات الأمن» Kazakhstan's").unwrap();
        assert_eq!(q.parts.len(), 2);
        assert_eq!(q.parts[1].len(), 2);
        assert!(Query::parse(" \"\" ؟ ").is_err());
    }

    #[test]
    fn a_word_is_found_behind_its_clitics_and_highlighted_whole() {
        let m = memory();
        let hits = texts(&m, "قال", Lang::Ar);
        let all: Vec<&str> = hits.iter().flatten().map(String::as_str).collect();
        assert!(all.contains(&"قال"), "{all:?}");
        assert!(all.contains(&"وقال"), "{all:?}");
        // and its inflections: قالت (she said)
        assert!(all.contains(&"وقالت"), "{all:?}");
        // words of the article behind a preposition, with the article's alef dropped after ل
        let forces = texts(&m, "قوات", Lang::Ar);
        assert!(forces.iter().flatten().any(|w| w == "لقوات"));
        assert_eq!(texts(&m, "الحكومة", Lang::Ar), [["للحكومة"], ["الحكومة"]]);
        let fuel = texts(&m, "الوقود", Lang::Ar);
        assert!(fuel.iter().flatten().any(|w| w == "بالوقود"), "{fuel:?}");
    }

    #[test]
    fn short_words_are_found_too() {
        // في has two letters, too short for a trigram index; وفي counts as في
        let m = memory();
        let hits = texts(&m, "في", Lang::Ar);
        assert!(hits.len() >= 5);
        assert!(hits.iter().flatten().any(|w| w == "وفي"));
        assert!(!hits.iter().flatten().any(|w| w == "فيها"));
    }

    #[test]
    fn a_phrase_must_be_consecutive_and_in_order() {
        let m = memory();
        let phrase = texts(&m, "\"قوات الأمن\"", Lang::Ar);
        assert!(!phrase.is_empty());
        assert!(phrase.iter().flatten().all(|o| o.ends_with("الأمن")));
        assert!(texts(&m, "\"الأمن قوات\"", Lang::Ar).is_empty());
        // unquoted, the words may be apart
        assert!(texts(&m, "قوات الأمن", Lang::Ar).len() >= phrase.len());
    }

    #[test]
    fn diacritics_and_case_do_not_matter() {
        let m = memory();
        assert_eq!(texts(&m, "سمع", Lang::Ar), [["سُمع"]]);
        let upper = texts(&m, "TOKAYEV", Lang::En);
        assert!(upper.len() >= 5);
        assert!(upper[0].iter().all(|w| w == "Tokayev"));
    }

    #[test]
    fn hits_carry_the_translation_and_the_offsets() {
        let m = memory();
        let q = Query::parse("Almaty").unwrap();
        let hits = concordance(&m, &q, Lang::En, 2, None).unwrap();
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].matched, Side::Target);
        assert!(hits[0].source.contains("ألماتي"));
        let o = &hits[0].occurrences[0];
        assert_eq!(&hits[0].target[o.start..o.end], "Almaty");
        let prefix = Query::parse("كازاخ*").unwrap();
        let hits = concordance(&m, &prefix, Lang::Ar, 100, None).unwrap();
        let words: Vec<&str> = hits
            .iter()
            .flat_map(|h| h.occurrences.iter().map(|o| o.text.as_str()))
            .collect();
        assert!(
            words.contains(&"الكازاخي") && words.contains(&"كازاخستان"),
            "{words:?}"
        );
    }
}

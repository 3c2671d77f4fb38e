//! The form checks a CAT tool's QA has (Xbench, Okapi CheckMate, Verifika), for the slips they
//! catch in these pairs: brackets and quotation marks, inline markup from another tool's TMX,
//! a word typed twice, whitespace at the ends. They compare the two sides' form, not their
//! meaning.

use std::ops::Range;

use super::evidence::{PairWords, quote_mark};
use super::{Finding, Kind, Pair};
use crate::text::normalize::Word;

/// Runs the form checks on a pair.
pub fn check(pair: &Pair, words: &PairWords) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |kind: Kind, message: String, source, target| {
        out.push(Finding {
            unit: pair.id,
            kind,
            severity: kind.severity(),
            message,
            source_spans: source,
            target_spans: target,
        })
    };
    if let Some((message, source, target)) = brackets(pair.source, pair.target) {
        add(Kind::Brackets, message, source, target);
    }
    if let Some((message, target)) = quotes(pair.source, pair.target) {
        add(Kind::Quotes, message, vec![], target);
    }
    if let Some(message) = markup(pair.source_markup, pair.target_markup) {
        add(Kind::Markup, message, vec![], vec![]);
    }
    if let Some((word, span)) = doubled_word(pair.target, &words.target)
        && doubled_word(pair.source, &words.source)
            .is_none_or(|(w, _)| w.to_lowercase() != word.to_lowercase())
    {
        add(
            Kind::DoubledWord,
            format!("'{word}' twice in a row in the target"),
            vec![],
            vec![span],
        );
    }
    if let Some((message, source, target)) = whitespace(pair.source, pair.target) {
        add(Kind::Whitespace, message, source, target);
    }
    out
}

const BRACKETS: [(char, char); 3] = [('(', ')'), ('[', ']'), ('{', '}')];

/// Positions of each bracket kind's opening and closing marks.
fn bracket_marks(text: &str, open: char, close: char) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let mut opens = Vec::new();
    let mut closes = Vec::new();
    for (i, c) in text.char_indices() {
        if c == open {
            opens.push(i..i + 1);
        } else if c == close {
            closes.push(i..i + 1);
        }
    }
    (opens, closes)
}

/// Brackets unbalanced in the target while balanced in the source, or pairs of brackets that
/// are in one side and not in the other.
#[allow(clippy::type_complexity)]
fn brackets(source: &str, target: &str) -> Option<(String, Vec<Range<usize>>, Vec<Range<usize>>)> {
    for (open, close) in BRACKETS {
        let (so, sc) = bracket_marks(source, open, close);
        let (to, tc) = bracket_marks(target, open, close);
        if so.len() == sc.len() && to.len() != tc.len() {
            let mut spans = to.clone();
            spans.extend(tc.clone());
            return Some((
                format!(
                    "the target's brackets are unbalanced: {} '{open}' and {} '{close}'",
                    to.len(),
                    tc.len()
                ),
                vec![],
                spans,
            ));
        }
        if so.len() == sc.len() && to.len() == tc.len() && so.len() != to.len() {
            let mut s = so.clone();
            s.extend(sc);
            let mut t = to.clone();
            t.extend(tc);
            return Some((
                format!(
                    "the source has {} '{open}…{close}' and the target {}",
                    so.len(),
                    to.len()
                ),
                s,
                t,
            ));
        }
    }
    None
}

/// Double quotation marks of a text: straight, curly and guillemets.
fn quote_marks(text: &str) -> Vec<Range<usize>> {
    text.char_indices()
        .filter(|&(_, c)| quote_mark(c))
        .map(|(i, c)| i..i + c.len_utf8())
        .collect()
}

/// An odd number of double quotation marks in the target where the source has an even number.
fn quotes(source: &str, target: &str) -> Option<(String, Vec<Range<usize>>)> {
    let (s, t) = (quote_marks(source), quote_marks(target));
    (s.len() % 2 == 0 && t.len() % 2 == 1).then(|| {
        (
            format!(
                "the target has {} double quotation mark{}: one is not closed",
                t.len(),
                if t.len() == 1 { "" } else { "s" }
            ),
            t,
        )
    })
}

/// Inline codes (`<bpt>`, `<ept>`, `<ph>`, `<it>`, `<hi>`, `<ut>`) of a TMX segment's markup.
fn codes(markup: Option<&str>) -> usize {
    let Some(m) = markup else { return 0 };
    ["<bpt", "<ept", "<ph", "<it", "<hi", "<ut"]
        .iter()
        .map(|tag| m.matches(tag).count())
        .sum()
}

/// The source's inline markup has more codes than the target's.
fn markup(source: Option<&str>, target: Option<&str>) -> Option<String> {
    let (s, t) = (codes(source), codes(target));
    (s > t).then(|| {
        format!("the source has {s} inline code(s) (formatting, placeholders) and the target {t}: some were lost")
    })
}

/// Words that may legitimately come twice ("had had", "that that").
const MAY_REPEAT: &[&str] = &["had", "that", "is", "في", "ما", "من"];

/// The same word twice in a row (after normalisation), with only spaces between.
fn doubled_word(text: &str, words: &[Word]) -> Option<(String, Range<usize>)> {
    words.windows(2).find_map(|w| {
        let between = &text[w[0].span.end..w[1].span.start];
        // the first is the last part of a hyphenated word (`Moon Jae-in in the past`)
        let hyphenated = text[..w[0].span.start].ends_with(['-', '\u{2010}', '\u{2011}']);
        let same = w[0].norm == w[1].norm
            && w[0].norm.chars().any(char::is_alphabetic)
            && between.chars().all(char::is_whitespace)
            && !hyphenated
            && !MAY_REPEAT.contains(&w[0].norm.as_str());
        same.then(|| {
            (
                text[w[1].span.clone()].to_string(),
                w[0].span.start..w[1].span.end,
            )
        })
    })
}

/// Leading or trailing whitespace on one side and not on the other.
#[allow(clippy::type_complexity)]
fn whitespace(
    source: &str,
    target: &str,
) -> Option<(String, Vec<Range<usize>>, Vec<Range<usize>>)> {
    let lead = |t: &str| t.len() - t.trim_start().len();
    let trail = |t: &str| t.len() - t.trim_end().len();
    let spans = |t: &str| {
        let mut v = Vec::new();
        if lead(t) > 0 {
            v.push(0..lead(t));
        }
        if trail(t) > 0 && !t.trim().is_empty() {
            v.push(t.len() - trail(t)..t.len());
        }
        v
    };
    let differ =
        (lead(source) > 0) != (lead(target) > 0) || (trail(source) > 0) != (trail(target) > 0);
    differ.then(|| {
        (
            "leading or trailing whitespace differs between the sides".to_string(),
            spans(source),
            spans(target),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_lost_or_unbalanced_are_found() {
        assert!(brackets("(أ) ب", "(a) b").is_none());
        let (m, _, t) = brackets("(أ) ب", "(a b").unwrap();
        assert!(m.contains("unbalanced"), "{m}");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0], 0..1);
        let (m, s, _) = brackets("ويلز (MWPs)", "Wales MWPs").unwrap();
        assert!(m.contains("the target 0"), "{m}");
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn an_unclosed_quotation_mark_is_found() {
        assert!(quotes("قال «نعم»", "he said \"yes\"").is_none());
        assert!(quotes("قال «نعم»", "he said \"yes").is_some());
        // the source's own imbalance is not the translator's
        assert!(quotes("قال «نعم", "he said \"yes").is_none());
    }

    #[test]
    fn lost_inline_codes_are_found() {
        let s = Some(r#"Click <bpt i="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept>"#);
        assert!(markup(s, s).is_none());
        assert!(markup(s, None).is_some());
        assert!(markup(None, None).is_none());
    }

    fn doubled_word(text: &str) -> Option<(String, Range<usize>)> {
        super::doubled_word(text, &crate::text::normalize::word_spans(text))
    }

    #[test]
    fn a_word_typed_twice_is_found() {
        let (w, span) = doubled_word("He said the the police came").unwrap();
        assert_eq!(w, "the");
        assert_eq!(&"He said the the police came"[span], "the the");
        assert!(doubled_word("He had had enough").is_none());
        assert!(doubled_word("the 2, 2 cases").is_none());
        assert!(doubled_word("the. The end").is_none());
        assert!(doubled_word("South Korean leader Moon Jae-in in the past").is_none());
    }

    #[test]
    fn whitespace_at_the_ends_is_compared() {
        assert!(whitespace("أ", "a").is_none());
        assert!(whitespace(" أ", " a").is_none());
        let (_, s, t) = whitespace("أ", "a ").unwrap();
        assert!(s.is_empty());
        assert_eq!(t.len(), 1);
        assert_eq!(t[0], 1..2);
    }
}

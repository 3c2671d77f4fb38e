//! Sentence segmentation, per language, returning byte spans into the original text.
//!
//! The segmenter is lossless: the text outside the returned spans is whitespace only, so the
//! sentences joined with the whitespace between them give back the input byte for byte.
//!
//! How it decides: candidate break positions come from the Unicode sentence boundaries
//! (UAX #29, via `unicode-segmentation`), from every run of sentence-final punctuation
//! (`.` `!` `?` `؟` `…` `۔`, with the closing quotes and brackets after it), and from every line
//! end. At each candidate the language's rule table ([`rules`]) decides; where no rule matches,
//! the UAX #29 boundary stands.

pub mod rules;

use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::Lang;
use rules::{Action, Rule, WINDOW};

/// A sentence: a byte range of the text, without surrounding whitespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// The sentence's text.
    pub fn text(self, text: &str) -> &str {
        &text[self.start..self.end]
    }
}

/// A rule table compiled for one language.
pub struct Segmenter {
    rules: Vec<CompiledRule>,
}

struct CompiledRule {
    rule: Rule,
    before: Regex,
    after: Regex,
}

impl Segmenter {
    /// Compiles the rule table of `lang`.
    pub fn new(lang: Lang) -> Segmenter {
        let rules = rules::table(lang)
            .into_iter()
            .map(|rule| CompiledRule {
                rule,
                before: Regex::new(&format!("(?:{})$", rule.before))
                    .unwrap_or_else(|e| panic!("rule '{}' before: {e}", rule.name)),
                after: Regex::new(&format!("^(?:{})", rule.after))
                    .unwrap_or_else(|e| panic!("rule '{}' after: {e}", rule.name)),
            })
            .collect();
        Segmenter { rules }
    }

    /// The shared segmenter of a language, compiled on first use.
    pub fn of(lang: Lang) -> &'static Segmenter {
        static AR: OnceLock<Segmenter> = OnceLock::new();
        static EN: OnceLock<Segmenter> = OnceLock::new();
        match lang {
            Lang::Ar => AR.get_or_init(|| Segmenter::new(Lang::Ar)),
            Lang::En => EN.get_or_init(|| Segmenter::new(Lang::En)),
        }
    }

    /// Splits `text` into sentences.
    pub fn split(&self, text: &str) -> Vec<Span> {
        let uax = uax_boundaries(text);
        let mut candidates = uax.clone();
        candidates.extend(punctuation_and_line_ends(text));
        candidates.sort_unstable();
        candidates.dedup();

        let mut spans = Vec::new();
        let mut start = 0;
        for p in candidates {
            if p == 0 || p >= text.len() {
                continue;
            }
            let brk = match self.decide(text, p) {
                Some(rule) => rule.action == Action::Break,
                None => uax.binary_search(&p).is_ok(),
            };
            if brk {
                push_trimmed(&mut spans, text, start, p);
                start = p;
            }
        }
        push_trimmed(&mut spans, text, start, text.len());
        spans
    }

    /// The first rule that matches at byte position `p`, if any.
    pub fn decide(&self, text: &str, p: usize) -> Option<&Rule> {
        let before = &text[boundary_at_or_after(text, p.saturating_sub(WINDOW))..p];
        let after = &text[p..boundary_at_or_before(text, (p + WINDOW).min(text.len()))];
        self.rules
            .iter()
            .find(|r| r.before.is_match(before) && r.after.is_match(after))
            .map(|r| &r.rule)
    }
}

/// Splits `text` into sentences with the rules of `lang`.
pub fn split(text: &str, lang: Lang) -> Vec<Span> {
    Segmenter::of(lang).split(text)
}

/// One sentence per line: the non-blank lines of `text`, trimmed (for pre-split input).
pub fn lines(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices('\n') {
        push_trimmed(&mut spans, text, start, i);
        start = i + 1;
    }
    push_trimmed(&mut spans, text, start, text.len());
    spans
}

/// UAX #29 sentence boundaries, each moved back to the end of the sentence's content.
fn uax_boundaries(text: &str) -> Vec<usize> {
    let mut out: Vec<usize> = text
        .split_sentence_bound_indices()
        .map(|(i, _)| trim_end_at(text, i))
        .filter(|&p| p > 0)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Positions after every run of sentence-final punctuation (with closers), and at line ends.
fn punctuation_and_line_ends(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_terminal(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if is_terminal(d) || is_closer(d) {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(end);
        } else if is_line_end(c) {
            out.push(trim_end_at(text, i));
        }
    }
    out
}

fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '\u{2026}' | '\u{203C}' | '\u{2047}'
            ..='\u{2049}' | '\u{061F}' | '\u{06D4}'
    )
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '\u{2019}' | '\u{201D}' | '\u{00BB}' | '\u{203A}' | ')' | ']' | '}'
    )
}

fn is_line_end(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}')
}

/// Moves `p` back over whitespace.
fn trim_end_at(text: &str, p: usize) -> usize {
    text[..p].trim_end().len()
}

fn push_trimmed(spans: &mut Vec<Span>, text: &str, start: usize, end: usize) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        let s = start + lead;
        spans.push(Span {
            start: s,
            end: s + trimmed.len(),
        });
    }
}

fn boundary_at_or_after(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn boundary_at_or_before(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests;

//! `bitext lookup`: fuzzy matches of a sentence, with their translations.

use std::ops::Range;
use std::path::Path;

use anstyle::{AnsiColor, Style};

use super::Context;
use super::output::{Out, escape, escape_text};
use crate::Lang;
use crate::error::Result;
use crate::search::lookup::{Match, Options, lookup};
use crate::store::Side;

/// Find stored pairs like a sentence: fuzzy matches, best first, with their translations.
///
/// The match percentage compares normalised words — diacritics, tatweel, alef forms, ى/ي, ة/ه,
/// digit shapes, punctuation, spacing and case do not count:
///
///   score = round(100 × (1 − d / max(n, m)))
///
/// where d is the word-level edit distance (a word inserted, deleted or replaced costs 1) and n
/// and m are the numbers of words of TEXT and of the stored sentence. Only identical text scores
/// 100; text identical after normalisation scores 99 and is marked "normalised"; every other
/// match is capped at 99. Numbers are placeables, as in CAT tools: d counts them as one word,
/// and each number that differs costs one point instead (a sentence that differs only in one
/// number scores 98), and they are listed as "numbers: 20 → 200". The words that differ are
/// highlighted in the match and listed under it. Candidates come from the memory's search
/// index, so lookups stay fast as it grows.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sentence to look up (- reads it from standard input)
    text: String,
    /// Language of TEXT (default: ar if it has an Arabic letter, else en)
    #[arg(long, value_parser = super::parse_lang, value_name = "LANG")]
    lang: Option<Lang>,
    /// Lowest match percentage to show (0-100)
    #[arg(long, default_value_t = 70, value_parser = clap::value_parser!(u8).range(0..=100), value_name = "PERCENT")]
    min: u8,
    /// Most matches to show
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..), value_name = "N")]
    limit: u32,
    /// Only this document's pairs
    #[arg(long, value_name = "NAME")]
    document: Option<String>,
    /// Print a JSON array of matches: {"id", "score", "normalised", "matched" (the side that
    /// matched: source or target), "source", "target", "document", "status", "note",
    /// "only_in_text", "only_in_match" (words, numbers apart), "numbers" ([{"text", "match"}]:
    /// the numbers that differ, paired in order)}
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let text = if args.text == "-" {
        crate::input::read_text(Path::new("-"))?
    } else {
        args.text
    };
    let memory = ctx.read_memory()?;
    let options = Options {
        lang: args.lang,
        min: args.min,
        limit: args.limit as usize,
        document: args.document.as_deref(),
    };
    let matches = lookup(&memory, &text, &options)?;
    if args.json {
        return ctx.out.json(&matches);
    }
    for m in &matches {
        print_match(&mut ctx.out, m)?;
    }
    if matches.is_empty() {
        eprintln!("no match of {}% or more", args.min);
    }
    Ok(())
}

fn print_match(out: &mut Out, m: &Match) -> Result<()> {
    let colour = match m.score {
        95.. => AnsiColor::Green,
        75.. => AnsiColor::Yellow,
        _ => AnsiColor::Red,
    };
    let mut score = out.paint(
        Style::new().fg_color(Some(colour.into())),
        &format!("{}%", m.score),
    );
    if m.normalised {
        score.push_str(" normalised");
    }
    let header = format!("#{}  {}  {score}  {}", m.id, escape(&m.document), m.status);
    let marked = highlight(out, matched_text(m), &m.differences);
    let (source, target) = match m.matched {
        Side::Source => (marked, escape_text(&m.target).into_owned()),
        Side::Target => (escape_text(&m.source).into_owned(), marked),
    };
    out.pair(&header, &source, &target)?;
    if !m.numbers.is_empty() {
        let pairs: Vec<String> = m
            .numbers
            .iter()
            .map(|n| {
                let side = |x: &Option<String>| x.clone().unwrap_or_else(|| "–".into());
                escape(&format!("{} → {}", side(&n.text), side(&n.matched))).into_owned()
            })
            .collect();
        out.line(&format!("  numbers: {}", pairs.join(", ")))?;
    }
    if !m.only_in_text.is_empty() {
        let words = escape(&m.only_in_text.join(" ")).into_owned();
        out.line(&format!("  not in the match: {words}"))?;
    }
    if !m.only_in_match.is_empty() {
        let words = out.paint(differs(), &escape(&m.only_in_match.join(" ")));
        out.line(&format!("  only in the match: {words}"))?;
    }
    if let Some(note) = &m.note {
        out.line(&format!("  note: {}", escape(note)))?;
    }
    Ok(())
}

fn matched_text(m: &Match) -> &str {
    match m.matched {
        Side::Source => &m.source,
        Side::Target => &m.target,
    }
}

fn differs() -> Style {
    Style::new()
        .fg_color(Some(AnsiColor::Red.into()))
        .bold()
        .underline()
}

/// `text` with the byte ranges `marks` painted (each word on its own, so that wrapping never
/// carries a colour into the next column), escaped for the terminal (see [`escape_text`]).
pub(crate) fn highlight(out: &Out, text: &str, marks: &[Range<usize>]) -> String {
    highlight_with(out, text, marks, differs())
}

pub(crate) fn highlight_with(
    out: &Out,
    text: &str,
    marks: &[Range<usize>],
    style: Style,
) -> String {
    let mut result = String::with_capacity(text.len());
    let mut at = 0;
    for r in marks {
        if r.start < at || r.end > text.len() {
            continue;
        }
        result.push_str(&escape_text(&text[at..r.start]));
        let painted: Vec<String> = text[r.clone()]
            .split(' ')
            .map(|w| {
                if w.is_empty() {
                    String::new()
                } else {
                    out.paint(style, &escape_text(w))
                }
            })
            .collect();
        result.push_str(&painted.join(" "));
        at = r.end;
    }
    result.push_str(&escape_text(&text[at..]));
    result
}

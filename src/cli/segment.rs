//! `bitext segment`: split a text into sentences.

use std::path::PathBuf;

use serde::Serialize;

use super::Context;
use super::output::escape_text;
use crate::Lang;
use crate::error::Result;

/// Split a text into sentences, one per line.
///
/// The sentences, with the whitespace between them, give back the input exactly; --json shows
/// each sentence's byte offsets into the input.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Language of the text: ar or en
    #[arg(long, value_parser = super::parse_lang)]
    lang: Lang,
    /// The text file (UTF-8); - or nothing reads standard input
    #[arg(default_value = "-")]
    file: PathBuf,
    /// Print a JSON array of {"index", "start", "end", "text"} (byte offsets into the input)
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Sentence<'a> {
    index: usize,
    start: usize,
    end: usize,
    text: &'a str,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let text = crate::input::read_text(&args.file)?;
    let spans = crate::segment::split(&text, args.lang);
    if args.json {
        let sentences: Vec<Sentence> = spans
            .iter()
            .enumerate()
            .map(|(index, s)| Sentence {
                index,
                start: s.start,
                end: s.end,
                text: s.text(&text),
            })
            .collect();
        return ctx.out.json(&sentences);
    }
    for s in &spans {
        // a soft-wrapped sentence keeps its line break in the text; here it reads as one line
        let one_line = s
            .text(&text)
            .split(['\r', '\n'])
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        ctx.out.line(&escape_text(&one_line))?;
    }
    Ok(())
}

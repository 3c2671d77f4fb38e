//! `bitext concordance`: a word or phrase in the stored sentences, with its translations.

use anstyle::{AnsiColor, Style};

use super::Context;
use super::lookup::highlight_with;
use super::output::{escape, escape_text};
use crate::Lang;
use crate::error::Result;
use crate::search::concordance::{Query, concordance};
use crate::store::Side;

/// Find a word or a phrase in the stored sentences, shown in context with the translation.
///
/// Each argument is a word or a phrase. A phrase — an argument of several words, quoted for the
/// shell ("قوات الأمن") — must occur with its words together and in order; separate arguments
/// must all occur, anywhere in the sentence. Inside one argument, double quotes also mark a
/// phrase ('"قوات الأمن" البلاد'). End a word with * to find every word that starts with it
/// (كازاخ*). Matching ignores diacritics, tatweel, alef forms, ى/ي, ة/ه, digit shapes,
/// punctuation and case, and sees through Arabic clitics: قال finds وقال and فقال, الحكومة finds
/// والحكومة and للحكومة, في finds وفي. Hits come from the memory's search index, in id order.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The word(s) or phrase(s) to find
    #[arg(required = true, value_name = "QUERY")]
    query: Vec<String>,
    /// Language of the query (default: ar if it has an Arabic letter, else en)
    #[arg(long, value_parser = super::parse_lang, value_name = "LANG")]
    lang: Option<Lang>,
    /// Most hits to show
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..), value_name = "N")]
    limit: u32,
    /// Only this document's pairs
    #[arg(long, value_name = "NAME")]
    document: Option<String>,
    /// Print a JSON array of hits: {"id", "document", "status", "matched" (the side the query
    /// is in), "source", "target", "occurrences": [{"start", "end", "text"}]} (byte offsets)
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let query = Query::from_args(&args.query)?;
    let lang = args
        .lang
        .unwrap_or_else(|| Lang::detect(&args.query.join(" ")));
    let memory = ctx.read_memory()?;
    let limit = args.limit as usize;
    let hits = concordance(&memory, &query, lang, limit, args.document.as_deref())?;
    if args.json {
        return ctx.out.json(&hits);
    }
    let style = Style::new()
        .fg_color(Some(AnsiColor::Yellow.into()))
        .bold()
        .underline();
    for h in &hits {
        let header = format!("#{}  {}  {}", h.id, escape(&h.document), h.status);
        let marks: Vec<_> = h.occurrences.iter().map(|o| o.start..o.end).collect();
        let (source, target) = match h.matched {
            Side::Source => (
                highlight_with(&ctx.out, &h.source, &marks, style),
                escape_text(&h.target).into_owned(),
            ),
            Side::Target => (
                escape_text(&h.source).into_owned(),
                highlight_with(&ctx.out, &h.target, &marks, style),
            ),
        };
        ctx.out.pair(&header, &source, &target)?;
    }
    ctx.out.flush()?;
    match hits.len() {
        0 => eprintln!("not found"),
        n if n == limit => eprintln!("the first {n} hits; --limit shows more"),
        _ => {}
    }
    Ok(())
}

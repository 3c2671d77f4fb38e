//! `bitext list`: read the stored pairs.

use unicode_width::UnicodeWidthChar;

use super::Context;
use super::output::{escape, escape_text, range_label};
use crate::error::Result;
use crate::store::{Status, Unit, UnitFilter, UnitSort};

/// List the aligned pairs of the memory, side by side (or one line a pair with --brief); pairs
/// with findings of the QA checks are marked with a line naming them (see 'bitext check').
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this document's pairs
    #[arg(long, value_name = "NAME")]
    document: Option<String>,
    /// Only pairs with this review status (draft, reviewed, approved, rejected); repeatable
    #[arg(long, value_parser = super::parse_status, value_name = "STATUS")]
    status: Vec<Status>,
    /// Only pairs whose alignment score is at least X
    #[arg(long, value_parser = parse_score, value_name = "X")]
    min_score: Option<f64>,
    /// Only pairs whose alignment score is below X (pairs without a score are left out)
    #[arg(long, value_parser = parse_score, value_name = "X")]
    max_score: Option<f64>,
    /// Order: position (document order), score (lowest first: the pairs most likely wrong
    /// come first), changed (latest change first)
    #[arg(long, value_enum, default_value_t = Sort::Position)]
    sort: Sort,
    /// At most N pairs
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..), value_name = "N")]
    limit: Option<u64>,
    /// One line a pair: id, score, status, sentences, and the two texts shortened to fit
    #[arg(long, conflicts_with = "json")]
    brief: bool,
    /// Print a JSON array of units
    #[arg(long)]
    json: bool,
}

/// The orders `list --sort` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Sort {
    Position,
    Score,
    Changed,
}

/// A score as typed: a number from 0 to 1.
pub(crate) fn parse_score(s: &str) -> std::result::Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|x| (0.0..=1.0).contains(x))
        .ok_or_else(|| format!("'{s}' is not a score (a number from 0 to 1)"))
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let memory = ctx.read_memory()?;
    let filter = UnitFilter {
        document: args.document,
        statuses: args.status,
        min_score: args.min_score,
        max_score: args.max_score,
        sort: match args.sort {
            Sort::Position => UnitSort::Position,
            Sort::Score => UnitSort::Score,
            Sort::Changed => UnitSort::Changed,
        },
        offset: None,
        limit: args.limit.map(|n| n as usize),
    };
    let units = memory.units(&filter)?;
    if args.json {
        return ctx.out.json(&units);
    }
    // pairs with findings of the QA checks are marked (bitext check tells more)
    let (findings, _) = crate::check::findings_by_unit(&memory, &filter)?;
    for u in &units {
        let found = findings.get(&u.id);
        if args.brief {
            let line = brief_line(ctx, u, found.is_some());
            ctx.out.line(&line)?;
        } else {
            print_unit(ctx, u)?;
        }
        if let (Some(found), false) = (found, args.brief) {
            let line = mark_line(ctx, found);
            ctx.out.line(&line)?;
        }
    }
    if units.is_empty() {
        eprintln!("no units match");
    } else if args.limit.is_some() {
        let all = memory.count_units(&filter)?;
        if all > units.len() as u64 {
            eprintln!(
                "the first {} of {all} pairs; a larger --limit shows more",
                units.len()
            );
        }
    }
    Ok(())
}

/// `  ! error: misaligned; warning: name_mismatch` for a unit's findings (the worst first).
fn mark_line(ctx: &Context, found: &[crate::check::Finding]) -> String {
    let mut kinds: Vec<(crate::check::Severity, crate::check::Kind)> =
        found.iter().map(|f| (f.severity, f.kind)).collect();
    kinds.sort_by(|a, b| b.cmp(a));
    kinds.dedup();
    let text: Vec<String> = kinds.iter().map(|(s, k)| format!("{s}: {k}")).collect();
    let bang = ctx.out.paint(
        anstyle::Style::new()
            .fg_color(Some(anstyle::AnsiColor::Yellow.into()))
            .bold(),
        "!",
    );
    format!("  {bang} {}", text.join("; "))
}

/// Prints one unit: a header with its id, document, sentences, score and status, then its
/// two sides side by side, then its note.
pub(crate) fn print_unit(ctx: &mut Context, u: &Unit) -> Result<()> {
    print_unit_as(ctx, u, &escape_text(&u.source), &escape_text(&u.target))
}

/// [`print_unit`] with the texts as they are to be shown: already escaped, perhaps marked (the
/// QA findings' spans highlighted, see `check::mark`).
pub(crate) fn print_unit_as(ctx: &mut Context, u: &Unit, source: &str, target: &str) -> Result<()> {
    let sentences = match (&u.source_range, &u.target_range) {
        (Some(s), Some(t)) => format!("  {} → {}", range_label(s), range_label(t)),
        _ => String::new(),
    };
    let header = format!(
        "#{}  {}{}  {}  {}",
        u.id,
        escape(&u.document),
        sentences,
        ctx.out.score(u.score),
        u.status
    );
    ctx.out.pair(&header, source, target)?;
    if let Some(note) = &u.note {
        ctx.out.line(&format!("  note: {}", escape(note)))?;
    }
    Ok(())
}

/// One line for a unit: `! #12    0.43  draft     3 → 3-4      source… │ target…` (the `!`
/// when the QA checks found something), the two texts sharing what the width leaves, each on
/// one line with its control characters escaped.
fn brief_line(ctx: &Context, u: &Unit, flagged: bool) -> String {
    let sentences = match (&u.source_range, &u.target_range) {
        (Some(s), Some(t)) => format!("{} → {}", range_label(s), range_label(t)),
        _ => "-".to_string(),
    };
    let score = match u.score {
        Some(s) => format!("{s:.2}"),
        None => "-".to_string(),
    };
    let plain = format!(
        "! #{:<5} {score:>4}  {:<8}  {sentences:<11}  ",
        u.id,
        u.status.as_str()
    );
    let used = plain.chars().count() + 3;
    let column = (ctx.out.width.saturating_sub(used) / 2).max(8);
    let flag = if flagged {
        ctx.out.paint(
            anstyle::Style::new()
                .fg_color(Some(anstyle::AnsiColor::Yellow.into()))
                .bold(),
            "!",
        )
    } else {
        " ".to_string()
    };
    let coloured = format!(
        "{flag} #{:<5} {}{}  {:<8}  {sentences:<11}  ",
        u.id,
        " ".repeat(4usize.saturating_sub(score.len())),
        ctx.out.score(u.score),
        u.status.as_str()
    );
    let source = shorten(&one_line(&u.source), column);
    let pad = column.saturating_sub(textwrap::core::display_width(&source));
    format!(
        "{coloured}{source}{:pad$} │ {}",
        "",
        shorten(&one_line(&u.target), column)
    )
}

/// A text on one line: runs of white space become one space, and characters that would act
/// on the terminal (control characters, and the bidi embeddings, overrides and isolates that
/// would reorder the line) are written as escapes such as `\u{1b}`.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            } else {
                out.push(c);
            }
        }
    }
    out
}

/// `text` cut to `width` display columns, with `…` where it was cut.
fn shorten(text: &str, width: usize) -> String {
    if textwrap::core::display_width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_escapes_what_would_act_on_the_terminal() {
        assert_eq!(one_line("a\n\n b\tc"), "a b c");
        assert_eq!(one_line("x\u{1b}[31my"), "x\\u{1b}[31my");
        assert_eq!(one_line("\u{202E}abc"), "\\u{202e}abc");
        // Arabic stays as it is, in logical order
        assert_eq!(one_line("قال توقاييف"), "قال توقاييف");
    }

    #[test]
    fn shortening_fits_the_width() {
        assert_eq!(shorten("abcdef", 6), "abcdef");
        assert_eq!(shorten("abcdefgh", 6), "abcde…");
        let arabic = shorten("وقالت وزارة الداخلية إن قوات الأمن", 10);
        assert!(textwrap::core::display_width(&arabic) <= 10, "{arabic}");
        assert!(arabic.starts_with("وقالت"));
    }

    #[test]
    fn scores_are_numbers_from_0_to_1() {
        assert_eq!(parse_score("0.5"), Ok(0.5));
        assert!(parse_score("1.5").is_err());
        assert!(parse_score("x").is_err());
        assert!(parse_score("NaN").is_err());
    }
}

//! `bitext check`: find the pairs that are probably wrong.

use std::io::IsTerminal;
use std::ops::Range;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use super::Context;
use super::output::{Out, escape, escape_text};
use crate::check::{self, Finding, Kind, Report, Selection, Severity};
use crate::error::{Error, Result};
use crate::store::{Status, UnitFilter};

/// Check the memory's pairs for translation errors and print what was found.
///
/// Every pair is checked for: numbers that differ between the sides (digits of any script,
/// number words of both languages), a target left untranslated, an empty side, one side much
/// shorter than the document's length model expects (omission), sides that do not translate
/// each other (misaligned: word translations learnt from the memory's trusted pairs, numbers and
/// names together), a name with no counterpart, the same source translated differently
/// elsewhere (inconsistent), a low alignment score, and brackets, quotation marks, inline
/// markup, doubled words and whitespace as a CAT tool's QA checks them.
///
/// Findings are grouped by pair, with what they are about highlighted (in colour on a
/// terminal, else [in brackets]). Exit code 0, or 1 with --fail-on when a finding at that
/// severity or above was printed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this document's pairs (the models still learn from the whole memory)
    #[arg(long, value_name = "NAME")]
    document: Option<String>,
    /// Only pairs with this review status (draft, reviewed, approved, rejected); repeatable
    #[arg(long, value_parser = super::parse_status, value_name = "STATUS")]
    status: Vec<Status>,
    /// Only findings of this kind (number_mismatch, untranslated, empty, omission, misaligned,
    /// name_mismatch, inconsistent, low_score, brackets, quotes, markup, doubled_word,
    /// whitespace); repeatable
    #[arg(long, value_parser = parse_kind, value_name = "KIND")]
    kind: Vec<Kind>,
    /// Only findings at least this serious (info, warning or error)
    #[arg(long, value_parser = parse_severity, value_name = "SEVERITY")]
    min_severity: Option<Severity>,
    /// Print a JSON array of findings: {"id", "document", "kind", "severity", "message",
    /// "source_spans", "target_spans"} (spans are [start, end] byte offsets into the pair's
    /// source and target)
    #[arg(long)]
    json: bool,
    /// Exit with code 1 when a finding at this severity or above is printed (warning or
    /// error; info fails on any finding)
    #[arg(long, value_parser = parse_severity, value_name = "SEVERITY")]
    fail_on: Option<Severity>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    id: i64,
    document: &'a str,
    kind: Kind,
    severity: Severity,
    message: &'a str,
    source_spans: Vec<[usize; 2]>,
    target_spans: Vec<[usize; 2]>,
}

/// Checks of at least this many pairs show a progress bar (when standard error is a terminal).
const PROGRESS_FROM: usize = 5_000;

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let memory = ctx.read_memory()?;
    let selection = Selection {
        filter: UnitFilter {
            document: args.document,
            statuses: args.status,
            ..UnitFilter::default()
        },
        kinds: args.kind,
        min_severity: args.min_severity,
    };
    let bar = std::sync::OnceLock::<indicatif::ProgressBar>::new();
    let progress = |done: usize, total: usize| {
        if total < PROGRESS_FROM || !std::io::stderr().is_terminal() {
            return;
        }
        let bar = bar.get_or_init(|| {
            indicatif::ProgressBar::new(total as u64).with_style(
                indicatif::ProgressStyle::with_template(
                    "checking {bar:40} {pos}/{len} pairs ({percent}%, {eta})",
                )
                .expect("a valid template"),
            )
        });
        bar.set_position(done as u64);
    };
    // only the pairs with findings are kept: a check of the whole memory never holds it
    let mut checked = 0;
    let mut pairs = Vec::new();
    let notes = check::check_each(&memory, &selection, &progress, |unit, findings| {
        checked += 1;
        if !findings.is_empty() {
            pairs.push((unit, findings));
        }
        Ok(())
    })?;
    let report = Report { pairs, notes };
    if let Some(bar) = bar.get() {
        bar.finish_and_clear();
    }
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    if args.json {
        let findings: Vec<JsonFinding> = report
            .findings()
            .map(|(u, f)| JsonFinding {
                id: u.unit.id,
                document: &u.unit.document,
                kind: f.kind,
                severity: f.severity,
                message: &f.message,
                source_spans: pairs_of(&f.source_spans),
                target_spans: pairs_of(&f.target_spans),
            })
            .collect();
        ctx.out.json(&findings)?;
    } else {
        print_report(ctx, &report, checked)?;
    }
    let worst = report.findings().map(|(_, f)| f.severity).max();
    if let Some(level) = args.fail_on
        && worst.is_some_and(|w| w >= level)
    {
        ctx.out.flush()?;
        return Err(Error::invalid(format!(
            "{} finding(s) at {level} or above",
            report
                .findings()
                .filter(|(_, f)| f.severity >= level)
                .count()
        )));
    }
    Ok(())
}

fn pairs_of(spans: &[Range<usize>]) -> Vec<[usize; 2]> {
    spans.iter().map(|r| [r.start, r.end]).collect()
}

/// Each pair with findings as `show` prints it, what they are about highlighted, then one line
/// per finding; a summary on standard error.
fn print_report(ctx: &mut Context, report: &Report, checked: usize) -> Result<()> {
    let mut pairs = 0;
    let mut counts = [0usize; 3];
    for (unit, findings) in &report.pairs {
        if findings.is_empty() {
            continue;
        }
        pairs += 1;
        let source = mark(
            &ctx.out,
            &unit.unit.source,
            findings.iter().flat_map(|f| &f.source_spans),
        );
        let target = mark(
            &ctx.out,
            &unit.unit.target,
            findings.iter().flat_map(|f| &f.target_spans),
        );
        super::list::print_unit_as(ctx, &unit.unit, &source, &target)?;
        for f in most_serious_first(findings) {
            counts[f.severity as usize] += 1;
            let line = finding_line(&ctx.out, f);
            ctx.out.line(&line)?;
        }
    }
    eprintln!(
        "{checked} pair(s) checked, {pairs} with findings: {} error(s), {} warning(s), {} info",
        counts[2], counts[1], counts[0]
    );
    Ok(())
}

/// `  error    misaligned: message`, the severity in colour.
pub(crate) fn finding_line(out: &Out, f: &Finding) -> String {
    let colour = match f.severity {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Info => AnsiColor::Cyan,
    };
    let severity = out.paint(
        Style::new().fg_color(Some(colour.into())).bold(),
        &format!("{:<7}", f.severity.as_str()),
    );
    format!("  {severity} {}: {}", f.kind, escape(&f.message))
}

/// `text` as the terminal shows it (control characters escaped, see `output::escape_text`)
/// with the byte ranges highlighted: in colour when colour is on, else between `[` and `]`.
/// Overlapping ranges are joined.
pub(crate) fn mark<'a>(
    out: &Out,
    text: &str,
    spans: impl IntoIterator<Item = &'a Range<usize>>,
) -> String {
    let mut spans: Vec<Range<usize>> = spans
        .into_iter()
        .filter(|r| r.start < r.end && r.end <= text.len())
        .filter(|r| text.is_char_boundary(r.start) && text.is_char_boundary(r.end))
        .cloned()
        .collect();
    // a span of a whole side is said by the finding's line; marking all of it helps nobody,
    // and joined with the others it would hide them
    spans.retain(|r| !(r.start == 0 && r.end == text.len()));
    spans.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in spans {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    if out.color {
        let style = Style::new()
            .fg_color(Some(AnsiColor::Red.into()))
            .bold()
            .underline();
        return super::lookup::highlight_with(out, text, &merged, style);
    }
    let mut result = String::with_capacity(text.len() + 2 * merged.len());
    let mut at = 0;
    for r in merged {
        result.push_str(&escape_text(&text[at..r.start]));
        result.push('[');
        result.push_str(&escape_text(&text[r.clone()]));
        result.push(']');
        at = r.end;
    }
    result.push_str(&escape_text(&text[at..]));
    result
}

/// A pair's findings, the most serious first (as `list` names them), in their order otherwise.
pub(crate) fn most_serious_first(findings: &[Finding]) -> Vec<&Finding> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
    sorted
}

/// `N findings: E errors, W warnings, I info`.
pub(crate) fn count_line<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> String {
    let mut counts = [0usize; 3];
    let mut total = 0;
    for f in findings {
        counts[f.severity as usize] += 1;
        total += 1;
    }
    format!(
        "{total} finding(s): {} error(s), {} warning(s), {} info",
        counts[2], counts[1], counts[0]
    )
}

fn parse_kind(s: &str) -> std::result::Result<Kind, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

fn parse_severity(s: &str) -> std::result::Result<Severity, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::output::ColorChoice;

    #[test]
    fn a_pairs_findings_are_printed_most_serious_first() {
        let finding = |kind, severity| Finding {
            unit: 1,
            kind,
            severity,
            message: String::new(),
            source_spans: vec![],
            target_spans: vec![],
        };
        let findings = [
            finding(Kind::Omission, Severity::Warning),
            finding(Kind::LowScore, Severity::Info),
            finding(Kind::Misaligned, Severity::Error),
            finding(Kind::NameMismatch, Severity::Warning),
        ];
        let order: Vec<Kind> = most_serious_first(&findings)
            .iter()
            .map(|f| f.kind)
            .collect();
        assert_eq!(
            order,
            [
                Kind::Misaligned,
                Kind::Omission,
                Kind::NameMismatch,
                Kind::LowScore
            ]
        );
    }

    #[test]
    fn a_span_of_a_whole_side_hides_no_other_span() {
        let text = "Mohammed said 29 people\u{7} were killed.";
        let whole = 0..text.len();
        let number = 14..16;
        let out = Out::stdout(ColorChoice::Never);
        assert_eq!(
            mark(&out, text, [&whole, &number]),
            "Mohammed said [29] people\\u{7} were killed."
        );
        assert_eq!(
            mark(&out, text, [&whole]),
            "Mohammed said 29 people\\u{7} were killed."
        );
        let out = Out::stdout(ColorChoice::Always);
        let coloured = mark(&out, text, [&number, &whole]);
        assert!(coloured.contains("\u{1b}[31m29\u{1b}[0m"), "{coloured:?}");
        assert!(coloured.contains("people\\u{7}"), "{coloured:?}");
    }
}

//! `bitext align`: segment two texts, align their sentences and store the pairs.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use super::Context;
use super::output::{escape, escape_text, range_label};
use crate::Lang;
use crate::align::{self, Bead, Config, Training};
use crate::error::{Error, Result};
use crate::segment::{self, Span};
use crate::store::{DocumentTexts, NewDocument, Realignment, UnitFilter, span_text};

/// Align a text with its translation and store the aligned pairs.
///
/// Both texts are split into sentences (unless --lines), aligned into 1-1, 1-2, 2-1, 2-2, 1-0
/// and 0-1 pairs with a confidence score, and stored as a document of the translation memory.
/// A sentence that the other side translates as two or three is split where they show it
/// splits (--no-split keeps it whole); its parts are then the document's sentences, numbered
/// in order with the rest. The memory's reviewed pairs, and other documents' confident ones,
/// help the aligner learn word translations.
///
/// A text that is not in the script of its language is refused (--force aligns it anyway); a
/// text that looks cut short, or texts that do not look like translations of each other, get a
/// warning.
///
/// With --batch or --batch-dir, many document pairs are aligned at once on every core, with one
/// word-translation model learnt from the whole batch, and each is stored in its own
/// transaction; a document that fails (a missing file, bad encoding, an empty text, a name
/// already stored) is reported and the others go on.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("batch_input").args(["batch", "batch_dir"])))]
pub struct Args {
    /// The source text (UTF-8)
    #[arg(required_unless_present = "batch_input")]
    source: Option<PathBuf>,
    /// The target text, the translation of the source (UTF-8)
    #[arg(required_unless_present = "batch_input")]
    target: Option<PathBuf>,
    /// Language of the source text
    #[arg(long, default_value = "ar", value_parser = super::parse_lang, value_name = "LANG")]
    source_lang: Lang,
    /// Language of the target text
    #[arg(long, default_value = "en", value_parser = super::parse_lang, value_name = "LANG")]
    target_lang: Lang,
    /// Both texts are already one sentence per line
    #[arg(long)]
    lines: bool,
    /// The source text is already one sentence per line
    #[arg(long)]
    source_lines: bool,
    /// The target text is already one sentence per line
    #[arg(long)]
    target_lines: bool,
    /// Name of the document in the memory (default: the source file's name, or its folder's
    /// name when the file is named after its language, as in kazakhstan-2022/ar.txt)
    #[arg(long)]
    name: Option<String>,
    /// Re-align a stored document of the same name (after fixing a text, say; with --batch,
    /// every stored document of the batch): its reviewed, approved and edited pairs are held
    /// fixed where their sentences are still found in the new texts, and pairs whose texts are
    /// unchanged keep their id, status, note, edits and dates; the others are removed or come
    /// as new drafts. One change in the history, which 'bitext undo' reverts
    #[arg(long)]
    replace: bool,
    /// Align even when a text is not in the script of its language (as when the two files
    /// are given the other way round); with --replace, go on even when pairs with review work
    /// (a status other than draft, a note, an edited text) would be removed
    #[arg(long)]
    force: bool,
    /// Only print the alignment; do not store it
    #[arg(long)]
    no_store: bool,
    /// Print JSON: {"document", "name", "beads": [{"source", "target", "score"}]}
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Turn off the second, lexical pass (length and anchors only)
    #[arg(long)]
    no_lexical: bool,
    /// Keep every sentence whole: do not split a sentence that the translation renders as two
    /// or three (by default its parts are paired, and stored, as sentences of their own)
    #[arg(long)]
    no_split: bool,
    /// A bilingual word list to help the lexical pass: source<TAB>target per line
    #[arg(long, value_name = "FILE")]
    dictionary: Option<PathBuf>,
    /// Align the document pairs listed in LIST: source<TAB>target[<TAB>name] a line, paths
    /// relative to LIST's folder, # comments; names default as for one document
    #[arg(long, value_name = "LIST", conflicts_with_all = ["source", "target", "name"])]
    batch: Option<PathBuf>,
    /// Align every folder of DIR that holds SOURCE-LANG.txt and TARGET-LANG.txt (ar.txt and
    /// en.txt by default), named after the folder
    #[arg(long, value_name = "DIR", conflicts_with_all = ["source", "target", "name", "batch"])]
    batch_dir: Option<PathBuf>,
    /// With --batch or --batch-dir: also write each document's beads to DIR/NAME.align
    /// (the bead format, which ../shared/devdata/score.py reads)
    #[arg(long, value_name = "DIR", requires = "batch_input")]
    write_pred: Option<PathBuf>,
}

/// How `align` prints its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Pairs side by side, for reading
    Table,
    /// JSON, as with --json
    Json,
    /// One bead a line as Vecalign writes them: [0]:[0], [3]:[3,4], [9]:[]
    Beads,
    /// One bead a line: source text<TAB>target text
    Tsv,
}

#[derive(Serialize)]
struct JsonAlignment<'a> {
    document: Option<i64>,
    name: &'a str,
    beads: Vec<JsonBead>,
}

#[derive(Serialize)]
struct JsonBead {
    source: Vec<usize>,
    target: Vec<usize>,
    score: f64,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    if let Some(list) = args.batch.as_ref().or(args.batch_dir.as_ref()) {
        return super::batch::run(
            super::batch::Options {
                list: list.clone(),
                is_dir: args.batch_dir.is_some(),
                source_lang: args.source_lang,
                target_lang: args.target_lang,
                source_lines: args.lines || args.source_lines,
                target_lines: args.lines || args.target_lines,
                replace: args.replace,
                force: args.force,
                no_store: args.no_store,
                json: args.json || args.format == Format::Json,
                tsv: args.format == Format::Tsv,
                lexical: !args.no_lexical,
                split: !args.no_split,
                dictionary: args.dictionary.clone(),
                write_pred: args.write_pred.clone(),
            },
            ctx,
        );
    }
    let (Some(source), Some(target)) = (&args.source, &args.target) else {
        return Err(Error::invalid(
            "give a source and a target text, or --batch LIST",
        ));
    };
    if source == Path::new("-") && target == Path::new("-") {
        return Err(Error::invalid(
            "only one of the two texts can come from standard input",
        ));
    }
    let name = match &args.name {
        Some(n) if n.trim().is_empty() => return Err(Error::invalid("--name cannot be empty")),
        Some(n) => n.clone(),
        None => default_name(source)?,
    };
    let source_text = crate::input::read_text(source)?;
    let target_text = crate::input::read_text(target)?;
    if !args.force {
        check_scripts(
            (source, &source_text, args.source_lang),
            (target, &target_text, args.target_lang),
        )?;
    }
    let split = |text: &str, lang: Lang, lines: bool| {
        if lines || args.lines {
            segment::lines(text)
        } else {
            segment::split(text, lang)
        }
    };
    let source_spans = split(&source_text, args.source_lang, args.source_lines);
    let target_spans = split(&target_text, args.target_lang, args.target_lines);
    for (path, text, spans) in [
        (source, &source_text, &source_spans),
        (target, &target_text, &target_spans),
    ] {
        crate::input::check_sentences(path, text, spans.iter().map(|s| (s.start, s.end)))?;
    }
    let (source_path, target_path) = (source, target);
    let source: Vec<&str> = source_spans.iter().map(|s| s.text(&source_text)).collect();
    let target: Vec<&str> = target_spans.iter().map(|s| s.text(&target_text)).collect();
    let truncated = truncation(
        (source_path, &source, args.source_lang),
        (target_path, &target, args.target_lang),
    );
    if let Some(warning) = &truncated {
        eprintln!("bitext: warning: {warning}");
    }

    let config = Config {
        source_lang: args.source_lang,
        target_lang: args.target_lang,
        lexical: !args.no_lexical,
        split: !args.no_split,
        ..Config::default()
    };
    let mut training = Training::default();
    if let Some(path) = &args.dictionary {
        training.dictionary = read_dictionary(path)?;
    }
    // An existing memory is opened now (to learn from its pairs, and to refuse a memory that
    // cannot be used before the work); a new one is created only once the pairs are stored.
    let mut memory = if args.no_store || !ctx.db.exists() {
        None
    } else {
        Some(ctx.existing_memory()?)
    };
    if let Some(m) = &memory {
        training.pairs = reviewed_pairs(m, &name)?;
    }

    let progress = spinner(
        source.len() + target.len(),
        &format!("aligning {} × {} sentences", source.len(), target.len()),
    );
    let alignment = align::align_documents(&[(source.clone(), target.clone())], &training, &config)
        .pop()
        .expect("one document in, one out");
    // the sentences as aligned: a split sentence's parts take its place
    let source_spans = align::part_spans(&alignment.source, &source_spans);
    let target_spans = align::part_spans(&alignment.target, &target_spans);
    let mut beads = alignment.beads;
    if let Some(m) = memory.as_ref().filter(|_| args.replace && !args.no_store) {
        // a replacement holds the stored document's confirmed pairs fixed where their
        // sentences (or sentence parts) are still found in the new texts, as a batch does
        let source: Vec<&str> = source_spans.iter().map(|s| s.text(&source_text)).collect();
        let target: Vec<&str> = target_spans.iter().map(|s| s.text(&target_text)).collect();
        if let Some(held) =
            crate::realign::align_around_reviewed(m, &name, &source, &target, &training, &config)?
        {
            beads = held;
        }
    }
    let scores: Vec<f64> = beads.iter().map(|b| b.score).collect();
    // a text cut short leaves most pairs unmatched: one warning says it
    if truncated.is_none() && !align::looks_translated(&scores) {
        eprintln!(
            "bitext: warning: the texts do not look like translations of each other (mean pair score {:.2}; translations score above {:.1}): are these the right two files?",
            scores.iter().sum::<f64>() / scores.len() as f64,
            align::NOT_TRANSLATIONS
        );
    }
    let mut document = None;
    let mut stored = None;
    if !args.no_store {
        progress.set_message("storing");
        let doc = NewDocument {
            name: &name,
            source_lang: args.source_lang,
            target_lang: args.target_lang,
            source_text: &source_text,
            target_text: &target_text,
            source_sentences: &source_spans,
            target_sentences: &target_spans,
            beads: &beads,
        };
        let stored_as = |m: &mut crate::store::Memory| -> Result<(i64, String, u64, u64)> {
            let (id, what) = if args.replace && m.document_id(&name).is_ok() {
                let report = m.replace_alignment(
                    &Realignment {
                        document: &name,
                        texts: Some(DocumentTexts {
                            source_lang: args.source_lang,
                            target_lang: args.target_lang,
                            source_text: &source_text,
                            target_text: &target_text,
                            source_sentences: &source_spans,
                            target_sentences: &target_spans,
                        }),
                        beads: &beads,
                    },
                    args.force,
                    &ctx.user,
                )?;
                let what = match &report.change {
                    Some(change) => format!(
                        "re-aligned '{}' in {}: {} kept, {} new, {} removed (change {}; 'bitext undo' reverts it)",
                        escape(&name),
                        escape(&ctx.db.display().to_string()),
                        report.kept,
                        report.added,
                        report.removed,
                        change.id
                    ),
                    None => format!(
                        "'{}' in {} is unchanged: the new alignment is the one stored",
                        escape(&name),
                        escape(&ctx.db.display().to_string())
                    ),
                };
                (report.document, what)
            } else {
                let id = m.add_document(&doc, false, &ctx.user)?;
                (
                    id,
                    format!(
                        "stored '{}' in {}",
                        escape(&name),
                        escape(&ctx.db.display().to_string())
                    ),
                )
            };
            // what the document now holds (a replace keeps the scores of the pairs it kept)
            let mut filter = UnitFilter {
                document: Some(name.clone()),
                ..UnitFilter::default()
            };
            let units = m.count_units(&filter)?;
            filter.max_score = Some(WEAK);
            let weak = m.count_units(&filter)?;
            Ok((id, what, units, weak))
        };
        let outcome = match &mut memory {
            Some(m) => stored_as(m),
            None => ctx.update_or_create(stored_as),
        };
        if outcome.is_err() {
            progress.finish_and_clear();
        }
        let outcome = outcome?;
        document = Some(outcome.0);
        stored = Some((outcome.1, outcome.2, outcome.3));
    }
    progress.finish_and_clear();

    let format = if args.json { Format::Json } else { args.format };
    print(
        ctx,
        format,
        document,
        &name,
        &beads,
        (&source_text, &source_spans),
        (&target_text, &target_spans),
    )?;
    if let (Some((what, units, weak)), Format::Table) = (stored, format) {
        eprintln!("{what}: {units} units ({weak} with a score under {WEAK})");
        if weak > 0 {
            eprintln!(
                "to review them: bitext list --document {} --max-score {WEAK}",
                escape(&shell_word(&name))
            );
        }
        // the new document's findings (read back from the memory as stored)
        let memory = ctx.read_memory()?;
        let filter = UnitFilter {
            document: Some(name.clone()),
            ..UnitFilter::default()
        };
        let (found, _) = crate::check::findings_by_unit(&memory, &filter)?;
        eprintln!(
            "checked '{}': {} (bitext check --document {} shows them)",
            escape(&name),
            super::check::count_line(found.values().flatten()),
            escape(&shell_word(&name))
        );
    }
    Ok(())
}

/// Pairs scored below this are counted after storing, and the command to list them is shown.
const WEAK: f64 = 0.5;

/// A word as a POSIX shell reads it: as it is when it is plain, else in single quotes.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || "-_./:+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Share of a text's letters below which it is clearly not in its language's script.
const SCRIPT_SHARE: f64 = 0.2;

/// Fewest letters a text needs before its script is judged.
const SCRIPT_LETTERS: usize = 20;

/// Arabic and Latin letters in `text`.
fn script_counts(text: &str) -> (usize, usize) {
    let mut arabic = 0;
    let mut latin = 0;
    for c in text.chars() {
        if crate::lang::is_arabic_letter(c) {
            arabic += 1;
        } else if c.is_alphabetic() && (c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c)) {
            latin += 1;
        }
    }
    (arabic, latin)
}

/// The script a text should be in, by language.
fn script_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Ar => "Arabic",
        Lang::En => "Latin",
    }
}

/// When `text` is clearly not in the script of `lang`: the share of its letters that are.
fn script_mismatch(text: &str, lang: Lang) -> Option<f64> {
    let (arabic, latin) = script_counts(text);
    if arabic + latin < SCRIPT_LETTERS {
        return None;
    }
    let own = match lang {
        Lang::Ar => arabic,
        Lang::En => latin,
    };
    let share = own as f64 / (arabic + latin) as f64;
    (share < SCRIPT_SHARE).then_some(share)
}

/// Refuses texts that are not in the script of their language, in one line that says what was
/// seen and how to go on.
fn check_scripts(source: (&Path, &str, Lang), target: (&Path, &str, Lang)) -> Result<()> {
    let (sp, st, sl) = source;
    let (tp, tt, tl) = target;
    match (script_mismatch(st, sl), script_mismatch(tt, tl)) {
        (Some(_), Some(_)) if sl != tl => Err(Error::invalid(format!(
            "the texts look the wrong way round: the source {} is in {} script and the target {} in {}; give the {} text first, or say --source-lang {} --target-lang {} (--force aligns them as given)",
            sp.display(),
            script_name(tl),
            tp.display(),
            script_name(sl),
            language_name(sl),
            tl.code(),
            sl.code(),
        ))),
        (Some(share), _) => Err(mismatch("source", sp, sl, share)),
        (_, Some(share)) => Err(mismatch("target", tp, tl, share)),
        _ => Ok(()),
    }
}

fn mismatch(side: &str, path: &Path, lang: Lang, share: f64) -> Error {
    Error::invalid(format!(
        "the {side} {} does not look {} (--{side}-lang {}): {:.0}% of its letters are {} script; name its language with --{side}-lang, or use --force to align it anyway",
        path.display(),
        language_name(lang),
        lang.code(),
        100.0 * share,
        script_name(lang),
    ))
}

fn language_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Ar => "Arabic",
        Lang::En => "English",
    }
}

/// How much longer a text may be than a translation of the other is expected to be before it
/// looks as if one of them were cut short.
const TRUNCATED: f64 = 2.0;

/// A warning when one side is more than twice as long as a translation of the other would be,
/// by the length model's ratio for the language pair.
fn truncation(source: (&Path, &[&str], Lang), target: (&Path, &[&str], Lang)) -> Option<String> {
    let chars = |side: &[&str]| -> f64 {
        side.iter()
            .map(|s| align::features::extract_marks(s).len)
            .sum()
    };
    let (ls, lt) = (chars(source.1), chars(target.1));
    let expected = align::length::expected_ratio(source.2, target.2) * ls;
    if ls == 0.0 || lt == 0.0 {
        return None;
    }
    let (long, short, times) = if lt > TRUNCATED * expected {
        (target, source, lt / expected)
    } else if expected > TRUNCATED * lt {
        (source, target, expected / lt)
    } else {
        return None;
    };
    Some(format!(
        "the {} text {} is {times:.1} times as long as a translation of the {} text {} would be: is the {} text cut short?",
        language_name(long.2),
        long.0.display(),
        language_name(short.2),
        short.0.display(),
        language_name(short.2),
    ))
}

fn print(
    ctx: &mut Context,
    format: Format,
    document: Option<i64>,
    name: &str,
    beads: &[Bead],
    (st, ss): (&str, &[Span]),
    (tt, ts): (&str, &[Span]),
) -> Result<()> {
    let out = &mut ctx.out;
    match format {
        Format::Json => out.json(&JsonAlignment {
            document,
            name,
            beads: beads
                .iter()
                .map(|b| JsonBead {
                    source: b.source.clone().collect(),
                    target: b.target.clone().collect(),
                    score: (b.score * 1e4).round() / 1e4,
                })
                .collect(),
        }),
        Format::Beads => out.print(format_args!("{}", align::beads::format(beads))),
        Format::Tsv => {
            for b in beads {
                let one_line = |text: &str, spans: &[Span], r: &std::ops::Range<usize>| {
                    spans[r.clone()]
                        .iter()
                        .map(|s| s.text(text))
                        .collect::<Vec<_>>()
                        .join(" ")
                        .replace(['\t', '\n', '\r'], " ")
                };
                out.print(format_args!(
                    "{}\t{}\n",
                    one_line(st, ss, &b.source),
                    one_line(tt, ts, &b.target)
                ))?;
            }
            Ok(())
        }
        Format::Table => {
            for b in beads {
                let header = format!(
                    "{} → {}  {}",
                    range_label(&b.source),
                    range_label(&b.target),
                    out.score(Some(b.score))
                );
                out.pair(
                    &header,
                    &escape_text(span_text(st, ss, &b.source)),
                    &escape_text(span_text(tt, ts, &b.target)),
                )?;
            }
            Ok(())
        }
    }
}

/// The document name when none is given: the file's stem, or its folder's name when the stem is
/// a language code (`corpus/kazakhstan-2022/ar.txt` → `kazakhstan-2022`).
pub(super) fn default_name(source: &Path) -> Result<String> {
    if source == Path::new("-") {
        return Err(Error::invalid(
            "give the document a --name when the source comes from standard input",
        ));
    }
    let stem = source.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let language_named = stem
        .split(['_', '.', '-'])
        .next()
        .is_some_and(|p| Lang::parse(p).is_ok());
    let folder = source.canonicalize().ok().and_then(|p| {
        p.parent()
            .and_then(|d| d.file_name())
            .map(|d| d.to_string_lossy().into_owned())
    });
    match (language_named, folder) {
        (true, Some(dir)) => Ok(dir),
        _ if !stem.is_empty() => Ok(stem.to_string()),
        _ => Err(Error::invalid("give the document a --name")),
    }
}

/// Reads a tab-separated word list: `source<TAB>target` per line, `#` comments.
pub(super) fn read_dictionary(path: &Path) -> Result<Vec<(String, String)>> {
    let text = crate::input::read_text(path)?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('\t') {
            Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
                out.push((a.trim().to_string(), b.trim().to_string()))
            }
            _ => {
                return Err(Error::Malformed {
                    file: path.display().to_string(),
                    line: n + 1,
                    column: 1,
                    message: "expected source<TAB>target".into(),
                });
            }
        }
    }
    Ok(out)
}

/// Pairs of the memory (outside the document being aligned) to train the lexical model on:
/// see [`crate::realign::training_pairs`].
pub(super) fn reviewed_pairs(
    memory: &crate::store::Memory,
    skip: &str,
) -> Result<Vec<(String, String)>> {
    crate::realign::training_pairs(memory, skip)
}

/// A spinner on standard error for long work (hidden when standard error is not a terminal).
pub(crate) fn spinner(size: usize, message: &str) -> indicatif::ProgressBar {
    if size < 2_000 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner().with_message(message.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

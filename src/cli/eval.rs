//! `bitext eval`: score alignments against gold standards.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Context;
use crate::Lang;
use crate::align::beads::{self, IndexBead};
use crate::align::{Alignment, Config, Part, Training};
use crate::error::{Error, Result};
use crate::eval::{Scorer, Scores, map_segments, merge_shared};
use crate::segment;

/// Score an alignment against a gold standard (strict and lax precision, recall and F1).
///
/// With --gold and --pred, compares two bead files ([0]:[0], [1,2]:[1], [3]:[]).
/// With --dir, aligns every document folder of DIR (ar.txt, en.txt, gold.txt; ar_para.txt for
/// --unsplit) and scores the result, training the lexical model on all of them together.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Gold alignment (bead format)
    #[arg(long, requires = "pred", conflicts_with = "dir")]
    gold: Option<PathBuf>,
    /// Predicted alignment (bead format)
    #[arg(long, requires = "gold")]
    pred: Option<PathBuf>,
    /// A folder of document folders to align and score
    #[arg(long, required_unless_present = "gold")]
    dir: Option<PathBuf>,
    /// Segment each Arabic side from its unsplit paragraph (ar_para.txt) and score text pairs
    #[arg(long, requires = "dir")]
    unsplit: bool,
    /// Only document folders named at least this (by name order)
    #[arg(long, requires = "dir", value_name = "NAME")]
    first: Option<String>,
    /// Only document folders named at most this
    #[arg(long, requires = "dir", value_name = "NAME")]
    last: Option<String>,
    /// Align with length and anchors only (no lexical pass)
    #[arg(long, requires = "dir")]
    no_lexical: bool,
    /// Do not split sentences where the translation splits them
    #[arg(long, requires = "dir")]
    no_split: bool,
    /// Write each document's predicted beads (NAME.align, or NAME.tsv with --unsplit) here
    #[arg(long, requires = "dir", value_name = "DIR")]
    write_pred: Option<PathBuf>,
    /// Also print how precision grows as beads below a score are set aside
    #[arg(long)]
    calibration: bool,
    /// Pair each document's source with the next document's target (texts that are not
    /// translations of each other) and report the pairs' scores instead of F1
    #[arg(long, requires = "dir")]
    mismatched: bool,
    /// Print the scores as JSON
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report {
    documents: usize,
    #[serde(flatten)]
    scores: Scores,
    gold_beads: usize,
    predicted_beads: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    calibration: Vec<Band>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    per_document: Vec<DocScore>,
}

#[derive(Serialize)]
struct DocScore {
    name: String,
    f1_strict: f64,
    f1_lax: f64,
    mean_score: f64,
}

/// The scores of pairs aligned from texts that are not translations of each other.
#[derive(Serialize)]
struct MismatchReport {
    documents: usize,
    pairs: usize,
    /// Mean score of all pairs.
    mean_score: f64,
    /// Pairs scoring 0.9 or more.
    pairs_at_0_9: usize,
    /// Documents whose mean pair score makes `align` warn that the texts do not look like
    /// translations of each other.
    documents_warned: usize,
    per_document: Vec<MismatchDoc>,
}

#[derive(Serialize)]
struct MismatchDoc {
    source: String,
    target: String,
    pairs: usize,
    mean_score: f64,
    warned: bool,
}

/// Precision among beads scoring at least `min_score`.
#[derive(Serialize)]
struct Band {
    min_score: f64,
    beads: usize,
    share: f64,
    precision_strict: f64,
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let (docs, scored, pair_scores) = match (&args.gold, &args.pred, &args.dir) {
        (Some(g), Some(p), _) => {
            let gold = read_beads(g)?;
            let pred = read_beads(p)?;
            let name = p.display().to_string();
            (
                vec![(name, gold)],
                vec![pred.into_iter().map(|b| (b, None)).collect()],
                vec![Vec::new()],
            )
        }
        (_, _, Some(dir)) => align_dir(dir, &args)?,
        _ => return Err(Error::invalid("give --gold and --pred, or --dir")),
    };
    if args.mismatched {
        return mismatch_report(ctx, &docs, &pair_scores, args.json);
    }
    let mut scorer = Scorer::default();
    let mut per_document = Vec::new();
    let mut graded: Vec<(f64, bool)> = Vec::new();
    for (((name, gold), pred), pairs) in docs.iter().zip(&scored).zip(&pair_scores) {
        let beads: Vec<IndexBead> = pred.iter().map(|(b, _)| b.clone()).collect();
        scorer.add(gold, &beads);
        let s = crate::eval::score(gold, &beads);
        per_document.push(DocScore {
            name: name.clone(),
            f1_strict: s.f1_strict,
            f1_lax: s.f1_lax,
            mean_score: mean(pairs),
        });
        for (b, score) in pred {
            if let Some(score) = score {
                graded.push((*score, gold.contains(b)));
            }
        }
    }
    let report = Report {
        documents: docs.len(),
        scores: scorer.scores(),
        gold_beads: docs.iter().map(|d| d.1.len()).sum(),
        predicted_beads: scored.iter().map(Vec::len).sum(),
        calibration: if args.calibration {
            calibration(&graded)
        } else {
            Vec::new()
        },
        per_document: if args.json { Vec::new() } else { per_document },
    };
    if args.json {
        return ctx.out.json(&report);
    }
    print_report(ctx, &report)
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

/// Reports the pair scores of mismatched documents (`--mismatched`): document `k`'s source
/// was aligned with document `k + 1`'s target.
fn mismatch_report(
    ctx: &mut Context,
    docs: &GoldDocs,
    pair_scores: &[Vec<f64>],
    json: bool,
) -> Result<()> {
    let names: Vec<&str> = docs.iter().map(|d| d.0.as_str()).collect();
    let per_document: Vec<MismatchDoc> = pair_scores
        .iter()
        .enumerate()
        .map(|(k, scores)| MismatchDoc {
            source: names[k].to_string(),
            target: names[(k + 1) % names.len()].to_string(),
            pairs: scores.len(),
            mean_score: mean(scores),
            warned: !crate::align::looks_translated(scores),
        })
        .collect();
    let all: Vec<f64> = pair_scores.iter().flatten().copied().collect();
    let report = MismatchReport {
        documents: per_document.len(),
        pairs: all.len(),
        mean_score: mean(&all),
        pairs_at_0_9: all.iter().filter(|&&s| s >= 0.9).count(),
        documents_warned: per_document.iter().filter(|d| d.warned).count(),
        per_document,
    };
    if json {
        return ctx.out.json(&report);
    }
    let out = &mut ctx.out;
    out.line("source        target        pairs  mean score  warned")?;
    for d in &report.per_document {
        out.print(format_args!(
            "{:<12}  {:<12}  {:>5}  {:>10.4}  {}\n",
            d.source,
            d.target,
            d.pairs,
            d.mean_score,
            if d.warned { "yes" } else { "no" }
        ))?;
    }
    out.line("")?;
    out.print(format_args!(
        "documents={} pairs={} mean_score={:.4} pairs_at_0.9={} documents_warned={}\n",
        report.documents,
        report.pairs,
        report.mean_score,
        report.pairs_at_0_9,
        report.documents_warned
    ))
}

fn print_report(ctx: &mut Context, r: &Report) -> Result<()> {
    let out = &mut ctx.out;
    if r.per_document.len() > 1 {
        out.line("document      strict F1  lax F1  mean score")?;
        for d in &r.per_document {
            out.print(format_args!(
                "{:<12}  {:>9.4}  {:>6.4}  {:>10.4}\n",
                d.name, d.f1_strict, d.f1_lax, d.mean_score
            ))?;
        }
        out.line("")?;
    }
    let s = &r.scores;
    out.line("             strict    lax")?;
    out.print(format_args!(
        "precision    {:.4}  {:.4}\n",
        s.precision_strict, s.precision_lax
    ))?;
    out.print(format_args!(
        "recall       {:.4}  {:.4}\n",
        s.recall_strict, s.recall_lax
    ))?;
    out.print(format_args!(
        "F1           {:.4}  {:.4}\n",
        s.f1_strict, s.f1_lax
    ))?;
    out.print(format_args!(
        "documents={} gold_beads={} predicted_beads={}\n",
        r.documents, r.gold_beads, r.predicted_beads
    ))?;
    if !r.calibration.is_empty() {
        out.line("")?;
        out.line("score ≥   beads   share  strict precision")?;
        for b in &r.calibration {
            out.print(format_args!(
                "{:>7.2}  {:>6}  {:>5.1}%  {:.4}\n",
                b.min_score,
                b.beads,
                100.0 * b.share,
                b.precision_strict
            ))?;
        }
    }
    Ok(())
}

/// Precision of the beads at or above each score threshold.
fn calibration(graded: &[(f64, bool)]) -> Vec<Band> {
    let total = graded.len().max(1) as f64;
    [0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99]
        .into_iter()
        .map(|t| {
            let kept: Vec<bool> = graded.iter().filter(|g| g.0 >= t).map(|g| g.1).collect();
            let right = kept.iter().filter(|&&ok| ok).count();
            Band {
                min_score: t,
                beads: kept.len(),
                share: kept.len() as f64 / total,
                precision_strict: if kept.is_empty() {
                    0.0
                } else {
                    right as f64 / kept.len() as f64
                },
            }
        })
        .collect()
}

fn read_beads(path: &Path) -> Result<Vec<IndexBead>> {
    let text = crate::input::read_text(path).or_else(|e| match e {
        Error::EmptyText(_) => Ok(String::new()),
        other => Err(other),
    })?;
    beads::parse(&text, &path.display().to_string())
}

type Scored = Vec<(IndexBead, Option<f64>)>;
type GoldDocs = Vec<(String, Vec<IndexBead>)>;

/// Aligns every document folder of `dir`; returns gold beads, scored predictions (in the
/// gold's sentence numbers) and the scores of the pairs as aligned.
fn align_dir(dir: &Path, args: &Args) -> Result<(GoldDocs, Vec<Scored>, Vec<Vec<f64>>)> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| Error::read(dir, e))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("gold.txt").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| args.first.as_ref().is_none_or(|f| n >= f))
        .filter(|n| args.last.as_ref().is_none_or(|l| n <= l))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(Error::invalid(format!(
            "{} holds no document folders with a gold.txt",
            dir.display()
        )));
    }
    struct Doc {
        name: String,
        gold: Vec<IndexBead>,
        source_text: String,
        source: Vec<segment::Span>,
        gold_source: Vec<String>,
        target_text: String,
        target: Vec<segment::Span>,
    }
    let mut docs = Vec::new();
    for name in names {
        let d = dir.join(&name);
        let gold = read_beads(&d.join("gold.txt"))?;
        let ar = crate::input::read_text(&d.join("ar.txt"))?;
        let en = crate::input::read_text(&d.join("en.txt"))?;
        let gold_source: Vec<String> = segment::lines(&ar)
            .iter()
            .map(|s| s.text(&ar).to_string())
            .collect();
        let (source_text, source) = if args.unsplit {
            let para = crate::input::read_text(&d.join("ar_para.txt"))?;
            let spans = segment::split(&para, Lang::Ar);
            (para, spans)
        } else {
            let spans = segment::lines(&ar);
            (ar, spans)
        };
        let target = segment::lines(&en);
        docs.push(Doc {
            name,
            gold,
            source_text,
            source,
            gold_source,
            target_text: en,
            target,
        });
    }
    if args.mismatched {
        if docs.len() < 2 {
            return Err(Error::invalid(
                "--mismatched needs at least two documents, to pair each with the next one's translation",
            ));
        }
        // each document's source with the next one's target
        let first = (docs[0].target_text.clone(), docs[0].target.clone());
        for k in 0..docs.len() - 1 {
            docs[k].target_text = docs[k + 1].target_text.clone();
            docs[k].target = docs[k + 1].target.clone();
        }
        let last = docs.len() - 1;
        (docs[last].target_text, docs[last].target) = first;
    }
    let inputs: Vec<(Vec<&str>, Vec<&str>)> = docs
        .iter()
        .map(|d| {
            (
                d.source.iter().map(|s| s.text(&d.source_text)).collect(),
                d.target.iter().map(|s| s.text(&d.target_text)).collect(),
            )
        })
        .collect();
    let config = Config {
        lexical: !args.no_lexical,
        split: !args.no_split,
        ..Config::default()
    };
    let aligned = crate::align::align_documents(&inputs, &Training::default(), &config);
    if let Some(out) = &args.write_pred {
        std::fs::create_dir_all(out).map_err(|e| Error::Write {
            path: out.clone(),
            source: e,
        })?;
    }
    let mut gold = Vec::new();
    let mut scored = Vec::new();
    let mut pair_scores = Vec::new();
    for ((doc, alignment), (src, tgt)) in docs.iter().zip(&aligned).zip(&inputs) {
        pair_scores.push(alignment.beads.iter().map(|b| b.score).collect());
        let mapped: Scored = if args.unsplit {
            // the source parts' texts find their gold sentences; the target side is in lines
            let gold_sentences: Vec<&str> = doc.gold_source.iter().map(String::as_str).collect();
            let parts = part_texts(&alignment.source, src);
            let owners = map_segments(&parts, &gold_sentences);
            let beads = alignment
                .beads
                .iter()
                .map(|b| {
                    let bead = IndexBead {
                        source: b
                            .source
                            .clone()
                            .flat_map(|k| owners[k].iter().copied())
                            .collect(),
                        target: alignment.target[b.target.clone()]
                            .iter()
                            .map(|p| p.sentence)
                            .collect(),
                    };
                    (bead, b.score)
                })
                .collect();
            merge_shared(beads)
                .into_iter()
                .filter(|(b, _)| !b.source.is_empty() || !b.target.is_empty())
                .map(|(b, score)| (b, Some(score)))
                .collect()
        } else {
            alignment
                .sentence_beads()
                .into_iter()
                .map(|(b, score)| (b, Some(score)))
                .collect()
        };
        if let Some(out) = &args.write_pred {
            write_prediction(out, &doc.name, alignment, &mapped, src, tgt, args.unsplit)?;
        }
        gold.push((doc.name.clone(), doc.gold.clone()));
        scored.push(mapped);
    }
    Ok((gold, scored, pair_scores))
}

/// The texts of `parts` of a side whose sentences are `sentences`.
fn part_texts<'a>(parts: &[Part], sentences: &[&'a str]) -> Vec<&'a str> {
    parts
        .iter()
        .map(|p| &sentences[p.sentence][p.range.clone()])
        .collect()
}

/// Writes a document's prediction: its text pairs (parts joined by a space) with --unsplit,
/// else its beads in sentence numbers.
fn write_prediction(
    dir: &Path,
    name: &str,
    alignment: &Alignment,
    mapped: &Scored,
    src: &[&str],
    tgt: &[&str],
    tsv: bool,
) -> Result<()> {
    let (path, text) = if tsv {
        let (sp, tp) = (
            part_texts(&alignment.source, src),
            part_texts(&alignment.target, tgt),
        );
        let join = |side: &[&str], r: &std::ops::Range<usize>| side[r.clone()].join(" ");
        let text: String = alignment
            .beads
            .iter()
            .map(|b| format!("{}\t{}\n", join(&sp, &b.source), join(&tp, &b.target)))
            .collect();
        (dir.join(format!("{name}.tsv")), text)
    } else {
        let text = beads::format_index(mapped.iter().map(|(b, _)| b));
        (dir.join(format!("{name}.align")), text)
    };
    std::fs::write(&path, text).map_err(|e| Error::Write { path, source: e })
}

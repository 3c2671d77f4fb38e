//! `bitext align --batch LIST` and `--batch-dir DIR`: many document pairs aligned at once,
//! each stored in its own transaction, failures reported without stopping the others.
//!
//! The work is [`crate::align::batch::align_batch`]; this file reads the list, refuses names
//! already taken, shows one progress bar, stores or prints each document as it comes, and ends
//! with a summary line (and exit code 1 when any document failed).

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::Context;
use super::align::{default_name, read_dictionary, reviewed_pairs};
use crate::Lang;
use crate::align::batch::{self, Document, Files, Job, Step};
use crate::align::{Bead, Config, Training};
use crate::error::{Error, Result};
use crate::store::{DocumentTexts, NewDocument, Realignment};

/// What `align` passes on when given --batch or --batch-dir.
pub struct Options {
    /// The list file, or the folder of document folders.
    pub list: PathBuf,
    pub is_dir: bool,
    pub source_lang: Lang,
    pub target_lang: Lang,
    pub source_lines: bool,
    pub target_lines: bool,
    pub replace: bool,
    /// With `replace`: go on when pairs with review work would be removed.
    pub force: bool,
    pub no_store: bool,
    pub json: bool,
    /// With --no-store, print text pairs rather than beads.
    pub tsv: bool,
    pub lexical: bool,
    /// Split a sentence that the other side renders as several (`--no-split` turns it off).
    pub split: bool,
    pub dictionary: Option<PathBuf>,
    pub write_pred: Option<PathBuf>,
}

/// `--json`: `{"documents": [...], "stored", "failed"}`.
#[derive(Serialize)]
struct Report {
    documents: Vec<DocumentReport>,
    stored: usize,
    failed: usize,
}

#[derive(Serialize)]
struct DocumentReport {
    name: String,
    source: String,
    target: String,
    /// Units (beads) of the alignment; null when the document failed.
    units: Option<usize>,
    /// Units with a score under 0.5.
    weak: Option<usize>,
    /// `stored`, `replaced` (a stored document aligned again, with --replace), `aligned` (with
    /// --no-store) or `failed`.
    status: &'static str,
    error: Option<String>,
    /// With --no-store: the beads.
    #[serde(skip_serializing_if = "Option::is_none")]
    beads: Option<Vec<JsonBead>>,
}

#[derive(Serialize)]
struct JsonBead {
    source: Vec<usize>,
    target: Vec<usize>,
    score: f64,
}

/// A score under this counts as weak, as in `align`'s summary.
const WEAK: f64 = 0.5;

pub fn run(opts: Options, ctx: &mut Context) -> Result<()> {
    let started = Instant::now();
    let jobs = if opts.is_dir {
        scan_dir(&opts.list, opts.source_lang, opts.target_lang)?
    } else {
        read_list(&opts.list)?
    };
    let mut training = Training::default();
    if let Some(path) = &opts.dictionary {
        training.dictionary = read_dictionary(path)?;
    }
    let mut memory = if opts.no_store {
        None
    } else {
        Some(ctx.memory()?)
    };
    let taken: HashSet<String> = match &memory {
        Some(m) => m.documents()?.into_iter().map(|d| d.name).collect(),
        None => HashSet::new(),
    };
    if let Some(m) = &memory {
        training.pairs = reviewed_pairs(m, "")?;
    }
    if let Some(dir) = &opts.write_pred {
        std::fs::create_dir_all(dir).map_err(|e| Error::Write {
            path: dir.clone(),
            source: e,
        })?;
    }

    let mut files = Files::new(jobs, opts.source_lang, opts.target_lang);
    files.source_lines = opts.source_lines;
    files.target_lines = opts.target_lines;
    let mut seen = HashSet::new();
    for (k, job) in files.jobs.iter().enumerate() {
        let name = &job.name;
        files.refused[k] = if taken.contains(name) && !opts.replace {
            Some(format!(
                "a document named '{name}' is already in the memory (--replace aligns it again)"
            ))
        } else if !seen.insert(name.clone()) {
            Some(format!(
                "the name '{name}' is already used by an earlier document of the batch"
            ))
        } else if opts.write_pred.is_some() && !plain_file_name(name) {
            Some(format!("'{name}' cannot be a file name for --write-pred"))
        } else {
            None
        };
    }

    let config = Config {
        source_lang: opts.source_lang,
        target_lang: opts.target_lang,
        lexical: opts.lexical,
        split: opts.split,
        ..Config::default()
    };
    let progress = Progress::new(&files, opts.lexical);
    let db = ctx.db.display().to_string();
    let mut report = Report {
        documents: Vec::new(),
        stored: 0,
        failed: 0,
    };
    let (mut units, mut weak) = (0, 0);
    let summary = batch::align_batch(
        &files,
        &training,
        &config,
        &batch::Options::default(),
        &|s| progress.step(s),
        |k, result| {
            let job = &files.jobs[k];
            let stored = Stored {
                taken: taken.contains(&job.name),
                training: &training,
                config: &config,
            };
            let outcome = result.and_then(|(doc, beads)| {
                let (beads, what) = finish(&opts, ctx, memory.as_mut(), job, &doc, beads, &stored)?;
                Ok((doc, beads, what))
            });
            let mut entry = DocumentReport {
                name: job.name.clone(),
                source: job.source.display().to_string(),
                target: job.target.display().to_string(),
                units: None,
                weak: None,
                status: "failed",
                error: None,
                beads: None,
            };
            match outcome {
                Ok((doc, beads, what)) => {
                    let w = beads.iter().filter(|b| b.score < WEAK).count();
                    units += beads.len();
                    weak += w;
                    entry.units = Some(beads.len());
                    entry.weak = Some(w);
                    entry.status = if opts.no_store {
                        "aligned"
                    } else if what.is_some() {
                        "replaced"
                    } else {
                        "stored"
                    };
                    report.stored += 1;
                    if opts.json {
                        if opts.no_store {
                            entry.beads = Some(json_beads(&beads));
                        }
                    } else {
                        progress
                            .bar
                            .suspend(|| print(&opts, ctx, job, &doc, &beads, w, what.as_deref()))?;
                    }
                }
                // a memory that cannot be used stops the batch; anything else is this
                // document's failure
                Err(e) if e.exit_code() == 3 => return Err(e),
                Err(e) => {
                    progress
                        .bar
                        .suspend(|| eprintln!("bitext: {}: {e}", job.name));
                    entry.error = Some(e.to_string());
                    report.failed += 1;
                }
            }
            if opts.json {
                report.documents.push(entry);
            }
            Ok(())
        },
    )?;
    progress.bar.finish_and_clear();
    debug_assert_eq!(summary.aligned + summary.failed, files.jobs.len());
    if opts.json {
        ctx.out.json(&report)?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let documents = match report.stored {
        1 => "1 document".to_string(),
        n => format!("{n} documents"),
    };
    let done = if opts.no_store {
        format!("aligned {documents}")
    } else {
        format!("stored {documents} in {db}")
    };
    if report.failed > 0 {
        ctx.out.flush()?;
        return Err(Error::invalid(format!(
            "{done}, {} of {} failed ({seconds:.1} s)",
            report.failed,
            files.jobs.len()
        )));
    }
    eprintln!("{done}: {units} units ({weak} with a score under 0.5) in {seconds:.1} s");
    Ok(())
}

/// What storing a document of the batch needs besides the document.
struct Stored<'a> {
    /// The memory already has a document of this name (to align again, with --replace).
    taken: bool,
    training: &'a Training,
    config: &'a Config,
}

/// Stores one aligned document (unless --no-store) and writes its beads for --write-pred.
/// With --replace, a document the memory already has is aligned again around its confirmed
/// pairs (where their sentences are still found) and replaced as `align --replace` does;
/// returns the beads stored, and for a replaced document what the replacement did.
fn finish(
    opts: &Options,
    ctx: &Context,
    memory: Option<&mut crate::store::Memory>,
    job: &Job,
    doc: &Document,
    mut beads: Vec<Bead>,
    stored: &Stored,
) -> Result<(Vec<Bead>, Option<String>)> {
    let mut what = None;
    if let Some(m) = memory {
        if stored.taken {
            let (source, target) = (doc.source_sentences(), doc.target_sentences());
            if let Some(held) = crate::realign::align_around_reviewed(
                m,
                &job.name,
                &source,
                &target,
                stored.training,
                stored.config,
            )? {
                beads = held;
            }
            let report = m.replace_alignment(
                &Realignment {
                    document: &job.name,
                    texts: Some(DocumentTexts {
                        source_lang: opts.source_lang,
                        target_lang: opts.target_lang,
                        source_text: &doc.source_text,
                        target_text: &doc.target_text,
                        source_sentences: &doc.source,
                        target_sentences: &doc.target,
                    }),
                    beads: &beads,
                },
                opts.force,
                &ctx.user,
            )?;
            what = Some(match report.change {
                Some(c) => format!(
                    "{} kept, {} new, {} removed (change {})",
                    report.kept, report.added, report.removed, c.id
                ),
                None => "unchanged".to_string(),
            });
        } else {
            m.add_document(
                &NewDocument {
                    name: &job.name,
                    source_lang: opts.source_lang,
                    target_lang: opts.target_lang,
                    source_text: &doc.source_text,
                    target_text: &doc.target_text,
                    source_sentences: &doc.source,
                    target_sentences: &doc.target,
                    beads: &beads,
                },
                false,
                &ctx.user,
            )?;
        }
    }
    if let Some(dir) = &opts.write_pred {
        let path = dir.join(format!("{}.align", job.name));
        // in the sentences as read, as score.py compares them with a gold alignment
        let sentences = doc.sentence_beads(&beads);
        std::fs::write(&path, crate::align::beads::format_index(&sentences))
            .map_err(|e| Error::Write { path, source: e })?;
    }
    Ok((beads, what))
}

/// Prints one finished document: a line saying it was stored, or with --no-store its beads
/// (or text pairs) under a `# NAME` line.
fn print(
    opts: &Options,
    ctx: &mut Context,
    job: &Job,
    doc: &Document,
    beads: &[Bead],
    weak: usize,
    replaced: Option<&str>,
) -> Result<()> {
    let out = &mut ctx.out;
    if let Some(what) = replaced {
        return out.print(format_args!(
            "re-aligned '{}': {what}: {} units ({weak} with a score under 0.5)\n",
            job.name,
            beads.len()
        ));
    }
    if !opts.no_store {
        return out.print(format_args!(
            "stored '{}': {} units ({weak} with a score under 0.5)\n",
            job.name,
            beads.len()
        ));
    }
    out.print(format_args!("# {}\n", job.name))?;
    if !opts.tsv {
        return out.print(format_args!("{}", crate::align::beads::format(beads)));
    }
    let (src, tgt) = (doc.source_sentences(), doc.target_sentences());
    for b in beads {
        let side = |s: &[&str], r: &std::ops::Range<usize>| {
            s[r.clone()].join(" ").replace(['\t', '\n', '\r'], " ")
        };
        out.print(format_args!(
            "{}\t{}\n",
            side(&src, &b.source),
            side(&tgt, &b.target)
        ))?;
    }
    Ok(())
}

fn json_beads(beads: &[Bead]) -> Vec<JsonBead> {
    beads
        .iter()
        .map(|b| JsonBead {
            source: b.source.clone().collect(),
            target: b.target.clone().collect(),
            score: (b.score * 1e4).round() / 1e4,
        })
        .collect()
}

/// Reads a batch list: `source<TAB>target[<TAB>name]` a line, paths relative to the list's
/// folder, blank lines and `#` comments skipped.
fn read_list(list: &Path) -> Result<Vec<Job>> {
    let text = crate::input::read_text(list)?;
    let base = match list.parent() {
        Some(p) if list != Path::new("-") => p.to_path_buf(),
        _ => PathBuf::new(),
    };
    let file = crate::input::display_name(list);
    let mut jobs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let malformed = |column: usize, message: &str| Error::Malformed {
            file: file.clone(),
            line: n + 1,
            column,
            message: message.to_string(),
        };
        if !(2..=3).contains(&fields.len()) {
            return Err(malformed(
                1,
                "expected source<TAB>target or source<TAB>target<TAB>name",
            ));
        }
        if fields[0].is_empty() || fields[1].is_empty() {
            return Err(malformed(1, "a source and a target path are needed"));
        }
        let path = |f: &str| {
            let p = Path::new(f);
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                base.join(p)
            }
        };
        let (source, target) = (path(fields[0]), path(fields[1]));
        let name = match fields.get(2) {
            Some(name) if !name.is_empty() => name.to_string(),
            _ => job_name(&source)?,
        };
        jobs.push(Job {
            source,
            target,
            name,
        });
    }
    if jobs.is_empty() {
        return Err(Error::invalid(format!("{file} lists no document pairs")));
    }
    Ok(jobs)
}

/// The default name of a batch document: as for one `align`, with the folder taken from the
/// path itself when the file is missing (its failure then names the right document).
fn job_name(source: &Path) -> Result<String> {
    let stem = source.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let language_named = stem
        .split(['_', '.', '-'])
        .next()
        .is_some_and(|p| Lang::parse(p).is_ok());
    let folder = source
        .parent()
        .and_then(Path::file_name)
        .map(|d| d.to_string_lossy().into_owned());
    match folder {
        Some(dir) if language_named && !source.exists() => Ok(dir),
        _ => default_name(source),
    }
}

/// Every folder of `dir` holding `SOURCE.txt` and `TARGET.txt` (language codes), by name.
fn scan_dir(dir: &Path, source_lang: Lang, target_lang: Lang) -> Result<Vec<Job>> {
    let files = (
        format!("{}.txt", source_lang.code()),
        format!("{}.txt", target_lang.code()),
    );
    let mut jobs: Vec<Job> = std::fs::read_dir(dir)
        .map_err(|e| Error::read(dir, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join(&files.0).is_file() && p.join(&files.1).is_file())
        .map(|p| Job {
            source: p.join(&files.0),
            target: p.join(&files.1),
            name: p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        })
        .collect();
    jobs.sort_by(|a, b| a.name.cmp(&b.name));
    if jobs.is_empty() {
        return Err(Error::invalid(format!(
            "{} holds no folders with {} and {}",
            dir.display(),
            files.0,
            files.1
        )));
    }
    Ok(jobs)
}

/// A name that can stand as a file name in --write-pred's folder.
fn plain_file_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

/// One progress bar on standard error for the whole batch (hidden when standard error is not
/// a terminal): documents and sentences done in each pass, percentage and time left, counted
/// in bytes of text, the second pass weighing twice the first.
struct Progress {
    bar: indicatif::ProgressBar,
    documents: usize,
    passes: u8,
    done: [AtomicUsize; 2],
    sentences: [AtomicUsize; 2],
}

impl Progress {
    fn new(files: &Files, lexical: bool) -> Progress {
        let bytes: u64 = files
            .jobs
            .iter()
            .zip(&files.refused)
            .filter(|(_, refused)| refused.is_none())
            .map(|(j, _)| size(&j.source) + size(&j.target))
            .sum();
        let passes = if lexical { 2 } else { 1 };
        let weight = if lexical { 3 } else { 1 };
        let bar = if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(bytes * weight);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {msg} [{wide_bar}] {percent:>3}% · {eta} left",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        let progress = Progress {
            bar,
            documents: files.jobs.len(),
            passes,
            done: Default::default(),
            sentences: Default::default(),
        };
        progress.set_message(1);
        progress
    }

    fn step(&self, s: Step) {
        let p = usize::from(s.pass.clamp(1, 2) - 1);
        self.done[p].fetch_add(1, Ordering::Relaxed);
        self.sentences[p].fetch_add(s.sentences, Ordering::Relaxed);
        let weight = if self.passes == 2 && s.pass == 2 {
            2
        } else {
            1
        };
        self.bar.inc(s.bytes as u64 * weight);
        self.set_message(s.pass);
    }

    fn set_message(&self, pass: u8) {
        let p = usize::from(pass.clamp(1, 2) - 1);
        self.bar.set_message(format!(
            "pass {pass}/{} · {}/{} documents · {} sentences",
            self.passes,
            self.done[p].load(Ordering::Relaxed),
            self.documents,
            self.sentences[p].load(Ordering::Relaxed)
        ));
    }
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

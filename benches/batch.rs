//! Aligning a batch against aligning its documents one by one; throughput and peak memory of
//! large generated batches.
//!
//!     cargo bench --bench batch                  # dev documents, then 1,000, 3,000, 10,000 generated
//!     cargo bench --bench batch -- 1000 3000     # other batch sizes
//!
//! 1. The 62 `hard` development documents: each aligned alone (`align`, one word model per
//!    document, as `bitext align --no-store` per document does), one by one and then two at a
//!    time; and as one batch (`align_batch` over the files, as `bitext align --batch-dir
//!    --lines` does, one word model for the batch) on one thread and on every core. Strict
//!    and lax F1 of each over all 62 documents and over the held-out doc040–doc061.
//! 2. Generated batches: document pairs of 20–60 sentences cut from the clean development
//!    documents (contiguous runs, so each reads as news), made hard as the `hard` set is made
//!    (about 15 % of neighbouring sentences joined on one side, 3 % dropped on one side),
//!    written to a temporary folder with their gold beads. Each batch is aligned and stored
//!    in a temporary memory (each document in its own transaction, as the command does);
//!    reported: time (split into the first pass, the word model's training and the second
//!    pass, and the time spent storing), documents and sentences a second, peak resident
//!    memory (VmHWM of a process running that measurement alone) and F1. The same run's first 200 documents aligned one by one, each
//!    alone, and stored are the baseline for throughput.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use bitext::Lang;
use bitext::align::batch::{self, Document, Files, Input, Job};
use bitext::align::beads::{self, IndexBead};
use bitext::align::{Bead, Config, Training};
use bitext::eval::Scorer;
use bitext::store::{Memory, NewDocument};

#[path = "support/mod.rs"]
mod support;
use support::{clean_pairs, dev_documents, peak_memory_mb, reset_peak_memory, sizes};

/// Set in the child processes that run one measurement each: `baseline|batch FOLDER COUNT`.
const CHILD: &str = "BITEXT_BATCH_BENCH_RUN";

fn main() {
    if let Ok(run) = std::env::var(CHILD) {
        // one measurement in a fresh process, so that no other run's memory is counted
        let mut parts = run.splitn(3, ' ');
        let (kind, count, dir) = (parts.next(), parts.next(), parts.next());
        let (Some(kind), Some(count), Some(dir)) = (kind, count, dir) else {
            panic!("{CHILD}={run}: expected KIND COUNT FOLDER");
        };
        let count: usize = count.parse().expect("a count");
        let corpus = generated(Path::new(dir), count);
        match kind {
            "baseline" => one_by_one_generated(Path::new(dir), &corpus, count),
            _ => generated_batch(Path::new(dir), &corpus, count),
        }
        return;
    }
    let sizes = sizes(&[1_000, 3_000, 10_000]);
    dev_batch();
    let dir = tempfile::tempdir().expect("temporary folder");
    let largest = sizes.iter().copied().max().unwrap_or(0);
    generate(dir.path(), largest);
    println!();
    println!(
        "| generated documents | aligned | time (pass 1 + word model + pass 2) | documents/s | sentences/s (both sides) | peak memory | strict F1 | lax F1 |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|");
    let runs = std::iter::once(("baseline", largest.min(200)))
        .chain(sizes.iter().map(|&size| ("batch", size)));
    for (kind, count) in runs {
        let status = std::process::Command::new(std::env::current_exe().expect("this program"))
            .env(CHILD, format!("{kind} {count} {}", dir.path().display()))
            .status()
            .expect("a measurement process");
        assert!(status.success(), "{kind} {count}: {status}");
    }
}

/// The batch over the development documents against each document alone.
fn dev_batch() {
    let docs = dev_documents("hard");
    let names: Vec<String> = docs
        .iter()
        .map(|d| d.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let gold: Vec<Vec<IndexBead>> = docs
        .iter()
        .map(|d| {
            beads::parse(
                &std::fs::read_to_string(d.join("gold.txt")).unwrap(),
                "gold",
            )
            .unwrap()
        })
        .collect();
    let files = files(
        docs.iter()
            .zip(&names)
            .map(|(d, name)| Job {
                source: d.join("ar.txt"),
                target: d.join("en.txt"),
                name: name.clone(),
            })
            .collect(),
    );
    let held_out = |name: &str| name >= "doc040";
    let report = |how: &str, seconds: f64, predicted: &[Vec<IndexBead>]| {
        let (mut all, mut held) = (Scorer::default(), Scorer::default());
        for ((name, gold), pred) in names.iter().zip(&gold).zip(predicted) {
            all.add(gold, pred);
            if held_out(name) {
                held.add(gold, pred);
            }
        }
        let (a, h) = (all.scores(), held.scores());
        println!(
            "| {how} | {seconds:.2} s | {:.4} | {:.4} | {:.4} | {:.4} |",
            a.f1_strict, a.f1_lax, h.f1_strict, h.f1_lax
        );
    };
    let cores = batch::Options::default().threads;
    println!(
        "{} `hard` development documents, {cores} threads available; median time of {ROUNDS} interleaved rounds",
        docs.len(),
    );
    println!();
    println!(
        "| how | time | strict F1, all | lax F1, all | strict F1, doc040–061 | lax F1, doc040–061 |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let config = Config::default();

    // each document with its own word model (reading included, as for the batch), on
    // `threads` threads taking documents in turn
    let alone = |threads: usize| -> Vec<Vec<IndexBead>> {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results = Mutex::new(vec![Vec::new(); files.len()]);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        if k >= files.len() {
                            break;
                        }
                        let doc = files.read(k).unwrap();
                        let (doc, beads) = batch::align_alone(doc, &Training::default(), &config);
                        results.lock().unwrap()[k] = doc.sentence_beads(&beads);
                    }
                });
            }
        });
        results.into_inner().unwrap()
    };
    // one batch, one word model
    let together = |threads: usize| -> Vec<Vec<IndexBead>> {
        let options = batch::Options {
            threads,
            ..batch::Options::default()
        };
        let mut predicted = Vec::new();
        batch::align_batch(
            &files,
            &Training::default(),
            &config,
            &options,
            &|_| {},
            |_, r| {
                let (doc, beads) = r.unwrap();
                predicted.push(doc.sentence_beads(&beads));
                Ok(())
            },
        )
        .unwrap();
        predicted
    };
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let variants: Vec<(String, Aligner)> = vec![
        (
            "each document alone, one by one".into(),
            Box::new(|| alone(1)),
        ),
        (
            format!("each document alone, {cores} at a time"),
            Box::new(|| alone(cores)),
        ),
        ("one batch, 1 thread".into(), Box::new(|| together(1))),
        (
            format!("one batch, {cores} thread{}", plural(cores)),
            Box::new(|| together(cores)),
        ),
    ];
    let mut times = vec![Vec::new(); variants.len()];
    let mut results = vec![Vec::new(); variants.len()];
    for _ in 0..ROUNDS {
        for (k, (_, run)) in variants.iter().enumerate() {
            let start = Instant::now();
            results[k] = run();
            times[k].push(start.elapsed().as_secs_f64());
        }
    }
    for (k, (how, _)) in variants.iter().enumerate() {
        times[k].sort_by(f64::total_cmp);
        report(how, times[k][ROUNDS / 2], &results[k]);
    }
}

/// One way of aligning the development documents: each document's beads.
type Aligner<'a> = Box<dyn Fn() -> Vec<Vec<IndexBead>> + 'a>;

/// Rounds of the development comparison.
const ROUNDS: usize = 5;

fn files(jobs: Vec<Job>) -> Files {
    let mut files = Files::new(jobs, Lang::Ar, Lang::En);
    files.source_lines = true;
    files.target_lines = true;
    files
}

/// The first `count` generated documents of `dir`.
fn generated(dir: &Path, count: usize) -> Files {
    files(
        (0..count)
            .map(|k| {
                let folder = dir.join(format!("g{k:05}"));
                Job {
                    source: folder.join("ar.txt"),
                    target: folder.join("en.txt"),
                    name: format!("g{k:05}"),
                }
            })
            .collect(),
    )
}

/// Writes `count` generated document pairs under `dir` (`gNNNNN/{ar,en,gold}.txt`).
fn generate(dir: &Path, count: usize) {
    let pairs = clean_pairs();
    let mut rng = Lcg(2024);
    for k in 0..count {
        let len = 20 + rng.below(41);
        let start = rng.below(pairs.len());
        let (mut ar, mut en, mut gold) = (Vec::new(), Vec::new(), Vec::new());
        let mut at = 0;
        while at < len {
            let (a, e) = &pairs[(start + at) % pairs.len()];
            let roll = rng.below(100);
            if roll < 15 && at + 1 < len {
                // two sentences joined on one side
                let (a2, e2) = &pairs[(start + at + 1) % pairs.len()];
                let (i, j) = (ar.len(), en.len());
                if rng.below(2) == 0 {
                    ar.push(format!("{a} {a2}"));
                    en.extend([e.clone(), e2.clone()]);
                    gold.push(IndexBead {
                        source: vec![i],
                        target: vec![j, j + 1],
                    });
                } else {
                    ar.extend([a.clone(), a2.clone()]);
                    en.push(format!("{e} {e2}"));
                    gold.push(IndexBead {
                        source: vec![i, i + 1],
                        target: vec![j],
                    });
                }
                at += 2;
                continue;
            }
            let (i, j) = (ar.len(), en.len());
            if roll < 18 {
                // a sentence left untranslated
                if rng.below(2) == 0 {
                    ar.push(a.clone());
                    gold.push(IndexBead {
                        source: vec![i],
                        target: vec![],
                    });
                } else {
                    en.push(e.clone());
                    gold.push(IndexBead {
                        source: vec![],
                        target: vec![j],
                    });
                }
            } else {
                ar.push(a.clone());
                en.push(e.clone());
                gold.push(IndexBead {
                    source: vec![i],
                    target: vec![j],
                });
            }
            at += 1;
        }
        let folder = dir.join(format!("g{k:05}"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("ar.txt"), ar.join("\n") + "\n").unwrap();
        std::fs::write(folder.join("en.txt"), en.join("\n") + "\n").unwrap();
        std::fs::write(folder.join("gold.txt"), beads::format_index(&gold)).unwrap();
    }
}

fn gold_of(job: &Job) -> Vec<IndexBead> {
    let path = job.source.with_file_name("gold.txt");
    beads::parse(&std::fs::read_to_string(path).unwrap(), "gold").unwrap()
}

/// The baseline of the same run: the first `count` documents aligned one by one, each alone,
/// and stored.
fn one_by_one_generated(dir: &Path, corpus: &Files, count: usize) {
    let config = Config::default();
    let mut scorer = Scorer::default();
    let mut sentences = 0;
    let db = dir.join("one-by-one.db");
    let mut memory = Memory::open(&db).unwrap();
    let mut storing = 0.0;
    reset_peak_memory();
    let start = Instant::now();
    for k in 0..count {
        let doc = corpus.read(k).unwrap();
        sentences += doc.sentences();
        let (doc, beads) = batch::align_alone(doc, &Training::default(), &config);
        let t = Instant::now();
        store(&mut memory, &corpus.jobs[k].name, &doc, &beads).unwrap();
        storing += t.elapsed().as_secs_f64();
        scorer.add(&gold_of(&corpus.jobs[k]), &doc.sentence_beads(&beads));
    }
    let seconds = start.elapsed().as_secs_f64();
    let s = scorer.scores();
    println!(
        "| {count} | one by one, each alone, stored (baseline) | {seconds:.1} s (storing {storing:.1}) | {:.1} | {:.0} | {} MB | {:.4} | {:.4} |",
        count as f64 / seconds,
        sentences as f64 / seconds,
        peak_memory_mb(),
        s.f1_strict,
        s.f1_lax
    );
    drop(memory);
    remove_memory(&db);
}

fn store(memory: &mut Memory, name: &str, doc: &Document, beads: &[Bead]) -> bitext::Result<i64> {
    memory.add_document(
        &NewDocument {
            name,
            source_lang: Lang::Ar,
            target_lang: Lang::En,
            source_text: &doc.source_text,
            target_text: &doc.target_text,
            source_sentences: &doc.source,
            target_sentences: &doc.target,
            beads,
        },
        false,
        "bench",
    )
}

/// The first `size` documents as one batch, stored in a new memory.
fn generated_batch(dir: &Path, part: &Files, size: usize) {
    let db: PathBuf = dir.join(format!("batch-{size}.db"));
    let mut memory = Memory::open(&db).unwrap();
    let config = Config::default();
    let mut scorer = Scorer::default();
    let mut sentences = 0;
    let mut storing = 0.0;
    // when the first pass ended and the second began (the word model is trained between)
    let marks = Mutex::new((None, None));
    reset_peak_memory();
    let start = Instant::now();
    batch::align_batch(
        part,
        &Training::default(),
        &config,
        &batch::Options::default(),
        &|step| {
            let mut marks = marks.lock().unwrap();
            match step.pass {
                1 => marks.0 = Some(Instant::now()),
                _ => {
                    marks.1.get_or_insert_with(Instant::now);
                }
            }
        },
        |k, r| {
            let (doc, beads) = r?;
            sentences += doc.sentences();
            let t = Instant::now();
            store(&mut memory, &part.jobs[k].name, &doc, &beads)?;
            storing += t.elapsed().as_secs_f64();
            scorer.add(&gold_of(&part.jobs[k]), &doc.sentence_beads(&beads));
            Ok(())
        },
    )
    .unwrap();
    let seconds = start.elapsed().as_secs_f64();
    let (first, second) = marks.into_inner().unwrap();
    let since = |t: Option<Instant>| t.map_or(0.0, |t| (t - start).as_secs_f64());
    let s = scorer.scores();
    println!(
        "| {size} | one batch, stored | {seconds:.1} s ({:.1} + {:.1} + {:.1}; storing {storing:.1}) | {:.1} | {:.0} | {} MB | {:.4} | {:.4} |",
        since(first),
        since(second) - since(first),
        seconds - since(second),
        size as f64 / seconds,
        sentences as f64 / seconds,
        peak_memory_mb(),
        s.f1_strict,
        s.f1_lax
    );
    drop(memory);
    remove_memory(&db);
}

fn remove_memory(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// A small deterministic generator (linear congruential), so the batches never change.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

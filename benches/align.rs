//! Alignment speed and memory on long documents built from the development data, beside the
//! PyPI `galechurch` aligner in the same run.
//!
//!     cargo bench --bench align                 # 10,000 and 100,000 sentences a side
//!     cargo bench --bench align -- 20000        # other sizes
//!
//! The pair is the `hard` development documents (merges and deletions) concatenated over and
//! over until each side has the wanted number of sentences, given to bitext as one document
//! of one sentence a line. For each size bitext runs as `bitext align` does — first pass,
//! lexical pass, splitting and scoring — with and without the lexical pass; the report gives
//! wall time, CPU time (both threads), peak resident memory (VmHWM, reset before each run) and
//! strict F1 against the concatenated gold alignment (split sentences read back whole).
//!
//! Then `benches/run_galechurch.py` runs the PyPI `galechurch` package (Gale–Church, Rust inside,
//! all cores) on the same sentences. Its dynamic programme is quadratic, so it is given each
//! development document as a block of its own, as its documentation asks; bitext gets no
//! document boundaries. The python found first of `$BENCH_PYTHON`, `target/bench-venv/bin/python3`
//! and `python3` must import `galechurch`; if none does, the row says how to install it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use bitext::align::beads::{self, IndexBead};
use bitext::align::{Config, Training, align_documents};
use bitext::eval::score;
use bitext::segment;

#[path = "support/mod.rs"]
mod support;
use support::{cpu_seconds, dev_documents, peak_memory_mb, reset_peak_memory, sizes};

fn main() {
    let sizes = sizes(&[10_000, 100_000]);
    let docs = load("hard");
    println!("| sentences a side | aligner | time | CPU time | peak memory | strict F1 |");
    println!("|---:|---|---:|---:|---:|---:|");
    for &size in &sizes {
        let built = build(&docs, size);
        let source: Vec<&str> = built.ar.iter().map(String::as_str).collect();
        let target: Vec<&str> = built.en.iter().map(String::as_str).collect();
        let label = format!("{} × {}", source.len(), target.len());
        for lexical in [false, true] {
            reset_peak_memory();
            let config = Config {
                lexical,
                ..Config::default()
            };
            let start = Instant::now();
            let cpu = cpu_seconds();
            let alignment = align_documents(
                &[(source.clone(), target.clone())],
                &Training::default(),
                &config,
            )
            .pop()
            .unwrap();
            let seconds = start.elapsed().as_secs_f64();
            let cpu = cpu_seconds() - cpu;
            let pred: Vec<IndexBead> = alignment
                .sentence_beads()
                .into_iter()
                .map(|(b, _)| b)
                .collect();
            let f1 = score(&built.gold, &pred).f1_strict;
            println!(
                "| {label} | bitext{} | {seconds:.2} s | {cpu:.2} s | {} MB | {f1:.4} |",
                if lexical { "" } else { " `--no-lexical`" },
                peak_memory_mb()
            );
        }
        println!("| {label} | {} |", galechurch(&built));
    }
}

struct Doc {
    ar: Vec<String>,
    en: Vec<String>,
    gold: Vec<IndexBead>,
}

fn load(variant: &str) -> Vec<Doc> {
    dev_documents(variant)
        .iter()
        .map(|d| {
            let read = |f: &str| std::fs::read_to_string(d.join(f)).unwrap();
            let lines = |t: String| -> Vec<String> {
                segment::lines(&t)
                    .iter()
                    .map(|s| s.text(&t).to_string())
                    .collect()
            };
            Doc {
                ar: lines(read("ar.txt")),
                en: lines(read("en.txt")),
                gold: beads::parse(&read("gold.txt"), "gold").unwrap(),
            }
        })
        .collect()
}

/// A long document pair: the sentences, the gold beads, and where each document copy starts.
struct Built {
    ar: Vec<String>,
    en: Vec<String>,
    gold: Vec<IndexBead>,
    blocks: Vec<(usize, usize)>,
}

/// Concatenates documents until both sides have at least `size` sentences.
fn build(docs: &[Doc], size: usize) -> Built {
    let mut b = Built {
        ar: Vec::new(),
        en: Vec::new(),
        gold: Vec::new(),
        blocks: Vec::new(),
    };
    for d in docs.iter().cycle() {
        if b.ar.len() >= size && b.en.len() >= size {
            break;
        }
        let (a0, e0) = (b.ar.len(), b.en.len());
        b.blocks.push((a0, e0));
        b.ar.extend(d.ar.iter().cloned());
        b.en.extend(d.en.iter().cloned());
        b.gold.extend(d.gold.iter().map(|g| IndexBead {
            source: g.source.iter().map(|i| i + a0).collect(),
            target: g.target.iter().map(|j| j + e0).collect(),
        }));
    }
    b
}

/// The python to run `benches/run_galechurch.py` with: the first that imports `galechurch`.
fn python() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("BENCH_PYTHON").map(PathBuf::from),
        Some(root.join("target/bench-venv/bin/python3")),
        Some(PathBuf::from("python3")),
    ];
    candidates.into_iter().flatten().find(|p| {
        Command::new(p)
            .args(["-c", "import galechurch"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Runs the PyPI `galechurch` aligner on the same sentences, a block per document copy; the
/// rest of a table row.
fn galechurch(built: &Built) -> String {
    let Some(python) = python() else {
        return "galechurch (PyPI) | not run: `python3 -m venv target/bench-venv && target/bench-venv/bin/pip install galechurch` | | | |".into();
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/galechurch");
    let _ = std::fs::remove_dir_all(&dir);
    for side in ["source", "target", "out"] {
        std::fs::create_dir_all(dir.join(side)).unwrap();
    }
    let blocks = |side: &[String], pick: fn(&(usize, usize)) -> usize| -> String {
        let mut starts: Vec<usize> = built.blocks.iter().map(pick).collect();
        starts.push(side.len());
        starts
            .windows(2)
            .map(|w| side[w[0]..w[1]].join("\n") + "\n")
            .collect::<Vec<_>>()
            .join("\n")
    };
    std::fs::write(dir.join("source/doc.txt"), blocks(&built.ar, |b| b.0)).unwrap();
    std::fs::write(dir.join("target/doc.txt"), blocks(&built.en, |b| b.1)).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/run_galechurch.py");
    let out = Command::new(&python)
        .arg(script)
        .arg(dir.join("source"))
        .arg(dir.join("target"))
        .arg(dir.join("out"))
        .output()
        .unwrap();
    if !out.status.success() {
        return format!(
            "galechurch (PyPI) | failed: {} | | | |",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
    }
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // the beads come block after block, numbered within their block
    let text = std::fs::read_to_string(dir.join("out/doc.txt")).unwrap();
    let mut pred = Vec::new();
    let mut block = 0;
    let (mut a, mut e) = (0, 0);
    for bead in beads::parse(&text, "galechurch").unwrap() {
        let (a0, e0) = built.blocks[block];
        a += bead.source.len();
        e += bead.target.len();
        pred.push(IndexBead {
            source: bead.source.iter().map(|i| i + a0).collect(),
            target: bead.target.iter().map(|j| j + e0).collect(),
        });
        let next = built
            .blocks
            .get(block + 1)
            .copied()
            .unwrap_or((built.ar.len(), built.en.len()));
        if a0 + a == next.0 && e0 + e == next.1 {
            block += 1;
            (a, e) = (0, 0);
        }
    }
    let f1 = score(&built.gold, &pred).f1_strict;
    format!(
        "galechurch (PyPI), a block per document | {:.2} s | {:.2} s | {:.0} MB | {f1:.4}",
        report["seconds"].as_f64().unwrap_or(f64::NAN),
        report["cpu_seconds"].as_f64().unwrap_or(f64::NAN),
        report["peak_mb"].as_f64().unwrap_or(f64::NAN),
    )
}

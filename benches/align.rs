//! Alignment speed and memory on long documents built from the development data.
//!
//!     cargo bench --bench align                 # 20,000 and 100,000 sentences a side
//!     cargo bench --bench align -- 50000        # other sizes
//!
//! The pair is the `hard` development documents (merges and deletions) concatenated over and
//! over until each side has the wanted number of sentences. For each size the aligner runs
//! without and with the lexical pass; the report gives wall time, peak resident memory
//! (VmHWM, reset before each run) and strict F1 against the concatenated gold alignment.

use std::time::Instant;

use bitext::align::beads::{self, IndexBead};
use bitext::align::{Config, Training, align_corpus};
use bitext::eval::score;
use bitext::segment;

#[path = "support/mod.rs"]
mod support;
use support::{cpu_seconds, dev_documents, peak_memory_mb, reset_peak_memory, sizes};

fn main() {
    let sizes = sizes(&[20_000, 100_000]);
    let docs = load("hard");
    println!("| sentences a side | lexical pass | time | CPU time | peak memory | strict F1 |");
    println!("|---:|---|---:|---:|---:|---:|");
    for &size in &sizes {
        let (ar, en, gold) = build(&docs, size);
        let source: Vec<&str> = ar.iter().map(String::as_str).collect();
        let target: Vec<&str> = en.iter().map(String::as_str).collect();
        for lexical in [false, true] {
            reset_peak_memory();
            let config = Config {
                lexical,
                ..Config::default()
            };
            let start = Instant::now();
            let cpu = cpu_seconds();
            let beads = align_corpus(
                &[(source.clone(), target.clone())],
                &Training::default(),
                &config,
            )
            .pop()
            .unwrap();
            let seconds = start.elapsed().as_secs_f64();
            let cpu = cpu_seconds() - cpu;
            let pred: Vec<IndexBead> = beads.iter().map(IndexBead::from).collect();
            let f1 = score(&gold, &pred).f1_strict;
            println!(
                "| {} × {} | {} | {seconds:.2} s | {cpu:.2} s | {} MB | {f1:.4} |",
                source.len(),
                target.len(),
                if lexical { "on" } else { "off" },
                peak_memory_mb()
            );
        }
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

/// Concatenates documents until both sides have at least `size` sentences.
fn build(docs: &[Doc], size: usize) -> (Vec<String>, Vec<String>, Vec<IndexBead>) {
    let (mut ar, mut en, mut gold) = (Vec::new(), Vec::new(), Vec::new());
    for d in docs.iter().cycle() {
        if ar.len() >= size && en.len() >= size {
            break;
        }
        let (a0, e0) = (ar.len(), en.len());
        ar.extend(d.ar.iter().cloned());
        en.extend(d.en.iter().cloned());
        gold.extend(d.gold.iter().map(|b| IndexBead {
            source: b.source.iter().map(|i| i + a0).collect(),
            target: b.target.iter().map(|j| j + e0).collect(),
        }));
    }
    (ar, en, gold)
}

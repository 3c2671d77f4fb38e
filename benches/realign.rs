//! The cost of re-aligning around fixed beads and of rescoring beads after an edit.
//!
//!     cargo bench --bench realign               # a 1,000-sentence document
//!     cargo bench --bench realign -- 5000       # other sizes
//!
//! The document is the `hard` development documents concatenated until each side has the
//! wanted number of sentences, aligned as their gold files say. Reported, each the median of
//! several runs: aligning it whole (the baseline, same run); re-aligning it with every tenth
//! gold bead fixed; building the rescoring models (`Rescorer::new`: features and the length
//! model) and scoring one bead (with the lexical model on, that call trains the word model on
//! the 50 confident beads nearest it), with and without the lexical model.

use std::time::Instant;

use bitext::align::beads::IndexBead;
use bitext::align::constrained::{Rescorer, align_fixed};
use bitext::align::{Bead, Config, Training, align};

#[path = "support/mod.rs"]
mod support;
use support::{dev_documents, sizes};

fn main() {
    let sizes = sizes(&[1_000]);
    let docs = load();
    println!("| sentences a side | step | lexical | median time |");
    println!("|---:|---|---|---:|");
    for &size in &sizes {
        let (ar, en, gold) = build(&docs, size);
        let source: Vec<&str> = ar.iter().map(String::as_str).collect();
        let target: Vec<&str> = en.iter().map(String::as_str).collect();
        let label = format!("{} × {}", source.len(), target.len());
        let fixed: Vec<Bead> = gold.iter().step_by(10).cloned().collect();
        let middle = gold.len() / 2;
        for lexical in [false, true] {
            let config = Config {
                lexical,
                ..Config::default()
            };
            let on = if lexical { "on" } else { "off" };
            let row = |step: &str, seconds: f64| {
                println!("| {label} | {step} | {on} | {} |", human(seconds));
            };
            row(
                "align (baseline)",
                median(3, || {
                    align(&source, &target, &config);
                }),
            );
            row(
                "align with every 10th bead fixed",
                median(3, || {
                    align_fixed(&source, &target, &fixed, &Training::default(), &config).unwrap();
                }),
            );
            let none = Training::default();
            let mut rescorer = None;
            row(
                "rescoring: the length model (`Rescorer::new`)",
                median(5, || {
                    rescorer =
                        Some(Rescorer::new(&source, &target, &gold, &none, &config).unwrap());
                }),
            );
            let rescorer = rescorer.unwrap();
            row(
                "rescoring: score one bead (`Rescorer::scores`)",
                median(21, || {
                    rescorer.scores(&gold, &[middle]).unwrap();
                }),
            );
        }
    }
}

fn human(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{:.1} ms", seconds * 1e3)
    } else {
        format!("{seconds:.2} s")
    }
}

fn median(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

struct Doc {
    ar: Vec<String>,
    en: Vec<String>,
    gold: Vec<IndexBead>,
}

fn load() -> Vec<Doc> {
    dev_documents("hard")
        .iter()
        .map(|d| {
            let read = |f: &str| std::fs::read_to_string(d.join(f)).unwrap();
            let lines = |t: String| t.lines().map(str::to_string).collect();
            Doc {
                ar: lines(read("ar.txt")),
                en: lines(read("en.txt")),
                gold: bitext::align::beads::parse(&read("gold.txt"), "gold").unwrap(),
            }
        })
        .collect()
}

/// Concatenates documents until both sides have at least `size` sentences; the gold beads as
/// ranges.
fn build(docs: &[Doc], size: usize) -> (Vec<String>, Vec<String>, Vec<Bead>) {
    let (mut ar, mut en, mut gold) = (Vec::new(), Vec::new(), Vec::new());
    for d in docs.iter().cycle() {
        if ar.len() >= size && en.len() >= size {
            break;
        }
        let (mut i, mut j) = (ar.len(), en.len());
        for b in &d.gold {
            let s = i..i + b.source.len();
            let t = j..j + b.target.len();
            (i, j) = (s.end, t.end);
            gold.push(Bead {
                source: s,
                target: t,
                score: 1.0,
            });
        }
        ar.extend(d.ar.iter().cloned());
        en.extend(d.en.iter().cloned());
    }
    (ar, en, gold)
}

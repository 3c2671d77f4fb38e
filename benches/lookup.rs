//! Lookup and concordance speed on a large memory built from the development data.
//!
//!     cargo bench --bench lookup                  # 1,000,000 units
//!     cargo bench --bench lookup -- 100000        # other sizes
//!
//! The memory repeats the 988 sentence pairs of `../shared/devdata/clean` over and over, every
//! copy after the first perturbed (two words swapped, a word dropped, a number added, on each
//! side independently), stored through `Memory::add_document` in documents of 50,000 units
//! (one transaction and prepared statements each; the index triggers run as they do for
//! `bitext align`). It is kept in `target/bench-lookup-SIZE.db`, so a rerun skips the build.
//!
//! Then 1000 lookups of freshly perturbed dev sentences (half Arabic, half English; default
//! options: --min 70 --limit 5) and 1000 concordance queries (a word or a two-word phrase of a
//! dev sentence; --limit 20). The report gives median and 95th-percentile time, peak resident
//! memory (VmHWM, reset before the queries) and, for lookup, how often a match was found. Up to
//! 200,000 units it also checks 50 lookups against a full scan of the memory.

use std::time::Instant;

use bitext::Lang;
use bitext::search::concordance::{Query, concordance};
use bitext::search::lookup::{Options, lookup};
use bitext::search::score::similarity;
use bitext::store::{Memory, UnitFilter};
use bitext::text::normalize::word_spans;

#[path = "support/mod.rs"]
mod support;
use support::memory::{Rng, build, perturb};
use support::{clean_pairs, peak_memory_mb, reset_peak_memory, sizes};

const QUERIES: usize = 1000;

fn main() {
    let sizes = sizes(&[1_000_000]);
    let pairs = clean_pairs();
    println!("| units | query | median | 95th percentile | peak memory | found |");
    println!("|---:|---|---:|---:|---:|---:|");
    for size in sizes {
        let path = build(&pairs, size);
        let memory = Memory::open_existing(&path).unwrap();
        let mut rng = Rng(size as u64 ^ 0x5eed);

        reset_peak_memory();
        let mut times = Vec::with_capacity(QUERIES);
        let mut found = 0;
        let mut checks = Vec::new();
        for k in 0..QUERIES {
            let (ar, en) = &pairs[rng.below(pairs.len())];
            let text = if k % 2 == 0 {
                perturb(ar, &mut rng)
            } else {
                perturb(en, &mut rng)
            };
            let start = Instant::now();
            let matches = lookup(&memory, &text, &Options::default()).unwrap();
            times.push(start.elapsed().as_secs_f64());
            if !matches.is_empty() {
                found += 1;
            }
            if checks.len() < 50 {
                checks.push((text, matches.first().map_or(0, |m| m.score)));
            }
        }
        let peak = peak_memory_mb();
        row(
            size,
            "lookup",
            &mut times,
            &peak,
            &format!("{:.0}%", 100.0 * found as f64 / QUERIES as f64),
        );

        reset_peak_memory();
        let mut times = Vec::with_capacity(QUERIES);
        let mut hits = 0;
        for _ in 0..QUERIES {
            let (ar, en) = &pairs[rng.below(pairs.len())];
            let sentence = if rng.below(2) == 0 { ar } else { en };
            let words: Vec<&str> = sentence.split_whitespace().collect();
            let at = rng.below(words.len());
            let query = if rng.below(5) < 2 && at + 1 < words.len() {
                format!("{} {}", words[at], words[at + 1])
            } else {
                words[at].to_string()
            };
            let Ok(parsed) = Query::from_args(std::slice::from_ref(&query)) else {
                continue;
            };
            let start = Instant::now();
            let found = concordance(&memory, &parsed, Lang::detect(&query), 20, None).unwrap();
            times.push(start.elapsed().as_secs_f64());
            if !found.is_empty() {
                hits += 1;
            }
        }
        let peak = peak_memory_mb();
        let share = format!("{:.0}%", 100.0 * hits as f64 / times.len() as f64);
        row(size, "concordance", &mut times, &peak, &share);

        if size <= 200_000 {
            let agree = full_scan_agreement(&memory, &checks);
            println!(
                "\nbest lookup score equal to a full scan's: {agree} of {} queries",
                checks.len()
            );
        }
        let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
        println!("\n{}: {:.0} MB", path.display(), bytes as f64 / 1e6);
    }
}

fn row(size: usize, what: &str, times: &mut [f64], peak: &str, found: &str) {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)] * 1e3;
    println!(
        "| {size} | {what} | {:.1} ms | {:.1} ms | {peak} MB | {found} |",
        at(0.5),
        at(0.95)
    );
}

/// For each (text, best score from lookup): does a scan of every unit find the same best score?
fn full_scan_agreement(memory: &Memory, checks: &[(String, u8)]) -> usize {
    let units = memory.units(&UnitFilter::default()).unwrap();
    let mut agree = 0;
    for (text, found) in checks {
        let lang = Lang::detect(text);
        let a = word_spans(text);
        let na: Vec<&str> = a.iter().map(|w| w.norm.as_str()).collect();
        let mut best = 0;
        for u in &units {
            let side = if lang == Lang::Ar {
                &u.source
            } else {
                &u.target
            };
            let b = word_spans(side);
            let nb: Vec<&str> = b.iter().map(|w| w.norm.as_str()).collect();
            best = best.max(similarity(text, &na, side, &nb).percent);
        }
        let best = if best < 70 { 0 } else { best };
        if best == *found {
            agree += 1;
        }
    }
    agree
}

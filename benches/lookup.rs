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

use std::path::PathBuf;
use std::time::Instant;

use bitext::Lang;
use bitext::align::Bead;
use bitext::search::concordance::{Query, concordance};
use bitext::search::lookup::{Options, lookup};
use bitext::search::score::similarity;
use bitext::segment::{self, Span};
use bitext::store::{Memory, NewDocument, UnitFilter};
use bitext::text::normalize::word_spans;

#[path = "support/mod.rs"]
mod support;
use support::{clean_pairs, peak_memory_mb, reset_peak_memory, sizes};

const DOCUMENT_UNITS: usize = 50_000;
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

/// The memory of `size` units, built unless a previous run left it.
fn build(pairs: &[(String, String)], size: usize) -> PathBuf {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target"))
        .join(format!("bench-lookup-{size}.db"));
    if path.exists() {
        let memory = Memory::open_existing(&path).unwrap();
        if memory.unit_count_estimate().unwrap() as usize == size {
            return path;
        }
        drop(memory);
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let start = Instant::now();
    let mut memory = Memory::open(&path).unwrap();
    let mut rng = Rng(42);
    let mut made = 0;
    let mut round = 0;
    let mut document = 0;
    while made < size {
        let n = DOCUMENT_UNITS.min(size - made);
        let (mut ar, mut en) = (Vec::with_capacity(n), Vec::with_capacity(n));
        while ar.len() < n {
            let k = (made + ar.len()) % pairs.len();
            if k == 0 && made + ar.len() > 0 {
                round += 1;
            }
            let (a, e) = &pairs[k];
            if round == 0 {
                ar.push(a.clone());
                en.push(e.clone());
            } else {
                ar.push(perturb(a, &mut rng));
                en.push(perturb(e, &mut rng));
            }
        }
        store(&mut memory, &format!("bench-{document:03}"), &ar, &en);
        made += n;
        document += 1;
        eprint!("\rbuilding {}: {made} units", path.display());
    }
    eprintln!(" in {:.0} s", start.elapsed().as_secs_f64());
    path
}

fn store(memory: &mut Memory, name: &str, ar: &[String], en: &[String]) {
    let source = ar.join("\n");
    let target = en.join("\n");
    let ss: Vec<Span> = segment::lines(&source);
    let ts: Vec<Span> = segment::lines(&target);
    assert_eq!((ss.len(), ts.len()), (ar.len(), en.len()));
    let beads: Vec<Bead> = (0..ar.len())
        .map(|k| Bead {
            source: k..k + 1,
            target: k..k + 1,
            score: 1.0,
        })
        .collect();
    memory
        .add_document(
            &NewDocument {
                name,
                source_lang: Lang::Ar,
                target_lang: Lang::En,
                source_text: &source,
                target_text: &target,
                source_sentences: &ss,
                target_sentences: &ts,
                beads: &beads,
            },
            false,
            "bench",
        )
        .unwrap();
}

/// A sentence changed a little: one or two of (two neighbouring words swapped, a word
/// dropped, a number added).
fn perturb(sentence: &str, rng: &mut Rng) -> String {
    let mut words: Vec<String> = sentence.split_whitespace().map(str::to_string).collect();
    for _ in 0..1 + rng.below(2) {
        match rng.below(3) {
            0 if words.len() > 2 => {
                let k = rng.below(words.len() - 1);
                words.swap(k, k + 1);
            }
            1 if words.len() > 3 => {
                words.remove(rng.below(words.len()));
            }
            _ => {
                let number = (1 + rng.below(9999)).to_string();
                words.insert(rng.below(words.len() + 1), number);
            }
        }
    }
    words.join(" ")
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

/// splitmix64: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

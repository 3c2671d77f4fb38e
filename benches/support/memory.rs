//! The large memory the lookup and serve benchmarks share: the development pairs repeated and
//! perturbed until the memory holds the wanted number of units, kept in
//! `target/bench-lookup-SIZE.db` so that a rerun skips the build.

use std::path::PathBuf;
use std::time::Instant;

use bitext::Lang;
use bitext::align::Bead;
use bitext::segment::{self, Span};
use bitext::store::{Memory, NewDocument};

/// Units a document of the memory holds.
pub const DOCUMENT_UNITS: usize = 50_000;

/// The memory of `size` units, built unless a previous run left it.
pub fn build(pairs: &[(String, String)], size: usize) -> PathBuf {
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
pub fn perturb(sentence: &str, rng: &mut Rng) -> String {
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

/// splitmix64: reproducible without a dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

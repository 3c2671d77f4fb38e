//! Memories to test with, built from the shipped article.

use crate::Lang;
use crate::align::Bead;
use crate::store::{Memory, NewDocument};

pub const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/kazakhstan-2022");

pub fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{CORPUS}/{name}")).unwrap()
}

/// Stores corpus/kazakhstan-2022 as document `kazakhstan-2022`, aligned as its gold file
/// says (18 units, two of them 1-2); returns the document id.
pub fn kazakhstan(memory: &mut Memory) -> i64 {
    let ar = read("ar.txt");
    let en = read("en.txt");
    let ss = crate::segment::split(&ar, Lang::Ar);
    let ts = crate::segment::split(&en, Lang::En);
    let gold = crate::align::beads::parse(&read("gold.txt"), "gold.txt").unwrap();
    let beads: Vec<Bead> = gold
        .iter()
        .map(|b| Bead {
            source: range(&b.source),
            target: range(&b.target),
            score: 0.9,
        })
        .collect();
    memory
        .add_document(
            &NewDocument {
                name: "kazakhstan-2022",
                source_lang: Lang::Ar,
                target_lang: Lang::En,
                source_text: &ar,
                target_text: &en,
                source_sentences: &ss,
                target_sentences: &ts,
                beads: &beads,
            },
            false,
            "tester",
        )
        .unwrap()
}

fn range(indices: &[usize]) -> std::ops::Range<usize> {
    match (indices.first(), indices.last()) {
        (Some(&a), Some(&b)) => a..b + 1,
        _ => 0..0,
    }
}

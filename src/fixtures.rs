//! Memories to test with, built from the shipped article.

use crate::Lang;
use crate::align::Bead;
use crate::store::{Memory, NewDocument};

pub const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/kazakhstan-2022");

pub fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{CORPUS}/{name}")).unwrap()
}

/// The article's gold alignment in whole sentences (`corpus/kazakhstan-2022/gold.txt` is over
/// the aligner's parts, with Arabic 3 and 16 split): 18 beads, two of them 1-2.
pub const SENTENCE_GOLD: &str = "[0]:[0]\n[1]:[1]\n[2]:[2]\n[3]:[3,4]\n[4]:[5]\n[5]:[6]\n[6]:[7]\n[7]:[8]\n[8]:[9]\n[9]:[10]\n[10]:[11]\n[11]:[12]\n[12]:[13]\n[13]:[14]\n[14]:[15]\n[15]:[16]\n[16]:[17,18]\n[17]:[19]\n";

/// Stores corpus/kazakhstan-2022 as document `kazakhstan-2022`, aligned sentence by sentence as
/// [`SENTENCE_GOLD`] says (18 units, two of them 1-2); returns the document id.
pub fn kazakhstan(memory: &mut Memory) -> i64 {
    let ar = read("ar.txt");
    let en = read("en.txt");
    let ss = crate::segment::split(&ar, Lang::Ar);
    let ts = crate::segment::split(&en, Lang::En);
    let gold = crate::align::beads::parse(SENTENCE_GOLD, "gold").unwrap();
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

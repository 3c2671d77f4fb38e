//! The shipped corpus: the Arabic article exactly as received, and a gold alignment that fits
//! the sentences `bitext segment` finds in both texts.

use bitext::Lang;
use bitext::align::beads;
use sha2::{Digest, Sha256};

const AR: &[u8] = include_bytes!("../corpus/kazakhstan-2022/ar.txt");
const EN: &str = include_str!("../corpus/kazakhstan-2022/en.txt");
const GOLD: &str = include_str!("../corpus/kazakhstan-2022/gold.txt");

#[test]
fn the_arabic_article_is_byte_for_byte_the_source() {
    let digest = Sha256::digest(AR);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex,
        "2da5c5798d77fd8906d2f87d41b6acda00545f3fc236eb05b2890c225916537c"
    );
}

#[test]
fn the_gold_alignment_covers_every_sentence_once_in_order() {
    let ar = std::str::from_utf8(AR).unwrap();
    let n = bitext::segment::split(ar, Lang::Ar).len();
    let m = bitext::segment::split(EN, Lang::En).len();
    assert_eq!((n, m), (18, 20));
    // the gold numbers the sentences as the aligner stores them: Arabic 3 and 16 are split in
    // two where the English splits them (SOURCE.md), so both sides have 20
    let gold = beads::parse(GOLD, "gold.txt").unwrap();
    let sources: Vec<usize> = gold.iter().flat_map(|b| b.source.clone()).collect();
    let targets: Vec<usize> = gold.iter().flat_map(|b| b.target.clone()).collect();
    assert_eq!(sources, (0..n + 2).collect::<Vec<_>>());
    assert_eq!(targets, (0..m).collect::<Vec<_>>());
}

#[test]
fn the_translation_is_running_prose_without_the_photo_credit() {
    assert!(!EN.contains("Reuters"));
    assert!(EN.lines().filter(|l| !l.trim().is_empty()).count() < 20);
    assert!(EN.starts_with("Kazakh President Kassym Tokayev"));
    assert!(std::str::from_utf8(AR).unwrap().starts_with("Reuters "));
}

//! Language-independent anchors, looked up through an inverted index.
//!
//! Each sentence yields keys: its numbers ([`numbers`]), its Latin-script words (the whole
//! text for English, the foreign words for Arabic), and the consonant skeletons of its names
//! ([`names`]) with, for skeletons of four or more consonants, every skeleton one consonant
//! shorter, so that skeletons one edit apart (`MKDN` for مقدونيا, `MSDN` for Macedonia) share a
//! key. The target side's keys are indexed; each source sentence probes the index, so the cost
//! grows with the matches found, not with the number of sentence pairs compared.
//!
//! A pair's score is the sum, over the target sentence's anchors matched by the source
//! sentence, of the anchor's weight: numbers and Latin words in full, names times their
//! skeletons' similarity (1 when equal, else `strsim`'s normalised Damerau–Levenshtein
//! similarity, see [`names::similarity`]).

use std::collections::HashMap;
use std::hash::BuildHasher;

use super::Weights;
use super::dp::Band;
use super::names;
use crate::Lang;
use crate::text::numbers::numbers;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Number,
    Latin,
    Name,
    NameNear,
}

/// One anchor of a sentence: a hashed key, its kind, which of the sentence's items it stands
/// for (a name and its near keys share a slot), and for names which skeleton.
#[derive(Clone, Copy, Debug)]
struct Key {
    hash: u64,
    kind: Kind,
    slot: u16,
    name: u16,
}

fn hash(space: u8, text: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(u64::from(space)).hash_one(text)
}

/// The anchor keys of a sentence, and the skeletons its name keys refer to.
fn keys(text: &str, lang: Lang) -> (Vec<Key>, Vec<names::Skeleton>) {
    keys_with(numbers_in(text), text, lang)
}

/// [`numbers`], without reading a text that has no digit.
fn numbers_in(text: &str) -> Vec<String> {
    let digit = |c: char| {
        c.is_ascii_digit() || matches!(c, '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}')
    };
    if text.chars().any(digit) {
        numbers(text)
    } else {
        Vec::new()
    }
}

/// [`keys`] with the numbers given: a piece of a sentence takes its numbers from a longer
/// text, so that a multiplier word after it still counts (`200` before `ألف`).
fn keys_with(numbers: Vec<String>, text: &str, lang: Lang) -> (Vec<Key>, Vec<names::Skeleton>) {
    let mut out = Vec::new();
    let mut slot = 0u16;
    let mut push = |hash, kind, slot, name| {
        out.push(Key {
            hash,
            kind,
            slot,
            name,
        })
    };
    let mut seen = Vec::new();
    for n in numbers {
        push(hash(b'n', &n), Kind::Number, slot, 0);
        slot = slot.saturating_add(1);
    }
    for h in latin_hashes(text) {
        if !seen.contains(&h) {
            push(h, Kind::Latin, slot, 0);
            slot = slot.saturating_add(1);
            seen.push(h);
        }
    }
    let skeletons = match lang {
        Lang::Ar => names::arabic_names(text),
        Lang::En => names::english_names(text),
    };
    for (k, s) in skeletons.iter().enumerate() {
        let k = u16::try_from(k).unwrap_or(u16::MAX);
        push(hash(b's', s), Kind::Name, slot, k);
        names::for_each_shorter(s, |d| push(hash(b's', d), Kind::NameNear, slot, k));
        slot = slot.saturating_add(1);
    }
    (out, skeletons)
}

/// The keys of the Latin-script words of `text` (two characters or more, a letter among them),
/// in order, repeats included.
fn latin_hashes(text: &str) -> impl Iterator<Item = u64> + '_ {
    let mut lower = String::new();
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 2 && w.bytes().any(|c| c.is_ascii_alphabetic()))
        .map(move |w| {
            lower.clear();
            lower.extend(w.chars().map(|c| c.to_ascii_lowercase()));
            hash(b'l', &lower)
        })
}

/// Credit for a source key meeting a target key of the same hash.
fn credit(a: Kind, b: Kind, a_name: &str, b_name: &str, w: &Weights) -> f32 {
    match (a, b) {
        (Kind::Number, Kind::Number) => w.number as f32,
        (Kind::Latin, Kind::Latin) => w.latin as f32,
        (Kind::Name | Kind::NameNear, Kind::Name | Kind::NameNear) => {
            (w.name * names::similarity(a_name, b_name)) as f32
        }
        _ => 0.0,
    }
}

/// The anchors of a text, kept to be matched against the anchors of others ([`matches`]).
pub struct Anchors {
    keys: Vec<Key>,
    skeletons: Vec<names::Skeleton>,
}

impl Anchors {
    /// The anchors of `text`, a sentence in `lang`.
    pub fn of(text: &str, lang: Lang) -> Anchors {
        let (keys, skeletons) = keys(text, lang);
        Anchors { keys, skeletons }
    }

    /// The anchors of a word of a sentence, `text[word]`, its numbers read with what follows
    /// it up to `until` (the end of the next word), so that `200 ألف` is 200,000.
    pub fn of_word(text: &str, word: std::ops::Range<usize>, until: usize, lang: Lang) -> Anchors {
        let own = numbers_in(&text[word.clone()]).len();
        let mut numbers = if own == 0 {
            Vec::new()
        } else {
            numbers(&text[word.start..until])
        };
        numbers.truncate(own);
        let (keys, skeletons) = keys_with(numbers, &text[word], lang);
        Anchors { keys, skeletons }
    }

    /// True when the text has no anchors.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// The anchors of `other` that `one` matches: `(slot of other, credit)`, a slot (one number,
/// word or name of `other`) once, with the best credit; `one` is on the source side when
/// `one_is_source`.
pub fn matches(
    one: &Anchors,
    other: &Anchors,
    one_is_source: bool,
    w: &Weights,
) -> Vec<(u16, f32)> {
    let mut out: Vec<(u16, f32)> = Vec::new();
    for a in &one.keys {
        for b in other.keys.iter().filter(|b| b.hash == a.hash) {
            let (x, y) = match (a.kind, b.kind) {
                (Kind::Name | Kind::NameNear, Kind::Name | Kind::NameNear) => (
                    &*one.skeletons[usize::from(a.name)],
                    &*other.skeletons[usize::from(b.name)],
                ),
                _ => ("", ""),
            };
            let c = if one_is_source {
                credit(a.kind, b.kind, x, y, w)
            } else {
                credit(b.kind, a.kind, y, x, w)
            };
            if c <= 0.0 {
                continue;
            }
            match out.iter_mut().find(|m| m.0 == b.slot) {
                Some(m) => m.1 = m.1.max(c),
                None => out.push((b.slot, c)),
            }
        }
    }
    out
}

/// Where a target key occurs: sentence, slot, kind, and the index of its skeleton among the
/// target side's names.
type Posting = (u32, u16, Kind, u32);

/// 64-bit words of the set of the target side's keys (2^23 bits, one megabyte).
const PRESENT_WORDS: usize = 1 << 17;

/// The bit of a key in that set: bits of its hash other than those the index's table uses
/// first, so that keys sharing a bucket rarely share a bit.
fn present_bit(hash: u64) -> usize {
    (hash >> 41) as usize % (PRESENT_WORDS * 64)
}

/// Anchor scores of the sentence pairs of a band; only pairs that share an anchor are kept.
pub struct AnchorTable {
    /// For each source sentence, `(target sentence, score)` sorted by target sentence.
    rows: Vec<Vec<(u32, f32)>>,
}

impl AnchorTable {
    /// A table without anchors, for `n` source sentences.
    pub fn empty(n: usize) -> AnchorTable {
        AnchorTable {
            rows: vec![Vec::new(); n],
        }
    }

    /// Scores the pairs of `band` that share anchors.
    pub fn new(
        source: &[&str],
        target: &[&str],
        langs: (Lang, Lang),
        band: &Band,
        w: &Weights,
    ) -> AnchorTable {
        // the target side's keys (on both cores), indexed by hash
        let target_keys = super::par_map(target, |t| keys(t, langs.1));
        // a Latin word of the target side that no source sentence has cannot be met: English
        // words against Arabic text are nearly all of them, and the index is smaller without
        let source_latin: std::collections::HashSet<u64, foldhash::fast::FixedState> =
            source.iter().flat_map(|s| latin_hashes(s)).collect();
        let mut index: HashMap<u64, Vec<Posting>, foldhash::fast::FixedState> = HashMap::default();
        let mut target_names: Vec<names::Skeleton> = Vec::new();
        for (j, (keys, skeletons)) in target_keys.into_iter().enumerate() {
            let base = target_names.len() as u32;
            for k in keys {
                if k.kind == Kind::Latin && !source_latin.contains(&k.hash) {
                    continue;
                }
                let name = base + u32::from(k.name);
                index
                    .entry(k.hash)
                    .or_default()
                    .push((j as u32, k.slot, k.kind, name));
            }
            target_names.extend(skeletons);
        }
        // most probes find nothing: a bit a key, in a set small enough to stay in the cache,
        // answers those without touching the index
        let mut present = vec![0u64; PRESENT_WORDS];
        for &h in index.keys() {
            let bit = present_bit(h);
            present[bit / 64] |= 1 << (bit % 64);
        }
        // each source sentence probes the index for the targets in its row of the band
        let numbered: Vec<(usize, &&str)> = source.iter().enumerate().collect();
        let rows = super::par_map(&numbered, |&(i, s)| {
            let (lo, hi) = band.row_bounds(i);
            let mut best: HashMap<(u32, u16), f32, foldhash::fast::FixedState> = HashMap::default();
            let (keys, skeletons) = keys(s, langs.0);
            for k in keys {
                let bit = present_bit(k.hash);
                if present[bit / 64] & (1 << (bit % 64)) == 0 {
                    continue;
                }
                let Some(postings) = index.get(&k.hash) else {
                    continue;
                };
                let start = postings.partition_point(|p| (p.0 as usize) < lo);
                for &(j, slot, kind, name) in
                    postings[start..].iter().take_while(|p| p.0 as usize <= hi)
                {
                    let (a, b) = match kind {
                        Kind::Name | Kind::NameNear => (
                            &*skeletons[usize::from(k.name)],
                            &*target_names[name as usize],
                        ),
                        _ => ("", ""),
                    };
                    let c = credit(k.kind, kind, a, b, w);
                    if c > 0.0 {
                        let e = best.entry((j, slot)).or_insert(0.0);
                        *e = e.max(c);
                    }
                }
            }
            let mut row: Vec<(u32, f32)> = Vec::new();
            let mut items: Vec<(u32, f32)> = best.iter().map(|(&(j, _), &c)| (j, c)).collect();
            items.sort_unstable_by_key(|x| x.0);
            for (j, c) in items {
                match row.last_mut() {
                    Some(last) if last.0 == j => last.1 += c,
                    _ => row.push((j, c)),
                }
            }
            row
        });
        AnchorTable { rows }
    }

    /// The scores of the pairs near `band` (up to `reach` sentences beyond its edges, as a
    /// bead starting in it reads them), laid out for the decoder's many lookups.
    pub fn near(&self, band: &Band, reach: usize) -> NearAnchors<'_> {
        let n = self.rows.len();
        let mut lo = Vec::with_capacity(n);
        let mut hi = Vec::with_capacity(n);
        let mut offset = Vec::with_capacity(n + 1);
        offset.push(0);
        for i in 0..n {
            let rows = i.saturating_sub(reach)..=i;
            let first = rows
                .clone()
                .map(|r| band.row_bounds(r).0)
                .min()
                .unwrap_or(0);
            let last = rows.map(|r| band.row_bounds(r).1).max().unwrap_or(0) + reach;
            lo.push(first);
            hi.push(last.max(first));
            offset.push(offset[i] + last.max(first) + 1 - first);
        }
        let mut values = vec![0.0f32; offset[n]];
        for (i, row) in self.rows.iter().enumerate() {
            let start = row.partition_point(|x| (x.0 as usize) < lo[i]);
            for &(j, c) in row[start..].iter().take_while(|x| x.0 as usize <= hi[i]) {
                values[offset[i] + j as usize - lo[i]] = c;
            }
        }
        NearAnchors {
            table: self,
            lo,
            hi,
            offset,
            values,
        }
    }

    /// The anchor score of source sentence `i` with target sentence `j`.
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> f64 {
        let row = &self.rows[i];
        match row.binary_search_by_key(&(j as u32), |x| x.0) {
            Ok(k) => f64::from(row[k].1),
            Err(_) => 0.0,
        }
    }
}

/// An [`AnchorTable`]'s scores near a band, one slot a pair (others are looked up in the
/// table).
pub struct NearAnchors<'a> {
    table: &'a AnchorTable,
    lo: Vec<usize>,
    hi: Vec<usize>,
    offset: Vec<usize>,
    values: Vec<f32>,
}

impl NearAnchors<'_> {
    /// The anchor score of source sentence `i` with target sentence `j`, as
    /// [`AnchorTable::get`] gives it.
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> f64 {
        match (self.lo.get(i), self.hi.get(i)) {
            (Some(&lo), Some(&hi)) if (lo..=hi).contains(&j) => {
                f64::from(self.values[self.offset[i] + j - lo])
            }
            _ => self.table.get(i, j),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(ar: &str, en: &str) -> f64 {
        let w = Weights::default();
        let table = AnchorTable::new(&[ar], &[en], (Lang::Ar, Lang::En), &Band::full(1, 1), &w);
        table.get(0, 0)
    }

    #[test]
    fn numbers_match_across_scripts_and_multipliers() {
        let w = Weights::default();
        assert_eq!(score("حوالي ٢٬٥٠٠ جندي", "about 2,500 soldiers"), w.number);
        assert_eq!(
            score("\"200 ألف من رجال العصابات\"", "\"200,000 bandits\""),
            w.number
        );
        assert_eq!(
            score("26 قتيلا و18 جريحا", "26 killed and 18 wounded"),
            2.0 * w.number
        );
    }

    #[test]
    fn names_match_by_skeleton_and_near_skeleton() {
        let w = Weights::default();
        assert_eq!(
            score("وتوجّه توقاييف بالشكر", "Tokayev thanked them"),
            w.name
        );
        // مقدونيا is MKDN, Macedonia MSDN: one edit apart, similarity 0.75
        let near = score("مقدونيا", "Macedonia");
        assert!((near - w.name * 0.75).abs() < 1e-6, "{near}");
        assert_eq!(score("قال الرئيس", "Tokayev thanked them"), 0.0);
    }

    #[test]
    fn latin_words_in_arabic_text_match_the_english() {
        let w = Weights::default();
        assert_eq!(score("Reuters قال الرئيس", "Reuters reported"), w.latin);
    }

    #[test]
    fn the_pairs_near_a_band_score_as_in_the_table() {
        // numbers repeated down both sides: every sentence shares anchors with several
        let source: Vec<String> = (0..40)
            .map(|k| format!("{} و{} قال", k % 7, k % 5))
            .collect();
        let target: Vec<String> = (0..45)
            .map(|k| format!("{} and {} said", k % 5, k % 7))
            .collect();
        let source: Vec<&str> = source.iter().map(String::as_str).collect();
        let target: Vec<&str> = target.iter().map(String::as_str).collect();
        let w = Weights::default();
        let table = AnchorTable::new(
            &source,
            &target,
            (Lang::Ar, Lang::En),
            &Band::full(40, 45),
            &w,
        );
        let band = Band::diagonal(40, 45, 3);
        let near = table.near(&band, 2);
        let mut scored = 0;
        for i in 0..40 {
            for j in 0..45 {
                assert_eq!(near.get(i, j), table.get(i, j), "({i}, {j})");
                scored += usize::from(table.get(i, j) > 0.0);
            }
        }
        assert!(scored > 100, "{scored}");
    }

    #[test]
    fn an_anchor_counts_once_however_many_keys_reach_it() {
        let w = Weights::default();
        // توقاييف twice, and its whole-word and stem skeletons: one English name, one credit
        assert_eq!(score("توقاييف ولتوقاييف", "Tokayev"), w.name);
    }
}

use super::*;
use std::ops::Range;

const AR: &str = include_str!("../../corpus/kazakhstan-2022/ar.txt");
const EN: &str = include_str!("../../corpus/kazakhstan-2022/en.txt");

fn sentences(text: &str, lang: Lang) -> Vec<&str> {
    crate::segment::split(text, lang)
        .into_iter()
        .map(|s| s.text(text))
        .collect()
}

fn shape(beads: &[Bead]) -> String {
    beads::format(beads)
}

use crate::fixtures::SENTENCE_GOLD;

fn aligned(ar: &[&str], en: &[&str], config: &Config) -> Alignment {
    align_documents(&[(ar.to_vec(), en.to_vec())], &Training::default(), config)
        .pop()
        .unwrap()
}

/// The texts of parts.
fn texts<'a>(parts: &[Part], sentences: &[&'a str]) -> Vec<&'a str> {
    parts
        .iter()
        .map(|p| &sentences[p.sentence][p.range.clone()])
        .collect()
}

#[test]
fn the_article_aligns_to_its_gold_standard() {
    let ar = sentences(AR, Lang::Ar);
    let en = sentences(EN, Lang::En);
    let got = aligned(&ar, &en, &Config::default());
    let gold = include_str!("../../corpus/kazakhstan-2022/gold.txt");
    assert_eq!(shape(&got.beads), gold);
    // sentence by sentence, without splitting
    assert_eq!(shape(&align(&ar, &en, &Config::default())), SENTENCE_GOLD);
}

#[test]
fn the_article_splits_where_the_translation_does() {
    let (ar, en) = article();
    let got = aligned(&ar, &en, &Config::default());
    let parts = texts(&got.source, &ar);
    assert_eq!(parts.len(), 20);
    // Arabic 3 before «وقال في بيان», 16 before «بيد أن»; the rest whole
    assert!(parts[3].ends_with("عنفًا غير مسبوق"), "{}", parts[3]);
    assert!(
        parts[4].starts_with("وقال في بيان بعد اجتماع"),
        "{}",
        parts[4]
    );
    assert!(parts[17].ends_with("للفترة نفسها،"), "{}", parts[17]);
    assert!(parts[18].starts_with("بيد أن الإعلان"), "{}", parts[18]);
    assert_eq!(got.source[4].sentence, 3);
    assert_eq!(got.source[18].sentence, 16);
    let whole: Vec<usize> = got.source.iter().map(|p| p.sentence).collect();
    let mut expected: Vec<usize> = (0..18).collect();
    expected.insert(4, 3);
    expected.insert(18, 16);
    assert_eq!(whole, expected);
    // read back in whole sentences, the split beads are the 1-2 beads they came from
    let back: String = got
        .sentence_beads()
        .iter()
        .map(|(b, _)| beads::format_bead(b.source.clone(), b.target.clone()) + "\n")
        .collect();
    assert_eq!(back, SENTENCE_GOLD);
    // the parts are byte-exact slices of the sentences, and only whitespace lies between
    for pair in got.source.windows(2) {
        if pair[0].sentence == pair[1].sentence {
            let gap = &ar[pair[0].sentence][pair[0].range.end..pair[1].range.start];
            assert!(!gap.is_empty() && gap.trim().is_empty(), "{gap:?}");
        }
    }
}

#[test]
fn without_splitting_a_sentence_stays_whole() {
    let (ar, en) = article();
    let config = Config {
        split: false,
        ..Config::default()
    };
    let got = aligned(&ar, &en, &config);
    assert_eq!(shape(&got.beads), SENTENCE_GOLD);
    assert!(!got.has_split());
}

#[test]
fn a_line_of_two_sentences_splits_at_its_stop_on_either_side() {
    // pre-split input where one line holds two sentences, on the English side here
    let (ar, en) = article();
    let mut en_lines: Vec<String> = en.iter().map(|s| s.to_string()).collect();
    let joined = format!("{} {}", en_lines[7], en_lines[8]);
    en_lines.splice(7..9, [joined]);
    let en_lines: Vec<&str> = en_lines.iter().map(String::as_str).collect();
    let got = aligned(&ar, &en_lines, &Config::default());
    let targets = texts(&got.target, &en_lines);
    assert_eq!(targets[7], en[7]);
    assert_eq!(targets[8], en[8]);
    assert_eq!(got.target[8].sentence, 7);
    assert!(
        got.beads
            .iter()
            .any(|b| b.target == (8..9) && b.source.len() == 1),
        "{}",
        shape(&got.beads)
    );
}

fn article() -> (Vec<&'static str>, Vec<&'static str>) {
    (sentences(AR, Lang::Ar), sentences(EN, Lang::En))
}

fn no_lexical() -> Config {
    Config {
        lexical: false,
        ..Config::default()
    }
}

/// The gold beads of the article in whole sentences, as (source range, target range).
fn gold() -> Vec<(Range<usize>, Range<usize>)> {
    let range = |v: &[usize]| v[0]..v[v.len() - 1] + 1;
    beads::parse(SENTENCE_GOLD, "gold")
        .unwrap()
        .into_iter()
        .map(|b| (range(&b.source), range(&b.target)))
        .collect()
}

#[test]
fn an_untranslated_sentence_becomes_a_one_to_zero_bead() {
    // English sentence 9 translates Arabic sentence 8 alone; drop it.
    let (ar, mut en) = article();
    en.remove(9);
    let got = align(&ar, &en, &Config::default());
    assert!(
        got.iter()
            .any(|b| b.source == (8..9) && b.target.is_empty()),
        "{}",
        shape(&got)
    );
    // every other gold bead survives, shifted past the gap
    for (s, t) in gold().into_iter().filter(|(s, _)| s.start != 8) {
        let t = if t.start > 9 {
            t.start - 1..t.end - 1
        } else {
            t
        };
        assert!(
            got.iter().any(|b| b.source == s && b.target == t),
            "{s:?}:{t:?} missing from {}",
            shape(&got)
        );
    }
}

#[test]
fn an_added_sentence_becomes_a_zero_to_one_bead() {
    let (ar, mut en) = article();
    en.insert(12, "Reuters could not independently verify the figures.");
    let got = align(&ar, &en, &Config::default());
    assert!(
        got.iter()
            .any(|b| b.source.is_empty() && b.target == (12..13)),
        "{}",
        shape(&got)
    );
}

#[test]
fn two_sentences_run_together_become_a_two_to_one_bead() {
    // Arabic sentences 5 and 6 joined into one line: they must align with English 6 and 7.
    let (mut ar, en) = article();
    let joined = format!("{} {}", ar[5], ar[6]);
    ar.splice(5..7, [joined.as_str()]);
    let got = align(&ar, &en, &Config::default());
    assert!(
        got.iter().any(|b| b.source == (5..6) && b.target == (6..8)),
        "{}",
        shape(&got)
    );
}

#[test]
fn scores_are_high_on_right_beads_and_low_on_wrong_ones() {
    let (ar, en) = article();
    let right = align(&ar, &en, &Config::default());
    let mean = |b: &[Bead]| b.iter().map(|b| b.score).sum::<f64>() / b.len() as f64;
    assert!(mean(&right) > 0.95, "mean score {}", mean(&right));
    assert!(right.iter().all(|b| (0.0..=1.0).contains(&b.score)));

    // The English sentences in reverse order: whatever path the aligner finds, its beads are
    // wrong, and their scores must say so.
    let reversed: Vec<&str> = en.iter().rev().copied().collect();
    let wrong = align(&ar, &reversed, &Config::default());
    assert!(
        mean(&wrong) < 0.6,
        "mean score on wrong beads {}",
        mean(&wrong)
    );
    // and none of them reaches the 0.9 below which a reviewer is sent to look
    let trusted: Vec<_> = wrong.iter().filter(|b| b.score >= 0.9).collect();
    assert!(
        trusted.is_empty(),
        "wrong beads scored as trusted: {trusted:?}"
    );
}

#[test]
fn without_the_lexical_pass_the_article_still_aligns() {
    let (ar, en) = article();
    let got = align(&ar, &en, &no_lexical());
    let gold = gold();
    let right = got
        .iter()
        .filter(|b| gold.contains(&(b.source.clone(), b.target.clone())))
        .count();
    assert!(
        right >= 16,
        "{right} of {} right: {}",
        gold.len(),
        shape(&got)
    );
}

/// An English text about something else than the article, about as long as its translation.
pub(crate) const UNRELATED: &str = "Heavy snow closed several mountain roads in the north of the country on Tuesday, the weather service said. Forecasters expect the cold spell to last until the end of the week. Schools in three provinces will stay shut on Wednesday. Farmers have been told to bring their livestock indoors. The national airline cancelled twelve flights because of poor visibility. Temperatures fell to minus eighteen degrees in the highest villages. Power lines were brought down by the weight of the ice. Engineers worked through the night to restore electricity to about four thousand homes. The mayor of the capital urged residents to avoid unnecessary journeys. Buses ran on a reduced timetable. Hospitals reported a rise in patients with fractures after falls on icy pavements. Ski resorts, by contrast, welcomed the early snowfall. Hotel bookings for the holiday season have risen sharply, operators said. The weather service warned that strong winds could cause drifts on the main highway, and drivers were advised to carry chains, blankets, food and water in case they were stranded. A thaw is forecast for next Monday, which may bring flooding in the valleys after a wet autumn. Rivers are already high, and emergency teams have been placed on standby along the southern river basin. Residents of low-lying districts were asked to move valuables upstairs and to follow the instructions of the local authorities. The weather service will publish a new forecast on Thursday morning.";

#[test]
fn texts_that_do_not_translate_each_other_score_near_zero() {
    let (ar, en) = article();
    let right = aligned(&ar, &en, &Config::default());
    let mean = |a: &Alignment| a.beads.iter().map(|b| b.score).sum::<f64>() / a.beads.len() as f64;
    assert!(mean(&right) > 0.8, "{}", mean(&right));
    let scores: Vec<f64> = right.beads.iter().map(|b| b.score).collect();
    assert!(looks_translated(&scores));
    let other = sentences(UNRELATED, Lang::En);
    let wrong = aligned(&ar, &other, &Config::default());
    assert!(mean(&wrong) < 0.1, "{}", mean(&wrong));
    assert!(
        wrong.beads.iter().all(|b| b.score < 0.5),
        "{:?}",
        wrong.beads
    );
    let scores: Vec<f64> = wrong.beads.iter().map(|b| b.score).collect();
    assert!(!looks_translated(&scores));
}

/// Size of the synthetic vocabulary: large enough that a word is rare, as in real text.
const VOCABULARY: usize = 120;

/// The `k`th word of a made-up language pair: an Arabic-script word and its "English" twin,
/// spelt differently enough that no anchor (name or number) links them.
fn word(k: usize) -> (String, String) {
    const AR: [char; 10] = ['ب', 'ت', 'ج', 'د', 'ر', 'س', 'ع', 'ف', 'ق', 'م'];
    const EN: [&str; 10] = ["ka", "lo", "pe", "zu", "ni", "ho", "vy", "gi", "wu", "te"];
    let digits = [k % 10, k / 10 % 10, k / 100 % 10];
    let ar: String = digits.iter().map(|&d| AR[(d * 7 + 3) % 10]).collect();
    let en: String = digits.iter().rev().map(|&d| EN[d]).collect();
    (ar, en)
}

/// A small deterministic generator (linear congruential), so the documents never change.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
    fn words(&mut self, n: usize) -> Vec<usize> {
        (0..n).map(|_| self.below(VOCABULARY)).collect()
    }
}

fn arabic(words: &[usize], filler: usize) -> String {
    let mut s: Vec<String> = words.iter().map(|&w| word(w).0).collect();
    s.extend(std::iter::repeat_n("في".to_string(), filler));
    s.join(" ") + "."
}

fn english(words: &[usize], filler: usize) -> String {
    let mut s: Vec<String> = words.iter().map(|&w| word(w).1).collect();
    s.extend(std::iter::repeat_n("the".to_string(), filler));
    s.join(" ") + "."
}

#[test]
fn word_translations_decide_where_a_sentence_was_split() {
    // 60 translated sentence pairs of varied length teach the lexical model the vocabulary...
    let mut rng = Lcg(7);
    let (mut ar, mut en) = (Vec::new(), Vec::new());
    for _ in 0..150 {
        let n = 2 + rng.below(5);
        let words = rng.words(n);
        ar.push(arabic(&words, 0));
        en.push(english(&words, 0));
    }
    // ...then two Arabic sentences of equal length and three English ones: A is translated by
    // X and Y, B by Z. B carries filler words enough that length alone prefers A–X and B–YZ.
    let (a, b) = (rng.words(12), rng.words(6));
    let at = ar.len();
    ar.push(arabic(&a, 0));
    ar.push(arabic(&b, 9));
    en.push(english(&a[..6], 3));
    en.push(english(&a[6..], 2));
    en.push(english(&b, 2));
    for _ in 0..10 {
        let n = 3 + rng.below(8);
        let words = rng.words(n);
        ar.push(arabic(&words, 0));
        en.push(english(&words, 0));
    }
    let ar: Vec<&str> = ar.iter().map(String::as_str).collect();
    let en: Vec<&str> = en.iter().map(String::as_str).collect();
    let has = |beads: &[Bead], s: Range<usize>, t: Range<usize>| {
        beads.iter().any(|b| b.source == s && b.target == t)
    };

    let length_only = align(&ar, &en, &no_lexical());
    assert!(
        !has(&length_only, at..at + 1, at..at + 2),
        "length alone already finds the 1-2 bead: {}",
        shape(&length_only)
    );
    let lexical = align(&ar, &en, &Config::default());
    assert!(
        has(&lexical, at..at + 1, at..at + 2) && has(&lexical, at + 1..at + 2, at + 2..at + 3),
        "{}",
        shape(&lexical)
    );
}

#[test]
fn the_largest_bead_side_is_the_widest_shape() {
    let widest = SHAPES.iter().map(|&(a, b)| a.max(b)).max();
    assert_eq!(widest, Some(MAX_SIDE));
}

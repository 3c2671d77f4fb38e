use super::*;
use crate::Lang;
use crate::align::beads::{self, IndexBead};

/// A document: its sentences and its gold alignment as beads of ranges.
struct Doc {
    source: Vec<String>,
    target: Vec<String>,
    gold: Vec<Bead>,
}

impl Doc {
    fn source(&self) -> Vec<&str> {
        self.source.iter().map(String::as_str).collect()
    }
    fn target(&self) -> Vec<&str> {
        self.target.iter().map(String::as_str).collect()
    }
}

/// Gold beads as ranges, an empty side placed where the path stands.
fn ranges(gold: &[IndexBead]) -> Vec<Bead> {
    let (mut i, mut j) = (0, 0);
    let range = |v: &[usize], at: usize| match v {
        [] => at..at,
        [first, .., last] => *first..last + 1,
        [one] => *one..one + 1,
    };
    gold.iter()
        .map(|b| {
            let (source, target) = (range(&b.source, i), range(&b.target, j));
            (i, j) = (source.end, target.end);
            Bead {
                source,
                target,
                score: 1.0,
            }
        })
        .collect()
}

fn article() -> Doc {
    let read = |f: &str| crate::fixtures::read(f);
    let (ar, en) = (read("ar.txt"), read("en.txt"));
    let split = |text: &str, lang| -> Vec<String> {
        crate::segment::split(text, lang)
            .iter()
            .map(|s| s.text(text).to_string())
            .collect()
    };
    Doc {
        source: split(&ar, Lang::Ar),
        target: split(&en, Lang::En),
        gold: ranges(&beads::parse(crate::fixtures::SENTENCE_GOLD, "gold").unwrap()),
    }
}

/// A `hard` development document (one sentence a line), or None without `../shared`.
fn dev(name: &str) -> Option<Doc> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/devdata/hard")
        .join(name);
    if !dir.is_dir() {
        eprintln!("skipped: {} is missing", dir.display());
        return None;
    }
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let lines = |t: String| t.lines().map(str::to_string).collect();
    Some(Doc {
        source: lines(read("ar.txt")),
        target: lines(read("en.txt")),
        gold: ranges(&beads::parse(&read("gold.txt"), "gold.txt").unwrap()),
    })
}

/// The article and some development documents (doc000–doc039, the development half) that the
/// aligner gets right on its own.
fn documents() -> Vec<(String, Doc)> {
    let mut docs = vec![("article".to_string(), article())];
    for name in ["doc003", "doc010", "doc020", "doc027"] {
        docs.extend(dev(name).map(|d| (name.to_string(), d)));
    }
    docs
}

fn shapes(beads: &[Bead]) -> Vec<(Range<usize>, Range<usize>)> {
    beads
        .iter()
        .map(|b| (b.source.clone(), b.target.clone()))
        .collect()
}

fn fixed(beads: &[&Bead], score: f64) -> Vec<Bead> {
    beads.iter().map(|&b| Bead { score, ..b.clone() }).collect()
}

/// The gold alignment with the target side shifted by one sentence over beads `stretch`:
/// each source group there takes the next group's target sentences.
fn shifted(gold: &[Bead], stretch: Range<usize>) -> Vec<Bead> {
    let (a, b) = (stretch.start, stretch.end);
    let mut out: Vec<Bead> = gold[..a].to_vec();
    let first = &gold[a];
    out.push(Bead {
        source: first.source.start..first.source.start,
        target: first.target.clone(),
        score: 0.0,
    });
    for k in a..b {
        let target = match gold.get(k + 1).filter(|_| k + 1 < b) {
            Some(next) => next.target.clone(),
            None => gold[k].target.end..gold[k].target.end,
        };
        out.push(Bead {
            source: gold[k].source.clone(),
            target,
            score: 0.0,
        });
    }
    out.extend(gold[b..].iter().cloned());
    out.retain(|x| !x.source.is_empty() || !x.target.is_empty());
    out
}

#[test]
fn two_reviewed_beads_around_a_shifted_stretch_bring_it_back_to_gold() {
    for (name, doc) in documents() {
        let (source, target) = (doc.source(), doc.target());
        let n = doc.gold.len();
        let stretch = n / 3..2 * n / 3 + 1;
        let wrong = shifted(&doc.gold, stretch.clone());
        assert_ne!(shapes(&wrong), shapes(&doc.gold));
        // the reviewer approves the right beads either side of the fault and re-aligns
        let around = fixed(
            &[&doc.gold[stretch.start - 1], &doc.gold[stretch.end]],
            0.77,
        );
        let got = align_fixed(
            &source,
            &target,
            &around,
            &Training::default(),
            &Config::default(),
        )
        .unwrap();
        assert_eq!(shapes(&got), shapes(&doc.gold), "{name}");
        // the fixed beads come back as given, score included
        for f in &around {
            assert!(got.contains(f), "{name}: {f:?} lost");
        }
    }
}

#[test]
fn fixed_beads_around_an_aligner_mistake_repair_it() {
    // doc013 and doc016 (development half): the aligner alone gets one stretch wrong; fixing
    // the gold beads either side of its first mistake leaves it no room to repeat it
    for (name, before, after) in [("doc013", 15, 18), ("doc016", 1, 3)] {
        let Some(doc) = dev(name) else { return };
        let (source, target) = (doc.source(), doc.target());
        let alone = crate::align::align(&source, &target, &Config::default());
        let between = |beads: &[Bead]| -> Vec<(Range<usize>, Range<usize>)> {
            let (lo, hi) = (&doc.gold[before], &doc.gold[after]);
            shapes(beads)
                .into_iter()
                .filter(|(s, t)| s.start >= lo.source.end && t.start >= lo.target.end)
                .filter(|(s, t)| s.end <= hi.source.start && t.end <= hi.target.start)
                .collect()
        };
        let want = shapes(&doc.gold[before + 1..after]);
        assert_ne!(between(&alone), want, "{name}: the aligner alone is right");
        let around = fixed(&[&doc.gold[before], &doc.gold[after]], 1.0);
        let got = align_fixed(
            &source,
            &target,
            &around,
            &Training::default(),
            &Config::default(),
        )
        .unwrap();
        assert_eq!(between(&got), want, "{name}");
    }
}

#[test]
fn fixed_beads_of_odd_shapes_are_kept_as_given() {
    let doc = article();
    let (source, target) = (doc.source(), doc.target());
    let g = &doc.gold;
    // gold 3 is [3]:[3,4] and 4 is [4]:[5]: a reviewer merged them into one 2-3 unit; and
    // cut English sentence 12 loose from Arabic 11 into a 0-1 unit
    assert_eq!(shapes(&g[3..5]), [(3..4, 3..5), (4..5, 5..6)]);
    assert_eq!(shapes(&g[11..12]), [(11..12, 12..13)]);
    let merged = Bead {
        source: 3..5,
        target: 3..6,
        score: 0.5,
    };
    let loose = Bead {
        source: 12..12,
        target: 12..13,
        score: 0.25,
    };
    let got = align_fixed(
        &source,
        &target,
        &[merged.clone(), loose.clone()],
        &Training::default(),
        &Config::default(),
    )
    .unwrap();
    assert!(got.contains(&merged) && got.contains(&loose), "{got:?}");
    check_cover(&got, source.len(), target.len()).unwrap();
    // Arabic 11 lost its translation: it stands alone, and everything else is as gold
    assert!(shapes(&got).contains(&(11..12, 12..12)), "{got:?}");
    let kept = |b: &&Bead| b.source.end <= 3 || (b.source.start >= 5 && b.source.end <= 11);
    let far = |b: &&Bead| b.source.start >= 12;
    for b in g.iter().filter(kept).chain(g.iter().filter(far)) {
        assert!(
            shapes(&got).contains(&(b.source.clone(), b.target.clone())),
            "{b:?} missing from {got:?}"
        );
    }
}

#[test]
fn empty_gaps_and_one_sided_gaps() {
    let doc = article();
    let (source, target) = (doc.source(), doc.target());
    let g = &doc.gold;
    let config = Config::default();
    // neighbours fixed, and the first and last beads: empty gaps between and at both ends
    let last = g.len() - 1;
    let around = fixed(&[&g[0], &g[6], &g[7], &g[last]], 1.0);
    let got = align_fixed(&source, &target, &around, &Training::default(), &config).unwrap();
    assert_eq!(shapes(&got), shapes(g));
    // everything fixed: nothing is left to align
    let got = align_fixed(&source, &target, g, &Training::default(), &config).unwrap();
    assert_eq!(got, *g);
    // a gap with source sentences only: gold 8 is [8]:[9]; fix gold 7, then [9]:[9,10]
    assert_eq!(
        shapes(&g[7..10]),
        [(7..8, 8..9), (8..9, 9..10), (9..10, 10..11)]
    );
    let pushed = Bead {
        source: 9..10,
        target: 9..11,
        score: 1.0,
    };
    let got = align_fixed(
        &source,
        &target,
        &[g[7].clone(), pushed.clone()],
        &Training::default(),
        &config,
    )
    .unwrap();
    let at = got.iter().position(|b| *b == pushed).unwrap();
    assert_eq!(
        shapes(&got[at - 2..=at]),
        [(7..8, 8..9), (8..9, 9..9), (9..10, 9..11)]
    );
}

#[test]
fn beads_that_do_not_fit_the_document_are_refused() {
    let doc = article();
    let (source, target) = (doc.source(), doc.target());
    let bead = |s: Range<usize>, t: Range<usize>| Bead {
        source: s,
        target: t,
        score: 1.0,
    };
    let config = Config::default();
    for (fixed, message) in [
        (vec![bead(3..5, 3..4), bead(4..6, 5..6)], "overlaps"),
        (vec![bead(5..6, 5..6), bead(3..4, 3..4)], "overlaps"),
        (vec![bead(17..19, 3..4)], "outside the document (18 source"),
        (vec![bead(2..2, 4..4)], "holds no sentence"),
    ] {
        let err = align_fixed(&source, &target, &fixed, &Training::default(), &config)
            .unwrap_err()
            .to_string();
        assert!(err.contains(message), "{err}");
        assert_eq!(err.lines().count(), 1);
    }
    let err = align_after(
        &source,
        &target,
        &doc.gold,
        99,
        &Training::default(),
        &config,
    )
    .unwrap_err();
    assert!(err.to_string().contains("cannot keep 99"), "{err}");
}

#[test]
fn aligning_after_a_bead_keeps_everything_before_it() {
    for (name, doc) in documents() {
        let (source, target) = (doc.source(), doc.target());
        let n = doc.gold.len();
        // the fault is in the second half; the reviewer re-aligns from just before it
        let wrong = shifted(&doc.gold, n / 2..n - 1);
        let keep = n / 2;
        let got = align_after(
            &source,
            &target,
            &wrong,
            keep,
            &Training::default(),
            &Config::default(),
        )
        .unwrap();
        assert_eq!(got[..keep], wrong[..keep], "{name}");
        assert_eq!(shapes(&got), shapes(&doc.gold), "{name}");
    }
}

#[test]
fn without_the_lexical_pass_fixed_beads_hold_too() {
    let doc = article();
    let (source, target) = (doc.source(), doc.target());
    let config = Config {
        lexical: false,
        ..Config::default()
    };
    let around = fixed(&[&doc.gold[5], &doc.gold[12]], 1.0);
    let got = align_fixed(&source, &target, &around, &Training::default(), &config).unwrap();
    assert!(got.contains(&around[0]) && got.contains(&around[1]));
    check_cover(&got, source.len(), target.len()).unwrap();
}

#[test]
fn the_training_sample_keeps_every_fixed_pair_room() {
    assert_eq!(sample_evenly((0..10).collect(), 3), [0, 3, 6]);
    assert_eq!(sample_evenly((0..4).collect(), 9), [0, 1, 2, 3]);
    assert_eq!(
        sample_evenly((0..4).collect::<Vec<_>>(), 0),
        Vec::<i32>::new()
    );
    assert_eq!(sample_evenly((0..100).collect::<Vec<_>>(), 7).len(), 7);
}

// ---- rescoring ----

#[test]
fn right_beads_score_high_and_a_wrong_bead_low() {
    for (name, doc) in documents() {
        let (source, target) = (doc.source(), doc.target());
        let config = Config::default();
        let all: Vec<usize> = (0..doc.gold.len()).collect();
        let scores = rescore(
            &source,
            &target,
            &doc.gold,
            &all,
            &Training::default(),
            &config,
        )
        .unwrap();
        let mean = scores.iter().sum::<f64>() / scores.len() as f64;
        assert!(mean > 0.9, "{name}: mean {mean}: {scores:?}");

        // two neighbouring 1-1 beads, i→i and i+1→i+1, become i→i+1 with the two
        // left-over sentences alone: that bead is wrong
        let p = (1..doc.gold.len() - 1)
            .find(|&p| {
                let (a, b) = (&doc.gold[p], &doc.gold[p + 1]);
                a.source.len() == 1
                    && a.target.len() == 1
                    && b.source.len() == 1
                    && b.target.len() == 1
            })
            .unwrap();
        let (s, t) = (doc.gold[p].source.start, doc.gold[p].target.start);
        let mut wrong = doc.gold[..p].to_vec();
        let new = |source, target| Bead {
            source,
            target,
            score: 0.0,
        };
        wrong.extend([
            new(s..s, t..t + 1),
            new(s..s + 1, t + 1..t + 2),
            new(s + 1..s + 2, t + 2..t + 2),
        ]);
        wrong.extend(doc.gold[p + 2..].iter().cloned());
        let scores = rescore(
            &source,
            &target,
            &wrong,
            &[p + 1],
            &Training::default(),
            &config,
        )
        .unwrap();
        assert!(scores[0] < 0.1, "{name}: wrong bead scores {}", scores[0]);
    }
}

#[test]
fn rescoring_the_aligners_beads_gives_back_about_its_scores() {
    let doc = article();
    let (source, target) = (doc.source(), doc.target());
    let config = Config::default();
    let aligned = crate::align::align(&source, &target, &config);
    let all: Vec<usize> = (0..aligned.len()).collect();
    let scores = rescore(
        &source,
        &target,
        &aligned,
        &all,
        &Training::default(),
        &config,
    )
    .unwrap();
    for (b, s) in aligned.iter().zip(&scores) {
        assert!((b.score - s).abs() < 0.1, "{b:?} rescored {s}");
    }
}

#[test]
fn a_merged_bead_of_an_odd_shape_scores_whether_its_sentences_belong_together() {
    let doc = article();
    let (source, target) = (doc.source(), doc.target());
    let g = &doc.gold;
    let config = Config::default();
    // gold [3]:[3,4] and [4]:[5] merged into a 2-3 unit: its sentences do belong together
    let merge = |a: usize, b: usize, t: Range<usize>| -> Vec<Bead> {
        let mut beads = g[..a].to_vec();
        beads.push(Bead {
            source: g[a].source.start..g[b].source.end,
            target: t,
            score: 0.0,
        });
        beads.extend(g[b + 1..].iter().cloned());
        beads
    };
    let right = merge(3, 4, 3..6);
    let score = rescore(
        &source,
        &target,
        &right,
        &[3],
        &Training::default(),
        &config,
    )
    .unwrap();
    assert!(score[0] > 0.9, "{}", score[0]);
    // Arabic 3 and 4 with English 3 to 5 and half of [5]:[6]: they do not
    let mut cut = g[..3].to_vec();
    cut.push(Bead {
        source: 3..5,
        target: 3..7,
        score: 0.0,
    });
    cut.push(Bead {
        source: 5..6,
        target: 7..7,
        score: 0.0,
    });
    cut.extend(g[6..].iter().cloned());
    assert_eq!(shapes(&g[5..6]), [(5..6, 6..7)]);
    let score = rescore(&source, &target, &cut, &[3], &Training::default(), &config).unwrap();
    assert!(score[0] < 0.1, "{}", score[0]);
}

#[test]
fn rescoring_needs_a_whole_alignment() {
    let doc = article();
    let (source, target) = (doc.source(), doc.target());
    let config = Config::default();
    let t = Training::default();
    let err = rescore(&source, &target, &doc.gold[1..], &[0], &t, &config).unwrap_err();
    assert!(err.to_string().contains("does not follow"), "{err}");
    let err = rescore(&source, &target, &doc.gold[..5], &[0], &t, &config).unwrap_err();
    assert!(err.to_string().contains("covers"), "{err}");
    let err = rescore(&source, &target, &doc.gold, &[18], &t, &config).unwrap_err();
    assert!(err.to_string().contains("no bead 18"), "{err}");
}

#[test]
fn in_a_long_document_the_word_model_learns_from_the_beads_nearest() {
    // the forty development documents end to end (more confident beads than RESCORE_PAIRS):
    // right beads still score high and wrong ones low, at the start, middle and end
    let mut long = Doc {
        source: Vec::new(),
        target: Vec::new(),
        gold: Vec::new(),
    };
    for k in 0..40 {
        let Some(doc) = dev(&format!("doc{k:03}")) else {
            return;
        };
        let (i, j) = (long.source.len(), long.target.len());
        long.gold.extend(doc.gold.iter().map(|b| Bead {
            source: b.source.start + i..b.source.end + i,
            target: b.target.start + j..b.target.end + j,
            score: 1.0,
        }));
        long.source.extend(doc.source);
        long.target.extend(doc.target);
    }
    assert!(long.gold.len() > RESCORE_PAIRS + 200, "{}", long.gold.len());
    let (source, target) = (long.source(), long.target());
    let config = Config::default();
    let t = Training::default();
    let n = long.gold.len();
    let rescorer = Rescorer::new(&source, &target, &long.gold, &t, &config).unwrap();
    for p in [3, n / 2, n - 4] {
        let right = rescorer.scores(&long.gold, &[p - 1, p, p + 1]).unwrap();
        assert!(right.iter().sum::<f64>() / 3.0 > 0.9, "{p}: {right:?}");
        let wrong = shifted(&long.gold, p..p + 2);
        let scores = rescorer.scores(&wrong, &[p + 1, p + 2]).unwrap();
        assert!(scores.iter().all(|&s| s < 0.01), "{p}: {scores:?}");
    }
}

use super::*;
use crate::align::align_documents;
use std::ops::Range;

/// The beads' sentence ranges, without their scores.
fn shapes(beads: &[Bead]) -> Vec<(Range<usize>, Range<usize>)> {
    beads
        .iter()
        .map(|b| (b.source.clone(), b.target.clone()))
        .collect()
}

/// Documents held in memory; `None` fails to read. Counts the reads.
struct Memory(Vec<Option<Document>>, AtomicUsize);

impl Memory {
    fn new(docs: Vec<Option<Document>>) -> Memory {
        Memory(docs, AtomicUsize::new(0))
    }
}

impl Input for Memory {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn read(&self, k: usize) -> Result<Document> {
        self.1.fetch_add(1, Ordering::SeqCst);
        self.0[k]
            .clone()
            .ok_or_else(|| Error::invalid(format!("document {k} is unreadable")))
    }
}

fn lines_doc(ar: &str, en: &str) -> Document {
    Document {
        source: segment::lines(ar),
        target: segment::lines(en),
        source_text: ar.to_string(),
        target_text: en.to_string(),
        parts: None,
    }
}

/// The article, and the first development documents when `../shared` is there.
fn documents() -> Vec<Document> {
    let read = crate::fixtures::read;
    let (ar, en) = (read("ar.txt"), read("en.txt"));
    let mut docs = vec![Document {
        source: segment::split(&ar, Lang::Ar),
        target: segment::split(&en, Lang::En),
        source_text: ar,
        target_text: en,
        parts: None,
    }];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/devdata/hard");
    for k in 0..12 {
        let d = dir.join(format!("doc{k:03}"));
        if let (Ok(ar), Ok(en)) = (
            std::fs::read_to_string(d.join("ar.txt")),
            std::fs::read_to_string(d.join("en.txt")),
        ) {
            docs.push(lines_doc(&ar, &en));
        }
    }
    docs
}

/// Each document's number and its beads, or its error message.
type Seen = Vec<(usize, std::result::Result<Vec<Bead>, String>)>;

fn run(input: &dyn Input, config: &Config, options: &Options) -> (Summary, Seen) {
    let mut seen = Vec::new();
    let steps = Mutex::new(Vec::new());
    let summary = align_batch(
        input,
        &Training::default(),
        config,
        options,
        &|s| steps.lock().unwrap().push((s.pass, s.document)),
        |k, r| {
            seen.push((k, r.map(|(_, b)| b).map_err(|e| e.to_string())));
            Ok(())
        },
    )
    .unwrap();
    // progress heard of every document in every pass
    let mut steps = steps.into_inner().unwrap();
    steps.sort();
    let passes = if config.lexical { 2 } else { 1 };
    assert_eq!(steps.len(), passes * input.len());
    (summary, seen)
}

#[test]
fn a_batch_aligns_as_align_documents_does_with_one_word_model() {
    let docs = documents();
    let inputs: Vec<(Vec<&str>, Vec<&str>)> = docs
        .iter()
        .map(|d| (d.source_sentences(), d.target_sentences()))
        .collect();
    let config = Config::default();
    // the same beads as aligning them together; the scores differ only in that `align` scores
    // a pair its word model learnt from by the model without it, which a batch cannot
    let want: Vec<_> = align_documents(&inputs, &Training::default(), &config)
        .iter()
        .map(|a| shapes(&a.beads))
        .collect();
    let sentences: usize = docs.iter().map(Document::sentences).sum();
    // kept between the passes: all, none, and those that fit in half
    for (threads, keep) in [(1, KEEP), (3, 0), (2, sentences / 2)] {
        let options = Options {
            threads,
            keep,
            ..Options::default()
        };
        let input = Memory::new(docs.iter().cloned().map(Some).collect());
        let (summary, seen) = run(&input, &config, &options);
        assert_eq!(summary.aligned, docs.len());
        assert_eq!(summary.failed, 0);
        assert!(summary.training_pairs > 10, "{summary:?}");
        let got: Vec<Vec<Bead>> = seen.into_iter().map(|(_, r)| r.unwrap()).collect();
        assert!(got.iter().flatten().all(|b| (0.0..=1.0).contains(&b.score)));
        let got: Vec<_> = got.iter().map(|b| shapes(b)).collect();
        assert_eq!(got, want, "{threads} threads, {keep} kept");
        // each document read once when all are kept, twice when none are
        let reads = input.1.load(Ordering::SeqCst);
        match keep {
            0 => assert_eq!(reads, 2 * docs.len()),
            KEEP => assert_eq!(reads, docs.len()),
            _ if docs.len() > 2 => {
                assert!(reads > docs.len() && reads < 2 * docs.len(), "{reads}")
            }
            _ => {}
        }
    }
}

#[test]
fn failures_are_reported_in_place_and_the_others_go_on() {
    let docs = documents();
    let mut input: Vec<Option<Document>> = docs.into_iter().map(Some).collect();
    input.insert(1, None);
    input.push(None);
    let n = input.len();
    let input = Memory::new(input);
    for lexical in [true, false] {
        let config = Config {
            lexical,
            ..Config::default()
        };
        let options = Options {
            threads: 2,
            ..Options::default()
        };
        let (summary, seen) = run(&input, &config, &options);
        assert_eq!((summary.aligned, summary.failed), (n - 2, 2));
        // each document once, in order
        assert_eq!(
            seen.iter().map(|s| s.0).collect::<Vec<_>>(),
            (0..n).collect::<Vec<_>>()
        );
        assert_eq!(seen[1].1, Err("document 1 is unreadable".to_string()));
        assert_eq!(
            seen[n - 1].1,
            Err(format!("document {} is unreadable", n - 1))
        );
        assert!(seen[0].1.as_ref().is_ok_and(|b| b.len() == 20));
    }
}

#[test]
fn an_error_from_the_sink_stops_the_batch() {
    let one = documents().swap_remove(0);
    let input = Memory::new(vec![Some(one); 200]);
    let config = Config {
        lexical: false,
        ..Config::default()
    };
    let mut calls = 0;
    let err = align_batch(
        &input,
        &Training::default(),
        &config,
        &Options::default(),
        &|_| {},
        |k, _| {
            calls += 1;
            if k == 2 {
                Err(Error::invalid("disk full"))
            } else {
                Ok(())
            }
        },
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "disk full");
    assert_eq!(calls, 3);
}

#[test]
fn the_sample_keeps_the_same_pairs_whatever_the_order_they_come_in() {
    let pairs = |d: usize| -> Vec<(String, String)> {
        (0..50)
            .map(|k| (format!("{d}-{k}"), format!("{k}-{d}")))
            .collect()
    };
    let mut a = Sample::new(100);
    let mut b = Sample::new(100);
    for d in 0..20 {
        a.add(d, d as u64, pairs(d));
    }
    for d in (0..20).rev() {
        b.add(d, d as u64, pairs(d));
    }
    let (a, b) = (a.into_pairs(), b.into_pairs());
    assert_eq!(a.len(), 100);
    assert_eq!(a, b);
    // the documents' keys, not their places in the batch, decide: a shard's documents are
    // sampled as in the whole batch
    let mut shard = Sample::new(100);
    for d in 0..20 {
        shard.add(19 - d, d as u64, pairs(d));
    }
    let mut shard = shard.into_pairs();
    let mut whole = a.clone();
    shard.sort();
    whole.sort();
    assert_eq!(shard, whole);
    // spread over the documents, in document order
    let documents: std::collections::BTreeSet<&str> =
        a.iter().map(|p| p.0.split('-').next().unwrap()).collect();
    assert!(documents.len() > 10, "{documents:?}");
    let mut sorted = a.clone();
    sorted.sort_by_key(|p| {
        let (d, k) = p.0.split_once('-').unwrap();
        (d.parse::<usize>().unwrap(), k.parse::<usize>().unwrap())
    });
    assert_eq!(a, sorted);
    // a sample that has room keeps everything
    let mut c = Sample::new(1000);
    c.add(0, 0, pairs(0));
    assert_eq!(c.into_pairs(), pairs(0));
}

#[test]
fn files_are_read_and_refused_documents_fail() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let job = |s, t, name: &str| Job {
        source: s,
        target: t,
        name: name.to_string(),
    };
    let mut files = Files::new(
        vec![
            job(
                write("a.ar", "جملة أولى.\nجملة ثانية.\n"),
                write("a.en", "One.\nTwo.\n"),
                "a",
            ),
            job(dir.path().join("missing.ar"), write("b.en", "One.\n"), "b"),
            job(write("c.ar", "جملة.\n"), write("c.en", "One.\n"), "c"),
        ],
        Lang::Ar,
        Lang::En,
    );
    files.source_lines = true;
    files.refused[2] = Some("a document named 'c' already exists".into());
    assert_eq!(files.read(0).unwrap().source.len(), 2);
    assert!(
        files
            .read(1)
            .unwrap_err()
            .to_string()
            .contains("missing.ar")
    );
    assert_eq!(
        files.read(2).unwrap_err().to_string(),
        "a document named 'c' already exists"
    );
}

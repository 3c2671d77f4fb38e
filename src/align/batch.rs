//! Aligning many documents at once, on every core, with one word-translation model learnt
//! from the whole batch.
//!
//! [`align_batch`] runs Moore's two passes over a batch the way [`super::align_corpus`] does
//! over documents held in memory, but streaming, so that peak memory does not grow with the
//! number of documents:
//!
//! 1. **first pass**: every document is read, segmented and aligned with length and anchors;
//!    its confident beads go into a sample of at most [`Options::sample`] training pairs (a
//!    bottom-k sample by a hash of document and bead number: the same batch gives the same
//!    sample whatever the threads do) and the document is dropped;
//! 2. **one word model** ([`Lexicon`]) is trained on `training`'s pairs and that sample;
//! 3. **second pass**: every document is read again, its first pass redone, and aligned with
//!    the word model; the result goes to the caller's `sink`. The first documents' texts and
//!    first passes are kept from pass 1, up to [`Options::keep`] sentences, and not redone:
//!    a small batch is read and first-aligned once, a large one costs a bounded memory.
//!
//! Workers take documents in order from a shared counter; the sink runs on the calling thread
//! and sees each document exactly once, in the batch's order (finished documents wait in a
//! reorder buffer, and no worker starts a document more than [`REORDER_WINDOW`] places ahead of
//! the one the sink waits for, so the buffer stays small). A document that cannot be read is
//! passed to the sink as an error and skipped by the second pass; the others go on.

use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

use super::beads::IndexBead;
use super::lexical::Lexicon;
use super::{
    Alignment, Bead, Config, Part, Prepared, Training, finish, first_pass, part_spans,
    training_pairs,
};
use crate::Lang;
use crate::error::{Error, Result};
use crate::segment::{self, Span};

/// Training pairs sampled from the first pass (the word model trains on at most 10,000).
pub const SAMPLE: usize = 10_000;

/// Sentences (both sides) whose documents' first passes are kept for the second: about 300
/// bytes a sentence, 15 MB in all.
pub const KEEP: usize = 50_000;

/// How far ahead of the document the sink waits for a worker may start one.
pub const REORDER_WINDOW: usize = 64;

/// A document of the batch, read and segmented.
#[derive(Clone, Debug)]
pub struct Document {
    pub source_text: String,
    pub target_text: String,
    pub source: Vec<Span>,
    pub target: Vec<Span>,
    /// Once aligned, where a sentence was split: the sentence (as read) and bytes of each of
    /// `source` and `target`, which are then the parts. `None` as read.
    pub parts: Option<(Vec<Part>, Vec<Part>)>,
}

impl Document {
    /// `beads` over this document's sentences as read: each part replaced by its sentence and
    /// beads sharing a sentence merged ([`Alignment::sentence_beads`]), as a gold standard over
    /// the input's sentences (and `score.py`) reads them.
    pub fn sentence_beads(&self, beads: &[Bead]) -> Vec<IndexBead> {
        let alignment = match &self.parts {
            Some((source, target)) => Alignment {
                source: source.clone(),
                target: target.clone(),
                beads: beads.to_vec(),
            },
            None => Alignment::whole(
                &self.source_sentences(),
                &self.target_sentences(),
                beads.to_vec(),
            ),
        };
        alignment
            .sentence_beads()
            .into_iter()
            .map(|(b, _)| b)
            .collect()
    }

    /// The source sentences' texts.
    pub fn source_sentences(&self) -> Vec<&str> {
        self.source
            .iter()
            .map(|s| s.text(&self.source_text))
            .collect()
    }

    /// The target sentences' texts.
    pub fn target_sentences(&self) -> Vec<&str> {
        self.target
            .iter()
            .map(|s| s.text(&self.target_text))
            .collect()
    }

    /// Sentences on both sides.
    pub fn sentences(&self) -> usize {
        self.source.len() + self.target.len()
    }
}

/// Where a batch's documents come from. [`Input::read`] is called once for each document in
/// the first pass and once more, for those that could be read, in the second.
pub trait Input: Sync {
    /// The number of documents.
    fn len(&self) -> usize;
    /// True when there are no documents.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Reads and segments document `k`; an error is that document's failure.
    fn read(&self, k: usize) -> Result<Document>;
    /// A key of document `k` that does not depend on where it stands in the batch (a hash of
    /// its name, say): the training sample is drawn by it, so that a batch split into shards
    /// samples the same pairs. By default, `k`.
    fn key(&self, k: usize) -> u64 {
        k as u64
    }
}

/// One document of a batch given as files.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub source: PathBuf,
    pub target: PathBuf,
    pub name: String,
}

/// A batch of documents in files (UTF-8, read with [`crate::input::read_text`]), segmented by
/// the language's rules or taken one sentence a line.
#[derive(Clone, Debug)]
pub struct Files {
    pub jobs: Vec<Job>,
    pub source_lang: Lang,
    pub target_lang: Lang,
    /// The source texts are one sentence a line.
    pub source_lines: bool,
    /// The target texts are one sentence a line.
    pub target_lines: bool,
    /// Documents refused before reading, with the reason (an existing name, say).
    pub refused: Vec<Option<String>>,
}

impl Files {
    /// The batch of `jobs`, segmented by each language's rules, none refused.
    pub fn new(jobs: Vec<Job>, source_lang: Lang, target_lang: Lang) -> Files {
        let refused = vec![None; jobs.len()];
        Files {
            jobs,
            source_lang,
            target_lang,
            source_lines: false,
            target_lines: false,
            refused,
        }
    }
}

impl Input for Files {
    fn len(&self) -> usize {
        self.jobs.len()
    }

    /// The FNV-1a hash of the document's name.
    fn key(&self, k: usize) -> u64 {
        self.jobs[k]
            .name
            .bytes()
            .fold(0xCBF2_9CE4_8422_2325, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
            })
    }

    fn read(&self, k: usize) -> Result<Document> {
        if let Some(Some(reason)) = self.refused.get(k) {
            return Err(Error::invalid(reason.clone()));
        }
        let job = &self.jobs[k];
        let source_text = crate::input::read_text(&job.source)?;
        let target_text = crate::input::read_text(&job.target)?;
        let split = |text: &str, lang: Lang, lines: bool| {
            if lines {
                segment::lines(text)
            } else {
                segment::split(text, lang)
            }
        };
        let source = split(&source_text, self.source_lang, self.source_lines);
        let target = split(&target_text, self.target_lang, self.target_lines);
        for (path, text, spans) in [
            (&job.source, &source_text, &source),
            (&job.target, &target_text, &target),
        ] {
            crate::input::check_sentences(path, text, spans.iter().map(|s| (s.start, s.end)))?;
        }
        Ok(Document {
            source,
            target,
            source_text,
            target_text,
            parts: None,
        })
    }
}

/// Aligns one document alone, as `bitext align` does (its own word model, sentences split
/// where the other side shows they are several): the document as aligned, and its beads.
pub fn align_alone(doc: Document, training: &Training, config: &Config) -> (Document, Vec<Bead>) {
    let alignment = {
        let (source, target) = (doc.source_sentences(), doc.target_sentences());
        super::align_documents(&[(source, target)], training, config)
            .pop()
            .expect("one document in, one out")
    };
    as_parts(doc, alignment)
}

/// A document as aligned: a split sentence's parts take its place among its sentences, and the
/// beads index the parts.
fn as_parts(mut doc: Document, alignment: Alignment) -> (Document, Vec<Bead>) {
    doc.source = part_spans(&alignment.source, &doc.source);
    doc.target = part_spans(&alignment.target, &doc.target);
    doc.parts = Some((alignment.source, alignment.target));
    (doc, alignment.beads)
}

/// How to run a batch.
#[derive(Clone, Debug)]
pub struct Options {
    /// Worker threads (at least one).
    pub threads: usize,
    /// Most training pairs kept from the first pass.
    pub sample: usize,
    /// Most sentences (both sides) of documents kept read and first-aligned between the passes.
    pub keep: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            sample: SAMPLE,
            keep: KEEP,
        }
    }
}

/// What the first pass keeps of a document: its sentences, its bytes and its confident pairs.
type FirstPass = (usize, usize, Vec<(String, String)>);

/// A document finished by one pass, for progress reports (sent from the worker threads).
#[derive(Clone, Copy, Debug)]
pub struct Step {
    /// 1 or 2.
    pub pass: u8,
    pub document: usize,
    /// Sentences on both sides (0 when it failed).
    pub sentences: usize,
    /// Bytes of both texts (0 when it failed).
    pub bytes: usize,
}

/// What a batch did besides its documents.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Documents passed to the sink aligned, and failed.
    pub aligned: usize,
    pub failed: usize,
    /// Training pairs the word model learnt from (the first pass's sample and `training`'s).
    pub training_pairs: usize,
    /// Source and target words the word model knows.
    pub vocabulary: (usize, usize),
}

/// Aligns every document of `input` (see the module's description): `sink(k, result)` gets
/// each document's text and beads, or its failure, once, in order, on this thread; an error
/// from the sink stops the batch and is returned. `progress` hears of every document each
/// pass finishes, from the worker threads.
pub fn align_batch(
    input: &dyn Input,
    training: &Training,
    config: &Config,
    options: &Options,
    progress: &(dyn Fn(Step) + Sync),
    mut sink: impl FnMut(usize, Result<(Document, Vec<Bead>)>) -> Result<()>,
) -> Result<Summary> {
    let n = input.len();
    let (mut aligned, mut failed) = (0, 0);
    let mut failures: Vec<Option<Error>> = (0..n).map(|_| None).collect();
    let mut report = |k: usize, result: Result<(Document, Vec<Bead>)>| {
        match &result {
            Ok(_) => aligned += 1,
            Err(_) => failed += 1,
        }
        sink(k, result)
    };

    if !config.lexical {
        // one pass: the first pass's beads are the result
        ordered(
            n,
            options.threads,
            |k| {
                let doc = input.read(k)?;
                let (src, tgt) = (doc.source_sentences(), doc.target_sentences());
                let prepared = first_pass(&src, &tgt, config);
                let alignment = finish(&prepared, &src, &tgt, None, &Default::default(), config);
                drop((src, tgt));
                Ok(as_parts(doc, alignment))
            },
            |k, r: &Result<(Document, Vec<Bead>)>| step(1, k, r.as_ref().ok().map(|d| &d.0)),
            progress,
            &mut report,
        )?;
        return Ok(Summary {
            aligned,
            failed,
            ..Summary::default()
        });
    }

    // pass 1: the confident beads of every document, into a bottom-k sample; the first
    // documents are kept for pass 2
    let mut sample = Sample::new(options.sample);
    let kept: Mutex<HashMap<usize, (Document, Prepared)>> = Mutex::new(HashMap::new());
    let room = AtomicUsize::new(options.keep);
    ordered(
        n,
        options.threads,
        |k| {
            let doc = input.read(k)?;
            let (src, tgt) = (doc.source_sentences(), doc.target_sentences());
            let prepared = first_pass(&src, &tgt, config);
            let pairs = training_pairs(&prepared, &src, &tgt, config);
            let sentences = doc.sentences();
            let bytes = doc.source_text.len() + doc.target_text.len();
            drop((src, tgt));
            let taken = room.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |r| {
                r.checked_sub(sentences)
            });
            if taken.is_ok() {
                kept.lock().expect("kept lock").insert(k, (doc, prepared));
            }
            Ok((sentences, bytes, pairs))
        },
        |k, r: &Result<FirstPass>| match r {
            Ok((sentences, bytes, _)) => Step {
                pass: 1,
                document: k,
                sentences: *sentences,
                bytes: *bytes,
            },
            Err(_) => step(1, k, None),
        },
        progress,
        &mut |k, r| {
            match r {
                Ok((_, _, pairs)) => sample.add(k, input.key(k), pairs),
                Err(e) => failures[k] = Some(e),
            }
            Ok(())
        },
    )?;
    let mut pairs = training.pairs.clone();
    pairs.extend(sample.into_pairs());
    let training_pairs = pairs.len();
    let lexicon = Lexicon::train(&pairs, &training.dictionary, config);
    drop(pairs);

    // pass 2: every document read again and aligned with the batch's word model
    let failures = Mutex::new(failures);
    ordered(
        n,
        options.threads,
        |k| {
            if let Some(e) = failures.lock().expect("failures lock")[k].take() {
                return Err(e);
            }
            let (doc, prepared) = match kept.lock().expect("kept lock").remove(&k) {
                Some(both) => both,
                None => {
                    let doc = input.read(k)?;
                    let prepared =
                        first_pass(&doc.source_sentences(), &doc.target_sentences(), config);
                    (doc, prepared)
                }
            };
            let (src, tgt) = (doc.source_sentences(), doc.target_sentences());
            // the batch's sample does not say which of its pairs came from which bead, so no
            // bead is scored by the model without it (as `align` does for its own pairs)
            let alignment = finish(
                &prepared,
                &src,
                &tgt,
                Some(&lexicon),
                &Default::default(),
                config,
            );
            drop((src, tgt, prepared));
            Ok(as_parts(doc, alignment))
        },
        |k, r: &Result<(Document, Vec<Bead>)>| step(2, k, r.as_ref().ok().map(|d| &d.0)),
        progress,
        &mut report,
    )?;
    Ok(Summary {
        aligned,
        failed,
        training_pairs,
        vocabulary: lexicon.vocabulary(),
    })
}

fn step(pass: u8, document: usize, doc: Option<&Document>) -> Step {
    Step {
        pass,
        document,
        sentences: doc.map_or(0, Document::sentences),
        bytes: doc.map_or(0, |d| d.source_text.len() + d.target_text.len()),
    }
}

/// Runs `work(k)` for `k` in `0..n` on `threads` workers and hands the results to `sink` on
/// this thread in order of `k`; `steps` describes a result for `progress`.
fn ordered<R: Send>(
    n: usize,
    threads: usize,
    work: impl Fn(usize) -> R + Sync,
    steps: impl Fn(usize, &R) -> Step + Sync,
    progress: &(dyn Fn(Step) + Sync),
    sink: &mut dyn FnMut(usize, R) -> Result<()>,
) -> Result<()> {
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // the document the sink waits for: no worker starts one REORDER_WINDOW places beyond it
    let waiting = (Mutex::new(0usize), Condvar::new());
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            let tx = tx.clone();
            let (next, stop, waiting, work, steps) = (&next, &stop, &waiting, &work, &steps);
            scope.spawn(move || {
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    if k >= n || stop.load(Ordering::SeqCst) {
                        break;
                    }
                    {
                        let mut at = waiting.0.lock().expect("reorder lock");
                        while k >= *at + REORDER_WINDOW && !stop.load(Ordering::SeqCst) {
                            at = waiting.1.wait(at).expect("reorder lock");
                        }
                    }
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let r = work(k);
                    progress(steps(k, &r));
                    if tx.send((k, r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut buffer: BTreeMap<usize, R> = BTreeMap::new();
        let mut expected = 0;
        let mut outcome = Ok(());
        for (k, r) in rx.iter() {
            buffer.insert(k, r);
            while let Some(r) = buffer.remove(&expected) {
                if outcome.is_ok() {
                    outcome = sink(expected, r);
                }
                expected += 1;
            }
            if outcome.is_err() {
                stop.store(true, Ordering::SeqCst);
            }
            *waiting.0.lock().expect("reorder lock") = expected;
            waiting.1.notify_all();
        }
        outcome
    })
}

/// A bottom-k sample of training pairs: each pair gets a pseudo-random priority from its
/// document's key and its number in the document, and the `k` of lowest priority are kept.
struct Sample {
    capacity: usize,
    /// Max-heap on priority: the top is the first to go.
    heap: BinaryHeap<(u64, usize, usize, (String, String))>,
}

impl Sample {
    fn new(capacity: usize) -> Sample {
        Sample {
            capacity,
            heap: BinaryHeap::new(),
        }
    }

    fn add(&mut self, document: usize, key: u64, pairs: Vec<(String, String)>) {
        for (k, pair) in pairs.into_iter().enumerate() {
            let priority = mix(mix(key) ^ k as u64);
            if self.heap.len() < self.capacity {
                self.heap.push((priority, document, k, pair));
            } else if self.heap.peek().is_some_and(|top| priority < top.0) {
                self.heap.pop();
                self.heap.push((priority, document, k, pair));
            }
        }
    }

    /// The kept pairs in document order (so a batch that fits whole trains exactly as
    /// [`super::align_corpus`] does).
    fn into_pairs(self) -> Vec<(String, String)> {
        let mut kept = self.heap.into_vec();
        kept.sort_unstable_by_key(|x| (x.1, x.2));
        kept.into_iter().map(|x| x.3).collect()
    }
}

/// SplitMix64's finaliser: a well-spread 64-bit hash of `x`.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests;

//! What the history costs on a long document: storing it (one `align` change holding every new
//! unit row), re-aligning it after one sentence changed, bulk edits, a move, a delete near the
//! start (every later unit is renumbered) and the undo of each.
//!
//!     cargo bench --bench history                 # a document of 50,000 units
//!     cargo bench --bench history -- 10000        # other sizes
//!
//! The document is the sentence pairs of `../shared/devdata/clean` repeated to the size asked,
//! one pair a line, aligned 1-1, stored in a fresh memory in `target/`. Each operation is timed
//! once, as `bitext` runs it (one transaction each). The report also gives how much of the file
//! the history takes (the JSON of its rows) against the units' own text.

use std::path::PathBuf;
use std::time::Instant;

use bitext::Lang;
use bitext::align::Bead;
use bitext::segment::{self, Span};
use bitext::store::{
    Direction, DocumentTexts, Memory, NewDocument, Realignment, Selection, Side, Status, UnitEdit,
    UnitFilter,
};

#[path = "support/mod.rs"]
mod support;
use support::{clean_pairs, sizes};

const NAME: &str = "long";

fn main() {
    let pairs = clean_pairs();
    println!("| units | operation | time | units written |");
    println!("|---:|---|---:|---:|");
    for size in sizes(&[50_000]) {
        let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target"))
            .join(format!("bench-history-{size}.db"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let mut memory = Memory::open(&path).unwrap();
        let ar: Vec<&str> = (0..size)
            .map(|k| pairs[k % pairs.len()].0.as_str())
            .collect();
        let en: Vec<&str> = (0..size)
            .map(|k| pairs[k % pairs.len()].1.as_str())
            .collect();
        let (source, target) = (ar.join("\n"), en.join("\n"));
        let (ss, ts) = (segment::lines(&source), segment::lines(&target));
        let beads: Vec<Bead> = (0..size)
            .map(|k| Bead {
                source: k..k + 1,
                target: k..k + 1,
                score: 0.9,
            })
            .collect();
        let mut row = |operation: &str, seconds: f64, written: usize| {
            println!("| {size} | {operation} | {seconds:.2} s | {written} |");
        };

        let start = Instant::now();
        memory
            .add_document(
                &NewDocument {
                    name: NAME,
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
        row("store (align)", start.elapsed().as_secs_f64(), size);

        // one sentence in the middle fixed: one pair new, the rest kept
        let middle = size / 2;
        let fixed = format!("{} (fixed)", en[middle]);
        let mut en2 = en.clone();
        en2[middle] = &fixed;
        let target2 = en2.join("\n");
        let ts2: Vec<Span> = segment::lines(&target2);
        let start = Instant::now();
        let report = memory
            .replace_alignment(
                &Realignment {
                    document: NAME,
                    texts: Some(DocumentTexts {
                        source_lang: Lang::Ar,
                        target_lang: Lang::En,
                        source_text: &source,
                        target_text: &target2,
                        source_sentences: &ss,
                        target_sentences: &ts2,
                    }),
                    beads: &beads,
                },
                false,
                "bench",
            )
            .unwrap();
        assert_eq!((report.added, report.removed), (1, 1));
        row(
            "align --replace, one sentence fixed",
            start.elapsed().as_secs_f64(),
            2,
        );
        timed_undo(&mut memory, &mut row, "undo of it");

        let all = Selection::Filter(UnitFilter {
            document: Some(NAME.into()),
            ..UnitFilter::default()
        });
        let approve = UnitEdit {
            status: Some(Status::Approved),
            ..UnitEdit::default()
        };
        let start = Instant::now();
        let done = memory.edit_units(&all, &approve, "bench").unwrap();
        row(
            "edit --document (status of every unit)",
            start.elapsed().as_secs_f64(),
            done.selected,
        );
        timed_undo(&mut memory, &mut row, "undo of it");

        let units = memory
            .units(&UnitFilter {
                document: Some(NAME.into()),
                limit: Some(3),
                offset: Some(middle),
                ..UnitFilter::default()
            })
            .unwrap();
        let start = Instant::now();
        memory
            .move_sentence(
                units[1].id,
                Side::Target,
                Direction::Previous,
                None,
                "bench",
            )
            .unwrap();
        row("move a sentence", start.elapsed().as_secs_f64(), 2);
        timed_undo(&mut memory, &mut row, "undo of it");

        let first = memory
            .units(&UnitFilter {
                document: Some(NAME.into()),
                limit: Some(1),
                ..UnitFilter::default()
            })
            .unwrap()[0]
            .id;
        let start = Instant::now();
        memory.delete_unit(first, None, "bench").unwrap();
        row(
            "delete the first unit (the rest renumbered)",
            start.elapsed().as_secs_f64(),
            size,
        );
        timed_undo(&mut memory, &mut row, "undo of it");

        drop(memory);
        let conn = rusqlite::Connection::open(&path).unwrap();
        let history: i64 = conn
            .query_row(
                "SELECT sum(length(before) + length(after) + coalesce(length(document_change), 0))
                 FROM changes",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let text: i64 = conn
            .query_row(
                "SELECT sum(length(CAST(source AS BLOB)) + length(CAST(target AS BLOB))) FROM units",
                [],
                |r| r.get(0),
            )
            .unwrap();
        drop(conn);
        let mut memory = Memory::open(&path).unwrap();
        timed_undo(
            &mut memory,
            &mut row,
            "undo of the store (the document goes)",
        );
        let file = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        eprintln!(
            "{size} units: history rows {:.1} MB after the operations above, the units' text {:.1} MB, file {:.1} MB",
            history as f64 / 1e6,
            text as f64 / 1e6,
            file as f64 / 1e6
        );
    }
}

fn timed_undo(memory: &mut Memory, row: &mut impl FnMut(&str, f64, usize), what: &str) {
    let start = Instant::now();
    let undo = memory.undo(None, "bench").unwrap();
    row(
        what,
        start.elapsed().as_secs_f64(),
        undo.after.len().max(undo.before.len()),
    );
}

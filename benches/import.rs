//! Interchange speed and memory: TMX import of a large file into a fresh memory, and export.
//!
//!     cargo bench --bench import                 # 1,000,000 units
//!     cargo bench --bench import -- 200000       # other sizes
//!
//! The TMX is generated from the development data's 1-1 sentence pairs (`../shared/devdata/clean`),
//! each pair numbered to keep it distinct, in documents of 1,000 units with bitext's props, and
//! cached under `target/bench-data/`. For each size the report gives the time, units per second
//! and peak resident memory (VmHWM, reset before each step) of: the TMX import into a fresh
//! memory (one transaction, the search index kept by its triggers), a TMX export and a JSON
//! Lines export of that memory, the TMX import again into a memory whose search-index triggers
//! were dropped (to tell the import's own cost from the index's), and a JSON Lines import.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use bitext::Lang;
use bitext::exchange::{self, Format};
use bitext::store::{ImportOptions, Memory, UnitFilter};
use indicatif::ProgressBar;

#[path = "support/mod.rs"]
mod support;
use support::{clean_pairs, peak_memory_mb, reset_peak_memory, sizes};

fn main() {
    let sizes = sizes(&[1_000_000]);
    let pairs = clean_pairs();
    let cache = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&cache).unwrap();
    println!("| units | step | file | time | units/s | peak memory |");
    println!("|---:|---|---:|---:|---:|---:|");
    for &size in &sizes {
        let tmx = cache.join(format!("import-{size}.tmx"));
        if !tmx.exists() {
            generate(&tmx, &pairs, size);
        }
        let scratch = tempfile::TempDir::new_in(&cache).unwrap();
        let options = ImportOptions {
            document: None,
            default_document: "bench".into(),
            source_lang: Lang::Ar,
            target_lang: Lang::En,
            keep_duplicates: false,
            user: "bench".into(),
        };

        let mut memory = Memory::open(&scratch.path().join("tmx.db")).unwrap();
        timed_import(&mut memory, &tmx, Format::Tmx, &options, size, "import TMX");

        for (format, name) in [(Format::Tmx, "export.tmx"), (Format::Jsonl, "export.jsonl")] {
            let path = scratch.path().join(name);
            let (written, seconds, peak) = measure(|| {
                let mut out =
                    BufWriter::with_capacity(1 << 16, std::fs::File::create(&path).unwrap());
                let n = exchange::export(
                    &memory,
                    &UnitFilter::default(),
                    format,
                    &mut out,
                    &ProgressBar::hidden(),
                )
                .unwrap();
                out.flush().unwrap();
                n
            });
            assert_eq!(written as usize, size);
            report(
                size,
                &format!("export {}", format.name()),
                &path,
                seconds,
                peak,
            );
        }

        // The same import with the search index's triggers dropped, to tell the import's own
        // cost from the index's.
        let plain = scratch.path().join("plain.db");
        drop(Memory::open(&plain).unwrap());
        {
            let conn = rusqlite::Connection::open(&plain).unwrap();
            let triggers: Vec<String> = conn
                .prepare(
                    "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'units'",
                )
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            for t in triggers {
                conn.execute_batch(&format!("DROP TRIGGER \"{t}\""))
                    .unwrap();
            }
        }
        timed_import(
            &mut Memory::open(&plain).unwrap(),
            &tmx,
            Format::Tmx,
            &options,
            size,
            "import TMX without the search index",
        );

        let jsonl = scratch.path().join("export.jsonl");
        timed_import(
            &mut Memory::open(&scratch.path().join("jsonl.db")).unwrap(),
            &jsonl,
            Format::Jsonl,
            &options,
            size,
            "import JSONL",
        );
    }
}

/// Imports `file` into `memory`, checks that all `size` units landed, and reports the step.
fn timed_import(
    memory: &mut Memory,
    file: &Path,
    format: Format,
    options: &ImportOptions,
    size: usize,
    step: &str,
) {
    let (summary, seconds, peak) = measure(|| {
        exchange::import(memory, file, Some(format), options, &ProgressBar::hidden()).unwrap()
    });
    assert_eq!(summary.imported as usize, size);
    report(size, step, file, seconds, peak);
}

/// Runs `f`, returning its value, its wall time and the peak resident memory while it ran.
fn measure<T>(f: impl FnOnce() -> T) -> (T, f64, String) {
    reset_peak_memory();
    let start = Instant::now();
    let value = f();
    (value, start.elapsed().as_secs_f64(), peak_memory_mb())
}

fn report(size: usize, step: &str, file: &Path, seconds: f64, peak: String) {
    let mb = std::fs::metadata(file).map_or(0, |m| m.len()) as f64 / 1e6;
    println!(
        "| {size} | {step} | {mb:.0} MB | {seconds:.2} s | {:.0} | {peak} MB |",
        size as f64 / seconds
    );
}

/// Writes a TMX of `size` units as bitext exports them.
fn generate(path: &Path, pairs: &[(String, String)], size: usize) {
    let part = path.with_extension("part");
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&part).unwrap());
    out.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n  <header creationtool=\"bitext\" \
          creationtoolversion=\"0.1.0\" segtype=\"sentence\" o-tmf=\"bitext\" adminlang=\"en\" srclang=\"ar\" \
          datatype=\"plaintext\" creationdate=\"20261125T081700Z\"/>\n  <body>",
    )
    .unwrap();
    let escape = |s: &str| quick_xml::escape::partial_escape(s).into_owned();
    let mut tu = String::new();
    for k in 0..size {
        let (ar, en) = &pairs[k % pairs.len()];
        let (doc, position) = (k / 1000, k % 1000);
        tu.clear();
        write!(
            tu,
            "\n    <tu tuid=\"{id}\" creationdate=\"20261125T081700Z\" creationid=\"bench\" \
             changedate=\"20261125T081700Z\" changeid=\"bench\">\
             \n      <prop type=\"x-document\">bench-{doc:04}</prop>\
             \n      <prop type=\"x-position\">{position}</prop>\
             \n      <prop type=\"x-source-sentences\">{position}</prop>\
             \n      <prop type=\"x-target-sentences\">{position}</prop>\
             \n      <prop type=\"x-score\">0.{score:04}</prop>\
             \n      <prop type=\"x-status\">draft</prop>\
             \n      <tuv xml:lang=\"ar\"><seg>{ar} ({id})</seg></tuv>\
             \n      <tuv xml:lang=\"en\"><seg>{en} ({id})</seg></tuv>\
             \n    </tu>",
            id = k + 1,
            score = 5000 + k % 5000,
            ar = escape(ar),
            en = escape(en),
        )
        .unwrap();
        out.write_all(tu.as_bytes()).unwrap();
    }
    out.write_all(b"\n  </body>\n</tmx>\n").unwrap();
    out.flush().unwrap();
    drop(out);
    std::fs::rename(&part, path).unwrap();
}

//! Speed of `bitext check` on a large memory.
//!
//!     cargo bench --bench check                  # 100,000 units
//!     cargo bench --bench check -- 20000 300000  # other sizes
//!
//! The memory repeats the 988 pairs of `../shared/devdata/qa` (real pairs, 229 of them with an
//! injected error) until it has the wanted size, each copy a document of its own
//! (`qa-doc007-c12`) with the copy's number added to both sides (`١٢` and `12`) so that no two
//! pairs are the same; it is imported as JSON Lines (the path `bitext import` takes) and kept in
//! `target/bench-data/check-SIZE.db`. The report gives, in one run: reading every unit alone (the
//! baseline any check pays), building the models (length models, the consistency index,
//! casing), training the four word models, and the whole `check_memory` (read, models,
//! training, every check on both cores), with its peak resident memory and findings.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use bitext::Lang;
use bitext::check::{self, Models, Pair, Selection, Severity};
use bitext::exchange::{self, Format};
use bitext::store::{ImportOptions, Memory, UnitFilter};

#[path = "support/mod.rs"]
mod support;
use support::{peak_memory_mb, reset_peak_memory, sizes};

fn main() {
    let sizes = sizes(&[100_000]);
    let qa = qa_pairs();
    let cache = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&cache).unwrap();
    println!("| units | step | wall time | CPU time | peak memory | |");
    println!("|---:|---|---:|---:|---:|---|");
    for size in sizes {
        let path = build(&cache, &qa, size);
        let memory = Memory::open_existing(&path).unwrap();

        reset_peak_memory();
        let (units, wall, cpu) = timed(|| {
            let mut units = Vec::new();
            memory
                .for_each_export_unit(&UnitFilter::default(), |u| {
                    units.push(u);
                    Ok(())
                })
                .unwrap();
            units
        });
        println!(
            "| {size} | read every unit (baseline) | {wall:.2} s | {cpu:.2} s | {} MB | |",
            peak_memory_mb()
        );
        let pairs: Vec<Pair> = units.iter().map(Pair::of).collect();
        let (models, wall, cpu) = timed(|| Models::build(&pairs));
        println!("| {size} | build the models | {wall:.2} s | {cpu:.2} s | | |");
        let ((), wall, cpu) = timed(|| models.prepare_for(pairs.iter()));
        println!("| {size} | train the word models | {wall:.2} s | {cpu:.2} s | | |");
        let (_, wall, cpu) = timed(|| {
            pairs
                .iter()
                .map(|p| check::check_pair(p, &models).len())
                .sum::<usize>()
        });
        println!("| {size} | check every pair, one thread | {wall:.2} s | {cpu:.2} s | | |");
        drop(models);
        drop(pairs);
        drop(units);

        reset_peak_memory();
        let (report, wall, cpu) =
            timed(|| check::check_memory(&memory, &Selection::default(), &|_, _| {}).unwrap());
        let findings = report.findings().count();
        let flagged = report
            .pairs
            .iter()
            .filter(|(_, f)| f.iter().any(|f| f.severity >= Severity::Warning))
            .count();
        println!(
            "| {size} | **`check_memory`: all of it, both cores** | **{wall:.2} s** | {cpu:.2} s | {} MB | {findings} findings, {flagged} pairs at warning or error |",
            peak_memory_mb()
        );
    }
}

/// CPU seconds this process has used (user and system, all threads), from /proc/self/stat:
/// on a shared machine the wall time depends on the other work, this does not.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |k: usize| {
        fields
            .get(k)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // fields after the command: state is 0, utime 11, stime 12; 100 ticks a second
    (ticks(11) + ticks(12)) / 100.0
}

/// Runs `f`, returning its result, wall seconds and CPU seconds.
fn timed<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let (wall, cpu) = (Instant::now(), cpu_seconds());
    let value = f();
    (value, wall.elapsed().as_secs_f64(), cpu_seconds() - cpu)
}

/// The QA development pairs: (document, source, target).
fn qa_pairs() -> Vec<(String, String, String)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/devdata/qa/pairs.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the benchmark needs ../shared/devdata)",
            path.display()
        )
    });
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().unwrap().to_string();
            (s("document"), s("source"), s("target"))
        })
        .collect()
}

/// Arabic-Indic digits for a number.
fn arabic_digits(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap())
        .collect()
}

/// The memory of `size` units, built once and kept.
fn build(cache: &Path, qa: &[(String, String, String)], size: usize) -> PathBuf {
    let db = cache.join(format!("check-{size}.db"));
    if db.exists() {
        return db;
    }
    let jsonl = cache.join(format!("check-{size}.jsonl"));
    let mut out = BufWriter::new(std::fs::File::create(&jsonl).unwrap());
    for k in 0..size {
        let (doc, source, target) = &qa[k % qa.len()];
        let copy = k / qa.len();
        let unit = serde_json::json!({
            "document": format!("{doc}-c{copy}"),
            "source": format!("{source} {}", arabic_digits(copy)),
            "target": format!("{target} {copy}"),
        });
        writeln!(out, "{unit}").unwrap();
    }
    out.flush().unwrap();
    drop(out);
    let building = db.with_extension("building");
    let _ = std::fs::remove_file(&building);
    let mut memory = Memory::open(&building).unwrap();
    let options = ImportOptions {
        document: None,
        default_document: "bench".into(),
        source_lang: Lang::Ar,
        target_lang: Lang::En,
        keep_duplicates: true,
        user: "bench".into(),
    };
    exchange::import(
        &mut memory,
        &jsonl,
        Some(Format::Jsonl),
        &options,
        &indicatif::ProgressBar::hidden(),
    )
    .unwrap();
    drop(memory);
    std::fs::rename(&building, &db).unwrap();
    let _ = std::fs::remove_file(&jsonl);
    db
}

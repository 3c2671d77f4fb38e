//! Speed of the QA checks on large memories: `bitext check` over every pair, and what `show`,
//! `list --document` and the review page ask for, each beside a baseline in the same run.
//!
//!     cargo bench --bench check                    # 100,000 and 1,000,000 units
//!     cargo bench --bench check -- 100000          # other sizes
//!
//! The memory repeats the 988 pairs of `../shared/devdata/qa` (real pairs, 229 of them with an
//! injected error) until it has the wanted size, the copy's number added to both sides (`١٢`
//! and `12`) so that no two pairs are the same, in documents of 1,000, 5,000 and 20,000 units
//! in turn (`check-007`, drafts without a score, as an import from another tool gives them:
//! every pair is trusted). It is imported through `Memory::import_units` and kept in
//! `target/bench-data/check-SIZE.db` (about 700 MB at 1,000,000 units), so a rerun skips the
//! build.
//!
//! For each size, in one run:
//! - `show ID` (`check::findings_of_unit`) on 20 units spread over the memory, beside reading
//!   the unit (`Memory::unit`, what `show` read before it printed findings);
//! - the findings of a whole document (`check::findings_by_unit` with `--document`: `list
//!   --document`, the review page, `align`'s last line) for a document of each size, beside
//!   reading the document's units;
//! - up to 100,000 units, `check` over every pair (`check::check_each`), beside reading every
//!   unit; with its peak resident memory.
//!
//! Wall time is the median; CPU time (all threads) is given too, since the machine is shared.

use std::path::{Path, PathBuf};
use std::time::Instant;

use bitext::Lang;
use bitext::check::{self, Selection, Severity};
use bitext::store::{ImportOptions, ImportUnit, Memory, UnitFilter};

#[path = "support/mod.rs"]
mod support;
use support::{peak_memory_mb, reset_peak_memory, sizes};

/// Document sizes, in turn.
const DOCUMENT_SIZES: [usize; 3] = [1_000, 5_000, 20_000];

/// Units `show` is timed on.
const SHOWS: usize = 20;

/// Largest memory checked whole.
const WHOLE_UP_TO: usize = 100_000;

fn main() {
    let sizes = sizes(&[100_000, 1_000_000]);
    let qa = qa_pairs();
    let cache = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&cache).unwrap();
    println!("| units | what | median wall time | CPU time | peak memory | |");
    println!("|---:|---|---:|---:|---:|---|");
    for size in sizes {
        let path = build(&cache, &qa, size);
        let memory = Memory::open_existing(&path).unwrap();
        let largest = memory.unit_count_estimate().unwrap() as i64;

        // show ID
        let ids: Vec<i64> = (0..SHOWS as i64)
            .map(|k| 1 + (k * 7919 + 13) * largest / (SHOWS as i64 * 7919 + 13))
            .collect();
        let (wall, cpu) = median(&ids, |&id| {
            memory.unit(id).unwrap();
        });
        row(
            size,
            "read one unit (baseline of `show`)",
            wall,
            cpu,
            "",
            "",
        );
        reset_peak_memory();
        let mut flagged = 0;
        let (wall, cpu) = median(&ids, |&id| {
            let (found, _) = check::findings_of_unit(&memory, id).unwrap();
            flagged += usize::from(found.iter().any(|f| f.severity >= Severity::Warning));
        });
        row(
            size,
            "**`show ID`: one unit's findings**",
            wall,
            cpu,
            &peak_memory_mb(),
            &format!("{flagged} of {SHOWS} units at warning or error"),
        );

        // a document's findings
        for (k, &units) in DOCUMENT_SIZES.iter().enumerate() {
            let documents: Vec<String> = (0..3)
                .map(|c| document_name(k + c * DOCUMENT_SIZES.len()))
                .collect();
            let filter = |d: &String| UnitFilter {
                document: Some(d.clone()),
                ..UnitFilter::default()
            };
            let (wall, cpu) = median(&documents, |d| {
                memory.units(&filter(d)).unwrap();
            });
            row(
                size,
                &format!("read a document of {units} units (baseline)"),
                wall,
                cpu,
                "",
                "",
            );
            reset_peak_memory();
            let mut found = 0;
            let (wall, cpu) = median(&documents, |d| {
                found = check::findings_by_unit(&memory, &filter(d))
                    .unwrap()
                    .0
                    .len();
            });
            row(
                size,
                &format!("**a document's findings ({units} units)**"),
                wall,
                cpu,
                &peak_memory_mb(),
                &format!("{found} units with findings"),
            );
        }

        if size > WHOLE_UP_TO {
            continue;
        }
        let ((), wall, cpu) = timed(|| {
            memory
                .for_each_export_unit(&UnitFilter::default(), |u| {
                    std::hint::black_box(u);
                    Ok(())
                })
                .unwrap()
        });
        row(size, "read every unit (baseline)", wall, cpu, "", "");
        reset_peak_memory();
        let (flagged, wall, cpu) = timed(|| {
            let mut flagged = 0;
            check::check_each(&memory, &Selection::default(), &|_, _| {}, |_, found| {
                flagged += usize::from(found.iter().any(|f| f.severity >= Severity::Warning));
                Ok(())
            })
            .unwrap();
            flagged
        });
        row(
            size,
            "**`check`: every pair**",
            wall,
            cpu,
            &peak_memory_mb(),
            &format!("{flagged} pairs at warning or error"),
        );
    }
}

fn row(size: usize, what: &str, wall: f64, cpu: f64, peak: &str, note: &str) {
    let peak = if peak.is_empty() {
        String::new()
    } else {
        format!("{peak} MB")
    };
    println!(
        "| {size} | {what} | {} | {} | {peak} | {note} |",
        seconds(wall),
        seconds(cpu)
    );
}

/// `0.42 s` or `12.3 ms`.
fn seconds(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.1} ms", s * 1000.0)
    }
}

/// Median wall and CPU time of `f` over the items.
fn median<T>(items: &[T], mut f: impl FnMut(&T)) -> (f64, f64) {
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    for item in items {
        let ((), wall, cpu) = timed(|| f(item));
        walls.push(wall);
        cpus.push(cpu);
    }
    let mid = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (mid(&mut walls), mid(&mut cpus))
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

/// The QA development pairs: (source, target).
fn qa_pairs() -> Vec<(String, String)> {
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
            (s("source"), s("target"))
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

fn document_name(k: usize) -> String {
    format!("check-{k:03}")
}

/// The memory of `size` units, built once and kept.
fn build(cache: &Path, qa: &[(String, String)], size: usize) -> PathBuf {
    let db = cache.join(format!("check-{size}.db"));
    if db.exists() {
        return db;
    }
    let start = Instant::now();
    let building = db.with_extension("building");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", building.display()));
    }
    let mut memory = Memory::open(&building).unwrap();
    let options = ImportOptions {
        document: None,
        default_document: "bench".into(),
        source_lang: Lang::Ar,
        target_lang: Lang::En,
        keep_duplicates: true,
        user: "bench".into(),
    };
    memory
        .import_units(&options, |sink| {
            let (mut document, mut left) = (0, DOCUMENT_SIZES[0]);
            for k in 0..size {
                if left == 0 {
                    document += 1;
                    left = DOCUMENT_SIZES[document % DOCUMENT_SIZES.len()];
                }
                left -= 1;
                let (source, target) = &qa[k % qa.len()];
                let copy = k / qa.len();
                sink.add(ImportUnit {
                    document: Some(document_name(document)),
                    source: format!("{source} {}", arabic_digits(copy)),
                    target: format!("{target} {copy}"),
                    ..ImportUnit::default()
                })?;
            }
            Ok(())
        })
        .unwrap();
    drop(memory);
    std::fs::rename(&building, &db).unwrap();
    eprintln!(
        "built {} in {:.0} s",
        db.display(),
        start.elapsed().as_secs_f64()
    );
    db
}

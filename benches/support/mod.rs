//! What the benchmarks share: the development data and the peak-memory reading.
//!
//! Each benchmark includes this file with `#[path = "support/mod.rs"] mod support;`, so it is
//! not a benchmark target of its own.

#![allow(dead_code)] // not every benchmark uses every helper

use std::path::PathBuf;

pub mod memory;

/// The sizes named on the command line (`cargo bench --bench X -- 20000 100_000`), or `default`.
pub fn sizes(default: &[usize]) -> Vec<usize> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.replace('_', "").parse().ok())
        .collect();
    if sizes.is_empty() {
        default.to_vec()
    } else {
        sizes
    }
}

/// The document folders of `../shared/devdata/VARIANT` (`clean`, `hard`), in name order.
pub fn dev_documents(variant: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/devdata")
        .join(variant);
    let mut docs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (the benchmark needs ../shared/devdata)",
                dir.display()
            )
        })
        .map(|e| e.unwrap().path())
        .collect();
    docs.sort();
    docs
}

/// The sentence pairs of the clean development documents (one sentence a line on each side,
/// line k of `ar.txt` the translation of line k of `en.txt`), without empty lines.
pub fn clean_pairs() -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for d in dev_documents("clean") {
        let ar = std::fs::read_to_string(d.join("ar.txt")).unwrap();
        let en = std::fs::read_to_string(d.join("en.txt")).unwrap();
        for (a, e) in ar.lines().zip(en.lines()) {
            if !a.trim().is_empty() && !e.trim().is_empty() {
                pairs.push((a.trim().to_string(), e.trim().to_string()));
            }
        }
    }
    pairs
}

/// Resets the process's peak resident set size (Linux: writing 5 to `clear_refs`).
pub fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident set size since the last reset (VmHWM), in MB, or `?`.
pub fn peak_memory_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or("?".to_string(), |kb| format!("{:.0}", kb / 1024.0))
}

/// CPU time the process has used so far (user and system, every thread), in seconds, from
/// `/proc/self/stat` (clock ticks of 1/100 s); 0 where it cannot be read.
pub fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // the fields after the command name, which is in parentheses
            let rest = &s[s.rfind(')')? + 2..];
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let utime: f64 = fields.get(11)?.parse().ok()?;
            let stime: f64 = fields.get(12)?.parse().ok()?;
            Some((utime + stime) / 100.0)
        })
        .unwrap_or(0.0)
}

//! Peak memory on hostile inputs: huge values just over and at the documented limits
//! (README, "Limits"), each run as its own `bitext` process whose peak resident memory is read
//! from the kernel (`wait4`'s `ru_maxrss`).
//!
//! `cargo bench --bench limits` (files of 200 MB by default; `-- 50` for 50 MB ones). The files
//! are written to a temporary folder and removed afterwards.

#[path = "support/mod.rs"]
mod support;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const MB: usize = 1_000_000;

/// Writes `parts` one after another to `path`, `middle` repeated to make `size` bytes.
fn write(path: &Path, head: &str, middle: &str, size: usize, tail: &str) {
    let mut out = BufWriter::new(File::create(path).unwrap());
    out.write_all(head.as_bytes()).unwrap();
    let chunk = middle.repeat(64 * 1024 / middle.len().max(1) + 1);
    let mut written = 0;
    while written < size {
        let n = chunk.len().min(size - written);
        let n = (0..=n).rev().find(|&k| chunk.is_char_boundary(k)).unwrap();
        if n == 0 {
            break;
        }
        out.write_all(&chunk.as_bytes()[..n]).unwrap();
        written += n;
    }
    out.write_all(tail.as_bytes()).unwrap();
}

/// Runs `bitext ARGS` in `dir`; returns its exit code, first line of standard error, peak
/// resident memory in MB and wall time.
fn run(dir: &Path, args: &[&str]) -> (i32, String, f64, f64) {
    let stderr = dir.join("stderr.txt");
    let start = Instant::now();
    #[allow(clippy::zombie_processes)] // reaped by wait4 below, which also gives its rusage
    let child = Command::new(env!("CARGO_BIN_EXE_bitext"))
        .current_dir(dir)
        .args(["--db", "tm.db"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, with valid pointers to `status` and `usage`.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t);
    let elapsed = start.elapsed().as_secs_f64();
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let message = std::fs::read_to_string(&stderr)
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(90)
        .collect();
    (code, message, usage.ru_maxrss as f64 / 1024.0, elapsed)
}

fn main() {
    let size = support::sizes(&[200])[0] * MB;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tmx_head =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header/><body>\n";
    type Case<'a> = (String, Box<dyn Fn() + 'a>, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        (
            "import JSON Lines, 2 pairs (the floor)".into(),
            Box::new(|| {
                std::fs::write(
                    d.join("small.jsonl"),
                    "{\"source\":\"أ\",\"target\":\"a\"}\n{\"source\":\"ب\",\"target\":\"b\"}\n",
                )
                .unwrap()
            }),
            vec!["import", "small.jsonl"],
        ),
        (
            format!("import TMX, a <seg> of {} MB", size / MB),
            Box::new(|| {
                write(
                    &d.join("seg.tmx"),
                    &format!("{tmx_head}<tu><tuv xml:lang=\"ar\"><seg>"),
                    "نص ",
                    size,
                    "</seg></tuv><tuv xml:lang=\"en\"><seg>x</seg></tuv></tu></body></tmx>\n",
                )
            }),
            vec!["import", "seg.tmx"],
        ),
        (
            "import TMX, a <seg> of 1 MB (allowed)".into(),
            Box::new(|| {
                write(
                    &d.join("seg4.tmx"),
                    &format!("{tmx_head}<tu><tuv xml:lang=\"ar\"><seg>"),
                    "نص ",
                    MB,
                    "</seg></tuv><tuv xml:lang=\"en\"><seg>x</seg></tuv></tu></body></tmx>\n",
                )
            }),
            vec!["import", "seg4.tmx"],
        ),
        (
            format!("import TMX, an attribute of {} MB", size / MB),
            Box::new(|| {
                write(
                    &d.join("attr.tmx"),
                    &format!("{tmx_head}<tu usagecount=\""),
                    "9",
                    size,
                    "\"><tuv xml:lang=\"ar\"><seg>a</seg></tuv><tuv xml:lang=\"en\"><seg>x</seg></tuv></tu></body></tmx>\n",
                )
            }),
            vec!["import", "attr.tmx"],
        ),
        (
            format!("import JSON, a string of {} MB", size / MB),
            Box::new(|| {
                write(
                    &d.join("string.json"),
                    "[{\"target\":\"x\",\"source\":\"",
                    "نص ",
                    size,
                    "\"}]\n",
                )
            }),
            vec!["import", "string.json"],
        ),
        (
            "import JSON, a string of 1 MB (allowed)".into(),
            Box::new(|| {
                write(
                    &d.join("string4.json"),
                    "[{\"target\":\"x\",\"source\":\"",
                    "w1 w2 w3 ",
                    MB,
                    "\"}]\n",
                )
            }),
            vec!["import", "string4.json"],
        ),
        (
            "import JSON, a string of 1 MB of distinct words (allowed)".into(),
            Box::new(|| {
                let mut words = String::new();
                let mut k = 0;
                while words.len() < MB - 10 {
                    words.push_str(&format!("w{k} "));
                    k += 1;
                }
                std::fs::write(
                    d.join("distinct.json"),
                    format!("[{{\"target\":\"x\",\"source\":\"{words}\"}}]\n"),
                )
                .unwrap();
            }),
            vec!["import", "distinct.json"],
        ),
        (
            format!("import JSON Lines, a line of {} MB", size / MB),
            Box::new(|| {
                write(
                    &d.join("line.jsonl"),
                    "{\"target\":\"x\",\"source\":\"",
                    "نص ",
                    size,
                    "\"}\n",
                )
            }),
            vec!["import", "line.jsonl"],
        ),
        (
            format!("align, a one-sentence text of {} MB", size / MB),
            Box::new(|| {
                write(&d.join("long-ar.txt"), "", "كلمة ", size, "\n");
                std::fs::write(d.join("en.txt"), "One sentence.\n").unwrap();
            }),
            vec!["align", "long-ar.txt", "en.txt"],
        ),
        (
            "align, a one-sentence text of 32 MB (the text limit)".into(),
            Box::new(|| write(&d.join("text32-ar.txt"), "", "كلمة ", 32 * MB, "\n")),
            vec!["align", "text32-ar.txt", "en.txt"],
        ),
        (
            "align, a sentence pair of 8 KB each (allowed)".into(),
            Box::new(|| {
                write(&d.join("s64-ar.txt"), "", "كلمة ", 8_000, ".\n");
                write(&d.join("s64-en.txt"), "", "word ", 8_000, ".\n");
            }),
            vec!["align", "--name", "s64", "s64-ar.txt", "s64-en.txt"],
        ),
    ];
    println!("| input | exit | peak memory | time | message |");
    println!("|---|---:|---:|---:|---|");
    for (label, make, args) in &cases {
        make();
        for db in ["tm.db", "tm.db-wal", "tm.db-shm"] {
            let _ = std::fs::remove_file(d.join(db));
        }
        let (code, message, peak, secs) = run(d, args);
        println!("| {label} | {code} | {peak:.0} MB | {secs:.1} s | {message} |");
        for name in [
            "seg.tmx",
            "attr.tmx",
            "string.json",
            "line.jsonl",
            "long-ar.txt",
        ] {
            let _ = std::fs::remove_file(d.join(name));
        }
    }
}

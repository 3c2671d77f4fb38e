//! The README runs top to bottom (issue 9 §6): every command it shows is run in order in a fresh
//! folder, as a newcomer would type it, and must not fail; where the README shows a command's
//! output (a ```console block), the output must be what it shows.
//!
//! How the README is read:
//! - ```console blocks: each line starting with `$ ` is a command; the lines after it, up to the
//!   next command, are its output (standard output and standard error together, in either
//!   order between the two streams, each in its own order).
//! - ```sh blocks: each line that is not blank or a `#` comment is a command that must succeed;
//!   its output is not compared. `cargo run --release -- ARGS` is run as `bitext ARGS`; other
//!   `cargo` commands (build, test, bench, install; also `VAR=value cargo …`) are left to the
//!   README's reader.
//! - A block whose info string says `norun` (```sh norun) is not run: long benchmarks and the
//!   like, which have their own tests.
//! - Shell variables and `export`s of earlier commands hold for the later ones.
//!
//! Outputs are compared after replacing times (`2026-11-25T08:17:00Z`, `20261125T081700Z`) and
//! durations (`(0.5 s)`) by placeholders. Commands run with `bitext` on the PATH (this build),
//! the clone's `corpus/` (the shipped article) and `docs/` (example files), `../shared` beside
//! the folder when the repository has it, `USER=maha`, no colour and a 100-column width.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One command of the README, with the output it shows (when it shows one).
#[derive(Debug)]
struct Step {
    line: usize,
    command: String,
    expected: Option<Vec<String>>,
}

fn steps(readme: &str) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    // the block's kind, whether it runs, and its fence's indentation (in a list item)
    let mut block: Option<(String, bool, usize)> = None;
    for (k, raw) in readme.lines().enumerate() {
        let line = raw.trim_start();
        if let Some(info) = line.strip_prefix("```") {
            block = match block {
                Some(_) => None,
                None => {
                    let mut words = info.split_whitespace();
                    let kind = words.next().unwrap_or("").to_string();
                    let run = !words.any(|w| w == "norun");
                    Some((kind, run, raw.len() - line.len()))
                }
            };
            continue;
        }
        let Some((kind, true, indent)) = &block else {
            continue;
        };
        let text = raw.get(*indent..).unwrap_or(raw.trim_start());
        match kind.as_str() {
            "console" => {
                if let Some(cmd) = text.strip_prefix("$ ") {
                    out.push(Step {
                        line: k + 1,
                        command: cmd.to_string(),
                        expected: Some(Vec::new()),
                    });
                } else if let Some(Step {
                    expected: Some(lines),
                    ..
                }) = out.last_mut()
                {
                    lines.push(text.to_string());
                }
            }
            "sh" => {
                let cmd = text.trim();
                if cmd.is_empty() || cmd.starts_with('#') {
                    continue;
                }
                let cmd = match cmd.strip_prefix("cargo run --release -- ") {
                    Some(rest) => format!("bitext {rest}"),
                    None if is_cargo(cmd) => continue,
                    None => cmd.to_string(),
                };
                out.push(Step {
                    line: k + 1,
                    command: cmd,
                    expected: None,
                });
            }
            _ => {}
        }
    }
    out
}

/// True for a `cargo` command, also after variables set for it (`VAR=value cargo test`).
fn is_cargo(cmd: &str) -> bool {
    let mut words = cmd.split_whitespace();
    words
        .find(|w| {
            !regex::Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*=")
                .unwrap()
                .is_match(w)
        })
        .is_some_and(|w| w == "cargo")
}

/// Times and durations as placeholders; trailing white space dropped.
fn normalise(line: &str) -> String {
    let iso = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").unwrap();
    let tmx = regex::Regex::new(r"\d{8}T\d{6}Z").unwrap();
    let secs = regex::Regex::new(r"\(\d+(\.\d+)? s\)").unwrap();
    let line = iso.replace_all(line.trim_end(), "<time>");
    let line = tmx.replace_all(&line, "<time>");
    secs.replace_all(&line, "(<secs> s)").into_owned()
}

/// True when `shown` is `a` and `b` interleaved, each in its own order.
fn interleaves(shown: &[String], a: &[String], b: &[String]) -> bool {
    if shown.len() != a.len() + b.len() {
        return false;
    }
    // can[i][j]: the first i lines of a and j of b make the first i + j lines shown
    let mut can = vec![vec![false; b.len() + 1]; a.len() + 1];
    can[0][0] = true;
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            if (i > 0 && can[i - 1][j] && a[i - 1] == shown[i + j - 1])
                || (j > 0 && can[i][j - 1] && b[j - 1] == shown[i + j - 1])
            {
                can[i][j] = true;
            }
        }
    }
    can[a.len()][b.len()]
}

/// A fresh folder with the corpus and the docs, and `../shared` beside it when the repository
/// has one.
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::TempDir::new().unwrap();
    let work = root.path().join("bitext");
    std::fs::create_dir(&work).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    // what the README's commands read from the clone: the article and the example files
    for dir in ["corpus", "docs"] {
        std::os::unix::fs::symlink(repo.join(dir), work.join(dir)).unwrap();
    }
    let shared = repo.join("../shared");
    if shared.is_dir() {
        std::os::unix::fs::symlink(shared.canonicalize().unwrap(), root.path().join("shared"))
            .unwrap();
    }
    (root, work)
}

#[test]
fn the_readme_runs_top_to_bottom_as_shown() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let steps = steps(&readme);
    assert!(steps.len() > 20, "found only {} commands", steps.len());
    let (_root, work) = scratch();
    let bin = Path::new(env!("CARGO_BIN_EXE_bitext")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // variables and exports hold for the commands after them
    let mut prelude = String::new();
    let assignment = regex::Regex::new(r"^(export )?[A-Za-z_][A-Za-z0-9_]*=\S*$").unwrap();
    let mut failures = Vec::new();
    for step in &steps {
        let output = Command::new("bash")
            .arg("-c")
            .arg(format!("set -o pipefail\n{prelude}{}", step.command))
            .current_dir(&work)
            .env_clear()
            .env("PATH", &path)
            .env("HOME", work.as_os_str())
            .env("USER", "maha")
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .env("LANG", "C.UTF-8")
            .output()
            .unwrap();
        let lines = |bytes: &[u8]| -> Vec<String> {
            String::from_utf8_lossy(bytes)
                .lines()
                .map(normalise)
                .collect()
        };
        let (stdout, stderr) = (lines(&output.stdout), lines(&output.stderr));
        let here = format!("README.md:{}: $ {}", step.line, step.command);
        match &step.expected {
            None if !output.status.success() => failures.push(format!(
                "{here}\nfailed with {}:\n{}",
                output.status,
                stderr.join("\n")
            )),
            None => {}
            Some(shown) => {
                let shown: Vec<String> = shown.iter().map(|l| normalise(l)).collect();
                // a command the README shows failing says so (`bitext: …`)
                let shown_failing = shown.iter().any(|l| l.starts_with("bitext: "));
                if !output.status.success() && !shown_failing {
                    failures.push(format!(
                        "{here}\nfailed with {}:\n{}",
                        output.status,
                        stderr.join("\n")
                    ));
                } else if !interleaves(&shown, &stdout, &stderr) {
                    failures.push(format!(
                        "{here}\nthe README shows:\n{}\nthe command printed (standard output):\n{}\n(standard error):\n{}",
                        shown.join("\n"),
                        stdout.join("\n"),
                        stderr.join("\n")
                    ));
                }
            }
        }
        if assignment.is_match(step.command.trim()) {
            prelude.push_str(step.command.trim());
            prelude.push('\n');
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} README commands did not run as shown:\n\n{}",
        failures.len(),
        steps.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_harness_reads_blocks_and_interleavings() {
    let text = "intro\n```console\n$ bitext a\nout 1\nout 2\n$ bitext b\n```\n\
                ```sh\n# a comment\ncargo run --release -- align x y\ncargo test\nbitext c\n```\n\
                ```sh norun\nbitext slow\n```\n\
                ```sh\nBITEXT_X=1 cargo test --test y\n```\n";
    let s = steps(text);
    let commands: Vec<&str> = s.iter().map(|s| s.command.as_str()).collect();
    assert_eq!(
        commands,
        ["bitext a", "bitext b", "bitext align x y", "bitext c"]
    );
    assert_eq!(
        s[0].expected.as_deref(),
        Some(&["out 1".to_string(), "out 2".to_string()][..])
    );
    assert_eq!(s[1].expected.as_deref(), Some(&[][..]));
    assert!(s[2].expected.is_none());
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(interleaves(
        &v(&["a", "x", "b"]),
        &v(&["a", "b"]),
        &v(&["x"])
    ));
    assert!(!interleaves(&v(&["b", "a"]), &v(&["a", "b"]), &v(&[])));
    assert_eq!(
        normalise("at 2026-11-25T08:17:00Z (0.5 s)  "),
        "at <time> (<secs> s)"
    );
}

//! What the command-line test files share: the shipped article, running `bitext` against a
//! scratch memory, and the check that a failure is one clear line.

#![allow(dead_code)] // each test file uses its own part

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/kazakhstan-2022");

/// The shipped Arabic article.
pub fn article_ar() -> PathBuf {
    Path::new(CORPUS).join("ar.txt")
}

/// Its English reference translation.
pub fn article_en() -> PathBuf {
    Path::new(CORPUS).join("en.txt")
}

/// `bitext --db DB` run in `dir`, as user "tester", without colour and without a memory
/// named by the environment.
pub fn bitext(dir: &Path, db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("bitext").unwrap();
    cmd.current_dir(dir)
        .env_remove("BITEXT_DB")
        .env("USER", "tester")
        .env("NO_COLOR", "1")
        .arg("--db")
        .arg(db);
    cmd
}

/// Checks that a failed command said one line, `bitext: …`, containing every one of
/// `needles`, and no panic; returns that line.
pub fn one_line_error(output: &std::process::Output, needles: &[&str]) -> String {
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
    assert!(stderr.starts_with("bitext: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{stderr:?} lacks {needle:?}");
    }
    stderr
}

/// Units as `list --json` prints them, without their revisions: what an undo gives back
/// exactly (it restores every field but the revision, which only grows).
pub fn without_revisions(mut units: serde_json::Value) -> serde_json::Value {
    if let Some(list) = units.as_array_mut() {
        for unit in list {
            if let Some(fields) = unit.as_object_mut() {
                fields.remove("revision");
            }
        }
    }
    units
}
pub mod desk;

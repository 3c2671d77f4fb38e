//! A bounded mutation fuzz of what reads hostile input: the TMX, JSON and JSON Lines readers
//! (through a real import into a memory file) and the segmenter. Seeds are the shipped
//! fixtures and exports of a memory holding them; each case applies a few mutations (bytes
//! deleted, duplicated, flipped, or tokens that have broken readers before inserted: control
//! characters, character references, huge numbers, duplicate keys, stray tags, invalid UTF-8).
//!
//! Every case must end in success or in one error that fits on one short line, never a panic;
//! a failed import must leave the memory file byte for byte as it was, and a successful one
//! must keep the memory's invariants. `cargo test` runs a few thousand cases (about a minute
//! in a debug build); `BITEXT_FUZZ_CASES=100000 cargo test --release --test fuzz` runs a long
//! campaign (the count applies to each of the tests here).

mod common;

use std::path::{Path, PathBuf};

use bitext::exchange::{self, Format};
use bitext::store::{ImportOptions, Memory, UnitFilter};
use bitext::{Lang, segment};
use indicatif::ProgressBar;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use sha2::Digest;
use tempfile::TempDir;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// Cases for a test: `BITEXT_FUZZ_CASES`, or `default`.
fn cases(default: u32) -> u32 {
    std::env::var("BITEXT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A runner with a fixed seed (the same cases on every run, so that a failure in CI can be
/// reproduced), unless `BITEXT_FUZZ_SEED` asks for another.
fn runner(cases: u32) -> TestRunner {
    let seed: u64 = std::env::var("BITEXT_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x6269_7478);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

/// Pieces that have broken readers before, or that sit on the edge of what is allowed.
const TOKENS: &[&[u8]] = &[
    b"<",
    b">",
    b"&",
    b"\"",
    b"'",
    b"\n",
    b"\r",
    b"\x00",
    b"\x01",
    b"\x0c",
    b"\x1b[2J",
    b"\x7f",
    b"\xc2\x9b",
    b"\xff",
    b"\xd9",
    b"\xef\xbf\xbf",
    b"\xe2\x80\xae",
    b"&#1;",
    b"&#0;",
    b"&#12;",
    b"&#x1F;",
    b"&#xD800;",
    b"&#x110000;",
    b"&#99999999999999999999;",
    b"&nbsp;",
    b"&amp;",
    b"&lt;",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<?pi x?>",
    b"<!DOCTYPE tmx [<!ENTITY e \"x\">]>",
    b"<!ENTITY % p SYSTEM \"file:///etc/passwd\">",
    b"&e;",
    b"<?xml version=\"1.0\" encoding=\"windows-1256\"?>",
    b"<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
    b"<tu>",
    b"</tu>",
    b"<tuv xml:lang=\"ar\">",
    b"<tuv xml:lang=\"en\">",
    b"<tuv>",
    b"</tuv>",
    b"<seg>",
    b"</seg>",
    b"<ph x=\"&#1;\">",
    b"<bpt i=\"1\">",
    b"</bpt>",
    b"<sub>",
    b"<prop type=\"x-position\">9223372036854775807</prop>",
    b"<prop type=\"x-position\">0</prop>",
    b"<prop type=\"x-source-sentences\">0-18446744073709551615</prop>",
    b"<prop type=\"x-document\">\x1b]0;x\x07</prop>",
    b"<prop type=\"x-score\">NaN</prop>",
    b"<prop>",
    b"<note>",
    b" tuid=\"9223372036854775807\"",
    b" tuid=\"-1\"",
    b" creationdate=\"99999999T999999Z\"",
    b" xml:lang=\"\"",
    b"</tmx>",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"null",
    b"\"units\":",
    b"\"units\":[{\"source\":\"x\",\"target\":\"y\"}],",
    b"\"format\":\"other\",",
    b"\"version\":2,",
    b"\"id\":9223372036854775807,",
    b"\"id\":18446744073709551616,",
    b"\"id\":0,",
    b"\"position\":9223372036854775807,",
    b"\"position\":0,",
    b"\"position\":-1,",
    b"\"source_sentences\":[18446744073709551615],",
    b"\"target_sentences\":[9223372036854775807],",
    b"\"source_sentences\":[3,2],",
    b"\"source_lang\":\"en\",",
    b"\"target_lang\":\"ar\",",
    b"\"score\":1e999,",
    b"\"score\":-0.5,",
    b"\"status\":\"bogus\",",
    b"\"created\":\"yesterday\",",
    b"\"source_markup\":\"<ph>&#1;</ph>\",",
    b"\"tmx_extras\":{\"attributes\":[[\"a b\",\"c\"]]},",
    b"\"unknown\":1,",
    b"\\u0000",
    b"\\ud800",
    b"\\u001b",
    b"\\n",
    b"1e999",
    b"-0",
    b"18446744073709551615",
    b"9223372036854775807",
];

/// One change to the bytes of a file; positions are taken modulo the length.
#[derive(Clone, Debug)]
enum Mutation {
    Insert(usize, usize),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Flip(usize, u8),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, k)| Mutation::Insert(at, k)),
        2 => (any::<usize>(), 1..200usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
        1 => (any::<usize>(), 1..400usize).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Flip(at, b)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match *m {
            Mutation::Insert(at, k) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, TOKENS[k].iter().copied());
            }
            Mutation::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            Mutation::Duplicate(at, n) => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                let copy = bytes[at.min(end)..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Mutation::Flip(at, b) => {
                if !bytes.is_empty() {
                    let at = at % bytes.len();
                    bytes[at] = b;
                }
            }
            Mutation::Truncate(at) => bytes.truncate(at % len),
        }
    }
    bytes
}

fn sha(path: &Path) -> Vec<u8> {
    sha2::Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

/// A memory holding the fixtures, and the seed files of each format.
struct Base {
    dir: TempDir,
    db: PathBuf,
    seeds: Vec<(&'static str, Vec<u8>)>,
}

fn options(user: &str) -> ImportOptions {
    ImportOptions {
        document: None,
        default_document: "fuzzed".into(),
        source_lang: Lang::Ar,
        target_lang: Lang::En,
        keep_duplicates: false,
        user: user.into(),
    }
}

fn base() -> Base {
    // in memory where there is a tmpfs: thousands of small imports, each with its fsyncs
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::Builder::new().tempdir_in(shm).unwrap()
    } else {
        TempDir::new().unwrap()
    };
    let db = dir.path().join("base.db");
    let progress = ProgressBar::hidden();
    let mut m = Memory::open(&db).unwrap();
    for fixture in ["foreign.tmx", "windows-1256.tmx"] {
        let path = Path::new(FIXTURES).join(fixture);
        exchange::import(&mut m, &path, None, &options("seed"), &progress).unwrap();
    }
    let jsonl: String = (0..12)
        .map(|k| {
            format!(
                "{{\"id\":{},\"document\":\"made\",\"position\":{k},\"source_sentences\":[{k}],\"target_sentences\":[{k},{}],\"source\":\"قال {k} «نعم».\",\"target\":\"He said {k} \\\"yes\\\".\",\"score\":0.5,\"status\":\"reviewed\",\"note\":\"n {k}\",\"created\":\"2026-01-01T00:00:00Z\",\"created_by\":\"a\"}}\n",
                100 + k,
                k + 1
            )
        })
        .collect();
    let made = dir.path().join("made.jsonl");
    std::fs::write(&made, jsonl).unwrap();
    exchange::import(&mut m, &made, None, &options("seed"), &progress).unwrap();
    let mut seeds = Vec::new();
    for (ext, format) in [
        ("tmx", Format::Tmx),
        ("json", Format::Json),
        ("jsonl", Format::Jsonl),
    ] {
        let mut out = Vec::new();
        exchange::export(&m, &UnitFilter::default(), format, &mut out, &progress).unwrap();
        seeds.push((ext, out));
    }
    for fixture in ["foreign.tmx", "windows-1256.tmx"] {
        seeds.push((
            "tmx",
            std::fs::read(Path::new(FIXTURES).join(fixture)).unwrap(),
        ));
    }
    drop(m);
    Base { dir, db, seeds }
}

/// What a successful import must leave: one unit per position of a document, ranges in
/// order, ids in the kept range.
fn check_invariants(m: &Memory) {
    let units = m.units(&UnitFilter::default()).unwrap();
    let mut positions = std::collections::HashSet::new();
    for u in &units {
        assert!(
            positions.insert((u.document.clone(), u.position)),
            "two units at position {} of {}",
            u.position,
            u.document
        );
        assert!(u.id >= 1 && u.id < 1 << 53, "id {}", u.id);
        assert!(u.position >= 0 && u.position < 1 << 53);
        for r in [&u.source_range, &u.target_range].into_iter().flatten() {
            assert!(r.start <= r.end && (r.end as u64) < 1 << 53, "{r:?}");
        }
    }
}

/// Imports the mutated file into a copy of the base memory and checks the outcome.
fn import_case(base: &Base, k: u64, ext: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let db = base.dir.path().join(format!("case{k}.db"));
    std::fs::copy(&base.db, &db).unwrap();
    let file = base.dir.path().join(format!("case{k}.{ext}"));
    std::fs::write(&file, bytes).unwrap();
    let before = sha(&db);
    let result = {
        let mut m = Memory::open_existing(&db).unwrap();
        let r = exchange::import(
            &mut m,
            &file,
            None,
            &options("fuzz"),
            &ProgressBar::hidden(),
        );
        if r.is_ok() {
            check_invariants(&m);
        }
        r
    };
    if let Err(e) = &result {
        let message = e.to_string();
        prop_assert!(
            !message.contains(['\n', '\r']) && message.chars().count() <= 400,
            "not one short line ({} chars): {:?}",
            message.chars().count(),
            message.chars().take(500).collect::<String>()
        );
        prop_assert!(matches!(e.exit_code(), 1 | 3), "{message}");
        prop_assert_eq!(
            sha(&db),
            before,
            "a failed import changed the memory: {}",
            message
        );
    }
    for p in [&db, &file] {
        let _ = std::fs::remove_file(p);
    }
    Ok(())
}

fn fuzz_format(ext: &str, default_cases: u32) {
    let base = base();
    let seeds: Vec<Vec<u8>> = base
        .seeds
        .iter()
        .filter(|(e, _)| *e == ext)
        .map(|(_, b)| b.clone())
        .collect();
    let case = std::cell::Cell::new(0u64);
    runner(cases(default_cases))
        .run(
            &(0..seeds.len(), prop::collection::vec(mutation(), 1..6)),
            |(seed, mutations)| {
                case.set(case.get() + 1);
                let bytes = mutate(seeds[seed].clone(), &mutations);
                import_case(&base, case.get(), ext, &bytes)
            },
        )
        .unwrap();
}

#[test]
fn mutated_tmx_imports_fail_cleanly_or_keep_the_invariants() {
    fuzz_format("tmx", 1500);
}

#[test]
fn mutated_json_imports_fail_cleanly_or_keep_the_invariants() {
    fuzz_format("json", 800);
}

#[test]
fn mutated_json_lines_imports_fail_cleanly_or_keep_the_invariants() {
    fuzz_format("jsonl", 800);
}

/// The text outside the spans is whitespace, and the spans are ordered, on character
/// boundaries, trimmed and non-empty.
fn lossless(text: &str, spans: &[segment::Span]) -> Result<(), TestCaseError> {
    let mut pos = 0;
    for s in spans {
        prop_assert!(s.start >= pos && s.start < s.end && s.end <= text.len());
        prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        prop_assert!(
            text[pos..s.start].trim().is_empty(),
            "text lost before {s:?}"
        );
        let t = s.text(text);
        prop_assert_eq!(t, t.trim());
        pos = s.end;
    }
    prop_assert!(text[pos..].trim().is_empty(), "tail lost");
    Ok(())
}

#[test]
fn mutated_texts_segment_losslessly() {
    let seeds: Vec<String> = [common::article_ar(), common::article_en()]
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    runner(cases(600))
        .run(
            &(0..2usize, prop::collection::vec(mutation(), 1..8)),
            |(seed, mutations)| {
                let bytes = mutate(seeds[seed].clone().into_bytes(), &mutations);
                let text = String::from_utf8_lossy(&bytes).into_owned();
                for lang in [Lang::Ar, Lang::En] {
                    lossless(&text, &segment::split(&text, lang))?;
                }
                lossless(&text, &segment::lines(&text))?;
                Ok(())
            },
        )
        .unwrap();
}

/// A few cases through the command line: the exit code, one line on standard error, and the
/// memory file unchanged after a failure.
#[test]
fn mutated_files_through_the_command_line() {
    let base = base();
    let case = std::cell::Cell::new(0u64);
    runner(cases(40))
        .run(
            &(0..base.seeds.len(), prop::collection::vec(mutation(), 1..6)),
            |(seed, mutations)| {
                case.set(case.get() + 1);
                let case = case.get();
                let (ext, bytes) = &base.seeds[seed];
                let bytes = mutate(bytes.clone(), &mutations);
                let db = base.dir.path().join(format!("cli{case}.db"));
                std::fs::copy(&base.db, &db).unwrap();
                let file = base.dir.path().join(format!("cli{case}.{ext}"));
                std::fs::write(&file, &bytes).unwrap();
                let before = sha(&db);
                let out = common::bitext(base.dir.path(), &db)
                    .arg("import")
                    .arg(&file)
                    .output()
                    .unwrap();
                let stderr = String::from_utf8_lossy(&out.stderr);
                if out.status.success() {
                    prop_assert!(stderr.is_empty(), "{stderr}");
                } else {
                    prop_assert!(matches!(out.status.code(), Some(1 | 3)), "{out:?}");
                    prop_assert_eq!(stderr.lines().count(), 1, "{}", stderr);
                    prop_assert!(stderr.starts_with("bitext: ") && !stderr.contains("panicked"));
                    prop_assert_eq!(sha(&db), before);
                }
                Ok(())
            },
        )
        .unwrap();
}

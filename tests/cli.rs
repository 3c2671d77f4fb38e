//! The command line as a translator uses it: segment, align, list, show and eval on the shipped
//! article, and every kind of bad input the foundation promises to refuse cleanly.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

use common::{CORPUS, article_ar as ar, article_en as en};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared");

/// A scratch folder with a memory path in it; every command runs against that memory.
struct Env {
    dir: TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: TempDir::new().unwrap(),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("tm.db")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn bitext(&self) -> Command {
        common::bitext(self.dir.path(), &self.db())
    }

    /// Aligns and stores the shipped article.
    fn with_article(self) -> Env {
        self.bitext()
            .arg("align")
            .arg(ar())
            .arg(en())
            .assert()
            .success();
        self
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.bitext().args(args).assert().success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    }

    /// Runs a command that must fail with exit `code` and one line on stderr containing `needle`.
    fn fails(&self, args: &[&str], code: i32, needle: &str) {
        let out = self.bitext().args(args).assert().code(code);
        common::one_line_error(out.get_output(), &[needle]);
    }

    fn unit_count(&self) -> usize {
        self.json(&["list", "--json"]).as_array().unwrap().len()
    }
}

// ---------------------------------------------------------------------------------------
// segment

#[test]
fn segment_prints_one_sentence_a_line() {
    let env = Env::new();
    let out = env
        .bitext()
        .args(["segment", "--lang", "ar"])
        .arg(ar())
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 18);
    assert!(
        stdout
            .lines()
            .next()
            .unwrap()
            .starts_with("Reuters قال الرئيس")
    );
    let en = env
        .bitext()
        .args(["segment", "--lang", "en"])
        .arg(en())
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&en.get_output().stdout)
            .lines()
            .count(),
        20
    );
}

#[test]
fn segment_json_gives_byte_spans_into_the_input() {
    let env = Env::new();
    let text = std::fs::read_to_string(en()).unwrap();
    let json = env.json(&["segment", "--lang", "en", "--json", en().to_str().unwrap()]);
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), 20);
    let mut rebuilt = String::new();
    let mut at = 0;
    for (k, s) in items.iter().enumerate() {
        let (start, end) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(s["index"], k);
        assert_eq!(s["text"], text[start..end]);
        rebuilt += &text[at..start];
        rebuilt += s["text"].as_str().unwrap();
        at = end;
    }
    rebuilt += &text[at..];
    assert_eq!(
        rebuilt, text,
        "sentences and the space between give back the input"
    );
}

#[test]
fn segment_reads_standard_input() {
    let env = Env::new();
    env.bitext()
        .args(["segment", "--lang", "en", "-"])
        .write_stdin("Mr. Smith met Dr. Jones in the U.S. on Jan. 5. They agreed.")
        .assert()
        .success()
        .stdout("Mr. Smith met Dr. Jones in the U.S. on Jan. 5.\nThey agreed.\n");
}

#[test]
fn segment_accepts_a_byte_order_mark_and_crlf() {
    let env = Env::new();
    let file = env.write(
        "bom.txt",
        "\u{feff}قال توقاييف إن النظام استعيد.\r\nوقُتل 26 شخصًا؟\r\n",
    );
    env.bitext()
        .args(["segment", "--lang", "ar"])
        .arg(&file)
        .assert()
        .success()
        .stdout("قال توقاييف إن النظام استعيد.\nوقُتل 26 شخصًا؟\n");
}

#[test]
fn segment_refuses_bad_input_with_one_line() {
    let env = Env::new();
    env.fails(
        &["segment", "--lang", "ar", "missing.txt"],
        1,
        "missing.txt",
    );
    let dir = env.path("folder");
    std::fs::create_dir(&dir).unwrap();
    env.fails(
        &["segment", "--lang", "ar", dir.to_str().unwrap()],
        1,
        "is a directory",
    );
    let latin1 = env.write("latin1.txt", b"caf\xe9 au lait.");
    env.fails(
        &["segment", "--lang", "en", latin1.to_str().unwrap()],
        1,
        "latin1.txt:1:4: not valid UTF-8 (byte 0xE9 at offset 3)",
    );
    let utf16 = env.write("utf16.txt", b"\xff\xfeh\x00i\x00");
    env.fails(
        &["segment", "--lang", "en", utf16.to_str().unwrap()],
        1,
        "UTF-16",
    );
    let empty = env.write("empty.txt", " \n\t\n");
    env.fails(
        &["segment", "--lang", "en", empty.to_str().unwrap()],
        1,
        "is empty",
    );
    env.fails(
        &["segment", "--lang", "fr", ar().to_str().unwrap()],
        2,
        "unknown language 'fr'",
    );
}

// ---------------------------------------------------------------------------------------
// align

#[test]
fn the_article_aligns_to_its_gold_standard_from_the_command_line() {
    let env = Env::new();
    let out = env
        .bitext()
        .args(["align", "--no-store", "--format", "beads"])
        .arg(ar())
        .arg(en())
        .assert()
        .success();
    let gold = std::fs::read_to_string(Path::new(CORPUS).join("gold.txt")).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.get_output().stdout), gold);
    assert!(!env.db().exists(), "--no-store leaves no memory behind");
}

#[test]
fn align_stores_the_document_and_prints_json() {
    let env = Env::new();
    let json = env.json(&[
        "align",
        "--json",
        ar().to_str().unwrap(),
        en().to_str().unwrap(),
    ]);
    assert_eq!(json["name"], "kazakhstan-2022");
    assert!(json["document"].as_i64().is_some());
    let beads = json["beads"].as_array().unwrap();
    // Arabic 3 and 16 are split where the English splits them: 20 one-to-one pairs
    assert_eq!(beads.len(), 20);
    assert_eq!(beads[3]["source"], serde_json::json!([3]));
    assert_eq!(beads[3]["target"], serde_json::json!([3]));
    assert_eq!(beads[4]["target"], serde_json::json!([4]));
    for b in beads {
        let score = b["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score));
    }
    assert_eq!(env.unit_count(), 20);
}

#[test]
fn align_formats_tsv_and_reads_sentence_lines() {
    let env = Env::new();
    let source = env.write("src.txt", "قال توقاييف إن النظام استعيد.\nوقتل 26 شخصا.\n");
    let target = env.write(
        "tgt.txt",
        "Tokayev said order had been restored.\n26 people were killed.\n",
    );
    env.bitext()
        .args(["align", "--lines", "--no-store", "--format", "tsv"])
        .arg(&source)
        .arg(&target)
        .assert()
        .success()
        .stdout(
            "قال توقاييف إن النظام استعيد.\tTokayev said order had been restored.\n\
             وقتل 26 شخصا.\t26 people were killed.\n",
        );
}

#[test]
fn an_existing_document_needs_replace() {
    let env = Env::new().with_article();
    env.fails(
        &["align", ar().to_str().unwrap(), en().to_str().unwrap()],
        1,
        "already exists; use --replace",
    );
    assert_eq!(env.unit_count(), 20, "the stored document is untouched");
    env.bitext()
        .args(["align", "--replace"])
        .arg(ar())
        .arg(en())
        .assert()
        .success();
    assert_eq!(env.unit_count(), 20);
    let other = env.json(&[
        "align",
        "--json",
        "--name",
        "copy",
        ar().to_str().unwrap(),
        en().to_str().unwrap(),
    ]);
    assert_eq!(other["name"], "copy");
    assert_eq!(env.unit_count(), 40);
}

#[test]
fn align_refuses_bad_input_and_stores_nothing() {
    let env = Env::new();
    let empty = env.write("empty.txt", "");
    env.fails(
        &["align", ar().to_str().unwrap(), empty.to_str().unwrap()],
        1,
        "is empty",
    );
    env.fails(
        &["align", ar().to_str().unwrap(), "nowhere.txt"],
        1,
        "nowhere.txt",
    );
    env.fails(
        &[
            "align",
            "--source-lang",
            "xx",
            ar().to_str().unwrap(),
            en().to_str().unwrap(),
        ],
        2,
        "unknown language 'xx'",
    );
    // nothing half-written: either no memory at all, or one without documents
    if env.db().exists() {
        assert_eq!(env.unit_count(), 0);
    }
}

#[test]
fn a_file_that_is_not_a_memory_is_refused() {
    let env = Env::new();
    std::fs::write(env.db(), "just some notes, not a database\n".repeat(100)).unwrap();
    env.fails(
        &["align", ar().to_str().unwrap(), en().to_str().unwrap()],
        3,
        "not",
    );
    env.fails(&["list"], 3, "not");
    let kept = std::fs::read_to_string(env.db()).unwrap();
    assert!(
        kept.starts_with("just some notes"),
        "the file is not touched"
    );
}

#[test]
fn a_memory_locked_by_another_writer_is_refused_and_left_alone() {
    let env = Env::new().with_article();
    let before = env.json(&["list", "--json"]);
    // another process holds the write lock (bitext waits 5 s for it, then gives up)
    let other = rusqlite::Connection::open(env.db()).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let tmx = env.path("article.tmx");
    env.bitext()
        .args(["export", "--format", "tmx", "-o"])
        .arg(&tmx)
        .assert()
        .success(); // readers are not blocked
    for args in [
        vec!["edit", "1", "--note", "checked"],
        vec!["import", tmx.to_str().unwrap(), "--keep-duplicates"],
        vec![
            "align",
            "--replace",
            ar().to_str().unwrap(),
            en().to_str().unwrap(),
        ],
    ] {
        env.fails(&args, 3, "is locked by another process");
    }
    other.execute_batch("ROLLBACK").unwrap();
    assert_eq!(env.json(&["list", "--json"]), before);
}

#[test]
fn a_damaged_memory_is_refused_with_one_line() {
    let env = Env::new().with_article();
    // overwrite the middle of the file (the pages after the schema) with garbage
    let mut bytes = std::fs::read(env.db()).unwrap();
    assert!(bytes.len() > 16384, "{}", bytes.len());
    let end = bytes.len() - 4096;
    for b in &mut bytes[8192..end] {
        *b = 0xA5;
    }
    std::fs::write(env.db(), &bytes).unwrap();
    for args in [
        vec!["list"],
        vec!["show", "1"],
        vec!["lookup", "قال توقاييف"],
    ] {
        env.fails(&args, 3, "damaged");
    }
}

#[test]
fn another_applications_database_is_refused() {
    let env = Env::new();
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute_batch("CREATE TABLE recipes (name TEXT);")
        .unwrap();
    drop(conn);
    env.fails(
        &["align", ar().to_str().unwrap(), en().to_str().unwrap()],
        3,
        "another application",
    );
}

#[test]
fn a_missing_memory_is_not_created_by_reading_commands() {
    let env = Env::new();
    env.fails(&["list"], 1, "no translation memory");
    env.fails(&["show", "1"], 1, "no translation memory");
    assert!(!env.db().exists());
}

#[test]
fn the_memory_path_comes_from_bitext_db() {
    let env = Env::new();
    let path = env.path("from-env.db");
    Command::cargo_bin("bitext")
        .unwrap()
        .env("BITEXT_DB", &path)
        .arg("align")
        .arg(ar())
        .arg(en())
        .assert()
        .success();
    assert!(path.exists());
}

// ---------------------------------------------------------------------------------------
// list and show

#[test]
fn list_json_has_every_field_a_translator_needs() {
    let env = Env::new().with_article();
    let units = env.json(&["list", "--json"]);
    let units = units.as_array().unwrap();
    assert_eq!(units.len(), 20);
    let first = &units[0];
    for field in [
        "id", "document", "source", "target", "score", "status", "note",
    ] {
        assert!(first.get(field).is_some(), "missing {field}");
    }
    assert_eq!(first["document"], "kazakhstan-2022");
    assert_eq!(first["status"], "draft");
    assert_eq!(first["created_by"], "tester");
    assert!(first["source"].as_str().unwrap().starts_with("Reuters"));
    assert!(
        first["target"]
            .as_str()
            .unwrap()
            .starts_with("Kazakh President")
    );
    // Arabic sentence 3 is stored as the two sentences the English makes of it
    assert_eq!(units[3]["source_sentences"], serde_json::json!([3]));
    assert_eq!(units[3]["target_sentences"], serde_json::json!([3]));
    assert!(units[3]["source"].as_str().unwrap().ends_with("غير مسبوق"));
    assert!(
        units[4]["source"]
            .as_str()
            .unwrap()
            .starts_with("وقال في بيان")
    );
    assert!(
        units[4]["target"]
            .as_str()
            .unwrap()
            .starts_with("In a statement")
    );
}

#[test]
fn list_filters_by_document_and_status() {
    let env = Env::new().with_article();
    assert_eq!(
        env.json(&["list", "--document", "kazakhstan-2022", "--json"])
            .as_array()
            .unwrap()
            .len(),
        20
    );
    assert_eq!(
        env.json(&["list", "--status", "approved", "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    env.fails(
        &["list", "--document", "nothing"],
        1,
        "no document named 'nothing'",
    );
    env.fails(&["list", "--status", "finished"], 2, "finished");
}

#[test]
fn list_prints_pairs_side_by_side() {
    let env = Env::new().with_article();
    env.bitext()
        .args(["list", "--color", "never"])
        .assert()
        .success()
        .stdout(predicate::str::contains("#4  kazakhstan-2022  3 → 3"))
        .stdout(predicate::str::contains(
            "│ Kazakh President Kassym Tokayev",
        ));
}

#[test]
fn show_reads_one_unit_by_id_with_or_without_hash() {
    let env = Env::new().with_article();
    let unit = env.json(&["show", "4", "--json"]);
    assert_eq!(unit["id"], 4);
    assert_eq!(unit["source_sentences"], serde_json::json!([3]));
    let same = env.json(&["show", "#4", "--json"]);
    assert_eq!(unit, same);
    env.bitext()
        .args(["show", "4", "--color", "never"])
        .assert()
        .success()
        .stdout(predicate::str::contains("lacks").not())
        .stdout(predicate::str::contains("by tester"));
    env.fails(&["show", "999"], 1, "no unit with id 999");
    env.fails(&["show", "four"], 2, "four");
}

// ---------------------------------------------------------------------------------------
// eval

#[test]
fn eval_scores_a_hand_worked_example() {
    let env = Env::new();
    // gold: 1-1, 1-2, 1-0; the prediction gets the 1-1 and the 1-0 right but splits the 1-2
    let gold = env.write("gold.txt", "[0]:[0]\n[1]:[1,2]\n[2]:[]\n");
    let pred = env.write("pred.txt", "[0]:[0]\n[1]:[1]\n[]:[2]\n[2]:[]\n");
    let json = env.json(&[
        "eval",
        "--gold",
        gold.to_str().unwrap(),
        "--pred",
        pred.to_str().unwrap(),
        "--json",
    ]);
    let close = |v: &Value, x: f64| (v.as_f64().unwrap() - x).abs() < 1e-9;
    // precision over all 4 predicted beads, deletions included: [0]:[0] and [2]:[] are gold
    // beads (strict 2/4); [1]:[1] shares the link 1-1 with gold (lax 3/4); []:[2] links nothing
    assert!(close(&json["precision_strict"], 0.5), "{json}");
    assert!(close(&json["precision_lax"], 0.75), "{json}");
    // recall over gold beads without deletions ([0]:[0], [1]:[1,2]) against predicted ones
    // without deletions: [0]:[0] found (strict 1/2); [1]:[1,2] linked by [1]:[1] (lax 2/2)
    assert!(close(&json["recall_strict"], 0.5), "{json}");
    assert!(close(&json["recall_lax"], 1.0), "{json}");
    assert!(close(&json["f1_lax"], 2.0 * 0.75 / 1.75), "{json}");
}

#[test]
fn eval_refuses_a_malformed_bead_file() {
    let env = Env::new();
    let gold = env.write("gold.txt", "[0]:[0]\n[1]-[1]\n");
    env.fails(
        &[
            "eval",
            "--gold",
            gold.to_str().unwrap(),
            "--pred",
            gold.to_str().unwrap(),
        ],
        1,
        "gold.txt:2:1: expected a bead",
    );
}

/// Folders of a few development documents, linked into a scratch dir.
fn dev_subset(env: &Env, variant: &str, docs: &[&str]) -> Option<PathBuf> {
    let source = Path::new(SHARED).join("devdata").join(variant);
    if !source.is_dir() {
        eprintln!("skipped: {} is missing", source.display());
        return None;
    }
    let dir = env.path(variant);
    for doc in docs {
        let to = dir.join(doc);
        std::fs::create_dir_all(&to).unwrap();
        for file in ["ar.txt", "en.txt", "gold.txt", "ar_para.txt"] {
            std::fs::copy(source.join(doc).join(file), to.join(file)).unwrap();
        }
    }
    Some(dir)
}

fn python() -> bool {
    std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `bitext eval --dir` agrees with the reference scorer, `../shared/devdata/score.py`, to four
/// decimals, on beads and (for --unsplit) on text pairs.
#[test]
fn eval_agrees_with_the_reference_scorer() {
    let env = Env::new();
    if !python() {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let docs = ["doc041", "doc047", "doc052", "doc058"];
    for (variant, unsplit) in [("hard", false), ("clean", true)] {
        let Some(dir) = dev_subset(&env, variant, &docs) else {
            return;
        };
        let pred = env.path(&format!("pred-{variant}"));
        let mut args = vec![
            "eval",
            "--dir",
            dir.to_str().unwrap(),
            "--write-pred",
            pred.to_str().unwrap(),
            "--json",
        ];
        if unsplit {
            args.push("--unsplit");
        }
        let ours = env.json(&args);
        let theirs_path = env.path(&format!("{variant}.json"));
        let status = std::process::Command::new("python3")
            .arg(Path::new(SHARED).join("devdata/score.py"))
            .arg("--gold-dir")
            .arg(&dir)
            .arg("--pred-dir")
            .arg(&pred)
            .arg("--json")
            .arg(&theirs_path)
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        let theirs: Value =
            serde_json::from_str(&std::fs::read_to_string(&theirs_path).unwrap()).unwrap();
        for key in [
            "precision_strict",
            "recall_strict",
            "f1_strict",
            "precision_lax",
            "recall_lax",
            "f1_lax",
        ] {
            let (a, b) = (ours[key].as_f64().unwrap(), theirs[key].as_f64().unwrap());
            assert!(
                (a - b).abs() < 5e-5,
                "{variant} {key}: bitext {a} vs score.py {b}"
            );
        }
    }
}

#[test]
fn eval_dir_prints_a_table_per_document() {
    let env = Env::new();
    let Some(dir) = dev_subset(&env, "hard", &["doc003", "doc010"]) else {
        return;
    };
    env.bitext()
        .args(["eval", "--dir"])
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("doc003"))
        .stdout(predicate::str::contains("doc010"))
        .stdout(predicate::str::contains("F1"));
}

// ---------------------------------------------------------------------------------------
// help

#[test]
fn every_command_explains_itself() {
    let env = Env::new();
    for command in ["segment", "align", "list", "show", "eval"] {
        env.bitext()
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: bitext"));
    }
    env.fails(&["frobnicate"], 2, "frobnicate");
}

#[test]
fn align_takes_a_bilingual_word_list() {
    let env = Env::new();
    let dictionary = env.write(
        "words.tsv",
        "# Arabic<TAB>English\nالحكومة\tgovernment\nالوقود\tfuel\r\nالاحتجاجات\tprotests\n",
    );
    let out = env
        .bitext()
        .args(["align", "--no-store", "--format", "beads", "--dictionary"])
        .arg(&dictionary)
        .arg(ar())
        .arg(en())
        .assert()
        .success();
    let gold = std::fs::read_to_string(Path::new(CORPUS).join("gold.txt")).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.get_output().stdout), gold);

    let broken = env.write("broken.tsv", "الحكومة\tgovernment\nالوقود fuel\n");
    env.fails(
        &[
            "align",
            "--no-store",
            "--dictionary",
            broken.to_str().unwrap(),
            ar().to_str().unwrap(),
            en().to_str().unwrap(),
        ],
        1,
        "broken.tsv:2:1: expected source<TAB>target",
    );
}

#[test]
fn the_lexical_model_learns_from_the_memory() {
    let env = Env::new();
    let made_up = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/made-up");
    let split = |env: &Env, store: bool| {
        let mut cmd = env.bitext();
        // whole sentences: the test is about which sentences the model groups
        cmd.args(["align", "--lines", "--no-split", "--format", "beads"]);
        if !store {
            cmd.arg("--no-store");
        }
        let out = cmd
            .arg(made_up.join("split.ar.txt"))
            .arg(made_up.join("split.en.txt"))
            .assert()
            .success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let right = "[0]:[0]\n[1]:[1,2]\n[2]:[3]\n[3]:[4]\n";
    // four sentences teach the model nothing: length decides, wrongly
    assert_ne!(split(&env, false), right);
    // a memory holding 200 translated pairs of the same vocabulary teaches it the words
    env.bitext()
        .args(["align", "--lines"])
        .arg(made_up.join("train.ar.txt"))
        .arg(made_up.join("train.en.txt"))
        .assert()
        .success();
    assert_eq!(split(&env, true), right);
}

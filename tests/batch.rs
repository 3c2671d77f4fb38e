//! `bitext align --batch LIST` and `--batch-dir DIR`: many document pairs at once, each stored
//! in its own transaction, failures reported without stopping the others.

mod common;

use std::path::{Path, PathBuf};

use common::{CORPUS, bitext, one_line_error};
use serde_json::Value;
use tempfile::TempDir;

const MADE_UP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/made-up");

/// A scratch folder with a memory in it.
struct Env {
    dir: TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: TempDir::new().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn bitext(&self) -> assert_cmd::Command {
        bitext(self.dir.path(), &self.path("tm.db"))
    }

    /// The names of the stored documents, by `list --json`.
    fn documents(&self) -> Vec<String> {
        let out = self.bitext().args(["list", "--json"]).output().unwrap();
        assert!(out.status.success(), "{out:?}");
        let units: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut names: Vec<String> = units
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["document"].as_str().unwrap().to_string())
            .collect();
        names.dedup();
        names
    }
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// A list of three pairs: the article (named by its folder), the article again (named in the
/// list), and a pair whose source file is missing (named by its folder, relative to the list's).
fn three_pairs(env: &Env) -> PathBuf {
    env.write(
        "lists/three.tsv",
        &format!(
            "# source\ttarget\tname\n\
             {CORPUS}/ar.txt\t{CORPUS}/en.txt\n\
             \n\
             {CORPUS}/ar.txt\t{CORPUS}/en.txt\tagain\n\
             missing/ar.txt\tmissing/en.txt\n"
        ),
    )
}

#[test]
fn a_list_of_three_pairs_with_one_missing_stores_two_and_reports_the_third() {
    let env = Env::new();
    let list = three_pairs(&env);
    let out = env
        .bitext()
        .args(["align", "--batch"])
        .arg(&list)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        stdout(&out),
        "stored 'kazakhstan-2022': 20 units (2 with a score under 0.5)\n\
         stored 'again': 20 units (2 with a score under 0.5)\n"
    );
    // the failure names the document and the file (relative to the list's folder); the
    // summary comes last
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with("bitext: missing: cannot read ")
            && lines[0].ends_with("lists/missing/ar.txt: no such file or directory"),
        "{err}"
    );
    assert!(
        lines[1].starts_with("bitext: stored 2 documents in ")
            && lines[1].contains(", 1 of 3 failed ("),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    assert_eq!(env.documents(), ["kazakhstan-2022", "again"]);

    // again: the two stored names are taken now, and the missing file is still missing
    let out = env
        .bitext()
        .args(["align", "--batch"])
        .arg(&list)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(
        err.contains(
            "bitext: kazakhstan-2022: a document named 'kazakhstan-2022' is already in the memory"
        ),
        "{err}"
    );
    assert!(err.contains("stored 0 documents in"), "{err}");
    assert_eq!(env.documents(), ["kazakhstan-2022", "again"]);
}

#[test]
fn json_reports_every_document_with_its_status() {
    let env = Env::new();
    let list = three_pairs(&env);
    let out = env
        .bitext()
        .args(["align", "--json", "--batch"])
        .arg(&list)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["stored"].as_u64(), report["failed"].as_u64()),
        (Some(2), Some(1))
    );
    let docs = report["documents"].as_array().unwrap();
    let fields = |d: &Value| {
        (
            d["name"].as_str().unwrap().to_string(),
            d["units"].as_u64(),
            d["weak"].as_u64(),
            d["status"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(
        docs.iter().map(fields).collect::<Vec<_>>(),
        [
            ("kazakhstan-2022".into(), Some(20), Some(2), "stored".into()),
            ("again".into(), Some(20), Some(2), "stored".into()),
            ("missing".into(), None, None, "failed".into()),
        ]
    );
    assert!(docs[0]["error"].is_null());
    assert!(
        docs[2]["error"]
            .as_str()
            .unwrap()
            .contains("no such file or directory"),
        "{}",
        docs[2]
    );
    assert!(
        docs[2]["source"]
            .as_str()
            .unwrap()
            .ends_with("missing/ar.txt")
    );
    // with --no-store the beads come too, and nothing is stored
    let out = env
        .bitext()
        .args(["align", "--json", "--no-store", "--batch"])
        .arg(&list)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let beads = report["documents"][0]["beads"].as_array().unwrap();
    // Arabic sentence 3 comes as two parts, each with its English sentence
    assert_eq!(beads.len(), 20);
    assert_eq!(beads[3]["target"], serde_json::json!([3]));
    assert_eq!(beads[4]["source"], serde_json::json!([4]));
    assert_eq!(report["documents"][0]["status"], "aligned");
    assert_eq!(env.documents(), ["kazakhstan-2022", "again"]);
}

/// A folder of document folders (one sentence a line): `ar.txt` and `en.txt` in each, two of
/// them bad, and one folder without `en.txt`.
fn folder(env: &Env) -> PathBuf {
    let made_up = |f: &str| std::fs::read_to_string(Path::new(MADE_UP).join(f)).unwrap();
    env.write("docs/b-train/ar.txt", &made_up("train.ar.txt"));
    env.write("docs/b-train/en.txt", &made_up("train.en.txt"));
    env.write("docs/a-split/ar.txt", &made_up("split.ar.txt"));
    env.write("docs/a-split/en.txt", &made_up("split.en.txt"));
    env.write("docs/c-empty/ar.txt", " \n");
    env.write("docs/c-empty/en.txt", "Nothing.\n");
    env.write("docs/d-latin1/ar.txt", "\u{627}.\n");
    std::fs::write(env.path("docs/d-latin1/en.txt"), b"caf\xe9.\n").unwrap();
    env.write("docs/e-half/ar.txt", "نص.\n");
    env.path("docs")
}

#[test]
fn a_batch_dir_aligns_every_folder_and_reports_bad_texts() {
    let env = Env::new();
    let dir = folder(&env);
    let out = env
        .bitext()
        .args(["align", "--lines", "--no-split", "--batch-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        stdout(&out),
        "stored 'a-split': 4 units (0 with a score under 0.5)\n\
         stored 'b-train': 200 units (0 with a score under 0.5)\n"
    );
    let err = stderr(&out);
    assert!(
        err.contains("bitext: c-empty: ") && err.contains("is empty"),
        "{err}"
    );
    assert!(
        err.contains("bitext: d-latin1: ") && err.contains("not valid UTF-8"),
        "{err}"
    );
    // e-half has no en.txt: it is not a document folder
    assert!(!err.contains("e-half"), "{err}");
    assert!(
        err.ends_with("2 of 4 failed") || err.contains(", 2 of 4 failed ("),
        "{err}"
    );
    assert_eq!(env.documents(), ["a-split", "b-train"]);

    // a folder without document folders is refused
    let out = env
        .bitext()
        .args(["align", "--batch-dir"])
        .arg(dir.join("a-split"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    one_line_error(&out, &["a-split holds no folders with ar.txt and en.txt"]);
}

#[test]
fn one_word_model_learns_from_the_whole_batch() {
    // split.* alone cannot be aligned right: its four sentences teach the word model nothing
    // and length reads Arabic 1 the wrong way round; in a batch with the 200 pairs of
    // train.*, the batch's one word model gets it right
    let env = Env::new();
    let right = "[0]:[0]\n[1]:[1,2]\n[2]:[3]\n[3]:[4]\n";
    let alone = env
        .bitext()
        .args([
            "align",
            "--lines",
            "--no-split",
            "--no-store",
            "--format",
            "beads",
        ])
        .arg(Path::new(MADE_UP).join("split.ar.txt"))
        .arg(Path::new(MADE_UP).join("split.en.txt"))
        .output()
        .unwrap();
    assert_ne!(stdout(&alone), right);
    let list = env.write(
        "list.tsv",
        &format!(
            "{MADE_UP}/train.ar.txt\t{MADE_UP}/train.en.txt\ttrain\n\
             {MADE_UP}/split.ar.txt\t{MADE_UP}/split.en.txt\tsplit\n"
        ),
    );
    let pred = env.path("pred");
    let out = env
        .bitext()
        .args(["align", "--lines", "--no-split", "--no-store", "--batch"])
        .arg(&list)
        .arg("--write-pred")
        .arg(&pred)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(text.starts_with("# train\n[0]:[0]\n"), "{text}");
    assert!(text.ends_with(&format!("# split\n{right}")), "{text}");
    assert_eq!(
        std::fs::read_to_string(pred.join("split.align")).unwrap(),
        right
    );
    assert!(pred.join("train.align").is_file());
    assert!(
        stderr(&out).starts_with("aligned 2 documents: 204 units"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_lists_and_options_are_refused_before_any_work() {
    let env = Env::new();
    let cases: [(&[&str], &str); 3] = [
        (&["--batch", "nowhere.tsv"], "cannot read nowhere.tsv"),
        (
            &["--batch", "broken.tsv"],
            "broken.tsv:2:1: expected source<TAB>target",
        ),
        (
            &["--batch", "comments.tsv"],
            "comments.tsv lists no document pairs",
        ),
    ];
    env.write("broken.tsv", "a.txt\tb.txt\nonly-one-field\n");
    env.write("comments.tsv", "# nothing here\n\n");
    for (args, message) in cases {
        let out = env.bitext().arg("align").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        one_line_error(&out, &[message]);
    }
    // usage: a batch takes no source and target, and --write-pred needs a batch
    for args in [
        &["--batch", "x.tsv", "a.txt", "b.txt"][..],
        &["--write-pred", "p", "a.txt", "b.txt"][..],
        &[][..],
    ] {
        let out = env.bitext().arg("align").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        one_line_error(&out, &[]);
    }
    assert!(!env.path("tm.db").exists());
}

#[test]
fn names_used_twice_in_a_batch_fail_the_second_time() {
    let env = Env::new();
    let list = env.write(
        "list.tsv",
        &format!(
            "{CORPUS}/ar.txt\t{CORPUS}/en.txt\tsame\n\
             {MADE_UP}/split.ar.txt\t{MADE_UP}/split.en.txt\tsame\n"
        ),
    );
    let out = env
        .bitext()
        .args(["align", "--batch"])
        .arg(&list)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "bitext: same: the name 'same' is already used by an earlier document of the batch"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.documents(), ["same"]);
}

#[test]
fn write_pred_gives_the_sentences_as_read_where_a_sentence_was_split() {
    // stored, the article's Arabic sentences 3 and 16 are two parts each; for score.py the
    // predictions are in the sentences of the text as read: 18 beads, two of them 1-2
    let env = Env::new();
    let list = env.write(
        "one.tsv",
        &format!("{CORPUS}/ar.txt\t{CORPUS}/en.txt\tarticle\n"),
    );
    let pred = env.path("pred");
    let out = env
        .bitext()
        .args(["align", "--no-store", "--batch"])
        .arg(&list)
        .arg("--write-pred")
        .arg(&pred)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    // standard output has the parts, as the memory would store them
    assert!(
        stdout(&out).contains("[3]:[3]\n[4]:[4]\n"),
        "{}",
        stdout(&out)
    );
    // one document: the summary says so in the singular
    assert!(
        stderr(&out).starts_with("aligned 1 document: 20 units"),
        "{}",
        stderr(&out)
    );
    let written = std::fs::read_to_string(pred.join("article.align")).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines.len(), 18, "{written}");
    assert_eq!(lines[3], "[3]:[3,4]");
    assert_eq!(lines[16], "[16]:[17,18]");
}

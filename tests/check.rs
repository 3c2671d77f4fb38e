//! `bitext check`: what it finds in the shipped article after a translator's slips, how it
//! prints them (text, JSON, exit codes), the marks of `show`, `list` and `align`, bad input, and
//! its figures on the QA development set of `../shared/devdata/qa`.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

use common::CORPUS;

/// A scratch memory holding the aligned article.
struct Tm {
    dir: TempDir,
}

impl Tm {
    fn new() -> Tm {
        let tm = Tm {
            dir: TempDir::new().unwrap(),
        };
        tm.bitext()
            .args(["align", "--no-split"])
            .arg(Path::new(CORPUS).join("ar.txt"))
            .arg(Path::new(CORPUS).join("en.txt"))
            .assert()
            .success();
        tm
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("tm.db")
    }

    fn bitext(&self) -> Command {
        common::bitext(self.dir.path(), &self.db())
    }

    fn stdout(&self, args: &[&str]) -> String {
        let out = self.bitext().args(args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.stdout(args)).unwrap()
    }

    /// The unit's text on one side.
    fn text(&self, id: i64, side: &str) -> String {
        self.json(&["show", &id.to_string(), "--json"])[side]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Replaces the target of a unit.
    fn set_target(&self, id: i64, target: &str) {
        self.bitext()
            .args(["edit", &id.to_string(), "--target", target])
            .assert()
            .success();
    }

    /// Three slips: a number changed (#6: 26 → 29), a target left in Arabic (#9), a target
    /// cut after a third of its words (#12: "The airport had fallen into the hands of.").
    fn with_slips(self) -> Tm {
        let six = self.text(6, "target").replace("26", "29");
        self.set_target(6, &six);
        let nine = self.text(9, "source");
        self.set_target(9, &nine);
        let twelve = self.text(12, "target");
        let words: Vec<&str> = twelve.split(' ').collect();
        self.set_target(12, &format!("{}.", words[..words.len() / 3].join(" ")));
        self
    }
}

/// The findings of `check --json` as (id, kind, severity).
fn kinds(findings: &Value) -> Vec<(i64, String, String)> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_i64().unwrap(),
                f["kind"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_article_as_translated_has_no_findings() {
    let tm = Tm::new();
    assert_eq!(tm.json(&["check", "--json"]), Value::Array(vec![]));
    tm.bitext()
        .args(["check", "--fail-on", "warning"])
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "18 pair(s) checked, 0 with findings",
        ));
}

#[test]
fn a_changed_number_an_untranslated_target_and_an_empty_one_are_found() {
    let tm = Tm::new().with_slips();
    let findings = tm.json(&["check", "--json"]);
    assert_eq!(
        kinds(&findings),
        [
            (6, "number_mismatch".into(), "error".into()),
            (9, "untranslated".into(), "error".into()),
            (12, "omission".into(), "warning".into()),
        ]
    );
    // every finding has the documented fields; spans are byte offsets into the pair's texts
    let f = &findings[0];
    for field in [
        "id",
        "document",
        "kind",
        "severity",
        "message",
        "source_spans",
        "target_spans",
    ] {
        assert!(f.get(field).is_some(), "{field} missing from {f}");
    }
    assert_eq!(f["document"], "kazakhstan-2022");
    let span = |side: &str| -> (usize, usize) {
        let s = &f[format!("{side}_spans")][0];
        (
            s[0].as_u64().unwrap() as usize,
            s[1].as_u64().unwrap() as usize,
        )
    };
    let (a, b) = span("source");
    assert_eq!(&tm.text(6, "source")[a..b], "26");
    let (a, b) = span("target");
    assert_eq!(&tm.text(6, "target")[a..b], "29");
}

#[test]
fn findings_are_grouped_by_pair_with_what_they_are_about_in_brackets() {
    let tm = Tm::new().with_slips();
    let out = tm.stdout(&["check"]);
    assert!(out.starts_with("#6  kazakhstan-2022"), "{out}");
    assert!(out.contains("[26]") && out.contains("[29]"), "{out}");
    assert!(
        out.contains(
            "error   number_mismatch: the numbers differ: '26' in the source, '29' in the target"
        ),
        "{out}"
    );
    assert!(out.contains("error   untranslated: the target is written in the Arabic script"));
    assert!(out.contains("warning omission: the target is shorter than its source suggests"));
    // pairs without findings are not printed
    assert!(!out.contains("#5  "), "{out}");
}

#[test]
fn kind_and_severity_filters_and_the_exit_code_of_fail_on() {
    let tm = Tm::new().with_slips();
    let only = tm.json(&[
        "check",
        "--json",
        "--kind",
        "omission",
        "--kind",
        "untranslated",
    ]);
    let ids: Vec<i64> = kinds(&only).iter().map(|k| k.0).collect();
    assert_eq!(ids, [9, 12]);
    let errors = tm.json(&["check", "--json", "--min-severity", "error"]);
    assert_eq!(kinds(&errors).len(), 2);
    let out = tm
        .bitext()
        .args(["check", "--fail-on", "error"])
        .assert()
        .code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("bitext: 2 finding(s) at error or above"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
    // the findings are printed all the same
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("#6  "));
    // a filter that leaves only warnings does not fail at error
    tm.bitext()
        .args(["check", "--fail-on", "error", "--kind", "omission"])
        .assert()
        .success();
    tm.bitext()
        .args(["check", "--fail-on", "warning", "--kind", "omission"])
        .assert()
        .code(1);
}

#[test]
fn document_and_status_select_the_pairs_checked() {
    let tm = Tm::new().with_slips();
    tm.bitext()
        .args(["edit", "6", "--status", "approved"])
        .assert()
        .success();
    let approved = tm.json(&["check", "--json", "--status", "approved"]);
    assert_eq!(
        kinds(&approved),
        [(6, "number_mismatch".into(), "error".into())]
    );
    let doc = tm.json(&["check", "--json", "--document", "kazakhstan-2022"]);
    assert_eq!(kinds(&doc).len(), 3);
}

#[test]
fn show_list_and_align_mark_what_the_checks_found() {
    let tm = Tm::new().with_slips();
    let show = tm.stdout(&["show", "6"]);
    assert!(show.contains("[29]"), "{show}");
    assert!(show.contains("error   number_mismatch"), "{show}");
    let clean = tm.stdout(&["show", "5"]);
    assert!(
        !clean
            .lines()
            .any(|l| l.starts_with("  error") || l.starts_with("  warning")),
        "{clean}"
    );
    assert!(!clean.contains('['), "{clean}");
    let list = tm.stdout(&["list"]);
    assert!(list.contains("! error: number_mismatch"), "{list}");
    assert!(list.contains("! warning: omission"), "{list}");
    assert_eq!(list.matches("  ! ").count(), 3, "{list}");
    // align ends with a line counting the new document's findings
    let out = tm
        .bitext()
        .args(["align", "--no-split", "--replace", "--name", "again"])
        .arg(Path::new(CORPUS).join("ar.txt"))
        .arg(Path::new(CORPUS).join("en.txt"))
        .assert()
        .success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("checked 'again': 3 finding(s): 0 error(s), 3 warning(s), 0 info"),
        "{stderr}"
    );
    // the same sentences as #6, #9 and #12, translated otherwise: inconsistent
    let again = tm.json(&["check", "--json", "--document", "again"]);
    let messages: Vec<&str> = again
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "inconsistent")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "the same source has another translation in #6",
            "the same source has another translation in #9",
            "the same source has another translation in #12"
        ]
    );
}

#[test]
fn a_pair_with_an_empty_side_is_empty_and_nothing_else() {
    let tm = Tm::new();
    let file = tm.dir.path().join("empty.jsonl");
    std::fs::write(
        &file,
        "{\"source\":\"قال الرئيس\",\"target\":\"\"}\n{\"source\":\"\",\"target\":\"He said.\"}\n",
    )
    .unwrap();
    tm.bitext().arg("import").arg(&file).assert().success();
    let found = tm.json(&["check", "--json"]);
    assert_eq!(
        kinds(&found),
        [
            (19, "empty".into(), "warning".into()),
            (20, "empty".into(), "warning".into()),
        ]
    );
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("the target is empty")
    );
}

#[test]
fn bad_input_gets_one_line() {
    let tm = Tm::new();
    let out = tm
        .bitext()
        .args(["check", "--document", "nope"])
        .assert()
        .code(1);
    common::one_line_error(out.get_output(), &["no document named 'nope'"]);
    let out = tm
        .bitext()
        .args(["check", "--kind", "spelling"])
        .assert()
        .code(2);
    common::one_line_error(out.get_output(), &["unknown kind of finding 'spelling'"]);
    let out = tm
        .bitext()
        .args(["check", "--fail-on", "fatal"])
        .assert()
        .code(2);
    common::one_line_error(out.get_output(), &["unknown severity 'fatal'"]);
    let dir = TempDir::new().unwrap();
    let out = common::bitext(dir.path(), &dir.path().join("missing.db"))
        .arg("check")
        .assert()
        .code(1);
    common::one_line_error(out.get_output(), &["no translation memory"]);
    assert!(!dir.path().join("missing.db").exists());
}

/// The QA development set: pairs with known injected errors (see ../shared/devdata/qa).
fn qa_set() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/devdata/qa");
    if dir.join("pairs.jsonl").exists() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/devdata/qa is not there");
        None
    }
}

#[test]
fn the_development_part_of_the_qa_set_meets_the_targets() {
    // the figures of the README's table for qa-doc000…qa-doc039, as score_qa.py counts them
    let Some(qa) = qa_set() else { return };
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("qa.db");
    common::bitext(dir.path(), &db)
        .arg("import")
        .arg(qa.join("pairs.jsonl"))
        .assert()
        .success();
    let out = common::bitext(dir.path(), &db)
        .args(["check", "--json"])
        .assert()
        .success();
    let findings: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let labels: HashMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(qa.join("labels.json")).unwrap()).unwrap();
    let mut flagged: HashMap<String, HashSet<String>> = HashMap::new();
    for f in findings.as_array().unwrap() {
        if f["severity"] != "info" {
            flagged
                .entry(f["id"].to_string())
                .or_default()
                .insert(f["kind"].as_str().unwrap().to_string());
        }
    }
    let development: Vec<(String, String)> = std::fs::read_to_string(qa.join("pairs.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|p| p["document"].as_str().unwrap() < "qa-doc040")
        .map(|p| {
            (
                p["id"].to_string(),
                p["document"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let recall = |kind: &str| {
        let damaged: Vec<&String> = development
            .iter()
            .map(|(id, _)| id)
            .filter(|id| labels.get(*id).is_some_and(|k| k == kind))
            .collect();
        let found = damaged
            .iter()
            .filter(|id| flagged.contains_key(**id))
            .count();
        found as f64 / damaged.len() as f64
    };
    for (kind, target) in [
        ("number_mismatch", 0.95),
        ("untranslated", 0.98),
        ("omission", 0.85),
        ("misaligned", 0.85),
        // 0.70 on this part; lower on other sets built the same way: see the README
        ("name_mismatch", 0.65),
    ] {
        let r = recall(kind);
        assert!(r >= target, "recall of {kind}: {r:.3} < {target}");
    }
    let clean: Vec<&String> = development
        .iter()
        .map(|(id, _)| id)
        .filter(|id| !labels.contains_key(*id))
        .collect();
    let false_alarms = clean.iter().filter(|id| flagged.contains_key(**id)).count();
    let rate = false_alarms as f64 / clean.len() as f64;
    assert!(rate <= 0.03, "clean pairs flagged: {rate:.3}");
}

#[test]
fn a_finding_is_marked_in_colour_on_a_colour_terminal_and_the_data_stays_escaped() {
    let tm = Tm::new().with_slips();
    // a control character in the data must still be shown escaped beside the colour
    let six = tm.text(6, "target").replace("29", "29\u{7}");
    tm.set_target(6, &six);
    for command in [
        vec!["check", "--color", "always"],
        vec!["show", "6", "--color", "always"],
    ] {
        let out = tm.stdout(&command);
        // the changed number is painted (bold, underlined, red), not printed as escape text
        assert!(
            out.contains("\u{1b}[1m\u{1b}[4m\u{1b}[31m29\u{1b}[0m"),
            "{command:?}: {out}"
        );
        assert!(!out.contains("\\u{1b}"), "{command:?}: {out}");
        assert!(
            out.contains("\\u{7}") && !out.contains('\u{7}'),
            "{command:?}: {out}"
        );
    }
    // without colour the same span is between brackets
    let plain = tm.stdout(&["show", "6", "--color", "never"]);
    assert!(
        plain.contains("[29]\\u{7}") || plain.contains("[29\\u{7}]"),
        "{plain}"
    );
}

#[test]
fn a_reader_that_stops_early_is_no_failure_for_json_either() {
    let tm = Tm::new();
    // findings enough to fill more than the output's buffer: targets left in Arabic
    let lines: Vec<String> = (0..300)
        .map(|k| {
            serde_json::json!({
                "document": "left",
                "position": k,
                "source": format!("قال الرجل إن البيت رقم {k} كبير"),
                "target": format!("قال الرجل إن البيت رقم {k} كبير"),
            })
            .to_string()
        })
        .collect();
    let file = tm.dir.path().join("left.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    tm.bitext().arg("import").arg(&file).assert().success();
    for args in [vec!["check", "--json"], vec!["check"]] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("bitext"))
            .arg("--db")
            .arg(tm.db())
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // the reader goes away before anything is written (`bitext check --json | head -0`)
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert!(!stderr.contains("broken pipe"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_bidi_override_in_a_text_cannot_reorder_the_other_column() {
    let tm = Tm::new();
    let six = tm.text(6, "target");
    tm.set_target(6, &format!("\u{202E}{six}"));
    for command in [
        vec!["show", "6"],
        vec!["list", "--document", "kazakhstan-2022"],
    ] {
        let out = tm.stdout(&command);
        assert!(out.contains("\\u{202e}"), "{command:?}: {out}");
        assert!(!out.contains('\u{202E}'), "{command:?}: {out}");
    }
    // stored as given
    assert!(tm.text(6, "target").starts_with('\u{202E}'));
}

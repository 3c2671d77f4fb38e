//! The translator's commands on the shipped article: lookup, concordance, edit, split, merge,
//! delete, history and undo — what each prints, and how each refuses bad input (one line on
//! standard error, a non-zero exit, and the memory unchanged).

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

use common::CORPUS;

/// The third sentence of the article, as stored (unit #3).
const SENTENCE: &str = "وقال توقاييف إن \"200 ألف من رجال العصابات\" كانوا قد هاجموا ألماتي - التي تمثل مركزًا لمظاهرات احتجاجية على ارتفاع أسعار الوقود.";

/// A scratch folder with a memory holding the aligned article.
struct Tm {
    dir: TempDir,
}

impl Tm {
    fn new() -> Tm {
        let tm = Tm {
            dir: TempDir::new().unwrap(),
        };
        // whole sentences, so that unit #4 is the article's 1-2 pair (3 → 3-4)
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
        let out = self.bitext().args(args).assert().success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    }

    /// Runs a command that must fail with exit `code`, one line on stderr containing `needle`,
    /// and no change to the units or the history.
    fn fails(&self, args: &[&str], code: i32, needle: &str) {
        let before = self.state();
        let out = self.bitext().args(args).assert().code(code);
        common::one_line_error(out.get_output(), &[needle]);
        assert!(out.get_output().stdout.is_empty());
        assert_eq!(self.state(), before, "{args:?} changed the memory");
    }

    /// Every unit and every change, to check that nothing changed.
    fn state(&self) -> (Value, Value) {
        (
            self.json(&["list", "--json"]),
            self.json(&["history", "--json"]),
        )
    }

    fn unit(&self, id: i64) -> Value {
        self.json(&["show", &id.to_string(), "--json"])
    }
}

// ---------------------------------------------------------------------------------------
// lookup

#[test]
fn lookup_finds_a_stored_sentence_at_100_with_its_translation() {
    let tm = Tm::new();
    let matches = tm.json(&["lookup", SENTENCE, "--json"]);
    let best = &matches[0];
    assert_eq!(best["id"], 3);
    assert_eq!(best["score"], 100);
    assert_eq!(best["normalised"], false);
    assert_eq!(best["matched"], "source");
    assert_eq!(best["document"], "kazakhstan-2022");
    assert_eq!(best["status"], "draft");
    assert_eq!(best["source"], SENTENCE);
    assert!(
        best["target"]
            .as_str()
            .unwrap()
            .starts_with("Tokayev said that \"200,000 bandits\"")
    );
    assert_eq!(best["only_in_text"], serde_json::json!([]));
}

#[test]
fn lookup_reports_a_normalised_match_at_99() {
    let tm = Tm::new();
    let respelt = SENTENCE
        .replace("ألف", "الف")
        .replace("200", "٢٠٠")
        .replace("مركزًا", "مركزا")
        .replace('"', "«");
    let matches = tm.json(&["lookup", &respelt, "--json"]);
    assert_eq!(matches[0]["score"], 99);
    assert_eq!(matches[0]["normalised"], true);
    let text = tm.stdout(&["lookup", &respelt]);
    assert!(
        text.starts_with("#3  kazakhstan-2022  99% normalised  draft\n"),
        "{text}"
    );
}

#[test]
fn lookup_shows_the_words_that_differ() {
    let tm = Tm::new();
    let changed = SENTENCE.replace("الوقود", "الغاز").replace(" قد", "");
    let matches = tm.json(&["lookup", &changed, "--json"]);
    assert_eq!(matches[0]["score"], 90);
    assert_eq!(matches[0]["only_in_text"], serde_json::json!(["الغاز"]));
    assert_eq!(
        matches[0]["only_in_match"],
        serde_json::json!(["قد", "الوقود"])
    );
    let text = tm.stdout(&["lookup", &changed]);
    assert!(text.contains("  not in the match: الغاز\n"), "{text}");
    assert!(text.contains("  only in the match: قد الوقود\n"), "{text}");
    // in colour, the words are highlighted in the match
    let coloured = tm.stdout(&["lookup", &changed, "--color", "always"]);
    assert!(
        coloured.contains("\u{1b}[1m\u{1b}[4m\u{1b}[31mالوقود"),
        "{coloured}"
    );
}

#[test]
fn lookup_looks_at_the_side_in_the_language_of_the_text() {
    let tm = Tm::new();
    let english = "Tokayev said that 200,000 bandits had attacked Almaty, the centre of protests against rising fuel prices.";
    let matches = tm.json(&["lookup", english, "--json"]);
    assert_eq!(matches[0]["matched"], "target");
    assert_eq!(matches[0]["id"], 3);
    assert_eq!(matches[0]["score"], 84); // 3 of 19 words differ (200,000 is one word)
    // told it is Arabic, the English text finds nothing on the Arabic side
    let none = tm.json(&["lookup", english, "--lang", "ar", "--json"]);
    assert_eq!(none, serde_json::json!([]));
}

#[test]
fn lookup_options_filter_and_limit() {
    let tm = Tm::new();
    let text = "قال توقاييف إن قوات الأمن في كل أنحاء البلاد";
    let strict = tm.json(&["lookup", text, "--json"]);
    assert_eq!(strict, serde_json::json!([]));
    let loose = tm.json(&["lookup", text, "--min", "20", "--limit", "2", "--json"]);
    let loose = loose.as_array().unwrap();
    assert_eq!(loose.len(), 2);
    assert!(loose[0]["score"].as_u64() >= loose[1]["score"].as_u64());
    assert!(loose.iter().all(|m| m["score"].as_u64().unwrap() >= 20));
    let in_doc = tm.json(&[
        "lookup",
        SENTENCE,
        "--document",
        "kazakhstan-2022",
        "--json",
    ]);
    assert_eq!(in_doc[0]["score"], 100);
    // nothing found is not an error
    let out = tm.bitext().args(["lookup", text]).assert().success();
    assert!(out.get_output().stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stderr),
        "no match of 70% or more\n"
    );
}

#[test]
fn lookup_reads_standard_input() {
    let tm = Tm::new();
    let out = tm
        .bitext()
        .args(["lookup", "-", "--json"])
        .write_stdin(format!("{SENTENCE}\n"))
        .assert()
        .success();
    let matches: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(matches[0]["score"], 100);
}

#[test]
fn lookup_refuses_bad_input() {
    let tm = Tm::new();
    tm.fails(&["lookup", " ؟ ! "], 1, "nothing to look up");
    tm.fails(
        &["lookup", SENTENCE, "--document", "nope"],
        1,
        "no document named 'nope'",
    );
    tm.fails(&["lookup", SENTENCE, "--min", "101"], 2, "--min");
    tm.fails(&["lookup", SENTENCE, "--limit", "0"], 2, "--limit");
    tm.fails(
        &["lookup", SENTENCE, "--lang", "fr"],
        2,
        "unknown language 'fr'",
    );
    let out = Command::cargo_bin("bitext")
        .unwrap()
        .current_dir(tm.dir.path())
        .args(["--db", "missing.db", "lookup", SENTENCE])
        .assert()
        .code(1);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("no translation memory"));
}

#[test]
fn lookup_help_gives_the_formula() {
    let tm = Tm::new();
    let help = tm.stdout(&["lookup", "--help"]);
    assert!(
        help.contains("score = round(100 × (1 − d / max(n, m)))"),
        "{help}"
    );
    assert!(help.contains("normalised"));
}

// ---------------------------------------------------------------------------------------
// concordance

#[test]
fn concordance_finds_a_word_behind_its_clitics() {
    let tm = Tm::new();
    let hits = tm.json(&["concordance", "قال", "--json"]);
    let hits = hits.as_array().unwrap();
    let words: Vec<&str> = hits
        .iter()
        .flat_map(|h| h["occurrences"].as_array().unwrap())
        .map(|o| o["text"].as_str().unwrap())
        .collect();
    assert!(
        words.contains(&"قال") && words.contains(&"وقال"),
        "{words:?}"
    );
    // and its inflections (قالت, she said), but not other words with the letters (استقال)
    assert!(words.contains(&"وقالت"), "{words:?}");
    for h in hits {
        assert_eq!(h["matched"], "source");
        let source = h["source"].as_str().unwrap();
        let o = &h["occurrences"][0];
        let (start, end) = (o["start"].as_u64().unwrap(), o["end"].as_u64().unwrap());
        assert_eq!(&source[start as usize..end as usize], o["text"]);
        assert!(!h["target"].as_str().unwrap().is_empty());
    }
    let government = tm.json(&["concordance", "الحكومة", "--json"]);
    assert_eq!(government[0]["occurrences"][0]["text"], "للحكومة");
}

#[test]
fn concordance_shows_the_translation_beside_the_hit() {
    let tm = Tm::new();
    let text = tm.stdout(&["concordance", "سمع"]);
    assert!(text.starts_with("#2  kazakhstan-2022  draft\n"), "{text}");
    assert!(text.contains("سُمع"));
    assert!(text.contains("│ In the early hours of Friday"));
    let coloured = tm.stdout(&["concordance", "سمع", "--color", "always"]);
    assert!(coloured.contains("\u{1b}[33mسُمع"), "{coloured}");
}

#[test]
fn concordance_phrases_must_be_together_and_in_order() {
    let tm = Tm::new();
    let ids = |args: &[&str]| -> Vec<i64> {
        let mut all = vec!["concordance"];
        all.extend(args);
        all.push("--json");
        tm.json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_i64().unwrap())
            .collect()
    };
    let phrase = ids(&["قوات الأمن"]);
    assert_eq!(phrase, [1, 6, 12, 15]);
    assert!(ids(&["الأمن قوات"]).is_empty());
    assert!(ids(&["\"الأمن قوات\""]).is_empty());
    // separate words may be anywhere
    let words = ids(&["الأمن", "قوات"]);
    assert!(words.len() >= phrase.len());
    assert_eq!(ids(&["security forces"]), [1, 6, 12, 15]);
}

#[test]
fn concordance_finds_short_words_prefixes_and_english() {
    let tm = Tm::new();
    let short = tm.json(&["concordance", "في", "--limit", "100", "--json"]);
    assert!(short.as_array().unwrap().len() >= 10);
    let prefix = tm.json(&["concordance", "كازاخ*", "--json", "--limit", "100"]);
    let words: Vec<&str> = prefix
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|h| h["occurrences"].as_array().unwrap())
        .map(|o| o["text"].as_str().unwrap())
        .collect();
    assert!(
        words.contains(&"كازاخستان") && words.contains(&"الكازاخي"),
        "{words:?}"
    );
    let english = tm.json(&["concordance", "TOKAYEV", "--json", "--limit", "3"]);
    assert_eq!(english.as_array().unwrap().len(), 3);
    assert_eq!(english[0]["matched"], "target");
    assert_eq!(english[0]["occurrences"][0]["text"], "Tokayev");
}

#[test]
fn concordance_says_when_nothing_is_found_or_more_is_there() {
    let tm = Tm::new();
    let out = tm
        .bitext()
        .args(["concordance", "zebra"])
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stderr),
        "not found\n"
    );
    let out = tm
        .bitext()
        .args(["concordance", "في", "--limit", "2"])
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("--limit shows more"));
}

#[test]
fn concordance_refuses_bad_input() {
    let tm = Tm::new();
    tm.fails(&["concordance", "؟"], 1, "nothing to search for");
    tm.fails(
        &["concordance", "قال", "--document", "nope"],
        1,
        "no document named 'nope'",
    );
    tm.fails(&["concordance", "قال", "--limit", "0"], 2, "--limit");
    tm.fails(&["concordance"], 2, "QUERY");
}

// ---------------------------------------------------------------------------------------
// edit

#[test]
fn edit_corrects_a_pair_and_records_who_and_when() {
    let tm = Tm::new();
    let change = tm.json(&[
        "--user",
        "alice",
        "edit",
        "#5",
        "--target",
        "Tokayev promised the counter-terrorism operation would go on until the militants were wiped out.",
        "--status",
        "reviewed",
        "--note",
        "freer rendering",
        "--json",
    ]);
    // change 1 is the align that stored the article
    assert_eq!(change["id"], 2);
    assert_eq!(change["kind"], "edit");
    assert_eq!(change["user"], "alice");
    assert_eq!(change["summary"], "edit #5: target, status, note");
    assert_eq!(change["before"][0]["status"], "draft");
    assert_eq!(change["after"][0]["status"], "reviewed");
    let unit = tm.unit(5);
    assert_eq!(unit["status"], "reviewed");
    assert_eq!(unit["note"], "freer rendering");
    assert_eq!(unit["changed_by"], "alice");
    // the index follows the edit
    let hits = tm.json(&["concordance", "wiped", "--json"]);
    assert_eq!(hits[0]["id"], 5);
    // $USER names the translator when --user does not
    let text = tm.stdout(&["edit", "5", "--note", ""]);
    assert!(text.starts_with("change 3  "), "{text}");
    assert!(text.contains("  tester  edit #5: note\n"), "{text}");
    assert!(
        text.contains("  #5 note: \"freer rendering\" → (none)\n"),
        "{text}"
    );
    assert_eq!(tm.unit(5)["note"], Value::Null);
}

#[test]
fn edit_refuses_bad_input() {
    let tm = Tm::new();
    tm.fails(
        &["edit", "99", "--status", "reviewed"],
        1,
        "no unit with id 99",
    );
    tm.fails(&["edit", "5"], 1, "nothing to change");
    tm.fails(
        &["edit", "5", "--source", "  "],
        1,
        "--source cannot be empty",
    );
    tm.fails(
        &["edit", "5", "--status", "done"],
        2,
        "unknown status 'done'",
    );
    tm.fails(
        &["edit", "five", "--status", "reviewed"],
        2,
        "not a unit id",
    );
}

// ---------------------------------------------------------------------------------------
// split and merge

#[test]
fn split_makes_two_pairs_at_a_sentence_boundary() {
    let tm = Tm::new();
    // unit #4 is one Arabic sentence translated as two English ones
    assert_eq!(tm.unit(4)["target_sentences"], serde_json::json!([3, 4]));
    let change = tm.json(&[
        "split",
        "4",
        "--source-at",
        "1",
        "--target-at",
        "1",
        "--json",
    ]);
    assert_eq!(change["kind"], "split");
    let new = change["after"][1]["id"].as_i64().unwrap();
    assert_eq!(new, 19);
    let first = tm.unit(4);
    let second = tm.unit(new);
    assert_eq!(first["target_sentences"], serde_json::json!([3]));
    assert_eq!(second["source_sentences"], serde_json::json!([]));
    assert_eq!(second["target_sentences"], serde_json::json!([4]));
    assert_eq!(second["source"], "");
    assert!(
        second["target"]
            .as_str()
            .unwrap()
            .starts_with("In a statement after a meeting")
    );
    assert_eq!(second["position"], 4);
    assert_eq!(tm.unit(5)["position"], 5);
    // a 1-1 pair splits into 1-0 and 0-1
    let text = tm.stdout(&["split", "1", "--source-at", "1", "--target-at", "0"]);
    assert!(text.contains("split #1 into #1 and #20"), "{text}");
}

#[test]
fn split_refuses_bad_input() {
    let tm = Tm::new();
    tm.fails(
        &["split", "4", "--source-at", "2", "--target-at", "1"],
        1,
        "--source-at 2 is outside unit 4",
    );
    tm.fails(
        &["split", "4", "--source-at", "1", "--target-at", "3"],
        1,
        "its target has 2 sentences",
    );
    tm.fails(
        &["split", "4", "--source-at", "0", "--target-at", "0"],
        1,
        "would leave an empty unit",
    );
    tm.fails(
        &["split", "4", "--source-at", "1", "--target-at", "2"],
        1,
        "would leave an empty unit",
    );
    tm.fails(
        &["split", "99", "--source-at", "1", "--target-at", "1"],
        1,
        "no unit with id 99",
    );
    tm.fails(&["split", "4", "--source-at", "1"], 2, "--target-at");
    tm.fails(
        &["split", "4", "--source-at", "-1", "--target-at", "1"],
        2,
        "-1",
    );
}

#[test]
fn merge_joins_neighbours_into_the_first() {
    let tm = Tm::new();
    let change = tm.json(&["merge", "6", "5", "--json"]);
    assert_eq!(change["summary"], "merge #5 and #6 into #5");
    let merged = tm.unit(5);
    assert_eq!(merged["source_sentences"], serde_json::json!([4, 5]));
    assert_eq!(merged["target_sentences"], serde_json::json!([5, 6]));
    assert!(
        merged["source"]
            .as_str()
            .unwrap()
            .contains("المسلحين\". وقالت وزارة")
    );
    tm.fails(&["show", "6"], 1, "no unit with id 6");
    assert_eq!(tm.unit(7)["position"], 5);
}

#[test]
fn merge_refuses_bad_input() {
    let tm = Tm::new();
    tm.bitext()
        .args(["align", "--lines", "--name", "other", "-"])
        .arg(Path::new(CORPUS).join("en.txt"))
        .write_stdin("سطر أول\nسطر ثان\n")
        .assert()
        .success();
    tm.fails(&["merge", "5", "7"], 1, "units 5 and 7 are not neighbours");
    tm.fails(&["merge", "5", "5"], 1, "cannot merge unit 5 with itself");
    tm.fails(
        &["merge", "18", "19"],
        1,
        "in different documents ('kazakhstan-2022' and 'other')",
    );
    tm.fails(&["merge", "5", "99"], 1, "no unit with id 99");
    tm.fails(&["merge", "5"], 2, "OTHER");
}

// ---------------------------------------------------------------------------------------
// delete, history, undo

#[test]
fn delete_removes_a_pair_and_undo_brings_it_back() {
    let tm = Tm::new();
    let before = common::without_revisions(tm.json(&["list", "--json"]));
    let text = tm.stdout(&["delete", "9"]);
    assert!(text.contains("delete #9"), "{text}");
    assert!(text.contains("  #9 removed: "), "{text}");
    tm.fails(&["show", "9"], 1, "no unit with id 9");
    assert_eq!(tm.unit(10)["position"], 8);
    let undo = tm.json(&["undo", "--json"]);
    assert_eq!(undo["kind"], "undo");
    assert_eq!(undo["undoes"], 2);
    assert_eq!(
        common::without_revisions(tm.json(&["list", "--json"])),
        before
    );
    tm.fails(&["delete", "99"], 1, "no unit with id 99");
    tm.fails(&["delete"], 1, "name the pairs");
}

#[test]
fn history_lists_every_change_or_one_units() {
    let tm = Tm::new();
    tm.bitext()
        .args(["--user", "alice", "edit", "2", "--status", "approved"])
        .assert()
        .success();
    tm.bitext().args(["delete", "3"]).assert().success();
    let all = tm.json(&["history", "--json"]);
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[2]["kind"], "align");
    assert_eq!(all[0]["kind"], "delete");
    assert_eq!(all[0]["user"], "tester");
    assert_eq!(all[1]["user"], "alice");
    for key in [
        "id",
        "kind",
        "document",
        "summary",
        "user",
        "at",
        "undoes",
        "undone_by",
        "before",
        "after",
    ] {
        assert!(all[1].get(key).is_some(), "{key}");
    }
    let text = tm.stdout(&["history", "2"]);
    assert!(text.starts_with("change 2  "), "{text}");
    assert!(text.contains("  alice  edit #2: status\n"), "{text}");
    assert!(
        text.contains("  #2 status: \"draft\" → \"approved\"\n"),
        "{text}"
    );
    let out = tm.bitext().args(["history", "4"]).assert().success();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stderr),
        "unit 4 has not been changed\n"
    );
    tm.fails(&["history", "99"], 1, "no unit with id 99");
}

#[test]
fn undo_walks_back_and_refuses_what_it_cannot_undo() {
    let tm = Tm::new();
    let start = common::without_revisions(tm.json(&["list", "--json"]));
    for (id, status) in [(2, "reviewed"), (3, "reviewed"), (2, "approved")] {
        tm.bitext()
            .args(["edit", &id.to_string(), "--status", status])
            .assert()
            .success();
    }
    // change 1 stored the article; changes 2, 3 and 4 are the edits
    tm.fails(
        &["undo", "2"],
        1,
        "cannot undo change 2: unit 2 was changed again by change 4 (edit); undo that first",
    );
    // change 3 touched unit 3 only: it can go first
    let text = tm.stdout(&["undo", "3"]);
    assert!(text.starts_with("change 5  "), "{text}");
    assert!(text.contains("undo change 3 (edit #3: status)"), "{text}");
    tm.fails(
        &["undo", "3"],
        1,
        "change 3 was already undone (by change 5)",
    );
    tm.fails(&["undo", "5"], 1, "change 5 is itself an undo");
    tm.fails(&["undo", "99"], 1, "no change with id 99");
    tm.fails(&["undo", "x"], 2, "not a change id");
    // the align cannot go while edits of its document are in effect
    tm.fails(
        &["undo", "1"],
        1,
        "cannot undo change 1: change 2 (edit) came after it in the same document; undo that first",
    );
    tm.bitext().arg("undo").assert().success();
    tm.bitext().arg("undo").assert().success();
    assert_eq!(
        common::without_revisions(tm.json(&["list", "--json"])),
        start
    );
    // the next undo takes back the align itself: the document goes
    let text = tm.stdout(&["undo"]);
    assert!(
        text.contains("undo change 1 (align 'kazakhstan-2022': 18 units)"),
        "{text}"
    );
    assert_eq!(tm.json(&["list", "--json"]), serde_json::json!([]));
    tm.fails(&["undo"], 1, "nothing to undo");
}

#[test]
fn a_split_is_undone_only_after_later_changes_of_its_document() {
    let tm = Tm::new();
    tm.bitext()
        .args(["split", "4", "--source-at", "1", "--target-at", "1"])
        .assert()
        .success();
    tm.bitext()
        .args(["edit", "10", "--status", "rejected"])
        .assert()
        .success();
    tm.fails(
        &["undo", "2"],
        1,
        "change 3 (edit) came after it in the same document",
    );
    tm.bitext().arg("undo").assert().success();
    tm.bitext().args(["undo", "2"]).assert().success();
    assert_eq!(tm.unit(4)["target_sentences"], serde_json::json!([3, 4]));
}

//! A reviewer's day on the shipped article: re-aligning after fixing a text keeps the review
//! work, bulk edits and deletes are one change, `list` brings the doubtful pairs first, a
//! sentence moves to its neighbour, and a write from a stale revision is refused.

mod common;

use serde_json::Value;

use common::desk::Desk;

/// What these tests do at the desk besides the shared commands.
trait Review {
    fn edit_english(&self, from: &str, to: &str);
    fn review(&self);
    fn align_reversed(&self, name: &str) -> String;
}

impl Review for Desk {
    /// Replaces a piece of the English text file.
    fn edit_english(&self, from: &str, to: &str) {
        let path = self.path("en.txt");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    }

    /// Approves pairs 2 and 3 with notes, and rejects pair 12.
    fn review(&self) {
        self.ok(&["edit", "2", "3", "--status", "approved"]);
        self.ok(&["edit", "3", "--note", "numbers checked"]);
        self.ok(&["edit", "12", "--status", "rejected", "--note", "wrong pair"]);
    }

    /// Stores the article against its English sentences in reverse order, one a line, as
    /// document `name`: an alignment with many doubtful pairs. Returns align's stderr.
    fn align_reversed(&self, name: &str) -> String {
        let (sentences, _) = self.ok(&["segment", "--lang", "en", "en.txt"]);
        let reversed: Vec<&str> = sentences.lines().rev().collect();
        std::fs::write(self.path("reversed.txt"), reversed.join("\n")).unwrap();
        self.ok(&[
            "align",
            "ar.txt",
            "reversed.txt",
            "--target-lines",
            "--name",
            name,
        ])
        .1
    }
}

fn ids(units: &Value) -> Vec<i64> {
    units
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------
// re-aligning keeps review work

#[test]
fn replacing_with_the_same_texts_keeps_everything() {
    let desk = Desk::new();
    desk.review();
    let (units, history) = (desk.units(), desk.history());
    let (_, stderr) = desk.ok(&[
        "align",
        "--no-split",
        "ar.txt",
        "en.txt",
        "--name",
        "article",
        "--replace",
    ]);
    assert!(
        stderr.contains("is unchanged: the new alignment is the one stored: 18 units"),
        "{stderr}"
    );
    assert_eq!(desk.units(), units);
    assert_eq!(desk.history(), history);
    assert_eq!(desk.unit(3)["note"], "numbers checked");
    assert_eq!(desk.unit(2)["status"], "approved");
}

#[test]
fn replacing_a_document_whose_sentences_were_split_keeps_the_reviewed_parts() {
    // aligned as shipped, Arabic sentence 3 is stored as two parts (units 4 and 5), each with
    // its English sentence; a reviewer approves both and notes one
    let desk = Desk::new();
    desk.ok(&["align", "ar.txt", "en.txt", "--name", "split"]);
    let id = |k: usize| desk.json(&["list", "--document", "split", "--json"])[k]["id"].clone();
    let (four, five) = (id(3).to_string(), id(4).to_string());
    desk.ok(&["edit", &four, &five, "--status", "approved"]);
    desk.ok(&["edit", &five, "--note", "split before وقال"]);
    let (units, history) = (desk.units(), desk.history());
    // the same texts again: the parts are found again, nothing changes and nothing is refused
    let (_, stderr) = desk.ok(&["align", "ar.txt", "en.txt", "--name", "split", "--replace"]);
    assert!(
        stderr.contains("is unchanged: the new alignment is the one stored: 20 units"),
        "{stderr}"
    );
    assert_eq!(desk.units(), units);
    assert_eq!(desk.history(), history);
}

#[test]
fn a_text_fixed_in_one_sentence_gives_a_new_pair_for_that_sentence_only() {
    let desk = Desk::new();
    desk.review();
    let before = desk.units();
    let history = desk.history();
    desk.edit_english("numbers about 2,500 soldiers", "numbers some 2,500 troops");
    let (_, stderr) = desk.ok(&[
        "--user",
        "omar",
        "align",
        "--no-split",
        "ar.txt",
        "en.txt",
        "--name",
        "article",
        "--replace",
    ]);
    assert!(
        stderr.contains(": 17 kept, 1 new, 1 removed (change 5; 'bitext undo' reverts it)"),
        "{stderr}"
    );
    let after = desk.units();
    let (old, new) = (before.as_array().unwrap(), after.as_array().unwrap());
    assert_eq!(old.len(), new.len());
    for (a, b) in old.iter().zip(new) {
        if a["source_sentences"] == serde_json::json!([8]) {
            // the pair of the fixed sentence is new: a draft by omar, with the new text
            assert_eq!(b["id"], 19);
            assert_eq!(b["status"], "draft");
            assert_eq!(b["created_by"], "omar");
            assert_eq!(b["target"], "The deployed force numbers some 2,500 troops.");
        } else {
            assert_eq!(a, b);
        }
    }
    // the earlier history is all there, with the align on top
    let latest = desk.json(&["history", "--limit", "1", "--json"]);
    assert_eq!(latest.as_array().unwrap().len(), 1);
    assert_eq!(latest[0]["kind"], "align");
    let now = desk.history();
    assert_eq!(&now.as_array().unwrap()[1..], history.as_array().unwrap());
    assert_eq!(now[0]["kind"], "align");
    assert_eq!(now[0]["user"], "omar");
    // and undo gives back the pairs and the history exactly
    let (text, _) = desk.ok(&["undo"]);
    assert!(
        text.contains("undo change 5 (align 'article' again: 17 kept, 1 new, 1 removed)"),
        "{text}"
    );
    assert_eq!(
        common::without_revisions(desk.units()),
        common::without_revisions(before)
    );
    let undone = desk.history();
    assert_eq!(
        &undone.as_array().unwrap()[2..],
        history.as_array().unwrap()
    );
}

#[test]
fn a_replace_that_would_drop_reviewed_pairs_needs_force_and_undo_restores_exactly() {
    let desk = Desk::new();
    desk.review();
    let (units, history) = (desk.units(), desk.history());
    // pairs 2 (approved) and 3 (approved, with a note) lose their target sentences' text
    desk.edit_english("In the early hours of Friday", "Early on Friday");
    desk.edit_english(
        "Tokayev said that \"200,000 bandits\"",
        "Tokayev said \"200,000 bandits\"",
    );
    let line = desk.fails(
        &["align", "ar.txt", "en.txt", "--name", "article", "--replace"],
        1,
        "the new alignment of 'article' would remove 2 pairs with review work (2 approved, 1 with a note); add --force to go on",
    );
    assert!(line.contains("'bitext undo' brings them back"), "{line}");
    let (_, stderr) = desk.ok(&[
        "align",
        "--no-split",
        "ar.txt",
        "en.txt",
        "--name",
        "article",
        "--replace",
        "--force",
    ]);
    assert!(stderr.contains("16 kept, 2 new, 2 removed"), "{stderr}");
    desk.fails(&["show", "2"], 1, "no unit with id 2");
    // the history shows the texts replaced and the pairs removed
    let (text, _) = desk.ok(&["history"]);
    assert!(
        text.contains("texts of 'article': 18 → 18 source, 20 → 20 target sentences"),
        "{text}"
    );
    assert!(text.contains("  #2 removed: "), "{text}");
    desk.ok(&["undo"]);
    assert_eq!(
        common::without_revisions(desk.units()),
        common::without_revisions(units)
    );
    let now = desk.history();
    assert_eq!(&now.as_array().unwrap()[2..], history.as_array().unwrap());
    // the document's texts and sentences are the old ones again: a replace with the original
    // files changes nothing
    std::fs::copy(common::article_en(), desk.path("en.txt")).unwrap();
    let (_, stderr) = desk.ok(&[
        "align",
        "--no-split",
        "ar.txt",
        "en.txt",
        "--name",
        "article",
        "--replace",
    ]);
    assert!(stderr.contains("is unchanged"), "{stderr}");
}

#[test]
fn other_documents_keep_their_history_and_undoing_the_first_align_removes_the_document() {
    let desk = Desk::new();
    desk.ok(&["align", "--lines", "--name", "other", "ar.txt", "en.txt"]);
    desk.ok(&["edit", "19", "--note", "from the other document"]);
    let theirs = |h: Value| -> Vec<Value> {
        h.as_array()
            .unwrap()
            .iter()
            .filter(|c| c["document"] == "other")
            .cloned()
            .collect()
    };
    let before = theirs(desk.history());
    desk.review();
    desk.edit_english("about 2,500", "some 2,500");
    desk.ok(&[
        "align",
        "--no-split",
        "ar.txt",
        "en.txt",
        "--name",
        "article",
        "--replace",
        "--force",
    ]);
    desk.ok(&["undo"]);
    assert_eq!(theirs(desk.history()), before);
    // undo the article's own changes, then the align that stored it: the document goes
    for _ in 0..3 {
        desk.ok(&["undo"]);
    }
    let (text, _) = desk.ok(&["undo", "1"]);
    assert!(
        text.contains("undo change 1 (align 'article': 18 units)"),
        "{text}"
    );
    let left = desk.units();
    assert!(
        left.as_array()
            .unwrap()
            .iter()
            .all(|u| u["document"] == "other")
    );
    assert_eq!(theirs(desk.history()), before);
    // the history still names the document that is gone
    assert_eq!(
        desk.history().as_array().unwrap().last().unwrap()["document"],
        "article"
    );
    // and the name is free again
    desk.ok(&["align", "ar.txt", "en.txt", "--name", "article"]);
}

// ---------------------------------------------------------------------------------------
// bulk edits and deletes

#[test]
fn ids_and_ranges_are_edited_as_one_change() {
    let desk = Desk::new();
    let (text, stderr) = desk.ok(&["edit", "3", "5", "9-14", "--status", "approved"]);
    assert!(text.starts_with("change 2  "), "{text}");
    assert!(text.contains("edit 8 units: status"), "{text}");
    assert!(stderr.is_empty(), "{stderr}");
    let approved = desk.json(&["list", "--status", "approved", "--json"]);
    assert_eq!(ids(&approved), [3, 5, 9, 10, 11, 12, 13, 14]);
    // already approved: skipped and counted, exit 0, no change recorded
    let (text, stderr) = desk.ok(&["edit", "9-15", "--status", "approved"]);
    assert!(text.contains("edit #15: status"), "{text}");
    assert_eq!(stderr, "skipped 6 already approved\n");
    let (text, stderr) = desk.ok(&["edit", "3", "5", "--status", "approved"]);
    assert!(text.is_empty());
    assert_eq!(stderr, "skipped 2 already approved\n");
    assert_eq!(desk.history().as_array().unwrap().len(), 3);
    // one undo takes back all eight
    desk.ok(&["undo"]);
    desk.ok(&["undo"]);
    assert!(
        desk.json(&["list", "--status", "approved", "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_selection_edits_or_deletes_every_pair_that_matches() {
    let desk = Desk::new();
    desk.align_reversed("other");
    let weak = desk.json(&[
        "list",
        "--document",
        "other",
        "--max-score",
        "0.5",
        "--json",
    ]);
    let n = weak.as_array().unwrap().len();
    assert!(n > 0);
    let (text, _) = desk.ok(&[
        "edit",
        "--document",
        "other",
        "--max-score",
        "0.5",
        "--status",
        "rejected",
        "--json",
    ]);
    let change: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(change["after"].as_array().unwrap().len(), n);
    // ids and a selection: the named pairs that match it
    let (_, stderr) = desk.ok(&["edit", "1-5", "--if-status", "rejected", "--note", "x"]);
    assert_eq!(stderr, "no units match: nothing changed\n");
    // delete by status, one change, undone as one
    let before = desk.units();
    let (text, _) = desk.ok(&["delete", "--status", "rejected"]);
    assert!(text.contains(&format!("delete {n} units")), "{text}");
    assert!(
        desk.json(&["list", "--status", "rejected", "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    desk.ok(&["undo"]);
    assert_eq!(
        common::without_revisions(desk.units()),
        common::without_revisions(before)
    );
}

#[test]
fn bulk_commands_refuse_bad_selections() {
    let desk = Desk::new();
    desk.fails(
        &["edit", "3", "4", "--target", "One text for two pairs."],
        1,
        "--source and --target correct one pair at a time, and 2 pairs are selected",
    );
    desk.fails(&["edit", "--status", "approved"], 1, "name the pairs");
    desk.fails(
        &["edit", "3", "99", "--status", "approved"],
        1,
        "no unit with id 99",
    );
    desk.fails(
        &["edit", "50-60", "--status", "approved"],
        1,
        "no unit has an id from 50 to 60",
    );
    desk.fails(&["edit", "9-3", "--status", "approved"], 2, "empty range");
    desk.fails(
        &["edit", "--document", "nope", "--status", "approved"],
        1,
        "no document named 'nope'",
    );
    desk.fails(
        &["edit", "--max-score", "2", "--status", "approved"],
        2,
        "not a score",
    );
    desk.fails(
        &["edit", "3", "4", "--revision", "1", "--status", "approved"],
        1,
        "--revision goes with a single unit id",
    );
    desk.fails(&["delete", "3-x"], 2, "not a unit id or a range");
}

// ---------------------------------------------------------------------------------------
// list: attention first

#[test]
fn align_says_how_to_list_the_doubtful_pairs() {
    let desk = Desk::new();
    let stderr = desk.align_reversed("line by line");
    // reversed, the texts no longer look like translations: a warning says so first
    assert!(
        stderr.starts_with("bitext: warning: the texts do not look like translations"),
        "{stderr}"
    );
    let lines: Vec<&str> = stderr.lines().skip(1).collect();
    let weak: u64 = lines[0]
        .split('(')
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(weak > 0, "{stderr}");
    assert!(
        lines[0].starts_with("stored 'line by line' in "),
        "{stderr}"
    );
    assert_eq!(
        lines[1],
        "to review them: bitext list --document 'line by line' --max-score 0.5"
    );
    let listed = desk.json(&[
        "list",
        "--document",
        "line by line",
        "--max-score",
        "0.5",
        "--json",
    ]);
    assert_eq!(listed.as_array().unwrap().len() as u64, weak);
    // the article in whole sentences aligns confidently: no second line
    let (_, stderr) = desk.ok(&["align", "--no-split", "ar.txt", "en.txt", "--name", "again"]);
    assert!(!stderr.contains("to review them"), "{stderr}");
}

#[test]
fn list_sorts_limits_and_prints_one_line_a_pair() {
    let desk = Desk::new();
    desk.align_reversed("other");
    let by_score = desk.json(&["list", "--sort", "score", "--limit", "5", "--json"]);
    let scores: Vec<f64> = by_score
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["score"].as_f64().unwrap())
        .collect();
    assert_eq!(scores.len(), 5);
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{scores:?}");
    let lowest = desk
        .json(&["list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["score"].as_f64())
        .fold(1.0, f64::min);
    assert_eq!(scores[0], lowest);
    desk.ok(&["edit", "7", "--note", "latest"]);
    // latest change first (times are to the second: the edit may share its second with the
    // align before it)
    let changed = desk.json(&["list", "--sort", "changed", "--limit", "1", "--json"]);
    assert_eq!(changed[0]["changed"], desk.unit(7)["changed"]);
    assert_eq!(desk.unit(7)["revision"], 2);
    let (_, stderr) = desk.ok(&["list", "--limit", "2"]);
    assert!(stderr.starts_with("the first 2 of "), "{stderr}");
    // --brief: one line a pair, within the width
    let out = desk
        .bitext()
        .env("COLUMNS", "80")
        .args(["list", "--brief", "--document", "article"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 18);
    // a mark for findings of the QA checks, id, score (whatever the aligner gives), status,
    // sentences, then the texts
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("  #") || l.starts_with("! #")),
        "{text}"
    );
    assert!(lines[3][2..].starts_with("#4     "), "{}", lines[3]);
    assert_eq!(lines[3].find("  draft"), Some(13), "{}", lines[3]);
    assert!(
        lines[3].contains(" draft     3 → 3-4      "),
        "{}",
        lines[3]
    );
    assert!(lines[3].contains("لكن توقاييف"), "{}", lines[3]);
    assert!(lines[3].contains(" │ But Tokayev"), "{}", lines[3]);
    for line in &lines {
        assert!(unicode_width::UnicodeWidthStr::width(*line) <= 80, "{line}");
    }
    desk.fails(&["list", "--sort", "size"], 2, "size");
    desk.fails(&["list", "--limit", "0"], 2, "--limit");
}

#[test]
fn brief_lines_escape_control_characters_from_the_data() {
    let desk = Desk::new();
    desk.ok(&[
        "edit",
        "2",
        "--target",
        "Gunfire\u{1b}[31m was heard\u{202E} in Almaty.\nNext line",
    ]);
    let out = desk
        .bitext()
        .env("COLUMNS", "300")
        .args(["list", "--brief", "--document", "article"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let line = text.lines().nth(1).unwrap();
    assert!(
        line.contains("Gunfire\\u{1b}[31m was heard\\u{202e} in Almaty. Next line"),
        "{line}"
    );
    assert!(!text.contains('\u{1b}'));
}

// ---------------------------------------------------------------------------------------
// move, and revisions

#[test]
fn a_sentence_moves_to_the_neighbouring_pair_and_back_with_undo() {
    let desk = Desk::new();
    let before = desk.units();
    // pair 4 is one Arabic sentence translated by two English ones
    assert_eq!(desk.unit(4)["target_sentences"], serde_json::json!([3, 4]));
    let (text, _) = desk.ok(&["move", "4", "--target", "--to", "next"]);
    assert!(
        text.contains("move target sentence 4 of #4 to #5"),
        "{text}"
    );
    assert_eq!(desk.unit(4)["target_sentences"], serde_json::json!([3]));
    assert_eq!(desk.unit(5)["target_sentences"], serde_json::json!([4, 5]));
    assert!(
        desk.unit(5)["target"]
            .as_str()
            .unwrap()
            .starts_with("In a statement after a meeting")
    );
    // the reshaped pairs are scored again: 3 → 3 and 4 → 4-5 are worse than the aligner's
    assert!(desk.unit(4)["score"].as_f64().unwrap() < 0.5);
    assert!(desk.unit(5)["score"].as_f64().unwrap() < 0.5);
    let change = desk.json(&["move", "5", "--target", "--to", "previous", "--json"]);
    assert_eq!(change["kind"], "move");
    assert_eq!(desk.unit(4)["target_sentences"], serde_json::json!([3, 4]));
    desk.ok(&["undo"]);
    desk.ok(&["undo"]);
    assert_eq!(
        common::without_revisions(desk.units()),
        common::without_revisions(before)
    );
    desk.fails(
        &["move", "1", "--source", "--to", "previous"],
        1,
        "unit 1 is the first pair of its document",
    );
    desk.fails(&["move", "4", "--to", "next"], 2, "--source");
    desk.fails(
        &["move", "4", "--source", "--target", "--to", "next"],
        2,
        "--target",
    );
    desk.fails(&["move", "4", "--source", "--to", "up"], 2, "up");
}

#[test]
fn a_write_from_a_stale_revision_is_refused() {
    let desk = Desk::new();
    assert_eq!(desk.unit(6)["revision"], 1);
    desk.ok(&["edit", "6", "--status", "reviewed", "--revision", "1"]);
    assert_eq!(desk.unit(6)["revision"], 2);
    // a second reviewer who read revision 1 is refused, and told why
    desk.fails(
        &["edit", "6", "--status", "rejected", "--revision", "1"],
        1,
        "unit 6 has changed since it was read (revision 1, now 2); read it again and redo the change",
    );
    desk.fails(
        &["move", "6", "--source", "--to", "next", "--revision", "1"],
        1,
        "(revision 1, now 2)",
    );
    desk.fails(
        &[
            "split",
            "6",
            "--source-at",
            "1",
            "--target-at",
            "0",
            "--revision",
            "1",
        ],
        1,
        "(revision 1, now 2)",
    );
    desk.fails(
        &["delete", "6", "--revision", "1"],
        1,
        "(revision 1, now 2)",
    );
    // undo writes the unit too: its revision goes on growing
    desk.ok(&["undo"]);
    assert_eq!(desk.unit(6)["revision"], 3);
    assert_eq!(desk.unit(6)["status"], "draft");
}

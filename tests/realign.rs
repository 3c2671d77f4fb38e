//! Re-aligning around the pairs a reviewer confirmed, on the shipped article: `bitext realign`
//! (and `--from`), `align --replace` holding reviewed pairs fixed, split, merge and move giving
//! the pairs they reshape a score, imports as changes that undo takes back, and
//! `align --batch --replace`.

mod common;

use serde_json::{Value, json};

use common::desk::Desk;

/// What these tests do at the desk besides the shared commands.
trait Realign {
    fn alignment(&self, document: &str) -> Vec<Value>;
    fn shift(&self);
}

impl Realign for Desk {
    /// Each unit as [source sentences, target sentences].
    fn alignment(&self, document: &str) -> Vec<Value> {
        self.json(&["list", "--document", document, "--json"])
            .as_array()
            .unwrap()
            .iter()
            .map(|u| json!([u["source_sentences"], u["target_sentences"]]))
            .collect()
    }

    /// Shifts the article's English by one sentence over units 7 to 11: each takes the first
    /// target sentence of the unit after it, and unit 11 is left without one.
    fn shift(&self) {
        for id in ["8", "9", "10", "11"] {
            self.ok(&["move", id, "--target", "--to", "previous"]);
        }
        assert_eq!(self.unit(7)["target_sentences"], json!([7, 8]));
        assert_eq!(self.unit(10)["target_sentences"], json!([11]));
        assert_eq!(self.unit(11)["target_sentences"], json!([]));
    }
}

// ---------------------------------------------------------------------------------------
// realign

#[test]
fn realign_puts_the_pairs_between_two_approved_pairs_right_and_undo_restores_them() {
    let desk = Desk::new();
    let gold = desk.alignment("article");
    desk.shift();
    let shifted = desk.alignment("article");
    assert_ne!(shifted, gold);
    // the reviewer approves the right pairs on each side of the fault
    desk.ok(&["edit", "6", "12", "--status", "approved"]);
    let (units, history) = (desk.units(), desk.history());
    let (text, _) = desk.ok(&["--user", "omar", "realign", "article"]);
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "re-aligned 'article': 13 kept, 5 new, 5 removed; 2 pairs held fixed (change 7; 'bitext undo' reverts it)"
    );
    // the new pairs follow, as 'show' prints them
    assert!(text.contains("#19  article  6 → 7  "), "{text}");
    assert!(text.contains("#23  article  10 → 11  "), "{text}");
    assert_eq!(desk.alignment("article"), gold);
    for id in 19..=23 {
        let u = desk.unit(id);
        assert_eq!(u["status"], "draft");
        assert_eq!(u["created_by"], "omar");
        assert!(u["score"].as_f64().unwrap() > 0.5, "{u}");
    }
    // the approved pairs and the pairs outside the fault are the same units as before
    for id in [1, 6, 12, 18] {
        let before = units
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == id)
            .unwrap();
        assert_eq!(&desk.unit(id), before);
    }
    let latest = desk.json(&["history", "--limit", "1", "--json"]);
    assert_eq!(latest[0]["kind"], "realign");
    assert_eq!(latest[0]["user"], "omar");
    assert_eq!(
        latest[0]["summary"],
        "realign 'article': 13 kept, 5 new, 5 removed"
    );
    // undo gives back the shifted document exactly, and the history before the realign
    let (text, _) = desk.ok(&["undo"]);
    assert!(
        text.contains("undo change 7 (realign 'article': 13 kept, 5 new, 5 removed)"),
        "{text}"
    );
    assert_eq!(
        common::without_revisions(desk.units()),
        common::without_revisions(units)
    );
    assert_eq!(
        &desk.history().as_array().unwrap()[2..],
        history.as_array().unwrap()
    );
    assert_eq!(desk.alignment("article"), shifted);
}

#[test]
fn realign_from_a_pair_holds_every_pair_before_it() {
    let desk = Desk::new();
    let gold = desk.alignment("article");
    desk.shift();
    let shifted = desk.alignment("article");
    let report = desk.json(&["realign", "article", "--from", "9", "--json"]);
    assert_eq!(report["fixed"], 9);
    assert_eq!(report["change"]["kind"], "realign");
    let now = desk.alignment("article");
    // units 1 to 9 (positions 0 to 8) are held as they were, wrong ones included
    assert_eq!(&now[..9], &shifted[..9]);
    assert_eq!(&now[now.len() - 7..], &gold[gold.len() - 7..]);
    assert_eq!(
        report["units"].as_array().unwrap().len(),
        report["added"].as_u64().unwrap() as usize
    );
    // the same again changes nothing and records nothing
    let history = desk.history();
    let (text, _) = desk.ok(&["realign", "article", "--from", "9"]);
    assert_eq!(
        text,
        "'article' is unchanged: its pairs come out as they are (9 pairs held fixed)\n"
    );
    assert_eq!(desk.history(), history);
}

#[test]
fn realign_refuses_what_it_cannot_do_and_changes_nothing() {
    let desk = Desk::new();
    desk.fails(&["realign", "nope"], 1, "no document named 'nope'");
    desk.fails(
        &["realign", "article", "--from", "99"],
        1,
        "no unit with id 99",
    );
    desk.ok(&[
        "align",
        "--no-split",
        "--lines",
        "ar.txt",
        "en.txt",
        "--name",
        "other",
    ]);
    desk.fails(
        &["realign", "article", "--from", "19"],
        1,
        "unit 19 is in document 'other', not in 'article'",
    );
    desk.fails(&["realign", "article", "--from", "x"], 2, "not a unit id");
    desk.fails(&["realign"], 2, "DOCUMENT");
    // a pair a reviewer rejected, with a note, is review work the re-alignment would remove
    desk.shift();
    desk.ok(&["edit", "9", "--status", "rejected", "--note", "shifted"]);
    desk.fails(
        &["realign", "article"],
        1,
        "would remove 1 pair with review work (1 rejected, 1 with a note); add --force",
    );
    desk.ok(&["realign", "article", "--force"]);
    // a document imported without its texts
    desk.ok(&["export", "--document", "other", "-o", "other.json"]);
    desk.ok(&[
        "import",
        "other.json",
        "--document",
        "imported",
        "--keep-duplicates",
    ]);
    desk.fails(
        &["realign", "imported"],
        1,
        "document 'imported' was imported without its texts",
    );
}

// ---------------------------------------------------------------------------------------
// align --replace holds confirmed pairs fixed

#[test]
fn align_replace_keeps_an_approved_pair_the_aligner_would_not_make() {
    let desk = Desk::new();
    // the reviewer merges two pairs into one 2-2 pair and approves it: the aligner on its own
    // would make two 1-1 pairs of them again
    desk.ok(&["merge", "7", "8"]);
    desk.ok(&["edit", "7", "--status", "approved", "--note", "one thought"]);
    let merged = desk.unit(7);
    assert_eq!(merged["source_sentences"], json!([6, 7]));
    // then fixes a sentence near the end of the English text and stores it again
    let en = std::fs::read_to_string(desk.path("en.txt")).unwrap();
    assert!(en.contains("numbers about 2,500 soldiers"));
    std::fs::write(
        desk.path("en.txt"),
        en.replace("numbers about 2,500 soldiers", "numbers some 2,500 troops"),
    )
    .unwrap();
    let (_, stderr) = desk.ok(&[
        "align",
        "--no-split",
        "ar.txt",
        "en.txt",
        "--name",
        "article",
        "--replace",
    ]);
    assert!(stderr.contains(": 16 kept, 1 new, 1 removed"), "{stderr}");
    let kept = desk.unit(7);
    assert_eq!(kept["status"], "approved");
    assert_eq!(kept["note"], "one thought");
    assert_eq!(kept["source_sentences"], json!([6, 7]));
    assert_eq!(kept["target_sentences"], json!([7, 8]));
}

#[test]
fn align_replace_places_approved_pairs_in_texts_that_grew() {
    let desk = Desk::new();
    desk.ok(&["merge", "7", "8"]);
    desk.ok(&["edit", "7", "--status", "approved"]);
    // a new first sentence on both sides: every sentence number moves by one
    let prepend = |file: &str, line: &str| {
        let text = std::fs::read_to_string(desk.path(file)).unwrap();
        std::fs::write(desk.path(file), format!("{line}\n\n{text}")).unwrap();
    };
    prepend("ar.txt", "عنوان جديد للمقال.");
    prepend("en.txt", "A new headline for the article.");
    let (_, stderr) = desk.ok(&[
        "align",
        "--no-split",
        "ar.txt",
        "en.txt",
        "--name",
        "article",
        "--replace",
    ]);
    assert!(stderr.contains(": 17 kept, 1 new, 0 removed"), "{stderr}");
    let kept = desk.unit(7);
    assert_eq!(kept["status"], "approved");
    assert_eq!(kept["source_sentences"], json!([7, 8]));
    assert_eq!(kept["target_sentences"], json!([8, 9]));
}

// ---------------------------------------------------------------------------------------
// split, merge and move score the pairs they reshape

fn score(desk: &Desk, id: i64) -> f64 {
    desk.unit(id)["score"].as_f64().unwrap()
}

#[test]
fn a_merge_of_two_right_pairs_scores_high_and_splitting_it_back_scores_both_high() {
    let desk = Desk::new();
    let before = desk.units();
    // units 7 and 8 are two right 1-1 pairs: one 2-2 pair of them is a right pair too (its
    // sentences translate each other), though a coarser unit
    desk.ok(&["merge", "7", "8"]);
    let merged = score(&desk, 7);
    assert!(merged > 0.9, "{merged}");
    // split back into the two right 1-1 pairs: both score high again
    let (text, _) = desk.ok(&["split", "7", "--source-at", "1", "--target-at", "1"]);
    assert!(text.contains("#7 score: "), "{text}");
    assert!(score(&desk, 7) > 0.9, "{}", score(&desk, 7));
    assert!(score(&desk, 19) > 0.9, "{}", score(&desk, 19));
    // a split that cuts a right 1-2 pair (unit 4) into a 1-1 and a 0-1 scores low
    desk.ok(&["split", "4", "--source-at", "1", "--target-at", "1"]);
    assert!(score(&desk, 4) < 0.5, "{}", score(&desk, 4));
    assert!(score(&desk, 20) < 0.5, "{}", score(&desk, 20));
    // undo gives back the old scores with the rows
    desk.ok(&["undo"]);
    desk.ok(&["undo"]);
    assert_eq!(score(&desk, 7), merged);
    desk.ok(&["undo"]);
    assert_eq!(
        common::without_revisions(desk.units()),
        common::without_revisions(before)
    );
}

#[test]
fn a_moved_sentence_scores_both_pairs_and_a_pair_without_document_text_gets_no_score() {
    let desk = Desk::new();
    // sentence 4 of the English belongs with unit 4 (Arabic 3): moved on, both pairs are doubtful
    desk.ok(&["move", "4", "--target", "--to", "next"]);
    assert!(score(&desk, 4) < 0.5);
    assert!(score(&desk, 5) < 0.5);
    // and moved back, both are sure again
    desk.ok(&["move", "5", "--target", "--to", "previous"]);
    assert!(score(&desk, 4) > 0.9);
    assert!(score(&desk, 5) > 0.9);
    // imported pairs have no document text to score against
    desk.ok(&["export", "--document", "article", "-o", "article.json"]);
    desk.ok(&[
        "import",
        "article.json",
        "--document",
        "imported",
        "--keep-duplicates",
    ]);
    let ids: Vec<i64> = desk
        .json(&["list", "--document", "imported", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    desk.ok(&["merge", &ids[0].to_string(), &ids[1].to_string()]);
    assert_eq!(desk.unit(ids[0])["score"], Value::Null);
}

// ---------------------------------------------------------------------------------------
// imports are changes of the history

/// Exports `document` as JSON to `file` without the units' positions and sentence numbers, so
/// that it can be imported into any document (after its pairs), as pairs from another tool.
fn export_pairs(desk: &Desk, document: &str, file: &str) {
    desk.ok(&["export", "--document", document, "-o", file]);
    let mut data: Value =
        serde_json::from_str(&std::fs::read_to_string(desk.path(file)).unwrap()).unwrap();
    for unit in data["units"].as_array_mut().unwrap() {
        for field in ["position", "source_sentences", "target_sentences"] {
            unit.as_object_mut().unwrap().remove(field);
        }
    }
    std::fs::write(desk.path(file), data.to_string()).unwrap();
}

#[test]
fn an_import_is_one_change_that_undo_takes_back() {
    let desk = Desk::new();
    export_pairs(&desk, "article", "article.json");
    let (units, history) = (desk.units(), desk.history());
    let (text, _) = desk.ok(&[
        "import",
        "article.json",
        "--document",
        "copy",
        "--keep-duplicates",
    ]);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("imported 18 pairs from article.json into ")
            && first.ends_with("tm.db (change 2; 'bitext undo' takes it back)"),
        "{text}"
    );
    let change = &desk.history()[0];
    assert_eq!(change["kind"], "import");
    assert_eq!(
        change["summary"],
        "import 18 pairs into 'copy' (a new document)"
    );
    assert_eq!(change["document"], "copy");
    assert_eq!(change["after"], json!([]));
    assert_eq!(change["import"]["units"], json!([19, 36]));
    assert_eq!(change["import"]["count"], 18);
    assert_eq!(
        change["import"]["documents"],
        json!([{"id": 2, "name": "copy", "created": true, "units": 18}])
    );
    let (text, _) = desk.ok(&["history", "--limit", "1"]);
    assert!(
        text.contains(
            "  18 units stored, with ids from #19 to #36\n  'copy' (new document): 18 units"
        ),
        "{text}"
    );
    // undo removes the pairs and the document it created; the history keeps both changes
    let (text, _) = desk.ok(&["undo"]);
    assert!(
        text.contains("undo change 2 (import 18 pairs into 'copy' (a new document))"),
        "{text}"
    );
    assert_eq!(desk.units(), units);
    desk.fails(
        &["list", "--document", "copy"],
        1,
        "no document named 'copy'",
    );
    assert_eq!(
        &desk.history().as_array().unwrap()[2..],
        history.as_array().unwrap()
    );
    desk.fails(
        &["undo", "2"],
        1,
        "change 2 was already undone (by change 3)",
    );
    // an import that stores nothing records nothing
    let (text, _) = desk.ok(&["import", "article.json"]);
    assert!(
        text.starts_with("imported 0 pairs from article.json"),
        "{text}"
    );
    assert!(!text.contains("change"), "{text}");
    assert_eq!(desk.history().as_array().unwrap().len(), 3);
}

#[test]
fn an_import_into_a_stored_document_is_undone_around_later_changes_of_other_pairs() {
    let desk = Desk::new();
    desk.ok(&[
        "align",
        "--no-split",
        "--lines",
        "ar.txt",
        "en.txt",
        "--name",
        "other",
    ]);
    export_pairs(&desk, "other", "other.json");
    // the other document's pairs go into the article, after its own
    desk.ok(&[
        "import",
        "other.json",
        "--document",
        "article",
        "--keep-duplicates",
    ]);
    let imported = desk.json(&["history", "--limit", "1", "--json"])[0]["id"]
        .as_i64()
        .unwrap();
    let first = desk.json(&["history", "--limit", "1", "--json"])[0]["import"]["units"][0]
        .as_i64()
        .unwrap();
    // a later edit of one of the imported pairs stands in the way, until it is undone
    desk.ok(&["edit", &first.to_string(), "--note", "imported"]);
    desk.fails(
        &["undo", &imported.to_string()],
        1,
        &format!("cannot undo change {imported}: unit {first} was changed again by change"),
    );
    desk.ok(&["undo"]);
    // a later change of the article's own pairs does not
    desk.ok(&["edit", "3", "--status", "approved", "--note", "kept"]);
    desk.ok(&["undo", &imported.to_string()]);
    let article = desk.json(&["list", "--document", "article", "--json"]);
    assert_eq!(article.as_array().unwrap().len(), 18);
    assert_eq!(desk.unit(3)["note"], "kept");
    assert_eq!(desk.unit(3)["status"], "approved");
    // the document was not created by the import: it stays
    desk.ok(&["show", "1"]);
}

#[test]
fn an_import_into_a_document_a_later_import_also_filled_waits_for_it() {
    let desk = Desk::new();
    export_pairs(&desk, "article", "article.json");
    desk.ok(&[
        "import",
        "article.json",
        "--document",
        "copy",
        "--keep-duplicates",
    ]);
    desk.ok(&[
        "import",
        "article.json",
        "--document",
        "copy",
        "--keep-duplicates",
    ]);
    desk.fails(
        &["undo", "2"],
        1,
        "cannot undo change 2: document 'copy', which it created, now holds 18 other units",
    );
    desk.ok(&["undo"]);
    desk.ok(&["undo"]);
    desk.fails(
        &["list", "--document", "copy"],
        1,
        "no document named 'copy'",
    );
    // and the align that stored the article waits for an import into it
    desk.ok(&[
        "import",
        "article.json",
        "--document",
        "article",
        "--keep-duplicates",
    ]);
    desk.fails(
        &["undo", "1"],
        1,
        "cannot undo change 1: change 6 (import) came after it in the same document",
    );
}

// ---------------------------------------------------------------------------------------
// align --batch --replace

#[test]
fn a_batch_with_replace_aligns_stored_documents_again_keeping_their_review_work() {
    let desk = Desk::new();
    desk.ok(&["merge", "7", "8"]);
    desk.ok(&["edit", "7", "--status", "approved"]);
    desk.ok(&["edit", "2", "--status", "approved", "--note", "checked"]);
    std::fs::write(
        desk.path("list.tsv"),
        "ar.txt\ten.txt\tarticle\nar.txt\ten.txt\tnew\n",
    )
    .unwrap();
    // without --replace the stored name is refused; with it, the same texts change nothing
    let out = desk
        .bitext()
        .args(["align", "--batch", "list.tsv"])
        .assert()
        .code(1);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("--replace aligns it again"), "{err}");
    let (text, _) = desk.ok(&["align", "--no-split", "--batch", "list.tsv", "--replace"]);
    assert!(
        text.contains("re-aligned 'article': unchanged: 17 units"),
        "{text}"
    );
    // the English fixed in one sentence: that pair is new, the approved 2-2 pair is kept
    let en = std::fs::read_to_string(desk.path("en.txt")).unwrap();
    std::fs::write(
        desk.path("en.txt"),
        en.replace("numbers about 2,500 soldiers", "numbers some 2,500 troops"),
    )
    .unwrap();
    let report = desk.json(&[
        "align",
        "--no-split",
        "--batch",
        "list.tsv",
        "--replace",
        "--json",
    ]);
    let statuses: Vec<&str> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["replaced", "replaced"]);
    assert_eq!(desk.unit(7)["status"], "approved");
    assert_eq!(desk.unit(7)["source_sentences"], json!([6, 7]));
    let latest = desk.json(&["history", "--limit", "2", "--json"]);
    assert_eq!(
        latest[1]["summary"],
        "align 'article' again: 16 kept, 1 new, 1 removed"
    );
    // review work whose sentences are gone fails that document only, until --force
    std::fs::write(
        desk.path("en.txt"),
        en.replace("In the early hours of Friday", "Early on Friday"),
    )
    .unwrap();
    let out = desk
        .bitext()
        .args(["align", "--batch", "list.tsv", "--replace"])
        .assert()
        .code(1);
    let o = out.get_output();
    let err = String::from_utf8(o.stderr.clone()).unwrap();
    assert!(
        err.contains("bitext: article: the new alignment of 'article' would remove 1 pair with review work (1 approved, 1 with a note)"),
        "{err}"
    );
    assert!(
        String::from_utf8(o.stdout.clone())
            .unwrap()
            .contains("re-aligned 'new': "),
    );
    assert_eq!(desk.unit(2)["note"], "checked");
    desk.ok(&[
        "align",
        "--no-split",
        "--batch",
        "list.tsv",
        "--replace",
        "--force",
    ]);
    desk.fails(&["show", "2"], 1, "no unit with id 2");
}

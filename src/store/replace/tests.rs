use super::*;
use crate::fixtures::{kazakhstan, read};
use crate::store::{Selection, UnitEdit, UnitFilter};

const NAME: &str = "kazakhstan-2022";

/// The article's gold alignment, every bead scored 0.9 (as the fixture stores it).
fn gold() -> Vec<Bead> {
    crate::align::beads::parse(crate::fixtures::SENTENCE_GOLD, "gold")
        .unwrap()
        .iter()
        .map(|b| {
            let range = |v: &[usize]| match (v.first(), v.last()) {
                (Some(&a), Some(&b)) => a..b + 1,
                _ => 0..0,
            };
            Bead {
                source: range(&b.source),
                target: range(&b.target),
                score: 0.9,
            }
        })
        .collect()
}

/// Re-aligns the article with these texts and beads.
fn realign(
    m: &mut Memory,
    ar: &str,
    en: &str,
    beads: &[Bead],
    force: bool,
) -> Result<ReplaceReport> {
    let ss = crate::segment::split(ar, Lang::Ar);
    let ts = crate::segment::split(en, Lang::En);
    m.replace_alignment(
        &Realignment {
            document: NAME,
            texts: Some(DocumentTexts {
                source_lang: Lang::Ar,
                target_lang: Lang::En,
                source_text: ar,
                target_text: en,
                source_sentences: &ss,
                target_sentences: &ts,
            }),
            beads,
        },
        force,
        "bob",
    )
}

/// Units (as JSON, without revisions), documents (name and texts) and sentences.
type State = (
    Vec<Value>,
    Vec<(String, Option<String>, Option<String>)>,
    Vec<(i64, String, i64, i64, i64, String)>,
);

/// Everything a replacement or its undo may touch: every unit (without revisions), the
/// documents with their texts, and every sentence.
fn state(m: &Memory) -> State {
    let units = m
        .units(&UnitFilter::default())
        .unwrap()
        .into_iter()
        .map(|u| {
            let mut v = serde_json::to_value(u).unwrap();
            v.as_object_mut().unwrap().remove("revision");
            v
        })
        .collect();
    let documents = m
        .conn
        .prepare("SELECT name, source_text, target_text FROM documents ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let segments = m
        .conn
        .prepare(
            "SELECT document_id, side, position, start, \"end\", text FROM segments
             ORDER BY document_id, side, position",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    (units, documents, segments)
}

fn unit_at(m: &Memory, position: i64) -> crate::store::Unit {
    m.units(&UnitFilter::default())
        .unwrap()
        .into_iter()
        .find(|u| u.position == position)
        .unwrap()
}

/// Approves unit at position 2 with a note, and corrects the target of unit at position 5.
fn review(m: &mut Memory) -> (i64, i64) {
    let approved = unit_at(m, 2).id;
    let edited = unit_at(m, 5).id;
    m.edit_unit(
        approved,
        &UnitEdit {
            status: Some(Status::Approved),
            note: Some("checked".into()),
            ..UnitEdit::default()
        },
        None,
        "alice",
    )
    .unwrap();
    m.edit_unit(
        edited,
        &UnitEdit {
            target: Some("The Interior Ministry said 26 armed criminals were killed.".into()),
            ..UnitEdit::default()
        },
        None,
        "alice",
    )
    .unwrap();
    (approved, edited)
}

#[test]
fn the_same_alignment_again_changes_nothing_and_keeps_the_review_work() {
    let mut m = Memory::open_in_memory().unwrap();
    kazakhstan(&mut m);
    review(&mut m);
    let before = state(&m);
    let history = m.history(None).unwrap();
    let report = realign(&mut m, &read("ar.txt"), &read("en.txt"), &gold(), false).unwrap();
    assert_eq!(report.change, None);
    assert_eq!((report.kept, report.added, report.removed), (18, 0, 0));
    assert_eq!(state(&m), before);
    assert_eq!(m.history(None).unwrap(), history);
}

#[test]
fn a_changed_sentence_gives_new_pairs_for_that_sentence_only() {
    let mut m = Memory::open_in_memory().unwrap();
    kazakhstan(&mut m);
    let (approved, edited) = review(&mut m);
    let old = m.units(&UnitFilter::default()).unwrap();
    // the translator corrects target sentence 9 (unit at position 8)
    let en = read("en.txt").replace("numbers about 2,500 soldiers", "numbers some 2,500 troops");
    let report = realign(&mut m, &read("ar.txt"), &en, &gold(), false).unwrap();
    assert_eq!((report.kept, report.added, report.removed), (17, 1, 1));
    assert_eq!(report.renumbered, 0);
    let change = report.change.unwrap();
    assert_eq!(change.kind, "align");
    assert_eq!(
        change.summary,
        "align 'kazakhstan-2022' again: 17 kept, 1 new, 1 removed"
    );
    assert_eq!(change.user, "bob");
    let now = m.units(&UnitFilter::default()).unwrap();
    for (a, b) in old.iter().zip(&now) {
        if a.position == 8 {
            assert_ne!(a.id, b.id);
            assert_eq!(b.target, "The deployed force numbers some 2,500 troops.");
            assert_eq!(b.status, Status::Draft);
            assert_eq!(b.created_by, "bob");
        } else {
            // everything about a kept unit stays: id, status, note, edited text, dates
            assert_eq!(a, b);
        }
    }
    assert_eq!(m.unit(approved).unwrap().note.as_deref(), Some("checked"));
    assert!(
        m.unit(edited)
            .unwrap()
            .target
            .starts_with("The Interior Ministry said 26")
    );
    // the document holds the new text and its sentences
    let id = m.document_id(NAME).unwrap();
    assert_eq!(m.document_texts(id).unwrap().unwrap().1, en);
}

#[test]
fn a_new_segmentation_keeps_pairs_by_their_text_and_renumbers_them() {
    let mut m = Memory::open_in_memory().unwrap();
    kazakhstan(&mut m);
    let (approved, _) = review(&mut m);
    // the first English sentence becomes two: every later target sentence moves by one
    let en = read("en.txt").replacen("said he had ordered", "said so. He had ordered", 1);
    let mut beads = gold();
    beads[0].target = 0..2;
    for b in &mut beads[1..] {
        b.target = b.target.start + 1..b.target.end + 1;
    }
    let report = realign(&mut m, &read("ar.txt"), &en, &beads, false).unwrap();
    assert_eq!((report.kept, report.added, report.removed), (17, 1, 1));
    assert_eq!(report.renumbered, 17);
    let unit = m.unit(approved).unwrap();
    assert_eq!(unit.target_range, Some(3..4));
    assert_eq!(unit.status, Status::Approved);
    assert_eq!(unit.revision, 3);
}

#[test]
fn removing_review_work_needs_force_and_undo_brings_everything_back() {
    let mut m = Memory::open_in_memory().unwrap();
    kazakhstan(&mut m);
    let (approved, edited) = review(&mut m);
    let before = state(&m);
    // the unit at position 2 changes its source text, the one at 5 its target
    let ar = read("ar.txt").replace("200 ألف", "مئتي ألف");
    let en = read("en.txt").replace("26 \"armed criminals\"", "twenty-six \"armed criminals\"");
    let err = realign(&mut m, &ar, &en, &gold(), false).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the new alignment of 'kazakhstan-2022' would remove 2 pairs with review work (1 approved, 1 with a note, 1 with an edited text); add --force to go on ('bitext undo' brings them back)"
    );
    assert_eq!(state(&m), before);
    let report = realign(&mut m, &ar, &en, &gold(), true).unwrap();
    assert_eq!((report.removed, report.removed_with_work), (2, 2));
    assert!(m.unit(approved).is_err() && m.unit(edited).is_err());
    let change = report.change.unwrap();
    let d = change.document_change.as_ref().unwrap();
    assert!(!d.created);
    assert_eq!(
        d.before.as_ref().unwrap().source_text.as_deref(),
        Some(read("ar.txt").as_str())
    );
    let undo = m.undo(None, "carol").unwrap();
    assert_eq!(undo.undoes, Some(change.id));
    assert_eq!(state(&m), before);
    // the units that came back are at a new revision
    assert!(m.unit(approved).unwrap().revision > 2);
}

#[test]
fn undo_of_a_replacement_waits_for_later_changes_of_the_document() {
    let mut m = Memory::open_in_memory().unwrap();
    kazakhstan(&mut m);
    let status = |s| UnitEdit {
        status: Some(s),
        ..UnitEdit::default()
    };
    let earlier = m
        .edit_unit(unit_at(&m, 0).id, &status(Status::Reviewed), None, "alice")
        .unwrap();
    let en = read("en.txt").replace("about 2,500", "some 2,500");
    let change = realign(&mut m, &read("ar.txt"), &en, &gold(), false)
        .unwrap()
        .change
        .unwrap();
    let later = m
        .edit_units(
            &Selection::one(unit_at(&m, 1).id, None),
            &status(Status::Reviewed),
            "alice",
        )
        .unwrap()
        .change
        .unwrap();
    let err = m.undo(Some(change.id), "alice").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot undo change {}: change {} (edit) came after it in the same document; undo that first",
            change.id, later.id
        )
    );
    m.undo(None, "alice").unwrap();
    // nor can an edit made before the replacement be undone before it
    let err = m.undo(Some(earlier.id), "alice").unwrap_err();
    assert!(
        err.to_string().contains(&format!(
            "change {} (align) came after it in the same document and moved its units",
            change.id
        )),
        "{err}"
    );
    m.undo(None, "alice").unwrap();
    m.undo(Some(earlier.id), "alice").unwrap();
}

#[test]
fn history_of_other_documents_is_never_touched() {
    let mut m = Memory::open_in_memory().unwrap();
    kazakhstan(&mut m);
    let other = crate::store::NewDocument {
        name: "other",
        source_lang: Lang::Ar,
        target_lang: Lang::En,
        source_text: "جملة أولى. جملة ثانية.",
        target_text: "First. Second.",
        source_sentences: &crate::segment::split("جملة أولى. جملة ثانية.", Lang::Ar),
        target_sentences: &crate::segment::split("First. Second.", Lang::En),
        beads: &[
            Bead {
                source: 0..1,
                target: 0..1,
                score: 0.8,
            },
            Bead {
                source: 1..2,
                target: 1..2,
                score: 0.8,
            },
        ],
    };
    m.add_document(&other, false, "tester").unwrap();
    let id = unit_at_doc(&m, "other");
    m.edit_unit(
        id,
        &UnitEdit {
            note: Some("keep".into()),
            ..UnitEdit::default()
        },
        None,
        "alice",
    )
    .unwrap();
    let theirs = |m: &Memory| -> Vec<Change> {
        m.history(None)
            .unwrap()
            .into_iter()
            .filter(|c| c.document.as_deref() == Some("other"))
            .collect()
    };
    let before = theirs(&m);
    let en = read("en.txt").replace("about 2,500", "some 2,500");
    realign(&mut m, &read("ar.txt"), &en, &gold(), true).unwrap();
    m.undo(None, "alice").unwrap();
    // undo the article's align itself: the article goes, the other document's history stays
    m.undo(Some(1), "alice").unwrap();
    assert_eq!(theirs(&m), before);
    assert_eq!(m.documents().unwrap().len(), 1);
    assert_eq!(m.unit(id).unwrap().note.as_deref(), Some("keep"));
}

fn unit_at_doc(m: &Memory, name: &str) -> i64 {
    m.units(&UnitFilter {
        document: Some(name.into()),
        ..UnitFilter::default()
    })
    .unwrap()[0]
        .id
}

#[test]
fn undoing_the_align_that_stored_a_document_removes_it_and_its_name_can_be_used_again() {
    let mut m = Memory::open_in_memory().unwrap();
    let first = kazakhstan(&mut m);
    m.undo(None, "alice").unwrap();
    assert!(m.documents().unwrap().is_empty());
    let segments: i64 = m
        .conn
        .query_row("SELECT count(*) FROM segments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(segments, 0);
    // stored again, the document gets a new id: the history's ids never name two documents
    let second = kazakhstan(&mut m);
    assert!(second > first);
    let history = m.history(None).unwrap();
    assert_eq!(history.len(), 3);
    assert!(history.iter().all(|c| c.document.as_deref() == Some(NAME)));
    // the first align is undone; the second is in effect
    assert_eq!(history[0].kind, "align");
    assert_eq!(history[0].undone_by, None);
}

#[test]
fn a_realignment_without_new_texts_matches_by_sentence_ranges() {
    let mut m = Memory::open_in_memory().unwrap();
    kazakhstan(&mut m);
    let (approved, _) = review(&mut m);
    // merge the last two beads: units at positions 16 and 17 go, one new unit comes
    let mut beads = gold();
    let last = beads.pop().unwrap();
    let before_last = beads.last_mut().unwrap();
    before_last.source.end = last.source.end;
    before_last.target.end = last.target.end;
    let report = m
        .replace_alignment(
            &Realignment {
                document: NAME,
                texts: None,
                beads: &beads,
            },
            false,
            "bob",
        )
        .unwrap();
    assert_eq!((report.kept, report.added, report.removed), (16, 1, 2));
    assert!(
        report
            .change
            .unwrap()
            .document_change
            .unwrap()
            .before
            .is_none()
    );
    assert_eq!(m.unit(approved).unwrap().status, Status::Approved);
}

#[test]
fn bad_alignments_are_refused() {
    let mut m = Memory::open_in_memory().unwrap();
    kazakhstan(&mut m);
    let mut beads = gold();
    beads.pop();
    let err = realign(&mut m, &read("ar.txt"), &read("en.txt"), &beads, false).unwrap_err();
    assert!(
        err.to_string()
            .contains("the alignment covers 17 of 18 source"),
        "{err}"
    );
    beads = gold();
    beads.swap(2, 3);
    let err = realign(&mut m, &read("ar.txt"), &read("en.txt"), &beads, false).unwrap_err();
    assert!(
        err.to_string()
            .contains("does not cover the sentences in order"),
        "{err}"
    );
    let err = m
        .replace_alignment(
            &Realignment {
                document: "nope",
                texts: None,
                beads: &beads,
            },
            false,
            "bob",
        )
        .unwrap_err();
    assert!(matches!(err, Error::UnknownDocument(_)));
}

#[test]
fn matching_is_in_order_and_finds_the_longest_common_run() {
    let old = ["a", "b", "c", "d", "b"];
    let new = ["b", "x", "c", "d", "e"];
    assert_eq!(diff_match(&old, &new), [(1, 0), (2, 2), (3, 3)]);
    // repeated items match in order, never crossing
    assert_eq!(diff_match(&["x", "x"], &["x"]).len(), 1);
    assert!(diff_match::<&str>(&[], &["a"]).is_empty());
    // nothing in common: nothing matched, and no diff of the whole is run
    let many: Vec<String> = (0..5000).map(|k| format!("old {k}")).collect();
    let other: Vec<String> = (0..5000).map(|k| format!("new {k}")).collect();
    assert!(diff_match(&many, &other).is_empty());
}

#[test]
fn the_align_that_stored_a_document_is_not_undone_over_units_imported_into_it() {
    let mut m = Memory::open_in_memory().unwrap();
    let id = kazakhstan(&mut m);
    // as an import into the document would: a unit outside the history
    m.conn
        .execute(
            "INSERT INTO units (document_id, position, source, target, created, created_by,
                changed, changed_by)
             VALUES (?1, 18, 'نص', 'text', 'now', 'tmx', 'now', 'tmx')",
            [id],
        )
        .unwrap();
    let before = state(&m);
    let err = m.undo(Some(1), "alice").unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot undo change 1: document 'kazakhstan-2022' holds 19 units that are not the 18 that change stored (were units imported into it?)"
    );
    assert_eq!(state(&m), before);
}

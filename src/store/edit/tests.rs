use proptest::prelude::*;

use super::*;
use crate::fixtures::kazakhstan;
use crate::store::{NewDocument, Selection, UnitFilter};

fn memory() -> Memory {
    let mut m = Memory::open_in_memory().unwrap();
    kazakhstan(&mut m);
    m
}

/// Every unit row, by id, without its revision: what "the units table exactly" means across
/// undo (which restores every column but the revision, which only grows).
fn dump(m: &Memory) -> Vec<UnitRow> {
    revisions_dump(m).into_iter().map(|r| r.content()).collect()
}

/// Every unit row, by id, complete.
fn revisions_dump(m: &Memory) -> Vec<UnitRow> {
    let ids: Vec<i64> = m
        .conn
        .prepare("SELECT id FROM units ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    ids.into_iter()
        .map(|id| read_row(&m.conn, id).unwrap().unwrap())
        .collect()
}

/// The index's vocabulary: term, column, units holding it.
fn vocabulary(m: &Memory) -> Vec<(String, String, i64)> {
    m.conn
        .prepare("SELECT term, col, doc FROM unit_index_terms ORDER BY term, col")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// The document's order holds: consecutive positions, and sentence ranges that follow each
/// other without gaps or overlaps on both sides.
fn assert_in_order(m: &Memory) {
    let units = m.units(&UnitFilter::default()).unwrap();
    let mut by_doc: std::collections::BTreeMap<&str, Vec<&crate::store::Unit>> = Default::default();
    for u in &units {
        by_doc.entry(&u.document).or_default().push(u);
    }
    for list in by_doc.values() {
        for w in list.windows(2) {
            assert_eq!(w[0].position + 1, w[1].position, "{:?}", list);
            if let (Some(a), Some(b)) = (&w[0].source_range, &w[1].source_range) {
                assert!(a.end <= b.start, "{a:?} {b:?}");
            }
            if let (Some(a), Some(b)) = (&w[0].target_range, &w[1].target_range) {
                assert!(a.end <= b.start, "{a:?} {b:?}");
            }
        }
    }
}

fn unit_at(m: &Memory, position: i64) -> crate::store::Unit {
    m.units(&UnitFilter::default())
        .unwrap()
        .into_iter()
        .find(|u| u.position == position)
        .unwrap()
}

#[test]
fn an_edit_changes_the_unit_and_records_before_and_after() {
    let mut m = memory();
    let u = unit_at(&m, 0);
    let change = m
        .edit_unit(
            u.id,
            &UnitEdit {
                target: Some("Kazakhstan's president said he ordered gendarmes to fire.".into()),
                status: Some(Status::Reviewed),
                note: Some("shortened".into()),
                ..UnitEdit::default()
            },
            None,
            "alice",
        )
        .unwrap();
    assert_eq!(change.kind, "edit");
    assert_eq!(
        change.summary,
        format!("edit #{}: target, status, note", u.id)
    );
    assert_eq!(change.user, "alice");
    assert_eq!(change.document.as_deref(), Some("kazakhstan-2022"));
    assert_eq!(change.before[0].text("status"), Some("draft"));
    assert_eq!(change.after[0].text("status"), Some("reviewed"));
    let now = m.unit(u.id).unwrap();
    assert_eq!(now.status, Status::Reviewed);
    assert_eq!(now.note.as_deref(), Some("shortened"));
    assert_eq!(now.changed_by, "alice");
    assert_eq!(now.created, u.created);
    assert_eq!(now.source_range, u.source_range);
    // the index follows: the new word is found, the old one is not
    assert_eq!(m.term_units(Side::Target, "gendarmes").unwrap(), 1);
    assert_eq!(m.term_units(Side::Target, "crackdown").unwrap(), 0);
    // an empty note removes the note
    m.edit_unit(
        u.id,
        &UnitEdit {
            note: Some(String::new()),
            ..UnitEdit::default()
        },
        None,
        "bob",
    )
    .unwrap();
    assert_eq!(m.unit(u.id).unwrap().note, None);
}

#[test]
fn bad_edits_are_refused_and_change_nothing() {
    let mut m = memory();
    let before = dump(&m);
    let u = unit_at(&m, 2);
    let cases = [
        (UnitEdit::default(), u.id, "nothing to change"),
        (
            UnitEdit {
                source: Some("  ".into()),
                ..UnitEdit::default()
            },
            u.id,
            "--source cannot be empty",
        ),
        (
            UnitEdit {
                source: Some(u.source.clone()),
                status: Some(Status::Draft),
                ..UnitEdit::default()
            },
            u.id,
            "changes nothing",
        ),
        (
            UnitEdit {
                status: Some(Status::Approved),
                ..UnitEdit::default()
            },
            999,
            "no unit with id 999",
        ),
    ];
    for (edit, id, message) in cases {
        let err = m.edit_unit(id, &edit, None, "alice").unwrap_err();
        assert!(err.to_string().contains(message), "{err}");
        assert_eq!(err.exit_code(), 1);
    }
    assert_eq!(dump(&m), before);
    // only the align that stored the document
    assert_eq!(m.history(None).unwrap().len(), 1);
}

#[test]
fn a_one_to_two_unit_splits_at_the_sentence_boundary() {
    let mut m = memory();
    let doc_id = m.document_id("kazakhstan-2022").unwrap();
    let targets = m.sentences(doc_id, "target").unwrap();
    let u = unit_at(&m, 3); // source sentence 3, target sentences 3-4
    assert_eq!(
        (u.source_range.clone(), u.target_range.clone()),
        (Some(3..4), Some(3..5))
    );
    let after = unit_at(&m, 4);
    let change = m.split_unit(u.id, 1, 1, None, "alice").unwrap();
    assert_eq!(change.kind, "split");
    assert_eq!(change.after.len(), 2);
    let new_id = change.after[1].id();
    assert_eq!(
        change.summary,
        format!(
            "split #{} into #{} and #{new_id}: source sentences 1 + 0, target 1 + 1",
            u.id, u.id
        )
    );
    let first = m.unit(u.id).unwrap();
    let second = m.unit(new_id).unwrap();
    assert_eq!(first.source, u.source);
    assert_eq!(first.target, targets[3].1);
    assert_eq!(first.target_range, Some(3..4));
    assert_eq!(second.source, "");
    assert_eq!(second.source_range, Some(4..4));
    assert_eq!(second.target, targets[4].1);
    assert_eq!(second.target_range, Some(4..5));
    assert_eq!((first.position, second.position), (3, 4));
    assert_eq!(second.created_by, "alice");
    // rescored: a 1-2 pair cut into a 1-1 and a 0-1 pair is worse than it was
    assert!(first.score.unwrap() < 0.5, "{:?}", first.score);
    assert!(second.score.unwrap() < 0.5, "{:?}", second.score);
    // the units after it moved down by one
    assert_eq!(m.unit(after.id).unwrap().position, 5);
    assert_in_order(&m);
}

#[test]
fn a_one_to_one_unit_splits_into_one_to_zero_and_zero_to_one() {
    let mut m = memory();
    let u = unit_at(&m, 0);
    let change = m.split_unit(u.id, 1, 0, None, "alice").unwrap();
    let first = m.unit(u.id).unwrap();
    let second = m.unit(change.after[1].id()).unwrap();
    assert_eq!(
        (first.source.as_str(), first.target.as_str()),
        (u.source.as_str(), "")
    );
    assert_eq!(
        (second.source.as_str(), second.target.as_str()),
        ("", u.target.as_str())
    );
    assert_eq!(first.target_range, Some(0..0));
    assert_eq!(second.target_range, Some(0..1));
    assert_in_order(&m);
}

#[test]
fn bad_splits_are_refused_and_change_nothing() {
    let mut m = memory();
    let before = dump(&m);
    let u = unit_at(&m, 3);
    for (s, t, message) in [
        (2, 1, "--source-at 2 is outside unit"),
        (1, 3, "its target has 2 sentences (give 0 to 2)"),
        (0, 0, "would leave an empty unit"),
        (1, 2, "would leave an empty unit"),
    ] {
        let err = m.split_unit(u.id, s, t, None, "alice").unwrap_err();
        assert!(err.to_string().contains(message), "{err}");
    }
    assert!(matches!(
        m.split_unit(999, 1, 1, None, "alice"),
        Err(Error::UnknownUnit(999))
    ));
    assert_eq!(dump(&m), before);
}

#[test]
fn an_edited_unit_splits_where_the_segmenter_finds_its_sentences() {
    let mut m = memory();
    let u = unit_at(&m, 3);
    let edited =
        "But Tokayev also said on Friday that order had been restored. He spoke after a meeting.";
    m.edit_unit(
        u.id,
        &UnitEdit {
            target: Some(edited.into()),
            ..UnitEdit::default()
        },
        None,
        "alice",
    )
    .unwrap();
    let change = m.split_unit(u.id, 1, 1, None, "alice").unwrap();
    assert_eq!(
        change.after[0].text("target"),
        Some("But Tokayev also said on Friday that order had been restored.")
    );
    assert_eq!(
        change.after[1].text("target"),
        Some("He spoke after a meeting.")
    );
    // an edit that changed the number of sentences leaves no boundary to trust
    let v = unit_at(&m, 0);
    m.edit_unit(
        v.id,
        &UnitEdit {
            target: Some("One sentence. Now two.".into()),
            ..UnitEdit::default()
        },
        None,
        "alice",
    )
    .unwrap();
    let err = m.split_unit(v.id, 1, 1, None, "alice").unwrap_err();
    assert!(
        err.to_string()
            .contains("its target was edited and now reads as 2 sentences, not the 1"),
        "{err}"
    );
}

#[test]
fn a_unit_without_sentences_is_split_by_the_segmenter() {
    // as imported from TMX: no sentence ranges, no document text
    let mut m = memory();
    let doc = m.document_id("kazakhstan-2022").unwrap();
    m.conn
        .execute(
            "INSERT INTO documents (name, source_lang, target_lang, created, created_by)
             VALUES ('imported', 'ar', 'en', 'now', 'tmx')",
            [],
        )
        .unwrap();
    let imported = m.document_id("imported").unwrap();
    assert_ne!(doc, imported);
    m.conn
        .execute(
            "INSERT INTO units (document_id, position, source, target, created, created_by, changed, changed_by)
             VALUES (?1, 0, 'جملة أولى. جملة ثانية.', 'First one. Second one.', 'now', 'tmx', 'now', 'tmx')",
            [imported],
        )
        .unwrap();
    let id = m.conn.last_insert_rowid();
    let change = m.split_unit(id, 1, 1, None, "alice").unwrap();
    assert_eq!(change.after[0].text("source"), Some("جملة أولى."));
    assert_eq!(change.after[1].text("target"), Some("Second one."));
    assert_eq!(change.after[1].range(Side::Source), None);
    let err = m.split_unit(id, 2, 1, None, "alice").unwrap_err();
    assert!(
        err.to_string()
            .contains("its source has 1 sentence (give 0 to 1)"),
        "{err}"
    );
}

#[test]
fn neighbours_merge_into_the_document_text() {
    let mut m = memory();
    let doc_id = m.document_id("kazakhstan-2022").unwrap();
    let (ar, _) = m.document_texts(doc_id).unwrap().unwrap();
    let sentences = m.sentences(doc_id, "source").unwrap();
    let (a, b, c) = (unit_at(&m, 4), unit_at(&m, 5), unit_at(&m, 6));
    // either order names the same pair
    let change = m.merge_units(b.id, a.id, [None, None], "alice").unwrap();
    assert_eq!(
        change.summary,
        format!("merge #{} and #{} into #{}", a.id, b.id, a.id)
    );
    let merged = m.unit(a.id).unwrap();
    assert_eq!(merged.source, &ar[sentences[4].0.start..sentences[5].0.end]);
    assert_eq!(merged.source_range, Some(4..6));
    assert_eq!(merged.target_range, Some(5..7));
    assert!(matches!(m.unit(b.id), Err(Error::UnknownUnit(_))));
    assert_eq!(m.unit(c.id).unwrap().position, 5);
    assert_in_order(&m);
}

#[test]
fn merging_keeps_a_shared_status_and_both_notes() {
    let mut m = memory();
    let (a, b) = (unit_at(&m, 0), unit_at(&m, 1));
    for (id, note) in [(a.id, "first"), (b.id, "second")] {
        m.edit_unit(
            id,
            &UnitEdit {
                status: Some(Status::Approved),
                note: Some(note.into()),
                ..UnitEdit::default()
            },
            None,
            "alice",
        )
        .unwrap();
    }
    m.merge_units(a.id, b.id, [None, None], "alice").unwrap();
    let merged = m.unit(a.id).unwrap();
    assert_eq!(merged.status, Status::Approved);
    assert_eq!(merged.note.as_deref(), Some("first; second"));
    let c = unit_at(&m, 1);
    m.merge_units(a.id, c.id, [None, None], "alice").unwrap();
    // approved + draft is no longer approved
    assert_eq!(m.unit(a.id).unwrap().status, Status::Draft);
}

#[test]
fn bad_merges_are_refused_and_change_nothing() {
    let mut m = memory();
    second_document(&mut m);
    let before = dump(&m);
    let (a, c) = (unit_at(&m, 0), unit_at(&m, 2));
    let other = m
        .units(&UnitFilter {
            document: Some("second".into()),
            ..UnitFilter::default()
        })
        .unwrap()[0]
        .clone();
    for (x, y, message) in [
        (a.id, c.id, "are not neighbours: 1 unit lies between"),
        (a.id, a.id, "with itself"),
        (
            a.id,
            other.id,
            "in different documents ('kazakhstan-2022' and 'second')",
        ),
        (a.id, 999, "no unit with id 999"),
    ] {
        let err = m.merge_units(x, y, [None, None], "alice").unwrap_err();
        assert!(err.to_string().contains(message), "{err}");
    }
    assert_eq!(dump(&m), before);
}

fn second_document(m: &mut Memory) {
    let ar = "جملة أولى. جملة ثانية. جملة ثالثة.";
    let en = "First. Second. Third.";
    let ss = crate::segment::split(ar, Lang::Ar);
    let ts = crate::segment::split(en, Lang::En);
    let beads: Vec<crate::align::Bead> = (0..3)
        .map(|k| crate::align::Bead {
            source: k..k + 1,
            target: k..k + 1,
            score: 0.5,
        })
        .collect();
    m.add_document(
        &NewDocument {
            name: "second",
            source_lang: Lang::Ar,
            target_lang: Lang::En,
            source_text: ar,
            target_text: en,
            source_sentences: &ss,
            target_sentences: &ts,
            beads: &beads,
        },
        false,
        "tester",
    )
    .unwrap();
}

#[test]
fn a_deleted_unit_comes_back_with_undo() {
    let mut m = memory();
    let before = dump(&m);
    let u = unit_at(&m, 7);
    let change = m.delete_unit(u.id, None, "alice").unwrap();
    assert_eq!((change.before.len(), change.after.len()), (1, 0));
    assert!(matches!(m.unit(u.id), Err(Error::UnknownUnit(_))));
    assert_eq!(unit_at(&m, 7).position, 7);
    let undo = m.undo(None, "bob").unwrap();
    assert_eq!(undo.kind, "undo");
    assert_eq!(undo.undoes, Some(change.id));
    assert_eq!(undo.user, "bob");
    assert_eq!(m.change(change.id).unwrap().undone_by, Some(undo.id));
    assert_eq!(dump(&m), before);
    assert!(matches!(
        m.delete_unit(999, None, "alice"),
        Err(Error::UnknownUnit(999))
    ));
}

#[test]
fn each_change_is_undone_exactly() {
    let mut m = memory();
    let start = dump(&m);
    let words = vocabulary(&m);
    let (a, b) = (unit_at(&m, 3), unit_at(&m, 9));
    m.split_unit(a.id, 1, 1, None, "alice").unwrap();
    m.merge_units(b.id, unit_at(&m, 11).id, [None, None], "alice")
        .unwrap();
    m.edit_unit(
        a.id,
        &UnitEdit {
            source: Some("نص جديد".into()),
            ..UnitEdit::default()
        },
        None,
        "alice",
    )
    .unwrap();
    m.delete_unit(unit_at(&m, 0).id, None, "alice").unwrap();
    for _ in 0..4 {
        m.undo(None, "alice").unwrap();
    }
    assert_eq!(dump(&m), start);
    assert_eq!(vocabulary(&m), words);
    // the history holds the align that stored the document, the four changes and their undos
    assert_eq!(m.history(None).unwrap().len(), 9);
    // undoing that align removes the document again
    let align = m.undo(None, "alice").unwrap();
    assert_eq!(align.undoes, Some(1));
    assert!(dump(&m).is_empty());
    assert!(vocabulary(&m).is_empty());
    assert!(m.documents().unwrap().is_empty());
    let err = m.undo(None, "alice").unwrap_err();
    assert!(err.to_string().starts_with("nothing to undo"), "{err}");
    // and the history still names it
    assert!(
        m.history(None)
            .unwrap()
            .iter()
            .all(|c| c.document.as_deref() == Some("kazakhstan-2022"))
    );
}

#[test]
fn undo_by_id_when_nothing_later_touched_the_same_units() {
    let mut m = memory();
    let (a, b) = (unit_at(&m, 1), unit_at(&m, 2));
    let status = |s| UnitEdit {
        status: Some(s),
        ..UnitEdit::default()
    };
    let first = m
        .edit_unit(a.id, &status(Status::Reviewed), None, "alice")
        .unwrap();
    let second = m
        .edit_unit(b.id, &status(Status::Approved), None, "alice")
        .unwrap();
    let third = m
        .edit_unit(a.id, &status(Status::Approved), None, "alice")
        .unwrap();
    // change 1 touched unit a, which change 3 changed again
    let err = m.undo(Some(first.id), "alice").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot undo change {}: unit {} was changed again by change {} (edit); undo that first",
            first.id, a.id, third.id
        )
    );
    // change 2 can go: nothing after it touched unit b
    m.undo(Some(second.id), "alice").unwrap();
    assert_eq!(m.unit(b.id).unwrap().status, Status::Draft);
    assert_eq!(m.unit(a.id).unwrap().status, Status::Approved);
    let again = m.undo(Some(second.id), "alice").unwrap_err();
    assert!(again.to_string().contains("was already undone"), "{again}");
    // once change 3 is undone, change 1 can be
    m.undo(Some(third.id), "alice").unwrap();
    m.undo(Some(first.id), "alice").unwrap();
    assert_eq!(m.unit(a.id).unwrap().status, Status::Draft);
    let undo = m.history(None).unwrap()[0].clone();
    let err = m.undo(Some(undo.id), "alice").unwrap_err();
    assert!(err.to_string().contains("is itself an undo"), "{err}");
    assert!(matches!(
        m.undo(Some(99), "alice"),
        Err(Error::UnknownChange(99))
    ));
}

#[test]
fn a_change_that_moved_units_is_undone_only_in_order() {
    let mut m = memory();
    let split = m
        .split_unit(unit_at(&m, 3).id, 1, 1, None, "alice")
        .unwrap();
    let later = m
        .edit_unit(
            unit_at(&m, 10).id,
            &UnitEdit {
                status: Some(Status::Rejected),
                ..UnitEdit::default()
            },
            None,
            "alice",
        )
        .unwrap();
    let err = m.undo(Some(split.id), "alice").unwrap_err();
    assert!(
        err.to_string().contains(&format!(
            "change {} (edit) came after it in the same document; undo that first",
            later.id
        )),
        "{err}"
    );
}

#[test]
fn a_damaged_history_row_stops_undo_and_changes_nothing() {
    let mut m = memory();
    let change = m.delete_unit(unit_at(&m, 4).id, None, "alice").unwrap();
    m.conn
        .execute(
            "UPDATE changes SET before = '[{\"id\": 5, ' WHERE id = ?1",
            [change.id],
        )
        .unwrap();
    let units = dump(&m);
    let err = m.undo(None, "alice").unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("change {} of the history is damaged", change.id)),
        "{err}"
    );
    assert_eq!(err.to_string().lines().count(), 1, "{err}");
    assert_eq!(dump(&m), units);
    assert!(m.history(None).is_err());
}

#[test]
fn undo_refuses_units_changed_outside_the_history() {
    let mut m = memory();
    let u = unit_at(&m, 0);
    m.edit_unit(
        u.id,
        &UnitEdit {
            status: Some(Status::Reviewed),
            ..UnitEdit::default()
        },
        None,
        "alice",
    )
    .unwrap();
    m.conn
        .execute("UPDATE units SET note = 'by hand' WHERE id = ?1", [u.id])
        .unwrap();
    let err = m.undo(None, "alice").unwrap_err();
    assert!(
        err.to_string().contains("no longer as that change left it"),
        "{err}"
    );
}

#[test]
fn history_lists_changes_latest_first_or_for_one_unit() {
    let mut m = memory();
    let (a, b) = (unit_at(&m, 0), unit_at(&m, 1));
    m.edit_unit(
        a.id,
        &UnitEdit {
            note: Some("check".into()),
            ..UnitEdit::default()
        },
        None,
        "alice",
    )
    .unwrap();
    m.delete_unit(b.id, None, "bob").unwrap();
    let all = m.history(None).unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].kind, "delete");
    assert_eq!(all[0].user, "bob");
    // the align that stored the document names its units by ids, without copying them
    assert_eq!(all[2].kind, "align");
    assert!(all[2].after.is_empty());
    let stored = all[2].document_change.as_ref().unwrap().stored_units;
    assert_eq!(stored, Some([1, 18]));
    let of_a = m.history(Some(a.id)).unwrap();
    assert_eq!(of_a.len(), 1);
    assert_eq!(of_a[0].kind, "edit");
    // a deleted unit still has its history
    assert_eq!(m.history(Some(b.id)).unwrap().len(), 1);
    // a unit that never changed has none; a unit that never was is an error
    assert!(m.history(Some(unit_at(&m, 5).id)).unwrap().is_empty());
    assert!(matches!(m.history(Some(999)), Err(Error::UnknownUnit(999))));
}

#[test]
fn scores_and_times_survive_the_history_exactly() {
    // a score such as 0.1234 must come back bit for bit from the JSON
    let mut m = memory();
    let u = unit_at(&m, 2);
    m.conn
        .execute("UPDATE units SET score = 0.1 + 0.2 WHERE id = ?1", [u.id])
        .unwrap();
    let before = dump(&m);
    m.delete_unit(u.id, None, "alice").unwrap();
    m.undo(None, "alice").unwrap();
    assert_eq!(dump(&m), before);
}

/// One step of the property test, with indices taken modulo what exists.
#[derive(Clone, Debug)]
enum Op {
    Edit(usize, u8),
    Split(usize, usize, usize),
    Merge(usize),
    Delete(usize),
    /// A status for several units at once, of either document.
    BulkStatus(Vec<usize>, u8),
    /// Several units, anywhere, deleted at once.
    BulkDelete(Vec<usize>),
    /// A sentence of a side (source when true) to the previous pair (when true) or the next.
    Move(usize, bool, bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(u, k)| Op::Edit(u, k)),
        (any::<usize>(), 0..3usize, 0..3usize).prop_map(|(u, s, t)| Op::Split(u, s, t)),
        any::<usize>().prop_map(Op::Merge),
        any::<usize>().prop_map(Op::Delete),
        (prop::collection::vec(any::<usize>(), 1..6), any::<u8>())
            .prop_map(|(us, k)| Op::BulkStatus(us, k)),
        prop::collection::vec(any::<usize>(), 1..5).prop_map(Op::BulkDelete),
        (any::<usize>(), any::<bool>(), any::<bool>()).prop_map(|(u, s, p)| Op::Move(u, s, p)),
    ]
}

/// Runs one step; `Ok(None)` when it was accepted and changed nothing.
fn run(m: &mut Memory, op: &Op) -> Result<Option<Change>> {
    let units = m.units(&UnitFilter::default())?;
    let pick = |k: usize| &units[k % units.len()];
    match op {
        &Op::Edit(u, k) => {
            let edit = match k % 4 {
                0 => UnitEdit {
                    source: Some(format!("نص {k}")),
                    ..UnitEdit::default()
                },
                1 => UnitEdit {
                    target: Some(format!("text {k}")),
                    ..UnitEdit::default()
                },
                2 => UnitEdit {
                    status: Some(Status::ALL[(k / 4) as usize % 4]),
                    ..UnitEdit::default()
                },
                _ => UnitEdit {
                    note: Some(if k % 8 == 3 {
                        String::new()
                    } else {
                        format!("note {k}")
                    }),
                    ..UnitEdit::default()
                },
            };
            m.edit_unit(pick(u).id, &edit, None, "prop").map(Some)
        }
        &Op::Split(u, s, t) => m.split_unit(pick(u).id, s, t, None, "prop").map(Some),
        &Op::Merge(u) => {
            let k = u % units.len();
            let next = &units[(k + 1) % units.len()];
            m.merge_units(units[k].id, next.id, [None, None], "prop")
                .map(Some)
        }
        &Op::Delete(u) => m.delete_unit(pick(u).id, None, "prop").map(Some),
        Op::BulkStatus(us, k) => {
            let edit = UnitEdit {
                status: Some(Status::ALL[*k as usize % 4]),
                ..UnitEdit::default()
            };
            let selection = Selection::ids(us.iter().map(|&u| pick(u).id));
            Ok(m.edit_units(&selection, &edit, "prop")?.change)
        }
        Op::BulkDelete(us) => {
            let selection = Selection::ids(us.iter().map(|&u| pick(u).id));
            Ok(m.delete_units(&selection, "prop")?.change)
        }
        &Op::Move(u, source, previous) => {
            let side = if source { Side::Source } else { Side::Target };
            let direction = if previous {
                Direction::Previous
            } else {
                Direction::Next
            };
            m.move_sentence(pick(u).id, side, direction, None, "prop")
                .map(Some)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_edits_then_as_many_undos_restore_the_units_exactly(ops in prop::collection::vec(op(), 1..14)) {
        let mut m = memory();
        second_document(&mut m);
        let start = dump(&m);
        let words = vocabulary(&m);
        let mut done = 0;
        for op in &ops {
            if m.units(&UnitFilter::default()).unwrap().len() < 2 {
                break;
            }
            let before = dump(&m);
            match run(&mut m, op) {
                Ok(Some(_)) => done += 1,
                Ok(None) => prop_assert_eq!(dump(&m), before),
                // a refused change changes nothing
                Err(_) => prop_assert_eq!(dump(&m), before),
            }
            assert_in_order(&m);
        }
        let revisions_before = revisions_dump(&m);
        for _ in 0..done {
            m.undo(None, "prop").unwrap();
            assert_in_order(&m);
        }
        prop_assert_eq!(dump(&m), start);
        prop_assert_eq!(vocabulary(&m), words);
        // revisions never go back: a unit seen before the undos is at the same or a later one
        for row in revisions_dump(&m) {
            if let Some(was) = revisions_before.iter().find(|r| r.id() == row.id()) {
                prop_assert!(row.revision() >= was.revision());
            }
        }
    }
}

#[test]
fn a_bulk_edit_is_one_change_across_documents_and_skips_what_already_reads_so() {
    let mut m = memory();
    second_document(&mut m);
    let (a, b, c) = (unit_at(&m, 0).id, unit_at(&m, 1).id, unit_at(&m, 2).id);
    let other = m
        .units(&UnitFilter {
            document: Some("second".into()),
            ..UnitFilter::default()
        })
        .unwrap();
    let approve = UnitEdit {
        status: Some(Status::Approved),
        ..UnitEdit::default()
    };
    m.edit_unit(a, &approve, None, "alice").unwrap();
    let start = dump(&m);
    let report = m
        .edit_units(&Selection::ids([c, a, b, other[1].id, a]), &approve, "bob")
        .unwrap();
    assert_eq!((report.selected, report.skipped), (4, 1));
    let change = report.change.unwrap();
    assert_eq!(change.summary, "edit 3 units: status");
    assert_eq!(change.document, None);
    assert_eq!(change.documents, ["kazakhstan-2022", "second"]);
    // in document order
    let ids: Vec<i64> = change.after.iter().map(UnitRow::id).collect();
    assert_eq!(ids, [b, c, other[1].id]);
    assert!(
        ids.iter()
            .all(|&id| m.unit(id).unwrap().status == Status::Approved)
    );
    // nothing left to do: no change recorded
    let history = m.history(None).unwrap().len();
    let again = m
        .edit_units(&Selection::ids([a, b]), &approve, "bob")
        .unwrap();
    assert_eq!((again.change, again.selected, again.skipped), (None, 2, 2));
    assert_eq!(m.history(None).unwrap().len(), history);
    // one undo takes back the whole bulk edit
    m.undo(None, "bob").unwrap();
    assert_eq!(dump(&m), start);
    // a selection by filter: every pair of a document scored below a value
    let noted = m
        .edit_units(
            &Selection::Filter(UnitFilter {
                document: Some("second".into()),
                max_score: Some(0.6),
                ..UnitFilter::default()
            }),
            &UnitEdit {
                note: Some("check".into()),
                ..UnitEdit::default()
            },
            "bob",
        )
        .unwrap();
    assert_eq!(noted.selected, 3);
    // text edits take one unit
    let err = m
        .edit_units(
            &Selection::ids([a, b]),
            &UnitEdit {
                target: Some("x".into()),
                ..UnitEdit::default()
            },
            "bob",
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "--source and --target correct one pair at a time, and 2 pairs are selected"
    );
    let err = m
        .edit_units(&Selection::ids([a, 999]), &approve, "bob")
        .unwrap_err();
    assert!(matches!(err, Error::UnknownUnit(999)));
}

#[test]
fn a_bulk_delete_of_scattered_units_keeps_the_order_and_is_undone_exactly() {
    let mut m = memory();
    second_document(&mut m);
    let start = dump(&m);
    let picked: Vec<i64> = [1, 4, 5, 9, 17]
        .into_iter()
        .map(|p| unit_at(&m, p).id)
        .chain([m
            .units(&UnitFilter {
                document: Some("second".into()),
                ..UnitFilter::default()
            })
            .unwrap()[0]
            .id])
        .collect();
    let report = m
        .delete_units(&Selection::ids(picked.clone()), "alice")
        .unwrap();
    let change = report.change.unwrap();
    assert_eq!(change.summary, "delete 6 units");
    assert_eq!(m.units(&UnitFilter::default()).unwrap().len(), 21 - 6);
    assert_in_order(&m);
    // positions 1, 4, 5 and 9 went before it: the unit that was at 16 is at 12
    assert_eq!(unit_at(&m, 12).source_range, Some(16..17));
    m.undo(None, "alice").unwrap();
    assert_eq!(dump(&m), start);
    // an empty selection deletes nothing and records nothing
    let none = m
        .delete_units(
            &Selection::Filter(UnitFilter {
                statuses: vec![Status::Rejected],
                ..UnitFilter::default()
            }),
            "alice",
        )
        .unwrap();
    assert_eq!((none.change, none.selected), (None, 0));
}

#[test]
fn a_write_from_a_stale_revision_is_refused_and_changes_nothing() {
    let mut m = memory();
    let (u, v) = (unit_at(&m, 3), unit_at(&m, 4));
    assert_eq!(u.revision, 1);
    let review = UnitEdit {
        status: Some(Status::Reviewed),
        ..UnitEdit::default()
    };
    m.edit_unit(u.id, &review, Some(1), "alice").unwrap();
    assert_eq!(m.unit(u.id).unwrap().revision, 2);
    let before = revisions_dump(&m);
    let stale = Error::Stale {
        unit: u.id,
        expected: 1,
        current: 2,
    };
    let errors = [
        m.edit_unit(
            u.id,
            &UnitEdit {
                note: Some("x".into()),
                ..UnitEdit::default()
            },
            Some(1),
            "bob",
        )
        .unwrap_err(),
        m.split_unit(u.id, 1, 1, Some(1), "bob").unwrap_err(),
        m.merge_units(v.id, u.id, [None, Some(1)], "bob")
            .unwrap_err(),
        m.move_sentence(u.id, Side::Target, Direction::Next, Some(1), "bob")
            .unwrap_err(),
        m.delete_unit(u.id, Some(1), "bob").unwrap_err(),
    ];
    for err in errors {
        assert_eq!(err.to_string(), stale.to_string());
        assert_eq!(err.exit_code(), 1);
    }
    assert_eq!(
        stale.to_string(),
        format!(
            "unit {} has changed since it was read (revision 1, now 2); read it again and redo the change",
            u.id
        )
    );
    assert_eq!(revisions_dump(&m), before);
    // the undo of the edit gives the content back and takes a new revision
    m.undo(None, "alice").unwrap();
    let now = m.unit(u.id).unwrap();
    assert_eq!((now.status, now.revision), (Status::Draft, 3));
    assert!(matches!(
        m.edit_unit(u.id, &review, Some(1), "bob"),
        Err(Error::Stale { current: 3, .. })
    ));
}

#[test]
fn a_sentence_moves_to_the_previous_or_the_next_pair() {
    let mut m = memory();
    let doc = m.document_id("kazakhstan-2022").unwrap();
    let targets = m.sentences(doc, "target").unwrap();
    let (en, _) = (m.document_texts(doc).unwrap().unwrap().1, ());
    let start = dump(&m);
    // unit at 3 is one Arabic sentence translated by two English ones (target 3-4)
    let (prev, u, next) = (unit_at(&m, 2), unit_at(&m, 3), unit_at(&m, 4));
    let change = m
        .move_sentence(u.id, Side::Target, Direction::Previous, Some(1), "alice")
        .unwrap();
    assert_eq!(change.kind, "move");
    assert_eq!(
        change.summary,
        format!("move target sentence 3 of #{} to #{}", u.id, prev.id)
    );
    let grown = m.unit(prev.id).unwrap();
    assert_eq!(grown.target_range, Some(2..4));
    // the document's own text over both sentences, the space between them included
    assert_eq!(grown.target, &en[targets[2].0.start..targets[3].0.end]);
    assert!(grown.score.unwrap() < 0.5, "{:?}", grown.score);
    let shrunk = m.unit(u.id).unwrap();
    assert_eq!(shrunk.target_range, Some(4..5));
    assert_eq!(shrunk.target, targets[4].1);
    assert_in_order(&m);
    m.move_sentence(u.id, Side::Target, Direction::Next, None, "alice")
        .unwrap();
    assert_eq!(m.unit(next.id).unwrap().target_range, Some(4..6));
    assert_eq!(m.unit(u.id).unwrap().target, "");
    assert_in_order(&m);
    m.undo(None, "alice").unwrap();
    m.undo(None, "alice").unwrap();
    assert_eq!(dump(&m), start);
}

#[test]
fn a_pair_left_empty_by_a_move_is_removed() {
    let mut m = memory();
    let start = dump(&m);
    let first = unit_at(&m, 0);
    // 1-1 into 1-0 and 0-1, then the source sentence goes to the 0-1 pair: one 1-1 pair again
    let split = m.split_unit(first.id, 1, 0, None, "alice").unwrap();
    let second = split.after[1].id();
    let change = m
        .move_sentence(first.id, Side::Source, Direction::Next, None, "alice")
        .unwrap();
    assert!(
        change.summary.ends_with("is removed)"),
        "{}",
        change.summary
    );
    assert!(matches!(m.unit(first.id), Err(Error::UnknownUnit(_))));
    let joined = m.unit(second).unwrap();
    assert_eq!(
        (joined.source.as_str(), joined.target.as_str()),
        (first.source.as_str(), first.target.as_str())
    );
    assert_eq!(
        (joined.source_range.clone(), joined.position),
        (Some(0..1), 0)
    );
    assert_in_order(&m);
    m.undo(None, "alice").unwrap();
    m.undo(None, "alice").unwrap();
    assert_eq!(dump(&m), start);
}

#[test]
fn bad_moves_are_refused_and_change_nothing() {
    let mut m = memory();
    let before = dump(&m);
    let first = unit_at(&m, 0);
    let last = unit_at(&m, 17);
    let err = m
        .move_sentence(first.id, Side::Source, Direction::Previous, None, "alice")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "unit {} is the first pair of its document: there is no previous pair to move a sentence to",
            first.id
        )
    );
    let err = m
        .move_sentence(last.id, Side::Target, Direction::Next, None, "alice")
        .unwrap_err();
    assert!(err.to_string().contains("is the last pair"), "{err}");
    let split = m.split_unit(first.id, 1, 0, None, "alice").unwrap();
    let err = m
        .move_sentence(
            split.after[1].id(),
            Side::Source,
            Direction::Previous,
            None,
            "alice",
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("has no source sentence to move"),
        "{err}"
    );
    m.undo(None, "alice").unwrap();
    assert_eq!(dump(&m), before);
}

#[test]
fn a_memory_of_schema_4_is_upgraded_in_place_with_its_history() {
    use crate::store::migrate::MIGRATIONS;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        crate::store::index::register_functions(&conn, Default::default()).unwrap();
        for (_, _, sql) in &MIGRATIONS[..4] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        conn.pragma_update(
            None,
            "application_id",
            crate::store::migrate::APPLICATION_ID,
        )
        .unwrap();
        conn.execute_batch(
            "INSERT INTO documents VALUES (1, 'old', 'ar', 'en', 'نص.', 'Text.', 't0', 'ann');
             INSERT INTO segments VALUES (1, 1, 'source', 0, 0, 7, 'نص.');
             INSERT INTO segments VALUES (2, 1, 'target', 0, 0, 5, 'Text.');
             INSERT INTO units (id, document_id, position, source_start, source_end, target_start,
                 target_end, source, target, score, status, note, created, created_by, changed,
                 changed_by)
             VALUES (1, 1, 0, 0, 1, 0, 1, 'نص.', 'Text.', 0.8, 'approved', NULL, 't0', 'ann', 't1', 'ann');",
        )
        .unwrap();
        let row = |status: &str| {
            serde_json::json!([{"id": 1, "document_id": 1, "position": 0, "source_start": 0,
                "source_end": 1, "target_start": 0, "target_end": 1, "source": "نص.",
                "target": "Text.", "score": 0.8, "status": status, "note": null, "created": "t0",
                "created_by": "ann", "changed": if status == "draft" { "t0" } else { "t1" },
                "changed_by": "ann", "source_markup": null, "target_markup": null,
                "tmx_extras": null}])
            .to_string()
        };
        conn.execute(
            "INSERT INTO changes (id, kind, document_id, summary, before, after, user, at)
             VALUES (1, 'edit', 1, 'edit #1: status', ?1, ?2, 'ann', 't1')",
            [row("draft"), row("approved")],
        )
        .unwrap();
    }
    let mut m = Memory::open(&path).unwrap();
    let version: i64 = m
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, crate::store::migrate::latest());
    let history = m.history(None).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].document.as_deref(), Some("old"));
    assert_eq!(history[0].documents, ["old"]);
    assert_eq!(m.unit(1).unwrap().revision, 1);
    // the old change is undone as before, and the unit gets its next revision
    m.undo(Some(1), "bob").unwrap();
    let unit = m.unit(1).unwrap();
    assert_eq!((unit.status, unit.revision), (Status::Draft, 2));
    // the history no longer hangs on the document: removing it leaves the history whole
    m.conn
        .execute_batch("DELETE FROM units; DELETE FROM documents;")
        .unwrap();
    assert_eq!(m.history(None).unwrap().len(), 2);
    assert_eq!(m.history(None).unwrap()[1].document.as_deref(), Some("old"));
}

use super::*;
use crate::fixtures::kazakhstan;
use crate::store::{Selection, UnitEdit};

const NAME: &str = "kazakhstan-2022";

/// Units as (source, target) sentence ranges.
type Ranges = Vec<(Range<usize>, Range<usize>)>;

/// The stored article's units as (source, target) sentence ranges.
fn ranges(m: &Memory) -> Ranges {
    m.units(&UnitFilter::default())
        .unwrap()
        .into_iter()
        .map(|u| (u.source_range.unwrap(), u.target_range.unwrap()))
        .collect()
}

/// The article with its English shifted by one sentence over units 7 to 11 (each takes the
/// next one's first target sentence; unit 11 is left with none), by four moves.
fn shifted() -> (Memory, Ranges) {
    let mut m = Memory::open_in_memory().unwrap();
    kazakhstan(&mut m);
    let gold = ranges(&m);
    for id in 8..=11 {
        m.move_sentence(
            id,
            crate::store::Side::Target,
            crate::store::Direction::Previous,
            None,
            "tester",
        )
        .unwrap();
    }
    let now = ranges(&m);
    assert_eq!(now[6], (6..7, 7..9));
    assert_eq!(now[10], (10..11, 12..12));
    (m, gold)
}

fn approve(m: &mut Memory, ids: &[i64]) {
    let edit = UnitEdit {
        status: Some(Status::Approved),
        ..UnitEdit::default()
    };
    m.edit_units(&Selection::ids(ids.iter().copied()), &edit, "tester")
        .unwrap();
}

#[test]
fn the_pairs_between_two_approved_pairs_come_out_right_and_undo_restores_them() {
    let (mut m, gold) = shifted();
    approve(&mut m, &[6, 12]);
    let before = m.units(&UnitFilter::default()).unwrap();
    let report = realign(&mut m, NAME, &Options::default(), "reviewer").unwrap();
    assert_eq!(ranges(&m), gold);
    assert_eq!((report.kept, report.added, report.removed), (13, 5, 5));
    assert_eq!(report.units.len(), 5);
    assert!(
        report
            .units
            .iter()
            .all(|u| u.status == Status::Draft && u.score.is_some() && u.created_by == "reviewer")
    );
    let change = report.change.unwrap();
    assert_eq!(change.kind, "realign");
    assert_eq!(
        change.summary,
        "realign 'kazakhstan-2022': 13 kept, 5 new, 5 removed"
    );
    // the approved pairs and every pair outside the fault are the same units, unchanged
    let after = m.units(&UnitFilter::default()).unwrap();
    for u in before.iter().filter(|u| !(7..=11).contains(&u.id)) {
        assert!(after.contains(u), "{u:?}");
    }
    m.undo(None, "reviewer").unwrap();
    let undone = m.units(&UnitFilter::default()).unwrap();
    let strip = |units: Vec<Unit>| -> Vec<Unit> {
        units
            .into_iter()
            .map(|u| Unit { revision: 0, ..u })
            .collect()
    };
    assert_eq!(strip(undone), strip(before));
}

#[test]
fn from_a_unit_holds_everything_up_to_it() {
    let (mut m, gold) = shifted();
    // from unit 9 on: units 7 to 9 stay as they are (wrong), the rest is re-aligned
    let options = Options {
        from: Some(9),
        ..Options::default()
    };
    realign(&mut m, NAME, &options, "reviewer").unwrap();
    let now = ranges(&m);
    assert_eq!(now[6], (6..7, 7..9));
    assert_eq!(now[8], (8..9, 10..11));
    assert_eq!(&now[..6], &gold[..6]);
    assert_eq!(&now[now.len() - 5..], &gold[gold.len() - 5..]);
    let err = realign(
        &mut m,
        NAME,
        &Options {
            from: Some(999),
            ..Options::default()
        },
        "reviewer",
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "no unit with id 999");
}

#[test]
fn an_alignment_that_comes_out_the_same_records_nothing() {
    let mut m = Memory::open_in_memory().unwrap();
    kazakhstan(&mut m);
    let history = m.history(None).unwrap();
    let report = realign(&mut m, NAME, &Options::default(), "reviewer").unwrap();
    assert_eq!(report.change, None);
    assert_eq!((report.kept, report.added, report.removed), (18, 0, 0));
    assert_eq!(m.history(None).unwrap(), history);
}

#[test]
fn an_edited_pair_is_held_fixed_with_its_text() {
    let (mut m, _) = shifted();
    // unit 8 (Arabic 7, English 9) is wrong, but a reviewer corrected its English: it stays
    m.edit_unit(
        8,
        &UnitEdit {
            target: Some("A corrected translation.".into()),
            ..UnitEdit::default()
        },
        None,
        "tester",
    )
    .unwrap();
    let report = realign(&mut m, NAME, &Options::default(), "reviewer").unwrap();
    assert_eq!(report.fixed, 1);
    let unit = m.unit(8).unwrap();
    assert_eq!(unit.target, "A corrected translation.");
    assert_eq!(
        (unit.source_range, unit.target_range),
        (Some(7..8), Some(9..10))
    );
}

#[test]
fn review_work_that_is_not_held_needs_force() {
    let (mut m, _) = shifted();
    m.edit_unit(
        9,
        &UnitEdit {
            status: Some(Status::Rejected),
            note: Some("shifted".into()),
            ..UnitEdit::default()
        },
        None,
        "tester",
    )
    .unwrap();
    let history = m.history(None).unwrap();
    let err = realign(&mut m, NAME, &Options::default(), "reviewer").unwrap_err();
    assert!(
        err.to_string()
            .contains("would remove 1 pair with review work (1 rejected, 1 with a note)"),
        "{err}"
    );
    assert_eq!(m.history(None).unwrap(), history);
    let forced = Options {
        force: true,
        ..Options::default()
    };
    assert!(realign(&mut m, NAME, &forced, "reviewer").is_ok());
}

#[test]
fn a_document_without_texts_is_refused() {
    let mut m = Memory::open_in_memory().unwrap();
    m.import_units(
        &crate::store::ImportOptions {
            document: None,
            default_document: "imported".into(),
            source_lang: Lang::Ar,
            target_lang: Lang::En,
            keep_duplicates: false,
            user: "tester".into(),
        },
        |sink| {
            sink.add(crate::store::ImportUnit {
                source: "مرحبا".into(),
                target: "Hello".into(),
                ..Default::default()
            })
            .map(|_| ())
        },
    )
    .unwrap();
    let err = realign(&mut m, "imported", &Options::default(), "tester").unwrap_err();
    assert!(
        err.to_string().contains("was imported without its texts"),
        "{err}"
    );
    let err = realign(&mut m, "nope", &Options::default(), "tester").unwrap_err();
    assert_eq!(err.to_string(), "no document named 'nope'");
}

#[test]
fn old_sentences_are_placed_in_new_texts_where_they_still_are() {
    let old = ["a", "b", "c", "d", "e"];
    let new = ["a", "x", "b", "c", "e", "f"];
    let map = SentenceMap::new(&old, &new);
    assert_eq!(map.place(&(0..1)), Some(0..1));
    // b c moved together by one
    assert_eq!(map.place(&(1..3)), Some(2..4));
    // d is gone
    assert_eq!(map.place(&(3..4)), None);
    assert_eq!(map.place(&(2..5)), None);
    // empty ranges stay after the sentence before them
    assert_eq!(map.place(&(1..1)), Some(1..1));
    assert_eq!(map.place(&(0..0)), Some(0..0));
    assert_eq!(map.place(&(5..5)), Some(5..5));
    // after a sentence that is gone: before the sentence after it
    assert_eq!(map.place(&(4..4)), Some(4..4));
}

#[test]
fn confirmed_pairs_are_placed_in_order_in_new_texts() {
    let mut m = Memory::open_in_memory().unwrap();
    kazakhstan(&mut m);
    approve(&mut m, &[2, 4, 9]);
    let doc = StoredDocument::read(&m, NAME).unwrap();
    let mut source = doc.sentences(Side::Source);
    let mut target = doc.sentences(Side::Target);
    // a new sentence at the start of each side, and unit 9's English sentence changed
    source.insert(0, "جملة جديدة.");
    target.insert(0, "A new sentence.");
    target[10] = "Changed.";
    let placed = placed_in(&m, NAME, &source, &target).unwrap();
    let got: Vec<_> = placed
        .iter()
        .map(|b| (b.source.clone(), b.target.clone()))
        .collect();
    assert_eq!(got, [(2..3, 2..3), (4..5, 4..6)]);
    assert!(placed_in(&m, "nope", &source, &target).unwrap().is_empty());
}

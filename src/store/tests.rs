use super::*;
use crate::align::Bead;

fn sample(memory: &mut Memory, name: &str, replace: bool) -> Result<i64> {
    let source = "جملة أولى. جملة ثانية.";
    let target = "First sentence.  Second one. Third.";
    let ss = crate::segment::split(source, Lang::Ar);
    let ts = crate::segment::split(target, Lang::En);
    let beads = [
        Bead {
            source: 0..1,
            target: 0..1,
            score: 0.97,
        },
        Bead {
            source: 1..2,
            target: 1..3,
            score: 0.61,
        },
    ];
    memory.add_document(
        &NewDocument {
            name,
            source_lang: Lang::Ar,
            target_lang: Lang::En,
            source_text: source,
            target_text: target,
            source_sentences: &ss,
            target_sentences: &ts,
            beads: &beads,
        },
        replace,
        "tester",
    )
}

#[test]
fn a_document_is_stored_with_its_units_in_order() {
    let mut m = Memory::open_in_memory().unwrap();
    sample(&mut m, "doc", false).unwrap();
    let units = m.units(&UnitFilter::default()).unwrap();
    assert_eq!(units.len(), 2);
    assert_eq!(units[0].source, "جملة أولى.");
    // a 1-2 unit keeps the text between its sentences verbatim (two spaces here)
    assert_eq!(units[1].target, "Second one. Third.");
    assert_eq!(units[1].target_range, Some(1..3));
    assert_eq!(units[1].status, Status::Draft);
    assert_eq!(units[1].created_by, "tester");
    assert_eq!(m.unit(units[1].id).unwrap(), units[1]);
}

#[test]
fn stored_sentences_give_back_the_text() {
    let mut m = Memory::open_in_memory().unwrap();
    let id = sample(&mut m, "doc", false).unwrap();
    let (_, target) = m.document_texts(id).unwrap().unwrap();
    let sentences = m.sentences(id, "target").unwrap();
    let mut rebuilt = String::new();
    let mut pos = 0;
    for (span, text) in &sentences {
        rebuilt.push_str(&target[pos..span.start]);
        rebuilt.push_str(text);
        pos = span.end;
    }
    rebuilt.push_str(&target[pos..]);
    assert_eq!(rebuilt, target);
}

#[test]
fn an_existing_name_needs_replace() {
    let mut m = Memory::open_in_memory().unwrap();
    sample(&mut m, "doc", false).unwrap();
    let err = sample(&mut m, "doc", false).unwrap_err();
    assert!(matches!(err, Error::DocumentExists(_)));
    // nothing was half-written: still one document, two units
    assert_eq!(m.units(&UnitFilter::default()).unwrap().len(), 2);
    sample(&mut m, "doc", true).unwrap();
    assert_eq!(m.documents().unwrap().len(), 1);
    assert_eq!(m.units(&UnitFilter::default()).unwrap().len(), 2);
}

#[test]
fn filters_select_by_document_status_and_score() {
    let mut m = Memory::open_in_memory().unwrap();
    sample(&mut m, "a", false).unwrap();
    sample(&mut m, "b", false).unwrap();
    let by_doc = UnitFilter {
        document: Some("b".into()),
        ..Default::default()
    };
    assert!(m.units(&by_doc).unwrap().iter().all(|u| u.document == "b"));
    let by_score = UnitFilter {
        min_score: Some(0.9),
        ..Default::default()
    };
    assert_eq!(m.units(&by_score).unwrap().len(), 2);
    let by_status = UnitFilter {
        statuses: vec![Status::Approved],
        ..Default::default()
    };
    assert!(m.units(&by_status).unwrap().is_empty());
    let unknown = UnitFilter {
        document: Some("zzz".into()),
        ..Default::default()
    };
    assert!(matches!(m.units(&unknown), Err(Error::UnknownDocument(_))));
    assert!(matches!(m.unit(999), Err(Error::UnknownUnit(999))));
}

#[test]
fn a_file_that_is_not_sqlite_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    std::fs::write(
        &path,
        b"this is plain text, not a database, and long enough to matter",
    )
    .unwrap();
    let err = Memory::open(&path).err().unwrap();
    assert!(matches!(err, Error::NotADatabase { .. }), "{err}");
    assert_eq!(err.exit_code(), 3);
}

#[test]
fn another_applications_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE t (x)").unwrap();
    drop(conn);
    let err = Memory::open(&path).err().unwrap();
    assert!(err.to_string().contains("another application"), "{err}");
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(Memory::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Memory::open(&path).err().unwrap();
    assert!(
        matches!(err, Error::DatabaseTooNew { found: 99, .. }),
        "{err}"
    );
}

#[test]
fn reopening_keeps_the_data_and_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let mut m = Memory::open(&path).unwrap();
    sample(&mut m, "doc", false).unwrap();
    drop(m);
    let m = Memory::open_existing(&path).unwrap();
    assert_eq!(m.units(&UnitFilter::default()).unwrap().len(), 2);
    let v: i64 = m
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, migrate::latest());
    assert!(Memory::open_existing(&dir.path().join("missing.db")).is_err());
}

#[test]
fn unit_json_lists_sentence_indices() {
    let mut m = Memory::open_in_memory().unwrap();
    sample(&mut m, "doc", false).unwrap();
    let u = &m.units(&UnitFilter::default()).unwrap()[1];
    let json = serde_json::to_value(u).unwrap();
    assert_eq!(json["target_sentences"], serde_json::json!([1, 2]));
    assert_eq!(json["status"], "draft");
    let back: Unit = serde_json::from_value(json).unwrap();
    assert_eq!(&back, u);
}

//! The search index: the SQL side of lookup and concordance.
//!
//! `unit_index` (FTS5, `migrations/0002_search_index.sql`) holds the index terms of each unit's
//! source and target ([`crate::text::terms`]); triggers on `units` keep it in step by calling
//! `bitext_index_terms`, which [`register_functions`] defines on every connection bitext opens.
//! The index only proposes unit ids; `search` reads the units and decides.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::Memory;
use super::units::{UNIT_COLUMNS, Unit, unit_from_row};
use crate::Lang;
use crate::error::{Error, Result};

/// Index terms computed ahead of the triggers that need them, by text: a bulk import computes
/// them on a second thread while it reads and stages units, and `bitext_index_terms` takes
/// them from here instead of computing them again. The terms are a function of the text
/// alone, so an entry can never be stale; the import empties the cache after each batch.
#[derive(Debug, Default)]
pub(crate) struct TermCache(Mutex<HashMap<String, String>>);

impl TermCache {
    /// Adds `(text, terms)` pairs.
    pub(crate) fn extend(&self, entries: Vec<(String, String)>) {
        self.lock().extend(entries);
    }

    /// Forgets every entry.
    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    fn take(&self, text: &str) -> Option<String> {
        self.lock().remove(text)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        // the map holds plain data: a panic elsewhere cannot leave it inconsistent
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Defines the SQL functions the schema's triggers call: `bitext_index_terms(text)`, which
/// takes the terms from `cache` when they were computed ahead, and otherwise computes them.
pub(crate) fn register_functions(conn: &Connection, cache: Arc<TermCache>) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "bitext_index_terms",
        1,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
        move |ctx| {
            Ok(match ctx.get_raw(0) {
                ValueRef::Text(bytes) => {
                    let text = String::from_utf8_lossy(bytes);
                    cache
                        .take(&text)
                        .unwrap_or_else(|| crate::text::terms::index_terms(&text))
                }
                _ => String::new(),
            })
        },
    )
}

/// Most key terms [`Memory::units_with_keys`] puts in one query.
pub const KEYS_A_QUERY: usize = 100;

/// One side of the units: the source or the target text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Source,
    Target,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Source => "source",
            Side::Target => "target",
        }
    }

    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::Source => Side::Target,
            Side::Target => Side::Source,
        }
    }

    /// This side's text of a unit.
    pub fn of(self, unit: &Unit) -> &str {
        match self {
            Side::Source => &unit.source,
            Side::Target => &unit.target,
        }
    }
}

/// Where the memory keeps text of one language: one side of the units, in every document or
/// only in some (a memory may hold ar→en and en→ar documents).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub side: Side,
    /// `None`: every document.
    pub documents: Option<HashSet<i64>>,
}

impl Memory {
    /// The sides that hold text in `lang`, over every document or over the one named.
    pub fn scopes(&self, lang: Lang, document: Option<&str>) -> Result<Vec<Scope>> {
        let only = document.map(|name| self.document_id(name)).transpose()?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, source_lang, target_lang FROM documents")
            .map_err(|e| self.fail(e))?;
        let docs = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| self.fail(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.fail(e))?;
        let is = |code: &str| Lang::parse(code).ok() == Some(lang);
        let mut scopes = Vec::new();
        for side in [Side::Source, Side::Target] {
            let (mut with, mut without) = (HashSet::new(), 0);
            for (id, source, target) in &docs {
                if only.is_some_and(|o| o != *id) {
                    continue;
                }
                let code = if side == Side::Source { source } else { target };
                if is(code) {
                    with.insert(*id);
                } else {
                    without += 1;
                }
            }
            if with.is_empty() {
                continue;
            }
            let documents = (without > 0 || only.is_some()).then_some(with);
            scopes.push(Scope { side, documents });
        }
        Ok(scopes)
    }

    /// How many units hold `term` on `side`, from the index's vocabulary.
    ///
    /// The vocabulary counts by reading the term's whole entry: a frequent term costs as much
    /// as its count (lookup reads entries itself, up to a cap).
    pub fn term_units(&self, side: Side, term: &str) -> Result<u64> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT doc FROM unit_index_terms WHERE term = ?1 AND col = ?2")
            .map_err(|e| self.fail(e))?;
        let n: Option<i64> = stmt
            .query_row(
                params![crate::text::terms::index_term(term), side.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.fail(e))?;
        Ok(n.unwrap_or(0).max(0) as u64)
    }

    /// Calls `f` with the id of each unit in `scope` whose side matches the FTS5 `expression`
    /// (over index terms), in id order, until `f` returns false.
    pub fn index_matches(
        &self,
        scope: &Scope,
        expression: &str,
        mut f: impl FnMut(i64) -> Result<bool>,
    ) -> Result<()> {
        let query = format!("{{{}}} : ({expression})", scope.side.as_str());
        // a query the index cannot read is a plain SQLITE_ERROR with FTS5's message
        let fail = |e: rusqlite::Error| match e {
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error {
                    code: rusqlite::ErrorCode::Unknown,
                    ..
                },
                Some(ref m),
            ) => Error::invalid(format!("cannot search for that: {m}")),
            e => self.fail(e),
        };
        match &scope.documents {
            None => {
                let mut stmt = self
                    .conn
                    .prepare_cached("SELECT rowid FROM unit_index WHERE unit_index MATCH ?1")
                    .map_err(fail)?;
                let mut rows = stmt.query([&query]).map_err(fail)?;
                while let Some(row) = rows.next().map_err(fail)? {
                    if !f(row.get(0).map_err(fail)?)? {
                        break;
                    }
                }
            }
            Some(documents) => {
                let mut stmt = self
                    .conn
                    .prepare_cached(
                        "SELECT f.rowid, u.document_id FROM unit_index f
                         JOIN units u ON u.id = f.rowid WHERE unit_index MATCH ?1",
                    )
                    .map_err(fail)?;
                let mut rows = stmt.query([&query]).map_err(fail)?;
                while let Some(row) = rows.next().map_err(fail)? {
                    let document: i64 = row.get(1).map_err(fail)?;
                    if documents.contains(&document) && !f(row.get(0).map_err(fail)?)? {
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    /// The units whose `side` holds the same text after normalisation as one of `keys` (each a
    /// [`crate::text::terms::key`] term, which the index holds for every text), in id order:
    /// what the checks compare a text with elsewhere in the memory, found without reading it.
    /// The keys are asked in batches of [`KEYS_A_QUERY`].
    pub fn units_with_keys(&self, side: Side, keys: &[String]) -> Result<Vec<i64>> {
        let mut out = Vec::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT rowid FROM unit_index WHERE unit_index MATCH ?1")
            .map_err(|e| self.fail(e))?;
        for batch in keys.chunks(KEYS_A_QUERY) {
            let terms: Vec<String> = batch.iter().map(|k| crate::text::terms::quote(k)).collect();
            let query = format!("{{{}}} : ({})", side.as_str(), terms.join(" OR "));
            let mut rows = stmt.query([&query]).map_err(|e| self.fail(e))?;
            while let Some(row) = rows.next().map_err(|e| self.fail(e))? {
                out.push(row.get(0).map_err(|e| self.fail(e))?);
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// The unit with this id, if there is one (no error for a missing id).
    pub fn find_unit(&self, id: i64) -> Result<Option<Unit>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {UNIT_COLUMNS} FROM units u JOIN documents d ON d.id = u.document_id
                 WHERE u.id = ?1"
            ))
            .map_err(|e| self.fail(e))?;
        stmt.query_row([id], unit_from_row)
            .optional()
            .map_err(|e| self.fail(e))
    }

    /// One side's text of a unit, if there is such a unit (cheaper than [`Memory::find_unit`]).
    pub fn unit_text(&self, id: i64, side: Side) -> Result<Option<String>> {
        let sql = match side {
            Side::Source => "SELECT source FROM units WHERE id = ?1",
            Side::Target => "SELECT target FROM units WHERE id = ?1",
        };
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.fail(e))?;
        stmt.query_row([id], |r| r.get(0))
            .optional()
            .map_err(|e| self.fail(e))
    }

    /// An estimate of the number of units, cheap on a large memory (the largest id).
    pub fn unit_count_estimate(&self) -> Result<u64> {
        let n: Option<i64> = self
            .conn
            .query_row("SELECT max(id) FROM units", [], |r| r.get(0))
            .map_err(|e| self.fail(e))?;
        Ok(n.unwrap_or(0).max(0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::kazakhstan;

    #[test]
    fn the_index_follows_inserts_updates_and_deletes() {
        let mut m = Memory::open_in_memory().unwrap();
        kazakhstan(&mut m);
        let all = Scope {
            side: Side::Source,
            documents: None,
        };
        let ids = |m: &Memory, expr: &str| {
            let mut out = Vec::new();
            m.index_matches(&all, expr, |id| {
                out.push(id);
                Ok(true)
            })
            .unwrap();
            out
        };
        let said = ids(&m, "\"قال\"");
        assert!(said.len() >= 3, "{said:?}");
        // a short word behind a clitic: وفي is indexed as في too
        assert!(!ids(&m, "\"في\"").is_empty());
        m.conn
            .execute("UPDATE units SET source = 'لا شيء' WHERE id = ?1", [said[0]])
            .unwrap();
        assert!(!ids(&m, "\"قال\"").contains(&said[0]));
        assert_eq!(ids(&m, "\"شيء\""), [said[0]]);
        m.conn
            .execute("DELETE FROM units WHERE id = ?1", [said[0]])
            .unwrap();
        assert!(ids(&m, "\"شيء\"").is_empty());
        assert_eq!(m.term_units(Side::Source, "شيء").unwrap(), 0);
        assert!(m.term_units(Side::Source, "قال").unwrap() >= 2);
        assert_eq!(m.term_units(Side::Target, "قال").unwrap(), 0);
    }

    #[test]
    fn units_with_the_same_normalised_text_are_found_by_its_key() {
        use crate::text::{normalize::word_spans, terms::key};
        let mut m = Memory::open_in_memory().unwrap();
        kazakhstan(&mut m);
        let units = m.units(&crate::store::UnitFilter::default()).unwrap();
        let (a, b) = (&units[3], &units[5]);
        let source_key = key(&word_spans(&a.source));
        assert_eq!(
            m.units_with_keys(Side::Source, std::slice::from_ref(&source_key))
                .unwrap(),
            [a.id]
        );
        assert!(
            m.units_with_keys(Side::Target, std::slice::from_ref(&source_key))
                .unwrap()
                .is_empty()
        );
        // the same words with other punctuation and harakat: the same key
        m.conn
            .execute(
                "UPDATE units SET source = ?1 WHERE id = ?2",
                rusqlite::params![format!("  {}!!", a.source.replace('ا', "اَ")), b.id],
            )
            .unwrap();
        // asked among more keys than one query holds
        let mut keys: Vec<String> = (0..2 * KEYS_A_QUERY)
            .map(|k| key(&word_spans(&format!("nothing like it {k}"))))
            .collect();
        keys.push(source_key);
        assert_eq!(
            m.units_with_keys(Side::Source, &keys).unwrap(),
            [a.id.min(b.id), a.id.max(b.id)]
        );
    }

    #[test]
    fn a_sample_reads_runs_of_ids_or_positions_of_a_document() {
        let mut m = Memory::open_in_memory().unwrap();
        kazakhstan(&mut m);
        let sample = |document: Option<&str>, step: u64| {
            let mut out = Vec::new();
            m.for_each_sampled_unit(document, step, |u, source, target| {
                assert_eq!((source, target), ("ar", "en"));
                out.push((u.id, u.position));
                Ok(())
            })
            .unwrap();
            out
        };
        let all = sample(None, 1);
        assert_eq!(all.len(), 18);
        // every second run of 16 ids: ids 0…15, then 32…47
        let ids: Vec<i64> = sample(None, 2).into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, (1..=15).collect::<Vec<i64>>());
        let positions: Vec<i64> = sample(Some("kazakhstan-2022"), 5)
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(positions, [0, 5, 10, 15]);
        assert!(matches!(
            m.for_each_sampled_unit(Some("nope"), 1, |_, _, _| Ok(())),
            Err(Error::UnknownDocument(_))
        ));
        let unit = m.export_unit(all[2].0).unwrap();
        assert_eq!((unit.unit.id, unit.source_lang.as_str()), (all[2].0, "ar"));
        assert!(matches!(m.export_unit(999), Err(Error::UnknownUnit(999))));
    }

    #[test]
    fn deleting_a_document_empties_its_part_of_the_index() {
        let mut m = Memory::open_in_memory().unwrap();
        kazakhstan(&mut m);
        assert!(m.term_units(Side::Target, "tokayev").unwrap() > 0);
        m.conn.execute("DELETE FROM documents", []).unwrap();
        assert_eq!(m.term_units(Side::Target, "tokayev").unwrap(), 0);
    }

    #[test]
    fn scopes_follow_the_languages_of_the_documents() {
        let mut m = Memory::open_in_memory().unwrap();
        kazakhstan(&mut m);
        let ar = m.scopes(Lang::Ar, None).unwrap();
        assert_eq!(
            ar,
            [Scope {
                side: Side::Source,
                documents: None
            }]
        );
        let en = m.scopes(Lang::En, Some("kazakhstan-2022")).unwrap();
        assert_eq!(en.len(), 1);
        assert_eq!(en[0].side, Side::Target);
        assert_eq!(en[0].documents.as_ref().unwrap().len(), 1);
        assert!(matches!(
            m.scopes(Lang::En, Some("nope")),
            Err(Error::UnknownDocument(_))
        ));
    }

    #[test]
    fn a_version_1_memory_is_indexed_when_opened() {
        // a memory written before the index existed: schema 1 only, with a unit in it
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(crate::store::migrate::MIGRATIONS[0].2)
            .unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1; PRAGMA application_id = 1651078264;
             INSERT INTO documents (name, source_lang, target_lang, created, created_by)
             VALUES ('old', 'ar', 'en', 't', 'u');
             INSERT INTO units (id, document_id, position, source, target, score, created,
                 created_by, changed, changed_by)
             VALUES (7, 1, 0, 'وقال توقاييف', 'Tokayev said', 0.25, 't', 'u', 't', 'u');",
        )
        .unwrap();
        drop(conn);
        let m = Memory::open_existing(&path).unwrap();
        let unit = m.unit(7).unwrap();
        assert_eq!(
            (unit.source.as_str(), unit.score),
            ("وقال توقاييف", Some(0.25))
        );
        assert_eq!(m.term_units(Side::Source, "قال").unwrap(), 1);
        assert_eq!(m.term_units(Side::Target, "tokayev").unwrap(), 1);
        // ids are never handed out again, even after the largest is deleted
        m.conn
            .execute("DELETE FROM units WHERE id = 7", [])
            .unwrap();
        m.conn
            .execute(
                "INSERT INTO units (document_id, position, source, target, created, created_by,
                     changed, changed_by) VALUES (1, 0, 'a', 'b', 't', 'u', 't', 'u')",
                [],
            )
            .unwrap();
        assert_eq!(m.conn.last_insert_rowid(), 8);
    }

    #[test]
    fn a_version_3_memory_is_reindexed_with_the_ascii_tokenizer() {
        // a memory at schema 3, its index written by the unicode61 tokenizer
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v3.db");
        let conn = Connection::open(&path).unwrap();
        register_functions(&conn, Arc::default()).unwrap();
        for (_, _, sql) in &crate::store::migrate::MIGRATIONS[..3] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "PRAGMA user_version = 3; PRAGMA application_id = 1651078264;
             INSERT INTO documents (name, source_lang, target_lang, created, created_by)
             VALUES ('old', 'ar', 'en', 't', 'u');
             INSERT INTO units (id, document_id, position, source, target, created,
                 created_by, changed, changed_by)
             VALUES (3, 1, 0, 'للحكومة ٢٬٥٠٠', 'The GOVERNMENT’s 2,500', 't', 'u', 't', 'u');",
        )
        .unwrap();
        drop(conn);
        let m = Memory::open_existing(&path).unwrap();
        let sql: String = m
            .conn
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 'unit_index'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(sql.contains("tokenize = 'ascii'"), "{sql}");
        for term in ["للحكومه", "حكومه", "2,500"] {
            assert_eq!(m.term_units(Side::Source, term).unwrap(), 1, "{term}");
        }
        for term in ["government", "2,500"] {
            assert_eq!(m.term_units(Side::Target, term).unwrap(), 1, "{term}");
        }
        // and the triggers of version 2 keep the rebuilt index in step
        m.conn
            .execute("UPDATE units SET target = 'the cabinet' WHERE id = 3", [])
            .unwrap();
        assert_eq!(m.term_units(Side::Target, "government").unwrap(), 0);
        assert_eq!(m.term_units(Side::Target, "cabinet").unwrap(), 1);
    }

    #[test]
    fn a_version_4_memory_is_reindexed_with_numbers_and_inflection_stems() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v4.db");
        let conn = Connection::open(&path).unwrap();
        register_functions(&conn, Arc::default()).unwrap();
        for (_, _, sql) in &crate::store::migrate::MIGRATIONS[..4] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "PRAGMA user_version = 4; PRAGMA application_id = 1651078264;
             INSERT INTO documents (name, source_lang, target_lang, created, created_by)
             VALUES ('old', 'ar', 'en', 't', 'u');
             INSERT INTO units (id, document_id, position, source, target, created,
                 created_by, changed, changed_by)
             VALUES (3, 1, 0, 'المتظاهرين ٢٬٥٠٠', 'security forces 2,500', 't', 'u', 't', 'u');",
        )
        .unwrap();
        // the version-4 index, as that version's terms would have it
        conn.execute_batch(
            "INSERT INTO unit_index (unit_index) VALUES ('delete-all');
             INSERT INTO unit_index (rowid, source, target)
             VALUES (3, 'المتظاهرين متظاهرين 2 500', 'security forces 2 500');",
        )
        .unwrap();
        drop(conn);
        let m = Memory::open_existing(&path).unwrap();
        assert_eq!(m.term_units(Side::Source, "2,500").unwrap(), 1);
        assert_eq!(m.term_units(Side::Source, "500").unwrap(), 0);
        assert_eq!(m.term_units(Side::Target, "\u{E001}forc").unwrap(), 1);
        assert_eq!(m.term_units(Side::Source, "\u{E001}متظاهر").unwrap(), 1);
    }

    #[test]
    fn a_bad_expression_is_a_clear_error() {
        let m = Memory::open_in_memory().unwrap();
        let all = Scope {
            side: Side::Source,
            documents: None,
        };
        let err = m
            .index_matches(&all, "\"unclosed", |_| Ok(true))
            .unwrap_err();
        assert!(
            err.to_string().starts_with("cannot search for that"),
            "{err}"
        );
    }
}

//! Bulk reading and writing of units for the interchange formats (TMX, JSON).
//!
//! An import runs in one transaction with prepared statements: the format reader feeds units to
//! an [`ImportSink`] and either everything lands or, on the first error, nothing does. An export
//! streams the units of [`Memory::for_each_unit`] with what the interchange formats need besides
//! them: the documents' languages and the markup and TMX extras kept by earlier imports.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;

use std::path::Path;
use std::sync::mpsc;

use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, ToSql, TransactionBehavior, params};

use super::index::TermCache;
use super::units::filter_clause;
use super::{Memory, Status, Unit, UnitFilter, db_error, now};
use crate::Lang;
use crate::error::{Error, Result, excerpt};
use crate::text::terms::index_terms;

/// A unit as an interchange file gives it: only the two texts are required, everything else
/// falls back to the import's defaults.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportUnit {
    /// The id to keep, when the memory has never used it.
    pub id: Option<i64>,
    /// The document (default: [`ImportOptions::default_document`]).
    pub document: Option<String>,
    /// Languages of the document, for a document the import creates.
    pub source_lang: Option<Lang>,
    pub target_lang: Option<Lang>,
    /// Order in the document (default: after the document's last unit).
    pub position: Option<i64>,
    /// Sentence ranges. An empty range is placed after the previous unit's range on that side,
    /// where the aligner puts it (the formats do not carry the start of an empty range).
    pub source_range: Option<Range<usize>>,
    pub target_range: Option<Range<usize>>,
    pub source: String,
    pub target: String,
    pub score: Option<f64>,
    /// Review status (default: draft).
    pub status: Option<Status>,
    pub note: Option<String>,
    /// Times as stored (`2026-11-25T08:17:00Z`); `created` defaults to the import's time and
    /// `changed` to `created`.
    pub created: Option<String>,
    /// Users; `created_by` defaults to the importing user and `changed_by` to `created_by`.
    pub created_by: Option<String>,
    pub changed: Option<String>,
    pub changed_by: Option<String>,
    /// The inner XML of the source `<seg>` when it holds inline markup.
    pub source_markup: Option<String>,
    pub target_markup: Option<String>,
    /// TMX attributes, properties and notes kept as a JSON object.
    pub tmx_extras: Option<String>,
}

/// How an import stores its units.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// Put every unit into this document, whatever the file says.
    pub document: Option<String>,
    /// The document of units whose file names none.
    pub default_document: String,
    /// Languages of documents created for units that name none.
    pub source_lang: Lang,
    pub target_lang: Lang,
    /// Store a pair even when the memory (or the file, earlier) already has it.
    pub keep_duplicates: bool,
    /// Who imports: the default for units without a user.
    pub user: String,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// Units stored.
    pub imported: u64,
    /// Units not stored because the same source and target were already there.
    pub duplicates: u64,
    /// Units stored under a new id because the memory has (or had) a unit with theirs.
    pub renumbered: u64,
    /// Documents the import created, in the order it created them.
    pub created_documents: Vec<String>,
    /// The `import` change recorded in the history (none when nothing was stored).
    pub change: Option<i64>,
}

/// What an `import` change stored, as the history keeps it: the units by the range of their
/// ids (the history does not copy them), and the documents they went into. Undoing the import
/// removes exactly these units, and the documents it created.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportChange {
    /// The first and last id the import gave out: every unit with an id in this range when the
    /// import ended is one it stored (ids are never reused).
    pub units: [i64; 2],
    /// How many units it stored.
    pub count: u64,
    /// The documents it stored units into, in the order it first did.
    pub documents: Vec<ImportedDocument>,
}

/// A document an import stored units into.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportedDocument {
    pub id: i64,
    pub name: String,
    /// The import created the document (undoing it removes the document).
    pub created: bool,
    /// Units the import stored in it.
    pub units: u64,
}

/// A document receiving units during an import.
struct DocumentState {
    id: i64,
    source_lang: String,
    target_lang: String,
    next_position: i64,
    /// The position after the document's last unit when the import began: a position below
    /// it may be taken by a stored unit.
    stored_end: i64,
    /// Positions the import has given units of this document.
    positions: Positions,
    /// Where the last imported unit's sentence ranges ended (for empty ranges).
    source_end: usize,
    target_end: usize,
    /// The import created the document.
    created: bool,
    /// Units the import stored in it.
    stored: u64,
    /// When the import first stored a unit in it (documents are recorded in that order).
    order: usize,
}

/// Receives the units of an import, inside its transaction.
pub struct ImportSink<'t> {
    tx: &'t Connection,
    options: &'t ImportOptions,
    now: String,
    documents: HashMap<String, DocumentState>,
    /// Fingerprints of the pairs already stored (None with --keep-duplicates).
    seen: Option<HashSet<u128>>,
    /// The highest unit id the memory had ever given out when the import began: ids up to it
    /// are not reused, even when free (the history may name a deleted unit by its id).
    used_ids: i64,
    /// The file's ids among the staged units.
    staged_ids: HashSet<i64>,
    /// Units staged and not yet moved into `units`, and the bytes of their texts.
    staged: usize,
    staged_bytes: usize,
    /// [`BATCH_BYTES`], but for tests.
    batch_bytes: usize,
    /// The staged units' index terms, computed on another thread.
    ahead: TermsAhead<'t>,
    report: ImportReport,
}

/// Units are staged in a temporary table and moved into `units` by one statement per batch:
/// the search index's triggers then run inside one statement, and FTS5 writes its index once
/// per batch instead of once per unit (it flushes at every statement). Units whose id is taken
/// wait in a second table until the end, so that the new ids they get are not ones that units
/// later in the file carry.
const STAGE: &str = "CREATE TEMP TABLE IF NOT EXISTS import_units (
        id INTEGER, document_id INTEGER, position INTEGER, source_start INTEGER,
        source_end INTEGER, target_start INTEGER, target_end INTEGER, source TEXT, target TEXT,
        score REAL, status TEXT, note TEXT, created TEXT, created_by TEXT, changed TEXT,
        changed_by TEXT, source_markup TEXT, target_markup TEXT, tmx_extras TEXT);
    DELETE FROM temp.import_units;
    CREATE TEMP TABLE IF NOT EXISTS import_renumbered AS SELECT * FROM temp.import_units;
    DELETE FROM temp.import_renumbered;";

const COLUMNS: &str = "id, document_id, position, source_start, source_end, target_start, \
     target_end, source, target, score, status, note, created, created_by, changed, changed_by, \
     source_markup, target_markup, tmx_extras";

const STAGE_UNIT: &str = "INSERT INTO temp.import_units VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, \
     ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";

const STAGE_RENUMBERED: &str = "INSERT INTO temp.import_renumbered VALUES (?1, ?2, ?3, ?4, ?5, \
     ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";

/// Units staged before they are moved into `units`.
const BATCH: usize = 10_000;

/// Bytes of text staged before they are moved into `units` (fewer units than [`BATCH`] when
/// they are long), which bounds the memory a batch's texts and index terms take.
const BATCH_BYTES: usize = 32 << 20;

/// The largest id, position or sentence number an import keeps: 2^53 − 1, the largest integer
/// every JSON reader holds exactly (and far from where SQLite's ids run out). A larger id is
/// replaced by a new one, as a taken id is; a larger position or sentence number is refused.
pub const MAX_NUMBER: i64 = (1 << 53) - 1;

/// The longest text of a unit an import stores (each side, its markup, its note), in bytes:
/// 1 MiB, some 500,000 Arabic letters. An import's peak memory grows by about 20 to 35 times the
/// longest text it holds (the copies on the way in, SQLite's pages, the search index's terms).
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// The longest document name an import stores, in bytes.
pub const MAX_NAME_BYTES: usize = 4 << 10;

/// The bytes of a unit's texts, for batching.
fn unit_bytes(u: &ImportUnit) -> usize {
    let opt = |s: &Option<String>| s.as_ref().map_or(0, String::len);
    u.source.len()
        + u.target.len()
        + opt(&u.note)
        + opt(&u.source_markup)
        + opt(&u.target_markup)
        + opt(&u.tmx_extras)
}

/// Checks what a unit carries against the limits and the invariants of the memory: an
/// [`Error::Invalid`] names the first problem.
fn check_unit(u: &ImportUnit) -> Result<()> {
    if let Some(p) = u.position
        && !(0..=MAX_NUMBER).contains(&p)
    {
        return Err(Error::invalid(format!(
            "position {p} is outside 0 to {MAX_NUMBER}"
        )));
    }
    for (range, side) in [(&u.source_range, "source"), (&u.target_range, "target")] {
        if let Some(r) = range
            && (r.start > r.end || r.end as u64 > MAX_NUMBER as u64)
        {
            return Err(Error::invalid(format!(
                "the {side} sentence range {}..{} is not one of 0 to {MAX_NUMBER}",
                r.start, r.end
            )));
        }
    }
    if u.score.is_some_and(|s| !(0.0..=1.0).contains(&s)) {
        return Err(Error::invalid("a score must be between 0 and 1"));
    }
    if let Some(name) = &u.document
        && name.len() > MAX_NAME_BYTES
    {
        return Err(Error::invalid(format!(
            "a document name of {} bytes; bitext keeps names of up to {} KiB",
            name.len(),
            MAX_NAME_BYTES >> 10
        )));
    }
    let texts = [
        ("source", Some(&u.source)),
        ("target", Some(&u.target)),
        ("note", u.note.as_ref()),
        ("source markup", u.source_markup.as_ref()),
        ("target markup", u.target_markup.as_ref()),
        ("TMX extras", u.tmx_extras.as_ref()),
    ];
    for (what, text) in texts {
        if let Some(t) = text
            && t.len() > MAX_TEXT_BYTES
        {
            return Err(too_long(what, t.len()));
        }
    }
    Ok(())
}

/// The error for a text over [`MAX_TEXT_BYTES`].
pub fn too_long(what: &str, bytes: usize) -> Error {
    Error::invalid(format!(
        "the {what} is {:.1} MiB long; bitext keeps texts of up to {} MiB",
        bytes as f64 / (1 << 20) as f64,
        MAX_TEXT_BYTES >> 20
    ))
}

impl Memory {
    /// Imports units in one transaction: `feed` hands each unit to the sink; when `feed` or the
    /// sink fails, nothing is stored.
    pub fn import_units(
        &mut self,
        options: &ImportOptions,
        feed: impl FnOnce(&mut ImportSink) -> Result<()>,
    ) -> Result<ImportReport> {
        let path = self.path.clone();
        let fail = |e| db_error(&path, e);
        // A bigger page cache for the duration of the import (64 MiB instead of 2 MiB).
        let cache: i64 = self
            .conn
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .map_err(fail)?;
        self.conn
            .pragma_update(None, "cache_size", -65536)
            .map_err(fail)?;
        // Staged units live in temporary tables: a batch fits in their cache, and units
        // waiting for new ids spill to a temporary file.
        let temp_cache: i64 = self
            .conn
            .query_row("PRAGMA temp.cache_size", [], |r| r.get(0))
            .map_err(fail)?;
        self.conn
            .pragma_update(Some("temp"), "cache_size", -32768)
            .map_err(fail)?;
        let result = import_in_transaction(&mut self.conn, &path, &self.terms, options, feed);
        self.terms.clear();
        self.conn
            .pragma_update(None, "cache_size", cache)
            .map_err(fail)?;
        self.conn
            .pragma_update(Some("temp"), "cache_size", temp_cache)
            .map_err(fail)?;
        result
    }
}

fn import_in_transaction(
    conn: &mut Connection,
    path: &Path,
    cache: &TermCache,
    options: &ImportOptions,
    feed: impl FnOnce(&mut ImportSink) -> Result<()>,
) -> Result<ImportReport> {
    let fail = |e| db_error(path, e);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(fail)?;
    // A second thread computes the search index's terms of the texts while this one reads the
    // file and stages units; the index triggers then find them in `cache`.
    let report = std::thread::scope(|scope| {
        let (texts, worker_texts) = mpsc::channel::<Vec<String>>();
        let (worker_terms, terms) = mpsc::channel::<Vec<(String, String)>>();
        scope.spawn(move || {
            for chunk in worker_texts {
                let done = chunk
                    .into_iter()
                    .map(|text| {
                        let t = index_terms(&text);
                        (text, t)
                    })
                    .collect();
                if worker_terms.send(done).is_err() {
                    break;
                }
            }
        });
        let ahead = TermsAhead {
            texts,
            terms,
            chunk: Vec::new(),
            pending: 0,
            cache,
        };
        let mut sink = ImportSink::new(&tx, options, ahead)?;
        feed(&mut sink)?;
        sink.finish()?;
        sink.record()?;
        Ok::<_, Error>(sink.report)
        // the sink, and with it the sender, is dropped here: the worker's loop ends
    })?;
    tx.commit().map_err(fail)?;
    Ok(report)
}

/// Texts on their way to the terms thread, and their terms on the way back.
struct TermsAhead<'t> {
    texts: mpsc::Sender<Vec<String>>,
    terms: mpsc::Receiver<Vec<(String, String)>>,
    /// Texts not sent yet.
    chunk: Vec<String>,
    /// Chunks sent and not received back.
    pending: usize,
    cache: &'t TermCache,
}

impl TermsAhead<'_> {
    /// Texts sent to the worker at a time.
    const CHUNK: usize = 1024;

    fn push(&mut self, source: &str, target: &str) {
        self.chunk.push(source.to_string());
        self.chunk.push(target.to_string());
        if self.chunk.len() >= Self::CHUNK {
            self.send();
        }
    }

    fn send(&mut self) {
        if !self.chunk.is_empty() && self.texts.send(std::mem::take(&mut self.chunk)).is_ok() {
            self.pending += 1;
        }
    }

    /// Waits for the terms of every text pushed so far and puts them in the cache. Should the
    /// worker be gone, the triggers compute what is missing.
    fn gather(&mut self) {
        self.send();
        while self.pending > 0 {
            match self.terms.recv() {
                Ok(done) => self.cache.extend(done),
                Err(_) => break,
            }
            self.pending -= 1;
        }
    }
}

impl<'t> ImportSink<'t> {
    fn new(
        tx: &'t Connection,
        options: &'t ImportOptions,
        ahead: TermsAhead<'t>,
    ) -> Result<ImportSink<'t>> {
        let seen = if options.keep_duplicates {
            None
        } else {
            let mut seen = HashSet::new();
            let mut stmt = tx.prepare("SELECT source, target FROM units")?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let text = |k| {
                    row.get_ref(k)?.as_str().map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(k, Type::Text, Box::new(e))
                    })
                };
                let (source, target) = (text(0)?, text(1)?);
                seen.insert(fingerprint(source, target));
            }
            Some(seen)
        };
        let sequence: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence')",
            [],
            |r| r.get(0),
        )?;
        let mut used_ids: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) FROM units", [], |r| r.get(0))?;
        if sequence {
            let given: Option<i64> = tx
                .query_row(
                    "SELECT seq FROM sqlite_sequence WHERE name = 'units'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            used_ids = used_ids.max(given.unwrap_or(0));
        }
        tx.execute_batch(STAGE)?;
        Ok(ImportSink {
            tx,
            options,
            now: now(),
            documents: HashMap::new(),
            seen,
            used_ids,
            staged_ids: HashSet::new(),
            staged: 0,
            staged_bytes: 0,
            batch_bytes: BATCH_BYTES,
            ahead,
            report: ImportReport::default(),
        })
    }

    /// Stores one unit (or counts it as a duplicate). Returns whether it was stored.
    pub fn add(&mut self, unit: ImportUnit) -> Result<bool> {
        if let Some(seen) = &mut self.seen
            && !seen.insert(fingerprint(&unit.source, &unit.target))
        {
            self.report.duplicates += 1;
            return Ok(false);
        }
        check_unit(&unit)?;
        let name = match (&self.options.document, &unit.document) {
            (Some(forced), _) => forced.as_str(),
            (None, Some(name)) => name.as_str(),
            (None, None) => self.options.default_document.as_str(),
        };
        let source_lang = unit.source_lang.unwrap_or(self.options.source_lang);
        let target_lang = unit.target_lang.unwrap_or(self.options.target_lang);
        if source_lang == target_lang {
            return Err(Error::invalid(format!(
                "the source and target languages are both '{source_lang}'"
            )));
        }
        if !self.documents.contains_key(name) {
            let state = self.open_document(name, source_lang, target_lang)?;
            self.documents.insert(name.to_string(), state);
        }
        let doc = self.documents.get_mut(name).expect("just inserted");
        if doc.source_lang != source_lang.code() || doc.target_lang != target_lang.code() {
            return Err(Error::invalid(format!(
                "document '{}' is {}→{} but a unit for it is {source_lang}→{target_lang}",
                excerpt(name),
                doc.source_lang,
                doc.target_lang
            )));
        }
        let position = match unit.position {
            None => doc.next_position,
            Some(p) => {
                let used_before = p < doc.stored_end
                    && self
                        .tx
                        .prepare_cached(
                            "SELECT EXISTS (SELECT 1 FROM units WHERE document_id = ?1 AND position = ?2)",
                        )?
                        .query_row(params![doc.id, p], |r| r.get::<_, bool>(0))?;
                if used_before || !doc.positions.insert(p) {
                    return Err(Error::invalid(format!(
                        "position {p} of document '{}' is taken by another unit{}; import into \
                         another document with --document NAME",
                        excerpt(name),
                        if used_before {
                            " of the memory"
                        } else {
                            " of the file"
                        }
                    )));
                }
                p
            }
        };
        if unit.position.is_none() {
            doc.positions.insert(position);
        }
        doc.next_position = doc.next_position.max(position + 1);
        let place = |range: &Option<Range<usize>>, end: &mut usize| {
            let range = range
                .as_ref()
                .map(|r| if r.is_empty() { *end..*end } else { r.clone() });
            if let Some(r) = &range {
                *end = r.end;
            }
            range
        };
        let source_range = place(&unit.source_range, &mut doc.source_end);
        let target_range = place(&unit.target_range, &mut doc.target_end);
        let document_id = doc.id;
        doc.stored += 1;

        let created = unit.created.as_deref().unwrap_or(&self.now);
        let created_by = unit.created_by.as_deref().unwrap_or(&self.options.user);
        let changed = unit.changed.as_deref().unwrap_or(created);
        let changed_by = unit.changed_by.as_deref().unwrap_or(created_by);
        let status = unit.status.unwrap_or(Status::Draft);
        let bound = |r: &Option<Range<usize>>| {
            (
                r.as_ref().map(|r| r.start as i64),
                r.as_ref().map(|r| r.end as i64),
            )
        };
        let (ss, se) = bound(&source_range);
        let (ts, te) = bound(&target_range);
        // The file's id when the memory never used it and no unit has it; otherwise a new id,
        // given at the end of the import.
        let (id, stage) = match unit.id {
            Some(id)
                if id <= MAX_NUMBER
                    && id > self.used_ids
                    && !self.staged_ids.contains(&id)
                    && !self.taken(id)? =>
            {
                self.staged_ids.insert(id);
                (Some(id), STAGE_UNIT)
            }
            Some(_) => {
                self.report.renumbered += 1;
                (None, STAGE_RENUMBERED)
            }
            None => (None, STAGE_UNIT),
        };
        self.tx.prepare_cached(stage)?.execute(params![
            id,
            document_id,
            position,
            ss,
            se,
            ts,
            te,
            unit.source,
            unit.target,
            unit.score,
            status.as_str(),
            unit.note,
            created,
            created_by,
            changed,
            changed_by,
            unit.source_markup,
            unit.target_markup,
            unit.tmx_extras,
        ])?;
        if stage == STAGE_UNIT {
            self.ahead.push(&unit.source, &unit.target);
            self.staged += 1;
            self.staged_bytes += unit_bytes(&unit);
            if self.staged >= BATCH || self.staged_bytes >= self.batch_bytes {
                self.flush()?;
            }
        }
        self.report.imported += 1;
        Ok(true)
    }

    /// Whether a unit has this id.
    fn taken(&self, id: i64) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM units WHERE id = ?1)")?
            .query_row([id], |r| r.get(0))?)
    }

    /// Moves the staged units into `units`: those with the file's ids first, then those
    /// getting new ones.
    fn flush(&mut self) -> Result<()> {
        if self.staged > 0 {
            self.ahead.gather();
            let moved = self.tx.execute_batch(&format!(
                "INSERT INTO units ({COLUMNS}) SELECT {COLUMNS} FROM temp.import_units
                    ORDER BY id IS NULL, rowid;
                 DELETE FROM temp.import_units;"
            ));
            self.ahead.cache.clear();
            moved?;
            self.staged = 0;
            self.staged_bytes = 0;
            self.staged_ids.clear();
        }
        Ok(())
    }

    /// Stores what is staged, and last the units whose ids were taken.
    fn finish(&mut self) -> Result<()> {
        self.flush()?;
        self.tx.execute_batch(&format!(
            "INSERT INTO units ({COLUMNS}) SELECT {COLUMNS} FROM temp.import_renumbered
                ORDER BY rowid;
             DROP TABLE temp.import_units;
             DROP TABLE temp.import_renumbered;"
        ))?;
        Ok(())
    }

    /// Finds the document `name`, or creates it (without texts) with these languages.
    fn open_document(&mut self, name: &str, source: Lang, target: Lang) -> Result<DocumentState> {
        if name.trim().is_empty() {
            return Err(Error::invalid("a document name cannot be empty"));
        }
        let found: Option<(i64, String, String, i64)> = self
            .tx
            .query_row(
                "SELECT d.id, d.source_lang, d.target_lang,
                        (SELECT coalesce(max(position) + 1, 0) FROM units WHERE document_id = d.id)
                 FROM documents d WHERE d.name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let created = found.is_none();
        let (id, source_lang, target_lang, next_position) = match found {
            Some(row) => row,
            None => {
                // an id no document had, even one the history names and an undo removed
                self.tx.execute(
                    "INSERT INTO documents (id, name, source_lang, target_lang, source_text,
                        target_text, created, created_by)
                     VALUES (max(coalesce((SELECT max(id) FROM documents), 0),
                                 coalesce((SELECT max(document_id) FROM changes), 0)) + 1,
                             ?1, ?2, ?3, NULL, NULL, ?4, ?5)",
                    params![
                        name,
                        source.code(),
                        target.code(),
                        self.now,
                        self.options.user
                    ],
                )?;
                self.report.created_documents.push(name.to_string());
                (
                    self.tx.last_insert_rowid(),
                    source.code().to_string(),
                    target.code().to_string(),
                    0,
                )
            }
        };
        Ok(DocumentState {
            id,
            source_lang,
            target_lang,
            next_position,
            stored_end: next_position,
            positions: Positions::default(),
            source_end: 0,
            target_end: 0,
            created,
            stored: 0,
            order: self.documents.len(),
        })
    }

    /// Records the import as one `import` change of the history (nothing when it stored no
    /// unit): the range of ids it gave out and the documents it stored units into.
    fn record(&mut self) -> Result<()> {
        if self.report.imported == 0 {
            return Ok(());
        }
        // two seeks on the ids (min and max together would read every new row)
        let first: i64 = self.tx.query_row(
            "SELECT id FROM units WHERE id > ?1 ORDER BY id LIMIT 1",
            [self.used_ids],
            |r| r.get(0),
        )?;
        let last: i64 = self
            .tx
            .query_row("SELECT max(id) FROM units", [], |r| r.get(0))?;
        let mut documents: Vec<(&String, &DocumentState)> = self
            .documents
            .iter()
            .filter(|(_, d)| d.stored > 0)
            .collect();
        documents.sort_by_key(|(_, d)| d.order);
        let import = ImportChange {
            units: [first, last],
            count: self.report.imported,
            documents: documents
                .iter()
                .map(|(name, d)| ImportedDocument {
                    id: d.id,
                    name: name.to_string(),
                    created: d.created,
                    units: d.stored,
                })
                .collect(),
        };
        let id = super::edit::record_import(self.tx, &import, &self.options.user, &self.now)?;
        self.report.change = Some(id);
        Ok(())
    }
}

/// The summary line of an import in the history.
pub(super) fn import_summary(import: &ImportChange) -> String {
    let pairs = match import.count {
        1 => "1 pair".to_string(),
        n => format!("{n} pairs"),
    };
    let new = import.documents.iter().filter(|d| d.created).count();
    match import.documents.as_slice() {
        [one] => format!(
            "import {pairs} into '{}'{}",
            excerpt(&one.name),
            if one.created { " (a new document)" } else { "" }
        ),
        many => {
            let mut names: Vec<String> = many
                .iter()
                .take(3)
                .map(|d| format!("'{}'", excerpt(&d.name)))
                .collect();
            if many.len() > 3 {
                names.push(format!("{} more", many.len() - 3));
            }
            format!(
                "import {pairs} into {} documents ({}; {new} new)",
                many.len(),
                names.join(", ")
            )
        }
    }
}

/// Refuses to undo an import whose units or documents are no longer as it left them.
pub(super) fn check_import_undoable(
    tx: &rusqlite::Transaction,
    import: &ImportChange,
    change: i64,
) -> Result<()> {
    let [first, last] = import.units;
    let count: i64 = tx.query_row(
        "SELECT count(*) FROM units WHERE id BETWEEN ?1 AND ?2",
        [first, last],
        |r| r.get(0),
    )?;
    if count as u64 != import.count {
        return Err(Error::invalid(format!(
            "cannot undo change {change}: {count} of the {} units it imported are left",
            import.count
        )));
    }
    for d in import.documents.iter().filter(|d| d.created) {
        let (all, ours): (i64, i64) = tx.query_row(
            "SELECT count(*), count(*) FILTER (WHERE id BETWEEN ?2 AND ?3) FROM units
             WHERE document_id = ?1",
            params![d.id, first, last],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if all != ours {
            return Err(Error::invalid(format!(
                "cannot undo change {change}: document '{}', which it created, now holds {} other units (imported or aligned into it later); undo that first",
                excerpt(&d.name),
                all - ours
            )));
        }
    }
    Ok(())
}

/// Undoes an import: removes the units it stored and the documents it created.
pub(super) fn undo_import(tx: &rusqlite::Transaction, import: &ImportChange) -> Result<()> {
    let [first, last] = import.units;
    tx.execute(
        "DELETE FROM units WHERE id BETWEEN ?1 AND ?2",
        [first, last],
    )?;
    for d in import.documents.iter().filter(|d| d.created) {
        tx.execute("DELETE FROM segments WHERE document_id = ?1", [d.id])?;
        tx.execute("DELETE FROM documents WHERE id = ?1", [d.id])?;
    }
    Ok(())
}

/// A set of positions kept as sorted, disjoint runs: the positions of an export (0, 1, 2, …)
/// take one run whatever their number.
#[derive(Debug, Default)]
struct Positions(Vec<Range<i64>>);

impl Positions {
    /// Adds `p`; false when it was there already.
    fn insert(&mut self, p: i64) -> bool {
        let runs = &mut self.0;
        // the first run that ends after p
        let k = runs.partition_point(|r| r.end <= p);
        if k < runs.len() && runs[k].start <= p {
            return false;
        }
        let joins_left = k > 0 && runs[k - 1].end == p;
        let joins_right = k < runs.len() && runs[k].start == p + 1;
        match (joins_left, joins_right) {
            (true, true) => {
                runs[k - 1].end = runs[k].end;
                runs.remove(k);
            }
            (true, false) => runs[k - 1].end = p + 1,
            (false, true) => runs[k].start = p,
            (false, false) => runs.insert(k, p..p + 1),
        }
        true
    }
}

/// A 128-bit fingerprint of a pair, for finding duplicates without keeping the texts.
fn fingerprint(source: &str, target: &str) -> u128 {
    let half = |seed: u8| {
        let mut h = DefaultHasher::new();
        (seed, source, target).hash(&mut h);
        h.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// A unit with what the interchange formats need besides it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportUnit {
    pub unit: Unit,
    /// Languages of the unit's document.
    pub source_lang: String,
    pub target_lang: String,
    /// Inline markup kept from an import (see [`ImportUnit::source_markup`]).
    pub source_markup: Option<String>,
    pub target_markup: Option<String>,
    /// TMX extras kept from an import, as JSON.
    pub tmx_extras: Option<String>,
}

/// What an export will write, known before it starts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportSummary {
    /// Number of units selected.
    pub units: u64,
    /// The latest `changed` time among them.
    pub latest_change: Option<String>,
    /// The source languages of their documents, sorted.
    pub source_langs: Vec<String>,
}

impl Memory {
    /// Runs `read` in one read transaction, so that everything it reads comes from the same
    /// state of the memory even while another process writes to it.
    pub fn read_snapshot<T>(&self, read: impl FnOnce() -> Result<T>) -> Result<T> {
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(|e| self.fail(e))?;
        let result = read();
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = self.conn.execute_batch(end).map_err(|e| self.fail(e));
        let value = result?;
        ended?;
        Ok(value)
    }

    /// Counts the units `filter` selects, with their latest change and their source languages.
    pub fn export_summary(&self, filter: &UnitFilter) -> Result<ExportSummary> {
        if let Some(name) = &filter.document {
            self.document_id(name)?;
        }
        let (clause, args) = filter_clause(filter);
        let params: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
        let sql = format!(
            "SELECT count(*), max(u.changed) FROM units u JOIN documents d ON d.id = u.document_id
             WHERE 1{clause}"
        );
        let (units, latest_change): (i64, Option<String>) = self
            .conn
            .query_row(&sql, params.as_slice(), |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.fail(e))?;
        let sql = format!(
            "SELECT DISTINCT d.source_lang FROM units u JOIN documents d ON d.id = u.document_id
             WHERE 1{clause} ORDER BY d.source_lang"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.fail(e))?;
        let source_langs = stmt
            .query_map(params.as_slice(), |r| r.get(0))
            .map_err(|e| self.fail(e))?
            .collect::<rusqlite::Result<Vec<String>>>()
            .map_err(|e| self.fail(e))?;
        Ok(ExportSummary {
            units: units as u64,
            latest_change,
            source_langs,
        })
    }

    /// Calls `f` with each unit `filter` selects, in document order (as
    /// [`Memory::for_each_unit`]), with its languages, markup and TMX extras.
    pub fn for_each_export_unit(
        &self,
        filter: &UnitFilter,
        mut f: impl FnMut(ExportUnit) -> Result<()>,
    ) -> Result<()> {
        let languages: HashMap<String, (String, String)> = self
            .documents()?
            .into_iter()
            .map(|d| (d.name, (d.source_lang, d.target_lang)))
            .collect();
        let any_extras: bool = self
            .conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM units WHERE source_markup IS NOT NULL
                    OR target_markup IS NOT NULL OR tmx_extras IS NOT NULL)",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.fail(e))?;
        self.for_each_unit(filter, |unit| {
            let (source_lang, target_lang) =
                languages.get(&unit.document).cloned().unwrap_or_default();
            let (source_markup, target_markup, tmx_extras) = if any_extras {
                self.conn
                    .prepare_cached(
                        "SELECT source_markup, target_markup, tmx_extras FROM units WHERE id = ?1",
                    )
                    .and_then(|mut s| {
                        s.query_row([unit.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    })
                    .map_err(|e| self.fail(e))?
            } else {
                (None, None, None)
            };
            f(ExportUnit {
                unit,
                source_lang,
                target_lang,
                source_markup,
                target_markup,
                tmx_extras,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::index::Side;

    fn options() -> ImportOptions {
        ImportOptions {
            document: None,
            default_document: "imported".into(),
            source_lang: Lang::Ar,
            target_lang: Lang::En,
            keep_duplicates: false,
            user: "importer".into(),
        }
    }

    fn pair(source: &str, target: &str) -> ImportUnit {
        ImportUnit {
            source: source.into(),
            target: target.into(),
            ..ImportUnit::default()
        }
    }

    /// The search index's vocabulary: every term with its column and how many units hold it.
    fn vocabulary(m: &Memory) -> Vec<(String, String, i64)> {
        m.conn
            .prepare("SELECT term, col, doc FROM unit_index_terms ORDER BY term, col")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|row| row.unwrap())
            .collect()
    }

    #[test]
    fn the_terms_computed_ahead_are_the_ones_the_triggers_use() {
        // a fake entry in the cache is what the trigger indexes: the cache is really used
        let m = Memory::open_in_memory().unwrap();
        m.terms
            .extend(vec![("نص".to_string(), "faketerm".to_string())]);
        m.conn
            .execute_batch(
                "INSERT INTO documents (name, source_lang, target_lang, created, created_by)
                 VALUES ('d', 'ar', 'en', 't', 'u');
                 INSERT INTO units (document_id, position, source, target, created, created_by,
                     changed, changed_by) VALUES (1, 0, 'نص', 'text', 't', 'u', 't', 'u');",
            )
            .unwrap();
        assert_eq!(m.term_units(Side::Source, "faketerm").unwrap(), 1);
        assert_eq!(m.term_units(Side::Source, "نص").unwrap(), 0);
    }

    #[test]
    fn an_import_indexes_its_units_as_the_triggers_alone_would() {
        // more units than a batch, so that several batches go through the terms thread
        let texts: Vec<(String, String)> = (0..BATCH + 700)
            .map(|k| {
                (
                    format!("وقال لتوقاييف إنّ الحكومة {} «أطلقت» النار", k % 997),
                    format!("Tokayev's government fired {} shots, U.S. said", k % 991),
                )
            })
            .collect();
        let mut imported = Memory::open_in_memory().unwrap();
        let report = imported
            .import_units(
                &ImportOptions {
                    keep_duplicates: true,
                    ..options()
                },
                |sink| {
                    for (s, t) in &texts {
                        sink.add(pair(s, t))?;
                    }
                    Ok(())
                },
            )
            .unwrap();
        assert_eq!(report.imported as usize, texts.len());
        assert!(imported.terms.is_empty());

        // the same units written one by one: the triggers compute every term themselves
        let plain = Memory::open_in_memory().unwrap();
        plain
            .conn
            .execute(
                "INSERT INTO documents (name, source_lang, target_lang, created, created_by)
                 VALUES ('d', 'ar', 'en', 't', 'u')",
                [],
            )
            .unwrap();
        for (k, (s, t)) in texts.iter().enumerate() {
            plain
                .conn
                .execute(
                    "INSERT INTO units (document_id, position, source, target, created,
                         created_by, changed, changed_by) VALUES (1, ?1, ?2, ?3, 't', 'u', 't', 'u')",
                    params![k as i64, s, t],
                )
                .unwrap();
        }
        let (a, b) = (vocabulary(&imported), vocabulary(&plain));
        assert!(a.len() > 1000, "{}", a.len());
        assert_eq!(a, b);
    }

    #[test]
    fn an_import_is_one_change_and_its_undo_gives_back_the_units_and_the_index() {
        let mut m = Memory::open_in_memory().unwrap();
        m.import_units(&options(), |sink| {
            sink.add(ImportUnit {
                document: Some("kept".into()),
                ..pair("قال توقاييف", "Tokayev said")
            })
            .map(|_| ())
        })
        .unwrap();
        let (units, index) = (m.units(&UnitFilter::default()).unwrap(), vocabulary(&m));
        let report = m
            .import_units(&options(), |sink| {
                for k in 0..BATCH + 5 {
                    sink.add(ImportUnit {
                        id: (k == 3).then_some(1_000_000),
                        document: Some(if k % 2 == 0 { "kept" } else { "new" }.into()),
                        ..pair(&format!("الحكومة {k}"), &format!("the government {k}"))
                    })?;
                }
                Ok(())
            })
            .unwrap();
        let change = m.change(report.change.unwrap()).unwrap();
        assert_eq!(change.kind, "import");
        assert!(change.before.is_empty() && change.after.is_empty());
        let import = change.import.unwrap();
        assert_eq!(import.count as usize, BATCH + 5);
        // the file's id is written first and the others follow it
        assert_eq!(import.units, [1_000_000, 1_000_000 + BATCH as i64 + 4]);
        let names: Vec<(&str, bool)> = import
            .documents
            .iter()
            .map(|d| (d.name.as_str(), d.created))
            .collect();
        assert_eq!(names, [("kept", false), ("new", true)]);
        assert_eq!(
            change.summary,
            format!(
                "import {} pairs into 2 documents ('kept', 'new'; 1 new)",
                BATCH + 5
            )
        );
        m.undo(None, "someone").unwrap();
        assert_eq!(m.units(&UnitFilter::default()).unwrap(), units);
        assert_eq!(vocabulary(&m), index);
        assert_eq!(m.documents().unwrap().len(), 1);
    }

    #[test]
    fn defaults_fill_what_the_file_does_not_say() {
        let mut m = Memory::open_in_memory().unwrap();
        let report = m
            .import_units(&options(), |sink| {
                sink.add(pair("مرحبا", "Hello"))?;
                sink.add(pair("شكرا", "Thanks"))?;
                Ok(())
            })
            .unwrap();
        assert_eq!(report.imported, 2);
        assert_eq!(report.created_documents, ["imported"]);
        let units = m.units(&UnitFilter::default()).unwrap();
        assert_eq!(units[1].document, "imported");
        assert_eq!(units[1].position, 1);
        assert_eq!(units[1].status, Status::Draft);
        assert_eq!(units[1].created_by, "importer");
        assert_eq!(units[1].changed, units[1].created);
        assert_eq!(units[1].source_range, None);
        let docs = m.documents().unwrap();
        assert_eq!(
            (docs[0].source_lang.as_str(), docs[0].target_lang.as_str()),
            ("ar", "en")
        );
        assert_eq!(m.document_texts(docs[0].id).unwrap(), None);
    }

    #[test]
    fn duplicates_are_counted_unless_kept() {
        let mut m = Memory::open_in_memory().unwrap();
        let feed = |sink: &mut ImportSink| {
            sink.add(pair("a", "b"))?;
            sink.add(pair("a", "b"))?;
            sink.add(pair("a", "c"))?;
            Ok(())
        };
        let first = m.import_units(&options(), feed).unwrap();
        assert_eq!((first.imported, first.duplicates), (2, 1));
        let again = m.import_units(&options(), feed).unwrap();
        assert_eq!((again.imported, again.duplicates), (0, 3));
        let keep = ImportOptions {
            keep_duplicates: true,
            ..options()
        };
        let kept = m.import_units(&keep, feed).unwrap();
        assert_eq!((kept.imported, kept.duplicates), (3, 0));
    }

    #[test]
    fn ids_are_kept_unless_the_memory_has_used_them() {
        let mut m = Memory::open_in_memory().unwrap();
        let with_id = |id, s: &str| ImportUnit {
            id: Some(id),
            ..pair(s, s)
        };
        m.import_units(&options(), |sink| {
            sink.add(with_id(7, "x"))?;
            sink.add(with_id(8, "x2"))?;
            Ok(())
        })
        .unwrap();
        // a deleted unit's id is not given to another unit
        m.conn
            .execute("DELETE FROM units WHERE id = 8", [])
            .unwrap();
        let report = m
            .import_units(&options(), |sink| {
                sink.add(with_id(7, "y"))?;
                sink.add(with_id(8, "z"))?;
                sink.add(with_id(12, "w"))?;
                Ok(())
            })
            .unwrap();
        assert_eq!((report.imported, report.renumbered), (3, 2));
        let units = m.units(&UnitFilter::default()).unwrap();
        let id_of = |text: &str| units.iter().find(|u| u.source == text).unwrap().id;
        assert_eq!(id_of("x"), 7);
        assert_eq!(id_of("w"), 12);
        assert!(id_of("y") > 8 && id_of("z") > 8);
    }

    #[test]
    fn taken_ids_do_not_push_later_units_off_theirs() {
        let mut m = Memory::open_in_memory().unwrap();
        let with_id = |id: i64, s: &str| ImportUnit {
            id: Some(id),
            ..pair(s, s)
        };
        m.import_units(&options(), |sink| {
            for id in 1..=3 {
                sink.add(with_id(id, &format!("old {id}")))?;
            }
            Ok(())
        })
        .unwrap();
        let report = m
            .import_units(&options(), |sink| {
                for id in 1..=6 {
                    sink.add(with_id(id, &format!("new {id}")))?;
                }
                Ok(())
            })
            .unwrap();
        assert_eq!((report.imported, report.renumbered), (6, 3));
        let units = m.units(&UnitFilter::default()).unwrap();
        let id_of = |text: &str| units.iter().find(|u| u.source == text).unwrap().id;
        assert_eq!((id_of("new 4"), id_of("new 5"), id_of("new 6")), (4, 5, 6));
        assert_eq!((id_of("new 1"), id_of("new 2"), id_of("new 3")), (7, 8, 9));
    }

    #[test]
    fn ids_beyond_two_to_the_53_are_renumbered_and_leave_the_memory_usable() {
        let mut m = Memory::open_in_memory().unwrap();
        let with_id = |id, s: &str| ImportUnit {
            id: Some(id),
            ..pair(s, s)
        };
        let report = m
            .import_units(&options(), |sink| {
                sink.add(with_id(i64::MAX, "max"))?;
                sink.add(with_id(MAX_NUMBER + 1, "over"))?;
                sink.add(with_id(MAX_NUMBER, "at the limit"))?;
                Ok(())
            })
            .unwrap();
        assert_eq!((report.imported, report.renumbered), (3, 2));
        let units = m.units(&UnitFilter::default()).unwrap();
        assert!(units.iter().all(|u| u.id <= MAX_NUMBER + 2), "{units:?}");
        // new units still get ids (i64::MAX would have exhausted AUTOINCREMENT)
        m.import_units(&options(), |sink| {
            sink.add(pair("later", "later")).map(|_| ())
        })
        .unwrap();
        assert_eq!(m.units(&UnitFilter::default()).unwrap().len(), 4);
    }

    #[test]
    fn values_that_would_break_the_invariants_are_refused() {
        let mut m = Memory::open_in_memory().unwrap();
        m.import_units(&options(), |sink| {
            sink.add(ImportUnit {
                position: Some(0),
                ..pair("a", "a")
            })
            .map(|_| ())
        })
        .unwrap();
        let at = |p: i64, s: &str| ImportUnit {
            position: Some(p),
            ..pair(s, s)
        };
        let cases: Vec<(Vec<ImportUnit>, &str)> = vec![
            (
                vec![at(0, "b")],
                "position 0 of document 'imported' is taken by another unit of the memory",
            ),
            (
                vec![at(5, "b"), at(5, "c")],
                "position 5 of document 'imported' is taken by another unit of the file",
            ),
            // a unit without a position goes after the last one: 6 here
            (vec![at(5, "b"), pair("c", "c"), at(6, "d")], "position 6"),
            (
                vec![at(i64::MAX, "b")],
                "position 9223372036854775807 is outside",
            ),
            (vec![at(-1, "b")], "is outside"),
            (
                vec![ImportUnit {
                    source_range: Some(usize::MAX - 1..usize::MAX),
                    ..pair("b", "b")
                }],
                "sentence range",
            ),
            (
                vec![ImportUnit {
                    target_lang: Some(Lang::Ar),
                    ..pair("b", "b")
                }],
                "both 'ar'",
            ),
            (
                vec![ImportUnit {
                    document: Some("n".repeat(MAX_NAME_BYTES + 1)),
                    ..pair("b", "b")
                }],
                "document name",
            ),
            (
                vec![pair(&"x".repeat(MAX_TEXT_BYTES + 1), "b")],
                "the source is 1.0 MiB long",
            ),
        ];
        for (units, needle) in cases {
            let err = m
                .import_units(&options(), |sink| {
                    for u in units.clone() {
                        sink.add(u)?;
                    }
                    Ok(())
                })
                .unwrap_err();
            assert!(matches!(err, Error::Invalid(_)), "{err:?}");
            assert!(err.to_string().contains(needle), "{err} lacks {needle}");
        }
        assert_eq!(m.units(&UnitFilter::default()).unwrap().len(), 1);
    }

    #[test]
    fn position_sets_merge_their_runs() {
        let mut p = Positions::default();
        for k in 0..1000 {
            assert!(p.insert(k));
        }
        assert_eq!(p.0, vec![0..1000; 1]);
        assert!(!p.insert(999) && !p.insert(0));
        assert!(p.insert(2000) && p.insert(1500) && p.insert(1001));
        assert_eq!(p.0, [0..1000, 1001..1002, 1500..1501, 2000..2001]);
        assert!(p.insert(1000));
        assert_eq!(p.0, [0..1002, 1500..1501, 2000..2001]);
        assert!(!p.insert(1500) && !p.insert(1001));
    }

    #[test]
    fn long_texts_are_stored_in_smaller_batches() {
        let mut m = Memory::open_in_memory().unwrap();
        let long = |k: usize| format!("{k} {}", "نص ".repeat(60_000));
        let report = m
            .import_units(&options(), |sink| {
                sink.batch_bytes = 1 << 20;
                for k in 0..12 {
                    sink.add(pair(&long(k), "t"))?;
                    assert!(sink.staged_bytes < 1 << 20, "{}", sink.staged_bytes);
                }
                assert!(sink.staged < 12);
                Ok(())
            })
            .unwrap();
        assert_eq!(report.imported, 12);
        assert_eq!(m.units(&UnitFilter::default()).unwrap().len(), 12);
    }

    #[test]
    fn a_failing_feed_stores_nothing() {
        let mut m = Memory::open_in_memory().unwrap();
        let err = m
            .import_units(&options(), |sink| {
                sink.add(pair("a", "b"))?;
                Err(Error::invalid("broken file"))
            })
            .unwrap_err();
        assert_eq!(err.to_string(), "broken file");
        assert!(m.units(&UnitFilter::default()).unwrap().is_empty());
        assert!(m.documents().unwrap().is_empty());
    }

    #[test]
    fn empty_ranges_follow_the_previous_unit() {
        let mut m = Memory::open_in_memory().unwrap();
        m.import_units(&options(), |sink| {
            sink.add(ImportUnit {
                source_range: Some(0..2),
                target_range: Some(0..1),
                ..pair("a", "b")
            })?;
            sink.add(ImportUnit {
                source_range: Some(0..0),
                target_range: Some(1..2),
                ..pair("", "c")
            })?;
            Ok(())
        })
        .unwrap();
        let units = m.units(&UnitFilter::default()).unwrap();
        assert_eq!(units[1].source_range, Some(2..2));
    }

    #[test]
    fn a_document_keeps_its_languages() {
        let mut m = Memory::open_in_memory().unwrap();
        let err = m
            .import_units(&options(), |sink| {
                sink.add(pair("a", "b"))?;
                sink.add(ImportUnit {
                    source_lang: Some(Lang::En),
                    target_lang: Some(Lang::Ar),
                    ..pair("c", "d")
                })?;
                Ok(())
            })
            .unwrap_err();
        assert!(err.to_string().contains("ar→en"), "{err}");
    }

    #[test]
    fn the_export_summary_agrees_with_the_units_it_selects() {
        let mut m = Memory::open_in_memory().unwrap();
        m.import_units(&options(), |sink| {
            for (k, status) in Status::ALL.into_iter().enumerate() {
                sink.add(ImportUnit {
                    document: Some(format!("doc{}", k % 2)),
                    score: Some(k as f64 / 4.0),
                    status: Some(status),
                    changed: Some(format!("2026-01-0{}T00:00:00Z", k + 1)),
                    ..pair(&k.to_string(), "t")
                })?;
            }
            Ok(())
        })
        .unwrap();
        let filters = [
            UnitFilter::default(),
            UnitFilter {
                document: Some("doc1".into()),
                ..UnitFilter::default()
            },
            UnitFilter {
                statuses: vec![Status::Draft, Status::Approved],
                min_score: Some(0.3),
                ..UnitFilter::default()
            },
        ];
        for filter in &filters {
            let units = m.units(filter).unwrap();
            let summary = m.export_summary(filter).unwrap();
            assert_eq!(summary.units, units.len() as u64);
            assert_eq!(
                summary.latest_change,
                units.iter().map(|u| u.changed.clone()).max()
            );
            let mut seen = 0;
            m.for_each_export_unit(filter, |e| {
                assert_eq!(e.unit, units[seen]);
                assert_eq!(e.source_lang, "ar");
                seen += 1;
                Ok(())
            })
            .unwrap();
            assert_eq!(seen, units.len());
        }
    }
}

//! The translation memory: the only code that speaks SQL.
//!
//! A [`Memory`] is an SQLite file (WAL, foreign keys on, a busy timeout) holding documents,
//! their sentences and the aligned units, with the schema of `migrations/`. Every operation
//! that writes does so in one transaction: it lands whole or not at all.

mod edit;
mod exchange;
mod index;
pub mod migrate;
mod open;
mod replace;
mod units;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::align::Bead;
use crate::error::{Error, Result};
use crate::segment::Span;

pub use edit::{BulkReport, Change, Direction, Selection, UnitEdit, UnitRef, UnitRow};
pub use exchange::{
    ExportSummary, ExportUnit, ImportChange, ImportOptions, ImportReport, ImportSink, ImportUnit,
    ImportedDocument, MAX_NAME_BYTES, MAX_NUMBER, MAX_TEXT_BYTES, too_long,
};
pub use index::{Scope, Side};
pub use replace::{
    DocumentChange, DocumentState, DocumentSummary, DocumentTexts, Realignment, ReplaceKind,
    ReplaceOptions, ReplaceReport,
};
pub use units::{DocumentCounts, SAMPLE_RUN, Unit, UnitFilter, UnitSort};

/// How long a writer waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Review status of a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Reviewed,
    Approved,
    Rejected,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Reviewed,
        Status::Approved,
        Status::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Reviewed => "reviewed",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Status {
    type Err = Error;
    fn from_str(s: &str) -> Result<Status> {
        Status::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown status '{s}' (use draft, reviewed, approved or rejected)"
                ))
            })
    }
}

/// A document pair to store with its alignment.
pub struct NewDocument<'a> {
    pub name: &'a str,
    pub source_lang: Lang,
    pub target_lang: Lang,
    pub source_text: &'a str,
    pub target_text: &'a str,
    pub source_sentences: &'a [Span],
    pub target_sentences: &'a [Span],
    pub beads: &'a [Bead],
}

/// A stored document, without its texts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentInfo {
    pub id: i64,
    pub name: String,
    pub source_lang: String,
    pub target_lang: String,
    pub units: i64,
    pub created: String,
    pub created_by: String,
}

/// The current time as stored: UTC, ISO 8601, to the second.
pub fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A translation memory file.
pub struct Memory {
    conn: Connection,
    path: PathBuf,
    /// Index terms computed ahead for the triggers (see [`index::TermCache`]).
    terms: Arc<index::TermCache>,
}

impl Memory {
    /// The file this memory lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Maps an SQLite error on this memory to the error a user should see.
    pub(crate) fn fail(&self, e: rusqlite::Error) -> Error {
        db_error(&self.path, e)
    }

    /// All documents, by name.
    pub fn documents(&self) -> Result<Vec<DocumentInfo>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT d.id, d.name, d.source_lang, d.target_lang,
                        (SELECT count(*) FROM units u WHERE u.document_id = d.id), d.created, d.created_by
                 FROM documents d ORDER BY d.name",
            )
            .map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(DocumentInfo {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    source_lang: r.get(2)?,
                    target_lang: r.get(3)?,
                    units: r.get(4)?,
                    created: r.get(5)?,
                    created_by: r.get(6)?,
                })
            })
            .map_err(|e| self.fail(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.fail(e))
    }

    /// The document called `name`.
    pub fn document(&self, name: &str) -> Result<DocumentInfo> {
        self.conn
            .query_row(
                "SELECT d.id, d.name, d.source_lang, d.target_lang,
                        (SELECT count(*) FROM units u WHERE u.document_id = d.id), d.created, d.created_by
                 FROM documents d WHERE d.name = ?1",
                [name],
                |r| {
                    Ok(DocumentInfo {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        source_lang: r.get(2)?,
                        target_lang: r.get(3)?,
                        units: r.get(4)?,
                        created: r.get(5)?,
                        created_by: r.get(6)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.fail(e))?
            .ok_or_else(|| Error::UnknownDocument(name.to_string()))
    }

    /// The id of the document called `name`.
    pub fn document_id(&self, name: &str) -> Result<i64> {
        self.conn
            .query_row("SELECT id FROM documents WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.fail(e))?
            .ok_or_else(|| Error::UnknownDocument(name.to_string()))
    }

    /// A document's verbatim texts (source, target), if it was stored with them.
    pub fn document_texts(&self, id: i64) -> Result<Option<(String, String)>> {
        let row: (Option<String>, Option<String>) = self
            .conn
            .query_row(
                "SELECT source_text, target_text FROM documents WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.fail(e))?;
        Ok(row.0.zip(row.1))
    }

    /// A document's sentences on one side (`"source"` or `"target"`), in order.
    pub fn sentences(&self, document_id: i64, side: &str) -> Result<Vec<(Span, String)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT start, \"end\", text FROM segments WHERE document_id = ?1 AND side = ?2
                 ORDER BY position",
            )
            .map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map(params![document_id, side], |r| {
                let start: i64 = r.get(0)?;
                let end: i64 = r.get(1)?;
                Ok((
                    Span {
                        start: start as usize,
                        end: end as usize,
                    },
                    r.get(2)?,
                ))
            })
            .map_err(|e| self.fail(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.fail(e))
    }
}

/// The document text covered by a range of sentences (empty for an empty range).
pub fn span_text<'t>(text: &'t str, spans: &[Span], range: &std::ops::Range<usize>) -> &'t str {
    if range.is_empty() {
        return "";
    }
    &text[spans[range.start].start..spans[range.end - 1].end]
}

/// SQLITE_READONLY_DBMOVED: the database file was renamed or unlinked under an open connection.
const READONLY_DBMOVED: i32 = 1032;

fn extended_code(e: &rusqlite::Error) -> Option<i32> {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.extended_code),
        _ => None,
    }
}

/// Turns SQLite's errors about the file itself into errors that say what to do.
pub(crate) fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Error::NotADatabase {
            path: path.to_path_buf(),
            detail: "the file is not an SQLite database, or it is damaged".into(),
        },
        Some(ErrorCode::DatabaseCorrupt) => Error::NotADatabase {
            path: path.to_path_buf(),
            detail: "the database is damaged (corrupt)".into(),
        },
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            Error::DatabaseLocked(path.to_path_buf())
        }
        Some(ErrorCode::CannotOpen) => Error::Read {
            path: path.to_path_buf(),
            source: std::io::Error::other("cannot open the database file"),
        },
        Some(ErrorCode::ReadOnly) if extended_code(&e) == Some(READONLY_DBMOVED) => Error::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other(
                "the file was moved or deleted while bitext was writing it",
            ),
        },
        Some(ErrorCode::ReadOnly) => Error::ReadOnly(path.to_path_buf()),
        Some(ErrorCode::DiskFull) => Error::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other(
                "the disk is full, or the file would exceed the file size limit",
            ),
        },
        Some(ErrorCode::SystemIoFailure) => Error::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other(format!(
                "input/output error (SQLite code {}): the disk may be full or failing, or a file size limit reached",
                extended_code(&e).unwrap_or(0)
            )),
        },
        _ => Error::Database(e),
    }
}

#[cfg(test)]
mod tests;

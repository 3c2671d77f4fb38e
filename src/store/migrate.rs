//! Schema migrations: the SQL files of `migrations/`, embedded and applied in order.
//!
//! The schema version is SQLite's `user_version`; a database whose version is newer than the
//! last migration is refused. `application_id` marks a file as bitext's, so that bitext never
//! writes its tables into somebody else's SQLite database.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Error, Result};

/// `PRAGMA application_id` of a bitext memory: "bitx".
pub const APPLICATION_ID: i64 = 0x6269_7478;

/// The migrations, in order: version, file name, SQL.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "0001_initial.sql",
        include_str!("../../migrations/0001_initial.sql"),
    ),
    (
        2,
        "0002_search_index.sql",
        include_str!("../../migrations/0002_search_index.sql"),
    ),
    (
        3,
        "0003_interchange.sql",
        include_str!("../../migrations/0003_interchange.sql"),
    ),
    (
        4,
        "0004_index_tokenizer.sql",
        include_str!("../../migrations/0004_index_tokenizer.sql"),
    ),
    (
        5,
        "0005_history_outlives_documents.sql",
        include_str!("../../migrations/0005_history_outlives_documents.sql"),
    ),
    (
        6,
        "0006_index_numbers_stems.sql",
        include_str!("../../migrations/0006_index_numbers_stems.sql"),
    ),
    (
        7,
        "0007_import_history.sql",
        include_str!("../../migrations/0007_import_history.sql"),
    ),
];

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// Whose a database is and which schema it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schema {
    pub application_id: i64,
    pub version: i64,
    /// Tables, indexes, triggers and views.
    pub objects: i64,
}

/// Reads a database's [`Schema`] (no write, no lock beyond a read).
pub fn schema(conn: &Connection) -> rusqlite::Result<Schema> {
    Ok(Schema {
        application_id: conn.query_row("PRAGMA application_id", [], |r| r.get(0))?,
        version: conn.query_row("PRAGMA user_version", [], |r| r.get(0))?,
        objects: conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?,
    })
}

/// The error for another application's database.
pub fn foreign(path: &Path) -> Error {
    Error::NotADatabase {
        path: path.to_path_buf(),
        detail: "it is an SQLite database of another application".into(),
    }
}

/// Checks that a database is bitext's (or empty) and not newer than this build.
pub fn check(s: Schema, path: &Path) -> Result<()> {
    if s.application_id != APPLICATION_ID && (s.objects > 0 || s.version != 0) {
        return Err(foreign(path));
    }
    if s.version > latest() {
        return Err(Error::DatabaseTooNew {
            path: path.to_path_buf(),
            found: s.version,
            known: latest(),
        });
    }
    Ok(())
}

/// Brings the database to the latest schema, each migration in its own transaction. Each
/// transaction takes the write lock first and reads the version again under it, so that two
/// processes opening the same old (or new) memory at once apply every migration once.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let now = schema(conn)?;
    check(now, path)?;
    for &(v, _, sql) in MIGRATIONS.iter().filter(|m| m.0 > now.version) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let locked = schema(&tx)?;
        check(locked, path)?;
        if locked.version >= v {
            continue; // another process applied it meanwhile
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", v)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_migrations_is_embedded_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|f| f.ends_with(".sql"))
            .collect();
        files.sort();
        let embedded: Vec<&str> = MIGRATIONS.iter().map(|m| m.1).collect();
        assert_eq!(files, embedded);
        for (k, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.0, k as i64 + 1);
            assert!(m.1.starts_with(&format!("{:04}_", m.0)));
        }
    }
}

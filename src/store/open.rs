//! Opening and creating memory files without harming anything.
//!
//! - **Check before writing.** A file is classified from its SQLite header (read as plain
//!   bytes) before SQLite opens it for writing: another application's database, a file that is
//!   not SQLite, a folder, a FIFO are refused untouched (no journal mode switched, no change
//!   counter bumped). Only a bitext memory, or an empty file, is opened for writing.
//! - **Create atomically and exclusively.** A new memory is built and migrated under a temporary
//!   name beside its path (`.NAME.PID.new`) and linked into place only if no file is there
//!   ([`files::link_no_replace`]). [`Memory::update_or_create`] does the caller's whole write in
//!   the new memory first, so that a failed import or align leaves no file behind; when another
//!   process created the memory meanwhile, the write goes to that one instead. A creator never
//!   removes a file it did not create.
//! - **Readers do not write.** [`Memory::open_read_only`] never creates a file and never changes
//!   one; a read-only memory (file or folder) can be read. A writer on a read-only memory gets
//!   [`Error::ReadOnly`].

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, ErrorCode, MAIN_DB, OpenFlags};

use super::migrate::{self, APPLICATION_ID};
use super::{BUSY_TIMEOUT, Memory, db_error, index};
use crate::error::{Error, Result};
use crate::files::{self, RemoveOnDrop};

/// What a file holds, as far as opening it is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Content {
    /// A bitext memory (of any schema version).
    Memory,
    /// Nothing yet: a 0-byte file, or an SQLite database without a table or a version.
    Empty,
}

impl Memory {
    /// Opens the memory at `path` for reading and writing, creating an empty one when no file
    /// is there (atomically: see the module's comment), and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Memory> {
        if !entry_exists(path)? {
            let (memory, building) = Building::start(path)?;
            // false: another process created it meanwhile, which is as good
            building.publish(memory, path)?;
        }
        Memory::open_existing(path)
    }

    /// Opens an existing memory for reading and writing; a missing file is an error rather than
    /// a new, empty memory. Another application's file is refused before anything is written to
    /// it; a memory that cannot be written is [`Error::ReadOnly`].
    pub fn open_existing(path: &Path) -> Result<Memory> {
        check_file(path)?;
        if !files::writable(path) || !files::writable(files::folder(path)) {
            return Err(Error::ReadOnly(path.to_path_buf()));
        }
        classify(path)?;
        Memory::connect(path, path)
    }

    /// Opens an existing memory for reading only: nothing is created, and nothing is changed
    /// (but for bringing an older memory's schema up to date when it can be written). A memory
    /// in a read-only file or folder can be read. A missing or empty file, or one that is not a
    /// bitext memory, is an error.
    pub fn open_read_only(path: &Path) -> Result<Memory> {
        check_file(path)?;
        if classify(path)? == Content::Empty {
            return Err(Error::NotADatabase {
                path: path.to_path_buf(),
                detail: "it is empty (no memory has been stored in it yet)".into(),
            });
        }
        let fail = |e| db_error(path, e);
        let writable = files::writable(path) && files::writable(files::folder(path));
        let conn = if writable {
            // read-write but query-only, so that closing cleans up SQLite's -wal and -shm files
            // as every other bitext does (a read-only connection would leave them behind)
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(fail)?;
            conn.pragma_update(None, "query_only", true).map_err(fail)?;
            conn
        } else {
            connect_read_only(path)?
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        let schema = migrate::schema(&conn).map_err(fail)?;
        migrate::check(schema, path)?;
        if schema.version < migrate::latest() {
            if !writable {
                return Err(Error::NeedsUpgrade {
                    path: path.to_path_buf(),
                    found: schema.version,
                    known: migrate::latest(),
                });
            }
            drop(conn);
            let memory = Memory::open_existing(path)?;
            memory
                .conn
                .pragma_update(None, "query_only", true)
                .map_err(|e| memory.fail(e))?;
            return Ok(memory);
        }
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(fail)?;
        let terms = Arc::<index::TermCache>::default();
        index::register_functions(&conn, terms.clone()).map_err(fail)?;
        Ok(Memory {
            conn,
            path: path.to_path_buf(),
            terms,
        })
    }

    /// Runs `write` on the memory at `path`, creating the memory when no file is there.
    ///
    /// A new memory is built under a temporary name beside `path`, `write` runs on it, and it is
    /// linked into place only when `write` succeeded and no file appeared at `path` meanwhile:
    /// a failure leaves no file behind. If another process created a memory at `path` in the
    /// meantime, `write` runs again, on that memory, so that both land. (`write` may therefore
    /// run twice; it must start from scratch each time.)
    pub fn update_or_create<T>(
        path: &Path,
        mut write: impl FnMut(&mut Memory) -> Result<T>,
    ) -> Result<T> {
        if entry_exists(path)? {
            return write(&mut Memory::open_existing(path)?);
        }
        let (mut memory, building) = Building::start(path)?;
        let value = write(&mut memory)?;
        if building.publish(memory, path)? {
            return Ok(value);
        }
        write(&mut Memory::open_existing(path)?)
    }

    /// A memory that lives in RAM (for tests and dry runs).
    pub fn open_in_memory() -> Result<Memory> {
        let mut conn = Connection::open_in_memory()?;
        let terms = Arc::<index::TermCache>::default();
        index::register_functions(&conn, terms.clone())?;
        migrate::migrate(&mut conn, Path::new(":memory:"))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        Ok(Memory {
            conn,
            path: PathBuf::from(":memory:"),
            terms,
        })
    }

    /// Opens `file` for writing (named `path` in messages): WAL, foreign keys, a busy timeout,
    /// bitext's SQL functions, the latest schema.
    fn connect(file: &Path, path: &Path) -> Result<Memory> {
        let fail = |e| db_error(path, e);
        let mut conn = Connection::open_with_flags(
            file,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(fail)?;
        if conn.is_readonly(MAIN_DB).map_err(fail)? {
            return Err(Error::ReadOnly(path.to_path_buf()));
        }
        conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(fail)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(fail)?;
        if !mode.eq_ignore_ascii_case("wal") {
            conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
                .map_err(fail)?;
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail)?;
        let terms = Arc::<index::TermCache>::default();
        index::register_functions(&conn, terms.clone()).map_err(fail)?;
        migrate::migrate(&mut conn, path).map_err(|e| match e {
            Error::Database(e) => db_error(path, e),
            other => other,
        })?;
        Ok(Memory {
            conn,
            path: path.to_path_buf(),
            terms,
        })
    }

    /// Closes the memory with everything written into its main file (no `-wal` left).
    fn close(self) -> Result<()> {
        let Memory { conn, path, .. } = self;
        let fail = |e| db_error(&path, e);
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(fail)?;
        conn.close().map_err(|(_, e)| fail(e))
    }
}

/// A memory being built under a temporary name beside its path.
struct Building {
    temp: PathBuf,
    /// The temporary file and its SQLite companions, removed however the building ends.
    _cleanup: RemoveOnDrop,
}

impl Building {
    /// Creates the temporary file (exclusively) and a migrated memory in it. Temporary files
    /// of earlier creators that were killed are removed first.
    fn start(path: &Path) -> Result<(Memory, Building)> {
        files::remove_stale(path, "new");
        let temp = files::temp_beside(path, "new")?;
        files::create_new(&temp).map_err(|e| Error::Write {
            path: path.to_path_buf(),
            source: e,
        })?;
        let cleanup = RemoveOnDrop(companions(&temp));
        let memory = Memory::connect(&temp, path)?;
        Ok((
            memory,
            Building {
                temp,
                _cleanup: cleanup,
            },
        ))
    }

    /// Closes the memory and gives it the name `path` unless a file is there: true when it
    /// did, false when another process was first.
    fn publish(self, memory: Memory, path: &Path) -> Result<bool> {
        let fail = |e| Error::Write {
            path: path.to_path_buf(),
            source: e,
        };
        memory.close()?;
        File::open(&self.temp)
            .and_then(|f| f.sync_all())
            .map_err(fail)?;
        let linked = files::link_no_replace(&self.temp, path).map_err(fail)?;
        if linked {
            files::sync_folder(files::folder(path));
        }
        Ok(linked)
        // the temporary name goes here; a linked memory keeps its new one
    }
}

/// A database file and the companions SQLite may give it.
fn companions(path: &Path) -> Vec<PathBuf> {
    let mut all = vec![path.to_path_buf()];
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        all.push(PathBuf::from(p));
    }
    all
}

/// Whether anything (a file, a folder, a symlink, dangling or not) has this name.
fn entry_exists(path: &Path) -> Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::read(path, e)),
    }
}

/// Checks that `path` is an existing regular file (after symlinks).
fn check_file(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(Error::IsDirectory(path.to_path_buf())),
        Ok(m) if !m.is_file() => Err(Error::NotADatabase {
            path: path.to_path_buf(),
            detail: "it is not a regular file (a FIFO, a device or a socket)".into(),
        }),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(Error::invalid(format!(
            "no translation memory at {}; create one with 'bitext align' or 'bitext import', or name one with --db",
            path.display()
        ))),
        Err(e) => Err(Error::read(path, e)),
    }
}

/// The fields of SQLite's 100-byte file header that say whose database it is.
struct Header {
    schema_cookie: u32,
    user_version: i32,
    application_id: i32,
}

/// Reads the header of `path` as plain bytes: `None` for a 0-byte file.
fn header(path: &Path) -> Result<Option<Header>> {
    let mut file = File::open(path).map_err(|e| Error::read(path, e))?;
    let mut head = Vec::with_capacity(100);
    (&mut file)
        .take(100)
        .read_to_end(&mut head)
        .map_err(|e| Error::read(path, e))?;
    if head.is_empty() {
        return Ok(None);
    }
    if head.len() < 100 || !head.starts_with(b"SQLite format 3\0") {
        return Err(Error::NotADatabase {
            path: path.to_path_buf(),
            detail: "the file is not an SQLite database, or it is damaged".into(),
        });
    }
    let word = |at: usize| u32::from_be_bytes(head[at..at + 4].try_into().expect("4 bytes"));
    Ok(Some(Header {
        schema_cookie: word(40),
        user_version: word(60) as i32,
        application_id: word(68) as i32,
    }))
}

/// Says what `path` holds without writing to it: a bitext memory, nothing yet, or (an error)
/// another application's database or not a database at all.
fn classify(path: &Path) -> Result<Content> {
    let Some(h) = header(path)? else {
        return Ok(Content::Empty);
    };
    if i64::from(h.application_id) == APPLICATION_ID {
        return Ok(Content::Memory);
    }
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if std::fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 0) {
        // the header on disk may be older than the WAL: ask SQLite, reading through it
        let conn = connect_read_only(path)?;
        let schema = migrate::schema(&conn).map_err(|e| db_error(path, e))?;
        migrate::check(schema, path)?;
        return Ok(if schema.application_id == APPLICATION_ID {
            Content::Memory
        } else {
            Content::Empty
        });
    }
    if h.schema_cookie == 0 && h.user_version == 0 {
        Ok(Content::Empty)
    } else {
        Err(migrate::foreign(path))
    }
}

/// A connection for a memory this process cannot write. When the memory has no `-wal` file, it
/// is whole in its main file and is read as immutable: SQLite then creates no `-wal` and `-shm`
/// files, which this process could not remove and which would get in the way of the memory's
/// owner. With a `-wal` file (a writer has the memory open), it is read through the WAL as
/// usual; where SQLite cannot even do that (no `-shm` in a read-only folder), as immutable.
fn connect_read_only(path: &Path) -> Result<Connection> {
    let fail = |e| db_error(path, e);
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let immutable = || {
        let uri = format!("file:{}?immutable=1", uri_path(path));
        Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI).map_err(fail)
    };
    if !std::fs::exists(companions(path)[1].as_path()).unwrap_or(true) {
        return immutable();
    }
    let conn = Connection::open_with_flags(path, flags).map_err(fail)?;
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(conn),
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen)
            ) =>
        {
            drop(conn);
            immutable()
        }
        Err(e) => Err(fail(e)),
    }
}

/// A path as the path of a `file:` URI: every byte but unreserved ones and `/` percent-encoded.
fn uri_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::UnitFilter;
    use crate::store::migrate::MIGRATIONS;

    /// A memory with only the first `version` migrations, as an older bitext left it.
    fn old_memory(path: &Path, version: usize) {
        let conn = Connection::open(path).unwrap();
        index::register_functions(&conn, Arc::default()).unwrap();
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .unwrap();
        for &(v, _, sql) in &MIGRATIONS[..version] {
            conn.execute_batch(sql).unwrap();
            conn.pragma_update(None, "user_version", v).unwrap();
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO documents (name, source_lang, target_lang, created, created_by)
                 VALUES ('d', 'ar', 'en', 't', 'u');
             INSERT INTO units (document_id, position, source, target, created, created_by,
                 changed, changed_by) VALUES (1, 0, 'نص', 'text', 't', 'u', 't', 'u');",
        )
        .unwrap();
    }

    fn version(m: &Memory) -> i64 {
        m.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_reader_brings_an_older_memory_up_to_date_and_writes_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        old_memory(&path, 3);
        let m = Memory::open_read_only(&path).unwrap();
        assert_eq!(version(&m), migrate::latest());
        assert_eq!(m.units(&UnitFilter::default()).unwrap().len(), 1);
        // and it is still a reader
        let err = m.conn.execute("DELETE FROM units", []).unwrap_err();
        assert!(err.to_string().contains("readonly"), "{err}");
    }

    #[test]
    fn writers_opening_an_older_memory_at_once_migrate_it_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        old_memory(&path, 1);
        let opened: Vec<Result<i64>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| Memory::open_existing(&path).map(|m| version(&m))))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for v in opened {
            assert_eq!(v.unwrap(), migrate::latest());
        }
        let m = Memory::open_read_only(&path).unwrap();
        assert_eq!(m.units(&UnitFilter::default()).unwrap().len(), 1);
    }

    #[test]
    fn a_failed_write_to_a_new_memory_leaves_nothing_and_a_good_one_lands() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let err = Memory::update_or_create(&path, |_| -> Result<()> { Err(Error::invalid("no")) })
            .unwrap_err();
        assert_eq!(err.to_string(), "no");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut runs = 0;
        Memory::update_or_create(&path, |m| {
            runs += 1;
            assert_eq!(m.path(), path.as_path());
            Ok(())
        })
        .unwrap();
        assert_eq!(runs, 1);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["new.db"]);
        assert_eq!(
            version(&Memory::open_read_only(&path).unwrap()),
            migrate::latest()
        );
    }

    #[test]
    fn a_memory_created_meanwhile_gets_the_write_instead() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("raced.db");
        let mut runs = Vec::new();
        Memory::update_or_create(&path, |m| {
            // another process creates the memory while this one works on its new one
            if runs.is_empty() {
                drop(Memory::open(&path)?);
            }
            runs.push(m.conn.path().map(str::to_string));
            Ok(())
        })
        .unwrap();
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert!(runs[0].as_deref().unwrap().ends_with(".new"), "{runs:?}");
        assert!(
            runs[1].as_deref().unwrap().ends_with("raced.db"),
            "{runs:?}"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn uri_paths_escape_what_uris_reserve() {
        assert_eq!(uri_path(Path::new("/a b/x?.db#1")), "/a%20b/x%3F.db%231");
    }
}

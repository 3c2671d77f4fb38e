//! The one error type of the library.
//!
//! Every failure a user can cause (a missing file, bad encoding, an unknown id, a locked database)
//! is a variant here with a message that fits on one line and names the problem. The binary
//! prints `bitext: {error}` and exits with [`Error::exit_code`].

use std::io;
use std::path::{Path, PathBuf};

/// Result alias used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in bitext.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened or read.
    #[error("cannot read {}: {}", .path.display(), io_message(.source))]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A path names a directory where a file was expected.
    #[error("{} is a directory, not a file", .0.display())]
    IsDirectory(PathBuf),
    /// The bytes of an input are not UTF-8.
    #[error("{} is not valid UTF-8: invalid byte at offset {offset}", .path.display())]
    NotUtf8 { path: PathBuf, offset: usize },
    /// The input is UTF-16; bitext reads UTF-8 text files.
    #[error("{} is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8", .0.display())]
    Utf16Text(PathBuf),
    /// The input holds no text, or only whitespace.
    #[error("{0} is empty: there is no text to work on")]
    EmptyText(String),
    /// A language code bitext does not know.
    #[error("unknown language '{0}' (bitext knows: ar, en)")]
    UnknownLanguage(String),
    /// A file could not be written.
    #[error("cannot write {}: {}", .path.display(), io_message(.source))]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Writing to standard output failed (a closed pipe is handled by the binary).
    #[error("cannot write output: {}", io_message(.0))]
    Output(#[source] io::Error),
    /// No unit has this id.
    #[error("no unit with id {0}")]
    UnknownUnit(i64),
    /// A write named the revision of a unit it had read, and the unit has changed since.
    #[error(
        "unit {unit} has changed since it was read (revision {expected}, now {current}); read it again and redo the change"
    )]
    Stale {
        unit: i64,
        expected: i64,
        current: i64,
    },
    /// No change has this id.
    #[error("no change with id {0} in the history")]
    UnknownChange(i64),
    /// No document has this name.
    #[error("no document named '{0}'")]
    UnknownDocument(String),
    /// A document with this name is already stored.
    #[error("a document named '{0}' already exists; use --replace to replace it")]
    DocumentExists(String),
    /// The database file is not SQLite, or not bitext's.
    #[error("{} is not a bitext database: {detail}", .path.display())]
    NotADatabase { path: PathBuf, detail: String },
    /// The database was written by a newer bitext.
    #[error(
        "{} has schema version {found}, newer than this bitext understands (up to {known}); use a newer bitext",
        .path.display()
    )]
    DatabaseTooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// Another process holds a lock on the database.
    #[error("{} is locked by another process; try again when it has finished", .0.display())]
    DatabaseLocked(PathBuf),
    /// Any other SQLite failure.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// An input file in an interchange format (TMX, JSON, bead lists) is malformed.
    #[error("{file}:{line}:{column}: {message}")]
    Malformed {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A request that cannot be carried out as asked (an empty edit, a split outside a unit, …).
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// The process exit code for this error: 1 for bad input or a request that cannot be
    /// carried out, 3 for a database that cannot be used. (2 is reserved for usage errors.)
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::NotADatabase { .. }
            | Error::DatabaseTooNew { .. }
            | Error::DatabaseLocked(_)
            | Error::Database(_) => 3,
            _ => 1,
        }
    }

    /// True when the error is a closed output pipe (`bitext list | head`), which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }

    /// Builds a [`Error::Read`] for `path`, or [`Error::IsDirectory`] when that is the cause.
    pub fn read(path: &Path, source: io::Error) -> Error {
        if path.is_dir() {
            Error::IsDirectory(path.to_path_buf())
        } else {
            Error::Read {
                path: path.to_path_buf(),
                source,
            }
        }
    }

    /// Builds an [`Error::Invalid`] from anything printable.
    pub fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid(message.into())
    }
}

/// `io::Error`'s message without the "(os error N)" suffix, lower-cased like the rest of our
/// messages: "No such file or directory (os error 2)" becomes "no such file or directory".
fn io_message(e: &io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_messages_are_short_and_lower_case() {
        let e = Error::Read {
            path: "x.txt".into(),
            source: io::Error::from_raw_os_error(2),
        };
        assert_eq!(
            e.to_string(),
            "cannot read x.txt: no such file or directory"
        );
    }

    #[test]
    fn database_problems_have_their_own_exit_code() {
        assert_eq!(Error::DatabaseLocked("a.db".into()).exit_code(), 3);
        assert_eq!(Error::UnknownUnit(3).exit_code(), 1);
    }
}

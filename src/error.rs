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
    /// The bytes of an input are not UTF-8: where the first bad byte is (line and character
    /// column, and byte offset) and its value.
    #[error(
        "{}:{line}:{column}: not valid UTF-8 (byte 0x{byte:02X} at offset {offset}); save the file as UTF-8",
        .path.display()
    )]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        column: usize,
        offset: usize,
        byte: u8,
    },
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
    /// The memory (or its folder, where SQLite keeps its journal) cannot be written.
    #[error(
        "{} is read-only: bitext can read it but not change it (check the permissions of the file and its folder)",
        .0.display()
    )]
    ReadOnly(PathBuf),
    /// A memory of an older schema that cannot be brought up to date, being read-only.
    #[error(
        "{} has schema version {found} and is read-only: this bitext (schema {known}) reads it once it is upgraded, which needs write access (any bitext command upgrades it)",
        .path.display()
    )]
    NeedsUpgrade {
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
            | Error::ReadOnly(_)
            | Error::NeedsUpgrade { .. }
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

/// Longest excerpt of a file's or a user's text that a message quotes, in characters.
pub const EXCERPT_CHARS: usize = 60;

/// A short excerpt of `text` for a message: at most [`EXCERPT_CHARS`] characters, with `…` when
/// cut, control characters escaped as the terminal output escapes them.
pub fn excerpt(text: &str) -> String {
    let cut = match text.char_indices().nth(EXCERPT_CHARS) {
        None => text,
        Some((cut, _)) => &text[..cut],
    };
    let escaped = crate::cli::output::escape(cut);
    if cut.len() < text.len() {
        format!("{escaped}…")
    } else {
        escaped.into_owned()
    }
}

/// A message from a library (a parser) with every quoted part — between backticks or double
/// quotes — cut to an [`excerpt`], so that a huge or multi-line name in the input cannot make
/// the message long.
pub fn shorten_quotes(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(512));
    let mut rest = message;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest[open..].chars().next().expect("found");
        out.push_str(&rest[..=open]);
        let inner = &rest[open + 1..];
        let Some(close) = inner.find(quote) else {
            out.push_str(&excerpt(inner));
            return out;
        };
        out.push_str(&excerpt(&inner[..close]));
        out.push(quote);
        rest = &inner[close + 1..];
    }
    out.push_str(&crate::cli::output::escape(rest));
    out
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
    fn excerpts_are_short() {
        assert_eq!(excerpt("abc"), "abc");
        let long = "ب".repeat(1000);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn quoted_parts_of_library_messages_are_cut_and_escaped() {
        let long = "x".repeat(1000);
        let message = format!("unknown field `{long}`, expected `id` or \"a\nb\"");
        let short = shorten_quotes(&message);
        assert!(short.len() < 120, "{short}");
        assert!(short.ends_with("expected `id` or \"a\\nb\""), "{short}");
        assert_eq!(shorten_quotes("no quotes\n"), "no quotes\\n");
        assert_eq!(shorten_quotes("open `quote"), "open `quote");
    }

    #[test]
    fn database_problems_have_their_own_exit_code() {
        assert_eq!(Error::DatabaseLocked("a.db".into()).exit_code(), 3);
        assert_eq!(Error::ReadOnly("a.db".into()).exit_code(), 3);
        assert_eq!(Error::UnknownUnit(3).exit_code(), 1);
    }
}

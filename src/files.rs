//! Files written safely: temporary files beside their target, put in place atomically, and
//! the temporary files of killed processes cleaned up.
//!
//! - A new memory is built as `.NAME.PID.new` beside `NAME` and linked into place only if no
//!   file is there ([`link_no_replace`]): two processes creating the same memory never see a
//!   half-made one, and neither removes the other's.
//! - An export to a file is written as `.NAME.PID.part` and renamed over the file when complete
//!   ([`write_output`]); a character device or a FIFO is written through instead, a symlink is
//!   followed to the file it names, anything else is refused.
//! - A temporary file whose process is no longer running is removed by the next bitext that
//!   writes beside the same target ([`remove_stale`]).

use std::ffi::CString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// The folder a path is in (`.` for a bare file name).
pub fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// `.NAME.PID.TAG` beside `path`: this process's temporary file for it (`.NAME.PID-N.TAG` for
/// the N-th after the first, so that two threads never share one).
pub fn temp_beside(path: &Path, tag: &str) -> Result<PathBuf> {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid(format!("{} is not a file name", path.display())))?;
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let mut temp = std::ffi::OsString::from(".");
    temp.push(name);
    match n {
        0 => temp.push(format!(".{}.{tag}", std::process::id())),
        n => temp.push(format!(".{}-{n}.{tag}", std::process::id())),
    }
    Ok(folder(path).join(temp))
}

/// Whether the process `pid` is running (on this machine, in this PID namespace).
pub fn process_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    if pid <= 0 {
        return true;
    }
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    let alive = unsafe { libc::kill(pid, 0) } == 0;
    alive || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Removes the temporary files `.NAME.PID.TAG` (and their SQLite companions `-wal`, `-shm`,
/// `-journal`) left beside `path` by processes that are no longer running. Best effort: what
/// cannot be read or removed is left alone.
pub fn remove_stale(path: &Path, tag: &str) {
    let Some(name) = path.file_name() else {
        return;
    };
    let Ok(entries) = fs::read_dir(folder(path)) else {
        return;
    };
    let mut prefix = b".".to_vec();
    prefix.extend_from_slice(name.as_bytes());
    prefix.push(b'.');
    let suffix = format!(".{tag}");
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(rest) = file.as_bytes().strip_prefix(prefix.as_slice()) else {
            continue;
        };
        let rest = ["-wal", "-shm", "-journal"]
            .iter()
            .find_map(|c| rest.strip_suffix(c.as_bytes()))
            .unwrap_or(rest);
        let Some(pid) = rest.strip_suffix(suffix.as_bytes()) else {
            continue;
        };
        // PID, or PID-N
        let Some(pid) = std::str::from_utf8(pid)
            .ok()
            .map(|p| {
                p.split_once('-').map_or(p, |(pid, n)| {
                    if n.bytes().all(|b| b.is_ascii_digit()) {
                        pid
                    } else {
                        ""
                    }
                })
            })
            .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        if regular && pid != std::process::id() && !process_running(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether this process may write `path` (by its effective user; false on a read-only file
/// system).
pub fn writable(path: &Path) -> bool {
    let Ok(c) = CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), libc::W_OK, libc::AT_EACCESS) == 0 }
}

/// Gives the file `from` the name `to` only if nothing is called `to` yet: true when it did,
/// false when `to` exists. `from` may keep its name (a hard link) or lose it (a rename), so the
/// caller removes it afterwards if it is still there.
pub fn link_no_replace(from: &Path, to: &Path) -> io::Result<bool> {
    match fs::hard_link(from, to) {
        Ok(()) => return Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        // a file system without hard links: try an exclusive rename
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(libc::EPERM | libc::EOPNOTSUPP | libc::EMLINK | libc::ENOSYS)
            ) => {}
        Err(e) => return Err(e),
    }
    rename_no_replace(from, to)
}

#[cfg(target_os = "linux")]
fn rename_no_replace(from: &Path, to: &Path) -> io::Result<bool> {
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
    let (a, b) = (c(from)?, c(to)?);
    // SAFETY: both paths are valid NUL-terminated strings for the duration of the call.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_NOREPLACE,
        )
    };
    if done == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    if e.kind() == io::ErrorKind::AlreadyExists {
        Ok(false)
    } else {
        Err(e)
    }
}

#[cfg(not(target_os = "linux"))]
fn rename_no_replace(_: &Path, _: &Path) -> io::Result<bool> {
    Err(io::Error::other(
        "this file system can neither hard-link nor rename without replacing",
    ))
}

/// Flushes a folder's entries (a new or renamed file in it) to disk. Best effort.
pub fn sync_folder(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Where `write_output` writes.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A regular file (existing or not), replaced atomically.
    File(PathBuf),
    /// A character device or a FIFO, written through.
    Stream,
}

/// Decides where an output to `path` goes: a regular file (the one a symlink names, followed to
/// the end), or a device or FIFO written through; a folder, a socket or a block device is
/// refused.
fn target(path: &Path) -> Result<Target> {
    let refuse = |what: &str| {
        Error::invalid(format!(
            "{} is {what}; export writes to a regular file, a FIFO or a character device",
            path.display()
        ))
    };
    match fs::metadata(path) {
        Ok(m) => {
            let t = m.file_type();
            if t.is_dir() {
                Err(Error::IsDirectory(path.to_path_buf()))
            } else if t.is_char_device() || t.is_fifo() {
                Ok(Target::Stream)
            } else if t.is_socket() {
                Err(refuse("a socket"))
            } else if t.is_block_device() {
                Err(refuse("a block device"))
            } else if fs::symlink_metadata(path).is_ok_and(|l| l.file_type().is_symlink()) {
                // replace the file the link names, not the link
                let real = fs::canonicalize(path).map_err(|e| Error::Write {
                    path: path.to_path_buf(),
                    source: e,
                })?;
                Ok(Target::File(real))
            } else {
                Ok(Target::File(path.to_path_buf()))
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Target::File(dangling(path)?)),
        Err(e) => Err(Error::Write {
            path: path.to_path_buf(),
            source: e,
        }),
    }
}

/// The path a missing file is to be created at: `path` itself, or where a dangling symlink
/// (or a chain of them) points.
fn dangling(path: &Path) -> Result<PathBuf> {
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let next = fs::read_link(&at).map_err(|e| Error::Write {
                    path: path.to_path_buf(),
                    source: e,
                })?;
                at = folder(&at).join(next);
            }
            _ => return Ok(at),
        }
    }
    Err(Error::Write {
        path: path.to_path_buf(),
        source: io::Error::from_raw_os_error(libc::ELOOP),
    })
}

/// Writes an output file: a regular file through a temporary file beside it, renamed over it
/// only when `write` succeeds (a failed write never leaves half a file nor touches the old
/// one; the new file keeps the old one's permissions); a character device or a FIFO directly.
/// A symlink is followed, and the file it names replaced. Temporary files of earlier, killed
/// writers are removed first.
pub fn write_output<T>(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
    let real = match target(path)? {
        Target::Stream => {
            let file = OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| write_error(path, e))?;
            let mut out = BufWriter::with_capacity(1 << 16, file);
            let value = write(&mut out).map_err(|e| output_error(path, e))?;
            out.flush().map_err(|e| write_error(path, e))?;
            return Ok(value);
        }
        Target::File(real) => real,
    };
    remove_stale(&real, "part");
    let temp = temp_beside(&real, "part")?;
    let file = create_new(&temp).map_err(|e| write_error(path, e))?;
    let guard = RemoveOnDrop(vec![temp.clone()]);
    if let Ok(old) = fs::metadata(&real) {
        let _ = file.set_permissions(old.permissions());
    }
    let mut out = BufWriter::with_capacity(1 << 16, file);
    let value = write(&mut out).map_err(|e| output_error(path, e))?;
    let file = out
        .into_inner()
        .map_err(|e| write_error(path, e.into_error()))?;
    file.sync_all().map_err(|e| write_error(path, e))?;
    drop(file);
    fs::rename(&temp, &real).map_err(|e| write_error(path, e))?;
    guard.keep();
    sync_folder(folder(&real));
    Ok(value)
}

/// Creates `path` exclusively; a file of that name left by an earlier process with this
/// process's id is stale and replaced.
pub fn create_new(path: &Path) -> io::Result<File> {
    let open = || OpenOptions::new().write(true).create_new(true).open(path);
    match open() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            open()
        }
        other => other,
    }
}

fn write_error(path: &Path, e: io::Error) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        source: e,
    }
}

/// A failure to write the output stream is a failure to write this file.
fn output_error(path: &Path, e: Error) -> Error {
    match e {
        Error::Output(io) => write_error(path, io),
        other => other,
    }
}

/// Files removed when dropped, unless kept (a temporary file of a failed write).
pub struct RemoveOnDrop(pub Vec<PathBuf>);

impl RemoveOnDrop {
    pub fn keep(mut self) {
        self.0.clear();
    }
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_sit_beside_their_target_and_differ() {
        let a = temp_beside(Path::new("a/b/tm.db"), "new").unwrap();
        let b = temp_beside(Path::new("a/b/tm.db"), "new").unwrap();
        assert_ne!(a, b);
        for temp in [a, b] {
            assert_eq!(temp.parent(), Some(Path::new("a/b")));
            let name = temp.file_name().unwrap().to_str().unwrap();
            let pid = std::process::id().to_string();
            assert!(name.starts_with(&format!(".tm.db.{pid}")), "{name}");
            assert!(name.ends_with(".new"), "{name}");
        }
        let bare = temp_beside(Path::new("tm.db"), "part").unwrap();
        assert_eq!(bare.parent(), Some(Path::new(".")));
    }

    #[test]
    fn only_the_temporary_files_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.tmx");
        // a process that has exited: its id is free (unless reused at once, which would only
        // keep its file)
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let parent = std::os::unix::process::parent_id();
        let names = [
            format!(".out.tmx.{dead}.part"),
            format!(".out.tmx.{parent}.part"),
            format!(".other.tmx.{dead}.part"),
            format!(".out.tmx.{dead}.new"),
            ".out.tmx.12x.part".to_string(),
            "out.tmx".to_string(),
            format!(".out.tmx.{dead}-3.part"),
        ];
        for n in &names {
            fs::write(dir.path().join(n), "x").unwrap();
        }
        remove_stale(&target, "part");
        let left: Vec<bool> = names.iter().map(|n| dir.path().join(n).exists()).collect();
        let dead_is_free = !process_running(dead);
        assert_eq!(
            left,
            [!dead_is_free, true, true, true, true, true, !dead_is_free]
        );
    }

    #[test]
    fn linking_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            dir.path().join("a"),
            dir.path().join("b"),
            dir.path().join("c"),
        );
        fs::write(&a, "new").unwrap();
        fs::write(&b, "old").unwrap();
        assert!(!link_no_replace(&a, &b).unwrap());
        assert_eq!(fs::read_to_string(&b).unwrap(), "old");
        assert!(link_no_replace(&a, &c).unwrap());
        assert_eq!(fs::read_to_string(&c).unwrap(), "new");
    }

    #[test]
    fn outputs_follow_links_and_refuse_what_is_not_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("real.tmx");
        fs::write(&file, "old").unwrap();
        let link = dir.path().join("link.tmx");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(
            target(&link).unwrap(),
            Target::File(file.canonicalize().unwrap())
        );
        let dangling_link = dir.path().join("dangling.tmx");
        std::os::unix::fs::symlink("later.tmx", &dangling_link).unwrap();
        assert_eq!(
            target(&dangling_link).unwrap(),
            Target::File(dir.path().join("later.tmx"))
        );
        assert_eq!(target(Path::new("/dev/null")).unwrap(), Target::Stream);
        assert!(matches!(target(dir.path()), Err(Error::IsDirectory(_))));
        let socket = dir.path().join("s.sock");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let err = target(&socket).unwrap_err();
        assert!(err.to_string().contains("is a socket"), "{err}");
    }
}

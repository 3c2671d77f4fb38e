//! What the memory promises under races, hostile files and unsafe paths (issue 10): several
//! processes creating one memory, other applications' files, read-only memories, `export -o`
//! to what is not a plain file, control characters in names, values that would break the
//! memory's invariants, huge values, and the file size limit.

mod common;

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output, Stdio};

use assert_cmd::Command;
use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;
use tempfile::TempDir;

use common::{article_ar, article_en, one_line_error};

/// A scratch folder; commands name their memory inside it.
struct Env {
    dir: TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: TempDir::new().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn bitext(&self, db: &str, args: &[&str]) -> Command {
        let mut cmd = common::bitext(self.dir.path(), &self.path(db));
        cmd.args(args);
        cmd
    }

    fn ok(&self, db: &str, args: &[&str]) -> Output {
        self.bitext(db, args)
            .assert()
            .success()
            .get_output()
            .clone()
    }

    fn stdout(&self, db: &str, args: &[&str]) -> String {
        String::from_utf8(self.ok(db, args).stdout).unwrap()
    }

    fn fails(&self, db: &str, args: &[&str], code: i32, needles: &[&str]) -> String {
        let out = self.bitext(db, args).assert().code(code);
        one_line_error(out.get_output(), needles)
    }

    /// The file names in the folder, sorted.
    fn listing(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn align_article(&self, db: &str) {
        self.ok(
            db,
            &[
                "align",
                "--no-split",
                article_ar().to_str().unwrap(),
                article_en().to_str().unwrap(),
            ],
        );
    }

    /// Every unit of `db`, as `export --format jsonl` gives them.
    fn units(&self, db: &str) -> Vec<Value> {
        self.stdout(db, &["export", "--format", "jsonl"])
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// JSON Lines of `n` distinct pairs for document `doc`.
fn pairs(doc: &str, n: usize) -> String {
    (0..n)
        .map(|k| {
            format!(
                "{{\"document\":\"{doc}\",\"source\":\"نص رقم {k} من {doc}\",\"target\":\"text {k} of {doc}\"}}\n"
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// 1. creating a memory: atomic and exclusive

#[test]
fn processes_racing_to_create_one_memory_all_land_or_say_why() {
    for round in 0..3 {
        let env = Env::new();
        let db = format!("race{round}.db");
        let imports = 4;
        for k in 0..imports {
            env.write(&format!("part{k}.jsonl"), pairs(&format!("part{k}"), 400));
        }
        let mut children = Vec::new();
        for k in 0..imports {
            let mut cmd = Process::cargo_bin("bitext").unwrap();
            cmd.current_dir(env.dir.path()).env("USER", "racer").args([
                "--db",
                &db,
                "import",
                &format!("part{k}.jsonl"),
            ]);
            children.push((
                format!("part{k}"),
                cmd.stderr(Stdio::piped()).spawn().unwrap(),
            ));
        }
        for name in ["first", "second"] {
            let mut cmd = Process::cargo_bin("bitext").unwrap();
            cmd.current_dir(env.dir.path())
                .args(["--db", &db, "align", "--no-split", "--name", name])
                .arg(article_ar())
                .arg(article_en())
                .stdout(Stdio::null());
            children.push((
                name.to_string(),
                cmd.stderr(Stdio::piped()).spawn().unwrap(),
            ));
        }
        let mut landed = Vec::new();
        for (name, child) in children {
            let out = child.wait_with_output().unwrap();
            if out.status.success() {
                landed.push(name);
            } else {
                // the only acceptable failure: the lock was held too long, said in one line
                assert_eq!(out.status.code(), Some(3), "{name}: {out:?}");
                one_line_error(&out, &["locked by another process"]);
            }
        }
        assert!(!landed.is_empty());
        let documents: Vec<Value> = env
            .units(&db)
            .into_iter()
            .map(|u| u["document"].clone())
            .collect();
        for name in &landed {
            let count = documents.iter().filter(|d| *d == name.as_str()).count();
            let expected = if name.starts_with("part") { 400 } else { 18 };
            assert_eq!(count, expected, "round {round}: {name} did not land");
        }
        // nothing but the memory is left in the folder: no temporary memory, no journal
        let left: Vec<String> = env
            .listing()
            .into_iter()
            .filter(|n| !n.ends_with(".jsonl"))
            .collect();
        assert_eq!(left, [db], "round {round}");
    }
}

#[test]
fn writers_racing_on_one_memory_all_land_or_say_why() {
    let env = Env::new();
    env.align_article("tm.db");
    for k in 0..3 {
        env.write(&format!("part{k}.jsonl"), pairs(&format!("part{k}"), 300));
    }
    let spawn = |args: Vec<String>| {
        let mut cmd = Process::cargo_bin("bitext").unwrap();
        cmd.current_dir(env.dir.path())
            .env("USER", "racer")
            .args(["--db", "tm.db"])
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        (args.join(" "), cmd.spawn().unwrap())
    };
    let mut children = Vec::new();
    for k in 0..3 {
        children.push(spawn(vec!["import".into(), format!("part{k}.jsonl")]));
    }
    for id in 1..=3 {
        children.push(spawn(vec![
            "edit".into(),
            id.to_string(),
            "--note".into(),
            format!("note {id}"),
        ]));
    }
    children.push(spawn(vec![
        "align".into(),
        "--no-split".into(),
        "--name".into(),
        "again".into(),
        article_ar().display().to_string(),
        article_en().display().to_string(),
    ]));
    children.push(spawn(vec!["list".into(), "--json".into()]));
    children.push(spawn(vec![
        "export".into(),
        "--format".into(),
        "jsonl".into(),
    ]));
    let mut landed = Vec::new();
    for (what, child) in children {
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            landed.push(what);
        } else {
            assert_eq!(out.status.code(), Some(3), "{what}: {out:?}");
            one_line_error(&out, &["locked by another process"]);
        }
    }
    let units = env.units("tm.db");
    for what in &landed {
        if let Some(file) = what.strip_prefix("import ") {
            let doc = file.trim_end_matches(".jsonl");
            assert_eq!(
                units.iter().filter(|u| u["document"] == doc).count(),
                300,
                "{what}"
            );
        } else if let Some(id) = what.strip_prefix("edit ") {
            let id: i64 = id.split(' ').next().unwrap().parse().unwrap();
            let unit = units.iter().find(|u| u["id"] == id).unwrap();
            assert_eq!(unit["note"], format!("note {id}"), "{what}");
        } else if what.starts_with("align") {
            assert_eq!(
                units.iter().filter(|u| u["document"] == "again").count(),
                18
            );
        }
    }
    // one unit per position of each document
    let mut places: Vec<(String, i64)> = units
        .iter()
        .map(|u| (u["document"].to_string(), u["position"].as_i64().unwrap()))
        .collect();
    let all = places.len();
    places.sort();
    places.dedup();
    assert_eq!(places.len(), all);
    assert_eq!(
        env.listing().iter().filter(|n| n.starts_with('.')).count(),
        0
    );
}

#[test]
fn a_failed_import_or_align_into_a_new_memory_leaves_no_file() {
    let env = Env::new();
    env.write("bad.jsonl", format!("{}{{\"source\":1}}\n", pairs("d", 3)));
    env.fails("new.db", &["import", "bad.jsonl"], 1, &["bad.jsonl:4:"]);
    assert_eq!(env.listing(), ["bad.jsonl"]);
    let empty = env.write("empty.txt", " \n");
    env.fails(
        "new.db",
        &[
            "align",
            article_ar().to_str().unwrap(),
            empty.to_str().unwrap(),
        ],
        1,
        &["is empty"],
    );
    assert_eq!(env.listing(), ["bad.jsonl", "empty.txt"]);
}

#[test]
fn temporary_memories_of_killed_creators_are_cleaned_up() {
    let env = Env::new();
    let mut child = Process::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = format!(".tm.db.{dead}.new");
    env.write(&stale, "half a memory");
    env.write(&format!("{stale}-wal"), "its journal");
    // the test process is running: its file is not stale
    let alive = format!(".tm.db.{}.new", std::process::id());
    env.write(&alive, "another creator's");
    env.write("a.jsonl", pairs("a", 2));
    env.ok("tm.db", &["import", "a.jsonl"]);
    let listing = env.listing();
    assert!(listing.contains(&alive), "{listing:?}");
    assert!(listing.contains(&"tm.db".to_string()));
    if !Path::new(&format!("/proc/{dead}")).exists() {
        assert!(
            !listing.iter().any(|n| n.starts_with(&stale)),
            "{listing:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 6. other applications' files, empty files, read-only memories

fn sha(path: &Path) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

#[test]
fn another_applications_database_is_refused_untouched() {
    for wal in [false, true] {
        let env = Env::new();
        let other = env.path("other.db");
        let conn = rusqlite::Connection::open(&other).unwrap();
        if wal {
            conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                .unwrap();
        }
        conn.execute_batch("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('x');")
            .unwrap();
        drop(conn);
        let before = sha(&other);
        let listing = env.listing();
        env.write("a.jsonl", pairs("a", 2));
        for args in [
            vec!["import", "a.jsonl"],
            vec![
                "align",
                article_ar().to_str().unwrap(),
                article_en().to_str().unwrap(),
            ],
            vec!["list"],
            vec!["export"],
            vec!["edit", "1", "--note", "x"],
        ] {
            env.fails("other.db", &args, 3, &["another application"]);
        }
        assert_eq!(sha(&other), before, "wal: {wal}");
        let mut expected = listing.clone();
        expected.push("a.jsonl".into());
        expected.sort();
        assert_eq!(env.listing(), expected, "no -wal or -shm beside it");
        let conn = rusqlite::Connection::open(&other).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, if wal { "wal" } else { "delete" });
    }
}

#[test]
fn readers_never_create_or_change_a_file() {
    let env = Env::new();
    for args in [
        vec!["list"],
        vec!["show", "1"],
        vec!["export"],
        vec!["lookup", "نص"],
        vec!["concordance", "نص"],
        vec!["history"],
    ] {
        env.fails("missing.db", &args, 1, &["no translation memory"]);
        env.write("empty.db", "");
        env.fails("empty.db", &args, 3, &["is empty"]);
        assert_eq!(std::fs::read(env.path("empty.db")).unwrap(), b"");
        assert_eq!(env.listing(), ["empty.db"], "{args:?}");
    }
    // a memory read by every reader is left byte for byte as it was, with no companions
    env.align_article("tm.db");
    let before = sha(&env.path("tm.db"));
    for args in [
        vec!["list"],
        vec!["show", "1"],
        vec!["export", "--format", "jsonl"],
        vec!["lookup", "نص"],
        vec!["concordance", "توقاييف"],
        vec!["history"],
    ] {
        env.ok("tm.db", &args);
    }
    assert_eq!(sha(&env.path("tm.db")), before);
    assert_eq!(env.listing(), ["empty.db", "tm.db"]);
}

/// `bitext` as a user who cannot write what root created: root itself can write any file, so
/// read-only tests run as `nobody` through `setpriv` when they run as root. None (and the test
/// says why) when that is not possible here.
fn unprivileged(env: &Env, db: &str, args: &[&str]) -> Option<Process> {
    let bin = assert_cmd::cargo::cargo_bin("bitext");
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        let mut c = Process::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        Process::new(&bin)
    };
    cmd.current_dir(env.dir.path())
        .env_remove("BITEXT_DB")
        .env("USER", "reader")
        .env("NO_COLOR", "1")
        .arg("--db")
        .arg(env.path(db))
        .args(args);
    if root {
        let probe = Process::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin)
            .arg("--version")
            .output();
        if !probe.is_ok_and(|o| o.status.success()) {
            eprintln!("note: cannot run bitext as another user here; read-only test skipped");
            return None;
        }
    }
    Some(cmd)
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_read_only_memory_can_be_read_and_refuses_writes_in_one_line() {
    let env = Env::new();
    env.align_article("tm.db");
    env.write("a.jsonl", pairs("a", 2));
    chmod(env.dir.path(), 0o755);
    chmod(&env.path("a.jsonl"), 0o644);
    let db = env.path("tm.db");
    let before = sha(&db);
    // a read-only file in a folder others can write, then a writable file in a read-only folder
    for (file_mode, dir_mode) in [(0o444, 0o777), (0o666, 0o555)] {
        chmod(&db, file_mode);
        chmod(env.dir.path(), dir_mode);
        let listing = env.listing();
        let run =
            |args: &[&str]| unprivileged(&env, "tm.db", args).map(|mut c| c.output().unwrap());
        for args in [
            vec!["list", "--json"],
            vec!["show", "1"],
            vec!["export", "--format", "tmx"],
            vec!["concordance", "توقاييف"],
            vec!["lookup", "نص"],
            vec!["history"],
        ] {
            let Some(out) = run(&args) else { return };
            assert!(out.status.success(), "{args:?}: {out:?}");
        }
        let Some(out) = run(&["list", "--json"]) else {
            return;
        };
        let units: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(units.len(), 18);
        for args in [
            vec!["edit", "1", "--note", "x"],
            vec!["import", "a.jsonl"],
            vec![
                "align",
                "--name",
                "again",
                article_ar().to_str().unwrap(),
                article_en().to_str().unwrap(),
            ],
        ] {
            let Some(out) = run(&args) else { return };
            assert_eq!(out.status.code(), Some(3), "{args:?}: {out:?}");
            one_line_error(&out, &["tm.db is read-only"]);
        }
        assert_eq!(sha(&db), before);
        assert_eq!(env.listing(), listing, "nothing created beside it");
        chmod(env.dir.path(), 0o755);
    }
}

// ---------------------------------------------------------------------------------------
// 3. export -o onto what is not a plain file

#[test]
fn export_writes_through_devices_and_fifos_and_follows_symlinks() {
    let env = Env::new();
    env.align_article("tm.db");
    // a character device is written to, not replaced. As root, a bitext that replaced it would
    // replace the system's /dev/null: the test then uses a null device node of its own.
    // SAFETY: geteuid has no preconditions.
    let device = if unsafe { libc::geteuid() } == 0
        && Process::new("mknod")
            .arg(env.path("null"))
            .args(["c", "1", "3"])
            .status()
            .is_ok_and(|s| s.success())
    {
        env.path("null")
    } else {
        PathBuf::from("/dev/null")
    };
    env.ok("tm.db", &["export", "-o", device.to_str().unwrap()]);
    let null = std::fs::metadata(&device).unwrap();
    assert!(null.file_type().is_char_device());
    // a FIFO: the reader gets the export
    let fifo = env.path("pipe.jsonl");
    assert!(
        Process::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            std::fs::File::open(fifo)
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            text
        })
    };
    env.ok("tm.db", &["export", "-o", "pipe.jsonl"]);
    assert_eq!(reader.join().unwrap().lines().count(), 18);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    // a symlink: the file it names is replaced, the link stays a link
    env.write("real.tmx", "old");
    std::os::unix::fs::symlink("real.tmx", env.path("link.tmx")).unwrap();
    env.ok("tm.db", &["export", "-o", "link.tmx"]);
    let link = std::fs::symlink_metadata(env.path("link.tmx")).unwrap();
    assert!(link.file_type().is_symlink());
    assert!(
        std::fs::read_to_string(env.path("real.tmx"))
            .unwrap()
            .starts_with("<?xml")
    );
    // a dangling symlink: the file it names is created
    std::os::unix::fs::symlink("later.json", env.path("dangling.json")).unwrap();
    env.ok("tm.db", &["export", "-o", "dangling.json"]);
    assert!(env.path("later.json").is_file());
    assert!(
        std::fs::symlink_metadata(env.path("dangling.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // a folder and a socket are refused in one line
    std::fs::create_dir(env.path("folder")).unwrap();
    env.fails("tm.db", &["export", "-o", "folder"], 1, &["is a directory"]);
    let _socket = std::os::unix::net::UnixListener::bind(env.path("s.sock")).unwrap();
    env.fails("tm.db", &["export", "-o", "s.sock"], 1, &["is a socket"]);
    assert!(!env.listing().iter().any(|n| n.ends_with(".part")));
}

#[test]
fn temporary_files_of_killed_exports_are_removed() {
    let env = Env::new();
    env.align_article("tm.db");
    let mut child = Process::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = format!(".out.tmx.{dead}.part");
    let alive = format!(".out.tmx.{}.part", std::process::id());
    let other = format!(".other.tmx.{dead}.part");
    for name in [&stale, &alive, &other] {
        env.write(name, "x".repeat(1000));
    }
    env.ok("tm.db", &["export", "-o", "out.tmx"]);
    let listing = env.listing();
    assert!(
        listing.contains(&alive) && listing.contains(&other),
        "{listing:?}"
    );
    if !Path::new(&format!("/proc/{dead}")).exists() {
        assert!(!listing.contains(&stale), "{listing:?}");
    }
}

// ---------------------------------------------------------------------------------------
// 5. one line means one line

#[test]
fn names_and_notes_with_control_characters_cannot_split_or_drive_the_terminal() {
    let env = Env::new();
    let name = "evil\nname\u{1b}[2J\u{1b}]0;title\u{7}\u{9b}31m";
    let out = env.ok(
        "tm.db",
        &[
            "align",
            "--no-split",
            "--name",
            name,
            article_ar().to_str().unwrap(),
            article_en().to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    // the stored line and the checked line, each whole, the name escaped in both
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr:?}");
    assert!(
        lines[0].starts_with("stored ") && lines[1].starts_with("checked "),
        "{stderr:?}"
    );
    for line in lines {
        assert!(line.contains("evil\\nname\\u{1b}[2J"), "{stderr:?}");
        assert!(!line.chars().any(char::is_control), "{stderr:?}");
    }
    env.ok(
        "tm.db",
        &["edit", "1", "--note", "line one\nline two\u{1b}[31m"],
    );
    for args in [
        vec!["list"],
        vec!["show", "1"],
        vec!["concordance", "توقاييف"],
    ] {
        let text = env.stdout("tm.db", &args);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{9b}'),
            "{args:?}: {text}"
        );
        assert!(!text.contains("evil\nname"), "{args:?}");
    }
    let show = env.stdout("tm.db", &["show", "1"]);
    assert!(
        show.contains("note: line one\\nline two\\u{1b}[31m"),
        "{show}"
    );
    // JSON keeps the exact name
    let units = env.units("tm.db");
    assert_eq!(units[0]["document"], name);
    // an unknown document named in an error: escaped too
    env.fails(
        "tm.db",
        &["list", "--document", "x\ny\u{1b}[31m"],
        1,
        &["x\\ny\\u{1b}[31m"],
    );
}

#[test]
fn bidi_controls_in_texts_are_kept_on_the_terminal() {
    let env = Env::new();
    let ar = env.write(
        "ar.txt",
        "\u{202B}قال\u{202C} \u{2067}الرئيس\u{2069}\u{200F}.\n",
    );
    let en = env.write("en.txt", "The president\u{200E} said.\n");
    env.ok(
        "tm.db",
        &["align", ar.to_str().unwrap(), en.to_str().unwrap()],
    );
    let list = env.stdout("tm.db", &["list"]);
    assert!(
        list.contains("\u{202B}قال\u{202C} \u{2067}الرئيس\u{2069}\u{200F}."),
        "{list}"
    );
}

// ---------------------------------------------------------------------------------------
// 9. the file size limit

#[test]
fn a_write_beyond_the_file_size_limit_is_one_line() {
    let env = Env::new();
    env.write("a.jsonl", pairs("a", 2000));
    env.ok("tm.db", &["import", "a.jsonl"]);
    let bin = assert_cmd::cargo::cargo_bin("bitext");
    // 256 blocks of 512 bytes: room for SQLite's 32 KiB -shm file, not for the export
    let out = Process::new("sh")
        .current_dir(env.dir.path())
        .arg("-c")
        .arg(format!(
            "ulimit -f 256 && exec '{}' --db tm.db export -o out.tmx",
            bin.display()
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    one_line_error(&out, &["out.tmx", "file too large"]);
    assert_eq!(env.listing(), ["a.jsonl", "tm.db"]);
    // a new memory that would exceed it: one line, no file
    let out = Process::new("sh")
        .current_dir(env.dir.path())
        .arg("-c")
        .arg(format!(
            "ulimit -f 16 && exec '{}' --db new.db import a.jsonl",
            bin.display()
        ))
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(1 | 3)), "{out:?}");
    one_line_error(&out, &["new.db"]);
    assert_eq!(env.listing(), ["a.jsonl", "tm.db"]);
}

// ---------------------------------------------------------------------------------------
// 2 and 7. values that would break the memory's invariants

/// Checks that importing `file` into `db` fails with one line holding `needles` (exit 1) and
/// leaves the memory's file as it was.
fn refused(env: &Env, db: &str, file: &str, needles: &[&str]) {
    let before = sha(&env.path(db));
    env.fails(db, &["import", file], 1, needles);
    assert_eq!(sha(&env.path(db)), before, "{file} changed the memory");
}

#[test]
fn a_hostile_id_is_renumbered_and_the_memory_stays_usable() {
    let env = Env::new();
    env.write(
        "ids.jsonl",
        "{\"id\":9223372036854775807,\"source\":\"أ\",\"target\":\"a\"}\n\
         {\"id\":9007199254740993,\"source\":\"ب\",\"target\":\"b\"}\n",
    );
    let out = env.stdout("tm.db", &["import", "--json", "ids.jsonl"]);
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (summary["imported"].as_u64(), summary["renumbered"].as_u64()),
        (Some(2), Some(2))
    );
    env.write(
        "ids.tmx",
        "<tmx version=\"1.4\"><header/><body><tu tuid=\"9223372036854775807\">\
         <tuv xml:lang=\"ar\"><seg>ج</seg></tuv><tuv xml:lang=\"en\"><seg>c</seg></tuv></tu></body></tmx>",
    );
    env.ok("tm.db", &["import", "ids.tmx"]);
    // what the hostile id used to break: align, import and split go on working
    env.align_article("tm.db");
    env.write("more.jsonl", pairs("more", 3));
    env.ok("tm.db", &["import", "more.jsonl"]);
    let units = env.units("tm.db");
    assert_eq!(units.len(), 3 + 18 + 3);
    assert!(units.iter().all(|u| u["id"].as_i64().unwrap() < 1 << 53));
}

#[test]
fn values_that_break_invariants_are_refused_with_their_line() {
    let env = Env::new();
    env.write(
        "base.jsonl",
        "{\"document\":\"d\",\"position\":0,\"source\":\"أ\",\"target\":\"a\"}\n",
    );
    env.ok("tm.db", &["import", "base.jsonl"]);
    let n = std::cell::Cell::new(0);
    // a unit with these fields and texts of its own (not a duplicate of another)
    let unit = |fields: &str| {
        n.set(n.get() + 1);
        format!(
            "{{{fields},\"source\":\"س {0}\",\"target\":\"s {0}\"}}",
            n.get()
        )
    };
    let cases = [
        (
            unit("\"document\":\"d\",\"position\":0"),
            "position 0 of document 'd' is taken by another unit of the memory",
        ),
        (
            unit("\"position\":9223372036854775807"),
            "\"position\" must be between 0 and",
        ),
        (
            unit("\"source_sentences\":[18446744073709551615]"),
            "sentence number over",
        ),
        (
            unit("\"source_sentences\":[9223372036854775807]"),
            "sentence number over",
        ),
        (
            unit("\"source_lang\":\"en\",\"target_lang\":\"en\""),
            "are the same",
        ),
        (
            unit("\"source_lang\":\"ar-SA\",\"target_lang\":\"ar\""),
            "both 'ar'",
        ),
        (unit("\"score\":1.5"), "between 0 and 1"),
    ];
    for (k, (line, needle)) in cases.iter().enumerate() {
        let name = format!("case{k}.jsonl");
        // the bad unit on line 2, after a good one
        env.write(&name, format!("{}\n{line}\n", unit("\"document\":\"ok\"")));
        refused(&env, "tm.db", &name, &[&format!("{name}:2:"), needle]);
    }
    // two units of the file at one position
    env.write(
        "twice.jsonl",
        format!(
            "{}\n{}\n",
            unit("\"document\":\"e\",\"position\":3"),
            unit("\"document\":\"e\",\"position\":3")
        ),
    );
    refused(
        &env,
        "tm.db",
        "twice.jsonl",
        &["twice.jsonl:2:", "taken by another unit of the file"],
    );
    // a second "units" key in a JSON export
    env.write(
        "keys.json",
        "{\"format\":\"bitext-units\",\"version\":1,\"units\":[{\"source\":\"x\",\"target\":\"y\"}],\n\"units\":[{\"source\":\"z\",\"target\":\"w\"}]}",
    );
    refused(
        &env,
        "tm.db",
        "keys.json",
        &["keys.json:2:", "duplicate field `units`"],
    );
    // TMX: a position that cannot be one is not taken as the unit's (kept as another prop)
    env.write(
        "pos.tmx",
        "<tmx version=\"1.4\"><header/><body><tu><prop type=\"x-document\">p</prop>\
         <prop type=\"x-position\">9223372036854775807</prop>\
         <prop type=\"x-source-sentences\">0-18446744073709551615</prop>\
         <tuv xml:lang=\"ar\"><seg>ق</seg></tuv><tuv xml:lang=\"en\"><seg>q</seg></tuv></tu></body></tmx>",
    );
    env.ok("tm.db", &["import", "pos.tmx"]);
    let units = env.units("tm.db");
    let p = units.iter().find(|u| u["document"] == "p").unwrap();
    assert_eq!(p["position"], 0);
    assert_eq!(p["source_sentences"], Value::Null);
}

// ---------------------------------------------------------------------------------------
// 4. TMX that is not XML, in and out

#[test]
fn control_characters_in_tmx_are_refused_at_their_place() {
    let env = Env::new();
    env.align_article("tm.db");
    let tmx = |seg: &str| {
        format!(
            "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/><body>\n<tu><tuv xml:lang=\"ar\"><seg>نص</seg></tuv>\n<tuv xml:lang=\"en\"><seg>{seg}</seg></tuv></tu>\n</body></tmx>\n"
        )
    };
    let cases = [
        ("raw", tmx("a\u{0}b"), "4:26:", "U+0000"),
        ("form-feed", tmx("a&#12;b"), "4:26:", "U+000C"),
        ("hex", tmx("a&#x1;b"), "4:26:", "U+0001"),
        ("in-ph", tmx("a<ph>&#1;</ph>b"), "4:30:", "U+0001"),
        (
            "in-bpt",
            tmx("a<bpt i=\"1\">\u{1b}</bpt>b"),
            "4:37:",
            "U+001B",
        ),
        ("in-attribute", tmx("a<ph x=\"&#2;\"/>b"), "4:", "U+0002"),
        ("nul-reference", tmx("a&#0;b"), "4:26:", "U+0000"),
    ];
    for (name, text, place, code) in cases {
        let file = format!("{name}.tmx");
        env.write(&file, text);
        refused(
            &env,
            "tm.db",
            &file,
            &[&format!("{file}:{place}"), code, "not well-formed"],
        );
    }
    // a kept markup holding a reference to a control character (from an older bitext) stops
    // a TMX export in one line; the old file stays
    env.write("markup.tmx", tmx("a<ph>x</ph>b"));
    env.ok("tm.db", &["import", "markup.tmx"]);
    let conn = rusqlite::Connection::open(env.path("tm.db")).unwrap();
    conn.execute(
        "UPDATE units SET target_markup = 'a<ph>&#1;</ph>b' WHERE target = 'ab'",
        [],
    )
    .unwrap();
    drop(conn);
    env.write("out.tmx", "old");
    env.fails(
        "tm.db",
        &["export", "-o", "out.tmx"],
        1,
        &["U+0001", "export as JSON"],
    );
    assert_eq!(std::fs::read_to_string(env.path("out.tmx")).unwrap(), "old");
}

// ---------------------------------------------------------------------------------------
// 8. limits

#[test]
fn values_over_the_limits_are_refused_in_one_line() {
    let env = Env::new();
    env.align_article("tm.db");
    let big = "ن".repeat(1 << 20); // 2 MiB of text
    env.write(
        "seg.tmx",
        format!(
            "<tmx version=\"1.4\"><header/><body>\n<tu><tuv xml:lang=\"ar\"><seg>{big}</seg></tuv>\
             <tuv xml:lang=\"en\"><seg>x</seg></tuv></tu></body></tmx>"
        ),
    );
    refused(&env, "tm.db", "seg.tmx", &["seg.tmx:2:", "up to 1 MiB"]);
    env.write(
        "attr.tmx",
        format!(
            "<tmx version=\"1.4\"><header/><body>\n<tu usagecount=\"{}\"><tuv xml:lang=\"ar\"><seg>a</seg></tuv>\
             <tuv xml:lang=\"en\"><seg>x</seg></tuv></tu></body></tmx>",
            "9".repeat(100_000)
        ),
    );
    refused(
        &env,
        "tm.db",
        "attr.tmx",
        &["attr.tmx:2:1:", "attribute value of 97 KiB"],
    );
    env.write(
        "note.tmx",
        format!(
            "<tmx version=\"1.4\"><header/><body>\n<tu><note>{big}</note><tuv xml:lang=\"ar\"><seg>a</seg></tuv>\
             <tuv xml:lang=\"en\"><seg>x</seg></tuv></tu></body></tmx>"
        ),
    );
    refused(&env, "tm.db", "note.tmx", &["note.tmx:2:", "up to 1 MiB"]);
    env.write(
        "string.jsonl",
        format!("{{\"source\":\"{big}\",\"target\":\"x\"}}\n"),
    );
    refused(
        &env,
        "tm.db",
        "string.jsonl",
        &["string.jsonl:1:", "up to 1 MiB"],
    );
    let huge = "ن".repeat(10 << 20); // 20 MiB: past the size of a whole unit
    env.write(
        "string.json",
        format!(
            "[{{\"source\":\"a\",\"target\":\"b\"}},\n{{\"source\":\"{huge}\",\"target\":\"x\"}}]"
        ),
    );
    refused(
        &env,
        "tm.db",
        "string.json",
        &["string.json:2:", "more than 16 MiB"],
    );
    env.write(
        "line.jsonl",
        format!("{{\"source\":\"{huge}\",\"target\":\"x\"}}\n"),
    );
    refused(
        &env,
        "tm.db",
        "line.jsonl",
        &["line.jsonl:1:", "more than 16 MiB"],
    );
    // align: a "sentence" of 18 KiB (a text without sentence punctuation)
    let ar = env.write("long-ar.txt", format!("{}\n", "كلمة ".repeat(2_000)));
    let en = env.write("long-en.txt", "A sentence.\n");
    env.fails(
        "tm.db",
        &["align", ar.to_str().unwrap(), en.to_str().unwrap()],
        1,
        &["sentence 0 (line 1)", "up to 8 KiB"],
    );
}

// ---------------------------------------------------------------------------------------
// 9. encodings

#[test]
fn bad_bytes_are_named_at_their_line_and_column_and_mislabelled_utf8_is_refused() {
    let env = Env::new();
    env.align_article("tm.db");
    env.write(
        "bad.tmx",
        b"<tmx version=\"1.4\"><header/><body>\n<tu><tuv xml:lang=\"ar\"><seg>\xD9\x86\xFF</seg></tuv></tu></body></tmx>",
    );
    refused(
        &env,
        "tm.db",
        "bad.tmx",
        &["bad.tmx:2:30:", "not valid UTF-8 (byte 0xFF)"],
    );
    env.write(
        "bad.jsonl",
        b"{\"source\":\"a\",\"target\":\"b\"}\n{\"source\":\"\xD9\x86\xFF\"}\n",
    );
    refused(
        &env,
        "tm.db",
        "bad.jsonl",
        &["bad.jsonl:2:13:", "not valid UTF-8"],
    );
    env.write(
        "mislabelled.tmx",
        "<?xml version=\"1.0\" encoding=\"windows-1256\"?>\n<tmx version=\"1.4\"><header/><body>\n\
         <tu><tuv xml:lang=\"ar\"><seg>قال الرئيس</seg></tuv><tuv xml:lang=\"en\"><seg>said</seg></tuv></tu></body></tmx>",
    );
    refused(
        &env,
        "tm.db",
        "mislabelled.tmx",
        &[
            "mislabelled.tmx:1:1:",
            "declares encoding=\"windows-1256\" but its text is UTF-8",
        ],
    );
}

//! The memory's QA findings as the server shows them: one check of the whole memory
//! ([`crate::check::findings_by_unit`], the call `bitext check` makes), run on a thread of
//! its own and kept until the memory changes.
//!
//! A check builds its models from every pair of the memory, so it costs what the memory
//! holds (milliseconds for an article, seconds for thousands of pairs, minutes for a
//! million), whatever page is asked for. The server therefore never runs one inside a
//! request: [`Checker`] runs it in the background — at start, and again whenever a request
//! finds the memory changed since (its file or write-ahead log, or a change made through this
//! server) — and requests read the latest finished check.
//!
//! A finished check remembers the revision each unit had when it was read, so a unit's
//! findings are given only while the unit still has that revision ([`Checked::of`]): a pair
//! changed since is "not checked yet" (`null`), never shown with findings about a text it no
//! longer has. Pairs not changed since keep their findings while a new check runs (the
//! models may move a little when other pairs change; the answer says whether the check is of
//! the memory as it now is). Requests that select by findings wait a while for a current
//! check; those that only show them wait at most half a second after a check began (a small
//! memory's check ends in that time), so a large memory's pages never wait for it.
//!
//! The check thread runs at a lower CPU priority (nice 10), so that on a busy machine the
//! page's requests go first; between two checks of a memory that keeps changing it rests as
//! long as the last check took, so that checking never takes more than half of the time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;

use crate::check::{Finding, Severity};
use crate::error::Result;
use crate::store::{Memory, UnitFilter};

/// Checks that took less than this are waited for by requests that only show findings.
pub const QUICK: Duration = Duration::from_millis(250);

/// A finding as the API sends it: `bitext check --json`'s fields (spans as `[start, end]`
/// byte offsets into the pair's texts).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApiFinding {
    pub kind: crate::check::Kind,
    pub severity: Severity,
    pub message: String,
    pub source_spans: Vec<[usize; 2]>,
    pub target_spans: Vec<[usize; 2]>,
}

impl From<&Finding> for ApiFinding {
    fn from(f: &Finding) -> ApiFinding {
        let pairs =
            |spans: &[std::ops::Range<usize>]| spans.iter().map(|r| [r.start, r.end]).collect();
        ApiFinding {
            kind: f.kind,
            severity: f.severity,
            message: f.message.clone(),
            source_spans: pairs(&f.source_spans),
            target_spans: pairs(&f.target_spans),
        }
    }
}

/// What one document's pairs were found to have.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DocumentQa {
    /// Pairs with at least one finding.
    pub pairs: usize,
    /// Pairs whose worst finding is an error, a warning, information.
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// A finished check of the whole memory.
#[derive(Debug)]
pub struct Checked {
    /// Findings by unit id (units without findings are left out).
    findings: HashMap<i64, Vec<Finding>>,
    /// The revision each unit had when the check read it, and its document (an index into
    /// `names`).
    units: HashMap<i64, (i64, u32)>,
    /// The documents' names.
    names: Vec<String>,
    /// Counts by document name.
    documents: HashMap<String, DocumentQa>,
    /// What could not be checked (no word-translation model yet, …).
    pub notes: Vec<String>,
    /// When the check started (UTC, as the store writes times).
    pub at: String,
    pub took: Duration,
    version: Version,
}

impl Checked {
    /// The findings of the unit at `revision`: `None` when the check did not see the unit at
    /// that revision (it is new or changed since).
    pub fn of(&self, id: i64, revision: i64) -> Option<&[Finding]> {
        (self.units.get(&id).map(|u| u.0) == Some(revision))
            .then(|| self.findings.get(&id).map_or(&[][..], Vec::as_slice))
    }

    /// The worst severity among the unit's findings at `revision` (`None` when it has none or
    /// was not checked at that revision).
    pub fn worst(&self, id: i64, revision: i64) -> Option<Severity> {
        self.of(id, revision)?.iter().map(|f| f.severity).max()
    }

    pub fn document(&self, name: &str) -> DocumentQa {
        self.documents.get(name).cloned().unwrap_or_default()
    }

    /// The units with findings (of `document`, or all), each with the revision the check saw
    /// and its document, in id order.
    pub fn found(&self, document: Option<&str>) -> Vec<(i64, i64, &str, &[Finding])> {
        let mut out: Vec<(i64, i64, &str, &[Finding])> = self
            .findings
            .iter()
            .filter_map(|(&id, found)| {
                let &(revision, d) = self.units.get(&id)?;
                let name = self.names.get(d as usize)?.as_str();
                document.is_none_or(|want| want == name).then_some((
                    id,
                    revision,
                    name,
                    found.as_slice(),
                ))
            })
            .collect();
        out.sort_by_key(|f| f.0);
        out
    }
}

/// What a request knows of the findings.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The latest finished check (none before the first one ends).
    pub checked: Option<Arc<Checked>>,
    /// The check is of the memory as it now is.
    pub current: bool,
    /// A check is running.
    pub running: bool,
    /// Why the latest check failed, if it did.
    pub error: Option<String>,
}

/// The state of the findings as the API reports it (`"qa"` in a page of units).
#[derive(Clone, Debug, Serialize)]
pub struct QaState {
    /// The findings are of the memory as it now is.
    pub current: bool,
    /// A check is running.
    pub checking: bool,
    /// When the latest finished check started (null before the first one ends).
    pub checked_at: Option<String>,
    /// How long it took, in milliseconds.
    pub took_ms: Option<u64>,
    /// What could not be checked.
    pub notes: Vec<String>,
    /// Why the latest check failed.
    pub error: Option<String>,
}

impl Snapshot {
    pub fn state(&self) -> QaState {
        QaState {
            current: self.current,
            checking: self.running,
            checked_at: self.checked.as_ref().map(|c| c.at.clone()),
            took_ms: self.checked.as_ref().map(|c| c.took.as_millis() as u64),
            notes: self
                .checked
                .as_ref()
                .map(|c| c.notes.clone())
                .unwrap_or_default(),
            error: self.error.clone(),
        }
    }

    /// True when the latest check was quick: worth waiting for a new one.
    pub fn quick(&self) -> bool {
        self.checked.as_ref().is_some_and(|c| c.took < QUICK)
    }
}

/// How long a request waits for a check of the memory as it now is.
#[derive(Clone, Copy, Debug)]
pub enum Wait {
    /// Not at all: the latest check is good enough.
    No,
    /// Up to this long, when the latest check took less than [`QUICK`] (or there is none
    /// yet): what a request that shows findings waits.
    IfQuick(Duration),
    /// Up to this long, whatever the memory's size: what a request that selects by findings
    /// waits.
    Up(Duration),
}

/// The state of the memory a check is of: its files as the operating system sees them, and
/// the number of changes made through this server.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Version {
    files: [Option<(u64, SystemTime)>; 2],
    writes: u64,
}

#[derive(Default)]
struct Inner {
    latest: Option<Arc<Checked>>,
    running: bool,
    error: Option<String>,
    /// Changes made through this server (each makes the latest check old).
    writes: u64,
    /// The server is gone: the thread stops after its check.
    stopped: bool,
    /// When the running check started.
    started: Option<Instant>,
}

/// Runs the checks and keeps the latest.
pub struct Checker {
    path: PathBuf,
    inner: Mutex<Inner>,
    finished: Condvar,
}

impl Checker {
    pub fn new(path: &Path) -> Checker {
        Checker {
            path: path.to_path_buf(),
            inner: Mutex::new(Inner::default()),
            finished: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // the data stays consistent: every update is one assignment
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn version(&self, writes: u64) -> Version {
        let stamp = |p: &Path| {
            std::fs::metadata(p)
                .ok()
                .map(|m| (m.len(), m.modified().unwrap_or(SystemTime::UNIX_EPOCH)))
        };
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        Version {
            files: [stamp(&self.path), stamp(Path::new(&wal))],
            writes,
        }
    }

    /// Records a change made through the server: the latest check is of an older memory.
    pub fn changed(&self) {
        self.lock().writes += 1;
    }

    /// Stops checking once the running check (if any) ends.
    pub fn stop(&self) {
        self.lock().stopped = true;
    }

    /// Starts a check unless the latest is of the memory as it now is.
    pub fn start(self: &Arc<Self>) {
        let _ = self.snapshot(Wait::No);
    }

    /// The latest check, after starting a new one if the memory changed since, and waiting
    /// for it as `wait` says.
    pub fn snapshot(self: &Arc<Self>, wait: Wait) -> Snapshot {
        let mut inner = self.lock();
        let (limit, quick) = match wait {
            Wait::No => (None, false),
            Wait::IfQuick(d) => {
                let quick = inner.latest.as_ref().is_none_or(|c| c.took < QUICK);
                (quick.then_some(d), true)
            }
            Wait::Up(d) => (Some(d), false),
        };
        let mut deadline = limit.map(|d| Instant::now() + d);
        loop {
            let now = self.version(inner.writes);
            let current = inner.latest.as_ref().is_some_and(|c| c.version == now);
            if !current && !inner.running && !inner.stopped {
                let me = Arc::clone(self);
                match std::thread::Builder::new()
                    .name("bitext-check".into())
                    .spawn(move || me.run())
                {
                    Ok(_) => {
                        inner.running = true;
                        inner.started = Some(Instant::now());
                    }
                    Err(e) => inner.error = Some(format!("cannot start the QA check: {e}")),
                }
            }
            // a request that only shows findings never waits longer than that after the
            // check began: a check still running then is not a quick one
            if let (true, Some(d), Some(started)) = (quick, limit, inner.started) {
                deadline = deadline.map(|end| end.min(started + d));
            }
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            match left {
                Some(left) if !current && !left.is_zero() && inner.running => {
                    inner = self
                        .finished
                        .wait_timeout(inner, left)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
                _ => {
                    return Snapshot {
                        checked: inner.latest.clone(),
                        current,
                        running: inner.running,
                        error: inner.error.clone(),
                    };
                }
            }
        }
    }

    /// The check thread: checks until a check is of the memory as it then is.
    fn run(self: Arc<Self>) {
        lower_priority();
        loop {
            let version = {
                let mut inner = self.lock();
                inner.started = Some(Instant::now());
                self.version(inner.writes)
            };
            let started = Instant::now();
            let result = check(&self.path);
            let took = started.elapsed();
            let mut inner = self.lock();
            match result {
                Ok((findings, units, names, documents, notes, at)) => {
                    inner.latest = Some(Arc::new(Checked {
                        findings,
                        units,
                        names,
                        documents,
                        notes,
                        at,
                        took,
                        version: version.clone(),
                    }));
                    inner.error = None;
                }
                Err(e) => inner.error = Some(e.to_string()),
            }
            let again = self.version(inner.writes) != version && !inner.stopped;
            if !again || inner.error.is_some() {
                inner.running = false;
                self.finished.notify_all();
                return;
            }
            self.finished.notify_all();
            drop(inner);
            // a memory that keeps changing is checked at most half of the time
            std::thread::sleep(took.min(Duration::from_secs(120)));
        }
    }
}

type CheckResult = (
    HashMap<i64, Vec<Finding>>,
    HashMap<i64, (i64, u32)>,
    Vec<String>,
    HashMap<String, DocumentQa>,
    Vec<String>,
    String,
);

/// One check of the memory at `path`: the units' revisions are read first, so a unit that
/// changes while the check runs is taken as not checked (its revision is then newer than the
/// one recorded).
fn check(path: &Path) -> Result<CheckResult> {
    let at = crate::store::now();
    let memory = Memory::open_read_only(path)?;
    let mut units = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    memory.for_each_unit(&UnitFilter::default(), |u| {
        // units come document by document
        if names.last() != Some(&u.document) {
            names.push(u.document.clone());
        }
        units.insert(u.id, (u.revision, (names.len() - 1) as u32));
        Ok(())
    })?;
    let (findings, notes) = crate::check::findings_by_unit(&memory, &UnitFilter::default())?;
    let mut documents: HashMap<String, DocumentQa> = HashMap::new();
    for (id, found) in &findings {
        let Some(&(_, d)) = units.get(id) else {
            continue;
        };
        let counts = documents.entry(names[d as usize].clone()).or_default();
        counts.pairs += 1;
        match found.iter().map(|f| f.severity).max() {
            Some(Severity::Error) => counts.error += 1,
            Some(Severity::Warning) => counts.warning += 1,
            _ => counts.info += 1,
        }
    }
    Ok((findings, units, names, documents, notes, at))
}

/// Nice 10 for the calling thread and the threads it starts (Linux sets priorities per
/// thread); elsewhere nothing.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its arguments; 0 names the calling thread
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::UnitEdit;

    fn article() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("tm.db");
        let mut m = Memory::open(&path).unwrap();
        crate::fixtures::kazakhstan(&mut m);
        (dir, path)
    }

    #[test]
    fn a_unit_changed_since_the_check_is_not_checked_and_a_new_check_sees_it() {
        let (_dir, path) = article();
        let checker = Arc::new(Checker::new(&path));
        let first = checker.snapshot(Wait::Up(Duration::from_secs(60)));
        assert!(first.current, "{:?}", first.error);
        let checked = first.checked.unwrap();
        let mut m = Memory::open_existing(&path).unwrap();
        let unit = m.unit(6).unwrap();
        assert_eq!(checked.of(6, unit.revision), Some(&[][..]));
        // a number slip in the target
        let slipped = unit.target.replacen("26", "29", 1);
        assert_ne!(
            slipped, unit.target,
            "the fixture's pair 6 has 26 armed criminals"
        );
        let edit = UnitEdit {
            target: Some(slipped),
            ..UnitEdit::default()
        };
        m.edit_unit(6, &edit, None, "t").unwrap();
        let now = m.unit(6).unwrap();
        let stale = checker.snapshot(Wait::No);
        assert!(!stale.current);
        assert_eq!(stale.checked.as_ref().unwrap().of(6, now.revision), None);
        let fresh = checker.snapshot(Wait::Up(Duration::from_secs(60)));
        assert!(fresh.current);
        let checked = fresh.checked.unwrap();
        let found = checked.of(6, now.revision).unwrap();
        assert_eq!(found[0].kind, crate::check::Kind::NumberMismatch);
        assert_eq!(checked.worst(6, now.revision), Some(Severity::Error));
        let qa = checked.document("kazakhstan-2022");
        assert_eq!((qa.pairs, qa.error), (1, 1));
        // a change made through the server counts even when the files look the same
        checker.changed();
        assert!(!checker.snapshot(Wait::No).current);
    }

    #[test]
    fn api_findings_carry_spans_as_pairs() {
        let f = Finding {
            unit: 1,
            kind: crate::check::Kind::NumberMismatch,
            severity: Severity::Error,
            message: "m".into(),
            source_spans: std::iter::once(3..5).collect(),
            target_spans: vec![],
        };
        let json = serde_json::to_value(ApiFinding::from(&f)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "number_mismatch", "severity": "error", "message": "m",
                "source_spans": [[3, 5]], "target_spans": []})
        );
    }
}

//! The JSON API: one small handler per route, each a call to one library function.
//!
//! Handlers parse their request with [`Body`], [`Params`] and [`UnitId`] (whose refusals are
//! JSON errors, like every other), run the memory work on a blocking thread with [`read`] or
//! [`write`], and answer JSON. Library errors become HTTP statuses in one place
//! ([`ApiError::from`]). The README documents every route for scripts and CAT-tool plugins.
//!
//! Revisions: every unit is sent with its `revision`, the number the store raises with every
//! change to the unit; a change that names one is refused with 409 (and the unit as it now is)
//! when the unit has changed since — the store checks it inside the change's own transaction,
//! so a change made meanwhile by the CLI or another server is caught too.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State as Extract};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::State;
use super::findings::{ApiFinding, Checked, DocumentQa, QaState, Snapshot, Wait};
use crate::Lang;
use crate::check::Severity;
use crate::error::Error;
use crate::search::concordance::{Hit, Query as Phrase, concordance as find_phrase};
use crate::search::lookup::{Match, Options, lookup as find_similar};
use crate::store::{
    Change, DocumentInfo, Memory, Side, Status, Unit, UnitEdit, UnitFilter, UnitRef, UnitSort,
};

// ---------------------------------------------------------------------------------------------
// Errors and extractors

/// A refusal or a failure, answered as `{"error": "…"}` (and `"unit"` for a stale revision).
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// For 409: the unit as it now is.
    pub unit: Option<Box<ApiUnit>>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            unit: None,
        }
    }

    /// A change made from a revision that is no longer the unit's ([`write`] adds the unit's
    /// findings).
    fn stale(unit: Unit) -> ApiError {
        let message = format!(
            "unit {} was changed since you read it (by {} at {}); here it is as it now is: nothing was overwritten",
            unit.id, unit.changed_by, unit.changed
        );
        ApiError {
            status: StatusCode::CONFLICT,
            message,
            unit: Some(Box::new(ApiUnit::new(unit, None))),
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let status = match &e {
            Error::UnknownUnit(_) | Error::UnknownChange(_) | Error::UnknownDocument(_) => {
                StatusCode::NOT_FOUND
            }
            Error::DocumentExists(_) | Error::Stale { .. } => StatusCode::CONFLICT,
            Error::Invalid(_)
            | Error::Malformed { .. }
            | Error::EmptyText(_)
            | Error::UnknownLanguage(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::DatabaseLocked(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::ReadOnly(_) => StatusCode::FORBIDDEN,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, e.to_string())
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'a ApiUnit>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: &self.message,
            unit: self.unit.as_deref(),
        };
        (self.status, Json(body)).into_response()
    }
}

/// A JSON request body; a malformed one is a JSON error (400, 415 or 422).
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(r) => Err(rejected_body(r)),
        }
    }
}

fn rejected_body(r: JsonRejection) -> ApiError {
    ApiError::new(
        r.status(),
        format!("malformed request body: {}", r.body_text()),
    )
}

/// Query parameters; malformed ones are a JSON error (400).
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Params(value)),
            Err(r) => Err(rejected_query(r)),
        }
    }
}

fn rejected_query(r: QueryRejection) -> ApiError {
    ApiError::new(r.status(), format!("malformed query: {}", r.body_text()))
}

/// A unit id in the path (`/api/units/12`).
pub struct UnitId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for UnitId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|r: PathRejection| ApiError::new(r.status(), r.body_text()))?;
        crate::cli::parse_id(&raw)
            .map(UnitId)
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e))
    }
}

/// A document name in the path (`/api/documents/NAME/…`, percent-encoded).
pub struct DocumentName(pub String);

impl<S: Send + Sync> FromRequestParts<S> for DocumentName {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(name) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|r: PathRejection| ApiError::new(r.status(), r.body_text()))?;
        Ok(DocumentName(name))
    }
}

type Reply<T> = Result<Json<T>, ApiError>;

/// Runs memory work on a blocking thread with a connection from the pool.
async fn read<T: Send + 'static>(
    state: &Arc<State>,
    work: impl FnOnce(&mut Memory) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let mut memory = state.pool.take()?;
        let result = work(&mut memory);
        state.pool.give_back(memory);
        result
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
}

/// Like [`read`], holding the server's write lock: one change at a time. A change that went
/// through makes the latest QA check old; a refusal for a stale revision carries the unit
/// with its findings.
async fn write<T: Send + 'static>(
    state: &Arc<State>,
    work: impl FnOnce(&mut Memory, &str) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let guard_state = state.clone();
    let result = read(state, move |memory| {
        let _guard = guard_state.write_lock();
        work(memory, &guard_state.user)
    })
    .await;
    match result {
        Ok(value) => {
            state.checker.changed();
            Ok(value)
        }
        Err(mut e) => {
            if let Some(unit) = &mut e.unit {
                let snapshot = state.checker.snapshot(Wait::No);
                let checked = snapshot.checked.as_deref();
                **unit = ApiUnit::new(unit.unit.clone(), checked);
            }
            Err(e)
        }
    }
}

/// The latest QA check, waiting as `wait` says on a blocking thread (no connection held).
async fn snapshot(state: &Arc<State>, wait: Wait) -> Result<Snapshot, ApiError> {
    let checker = state.checker.clone();
    tokio::task::spawn_blocking(move || checker.snapshot(wait))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

/// The findings to show with units: the latest check, after waiting a little for a current
/// one when checks are quick (a small memory). Blocking: call it on a blocking thread.
fn showing(state: &State) -> Snapshot {
    state.checker.snapshot(Wait::IfQuick(SHOW_WAIT))
}

/// How long a request that shows findings waits for a quick check.
const SHOW_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// How long a request that selects by findings waits for a check of the memory as it is.
const SELECT_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a bulk change waits for a check of the memory as it is.
const BULK_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

pub async fn no_route() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such API route (see the README's JSON API)",
    )
}

// ---------------------------------------------------------------------------------------------
// Units as the API sends them

/// A unit as the API sends it: every field of [`Unit`] (its `revision` among them) and its QA
/// findings — `null` while the latest check has not seen the unit at this revision (it is
/// new or changed since).
#[derive(Clone, Debug, Serialize)]
pub struct ApiUnit {
    #[serde(flatten)]
    pub unit: Unit,
    pub findings: Option<Vec<ApiFinding>>,
}

impl ApiUnit {
    pub fn new(unit: Unit, checked: Option<&Checked>) -> ApiUnit {
        let findings = checked
            .and_then(|c| c.of(unit.id, unit.revision))
            .map(|found| found.iter().map(ApiFinding::from).collect());
        ApiUnit { unit, findings }
    }
}

/// A change's failure as the API answers it: a stale revision comes back as 409 with the unit
/// as it now is; everything else as [`ApiError::from`] says.
fn refused(memory: &Memory, e: Error) -> ApiError {
    if let Error::Stale { unit, .. } = e
        && let Ok(now) = memory.unit(unit)
    {
        return ApiError::stale(now);
    }
    ApiError::from(e)
}

/// What a change answers: the change as the history holds it, and the units it left.
#[derive(Serialize)]
pub struct ChangeReply {
    change: Change,
    units: Vec<ApiUnit>,
}

/// The answer to a change that went through: the units it left, with their findings when a
/// check of the memory as it now is comes quickly.
async fn change_reply(state: &Arc<State>, change: Change) -> Reply<ChangeReply> {
    let shared = state.clone();
    read(state, move |memory| {
        let mut units = Vec::new();
        for row in &change.after {
            if let Some(u) = memory.find_unit(row.id())? {
                units.push(u);
            }
        }
        let snapshot = showing(&shared);
        let checked = snapshot.checked.as_deref();
        let units = units
            .into_iter()
            .map(|u| ApiUnit::new(u, checked))
            .collect();
        Ok(ChangeReply { change, units })
    })
    .await
    .map(Json)
}

// ---------------------------------------------------------------------------------------------
// Reading

#[derive(Serialize)]
pub struct Info {
    version: &'static str,
    user: String,
    read_only: bool,
}

/// `GET /api/info`
pub async fn info(Extract(state): Extract<Arc<State>>) -> Json<Info> {
    Json(Info {
        version: env!("CARGO_PKG_VERSION"),
        user: state.user.clone(),
        read_only: state.read_only,
    })
}

/// A document with the counts the documents page shows.
#[derive(Serialize)]
pub struct DocumentSummary {
    #[serde(flatten)]
    info: DocumentInfo,
    /// Pairs per review status.
    statuses: HashMap<&'static str, usize>,
    /// Pairs whose alignment score is under 0.5.
    low_score: usize,
    /// Pairs with QA findings, in all and by their worst finding's severity, as of the latest
    /// check (null before the first check of the memory ends).
    findings: Option<DocumentQa>,
}

/// Pairs scoring under this need a look.
pub const LOW_SCORE: f64 = 0.5;

/// `GET /api/documents`
pub async fn documents(Extract(state): Extract<Arc<State>>) -> Reply<Vec<DocumentSummary>> {
    let shared = state.clone();
    read(&state, move |memory| {
        let counts = memory.document_counts(LOW_SCORE)?;
        let snapshot = showing(&shared);
        Ok(memory
            .documents()?
            .into_iter()
            .map(|info| {
                let c = counts.get(&info.id).cloned().unwrap_or_default();
                DocumentSummary {
                    statuses: Status::ALL
                        .iter()
                        .map(|s| (s.as_str(), c.statuses.get(s).copied().unwrap_or(0)))
                        .collect(),
                    low_score: c.low_score,
                    findings: snapshot.checked.as_ref().map(|k| k.document(&info.name)),
                    info,
                }
            })
            .collect())
    })
    .await
    .map(Json)
}

/// Which pairs of a document a list (or a bulk change) takes.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Comma-separated statuses (`draft,reviewed`); all when absent.
    status: Option<String>,
    min_score: Option<f64>,
    /// Only pairs scoring under this (pairs without a score are left out).
    max_score: Option<f64>,
    /// Only pairs with (true) or without (false) QA findings at their current revision; pairs
    /// not checked at it yet are left out either way.
    flagged: Option<bool>,
    /// Only pairs whose text contains this (a concordance query: words, "phrases", prefix*).
    q: Option<String>,
    /// `position` (document order, the default) or `attention` (pairs with an error finding
    /// first, then the lowest score first).
    sort: Option<Sort>,
    #[serde(default)]
    offset: usize,
    limit: Option<usize>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Position,
    Attention,
}

impl Selection {
    /// True when the selection depends on the QA findings.
    fn by_findings(&self) -> bool {
        self.flagged.is_some() || self.sort == Some(Sort::Attention)
    }
}

/// Most pairs one list request returns.
pub const MAX_PAGE: usize = 1000;

/// A page of a document's pairs.
#[derive(Serialize)]
pub struct UnitPage {
    offset: usize,
    limit: usize,
    /// How many pairs the selection holds.
    total: usize,
    /// Pairs follow this page.
    more: bool,
    units: Vec<ApiUnit>,
    /// The state of the QA findings the units carry.
    qa: QaState,
}

/// What a selection took.
struct Selected {
    /// One page (none for a bulk change).
    units: Vec<Unit>,
    /// Every pair taken, as its id and revision (for a bulk change).
    refs: Vec<UnitRef>,
    /// How many pairs the selection takes in all.
    total: usize,
    more: bool,
    /// Pairs left out by `flagged=false` for having findings, and for not being checked at
    /// their revision yet.
    with_findings: usize,
    unchecked: usize,
}

/// The pairs of `document` that `selection` takes, one page of them (all with `all`), and how
/// many it takes in all. Without a text search or a selection by findings the store pages and
/// counts in SQL; otherwise the document's pairs the SQL filter takes are read once, in order.
fn select(
    memory: &Memory,
    document: &str,
    selection: &Selection,
    all: bool,
    qa: &Snapshot,
) -> Result<Selected, ApiError> {
    let statuses = match &selection.status {
        None => Vec::new(),
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect::<Result<Vec<Status>, Error>>()?,
    };
    let limit = selection.limit.unwrap_or(200).clamp(1, MAX_PAGE);
    let offset = selection.offset;
    let checked = qa.checked.as_deref();
    let attention = selection.sort == Some(Sort::Attention);
    let mut filter = UnitFilter {
        document: Some(document.to_string()),
        statuses,
        min_score: selection.min_score,
        max_score: selection.max_score,
        sort: if attention {
            UnitSort::Score
        } else {
            UnitSort::Position
        },
        ..UnitFilter::default()
    };
    let found: Option<HashSet<i64>> = match selection.q.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(q) => {
            let phrase = Phrase::parse(q)?;
            let lang = Lang::detect(q);
            let hits = find_phrase(memory, &phrase, lang, usize::MAX, Some(document))?;
            Some(hits.into_iter().map(|h| h.id).collect())
        }
    };
    // errors first changes nothing in a document the latest check found no error in
    let errors_first = attention && checked.is_some_and(|c| c.document(document).error > 0);
    if found.is_none() && selection.flagged.is_none() && !errors_first {
        // the store pages and counts by itself
        let total = memory.count_units(&filter)? as usize;
        if !all {
            filter.offset = Some(offset);
            filter.limit = Some(limit);
        }
        let units = memory.units(&filter)?;
        let more = !all && offset + units.len() < total;
        let refs = if all {
            units
                .iter()
                .map(|u| UnitRef {
                    id: u.id,
                    revision: Some(u.revision),
                })
                .collect()
        } else {
            Vec::new()
        };
        return Ok(Selected {
            units: if all { Vec::new() } else { units },
            refs,
            total,
            more,
            with_findings: 0,
            unchecked: 0,
        });
    }
    // one pass over the document in document order (the store's index: no sort in SQL),
    // keeping what orders and pages the pairs; the page's units are read again by id, in the
    // same read transaction
    filter.sort = UnitSort::Position;
    struct Key {
        id: i64,
        revision: i64,
        score: Option<f64>,
        error: bool,
    }
    memory
        .read_snapshot(|| {
            let mut keys = Vec::new();
            let (mut with_findings, mut unchecked) = (0, 0);
            memory.for_each_unit(&filter, |u| {
                if found.as_ref().is_some_and(|f| !f.contains(&u.id)) {
                    return Ok(());
                }
                let findings = checked.and_then(|c| c.of(u.id, u.revision));
                match (selection.flagged, findings) {
                    (Some(_), None) => {
                        unchecked += 1;
                        return Ok(());
                    }
                    (Some(true), Some([])) => return Ok(()),
                    (Some(false), Some(f)) if !f.is_empty() => {
                        with_findings += 1;
                        return Ok(());
                    }
                    _ => {}
                }
                keys.push(Key {
                    id: u.id,
                    revision: u.revision,
                    score: u.score,
                    error: findings
                        .is_some_and(|f| f.iter().any(|f| f.severity == Severity::Error)),
                });
                Ok(())
            })?;
            if attention {
                // as the store's attention order (lowest score first, unscored last, then document
                // order: the sort is stable), pairs with an error finding before the others
                keys.sort_by(|a, b| {
                    (errors_first && b.error)
                        .cmp(&(errors_first && a.error))
                        .then(a.score.is_none().cmp(&b.score.is_none()))
                        .then(a.score.unwrap_or(0.0).total_cmp(&b.score.unwrap_or(0.0)))
                });
            }
            let total = keys.len();
            if all {
                let refs = keys
                    .iter()
                    .map(|k| UnitRef {
                        id: k.id,
                        revision: Some(k.revision),
                    })
                    .collect();
                return Ok(Selected {
                    units: Vec::new(),
                    refs,
                    total,
                    more: false,
                    with_findings,
                    unchecked,
                });
            }
            let mut units = Vec::new();
            for k in keys.iter().skip(offset).take(limit) {
                units.push(memory.unit(k.id)?);
            }
            Ok(Selected {
                more: offset + units.len() < total,
                units,
                refs: Vec::new(),
                total,
                with_findings,
                unchecked,
            })
        })
        .map_err(ApiError::from)
}

/// `GET /api/documents/{name}/units?status=&min_score=&max_score=&flagged=&q=&sort=&offset=&limit=`
pub async fn units(
    Extract(state): Extract<Arc<State>>,
    DocumentName(name): DocumentName,
    Params(selection): Params<Selection>,
) -> Reply<UnitPage> {
    let shared = state.clone();
    read(&state, move |memory| {
        let qa = if selection.by_findings() {
            shared.checker.snapshot(Wait::Up(SELECT_WAIT))
        } else {
            showing(&shared)
        };
        let chosen = select(memory, &name, &selection, false, &qa)?;
        let checked = qa.checked.as_deref();
        Ok(UnitPage {
            offset: selection.offset,
            limit: selection.limit.unwrap_or(200).clamp(1, MAX_PAGE),
            total: chosen.total,
            more: chosen.more,
            units: chosen
                .units
                .into_iter()
                .map(|u| ApiUnit::new(u, checked))
                .collect(),
            qa: qa.state(),
        })
    })
    .await
    .map(Json)
}

/// `GET /api/units/{id}`
pub async fn unit(Extract(state): Extract<Arc<State>>, UnitId(id): UnitId) -> Reply<ApiUnit> {
    let shared = state.clone();
    read(&state, move |memory| {
        let unit = memory.unit(id)?;
        Ok(ApiUnit::new(unit, showing(&shared).checked.as_deref()))
    })
    .await
    .map(Json)
}

/// The sentences of each side of a unit, as a split chooses between them.
#[derive(Serialize)]
pub struct Sentences {
    source: Vec<String>,
    target: Vec<String>,
}

/// `GET /api/units/{id}/sentences`
pub async fn sentences(
    Extract(state): Extract<Arc<State>>,
    UnitId(id): UnitId,
) -> Reply<Sentences> {
    read(&state, move |memory| {
        let unit = memory.unit(id)?;
        let doc = memory
            .documents()?
            .into_iter()
            .find(|d| d.name == unit.document);
        let mut sides = Vec::new();
        for (side, range) in [
            (Side::Source, &unit.source_range),
            (Side::Target, &unit.target_range),
        ] {
            let text = side.of(&unit);
            let lang = doc
                .as_ref()
                .and_then(|d| {
                    let code = match side {
                        Side::Source => &d.source_lang,
                        Side::Target => &d.target_lang,
                    };
                    Lang::parse(code).ok()
                })
                .unwrap_or_else(|| Lang::detect(text));
            sides.push(unit_sentences(
                memory,
                doc.as_ref(),
                side,
                range,
                text,
                lang,
            )?);
        }
        let target = sides.pop().unwrap_or_default();
        let source = sides.pop().unwrap_or_default();
        Ok(Sentences { source, target })
    })
    .await
    .map(Json)
}

/// A side's sentences as `split` sees them: the document's, while the text is still theirs;
/// else the segmenter's reading of the text.
fn unit_sentences(
    memory: &Memory,
    doc: Option<&DocumentInfo>,
    side: Side,
    range: &Option<std::ops::Range<usize>>,
    text: &str,
    lang: Lang,
) -> Result<Vec<String>, ApiError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    if let (Some(doc), Some(r)) = (doc, range)
        && !r.is_empty()
    {
        let all = memory.sentences(doc.id, side.as_str())?;
        if r.end <= all.len()
            && let Some((source, target)) = memory.document_texts(doc.id)?
        {
            let whole = match side {
                Side::Source => source,
                Side::Target => target,
            };
            let (first, last) = (all[r.start].0, all[r.end - 1].0);
            if whole.get(first.start..last.end) == Some(text) {
                return Ok(all[r.clone()].iter().map(|(_, t)| t.clone()).collect());
            }
        }
    }
    Ok(crate::segment::split(text, lang)
        .into_iter()
        .map(|s| s.text(text).to_string())
        .collect())
}

/// A text cut into the words a match shares and those it does not.
#[derive(Serialize)]
pub struct Piece {
    text: String,
    differs: bool,
}

fn pieces(text: &str, marks: &[std::ops::Range<usize>]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in marks {
        if r.start < at || r.end > text.len() || !text.is_char_boundary(r.start) {
            continue;
        }
        if r.start > at {
            out.push(Piece {
                text: text[at..r.start].to_string(),
                differs: false,
            });
        }
        out.push(Piece {
            text: text[r.clone()].to_string(),
            differs: true,
        });
        at = r.end;
    }
    if at < text.len() {
        out.push(Piece {
            text: text[at..].to_string(),
            differs: false,
        });
    }
    out
}

/// A fuzzy match, with the matched side cut into shared and differing words.
#[derive(Serialize)]
pub struct ApiMatch {
    #[serde(flatten)]
    found: Match,
    /// The matched side's text in pieces; `differs` marks the words the looked-up text lacks.
    marked: Vec<Piece>,
}

impl From<Match> for ApiMatch {
    fn from(m: Match) -> ApiMatch {
        let text = match m.matched {
            Side::Source => &m.source,
            Side::Target => &m.target,
        };
        ApiMatch {
            marked: pieces(text, &m.differences),
            found: m,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupQuery {
    text: String,
    lang: Option<String>,
    min: Option<u8>,
    limit: Option<usize>,
    document: Option<String>,
}

/// `GET /api/lookup?text=&lang=&min=&limit=&document=`
pub async fn lookup(
    Extract(state): Extract<Arc<State>>,
    Params(q): Params<LookupQuery>,
) -> Reply<Vec<ApiMatch>> {
    read(&state, move |memory| {
        let lang = q.lang.as_deref().map(Lang::parse).transpose()?;
        let options = Options {
            lang,
            min: q.min.unwrap_or(70).min(100),
            limit: q.limit.unwrap_or(5).clamp(1, 100),
            document: q.document.as_deref(),
        };
        Ok(find_similar(memory, &q.text, &options)?
            .into_iter()
            .map(ApiMatch::from)
            .collect())
    })
    .await
    .map(Json)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimilarQuery {
    min: Option<u8>,
    limit: Option<usize>,
}

/// `GET /api/units/{id}/similar?min=&limit=`: the pairs of the memory whose source is like
/// this unit's (the unit itself left out).
pub async fn similar(
    Extract(state): Extract<Arc<State>>,
    UnitId(id): UnitId,
    Params(q): Params<SimilarQuery>,
) -> Reply<Vec<ApiMatch>> {
    read(&state, move |memory| {
        let unit = memory.unit(id)?;
        let limit = q.limit.unwrap_or(5).clamp(1, 100);
        let text = if unit.source.trim().is_empty() {
            &unit.target
        } else {
            &unit.source
        };
        if crate::text::normalize::word_spans(text).is_empty() {
            return Ok(Vec::new());
        }
        let options = Options {
            lang: None,
            min: q.min.unwrap_or(50).min(100),
            limit: limit + 1,
            document: None,
        };
        Ok(find_similar(memory, text, &options)?
            .into_iter()
            .filter(|m| m.id != id)
            .take(limit)
            .map(ApiMatch::from)
            .collect())
    })
    .await
    .map(Json)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConcordanceQuery {
    q: String,
    lang: Option<String>,
    limit: Option<usize>,
    document: Option<String>,
}

/// `GET /api/concordance?q=&lang=&limit=&document=`
pub async fn concordance(
    Extract(state): Extract<Arc<State>>,
    Params(q): Params<ConcordanceQuery>,
) -> Reply<Vec<Hit>> {
    read(&state, move |memory| {
        let phrase = Phrase::parse(&q.q)?;
        let lang = match q.lang.as_deref() {
            Some(code) => Lang::parse(code)?,
            None => Lang::detect(&q.q),
        };
        let limit = q.limit.unwrap_or(20).clamp(1, MAX_PAGE);
        Ok(find_phrase(
            memory,
            &phrase,
            lang,
            limit,
            q.document.as_deref(),
        )?)
    })
    .await
    .map(Json)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    unit: Option<i64>,
    limit: Option<usize>,
}

/// `GET /api/history?unit=&limit=`: latest first.
pub async fn history(
    Extract(state): Extract<Arc<State>>,
    Params(q): Params<HistoryQuery>,
) -> Reply<Vec<Change>> {
    read(&state, move |memory| {
        Ok(memory.latest_changes(q.unit, Some(q.limit.unwrap_or(50).clamp(1, MAX_PAGE)))?)
    })
    .await
    .map(Json)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckQuery {
    document: Option<String>,
    /// Seconds to wait for a check of the memory as it now is (default 60, at most 600).
    wait: Option<u64>,
}

/// A finding of `GET /api/check`: `bitext check --json`'s fields and the revision of the unit
/// the check saw.
#[derive(Serialize)]
pub struct CheckFinding {
    id: i64,
    document: String,
    revision: i64,
    #[serde(flatten)]
    finding: ApiFinding,
}

/// What `GET /api/check` answers.
#[derive(Serialize)]
pub struct CheckReply {
    qa: QaState,
    findings: Vec<CheckFinding>,
}

/// `GET /api/check?document=&wait=`: the QA findings of the memory (or of one document), in
/// unit order, once a check of the memory as it now is has ended (or `wait` seconds passed:
/// `qa.current` says which).
pub async fn check(
    Extract(state): Extract<Arc<State>>,
    Params(q): Params<CheckQuery>,
) -> Reply<CheckReply> {
    let shared = state.clone();
    read(&state, move |memory| {
        if let Some(name) = &q.document {
            memory.document_id(name)?;
        }
        let wait = std::time::Duration::from_secs(q.wait.unwrap_or(60).min(600));
        let snapshot = shared.checker.snapshot(Wait::Up(wait));
        let mut findings = Vec::new();
        if let Some(checked) = &snapshot.checked {
            for (id, revision, document, found) in checked.found(q.document.as_deref()) {
                for f in found {
                    findings.push(CheckFinding {
                        id,
                        document: document.to_string(),
                        revision,
                        finding: ApiFinding::from(f),
                    });
                }
            }
        }
        Ok(CheckReply {
            qa: snapshot.state(),
            findings,
        })
    })
    .await
    .map(Json)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateQuery {
    /// Seconds to wait for a check of the memory as it now is (default 0, at most 600).
    wait: Option<u64>,
}

/// `GET /api/check/state?wait=`: whether the findings are of the memory as it now is, without
/// them (what the page asks while a check runs).
pub async fn check_state(
    Extract(state): Extract<Arc<State>>,
    Params(q): Params<StateQuery>,
) -> Reply<QaState> {
    let wait = std::time::Duration::from_secs(q.wait.unwrap_or(0).min(600));
    Ok(Json(snapshot(&state, Wait::Up(wait)).await?.state()))
}

// ---------------------------------------------------------------------------------------------
// Changing

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditBody {
    revision: Option<i64>,
    source: Option<String>,
    target: Option<String>,
    status: Option<Status>,
    /// A new note; an empty one removes the note.
    note: Option<String>,
}

/// `PATCH /api/units/{id}` `{"revision", "source"?, "target"?, "status"?, "note"?}`
pub async fn edit(
    Extract(state): Extract<Arc<State>>,
    UnitId(id): UnitId,
    Body(body): Body<EditBody>,
) -> Reply<ChangeReply> {
    let change = write(&state, move |memory, user| {
        let edit = UnitEdit {
            source: body.source,
            target: body.target,
            status: body.status,
            note: body.note,
        };
        let change = memory
            .edit_unit(id, &edit, body.revision, user)
            .map_err(|e| refused(memory, e))?;
        Ok(change)
    })
    .await?;
    change_reply(&state, change).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionQuery {
    revision: Option<i64>,
}

/// `DELETE /api/units/{id}?revision=`
pub async fn delete(
    Extract(state): Extract<Arc<State>>,
    UnitId(id): UnitId,
    Params(q): Params<RevisionQuery>,
) -> Reply<ChangeReply> {
    let change = write(&state, move |memory, user| {
        let change = memory
            .delete_unit(id, q.revision, user)
            .map_err(|e| refused(memory, e))?;
        Ok(change)
    })
    .await?;
    change_reply(&state, change).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitBody {
    revision: Option<i64>,
    /// Source sentences that stay in the unit (the rest go to a new unit after it).
    source_at: usize,
    /// Target sentences that stay in the unit.
    target_at: usize,
}

/// `POST /api/units/{id}/split` `{"revision", "source_at", "target_at"}`
pub async fn split(
    Extract(state): Extract<Arc<State>>,
    UnitId(id): UnitId,
    Body(body): Body<SplitBody>,
) -> Reply<ChangeReply> {
    let change = write(&state, move |memory, user| {
        let change = memory
            .split_unit(id, body.source_at, body.target_at, body.revision, user)
            .map_err(|e| refused(memory, e))?;
        Ok(change)
    })
    .await?;
    change_reply(&state, change).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    revision: Option<i64>,
    /// The neighbouring unit to merge with.
    with: i64,
    /// Its revision.
    with_revision: Option<i64>,
}

/// `POST /api/units/{id}/merge` `{"revision", "with", "with_revision"}`
pub async fn merge(
    Extract(state): Extract<Arc<State>>,
    UnitId(id): UnitId,
    Body(body): Body<MergeBody>,
) -> Reply<ChangeReply> {
    let change = write(&state, move |memory, user| {
        let change = memory
            .merge_units(id, body.with, [body.revision, body.with_revision], user)
            .map_err(|e| refused(memory, e))?;
        Ok(change)
    })
    .await?;
    change_reply(&state, change).await
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SideName {
    Source,
    Target,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The side's first sentence goes to the end of the previous pair.
    Previous,
    /// The side's last sentence goes to the start of the next pair.
    Next,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    revision: Option<i64>,
    side: SideName,
    direction: Direction,
}

/// `POST /api/units/{id}/move` `{"revision", "side": "source"|"target", "direction":
/// "previous"|"next"}`
pub async fn move_sentence(
    Extract(state): Extract<Arc<State>>,
    UnitId(id): UnitId,
    Body(body): Body<MoveBody>,
) -> Reply<ChangeReply> {
    let change = write(&state, move |memory, user| {
        let side = match body.side {
            SideName::Source => Side::Source,
            SideName::Target => Side::Target,
        };
        let direction = match body.direction {
            Direction::Previous => crate::store::Direction::Previous,
            Direction::Next => crate::store::Direction::Next,
        };
        let change = memory
            .move_sentence(id, side, direction, body.revision, user)
            .map_err(|e| refused(memory, e))?;
        Ok(change)
    })
    .await?;
    change_reply(&state, change).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UndoBody {
    /// The change to revert (default: the latest still in effect).
    change: Option<i64>,
}

/// `POST /api/undo` `{"change"?}`
pub async fn undo(
    Extract(state): Extract<Arc<State>>,
    Body(body): Body<UndoBody>,
) -> Reply<ChangeReply> {
    let change = write(&state, move |memory, user| {
        let change = memory.undo(body.change, user)?;
        Ok(change)
    })
    .await?;
    change_reply(&state, change).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkBody {
    /// The status to give every selected pair.
    status: Status,
    /// The pairs: as the list's selection (its offset and limit are ignored).
    #[serde(default)]
    selection: Selection,
}

/// What a bulk change answers: the change (none when every pair already had the status), how
/// many pairs the selection took and how many of them already had the status; with
/// `flagged: false`, how many pairs it left out for their QA findings and for not being
/// checked at their revision yet.
#[derive(Serialize)]
pub struct BulkReply {
    change: Option<Change>,
    selected: usize,
    skipped: usize,
    with_findings: usize,
    unchecked: usize,
    qa: QaState,
}

/// `POST /api/documents/{name}/bulk` `{"status", "selection": {…}}`: one change for every
/// pair the selection takes ("approve every pair shown with score ≥ X and no QA finding");
/// each pair is changed only if it still has the revision it had when selected. A selection
/// by findings waits (up to a minute) for a check of the memory as it now is; a pair the
/// check has not seen at its revision never counts as without findings.
pub async fn bulk(
    Extract(state): Extract<Arc<State>>,
    DocumentName(name): DocumentName,
    Body(body): Body<BulkBody>,
) -> Reply<BulkReply> {
    // wait for the check before taking the write lock: the revisions keep the two apart
    let wait = if body.selection.by_findings() {
        Wait::Up(BULK_WAIT)
    } else {
        Wait::No
    };
    let qa = snapshot(&state, wait).await?;
    write(&state, move |memory, user| {
        let chosen = select(memory, &name, &body.selection, true, &qa)?;
        let refs = chosen.refs;
        let edit = UnitEdit {
            status: Some(body.status),
            ..UnitEdit::default()
        };
        let report = memory
            .edit_units(&crate::store::Selection::Units(refs), &edit, user)
            .map_err(|e| refused(memory, e))?;
        Ok(BulkReply {
            change: report.change,
            selected: report.selected,
            skipped: report.skipped,
            with_findings: chosen.with_findings,
            unchecked: chosen.unchecked,
            qa: qa.state(),
        })
    })
    .await
    .map(Json)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RealignBody {
    /// Hold every pair up to and including this unit fixed too ("re-align from here").
    from: Option<i64>,
    /// Go on when pairs with review work that is not held fixed would be removed.
    #[serde(default)]
    force: bool,
}

/// `POST /api/documents/{name}/realign` `{"from"?, "force"?}`: re-align the document around its
/// reviewed, approved and edited pairs, as `bitext realign` does (the same library call);
/// answers what it did: `change` (null when nothing changed), `fixed`, `kept`, `renumbered`,
/// `added`, `removed` and the new pairs as `units`.
pub async fn realign(
    Extract(state): Extract<Arc<State>>,
    DocumentName(name): DocumentName,
    Body(body): Body<RealignBody>,
) -> Reply<crate::realign::Report> {
    write(&state, move |memory, user| {
        let options = crate::realign::Options {
            from: body.from,
            force: body.force,
            ..crate::realign::Options::default()
        };
        crate::realign::realign(memory, &name, &options, user).map_err(|e| refused(memory, e))
    })
    .await
    .map(Json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_mark_the_differing_words() {
        let p = pieces("a bc d", std::slice::from_ref(&(2..4)));
        let t: Vec<(&str, bool)> = p.iter().map(|p| (p.text.as_str(), p.differs)).collect();
        assert_eq!(t, [("a ", false), ("bc", true), (" d", false)]);
    }
}

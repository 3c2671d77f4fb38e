//! `bitext serve`: the review page and its JSON API, a thin HTTP layer over the memory.
//!
//! axum on tokio. Every route is a small handler that reads its request, calls one library
//! function (store, search) on a [`Memory`] taken from a small pool inside `spawn_blocking`
//! — SQLite never runs on the async threads — and answers JSON. The page (HTML, CSS,
//! JavaScript) is embedded in the binary from `assets/`.
//!
//! QA findings (see [`findings`]) come from one check of the whole memory, run in the
//! background at start and again when the memory changes; requests read the latest.
//!
//! Security rules (see [`security`]): the server binds 127.0.0.1 by default; a random token
//! made at start is required on every API request in a header (a cookie alone would let other
//! sites forge writes); a request whose `Host` is not the server's own is refused (DNS
//! rebinding), as is one from another `Origin`; no CORS headers are ever sent; `--read-only`
//! refuses every change. Refusals are JSON `{"error": "…"}` with a 4xx status, before any
//! work is done.

mod api;
mod assets;
pub mod findings;
mod security;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::routing::{get, post};

use crate::error::{Error, Result};
use crate::store::Memory;

pub use api::ApiUnit;

/// How `bitext serve` runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// The memory file (must exist).
    pub db: PathBuf,
    /// The address to bind (default 127.0.0.1).
    pub host: String,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Refuse every change.
    pub read_only: bool,
    /// The name recorded in the history for changes made through the server.
    pub user: String,
}

/// What every request can reach: the memory, the token and the rules.
pub struct State {
    pool: Pool,
    token: String,
    read_only: bool,
    user: String,
    /// `Host` header values the server answers to (`127.0.0.1:PORT`, `localhost:PORT`, …).
    hosts: Vec<String>,
    /// Held by every change, so that a change's revision check and its write are one step
    /// for the server's own requests.
    writing: Mutex<()>,
    /// The QA findings of the memory, checked in the background.
    checker: Arc<findings::Checker>,
}

impl Drop for State {
    fn drop(&mut self) {
        self.checker.stop();
    }
}

impl State {
    /// A state for a memory served at `addr` with `token`.
    pub fn new(config: &Config, addr: SocketAddr, token: String) -> State {
        let port = addr.port();
        let mut hosts = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ];
        let own = host_label(&config.host, port);
        if !hosts.contains(&own) {
            hosts.push(own);
        }
        State {
            pool: Pool {
                path: config.db.clone(),
                idle: Mutex::new(Vec::new()),
            },
            token,
            read_only: config.read_only,
            user: config.user.clone(),
            hosts,
            writing: Mutex::new(()),
            checker: Arc::new(findings::Checker::new(&config.db)),
        }
    }

    /// Starts the QA check of the memory in the background (requests start it too, when the
    /// memory changed since the latest).
    pub fn start_checking(&self) {
        self.checker.start();
    }

    fn write_lock(&self) -> MutexGuard<'_, ()> {
        // the guard protects no data: a panic while holding it leaves nothing inconsistent
        self.writing.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// `HOST:PORT` as a browser sends it in the `Host` header (IPv6 in brackets).
fn host_label(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Open connections to the memory, reused between requests (each used by one request at a
/// time, on a blocking thread).
struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Memory>>,
}

/// Connections kept open between requests.
const POOL_SIZE: usize = 4;

impl Pool {
    fn take(&self) -> Result<Memory> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match idle {
            Some(m) => Ok(m),
            None => Memory::open_existing(&self.path),
        }
    }

    fn give_back(&self, memory: Memory) {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < POOL_SIZE {
            idle.push(memory);
        }
    }
}

/// A fresh token: 32 bytes from the operating system's random source, as 64 hex digits.
pub fn new_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::invalid(format!("cannot make a token: no random source ({e})")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The application: the page, its assets and the API, behind the security rules.
pub fn router(state: Arc<State>) -> Router {
    let api = Router::new()
        .route("/info", get(api::info))
        .route("/documents", get(api::documents))
        .route("/documents/{name}/units", get(api::units))
        .route("/documents/{name}/bulk", post(api::bulk))
        .route("/documents/{name}/realign", post(api::realign))
        .route(
            "/units/{id}",
            get(api::unit).patch(api::edit).delete(api::delete),
        )
        .route("/units/{id}/sentences", get(api::sentences))
        .route("/units/{id}/similar", get(api::similar))
        .route("/units/{id}/split", post(api::split))
        .route("/units/{id}/merge", post(api::merge))
        .route("/units/{id}/move", post(api::move_sentence))
        .route("/undo", post(api::undo))
        .route("/history", get(api::history))
        .route("/lookup", get(api::lookup))
        .route("/concordance", get(api::concordance))
        .route("/check", get(api::check))
        .route("/check/state", get(api::check_state))
        .fallback(api::no_route)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::api_rules,
        ));
    Router::new()
        .route("/", get(assets::index))
        .route("/app.js", get(assets::script))
        .route("/app.css", get(assets::style))
        .nest("/api", api)
        .fallback(assets::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::host_rules,
        ))
        .with_state(state)
}

/// Serves the memory until interrupted (Ctrl-C). `ready` is called with the URL to open —
/// token included — once the server listens.
pub fn run(config: &Config, ready: impl FnOnce(&str) -> Result<()>) -> Result<()> {
    // a missing or unusable memory is refused before anything listens
    drop(Memory::open_existing(&config.db)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::invalid(format!("cannot start the server: {e}")))?;
    runtime.block_on(async {
        let bind = (config.host.as_str(), config.port);
        let listener = tokio::net::TcpListener::bind(bind).await.map_err(|e| {
            Error::invalid(format!(
                "cannot listen on {}: {}",
                host_label(&config.host, config.port),
                e.to_string().split(" (os error").next().unwrap_or_default()
            ))
        })?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::invalid(format!("cannot listen: {e}")))?;
        let token = new_token()?;
        let state = Arc::new(State::new(config, addr, token.clone()));
        state.start_checking();
        let shown = match config.host.as_str() {
            "0.0.0.0" | "::" => "127.0.0.1".to_string(),
            h => h.to_string(),
        };
        ready(&format!(
            "http://{}/#token={token}",
            host_label(&shown, addr.port())
        ))?;
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Error::invalid(format!("the server stopped: {e}")))
    })
}

//! The review API's latency on a large memory, through real HTTP on 127.0.0.1.
//!
//!     cargo bench --bench serve                  # 1,000,000 units
//!     cargo bench --bench serve -- 100000        # other sizes
//!
//! The memory is the lookup benchmark's (`target/bench-lookup-SIZE.db`, built by
//! `support::memory::build` when missing), used as it is: the status changes made here
//! (draft ↔ reviewed) are nothing the lookup benchmark reads, and a copy of a million units
//! would take another 1.6 GB of disk. The server is the
//! library's (`serve::router`) on a tokio runtime in this process, started as `bitext serve`
//! starts it (the QA check of the memory begins at once, in the background); requests come
//! from a blocking client on the main thread, one at a time, with the token.
//!
//! First the time until the QA findings of the whole memory are ready (the background check
//! the server starts). Then, timed, 300 requests each: a page of 100 pairs from the start of a
//! random document, a page of 100 at a random offset, the first page of a document's pairs
//! flagged by QA and of its pairs in
//! "needs attention first" order (these read the whole document: 30 requests), and a status
//! change of a random pair (`PATCH /api/units/ID` with its revision, read just before and not
//! timed). Beside each, the same library call without HTTP where there is one, as the
//! baseline the API adds to. The documents summary is timed 30 times. The status changes start
//! a new check in the background (the memory changed); its time is reported too.
//!
//! Then, when chromedriver is installed, the page itself in headless Chromium on a memory of
//! one 5,000-pair document (`target/bench-lookup-5000.db`), once its findings are ready: the
//! time from opening the document to its first 200 pairs on screen with their findings, and
//! to all 5,000 by scrolling, measured in the page (`performance.now()`), 5 times each.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use bitext::serve::{self, Config, State};
use bitext::store::{Memory, Status, UnitEdit, UnitFilter};
use serde_json::{Value, json};

#[path = "../tests/common/browser.rs"]
mod browser;
#[path = "support/mod.rs"]
mod support;
use support::memory::{DOCUMENT_UNITS, Rng, build};
use support::{clean_pairs, sizes};

const REQUESTS: usize = 300;
const PAGE: usize = 100;

fn main() {
    let pairs = clean_pairs();
    println!("| units | request | median | 95th percentile |");
    println!("|---:|---|---:|---:|");
    for size in sizes(&[1_000_000]) {
        // the lookup benchmark's memory itself: a copy of a million units would take another
        // 1.6 GB of disk, and the status changes made here (draft ↔ reviewed) are nothing the
        // lookup benchmark reads
        run(size, build(&pairs, size));
    }
    page(&pairs);
}

/// A server on `db` in this runtime: its address and token.
fn start_server(runtime: &tokio::runtime::Runtime, db: PathBuf) -> (std::net::SocketAddr, String) {
    let config = Config {
        db,
        host: "127.0.0.1".into(),
        port: 0,
        read_only: false,
        user: "bench".into(),
    };
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let token = serve::new_token().unwrap();
    let state = Arc::new(State::new(&config, addr, token.clone()));
    // as `bitext serve` does: the QA check of the memory starts at once
    state.start_checking();
    let app = serve::router(state);
    runtime.spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, token)
}

/// A blocking HTTP client that sends the token and reads JSON.
struct Client {
    agent: ureq::Agent,
    base: String,
    token: String,
}

impl Client {
    fn new(addr: std::net::SocketAddr, token: &str) -> Client {
        Client {
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into(),
            base: format!("http://{addr}/api"),
            token: token.to_string(),
        }
    }

    fn get(&self, path: &str) -> Value {
        let mut r = self
            .agent
            .get(&format!("{}{path}", self.base))
            .header("X-Bitext-Token", &self.token)
            .call()
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.body_mut().read_json().unwrap()
    }

    /// Waits until the QA findings are of the memory as it now is; the seconds it took.
    fn wait_for_findings(&self) -> f64 {
        let start = Instant::now();
        loop {
            let qa = self.get("/check/state?wait=600");
            assert!(qa["error"].is_null(), "{qa}");
            if qa["current"] == true {
                return start.elapsed().as_secs_f64();
            }
        }
    }
}

/// Opening a 5,000-pair document in the browser.
fn page(pairs: &[(String, String)]) {
    const PAIRS: usize = 5_000;
    let Some(driver_path) = browser::chromedriver() else {
        println!("\n(chromedriver not found: the page timing is skipped)");
        return;
    };
    let db = build(pairs, PAIRS);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (addr, token) = start_server(&runtime, db);
    let ready = Client::new(addr, &token).wait_for_findings();
    println!("| {PAIRS} | QA findings of the memory ready after start | {ready:.1} s | |");
    let driver = browser::start_driver(&driver_path);
    let (mut first, mut all) = (Vec::new(), Vec::new());
    runtime.block_on(async {
        let c = browser::connect(&driver).await;
        let wait = Some(std::time::Duration::from_secs(300));
        c.update_timeouts(fantoccini::wd::TimeoutConfiguration::new(wait, wait, None))
            .await
            .unwrap();
        c.goto(&format!("http://{addr}/#token={token}"))
            .await
            .unwrap();
        for _ in 0..5 {
            let open = "const done = arguments[0];
                const wait = () => document.querySelector('#documents')
                    ? go() : setTimeout(wait, 10);
                const go = () => {
                    const t0 = performance.now();
                    location.hash = '#/doc/bench-000';
                    const check = () => document.querySelectorAll('#pair-rows tr.pair').length >= 200
                        && document.querySelector('#pair-rows tr.findings')
                        ? done(performance.now() - t0) : requestAnimationFrame(check);
                    check();
                };
                location.hash = '#/';
                setTimeout(wait, 50);";
            let ms = c.execute_async(open, vec![]).await.unwrap();
            first.push(ms.as_f64().unwrap() / 1e3);
            let scroll = "const done = arguments[0];
                const t0 = performance.now();
                const step = () => {
                    if (document.querySelectorAll('#pair-rows tr.pair').length >= 5000)
                        return done(performance.now() - t0);
                    window.scrollTo(0, document.body.scrollHeight);
                    setTimeout(step, 50);
                };
                step();";
            let ms = c.execute_async(scroll, vec![]).await.unwrap();
            all.push(ms.as_f64().unwrap() / 1e3);
        }
        c.close().await.unwrap();
    });
    row(
        PAIRS,
        "page: open the document, first 200 pairs shown with their findings",
        &mut first,
    );
    row(PAIRS, "page: all 5,000 pairs loaded by scrolling", &mut all);
}

fn run(size: usize, path: PathBuf) {
    let documents = size.div_ceil(DOCUMENT_UNITS);
    let document = |k: usize| format!("bench-{k:03}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (addr, token) = start_server(&runtime, path.clone());
    let client = Client::new(addr, &token);
    let get = |path: &str| client.get(path);
    let mut rng = Rng(size as u64 ^ 0x5e7e);
    let mut memory = Memory::open_existing(&path).unwrap();

    let ready = client.wait_for_findings();
    println!(
        "| {size} | QA findings of the memory ready after start (background) | {ready:.1} s | |"
    );

    let mut times = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        let summary = get("/documents");
        times.push(start.elapsed().as_secs_f64());
        assert_eq!(summary.as_array().unwrap().len(), documents);
        assert!(summary[0]["findings"].is_object());
    }
    row(
        size,
        "documents summary, with findings counts (API)",
        &mut times,
    );

    // a page of 100 from the start of a document
    let (mut api, mut lib) = (Vec::new(), Vec::new());
    for _ in 0..REQUESTS {
        let d = document(rng.below(documents));
        let start = Instant::now();
        let page = get(&format!("/documents/{d}/units?limit={PAGE}"));
        api.push(start.elapsed().as_secs_f64());
        assert_eq!(page["units"].as_array().unwrap().len(), PAGE);
        assert!(page["units"][0]["findings"].is_array());
        let start = Instant::now();
        let units = memory
            .units(&UnitFilter {
                document: Some(d),
                limit: Some(PAGE),
                ..UnitFilter::default()
            })
            .unwrap();
        lib.push(start.elapsed().as_secs_f64());
        assert_eq!(units.len(), PAGE);
    }
    row(size, "list 100 pairs, first page (API)", &mut api);
    row(size, "list 100 pairs, first page (library)", &mut lib);

    // a page of 100 anywhere in a document
    let (mut api, mut lib) = (Vec::new(), Vec::new());
    for _ in 0..REQUESTS {
        let d = document(rng.below(documents));
        let offset = rng.below(DOCUMENT_UNITS.min(size) - PAGE);
        let start = Instant::now();
        let page = get(&format!(
            "/documents/{d}/units?offset={offset}&limit={PAGE}"
        ));
        api.push(start.elapsed().as_secs_f64());
        assert_eq!(page["units"].as_array().unwrap().len(), PAGE);
        let start = Instant::now();
        let units = memory
            .units(&UnitFilter {
                document: Some(d),
                offset: Some(offset),
                limit: Some(PAGE),
                ..UnitFilter::default()
            })
            .unwrap();
        lib.push(start.elapsed().as_secs_f64());
        assert_eq!(units.len(), PAGE);
    }
    row(size, "list 100 pairs at a random offset (API)", &mut api);
    row(
        size,
        "list 100 pairs at a random offset (library)",
        &mut lib,
    );

    // selections by findings read the whole document
    for (what, query) in [
        (
            "list 100 pairs flagged by QA, first page (API)",
            "flagged=true",
        ),
        (
            "list 100 pairs, needs attention first, first page (API)",
            "sort=attention",
        ),
    ] {
        let mut api = Vec::new();
        for _ in 0..30 {
            let d = document(rng.below(documents));
            let start = Instant::now();
            let page = get(&format!("/documents/{d}/units?{query}&limit={PAGE}"));
            api.push(start.elapsed().as_secs_f64());
            assert_eq!(page["qa"]["current"], true);
            assert!(!page["units"].as_array().unwrap().is_empty());
        }
        row(size, what, &mut api);
    }

    // a status change
    let (mut api, mut lib) = (Vec::new(), Vec::new());
    let next = |s: &str| if s == "draft" { "reviewed" } else { "draft" };
    for _ in 0..REQUESTS {
        let id = 1 + rng.below(size) as i64;
        let unit = get(&format!("/units/{id}"));
        let body =
            json!({"revision": unit["revision"], "status": next(unit["status"].as_str().unwrap())});
        let start = Instant::now();
        let r = client
            .agent
            .patch(&format!("{}/units/{id}", client.base))
            .header("X-Bitext-Token", &token)
            .send_json(&body)
            .unwrap();
        api.push(start.elapsed().as_secs_f64());
        assert_eq!(r.status(), 200);

        let id = 1 + rng.below(size) as i64;
        let status = memory.unit(id).unwrap().status;
        let edit = UnitEdit {
            status: Some(if status == Status::Draft {
                Status::Reviewed
            } else {
                Status::Draft
            }),
            ..UnitEdit::default()
        };
        let start = Instant::now();
        memory.edit_unit(id, &edit, None, "bench").unwrap();
        lib.push(start.elapsed().as_secs_f64());
    }
    row(size, "status change (API)", &mut api);
    row(size, "status change (library)", &mut lib);
    // the changes started a new check in the background; let it end before anything else runs
    let again = client.wait_for_findings();
    println!("| {size} | QA findings current again after the status changes | {again:.1} s | |");
}

fn row(size: usize, what: &str, times: &mut [f64]) {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)] * 1e3;
    println!(
        "| {size} | {what} | {:.1} ms | {:.1} ms |",
        at(0.5),
        at(0.95)
    );
}

//! A running `bitext serve` for the API and browser tests: a scratch memory with the article,
//! the server on a free port (`--port 0`), its URL and token read from what it prints, and
//! a JSON client that sends the token. The server is killed when the value is dropped.
//!
//! Included by the test files that need it with `#[path = "common/server.rs"] mod server;`.

#![allow(dead_code)] // each test file uses its own part

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use tempfile::TempDir;

use super::common;

pub struct Server {
    pub dir: TempDir,
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// The URL as printed, token included.
    pub url: String,
    pub token: String,
    agent: ureq::Agent,
}

/// An answer: its status, headers we look at, and its body as JSON (or `Value::Null`).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub text: String,
    pub headers: Vec<(String, String)>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `error` of a JSON error body (panics when there is none).
    pub fn error(&self) -> &str {
        self.body["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no JSON error in {}: {}", self.status, self.text))
    }
}

impl Server {
    /// A memory with the aligned article in whole sentences (unit 4 is a 1-2 pair), served
    /// with `args` (e.g. `--read-only`).
    pub fn start(args: &[&str]) -> Server {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("tm.db");
        common::bitext(dir.path(), &db)
            .args(["align", "--no-split"])
            .arg(common::article_ar())
            .arg(common::article_en())
            .assert()
            .success();
        Server::on(dir, args)
    }

    /// Serves the memory `tm.db` in `dir`.
    pub fn on(dir: TempDir, args: &[&str]) -> Server {
        let db = dir.path().join("tm.db");
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("bitext"))
            .current_dir(dir.path())
            .env_remove("BITEXT_DB")
            .env("USER", "tester")
            .env("NO_COLOR", "1")
            .arg("--db")
            .arg(&db)
            .arg("serve")
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        let (base, token) = url.split_once("/#token=").expect("a token in the URL");
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // a refusal answered before its body was read closes the connection: never reuse
            .max_idle_connections(0)
            .build()
            .into();
        Server {
            base: base.to_string(),
            token: token.to_string(),
            url: url.clone(),
            dir,
            child,
            agent,
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("tm.db")
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `bitext` on the served memory, as the CLI tests run it.
    pub fn bitext(&self) -> assert_cmd::Command {
        common::bitext(self.dir.path(), &self.db())
    }

    /// A CLI command's JSON output.
    pub fn cli_json(&self, args: &[&str]) -> Value {
        let out = self.bitext().args(args).assert().success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    }

    /// A request with the token; `body` is sent as JSON when given.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        self.send(
            method,
            path,
            &[("X-Bitext-Token", &self.token)],
            body.map(|b| b.to_string()),
        )
    }

    pub fn get(&self, path: &str) -> Answer {
        self.call("GET", path, None)
    }

    /// A request with exactly these headers and this raw body (sent as JSON when given).
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Answer {
        let url = format!("{}{path}", self.base);
        let mut request = ureq::http::Request::builder().method(method).uri(&url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = match body {
            Some(b) => {
                let has_type = headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
                if !has_type {
                    request = request.header("Content-Type", "application/json");
                }
                self.agent.run(request.body(b).unwrap())
            }
            None => self.agent.run(request.body(()).unwrap()),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            body,
            text,
            headers,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

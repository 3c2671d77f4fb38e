//! The server's security rules, as two middleware layers.
//!
//! - [`host_rules`], on every request: the `Host` header must be one of the server's own
//!   (`127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`, or the `--host` given), so that a
//!   page on another name that resolves to 127.0.0.1 (DNS rebinding) cannot reach the memory;
//!   an `Origin` header, when sent, must be the server's own too. Every answer carries a
//!   strict Content-Security-Policy and no CORS header.
//! - [`api_rules`], on `/api/…`: the token is required in `Authorization: Bearer TOKEN` or
//!   `X-Bitext-Token: TOKEN` (compared in constant time), and with `--read-only` only reading
//!   methods pass.
//!
//! A refused request gets `{"error": "…"}` with 401 (no or wrong token) or 403 (wrong host,
//! foreign origin, read-only), and nothing runs.

use std::sync::Arc;

use axum::extract::{Request, State as Extract};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::State;
use super::api::ApiError;

/// The page loads its script and styles from the server itself and talks to nothing else.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
     img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Refuses requests addressed to another host or sent from another origin; adds the headers
/// every answer carries.
pub async fn host_rules(
    Extract(state): Extract<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    let refused = match host {
        None => Some("the request has no Host header".to_string()),
        Some(h) if !state.hosts.contains(&h) => Some(format!(
            "this server answers only to {}, not to Host '{h}'",
            state.hosts[..2].join(" and ")
        )),
        Some(_) => None,
    };
    let refused = refused.or_else(|| {
        let origin = headers.get(header::ORIGIN)?.to_str().unwrap_or("?");
        let own = state
            .hosts
            .iter()
            .any(|h| origin.eq_ignore_ascii_case(&format!("http://{h}")));
        (!own).then(|| format!("requests from another site ({origin}) are refused"))
    });
    let mut response = match refused {
        Some(why) => ApiError::new(StatusCode::FORBIDDEN, why).into_response(),
        None => next.run(request).await,
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Requires the token on API requests, and refuses changes when the server is read-only.
pub async fn api_rules(
    Extract(state): Extract<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    match presented_token(request.headers()) {
        None => {
            return ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing token: send the token of the URL 'bitext serve' printed, as 'Authorization: Bearer TOKEN' or 'X-Bitext-Token: TOKEN'",
            )
            .into_response();
        }
        Some(t) if !same(t.as_bytes(), state.token.as_bytes()) => {
            return ApiError::new(
                StatusCode::UNAUTHORIZED,
                "wrong token: use the one in the URL 'bitext serve' printed (it changes at every start)",
            )
            .into_response();
        }
        Some(_) => {}
    }
    let reads = matches!(*request.method(), Method::GET | Method::HEAD);
    if state.read_only && !reads {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "the memory is served read-only (--read-only): changes are refused",
        )
        .into_response();
    }
    next.run(request).await
}

/// The token a request presents, from `Authorization: Bearer` or `X-Bitext-Token`.
fn presented_token(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers.get("x-bitext-token") {
        return Some(v.to_str().unwrap_or("").trim().to_string());
    }
    let auth = headers.get(header::AUTHORIZATION)?.to_str().unwrap_or("");
    let (scheme, token) = auth.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// Compares two byte strings in time that depends on their lengths only.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_come_from_either_header() {
        let mut h = HeaderMap::new();
        assert_eq!(presented_token(&h), None);
        h.insert(header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(presented_token(&h).as_deref(), Some("abc"));
        h.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(presented_token(&h), None);
        h.insert("x-bitext-token", "xyz".parse().unwrap());
        assert_eq!(presented_token(&h).as_deref(), Some("xyz"));
    }

    #[test]
    fn comparison_needs_every_byte() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
        assert!(!same(b"", b"a"));
    }
}

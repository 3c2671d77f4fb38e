//! The review page's files, embedded in the binary: no CDN, no build step, works offline.
//!
//! `assets/index.html` is the shell, `assets/app.css` the styles and `assets/app.js` the one
//! script (no framework). The page itself holds no data: it reads the token from the URL's
//! fragment and asks the API for everything with it.

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");

/// `GET /`
pub async fn index() -> Html<&'static str> {
    Html(INDEX)
}

/// `GET /app.js`
pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

/// `GET /app.css`
pub async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

/// Anything else outside the API.
pub async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "not found: open the URL that 'bitext serve' printed\n",
    )
        .into_response()
}

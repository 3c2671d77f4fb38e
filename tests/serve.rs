//! `bitext serve`'s JSON API on the shipped article, through real HTTP, and `bitext report`:
//! the security rules (token, Host, Origin, read-only, no CORS), each change landing in the
//! history the CLI reads, refusals that change nothing, stale revisions, the QA findings beside
//! each pair and the selections made by them, and the route that waits for a library function
//! (501).

mod common;
#[path = "common/server.rs"]
mod server;

use serde_json::{Value, json};
use server::Server;

/// Units and history as the CLI reads them: what "nothing changed" compares.
fn memory_state(s: &Server) -> (Value, Value) {
    (
        s.cli_json(&["list", "--json"]),
        s.cli_json(&["history", "--json"]),
    )
}

#[test]
fn the_printed_url_carries_a_token_that_every_api_request_needs() {
    let s = Server::start(&[]);
    assert!(s.base.starts_with("http://127.0.0.1:"), "{}", s.url);
    assert_eq!(s.token.len(), 64);

    // the page itself holds no data and needs no token
    let page = s.send("GET", "/", &[], None);
    assert_eq!(page.status, 200);
    assert!(page.text.contains("<script src=\"/app.js\""));
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("default-src 'none'")
    );

    let none = s.send("GET", "/api/documents", &[], None);
    assert_eq!(none.status, 401);
    assert!(none.error().contains("missing token"));
    let wrong = s.send("GET", "/api/documents", &[("X-Bitext-Token", "0123")], None);
    assert_eq!(wrong.status, 401);
    assert!(wrong.error().contains("wrong token"));
    let bearer = format!("Bearer {}", s.token);
    let ok = s.send("GET", "/api/documents", &[("Authorization", &bearer)], None);
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body[0]["name"], "kazakhstan-2022");
    assert_eq!(ok.body[0]["units"], 18);
    assert_eq!(ok.body[0]["statuses"]["draft"], 18);

    // a change without the token changes nothing
    let before = memory_state(&s);
    let refused = s.send(
        "PATCH",
        "/api/units/3",
        &[],
        Some(r#"{"status":"approved"}"#.into()),
    );
    assert_eq!(refused.status, 401);
    assert_eq!(memory_state(&s), before);
    // and no answer carries CORS headers
    for a in [&page, &none, &ok, &refused] {
        assert!(
            a.headers
                .iter()
                .all(|(n, _)| !n.starts_with("access-control-")),
            "{:?}",
            a.headers
        );
    }
}

#[test]
fn another_host_or_origin_is_refused() {
    let s = Server::start(&[]);
    let port = s.base.rsplit(':').next().unwrap().to_string();
    let token = s.token.clone();
    let evil = format!("evil.example:{port}");
    let a = s.send(
        "GET",
        "/api/documents",
        &[("Host", &evil), ("X-Bitext-Token", &token)],
        None,
    );
    assert_eq!(a.status, 403, "{}", a.text);
    assert!(
        a.error().contains("answers only to 127.0.0.1:"),
        "{}",
        a.error()
    );
    // the page too: a rebinding page must not even read the script
    assert_eq!(s.send("GET", "/", &[("Host", &evil)], None).status, 403);
    let local = format!("localhost:{port}");
    let ok = s.send(
        "GET",
        "/api/info",
        &[("Host", &local), ("X-Bitext-Token", &token)],
        None,
    );
    assert_eq!(ok.status, 200);

    let before = memory_state(&s);
    let a = s.send(
        "PATCH",
        "/api/units/3",
        &[
            ("Origin", "http://evil.example"),
            ("X-Bitext-Token", &token),
        ],
        Some(r#"{"status":"approved"}"#.into()),
    );
    assert_eq!(a.status, 403);
    assert!(a.error().contains("another site"));
    assert_eq!(memory_state(&s), before);
}

#[test]
fn read_only_refuses_every_change() {
    let s = Server::start(&["--read-only"]);
    assert_eq!(s.get("/api/info").body["read_only"], true);
    assert_eq!(s.get("/api/units/3").status, 200);
    let before = memory_state(&s);
    for (method, path, body) in [
        ("PATCH", "/api/units/3", Some(json!({"status": "approved"}))),
        (
            "POST",
            "/api/units/3/split",
            Some(json!({"source_at": 1, "target_at": 1})),
        ),
        ("POST", "/api/units/3/merge", Some(json!({"with": 4}))),
        ("DELETE", "/api/units/3", None),
        ("POST", "/api/undo", Some(json!({}))),
    ] {
        let a = s.call(method, path, body);
        assert_eq!(a.status, 403, "{method} {path}");
        assert!(a.error().contains("read-only"));
    }
    assert_eq!(memory_state(&s), before);
}

/// A request (method, path, headers, body) and the status it must get.
type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a str, u16);

#[test]
fn malformed_requests_get_a_json_error_and_change_nothing() {
    let s = Server::start(&[]);
    let token = s.token.clone();
    let before = memory_state(&s);
    let auth = [("X-Bitext-Token", token.as_str())];
    let cases: [Case; 6] = [
        ("PATCH", "/api/units/3", &auth, "{not json", 400),
        (
            "PATCH",
            "/api/units/3",
            &auth,
            r#"{"status": "approvd"}"#,
            422,
        ),
        ("PATCH", "/api/units/3", &auth, r#"{"colour": "red"}"#, 422),
        (
            "POST",
            "/api/units/3/split",
            &auth,
            r#"{"source_at": "one"}"#,
            422,
        ),
        (
            "PATCH",
            "/api/units/3",
            &[
                ("X-Bitext-Token", token.as_str()),
                ("Content-Type", "text/plain"),
            ],
            r#"{"status": "approved"}"#,
            415,
        ),
        (
            "PATCH",
            "/api/units/x3",
            &auth,
            r#"{"status": "approved"}"#,
            400,
        ),
    ];
    for (method, path, headers, body, status) in cases {
        let a = s.send(method, path, headers, Some(body.to_string()));
        assert_eq!(a.status, status, "{method} {path} {body}: {}", a.text);
        assert!(!a.error().is_empty());
        assert_eq!(a.header("content-type"), Some("application/json"));
    }
    // requests the memory cannot carry out
    let a = s.call(
        "PATCH",
        "/api/units/999",
        Some(json!({"status": "approved"})),
    );
    assert_eq!(a.status, 404);
    assert_eq!(a.error(), "no unit with id 999");
    let a = s.call("PATCH", "/api/units/3", Some(json!({})));
    assert_eq!(a.status, 422);
    assert!(a.error().starts_with("nothing to change"));
    let a = s.call(
        "POST",
        "/api/units/3/split",
        Some(json!({"source_at": 5, "target_at": 1})),
    );
    assert_eq!(a.status, 422);
    assert!(a.error().contains("outside unit 3"), "{}", a.error());
    let a = s.get("/api/documents/kazakhstan-2022/units?status=done");
    assert_eq!(a.status, 422);
    assert!(a.error().contains("unknown status 'done'"));
    let a = s.get("/api/documents/kazakhstan-2022/units?colour=red");
    assert_eq!(a.status, 400);
    assert_eq!(s.get("/api/documents/nowhere/units").status, 404);
    assert_eq!(s.get("/api/nothing-here").status, 404);
    assert_eq!(memory_state(&s), before);
}

#[test]
fn a_change_through_the_api_is_a_change_of_the_history_the_cli_sees() {
    let s = Server::start(&["--user", "reviewer"]);
    let unit = s.get("/api/units/3").body;
    let revision = unit["revision"].as_i64().unwrap();
    let a = s.call(
        "PATCH",
        "/api/units/3",
        Some(json!({"revision": revision, "status": "approved", "note": "checked <b>&</b>"})),
    );
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["change"]["kind"], "edit");
    assert_eq!(a.body["units"][0]["status"], "approved");
    assert_eq!(a.body["units"][0]["revision"], revision + 1);

    let shown = s.cli_json(&["show", "3", "--json"]);
    assert_eq!(shown["status"], "approved");
    assert_eq!(shown["note"], "checked <b>&</b>");
    assert_eq!(shown["changed_by"], "reviewer");
    let history = s.cli_json(&["history", "--json"]);
    assert_eq!(history[0]["user"], "reviewer");
    assert_eq!(history[0]["summary"], "edit #3: status, note");

    // a CLI change is seen by the API, and the API's undo reverts the latest change
    s.bitext()
        .args(["edit", "4", "--status", "rejected"])
        .assert()
        .success();
    assert_eq!(s.get("/api/units/4").body["status"], "rejected");
    let a = s.call("POST", "/api/undo", Some(json!({})));
    assert_eq!(a.status, 200);
    assert_eq!(a.body["change"]["kind"], "undo");
    assert_eq!(s.cli_json(&["show", "4", "--json"])["status"], "draft");
    let history = s.cli_json(&["history", "--json"]);
    assert_eq!(history[0]["user"], "reviewer");
    assert_eq!(history[0]["undoes"], history[1]["id"]);
}

#[test]
fn a_change_from_a_stale_revision_is_refused_with_the_unit_as_it_now_is() {
    let s = Server::start(&[]);
    let old = s.get("/api/units/5").body;
    // someone else changes the pair (another tab, or the command line)
    s.bitext()
        .args(["edit", "5", "--note", "seen by Sara"])
        .assert()
        .success();
    let a = s.call(
        "PATCH",
        "/api/units/5",
        Some(json!({"revision": old["revision"], "target": "Overwritten."})),
    );
    assert_eq!(a.status, 409, "{}", a.text);
    assert!(a.error().contains("was changed since you read it"));
    assert_eq!(a.body["unit"]["note"], "seen by Sara");
    assert_eq!(a.body["unit"]["target"], old["target"]);
    let shown = s.cli_json(&["show", "5", "--json"]);
    assert_eq!(shown["target"], old["target"]);
    // the history holds the align and the CLI's edit, nothing of the refused change
    assert_eq!(
        s.cli_json(&["history", "--json"]).as_array().unwrap().len(),
        2
    );
    // with the revision it now has, the change goes through
    let a = s.call(
        "PATCH",
        "/api/units/5",
        Some(json!({"revision": a.body["unit"]["revision"], "status": "reviewed"})),
    );
    assert_eq!(a.status, 200);
    // split and merge check the revisions they are given too
    let a = s.call(
        "POST",
        "/api/units/5/merge",
        Some(json!({"revision": old["revision"], "with": 6})),
    );
    assert_eq!(a.status, 409);
}

#[test]
fn split_merge_and_delete_through_the_api() {
    let s = Server::start(&[]);
    // unit 17 holds one Arabic sentence and two English ones
    let sentences = s.get("/api/units/17/sentences").body;
    assert_eq!(sentences["source"].as_array().unwrap().len(), 1);
    assert_eq!(sentences["target"].as_array().unwrap().len(), 2);
    let unit = s.get("/api/units/17").body;
    let a = s.call(
        "POST",
        "/api/units/17/split",
        Some(json!({"revision": unit["revision"], "source_at": 1, "target_at": 1})),
    );
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["change"]["kind"], "split");
    let new_id = a.body["units"][1]["id"].as_i64().unwrap();
    assert_eq!(a.body["units"][1]["source"], "");
    assert_eq!(
        s.cli_json(&["list", "--json"]).as_array().unwrap().len(),
        19
    );

    let a = s.call("POST", "/api/units/17/merge", Some(json!({"with": new_id})));
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["units"][0]["target"], unit["target"]);
    assert_eq!(
        s.cli_json(&["list", "--json"]).as_array().unwrap().len(),
        18
    );

    let a = s.call("DELETE", "/api/units/18", None);
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["change"]["kind"], "delete");
    assert_eq!(s.get("/api/units/18").status, 404);
    assert_eq!(s.call("POST", "/api/undo", Some(json!({}))).status, 200);
    assert_eq!(s.cli_json(&["show", "18", "--json"])["id"], 18);
    let kinds: Vec<Value> = s
        .cli_json(&["history", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].clone())
        .collect();
    assert_eq!(kinds, ["undo", "delete", "merge", "split", "align"]);
}

#[test]
fn listing_pages_filters_and_sorts() {
    let s = Server::start(&[]);
    let list = |q: &str| s.get(&format!("/api/documents/kazakhstan-2022/units?{q}"));
    let ids = |a: &server::Answer| -> Vec<i64> {
        a.body["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_i64().unwrap())
            .collect()
    };
    let a = list("limit=5");
    assert_eq!(ids(&a), [1, 2, 3, 4, 5]);
    assert_eq!(a.body["more"], true);
    let a = list("offset=15&limit=5");
    assert_eq!(ids(&a), [16, 17, 18]);
    assert_eq!(a.body["more"], false);
    assert!(a.body["units"][0]["revision"].is_i64());
    assert_eq!(a.body["total"], 18);

    s.bitext()
        .args(["edit", "2", "--status", "approved"])
        .assert()
        .success();
    s.bitext()
        .args(["edit", "9", "--status", "approved"])
        .assert()
        .success();
    let a = list("status=approved");
    assert_eq!(ids(&a), [2, 9]);
    assert_eq!(a.body["more"], false);
    assert_eq!(ids(&list("status=approved,rejected&limit=1")), [2]);

    // every score below 1.01, lowest first; the scores ascend
    let a = list("sort=attention&max_score=1.01&limit=18");
    assert_eq!(a.body["total"], 18);
    let scores: Vec<f64> = a.body["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["score"].as_f64().unwrap_or(-1.0))
        .collect();
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{scores:?}");
    // the text search is the concordance: Arabic words with their clitics, English words
    let a = list("q=Almaty");
    assert!(!ids(&a).is_empty());
    assert!(
        a.body["units"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["target"].as_str().unwrap().contains("Almaty"))
    );
    let a = list("q=%D8%A3%D9%84%D9%85%D8%A7%D8%AA%D9%8A"); // ألماتي
    assert!(ids(&a).contains(&3), "{}", a.text);

    let a = list("flagged=maybe");
    assert_eq!(a.status, 400, "{}", a.text);
}

#[test]
fn lookup_concordance_similar_and_history() {
    let s = Server::start(&[]);
    let a = s.get("/api/lookup?text=Tokayev%20said%20that%20200,000%20bandits%20had%20attacked%20Almaty,%20which%20has%20been%20the%20centre%20of%20protests&min=50");
    assert_eq!(a.status, 200, "{}", a.text);
    let best = &a.body[0];
    assert_eq!(best["id"], 3);
    assert!(best["score"].as_u64().unwrap() >= 50);
    assert!(
        best["marked"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["differs"] == true)
    );
    let joined: String = best["marked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(joined, best["target"].as_str().unwrap());

    let a = s.get("/api/concordance?q=%22security%20forces%22");
    assert_eq!(a.status, 200);
    assert!(a.body.as_array().unwrap().iter().any(|h| h["id"] == 1));
    assert_eq!(s.get("/api/concordance?q=%21%21").status, 422);

    // a unit is never its own similar pair
    let a = s.get("/api/units/3/similar");
    assert_eq!(a.status, 200);
    assert!(a.body.as_array().unwrap().iter().all(|m| m["id"] != 3));

    // the history starts with the align that stored the article
    let h = s.get("/api/history").body;
    assert_eq!(h.as_array().unwrap().len(), 1);
    assert_eq!(h[0]["kind"], "align");
    s.bitext()
        .args(["edit", "3", "--note", "x"])
        .assert()
        .success();
    let h = s.get("/api/history?unit=3").body;
    assert_eq!(h[0]["summary"], "edit #3: note");
    assert_eq!(s.get("/api/history?unit=4").body, json!([]));
}

#[test]
fn realign_holds_the_approved_pairs_and_puts_the_pairs_between_them_right() {
    let s = Server::start(&["--user", "reviewer"]);
    let alignment = |s: &Server| -> Vec<Value> {
        s.cli_json(&["list", "--json"])
            .as_array()
            .unwrap()
            .iter()
            .map(|u| json!([u["source_sentences"], u["target_sentences"]]))
            .collect()
    };
    let gold = alignment(&s);
    // the English shifted by one sentence over units 7 to 11, and the pairs around approved
    for id in ["8", "9", "10", "11"] {
        s.bitext()
            .args(["move", id, "--target", "--to", "previous"])
            .assert()
            .success();
    }
    s.bitext()
        .args(["edit", "6", "12", "--status", "approved"])
        .assert()
        .success();
    let path = "/api/documents/kazakhstan-2022/realign";
    let a = s.call("POST", path, Some(json!({})));
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["change"]["kind"], "realign");
    assert_eq!(a.body["change"]["user"], "reviewer");
    assert_eq!(
        (&a.body["fixed"], &a.body["added"], &a.body["removed"]),
        (&json!(2), &json!(5), &json!(5))
    );
    assert_eq!(a.body["units"].as_array().unwrap().len(), 5);
    assert_eq!(alignment(&s), gold);
    assert_eq!(s.cli_json(&["history", "--json"])[0]["kind"], "realign");
    // again: nothing to change, nothing recorded
    let state = memory_state(&s);
    let a = s.call("POST", path, Some(json!({"from": 3})));
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["change"], Value::Null);
    assert_eq!(memory_state(&s), state);
    // refusals change nothing
    for (path, body, status, needle) in [
        (
            "/api/documents/nope/realign",
            json!({}),
            404,
            "no document named 'nope'",
        ),
        (path, json!({"from": 999}), 404, "no unit with id 999"),
        (path, json!({"form": 3}), 422, "unknown field"),
    ] {
        let a = s.call("POST", path, Some(body));
        assert_eq!(a.status, status, "{}", a.text);
        assert!(a.error().contains(needle), "{}", a.error());
    }
    assert_eq!(memory_state(&s), state);
}

#[test]
fn a_sentence_moves_to_the_neighbouring_pair() {
    let s = Server::start(&["--user", "reviewer"]);
    // pair 4 (Arabic 3, English 3-4): its last English sentence goes to pair 5
    let before = s.get("/api/units/4").body;
    let a = s.call(
        "POST",
        "/api/units/4/move",
        Some(json!({"revision": before["revision"], "side": "target", "direction": "next"})),
    );
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["change"]["kind"], "move");
    let after = s.cli_json(&["show", "4", "--json"]);
    assert_eq!(after["target_sentences"], json!([3]));
    let next = s.cli_json(&["show", "5", "--json"]);
    assert_eq!(next["target_sentences"], json!([4, 5]));
    assert_eq!(s.cli_json(&["history", "--json"])[0]["user"], "reviewer");
    // from the revision it had before, the same move is refused and changes nothing
    let state = memory_state(&s);
    let a = s.call(
        "POST",
        "/api/units/4/move",
        Some(json!({"revision": before["revision"], "side": "target", "direction": "next"})),
    );
    assert_eq!(a.status, 409, "{}", a.text);
    assert_eq!(a.body["unit"]["target_sentences"], json!([3]));
    // a malformed request is refused as malformed
    let a = s.call(
        "POST",
        "/api/units/3/move",
        Some(json!({"side": "middle", "direction": "next"})),
    );
    assert_eq!(a.status, 422);
    assert_eq!(memory_state(&s), state);
}

#[test]
fn bulk_approval_is_one_change_that_undo_reverts() {
    let s = Server::start(&[]);
    let a = s.call(
        "POST",
        "/api/documents/kazakhstan-2022/bulk",
        Some(json!({"status": "approved", "selection": {"min_score": 0.9}})),
    );
    assert_eq!(a.status, 200, "{}", a.text);
    let approved = a.body["selected"].as_u64().unwrap();
    assert!(approved > 10, "{}", a.text);
    assert_eq!(a.body["skipped"], 0);
    assert_eq!(a.body["change"]["kind"], "edit");
    let listed = s.cli_json(&["list", "--status", "approved", "--json"]);
    assert_eq!(listed.as_array().unwrap().len() as u64, approved);
    // again: every pair already approved, nothing recorded
    let a = s.call(
        "POST",
        "/api/documents/kazakhstan-2022/bulk",
        Some(json!({"status": "approved", "selection": {"min_score": 0.9}})),
    );
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["skipped"].as_u64().unwrap(), approved);
    assert!(a.body["change"].is_null());
    // one undo takes every approval back
    assert_eq!(s.call("POST", "/api/undo", Some(json!({}))).status, 200);
    let listed = s.cli_json(&["list", "--status", "approved", "--json"]);
    assert_eq!(listed, json!([]));
}

#[test]
fn serve_refuses_a_missing_memory_and_a_taken_port() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = common::bitext(dir.path(), &dir.path().join("none.db"))
        .args(["serve", "--port", "0"])
        .assert()
        .code(1);
    common::one_line_error(out.get_output(), &["no translation memory at"]);
    assert!(!dir.path().join("none.db").exists());

    let s = Server::start(&[]);
    let port = s.base.rsplit(':').next().unwrap().to_string();
    let out = s.bitext().args(["serve", "--port", &port]).assert().code(1);
    common::one_line_error(out.get_output(), &["cannot listen on 127.0.0.1:", &port]);
}

#[test]
fn the_html_report_is_self_contained_escaped_and_printable() {
    let s = Server::start(&[]);
    s.bitext()
        .args([
            "edit",
            "2",
            "--note",
            "<script>alert('x')</script>",
            "--status",
            "approved",
        ])
        .assert()
        .success();
    s.bitext()
        .args([
            "edit",
            "4",
            "--target",
            "He wrote <img src=x onerror=alert(1)> & left.",
        ])
        .assert()
        .success();
    let out = s
        .bitext()
        .args(["report", "--html", "--document", "kazakhstan-2022"])
        .assert()
        .success();
    let html = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "unescaped markup"
    );
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    // (the target's "(1)" has no counterpart in the source: a finding marks it)
    assert!(
        html.contains(
            "&lt;img src=x onerror=alert<mark class=\"error\">(1)</mark>&gt; &amp; left."
        )
    );
    for external in [
        "http://", "https://", "src=\"", "href=\"", "url(", "@import",
    ] {
        assert!(!html.contains(external), "external reference {external}");
    }
    assert!(html.contains("<th scope=\"row\">Pairs</th><td>18</td>"));
    assert!(html.contains("<th scope=\"row\">Approved</th><td>1</td>"));
    assert!(html.contains("@page { size: A4"));
    assert!(html.contains("break-inside: avoid"));
    assert_eq!(
        html.matches("<td class=\"text\" dir=\"rtl\" lang=\"ar\">")
            .count(),
        18
    );
    assert_eq!(html.matches("<tr id=\"u").count(), 18);

    // filters as list's; a file written whole
    s.bitext()
        .args([
            "report",
            "--html",
            "--status",
            "approved",
            "-o",
            "approved.html",
        ])
        .assert()
        .success()
        .stderr("wrote 1 pair to approved.html\n");
    let file = std::fs::read_to_string(s.path().join("approved.html")).unwrap();
    assert_eq!(file.matches("<tr id=\"u").count(), 1);
    let low = s
        .bitext()
        .args(["report", "--html", "--max-score", "0.0001"])
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&low.get_output().stdout).contains("No pair matches."));

    let out = s
        .bitext()
        .args(["report", "--document", "x"])
        .assert()
        .code(2);
    common::one_line_error(out.get_output(), &["--html"]);
    let out = s
        .bitext()
        .args(["report", "--html", "--document", "nowhere"])
        .assert()
        .code(1);
    common::one_line_error(out.get_output(), &["no document named 'nowhere'"]);
    let db = s.db().display().to_string();
    let out = s
        .bitext()
        .args(["report", "--html", "-o", &db])
        .assert()
        .code(1);
    common::one_line_error(out.get_output(), &["the memory itself"]);
}

/// Two slips a reviewer must be shown: a number changed in #6's English, and #9's target left
/// in Arabic.
fn two_slips(s: &Server) -> (String, String) {
    let six = s.cli_json(&["show", "6", "--json"])["target"]
        .as_str()
        .unwrap()
        .replacen("26", "29", 1);
    s.bitext()
        .args(["edit", "6", "--target", &six])
        .assert()
        .success();
    let nine = "وتضمّ القوة المرسَلة حوالي 2,500 جندي.".to_string();
    s.bitext()
        .args(["edit", "9", "--target", &nine])
        .assert()
        .success();
    (six, nine)
}

fn ids(a: &server::Answer) -> Vec<i64> {
    a.body["units"]
        .as_array()
        .unwrap_or_else(|| panic!("no units in {}", a.text))
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn each_pair_carries_its_qa_findings_and_the_check_route_lists_them() {
    let s = Server::start(&[]);
    // the article as translated: a check with no finding
    let a = s.get("/api/check?document=kazakhstan-2022");
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["qa"]["current"], true);
    assert_eq!(a.body["findings"], json!([]));
    let (six, _) = two_slips(&s);

    // /api/check waits for a check of the memory as it now is
    let a = s.get("/api/check?document=kazakhstan-2022");
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["qa"]["current"], true);
    assert!(a.body["qa"]["checked_at"].is_string());
    let found = a.body["findings"].as_array().unwrap();
    let kinds: Vec<(i64, &str, &str)> = found
        .iter()
        .map(|f| {
            (
                f["id"].as_i64().unwrap(),
                f["kind"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (6, "number_mismatch", "error"),
            (9, "untranslated", "error")
        ]
    );
    // the same findings as the command line's, spans as byte offsets into the texts
    let cli = s.cli_json(&["check", "--json"]);
    for (api, cli) in found.iter().zip(cli.as_array().unwrap()) {
        for field in ["id", "kind", "message", "source_spans", "target_spans"] {
            assert_eq!(api[field], cli[field], "{field}");
        }
    }
    let span = &found[0]["target_spans"][0];
    let (start, end) = (
        span[0].as_u64().unwrap() as usize,
        span[1].as_u64().unwrap() as usize,
    );
    assert_eq!(&six[start..end], "29");
    assert_eq!(found[0]["revision"], s.get("/api/units/6").body["revision"]);

    // every unit carries its findings: [] for a clean pair
    let a = s.get("/api/documents/kazakhstan-2022/units");
    let units = a.body["units"].as_array().unwrap();
    assert_eq!(units[5]["findings"][0]["kind"], "number_mismatch");
    assert_eq!(
        units[5]["findings"][0]["target_spans"],
        json!([[start, end]])
    );
    assert_eq!(units[0]["findings"], json!([]));
    assert_eq!(a.body["qa"]["current"], true);
    assert_eq!(
        s.get("/api/units/9").body["findings"][0]["kind"],
        "untranslated"
    );

    // the documents page counts the pairs with findings
    let d = &s.get("/api/documents").body[0];
    assert_eq!(
        d["findings"],
        json!({"pairs": 2, "error": 2, "warning": 0, "info": 0})
    );

    // the whole memory, and refusals
    let a = s.get("/api/check?wait=0");
    assert_eq!(a.status, 200);
    assert_eq!(s.get("/api/check?document=nowhere").status, 404);
    assert_eq!(s.get("/api/check?colour=red").status, 400);
    assert_eq!(s.get("/api/check/state").body["current"], true);
}

#[test]
fn pairs_are_filtered_and_ordered_by_their_findings() {
    let s = Server::start(&[]);
    two_slips(&s);
    let list = |q: &str| s.get(&format!("/api/documents/kazakhstan-2022/units?{q}"));
    let a = list("flagged=true");
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(ids(&a), [6, 9]);
    assert_eq!(a.body["total"], 2);
    assert_eq!(a.body["qa"]["current"], true);
    let a = list("flagged=false&limit=5");
    assert_eq!(ids(&a), [1, 2, 3, 4, 5]);
    assert_eq!(a.body["total"], 16);
    assert_eq!(a.body["more"], true);
    assert!(
        a.body["units"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["findings"] == json!([]))
    );
    // with the other filters: flagged pairs scoring at least 0.9, then a text search
    assert_eq!(
        ids(&list("flagged=true&min_score=0.9&status=draft")),
        [6, 9]
    );
    assert_eq!(ids(&list("flagged=true&q=Interior")), [6]);
    assert_eq!(
        ids(&list("flagged=true&status=approved")),
        Vec::<i64>::new()
    );

    // needs attention first: pairs with an error finding first, then the lowest score
    let a = list("sort=attention&limit=18");
    let order = ids(&a);
    let mut first = order[..2].to_vec();
    first.sort();
    assert_eq!(first, [6, 9], "{order:?}");
    assert_eq!(a.body["total"], 18);
    let units = a.body["units"].as_array().unwrap();
    let scores = |part: &[Value]| -> Vec<f64> {
        part.iter()
            .map(|u| u["score"].as_f64().unwrap_or(f64::MAX))
            .collect()
    };
    for part in [&units[..2], &units[2..]] {
        let s = scores(part);
        assert!(s.windows(2).all(|w| w[0] <= w[1]), "{order:?}: {s:?}");
    }
    // and it pages
    assert_eq!(ids(&list("sort=attention&offset=1&limit=2")), order[1..3]);

    // the reviewer fixes #6 in the page: its finding goes, the order follows
    let unit = s.get("/api/units/6").body;
    let fixed = unit["target"].as_str().unwrap().replacen("29", "26", 1);
    let a = s.call(
        "PATCH",
        "/api/units/6",
        Some(json!({"revision": unit["revision"], "target": fixed})),
    );
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(ids(&list("flagged=true")), [9]);
    assert_eq!(s.get("/api/units/6").body["findings"], json!([]));
}

#[test]
fn bulk_approval_leaves_out_pairs_with_findings_and_says_what_it_did() {
    let s = Server::start(&[]);
    two_slips(&s);
    let bulk = || {
        s.call(
            "POST",
            "/api/documents/kazakhstan-2022/bulk",
            Some(json!({"status": "approved", "selection": {"min_score": 0.9, "flagged": false}})),
        )
    };
    let a = bulk();
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["with_findings"], 2);
    assert_eq!(a.body["unchecked"], 0);
    assert_eq!(a.body["skipped"], 0);
    let approved = a.body["selected"].as_u64().unwrap();
    assert!(approved >= 10, "{}", a.text);
    assert_eq!(a.body["change"]["kind"], "edit");
    let listed: Vec<i64> = s
        .cli_json(&["list", "--status", "approved", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed.len() as u64, approved);
    assert!(!listed.contains(&6) && !listed.contains(&9), "{listed:?}");
    // again: nothing to change, and the answer says so
    let a = bulk();
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(a.body["change"].is_null());
    assert_eq!(a.body["skipped"].as_u64().unwrap(), approved);
    assert_eq!(a.body["with_findings"], 2);
    assert_eq!(
        s.cli_json(&["history", "--json"]).as_array().unwrap().len(),
        4
    );
}

//! The review page in a real browser: headless Chromium driven through WebDriver
//! (chromedriver, fantoccini), against `bitext serve` on the shipped article. After each step,
//! `bitext show` / `history` (the binary) confirm what the memory holds.
//!
//! One browser session runs every step, to keep the time small. When chromedriver is missing
//! the test prints a notice and passes, unless `BITEXT_REQUIRE_BROWSER=1` (as `.ci/run` sets).
//! With `BITEXT_SCREENSHOT=FILE` it also saves a screenshot of the review page (how
//! `docs/review-page.png` is made: see the README).

#[path = "common/browser.rs"]
mod browser;
mod common;
#[path = "common/server.rs"]
mod server;

use std::time::{Duration, Instant};

use browser::{chromedriver, connect, start_driver};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use server::Server;

/// The page's JavaScript value of `expression`.
async fn js(c: &Client, expression: &str) -> Value {
    c.execute(&format!("return ({expression});"), vec![])
        .await
        .unwrap_or_else(|e| panic!("{expression}: {e}"))
}

/// Waits (up to 10 s) until `expression` is true in the page.
async fn until(c: &Client, expression: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if js(c, expression).await == json!(true) {
            return;
        }
        if Instant::now() > deadline {
            let message = js(c, "document.querySelector('#message').textContent").await;
            panic!("timed out waiting for {expression} (message: {message})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Presses keys one after the other, as a person at the keyboard.
async fn press(c: &Client, keys: &str) {
    let mut actions = KeyActions::new("keyboard".into());
    for k in keys.chars() {
        actions = actions
            .then(KeyAction::Down { value: k })
            .then(KeyAction::Up { value: k });
    }
    c.perform_actions(actions).await.unwrap();
}

/// Clears the status line, runs `act`, and returns the status line once it says something.
async fn message_after(c: &Client, keys: &str) -> String {
    js(
        c,
        "(document.querySelector('#message').textContent = '', true)",
    )
    .await;
    press(c, keys).await;
    until(c, "document.querySelector('#message').textContent !== ''").await;
    js(c, "document.querySelector('#message').textContent")
        .await
        .as_str()
        .unwrap()
        .to_string()
}

async fn select_unit(c: &Client, id: i64) {
    js(
        c,
        &format!("(document.querySelector('#pair-rows tr[data-id=\"{id}\"]').scrollIntoView({{block: 'center'}}), true)"),
    )
    .await;
    c.find(Locator::Css(&format!(
        "#pair-rows tr[data-id=\"{id}\"] td.meta"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    until(
        c,
        &format!("document.querySelector('tr.selected').dataset.id === '{id}'"),
    )
    .await;
}

async fn rows(c: &Client) -> usize {
    js(c, "document.querySelectorAll('#pair-rows tr').length")
        .await
        .as_u64()
        .unwrap() as usize
}

#[test]
fn review_in_a_real_browser() {
    let Some(driver_path) = chromedriver() else {
        if std::env::var("BITEXT_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!(
                "chromedriver is missing and BITEXT_REQUIRE_BROWSER=1 (apt-get install chromium chromium-driver)"
            );
        }
        eprintln!(
            "notice: chromedriver not found; the browser test is skipped (apt-get install chromium chromium-driver)"
        );
        return;
    };
    let s = Server::start(&["--user", "reviewer"]);
    // markup in the data must show as text, never run
    s.bitext()
        .args(["edit", "1", "--note", "<script>window.pwned = 1</script>"])
        .assert()
        .success();
    s.bitext()
        .args([
            "edit",
            "6",
            "--target",
            "<img src=x onerror=\"window.pwned = 2\"> was here.",
        ])
        .assert()
        .success();
    let driver = start_driver(&driver_path);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let c = connect(&driver).await;
        review(&c, &s).await;
        c.close().await.unwrap();
    });
}

async fn review(c: &Client, s: &Server) {
    // the documents page, then the article's document
    c.goto(&s.url).await.unwrap();
    until(c, "document.body.dataset.ready === 'true'").await;
    assert_eq!(
        js(c, "location.hash").await,
        "#/",
        "the token leaves the address bar"
    );
    let link = c.find(Locator::Css("#documents a")).await.unwrap();
    assert_eq!(link.text().await.unwrap(), "kazakhstan-2022");
    link.click().await.unwrap();
    until(
        c,
        "document.querySelectorAll('#pair-rows tr').length === 18",
    )
    .await;

    // the Arabic is right to left, in its own column on the right, isolated; the English not
    assert_eq!(
        js(
            c,
            "getComputedStyle(document.querySelector('#pair-rows td[lang=ar]')).direction"
        )
        .await,
        "rtl"
    );
    assert_eq!(
        js(
            c,
            "getComputedStyle(document.querySelector('#pair-rows td[lang=ar] .t')).unicodeBidi"
        )
        .await,
        "isolate"
    );
    assert_eq!(
        js(
            c,
            "getComputedStyle(document.querySelector('#pair-rows td[lang=en]')).direction"
        )
        .await,
        "ltr"
    );
    assert_eq!(
        js(
            c,
            "document.querySelector('#pair-rows tr').lastElementChild.lang"
        )
        .await,
        "ar"
    );
    // markup from the memory is text
    assert_eq!(js(c, "window.pwned === undefined").await, true);
    assert_eq!(
        js(
            c,
            "document.querySelectorAll('#pair-rows img, #pair-rows script').length"
        )
        .await,
        0
    );
    assert_eq!(
        js(
            c,
            "document.querySelector('tr[data-id=\"1\"] .note').textContent"
        )
        .await,
        "<script>window.pwned = 1</script>"
    );

    // approve pair 2 with the keyboard: the first pair is selected, j moves down, a approves
    until(
        c,
        "document.querySelector('tr.selected').dataset.id === '1'",
    )
    .await;
    let said = message_after(c, "ja").await;
    assert!(said.starts_with("Change"), "{said}");
    let shown = s.cli_json(&["show", "2", "--json"]);
    assert_eq!(shown["status"], "approved");
    assert_eq!(shown["changed_by"], "reviewer");
    assert_eq!(
        js(
            c,
            "document.querySelector('tr[data-id=\"2\"] .status').textContent"
        )
        .await,
        "approved"
    );

    // the side panel shows similar pairs of the memory (none this close in one article is fine)
    until(
        c,
        "!document.querySelector('#similar').textContent.startsWith('Looking')",
    )
    .await;

    // edit the English of pair 2 inline: e, type, Enter
    press(c, "e").await;
    let area = c
        .find(Locator::Css("tr.selected textarea.editing"))
        .await
        .unwrap();
    assert_eq!(area.attr("lang").await.unwrap().as_deref(), Some("en"));
    area.clear().await.unwrap();
    area.send_keys("In the early hours of Friday, shots rang out in Almaty.")
        .await
        .unwrap();
    let said = message_after(c, "\u{e007}").await;
    assert!(said.contains("edit #2: target"), "{said}");
    assert_eq!(
        s.cli_json(&["show", "2", "--json"])["target"],
        "In the early hours of Friday, shots rang out in Almaty."
    );

    // split pair 17 (one Arabic sentence, two English): keep 1 + 1, the rest a new pair
    select_unit(c, 17).await;
    press(c, "s").await;
    until(c, "document.querySelector('#split-dialog').open").await;
    assert_eq!(
        js(
            c,
            "document.querySelectorAll('input[name=split-target]').length"
        )
        .await,
        3
    );
    c.find(Locator::Css("#split-ok"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        c,
        "document.querySelectorAll('#pair-rows tr').length === 19",
    )
    .await;
    assert_eq!(
        s.cli_json(&["list", "--json"]).as_array().unwrap().len(),
        19
    );
    assert_eq!(s.cli_json(&["history", "--json"])[0]["kind"], "split");

    // merge it back with m
    until(
        c,
        "document.querySelector('tr.selected').dataset.id === '17'",
    )
    .await;
    let said = message_after(c, "m").await;
    assert!(said.contains("merge #17"), "{said}");
    assert_eq!(rows(c).await, 18);
    assert_eq!(
        s.cli_json(&["list", "--json"]).as_array().unwrap().len(),
        18
    );

    // move the last English sentence of pair 17 to the next pair
    let before = s.cli_json(&["list", "--json"]);
    let said = message_after(c, "]").await;
    let after = s.cli_json(&["list", "--json"]);
    assert_ne!(after, before, "{said}");
    let unit17 = &after.as_array().unwrap()[16];
    assert_eq!(
        unit17["target_sentences"].as_array().unwrap().len(),
        1,
        "{said}"
    );

    // undo with u: the latest change in effect is reverted, by the reviewer
    let latest = s.cli_json(&["history", "--json"])[0]["id"].clone();
    let said = message_after(c, "u").await;
    assert!(said.starts_with("Undone"), "{said}");
    let history = s.cli_json(&["history", "--json"]);
    assert_eq!(history[0]["kind"], "undo");
    assert_eq!(history[0]["undoes"], latest);
    assert_eq!(history[0]["user"], "reviewer");

    // a stale revision: pair 5 changes elsewhere while the page shows it
    select_unit(c, 5).await;
    s.bitext()
        .args(["edit", "5", "--note", "changed in another tab"])
        .assert()
        .success();
    let said = message_after(c, "a").await;
    assert!(said.contains("was changed since you read it"), "{said}");
    assert_eq!(s.cli_json(&["show", "5", "--json"])["status"], "draft");
    assert_eq!(
        js(
            c,
            "document.querySelector('tr[data-id=\"5\"] .note').textContent"
        )
        .await,
        "changed in another tab",
        "the page shows the pair as it now is"
    );

    // a screenshot of the review page, when asked for
    if let Some(path) = std::env::var_os("BITEXT_SCREENSHOT") {
        select_unit(c, 9).await;
        until(
            c,
            "!document.querySelector('#similar').textContent.startsWith('Looking')",
        )
        .await;
        js(c, "(document.querySelector('#message').textContent = '', document.querySelector('#message').className = '', true)").await;
        std::fs::write(path, c.screenshot().await.unwrap()).unwrap();
    }

    // a request without the token is refused, and a page opened without it says so
    let status = c
        .execute_async(
            "const done = arguments[0]; fetch('/api/documents').then(r => done(r.status));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(status, 401);
    js(c, "(sessionStorage.clear(), true)").await;
    c.goto(&format!("{}/", s.base)).await.unwrap();
    until(
        c,
        "document.querySelector('#message').textContent.startsWith('No token')",
    )
    .await;
}

//! The review page in a real browser: headless Chromium driven through WebDriver
//! (chromedriver, fantoccini), against `bitext serve` on the shipped article. After each step,
//! `bitext show` / `history` / `list` (the binary) confirm what the memory holds.
//!
//! The memory is what a reviewer meets: the article as aligned, an earlier bulletin of the same
//! news in the memory (one pair, its figures of the time), and a slip in the translation of
//! pair 6 (29 for 26) that the QA checks must point at. Markup in the data comes last, after the
//! screenshot, so that the screenshot shows nothing but a real review.
//!
//! One browser session runs every step, to keep the time small. When chromedriver is missing
//! the test prints a notice and passes, unless `BITEXT_REQUIRE_BROWSER=1` (as `.ci/run` sets).
//! With `BITEXT_SCREENSHOT=FILE` it also saves a screenshot of the review page at 1280×800 (how
//! `docs/review-page.png` is made: see the README), and with `BITEXT_SCREENSHOT_NARROW=FILE`
//! one of the same page in a window 600 pixels wide.

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

/// Clicks the element `css` names, scrolled to the middle of the window first (the sticky
/// header would take the click at the top).
async fn click(c: &Client, css: &str) {
    let quoted = serde_json::to_string(css).unwrap();
    js(
        c,
        &format!("(document.querySelector({quoted}).scrollIntoView({{block: 'center'}}), true)"),
    )
    .await;
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
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
    js(c, "document.querySelectorAll('#pair-rows tr.pair').length")
        .await
        .as_u64()
        .unwrap() as usize
}

/// The article's pairs, as `list` reads them.
fn article(s: &Server) -> Vec<Value> {
    s.cli_json(&["list", "--document", "kazakhstan-2022", "--json"])
        .as_array()
        .unwrap()
        .clone()
}

/// An earlier bulletin of the same news, stored in the memory before the article: the
/// Interior Ministry's figures of the time (the article's sentence with them).
const EARLIER: &str = r#"[{"source_lang": "ar", "target_lang": "en",
 "source": "وقالت وزارة الداخلية إن قوات الأمن عززت وجودها في كل أنحاء البلاد، وإن 18 \"مجرما مسلحا\" لقوا مصرعهم، بينما أصيب 12 في الاضطرابات.",
 "target": "The Interior Ministry said the security forces had stepped up their presence across the country and that 18 \"armed criminals\" had been killed, while 12 had been wounded in the unrest."}]"#;

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
    std::fs::write(s.path().join("earlier.json"), EARLIER).unwrap();
    s.bitext()
        .args([
            "import",
            "earlier.json",
            "--document",
            "kazakhstan-2022-earlier",
        ])
        .assert()
        .success();
    // the slip: 29 "armed criminals" in the English where the Arabic says 26
    let six = s.cli_json(&["show", "6", "--json"])["target"]
        .as_str()
        .unwrap()
        .to_string();
    s.bitext()
        .args(["edit", "6", "--target", &six.replacen("26", "29", 1)])
        .assert()
        .success();
    let driver = start_driver(&driver_path);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let c = connect(&driver).await;
        review(&c, &s, &six).await;
        c.close().await.unwrap();
    });
}

async fn review(c: &Client, s: &Server, six: &str) {
    // the documents page counts the pairs with findings; then the article's document
    c.goto(&s.url).await.unwrap();
    until(c, "document.body.dataset.ready === 'true'").await;
    assert_eq!(
        js(c, "location.hash").await,
        "#/",
        "the token leaves the address bar"
    );
    until(
        c,
        "[...document.querySelectorAll('#documents tr.document')].some((r) => r.cells[0].textContent === 'kazakhstan-2022' && r.cells[8].textContent.startsWith('1'))",
    )
    .await;
    c.find(Locator::LinkText("kazakhstan-2022"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        c,
        "document.querySelectorAll('#pair-rows tr.pair').length === 18",
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
            "document.querySelector('#pair-rows tr.pair').lastElementChild.lang"
        )
        .await,
        "ar"
    );

    // the finding of pair 6 beside it: severity, kind, message; the numbers marked in both
    // texts, inside the bidi-isolated text
    let finding = "document.querySelector('#pair-rows tr.findings[data-for=\"6\"]')";
    until(c, &format!("!!{finding}")).await;
    assert_eq!(
        js(c, &format!("{finding}.previousElementSibling.dataset.id")).await,
        "6"
    );
    assert_eq!(
        js(c, &format!("{finding}.querySelector('.sev').textContent")).await,
        "error"
    );
    assert_eq!(
        js(c, &format!("{finding}.querySelector('.kind').textContent")).await,
        "number_mismatch"
    );
    assert!(
        js(
            c,
            &format!("{finding}.querySelector('.message').textContent")
        )
        .await
        .as_str()
        .unwrap()
        .contains("'29' in the target")
    );
    for (lang, number) in [("en", "29"), ("ar", "26")] {
        let mark = format!(
            "document.querySelector('tr.pair[data-id=\"6\"] td[lang={lang}] bdi.t > mark.finding.error')"
        );
        assert_eq!(
            js(c, &format!("{mark}.textContent")).await,
            number,
            "{lang}"
        );
    }
    // the text around the mark is the stored text, whole
    assert_eq!(
        js(
            c,
            "document.querySelector('tr.pair[data-id=\"6\"] td[lang=en] bdi.t').textContent"
        )
        .await,
        six.replacen("26", "29", 1)
    );
    assert_eq!(
        js(
            c,
            "document.querySelectorAll('#pair-rows tr.findings').length"
        )
        .await,
        1
    );

    // approve pairs 1 to 5 with the keyboard, as a reviewer reading from the top: the first
    // pair is selected, a approves, j moves down
    until(
        c,
        "document.querySelector('tr.selected').dataset.id === '1'",
    )
    .await;
    let said = message_after(c, "a").await;
    assert!(said.starts_with("Change"), "{said}");
    for _ in 2..=5 {
        let said = message_after(c, "ja").await;
        assert!(said.starts_with("Change"), "{said}");
    }
    for id in ["1", "2", "5"] {
        let shown = s.cli_json(&["show", id, "--json"]);
        assert_eq!(shown["status"], "approved");
        assert_eq!(shown["changed_by"], "reviewer");
    }
    assert_eq!(
        js(
            c,
            "document.querySelector('tr[data-id=\"2\"] .status').textContent"
        )
        .await,
        "approved"
    );

    // f goes to the next pair flagged by QA; the side panel shows its finding and the similar
    // pair of the earlier bulletin, with the numbers that differ
    press(c, "f").await;
    until(
        c,
        "document.querySelector('tr.selected').dataset.id === '6'",
    )
    .await;
    until(c, "!!document.querySelector('#panel-findings .kind')").await;
    until(c, "!!document.querySelector('#similar .match')").await;
    let numbers = js(c, "document.querySelector('#similar .numbers').textContent").await;
    assert_eq!(numbers, "numbers: 26 → 12", "{numbers}");

    // the page at 1280×800 (the window's inside), and the screenshot of the review when asked
    // for: pairs 1 to 5 approved, pair 6 selected with its finding, the side panel beside it
    let frame = js(
        c,
        "[window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]",
    )
    .await;
    let (dw, dh) = (
        frame[0].as_u64().unwrap() as u32,
        frame[1].as_u64().unwrap() as u32,
    );
    c.set_window_size(1280 + dw, 800 + dh).await.unwrap();
    until(
        c,
        "window.innerWidth === 1280 && window.innerHeight === 800",
    )
    .await;
    assert_eq!(
        js(
            c,
            "document.documentElement.scrollWidth <= window.innerWidth"
        )
        .await,
        true,
        "nothing wider than the window at 1280×800"
    );
    if let Some(path) = std::env::var_os("BITEXT_SCREENSHOT") {
        js(c, "(document.querySelector('#message').textContent = '', document.querySelector('#message').className = '', true)").await;
        js(
            c,
            "(document.querySelector('tr.selected').scrollIntoView({block: 'end'}), window.scrollBy(0, 60), true)",
        )
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        std::fs::write(path, c.screenshot().await.unwrap()).unwrap();
    }
    // a narrow window: nothing wider than it, the side panel a sheet at the bottom
    c.set_window_size(600, 800).await.unwrap();
    until(
        c,
        "getComputedStyle(document.querySelector('#panel')).position === 'fixed'",
    )
    .await;
    assert_eq!(
        js(
            c,
            "document.documentElement.scrollWidth <= window.innerWidth"
        )
        .await,
        true,
        "nothing wider than the window at 600 pixels"
    );
    assert_eq!(
        js(c, "document.querySelector('#panel').getBoundingClientRect().bottom <= window.innerHeight + 1").await,
        true
    );
    if let Some(path) = std::env::var_os("BITEXT_SCREENSHOT_NARROW") {
        std::fs::write(path, c.screenshot().await.unwrap()).unwrap();
    }
    c.set_window_size(1500, 1000).await.unwrap();

    // the keys: ? lists every key the page answers to
    press(c, "?").await;
    until(c, "document.querySelector('#help').open").await;
    let listed = js(
        c,
        "[...document.querySelectorAll('#help-keys kbd')].map((k) => k.textContent).join(' ')",
    )
    .await;
    assert_eq!(
        listed, "j ↓ k ↑ f F a v r d e E n s m [ ] { } u / ?",
        "the keys of the help"
    );
    js(c, "(document.querySelector('#help').close(), true)").await;

    // flagged by QA only: the one pair with a finding; then all again
    click(c, "#filter-flagged").await;
    until(
        c,
        "document.querySelectorAll('#pair-rows tr.pair').length === 1",
    )
    .await;
    assert_eq!(
        js(c, "document.querySelector('#pair-rows tr.pair').dataset.id").await,
        "6"
    );
    click(c, "#filter-flagged").await;
    until(
        c,
        "document.querySelectorAll('#pair-rows tr.pair').length === 18",
    )
    .await;

    // fix the slip inline: e on pair 6, the right number, Enter; the finding goes
    select_unit(c, 6).await;
    press(c, "e").await;
    let area = c
        .find(Locator::Css("tr.selected textarea.editing"))
        .await
        .unwrap();
    assert_eq!(area.attr("lang").await.unwrap().as_deref(), Some("en"));
    area.clear().await.unwrap();
    area.send_keys(six).await.unwrap();
    let said = message_after(c, "\u{e007}").await;
    assert!(said.contains("edit #6: target"), "{said}");
    assert_eq!(s.cli_json(&["show", "6", "--json"])["target"], six);
    until(c, "!document.querySelector('#pair-rows tr.findings')").await;

    // approve every pair shown with score ≥ 0.95 and no QA finding: the page says what it did
    // (another slip meanwhile, in #9, on the command line)
    s.bitext()
        .args([
            "edit",
            "9",
            "--target",
            "وتضمّ القوة المرسَلة حوالي 2,500 جندي.",
        ])
        .assert()
        .success();
    let high: Vec<Value> = article(s)
        .into_iter()
        .filter(|u| u["score"].as_f64().is_some_and(|x| x >= 0.95))
        .collect();
    let already = high.iter().filter(|u| u["status"] == "approved").count();
    let flagged = high.iter().filter(|u| u["id"] == 9).count();
    assert_eq!(flagged, 1, "pair 9 scores at least 0.95");
    c.find(Locator::Css("#bulk-min"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    c.find(Locator::Css("#bulk-min"))
        .await
        .unwrap()
        .send_keys("0.95\t")
        .await
        .unwrap();
    js(
        c,
        "(document.querySelector('#message').textContent = '', true)",
    )
    .await;
    click(c, "#bulk-approve").await;
    until(
        c,
        "document.querySelector('#message').textContent.startsWith('Approved')",
    )
    .await;
    let said = js(c, "document.querySelector('#message').textContent").await;
    let approved = article(s)
        .iter()
        .filter(|u| u["status"] == "approved")
        .map(|u| u["id"].as_i64().unwrap())
        .collect::<Vec<_>>();
    assert!(!approved.contains(&9), "{approved:?}");
    assert!(approved.contains(&6), "{approved:?}");
    assert_eq!(approved.len(), high.len() - 1, "{said}");
    assert_eq!(
        said,
        format!(
            "Approved {} pairs (change {}); skipped: {already} pairs already approved, 1 pair with QA findings.",
            high.len() - already - 1,
            s.cli_json(&["history", "--json"])[0]["id"]
        )
    );
    // again: nothing changes, and the page says so
    js(
        c,
        "(document.querySelector('#message').textContent = '', true)",
    )
    .await;
    click(c, "#bulk-approve").await;
    until(
        c,
        "document.querySelector('#message').textContent.startsWith('Nothing changed')",
    )
    .await;

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
    click(c, "#split-ok").await;
    until(
        c,
        "document.querySelectorAll('#pair-rows tr.pair').length === 19",
    )
    .await;
    assert_eq!(article(s).len(), 19);
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
    assert_eq!(article(s).len(), 18);

    // move the last English sentence of pair 17 to the next pair
    let before = article(s);
    let said = message_after(c, "]").await;
    let after = article(s);
    assert_ne!(after, before, "{said}");
    assert_eq!(
        after[16]["target_sentences"].as_array().unwrap().len(),
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
    let said = message_after(c, "r").await;
    assert!(said.contains("was changed since you read it"), "{said}");
    assert_eq!(s.cli_json(&["show", "5", "--json"])["status"], "approved");
    assert_eq!(
        js(
            c,
            "document.querySelector('tr[data-id=\"5\"] .note').textContent"
        )
        .await,
        "changed in another tab",
        "the page shows the pair as it now is"
    );

    // markup in the data shows as text, never runs (the finding's mark inside it too)
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
    c.refresh().await.unwrap();
    until(
        c,
        "document.querySelectorAll('#pair-rows tr.pair').length === 18",
    )
    .await;
    until(
        c,
        "!!document.querySelector('#pair-rows tr.findings[data-for=\"6\"]')",
    )
    .await;
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
    assert_eq!(
        js(
            c,
            "document.querySelector('tr.pair[data-id=\"6\"] td[lang=en] bdi.t').textContent"
        )
        .await,
        "<img src=x onerror=\"window.pwned = 2\"> was here."
    );

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

//! Sharper lookup and concordance (issue 9 §5), on the shipped article: numbers are
//! placeables in fuzzy matches, and concordance finds a word's inflections in both languages.

mod common;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tempfile::TempDir;

/// A scratch memory holding the aligned article.
fn article() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("tm.db");
    common::bitext(dir.path(), &db)
        .args(["align", "--no-lexical"])
        .arg(common::article_ar())
        .arg(common::article_en())
        .assert()
        .success();
    (dir, db)
}

fn run(dir: &Path, db: &Path, args: &[&str]) -> String {
    let out = common::bitext(dir, db).args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

fn occurrences(hits: &Value) -> Vec<String> {
    hits.as_array()
        .unwrap()
        .iter()
        .flat_map(|h| h["occurrences"].as_array().unwrap().clone())
        .map(|o| o["text"].as_str().unwrap().to_string())
        .collect()
}

/// The article's sentence 5 with other casualty figures.
const OTHER_FIGURES: &str = "وقالت وزارة الداخلية إن قوات الأمن عززت وجودها في كل أنحاء البلاد، وإن ٣١ \"مجرما مسلحا\" لقوا مصرعهم، بينما أصيب 40 في الاضطرابات.";

#[test]
fn a_sentence_that_differs_only_in_numbers_is_a_near_match_with_the_numbers_listed() {
    let (dir, db) = article();
    let found: Value =
        serde_json::from_str(&run(dir.path(), &db, &["lookup", "--json", OTHER_FIGURES])).unwrap();
    // 99 less a point for each of the two numbers that differ; no word differs
    assert_eq!(found[0]["score"], 97);
    assert_eq!(found[0]["only_in_text"], json!([]));
    assert_eq!(found[0]["only_in_match"], json!([]));
    assert_eq!(
        found[0]["numbers"],
        json!([{"text": "٣١", "match": "26"}, {"text": "40", "match": "18"}])
    );
    let text = run(dir.path(), &db, &["lookup", OTHER_FIGURES]);
    assert!(text.contains("  numbers: ٣١ → 26, 40 → 18\n"), "{text}");
    assert!(!text.contains("not in the match"), "{text}");
}

#[test]
fn a_number_with_separators_is_one_word() {
    let (dir, db) = article();
    // "200,000" against "200,500": one number differs, not one of two words
    let english = "Tokayev said that \"200,500 bandits\" had attacked Almaty, which has been the centre of protests against rising fuel prices.";
    let found: Value =
        serde_json::from_str(&run(dir.path(), &db, &["lookup", "--json", english])).unwrap();
    assert_eq!(found[0]["score"], 98);
    assert_eq!(
        found[0]["numbers"],
        json!([{"text": "200,500", "match": "200,000"}])
    );
    let hits: Value =
        serde_json::from_str(&run(dir.path(), &db, &["concordance", "--json", "200,000"])).unwrap();
    assert_eq!(occurrences(&hits), ["200,000"]);
}

#[test]
fn english_concordance_finds_inflections() {
    let (dir, db) = article();
    let hits: Value = serde_json::from_str(&run(
        dir.path(),
        &db,
        &["concordance", "--json", "security force"],
    ))
    .unwrap();
    let found = occurrences(&hits);
    assert!(found.contains(&"security forces".to_string()), "{found:?}");
    // "protester" finds "protesters", and nothing derived from "protest"
    let protester: Value = serde_json::from_str(&run(
        dir.path(),
        &db,
        &["concordance", "--json", "protester"],
    ))
    .unwrap();
    let words = occurrences(&protester);
    assert!(
        words
            .iter()
            .all(|w| w.to_lowercase().starts_with("protester")),
        "{words:?}"
    );
    assert!(!words.is_empty());
}

#[test]
fn arabic_concordance_finds_a_word_with_its_suffixes() {
    let (dir, db) = article();
    let hits: Value =
        serde_json::from_str(&run(dir.path(), &db, &["concordance", "--json", "متظاهر"])).unwrap();
    let found = occurrences(&hits);
    assert!(found.contains(&"متظاهرين".to_string()), "{found:?}");
    let text = run(dir.path(), &db, &["concordance", "متظاهر"]);
    assert!(text.contains("protesters"), "{text}");
}

//! Tests of the checks on made-up pairs and on the shipped article.

use super::*;
use crate::store::Status;

fn pair<'a>(id: i64, position: i64, source: &'a str, target: &'a str) -> Pair<'a> {
    Pair {
        id,
        document: "doc",
        position,
        source_lang: Lang::Ar,
        target_lang: Lang::En,
        source,
        target,
        score: None,
        status: Status::Draft,
        source_markup: None,
        target_markup: None,
    }
}

fn kinds(p: &Pair, models: &Models) -> Vec<Kind> {
    check_pair(p, models).into_iter().map(|f| f.kind).collect()
}

#[test]
fn numbers_that_differ_are_an_error_and_numbers_that_agree_are_not() {
    let good = pair(
        1,
        0,
        "قتل 26 شخصا وأصيب ١٨",
        "26 people were killed and 18 wounded",
    );
    let bad = pair(
        2,
        1,
        "قتل 26 شخصا وأصيب ١٨",
        "29 people were killed and 18 wounded",
    );
    let words = pair(3, 2, "قتل ثلاثة أشخاص", "3 people were killed");
    let models = Models::build(&[good, bad, words]);
    assert!(!kinds(&good, &models).contains(&Kind::NumberMismatch));
    assert!(!kinds(&words, &models).contains(&Kind::NumberMismatch));
    let found = check_pair(&bad, &models);
    let f = found
        .iter()
        .find(|f| f.kind == Kind::NumberMismatch)
        .expect("a number mismatch");
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(&bad.source[f.source_spans[0].clone()], "26");
    assert_eq!(&bad.target[f.target_spans[0].clone()], "29");
}

#[test]
fn an_arabic_target_is_untranslated_and_an_empty_side_is_empty() {
    let same = pair(1, 0, "قال الرئيس", "قال الرئيس");
    let empty = pair(2, 1, "قال الرئيس", "");
    let models = Models::build(&[same, empty]);
    assert_eq!(kinds(&same, &models), [Kind::Untranslated]);
    assert_eq!(kinds(&empty, &models), [Kind::Empty]);
    assert_eq!(check_pair(&same, &models)[0].severity, Severity::Error);
}

#[test]
fn the_same_source_with_another_target_is_inconsistent() {
    let a = pair(1, 0, "قال الرئيس.", "The president said.");
    let b = pair(2, 1, "قَالَ الرَّئِيس", "The president stated.");
    let c = pair(3, 2, "قال الرئيس", "The president said");
    let models = Models::build(&[a, b, c]);
    let found = check_pair(&b, &models);
    let f = found
        .iter()
        .find(|f| f.kind == Kind::Inconsistent)
        .expect("inconsistent");
    assert!(
        f.message.contains("#1") && f.message.contains("#3"),
        "{}",
        f.message
    );
    // a and c differ only in punctuation: the same translation
    let a_kinds = kinds(&a, &models);
    assert_eq!(
        a_kinds.iter().filter(|k| **k == Kind::Inconsistent).count(),
        1
    );
}

#[test]
fn kinds_and_severities_read_back_from_their_names() {
    for k in Kind::ALL {
        assert_eq!(k.as_str().parse::<Kind>().unwrap(), k);
        assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
    }
    assert!("spelling".parse::<Kind>().is_err());
    assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Info);
    assert_eq!("warning".parse::<Severity>().unwrap(), Severity::Warning);
}

#[test]
fn words_run_together_are_not_judged_as_a_translation() {
    // the Arabic of a sentence that lost its spaces (as in two NTREX documents)
    let glued = pair(
        1,
        0,
        "زاربومبيوكورياالشماليةثلاثمراتمسبقًاهذاالعام،لكنزيارتهالأخيرةلمتسرعلىمايرام.",
        "Pompeo has visited North Korea three times already this year, but his last trip did not go well.",
    );
    let models = Models::build(&[glued]);
    let found = check_pair(&glued, &models);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, Kind::Whitespace);
    assert_eq!(found[0].severity, Severity::Info);
    assert!(found[0].message.contains("words run together"));
}

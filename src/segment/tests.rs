use proptest::prelude::*;

use super::*;

fn sentences(text: &str, lang: Lang) -> Vec<&str> {
    split(text, lang)
        .into_iter()
        .map(|s| s.text(text))
        .collect()
}

fn en(text: &str) -> Vec<&str> {
    sentences(text, Lang::En)
}

fn ar(text: &str) -> Vec<&str> {
    sentences(text, Lang::Ar)
}

/// The text outside the spans is whitespace, and the spans are ordered, trimmed and non-empty.
fn assert_lossless(text: &str, spans: &[Span]) {
    let mut pos = 0;
    for s in spans {
        assert!(s.start >= pos && s.start < s.end, "{spans:?} in {text:?}");
        assert!(
            text[pos..s.start].trim().is_empty(),
            "non-space lost in {text:?}"
        );
        let t = s.text(text);
        assert_eq!(t, t.trim(), "untrimmed sentence {t:?}");
        pos = s.end;
    }
    assert!(text[pos..].trim().is_empty(), "tail lost in {text:?}");
    let mut rebuilt = String::new();
    let mut pos = 0;
    for s in spans {
        rebuilt.push_str(&text[pos..s.start]);
        rebuilt.push_str(s.text(text));
        pos = s.end;
    }
    rebuilt.push_str(&text[pos..]);
    assert_eq!(rebuilt, text);
}

#[test]
fn english_sentences_end_at_terminals() {
    assert_eq!(
        en("Protests spread. Was it planned? Nobody knows! The end"),
        [
            "Protests spread.",
            "Was it planned?",
            "Nobody knows!",
            "The end"
        ]
    );
}

#[test]
fn english_titles_do_not_end_sentences() {
    assert_eq!(
        en("Mr. Tokayev met Dr. Smith and Gen. Lee. They talked."),
        ["Mr. Tokayev met Dr. Smith and Gen. Lee.", "They talked."]
    );
    assert_eq!(
        en("Mrs. Jones and Prof. Adams left."),
        ["Mrs. Jones and Prof. Adams left."]
    );
}

#[test]
fn english_abbreviations_before_numbers_hold() {
    assert_eq!(
        en("It began on Jan. 2 in Almaty."),
        ["It began on Jan. 2 in Almaty."]
    );
    assert_eq!(
        en("See No. 5 and pp. 12 for details."),
        ["See No. 5 and pp. 12 for details."]
    );
}

#[test]
fn english_initials_and_dotted_abbreviations() {
    assert_eq!(
        en("J. R. R. Tolkien wrote it."),
        ["J. R. R. Tolkien wrote it."]
    );
    assert_eq!(
        en("The U.S. Embassy issued a warning."),
        ["The U.S. Embassy issued a warning."]
    );
    // a dotted abbreviation followed by a typical sentence opener does end the sentence
    assert_eq!(
        en("Troops came from the U.S. The move was criticised."),
        ["Troops came from the U.S.", "The move was criticised."]
    );
}

#[test]
fn english_lower_case_after_a_stop_continues() {
    assert_eq!(
        en("\"Really?\" she asked. Yes."),
        ["\"Really?\" she asked.", "Yes."]
    );
    assert_eq!(
        en("Prices rose approx. five times."),
        ["Prices rose approx. five times."]
    );
}

#[test]
fn numbers_are_never_split() {
    assert_eq!(
        en("About 2,500 troops arrived. Prices rose 3.5 percent."),
        ["About 2,500 troops arrived.", "Prices rose 3.5 percent."]
    );
    assert_eq!(
        ar("وصل ٢٬٥٠٠ جندي. وارتفعت الأسعار ٣٫٥ في المئة."),
        ["وصل ٢٬٥٠٠ جندي.", "وارتفعت الأسعار ٣٫٥ في المئة."]
    );
    assert_eq!(
        ar("وتضم القوة حوالي 2,500 جندي."),
        ["وتضم القوة حوالي 2,500 جندي."]
    );
}

#[test]
fn closing_quotes_stay_with_their_sentence() {
    assert_eq!(
        en("He said: \"Order is restored.\" Then he left."),
        ["He said: \"Order is restored.\"", "Then he left."]
    );
    assert_eq!(
        en("He promised it (again.) Nobody believed him."),
        ["He promised it (again.)", "Nobody believed him."]
    );
    assert_eq!(
        ar(
            "وتعهد بأن \"تستمر العملية حتى الإجهاز على المسلحين\". وقالت الوزارة إن «الوضع هادئ.» ثم انتهى"
        ),
        [
            "وتعهد بأن \"تستمر العملية حتى الإجهاز على المسلحين\".",
            "وقالت الوزارة إن «الوضع هادئ.»",
            "ثم انتهى"
        ]
    );
}

#[test]
fn arabic_terminals_end_sentences() {
    assert_eq!(
        ar("هل انتهت الأزمة؟ لا أحد يعرف! ربما… ننتظر۔ النهاية"),
        [
            "هل انتهت الأزمة؟",
            "لا أحد يعرف!",
            "ربما…",
            "ننتظر۔",
            "النهاية"
        ]
    );
}

#[test]
fn arabic_comma_and_semicolon_never_end_a_sentence() {
    assert_eq!(
        ar("قال الرئيس، ثم أضاف؛ وانتهى الاجتماع."),
        ["قال الرئيس، ثم أضاف؛ وانتهى الاجتماع."]
    );
}

#[test]
fn arabic_stop_without_a_space_still_ends_a_sentence() {
    assert_eq!(
        ar("قالت الحكومة ذلك.وفي المساء هدأ الوضع."),
        ["قالت الحكومة ذلك.", "وفي المساء هدأ الوضع."]
    );
}

#[test]
fn arabic_one_letter_abbreviations_hold_but_the_era_does_not() {
    assert_eq!(
        ar("قال د. محمد إن الوضع هادئ."),
        ["قال د. محمد إن الوضع هادئ."]
    );
    assert_eq!(ar("وحضر م. أحمد الاجتماع."), ["وحضر م. أحمد الاجتماع."]);
    assert_eq!(
        ar("ولد عام 1990 م. وقال أبوه ذلك."),
        ["ولد عام 1990 م.", "وقال أبوه ذلك."]
    );
}

#[test]
fn the_era_after_a_year_ends_a_sentence_only_before_an_opening_word() {
    // the year marker م. (AD), هـ. (AH) and ق.م. (BC): a new sentence needs a word that opens one
    assert_eq!(
        ar("وقعت الحادثة في عام 2022 م. في مدينة ألماتي."),
        ["وقعت الحادثة في عام 2022 م. في مدينة ألماتي."]
    );
    assert_eq!(
        ar("انتهت الحرب عام 2022 م. وقال الرئيس إنها لن تعود."),
        ["انتهت الحرب عام 2022 م.", "وقال الرئيس إنها لن تعود."]
    );
    assert_eq!(
        ar("بني المعبد عام 300 ق.م. في مصر."),
        ["بني المعبد عام 300 ق.م. في مصر."]
    );
    assert_eq!(
        ar("بني المعبد عام 300 ق.م. ثم هدم بعد قرون."),
        ["بني المعبد عام 300 ق.م.", "ثم هدم بعد قرون."]
    );
    assert_eq!(
        ar("صدر القرار سنة 1443 هـ. الموافق 2022 م. بعد مشاورات."),
        ["صدر القرار سنة 1443 هـ. الموافق 2022 م. بعد مشاورات."]
    );
    assert_eq!(
        ar("توفي سنة 505 هـ. وكان عالما كبيرا."),
        ["توفي سنة 505 هـ.", "وكان عالما كبيرا."]
    );
    // at the end of a line or of the text it ends the sentence
    assert_eq!(
        ar("ولد عام 1990 م.\nوعمل في ألماتي."),
        ["ولد عام 1990 م.", "وعمل في ألماتي."]
    );
    assert_eq!(ar("ولد عام 1990 م."), ["ولد عام 1990 م."]);
}

#[test]
fn arabic_abbreviations_hold_and_etc_ends_a_sentence_before_an_opening_word() {
    assert_eq!(ar("انظر ص. 45 من التقرير."), ["انظر ص. 45 من التقرير."]);
    assert_eq!(
        ar("راسلونا على ص.ب. 1234 في عمان."),
        ["راسلونا على ص.ب. 1234 في عمان."]
    );
    assert_eq!(
        ar("قال أ.د. محمد إن الوضع هادئ."),
        ["قال أ.د. محمد إن الوضع هادئ."]
    );
    assert_eq!(
        ar("نقلوا الكتب والصحف إلخ. من المكتبة القديمة."),
        ["نقلوا الكتب والصحف إلخ. من المكتبة القديمة."]
    );
    assert_eq!(
        ar("نقلوا الكتب والصحف إلخ. وقد انتهى العمل أمس."),
        ["نقلوا الكتب والصحف إلخ.", "وقد انتهى العمل أمس."]
    );
}

#[test]
fn a_blank_line_always_ends_a_sentence() {
    assert_eq!(
        en("Kazakhstan unrest\n\nTroops arrived."),
        ["Kazakhstan unrest", "Troops arrived."]
    );
    assert_eq!(
        en("the talks went on\n\nand on."),
        ["the talks went on", "and on."]
    );
    assert_eq!(
        ar("احتجاجات كازاخستان\r\n\r\nوصلت القوات."),
        ["احتجاجات كازاخستان", "وصلت القوات."]
    );
}

#[test]
fn a_line_end_ends_a_sentence_unless_the_line_is_soft_wrapped() {
    assert_eq!(
        en("Kazakhstan unrest\nTroops arrived."),
        ["Kazakhstan unrest", "Troops arrived."]
    );
    assert_eq!(
        en("Troops arrived in\nthe city."),
        ["Troops arrived in\nthe city."]
    );
    assert_eq!(
        ar("احتجاجات كازاخستان\nوصلت القوات."),
        ["احتجاجات كازاخستان", "وصلت القوات."]
    );
}

#[test]
fn crlf_is_whitespace_between_sentences() {
    let text = "One.\r\nTwo.\r\n";
    assert_eq!(en(text), ["One.", "Two."]);
    assert_lossless(text, &split(text, Lang::En));
}

#[test]
fn the_rule_that_decided_can_be_asked_for() {
    let seg = Segmenter::of(Lang::En);
    let text = "Mr. Smith";
    assert_eq!(seg.decide(text, 3).unwrap().name, "title before a name");
    let text = "2,500 troops";
    assert_eq!(seg.decide(text, 2).unwrap().name, "inside a number");
}

#[test]
fn the_shipped_article_has_18_arabic_and_20_english_sentences() {
    let ar_text = include_str!("../../corpus/kazakhstan-2022/ar.txt");
    let en_text = include_str!("../../corpus/kazakhstan-2022/en.txt");
    let ar_spans = split(ar_text, Lang::Ar);
    let en_spans = split(en_text, Lang::En);
    assert_eq!(ar_spans.len(), 18);
    assert_eq!(en_spans.len(), 20);
    assert!(ar_spans[0].text(ar_text).starts_with("Reuters قال"));
    assert!(ar_spans[8].text(ar_text).ends_with("2,500 جندي."));
    assert_lossless(ar_text, &ar_spans);
    assert_lossless(en_text, &en_spans);
}

#[test]
fn lines_mode_takes_each_non_blank_line() {
    let text = "one\r\n\n  two  \nthree";
    let got: Vec<&str> = lines(text).into_iter().map(|s| s.text(text)).collect();
    assert_eq!(got, ["one", "two", "three"]);
}

fn pieces() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "word",
        "Mr.",
        "U.S.",
        "J.",
        "2,500",
        "3.5",
        "٢٬٥٠٠",
        ".",
        "!",
        "?",
        "؟",
        "…",
        "۔",
        "،",
        "؛",
        "\"",
        "«",
        "»",
        ")",
        "(",
        " ",
        " ",
        "  ",
        "\n",
        "\r\n",
        "\n\n",
        "\t",
        "قال",
        "الحكومة",
        "د.",
        "م.",
        "The",
        "the",
        "x",
        "\u{a0}",
        "\u{2028}",
        "ـ",
        "\u{064e}",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn segmentation_is_lossless(text in pieces(), arabic in any::<bool>()) {
        let lang = if arabic { Lang::Ar } else { Lang::En };
        assert_lossless(&text, &split(&text, lang));
        assert_lossless(&text, &lines(&text));
    }

    #[test]
    fn segmentation_is_lossless_on_any_string(text in "\\PC{0,60}") {
        assert_lossless(&text, &split(&text, Lang::Ar));
        assert_lossless(&text, &split(&text, Lang::En));
    }
}

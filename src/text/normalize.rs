//! Normalisation for matching and indexing — never applied to stored text.
//!
//! | rule | example |
//! |---|---|
//! | Unicode NFKC (presentation forms, ligatures, full-width) | `ﻻ` → `لا`, `ﬁ` → `fi` |
//! | Arabic harakat U+064B–U+065F and superscript alef U+0670 removed | `سُمع` → `سمع` |
//! | tatweel U+0640 removed | `كـــازاخستان` → `كازاخستان` |
//! | alef forms `أ إ آ ٱ` → `ا` | `أكد` → `اكد`, `إنترفاكس` → `انترفاكس` |
//! | `ى` → `ي`, `ة` → `ه` | `أقصى` → `اقصي`, `الحكومة` → `الحكومه` |
//! | Arabic-Indic and Persian digits → ASCII | `٢٬٥٠٠` → `2,500` |
//! | `،` `؛` `؟` `٬` `٫` → `,` `;` `?` `,` `.` | |
//! | letters case-folded | `Tokayev` → `tokayev` |
//!
//! [`words`] then splits on everything that is not a letter or digit, so punctuation and spacing
//! differences do not count (`«إطلاق النار»؛` and `"إطلاق  النار"` are the same two words);
//! [`word_spans`] does the same and says where each word is in the original text, keeping a
//! number with its separators as one word (`2,500`, `٢٬٥٠٠` and `3.5` are one word each). [`stem`]
//! strips Arabic clitics (`و` `ف` `ب` `ل` `ك` `ال`) so that `قال` finds `وقال` and `الحكومة`
//! finds `والحكومة` (see [`super::terms`] for what the search index holds).

use std::ops::Range;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// Normalises `text` for matching (see the module documentation for the rules).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // most text is already in NFKC, which a quick check says far faster than composing it
    // again; the check needs its tables only between plain characters (a harakah here and
    // there in Arabic news): a plain one ends whatever run of marks came before it
    if text.split(is_plain).all(|run| {
        run.is_empty() || unicode_normalization::is_nfkc_quick(run.chars()) == IsNormalized::Yes
    }) {
        // runs of characters that fold to themselves are copied whole
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if !folds_to_itself(c) {
                out.push_str(&text[start..i]);
                push_folded(&mut out, c);
                start = i + c.len_utf8();
            }
        }
        out.push_str(&text[start..]);
    } else {
        for c in text.nfkc() {
            push_folded(&mut out, c);
        }
    }
    out
}

/// Normalises `text` and returns, for every byte of the result, the byte offset in `text` of the
/// character it came from — to map a match in normalised text back to the original.
///
/// A letter and the combining marks after it (harakat, a hamza written as a mark) are
/// normalised together, as [`normalize`] does, and their bytes all map to the letter.
pub fn normalize_with_offsets(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len());
    for cluster in clusters(text) {
        let before = out.len();
        push_normalized(&mut out, &text[cluster.clone()]);
        offsets.extend(std::iter::repeat_n(cluster.start, out.len() - before));
    }
    (out, offsets)
}

/// A word of a text as matching sees it: its normalised form, and the bytes of the original
/// text it was made from (with any harakat on its last letter).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub norm: String,
    pub span: Range<usize>,
}

/// The words of `text` with their places in it: [`words`], each with the original byte range
/// it came from, so that a match can be shown (highlighted) in the text as stored.
pub fn word_spans(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut norm = String::new();
    let mut start = 0;
    let mut end = 0;
    // a `,` or `.` right after a digit, kept while we see whether a digit follows it
    let mut separator: Option<char> = None;
    let mut buf = String::new();
    for cluster in clusters(text) {
        buf.clear();
        push_normalized(&mut buf, &text[cluster.clone()]);
        for c in buf.chars() {
            if is_word_char(c) {
                if let Some(sep) = separator.take() {
                    if c.is_ascii_digit() {
                        // 2,500 and 3.5 are one word, as CAT tools treat numbers
                        norm.push(sep);
                    } else {
                        out.push(Word {
                            norm: std::mem::take(&mut norm),
                            span: start..end,
                        });
                    }
                }
                if norm.is_empty() {
                    start = cluster.start;
                }
                norm.push(c);
                end = cluster.end;
            } else if separator.is_none()
                && matches!(c, ',' | '.')
                && norm.ends_with(|d: char| d.is_ascii_digit())
            {
                separator = Some(c);
            } else if !norm.is_empty() {
                separator = None;
                out.push(Word {
                    norm: std::mem::take(&mut norm),
                    span: start..end,
                });
            }
        }
    }
    if !norm.is_empty() {
        out.push(Word {
            norm,
            span: start..end,
        });
    }
    out
}

/// True when a normalised word is a number (digits, with `,` or `.` between digits): a
/// placeable, which fuzzy matching compares apart from the words.
pub fn is_number(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
        && word.ends_with(|c: char| c.is_ascii_digit())
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

/// Byte ranges of `text`, each a character with the combining marks that follow it, so that
/// NFKC, which composes such a sequence (alef + hamza mark = أ), sees it whole.
fn clusters(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, c) = chars.next()?;
        let mut end = start + c.len_utf8();
        while let Some(&(i, d)) = chars.peek() {
            if combining_class(d) == 0 {
                break;
            }
            end = i + d.len_utf8();
            chars.next();
        }
        Some(start..end)
    })
}

/// The canonical combining class, without a table lookup for ASCII and Arabic letters.
fn combining_class(c: char) -> u8 {
    match c {
        '\0'..='\u{7F}' | '\u{0621}'..='\u{064A}' => 0,
        _ => canonical_combining_class(c),
    }
}

/// Normalises one cluster. A cluster of ASCII, Arabic letters, Arabic-Indic digits and harakat
/// (which never compose with a letter) is its own NFKC form and skips the normaliser.
fn push_normalized(out: &mut String, text: &str) {
    let stable = |c: char| matches!(c, '\0'..='\u{7F}' | '\u{0621}'..='\u{0652}' | '\u{0660}'..='\u{0669}' | '\u{0670}');
    if text.chars().all(stable) {
        for c in text.chars() {
            push_folded(out, c);
        }
        return;
    }
    for c in text.nfkc() {
        push_folded(out, c);
    }
}

/// Appends the folded form of one (already NFKC) character.
fn push_folded(out: &mut String, c: char) {
    match c {
        'A'..='Z' => out.push(c.to_ascii_lowercase()),
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
        'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
        'ى' => out.push('ي'),
        'ة' => out.push('ه'),
        '،' | '٬' => out.push(','),
        '؛' => out.push(';'),
        '؟' => out.push('?'),
        '٫' => out.push('.'),
        '\u{0660}'..='\u{0669}' => out.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
        '\u{06F0}'..='\u{06F9}' => out.push(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
        c if c.is_uppercase() => out.extend(c.to_lowercase()),
        c => out.push(c),
    }
}

/// The common characters that [`push_folded`] leaves as they are: ASCII but capitals, the
/// Arabic letters that have no variant, quotation marks and dashes.
fn folds_to_itself(c: char) -> bool {
    matches!(
        c,
        '\0'..='@'
            | '['..='\u{7F}'
            | '\u{0621}'
            | '\u{0624}'
            | '\u{0626}'..='\u{0628}'
            | '\u{062A}'..='\u{063A}'
            | '\u{0641}'..='\u{0648}'
            | '\u{064A}'
    ) || is_quote_or_dash(c)
}

/// Characters that NFKC leaves alone and that combine with nothing before or after them:
/// ASCII, the Arabic letters without marks, Arabic digits and punctuation, quotation marks and
/// dashes.
fn is_plain(c: char) -> bool {
    matches!(
        c,
        '\0'..='\u{7F}'
            | '\u{0621}'..='\u{063A}'
            | '\u{0641}'..='\u{064A}'
            | '\u{0660}'..='\u{066C}'
            | '،'
            | '؛'
            | '؟'
    ) || is_quote_or_dash(c)
}

/// Quotation marks and dashes: NFKC leaves them alone and folding does too.
fn is_quote_or_dash(c: char) -> bool {
    matches!(
        c,
        '«' | '»' | '\u{2013}' | '\u{2014}' | '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}'
    )
}

/// The normalised words of `text`: runs of letters and digits (punctuation and spacing dropped).
pub fn words(text: &str) -> Vec<String> {
    let normalized = normalize(text);
    split_words(&normalized).map(str::to_string).collect()
}

/// Splits already-normalised text into words.
pub fn split_words(normalized: &str) -> impl Iterator<Item = &str> {
    normalized
        .split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
}

/// Letters, digits and combining marks (so that a word is not cut at a mark normalisation kept).
pub fn is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' => {
            true
        }
        '\0'..='\u{7F}' => false,
        _ => c.is_alphanumeric() || matches!(c, '\u{0300}'..='\u{036F}'),
    }
}

/// The stem of a normalised Arabic word: conjunction (`و` `ف`), then preposition (`ب` `ل` `ك`),
/// then article (`ال`) stripped, each only when at least three letters remain (two after the
/// article), so short words such as `لكن` or `بلد` stay whole. Other words come back unchanged.
pub fn stem(word: &str) -> &str {
    let mut w = word;
    if let Some(rest) = strip_one(w, &['و', 'ف'], 3) {
        w = rest;
    }
    // ل before the article drops the article's alef: لل + stem (للحكومه = ل + الحكومه)
    if let Some(rest) = w.strip_prefix("لل").filter(|r| r.chars().count() >= 2) {
        return rest;
    }
    if let Some(rest) = strip_one(w, &['ب', 'ل', 'ك'], 3) {
        w = rest;
    }
    if let Some(rest) = w.strip_prefix("ال").filter(|r| r.chars().count() >= 2) {
        w = rest;
    }
    w
}

fn strip_one<'a>(w: &'a str, prefixes: &[char], min_rest: usize) -> Option<&'a str> {
    let mut chars = w.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    (prefixes.contains(&first) && rest.chars().count() >= min_rest).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The folding of one character by the rules alone, without the fast paths.
    fn folded_by_the_rules(c: char) -> String {
        match c {
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => String::new(),
            'أ' | 'إ' | 'آ' | 'ٱ' => "ا".into(),
            'ى' => "ي".into(),
            'ة' => "ه".into(),
            '،' | '٬' => ",".into(),
            '؛' => ";".into(),
            '؟' => "?".into(),
            '٫' => ".".into(),
            '\u{0660}'..='\u{0669}' => char::from((c as u32 - 0x0660) as u8 + b'0').to_string(),
            '\u{06F0}'..='\u{06F9}' => char::from((c as u32 - 0x06F0) as u8 + b'0').to_string(),
            c => c.to_lowercase().collect(),
        }
    }

    #[test]
    fn the_fast_paths_agree_with_nfkc_and_the_rules_on_every_character() {
        // each character of ASCII, Latin-1, the Arabic blocks and presentation forms, alone
        // and after a letter (so that composition with what precedes it is seen too)
        let chars = (0u32..0x300)
            .chain(0x0600..0x0780)
            .chain(0x08A0..0x0900)
            .chain(0x2000..0x2070)
            .chain(0xFB50..0xFE00)
            .chain(0xFE70..0xFF00)
            .filter_map(char::from_u32);
        for c in chars {
            for text in [c.to_string(), format!("ا{c}"), format!("a{c}b")] {
                let slow: String = text.nfkc().map(folded_by_the_rules).collect();
                assert_eq!(normalize(&text), slow, "{:?}", text);
            }
        }
        // marks out of canonical order, marks that compose with the letter before them
        // (alef + maddah is آ), plain text around them
        for text in [
            "\u{0644}\u{0651}\u{064B}",
            "\u{0644}\u{064B}\u{0651}",
            "قال \u{0627}\u{0653} و\u{0627}\u{0654}",
            "\u{064A}\u{0654}\u{064E}",
            "x\u{0301}y",
            "«اً» … \u{00A0}ﻻ",
        ] {
            let slow: String = text.nfkc().map(folded_by_the_rules).collect();
            assert_eq!(normalize(text), slow, "{:?}", text);
        }
    }

    #[test]
    fn harakat_shadda_and_superscript_alef_are_removed() {
        // words from the article: سُمع دويّ, اعتُقل, المرسَلة
        assert_eq!(normalize("سُمع دويّ"), "سمع دوي");
        assert_eq!(normalize("اعتُقل"), "اعتقل");
        assert_eq!(normalize("المرسَلة"), "المرسله");
        assert_eq!(normalize("هٰذا"), "هذا");
    }

    #[test]
    fn tatweel_is_removed() {
        assert_eq!(normalize("كـــازاخستان"), "كازاخستان");
    }

    #[test]
    fn alef_forms_become_bare_alef() {
        assert_eq!(normalize("أكد إنترفاكس آلاف ٱلله"), "اكد انترفاكس الاف الله");
    }

    #[test]
    fn alef_maqsura_and_ta_marbuta_are_unified() {
        // «حد أقصي» is misspelt in the article; normalisation makes it match «أقصى»
        assert_eq!(normalize("أقصى"), normalize("أقصي"));
        assert_eq!(normalize("الحكومة"), "الحكومه");
    }

    #[test]
    fn digits_and_arabic_punctuation_take_their_latin_form() {
        assert_eq!(normalize("٢٬٥٠٠"), "2,500");
        assert_eq!(normalize("۱۸"), "18");
        assert_eq!(normalize("٣٫٥"), "3.5");
        assert_eq!(normalize("لماذا؟ قال، ثم؛"), "لماذا? قال, ثم;");
    }

    #[test]
    fn presentation_forms_and_case_are_folded() {
        assert_eq!(normalize("\u{FEFB}"), "لا");
        assert_eq!(normalize("Tokayev ALMATY"), "tokayev almaty");
    }

    #[test]
    fn words_ignore_punctuation_and_spacing() {
        assert_eq!(words("«مجرما مسلحا»،  لقوا"), ["مجرما", "مسلحا", "لقوا"]);
        assert_eq!(
            words("Almaty - Kazakhstan's"),
            ["almaty", "kazakhstan", "s"]
        );
    }

    #[test]
    fn clitics_are_stripped_from_arabic_words() {
        assert_eq!(stem("وقال"), "قال");
        assert_eq!(stem("فقال"), "قال");
        assert_eq!(stem("قال"), "قال");
        assert_eq!(stem("لتوقاييف"), "توقاييف");
        assert_eq!(stem(&normalize("والحكومة")), stem(&normalize("الحكومة")));
        assert_eq!(stem(&normalize("للحكومة")), "حكومه");
        assert_eq!(stem(&normalize("بالوقود")), "وقود");
        // too short to carry a clitic
        assert_eq!(stem("لكن"), "لكن");
        assert_eq!(stem("بلد"), "بلد");
        assert_eq!(stem("tokayev"), "tokayev");
    }

    #[test]
    fn nfkc_folds_presentation_forms_of_corpus_words() {
        // توقاييف and ألماتي typed with Arabic presentation forms (as some PDFs give them)
        assert_eq!(normalize("ﺗﻮﻗﺎﻳﻴﻒ"), "توقاييف");
        assert_eq!(normalize("ﺃﻟﻤﺎﺗﻲ"), "الماتي");
        // a hamza written as a combining mark composes first, then folds like أ
        assert_eq!(normalize("ا\u{0654}كد"), normalize("أكد"));
        assert_eq!(words("ا\u{0654}كد"), ["اكد"]);
    }

    #[test]
    fn every_rule_on_words_of_the_article() {
        // (as typed, as found in corpus/kazakhstan-2022/ar.txt)
        for (typed, stored) in [
            ("وتعهد", "وتعهّد"),         // shadda
            ("مركزا", "مركزًا"),         // tanwin
            ("اكد", "أكد"),             // hamza on alef
            ("الارهابيين", "الإرهابيين"), // hamza under alef
            ("الان", "الآن"),             // madda
            ("الي", "إلى"),             // alef maqsura
            ("الحكومه", "الحكومة"),     // ta marbuta
            ("عنفا", "عنفًا"),
            ("كازاخستان", "كـازاخستان"), // tatweel
            ("26", "٢٦"),                // Arabic-Indic digits (the article has 26)
            ("18", "۱۸"),                // Persian digits (the article has 18)
            ("tokayev", "Tokayev"),      // case
        ] {
            assert_eq!(normalize(typed), normalize(stored), "{typed} {stored}");
        }
        // punctuation and spacing do not count
        assert_eq!(
            words("الأمن ب \"إطلاق النار دون سابق إنذار\""),
            words("الأمن ب «إطلاق  النار دون سابق إنذار»؛")
        );
        assert_eq!(words("Almaty, Kazakhstan?"), words("almaty   kazakhstan؟"));
    }

    #[test]
    fn word_spans_point_at_the_words_as_stored() {
        let text = "وفي ساعات مبكرة، سُمع دويّ إطلاق نار";
        let spans = word_spans(text);
        let norms: Vec<&str> = spans.iter().map(|w| w.norm.as_str()).collect();
        assert_eq!(
            norms,
            ["وفي", "ساعات", "مبكره", "سمع", "دوي", "اطلاق", "نار"]
        );
        let stored: Vec<&str> = spans.iter().map(|w| &text[w.span.clone()]).collect();
        // the comma stays out; harakat and shadda stay with their letters
        assert_eq!(
            stored,
            ["وفي", "ساعات", "مبكرة", "سُمع", "دويّ", "إطلاق", "نار"]
        );
        let tatweel = word_spans("كـــازاخستان");
        assert_eq!(tatweel[0].span, 0.."كـــازاخستان".len());
    }

    #[test]
    fn the_fast_path_agrees_with_nfkc() {
        // every character the fast path takes, alone and after a letter
        let stable = ('\0'..='\u{7F}')
            .chain('\u{0621}'..='\u{0652}')
            .chain('\u{0660}'..='\u{0669}')
            .chain(['\u{0670}']);
        for c in stable {
            for text in [c.to_string(), format!("ب{c}"), format!("a{c}")] {
                let mut slow = String::new();
                for d in text.nfkc() {
                    push_folded(&mut slow, d);
                }
                let (fast, _) = normalize_with_offsets(&text);
                assert_eq!(fast, slow, "{:?}", text);
            }
        }
    }

    #[test]
    fn word_spans_agree_with_words_on_the_corpus() {
        for file in ["ar.txt", "en.txt"] {
            let text = std::fs::read_to_string(format!(
                "{}/corpus/kazakhstan-2022/{file}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap();
            // word_spans keeps 2,500 whole; split at its separators it gives the plain words
            let norms: Vec<String> = word_spans(&text)
                .into_iter()
                .flat_map(|w| {
                    w.norm
                        .split([',', '.'])
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .collect();
            assert_eq!(norms, words(&text), "{file}");
        }
    }

    #[test]
    fn numbers_are_one_word_with_their_separators() {
        let norms =
            |t: &str| -> Vec<String> { word_spans(t).into_iter().map(|w| w.norm).collect() };
        assert_eq!(norms("قال إن 200,000 شخص"), ["قال", "ان", "200,000", "شخص"]);
        assert_eq!(norms("٢٬٥٠٠ و٣٫٥"), ["2,500", "و3.5"]);
        assert_eq!(
            norms("in 2019. Then 3,000-strong, 1.5%"),
            ["in", "2019", "then", "3,000", "strong", "1.5"]
        );
        assert_eq!(norms("a,b 1,x 2."), ["a", "b", "1", "x", "2"]);
        let spans = word_spans("cost 2,500.");
        assert_eq!(spans[1].span, 5..10);
        assert!(is_number("2,500") && is_number("3.5") && is_number("7"));
        assert!(!is_number("و3") && !is_number("2,") && !is_number("a1"));
    }

    #[test]
    fn offsets_map_normalised_bytes_back() {
        let text = "سُمع";
        let (norm, offsets) = normalize_with_offsets(text);
        assert_eq!(norm, "سمع");
        assert_eq!(offsets.len(), norm.len());
        // the م of the normalised text comes from byte 4 (after س and its damma)
        assert_eq!(offsets[2], 4);
    }
}

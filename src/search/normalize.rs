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
//! differences do not count; [`stem`] strips Arabic clitics (`و` `ف` `ب` `ل` `ك` `ال`) so that
//! `قال` finds `وقال` and `الحكومة` finds `والحكومة`.

use unicode_normalization::UnicodeNormalization;

/// Normalises `text` for matching (see the module documentation for the rules).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkc() {
        push_folded(&mut out, c);
    }
    out
}

/// Normalises `text` and returns, for every byte of the result, the byte offset in `text` of the
/// character it came from — to map a match in normalised text back to the original.
pub fn normalize_with_offsets(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len());
    let mut buf = String::new();
    for (i, c) in text.char_indices() {
        buf.clear();
        for d in std::iter::once(c).nfkc() {
            push_folded(&mut buf, d);
        }
        out.push_str(&buf);
        offsets.extend(std::iter::repeat_n(i, buf.len()));
    }
    (out, offsets)
}

/// Appends the folded form of one (already NFKC) character.
fn push_folded(out: &mut String, c: char) {
    match c {
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
    c.is_alphanumeric() || matches!(c, '\u{0300}'..='\u{036F}')
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
    fn offsets_map_normalised_bytes_back() {
        let text = "سُمع";
        let (norm, offsets) = normalize_with_offsets(text);
        assert_eq!(norm, "سمع");
        assert_eq!(offsets.len(), norm.len());
        // the م of the normalised text comes from byte 4 (after س and its damma)
        assert_eq!(offsets[2], 4);
    }
}

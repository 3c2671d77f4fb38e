//! Capitalised English words that Arabic translates rather than transliterates: countries and
//! their peoples (`Germany`, `ألمانيا`; `Greek`, `اليوناني`), religions and parties
//! (`Christian`, `مسيحي`), and the common words of institutions' and places' names (`Red
//! Cross`, `الصليب الأحمر`; `Palace`, `قصر`). A memory too small for the word model to have
//! learnt them would otherwise take them for names without a counterpart. The list is
//! `exonyms.tsv`, beside this file.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::text::normalize::normalize;

/// English form (lower case) to the normalised beginnings of its Arabic translations.
static TABLE: LazyLock<HashMap<&'static str, Vec<String>>> =
    LazyLock::new(|| parse(include_str!("exonyms.tsv")));

/// What may come before a translation inside an Arabic word: the article and the clitics that
/// attach before it (normalised).
const PREFIXES: &[&str] = &[
    "", "ال", "و", "ف", "ب", "ل", "ك", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وب", "ول",
    "وبال", "وك",
];

fn parse(text: &'static str) -> HashMap<&'static str, Vec<String>> {
    let mut out: HashMap<&'static str, Vec<String>> = HashMap::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (english, arabic) = line.split_once('\t').unwrap_or((line, ""));
        let arabic: Vec<String> = arabic
            .split(',')
            .map(|a| normalize(a.trim()))
            .filter(|a| !a.is_empty())
            .collect();
        for form in english.split(',') {
            out.entry(form.trim())
                .or_default()
                .extend(arabic.iter().cloned());
        }
    }
    out
}

/// True when one of the Arabic words (normalised, as [`normalize`] leaves them) translates
/// the English word: it begins, after the article and clitics, with one of the word's
/// translations in the list.
pub fn translated(english: &str, arabic: &[&str]) -> bool {
    let Some(roots) = TABLE.get(english.to_lowercase().as_str()) else {
        return false;
    };
    arabic.iter().any(|word| {
        roots.iter().any(|root| {
            word.match_indices(root.as_str())
                .any(|(at, _)| PREFIXES.contains(&&word[..at]))
        })
    })
}

/// True when the list has the English word (lower case or not).
pub fn listed(english: &str) -> bool {
    TABLE.contains_key(english.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        normalize(text)
            .split_whitespace()
            .map(str::to_string)
            .collect()
    }

    fn in_arabic(english: &str, arabic: &str) -> bool {
        let w = words(arabic);
        let refs: Vec<&str> = w.iter().map(String::as_str).collect();
        translated(english, &refs)
    }

    #[test]
    fn countries_peoples_and_institutions_are_found_with_article_and_clitics() {
        assert!(in_arabic("Germany", "زار ألمانيا"));
        assert!(in_arabic("German", "المستشار الألماني"));
        assert!(in_arabic("Greece", "وفي اليونان"));
        assert!(in_arabic("Christian", "العصابات المسلمة والمسيحية"));
        assert!(in_arabic("Cross", "الصليب الأحمر"));
        assert!(in_arabic("Palace", "بالقصر"));
        assert!(in_arabic("Americans", "الأمريكيين"));
    }

    #[test]
    fn a_translation_inside_another_word_or_absent_does_not_count() {
        // مصر inside a word that does not begin with it
        assert!(!in_arabic("Egypt", "انتصر"));
        assert!(!in_arabic("Germany", "زار فرنسا"));
        assert!(!in_arabic("Tokayev", "توقاييف"));
        assert!(!listed("Tokayev"));
        assert!(listed("Greece"));
    }

    #[test]
    fn every_line_of_the_list_has_english_forms_and_arabic_translations() {
        for line in include_str!("exonyms.tsv").lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (english, arabic) = line.split_once('\t').expect(line);
            assert!(
                english
                    .split(',')
                    .all(|f| !f.is_empty() && f == f.to_lowercase()),
                "{line}"
            );
            assert!(arabic.split(',').all(|a| a.chars().count() >= 2), "{line}");
        }
    }
}

//! Capitalised English words that Arabic translates rather than transliterates: countries and
//! their peoples (`Germany`, `ألمانيا`; `Greek`, `اليوناني`), religions and parties
//! (`Christian`, `مسيحي`), and the common words of institutions' and places' names (`Red
//! Cross`, `الصليب الأحمر`; `Palace`, `قصر`). A memory too small for the word model to have
//! learnt them would otherwise take them for names without a counterpart. The list is
//! `exonyms.tsv`, beside this file.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::text::normalize::normalize;

/// One line of the list.
struct Entry {
    /// English forms, lower case.
    english: Vec<&'static str>,
    /// Normalised beginnings of the Arabic translations.
    arabic: Vec<String>,
    /// A country, people or religion (above the list's `# ---- words` line): Arabic that
    /// translates it is a name, not a plain word.
    proper: bool,
}

struct List {
    entries: Vec<Entry>,
    /// English form to the entry that has it.
    by_form: HashMap<&'static str, usize>,
}

static LIST: LazyLock<List> = LazyLock::new(|| parse(include_str!("exonyms.tsv")));

/// What may come before a translation inside an Arabic word: the article and the clitics that
/// attach before it (normalised).
const PREFIXES: &[&str] = &[
    "", "ال", "و", "ف", "ب", "ل", "ك", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وب", "ول",
    "وبال", "وك",
];

/// What may come after a translation's beginning inside an Arabic word (normalised): the
/// endings of adjectives of relation, feminine, dual and plural (`ألمانيا`, `الألمانية`,
/// `الأمريكيين`, `النمساوي`, `الوزارات`).
const ENDINGS: &[&str] = &[
    "", "ا", "ي", "يه", "يا", "ه", "ان", "يان", "ين", "ون", "يين", "يون", "ات", "يات", "وي", "ويه",
    "ويين", "ويون",
];

fn parse(text: &'static str) -> List {
    let mut list = List {
        entries: Vec::new(),
        by_form: HashMap::new(),
    };
    let mut proper = true;
    for line in text.lines() {
        let line = line.trim_end();
        if line.starts_with("# ----") {
            proper = false;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (english, arabic) = line.split_once('\t').unwrap_or((line, ""));
        let english: Vec<&'static str> = english.split(',').map(str::trim).collect();
        for form in &english {
            list.by_form.insert(form, list.entries.len());
        }
        list.entries.push(Entry {
            english,
            arabic: arabic
                .split(',')
                .map(|a| normalize(a.trim()))
                .filter(|a| !a.is_empty())
                .collect(),
            proper,
        });
    }
    list
}

/// True when an Arabic word (normalised) is one of the entry's translations, with the article,
/// clitics and endings it may take.
fn translates(entry: &Entry, word: &str) -> bool {
    entry.arabic.iter().any(|root| {
        word.match_indices(root.as_str()).any(|(at, _)| {
            PREFIXES.contains(&&word[..at]) && ENDINGS.contains(&&word[at + root.len()..])
        })
    })
}

/// True when one of the Arabic words (normalised, as [`normalize`] leaves them) translates
/// the English word.
pub fn translated(english: &str, arabic: &[&str]) -> bool {
    let list = &*LIST;
    list.by_form
        .get(english.to_lowercase().as_str())
        .is_some_and(|&e| arabic.iter().any(|w| translates(&list.entries[e], w)))
}

/// True when an Arabic word (normalised) translates a country, people or religion that no
/// word of the English text names (`الأمريكيين` where the English has no America, American or
/// Americans): a name the English side left out.
pub fn left_out(arabic: &[&str], english: &str) -> bool {
    let words: Vec<String> = english
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    LIST.entries.iter().filter(|e| e.proper).any(|e| {
        arabic.iter().any(|w| translates(e, w))
            && !e.english.iter().any(|f| words.iter().any(|w| w == f))
    })
}

/// True when an Arabic word (normalised) translates a country, people or religion of the list.
pub fn names_a_country_people_or_religion(arabic: &str) -> bool {
    LIST.entries
        .iter()
        .any(|e| e.proper && translates(e, arabic))
}

/// True when the list has the English word (lower case or not).
pub fn listed(english: &str) -> bool {
    LIST.by_form.contains_key(english.to_lowercase().as_str())
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

    fn left_out_of(arabic: &str, english: &str) -> bool {
        let w = words(arabic);
        let refs: Vec<&str> = w.iter().map(String::as_str).collect();
        left_out(&refs, english)
    }

    #[test]
    fn countries_peoples_and_institutions_are_found_with_article_clitics_and_endings() {
        assert!(in_arabic("Germany", "زار ألمانيا"));
        assert!(in_arabic("German", "المستشار الألماني"));
        assert!(in_arabic("Greece", "وفي اليونان"));
        assert!(in_arabic("Christian", "العصابات المسلمة والمسيحية"));
        assert!(in_arabic("Cross", "الصليب الأحمر"));
        assert!(in_arabic("Palace", "بالقصر"));
        assert!(in_arabic("Americans", "الأمريكيين"));
        assert!(in_arabic("Austrian", "الرئيس النمساوي"));
        assert!(in_arabic("States", "الولايات المتحدة"));
        assert!(in_arabic("United", "الولايات المتحدة"));
        assert!(in_arabic("House", "مجلس النواب"));
        assert!(in_arabic("South", "من ولاية كارولينا الجنوبية"));
        assert!(in_arabic("North", "زعيم كوريا الشمالية"));
        // the Secretary of State, وزير الخارجية
        assert!(in_arabic("State", "وزير الخارجية الأمريكي"));
    }

    #[test]
    fn a_translation_inside_another_word_or_absent_does_not_count() {
        // مصر inside a word that does not begin with it; صح (health) beginning صحيفة
        assert!(!in_arabic("Egypt", "انتصر"));
        assert!(!in_arabic("Health", "الصحيفة"));
        assert!(!in_arabic("Germany", "زار فرنسا"));
        // ترك is the verb "left", not Turkey (تركيا, التركي)
        assert!(!in_arabic("Turkey", "ترك المدينة"));
        assert!(in_arabic("Turkey", "زار تركيا"));
        assert!(in_arabic("Turkish", "الرئيس التركي"));
        assert!(!in_arabic("Tokayev", "توقاييف"));
        assert!(!listed("Tokayev"));
        assert!(listed("Greece"));
    }

    #[test]
    fn a_country_the_arabic_names_and_the_english_does_not_is_left_out() {
        let arabic = "رفات الجنود الأمريكيين";
        assert!(left_out_of(arabic, "the remains of Thomson servicemen"));
        assert!(!left_out_of(arabic, "the remains of American servicemen"));
        // a plain word of a name (شرطة, police) says nothing: the English may translate it
        // by another word
        assert!(!left_out_of("قالت الشرطة", "Officers said"));
    }

    #[test]
    fn every_line_of_the_list_has_english_forms_and_arabic_translations() {
        let text = include_str!("exonyms.tsv");
        assert!(text.lines().any(|l| l.starts_with("# ----")));
        for line in text.lines() {
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

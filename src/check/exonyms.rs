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
    /// The first two letters of each Arabic translation (or its one letter) to the entries
    /// that have a translation beginning so: the few to compare with a word.
    by_start: HashMap<String, Vec<usize>>,
}

/// The key of `by_start` for a text: its first two letters, or its one.
fn start(text: &str) -> &str {
    let end = text.char_indices().nth(2).map_or(text.len(), |(at, _)| at);
    &text[..end]
}

static LIST: LazyLock<List> = LazyLock::new(|| parse(include_str!("exonyms.tsv")));

/// What may come before a translation inside an Arabic word: the article and the clitics that
/// attach before it (normalised), and the article with its alif typed twice (`االجمهوري`).
const PREFIXES: &[&str] = &[
    "", "ال", "اال", "و", "ف", "ب", "ل", "ك", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وب",
    "ول", "وبال", "وك",
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
        by_start: HashMap::new(),
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
        let arabic: Vec<String> = arabic
            .split(',')
            .map(|a| normalize(a.trim()))
            .filter(|a| !a.is_empty())
            .collect();
        for root in &arabic {
            let entries = list.by_start.entry(start(root).to_string()).or_default();
            if !entries.contains(&list.entries.len()) {
                entries.push(list.entries.len());
            }
        }
        list.entries.push(Entry {
            english,
            arabic,
            proper,
        });
    }
    list
}

/// The entries of the list that an Arabic word (normalised) translates, strictly (as
/// [`translates`] without `run_together`).
fn entries_of(word: &str) -> impl Iterator<Item = usize> {
    let list = &*LIST;
    let mut found: Vec<usize> = Vec::new();
    for after in PREFIXES.iter().filter_map(|p| word.strip_prefix(p)) {
        let one = after
            .char_indices()
            .nth(1)
            .map_or(after.len(), |(at, _)| at);
        for key in [start(after), &after[..one]] {
            for &e in list.by_start.get(key).into_iter().flatten() {
                if !found.contains(&e) && follows(&list.entries[e], after, false) {
                    found.push(e);
                }
            }
        }
    }
    found.into_iter()
}

/// True when an Arabic word (normalised) is one of the entry's translations, with the article,
/// clitics and endings it may take. `run_together` also takes a translation of five letters
/// or more followed by another word whose space was lost (`الجمهوريالأميركي`,
/// `الجمهوريينجون`): enough to account for an English word, too loose to say that the Arabic
/// names something.
fn translates(entry: &Entry, word: &str, run_together: bool) -> bool {
    PREFIXES
        .iter()
        .filter_map(|prefix| word.strip_prefix(prefix))
        .any(|after| follows(entry, after, run_together))
}

/// True when what follows a prefix of a word is one of the entry's translations and an
/// ending (or, `run_together`, the start of another word: see [`translates`]).
fn follows(entry: &Entry, after: &str, run_together: bool) -> bool {
    entry.arabic.iter().any(|root| {
        after.strip_prefix(root.as_str()).is_some_and(|rest| {
            ENDINGS.contains(&rest)
                || (run_together
                    && root.chars().count() >= RUN_TOGETHER_ROOT
                    && rest.chars().count() >= 2)
        })
    })
}

/// Letters a translation must have to be found at the start of words run together.
const RUN_TOGETHER_ROOT: usize = 5;

/// True when one of the Arabic words (normalised, as [`normalize`] leaves them) translates
/// the English word, also at the start of words run together.
pub fn translated(english: &str, arabic: &[&str]) -> bool {
    let list = &*LIST;
    list.by_form
        .get(english.to_lowercase().as_str())
        .is_some_and(|&e| arabic.iter().any(|w| translates(&list.entries[e], w, true)))
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
    // abbreviations name a country too (`U.S. objection`, `الاعتراض الأمريكي`)
    let abbreviated: Vec<&str> = english
        .split_whitespace()
        .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric() && c != '.'))
        .map(|t| t.strip_suffix("'s").unwrap_or(t))
        .filter_map(|t| {
            ABBREVIATIONS
                .iter()
                .find(|(a, _)| *a == t || a.strip_suffix('.') == Some(t))
                .map(|(_, form)| *form)
        })
        .collect();
    arabic.iter().flat_map(|w| entries_of(w)).any(|e| {
        let e = &LIST.entries[e];
        e.proper
            && !e
                .english
                .iter()
                .any(|f| words.iter().any(|w| w == f) || abbreviated.contains(f))
    })
}

/// Abbreviations of countries, written as they are (case matters: `US`, not `us`), with an
/// English form of the list they stand for.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("U.S.", "america"),
    ("US", "america"),
    ("USA", "america"),
    ("U.S.A.", "america"),
    ("UK", "britain"),
    ("U.K.", "britain"),
];

/// True when an Arabic word (normalised) translates a country, people or religion of the list.
pub fn names_a_country_people_or_religion(arabic: &str) -> bool {
    entries_of(arabic).any(|e| LIST.entries[e].proper)
}

/// How Arabic writes an English word of the list when it names a place or people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rendering {
    /// By its translation, always: a country, people or religion (`Greece`, `اليونان`).
    Always,
    /// By its translation unless it is a word of a name transliterated whole: a compass word
    /// (`South Korea`, `كوريا الجنوبية`; but `East Baton Rouge`, `إيست باتون روج`).
    Compass,
}

/// The compass words of the list.
const COMPASS: &[&str] = &[
    "north", "northern", "south", "southern", "east", "eastern", "west", "western",
];

/// How Arabic writes the English word, if the list says (a country, people, religion or
/// compass word); other words of the list are often rendered otherwise (`Office`, `إدارة`).
pub fn rendering(english: &str) -> Option<Rendering> {
    let list = &*LIST;
    let lower = english.to_lowercase();
    if COMPASS.contains(&lower.as_str()) {
        return Some(Rendering::Compass);
    }
    list.by_form
        .get(lower.as_str())
        .filter(|&&e| list.entries[e].proper)
        .map(|_| Rendering::Always)
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
    fn a_translation_is_found_with_its_article_typed_twice_or_before_words_run_together() {
        assert!(in_arabic("Republicans", "الحزب االجمهوري"));
        // a space lost after it: enough to account for the English word
        assert!(in_arabic(
            "Republican",
            "مجلس الشيوخمن الحزب الجمهوريالأميركي"
        ));
        assert!(in_arabic("Republicans", "الجمهوريينجون كينيدي"));
        // but too loose to say the Arabic names a country no English word names
        assert!(!left_out_of("الجمهوريالأميركي", "three senators"));
        // a short translation is not looked for before other letters (ترك, Turkey)
        assert!(!in_arabic("Turkey", "تركوا المدينة"));
    }

    #[test]
    fn a_country_the_arabic_names_and_the_english_does_not_is_left_out() {
        let arabic = "رفات الجنود الأمريكيين";
        assert!(left_out_of(arabic, "the remains of Thomson servicemen"));
        assert!(!left_out_of(arabic, "the remains of American servicemen"));
        // a plain word of a name (شرطة, police) says nothing: the English may translate it
        // by another word
        assert!(!left_out_of("قالت الشرطة", "Officers said"));
        // Brexit and the EU name Europe as الاتحاد الأوروبي does
        let europe = "الانسحاب من الاتحاد الأوروبي";
        assert!(!left_out_of(europe, "ploughing towards a Brexit"));
        assert!(!left_out_of(europe, "leaving the EU"));
        assert!(left_out_of(europe, "leaving the union"));
        // an abbreviation names its country, written as it is
        let american = "الاعتراض الأمريكي على الإعلان";
        assert!(!left_out_of(
            american,
            "the U.S. objection to the declaration"
        ));
        assert!(!left_out_of(
            american,
            "the US objection to the declaration"
        ));
        assert!(left_out_of(american, "he told us of the objection"));
    }

    #[test]
    fn countries_peoples_and_compass_words_say_how_arabic_writes_them() {
        assert_eq!(rendering("Greece"), Some(Rendering::Always));
        assert_eq!(rendering("americans"), Some(Rendering::Always));
        assert_eq!(rendering("Southern"), Some(Rendering::Compass));
        // a word of an institution's name is often rendered otherwise
        assert_eq!(rendering("Office"), None);
        assert_eq!(rendering("Tokayev"), None);
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

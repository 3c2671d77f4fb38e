//! Numbers in any script, read to one canonical form: what the aligner anchors on and what
//! matching and checks compare.
//!
//! Digits of any script are read (`2,500`, `٢٬٥٠٠`, `2500` are the same number; `3.5` and `٣٫٥`
//! too), and a multiplier word after them is applied (`200 ألف` and `200,000`, `2.5 million`
//! and `2,500,000`). Numbers come back as canonical decimal strings.
//!
//! [`numbers`] reads digits only (what the aligner anchors on); [`number_spans`] also reads
//! number words of both languages (`ثلاثة` = `three` = 3, `مئة ألف` = 100,000) and says where
//! each number is in the text, for the checks.

use std::ops::Range;

use std::collections::HashMap;
use std::sync::OnceLock;

use super::normalize::{Word, stem, word_spans};

/// Multiplier words and the power of ten they stand for.
const MULTIPLIERS: &[(&str, u32)] = &[
    ("thousand", 3),
    ("thousands", 3),
    ("million", 6),
    ("millions", 6),
    ("m", 6),
    ("billion", 9),
    ("billions", 9),
    ("bn", 9),
    ("trillion", 12),
    ("ألف", 3),
    ("الف", 3),
    ("آلاف", 3),
    ("الاف", 3),
    ("ألفا", 3),
    ("مليون", 6),
    ("ملايين", 6),
    ("مليار", 9),
    ("مليارات", 9),
    ("بليون", 9),
    ("تريليون", 12),
];

/// The numbers in `text`, canonical, in order of appearance.
pub fn numbers(text: &str) -> Vec<String> {
    digit_numbers(text).into_iter().map(|n| n.value).collect()
}

/// A number found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number {
    /// Canonical decimal value (`2500000`, `3.5`).
    pub value: String,
    /// Bytes of the text it was read from (digits, or words, with a multiplier word after them).
    pub span: Range<usize>,
    /// Written in words only (`three`, `ثلاثة`, `مليون`), without digits.
    pub in_words: bool,
    /// Written in a way the other language need not mirror: an ordinal (`34th`), a decade
    /// (`1930s`), the minutes of a time (`04:00`).
    pub loose: bool,
    /// The number of a century (`19th century`, `القرن التاسع عشر`), which the other language
    /// may give as a year or a decade of it (`the 1800s`).
    pub century: bool,
}

impl Number {
    /// True when the two numbers say the same: the same value, or a century and a year or
    /// decade within it (`القرن الواحد والعشرين` and `the early 2000s`).
    pub fn agrees_with(&self, other: &Number) -> bool {
        if self.value == other.value {
            return true;
        }
        let within = |century: &Number, year: &Number| {
            century.century
                && !year.century
                && year.loose
                && matches!(
                    (century.value.parse::<u64>(), year.value.parse::<u64>()),
                    (Ok(c), Ok(y)) if y >= 100 && y / 100 + 1 == c
                )
        };
        within(self, other) || within(other, self)
    }
}

/// The numbers in `text`, in digits ([`numbers`]) or in words of either language, in order of
/// appearance, with their places in the text.
///
/// Words read: English `one`…`nineteen`, the tens, `hundred`, `thousand`, `million`, `billion`
/// (`a hundred`, `two million`); Arabic `واحد`…`عشرة` (both genders, with clitics: `وثلاثة`,
/// `بعشرة`), the tens (`عشرون`, `عشرين`), `مئة`/`مائة`, `مئتان`, `ألف`, `ألفان`, `مليون`,
/// `مليار`, and the plurals `آلاف`, `ملايين`, `مليارات` after a number (`ثلاثة آلاف` = 3000; alone
/// they are no number). `في المئة` and `بالمئة` are "percent", not 100.
pub fn number_spans(text: &str) -> Vec<Number> {
    number_spans_of(text, &word_spans(text))
}

/// [`number_spans`] for a text whose words ([`word_spans`]) are already known.
pub fn number_spans_of(text: &str, words: &[Word]) -> Vec<Number> {
    let digits = digit_numbers(text);
    let (mut out, ordinal_words) = ordinals(words);
    let mut k = 0;
    while k < words.len() {
        let w = &words[k];
        if ordinal_words[k] || digits.iter().any(|d| overlaps(&d.span, &w.span)) {
            k += 1;
            continue;
        }
        // eleven and twelve: أحد عشر, إحدى عشرة, اثنا عشر, اثنتي عشرة (their first word is
        // no number alone: أحد is also "someone", and the construct form of two is not listed)
        if let Some(m) = words.get(k + 1)
            && matches!(m.norm.as_str(), "عشر" | "عشره")
            && let Some(v) = eleven_or_twelve(stem(&w.norm))
        {
            out.push(Number {
                value: v.to_string(),
                span: w.span.start..m.span.end,
                in_words: true,
                loose: false,
                century: false,
            });
            k += 2;
            continue;
        }
        let Some(value) = word_value(&w.norm, k.checked_sub(1).map(|p| words[p].norm.as_str()))
        else {
            k += 1;
            continue;
        };
        // a multiplier word after a small number: three thousand, ثلاثة آلاف, مئة ألف
        let mut value = value;
        let mut end = w.span.end;
        let mut next = k + 1;
        // the teens: أربعة عشر, ثلاث عشرة
        if let (WordValue::Plain(v @ 1..=9), Some(m)) = (value, words.get(next))
            && matches!(m.norm.as_str(), "عشر" | "عشره")
        {
            value = WordValue::Plain(v + 10);
            end = m.span.end;
            next += 1;
        }
        if let Some(m) = words.get(next)
            && let Some(power) = multiplier_word(&m.norm)
            && value.as_plain() < 1000
        {
            value = WordValue::Plain(value.as_plain() * 10u64.pow(power));
            end = m.span.end;
            next += 1;
        }
        if let WordValue::Plain(v) = value {
            out.push(Number {
                value: v.to_string(),
                span: w.span.start..end,
                in_words: true,
                loose: false,
                century: false,
            });
        }
        k = next;
    }
    out.extend(digits.into_iter().map(|n| read_around(text, words, n)));
    out.sort_by_key(|n| n.span.start);
    complete_year_ranges(text, &mut out);
    out
}

/// The second year of a range written short (`1950-53`, `2018–19`) in full: two digits after
/// a year and a dash, later than it in its century.
fn complete_year_ranges(text: &str, numbers: &mut [Number]) {
    for k in 1..numbers.len() {
        let (before, after) = numbers.split_at_mut(k);
        let (first, second) = (&before[k - 1], &mut after[0]);
        let plain =
            |n: &Number| !n.in_words && !n.loose && n.value.bytes().all(|b| b.is_ascii_digit());
        if !plain(first) || !plain(second) || first.value.len() != 4 || second.value.len() != 2 {
            continue;
        }
        let Ok(year) = first.value.parse::<u32>() else {
            continue;
        };
        let Ok(short) = second.value.parse::<u32>() else {
            continue;
        };
        let full = year / 100 * 100 + short;
        let dash = matches!(
            &text[first.span.end..second.span.start],
            "-" | "\u{2013}" | "\u{2014}" | "/"
        );
        if dash && (1000..2100).contains(&year) && full > year {
            second.value = full.to_string();
        }
    }
}

/// The first word of eleven or twelve (normalised, without clitics), before `عشر`/`عشرة`.
fn eleven_or_twelve(word: &str) -> Option<u64> {
    match word {
        "احد" | "احدي" => Some(11),
        "اثنا" | "اثني" | "اثنتا" | "اثنتي" => Some(12),
        _ => None,
    }
}

/// What the text around a number in digits says about it: a multiplier glued to it
/// (`£11million`), an ordinal or decade suffix (`34th`, `1930s`), the minutes of a time.
fn read_around(text: &str, words: &[Word], mut n: Number) -> Number {
    // the century: 19th century, القرن 19
    let next = words.iter().find(|w| w.span.start >= n.span.end);
    let previous = words.iter().rev().find(|w| w.span.end <= n.span.start);
    n.century = next.is_some_and(|w| w.norm == "century")
        || previous.is_some_and(|w| stem(&w.norm) == "قرن");
    let after = &text[n.span.end..];
    let glued: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
    let lower = glued.to_lowercase();
    if let Some(&(_, power)) = MULTIPLIERS.iter().find(|(w, _)| w.len() > 2 && *w == lower) {
        n.value = shift(&n.value, power);
        n.span.end += glued.len();
    } else if matches!(lower.as_str(), "st" | "nd" | "rd" | "th" | "s") {
        n.loose = true;
    }
    let before = &text[..n.span.start];
    // a rank: No. 1, No 5, #3
    let rank = before.trim_end();
    if rank.ends_with("No.") || rank.ends_with("No") || rank.ends_with('#') {
        n.loose = true;
    }
    if before.ends_with(':') && before[..before.len() - 1].ends_with(|c: char| c.is_ascii_digit()) {
        n.loose = true;
    }
    n
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// What a number word stands for: a value, or a plural multiplier (`آلاف`) that is a number only
/// after another.
#[derive(Clone, Copy, Debug)]
enum WordValue {
    Plain(u64),
    PluralOnly,
}

impl WordValue {
    fn as_plain(self) -> u64 {
        match self {
            WordValue::Plain(v) => v,
            WordValue::PluralOnly => u64::MAX,
        }
    }
}

/// English number words.
const ENGLISH_WORDS: &[(&str, u64)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
    ("hundred", 100),
    ("thousand", 1_000),
    ("million", 1_000_000),
    ("billion", 1_000_000_000),
];

/// Arabic number words, normalised (ة → ه, أ → ا) and without clitics.
const ARABIC_WORDS: &[(&str, u64)] = &[
    ("واحد", 1),
    ("واحده", 1),
    ("اثنان", 2),
    ("اثنين", 2),
    ("اثنتان", 2),
    ("اثنتين", 2),
    ("ثلاث", 3),
    ("ثلاثه", 3),
    ("اربع", 4),
    ("اربعه", 4),
    ("خمس", 5),
    ("خمسه", 5),
    ("ست", 6),
    ("سته", 6),
    ("سبع", 7),
    ("سبعه", 7),
    ("ثمان", 8),
    ("ثماني", 8),
    ("ثمانيه", 8),
    ("تسع", 9),
    ("تسعه", 9),
    ("عشر", 10),
    ("عشره", 10),
    ("عشرون", 20),
    ("عشرين", 20),
    ("ثلاثون", 30),
    ("ثلاثين", 30),
    ("اربعون", 40),
    ("اربعين", 40),
    ("خمسون", 50),
    ("خمسين", 50),
    ("ستون", 60),
    ("ستين", 60),
    ("سبعون", 70),
    ("سبعين", 70),
    ("ثمانون", 80),
    ("ثمانين", 80),
    ("تسعون", 90),
    ("تسعين", 90),
    ("مئه", 100),
    ("مائه", 100),
    ("مئتان", 200),
    ("مئتين", 200),
    ("مائتان", 200),
    ("مائتين", 200),
    ("الف", 1_000),
    ("الفان", 2_000),
    ("الفين", 2_000),
    ("مليون", 1_000_000),
    ("مليونان", 2_000_000),
    ("مليونين", 2_000_000),
    ("مليار", 1_000_000_000),
];

/// Plural multipliers, numbers only after another number.
const PLURAL_MULTIPLIERS: &[(&str, u32)] = &[
    ("الاف", 3),
    ("ملايين", 6),
    ("مليارات", 9),
    ("thousands", 3),
    ("millions", 6),
    ("billions", 9),
];

/// The value of a normalised word, if it is a number word; `before` is the word before it.
fn word_value(word: &str, before: Option<&str>) -> Option<WordValue> {
    static TABLE: OnceLock<HashMap<&'static str, u64>> = OnceLock::new();
    let table = TABLE.get_or_init(|| ENGLISH_WORDS.iter().chain(ARABIC_WORDS).copied().collect());
    let bare = stem(word);
    if !table.contains_key(word) && !table.contains_key(bare) && multiplier_word(word).is_none() {
        return None;
    }
    if let Some(&(_, v)) = ENGLISH_WORDS.iter().find(|(w, _)| *w == word) {
        return Some(WordValue::Plain(v));
    }
    if PLURAL_MULTIPLIERS.iter().any(|(w, _)| *w == word) {
        return Some(WordValue::PluralOnly);
    }
    if !word
        .chars()
        .next()
        .is_some_and(crate::lang::is_arabic_letter)
    {
        return None;
    }
    // في المئة, بالمئة, بالمائة: "percent"
    // tens and "one" with the article are ordinals (القرن العشرين, المرة الرابعة والثلاثين,
    // الواحد والعشرين), and so is عشر after an ordinal (التاسع عشر)
    let article = ["ال", "وال", "فال"].iter().any(|a| word.starts_with(a));
    let tens_or_one = ARABIC_WORDS
        .iter()
        .any(|&(w, v)| w == bare && (v == 1 || (20..100).contains(&v)));
    if article && tens_or_one {
        return None;
    }
    // الاثنين with the article is Monday (يوم الاثنين), as الأحد is Sunday
    if article && bare == "اثنين" {
        return None;
    }
    if matches!(bare, "عشر" | "عشره") && before.is_some_and(|b| b.starts_with("ال")) {
        return None;
    }
    if matches!(bare, "مئه" | "مائه") && (before == Some("في") || word.starts_with("بال"))
    {
        return None;
    }
    ARABIC_WORDS
        .iter()
        .find(|(w, _)| *w == word || *w == bare)
        .map(|&(_, v)| WordValue::Plain(v))
}

/// English ordinal words and their values (`twenty-first` is `twenty` and `first`).
const ENGLISH_ORDINALS: &[(&str, u64)] = &[
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("eleventh", 11),
    ("twelfth", 12),
    ("thirteenth", 13),
    ("fourteenth", 14),
    ("fifteenth", 15),
    ("sixteenth", 16),
    ("seventeenth", 17),
    ("eighteenth", 18),
    ("nineteenth", 19),
    ("twentieth", 20),
    ("thirtieth", 30),
    ("fortieth", 40),
    ("fiftieth", 50),
    ("sixtieth", 60),
    ("seventieth", 70),
    ("eightieth", 80),
    ("ninetieth", 90),
    ("hundredth", 100),
];

/// Arabic ordinals of one to ten, normalised, without the article (masculine and feminine;
/// `الحادي` is the one of `الحادي عشر`, eleventh).
const ARABIC_ORDINALS: &[(&str, u64)] = &[
    ("اول", 1),
    ("اولي", 1),
    ("حادي", 1),
    ("حاديه", 1),
    ("ثاني", 2),
    ("ثانيه", 2),
    ("ثالث", 3),
    ("ثالثه", 3),
    ("رابع", 4),
    ("رابعه", 4),
    ("خامس", 5),
    ("خامسه", 5),
    ("سادس", 6),
    ("سادسه", 6),
    ("سابع", 7),
    ("سابعه", 7),
    ("ثامن", 8),
    ("ثامنه", 8),
    ("تاسع", 9),
    ("تاسعه", 9),
    ("عاشر", 10),
    ("عاشره", 10),
];

/// Arabic ordinal adverbs (`أولاً`, firstly), normalised, with or without `و`/`ف`: ordinals
/// without the article.
const ARABIC_ORDINAL_ADVERBS: &[(&str, u64)] = &[("اولا", 1), ("ثانيا", 2), ("ثالثا", 3)];

/// Months named with an ordinal (`تشرين الثاني`, November; `ربيع الأول`): no ordinal.
const ORDINAL_MONTHS: &[&str] = &["تشرين", "كانون", "ربيع", "جمادي"];

/// The ordinals written in words, as loose numbers (`الرابعة والثلاثين` = 34, `التاسع عشر` =
/// 19, `العشرين` = 20, `fifth` = 5, `twenty-first` = 21), and which words they take.
fn ordinals(words: &[Word]) -> (Vec<Number>, Vec<bool>) {
    let mut out = Vec::new();
    let mut taken = vec![false; words.len()];
    let arabic_unit = |w: &str| {
        ["ال", "وال", "فال", "بال"]
            .iter()
            .find_map(|a| w.strip_prefix(a))
            .and_then(|bare| ARABIC_ORDINALS.iter().find(|(o, _)| *o == bare))
            .map(|&(_, v)| v)
    };
    let arabic_tens = |w: &str| {
        ["ال", "وال", "فال", "بال"]
            .iter()
            .find_map(|a| w.strip_prefix(a))
            .and_then(|bare| {
                ARABIC_WORDS
                    .iter()
                    .find(|&&(t, v)| t == bare && (20..100).contains(&v))
            })
            .map(|&(_, v)| v)
    };
    let english_tens = |w: &str| {
        ENGLISH_WORDS
            .iter()
            .find(|&&(t, v)| t == w && (20..100).contains(&v) && v % 10 == 0)
            .map(|&(_, v)| v)
    };
    let ordinal = |w: &str| {
        ENGLISH_ORDINALS
            .iter()
            .find(|(o, _)| *o == w)
            .map(|&(_, v)| v)
    };
    let mut k = 0;
    while k < words.len() {
        let w = words[k].norm.as_str();
        let previous = k.checked_sub(1).map(|p| words[p].norm.as_str());
        let next = words.get(k + 1).map(|n| n.norm.as_str());
        let mut value = None;
        let mut last = k;
        let one_of_tens = ["الواحد", "الواحده", "والواحد", "والواحده"].contains(&w)
            && next.and_then(arabic_tens).is_some();
        if one_of_tens {
            // الواحد والعشرين: twenty-first (الواحد alone is "the one")
            value = next.and_then(arabic_tens).map(|t| t + 1);
            last = k + 1;
        } else if let Some(u) = arabic_unit(w)
            && !previous
                .is_some_and(|p| ORDINAL_MONTHS.contains(&p) || ORDINAL_MONTHS.contains(&stem(p)))
        {
            value = Some(u);
            if u < 10 && next.is_some_and(|n| matches!(n, "عشر" | "عشره")) {
                value = Some(u + 10);
                last = k + 1;
            } else if let Some(t) = next.and_then(arabic_tens) {
                value = Some(u + t);
                last = k + 1;
            }
        } else if let Some(t) = arabic_tens(w) {
            value = Some(t);
        } else if let Some(&(_, v)) = ARABIC_ORDINAL_ADVERBS
            .iter()
            .find(|(a, _)| [w, w.strip_prefix(['و', 'ف']).unwrap_or(w)].contains(a))
        {
            value = Some(v);
        } else if let Some(t) = english_tens(w)
            && let Some(u) = next.and_then(ordinal)
            && u < 10
        {
            value = Some(t + u);
            last = k + 1;
        } else if let Some(o) = ordinal(w) {
            value = Some(o);
        }
        let Some(value) = value else {
            k += 1;
            continue;
        };
        let after = words.get(last + 1).map(|n| n.norm.as_str());
        out.push(Number {
            value: value.to_string(),
            span: words[k].span.start..words[last].span.end,
            in_words: true,
            loose: true,
            century: previous.is_some_and(|p| stem(p) == "قرن") || after == Some("century"),
        });
        for t in &mut taken[k..=last] {
            *t = true;
        }
        k = last + 1;
    }
    (out, taken)
}

/// The power of ten of a multiplier word (singular or plural) after a number.
fn multiplier_word(word: &str) -> Option<u32> {
    let bare = stem(word);
    PLURAL_MULTIPLIERS
        .iter()
        .chain(&[
            ("الف", 3),
            ("مليون", 6),
            ("مليار", 9),
            ("hundred", 2),
            ("thousand", 3),
            ("million", 6),
            ("billion", 9),
            ("مئه", 2),
            ("مائه", 2),
        ])
        .find(|(w, _)| *w == word || *w == bare)
        .map(|&(_, p)| p)
}

/// The numbers written with digits, with their spans (a multiplier word after them included).
fn digit_numbers(text: &str) -> Vec<Number> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if digit_value(chars[k].1).is_none() {
            k += 1;
            continue;
        }
        // a run of digits and single separators between digits
        let start = k;
        let mut end = k;
        while end < chars.len() {
            let c = chars[end].1;
            let separator_inside =
                is_separator(c) && end + 1 < chars.len() && digit_value(chars[end + 1].1).is_some();
            if digit_value(c).is_some() || separator_inside {
                end += 1;
            } else {
                break;
            }
        }
        let run: Vec<char> = chars[start..end].iter().map(|&(_, c)| c).collect();
        if let Some(mut value) = canonical(&run) {
            let rest_at = chars.get(end).map_or(text.len(), |&(i, _)| i);
            let mut span_end = rest_at;
            if let Some((power, len)) = multiplier_after(&text[rest_at..]) {
                value = shift(&value, power);
                span_end = rest_at + len;
            }
            out.push(Number {
                value,
                span: chars[start].0..span_end,
                in_words: false,
                loose: false,
                century: false,
            });
        }
        k = end;
    }
    out
}

fn digit_value(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{0660}'..='\u{0669}' => Some((c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => Some((c as u32 - 0x06F0) as u8),
        _ => None,
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, ',' | '.' | '\u{066B}' | '\u{066C}')
}

/// Reads digits and separators as a number: `٬` groups thousands and `٫` marks decimals; `,`
/// groups thousands when every group after it has three digits (else it is a decimal comma);
/// `.` is a decimal point unless it repeats with three-digit groups (`1.000.000`).
fn canonical(run: &[char]) -> Option<String> {
    let mut groups: Vec<String> = vec![String::new()];
    let mut seps: Vec<char> = Vec::new();
    for &c in run {
        match digit_value(c) {
            Some(d) => groups.last_mut()?.push(char::from(b'0' + d)),
            None => {
                seps.push(c);
                groups.push(String::new());
            }
        }
    }
    let three = |g: &[String]| g.iter().all(|x| x.len() == 3);
    let (int, frac): (String, String) = match seps.as_slice() {
        [] => (groups.concat(), String::new()),
        s if s.iter().all(|&c| c == '\u{066C}') => (groups.concat(), String::new()),
        s if s.iter().all(|&c| c == ',') && three(&groups[1..]) => (groups.concat(), String::new()),
        s if s.len() > 1 && s.iter().all(|&c| c == '.') && three(&groups[1..]) => {
            (groups.concat(), String::new())
        }
        s if s.len() == 1 => (groups[0].clone(), groups[1].clone()),
        // thousands separators then one decimal mark: 1,234.5 or 1.234,5 or ١٬٢٣٤٫٥
        s => {
            let last = groups.len() - 1;
            if !three(&groups[1..last]) || s[..s.len() - 1].contains(&s[s.len() - 1]) {
                return None;
            }
            (groups[..last].concat(), groups[last].clone())
        }
    };
    Some(join(&int, &frac))
}

fn join(int: &str, frac: &str) -> String {
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// Multiplies a canonical decimal by 10^power.
fn shift(value: &str, power: u32) -> String {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    let power = power as usize;
    let mut digits = format!("{int}{frac}");
    if frac.len() <= power {
        digits.extend(std::iter::repeat_n('0', power - frac.len()));
        join(&digits, "")
    } else {
        let point = int.len() + power;
        join(&digits[..point], &digits[point..])
    }
}

/// The power of ten of a multiplier word right after a number (`2.5 million`, `2.5m`), and the
/// bytes up to the end of that word.
fn multiplier_after(rest: &str) -> Option<(u32, usize)> {
    let trimmed = rest.trim_start();
    let glued = trimmed.len() == rest.len();
    let word: String = trimmed.chars().take_while(|c| c.is_alphabetic()).collect();
    if glued && !matches!(word.as_str(), "m" | "bn") {
        return None;
    }
    if !glued && matches!(word.as_str(), "m") {
        return None;
    }
    let len = rest.len() - trimmed.len() + word.len();
    MULTIPLIERS
        .iter()
        .find(|(w, _)| *w == word.to_lowercase())
        .map(|&(_, p)| (p, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_of_every_script_and_separator_style_agree() {
        assert_eq!(numbers("about 2,500 soldiers"), ["2500"]);
        assert_eq!(numbers("حوالي ٢٬٥٠٠ جندي"), ["2500"]);
        assert_eq!(numbers("حوالي 2500 جندي"), ["2500"]);
        assert_eq!(numbers("۲۵۰۰"), ["2500"]);
        assert_eq!(numbers("3.5% and ٣٫٥٪"), ["3.5", "3.5"]);
        assert_eq!(numbers("1,234.50 and 1.234,5"), ["1234.5", "1234.5"]);
        assert_eq!(numbers("1.000.000"), ["1000000"]);
        assert_eq!(numbers("2,5"), ["2.5"]);
    }

    #[test]
    fn a_year_range_written_short_ends_in_the_same_century() {
        assert_eq!(values("the 1950-53 Korean War"), ["1950", "1953"]);
        assert_eq!(values("the 2018\u{2013}19 season"), ["2018", "2019"]);
        assert_eq!(values("من 1950 وحتى 1953"), ["1950", "1953"]);
        // not a range: an earlier number, or a score after a year
        assert_eq!(values("in 1999-12"), ["1999", "12"]);
        assert_eq!(values("a 2-1 win"), ["2", "1"]);
    }

    #[test]
    fn multiplier_words_are_applied() {
        assert_eq!(numbers("\"200 ألف من رجال العصابات\""), ["200000"]);
        assert_eq!(numbers("\"200,000 bandits\""), ["200000"]);
        assert_eq!(numbers("2.5 million people"), ["2500000"]);
        assert_eq!(numbers("$2.5m and $3bn"), ["2500000", "3000000000"]);
        assert_eq!(numbers("1.5 مليار دولار"), ["1500000000"]);
        // "m" apart from the number is a word, not a multiplier
        assert_eq!(numbers("5 m tall"), ["5"]);
    }

    fn spans(text: &str) -> Vec<(String, &str, bool)> {
        number_spans(text)
            .into_iter()
            .map(|n| (n.value, &text[n.span], n.in_words))
            .collect()
    }

    fn values(text: &str) -> Vec<String> {
        number_spans(text).into_iter().map(|n| n.value).collect()
    }

    #[test]
    fn number_words_of_both_languages_are_read() {
        assert_eq!(values("ثلاثة قتلى"), ["3"]);
        assert_eq!(values("three dead"), ["3"]);
        assert_eq!(values("وثلاثة آخرين وبعشرة"), ["3", "10"]);
        assert_eq!(values("a hundred people and twenty"), ["100", "20"]);
        assert_eq!(values("مئة ألف شخص"), ["100000"]);
        assert_eq!(values("three thousand people"), ["3000"]);
        assert_eq!(values("ثلاثة آلاف"), ["3000"]);
        assert_eq!(values("مليون دولار"), ["1000000"]);
        // plurals alone are no number; "percent" is not a hundred
        assert_eq!(values("آلاف المتظاهرين"), Vec::<String>::new());
        assert_eq!(values("thousands of protesters"), Vec::<String>::new());
        assert_eq!(values("50 في المئة و20 بالمائة"), ["50", "20"]);
        assert_eq!(values("الرجال الثلاثة"), ["3"]);
        assert_eq!(values("أربعة عشر شخصا وثلاث عشرة امرأة"), ["14", "13"]);
        assert_eq!(
            values("لديه اثنتا عشرة نقطة وأحد عشر لاعبا واثني عشر شهرا"),
            ["12", "11", "12"]
        );
        // أحد alone is "someone", and عشرة alone is ten
        assert_eq!(values("قال أحد اللاعبين إن عشرة غابوا"), ["10"]);
        // الاثنين with the article is Monday; two without it is a number
        assert_eq!(values("وصل الوفد يوم الاثنين"), Vec::<String>::new());
        assert_eq!(values("وصل الوفد الإثنين الماضي"), Vec::<String>::new());
        assert_eq!(values("قتل اثنين من الجنود"), ["2"]);
    }

    #[test]
    fn ordinals_are_loose_numbers_and_centuries_agree_with_their_years() {
        let loose = |text: &str| -> Vec<(String, bool, bool)> {
            number_spans(text)
                .into_iter()
                .map(|n| (n.value, n.loose, n.century))
                .collect()
        };
        let n = |v: &str, century: bool| (v.to_string(), true, century);
        assert_eq!(
            loose("القرن التاسع عشر والمرة الرابعة والثلاثين"),
            [n("19", true), n("34", false)]
        );
        assert_eq!(loose("ثلاثينيات القرن العشرين"), [n("20", true)]);
        // the adverbs: firstly, secondly
        assert_eq!(
            loose("يجب أن تتخلى عن سلاحها أولاً وثانياً"),
            [n("1", false), n("2", false)]
        );
        assert_eq!(loose("الذكرى الخمسين"), [n("50", false)]);
        assert_eq!(loose("the twenty-first century"), [n("21", true)]);
        assert_eq!(loose("its fifth title"), [n("5", false)]);
        // a month named with an ordinal is no ordinal
        assert!(loose("في تشرين الثاني").is_empty());
        let first = |text: &str| number_spans(text).remove(0);
        assert!(first("القرن الواحد والعشرين").agrees_with(&first("the early 2000s")));
        assert!(first("the 19th century").agrees_with(&first("القرن التاسع عشر")));
        assert!(!first("القرن التاسع عشر").agrees_with(&first("the 12th century")));
        assert!(!first("القرن التاسع عشر").agrees_with(&first("in 1850")));
    }

    #[test]
    fn what_surrounds_digits_is_read() {
        let n = number_spans("a £11million deal");
        assert_eq!((n[0].value.as_str(), n[0].loose), ("11000000", false));
        for text in [
            "his 34th start",
            "in the 1930s",
            "at 04:00 BST",
            "to be No.1",
        ] {
            let last = number_spans(text).pop().unwrap();
            assert!(last.loose, "{text}");
        }
        assert!(!number_spans("about 26 people")[0].loose);
    }

    #[test]
    fn number_spans_point_at_the_number_as_written() {
        assert_eq!(
            spans("\"200 ألف من رجال العصابات\""),
            [("200000".to_string(), "200 ألف", false)]
        );
        assert_eq!(
            spans("Tokayev said 2.5 million and three"),
            [
                ("2500000".to_string(), "2.5 million", false),
                ("3".to_string(), "three", true)
            ]
        );
        assert_eq!(spans("٢٬٥٠٠ جندي")[0].1, "٢٬٥٠٠");
    }

    #[test]
    fn digits_read_the_same_with_or_without_words() {
        for text in [
            "about 2,500 soldiers",
            "حوالي ٢٬٥٠٠ جندي",
            "$2.5m and $3bn",
            "in 2022. Then 18",
        ] {
            let digits: Vec<String> = number_spans(text)
                .into_iter()
                .filter(|n| !n.in_words)
                .map(|n| n.value)
                .collect();
            assert_eq!(digits, numbers(text), "{text}");
        }
    }

    #[test]
    fn sentence_punctuation_is_not_part_of_a_number() {
        assert_eq!(numbers("in 2022. Then 18, and 26."), ["2022", "18", "26"]);
        assert_eq!(numbers("no digits here"), Vec::<String>::new());
    }
}

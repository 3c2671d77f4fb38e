//! Numbers in any script, read to one canonical form: what the aligner anchors on and what
//! matching and checks compare.
//!
//! Digits of any script are read (`2,500`, `٢٬٥٠٠`, `2500` are the same number; `3.5` and `٣٫٥`
//! too), and a multiplier word after them is applied (`200 ألف` and `200,000`, `2.5 million`
//! and `2,500,000`). Numbers come back as canonical decimal strings.

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
            if let Some(power) = multiplier_after(&text[rest_at..]) {
                value = shift(&value, power);
            }
            out.push(value);
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

/// The power of ten of a multiplier word right after a number (`2.5 million`, `2.5m`).
fn multiplier_after(rest: &str) -> Option<u32> {
    let trimmed = rest.trim_start();
    let glued = trimmed.len() == rest.len();
    let word: String = trimmed.chars().take_while(|c| c.is_alphabetic()).collect();
    if glued && !matches!(word.as_str(), "m" | "bn") {
        return None;
    }
    if !glued && matches!(word.as_str(), "m") {
        return None;
    }
    MULTIPLIERS
        .iter()
        .find(|(w, _)| *w == word.to_lowercase())
        .map(|&(_, p)| p)
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
    fn multiplier_words_are_applied() {
        assert_eq!(numbers("\"200 ألف من رجال العصابات\""), ["200000"]);
        assert_eq!(numbers("\"200,000 bandits\""), ["200000"]);
        assert_eq!(numbers("2.5 million people"), ["2500000"]);
        assert_eq!(numbers("$2.5m and $3bn"), ["2500000", "3000000000"]);
        assert_eq!(numbers("1.5 مليار دولار"), ["1500000000"]);
        // "m" apart from the number is a word, not a multiplier
        assert_eq!(numbers("5 m tall"), ["5"]);
    }

    #[test]
    fn sentence_punctuation_is_not_part_of_a_number() {
        assert_eq!(numbers("in 2022. Then 18, and 26."), ["2022", "18", "26"]);
        assert_eq!(numbers("no digits here"), Vec::<String>::new());
    }
}

//! Languages bitext knows: their codes, and telling them apart by script.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A language with segmentation rules and matching support.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Modern Standard Arabic.
    Ar,
    /// English.
    En,
}

impl Lang {
    /// The ISO 639-1 code: `ar`, `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    }

    /// Parses a language code, matching the primary subtag case-insensitively:
    /// `ar`, `AR`, `ar-SA`, `ar_EG`, `en-GB` are all accepted.
    pub fn parse(code: &str) -> Result<Lang, Error> {
        let primary = code.split(['-', '_']).next().unwrap_or("");
        match primary.to_ascii_lowercase().as_str() {
            "ar" | "ara" | "arb" => Ok(Lang::Ar),
            "en" | "eng" => Ok(Lang::En),
            _ => Err(Error::UnknownLanguage(code.to_string())),
        }
    }

    /// Guesses the language of a short text from its script: any Arabic letter makes it Arabic.
    pub fn detect(text: &str) -> Lang {
        if text.chars().any(is_arabic_letter) {
            Lang::Ar
        } else {
            Lang::En
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = Error;
    fn from_str(s: &str) -> Result<Lang, Error> {
        Lang::parse(s)
    }
}

/// True for letters of the Arabic script (basic block, supplement and presentation forms),
/// not for its digits, punctuation or diacritics.
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c,
        '\u{0620}'..='\u{063F}' | '\u{0641}'..='\u{064A}' | '\u{066E}'..='\u{066F}'
        | '\u{0671}'..='\u{06D3}' | '\u{06D5}' | '\u{06EE}'..='\u{06EF}' | '\u{06FA}'..='\u{06FC}'
        | '\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08C9}'
        | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFC}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_on_the_primary_subtag() {
        for code in ["ar", "AR", "ar-SA", "ar_EG", "arb"] {
            assert_eq!(Lang::parse(code).unwrap(), Lang::Ar, "{code}");
        }
        for code in ["en", "EN", "en-GB", "en-us"] {
            assert_eq!(Lang::parse(code).unwrap(), Lang::En, "{code}");
        }
    }

    #[test]
    fn unknown_codes_are_refused_by_name() {
        let err = Lang::parse("fr").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown language 'fr' (bitext knows: ar, en)"
        );
        assert!(Lang::parse("").is_err());
    }

    #[test]
    fn script_decides_the_detected_language() {
        assert_eq!(Lang::detect("قال توقاييف"), Lang::Ar);
        assert_eq!(Lang::detect("Tokayev said"), Lang::En);
        assert_eq!(Lang::detect("2,500"), Lang::En);
        // tatweel and harakat alone are not letters
        assert!(!is_arabic_letter('\u{0640}'));
        assert!(!is_arabic_letter('\u{064E}'));
    }
}

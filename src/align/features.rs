//! What the aligner knows about one sentence besides its anchors: its length and its marks.

use crate::Lang;

/// The features of one sentence.
#[derive(Clone, Debug, Default)]
pub struct Features {
    /// Characters, not counting whitespace, harakat and tatweel.
    pub len: f64,
    /// Sentences inside it by the segmenter's rules (more than one in a merged line).
    pub sentences: u32,
    /// Double quotation marks (`"` `“` `”` `«` `»`).
    pub quotes: u32,
    /// Question marks (`?` `؟`).
    pub questions: u32,
    /// Exclamation marks.
    pub exclamations: u32,
}

/// Extracts the features of `text`, a sentence in `lang`.
pub fn extract(text: &str, lang: Lang) -> Features {
    let mut f = Features {
        sentences: crate::segment::split(text, lang).len().max(1) as u32,
        len: length(text),
        ..Features::default()
    };
    for c in text.chars() {
        match c {
            '"' | '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' => f.quotes += 1,
            '?' | '\u{061F}' => f.questions += 1,
            '!' => f.exclamations += 1,
            _ => {}
        }
    }
    f
}

/// The length the length model reads ([`Features::len`]): characters, not counting
/// whitespace, harakat and tatweel. Cheap: the rescorer takes it for every sentence.
pub fn length(text: &str) -> f64 {
    text.chars()
        .filter(|&c| {
            !c.is_whitespace() && !matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}')
        })
        .count() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_of_an_article_sentence() {
        let f = extract(
            "وقالت وزارة الداخلية إن 26 \"مجرما مسلحا\" لقوا مصرعهم، بينما أصيب 18 في الاضطرابات.",
            Lang::Ar,
        );
        assert_eq!(f.quotes, 2);
        assert_eq!(f.sentences, 1);
        let g = extract("Reuters: Tokayev met NATO. Why? Nobody knows!", Lang::En);
        assert_eq!(g.sentences, 3);
        assert_eq!((g.questions, g.exclamations), (1, 1));
    }

    #[test]
    fn length_ignores_spaces_and_harakat() {
        assert_eq!(extract("سُمع دويّ", Lang::Ar).len, 6.0);
        assert_eq!(extract("a b", Lang::En).len, 2.0);
    }
}

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
    let sentences = if surely_one_sentence(text) {
        1
    } else {
        crate::segment::split(text, lang).len().max(1) as u32
    };
    Features {
        sentences,
        ..extract_marks(text)
    }
}

/// True when no rule of the segmenter could break `text`: it has no sentence stop or line end
/// before its final stops, quotes and spaces, and no character of another script (whose
/// Unicode sentence boundaries the segmenter would consult). Most sentences are so, and the
/// segmenter need not run on them.
fn surely_one_sentence(text: &str) -> bool {
    let body = text.trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(c, '.' | '!' | '?' | '\u{2026}' | '\u{061F}' | '\u{06D4}')
            || matches!(
                c,
                '"' | '\'' | '\u{2019}' | '\u{201D}' | '\u{00BB}' | '\u{203A}' | ')' | ']' | '}'
            )
    });
    body.chars().all(|c| match c {
        '.' | '!' | '?' | '\n' | '\r' => false,
        c if c.is_ascii() => true,
        '\u{0600}'..='\u{06D3}' | '\u{06D5}'..='\u{06FF}' => c != '\u{061F}',
        '\u{00A0}'
        | '\u{00AB}'
        | '\u{00BB}'
        | '\u{2013}'
        | '\u{2014}'
        | '\u{2018}'..='\u{201D}' => true,
        _ => false,
    })
}

/// The features of `text` that need no segmentation (its length and marks), counting it as one
/// sentence.
pub fn extract_marks(text: &str) -> Features {
    let mut f = Features {
        sentences: 1,
        ..Features::default()
    };
    let mut len = 0usize;
    for c in text.chars() {
        match c {
            c if c.is_whitespace() => continue,
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => continue,
            '"' | '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' => f.quotes += 1,
            '?' | '\u{061F}' => f.questions += 1,
            '!' => f.exclamations += 1,
            _ => {}
        }
        len += 1;
    }
    // the same count as [`length`], in the same pass
    f.len = len as f64;
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
    fn sentences_are_counted_as_the_segmenter_counts_them() {
        for (text, lang) in [
            ("One sentence here.", Lang::En),
            ("Two here. And another.", Lang::En),
            ("Mr. Smith left.", Lang::En),
            ("It rose 3.5 percent.", Lang::En),
            ("A line\nand another", Lang::En),
            ("«قال» الرئيس، ثم غادر.", Lang::Ar),
            ("قال الرئيس. ثم غادر؟", Lang::Ar),
            ("\"Really?\" she asked.", Lang::En),
            ("中文。还有", Lang::En),
        ] {
            let segmented = crate::segment::split(text, lang).len().max(1) as u32;
            assert_eq!(extract(text, lang).sentences, segmented, "{text}");
        }
    }

    #[test]
    fn length_ignores_spaces_and_harakat() {
        assert_eq!(extract("سُمع دويّ", Lang::Ar).len, 6.0);
        assert_eq!(extract("a b", Lang::En).len, 2.0);
    }
}

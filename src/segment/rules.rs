//! The segmentation rules, as data.
//!
//! Like SRX, a rule says whether a sentence break goes between text matching `before` and text
//! matching `after`; at each candidate position the first rule that matches decides, and where
//! no rule matches the Unicode (UAX #29) sentence boundaries decide. Rules are tried on a window
//! of [`WINDOW`] bytes either side of the position.

/// What a rule decides at a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Break,
    NoBreak,
}

/// One row of a rule table.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// A short name, used in tests and in `--explain`-style debugging.
    pub name: &'static str,
    pub action: Action,
    /// A regular expression the text before the position must end with.
    pub before: &'static str,
    /// A regular expression the text after the position must start with.
    pub after: &'static str,
}

/// Bytes of context either side of a candidate position that rules see.
pub const WINDOW: usize = 80;

use Action::{Break, NoBreak};

const fn rule(
    name: &'static str,
    action: Action,
    before: &'static str,
    after: &'static str,
) -> Rule {
    Rule {
        name,
        action,
        before,
        after,
    }
}

/// Line ends of every kind, with the horizontal space before them.
macro_rules! nl {
    () => {
        r"[ \t\x{A0}]*(?:\r\n|\r|\n|\x{2028}|\x{2029}|\x{85})"
    };
}

/// Characters that end a sentence. (`،` and `؛`, the Arabic comma and semicolon, never do.)
macro_rules! term {
    () => {
        r"[.!?\x{2026}\x{203C}\x{2047}-\x{2049}\x{061F}\x{06D4}]"
    };
}

/// Closing quotes and brackets, which stay with the sentence they close.
macro_rules! close {
    () => {
        r#"["'\x{2019}\x{201D}\x{00BB}\x{203A})\]}]"#
    };
}

/// Opening quotes and brackets.
macro_rules! open {
    () => {
        r#"["'\x{2018}\x{201C}\x{00AB}\x{2039}(\[{]"#
    };
}

/// Arabic letters (hamza to ya, and the extended letters).
macro_rules! ar_letter {
    () => {
        r"[\x{0621}-\x{063A}\x{0641}-\x{064A}\x{0671}-\x{06D3}]"
    };
}

/// Rules shared by every language: line structure and numbers.
const COMMON_FIRST: &[Rule] = &[
    rule(
        "blank line",
        Break,
        "",
        concat!(nl!(), r"[ \t\x{A0}]*(?:\r\n|\r|\n)"),
    ),
    rule("inside a number", NoBreak, r"\d[.,\x{066B}\x{066C}]", r"\d"),
];

/// English titles that are always followed by a name.
const EN_TITLES: &str = r"(?:^|[^\p{L}.])(?:Mr|Mrs|Ms|Mx|Messrs|Dr|Prof|Gen|Lt|Col|Maj|Capt|Cpt|Sgt|Cpl|Adm|Cmdr|Gov|Sen|Rep|Pres|Supt|Insp|Rev|Fr|Hon|St|Mt|Ft|Sr|Jr|Mme|Mlle)\.";

/// English abbreviations that are followed by a number: `No. 5`, `Jan. 6`, `pp. 12`.
const EN_BEFORE_NUMBER: &str = r"(?:^|[^\p{L}.])(?:No|Nos|no|nos|Art|Arts|Sec|Secs|Ch|Chap|Fig|Figs|Vol|Vols|p|pp|para|paras|approx|ca|c|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Ex|ext|tel|Tel)\.";

/// Words that begin a new sentence after a dotted abbreviation such as `U.S.`.
macro_rules! starters {
    () => {
        r"(?:The|This|That|These|Those|He|She|It|Its|They|We|I|You|But|And|In|On|At|For|As|A|An|However|Meanwhile|There|His|Her|Their|Our|When|While|After|Before|Some|Many|Most|No|Yet|So)\b"
    };
}

/// English: abbreviations and initials hold a sentence together; a lower-case word after a stop
/// means the sentence goes on; otherwise a terminal followed by space ends it.
pub const ENGLISH: &[Rule] = &[
    rule("title before a name", NoBreak, EN_TITLES, r"\s"),
    rule(
        "abbreviation before a number",
        NoBreak,
        EN_BEFORE_NUMBER,
        r"\s+\d",
    ),
    rule(
        "dotted abbreviation ending a sentence",
        Break,
        r"(?:^|[^\p{L}.])(?:\p{Lu}\.){2,}",
        concat!(r"\s+", open!(), "*", starters!()),
    ),
    rule(
        "initials",
        NoBreak,
        r"(?:^|[^\p{L}.]|\p{Lu}\.)\p{Lu}\.",
        r"\s*\p{Lu}",
    ),
    rule(
        "lower-case word goes on",
        NoBreak,
        concat!(term!(), "+", close!(), "*"),
        concat!(r"\s+", open!(), r"*\p{Ll}"),
    ),
    rule(
        "terminal and space",
        Break,
        concat!(term!(), "+", close!(), "*"),
        r"(?:\s|$)",
    ),
    rule("stop inside a word", NoBreak, r"\.", r"[\p{L}\p{N}]"),
];

/// Words that open an Arabic sentence: a word with the conjunction `و` or `ف` (`وقال`, `فقد`,
/// `وفي`), or a particle that starts a clause. `في` and nouns are not among them: after `عام
/// 2022 م.` they usually go on with the same sentence.
macro_rules! ar_opener {
    () => {
        concat!(
            r"(?:[وف]",
            ar_letter!(),
            "{2,}|",
            r"(?:ثم|لكن|لكنه|لكنها|بيد|إلا|أما|إن|إنه|إنها|إذ|قد|لقد|كما|هذا|هذه|ذلك|تلك|هناك)",
            r"(?:[\s،,:]|$))"
        )
    };
}

/// Abbreviations that may end a sentence or go on with it: the era after a year (`2022 م.`,
/// `1443 هـ.`, `300 ق.م.`) and `إلخ.` (etc.).
const AR_ERA_OR_ETC: &str = r#"(?:\d\s*(?:م|هـ|ه|ق\.\s?م)|(?:^|[\s(«"])(?:إلخ|الخ|إلى آخره))\."#;

/// Arabic: no letter case, so the stop itself decides; one-letter abbreviations (`د.` doctor,
/// `أ.` professor, `م.` engineer, `ص.` page) and dotted ones (`أ.د.`, `ص.ب.`) hold; the era
/// after a year and `إلخ.` end a sentence only before a word that opens one (`ولد عام 1990 م.
/// وقال…` is two sentences, `في عام 2022 م. في ألماتي` one).
pub const ARABIC: &[Rule] = &[
    rule(
        "era or etc. before a sentence opener",
        Break,
        AR_ERA_OR_ETC,
        concat!(r"\s+", open!(), "*", ar_opener!()),
    ),
    rule(
        "era or etc. inside a sentence",
        NoBreak,
        AR_ERA_OR_ETC,
        r"[ \t\x{A0}]*[^\s]",
    ),
    rule(
        "dotted abbreviation",
        NoBreak,
        concat!(r#"(?:^|[\s(«"])(?:"#, ar_letter!(), r"\x{0640}?\.){2,}"),
        r"[ \t\x{A0}]*[^\s]",
    ),
    rule(
        "one-letter abbreviation",
        NoBreak,
        concat!(r#"(?:^|[\s(«"])"#, ar_letter!(), r"\x{0640}?\."),
        r"\s*\S",
    ),
    rule(
        "Latin initials",
        NoBreak,
        r"(?:^|[^\p{L}.]|\p{Lu}\.)\p{Lu}\.",
        r"\s*\p{Lu}",
    ),
    rule(
        "terminal and space",
        Break,
        concat!(term!(), "+", close!(), "*"),
        r"(?:\s|$)",
    ),
    rule(
        "terminal glued to the next Arabic word",
        Break,
        concat!(r"[.!?\x{2026}\x{061F}\x{06D4}]+", close!(), "*"),
        ar_letter!(),
    ),
    rule("stop inside a word", NoBreak, r"\.", r"[\p{L}\p{N}]"),
];

/// Rules shared by every language, tried after the language's own: line breaks.
const COMMON_LAST: &[Rule] = &[
    rule(
        "soft-wrapped line",
        NoBreak,
        r"[\p{Ll},;]",
        concat!(nl!(), r"[ \t]*\p{Ll}"),
    ),
    rule("line break", Break, "", nl!()),
];

/// The full ordered table for a language: common first rules, the language's, common last rules.
pub fn table(lang: crate::Lang) -> Vec<Rule> {
    let own = match lang {
        crate::Lang::Ar => ARABIC,
        crate::Lang::En => ENGLISH,
    };
    COMMON_FIRST
        .iter()
        .chain(own)
        .chain(COMMON_LAST)
        .copied()
        .collect()
}

//! Text as bitext compares it: the ground floor that alignment, search, the store's index and
//! the checks all stand on. Nothing here touches stored text; every function reads text and
//! returns a form for comparing.
//!
//! - [`normalize`]: the folding rules (NFKC, harakat, alef/ya/ta marbuta, digits, case), words
//!   and their spans, and Arabic clitic stripping ([`normalize::stem`]).
//! - [`terms`]: what the search index holds for a text, and when a text word matches a query word.
//! - [`numbers`]: numbers in any script and with multiplier words, in one canonical form.

pub mod normalize;
pub mod numbers;
pub mod terms;

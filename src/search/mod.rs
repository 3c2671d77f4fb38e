//! Matching: what "the same text" means for a translator.
//!
//! Normalisation and index terms live a floor below, in [`crate::text`].
//!
//! - [`score`]: the fuzzy match percentage and the words that differ.
//! - [`lookup`]: fuzzy lookup of a sentence in the memory.
//! - [`concordance`]: finding a word or phrase inside stored sentences.

pub mod concordance;
pub mod lookup;
pub mod score;

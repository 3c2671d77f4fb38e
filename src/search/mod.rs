//! Normalisation and matching: what "the same text" means for a translator.

pub mod normalize;

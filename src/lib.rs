//! bitext: sentence segmentation, alignment and a translation memory for Arabic–English.
//!
//! Data flows one way: `text -> segment -> align -> store -> (query | edit | check | review | export)`.
//! See `ARCHITECTURE.md` for the map.

pub mod align;
pub mod check;
pub mod cli;
pub mod error;
pub mod eval;
pub mod exchange;
pub mod files;
pub mod input;
pub mod lang;
pub mod realign;
pub mod report;
pub mod search;
pub mod segment;
pub mod serve;
pub mod store;
pub mod text;

#[cfg(test)]
pub(crate) mod fixtures;

pub use error::{Error, Result};
pub use lang::Lang;

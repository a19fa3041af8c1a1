//! # korpus
//!
//! A parallel batch pipeline for multilingual corpora in Arabic, German, Persian,
//! Russian and Slovenian: ingest → detect language → analyze → index, then
//! search, statistics and themes over the index.
//!
//! Every stage is a module; every language has its own file in [`lang`].
//! One analyzer per language ([`analysis::Analyzer`]) is used by the index, the
//! query parser, the statistics and the themes, so the terms that search sees
//! are the terms that statistics count.
//!
//! ```
//! use korpus::analysis::Analyzer;
//! use korpus::lang::Lang;
//! let tokens = Analyzer::get(Lang::Ru).analyze("Ёлки и клиенты");
//! assert!(tokens.iter().any(|t| t.term.starts_with("елк")));
//! ```
#![deny(missing_docs)]

pub mod analysis;
pub mod chars;
pub mod cli;
pub mod corpus;
pub mod detect;
pub mod error;
mod hint;
pub mod index;
pub mod ingest;
pub mod lang;
pub mod pipeline;
pub mod stats;
pub mod themes;

pub use error::{Error, Result};
pub use lang::Lang;

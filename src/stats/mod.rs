//! Corpus statistics over the analyzer's terms.

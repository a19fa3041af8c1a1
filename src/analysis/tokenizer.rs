//! The bridge to tantivy: a `Tokenizer` that runs a korpus [`Analyzer`], so the
//! index and the query parser use exactly the analysis of `analysis::Analyzer`.
//!
//! Stopwords are not emitted but keep their position, so phrase queries match
//! across them the same way at index and query time. Extra terms (compound
//! parts, folded forms) are emitted at the same position as the main term.

use tantivy::tokenizer::{TextAnalyzer, Token as TToken, TokenStream, Tokenizer};

use super::Analyzer;
use crate::lang::Lang;

/// A tantivy tokenizer for one language.
#[derive(Clone, Debug)]
pub struct KorpusTokenizer {
    analyzer: &'static Analyzer,
    buffer: Vec<TToken>,
}

impl KorpusTokenizer {
    /// The tokenizer of a language.
    pub fn new(lang: Lang) -> Self {
        KorpusTokenizer {
            analyzer: Analyzer::get(lang),
            buffer: Vec::new(),
        }
    }

    /// A tantivy `TextAnalyzer` wrapping this tokenizer, ready to register.
    pub fn text_analyzer(lang: Lang) -> TextAnalyzer {
        TextAnalyzer::builder(KorpusTokenizer::new(lang)).build()
    }
}

/// The token stream: the analyzed terms of one text.
pub struct KorpusTokenStream<'a> {
    tokens: &'a mut Vec<TToken>,
    next: usize,
}

impl Tokenizer for KorpusTokenizer {
    type TokenStream<'a> = KorpusTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.buffer.clear();
        for t in self.analyzer.analyze(text) {
            if t.stop {
                continue;
            }
            let position = t.position as usize;
            for term in std::iter::once(t.term).chain(t.extra) {
                self.buffer.push(TToken {
                    offset_from: t.start,
                    offset_to: t.end,
                    position,
                    text: term,
                    position_length: 1,
                });
            }
        }
        KorpusTokenStream {
            tokens: &mut self.buffer,
            next: 0,
        }
    }
}

impl TokenStream for KorpusTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &TToken {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut TToken {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emits_terms_without_stopwords() {
        let mut tok = KorpusTokenizer::text_analyzer(Lang::De);
        let mut stream = tok.token_stream("Die Kunden warten");
        let mut terms = Vec::new();
        while stream.advance() {
            terms.push((stream.token().text.clone(), stream.token().position));
        }
        assert_eq!(terms.len(), 2);
        assert_eq!(terms[0].1, 1, "stopword 'die' keeps position 0");
    }
}

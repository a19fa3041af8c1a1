//! The bridge to tantivy: a `Tokenizer` that runs a korpus [`Analyzer`], so the
//! index and the query parser use exactly the analysis of `analysis::Analyzer`.
//!
//! Stopwords are not emitted but keep their position, so phrase queries match
//! across them the same way at index and query time. Extra terms (compound
//! parts, folded forms) are emitted at the same position as the main term.

use tantivy::tokenizer::{TextAnalyzer, Token as TToken, TokenStream, Tokenizer};

use super::{Analyzer, Scratch};
use crate::lang::Lang;

/// A tantivy tokenizer for one language.
#[derive(Clone, Debug)]
pub struct KorpusTokenizer {
    analyzer: &'static Analyzer,
    /// Tokens of the current text: the first `len` are live; the others keep
    /// their `String`s to be reused, so emitting a term does not allocate.
    buffer: Vec<TToken>,
    len: usize,
    scratch: Scratch,
}

impl KorpusTokenizer {
    /// The tokenizer of a language.
    pub fn new(lang: Lang) -> Self {
        KorpusTokenizer {
            analyzer: Analyzer::get(lang),
            buffer: Vec::new(),
            len: 0,
            scratch: Scratch::default(),
        }
    }

    /// A tantivy `TextAnalyzer` wrapping this tokenizer, ready to register.
    pub fn text_analyzer(lang: Lang) -> TextAnalyzer {
        TextAnalyzer::builder(KorpusTokenizer::new(lang)).build()
    }
}

/// The token stream: the analyzed terms of one text.
pub struct KorpusTokenStream<'a> {
    tokens: &'a mut [TToken],
    next: usize,
}

impl Tokenizer for KorpusTokenizer {
    type TokenStream<'a> = KorpusTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let KorpusTokenizer {
            analyzer,
            buffer,
            len,
            scratch,
        } = self;
        *len = 0;
        analyzer.walk(text, scratch, false, |w| {
            if w.stop {
                return;
            }
            for term in std::iter::once(w.term).chain(w.extra.iter().map(String::as_str)) {
                if *len == buffer.len() {
                    buffer.push(TToken::default());
                }
                let slot = &mut buffer[*len];
                slot.offset_from = w.start;
                slot.offset_to = w.end;
                slot.position = w.position as usize;
                slot.position_length = 1;
                slot.text.clear();
                slot.text.push_str(term);
                *len += 1;
            }
        });
        // Do not keep the strings of one huge text forever.
        if buffer.len() > 1 << 16 && *len < buffer.len() / 4 {
            buffer.truncate(*len);
            buffer.shrink_to_fit();
        }
        KorpusTokenStream {
            tokens: &mut buffer[..*len],
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

    fn stream(tok: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = tok.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn reused_buffers_match_the_analyzer() {
        let texts = [
            (
                Lang::De,
                "Die Kundenzufriedenheit steigt. Neue Kunden warten auf Rückrufe!",
            ),
            (Lang::Fa, "من می روم به کتاب ها و سازمان‌ها ۸۰ درصد"),
            (Lang::Ru, "Клиенты довольны"),
            (Lang::Ar, "قال ٨٤٪ من ١٢٫٥ و ١٢٬٥٠٠"),
            (Lang::De, ""),
            (Lang::Sl, "Če se dandanes kupec počuti"),
        ];
        for (lang, _) in texts {
            let mut tok = KorpusTokenizer::text_analyzer(lang);
            // Long text first, then shorter ones: no token of an earlier text leaks.
            for (_, text) in texts {
                let expected: Vec<(String, usize, usize, usize)> = Analyzer::get(lang)
                    .analyze(text)
                    .into_iter()
                    .filter(|t| !t.stop)
                    .flat_map(|t| {
                        std::iter::once(t.term.clone())
                            .chain(t.extra.clone())
                            .map(move |term| (term, t.position as usize, t.start, t.end))
                    })
                    .collect();
                assert_eq!(stream(&mut tok, text), expected, "{lang:?} {text}");
            }
        }
    }
}

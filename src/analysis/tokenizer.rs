//! The bridge to tantivy: a `Tokenizer` that runs a korpus [`Analyzer`], so the
//! index and the query parser use exactly the analysis of `analysis::Analyzer`.
//!
//! Stopwords are not emitted but keep their position, so phrase queries match
//! across them the same way at index and query time. Extra terms (compound
//! parts, folded forms) are emitted at the same position as the main term.

use tantivy::tokenizer::{TextAnalyzer, Token as TToken, TokenStream, Tokenizer};

use super::hygiene::{self, Kind, Kinds};
use super::{Analyzer, Scratch};

/// What [`pre_analyze`] saw in a document besides its terms: the kinds of
/// its tokens and the hosts of its URLs (indexed as `kind:` and `url:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Seen {
    pub kinds: Kinds,
    pub hosts: Vec<String>,
}

impl Default for Seen {
    fn default() -> Self {
        Seen {
            kinds: Kinds::NONE,
            hosts: Vec::new(),
        }
    }
}
use crate::lang::Lang;

/// First char of a field value that holds tokens analyzed ahead of time (by
/// [`pre_analyze`]) instead of text. Analysis runs once, in the indexing
/// workers, and the tantivy writer only replays the terms. A query or a
/// stored text never starts with NUL, and terms never contain the control
/// characters used as separators.
pub const PRE_ANALYZED: char = '\u{0}';
const TERM_END: u8 = 1;
const TOKEN_END: u8 = 2;

/// How many tokens [`KorpusTokenizer`] emits for a value of [`pre_analyze`]:
/// what tantivy counts as the field's length in that document.
pub(crate) fn token_count(value: &str) -> u64 {
    value.bytes().filter(|&b| b == TOKEN_END).count() as u64
}

/// Analyze `text` in `lang` and append, to `out`, the value that makes
/// [`KorpusTokenizer`] emit exactly the tokens it would emit for `text`:
/// `NUL (term 0x01 position 0x02)*`. The kinds of the text's tokens and the
/// hosts of its URLs are added to `seen`.
pub(crate) fn pre_analyze(
    lang: Lang,
    text: &str,
    scratch: &mut Scratch,
    out: &mut String,
    seen: &mut Seen,
) {
    out.push(PRE_ANALYZED);
    Analyzer::get(lang).walk(text, scratch, false, |w| {
        if !w.indexed() {
            return;
        }
        seen.kinds.insert(w.kind);
        if w.kind == Kind::Url {
            let host = hygiene::url_host(w.term);
            if !seen.hosts.iter().any(|h| h == host) {
                seen.hosts.push(host.to_string());
            }
        }
        for term in std::iter::once(w.term).chain(w.extra.iter().map(String::as_str)) {
            out.push_str(term);
            out.push(TERM_END as char);
            push_u32(out, w.position);
            out.push(TOKEN_END as char);
        }
    });
}

fn push_u32(out: &mut String, mut n: u32) {
    if n < 10 {
        out.push((b'0' + n as u8) as char);
        return;
    }
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    while n > 0 {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    for &d in &buf[i..] {
        out.push(d as char);
    }
}

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
        if let Some(encoded) = text.strip_prefix(PRE_ANALYZED) {
            replay(encoded, buffer, len);
            return KorpusTokenStream {
                tokens: &mut buffer[..*len],
                next: 0,
            };
        }
        analyzer.walk(text, scratch, false, |w| {
            if !w.indexed() {
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

/// Decode the tokens written by [`pre_analyze`] into `buffer`.
fn replay(encoded: &str, buffer: &mut Vec<TToken>, len: &mut usize) {
    let mut rest = encoded;
    while !rest.is_empty() {
        let bytes = rest.as_bytes();
        let Some(t) = bytes.iter().position(|&b| b == TERM_END) else {
            break;
        };
        let Some(e) = bytes[t..]
            .iter()
            .position(|&b| b == TOKEN_END)
            .map(|e| t + e)
        else {
            break;
        };
        let position = bytes[t + 1..e]
            .iter()
            .fold(0usize, |n, &d| n * 10 + (d.wrapping_sub(b'0') as usize));
        if *len == buffer.len() {
            buffer.push(TToken::default());
        }
        let slot = &mut buffer[*len];
        slot.offset_from = 0;
        slot.offset_to = 0;
        slot.position = position;
        slot.position_length = 1;
        slot.text.clear();
        slot.text.push_str(&rest[..t]);
        *len += 1;
        rest = &rest[e + 1..];
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

    #[test]
    fn pre_analyzed_value_replays_the_same_tokens() {
        let texts = [
            (
                Lang::De,
                "Die Kundenzufriedenheit steigt. Neue Kunden warten auf Rückmeldung!",
            ),
            (Lang::Fa, "کتاب ها را می خوانم و مشتری‌ها راضی هستند ۱۲۳"),
            (Lang::Ru, "Ёжик и клиенты: всё хорошо, 2024 год."),
            (Lang::Ar, "العملاء راضون عن الخدمة ٣٤٥"),
            (Lang::Sl, "Stranke čakajo že dva dni, žal."),
            (Lang::Und, "brand X-200 ok"),
        ];
        for (lang, text) in texts {
            let mut tok = KorpusTokenizer::text_analyzer(lang);
            let direct: Vec<(String, usize)> = stream(&mut tok, text)
                .into_iter()
                .map(|(t, p, _, _)| (t, p))
                .collect();
            let mut encoded = String::new();
            pre_analyze(lang, text, &mut Scratch::default(), &mut encoded, &mut Seen::default());
            let replayed: Vec<(String, usize)> = stream(&mut tok, &encoded)
                .into_iter()
                .map(|(t, p, _, _)| (t, p))
                .collect();
            assert!(!direct.is_empty(), "{lang}: {text}");
            assert_eq!(direct, replayed, "{lang}: {text}");
        }
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
                    .filter(|t| t.indexed())
                    .flat_map(|t| {
                        std::iter::once(t.term.to_string())
                            .chain(t.extra.clone())
                            .map(move |term| (term, t.position as usize, t.start, t.end))
                    })
                    .collect();
                assert_eq!(stream(&mut tok, text), expected, "{lang:?} {text}");
            }
        }
    }
}

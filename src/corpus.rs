//! The types that flow from the index to statistics and themes.
//!
//! [`StoredDoc`] is a document as stored in the index; [`AnalyzedDoc`] adds
//! its analyzed tokens (the very terms the index holds). Statistics and themes
//! consume `AnalyzedDoc`s in a deterministic order (sorted by id), in batches,
//! so that memory stays bounded and results do not depend on thread count.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::analysis::{Analyzer, Kind, Kinds, Token};
use crate::ingest::source::SourceMap;
use crate::lang::Lang;

/// A span of a document in one language (see `detect::Segment`).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct LangSpan {
    /// Byte offset of the start in `body`.
    pub start: usize,
    /// Byte offset past the end in `body`.
    pub end: usize,
    /// Language of the span.
    pub lang: Lang,
}

/// A document as stored in the index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredDoc {
    /// Document id.
    pub id: String,
    /// Source path.
    pub path: String,
    /// Main language.
    pub lang: Lang,
    /// Title, if any.
    pub title: Option<String>,
    /// The full text.
    pub body: String,
    /// Language spans covering `body` (one span when the document is in one language).
    pub spans: Vec<LangSpan>,
    /// Metadata fields.
    pub meta: Map<String, Value>,
    /// 1-based line of the file where the record starts (JSONL, CSV and TSV
    /// records, parts of a split text file); None for a whole file.
    pub line: Option<u64>,
    /// Where the body's text is in the file (empty when unknown: HTML, or
    /// an index written without it).
    #[serde(skip)]
    pub source: SourceMap,
}

impl StoredDoc {
    /// How output names the document: `path:line` for a record of a
    /// JSONL/CSV/TSV file (the line the record starts on), `path` for a
    /// whole file.
    pub fn location(&self) -> String {
        location(&self.path, self.line)
    }

    /// (line, column) in the source file of each byte offset of `offsets`
    /// (ascending) in the body; see [`SourceMap::locate`].
    pub fn positions(&self, offsets: &[usize]) -> Vec<Option<(u64, u64)>> {
        self.source.locate(&self.body, offsets)
    }
}

/// `path:line` for a record, `path` for a whole file (see [`StoredDoc::location`]).
pub fn location(path: &str, line: Option<u64>) -> String {
    match line {
        Some(l) => format!("{path}:{l}"),
        None => path.to_string(),
    }
}

/// What statistics and themes see of each document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct View {
    /// Count boilerplate lines too (lines repeated across a source's
    /// documents, ad markers).
    pub keep_boilerplate: bool,
    /// The token kinds counted as terms: words, plus any of URLs, handles,
    /// emoji… a researcher asks for (`--include`). Default: words only.
    pub include: Kinds,
}

/// Tokens of each [`Kind`] in a document, indexed by `Kind as usize`.
pub type KindCounts = [u64; Kind::ALL.len()];

/// A document with its tokens, each analyzed with the language of its span.
#[derive(Debug, Clone)]
pub struct AnalyzedDoc {
    /// The document.
    pub doc: StoredDoc,
    /// Tokens in text order (stopwords included, marked `stop`); offsets index `doc.body`.
    pub tokens: Vec<Token>,
    /// Language of each token (parallel to `tokens`).
    pub token_langs: Vec<Lang>,
    /// Tokens of each kind the document held before [`AnalyzedDoc::keep_kinds`]
    /// left some kinds out (all zero until it runs).
    pub kind_counts: KindCounts,
    /// The tokens [`AnalyzedDoc::keep_kinds`] left out (numbers, URLs…), in
    /// text order with their languages: number statistics and cross-lingual
    /// anchors read them, word statistics do not.
    pub aside: Vec<(Token, Lang)>,
}

impl AnalyzedDoc {
    /// Analyze a stored document span by span, keeping words only (the
    /// tokens word statistics count; see [`AnalyzedDoc::keep_kinds`]).
    pub fn new(doc: StoredDoc) -> Self {
        let mut a = AnalyzedDoc::with_all_kinds(doc);
        a.keep_kinds(Kinds::WORDS);
        a
    }

    /// Analyze a stored document span by span, keeping tokens of every kind
    /// (URLs, emoji… beside words).
    pub fn with_all_kinds(doc: StoredDoc) -> Self {
        let mut tokens = Vec::new();
        let mut token_langs = Vec::new();
        let whole = [LangSpan {
            start: 0,
            end: doc.body.len(),
            lang: doc.lang,
        }];
        let spans: &[LangSpan] = if doc.spans.is_empty() {
            &whole
        } else {
            &doc.spans
        };
        let mut position_base = 0u32;
        let mut sentence_base = 0u32;
        for span in spans {
            let text = &doc.body[span.start..span.end];
            let before = tokens.len();
            Analyzer::get(span.lang).analyze_into(text, &mut tokens);
            for t in &mut tokens[before..] {
                t.start += span.start;
                t.end += span.start;
                t.position += position_base;
                t.sentence += sentence_base;
            }
            if let Some(last) = tokens.last() {
                position_base = last.position + 1;
                sentence_base = last.sentence + 1;
            }
            token_langs.resize(tokens.len(), span.lang);
        }
        AnalyzedDoc {
            doc,
            tokens,
            token_langs,
            kind_counts: [0; Kind::ALL.len()],
            aside: Vec::new(),
        }
    }

    /// Count the tokens of each kind into `kind_counts`, then keep only the
    /// tokens of the kinds in `include`. Call once, after any
    /// [`AnalyzedDoc::exclude`], so the counts cover what statistics see.
    pub fn keep_kinds(&mut self, include: Kinds) {
        let mut counts = [0u64; Kind::ALL.len()];
        for t in &self.tokens {
            counts[t.kind as usize] += 1;
        }
        self.kind_counts = counts;
        if self.tokens.iter().all(|t| include.contains(t.kind)) {
            return;
        }
        let keep: Vec<bool> = self
            .tokens
            .iter()
            .map(|t| include.contains(t.kind))
            .collect();
        let tokens = std::mem::take(&mut self.tokens);
        let langs = std::mem::take(&mut self.token_langs);
        for ((t, l), k) in tokens.into_iter().zip(langs).zip(keep) {
            if k {
                self.tokens.push(t);
                self.token_langs.push(l);
            } else {
                self.aside.push((t, l));
            }
        }
    }

    /// Every token in text order with its language: the kept ones and those
    /// [`AnalyzedDoc::keep_kinds`] set aside.
    pub fn all_tokens(&self) -> Vec<(&Token, Lang)> {
        let mut out = Vec::with_capacity(self.tokens.len() + self.aside.len());
        let mut kept = self.tokens.iter().zip(self.token_langs.iter().copied()).peekable();
        let mut aside = self.aside.iter().map(|(t, l)| (t, *l)).peekable();
        loop {
            let take_kept = match (kept.peek(), aside.peek()) {
                (Some(a), Some(b)) => a.0.start <= b.0.start,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let next = if take_kept { kept.next() } else { aside.next() };
            out.extend(next);
        }
        out
    }

    /// Leave out the tokens that start inside any of `ranges` (byte ranges of
    /// `doc.body`, e.g. boilerplate lines), keeping the text as it is.
    pub fn exclude(&mut self, ranges: &[std::ops::Range<usize>]) {
        if ranges.is_empty() {
            return;
        }
        let keep: Vec<bool> = self
            .tokens
            .iter()
            .map(|t| !ranges.iter().any(|r| r.contains(&t.start)))
            .collect();
        let mut k = keep.iter();
        self.tokens.retain(|_| *k.next().expect("same length"));
        let mut k = keep.iter();
        self.token_langs.retain(|_| *k.next().expect("same length"));
    }

    /// The surface form of a token.
    pub fn surface(&self, t: &Token) -> &str {
        &self.doc.body[t.start..t.end]
    }

    /// The tokens in the document's main language (borrowed when the
    /// document has no span in another language).
    pub fn main_tokens(&self) -> std::borrow::Cow<'_, [Token]> {
        let lang = self.doc.lang;
        if self.token_langs.iter().all(|&l| l == lang) {
            return std::borrow::Cow::Borrowed(&self.tokens);
        }
        self.tokens
            .iter()
            .zip(&self.token_langs)
            .filter(|(_, &l)| l == lang)
            .map(|(t, _)| t.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_analyzed_in_their_language() {
        let body = "Kunden warten.\n\nKlienti čakajo.".to_string();
        let cut = body.find("Klienti").unwrap();
        let doc = StoredDoc {
            line: None,
            source: Default::default(),
            id: "x".into(),
            path: "x.txt".into(),
            lang: Lang::De,
            title: None,
            spans: vec![
                LangSpan {
                    start: 0,
                    end: cut,
                    lang: Lang::De,
                },
                LangSpan {
                    start: cut,
                    end: body.len(),
                    lang: Lang::Sl,
                },
            ],
            body,
            meta: Map::new(),
        };
        let a = AnalyzedDoc::new(doc);
        assert_eq!(a.token_langs, vec![Lang::De, Lang::De, Lang::Sl, Lang::Sl]);
        assert_eq!(a.surface(&a.tokens[2]), "Klienti");
        assert!(a.tokens[2].sentence > a.tokens[1].sentence);
        assert!(a.tokens[2].position > a.tokens[1].position);
    }
}

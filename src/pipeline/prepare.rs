//! Stages 3 and 4, detect and analyze: a document read from a file becomes
//! an [`IndexDoc`], its language spans detected and each span analyzed.

use std::collections::BTreeMap;

use crate::analysis::tokenizer;
use crate::analysis::Scratch;
use crate::corpus::LangSpan;
use crate::detect::Detector;
use crate::index::write::IndexDoc;
use crate::ingest::{self, Document};
use crate::lang::Lang;

/// Detect the languages of a document's spans and analyze each span with
/// its language's analyzer, once: what the index, statistics and themes see.
pub(super) fn prepare(doc: Document, detector: &Detector, scratch: &mut Scratch) -> IndexDoc {
    let segments = detector.segments(&doc.body);
    let mut spans: Vec<LangSpan> = segments
        .iter()
        .map(|s| LangSpan {
            start: s.start,
            end: s.end,
            lang: s.detection.lang,
        })
        .collect();
    let lang = main_language(&spans, detector, &doc.body);
    if spans.is_empty() {
        spans.push(LangSpan {
            start: 0,
            end: doc.body.len(),
            lang,
        });
    }
    let mut seen = tokenizer::Seen::default();
    let analyzed = spans
        .iter()
        .map(|s| {
            let mut v = String::with_capacity(s.end - s.start + 16);
            tokenizer::pre_analyze(
                s.lang,
                &doc.body[s.start..s.end],
                scratch,
                &mut v,
                &mut seen,
            );
            v
        })
        .collect();
    IndexDoc {
        text_hash: ingest::content_id(&doc.body),
        doc,
        lang,
        spans,
        analyzed,
        seen,
    }
}

/// The main language: the language covering most bytes of the text among the
/// targets; `und` when no span is in a target language.
fn main_language(spans: &[LangSpan], detector: &Detector, body: &str) -> Lang {
    let mut bytes: BTreeMap<Lang, usize> = BTreeMap::new();
    for s in spans.iter().filter(|s| s.lang != Lang::Und) {
        *bytes.entry(s.lang).or_default() += s.end - s.start;
    }
    match bytes
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
    {
        Some((l, _)) => l,
        None if spans.is_empty() => detector.detect(body).lang,
        None => Lang::Und,
    }
}

/// A stored document made ready for the index again with its stored spans
/// (no detection): `korpus merge` re-adds a document under a new id so.
pub(super) fn prepare_stored(doc: crate::corpus::StoredDoc, scratch: &mut Scratch) -> IndexDoc {
    let spans = doc.spans;
    let lang = doc.lang;
    let doc = Document {
        id: doc.id,
        path: doc.path,
        line: doc.line,
        title: doc.title,
        body: doc.body,
        meta: doc.meta,
        source: doc.source,
    };
    let mut seen = tokenizer::Seen::default();
    let analyzed = spans
        .iter()
        .map(|s| {
            let mut v = String::with_capacity(s.end - s.start + 16);
            tokenizer::pre_analyze(s.lang, &doc.body[s.start..s.end], scratch, &mut v, &mut seen);
            v
        })
        .collect();
    IndexDoc {
        text_hash: ingest::content_id(&doc.body),
        doc,
        lang,
        spans,
        analyzed,
        seen,
    }
}

//! Search: query parsing, ranked hits with snippets, and subsets of documents
//! (a query selecting the documents that statistics and themes run on).
//!
//! The query syntax is tantivy's: words, `"phrases"`, `AND`/`OR`/`NOT`, `+`/`-`,
//! parentheses and field filters such as `lang:de`, `path:corpus/x.txt` or
//! `meta.source:tickets`. Words are searched in every language's body field,
//! each analyzed with its own language's analyzer.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, TantivyDocument, Term};

use super::KorpusIndex;
use crate::corpus::{AnalyzedDoc, StoredDoc};
use crate::error::{Error, Result};
use crate::lang::Lang;

/// Options of a search.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Only documents whose main language is this one.
    pub lang: Option<Lang>,
    /// Number of hits.
    pub limit: usize,
    /// Hits to skip (for paging).
    pub offset: usize,
    /// Maximum snippet length in characters.
    pub snippet_chars: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            lang: None,
            limit: 10,
            offset: 0,
            snippet_chars: 160,
        }
    }
}

/// One search hit.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// 1-based rank.
    pub rank: usize,
    /// BM25 score.
    pub score: f32,
    /// Document id.
    pub id: String,
    /// Source path.
    pub path: String,
    /// Line/row within the source, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Main language.
    pub lang: Lang,
    /// A passage of the text around the matches (plain text).
    pub snippet: String,
    /// Byte ranges of the matched words within `snippet`.
    pub highlights: Vec<(usize, usize)>,
}

/// Search results.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// Number of matching documents.
    pub total: usize,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
}

fn parse_error(query: &str, e: tantivy::query::QueryParserError) -> Error {
    use tantivy::query::QueryParserError as Q;
    let msg = match e {
        Q::SyntaxError(s) => {
            let hint = if query.matches('"').count() % 2 == 1 {
                "unclosed quote".to_string()
            } else if query.matches('(').count() != query.matches(')').count() {
                "unbalanced parentheses".to_string()
            } else {
                s
            };
            format!("syntax error in {query:?}: {hint}")
        }
        Q::FieldDoesNotExist(f) => {
            format!("unknown field '{f}' in {query:?} (fields: lang, langs, path, id, meta.<name>)")
        }
        other => format!("{other} in {query:?}"),
    };
    Error::Query(msg)
}

impl KorpusIndex {
    /// The query parser over every language's body field.
    pub fn query_parser(&self) -> QueryParser {
        let f = self.fields();
        let mut defaults: Vec<_> = f.body.iter().map(|(_, field)| *field).collect();
        defaults.push(f.path);
        let mut qp = QueryParser::for_index(self.tantivy(), defaults);
        qp.set_conjunction_by_default();
        qp
    }

    /// Parse a query, optionally restricted to a main language.
    pub fn parse_query(&self, query: &str, lang: Option<Lang>) -> Result<Box<dyn Query>> {
        if query.trim().is_empty() {
            return Err(Error::Query("empty query".into()));
        }
        let q = self
            .query_parser()
            .parse_query(query)
            .map_err(|e| parse_error(query, e))?;
        Ok(match lang {
            None => q,
            Some(l) => {
                let filter = TermQuery::new(
                    Term::from_field_text(self.fields().lang, l.code()),
                    IndexRecordOption::Basic,
                );
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, q),
                    (Occur::Must, Box::new(filter)),
                ]))
            }
        })
    }

    /// Run a search.
    pub fn search(&self, query: &str, opts: &SearchOptions) -> Result<SearchResults> {
        let q = self.parse_query(query, opts.lang)?;
        let searcher = self.searcher()?;
        let top = TopDocs::with_limit(opts.limit.max(1))
            .and_offset(opts.offset)
            .order_by_score();
        let (top, total) = searcher.search(&q, &(top, tantivy::collector::Count))?;
        let mut generators: BTreeMap<Lang, SnippetGenerator> = BTreeMap::new();
        let mut hits = Vec::new();
        for (i, (score, addr)) in top.into_iter().enumerate() {
            let tdoc: TantivyDocument = searcher.doc(addr)?;
            let doc = self.stored_doc(&tdoc);
            let line = tdoc.get_first(self.fields().line).and_then(|v| v.as_u64());
            let (snippet, highlights) =
                self.snippet(&searcher, &*q, &doc, &mut generators, opts.snippet_chars)?;
            hits.push(Hit {
                rank: opts.offset + i + 1,
                score,
                id: doc.id,
                path: doc.path,
                line,
                lang: doc.lang,
                snippet,
                highlights,
            });
        }
        Ok(SearchResults { total, hits })
    }

    /// The best snippet of a document: tried in each language span, keeping
    /// the one with the most highlighted words.
    fn snippet(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        doc: &StoredDoc,
        generators: &mut BTreeMap<Lang, SnippetGenerator>,
        max_chars: usize,
    ) -> Result<(String, Vec<(usize, usize)>)> {
        let mut best: Option<(String, Vec<(usize, usize)>)> = None;
        let whole = [crate::corpus::LangSpan {
            start: 0,
            end: doc.body.len(),
            lang: doc.lang,
        }];
        let spans: &[_] = if doc.spans.is_empty() {
            &whole
        } else {
            &doc.spans
        };
        for span in spans {
            let generator = match generators.get(&span.lang) {
                Some(g) => g,
                None => {
                    let mut g =
                        SnippetGenerator::create(searcher, query, self.fields().body(span.lang))?;
                    g.set_max_num_chars(max_chars);
                    generators.entry(span.lang).or_insert(g)
                }
            };
            let s = generator.snippet(&doc.body[span.start..span.end]);
            let h: Vec<(usize, usize)> = s.highlighted().iter().map(|r| (r.start, r.end)).collect();
            if best.as_ref().is_none_or(|b| h.len() > b.1.len()) {
                best = Some((s.fragment().to_string(), h));
            }
        }
        let (mut text, mut h) = best.unwrap_or_default();
        if h.is_empty() {
            // No word matched (e.g. a lang: or path: filter only): show the start.
            let end = doc
                .body
                .char_indices()
                .nth(max_chars)
                .map(|(i, _)| i)
                .unwrap_or(doc.body.len());
            text = doc.body[..end].to_string();
            h.clear();
        }
        // One line: newlines become spaces (offsets unchanged, same byte length).
        Ok((text.replace(['\n', '\r', '\t'], " "), h))
    }

    /// Addresses of the documents matching `subset` (all documents if None),
    /// sorted by document id so that every consumer sees a fixed order.
    pub fn subset(
        &self,
        subset: Option<&str>,
    ) -> Result<(tantivy::Searcher, Vec<(String, DocAddress)>)> {
        let searcher = self.searcher()?;
        let q: Box<dyn Query> = match subset {
            Some(s) => self.parse_query(s, None)?,
            None => Box::new(tantivy::query::AllQuery),
        };
        let addrs = searcher.search(&q, &DocSetCollector)?;
        let id_field = self.fields().id;
        let mut out: Vec<(String, DocAddress)> = addrs
            .into_iter()
            .map(|a| {
                let d: TantivyDocument = searcher.doc(a)?;
                let id = d
                    .get_first(id_field)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string();
                Ok((id, a))
            })
            .collect::<Result<_>>()?;
        out.sort();
        Ok((searcher, out))
    }

    /// Feed the analyzed documents of a subset, in id order, to `f`, in
    /// batches: each batch is fetched and analyzed in parallel (order kept).
    pub fn for_each_batch(
        &self,
        subset: Option<&str>,
        batch: usize,
        mut f: impl FnMut(Vec<AnalyzedDoc>) -> Result<()>,
    ) -> Result<usize> {
        let (searcher, addrs) = self.subset(subset)?;
        for chunk in addrs.chunks(batch.max(1)) {
            let docs: Vec<AnalyzedDoc> = chunk
                .par_iter()
                .map(|(_, a)| {
                    let d: TantivyDocument = searcher.doc(*a)?;
                    Ok(AnalyzedDoc::new(self.stored_doc(&d)))
                })
                .collect::<Result<_>>()?;
            f(docs)?;
        }
        Ok(addrs.len())
    }
}

impl KorpusIndex {
    /// A stored document by id.
    pub fn get_by_id(&self, searcher: &tantivy::Searcher, id: &str) -> Result<Option<StoredDoc>> {
        let q = TermQuery::new(
            Term::from_field_text(self.fields().id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some((_, addr)) => Ok(Some(
                self.stored_doc(&searcher.doc::<TantivyDocument>(*addr)?),
            )),
            None => Ok(None),
        }
    }

    /// Fold the analyzed documents of a subset into an accumulator, in
    /// parallel, deterministically: each batch is split into fixed chunks,
    /// each chunk folded on any thread, and the chunk results merged in
    /// document order. `skip` drops documents by id (e.g. near-duplicates).
    pub fn fold<A: Send>(
        &self,
        subset: Option<&str>,
        skip: &std::collections::HashSet<String>,
        keep_boilerplate: bool,
        new: impl Fn() -> A + Sync,
        add: impl Fn(&mut A, &AnalyzedDoc) + Sync,
        merge: impl Fn(A, A) -> A,
    ) -> Result<A> {
        let mut acc = Some(new());
        self.for_each_clean_batch(subset, 1024, keep_boilerplate, |docs| {
            let parts: Vec<A> = docs
                .par_chunks(64)
                .map(|chunk| {
                    let mut a = new();
                    for d in chunk.iter().filter(|d| !skip.contains(&d.doc.id)) {
                        add(&mut a, d);
                    }
                    a
                })
                .collect();
            for p in parts {
                acc = Some(merge(acc.take().expect("accumulator"), p));
            }
            Ok(())
        })?;
        Ok(acc.expect("accumulator"))
    }
}

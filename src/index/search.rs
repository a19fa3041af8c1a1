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

/// Drop bare query words that are stopwords in any target language.
///
/// Each word must match in some language's body field (conjunction by
/// default), but a stopword is removed by its own language's analyzer and so
/// cannot match there: `der Kunde` would find nothing. Lucene drops such words
/// per field; we drop them from the query, as every analyzer would. Words in
/// phrases, after a field name or next to an operator are kept, and so is a
/// query made only of stopwords (it gets its own error).
fn drop_stopwords(query: &str) -> String {
    let pieces: Vec<&str> = query.split(' ').collect();
    let is_op = |p: &str| matches!(p, "AND" | "OR" | "NOT" | "&&" | "||");
    let mut quotes = 0usize;
    let mut drop = vec![false; pieces.len()];
    for (i, p) in pieces.iter().enumerate() {
        let inside = quotes % 2 == 1;
        quotes += p.matches('"').count();
        if inside || p.is_empty() || !p.chars().all(crate::chars::is_alphabetic) {
            continue;
        }
        let neighbour_op =
            (i > 0 && is_op(pieces[i - 1])) || pieces.get(i + 1).is_some_and(|n| is_op(n));
        if is_op(p) || neighbour_op {
            continue;
        }
        drop[i] = Lang::TARGETS.iter().any(|&l| {
            let t = crate::analysis::Analyzer::get(l).analyze(p);
            t.len() == 1 && !t[0].indexed()
        });
    }
    let kept = pieces
        .iter()
        .zip(&drop)
        .filter(|(p, d)| !**d && !p.is_empty())
        .count();
    if kept == 0 {
        return query.to_string();
    }
    pieces
        .iter()
        .zip(&drop)
        .map(|(p, d)| if *d { "" } else { *p })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text given to the snippet generator at once.
const SNIPPET_WINDOW: usize = 16 << 10;

/// `text` cut into windows of about `size` bytes, at whitespace where there is
/// some (so no word is cut in two), else at a char boundary.
fn windows(text: &str, size: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        if rest.len() <= size {
            return Some(std::mem::take(&mut rest));
        }
        let mut cut = size;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        if let Some(ws) = rest[..cut].rfind(char::is_whitespace) {
            if ws > 0 {
                cut = ws;
            }
        }
        let (head, tail) = rest.split_at(cut);
        rest = tail;
        Some(head)
    })
}

/// Text analyzed at once by [`KorpusIndex::for_each_batch`].
const BATCH_TEXT_BYTES: usize = 8 << 20;
/// The hits ranked `offset..offset + limit` by score, ties broken by `key`
/// (path, line, id), so the order never depends on which segment or thread
/// indexed a document; and the total number of hits.
///
/// Documents tied with the last one wanted are all fetched, so the cut at
/// `offset + limit` falls at the same place in every index of the same corpus.
fn ranked<K: Ord>(
    searcher: &tantivy::Searcher,
    stats: &LiveStats,
    q: &dyn Query,
    offset: usize,
    limit: usize,
    key: impl Fn(DocAddress) -> Result<K>,
) -> Result<(Vec<(f32, DocAddress)>, usize)> {
    // Never more than the index holds: a huge `--limit` or `--offset` must
    // not size a heap (tantivy allocates `limit` slots up front).
    let live = searcher.num_docs() as usize;
    let want = offset.saturating_add(limit).min(live);
    if want == 0 || offset >= live {
        let total = searcher.search(q, &tantivy::collector::Count)?;
        return Ok((Vec::new(), total));
    }
    let mut fetch = want + 1;
    let (mut top, total) = loop {
        let (top, total) = searcher.search_with_statistics_provider(
            q,
            &(
                TopDocs::with_limit(fetch).order_by_score(),
                tantivy::collector::Count,
            ),
            stats,
        )?;
        // Done when every hit is here, or the last one fetched scores below
        // the last one wanted (so no tie with it was cut off).
        if top.len() < fetch || top[fetch - 1].0 < top[want - 1].0 {
            break (top, total);
        }
        fetch *= 2;
    };
    if top.len() > want {
        let cut = top[want - 1].0;
        top.retain(|(s, _)| *s >= cut);
    }
    let mut keyed: Vec<(f32, K, DocAddress)> = top
        .into_iter()
        .map(|(s, a)| Ok((s, key(a)?, a)))
        .collect::<Result<_>>()?;
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok((
        keyed
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(s, _, a)| (s, a))
            .collect(),
        total,
    ))
}

/// Documents folded into one partial accumulator by `fold` (fixed, so the
/// merge order never depends on the thread count).
const FOLD_CHUNK: usize = 256;
/// Documents read and analyzed together (in parallel) by `for_each_batch`.
const LOAD_GROUP: usize = 128;

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
    /// Ignore the unparsable parts of the query instead of failing.
    pub lenient: bool,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            lang: None,
            limit: 10,
            offset: 0,
            snippet_chars: 160,
            lenient: false,
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

/// Longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Deepest nesting of parentheses accepted.
pub const MAX_QUERY_DEPTH: usize = 32;

/// 1-based character position of byte offset `b` in `s`.
fn char_pos(s: &str, b: usize) -> usize {
    s[..b.min(s.len())].chars().count() + 1
}

/// Byte offset of the last unmatched `"`, if quotes are unbalanced.
fn unclosed_quote(q: &str) -> Option<usize> {
    let mut open = None;
    for (i, c) in q.char_indices() {
        if c == '"' {
            open = if open.is_some() { None } else { Some(i) };
        }
    }
    open
}

/// Byte offset of an unmatched parenthesis outside quotes, and the
/// deepest nesting.
fn paren_problems(q: &str) -> (Option<usize>, usize) {
    let mut stack = Vec::new();
    let mut in_quote = false;
    let mut depth = 0;
    for (i, c) in q.char_indices() {
        match c {
            '"' => in_quote = !in_quote,
            '(' if !in_quote => {
                stack.push(i);
                depth = depth.max(stack.len());
            }
            ')' if !in_quote && stack.pop().is_none() => return (Some(i), depth),
            _ => {}
        }
    }
    (stack.first().copied(), depth)
}

fn parse_error(query: &str, e: tantivy::query::QueryParserError) -> Error {
    use tantivy::query::QueryParserError as Q;
    let msg = match e {
        Q::SyntaxError(s) => {
            if let Some(i) = unclosed_quote(query) {
                format!("unclosed quote at character {}", char_pos(query, i))
            } else if let (Some(i), _) = paren_problems(query) {
                format!("unbalanced parenthesis at character {}", char_pos(query, i))
            } else if s == query {
                "syntax error".to_string()
            } else {
                format!("syntax error: {s}")
            }
        }
        Q::FieldDoesNotExist(f) => {
            let at = query
                .find(&format!("{f}:"))
                .map(|i| format!(" at character {}", char_pos(query, i)))
                .unwrap_or_default();
            format!("unknown field '{f}'{at} (fields: body, lang, langs, path, id, meta.<name>)")
        }
        other => other.to_string(),
    };
    Error::Query(format!("{} in {query:?}", one_line(&msg)))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Rewrite `body:x` (a word or a "phrase") to a search of `x` in every
/// language's body field.
fn expand_body_alias(q: &str) -> Result<String> {
    const ALIAS: &str = "body:";
    let mut out = String::with_capacity(q.len());
    let mut in_quote = false;
    let mut i = 0;
    let bytes = q.as_bytes();
    while i < q.len() {
        let c = q[i..].chars().next().expect("in bounds");
        let at_word_start = i == 0
            || q[..i]
                .chars()
                .next_back()
                .is_some_and(|p| p.is_whitespace() || "(+-".contains(p));
        if !in_quote && at_word_start && q[i..].starts_with(ALIAS) {
            let j = i + ALIAS.len();
            let end = match bytes.get(j) {
                None => None,
                Some(b'"') => q[j + 1..].find('"').map(|k| j + 1 + k + 1),
                Some(b'(') => {
                    return Err(Error::Query(format!(
                        "body:(…) is not supported at character {}; write body:word or body:\"a phrase\" in {q:?}",
                        char_pos(q, i)
                    )))
                }
                Some(_) => {
                    let k = q[j..]
                        .find(|ch: char| ch.is_whitespace() || ch == ')')
                        .map(|k| j + k)
                        .unwrap_or(q.len());
                    (k > j).then_some(k)
                }
            };
            let Some(end) = end else {
                return Err(Error::Query(format!(
                    "field 'body' needs a word or \"phrase\" at character {} in {q:?}",
                    char_pos(q, i)
                )));
            };
            let operand = &q[j..end];
            let parts: Vec<String> = Lang::ALL
                .iter()
                .map(|l| format!("{}:{operand}", super::body_field_name(*l)))
                .collect();
            out.push('(');
            out.push_str(&parts.join(" OR "));
            out.push(')');
            i = end;
            continue;
        }
        if c == '"' {
            in_quote = !in_quote;
        }
        out.push(c);
        i += c.len_utf8();
    }
    Ok(out)
}

/// For lenient parsing: drop `AND`/`OR` at the start or end of the query,
/// and `NOT` at the end (tantivy's lenient parser would search them as words).
fn drop_dangling_operators(q: &str) -> String {
    let mut words: Vec<&str> = q.split_whitespace().collect();
    while let Some(w) = words.last() {
        if matches!(w.trim_start_matches('('), "AND" | "OR" | "NOT") {
            words.pop();
        } else {
            break;
        }
    }
    while let Some(w) = words.first() {
        if matches!(*w, "AND" | "OR") {
            words.remove(0);
        } else {
            break;
        }
    }
    words.join(" ")
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

    /// Parse a query, optionally restricted to a main language. Every
    /// malformed query is an [`Error::Query`] of one line, with the position
    /// where one is known.
    pub fn parse_query(&self, query: &str, lang: Option<Lang>) -> Result<Box<dyn Query>> {
        self.parse_query_with(query, lang, false)
    }

    /// Like [`KorpusIndex::parse_query`]; `lenient` ignores the parts tantivy
    /// cannot parse instead of failing.
    pub fn parse_query_with(
        &self,
        query: &str,
        lang: Option<Lang>,
        lenient: bool,
    ) -> Result<Box<dyn Query>> {
        if query.trim().is_empty() {
            return Err(Error::Query("empty query".into()));
        }
        if query.len() > MAX_QUERY_BYTES {
            return Err(Error::Query(format!(
                "query too long: {} bytes (limit {MAX_QUERY_BYTES})",
                query.len()
            )));
        }
        let (_, depth) = paren_problems(query);
        if depth > MAX_QUERY_DEPTH {
            return Err(Error::Query(format!(
                "parentheses nested {depth} deep (limit {MAX_QUERY_DEPTH})"
            )));
        }
        let expanded = if lenient {
            let q = expand_body_alias(query).unwrap_or_else(|_| query.replace("body:", " "));
            drop_dangling_operators(&q)
        } else {
            expand_body_alias(query)?
        };
        let expanded = drop_stopwords(&expanded);
        let qp = self.query_parser();
        let q = if lenient {
            qp.parse_query_lenient(&expanded).0
        } else {
            qp.parse_query(&expanded)
                .map_err(|e| parse_error(query, e))?
        };
        self.check_has_words(query, &*q)?;
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

    /// A query left without any term after analysis (only punctuation), or
    /// whose every word is a stopword in some language (`der die das`: such
    /// words are dropped in their language and match nothing elsewhere)
    /// would silently find nothing: say so.
    fn check_has_words(&self, query: &str, q: &dyn Query) -> Result<()> {
        let path = self.fields().path;
        let mut terms = 0;
        q.query_terms(&mut |t, _| {
            if t.field() != path {
                terms += 1;
            }
        });
        if query.contains([':', '*', '[', '{']) {
            return Ok(());
        }
        if terms == 0 && !query.chars().any(crate::chars::is_alphanumeric) {
            return Err(Error::Query(format!(
                "query has no words to search for: {:?}",
                query.trim()
            )));
        }
        // Words of the query (operators aside), by byte offset.
        let mut words: BTreeMap<usize, bool> = BTreeMap::new();
        for l in Lang::TARGETS {
            for t in crate::analysis::Analyzer::get(l).analyze(query) {
                let w = &query[t.start..t.end];
                if matches!(w, "AND" | "OR" | "NOT") {
                    continue;
                }
                *words.entry(t.start).or_insert(false) |= !t.indexed();
            }
        }
        if terms == 0 || (!words.is_empty() && words.values().all(|&stop| stop)) {
            return Err(Error::Query(format!(
                "query has only stopwords: {:?} (add a content word)",
                query.trim()
            )));
        }
        Ok(())
    }

    /// Run a search.
    pub fn search(&self, query: &str, opts: &SearchOptions) -> Result<SearchResults> {
        let q = self.parse_query_with(query, opts.lang, opts.lenient)?;
        let searcher = self.search_searcher()?;
        // 0 = every hit, as in `stats` and `kwic`.
        let limit = if opts.limit == 0 { usize::MAX } else { opts.limit };
        let stats = LiveStats::new(self, &searcher)?;
        let (top, total) = ranked(&searcher, &stats, &*q, opts.offset, limit, |addr| {
            let d: TantivyDocument = searcher.doc(addr)?;
            let f = self.fields();
            let s = |field| d.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
            let line = d.get_first(f.line).and_then(|v| v.as_u64()).unwrap_or(0);
            Ok((s(f.path).to_string(), line, s(f.id).to_string()))
        })?;
        let mut generators: BTreeMap<Lang, SnippetGenerator> = BTreeMap::new();
        let mut hits = Vec::new();
        for (i, (score, addr)) in top.into_iter().enumerate() {
            let tdoc: TantivyDocument = searcher.doc(addr)?;
            let doc = self.stored_doc(&tdoc);
            let line = tdoc.get_first(self.fields().line).and_then(|v| v.as_u64());
            let (snippet, highlights) =
                self.snippet(&searcher, &*q, &doc, &mut generators, opts.snippet_chars)?;
            hits.push(Hit {
                rank: opts.offset.saturating_add(i + 1),
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
            // The generator analyzes all the text it is given: look in
            // windows and stop at the first with a match, so a long document
            // costs what its first matching window costs.
            for window in windows(&doc.body[span.start..span.end], SNIPPET_WINDOW) {
                let s = generator.snippet(window);
                let h: Vec<(usize, usize)> =
                    s.highlighted().iter().map(|r| (r.start, r.end)).collect();
                let found = !h.is_empty();
                if best.as_ref().is_none_or(|b| h.len() > b.1.len()) {
                    best = Some((s.fragment().to_string(), h));
                }
                if found {
                    break;
                }
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

    /// Ids and addresses of the documents matching `subset` (all documents
    /// if None), in a fixed order: by path, line, then id. That order does
    /// not depend on how the index was segmented (so on the thread count),
    /// and it follows the order documents were added, so consumers that
    /// read the documents in it hit the store's block cache instead of
    /// decompressing a block per document (as random id order did).
    pub fn subset(
        &self,
        subset: Option<&str>,
    ) -> Result<(tantivy::Searcher, Vec<(String, DocAddress)>)> {
        let searcher = self.searcher()?;
        let q: Box<dyn Query> = match subset {
            Some(s) => self.parse_query(s, None)?,
            None => Box::new(tantivy::query::AllQuery),
        };
        let mut addrs: Vec<DocAddress> =
            searcher.search(&q, &DocSetCollector)?.into_iter().collect();
        addrs.sort();
        let f = self.fields();
        // Runs of consecutive addresses in parallel (each run reads its
        // blocks in order); the sort below makes the result independent of
        // how the runs were scheduled.
        let mut keyed: Vec<(String, u64, String, DocAddress)> = addrs
            .par_chunks(LOAD_GROUP * 8)
            .map(|run| {
                run.iter()
                    .map(|&a| {
                        let d: TantivyDocument = searcher.doc(a)?;
                        let s = |field| {
                            d.get_first(field)
                                .and_then(|v| v.as_str())
                                .unwrap_or("")
                                .to_string()
                        };
                        let line = d.get_first(f.line).and_then(|v| v.as_u64()).unwrap_or(0);
                        Ok((s(f.path), line, s(f.id), a))
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect();
        keyed.sort_unstable();
        let out = keyed.into_iter().map(|(_, _, id, a)| (id, a)).collect();
        Ok((searcher, out))
    }

    /// Feed the analyzed documents of a subset, in the order of
    /// [`KorpusIndex::subset`], to `f`, in
    /// batches: each batch is fetched and analyzed in parallel (order kept),
    /// and the next batch is prepared while `f` works on the current one.
    pub fn for_each_batch(
        &self,
        subset: Option<&str>,
        batch: usize,
        mut f: impl FnMut(Vec<AnalyzedDoc>) -> Result<()> + Send,
    ) -> Result<usize> {
        let (searcher, addrs) = self.subset(subset)?;
        let mut src = BatchSource {
            index: self,
            searcher: &searcher,
            addrs: &addrs,
            next: 0,
            carry: std::collections::VecDeque::new(),
            batch: batch.max(1),
        };
        let mut current = src.next_batch()?;
        while !current.is_empty() {
            let (done, next) = rayon::join(|| f(current), || src.next_batch());
            done?;
            current = next?;
        }
        Ok(addrs.len())
    }
}

/// Batches of analyzed documents, in order. A batch closes at `batch`
/// documents or BATCH_TEXT_BYTES of text, so a corpus of huge documents does
/// not hold thousands of them analyzed. Documents are read from the store
/// and analyzed in parallel a group at a time (the group size is fixed, so
/// batches do not depend on the number of threads).
struct BatchSource<'a> {
    index: &'a KorpusIndex,
    searcher: &'a tantivy::Searcher,
    addrs: &'a [(String, DocAddress)],
    next: usize,
    /// Documents of the last group that did not fit in the last batch.
    carry: std::collections::VecDeque<AnalyzedDoc>,
    batch: usize,
}

impl BatchSource<'_> {
    /// The next batch (empty at the end).
    fn next_batch(&mut self) -> Result<Vec<AnalyzedDoc>> {
        let mut out = Vec::new();
        let mut bytes = 0usize;
        loop {
            while let Some(doc) = self.carry.pop_front() {
                bytes += doc.doc.body.len();
                out.push(doc);
                if out.len() >= self.batch || bytes >= BATCH_TEXT_BYTES {
                    return Ok(out);
                }
            }
            if self.next >= self.addrs.len() {
                return Ok(out);
            }
            let end = (self.next + LOAD_GROUP).min(self.addrs.len());
            let group = &self.addrs[self.next..end];
            self.next = end;
            let (index, searcher) = (self.index, self.searcher);
            let docs: Vec<AnalyzedDoc> = group
                .par_iter()
                .map(|(_, a)| -> Result<AnalyzedDoc> {
                    let d: TantivyDocument = searcher.doc(*a)?;
                    Ok(AnalyzedDoc::with_all_kinds(index.stored_doc(&d)))
                })
                .collect::<Result<_>>()?;
            self.carry.extend(docs);
        }
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
        view: crate::corpus::View,
        new: impl Fn() -> A + Sync,
        add: impl Fn(&mut A, &AnalyzedDoc) + Sync,
        merge: impl Fn(A, A) -> A + Send,
    ) -> Result<A> {
        let first = new();
        // The merges run on their own thread, in document order, while the
        // pool reads and analyzes the next batch.
        std::thread::scope(|sc| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<A>>(1);
            let merger = sc.spawn(move || {
                let mut acc = first;
                for parts in rx {
                    for p in parts {
                        acc = merge(acc, p);
                    }
                }
                acc
            });
            let walked = self.for_each_clean_batch(subset, 1024, view, |docs| {
                let parts: Vec<A> = docs
                    .par_chunks(FOLD_CHUNK)
                    .map(|chunk| {
                        let mut a = new();
                        for d in chunk.iter().filter(|d| !skip.contains(&d.doc.id)) {
                            add(&mut a, d);
                        }
                        a
                    })
                    .collect();
                tx.send(parts)
                    .map_err(|_| Error::Invalid("statistics merge thread stopped".into()))
            });
            drop(tx);
            let acc = merger
                .join()
                .map_err(|_| Error::Invalid("statistics merge failed".into()))?;
            walked.map(|_| acc)
        })
    }
}

#[cfg(test)]
mod window_tests {
    #[test]
    fn windows_cover_the_text_and_cut_at_whitespace() {
        let text = "Kunden ".repeat(10_000) + "Ende";
        let parts: Vec<&str> = super::windows(&text, 1000).collect();
        assert_eq!(parts.concat(), text);
        assert!(parts.iter().all(|p| p.len() <= 1000));
        assert!(parts[1..].iter().all(|p| p.starts_with(' ')));
        let rtl = "مشتری ".repeat(500);
        assert_eq!(super::windows(&rtl, 333).collect::<String>(), rtl);
    }
}

/// The exact token totals of the body fields over the live documents of one
/// searcher generation, cached in the index: summed from the per-document
/// token counts (`tokens_<lang>` fast fields) once per generation.
#[derive(Default)]
pub(crate) struct LiveTokens(std::sync::Mutex<Option<(u64, std::sync::Arc<Vec<(tantivy::schema::Field, u64)>>)>>);

/// BM25 statistics over the live documents, exact whatever the segments:
/// tantivy counts the tokens and document frequencies of deleted documents
/// too, and estimates token totals from quantized field lengths where
/// segments with deleted documents were merged (an incremental run,
/// `korpus merge`). With these, an index scores as a clean build of the same
/// files does.
pub(crate) struct LiveStats<'a> {
    searcher: &'a tantivy::Searcher,
    tokens: std::sync::Arc<Vec<(tantivy::schema::Field, u64)>>,
}

impl<'a> LiveStats<'a> {
    pub(crate) fn new(index: &KorpusIndex, searcher: &'a tantivy::Searcher) -> Result<Self> {
        let generation = searcher.generation().generation_id();
        let mut cache = index.live_tokens.0.lock().expect("live tokens lock");
        if let Some((g, t)) = cache.as_ref() {
            if *g == generation {
                return Ok(LiveStats { searcher, tokens: t.clone() });
            }
        }
        let schema = index.tantivy().schema();
        let mut totals = Vec::new();
        for &(body, tokens) in &index.fields().tokens {
            let name = schema.get_field_name(tokens);
            let mut n = 0u64;
            for reader in searcher.segment_readers() {
                let col = reader.fast_fields().u64(name)?;
                n += match reader.alive_bitset() {
                    None => (0..reader.max_doc()).filter_map(|d| col.first(d)).sum::<u64>(),
                    Some(alive) => alive.iter_alive().filter_map(|d| col.first(d)).sum::<u64>(),
                };
            }
            totals.push((body, n));
        }
        let t = std::sync::Arc::new(totals);
        *cache = Some((generation, t.clone()));
        Ok(LiveStats { searcher, tokens: t })
    }
}

impl tantivy::query::Bm25StatisticsProvider for LiveStats<'_> {
    fn total_num_tokens(&self, field: tantivy::schema::Field) -> tantivy::Result<u64> {
        match self.tokens.iter().find(|(f, _)| *f == field) {
            Some((_, n)) => Ok(*n),
            None => self.searcher.total_num_tokens(field),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let mut n = 0u64;
        for reader in self.searcher.segment_readers() {
            let inv = reader.inverted_index(term.field())?;
            match reader.alive_bitset() {
                None => n += u64::from(inv.doc_freq(term)?),
                Some(alive) => {
                    if let Some(mut p) = inv.read_postings(term, IndexRecordOption::Basic)? {
                        use tantivy::DocSet;
                        let mut d = p.doc();
                        while d != tantivy::TERMINATED {
                            if alive.is_alive(d) {
                                n += 1;
                            }
                            d = p.advance();
                        }
                    }
                }
            }
        }
        Ok(n)
    }
}

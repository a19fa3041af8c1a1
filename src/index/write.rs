//! Indexing: discover → read and decode → detect → add to tantivy, in parallel.
//!
//! Files are processed in sorted order, in chunks: each chunk is read, decoded
//! and language-detected in parallel with rayon (order preserved), then added
//! to the tantivy writer, whose own threads run the analyzers. One commit at
//! the end. A document is keyed by its id: re-indexing deletes the old copy
//! first, so running `index` twice does not duplicate anything.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::schema::OwnedValue;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::{KorpusIndex, MANIFEST};
use crate::corpus::LangSpan;
use crate::detect::Detector;
use crate::error::{Error, Result};
use crate::ingest::{self, Document, FileReport, IngestOptions};
use crate::lang::Lang;

/// How to index.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Worker threads (decode, detect, analyze).
    pub jobs: usize,
    /// Target languages for detection.
    pub targets: Vec<Lang>,
    /// How to read input files.
    pub ingest: IngestOptions,
    /// tantivy writer memory budget in bytes (split among threads).
    pub heap_bytes: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            targets: Lang::TARGETS.to_vec(),
            ingest: IngestOptions::default(),
            heap_bytes: 200 << 20,
        }
    }
}

/// What an indexing run did. Also written to `manifest.json` in the index.
#[derive(Debug, Clone, Serialize)]
pub struct IndexSummary {
    /// Input files found.
    pub files_seen: usize,
    /// Files that gave at least one document.
    pub files_indexed: usize,
    /// Files skipped (with reasons in `skipped`).
    pub files_skipped: usize,
    /// Documents added in this run.
    pub documents_added: usize,
    /// Documents in the index after the run.
    pub documents: u64,
    /// Documents in the index per main language.
    pub by_lang: BTreeMap<String, u64>,
    /// Skipped files and records, with reasons.
    pub skipped: Vec<Skipped>,
    /// Every file's outcome.
    pub files: Vec<FileReport>,
}

/// A skipped file (or records of one), with a readable reason.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// The file.
    pub path: String,
    /// Why.
    pub reason: String,
}

struct Prepared {
    doc: Document,
    lang: Lang,
    spans: Vec<LangSpan>,
}

const CHUNK_FILES: usize = 256;

/// Index the files under `paths` into `index`. `progress(done, total)` is
/// called after each chunk of files.
pub fn index_paths(
    index: &KorpusIndex,
    paths: &[PathBuf],
    opts: &IndexOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<IndexSummary> {
    let (files, mut reports) = ingest::discover(paths)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let detector = Detector::new(&opts.targets);
    let mut writer: IndexWriter = index
        .tantivy()
        .writer_with_num_threads(opts.jobs.max(1), opts.heap_bytes.max(15 << 20))
        .map_err(|e| match e {
            tantivy::TantivyError::LockFailure(_, _) => {
                Error::Locked(index.dir().to_path_buf(), ".tantivy-writer.lock".into())
            }
            other => Error::Tantivy(other),
        })?;
    // Re-indexing deletes a document's old copy first. On an empty index there
    // is none (and ids within this run are unique, see `seen`): skip the
    // delete, whose queued operation costs ~1 KB of memory until the commit.
    let replace = index.searcher()?.num_docs() > 0;
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut added = 0usize;
    let total = files.len();
    for (n, chunk) in files.chunks(CHUNK_FILES).enumerate() {
        let prepared: Vec<(Vec<Prepared>, FileReport)> = pool.install(|| {
            chunk
                .par_iter()
                .map(|p| {
                    let (docs, report) = ingest::read_file(p, &opts.ingest);
                    let docs = docs.into_iter().map(|d| prepare(d, &detector)).collect();
                    (docs, report)
                })
                .collect()
        });
        for (docs, mut report) in prepared {
            let mut kept = 0;
            let mut dup_of = None;
            for p in docs {
                if let Some(first) = seen.get(&p.doc.id) {
                    dup_of.get_or_insert_with(|| first.clone());
                    continue;
                }
                seen.insert(p.doc.id.clone(), p.doc.path.clone());
                add(index, &mut writer, p, replace)?;
                kept += 1;
            }
            if let Some(first) = dup_of {
                let what = if kept == 0 {
                    "duplicate"
                } else {
                    "some records duplicate"
                };
                let note = format!("{what} of {first}");
                report.skipped = Some(match report.skipped.take() {
                    Some(s) => format!("{s}; {note}"),
                    None => note,
                });
            }
            report.documents = kept;
            added += kept;
            reports.push(report);
        }
        progress(((n + 1) * CHUNK_FILES).min(total), total);
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let summary = summarize(index, reports, added)?;
    let manifest = index.dir().join(MANIFEST);
    let json = serde_json::to_string_pretty(&summary).expect("summary serializes");
    std::fs::write(&manifest, json).map_err(|e| Error::io(&manifest, e))?;
    Ok(summary)
}

fn prepare(doc: Document, detector: &Detector) -> Prepared {
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
    Prepared { doc, lang, spans }
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

fn add(index: &KorpusIndex, writer: &mut IndexWriter, p: Prepared, replace: bool) -> Result<()> {
    let f = index.fields();
    if replace {
        writer.delete_term(Term::from_field_text(f.id, &p.doc.id));
    }
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &p.doc.id);
    doc.add_text(f.path, &p.doc.path);
    if let Some(line) = p.doc.line {
        doc.add_u64(f.line, line);
    }
    doc.add_text(f.lang, p.lang.code());
    let mut langs: Vec<Lang> = p.spans.iter().map(|s| s.lang).collect();
    langs.sort();
    langs.dedup();
    for l in &langs {
        doc.add_text(f.langs, l.code());
    }
    if let Some(t) = &p.doc.title {
        doc.add_text(f.title, t);
    }
    for s in &p.spans {
        doc.add_text(f.body(s.lang), &p.doc.body[s.start..s.end]);
    }
    doc.add_text(
        f.spans,
        serde_json::to_string(&p.spans).expect("spans serialize"),
    );
    if !p.doc.meta.is_empty() {
        let obj: Vec<(String, OwnedValue)> = p
            .doc
            .meta
            .iter()
            .map(|(k, v)| (k.clone(), OwnedValue::from(v.clone())))
            .collect();
        doc.add_object(f.meta, obj.into_iter().collect());
    }
    doc.add_text(f.text, &p.doc.body);
    writer.add_document(doc)?;
    Ok(())
}

fn summarize(index: &KorpusIndex, files: Vec<FileReport>, added: usize) -> Result<IndexSummary> {
    let searcher = index.searcher()?;
    let mut by_lang = BTreeMap::new();
    for l in Lang::ALL {
        let term = Term::from_field_text(index.fields().lang, l.code());
        let n: u64 = searcher
            .segment_readers()
            .iter()
            .map(|r| {
                let inv = r.inverted_index(index.fields().lang)?;
                let df = inv.doc_freq(&term)? as u64;
                // Deleted documents still count in doc_freq: count live ones.
                if r.num_deleted_docs() == 0 || df == 0 {
                    return Ok(df);
                }
                let mut postings = match inv.read_postings(&term, IndexRecordOption::Basic)? {
                    Some(p) => p,
                    None => return Ok(0),
                };
                let mut live = 0u64;
                let alive = r.alive_bitset();
                let mut d = postings.doc();
                while d != tantivy::TERMINATED {
                    if alive.is_none_or(|a| a.is_alive(d)) {
                        live += 1;
                    }
                    d = postings.advance();
                }
                Ok(live)
            })
            .sum::<tantivy::Result<u64>>()?;
        if n > 0 {
            by_lang.insert(l.code().to_string(), n);
        }
    }
    let skipped: Vec<Skipped> = files
        .iter()
        .filter_map(|r| {
            r.skipped.as_ref().map(|s| Skipped {
                path: r.path.clone(),
                reason: s.clone(),
            })
        })
        .collect();
    let files_indexed = files.iter().filter(|r| r.documents > 0).count();
    Ok(IndexSummary {
        files_seen: files.len(),
        files_indexed,
        files_skipped: files.len() - files_indexed,
        documents_added: added,
        documents: searcher.num_docs(),
        by_lang,
        skipped,
        files,
    })
}

use tantivy::schema::IndexRecordOption;
use tantivy::DocSet;

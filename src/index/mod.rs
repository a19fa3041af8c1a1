//! The tantivy index: schema, writing, reading, searching.
//!
//! One body field per language (`body_ar` … `body_und`), each analyzed with that
//! language's [`crate::analysis::Analyzer`] (registered under
//! [`Lang::analyzer_name`]). A document's text goes to the field of its main
//! language; a mixed document sends each language span to its own field. The
//! query parser searches every body field, analyzing the query once per field
//! with that field's analyzer, so `Kunden` finds German `Kunde` and `клиент`
//! finds Russian `клиентами`. Full text is stored once, in `text`.

pub mod boilerplate;
pub mod dir;
mod lanes;
pub mod merge;
pub mod search;
pub mod state;
pub mod write;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Field, IndexRecordOption, JsonObjectOptions, Schema, TextFieldIndexing, TextOptions, Value,
    FAST, STORED, STRING,
};
use tantivy::{DocAddress, Index, TantivyDocument};

use crate::analysis::tokenizer::KorpusTokenizer;
use crate::corpus::{LangSpan, StoredDoc};
use crate::error::{Error, Result};
use crate::lang::Lang;

pub use search::{Hit, SearchOptions};

/// Version of the index layout; bump when the schema or analysis changes.
pub const SCHEMA_VERSION: u32 = 5;
/// File in the index folder holding korpus's own metadata.
pub const KORPUS_META: &str = "korpus.json";
/// File in the index folder listing what happened to every input file.
pub const MANIFEST: &str = "manifest.json";
/// tantivy's writer lock file (an OS file lock, released when the process dies).
pub const WRITER_LOCK: &str = ".tantivy-writer.lock";

fn is_creation_leftover(name: &str) -> bool {
    name == KORPUS_META || name.starts_with('.') || name.ends_with(".tmp")
}

/// korpus's metadata stored beside tantivy's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KorpusMeta {
    /// Schema version.
    pub schema_version: u32,
    /// korpus version that wrote the index.
    pub korpus_version: String,
}

/// The fields of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// Document id (raw, stored).
    pub id: Field,
    /// Source path (raw, stored).
    pub path: Field,
    /// 1-based line of the file where a record starts (stored; absent for
    /// whole files).
    pub line: Field,
    /// Hash of the text ([`crate::ingest::content_id`]; raw), to find a
    /// committed document with the same text whatever its id.
    pub text_hash: Field,
    /// The body's [`crate::ingest::source::SourceMap`] (stored bytes).
    pub source: Field,
    /// Main language code (raw, stored, fast).
    pub lang: Field,
    /// Every language of the document's segments (raw).
    pub langs: Field,
    /// Title (stored).
    pub title: Field,
    /// Full text (stored only).
    pub text: Field,
    /// Language spans as JSON (stored).
    pub spans: Field,
    /// Metadata (JSON, raw tokens, stored).
    pub meta: Field,
    /// The token kinds the document holds (`word`, `url`, `emoji`…; raw).
    pub kind: Field,
    /// The hosts of the document's URLs, lower-cased, without `www.` (raw).
    pub url: Field,
    /// The indexing run that added the document (raw): a run deletes a
    /// file's older documents by `path` and not this run, so the deletes
    /// and the adds of a file can share a commit.
    pub run: Field,
    /// One analyzed body field per language, in `Lang::ALL` order.
    pub body: Vec<(Lang, Field)>,
    /// Per body field, the document's token count there (fast, u64): the
    /// exact token totals BM25 needs over the live documents
    /// ([`search::LiveStats`]), which tantivy only estimates for segments
    /// with deleted or filtered-out documents.
    pub tokens: Vec<(Field, Field)>,
}

impl Fields {
    /// The body field of a language.
    pub fn body(&self, lang: Lang) -> Field {
        self.body
            .iter()
            .find(|(l, _)| *l == lang)
            .expect("every Lang has a body field")
            .1
    }
}

/// Field name of a language's body.
pub fn body_field_name(lang: Lang) -> String {
    format!("body_{}", lang.code())
}

fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let id = b.add_text_field("id", STRING | STORED);
    let path = b.add_text_field("path", STRING | STORED);
    let line = b.add_u64_field("line", STORED);
    let text_hash = b.add_text_field("text_hash", STRING);
    let source = b.add_bytes_field("source", STORED);
    let lang = b.add_text_field("lang", STRING | STORED | FAST);
    let langs = b.add_text_field("langs", STRING);
    let title = b.add_text_field("title", STORED);
    let text = b.add_text_field("text", STORED);
    let spans = b.add_text_field("spans", STORED);
    let meta_opts = JsonObjectOptions::default()
        .set_stored()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer("raw"));
    let meta = b.add_json_field("meta", meta_opts);
    let kind = b.add_text_field("kind", STRING);
    let url = b.add_text_field("url", STRING);
    let run = b.add_text_field("run", STRING);
    let body = Lang::ALL
        .iter()
        .map(|&l| {
            let opts = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(l.analyzer_name())
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            (l, b.add_text_field(&body_field_name(l), opts))
        })
        .collect::<Vec<(Lang, Field)>>();
    let tokens = body
        .iter()
        .map(|&(l, f)| (f, b.add_u64_field(&format!("tokens_{}", l.code()), FAST)))
        .collect();
    (
        b.build(),
        Fields {
            id,
            path,
            line,
            text_hash,
            source,
            lang,
            langs,
            title,
            text,
            spans,
            meta,
            kind,
            url,
            run,
            body,
            tokens,
        },
    )
}

/// An open korpus index.
pub struct KorpusIndex {
    dir: PathBuf,
    index: Index,
    fields: Fields,
    /// The reader `search` uses, opened at the first search. Opening a reader
    /// parses `meta.json`, which holds the per-file state of incremental runs
    /// (megabytes on a large corpus), so repeated searches share one.
    search_reader: std::sync::OnceLock<tantivy::IndexReader>,
    /// Exact token totals of the last searcher generation (see
    /// [`search::LiveStats`]).
    live_tokens: search::LiveTokens,
}

impl std::fmt::Debug for KorpusIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KorpusIndex({})", self.dir.display())
    }
}

fn register_analyzers(index: &Index) {
    for l in Lang::ALL {
        index
            .tokenizers()
            .register(l.analyzer_name(), KorpusTokenizer::text_analyzer(l));
    }
}

impl KorpusIndex {
    /// Open an existing index.
    pub fn open(dir: &Path) -> Result<Self> {
        let meta_path = dir.join(KORPUS_META);
        if !dir.join("meta.json").is_file() || !meta_path.is_file() {
            return Err(Error::NotAnIndex(dir.to_path_buf()));
        }
        let raw = std::fs::read_to_string(&meta_path).map_err(|e| Error::io(&meta_path, e))?;
        let meta: KorpusMeta =
            serde_json::from_str(&raw).map_err(|_| Error::NotAnIndex(dir.to_path_buf()))?;
        if meta.schema_version != SCHEMA_VERSION {
            return Err(Error::IncompatibleIndex {
                path: dir.to_path_buf(),
                found: meta.schema_version,
                expected: SCHEMA_VERSION,
            });
        }
        let index = dir::KorpusDirectory::open(dir)
            .and_then(Index::open)
            .map_err(|e| match e {
            tantivy::TantivyError::IncompatibleIndex(_) | tantivy::TantivyError::SchemaError(_) => {
                Error::IncompatibleIndex {
                    path: dir.to_path_buf(),
                    found: 0,
                    expected: SCHEMA_VERSION,
                }
            }
            other => Error::Tantivy(other),
        })?;
        let (schema, fields) = build_schema();
        if index.schema() != schema {
            return Err(Error::IncompatibleIndex {
                path: dir.to_path_buf(),
                found: meta.schema_version,
                expected: SCHEMA_VERSION,
            });
        }
        register_analyzers(&index);
        Ok(KorpusIndex {
            dir: dir.to_path_buf(),
            index,
            fields,
            search_reader: Default::default(),
            live_tokens: Default::default(),
        })
    }

    /// Open the index at `dir`, or create an empty one. A folder that exists,
    /// is not empty and is not a korpus index is refused (never overwritten).
    /// A folder left by a run killed while creating the index (only
    /// `korpus.json` and lock files in it) is created again.
    pub fn open_or_create(dir: &Path) -> Result<Self> {
        if dir.join("meta.json").is_file() {
            return Self::open(dir);
        }
        if dir.exists() {
            let leftovers_only = std::fs::read_dir(dir)
                .map_err(|e| Error::io(dir, e))?
                .filter_map(|e| e.ok())
                .all(|e| is_creation_leftover(&e.file_name().to_string_lossy()));
            if !leftovers_only {
                return Err(Error::NotAnIndex(dir.to_path_buf()));
            }
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        // The writer lock before anything is written: two runs creating the
        // same index meet here (the second is told the index is locked), and
        // a folder with `meta.json` always has the lock file too. Released
        // before returning, so the caller's writer can take it.
        let lock = Self::lock_writer(dir)?;
        if dir.join("meta.json").is_file() {
            drop(lock);
            return Self::open(dir);
        }
        // korpus.json first: tantivy's meta.json marks a complete creation.
        let meta = KorpusMeta {
            schema_version: SCHEMA_VERSION,
            korpus_version: env!("CARGO_PKG_VERSION").to_string(),
        };
        let json = serde_json::to_string_pretty(&meta).expect("meta serializes");
        state::write_atomic(&dir.join(KORPUS_META), json.as_bytes())?;
        let (schema, fields) = build_schema();
        let index = Index::create(
            dir::KorpusDirectory::open(dir)?,
            schema,
            tantivy::IndexSettings::default(),
        )?;
        drop(lock);
        register_analyzers(&index);
        Ok(KorpusIndex {
            dir: dir.to_path_buf(),
            index,
            fields,
            search_reader: Default::default(),
            live_tokens: Default::default(),
        })
    }

    /// A new index at `dir` (absent or empty) holding the live documents of
    /// `segments` (of korpus indexes of this schema) that `keep` lets
    /// through, merged into one segment by tantivy's segment merger (no
    /// document is analyzed again). Used by `korpus merge`.
    pub fn create_merged(
        dir: &Path,
        segments: &[tantivy::Segment],
        keep: Vec<Option<tantivy::fastfield::AliveBitSet>>,
    ) -> Result<Self> {
        if dir.exists() && std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.next().is_some() {
            return Err(Error::Invalid(format!(
                "{} is not empty: merge writes a new index (give a new folder)",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let lock = Self::lock_writer(dir)?;
        let meta = KorpusMeta {
            schema_version: SCHEMA_VERSION,
            korpus_version: env!("CARGO_PKG_VERSION").to_string(),
        };
        let json = serde_json::to_string_pretty(&meta).expect("meta serializes");
        state::write_atomic(&dir.join(KORPUS_META), json.as_bytes())?;
        let (schema, fields) = build_schema();
        let index = if segments.is_empty() {
            Index::create(dir::KorpusDirectory::open(dir)?, schema, tantivy::IndexSettings::default())?
        } else {
            tantivy::indexer::merge_filtered_segments(
                segments,
                tantivy::IndexSettings::default(),
                keep,
                dir::KorpusDirectory::open(dir)?,
            )?
        };
        drop(lock);
        register_analyzers(&index);
        Ok(KorpusIndex {
            dir: dir.to_path_buf(),
            index,
            fields,
            search_reader: Default::default(),
            live_tokens: Default::default(),
        })
    }

    /// Live documents per main language (codes) in `searcher`'s view.
    pub fn live_docs_by_lang(
        &self,
        searcher: &tantivy::Searcher,
    ) -> Result<std::collections::BTreeMap<String, u64>> {
        use tantivy::{DocSet, Term};
        let mut by_lang = std::collections::BTreeMap::new();
        for l in Lang::ALL {
            let term = Term::from_field_text(self.fields().lang, l.code());
            let n: u64 = searcher
                .segment_readers()
                .iter()
                .map(|r| {
                    let inv = r.inverted_index(self.fields().lang)?;
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
        Ok(by_lang)
    }

    /// Take tantivy's writer lock file (`flock`, as tantivy does) for work
    /// done outside a tantivy writer; held until the file is dropped.
    fn lock_writer(dir: &Path) -> Result<std::fs::File> {
        let lock_path = dir.join(WRITER_LOCK);
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| {
                if dir::is_read_only(&e) {
                    Error::ReadOnly(dir.to_path_buf())
                } else {
                    Error::io(&lock_path, e)
                }
            })?;
        use fs2::FileExt;
        retry_while_locked(|| {
            lock.try_lock_exclusive().map_err(|_| Error::Locked(dir.to_path_buf(), WRITER_LOCK.into()))
        })?;
        Ok(lock)
    }

    /// For `korpus index --force`: an empty index at `dir`. A korpus index
    /// there (whatever its version or state: `--force` must rebuild a
    /// damaged one too) has its files deleted under the writer lock first;
    /// a folder that is not a korpus index is refused as in
    /// [`KorpusIndex::open_or_create`].
    pub fn open_or_recreate(dir: &Path) -> Result<Self> {
        if !dir.join(KORPUS_META).is_file() {
            return Self::open_or_create(dir);
        }
        let lock = Self::lock_writer(dir)?;
        for e in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
            let e = e.map_err(|e| Error::io(dir, e))?;
            let name = e.file_name();
            if name.to_string_lossy().starts_with(".tantivy-") {
                continue;
            }
            let p = e.path();
            let r = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
            r.map_err(|err| Error::io(&p, err))?;
        }
        drop(lock);
        Self::open_or_create(dir)
    }

    /// The index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The tantivy index.
    pub fn tantivy(&self) -> &Index {
        &self.index
    }

    /// The schema fields.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// A searcher on the last commit. Readers take no lock, so this works
    /// while another process indexes; if that writer deletes the files of a
    /// merged segment between our reading `meta.json` and opening them, the
    /// open is retried on the newer commit.
    /// A searcher for queries: on the commit that was last when this index
    /// handle first searched (see [`KorpusIndex::searcher`] for a fresh one).
    pub fn search_searcher(&self) -> Result<tantivy::Searcher> {
        if let Some(r) = self.search_reader.get() {
            return Ok(r.searcher());
        }
        let reader: tantivy::IndexReader = self
            .index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let _ = self.search_reader.set(reader);
        Ok(searcher)
    }

    /// A searcher on the last commit (opens a fresh reader).
    pub fn searcher(&self) -> Result<tantivy::Searcher> {
        let mut attempt = 0;
        loop {
            let r: tantivy::Result<tantivy::IndexReader> = self
                .index
                .reader_builder()
                .reload_policy(tantivy::ReloadPolicy::Manual)
                .try_into();
            match r {
                Ok(reader) => return Ok(reader.searcher()),
                Err(e) if attempt < 5 => {
                    let _ = e;
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20 * attempt));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Bytes of the compressed document store of the last commit (the
    /// stored text and fields): a cheap measure of how much text there is
    /// to analyze.
    pub fn stored_bytes(&self) -> Result<u64> {
        let usage = self
            .searcher()?
            .space_usage()
            .map_err(|e| Error::io(&self.dir, e))?;
        Ok(usage
            .segments()
            .iter()
            .map(|s| s.store().total().get_bytes())
            .sum())
    }

    /// Turn a stored tantivy document into a [`StoredDoc`].
    pub fn stored_doc(&self, doc: &TantivyDocument) -> StoredDoc {
        let f = &self.fields;
        let s = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        let lang = s(f.lang).parse().unwrap_or(Lang::Und);
        let title = doc
            .get_first(f.title)
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let spans: Vec<LangSpan> = serde_json::from_str(&s(f.spans)).unwrap_or_default();
        let meta = match doc.get_first(f.meta) {
            Some(v) => {
                let owned: tantivy::schema::OwnedValue = v.into();
                match serde_json::to_value(&owned) {
                    Ok(serde_json::Value::Object(m)) => m,
                    _ => Default::default(),
                }
            }
            None => Default::default(),
        };
        let line = doc.get_first(f.line).and_then(|v| v.as_u64());
        let source = doc
            .get_first(f.source)
            .and_then(|v| v.as_bytes())
            .map(crate::ingest::source::SourceMap::from_bytes)
            .unwrap_or_default();
        StoredDoc {
            id: s(f.id),
            path: s(f.path),
            lang,
            title,
            body: s(f.text),
            spans,
            meta,
            line,
            source,
        }
    }

    /// Fetch stored documents by address.
    pub fn fetch(
        &self,
        searcher: &tantivy::Searcher,
        addrs: &[DocAddress],
    ) -> Result<Vec<StoredDoc>> {
        addrs
            .iter()
            .map(|&a| Ok(self.stored_doc(&searcher.doc::<TantivyDocument>(a)?)))
            .collect()
    }
}

/// Run `take` (a lock attempt) until it is not [`Error::Locked`] or about
/// half a second has passed. A lock released a moment ago can still be held
/// for a few microseconds by a child process another thread of this process
/// is spawning (between fork and exec the child shares every open file, the
/// lock file too); a real holder, another run, holds it far longer.
pub(crate) fn retry_while_locked<T>(mut take: impl FnMut() -> Result<T>) -> Result<T> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(500);
    loop {
        match take() {
            Err(Error::Locked(..)) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_folder_that_is_not_an_index() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        assert!(matches!(
            KorpusIndex::open_or_create(dir.path()),
            Err(Error::NotAnIndex(_))
        ));
        assert!(matches!(
            KorpusIndex::open(dir.path()),
            Err(Error::NotAnIndex(_))
        ));
    }

    #[test]
    fn rejects_other_schema_versions() {
        let dir = tempfile::tempdir().unwrap();
        KorpusIndex::open_or_create(dir.path()).unwrap();
        let meta = KorpusMeta {
            schema_version: SCHEMA_VERSION + 1,
            korpus_version: "9".into(),
        };
        std::fs::write(
            dir.path().join(KORPUS_META),
            serde_json::to_string(&meta).unwrap(),
        )
        .unwrap();
        assert!(matches!(
            KorpusIndex::open(dir.path()),
            Err(Error::IncompatibleIndex { .. })
        ));
    }
}

//! Writing to tantivy: documents ready for the index, the writer, segment
//! writers on the worker pool, commits that carry the file state.
//!
//! The pipeline ([`crate::pipeline`]) decides what to add and delete; this
//! module adds it. Kept documents are batched; each batch is turned into
//! tantivy documents and indexed in a task on the worker pool, into the
//! segment of the worker that runs it ([`super::lanes`]), so `--jobs N`
//! keeps N threads busy and no more. A commit hands the segments to the
//! writer, writes the file state to its own file and names it in the commit
//! payload ([`super::state`]).

use std::sync::{Arc, Condvar, Mutex};

use tantivy::schema::OwnedValue;
use tantivy::{IndexWriter, Opstamp, TantivyDocument, Term};

use super::lanes::Lanes;
use super::merge::KorpusMergePolicy;
use super::state::{write_atomic_with, IndexState, StatePointer, STATE_PREFIX, STATE_VERSION};
use super::{Fields, KorpusIndex};
use crate::analysis::tokenizer;
use crate::corpus::LangSpan;
use crate::error::{Error, Result};
use crate::ingest::Document;
use crate::lang::Lang;

/// A document ready for the index: read, detected, and each language span
/// analyzed (in the worker threads, once) into a pre-analyzed field value.
pub struct IndexDoc {
    /// The document as read.
    pub(crate) doc: Document,
    /// [`crate::ingest::content_id`] of the text.
    pub(crate) text_hash: String,
    /// Main language.
    pub(crate) lang: Lang,
    /// Language spans of the text, in order, covering it.
    pub(crate) spans: Vec<LangSpan>,
    /// One pre-analyzed value per span (see [`tokenizer::pre_analyze`]).
    pub(crate) analyzed: Vec<String>,
    /// Token kinds and URL hosts of the document.
    pub(crate) seen: tokenizer::Seen,
}

/// Kept documents are indexed at the end of each chunk, or once they hold
/// this many bytes of text (a large JSONL or CSV file, a streamed file).
pub const BATCH_BYTES: usize = 16 << 20;
/// Indexing tasks that may be queued or running at once; the adding thread
/// waits for one to finish before it queues more.
const MAX_PENDING: usize = 4;

/// The indexing tasks on the pool: how many are unfinished, and the first
/// error one of them met.
#[derive(Default)]
struct Pending {
    count: Mutex<usize>,
    done: Condvar,
    error: Mutex<Option<Error>>,
}

impl Pending {
    /// Count a new task, once fewer than [`MAX_PENDING`] are unfinished.
    fn begin(&self) {
        let mut count = self.count.lock().expect("pending lock");
        while *count >= MAX_PENDING {
            count = self.done.wait(count).expect("pending lock");
        }
        *count += 1;
    }

    /// Wait until fewer than `n` tasks are unfinished.
    fn wait_below(&self, n: usize) {
        let mut count = self.count.lock().expect("pending lock");
        while *count >= n {
            count = self.done.wait(count).expect("pending lock");
        }
    }

    fn finish(&self, r: Result<()>) {
        if let Err(e) = r {
            self.error.lock().expect("error lock").get_or_insert(e);
        }
        *self.count.lock().expect("pending lock") -= 1;
        self.done.notify_all();
    }

    fn take_error(&self) -> Result<()> {
        match self.error.lock().expect("error lock").take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// Open the writer of `index`; a held lock is [`Error::Locked`].
/// Its merge policy is [`KorpusMergePolicy`]. Its own indexing thread stays
/// idle: segments are written by [`Lanes`] and handed to it.
pub fn open_writer(index: &KorpusIndex) -> Result<IndexWriter> {
    let writer = super::retry_while_locked(|| {
        index.tantivy().writer_with_num_threads(1, super::lanes::MIN_HEAP_BYTES).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(tantivy::directory::error::LockError::IoError(io), _)
                if super::dir::is_read_only(&io) =>
            {
                Error::ReadOnly(index.dir().to_path_buf())
            }
            tantivy::TantivyError::LockFailure(_, _) => {
                Error::Locked(index.dir().to_path_buf(), super::WRITER_LOCK.into())
            }
            other => Error::Tantivy(other),
        })
    })?;
    writer.set_merge_policy(Box::new(KorpusMergePolicy::default()));
    Ok(writer)
}


/// The index being written: tantivy's writer, a segment writer per worker
/// of the pool, and the batch of documents not yet handed to them.
pub struct Writer<'a> {
    index: &'a KorpusIndex,
    writer: IndexWriter,
    /// The worker pool, which also indexes.
    pool: &'a rayon::ThreadPool,
    /// A segment writer per worker.
    lanes: Arc<Lanes>,
    fields: Arc<Fields>,
    /// Indexing tasks running or queued on the pool.
    pending: Arc<Pending>,
    /// Documents kept but not yet indexed, and their text bytes.
    batch: Vec<IndexDoc>,
    batch_bytes: usize,
    /// This run's id (the `run` field of its documents): the opstamp of
    /// the commit it started from, so no earlier run's documents carry it.
    run: Arc<str>,
}

impl<'a> Writer<'a> {
    /// Write with `writer` (see [`open_writer`]) on `pool`, `jobs` segment
    /// writers sharing `heap_bytes`.
    pub fn new(
        index: &'a KorpusIndex,
        writer: IndexWriter,
        pool: &'a rayon::ThreadPool,
        jobs: usize,
        heap_bytes: usize,
    ) -> Self {
        let run: Arc<str> = format!("r{}", writer.commit_opstamp()).into();
        Writer {
            run,
            index,
            writer,
            pool,
            lanes: Arc::new(Lanes::new(index.tantivy(), jobs, heap_bytes)),
            fields: Arc::new(index.fields().clone()),
            pending: Arc::default(),
            batch: Vec::new(),
            batch_bytes: 0,
        }
    }

    /// Add a document: batched, indexed once the batch holds
    /// [`BATCH_BYTES`] of text or at [`Writer::flush`].
    pub fn add(&mut self, d: IndexDoc) -> Result<()> {
        self.batch_bytes += d.doc.body.len();
        self.batch.push(d);
        if self.batch_bytes >= BATCH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Index the batch in a task on the pool, into the segment of the
    /// worker that runs it, while the calling thread goes on. Waits while
    /// [`MAX_PENDING`] such tasks are unfinished; returns the error of a
    /// task that failed since the last call.
    pub fn flush(&mut self) -> Result<()> {
        let batch = std::mem::take(&mut self.batch);
        self.batch_bytes = 0;
        if !batch.is_empty() {
            self.pending.begin();
            let (lanes, fields, pending, run) = (
                self.lanes.clone(),
                self.fields.clone(),
                self.pending.clone(),
                self.run.clone(),
            );
            self.pool.spawn(move || {
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    batch
                        .into_iter()
                        .try_for_each(|p| lanes.add(document(&fields, &run, p)))
                }))
                .unwrap_or_else(|_| Err(Error::Invalid("an indexing task panicked".into())));
                pending.finish(r);
            });
        }
        self.pending.take_error()
    }

    /// Wait until every added document is in a segment writer.
    fn wait_indexed(&mut self) -> Result<()> {
        self.flush()?;
        self.pending.wait_below(1);
        self.pending.take_error()
    }

    /// Wait for the indexing tasks still running, without their result:
    /// after an error, so no task writes segment files behind.
    pub fn abandon(&self) {
        self.pending.wait_below(1);
    }

    /// Delete every document (in the next commit).
    pub fn delete_all(&mut self) -> Result<()> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Delete the documents of the file `path` that earlier runs added (in
    /// the next commit). This run's documents of the same path are kept, so
    /// a file's old documents and its new ones change in the same commit:
    /// a reader sees one version or the other, never neither.
    pub fn delete_path(&mut self, path: &str) -> Result<()> {
        use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
        use tantivy::schema::IndexRecordOption;
        let f = self.index.fields();
        let term = |field, v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, v),
                IndexRecordOption::Basic,
            ))
        };
        let q = BooleanQuery::new(vec![
            (Occur::Must, term(f.path, path)),
            (Occur::MustNot, term(f.run, &self.run)),
        ]);
        self.writer.delete_query(Box::new(q))?;
        Ok(())
    }

    /// Commit, with `state` written to its own file first and named in the
    /// payload. A run killed in between leaves the previous commit, whose
    /// state file is still there (older state files are deleted only after
    /// the commit).
    pub fn commit(&mut self, state: &mut IndexState) -> Result<Opstamp> {
        state.version = STATE_VERSION;
        let dir = self.index.dir().to_path_buf();
        self.wait_indexed()?;
        self.lanes.hand_over(self.pool, &self.writer)?;
        let mut prepared = self.writer.prepare_commit()?;
        let state_file = format!("{STATE_PREFIX}{}.json", prepared.opstamp());
        write_atomic_with(&dir.join(&state_file), |w| {
            serde_json::to_writer(w, &*state).map_err(std::io::Error::other)
        })?;
        let payload = serde_json::to_string(&StatePointer {
            state_file: state_file.clone(),
        })
        .expect("pointer serializes");
        prepared.set_payload(&payload);
        let opstamp = prepared.commit()?;
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with(STATE_PREFIX) && name != state_file {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        Ok(opstamp)
    }

    /// Wait for tantivy's merges to end (after the last commit).
    pub fn finish(self) -> Result<()> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

/// The tantivy document of one ready for the index.
fn document(f: &Fields, run: &str, p: IndexDoc) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.run, run);
    doc.add_text(f.id, &p.doc.id);
    doc.add_text(f.path, &p.doc.path);
    if let Some(line) = p.doc.line {
        doc.add_u64(f.line, line);
    }
    doc.add_text(f.text_hash, &p.text_hash);
    if !p.doc.source.is_empty() {
        doc.add_bytes(f.source, &p.doc.source.to_bytes());
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
    let mut tokens: Vec<(Lang, u64)> = Vec::new();
    for (s, v) in p.spans.iter().zip(p.analyzed) {
        let n = crate::analysis::tokenizer::token_count(&v);
        match tokens.iter_mut().find(|(l, _)| *l == s.lang) {
            Some(t) => t.1 += n,
            None => tokens.push((s.lang, n)),
        }
        doc.add_text(f.body(s.lang), v);
    }
    for (l, n) in tokens {
        let body = f.body(l);
        let field = f.tokens.iter().find(|(b, _)| *b == body).expect("a token field per body field").1;
        doc.add_u64(field, n);
    }
    for k in p.seen.kinds.iter() {
        doc.add_text(f.kind, k.name());
    }
    for h in &p.seen.hosts {
        doc.add_text(f.url, h);
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
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_tasks_are_waited_for_and_an_error_is_reported_once() {
        let pending = Arc::new(Pending::default());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        for i in 0..8 {
            pending.begin();
            let p = pending.clone();
            pool.spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(5));
                let r = match i {
                    3 => Err(Error::Invalid("first".into())),
                    5 => Err(Error::Invalid("second".into())),
                    _ => Ok(()),
                };
                p.finish(r);
            });
            assert!(*pending.count.lock().unwrap() <= MAX_PENDING);
        }
        pending.wait_below(1);
        assert_eq!(*pending.count.lock().unwrap(), 0);
        let e = pending.take_error().unwrap_err();
        assert!(matches!(e, Error::Invalid(ref m) if m == "first" || m == "second"));
        // Taken once: the next call is clean.
        assert!(pending.take_error().is_ok());
    }
}

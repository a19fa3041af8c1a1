//! Indexing: discover → read and decode → detect → add to tantivy, in parallel.
//!
//! Files are processed in sorted order, in chunks: each chunk is read, decoded,
//! language-detected and analyzed in parallel with rayon (order preserved);
//! one thread then decides, in file order, which documents to keep
//! (duplicates), and the kept ones are indexed on the same pool, each worker
//! writing a segment of its own ([`super::lanes`]), so `--jobs N` keeps N
//! threads busy and no more. Files larger than
//! [`IngestOptions::max_file_bytes`] are streamed one document at a time
//! through [`ingest::read_file_with`] on the adding thread, so they are never
//! held whole.
//!
//! **Incremental.** Every commit stores the state of every indexed file (path,
//! size, mtime, BLAKE3 hash of the bytes, documents, report) in tantivy's
//! commit payload, so the state always describes exactly the committed
//! documents. A re-run skips files whose size and mtime (or, if those changed,
//! hash) are unchanged; a new or changed file has its old documents deleted
//! by `path` term and its new ones added. Files that gave no documents are
//! always re-read (cheap, and a "duplicate of X" verdict may no longer hold).
//! With `prune`, documents of files that were indexed under the given paths
//! but no longer exist there are deleted.
//!
//! **Crash safety.** Commits happen at file boundaries, every
//! [`IndexOptions::commit_every`] added documents and at the end; a killed run
//! leaves the index at its last commit, whose payload lists exactly the files
//! it holds, so the next run redoes only the rest. `manifest.json` is written
//! atomically (temp file + rename) after every commit and records the
//! commit's opstamp, so a stale manifest is detectable (`korpus check`).
//!
//! **Duplicates.** A record whose text is that of a record already added
//! in this run, or of a committed document of a file that stays, is not
//! added. Inside one file that is counted as the file's `duplicates` (the
//! first is kept; the file is indexed, not skipped); across files as
//! `duplicates_elsewhere` with the first `duplicate_of`, and a file all of
//! whose records are elsewhere is skipped as "duplicate of <path>". A record
//! whose id (JSONL `id`, CSV column `id`) was given to another record with a
//! different text is kept too, under the id `<id>@<path>:<line>`, with a
//! warning, so ids stay unique in the index.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::{OwnedValue, Value};
use tantivy::{IndexWriter, Opstamp, TantivyDocument, Term};

use super::lanes::Lanes;
use super::merge::KorpusMergePolicy;
use super::{KorpusIndex, MANIFEST};
use crate::analysis::tokenizer;
use crate::analysis::Scratch;
use crate::corpus::LangSpan;
use crate::detect::Detector;
use crate::error::{Error, Result};
use crate::ingest::{self, Document, FileReport, IngestOptions};
use crate::lang::Lang;

/// How to index.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Worker threads (decode, detect, analyze, index): the threads that
    /// do the work, so about the cores a run keeps busy.
    pub jobs: usize,
    /// Target languages for detection.
    pub targets: Vec<Lang>,
    /// How to read input files.
    pub ingest: IngestOptions,
    /// Indexing memory budget in bytes (split among the worker threads'
    /// segment writers).
    pub heap_bytes: usize,
    /// Commit after at least this many documents were added since the last
    /// commit (checked after each file). 0 = only at the end.
    pub commit_every: usize,
    /// Delete documents of files under the given paths that no longer exist.
    pub prune: bool,
    /// Ignore the previous state: delete every document and index all files.
    pub force: bool,
    /// While streaming a large file, commit after this many bytes of text,
    /// so that tantivy's queue of added documents stays bounded.
    pub stream_commit_bytes: usize,
}

/// Default of [`IndexOptions::commit_every`]. Every commit ends a segment
/// per writer thread, and full segments are not merged
/// ([`super::merge::KorpusMergePolicy`]), so this also sets their size. With
/// that policy, 50,000 against 20,000 (`korpus index --commit-every N -j 2`,
/// alternating runs): 200 MB bench corpus 10.4 s against 10.7 s, peak RSS
/// 373 against 342 MB; 400 MB 20.3–20.5 s against 21.7 s, 480 against
/// 456 MB. A killed run redoes at most 50,000 documents. (With tantivy's
/// own merge policy, 50,000 was slower on 400 MB, 44 s against
/// 33 s, and took 675 MB: the larger segments were merged again.) 0 (commit
/// only at the end) took 650 MB on 400 MB.
pub const DEFAULT_COMMIT_EVERY: usize = 50_000;

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            targets: Lang::TARGETS.to_vec(),
            ingest: IngestOptions::default(),
            heap_bytes: 200 << 20,
            commit_every: DEFAULT_COMMIT_EVERY,
            prune: false,
            force: false,
            stream_commit_bytes: 64 << 20,
        }
    }
}

/// What an indexing run did. Also written to `manifest.json` in the index.
///
/// `files_seen = files_indexed + files_skipped + files_unchanged`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexSummary {
    /// Input files found (and accounted for, if the run is not complete).
    pub files_seen: usize,
    /// Files read in this run that gave at least one document.
    pub files_indexed: usize,
    /// Files read in this run that gave no document (with reasons in `skipped`).
    pub files_skipped: usize,
    /// Files unchanged since the last commit (not read again).
    #[serde(default)]
    pub files_unchanged: usize,
    /// Files indexed earlier under the given paths that no longer exist and
    /// whose documents were deleted (`--prune`).
    #[serde(default)]
    pub files_pruned: usize,
    /// Files indexed earlier under the given paths that no longer exist;
    /// their documents are still in the index (use `--prune`).
    #[serde(default)]
    pub files_missing: usize,
    /// Documents added in this run.
    pub documents_added: usize,
    /// Documents deleted in this run (of changed and pruned files).
    #[serde(default)]
    pub documents_removed: usize,
    /// Documents in the index after the run.
    pub documents: u64,
    /// Documents in the index per main language.
    pub by_lang: BTreeMap<String, u64>,
    /// Skipped files and records, with reasons.
    pub skipped: Vec<Skipped>,
    /// Skipped files and records counted by reason (see [`reason_kind`]).
    #[serde(default)]
    pub skip_counts: Vec<SkipCount>,
    /// Records not added because their text repeats an earlier record of
    /// the same file (per file in `files`).
    #[serde(default)]
    pub duplicate_records: usize,
    /// Warnings (ids given twice with different texts), per file.
    #[serde(default)]
    pub warnings: Vec<Skipped>,
    /// Opstamp of the tantivy commit this summary describes.
    #[serde(default)]
    pub opstamp: Opstamp,
    /// False while a run is in progress (written at an intermediate commit).
    #[serde(default = "yes")]
    pub complete: bool,
    /// Every file's outcome.
    pub files: Vec<ManifestFile>,
}

fn yes() -> bool {
    true
}

/// One file's outcome in a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestFile {
    /// The file.
    pub path: String,
    /// Documents of this file in the index.
    pub documents: usize,
    /// Encoding the file was decoded from.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub encoding: Option<String>,
    /// Why the file (or some of its records) was skipped.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub skipped: Option<String>,
    /// Invalid byte sequences replaced while decoding.
    #[serde(skip_serializing_if = "is_zero", default)]
    pub replaced: usize,
    /// `indexed`, `skipped` or `unchanged` (empty in manifests written
    /// before korpus kept file state).
    #[serde(default)]
    pub status: String,
    /// Duplicate records and warnings.
    #[serde(flatten)]
    pub notes: RecordNotes,
}

/// What happened to some records of a file that was indexed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordNotes {
    /// Records whose text repeats an earlier record of the same file (the
    /// first is kept).
    #[serde(skip_serializing_if = "is_zero", default)]
    pub duplicates: usize,
    /// Records whose text is that of a record of another file (kept there).
    #[serde(skip_serializing_if = "is_zero", default)]
    pub duplicates_elsewhere: usize,
    /// Where the first of those is (`path` or `path:line`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub duplicate_of: Option<String>,
    /// Ids given twice with different texts (both records kept).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub warnings: Vec<String>,
}

/// How many files, and records inside files, were skipped for one reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkipCount {
    /// The kind of reason ([`reason_kind`]).
    pub reason: String,
    /// Files skipped whole for it.
    pub files: usize,
    /// Records skipped for it (in files skipped whole or indexed).
    pub records: usize,
}

/// The kind of a skip reason, for counting: the reason up to its details
/// (`unreadable: Permission denied` → `unreadable`), `duplicate of <path>`
/// → `duplicate of another file`, `3 records skipped (first: …)` →
/// `bad or empty records`.
pub fn reason_kind(reason: &str) -> String {
    if reason.starts_with("duplicate of") {
        return "duplicate of another file".into();
    }
    if record_count(reason).is_some() {
        return "bad or empty records".into();
    }
    let end = reason.find([':', '(']).unwrap_or(reason.len());
    reason[..end].trim().to_string()
}

/// N of a reason `N records skipped (…)` / `1 record skipped (…)`.
fn record_count(reason: &str) -> Option<usize> {
    let (n, rest) = reason.split_once(' ')?;
    let n: usize = n.parse().ok()?;
    (rest.starts_with("records skipped") || rest.starts_with("record skipped")).then_some(n)
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A skipped file (or records of one), with a readable reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Skipped {
    /// The file.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// The committed state of one indexed file (in the commit payload).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileState {
    /// Size in bytes when read.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: u64,
    /// BLAKE3 of the file's bytes (hex).
    pub hash: String,
    /// Documents of this file in the index.
    pub documents: usize,
    /// Encoding it was decoded from.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub encoding: Option<String>,
    /// Skip note (e.g. some records duplicate).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub skipped: Option<String>,
    /// Replaced byte sequences.
    #[serde(skip_serializing_if = "is_zero", default)]
    pub replaced: usize,
    /// Duplicate records and warnings.
    #[serde(flatten)]
    pub notes: RecordNotes,
}

/// The committed state of the index: every file with documents in it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IndexState {
    /// Format version of this payload.
    pub version: u32,
    /// Files by path.
    pub files: BTreeMap<String, FileState>,
}

const STATE_VERSION: u32 = 1;

/// What the commit payload holds: the name of the file (in the index
/// folder) with the state of that commit. The state itself is megabytes on
/// a large corpus; in tantivy's `meta.json` it would be parsed by every
/// reader and held in memory by the writer.
#[derive(Debug, Serialize, Deserialize)]
struct StatePointer {
    state_file: String,
}

/// Prefix of the state files (`korpus-state-<opstamp>.json`).
const STATE_PREFIX: &str = "korpus-state-";

/// The file state stored with the last commit (empty for an index written
/// before korpus kept state, or a fresh one).
pub fn load_state(index: &KorpusIndex) -> Result<IndexState> {
    let metas = index.tantivy().load_metas()?;
    let Some(payload) = metas.payload.as_deref() else {
        return Ok(IndexState::default());
    };
    let state = if let Ok(ptr) = serde_json::from_str::<StatePointer>(payload) {
        let path = index.dir().join(&ptr.state_file);
        let f = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_reader::<_, IndexState>(std::io::BufReader::new(f)).ok()
    } else {
        // Indexes written before the state had its own file.
        serde_json::from_str::<IndexState>(payload).ok()
    };
    Ok(state
        .filter(|s| s.version == STATE_VERSION)
        .unwrap_or_default())
}

/// Write `bytes` to `path` atomically: a temp file in the same folder, fsync,
/// then rename over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// [`write_atomic`], the content written by `fill` through a buffer (so a
/// large JSON document is streamed, never held as one string).
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("json.tmp");
    let f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
    fill(&mut w)
        .and_then(|_| w.flush())
        .map_err(|e| Error::io(&tmp, e))?;
    let f = w
        .into_inner()
        .map_err(|e| Error::io(&tmp, e.into_error()))?;
    f.sync_all().map_err(|e| Error::io(&tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// A document ready to add: detected, and each language span analyzed (in
/// the worker threads, once) into a pre-analyzed field value.
struct Prepared {
    doc: Document,
    /// [`ingest::content_id`] of the text.
    text_hash: String,
    lang: Lang,
    spans: Vec<LangSpan>,
    /// One pre-analyzed value per span (see [`tokenizer::pre_analyze`]).
    analyzed: Vec<String>,
    /// Token kinds and URL hosts of the document.
    seen: tokenizer::Seen,
}

const CHUNK_FILES: usize = 256;
/// Warnings kept per file (one more line says there were more).
const MAX_WARNINGS: usize = 20;

/// What happened to the records of the file being added.
#[derive(Default)]
struct Tally {
    kept: usize,
    notes: RecordNotes,
}
/// Kept documents are indexed at the end of each chunk, or once they hold
/// this many bytes of text (a large JSONL or CSV file, a streamed file).
const BATCH_BYTES: usize = 16 << 20;
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

/// What to do with a discovered file.
enum Plan {
    /// Unchanged since the last commit; the new state (mtime may differ).
    Unchanged(FileState),
    /// Read it (size, mtime, hash if already computed).
    Read(u64, u64, Option<String>),
}

/// A file read in a worker.
enum Work {
    Unchanged(FileState),
    Read(Vec<Prepared>, FileReport, FileState),
    /// Too large to hold: streamed on the adding thread.
    Stream(u64, u64),
}

fn stat(path: &Path) -> Option<(u64, u64)> {
    let m = std::fs::metadata(path).ok()?;
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    Some((m.len(), mtime))
}

fn hash_file(path: &Path) -> String {
    let mut h = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 16];
    if let Ok(mut f) = std::fs::File::open(path) {
        loop {
            match f.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    h.update(&buf[..n]);
                }
            }
        }
    }
    h.finalize().to_hex().to_string()
}

fn key(p: &Path) -> String {
    p.display().to_string()
}

struct Run<'a> {
    index: &'a KorpusIndex,
    writer: IndexWriter,
    /// The worker pool, which also indexes.
    pool: &'a rayon::ThreadPool,
    /// A segment writer per worker.
    lanes: Arc<Lanes>,
    fields: Arc<super::Fields>,
    /// Indexing tasks running or queued on the pool.
    pending: Arc<Pending>,
    /// Documents kept but not yet indexed, and their text bytes.
    batch: Vec<Prepared>,
    batch_bytes: usize,
    state: IndexState,
    /// Committed searcher at the start, to find duplicates of kept files.
    searcher: tantivy::Searcher,
    /// Paths whose committed documents are being replaced or pruned.
    replaced: HashSet<String>,
    /// Whether `state` lists every path with committed documents (a
    /// fresh index, `--force`, or a state written by this version), so a
    /// path missing from it needs no delete. Each delete costs a term
    /// lookup in every segment.
    state_complete: bool,
    /// Texts added in this run ([`Prepared::text_hash`]) → file (index in
    /// `paths`) and line.
    texts: HashMap<String, (u32, Option<u64>)>,
    /// Ids added in this run → file and line.
    ids: HashMap<String, (u32, Option<u64>)>,
    /// Paths of the files read in this run.
    paths: Vec<String>,
    added: usize,
    removed: usize,
    since_commit: usize,
    files: Vec<ManifestFile>,
    pruned: usize,
    missing: usize,
}

impl Run<'_> {
    /// The location (`path` or `path:line`) of a committed document whose
    /// `field` is `value`, if it belongs to a file that stays in the index.
    fn committed(&self, field: tantivy::schema::Field, value: &str) -> Result<Option<String>> {
        if self.searcher.num_docs() == 0 {
            return Ok(None);
        }
        let f = self.index.fields();
        let q = TermQuery::new(
            Term::from_field_text(field, value),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let mut addrs: Vec<_> = self
            .searcher
            .search(&q, &DocSetCollector)?
            .into_iter()
            .collect();
        addrs.sort();
        for a in addrs {
            let d: TantivyDocument = self.searcher.doc(a)?;
            let p = d
                .get_first(f.path)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            if !self.replaced.contains(&p) {
                let line = d.get_first(f.line).and_then(|v| v.as_u64());
                return Ok(Some(crate::corpus::location(&p, line)));
            }
        }
        Ok(None)
    }

    /// The index in `paths` of a file about to be read.
    fn start_file(&mut self, path: &str) -> u32 {
        self.paths.push(path.to_string());
        (self.paths.len() - 1) as u32
    }

    /// Add one record of file `file` (see [`Run::start_file`]), unless its
    /// text repeats one already kept; `tally` counts what happened.
    fn add_doc(&mut self, mut p: Prepared, file: u32, tally: &mut Tally) -> Result<()> {
        if let Some(&(f, line)) = self.texts.get(&p.text_hash) {
            if f == file {
                tally.notes.duplicates += 1;
            } else {
                tally.notes.duplicates_elsewhere += 1;
                let first = crate::corpus::location(&self.paths[f as usize], line);
                tally.notes.duplicate_of.get_or_insert(first);
            }
            return Ok(());
        }
        if let Some(first) = self.committed(self.index.fields().text_hash, &p.text_hash)? {
            tally.notes.duplicates_elsewhere += 1;
            tally.notes.duplicate_of.get_or_insert(first);
            return Ok(());
        }
        let taken = match self.ids.get(&p.doc.id) {
            Some(&(f, line)) => Some(crate::corpus::location(&self.paths[f as usize], line)),
            None => self.committed(self.index.fields().id, &p.doc.id)?,
        };
        if let Some(first) = taken {
            let new_id = format!(
                "{}@{}",
                p.doc.id,
                crate::corpus::location(&p.doc.path, p.doc.line)
            );
            if tally.notes.warnings.len() < MAX_WARNINGS {
                tally.notes.warnings.push(format!(
                    "{}: id {:?} is also the id of {first}, with another text: both kept, this one as {new_id:?}",
                    crate::corpus::location(&p.doc.path, p.doc.line),
                    p.doc.id
                ));
            } else if tally.notes.warnings.len() == MAX_WARNINGS {
                tally
                    .notes
                    .warnings
                    .push("more ids given twice with different texts (all kept)".into());
            }
            p.doc.id = new_id;
        }
        self.texts.insert(p.text_hash.clone(), (file, p.doc.line));
        self.ids.insert(p.doc.id.clone(), (file, p.doc.line));
        tally.kept += 1;
        self.batch_bytes += p.doc.body.len();
        self.batch.push(p);
        if self.batch_bytes >= BATCH_BYTES {
            self.index_batch()?;
        }
        Ok(())
    }

    /// Index the kept documents in a task on the pool, into the segment of
    /// the worker that runs it, while this thread goes on taking chunks.
    /// Waits while [`MAX_PENDING`] such tasks are unfinished; returns the
    /// error of a task that failed since the last call.
    fn index_batch(&mut self) -> Result<()> {
        let batch = std::mem::take(&mut self.batch);
        self.batch_bytes = 0;
        if !batch.is_empty() {
            self.pending.begin();
            let (lanes, fields, pending) = (
                self.lanes.clone(),
                self.fields.clone(),
                self.pending.clone(),
            );
            self.pool.spawn(move || {
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    batch
                        .into_iter()
                        .try_for_each(|p| lanes.add(document(&fields, p)))
                }))
                .unwrap_or_else(|_| Err(Error::Invalid("an indexing task panicked".into())));
                pending.finish(r);
            });
        }
        self.pending.take_error()
    }

    /// Wait until every kept document is in a segment writer.
    fn wait_indexed(&mut self) -> Result<()> {
        self.index_batch()?;
        self.pending.wait_below(1);
        self.pending.take_error()
    }

    /// Delete the committed documents of a file. Returns whether a delete
    /// was issued.
    fn forget(&mut self, path: &str) -> bool {
        let old = self.state.files.remove(path);
        // Nothing to delete in an index without live documents (and a
        // delete there would stay pending for this run's segments).
        let delete = self.searcher.num_docs() > 0 && (old.is_some() || !self.state_complete);
        if delete {
            let f = self.index.fields();
            self.writer.delete_term(Term::from_field_text(f.path, path));
        }
        if let Some(old) = old {
            self.removed += old.documents;
        }
        delete
    }

    /// Index a file too large to hold in memory: its documents are prepared
    /// and added one at a time as they are read (and indexed in batches of
    /// [`BATCH_BYTES`]), with a commit every `stream_commit_bytes`, so its
    /// parts become searchable while it is read. Its old documents were
    /// deleted before the run's first document was added.
    #[allow(clippy::too_many_arguments)]
    fn stream_file(
        &mut self,
        p: &Path,
        k: &str,
        size: u64,
        mtime: u64,
        opts: &IndexOptions,
        detector: &Detector,
        scratch: &mut Scratch,
    ) -> Result<()> {
        let hash = hash_file(p);
        let file = self.start_file(k);
        let mut tally = Tally::default();
        let mut err = None;
        let mut pending_bytes = 0usize;
        let report = ingest::read_file_with(p, &opts.ingest, &mut |d| {
            if err.is_some() {
                return;
            }
            pending_bytes += d.body.len();
            if let Err(e) = self.add_doc(prepare(d, detector, scratch), file, &mut tally) {
                err = Some(e);
            }
            // Commit the part read so far. The file is recorded with an
            // impossible size, so a killed run re-reads it (its committed
            // parts are deleted by path first).
            if err.is_none() && pending_bytes >= opts.stream_commit_bytes.max(1) {
                pending_bytes = 0;
                self.state.files.insert(
                    k.to_string(),
                    FileState {
                        size: u64::MAX,
                        mtime_ns: 0,
                        hash: String::new(),
                        documents: tally.kept,
                        encoding: None,
                        skipped: Some("partly indexed (interrupted)".into()),
                        replaced: 0,
                        notes: RecordNotes::default(),
                    },
                );
                if let Err(e) = self.commit(false) {
                    err = Some(e);
                }
            }
        });
        self.state.files.remove(k);
        if let Some(e) = err {
            return Err(e);
        }
        let st = FileState {
            size,
            mtime_ns: mtime,
            hash,
            documents: 0,
            encoding: None,
            skipped: None,
            replaced: 0,
            notes: RecordNotes::default(),
        };
        self.finish_file(report, st, tally);
        Ok(())
    }

    fn finish_file(&mut self, mut report: FileReport, mut st: FileState, tally: Tally) {
        let Tally { kept, mut notes } = tally;
        if kept == 0 {
            if let Some(first) = notes.duplicate_of.take() {
                // Every record is elsewhere: the file is a duplicate.
                let note = format!("duplicate of {first}");
                report.skipped = Some(match report.skipped.take() {
                    Some(s) => format!("{s}; {note}"),
                    None => note,
                });
            }
        }
        report.documents = kept;
        self.added += kept;
        self.since_commit += kept;
        st.documents = kept;
        st.encoding = report.encoding.clone();
        st.skipped = report.skipped.clone();
        st.replaced = report.replaced;
        st.notes = notes.clone();
        if kept > 0 {
            self.state.files.insert(report.path.clone(), st);
        }
        self.files.push(ManifestFile {
            status: if kept > 0 { "indexed" } else { "skipped" }.into(),
            path: report.path,
            documents: kept,
            encoding: report.encoding,
            skipped: report.skipped,
            replaced: report.replaced,
            notes,
        });
    }

    /// Commit, with the file state written to its own file first and named
    /// in the payload; then write the manifest. A run killed in between
    /// leaves the previous commit, whose state file is still there (older
    /// state files are deleted only after the commit). An intermediate commit
    /// returns a summary without the file list.
    fn commit(&mut self, complete: bool) -> Result<IndexSummary> {
        self.state.version = STATE_VERSION;
        let dir = self.index.dir().to_path_buf();
        self.wait_indexed()?;
        self.lanes.hand_over(self.pool, &self.writer)?;
        let mut prepared = self.writer.prepare_commit()?;
        let state_file = format!("{STATE_PREFIX}{}.json", prepared.opstamp());
        let state = &self.state;
        write_atomic_with(&dir.join(&state_file), |w| {
            serde_json::to_writer(w, state).map_err(std::io::Error::other)
        })?;
        let payload = serde_json::to_string(&StatePointer {
            state_file: state_file.clone(),
        })
        .expect("pointer serializes");
        prepared.set_payload(&payload);
        let opstamp = prepared.commit()?;
        self.since_commit = 0;
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with(STATE_PREFIX) && name != state_file {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        let files = std::mem::take(&mut self.files);
        let mut summary = summarize(self, files, opstamp, complete)?;
        write_atomic_with(&dir.join(MANIFEST), |w| {
            serde_json::to_writer_pretty(w, &summary).map_err(std::io::Error::other)
        })?;
        if !complete {
            self.files = std::mem::take(&mut summary.files);
        }
        Ok(summary)
    }
}

/// Open the writer of `index`; a held lock is [`Error::Locked`].
/// Its merge policy is [`KorpusMergePolicy`]. Its own indexing thread stays
/// idle: segments are written by [`Lanes`] and handed to it.
pub fn writer(index: &KorpusIndex) -> Result<IndexWriter> {
    let writer = index
        .tantivy()
        .writer_with_num_threads(1, super::lanes::MIN_HEAP_BYTES)
        .map_err(|e| match e {
            tantivy::TantivyError::LockFailure(_, _) => {
                Error::Locked(index.dir().to_path_buf(), ".tantivy-writer.lock".into())
            }
            other => Error::Tantivy(other),
        })?;
    writer.set_merge_policy(Box::new(KorpusMergePolicy::default()));
    Ok(writer)
}

/// Index the files under `paths` into `index`. `progress(done, total)` is
/// called after each chunk of files.
pub fn index_paths(
    index: &KorpusIndex,
    paths: &[PathBuf],
    opts: &IndexOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<IndexSummary> {
    // Take the lock first: a second run fails before doing any work.
    let writer = writer(index)?;
    let (files, discover_reports) = ingest::discover(paths)?;
    let mut stream_scratch = Scratch::default();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let detector = Detector::new(&opts.targets);
    let state = if opts.force {
        writer.delete_all_documents()?;
        IndexState::default()
    } else {
        load_state(index)?
    };

    // Plan: unchanged by size+mtime, else by hash.
    let plans: Vec<Plan> = pool.install(|| {
        files
            .par_iter()
            .map(|p| {
                let (size, mtime) = stat(p).unwrap_or((0, 0));
                match state.files.get(&key(p)) {
                    Some(old) if old.documents > 0 => {
                        if old.size == size && old.mtime_ns == mtime {
                            return Plan::Unchanged(old.clone());
                        }
                        let hash = hash_file(p);
                        if old.size == size && old.hash == hash {
                            let mut st = old.clone();
                            st.mtime_ns = mtime;
                            return Plan::Unchanged(st);
                        }
                        Plan::Read(size, mtime, Some(hash))
                    }
                    _ => Plan::Read(size, mtime, None),
                }
            })
            .collect()
    });
    let discovered: HashSet<String> = files.iter().map(|p| key(p)).collect();
    let mut replaced: HashSet<String> = files
        .iter()
        .zip(&plans)
        .filter(|(_, pl)| matches!(pl, Plan::Read(..)))
        .map(|(p, _)| key(p))
        .collect();
    // Files indexed before under the given paths that are gone now.
    let gone: Vec<String> = state
        .files
        .keys()
        .filter(|k| !discovered.contains(*k))
        .filter(|k| paths.iter().any(|root| Path::new(k).starts_with(root)))
        .cloned()
        .collect();
    if opts.prune {
        replaced.extend(gone.iter().cloned());
    }
    let searcher = index.searcher()?;
    let state_complete = opts.force || searcher.num_docs() == 0 || state.version == STATE_VERSION;
    let mut run = Run {
        index,
        writer,
        pool: &pool,
        lanes: Arc::new(Lanes::new(index.tantivy(), opts.jobs, opts.heap_bytes)),
        fields: Arc::new(index.fields().clone()),
        pending: Arc::default(),
        batch: Vec::new(),
        batch_bytes: 0,
        state,
        searcher,
        replaced,
        state_complete,
        texts: HashMap::new(),
        ids: HashMap::new(),
        paths: Vec::new(),
        added: 0,
        removed: 0,
        since_commit: 0,
        files: discover_reports
            .into_iter()
            .map(|r| ManifestFile {
                path: r.path,
                documents: 0,
                encoding: r.encoding,
                skipped: r.skipped,
                replaced: r.replaced,
                status: "skipped".into(),
                notes: RecordNotes::default(),
            })
            .collect(),
        pruned: 0,
        missing: 0,
    };
    if opts.prune {
        run.pruned = gone.len();
    } else {
        run.missing = gone.len();
    }
    // The committed documents of every file read again or pruned are
    // deleted first, in a commit of their own: segments written in this run
    // are handed to the writer later, and a segment handed over sees every
    // delete still pending (see `super::lanes`). A run killed after this
    // commit reads those files again as new ones.
    let mut forgotten: Vec<String> = run.replaced.iter().cloned().collect();
    forgotten.sort();
    let mut deleted = false;
    for k in &forgotten {
        deleted |= run.forget(k);
    }
    if deleted {
        run.commit(false)?;
    }

    let total = files.len();
    let items: Vec<(&PathBuf, Plan)> = files.iter().zip(plans).collect();
    let mut done = 0;
    // With several jobs, pipelined: a producer thread has the next chunks
    // read, detected and analyzed on the pool while this thread takes the
    // current one, keeps its documents that are not duplicates and queues
    // their indexing on the same pool. With one job, the one worker does
    // each step in turn.
    let added = std::thread::scope(|sc| -> Result<()> {
        let (pool, detector, items) = (&pool, &detector, &items);
        let works: Box<dyn Iterator<Item = Vec<Work>>> = if opts.jobs > 1 {
            // Chunks are read as separate tasks, up to IN_FLIGHT at once, so
            // a worker that finishes its part of a chunk starts on the next
            // one instead of waiting for the chunk's largest file; this
            // thread takes their results back in order.
            let (tx, rx) = std::sync::mpsc::channel::<(usize, Vec<Work>)>();
            let (permits, permit) = std::sync::mpsc::channel::<()>();
            for _ in 0..IN_FLIGHT {
                let _ = permits.send(());
            }
            sc.spawn(move || {
                pool.in_place_scope(|s| {
                    for (k, chunk) in items.chunks(CHUNK_FILES).enumerate() {
                        if permit.recv().is_err() {
                            break; // the adding thread stopped
                        }
                        let tx = tx.clone();
                        s.spawn(move |_| {
                            let _ = tx.send((k, read_chunk(chunk, opts, detector)));
                        });
                    }
                });
            });
            Box::new(InOrder {
                rx,
                permits,
                pending: BTreeMap::new(),
                next: 0,
            })
        } else {
            Box::new(
                items
                    .chunks(CHUNK_FILES)
                    .map(move |chunk| pool.install(|| read_chunk(chunk, opts, detector))),
            )
        };
        for (chunk, work) in items.chunks(CHUNK_FILES).zip(works) {
            for ((p, _), w) in chunk.iter().zip(work) {
                let k = key(p);
                match w {
                    Work::Unchanged(st) => {
                        run.files.push(ManifestFile {
                            path: k.clone(),
                            documents: st.documents,
                            encoding: st.encoding.clone(),
                            skipped: st.skipped.clone(),
                            replaced: st.replaced,
                            status: "unchanged".into(),
                            notes: st.notes.clone(),
                        });
                        run.state.files.insert(k, st);
                    }
                    Work::Read(docs, report, st) => {
                        let file = run.start_file(&k);
                        let mut tally = Tally::default();
                        for d in docs {
                            run.add_doc(d, file, &mut tally)?;
                        }
                        run.finish_file(report, st, tally);
                    }
                    Work::Stream(size, mtime) => {
                        run.stream_file(p, &k, size, mtime, opts, detector, &mut stream_scratch)?;
                    }
                }
                if opts.commit_every > 0 && run.since_commit >= opts.commit_every {
                    run.commit(false)?;
                }
            }
            run.index_batch()?;
            done += chunk.len();
            progress(done, total);
        }
        Ok(())
    });
    if added.is_err() {
        // Leave no indexing task writing segment files behind.
        run.pending.wait_below(1);
    }
    added?;
    let summary = run.commit(true)?;
    run.writer.wait_merging_threads()?;
    Ok(summary)
}

/// Chunks being read at once (or read and waiting to be added).
const IN_FLIGHT: usize = 3;

/// Chunk results back in chunk order. Asking for the next chunk means the
/// previous one was added: its permit goes back to the reading thread.
struct InOrder {
    rx: std::sync::mpsc::Receiver<(usize, Vec<Work>)>,
    permits: std::sync::mpsc::Sender<()>,
    pending: BTreeMap<usize, Vec<Work>>,
    next: usize,
}

impl Iterator for InOrder {
    type Item = Vec<Work>;

    fn next(&mut self) -> Option<Vec<Work>> {
        if self.next > 0 {
            let _ = self.permits.send(());
        }
        loop {
            if let Some(w) = self.pending.remove(&self.next) {
                self.next += 1;
                return Some(w);
            }
            let (k, w) = self.rx.recv().ok()?;
            self.pending.insert(k, w);
        }
    }
}

/// Read, decode, detect and analyze a chunk of files on the current pool
/// (order kept).
fn read_chunk(chunk: &[(&PathBuf, Plan)], opts: &IndexOptions, detector: &Detector) -> Vec<Work> {
    chunk
        .par_iter()
        .map_init(Scratch::default, |scratch, (p, plan)| match plan {
            Plan::Unchanged(st) => Work::Unchanged(st.clone()),
            Plan::Read(size, mtime, _) if *size > opts.ingest.max_file_bytes => {
                Work::Stream(*size, *mtime)
            }
            Plan::Read(size, mtime, hash) => {
                // Hash the bytes the reader reads: one read per file.
                let mut hash = hash.clone();
                let mut docs = Vec::new();
                let report = ingest::read_file_inspect(
                    p,
                    &opts.ingest,
                    &mut |d| docs.push(prepare(d, detector, scratch)),
                    &mut |bytes| {
                        hash.get_or_insert_with(|| blake3::hash(bytes).to_hex().to_string());
                    },
                );
                let hash = hash.unwrap_or_else(|| hash_file(p));
                let st = FileState {
                    size: *size,
                    mtime_ns: *mtime,
                    hash,
                    documents: 0,
                    encoding: None,
                    skipped: None,
                    replaced: 0,
                    notes: RecordNotes::default(),
                };
                Work::Read(docs, report, st)
            }
        })
        .collect()
}

fn prepare(doc: Document, detector: &Detector, scratch: &mut Scratch) -> Prepared {
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
    Prepared {
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

/// The tantivy document of a prepared one.
fn document(f: &super::Fields, p: Prepared) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
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
    for (s, v) in p.spans.iter().zip(p.analyzed) {
        doc.add_text(f.body(s.lang), v);
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

fn summarize(
    run: &Run,
    files: Vec<ManifestFile>,
    opstamp: Opstamp,
    complete: bool,
) -> Result<IndexSummary> {
    let index = run.index;
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
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut duplicate_records = 0;
    let mut warnings = Vec::new();
    for r in &files {
        if let Some(reason) = &r.skipped {
            // A reason may join several: "2 records skipped (…); duplicate of x".
            for part in reason.split("; ") {
                let c = counts.entry(reason_kind(part)).or_default();
                if r.documents == 0 && r.status != "unchanged" {
                    c.0 += 1;
                }
                c.1 += record_count(part).unwrap_or(0);
            }
        }
        if r.notes.duplicates_elsewhere > 0 {
            counts.entry(reason_kind("duplicate of")).or_default().1 +=
                r.notes.duplicates_elsewhere;
        }
        duplicate_records += r.notes.duplicates;
        warnings.extend(r.notes.warnings.iter().map(|w| Skipped {
            path: r.path.clone(),
            reason: w.clone(),
        }));
    }
    let skip_counts = counts
        .into_iter()
        .map(|(reason, (files, records))| SkipCount {
            reason,
            files,
            records,
        })
        .collect();
    let count = |s: &str| files.iter().filter(|r| r.status == s).count();
    Ok(IndexSummary {
        files_seen: files.len(),
        files_indexed: count("indexed"),
        files_skipped: count("skipped"),
        files_unchanged: count("unchanged"),
        files_pruned: run.pruned,
        files_missing: run.missing,
        documents_added: run.added,
        documents_removed: run.removed,
        documents: searcher.num_docs(),
        by_lang,
        skipped,
        skip_counts,
        duplicate_records,
        warnings,
        opstamp,
        complete,
        files,
    })
}

use tantivy::schema::IndexRecordOption;
use tantivy::DocSet;

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

//! The indexing pipeline: the order of the stages, each a function with
//! typed input and output.
//!
//! ```text
//!  paths ─ discover (ingest) ─▶ files
//!        ─ plan    (plan.rs)    files × committed state ─▶ Plan per file
//!        ─ read    (read.rs)    Plan ─▶ Work: documents of a file (ingest decodes)
//!        ─ detect, analyze (prepare.rs) Document ─▶ IndexDoc
//!        ─ keep    (keep.rs)    IndexDoc ─▶ kept, or a duplicate counted
//!        ─ write   (run.rs → index::write) kept IndexDoc ─▶ segments, commits
//!        ─ report  (report.rs)  ─▶ IndexSummary, manifest.json
//! ```
//!
//! Files are processed in sorted order, in chunks: each chunk is read,
//! decoded, language-detected and analyzed in parallel with rayon (order
//! preserved); one thread then decides, in file order, which documents to
//! keep, and the kept ones are indexed on the same pool
//! ([`crate::index::write`]).
//!
//! **Incremental.** Every commit stores the state of every indexed file
//! ([`crate::index::state`]). A re-run skips files whose size and mtime (or,
//! if those changed, hash) are unchanged; a new or changed file has its old
//! documents deleted and its new ones added in the same commit, so a reader
//! sees one version of it or the other, never neither. With `prune`,
//! documents of files that were indexed under the given paths but no longer
//! exist there are deleted.
//!
//! **Crash safety.** Commits happen at file boundaries, every
//! [`IndexOptions::commit_every`] added documents and at the end; a killed
//! run leaves the index at its last commit, whose state lists exactly the
//! files it holds, so the next run redoes only the rest.

mod keep;
pub mod merge;
mod plan;
mod prepare;
mod read;
pub mod report;
mod run;
pub mod shard;

use std::path::{Path, PathBuf};

use crate::analysis::Scratch;
use crate::detect::Detector;
use crate::error::{Error, Result};
use crate::index::state::{self, IndexState, STATE_VERSION};
use crate::index::write::{open_writer, Writer};
use crate::index::KorpusIndex;
use crate::ingest::{self, IngestOptions};
use crate::lang::Lang;

pub use report::{reason_kind, IndexSummary, ManifestFile, RecordNotes, SkipCount, Skipped};

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
    /// Index only the files of this shard ([`shard`]); the index records
    /// it, so `korpus merge` can check the shards.
    pub shard: Option<shard::Shard>,
}

/// Default of [`IndexOptions::commit_every`]. Every commit ends a segment
/// per writer thread, and full segments are not merged
/// ([`crate::index::merge::KorpusMergePolicy`]), so this also sets their size. With
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
            shard: None,
        }
    }
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
    let tantivy_writer = open_writer(index)?;
    // Files of a run that failed (a full disk, a kill) that no commit
    // holds: deleted before anything is written, so a rerun has their room.
    tantivy_writer.garbage_collect_files().wait()?;
    let (mut files, mut discover_reports) = ingest::discover(paths)?;
    let mut other_shards = 0;
    if let Some(sh) = opts.shard {
        let before = files.len() + discover_reports.len();
        files.retain(|f| sh.owns(&shard::relative_to_root(f, paths)));
        discover_reports.retain(|r| sh.owns(&shard::relative_to_root(Path::new(&r.path), paths)));
        other_shards = before - files.len() - discover_reports.len();
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let detector = Detector::new(&opts.targets);
    let mut writer = Writer::new(index, tantivy_writer, &pool, opts.jobs, opts.heap_bytes);
    let state = if opts.force {
        writer.delete_all()?;
        IndexState::default()
    } else {
        state::load_state(index)?
    };
    let mut state = state;
    if state.shard != opts.shard && (!state.files.is_empty() || index.searcher()?.num_docs() > 0) {
        let name = |s: Option<shard::Shard>| s.map_or("no shard (all files)".to_string(), |s| format!("shard {s}"));
        return Err(Error::Invalid(format!(
            "{} holds {}, this run is {}: give the same --shard, or another --index",
            index.dir().display(),
            name(state.shard),
            name(opts.shard)
        )));
    }
    state.shard = opts.shard;

    let planned = plan::plan(&pool, &files, paths, &state, opts.prune);
    let searcher = index.searcher()?;
    let state_complete = opts.force || searcher.num_docs() == 0 || state.version == STATE_VERSION;
    let gone = planned.gone.len();
    let mut run = run::Run {
        index,
        writer,
        keeper: keep::Keeper::new(index, searcher, planned.replaced),
        state,
        state_complete,
        counts: report::Counts {
            pruned: if opts.prune { gone } else { 0 },
            missing: if opts.prune { 0 } else { gone },
            other_shards,
            shard: opts.shard,
            ..Default::default()
        },
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
    };
    // The committed documents of a file read again are deleted when its new
    // documents are added, in the same commit (`Run::read_file`), so readers
    // see the old version until the new one is there. Those of files that
    // are gone (pruned) or now found under another spelling are deleted now.
    let read_now: std::collections::HashSet<String> = files
        .iter()
        .zip(&planned.plans)
        .filter(|(_, p)| matches!(p, plan::Plan::Read(..)))
        .map(|(f, _)| plan::key(f))
        .collect();
    let mut forgotten: Vec<String> = run
        .keeper
        .replaced
        .iter()
        .filter(|k| !read_now.contains(*k))
        .cloned()
        .collect();
    forgotten.sort();
    for k in &forgotten {
        run.forget(k)?;
    }

    let total = files.len();
    drop(read_now);
    let items: Vec<(&PathBuf, plan::Plan)> = files.iter().zip(planned.plans).collect();
    let mut done = 0;
    let mut stream_scratch = Scratch::default();
    let added = std::thread::scope(|sc| -> Result<()> {
        let works = read::read_chunks(sc, &pool, &items, opts, &detector);
        for (chunk, work) in items.chunks(read::CHUNK_FILES).zip(works) {
            for ((p, _), w) in chunk.iter().zip(work) {
                let k = plan::key(p);
                match w {
                    read::Work::Unchanged(st) => run.unchanged_file(k, st),
                    read::Work::Read(docs, report, st) => run.read_file(&k, docs, report, st)?,
                    read::Work::Stream(size, mtime) => {
                        run.stream_file(p, &k, size, mtime, opts, &detector, &mut stream_scratch)?;
                    }
                }
                if opts.commit_every > 0 && run.since_commit >= opts.commit_every {
                    run.commit(false)?;
                }
            }
            run.writer.flush()?;
            done += chunk.len();
            progress(done, total);
        }
        Ok(())
    });
    if added.is_err() {
        // Leave no indexing task writing segment files behind.
        run.writer.abandon();
    }
    added?;
    let summary = run.commit(true)?;
    run.writer.finish()?;
    Ok(summary)
}

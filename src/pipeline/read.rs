//! Stage 2, read: the planned files are read and decoded ([`crate::ingest`])
//! in chunks on the worker pool, and each document goes through detection
//! and analysis ([`super::prepare`]) on the worker that read it. Files
//! larger than [`crate::ingest::IngestOptions::max_file_bytes`] are left to
//! the adding thread, which streams them one document at a time.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;

use super::plan::{hash_file, Plan};
use super::prepare::prepare;
use super::IndexOptions;
use crate::analysis::Scratch;
use crate::detect::Detector;
use crate::index::state::{FileState, RecordNotes};
use crate::index::write::IndexDoc;
use crate::ingest::{self, FileReport};

/// Files per chunk.
pub(super) const CHUNK_FILES: usize = 256;

/// A file read in a worker.
pub(super) enum Work {
    /// Not read: unchanged since the last commit.
    Unchanged(FileState),
    /// Its documents, report and new state.
    Read(Vec<IndexDoc>, FileReport, FileState),
    /// Too large to hold (size, mtime): streamed on the adding thread.
    Stream(u64, u64),
}

/// The chunks of `items`, read, in order. With several jobs, pipelined: a
/// producer thread (in `sc`) has the next chunks read, detected and
/// analyzed on the pool while the caller takes the current one. Chunks are
/// read as separate tasks, up to [`IN_FLIGHT`] at once, so a worker that
/// finishes its part of a chunk starts on the next one instead of waiting
/// for the chunk's largest file. With one job, the one worker does each
/// step in turn.
pub(super) fn read_chunks<'scope, 'env: 'scope>(
    sc: &'scope std::thread::Scope<'scope, 'env>,
    pool: &'env rayon::ThreadPool,
    items: &'env [(&'env PathBuf, Plan)],
    opts: &'env IndexOptions,
    detector: &'env Detector,
) -> Box<dyn Iterator<Item = Vec<Work>> + 'scope> {
    if opts.jobs > 1 {
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
    }
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

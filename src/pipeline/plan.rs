//! Stage 1, plan: which of the discovered files to read, from the committed
//! state. A file whose size and mtime are unchanged is not read; if those
//! changed but its hash did not, it is not read either (its state takes the
//! new mtime). Files that gave no documents are always read again (cheap,
//! and a "duplicate of X" verdict may no longer hold).

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::index::state::{FileState, IndexState};

/// What to do with a discovered file.
pub(super) enum Plan {
    /// Unchanged since the last commit; the new state (mtime may differ).
    Unchanged(FileState),
    /// Read it (size, mtime, hash if already computed).
    Read(u64, u64, Option<String>),
}

/// The plan of a run.
pub(super) struct Planned {
    /// One per discovered file, in the same order.
    pub plans: Vec<Plan>,
    /// Paths whose committed documents are to be replaced (files read
    /// again, files now found under another spelling of their path) or
    /// deleted (gone files, with `prune`).
    pub replaced: HashSet<String>,
    /// Files indexed before under the given roots that are gone now.
    pub gone: Vec<String>,
}

/// Plan the run over `files` (found under `roots`) on `pool`.
pub(super) fn plan(
    pool: &rayon::ThreadPool,
    files: &[PathBuf],
    roots: &[PathBuf],
    state: &IndexState,
    prune: bool,
) -> Planned {
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
    let stale: Vec<&String> = state
        .files
        .keys()
        .filter(|k| !discovered.contains(*k))
        .collect();
    // The same file by another spelling of its path (`corpus/a.txt` indexed
    // before, `/home/me/corpus/a.txt` now): its documents are replaced, so
    // one file never has two sets of documents.
    let respelled: HashSet<&String> = if stale.is_empty() {
        HashSet::new()
    } else {
        let canonical: HashSet<PathBuf> = pool.install(|| {
            files
                .par_iter()
                .filter_map(|p| std::fs::canonicalize(p).ok())
                .collect()
        });
        stale
            .iter()
            .copied()
            .filter(|k| std::fs::canonicalize(k).is_ok_and(|c| canonical.contains(&c)))
            .collect()
    };
    replaced.extend(respelled.iter().map(|k| (*k).clone()));
    let gone: Vec<String> = stale
        .into_iter()
        .filter(|k| !respelled.contains(k))
        .filter(|k| roots.iter().any(|root| Path::new(k).starts_with(root)))
        .cloned()
        .collect();
    if prune {
        replaced.extend(gone.iter().cloned());
    }
    Planned {
        plans,
        replaced,
        gone,
    }
}

/// Size and mtime (nanoseconds since the epoch) of a file.
pub(super) fn stat(path: &Path) -> Option<(u64, u64)> {
    let m = std::fs::metadata(path).ok()?;
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    Some((m.len(), mtime))
}

/// BLAKE3 of a file's bytes (hex).
pub(super) fn hash_file(path: &Path) -> String {
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

/// The key of a file in the state, the manifest and the `path` field.
pub(super) fn key(p: &Path) -> String {
    crate::ingest::path_name(p)
}

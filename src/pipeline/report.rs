//! Stage 7, report: what a run did, file by file, as written to
//! `manifest.json` (atomically, after every commit, with the commit's
//! opstamp, so a stale manifest is detectable: `korpus check`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::Opstamp;

pub use crate::index::state::RecordNotes;
use crate::error::Result;
use crate::index::state::write_atomic_with;
use crate::index::{KorpusIndex, MANIFEST};

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
    /// The shard this index holds (`korpus index --shard I/N`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub shard: Option<super::shard::Shard>,
    /// Files found that belong to other shards (not read, not counted in
    /// `files_seen`).
    #[serde(skip_serializing_if = "is_zero", default)]
    pub files_other_shards: usize,
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

/// The summary of a run at a commit: counts over `files`, and the index's
/// documents as committed.
pub(super) fn summarize(
    index: &KorpusIndex,
    run: &Counts,
    files: Vec<ManifestFile>,
    opstamp: Opstamp,
    complete: bool,
) -> Result<IndexSummary> {
    let searcher = index.searcher()?;
    let by_lang = index.live_docs_by_lang(&searcher)?;
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
        shard: run.shard,
        files_other_shards: run.other_shards,
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

/// Counts of a run that the files do not show.
#[derive(Debug, Default)]
pub(super) struct Counts {
    pub added: usize,
    pub removed: usize,
    pub pruned: usize,
    pub missing: usize,
    pub other_shards: usize,
    pub shard: Option<super::shard::Shard>,
}

/// Write the manifest of `summary` into the index folder `dir`.
pub(super) fn write_manifest(dir: &Path, summary: &IndexSummary) -> Result<()> {
    write_atomic_with(&dir.join(MANIFEST), |w| {
        serde_json::to_writer_pretty(w, summary).map_err(std::io::Error::other)
    })
}

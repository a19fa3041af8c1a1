//! The state of every indexed file, stored with each commit, and atomic
//! writes of korpus's own files in the index folder.
//!
//! Every commit names, in tantivy's commit payload, a file
//! (`korpus-state-<opstamp>.json`) listing every file with documents in the
//! index: path, size, mtime, BLAKE3 hash, documents, report. The state thus
//! describes exactly the committed documents, and an incremental run (see
//! [`crate::pipeline`]) compares the files it finds with it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::KorpusIndex;
use crate::error::{Error, Result};

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

fn is_zero(n: &usize) -> bool {
    *n == 0
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
    /// The shard this index holds (`korpus index --shard`), if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub shard: Option<crate::pipeline::shard::Shard>,
}

/// Version of the state format.
pub const STATE_VERSION: u32 = 1;

/// What the commit payload holds: the name of the file (in the index
/// folder) with the state of that commit. The state itself is megabytes on
/// a large corpus; in tantivy's `meta.json` it would be parsed by every
/// reader and held in memory by the writer.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StatePointer {
    pub(crate) state_file: String,
}

/// Prefix of the state files (`korpus-state-<opstamp>.json`).
pub(crate) const STATE_PREFIX: &str = "korpus-state-";

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
    super::dir::fault_point("state or manifest write").map_err(|e| Error::io(&tmp, e))?;
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

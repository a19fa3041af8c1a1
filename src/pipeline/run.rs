//! Stage 6, write, and the bookkeeping of a run: kept documents go to the
//! [`Writer`], every file's outcome to the state and the manifest, and
//! commits happen at file boundaries.

use std::path::Path;

use tantivy::Opstamp;

use super::keep::{Keeper, Tally};
use super::plan::hash_file;
use super::prepare::prepare;
use super::report::{self, Counts, IndexSummary, ManifestFile, RecordNotes};
use super::IndexOptions;
use crate::analysis::Scratch;
use crate::detect::Detector;
use crate::error::Result;
use crate::index::state::{FileState, IndexState};
use crate::index::write::{IndexDoc, Writer};
use crate::index::KorpusIndex;
use crate::ingest::{self, FileReport};

/// One indexing run.
pub(super) struct Run<'a> {
    pub index: &'a KorpusIndex,
    pub writer: Writer<'a>,
    pub keeper: Keeper<'a>,
    /// The state of every file with documents, as it will be committed.
    pub state: IndexState,
    /// Whether `state` lists every path with committed documents (a
    /// fresh index, `--force`, or a state written by this version), so a
    /// path missing from it needs no delete. Each delete costs a term
    /// lookup in every segment.
    pub state_complete: bool,
    pub counts: Counts,
    /// Documents added since the last commit.
    pub since_commit: usize,
    /// The outcome of every file handled since the run began.
    pub files: Vec<ManifestFile>,
}

impl Run<'_> {
    /// Add one record of file `file` unless it is not to be kept.
    pub fn add_doc(&mut self, p: IndexDoc, file: u32, tally: &mut Tally) -> Result<()> {
        match self.keeper.keep(p, file, tally)? {
            Some(p) => self.writer.add(p),
            None => Ok(()),
        }
    }

    /// Delete the committed documents of a file (in the next commit).
    pub fn forget(&mut self, path: &str) -> Result<()> {
        let old = self.state.files.remove(path);
        // Nothing to delete in an index without live documents (and a
        // delete there would stay pending for this run's segments).
        let delete =
            self.keeper.searcher.num_docs() > 0 && (old.is_some() || !self.state_complete);
        if delete {
            self.writer.delete_path(path)?;
        }
        if let Some(old) = old {
            self.counts.removed += old.documents;
        }
        Ok(())
    }

    /// Before the documents of a file read again are added: its committed
    /// documents go (in the commit that adds the new ones).
    fn replace(&mut self, path: &str) -> Result<()> {
        if self.keeper.replaced.contains(path) {
            self.forget(path)?;
        }
        Ok(())
    }

    /// A file not read again: it keeps its documents.
    pub fn unchanged_file(&mut self, k: String, st: FileState) {
        self.files.push(ManifestFile {
            path: k.clone(),
            documents: st.documents,
            encoding: st.encoding.clone(),
            skipped: st.skipped.clone(),
            replaced: st.replaced,
            status: "unchanged".into(),
            notes: st.notes.clone(),
        });
        self.state.files.insert(k, st);
    }

    /// A file read whole in a worker.
    pub fn read_file(&mut self, k: &str, docs: Vec<IndexDoc>, report: FileReport, st: FileState) -> Result<()> {
        self.replace(k)?;
        let file = self.keeper.start_file(k);
        let mut tally = Tally::default();
        for d in docs {
            self.add_doc(d, file, &mut tally)?;
        }
        self.finish_file(report, st, tally);
        Ok(())
    }

    /// Index a file too large to hold in memory: its documents are prepared
    /// and added one at a time as they are read (and indexed in batches of
    /// [`crate::index::write::BATCH_BYTES`]), with a commit every
    /// `stream_commit_bytes`, so its parts become searchable while it is
    /// read. Its old documents were deleted before the run's first document
    /// was added.
    #[allow(clippy::too_many_arguments)]
    pub fn stream_file(
        &mut self,
        p: &Path,
        k: &str,
        size: u64,
        mtime: u64,
        opts: &IndexOptions,
        detector: &Detector,
        scratch: &mut Scratch,
    ) -> Result<()> {
        self.replace(k)?;
        let hash = hash_file(p);
        let file = self.keeper.start_file(k);
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
        notes.warnings.splice(0..0, std::mem::take(&mut report.warnings));
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
        self.counts.added += kept;
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

    /// Commit (with the file state), then write the manifest. An
    /// intermediate commit returns a summary without the file list.
    pub fn commit(&mut self, complete: bool) -> Result<IndexSummary> {
        let opstamp: Opstamp = self.writer.commit(&mut self.state)?;
        self.since_commit = 0;
        let files = std::mem::take(&mut self.files);
        let mut summary = report::summarize(self.index, &self.counts, files, opstamp, complete)?;
        report::write_manifest(self.index.dir(), &summary)?;
        if !complete {
            self.files = std::mem::take(&mut summary.files);
        }
        Ok(summary)
    }
}

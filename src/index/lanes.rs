//! Segment writing on the worker threads.
//!
//! tantivy's `IndexWriter` indexes on threads of its own, fed through a
//! queue, beside whatever threads feed it. korpus writes its segments on its
//! own worker threads instead: each worker of the pool owns one
//! [`SegmentWriter`] (a *lane*), and the documents of a chunk are indexed by
//! the pool, each by the worker that takes it. So `--jobs N` means N threads
//! do all the work (reading, detection, analysis and indexing) and korpus
//! keeps N cores busy, no more; the store is compressed on the same threads
//! (no compressor thread either).
//!
//! A lane's segment is finished when its memory budget is spent or at a
//! commit (all lanes at once, in parallel); finished segments are handed to
//! the `IndexWriter` with `add_segment`, and it keeps doing what it did:
//! deletes, commits and merges.
//!
//! **Deletes.** A segment handed over with `add_segment` gets a delete
//! cursor that still sees the deletes not yet applied at a commit, whatever
//! their opstamps: tantivy's own indexing threads compare opstamps, but
//! `add_segment` cannot. So a run deletes a file's old documents by `path`
//! *and not this run's id* (the `run` field every document carries,
//! [`super::write::Writer::delete_path`]): the deletes cannot hit the
//! documents of this run, and a file's deletes and adds share a commit.

use std::sync::Mutex;

use rayon::prelude::*;
use tantivy::index::{Segment, SegmentMeta};
use tantivy::indexer::{AddOperation, SegmentWriter};
use tantivy::{Index, IndexWriter, TantivyDocument};

use crate::error::Result;

/// Bytes of a lane's budget left unused, as tantivy keeps
/// (`MARGIN_IN_BYTES`): a document is added before the budget is checked.
const MARGIN_BYTES: usize = 1 << 20;
/// Smallest budget of a lane: tantivy's minimum per indexing thread
/// (`MEMORY_BUDGET_NUM_BYTES_MIN`, not exported), also what the idle
/// `IndexWriter` is opened with.
pub(super) const MIN_HEAP_BYTES: usize = 15 << 20;

struct Lane {
    writer: SegmentWriter,
    segment: Segment,
    opstamp: u64,
}

/// One segment writer per worker thread of a pool.
pub(super) struct Lanes {
    /// The index, with the store compressed on the writing thread.
    index: Index,
    budget: usize,
    slots: Vec<Mutex<Option<Lane>>>,
    /// Finished segments not yet handed to the writer.
    finished: Mutex<Vec<SegmentMeta>>,
}

impl Lanes {
    /// Lanes for a pool of `jobs` threads sharing `heap_bytes`.
    pub(super) fn new(index: &Index, jobs: usize, heap_bytes: usize) -> Self {
        let jobs = jobs.max(1);
        let mut index = index.clone();
        index.settings_mut().docstore_compress_dedicated_thread = false;
        Lanes {
            index,
            budget: (heap_bytes / jobs).max(MIN_HEAP_BYTES),
            slots: (0..jobs).map(|_| Mutex::new(None)).collect(),
            finished: Mutex::new(Vec::new()),
        }
    }

    /// Add a document to the lane of the current worker thread (call it from
    /// the pool the lanes were made for).
    pub(super) fn add(&self, doc: TantivyDocument) -> Result<()> {
        let i = rayon::current_thread_index().unwrap_or(0) % self.slots.len();
        let mut slot = self.slots[i].lock().expect("lane lock");
        let lane = match slot.as_mut() {
            Some(lane) => lane,
            None => {
                let segment = self.index.new_segment();
                let writer = SegmentWriter::for_segment(self.budget, segment.clone())?;
                slot.insert(Lane {
                    writer,
                    segment,
                    opstamp: 0,
                })
            }
        };
        if let Err(e) = lane.writer.add_document(AddOperation {
            opstamp: lane.opstamp,
            document: doc,
        }) {
            // A document that failed half-way (a full disk while the store
            // wrote a block) leaves the segment writer inconsistent: adding
            // to it again would panic. The lane is dropped; its files are
            // orphans that the next run's garbage collection removes.
            slot.take();
            return Err(e.into());
        }
        lane.opstamp += 1;
        if lane.writer.mem_usage() + MARGIN_BYTES >= self.budget {
            let lane = slot.take().expect("lane is open");
            drop(slot);
            self.finish(lane)?;
        }
        Ok(())
    }

    /// Write a lane's segment to disk.
    fn finish(&self, lane: Lane) -> Result<()> {
        let max_doc = lane.writer.max_doc();
        if max_doc == 0 {
            return Ok(());
        }
        lane.writer.finalize()?;
        let meta = lane.segment.with_max_doc(max_doc).meta().clone();
        meta.untrack_temp_docstore();
        self.finished.lock().expect("finished lock").push(meta);
        Ok(())
    }

    /// Finish every open lane (in parallel on `pool`) and hand every
    /// finished segment to `writer`, so that its next commit holds every
    /// document added so far.
    pub(super) fn hand_over(&self, pool: &rayon::ThreadPool, writer: &IndexWriter) -> Result<()> {
        pool.install(|| {
            self.slots.par_iter().try_for_each(|slot| {
                let lane = slot.lock().expect("lane lock").take();
                lane.map_or(Ok(()), |lane| self.finish(lane))
            })
        })?;
        let finished = std::mem::take(&mut *self.finished.lock().expect("finished lock"));
        for meta in finished {
            writer.add_segment(meta)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, STORED, TEXT};
    use tantivy::{doc, Index};

    /// Documents of many distinct terms, so a lane's budget is spent after
    /// a few hundred.
    fn docs(field: tantivy::schema::Field, n: usize) -> Vec<TantivyDocument> {
        (0..n)
            .map(|i| {
                let text: String = (0..400).map(|j| format!("w{i}x{j} ")).collect();
                doc!(field => text)
            })
            .collect()
    }

    #[test]
    fn every_document_reaches_the_index_through_full_and_open_lanes() {
        let mut b = Schema::builder();
        let body = b.add_text_field("body", TEXT | STORED);
        let index = Index::create_in_ram(b.build());
        let writer: IndexWriter = index.writer_with_num_threads(1, 15 << 20).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let lanes = Lanes::new(&index, 2, 0);
        assert_eq!(lanes.budget, MIN_HEAP_BYTES);
        let n = 2_000;
        pool.install(|| docs(body, n).into_par_iter().try_for_each(|d| lanes.add(d)))
            .unwrap();
        // Some lanes filled up and were finished while documents came in.
        assert!(!lanes.finished.lock().unwrap().is_empty());
        let mut writer = writer;
        lanes.hand_over(&pool, &writer).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.num_docs(), n as u64);
        assert!(searcher.segment_readers().len() >= 3);
        // Nothing is left open or unhanded.
        assert!(lanes.slots.iter().all(|s| s.lock().unwrap().is_none()));
        assert!(lanes.finished.lock().unwrap().is_empty());
        let q = tantivy::query::TermQuery::new(
            tantivy::Term::from_field_text(body, "w1999x399"),
            tantivy::schema::IndexRecordOption::Basic,
        );
        assert_eq!(searcher.search(&q, &tantivy::collector::Count).unwrap(), 1);
    }
}

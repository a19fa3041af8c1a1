//! Which segments the writer merges.
//!
//! tantivy's default [`LogMergePolicy`] merges segments of similar size in
//! groups of eight, level after level, so on a bulk run every document is
//! rewritten once per level. On the 200 MB bench corpus that is 7 % of the
//! CPU of `korpus index -j 2` and, at 400 MB, 12 %; the merges of large
//! segments are also what sets its peak RSS (the merged segments' files are
//! mapped). Searching 12 segments instead of 5 measured the same (p50, p99),
//! as did `stats` and `themes`, so korpus merges only where merging pays:
//!
//! - **small segments** (under [`SMALL_DOCS`] documents: the last flush of a
//!   run, small incremental runs, `--commit-every` with a small N) are merged
//!   among themselves by a [`LogMergePolicy`], so repeated small runs do not
//!   pile up segments; what they merge into is left alone;
//! - **segments that lost more than a quarter of their documents** to deletes
//!   (files changed or pruned since) are rewritten, each on its own, to drop
//!   the deleted documents.
//!
//! A full-size segment (a writer thread's share of a commit, or a full
//! writer heap) is kept as it is: a bulk run with two threads and the
//! default `--commit-every` leaves about one segment per 25,000 documents
//! (10 on the 400 MB bench corpus).

use tantivy::index::SegmentMeta;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};

/// Segments with fewer live documents than this are "small".
pub const SMALL_DOCS: u32 = 5_000;
/// Small segments under this many documents count as one size class when
/// grouped for merging (tantivy's `min_layer_size`; its default, 10,000,
/// would put every small segment in one class).
const SMALLEST_LAYER_DOCS: u32 = 500;
/// A segment with more than this share of deleted documents is rewritten.
pub const STALE_RATIO: f32 = 0.25;

/// The merge policy of korpus's writers (see the module documentation).
#[derive(Debug, Clone)]
pub struct KorpusMergePolicy {
    small: LogMergePolicy,
}

impl Default for KorpusMergePolicy {
    fn default() -> Self {
        let mut small = LogMergePolicy::default();
        small.set_max_docs_before_merge(SMALL_DOCS as usize - 1);
        small.set_min_layer_size(SMALLEST_LAYER_DOCS);
        KorpusMergePolicy { small }
    }
}

fn stale(s: &SegmentMeta) -> bool {
    s.max_doc() > 0 && s.num_deleted_docs() as f32 > STALE_RATIO * s.max_doc() as f32
}

impl MergePolicy for KorpusMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let (stale, fresh): (Vec<SegmentMeta>, Vec<SegmentMeta>) =
            segments.iter().cloned().partition(stale);
        let mut out: Vec<MergeCandidate> =
            stale.iter().map(|s| MergeCandidate(vec![s.id()])).collect();
        // `small` only looks at segments of up to SMALL_DOCS - 1 documents.
        out.extend(self.small.compute_merge_candidates(&fresh));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, STRING};
    use tantivy::{doc, Index, IndexWriter, Term};

    fn segments_after(batches: &[usize], delete_first: usize) -> Vec<(u32, u32)> {
        let mut b = Schema::builder();
        let id = b.add_text_field("id", STRING);
        let index = Index::create_in_ram(b.build());
        let mut w: IndexWriter = index.writer_with_num_threads(1, 15 << 20).unwrap();
        w.set_merge_policy(Box::new(KorpusMergePolicy::default()));
        let mut n = 0;
        for &k in batches {
            for _ in 0..k {
                w.add_document(doc!(id => n.to_string())).unwrap();
                n += 1;
            }
            w.commit().unwrap();
        }
        for i in 0..delete_first {
            w.delete_term(Term::from_field_text(id, &i.to_string()));
        }
        w.commit().unwrap();
        w.wait_merging_threads().unwrap();
        let mut v: Vec<(u32, u32)> = index
            .searchable_segment_metas()
            .unwrap()
            .iter()
            .map(|s| (s.num_docs(), s.num_deleted_docs()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn full_segments_stay_small_ones_merge() {
        // Two full segments stay; eight small ones become one.
        let v = segments_after(&[6000, 6000, 10, 10, 10, 10, 10, 10, 10, 10], 0);
        assert_eq!(v, vec![(80, 0), (6000, 0), (6000, 0)]);
    }

    #[test]
    fn a_segment_that_lost_a_third_is_rewritten() {
        // 2,000 of the first segment's 6,000 documents deleted: rewritten
        // without them; the second segment is untouched.
        let v = segments_after(&[6000, 6000], 2000);
        assert_eq!(v, vec![(4000, 0), (6000, 0)]);
        // A tenth deleted: kept as it is.
        let v = segments_after(&[6000, 6000], 600);
        assert_eq!(v, vec![(5400, 600), (6000, 0)]);
    }
}

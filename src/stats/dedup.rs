//! Near-duplicate documents: MinHash over word 5-shingles of analyzer terms
//! (Broder 1997), LSH banding for candidates, exact Jaccard to confirm.
//!
//! - Shingles: 5 consecutive terms (stopwords included: they carry the
//!   template); a document with 1–4 tokens is one shingle; an empty document
//!   has none and is never a duplicate. Shingles are hashed with FNV-1a 64.
//! - Signature: 128 hash functions `splitmix64(h ^ seedᵢ)` with fixed seeds,
//!   keeping the high 32 bits (512 bytes per document; 51 MB per 100k docs).
//! - Candidates: 32 bands × 4 rows (a pair with Jaccard 0.8 collides with
//!   probability > 0.9999), kept when the signature estimate ≥ threshold −
//!   0.1; then the exact Jaccard of the shingle-hash sets decides (≥ threshold).
//!   Exact verification re-reads the two documents (`verify` takes a lookup
//!   by id) so shingle sets are never held for the whole corpus.
//! - [`dedup`] collapses each connected group of duplicates onto its smallest id.

use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::corpus::AnalyzedDoc;

const K: usize = 128;
const BANDS: usize = 32;
const ROWS: usize = K / BANDS;
/// Shingle size in words.
pub const SHINGLE: usize = 5;
/// Default Jaccard threshold.
pub const DEFAULT_THRESHOLD: f64 = 0.8;

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn fnv1a(parts: &[crate::analysis::Token]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for t in parts {
        for b in t.term.as_bytes().iter().chain(std::iter::once(&0x1f)) {
            h ^= *b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    h
}

/// The set of shingle hashes of a document, sorted.
pub fn shingles(doc: &AnalyzedDoc) -> Vec<u64> {
    let t = &doc.tokens;
    let mut v: Vec<u64> = if t.is_empty() {
        Vec::new()
    } else if t.len() < SHINGLE {
        vec![fnv1a(t)]
    } else {
        t.windows(SHINGLE).map(fnv1a).collect()
    };
    v.sort_unstable();
    v.dedup();
    v
}

/// Exact Jaccard similarity of two documents' shingle sets.
pub fn jaccard(a: &AnalyzedDoc, b: &AnalyzedDoc) -> f64 {
    jaccard_sets(&shingles(a), &shingles(b))
}

fn jaccard_sets(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// A pair of near-duplicate documents (`a` < `b` by id).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DupPair {
    /// The smaller id.
    pub a: String,
    /// The larger id.
    pub b: String,
    /// MinHash estimate of the Jaccard similarity.
    pub estimate: f64,
    /// Exact Jaccard similarity of the shingle sets (None before verification).
    pub jaccard: Option<f64>,
}

/// A document to collapse onto another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collapse {
    /// The duplicate to drop.
    pub id: String,
    /// The document kept (smallest id of its group).
    pub keep: String,
}

/// Accumulates MinHash signatures.
#[derive(Debug, Clone, Default)]
pub struct MinHashAcc {
    entries: Vec<(String, Box<[u32; K]>)>,
}

fn seeds() -> &'static [u64; K] {
    static S: std::sync::OnceLock<[u64; K]> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let mut s = [0u64; K];
        for (i, x) in s.iter_mut().enumerate() {
            *x = splitmix64(0x6B6F_7270_7573 ^ i as u64);
        }
        s
    })
}

impl MinHashAcc {
    /// A new accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one document (documents without tokens are ignored).
    pub fn add(&mut self, doc: &AnalyzedDoc) {
        let sh = shingles(doc);
        if sh.is_empty() {
            return;
        }
        let seeds = seeds();
        let mut sig = Box::new([u32::MAX; K]);
        for &h in &sh {
            for (s, seed) in sig.iter_mut().zip(seeds) {
                let v = (splitmix64(h ^ seed) >> 32) as u32;
                if v < *s {
                    *s = v;
                }
            }
        }
        self.entries.push((doc.doc.id.clone(), sig));
    }

    /// Add several documents.
    pub fn extend<'a>(&mut self, docs: impl IntoIterator<Item = &'a AnalyzedDoc>) {
        for d in docs {
            self.add(d);
        }
    }

    /// Merge the accumulator of the documents that come after ours.
    pub fn merge(mut self, later: MinHashAcc) -> MinHashAcc {
        self.entries.extend(later.entries);
        self
    }

    /// Candidate pairs (unverified: `jaccard` is None), sorted by (a, b).
    pub fn candidates(&self, threshold: f64) -> Vec<DupPair> {
        let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
        for band in 0..BANDS {
            let mut buckets: HashMap<&[u32], Vec<usize>> = HashMap::default();
            for (i, (_, sig)) in self.entries.iter().enumerate() {
                buckets
                    .entry(&sig[band * ROWS..(band + 1) * ROWS])
                    .or_default()
                    .push(i);
            }
            for v in buckets.values() {
                for x in 0..v.len() {
                    for y in x + 1..v.len() {
                        pairs.insert((v[x].min(v[y]), v[x].max(v[y])));
                    }
                }
            }
        }
        let mut out: Vec<DupPair> = pairs
            .into_iter()
            .filter_map(|(i, j)| {
                let (si, sj) = (&self.entries[i].1, &self.entries[j].1);
                let same = si.iter().zip(sj.iter()).filter(|(a, b)| a == b).count();
                let est = same as f64 / K as f64;
                if est < threshold - 0.1 {
                    return None;
                }
                let (a, b) = (&self.entries[i].0, &self.entries[j].0);
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                Some(DupPair {
                    a: a.clone(),
                    b: b.clone(),
                    estimate: est,
                    jaccard: None,
                })
            })
            .collect();
        out.sort_by(|x, y| x.a.cmp(&y.a).then_with(|| x.b.cmp(&y.b)));
        out
    }

    /// Candidates verified exactly; `get` returns a document by id (e.g. from
    /// the index). Keeps pairs with Jaccard ≥ threshold.
    pub fn verify(
        &self,
        threshold: f64,
        mut get: impl FnMut(&str) -> Option<AnalyzedDoc>,
    ) -> Vec<DupPair> {
        let mut cache: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        let mut out = Vec::new();
        let cands = self.candidates(threshold);
        for mut p in cands {
            for id in [&p.a, &p.b] {
                if !cache.contains_key(id) {
                    let sh = get(id).map(|d| shingles(&d)).unwrap_or_default();
                    cache.insert(id.clone(), sh);
                }
            }
            let j = jaccard_sets(&cache[&p.a], &cache[&p.b]);
            if j >= threshold {
                p.jaccard = Some(j);
                out.push(p);
            }
        }
        out
    }
}

/// Near-duplicate pairs among `docs` (convenience for in-memory corpora).
pub fn near_duplicates<'a>(
    docs: impl IntoIterator<Item = &'a AnalyzedDoc>,
    threshold: f64,
) -> Vec<DupPair> {
    let docs: Vec<&AnalyzedDoc> = docs.into_iter().collect();
    let mut acc = MinHashAcc::new();
    acc.extend(docs.iter().copied());
    let by_id: HashMap<&str, &AnalyzedDoc> = docs.iter().map(|d| (d.doc.id.as_str(), *d)).collect();
    acc.verify(threshold, |id| by_id.get(id).map(|d| (*d).clone()))
}

/// Which documents to drop: each connected group of duplicate pairs collapses
/// onto its smallest id. Sorted by id.
pub fn dedup(pairs: &[DupPair]) -> Vec<Collapse> {
    let mut parent: BTreeMap<String, String> = BTreeMap::new();
    fn find(p: &mut BTreeMap<String, String>, x: &str) -> String {
        let mut r = x.to_string();
        while let Some(n) = p.get(&r) {
            if *n == r {
                break;
            }
            r = n.clone();
        }
        p.insert(x.to_string(), r.clone());
        r
    }
    for p in pairs {
        for id in [&p.a, &p.b] {
            parent.entry(id.clone()).or_insert_with(|| id.clone());
        }
        let (ra, rb) = (find(&mut parent, &p.a), find(&mut parent, &p.b));
        if ra != rb {
            let (keep, drop) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent.insert(drop, keep);
        }
    }
    let ids: Vec<String> = parent.keys().cloned().collect();
    let mut out = Vec::new();
    for id in ids {
        let root = find(&mut parent, &id);
        if root != id {
            out.push(Collapse { id, keep: root });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::testutil::und;

    fn words(n: usize, tag: &str) -> Vec<String> {
        (0..n).map(|i| format!("{tag}{i}")).collect()
    }

    #[test]
    fn finds_near_duplicates_and_collapses() {
        let base = words(100, "w");
        let mut near = base.clone();
        near[99] = "changed".into(); // 96 of 100 shingles shared (J = 95/101... ≥ 0.9)
        let a = und("a", &base.join(" "));
        let b = und("b", &near.join(" "));
        let c = und("c", &words(100, "v").join(" "));
        let d = und("d", &base.join(" "));
        let pairs = near_duplicates([&c, &b, &a, &d], 0.8);
        let ids: Vec<_> = pairs.iter().map(|p| (p.a.as_str(), p.b.as_str())).collect();
        assert_eq!(ids, [("a", "b"), ("a", "d"), ("b", "d")]);
        let ab = &pairs[0];
        // 96 shingles unchanged of 96 + 1 + 1 → 96/97... exact check:
        assert!((ab.jaccard.unwrap() - 95.0 / 97.0).abs() < 1e-12, "{ab:?}");
        assert_eq!(pairs[1].jaccard, Some(1.0));
        let drop = dedup(&pairs);
        assert_eq!(
            drop,
            [
                Collapse {
                    id: "b".into(),
                    keep: "a".into()
                },
                Collapse {
                    id: "d".into(),
                    keep: "a".into()
                }
            ]
        );
    }

    #[test]
    fn short_and_empty_docs() {
        let a = und("1", "hello world");
        let b = und("2", "hello world");
        let e = und("3", "");
        assert_eq!(near_duplicates([&a, &b, &e], 0.8).len(), 1);
        assert_eq!(jaccard(&a, &e), 0.0);
    }

    #[test]
    fn signatures_are_deterministic_across_batches() {
        let docs: Vec<_> = (0..6)
            .map(|i| und(&i.to_string(), &words(20 + i, "x").join(" ")))
            .collect();
        let mut one = MinHashAcc::new();
        one.extend(&docs);
        let mut parts = docs.chunks(2).map(|c| {
            let mut m = MinHashAcc::new();
            m.extend(c);
            m
        });
        let first = parts.next().unwrap();
        let merged = parts.fold(first, MinHashAcc::merge);
        assert_eq!(one.candidates(0.8), merged.candidates(0.8));
        assert!(!one.candidates(0.8).is_empty());
    }
}

//! Document pairs: near-duplicates within a language (MinHash over analyzer
//! term 5-shingles, LSH banding 16 × 4, estimated Jaccard ≥ threshold) and
//! probable translations across languages (anchor sequences).

use serde::Serialize;

use crate::lang::Lang;

/// MinHash signature length.
pub const NUM_HASHES: usize = 64;
/// LSH bands (rows per band = NUM_HASHES / BANDS).
pub const BANDS: usize = 16;
/// Shingle width in terms.
pub const SHINGLE: usize = 5;

/// Kind of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PairKind {
    /// Probable translations (different languages).
    Translation,
    /// Near-duplicates (same language).
    NearDuplicate,
}

/// A pair of documents with its score and evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    /// First document (id; the smaller id).
    pub a: String,
    /// Second document (id).
    pub b: String,
    /// Path of `a`.
    pub a_path: String,
    /// Path of `b`.
    pub b_path: String,
    /// Line of `a` in its file, for a record (JSONL, CSV, TSV).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_line: Option<u64>,
    /// Line of `b` in its file, for a record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b_line: Option<u64>,
    /// Languages of `a` and `b`.
    pub langs: [Lang; 2],
    /// Kind.
    pub kind: PairKind,
    /// Score in [0, 1] (translation: combined score; near-duplicate: estimated Jaccard).
    pub score: f64,
    /// Human-readable evidence.
    pub evidence: Vec<String>,
}

/// FNV-1a 64 of bytes (stable across platforms and runs).
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// MinHash signature of the term 5-shingles of a term sequence (a shorter
/// sequence is one shingle). None for an empty sequence.
pub fn minhash(terms: &[&str]) -> Option<Vec<u64>> {
    if terms.is_empty() {
        return None;
    }
    let w = SHINGLE.min(terms.len());
    let mut sig = vec![u64::MAX; NUM_HASHES];
    for win in terms.windows(w) {
        let mut h = 0u64;
        for t in win {
            h = mix(h ^ fnv(t.as_bytes()));
        }
        for (i, s) in sig.iter_mut().enumerate() {
            let v = mix(h ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            if v < *s {
                *s = v;
            }
        }
    }
    Some(sig)
}

/// Estimated Jaccard: share of equal signature positions.
pub fn estimate(a: &[u64], b: &[u64]) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / NUM_HASHES as f64
}

/// LSH band keys of a signature.
pub fn bands(sig: &[u64]) -> impl Iterator<Item = (usize, u64)> + '_ {
    let r = NUM_HASHES / BANDS;
    (0..BANDS).map(move |b| {
        let mut h = b as u64;
        for v in &sig[b * r..(b + 1) * r] {
            h = mix(h ^ v);
        }
        (b, h)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_and_different() {
        let a: Vec<&str> = "a b c d e f g h i j k l".split(' ').collect();
        let mut b = a.clone();
        b[11] = "z";
        let c: Vec<&str> = "m n o p q r s t u v w x".split(' ').collect();
        let (sa, sb, sc) = (
            minhash(&a).unwrap(),
            minhash(&b).unwrap(),
            minhash(&c).unwrap(),
        );
        assert_eq!(estimate(&sa, &sa), 1.0);
        assert!(estimate(&sa, &sb) > 0.5);
        assert!(estimate(&sa, &sc) < 0.1);
    }
}

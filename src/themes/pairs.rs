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

/// Finding the pairs among the documents a [`super::ThemeBuilder`] holds.
mod find {
    use super::super::*;

    impl ThemeBuilder {
        pub(in crate::themes) fn translation_pairs(&self) -> Vec<Pair> {
            let mut postings: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
            for (i, d) in self.docs.iter().enumerate() {
                let mut ids: Vec<u32> = d
                    .anchors
                    .iter()
                    .copied()
                    .filter(|&a| self.anchor_valid(a))
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                for a in ids {
                    postings.entry(a).or_default().push(i as u32);
                }
            }
            let mut shared: BTreeMap<(u32, u32), u32> = BTreeMap::new();
            for docs in postings.values() {
                if docs.len() > MAX_ANCHOR_POSTINGS {
                    continue;
                }
                for (x, &i) in docs.iter().enumerate() {
                    for &j in &docs[x + 1..] {
                        if self.docs[i as usize].lang != self.docs[j as usize].lang {
                            *shared.entry((i, j)).or_insert(0) += 1;
                        }
                    }
                }
            }
            let mut out = Vec::new();
            for (&(i, j), &n) in &shared {
                if n < 3 {
                    continue;
                }
                if let Some(p) = self.score_translation(i as usize, j as usize) {
                    out.push(p);
                }
            }
            out
        }

        fn score_translation(&self, i: usize, j: usize) -> Option<Pair> {
            let (da, db) = (&self.docs[i], &self.docs[j]);
            let sa: Vec<u32> = da
                .anchors
                .iter()
                .copied()
                .filter(|&a| self.anchor_valid(a))
                .collect();
            let sb: Vec<u32> = db
                .anchors
                .iter()
                .copied()
                .filter(|&a| self.anchor_valid(a))
                .collect();
            let (ba, bb) = (crossling::bag(&sa), crossling::bag(&sb));
            let (mut num, mut den) = (0.0, 0.0);
            let (mut x, mut y) = (0, 0);
            let mut common: BTreeSet<u32> = BTreeSet::new();
            while x < ba.len() || y < bb.len() {
                let (ka, kb) = (ba.get(x).map(|p| p.0), bb.get(y).map(|p| p.0));
                match (ka, kb) {
                    (Some(a), Some(b)) if a == b => {
                        let w = self.anchor_weight(a);
                        num += w * ba[x].1.min(bb[y].1) as f64;
                        den += w * ba[x].1.max(bb[y].1) as f64;
                        common.insert(a);
                        x += 1;
                        y += 1;
                    }
                    (Some(a), Some(b)) if a < b => {
                        den += self.anchor_weight(a) * ba[x].1 as f64;
                        x += 1;
                    }
                    (Some(a), None) => {
                        den += self.anchor_weight(a) * ba[x].1 as f64;
                        x += 1;
                    }
                    (_, Some(b)) => {
                        den += self.anchor_weight(b) * bb[y].1 as f64;
                        y += 1;
                    }
                    (None, None) => break,
                }
            }
            if common.len() < 3 || den == 0.0 {
                return None;
            }
            let wj = num / den;
            let fa: Vec<u32> = sa.iter().copied().filter(|a| common.contains(a)).collect();
            let fb: Vec<u32> = sb.iter().copied().filter(|a| common.contains(a)).collect();
            let order = crossling::lcs(&fa, &fb) as f64 / fa.len().max(fb.len()).max(1) as f64;
            let lr = da.chars.min(db.chars) as f64 / da.chars.max(db.chars).max(1) as f64;
            let score = 0.5 * wj + 0.3 * order + 0.2 * lr;
            if score < self.opts.translation_threshold {
                return None;
            }
            let mut evidence = Vec::new();
            let mut seen = BTreeSet::new();
            let mut by_kind: BTreeMap<crossling::AnchorKind, Vec<&str>> = BTreeMap::new();
            for &a in &fa {
                if seen.insert(a) {
                    let info = &self.anchors[a as usize];
                    let shown = info
                        .key
                        .split_once(':')
                        .map(|(_, v)| v)
                        .unwrap_or(&info.key);
                    by_kind.entry(info.kind).or_default().push(shown);
                }
            }
            for (kind, vals) in by_kind {
                let what = match kind {
                    crossling::AnchorKind::Num => "shared numbers",
                    crossling::AnchorKind::Url => "shared urls",
                    crossling::AnchorKind::Name => "shared names",
                };
                evidence.push(format!("{what}: {}", vals.join(", ")));
            }
            evidence.push(format!("weighted Jaccard of anchors {wj:.3}"));
            evidence.push(format!("anchor order agreement (LCS) {order:.3}"));
            evidence.push(format!("length ratio {lr:.3}"));
            Some(Pair {
                a: da.id.clone(),
                b: db.id.clone(),
                a_path: da.path.clone(),
                b_path: db.path.clone(),
                a_line: da.line,
                b_line: db.line,
                langs: [da.lang, db.lang],
                kind: PairKind::Translation,
                score: round(score),
                evidence,
            })
        }

        pub(in crate::themes) fn near_duplicates(&self) -> Vec<Pair> {
            let mut buckets: BTreeMap<(Lang, usize, u64), Vec<u32>> = BTreeMap::new();
            for (i, d) in self.docs.iter().enumerate() {
                if let Some(sig) = &d.minhash {
                    for (b, key) in pairs::bands(sig) {
                        buckets.entry((d.lang, b, key)).or_default().push(i as u32);
                    }
                }
            }
            let mut cands: BTreeSet<(u32, u32)> = BTreeSet::new();
            for docs in buckets.values() {
                for (x, &i) in docs.iter().take(MAX_BUCKET).enumerate() {
                    for &j in docs.iter().take(MAX_BUCKET).skip(x + 1) {
                        cands.insert((i, j));
                    }
                }
            }
            let mut out = Vec::new();
            for (i, j) in cands {
                let (da, db) = (&self.docs[i as usize], &self.docs[j as usize]);
                let est = pairs::estimate(da.minhash.as_ref().unwrap(), db.minhash.as_ref().unwrap());
                if est >= self.opts.dup_threshold {
                    out.push(Pair {
                        a: da.id.clone(),
                        b: db.id.clone(),
                        a_path: da.path.clone(),
                        b_path: db.path.clone(),
                        a_line: da.line,
                        b_line: db.line,
                        langs: [da.lang, db.lang],
                        kind: PairKind::NearDuplicate,
                        score: round(est),
                        evidence: vec![format!(
                            "estimated Jaccard of analyzer-term {}-shingles {est:.3} (MinHash, {} hashes)",
                            pairs::SHINGLE,
                            pairs::NUM_HASHES
                        )],
                    });
                }
            }
            out
        }
    }
}

//! `stats freq`: frequency lists of terms and n-grams (n = 1..4) with
//! dispersion.
//!
//! - An n-gram is n consecutive tokens of one sentence with consecutive
//!   positions; neither edge is a stopword (inside is fine: "Hilfe für
//!   Kunden"). Its key is the terms joined by a space, its surface the most
//!   frequent joined surface forms.
//! - `per_million` = count / N · 10⁶, N = all word tokens (stopwords included).
//! - `docs` = document frequency; `range` = docs / D, D = documents with at
//!   least one token (the corpus parts).
//! - `dp` = Gries' (2008) DP with parts = documents, part size = document
//!   tokens; `dp_norm` = DP/(1 − min sᵢ) (Lijffijt & Gries 2012), min over
//!   the parts. 0 = even, 1 = concentrated.
//! - Memory: DP needs each item's (count in doc, doc size) per document where
//!   it occurs (the size of a postings list), kept in document order so the
//!   float sums are reproducible. Use `without_dispersion` to drop them.

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use super::Surfaces;
use crate::corpus::AnalyzedDoc;

#[derive(Debug, Clone, Default)]
pub(crate) struct GramStat {
    pub(crate) count: u64,
    pub(crate) docs: u64,
    pub(crate) stop: bool,
    pub(crate) surfaces: Surfaces,
    /// (count in doc, doc tokens) for each doc where it occurs, in doc order.
    postings: Vec<(u32, u32)>,
}

/// Accumulates n-gram counts, document frequencies and dispersion data.
#[derive(Debug, Clone)]
pub struct FreqAcc {
    n: usize,
    include_stop: bool,
    dispersion: bool,
    pub(crate) grams: HashMap<String, GramStat>,
    /// Word tokens (stopwords included).
    pub(crate) tokens: u64,
    /// Documents seen.
    pub(crate) docs: u64,
    /// Documents with at least one token.
    parts: u64,
    min_part: u64,
}

/// One row of a frequency list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FreqRow {
    /// Terms joined by a space.
    pub term: String,
    /// Most frequent surface form.
    pub surface: String,
    /// Occurrences.
    pub count: u64,
    /// Occurrences per million tokens.
    pub per_million: f64,
    /// Documents containing it.
    pub docs: u64,
    /// docs / documents with tokens.
    pub range: f64,
    /// Gries' DP (None without dispersion data).
    pub dp: Option<f64>,
    /// DP normalized by 1 − min part size.
    pub dp_norm: Option<f64>,
}

impl FreqAcc {
    /// Counter of n-grams (1 ≤ n ≤ 4 recommended; any n ≥ 1 works).
    pub fn new(n: usize) -> Self {
        assert!(n >= 1, "n-gram size must be at least 1");
        FreqAcc {
            n,
            include_stop: false,
            dispersion: true,
            grams: HashMap::default(),
            tokens: 0,
            docs: 0,
            parts: 0,
            min_part: u64::MAX,
        }
    }

    /// Also count stopwords (unigrams) / allow them at n-gram edges.
    pub fn include_stop(mut self, yes: bool) -> Self {
        self.include_stop = yes;
        self
    }

    /// Do not keep per-document data (no DP; saves memory).
    pub fn without_dispersion(mut self) -> Self {
        self.dispersion = false;
        self
    }

    /// The n-gram size.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Word tokens seen (stopwords included).
    pub fn tokens(&self) -> u64 {
        self.tokens
    }

    /// Documents seen.
    pub fn documents(&self) -> u64 {
        self.docs
    }

    /// Add one document.
    pub fn add(&mut self, doc: &AnalyzedDoc) {
        self.docs += 1;
        let toks = &doc.tokens;
        let len = toks.len() as u64;
        self.tokens += len;
        if len == 0 {
            return;
        }
        self.parts += 1;
        self.min_part = self.min_part.min(len);
        let n = self.n;
        let mut local: HashMap<String, (u32, bool, Surfaces)> = HashMap::default();
        let mut key = String::new();
        let mut surf = String::new();
        'outer: for i in 0..toks.len().saturating_sub(n - 1) {
            let w = &toks[i..i + n];
            if !self.include_stop && (w[0].stop || w[n - 1].stop) {
                continue;
            }
            for k in 1..n {
                if w[k].sentence != w[0].sentence || w[k].position != w[k - 1].position + 1 {
                    continue 'outer;
                }
            }
            key.clear();
            surf.clear();
            for (k, t) in w.iter().enumerate() {
                if k > 0 {
                    key.push(' ');
                    surf.push(' ');
                }
                key.push_str(&t.term);
                surf.push_str(doc.surface(t));
            }
            let stop = n == 1 && w[0].stop;
            match local.get_mut(key.as_str()) {
                Some(e) => {
                    e.0 += 1;
                    e.1 |= stop;
                    e.2.add(&surf, 1);
                }
                None => {
                    let mut s = Surfaces::default();
                    s.add(&surf, 1);
                    local.insert(key.clone(), (1, stop, s));
                }
            }
        }
        for (k, (c, stop, surfaces)) in local {
            let g = self.grams.entry(k).or_default();
            g.count += c as u64;
            g.docs += 1;
            g.stop |= stop;
            g.surfaces.merge(surfaces);
            if self.dispersion {
                g.postings.push((c, len as u32));
            }
        }
    }

    /// Add several documents.
    pub fn extend<'a>(&mut self, docs: impl IntoIterator<Item = &'a AnalyzedDoc>) {
        for d in docs {
            self.add(d);
        }
    }

    /// Merge the accumulator of the documents that come after ours.
    pub fn merge(mut self, later: FreqAcc) -> FreqAcc {
        for (k, l) in later.grams {
            match self.grams.get_mut(&k) {
                None => {
                    self.grams.insert(k, l);
                }
                Some(g) => {
                    g.count += l.count;
                    g.docs += l.docs;
                    g.stop |= l.stop;
                    g.surfaces.merge(l.surfaces);
                    g.postings.extend(l.postings);
                }
            }
        }
        self.tokens += later.tokens;
        self.docs += later.docs;
        self.parts += later.parts;
        self.min_part = self.min_part.min(later.min_part);
        self.dispersion &= later.dispersion;
        self
    }

    /// The frequency list: items with count ≥ `min_count`, count desc, then term.
    pub fn rows(&self, min_count: u64) -> Vec<FreqRow> {
        let mut items: Vec<(&String, &GramStat)> = self
            .grams
            .iter()
            .filter(|(_, g)| g.count >= min_count.max(1) && (self.include_stop || !g.stop))
            .collect();
        items.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0)));
        items.into_iter().map(|(k, g)| self.row(k, g)).collect()
    }

    /// The row of one item (None if never seen).
    pub fn get(&self, key: &str) -> Option<FreqRow> {
        self.grams.get(key).map(|g| self.row(key, g))
    }

    fn row(&self, key: &str, g: &GramStat) -> FreqRow {
        let n = self.tokens as f64;
        let (dp, dp_norm) = if self.dispersion && self.parts > 0 {
            let f = g.count as f64;
            let mut diff = 0.0;
            let mut covered = 0.0;
            for &(fi, ni) in &g.postings {
                let s = ni as f64 / n;
                diff += (fi as f64 / f - s).abs();
                covered += s;
            }
            let dp = 0.5 * (diff + (1.0 - covered).max(0.0));
            let min_s = self.min_part as f64 / n;
            let norm = if min_s < 1.0 { dp / (1.0 - min_s) } else { 0.0 };
            (Some(dp), Some(norm))
        } else {
            (None, None)
        };
        FreqRow {
            term: key.to_string(),
            surface: g.surfaces.best(),
            count: g.count,
            per_million: if n > 0.0 {
                g.count as f64 / n * 1e6
            } else {
                0.0
            },
            docs: g.docs,
            range: if self.parts > 0 {
                g.docs as f64 / self.parts as f64
            } else {
                0.0
            },
            dp,
            dp_norm,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::stats::testutil::{doc, und};

    #[test]
    fn gries_2008_dp_example() {
        // Gries (2008): 5 parts of 9, 10, 10, 10, 11 words (s = .18 .2 .2 .2 .22);
        // word "a" occurs 1, 2, 3, 4, 5 times → DP = 0.18,
        // DP_norm (Lijffijt & Gries 2012) = 0.18 / (1 − 0.18).
        let sizes = [9, 10, 10, 10, 11];
        let docs: Vec<_> = sizes
            .iter()
            .enumerate()
            .map(|(i, &size)| {
                let mut w = vec!["a"; i + 1];
                w.resize(size, "x");
                und(&i.to_string(), &w.join(" "))
            })
            .collect();
        let mut acc = FreqAcc::new(1);
        acc.extend(&docs);
        let r = acc.get("a").unwrap();
        assert_eq!((r.count, r.docs), (15, 5));
        assert!((r.dp.unwrap() - 0.18).abs() < 1e-12);
        assert!((r.dp_norm.unwrap() - 0.18 / 0.82).abs() < 1e-12);
        assert!((r.per_million - 15.0 / 50.0 * 1e6).abs() < 1e-6);
        assert_eq!(r.range, 1.0);
    }

    #[test]
    fn dp_concentrated_in_one_part() {
        // "z" only in part 1 of sizes 2, 2: DP = ½(|1 − .5| + |0 − .5|) = .5, norm 1
        let a = und("1", "z y");
        let b = und("2", "y y");
        let mut acc = FreqAcc::new(1);
        acc.extend([&a, &b]);
        let r = acc.get("z").unwrap();
        assert_eq!(r.dp, Some(0.5));
        assert_eq!(r.dp_norm, Some(1.0));
        assert_eq!(r.range, 0.5);
    }

    #[test]
    fn ngrams_respect_sentences_and_stopword_edges() {
        // "für" is a German stopword: allowed inside, not at an edge.
        let d = doc("1", Lang::De, "Hilfe für Kunden. Kunden für Hilfe");
        let mut acc = FreqAcc::new(3);
        acc.add(&d);
        let rows = acc.rows(1);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows.iter().any(|r| r.surface == "Hilfe für Kunden"));
        let mut bi = FreqAcc::new(2);
        bi.add(&d);
        // bigrams all have a stopword edge; "Kunden Kunden" spans a sentence break
        assert!(bi.rows(1).is_empty(), "{:?}", bi.rows(1));
        let mut uni = FreqAcc::new(1);
        uni.add(&d);
        assert!(uni.rows(1).iter().all(|r| r.surface != "für"));
        assert_eq!(uni.tokens(), 6);
    }

    #[test]
    fn min_count_and_order() {
        let d = und("1", "b a b c a b");
        let mut acc = FreqAcc::new(1);
        acc.add(&d);
        let rows = acc.rows(2);
        let terms: Vec<_> = rows.iter().map(|r| r.term.as_str()).collect();
        assert_eq!(terms, ["b", "a"]);
    }
}

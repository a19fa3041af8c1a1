//! `stats summary`: size, diversity and frequency-distribution measures per
//! group of documents.
//!
//! Choices (formulas in STATS-THEMES.md §2):
//! - **MATTR** (Covington & McFall 2010, W = 100) is computed per document
//!   and pooled: Σ over all windows of (types in window) ÷ Σ window sizes.
//!   Windows never cross documents. A document shorter than W counts as one
//!   window of its own length (so it weighs n/W of a full window).
//! - **MTLD** (McCarthy & Jarvis 2010, threshold 0.72, factor closes when
//!   TTR ≤ 0.72) is computed per document, forward and backward; factors
//!   (partial factor included, kept as integers in units of 10⁻⁹) are summed
//!   over the group: MTLD = (N/factors_fwd + N/factors_bwd)/2. Undefined
//!   (`null`) when no factor was completed or started anywhere.
//! - **Zipf α** is the discrete power-law MLE (Clauset, Shalizi & Newman 2009)
//!   of the term-frequency distribution p(f) ∝ f^−α with x_min = 1 (every
//!   type), solved numerically; `zipf_s = 1/(α − 1)` is the implied
//!   rank-frequency exponent f(r) ∝ r^−s.
//! - **Heaps** V = K·N^β: least squares of ln V on ln n over the vocabulary
//!   growth curve of the group's token stream (documents in path, line, id order),
//!   sampled at n = 10^(k/10) ≥ 10 and at N. Each type's first position is
//!   kept, so merged batches give the exact curve.
//! - Bounded memory: per-term counters, a first position per term, and
//!   histograms of sentence and document lengths; no token is kept.

use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

use serde::Serialize;

use super::math;
use super::{GroupBy, Surfaces};
use crate::corpus::AnalyzedDoc;

/// MATTR window.
pub const MATTR_WINDOW: usize = 100;
/// MTLD factor threshold.
pub const MTLD_THRESHOLD: f64 = 0.72;
const MTLD_UNIT: u128 = 1_000_000_000;

#[derive(Debug, Clone, Default)]
struct TermStat {
    count: u64,
    first: u64,
    stop: bool,
    surfaces: Surfaces,
}

#[derive(Debug, Clone, Default)]
struct GroupAcc {
    docs: u64,
    sentences: u64,
    tokens: u64,
    terms: HashMap<String, TermStat>,
    mattr_types: u64,
    mattr_sizes: u64,
    mtld_fwd: u64,
    mtld_bwd: u64,
    sent_len: BTreeMap<u64, u64>,
    doc_len: BTreeMap<u64, u64>,
    kinds: crate::corpus::KindCounts,
}

/// Accumulates a summary per group.
#[derive(Debug, Clone)]
pub struct SummaryAcc {
    group: GroupBy,
    top_n: usize,
    groups: BTreeMap<String, GroupAcc>,
}

/// One entry of a top-terms list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopTerm {
    /// Analyzer term.
    pub term: String,
    /// Most frequent surface form.
    pub surface: String,
    /// Occurrences.
    pub count: u64,
}

/// The summary of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    /// Group key (language code, path, directory or metadata value).
    pub group: String,
    /// Documents.
    pub documents: u64,
    /// Sentences.
    pub sentences: u64,
    /// Word tokens N (stopwords included).
    pub tokens: u64,
    /// Types V (distinct terms).
    pub types: u64,
    /// Hapax legomena V1.
    pub hapax: u64,
    /// Dis legomena V2.
    pub dis_legomena: u64,
    /// V/N.
    pub ttr: Option<f64>,
    /// Moving-average TTR, window 100.
    pub mattr: Option<f64>,
    /// MTLD, threshold 0.72, mean of forward and backward.
    pub mtld: Option<f64>,
    /// Yule's K = 10⁴(Σ i²V_i − N)/N².
    pub yule_k: Option<f64>,
    /// Mean sentence length in tokens.
    pub sentence_len_mean: Option<f64>,
    /// Median sentence length in tokens.
    pub sentence_len_median: Option<f64>,
    /// Mean document length in tokens.
    pub doc_len_mean: Option<f64>,
    /// Median document length in tokens.
    pub doc_len_median: Option<f64>,
    /// Power-law exponent α of the frequency distribution (MLE, x_min = 1).
    pub zipf_alpha: Option<f64>,
    /// Rank-frequency exponent s = 1/(α − 1).
    pub zipf_s: Option<f64>,
    /// Heaps' β.
    pub heaps_beta: Option<f64>,
    /// Heaps' K.
    pub heaps_k: Option<f64>,
    /// Most frequent non-stopword terms (count desc, then term).
    pub top: Vec<TopTerm>,
    /// Tokens of each kind that is not a word (`number`, `url`, `email`,
    /// `handle`, `hashtag`, `emoji`, `emoticon`, `marker`), whether or not
    /// they were counted as terms (`--include`).
    pub kinds: BTreeMap<&'static str, u64>,
}

impl SummaryAcc {
    /// A new accumulator with a top-20 list.
    pub fn new(group: GroupBy) -> Self {
        SummaryAcc {
            group,
            top_n: 20,
            groups: BTreeMap::new(),
        }
    }

    /// Set the length of the top-terms list.
    pub fn with_top(mut self, n: usize) -> Self {
        self.top_n = n;
        self
    }

    /// Add one document (with [`GroupBy::Segment`], each of its parts in
    /// one language).
    pub fn add(&mut self, doc: &AnalyzedDoc) {
        for (key, part) in self.group.parts(doc) {
            self.add_to(key, &part);
        }
    }

    fn add_to(&mut self, key: String, doc: &AnalyzedDoc) {
        let g = self.groups.entry(key).or_default();
        g.docs += 1;
        for (a, b) in g.kinds.iter_mut().zip(&doc.kind_counts) {
            *a += b;
        }
        let toks = &doc.tokens;
        g.doc_len
            .entry(toks.len() as u64)
            .and_modify(|c| *c += 1)
            .or_insert(1);
        // Sentences and their lengths.
        let mut i = 0;
        while i < toks.len() {
            let s = toks[i].sentence;
            let mut j = i;
            while j < toks.len() && toks[j].sentence == s {
                j += 1;
            }
            g.sentences += 1;
            *g.sent_len.entry((j - i) as u64).or_insert(0) += 1;
            i = j;
        }
        // Terms.
        let base = g.tokens;
        for (k, t) in toks.iter().enumerate() {
            let surface = doc.surface(t);
            match g.terms.get_mut(t.term.as_str()) {
                Some(st) => {
                    st.count += 1;
                    st.stop |= t.stop;
                    st.surfaces.add(surface, 1);
                }
                None => {
                    let mut st = TermStat {
                        count: 1,
                        first: base + k as u64,
                        stop: t.stop,
                        ..Default::default()
                    };
                    st.surfaces.add(surface, 1);
                    g.terms.insert(t.term.to_string(), st);
                }
            }
        }
        g.tokens += toks.len() as u64;
        let terms: Vec<&str> = toks.iter().map(|t| t.term.as_str()).collect();
        let (wt, ws) = mattr_parts(&terms, MATTR_WINDOW);
        g.mattr_types += wt;
        g.mattr_sizes += ws;
        g.mtld_fwd += mtld_factors(terms.iter().copied());
        g.mtld_bwd += mtld_factors(terms.iter().rev().copied());
    }

    /// Add several documents.
    pub fn extend<'a>(&mut self, docs: impl IntoIterator<Item = &'a AnalyzedDoc>) {
        for d in docs {
            self.add(d);
        }
    }

    /// Merge the accumulator of the documents that come after ours.
    pub fn merge(mut self, later: SummaryAcc) -> SummaryAcc {
        for (key, l) in later.groups {
            match self.groups.get_mut(&key) {
                None => {
                    self.groups.insert(key, l);
                }
                Some(g) => {
                    let offset = g.tokens;
                    for (term, st) in l.terms {
                        match g.terms.get_mut(&term) {
                            Some(e) => {
                                e.count += st.count;
                                e.stop |= st.stop;
                                e.surfaces.merge(st.surfaces);
                            }
                            None => {
                                g.terms.insert(
                                    term,
                                    TermStat {
                                        first: st.first + offset,
                                        ..st
                                    },
                                );
                            }
                        }
                    }
                    g.docs += l.docs;
                    for (a, b) in g.kinds.iter_mut().zip(&l.kinds) {
                        *a += b;
                    }
                    g.sentences += l.sentences;
                    g.tokens += l.tokens;
                    g.mattr_types += l.mattr_types;
                    g.mattr_sizes += l.mattr_sizes;
                    g.mtld_fwd += l.mtld_fwd;
                    g.mtld_bwd += l.mtld_bwd;
                    for (k, v) in l.sent_len {
                        *g.sent_len.entry(k).or_insert(0) += v;
                    }
                    for (k, v) in l.doc_len {
                        *g.doc_len.entry(k).or_insert(0) += v;
                    }
                }
            }
        }
        self
    }

    /// The rows, one per group, sorted by group key.
    pub fn finish(&self) -> Vec<SummaryRow> {
        self.groups
            .iter()
            .map(|(k, g)| row(k, g, self.top_n))
            .collect()
    }
}

/// Convenience: the summary of a sequence of documents.
pub fn summary<'a>(
    docs: impl IntoIterator<Item = &'a AnalyzedDoc>,
    group: GroupBy,
) -> Vec<SummaryRow> {
    let mut acc = SummaryAcc::new(group);
    acc.extend(docs);
    acc.finish()
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn row(key: &str, g: &GroupAcc, top_n: usize) -> SummaryRow {
    let n = g.tokens;
    let v = g.terms.len() as u64;
    let mut spectrum: BTreeMap<u64, u64> = BTreeMap::new();
    for st in g.terms.values() {
        *spectrum.entry(st.count).or_insert(0) += 1;
    }
    let spec: Vec<(u64, u64)> = spectrum.iter().map(|(a, b)| (*a, *b)).collect();
    let yule_k = (n > 0).then(|| {
        let s2: u128 = spec
            .iter()
            .map(|&(i, vi)| (i as u128) * (i as u128) * vi as u128)
            .sum();
        1e4 * (s2 - n as u128) as f64 / (n as f64 * n as f64)
    });
    let zipf_alpha = math::power_law_alpha(&spec, 1);
    let mtld = if g.mtld_fwd > 0 && g.mtld_bwd > 0 {
        let unit = MTLD_UNIT as f64;
        let f = n as f64 / (g.mtld_fwd as f64 / unit);
        let b = n as f64 / (g.mtld_bwd as f64 / unit);
        Some((f + b) / 2.0)
    } else {
        None
    };
    let (heaps_beta, heaps_k) = heaps(g);
    let mut top: Vec<(&String, &TermStat)> = g.terms.iter().filter(|(_, s)| !s.stop).collect();
    top.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0)));
    let top = top
        .into_iter()
        .take(top_n)
        .map(|(t, s)| TopTerm {
            term: t.clone(),
            surface: s.surfaces.best(),
            count: s.count,
        })
        .collect();
    SummaryRow {
        group: key.to_string(),
        documents: g.docs,
        sentences: g.sentences,
        tokens: n,
        types: v,
        hapax: spectrum.get(&1).copied().unwrap_or(0),
        dis_legomena: spectrum.get(&2).copied().unwrap_or(0),
        ttr: ratio(v, n),
        mattr: ratio(g.mattr_types, g.mattr_sizes),
        mtld,
        yule_k,
        sentence_len_mean: hist_mean(&g.sent_len),
        sentence_len_median: hist_median(&g.sent_len),
        doc_len_mean: hist_mean(&g.doc_len),
        doc_len_median: hist_median(&g.doc_len),
        zipf_alpha,
        zipf_s: zipf_alpha.map(|a| 1.0 / (a - 1.0)),
        heaps_beta,
        heaps_k,
        top,
        kinds: crate::analysis::Kind::SPECIAL
            .iter()
            .map(|&k| (k.name(), g.kinds[k as usize]))
            .collect(),
    }
}

fn heaps(g: &GroupAcc) -> (Option<f64>, Option<f64>) {
    let mut firsts: Vec<u64> = g.terms.values().map(|s| s.first).collect();
    firsts.sort_unstable();
    let n = g.tokens;
    let mut pts = Vec::new();
    let mut last = 0u64;
    let mut k = 10;
    loop {
        let c = 10f64.powf(k as f64 / 10.0).round() as u64;
        if c >= n {
            break;
        }
        if c > last {
            pts.push(c);
            last = c;
        }
        k += 1;
    }
    if n >= 10 {
        pts.push(n);
    }
    let points: Vec<(f64, f64)> = pts
        .iter()
        .map(|&c| {
            let v = firsts.partition_point(|&f| f < c) as f64;
            ((c as f64).ln(), v.ln())
        })
        .collect();
    match math::ols(&points) {
        Some((b, a)) => (Some(b), Some(a.exp())),
        None => (None, None),
    }
}

fn hist_mean(h: &BTreeMap<u64, u64>) -> Option<f64> {
    let n: u64 = h.values().sum();
    let s: u64 = h.iter().map(|(k, v)| k * v).sum();
    ratio(s, n)
}

fn hist_median(h: &BTreeMap<u64, u64>) -> Option<f64> {
    let n: u64 = h.values().sum();
    if n == 0 {
        return None;
    }
    let nth = |i: u64| {
        let mut seen = 0;
        for (k, v) in h {
            seen += v;
            if seen > i {
                return *k;
            }
        }
        unreachable!()
    };
    if n % 2 == 1 {
        Some(nth(n / 2) as f64)
    } else {
        Some((nth(n / 2 - 1) + nth(n / 2)) as f64 / 2.0)
    }
}

/// Σ types over windows and Σ window sizes for one document (see module doc).
fn mattr_parts(terms: &[&str], w: usize) -> (u64, u64) {
    let n = terms.len();
    if n == 0 {
        return (0, 0);
    }
    let mut counts: HashMap<&str, u32> = HashMap::default();
    if n < w {
        for t in terms {
            *counts.entry(t).or_insert(0) += 1;
        }
        return (counts.len() as u64, n as u64);
    }
    for t in &terms[..w] {
        *counts.entry(t).or_insert(0) += 1;
    }
    let mut sum = counts.len() as u64;
    for i in w..n {
        let out = terms[i - w];
        let c = counts.get_mut(out).unwrap();
        *c -= 1;
        if *c == 0 {
            counts.remove(out);
        }
        *counts.entry(terms[i]).or_insert(0) += 1;
        sum += counts.len() as u64;
    }
    (sum, (w * (n - w + 1)) as u64)
}

/// MTLD factors of one pass, in units of 10⁻⁹ (partial factor included).
fn mtld_factors<'a>(terms: impl Iterator<Item = &'a str>) -> u64 {
    let mut seen: rustc_hash::FxHashSet<&str> = Default::default();
    let mut count: u128 = 0;
    let mut factors: u128 = 0;
    for t in terms {
        seen.insert(t);
        count += 1;
        // TTR ≤ 0.72  ⇔  100·types ≤ 72·count
        if 100 * seen.len() as u128 <= 72 * count {
            factors += MTLD_UNIT;
            seen.clear();
            count = 0;
        }
    }
    if count > 0 {
        // (1 − types/count)/(1 − 0.72) = 100(count − types)/(28·count), rounded.
        let num = 100 * (count - seen.len() as u128) * MTLD_UNIT;
        let den = 28 * count;
        factors += (num + den / 2) / den;
    }
    factors as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::testutil::und;

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("defined");
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }

    #[test]
    fn counts_hapax_yule() {
        // a a a b b c: N = 6, V = 3, V1 = 1, V2 = 1; Σ i²V_i = 9 + 4 + 1 = 14
        // Yule K = 10⁴ (14 − 6)/36 = 2222.2…
        let d = und("1", "a a a. b b c");
        let r = &summary([&d], GroupBy::All)[0];
        assert_eq!((r.documents, r.sentences, r.tokens, r.types), (1, 2, 6, 3));
        assert_eq!((r.hapax, r.dis_legomena), (1, 1));
        close(r.ttr, 0.5);
        close(r.yule_k, 1e4 * 8.0 / 36.0);
        close(r.sentence_len_mean, 3.0);
        close(r.sentence_len_median, 3.0);
        assert_eq!(
            r.top[0],
            TopTerm {
                term: "a".into(),
                surface: "a".into(),
                count: 3
            }
        );
        // doc shorter than the MATTR window: its TTR.
        close(r.mattr, 0.5);
    }

    #[test]
    fn mtld_toy() {
        // forward: a b a | b a b | c → 2 factors + partial (1 − 1/1)/0.28 = 0
        // backward: c b a b a | b a → 1 factor + partial 0
        // MTLD = (7/2 + 7/1)/2 = 5.25
        let d = und("1", "a b a b a b c");
        let r = &summary([&d], GroupBy::All)[0];
        close(r.mtld, 5.25);
        // Partial factor: "a a" → TTR after 2nd a = 0.5 ≤ 0.72 → 1 factor; MTLD = 2.
        assert_eq!(mtld_factors(["x", "y", "x", "z"].into_iter()), {
            // x y x → 2/3 ≤ .72 → factor; z remains with TTR 1 → partial 0
            MTLD_UNIT as u64
        });
        // partial: "x y z x" : TTR 3/4 = .75 > .72 → partial (1 − .75)/.28
        let p = mtld_factors(["x", "y", "z", "x"].into_iter()) as f64 / 1e9;
        assert!((p - 0.25 / 0.28).abs() < 1e-9);
    }

    #[test]
    fn mattr_window() {
        // 4 tokens, window 2: windows (a b)(b a)(a a) → types 2+2+1 = 5 over 6
        assert_eq!(mattr_parts(&["a", "b", "a", "a"], 2), (5, 6));
    }

    #[test]
    fn medians_and_groups() {
        let a = und("1", "x y. z");
        let b = und("2", "x y z w. v");
        let r = summary([&a, &b], GroupBy::All);
        // sentence lengths 2, 1, 4, 1 → median 1.5; doc lengths 3, 5 → 4
        close(r[0].sentence_len_median, 1.5);
        close(r[0].doc_len_median, 4.0);
        let r = summary([&a, &b], GroupBy::Path);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].group, "1.txt");
    }

    #[test]
    fn heaps_on_all_new_words_is_one() {
        let body: Vec<String> = (0..200).map(|i| format!("w{i}")).collect();
        let d = und("1", &body.join(" "));
        let r = &summary([&d], GroupBy::All)[0];
        close(r.heaps_beta, 1.0);
        assert!((r.heaps_k.unwrap() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn surface_is_most_frequent_then_smallest() {
        let d = und("1", "Haus haus HAUS haus Haus");
        let r = &summary([&d], GroupBy::All)[0];
        // Haus ×2, haus ×2 → tie → "Haus" < "haus"
        assert_eq!(r.top[0].surface, "Haus");
    }
}

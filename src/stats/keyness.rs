//! `stats keyness`: what is distinctive about a target corpus against a
//! reference corpus (two [`FreqAcc`]s, usually unigrams).
//!
//! Notation: a, b = frequency in target and reference; c, d = target and
//! reference size (tokens, stopwords included; or documents for `by_docs`,
//! where a, b are document frequencies — Egbert & Biber 2019, Evert 2022).
//!
//! - **G²** (Dunning 1993, Rayson & Garside 2000 two-cell form):
//!   E1 = c(a+b)/(c+d), E2 = d(a+b)/(c+d), G² = 2[a ln(a/E1) + b ln(b/E2)],
//!   0·ln 0 = 0; signed negative when a/c < b/d. `p` = chi-square(1) tail of
//!   G²; `p_bonferroni` = min(1, p·m) with m = number of candidates;
//!   `significant` = p_bonferroni < alpha.
//! - **Log Ratio** (Hardie 2014) = log2((a/c)/(b/d)); a zero frequency is
//!   replaced by 0.5 (CQPweb's convention), the other kept as is.
//! - **LRC** (Evert 2022, R `corpora::keyness`): two-sided Clopper–Pearson
//!   interval for a/(a+b) at confidence 1 − alpha/m (Bonferroni over the m
//!   candidates), mapped to log ratios via log2(p/(1−p)·d/c); LRC = lower
//!   bound if > 0, upper bound if < 0, else 0. Default sort: LRC desc, term.
//! - **%DIFF** (Gabrielatos & Marchi 2012) = (a/c − b/d)/(b/d)·100, with the
//!   same zero → 0.5 substitution for b.
//! - Candidates: non-stopword items with a + b ≥ `min_count`.

use std::collections::BTreeSet;

use serde::Serialize;

use super::freq::FreqAcc;
use super::math;

/// Sort order of a keyness table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum KeySort {
    /// Conservative log ratio, descending (default).
    #[default]
    Lrc,
    /// Signed G², descending.
    G2,
    /// Log ratio, descending.
    LogRatio,
    /// %DIFF, descending.
    PctDiff,
}

/// Keyness options.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeynessConfig {
    /// Significance level before Bonferroni (default 0.05).
    pub alpha: f64,
    /// Minimum a + b (default 1).
    pub min_count: u64,
    /// Compare document frequencies instead of token frequencies.
    pub by_docs: bool,
    /// Sort order.
    pub sort: KeySort,
}

impl Default for KeynessConfig {
    fn default() -> Self {
        KeynessConfig {
            alpha: 0.05,
            min_count: 1,
            by_docs: false,
            sort: KeySort::Lrc,
        }
    }
}

/// One row of a keyness table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeynessRow {
    /// Term (n-gram terms joined by a space).
    pub term: String,
    /// Most frequent surface form (target first, else reference).
    pub surface: String,
    /// Frequency in the target (documents for `by_docs`).
    pub a: u64,
    /// Frequency in the reference.
    pub b: u64,
    /// Per million tokens (per cent of documents for `by_docs`) in the target.
    pub rel_target: f64,
    /// Same in the reference.
    pub rel_ref: f64,
    /// Signed log-likelihood G².
    pub g2: f64,
    /// p-value of G² (chi-square, 1 df).
    pub p: f64,
    /// Bonferroni-corrected p-value.
    pub p_bonferroni: f64,
    /// p_bonferroni < alpha.
    pub significant: bool,
    /// Log Ratio (zero → 0.5).
    pub log_ratio: f64,
    /// Conservative Log Ratio.
    pub lrc: f64,
    /// %DIFF (zero reference → 0.5).
    pub pct_diff: f64,
}

/// Signed G² for a in c vs b in d.
pub fn g2(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let (af, bf, cf, df) = (a as f64, b as f64, c as f64, d as f64);
    if cf == 0.0 || df == 0.0 || a + b == 0 {
        return 0.0;
    }
    let e1 = cf * (af + bf) / (cf + df);
    let e2 = df * (af + bf) / (cf + df);
    let term = |o: f64, e: f64| if o > 0.0 { o * (o / e).ln() } else { 0.0 };
    let g = 2.0 * (term(af, e1) + term(bf, e2));
    if af / cf < bf / df {
        -g
    } else {
        g
    }
}

/// Log Ratio with zero → 0.5.
pub fn log_ratio(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let a = if a == 0 { 0.5 } else { a as f64 };
    let b = if b == 0 { 0.5 } else { b as f64 };
    ((a / c as f64) / (b / d as f64)).log2()
}

/// Conservative Log Ratio at confidence 1 − alpha (already Bonferroni-adjusted).
pub fn lrc(a: u64, b: u64, c: u64, d: u64, alpha: f64) -> f64 {
    let (lo, hi) = math::clopper_pearson(a, a + b, alpha);
    let to_lr = |p: f64| (p / (1.0 - p) * d as f64 / c as f64).log2();
    let lo = if lo <= 0.0 {
        f64::NEG_INFINITY
    } else {
        to_lr(lo)
    };
    let hi = if hi >= 1.0 { f64::INFINITY } else { to_lr(hi) };
    if lo > 0.0 {
        lo
    } else if hi < 0.0 {
        hi
    } else {
        0.0
    }
}

/// The keyness table of `target` against `reference`.
pub fn keyness(target: &FreqAcc, reference: &FreqAcc, cfg: &KeynessConfig) -> Vec<KeynessRow> {
    let (c, d) = if cfg.by_docs {
        (target.docs, reference.docs)
    } else {
        (target.tokens, reference.tokens)
    };
    let freq = |acc: &FreqAcc, k: &str| {
        acc.grams
            .get(k)
            .map(|g| if cfg.by_docs { g.docs } else { g.count })
            .unwrap_or(0)
    };
    let keys: BTreeSet<&String> = target
        .grams
        .iter()
        .chain(reference.grams.iter())
        .filter(|(_, g)| !g.stop)
        .map(|(k, _)| k)
        .collect();
    let cands: Vec<&String> = keys
        .into_iter()
        .filter(|k| {
            let stop = target.grams.get(*k).is_some_and(|g| g.stop)
                || reference.grams.get(*k).is_some_and(|g| g.stop);
            !stop && freq(target, k) + freq(reference, k) >= cfg.min_count.max(1)
        })
        .collect();
    let m = cands.len().max(1) as f64;
    if c == 0 || d == 0 {
        return Vec::new();
    }
    let scale = if cfg.by_docs { 100.0 } else { 1e6 };
    let mut rows: Vec<KeynessRow> = cands
        .into_iter()
        .map(|k| {
            let (a, b) = (freq(target, k), freq(reference, k));
            let g = g2(a, b, c, d);
            let p = math::chi2_1_sf(g.abs());
            let p_b = (p * m).min(1.0);
            let rel_t = a as f64 / c as f64;
            let rel_r = b as f64 / d as f64;
            let rel_r_s = if b == 0 { 0.5 / d as f64 } else { rel_r };
            let surface = target
                .grams
                .get(k)
                .or_else(|| reference.grams.get(k))
                .map(|g| g.surfaces.best())
                .unwrap_or_default();
            KeynessRow {
                term: k.clone(),
                surface,
                a,
                b,
                rel_target: rel_t * scale,
                rel_ref: rel_r * scale,
                g2: g,
                p,
                p_bonferroni: p_b,
                significant: p_b < cfg.alpha,
                log_ratio: log_ratio(a, b, c, d),
                lrc: lrc(a, b, c, d, cfg.alpha / m),
                pct_diff: (rel_t - rel_r_s) / rel_r_s * 100.0,
            }
        })
        .collect();
    let key = |r: &KeynessRow| match cfg.sort {
        KeySort::Lrc => r.lrc,
        KeySort::G2 => r.g2,
        KeySort::LogRatio => r.log_ratio,
        KeySort::PctDiff => r.pct_diff,
    };
    rows.sort_by(|x, y| key(y).total_cmp(&key(x)).then_with(|| x.term.cmp(&y.term)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::testutil::und;

    /// The 4-cell form (lexically.net): 2(Σ x ln x − Σ rows ln rows − Σ cols ln cols + T ln T).
    fn g2_four_cell(a: f64, b: f64, c: f64, d: f64) -> f64 {
        let xl = |x: f64| if x > 0.0 { x * x.ln() } else { 0.0 };
        let (o11, o12, o21, o22) = (a, b, c - a, d - b);
        let t = c + d;
        2.0 * (xl(o11) + xl(o12) + xl(o21) + xl(o22) - xl(a + b) - xl(t - a - b) - xl(c) - xl(d)
            + xl(t))
    }

    #[test]
    fn g2_matches_ucrel_two_cell_and_four_cell() {
        // UCREL log-likelihood wizard style example: a = 100 in c = 10,000 vs
        // b = 50 in d = 20,000. E1 = 50, E2 = 100:
        // G² = 2(100 ln 2 + 50 ln 0.5) = 100 ln 2 = 69.3147…
        let g = g2(100, 50, 10_000, 20_000);
        assert!((g - 100.0 * 2f64.ln()).abs() < 1e-9, "{g}");
        // Two-cell G² (Rayson) differs from the 4-cell G² only by the
        // complement cells; check the sign and that both agree to ~1%.
        let g4 = g2_four_cell(100.0, 50.0, 10_000.0, 20_000.0);
        assert!((g - g4).abs() / g4 < 0.02, "{g} vs {g4}");
        assert!(g2(50, 100, 20_000, 10_000) < 0.0);
        assert_eq!(g2(0, 0, 10, 10), 0.0);
    }

    #[test]
    fn log_ratio_and_smoothing() {
        assert!((log_ratio(20, 10, 1000, 1000) - 1.0).abs() < 1e-12);
        // zero reference → 0.5: log2((4/100)/(0.5/100)) = 3
        assert!((log_ratio(4, 0, 100, 100) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn lrc_bounds() {
        // a = b, equal sizes: interval straddles 0 → 0
        assert_eq!(lrc(10, 10, 1000, 1000, 0.05), 0.0);
        // a = 10, b = 0, equal sizes: lower p = 0.025^(1/10) (closed form)
        let p: f64 = 0.025f64.powf(0.1);
        let want = (p / (1.0 - p)).log2();
        assert!((lrc(10, 0, 1000, 1000, 0.05) - want).abs() < 1e-9);
        // symmetric for the negative side
        assert!((lrc(0, 10, 1000, 1000, 0.05) + want).abs() < 1e-9);
        // LRC is more conservative than LR
        assert!(lrc(30, 10, 1000, 1000, 0.05) < log_ratio(30, 10, 1000, 1000));
    }

    #[test]
    fn table_sorted_and_bonferroni() {
        let t = und("1", &format!("{} y y z", "x ".repeat(40)));
        let r = und("2", &format!("{} x x z", "y ".repeat(40)));
        let (mut ta, mut ra) = (FreqAcc::new(1), FreqAcc::new(1));
        ta.add(&t);
        ra.add(&r);
        let rows = keyness(&ta, &ra, &KeynessConfig::default());
        let terms: Vec<_> = rows.iter().map(|r| r.term.as_str()).collect();
        assert_eq!(terms, ["x", "z", "y"]);
        assert!(rows[0].lrc > 0.0 && rows[2].lrc < 0.0);
        let x = &rows[0];
        assert!((x.p_bonferroni - (x.p * 3.0).min(1.0)).abs() < 1e-15);
        // (40/43 − 2/43)/(2/43)·100 = 1900
        assert!((x.pct_diff - 1900.0).abs() < 1e-9);
        assert_eq!(rows[1].lrc, 0.0);
        let by_docs = keyness(
            &ta,
            &ra,
            &KeynessConfig {
                by_docs: true,
                ..Default::default()
            },
        );
        assert!(by_docs.iter().all(|r| r.a == 1 && r.b == 1 && r.g2 == 0.0));
    }
}

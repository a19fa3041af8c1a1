//! Theme quality: NPMI coherence, topic diversity, matched top-term overlap
//! (stability) and the adjusted Rand index.

use rustc_hash::FxHashMap as HashMap;

/// NPMI coherence of `top` term ids (Bouma 2009; Lau et al. 2014), with
/// boolean *document* co-occurrence over `units` (each a sorted list of term
/// ids): mean over all pairs of
/// `log((P(i,j)+ε)/(P(i)P(j))) / −log(P(i,j)+ε)`, ε = 1e-12. A pair that never
/// co-occurs scores −1. Fewer than two terms: 0.
pub fn npmi(top: &[u32], units: &[Vec<u32>]) -> f64 {
    let k = top.len();
    if k < 2 || units.is_empty() {
        return 0.0;
    }
    let n = units.len() as f64;
    let pos: HashMap<u32, usize> = top.iter().enumerate().map(|(i, &t)| (t, i)).collect();
    let mut df = vec![0u64; k];
    let mut co = vec![0u64; k * k];
    let mut present = Vec::with_capacity(k);
    for u in units {
        present.clear();
        for t in u {
            if let Some(&i) = pos.get(t) {
                present.push(i);
            }
        }
        present.sort_unstable();
        present.dedup();
        for (a, &i) in present.iter().enumerate() {
            df[i] += 1;
            for &j in &present[a + 1..] {
                co[i * k + j] += 1;
            }
        }
    }
    const EPS: f64 = 1e-12;
    let mut sum = 0.0;
    let mut pairs = 0usize;
    for i in 0..k {
        for j in i + 1..k {
            pairs += 1;
            let (a, b) = (i.min(j), i.max(j));
            let pij = co[a * k + b] as f64 / n;
            if pij == 0.0 || df[i] == 0 || df[j] == 0 {
                sum -= 1.0;
                continue;
            }
            let pi = df[i] as f64 / n;
            let pj = df[j] as f64 / n;
            let denom = -(pij + EPS).ln();
            sum += if denom <= 1e-12 {
                1.0
            } else {
                ((pij + EPS) / (pi * pj)).ln() / denom
            };
        }
    }
    sum / pairs as f64
}

/// Topic diversity (Dieng et al. 2020): unique terms ÷ total terms over the
/// top-`n` lists of all themes.
pub fn diversity(tops: &[Vec<String>], n: usize) -> f64 {
    let mut all: Vec<&String> = tops.iter().flat_map(|t| t.iter().take(n)).collect();
    let total = all.len();
    if total == 0 {
        return 0.0;
    }
    all.sort();
    all.dedup();
    all.len() as f64 / total as f64
}

/// Jaccard of two term lists (as sets).
pub fn jaccard<T: Ord + Clone>(a: &[T], b: &[T]) -> f64 {
    let mut x = a.to_vec();
    let mut y = b.to_vec();
    x.sort();
    x.dedup();
    y.sort();
    y.dedup();
    let inter = x.iter().filter(|t| y.binary_search(t).is_ok()).count();
    let union = x.len() + y.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// Greedy one-to-one matching of `a`'s term lists to `b`'s by Jaccard
/// (highest first, ties by indices); returns the mean matched Jaccard over
/// `a` (unmatched themes count 0).
pub fn matched_overlap<T: Ord + Clone>(a: &[Vec<T>], b: &[Vec<T>]) -> f64 {
    if a.is_empty() {
        return 0.0;
    }
    let mut cand: Vec<(f64, usize, usize)> = Vec::new();
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            cand.push((jaccard(x, y), i, j));
        }
    }
    cand.sort_by(|p, q| q.0.total_cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut sum = 0.0;
    for (s, i, j) in cand {
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            sum += s;
        }
    }
    sum / a.len() as f64
}

/// Adjusted Rand index of two labelings (Hubert & Arabie 1985).
pub fn ari(a: &[usize], b: &[usize]) -> f64 {
    assert_eq!(a.len(), b.len());
    let n = a.len();
    if n < 2 {
        return 1.0;
    }
    let mut table: HashMap<(usize, usize), u64> = HashMap::default();
    let mut ra: HashMap<usize, u64> = HashMap::default();
    let mut rb: HashMap<usize, u64> = HashMap::default();
    for (&x, &y) in a.iter().zip(b) {
        *table.entry((x, y)).or_insert(0) += 1;
        *ra.entry(x).or_insert(0) += 1;
        *rb.entry(y).or_insert(0) += 1;
    }
    let c2 = |x: u64| (x * x.saturating_sub(1)) as f64 / 2.0;
    let sum_ij: f64 = table.values().map(|&v| c2(v)).sum();
    let sum_a: f64 = ra.values().map(|&v| c2(v)).sum();
    let sum_b: f64 = rb.values().map(|&v| c2(v)).sum();
    let expected = sum_a * sum_b / c2(n as u64);
    let max = (sum_a + sum_b) / 2.0;
    if (max - expected).abs() < 1e-12 {
        return 1.0;
    }
    (sum_ij - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ari_basics() {
        assert!((ari(&[0, 0, 1, 1], &[5, 5, 7, 7]) - 1.0).abs() < 1e-12);
        assert!(ari(&[0, 0, 1, 1], &[0, 1, 0, 1]) < 0.0);
    }

    #[test]
    fn npmi_bounds() {
        let units = vec![vec![1, 2], vec![1, 2], vec![3], vec![3]];
        assert!((npmi(&[1, 2], &units) - 1.0).abs() < 1e-6);
        assert_eq!(npmi(&[1, 3], &units), -1.0);
    }

    #[test]
    fn matching() {
        let a = vec![vec!["x", "y"], vec!["p", "q"]];
        let b = vec![vec!["p", "q"], vec!["x", "z"]];
        let m = matched_overlap(&a, &b);
        assert!((m - (1.0 + 1.0 / 3.0) / 2.0).abs() < 1e-12);
        assert_eq!(
            diversity(
                &[vec!["a".into(), "b".into()], vec!["a".into(), "c".into()]],
                25
            ),
            0.75
        );
    }
}

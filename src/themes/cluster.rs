//! Sparse TF-IDF matrices and NMF with NNDSVD initialisation.
//!
//! Deterministic by construction: the truncated SVD for NNDSVD is a fixed
//! number of subspace iterations from a seeded start block (SplitMix64), and
//! every parallel reduction splits rows into fixed-size chunks whose partial
//! sums are added in chunk order, so results do not depend on the thread count.

use rayon::prelude::*;

/// Rows per parallel chunk (fixed: results must not depend on thread count).
const CHUNK: usize = 256;

/// SplitMix64: tiny, seedable, bit-stable across platforms.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// A compressed sparse row matrix of f64.
#[derive(Debug, Clone, Default)]
pub struct Csr {
    /// Row starts into `indices`/`data` (len rows + 1).
    pub indptr: Vec<usize>,
    /// Column of each non-zero (ascending within a row).
    pub indices: Vec<u32>,
    /// Value of each non-zero.
    pub data: Vec<f64>,
    /// Number of columns.
    pub ncols: usize,
}

impl Csr {
    /// An empty matrix with `ncols` columns.
    pub fn new(ncols: usize) -> Self {
        Csr {
            indptr: vec![0],
            indices: Vec::new(),
            data: Vec::new(),
            ncols,
        }
    }
    /// Append a row (columns ascending).
    pub fn push_row(&mut self, row: &[(u32, f64)]) {
        for &(c, v) in row {
            self.indices.push(c);
            self.data.push(v);
        }
        self.indptr.push(self.indices.len());
    }
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.indptr.len() - 1
    }
    /// One row as (columns, values).
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[a..b], &self.data[a..b])
    }
    /// A matrix made of the given rows.
    pub fn select(&self, rows: &[usize]) -> Csr {
        let mut m = Csr::new(self.ncols);
        for &r in rows {
            let (c, v) = self.row(r);
            m.indices.extend_from_slice(c);
            m.data.extend_from_slice(v);
            m.indptr.push(m.indices.len());
        }
        m
    }
}

/// Dense row-major matrix helpers (rows × k).
fn zeros(rows: usize, k: usize) -> Vec<f64> {
    vec![0.0; rows * k]
}

/// `X · Q` with X sparse (n × m), Q dense (m × k) → n × k.
fn x_times(x: &Csr, q: &[f64], k: usize) -> Vec<f64> {
    let mut out = zeros(x.rows(), k);
    out.par_chunks_mut(CHUNK * k)
        .enumerate()
        .for_each(|(ci, chunk)| {
            for (ri, o) in chunk.chunks_mut(k).enumerate() {
                let (cols, vals) = x.row(ci * CHUNK + ri);
                for (&c, &v) in cols.iter().zip(vals) {
                    let qr = &q[c as usize * k..c as usize * k + k];
                    for j in 0..k {
                        o[j] += v * qr[j];
                    }
                }
            }
        });
    out
}

/// `Xᵀ · B` with X sparse (n × m), B dense (n × k) → m × k; partial sums per
/// fixed chunk, added in chunk order.
fn xt_times(x: &Csr, b: &[f64], k: usize) -> Vec<f64> {
    let m = x.ncols;
    let n = x.rows();
    // A fixed number of row blocks (not one per thread): bounded memory
    // (PARTS × m × k) and an addition order independent of the pool size.
    const PARTS: usize = 8;
    let size = n.div_ceil(PARTS).max(1);
    let chunks: Vec<usize> = (0..n.div_ceil(size)).collect();
    let partials: Vec<Vec<f64>> = chunks
        .par_iter()
        .map(|&ci| {
            let mut p = zeros(m, k);
            for r in ci * size..((ci + 1) * size).min(n) {
                let (cols, vals) = x.row(r);
                let br = &b[r * k..r * k + k];
                for (&c, &v) in cols.iter().zip(vals) {
                    let pr = &mut p[c as usize * k..c as usize * k + k];
                    for j in 0..k {
                        pr[j] += v * br[j];
                    }
                }
            }
            p
        })
        .collect();
    let mut out = zeros(m, k);
    for p in partials {
        for (o, v) in out.iter_mut().zip(p) {
            *o += v;
        }
    }
    out
}

/// Orthonormalise the k columns of an m × k matrix (modified Gram–Schmidt).
fn orthonormalize(q: &mut [f64], m: usize, k: usize) {
    for j in 0..k {
        for p in 0..j {
            let dot: f64 = (0..m).map(|i| q[i * k + j] * q[i * k + p]).sum();
            for i in 0..m {
                q[i * k + j] -= dot * q[i * k + p];
            }
        }
        let norm: f64 = (0..m).map(|i| q[i * k + j].powi(2)).sum::<f64>().sqrt();
        if norm > 1e-300 {
            for i in 0..m {
                q[i * k + j] /= norm;
            }
        }
    }
}

/// Eigen-decomposition of a symmetric k × k matrix (cyclic Jacobi).
/// Returns eigenvalues (descending) and eigenvectors as columns.
fn jacobi_eigen(a: &mut [f64], k: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = zeros(k, k);
    for i in 0..k {
        v[i * k + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..k)
            .flat_map(|i| (0..k).map(move |j| (i, j)))
            .filter(|(i, j)| i != j)
            .map(|(i, j)| a[i * k + j].powi(2))
            .sum();
        if off < 1e-22 {
            break;
        }
        for p in 0..k {
            for q in p + 1..k {
                let apq = a[p * k + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * k + q] - a[p * k + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for r in 0..k {
                    let arp = a[r * k + p];
                    let arq = a[r * k + q];
                    a[r * k + p] = c * arp - s * arq;
                    a[r * k + q] = s * arp + c * arq;
                }
                for r in 0..k {
                    let apr = a[p * k + r];
                    let aqr = a[q * k + r];
                    a[p * k + r] = c * apr - s * aqr;
                    a[q * k + r] = s * apr + c * aqr;
                }
                for r in 0..k {
                    let vrp = v[r * k + p];
                    let vrq = v[r * k + q];
                    v[r * k + p] = c * vrp - s * vrq;
                    v[r * k + q] = s * vrp + c * vrq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&i, &j| a[j * k + j].total_cmp(&a[i * k + i]).then(i.cmp(&j)));
    let vals = order.iter().map(|&i| a[i * k + i]).collect();
    let mut vecs = zeros(k, k);
    for (newj, &oldj) in order.iter().enumerate() {
        for r in 0..k {
            vecs[r * k + newj] = v[r * k + oldj];
        }
    }
    (vals, vecs)
}

/// Truncated SVD by subspace iteration: (U n×k, σ, V m×k).
fn truncated_svd(x: &Csr, k: usize, seed: u64, iters: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let m = x.ncols;
    let mut rng = Rng::new(seed);
    let mut q: Vec<f64> = (0..m * k).map(|_| rng.f64() - 0.5).collect();
    orthonormalize(&mut q, m, k);
    for _ in 0..iters {
        let b = x_times(x, &q, k);
        q = xt_times(x, &b, k);
        orthonormalize(&mut q, m, k);
    }
    let b = x_times(x, &q, k); // n × k
    let n = x.rows();
    let mut btb = zeros(k, k);
    for i in 0..n {
        for a in 0..k {
            for c in 0..k {
                btb[a * k + c] += b[i * k + a] * b[i * k + c];
            }
        }
    }
    let (vals, w) = jacobi_eigen(&mut btb, k);
    let sig: Vec<f64> = vals.iter().map(|&l| l.max(0.0).sqrt()).collect();
    let mut u = zeros(n, k);
    let mut v = zeros(m, k);
    for j in 0..k {
        for i in 0..n {
            let s: f64 = (0..k).map(|a| b[i * k + a] * w[a * k + j]).sum();
            u[i * k + j] = if sig[j] > 1e-12 { s / sig[j] } else { 0.0 };
        }
        for i in 0..m {
            v[i * k + j] = (0..k).map(|a| q[i * k + a] * w[a * k + j]).sum();
        }
    }
    (u, sig, v)
}

/// NNDSVD-a initialisation (Boutsidis & Gallopoulos 2008; zeros filled with
/// the mean of X, as scikit-learn's `nndsvda`). Returns (W n×k, H k×m).
fn nndsvd(x: &Csr, k: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let (n, m) = (x.rows(), x.ncols);
    let (u, s, v) = truncated_svd(x, k, seed, 12);
    let mut w = zeros(n, k);
    let mut h = zeros(k, m);
    for j in 0..k {
        let uc: Vec<f64> = (0..n).map(|i| u[i * k + j]).collect();
        let vc: Vec<f64> = (0..m).map(|i| v[i * k + j]).collect();
        let norm = |xs: &mut dyn Iterator<Item = f64>| xs.map(|a| a * a).sum::<f64>().sqrt();
        let (up, un) = (
            norm(&mut uc.iter().map(|&a| a.max(0.0))),
            norm(&mut uc.iter().map(|&a| (-a).max(0.0))),
        );
        let (vp, vn) = (
            norm(&mut vc.iter().map(|&a| a.max(0.0))),
            norm(&mut vc.iter().map(|&a| (-a).max(0.0))),
        );
        let (mp, mn) = (up * vp, un * vn);
        let (sign, mm, un_, vn_) = if mp >= mn {
            (1.0, mp, up, vp)
        } else {
            (-1.0, mn, un, vn)
        };
        let lam = (s[j] * mm).sqrt();
        for i in 0..n {
            let a = (sign * uc[i]).max(0.0);
            w[i * k + j] = if un_ > 0.0 { lam * a / un_ } else { 0.0 };
        }
        for i in 0..m {
            let a = (sign * vc[i]).max(0.0);
            h[j * m + i] = if vn_ > 0.0 { lam * a / vn_ } else { 0.0 };
        }
    }
    let avg = x.data.iter().sum::<f64>() / (n as f64 * m as f64).max(1.0);
    for a in w.iter_mut().chain(h.iter_mut()) {
        if *a < 1e-12 {
            *a = avg;
        }
    }
    (w, h)
}

/// A fitted NMF: X ≈ W·H.
#[derive(Debug, Clone)]
pub struct Nmf {
    /// Number of components.
    pub k: usize,
    /// n × k document weights.
    pub w: Vec<f64>,
    /// k × m term weights.
    pub h: Vec<f64>,
}

/// NMF (Frobenius, Lee–Seung multiplicative updates) from NNDSVD-a, `iters`
/// iterations (stops early when the relative change of the objective proxy
/// ‖H‖ is below 1e-5: deterministic, since the check is on identical values).
pub fn nmf(x: &Csr, k: usize, seed: u64, iters: usize) -> Nmf {
    let (n, m) = (x.rows(), x.ncols);
    let k = k.max(1).min(n.max(1)).min(m.max(1));
    let (mut w, mut h) = nndsvd(x, k, seed);
    const EPS: f64 = 1e-10;
    let mut prev = f64::MAX;
    for _ in 0..iters {
        // H ← H ⊙ (WᵀX) / (WᵀW H)
        // Every sum below runs in the same order as a serial loop would
        // (parallel only across independent outputs), so the factors do not
        // depend on the number of threads.
        let wtx = xt_times(x, &w, k); // m × k  (= (WᵀX)ᵀ)
        let wtw: Vec<f64> = (0..k * k)
            .into_par_iter()
            .map(|ab| {
                let (a, b) = (ab / k, ab % k);
                let mut acc = 0.0;
                for i in 0..n {
                    acc += w[i * k + a] * w[i * k + b];
                }
                acc
            })
            .collect();
        // Columns of H are independent; within a column the components are
        // updated in order, each using the ones already updated. The result
        // is Hᵀ (m × k), written back into H.
        let mut ht = zeros(m, k);
        ht.par_chunks_mut(k).enumerate().for_each(|(j, col)| {
            for b in 0..k {
                col[b] = h[b * m + j];
            }
            for a in 0..k {
                let den: f64 = (0..k).map(|b| wtw[a * k + b] * col[b]).sum::<f64>() + EPS;
                col[a] *= wtx[j * k + a] / den;
            }
        });
        for a in 0..k {
            for j in 0..m {
                h[a * m + j] = ht[j * k + a];
            }
        }
        // W ← W ⊙ (X Hᵀ) / (W H Hᵀ)
        let xht = x_times(x, &ht, k); // n × k
        let hht: Vec<f64> = (0..k * k)
            .into_par_iter()
            .map(|ab| {
                let (a, b) = (ab / k, ab % k);
                (0..m).map(|j| h[a * m + j] * h[b * m + j]).sum()
            })
            .collect();
        w.par_chunks_mut(k)
            .zip(xht.par_chunks(k))
            .for_each(|(wr, xr)| {
                let old = wr.to_vec();
                for a in 0..k {
                    let den: f64 = (0..k).map(|b| old[b] * hht[b * k + a]).sum::<f64>() + EPS;
                    wr[a] *= xr[a] / den;
                }
            });
        let norm: f64 = h.iter().map(|a| a * a).sum::<f64>().sqrt();
        if (prev - norm).abs() <= 1e-5 * norm {
            break;
        }
        prev = norm;
    }
    Nmf { k, w, h }
}

impl Nmf {
    /// The component with the largest weight for row `i` (None if all ≈ 0).
    pub fn assign(&self, i: usize) -> Option<usize> {
        let row = &self.w[i * self.k..(i + 1) * self.k];
        let (best, val) =
            row.iter().enumerate().fold(
                (0, 0.0),
                |acc, (j, &v)| if v > acc.1 { (j, v) } else { acc },
            );
        if val > 1e-6 {
            Some(best)
        } else {
            None
        }
    }
    /// Column indices of the `n` largest weights of component `a` (ties by column).
    pub fn top_terms(&self, a: usize, n: usize) -> Vec<usize> {
        let m = self.h.len() / self.k;
        let row = &self.h[a * m..(a + 1) * m];
        let mut idx: Vec<usize> = (0..m).filter(|&j| row[j] > 1e-12).collect();
        idx.sort_by(|&i, &j| row[j].total_cmp(&row[i]).then(i.cmp(&j)));
        idx.truncate(n);
        idx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nmf_separates_two_blocks() {
        let mut x = Csr::new(4);
        for i in 0..20 {
            if i % 2 == 0 {
                x.push_row(&[(0, 1.0), (1, 0.8)]);
            } else {
                x.push_row(&[(2, 0.9), (3, 1.0)]);
            }
        }
        let f = nmf(&x, 2, 1, 100);
        let a0 = f.assign(0).unwrap();
        let a1 = f.assign(1).unwrap();
        assert_ne!(a0, a1);
        for i in 0..20 {
            assert_eq!(f.assign(i).unwrap(), if i % 2 == 0 { a0 } else { a1 });
        }
    }
}

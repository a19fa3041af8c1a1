//! Special functions the statistics need, written out so that results are
//! bit-stable and the crate needs no numerics dependency: log-gamma
//! (Lanczos), the regularized incomplete gamma and beta functions (Numerical
//! Recipes §6.2, §6.4), the chi-square(1) tail, Clopper–Pearson bounds, the
//! Hurwitz zeta function (Euler–Maclaurin) and the discrete power-law MLE.

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 coefficients; |error| < 1e-13).
pub fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Regularized upper incomplete gamma Q(a, x).
pub fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    if x < a + 1.0 {
        1.0 - gamma_p_series(a, x)
    } else {
        gamma_q_cf(a, x)
    }
}

fn gamma_p_series(a: f64, x: f64) -> f64 {
    let mut ap = a;
    let mut sum = 1.0 / a;
    let mut del = sum;
    for _ in 0..10_000 {
        ap += 1.0;
        del *= x / ap;
        sum += del;
        if del.abs() < sum.abs() * 1e-16 {
            break;
        }
    }
    sum * (-x + a * x.ln() - ln_gamma(a)).exp()
}

fn gamma_q_cf(a: f64, x: f64) -> f64 {
    let tiny = 1e-300;
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / tiny;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..10_000 {
        let an = -(i as f64) * (i as f64 - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < tiny {
            d = tiny;
        }
        c = b + an / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-16 {
            break;
        }
    }
    (-x + a * x.ln() - ln_gamma(a)).exp() * h
}

/// Upper tail of the chi-square distribution with 1 degree of freedom.
pub fn chi2_1_sf(x: f64) -> f64 {
    if x <= 0.0 || x.is_nan() {
        1.0
    } else {
        gamma_q(0.5, x / 2.0)
    }
}

/// Regularized incomplete beta I_x(a, b).
pub fn beta_inc(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    let tiny = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < tiny {
        d = tiny;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..10_000 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = 1.0 + aa / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = 1.0 + aa / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// Quantile of the Beta(a, b) distribution, by bisection (deterministic;
/// 200 halvings reach the resolution of f64).
pub fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if beta_inc(a, b, mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Two-sided Clopper–Pearson interval for a binomial proportion k/n at
/// confidence 1 − alpha.
pub fn clopper_pearson(k: u64, n: u64, alpha: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, nf) = (k as f64, n as f64);
    let lo = if k == 0.0 {
        0.0
    } else {
        beta_quantile(alpha / 2.0, k, nf - k + 1.0)
    };
    let hi = if k == nf {
        1.0
    } else {
        beta_quantile(1.0 - alpha / 2.0, k + 1.0, nf - k)
    };
    (lo, hi)
}

/// ln ζ(s, q) (Hurwitz zeta, s > 1, q ≥ 1) by Euler–Maclaurin summation.
pub fn ln_hurwitz_zeta(s: f64, q: f64) -> f64 {
    const M: usize = 12;
    // Bernoulli numbers B2, B4, …, B12.
    const B: [f64; 6] = [
        1.0 / 6.0,
        -1.0 / 30.0,
        1.0 / 42.0,
        -1.0 / 30.0,
        5.0 / 66.0,
        -691.0 / 2730.0,
    ];
    let mut sum = 0.0;
    for k in 0..M {
        sum += (q + k as f64).powf(-s);
    }
    let a = q + M as f64;
    sum += a.powf(1.0 - s) / (s - 1.0) + 0.5 * a.powf(-s);
    // Σ B_{2j}/(2j)! · s(s+1)…(s+2j−2) · a^{−s−2j+1}
    let mut fact = 1.0; // (2j)!
    let mut rising = s; // s(s+1)…(s+2j−2)
    for (j, b) in B.iter().enumerate() {
        let j = j + 1;
        fact *= ((2 * j - 1) * (2 * j)) as f64;
        sum += b / fact * rising * a.powf(-s - (2 * j) as f64 + 1.0);
        rising *= (s + (2 * j) as f64 - 1.0) * (s + (2 * j) as f64);
    }
    sum.ln()
}

/// Discrete power-law MLE of α for p(x) = x^−α / ζ(α, x_min) (Clauset,
/// Shalizi & Newman 2009, eq. 3.5), given the sample as a spectrum
/// `(x, how many observations equal x)` with every x ≥ x_min. Maximizes the
/// log-likelihood by golden-section search on α ∈ (1, 10].
pub fn power_law_alpha(spectrum: &[(u64, u64)], x_min: u64) -> Option<f64> {
    let mut n = 0.0;
    let mut sum_ln = 0.0;
    for &(x, c) in spectrum {
        if x >= x_min {
            n += c as f64;
            sum_ln += c as f64 * (x as f64).ln();
        }
    }
    if n < 2.0 || sum_ln <= 0.0 {
        return None;
    }
    let q = x_min as f64;
    let nll = |a: f64| n * ln_hurwitz_zeta(a, q) + a * sum_ln;
    let (mut lo, mut hi) = (1.0 + 1e-6, 10.0);
    let r = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = hi - r * (hi - lo);
    let mut d = lo + r * (hi - lo);
    let (mut fc, mut fd) = (nll(c), nll(d));
    for _ in 0..200 {
        if fc < fd {
            hi = d;
            d = c;
            fd = fc;
            c = hi - r * (hi - lo);
            fc = nll(c);
        } else {
            lo = c;
            c = d;
            fc = fd;
            d = lo + r * (hi - lo);
            fd = nll(d);
        }
        if hi - lo < 1e-12 {
            break;
        }
    }
    Some(0.5 * (lo + hi))
}

/// Ordinary least squares slope and intercept of y on x.
pub fn ols(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx == 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    Some((slope, my - slope * mx))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    #[test]
    fn gamma_and_chi2() {
        close(ln_gamma(5.0), 24f64.ln(), 1e-12);
        close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-12);
        // chi2(1) critical values: 3.841459 → 0.05, 6.634897 → 0.01, 10.827566 → 0.001
        close(chi2_1_sf(3.841_459), 0.05, 1e-6);
        close(chi2_1_sf(6.634_897), 0.01, 1e-7);
        close(chi2_1_sf(10.827_566), 0.001, 1e-8);
    }

    #[test]
    fn clopper_pearson_known_values() {
        // Closed forms at the edges: upper(0, n) = 1 − (α/2)^(1/n).
        let (lo, hi) = clopper_pearson(0, 10, 0.05);
        assert_eq!(lo, 0.0);
        close(hi, 1.0 - 0.025f64.powf(0.1), 1e-12);
        let (lo, hi) = clopper_pearson(10, 10, 0.05);
        close(lo, 0.025f64.powf(0.1), 1e-12);
        assert_eq!(hi, 1.0);
        // R: binom.test(5, 10)$conf.int = 0.1870860 0.8129140
        let (lo, hi) = clopper_pearson(5, 10, 0.05);
        close(lo, 0.187_086_0, 1e-7);
        close(hi, 0.812_914_0, 1e-7);
    }

    #[test]
    fn zeta_values() {
        close(
            ln_hurwitz_zeta(2.0, 1.0),
            (std::f64::consts::PI.powi(2) / 6.0).ln(),
            1e-12,
        );
        close(
            ln_hurwitz_zeta(3.0, 1.0),
            1.202_056_903_159_594_f64.ln(),
            1e-12,
        );
        // ζ(2, 2) = π²/6 − 1
        close(
            ln_hurwitz_zeta(2.0, 2.0),
            (std::f64::consts::PI.powi(2) / 6.0 - 1.0).ln(),
            1e-12,
        );
    }

    #[test]
    fn power_law_mle_is_stationary() {
        // The MLE solves ζ'(α)/ζ(α) = −mean(ln x); check the derivative of
        // the log-likelihood vanishes numerically.
        let spec = [(1, 60), (2, 15), (3, 7), (4, 4), (5, 2), (8, 1), (20, 1)];
        let a = power_law_alpha(&spec, 1).unwrap();
        let n: f64 = spec.iter().map(|s| s.1 as f64).sum();
        let sl: f64 = spec.iter().map(|s| s.1 as f64 * (s.0 as f64).ln()).sum();
        let nll = |a: f64| n * ln_hurwitz_zeta(a, 1.0) + a * sl;
        let h = 1e-5;
        close((nll(a + h) - nll(a - h)) / (2.0 * h), 0.0, 1e-3);
        assert!(a > 1.5 && a < 3.0, "{a}");
    }
}

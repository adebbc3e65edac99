//! Logistic regression with an L2 (ridge) penalty, fitted by Newton's method
//! (iteratively reweighted least squares). The rules are few, so each step
//! builds the full Hessian from sparse rows (most rules do not fire for a
//! given lead) and solves it by Cholesky.
//!
//! The model is `logit P(converted) = b0 + Σ βj·xj`; the penalty `λ/2·Σ βj²`
//! leaves the intercept free and keeps every coefficient finite, even for a
//! rule that separates converters perfectly.

/// Fills the non-zero features of a lead as `(feature, value)`.
pub type RowFn<'a> = &'a dyn Fn(usize, &mut Vec<(usize, f64)>);

/// The data of a fit: `k` features of leads read through callbacks, so no
/// design matrix is ever built.
pub struct Design<'a> {
    /// The number of features (the intercept is extra).
    pub k: usize,
    /// The leads to fit on (indices passed to `x` and `y`).
    pub rows: &'a [usize],
    /// Fills the non-zero features of a lead as `(feature, value)`.
    pub x: RowFn<'a>,
    /// Whether a lead converted.
    pub y: &'a dyn Fn(usize) -> bool,
    /// How many leads a row stands for (1 for one lead).
    pub weight: &'a dyn Fn(usize) -> f64,
}

/// A fitted model.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// `b0`: the log-odds of a lead with every feature 0.
    pub intercept: f64,
    /// One coefficient per feature: the change in log-odds per unit.
    pub beta: Vec<f64>,
    /// Newton steps taken.
    pub iterations: usize,
    /// The steps became smaller than 1e-9 before the limit of 100.
    pub converged: bool,
}

const MAX_STEPS: usize = 100;
const TOLERANCE: f64 = 1e-9;

/// Fits the model by penalised maximum likelihood. `None` when the system
/// cannot be solved (only possible with `l2 == 0` and a degenerate design).
pub fn logistic(d: &Design, l2: f64) -> Option<Fit> {
    let m = d.k + 1;
    let mut theta = vec![0.0; m];
    let mut objective = penalised_loglik(d, &theta, l2);
    for step in 1..=MAX_STEPS {
        let (gradient, hessian) = newton_terms(d, &theta, l2);
        let delta = solve(hessian, gradient, m)?;
        let mut scale = 1.0;
        let candidate = loop {
            let c: Vec<f64> = theta
                .iter()
                .zip(&delta)
                .map(|(t, s)| t + scale * s)
                .collect();
            let value = penalised_loglik(d, &c, l2);
            if value >= objective - 1e-12 || scale < 1e-6 {
                objective = value;
                break c;
            }
            scale /= 2.0;
        };
        theta = candidate;
        let largest = delta.iter().fold(0.0f64, |a, s| a.max((scale * s).abs()));
        if largest < TOLERANCE {
            return Some(finish(theta, step, true));
        }
    }
    Some(finish(theta, MAX_STEPS, false))
}

fn finish(theta: Vec<f64>, iterations: usize, converged: bool) -> Fit {
    Fit {
        intercept: theta[0],
        beta: theta[1..].to_vec(),
        iterations,
        converged,
    }
}

/// The linear predictor of one lead's sparse row.
fn linear(theta: &[f64], row: &[(usize, f64)]) -> f64 {
    theta[0] + row.iter().map(|&(j, v)| theta[j + 1] * v).sum::<f64>()
}

/// `ln(1 + e^z)` without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

/// The logistic function.
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn penalised_loglik(d: &Design, theta: &[f64], l2: f64) -> f64 {
    let mut row = Vec::new();
    let mut total = 0.0;
    for &i in d.rows {
        row.clear();
        (d.x)(i, &mut row);
        let z = linear(theta, &row);
        // y ln p + (1 - y) ln(1 - p) = y z - ln(1 + e^z)
        total += (d.weight)(i) * (if (d.y)(i) { z } else { 0.0 } - softplus(z));
    }
    total - l2 / 2.0 * theta[1..].iter().map(|b| b * b).sum::<f64>()
}

/// The gradient and the negated Hessian (row-major `m × m`) of the
/// penalised log-likelihood.
fn newton_terms(d: &Design, theta: &[f64], l2: f64) -> (Vec<f64>, Vec<f64>) {
    let m = theta.len();
    let mut g = vec![0.0; m];
    let mut h = vec![0.0; m * m];
    let mut row = Vec::new();
    for &i in d.rows {
        row.clear();
        row.push((usize::MAX, 1.0));
        (d.x)(i, &mut row);
        let z = theta[0] + row[1..].iter().map(|&(j, v)| theta[j + 1] * v).sum::<f64>();
        let p = sigmoid(z);
        let weight = (d.weight)(i);
        let r = weight * (f64::from(u8::from((d.y)(i))) - p);
        let w = weight * p * (1.0 - p);
        for &(a, va) in &row {
            let a = a.wrapping_add(1);
            g[a] += r * va;
            for &(b, vb) in &row {
                h[a * m + b.wrapping_add(1)] += w * va * vb;
            }
        }
    }
    for j in 1..m {
        g[j] -= l2 * theta[j];
        h[j * m + j] += l2;
    }
    (g, h)
}

/// Solves `H x = g` for a symmetric positive definite `H` by Cholesky.
fn solve(mut h: Vec<f64>, mut g: Vec<f64>, m: usize) -> Option<Vec<f64>> {
    for j in 0..m {
        let mut d = h[j * m + j];
        for k in 0..j {
            d -= h[j * m + k] * h[j * m + k];
        }
        if d <= 0.0 || !d.is_finite() {
            return None;
        }
        let d = d.sqrt();
        h[j * m + j] = d;
        for i in j + 1..m {
            let mut s = h[i * m + j];
            for k in 0..j {
                s -= h[i * m + k] * h[j * m + k];
            }
            h[i * m + j] = s / d;
        }
    }
    for i in 0..m {
        for k in 0..i {
            g[i] -= h[i * m + k] * g[k];
        }
        g[i] /= h[i * m + i];
    }
    for i in (0..m).rev() {
        for k in i + 1..m {
            g[i] -= h[k * m + i] * g[k];
        }
        g[i] /= h[i * m + i];
    }
    Some(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Leads as (features, converted).
    fn fit(data: &[(Vec<f64>, bool)], l2: f64) -> Fit {
        let k = data[0].0.len();
        let rows: Vec<usize> = (0..data.len()).collect();
        let x = |i: usize, out: &mut Vec<(usize, f64)>| {
            let nonzero = data[i].0.iter().enumerate().filter(|(_, v)| **v != 0.0);
            out.extend(nonzero.map(|(j, v)| (j, *v)));
        };
        let y = |i: usize| data[i].1;
        let design = Design {
            k,
            rows: &rows,
            x: &x,
            y: &y,
            weight: &|_| 1.0,
        };
        logistic(&design, l2).unwrap()
    }

    /// `count` copies of one lead.
    fn many(x: &[f64], y: bool, count: usize) -> Vec<(Vec<f64>, bool)> {
        vec![(x.to_vec(), y); count]
    }

    #[test]
    fn one_flag_without_penalty_has_the_closed_form_solution() {
        // Not fired: 10 of 40 convert (odds 1/3); fired: 30 of 50 (odds 3/2).
        let mut data = many(&[0.0], true, 10);
        data.extend(many(&[0.0], false, 30));
        data.extend(many(&[1.0], true, 30));
        data.extend(many(&[1.0], false, 20));
        let f = fit(&data, 0.0);
        assert!(f.converged);
        assert!((f.intercept - (1.0f64 / 3.0).ln()).abs() < 1e-9);
        assert!((f.beta[0] - (1.5f64 / (1.0 / 3.0)).ln()).abs() < 1e-9);
    }

    #[test]
    fn the_penalised_solution_zeroes_the_penalised_gradient() {
        // Two correlated features and a count; check the optimality
        // condition X'(y - p) = λβ (and 0 for the intercept) directly.
        let mut data = Vec::new();
        for i in 0..200u32 {
            let a = f64::from(i % 2);
            let b = f64::from(u8::from(i % 3 == 0 || i % 2 == 1));
            let c = f64::from(i % 5);
            let y = (i * 7919) % 10 < 3 + 3 * (i % 2) + (i % 5) / 2;
            data.push((vec![a, b, c], y));
        }
        let l2 = 2.5;
        let f = fit(&data, l2);
        assert!(f.converged);
        let mut grad = [0.0; 4];
        for (x, y) in &data {
            let z = f.intercept + x.iter().zip(&f.beta).map(|(v, b)| v * b).sum::<f64>();
            let r = f64::from(u8::from(*y)) - sigmoid(z);
            grad[0] += r;
            for j in 0..3 {
                grad[j + 1] += r * x[j];
            }
        }
        assert!(grad[0].abs() < 1e-8, "{grad:?}");
        for j in 0..3 {
            assert!((grad[j + 1] - l2 * f.beta[j]).abs() < 1e-8, "{grad:?}");
        }
    }

    #[test]
    fn a_perfectly_separating_flag_stays_finite_under_the_penalty() {
        let mut data = many(&[1.0], true, 20);
        data.extend(many(&[0.0], false, 20));
        let f = fit(&data, 1.0);
        assert!(f.converged);
        assert!(f.beta[0].is_finite() && f.beta[0] > 2.0 && f.beta[0] < 20.0);
    }
}

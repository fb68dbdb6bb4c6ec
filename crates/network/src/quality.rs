//! Agreement between two partitions of the same items: the adjusted Rand index
//! (Hubert and Arabie 1985) and normalised mutual information (arithmetic-mean
//! normalisation, scikit-learn's default), for scoring recovered networks against
//! the synthetic generator's true ones.

use std::collections::HashMap;
use std::hash::Hash;

/// The contingency table of two labelings: counts per (a, b) pair, per a, per b.
type Table = (HashMap<(usize, usize), f64>, Vec<f64>, Vec<f64>);

fn table<A: Hash + Eq, B: Hash + Eq>(a: &[A], b: &[B]) -> Table {
    let mut ia: HashMap<&A, usize> = HashMap::new();
    let mut ib: HashMap<&B, usize> = HashMap::new();
    let mut cells: HashMap<(usize, usize), f64> = HashMap::new();
    for (x, y) in a.iter().zip(b) {
        let next = ia.len();
        let i = *ia.entry(x).or_insert(next);
        let next = ib.len();
        let j = *ib.entry(y).or_insert(next);
        *cells.entry((i, j)).or_default() += 1.0;
    }
    let mut rows = vec![0.0; ia.len()];
    let mut cols = vec![0.0; ib.len()];
    for (&(i, j), &c) in &cells {
        rows[i] += c;
        cols[j] += c;
    }
    (cells, rows, cols)
}

fn pairs(n: f64) -> f64 {
    n * (n - 1.0) / 2.0
}

/// The adjusted Rand index of two labelings of the same items: 1 for identical
/// partitions, about 0 for independent ones. Panics if the lengths differ.
pub fn adjusted_rand<A: Hash + Eq, B: Hash + Eq>(a: &[A], b: &[B]) -> f64 {
    assert_eq!(a.len(), b.len(), "two labelings of the same items");
    let n = a.len() as f64;
    let (cells, rows, cols) = table(a, b);
    let index: f64 = cells.values().map(|&c| pairs(c)).sum();
    let sum_a: f64 = rows.iter().map(|&c| pairs(c)).sum();
    let sum_b: f64 = cols.iter().map(|&c| pairs(c)).sum();
    let expected = sum_a * sum_b / pairs(n).max(1.0);
    let max = (sum_a + sum_b) / 2.0;
    if (max - expected).abs() < f64::EPSILON {
        // Both partitions trivial (all one cluster or all singletons) and equal.
        return if rows.len() == cols.len() { 1.0 } else { 0.0 };
    }
    (index - expected) / (max - expected)
}

/// Mutual information normalised by the mean of the two entropies: 1 for
/// identical partitions, 0 for independent ones.
pub fn normalized_mutual_information<A: Hash + Eq, B: Hash + Eq>(a: &[A], b: &[B]) -> f64 {
    assert_eq!(a.len(), b.len(), "two labelings of the same items");
    let n = a.len() as f64;
    let (cells, rows, cols) = table(a, b);
    let entropy = |counts: &[f64]| -> f64 {
        counts
            .iter()
            .filter(|&&c| c > 0.0)
            .map(|&c| -(c / n) * (c / n).ln())
            .sum()
    };
    let (ha, hb) = (entropy(&rows), entropy(&cols));
    if ha == 0.0 && hb == 0.0 {
        return 1.0;
    }
    if ha == 0.0 || hb == 0.0 {
        return 0.0;
    }
    let mi: f64 = cells
        .iter()
        .map(|(&(i, j), &c)| (c / n) * ((c * n) / (rows[i] * cols[j])).ln())
        .sum();
    (mi / ((ha + hb) / 2.0)).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values scikit-learn 1.x gives (`adjusted_rand_score`,
    /// `normalized_mutual_info_score`).
    #[test]
    fn agree_with_scikit_learn() {
        let cases: [(&[u32], &[u32], f64, f64); 4] = [
            (&[0, 0, 1, 1], &[0, 0, 1, 2], 0.5714285714285714, 0.7999999999999999),
            (
                &[0, 0, 0, 1, 1, 1, 2, 2],
                &[1, 1, 0, 0, 2, 2, 2, 2],
                0.18181818181818182,
                0.5300257549140327,
            ),
            (&[0, 1, 2, 3], &[0, 0, 0, 0], 0.0, 0.0),
            (
                &[5, 5, 7, 7, 7, 9],
                &[1, 1, 1, 2, 2, 2],
                0.11764705882352941,
                0.4398695005110285,
            ),
        ];
        for (a, b, ari, nmi) in cases {
            assert!(
                (adjusted_rand(a, b) - ari).abs() < 1e-12,
                "ARI {a:?} {b:?}: {}",
                adjusted_rand(a, b)
            );
            let got = normalized_mutual_information(a, b);
            assert!((got - nmi).abs() < 1e-12, "NMI {a:?} {b:?}: {got}");
        }
        // Relabelling changes nothing; identical partitions score 1.
        assert_eq!(adjusted_rand(&["x", "x", "y"], &[7, 7, 3]), 1.0);
        assert!((normalized_mutual_information(&["x", "x", "y"], &[7, 7, 3]) - 1.0).abs() < 1e-12);
    }
}

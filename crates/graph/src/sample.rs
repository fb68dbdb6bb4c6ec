//! Seeded samples of nodes, so sampled measures (betweenness sources, path queries,
//! neighbourhood centres) are the same for the same seed on every machine.

use rand::seq::index::sample;
use rand::{Rng, SeedableRng};

/// `k` distinct nodes of `0..n` (all of them when `k >= n`), in ascending order.
pub fn nodes(n: usize, k: usize, seed: u64) -> Vec<u32> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut out: Vec<u32> = sample(&mut rng, n, k.min(n)).into_iter().map(|i| i as u32).collect();
    out.sort_unstable();
    out
}

/// `k` pairs of distinct nodes of `0..n` drawn independently (empty when `n < 2`).
pub fn pairs(n: usize, k: usize, seed: u64) -> Vec<(u32, u32)> {
    if n < 2 {
        return Vec::new();
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..k)
        .map(|_| {
            let a = rng.random_range(0..n as u32);
            // Uniform over the other n - 1 nodes.
            let b = rng.random_range(0..n as u32 - 1);
            (a, if b >= a { b + 1 } else { b })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_seeded_distinct_and_in_range() {
        let a = nodes(100, 10, 1);
        assert_eq!(a, nodes(100, 10, 1));
        assert_ne!(a, nodes(100, 10, 2));
        assert_eq!(a.len(), 10);
        assert!(a.windows(2).all(|w| w[0] < w[1]) && a.iter().all(|&v| v < 100));
        assert_eq!(nodes(5, 10, 1), vec![0, 1, 2, 3, 4]);
        let p = pairs(3, 50, 1);
        assert_eq!(p.len(), 50);
        assert!(p.iter().all(|&(a, b)| a != b && a < 3 && b < 3));
        assert!(pairs(1, 5, 1).is_empty());
    }
}

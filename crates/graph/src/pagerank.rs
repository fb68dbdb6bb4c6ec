//! PageRank: a node matters when nodes that matter link to it. On an investigation
//! graph it ranks the people most of the network's contacts run through.

use rayon::prelude::*;

use crate::csr::Graph;

/// PageRank scores (summing to 1) and the iterations it took.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRank {
    pub scores: Vec<f64>,
    pub iterations: usize,
}

/// PageRank with `damping` (0.85 is the usual), by power iteration until the scores
/// move less than `tolerance` in total (L1), at most `max_iterations`. Edges count
/// by weight; a node without edges gives its score to every node evenly, as igraph
/// and NetworkX do. Each iteration pulls from neighbours in parallel.
pub fn pagerank(g: &Graph, damping: f64, tolerance: f64, max_iterations: usize) -> PageRank {
    let n = g.nodes();
    if n == 0 {
        return PageRank {
            scores: Vec::new(),
            iterations: 0,
        };
    }
    let strength: Vec<f64> = (0..n as u32).into_par_iter().map(|v| g.strength(v)).collect();
    let mut rank = vec![1.0 / n as f64; n];
    let mut share = vec![0.0; n];
    let mut iterations = 0;
    while iterations < max_iterations {
        iterations += 1;
        share
            .par_iter_mut()
            .zip(rank.par_iter().zip(&strength))
            .for_each(|(s, (r, k))| *s = if *k > 0.0 { r / k } else { 0.0 });
        let dangling: f64 = rank
            .par_iter()
            .zip(&strength)
            .filter(|(_, k)| **k == 0.0)
            .map(|(r, _)| r)
            .sum();
        let base = (1.0 - damping) / n as f64 + damping * dangling / n as f64;
        let next: Vec<f64> = (0..n as u32)
            .into_par_iter()
            .map(|v| {
                let pulled: f64 = g
                    .neighbours(v)
                    .iter()
                    .zip(g.weights(v))
                    .map(|(&u, w)| share[u as usize] * w)
                    .sum();
                base + damping * pulled
            })
            .collect();
        let moved: f64 = next.par_iter().zip(&rank).map(|(a, b)| (a - b).abs()).sum();
        rank = next;
        if moved < tolerance {
            break;
        }
    }
    PageRank {
        scores: rank,
        iterations,
    }
}

//! Brokers: betweenness centrality, the number of shortest paths between other
//! people that run through a person (Brandes 2001, unweighted: paths count hops).
//! Exact over every source, or estimated from a seeded sample of sources (scaled up,
//! so both estimate the same quantity), in parallel over sources.

use rayon::prelude::*;

use crate::csr::Graph;

/// Per-thread scratch for Brandes' algorithm; only the nodes a search reached are
/// reset after it, so a source costs what it reaches.
struct Brandes {
    dist: Vec<i32>,
    sigma: Vec<f64>,
    delta: Vec<f64>,
    order: Vec<u32>,
}

impl Brandes {
    fn new(n: usize) -> Brandes {
        Brandes {
            dist: vec![-1; n],
            sigma: vec![0.0; n],
            delta: vec![0.0; n],
            order: Vec::new(),
        }
    }

    /// Adds source `s`'s dependencies to `acc`.
    fn add(&mut self, g: &Graph, s: u32, acc: &mut [f64]) {
        self.order.clear();
        self.order.push(s);
        self.dist[s as usize] = 0;
        self.sigma[s as usize] = 1.0;
        let mut head = 0;
        while head < self.order.len() {
            let u = self.order[head];
            head += 1;
            let (du, su) = (self.dist[u as usize], self.sigma[u as usize]);
            for &v in g.neighbours(u) {
                let dv = &mut self.dist[v as usize];
                if *dv < 0 {
                    *dv = du + 1;
                    self.order.push(v);
                }
                if *dv == du + 1 {
                    self.sigma[v as usize] += su;
                }
            }
        }
        for &w in self.order.iter().rev() {
            let (dw, sw) = (self.dist[w as usize], self.sigma[w as usize]);
            let coefficient = (1.0 + self.delta[w as usize]) / sw;
            for &v in g.neighbours(w) {
                if self.dist[v as usize] == dw - 1 {
                    self.delta[v as usize] += self.sigma[v as usize] * coefficient;
                }
            }
            if w != s {
                acc[w as usize] += self.delta[w as usize];
            }
        }
        for &v in &self.order {
            self.dist[v as usize] = -1;
            self.sigma[v as usize] = 0.0;
            self.delta[v as usize] = 0.0;
        }
    }
}

/// Betweenness from the given sources, scaled by `scale`, halved (an undirected
/// path is found from both its ends).
fn from_sources(g: &Graph, sources: &[u32], scale: f64) -> Vec<f64> {
    let n = g.nodes();
    if n == 0 || sources.is_empty() {
        return vec![0.0; n];
    }
    // One accumulator per thread, not per rayon split: at a million nodes each is
    // 8 MB.
    let per = sources.len().div_ceil(rayon::current_num_threads().max(1));
    let parts: Vec<Vec<f64>> = sources
        .par_chunks(per)
        .map(|chunk| {
            let mut b = Brandes::new(n);
            let mut acc = vec![0.0; n];
            for &s in chunk {
                b.add(g, s, &mut acc);
            }
            acc
        })
        .collect();
    let mut total = vec![0.0; n];
    for part in parts {
        total.par_iter_mut().zip(part).for_each(|(t, p)| *t += p);
    }
    total.par_iter_mut().for_each(|t| *t *= scale / 2.0);
    total
}

/// Exact betweenness: for each node, the number of shortest paths between pairs of
/// other nodes through it, each path's share counted when there are several (the
/// unnormalised value igraph and NetworkX give).
pub fn exact(g: &Graph) -> Vec<f64> {
    let sources: Vec<u32> = (0..g.nodes() as u32).collect();
    from_sources(g, &sources, 1.0)
}

/// Betweenness estimated from `samples` sources drawn without replacement (seeded),
/// scaled by `n / samples`: the same quantity as [`exact`] in expectation, at the
/// cost of `samples` searches. Returns the estimate and the sources used.
pub fn sampled(g: &Graph, samples: usize, seed: u64) -> (Vec<f64>, Vec<u32>) {
    let n = g.nodes();
    let sources = crate::sample::nodes(n, samples, seed);
    let k = sources.len();
    let scale = if k == 0 { 0.0 } else { n as f64 / k as f64 };
    (from_sources(g, &sources, scale), sources)
}

/// Betweenness counted only from these sources (unscaled), for comparison with
/// another tool given the same sources.
pub fn from(g: &Graph, sources: &[u32]) -> Vec<f64> {
    from_sources(g, sources, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_and_a_star() {
        // Path 0-1-2-3: node 1 is on paths 0-2 and 0-3, node 2 on 0-3 and 1-3.
        let path = Graph::from_edges(4, &[(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)]);
        assert_eq!(exact(&path), vec![0.0, 2.0, 2.0, 0.0]);
        // Star: the centre is on every path between the 4 leaves: 6 pairs.
        let star = Graph::from_edges(5, &[(0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0), (0, 4, 1.0)]);
        assert_eq!(exact(&star), vec![6.0, 0.0, 0.0, 0.0, 0.0]);
        // A square: two shortest paths between opposite corners, half each.
        let square = Graph::from_edges(4, &[(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 0, 1.0)]);
        assert_eq!(exact(&square), vec![0.5; 4]);
        // Sampling every node is exact.
        assert_eq!(sampled(&square, 10, 1).0, vec![0.5; 4]);
    }
}

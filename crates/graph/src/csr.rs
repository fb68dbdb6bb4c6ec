//! The graph every algorithm reads: undirected, weighted, immutable, in compressed
//! sparse row form. Node `v`'s neighbours are `targets[offsets[v]..offsets[v + 1]]`,
//! sorted, each once (parallel edges are merged, their weights summed); an
//! undirected edge is stored in both directions. Self-loops are dropped: they link
//! nobody to anybody, and no algorithm here counts them.

use rayon::prelude::*;

/// Merges repeats in one node's sorted run, in place: the weights of a repeated
/// target are summed (counted, for a unit-weight list). Returns the merged length.
fn merge_run(t: &mut [u32], w: &mut [f64], unit: bool) -> usize {
    let mut len = 0;
    let mut i = 0;
    while i < t.len() {
        let target = t[i];
        let mut weight = 0.0;
        while i < t.len() && t[i] == target {
            weight += if unit { 1.0 } else { w[i] };
            i += 1;
        }
        t[len] = target;
        w[len] = weight;
        len += 1;
    }
    len
}

/// An undirected weighted graph with nodes `0..n`.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    offsets: Vec<usize>,
    targets: Vec<u32>,
    weights: Vec<f64>,
}

impl Graph {
    /// The graph of `n` nodes and these edges `(u, v, weight)`. Edges naming a node
    /// `>= n` are ignored; use [`crate::edgelist`] to number labelled nodes.
    pub fn from_edges(n: usize, edges: &[(u32, u32, f64)]) -> Graph {
        Graph::from_edge_chunks(n, std::slice::from_ref(&edges))
    }

    /// [`Graph::from_edges`] for edges in several pieces (as a parallel parse
    /// produces them), without concatenating them first.
    pub fn from_edge_chunks<E: AsRef<[(u32, u32, f64)]> + Sync>(n: usize, chunks: &[E]) -> Graph {
        let edges = || chunks.iter().flat_map(|c| c.as_ref());
        let keep = |u: u32, v: u32| u != v && (u as usize) < n && (v as usize) < n;
        let mut offsets = vec![0usize; n + 1];
        for &(u, v, _) in edges() {
            if keep(u, v) {
                offsets[u as usize + 1] += 1;
                offsets[v as usize + 1] += 1;
            }
        }
        for v in 0..n {
            offsets[v + 1] += offsets[v];
        }
        let total = offsets[n];
        let mut fill = offsets[..n].to_vec();
        let mut targets = vec![0u32; total];
        let mut weights = vec![0.0f64; total];
        // An unweighted list (the common case) sorts bare targets, a third of the
        // bytes, and counts repeats; a weighted one sorts pairs.
        let unit = chunks.par_iter().all(|c| c.as_ref().iter().all(|e| e.2 == 1.0));
        for &(u, v, w) in edges() {
            if keep(u, v) {
                let (a, b) = (fill[u as usize], fill[v as usize]);
                targets[a] = v;
                targets[b] = u;
                if !unit {
                    weights[a] = w;
                    weights[b] = w;
                }
                fill[u as usize] += 1;
                fill[v as usize] += 1;
            }
        }
        drop(fill);
        // Sort and merge each node's run in place (in parallel); its merged length.
        let mut runs = Vec::with_capacity(n);
        let (mut t_rest, mut w_rest) = (&mut targets[..], &mut weights[..]);
        for v in 0..n {
            let len = offsets[v + 1] - offsets[v];
            let (t, t_tail) = t_rest.split_at_mut(len);
            let (w, w_tail) = w_rest.split_at_mut(len);
            runs.push((t, w));
            (t_rest, w_rest) = (t_tail, w_tail);
        }
        let lengths: Vec<usize> = runs
            .par_iter_mut()
            .with_min_len(1024)
            .map_init(Vec::new, |pairs: &mut Vec<(u32, f64)>, (t, w)| {
                if unit {
                    t.sort_unstable();
                } else {
                    pairs.clear();
                    pairs.extend(t.iter().copied().zip(w.iter().copied()));
                    pairs.sort_unstable_by_key(|&(x, _)| x);
                    for (i, &(x, y)) in pairs.iter().enumerate() {
                        (t[i], w[i]) = (x, y);
                    }
                }
                merge_run(t, w, unit)
            })
            .collect();
        drop(runs);
        // Close the gaps the merges left, left to right.
        let mut merged = Vec::with_capacity(n + 1);
        let mut at = 0;
        for v in 0..n {
            merged.push(at);
            let from = offsets[v];
            if from != at {
                targets.copy_within(from..from + lengths[v], at);
                weights.copy_within(from..from + lengths[v], at);
            }
            at += lengths[v];
        }
        merged.push(at);
        targets.truncate(at);
        weights.truncate(at);
        Graph {
            offsets: merged,
            targets,
            weights,
        }
    }

    /// The CSR arrays (offsets, targets, weights), for algorithms that build
    /// graphs of their own in the same form (Leiden's levels).
    pub(crate) fn parts(&self) -> (&[usize], &[u32], &[f64]) {
        (&self.offsets, &self.targets, &self.weights)
    }

    /// Number of nodes.
    pub fn nodes(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of undirected edges (after merging parallel edges).
    pub fn edges(&self) -> usize {
        self.targets.len() / 2
    }

    /// The neighbours of `v`, sorted.
    pub fn neighbours(&self, v: u32) -> &[u32] {
        let v = v as usize;
        &self.targets[self.offsets[v]..self.offsets[v + 1]]
    }

    /// The weights of `v`'s edges, parallel to [`Graph::neighbours`].
    pub fn weights(&self, v: u32) -> &[f64] {
        let v = v as usize;
        &self.weights[self.offsets[v]..self.offsets[v + 1]]
    }

    /// Number of neighbours of `v`.
    pub fn degree(&self, v: u32) -> usize {
        let v = v as usize;
        self.offsets[v + 1] - self.offsets[v]
    }

    /// Sum of the weights of `v`'s edges.
    pub fn strength(&self, v: u32) -> f64 {
        self.weights(v).iter().sum()
    }

    /// Sum of all edge weights, each undirected edge once.
    pub fn total_weight(&self) -> f64 {
        self.weights.iter().sum::<f64>() / 2.0
    }

    /// The edges `(u, v, weight)` with `u < v`, in order.
    pub fn edge_list(&self) -> Vec<(u32, u32, f64)> {
        (0..self.nodes() as u32)
            .flat_map(|u| {
                self.neighbours(u)
                    .iter()
                    .zip(self.weights(u))
                    .filter(move |(v, _)| u < **v)
                    .map(move |(&v, &w)| (u, v, w))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_edges_merge_and_self_loops_go() {
        let g = Graph::from_edges(4, &[(0, 1, 1.0), (1, 0, 2.0), (2, 2, 5.0), (1, 2, 1.0), (3, 9, 1.0)]);
        assert_eq!(g.nodes(), 4);
        assert_eq!(g.edges(), 2);
        assert_eq!(g.neighbours(1), &[0, 2]);
        assert_eq!(g.weights(1), &[3.0, 1.0]);
        assert_eq!(g.degree(2), 1);
        assert_eq!(g.degree(3), 0);
        assert_eq!(g.strength(1), 4.0);
        assert_eq!(g.total_weight(), 4.0);
        assert_eq!(g.edge_list(), vec![(0, 1, 3.0), (1, 2, 1.0)]);
    }

    proptest::proptest! {
        /// The graph holds exactly the merged edges a map of maps would, weighted or
        /// not, whatever the order and repetition of the input.
        #[test]
        fn the_graph_is_the_merged_edge_set(
            n in 1usize..30,
            raw in proptest::collection::vec((0u32..35, 0u32..35, 1u8..4), 0..150),
            weighted in proptest::bool::ANY,
        ) {
            let edges: Vec<(u32, u32, f64)> = raw
                .iter()
                .map(|&(a, b, w)| (a, b, if weighted { f64::from(w) / 2.0 } else { 1.0 }))
                .collect();
            let mut expected = std::collections::BTreeMap::<(u32, u32), f64>::new();
            for &(a, b, w) in &edges {
                if a != b && (a as usize) < n && (b as usize) < n {
                    *expected.entry((a, b)).or_default() += w;
                    *expected.entry((b, a)).or_default() += w;
                }
            }
            let g = Graph::from_edges(n, &edges);
            let mut found = std::collections::BTreeMap::new();
            for v in 0..n as u32 {
                proptest::prop_assert!(g.neighbours(v).windows(2).all(|p| p[0] < p[1]));
                for (&u, &w) in g.neighbours(v).iter().zip(g.weights(v)) {
                    found.insert((v, u), w);
                }
            }
            proptest::prop_assert_eq!(found, expected);
        }
    }
}

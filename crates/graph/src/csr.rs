//! The graph every algorithm reads: undirected, weighted, immutable, in compressed
//! sparse row form. Node `v`'s neighbours are `targets[offsets[v]..offsets[v + 1]]`,
//! sorted, each once (parallel edges are merged, their weights summed); an
//! undirected edge is stored in both directions. Self-loops are dropped: they link
//! nobody to anybody, and no algorithm here counts them.

use rayon::prelude::*;

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
        let mut degree = vec![0usize; n + 1];
        for &(u, v, _) in edges {
            if u != v && (u as usize) < n && (v as usize) < n {
                degree[u as usize] += 1;
                degree[v as usize] += 1;
            }
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut total = 0;
        for d in &degree[..n] {
            offsets.push(total);
            total += d;
        }
        offsets.push(total);
        let mut fill = offsets.clone();
        let mut slots: Vec<(u32, f64)> = vec![(0, 0.0); total];
        for &(u, v, w) in edges {
            if u != v && (u as usize) < n && (v as usize) < n {
                slots[fill[u as usize]] = (v, w);
                fill[u as usize] += 1;
                slots[fill[v as usize]] = (u, w);
                fill[v as usize] += 1;
            }
        }
        // Sort each node's neighbours (in parallel), then merge repeats.
        let mut rest: &mut [(u32, f64)] = &mut slots;
        let mut pieces = Vec::with_capacity(n);
        for v in 0..n {
            let (head, tail) = rest.split_at_mut(offsets[v + 1] - offsets[v]);
            pieces.push(head);
            rest = tail;
        }
        pieces
            .par_iter_mut()
            .with_min_len(1024)
            .for_each(|p| p.sort_unstable_by_key(|&(t, _)| t));
        let mut targets = Vec::with_capacity(total);
        let mut weights = Vec::with_capacity(total);
        let mut merged = Vec::with_capacity(n + 1);
        for v in 0..n {
            merged.push(targets.len());
            let mut last: Option<u32> = None;
            for &(t, w) in &slots[offsets[v]..offsets[v + 1]] {
                if last == Some(t) {
                    if let Some(x) = weights.last_mut() {
                        *x += w;
                    }
                } else {
                    targets.push(t);
                    weights.push(w);
                    last = Some(t);
                }
            }
        }
        merged.push(targets.len());
        Graph {
            offsets: merged,
            targets,
            weights,
        }
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
}

//! How two people are connected and who is near someone: shortest paths (fewest
//! hops) and k-hop neighbourhoods, by breadth-first search.
//!
//! A [`Search`] holds the per-node scratch arrays and is reused from query to query:
//! it marks visited nodes with the query's stamp instead of clearing `n` entries, so
//! a query costs what it visits, not the size of the graph. Run many queries in
//! parallel with one `Search` per thread ([`shortest_paths`], [`neighbourhoods`]).

use rayon::prelude::*;

use crate::csr::Graph;

/// Reusable scratch space for searches on one graph.
#[derive(Debug, Clone)]
pub struct Search {
    stamp: Vec<u32>,
    parent: Vec<u32>,
    current: u32,
    queue: Vec<u32>,
    back: Vec<u32>,
}

impl Search {
    pub fn new(g: &Graph) -> Search {
        Search {
            stamp: vec![0; g.nodes()],
            parent: vec![0; g.nodes()],
            current: 0,
            queue: Vec::new(),
            back: Vec::new(),
        }
    }

    /// A fresh pair of stamps: `s` for a forward search, `s + 1` for a backward one.
    fn next_stamp(&mut self) -> u32 {
        if self.current >= u32::MAX - 2 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.current = 0;
        }
        self.current += 2;
        self.current - 1
    }

    /// A shortest path from `from` to `to` (both included), or `None` when they are
    /// not connected.
    ///
    /// Bidirectional: whole levels are expanded from whichever end has the frontier
    /// with fewer edges to scan, until the two searches touch. The first edge found
    /// between them closes a shortest path (every node of the other side's inner
    /// levels would already have been met), so a query between two nodes of a
    /// million-node graph visits thousands of nodes rather than all of them, and a
    /// hub on one side does not make the other side pay for it.
    pub fn shortest_path(&mut self, g: &Graph, from: u32, to: u32) -> Option<Vec<u32>> {
        if from as usize >= g.nodes() || to as usize >= g.nodes() {
            return None;
        }
        if from == to {
            return Some(vec![from]);
        }
        let forward = self.next_stamp();
        let backward = forward + 1;
        self.stamp[from as usize] = forward;
        self.stamp[to as usize] = backward;
        self.queue.clear();
        self.queue.push(from);
        self.back.clear();
        self.back.push(to);
        // Each side's current level is queue[level..] and the edges it would scan.
        let (mut f_level, mut b_level) = (0, 0);
        let (mut f_work, mut b_work) = (g.degree(from), g.degree(to));
        let meeting = loop {
            if f_level == self.queue.len() || b_level == self.back.len() {
                return None;
            }
            let is_forward = f_work <= b_work;
            let (queue, level, work, mine, theirs) = if is_forward {
                (&mut self.queue, &mut f_level, &mut f_work, forward, backward)
            } else {
                (&mut self.back, &mut b_level, &mut b_work, backward, forward)
            };
            let end = queue.len();
            let mut next_work = 0;
            let mut met = None;
            'level: for i in *level..end {
                let u = queue[i];
                for &v in g.neighbours(u) {
                    let st = self.stamp[v as usize];
                    if st == mine {
                        continue;
                    }
                    if st == theirs {
                        met = Some(if is_forward { (u, v) } else { (v, u) });
                        break 'level;
                    }
                    self.stamp[v as usize] = mine;
                    self.parent[v as usize] = u;
                    queue.push(v);
                    next_work += g.degree(v);
                }
            }
            if let Some(m) = met {
                break m;
            }
            (*level, *work) = (end, next_work);
        };
        // meeting = (reached from `from`, reached from `to`).
        let mut path = vec![meeting.0];
        let mut v = meeting.0;
        while v != from {
            v = self.parent[v as usize];
            path.push(v);
        }
        path.reverse();
        let mut v = meeting.1;
        path.push(v);
        while v != to {
            v = self.parent[v as usize];
            path.push(v);
        }
        Some(path)
    }

    /// The nodes within `k` hops of `from` with their distance in hops, `from`
    /// first (at 0), then by distance.
    pub fn neighbourhood_with_hops(&mut self, g: &Graph, from: u32, k: usize) -> Vec<(u32, usize)> {
        let nodes = self.neighbourhood(g, from, k);
        // The search appended whole levels in turn; a node's level is one more
        // than the level of its first neighbour found before it.
        let mut hops: Vec<(u32, usize)> = Vec::with_capacity(nodes.len());
        let position: std::collections::HashMap<u32, usize> = nodes.iter().enumerate().map(|(i, &v)| (v, i)).collect();
        for (i, &v) in nodes.iter().enumerate() {
            let d = if i == 0 {
                0
            } else {
                g.neighbours(v)
                    .iter()
                    .filter_map(|u| position.get(u).filter(|&&j| j < i).map(|&j| hops[j].1 + 1))
                    .min()
                    .unwrap_or(0)
            };
            hops.push((v, d));
        }
        hops
    }

    /// The nodes within `k` hops of `from`, `from` first, then by distance.
    pub fn neighbourhood(&mut self, g: &Graph, from: u32, k: usize) -> Vec<u32> {
        if from as usize >= g.nodes() {
            return Vec::new();
        }
        let s = self.next_stamp();
        self.queue.clear();
        self.queue.push(from);
        self.stamp[from as usize] = s;
        let (mut level_start, mut level_end) = (0, 1);
        for _ in 0..k {
            for i in level_start..level_end {
                let u = self.queue[i];
                for &v in g.neighbours(u) {
                    if self.stamp[v as usize] != s {
                        self.stamp[v as usize] = s;
                        self.queue.push(v);
                    }
                }
            }
            if self.queue.len() == level_end {
                break;
            }
            (level_start, level_end) = (level_end, self.queue.len());
        }
        self.queue.clone()
    }
}

/// Shortest paths for many `(from, to)` queries, in parallel.
pub fn shortest_paths(g: &Graph, queries: &[(u32, u32)]) -> Vec<Option<Vec<u32>>> {
    queries
        .par_iter()
        .map_init(|| Search::new(g), |s, &(a, b)| s.shortest_path(g, a, b))
        .collect()
}

/// The k-hop neighbourhoods of many nodes, in parallel.
pub fn neighbourhoods(g: &Graph, nodes: &[u32], k: usize) -> Vec<Vec<u32>> {
    nodes
        .par_iter()
        .map_init(|| Search::new(g), |s, &v| s.neighbourhood(g, v, k))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ladder() -> Graph {
        // 0-1-2-3 and 0-4-5-3: two paths of three hops; 6 alone.
        Graph::from_edges(
            7,
            &[
                (0, 1, 1.0),
                (1, 2, 1.0),
                (2, 3, 1.0),
                (0, 4, 1.0),
                (4, 5, 1.0),
                (5, 3, 1.0),
            ],
        )
    }

    #[test]
    fn shortest_paths_and_unreachable_nodes() {
        let g = ladder();
        let mut s = Search::new(&g);
        let p = s.shortest_path(&g, 0, 3).expect("connected");
        assert!(p == vec![0, 1, 2, 3] || p == vec![0, 4, 5, 3], "{p:?}");
        assert_eq!(s.shortest_path(&g, 4, 2).map(|p| p.len()), Some(4));
        assert_eq!(s.shortest_path(&g, 1, 0), Some(vec![1, 0]));
        assert_eq!(s.shortest_path(&g, 2, 2), Some(vec![2]));
        assert_eq!(s.shortest_path(&g, 0, 6), None);
        assert_eq!(s.shortest_path(&g, 0, 99), None);
        let many = shortest_paths(&g, &[(0, 3), (6, 0)]);
        assert_eq!(many[0].as_ref().map(Vec::len), Some(4));
        assert_eq!(many[1], None);
    }

    /// Hop distances by plain breadth-first search from one node.
    fn distances(g: &Graph, from: u32) -> Vec<Option<usize>> {
        let mut d = vec![None; g.nodes()];
        d[from as usize] = Some(0);
        let mut queue = std::collections::VecDeque::from([from]);
        while let Some(u) = queue.pop_front() {
            for &v in g.neighbours(u) {
                if d[v as usize].is_none() {
                    d[v as usize] = d[u as usize].map(|x| x + 1);
                    queue.push_back(v);
                }
            }
        }
        d
    }

    proptest::proptest! {
        /// The bidirectional search finds a path along edges, as short as plain
        /// breadth-first search says, and none exactly when there is none.
        #[test]
        fn bidirectional_paths_are_shortest(
            n in 2usize..40,
            raw in proptest::collection::vec((0u32..40, 0u32..40), 0..120),
        ) {
            let edges: Vec<(u32, u32, f64)> = raw
                .into_iter()
                .map(|(a, b)| (a % n as u32, b % n as u32, 1.0))
                .collect();
            let g = Graph::from_edges(n, &edges);
            let mut s = Search::new(&g);
            for from in 0..n as u32 {
                let d = distances(&g, from);
                for to in 0..n as u32 {
                    let p = s.shortest_path(&g, from, to);
                    proptest::prop_assert_eq!(p.as_ref().map(|p| p.len() - 1), d[to as usize]);
                    if let Some(p) = p {
                        proptest::prop_assert_eq!((p[0], p[p.len() - 1]), (from, to));
                        for w in p.windows(2) {
                            proptest::prop_assert!(g.neighbours(w[0]).contains(&w[1]));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn neighbourhoods_by_hops() {
        let g = ladder();
        let mut s = Search::new(&g);
        assert_eq!(s.neighbourhood(&g, 0, 0), vec![0]);
        assert_eq!(s.neighbourhood(&g, 0, 1), vec![0, 1, 4]);
        let mut two = s.neighbourhood(&g, 0, 2);
        two.sort_unstable();
        assert_eq!(two, vec![0, 1, 2, 4, 5]);
        assert_eq!(s.neighbourhood(&g, 0, 10).len(), 6);
        assert_eq!(neighbourhoods(&g, &[6], 2), vec![vec![6]]);
        let mut with_hops = s.neighbourhood_with_hops(&g, 0, 2);
        with_hops.sort_unstable();
        assert_eq!(with_hops, vec![(0, 0), (1, 1), (2, 2), (4, 1), (5, 2)]);
    }
}

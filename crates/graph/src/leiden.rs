//! Communities: the Leiden algorithm (Traag, Waltman and van Eck 2019, "From Louvain
//! to Leiden: guaranteeing well-connected communities") optimising modularity with a
//! resolution parameter.
//!
//! Each pass moves nodes between communities (the fast local move: a queue of the
//! nodes whose neighbourhood changed), refines each community into well-connected
//! sub-communities, and aggregates the refined communities into the nodes of the next
//! level while keeping the unrefined partition as its starting point; it ends when
//! no node moves. Unlike Louvain, no community it returns can be internally
//! disconnected. Whole passes are repeated from the partition found, as leidenalg's
//! `n_iterations` does.
//!
//! The run ends with one more fast local move of single nodes on the input graph
//! (visiting them in node order), from the partition the passes found (the last aggregation can leave single nodes
//! better off in a neighbouring community), and then splits any community that move
//! left disconnected into its connected parts, which never lowers modularity: so
//! the guarantee holds and, on the 100k-node benchmark graph, modularity rose by
//! 0.0003 for every seed from 1 to 8 (mean 0.50158 -> 0.50192; igraph's Leiden over
//! ten seeds: 0.50165) for a sweep in which few nodes move.
//!
//! One choice departs from the paper: the refinement merges a node into the
//! well-connected sub-community with the greatest gain, instead of drawing one at
//! random with probability `exp(gain / θ)`. The paper's randomness serves to explore;
//! greedy merging keeps the result a function of the seed (which orders the visits)
//! alone and measured no worse in modularity here.
//!
//! Parallel, yet a function of the seed alone (not of the number of threads): the
//! local move decides a batch of queued nodes at a time on every core and applies
//! the moves in order, deciding again any node a neighbour's move disturbed (see
//! [`fast_local_move`]); refinement runs community by community, each with its own
//! seeded order; aggregation builds rows for ranges of groups. The whole run sits on
//! a thread of the pool, so the thread that applies a batch's moves also decides
//! part of the next one.
//!
//! Where the time goes is memory: past about 4 MiB this machine's loads cost as
//! much as main memory (150 ns). So the first level of an unweighted graph reads no
//! weights at all; aggregated levels keep each edge's end and weight side by side
//! (one run of memory per row, the weight in `f32`); a short row (most of the first
//! level's) is summed by community in a list on the stack rather than in a dense
//! array the size of the level; a long row's sum keeps its list of communities
//! without a branch per edge; and each batch's decisions are taken in node order.
//! Measured on the 100k-node benchmark graph on 2 cores (in-process runs, old and
//! new taking turns, 2026-12-06): 0.40–0.46 s on one core, 0.28–0.34 s with the
//! batches, and about 0.22 s with the rest of the above.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Mutex;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

use crate::csr::Graph;

/// How a run is done.
#[derive(Debug, Clone)]
pub struct Options {
    /// Modularity's resolution: above 1 gives more and smaller communities.
    pub resolution: f64,
    /// Orders the node visits; the same seed gives the same communities.
    pub seed: u64,
    /// Whole passes, each starting from the last one's partition; stops early when
    /// a pass changes nothing.
    pub iterations: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            resolution: 1.0,
            seed: 42,
            iterations: 2,
        }
    }
}

/// Communities found.
#[derive(Debug, Clone, PartialEq)]
pub struct Communities {
    /// Each node's community, numbered `0..count` in the order of their first node.
    pub of: Vec<u32>,
    pub count: usize,
    /// Modularity of the partition (at the run's resolution).
    pub modularity: f64,
    /// Passes run.
    pub iterations: usize,
}

/// A level of the algorithm: the graph of the current aggregate nodes in CSR form,
/// without self-loops (each node's strength keeps what its members' edges weighed).
/// The first level borrows the input graph's arrays (a weighted one owns a copy of
/// its edges with their weights side by side); aggregated levels own theirs,
/// and their rows are in the order aggregation met the neighbours, not sorted
/// (nothing here searches a row).
struct Level<'g> {
    offsets: Cow<'g, [usize]>,
    /// The edges' ends when every edge weighs 1 (an unweighted input, the first
    /// level): no weights to read. Empty otherwise.
    targets: Cow<'g, [u32]>,
    /// The edges with their weights side by side, when they are not all 1.
    edges: Cow<'g, [Edge]>,
    strength: Cow<'g, [f64]>,
}

/// An edge of a weighted level: its end and weight together, so a row is one run
/// of memory. The weight is single precision: an aggregated level's weights are
/// counts of input edges (exact in `f32` below 2^24 per pair of groups), and an
/// input weight keeps seven significant digits, far finer than any modularity gain
/// it decides; strengths and sums stay `f64`.
#[derive(Clone, Copy, Default)]
struct Edge {
    to: u32,
    weight: f32,
}

/// Arrays of a level no longer in use, kept for the next level to fill: fresh
/// memory costs a page fault and the kernel's zeroing of every page, which on a
/// large level took as long as building it.
#[derive(Default)]
struct Spare {
    offsets: Vec<usize>,
    edges: Vec<Edge>,
    /// Per range of groups, a dense weight per group (all zero between uses).
    to: Vec<Vec<f64>>,
    /// The local move's.
    scratches: Scratches,
}

impl Spare {
    /// Keeps what `level` owns.
    fn keep(&mut self, level: Level) {
        if let Cow::Owned(o) = level.offsets {
            self.offsets = o;
        }
        if let Cow::Owned(e) = level.edges {
            self.edges = e;
        }
    }
}

impl Level<'_> {
    fn nodes(&self) -> usize {
        self.offsets.len() - 1
    }

    fn unit(&self) -> bool {
        self.edges.is_empty()
    }

    /// Edge entries (each edge twice).
    fn entries(&self) -> usize {
        self.offsets[self.nodes()]
    }

    fn degree(&self, v: u32) -> usize {
        self.offsets[v as usize + 1] - self.offsets[v as usize]
    }

    /// Calls `f` with each neighbour of `v` and the weight of the edge to it: the
    /// choice between a unit and a weighted level made once per row.
    #[inline]
    fn each(&self, v: u32, mut f: impl FnMut(u32, f64)) {
        let (from, to) = (self.offsets[v as usize], self.offsets[v as usize + 1]);
        if self.unit() {
            for &u in &self.targets[from..to] {
                f(u, 1.0);
            }
        } else {
            for e in &self.edges[from..to] {
                f(e.to, f64::from(e.weight));
            }
        }
    }
}

/// Nodes per range in [`modularity`].
const MODULARITY_RANGE: usize = 1 << 16;

/// Modularity of a partition `of` of `g`.
pub fn modularity(g: &Graph, of: &[u32], resolution: f64) -> f64 {
    let two_m = 2.0 * g.total_weight();
    if two_m == 0.0 {
        return 0.0;
    }
    let count = of.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    // Per range of nodes, each community's inside and total weight: a split fixed
    // by the graph and the partition, so the sums and the result do not depend on
    // the number of threads; at most 2^22 sums per array in all.
    let ranges = g
        .nodes()
        .div_ceil(MODULARITY_RANGE)
        .min((1 << 22) / count.max(1))
        .max(1);
    let per = g.nodes().div_ceil(ranges);
    let sums: Vec<(Vec<f64>, Vec<f64>)> = (0..ranges)
        .into_par_iter()
        .map(|r| {
            let (mut inside, mut total) = (vec![0.0; count], vec![0.0; count]);
            let end = ((r + 1) * per).min(g.nodes());
            for v in (r * per) as u32..end as u32 {
                let c = of[v as usize] as usize;
                for (&u, &w) in g.neighbours(v).iter().zip(g.weights(v)) {
                    total[c] += w;
                    if of[u as usize] as usize == c {
                        inside[c] += w;
                    }
                }
            }
            (inside, total)
        })
        .collect();
    let (mut inside, mut total) = (vec![0.0; count], vec![0.0; count]);
    for (i, t) in &sums {
        for c in 0..count {
            inside[c] += i[c];
            total[c] += t[c];
        }
    }
    inside
        .iter()
        .zip(&total)
        .map(|(i, k)| i / two_m - resolution * (k / two_m) * (k / two_m))
        .sum()
}

/// Leiden communities of `g`.
pub fn leiden(g: &Graph, opts: &Options) -> Communities {
    // Run on one of the pool's threads: each batch of the local move is then
    // shared between this thread and the others, instead of this thread waking them
    // all and sleeping until they finish (hundreds of times a level; measured 10-15%
    // of the run at 100k nodes on 2 cores).
    rayon::scope(|_| leiden_on_pool(g, opts))
}

fn leiden_on_pool(g: &Graph, opts: &Options) -> Communities {
    let n = g.nodes();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(opts.seed);
    let mut of: Vec<u32> = (0..n as u32).collect();
    let mut iterations = 0;
    let mut spare = Spare::default();
    // The input graph as the first level of every pass.
    let (offsets, targets, weights) = g.parts();
    let unit = weights.iter().all(|&w| w == 1.0);
    let first = Level {
        offsets: Cow::Borrowed(offsets),
        targets: Cow::Borrowed(if unit { targets } else { &[] }),
        edges: if unit {
            Cow::Borrowed(&[])
        } else {
            targets
                .iter()
                .zip(weights)
                .map(|(&to, &w)| Edge { to, weight: w as f32 })
                .collect()
        },
        strength: Cow::Owned((0..n as u32).map(|v| g.strength(v)).collect()),
    };
    // Twice the total edge weight: every level's strengths sum to it.
    let two_m: f64 = first.strength.iter().sum();
    if two_m == 0.0 {
        // No edges: every node stays alone.
        iterations = 1;
    } else {
        for _ in 0..opts.iterations.max(1) {
            iterations += 1;
            let (next, changed) = one_pass(&first, &of, (opts.resolution, two_m), &mut rng, &mut spare);
            of = next;
            if !changed {
                break;
            }
        }
        let (mut polished, _) = renumber(&of);
        let visits = (&mut rng, Visits::InNodeOrder);
        if fast_local_move(
            &first,
            &mut polished,
            opts.resolution,
            two_m,
            visits,
            &mut spare.scratches,
        ) {
            of = connected_parts(&first, &polished);
        }
    }
    let (of, count) = renumber(&of);
    Communities {
        modularity: modularity(g, &of, opts.resolution),
        of,
        count,
        iterations,
    }
}

/// Each node's connected part of its community of `of`, numbered by one of the
/// part's nodes: a community in one piece keeps one number.
fn connected_parts(level: &Level, of: &[u32]) -> Vec<u32> {
    let n = level.nodes();
    let mut part = vec![u32::MAX; n];
    let mut stack = Vec::new();
    for root in 0..n as u32 {
        if part[root as usize] != u32::MAX {
            continue;
        }
        part[root as usize] = root;
        stack.push(root);
        while let Some(v) = stack.pop() {
            level.each(v, |u, _| {
                if part[u as usize] == u32::MAX && of[u as usize] == of[v as usize] {
                    part[u as usize] = root;
                    stack.push(u);
                }
            });
        }
    }
    part
}

/// Numbers communities `0..count` in the order of their first member.
fn renumber(of: &[u32]) -> (Vec<u32>, usize) {
    // Community numbers are below the node count here, so a table beats a hash map.
    let size = of.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut number = vec![u32::MAX; size];
    let mut count = 0u32;
    let out = of
        .iter()
        .map(|&c| {
            let slot = &mut number[c as usize];
            if *slot == u32::MAX {
                *slot = count;
                count += 1;
            }
            *slot
        })
        .collect();
    (out, count as usize)
}

/// One Leiden pass from the partition `start` of the nodes of `first` (the input
/// graph's level, of total strength `two_m`, not zero); returns the new partition
/// and whether any node moved.
fn one_pass(
    first: &Level,
    start: &[u32],
    (resolution, two_m): (f64, f64),
    rng: &mut rand_chacha::ChaCha8Rng,
    spare: &mut Spare,
) -> (Vec<u32>, bool) {
    let n = first.nodes();
    let mut level = Level {
        offsets: Cow::Borrowed(&first.offsets),
        targets: Cow::Borrowed(&first.targets),
        edges: Cow::Borrowed(&first.edges),
        strength: Cow::Borrowed(&first.strength),
    };
    // The partition of the current level's nodes, and each original node's node.
    let (mut membership, _) = renumber(start);
    let mut node_of: Vec<u32> = (0..n as u32).collect();
    let mut changed_any = false;
    loop {
        let visits = (&mut *rng, Visits::Shuffled);
        let moved = fast_local_move(&level, &mut membership, resolution, two_m, visits, &mut spare.scratches);
        changed_any |= moved;
        let (compact, count) = renumber(&membership);
        membership = compact;
        if count == level.nodes() || (!moved && count == 1) {
            break;
        }
        let mut refined = refine(&level, &membership, resolution, two_m, rng.random());
        let (r, refined_count) = renumber(&refined);
        refined = r;
        if refined_count == level.nodes() {
            // Refinement merged nothing: aggregate by the partition itself, or the
            // next level would be this one again.
            if !moved {
                break;
            }
            refined = membership.clone();
        }
        let (next, next_membership) = aggregate(&level, &refined, &membership, spare);
        for v in node_of.iter_mut() {
            *v = refined[*v as usize];
        }
        spare.keep(std::mem::replace(&mut level, next));
        membership = next_membership;
    }
    spare.keep(level);
    let result: Vec<u32> = node_of.iter().map(|&v| membership[v as usize]).collect();
    let changed = changed_any && renumber(&result).0 != renumber(start).0;
    (result, changed)
}

/// Nodes whose moves are decided together, from the same state, in
/// [`fast_local_move`]: about one in this many of a level's nodes. Small enough that
/// two neighbours rarely fall in one batch (the order is random), large enough that
/// each batch is worth sharing between cores.
const BATCH_FRACTION: usize = 64;
const MAX_BATCH: usize = 16384;

/// A node's best move, decided from the state at the start of its batch.
#[derive(Clone, Copy)]
struct Decision {
    node: u32,
    /// The community to join, or [`NEW_COMMUNITY`] for an empty one.
    best: u32,
    /// Weight from the node to `best` and to its own community, without itself.
    to_best: f64,
    to_old: f64,
}

const NEW_COMMUNITY: u32 = u32::MAX;

/// A node's mark in [`fast_local_move`]: queued.
const QUEUED: u32 = 1 << 31;

/// Rows up to this long are summed by community in a list on the stack.
const SMALL_ROW: usize = 24;

/// Scratch for every thread of [`fast_local_move`], kept from level to level and
/// pass to pass: fresh memory costs a page fault and zeroing per page.
#[derive(Default)]
struct Scratches {
    /// One per thread of the pool, made when first used.
    pool: Vec<Mutex<Option<Scratch>>>,
    /// The calling thread's, for what it decides alone.
    mine: Option<Scratch>,
}

/// Per-thread scratch: a dense weight per community and the communities touched.
/// One per thread, not per run of a batch: the dense arrays are the size of the
/// level, and more of them than cores thrash the caches.
struct Scratch {
    to: Vec<f64>,
    touched: Vec<u32>,
    len: usize,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            to: vec![0.0; n],
            touched: Vec::new(),
            len: 0,
        }
    }

    /// Room for a level of `n` nodes (`to` is all zero between uses, so a longer
    /// one serves as it is).
    fn fit(&mut self, n: usize) -> &mut Scratch {
        if self.to.len() < n {
            self.to.resize(n, 0.0);
        }
        self
    }

    /// Adds `v`'s edge weights to the communities of its neighbours.
    #[inline]
    fn add_row(&mut self, level: &Level, membership: &[u32], v: u32) {
        let degree = level.degree(v);
        if self.touched.len() < degree {
            self.touched.resize(degree, 0);
        }
        let mut len = 0;
        let (to, touched) = (&mut self.to, &mut self.touched);
        level.each(v, |u, w| {
            let c = membership[u as usize];
            let slot = &mut to[c as usize];
            // Branch-free: the community is written at the end of the list each
            // time and kept only when new.
            touched[len] = c;
            len += usize::from(*slot == 0.0);
            *slot += w;
        });
        self.len = len;
    }
}

/// The order of [`fast_local_move`]'s first sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visits {
    /// Random (from the seed), as the algorithm is meant to run.
    Shuffled,
    /// Node by node: for the last sweep over a settled partition, where few nodes
    /// move and order matters little, so the rows are read in one direction
    /// (at 1M nodes the sweep took 173–183 ms instead of 290–366, same result).
    InNodeOrder,
}

/// The fast local move: every node once in random order (or node order, see
/// [`Visits`]), then the neighbours of any node that moved, until the queue is
/// empty. Each node joins the neighbouring (or an empty) community with the largest
/// modularity gain. Returns whether any node moved.
///
/// The queue is taken in batches (one node in [`BATCH_FRACTION`], at most
/// [`MAX_BATCH`]): every node of a batch decides its move from the state at the
/// batch's start, on every core (reading its whole neighbourhood: most of the
/// work), and the moves are then applied in node order (the batch is sorted, so
/// its reads run one way through the arrays). A node none of whose
/// neighbours has moved since the batch began still has exact weights to every
/// community, so its move is applied only if it still gains against the community
/// totals as they now are; a node with a neighbour that moved decides again, then
/// and there. Every applied move thus raises modularity (the loop ends), the result
/// depends on the seed alone and not on the number of threads, and with batches of
/// one node (small levels) it is the sequential algorithm exactly. A move-by-move
/// replay of the sequential order on two cores was measured no faster: this way
/// the cores share the reading.
fn fast_local_move(
    level: &Level,
    membership: &mut [u32],
    resolution: f64,
    two_m: f64,
    (rng, visits): (&mut rand_chacha::ChaCha8Rng, Visits),
    scratches: &mut Scratches,
) -> bool {
    let n = level.nodes();
    let mut total = vec![0.0; n];
    let mut size = vec![0u32; n];
    for v in 0..n {
        total[membership[v] as usize] += level.strength[v];
        size[membership[v] as usize] += 1;
    }
    let mut empty: Vec<u32> = (0..n as u32).filter(|&c| size[c as usize] == 0).collect();
    let batch = (n / BATCH_FRACTION).clamp(1, MAX_BATCH);
    let mut order: Vec<u32> = (0..n as u32).collect();
    if visits == Visits::Shuffled {
        order.shuffle(rng);
    }
    // The first sweep's batches are these blocks: sorted here on every core rather
    // than one by one below.
    order.par_chunks_mut(batch).for_each(|block| block.sort_unstable());
    let mut queue: VecDeque<u32> = order.into();
    // Per node, whether it is queued (the top bit) and the batch in which a
    // neighbour last moved (0: none yet): one array, as the moves' neighbours
    // read and write both.
    let mut mark = vec![QUEUED; n];
    let threads = rayon::current_num_threads().max(1);
    // Runs of a batch decided on one thread each (a few per thread, so the cores
    // even out), their decisions kept from batch to batch; one scratch per thread,
    // made when first used.
    let mut runs: Vec<Vec<Decision>> = vec![Vec::new(); threads * 4];
    if scratches.pool.len() < threads {
        scratches.pool.resize_with(threads, || Mutex::new(None));
    }
    let scratch = &scratches.pool;
    let mine = scratches.mine.get_or_insert_with(|| Scratch::new(n)).fit(n);
    let mut again: Vec<Decision> = Vec::new();
    let mut nodes: Vec<u32> = Vec::with_capacity(batch);
    let mut moved = false;
    let mut stamp = 0u32;
    while !queue.is_empty() {
        if stamp + 1 == QUEUED {
            // Out of batch numbers (two billion batches): forget old disturbances.
            mark.iter_mut().for_each(|m| *m &= QUEUED);
            stamp = 0;
        }
        stamp += 1;
        nodes.clear();
        while nodes.len() < batch {
            let Some(v) = queue.pop_front() else { break };
            mark[v as usize] &= !QUEUED;
            nodes.push(v);
        }
        // Decisions do not depend on their order within the batch: taken by node
        // number, they read the graph's arrays in one direction.
        nodes.sort_unstable();
        // The batch's work, estimated from the level's mean degree (reading each
        // node's degree would cost a cache miss per node).
        let work = nodes.len() * (level.entries() / n.max(1) + 1);
        let state = (&*membership, &total[..], &size[..]);
        let used = if work < 4_000 {
            // Not worth handing over: decided here.
            runs[0].clear();
            for &v in &nodes {
                decide(level, state, resolution, two_m, v, mine, &mut runs[0]);
            }
            1
        } else {
            let per = nodes.len().div_ceil(runs.len()).max(1);
            let used = nodes.len().div_ceil(per);
            nodes.par_chunks(per).zip(runs.par_iter_mut()).for_each(|(run, out)| {
                let slot = rayon::current_thread_index().unwrap_or(0) % threads;
                let mut guard = scratch[slot].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let s = guard.get_or_insert_with(|| Scratch::new(n)).fit(n);
                out.clear();
                for &v in run {
                    decide(level, state, resolution, two_m, v, s, out);
                }
            });
            used
        };
        for &decided in runs[..used].iter().flatten() {
            let mut d = decided;
            let v = d.node as usize;
            if mark[v] & !QUEUED == stamp {
                // A neighbour moved since the batch began: decide again.
                again.clear();
                decide(
                    level,
                    (&*membership, &total, &size),
                    resolution,
                    two_m,
                    d.node,
                    mine,
                    &mut again,
                );
                match again.first() {
                    Some(&again) => d = again,
                    None => continue,
                }
            }
            let old = membership[v];
            let k = level.strength[v];
            let per = resolution * k / two_m;
            let stay = d.to_old - per * (total[old as usize] - k);
            let target = if d.best == NEW_COMMUNITY {
                if size[old as usize] == 1 || stay >= 0.0 {
                    continue;
                }
                match empty.pop() {
                    Some(c) => c,
                    None => continue,
                }
            } else {
                let gain = d.to_best - per * total[d.best as usize];
                if gain <= stay {
                    continue;
                }
                d.best
            };
            total[old as usize] -= k;
            size[old as usize] -= 1;
            total[target as usize] += k;
            size[target as usize] += 1;
            membership[v] = target;
            moved = true;
            if size[old as usize] == 0 {
                empty.push(old);
            }
            level.each(d.node, |u, _| {
                let m = &mut mark[u as usize];
                if *m & QUEUED == 0 && membership[u as usize] != target {
                    *m = QUEUED | stamp;
                    queue.push_back(u);
                } else {
                    *m = (*m & QUEUED) | stamp;
                }
            });
        }
    }
    moved
}

/// Decides `v`'s best move from the state (membership, community totals and
/// sizes), appending it to `out` when it is a move.
fn decide(
    level: &Level,
    (membership, total, size): (&[u32], &[f64], &[u32]),
    resolution: f64,
    two_m: f64,
    v: u32,
    s: &mut Scratch,
    out: &mut Vec<Decision>,
) {
    let old = membership[v as usize];
    let k = level.strength[v as usize];
    // A community's pull on `v`: its weight to `v` less this times its total.
    let per = resolution * k / two_m;
    let state = (total, size);
    let decision = if level.degree(v) <= SMALL_ROW {
        // A short row: its communities and weights in a list on the stack, found by
        // a linear search, instead of a dense array the size of the level (most
        // rows of the first level: its loads are the ones that miss the caches).
        let mut cs = [0u32; SMALL_ROW];
        let mut ws = [0f64; SMALL_ROW];
        let mut len = 0;
        level.each(v, |u, w| {
            let c = membership[u as usize];
            match cs[..len].iter().position(|&x| x == c) {
                Some(i) => ws[i] += w,
                None => {
                    cs[len] = c;
                    ws[len] = w;
                    len += 1;
                }
            }
        });
        let to_old = cs[..len].iter().position(|&x| x == old).map_or(0.0, |i| ws[i]);
        let weights = cs[..len].iter().copied().zip(ws[..len].iter().copied());
        choose(v, old, (k, per), state, to_old, weights)
    } else {
        s.add_row(level, membership, v);
        let touched = &s.touched[..s.len];
        let weights = touched.iter().map(|&c| (c, s.to[c as usize]));
        let decision = choose(v, old, (k, per), state, s.to[old as usize], weights);
        for &c in touched {
            s.to[c as usize] = 0.0;
        }
        decision
    };
    out.extend(decision);
}

/// `v`'s best move given its weight to its own community `old` and to each
/// neighbouring one, or none when staying is best.
fn choose(
    v: u32,
    old: u32,
    (k, per): (f64, f64),
    (total, size): (&[f64], &[u32]),
    to_old: f64,
    weights: impl Iterator<Item = (u32, f64)>,
) -> Option<Decision> {
    let stay = to_old - per * (total[old as usize] - k);
    let (mut best, mut best_gain, mut to_best) = (old, stay, to_old);
    for (c, w) in weights {
        if c == old {
            continue;
        }
        let gain = w - per * total[c as usize];
        if gain > best_gain {
            (best, best_gain, to_best) = (c, gain, w);
        }
    }
    if best_gain < 0.0 {
        // Alone is better than anywhere: an empty community, unless it is alone
        // already.
        best = if size[old as usize] == 1 { old } else { NEW_COMMUNITY };
        to_best = 0.0;
    }
    (best != old).then_some(Decision {
        node: v,
        best,
        to_best,
        to_old,
    })
}

/// Splits each community of `membership` (numbered `0..count`) into well-connected
/// sub-communities: starting from single nodes, a node still alone and well
/// connected to the rest of its community joins the well-connected sub-community of
/// that community with the largest positive gain. Returns each node's
/// sub-community, numbered by one of its members.
///
/// A community's refinement reads and writes only its own members, so communities
/// are refined independently, on every core, each with its members in an order of
/// its own drawn from `seed` and its number: the result does not depend on the
/// number of threads.
fn refine(level: &Level, membership: &[u32], resolution: f64, two_m: f64, seed: u64) -> Vec<u32> {
    let n = level.nodes();
    let count = membership.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut community_total = vec![0.0; count];
    for (v, &c) in membership.iter().enumerate() {
        community_total[c as usize] += level.strength[v];
    }
    // Members of each community, and each node's place among them.
    let (start, members) = members_by(membership, count);
    let mut place = vec![0u32; n];
    for (i, &v) in members.iter().enumerate() {
        place[v as usize] = i as u32;
    }
    // Tasks of whole communities, about equal in members.
    let tasks = (rayon::current_num_threads() * 8).max(1);
    let mut bounds = vec![0usize];
    for c in 0..count {
        if start[c + 1] - start[*bounds.last().unwrap_or(&0)] >= n.div_ceil(tasks) {
            bounds.push(c + 1);
        }
    }
    if bounds.last() != Some(&count) {
        bounds.push(count);
    }
    // Each task's sub-communities by place: the place of a founding member.
    let by_place: Vec<Vec<u32>> = bounds
        .par_windows(2)
        .map(|w| {
            let (first, last) = (w[0], w[1]);
            let mut out = Vec::with_capacity(start[last] - start[first]);
            let mut sub = SubScratch::default();
            for c in first..last {
                let (from, to) = (start[c], start[c + 1]);
                sub.refine_one(
                    level,
                    membership,
                    &place,
                    &members[from..to],
                    from,
                    community_total[c],
                    resolution,
                    two_m,
                    seed ^ (c as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
                );
                out.extend(sub.refined.iter().map(|&r| (from + r as usize) as u32));
            }
            out
        })
        .collect();
    let by_place: Vec<u32> = by_place.concat();
    place.iter().map(|&p| by_place[p as usize]).collect()
}

/// Scratch of one community's refinement, indexed by a member's position in the
/// community, kept from community to community.
#[derive(Default)]
struct SubScratch {
    refined: Vec<u32>,
    total: Vec<f64>,
    size: Vec<u32>,
    outside: Vec<f64>,
    to: Vec<f64>,
    touched: Vec<u32>,
    order: Vec<u32>,
}

impl SubScratch {
    /// Refines one community of `members` (whose first member has place `offset`),
    /// leaving each member's sub-community, as a position, in `self.refined`.
    #[allow(clippy::too_many_arguments)]
    fn refine_one(
        &mut self,
        level: &Level,
        membership: &[u32],
        place: &[u32],
        members: &[u32],
        offset: usize,
        community_total: f64,
        resolution: f64,
        two_m: f64,
        seed: u64,
    ) {
        let k = members.len();
        self.refined.clear();
        self.refined.extend(0..k as u32);
        if k == 1 {
            return;
        }
        let c = membership[members[0] as usize];
        self.total.clear();
        self.total.extend(members.iter().map(|&v| level.strength[v as usize]));
        self.size.clear();
        self.size.resize(k, 1);
        self.to.clear();
        self.to.resize(k, 0.0);
        // Weight from each sub-community to the rest of its community.
        self.outside.clear();
        self.outside.extend(members.iter().map(|&v| {
            let mut inside = 0.0;
            level.each(v, |u, w| {
                if membership[u as usize] == c {
                    inside += w;
                }
            });
            inside
        }));
        self.order.clear();
        self.order.extend(0..k as u32);
        self.order.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
        let well_connected = |sub_outside: f64, sub_total: f64| {
            sub_outside >= resolution * sub_total * (community_total - sub_total) / two_m
        };
        for oi in 0..k {
            let i = self.order[oi] as usize;
            let strength = level.strength[members[i] as usize];
            if self.size[self.refined[i] as usize] != 1 || !well_connected(self.outside[i], strength) {
                continue;
            }
            let (refined, to, touched) = (&self.refined, &mut self.to, &mut self.touched);
            level.each(members[i], |u, w| {
                if membership[u as usize] != c {
                    return;
                }
                let r = refined[place[u as usize] as usize - offset];
                if to[r as usize] == 0.0 {
                    touched.push(r);
                }
                to[r as usize] += w;
            });
            let mut best: Option<(u32, f64)> = None;
            for &r in &self.touched {
                let ri = r as usize;
                if r == self.refined[i] || !well_connected(self.outside[ri], self.total[ri]) {
                    continue;
                }
                let gain = self.to[ri] - resolution * strength * self.total[ri] / two_m;
                if gain > 0.0 && best.is_none_or(|(_, b)| gain > b) {
                    best = Some((r, gain));
                }
            }
            if let Some((r, _)) = best {
                let ri = r as usize;
                let own = self.refined[i] as usize;
                self.outside[ri] += self.outside[i] - 2.0 * self.to[ri];
                self.total[ri] += strength;
                self.size[ri] += 1;
                self.size[own] = 0;
                self.refined[i] = r;
            }
            for &r in &self.touched {
                self.to[r as usize] = 0.0;
            }
            self.touched.clear();
        }
    }
}

/// The nodes of each group of `groups` (numbered `0..count`), by a counting sort:
/// group `r`'s are `members[start[r]..start[r + 1]]`, in node order.
fn members_by(groups: &[u32], count: usize) -> (Vec<usize>, Vec<u32>) {
    let mut start = vec![0usize; count + 1];
    for &r in groups {
        start[r as usize + 1] += 1;
    }
    for r in 0..count {
        start[r + 1] += start[r];
    }
    let mut fill = start.clone();
    let mut members = vec![0u32; groups.len()];
    for (v, &r) in groups.iter().enumerate() {
        members[fill[r as usize]] = v as u32;
        fill[r as usize] += 1;
    }
    (start, members)
}

/// The next level: one node per (compact) group of `groups`, edges summed between
/// groups; its starting partition is `membership` carried over (every group lies
/// inside one community). Its arrays are `spare`'s, refilled.
fn aggregate<'g>(level: &Level, groups: &[u32], membership: &[u32], spare: &mut Spare) -> (Level<'g>, Vec<u32>) {
    let count = groups.iter().map(|&r| r as usize + 1).max().unwrap_or(0);
    let (start, members) = members_by(groups, count);
    // Ranges of groups, one per thread, about equal in edges: each writes its rows
    // into its own stretch of the new arrays (as long as its members' edges, the
    // most its rows can hold), in the order it meets the neighbours, with a dense
    // scratch array; the stretches are then closed up.
    let threads = rayon::current_num_threads().max(1);
    let edges = level.entries();
    let mut bounds = vec![0usize];
    let mut room = vec![0usize];
    let mut held = 0;
    for r in 0..count {
        held += members[start[r]..start[r + 1]]
            .iter()
            .map(|&v| level.degree(v))
            .sum::<usize>();
        if held >= edges.div_ceil(threads) * bounds.len() || r + 1 == count {
            bounds.push(r + 1);
            room.push(held);
        }
    }
    spare.to.resize_with(bounds.len() - 1, Vec::new);
    let mut edges = std::mem::take(&mut spare.edges);
    edges.clear();
    edges.resize(held, Edge::default());
    let mut pieces = Vec::with_capacity(bounds.len() - 1);
    {
        let mut rest = &mut edges[..];
        for (i, to) in spare.to.iter_mut().enumerate() {
            let len = room[i + 1] - room[i];
            let (e, tail) = rest.split_at_mut(len);
            pieces.push((i, e, to));
            rest = tail;
        }
    }
    let lengths: Vec<Vec<usize>> = pieces
        .into_par_iter()
        .map(|(i, e, to)| {
            if to.len() < count {
                to.resize(count, 0.0);
            }
            let (first, last) = (bounds[i], bounds[i + 1]);
            let mut lengths = Vec::with_capacity(last - first);
            let mut at = 0;
            for r in first..last {
                let row_start = at;
                for &v in &members[start[r]..start[r + 1]] {
                    level.each(v, |u, x| {
                        let b = groups[u as usize];
                        if b as usize != r {
                            if to[b as usize] == 0.0 {
                                e[at].to = b;
                                at += 1;
                            }
                            to[b as usize] += x;
                        }
                    });
                }
                for edge in &mut e[row_start..at] {
                    edge.weight = std::mem::take(&mut to[edge.to as usize]) as f32;
                }
                lengths.push(at - row_start);
            }
            lengths
        })
        .collect();
    let mut offsets = std::mem::take(&mut spare.offsets);
    offsets.clear();
    offsets.reserve(count + 1);
    offsets.push(0);
    for (i, part) in lengths.iter().enumerate() {
        let from = room[i];
        let written: usize = part.iter().sum();
        let at = offsets[offsets.len() - 1];
        if from != at {
            edges.copy_within(from..from + written, at);
        }
        for len in part {
            offsets.push(offsets[offsets.len() - 1] + len);
        }
    }
    let total = offsets[offsets.len() - 1];
    edges.truncate(total);
    let mut strength = vec![0.0; count];
    let mut next_membership = vec![0u32; count];
    for v in 0..level.nodes() {
        strength[groups[v] as usize] += level.strength[v];
        next_membership[groups[v] as usize] = membership[v];
    }
    (
        Level {
            offsets: Cow::Owned(offsets),
            targets: Cow::Borrowed(&[]),
            edges: Cow::Owned(edges),
            strength: Cow::Owned(strength),
        },
        next_membership,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two 5-cliques joined by one edge.
    fn two_cliques() -> Graph {
        let mut edges = Vec::new();
        for base in [0, 5] {
            for i in 0..5 {
                for j in i + 1..5 {
                    edges.push((base + i, base + j, 1.0));
                }
            }
        }
        edges.push((4, 5, 1.0));
        Graph::from_edges(10, &edges)
    }

    #[test]
    fn two_cliques_are_two_communities() {
        let g = two_cliques();
        let c = leiden(&g, &Options::default());
        assert_eq!(c.count, 2);
        assert_eq!(c.of, vec![0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
        // Modularity by hand: each side has 10 internal edges of 21, strength 21.
        let expected = 2.0 * (20.0 / 42.0 - (21.0f64 / 42.0).powi(2));
        assert!((c.modularity - expected).abs() < 1e-12, "{}", c.modularity);
        assert!((modularity(&g, &c.of, 1.0) - expected).abs() < 1e-12);
    }

    /// A ring of four whose heavy edges say which neighbours belong together: the
    /// weights, not the shape, decide (a weighted level keeps them, in `f32`).
    #[test]
    fn weights_decide_the_communities() {
        let ring = |heavy: f64, light: f64| {
            Graph::from_edges(4, &[(0, 1, heavy), (1, 2, light), (2, 3, heavy), (3, 0, light)])
        };
        let c = leiden(&ring(10.0, 0.3), &Options::default());
        assert_eq!(c.of, vec![0, 0, 1, 1]);
        let c = leiden(&ring(0.3, 10.0), &Options::default());
        assert_eq!(c.of, vec![0, 1, 1, 0]);
        // By hand: each side holds a heavy edge of the total 20.6, and half the
        // strength.
        let expected = 2.0 * (10.0 / 20.6 - 0.25);
        assert!((c.modularity - expected).abs() < 1e-12, "{}", c.modularity);
    }

    #[test]
    fn a_graph_without_edges_is_all_singletons() {
        let g = Graph::from_edges(3, &[]);
        let c = leiden(&g, &Options::default());
        assert_eq!(c.count, 3);
        assert_eq!(c.modularity, 0.0);
    }

    /// 20,000 nodes in cells of ten, four edges inside the cell and one outside
    /// per node: large enough that the local move's batches are decided on
    /// several threads.
    fn planted() -> (Graph, Vec<u32>) {
        use rand::Rng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let n = 20_000u32;
        let mut edges = Vec::new();
        for v in 0..n {
            let cell = v / 10 * 10;
            for _ in 0..4 {
                edges.push((v, cell + rng.random_range(0..10), 1.0));
            }
            edges.push((v, rng.random_range(0..n), 1.0));
        }
        let truth = (0..n).map(|v| v / 10).collect();
        (Graph::from_edges(n as usize, &edges), truth)
    }

    #[test]
    fn batches_decided_on_any_number_of_threads_give_one_result() {
        let (g, truth) = planted();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool");
            pool.install(|| leiden(&g, &Options::default()))
        };
        let one = run(1);
        assert_eq!(one, run(2));
        assert_eq!(one, run(3));
        // And the cells are found: at least the planted partition's modularity.
        let planted = modularity(&g, &truth, 1.0);
        assert!(one.modularity >= planted, "{} < {planted}", one.modularity);
    }

    /// Whether the members of each community of `of` are connected through
    /// edges inside it.
    fn communities_are_connected(g: &Graph, of: &[u32]) -> bool {
        // Connection needs no weights: the ends alone, as on a unit level.
        let (offsets, targets, _) = g.parts();
        let level = Level {
            offsets: Cow::Borrowed(offsets),
            targets: Cow::Borrowed(targets),
            edges: Cow::Borrowed(&[]),
            strength: Cow::Owned(vec![0.0; g.nodes()]),
        };
        let parts = connected_parts(&level, of);
        renumber(&parts).1 == renumber(of).1
    }

    #[test]
    fn every_community_is_connected() {
        use rand::Rng;
        for seed in 0..20 {
            // Sparse random graphs with hubs: where a last move of single nodes is
            // most likely to cut a community in two.
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let n = 400u32;
            let mut edges = Vec::new();
            for v in 0..n {
                edges.push((v, rng.random_range(0..n), 1.0));
                if v % 3 == 0 {
                    edges.push((v, (v + 1) % n, 1.0));
                }
                if v % 50 == 0 {
                    for _ in 0..30 {
                        edges.push((v, rng.random_range(0..n), 1.0));
                    }
                }
            }
            edges.retain(|&(a, b, _)| a != b);
            let g = Graph::from_edges(n as usize, &edges);
            let c = leiden(
                &g,
                &Options {
                    seed,
                    ..Options::default()
                },
            );
            assert!(communities_are_connected(&g, &c.of), "seed {seed}");
            assert!((c.modularity - modularity(&g, &c.of, 1.0)).abs() < 1e-12);
        }
        // The check itself sees a split community: two edges, one community.
        let g = Graph::from_edges(4, &[(0, 1, 1.0), (2, 3, 1.0)]);
        assert!(!communities_are_connected(&g, &[0, 0, 0, 0]));
        assert!(communities_are_connected(&g, &[0, 0, 1, 1]));
    }

    #[test]
    fn a_community_in_pieces_is_split_into_its_connected_parts() {
        // Community 0 holds {0, 1} and {2, 3}, unconnected; node 4 hangs off 1
        // but is in community 1.
        let g = Graph::from_edges(5, &[(0, 1, 1.0), (2, 3, 2.5), (1, 4, 1.0)]);
        let (offsets, targets, weights) = g.parts();
        let edges: Vec<Edge> = targets
            .iter()
            .zip(weights)
            .map(|(&to, &w)| Edge { to, weight: w as f32 })
            .collect();
        let level = Level {
            offsets: Cow::Borrowed(offsets),
            targets: Cow::Borrowed(&[]),
            edges: Cow::Owned(edges),
            strength: Cow::Owned(vec![0.0; 5]),
        };
        assert_eq!(connected_parts(&level, &[0, 0, 0, 0, 1]), vec![0, 0, 2, 2, 4]);
        // Splitting a disconnected community never lowers modularity.
        let before = modularity(&g, &[0, 0, 0, 0, 1], 1.0);
        assert!(modularity(&g, &[0, 0, 2, 2, 4], 1.0) > before);
    }

    #[test]
    fn the_same_seed_gives_the_same_communities() {
        let g = two_cliques();
        let a = leiden(
            &g,
            &Options {
                seed: 7,
                ..Options::default()
            },
        );
        let b = leiden(
            &g,
            &Options {
                seed: 7,
                ..Options::default()
            },
        );
        assert_eq!(a, b);
    }
}

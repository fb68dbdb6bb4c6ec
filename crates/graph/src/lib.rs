//! Network analysis for investigation graphs: who works with whom (connected
//! networks, communities), who the brokers are (betweenness), who matters (PageRank,
//! degree), how two people are connected (shortest paths) and who is near whom
//! (k-hop neighbourhoods).
//!
//! Written here rather than taken from petgraph or rustworkx-core: those crates have
//! no Leiden, run single-threaded, and keep adjacency in per-node vectors; the
//! product must analyse a million-node graph faster than NetworKit's parallel C++.
//! Everything works on one compact, immutable [`Graph`] in compressed sparse row
//! form (`csr`), undirected and weighted, with nodes numbered `0..n`; labels live
//! beside it (`edgelist`). Results are deterministic for a seed; the algorithms
//! that allow it run on every core (rayon).
//!
//! This crate knows nothing of the store or of persons: the investigation graph is
//! built by its caller, which maps entities to node numbers and keeps the evidence.

pub mod betweenness;
pub mod components;
pub mod csr;
pub mod edgelist;
pub mod leiden;
pub mod pagerank;
pub mod paths;
pub mod sample;

pub use csr::Graph;
pub use edgelist::{EdgeList, ParseError};

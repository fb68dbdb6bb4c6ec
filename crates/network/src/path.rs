//! How two parties are connected: a shortest chain of links, each with the
//! evidence it rests on.

use corridor_graph::paths::Search;
use serde::Serialize;

use crate::build::{Evidence, InvestigationGraph};

/// One party on the path and the evidence linking it to the previous one (none for
/// the first).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathStep {
    pub node: u32,
    pub id: String,
    pub name: String,
    pub protected: bool,
    pub evidence: Vec<Evidence>,
}

/// A shortest path (fewest links) from party `a` to party `b`, or `None` when no
/// chain of links joins them.
pub fn path(g: &InvestigationGraph, a: u32, b: u32) -> Option<Vec<PathStep>> {
    let graph = g.graph();
    let nodes = Search::new(&graph).shortest_path(&graph, a, b)?;
    let mut steps = Vec::with_capacity(nodes.len());
    for (i, &v) in nodes.iter().enumerate() {
        let evidence = if i == 0 {
            Vec::new()
        } else {
            g.link(nodes[i - 1], v).map(|l| l.evidence.clone()).unwrap_or_default()
        };
        let node = &g.nodes[v as usize];
        steps.push(PathStep {
            node: v,
            id: node.id.clone(),
            name: node.name.clone(),
            protected: node.is_protected(),
            evidence,
        });
    }
    Some(steps)
}

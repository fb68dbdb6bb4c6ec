//! The algorithms against values other tools compute: Zachary's karate club (the
//! values NetworkX and igraph give, which the literature quotes) and a random
//! planted-partition graph of 400 nodes checked against python-igraph and
//! leidenalg. `data/make_reference.py` wrote the reference values; these tests read
//! only the files it wrote.

use corridor_graph::{betweenness, components, edgelist, leiden, pagerank, paths};
use serde_json::Value;

fn data(name: &str) -> String {
    let path = format!("{}/tests/it/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

struct Case {
    edges: edgelist::EdgeList,
    reference: Value,
}

fn case(name: &str) -> Case {
    let edges = edgelist::parse(&data(&format!("{name}.edges"))).expect("reference edges parse");
    let all: Value = serde_json::from_str(&data("reference.json")).expect("reference json");
    Case {
        edges,
        reference: all[name].clone(),
    }
}

impl Case {
    fn numbers(&self, key: &str) -> Vec<f64> {
        self.reference[key]
            .as_array()
            .unwrap_or_else(|| panic!("reference has no {key}"))
            .iter()
            .map(|v| v.as_f64().expect("a number"))
            .collect()
    }

    /// Reference values are indexed by the node number in the edge file; our node
    /// numbering is by label, so look each label up.
    fn node(&self, original: usize) -> u32 {
        self.edges
            .labels
            .find(&original.to_string())
            .expect("every node has an edge")
    }
}

fn assert_close(what: &str, ours: f64, theirs: f64, tolerance: f64) {
    assert!(
        (ours - theirs).abs() <= tolerance * theirs.abs().max(1.0),
        "{what}: ours {ours}, reference {theirs}"
    );
}

mod karate;
mod random;

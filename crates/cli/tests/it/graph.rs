//! `corridor graph analyze` on an edge list: results as JSON, a node table, and
//! clear refusals of bad input.

use super::*;

fn karate() -> String {
    format!("{}/../graph/tests/it/data/karate.edges", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn analyze_writes_every_result_as_json_and_a_node_table() {
    let dir = tempfile::tempdir().expect("tmp");
    let nodes = dir.path().join("nodes.csv");
    let store = dir.path().join("unused.db");
    let o = corridor(
        &store,
        &[
            "graph",
            "analyze",
            "--edges",
            &karate(),
            "--top",
            "2",
            "--nodes",
            nodes.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["nodes"], 34);
    assert_eq!(v["edges"], 78);
    assert_eq!(v["components"]["count"], 1);
    // Karate: the instructor (0) is the top broker, four communities at the optimum.
    assert_eq!(v["betweenness"]["top"][0]["node"], "0");
    assert_eq!(v["betweenness"]["exact"], true);
    assert_eq!(v["pagerank"]["top"][0]["node"], "33");
    assert_eq!(v["leiden"]["communities"], 4);
    assert!(v["leiden"]["modularity"].as_f64().expect("q") > 0.419);
    assert_eq!(v["paths"]["found"], 1000);
    for step in [
        "load",
        "components",
        "pagerank",
        "leiden",
        "betweenness",
        "paths",
        "neighbourhoods",
    ] {
        assert!(v["milliseconds"][step].as_f64().is_some(), "{step} timed");
    }
    let table = std::fs::read_to_string(&nodes).expect("node table");
    let mut lines = table.lines();
    assert_eq!(
        lines.next(),
        Some("node,degree,component,community,pagerank,betweenness")
    );
    assert_eq!(lines.count(), 34);
    // No store is touched by an edge-list analysis.
    assert!(!store.exists());
    // The same seed gives the same output, timings aside.
    let again = corridor(&store, &["graph", "analyze", "--edges", &karate(), "--top", "2"]);
    let w: serde_json::Value = serde_json::from_str(&stdout(&again)).expect("json");
    assert_eq!(v["leiden"], w["leiden"]);
    assert_eq!(v["paths"], w["paths"]);
}

#[test]
fn bad_edge_lists_are_refused_with_the_line_and_no_output() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("unused.db");
    let nodes = dir.path().join("nodes.csv");
    let cases: [(&[u8], &str); 3] = [
        (b"1 2\n# fine\n3\n", "line 3"),
        (b"1 2 -4\n", "weight `-4` is not a positive number"),
        (b"1 2\n\xff\xfe 3\n", "not UTF-8"),
    ];
    for (text, message) in cases {
        let file = dir.path().join("bad.edges");
        std::fs::write(&file, text).expect("write");
        let o = corridor(
            &store,
            &[
                "graph",
                "analyze",
                "--edges",
                file.to_str().expect("utf8"),
                "--nodes",
                nodes.to_str().expect("utf8"),
            ],
        );
        assert_eq!(code(&o), 4, "{}", stderr(&o));
        assert!(stderr(&o).contains(message), "{message}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
        assert!(!nodes.exists(), "no half-written node table");
    }
    let o = corridor(&store, &["graph", "analyze", "--edges", "/no/such/file.edges"]);
    assert_eq!(code(&o), 7);
    assert!(stderr(&o).contains("/no/such/file.edges"));
}

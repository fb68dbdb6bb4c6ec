//! Zachary's karate club: 34 members, 78 friendships.

use super::*;

#[test]
fn sizes_and_degrees() {
    let c = case("karate");
    let g = &c.edges.graph;
    assert_eq!(g.nodes(), 34);
    assert_eq!(g.edges(), 78);
    assert_eq!(components::components(g).count, 1);
    for (v, d) in c.numbers("degree").iter().enumerate() {
        assert_eq!(g.degree(c.node(v)) as f64, *d, "degree of {v}");
    }
}

#[test]
fn exact_betweenness_is_networkx_and_igraph() {
    let c = case("karate");
    let ours = betweenness::exact(&c.edges.graph);
    // The instructor (0) and the administrator (33) are the brokers.
    assert_close("node 0", ours[c.node(0) as usize], 231.0714285714286, 1e-9);
    assert_close("node 33", ours[c.node(33) as usize], 160.5515873015873, 1e-9);
    for key in ["betweenness", "networkx_betweenness"] {
        for (v, b) in c.numbers(key).iter().enumerate() {
            assert_close(&format!("{key} of {v}"), ours[c.node(v) as usize], *b, 1e-9);
        }
    }
}

#[test]
fn pagerank_is_igraphs() {
    let c = case("karate");
    let pr = pagerank::pagerank(&c.edges.graph, 0.85, 1e-12, 1000);
    let total: f64 = pr.scores.iter().sum();
    assert_close("sum", total, 1.0, 1e-9);
    for (v, p) in c.numbers("pagerank").iter().enumerate() {
        assert_close(&format!("pagerank of {v}"), pr.scores[c.node(v) as usize], *p, 1e-6);
    }
}

#[test]
fn leiden_finds_the_best_known_partition() {
    let c = case("karate");
    let g = &c.edges.graph;
    let found = leiden::leiden(g, &leiden::Options::default());
    // 0.4198 is the maximum modularity of the karate club (Brandes et al. 2008
    // proved it optimal); leidenalg finds it too.
    let best = c.reference["leidenalg_modularity"].as_f64().expect("modularity");
    assert_close("best known", best, 0.4197896, 1e-6);
    assert!(
        found.modularity >= best - 0.005,
        "modularity {} < {best}",
        found.modularity
    );
    assert_close(
        "reported",
        found.modularity,
        leiden::modularity(g, &found.of, 1.0),
        1e-12,
    );
    assert_eq!(found.count, 4, "the optimum has four communities");
}

#[test]
fn distances_and_two_hop_neighbourhoods() {
    let c = case("karate");
    let g = &c.edges.graph;
    let mut search = paths::Search::new(g);
    for (v, d) in c.numbers("distances_from_0").iter().enumerate() {
        let path = search.shortest_path(g, c.node(0), c.node(v)).expect("connected");
        assert_eq!(path.len() as f64 - 1.0, *d, "distance 0 to {v}");
        assert_eq!(path.first(), Some(&c.node(0)));
        assert_eq!(path.last(), Some(&c.node(v)));
        for step in path.windows(2) {
            assert!(g.neighbours(step[0]).contains(&step[1]), "a path runs along edges");
        }
    }
    for (v, size) in c.numbers("two_hop_sizes").iter().enumerate() {
        let near = search.neighbourhood(g, c.node(v), 2);
        assert_eq!(near.first(), Some(&c.node(v)), "the centre comes first");
        assert_eq!(near.len() as f64 - 1.0, *size, "2-hop neighbourhood of {v}");
    }
}

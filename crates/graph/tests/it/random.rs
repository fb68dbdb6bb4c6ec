//! A random planted-partition graph (400 nodes in eight cells) against
//! python-igraph and leidenalg.

use super::*;

#[test]
fn betweenness_exact_is_igraphs_and_sampled_is_near_it() {
    let c = case("random");
    let g = &c.edges.graph;
    assert_eq!(g.nodes() as f64, c.reference["nodes"].as_f64().expect("n"));
    assert_eq!(g.edges() as f64, c.reference["edges"].as_f64().expect("m"));
    let exact = betweenness::exact(g);
    let reference = c.numbers("betweenness");
    for (v, b) in reference.iter().enumerate() {
        assert_close(&format!("betweenness of {v}"), exact[c.node(v) as usize], *b, 1e-9);
    }
    // Sampling half the sources: the top brokers stay the top brokers.
    let (sampled, sources) = betweenness::sampled(g, 200, 7);
    assert_eq!(sources.len(), 200);
    let top = |scores: &[f64]| {
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]));
        order.truncate(10);
        order
    };
    let (top_exact, top_sampled) = (top(&exact), top(&sampled));
    let shared = top_exact.iter().filter(|v| top_sampled.contains(v)).count();
    assert!(shared >= 7, "top-10 brokers shared: {shared}");
    let total = |s: &[f64]| s.iter().sum::<f64>();
    assert_close("sampled total", total(&sampled), total(&exact), 0.1);
}

#[test]
fn pagerank_and_components_are_igraphs() {
    let c = case("random");
    let g = &c.edges.graph;
    assert_eq!(
        components::components(g).count as f64,
        c.reference["components"].as_f64().expect("components")
    );
    let pr = pagerank::pagerank(g, 0.85, 1e-12, 1000);
    for (v, p) in c.numbers("pagerank").iter().enumerate() {
        assert_close(&format!("pagerank of {v}"), pr.scores[c.node(v) as usize], *p, 1e-6);
    }
}

#[test]
fn leiden_modularity_at_least_leidenalgs() {
    let c = case("random");
    let g = &c.edges.graph;
    let theirs = c.reference["leidenalg_modularity"].as_f64().expect("modularity");
    for seed in [1, 2, 3] {
        let found = leiden::leiden(
            g,
            &leiden::Options {
                seed,
                ..Default::default()
            },
        );
        assert!(
            found.modularity >= theirs - 0.005,
            "seed {seed}: modularity {} below leidenalg's {theirs}",
            found.modularity
        );
        // Leiden's guarantee: every community is connected.
        for k in 0..found.count as u32 {
            let inside: Vec<u32> = (0..g.nodes() as u32).filter(|v| found.of[*v as usize] == k).collect();
            let mut search = paths::Search::new(g);
            let reach = search.neighbourhood(g, inside[0], g.nodes());
            for v in &inside[1..] {
                assert!(reach.contains(v), "community {k} is connected");
            }
        }
    }
}

#[test]
fn distances_are_igraphs() {
    let c = case("random");
    let g = &c.edges.graph;
    let queries: Vec<(u32, u32)> = (0..g.nodes()).map(|v| (c.node(0), c.node(v))).collect();
    let found = paths::shortest_paths(g, &queries);
    for (v, d) in c.numbers("distances_from_0").iter().enumerate() {
        let hops = found[v].as_ref().map_or(-1.0, |p| p.len() as f64 - 1.0);
        assert_eq!(hops, *d, "distance 0 to {v}");
    }
    let nodes: Vec<u32> = (0..g.nodes()).map(|v| c.node(v)).collect();
    let near = paths::neighbourhoods(g, &nodes, 2);
    for (v, size) in c.numbers("two_hop_sizes").iter().enumerate() {
        assert_eq!(near[v].len() as f64 - 1.0, *size, "2-hop neighbourhood of {v}");
    }
}

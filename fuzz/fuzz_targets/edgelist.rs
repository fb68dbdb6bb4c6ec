//! The edge-list parser on arbitrary text: it either names a bad line or returns a
//! graph whose every node has a label that finds it again, whose edges are distinct,
//! in range and not loops, and on which the algorithms run without panicking.
#![no_main]

use corridor_graph::{components, edgelist, leiden, paths};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match edgelist::parse(text) {
        Err(e) => assert!(e.line >= 1 && e.line <= text.lines().count().max(1), "{e}"),
        Ok(list) => {
            let g = &list.graph;
            assert_eq!(list.labels.len(), g.nodes());
            for v in 0..g.nodes() as u32 {
                assert_eq!(list.labels.find(&list.labels.label(v)), Some(v));
                let ns = g.neighbours(v);
                assert!(ns.windows(2).all(|w| w[0] < w[1]) && !ns.contains(&v));
            }
            assert!(components::components(g).count <= g.nodes());
            let c = leiden::leiden(g, &leiden::Options::default());
            assert!(c.modularity <= 1.0 + 1e-9);
            if g.nodes() > 1 {
                assert!(
                    paths::Search::new(g)
                        .shortest_path(g, 0, 1)
                        .is_none_or(|p| p.len() >= 2)
                );
            }
        }
    }
});

//! How long a node takes to answer a network request from its kept graph:
//! `cargo run --release -p corridor-app --example graph_cache -- STORE`
//! (used by `bench/hub/run.sh`). Prints JSON: the first (building) and the next
//! (cached) request's seconds, with a filter per reader.

use std::time::Instant;

use corridor_app::Session;
use corridor_app::network::{GraphCache, NetworkQuery};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("give the store's path")?;
    let path = std::path::Path::new(&path);
    let mut store = corridor_app::node::open_store(path, &corridor_store::node_key_path(path), false)?;
    let session = Session::new("bench", "bench")?;
    let mut cache = GraphCache::default();
    let query = NetworkQuery::default();
    let t = Instant::now();
    let first = cache.open(&mut store, &session, &query)?;
    let first_s = t.elapsed().as_secs_f64();
    let networks = first.networks().networks.len();
    let mut cached = Vec::new();
    for handling in [vec![], vec!["H0".to_string(), "H1".to_string()]] {
        let q = NetworkQuery {
            handling,
            ..NetworkQuery::default()
        };
        let t = Instant::now();
        let view = cache.open(&mut store, &session, &q)?;
        let found = view.networks();
        cached.push((t.elapsed().as_secs_f64(), found.networks.len()));
    }
    println!(
        "{}",
        serde_json::json!({
            "first_request_s": first_s, "networks": networks, "builds": cache.builds(),
            "cached_requests_s": cached.iter().map(|c| c.0).collect::<Vec<_>>(),
        })
    );
    Ok(())
}

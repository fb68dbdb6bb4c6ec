//! How long a running node takes to ingest one row and match its person against a
//! resolved store (through the store's matching index), with the store already
//! open: `cargo run --release -p corridor-app --example ingest_one -- STORE MAPPING
//! FILE [FILE …]`. Each FILE is ingested in turn; prints JSON with each one's
//! seconds and what matching did.

use std::time::Instant;

use corridor_app::Session;
use corridor_app::ingest::{IngestRequest, ingest_file};
use corridor_ingest::{Limits, NoProgress};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [store, mapping, files @ ..] = args.as_slice() else {
        return Err("give STORE MAPPING FILE…".into());
    };
    let path = std::path::Path::new(store);
    let mut store = corridor_app::node::open_store(path, &corridor_store::node_key_path(path), false)?;
    let session = Session::new("bench", "bench")?;
    let text = std::fs::read_to_string(mapping)?;
    let mut out = Vec::new();
    for file in files {
        let t = Instant::now();
        let outcome = ingest_file(
            &mut store,
            &session,
            &IngestRequest {
                mapping_name: mapping,
                mapping_text: &text,
                file: std::path::Path::new(file),
                rejects: Some(std::env::temp_dir().join("ingest_one.rejects.jsonl")),
                limits: Limits::default(),
            },
            &NoProgress,
        )?;
        out.push(
            serde_json::json!({"file": file, "seconds": t.elapsed().as_secs_f64(), "resolution": outcome.resolution}),
        );
    }
    println!("{}", serde_json::Value::Array(out));
    Ok(())
}

//! Reads `{"lines": [...]}` per line from a file into memory, then times
//! `corridor_mrz::parse` over every document — on one core, and on every core —
//! exactly as `peer_mrz.py` times the Python package (loaded first, checking only),
//! median of five runs each.
//! Prints one JSON line.

use std::time::Instant;

use rayon::prelude::*;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: bench-mrz-parse MRZ.jsonl")?;
    let text = std::fs::read_to_string(&path)?;
    let mut docs: Vec<Vec<String>> = Vec::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let lines = v["lines"]
            .as_array()
            .ok_or("each line needs a \"lines\" array")?
            .iter()
            .map(|l| l.as_str().unwrap_or_default().to_string())
            .collect();
        docs.push(lines);
    }
    let today = (2026, 11, 25);
    // Median of five runs each, so one page-fault storm or scheduler hiccup does not decide.
    let median = |f: &dyn Fn() -> usize| -> (usize, f64) {
        let mut times = Vec::new();
        let mut valid = 0;
        for _ in 0..5 {
            let start = Instant::now();
            valid = f();
            times.push(start.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        (valid, times[2])
    };
    let (valid_one, one_core) = median(&|| docs.iter().filter(|d| corridor_mrz::parse(d, today).valid).count());
    let (valid_all, all_cores) = median(&|| docs.par_iter().filter(|d| corridor_mrz::parse(d, today).valid).count());
    if valid_one != valid_all {
        return Err("one core and all cores disagree on the valid count".into());
    }
    println!(
        "{}",
        serde_json::json!({
            "documents": docs.len(),
            "valid": valid_one,
            "seconds_one_core": one_core,
            "seconds_all_cores": all_cores,
            "cores": rayon::current_num_threads(),
        })
    );
    Ok(())
}

//! Builds an index of N resolved person records (a seeded population: 1–3 records
//! per person, names from 400 given names × 4,000 surnames written in Latin or
//! Cyrillic, birth dates, phones), then times `Index::add` for 1,000 new records,
//! half of them new records of known people. Prints one JSON line: build time,
//! add latency (median, p99, max) and peak RSS.
//!
//! Usage: bench-resolve-incremental N

use std::time::Instant;

use corridor_resolve::{Index, Model, Policy, Record, TermFrequencies, default_rules};
use rand::{Rng, SeedableRng};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const LATIN: &[u8] = b"abcdefghijklmnoprstuvz";

fn word(rng: &mut rand_chacha::ChaCha8Rng, len: usize) -> String {
    let mut w: String = (0..len)
        .map(|_| LATIN[rng.random_range(0..LATIN.len())] as char)
        .collect();
    if let Some(first) = w.get(..1).map(str::to_uppercase) {
        w.replace_range(..1, &first);
    }
    w
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .ok_or("usage: bench-resolve-incremental N")?
        .parse()?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let given: Vec<String> = (0..400).map(|_| word(&mut rng, 5)).collect();
    let surnames: Vec<String> = (0..4000).map(|_| format!("{}ić", word(&mut rng, 6))).collect();
    let person = |rng: &mut rand_chacha::ChaCha8Rng, p: usize, r: usize| Record {
        id: format!("ds:p{p}-r{r}:person"),
        dataset: "ds".into(),
        names: vec![format!(
            "{} {}",
            given[p * 7 % given.len()],
            surnames[p * 13 % surnames.len()]
        )],
        birth_date: rng
            .random_bool(0.85)
            .then(|| format!("{}-{:02}-{:02}", 1950 + p % 55, 1 + p % 12, 1 + p % 28)),
        phones: if rng.random_bool(0.6) {
            vec![format!("+3816{:08}", p)]
        } else {
            vec![]
        },
        ..Record::default()
    };
    let mut records = Vec::with_capacity(n);
    let mut p = 0;
    while records.len() < n {
        for r in 0..rng.random_range(1..4) {
            records.push(person(&mut rng, p, r));
        }
        p += 1;
    }
    records.truncate(n);
    // A model as resolution trains it on such data: strong name, date and phone levels.
    let model: Model = serde_json::from_str(include_str!("model.json"))?;
    let start = Instant::now();
    let features: Vec<corridor_resolve::Features> = records.iter().map(corridor_resolve::Features::of).collect();
    let mut index = Index::new(
        model,
        default_rules(),
        Policy::default(),
        TermFrequencies::of(&features),
    );
    drop(features);
    for r in &records {
        let identity = r.id.clone();
        index.insert_resolved(r, &identity);
    }
    let build = start.elapsed().as_secs_f64();
    let mut times = Vec::with_capacity(1000);
    let mut joined = 0;
    for i in 0..1000 {
        let known = i % 2 == 0;
        let mut r = person(&mut rng, if known { i * 37 % p } else { p + i }, 9);
        r.id = format!("ds:new{i}:person");
        let t = Instant::now();
        let added = index.add(&r);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        joined += usize::from(!added.joined.is_empty());
    }
    times.sort_by(f64::total_cmp);
    let rss_kib = std::fs::read_to_string("/proc/self/status")?
        .lines()
        .find_map(|l| {
            l.strip_prefix("VmHWM:")
                .map(|v| v.trim().trim_end_matches(" kB").trim().to_string())
        })
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    println!(
        "{}",
        serde_json::json!({
            "records": n,
            "index_build_seconds": build,
            "add_ms_median": times[times.len() / 2],
            "add_ms_p99": times[times.len() * 99 / 100],
            "add_ms_max": times[times.len() - 1],
            "joined_of_1000": joined,
            "peak_rss_mib": rss_kib / 1024,
        })
    );
    Ok(())
}

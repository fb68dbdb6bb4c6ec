//! `bench-psi RESPONDER QUERY OVERLAP`: a responder set of RESPONDER phone
//! numbers, a query of QUERY numbers of which OVERLAP are held. Prints one JSON
//! object: preparation time (all tags, every core), the query's three steps, the
//! bytes of the query and the answer as they travel (the JSON bodies), the bytes
//! of the one-time tag transfer, and the hits found (checked against OVERLAP).

use std::collections::HashSet;
use std::time::Instant;

use corridor_exchange::SelectorKind;
use corridor_exchange::psi::{self, ResponderKey, Tag};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn phone(i: usize) -> String {
    format!("+3069{:08}", i)
}

fn main() {
    let arg =
        |i: usize, default: usize| -> usize { std::env::args().nth(i).and_then(|a| a.parse().ok()).unwrap_or(default) };
    let (n, q, overlap) = (arg(1, 1_000_000), arg(2, 10_000), arg(3, 1_000));
    assert!(
        overlap <= q && overlap <= n,
        "OVERLAP must be at most QUERY and RESPONDER"
    );
    let key = match ResponderKey::generate() {
        Ok(k) => k,
        Err(e) => {
            eprintln!("bench-psi: {e}");
            std::process::exit(1);
        }
    };
    let held: Vec<String> = (0..n).map(phone).collect();
    let items: Vec<(SelectorKind, &str)> = held.iter().map(|v| (SelectorKind::Phone, v.as_str())).collect();
    let t = Instant::now();
    let tags: HashSet<Tag> = key.tags(&items).into_iter().flatten().collect();
    let prepare = t.elapsed().as_secs_f64();
    // The first OVERLAP asked are held; the rest are not.
    let asked: Vec<String> = (0..q)
        .map(|i| {
            if i < overlap {
                phone(i * (n / overlap.max(1)).max(1) % n)
            } else {
                phone(n + i)
            }
        })
        .collect();
    let t = Instant::now();
    let (query, pending) = psi::blind(SelectorKind::Phone, "investigation", &asked).expect("blind");
    let blind = t.elapsed().as_secs_f64();
    let query_bytes = serde_json::to_string(&query).expect("json").len();
    let t = Instant::now();
    let answer = key.answer(&query).expect("answer");
    let evaluate = t.elapsed().as_secs_f64();
    let answer_bytes = serde_json::to_string(&answer).expect("json").len();
    let t = Instant::now();
    let hits = pending.finish(&answer, &tags).expect("finish");
    let finish = t.elapsed().as_secs_f64();
    assert_eq!(hits.len(), overlap, "every held selector found, nothing else");
    let gz = |text: &str| -> usize {
        use std::io::Write;
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(text.as_bytes()).expect("gzip");
        z.finish().expect("gzip").len()
    };
    let query_gzip = gz(&serde_json::to_string(&query).expect("json"));
    let answer_gzip = gz(&serde_json::to_string(&answer).expect("json"));
    let out = serde_json::json!({
        "query_bytes_gzip": query_gzip, "answer_bytes_gzip": answer_gzip,
        "responder": n, "query": q, "overlap": overlap, "hits": hits.len(),
        "prepare_s": prepare, "tags_bytes_raw": tags.len() * psi::TAG_BYTES,
        "tags_bytes_base64": (tags.len() * psi::TAG_BYTES).div_ceil(3) * 4,
        "blind_s": blind, "evaluate_s": evaluate, "finish_s": finish,
        "query_s": blind + evaluate + finish,
        "query_bytes": query_bytes, "answer_bytes": answer_bytes,
    });
    println!("{out}");
}

//! `bench-bloom RECORDS A B OUT.csv`: encodes RECORDS synthetic people (common
//! names of the corridor's populations, with birth dates) with Corridor's
//! encoding and with the clkhash-compatible one (the schema of
//! `bench/bloom/schema.json`), writes the records to OUT.csv for the peers to
//! encode the same, then compares A × B encodings by Dice similarity and the
//! same pairs by bare AND-and-popcount (the roofline: no threshold, no
//! bookkeeping). Prints JSON.

use std::time::Instant;

use corridor_exchange::bloom::{Encoder, Encoding, Identity};
use rand::{Rng, SeedableRng};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const FIRST: &[&str] = &[
    "Mohammed", "Mohamed", "Muhammad", "Ahmed", "Ali", "Omar", "Abdullah", "Hassan", "Hussein", "Ibrahim", "Yusuf",
    "Mustafa", "Khalid", "Bilal", "Imran", "Zubair", "Farhad", "Reza", "Jamal", "Waleed", "Fatima", "Aisha", "Maryam",
    "Zainab", "Amina", "Abubakar", "Sani", "Musa", "Idris", "Marko", "Nikola", "Stefan", "Dimitar", "Georgios", "Ivan",
    "Arben", "Besnik", "Goran", "Dragan", "Milan",
];
const LAST: &[&str] = &[
    "Khan",
    "Ahmadi",
    "Hussaini",
    "Mohammadi",
    "Rahimi",
    "Karimi",
    "Hassan",
    "Ali",
    "Abdullah",
    "Ibrahim",
    "Al Sayed",
    "El-Sayed",
    "Al-Tamimi",
    "Jafari",
    "Hussain",
    "Iqbal",
    "Abubakar",
    "Bello",
    "Musa",
    "Yusuf",
    "Jovanović",
    "Petrović",
    "Nikolić",
    "Đorđević",
    "Ivanov",
    "Georgiev",
    "Papadopoulos",
    "Hoxha",
    "Krasniqi",
    "Stojanovski",
    "Popescu",
    "Demir",
    "Yilmaz",
    "Kaya",
    "Haidari",
    "Noori",
    "Sultani",
    "Barakzai",
    "Popal",
    "Stanekzai",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let a_size: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let b_size: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let out = args
        .get(4)
        .cloned()
        .unwrap_or_else(|| "bench/out/bloom_records.csv".into());
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let records: Vec<(String, String, String)> = (0..n)
        .map(|_| {
            let first = FIRST[rng.random_range(0..FIRST.len())].to_string();
            let last = LAST[rng.random_range(0..LAST.len())].to_string();
            let date = format!(
                "{}-{:02}-{:02}",
                rng.random_range(1960..2008),
                rng.random_range(1..13),
                rng.random_range(1..29)
            );
            (first, last, date)
        })
        .collect();
    let mut csv = String::from("firstName,lastName,dob\n");
    for (f, l, d) in &records {
        csv.push_str(&format!("{f},{l},{d}\n"));
    }
    std::fs::write(&out, csv).expect("write the records");

    // Corridor's encoding, one core.
    let enc = Encoder::new(b"a benchmark's agreement secret, 32 bytes").expect("secret");
    let names: Vec<String> = records.iter().map(|(f, l, _)| format!("{f} {l}")).collect();
    let t = Instant::now();
    let encodings: Vec<Encoding> = names
        .iter()
        .zip(&records)
        .filter_map(|(name, (_, _, d))| {
            enc.encode(&Identity {
                name,
                birth_date: Some(d),
            })
        })
        .collect();
    let corridor_s = t.elapsed().as_secs_f64();

    // The clkhash-compatible encoding of the same records, one core.
    let schema = std::fs::read_to_string("bench/bloom/schema.json").expect("bench/bloom/schema.json");
    let clk =
        corridor_exchange::clk::Encoder::new(&schema, b"a benchmark's agreement secret, 32 bytes").expect("schema");
    let t = Instant::now();
    let mut clk_bytes = 0usize;
    for (f, l, d) in &records {
        clk_bytes += clk.encode(&[f, l, d]).expect("clk").len();
    }
    let clk_s = t.elapsed().as_secs_f64();

    // Dice of A × B, one core: the count over a threshold, as matching needs.
    let a = &encodings[..a_size.min(encodings.len())];
    let b: Vec<&Encoding> = encodings.iter().cycle().skip(a.len()).take(b_size).collect();
    let pairs = (a.len() * b.len()) as f64;
    let ones_b: Vec<u32> = b.iter().map(|e| e.ones()).collect();
    let t = Instant::now();
    let mut over = 0usize;
    for x in a {
        let ox = x.ones();
        for (y, oy) in b.iter().zip(&ones_b) {
            let both: u32 = x.0.iter().zip(&y.0).map(|(p, q)| (p & q).count_ones()).sum();
            if 2.0 * f64::from(both) >= 0.8 * f64::from(ox + oy) {
                over += 1;
            }
        }
    }
    let dice_s = t.elapsed().as_secs_f64();
    // The roofline: the same AND and popcount, summed, nothing else.
    let t = Instant::now();
    let mut sum = 0u64;
    for x in a {
        for y in &b {
            sum +=
                x.0.iter()
                    .zip(&y.0)
                    .map(|(p, q)| u64::from((p & q).count_ones()))
                    .sum::<u64>();
        }
    }
    let roof_s = t.elapsed().as_secs_f64();
    // Dice on every core.
    use rayon::prelude::*;
    let t = Instant::now();
    let over_all: usize = a
        .par_iter()
        .map(|x| {
            let ox = x.ones();
            b.iter()
                .zip(&ones_b)
                .filter(|(y, oy)| {
                    let both: u32 = x.0.iter().zip(&y.0).map(|(p, q)| (p & q).count_ones()).sum();
                    2.0 * f64::from(both) >= 0.8 * f64::from(ox + **oy)
                })
                .count()
        })
        .sum();
    let dice_all_s = t.elapsed().as_secs_f64();
    assert_eq!(over, over_all);
    println!(
        "{}",
        serde_json::json!({
            "records": n,
            "corridor_bf1_records_per_s_1core": n as f64 / corridor_s,
            "clk_compatible_records_per_s_1core": n as f64 / clk_s,
            "clk_bytes": clk_bytes,
            "dice_pairs": pairs,
            "dice_pairs_per_s_1core": pairs / dice_s,
            "popcount_roofline_pairs_per_s_1core": pairs / roof_s,
            "dice_share_of_roofline": roof_s / dice_s,
            "dice_pairs_per_s_all_cores": pairs / dice_all_s,
            "cores": rayon::current_num_threads(),
            "over_0_8": over,
            "roofline_checksum": sum,
        })
    );
}

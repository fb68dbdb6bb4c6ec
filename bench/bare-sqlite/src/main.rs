//! The machine's ceiling for the ingest benchmark: reads the benchmark CSV and
//! appends the same statements Corridor stores for it (14 per row: person ×6,
//! phone, uses ×2, passport ×3, holds ×2) to one SQLite table with no index, in one
//! transaction, with the same pragmas as Corridor's store. No mapping, cleaning,
//! provenance, idempotence or history: what is left is the cost of SQLite itself.
//!
//! Usage: bench-bare-sqlite ROWS.csv OUT.db; prints one JSON line.

use std::time::Instant;

/// The same allocator as the `corridor` binary, so the ceiling is measured alike.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(csv_path), Some(db_path)) = (args.get(1), args.get(2)) else {
        return Err("usage: bench-bare-sqlite ROWS.csv OUT.db".into());
    };
    let _ = std::fs::remove_file(db_path);
    let started = Instant::now();
    let conn = rusqlite::Connection::open(db_path)?;
    conn.pragma_update(None, "page_size", 32768)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -65536)?;
    conn.execute_batch(
        "CREATE TABLE statement (id INTEGER PRIMARY KEY, entity_id INTEGER NOT NULL, version_id INTEGER NOT NULL, \
         prop TEXT NOT NULL, value TEXT NOT NULL, raw TEXT, provenance_id INTEGER NOT NULL)",
    )?;
    let mut reader = csv::Reader::from_path(csv_path)?;
    let tx = conn.unchecked_transaction()?;
    let mut rows = 0u64;
    let mut statements = 0u64;
    {
        let mut insert = tx.prepare(
            "INSERT INTO statement (entity_id, version_id, prop, value, raw, provenance_id) VALUES (?1, ?2, ?3, ?4, NULL, 1)",
        )?;
        let mut record = csv::StringRecord::new();
        let mut entity = 0i64;
        while reader.read_record(&mut record)? {
            rows += 1;
            let f = |i: usize| record.get(i).unwrap_or("");
            let person = entity + 1;
            let phone = entity + 2;
            let passport = entity + 3;
            let uses = entity + 4;
            let holds = entity + 5;
            entity += 5;
            let name = format!("{} {}", f(1), f(2));
            let person_ref = format!("bench-persons:{}:person", f(0));
            let values: [(i64, &str, &str); 14] = [
                (person, "name", &name),
                (person, "firstName", f(1)),
                (person, "lastName", f(2)),
                (person, "birthDate", f(3)),
                (person, "nationality", f(4)),
                (person, "category", "suspect"),
                (phone, "number", f(5)),
                (uses, "user", &person_ref),
                (uses, "object", &person_ref),
                (passport, "number", f(6)),
                (passport, "country", f(7)),
                (passport, "type", "passport"),
                (holds, "holder", &person_ref),
                (holds, "document", &person_ref),
            ];
            for (e, prop, value) in values {
                insert.execute(rusqlite::params![e, rows as i64, prop, value])?;
                statements += 1;
            }
        }
    }
    tx.commit()?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"tool\":\"bare rusqlite loop\",\"rows\":{rows},\"statements\":{statements},\"seconds\":{seconds:.3}}}"
    );
    Ok(())
}

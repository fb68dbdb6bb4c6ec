//! Killing a real ingest process (SIGKILL) at random moments leaves the store
//! either without the batch or with all of it, every time.

use std::process::{Command, Stdio};
use std::time::Instant;

use corridor_store::{SqliteStore, Store};

use crate::{BIN, fixture};

/// A small xorshift generator: the seed is printed, so a failing run can be replayed
/// with CORRIDOR_KILL_SEED.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn ingest_cmd(store: &std::path::Path, mapping: &std::path::Path, csv: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--store")
        .arg(store)
        .arg("ingest")
        .arg("--mapping")
        .arg(mapping)
        .arg(csv);
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    cmd
}

#[test]
fn kill_9_at_random_moments_leaves_all_of_a_batch_or_none() {
    const ROWS: usize = 40_000;
    const KILLS: usize = 12;
    let dir = tempfile::tempdir().expect("tmp");
    let (mapping, csv) = fixture(dir.path(), ROWS);
    let (first_mapping, first_csv) = {
        let sub = dir.path().join("first");
        std::fs::create_dir_all(&sub).expect("dir");
        fixture(&sub, 10)
    };

    // A base store with one committed batch, which must survive every kill.
    let base = dir.path().join("base.db");
    drop(SqliteStore::create(&base, "tester").expect("create"));
    let status = ingest_cmd(&base, &first_mapping, &first_csv).status().expect("run");
    assert!(status.success());
    let base_statements = SqliteStore::open(&base)
        .expect("open")
        .stats()
        .expect("stats")
        .statements;

    // An uninterrupted run, for the expected totals and the duration to aim kills at.
    let full = dir.path().join("full.db");
    std::fs::copy(&base, &full).expect("copy");
    let started = Instant::now();
    assert!(ingest_cmd(&full, &mapping, &csv).status().expect("run").success());
    let duration = started.elapsed();
    let expected = SqliteStore::open(&full).expect("open").stats().expect("stats");
    // The base batch holds the file's first 10 rows already: they stay unchanged.
    assert_eq!(expected.records, ROWS as i64);

    let seed = std::env::var("CORRIDOR_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    eprintln!("kill test seed {seed} (replay with CORRIDOR_KILL_SEED={seed}); full ingest took {duration:?}");
    let mut rng = Rng(seed);
    let (mut without, mut with) = (0, 0);
    for i in 0..KILLS {
        let store = dir.path().join(format!("kill{i}.db"));
        std::fs::copy(&base, &store).expect("copy");
        let at = duration.mul_f64(rng.next_f64() * 1.1);
        let mut child = ingest_cmd(&store, &mapping, &csv).spawn().expect("spawn");
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();

        let s = SqliteStore::open(&store).expect("a killed ingest leaves an openable store");
        let report = s.check_consistency().expect("check");
        assert!(report.problems.is_empty(), "kill {i} at {at:?}: {:?}", report.problems);
        let stats = s.stats().expect("stats");
        match stats.batches {
            1 => {
                assert_eq!(
                    (stats.records, stats.statements),
                    (10, base_statements),
                    "kill {i} at {at:?}"
                );
                without += 1;
            }
            2 => {
                assert_eq!(
                    (stats.records, stats.entities, stats.statements),
                    (expected.records, expected.entities, expected.statements),
                    "kill {i} at {at:?}"
                );
                with += 1;
            }
            n => panic!("kill {i} at {at:?}: {n} batches"),
        }
        assert!(
            s.verify_audit().expect("verify").is_intact(),
            "kill {i}: audit chain broken"
        );
    }
    eprintln!("{without} kills left the store without the batch, {with} with all of it");
    assert_eq!(without + with, KILLS);
}

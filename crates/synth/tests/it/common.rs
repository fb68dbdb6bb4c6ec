//! A demo data set generated and ingested once per test run, shared by the tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

use corridor_ingest::{IngestOptions, IngestReport, Mapping, NoProgress};
use corridor_model::Entity;
use corridor_store::{SqliteStore, Store};
use corridor_synth::{Size, SynthConfig, SynthReport};

pub const ACTOR: &str = "test";
pub const PURPOSE: &str = "synth integration test";

/// The generated demo, its store, and what ingest reported for each file.
pub struct Fixture {
    pub dir: PathBuf,
    /// One connection for all tests: reads are audited (written), so they take turns.
    pub store: Mutex<SqliteStore>,
    pub report: SynthReport,
    pub ingests: Vec<IngestReport>,
}

/// Generates a data set into `dir` (cleared first).
pub fn generate(dir: &Path, seed: u64, size: Size) -> SynthReport {
    let _ = std::fs::remove_dir_all(dir);
    corridor_synth::generate(
        &SynthConfig {
            seed,
            size,
            latin_only: false,
        },
        dir,
    )
    .expect("generate")
}

fn build() -> Fixture {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("synth-it");
    let _ = std::fs::remove_dir_all(&root);
    let dir = root.join("data");
    let report = generate(&dir, 2026, Size::Demo);
    let store_path = root.join("store.db");
    let (mut store, _) = SqliteStore::create(&store_path, ACTOR).expect("store");
    let mut ingests = Vec::new();
    for f in &report.files {
        let text = std::fs::read_to_string(dir.join(&f.mapping)).expect("mapping");
        let mapping = Mapping::parse(&f.mapping.display().to_string(), &text).expect("mapping parses");
        let opts = IngestOptions {
            actor: ACTOR.into(),
            purpose: PURPOSE.into(),
            rejects_path: root.join(format!("{}.rejects.jsonl", mapping.dataset)),
            received_at: "2026-01-01T00:00:00Z".into(),
            limits: corridor_ingest::Limits::default(),
        };
        let r = corridor_ingest::ingest(&mut store, &mapping, &text, &dir.join(&f.data), &opts, &NoProgress)
            .expect("ingest");
        ingests.push(r);
    }
    Fixture {
        dir,
        store: Mutex::new(store),
        report,
        ingests,
    }
}

/// The shared fixture.
pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(build)
}

/// The fixture's store, for one test at a time.
pub fn store() -> MutexGuard<'static, SqliteStore> {
    fixture().store.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads an entity by id.
pub fn entity(store: &mut SqliteStore, id: &str) -> Option<Entity> {
    store.entity(id, ACTOR, PURPOSE).expect("read entity")
}

/// Rows of a truth CSV as maps from column to value.
pub fn truth(name: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(fixture().dir.join("truth").join(name)).expect("truth file");
    let headers = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The agency a data set belongs to (data set names start with the agency id).
pub fn agency_of(dataset: &str) -> &'static str {
    const AGENCIES: [&str; 10] = [
        "rs-bp", "mk-bp", "ba-bp", "al-bp", "me-bp", "xk-bp", "bg-bp", "gr-hp", "frontex", "uk-bf",
    ];
    AGENCIES
        .iter()
        .find(|a| dataset.starts_with(*a))
        .copied()
        .unwrap_or("?")
}

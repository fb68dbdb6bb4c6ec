//! The whole demo output ingests without a single rejected row, and every entity
//! named in the ground truth is in the store.

use crate::common::{entity, fixture, store, truth};

#[test]
fn every_file_ingests_without_rejects() {
    let fx = fixture();
    for (f, r) in fx.report.files.iter().zip(&fx.ingests) {
        assert_eq!(
            r.summary.rejected,
            0,
            "{} has rejected rows: see {:?}",
            f.data.display(),
            r.rejects_file
        );
        assert_eq!(r.summary.rows_read, f.rows, "{}", f.data.display());
        assert!(
            r.unmapped_columns.is_empty(),
            "{}: {:?}",
            f.data.display(),
            r.unmapped_columns
        );
    }
}

#[test]
fn every_truth_entity_is_in_the_store() {
    let mut s = store();
    let ids = truth("identities.csv");
    assert!(ids.len() > 3_000);
    for (i, row) in ids.iter().enumerate() {
        // Every entity of the first rows, then a sample.
        if i > 2_000 && i % 7 != 0 {
            continue;
        }
        let id = format!("{}:{}:{}", row["dataset"], row["record_id"], row["entity"]);
        assert!(
            entity(&mut s, &id).is_some(),
            "{id} (truth {}) is not in the store",
            row["true_id"]
        );
    }
}

/// The small size (50,000 records) ingests without rejects too.
#[test]
fn small_ingests_without_rejects() {
    use corridor_ingest::{IngestOptions, Mapping, NoProgress};
    use corridor_store::SqliteStore;

    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let started = std::time::Instant::now();
    let report = crate::common::generate(&dir, 11, corridor_synth::Size::Small);
    let generated = started.elapsed();
    assert!(report.records >= 50_000);
    let (mut store, _) = SqliteStore::create(&tmp.path().join("store.db"), "test").expect("store");
    for f in &report.files {
        let text = std::fs::read_to_string(dir.join(&f.mapping)).expect("mapping");
        let mapping = Mapping::parse("m", &text).expect("parse");
        let opts = IngestOptions {
            actor: "test".into(),
            purpose: "synth small".into(),
            rejects_path: tmp.path().join(format!("{}.rejects.jsonl", mapping.dataset)),
            received_at: "2026-01-01T00:00:00Z".into(),
            limits: corridor_ingest::Limits::default(),
        };
        let r = corridor_ingest::ingest(&mut store, &mapping, &text, &dir.join(&f.data), &opts, &NoProgress)
            .expect("ingest");
        assert_eq!(
            r.summary.rejected,
            0,
            "{}: see {:?}",
            f.data.display(),
            r.rejects_file.map(std::fs::read_to_string)
        );
    }
    eprintln!(
        "small: {} records generated in {generated:?}, ingested by {:?}",
        report.records,
        started.elapsed()
    );
}

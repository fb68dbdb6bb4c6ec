//! Integration tests of the SQLite store, one binary (see style.md).

mod audit;
mod batches;
mod checks;
mod conformance;
mod derived;
mod directory;
mod readlog;

use std::path::Path;

use corridor_model::{Assessment, Handling, HandlingCode};
use corridor_store::{
    BatchSpec, EntityWrite, ProvenanceSpec, RowWrite, SourceSpec, SqliteStore, StatementWrite, Store,
};

pub(crate) fn new_store(dir: &Path) -> SqliteStore {
    SqliteStore::create(&dir.join("test.corridor"), "tester")
        .expect("create store")
        .0
}

pub(crate) fn source(store: &mut SqliteStore, agency: &str) -> i64 {
    store
        .register_source(&SourceSpec {
            agency: agency.into(),
            country: "SRB".into(),
            agency_name: "Border Police".into(),
            unit: "Subotica".into(),
            informant_code: String::new(),
        })
        .expect("source")
}

pub(crate) fn spec(source_id: i64) -> BatchSpec {
    BatchSpec {
        dataset: "rs-intercepts".into(),
        source_id,
        file_name: "intercepts.csv".into(),
        file_sha256: "00".into(),
        mapping_sha256: "00".into(),
        actor: "tester".into(),
        purpose: "case 7".into(),
        received_at: "2026-11-01T10:00:00Z".into(),
    }
}

pub(crate) fn provenance(source_id: i64, grading: &str, code: HandlingCode, text: Option<&str>) -> ProvenanceSpec {
    ProvenanceSpec {
        source_id,
        grading: grading.parse().expect("grading"),
        handling: Handling::new(code, text.map(str::to_string), None).expect("handling"),
        assessment: Assessment::Fact,
    }
}

/// Writes rows `(key, name)` as one Person each in one batch and commits.
pub(crate) fn ingest(store: &mut SqliteStore, source_id: i64, rows: &[(&str, &str)]) -> corridor_store::BatchSummary {
    let mut batch = store.begin_batch(&spec(source_id)).expect("batch");
    let prov = batch
        .provenance(&provenance(source_id, "B2", HandlingCode::H1, None))
        .expect("prov");
    for (i, (key, name)) in rows.iter().enumerate() {
        let entities = vec![EntityWrite {
            name: "person".into(),
            schema: "Person",
            statements: vec![
                StatementWrite {
                    prop: "name",
                    value: name.to_string(),
                    raw: None,
                    provenance_id: prov,
                },
                StatementWrite {
                    prop: "category",
                    value: "suspect".into(),
                    raw: None,
                    provenance_id: prov,
                },
            ],
        }];
        let hash = xx(name);
        batch
            .write_row(RowWrite {
                record_key: key,
                row_number: i as u64 + 1,
                content_hash: hash,
                entities: entities.clone(),
            })
            .expect("row");
    }
    batch.commit(rows.len() as u64, 0).expect("commit")
}

fn xx(s: &str) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (i, b) in s.bytes().enumerate() {
        out[i % 16] = out[i % 16].wrapping_mul(31).wrapping_add(b);
    }
    out
}

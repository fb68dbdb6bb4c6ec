//! Shared by the ingest fuzz targets: ingest arbitrary bytes under a fixed mapping
//! into a fresh store and check that every row read was stored, unchanged or rejected.

use corridor_ingest::{IngestOptions, Mapping, NoProgress};
use corridor_store::{SqliteStore, Store};

pub fn ingest_bytes(mapping: &str, data: &[u8]) {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("input");
    std::fs::write(&file, data).expect("write");
    let m = Mapping::parse("fuzz.toml", mapping).expect("the fuzz mapping is valid");
    let mut store = SqliteStore::create(&dir.path().join("s.db"), "fuzz").expect("store").0;
    let opts = IngestOptions {
        actor: "fuzz".into(),
        purpose: String::new(),
        rejects_path: dir.path().join("rejects.jsonl"),
        received_at: "2026-01-01T00:00:00Z".into(),
        limits: corridor_ingest::Limits::default(),
    };
    match corridor_ingest::ingest(&mut store, &m, mapping, &file, &opts, &NoProgress) {
        Ok(r) => {
            let s = r.summary;
            assert_eq!(
                s.rows_read,
                s.new_records + s.new_versions + s.unchanged + s.rejected,
                "{s:?}"
            );
            let check = store.check_consistency().expect("check");
            assert!(check.problems.is_empty(), "{:?}", check.problems);
        }
        Err(corridor_ingest::Error::Input { .. }) => {}
        Err(e) => panic!("unexpected ingest error: {e}"),
    }
}

pub const MAPPING_FIELDS: &str = r#"
[source]
agency = "fuzz"
country = "RS"

[entities.person]
schema = "Person"
[entities.person.properties]
name = { column = "name" }
birthDate = { column = "born" }
nationality = { column = "country" }
category = { column = "category" }

[entities.phone]
schema = "Phone"
properties.number = { column = "phone" }

[entities.uses]
schema = "Uses"
properties.user = { entity = "person" }
properties.object = { entity = "phone" }

[entities.seen]
schema = "Sighting"
[entities.seen.properties]
date = { column = "at" }
latitude = { column = "lat" }
longitude = { column = "lon" }
involved = { entity = "person" }
"#;

//! Integration tests of mapped ingest, one binary (see style.md).

mod every_schema;
mod mapping_errors;
mod props;
mod rejects;
mod rows;

use std::path::{Path, PathBuf};

use corridor_ingest::{IngestOptions, IngestReport, Mapping, NoProgress, ingest};
use corridor_store::SqliteStore;

/// A temp dir with a store; files written into it by name.
pub(crate) struct Fixture {
    pub dir: tempfile::TempDir,
    pub store: SqliteStore,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("tmp");
        let store = SqliteStore::create(&dir.path().join("t.corridor"), "tester")
            .expect("store")
            .0;
        Fixture { dir, store }
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    }

    pub fn rejects_path(&self) -> PathBuf {
        self.dir.path().join("rejects.jsonl")
    }

    pub fn ingest(&mut self, mapping: &str, file: &Path) -> IngestReport {
        self.try_ingest(mapping, file).expect("ingest")
    }

    /// [`Fixture::ingest`] for a file or mapping the ingest may refuse.
    pub fn try_ingest(&mut self, mapping: &str, file: &Path) -> Result<IngestReport, corridor_ingest::Error> {
        let m = Mapping::parse("mapping.toml", mapping).expect("mapping");
        let opts = IngestOptions {
            actor: "tester".into(),
            purpose: "test".into(),
            rejects_path: self.rejects_path(),
            received_at: "2026-11-01T00:00:00Z".into(),
            limits: corridor_ingest::Limits::default(),
        };
        ingest(&mut self.store, &m, mapping, file, &opts, &NoProgress)
    }

    /// The rejects file as (row, reason) pairs.
    pub fn rejects(&self) -> Vec<(u64, String)> {
        let Ok(text) = std::fs::read_to_string(self.rejects_path()) else {
            return Vec::new();
        };
        text.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("json line");
                (
                    v["row"].as_u64().expect("row"),
                    v["reason"].as_str().expect("reason").to_string(),
                )
            })
            .collect()
    }
}

/// An interception log: one row gives a Person, a Phone, a Vehicle, an
/// Interception and the relations between them.
pub(crate) const INTERCEPTIONS: &str = r#"
[dataset]
name = "rs-intercepts"
format = "csv"
delimiter = ";"
record_id = "broj"
date_formats = ["%d.%m.%Y", "%d.%m.%Y %H:%M"]

[source]
agency = "rs-bp"
country = "RS"
unit = "Subotica"

[defaults]
grading = "B2"
handling = "H1"
tlp = "TLP:AMBER"

[entities.person]
schema = "Person"
[entities.person.properties]
name = { columns = ["ime", "prezime"] }
firstName = { column = "ime" }
lastName = { column = "prezime" }
birthDate = { column = "rodjen" }
nationality = { column = "drzavljanstvo", map = { "Sirija" = "SYR" } }
category = { column = "kategorija" }

[entities.phone]
schema = "Phone"
properties.number = { column = "telefon" }

[entities.vehicle]
schema = "Vehicle"
properties.registrationNumber = { column = "tablice" }
properties.country = { literal = "SRB" }

[entities.event]
schema = "Interception"
[entities.event.properties]
date = { column = "vreme" }
place = { column = "mesto" }
latitude = { column = "lat" }
longitude = { column = "lon" }
involved = { entity = "person" }
vehicle = { entity = "vehicle" }

[entities.uses_phone]
schema = "Uses"
properties.user = { entity = "person" }
properties.object = { entity = "phone" }

[entities.uses_vehicle]
schema = "Uses"
properties.user = { entity = "person" }
properties.object = { entity = "vehicle" }
"#;

pub(crate) const HEADER: &str =
    "broj;ime;prezime;rodjen;drzavljanstvo;kategorija;telefon;tablice;vreme;mesto;lat;lon\n";

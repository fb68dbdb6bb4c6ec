//! Reading the person records (and the things resolved by their selectors) for
//! resolution: one logged pass over the store.

use corridor_resolve::{Features, Record};
use corridor_store::Store;

use crate::error::Result;
use crate::session::Session;

/// The schemata a record is built from.
pub(crate) const SCHEMATA: [&str; 6] = [
    "Person",
    "Phone",
    "TravelDocument",
    "BiometricReference",
    "Uses",
    "Holds",
];

/// `(entity, identity)` pairs.
pub(crate) type Links = Vec<(String, String)>;

/// What resolution reads from the store.
pub(crate) struct Loaded {
    pub records: Vec<Record>,
    /// With `things`: the identities of phones, documents, vehicles, vessels and
    /// organisations by their selectors.
    pub links: Links,
    /// With `features`: each record's, in order.
    pub features: Vec<Features>,
}

/// Source rows whose records the reading thread hands over at a time.
const ROWS_PER_BATCH: usize = 256;

/// The person records and, with `things` and `features`, the identities of things
/// and the records' features.
///
/// One pass over the statements, without per-statement provenance, a source row at
/// a time: at a million persons, holding every entity at once, or reading
/// provenance, was most of a run's memory and time. This thread reads the store and
/// turns each row into records and things; a second computes the records' features
/// as they come. Reading is SQLite's work on one core, and computing the features
/// after it left the other core idle for most of a second at 100k records (records
/// and things are built here to even the two threads' work).
pub(crate) fn load(store: &mut dyn Store, session: &Session, things: bool, features: bool) -> Result<Loaded> {
    let mut schemata: Vec<&str> = SCHEMATA.to_vec();
    if things {
        schemata.extend(["Vehicle", "Vessel", "Organization"]);
    }
    // Sized once: grown as they fill, the two largest vectors of a run were copied
    // into fresh memory again and again (and fresh memory is dear on a VM).
    let persons = store.count_entities(&["Person"])?;
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Record>>(8);
        let builder = scope.spawn(move || {
            let mut records: Vec<Record> = Vec::with_capacity(persons);
            let mut built: Vec<Features> = Vec::with_capacity(if features { persons } else { 0 });
            let mut keys = corridor_resolve::FeatureBuilder::default();
            for batch in receive {
                if features {
                    built.extend(batch.iter().map(|r| keys.features(r)));
                }
                records.extend(batch);
            }
            (records, built)
        });
        let mut links = Vec::new();
        let mut resolver = corridor_resolve::things::Things::default();
        let mut batch: Vec<Record> = Vec::new();
        let mut rows = 0;
        let read = store.entity_values_by_record(&schemata, session.actor(), session.purpose(), &mut |row| {
            batch.extend(corridor_resolve::records_from_values(&row));
            if things {
                resolver.add(&row, &mut links);
            }
            rows += 1;
            if rows % ROWS_PER_BATCH == 0 {
                // A closed channel means the builder panicked; join says so below.
                let _ = send.send(std::mem::take(&mut batch));
            }
        });
        if !batch.is_empty() {
            let _ = send.send(batch);
        }
        drop(send);
        let (records, features) = builder.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        read?;
        Ok(Loaded {
            records,
            links,
            features,
        })
    })
}

/// The person records alone.
pub(crate) fn records(store: &mut dyn Store, session: &Session) -> Result<Vec<Record>> {
    Ok(load(store, session, false, false)?.records)
}

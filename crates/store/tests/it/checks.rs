use corridor_model::{Handling, HandlingCode};
use corridor_store::{FindingWrite, Store, WatchlistEntry, WatchlistSpec};

use crate::{ingest, new_store, source};

fn entry(number: &str, row: u64) -> WatchlistEntry {
    WatchlistEntry {
        key: number.into(),
        number: number.into(),
        country: "SRB".into(),
        status: "stolen".into(),
        list: "SLTD".into(),
        row,
    }
}

fn list_spec(source_id: i64) -> WatchlistSpec {
    WatchlistSpec {
        name: "sltd".into(),
        source_id,
        grading: "A1".parse().expect("grading"),
        handling: Handling::new(HandlingCode::H1, None, None).expect("handling"),
        file_name: "sltd.csv".into(),
        file_sha256: "ab".into(),
    }
}

#[test]
fn a_reimported_list_replaces_the_old_one_and_both_imports_are_logged() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = new_store(dir.path());
    let src = source(&mut store, "rs-ncb");
    store
        .import_watchlist(&list_spec(src), &[entry("A1", 2), entry("A2", 3)], "dpo")
        .expect("import");
    store
        .import_watchlist(&list_spec(src), &[entry("B1", 2)], "dpo")
        .expect("reimport");
    let lists = store.watchlists().expect("lists");
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].entries, vec![entry("B1", 2)]);
    assert_eq!((lists[0].agency.as_str(), lists[0].grading.as_str()), ("rs-ncb", "A1"));
    let imports = store
        .audit_entries()
        .expect("audit")
        .into_iter()
        .filter(|a| a.entry.action == "watchlist.import")
        .count();
    assert_eq!(imports, 2);

    let mut unknown = list_spec(src);
    unknown.source_id = 999;
    assert!(store.import_watchlist(&unknown, &[], "dpo").is_err());
    assert_eq!(
        store.watchlists().expect("lists")[0].entries.len(),
        1,
        "a failed import changes nothing"
    );
}

#[test]
fn findings_are_stored_once_and_read_back_per_entity() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = new_store(dir.path());
    let src = source(&mut store, "rs-bp");
    ingest(&mut store, src, &[("R1", "Ana")]);
    let f = |entity: &str, reason: &str| FindingWrite {
        kind: "watchlist".into(),
        entity: entity.into(),
        related: vec!["x:y:z".into()],
        reason: reason.into(),
    };
    let batch = [f("rs-intercepts:R1:person", "listed"), f("other:R2:doc", "listed")];
    assert_eq!(
        store.record_findings(&batch, "docs check", "analyst").expect("record"),
        2
    );
    assert_eq!(
        store.record_findings(&batch, "docs check", "analyst").expect("again"),
        0
    );
    let mine = store.findings(Some("rs-intercepts:R1:person")).expect("findings");
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (
            mine[0].origin.as_str(),
            mine[0].found_by.as_str(),
            mine[0].related.clone()
        ),
        ("docs check", "analyst", vec!["x:y:z".to_string()])
    );
    assert_eq!(store.findings(None).expect("all").len(), 2);
}

#[test]
fn entities_of_batch_reads_only_what_that_batch_wrote_and_logs_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = new_store(dir.path());
    let src = source(&mut store, "rs-bp");
    let first = ingest(&mut store, src, &[("R1", "Ana"), ("R2", "Boris")]);
    let second = ingest(&mut store, src, &[("R3", "Vesna")]);
    let b1 = first.batch_id.expect("batch");
    let b2 = second.batch_id.expect("batch");
    let one = store
        .entities_of_batch(b1, "Person", "analyst", "ingest checks")
        .expect("read");
    let two = store
        .entities_of_batch(b2, "Person", "analyst", "ingest checks")
        .expect("read");
    assert_eq!(one.len(), 2);
    assert_eq!(two.len(), 1);
    assert!(two[0].id.contains("R3"));
    assert!(
        store
            .entities_of_batch(b2, "Vehicle", "analyst", "x")
            .expect("read")
            .is_empty()
    );
    assert!(store.entities_of_batch(99, "Person", "analyst", "x").is_err());
    let last = store.audit_entries().expect("audit");
    assert!(
        last.iter()
            .any(|a| a.entry.target == format!("Person entities of batch {b2}"))
    );
}

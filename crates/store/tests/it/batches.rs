use corridor_model::HandlingCode;
use corridor_store::{EntityWrite, RowOutcome, RowWrite, StatementWrite, Store};

use crate::{ingest, new_store, provenance, source, spec};

#[test]
fn reimporting_the_same_rows_changes_nothing_and_says_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = new_store(dir.path());
    let src = source(&mut store, "rs-bp");
    let first = ingest(&mut store, src, &[("1", "Marko Đorđević"), ("2", "Ahmad Karimi")]);
    assert_eq!((first.new_records, first.statements), (2, 4));
    let stats_before = store.stats().expect("stats");
    let audit_before = store.audit_entries().expect("audit").len();

    let again = ingest(&mut store, src, &[("1", "Marko Đorđević"), ("2", "Ahmad Karimi")]);
    assert_eq!(again.batch_id, None, "an unchanged re-import keeps no batch");
    assert_eq!(
        (again.unchanged, again.new_records, again.new_versions, again.statements),
        (2, 0, 0, 0)
    );
    let stats_after = store.stats().expect("stats");
    assert_eq!(stats_after.statements, stats_before.statements);
    assert_eq!(stats_after.batches, stats_before.batches);
    assert_eq!(store.audit_entries().expect("audit").len(), audit_before);
}

#[test]
fn a_changed_row_becomes_a_new_version_and_keeps_the_old_one() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = new_store(dir.path());
    let src = source(&mut store, "rs-bp");
    ingest(&mut store, src, &[("1", "Marko Djordjevic"), ("2", "Ahmad Karimi")]);
    let second = ingest(
        &mut store,
        src,
        &[("1", "Marko Đorđević"), ("2", "Ahmad Karimi"), ("3", "Ali Rezai")],
    );
    assert_eq!((second.new_records, second.new_versions, second.unchanged), (1, 1, 1));

    let e = store
        .entity("rs-intercepts:1:person", "tester", "case 7")
        .expect("read")
        .expect("entity");
    assert_eq!(e.values("name"), vec!["Marko Đorđević"]);
    let history: Vec<_> = e
        .statements
        .iter()
        .filter(|s| !s.current)
        .map(|s| s.value.as_str())
        .collect();
    assert_eq!(history, vec!["Marko Djordjevic", "suspect"]);
    let batches: Vec<_> = e.statements.iter().map(|s| s.provenance.batch).collect();
    assert_eq!(batches.len(), 4);
    assert!(batches[0] < batches[3]);
    assert_eq!(store.check_consistency().expect("check").problems, Vec::<String>::new());
}

#[test]
fn the_same_record_twice_in_one_file_with_other_content_is_a_duplicate() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = new_store(dir.path());
    let src = source(&mut store, "rs-bp");
    let mut batch = store.begin_batch(&spec(src)).expect("batch");
    let prov = batch
        .provenance(&provenance(src, "A1", HandlingCode::H0, None))
        .expect("prov");
    let ents = |name: &str| {
        vec![EntityWrite {
            name: "person".into(),
            schema: "Person",
            statements: vec![StatementWrite {
                prop: "name",
                value: name.into(),
                raw: None,
                provenance_id: prov,
            }],
        }]
    };
    let a = ents("A");
    let b = ents("B");
    let first = batch.write_row(RowWrite {
        record_key: "9",
        row_number: 2,
        content_hash: [1; 16],
        entities: a.clone(),
    });
    let second = batch.write_row(RowWrite {
        record_key: "9",
        row_number: 5,
        content_hash: [2; 16],
        entities: b.clone(),
    });
    assert_eq!(first.expect("row"), RowOutcome::New);
    assert_eq!(second.expect("row"), RowOutcome::Duplicate { first_row: 2 });
}

#[test]
fn a_dropped_batch_leaves_nothing_behind() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = new_store(dir.path());
    let src = source(&mut store, "rs-bp");
    {
        let mut batch = store.begin_batch(&spec(src)).expect("batch");
        let prov = batch
            .provenance(&provenance(src, "A1", HandlingCode::H0, None))
            .expect("prov");
        let e = vec![EntityWrite {
            name: "person".into(),
            schema: "Person",
            statements: vec![StatementWrite {
                prop: "name",
                value: "X".into(),
                raw: None,
                provenance_id: prov,
            }],
        }];
        batch
            .write_row(RowWrite {
                record_key: "1",
                row_number: 1,
                content_hash: [1; 16],
                entities: e.clone(),
            })
            .expect("row");
    }
    let stats = store.stats().expect("stats");
    assert_eq!((stats.batches, stats.records, stats.entities), (0, 0, 0));
}

#[test]
fn a_source_downgraded_later_shows_on_its_old_statements() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = new_store(dir.path());
    let src = source(&mut store, "rs-bp");
    ingest(&mut store, src, &[("1", "Marko")]);
    let before = store
        .entity("rs-intercepts:1:person", "t", "")
        .expect("read")
        .expect("entity");
    assert_eq!(before.statements[0].provenance.effective_grading().to_string(), "B2");
    store
        .grade_source(
            src,
            corridor_model::SourceReliability::C,
            "two false reports",
            "supervisor",
        )
        .expect("grade");
    let after = store
        .entity("rs-intercepts:1:person", "t", "")
        .expect("read")
        .expect("entity");
    for s in &after.statements {
        assert_eq!(s.provenance.grading.to_string(), "B2", "the grade as received is kept");
        assert_eq!(s.provenance.effective_grading().to_string(), "C2");
    }
}

#[test]
fn reads_of_personal_data_are_logged_with_their_purpose() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = new_store(dir.path());
    let src = source(&mut store, "rs-bp");
    ingest(&mut store, src, &[("1", "Marko")]);
    store
        .entity("rs-intercepts:1:person", "analyst7", "case RS-2026-14")
        .expect("read");
    let last = store.audit_entries().expect("audit").pop().expect("entry");
    assert_eq!(
        (
            last.entry.actor.as_str(),
            last.entry.action.as_str(),
            last.entry.target.as_str(),
            last.entry.purpose.as_str()
        ),
        ("analyst7", "read", "rs-intercepts:1:person", "case RS-2026-14")
    );
    assert!(store.entity("nope", "a", "").is_err());
    assert!(
        store
            .entity("rs-intercepts:404:person", "a", "")
            .expect("read")
            .is_none()
    );
}

#[test]
fn bulk_values_equal_the_current_statements_read_with_provenance() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = new_store(dir.path());
    let src = source(&mut store, "rs-bp");
    ingest(&mut store, src, &[("1", "Marko Djordjevic"), ("2", "Ahmad Karimi")]);
    // A new version of row 1: only its current values may come back.
    ingest(&mut store, src, &[("1", "Marko Đorđević"), ("3", "Ali Rezai")]);
    let audit_before = store.audit_entries().expect("audit").len();
    let lean = store.entity_values(&["Person"], "tester", "case 7").expect("values");
    let counted = store.count_entities(&["Person"]).expect("count");
    assert!(counted >= lean.len(), "every entity a bulk read gives is counted");
    assert_eq!(store.count_entities(&["Vessel"]).expect("count"), 0);
    let full = store
        .entities_of_schema("Person", "tester", "case 7")
        .expect("entities");
    let from_full: Vec<_> = full.iter().map(corridor_model::EntityValues::of).collect();
    assert_eq!(lean, from_full);
    assert_eq!(lean.len(), 3);
    let one = lean.iter().find(|e| e.id == "rs-intercepts:1:person").expect("row 1");
    assert_eq!(one.values("name"), vec!["Marko Đorđević"]);
    assert_eq!((&*one.dataset, one.record_id.as_str()), ("rs-intercepts", "1"));
    assert!(!one.agency.is_empty());
    let audit = store.audit_entries().expect("audit");
    assert_eq!(audit.len(), audit_before + 2, "both bulk reads are logged");
    assert!(audit.iter().any(|a| a.entry.target.contains("values of all Person")));
    assert!(
        store
            .entity_values(&["Vessel"], "tester", "case 7")
            .expect("none")
            .is_empty()
    );
}

#[test]
fn entity_origins_are_the_current_entities_without_their_values() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = new_store(dir.path());
    let src = source(&mut store, "rs-bp");
    ingest(&mut store, src, &[("1", "Marko Djordjevic"), ("2", "Ahmad Karimi")]);
    ingest(&mut store, src, &[("1", "Marko Đorđević"), ("3", "Ali Rezai")]);
    let values = store.entity_values(&["Person"], "tester", "case 7").expect("values");
    let audit_before = store.audit_entries().expect("audit").len();
    let origins = store.entity_origins(&["Person"]).expect("origins");
    let expected: Vec<_> = values
        .into_iter()
        .map(|mut e| {
            e.values.clear();
            e
        })
        .collect();
    assert_eq!(origins, expected, "same entities, same order, no values");
    assert_eq!(origins.len(), 3);
    assert_eq!(
        store.audit_entries().expect("audit").len(),
        audit_before,
        "ids only: no read logged"
    );
    assert!(store.entity_origins(&["Vessel"]).expect("none").is_empty());
}

#[test]
fn entity_evidence_is_the_current_statements_with_grading_after_downgrade_and_is_logged() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = new_store(dir.path());
    let src = source(&mut store, "rs-bp");
    ingest(&mut store, src, &[("1", "Marko Djordjevic"), ("2", "Ahmad Karimi")]);
    ingest(&mut store, src, &[("1", "Marko Đorđević"), ("3", "Ali Rezai")]);
    store
        .grade_source(
            src,
            corridor_model::SourceReliability::C,
            "two false reports",
            "supervisor",
        )
        .expect("grade");
    let full: Vec<corridor_model::EntityEvidence> = store
        .entities_of_schema("Person", "tester", "case 7")
        .expect("entities")
        .iter()
        .map(corridor_model::EntityEvidence::of)
        .collect();
    let before = store.audit_entries().expect("audit").len();
    let lean = store
        .entity_evidence(&["Person"], "tester", "case 7")
        .expect("evidence");
    // The same entities and current statements as the full read, in the same order.
    assert_eq!(lean, full);
    assert_eq!(lean.len(), 3);
    let marko = lean.iter().find(|e| e.id == "rs-intercepts:1:person").expect("Marko");
    assert_eq!(marko.values("name"), ["Marko Đorđević"], "only the current version");
    assert!(
        marko
            .statements
            .iter()
            .all(|s| s.grading.to_string() == "C2" && &*s.agency == "rs-bp")
    );
    // One read logged, with the purpose.
    let log = store.audit_entries().expect("audit");
    assert_eq!(log.len(), before + 1);
    let last = log.last().expect("entry");
    assert_eq!(
        (last.entry.action.as_str(), last.entry.purpose.as_str()),
        ("read", "case 7")
    );
    assert!(store.entity_evidence(&["Vessel"], "t", "").expect("none").is_empty());
}

/// Writes one batch of rows, each row with the named Person entities (one name
/// statement each, the entity's own name as value).
pub(crate) fn ingest_entities(store: &mut corridor_store::SqliteStore, source_id: i64, rows: &[(&str, &[&str])]) {
    let mut batch = store.begin_batch(&spec(source_id)).expect("batch");
    let prov = batch
        .provenance(&provenance(source_id, "B2", HandlingCode::H1, None))
        .expect("prov");
    for (i, (key, names)) in rows.iter().enumerate() {
        let entities: Vec<EntityWrite> = names
            .iter()
            .map(|n| EntityWrite {
                name: n.to_string(),
                schema: "Person",
                statements: vec![StatementWrite {
                    prop: "name",
                    value: format!("{key} {n}"),
                    raw: None,
                    provenance_id: prov,
                }],
            })
            .collect();
        let mut hash = [0u8; 16];
        for (j, b) in names.concat().bytes().enumerate() {
            hash[j % 16] ^= b;
        }
        batch
            .write_row(RowWrite {
                record_key: key,
                row_number: i as u64 + 1,
                content_hash: hash,
                entities,
            })
            .expect("row");
    }
    batch.commit(rows.len() as u64, 0).expect("commit");
}

#[test]
fn entity_origins_follow_records_that_gain_and_lose_entities() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = new_store(dir.path());
    let src = source(&mut store, "rs-bp");
    ingest_entities(&mut store, src, &[("1", &["payer", "payee"]), ("2", &["payer"])]);
    // Record 1 drops its payer and gains a witness; record 3 is new.
    ingest_entities(&mut store, src, &[("1", &["payee", "witness"]), ("3", &["payer"])]);
    let values = store.entity_values(&["Person"], "tester", "case 7").expect("values");
    let expected: Vec<_> = values
        .into_iter()
        .map(|mut e| {
            e.values.clear();
            e
        })
        .collect();
    let origins = store.entity_origins(&["Person"]).expect("origins");
    assert_eq!(origins, expected, "same entities, same order as the full read");
    let ids: Vec<(&str, &str)> = origins
        .iter()
        .map(|e| (e.record_id.as_str(), e.id.rsplit(':').next().unwrap_or("")))
        .collect();
    assert_eq!(
        ids,
        [("2", "payer"), ("1", "payee"), ("1", "witness"), ("3", "payer")],
        "the dropped payer of record 1 is gone"
    );
}

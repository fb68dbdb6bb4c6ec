//! The conformance suite of the `Store` trait: what every backend must do, written
//! against `&mut dyn Store` only, so that a second backend (PostgreSQL) runs it
//! unchanged. The SQLite store runs it here.

use corridor_model::{Assessment, Handling, HandlingCode, SourceReliability};
use corridor_store::{
    AuditEntry, BatchSpec, EntityWrite, FindingWrite, ProvenanceSpec, ResolutionWrite, ReviewPair, RowOutcome,
    RowWrite, SourceSpec, StatementWrite, Store, WatchlistEntry, WatchlistSpec,
};

/// Every behaviour a backend must have, in one pass over a fresh, empty store.
pub(crate) fn conformance(store: &mut dyn Store) {
    // Sources: registering twice gives the same id; a regrading is kept and logged.
    let spec = SourceSpec {
        agency: "rs-bp".into(),
        country: "SRB".into(),
        agency_name: "Border Police".into(),
        unit: "Subotica".into(),
        informant_code: String::new(),
    };
    let source = store.register_source(&spec).expect("source");
    assert_eq!(store.register_source(&spec).expect("again"), source);

    // A batch: rows in, a duplicate id with other content refused, an identical row
    // unchanged, and all of it or nothing.
    let batch_spec = BatchSpec {
        dataset: "rs-intercepts".into(),
        source_id: source,
        file_name: "intercepts.csv".into(),
        file_sha256: "00".into(),
        mapping_sha256: "00".into(),
        actor: "tester".into(),
        purpose: "case 7".into(),
        received_at: "2026-11-01T10:00:00Z".into(),
    };
    let person = |prov: i64, name: &str| {
        vec![EntityWrite {
            name: "person".into(),
            schema: "Person",
            statements: vec![
                StatementWrite {
                    prop: "name",
                    value: name.into(),
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
        }]
    };
    let batch_id = {
        let mut batch = store.begin_batch(&batch_spec).expect("batch");
        let prov = batch
            .provenance(&ProvenanceSpec {
                source_id: source,
                grading: "B2".parse().expect("grading"),
                handling: Handling::new(HandlingCode::H1, None, None).expect("handling"),
                assessment: Assessment::Fact,
            })
            .expect("provenance");
        for (i, (key, name)) in [("1", "Marko Petrović"), ("2", "Ilir Hoxha")].iter().enumerate() {
            let outcome = batch
                .write_row(RowWrite {
                    record_key: key,
                    row_number: i as u64 + 2,
                    content_hash: [i as u8; 16],
                    entities: person(prov, name),
                })
                .expect("row");
            assert!(matches!(outcome, RowOutcome::New), "{outcome:?}");
        }
        let duplicate = batch
            .write_row(RowWrite {
                record_key: "1",
                row_number: 4,
                content_hash: [9; 16],
                entities: person(prov, "Someone Else"),
            })
            .expect("row");
        assert!(
            matches!(duplicate, RowOutcome::Duplicate { first_row: 2 }),
            "{duplicate:?}"
        );
        let summary = batch.commit(3, 1).expect("commit");
        assert_eq!((summary.new_records, summary.rejected), (2, 1));
        summary.batch_id.expect("a batch")
    };
    // A batch dropped without commit leaves nothing.
    {
        let mut batch = store.begin_batch(&batch_spec).expect("batch");
        let prov = batch
            .provenance(&ProvenanceSpec {
                source_id: source,
                grading: "C3".parse().expect("grading"),
                handling: Handling::new(HandlingCode::H2, None, None).expect("handling"),
                assessment: Assessment::Fact,
            })
            .expect("provenance");
        batch
            .write_row(RowWrite {
                record_key: "9",
                row_number: 2,
                content_hash: [7; 16],
                entities: person(prov, "Never Stored"),
            })
            .expect("row");
    }
    assert_eq!(store.count_entities(&["Person"]).expect("count"), 2);

    // Reads return what was written, with provenance, and are logged.
    let before = store.stats().expect("stats").audit_entries;
    let e = store
        .entity("rs-intercepts:1:person", "analyst", "case 7")
        .expect("read")
        .expect("found");
    assert_eq!(e.values("name"), vec!["Marko Petrović"]);
    assert!(e.statements.iter().all(|s| s.provenance.grading.to_string() == "B2"));
    assert_eq!(
        store.stats().expect("stats").audit_entries,
        before + 1,
        "a read is logged"
    );
    assert!(
        store
            .entity("rs-intercepts:404:person", "analyst", "x")
            .expect("read")
            .is_none()
    );
    assert!(store.entity("not an id", "analyst", "x").is_err());
    assert_eq!(
        store.entities_of_schema("Person", "analyst", "x").expect("all").len(),
        2
    );
    assert_eq!(
        store
            .entities_of_batch(batch_id, "Person", "analyst", "x")
            .expect("batch")
            .len(),
        2
    );
    let mut rows = 0;
    let n = store
        .entity_values_by_record(&["Person"], "analyst", "x", &mut |row| rows += row.len())
        .expect("values");
    assert_eq!((n, rows), (2, 2));
    // Named records alone: unknown ones are skipped, the read is logged.
    let before = store.audit_page(0, 10_000).expect("log").len();
    let named = store
        .values_of_records(
            &["rs-intercepts:1:person".into(), "nobody:1:person".into()],
            &["Person"],
            "analyst",
            "case 7",
        )
        .expect("values of records");
    assert_eq!(named.len(), 1);
    assert_eq!(named[0][0].id, "rs-intercepts:1:person");
    assert_eq!(store.audit_page(0, 10_000).expect("log").len(), before + 1);
    // The link index names every entity; evidence is read at its places alone.
    let index = store.link_index().expect("link index");
    let person = index
        .find(index.digester.digest("rs-intercepts:1:person"))
        .expect("indexed");
    let place = index.entities[person as usize].place;
    let evidence = store
        .entity_evidence_at(&[place], "one person", "analyst", "case 7")
        .expect("evidence at");
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].id, "rs-intercepts:1:person");

    // The source regraded: shown on read.
    store
        .grade_source(source, SourceReliability::C, "two false reports", "supervisor")
        .expect("grade");
    assert!(store.grade_source(9999, SourceReliability::A, "x", "y").is_err());
    let e = store
        .entity("rs-intercepts:2:person", "analyst", "x")
        .expect("read")
        .expect("found");
    assert!(
        e.statements
            .iter()
            .all(|s| s.provenance.effective_grading().to_string().starts_with('C'))
    );

    // Findings: new ones counted once.
    let finding = FindingWrite {
        kind: "watchlist".into(),
        entity: "rs-intercepts:1:person".into(),
        related: Vec::new(),
        reason: "listed".into(),
    };
    assert_eq!(
        store
            .record_findings(std::slice::from_ref(&finding), "test", "tester")
            .expect("findings"),
        1
    );
    assert_eq!(store.record_findings(&[finding], "test", "tester").expect("again"), 0);
    assert_eq!(
        store.findings(Some("rs-intercepts:1:person")).expect("findings").len(),
        1
    );

    // Watchlists keep their entries and provenance.
    store
        .import_watchlist(
            &WatchlistSpec {
                name: "sltd".into(),
                source_id: source,
                grading: "A1".parse().expect("grading"),
                handling: Handling::new(HandlingCode::H1, None, None).expect("handling"),
                file_name: "sltd.csv".into(),
                file_sha256: "00".into(),
            },
            &[WatchlistEntry {
                key: "SRBP1234567".into(),
                number: "P1234567".into(),
                country: "SRB".into(),
                status: "stolen".into(),
                list: "SLTD".into(),
                row: 2,
            }],
            "tester",
        )
        .expect("watchlist");
    assert_eq!(store.watchlists().expect("lists")[0].entries.len(), 1);

    // Resolution: a run replaces the mapping, matches at ingest add to it, and
    // decisions are kept in order.
    store
        .record_resolution(
            &ResolutionWrite {
                model: "{}".into(),
                summary: "{}".into(),
                links: vec![
                    ("rs-intercepts:1:person".into(), "rs-intercepts:1:person".into()),
                    ("rs-intercepts:2:person".into(), "rs-intercepts:1:person".into()),
                ],
                review: vec![ReviewPair {
                    a: "rs-intercepts:1:person".into(),
                    b: "rs-intercepts:2:person".into(),
                    weight: 1.0,
                    probability: 0.7,
                    why: "uncertain".into(),
                }],
            },
            "tester",
            "case 7",
        )
        .expect("run");
    assert_eq!(store.identity_links().expect("links").len(), 2);
    assert_eq!(store.resolution_review().expect("review").len(), 1);
    // The matching index belongs to the run; matches at ingest extend it.
    let run = store.latest_resolution().expect("run").expect("a run").id;
    assert_eq!(store.match_index_run("f1").expect("index"), None);
    store
        .replace_match_index(
            run,
            "f1",
            &mut vec![
                ("rs-intercepts:1:person".to_string(), vec![7, 9]),
                ("rs-intercepts:2:person".to_string(), vec![7]),
            ]
            .into_iter(),
            &mut vec![("MARKO PETROVIC".to_string(), 2)].into_iter(),
        )
        .expect("index");
    assert_eq!(store.match_index_run("f1").expect("index"), Some(run));
    assert_eq!(
        store.match_index_run("f2").expect("index"),
        None,
        "keys of another format are not used"
    );
    let blocks = store.match_blocks(&[(7, 10), (9, 10), (11, 10)]).expect("blocks");
    assert_eq!(blocks[0].count, 2);
    assert_eq!(blocks[0].records.len(), 2);
    assert_eq!(blocks[1].records, vec!["rs-intercepts:1:person".to_string()]);
    assert_eq!(blocks[2].count, 0);
    let capped = store.match_blocks(&[(7, 2)]).expect("blocks");
    assert_eq!(
        (capped[0].count, capped[0].records.len()),
        (2, 0),
        "a block at the limit is not listed"
    );
    assert_eq!(
        store
            .identities_of(&["rs-intercepts:2:person".into(), "nobody:1:person".into()])
            .expect("of"),
        vec![(
            "rs-intercepts:2:person".to_string(),
            "rs-intercepts:1:person".to_string()
        )]
    );
    assert_eq!(
        store
            .identity_members(&["rs-intercepts:1:person".into()])
            .expect("members")
            .len(),
        2
    );
    store
        .add_identity_links(
            &[("rs-intercepts:2:person".into(), "rs-intercepts:2:person".into())],
            &[],
            &corridor_store::MatchAdditions {
                format: "f1".into(),
                set_aside: false,
                records: vec![("rs-intercepts:3:person".into(), vec![9])],
                names: vec!["MARKO PETROVIC".into(), "ANA ILIC".into()],
            },
            "ingest batch 1",
            "tester",
        )
        .expect("add");
    assert_eq!(store.match_blocks(&[(9, 10)]).expect("blocks")[0].count, 2);
    // A changed record's current keys are added (its old ones stay until the next run).
    store
        .add_identity_links(
            &[],
            &[],
            &corridor_store::MatchAdditions {
                format: "f1".into(),
                set_aside: false,
                records: vec![("rs-intercepts:3:person".into(), vec![7])],
                names: vec![],
            },
            "ingest batch 2",
            "tester",
        )
        .expect("add keys");
    assert_eq!(store.match_blocks(&[(9, 10)]).expect("blocks")[0].count, 2);
    assert_eq!(store.match_blocks(&[(7, 10)]).expect("blocks")[0].count, 3);
    let (counts, total) = store
        .name_counts(&["MARKO PETROVIC".into(), "ANA ILIC".into(), "NOBODY".into()])
        .expect("names");
    assert_eq!(
        (counts.get("MARKO PETROVIC"), counts.get("ANA ILIC"), total),
        (Some(&3), Some(&1), 4)
    );
    assert_eq!(counts.len(), 2);
    // Too many to add: the index is set aside until the next run.
    store
        .add_identity_links(
            &[],
            &[],
            &corridor_store::MatchAdditions {
                format: "f1".into(),
                set_aside: true,
                records: vec![],
                names: vec![],
            },
            "ingest batch 3",
            "tester",
        )
        .expect("set aside");
    assert_eq!(store.match_index_run("f1").expect("index"), None);
    let links = store.identity_links().expect("links");
    assert!(links.contains(&("rs-intercepts:2:person".into(), "rs-intercepts:2:person".into())));
    store
        .decide(
            "rs-intercepts:2:person",
            "rs-intercepts:1:person",
            corridor_store::DecisionKind::Reject,
            "fingerprints",
            "analyst",
        )
        .expect("decide");
    let d = store.decisions().expect("decisions");
    assert_eq!(d.len(), 1);
    assert!(d[0].a <= d[0].b, "pairs are kept in one order");
    assert!(store.latest_resolution().expect("latest").is_some());

    // Derived facts keep their basis; an unknown statement is refused.
    let basis: Vec<i64> = e.statements.iter().map(|s| s.id).collect();
    let id = store
        .record_derived("network", "N1", &basis, "analyst")
        .expect("derived");
    assert_eq!(
        store.derived(id).expect("read").expect("found").basis.len(),
        basis.len()
    );
    assert!(store.record_derived("network", "N2", &[i64::MAX], "analyst").is_err());

    // The retention policy gives every person a review date.
    assert!(!store.retention_policy().expect("policy").review_after_months.is_empty());
    assert_eq!(store.person_reviews().expect("reviews").len(), 2);

    // An entry of one's own; then everything is intact and whole.
    let rec = store
        .audit(&AuditEntry {
            actor: "dpo".into(),
            action: "review".into(),
            target: "all".into(),
            purpose: "annual".into(),
            detail: String::new(),
        })
        .expect("audit");
    // The log and the mapping a page at a time, in order, every item once.
    let all = store.audit_page(0, usize::MAX).expect("log");
    assert_eq!(all.last().map(|r| r.seq), Some(rec.seq));
    let mut paged = Vec::new();
    let mut after = 0;
    while let Some(last) = store.audit_page(after, 3).expect("page").last().map(|r| r.seq) {
        paged.extend(store.audit_page(after, 3).expect("page").into_iter().map(|r| r.seq));
        after = last;
    }
    assert_eq!(paged, all.iter().map(|r| r.seq).collect::<Vec<_>>());
    let first = store.identity_links_page("", 1).expect("links");
    let rest = store.identity_links_page(&first[0].0, 10).expect("links");
    assert_eq!(first.len() + rest.len(), store.identity_links().expect("links").len());
    assert!(rest.iter().all(|(e, _)| e > &first[0].0));

    let report = store.verify_audit().expect("verify");
    assert!(report.is_intact(), "{:?}", report.problems);
    assert_eq!(report.entries, rec.seq);
    let check = store.check_consistency().expect("check");
    assert!(check.problems.is_empty(), "{:?}", check.problems);
    let stats = store.stats().expect("stats");
    assert_eq!((stats.batches, stats.records), (1, 2));
}

#[test]
fn the_sqlite_store_conforms() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = super::new_store(dir.path());
    conformance(&mut store);
}

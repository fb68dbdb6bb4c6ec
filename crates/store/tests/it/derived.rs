use corridor_model::{HandlingCode, SourceReliability, Tlp};
use corridor_store::{EntityWrite, RowWrite, StatementWrite, Store};

use crate::{new_store, provenance, source, spec};

#[test]
fn a_derived_fact_carries_the_strictest_code_and_weakest_grading_of_its_basis() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = new_store(dir.path());
    let rs = source(&mut store, "rs-bp");
    let mk = source(&mut store, "mk-bp");
    let mut batch = store.begin_batch(&spec(rs)).expect("batch");
    let mut h2 = provenance(rs, "A2", HandlingCode::H2, None);
    h2.handling.tlp = Some(Tlp::Amber);
    let p1 = batch.provenance(&h2).expect("prov");
    let p2 = batch
        .provenance(&provenance(
            mk,
            "B1",
            HandlingCode::H3,
            Some("not for use in court without MK consent"),
        ))
        .expect("prov");
    let p3 = batch
        .provenance(&provenance(mk, "A3", HandlingCode::H0, None))
        .expect("prov");
    let entities = vec![
        EntityWrite {
            name: "a".into(),
            schema: "Phone",
            statements: vec![StatementWrite {
                prop: "number",
                value: "+38164111222".into(),
                raw: None,
                provenance_id: p1,
            }],
        },
        EntityWrite {
            name: "b".into(),
            schema: "Phone",
            statements: vec![
                StatementWrite {
                    prop: "number",
                    value: "+38164111222".into(),
                    raw: None,
                    provenance_id: p2,
                },
                StatementWrite {
                    prop: "carrier",
                    value: "mts".into(),
                    raw: None,
                    provenance_id: p3,
                },
            ],
        },
    ];
    batch
        .write_row(RowWrite {
            record_key: "r1",
            row_number: 1,
            content_hash: [7; 16],
            entities: entities.clone(),
        })
        .expect("row");
    batch.commit(1, 0).expect("commit");

    let a = store.entity("rs-intercepts:r1:a", "t", "").expect("read").expect("a");
    let b = store.entity("rs-intercepts:r1:b", "t", "").expect("read").expect("b");
    let basis = [a.statements[0].id, b.statements[0].id, b.statements[1].id];
    let id = store
        .record_derived("same_phone", "a and b share a number", &basis, "analyst")
        .expect("derive");

    let fact = store.derived(id).expect("read").expect("fact");
    let r = fact.restrictions.expect("restrictions");
    assert_eq!(fact.basis.len(), 3);
    assert_eq!(r.handling.code, HandlingCode::H3);
    assert_eq!(
        r.handling.restriction.as_deref(),
        Some("not for use in court without MK consent")
    );
    assert_eq!(r.handling.tlp, Some(Tlp::Amber));
    assert_eq!(r.grading.to_string(), "B3");

    // Computed on every read: a later downgrade of a basis source shows at once.
    store
        .grade_source(rs, SourceReliability::X, "source compromised", "supervisor")
        .expect("grade");
    let again = store
        .derived(id)
        .expect("read")
        .expect("fact")
        .restrictions
        .expect("restrictions");
    assert_eq!(again.grading.to_string(), "X3");

    assert!(
        store.record_derived("x", "y", &[999_999], "analyst").is_err(),
        "a basis must exist"
    );
}

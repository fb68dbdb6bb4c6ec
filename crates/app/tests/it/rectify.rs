//! Rectification (Art. 16(1)) within a case: the corrected statement is current,
//! the old one history and marked, a re-import of the agency's unchanged file
//! does not undo it, the evidence and the audit chain still verify, and the
//! statement is out of reach of other cases, of a lower clearance and of roles
//! that read no case content.

use corridor_access::Action;
use corridor_app::{ErrorCode, Session, access, rectify};
use corridor_store::{SqliteStore, Store};

const MAPPING: &str = r#"
[dataset]
name = "DATASET"
format = "csv"
record_id = "id"

[source]
agency = "rs-bp"
country = "RS"

[defaults]
grading = "B2"
handling = "HANDLING"

[entities.person]
schema = "Person"
[entities.person.properties]
name = { column = "name" }
birthDate = { column = "born" }
category = { literal = "suspect" }
"#;

const PASS: &str = "a long enough passphrase";

fn ingest(s: &mut SqliteStore, root: &Session, dir: &std::path::Path, dataset: &str, handling: &str, rows: &str) {
    let file = dir.join(format!("{dataset}.csv"));
    std::fs::write(&file, rows).expect("csv");
    corridor_app::ingest::ingest_file(
        s,
        root,
        &corridor_app::ingest::IngestRequest {
            mapping_name: "m.toml",
            mapping_text: &MAPPING.replace("DATASET", dataset).replace("HANDLING", handling),
            file: &file,
            rejects: None,
            limits: Default::default(),
        },
        &corridor_ingest::NoProgress,
    )
    .expect("ingest");
}

fn grant(
    s: &mut SqliteStore,
    user: &str,
    action: Action,
    case: &str,
) -> Result<corridor_access::Grant, corridor_app::Error> {
    let session = access::log_in(s, user, PASS, chrono::Utc::now()).expect("login");
    access::authorize_request(s, Some(&session), action, Some(case), Some("inv"))
}

/// The statement of `prop` of entity `id` that is current.
fn current(s: &mut SqliteStore, id: &str, prop: &str) -> corridor_model::Statement {
    s.entity(id, "test", "")
        .expect("read")
        .expect("entity")
        .statements
        .into_iter()
        .find(|st| st.current && st.prop == prop)
        .expect("a current statement")
}

#[test]
fn a_rectified_statement_is_history_marked_and_survives_a_reimport() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut s, _) = SqliteStore::create(&dir.path().join("r.db"), "root").expect("store");
    let root = Session::new("root", "").expect("session");
    let rows = "id,name,born\n1,Marko Jovanović,1980-02-03\n2,Marko Jovanovic,1980-03-02\n";
    ingest(&mut s, &root, dir.path(), "rs-a", "H1", rows);
    ingest(
        &mut s,
        &root,
        dir.path(),
        "rs-b",
        "H1",
        "id,name,born\n7,Ana Petrović,1975-01-09\n",
    );
    ingest(
        &mut s,
        &root,
        dir.path(),
        "rs-c",
        "H3\"\nrestriction = \"source protection",
        "id,name,born\n9,Ivan Ilić,1970-05-05\n",
    );
    access::add_user(&mut s, &root, "ana", "analyst", None, PASS).expect("user");
    access::add_user(&mut s, &root, "dora", "dpo", None, PASS).expect("user");
    access::add_purpose(&mut s, &root, "inv", "investigation").expect("purpose");
    for (case, datasets) in [("a", &["rs-a", "rs-c"][..]), ("b", &["rs-b"][..])] {
        access::add_case(&mut s, &root, case, "").expect("case");
        for d in datasets {
            access::add_case_data(&mut s, &root, case, d).expect("data");
        }
    }
    access::set_case_member(&mut s, &root, "a", "ana", true).expect("member");
    let ana = grant(&mut s, "ana", Action::Rectify, "a").expect("grant");
    let wrong = current(&mut s, "rs-a:2:person", "birthDate");
    assert_eq!(wrong.value, "1980-03-02");

    // Bad input: an invalid date, the same value, an empty reason, a link.
    for (value, reason) in [
        ("3 March 1980", "ticket 42"),
        ("1980-03-02", "ticket 42"),
        ("1980-02-03", " "),
    ] {
        let e = rectify::rectify_in_case(&mut s, &ana, wrong.id, value, reason).expect_err("refused");
        assert_eq!(e.code(), ErrorCode::BadInput, "{value}: {e}");
    }

    let done = rectify::rectify_in_case(
        &mut s,
        &ana,
        wrong.id,
        "1980-02-03",
        "ticket 42: mistyped at interception",
    )
    .expect("rectified");
    let now = current(&mut s, "rs-a:2:person", "birthDate");
    assert_eq!((now.id, now.value.as_str()), (done.rectified.new, "1980-02-03"));
    let reader = grant(&mut s, "ana", Action::ReadEntity, "a").expect("grant");
    let view = corridor_app::show_entity_in_case(&mut s, &reader, "rs-a:2:person", true).expect("show");
    let old = view
        .entity
        .statements
        .iter()
        .find(|st| st.id == wrong.id)
        .expect("the old one as history");
    assert!(!old.current);
    let mark = view.entity.rectifications.first().expect("marked");
    assert_eq!((mark.old, mark.new, mark.by.as_str()), (wrong.id, now.id, "ana"));
    assert_eq!(mark.reason, "ticket 42: mistyped at interception");
    // The other statements of the record came along into its new version.
    assert_eq!(current(&mut s, "rs-a:2:person", "name").value, "Marko Jovanovic");

    // History is not rectified again.
    let e = rectify::rectify_in_case(&mut s, &ana, wrong.id, "1980-02-04", "again").expect_err("history");
    assert_eq!(e.code(), ErrorCode::BadInput);

    // The agency's unchanged file does not bring the wrong value back.
    ingest(&mut s, &root, dir.path(), "rs-a", "H1", rows);
    assert_eq!(current(&mut s, "rs-a:2:person", "birthDate").value, "1980-02-03");
    // A row the agency itself changed since is a new version as usual.
    ingest(
        &mut s,
        &root,
        dir.path(),
        "rs-a",
        "H1",
        "id,name,born\n1,Marko Jovanović,1980-02-03\n2,Marko Jovanovic,1981-03-02\n",
    );
    assert_eq!(current(&mut s, "rs-a:2:person", "birthDate").value, "1981-03-02");
    // And its old row again, after that, is a change like any other.
    ingest(&mut s, &root, dir.path(), "rs-a", "H1", rows);
    assert_eq!(current(&mut s, "rs-a:2:person", "birthDate").value, "1980-03-02");

    // Evidence and chain verify; the log names ids and the reason, not values.
    assert!(s.check_consistency().expect("check").problems.is_empty());
    assert!(s.verify_audit().expect("verify").problems.is_empty());
    let entry = s
        .audit_entries()
        .expect("log")
        .into_iter()
        .find(|e| e.entry.action.as_str() == "rectify")
        .expect("a rectify entry");
    assert_eq!(entry.entry.actor, "ana");
    assert!(
        !entry.entry.detail.contains("1980")
            && !entry.entry.detail.contains("mistyped")
            && !entry.entry.target.contains("Marko"),
        "no value and no reason in the chain: {entry:?}"
    );

    // Out of reach: another case's statement, one above the clearance (H3), and
    // roles that read no case content.
    let other = current(&mut s, "rs-b:7:person", "birthDate");
    let e = rectify::rectify_in_case(&mut s, &ana, other.id, "1975-01-10", "x").expect_err("other case");
    assert_eq!(e.code(), ErrorCode::NotFound);
    let secret = current(&mut s, "rs-c:9:person", "birthDate");
    let e = rectify::rectify_in_case(&mut s, &ana, secret.id, "1970-05-06", "x").expect_err("above clearance");
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert!(
        grant(&mut s, "dora", Action::Rectify, "a").is_err(),
        "a DPO reads no case content"
    );
}

//! The use cases against a real store: results, and the audit entries they leave.

mod network;
mod rectify;

use corridor_app::{ErrorCode, Session, persons_due, show_entity};
use corridor_store::{SqliteStore, Store};

fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("tmp");
    let store = SqliteStore::create(&dir.path().join("s.db"), "tester")
        .expect("store")
        .0;
    (dir, store)
}

#[test]
fn a_missing_entity_is_not_found_and_a_bad_id_is_bad_input() {
    let (_dir, mut store) = store();
    let session = Session::new("analyst", "case RS-14").expect("session");
    let e = show_entity(&mut store, &session, "ds:none:person", false).expect_err("missing");
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert!(!e.to_string().contains("corridor "), "names a CLI command: {e}");
    let e = show_entity(&mut store, &session, "not an id", false).expect_err("bad id");
    assert_eq!(e.code(), ErrorCode::BadInput);
}

#[test]
fn the_review_listing_is_logged_with_the_sessions_actor_and_purpose() {
    let (_dir, mut store) = store();
    let session = Session::new("dpo", "annual review").expect("session");
    let listing = persons_due(&mut store, &session, None).expect("listing");
    assert!(listing.persons.is_empty());
    let last = store.audit_entries().expect("log").pop().expect("an entry");
    assert_eq!(
        (
            last.entry.actor.as_str(),
            last.entry.action.as_str(),
            last.entry.purpose.as_str()
        ),
        ("dpo", "read", "annual review")
    );
}

#[test]
fn a_session_refuses_what_would_forge_the_log() {
    for (actor, purpose) in [("", "x"), ("evil\n 999 admin read fake", "x"), ("a", "why\u{1b}[2J")] {
        let e = Session::new(actor, purpose).expect_err("refused");
        assert_eq!(e.code(), ErrorCode::BadInput);
    }
    assert!(Session::new(&"x".repeat(129), "").is_err());
    assert!(Session::new("analyst", "").is_ok());
}

#[test]
fn the_store_can_be_moved_to_another_thread() {
    fn send<T: Send>(_: &T) {}
    let (_dir, store) = store();
    send(&store);
    let handle = std::thread::spawn(move || store.stats().map(|s| s.batches));
    assert_eq!(handle.join().expect("thread").expect("stats"), 0);
}

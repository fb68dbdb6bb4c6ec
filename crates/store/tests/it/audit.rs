//! Tampering with the audit log is found and named. The tests reach past the store's
//! API with a raw connection and drop the append-only triggers first, as someone
//! editing the file directly would.

use std::path::Path;

use corridor_store::{AuditEntry, AuditProblem, SqliteStore, Store};
use rusqlite::Connection;

fn store_with_entries(dir: &Path, n: usize) -> (SqliteStore, std::path::PathBuf) {
    let path = dir.join("audit.corridor");
    let (mut store, _) = SqliteStore::create(&path, "admin").expect("create");
    for i in 0..n {
        store
            .audit(&AuditEntry {
                actor: format!("analyst{i}"),
                action: "read".into(),
                target: format!("ds:{i}:person"),
                purpose: "case 1".into(),
                detail: String::new(),
            })
            .expect("append");
    }
    (store, path)
}

fn tamper(path: &Path, sql: &str) {
    let conn = Connection::open(path).expect("open");
    conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
        .expect("drop triggers");
    conn.execute_batch(sql).expect("tamper");
}

#[test]
fn an_intact_log_verifies() {
    let dir = tempfile::tempdir().expect("tmp");
    let (store, _) = store_with_entries(dir.path(), 5);
    let report = store.verify_audit().expect("verify");
    assert!(report.is_intact(), "{:?}", report.problems);
    assert_eq!(report.entries, 6, "init plus five reads");
}

#[test]
fn the_log_refuses_updates_and_deletes_through_sql() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_store, path) = store_with_entries(dir.path(), 2);
    let conn = Connection::open(&path).expect("open");
    assert!(conn.execute("UPDATE audit SET actor = 'x' WHERE seq = 2", []).is_err());
    assert!(conn.execute("DELETE FROM audit WHERE seq = 2", []).is_err());
}

#[test]
fn an_edited_entry_is_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_s, path) = store_with_entries(dir.path(), 5);
    tamper(&path, "UPDATE audit SET actor = 'nobody' WHERE seq = 3");
    let report = SqliteStore::open(&path).expect("open").verify_audit().expect("verify");
    assert_eq!(report.problems, vec![AuditProblem::Altered { seq: 3 }]);
}

#[test]
fn a_deleted_entry_is_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_s, path) = store_with_entries(dir.path(), 5);
    tamper(&path, "DELETE FROM audit WHERE seq = 4");
    let report = SqliteStore::open(&path).expect("open").verify_audit().expect("verify");
    assert_eq!(report.problems, vec![AuditProblem::Removed { after: 3, before: 5 }]);
}

#[test]
fn cutting_entries_off_the_end_is_found() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_s, path) = store_with_entries(dir.path(), 5);
    tamper(&path, "DELETE FROM audit WHERE seq >= 5");
    let report = SqliteStore::open(&path).expect("open").verify_audit().expect("verify");
    assert_eq!(
        report.problems,
        vec![AuditProblem::Truncated {
            last_seq: 4,
            head_seq: 6
        }]
    );
}

#[test]
fn reordered_entries_are_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_s, path) = store_with_entries(dir.path(), 5);
    // Swap entries 3 and 4 by renumbering them.
    tamper(
        &path,
        "UPDATE audit SET seq = -1 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = -1;",
    );
    let report = SqliteStore::open(&path).expect("open").verify_audit().expect("verify");
    assert_eq!(
        report.problems,
        vec![
            AuditProblem::Reordered {
                seq: 3,
                original_seq: 4
            },
            AuditProblem::Reordered {
                seq: 4,
                original_seq: 3
            }
        ]
    );
}

#[test]
fn a_rewritten_hash_is_still_caught_by_the_next_entry() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_s, path) = store_with_entries(dir.path(), 5);
    // Someone edits entry 2 and recomputes nothing but its own stored hash field.
    // (A hash that already starts with 00 gets ff, so the edit always changes it.)
    tamper(
        &path,
        "UPDATE audit SET hash = CASE WHEN substr(hash, 1, 2) = '00' THEN 'ff' ELSE '00' END || substr(hash, 3) \
         WHERE seq = 2",
    );
    let report = SqliteStore::open(&path).expect("open").verify_audit().expect("verify");
    assert!(
        report.problems.contains(&AuditProblem::Altered { seq: 2 }),
        "{:?}",
        report.problems
    );
    assert!(
        report.problems.contains(&AuditProblem::ChainBroken { seq: 3 }),
        "{:?}",
        report.problems
    );
}

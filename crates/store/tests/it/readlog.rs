//! Logged reads beside a writer that holds the store: answered at once, logged in
//! the read log, moved into the chain by the next writer, once.

use std::time::{Duration, Instant};

use corridor_model::HandlingCode;
use corridor_store::{EntityWrite, RowWrite, SqliteStore, StatementWrite, Store};

use crate::batches::ingest_entities;
use crate::{new_store, provenance, source, spec};

#[test]
fn a_read_during_a_long_batch_is_answered_and_its_entry_joins_the_chain_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("test.corridor");
    let mut writer = new_store(dir.path());
    let src = source(&mut writer, "rs-bp");
    ingest_entities(&mut writer, src, &[("1", &["person"])]);

    // A second batch holds the write lock, as a million-row ingest does for its
    // whole length.
    let mut batch = writer.begin_batch(&spec(src)).expect("batch");
    let prov = batch
        .provenance(&provenance(src, "B2", HandlingCode::H1, None))
        .expect("prov");
    batch
        .write_row(RowWrite {
            record_key: "2",
            row_number: 1,
            content_hash: [2; 16],
            entities: vec![EntityWrite {
                name: "person".into(),
                schema: "Person",
                statements: vec![StatementWrite {
                    prop: "name",
                    value: "Two".into(),
                    raw: None,
                    provenance_id: prov,
                }],
            }],
        })
        .expect("row");

    let mut reader = SqliteStore::open(&path).expect("open beside the writer");
    reader.set_wait(Duration::from_secs(5)).expect("wait");
    let started = Instant::now();
    let seen = reader
        .entity("rs-intercepts:1:person", "analyst", "case 9")
        .expect("read while the batch runs");
    assert!(seen.is_some());
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    // The batch's row is not visible to the reader before it commits (and finding
    // nothing reads nothing: not logged).
    assert!(
        reader
            .entity("rs-intercepts:2:person", "analyst", "case 9")
            .expect("read")
            .is_none()
    );
    let report = reader.verify_audit().expect("verify");
    assert_eq!(report.queued, 1, "the read waits in the read log");
    assert!(report.is_intact());
    assert!(std::fs::metadata(dir.path().join("test.corridor.readlog")).is_ok());
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("test.corridor.readlog"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the read log names what was read");
    }

    // The batch commits: the reads join the chain before its entry.
    batch.commit(1, 0).expect("commit");
    let log = writer.audit_page(0, 1000).expect("log");
    let reads: Vec<_> = log
        .iter()
        .filter(|r| r.entry.purpose == "case 9" && r.entry.action == "read")
        .collect();
    assert_eq!(reads.len(), 1);
    let ingest = log
        .iter()
        .rposition(|r| r.entry.action == "ingest")
        .expect("batch entry");
    assert!(log.iter().position(|r| r.entry.purpose == "case 9").expect("read") < ingest);
    let report = writer.verify_audit().expect("verify");
    assert!(report.is_intact(), "{:?}", report.problems);
    assert_eq!(report.queued, 0);

    // Opening again moves nothing twice.
    drop(reader);
    let again = SqliteStore::open(&path).expect("open");
    let log = again.audit_page(0, 1000).expect("log");
    assert_eq!(log.iter().filter(|r| r.entry.purpose == "case 9").count(), 1);

    // A read with the lock free is chained at once.
    let mut reader = SqliteStore::open(&path).expect("open");
    reader
        .entity("rs-intercepts:2:person", "analyst", "case 10")
        .expect("read")
        .expect("committed row");
    let log = reader.audit_page(0, 1000).expect("log");
    assert_eq!(log.last().map(|r| r.entry.purpose.as_str()), Some("case 10"));
    assert_eq!(reader.verify_audit().expect("verify").queued, 0);
}

#[test]
fn a_planted_link_at_the_read_log_is_refused_not_written_through() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("test.corridor");
    let mut writer = new_store(dir.path());
    let src = source(&mut writer, "rs-bp");
    ingest_entities(&mut writer, src, &[("1", &["person"])]);
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").expect("write");
    std::os::unix::fs::symlink(&victim, dir.path().join("test.corridor.readlog")).expect("link");
    let batch = writer.begin_batch(&spec(src)).expect("batch");
    let mut reader = SqliteStore::open(&path).expect("open");
    reader.set_wait(Duration::from_secs(1)).expect("wait");
    assert!(reader.entity("rs-intercepts:1:person", "analyst", "case 9").is_err());
    assert_eq!(std::fs::read(&victim).expect("read"), b"precious");
    drop(batch);
}

/// Deferred log entries (a node's group commit): not in the chain while they wait,
/// all written by one flush in the order of the reads, settled by ticket; and
/// written when the store is dropped with entries still waiting.
#[test]
fn deferred_log_entries_are_written_together_and_never_lost() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("test.corridor");
    let mut store = new_store(dir.path());
    let entry = |n: u32| corridor_store::AuditEntry {
        actor: "ana".into(),
        action: corridor_store::AuditAction::Read,
        target: format!("entity:{n}"),
        purpose: "case".into(),
        detail: "{}".into(),
    };
    let before = store.audit_entries().expect("log").len();
    store.defer_log(true);
    for n in 0..3 {
        store.log_access(&entry(n)).expect("deferred");
    }
    store.defer_log(false);
    let ticket = store.log_ticket();
    assert_eq!(store.log_waiting(), 3);
    assert!(store.log_outcome(ticket).is_none(), "not settled before the flush");
    assert_eq!(store.audit_entries().expect("log").len(), before, "not written yet");
    store.flush_log().expect("flush");
    assert!(matches!(store.log_outcome(ticket), Some(Ok(()))));
    let log = store.audit_entries().expect("log");
    let targets: Vec<&str> = log[before..].iter().map(|r| r.entry.target.as_str()).collect();
    assert_eq!(targets, ["entity:0", "entity:1", "entity:2"]);
    // A direct entry after deferred ones keeps their order; a drop writes the rest.
    store.defer_log(true);
    store.log_access(&entry(3)).expect("deferred");
    store.defer_log(false);
    store.log_access(&entry(4)).expect("direct");
    store.defer_log(true);
    store.log_access(&entry(5)).expect("deferred");
    drop(store);
    let store = SqliteStore::open(&path).expect("open");
    let log = store.audit_entries().expect("log");
    let targets: Vec<&str> = log[before + 3..].iter().map(|r| r.entry.target.as_str()).collect();
    assert_eq!(targets, ["entity:3", "entity:4", "entity:5"]);
    assert!(store.verify_audit().expect("verify").problems.is_empty());
}

/// With checkpoints handed to another connection (a node server's background
/// thread) and now and then made by the writer's own, the write-ahead log stays
/// under its limit however much is logged, instead of growing with every logged
/// read.
#[test]
fn handed_off_checkpoints_keep_the_write_ahead_log_bounded() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("test.corridor");
    let mut store = new_store(dir.path());
    store.hand_off_checkpoints().expect("hand off");
    let checkpointer = SqliteStore::open(&path).expect("second connection");
    let detail = "x".repeat(2000);
    let wal = || {
        let mut p = path.as_os_str().to_owned();
        p.push("-wal");
        std::fs::metadata(std::path::PathBuf::from(p))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    let limit = (corridor_store::WAL_LIMIT_PAGES as u64) * 4096;
    let mut largest = 0;
    // About 100 MB of log entries, in flushes of 500.
    for round in 0..100 {
        store.defer_log(true);
        for n in 0..500 {
            store
                .log_access(&corridor_store::AuditEntry {
                    actor: "ana".into(),
                    action: corridor_store::AuditAction::Read,
                    target: format!("entity:{round}:{n}"),
                    purpose: "case".into(),
                    detail: detail.clone(),
                })
                .expect("deferred");
        }
        store.defer_log(false);
        store.flush_log().expect("flush");
        // The other connection copies the bulk; the writer's own, now and then,
        // the rest, so that the log starts over.
        checkpointer.checkpoint().expect("checkpoint");
        if round % 4 == 3 {
            store.checkpoint().expect("writer's checkpoint");
        }
        largest = largest.max(wal());
    }
    assert!(
        largest < limit + (8 << 20),
        "the log reached {largest} bytes (limit {limit})"
    );
}

/// A node's group commits stop opening a read log they saw with nothing to move
/// (`readlog::Watch`); an entry queued there afterwards, by a command that found
/// the write lock taken, is still moved into the chain at the next flush.
#[test]
fn an_entry_queued_after_the_read_log_was_seen_empty_is_still_moved() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("test.corridor");
    let mut node = new_store(dir.path());
    let entry = |target: &str| corridor_store::AuditEntry {
        actor: "ana".into(),
        action: corridor_store::AuditAction::Read,
        target: target.into(),
        purpose: "case".into(),
        detail: String::new(),
    };
    // Another command logs a read while a third holds the write lock: the entry
    // waits in the read log.
    let queue_beside_a_writer = |target: &str| {
        let lock = rusqlite::Connection::open(&path).expect("open");
        lock.execute_batch("BEGIN IMMEDIATE").expect("write lock");
        let mut other = SqliteStore::open(&path).expect("open");
        other.log_access(&entry(target)).expect("queued");
        assert_eq!(other.verify_audit().expect("verify").queued, 1);
        lock.execute_batch("ROLLBACK").expect("let go");
    };
    let flush = |node: &mut SqliteStore, target: &str| {
        node.defer_log(true);
        node.log_access(&entry(target)).expect("deferred");
        node.defer_log(false);
        node.flush_log().expect("flush");
    };
    queue_beside_a_writer("entity:q1");
    flush(&mut node, "entity:n1");
    // The emptied read log, as if last written a while ago: the next flush
    // remembers it quiet.
    let readlog = dir.path().join("test.corridor.readlog");
    std::fs::File::options()
        .write(true)
        .open(&readlog)
        .expect("read log")
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(5))
        .expect("set its time");
    flush(&mut node, "entity:n2");
    queue_beside_a_writer("entity:q2");
    flush(&mut node, "entity:n3");
    let targets: Vec<String> = node
        .audit_entries()
        .expect("log")
        .into_iter()
        .map(|r| r.entry.target)
        .filter(|t| t.starts_with("entity:"))
        .collect();
    assert_eq!(
        targets,
        ["entity:q1", "entity:n1", "entity:n2", "entity:q2", "entity:n3"]
    );
    let report = node.verify_audit().expect("verify");
    assert_eq!(report.queued, 0);
    assert!(report.is_intact(), "{:?}", report.problems);
}

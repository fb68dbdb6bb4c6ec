//! Parallel readers, a waiting reader, and read-only copies (issue 20, items 8-9).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{BIN, code, corridor, fixture, stderr, stdout};

/// A store with 30 persons ingested.
fn store_with_persons(dir: &Path) -> std::path::PathBuf {
    let store = dir.join("s.db");
    let (mapping, csv) = fixture(dir, 30);
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let o = corridor(
        &store,
        &[
            "ingest",
            "--mapping",
            mapping.to_str().expect("utf8"),
            csv.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    store
}

fn audit_entries(store: &Path) -> usize {
    let o = corridor(store, &["--json", "audit", "log"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    v.as_array().expect("entries").len()
}

#[test]
fn forty_parallel_logged_reads_all_succeed_and_are_all_logged() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = store_with_persons(dir.path());
    let before = audit_entries(&store);
    let children: Vec<_> = (0..40)
        .map(|i| {
            Command::new(BIN)
                .arg("--store")
                .arg(&store)
                .args(["--user", "tester", "--purpose", "case MK-1", "show"])
                .arg(format!("mk-crossings:MK-{:07}:person", i % 30))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut failures = Vec::new();
    for child in children {
        let o = child.wait_with_output().expect("wait");
        if !o.status.success() {
            failures.push(String::from_utf8_lossy(&o.stderr).into_owned());
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 40 reads failed: {:?}",
        failures.len(),
        failures.first()
    );
    assert_eq!(audit_entries(&store), before + 40);
}

#[test]
fn a_read_beside_a_writer_is_answered_and_gives_up_only_when_its_log_cannot_be_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = store_with_persons(dir.path());
    let show = ["--purpose", "case MK-1", "show", "mk-crossings:MK-0000001:person"];

    // Another process holds the write lock, as an ingest does for its batch: the
    // read is answered at once, its entry kept in the read log.
    let writer = rusqlite::Connection::open(&store).expect("open");
    writer.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let started = Instant::now();
    let o = corridor(&store, &[&["--wait", "1"][..], &show[..]].concat());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("MK-0000001"));
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    let mut readlog = store.as_os_str().to_owned();
    readlog.push(".readlog");
    let readlog = std::path::PathBuf::from(readlog);

    // When the read log is held too, the read waits --wait and gives up saying so,
    // without showing anything.
    let log_writer = rusqlite::Connection::open(&readlog).expect("open the read log");
    log_writer.execute_batch("BEGIN IMMEDIATE").expect("lock the read log");
    let started = Instant::now();
    let o = corridor(&store, &[&["--wait", "1"][..], &show[..]].concat());
    let waited = started.elapsed();
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("busy") && stderr(&o).contains("--wait"),
        "{}",
        stderr(&o)
    );
    assert!(!stdout(&o).contains("MK-0000001"), "shown without a log entry");
    assert!(
        waited >= Duration::from_millis(900),
        "gave up after {waited:?} instead of waiting"
    );
    log_writer.execute_batch("COMMIT").expect("unlock the read log");

    // Once the writer commits, the next command moves the waiting entry into the
    // chain (with the time it was made), which verifies.
    writer.execute_batch("COMMIT").expect("unlock");
    let o = corridor(&store, &["--json", "audit", "log"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let log: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let reads = log
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["purpose"] == "case MK-1" && e["target"].as_str().is_some_and(|t| t.contains("MK-0000001")))
        .count();
    assert_eq!(reads, 1, "the read made beside the writer is in the chain");
    let o = corridor(&store, &["audit", "verify"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(!stdout(&o).contains("wait in its read log"), "{}", stdout(&o));
}

#[test]
fn a_read_only_copy_verifies_and_counts_but_refuses_reads_it_cannot_log() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = store_with_persons(dir.path());
    let bytes = std::fs::read(&store).expect("read");
    let ok = |args: &[&str]| {
        let o = corridor(&store, &[&["--read-only"][..], args].concat());
        assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        stdout(&o)
    };
    assert!(ok(&["audit", "verify"]).contains("intact"));
    assert!(ok(&["check"]).contains("consistent"));
    assert!(ok(&["stats"]).contains("Person"));
    for args in [
        &["show", "mk-crossings:MK-0000001:person"][..],
        &["review"][..],
        &["resolve", "run"][..],
    ] {
        let o = corridor(&store, &[&["--read-only"][..], args].concat());
        assert_eq!(code(&o), 5, "{args:?} on a read-only store: {}", stdout(&o));
        assert!(stderr(&o).contains("read-only"), "{}", stderr(&o));
        assert!(!stdout(&o).contains("Person Number"), "personal data shown unlogged");
    }
    assert_eq!(
        std::fs::read(&store).expect("read"),
        bytes,
        "a read-only open changed the file"
    );
}

/// A copy the user may not write (file 0444 in a 0555 directory) is opened
/// read-only without being asked. Root may write anything, so as root the commands
/// run as `nobody` through `setpriv`.
#[test]
fn a_store_the_user_cannot_write_is_opened_read_only_by_itself() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let store = store_with_persons(dir.path());
    let archive = dir.path().join("archive");
    std::fs::create_dir(&archive).expect("mkdir");
    let copy = archive.join("copy.db");
    std::fs::copy(&store, &copy).expect("copy");
    let mode = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod");
    mode(&copy, 0o444);
    mode(&archive, 0o555);
    mode(dir.path(), 0o755);
    let root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .ok()
        == Some(0);
    let run = |args: &[&str]| {
        let mut c = if root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
            c
        } else {
            Command::new(BIN)
        };
        c.arg("--store")
            .arg(&copy)
            .args(["--user", "auditor"])
            .args(args)
            .output()
            .expect("run corridor")
    };
    let o = run(&["audit", "verify"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("intact"));
    assert!(
        stderr(&o).contains("read-only"),
        "no note that the store is read-only: {}",
        stderr(&o)
    );
    let o = run(&["show", "mk-crossings:MK-0000001:person"]);
    assert_eq!(code(&o), 5);
    assert!(stderr(&o).contains("could not be logged"), "{}", stderr(&o));
    mode(&archive, 0o755);
}

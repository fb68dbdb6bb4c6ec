//! The audit chain anchored outside the store (issue 20, item 10): the node's key
//! signs the head at every batch and for every anchor; rewriting the file is found.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{code, corridor, fixture, stderr, stdout};

/// A store with two batches, its key, and an anchor written after them.
fn anchored(dir: &Path) -> (PathBuf, PathBuf) {
    let store = dir.join("s.db");
    let o = corridor(&store, &["init"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("fingerprint"), "{}", stdout(&o));
    let key = dir.join("s.db.key");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).expect("key").permissions().mode() & 0o777,
        0o600
    );
    let (mapping, csv) = fixture(dir, 5);
    let m = mapping.to_str().expect("utf8");
    assert_eq!(
        code(&corridor(
            &store,
            &["ingest", "--mapping", m, csv.to_str().expect("utf8")]
        )),
        0
    );
    let more = dir.join("more.csv");
    let text = std::fs::read_to_string(&csv).expect("read").replace("MK-", "MX-");
    std::fs::write(&more, text).expect("write");
    assert_eq!(
        code(&corridor(
            &store,
            &["ingest", "--mapping", m, more.to_str().expect("utf8")]
        )),
        0
    );
    let o = corridor(&store, &["audit", "anchor"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let anchor = dir.join("anchor.json");
    std::fs::write(&anchor, stdout(&o)).expect("write");
    (store, anchor)
}

fn verify(store: &Path, anchor: &Path) -> std::process::Output {
    corridor(store, &["audit", "verify", "--anchor", anchor.to_str().expect("utf8")])
}

fn sql(store: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(store).expect("open");
    conn.execute_batch(sql).expect("edit");
}

/// The chain's hash of one entry, as `audit.rs` computes it: what an attacker who
/// read the source would recompute.
fn entry_hash(seq: i64, fields: &[String], prev: &str) -> String {
    let mut h = Sha256::new();
    let seq = seq.to_string();
    for part in std::iter::once(&seq)
        .chain(fields)
        .chain(std::iter::once(&prev.to_string()))
    {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Rewrites the whole chain consistently from the first entry, as someone who can
/// edit the file would after changing an entry.
fn rechain(store: &Path) {
    let conn = rusqlite::Connection::open(store).expect("open");
    conn.execute_batch("DROP TRIGGER IF EXISTS audit_no_update")
        .expect("drop");
    let rows: Vec<(i64, Vec<String>)> = conn
        .prepare("SELECT seq, at, actor, action, target, purpose, detail FROM audit ORDER BY seq")
        .expect("prepare")
        .query_map([], |r| {
            Ok((r.get(0)?, (1..7).map(|i| r.get(i)).collect::<Result<Vec<String>, _>>()?))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut prev = "0".repeat(64);
    for (seq, fields) in rows {
        let hash = entry_hash(seq, &fields, &prev);
        conn.execute(
            "UPDATE audit SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
            rusqlite::params![prev, hash, seq],
        )
        .expect("update");
        prev = hash.clone();
        conn.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'audit_head'",
            [format!("{seq}:{hash}")],
        )
        .expect("head");
    }
}

#[test]
fn an_untouched_store_verifies_against_its_anchor_and_a_forged_anchor_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let (store, anchor) = anchored(dir.path());
    let o = verify(&store, &anchor);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("signatures checked with key"), "{}", stdout(&o));
    let text = std::fs::read_to_string(&anchor).expect("read");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let seq = v["seq"].as_i64().expect("seq");
    std::fs::write(
        &anchor,
        text.replace(&format!("\"seq\": {seq}"), &format!("\"seq\": {}", seq - 1)),
    )
    .expect("w");
    let o = verify(&store, &anchor);
    assert_eq!(code(&o), 6, "{}", stdout(&o));
    assert!(stderr(&o).contains("signature does not verify"), "{}", stderr(&o));
}

#[test]
fn an_edited_entry_with_the_chain_recomputed_is_found() {
    let dir = tempfile::tempdir().expect("tmp");
    let (store, anchor) = anchored(dir.path());
    sql(
        &store,
        "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'someone else' WHERE seq = 2",
    );
    rechain(&store);
    // The chain alone is consistent again; the signatures and the anchor are not.
    let o = corridor(&store, &["audit", "verify"]);
    assert_eq!(code(&o), 6, "{}", stdout(&o));
    assert!(stdout(&o).contains("signature"), "{}", stdout(&o));
    let o = verify(&store, &anchor);
    assert_eq!(code(&o), 6);
    assert!(stdout(&o).contains("anchored head"), "{}", stdout(&o));
}

#[test]
fn removed_last_entries_with_the_head_moved_and_a_wiped_log_are_found() {
    let dir = tempfile::tempdir().expect("tmp");
    let (store, anchor) = anchored(dir.path());
    let copy = dir.path().join("copy.db");
    std::fs::copy(&store, &copy).expect("copy");
    sql(
        &store,
        "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit); \
         UPDATE meta SET value = (SELECT seq || ':' || hash FROM audit ORDER BY seq DESC LIMIT 1) WHERE key = 'audit_head'",
    );
    let o = verify(&store, &anchor);
    assert_eq!(code(&o), 6, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("batch 2 has no entry") || stdout(&o).contains("anchored head"),
        "{}",
        stdout(&o)
    );

    sql(
        &copy,
        "DROP TRIGGER audit_no_delete; DELETE FROM audit; DELETE FROM meta WHERE key = 'audit_head'",
    );
    let o = corridor(
        &copy,
        &[
            "--key",
            dir.path().join("s.db.key").to_str().expect("utf8"),
            "audit",
            "verify",
        ],
    );
    assert_eq!(code(&o), 6, "{}", stdout(&o));
    assert!(stdout(&o).contains("batch 1 has no entry"), "{}", stdout(&o));
}

#[test]
fn an_edited_statement_is_found_by_its_batch_evidence_hash() {
    let dir = tempfile::tempdir().expect("tmp");
    let (store, _) = anchored(dir.path());
    sql(
        &store,
        "UPDATE statement SET value = 'Someone Innocent' WHERE id = (SELECT MIN(id) FROM statement WHERE prop = 'name')",
    );
    let o = corridor(&store, &["audit", "verify"]);
    assert_eq!(code(&o), 6, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("statements of batch 1 were altered"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        code(&corridor(&store, &["check"])),
        0,
        "check looks at wholeness, verify at content"
    );
}

#[test]
fn an_edited_decision_finding_or_identity_link_is_found() {
    let dir = tempfile::tempdir().expect("tmp");
    let (store, _) = anchored(dir.path());
    // A finding: a phone that is no number.
    let (mapping, _) = fixture(dir.path(), 0);
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "id,name,born,category,phone\nMK-B,Bad Phone,01/02/1990,suspect,12\n",
    )
    .expect("write");
    let m = mapping.to_str().expect("utf8");
    let o = corridor(&store, &["ingest", "--mapping", m, bad.to_str().expect("utf8")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(code(&corridor(&store, &["resolve", "run"])), 0);
    let (a, b) = ("mk-crossings:MK-0000001:person", "mk-crossings:MK-0000002:person");
    let o = corridor(
        &store,
        &[
            "resolve",
            "decide",
            a,
            b,
            "--reject",
            "--reason",
            "different fingerprints",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // A record matched at ingest moves the mapping's state with it.
    let late = dir.path().join("late.csv");
    std::fs::write(
        &late,
        "id,name,born,category,phone\nMK-L,Person Number 1,02/02/1961,suspect,\n",
    )
    .expect("write");
    let o = corridor(
        &store,
        &["--json", "ingest", "--mapping", m, late.to_str().expect("utf8")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("resolution"),
        "not matched at ingest: {}",
        stdout(&o)
    );
    let o = corridor(&store, &["audit", "verify"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));

    for (edit, expected) in [
        (
            "UPDATE resolution_decision SET reason = 'same person' WHERE id = (SELECT MAX(id) FROM resolution_decision)",
            "decision",
        ),
        (
            "UPDATE finding SET reason = 'nothing' WHERE id = (SELECT MAX(id) FROM finding)",
            "findings",
        ),
        (
            "UPDATE identity_link SET identity = 'someone-else' WHERE entity = (SELECT MIN(entity) FROM identity_link)",
            "identity mapping",
        ),
        (
            "INSERT INTO resolution_decision (a, b, decision, reason, actor, at) VALUES ('x', 'y', 'confirm', 'r', 'ghost', 'now')",
            "in no entry of the log",
        ),
    ] {
        let copy = dir.path().join("copy.db");
        std::fs::copy(&store, &copy).expect("copy");
        sql(&copy, edit);
        let key = dir.path().join("s.db.key");
        let o = corridor(&copy, &["--key", key.to_str().expect("utf8"), "audit", "verify"]);
        assert_eq!(code(&o), 6, "{edit}: {}", stdout(&o));
        assert!(stdout(&o).contains(expected), "{edit}: {}", stdout(&o));
        std::fs::remove_file(&copy).expect("rm");
    }
}

#[test]
fn edited_meaning_forged_rows_and_a_replaced_key_are_found() {
    let dir = tempfile::tempdir().expect("tmp");
    let (store, anchor) = anchored(dir.path());
    let (mapping, _) = fixture(dir.path(), 0);
    let _ = mapping;
    assert_eq!(
        code(&corridor(&store, &["source", "grade", "1", "B", "--reason", "checked"])),
        0
    );
    assert_eq!(code(&corridor(&store, &["resolve", "run"])), 0);
    let key = dir.path().join("s.db.key");
    let verify_copy = |edit: &str| {
        let copy = dir.path().join("copy.db");
        let _ = std::fs::remove_file(&copy);
        std::fs::copy(&store, &copy).expect("copy");
        sql(&copy, edit);
        let o = corridor(&copy, &["--key", key.to_str().expect("utf8"), "audit", "verify"]);
        std::fs::remove_file(&copy).expect("rm");
        o
    };
    assert_eq!(code(&verify_copy("SELECT 1")), 0, "the untouched copy verifies");
    for (edit, expected) in [
        ("UPDATE provenance SET grading = 'A1', handling = 'H0'", "provenance"),
        ("UPDATE record SET key = 'FAKE-1' WHERE id = 1", "batch 1"),
        (
            "UPDATE entity_kind SET schema = 'Organization' WHERE schema = 'Person'",
            "entities",
        ),
        ("UPDATE batch SET actor = 'someone else' WHERE id = 1", "batch row"),
        ("UPDATE agency SET country = 'XXX'", "batch 1"),
        (
            "INSERT INTO resolution_decision (a, b, decision, reason, actor, at) VALUES ('x', 'y', 'confirm', 'r', 'chief', 'now')",
            "decision 1 is in no entry",
        ),
        (
            "INSERT INTO source_reliability (source_id, reliability, valid_from, reason, recorded_by) VALUES (1, 'A', 'now', 'x', 'y')",
            "source grading 2 is in no entry",
        ),
        (
            "UPDATE meta SET value = '{\"review_after_months\":{\"suspect\":999}}' WHERE key = 'retention_policy'",
            "retention",
        ),
        ("UPDATE resolution_run SET actor = 'ghost'", "resolution run"),
    ] {
        let o = verify_copy(edit);
        assert_eq!(code(&o), 6, "{edit}: {}", stdout(&o));
        assert!(stdout(&o).contains(expected), "{edit}: {}", stdout(&o));
    }

    // A batch after the anchor; then every signature deleted and the key file gone:
    // the anchor's key still finds the unsigned batch.
    let late = dir.path().join("late.csv");
    std::fs::write(
        &late,
        "id,name,born,category,phone\nMK-L,Late Person,02/02/1961,suspect,\n",
    )
    .expect("write");
    let m = dir.path().join("mk.mapping.toml");
    let o = corridor(
        &store,
        &[
            "ingest",
            "--mapping",
            m.to_str().expect("utf8"),
            late.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let copy = dir.path().join("nosig.db");
    std::fs::copy(&store, &copy).expect("copy");
    sql(
        &copy,
        "DROP TRIGGER audit_signature_no_delete; DELETE FROM audit_signature",
    );
    let o = corridor(&copy, &["audit", "verify", "--anchor", anchor.to_str().expect("utf8")]);
    assert_eq!(code(&o), 6, "{}", stdout(&o));
    assert!(stdout(&o).contains("anchor's key"), "{}", stdout(&o));
    // A store whose batches are signed never gets a new key in place of a lost one.
    let signed = dir.path().join("signed.db");
    std::fs::copy(&store, &signed).expect("copy");
    let o = corridor(&signed, &["init"]);
    assert_ne!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stderr(&o).contains("key file") && stderr(&o).contains("missing"),
        "{}",
        stderr(&o)
    );
}

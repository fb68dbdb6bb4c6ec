//! Backups that cannot bring erased data back.
//!
//! A backup is `VACUUM INTO` a new file: a consistent snapshot (one read
//! transaction), rebuilt page by page so that no freed page of the live file comes
//! with it, and checked at once (its audit chain and evidence verify, its tables
//! are consistent) before its SHA-256 is reported.
//!
//! Erasures and restrictions made after a backup must survive a restore of it
//! (Art. 16 would otherwise be undone by the next disk failure). Every erasure,
//! restriction and lifting appends its records to a journal beside the store
//! (`<store>.erasures`, JSON lines, no personal data: internal ids with a digest of
//! their data set and key, the act, the time); a restore reads that journal and the
//! held records of the store it replaces, and makes each record's last state again
//! in the backup (erased, restricted, or lifted) before the restored file takes the
//! store's place. Keep a copy of the journal wherever backups are kept.

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::OptionalExtension;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::{HoldRequest, SqliteStore, Store};

/// What a backup wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    pub sha256: String,
    /// The audit log's head in the backup (sequence number and hash).
    pub audit_seq: i64,
    pub audit_head: String,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub from: PathBuf,
    /// The erasures made since the backup that were made again in the restored store.
    pub erasures_reapplied: usize,
    /// Restrictions made since the backup, made again; and ones lifted since, lifted.
    pub restrictions_reapplied: usize,
    pub restrictions_lifted: usize,
    /// Supervisors' decisions to keep a record past its review date made since the
    /// backup, made again.
    pub keeps_reapplied: usize,
    /// Where the store that was replaced was moved, if there was one.
    pub replaced_store: Option<PathBuf>,
}

/// The erasure journal beside a store.
pub fn journal_path(store: &Path) -> PathBuf {
    let mut name = store.as_os_str().to_owned();
    name.push(".erasures");
    PathBuf::from(name)
}

/// Appends a supervisor's decision to keep a record until `until` to the journal
/// (synced), as a restore makes it again.
pub(crate) fn journal_keep(store: &Path, record: i64, key: &str, until: &str, at: &str) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let mut f = o.open(journal_path(store))?;
    let line = serde_json::json!({"record": record, "key": key, "at": at, "act": "keep", "until": until});
    f.write_all(format!("{line}\n").as_bytes())?;
    f.sync_all()
}

/// Appends a restriction, lifting or erasure of records to the journal (synced).
pub(crate) fn journal_holds(store: &Path, act: &str, records: &[(i64, String)], at: &str) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let mut f = o.open(journal_path(store))?;
    let mut text = String::new();
    for (r, key) in records {
        text.push_str(&serde_json::json!({"record": r, "key": key, "at": at, "act": act}).to_string());
        text.push('\n');
    }
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |cause| Error::Io {
        path: path.display().to_string(),
        cause,
    }
}

/// Each record's id with a digest of its data set and key.
fn record_key_digests(conn: &rusqlite::Connection) -> Result<std::collections::HashMap<i64, String>> {
    let mut st = conn.prepare("SELECT r.id, d.name, r.key FROM record r JOIN dataset d ON d.id = r.dataset_id")?;
    let rows = st.query_map([], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })?;
    let mut out = std::collections::HashMap::new();
    for row in rows {
        let (id, dataset, key) = row?;
        out.insert(id, key_digest(&dataset, &key));
    }
    Ok(out)
}

/// The digest of a record's data set and key kept in the erasure journal (the key
/// may be an agency's reference; the journal holds no personal data in clear).
pub(crate) fn key_digest(dataset: &str, key: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"corridor journal record v1\0");
    h.update((dataset.len() as u64).to_le_bytes());
    h.update(dataset.as_bytes());
    h.update(key.as_bytes());
    hex::encode(h.finalize())
}

/// Copies `from` to a new file `to` readable by its owner alone.
fn copy_private(from: &Path, to: &Path) -> Result<()> {
    let mut src = std::fs::File::open(from).map_err(io(from))?;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let mut dst = o.open(to).map_err(io(to))?;
    std::io::copy(&mut src, &mut dst).map_err(io(to))?;
    dst.sync_all().map_err(io(to))
}

fn sha256_of(path: &Path) -> Result<(u64, String)> {
    let mut f = std::fs::File::open(path).map_err(io(path))?;
    let mut h = Sha256::new();
    let bytes = std::io::copy(&mut f, &mut h).map_err(io(path))?;
    Ok((bytes, hex::encode(h.finalize())))
}

/// Checks a store file: its chain and evidence verify and its tables agree.
fn check(path: &Path) -> Result<(i64, String)> {
    let store = SqliteStore::open_read_only(path)?;
    let report = store.verify_audit_with(None, None)?;
    if !report.is_intact() {
        return Err(Error::Corrupt {
            what: "backup",
            value: format!(
                "{}: its audit log does not verify ({:?})",
                path.display(),
                report.problems
            ),
        });
    }
    let consistency = store.check_consistency()?;
    if !consistency.problems.is_empty() {
        return Err(Error::Corrupt {
            what: "backup",
            value: format!("{}: {}", path.display(), consistency.problems.join("; ")),
        });
    }
    let (seq, hash) = crate::audit::head(store.conn())?;
    Ok((seq, hash))
}

impl SqliteStore {
    /// Writes a consistent, verified snapshot of the store to `dest` (which must
    /// not exist) and logs it.
    pub fn backup_to(&mut self, dest: &Path, actor: &str) -> Result<BackupReport> {
        if dest.exists() {
            return Err(Error::Io {
                path: dest.display().to_string(),
                cause: std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "a file is already there: give a new path (a backup never overwrites one)",
                ),
            });
        }
        let text = dest.to_str().ok_or_else(|| Error::Io {
            path: dest.display().to_string(),
            cause: std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path is not valid UTF-8"),
        })?;
        // Created empty and private first: VACUUM INTO writes into it with its mode.
        {
            let mut o = std::fs::OpenOptions::new();
            o.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
            o.open(dest).map_err(io(dest))?;
        }
        self.conn().execute("VACUUM INTO ?1", [text])?;
        let checked = check(dest);
        let (audit_seq, audit_head) = match checked {
            Ok(v) => v,
            Err(e) => {
                let _ = std::fs::remove_file(dest);
                return Err(e);
            }
        };
        let (bytes, sha256) = sha256_of(dest)?;
        self.audit(&crate::AuditEntry {
            actor: actor.into(),
            action: crate::AuditAction::Backup,
            target: "store".into(),
            purpose: String::new(),
            detail: serde_json::json!({"sha256": sha256, "bytes": bytes, "audit_seq": audit_seq}).to_string(),
        })?;
        Ok(BackupReport {
            path: dest.to_path_buf(),
            bytes,
            sha256,
            audit_seq,
            audit_head,
        })
    }

    /// Restores the backup `from` as the store at `store`, making again every
    /// erasure recorded since (in the journal, or in the store being replaced),
    /// which is moved aside, never deleted.
    pub fn restore(from: &Path, store: &Path, actor: &str, fresh_secret: &str) -> Result<RestoreReport> {
        // A running node server would go on writing into the store moved aside.
        let _alone = crate::NodeLock::acquire(store)?;
        // Nor may a command write meanwhile (an erasure would land in the file
        // moved aside); none may start until the restore is done.
        let _writers = crate::StoreShare::alone(store)?;
        // Erased records: (internal id, digest of data set and key). A record id is
        // only trusted with its key's digest, so a journal of another store's
        // lineage (ids reused after an earlier restore, a store made anew at the
        // same path) erases nothing it should not.
        // Each journaled record's last state: erased (final), restricted, or
        // lifted (`None`), in the journal's order.
        let mut last: std::collections::BTreeMap<(i64, Option<String>), Option<crate::HoldState>> =
            std::collections::BTreeMap::new();
        // Each journaled record's last decision to keep it (the review date).
        let mut keeps: std::collections::BTreeMap<(i64, Option<String>), String> = std::collections::BTreeMap::new();
        if let Ok(text) = std::fs::read_to_string(journal_path(store)) {
            for line in text.lines() {
                let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                let Some(r) = v["record"].as_i64() else { continue };
                if v["act"].as_str() == Some("keep") {
                    if let Some(until) = v["until"].as_str() {
                        keeps.insert((r, v["key"].as_str().map(str::to_string)), until.to_string());
                    }
                    continue;
                }
                let entry = last.entry((r, v["key"].as_str().map(str::to_string))).or_insert(None);
                *entry = match (entry.take(), v["act"].as_str().unwrap_or("erase")) {
                    (Some(crate::HoldState::Erased), _) | (_, "erase") => Some(crate::HoldState::Erased),
                    (_, "restrict") => Some(crate::HoldState::Restricted),
                    _ => None,
                };
            }
        }
        if store.exists() {
            // The store being replaced may be damaged (why else restore): what it
            // says is added when it can be read.
            if let Ok(current) = SqliteStore::open_during_restore(store) {
                let keys = record_key_digests(current.conn())?;
                for h in current.holds()? {
                    let entry = last.entry((h.record, keys.get(&h.record).cloned())).or_insert(None);
                    if *entry != Some(crate::HoldState::Erased) {
                        *entry = Some(h.state);
                    }
                }
                let kept: Vec<(i64, String)> = current
                    .conn()
                    .prepare("SELECT record_id, review_date FROM retention_keep")?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                for (record, until) in kept {
                    keeps.insert((record, keys.get(&record).cloned()), until);
                }
            }
        }
        let pick = |want: Option<crate::HoldState>| -> Vec<(i64, Option<String>)> {
            last.iter()
                .filter(|(_, s)| **s == want)
                .map(|(k, _)| k.clone())
                .collect()
        };
        let erased = pick(Some(crate::HoldState::Erased));
        let restricted = pick(Some(crate::HoldState::Restricted));
        let lifted = pick(None);
        let staging = store.with_extension("restoring");
        let _ = std::fs::remove_file(&staging);
        copy_private(from, &staging)?;
        let (mut restrictions_reapplied, mut restrictions_lifted, mut keeps_reapplied) = (0, 0, 0);
        let reapplied = {
            // Opening migrates a backup made before the newest schema; then it is
            // checked whole, evidence included.
            drop(SqliteStore::open_during_restore(&staging)?);
            check(&staging)?;
            let mut restored = SqliteStore::open_during_restore(&staging)?;
            let known = record_key_digests(restored.conn())?;
            let ours = |list: Vec<(i64, Option<String>)>| -> Vec<i64> {
                list.into_iter()
                    .filter(|(r, key)| known.get(r).is_some_and(|k| key.as_ref().is_none_or(|want| want == k)))
                    .map(|(r, _)| r)
                    .collect()
            };
            let todo = ours(erased);
            let (restrict, lift) = (ours(restricted), ours(lifted));
            let replay = |reason| HoldRequest {
                actor,
                purpose: "",
                reason,
                match_names: &[],
            };
            // Restrictions and liftings made since the backup, first: an erasure
            // below takes what it finds either way.
            if !lift.is_empty() {
                restrictions_lifted = restored
                    .lift_restriction(&lift, &replay("re-applied at restore: lifted after this backup"))?
                    .records;
            }
            if !restrict.is_empty() {
                restrictions_reapplied = restored
                    .restrict_records(
                        &restrict,
                        &replay("re-applied at restore: restricted after this backup"),
                    )?
                    .records;
            }
            let report = if todo.is_empty() {
                Default::default()
            } else {
                restored.erase_records(
                    &todo,
                    &HoldRequest {
                        actor,
                        purpose: "",
                        reason: "re-applied at restore: erased after this backup was taken",
                        match_names: &[],
                    },
                    fresh_secret,
                )?
            };
            if report.records > 0 {
                // The backup's matching index still counts the erased records' names:
                // it is dropped whole, and the next resolution run writes it anew.
                restored.conn().execute_batch(
                    "BEGIN IMMEDIATE; DELETE FROM match_key; DELETE FROM match_record; DELETE FROM match_name; \
                     DELETE FROM meta WHERE key IN ('match_run', 'match_names'); COMMIT;",
                )?;
            }
            // Decisions to keep a record made since the backup, on records still
            // there and not held (a keep the backup already holds is left as is).
            for ((record, key), until) in &keeps {
                let ours = known
                    .get(record)
                    .is_some_and(|k| key.as_ref().is_none_or(|want| want == k));
                let Ok(date) = chrono::NaiveDate::parse_from_str(until, "%Y-%m-%d") else {
                    continue;
                };
                let already: Option<String> = restored
                    .conn()
                    .query_row(
                        "SELECT review_date FROM retention_keep WHERE record_id = ?1",
                        [record],
                        |r| r.get(0),
                    )
                    .optional()?;
                if !ours || already.as_deref() == Some(until.as_str()) {
                    continue;
                }
                if restored
                    .keep_record(*record, date, &replay("re-applied at restore: kept after this backup"))
                    .is_ok()
                {
                    keeps_reapplied += 1;
                }
            }
            restored.compact()?;
            report.records
        };
        // The staging copy's own journal: its erasures are the ones already journaled.
        let _ = std::fs::remove_file(journal_path(&staging));
        let replaced_store = if store.exists() {
            // Its log file folded in and removed first: the store moved aside is whole.
            {
                let current = SqliteStore::open_during_restore(store)?;
                let busy: i64 = current
                    .conn()
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
                if busy != 0 {
                    let _ = std::fs::remove_file(&staging);
                    return Err(Error::Busy);
                }
            }
            let aside = store.with_extension(format!("replaced-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S")));
            std::fs::rename(store, &aside).map_err(io(store))?;
            for ext in ["-wal", "-shm"] {
                let mut side = store.as_os_str().to_owned();
                side.push(ext);
                let side = PathBuf::from(side);
                if std::fs::metadata(&side).is_ok_and(|m| m.len() == 0 || ext == "-shm") {
                    let _ = std::fs::remove_file(side);
                }
            }
            Some(aside)
        } else {
            None
        };
        std::fs::rename(&staging, store).map_err(io(store))?;
        Ok(RestoreReport {
            from: from.to_path_buf(),
            erasures_reapplied: reapplied,
            restrictions_reapplied,
            restrictions_lifted,
            keeps_reapplied,
            replaced_store,
        })
    }
}

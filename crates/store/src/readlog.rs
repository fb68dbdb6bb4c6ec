//! Log entries of reads and exports made while another process holds the write
//! lock: kept in a small file of their own beside the store (`STORE.readlog`), and
//! moved into the hash-chained audit log by the next command that gets the lock.
//!
//! Why: a batch is one transaction, so a million-row ingest holds the store's
//! write lock for the whole of its 15-20 s. Readers read their own snapshot beside
//! it (WAL), but every read of personal data must be logged before it is shown,
//! and appending to the chain needs the lock: every `show` waited for the ingest,
//! or failed after `--wait`. Now a reader that cannot get the lock within
//! [`CHAIN_WAIT`] writes its entry to the read log (durably, under its own lock,
//! which nobody holds for long) and answers; the entry joins the chain, with the
//! time it was made, at the next write, the next logged read that gets the lock, or
//! the next opening of the store.
//!
//! The alternative, committing a batch in chunks that readers must know to skip,
//! would have given up "a batch is all or nothing" for every reader, `check` and
//! crash recovery; this keeps it and touches only the log.
//!
//! Limits: until they are moved, queued entries are protected by the file's
//! permissions (0600, like the store), not by the chain; `audit verify` reports how
//! many are waiting. A move that is interrupted after the chain's commit and
//! before the read log is emptied is not repeated: the chain records the last
//! entry moved (`meta.readlog_moved`, with the read log's own random id).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::audit::{self, AuditEntry};
use crate::error::{Error, Result};

/// How long a logged read waits for the store's write lock before it queues its
/// entry instead: long enough for another request's log entry (well under a
/// millisecond), short of what a reader should wait behind a batch (the node's
/// load benchmark measured every read during an upload at 200 ms with a 200 ms wait).
pub(crate) const CHAIN_WAIT: Duration = Duration::from_millis(20);

/// The read log of the store at `store`.
pub(crate) fn path_of(store: &Path) -> PathBuf {
    let mut p = store.as_os_str().to_owned();
    p.push(".readlog");
    PathBuf::from(p)
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS log_id (id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queued (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    purpose TEXT NOT NULL,
    detail  TEXT NOT NULL
);";

/// Opens the read log at `path`, creating it (0600) when `create`; `None` when it
/// does not exist and `create` is false. A symbolic link is refused, never followed.
fn open(path: &Path, create: bool, wait: Duration) -> Result<Option<Connection>> {
    let io = |cause| Error::Io {
        path: path.display().to_string(),
        cause,
    };
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.is_file() => {
            return Err(Error::Foreign {
                path: path.display().to_string(),
                detail: "the store's read log is not a file (a link or something else): remove it".into(),
            });
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if !create {
                return Ok(None);
            }
            use std::os::unix::fs::OpenOptionsExt;
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
            {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io(e)),
            }
        }
        Err(e) => return Err(io(e)),
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(wait)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    let tx = conn.unchecked_transaction()?;
    tx.execute_batch(SCHEMA)?;
    let has_id: bool = tx.query_row("SELECT COUNT(*) > 0 FROM log_id", [], |r| r.get(0))?;
    if !has_id {
        tx.execute("INSERT INTO log_id (id) VALUES (lower(hex(randomblob(16))))", [])?;
    }
    tx.commit()?;
    Ok(Some(conn))
}

/// Queues `entry`, made at `at`, waiting up to `wait` for the read log's lock.
pub(crate) fn queue(store: &Path, at: &str, entry: &AuditEntry, wait: Duration) -> Result<i64> {
    let Some(conn) = open(&path_of(store), true, wait)? else {
        return Err(Error::Busy);
    };
    conn.execute(
        "INSERT INTO queued (at, actor, action, target, purpose, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            at,
            entry.actor,
            entry.action.as_str(),
            entry.target,
            entry.purpose,
            entry.detail
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// How many entries wait in the read log of `store`.
pub(crate) fn waiting(store: &Path, main: &Connection) -> Result<usize> {
    let Some(conn) = open(&path_of(store), false, Duration::from_secs(1))? else {
        return Ok(0);
    };
    let (_, after) = moved_marker(&conn, main)?;
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM queued WHERE id > ?1", [after], |r| r.get(0))?;
    Ok(n.max(0) as usize)
}

/// The read log's id and the last of its entries the chain already holds.
fn moved_marker(log: &Connection, main: &Connection) -> Result<(String, i64)> {
    let id: String = log.query_row("SELECT id FROM log_id LIMIT 1", [], |r| r.get(0))?;
    let moved: Option<String> = main
        .query_row("SELECT value FROM meta WHERE key = 'readlog_moved'", [], |r| r.get(0))
        .optional()?;
    let after = moved
        .and_then(|m| {
            let (log, seq) = m.split_once(':')?;
            (log == id).then(|| seq.parse::<i64>().ok()).flatten()
        })
        .unwrap_or(0);
    Ok((id, after))
}

/// Remembers a read log that held nothing to move, so that a node's group
/// commits (hundreds a second) do not open it again until it changes: opening it
/// each time was a few percent of every logged read's cost.
///
/// The file's identity, length and modification time stand for its content. A
/// write within the same clock tick as the look would leave the time unchanged,
/// so a file is remembered only once its time is [`QUIET_AFTER`] old: any later
/// write gives it a newer one.
#[derive(Debug, Default)]
pub(crate) struct Watch {
    quiet: Option<Stamp>,
}

/// How old a read log's modification time must be before its look is trusted.
const QUIET_AFTER: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    modified: std::time::SystemTime,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::symlink_metadata(path).ok()?;
        Some(Stamp {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            modified: m.modified().ok()?,
        })
    }
}

/// [`move_into`], skipped while the read log is as `watch` last saw it empty.
pub(crate) fn move_into_watched(store: &Path, tx: &Connection, watch: &mut Watch) -> Result<Option<Moved>> {
    let path = path_of(store);
    let Some(stamp) = Stamp::of(&path) else {
        // No read log (or none that can be looked at: `move_into` says why).
        watch.quiet = None;
        return move_into(store, tx);
    };
    if watch.quiet.as_ref() == Some(&stamp) {
        return Ok(None);
    }
    // Read here rather than through `move_into`, which treats a read log it
    // cannot read now (locked, damaged) like an empty one: that one is not quiet.
    let waiting = waiting_entries(store, tx);
    let empty = matches!(&waiting, Ok(Some((_, _, rows))) if rows.is_empty());
    let moved = move_waiting(waiting, tx)?;
    let settled = stamp.modified.elapsed().is_ok_and(|age| age >= QUIET_AFTER);
    watch.quiet = (empty && settled && Stamp::of(&path).as_ref() == Some(&stamp)).then_some(stamp);
    Ok(moved)
}

/// Moves the queued entries into the chain inside `tx` (which holds the store's
/// write lock); returns a cleanup to run once `tx` has committed.
///
/// A read log that cannot be read now (locked for longer than a second, damaged)
/// moves nothing: its entries wait, and the writer's own act is not held up.
pub(crate) fn move_into(store: &Path, tx: &Connection) -> Result<Option<Moved>> {
    move_waiting(waiting_entries(store, tx), tx)
}

/// [`move_into`] of what [`waiting_entries`] found.
fn move_waiting(waiting: Result<Option<(Connection, String, Vec<Queued>)>>, tx: &Connection) -> Result<Option<Moved>> {
    let Ok(Some((log, id, rows))) = waiting else {
        return Ok(None);
    };
    let Some(last) = rows.last().map(|r| r.0) else {
        return Ok(None);
    };
    for (_, at, entry) in &rows {
        audit::append(tx, at, entry)?;
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('readlog_moved', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [format!("{id}:{last}")],
    )?;
    Ok(Some(Moved { log, last }))
}

/// A queued entry: its number in the read log, its time, the entry.
type Queued = (i64, String, AuditEntry);

/// The read log, its id and the entries the chain does not hold yet.
fn waiting_entries(store: &Path, main: &Connection) -> Result<Option<(Connection, String, Vec<Queued>)>> {
    let Some(log) = open(&path_of(store), false, Duration::from_secs(1))? else {
        return Ok(None);
    };
    let (id, after) = moved_marker(&log, main)?;
    let mut stmt =
        log.prepare("SELECT id, at, actor, action, target, purpose, detail FROM queued WHERE id > ?1 ORDER BY id")?;
    let rows: Vec<Queued> = stmt
        .query_map([after], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                AuditEntry {
                    actor: r.get(2)?,
                    action: r.get::<_, String>(3)?.into(),
                    target: r.get(4)?,
                    purpose: r.get(5)?,
                    detail: r.get(6)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    Ok(Some((log, id, rows)))
}

/// Entries moved into the chain, to delete from the read log once the chain
/// committed.
pub(crate) struct Moved {
    log: Connection,
    last: i64,
}

impl Moved {
    /// Deletes the moved entries; a failure leaves them, and the chain's marker
    /// keeps them from being moved twice.
    pub(crate) fn forget(self) {
        let _ = self.log.execute("DELETE FROM queued WHERE id <= ?1", [self.last]);
    }
}

//! The embedded SQLite store: opening, pragmas, migrations, and the batch writer.

use std::collections::HashMap;
use std::path::Path;

use corridor_model::{Entity, EntityEvidence, EntityValues, RetentionPolicy, SourceReliability};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Statement, params};

use crate::audit::{self, AuditEntry, AuditRecord, AuditReport};
use crate::batch::{BatchSpec, BatchSummary, ProvenanceSpec, RowOutcome, RowWrite, StatementWrite};
use crate::checks::{self, FindingWrite, StoredFinding, StoredWatchlist, WatchlistEntry, WatchlistSpec};
use crate::error::{Error, Result};
use crate::migrations;
use crate::read::{self, ConsistencyReport, DerivedFact, PersonReview, SourceInfo, Stats};
use crate::resolution::{self, Decision, ResolutionRun, ResolutionWrite, ReviewPair};
use crate::{Batch, SourceSpec, Store};

/// A Corridor store in one SQLite file.
pub struct SqliteStore {
    conn: Connection,
    /// The node's key, when the caller gave it: signs the audit head at every batch.
    signer: Option<corridor_node_key::NodeKey>,
    /// Opened read-only (a read-only file or directory, an archived copy): nothing
    /// is written, and reads that must be logged are refused.
    read_only: bool,
    /// How long a command waits for another's write lock ([`SqliteStore::set_wait`]).
    wait: std::time::Duration,
    /// Read-log entries held for one group commit ([`SqliteStore::defer_log`]).
    log: DeferredLog,
    /// The read log as last seen with nothing to move (see `readlog::Watch`).
    readlog: crate::readlog::Watch,
    /// This opening's share of the writers' lock (see `lock::StoreShare`); none
    /// when read-only or during a restore.
    share: Option<crate::lock::StoreShare>,
}

/// Whether this user may write the store's file and its directory (where SQLite
/// makes the write-ahead log).
fn may_write(path: &Path) -> bool {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let w = rustix::fs::Access::WRITE_OK;
    rustix::fs::access(path, w).is_ok() && rustix::fs::access(dir, w).is_ok()
}

/// Log entries of reads held back so that several requests' entries are appended
/// to the chain in one transaction (a node server's group commit): each entry gets
/// a ticket, and a request hands out what it read only once its ticket is durable
/// ([`SqliteStore::log_outcome`]). At a million records the node's selector
/// lookups spent about half their time appending their own entry, one transaction
/// each.
#[derive(Debug, Default)]
struct DeferredLog {
    /// Whether `log_access` defers now.
    on: bool,
    /// Entries waiting, with the time each read was made.
    waiting: Vec<(String, AuditEntry)>,
    /// Tickets handed out (the last one), and the last one written or failed.
    issued: u64,
    settled: u64,
    /// Ticket ranges whose flush failed: those reads must not be handed out.
    failed: std::collections::VecDeque<(u64, u64)>,
}

impl Drop for SqliteStore {
    /// Deferred log entries are written before the connection closes: a read whose
    /// request was answered is logged whatever happens next.
    fn drop(&mut self) {
        if !self.log.waiting.is_empty() {
            let _ = self.flush_log();
        }
    }
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.conn.path()).finish()
    }
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// The size, in pages, that the write-ahead log's file is cut back to once it
/// starts over with checkpoints handed off (32 MiB at 4 KiB pages; see
/// [`SqliteStore::checkpoint`]).
pub const WAL_LIMIT_PAGES: i64 = 8_192;

/// SQLite's page cache, in KiB.
const CACHE_KIB: i64 = 65536;

/// Runs `read`, one pass over large tables, with a 2 MiB page cache and the file
/// read through a memory map, then puts both back. A pass in order reads each page
/// once: the usual cache only takes memory (64 MiB of fresh pages the kernel must
/// zero, a tenth of reading 100k records), and the map spares copying each page from
/// the kernel's cache (0.1-0.2 s of 1.0-1.4 s at 100k).
fn bulk_read<T>(conn: &Connection, read: impl FnOnce() -> Result<T>) -> Result<T> {
    bulk_settings(conn, true)?;
    let out = read();
    bulk_settings(conn, false)?;
    out
}

/// Switches to `bulk_read`'s page settings (`on`) or back.
fn bulk_settings(conn: &Connection, on: bool) -> Result<()> {
    if on {
        conn.pragma_update(None, "cache_size", -2048)?;
        conn.pragma_update(None, "mmap_size", 1i64 << 40)?;
    } else {
        conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        conn.pragma_update(None, "mmap_size", 0)?;
    }
    Ok(())
}

impl SqliteStore {
    /// Creates the store file if needed and brings it to the current schema.
    /// Returns the store and whether it was newly created.
    ///
    /// A new file is created exclusively and readable by its owner only (0600: the
    /// store holds personal data; SQLite gives its WAL files the same mode). An
    /// existing file is taken only if it is a Corridor store or empty: Corridor does
    /// not add its tables to another application's database.
    pub fn create(path: &Path, actor: &str) -> Result<(SqliteStore, bool)> {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink()) {
            return Err(Error::Foreign {
                path: path.display().to_string(),
                detail: "a symbolic link; give the store's own path".into(),
            });
        }
        if std::fs::symlink_metadata(path).is_err() {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(|cause| Error::Io {
                    path: path.display().to_string(),
                    cause,
                })?;
        }
        let conn = Connection::open(path).map_err(|e| foreign(path, e))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| foreign(path, e))?;
        if version == 0 {
            let tables: Vec<String> = conn
                .prepare("SELECT name FROM sqlite_schema ORDER BY name LIMIT 5")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if !tables.is_empty() {
                return Err(Error::Foreign {
                    path: path.display().to_string(),
                    detail: format!(
                        "an SQLite database of another application (tables {})",
                        tables.join(", ")
                    ),
                });
            }
        }
        let share = crate::lock::StoreShare::take(path)?;
        let mut store = SqliteStore::configure(conn, path, false)?;
        store.share = Some(share);
        let before = migrations::migrate(&mut store.conn)?;
        let created = before == 0;
        if created {
            let policy = serde_json::to_string(&RetentionPolicy::default())?;
            store.conn.execute(
                "INSERT INTO meta (key, value) VALUES ('retention_policy', ?1)",
                [policy],
            )?;
            store.audit(&AuditEntry {
                actor: actor.to_string(),
                action: crate::AuditAction::Init,
                target: path.display().to_string(),
                ..AuditEntry::default()
            })?;
        }
        Ok((store, created))
    }

    /// Opens an existing store, migrating it forward if it is older than this code.
    ///
    /// A store that cannot be written (a read-only file, a file in a read-only
    /// directory, an archived copy on read-only media) is opened read-only: the audit
    /// chain can be verified and counts read, but nothing is written, and reads of
    /// personal data, which must be logged, are refused ([`Error::ReadOnly`]).
    ///
    /// A writable store shares the writers' lock while it is open (see
    /// `lock::StoreShare`): refused, with [`Error::Restoring`], while a restore
    /// replaces the file.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        SqliteStore::open_sharing(path, true)
    }

    /// [`SqliteStore::open`] for a restore, which holds the writers' lock alone.
    pub(crate) fn open_during_restore(path: &Path) -> Result<SqliteStore> {
        SqliteStore::open_sharing(path, false)
    }

    fn open_sharing(path: &Path, share: bool) -> Result<SqliteStore> {
        if !path.exists() {
            return Err(Error::NotFound {
                path: path.display().to_string(),
            });
        }
        if std::fs::metadata(path).map(|m| m.len() == 0).unwrap_or(false) {
            return Err(Error::Foreign {
                path: path.display().to_string(),
                detail: "an empty file".into(),
            });
        }
        // Taken before anything is written (opening migrates and moves the read
        // log). A writable store never goes without it: a lock file that cannot be
        // taken (another user's, not a file) refuses the opening, or a restore
        // could swap the file under this command's writes. Only a store this
        // user could not write anyway (read-only file or directory) opens without.
        let share = if share {
            match crate::lock::StoreShare::take(path) {
                Ok(s) => Some(s),
                Err(e @ Error::Restoring { .. }) => return Err(e),
                Err(e) if may_write(path) => return Err(e),
                Err(_) => None,
            }
        } else {
            None
        };
        match SqliteStore::open_writable(path) {
            Ok(Some(mut store)) => {
                store.share = share;
                Ok(store)
            }
            Ok(None) => SqliteStore::open_read_only(path),
            Err(e) => Err(e),
        }
    }

    /// Opens for writing; `None` when the file or its directory cannot be written.
    fn open_writable(path: &Path) -> Result<Option<SqliteStore>> {
        // No SQLite mutex per call (rusqlite's default, which plain READ_WRITE left
        // out): a `Connection` is never shared between threads at once (it is not
        // `Sync`), and the locking was a tenth of reading the store.
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // SQLite opens a file it may not write read-only without saying so; a
        // read-only directory shows only when the WAL's files cannot be created.
        if conn.is_readonly(rusqlite::MAIN_DB)? {
            return Ok(None);
        }
        let version: rusqlite::Result<i64> = conn.query_row("PRAGMA user_version", [], |r| r.get(0));
        match version {
            Ok(0) => {
                return Err(Error::Foreign {
                    path: path.display().to_string(),
                    detail: "an SQLite database that Corridor did not create".into(),
                });
            }
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => return Err(foreign(path, e)),
            _ => {}
        }
        match SqliteStore::configure(conn, path, false) {
            Ok(mut store) => {
                migrations::migrate(&mut store.conn)?;
                // Reads logged while a writer held the store join the chain now if
                // they can (see `readlog`).
                store.move_read_log()?;
                Ok(Some(store))
            }
            Err(Error::Sqlite(e))
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::ReadOnly) | Some(rusqlite::ErrorCode::CannotOpen)
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Opens read-only. Without the WAL's files and a directory to create them in,
    /// SQLite reads a WAL store only as immutable: right for an archived copy, the
    /// case this serves, though it would not see another process's later writes.
    pub fn open_read_only(path: &Path) -> Result<SqliteStore> {
        if !path.exists() {
            return Err(Error::NotFound {
                path: path.display().to_string(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let uri = file_uri(path);
        let attempt = Connection::open_with_flags(format!("{uri}?mode=ro"), flags)
            .map_err(Error::from)
            .and_then(|c| SqliteStore::configure(c, path, true));
        let store = match attempt {
            Ok(s) => s,
            // Only a store that cannot be opened for reading the usual way (its
            // directory or shared-memory file not writable) is read as immutable; a
            // busy or locked store is an error to wait out, not a reason to read
            // around a writer's locks.
            Err(Error::Busy) => return Err(Error::Busy),
            Err(_) => {
                // Read as immutable, SQLite would ignore a write-ahead log beside the
                // file, and verification would judge a store without its last commits.
                let mut wal = path.as_os_str().to_owned();
                wal.push("-wal");
                if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                    return Err(Error::ReadOnlyWal {
                        path: path.display().to_string(),
                    });
                }
                let conn = Connection::open_with_flags(format!("{uri}?immutable=1"), flags)?;
                SqliteStore::configure(conn, path, true)?
            }
        };
        let version: i64 = store.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == 0 {
            return Err(Error::Foreign {
                path: path.display().to_string(),
                detail: "an SQLite database that Corridor did not create, or an empty file".into(),
            });
        }
        if version < migrations::LATEST {
            return Err(Error::ReadOnlyOld {
                path: path.display().to_string(),
                found: version,
                supported: migrations::LATEST,
            });
        }
        Ok(store)
    }

    /// The public keys (hex) that signed this store's audit heads, oldest first.
    pub fn signing_keys(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT public_key FROM audit_signature GROUP BY public_key ORDER BY MIN(seq)")?;
        let keys = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(keys)
    }

    /// Gives the store the node's key, to sign the audit head at every batch.
    pub fn set_signer(&mut self, key: corridor_node_key::NodeKey) {
        self.signer = Some(key);
    }

    /// Signs the current audit head with the node's key, keeps the signature and
    /// returns the anchor to be kept elsewhere.
    pub fn anchor(&mut self) -> Result<Option<corridor_node_key::Anchor>> {
        let Some(key) = &self.signer else { return Ok(None) };
        if self.read_only {
            // An archived copy can still be anchored; the signature is not kept.
            let head = audit::head(&self.conn)?;
            return Ok(Some(key.anchor(head.0, &head.1, &now())));
        }
        let tx = write_tx(&mut self.conn)?;
        let head = audit::head(&tx)?;
        let at = now();
        let anchor = key.anchor(head.0, &head.1, &at);
        audit::store_signature(&tx, &anchor.public_key, head.0, &head.1, &anchor.signature, &at)?;
        tx.commit()?;
        Ok(Some(anchor))
    }

    /// Verifies the audit chain, the evidence under it, the node's signatures with
    /// `key` (from the key file, never from the store), and the chain
    /// against an `anchor` kept elsewhere.
    pub fn verify_audit_with(
        &self,
        key: Option<&audit::NodePublicKey>,
        anchor: Option<&corridor_node_key::Anchor>,
    ) -> Result<AuditReport> {
        let mut report = bulk_read(&self.conn, || audit::verify_full(&self.conn, key, anchor))?;
        report.queued = crate::readlog::waiting(&self.path(), &self.conn)?;
        Ok(report)
    }

    /// The connection, for reads by the store's other modules.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection for a write; refused on a store opened read-only.
    pub(crate) fn conn_mut(&mut self) -> Result<&mut Connection> {
        if self.read_only {
            return Err(Error::ReadOnly);
        }
        Ok(&mut self.conn)
    }

    /// Brings the connection back to a usable state after a caller's work
    /// panicked: a transaction left open (a raw `BEGIN IMMEDIATE` unwound past)
    /// is rolled back, so the write lock is let go and the next commit can begin;
    /// the wait is the usual one again.
    pub fn recover(&mut self) {
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        let _ = self.conn.busy_timeout(self.wait);
    }

    /// Opens a write transaction and leaves it open, as work that panics midway
    /// does: for tests of [`SqliteStore::recover`] in the crates that use it.
    #[doc(hidden)]
    pub fn begin_raw_transaction_for_tests(&mut self) {
        let _ = self.conn.execute_batch("BEGIN IMMEDIATE");
    }

    /// Whether logged reads defer their entries for a group commit (see
    /// `DeferredLog`): a node server turns it on while a request runs, then
    /// settles the request's ticket before answering.
    pub fn defer_log(&mut self, on: bool) {
        self.log.on = on;
    }

    /// The ticket of the last deferred entry (0 before any).
    pub fn log_ticket(&self) -> u64 {
        self.log.issued
    }

    /// How many deferred entries wait for [`SqliteStore::flush_log`].
    pub fn log_waiting(&self) -> usize {
        self.log.waiting.len()
    }

    /// Whether the entries up to `ticket` are in the chain (or durably queued in
    /// the read log): `None` while they wait, `Some(Err)` when their flush failed
    /// (what they logged must not be handed out).
    pub fn log_outcome(&self, ticket: u64) -> Option<Result<()>> {
        if ticket > self.log.settled {
            return None;
        }
        if self.log.failed.iter().any(|&(a, b)| a <= ticket && ticket <= b) {
            return Some(Err(Error::Busy));
        }
        Some(Ok(()))
    }

    /// Appends every deferred entry to the chain in one transaction (after the read
    /// log's waiting entries), or queues them all to the read log when another
    /// process holds the write lock, as a single logged read does.
    pub fn flush_log(&mut self) -> Result<()> {
        let waiting = std::mem::take(&mut self.log.waiting);
        let upto = self.log.issued;
        if waiting.is_empty() {
            self.log.settled = upto;
            return Ok(());
        }
        let from = self.log.settled + 1;
        self.conn.busy_timeout(crate::readlog::CHAIN_WAIT)?;
        let path = self.path();
        let chained = (|| -> Result<()> {
            let tx = write_tx(&mut self.conn)?;
            let moved = crate::readlog::move_into_watched(&path, &tx, &mut self.readlog)?;
            for (at, entry) in &waiting {
                audit::append(&tx, at, entry)?;
            }
            tx.commit()?;
            if let Some(m) = moved {
                m.forget();
            }
            Ok(())
        })();
        self.conn.busy_timeout(self.wait)?;
        let outcome = match chained {
            Err(Error::Busy) => waiting
                .iter()
                .try_for_each(|(at, entry)| crate::readlog::queue(&path, at, entry, self.wait).map(|_| ())),
            other => other,
        };
        self.log.settled = upto;
        if outcome.is_err() {
            self.log.failed.push_back((from, upto));
            while self.log.failed.len() > 1024 {
                self.log.failed.pop_front();
            }
        }
        outcome
    }

    /// Hands the write-ahead log's checkpoints to another connection: this one
    /// stops checkpointing as it commits (SQLite's default, every 1,000 pages,
    /// made every few hundredth request of a node wait 20 ms for the checkpoint's
    /// `fsync`), and [`SqliteStore::checkpoint`] on that other connection (a node
    /// server's background thread) does it instead.
    pub fn hand_off_checkpoints(&mut self) -> Result<()> {
        self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        self.conn
            .pragma_update(None, "journal_size_limit", WAL_LIMIT_PAGES * 4096)?;
        Ok(())
    }

    /// Checkpoints in this connection's commits again (SQLite's default).
    pub fn restore_auto_checkpoints(&mut self) -> Result<()> {
        self.conn.pragma_update(None, "wal_autocheckpoint", 1000)?;
        Ok(())
    }

    /// Copies what the write-ahead log holds into the database file as far as no
    /// reader still needs it (`PASSIVE`: it never waits for, or blocks, readers
    /// and writers), as SQLite's own checkpoints after a commit do. When it copies
    /// everything, the next write starts the log over. Returns the log's size and
    /// how much of it was copied, in pages.
    ///
    /// Under steady load a checkpoint from another connection never catches up
    /// with the writer, so the log never starts over and grows by every logged
    /// read's pages (the node's load benchmark: 2 GB in 15 s of selector lookups,
    /// until the disk guard refused an upload). Waiting for the writer instead
    /// (`RESTART`) held its commits up to 30 ms. A node therefore checkpoints from
    /// both sides: another connection copies the bulk every 50 ms, and the
    /// writer's own connection, between requests every quarter second, copies the
    /// little written since, so the log starts over at its next write (see the
    /// server's `store_thread.rs`); the file is cut back to [`WAL_LIMIT_PAGES`]
    /// (`journal_size_limit`).
    pub fn checkpoint(&self) -> Result<(i64, i64)> {
        Ok(self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| Ok((r.get(1)?, r.get(2)?)))?)
    }

    /// Adds a partner node (its card checked by the caller); logged.
    pub fn add_partner(&mut self, partner: &crate::NewPartner<'_>, actor: &str) -> Result<i64> {
        crate::partners::add(self.conn_mut()?, partner, actor)
    }

    /// Every partner, revoked ones included, with its agreement's terms.
    pub fn partners(&self) -> Result<Vec<crate::PartnerRecord>> {
        crate::partners::all(&self.conn)
    }

    /// The partner this node calls `name`.
    pub fn partner(&self, name: &str) -> Result<Option<crate::PartnerRecord>> {
        crate::partners::by_name(&self.conn, name)
    }

    /// The partner whose key has `fingerprint` (as its card gives it).
    pub fn partner_by_fingerprint(&self, fingerprint: &str) -> Result<Option<crate::PartnerRecord>> {
        crate::partners::by_fingerprint(&self.conn, fingerprint)
    }

    /// Revokes the partner `name`: nothing more is accepted from it; logged.
    pub fn revoke_partner(&mut self, name: &str, why: &str, actor: &str) -> Result<()> {
        crate::partners::revoke(self.conn_mut()?, name, why, actor)
    }

    /// Sets the agreement with the partner `name` to `terms`; logged with them.
    pub fn set_agreement(&mut self, name: &str, terms: &str, actor: &str) -> Result<()> {
        crate::partners::set_agreement(self.conn_mut()?, name, terms, actor)
    }

    /// Records a partner message's nonce: `false` when seen before (a replay).
    pub fn remember_nonce(&mut self, partner: i64, nonce: &str, at: &str, forget_before: &str) -> Result<bool> {
        crate::partners::remember_nonce(self.conn_mut()?, partner, nonce, at, forget_before)
    }

    /// Counts `size` evaluations against `partner`'s budget for `day` if they fit:
    /// `Ok(Ok(used before))`, or `Ok(Err(used))` when they do not.
    pub fn spend_evaluations(
        &mut self,
        partner: i64,
        day: &str,
        size: u64,
        budget: u64,
    ) -> Result<std::result::Result<u64, u64>> {
        crate::partners::spend(self.conn_mut()?, partner, day, size, budget)
    }

    /// The evaluations `partner` used on `day`.
    pub fn evaluations_used(&self, partner: i64, day: &str) -> Result<u64> {
        crate::partners::used(&self.conn, partner, day)
    }

    /// The matching key kept for `partner`, if one was made.
    pub fn psi_key(&self, partner: i64) -> Result<Option<Vec<u8>>> {
        crate::hits::psi_key(&self.conn, partner)
    }

    /// Keeps a matching key for `partner` unless one is kept already.
    pub fn set_psi_key(&mut self, partner: i64, key: &[u8]) -> Result<()> {
        crate::hits::set_psi_key(self.conn_mut()?, partner, key)
    }

    /// The keyed digests of the selectors whose tags are prepared for `partner`.
    pub fn prepared_digests(&self, partner: i64, kind: &str) -> Result<Vec<Vec<u8>>> {
        crate::hits::prepared_digests(&self.conn, partner, kind)
    }

    /// Adds `(digest, tag)` pairs and removes digests from what is prepared for
    /// `partner`; every tag now, in order.
    pub fn update_prepared(
        &mut self,
        partner: i64,
        kind: &str,
        added: &[(Vec<u8>, Vec<u8>)],
        removed: &[Vec<u8>],
    ) -> Result<Vec<Vec<u8>>> {
        crate::hits::update_prepared(self.conn_mut()?, partner, kind, added, removed)
    }

    /// Replaces the tags of `kind` received from `partner`, unless those held were
    /// made later (`Ok(false)`).
    pub fn replace_partner_tags(
        &mut self,
        partner: i64,
        kind: &str,
        set: &crate::TagSet,
        tags: &[Vec<u8>],
    ) -> Result<bool> {
        crate::hits::replace_partner_tags(self.conn_mut()?, partner, kind, set, tags)
    }

    /// The tag set of `kind` received from `partner` and its tags; `None` before any.
    pub fn partner_tags(&self, partner: i64, kind: &str) -> Result<Option<(crate::TagSet, Vec<Vec<u8>>)>> {
        crate::hits::partner_tags(&self.conn, partner, kind)
    }

    /// The digest of the selector behind the prepared tag `tag` of `partner` and `kind`.
    pub fn prepared_digest(&self, partner: i64, kind: &str, tag: &[u8]) -> Result<Option<Vec<u8>>> {
        crate::hits::prepared_digest(&self.conn, partner, kind, tag)
    }

    /// Keeps a query about to be sent to a partner; logged.
    pub fn add_hit_query(&mut self, query: &crate::NewHitQuery<'_>) -> Result<i64> {
        crate::hits::add_query(self.conn_mut()?, query)
    }

    /// The query sent under `reference`, and what finishes it while unanswered.
    pub fn hit_query(&self, reference: &str) -> Result<Option<(crate::HitQueryRecord, Option<Vec<u8>>)>> {
        crate::hits::query_by_reference(&self.conn, reference)
    }

    /// Records a query's hits and forgets its blindings; logged.
    pub fn answer_hit_query(&mut self, query: i64, hits: &[(String, String)], actor: &str) -> Result<()> {
        crate::hits::answer_query(self.conn_mut()?, query, hits, actor)
    }

    /// The queries that held the selector with keyed digest `digest`, without
    /// their hits.
    pub fn hit_queries_with_value(&self, digest: &[u8]) -> Result<Vec<crate::HitQueryRecord>> {
        crate::hits::queries_with_value(&self.conn, digest)
    }

    /// The queries of the cases named, newest first, with their hits.
    pub fn hit_queries(&self, cases: &[String]) -> Result<Vec<crate::HitQueryRecord>> {
        crate::hits::queries(&self.conn, cases)
    }

    /// Keeps a disclosure request (made by this node or received); logged.
    pub fn add_disclosure(&mut self, d: &crate::NewDisclosure<'_>) -> Result<i64> {
        crate::disclosures::add(self.conn_mut()?, d)
    }

    /// The disclosure request `reference` in `direction` (`asked`, `received`),
    /// of `partner` when given.
    pub fn disclosure(
        &self,
        partner: Option<i64>,
        direction: &str,
        reference: &str,
    ) -> Result<Option<crate::DisclosureRecord>> {
        crate::disclosures::get(&self.conn, partner, direction, reference)
    }

    /// Every disclosure request in `direction`, newest first.
    pub fn disclosures(&self, direction: &str) -> Result<Vec<crate::DisclosureRecord>> {
        crate::disclosures::list(&self.conn, direction)
    }

    /// Decides a request received while it is pending, with the records that go; logged.
    pub fn decide_disclosure(
        &mut self,
        id: i64,
        decision: (&str, &str, &str),
        actor: &str,
        records: &[crate::DisclosedRecordRow],
    ) -> Result<()> {
        crate::disclosures::decide(self.conn_mut()?, id, decision, actor, records)
    }

    /// The answer body kept for a decided request received.
    pub fn disclosure_answer(&self, id: i64) -> Result<Option<String>> {
        crate::disclosures::answer_of(&self.conn, id)
    }

    /// Records the owner's answer to one of this node's requests; logged.
    pub fn disclosure_answered(
        &mut self,
        id: i64,
        state: &str,
        reason: &str,
        dataset: Option<&str>,
        records: &[crate::DisclosedRecordRow],
        actor: &str,
    ) -> Result<()> {
        crate::disclosures::answered(self.conn_mut()?, id, state, reason, dataset, records, actor)
    }

    /// Keeps a query answered for a partner (for identities, the references answered).
    pub fn record_answered_query(
        &mut self,
        partner: i64,
        reference: &str,
        kind: &str,
        size: i64,
        answered: &[String],
    ) -> Result<()> {
        crate::disclosures::record_answered(self.conn_mut()?, partner, reference, kind, size, answered)
    }

    /// Takes a disclosure slot of a query answered for a partner (see `disclosures.rs`).
    pub fn take_disclosure_slot(&mut self, partner: i64, reference: &str, kind: &str) -> Result<Option<Vec<String>>> {
        crate::disclosures::take_slot(self.conn_mut()?, partner, reference, kind)
    }

    /// Marks one of this node's requests that never reached its partner; logged.
    pub fn disclosure_undelivered(&mut self, id: i64, why: &str, actor: &str) -> Result<()> {
        crate::disclosures::undelivered(self.conn_mut()?, id, why, actor)
    }

    /// The records that went out (or came in) under disclosure `id`.
    pub fn disclosed_records(&self, id: i64) -> Result<Vec<crate::DisclosedRecordRow>> {
        crate::disclosures::records(&self.conn, id)
    }

    /// Erasure and rectification notices not yet sent to partners.
    pub fn pending_notices(&self) -> Result<Vec<crate::PendingNotice>> {
        crate::disclosures::pending_notices(&self.conn)
    }

    /// Marks notices sent; logged.
    pub fn notices_sent(&mut self, ids: &[i64], actor: &str) -> Result<()> {
        crate::disclosures::notices_sent(self.conn_mut()?, ids, actor)
    }

    /// The store's file, as SQLite names it (none for a store in memory).
    pub fn file_path(&self) -> Option<String> {
        self.conn.path().filter(|p| !p.is_empty()).map(str::to_string)
    }

    /// Whether the store was opened read-only (see [`SqliteStore::open`]).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// How long a command waits for another's write lock before giving up with
    /// [`Error::Busy`] (10 s unless set).
    pub fn set_wait(&mut self, wait: std::time::Duration) -> Result<()> {
        self.conn.busy_timeout(wait)?;
        self.wait = wait;
        Ok(())
    }

    /// The store's file.
    fn path(&self) -> std::path::PathBuf {
        std::path::PathBuf::from(self.conn.path().unwrap_or_default())
    }

    /// Appends `entry` to the chain, after the read log's waiting entries; see
    /// [`crate::readlog`].
    fn append_chained(&mut self, at: &str, entry: &AuditEntry) -> Result<AuditRecord> {
        let path = self.path();
        let tx = write_tx(&mut self.conn)?;
        let moved = crate::readlog::move_into_watched(&path, &tx, &mut self.readlog)?;
        let rec = audit::append(&tx, at, entry)?;
        tx.commit()?;
        if let Some(m) = moved {
            m.forget();
        }
        Ok(rec)
    }

    /// Moves the read log's waiting entries into the chain if the write lock is
    /// free now; otherwise they wait for the next writer.
    fn move_read_log(&mut self) -> Result<()> {
        if self.read_only || !crate::readlog::path_of(&self.path()).exists() {
            return Ok(());
        }
        self.conn.busy_timeout(std::time::Duration::ZERO)?;
        let path = self.path();
        let moved = (|| -> Result<()> {
            let tx = write_tx(&mut self.conn)?;
            let moved = crate::readlog::move_into(&path, &tx)?;
            tx.commit()?;
            if let Some(m) = moved {
                m.forget();
            }
            Ok(())
        })();
        self.conn.busy_timeout(self.wait)?;
        match moved {
            Err(Error::Busy) => Ok(()),
            other => other,
        }
    }

    /// See [`Store::log_access`].
    fn log_entry(&mut self, entry: &AuditEntry) -> Result<()> {
        if self.read_only {
            return Err(Error::ReadOnly);
        }
        let at = now();
        if self.log.on {
            self.log.waiting.push((at, entry.clone()));
            self.log.issued += 1;
            return Ok(());
        }
        if !self.log.waiting.is_empty() {
            // Deferred entries first, so the chain keeps the order of the reads.
            self.flush_log()?;
        }
        self.conn.busy_timeout(crate::readlog::CHAIN_WAIT)?;
        let chained = self.append_chained(&at, entry);
        self.conn.busy_timeout(self.wait)?;
        match chained {
            Ok(_) => Ok(()),
            Err(Error::Busy) => crate::readlog::queue(&self.path(), &at, entry, self.wait).map(|_| ()),
            Err(e) => Err(e),
        }
    }

    fn configure(conn: Connection, path: &Path, read_only: bool) -> Result<SqliteStore> {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > migrations::LATEST {
            return Err(Error::TooNew {
                path: path.display().to_string(),
                found: version,
                supported: migrations::LATEST,
            });
        }
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        if !read_only {
            // WAL: readers never block the writer and a killed writer leaves the last
            // committed state. NORMAL sync is durable against process crashes, which
            // is what batches are tested against; a power cut may lose the last
            // commit but never corrupts the file. That includes the node's last
            // read-log entries (about the last 50 ms of answered reads). FULL was
            // measured (2026-12-07, bench/api/load.sh at 1M): selector lookups
            // 8,229 -> 4,787/s and reads during an ingest p99 33 -> 110 ms, both
            // goals missed; kept NORMAL until the log has a cheaper durable path.
            // 32 KiB pages (applies to new files only): fewer WAL frames and b-tree
            // pages per statement; measured to halve the checkpoint at the end of a
            // 1M-row batch.
            conn.pragma_update(None, "page_size", 32768)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(SqliteStore {
            log: DeferredLog::default(),
            readlog: Default::default(),
            share: None,
            conn,
            signer: None,
            read_only,
            wait: std::time::Duration::from_secs(10),
        })
    }

    /// Reads in a snapshot of its own, then logs the read (when `log` gives an entry)
    /// in a write transaction: readers never hold the write lock while they read, and
    /// the caller gets nothing unless the log entry was committed.
    fn logged_read<T>(
        &mut self,
        read: impl FnOnce(&Connection) -> Result<T>,
        log: impl FnOnce(&T) -> Option<AuditEntry>,
    ) -> Result<T> {
        if self.read_only {
            return Err(Error::ReadOnly);
        }
        let snapshot = self.conn.transaction()?;
        let out = read(&snapshot)?;
        snapshot.commit()?;
        if let Some(entry) = log(&out) {
            self.log_entry(&entry)?;
        }
        Ok(out)
    }

    /// Replaces the retention policy (months per category).
    pub fn set_retention_policy(&mut self, policy: &RetentionPolicy, actor: &str) -> Result<()> {
        let tx = write_tx(&mut self.conn)?;
        let json = serde_json::to_string(policy)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('retention_policy', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [&json],
        )?;
        audit::append(
            &tx,
            &now(),
            &AuditEntry {
                actor: actor.into(),
                action: crate::AuditAction::RetentionSet,
                target: "retention_policy".into(),
                detail: json,
                ..AuditEntry::default()
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every audit entry, oldest first.
    pub fn audit_entries(&self) -> Result<Vec<AuditRecord>> {
        audit::entries(&self.conn)
    }
}

impl Store for SqliteStore {
    fn register_source(&mut self, s: &SourceSpec) -> Result<i64> {
        let tx = write_tx(&mut self.conn)?;
        tx.execute(
            "INSERT INTO agency (node, country, name) VALUES (?1, ?2, ?3) ON CONFLICT (node) DO NOTHING",
            params![s.agency, s.country, s.agency_name],
        )?;
        let agency_id: i64 = tx.query_row("SELECT id FROM agency WHERE node = ?1", [&s.agency], |r| r.get(0))?;
        tx.execute(
            "INSERT INTO source (agency_id, unit, informant_code) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            params![agency_id, s.unit, s.informant_code],
        )?;
        let id = tx.query_row(
            "SELECT id FROM source WHERE agency_id = ?1 AND unit = ?2 AND informant_code = ?3",
            params![agency_id, s.unit, s.informant_code],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn sources(&self) -> Result<Vec<SourceInfo>> {
        read::sources(&self.conn)
    }

    fn grade_source(&mut self, source_id: i64, grade: SourceReliability, reason: &str, actor: &str) -> Result<()> {
        let tx = write_tx(&mut self.conn)?;
        let exists: Option<i64> = tx
            .query_row("SELECT id FROM source WHERE id = ?1", [source_id], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            return Err(Error::Unknown {
                what: "source",
                name: source_id.to_string(),
            });
        }
        let at = now();
        tx.execute(
            "INSERT INTO source_reliability (source_id, reliability, valid_from, reason, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![source_id, grade.to_string(), at, reason, actor],
        )?;
        let grade_id = tx.last_insert_rowid();
        let evidence = crate::evidence::grade_hash(&tx, grade_id)?;
        audit::append(
            &tx,
            &at,
            &AuditEntry {
                actor: actor.into(),
                action: crate::AuditAction::SourceGrade,
                target: format!("source:{source_id}"),
                detail: serde_json::json!({
                    "reliability": grade.to_string(), "reason": reason, "grade_id": grade_id, "evidence": evidence,
                })
                .to_string(),
                ..AuditEntry::default()
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    fn begin_batch(&mut self, spec: &BatchSpec) -> Result<Box<dyn Batch + '_>> {
        Ok(Box::new(SqliteBatch::begin(&self.conn, self.signer.as_ref(), spec)?))
    }

    fn entity(&mut self, id: &str, actor: &str, purpose: &str) -> Result<Option<Entity>> {
        self.logged_read(
            |c| read::entity(c, id),
            |entity| {
                entity.as_ref().map(|e| AuditEntry {
                    actor: actor.into(),
                    action: crate::AuditAction::Read,
                    target: e.id.clone(),
                    purpose: purpose.into(),
                    detail: serde_json::json!({"schema": e.schema, "statements": e.statements.len()}).to_string(),
                })
            },
        )
    }

    fn entities_of_schema(&mut self, schema: &str, actor: &str, purpose: &str) -> Result<Vec<Entity>> {
        self.logged_read(
            |c| read::entities_of_schema(c, schema),
            |es| {
                Some(bulk_read_entry(
                    &format!("all {schema} entities"),
                    es.len(),
                    actor,
                    purpose,
                ))
            },
        )
    }

    fn entity_evidence(&mut self, schemata: &[&str], actor: &str, purpose: &str) -> Result<Vec<EntityEvidence>> {
        let what = format!("evidence of all {} entities", schemata.join(", "));
        self.logged_read(
            |c| read::entity_evidence(c, schemata),
            |es| Some(bulk_read_entry(&what, es.len(), actor, purpose)),
        )
    }

    fn link_index(&self) -> Result<crate::LinkIndex> {
        read::link_index(&self.conn)
    }

    fn entity_evidence_at(
        &mut self,
        places: &[crate::EntityPlace],
        what: &str,
        actor: &str,
        purpose: &str,
    ) -> Result<Vec<EntityEvidence>> {
        self.logged_read(
            |c| read::entity_evidence_at(c, places),
            |es| Some(bulk_read_entry(what, es.len(), actor, purpose)),
        )
    }

    fn entity_values(&mut self, schemata: &[&str], actor: &str, purpose: &str) -> Result<Vec<EntityValues>> {
        let what = format!("values of all {} entities", schemata.join(", "));
        self.logged_read(
            |c| read::entity_values(c, schemata),
            |es| Some(bulk_read_entry(&what, es.len(), actor, purpose)),
        )
    }

    fn entity_values_by_record(
        &mut self,
        schemata: &[&str],
        actor: &str,
        purpose: &str,
        each: &mut dyn FnMut(Vec<EntityValues>),
    ) -> Result<usize> {
        if self.read_only {
            return Err(Error::ReadOnly);
        }
        // The rows go to the caller as they are read, so the read is logged before
        // the first one (without its count, not known yet): a log entry that cannot
        // be written must stop the read, not follow it.
        let what = format!("values of all {} entities", schemata.join(", "));
        {
            let mut entry = bulk_read_entry(&what, 0, actor, purpose);
            entry.detail = serde_json::json!({ "streamed": true }).to_string();
            self.log_entry(&entry)?;
        }
        // The page settings of `bulk_read` change outside any transaction.
        bulk_settings(&self.conn, true)?;
        let out = (|| {
            let snapshot = self.conn.transaction()?;
            let n = read::entity_values_by_record(&snapshot, schemata, each)?;
            snapshot.commit()?;
            Ok(n)
        })();
        bulk_settings(&self.conn, false)?;
        out
    }

    fn count_entities(&self, schemata: &[&str]) -> Result<usize> {
        read::count_entities(&self.conn, schemata)
    }

    fn entity_origins(&self, schemata: &[&str]) -> Result<Vec<EntityValues>> {
        bulk_read(&self.conn, || read::entity_origins(&self.conn, schemata))
    }

    fn entities_of_batch(&mut self, batch: i64, schema: &str, actor: &str, purpose: &str) -> Result<Vec<Entity>> {
        let what = format!("{schema} entities of batch {batch}");
        self.logged_read(
            |c| read::entities_of_batch(c, batch, schema),
            |es| (!es.is_empty()).then(|| bulk_read_entry(&what, es.len(), actor, purpose)),
        )
    }

    fn import_watchlist(&mut self, spec: &WatchlistSpec, entries: &[WatchlistEntry], actor: &str) -> Result<i64> {
        checks::import_watchlist(&mut self.conn, spec, entries, actor)
    }

    fn watchlists(&self) -> Result<Vec<StoredWatchlist>> {
        checks::watchlists(&self.conn)
    }

    fn record_findings(&mut self, findings: &[FindingWrite], origin: &str, actor: &str) -> Result<u64> {
        checks::record_findings(&mut self.conn, findings, origin, actor)
    }

    fn findings(&self, entity: Option<&str>) -> Result<Vec<StoredFinding>> {
        checks::findings(&self.conn, entity)
    }

    fn record_resolution(&mut self, run: &ResolutionWrite, actor: &str, purpose: &str) -> Result<i64> {
        resolution::record_run(&mut self.conn, run, actor, purpose)
    }

    fn add_identity_links(
        &mut self,
        links: &[(String, String)],
        review: &[ReviewPair],
        index: &crate::MatchAdditions,
        origin: &str,
        actor: &str,
    ) -> Result<()> {
        resolution::add_links(&mut self.conn, links, review, index, origin, actor)
    }

    fn identity_digests(&self, digester: &crate::KeyDigester) -> Result<HashMap<crate::KeyDigest, crate::KeyDigest>> {
        let mut stmt = self
            .conn
            .prepare("SELECT entity, identity FROM identity_link WHERE entity <> identity")?;
        let mut rows = stmt.query([])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            let entity = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let identity = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            out.insert(digester.digest(entity), digester.digest(identity));
        }
        Ok(out)
    }

    fn data_version(&self) -> Result<i64> {
        let v: Option<String> = self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = 'data_version'")?
            .query_row([], |r| r.get(0))
            .optional()?;
        v.map_or(Ok(0), |v| {
            v.parse().map_err(|_| Error::Corrupt {
                what: "data version",
                value: v,
            })
        })
    }

    fn match_index_run(&self, format: &str) -> Result<Option<i64>> {
        crate::matching::index_run(&self.conn, format)
    }

    fn replace_match_index(
        &mut self,
        run: i64,
        format: &str,
        records: &mut dyn Iterator<Item = (String, Vec<i64>)>,
        names: &mut dyn Iterator<Item = (String, u32)>,
    ) -> Result<()> {
        if self.read_only {
            return Err(Error::ReadOnly);
        }
        crate::matching::replace(&mut self.conn, run, format, records, names)
    }

    fn match_blocks(&self, keys: &[(i64, usize)]) -> Result<Vec<crate::MatchBlock>> {
        crate::matching::blocks(&self.conn, keys)
    }

    fn entity_ids_of_batch(&self, batch: i64, schema: &str) -> Result<Vec<String>> {
        Ok(read::entities_of_batch(&self.conn, batch, schema)?
            .into_iter()
            .map(|e| e.id)
            .collect())
    }

    fn name_counts(&self, values: &[String]) -> Result<(HashMap<String, u32>, u32)> {
        crate::matching::name_counts(&self.conn, values)
    }

    fn identities_of(&self, entities: &[String]) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT identity FROM identity_link WHERE entity = ?1")?;
        let mut out = Vec::new();
        for e in entities {
            if let Some(i) = stmt.query_row([e], |r| r.get::<_, String>(0)).optional()? {
                out.push((e.clone(), i));
            }
        }
        Ok(out)
    }

    fn identity_members(&self, identities: &[String]) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT entity FROM identity_link WHERE identity = ?1")?;
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for i in identities.iter().filter(|i| seen.insert(i.as_str())) {
            for e in stmt.query_map([i], |r| r.get::<_, String>(0))? {
                out.push((e?, i.clone()));
            }
        }
        Ok(out)
    }

    fn values_of_records(
        &mut self,
        entities: &[String],
        schemata: &[&str],
        actor: &str,
        purpose: &str,
    ) -> Result<Vec<Vec<EntityValues>>> {
        let records: Vec<(String, String)> = entities
            .iter()
            .filter_map(|e| read::split_entity_id(e).ok())
            .map(|(dataset, record, _)| (dataset.to_string(), record.to_string()))
            .collect();
        let what = format!("values of {} records' {} entities", records.len(), schemata.join(", "));
        self.logged_read(
            |c| read::values_of_records(c, schemata, &records),
            |rows| (!rows.is_empty()).then(|| bulk_read_entry(&what, rows.iter().map(Vec::len).sum(), actor, purpose)),
        )
    }

    fn latest_resolution(&self) -> Result<Option<ResolutionRun>> {
        resolution::latest_run(&self.conn)
    }

    fn identity_links(&self) -> Result<Vec<(String, String)>> {
        bulk_read(&self.conn, || resolution::links(&self.conn))
    }

    fn resolution_review(&self) -> Result<Vec<ReviewPair>> {
        resolution::review(&self.conn)
    }

    fn decide(
        &mut self,
        a: &str,
        b: &str,
        decision: resolution::DecisionKind,
        reason: &str,
        actor: &str,
    ) -> Result<i64> {
        resolution::decide(&mut self.conn, a, b, decision, reason, actor)
    }

    fn decisions(&self) -> Result<Vec<Decision>> {
        resolution::decisions(&self.conn)
    }

    fn record_derived(&mut self, kind: &str, description: &str, basis: &[i64], actor: &str) -> Result<i64> {
        let tx = write_tx(&mut self.conn)?;
        let at = now();
        tx.execute(
            "INSERT INTO derived_fact (kind, description, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
            params![kind, description, at, actor],
        )?;
        let id = tx.last_insert_rowid();
        for s in basis {
            let found: Option<i64> = tx
                .query_row("SELECT id FROM statement WHERE id = ?1", [s], |r| r.get(0))
                .optional()?;
            if found.is_none() {
                return Err(Error::Unknown {
                    what: "statement",
                    name: s.to_string(),
                });
            }
            tx.execute(
                "INSERT INTO derived_basis (derived_id, statement_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![id, s],
            )?;
        }
        audit::append(
            &tx,
            &at,
            &AuditEntry {
                actor: actor.into(),
                action: crate::AuditAction::Derive,
                target: format!("derived:{id}"),
                detail: serde_json::json!({"kind": kind, "basis": basis}).to_string(),
                ..AuditEntry::default()
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn derived(&self, id: i64) -> Result<Option<DerivedFact>> {
        read::derived(&self.conn, id)
    }

    fn stats(&self) -> Result<Stats> {
        read::stats(&self.conn)
    }

    fn retention_policy(&self) -> Result<RetentionPolicy> {
        read::retention_policy(&self.conn)
    }

    fn person_reviews(&self) -> Result<Vec<PersonReview>> {
        read::person_reviews(&self.conn)
    }

    fn record_id(&self, dataset: &str, key: &str) -> Result<Option<i64>> {
        crate::hold::record_id(&self.conn, dataset, key)
    }

    fn erase_records(
        &mut self,
        records: &[i64],
        request: &crate::HoldRequest<'_>,
        fresh_secret: &str,
    ) -> Result<crate::HoldReport> {
        crate::hold::erase(self.conn_mut()?, records, request, fresh_secret)
    }

    fn restrict_records(&mut self, records: &[i64], request: &crate::HoldRequest<'_>) -> Result<crate::HoldReport> {
        crate::hold::restrict(self.conn_mut()?, records, request)
    }

    fn lift_restriction(&mut self, records: &[i64], request: &crate::HoldRequest<'_>) -> Result<crate::HoldReport> {
        crate::hold::lift(self.conn_mut()?, records, request)
    }

    fn keep_record(
        &mut self,
        record: i64,
        review_date: chrono::NaiveDate,
        request: &crate::HoldRequest<'_>,
    ) -> Result<()> {
        crate::hold::keep(self.conn_mut()?, record, review_date, request)
    }

    fn holds(&self) -> Result<Vec<crate::RecordHold>> {
        crate::hold::holds(&self.conn)
    }

    fn strictest_handling(
        &self,
        entities: &[String],
    ) -> Result<std::collections::HashMap<String, corridor_model::HandlingCode>> {
        read::strictest_handling(&self.conn, entities)
    }

    fn statement_origin(&self, statement: i64) -> Result<Option<crate::StatementOrigin>> {
        crate::rectify::origin(&self.conn, statement)
    }

    fn rectify(&mut self, request: &crate::RectifyRequest<'_>) -> Result<crate::Rectified> {
        use crate::batch::{EntityWrite, RowWrite, StatementWrite};
        use sha2::{Digest, Sha256};
        let at = now();
        // The statement and its record are read under the batch's write lock, so
        // nothing changes them between the read and the write.
        // The new version's content hash and the batch's file digest come from
        // random bytes, never from the value: they outlive an erasure, and a digest
        // of a birth date could be reversed by trying every date.
        let salt: Vec<u8> = self.conn.query_row("SELECT randomblob(32)", [], |r| r.get(0))?;
        let spec_for = |target: &crate::rectify::Target| {
            let digest = Sha256::new()
                .chain_update(b"rectification\0")
                .chain_update(&salt)
                .chain_update(request.statement.to_le_bytes())
                .finalize();
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            (
                BatchSpec {
                    dataset: target.dataset.clone(),
                    source_id: target.source_id,
                    file_name: format!("rectification of statement {}", request.statement),
                    file_sha256: hex.clone(),
                    mapping_sha256: hex,
                    actor: request.actor.to_string(),
                    purpose: request.purpose.to_string(),
                    received_at: at.clone(),
                },
                digest,
            )
        };
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let target = crate::rectify::target(&self.conn, request.statement);
        let rows = target
            .as_ref()
            .ok()
            .map(|t| crate::rectify::current_rows(&self.conn, t.version));
        self.conn.execute_batch("ROLLBACK")?;
        let target = target?;
        let rows = rows.unwrap_or_else(|| Ok(Vec::new()))?;
        let (spec, digest) = spec_for(&target);
        let mut batch = SqliteBatch::begin(&self.conn, self.signer.as_ref(), &spec)?;
        // Another writer may have changed the record between the read above and
        // the batch's lock: read it again under the lock and refuse if it moved.
        let again = crate::rectify::target(batch.conn, request.statement)?;
        if again.version != target.version {
            return Err(Error::Busy);
        }
        let mut entities: Vec<EntityWrite> = Vec::new();
        let mut corrected: Option<(String, &'static str)> = None;
        // Where the corrected statement falls among those written (entity by
        // entity, in order): its id is the version's first plus that.
        let mut corrected_at: Option<(usize, usize)> = None;
        for row in &rows {
            let schema = corridor_model::schema(&row.schema).ok_or_else(|| Error::Corrupt {
                what: "schema",
                value: row.schema.clone(),
            })?;
            let prop = schema.property(&row.prop).ok_or_else(|| Error::Corrupt {
                what: "property",
                value: format!("{}.{}", row.schema, row.prop),
            })?;
            let provenance_id = batch.provenance(&row.provenance)?;
            let (value, raw) = if row.id == request.statement {
                corrected = Some((row.entity.clone(), prop.name));
                (request.value.to_string(), None)
            } else {
                (row.value.clone(), row.raw.clone())
            };
            let write = StatementWrite {
                prop: prop.name,
                value,
                raw,
                provenance_id,
            };
            let at_entity = match entities.iter().position(|e| e.name == row.entity) {
                Some(i) => i,
                None => {
                    entities.push(EntityWrite {
                        name: row.entity.clone(),
                        schema: schema.name,
                        statements: Vec::new(),
                    });
                    entities.len() - 1
                }
            };
            if row.id == request.statement {
                corrected_at = Some((at_entity, entities[at_entity].statements.len()));
            }
            entities[at_entity].statements.push(write);
        }
        let offset = corrected_at
            .map(|(e, i)| entities[..e].iter().map(|x| x.statements.len()).sum::<usize>() + i)
            .unwrap_or_default() as i64;
        let Some((entity_name, prop)) = corrected else {
            return Err(Error::Unknown {
                what: "current statement",
                name: request.statement.to_string(),
            });
        };
        let mut content_hash = [0u8; 16];
        content_hash.copy_from_slice(&digest[..16]);
        let outcome = batch.write_row(RowWrite {
            record_key: &target.key,
            row_number: 1,
            content_hash,
            entities,
        })?;
        if outcome != crate::RowOutcome::NewVersion {
            return Err(Error::Held {
                record: target.record,
                state: "not open to a new version",
            });
        }
        batch.flush()?;
        let first: i64 = batch.conn.query_row(
            "SELECT v.first_statement FROM record r JOIN record_version v ON v.id = r.current_version WHERE r.id = ?1",
            [target.record],
            |r| r.get(0),
        )?;
        let new = first + offset;
        crate::rectify::mark(
            batch.conn,
            request.statement,
            new,
            &target,
            request.actor,
            &at,
            request.reason,
        )?;
        let entity = corridor_model::entity_key(&target.dataset, &target.key, &entity_name);
        audit::append(
            batch.conn,
            &at,
            &AuditEntry {
                actor: request.actor.to_string(),
                action: crate::AuditAction::Rectify,
                target: format!("record:{}", target.record),
                purpose: request.purpose.to_string(),
                // The reason stays with the mark (erased with the record), not in the
                // chain: it may say what was wrong with the value.
                detail: serde_json::json!({"statement": request.statement, "replaced_by": new, "property": prop})
                    .to_string(),
            },
        )?;
        crate::disclosures::note_change(batch.conn, &[target.record], "rectified")?;
        let summary = Box::new(batch).commit(1, 0)?;
        Ok(crate::Rectified {
            old: request.statement,
            new,
            batch: summary.batch_id.unwrap_or_default(),
            entity,
        })
    }

    fn rectifications(&self, statements: &[i64]) -> Result<Vec<crate::Rectification>> {
        crate::rectify::rectifications(&self.conn, statements)
    }

    fn held_statements(&self, record: i64) -> Result<Vec<corridor_model::Statement>> {
        read::held_statements(&self.conn, record)
    }

    fn draft_export(&mut self, draft: &crate::ExportDraft<'_>) -> Result<i64> {
        crate::exports::draft(self.conn_mut()?, draft)
    }

    fn export_request(&self, id: i64) -> Result<Option<crate::ExportRecord>> {
        crate::exports::get(&self.conn, id)
    }

    fn export_requests(&self, case_id: i64) -> Result<Vec<crate::ExportRecord>> {
        crate::exports::of_case(&self.conn, case_id)
    }

    fn advance_export(
        &mut self,
        id: i64,
        from: crate::ExportState,
        to: crate::ExportState,
        user_id: i64,
        actor: &str,
        purpose: &str,
        reason: Option<&str>,
    ) -> Result<bool> {
        crate::exports::advance(self.conn_mut()?, id, from, to, user_id, actor, purpose, reason)
    }

    fn compact(&mut self) -> Result<bool> {
        crate::hold::compact(self.conn_mut()?)
    }

    fn audit(&mut self, entry: &AuditEntry) -> Result<AuditRecord> {
        self.append_chained(&now(), entry)
    }

    fn log_access(&mut self, entry: &AuditEntry) -> Result<()> {
        self.log_entry(entry)
    }

    fn verify_audit(&self) -> Result<AuditReport> {
        let mut report = audit::verify(&self.conn)?;
        report.queued = crate::readlog::waiting(&self.path(), &self.conn)?;
        Ok(report)
    }

    fn audit_page(&self, after: i64, limit: usize) -> Result<Vec<AuditRecord>> {
        audit::page(&self.conn, after, limit)
    }

    fn identity_links_page(&self, after: &str, limit: usize) -> Result<Vec<(String, String)>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        Ok(self
            .conn
            .prepare_cached("SELECT entity, identity FROM identity_link WHERE entity > ?1 ORDER BY entity LIMIT ?2")?
            .query_map(params![after, limit], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn check_consistency(&self) -> Result<ConsistencyReport> {
        read::consistency(&self.conn)
    }
}

/// An SQLite error opening `path` as a store: a file that is no database says so.
fn foreign(path: &Path, e: rusqlite::Error) -> Error {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) {
        Error::Foreign {
            path: path.display().to_string(),
            detail: "not an SQLite database".into(),
        }
    } else {
        Error::from(e)
    }
}

/// `path` as an SQLite URI (`file:` and the path, percent-encoded where a URI needs
/// it), so that a `?` or `#` in a file name is not read as the URI's query.
fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    use std::os::unix::ffi::OsStrExt;
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

/// The log entry of a read of many entities at once: who, why, what, how many.
fn bulk_read_entry(target: &str, entities: usize, actor: &str, purpose: &str) -> AuditEntry {
    AuditEntry {
        actor: actor.into(),
        action: crate::AuditAction::Read,
        target: target.into(),
        purpose: purpose.into(),
        detail: serde_json::json!({ "entities": entities }).to_string(),
    }
}

/// Begins a transaction that writes: `BEGIN IMMEDIATE`, so it takes the write lock
/// first and waits for it under the busy timeout. A deferred transaction that reads
/// and then upgrades to a write cannot wait (SQLite returns BUSY at once, since
/// waiting could deadlock two upgraders): forty parallel `show`s failed that way.
pub(crate) fn write_tx(conn: &mut Connection) -> Result<rusqlite::Transaction<'_>> {
    Ok(conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
}

/// A batch in progress: an open `BEGIN IMMEDIATE` transaction on the store.
///
/// Record-version, entity and statement ids are allocated here rather than by
/// SQLite: under the write lock taken by `BEGIN IMMEDIATE` they stay contiguous per
/// version and per batch, which is what lets the store keep id ranges instead of
/// secondary indexes (see `migrations.rs`). Entities and statements of a row go in
/// with one multi-row INSERT each, which saves SQLite's per-statement overhead.
pub struct SqliteBatch<'c> {
    conn: &'c Connection,
    signer: Option<&'c corridor_node_key::NodeKey>,
    /// The evidence hash of the statements written so far, on its own thread (see
    /// `evidence.rs`); `None` once finished.
    evidence: Option<crate::evidence::LeafHasher>,
    batch_id: i64,
    actor: String,
    dataset_id: i64,
    first_version: i64,
    next_version: i64,
    next_entity: i64,
    first_statement: i64,
    next_statement: i64,
    provenances: HashMap<ProvenanceSpec, i64>,
    /// Interned entity kinds: schema → mapping name → id.
    kinds: HashMap<&'static str, HashMap<String, i64>>,
    summary: BatchSummary,
    finished: bool,
    insert_record: Statement<'c>,
    /// The node's secret for erased-row digests, when any row was erased: a row
    /// whose digest is kept is not brought back (see `hold.rs`).
    erasure_secret: Option<Vec<u8>>,
    /// Whether any record was restricted or erased when the batch began (no hold
    /// can change while it holds the write lock).
    holds_exist: bool,
    /// Whether any statement was ever rectified (only then does a changed row
    /// look for a rectified version with its content).
    rectifications_exist: bool,
    insert_versions: Vec<Option<Statement<'c>>>,
    pending_versions: Vec<PendingVersion>,
    pending_entities: Vec<[i64; 3]>,
    pending_statements: Vec<(i64, i64, i64, StatementWrite)>,
    /// `insert_entities[n]` inserts n entities at once.
    insert_entities: Vec<Option<Statement<'c>>>,
    insert_statements: Vec<Option<Statement<'c>>>,
}

/// Rows per multi-row INSERT; longer lists are written in chunks.
const MULTI: usize = 64;

/// Queued statements that trigger a flush.
const FLUSH_AT: usize = 1024;

/// A record version waiting to be written.
struct PendingVersion {
    id: i64,
    record_id: i64,
    row_number: i64,
    hash: [u8; 16],
    statements: (i64, i64),
    entities: (i64, i64),
}

impl std::fmt::Debug for SqliteBatch<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteBatch")
            .field("batch_id", &self.batch_id)
            .field("summary", &self.summary)
            .finish()
    }
}

fn multi_insert<'c>(conn: &'c Connection, head: &str, columns: usize, rows: usize) -> Result<Statement<'c>> {
    let one = format!("({})", vec!["?"; columns].join(","));
    let sql = format!("{head} VALUES {}", vec![one; rows].join(","));
    Ok(conn.prepare(&sql)?)
}

const VERSION_HEAD: &str = "INSERT INTO record_version (record_id, batch_id, row_number, content_hash, \
    first_statement, last_statement, first_entity, last_entity)";
const ENTITY_HEAD: &str = "INSERT INTO entity (record_id, kind_id)";
/// With the id the batch allocated: statements of restricted and erased records
/// left the table but keep their ids, which SQLite's own choice (the largest id
/// in the table, plus one) would hand out again.
const STATEMENT_HEAD: &str = "INSERT INTO statement (id, entity_id, version_id, prop, value, raw, provenance_id)";

impl<'c> SqliteBatch<'c> {
    fn begin(
        conn: &'c Connection,
        signer: Option<&'c corridor_node_key::NodeKey>,
        spec: &BatchSpec,
    ) -> Result<SqliteBatch<'c>> {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        match SqliteBatch::start(conn, signer, spec) {
            Ok(b) => Ok(b),
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn start(
        conn: &'c Connection,
        signer: Option<&'c corridor_node_key::NodeKey>,
        spec: &BatchSpec,
    ) -> Result<SqliteBatch<'c>> {
        conn.execute(
            "INSERT INTO dataset (name, source_id) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
            params![spec.dataset, spec.source_id],
        )?;
        let dataset_id: i64 =
            conn.query_row("SELECT id FROM dataset WHERE name = ?1", [&spec.dataset], |r| r.get(0))?;
        conn.execute(
            "INSERT INTO batch (dataset_id, file_name, file_sha256, mapping_sha256, actor, purpose, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![dataset_id, spec.file_name, spec.file_sha256, spec.mapping_sha256, spec.actor, spec.purpose, spec.received_at],
        )?;
        let batch_id = conn.last_insert_rowid();
        let next = |table: &str| -> Result<i64> {
            Ok(
                conn.query_row(&format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"), [], |r| {
                    r.get(0)
                })?,
            )
        };
        let next_version = next("record_version")?;
        let next_entity = next("entity")?;
        // Statements of restricted and erased records left `statement` but keep
        // their ids (their leaves are evidence): never hand one out again.
        let next_statement = next("statement")?
            .max(next("statement_held")?)
            .max(next("statement_erased")?);
        let erased_rows: i64 = conn.query_row("SELECT COUNT(*) FROM erased_row", [], |r| r.get(0))?;
        let erasure_secret = if erased_rows > 0 {
            crate::hold::erasure_secret(conn)?
        } else {
            None
        };
        // Whether any record is held: only then does a changed row look for its
        // record's hold (a re-import of a million rows pays nothing otherwise).
        let holds_exist: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM record_hold)", [], |r| r.get(0))?;
        let rectifications_exist: bool =
            conn.query_row("SELECT EXISTS (SELECT 1 FROM statement_rectified)", [], |r| r.get(0))?;
        Ok(SqliteBatch {
            erasure_secret,
            holds_exist,
            rectifications_exist,
            conn,
            signer,
            evidence: Some(crate::evidence::LeafHasher::start()),
            batch_id,
            actor: spec.actor.clone(),
            dataset_id,
            first_version: next_version,
            next_version,
            next_entity,
            first_statement: next_statement,
            next_statement,
            provenances: HashMap::new(),
            kinds: HashMap::new(),
            summary: BatchSummary {
                batch_id: Some(batch_id),
                ..BatchSummary::default()
            },
            finished: false,
            insert_record: conn.prepare(
                "INSERT INTO record (dataset_id, key, current_version, current_hash) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (dataset_id, key) DO NOTHING",
            )?,
            insert_versions: (0..=MULTI).map(|_| None).collect(),
            pending_versions: Vec::new(),
            pending_entities: Vec::new(),
            pending_statements: Vec::new(),
            insert_entities: (0..=MULTI).map(|_| None).collect(),
            insert_statements: (0..=MULTI).map(|_| None).collect(),
        })
    }

    /// The interned id of an entity's (mapping name, schema).
    fn kind(&mut self, name: &str, schema: &'static str) -> Result<i64> {
        if let Some(id) = self.kinds.get(schema).and_then(|m| m.get(name)) {
            return Ok(*id);
        }
        self.conn.execute(
            "INSERT INTO entity_kind (name, schema) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![name, schema],
        )?;
        let id: i64 = self.conn.query_row(
            "SELECT id FROM entity_kind WHERE name = ?1 AND schema = ?2",
            params![name, schema],
            |r| r.get(0),
        )?;
        self.kinds.entry(schema).or_default().insert(name.to_string(), id);
        Ok(id)
    }

    /// Queues the version row, the entities it creates and its statements; they are
    /// written in multi-row INSERTs by [`SqliteBatch::flush`].
    fn write_version(
        &mut self,
        row: RowWrite<'_>,
        record_id: i64,
        version: i64,
        known: &[(String, i64)],
    ) -> Result<()> {
        let first_entity = self.next_entity;
        let first_statement = self.next_statement;
        let count: usize = row.entities.iter().map(|e| e.statements.len()).sum();
        for e in row.entities {
            let kind = self.kind(&e.name, e.schema)?;
            let entity_id = match known.iter().find(|(name, _)| *name == e.name) {
                Some((_, id)) => {
                    self.conn.execute(
                        "UPDATE entity SET kind_id = ?1 WHERE id = ?2 AND kind_id <> ?1",
                        params![kind, id],
                    )?;
                    *id
                }
                None => {
                    let id = self.next_entity;
                    self.next_entity += 1;
                    self.pending_entities.push([id, record_id, kind]);
                    id
                }
            };
            for st in e.statements {
                self.pending_statements
                    .push((self.next_statement, entity_id, version, st));
                self.next_statement += 1;
            }
        }
        self.pending_versions.push(PendingVersion {
            id: version,
            record_id,
            row_number: row.row_number as i64,
            hash: row.content_hash,
            statements: (first_statement, first_statement + count as i64 - 1),
            entities: (first_entity, self.next_entity - 1),
        });
        self.summary.statements += count as u64;
        if self.pending_statements.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    fn check_last_id(&self, what: &'static str, expected: Option<i64>) -> Result<()> {
        let got = self.conn.last_insert_rowid();
        match expected {
            Some(id) if id != got => Err(Error::Corrupt {
                what,
                value: format!("id {got} where {id} was allocated; the batch is rolled back"),
            }),
            _ => Ok(()),
        }
    }

    /// Writes everything queued.
    fn flush(&mut self) -> Result<()> {
        // The ids were allocated ahead; the rows go in without them so SQLite takes its
        // append path (no b-tree descent per row), and each chunk checks that the id
        // SQLite gave its last row is the one allocated.
        let versions = std::mem::take(&mut self.pending_versions);
        for chunk in versions.chunks(MULTI) {
            let stmt = cached(&mut self.insert_versions, self.conn, VERSION_HEAD, 8, chunk.len())?;
            let mut p = 1;
            for v in chunk {
                stmt.raw_bind_parameter(p, v.record_id)?;
                stmt.raw_bind_parameter(p + 1, self.batch_id)?;
                stmt.raw_bind_parameter(p + 2, v.row_number)?;
                stmt.raw_bind_parameter(p + 3, &v.hash[..])?;
                stmt.raw_bind_parameter(p + 4, v.statements.0)?;
                stmt.raw_bind_parameter(p + 5, v.statements.1)?;
                stmt.raw_bind_parameter(p + 6, v.entities.0)?;
                stmt.raw_bind_parameter(p + 7, v.entities.1)?;
                p += 8;
            }
            stmt.raw_execute()?;
            self.check_last_id("record version", chunk.last().map(|v| v.id))?;
        }
        let entities = std::mem::take(&mut self.pending_entities);
        for chunk in entities.chunks(MULTI) {
            let stmt = cached(&mut self.insert_entities, self.conn, ENTITY_HEAD, 2, chunk.len())?;
            let mut p = 1;
            for e in chunk {
                stmt.raw_bind_parameter(p, e[1])?;
                stmt.raw_bind_parameter(p + 1, e[2])?;
                p += 2;
            }
            stmt.raw_execute()?;
            self.check_last_id("entity", chunk.last().map(|e| e[0]))?;
        }
        let statements = std::mem::take(&mut self.pending_statements);
        for chunk in statements.chunks(MULTI) {
            let stmt = cached(&mut self.insert_statements, self.conn, STATEMENT_HEAD, 7, chunk.len())?;
            let mut p = 1;
            for (id, entity_id, version, s) in chunk {
                stmt.raw_bind_parameter(p, *id)?;
                stmt.raw_bind_parameter(p + 1, *entity_id)?;
                stmt.raw_bind_parameter(p + 2, *version)?;
                stmt.raw_bind_parameter(p + 3, s.prop)?;
                stmt.raw_bind_parameter(p + 4, s.value.as_str())?;
                stmt.raw_bind_parameter(p + 5, s.raw.as_deref())?;
                stmt.raw_bind_parameter(p + 6, s.provenance_id)?;
                p += 7;
            }
            stmt.raw_execute()?;
            self.check_last_id("statement", chunk.last().map(|s| s.0))?;
        }
        // The statements go to the evidence hasher; it gives an emptied buffer back.
        self.pending_statements = match &mut self.evidence {
            Some(hasher) => hasher.hash(statements),
            None => Vec::new(),
        };
        // Hand the emptied buffers back so their capacity is reused.
        self.pending_versions = versions;
        self.pending_versions.clear();
        self.pending_entities = entities;
        self.pending_entities.clear();
        Ok(())
    }
}

/// The prepared multi-row INSERT for `rows` rows, prepared on first use.
fn cached<'s, 'c>(
    slots: &'s mut [Option<Statement<'c>>],
    conn: &'c Connection,
    head: &str,
    columns: usize,
    rows: usize,
) -> Result<&'s mut Statement<'c>> {
    let slot = &mut slots[rows];
    if slot.is_none() {
        *slot = Some(multi_insert(conn, head, columns, rows)?);
    }
    slot.as_mut().ok_or_else(|| Error::Corrupt {
        what: "prepared statement",
        value: head.to_string(),
    })
}

impl Batch for SqliteBatch<'_> {
    fn provenance(&mut self, spec: &ProvenanceSpec) -> Result<i64> {
        if let Some(id) = self.provenances.get(spec) {
            return Ok(*id);
        }
        let handling = spec.handling.code.to_string();
        let restriction = spec.handling.restriction.clone().unwrap_or_default();
        let tlp = spec.handling.tlp.map(|t| t.to_string()).unwrap_or_default();
        let grading = spec.grading.to_string();
        let assessment = spec.assessment.as_str();
        self.conn.execute(
            "INSERT INTO provenance (source_id, grading, handling, restriction, tlp, assessment) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![spec.source_id, grading, handling, restriction, tlp, assessment],
        )?;
        let id: i64 = self.conn.query_row(
            "SELECT id FROM provenance WHERE source_id = ?1 AND grading = ?2 AND handling = ?3 AND restriction = ?4 AND tlp = ?5 AND assessment = ?6",
            params![spec.source_id, grading, handling, restriction, tlp, assessment],
            |r| r.get(0),
        )?;
        self.provenances.insert(spec.clone(), id);
        Ok(id)
    }

    fn set_file_sha256(&mut self, sha256: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE batch SET file_sha256 = ?1 WHERE id = ?2",
            params![sha256, self.batch_id],
        )?;
        Ok(())
    }

    fn write_row(&mut self, row: RowWrite<'_>) -> Result<RowOutcome> {
        let version = self.next_version;
        if let Some(secret) = &self.erasure_secret {
            let digest = crate::hold::row_digest(secret, &row.content_hash[..]);
            let erased: Option<i64> = self
                .conn
                .prepare_cached("SELECT 1 FROM erased_row WHERE digest = ?1")?
                .query_row([&digest[..]], |r| r.get(0))
                .optional()?;
            if erased.is_some() {
                return Ok(RowOutcome::Held { erased: true });
            }
        }
        let inserted =
            self.insert_record
                .execute(params![self.dataset_id, row.record_key, version, &row.content_hash[..]])?;
        if inserted == 1 {
            let record_id = self.conn.last_insert_rowid();
            self.next_version += 1;
            self.write_version(row, record_id, version, &[])?;
            self.summary.new_records += 1;
            return Ok(RowOutcome::New);
        }
        let (record_id, current, hash): (i64, i64, Vec<u8>) = self
            .conn
            .prepare_cached("SELECT id, current_version, current_hash FROM record WHERE dataset_id = ?1 AND key = ?2")?
            .query_row(params![self.dataset_id, row.record_key], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        if self.holds_exist
            && let Some(state) = crate::hold::state_of(self.conn, record_id)?
        {
            return Ok(RowOutcome::Held {
                erased: state == crate::HoldState::Erased,
            });
        }
        if hash == row.content_hash {
            self.summary.unchanged += 1;
            return Ok(RowOutcome::Unchanged);
        }
        if self.rectifications_exist && crate::rectify::is_rectified_content(self.conn, record_id, &row.content_hash)? {
            // The agency's row as it was before an analyst corrected it: the
            // correction stands (see `rectify.rs`).
            self.summary.unchanged += 1;
            return Ok(RowOutcome::Unchanged);
        }
        if current >= self.first_version {
            // That version may still be queued.
            self.flush()?;
            let first_row: i64 =
                self.conn
                    .query_row("SELECT row_number FROM record_version WHERE id = ?1", [current], |r| {
                        r.get(0)
                    })?;
            return Ok(RowOutcome::Duplicate {
                first_row: first_row as u64,
            });
        }
        self.next_version += 1;
        self.conn.execute(
            "UPDATE record SET current_version = ?1, current_hash = ?2 WHERE id = ?3",
            params![version, &row.content_hash[..], record_id],
        )?;
        let known: Vec<(String, i64)> = self
            .conn
            .prepare_cached(
                "SELECT e.name, e.id FROM record_version v JOIN entity_named e ON e.id BETWEEN v.first_entity AND v.last_entity \
                 WHERE v.record_id = ?1",
            )?
            .query_map([record_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        self.write_version(row, record_id, version, &known)?;
        self.summary.new_versions += 1;
        Ok(RowOutcome::NewVersion)
    }

    fn record_findings(&mut self, findings: &[FindingWrite]) -> Result<u64> {
        checks::insert_findings(
            self.conn,
            findings,
            &format!("ingest batch {}", self.batch_id),
            &self.actor,
        )
    }

    fn commit(mut self: Box<Self>, rows_read: u64, rejected: u64) -> Result<BatchSummary> {
        self.summary.rows_read = rows_read;
        self.summary.rejected = rejected;
        self.flush()?;
        let s = self.summary.clone();
        if s.new_records + s.new_versions == 0 {
            self.conn.execute_batch("ROLLBACK")?;
            self.finished = true;
            return Ok(BatchSummary { batch_id: None, ..s });
        }
        let at = now();
        self.conn.execute(
            "UPDATE batch SET committed_at = ?1, rows_read = ?2, new_records = ?3, new_versions = ?4, unchanged = ?5, rejected = ?6, statements = ?7, \
             first_version = ?8, last_version = ?9, first_statement = ?10, last_statement = ?11 WHERE id = ?12",
            params![
                at,
                s.rows_read as i64,
                s.new_records as i64,
                s.new_versions as i64,
                s.unchanged as i64,
                s.rejected as i64,
                s.statements as i64,
                self.first_version,
                self.next_version - 1,
                self.first_statement,
                self.next_statement - 1,
                self.batch_id
            ],
        )?;
        let (actor, purpose, file, sha256, dataset): (String, String, String, String, String) = self.conn.query_row(
            "SELECT b.actor, COALESCE(b.purpose, ''), b.file_name, b.file_sha256, d.name \
             FROM batch b JOIN dataset d ON d.id = b.dataset_id WHERE b.id = ?1",
            [self.batch_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        // Reads logged while this batch held the lock come first (see `readlog`).
        let store_path = std::path::PathBuf::from(self.conn.path().unwrap_or_default());
        let moved = crate::readlog::move_into(&store_path, self.conn)?;
        let entry = audit::append(
            self.conn,
            &at,
            &AuditEntry {
                actor,
                action: crate::AuditAction::Ingest,
                target: format!("batch:{}", self.batch_id),
                purpose,
                detail: serde_json::json!({
                    "dataset": dataset, "file": file, "file_sha256": sha256, "rows_read": s.rows_read, "new_records": s.new_records,
                    "new_versions": s.new_versions, "unchanged": s.unchanged, "rejected": s.rejected, "statements": s.statements,
                    "evidence": match self.evidence.take() {
                        Some(hasher) => hasher.finish()?,
                        None => return Err(Error::Corrupt {
                            what: "evidence hash",
                            value: "the batch's evidence was already taken".into(),
                        }),
                    },
                    "context": crate::evidence::batch_context(self.conn, self.batch_id)?,
                })
                .to_string(),
            },
        )?;
        if let Some(key) = self.signer {
            let signature = key.sign_head(entry.seq, &entry.hash);
            audit::store_signature(self.conn, &key.public_hex(), entry.seq, &entry.hash, &signature, &at)?;
        }
        self.conn.execute_batch("COMMIT")?;
        self.finished = true;
        if let Some(m) = moved {
            m.forget();
        }
        Ok(s)
    }
}

impl Drop for SqliteBatch<'_> {
    fn drop(&mut self) {
        if !self.finished {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

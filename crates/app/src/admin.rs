//! The node's housekeeping: counts, wholeness, sources and their grading, and the
//! audit log (verification, anchors, reading it).

use std::path::Path;

use corridor_model::SourceReliability;
use corridor_store::{
    Anchor, AuditRecord, AuditReport, ConsistencyReport, NodeKey, NodePublicKey, SourceInfo, SqliteStore, Stats, Store,
};

use crate::error::{Error, Result};
use crate::session::Session;

/// What the store holds, counted (no personal data).
pub fn stats(store: &dyn Store) -> Result<Stats> {
    Ok(store.stats()?)
}

/// Whether every batch is whole and every statement has its provenance.
pub fn consistency(store: &dyn Store) -> Result<ConsistencyReport> {
    Ok(store.check_consistency()?)
}

/// The sources with their grading history and data sets.
pub fn sources(store: &dyn Store) -> Result<Vec<SourceInfo>> {
    Ok(store.sources()?)
}

/// Regrades a source (logged with the reason); every statement it gave shows the
/// new grade on read.
pub fn grade_source(
    store: &mut dyn Store,
    session: &Session,
    id: i64,
    grade: &str,
    reason: &str,
) -> Result<SourceReliability> {
    let grade: SourceReliability = grade.parse().map_err(|e| Error::BadInput(format!("{e}")))?;
    store.grade_source(id, grade, reason, session.actor())?;
    Ok(grade)
}

/// The audit chain, the evidence under it, the node's signatures checked with
/// `key` (from the key file, never the store) and the chain against `anchor`.
pub fn verify_audit(store: &SqliteStore, key: Option<&NodePublicKey>, anchor: Option<&Anchor>) -> Result<AuditReport> {
    Ok(store.verify_audit_with(key, anchor)?)
}

/// A verification of the audit log and what its signatures were checked with.
#[derive(Debug)]
pub struct Verification {
    pub report: AuditReport,
    /// The fingerprint of the key the node's signatures were checked with: the key
    /// file's, or without one the anchor's; `None` when neither was given.
    pub checked_with: Option<String>,
    /// Whether `checked_with` is the key file's (`true`) or the anchor's.
    pub key_file_used: bool,
}

/// Reads an anchor written by [`anchor`] from a file kept outside the node.
pub fn read_anchor(path: &Path) -> Result<Anchor> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::BadInput(format!("cannot read the anchor {}: {e}", path.display())))?;
    Anchor::parse(&text).map_err(|e| Error::Integrity(format!("{}: {e}", path.display())))
}

/// Verifies the audit log with the node's key file (when there is one) and an
/// anchor (when given). An anchor signed by another key than the key file's is
/// refused: it is another node's, or the key was replaced. Without a key file the
/// anchor's own key checks the signatures, and every batch after the anchor must
/// then be signed by it.
pub fn verify_audit_against(
    store: &SqliteStore,
    key: Option<&NodeKey>,
    anchor: Option<&Anchor>,
) -> Result<Verification> {
    if let (Some(a), Some(k)) = (anchor, key)
        && a.public_key != k.public_hex()
    {
        return Err(Error::Integrity(format!(
            "the anchor was signed by key {}, not by this node's key {}: it is another node's, or the node key was replaced",
            a.fingerprint,
            k.fingerprint()
        )));
    }
    let public = key
        .map(|k| NodePublicKey {
            public_hex: k.public_hex(),
            since_seq: k.since_seq(),
        })
        .or_else(|| {
            anchor.map(|a| NodePublicKey {
                public_hex: a.public_key.clone(),
                since_seq: a.seq,
            })
        });
    let report = store.verify_audit_with(public.as_ref(), anchor)?;
    Ok(Verification {
        report,
        checked_with: key
            .map(|k| k.fingerprint())
            .or_else(|| anchor.map(|a| a.fingerprint.clone())),
        key_file_used: key.is_some(),
    })
}

/// The current head signed with the node's key, to keep outside the node; `None`
/// without a key.
pub fn anchor(store: &mut SqliteStore) -> Result<Option<Anchor>> {
    Ok(store.anchor()?)
}

/// The last `last` entries of the audit log (all with `None`), oldest first.
pub fn audit_log(store: &SqliteStore, last: Option<usize>) -> Result<Vec<AuditRecord>> {
    let mut entries = store.audit_entries()?;
    if let Some(n) = last {
        let skip = entries.len().saturating_sub(n);
        entries.drain(..skip);
    }
    Ok(entries)
}

/// The chain's head, unsigned (and whether the chain alone is intact).
pub fn audit_head(store: &dyn Store) -> Result<AuditReport> {
    Ok(store.verify_audit()?)
}

/// The audit log a page at a time: up to `limit` entries after sequence number
/// `after`.
pub fn audit_page(store: &dyn Store, after: i64, limit: usize) -> Result<Vec<AuditRecord>> {
    Ok(store.audit_page(after, limit)?)
}

/// Writes a verified snapshot of the store to `dest` (logged); see the store's
/// `backup.rs` for why a restore cannot bring erased data back.
pub fn backup(store: &mut SqliteStore, session: &Session, dest: &Path) -> Result<corridor_store::BackupReport> {
    Ok(store.backup_to(dest, session.actor())?)
}

/// Restores the backup `from` as the store at `store`, erasing again what was
/// erased since; the replaced store is moved aside. Stop the node server first.
pub fn restore(from: &Path, store: &Path, session: &Session) -> Result<corridor_store::RestoreReport> {
    let fresh = crate::review::fresh_secret()?;
    Ok(SqliteStore::restore(from, store, session.actor(), &fresh)?)
}

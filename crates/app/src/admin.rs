//! The node's housekeeping: counts, wholeness, sources and their grading, and the
//! audit log (verification, anchors, reading it).

use corridor_model::SourceReliability;
use corridor_store::{
    Anchor, AuditRecord, AuditReport, ConsistencyReport, NodePublicKey, SourceInfo, SqliteStore, Stats, Store,
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

//! Leaf hashes of stored evidence, so that `audit verify` finds edited evidence and
//! not only edited log lines.
//!
//! Every statement has a leaf hash over all its columns; a batch's evidence hash is
//! the SHA-256 of its statements' leaf hashes in id order, and is written into the
//! batch's `ingest` entry of the hash-chained log (and so under the node's signed
//! head). `verify` recomputes each batch's hash from the statement rows.
//!
//! A lawful erasure (to come with the node server) will replace a statement's value
//! by its leaf hash: the batch still verifies from the stored leaf, and nothing of
//! the erased value remains. That is why a leaf covers one statement and the batch
//! hash is over leaves, not over the values themselves.

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::error::Result;

/// A statement's leaf hash: its id, entity, record version, property, value, value
/// as received and provenance, each length-prefixed.
pub(crate) fn statement_leaf(
    id: i64,
    entity_id: i64,
    version_id: i64,
    prop: &str,
    value: &str,
    raw: Option<&str>,
    provenance_id: i64,
) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"corridor statement v1");
    for n in [id, entity_id, version_id, provenance_id] {
        h.update(n.to_le_bytes());
    }
    for part in [prop, value] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    match raw {
        Some(r) => {
            h.update([1]);
            h.update((r.len() as u64).to_le_bytes());
            h.update(r.as_bytes());
        }
        None => h.update([0]),
    }
    h.finalize().into()
}

/// A running evidence hash over leaves given in id order.
#[derive(Debug, Clone, Default)]
pub(crate) struct EvidenceHash {
    hasher: Sha256,
}

impl EvidenceHash {
    pub(crate) fn add(&mut self, leaf: &[u8; 32]) {
        self.hasher.update(leaf);
    }

    pub(crate) fn finish(self) -> String {
        hex::encode(self.hasher.finalize())
    }
}

/// Recomputes the evidence hash of the statements `first..=last` from their rows.
pub(crate) fn statements_hash(conn: &Connection, first: i64, last: i64) -> Result<String> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, entity_id, version_id, prop, value, raw, provenance_id FROM statement \
         WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
    )?;
    let mut rows = stmt.query([first, last])?;
    let mut hash = EvidenceHash::default();
    while let Some(r) = rows.next()? {
        let value: String = r.get(4)?;
        let raw: Option<String> = r.get(5)?;
        let prop: String = r.get(3)?;
        hash.add(&statement_leaf(
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            &prop,
            &value,
            raw.as_deref(),
            r.get(6)?,
        ));
    }
    Ok(hash.finish())
}

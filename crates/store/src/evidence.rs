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
/// Statements as a batch queues them: id, entity, version, the statement.
pub(crate) type QueuedStatements = Vec<(i64, i64, i64, crate::batch::StatementWrite)>;

/// The evidence hash of a batch's statements, computed on a thread of its own:
/// a leaf per statement is fourteen million SHA-256 computations for a million
/// rows, which on the writer's thread cost a tenth of the ingest. Statements are
/// handed over in order, after they were written, with their buffers (not
/// copied); emptied buffers come back for reuse.
pub(crate) struct LeafHasher {
    send: Option<std::sync::mpsc::SyncSender<QueuedStatements>>,
    back: std::sync::mpsc::Receiver<QueuedStatements>,
    done: Option<std::thread::JoinHandle<EvidenceHash>>,
}

impl LeafHasher {
    pub(crate) fn start() -> LeafHasher {
        let (send, receive) = std::sync::mpsc::sync_channel::<QueuedStatements>(2);
        let (give_back, back) = std::sync::mpsc::channel::<QueuedStatements>();
        let done = std::thread::spawn(move || {
            let mut hash = EvidenceHash::default();
            for mut statements in receive {
                for (id, entity_id, version, s) in &statements {
                    hash.add(&statement_leaf(
                        *id,
                        *entity_id,
                        *version,
                        s.prop,
                        &s.value,
                        s.raw.as_deref(),
                        s.provenance_id,
                    ));
                }
                statements.clear();
                let _ = give_back.send(statements);
            }
            hash
        });
        LeafHasher {
            send: Some(send),
            back,
            done: Some(done),
        }
    }

    /// Hands written statements over; returns an emptied buffer to fill next.
    pub(crate) fn hash(&mut self, statements: QueuedStatements) -> QueuedStatements {
        if let Some(send) = &self.send {
            // A hasher that stopped (it cannot, short of a panic) is found by finish.
            let _ = send.send(statements);
        }
        self.back.try_recv().unwrap_or_default()
    }

    /// The hash of every statement handed over.
    pub(crate) fn finish(mut self) -> std::result::Result<String, crate::error::Error> {
        drop(self.send.take());
        self.done
            .take()
            .and_then(|h| h.join().ok())
            .map(EvidenceHash::finish)
            .ok_or_else(|| crate::error::Error::Corrupt {
                what: "evidence hash",
                value: "the thread hashing the batch's statements stopped; the batch is rolled back".into(),
            })
    }
}

impl Drop for LeafHasher {
    fn drop(&mut self) {
        drop(self.send.take());
        if let Some(h) = self.done.take() {
            let _ = h.join();
        }
    }
}

pub(crate) fn statements_hash(conn: &Connection, first: i64, last: i64) -> Result<String> {
    // Statements of restricted records are in `statement_held`, those of erased
    // records only as their leaf in `statement_erased` (see `hold.rs`).
    let mut stmt = conn.prepare_cached(
        "SELECT id, entity_id, version_id, prop, value, raw, provenance_id, NULL FROM statement \
         WHERE id BETWEEN ?1 AND ?2 \
         UNION ALL SELECT id, entity_id, version_id, prop, value, raw, provenance_id, NULL FROM statement_held \
         WHERE id BETWEEN ?1 AND ?2 \
         UNION ALL SELECT id, 0, 0, '', '', NULL, 0, leaf FROM statement_erased WHERE id BETWEEN ?1 AND ?2 \
         ORDER BY 1",
    )?;
    let mut rows = stmt.query([first, last])?;
    let mut hash = EvidenceHash::default();
    while let Some(r) = rows.next()? {
        if let Some(leaf) = r.get::<_, Option<Vec<u8>>>(7)? {
            let mut l = [0u8; 32];
            if leaf.len() == 32 {
                l.copy_from_slice(&leaf);
            }
            hash.add(&l);
            continue;
        }
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

/// A hash over length-prefixed text parts, under a domain tag.
fn parts_hash(tag: &[u8], numbers: &[i64], parts: &[&str]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(tag);
    for n in numbers {
        h.update(n.to_le_bytes());
    }
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().into()
}

/// An analyst's decision's leaf hash: every column of its row.
pub(crate) fn decision_leaf(id: i64, a: &str, b: &str, decision: &str, reason: &str, actor: &str, at: &str) -> String {
    hex::encode(parts_hash(
        b"corridor decision v1",
        &[id],
        &[a, b, decision, reason, actor, at],
    ))
}

/// Recomputes a decision's leaf from its row; `None` when the row is gone.
pub(crate) fn decision_leaf_of(conn: &Connection, id: i64) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT a, b, decision, reason, actor, at FROM resolution_decision WHERE id = ?1",
            [id],
            |r| {
                let t: Vec<String> = (0..6).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?;
                Ok(decision_leaf(id, &t[0], &t[1], &t[2], &t[3], &t[4], &t[5]))
            },
        )
        .optional()?)
}

/// The evidence hash of the findings `first..=last` (ids given to one insert).
pub(crate) fn findings_hash(conn: &Connection, first: i64, last: i64) -> Result<String> {
    // Findings removed with an erased record stand as their leaf (see `hold.rs`).
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, entity, related, reason, origin, found_at, found_by, NULL FROM finding \
         WHERE id BETWEEN ?1 AND ?2 \
         UNION ALL SELECT id, '', '', '', '', '', '', '', leaf FROM finding_erased WHERE id BETWEEN ?1 AND ?2 \
         ORDER BY 1",
    )?;
    let mut rows = stmt.query([first, last])?;
    let mut hash = EvidenceHash::default();
    while let Some(r) = rows.next()? {
        if let Some(leaf) = r.get::<_, Option<Vec<u8>>>(8)? {
            let mut l = [0u8; 32];
            if leaf.len() == 32 {
                l.copy_from_slice(&leaf);
            }
            hash.add(&l);
            continue;
        }
        let t: Vec<String> = (1..8).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?;
        let parts: Vec<&str> = t.iter().map(String::as_str).collect();
        hash.add(&finding_leaf(r.get(0)?, &parts));
    }
    Ok(hash.finish())
}

/// A finding's leaf hash: its id and every other column.
pub(crate) fn finding_leaf(id: i64, parts: &[&str]) -> [u8; 32] {
    parts_hash(b"corridor finding v1", &[id], parts)
}

/// The state of the record → identity mapping as a multiset hash: the sum, modulo
/// 2⁴⁰⁹⁶, of the links' leaf hashes expanded to 4096 bits, so a run or a match at
/// ingest updates it link by link and `verify` recomputes it from the table in any
/// order (AdHash, Bellare and Micciancio 1997).
///
/// Why 4096 bits: finding links whose leaves sum to a chosen difference (hand-made
/// rows that cancel an edited link) is a generalised birthday problem, which
/// Wagner's algorithm solves in about 2^(2√n) steps for an n-bit sum: 2¹²⁸ here.
/// The first version summed four 64-bit lanes (n = 256 without carries between
/// them), which that algorithm breaks in about 2³¹ steps; its states (64 hex digits)
/// are still checked with [`LinkState::legacy_hex_of_table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkState(Box<[u64; LIMBS]>);

/// 64-bit limbs of a state: 4096 bits.
const LIMBS: usize = 64;

impl Default for LinkState {
    fn default() -> Self {
        LinkState(Box::new([0; LIMBS]))
    }
}

impl LinkState {
    /// A link's leaf, expanded with SHA-512 to 4096 bits.
    fn limbs(entity: &str, identity: &str) -> [u64; LIMBS] {
        use sha2::Digest;
        let leaf = parts_hash(b"corridor identity link v2", &[], &[entity, identity]);
        let mut limbs = [0u64; LIMBS];
        for (block, out) in limbs.chunks_mut(8).enumerate() {
            let mut h = sha2::Sha512::new();
            h.update(b"corridor identity link lane");
            h.update(leaf);
            h.update([block as u8]);
            for (limb, bytes) in out.iter_mut().zip(h.finalize().chunks(8)) {
                let mut b = [0u8; 8];
                b.copy_from_slice(bytes);
                *limb = u64::from_le_bytes(b);
            }
        }
        limbs
    }

    pub(crate) fn add(&mut self, entity: &str, identity: &str) {
        let mut carry = false;
        for (s, l) in self.0.iter_mut().zip(Self::limbs(entity, identity)) {
            let (a, c1) = s.overflowing_add(l);
            let (b, c2) = a.overflowing_add(u64::from(carry));
            *s = b;
            carry = c1 || c2;
        }
    }

    pub(crate) fn remove(&mut self, entity: &str, identity: &str) {
        let mut borrow = false;
        for (s, l) in self.0.iter_mut().zip(Self::limbs(entity, identity)) {
            let (a, b1) = s.overflowing_sub(l);
            let (b, b2) = a.overflowing_sub(u64::from(borrow));
            *s = b;
            borrow = b1 || b2;
        }
    }

    pub(crate) fn hex(&self) -> String {
        self.0.iter().rev().map(|l| format!("{l:016x}")).collect()
    }

    pub(crate) fn parse(hex: &str) -> Option<LinkState> {
        if hex.len() != LIMBS * 16 {
            return None;
        }
        let mut state = LinkState::default();
        for (i, limb) in state.0.iter_mut().rev().enumerate() {
            *limb = u64::from_str_radix(hex.get(i * 16..(i + 1) * 16)?, 16).ok()?;
        }
        Some(state)
    }

    /// The state of the mapping as stored.
    pub(crate) fn of_table(conn: &Connection) -> Result<LinkState> {
        let mut stmt = conn.prepare("SELECT entity, identity FROM identity_link")?;
        let mut rows = stmt.query([])?;
        let mut state = LinkState::default();
        while let Some(r) = rows.next()? {
            let (e, i): (String, String) = (r.get(0)?, r.get(1)?);
            state.add(&e, &i);
        }
        Ok(state)
    }

    /// The first version's state of the mapping as stored (four 64-bit lanes), for
    /// a store whose latest resolution entry was written by it.
    pub(crate) fn legacy_hex_of_table(conn: &Connection) -> Result<String> {
        let mut stmt = conn.prepare("SELECT entity, identity FROM identity_link")?;
        let mut rows = stmt.query([])?;
        let mut lanes = [0u64; 4];
        while let Some(r) = rows.next()? {
            let (e, i): (String, String) = (r.get(0)?, r.get(1)?);
            let leaf = parts_hash(b"corridor identity link v1", &[], &[&e, &i]);
            for (lane, chunk) in lanes.iter_mut().zip(leaf.chunks(8)) {
                let mut b = [0u8; 8];
                b.copy_from_slice(chunk);
                *lane = lane.wrapping_add(u64::from_le_bytes(b));
            }
        }
        Ok(lanes.iter().map(|l| format!("{l:016x}")).collect())
    }
}

/// The SHA-256 of every row `sql` returns (columns read as text or as the integers
/// and blobs they are, each length-prefixed), in the order it returns them: a
/// table's content under the chain without a leaf function per table.
pub(crate) fn rows_hash(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<String> {
    use rusqlite::types::ValueRef;
    let mut stmt = conn.prepare_cached(sql)?;
    let columns = stmt.column_count();
    let mut rows = stmt.query(params)?;
    let mut h = Sha256::new();
    h.update(b"corridor rows v1");
    while let Some(r) = rows.next()? {
        for i in 0..columns {
            match r.get_ref(i)? {
                ValueRef::Null => h.update([0]),
                ValueRef::Integer(n) => {
                    h.update([1]);
                    h.update(n.to_le_bytes());
                }
                ValueRef::Real(x) => {
                    h.update([2]);
                    h.update(x.to_le_bytes());
                }
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    h.update([3]);
                    h.update((t.len() as u64).to_le_bytes());
                    h.update(t);
                }
            }
        }
    }
    Ok(hex::encode(h.finalize()))
}

/// What gives a batch's statements their meaning, beyond their own columns: the
/// batch row, its data set and source, its record versions with their record keys,
/// its entities with their kinds, and every provenance its statements use with its
/// source (editing a provenance from A2/H2 to A1/H0 changes what may be shared).
pub(crate) fn batch_context(conn: &Connection, batch: i64) -> Result<String> {
    use rusqlite::OptionalExtension;
    type Ranges = (Option<i64>, Option<i64>, Option<i64>, Option<i64>);
    let ranges: Option<Ranges> = conn
        .query_row(
            "SELECT first_version, last_version, first_statement, last_statement FROM batch WHERE id = ?1",
            [batch],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let (fv, lv, fs, ls) = ranges.unwrap_or((None, None, None, None));
    let versions = (fv.unwrap_or(0), lv.unwrap_or(-1));
    let statements = (fs.unwrap_or(0), ls.unwrap_or(-1));
    let entities: (Option<i64>, Option<i64>) = conn.query_row(
        "SELECT MIN(first_entity), MAX(last_entity) FROM record_version WHERE id BETWEEN ?1 AND ?2 AND batch_id = ?3",
        [versions.0, versions.1, batch],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let entities = (entities.0.unwrap_or(0), entities.1.unwrap_or(-1));
    let parts = [
        rows_hash(
            conn,
            "SELECT b.id, d.name, a.node, a.country, s.unit, s.informant_code, b.file_name, b.file_sha256, \
             b.mapping_sha256, b.actor, b.purpose, b.received_at, b.first_version, b.last_version, \
             b.first_statement, b.last_statement \
             FROM batch b JOIN dataset d ON d.id = b.dataset_id JOIN source s ON s.id = d.source_id \
             JOIN agency a ON a.id = s.agency_id WHERE b.id = ?1",
            [batch],
        )?,
        rows_hash(
            conn,
            "SELECT v.id, r.key, d.name, v.row_number, v.content_hash, v.first_statement, v.last_statement, \
             v.first_entity, v.last_entity FROM record_version v \
             JOIN record r ON r.id = v.record_id JOIN dataset d ON d.id = r.dataset_id \
             WHERE v.id BETWEEN ?2 AND ?3 AND v.batch_id = ?1 ORDER BY v.id",
            [batch, versions.0, versions.1],
        )?,
        // A batch's entities have consecutive ids: one range, not a join per version
        // (which SQLite ran as a scan of every entity for each version).
        rows_hash(
            conn,
            "SELECT e.id, e.record_id, k.name, k.schema FROM entity e JOIN entity_kind k ON k.id = e.kind_id \
             WHERE e.id BETWEEN ?1 AND ?2 ORDER BY e.id",
            [entities.0, entities.1],
        )?,
        rows_hash(
            conn,
            "SELECT p.id, a.node, a.country, s.unit, s.informant_code, p.grading, p.handling, p.restriction, \
             p.tlp, p.assessment FROM provenance p JOIN source s ON s.id = p.source_id \
             JOIN agency a ON a.id = s.agency_id \
             WHERE p.id IN (SELECT provenance_id FROM statement WHERE id BETWEEN ?1 AND ?2 \
               UNION SELECT provenance_id FROM statement_held WHERE id BETWEEN ?1 AND ?2 \
               UNION SELECT provenance_id FROM statement_erased WHERE id BETWEEN ?1 AND ?2) \
             ORDER BY p.id",
            [statements.0, statements.1],
        )?,
    ];
    let mut h = Sha256::new();
    for p in &parts {
        h.update(p.as_bytes());
    }
    Ok(hex::encode(h.finalize()))
}

/// The entries of the watchlist called `name`, in order; `None` when it is gone.
pub(crate) fn watchlist_hash(conn: &Connection, name: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    let id: Option<i64> = conn
        .query_row("SELECT id FROM watchlist WHERE name = ?1", [name], |r| r.get(0))
        .optional()?;
    let Some(id) = id else { return Ok(None) };
    Ok(Some(rows_hash(
        conn,
        "SELECT w.name, w.source_id, w.grading, w.handling, w.file_name, w.file_sha256, e.key, e.number, \
         e.country, e.status, e.list, e.row_number FROM watchlist w \
         LEFT JOIN watchlist_entry e ON e.watchlist_id = w.id WHERE w.id = ?1 ORDER BY e.id",
        [id],
    )?))
}

/// A source regrading's row.
pub(crate) fn grade_hash(conn: &Connection, id: i64) -> Result<String> {
    rows_hash(
        conn,
        "SELECT id, source_id, reliability, valid_from, reason, recorded_by FROM source_reliability WHERE id = ?1",
        [id],
    )
}

/// A resolution run's row.
pub(crate) fn run_hash(conn: &Connection, id: i64) -> Result<String> {
    rows_hash(
        conn,
        "SELECT id, at, actor, purpose, model, summary FROM resolution_run WHERE id = ?1",
        [id],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_state_is_the_same_in_any_order_and_undoes_a_removal() {
        let mut a = LinkState::default();
        a.add("r1", "i1");
        a.add("r2", "i1");
        let mut b = LinkState::default();
        b.add("r2", "i1");
        b.add("r1", "i1");
        assert_eq!(a, b);
        b.remove("r2", "i1");
        b.add("r2", "i2");
        assert_ne!(a, b);
        b.remove("r2", "i2");
        b.add("r2", "i1");
        assert_eq!(LinkState::parse(&b.hex()), Some(a));
    }

    #[test]
    fn the_link_state_carries_across_limbs_and_removing_everything_gives_zero() {
        let mut s = LinkState::default();
        let links: Vec<(String, String)> = (0..200).map(|i| (format!("r{i}"), format!("i{}", i % 7))).collect();
        for (e, i) in &links {
            s.add(e, i);
        }
        assert_eq!(s.hex().len(), 1024);
        // Removing in another order undoes every carry.
        for (e, i) in links.iter().rev() {
            s.remove(e, i);
        }
        assert_eq!(s, LinkState::default());
        // A limb at its maximum carries into the next.
        let mut m = LinkState::default();
        m.0[0] = u64::MAX;
        m.add("x", "y");
        m.remove("x", "y");
        assert_eq!(m.0[0], u64::MAX);
        assert!(m.0[1..].iter().all(|&l| l == 0));
        assert!(LinkState::parse("00").is_none());
    }
}

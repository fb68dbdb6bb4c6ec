//! Restriction and erasure of records (Directive 2016/680 Art. 5 and 16), and a
//! supervisor's decision to keep a record past its review date.
//!
//! **Erasure** removes a record's values from every table and keeps the evidence
//! verifiable. A statement row leaves `statement` for `statement_erased`, which
//! keeps its ids and its leaf hash (see `evidence.rs`) and nothing of its value, so
//! the batch's evidence hash is still recomputed from stored leaves. What was
//! derived from the record goes with it: its identity links (the mapping's state
//! hash is written anew into the erasure's log entry), its place in the matching
//! index and its population count, review pairs, findings about it (whose leaves
//! stay in `finding_erased` for the same reason) and derived facts based on it.
//! The record row and its entity rows stay: they hold only ids, a record key (the
//! agency's reference) and content hashes that the batch's context hash covers,
//! and they are the tombstone: a re-ingest of the record's key is refused
//! (`RowOutcome::Held`), and so is a row whose content hash (as ingest makes it)
//! equals an erased version's, by a keyed digest kept in `erased_row` (a plain hash
//! of a row could be confirmed by anyone guessing its values; the key is a node
//! secret). Ingest's content hash covers the references between a row's entities,
//! which name the data set and record key, so the digest catches the same values
//! under another key only in rows whose entities do not reference one another;
//! otherwise a re-keyed row is a new record, collected anew, judged as such.
//!
//! The transaction runs with `secure_delete` on, so the cells it frees are zeroed;
//! [`compact`] then checkpoints the write-ahead log to nothing and rebuilds the file
//! (`VACUUM`), so no earlier copy of a page survives anywhere in the file or its WAL.
//!
//! **Restriction** moves the statements to `statement_held`, out of reach of every
//! read path (they all read `statement`), until it is lifted; the DPO reads them
//! through [`held_statements`]. Derived data goes as at erasure and comes back with
//! the next resolution run after the restriction is lifted. Ingest refuses new
//! versions of a restricted record: a frozen record does not change.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::{self, AuditAction, AuditEntry};
use crate::error::{Error, Result};
use crate::evidence::{LinkState, statement_leaf};

pub(crate) const SCHEMA: &str = r#"
CREATE TABLE record_hold (
    record_id INTEGER PRIMARY KEY,
    state     TEXT NOT NULL CHECK (state IN ('restricted', 'erased')),
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL
);
CREATE TABLE statement_held (
    id            INTEGER PRIMARY KEY,
    entity_id     INTEGER NOT NULL,
    version_id    INTEGER NOT NULL,
    prop          TEXT NOT NULL,
    value         TEXT NOT NULL,
    raw           TEXT,
    provenance_id INTEGER NOT NULL
);
CREATE TABLE statement_erased (
    id            INTEGER PRIMARY KEY,
    entity_id     INTEGER NOT NULL,
    version_id    INTEGER NOT NULL,
    provenance_id INTEGER NOT NULL,
    leaf          BLOB NOT NULL
);
CREATE TABLE finding_erased (
    id   INTEGER PRIMARY KEY,
    leaf BLOB NOT NULL
);
CREATE TABLE erased_row (
    digest BLOB PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE retention_keep (
    record_id   INTEGER PRIMARY KEY,
    review_date TEXT NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL
);
"#;

/// What a record is held as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HoldState {
    /// Frozen (Art. 16): readable by the DPO alone until lifted.
    Restricted,
    /// Erased: only a tombstone is left.
    Erased,
}

impl HoldState {
    /// The state a `record_hold.state` value names (the table's check allows only two).
    fn parse(s: &str) -> HoldState {
        if s == "erased" {
            HoldState::Erased
        } else {
            HoldState::Restricted
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            HoldState::Restricted => "restricted",
            HoldState::Erased => "erased",
        }
    }
}

/// A held record, named by its internal id only.
#[derive(Debug, Clone, Serialize)]
pub struct RecordHold {
    pub record: i64,
    pub dataset: String,
    /// The ids of the record's person entities (one source row may name several
    /// people): what the application turns into the opaque ids the DPO sees.
    pub persons: Vec<String>,
    pub state: HoldState,
    pub at: String,
    pub actor: String,
}

/// Who acts, why, and for which purpose: what the log entry of a hold carries.
#[derive(Debug, Clone, Copy)]
pub struct HoldRequest<'a> {
    pub actor: &'a str,
    pub purpose: &'a str,
    /// The legal ground or the request it answers. Kept in the audit log: it should
    /// name a reference, not the person.
    pub reason: &'a str,
    /// Each record's name as the matching index counts it (resolution's name
    /// value, which the store does not compute): its population count is taken
    /// down with the record. Records not named here keep their count.
    pub match_names: &'a [(i64, String)],
}

/// What a restriction, its lifting or an erasure did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HoldReport {
    /// Records changed by this act.
    pub records: usize,
    /// Records that were already in the state asked for.
    pub unchanged: usize,
    pub statements: usize,
    pub identity_links: usize,
    pub findings: usize,
    pub review_pairs: usize,
    pub derived_facts: usize,
    /// After an erasure: whether its record ids reached the erasure journal beside
    /// the store, which restores of older backups read (see `backup.rs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journaled: Option<bool>,
}

/// The keyed digest of a record version's content hash kept for an erased row.
pub(crate) fn row_digest(secret: &[u8], content_hash: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"corridor erased row v1");
    h.update((secret.len() as u64).to_le_bytes());
    h.update(secret);
    h.update(content_hash);
    h.finalize().into()
}

/// The node's secret for erased-row digests (`meta.secret.erasure`), if any row
/// was ever erased.
pub(crate) fn erasure_secret(conn: &Connection) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = 'secret.erasure'", [], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
        .map(String::into_bytes))
}

/// The held state of a record, if any.
pub(crate) fn state_of(conn: &Connection, record: i64) -> Result<Option<HoldState>> {
    let s: Option<String> = conn
        .query_row("SELECT state FROM record_hold WHERE record_id = ?1", [record], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(s.as_deref().map(HoldState::parse))
}

/// The entity ids of every restricted or erased record: what a resolution run or a
/// match computed from an older snapshot must not bring back (see `resolution.rs`).
pub(crate) fn held_entities(conn: &Connection) -> Result<std::collections::HashSet<String>> {
    let mut st = conn.prepare_cached(
        "SELECT d.name, r.key, e.name FROM record_hold h JOIN record r ON r.id = h.record_id \
         JOIN dataset d ON d.id = r.dataset_id JOIN entity_named e ON e.record_id = r.id",
    )?;
    let rows = st.query_map([], |r| {
        Ok(corridor_model::entity_key(
            &r.get::<_, String>(0)?,
            &r.get::<_, String>(1)?,
            &r.get::<_, String>(2)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A record's internal id from its data set and key.
pub(crate) fn record_id(conn: &Connection, dataset: &str, key: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT r.id FROM record r JOIN dataset d ON d.id = r.dataset_id WHERE d.name = ?1 AND r.key = ?2",
            params![dataset, key],
            |r| r.get(0),
        )
        .optional()?)
}

/// The entity ids (`dataset:key:name`) of a record.
fn entity_keys(conn: &Connection, record: i64) -> Result<Vec<(i64, String)>> {
    let mut st = conn.prepare_cached(
        "SELECT e.id, d.name, r.key, e.name FROM entity_named e JOIN record r ON r.id = e.record_id \
         JOIN dataset d ON d.id = r.dataset_id WHERE e.record_id = ?1 ORDER BY e.id",
    )?;
    let rows = st.query_map([record], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            corridor_model::entity_key(
                &r.get::<_, String>(1)?,
                &r.get::<_, String>(2)?,
                &r.get::<_, String>(3)?,
            ),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A statement row with every column.
struct StatementRow {
    id: i64,
    entity_id: i64,
    version_id: i64,
    prop: String,
    value: String,
    raw: Option<String>,
    provenance_id: i64,
}

/// A record's statements in `table` (`statement` or `statement_held`).
fn statements_of(conn: &Connection, table: &str, record: i64) -> Result<Vec<StatementRow>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT s.id, s.entity_id, s.version_id, s.prop, s.value, s.raw, s.provenance_id FROM record_version v \
         JOIN {table} s ON s.id BETWEEN v.first_statement AND v.last_statement WHERE v.record_id = ?1 ORDER BY s.id"
    ))?;
    let rows = st.query_map([record], |r| {
        Ok(StatementRow {
            id: r.get(0)?,
            entity_id: r.get(1)?,
            version_id: r.get(2)?,
            prop: r.get(3)?,
            value: r.get(4)?,
            raw: r.get(5)?,
            provenance_id: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What an act on several records removes once for all of them: one pass over
/// each table rather than one per entity (an erasure of ten thousand records at a
/// million would otherwise scan the review pairs and findings thirty thousand times).
#[derive(Default)]
struct Gone {
    entities: Vec<String>,
    statements: Vec<i64>,
    indexed: Vec<i64>,
    names: Vec<String>,
}

/// Unlinks a record's entities from their identities (the mapping's state hash
/// follows) and notes what else goes with them.
fn unlink(
    tx: &Connection,
    entities: &[(i64, String)],
    names: Vec<String>,
    links: &mut LinkState,
    report: &mut HoldReport,
    gone: &mut Gone,
) -> Result<()> {
    let mut link = tx.prepare_cached("SELECT identity FROM identity_link WHERE entity = ?1")?;
    let mut unlink = tx.prepare_cached("DELETE FROM identity_link WHERE entity = ?1")?;
    let mut match_record = tx.prepare_cached("SELECT id FROM match_record WHERE entity = ?1")?;
    let mut indexed = false;
    for (_, key) in entities {
        if let Some(identity) = link.query_row([key], |r| r.get::<_, String>(0)).optional()? {
            links.remove(key, &identity);
            unlink.execute([key])?;
            report.identity_links += 1;
        }
        if let Some(id) = match_record.query_row([key], |r| r.get::<_, i64>(0)).optional()? {
            gone.indexed.push(id);
            indexed = true;
        }
        gone.entities.push(key.clone());
    }
    // A record's name counts in the index only if the record is in it.
    if indexed {
        gone.names.extend(names);
    }
    Ok(())
}

/// Removes, in one pass per table, what was derived from the noted entities and
/// statements: review pairs, matching-index entries and name counts, findings
/// (their leaves kept when `erase_findings`) and derived facts' words.
fn remove_derived(tx: &Connection, gone: &Gone, erase_findings: bool, report: &mut HoldReport) -> Result<()> {
    // What partners may match shrank: every matching key and prepared tag goes
    // (new keys at the next tag update), so no stale tag set can still find an
    // erased or restricted selector, and no digest of one stays behind.
    crate::hits::forget_matching(tx, None)?;
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS gone_entity (key TEXT PRIMARY KEY) WITHOUT ROWID; \
         CREATE TEMP TABLE IF NOT EXISTS gone_statement (id INTEGER PRIMARY KEY); \
         CREATE TEMP TABLE IF NOT EXISTS gone_match (id INTEGER PRIMARY KEY); \
         DELETE FROM temp.gone_entity; DELETE FROM temp.gone_statement; DELETE FROM temp.gone_match;",
    )?;
    {
        let mut e = tx.prepare_cached("INSERT OR IGNORE INTO temp.gone_entity (key) VALUES (?1)")?;
        for k in &gone.entities {
            e.execute([k])?;
        }
        let mut st = tx.prepare_cached("INSERT OR IGNORE INTO temp.gone_statement (id) VALUES (?1)")?;
        for id in &gone.statements {
            st.execute([id])?;
        }
        let mut m = tx.prepare_cached("INSERT OR IGNORE INTO temp.gone_match (id) VALUES (?1)")?;
        for id in &gone.indexed {
            m.execute([id])?;
        }
    }
    report.review_pairs += tx.execute(
        "DELETE FROM resolution_review WHERE a IN (SELECT key FROM temp.gone_entity) \
         OR b IN (SELECT key FROM temp.gone_entity)",
        [],
    )?;
    if !gone.indexed.is_empty() {
        tx.execute(
            "DELETE FROM match_key WHERE record IN (SELECT id FROM temp.gone_match)",
            [],
        )?;
        tx.execute(
            "DELETE FROM match_record WHERE id IN (SELECT id FROM temp.gone_match)",
            [],
        )?;
        for n in &gone.names {
            let left: Option<i64> = tx
                .query_row(
                    "UPDATE match_name SET count = count - 1 WHERE value = ?1 RETURNING count",
                    [n],
                    |r| r.get(0),
                )
                .optional()?;
            if left.is_some_and(|c| c <= 0) {
                tx.execute("DELETE FROM match_name WHERE value = ?1", [n])?;
            }
            if left.is_some() {
                tx.execute(
                    "UPDATE meta SET value = CAST(CAST(value AS INTEGER) - 1 AS TEXT) WHERE key = 'match_names'",
                    [],
                )?;
            }
        }
    }
    // Findings about the records, or naming them as related: their reasons may
    // carry their document numbers.
    if erase_findings {
        let gone_findings: Vec<(i64, Vec<String>)> = {
            let mut found = tx.prepare(
                "SELECT id, kind, entity, related, reason, origin, found_at, found_by FROM finding f \
                 WHERE f.entity IN (SELECT key FROM temp.gone_entity) \
                 OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(f.related) THEN f.related ELSE '[]' END) j \
                            WHERE j.value IN (SELECT key FROM temp.gone_entity))",
            )?;
            let rows = found.query_map([], |r| {
                let id: i64 = r.get(0)?;
                let t: Vec<String> = (1..8).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?;
                Ok((id, t))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, t) in &gone_findings {
            let parts: Vec<&str> = t.iter().map(String::as_str).collect();
            let leaf = crate::evidence::finding_leaf(*id, &parts);
            tx.execute(
                "INSERT OR REPLACE INTO finding_erased (id, leaf) VALUES (?1, ?2)",
                params![id, &leaf[..]],
            )?;
            tx.execute("DELETE FROM finding WHERE id = ?1", [id])?;
        }
        report.findings += gone_findings.len();
    }
    // Derived facts resting on any of the statements: the row stays (its id is
    // named in the log) without its words, which may describe the person.
    if !gone.statements.is_empty() {
        let ids: Vec<i64> = {
            let mut facts = tx.prepare(
                "SELECT DISTINCT derived_id FROM derived_basis WHERE statement_id IN (SELECT id FROM temp.gone_statement)",
            )?;
            facts
                .query_map([], |r| r.get::<_, i64>(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        for id in &ids {
            tx.execute("DELETE FROM derived_basis WHERE derived_id = ?1", [id])?;
            tx.execute(
                "UPDATE derived_fact SET description = '(erased: it rested on erased records)' WHERE id = ?1",
                [id],
            )?;
        }
        report.derived_facts += ids.len();
    }
    tx.execute_batch("DELETE FROM temp.gone_entity; DELETE FROM temp.gone_statement; DELETE FROM temp.gone_match;")?;
    Ok(())
}

/// The names the matching index counts for `record`, as the caller gave them.
fn names_of(request: &HoldRequest<'_>, record: i64) -> Vec<String> {
    request
        .match_names
        .iter()
        .filter(|(r, _)| *r == record)
        .map(|(_, n)| n.clone())
        .collect()
}

fn current_version(conn: &Connection, record: i64) -> Result<i64> {
    conn.query_row("SELECT current_version FROM record WHERE id = ?1", [record], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| Error::Unknown {
        what: "record",
        name: record.to_string(),
    })
}

fn log_hold(
    tx: &Connection,
    action: AuditAction,
    records: &[i64],
    request: &HoldRequest<'_>,
    report: &HoldReport,
    links: &LinkState,
) -> Result<()> {
    let at = crate::sqlite::now();
    audit::append(
        tx,
        &at,
        &AuditEntry {
            actor: request.actor.into(),
            action,
            target: format!("records:{}", records.len()),
            purpose: request.purpose.into(),
            detail: serde_json::json!({
                "records": records, "reason": request.reason, "report": report, "links_state": links.hex(),
            })
            .to_string(),
        },
    )?;
    Ok(())
}

/// Erases `records` (internal ids) in one transaction; see the module doc.
pub(crate) fn erase(
    conn: &mut Connection,
    records: &[i64],
    request: &HoldRequest<'_>,
    fresh_secret: &str,
) -> Result<HoldReport> {
    conn.pragma_update(None, "secure_delete", "ON")?;
    let tx = crate::sqlite::write_tx(conn)?;
    tx.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('secret.erasure', ?1)",
        [fresh_secret],
    )?;
    let secret = erasure_secret(&tx)?.unwrap_or_default();
    let mut links = crate::resolution::latest_links_state(&tx)?;
    let mut report = HoldReport::default();
    let mut gone = Gone::default();
    let mut changed = Vec::new();
    for &record in records {
        current_version(&tx, record)?;
        let before = state_of(&tx, record)?;
        if before == Some(HoldState::Erased) {
            report.unchanged += 1;
            continue;
        }
        let entities = entity_keys(&tx, record)?;
        let mut rows = statements_of(&tx, "statement", record)?;
        rows.extend(statements_of(&tx, "statement_held", record)?);
        rows.sort_by_key(|s| s.id);
        let names = names_of(request, record);
        let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
        {
            let mut keep = tx.prepare_cached(
                "INSERT INTO statement_erased (id, entity_id, version_id, provenance_id, leaf) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut drop_live = tx.prepare_cached("DELETE FROM statement WHERE id = ?1")?;
            let mut drop_held = tx.prepare_cached("DELETE FROM statement_held WHERE id = ?1")?;
            for s in &rows {
                let leaf = statement_leaf(
                    s.id,
                    s.entity_id,
                    s.version_id,
                    &s.prop,
                    &s.value,
                    s.raw.as_deref(),
                    s.provenance_id,
                );
                keep.execute(params![s.id, s.entity_id, s.version_id, s.provenance_id, &leaf[..]])?;
                drop_live.execute([s.id])?;
                drop_held.execute([s.id])?;
            }
        }
        report.statements += rows.len();
        // A restriction already removed the identity links; erasing finds none, so
        // this is safe in either state.
        unlink(&tx, &entities, names, &mut links, &mut report, &mut gone)?;
        gone.statements.extend(ids);
        {
            let mut hashes = tx.prepare_cached("SELECT content_hash FROM record_version WHERE record_id = ?1")?;
            let mut digest = tx.prepare_cached("INSERT OR IGNORE INTO erased_row (digest) VALUES (?1)")?;
            let hashes: Vec<Vec<u8>> = hashes
                .query_map([record], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for h in hashes {
                digest.execute([&row_digest(&secret, &h)[..]])?;
            }
        }
        tx.execute("DELETE FROM retention_keep WHERE record_id = ?1", [record])?;
        // A rectification's reason may say what was wrong with the value.
        tx.execute("DELETE FROM statement_rectified WHERE record_id = ?1", [record])?;
        set_state(&tx, record, HoldState::Erased, request.actor)?;
        changed.push(record);
        report.records += 1;
    }
    remove_derived(&tx, &gone, true, &mut report)?;
    // Partners the records were disclosed to are told, in this transaction.
    crate::disclosures::note_change(&tx, &changed, "erased")?;
    if !changed.is_empty() {
        log_hold(&tx, AuditAction::RecordErase, &changed, request, &report, &links)?;
    }
    tx.commit()?;
    journal(conn, "erase", &changed, &mut report)?;
    Ok(report)
}

/// Writes an act on `changed` records to the journal a restore replays (see
/// `backup.rs`), noting in the report whether it reached the disk.
fn journal(conn: &Connection, act: &str, changed: &[i64], report: &mut HoldReport) -> Result<()> {
    if changed.is_empty() {
        return Ok(());
    }
    let store = std::path::PathBuf::from(conn.path().unwrap_or_default());
    let mut keyed = Vec::with_capacity(changed.len());
    for &r in changed {
        let (dataset, key): (String, String) = conn.query_row(
            "SELECT d.name, r.key FROM record r JOIN dataset d ON d.id = r.dataset_id WHERE r.id = ?1",
            [r],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        keyed.push((r, crate::backup::key_digest(&dataset, &key)));
    }
    report.journaled = Some(crate::backup::journal_holds(&store, act, &keyed, &crate::sqlite::now()).is_ok());
    Ok(())
}

fn set_state(tx: &Connection, record: i64, state: HoldState, actor: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO record_hold (record_id, state, at, actor) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (record_id) DO UPDATE SET state = excluded.state, at = excluded.at, actor = excluded.actor",
        params![record, state.as_str(), crate::sqlite::now(), actor],
    )?;
    Ok(())
}

/// Restricts `records`: their statements move out of every read path.
pub(crate) fn restrict(conn: &mut Connection, records: &[i64], request: &HoldRequest<'_>) -> Result<HoldReport> {
    // The moved rows' cells are zeroed where they were (see `erase`).
    conn.pragma_update(None, "secure_delete", "ON")?;
    let tx = crate::sqlite::write_tx(conn)?;
    let mut links = crate::resolution::latest_links_state(&tx)?;
    let mut report = HoldReport::default();
    let mut gone = Gone::default();
    let mut changed = Vec::new();
    for &record in records {
        current_version(&tx, record)?;
        if state_of(&tx, record)?.is_some() {
            report.unchanged += 1;
            continue;
        }
        let entities = entity_keys(&tx, record)?;
        let rows = statements_of(&tx, "statement", record)?;
        let names = names_of(request, record);
        let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
        move_statements(&tx, "statement", "statement_held", record)?;
        report.statements += rows.len();
        // Findings and analysts' derived facts stay (neither is shown without its
        // record); identity links, the matching index and review pairs go and are
        // made again by a run after the restriction ends.
        let _ = ids;
        unlink(&tx, &entities, names, &mut links, &mut report, &mut gone)?;
        set_state(&tx, record, HoldState::Restricted, request.actor)?;
        changed.push(record);
        report.records += 1;
    }
    remove_derived(&tx, &gone, false, &mut report)?;
    if !changed.is_empty() {
        log_hold(&tx, AuditAction::RecordRestrict, &changed, request, &report, &links)?;
    }
    tx.commit()?;
    journal(conn, "restrict", &changed, &mut report)?;
    Ok(report)
}

fn move_statements(tx: &Connection, from: &str, to: &str, record: i64) -> Result<usize> {
    let ranges = format!(
        "SELECT s.id FROM record_version v JOIN {from} s ON s.id BETWEEN v.first_statement AND v.last_statement \
         WHERE v.record_id = ?1"
    );
    let moved = tx.execute(
        &format!(
            "INSERT INTO {to} (id, entity_id, version_id, prop, value, raw, provenance_id) \
             SELECT id, entity_id, version_id, prop, value, raw, provenance_id FROM {from} WHERE id IN ({ranges})"
        ),
        [record],
    )?;
    tx.execute(&format!("DELETE FROM {from} WHERE id IN ({ranges})"), [record])?;
    Ok(moved)
}

/// Lifts the restriction of `records`: their statements are read again.
pub(crate) fn lift(conn: &mut Connection, records: &[i64], request: &HoldRequest<'_>) -> Result<HoldReport> {
    let tx = crate::sqlite::write_tx(conn)?;
    let links = crate::resolution::latest_links_state(&tx)?;
    let mut report = HoldReport::default();
    let mut changed = Vec::new();
    for &record in records {
        current_version(&tx, record)?;
        if state_of(&tx, record)? != Some(HoldState::Restricted) {
            report.unchanged += 1;
            continue;
        }
        report.statements += move_statements(&tx, "statement_held", "statement", record)?;
        tx.execute("DELETE FROM record_hold WHERE record_id = ?1", [record])?;
        changed.push(record);
        report.records += 1;
    }
    if !changed.is_empty() {
        log_hold(&tx, AuditAction::RecordLift, &changed, request, &report, &links)?;
    }
    tx.commit()?;
    journal(conn, "lift", &changed, &mut report)?;
    Ok(report)
}

/// Keeps a record until `review_date` (a supervisor's decision at review).
pub(crate) fn keep(
    conn: &mut Connection,
    record: i64,
    review_date: chrono::NaiveDate,
    request: &HoldRequest<'_>,
) -> Result<()> {
    let tx = crate::sqlite::write_tx(conn)?;
    current_version(&tx, record)?;
    if let Some(state) = state_of(&tx, record)? {
        return Err(Error::Held {
            record,
            state: state.as_str(),
        });
    }
    let at = crate::sqlite::now();
    tx.execute(
        "INSERT INTO retention_keep (record_id, review_date, actor, at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (record_id) DO UPDATE SET review_date = excluded.review_date, actor = excluded.actor, at = excluded.at",
        params![record, review_date.to_string(), request.actor, at],
    )?;
    audit::append(
        &tx,
        &at,
        &AuditEntry {
            actor: request.actor.into(),
            action: AuditAction::RetentionKeep,
            target: format!("record:{record}"),
            purpose: request.purpose.into(),
            detail: serde_json::json!({"review_date": review_date.to_string(), "reason": request.reason}).to_string(),
        },
    )?;
    let (dataset, key): (String, String) = tx.query_row(
        "SELECT d.name, r.key FROM record r JOIN dataset d ON d.id = r.dataset_id WHERE r.id = ?1",
        [record],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    tx.commit()?;
    // Journaled as erasures are, so a restore of an older backup keeps the record
    // as long as decided. The decision stands if the journal cannot be written
    // (the store being replaced also holds it, and a restore reads that too).
    let store = std::path::PathBuf::from(conn.path().unwrap_or_default());
    let _ = crate::backup::journal_keep(
        &store,
        record,
        &crate::backup::key_digest(&dataset, &key),
        &review_date.to_string(),
        &at,
    );
    Ok(())
}

/// Every held record.
pub(crate) fn holds(conn: &Connection) -> Result<Vec<RecordHold>> {
    let mut st = conn.prepare(
        "SELECT h.record_id, d.name, h.state, h.at, h.actor, r.key, \
           (SELECT json_group_array(e.name) FROM entity_named e WHERE e.record_id = r.id AND e.schema = 'Person') \
         FROM record_hold h JOIN record r ON r.id = h.record_id \
         JOIN dataset d ON d.id = r.dataset_id ORDER BY h.record_id",
    )?;
    let rows = st.query_map([], |r| {
        let state: String = r.get(2)?;
        let dataset: String = r.get(1)?;
        let key: String = r.get(5)?;
        let names: String = r.get::<_, Option<String>>(6)?.unwrap_or_default();
        let names: Vec<String> = serde_json::from_str(&names).unwrap_or_default();
        Ok(RecordHold {
            record: r.get(0)?,
            persons: names
                .iter()
                .map(|n| corridor_model::entity_key(&dataset, &key, n))
                .collect(),
            dataset,
            state: HoldState::parse(&state),
            at: r.get(3)?,
            actor: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Checkpoints the WAL to nothing and rebuilds the file, so that no copy of an
/// erased page is left in either. Returns whether the WAL was emptied (it is not
/// while another connection reads an older snapshot).
pub(crate) fn compact(conn: &mut Connection) -> Result<bool> {
    let truncate = |conn: &Connection| -> Result<bool> {
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        Ok(busy == 0)
    };
    truncate(conn)?;
    conn.execute_batch("VACUUM")?;
    truncate(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_digest_depends_on_the_secret() {
        let a = row_digest(b"one", b"content");
        assert_ne!(a, row_digest(b"two", b"content"));
        assert_ne!(a, row_digest(b"one", b"other"));
        assert_eq!(a, row_digest(b"one", b"content"));
    }
}

//! Stolen/lost document watchlists and the findings of checks (document fraud
//! today), kept so an analyst sees them with the entity and a check run at ingest
//! is not lost when the terminal closes.
//!
//! The store does not know how document numbers are compared: callers hand it the
//! match key of each entry (`corridor-docs` computes it) and get the entries back.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::audit::{self, AuditEntry};
use crate::error::{Error, Result};
use crate::sqlite::now;

/// A list being imported: where it came from and how it may be handled.
#[derive(Debug, Clone)]
pub struct WatchlistSpec {
    /// Unique per store; importing a list of the same name replaces it.
    pub name: String,
    /// The registered source that supplied the list (`Store::register_source`).
    pub source_id: i64,
    pub grading: corridor_model::Grading,
    pub handling: corridor_model::Handling,
    pub file_name: String,
    pub file_sha256: String,
}

/// One listed document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchlistEntry {
    /// The match key (normalised number) computed by the caller.
    pub key: String,
    /// The number as listed.
    pub number: String,
    /// Issuing state, alpha-3, empty when the list gives none.
    pub country: String,
    /// `stolen`, `lost`, `revoked`, `stolen blank` … as the list says.
    pub status: String,
    /// The list's own sub-list or reference, when it gives one.
    pub list: String,
    /// The entry's row in the imported file (header is row 1).
    pub row: u64,
}

/// A stored list with its provenance and entries.
#[derive(Debug, Clone, Serialize)]
pub struct StoredWatchlist {
    pub id: i64,
    pub name: String,
    pub agency: String,
    pub unit: String,
    pub grading: String,
    pub handling: String,
    pub file_name: String,
    pub file_sha256: String,
    pub imported_at: String,
    pub imported_by: String,
    pub entries: Vec<WatchlistEntry>,
}

/// A finding to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingWrite {
    /// `watchlist`, `mrz_invalid`, `number_reuse` …
    pub kind: String,
    /// The entity it is about (`dataset:record:name`).
    pub entity: String,
    /// Other entities involved.
    pub related: Vec<String>,
    pub reason: String,
}

/// A finding as stored, with when, by whom and by which run it was first found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredFinding {
    pub id: i64,
    pub kind: String,
    pub entity: String,
    pub related: Vec<String>,
    pub reason: String,
    /// `ingest batch 12`, `docs check` …
    pub origin: String,
    pub found_at: String,
    pub found_by: String,
}

pub(crate) fn import_watchlist(
    conn: &mut Connection,
    spec: &WatchlistSpec,
    entries: &[WatchlistEntry],
    actor: &str,
) -> Result<i64> {
    let tx = crate::sqlite::write_tx(conn)?;
    let known: Option<i64> = tx
        .query_row("SELECT 1 FROM source WHERE id = ?1", [spec.source_id], |r| r.get(0))
        .optional()?;
    if known.is_none() {
        return Err(Error::Unknown {
            what: "source",
            name: spec.source_id.to_string(),
        });
    }
    let previous: Option<i64> = tx
        .query_row("SELECT id FROM watchlist WHERE name = ?1", [&spec.name], |r| r.get(0))
        .optional()?;
    if let Some(old) = previous {
        tx.execute("DELETE FROM watchlist_entry WHERE watchlist_id = ?1", [old])?;
        tx.execute("DELETE FROM watchlist WHERE id = ?1", [old])?;
    }
    let at = now();
    tx.execute(
        "INSERT INTO watchlist (name, source_id, grading, handling, file_name, file_sha256, imported_at, imported_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            spec.name,
            spec.source_id,
            spec.grading.to_string(),
            spec.handling.to_string(),
            spec.file_name,
            spec.file_sha256,
            at,
            actor
        ],
    )?;
    let id = tx.last_insert_rowid();
    {
        let mut insert = tx.prepare(
            "INSERT INTO watchlist_entry (watchlist_id, key, number, country, status, list, row_number) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for e in entries {
            insert.execute(params![id, e.key, e.number, e.country, e.status, e.list, e.row as i64])?;
        }
    }
    audit::append(
        &tx,
        &at,
        &AuditEntry {
            actor: actor.into(),
            action: crate::AuditAction::WatchlistImport,
            target: format!("watchlist:{}", spec.name),
            detail: serde_json::json!({
                "evidence": crate::evidence::watchlist_hash(&tx, &spec.name)?,
                "entries": entries.len(),
                "replaced": previous.is_some(),
                "file": spec.file_name,
                "sha256": spec.file_sha256,
            })
            .to_string(),
            ..AuditEntry::default()
        },
    )?;
    tx.commit()?;
    Ok(id)
}

pub(crate) fn watchlists(conn: &Connection) -> Result<Vec<StoredWatchlist>> {
    let mut lists: Vec<StoredWatchlist> = conn
        .prepare(
            "SELECT w.id, w.name, a.node, s.unit, w.grading, w.handling, w.file_name, w.file_sha256, w.imported_at, \
             w.imported_by FROM watchlist w JOIN source s ON s.id = w.source_id JOIN agency a ON a.id = s.agency_id \
             ORDER BY w.name",
        )?
        .query_map([], |r| {
            Ok(StoredWatchlist {
                id: r.get(0)?,
                name: r.get(1)?,
                agency: r.get(2)?,
                unit: r.get(3)?,
                grading: r.get(4)?,
                handling: r.get(5)?,
                file_name: r.get(6)?,
                file_sha256: r.get(7)?,
                imported_at: r.get(8)?,
                imported_by: r.get(9)?,
                entries: Vec::new(),
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT key, number, country, status, list, row_number FROM watchlist_entry WHERE watchlist_id = ?1 ORDER BY id",
    )?;
    for list in &mut lists {
        list.entries = stmt
            .query_map([list.id], |r| {
                Ok(WatchlistEntry {
                    key: r.get(0)?,
                    number: r.get(1)?,
                    country: r.get(2)?,
                    status: r.get(3)?,
                    list: r.get(4)?,
                    row: r.get::<_, i64>(5)? as u64,
                })
            })?
            .collect::<Result<_, _>>()?;
    }
    Ok(lists)
}

/// Stores findings not stored before; returns how many were new.
pub(crate) fn record_findings(
    conn: &mut Connection,
    findings: &[FindingWrite],
    origin: &str,
    actor: &str,
) -> Result<u64> {
    let tx = crate::sqlite::write_tx(conn)?;
    let new = insert_findings(&tx, findings, origin, actor)?;
    tx.commit()?;
    Ok(new)
}

/// Inserts findings inside the caller's transaction (a batch's, at ingest).
pub(crate) fn insert_findings(tx: &Connection, findings: &[FindingWrite], origin: &str, actor: &str) -> Result<u64> {
    let at = now();
    let mut new = 0u64;
    // The new rows' ids: consecutive, under the write lock (a skipped conflict
    // takes no id), so their range names them in the entry.
    let (mut first, mut last): (Option<i64>, i64) = (None, 0);
    // Ids given here, past every finding ever stored: an erased record's findings
    // left the table but their ids stand in the log's ranges (see `hold.rs`).
    let mut next: i64 = tx.query_row(
        "SELECT MAX(COALESCE((SELECT MAX(id) FROM finding), 0), COALESCE((SELECT MAX(id) FROM finding_erased), 0)) + 1",
        [],
        |r| r.get(0),
    )?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO finding (id, kind, entity, related, reason, origin, found_at, found_by) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (entity, kind, reason) DO NOTHING",
        )?;
        for f in findings {
            let related = serde_json::to_string(&f.related)?;
            let n = insert.execute(params![next, f.kind, f.entity, related, f.reason, origin, at, actor])?;
            if n > 0 {
                first.get_or_insert(next);
                last = next;
                next += 1;
            }
            new += n as u64;
        }
    }
    if new > 0 {
        audit::append(
            tx,
            &at,
            &AuditEntry {
                actor: actor.into(),
                action: crate::AuditAction::FindingRecord,
                target: origin.into(),
                detail: serde_json::json!({
                    "new": new, "reported": findings.len(), "first": first, "last": last,
                    "evidence": crate::evidence::findings_hash(tx, first.unwrap_or(0), last)?,
                })
                .to_string(),
                ..AuditEntry::default()
            },
        )?;
    }
    Ok(new)
}

/// Stored findings, about one entity or all of them, oldest first.
pub(crate) fn findings(conn: &Connection, entity: Option<&str>) -> Result<Vec<StoredFinding>> {
    let sql = "SELECT id, kind, entity, related, reason, origin, found_at, found_by FROM finding";
    let map = |r: &rusqlite::Row<'_>| -> rusqlite::Result<(StoredFinding, String)> {
        Ok((
            StoredFinding {
                id: r.get(0)?,
                kind: r.get(1)?,
                entity: r.get(2)?,
                related: Vec::new(),
                reason: r.get(4)?,
                origin: r.get(5)?,
                found_at: r.get(6)?,
                found_by: r.get(7)?,
            },
            r.get(3)?,
        ))
    };
    let rows: Vec<(StoredFinding, String)> = match entity {
        Some(e) => conn
            .prepare(&format!("{sql} WHERE entity = ?1 ORDER BY id"))?
            .query_map([e], map)?
            .collect::<Result<_, _>>()?,
        None => conn
            .prepare(&format!("{sql} ORDER BY id"))?
            .query_map([], map)?
            .collect::<Result<_, _>>()?,
    };
    rows.into_iter()
        .map(|(mut f, related)| {
            f.related = serde_json::from_str(&related).map_err(|e| Error::Corrupt {
                what: "finding",
                value: e.to_string(),
            })?;
            Ok(f)
        })
        .collect()
}

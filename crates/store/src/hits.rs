//! Selector matching with partner nodes, what the store keeps of it: on the
//! responder's side, the matching key per partner and the prepared tags (each
//! with a keyed digest of its selector, so that an update evaluates only what is
//! new and drops what is gone, never storing the selector again); on the
//! requester's side, the partners' tags as received, the queries in flight (their
//! selectors and blindings, needed to finish them) and the hits.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::audit::{self, AuditAction, AuditEntry};
use crate::error::Result;

pub(crate) const SCHEMA: &str = r#"
CREATE TABLE psi_key (
    partner_id INTEGER PRIMARY KEY REFERENCES partner(id),
    key        BLOB NOT NULL
);
CREATE TABLE psi_prepared (
    partner_id INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    digest     BLOB NOT NULL,
    tag        BLOB NOT NULL,
    PRIMARY KEY (partner_id, kind, digest)
) WITHOUT ROWID;
CREATE TABLE partner_tagset (
    partner_id INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    key_id     TEXT NOT NULL,
    made_at    TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (partner_id, kind)
) WITHOUT ROWID;
CREATE TABLE partner_tag (
    partner_id INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    tag        BLOB NOT NULL,
    PRIMARY KEY (partner_id, kind, tag)
) WITHOUT ROWID;
CREATE TABLE hit_query (
    id          INTEGER PRIMARY KEY,
    reference   TEXT NOT NULL UNIQUE,
    partner_id  INTEGER NOT NULL,
    case_name   TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    pending     BLOB,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    answered_at TEXT
);
CREATE TABLE hit (
    query_id  INTEGER NOT NULL REFERENCES hit_query(id),
    value     TEXT NOT NULL,
    reference TEXT NOT NULL
);
CREATE INDEX hit_query_id ON hit(query_id);
"#;

/// What a data-protection officer can check afterwards: which queries held a
/// given selector, by a keyed digest of it (the value itself goes with the
/// query's blindings; the digest names nothing without the node's secret).
pub(crate) const VALUES: &str = r#"
CREATE TABLE hit_query_value (
    query_id INTEGER NOT NULL REFERENCES hit_query(id),
    digest   BLOB NOT NULL
);
CREATE INDEX hit_query_value_digest ON hit_query_value(digest);
"#;

/// A query to a partner, as kept by the requester.
#[derive(Debug, Clone, Serialize)]
pub struct HitQueryRecord {
    pub id: i64,
    pub reference: String,
    pub partner_id: i64,
    pub case_name: String,
    pub purpose: String,
    pub kind: String,
    pub size: i64,
    pub created_by: String,
    pub created_at: String,
    pub answered_at: Option<String>,
    /// The selectors found at the partner, with the partner's reference for each.
    pub hits: Vec<(String, String)>,
}

const QUERY_COLUMNS: &str =
    "id, reference, partner_id, case_name, purpose, kind, size, created_by, created_at, answered_at";

/// A query's row (its hits read apart).
fn query_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HitQueryRecord> {
    Ok(HitQueryRecord {
        id: r.get(0)?,
        reference: r.get(1)?,
        partner_id: r.get(2)?,
        case_name: r.get(3)?,
        purpose: r.get(4)?,
        kind: r.get(5)?,
        size: r.get(6)?,
        created_by: r.get(7)?,
        created_at: r.get(8)?,
        answered_at: r.get(9)?,
        hits: Vec::new(),
    })
}

pub(crate) fn psi_key(conn: &Connection, partner: i64) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row("SELECT key FROM psi_key WHERE partner_id = ?1", [partner], |r| r.get(0))
        .optional()?)
}

pub(crate) fn set_psi_key(conn: &mut Connection, partner: i64, key: &[u8]) -> Result<()> {
    conn.execute(
        "INSERT INTO psi_key (partner_id, key) VALUES (?1, ?2) ON CONFLICT (partner_id) DO NOTHING",
        params![partner, key],
    )?;
    Ok(())
}

/// The digests of the prepared tags of `partner` and `kind`.
pub(crate) fn prepared_digests(conn: &Connection, partner: i64, kind: &str) -> Result<Vec<Vec<u8>>> {
    let mut stmt = conn.prepare_cached("SELECT digest FROM psi_prepared WHERE partner_id = ?1 AND kind = ?2")?;
    let rows = stmt
        .query_map(params![partner, kind], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The digest of the selector whose prepared tag for `partner` and `kind` is
/// `tag`: what a disclosure request names; `None` when no such tag is held now.
pub(crate) fn prepared_digest(conn: &Connection, partner: i64, kind: &str, tag: &[u8]) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT digest FROM psi_prepared WHERE partner_id = ?1 AND kind = ?2 AND tag = ?3",
            params![partner, kind, tag],
            |r| r.get(0),
        )
        .optional()?)
}

/// Adds and removes prepared tags in one transaction; returns every tag now.
pub(crate) fn update_prepared(
    conn: &mut Connection,
    partner: i64,
    kind: &str,
    added: &[(Vec<u8>, Vec<u8>)],
    removed: &[Vec<u8>],
) -> Result<Vec<Vec<u8>>> {
    let tx = crate::sqlite::write_tx(conn)?;
    {
        let mut del =
            tx.prepare_cached("DELETE FROM psi_prepared WHERE partner_id = ?1 AND kind = ?2 AND digest = ?3")?;
        for d in removed {
            del.execute(params![partner, kind, d])?;
        }
        let mut add = tx.prepare_cached(
            "INSERT INTO psi_prepared (partner_id, kind, digest, tag) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        )?;
        for (d, t) in added {
            add.execute(params![partner, kind, d, t])?;
        }
    }
    let tags: Vec<Vec<u8>> = tx
        .prepare("SELECT tag FROM psi_prepared WHERE partner_id = ?1 AND kind = ?2 ORDER BY tag")?
        .query_map(params![partner, kind], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    tx.commit()?;
    Ok(tags)
}

/// Forgets the matching keys and prepared tags of `partner` (of every partner
/// with `None`): the next tag update makes new keys and evaluates anew.
pub(crate) fn forget_matching(tx: &Connection, partner: Option<i64>) -> Result<()> {
    match partner {
        Some(p) => {
            tx.execute("DELETE FROM psi_prepared WHERE partner_id = ?1", [p])?;
            tx.execute("DELETE FROM psi_key WHERE partner_id = ?1", [p])?;
        }
        None => tx.execute_batch("DELETE FROM psi_prepared; DELETE FROM psi_key;")?,
    }
    Ok(())
}

/// A partner's tag set as received: under which key, made when, how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagSet {
    pub key_id: String,
    pub made_at: String,
    pub count: i64,
}

/// Replaces what this node holds of `partner`'s tags of `kind`, unless the set
/// held was made later (`Ok(false)`: an older file read after a newer one).
pub(crate) fn replace_partner_tags(
    conn: &mut Connection,
    partner: i64,
    kind: &str,
    set: &TagSet,
    tags: &[Vec<u8>],
) -> Result<bool> {
    let tx = crate::sqlite::write_tx(conn)?;
    let held: Option<String> = tx
        .query_row(
            "SELECT made_at FROM partner_tagset WHERE partner_id = ?1 AND kind = ?2",
            params![partner, kind],
            |r| r.get(0),
        )
        .optional()?;
    if held.is_some_and(|h| h > set.made_at) {
        return Ok(false);
    }
    tx.execute(
        "INSERT INTO partner_tagset (partner_id, kind, key_id, made_at, count) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (partner_id, kind) DO UPDATE SET key_id = excluded.key_id, made_at = excluded.made_at, count = excluded.count",
        params![partner, kind, set.key_id, set.made_at, set.count],
    )?;
    tx.execute(
        "DELETE FROM partner_tag WHERE partner_id = ?1 AND kind = ?2",
        params![partner, kind],
    )?;
    {
        let mut add = tx.prepare_cached(
            "INSERT INTO partner_tag (partner_id, kind, tag) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        )?;
        for t in tags {
            add.execute(params![partner, kind, t])?;
        }
    }
    tx.commit()?;
    Ok(true)
}

/// The tag set of `kind` received from `partner`, with its tags; `None` before any.
pub(crate) fn partner_tags(conn: &Connection, partner: i64, kind: &str) -> Result<Option<(TagSet, Vec<Vec<u8>>)>> {
    let set: Option<TagSet> = conn
        .query_row(
            "SELECT key_id, made_at, count FROM partner_tagset WHERE partner_id = ?1 AND kind = ?2",
            params![partner, kind],
            |r| {
                Ok(TagSet {
                    key_id: r.get(0)?,
                    made_at: r.get(1)?,
                    count: r.get(2)?,
                })
            },
        )
        .optional()?;
    let Some(set) = set else {
        return Ok(None);
    };
    let rows = conn
        .prepare("SELECT tag FROM partner_tag WHERE partner_id = ?1 AND kind = ?2")?
        .query_map(params![partner, kind], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some((set, rows)))
}

/// A query about to be sent, kept with what finishes it.
#[derive(Debug, Clone)]
pub struct NewHitQuery<'a> {
    pub reference: &'a str,
    pub partner_id: i64,
    pub case_name: &'a str,
    pub purpose: &'a str,
    pub kind: &'a str,
    pub size: i64,
    pub pending: &'a [u8],
    pub actor: &'a str,
    /// Unanswered queries made before this time (RFC 3339) can no longer be
    /// answered (their message expired): their selectors and blindings go.
    pub forget_pending_before: &'a str,
    /// A keyed digest of each selector queried, kept for accountability.
    pub value_digests: &'a [Vec<u8>],
}

/// Keeps a query and logs it (partner, case, purpose, kind, size: not the values).
pub(crate) fn add_query(conn: &mut Connection, q: &NewHitQuery<'_>) -> Result<i64> {
    let tx = crate::sqlite::write_tx(conn)?;
    let at = crate::sqlite::now();
    tx.execute(
        "INSERT INTO hit_query (reference, partner_id, case_name, purpose, kind, size, pending, created_by, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![q.reference, q.partner_id, q.case_name, q.purpose, q.kind, q.size, q.pending, q.actor, at],
    )?;
    let id = tx.last_insert_rowid();
    {
        let mut add = tx.prepare_cached("INSERT INTO hit_query_value (query_id, digest) VALUES (?1, ?2)")?;
        for d in q.value_digests {
            add.execute(params![id, d])?;
        }
    }
    tx.execute(
        "UPDATE hit_query SET pending = NULL \
         WHERE answered_at IS NULL AND pending IS NOT NULL AND created_at < ?1",
        [q.forget_pending_before],
    )?;
    audit::append(
        &tx,
        &at,
        &AuditEntry {
            actor: q.actor.into(),
            action: AuditAction::HitQuery,
            target: format!("partner:{}", q.partner_id),
            purpose: format!("case={}; purpose={}", q.case_name, q.purpose),
            detail: serde_json::json!({"reference": q.reference, "kind": q.kind, "size": q.size}).to_string(),
        },
    )?;
    tx.commit()?;
    Ok(id)
}

/// The query sent under `reference`, with what finishes it (none once answered).
pub(crate) fn query_by_reference(
    conn: &Connection,
    reference: &str,
) -> Result<Option<(HitQueryRecord, Option<Vec<u8>>)>> {
    let found = conn
        .query_row(
            &format!("SELECT {QUERY_COLUMNS}, pending FROM hit_query WHERE reference = ?1"),
            [reference],
            |r| Ok((query_row(r)?, r.get::<_, Option<Vec<u8>>>(10)?)),
        )
        .optional()?;
    let Some((mut q, pending)) = found else {
        return Ok(None);
    };
    q.hits = hits_of(conn, q.id)?;
    Ok(Some((q, pending)))
}

fn hits_of(conn: &Connection, query: i64) -> Result<Vec<(String, String)>> {
    let rows = conn
        .prepare("SELECT value, reference FROM hit WHERE query_id = ?1 ORDER BY rowid")?
        .query_map([query], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Records a query's hits, forgets its blindings, and logs the answer (the
/// number of hits, not the values).
pub(crate) fn answer_query(conn: &mut Connection, query: i64, hits: &[(String, String)], actor: &str) -> Result<()> {
    let tx = crate::sqlite::write_tx(conn)?;
    let at = crate::sqlite::now();
    {
        let mut add = tx.prepare_cached("INSERT INTO hit (query_id, value, reference) VALUES (?1, ?2, ?3)")?;
        for (v, r) in hits {
            add.execute(params![query, v, r])?;
        }
    }
    let changed = tx.execute(
        "UPDATE hit_query SET answered_at = ?1, pending = NULL WHERE id = ?2 AND answered_at IS NULL",
        params![at, query],
    )?;
    if changed != 1 {
        return Err(crate::Error::Exists {
            what: "answer to the query",
            name: query.to_string(),
        });
    }
    let (partner, reference): (i64, String) = tx.query_row(
        "SELECT partner_id, reference FROM hit_query WHERE id = ?1",
        [query],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    audit::append(
        &tx,
        &at,
        &AuditEntry {
            actor: actor.into(),
            action: AuditAction::HitAnswer,
            target: format!("partner:{partner}"),
            purpose: String::new(),
            detail: serde_json::json!({"reference": reference, "hits": hits.len()}).to_string(),
        },
    )?;
    tx.commit()?;
    Ok(())
}

/// Every query of the cases named, newest first, with its hits.
pub(crate) fn queries(conn: &Connection, cases: &[String]) -> Result<Vec<HitQueryRecord>> {
    let mut stmt = conn.prepare(&format!("SELECT {QUERY_COLUMNS} FROM hit_query ORDER BY id DESC"))?;
    let all: Vec<HitQueryRecord> = stmt.query_map([], query_row)?.collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for mut q in all.into_iter().filter(|q| cases.contains(&q.case_name)) {
        q.hits = hits_of(conn, q.id)?;
        out.push(q);
    }
    Ok(out)
}

/// The queries that held the selector whose keyed digest is `digest`, newest
/// first, without their hits (what a data-protection officer may see).
pub(crate) fn queries_with_value(conn: &Connection, digest: &[u8]) -> Result<Vec<HitQueryRecord>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {QUERY_COLUMNS} FROM hit_query WHERE id IN \
         (SELECT query_id FROM hit_query_value WHERE digest = ?1) ORDER BY id DESC"
    ))?;
    let rows = stmt.query_map([digest], query_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

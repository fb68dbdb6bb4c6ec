//! Partner nodes and the sharing agreements with them, the nonces of their
//! messages seen, and the evaluations each has used per day. The store keeps them
//! as the exchange crate hands them over (text it has checked); the checks and the
//! formats are `corridor-exchange`'s, who may manage them is the policy's.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::audit::{self, AuditAction, AuditEntry};
use crate::error::{Error, Result};

pub(crate) const SCHEMA: &str = r#"
CREATE TABLE partner (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    country      TEXT NOT NULL,
    address      TEXT NOT NULL,
    signing_key  TEXT NOT NULL UNIQUE,
    exchange_key TEXT NOT NULL,
    fingerprint  TEXT NOT NULL UNIQUE,
    card         TEXT NOT NULL,
    added_by     TEXT NOT NULL,
    added_at     TEXT NOT NULL,
    revoked_at   TEXT,
    revoked_why  TEXT
);
CREATE TABLE agreement (
    partner_id   INTEGER PRIMARY KEY REFERENCES partner(id),
    terms        TEXT NOT NULL,
    set_by       TEXT NOT NULL,
    set_at       TEXT NOT NULL
);
CREATE TABLE exchange_nonce (
    partner_id INTEGER NOT NULL,
    nonce      TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (partner_id, nonce)
) WITHOUT ROWID;
CREATE INDEX exchange_nonce_at ON exchange_nonce(at);
CREATE TABLE exchange_usage (
    partner_id INTEGER NOT NULL,
    day        TEXT NOT NULL,
    used       INTEGER NOT NULL,
    PRIMARY KEY (partner_id, day)
) WITHOUT ROWID;
"#;

/// A partner as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartnerRecord {
    pub id: i64,
    /// This node's short name for it (an ASCII id).
    pub name: String,
    /// The name on its card.
    pub display_name: String,
    pub country: String,
    pub address: String,
    pub signing_key: String,
    pub exchange_key: String,
    pub fingerprint: String,
    /// The card as received.
    pub card: String,
    pub added_by: String,
    pub added_at: String,
    pub revoked_at: Option<String>,
    pub revoked_why: Option<String>,
    /// The agreement's terms (the exchange crate's JSON), if one is set.
    pub agreement: Option<String>,
}

/// A partner to add (its card checked by the caller).
#[derive(Debug, Clone)]
pub struct NewPartner<'a> {
    pub name: &'a str,
    pub display_name: &'a str,
    pub country: &'a str,
    pub address: &'a str,
    pub signing_key: &'a str,
    pub exchange_key: &'a str,
    pub fingerprint: &'a str,
    pub card: &'a str,
}

const COLUMNS: &str = "p.id, p.name, p.display_name, p.country, p.address, p.signing_key, p.exchange_key, \
     p.fingerprint, p.card, p.added_by, p.added_at, p.revoked_at, p.revoked_why, a.terms";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PartnerRecord> {
    Ok(PartnerRecord {
        id: r.get(0)?,
        name: r.get(1)?,
        display_name: r.get(2)?,
        country: r.get(3)?,
        address: r.get(4)?,
        signing_key: r.get(5)?,
        exchange_key: r.get(6)?,
        fingerprint: r.get(7)?,
        card: r.get(8)?,
        added_by: r.get(9)?,
        added_at: r.get(10)?,
        revoked_at: r.get(11)?,
        revoked_why: r.get(12)?,
        agreement: r.get(13)?,
    })
}

pub(crate) fn add(conn: &mut Connection, p: &NewPartner<'_>, actor: &str) -> Result<i64> {
    let tx = crate::sqlite::write_tx(conn)?;
    let taken: Option<String> = tx
        .query_row(
            "SELECT name FROM partner WHERE name = ?1 OR signing_key = ?2",
            params![p.name, p.signing_key],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(name) = taken {
        return Err(Error::Exists {
            what: "partner (by this name or this key)",
            name,
        });
    }
    let at = crate::sqlite::now();
    tx.execute(
        "INSERT INTO partner (name, display_name, country, address, signing_key, exchange_key, fingerprint, card, added_by, added_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            p.name,
            p.display_name,
            p.country,
            p.address,
            p.signing_key,
            p.exchange_key,
            p.fingerprint,
            p.card,
            actor,
            at
        ],
    )?;
    let id = tx.last_insert_rowid();
    audit::append(
        &tx,
        &at,
        &AuditEntry {
            actor: actor.into(),
            action: AuditAction::PartnerAdd,
            target: format!("partner:{id}"),
            purpose: String::new(),
            detail: serde_json::json!({"name": p.name, "country": p.country, "fingerprint": p.fingerprint}).to_string(),
        },
    )?;
    tx.commit()?;
    Ok(id)
}

pub(crate) fn all(conn: &Connection) -> Result<Vec<PartnerRecord>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM partner p LEFT JOIN agreement a ON a.partner_id = p.id ORDER BY p.name"
    ))?;
    let rows = stmt.query_map([], row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn by_name(conn: &Connection, name: &str) -> Result<Option<PartnerRecord>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM partner p LEFT JOIN agreement a ON a.partner_id = p.id WHERE p.name = ?1"),
            [name],
            row,
        )
        .optional()?)
}

pub(crate) fn by_fingerprint(conn: &Connection, fingerprint: &str) -> Result<Option<PartnerRecord>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM partner p LEFT JOIN agreement a ON a.partner_id = p.id WHERE p.fingerprint = ?1"
            ),
            [fingerprint],
            row,
        )
        .optional()?)
}

pub(crate) fn revoke(conn: &mut Connection, name: &str, why: &str, actor: &str) -> Result<()> {
    let tx = crate::sqlite::write_tx(conn)?;
    let at = crate::sqlite::now();
    let id = in_force(&tx, name)?;
    tx.execute(
        "UPDATE partner SET revoked_at = ?1, revoked_why = ?2 WHERE id = ?3",
        params![at, why, id],
    )?;
    crate::hits::forget_matching(&tx, Some(id))?;
    // Queries still waiting for its answer will never be finished: their
    // selectors and blindings go.
    tx.execute(
        "UPDATE hit_query SET pending = NULL WHERE partner_id = ?1 AND answered_at IS NULL",
        [id],
    )?;
    audit::append(
        &tx,
        &at,
        &AuditEntry {
            actor: actor.into(),
            action: AuditAction::PartnerRevoke,
            target: format!("partner:{id}"),
            purpose: String::new(),
            detail: serde_json::json!({"name": name, "reason": why}).to_string(),
        },
    )?;
    tx.commit()?;
    Ok(())
}

/// The id of the partner `name`, unless unknown or revoked.
fn in_force(conn: &Connection, name: &str) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM partner WHERE name = ?1 AND revoked_at IS NULL",
        [name],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::Unknown {
        what: "partner in force",
        name: name.into(),
    })
}

/// Sets (or replaces) the agreement with the partner `name`; its terms go into
/// the audit entry, so every change of what a partner may ask is on the chain.
pub(crate) fn set_agreement(conn: &mut Connection, name: &str, terms: &str, actor: &str) -> Result<()> {
    let tx = crate::sqlite::write_tx(conn)?;
    let at = crate::sqlite::now();
    let id = in_force(&tx, name)?;
    tx.execute(
        "INSERT INTO agreement (partner_id, terms, set_by, set_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (partner_id) DO UPDATE SET terms = excluded.terms, set_by = excluded.set_by, set_at = excluded.set_at",
        params![id, terms, actor, at],
    )?;
    // The terms may have narrowed: what was prepared under the old ones goes.
    crate::hits::forget_matching(&tx, Some(id))?;
    audit::append(
        &tx,
        &at,
        &AuditEntry {
            actor: actor.into(),
            action: AuditAction::AgreementSet,
            target: format!("partner:{id}"),
            purpose: String::new(),
            detail: terms.into(),
        },
    )?;
    tx.commit()?;
    Ok(())
}

/// Records the nonce of a message from `partner`, kept until `at` (when the
/// message could no longer pass the time check): `false` when it was seen before
/// (a replay). Nonces kept until before `forget_before` (now) are dropped first.
pub(crate) fn remember_nonce(
    conn: &mut Connection,
    partner: i64,
    nonce: &str,
    at: &str,
    forget_before: &str,
) -> Result<bool> {
    let tx = crate::sqlite::write_tx(conn)?;
    tx.execute("DELETE FROM exchange_nonce WHERE at < ?1", [forget_before])?;
    let added = tx.execute(
        "INSERT INTO exchange_nonce (partner_id, nonce, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![partner, nonce, at],
    )?;
    tx.commit()?;
    Ok(added == 1)
}

/// Adds `size` evaluations to what `partner` used on `day` if the total stays
/// within `budget`, in one transaction (two queries at once cannot both slip
/// under it); returns what was used before, or `Err(used)` when over.
pub(crate) fn spend(
    conn: &mut Connection,
    partner: i64,
    day: &str,
    size: u64,
    budget: u64,
) -> Result<std::result::Result<u64, u64>> {
    let tx = crate::sqlite::write_tx(conn)?;
    let used: i64 = tx
        .query_row(
            "SELECT used FROM exchange_usage WHERE partner_id = ?1 AND day = ?2",
            params![partner, day],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    let used = used.max(0) as u64;
    if used.saturating_add(size) > budget {
        return Ok(Err(used));
    }
    tx.execute(
        "INSERT INTO exchange_usage (partner_id, day, used) VALUES (?1, ?2, ?3) \
         ON CONFLICT (partner_id, day) DO UPDATE SET used = excluded.used",
        params![partner, day, (used + size) as i64],
    )?;
    tx.commit()?;
    Ok(Ok(used))
}

/// What `partner` used on `day`.
pub(crate) fn used(conn: &Connection, partner: i64, day: &str) -> Result<u64> {
    let used: Option<i64> = conn
        .query_row(
            "SELECT used FROM exchange_usage WHERE partner_id = ?1 AND day = ?2",
            params![partner, day],
            |r| r.get(0),
        )
        .optional()?;
    Ok(used.unwrap_or(0).max(0) as u64)
}

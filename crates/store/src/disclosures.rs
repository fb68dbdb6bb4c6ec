//! Disclosures after a hit (step 2 of the Prüm model), what the store keeps of
//! them on both sides: the requests this node made (`asked`) and those partners
//! made of it (`received`), with their state, deadline and decision; the records
//! that went out under each (so that an erasure or rectification of one tells
//! the recipient) and the records that came in (so that such a notice finds
//! them); and the notices waiting to be sent.
//!
//! A notice is noted in the same transaction as the erasure or rectification
//! that causes it (`note_change`), so none is lost between the two; it is sealed
//! and sent later, by whoever holds the node key.

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::audit::{self, AuditAction, AuditEntry};
use crate::error::{Error, Result};

pub(crate) const SCHEMA: &str = r#"
CREATE TABLE disclosure (
    id           INTEGER PRIMARY KEY,
    reference    TEXT NOT NULL,
    direction    TEXT NOT NULL CHECK (direction IN ('asked', 'received')),
    partner_id   INTEGER NOT NULL REFERENCES partner(id),
    case_name    TEXT,
    kind         TEXT NOT NULL,
    hit          TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    legal_basis  TEXT NOT NULL,
    officer      TEXT NOT NULL,
    approver     TEXT,
    requested_at TEXT NOT NULL,
    deadline     TEXT NOT NULL,
    state        TEXT NOT NULL,
    decided_by   TEXT,
    decided_at   TEXT,
    reason       TEXT,
    dataset      TEXT,
    UNIQUE (partner_id, direction, reference)
);
CREATE TABLE disclosed_record (
    disclosure_id INTEGER NOT NULL REFERENCES disclosure(id),
    reference     TEXT NOT NULL,
    record_id     INTEGER NOT NULL,
    what          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (disclosure_id, reference)
) WITHOUT ROWID;
CREATE INDEX disclosed_record_record ON disclosed_record(record_id);
CREATE TABLE disclosure_notice (
    id            INTEGER PRIMARY KEY,
    disclosure_id INTEGER NOT NULL REFERENCES disclosure(id),
    change        TEXT NOT NULL,
    reference     TEXT NOT NULL,
    made_at       TEXT NOT NULL,
    sent_at       TEXT
);
"#;

/// A decision's answer as sealed (its body), kept so that it can be sent again
/// when it did not arrive.
pub(crate) const ANSWERS: &str = "ALTER TABLE disclosure ADD COLUMN answer TEXT;";

/// The queries this node answered for partners: a disclosure request must name
/// one, and may not outnumber its selectors (what the partner paid for in its
/// budget); for an identity query, the references answered.
pub(crate) const ANSWERED: &str = r#"
CREATE TABLE answered_query (
    partner_id INTEGER NOT NULL REFERENCES partner(id),
    reference  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    used       INTEGER NOT NULL DEFAULT 0,
    answered   TEXT NOT NULL DEFAULT '[]',
    at         TEXT NOT NULL,
    PRIMARY KEY (partner_id, reference)
) WITHOUT ROWID;
"#;

/// Keeps a query answered for `partner` (the references answered, for identities).
pub(crate) fn record_answered(
    conn: &mut Connection,
    partner: i64,
    reference: &str,
    kind: &str,
    size: i64,
    answered: &[String],
) -> Result<()> {
    let answered = serde_json::to_string(answered).unwrap_or_else(|_| "[]".into());
    conn.execute(
        "INSERT INTO answered_query (partner_id, reference, kind, size, answered, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT DO NOTHING",
        params![partner, reference, kind, size, answered, crate::sqlite::now()],
    )?;
    Ok(())
}

/// Takes one disclosure slot of the query `reference` answered for `partner`,
/// of `kind`: the references answered, or `None` when there is no such query
/// or its slots are used up.
pub(crate) fn take_slot(
    conn: &mut Connection,
    partner: i64,
    reference: &str,
    kind: &str,
) -> Result<Option<Vec<String>>> {
    let tx = crate::sqlite::write_tx(conn)?;
    let changed = tx.execute(
        "UPDATE answered_query SET used = used + 1 WHERE partner_id = ?1 AND reference = ?2 AND kind = ?3 AND used < size",
        params![partner, reference, kind],
    )?;
    if changed != 1 {
        return Ok(None);
    }
    let answered: String = tx.query_row(
        "SELECT answered FROM answered_query WHERE partner_id = ?1 AND reference = ?2",
        params![partner, reference],
        |r| r.get(0),
    )?;
    tx.commit()?;
    Ok(Some(serde_json::from_str(&answered).unwrap_or_default()))
}

/// A disclosure request, as either side keeps it.
#[derive(Debug, Clone, Serialize)]
pub struct DisclosureRecord {
    pub id: i64,
    pub reference: String,
    /// `asked` (this node asked) or `received` (a partner asked this node).
    pub direction: String,
    pub partner_id: i64,
    /// The case that asked (this node's requests only).
    pub case_name: Option<String>,
    pub kind: String,
    /// The owner's opaque reference of the hit.
    pub hit: String,
    pub purpose: String,
    pub legal_basis: String,
    pub officer: String,
    /// Who approves (requests received: the agreement's approver).
    pub approver: Option<String>,
    pub requested_at: String,
    pub deadline: String,
    /// `pending`, `approved`, `approved_in_part`, `refused`, `no_longer_held`;
    /// for this node's requests also `received` once the records are in.
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub reason: Option<String>,
    /// Where the records received were ingested (this node's requests).
    pub dataset: Option<String>,
}

const COLUMNS: &str = "id, reference, direction, partner_id, case_name, kind, hit, purpose, legal_basis, officer, \
     approver, requested_at, deadline, state, decided_by, decided_at, reason, dataset";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DisclosureRecord> {
    Ok(DisclosureRecord {
        id: r.get(0)?,
        reference: r.get(1)?,
        direction: r.get(2)?,
        partner_id: r.get(3)?,
        case_name: r.get(4)?,
        kind: r.get(5)?,
        hit: r.get(6)?,
        purpose: r.get(7)?,
        legal_basis: r.get(8)?,
        officer: r.get(9)?,
        approver: r.get(10)?,
        requested_at: r.get(11)?,
        deadline: r.get(12)?,
        state: r.get(13)?,
        decided_by: r.get(14)?,
        decided_at: r.get(15)?,
        reason: r.get(16)?,
        dataset: r.get(17)?,
    })
}

/// A request to keep.
#[derive(Debug, Clone)]
pub struct NewDisclosure<'a> {
    pub reference: &'a str,
    /// True: this node asked; false: a partner asked this node.
    pub asked: bool,
    pub partner_id: i64,
    pub case_name: Option<&'a str>,
    pub kind: &'a str,
    pub hit: &'a str,
    pub purpose: &'a str,
    pub legal_basis: &'a str,
    pub officer: &'a str,
    pub approver: Option<&'a str>,
    pub deadline: &'a str,
    /// Who is logged as acting (the officer, or "partner node").
    pub actor: &'a str,
}

/// Keeps a request and logs it (partner, kind, reference, purpose, legal basis,
/// deadline: never the hit's value, which this node may not even know).
pub(crate) fn add(conn: &mut Connection, d: &NewDisclosure<'_>) -> Result<i64> {
    let tx = crate::sqlite::write_tx(conn)?;
    let at = crate::sqlite::now();
    let direction = if d.asked { "asked" } else { "received" };
    let inserted = tx.execute(
        "INSERT INTO disclosure (reference, direction, partner_id, case_name, kind, hit, purpose, legal_basis, officer, \
         approver, requested_at, deadline, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'pending') \
         ON CONFLICT DO NOTHING",
        params![
            d.reference,
            direction,
            d.partner_id,
            d.case_name,
            d.kind,
            d.hit,
            d.purpose,
            d.legal_basis,
            d.officer,
            d.approver,
            at,
            d.deadline
        ],
    )?;
    if inserted != 1 {
        return Err(Error::Exists {
            what: "disclosure request",
            name: d.reference.to_string(),
        });
    }
    let id = tx.last_insert_rowid();
    audit::append(
        &tx,
        &at,
        &AuditEntry {
            actor: d.actor.into(),
            action: AuditAction::DisclosureRequest,
            target: format!("partner:{}", d.partner_id),
            purpose: match d.case_name {
                Some(c) => format!("case={c}; purpose={}", d.purpose),
                None => format!("purpose={}", d.purpose),
            },
            detail: serde_json::json!({
                "reference": d.reference, "direction": direction, "kind": d.kind,
                "legal_basis": d.legal_basis, "officer": d.officer, "deadline": d.deadline,
            })
            .to_string(),
        },
    )?;
    tx.commit()?;
    Ok(id)
}

/// The request `reference` of `partner` in `direction` (`asked`, `received`).
pub(crate) fn get(
    conn: &Connection,
    partner: Option<i64>,
    direction: &str,
    reference: &str,
) -> Result<Option<DisclosureRecord>> {
    let found: Vec<DisclosureRecord> = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM disclosure WHERE direction = ?1 AND reference = ?2 AND (?3 IS NULL OR partner_id = ?3)"
        ))?
        .query_map(params![direction, reference, partner], row)?
        .collect::<rusqlite::Result<_>>()?;
    // Two partners could pick the same reference for their requests: without
    // the partner, a reference must name one request.
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.into_iter().next()),
        _ => Err(Error::Exists {
            what: "disclosure request (name the partner)",
            name: reference.to_string(),
        }),
    }
}

/// Every request in `direction`, newest first.
pub(crate) fn list(conn: &Connection, direction: &str) -> Result<Vec<DisclosureRecord>> {
    let rows = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM disclosure WHERE direction = ?1 ORDER BY id DESC"
        ))?
        .query_map([direction], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A record that went out under a disclosure (or came in under one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisclosedRecordRow {
    pub reference: String,
    pub record_id: i64,
    /// What of it went (the owner's side): JSON of (entity, property) pairs.
    pub what: String,
}

/// Decides a request received (while pending): the state, who, why, and the
/// records that go; logged.
pub(crate) fn decide(
    conn: &mut Connection,
    id: i64,
    (state, reason, answer): (&str, &str, &str),
    actor: &str,
    records: &[DisclosedRecordRow],
) -> Result<()> {
    let tx = crate::sqlite::write_tx(conn)?;
    let at = crate::sqlite::now();
    let changed = tx.execute(
        "UPDATE disclosure SET state = ?1, decided_by = ?2, decided_at = ?3, reason = ?4, answer = ?5 \
         WHERE id = ?6 AND state = 'pending'",
        params![state, actor, at, reason, answer, id],
    )?;
    if changed != 1 {
        return Err(Error::Exists {
            what: "decision on the disclosure request",
            name: id.to_string(),
        });
    }
    {
        let mut add = tx.prepare_cached(
            "INSERT INTO disclosed_record (disclosure_id, reference, record_id, what) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for r in records {
            add.execute(params![id, r.reference, r.record_id, r.what])?;
        }
    }
    let (partner, reference): (i64, String) = tx.query_row(
        "SELECT partner_id, reference FROM disclosure WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    audit::append(
        &tx,
        &at,
        &AuditEntry {
            actor: actor.into(),
            action: AuditAction::DisclosureDecide,
            target: format!("partner:{partner}"),
            purpose: format!("disclosure {reference}"),
            detail: serde_json::json!({"reference": reference, "decision": state, "reason": reason, "records": records.len()})
                .to_string(),
        },
    )?;
    tx.commit()?;
    Ok(())
}

/// Records the owner's answer to one of this node's requests: its decision, and
/// the records ingested (data set and records) when it came with them; logged.
pub(crate) fn answered(
    conn: &mut Connection,
    id: i64,
    state: &str,
    reason: &str,
    dataset: Option<&str>,
    records: &[DisclosedRecordRow],
    actor: &str,
) -> Result<()> {
    let tx = crate::sqlite::write_tx(conn)?;
    let at = crate::sqlite::now();
    let changed = tx.execute(
        "UPDATE disclosure SET state = ?1, decided_at = ?2, reason = ?3, dataset = ?4 WHERE id = ?5 AND state = 'pending'",
        params![state, at, reason, dataset, id],
    )?;
    if changed != 1 {
        return Err(Error::Exists {
            what: "answer to the disclosure request",
            name: id.to_string(),
        });
    }
    {
        let mut add = tx.prepare_cached(
            "INSERT INTO disclosed_record (disclosure_id, reference, record_id, what) VALUES (?1, ?2, ?3, '')",
        )?;
        for r in records {
            add.execute(params![id, r.reference, r.record_id])?;
        }
    }
    let (partner, reference, case): (i64, String, Option<String>) = tx.query_row(
        "SELECT partner_id, reference, case_name FROM disclosure WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    audit::append(
        &tx,
        &at,
        &AuditEntry {
            actor: actor.into(),
            action: AuditAction::DisclosureAnswer,
            target: format!("partner:{partner}"),
            purpose: format!("case={}", case.unwrap_or_default()),
            detail: serde_json::json!({"reference": reference, "decision": state, "dataset": dataset, "records": records.len()})
                .to_string(),
        },
    )?;
    tx.commit()?;
    Ok(())
}

/// The records that went out (or came in) under disclosure `id`.
pub(crate) fn records(conn: &Connection, id: i64) -> Result<Vec<DisclosedRecordRow>> {
    let rows = conn
        .prepare("SELECT reference, record_id, what FROM disclosed_record WHERE disclosure_id = ?1 ORDER BY reference")?
        .query_map([id], |r| {
            Ok(DisclosedRecordRow {
                reference: r.get(0)?,
                record_id: r.get(1)?,
                what: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Notes, inside the transaction that erases or rectifies `records`, a notice to
/// every partner any of them was disclosed to.
pub(crate) fn note_change(tx: &Connection, records: &[i64], change: &str) -> Result<()> {
    let at = crate::sqlite::now();
    let mut find = tx.prepare_cached(
        "SELECT r.disclosure_id, r.reference FROM disclosed_record r JOIN disclosure d ON d.id = r.disclosure_id \
         WHERE r.record_id = ?1 AND d.direction = 'received'",
    )?;
    let mut add = tx.prepare_cached(
        "INSERT INTO disclosure_notice (disclosure_id, change, reference, made_at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for &record in records {
        let hits: Vec<(i64, String)> = find
            .query_map([record], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (disclosure, reference) in hits {
            add.execute(params![disclosure, change, reference, at])?;
        }
    }
    Ok(())
}

/// A notice waiting to be sealed and sent.
#[derive(Debug, Clone, Serialize)]
pub struct PendingNotice {
    pub id: i64,
    pub disclosure_id: i64,
    pub disclosure: String,
    pub partner_id: i64,
    pub change: String,
    pub reference: String,
    pub record_id: i64,
    pub what: String,
    pub made_at: String,
}

/// Every notice not yet sent, oldest first.
pub(crate) fn pending_notices(conn: &Connection) -> Result<Vec<PendingNotice>> {
    let rows = conn
        .prepare(
            "SELECT n.id, n.disclosure_id, d.reference, d.partner_id, n.change, n.reference, r.record_id, r.what, n.made_at \
             FROM disclosure_notice n JOIN disclosure d ON d.id = n.disclosure_id \
             JOIN disclosed_record r ON r.disclosure_id = n.disclosure_id AND r.reference = n.reference \
             WHERE n.sent_at IS NULL ORDER BY n.id",
        )?
        .query_map([], |r| {
            Ok(PendingNotice {
                id: r.get(0)?,
                disclosure_id: r.get(1)?,
                disclosure: r.get(2)?,
                partner_id: r.get(3)?,
                change: r.get(4)?,
                reference: r.get(5)?,
                record_id: r.get(6)?,
                what: r.get(7)?,
                made_at: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Marks notices sent, and logs it (per disclosure, the change and how many records).
pub(crate) fn notices_sent(conn: &mut Connection, ids: &[i64], actor: &str) -> Result<()> {
    let tx = crate::sqlite::write_tx(conn)?;
    let at = crate::sqlite::now();
    let mut sent = 0usize;
    {
        let mut mark =
            tx.prepare_cached("UPDATE disclosure_notice SET sent_at = ?1 WHERE id = ?2 AND sent_at IS NULL")?;
        for id in ids {
            sent += mark.execute(params![at, id])?;
        }
    }
    audit::append(
        &tx,
        &at,
        &AuditEntry {
            actor: actor.into(),
            action: AuditAction::DisclosureNotice,
            target: "partners".into(),
            purpose: String::new(),
            detail: serde_json::json!({"sent": sent}).to_string(),
        },
    )?;
    tx.commit()?;
    Ok(())
}

/// Marks one of this node's requests that never reached its partner: no longer
/// pending (it blocks no new request for the hit); logged.
pub(crate) fn undelivered(conn: &mut Connection, id: i64, why: &str, actor: &str) -> Result<()> {
    let tx = crate::sqlite::write_tx(conn)?;
    let at = crate::sqlite::now();
    let changed = tx.execute(
        "UPDATE disclosure SET state = 'undelivered', reason = ?1, decided_at = ?2 \
         WHERE id = ?3 AND direction = 'asked' AND state = 'pending'",
        params![why, at, id],
    )?;
    if changed == 1 {
        let (partner, reference): (i64, String) = tx.query_row(
            "SELECT partner_id, reference FROM disclosure WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        audit::append(
            &tx,
            &at,
            &AuditEntry {
                actor: actor.into(),
                action: AuditAction::DisclosureRequest,
                target: format!("partner:{partner}"),
                purpose: String::new(),
                detail: serde_json::json!({"reference": reference, "undelivered": true}).to_string(),
            },
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The answer body kept for a decided request received (none before a decision).
pub(crate) fn answer_of(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT answer FROM disclosure WHERE id = ?1", [id], |r| r.get(0))?)
}

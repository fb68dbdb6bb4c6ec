//! Export requests and their approval: personal data leaves a node with users only
//! through an export a case member drafted (what, why) and a supervisor of the case
//! approved, produced once by its drafter. The store keeps the requests and logs
//! each step; who may do what is the application's and the policy's.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::audit::{self, AuditAction, AuditEntry};
use crate::error::{Error, Result};

pub(crate) const SCHEMA: &str = r#"
CREATE TABLE export_request (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL,
    what          TEXT NOT NULL,
    justification TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    drafted_by    INTEGER NOT NULL,
    drafted_at    TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'refused', 'produced')),
    decided_by    INTEGER,
    decided_at    TEXT,
    reason        TEXT,
    produced_at   TEXT
);
CREATE INDEX export_request_case ON export_request(case_id);
"#;

/// Where an export request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportState {
    Pending,
    Approved,
    Refused,
    /// Approved and produced (an approval is used once).
    Produced,
}

impl ExportState {
    fn as_str(self) -> &'static str {
        match self {
            ExportState::Pending => "pending",
            ExportState::Approved => "approved",
            ExportState::Refused => "refused",
            ExportState::Produced => "produced",
        }
    }

    fn parse(s: &str) -> Result<ExportState> {
        Ok(match s {
            "pending" => ExportState::Pending,
            "approved" => ExportState::Approved,
            "refused" => ExportState::Refused,
            "produced" => ExportState::Produced,
            other => {
                return Err(Error::Corrupt {
                    what: "export state",
                    value: other.to_string(),
                });
            }
        })
    }
}

/// An export request.
#[derive(Debug, Clone, Serialize)]
pub struct ExportRecord {
    pub id: i64,
    pub case_id: i64,
    /// What is to leave: a description the front end made of the export (kind,
    /// format, scope), compared when it is produced.
    pub what: String,
    pub justification: String,
    pub purpose: String,
    pub drafted_by: i64,
    pub drafted_at: String,
    pub state: ExportState,
    pub decided_by: Option<i64>,
    pub decided_at: Option<String>,
    pub reason: Option<String>,
    pub produced_at: Option<String>,
}

const COLUMNS: &str = "id, case_id, what, justification, purpose, drafted_by, drafted_at, state, decided_by, \
    decided_at, reason, produced_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(ExportRecord, String)> {
    let state: String = r.get(7)?;
    Ok((
        ExportRecord {
            id: r.get(0)?,
            case_id: r.get(1)?,
            what: r.get(2)?,
            justification: r.get(3)?,
            purpose: r.get(4)?,
            drafted_by: r.get(5)?,
            drafted_at: r.get(6)?,
            state: ExportState::Pending,
            decided_by: r.get(8)?,
            decided_at: r.get(9)?,
            reason: r.get(10)?,
            produced_at: r.get(11)?,
        },
        state,
    ))
}

fn finish((mut rec, state): (ExportRecord, String)) -> Result<ExportRecord> {
    rec.state = ExportState::parse(&state)?;
    Ok(rec)
}

fn log(
    tx: &Connection,
    at: &str,
    actor: &str,
    action: AuditAction,
    id: i64,
    purpose: &str,
    detail: serde_json::Value,
) -> Result<()> {
    audit::append(
        tx,
        at,
        &AuditEntry {
            actor: actor.into(),
            action,
            target: format!("export:{id}"),
            purpose: purpose.into(),
            detail: detail.to_string(),
        },
    )?;
    Ok(())
}

/// What a new request says.
#[derive(Debug, Clone, Copy)]
pub struct ExportDraft<'a> {
    pub case_id: i64,
    pub what: &'a str,
    pub justification: &'a str,
    pub purpose: &'a str,
    pub user_id: i64,
    pub actor: &'a str,
}

pub(crate) fn draft(conn: &mut Connection, d: &ExportDraft<'_>) -> Result<i64> {
    let tx = crate::sqlite::write_tx(conn)?;
    let at = crate::sqlite::now();
    tx.execute(
        "INSERT INTO export_request (case_id, what, justification, purpose, drafted_by, drafted_at, state) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending')",
        params![d.case_id, d.what, d.justification, d.purpose, d.user_id, at],
    )?;
    let id = tx.last_insert_rowid();
    log(
        &tx,
        &at,
        d.actor,
        AuditAction::ExportDraft,
        id,
        d.purpose,
        serde_json::json!({"case_id": d.case_id, "what": d.what, "justification": d.justification}),
    )?;
    tx.commit()?;
    Ok(id)
}

pub(crate) fn get(conn: &Connection, id: i64) -> Result<Option<ExportRecord>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM export_request WHERE id = ?1"),
        [id],
        row,
    )
    .optional()?
    .map(finish)
    .transpose()
}

pub(crate) fn of_case(conn: &Connection, case_id: i64) -> Result<Vec<ExportRecord>> {
    let mut st = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM export_request WHERE case_id = ?1 ORDER BY id DESC LIMIT 1000"
    ))?;
    let rows = st.query_map([case_id], row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(finish).collect()
}

/// Moves a request from `from` to `to` (a decision, or its production), logged;
/// false when it was not in state `from` (decided or produced meanwhile).
#[allow(clippy::too_many_arguments)]
pub(crate) fn advance(
    conn: &mut Connection,
    id: i64,
    from: ExportState,
    to: ExportState,
    user_id: i64,
    actor: &str,
    purpose: &str,
    reason: Option<&str>,
) -> Result<bool> {
    let tx = crate::sqlite::write_tx(conn)?;
    let at = crate::sqlite::now();
    let changed = if to == ExportState::Produced {
        tx.execute(
            "UPDATE export_request SET state = ?1, produced_at = ?2 WHERE id = ?3 AND state = ?4",
            params![to.as_str(), at, id, from.as_str()],
        )?
    } else {
        tx.execute(
            "UPDATE export_request SET state = ?1, decided_by = ?2, decided_at = ?3, reason = ?4 WHERE id = ?5 AND state = ?6",
            params![to.as_str(), user_id, at, reason, id, from.as_str()],
        )?
    };
    if changed == 0 {
        return Ok(false);
    }
    let action = match to {
        ExportState::Approved => AuditAction::ExportApprove,
        ExportState::Refused => AuditAction::ExportRefuse,
        _ => AuditAction::ExportProduced,
    };
    log(
        &tx,
        &at,
        actor,
        action,
        id,
        purpose,
        serde_json::json!({"reason": reason, "state": to.as_str()}),
    )?;
    tx.commit()?;
    Ok(true)
}

//! Where resolution's results live: the latest run's record → identity mapping, the
//! pairs it held for review, and analysts' decisions (confirm or reject a pair), each
//! logged with who and why. A run replaces the mapping whole; decisions are only
//! ever appended, and the latest one on a pair is in force.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::audit::{self, AuditEntry};
use crate::error::{Error, Result};
use crate::evidence::{LinkState, decision_leaf};
use crate::sqlite::now;

/// A pair held for review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewPair {
    pub a: String,
    pub b: String,
    pub weight: f64,
    pub probability: f64,
    pub why: String,
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct ResolutionWrite {
    /// The trained model, JSON.
    pub model: String,
    /// Counts and blocking report, JSON.
    pub summary: String,
    /// `(record entity, identity)` for every record resolved.
    pub links: Vec<(String, String)>,
    pub review: Vec<ReviewPair>,
}

/// A stored run.
#[derive(Debug, Clone, Serialize)]
pub struct ResolutionRun {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub purpose: String,
    pub model: String,
    pub summary: String,
}

/// What an analyst decided about a pair of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// The two are one person.
    Confirm,
    /// They are not.
    Reject,
}

impl DecisionKind {
    /// The word stored and logged.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Confirm => "confirm",
            DecisionKind::Reject => "reject",
        }
    }

    fn parse(s: &str) -> Option<DecisionKind> {
        match s {
            "confirm" => Some(DecisionKind::Confirm),
            "reject" => Some(DecisionKind::Reject),
            _ => None,
        }
    }
}

/// An analyst's decision on a pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub id: i64,
    pub a: String,
    pub b: String,
    pub decision: DecisionKind,
    pub reason: String,
    pub actor: String,
    pub at: String,
}

pub(crate) fn record_run(conn: &mut Connection, run: &ResolutionWrite, actor: &str, purpose: &str) -> Result<i64> {
    let tx = crate::sqlite::write_tx(conn)?;
    let at = now();
    tx.execute(
        "INSERT INTO resolution_run (at, actor, purpose, model, summary) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![at, actor, purpose, run.model, run.summary],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute("DELETE FROM identity_link", [])?;
    tx.execute("DELETE FROM resolution_review", [])?;
    // A record restricted or erased while the run computed stays out of it.
    let held = crate::hold::held_entities(&tx)?;
    // The mapping's state hash goes into the run's entry (see `evidence.rs`).
    let mut state = LinkState::default();
    // The mapping goes in sorted by its key, so the table's B-tree only ever grows
    // at its end, and the index on identity is rebuilt once (one sort) instead of
    // taking a hundred thousand random inserts: together half of storing a run.
    tx.execute_batch("DROP INDEX IF EXISTS identity_link_identity")?;
    {
        let mut links: Vec<&(String, String)> = run.links.iter().filter(|(e, _)| !held.contains(e)).collect();
        links.sort_unstable();
        for (entity, identity) in &links {
            state.add(entity, identity);
        }
        let mut link = tx.prepare("INSERT INTO identity_link (entity, identity, run_id) VALUES (?1, ?2, ?3)")?;
        for (entity, identity) in links {
            link.execute(params![entity, identity, id])?;
        }
        let mut review = tx.prepare(
            "INSERT INTO resolution_review (run_id, a, b, weight, probability, why) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for r in run
            .review
            .iter()
            .filter(|r| !held.contains(&r.a) && !held.contains(&r.b))
        {
            review.execute(params![id, r.a, r.b, r.weight, r.probability, r.why])?;
        }
    }
    tx.execute_batch("CREATE INDEX identity_link_identity ON identity_link(identity)")?;
    audit::append(
        &tx,
        &at,
        &AuditEntry {
            actor: actor.into(),
            action: crate::AuditAction::ResolveRun,
            target: format!("resolution:{id}"),
            purpose: purpose.into(),
            detail: with_links_state(&run.summary, &state, &crate::evidence::run_hash(&tx, id)?),
        },
    )?;
    tx.commit()?;
    Ok(id)
}

/// The run's summary (a JSON object) with the mapping's state hash and the run
/// row's hash added.
fn with_links_state(summary: &str, state: &LinkState, run_hash: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(summary) {
        Ok(serde_json::Value::Object(mut o)) => {
            o.insert("links_state".into(), state.hex().into());
            o.insert("run_evidence".into(), run_hash.into());
            serde_json::Value::Object(o).to_string()
        }
        _ => serde_json::json!({"summary": summary, "links_state": state.hex(), "run_evidence": run_hash}).to_string(),
    }
}

/// The mapping's state hash as the latest entry that changed it recorded it; the
/// table's own when no entry did (a store from before these hashes).
pub(crate) fn latest_links_state(conn: &Connection) -> Result<LinkState> {
    let detail: Option<String> = conn
        .query_row(
            "SELECT detail FROM audit WHERE action IN ('resolve.run', 'resolve.incremental', 'record.erase', \
             'record.restrict', 'record.lift') ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let recorded = detail
        .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
        .and_then(|v| v["links_state"].as_str().and_then(LinkState::parse));
    match recorded {
        Some(s) => Ok(s),
        None => LinkState::of_table(conn),
    }
}

pub(crate) fn latest_run(conn: &Connection) -> Result<Option<ResolutionRun>> {
    Ok(conn
        .query_row(
            "SELECT id, at, actor, purpose, model, summary FROM resolution_run ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                Ok(ResolutionRun {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    purpose: r.get(3)?,
                    model: r.get(4)?,
                    summary: r.get(5)?,
                })
            },
        )
        .optional()?)
}

pub(crate) fn links(conn: &Connection) -> Result<Vec<(String, String)>> {
    Ok(conn
        .prepare("SELECT entity, identity FROM identity_link")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?)
}

pub(crate) fn review(conn: &Connection) -> Result<Vec<ReviewPair>> {
    Ok(conn
        .prepare("SELECT a, b, weight, probability, why FROM resolution_review ORDER BY probability DESC, a, b")?
        .query_map([], |r| {
            Ok(ReviewPair {
                a: r.get(0)?,
                b: r.get(1)?,
                weight: r.get(2)?,
                probability: r.get(3)?,
                why: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?)
}

pub(crate) fn decide(
    conn: &mut Connection,
    a: &str,
    b: &str,
    decision: DecisionKind,
    reason: &str,
    actor: &str,
) -> Result<i64> {
    let action = match decision {
        DecisionKind::Confirm => crate::AuditAction::ResolveConfirm,
        DecisionKind::Reject => crate::AuditAction::ResolveReject,
    };
    let decision = decision.as_str();
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    let tx = crate::sqlite::write_tx(conn)?;
    let at = now();
    tx.execute(
        "INSERT INTO resolution_decision (a, b, decision, reason, actor, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![a, b, decision, reason, actor, at],
    )?;
    let id = tx.last_insert_rowid();
    audit::append(
        &tx,
        &at,
        &AuditEntry {
            actor: actor.into(),
            action,
            target: format!("{a} {b}"),
            detail: serde_json::json!({
                "reason": reason, "decision_id": id,
                "evidence": decision_leaf(id, a, b, decision, reason, actor, &at),
            })
            .to_string(),
            ..AuditEntry::default()
        },
    )?;
    tx.commit()?;
    Ok(id)
}

/// The decision in force on each pair (the latest), oldest pair first.
pub(crate) fn decisions(conn: &Connection) -> Result<Vec<Decision>> {
    conn.prepare(
        "SELECT d.id, d.a, d.b, d.decision, d.reason, d.actor, d.at FROM resolution_decision d \
             WHERE d.id = (SELECT MAX(id) FROM resolution_decision x WHERE x.a = d.a AND x.b = d.b) ORDER BY d.id",
    )?
    .query_map([], |r| {
        let word: String = r.get(3)?;
        let decision = DecisionKind::parse(&word).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                3,
                rusqlite::types::Type::Text,
                format!("decision '{word}'").into(),
            )
        })?;
        Ok(Decision {
            id: r.get(0)?,
            a: r.get(1)?,
            b: r.get(2)?,
            decision,
            reason: r.get(4)?,
            actor: r.get(5)?,
            at: r.get(6)?,
        })
    })?
    .map(|row| {
        row.map_err(|e| match e {
            rusqlite::Error::FromSqlConversionFailure(_, _, cause) => Error::Corrupt {
                what: "decision",
                value: cause.to_string(),
            },
            other => other.into(),
        })
    })
    .collect()
}

/// Adds records matched at ingest to the latest run's mapping (and their review
/// pairs), without replacing it. Fails when there is no run to add to.
pub(crate) fn add_links(
    conn: &mut Connection,
    links: &[(String, String)],
    review: &[ReviewPair],
    index: &crate::MatchAdditions,
    origin: &str,
    actor: &str,
) -> Result<()> {
    let tx = crate::sqlite::write_tx(conn)?;
    let run: Option<i64> = tx
        .query_row("SELECT MAX(id) FROM resolution_run", [], |r| r.get(0))
        .optional()?
        .flatten();
    let Some(run) = run else {
        return Err(Error::Unknown {
            what: "resolution run",
            name: "latest".into(),
        });
    };
    let mut state = latest_links_state(&tx)?;
    let held = crate::hold::held_entities(&tx)?;
    {
        let mut old = tx.prepare("SELECT identity FROM identity_link WHERE entity = ?1")?;
        let mut link = tx.prepare(
            "INSERT INTO identity_link (entity, identity, run_id) VALUES (?1, ?2, ?3) \
             ON CONFLICT (entity) DO UPDATE SET identity = excluded.identity, run_id = excluded.run_id",
        )?;
        for (entity, identity) in links.iter().filter(|(e, _)| !held.contains(e)) {
            if let Some(before) = old.query_row([entity], |r| r.get::<_, String>(0)).optional()? {
                state.remove(entity, &before);
            }
            state.add(entity, identity);
            link.execute(params![entity, identity, run])?;
        }
        let mut rev = tx.prepare(
            "INSERT INTO resolution_review (run_id, a, b, weight, probability, why) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for r in review.iter().filter(|r| !held.contains(&r.a) && !held.contains(&r.b)) {
            rev.execute(params![run, r.a, r.b, r.weight, r.probability, r.why])?;
        }
    }
    crate::matching::extend(&tx, run, index)?;
    let at = now();
    audit::append(
        &tx,
        &at,
        &AuditEntry {
            actor: actor.into(),
            action: crate::AuditAction::ResolveIncremental,
            target: origin.into(),
            detail: serde_json::json!({
                "records": links.len(), "review": review.len(), "run": run, "links_state": state.hex(),
            })
            .to_string(),
            ..AuditEntry::default()
        },
    )?;
    tx.commit()?;
    Ok(())
}

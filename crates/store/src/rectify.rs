//! Rectification (Directive 2016/680 Art. 16(1)): a statement found wrong is
//! corrected by a new version of its record, written as a batch of its own (the
//! record's current statements again, the one corrected), so the correction has a
//! batch, evidence and an audit entry like any other data, and the old statement
//! stays as the record's history, marked by a row here naming its replacement,
//! who rectified it, when and why.
//!
//! A re-import of the agency's unchanged file must not undo the correction: ingest
//! treats a row whose content hash is that of a rectified version as unchanged
//! ([`is_rectified_content`]). A row the agency itself changed since is a new
//! version as usual.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::batch::ProvenanceSpec;
use crate::error::{Error, Result};

pub(crate) const SCHEMA: &str = r#"
CREATE TABLE statement_rectified (
    old_id      INTEGER PRIMARY KEY,
    new_id      INTEGER NOT NULL,
    old_version INTEGER NOT NULL,
    record_id   INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    reason      TEXT NOT NULL
);
CREATE INDEX statement_rectified_new ON statement_rectified (new_id);
CREATE INDEX statement_rectified_record ON statement_rectified (record_id);
"#;

/// The agency's row a rectified version stands for: the content hash of the last
/// version the agency sent, carried along a chain of rectifications.
pub(crate) const SOURCE_HASH: &str = "ALTER TABLE statement_rectified ADD COLUMN source_hash BLOB;";

/// Where a statement is: what an application checks (the case's data sets, the
/// reader's clearance, the property's type) before it asks for a rectification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementOrigin {
    pub statement: i64,
    /// `dataset:record:name`.
    pub entity: String,
    pub schema: String,
    pub prop: String,
    pub dataset: String,
    /// Whether it is of its record's current version (not history).
    pub current: bool,
    pub handling: corridor_model::HandlingCode,
}

/// A request to correct one statement.
#[derive(Debug, Clone)]
pub struct RectifyRequest<'a> {
    pub statement: i64,
    /// The corrected value, already cleaned for the property's type.
    pub value: &'a str,
    pub actor: &'a str,
    pub purpose: &'a str,
    pub reason: &'a str,
}

/// What a rectification wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rectified {
    /// The statement corrected (now history) and the one that corrects it.
    pub old: i64,
    pub new: i64,
    /// The batch that holds the record's new version.
    pub batch: i64,
    pub entity: String,
}

/// One rectification, as shown beside the statements it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rectification {
    pub old: i64,
    pub new: i64,
    pub by: String,
    pub at: String,
    pub reason: String,
}

pub(crate) fn origin(conn: &Connection, statement: i64) -> Result<Option<StatementOrigin>> {
    let row = conn
        .query_row(
            "SELECT d.name, r.key, e.name, e.schema, s.prop, s.version_id = r.current_version, p.handling \
             FROM statement s JOIN entity_named e ON e.id = s.entity_id JOIN record r ON r.id = e.record_id \
             JOIN dataset d ON d.id = r.dataset_id JOIN provenance p ON p.id = s.provenance_id WHERE s.id = ?1",
            [statement],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, bool>(5)?,
                    r.get::<_, String>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((dataset, key, name, schema, prop, current, handling)) = row else {
        return Ok(None);
    };
    Ok(Some(StatementOrigin {
        statement,
        entity: corridor_model::entity_key(&dataset, &key, &name),
        schema,
        prop,
        dataset,
        current,
        handling: handling.parse().map_err(crate::read::corrupt("handling code"))?,
    }))
}

/// The statement to correct, with what the new version needs: its record's id,
/// data set, key, current version and content hash.
pub(crate) struct Target {
    pub record: i64,
    pub dataset: String,
    pub key: String,
    pub version: i64,
    pub hash: Vec<u8>,
    pub source_id: i64,
}

pub(crate) fn target(conn: &Connection, statement: i64) -> Result<Target> {
    let row = conn
        .query_row(
            "SELECT r.id, d.name, r.key, s.version_id, r.current_version, r.current_hash, p.source_id \
             FROM statement s JOIN entity e ON e.id = s.entity_id JOIN record r ON r.id = e.record_id \
             JOIN dataset d ON d.id = r.dataset_id JOIN provenance p ON p.id = s.provenance_id WHERE s.id = ?1",
            [statement],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, Vec<u8>>(5)?,
                    r.get::<_, i64>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((record, dataset, key, version, current, hash, source_id)) = row else {
        return Err(Error::Unknown {
            what: "statement",
            name: statement.to_string(),
        });
    };
    if version != current {
        return Err(Error::Unknown {
            what: "current statement",
            name: format!("{statement} (it is history: an older version of its record; rectify the current one)"),
        });
    }
    Ok(Target {
        record,
        dataset,
        key,
        version,
        hash,
        source_id,
    })
}

/// One statement of the record's current version, as a new version writes it
/// again.
pub(crate) struct CurrentRow {
    pub id: i64,
    /// The entity's name in the mapping and its schema.
    pub entity: String,
    pub schema: String,
    pub prop: String,
    pub value: String,
    pub raw: Option<String>,
    pub provenance: ProvenanceSpec,
}

pub(crate) fn current_rows(conn: &Connection, version: i64) -> Result<Vec<CurrentRow>> {
    let mut st = conn.prepare(
        "SELECT s.id, e.name, e.schema, s.prop, s.value, s.raw, p.source_id, p.grading, p.handling, p.restriction, \
         p.tlp, p.assessment FROM statement s JOIN entity_named e ON e.id = s.entity_id \
         JOIN provenance p ON p.id = s.provenance_id WHERE s.version_id = ?1 ORDER BY s.id",
    )?;
    let rows = st.query_map([version], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, i64>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, String>(8)?,
            r.get::<_, String>(9)?,
            r.get::<_, String>(10)?,
            r.get::<_, String>(11)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, entity, schema, prop, value, raw, source_id, grading, code, restriction, tlp, assessment) = row?;
        out.push(CurrentRow {
            id,
            entity,
            schema,
            prop,
            value,
            raw,
            provenance: ProvenanceSpec {
                source_id,
                grading: grading.parse().map_err(crate::read::corrupt("grading"))?,
                handling: crate::read::handling(&code, &restriction, &tlp)?,
                assessment: assessment.parse().map_err(crate::read::corrupt("assessment"))?,
            },
        });
    }
    Ok(out)
}

/// Marks `old` as corrected by `new` (inside the rectification's transaction).
pub(crate) fn mark(
    conn: &Connection,
    old: i64,
    new: i64,
    target: &Target,
    actor: &str,
    at: &str,
    reason: &str,
) -> Result<()> {
    // A version that is itself a rectification stands for the agency's row its
    // own mark names; otherwise for its own content.
    let carried: Option<Vec<u8>> = conn
        .query_row(
            "SELECT sr.source_hash FROM statement_rectified sr JOIN statement s ON s.id = sr.new_id \
             WHERE sr.record_id = ?1 AND s.version_id = ?2 AND sr.source_hash IS NOT NULL LIMIT 1",
            params![target.record, target.version],
            |r| r.get(0),
        )
        .optional()?;
    let source = carried.unwrap_or_else(|| target.hash.clone());
    conn.execute(
        "INSERT INTO statement_rectified (old_id, new_id, old_version, record_id, actor, at, reason, source_hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![old, new, target.version, target.record, actor, at, reason, source],
    )?;
    Ok(())
}

/// The rectifications that name any of `statements`, as the old or the new one.
pub(crate) fn rectifications(conn: &Connection, statements: &[i64]) -> Result<Vec<Rectification>> {
    let mut out = Vec::new();
    let mut st = conn.prepare_cached(
        "SELECT old_id, new_id, actor, at, reason FROM statement_rectified WHERE old_id = ?1 OR new_id = ?1",
    )?;
    for &id in statements {
        let rows = st.query_map([id], |r| {
            Ok(Rectification {
                old: r.get(0)?,
                new: r.get(1)?,
                by: r.get(2)?,
                at: r.get(3)?,
                reason: r.get(4)?,
            })
        })?;
        for r in rows {
            out.push(r?);
        }
    }
    out.sort_by_key(|r| (r.old, r.new));
    out.dedup();
    Ok(out)
}

/// Whether `hash` is the agency's row that the record's current version, a
/// rectification, stands for: the agency's unchanged row, which must not undo the
/// correction. Only the current version counts: after the agency sent a changed
/// row, its old row again is a change like any other.
pub(crate) fn is_rectified_content(conn: &Connection, record: i64, hash: &[u8]) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM statement_rectified sr JOIN statement s ON s.id = sr.new_id \
             JOIN record r ON r.id = sr.record_id \
             WHERE sr.record_id = ?1 AND s.version_id = r.current_version AND sr.source_hash = ?2)",
        )?
        .query_row(params![record, hash], |r| r.get(0))?)
}

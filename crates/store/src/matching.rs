//! The matching index: every resolved person record's blocking keys and the
//! population's name counts, kept with the latest resolution run.
//!
//! Matching a record at ingest needs its candidates (the records sharing a blocking
//! key), their identities' other members (for the guards), and how common its name
//! is. Rebuilding that from every record took 38.8 s and 4.2 GiB for one new record
//! against a million; with the keys stored and indexed, it is a few lookups and the
//! reading of a few identities. The index belongs to one run (`meta.match_run`):
//! written after the run, extended in the same transaction as each match at ingest,
//! and not used once another run has replaced it without one.
//!
//! Keys are integers ([`corridor_resolve`]'s `match_key`: rule and key hash), the
//! records are numbered in `match_record` so that the key table holds integers only
//! (fifteen keys a record, a million records).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

/// A block of the index: how many records hold a key (counted up to the limit
/// asked for), and which when there are fewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchBlock {
    pub key: i64,
    pub count: usize,
    /// The records holding the key (person entity ids); empty when `count` reached
    /// the limit.
    pub records: Vec<String>,
}

/// What a match at ingest adds to the index, with its links.
#[derive(Debug, Clone, Default)]
pub struct MatchAdditions {
    /// The key format the index must be in for these to be added.
    pub format: String,
    /// Too many to add one by one (a batch of a million records): the index is
    /// set aside instead, unused until the next run writes it whole.
    pub set_aside: bool,
    /// Each new or changed record with its current keys.
    pub records: Vec<(String, Vec<i64>)>,
    /// The name value of each new record that has one.
    pub names: Vec<String>,
}

pub(crate) const SCHEMA: &str = r#"
CREATE TABLE match_record (
    id     INTEGER PRIMARY KEY,
    entity TEXT NOT NULL UNIQUE
);
CREATE TABLE match_key (
    key    INTEGER NOT NULL,
    record INTEGER NOT NULL,
    PRIMARY KEY (key, record)
) WITHOUT ROWID;
CREATE TABLE match_name (
    value TEXT PRIMARY KEY,
    count INTEGER NOT NULL
) WITHOUT ROWID;
"#;

/// The run the index belongs to, if it was written in key format `format`.
pub(crate) fn index_run(conn: &Connection, format: &str) -> Result<Option<i64>> {
    let meta = |key: &str| -> Result<Option<String>> {
        Ok(conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| {
                r.get::<_, String>(0)
            })
            .optional()?)
    };
    if meta("match_format")?.as_deref() != Some(format) {
        return Ok(None);
    }
    Ok(meta("match_run")?.and_then(|v| v.parse().ok()))
}

/// Replaces the index with that of run `run`, its keys made in format `format`.
pub(crate) fn replace(
    conn: &mut Connection,
    run: i64,
    format: &str,
    records: &mut dyn Iterator<Item = (String, Vec<i64>)>,
    names: &mut dyn Iterator<Item = (String, u32)>,
) -> Result<()> {
    let tx = crate::sqlite::write_tx(conn)?;
    tx.execute_batch(
        "DELETE FROM meta WHERE key IN ('match_run', 'match_names', 'match_format'); DELETE FROM match_key; \
         DELETE FROM match_record; DELETE FROM match_name;",
    )?;
    let mut total_names: u64 = 0;
    let mut pairs: Vec<(i64, i64)> = Vec::new();
    // Records restricted or erased since the run read its snapshot stay out.
    let held = crate::hold::held_entities(&tx)?;
    {
        let mut record = tx.prepare("INSERT INTO match_record (id, entity) VALUES (?1, ?2)")?;
        for (i, (entity, keys)) in records.filter(|(e, _)| !held.contains(e)).enumerate() {
            let id = i as i64 + 1;
            record.execute(params![id, entity])?;
            pairs.extend(keys.into_iter().map(|k| (k, id)));
        }
        // In key order, so the key table only grows at its end.
        pairs.sort_unstable();
        pairs.dedup();
        let mut key = tx.prepare("INSERT INTO match_key (key, record) VALUES (?1, ?2)")?;
        for (k, r) in pairs {
            key.execute(params![k, r])?;
        }
        let mut name = tx.prepare("INSERT INTO match_name (value, count) VALUES (?1, ?2)")?;
        let mut names: Vec<(String, u32)> = names.collect();
        names.sort_unstable();
        for (value, count) in names {
            total_names += u64::from(count);
            name.execute(params![value, count])?;
        }
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('match_run', ?1), ('match_names', ?2), ('match_format', ?3)",
        params![run.to_string(), total_names.to_string(), format],
    )?;
    tx.commit()?;
    Ok(())
}

/// Adds the records matched at ingest, and the current keys of records whose
/// values changed (inside that match's transaction). A changed record keeps its
/// old keys too: they can only bring it up as a candidate it no longer is, scored
/// on its current values (removing them would need an index by record, paid at
/// every run); the next run writes the index anew.
pub(crate) fn extend(tx: &rusqlite::Transaction<'_>, run: i64, add: &MatchAdditions) -> Result<()> {
    if index_run(tx, &add.format)? != Some(run) {
        return Ok(());
    }
    if add.set_aside {
        tx.execute("DELETE FROM meta WHERE key = 'match_run'", [])?;
        return Ok(());
    }
    if add.records.is_empty() && add.names.is_empty() {
        return Ok(());
    }
    let mut record = tx.prepare(
        "INSERT INTO match_record (entity) VALUES (?1) ON CONFLICT (entity) DO UPDATE SET entity = excluded.entity \
         RETURNING id",
    )?;
    let mut key = tx.prepare("INSERT INTO match_key (key, record) VALUES (?1, ?2) ON CONFLICT DO NOTHING")?;
    let held = crate::hold::held_entities(tx)?;
    for (entity, keys) in add.records.iter().filter(|(e, _)| !held.contains(e)) {
        let id: i64 = record.query_row([entity], |r| r.get(0))?;
        for k in keys {
            key.execute(params![k, id])?;
        }
    }
    let mut name = tx.prepare(
        "INSERT INTO match_name (value, count) VALUES (?1, 1) ON CONFLICT (value) DO UPDATE SET count = count + 1",
    )?;
    for n in &add.names {
        name.execute([n])?;
    }
    tx.execute(
        "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + ?1 AS TEXT) WHERE key = 'match_names'",
        [add.names.len() as i64],
    )?;
    Ok(())
}

/// The blocks of `keys`, each with its limit: the records holding it where fewer
/// than the limit, and how many (counted up to the limit).
pub(crate) fn blocks(conn: &Connection, keys: &[(i64, usize)]) -> Result<Vec<MatchBlock>> {
    let mut members = conn.prepare_cached(
        "SELECT r.entity FROM match_key k JOIN match_record r ON r.id = k.record WHERE k.key = ?1 LIMIT ?2",
    )?;
    let mut out = Vec::with_capacity(keys.len());
    for &(key, limit) in keys {
        let mut records = members
            .query_map(params![key, limit as i64], |r| r.get::<_, String>(0))?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let count = records.len();
        if count >= limit {
            records.clear();
        }
        out.push(MatchBlock { key, count, records });
    }
    Ok(out)
}

/// The population's count of each of `values` as a name, and the number of
/// records with a name.
pub(crate) fn name_counts(conn: &Connection, values: &[String]) -> Result<(HashMap<String, u32>, u32)> {
    let total: u32 = conn
        .query_row("SELECT value FROM meta WHERE key = 'match_names'", [], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut stmt = conn.prepare_cached("SELECT count FROM match_name WHERE value = ?1")?;
    let mut counts = HashMap::new();
    for v in values {
        if let Some(c) = stmt.query_row([v], |r| r.get::<_, u32>(0)).optional()? {
            counts.insert(v.clone(), c);
        }
    }
    Ok((counts, total))
}

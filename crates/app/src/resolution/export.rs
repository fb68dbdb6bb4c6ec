//! Exports of resolution's results: the record → identity mapping, the flat person
//! table resolution compares, and the scored pairs of a run. Personal data leaves
//! the store: each is logged as an export before a row is handed out.

use std::collections::HashMap;

use corridor_resolve::Record;
use corridor_store::{AuditEntry, Store};
use serde::Serialize;

use super::load::records as load_records;
use crate::error::{Error, Result};
use crate::session::Session;

/// One line of the identity export.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct IdentityRow<'a> {
    pub agency: &'a str,
    pub dataset: &'a str,
    pub record_id: &'a str,
    pub entity: &'a str,
    pub identity: &'a str,
}

fn log_export(store: &mut dyn Store, session: &Session, target: &str, detail: serde_json::Value) -> Result<()> {
    store.log_access(&AuditEntry {
        actor: session.actor().into(),
        action: corridor_store::AuditAction::Export,
        target: target.into(),
        purpose: session.purpose().into(),
        detail: detail.to_string(),
    })?;
    Ok(())
}

/// The identity of every person record, then of the phones, documents, vehicles,
/// vessels and organisations resolved by their selectors, handed to `each` one row
/// at a time (a million rows are not held twice). `format` names what the rows are
/// written as, for the log.
pub fn export_identities(
    store: &mut dyn Store,
    session: &Session,
    format: &str,
    each: &mut dyn FnMut(IdentityRow<'_>) -> std::io::Result<()>,
) -> Result<usize> {
    let links = store.identity_links()?;
    if links.is_empty() {
        return Err(Error::NotFound("no resolution yet: resolve the records first".into()));
    }
    // Only the persons' ids and origins are needed, not their values (at a million
    // records reading the values was most of the export).
    let persons = store.entity_origins(&["Person"])?;
    let agency_of: HashMap<String, String> = store
        .sources()?
        .into_iter()
        .flat_map(|s| {
            let agency = s.source.agency.clone();
            s.datasets.into_iter().map(move |d| (d, agency.clone()))
        })
        .collect();
    log_export(
        store,
        session,
        "resolution",
        serde_json::json!({"format": format, "records": links.len()}),
    )?;
    let identity_of: HashMap<&str, &str> = links.iter().map(|(e, i)| (e.as_str(), i.as_str())).collect();
    let person_ids: std::collections::HashSet<&str> = persons.iter().map(|p| p.id.as_str()).collect();
    let mut rows = 0;
    for p in &persons {
        each(IdentityRow {
            agency: &p.agency,
            dataset: &p.dataset,
            record_id: &p.record_id,
            entity: &p.id,
            identity: identity_of.get(p.id.as_str()).copied().unwrap_or_default(),
        })
        .map_err(Error::Output)?;
        rows += 1;
    }
    let mut things: Vec<&(String, String)> = links.iter().filter(|(e, _)| !person_ids.contains(e.as_str())).collect();
    // The store lists the mapping by entity; sorting is for a store that does not.
    if !things.is_sorted() {
        things.sort_unstable();
    }
    for (entity, identity) in things {
        let (dataset, rest) = entity.split_once(':').unwrap_or(("", entity));
        let record = rest.rsplit_once(':').map_or(rest, |(r, _)| r);
        each(IdentityRow {
            agency: agency_of.get(dataset).map_or("", String::as_str),
            dataset,
            record_id: record,
            entity,
            identity,
        })
        .map_err(Error::Output)?;
        rows += 1;
    }
    Ok(rows)
}

/// The flat person table: what resolution compares, for another tool to read.
pub fn export_records(store: &mut dyn Store, session: &Session, format: &str) -> Result<Vec<Record>> {
    let records = load_records(store, session)?;
    log_export(
        store,
        session,
        "resolution records",
        serde_json::json!({"format": format, "records": records.len()}),
    )?;
    Ok(records)
}

/// A run's scored candidate pairs, for threshold sweeps: logged as an export to
/// `destination` (a file name, for the log) before they are handed out.
pub fn scored_pairs<'r>(
    store: &mut dyn Store,
    session: &Session,
    outcome: &'r super::RunOutcome,
    destination: &str,
) -> Result<impl Iterator<Item = (&'r Record, &'r Record, f64, f64)> + use<'r>> {
    let scored = &outcome.resolution.scored;
    log_export(
        store,
        session,
        &format!("resolution pairs to {destination}"),
        serde_json::json!({"pairs": scored.len()}),
    )?;
    let records = &outcome.records;
    Ok(scored
        .iter()
        .map(move |s| (&records[s.a as usize], &records[s.b as usize], s.weight, s.probability)))
}

//! Matching at ingest: records that arrive after a resolution are matched against
//! it at once, with its model and settings, and added to it.

use std::collections::HashMap;

use corridor_resolve::{Features, Model, Record, TermFrequencies};
use corridor_store::{ReviewPair, Store};
use serde::Serialize;

use super::load::records as load_records;
use super::settings::RunSettings;
use crate::error::{Error, Result};
use crate::session::Session;

/// The most review pairs one new record adds at ingest.
const REVIEW_PER_RECORD: usize = 5;

/// What matching at ingest did.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum IngestMatch {
    /// No resolution yet: the next run resolves the batch.
    NoResolution,
    /// The batch holds no person.
    NoPersons,
    /// The latest run's model is of an older version: the next run resolves them.
    ModelOutdated { reason: String },
    Matched {
        /// Person records that were not yet resolved.
        new_records: usize,
        /// Of those, how many joined an existing identity.
        joined: usize,
        held_for_review: usize,
    },
}

/// Matches the records that are not resolved yet (a batch just ingested) against the
/// latest resolution, with its model and settings, and adds them to it.
pub fn match_new_records(store: &mut dyn Store, session: &Session, batch: i64) -> Result<IngestMatch> {
    let Some(run) = store.latest_resolution()? else {
        return Ok(IngestMatch::NoResolution);
    };
    // A batch without persons (a phone download, a payments file) changes no person's
    // identity: skip reading the whole store.
    if store
        .entities_of_batch(batch, "Person", session.actor(), session.purpose())?
        .is_empty()
    {
        return Ok(IngestMatch::NoPersons);
    }
    let origin = format!("ingest batch {batch}");
    let model: Model = serde_json::from_str(&run.model)
        .map_err(|_| Error::Integrity("the stored resolution model does not parse: the store was changed".into()))?;
    if let Err(e) = model.check_levels() {
        // The batch is stored; its persons are resolved by the next run.
        return Ok(IngestMatch::ModelOutdated { reason: e.to_string() });
    }
    let links: HashMap<String, String> = store.identity_links()?.into_iter().collect();
    let records = load_records(store, session)?;
    let (known, new): (Vec<usize>, Vec<usize>) = (0..records.len()).partition(|&i| links.contains_key(&records[i].id));
    if new.is_empty() {
        return Ok(IngestMatch::Matched {
            new_records: 0,
            joined: 0,
            held_for_review: 0,
        });
    }
    let features: Vec<Features> = Features::of_all(&records);
    // The latest run's thresholds and each rule's block limit, so that matching at
    // ingest finds and joins what that run would have.
    let settings = RunSettings::of_summary(&run.summary);
    let summary: serde_json::Value = serde_json::from_str(&run.summary).unwrap_or_default();
    let mut index = corridor_resolve::Index::new(
        model,
        corridor_resolve::default_rules(),
        settings.policy(),
        TermFrequencies::of(&features),
    );
    if let Some(reports) = summary["blocking"].as_array() {
        // Matched by rule name: a rule the run did not have keeps no limit.
        let limits: Vec<usize> = corridor_resolve::default_rules()
            .iter()
            .map(|rule| {
                reports
                    .iter()
                    .find(|r| r["rule"].as_str() == Some(rule.name.as_str()))
                    .and_then(|r| r["block_limit"].as_u64())
                    .map_or(usize::MAX, |l| l as usize)
            })
            .collect();
        index.set_block_limits(&limits);
    }
    for d in store.decisions()? {
        if d.decision == corridor_store::DecisionKind::Reject {
            index.reject(&d.a, &d.b);
        }
    }
    // Each record's features, computed once above, handed to the index.
    let mut features: Vec<Option<Features>> = features.into_iter().map(Some).collect();
    let mut take = |i: usize| features[i].take().unwrap_or_else(|| Features::of(&records[i]));
    // Each identity's first record first, so the others join it.
    let (roots, rest): (Vec<usize>, Vec<usize>) = known
        .iter()
        .partition(|&&i| links.get(&records[i].id) == Some(&records[i].id));
    for &i in roots.iter().chain(&rest) {
        let f = take(i);
        index.insert_resolved_with(&records[i], f, &links[&records[i].id]);
    }
    let mut joined = 0;
    let mut review = Vec::new();
    let order: Vec<&Record> = roots.iter().chain(&rest).chain(&new).map(|&i| &records[i]).collect();
    for &i in &new {
        let r = &records[i];
        let added = index.add_with(r, take(i));
        joined += usize::from(!added.joined.is_empty());
        // One review pair per identity the record was held from, the most probable
        // first, and a few at most: a file re-keying records already resolved (new
        // ids for the same rows) once held fourteen million pairs.
        let mut held: Vec<(String, f64, String)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut candidates = added.review;
        candidates.sort_by(|x, y| y.1.total_cmp(&x.1));
        for (other, p, why) in candidates {
            let identity = links.get(&other).cloned().unwrap_or_else(|| other.clone());
            if seen.insert(identity) && held.len() < REVIEW_PER_RECORD {
                held.push((other, p, why.name().to_string()));
            }
        }
        review.extend(held.into_iter().map(|(other, p, why)| ReviewPair {
            a: r.id.clone(),
            b: other,
            weight: 0.0,
            probability: p,
            why,
        }));
    }
    let changed: Vec<(String, String)> = order
        .iter()
        .zip(index.identities())
        .filter(|(r, identity)| links.get(&r.id) != Some(identity))
        .map(|(r, identity)| (r.id.clone(), identity))
        .collect();
    store.add_identity_links(&changed, &review, &origin, session.actor())?;
    Ok(IngestMatch::Matched {
        new_records: new.len(),
        joined,
        held_for_review: review.len(),
    })
}

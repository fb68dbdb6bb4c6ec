//! Matching at ingest: records that arrive after a resolution are matched against
//! it at once, with its model and settings, and added to it.

use std::collections::{HashMap, HashSet};

use corridor_resolve::{Features, Model, Record, TermFrequencies};
use corridor_store::{MatchAdditions, ReviewPair, Store};
use serde::Serialize;

use super::load::{SCHEMATA, records as load_records};
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

/// Batches with at most this many persons are matched through the store's matching
/// index (reading only their candidates' identities); larger ones read every
/// record once, which is then cheaper than a lookup per record.
const TARGETED_UP_TO: usize = 20_000;

/// Blocks with this many records or more are not compared (the batch run's largest
/// block limit is below it): their members are not read.
const BLOCK_CAP: usize = 2_000;

/// Matches the records that are not resolved yet (a batch just ingested) against the
/// latest resolution, with its model and settings, and adds them to it.
pub fn match_new_records(store: &mut dyn Store, session: &Session, batch: i64) -> Result<IngestMatch> {
    let Some(run) = store.latest_resolution()? else {
        return Ok(IngestMatch::NoResolution);
    };
    // A batch without persons (a phone download, a payments file) changes no person's
    // identity: skip reading the whole store.
    let persons = store.entities_of_batch(batch, "Person", session.actor(), session.purpose())?;
    if persons.is_empty() {
        return Ok(IngestMatch::NoPersons);
    }
    let model: Model = serde_json::from_str(&run.model)
        .map_err(|_| Error::Integrity("the stored resolution model does not parse: the store was changed".into()))?;
    if let Err(e) = model.check_levels() {
        // The batch is stored; its persons are resolved by the next run.
        return Ok(IngestMatch::ModelOutdated { reason: e.to_string() });
    }
    let matcher = Matcher {
        origin: format!("ingest batch {batch}"),
        model,
        summary: run.summary.clone(),
        indexed: store.match_index_run()? == Some(run.id),
    };
    if matcher.indexed && persons.len() <= TARGETED_UP_TO {
        let ids: Vec<String> = persons.into_iter().map(|p| p.id).collect();
        matcher.targeted(store, session, &ids)
    } else {
        matcher.everything(store, session)
    }
}

/// What matching at ingest continues: the latest run's model and settings.
struct Matcher {
    origin: String,
    model: Model,
    summary: String,
    /// Whether the store's matching index is the latest run's.
    indexed: bool,
}

/// A record to match or to index, with its features.
struct Prepared {
    record: Record,
    features: Features,
}

impl Matcher {
    /// Every person record read, the new ones matched against all the others.
    fn everything(&self, store: &mut dyn Store, session: &Session) -> Result<IngestMatch> {
        let links: HashMap<String, String> = store.identity_links()?.into_iter().collect();
        let records = load_records(store, session)?;
        let features: Vec<Features> = Features::of_all(&records);
        let tf = TermFrequencies::of(&features);
        let (mut known, mut new) = (Vec::new(), Vec::new());
        for (record, features) in records.into_iter().zip(features) {
            let p = Prepared { record, features };
            if links.contains_key(&p.record.id) {
                known.push(p);
            } else {
                new.push(p);
            }
        }
        self.resolve(store, session, known, new, &links, tf, HashMap::new())
    }

    /// The new records of the batch (`persons`, entity ids) matched against the
    /// identities of their candidates alone, found through the matching index.
    fn targeted(&self, store: &mut dyn Store, session: &Session, persons: &[String]) -> Result<IngestMatch> {
        let mut keys = corridor_resolve::FeatureBuilder::default();
        let rows = store.values_of_records(persons, &SCHEMATA, session.actor(), session.purpose())?;
        let wanted: HashSet<&str> = persons.iter().map(String::as_str).collect();
        let batch: Vec<Record> = rows
            .iter()
            .flat_map(|row| corridor_resolve::records_from_values(row))
            .filter(|r| wanted.contains(r.id.as_str()))
            .collect();
        let ids: Vec<String> = batch.iter().map(|r| r.id.clone()).collect();
        let resolved: HashSet<String> = store.identities_of(&ids)?.into_iter().map(|(e, _)| e).collect();
        let new: Vec<Prepared> = batch
            .into_iter()
            .filter(|r| !resolved.contains(&r.id))
            .map(|record| Prepared {
                features: keys.features(&record),
                record,
            })
            .collect();
        if new.is_empty() {
            return self.resolve(
                store,
                session,
                Vec::new(),
                new,
                &HashMap::new(),
                TermFrequencies::default(),
                HashMap::new(),
            );
        }
        // The candidates: every record sharing a block small enough to compare.
        let rules = corridor_resolve::default_rules();
        let mut all_keys: Vec<i64> = new
            .iter()
            .flat_map(|p| corridor_resolve::match_keys(&rules, &p.features))
            .collect();
        all_keys.sort_unstable();
        all_keys.dedup();
        let mut unindexed = HashMap::new();
        let mut candidates: Vec<String> = Vec::new();
        for block in store.match_blocks(&all_keys, BLOCK_CAP)? {
            if block.count >= BLOCK_CAP {
                unindexed.insert(block.key, block.count);
            }
            candidates.extend(block.records);
        }
        candidates.sort_unstable();
        candidates.dedup();
        // Their identities, whole: the guards weigh every member.
        let identities: Vec<String> = store.identities_of(&candidates)?.into_iter().map(|(_, i)| i).collect();
        let links: HashMap<String, String> = store.identity_members(&identities)?.into_iter().collect();
        let members: Vec<String> = links.keys().cloned().collect();
        let rows = if members.is_empty() {
            Vec::new()
        } else {
            store.values_of_records(&members, &SCHEMATA, session.actor(), session.purpose())?
        };
        let known: Vec<Prepared> = rows
            .iter()
            .flat_map(|row| corridor_resolve::records_from_values(row))
            .filter(|r| links.contains_key(&r.id))
            .map(|record| Prepared {
                features: keys.features(&record),
                record,
            })
            .collect();
        // How common each new record's name is in the population, the batch counted.
        let mut names: Vec<String> = new.iter().filter_map(|p| p.features.name_value.clone()).collect();
        let (mut counts, total) = store.name_counts(&names)?;
        for n in names.drain(..) {
            *counts.entry(n).or_default() += 1;
        }
        let with_name = new.iter().filter(|p| p.features.name_value.is_some()).count() as u32;
        let tf = TermFrequencies::from_counts(counts, total + with_name);
        self.resolve(store, session, known, new, &links, tf, unindexed)
    }

    /// Indexes `known` under their identities (`links`), adds `new` one by one, and
    /// stores what changed with the review pairs and the new records' keys.
    #[allow(clippy::too_many_arguments)]
    fn resolve(
        &self,
        store: &mut dyn Store,
        session: &Session,
        known: Vec<Prepared>,
        new: Vec<Prepared>,
        links: &HashMap<String, String>,
        tf: TermFrequencies,
        unindexed: HashMap<i64, usize>,
    ) -> Result<IngestMatch> {
        if new.is_empty() {
            return Ok(IngestMatch::Matched {
                new_records: 0,
                joined: 0,
                held_for_review: 0,
            });
        }
        // The latest run's thresholds and each rule's block limit, so that matching at
        // ingest finds and joins what that run would have.
        let settings = RunSettings::of_summary(&self.summary);
        let summary: serde_json::Value = serde_json::from_str(&self.summary).unwrap_or_default();
        let rules = corridor_resolve::default_rules();
        let mut index = corridor_resolve::Index::new(self.model.clone(), rules.clone(), settings.policy(), tf);
        if let Some(reports) = summary["blocking"].as_array() {
            // Matched by rule name: a rule the run did not have keeps no limit.
            let limits: Vec<usize> = rules
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
        index.set_unindexed(unindexed);
        for d in store.decisions()? {
            if d.decision == corridor_store::DecisionKind::Reject {
                index.reject(&d.a, &d.b);
            }
        }
        // Each identity's first record first, so the others join it.
        let (roots, rest): (Vec<Prepared>, Vec<Prepared>) = known
            .into_iter()
            .partition(|p| links.get(&p.record.id) == Some(&p.record.id));
        let mut order: Vec<String> = Vec::new();
        for p in roots.into_iter().chain(rest) {
            order.push(p.record.id.clone());
            index.insert_resolved_with(&p.record, p.features, &links[&p.record.id]);
        }
        let new_records = new.len();
        let mut joined = 0;
        let mut review = Vec::new();
        let mut additions = MatchAdditions::default();
        for p in new {
            let r = &p.record;
            if self.indexed {
                additions
                    .records
                    .push((r.id.clone(), corridor_resolve::match_keys(&rules, &p.features)));
                additions.names.extend(p.features.name_value.clone());
            }
            order.push(r.id.clone());
            let added = index.add_with(r, p.features);
            joined += usize::from(!added.joined.is_empty());
            // One review pair per identity the record was held from, the most probable
            // first, and a few at most: a file re-keying records already resolved (new
            // ids for the same rows) once held fourteen million pairs.
            let mut held: Vec<(String, f64, String)> = Vec::new();
            let mut seen = HashSet::new();
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
            .filter(|(id, identity)| links.get(*id) != Some(identity))
            .map(|(id, identity)| (id.clone(), identity))
            .collect();
        store.add_identity_links(&changed, &review, &additions, &self.origin, session.actor())?;
        Ok(IngestMatch::Matched {
            new_records,
            joined,
            held_for_review: review.len(),
        })
    }
}

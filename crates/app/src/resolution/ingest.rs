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

/// The latest run's model, as stored; what to say when it no longer parses.
pub(crate) fn stored_model(run: &corridor_store::ResolutionRun) -> Result<Model> {
    serde_json::from_str(&run.model).map_err(|_| {
        Error::Integrity(
            "the stored resolution model does not parse: the store was changed outside Corridor; check the \
             audit log, then run resolution again to replace the model"
                .into(),
        )
    })
}

/// Matches the records that are not resolved yet (a batch just ingested) against the
/// latest resolution, with its model and settings, and adds them to it.
pub fn match_new_records(store: &mut dyn Store, session: &Session, batch: i64) -> Result<IngestMatch> {
    let Some(run) = store.latest_resolution()? else {
        return Ok(IngestMatch::NoResolution);
    };
    // A batch without persons (a phone download, a payments file) changes no person's
    // identity: skip reading the whole store.
    let persons = store.entity_ids_of_batch(batch, "Person")?;
    if persons.is_empty() {
        return Ok(IngestMatch::NoPersons);
    }
    let model = stored_model(&run)?;
    if let Err(e) = model.check_levels() {
        // The batch is stored; its persons are resolved by the next run.
        return Ok(IngestMatch::ModelOutdated { reason: e.to_string() });
    }
    let rules = corridor_resolve::default_rules();
    let format = corridor_resolve::match_format(&rules);
    let indexed = store.match_index_run(&format)? == Some(run.id);
    let matcher = Matcher::new(
        format!("ingest batch {batch}"),
        model,
        &run.summary,
        rules,
        format,
        indexed,
    );
    if indexed && persons.len() <= TARGETED_UP_TO {
        matcher.targeted(store, session, &persons)
    } else {
        matcher.everything(store, session, &persons)
    }
}

/// More records than this (fifteen keys each) are not added to the matching index
/// one by one: it is set aside until the next run writes it whole.
fn set_aside_if_large(additions: &mut MatchAdditions) {
    if additions.records.len() > TARGETED_UP_TO {
        additions.set_aside = true;
        additions.records.clear();
        additions.names.clear();
    }
}

/// What matching at ingest continues: the latest run's model, settings and block
/// limits.
struct Matcher {
    origin: String,
    model: Model,
    settings: RunSettings,
    rules: Vec<corridor_resolve::Rule>,
    /// Each rule's block limit in the run (none for a rule it did not have).
    limits: Vec<usize>,
    /// The key format of the matching index.
    format: String,
    /// Whether the store's matching index is the latest run's.
    indexed: bool,
}

/// A record to match or to index, with its features and, when resolved, its
/// identity.
struct Prepared {
    record: Record,
    features: Features,
    identity: Option<String>,
}

impl Matcher {
    fn new(
        origin: String,
        model: Model,
        summary: &str,
        rules: Vec<corridor_resolve::Rule>,
        format: String,
        indexed: bool,
    ) -> Matcher {
        let parsed: serde_json::Value = serde_json::from_str(summary).unwrap_or_default();
        // Matched by rule name: a rule the run did not have keeps no limit.
        let limits = rules
            .iter()
            .map(|rule| {
                parsed["blocking"]
                    .as_array()
                    .and_then(|reports| reports.iter().find(|r| r["rule"].as_str() == Some(rule.name.as_str())))
                    .and_then(|r| r["block_limit"].as_u64())
                    .map_or(usize::MAX, |l| l as usize)
            })
            .collect();
        Matcher {
            origin,
            model,
            settings: RunSettings::of_summary(summary),
            rules,
            limits,
            format,
            indexed,
        }
    }

    /// The largest block of the rule a key belongs to that is compared.
    fn block_limit(&self, key: i64) -> usize {
        let rule = (key as u64 >> 56) as usize;
        self.limits
            .get(rule)
            .copied()
            .unwrap_or(usize::MAX)
            .min(corridor_resolve::MAX_BLOCK)
    }

    /// Every person record read, the new ones matched against all the others.
    fn everything(&self, store: &mut dyn Store, session: &Session, batch: &[String]) -> Result<IngestMatch> {
        let links: HashMap<String, String> = store.identity_links()?.into_iter().collect();
        let records = load_records(store, session)?;
        let features: Vec<Features> = Features::of_all(&records);
        let tf = TermFrequencies::of(&features);
        let in_batch: HashSet<&str> = batch.iter().map(String::as_str).collect();
        let (mut known, mut new, mut changed) = (Vec::new(), Vec::new(), Vec::new());
        for (record, features) in records.into_iter().zip(features) {
            let identity = links.get(&record.id).cloned();
            if identity.is_some() && in_batch.contains(record.id.as_str()) {
                changed.push((record.id.clone(), corridor_resolve::match_keys(&self.rules, &features)));
            }
            let p = Prepared {
                record,
                features,
                identity,
            };
            if p.identity.is_some() {
                known.push(p);
            } else {
                new.push(p);
            }
        }
        self.resolve(store, session, known, new, changed, tf, HashSet::new())
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
        // Records already resolved whose values may have changed: their keys are
        // replaced in the index (they are not matched again; the next run does that).
        let mut changed = Vec::new();
        let mut new = Vec::new();
        for record in batch {
            let features = keys.features(&record);
            if resolved.contains(&record.id) {
                changed.push((record.id, corridor_resolve::match_keys(&self.rules, &features)));
            } else {
                new.push(Prepared {
                    record,
                    features,
                    identity: None,
                });
            }
        }
        if new.is_empty() {
            return self.resolve(
                store,
                session,
                Vec::new(),
                new,
                changed,
                TermFrequencies::default(),
                HashSet::new(),
            );
        }
        // The candidates: every record sharing a block small enough to compare.
        let mut all_keys: Vec<i64> = new
            .iter()
            .flat_map(|p| corridor_resolve::match_keys(&self.rules, &p.features))
            .collect();
        all_keys.sort_unstable();
        all_keys.dedup();
        let asked: Vec<(i64, usize)> = all_keys.iter().map(|&k| (k, self.block_limit(k))).collect();
        let mut skipped = HashSet::new();
        let mut candidates: Vec<String> = Vec::new();
        for (block, &(_, limit)) in store.match_blocks(&asked)?.into_iter().zip(&asked) {
            if block.count >= limit {
                skipped.insert(block.key);
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
            .filter_map(|record| {
                let identity = links.get(&record.id)?.clone();
                Some(Prepared {
                    features: keys.features(&record),
                    record,
                    identity: Some(identity),
                })
            })
            .collect();
        // How common each new record's name is in the population, the batch counted
        // (as a run over every record would count it).
        let names: Vec<String> = new.iter().filter_map(|p| p.features.name_value.clone()).collect();
        let (mut counts, total) = store.name_counts(&names)?;
        let with_name = names.len() as u32;
        for n in names {
            *counts.entry(n).or_default() += 1;
        }
        let tf = TermFrequencies::from_counts(counts, total + with_name);
        self.resolve(store, session, known, new, changed, tf, skipped)
    }

    /// Indexes `known` under their identities, adds `new` one by one, and stores
    /// what changed with the review pairs, the new records' keys and the current
    /// keys of `changed` (records of the batch already resolved).
    #[allow(clippy::too_many_arguments)]
    fn resolve(
        &self,
        store: &mut dyn Store,
        session: &Session,
        known: Vec<Prepared>,
        new: Vec<Prepared>,
        changed: Vec<(String, Vec<i64>)>,
        tf: TermFrequencies,
        skipped: HashSet<i64>,
    ) -> Result<IngestMatch> {
        let mut additions = MatchAdditions {
            format: self.format.clone(),
            set_aside: false,
            records: if self.indexed { changed } else { Vec::new() },
            names: Vec::new(),
        };
        let new_records = new.len();
        let mut joined = 0;
        let mut review = Vec::new();
        let mut order: Vec<(String, Option<String>)> = Vec::new();
        if !new.is_empty() {
            let mut index =
                corridor_resolve::Index::new(self.model.clone(), self.rules.clone(), self.settings.policy(), tf);
            index.set_block_limits(&self.limits);
            index.skip_blocks(skipped);
            for d in store.decisions()? {
                if d.decision == corridor_store::DecisionKind::Reject {
                    index.reject(&d.a, &d.b);
                }
            }
            // Each identity's first record first, so the others join it.
            let (roots, rest): (Vec<Prepared>, Vec<Prepared>) = known
                .into_iter()
                .partition(|p| p.identity.as_deref() == Some(p.record.id.as_str()));
            for p in roots.into_iter().chain(rest) {
                let identity = p.identity.clone().unwrap_or_else(|| p.record.id.clone());
                index.insert_resolved_with(&p.record, p.features, &identity);
                order.push((p.record.id, Some(identity)));
            }
            let identity_of: HashMap<String, String> = order
                .iter()
                .filter_map(|(r, i)| Some((r.clone(), i.clone()?)))
                .collect();
            for p in new {
                let r = &p.record;
                if self.indexed {
                    additions
                        .records
                        .push((r.id.clone(), corridor_resolve::match_keys(&self.rules, &p.features)));
                    additions.names.extend(p.features.name_value.clone());
                }
                order.push((r.id.clone(), None));
                let added = index.add_with(r, p.features);
                joined += usize::from(!added.joined.is_empty());
                // One review pair per identity the record was held from, the most
                // probable first, and a few at most: a file re-keying records already
                // resolved (new ids for the same rows) once held fourteen million pairs.
                let mut held: Vec<(String, f64, String)> = Vec::new();
                let mut seen = HashSet::new();
                let mut candidates = added.review;
                candidates.sort_by(|x, y| y.1.total_cmp(&x.1));
                for (other, p, why) in candidates {
                    let identity = identity_of.get(&other).cloned().unwrap_or_else(|| other.clone());
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
            set_aside_if_large(&mut additions);
            let links: Vec<(String, String)> = order
                .into_iter()
                .zip(index.identities())
                .filter(|((_, before), identity)| before.as_ref() != Some(identity))
                .map(|((id, _), identity)| (id, identity))
                .collect();
            store.add_identity_links(&links, &review, &additions, &self.origin, session.actor())?;
        } else if !additions.records.is_empty() {
            set_aside_if_large(&mut additions);
            store.add_identity_links(&[], &[], &additions, &self.origin, session.actor())?;
        }
        Ok(IngestMatch::Matched {
            new_records,
            joined,
            held_for_review: review.len(),
        })
    }
}

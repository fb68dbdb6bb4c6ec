//! A resolution run, an analyst's decision (which re-runs as the latest run ran),
//! an explanation of one pair, the review queue and the latest run's status.

use corridor_resolve::{Features, Model, Record, Resolution, TermFrequencies};
use corridor_store::{ResolutionRun, ResolutionWrite, ReviewPair, Store};
use serde::Serialize;

use super::load::{Loaded, load, records as load_records};
use super::settings::RunSettings;
use crate::error::{Error, Result};
use crate::session::Session;

/// What a run produced: the resolution and the records it resolved, in order.
#[derive(Debug)]
pub struct RunOutcome {
    pub resolution: Resolution,
    pub records: Vec<Record>,
}

/// Resolves every person record with the decisions in force and stores the run
/// (logged with the session). `model` replaces training; `keep_all_scores` keeps
/// every scored pair (for [`super::scored_pairs`]).
pub fn run(
    store: &mut dyn Store,
    session: &Session,
    settings: &RunSettings,
    model: Option<Model>,
    keep_all_scores: bool,
) -> Result<RunOutcome> {
    if let Some(m) = &model {
        m.check_levels().map_err(|e| Error::BadInput(e.to_string()))?;
    }
    let started = std::time::Instant::now();
    let loaded = load(store, session, true, true)?;
    let read = started.elapsed().as_secs_f64();
    let read_peak = corridor_resolve::peak_memory_mib();
    let mut resolution = resolve_loaded(
        store,
        session,
        settings,
        model,
        keep_all_scores,
        &loaded.records,
        loaded.features,
        &loaded.links,
    )?;
    resolution.timings.insert(
        0,
        corridor_resolve::Phase {
            phase: "reading the store and features",
            seconds: read,
            peak_mib: read_peak,
        },
    );
    Ok(RunOutcome {
        resolution,
        records: loaded.records,
    })
}

/// Resolves loaded records with the decisions in force and stores the run.
#[allow(clippy::too_many_arguments)]
fn resolve_loaded(
    store: &mut dyn Store,
    session: &Session,
    settings: &RunSettings,
    model: Option<Model>,
    keep_all_scores: bool,
    records: &[Record],
    features: Vec<Features>,
    things: &[(String, String)],
) -> Result<Resolution> {
    let mut confirmed = Vec::new();
    let mut rejected = Vec::new();
    for d in store.decisions()? {
        if d.decision == Decision::Confirm {
            confirmed.push((d.a, d.b));
        } else {
            rejected.push((d.a, d.b));
        }
    }
    let opts = settings.options(model, keep_all_scores);
    // What matching at ingest will look candidates up by (see `super::ingest`).
    let rules = corridor_resolve::default_rules();
    let keys: Vec<Vec<i64>> = features
        .iter()
        .map(|f| corridor_resolve::match_keys(&rules, f))
        .collect();
    let names = corridor_resolve::TermFrequencies::of(&features);
    let mut resolution = corridor_resolve::resolve_with_features(records, features, &confirmed, &rejected, &opts);
    let storing = std::time::Instant::now();
    let mut summary = serde_json::json!({
        "records": records.len(),
        "identities": resolution.identities,
        "candidate_pairs": resolution.pairs,
        "links": resolution.links.len(),
        "review": resolution.review.len(),
        "things": things.len(),
        "thing_identities": things.iter().map(|(_, i)| i).collect::<std::collections::HashSet<_>>().len(),
        "blocking": resolution.blocking,
        "em_iterations": resolution.model.em_iterations,
        "em_converged": resolution.model.converged,
        "identity_sizes": resolution.sizes,
    });
    // The settings under their own names, typed when read back.
    if let (Some(obj), Ok(serde_json::Value::Object(s))) = (summary.as_object_mut(), serde_json::to_value(settings)) {
        obj.extend(s);
    }
    let write = ResolutionWrite {
        model: serde_json::to_string(&resolution.model).map_err(|e| Error::BadInput(e.to_string()))?,
        summary: summary.to_string(),
        links: records
            .iter()
            .zip(&resolution.identity)
            .map(|(r, i)| (r.id.clone(), i.clone()))
            .chain(things.iter().cloned())
            .collect(),
        review: resolution
            .review
            .iter()
            .map(|r| ReviewPair {
                a: records[r.pair.a as usize].id.clone(),
                b: records[r.pair.b as usize].id.clone(),
                weight: r.pair.weight,
                probability: r.pair.probability,
                why: r.why.name().to_string(),
            })
            .collect(),
    };
    let run = store.record_resolution(&write, session.actor(), session.purpose())?;
    drop(write);
    let (counts, _) = names.counts();
    store.replace_match_index(
        run,
        &corridor_resolve::match_format(&rules),
        &mut records.iter().zip(keys).map(|(r, k)| (r.id.clone(), k)),
        &mut counts.map(|(n, c)| (n.to_string(), c)),
    )?;
    resolution.timings.push(corridor_resolve::Phase {
        phase: "storing",
        seconds: storing.elapsed().as_secs_f64(),
        peak_mib: corridor_resolve::peak_memory_mib(),
    });
    Ok(resolution)
}

/// An analyst's decision on a pair of records (the store's type).
pub use corridor_store::DecisionKind as Decision;

/// Where a decision left the two records.
#[derive(Debug, Clone, Serialize)]
pub struct Decided {
    pub decision: Decision,
    /// The identities of the two records after the re-run.
    pub a: Option<String>,
    pub b: Option<String>,
}

impl Decided {
    pub fn joined(&self) -> bool {
        self.a.is_some() && self.a == self.b
    }
}

fn not_a_record(id: &str) -> Error {
    Error::NotFound(format!(
        "no Person record '{id}': ids are dataset:record:name, as the identity export lists them"
    ))
}

/// Records an analyst's decision on records `a` and `b` (logged with the reason)
/// and resolves again as the latest run did: its model, thresholds and mode.
pub fn decide(
    store: &mut dyn Store,
    session: &Session,
    a: &str,
    b: &str,
    decision: Decision,
    reason: &str,
) -> Result<Decided> {
    let Loaded {
        records,
        links: things,
        features,
    } = load(store, session, true, true)?;
    for id in [a, b] {
        if !records.iter().any(|r| r.id == id) {
            return Err(not_a_record(id));
        }
    }
    if a == b {
        return Err(Error::BadInput(
            "a record is always its own identity: give two different records".into(),
        ));
    }
    store.decide(a, b, decision, reason, session.actor())?;
    let latest = store.latest_resolution()?;
    let model = latest
        .as_ref()
        .and_then(|r| serde_json::from_str::<Model>(&r.model).ok())
        .filter(|m| m.check_levels().is_ok());
    let mut settings = latest
        .as_ref()
        .map(|r| RunSettings::of_summary(&r.summary))
        .unwrap_or_default();
    if let Some(m) = &model {
        settings.seed = m.seed;
    }
    let resolution = resolve_loaded(store, session, &settings, model, false, &records, features, &things)?;
    let identity = |x: &str| {
        records
            .iter()
            .position(|r| r.id == x)
            .map(|i| resolution.identity[i].clone())
    };
    Ok(Decided {
        decision,
        a: identity(a),
        b: identity(b),
    })
}

/// Each comparison's contribution to the match weight of records `a` and `b`, under
/// the latest run's model. Reading the records is logged.
pub fn explain(store: &mut dyn Store, session: &Session, a: &str, b: &str) -> Result<corridor_resolve::Explanation> {
    let Some(run) = store.latest_resolution()? else {
        return Err(Error::NotFound("no resolution yet: resolve the records first".into()));
    };
    let model = super::ingest::stored_model(&run)?;
    model.check_levels().map_err(|e| Error::BadInput(e.to_string()))?;
    let records = load_records(store, session)?;
    let features: Vec<Features> = Features::of_all(&records);
    let find = |id: &str| records.iter().position(|r| r.id == id).ok_or_else(|| not_a_record(id));
    let (ia, ib) = (find(a)?, find(b)?);
    let tf = TermFrequencies::of(&features);
    Ok(model.explain(&features[ia], &features[ib], &tf))
}

/// The pairs held for an analyst, most probable first.
pub fn review(store: &mut dyn Store) -> Result<Vec<ReviewPair>> {
    Ok(store.resolution_review()?)
}

/// The latest run, and how many decisions are in force.
pub fn status(store: &mut dyn Store) -> Result<Option<(ResolutionRun, usize)>> {
    let Some(run) = store.latest_resolution()? else {
        return Ok(None);
    };
    Ok(Some((run, store.decisions()?.len())))
}

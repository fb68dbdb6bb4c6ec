//! Probabilistic entity resolution: which records describe the same person.
//!
//! Fellegi–Sunter record linkage as Splink practises it, in Rust: blocking rules
//! over normalised keys (`blocking`), comparisons with levels built on the
//! transliteration-aware name keys of `corridor-normalize` (`compare`), u from random
//! pairs and m by EM with term-frequency adjustment for names (`model`), and
//! clustering that refuses chains through a weak middle record and never joins a
//! victim or witness to a suspect without an analyst (`cluster`). Every score can be
//! explained term by term; a run is deterministic for a seed.
//!
//! Resolution is a mapping from record (Person entity) ids to identity ids beside the
//! statements; it never rewrites a record. This crate knows nothing of the store: the
//! caller hands it records and decisions and stores the mapping.

pub mod blocking;
pub mod cluster;
mod compact;
pub mod compare;
pub mod evaluate;
pub mod incremental;
pub mod model;
pub mod record;
pub mod things;

pub use blocking::{Candidate, Key, Limits, MAX_BLOCK, Rule, RuleReport, default_rules};
pub use cluster::{Clustering, Corroboration, Held, Policy, Review, Scored, Traits};
pub use compare::Attribute;
pub use incremental::{Added, Index, match_format, match_key, match_keys};
pub use model::{Explanation, Model, Term, TermFrequencies};
pub use record::{FeatureBuilder, Features, Record, records_from_values};

use serde::Serialize;

/// How a run is done.
#[derive(Debug, Clone)]
pub struct Options {
    pub rules: Vec<Rule>,
    /// How large blocks and each rule's pairs may grow.
    pub limits: blocking::Limits,
    /// Random pairs for u.
    pub u_sample: usize,
    pub seed: u64,
    pub policy: Policy,
    /// Use this model instead of training one.
    pub model: Option<Model>,
    /// Compare only records of different data sets (linking files that have no
    /// duplicates within themselves).
    pub link_only: bool,
    /// Keep every scored pair in [`Resolution::scored`] (for threshold sweeps).
    /// Otherwise only those at or above the review threshold are kept (and the ids of
    /// those that keep two records apart, for clustering); at a million records the
    /// rest would be most of a run's memory.
    pub keep_all_scores: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            rules: default_rules(),
            limits: blocking::Limits::default(),
            u_sample: 1_000_000,
            seed: 42,
            policy: Policy::default(),
            model: None,
            link_only: false,
            keep_all_scores: false,
        }
    }
}

/// The result of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Resolution {
    /// Identity of each record: the id of the first record in its cluster.
    pub identity: Vec<String>,
    pub model: Model,
    pub blocking: Vec<RuleReport>,
    /// Candidate pairs scored.
    pub pairs: u64,
    /// Pairs joined automatically (at or above the match threshold, not held).
    pub links: Vec<Scored>,
    /// The candidate pairs with their weight and probability: every one with
    /// [`Options::keep_all_scores`], otherwise those at or above the review threshold.
    #[serde(skip)]
    pub scored: Vec<Scored>,
    pub review: Vec<Review>,
    pub identities: u64,
    /// How large the identities came out: what to look at first when a run goes
    /// wrong (one identity of thousands of records is chaining, not a person).
    pub sizes: IdentitySizes,
    /// Wall time of each phase, in order, to see where a run's time goes.
    pub timings: Vec<Phase>,
}

/// The size distribution of a run's identities.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IdentitySizes {
    /// Records in the largest identity.
    pub largest: u64,
    /// Identities of more than 20 records.
    pub over_20: u64,
    /// Identities larger than the policy's bound (only analysts' confirmations and
    /// corroborated links make them).
    pub over_bound: u64,
    /// Identities per size class: 1, 2, 3–5, 6–10, 11–20, 21–50, 51 and more.
    pub histogram: Vec<SizeClass>,
}

/// One class of [`IdentitySizes::histogram`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SizeClass {
    pub records: &'static str,
    pub identities: u64,
}

impl IdentitySizes {
    /// The sizes of the identities of `identity` (one identity number per record).
    pub fn of(identity: &[u32], bound: usize) -> IdentitySizes {
        let mut size: std::collections::HashMap<u32, u64> = std::collections::HashMap::new();
        for &i in identity {
            *size.entry(i).or_default() += 1;
        }
        const CLASSES: [(&str, u64); 7] = [
            ("1", 1),
            ("2", 2),
            ("3-5", 5),
            ("6-10", 10),
            ("11-20", 20),
            ("21-50", 50),
            ("51+", u64::MAX),
        ];
        let mut histogram: Vec<SizeClass> = CLASSES
            .iter()
            .map(|&(records, _)| SizeClass { records, identities: 0 })
            .collect();
        for &n in size.values() {
            if let Some(k) = CLASSES.iter().position(|&(_, up_to)| n <= up_to) {
                histogram[k].identities += 1;
            }
        }
        IdentitySizes {
            largest: size.values().copied().max().unwrap_or(0),
            over_20: size.values().filter(|&&n| n > 20).count() as u64,
            over_bound: size.values().filter(|&&n| n > bound as u64).count() as u64,
            histogram,
        }
    }
}

/// One phase of a run and its wall time.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    pub phase: &'static str,
    pub seconds: f64,
    /// The process's peak resident memory at the end of the phase (Linux only).
    pub peak_mib: Option<u64>,
}

/// The process's peak resident memory so far, from `/proc/self/status` (None where
/// there is no such file).
pub fn peak_memory_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// Records the wall time of consecutive phases.
struct Stopwatch {
    last: std::time::Instant,
    phases: Vec<Phase>,
}

impl Stopwatch {
    fn start() -> Stopwatch {
        Stopwatch {
            last: std::time::Instant::now(),
            phases: Vec::new(),
        }
    }

    fn lap(&mut self, phase: &'static str) {
        let now = std::time::Instant::now();
        self.phases.push(Phase {
            phase,
            seconds: (now - self.last).as_secs_f64(),
            peak_mib: peak_memory_mib(),
        });
        self.last = now;
    }
}

/// Resolves `records`. `confirmed` and `rejected` are pairs of record ids an analyst
/// decided; ids not among the records are ignored.
pub fn resolve(
    records: &[Record],
    confirmed: &[(String, String)],
    rejected: &[(String, String)],
    opts: &Options,
) -> Resolution {
    let mut watch = Stopwatch::start();
    let features: Vec<Features> = Features::of_all(records);
    watch.lap("features");
    let mut resolution = resolve_with_features(records, features, confirmed, rejected, opts);
    resolution.timings.splice(0..0, watch.phases);
    resolution
}

/// [`resolve`] with the records' features already computed, `features[i]` being
/// those of `records[i]` (by [`Features::of_all`] or a [`FeatureBuilder`]).
pub fn resolve_with_features(
    records: &[Record],
    mut features: Vec<Features>,
    confirmed: &[(String, String)],
    rejected: &[(String, String)],
    opts: &Options,
) -> Resolution {
    assert_eq!(features.len(), records.len(), "one set of features per record");
    let mut watch = Stopwatch::start();
    use rayon::prelude::*;
    let (mut candidates, blocking) = blocking::candidates(&features, &opts.rules, &opts.limits);
    if opts.link_only {
        candidates.retain(|c| records[c.a as usize].dataset != records[c.b as usize].dataset);
    }
    watch.lap("blocking");
    let patterns: Vec<model::Packed> = model::packed_patterns(&features, &candidates);
    watch.lap("comparing");
    let index: std::collections::HashMap<&str, u32> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i as u32))
        .collect();
    let to_idx = |pairs: &[(String, String)]| -> Vec<(u32, u32)> {
        pairs
            .iter()
            .filter_map(|(a, b)| Some((*index.get(a.as_str())?, *index.get(b.as_str())?)))
            .collect()
    };
    let (confirmed, rejected) = (to_idx(confirmed), to_idx(rejected));
    let model = opts.model.clone().unwrap_or_else(|| {
        // An analyst's confirmations are labels: known matches for EM.
        let labels: Vec<(u32, u32, model::Packed)> = confirmed
            .iter()
            .map(|&(a, b)| {
                (
                    a,
                    b,
                    model::packed_pattern(&features[a as usize], &features[b as usize]),
                )
            })
            .collect();
        Model::train(
            &features,
            &candidates,
            &patterns,
            &labels,
            &opts.rules,
            opts.u_sample,
            opts.seed,
        )
    });
    watch.lap("training");
    // Scoring needs only the name's skeleton and clustering the dates and
    // selectors: the name keys (most of the features' memory) go now.
    for f in &mut features {
        f.name = None;
        f.surname_skeletons = Vec::new();
        f.given_skeletons = Vec::new();
        f.address = Vec::new();
    }
    let name_values = compact::NameValues::of(&features);
    let mut model = model;
    if opts.model.is_none() {
        // The prior from every candidate's own evidence, the name's frequency
        // included (see `Model::settle_prior`).
        let weights = model.weights();
        let prior_weight = model.prior_weight();
        let evidence = candidates
            .par_iter()
            .zip(patterns.par_iter())
            .map(|(c, &p)| weights.score_with(p, || name_values.shared_frequency(c.a, c.b)).0 - prior_weight);
        model.settle_prior(model::EvidenceHistogram::of(evidence), records.len());
    }
    let prior_weight = model.prior_weight();
    let weights = model.weights();
    // Clustering needs the pairs at or above the review threshold with their scores,
    // and the pairs that keep two records apart only as ids; the rest (most of them)
    // are dropped as they are scored unless every score is asked for.
    let review = opts.policy.review_probability.min(opts.policy.match_probability);
    let split = opts.policy.split_weight;
    // Per rule, its new pairs (those whose lowest rule bit is its own) at or above
    // the match probability and their summed probability: what each rule is worth.
    let rules = opts.rules.len().min(blocking::MAX_RULES);
    type Worth = Vec<(u64, f64)>;
    let (scored, apart, worth): (Vec<Scored>, Vec<(u32, u32)>, Worth) = candidates
        .par_iter()
        .zip(patterns.par_iter())
        .fold(
            || (Vec::new(), Vec::new(), vec![(0, 0.0); rules]),
            |(mut scored, mut apart, mut worth), (c, &p)| {
                let (weight, probability) = weights.score_with(p, || name_values.shared_frequency(c.a, c.b));
                let s = Scored {
                    a: c.a,
                    b: c.b,
                    weight,
                    probability,
                    evidence: weight - prior_weight,
                };
                if let Some(w) = worth.get_mut(c.rules.trailing_zeros() as usize) {
                    w.0 += u64::from(probability >= opts.policy.match_probability);
                    w.1 += probability;
                }
                if opts.keep_all_scores || probability >= review {
                    scored.push(s);
                } else if s.evidence <= split {
                    apart.push((c.a, c.b));
                }
                (scored, apart, worth)
            },
        )
        .reduce(
            || (Vec::new(), Vec::new(), vec![(0, 0.0); rules]),
            |(mut s1, mut a1, mut w1), (s2, a2, w2)| {
                s1.extend(s2);
                a1.extend(a2);
                for (x, y) in w1.iter_mut().zip(w2) {
                    x.0 += y.0;
                    x.1 += y.1;
                }
                (s1, a1, w1)
            },
        );
    let mut blocking = blocking;
    for (report, (matching, expected)) in blocking.iter_mut().zip(worth) {
        report.new_pairs_matching = matching;
        report.expected_matches = expected.round() as u64;
    }
    let pairs = candidates.len() as u64;
    drop(candidates);
    drop(patterns);
    watch.lap("scoring");
    let traits: Vec<Traits> = records
        .iter()
        .zip(&features)
        .map(|(r, f)| Traits::of(f, r.category))
        .collect();
    let clustering = cluster::cluster_with(
        records.len(),
        &scored,
        &apart,
        &traits,
        &confirmed,
        &rejected,
        &opts.policy,
        &|a, b| compare::corroboration(&features[a as usize], &features[b as usize]),
    );
    let links: Vec<Scored> = scored
        .iter()
        .filter(|s| {
            s.probability >= opts.policy.match_probability
                && clustering.identity[s.a as usize] == clustering.identity[s.b as usize]
        })
        .copied()
        .collect();
    let identity: Vec<String> = clustering
        .identity
        .iter()
        .map(|&i| records[i as usize].id.clone())
        .collect();
    let sizes = IdentitySizes::of(&clustering.identity, opts.policy.max_identity);
    let identities = sizes.histogram.iter().map(|c| c.identities).sum();
    watch.lap("clustering");
    Resolution {
        identity,
        model,
        blocking,
        pairs,
        links,
        scored,
        review: clustering.review,
        identities,
        sizes,
        timings: watch.phases,
    }
}

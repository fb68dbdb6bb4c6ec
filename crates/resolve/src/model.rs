//! The Fellegi–Sunter model as Splink practises it: for each comparison level an
//! m-probability (how often true matches land there) and a u-probability (how often
//! non-matches do); a pair's match weight is the log2 prior odds plus the log2 Bayes
//! factor m/u of each comparison, and its probability follows from the weight.
//!
//! u is estimated by comparing random pairs of records (almost all non-matches);
//! m and the prior by expectation–maximisation over the candidate pairs that
//! blocking produces, with u held fixed. EM runs over distinct comparison patterns
//! with their counts, so a million candidate pairs cost a few hundred patterns per
//! iteration. An exact name match is adjusted by the name's term frequency: two
//! records sharing a rare name are stronger evidence than two Mohammed Ahmads.

use std::collections::HashMap;

use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::blocking::{Candidate, Rule};
use corridor_normalize::{NameKeys, NameTable, TokenMemo};

use crate::compact::Compact;
use crate::compare::{self, Attribute};
use crate::record::Features;

/// One comparison's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonParams {
    pub attribute: Attribute,
    /// m per level (level 0, null, is 1: no evidence).
    pub m: Vec<f64>,
    /// u per level.
    pub u: Vec<f64>,
}

/// A trained model, saved and loaded as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// The probability that two records drawn at random are the same person.
    pub prior: f64,
    pub comparisons: Vec<ComparisonParams>,
    /// EM iterations run and whether the parameters settled.
    pub em_iterations: usize,
    pub converged: bool,
    /// The seed of the random pairs behind u.
    pub seed: u64,
    /// Pairs an analyst confirmed, used as known matches when m was estimated.
    #[serde(default)]
    pub labelled_pairs: u64,
}

/// A pair's comparison levels, one per comparison.
pub type Pattern = Vec<u8>;

/// Smallest probability kept, so no level has zero weight of evidence.
const FLOOR: f64 = 1e-6;

// The prior can be far below FLOOR (one match in millions of pairs): it is clamped
// to FLOOR² instead.

/// One line of an explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    /// `prior`, a comparison name, or `tf_<comparison>`.
    pub name: String,
    pub level: String,
    pub m: Option<f64>,
    pub u: Option<f64>,
    /// log2 of the Bayes factor: this term's contribution to the match weight.
    pub weight: f64,
}

/// Why a pair scored what it did: the terms sum to `match_weight`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub terms: Vec<Term>,
    pub match_weight: f64,
    pub match_probability: f64,
}

/// Name frequencies over the records being resolved (each record's
/// [`Features::name_value`]).
///
/// Phone numbers were tried the same way (a smuggler's number that every migrant he
/// moved gives is hardly evidence) and cost recall on both the synthetic corridor data
/// and the tests: a number shared by a person's own records is always commoner than
/// the average number, so the adjustment punished true pairs. The hub numbers are
/// left to blocking's limits and to clustering's guards.
#[derive(Debug, Clone, Default)]
pub struct TermFrequencies {
    counts: HashMap<String, u32>,
    total: u32,
}

impl TermFrequencies {
    pub fn of(features: &[Features]) -> TermFrequencies {
        let mut counts: HashMap<String, u32> = HashMap::new();
        let mut total = 0;
        for f in features {
            if let Some(s) = &f.name_value {
                *counts.entry(s.clone()).or_default() += 1;
                total += 1;
            }
        }
        TermFrequencies { counts, total }
    }

    /// Counts kept elsewhere (a store's), for the names a computation needs: `total`
    /// records have a name, `counts` of them each of these.
    pub fn from_counts(counts: HashMap<String, u32>, total: u32) -> TermFrequencies {
        TermFrequencies { counts, total }
    }

    /// Every name with its count, and the number of records with a name.
    pub fn counts(&self) -> (impl Iterator<Item = (&str, u32)>, u32) {
        (self.counts.iter().map(|(k, v)| (k.as_str(), *v)), self.total)
    }

    /// How often two random records share this name.
    pub(crate) fn frequency(&self, value: &str) -> Option<f64> {
        let c = *self.counts.get(value)?;
        (self.total > 0).then(|| f64::from(c) / f64::from(self.total))
    }
}

/// A pair's levels on every comparison of [`Attribute::ALL`], four bits each (no
/// comparison has 16 levels, and there are eight comparisons): one integer per pair,
/// cheap to keep for tens of millions of candidates and to count.
pub type Packed = u32;

const _: () = assert!(Attribute::ALL.len() * 4 <= Packed::BITS as usize);

/// The packed levels of a pair; computed once per candidate pair and used by both
/// training and scoring.
pub fn packed_pattern(a: &Features, b: &Features) -> Packed {
    Attribute::ALL
        .iter()
        .fold(0, |p, c| p | (Packed::from(c.level(a, b)) << (4 * c.index())))
}

/// The [`packed_pattern`]s of many candidate pairs, in their order.
///
/// The name comparison, most of the cost, is made once per distinct pair of name
/// keys: [`Features::of_all`] shares one set of keys among the records that spell a
/// name alike, and blocked pairs repeat the same two spellings many times over (a
/// person recorded again and again, a block of one common name). The level depends
/// only on the two keys, so the result equals comparing every pair. The names are
/// compared through a [`NameTable`], which scores each pair of distinct tokens once
/// per slice of work. Candidates are taken a slice at a time, so the memo's memory
/// stays bounded at any size.
pub fn packed_patterns(features: &[Features], candidates: &[Candidate]) -> Vec<Packed> {
    use rayon::prelude::*;
    const NONE: u32 = NO_NAME;
    let (table, name_id) = name_table(features);
    let compact = Compact::new(features);
    let mut out: Vec<Packed> = Vec::with_capacity(candidates.len());
    // Each candidate with a name on both sides becomes one 64-bit key: the pair of
    // names (each in `name_bits`) above its position in the slice (in the bits
    // left), so sorting plain integers brings each pair's candidates together.
    // Slices are as long as the bits left allow, at most 4 M candidates.
    let name_bits = (u32::BITS - (table.len() as u32).leading_zeros()).max(1);
    let position_bits = (64 - 2 * name_bits).min(22);
    let position_mask = (1u64 << position_bits) - 1;
    let name_mask = (1u64 << name_bits) - 1;
    for slice in candidates.chunks(1 << position_bits) {
        let mut keyed: Vec<u64> = slice
            .par_iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let (x, y) = (name_id[c.a as usize], name_id[c.b as usize]);
                (x != NONE && y != NONE).then(|| {
                    let pair = (u64::from(x.min(y)) << name_bits) | u64::from(x.max(y));
                    (pair << position_bits) | i as u64
                })
            })
            .collect();
        keyed.par_sort_unstable();
        let pair_of = |k: u64| k >> position_bits;
        let starts: Vec<usize> = (0..keyed.len())
            .filter(|&i| i == 0 || pair_of(keyed[i]) != pair_of(keyed[i - 1]))
            .collect();
        // A few slices per thread: each slice's memo scores its token pairs once, and
        // a slow slice still leaves others to take.
        let per_slice = starts.len().div_ceil(4 * rayon::current_num_threads()).max(1);
        let mut levels = vec![0u8; starts.len()];
        levels
            .par_chunks_mut(per_slice)
            .zip(starts.par_chunks(per_slice))
            .for_each(|(levels, starts)| {
                let mut memo = TokenMemo::default();
                for (level, &s) in levels.iter_mut().zip(starts) {
                    // The names from the key, not the candidate (a read at random
                    // in a large array): name similarity is symmetric.
                    let pair = pair_of(keyed[s]);
                    let (a, b) = ((pair >> name_bits) as usize, (pair & name_mask) as usize);
                    *level = compare::name_level(table.similarity(a, b, &mut memo), || {
                        table.shares_token(a, b, &mut memo)
                    });
                }
            });
        // Level 0 (null) where either side has no name, as `level` gives.
        let mut name_level = vec![0u8; slice.len()];
        for (run, (&s, &level)) in starts.iter().zip(&levels).enumerate() {
            let end = starts.get(run + 1).copied().unwrap_or(keyed.len());
            for &k in &keyed[s..end] {
                name_level[(k & position_mask) as usize] = level;
            }
        }
        drop(keyed);
        out.par_extend(
            slice
                .par_iter()
                .zip(name_level.par_iter())
                .map(|(c, &level)| compact.pattern(c.a, c.b, level)),
        );
    }
    out
}

/// A record without a name, in [`name_table`]'s ids.
const NO_NAME: u32 = u32::MAX;

/// Tokens up to which [`estimate_u`] scores every pair of its sample's tokens at
/// once (a million pairs: 16 MB).
const MAX_SCORED_TOKENS: usize = 1024;

/// The table of the distinct names of `features` (one set of keys may be shared by
/// many records, see [`Features::of_all`]) and each record's name in it.
fn name_table<'f>(features: impl IntoIterator<Item = &'f Features>) -> (NameTable<'f>, Vec<u32>) {
    let mut ids: HashMap<*const NameKeys, u32, rustc_hash::FxBuildHasher> = HashMap::default();
    let mut names: Vec<&NameKeys> = Vec::new();
    let name_of: Vec<u32> = features
        .into_iter()
        .map(|f| match &f.name {
            Some(k) => *ids.entry(std::sync::Arc::as_ptr(k)).or_insert_with(|| {
                names.push(k);
                names.len() as u32 - 1
            }),
            None => NO_NAME,
        })
        .collect();
    (NameTable::new(&names), name_of)
}

/// One comparison's level in a packed pattern.
pub fn level_in(p: Packed, attribute: Attribute) -> u8 {
    ((p >> (4 * attribute.index())) & 0xF) as u8
}

/// Pattern counts, keyed by packed pattern.
type Counts = HashMap<Packed, u64, rustc_hash::FxBuildHasher>;

/// log2 of the odds of a prior, without [`log2`]'s floor: at a million records the
/// prior is near 1e-6 and at ten million below it, where the floor would have set
/// it.
fn log_odds(p: f64) -> f64 {
    p.max(f64::MIN_POSITIVE).log2() - (1.0 - p).max(f64::MIN_POSITIVE).log2()
}

fn log2(x: f64) -> f64 {
    x.max(FLOOR).log2()
}

impl Model {
    /// Whether this model's comparisons and levels are this version's
    /// ([`Attribute::ALL`] in order, each with its levels): a model saved or stored
    /// by a version with other levels would score every pair wrongly (or index past
    /// a level), so it is refused with what to do.
    pub fn check_levels(&self) -> Result<(), String> {
        let same = self.comparisons.len() == Attribute::ALL.len()
            && self
                .comparisons
                .iter()
                .zip(Attribute::ALL)
                .all(|(c, a)| c.attribute == a && c.m.len() == a.levels().len() && c.u.len() == a.levels().len());
        if same {
            Ok(())
        } else {
            Err(
                "the model was trained by a version of Corridor with other comparison levels: \
                 run `corridor resolve run` again to train one"
                    .into(),
            )
        }
    }

    /// A model with u from `sample` random pairs, m by EM per blocking rule, and the
    /// prior as the probability that two random records match.
    ///
    /// As in Splink, each blocking rule is its own EM session in which the
    /// comparisons the rule blocks on are left out (every pair agrees on them, so they
    /// say nothing about m); each comparison's m is the mean over the sessions that
    /// estimated it. The prior is then the expected number of matching candidate
    /// pairs (one more EM pass with m and u fixed) over all pairs of records, so a
    /// shared common name alone does not join two records.
    /// `candidates` are the blocked pairs with the rules that produced them (see
    /// [`crate::blocking::candidates`]), `patterns` their [`packed_pattern`]s;
    /// `labels` the pairs an analyst confirmed, with their patterns: known matches.
    pub fn train(
        features: &[Features],
        candidates: &[Candidate],
        patterns: &[Packed],
        labels: &[(u32, u32, Packed)],
        rules: &[Rule],
        sample: usize,
        seed: u64,
    ) -> Model {
        use rayon::prelude::*;
        let attributes = Attribute::ALL;
        let u = estimate_u(features, &attributes, sample, seed);
        let start_m = |n: usize| {
            let mut m: Vec<f64> = (0..n)
                .map(|l| if l == 0 { 1.0 } else { 0.5f64.powi(l as i32) })
                .collect();
            normalise(&mut m);
            m
        };
        let fresh = |seed: u64| Model {
            prior: 0.5,
            comparisons: attributes
                .iter()
                .zip(&u)
                .map(|(&attribute, u)| ComparisonParams {
                    attribute,
                    m: start_m(attribute.levels().len()),
                    u: u.clone(),
                })
                .collect(),
            em_iterations: 0,
            converged: true,
            seed,
            labelled_pairs: labels.len() as u64,
        };
        let mut confirmed: Vec<(u32, u32)> = labels.iter().map(|&(a, b, _)| (a.min(b), a.max(b))).collect();
        confirmed.sort_unstable();
        // A rule's session leaves out the comparisons its keys agree on.
        let masks: Vec<Packed> = rules
            .iter()
            .map(|r| r.keys.iter().fold(0, |m, k| m | (0xF << (4 * k.attribute().index()))))
            .collect();
        let empty = || (Counts::default(), vec![Counts::default(); rules.len()]);
        let (all, by_rule) = candidates
            .par_iter()
            .zip(patterns.par_iter())
            .fold(empty, |(mut all, mut by_rule), (c, &p)| {
                // A confirmed pair enters EM as a known match, not again as a
                // candidate.
                if !confirmed.is_empty() && confirmed.binary_search(&(c.a, c.b)).is_ok() {
                    return (all, by_rule);
                }
                *all.entry(p).or_default() += 1;
                let mut bits = c.rules;
                while bits != 0 {
                    let r = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    if let (Some(counts), Some(mask)) = (by_rule.get_mut(r), masks.get(r)) {
                        *counts.entry(p & !mask).or_default() += 1;
                    }
                }
                (all, by_rule)
            })
            .reduce(empty, |(mut all, mut by_rule), (all2, by_rule2)| {
                add_counts(&mut all, all2);
                for (x, y) in by_rule.iter_mut().zip(by_rule2) {
                    add_counts(x, y);
                }
                (all, by_rule)
            });
        // Sorted, so EM sums in the same order in every run.
        let sorted = |m: Counts| {
            let mut v: Vec<(Packed, u64)> = m.into_iter().collect();
            v.sort_unstable();
            v.into_iter()
                .map(|(p, n)| (attributes.iter().map(|&a| level_in(p, a)).collect::<Pattern>(), n))
                .collect::<Vec<_>>()
        };
        let mut model = fresh(seed);
        // Per comparison, the m of each session that estimated it, with whether the
        // session's rule blocks on a selector only (an anchor) and the expected
        // matches behind the estimate.
        let mut estimates: Vec<Vec<(Vec<f64>, bool, f64)>> = vec![Vec::new(); attributes.len()];
        let mut iterations = 0;
        let mut converged = true;
        for ((rule, patterns), mask) in rules.iter().zip(by_rule).zip(&masks) {
            let patterns = sorted(patterns);
            // A weak rule's pairs are strangers sharing one value: no session.
            if patterns.is_empty() || rule.is_weak() {
                continue;
            }
            let mut known = Counts::default();
            for &(_, _, p) in labels {
                *known.entry(p & !mask).or_default() += 1;
            }
            let known = sorted(known);
            let mut session = fresh(seed);
            session.expectation_maximisation_labelled(&patterns, &known, 200, 1e-7);
            iterations += session.em_iterations;
            converged &= session.converged;
            let anchor = rule.keys.iter().all(|k| k.is_selector());
            for (i, c) in session.comparisons.iter().enumerate() {
                let blocked = rule.keys.iter().any(|k| k.attribute() == c.attribute);
                let matches: f64 = patterns
                    .iter()
                    .filter(|(p, _)| p[i] > 0)
                    .map(|(p, n)| session.probability_of(p) * *n as f64)
                    .sum();
                if !blocked && matches > 0.0 {
                    estimates[i].push((c.m.clone(), anchor, matches));
                }
            }
        }
        for (c, estimates) in model.comparisons.iter_mut().zip(&estimates) {
            if let Some(m) = combine_sessions(estimates) {
                c.m = m;
                c.m[0] = 1.0;
            }
            if c.attribute.implied_by_names() {
                // Agreement carries no weight of its own (u = m): see
                // `Attribute::implied_by_names`.
                c.u[1] = c.m[1];
            }
        }
        // The share of candidate pairs that match, with m and u fixed, then over
        // all pairs of records.
        let all = sorted(all);
        let mut lambda = 0.5;
        for _ in 0..200 {
            model.prior = lambda;
            let (mut matches, mut total) = (0.0, 0.0);
            for (p, count) in &all {
                matches += model.probability_of(p) * *count as f64;
                total += *count as f64;
            }
            let next = if total > 0.0 {
                (matches / total).clamp(FLOOR, 1.0 - FLOOR)
            } else {
                lambda
            };
            let done = (next - lambda).abs() < 1e-9;
            lambda = next;
            if done {
                break;
            }
        }
        let n = features.len() as f64;
        let total_pairs = (n * (n - 1.0) / 2.0).max(1.0);
        let expected = lambda * candidates.len() as f64;
        model.prior = (expected / total_pairs).clamp(FLOOR * FLOOR, 0.5);
        model.em_iterations = iterations;
        model.converged = converged;
        model
    }

    /// Runs EM on `(pattern, count)` with u fixed; returns when no parameter moves
    /// more than `tolerance` or after `max_iterations`.
    pub fn expectation_maximisation(&mut self, patterns: &[(Pattern, u64)], max_iterations: usize, tolerance: f64) {
        self.expectation_maximisation_labelled(patterns, &[], max_iterations, tolerance);
    }

    /// [`Model::expectation_maximisation`] with known matches: pairs an analyst
    /// confirmed enter every iteration as matches with certainty (semi-supervised
    /// EM), so their levels pull m towards what true matches in this data look like.
    /// They do not count towards the prior, which stays the unlabelled pairs' own.
    pub fn expectation_maximisation_labelled(
        &mut self,
        patterns: &[(Pattern, u64)],
        known_matches: &[(Pattern, u64)],
        max_iterations: usize,
        tolerance: f64,
    ) {
        for it in 1..=max_iterations {
            let mut m_sum: Vec<Vec<f64>> = self.comparisons.iter().map(|c| vec![0.0; c.m.len()]).collect();
            let mut matches = 0.0;
            let mut total = 0.0;
            for (p, count) in patterns {
                let w = self.probability_of(p);
                let c = *count as f64;
                matches += w * c;
                total += c;
                for (i, &level) in p.iter().enumerate() {
                    m_sum[i][level as usize] += w * c;
                }
            }
            for (p, count) in known_matches {
                for (i, &level) in p.iter().enumerate() {
                    m_sum[i][level as usize] += *count as f64;
                }
            }
            if total == 0.0 {
                return;
            }
            let mut moved: f64 = 0.0;
            let prior = (matches / total).clamp(FLOOR, 1.0 - FLOOR);
            moved = moved.max((prior - self.prior).abs());
            self.prior = prior;
            for (c, sums) in self.comparisons.iter_mut().zip(m_sum) {
                let evidence: f64 = sums.iter().skip(1).sum();
                if evidence <= 0.0 {
                    continue;
                }
                for (l, s) in sums.iter().enumerate().skip(1) {
                    let m = (s / evidence).max(FLOOR);
                    moved = moved.max((m - c.m[l]).abs());
                    c.m[l] = m;
                }
            }
            self.em_iterations = it;
            if moved < tolerance {
                self.converged = true;
                return;
            }
        }
    }

    /// Match probability of a pattern under the current parameters.
    pub fn probability_of(&self, p: &[u8]) -> f64 {
        probability(self.weight_of(p))
    }

    /// The prior's part of every match weight: log2 of the prior odds.
    pub fn prior_weight(&self) -> f64 {
        log_odds(self.prior)
    }

    /// Match weight of a pattern (no term-frequency adjustment).
    pub fn weight_of(&self, p: &[u8]) -> f64 {
        let mut w = log_odds(self.prior);
        for (c, &level) in self.comparisons.iter().zip(p) {
            if level > 0 {
                w += log2(c.m[level as usize]) - log2(c.u[level as usize]);
            }
        }
        w
    }

    /// Every term of a pair's match weight, the term-frequency adjustment included.
    pub fn explain(&self, a: &Features, b: &Features, tf: &TermFrequencies) -> Explanation {
        let mut terms = vec![Term {
            name: "prior".into(),
            level: format!("two random records match with probability {:.3e}", self.prior),
            m: None,
            u: None,
            weight: log_odds(self.prior),
        }];
        for c in &self.comparisons {
            let level = c.attribute.level(a, b) as usize;
            let (m, u) = (c.m[level], c.u[level]);
            terms.push(Term {
                name: c.attribute.name().into(),
                level: c.attribute.levels()[level].into(),
                m: (level > 0).then_some(m),
                u: (level > 0).then_some(u),
                weight: if level == 0 { 0.0 } else { log2(m) - log2(u) },
            });
            if c.attribute == Attribute::Name && TF_LEVELS.contains(&level) {
                let shared_name = a.name_value.as_deref().filter(|s| Some(*s) == b.name_value.as_deref());
                if let Some(freq) = shared_name.and_then(|s| tf.frequency(s)) {
                    terms.push(Term {
                        name: "tf_name".into(),
                        level: format!("name shared by {:.4}% of records", freq * 100.0),
                        m: None,
                        u: Some(freq),
                        weight: tf_adjustment(level, u, freq),
                    });
                }
            }
        }
        let match_weight: f64 = terms.iter().map(|t| t.weight).sum();
        Explanation {
            terms,
            match_weight,
            match_probability: probability(match_weight),
        }
    }

    /// Weight and probability of one pair, with the term-frequency adjustment; to
    /// score many, compute [`Model::weights`] once.
    pub fn score(&self, a: &Features, b: &Features, tf: &TermFrequencies) -> (f64, f64) {
        self.weights().score(packed_pattern(a, b), a, b, tf)
    }

    /// Each level's weight computed once, for scoring millions of pairs.
    pub fn weights(&self) -> Weights {
        Weights {
            prior: log_odds(self.prior),
            comparisons: self
                .comparisons
                .iter()
                .map(|c| {
                    let w =
                        c.m.iter()
                            .zip(&c.u)
                            .enumerate()
                            .map(|(l, (m, u))| if l == 0 { 0.0 } else { log2(*m) - log2(*u) })
                            .collect();
                    (c.attribute, w, c.u.clone())
                })
                .collect(),
        }
    }
}

/// A model's weights per level, precomputed: scoring a pair is then a table lookup
/// per comparison (the logarithms were a third of scoring).
#[derive(Debug, Clone)]
pub struct Weights {
    prior: f64,
    /// Per comparison: its attribute, the weight and u of each level (u for the
    /// term-frequency adjustment).
    comparisons: Vec<(Attribute, Vec<f64>, Vec<f64>)>,
}

impl Weights {
    /// Weight and probability of a pair whose [`packed_pattern`] is known, with the
    /// term-frequency adjustment; the same as [`Model::score`].
    pub fn score(&self, p: Packed, a: &Features, b: &Features, tf: &TermFrequencies) -> (f64, f64) {
        self.score_with(p, || {
            a.name_value
                .as_deref()
                .filter(|s| Some(*s) == b.name_value.as_deref())
                .and_then(|s| tf.frequency(s))
        })
    }

    /// [`Weights::score`] given how often two random records share the pair's
    /// name (`None`: they share none, or it is not counted); asked only when the
    /// names agree at one of the [`TF_LEVELS`].
    pub(crate) fn score_with(&self, p: Packed, shared_name_frequency: impl FnOnce() -> Option<f64>) -> (f64, f64) {
        let mut shared_name_frequency = Some(shared_name_frequency);
        let mut w = self.prior;
        for (attribute, weights, u) in &self.comparisons {
            let level = level_in(p, *attribute) as usize;
            if level == 0 {
                continue;
            }
            w += weights.get(level).copied().unwrap_or(0.0);
            if *attribute == Attribute::Name
                && TF_LEVELS.contains(&level)
                && let Some(freq) = shared_name_frequency.take().and_then(|f| f())
            {
                w += tf_adjustment(level, u.get(level).copied().unwrap_or(FLOOR), freq);
            }
        }
        (w, probability(w))
    }
}

/// The name levels adjusted by the name's frequency: an exact match, and spellings
/// at similarity 0.95 and 0.88 (Muhammad Hussain and MOHAMMAD HOSSAIN are the same
/// common name spelt two ways, and were the commonest false link at 100,000
/// records while only exact spellings were adjusted).
pub const TF_LEVELS: [usize; 3] = [1, 2, 3];

/// The term-frequency adjustment of a name level whose u is `u`, for a name shared
/// by a share `frequency` of records: an exact match is worth what the name's own
/// frequency says (at most a hundred times its average u); a close spelling is only
/// ever marked down for a common name, never up for a rare one (the two spellings
/// may be two rare names).
fn tf_adjustment(level: usize, u: f64, frequency: f64) -> f64 {
    let adjustment = log2(u) - log2(frequency.max(u * 0.01));
    if level == 1 { adjustment } else { adjustment.min(0.0) }
}

/// Candidate pairs counted by their evidence (match weight without the prior), in
/// bins of 1/16 bit from -64 to +64 bits (beyond that, the end bins).
#[derive(Debug, Clone)]
pub struct EvidenceHistogram {
    counts: Vec<u64>,
}

impl EvidenceHistogram {
    const BINS_PER_BIT: f64 = 16.0;
    const RANGE: f64 = 64.0;

    /// The histogram of `evidence`, gathered on every core.
    pub fn of(evidence: impl rayon::iter::ParallelIterator<Item = f64>) -> EvidenceHistogram {
        use rayon::prelude::*;
        let bins = (2.0 * Self::RANGE * Self::BINS_PER_BIT) as usize;
        let counts = evidence
            .fold(
                move || vec![0u64; bins],
                move |mut h, e| {
                    let at = ((e.clamp(-Self::RANGE, Self::RANGE) + Self::RANGE) * Self::BINS_PER_BIT) as usize;
                    h[at.min(bins - 1)] += 1;
                    h
                },
            )
            .reduce(
                move || vec![0u64; bins],
                |mut x, y| {
                    for (a, b) in x.iter_mut().zip(y) {
                        *a += b;
                    }
                    x
                },
            );
        EvidenceHistogram { counts }
    }

    /// (evidence at the middle of the bin, pairs) of every bin that has pairs.
    fn bins(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, &n)| ((i as f64 + 0.5) / Self::BINS_PER_BIT - Self::RANGE, n as f64))
    }
}

impl Model {
    /// Sets the prior from the candidates' evidence as scoring will see it, the
    /// name's term frequency included: the share λ of candidate pairs that match
    /// is the fixed point of λ = mean P(match | evidence, λ), and the prior is λ
    /// times the candidates over every pair of `records`.
    ///
    /// Training estimates λ over comparison patterns, without the name's
    /// frequency, which scoring applies per pair; the prior is settled on the same
    /// footing as scoring.
    ///
    /// Known limit, measured on the multi-script population
    /// (`bench/resolve/population.sh`): λ still counts the modest probabilities of
    /// a record's many same-name strangers, so it comes out near half the
    /// candidates where the truth is 4%, and the prior falls only 3.4 times from
    /// 100,000 to a million records instead of ten (pairs scored 0.92 matched 62%
    /// of the time at a million, and were calibrated at 100,000). Summing only each
    /// record's four best candidates gives a prior near the truth (1.15e-5 against
    /// 1.67e-5 at 100,000), but it exposed likelihood ratios two to three bits too
    /// low for a shared name with a placeholder birth year, and F1 fell at both
    /// sizes (0.896 to 0.862 at 100,000, 0.863 to 0.823 at a million, P 0.997):
    /// fixing those ratios comes first.
    pub fn settle_prior(&mut self, evidence: EvidenceHistogram, records: usize) {
        let bins: Vec<(f64, f64)> = evidence.bins().collect();
        let candidates: f64 = bins.iter().map(|b| b.1).sum();
        if candidates == 0.0 {
            return;
        }
        let mut lambda: f64 = 0.5;
        for _ in 0..1000 {
            let logit = log_odds(lambda);
            let matches: f64 = bins.iter().map(|&(e, n)| probability(logit + e) * n).sum();
            let next = (matches / candidates).clamp(FLOOR, 1.0 - FLOOR);
            let done = (next - lambda).abs() < 1e-9;
            lambda = next;
            if done {
                break;
            }
        }
        let n = records as f64;
        let total_pairs = (n * (n - 1.0) / 2.0).max(1.0);
        self.prior = (lambda * candidates / total_pairs).clamp(FLOOR * FLOOR, 0.5);
    }
}

/// Expected matches behind the anchor sessions' estimates of a comparison above
/// which only they are used (see [`combine_sessions`]).
const ANCHOR_MATCHES: f64 = 200.0;

/// One comparison's m from the sessions that estimated it.
///
/// Sessions of rules that block on a selector alone (a document, a phone, a
/// biometric reference) are trusted over the others when they saw enough matches.
/// In a session blocked on a name, most pairs at hub scale are strangers who share a
/// common name (and with it a nationality and a sex), and EM's "match" class takes
/// them in: at 100,000 multi-script records with concentrated names such sessions
/// put m of "birth dates completely different" at 0.45 where the truth is about 0.02,
/// so that a different birth date, passport and phone cost a same-name stranger a
/// few bits only. Pairs that share a document or a phone split cleanly on names
/// instead. Without enough anchor matches (data without selectors), every session
/// counts equally, as Splink averages its sessions.
fn combine_sessions(estimates: &[(Vec<f64>, bool, f64)]) -> Option<Vec<f64>> {
    let anchored: f64 = estimates.iter().filter(|e| e.1).map(|e| e.2).sum();
    let chosen: Vec<&Vec<f64>> = estimates
        .iter()
        .filter(|e| anchored < ANCHOR_MATCHES || e.1)
        .map(|e| &e.0)
        .collect();
    let first = chosen.first()?;
    let mut m = vec![0.0; first.len()];
    for e in &chosen {
        for (x, y) in m.iter_mut().zip(e.iter()) {
            *x += y;
        }
    }
    Some(m.into_iter().map(|x| x / chosen.len() as f64).collect())
}

/// Adds `y`'s counts to `x`.
fn add_counts(x: &mut Counts, y: Counts) {
    for (p, n) in y {
        *x.entry(p).or_default() += n;
    }
}

/// Probability from a match weight.
pub fn probability(weight: f64) -> f64 {
    let odds = weight.exp2();
    if odds.is_infinite() { 1.0 } else { odds / (1.0 + odds) }
}

fn normalise(v: &mut [f64]) {
    let s: f64 = v.iter().skip(1).sum();
    if s > 0.0 {
        for x in v.iter_mut().skip(1) {
            *x /= s;
        }
    }
}

/// u per level from about `sample` pairs of random records (seeded): nearly all
/// random pairs are non-matches, so how often they land on a level is u.
///
/// As Splink does (`estimate_u_using_random_sampling`), the pairs are every pair
/// among a random sample of records, k of them with k(k-1)/2 ≈ `sample`, rather
/// than `sample` independently drawn pairs. The estimate is as unbiased, and the
/// sample's features (about 1,400 records for a million pairs) stay in cache: with
/// pairs drawn across 100,000 records, chasing each name's keys through memory was
/// three quarters of a run's training.
fn estimate_u(features: &[Features], attributes: &[Attribute], sample: usize, seed: u64) -> Vec<Vec<f64>> {
    use rayon::prelude::*;
    let zero: Vec<Vec<f64>> = attributes.iter().map(|c| vec![0.0; c.levels().len()]).collect();
    let n = features.len();
    // The smallest k whose pairs reach `sample`, at most every record.
    let mut k = ((2.0 * sample as f64).sqrt().ceil() as usize).max(2);
    while k * (k - 1) / 2 < sample {
        k += 1;
    }
    while k > 2 && (k - 1) * (k - 2) / 2 >= sample {
        k -= 1;
    }
    let k = k.min(n);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut chosen: Vec<usize> = if k >= 2 {
        rand::seq::index::sample(&mut rng, n, k).into_vec()
    } else {
        Vec::new()
    };
    chosen.sort_unstable();
    let chosen: Vec<&Features> = chosen.iter().map(|&i| &features[i]).collect();
    // The sample's names through a table whose every pair of tokens is scored once
    // (a few hundred tokens meet each other in a million pairs of names), the other
    // comparisons through interned rows: the same levels as `Attribute::level`.
    let (table, name_of) = name_table(chosen.iter().copied());
    let scores = (table.distinct_tokens() <= MAX_SCORED_TOKENS).then(|| table.all_token_scores());
    let compact = Compact::new(chosen.iter().copied());
    let level = |attribute: Attribute, i: usize, j: usize| match (attribute, &scores) {
        (Attribute::Name, Some(scores)) => match (name_of[i], name_of[j]) {
            (NO_NAME, _) | (_, NO_NAME) => 0,
            (x, y) => {
                let (x, y) = (x as usize, y as usize);
                compare::name_level(table.similarity_scored(x, y, scores), || {
                    table.shares_token_scored(x, y, scores)
                })
            }
        },
        _ => compact.level(attribute, i as u32, j as u32),
    };
    // Counts are integers, so the sum is the same in any order.
    let counts = (0..chosen.len())
        .into_par_iter()
        .with_min_len(8)
        .fold(
            || zero.clone(),
            |mut c, i| {
                for j in i + 1..chosen.len() {
                    for (ci, attr) in c.iter_mut().zip(attributes) {
                        ci[level(*attr, i, j) as usize] += 1.0;
                    }
                }
                c
            },
        )
        .reduce(
            || zero.clone(),
            |mut x, y| {
                for (xi, yi) in x.iter_mut().zip(y) {
                    for (a, b) in xi.iter_mut().zip(yi) {
                        *a += b;
                    }
                }
                x
            },
        );
    counts
        .into_iter()
        .map(|mut c| {
            c[0] = 0.0;
            // Add-one smoothing, so a level no random pair reached (a shared
            // biometric) gets a small u rather than zero.
            for x in c.iter_mut().skip(1) {
                *x += 1.0;
            }
            normalise(&mut c);
            c[0] = 1.0;
            c
        })
        .collect()
}

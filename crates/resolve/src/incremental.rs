//! Matching records as they arrive, against identities already resolved, without a
//! batch re-run: per-key indexes (the blocking rules' keys) find the candidates, the
//! trained model scores them, and the same guards as batch clustering decide
//! (strongest first; no join across a strong disagreement, an analyst's rejection,
//! or the victim/suspect line). A new record that links two identities joins them,
//! as a batch run would.

use std::collections::HashMap;

use serde::Serialize;

use crate::blocking::{Rule, rule_keys};
use crate::cluster::{Clusters, Held, Policy};
use crate::model::{Model, TermFrequencies};
use crate::record::{Features, Record};

/// What happened to one added record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Added {
    /// The identity it now belongs to (its own id when it matched nothing).
    pub identity: String,
    /// Candidates scored.
    pub candidates: usize,
    /// Records it was joined through, with the probability.
    pub joined: Vec<(String, f64)>,
    /// Candidates held for review, with the reason.
    pub review: Vec<(String, f64, Held)>,
}

/// Resolved records with their keys indexed.
pub struct Index {
    model: Model,
    weights: crate::model::Weights,
    rules: Vec<Rule>,
    policy: Policy,
    tf: TermFrequencies,
    max_block: usize,
    /// Per rule, the largest block a batch run compared (see [`crate::Limits`]).
    block_limits: Vec<usize>,
    ids: Vec<String>,
    features: Vec<Features>,
    clusters: Clusters,
    /// (rule, block key) → the records with that key.
    keys: HashMap<(usize, u64), Vec<u32>>,
    by_id: HashMap<String, u32>,
    rejected: std::collections::HashSet<(String, String)>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index").field("records", &self.ids.len()).finish()
    }
}

impl Index {
    /// An empty index for a trained model. `tf` are the term frequencies of the
    /// resolved population (they change little as records arrive).
    pub fn new(model: Model, rules: Vec<Rule>, policy: Policy, tf: TermFrequencies) -> Index {
        Index {
            weights: model.weights(),
            model,
            rules,
            policy,
            tf,
            max_block: 2_000,
            block_limits: Vec::new(),
            ids: Vec::new(),
            features: Vec::new(),
            clusters: Clusters::default(),
            keys: HashMap::new(),
            by_id: HashMap::new(),
            rejected: std::collections::HashSet::new(),
        }
    }

    /// The block limit of each rule in the batch run this index continues (its
    /// [`crate::RuleReport::block_limit`]s): a new record is compared with a block
    /// only if the batch run would have compared that block with it in.
    pub fn set_block_limits(&mut self, limits: &[usize]) {
        self.block_limits = limits.to_vec();
    }

    /// Pairs an analyst rejected; always respected.
    pub fn reject(&mut self, a: &str, b: &str) {
        self.rejected.insert((a.min(b).to_string(), a.max(b).to_string()));
    }

    /// Indexes a record a batch run already resolved, joining it to `identity` (the
    /// id of the identity's first record) without scoring anything: how the index
    /// is rebuilt from a stored resolution.
    pub fn insert_resolved(&mut self, record: &Record, identity: &str) {
        self.insert_resolved_with(record, Features::of(record), identity);
    }

    /// [`Index::insert_resolved`] with the record's features already computed (as
    /// [`Features::of_all`] computes them for a whole store).
    pub fn insert_resolved_with(&mut self, record: &Record, f: Features, identity: &str) {
        let me = self.push(record, f);
        if let Some(&root) = self.by_id.get(identity)
            && root != me
        {
            self.clusters.union(root, me);
        }
    }

    /// Appends a record and its keys; returns its index.
    fn push(&mut self, record: &Record, f: Features) -> u32 {
        let me = self.ids.len() as u32;
        for (r, rule) in self.rules.iter().enumerate() {
            for k in rule_keys(&f, rule) {
                self.keys.entry((r, k)).or_default().push(me);
            }
        }
        self.ids.push(record.id.clone());
        self.by_id.insert(record.id.clone(), me);
        self.features.push(f);
        self.clusters.push(record.category);
        me
    }

    /// Matches `record` against everything indexed, joins it where the evidence and
    /// the guards allow, and indexes it.
    pub fn add(&mut self, record: &Record) -> Added {
        self.add_with(record, Features::of(record))
    }

    /// [`Index::add`] with the record's features already computed.
    pub fn add_with(&mut self, record: &Record, f: Features) -> Added {
        let mut candidates: Vec<u32> = Vec::new();
        for (r, rule) in self.rules.iter().enumerate() {
            for k in rule_keys(&f, rule) {
                let limit = self
                    .block_limits
                    .get(r)
                    .copied()
                    .unwrap_or(usize::MAX)
                    .min(self.max_block);
                if let Some(found) = self.keys.get(&(r, k))
                    && found.len() < limit
                {
                    candidates.extend(found);
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut scored: Vec<(u32, f64, f64)> = candidates
            .iter()
            .map(|&c| {
                let other = &self.features[c as usize];
                let (w, p) = self
                    .weights
                    .score(crate::model::packed_pattern(&f, other), &f, other, &self.tf);
                (c, w, p)
            })
            .collect();
        scored.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        let me = self.push(record, f);
        let prior_weight = self.model.prior_weight();
        let apart: Vec<u32> = scored
            .iter()
            .filter(|s| s.1 - prior_weight <= self.policy.split_weight)
            .map(|s| s.0)
            .collect();
        let mut joined = Vec::new();
        let mut review = Vec::new();
        for &(c, w, p) in &scored {
            if p < self.policy.review_probability {
                break;
            }
            let (rc, rm) = (self.clusters.find(c), self.clusters.find(me));
            if rc == rm {
                continue;
            }
            if p < self.policy.match_probability {
                review.push((self.ids[c as usize].clone(), p, Held::Uncertain));
                continue;
            }
            let held = self.guard(
                rc,
                rm,
                &apart,
                w - self.model.prior_weight() >= self.policy.trusted_evidence,
                (c, me),
            );
            match held {
                Some(h) => review.push((self.ids[c as usize].clone(), p, h)),
                None => {
                    self.clusters.union(rc, rm);
                    joined.push((self.ids[c as usize].clone(), p));
                }
            }
        }
        let root = self.clusters.find(me);
        let identity = self.clusters.members[root as usize]
            .iter()
            .min()
            .map(|&i| self.ids[i as usize].clone())
            .unwrap_or_default();
        Added {
            identity,
            candidates: scored.len(),
            joined,
            review,
        }
    }

    fn guard(&mut self, rc: u32, rm: u32, apart: &[u32], trusted: bool, link: (u32, u32)) -> Option<Held> {
        for &a in apart {
            if self.clusters.find(a) == rc {
                return Some(Held::Conflict);
            }
        }
        let (xs, ys) = (&self.clusters.members[rc as usize], &self.clusters.members[rm as usize]);
        if !trusted
            && xs.len() * ys.len() <= 40_000
            && xs.iter().any(|&x| {
                ys.iter().any(|&y| {
                    (x, y) != (link.0, link.1)
                        && (y, x) != (link.0, link.1)
                        && crate::compare::hard_conflict(&self.features[x as usize], &self.features[y as usize])
                })
            })
        {
            return Some(Held::Conflict);
        }
        let mine: Vec<String> = self.clusters.members[rm as usize]
            .iter()
            .map(|&m| self.ids[m as usize].clone())
            .collect();
        for &o in &self.clusters.members[rc as usize] {
            let other = &self.ids[o as usize];
            if mine.iter().any(|x| {
                self.rejected
                    .contains(&(x.as_str().min(other).to_string(), x.as_str().max(other).to_string()))
            }) {
                return Some(Held::Rejected);
            }
        }
        if self.clusters.sides[rc as usize] | self.clusters.sides[rm as usize] == 3 {
            return Some(Held::ProtectedCategory);
        }
        None
    }

    /// The identity of every indexed record, in the order they were added.
    pub fn identities(&mut self) -> Vec<String> {
        (0..self.ids.len() as u32)
            .map(|i| {
                let r = self.clusters.find(i);
                self.clusters.members[r as usize]
                    .iter()
                    .min()
                    .map(|&m| self.ids[m as usize].clone())
                    .unwrap_or_default()
            })
            .collect()
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

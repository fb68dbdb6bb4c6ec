//! Matching records as they arrive, against identities already resolved, without a
//! batch re-run: per-key indexes (the blocking rules' keys) find the candidates, the
//! trained model scores them, and the guards of batch clustering decide, through the
//! same code (`cluster::Clusters`): strongest first; no join across a strong
//! disagreement, an analyst's rejection, conflicting full birth dates, different
//! sexes or the victim/suspect line, and none past the identity size bound without
//! a corroborated link. A new record that links two identities joins them, as a
//! batch run would.

use std::collections::HashMap;

use serde::Serialize;

use crate::blocking::{Rule, rule_keys};
use crate::cluster::{Clusters, Held, Policy, Traits};
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
    /// Analysts' rejections by record id, both ways: applied to the clusters as soon
    /// as both records are indexed.
    rejected: HashMap<String, Vec<String>>,
    /// Blocks (by [`match_key`]) the resolved population holds too many records of
    /// to compare: an index of a few identities read for one new record (see
    /// [`Index::skip_blocks`]) still applies the block limits to the whole
    /// population's blocks.
    skipped: std::collections::HashSet<i64>,
}

/// A record's blocking keys under `rules`, each folded with its rule's position
/// into one integer: what a store keeps to find a new record's candidates without
/// reading every record. The rule takes the top byte, the key the other 56 bits (a
/// collision only makes a block larger, as a hash collision within a rule does).
pub fn match_keys(rules: &[Rule], f: &Features) -> Vec<i64> {
    let mut keys: Vec<i64> = rules
        .iter()
        .enumerate()
        .flat_map(|(r, rule)| rule_keys(f, rule).into_iter().map(move |k| match_key(r, k)))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// What made the keys of [`match_keys`] under `rules`: a stored index in another
/// format (other rules, another hash, name keys of another version) finds nothing
/// right and must not be used.
pub fn match_format(rules: &[Rule]) -> String {
    let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
    format!(
        "xxh3, rule in the top byte, name keys v{}: {}",
        corridor_normalize::KEYS_VERSION,
        names.join("; ")
    )
}

/// One key of [`match_keys`].
pub fn match_key(rule: usize, key: u64) -> i64 {
    (((rule as u64 & 0xff) << 56) | (key & 0x00ff_ffff_ffff_ffff)) as i64
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
            max_block: crate::blocking::MAX_BLOCK,
            block_limits: Vec::new(),
            ids: Vec::new(),
            features: Vec::new(),
            clusters: Clusters::default(),
            keys: HashMap::new(),
            by_id: HashMap::new(),
            rejected: HashMap::new(),
            skipped: std::collections::HashSet::new(),
        }
    }

    /// The block limit of each rule in the batch run this index continues (its
    /// [`crate::RuleReport::block_limit`]s): a new record is compared with a block
    /// only if the batch run would have compared that block with it in.
    pub fn set_block_limits(&mut self, limits: &[usize]) {
        self.block_limits = limits.to_vec();
    }

    /// Blocks (by [`match_key`]) not to compare whatever this index holds of them:
    /// those at or over their rule's limit in the resolved population.
    pub fn skip_blocks(&mut self, skipped: std::collections::HashSet<i64>) {
        self.skipped = skipped;
    }

    /// Pairs an analyst rejected; always respected by later joins. Give them before
    /// the records are indexed (as the CLI does, from the stored decisions): a
    /// rejection of two records already in one identity cannot split it here; a
    /// batch run does.
    pub fn reject(&mut self, a: &str, b: &str) {
        self.rejected.entry(a.to_string()).or_default().push(b.to_string());
        self.rejected.entry(b.to_string()).or_default().push(a.to_string());
        if let (Some(&x), Some(&y)) = (self.by_id.get(a), self.by_id.get(b)) {
            self.clusters.reject(x, y);
        }
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
        self.clusters.push(Traits::of(&f, record.category));
        self.features.push(f);
        if let Some(partners) = self.rejected.get(&record.id) {
            let known: Vec<u32> = partners.iter().filter_map(|p| self.by_id.get(p).copied()).collect();
            for other in known.into_iter().filter(|&o| o != me) {
                self.clusters.reject(me, other);
            }
        }
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
                    && !self.skipped.contains(&match_key(r, k))
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
        for s in &scored {
            if s.1 - prior_weight <= self.policy.split_weight {
                self.clusters.keep_apart(me, s.0);
            }
        }
        let mut joined = Vec::new();
        let mut review = Vec::new();
        // Identities already held against this record: their other candidates ask
        // the same question (and would cost the same checks again).
        let mut held_roots: Vec<u32> = Vec::new();
        for &(c, w, p) in &scored {
            if p < self.policy.review_probability {
                break;
            }
            let root = self.clusters.find(c);
            if root == self.clusters.find(me) {
                continue;
            }
            let seen = held_roots.contains(&root);
            let link = if p < self.policy.match_probability {
                crate::cluster::Corroboration::None
            } else {
                crate::compare::corroboration(&self.features[c as usize], &self.features[me as usize])
            };
            if seen && link == crate::cluster::Corroboration::None {
                continue;
            }
            if p < self.policy.match_probability {
                review.push((self.ids[c as usize].clone(), p, Held::Uncertain));
                held_roots.push(root);
                continue;
            }
            match self.clusters.held(c, me, link, w - prior_weight, &self.policy) {
                Some(_) if seen => {}
                Some(h) => {
                    review.push((self.ids[c as usize].clone(), p, h));
                    held_roots.push(root);
                }
                None => {
                    self.clusters.union(c, me);
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

//! Blocking: which pairs get compared at all. A rule is a conjunction of keys; the
//! rules are OR-ed, and a pair is a candidate once, with the set of rules that
//! produce it. Every rule is counted before any pair is built, and a block larger
//! than the limit is left out with a warning instead of exploding into millions of
//! pairs (a surname like Mohammadi with no other key would).

use serde::{Deserialize, Serialize};

use crate::record::Features;

/// One part of a blocking rule's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Key {
    /// Consonant skeleton of the surname (every spelling).
    SurnameSkeleton,
    /// Consonant skeleton of the given names (every spelling).
    GivenSkeleton,
    /// Double Metaphone of the whole name, tokens sorted.
    NamePhonetic,
    /// Consonant skeletons of the whole name, tokens sorted (catches given name and
    /// surname written in each other's field).
    NameSkeleton,
    BirthYear,
    /// Full birth date, or its day and month swapped.
    BirthDate,
    Phone,
    Document,
    Biometric,
    /// The numbers in the address (house number, postcode), sorted.
    AddressNumbers,
    /// The words of the address (street, town), sorted.
    AddressWords,
}

/// An AND of keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub name: String,
    pub keys: Vec<Key>,
}

impl Rule {
    fn new(keys: &[Key]) -> Rule {
        Rule {
            name: keys
                .iter()
                .map(|k| {
                    serde_json::to_value(k)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join("+"),
            keys: keys.to_vec(),
        }
    }
}

/// The default rules: selectors on their own, names with a birth year or date.
pub fn default_rules() -> Vec<Rule> {
    vec![
        Rule::new(&[Key::Biometric]),
        Rule::new(&[Key::Document]),
        Rule::new(&[Key::Phone]),
        Rule::new(&[Key::SurnameSkeleton, Key::BirthYear]),
        Rule::new(&[Key::GivenSkeleton, Key::BirthDate]),
        Rule::new(&[Key::NamePhonetic, Key::BirthYear]),
        Rule::new(&[Key::SurnameSkeleton, Key::GivenSkeleton]),
        Rule::new(&[Key::NameSkeleton]),
        Rule::new(&[Key::BirthDate]),
        Rule::new(&[Key::AddressNumbers]),
        Rule::new(&[Key::AddressWords]),
        Rule::new(&[Key::SurnameSkeleton, Key::AddressNumbers]),
    ]
}

fn values(f: &Features, k: Key) -> Vec<String> {
    let skeletons = |keys: &Option<corridor_normalize::NameKeys>| -> Vec<String> {
        keys.as_ref()
            .map(|k| {
                k.keys
                    .iter()
                    .filter_map(|s| s.strip_prefix("skeleton:"))
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    match k {
        Key::SurnameSkeleton => skeletons(&f.surname),
        Key::GivenSkeleton => skeletons(&f.given),
        Key::NamePhonetic => f
            .name
            .as_ref()
            .map(|k| {
                k.keys
                    .iter()
                    .filter_map(|s| s.strip_prefix("phonetic:"))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        Key::NameSkeleton => f
            .name
            .as_ref()
            .map(|k| {
                k.keys
                    .iter()
                    .filter_map(|s| s.strip_prefix("skeleton:"))
                    .filter(|s| s.contains(' '))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        Key::BirthYear => f.birth.map(|d| vec![d.year.to_string()]).unwrap_or_default(),
        Key::BirthDate => match f.birth {
            Some(d) if d.day.is_some() => {
                let mut v = vec![d.to_string()];
                if let (Some(m), Some(day)) = (d.month, d.day)
                    && day <= 12
                    && day != m
                {
                    v.push(format!("{:04}-{day:02}-{m:02}", d.year));
                }
                v
            }
            _ => Vec::new(),
        },
        Key::AddressNumbers => {
            let numbers: Vec<&str> = f
                .address
                .iter()
                .filter(|t| t.chars().all(|c| c.is_ascii_digit()))
                .map(String::as_str)
                .collect();
            if numbers.is_empty() {
                Vec::new()
            } else {
                vec![numbers.join(" ")]
            }
        }
        Key::AddressWords => {
            let words: Vec<&str> = f
                .address
                .iter()
                .filter(|t| !t.chars().all(|c| c.is_ascii_digit()))
                .map(String::as_str)
                .collect();
            if words.len() < 2 {
                Vec::new()
            } else {
                vec![words.join(" ")]
            }
        }
        Key::Phone => f.phones.clone(),
        Key::Document => f.documents.clone(),
        Key::Biometric => f.biometrics.clone(),
    }
}

/// The keys of one record under one rule (the cross product of each part's values).
pub fn rule_keys(f: &Features, rule: &Rule) -> Vec<String> {
    let mut acc = vec![String::new()];
    for k in &rule.keys {
        let vals = values(f, *k);
        if vals.is_empty() {
            return Vec::new();
        }
        let mut next = Vec::with_capacity(acc.len() * vals.len());
        for a in &acc {
            for v in &vals {
                next.push(if a.is_empty() { v.clone() } else { format!("{a}|{v}") });
            }
        }
        acc = next;
        acc.truncate(16);
    }
    acc.sort_unstable();
    acc.dedup();
    acc
}

/// What one rule produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleReport {
    pub rule: String,
    /// Pairs the rule's blocks hold, before removing pairs an earlier rule produced.
    pub pairs_before_dedup: u64,
    /// New candidate pairs this rule added.
    pub new_pairs: u64,
    /// Blocks left out because they were larger than the limit.
    pub oversized_blocks: u64,
    pub largest_block: u64,
}

impl Key {
    /// The comparison a key agrees on: a pair blocked on it tells EM nothing about
    /// that comparison's m.
    pub fn attribute(self) -> crate::compare::Attribute {
        use crate::compare::Attribute;
        match self {
            Key::SurnameSkeleton | Key::GivenSkeleton | Key::NamePhonetic | Key::NameSkeleton => Attribute::Name,
            Key::BirthYear | Key::BirthDate => Attribute::BirthDate,
            Key::Phone => Attribute::Phone,
            Key::Document => Attribute::Document,
            Key::Biometric => Attribute::Biometric,
            Key::AddressNumbers | Key::AddressWords => Attribute::Address,
        }
    }
}

/// A candidate pair (`a < b`) and the rules that produced it: bit `r` of `rules` is
/// set when rule `r` put both records in one block. Training needs each rule's own
/// pairs (a rule's EM session must see pairs an earlier rule also found, or it would
/// learn that, say, no match ever shares a phone); scoring needs each pair once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub a: u32,
    pub b: u32,
    pub rules: u32,
}

/// At most this many rules (one bit each in [`Candidate::rules`]); later rules are
/// reported with every block oversized and produce no pairs.
pub const MAX_RULES: usize = 32;

/// Candidate pairs sorted by `(a, b)`, each once with the rules that produced it, and
/// a report per rule. Blocks with more than `max_block` records are skipped and
/// reported.
///
/// Built by sorting rather than hashing pairs: each rule's block keys are hashed to
/// 64 bits and sorted (a collision only merges two blocks, adding pairs that are
/// scored like any other), each block's pairs are packed into one integer, sorted and
/// merged into the running list. This keeps a million records' tens of millions of
/// pairs in flat vectors on both cores instead of hash sets.
pub fn candidates(features: &[Features], rules: &[Rule], max_block: usize) -> (Vec<Candidate>, Vec<RuleReport>) {
    use rayon::prelude::*;
    let mut all: Vec<Candidate> = Vec::new();
    let mut reports = Vec::new();
    for (rule_index, rule) in rules.iter().enumerate() {
        let mut report = RuleReport {
            rule: rule.name.clone(),
            pairs_before_dedup: 0,
            new_pairs: 0,
            oversized_blocks: 0,
            largest_block: 0,
        };
        let mut keyed: Vec<(u64, u32)> = features
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, f)| rule_keys(f, rule).into_iter().map(move |k| (key_hash(&k), i as u32)))
            .collect();
        keyed.par_sort_unstable();
        keyed.dedup();
        let mut blocks: Vec<&[(u64, u32)]> = keyed.chunk_by(|x, y| x.0 == y.0).collect();
        for block in &blocks {
            let n = block.len() as u64;
            report.largest_block = report.largest_block.max(n);
            if block.len() > max_block || rule_index >= MAX_RULES {
                report.oversized_blocks += 1;
            } else {
                report.pairs_before_dedup += n * n.saturating_sub(1) / 2;
            }
        }
        blocks.retain(|b| b.len() > 1 && b.len() <= max_block && rule_index < MAX_RULES);
        let mut pairs: Vec<u64> = blocks
            .par_iter()
            .flat_map_iter(|block| {
                (0..block.len()).flat_map(move |i| {
                    block[i + 1..]
                        .iter()
                        .map(move |&(_, b)| (u64::from(block[i].1) << 32) | u64::from(b))
                })
            })
            .collect();
        drop(keyed);
        pairs.par_sort_unstable();
        pairs.dedup();
        let bit = if rule_index < MAX_RULES { 1u32 << rule_index } else { 0 };
        let (merged, new_pairs) = merge(&all, &pairs, bit);
        report.new_pairs = new_pairs;
        all = merged;
        reports.push(report);
    }
    (all, reports)
}

/// Merges a rule's sorted packed pairs into the sorted candidates; returns the new
/// list and how many pairs were new.
fn merge(all: &[Candidate], pairs: &[u64], bit: u32) -> (Vec<Candidate>, u64) {
    let unpack = |p: u64| Candidate {
        a: (p >> 32) as u32,
        b: p as u32,
        rules: bit,
    };
    let mut out = Vec::with_capacity(all.len() + pairs.len());
    let (mut i, mut j, mut new) = (0, 0, 0);
    while i < all.len() && j < pairs.len() {
        let c = all[i];
        let p = unpack(pairs[j]);
        match (c.a, c.b).cmp(&(p.a, p.b)) {
            std::cmp::Ordering::Less => {
                out.push(c);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(p);
                new += 1;
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(Candidate {
                    rules: c.rules | bit,
                    ..c
                });
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&all[i..]);
    new += (pairs.len() - j) as u64;
    out.extend(pairs[j..].iter().map(|&p| unpack(p)));
    (out, new)
}

/// A block key's 64-bit hash (`DefaultHasher::new` has fixed keys: the same in every
/// run).
fn key_hash(k: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    k.hash(&mut h);
    h.finish()
}

//! Blocking: which pairs get compared at all. A rule is a conjunction of keys; the
//! rules are OR-ed, and a pair is a candidate once, under the first rule that
//! produces it. Every rule is counted before any pair is built, and a block larger
//! than the limit is left out with a warning instead of exploding into millions of
//! pairs (a surname like Mohammadi with no other key would).

use std::collections::HashMap;

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

/// Candidate pairs `(a, b)` with `a < b`, and a report per rule. Blocks with more
/// than `max_block` records are skipped and reported.
pub fn candidates(features: &[Features], rules: &[Rule], max_block: usize) -> (Vec<(u32, u32)>, Vec<RuleReport>) {
    let (pairs, reports) = candidates_by_rule(features, rules, max_block);
    let mut out: Vec<(u32, u32)> = pairs.into_iter().map(|(a, b, _)| (a, b)).collect();
    out.sort_unstable();
    out.dedup();
    (out, reports)
}

/// Every pair each rule produces, with the rule's index: a pair two rules produce
/// appears twice. Training needs each rule's own pairs (a rule's EM session must see
/// pairs an earlier rule also found, or it would learn that, say, no match ever
/// shares a phone); scoring uses the deduplicated [`candidates`].
pub fn candidates_by_rule(
    features: &[Features],
    rules: &[Rule],
    max_block: usize,
) -> (Vec<(u32, u32, u16)>, Vec<RuleReport>) {
    let mut seen: std::collections::HashSet<(u32, u32)> = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut reports = Vec::new();
    for (rule_index, rule) in rules.iter().enumerate() {
        let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, f) in features.iter().enumerate() {
            for k in rule_keys(f, rule) {
                blocks.entry(k).or_default().push(i as u32);
            }
        }
        let mut report = RuleReport {
            rule: rule.name.clone(),
            pairs_before_dedup: 0,
            new_pairs: 0,
            oversized_blocks: 0,
            largest_block: 0,
        };
        let mut rule_seen: std::collections::HashSet<(u32, u32)> = std::collections::HashSet::new();
        let mut keys: Vec<String> = blocks.keys().cloned().collect();
        keys.sort_unstable();
        for key in keys {
            let Some(members) = blocks.get_mut(&key) else { continue };
            members.sort_unstable();
            members.dedup();
            let n = members.len() as u64;
            report.largest_block = report.largest_block.max(n);
            if members.len() > max_block {
                report.oversized_blocks += 1;
                continue;
            }
            report.pairs_before_dedup += n * n.saturating_sub(1) / 2;
            for (i, &a) in members.iter().enumerate() {
                for &b in &members[i + 1..] {
                    if seen.insert((a, b)) {
                        report.new_pairs += 1;
                    }
                    if rule_seen.insert((a, b)) {
                        out.push((a, b, rule_index as u16));
                    }
                }
            }
        }
        reports.push(report);
    }
    (out, reports)
}

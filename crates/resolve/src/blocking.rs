//! Blocking: which pairs get compared at all. A rule is a conjunction of keys; the
//! rules are OR-ed, and a pair is a candidate once, with the set of rules that
//! produce it. Every rule is counted before any pair is built, and a block larger
//! than the limit is left out with a warning instead of exploding into millions of
//! pairs (a surname like Mohammadi with no other key would).

use std::borrow::Cow;

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
    /// The consonant skeleton of any one token of the name (given names and
    /// surname alike): two records of one person whose names share one token
    /// spelt alike (a father's name added, names in each other's field, the other
    /// token misspelt or read from another script).
    NameToken,
    BirthYear,
    /// Full birth date, or its day and month swapped.
    BirthDate,
    /// The month and day of a full birth date (or swapped): a year mistyped or one
    /// off keeps them.
    BirthMonthDay,
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
    /// Keys that split the rule's blocks that are too large to compare whole, each
    /// on its own (see [`candidates`]): a pair in an oversized block is compared
    /// when it agrees on any one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refine: Vec<Key>,
}

impl Rule {
    /// A rule on one value that strangers share by chance (a birth date, a birth
    /// year, a surname or given names alone). Such a rule gets a tenth of the pair
    /// budget and no training session of its own: at a million records a birth
    /// date alone gave 8.65 million candidate pairs, nearly all strangers, a quarter
    /// of comparing, and a session that took strangers for matches; at 100,000 records
    /// of the multi-script population its 231,000 new pairs held 706 links. Small
    /// files (FEBRL: typos in every name field, the date intact) still get all of it.
    pub fn is_weak(&self) -> bool {
        matches!(
            self.keys.as_slice(),
            [Key::BirthDate | Key::BirthYear | Key::SurnameSkeleton | Key::GivenSkeleton]
        )
    }

    /// The same rule, its oversized blocks split by each of `keys`.
    fn refined_by(self, keys: &[Key]) -> Rule {
        Rule {
            refine: keys.to_vec(),
            ..self
        }
    }

    /// The rule's keys and then `key`.
    fn with(&self, key: Key) -> Rule {
        let mut keys = self.keys.clone();
        keys.push(key);
        Rule::new(&keys)
    }

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
            refine: Vec::new(),
        }
    }
}

/// The default rules: selectors on their own, names with a birth year or date,
/// names together, addresses, and last the birth date alone, a weak rule (see
/// [`Rule::is_weak`]) for records whose names are too mangled for any name key.
///
/// A rule whose blocks grow too large at hub scale is refined (its oversized blocks
/// split by one more key, each of several keys on its own) rather than left out. The
/// refining keys are those a true pair in such a block still agrees on despite the
/// commonest errors: at a million records of the multi-script population, names
/// refined by the birth year alone lost every pair with the year mistyped or one
/// off (13,000 true pairs), and the surname and year refined by the given names
/// alone every pair whose given names were spelt apart (the commonest miss: 25,000
/// true pairs sharing a full birth date).
pub fn default_rules() -> Vec<Rule> {
    vec![
        Rule::new(&[Key::Biometric]),
        Rule::new(&[Key::Document]),
        Rule::new(&[Key::Phone]).refined_by(&[Key::SurnameSkeleton]),
        Rule::new(&[Key::SurnameSkeleton, Key::BirthYear]).refined_by(&[Key::GivenSkeleton, Key::BirthDate]),
        Rule::new(&[Key::NameToken, Key::BirthDate]).refined_by(&[Key::SurnameSkeleton, Key::GivenSkeleton]),
        Rule::new(&[Key::NamePhonetic, Key::BirthYear]).refined_by(&[Key::BirthDate]),
        Rule::new(&[Key::SurnameSkeleton, Key::GivenSkeleton]).refined_by(&[Key::BirthYear, Key::BirthMonthDay]),
        Rule::new(&[Key::NameSkeleton]).refined_by(&[Key::BirthYear, Key::BirthMonthDay]),
        Rule::new(&[Key::AddressNumbers]).refined_by(&[Key::SurnameSkeleton]),
        Rule::new(&[Key::AddressWords]).refined_by(&[Key::SurnameSkeleton]),
        Rule::new(&[Key::SurnameSkeleton, Key::AddressNumbers]),
        Rule::new(&[Key::BirthDate]),
    ]
}

fn values(f: &Features, k: Key) -> Vec<Cow<'_, str>> {
    match k {
        Key::SurnameSkeleton => borrowed(&f.surname_skeletons),
        Key::GivenSkeleton => borrowed(&f.given_skeletons),
        Key::NamePhonetic => f
            .name
            .as_ref()
            .map(|k| {
                k.keys
                    .iter()
                    .filter_map(|s| s.strip_prefix("phonetic:"))
                    .map(Cow::Borrowed)
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
                    .map(Cow::Borrowed)
                    .collect()
            })
            .unwrap_or_default(),
        Key::NameToken => {
            let mut v: Vec<Cow<'_, str>> = f
                .name
                .as_ref()
                .map(|k| {
                    k.tokens
                        .iter()
                        .flat_map(|t| t.skeleton.iter())
                        .filter(|s| !s.is_empty())
                        .map(|s| Cow::Borrowed(s.as_str()))
                        .collect()
                })
                .unwrap_or_default();
            v.sort_unstable();
            v.dedup();
            v
        }
        Key::BirthMonthDay => match f.birth {
            Some(d) => match (d.month, d.day) {
                (Some(m), Some(day)) => {
                    let mut v = vec![Cow::Owned(format!("{m:02}-{day:02}"))];
                    if day <= 12 && day != m {
                        v.push(Cow::Owned(format!("{day:02}-{m:02}")));
                    }
                    v
                }
                _ => Vec::new(),
            },
            None => Vec::new(),
        },
        Key::BirthYear => f
            .birth
            .map(|d| vec![Cow::Owned(d.year.to_string())])
            .unwrap_or_default(),
        Key::BirthDate => match f.birth {
            Some(d) if d.day.is_some() => {
                let mut v = vec![Cow::Owned(d.to_string())];
                if let (Some(m), Some(day)) = (d.month, d.day)
                    && day <= 12
                    && day != m
                {
                    v.push(Cow::Owned(format!("{:04}-{day:02}-{m:02}", d.year)));
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
                vec![Cow::Owned(numbers.join(" "))]
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
                vec![Cow::Owned(words.join(" "))]
            }
        }
        Key::Phone => borrowed(&f.phones),
        Key::Document => borrowed(&f.documents),
        Key::Biometric => borrowed(&f.biometrics),
    }
}

fn borrowed(values: &[String]) -> Vec<Cow<'_, str>> {
    values.iter().map(|v| Cow::Borrowed(v.as_str())).collect()
}

/// The keys of one record under one rule: the cross product of each part's values
/// (at most 16), each key a 64-bit hash of its parts in order. Blocks are made of
/// equal keys; hashing the parts instead of joining them into strings spares an
/// allocation per key and record (most of blocking's time at 100k records). The
/// hasher has fixed keys, so keys are the same in every run and process.
pub fn rule_keys(f: &Features, rule: &Rule) -> Vec<u64> {
    let mut acc: Vec<u64> = vec![0];
    for k in &rule.keys {
        let vals = values(f, *k);
        if vals.is_empty() {
            return Vec::new();
        }
        let mut next = Vec::with_capacity(acc.len() * vals.len());
        for &a in &acc {
            for v in &vals {
                next.push(extend_key(a, v));
            }
        }
        acc = next;
        acc.truncate(16);
    }
    acc.sort_unstable();
    acc.dedup();
    acc
}

/// A key of parts `..., part` from the key of the parts before it: the part's bytes
/// seeded with the key before it, so no two sequences of parts run together.
/// XXH3, not `DefaultHasher`: keys are stored (the matching index), and the
/// standard library does not promise its hash stays the same between releases.
fn extend_key(key: u64, part: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(part.as_bytes(), key)
}

/// What one rule produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleReport {
    pub rule: String,
    /// Pairs the rule's blocks hold, before removing pairs an earlier rule produced.
    pub pairs_before_dedup: u64,
    /// New candidate pairs this rule added.
    pub new_pairs: u64,
    /// What the new pairs were worth, once scored: how many reached the match
    /// probability, and how many matches they hold by the model (the sum of their
    /// match probabilities). A rule whose pairs hold almost no matches only costs
    /// time and dilutes training.
    pub new_pairs_matching: u64,
    pub expected_matches: u64,
    /// Blocks left out because they were larger than the limit (after refining,
    /// the refined blocks that were still too large).
    pub oversized_blocks: u64,
    /// Blocks too large to compare whole that were split by the rule's refining
    /// key instead.
    pub refined_blocks: u64,
    pub largest_block: u64,
    /// Blocks larger than this were skipped: the smaller of the fixed limit and
    /// the size at which the rule's pairs would pass its budget.
    pub block_limit: u64,
}

impl Key {
    /// A key that is an identifier of its own (a document, phone or biometric
    /// reference) rather than a value strangers share by chance.
    pub fn is_selector(self) -> bool {
        matches!(self, Key::Phone | Key::Document | Key::Biometric)
    }

    /// The comparison a key agrees on: a pair blocked on it tells EM nothing about
    /// that comparison's m.
    pub fn attribute(self) -> crate::compare::Attribute {
        use crate::compare::Attribute;
        match self {
            Key::SurnameSkeleton | Key::GivenSkeleton | Key::NamePhonetic | Key::NameSkeleton | Key::NameToken => {
                Attribute::Name
            }
            Key::BirthYear | Key::BirthDate | Key::BirthMonthDay => Attribute::BirthDate,
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

/// How far blocking may go.
///
/// Pairs grow with the square of block sizes, and block sizes with the data: the
/// same name and birth year that ten records share at 100,000 records, a hundred
/// share at a million. A fixed block limit lets a million records produce hundreds of
/// millions of pairs (it did: 400 million, 14 GiB, before this budget). So each rule
/// gets a budget of pairs per record, and its blocks are taken smallest first up to
/// it: the biggest blocks (the commonest names, where a shared key says least) are
/// skipped and reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Blocks larger than this are always skipped.
    pub max_block: usize,
    /// Each rule's pairs are at most this many per record …
    pub pairs_per_record: f64,
    /// … or this many, whichever is larger (small data sets are compared fully).
    pub min_rule_pairs: u64,
}

/// The largest block any rule compares by default (see [`Limits::max_block`]).
pub const MAX_BLOCK: usize = 2_000;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_block: MAX_BLOCK,
            pairs_per_record: 10.0,
            min_rule_pairs: 1_000_000,
        }
    }
}

impl Limits {
    /// The pair budget of a weak rule ([`Rule::is_weak`]).
    fn weak_rule_budget(&self, records: usize) -> u64 {
        self.rule_budget(records) / 10
    }

    fn rule_budget(&self, records: usize) -> u64 {
        ((self.pairs_per_record * records as f64) as u64).max(self.min_rule_pairs)
    }
}

/// The largest block size such that every block up to it fits in `budget` pairs
/// (and at most `max_block`): whole size classes, so the limit is one number.
fn block_limit(sizes: impl Iterator<Item = usize>, budget: u64, max_block: usize) -> usize {
    let mut by_size: Vec<usize> = sizes.filter(|&s| s <= max_block).collect();
    by_size.sort_unstable();
    let mut total = 0u64;
    let mut limit = 1;
    for class in by_size.chunk_by(|a, b| a == b) {
        let s = class[0] as u64;
        let pairs = class.len() as u64 * (s * s.saturating_sub(1) / 2);
        if total + pairs > budget {
            return limit;
        }
        total += pairs;
        limit = class[0];
    }
    max_block
}

/// Candidate pairs sorted by `(a, b)`, each once with the rules that produced it, and
/// a report per rule. Blocks with more than `max_block` records are skipped and
/// reported.
///
/// Built by sorting rather than hashing pairs: each rule's block keys are hashed to
/// 64 bits and sorted (a collision only merges two blocks, adding pairs that are
/// scored like any other), each block's pairs are packed into one integer, sorted and
/// merged into the running list. This keeps a million records' tens of millions of
/// pairs in flat vectors on both cores instead of hash sets.
pub fn candidates(features: &[Features], rules: &[Rule], limits: &Limits) -> (Vec<Candidate>, Vec<RuleReport>) {
    use rayon::prelude::*;
    let budget = limits.rule_budget(features.len());
    let mut all: Vec<Candidate> = Vec::new();
    let mut reports = Vec::new();
    for (rule_index, rule) in rules.iter().enumerate() {
        let max_block = if rule_index < MAX_RULES { limits.max_block } else { 0 };
        let budget = if rule.is_weak() {
            limits.weak_rule_budget(features.len())
        } else {
            budget
        };
        let everyone = Blocked::of(features, None, rule, budget, max_block);
        let mut report = RuleReport {
            rule: rule.name.clone(),
            pairs_before_dedup: everyone.pairs_before_dedup,
            new_pairs: 0,
            new_pairs_matching: 0,
            expected_matches: 0,
            oversized_blocks: everyone.oversized_blocks,
            refined_blocks: 0,
            largest_block: everyone.largest_block,
            block_limit: everyone.limit as u64,
        };
        let mut pairs = everyone.pairs;
        if !everyone.oversized.is_empty() && max_block > 0 && !rule.refine.is_empty() {
            // The oversized blocks' records, keyed again with one more key (each
            // refining key on its own); the refined blocks get a budget of their own.
            report.refined_blocks = report.oversized_blocks;
            report.oversized_blocks = 0;
            for &key in &rule.refine {
                let refined = Blocked::of(features, Some(&everyone.oversized), &rule.with(key), budget, max_block);
                report.oversized_blocks += refined.oversized_blocks;
                report.pairs_before_dedup += refined.pairs_before_dedup;
                pairs.extend(refined.pairs);
            }
            pairs.par_sort_unstable();
            pairs.dedup();
        }
        let bit = if rule_index < MAX_RULES { 1u32 << rule_index } else { 0 };
        report.new_pairs = merge(&mut all, &pairs, bit);
        reports.push(report);
    }
    (all, reports)
}

/// The pairs of one rule's blocks over some records, and what was left out.
struct Blocked {
    /// Packed pairs `(a << 32) | b`, `a < b`, sorted and distinct.
    pairs: Vec<u64>,
    pairs_before_dedup: u64,
    largest_block: u64,
    oversized_blocks: u64,
    /// The records of the blocks left out, sorted and distinct.
    oversized: Vec<u32>,
    limit: usize,
}

impl Blocked {
    /// The blocks of `rule` over `records` (every record when None), taken smallest
    /// first within `budget` pairs and at most `max_block` records each.
    fn of(features: &[Features], records: Option<&[u32]>, rule: &Rule, budget: u64, max_block: usize) -> Blocked {
        use rayon::prelude::*;
        let keys_of = |i: u32| rule_keys(&features[i as usize], rule).into_iter().map(move |k| (k, i));
        let mut keyed: Vec<(u64, u32)> = match records {
            Some(records) => records.par_iter().flat_map_iter(|&i| keys_of(i)).collect(),
            None => (0..features.len() as u32)
                .into_par_iter()
                .flat_map_iter(keys_of)
                .collect(),
        };
        keyed.par_sort_unstable();
        keyed.dedup();
        let mut blocks: Vec<&[(u64, u32)]> = keyed.chunk_by(|x, y| x.0 == y.0).collect();
        let limit = if max_block > 0 {
            block_limit(blocks.iter().map(|b| b.len()), budget, max_block)
        } else {
            0
        };
        let (mut pairs_before_dedup, mut largest_block, mut oversized_blocks) = (0, 0, 0);
        let mut oversized: Vec<u32> = Vec::new();
        for block in &blocks {
            let n = block.len() as u64;
            largest_block = largest_block.max(n);
            if block.len() > limit {
                oversized_blocks += 1;
                oversized.extend(block.iter().map(|&(_, i)| i));
            } else {
                pairs_before_dedup += n * n.saturating_sub(1) / 2;
            }
        }
        oversized.par_sort_unstable();
        oversized.dedup();
        blocks.retain(|b| b.len() > 1 && b.len() <= limit);
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
        Blocked {
            pairs,
            pairs_before_dedup,
            largest_block,
            oversized_blocks,
            oversized,
            limit,
        }
    }
}

/// Merges a rule's sorted packed pairs into the sorted candidates in place and
/// returns how many were new. The new pairs are counted first, the vector grows by
/// that many, and the merge runs from the back, so the candidates are never copied
/// into a second vector (at a million records that copy was a gigabyte).
fn merge(all: &mut Vec<Candidate>, pairs: &[u64], bit: u32) -> u64 {
    let unpack = |p: u64| Candidate {
        a: (p >> 32) as u32,
        b: p as u32,
        rules: bit,
    };
    let key = |c: &Candidate| (u64::from(c.a) << 32) | u64::from(c.b);
    // Pairs already present get the rule's bit; the others are counted.
    let mut new = 0usize;
    let mut i = 0;
    for &p in pairs {
        while i < all.len() && key(&all[i]) < p {
            i += 1;
        }
        if i < all.len() && key(&all[i]) == p {
            all[i].rules |= bit;
        } else {
            new += 1;
        }
    }
    if new == 0 {
        return 0;
    }
    let old_len = all.len();
    all.resize(old_len + new, Candidate { a: 0, b: 0, rules: 0 });
    // Back to front: `write` never overtakes `read`, as `write - read` is the number
    // of new pairs still to place.
    let (mut read, mut write, mut j) = (old_len, old_len + new, pairs.len());
    while j > 0 {
        let p = pairs[j - 1];
        if read > 0 && key(&all[read - 1]) >= p {
            if key(&all[read - 1]) == p {
                // Already present (its bit was set above): not a new pair.
                j -= 1;
            }
            all[write - 1] = all[read - 1];
            read -= 1;
        } else {
            all[write - 1] = unpack(p);
            j -= 1;
        }
        write -= 1;
    }
    new as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Merging rule after rule gives each pair once, sorted, with the bits of
        /// every rule that produced it, and counts the new pairs.
        #[test]
        fn merging_rules_equals_a_map_of_pairs(
            rules in proptest::collection::vec(proptest::collection::btree_set((0u32..30, 0u32..30), 0..60), 1..6)
        ) {
            let mut all = Vec::new();
            let mut expected: std::collections::BTreeMap<(u32, u32), u32> = Default::default();
            for (r, pairs) in rules.iter().enumerate() {
                let packed: Vec<u64> = pairs.iter().map(|&(a, b)| (u64::from(a) << 32) | u64::from(b)).collect();
                let before = expected.len();
                for &p in pairs {
                    *expected.entry(p).or_default() |= 1 << r;
                }
                let new = merge(&mut all, &packed, 1 << r);
                proptest::prop_assert_eq!(new as usize, expected.len() - before);
            }
            let got: Vec<((u32, u32), u32)> = all.iter().map(|c| ((c.a, c.b), c.rules)).collect();
            let want: Vec<((u32, u32), u32)> = expected.into_iter().collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn the_block_limit_keeps_whole_size_classes_within_the_budget() {
        // Blocks of 2, 2, 3, 10 records: 1 + 1 + 3 + 45 pairs.
        let sizes = [10usize, 2, 3, 2];
        assert_eq!(block_limit(sizes.iter().copied(), 100, 2_000), 2_000, "everything fits");
        assert_eq!(block_limit(sizes.iter().copied(), 5, 2_000), 3);
        assert_eq!(
            block_limit(sizes.iter().copied(), 4, 2_000),
            2,
            "the 3-block would pass 4"
        );
        assert_eq!(
            block_limit(sizes.iter().copied(), 100, 5),
            5,
            "the fixed limit still holds"
        );
    }
}

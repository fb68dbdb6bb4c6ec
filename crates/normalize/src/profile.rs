//! What comparing two names needs, computed once per name: the letter counts of every
//! spelling (for the Jaro–Winkler upper bound) and hashes of the keys that are
//! compared for equality. Resolution compares each name with thousands of others,
//! and recounting letters and comparing strings byte by byte was half of its time.
//! Hash equality is always confirmed on the strings, so results are exact.

use std::hash::{Hash, Hasher};

use crate::Token;

/// A spelling's letters in the 32 buckets of [`crate::jaro_winkler_bound`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Letters {
    counts: [u8; 32],
    len: u8,
    prefix: [u8; 4],
    /// Not ASCII or too long to count in bytes: the bound is 1 (no pruning).
    unbounded: bool,
}

impl Letters {
    pub(crate) fn of(s: &str) -> Letters {
        let b = s.as_bytes();
        let mut l = Letters {
            counts: [0; 32],
            len: 0,
            prefix: [0; 4],
            unbounded: b.is_empty() || !s.is_ascii() || b.len() > 255,
        };
        if l.unbounded {
            return l;
        }
        for &c in b {
            l.counts[(c & 31) as usize] += 1;
        }
        l.len = b.len() as u8;
        for (p, &c) in l.prefix.iter_mut().zip(b) {
            *p = c;
        }
        l
    }

    /// The same value as [`crate::jaro_winkler_bound`] of the two spellings (1 for
    /// spellings over 255 bytes, which it would count).
    pub(crate) fn bound(&self, other: &Letters) -> f64 {
        if self.unbounded || other.unbounded {
            return 1.0;
        }
        let common: u32 = self
            .counts
            .iter()
            .zip(&other.counts)
            .map(|(a, b)| u32::from(*a.min(b)))
            .sum();
        if common == 0 {
            return 0.0;
        }
        let common = f64::from(common);
        let jaro = ((common / f64::from(self.len) + common / f64::from(other.len) + 1.0) / 3.0).min(1.0);
        if jaro > 0.7 {
            let n = usize::from(self.len.min(other.len)).min(4);
            let prefix = self.prefix[..n]
                .iter()
                .zip(&other.prefix[..n])
                .take_while(|(p, q)| p == q)
                .count();
            (jaro + 0.1 * prefix as f64 * (1.0 - jaro)).min(1.0)
        } else {
            jaro
        }
    }
}

/// A token's precomputed comparison data, parallel to its spellings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenProfile {
    pub latin: Vec<Letters>,
    pub skeleton: Vec<Letters>,
    pub skeleton_hash: Vec<u64>,
    /// Hashes of the phonetic codes of three letters or more (shorter ones never count).
    pub phonetic_hash: Vec<(u64, u8)>,
}

pub(crate) fn hash(s: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

impl TokenProfile {
    pub(crate) fn of(t: &Token) -> TokenProfile {
        TokenProfile {
            latin: t.latin.iter().map(|s| Letters::of(s)).collect(),
            skeleton: t.skeleton.iter().map(|s| Letters::of(s)).collect(),
            skeleton_hash: t.skeleton.iter().map(|s| hash(s)).collect(),
            phonetic_hash: t
                .phonetic
                .iter()
                .enumerate()
                .filter(|(_, p)| p.len() >= 3)
                .map(|(i, p)| (hash(p), i as u8))
                .collect(),
        }
    }
}

/// Whether the two tokens share a phonetic code of three letters or more.
pub(crate) fn share_phonetic(a: &Token, pa: &TokenProfile, b: &Token, pb: &TokenProfile) -> bool {
    pa.phonetic_hash.iter().any(|&(ha, ia)| {
        pb.phonetic_hash
            .iter()
            .any(|&(hb, ib)| ha == hb && a.phonetic[usize::from(ia)] == b.phonetic[usize::from(ib)])
    })
}

/// The `latin:` keys of a name by hash, sorted, with their index in `keys`.
pub(crate) fn latin_keys(keys: &[String]) -> Vec<(u64, u16)> {
    let mut v: Vec<(u64, u16)> = keys
        .iter()
        .enumerate()
        .filter(|(_, k)| k.starts_with("latin:"))
        .map(|(i, k)| (hash(k), i as u16))
        .collect();
    v.sort_unstable();
    v
}

/// Whether two names share a `latin:` key (merge of the sorted hashes, confirmed on
/// the strings).
pub(crate) fn share_latin_key(ka: &[String], a: &[(u64, u16)], kb: &[String], b: &[(u64, u16)]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let h = a[i].0;
                // Every pair with this hash (collisions are confirmed on the strings).
                let a_end = a[i..].iter().take_while(|x| x.0 == h).count() + i;
                let b_end = b[j..].iter().take_while(|x| x.0 == h).count() + j;
                for x in &a[i..a_end] {
                    for y in &b[j..b_end] {
                        if ka[usize::from(x.1)] == kb[usize::from(y.1)] {
                            return true;
                        }
                    }
                }
                i = a_end;
                j = b_end;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn letters_bound_equals_the_string_bound(a in "[A-Z]{0,12}|.{0,6}", b in "[A-Z]{0,12}|.{0,6}") {
            let expected = crate::jaro_winkler_bound(&a, &b);
            prop_assert_eq!(Letters::of(&a).bound(&Letters::of(&b)), expected);
        }
    }
}

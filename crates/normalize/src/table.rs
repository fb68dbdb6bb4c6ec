//! Many names compared with many others, as resolution compares them: the same few
//! thousand tokens meet again and again. On the corridor data at 100k records, a
//! million distinct pairs of names hold 4.7 million pairs of tokens but only 0.4
//! million distinct ones (3,832 distinct tokens), and following each name's
//! pointers to its tokens, spellings and letter counts was most of the time. A
//! table interns the tokens and the `latin:` keys once; a [`TokenMemo`] keeps each
//! pair of tokens' score the first time it is asked for.
//!
//! The results are exactly those of [`crate::similarity`] and [`crate::shares_token`]:
//! a token's comparison data is a function of its spellings alone, so one score per
//! ordered pair of distinct tokens stands for every pair of names holding them.

use std::collections::HashMap;

use rustc_hash::FxBuildHasher;

use crate::{NameKeys, Tok, Token};

/// Interned names: their tokens and `latin:` keys as small integers.
pub struct NameTable<'k> {
    names: Vec<&'k NameKeys>,
    tokens: Vec<Tok<'k>>,
    /// Per name, the range of its token ids in `token_ids`.
    token_spans: Vec<(u32, u32)>,
    token_ids: Vec<u32>,
    /// Per name, the range of its sorted `latin:` key ids in `latin_ids`.
    latin_spans: Vec<(u32, u32)>,
    latin_ids: Vec<u32>,
}

/// Scores of pairs of tokens of one [`NameTable`], filled as they are asked for.
/// One per thread (or per slice of work): it is plain data, not shared.
#[derive(Default)]
pub struct TokenMemo {
    pairs: HashMap<u64, Pair, FxBuildHasher>,
}

#[derive(Clone, Copy)]
struct Pair {
    score: f64,
    spelt_alike: bool,
}

/// Every ordered pair of a [`NameTable`]'s tokens scored at once: for comparing
/// every name of a small table with every other (resolution's random sample for u,
/// in which nearly every pair of tokens is met), read by any number of threads.
pub struct TokenScores {
    tokens: usize,
    pairs: Vec<Pair>,
}

impl<'k> NameTable<'k> {
    /// The table of `names`, name `i` of the table being `names[i]`.
    pub fn new(names: &[&'k NameKeys]) -> NameTable<'k> {
        let mut token_index: HashMap<&'k Token, u32, FxBuildHasher> = HashMap::default();
        let mut latin_index: HashMap<&'k str, u32, FxBuildHasher> = HashMap::default();
        let mut table = NameTable {
            names: names.to_vec(),
            tokens: Vec::new(),
            token_spans: Vec::with_capacity(names.len()),
            token_ids: Vec::new(),
            latin_spans: Vec::with_capacity(names.len()),
            latin_ids: Vec::new(),
        };
        for name in names {
            let start = table.token_ids.len() as u32;
            for i in 0..name.tokens.len() {
                let tok = name.tok(i);
                let next = table.tokens.len() as u32;
                let id = *token_index.entry(tok.t).or_insert(next);
                if id == next {
                    table.tokens.push(tok);
                }
                table.token_ids.push(id);
            }
            table.token_spans.push((start, table.token_ids.len() as u32));
            let start = table.latin_ids.len() as u32;
            for key in name.keys.iter().filter(|k| k.starts_with("latin:")) {
                let next = latin_index.len() as u32;
                table.latin_ids.push(*latin_index.entry(key.as_str()).or_insert(next));
            }
            let span = &mut table.latin_ids[start as usize..];
            span.sort_unstable();
            table.latin_spans.push((start, table.latin_ids.len() as u32));
        }
        table
    }

    /// Names in the table.
    pub fn len(&self) -> usize {
        self.token_spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.token_spans.is_empty()
    }

    /// Distinct tokens among the names.
    pub fn distinct_tokens(&self) -> usize {
        self.tokens.len()
    }

    fn tokens_of(&self, name: usize) -> &[u32] {
        let (from, to) = self.token_spans[name];
        &self.token_ids[from as usize..to as usize]
    }

    fn latin_of(&self, name: usize) -> &[u32] {
        let (from, to) = self.latin_spans[name];
        &self.latin_ids[from as usize..to as usize]
    }

    fn score_pair(&self, x: u32, y: u32) -> Pair {
        let (a, b) = (self.tokens[x as usize], self.tokens[y as usize]);
        Pair {
            score: crate::token_score(a, b),
            spelt_alike: crate::token_spelt_alike(a.t, b.t),
        }
    }

    fn pair(&self, memo: &mut TokenMemo, x: u32, y: u32) -> Pair {
        let key = (u64::from(x) << 32) | u64::from(y);
        *memo.pairs.entry(key).or_insert_with(|| self.score_pair(x, y))
    }

    /// Scores every ordered pair of the table's tokens (in parallel): the square of
    /// [`NameTable::distinct_tokens`] entries, so for small tables only.
    pub fn all_token_scores(&self) -> TokenScores {
        use rayon::prelude::*;
        let n = self.tokens.len();
        let mut pairs = vec![
            Pair {
                score: 0.0,
                spelt_alike: false
            };
            n * n
        ];
        pairs.par_chunks_mut(n.max(1)).enumerate().for_each(|(x, row)| {
            for (y, pair) in row.iter_mut().enumerate() {
                *pair = self.score_pair(x as u32, y as u32);
            }
        });
        TokenScores { tokens: n, pairs }
    }

    /// [`crate::similarity`] of names `a` and `b` of the table.
    pub fn similarity(&self, a: usize, b: usize, memo: &mut TokenMemo) -> f64 {
        self.similarity_by(a, b, |x, y| self.pair(memo, x, y))
    }

    /// [`crate::shares_token`] of names `a` and `b` of the table.
    pub fn shares_token(&self, a: usize, b: usize, memo: &mut TokenMemo) -> bool {
        self.shares_token_by(a, b, |x, y| self.pair(memo, x, y))
    }

    /// [`NameTable::similarity`] with every pair of tokens already scored.
    pub fn similarity_scored(&self, a: usize, b: usize, scores: &TokenScores) -> f64 {
        self.similarity_by(a, b, |x, y| scores.get(x, y))
    }

    /// [`NameTable::shares_token`] with every pair of tokens already scored.
    pub fn shares_token_scored(&self, a: usize, b: usize, scores: &TokenScores) -> bool {
        self.shares_token_by(a, b, |x, y| scores.get(x, y))
    }

    fn similarity_by(&self, a: usize, b: usize, mut pair: impl FnMut(u32, u32) -> Pair) -> f64 {
        if sorted_share(self.latin_of(a), self.latin_of(b)) {
            return 1.0;
        }
        let (ta, tb) = (self.tokens_of(a), self.tokens_of(b));
        if ta.is_empty() || tb.is_empty() {
            return 0.0;
        }
        let base = crate::grid_similarity(ta.len(), tb.len(), |i, j| pair(ta[i], tb[j]).score);
        base.max(crate::joined_similarity(self.names[a], self.names[b]).unwrap_or(0.0))
    }

    fn shares_token_by(&self, a: usize, b: usize, mut pair: impl FnMut(u32, u32) -> Pair) -> bool {
        let (ta, tb) = (self.tokens_of(a), self.tokens_of(b));
        ta.iter().any(|&x| tb.iter().any(|&y| pair(x, y).spelt_alike))
    }

    /// The keys of name `i` of the table.
    pub fn name(&self, i: usize) -> &'k NameKeys {
        self.names[i]
    }
}

impl TokenScores {
    fn get(&self, x: u32, y: u32) -> Pair {
        self.pairs[x as usize * self.tokens + y as usize]
    }
}

/// Two sorted lists of ids share one (a merge, no allocation): how interned keys and
/// selectors are compared.
pub fn sorted_share(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Names `a` and `b` of the table compare as their own keys do, through the memo
    /// and through the scores of every pair of tokens.
    fn compares_as_keys_do(
        table: &NameTable,
        memo: &mut TokenMemo,
        scores: &TokenScores,
        keys: &[NameKeys],
        a: usize,
        b: usize,
    ) -> Result<(), TestCaseError> {
        let similarity = crate::similarity(&keys[a], &keys[b]);
        let shares = crate::shares_token(&keys[a], &keys[b]);
        prop_assert_eq!(table.similarity(a, b, memo), similarity);
        prop_assert_eq!(table.shares_token(a, b, memo), shares);
        prop_assert_eq!(table.similarity_scored(a, b, scores), similarity);
        prop_assert_eq!(table.shares_token_scored(a, b, scores), shares);
        Ok(())
    }

    const NAMES: &[&str] = &[
        "Ђорђевић Марко",
        "Marko Djordjevic",
        "Đorđević Marko Petar",
        "Mohammad Ahmadi",
        "محمد احمدی",
        "Mohamed Ahmady",
        "Μαρκος Γεωργιου",
        "Markos Georgiou",
        "Ahmad Rahimi",
        "Hussein skiper",
        "Al Jboori Hussein",
        "M Ahmadi",
        "Jovanovich Yovanovitch",
        "",
    ];

    proptest! {
        /// Whatever names and in whatever order they are asked, the table gives what
        /// comparing the names' own keys gives.
        #[test]
        fn a_table_compares_as_the_names_keys_do(
            picks in proptest::collection::vec((0..NAMES.len(), 0..NAMES.len()), 1..40),
        ) {
            let keys: Vec<NameKeys> = NAMES.iter().map(|n| crate::keys(n)).collect();
            let refs: Vec<&NameKeys> = keys.iter().collect();
            let table = NameTable::new(&refs);
            let mut memo = TokenMemo::default();
            let scores = table.all_token_scores();
            for (a, b) in picks {
                compares_as_keys_do(&table, &mut memo, &scores, &keys, a, b)?;
            }
        }

        /// Random spellings, not only the listed names (typos, shared tokens, names of
        /// one token and of many).
        #[test]
        fn a_table_compares_random_names_as_their_keys_do(
            names in proptest::collection::vec("([A-E][A-Ea-e]{0,5} ?){1,4}", 2..12),
        ) {
            let keys: Vec<NameKeys> = names.iter().map(|n| crate::keys(n)).collect();
            let refs: Vec<&NameKeys> = keys.iter().collect();
            let table = NameTable::new(&refs);
            let mut memo = TokenMemo::default();
            let scores = table.all_token_scores();
            for a in 0..keys.len() {
                for b in 0..keys.len() {
                    compares_as_keys_do(&table, &mut memo, &scores, &keys, a, b)?;
                }
            }
        }
    }

    proptest! {
        /// Resolution compares each distinct pair of names once, in either order.
        #[test]
        fn similarity_is_symmetric(
            a in "([A-E][A-Ea-e]{0,5} ?){1,4}|[А-Д][а-д]{1,5} [А-Д][а-д]{1,5}",
            b in "([A-E][A-Ea-e]{0,5} ?){1,4}|[А-Д][а-д]{1,5} [А-Д][а-д]{1,5}",
        ) {
            let (ka, kb) = (crate::keys(&a), crate::keys(&b));
            prop_assert_eq!(crate::similarity(&ka, &kb), crate::similarity(&kb, &ka));
            prop_assert_eq!(crate::shares_token(&ka, &kb), crate::shares_token(&kb, &ka));
        }
    }

    #[test]
    fn names_spelt_alike_share_their_tokens() {
        let keys: Vec<NameKeys> = ["Marko Djordjevic", "Djordjevic Marko", "Ђорђевић Марко"]
            .iter()
            .map(|n| crate::keys(n))
            .collect();
        let refs: Vec<&NameKeys> = keys.iter().collect();
        let table = NameTable::new(&refs[..2]);
        assert_eq!((table.len(), table.distinct_tokens()), (2, 2), "MARKO and DJORDJEVIC");
        let table = NameTable::new(&refs);
        let mut memo = TokenMemo::default();
        assert_eq!(table.similarity(0, 2, &mut memo), 1.0);
        assert!(table.shares_token(1, 2, &mut memo));
    }
}

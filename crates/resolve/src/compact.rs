//! The records' comparison data as small integers, for comparing and scoring
//! millions of candidate pairs.
//!
//! [`Attribute::level`] reads each record's [`Features`]: a few hundred bytes of
//! vectors of strings, two records per pair in no order. At 100k records and three
//! million candidate pairs, following those pointers and comparing the strings byte
//! by byte was half of comparing. Here every phone, document, biometric reference,
//! nationality and name skeleton is interned once, and each record keeps one row of
//! integers; the levels and the name's term frequency are exactly those of
//! [`Attribute::level`] and [`crate::model::Weights::score`] (a property test holds
//! them to it). Names go through [`corridor_normalize::NameTable`] and addresses
//! (rarely present) through the features themselves.

use std::collections::HashMap;

use corridor_model::PartialDate;
use corridor_normalize::sorted_share;
use rustc_hash::FxBuildHasher;

use crate::compare::{self, Attribute};
use crate::record::Features;

/// No value.
const NONE: u32 = u32::MAX;

/// One record's row.
#[derive(Debug, Clone, Copy)]
struct Row {
    birth: Option<PartialDate>,
    sex: Option<char>,
    nationality: u32,
    /// Ranges of sorted ids in [`Compact::ids`].
    phones: (u32, u32),
    documents: (u32, u32),
    biometrics: (u32, u32),
    has_address: bool,
}

/// Interned comparison data of a set of records, record `i` being `features[i]`.
pub(crate) struct Compact<'f> {
    features: Vec<&'f Features>,
    rows: Vec<Row>,
    ids: Vec<u32>,
    /// Each document id's number, for the edit distance.
    documents: Vec<&'f str>,
    /// Each biometric id's system (the part before `:`), interned.
    systems: Vec<u32>,
}

/// Interns strings of one kind.
#[derive(Default)]
struct Interner<'f> {
    ids: HashMap<&'f str, u32, FxBuildHasher>,
    values: Vec<&'f str>,
}

impl<'f> Interner<'f> {
    fn id(&mut self, s: &'f str) -> u32 {
        let next = self.values.len() as u32;
        let id = *self.ids.entry(s).or_insert(next);
        if id == next {
            self.values.push(s);
        }
        id
    }
}

impl<'f> Compact<'f> {
    /// The rows of `features`, record `i` of the result being the `i`th given.
    pub(crate) fn new(features: impl IntoIterator<Item = &'f Features>) -> Compact<'f> {
        let features: Vec<&'f Features> = features.into_iter().collect();
        let (mut phones, mut documents, mut biometrics) =
            (Interner::default(), Interner::default(), Interner::default());
        let mut nationalities = Interner::default();
        let mut ids: Vec<u32> = Vec::new();
        let span = |ids: &mut Vec<u32>, values: &'f [String], interner: &mut Interner<'f>| {
            let start = ids.len();
            ids.extend(values.iter().map(|v| interner.id(v)));
            ids[start..].sort_unstable();
            (start as u32, ids.len() as u32)
        };
        let rows = features
            .iter()
            .map(|f| Row {
                birth: f.birth,
                sex: f.sex,
                nationality: f.nationality.as_deref().map_or(NONE, |n| nationalities.id(n)),
                phones: span(&mut ids, &f.phones, &mut phones),
                documents: span(&mut ids, &f.documents, &mut documents),
                biometrics: span(&mut ids, &f.biometrics, &mut biometrics),
                has_address: !f.address.is_empty(),
            })
            .collect();
        let mut system_ids = Interner::default();
        let systems = biometrics
            .values
            .iter()
            .map(|r| system_ids.id(r.split_once(':').map_or(*r, |(s, _)| s)))
            .collect();
        Compact {
            features,
            rows,
            ids,
            documents: documents.values,
            systems,
        }
    }

    fn ids(&self, (from, to): (u32, u32)) -> &[u32] {
        &self.ids[from as usize..to as usize]
    }

    /// [`Attribute::level`] of records `a` and `b` (the name through the features:
    /// resolution compares names through a [`corridor_normalize::NameTable`]).
    pub(crate) fn level(&self, attribute: Attribute, a: u32, b: u32) -> u8 {
        self.level_of_rows(attribute, a, b, &self.rows[a as usize], &self.rows[b as usize])
    }

    /// The [`crate::model::packed_pattern`] of records `a` and `b` whose name level
    /// is known: each record's row read once for every comparison.
    pub(crate) fn pattern(&self, a: u32, b: u32, name_level: u8) -> crate::model::Packed {
        let (x, y) = (&self.rows[a as usize], &self.rows[b as usize]);
        Attribute::ALL.iter().fold(0, |p, &attribute| {
            let level = if attribute == Attribute::Name {
                name_level
            } else {
                self.level_of_rows(attribute, a, b, x, y)
            };
            p | (crate::model::Packed::from(level) << (4 * attribute.index()))
        })
    }

    #[inline]
    fn level_of_rows(&self, attribute: Attribute, a: u32, b: u32, x: &Row, y: &Row) -> u8 {
        match attribute {
            Attribute::Name => Attribute::Name.level(self.features[a as usize], self.features[b as usize]),
            Attribute::BirthDate => match (x.birth, y.birth) {
                (Some(p), Some(q)) => compare::birth_level(p, q),
                _ => 0,
            },
            Attribute::Sex => match (x.sex, y.sex) {
                (Some(p), Some(q)) => 1 + u8::from(p != q),
                _ => 0,
            },
            Attribute::Nationality => match (x.nationality, y.nationality) {
                (NONE, _) | (_, NONE) => 0,
                (p, q) => 1 + u8::from(p != q),
            },
            Attribute::Phone => {
                let (p, q) = (self.ids(x.phones), self.ids(y.phones));
                if p.is_empty() || q.is_empty() {
                    0
                } else if sorted_share(p, q) {
                    1
                } else {
                    2
                }
            }
            Attribute::Document => {
                let (p, q) = (self.ids(x.documents), self.ids(y.documents));
                if p.is_empty() || q.is_empty() {
                    0
                } else if sorted_share(p, q) {
                    1
                } else {
                    let documents: &[&'f str] = &self.documents;
                    compare::document_distance_level(
                        p.iter().map(|&i| documents[i as usize]),
                        q.iter().map(|&i| documents[i as usize]),
                    )
                }
            }
            Attribute::Biometric => {
                let (p, q) = (self.ids(x.biometrics), self.ids(y.biometrics));
                if sorted_share(p, q) {
                    1
                } else if p
                    .iter()
                    .any(|&r| q.iter().any(|&s| self.systems[r as usize] == self.systems[s as usize]))
                {
                    2
                } else {
                    0
                }
            }
            Attribute::Address => {
                if x.has_address && y.has_address {
                    Attribute::Address.level(self.features[a as usize], self.features[b as usize])
                } else {
                    0
                }
            }
        }
    }
}

/// Each record's name as an id, and how many records have each: the term
/// frequencies of [`crate::model::TermFrequencies`] without hashing a string per pair.
pub(crate) struct NameValues {
    ids: Vec<u32>,
    counts: Vec<u32>,
    total: u32,
}

impl NameValues {
    pub(crate) fn of(features: &[Features]) -> NameValues {
        let mut interner = Interner::default();
        let ids: Vec<u32> = features
            .iter()
            .map(|f| f.name_value.as_deref().map_or(NONE, |s| interner.id(s)))
            .collect();
        let mut counts = vec![0u32; interner.values.len()];
        for &id in ids.iter().filter(|&&id| id != NONE) {
            counts[id as usize] += 1;
        }
        let total = counts.iter().sum();
        NameValues { ids, counts, total }
    }

    /// How often two random records share the name records `a` and `b` share,
    /// if they share one.
    pub(crate) fn shared_frequency(&self, a: u32, b: u32) -> Option<f64> {
        let (x, y) = (self.ids[a as usize], self.ids[b as usize]);
        (x != NONE && x == y).then(|| f64::from(self.counts[x as usize]) / f64::from(self.total))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::record::Record;

    fn record() -> impl Strategy<Value = Record> {
        let some = |s: &'static str| proptest::option::of(s);
        (
            some("19[89][0-9](-0[1-3](-0[1-3])?)?"),
            some("[MF]"),
            some("(SY|AF|IQ|RS)"),
            proptest::collection::vec("\\+3816[0-3]{2}", 0..3),
            proptest::collection::vec("[A-C]{2}[0-2O1I]{5}", 0..3),
            proptest::collection::vec("(EURODAC|AFIS|X):[0-3]{2}", 0..3),
            some("(Ahmadi|Rahimi|Djordjevic) Marko"),
            some("(Ahmadi|Rahimi)"),
            some("[1-3] (Main|Mill) (St|Road)"),
        )
            .prop_map(
                |(birth, sex, nationality, phones, documents, biometrics, name, surname, address)| Record {
                    id: "x".into(),
                    names: name.into_iter().collect(),
                    birth_date: birth,
                    sex,
                    nationality,
                    phones,
                    documents,
                    biometrics,
                    surname,
                    address,
                    ..Record::default()
                },
            )
    }

    proptest! {
        /// Every level, and the shared name's count, are those of the features.
        #[test]
        fn compact_levels_are_the_features_levels(records in proptest::collection::vec(record(), 2..10)) {
            let features = Features::of_all(&records);
            let compact = Compact::new(&features);
            let tf = crate::model::TermFrequencies::of(&features);
            let name_values = NameValues::of(&features);
            for a in 0..features.len() as u32 {
                for b in 0..features.len() as u32 {
                    for attribute in Attribute::ALL {
                        prop_assert_eq!(
                            compact.level(attribute, a, b),
                            attribute.level(&features[a as usize], &features[b as usize]),
                            "{:?}", attribute
                        );
                    }
                    let (x, y) = (&features[a as usize], &features[b as usize]);
                    let name = Attribute::Name.level(x, y);
                    prop_assert_eq!(compact.pattern(a, b, name), crate::model::packed_pattern(x, y));
                    let shared = x.name_value.as_deref().filter(|s| Some(*s) == y.name_value.as_deref());
                    prop_assert_eq!(name_values.shared_frequency(a, b), shared.and_then(|s| tf.frequency(s)));
                }
            }
        }
    }
}

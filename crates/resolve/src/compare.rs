//! Comparisons and their levels: how far two records agree on one attribute.
//! Level 0 of every comparison is "null" (a value missing on either side), which
//! carries no evidence; the others run from the strongest agreement to "else".

use corridor_model::PartialDate;
use serde::{Deserialize, Serialize};

use crate::record::Features;

/// What a comparison looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    /// Full name, transliteration-aware and order-insensitive (`corridor-normalize`).
    Name,
    BirthDate,
    Sex,
    Nationality,
    Phone,
    Document,
    Biometric,
    Address,
}

impl Attribute {
    /// Every comparison the default model uses, in order.
    pub const ALL: [Attribute; 8] = [
        Attribute::Name,
        Attribute::BirthDate,
        Attribute::Sex,
        Attribute::Nationality,
        Attribute::Phone,
        Attribute::Document,
        Attribute::Biometric,
        Attribute::Address,
    ];

    /// Position in [`Attribute::ALL`] (the declaration order).
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Attribute::Name => "name",
            Attribute::BirthDate => "birth_date",
            Attribute::Sex => "sex",
            Attribute::Nationality => "nationality",
            Attribute::Phone => "phone",
            Attribute::Document => "document",
            Attribute::Biometric => "biometric",
            Attribute::Address => "address",
        }
    }

    /// Agreement on this attribute follows from agreeing names among strangers too:
    /// given names are a man's or a woman's, and names belong to a language and so,
    /// mostly, to a nationality. Fellegi–Sunter takes comparisons as independent, so
    /// two strangers with similar Arabic names were credited again for both being
    /// men and both Syrian (+0.9 and +3.6 bits at 100,000 records, u from random
    /// pairs), which put pairs that share only a birth date and the commonest name
    /// token above the match threshold. For these attributes agreement weighs
    /// nothing; disagreement still counts against a match.
    ///
    /// Tried and not kept (2026-12-07): u among same-name strangers (candidate
    /// pairs whose names agree and whose birth dates disagree entirely: 0.28 for
    /// nationality against 0.08 at random) gave the multi-script population F1
    /// 0.927 at 100,000 records (0.898 without) but precision 0.922 at a million
    /// (0.957 without), as long as the prior does not fall with the data as it
    /// should (see `Model::settle_prior`).
    pub fn implied_by_names(self) -> bool {
        matches!(self, Attribute::Sex | Attribute::Nationality)
    }

    /// Labels of the levels, level 0 first.
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Attribute::Name => &[
                "null",
                "exact (a shared spelling)",
                "similarity >= 0.95",
                "similarity >= 0.88",
                "similarity >= 0.75",
                "a name token shared (nickname, missing or extra names)",
                "else",
            ],
            Attribute::BirthDate => &[
                "null",
                "exact",
                "day and month swapped",
                "the same partial date (both the year alone, or the same month)",
                "a full date and a partial one that fits it",
                "full dates one digit apart",
                "a partial date within a year",
                "else",
            ],
            Attribute::Sex | Attribute::Nationality => &["null", "same", "different"],
            Attribute::Phone => &["null", "a shared number", "no shared number"],
            Attribute::Document => &[
                "null",
                "a shared number",
                "one edit or transposition apart",
                "two edits apart",
                "no shared number",
            ],
            Attribute::Biometric => &[
                "null (no reference from a common system)",
                "a shared reference",
                "different references in one system",
            ],
            Attribute::Address => &[
                "null",
                "same tokens",
                "most tokens alike (>= 0.8)",
                "half the tokens alike (>= 0.5)",
                "else",
            ],
        }
    }

    /// The level two records reach on this attribute.
    pub fn level(self, a: &Features, b: &Features) -> u8 {
        match self {
            Attribute::Name => match (&a.name, &b.name) {
                // Below 0.75 only a shared token matters: most random pairs stop at
                // letter counts.
                (Some(x), Some(y)) => name_level(corridor_normalize::similarity_at_least(x, y, 0.75), || {
                    corridor_normalize::shares_token(x, y)
                }),
                _ => 0,
            },
            Attribute::BirthDate => match (a.birth, b.birth) {
                (Some(x), Some(y)) => birth_level(x, y),
                _ => 0,
            },
            Attribute::Sex => same(a.sex.as_ref(), b.sex.as_ref()),
            Attribute::Nationality => same(a.nationality.as_ref(), b.nationality.as_ref()),
            Attribute::Phone => shared(&a.phones, &b.phones),
            Attribute::Biometric => biometric_level(&a.biometrics, &b.biometrics),
            Attribute::Address => {
                if a.address.is_empty() || b.address.is_empty() {
                    0
                } else if a.address == b.address {
                    1
                } else if a.address_signature & b.address_signature == 0 {
                    // No token of one can match a token of the other.
                    4
                } else {
                    let s = token_overlap(&a.address, &b.address);
                    if s >= 0.8 {
                        2
                    } else if s >= 0.5 {
                        3
                    } else {
                        4
                    }
                }
            }
            Attribute::Document => {
                if a.documents.is_empty() || b.documents.is_empty() {
                    0
                } else if a.documents.iter().any(|d| b.documents.binary_search(d).is_ok()) {
                    1
                } else {
                    document_distance_level(
                        a.documents.iter().map(String::as_str),
                        b.documents.iter().map(String::as_str),
                    )
                }
            }
        }
    }
}

/// The document level of two records that share no number: by the closest two
/// numbers of six characters or more (optimal string alignment, so a swapped pair
/// of digits is one edit).
pub(crate) fn document_distance_level<'s>(
    a: impl Iterator<Item = &'s str>,
    b: impl Iterator<Item = &'s str> + Clone,
) -> u8 {
    let closest = a
        .flat_map(|x| b.clone().map(move |y| (x, y)))
        .filter(|(x, y)| x.len().min(y.len()) >= 6 && maybe_within_two_edits(x, y))
        .map(|(x, y)| strsim::osa_distance(x, y))
        .min()
        .unwrap_or(usize::MAX);
    match closest {
        1 => 2,
        2 => 3,
        _ => 4,
    }
}

/// Two full birth dates that cannot be one person's: not equal, not day/month swaps
/// of each other, and three or more edits apart as YYYYMMDD (a typo or a transposed
/// pair is one or two). Dates without a day (placeholders included, see
/// [`Features::birth`]) never conflict.
pub fn full_dates_conflict(x: PartialDate, y: PartialDate) -> bool {
    if x.day.is_none() || y.day.is_none() || birth_level(x, y) < BIRTH_ELSE {
        return false;
    }
    let (dx, dy) = (date_digits(x), date_digits(y));
    match (std::str::from_utf8(&dx), std::str::from_utf8(&dy)) {
        (Ok(a), Ok(b)) => strsim::osa_distance(a, b) >= 3,
        _ => false,
    }
}

/// Two birth years that cannot be one person's, whatever the precision of the dates
/// they come from: more than five years apart and not one slip. A slip is two
/// neighbouring digits swapped (1985/1958) or one digit mistyped less than twenty
/// years off (1980/1990); an age claimed a few years younger or older, a year-only
/// or placeholder registration of the same year all pass. 1958 against 2003, and
/// 1960 against 1990 (a father and son of one name), do not. Without it a record
/// dated `2003` (or a placeholder `2003-01-01`) could join an identity born in 1958.
pub fn years_conflict(x: i32, y: i32) -> bool {
    let apart = (i64::from(x) - i64::from(y)).abs();
    if apart <= 5 {
        return false;
    }
    let digits = |v: i32| {
        let v = v.rem_euclid(10_000);
        [v / 1000, v / 100 % 10, v / 10 % 10, v % 10]
    };
    let (dx, dy) = (digits(x), digits(y));
    let differing = (0..4).filter(|&i| dx[i] != dy[i]).count();
    let first = (0..4).find(|&i| dx[i] != dy[i]).unwrap_or(0);
    match differing {
        // One digit mistyped (1980/1990) is a slip up to twenty years; beyond, a
        // generation (a father and son of one name, 1960 and 1990) is likelier.
        1 => apart >= 20,
        // Two neighbouring digits swapped (1985/1958): one slip.
        2 if first < 3 && dx[first] == dy[first + 1] && dx[first + 1] == dy[first] => false,
        _ => true,
    }
}

/// Identifiers too short or too plain to tie two records: a placeholder (`NA`,
/// `0`, `UNKNOWN`, `000000`) shared by hundreds of records is no evidence that they
/// are one person. A real document number or biometric reference has at least six
/// characters, three digits among them (document numbers read O as 0, so
/// `UNKNOWN` has one), and more than one distinct character.
fn plausible_identifier(s: &str) -> bool {
    let reference = s
        .rsplit_once(':')
        .map_or(s, |(system, r)| if system.is_empty() { "" } else { r });
    let first = reference.chars().next();
    reference.chars().count() >= 6
        && reference.chars().filter(|c| c.is_ascii_digit()).count() >= 3
        && reference.chars().any(|c| Some(c) != first)
}

/// Two records that speak against being one person whatever else links them: full
/// birth dates that conflict ([`full_dates_conflict`]) or birth years that conflict
/// ([`years_conflict`]) while they share no document number or biometric reference
/// (with one, their score judges them), or different sexes. Only an
/// analyst, or a corroborated link ([`corroboration`]), joins such records; see
/// `cluster` for how the check is made over whole clusters.
pub fn hard_conflict(a: &Features, b: &Features) -> bool {
    let dates = matches!((a.birth, b.birth), (Some(x), Some(y)) if full_dates_conflict(x, y) || years_conflict(x.year, y.year))
        && corroboration(a, b) == crate::cluster::Corroboration::None;
    dates || matches!((a.sex, b.sex), (Some(x), Some(y)) if x != y)
}

/// What ties two records beyond their score: a shared biometric reference, or the
/// same document number (with birth dates on both that do not conflict, or not). A
/// shared phone is no corroboration (a smuggler's number is given by everyone he
/// moved).
pub fn corroboration(a: &Features, b: &Features) -> crate::cluster::Corroboration {
    use crate::cluster::Corroboration;
    let shared = |x: &[String], y: &[String]| x.iter().any(|v| plausible_identifier(v) && y.binary_search(v).is_ok());
    if shared(&a.biometrics, &b.biometrics) {
        return Corroboration::Biometric;
    }
    if !shared(&a.documents, &b.documents) {
        return Corroboration::None;
    }
    match (a.birth, b.birth) {
        (Some(x), Some(y))
            if !full_dates_conflict(x, y) && !years_conflict(x.year, y.year) && birth_level(x, y) < BIRTH_ELSE =>
        {
            Corroboration::Document
        }
        _ => Corroboration::SharedDocument,
    }
}

/// False when two strings are surely more than two edits apart: an edit changes the
/// character counts by at most two (a substitution) and a transposition not at all,
/// so counts differing by more than four mean three edits or more. Random pairs of
/// document numbers stop here instead of in a full edit distance.
fn maybe_within_two_edits(x: &str, y: &str) -> bool {
    if !x.is_ascii() || !y.is_ascii() {
        return true;
    }
    if x.len().abs_diff(y.len()) > 2 {
        return false;
    }
    let mut counts = [0i16; 64];
    for c in x.bytes() {
        counts[(c & 63) as usize] += 1;
    }
    for c in y.bytes() {
        counts[(c & 63) as usize] -= 1;
    }
    counts.iter().map(|c| c.unsigned_abs() as u32).sum::<u32>() <= 4
}

/// The name level of two names of this `similarity` (exact at 0.75 and above), and
/// whether they share a token (asked only below 0.75).
pub(crate) fn name_level(similarity: f64, shares_token: impl FnOnce() -> bool) -> u8 {
    if similarity >= 1.0 {
        1
    } else if similarity >= 0.95 {
        2
    } else if similarity >= 0.88 {
        3
    } else if similarity >= 0.75 {
        4
    } else if shares_token() {
        5
    } else {
        6
    }
}

/// Share of tokens with a close partner on the other side, over the larger token
/// count: numbers must be equal, words must start with the same letter and reach
/// Jaro–Winkler 0.9 (a typo in a street or town name rarely hits its first letter,
/// and the rule keeps a million random address pairs cheap).
fn token_overlap(a: &[String], b: &[String]) -> f64 {
    // Both sides are sorted: a token's possible partners are the run of `b` that
    // starts with the same byte (equal numbers included).
    let numeric = |t: &str| t.bytes().all(|c| c.is_ascii_digit());
    let close = |x: &String| {
        let Some(&first) = x.as_bytes().first() else {
            return false;
        };
        if numeric(x) {
            return b.binary_search(x).is_ok();
        }
        let from = b.partition_point(|y| y.as_bytes().first().is_some_and(|&c| c < first));
        b[from..]
            .iter()
            .take_while(|y| y.as_bytes().first() == Some(&first))
            .any(|y| {
                !numeric(y)
                    && corridor_normalize::jaro_winkler_bound(x, y) >= 0.9
                    && corridor_normalize::jaro_winkler(x, y) >= 0.9
            })
    };
    let hits = a.iter().filter(|x| close(x)).count();
    hits as f64 / a.len().max(b.len()) as f64
}

fn same<T: PartialEq>(a: Option<&T>, b: Option<&T>) -> u8 {
    match (a, b) {
        (Some(x), Some(y)) if x == y => 1,
        (Some(_), Some(_)) => 2,
        _ => 0,
    }
}

/// Biometric references (`system:reference`) only say something within one system:
/// two systems number the same person differently, so references from different
/// systems are no evidence either way.
fn biometric_level(a: &[String], b: &[String]) -> u8 {
    if a.iter().any(|x| b.binary_search(x).is_ok()) {
        return 1;
    }
    fn system(r: &str) -> &str {
        r.split_once(':').map_or(r, |(s, _)| s)
    }
    if a.iter().any(|x| b.iter().any(|y| system(x) == system(y))) {
        2
    } else {
        0
    }
}

/// Sorted lists share a value.
fn shared(a: &[String], b: &[String]) -> u8 {
    if a.is_empty() || b.is_empty() {
        0
    } else if a.iter().any(|x| b.binary_search(x).is_ok()) {
        1
    } else {
        2
    }
}

/// A date as the eight digits of YYYYMMDD (missing parts 0), without allocating.
fn date_digits(d: PartialDate) -> [u8; 8] {
    let mut out = [0u8; 8];
    let mut put = |at: usize, width: usize, v: u32| {
        let mut v = v;
        for k in (0..width).rev() {
            out[at + k] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, d.year.rem_euclid(10_000) as u32);
    put(4, 2, d.month.unwrap_or(0));
    put(6, 2, d.day.unwrap_or(0));
    out
}

/// The birth-date level of two dates that agree on nothing: [`birth_level`]'s last.
pub(crate) const BIRTH_ELSE: u8 = 7;

/// The birth-date level of two dates. A full date one digit off (a typo) and a
/// partial date a year off (an age estimate) are separate levels: together, strangers
/// whose year-only registrations were a year apart (common, as ages cluster) made the
/// level look common among non-matches, and a full date with one mistyped digit
/// weighed too little (pairs scored 0.50 matched 85% of the time at 100,000 records),
/// while the partial dates a year apart weighed too much (0.37 scored, 15% matched).
pub(crate) fn birth_level(x: PartialDate, y: PartialDate) -> u8 {
    let full = x.day.is_some() && y.day.is_some();
    if full && x == y {
        return 1;
    }
    if full && x.year == y.year && x.month == y.day && x.day == y.month {
        return 2;
    }
    let month_fits = match (x.month, y.month) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    if x.year == y.year && month_fits && (x.day.is_none() || y.day.is_none() || x.day == y.day) {
        // Two records that both give only a year (or a month) agree on what they
        // know; a full date beside a year alone agrees with every day of that year.
        // They were one level, and at a million records the second held more
        // strangers than matches (7,412 false links among 10,439 of a common name
        // with no shared phone or document, against 95 of 508 at 100,000): the
        // chance that a stranger of the same name fits grows with the population,
        // and the two kinds of agreement must be weighed apart.
        return if x.day.is_none() == y.day.is_none() && x.month == y.month {
            3
        } else {
            4
        };
    }
    if full && !years_conflict(x.year, y.year) {
        let apart = date_digits(x)
            .iter()
            .zip(date_digits(y))
            .filter(|(p, q)| *p != q)
            .count();
        if apart == 1 {
            return 5;
        }
    }
    if (x.year - y.year).abs() <= 1 && !full {
        return 6;
    }
    BIRTH_ELSE
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;

    fn f(name: &str, birth: &str) -> Features {
        Features::of(&Record {
            id: "x".into(),
            names: vec![name.into()],
            birth_date: Some(birth.into()),
            ..Record::default()
        })
    }

    #[test]
    fn name_and_birth_levels() {
        let a = f("Ђорђевић Марко", "1990-03-07");
        assert_eq!(Attribute::Name.level(&a, &f("Marko Djordjevic", "1990-03-07")), 1);
        assert_eq!(Attribute::BirthDate.level(&a, &f("x", "1990-03-07")), 1);
        assert_eq!(Attribute::BirthDate.level(&a, &f("x", "1990-07-03")), 2);
        assert_eq!(Attribute::BirthDate.level(&a, &f("x", "1990")), 4);
        assert_eq!(Attribute::BirthDate.level(&f("x", "1990"), &f("x", "1990-01-01")), 3);
        assert_eq!(
            Attribute::BirthDate.level(&f("x", "1990-03-01"), &f("x", "1990-03-01")),
            3
        );
        assert_eq!(Attribute::BirthDate.level(&f("x", "1990-03-01"), &f("x", "1990")), 4);
        assert_eq!(Attribute::BirthDate.level(&a, &f("x", "1991-03-07")), 5);
        assert_eq!(Attribute::BirthDate.level(&a, &f("x", "1975-11-20")), 7);
        assert_eq!(Attribute::BirthDate.level(&f("x", "1990"), &f("x", "1991-05-17")), 6);
        assert_eq!(Attribute::Name.level(&a, &f("Ahmad Rahimi", "1990")), 6);
        assert_eq!(
            Attribute::Name.level(&f("Hussein skiper", "1990"), &f("Al Jboori Hussein", "1990")),
            5
        );
        assert_eq!(Attribute::Phone.level(&a, &a), 0, "no phones on either side: null");
    }

    /// Placeholder identifiers shared by many records tie nobody together.
    #[test]
    fn only_plausible_identifiers_corroborate() {
        use crate::cluster::Corroboration;
        let with = |doc: &str, bio: &str| {
            Features::of(&Record {
                id: "x".into(),
                birth_date: Some("1990-03-07".into()),
                documents: vec![doc.into()],
                biometrics: vec![bio.into()],
                ..Record::default()
            })
        };
        for (doc, bio) in [("NA", ":123"), ("000000", "EURODAC:42"), ("UNKNOWN", ":GR12345678")] {
            assert_eq!(
                corroboration(&with(doc, bio), &with(doc, bio)),
                Corroboration::None,
                "{doc} {bio}"
            );
        }
        assert_eq!(
            corroboration(&with("P1234567", "x"), &with("P1234567", "y")),
            Corroboration::Document
        );
        assert_eq!(
            corroboration(&with("NA", "EURODAC:GR12345678"), &with("NA", "EURODAC:GR12345678")),
            Corroboration::Biometric
        );
    }

    #[test]
    fn attribute_index_is_the_position_in_all() {
        for (i, a) in Attribute::ALL.iter().enumerate() {
            assert_eq!(a.index(), i);
            assert!(
                a.levels().len() <= 16,
                "a packed pattern holds four bits per comparison"
            );
        }
    }

    /// The plain definition of [`token_overlap`]: every pair of tokens looked at.
    fn token_overlap_plain(a: &[String], b: &[String]) -> f64 {
        let numeric = |t: &str| t.bytes().all(|c| c.is_ascii_digit());
        let hits = a
            .iter()
            .filter(|x| {
                b.iter().any(|y| {
                    if numeric(x) || numeric(y) {
                        x == &y
                    } else {
                        x.as_bytes().first() == y.as_bytes().first() && corridor_normalize::jaro_winkler(x, y) >= 0.9
                    }
                })
            })
            .count();
        hits as f64 / a.len().max(b.len()) as f64
    }

    proptest::proptest! {
        #[test]
        fn token_overlap_equals_its_plain_definition(
            a in proptest::collection::vec("[0-9]{1,3}|[A-D][A-D0-9]{0,6}|[0-9][A-C]", 1..8),
            b in proptest::collection::vec("[0-9]{1,3}|[A-D][A-D0-9]{0,6}|[0-9][A-C]", 1..8),
        ) {
            let sorted = |mut v: Vec<String>| { v.sort_unstable(); v.dedup(); v };
            let (a, b) = (sorted(a), sorted(b));
            proptest::prop_assert_eq!(token_overlap(&a, &b), token_overlap_plain(&a, &b));
            // Disjoint signatures are only ever a shortcut to an overlap of 0.
            use crate::record::address_signature;
            if token_overlap(&a, &b) > 0.0 {
                proptest::prop_assert!(address_signature(&a) & address_signature(&b) != 0);
            }
        }

        /// The count filter never drops a pair within two edits.
        #[test]
        fn the_edit_filter_keeps_every_close_pair(x in "[A-Z0-9]{6,10}", edits in proptest::collection::vec((0usize..12, "[A-Z0-9]", 0u8..3), 0..3)) {
            let mut y: Vec<char> = x.chars().collect();
            for (at, c, kind) in edits {
                let at = at % (y.len() + 1);
                let c = c.chars().next().unwrap_or('0');
                match kind {
                    0 if at < y.len() => y[at] = c,
                    1 => y.insert(at, c),
                    _ if at + 1 < y.len() => y.swap(at, at + 1),
                    _ => {}
                }
            }
            let y: String = y.into_iter().collect();
            if strsim::osa_distance(&x, &y) <= 2 {
                proptest::prop_assert!(maybe_within_two_edits(&x, &y));
            }
        }
    }
}

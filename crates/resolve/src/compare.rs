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
                "compatible (same month, or a year-only date that fits)",
                "within a year or one digit apart",
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
                (Some(x), Some(y)) => {
                    let s = corridor_normalize::similarity(x, y);
                    if s >= 1.0 {
                        1
                    } else if s >= 0.95 {
                        2
                    } else if s >= 0.88 {
                        3
                    } else if s >= 0.75 {
                        4
                    } else if shares_token(x, y) {
                        5
                    } else {
                        6
                    }
                }
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
                    // Optimal string alignment: a swapped pair of digits is one edit.
                    let closest = a
                        .documents
                        .iter()
                        .flat_map(|x| b.documents.iter().map(move |y| (x, y)))
                        .filter(|(x, y)| x.len().min(y.len()) >= 6)
                        .map(|(x, y)| strsim::osa_distance(x, y))
                        .min()
                        .unwrap_or(usize::MAX);
                    match closest {
                        1 => 2,
                        2 => 3,
                        _ => 4,
                    }
                }
            }
        }
    }
}

/// Two records that cannot be one person whatever else links them: both give a full
/// birth date, the dates are not day/month swaps of each other and are three or more
/// edits apart as YYYYMMDD (a typo or a transposed pair is one or two), and no
/// document, phone or biometric reference is shared.
pub fn hard_conflict(a: &Features, b: &Features) -> bool {
    let (Some(x), Some(y)) = (a.birth, b.birth) else {
        return false;
    };
    if x.day.is_none() || y.day.is_none() || birth_level(x, y) < 5 {
        return false;
    }
    let digits = |d: PartialDate| format!("{:04}{:02}{:02}", d.year, d.month.unwrap_or(0), d.day.unwrap_or(0));
    if strsim::osa_distance(&digits(x), &digits(y)) < 3 {
        return false;
    }
    Attribute::Document.level(a, b) != 1 && Attribute::Phone.level(a, b) != 1 && Attribute::Biometric.level(a, b) != 1
}

/// Some token of one name is spelt like some token of the other (three letters or
/// more, so initials do not count).
fn shares_token(a: &corridor_normalize::NameKeys, b: &corridor_normalize::NameKeys) -> bool {
    a.tokens.iter().any(|ta| {
        b.tokens.iter().any(|tb| {
            ta.latin.iter().any(|l| l.len() >= 3 && tb.latin.contains(l))
                || ta.skeleton.iter().any(|k| k.len() >= 3 && tb.skeleton.contains(k))
        })
    })
}

/// Share of tokens with a close partner on the other side, over the larger token
/// count: numbers must be equal, words must start with the same letter and reach
/// Jaro–Winkler 0.9 (a typo in a street or town name rarely hits its first letter,
/// and the rule keeps a million random address pairs cheap).
fn token_overlap(a: &[String], b: &[String]) -> f64 {
    let close = |x: &String| {
        let numeric = x.bytes().all(|c| c.is_ascii_digit());
        b.iter().any(|y| {
            if numeric || y.bytes().all(|c| c.is_ascii_digit()) {
                x == y
            } else {
                x.as_bytes().first() == y.as_bytes().first()
                    && corridor_normalize::jaro_winkler_bound(x, y) >= 0.9
                    && corridor_normalize::jaro_winkler(x, y) >= 0.9
            }
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
    let system = |r: &String| r.split_once(':').map_or(r.clone(), |(s, _)| s.to_string());
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

fn birth_level(x: PartialDate, y: PartialDate) -> u8 {
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
        return 3;
    }
    if full {
        let digits = |d: PartialDate| format!("{:04}{:02}{:02}", d.year, d.month.unwrap_or(0), d.day.unwrap_or(0));
        let (a, b) = (digits(x), digits(y));
        let apart = a.chars().zip(b.chars()).filter(|(p, q)| p != q).count();
        if apart == 1 {
            return 4;
        }
    }
    if (x.year - y.year).abs() <= 1 && !full {
        return 4;
    }
    5
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
        assert_eq!(Attribute::BirthDate.level(&a, &f("x", "1990")), 3);
        assert_eq!(Attribute::BirthDate.level(&a, &f("x", "1991-03-07")), 4);
        assert_eq!(Attribute::BirthDate.level(&a, &f("x", "1975-11-20")), 5);
        assert_eq!(Attribute::Name.level(&a, &f("Ahmad Rahimi", "1990")), 6);
        assert_eq!(
            Attribute::Name.level(&f("Hussein skiper", "1990"), &f("Al Jboori Hussein", "1990")),
            5
        );
        assert_eq!(Attribute::Phone.level(&a, &a), 0, "no phones on either side: null");
    }
}

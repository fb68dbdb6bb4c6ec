//! Travel documents with machine-readable zones built by `corridor-mrz`: genuine
//! passports and ID cards, and the frauds border police meet (counterfeits with a
//! wrong check digit, birth dates altered in the visual zone, personalised stolen
//! blanks from one batch of numbers, genuine documents used by look-alikes).

use chrono::{Datelike, Months, NaiveDate};
use corridor_mrz::{Document, Format, build_lines, mrz_name_part};
use rand::Rng as _;

use crate::formats::COUNTRIES;
use crate::names::{Name, ascii_fold};
use crate::util::Rng;

/// What a document really is (the ground truth, not what an agency noted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Genuine,
    /// Counterfeit: printed by forgers, a check digit does not compute.
    Forged,
    /// Genuine, with the birth date changed in the visual zone only.
    Altered,
    /// A genuine blank from a stolen batch, personalised by forgers.
    StolenBlank,
    /// A genuine document of someone else, used by a look-alike.
    Impostor,
}

impl DocKind {
    /// The `status` word of the TravelDocument schema.
    pub fn status(self) -> &'static str {
        match self {
            DocKind::Genuine => "genuine",
            DocKind::Forged => "forged",
            DocKind::Altered => "altered",
            DocKind::StolenBlank => "stolen_blank",
            DocKind::Impostor => "impostor",
        }
    }

    /// Position in the vocabulary's status list.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A document as it exists physically.
#[derive(Debug, Clone)]
pub struct Doc {
    pub id: u64,
    pub kind: DocKind,
    pub format: Format,
    pub number: String,
    /// Country index of the issuing state.
    pub issuing: usize,
    /// The person the document names, and their name.
    pub holder: u64,
    pub name: Name,
    /// Birth date printed in the visual zone.
    pub viz_birth: NaiveDate,
    pub expiry: NaiveDate,
    pub female: bool,
    pub lines: Vec<String>,
}

impl Doc {
    /// ID cards are TD1, passports TD3.
    pub fn is_id_card(&self) -> bool {
        self.format == Format::Td1
    }

    /// The issuing state as the MRZ writes it (ICAO uses `RKS` for Kosovo).
    pub fn issuing_code(&self) -> &'static str {
        match COUNTRIES[self.issuing].a3 {
            "XKX" => "RKS",
            other => other,
        }
    }
}

/// The fields needed to issue a document.
#[derive(Debug, Clone, Copy)]
pub struct Issue {
    pub id: u64,
    pub kind: DocKind,
    pub holder: u64,
    pub name: Name,
    pub birth: NaiveDate,
    pub female: bool,
    pub issuing: usize,
    pub id_card: bool,
    pub issued: NaiveDate,
}

fn yymmdd(d: NaiveDate) -> String {
    format!("{:02}{:02}{:02}", d.year() % 100, d.month(), d.day())
}

fn mrz_part(s: &str) -> String {
    mrz_name_part(s).unwrap_or_else(|| {
        ascii_fold(s)
            .to_uppercase()
            .chars()
            .filter(|c| c.is_ascii_uppercase())
            .collect()
    })
}

/// Issues a document with `number`. Counterfeits get one check digit wrong;
/// altered documents keep the MRZ of the original birth date.
pub fn issue(rng: &mut Rng, i: &Issue, number: String) -> Result<Doc, corridor_mrz::Error> {
    let country = &COUNTRIES[i.issuing];
    let years = if i.id_card { 10 } else { country.validity };
    let expiry = i
        .issued
        .checked_add_months(Months::new(12 * years as u32))
        .unwrap_or(i.issued);
    let format = if i.id_card { Format::Td1 } else { Format::Td3 };
    let code = if i.issuing == crate::formats::country("XKX") {
        "RKS"
    } else {
        country.a3
    };
    let doc = Document {
        format,
        code: if i.id_card { "ID".into() } else { "P".into() },
        issuing_state: code.into(),
        surname: mrz_part(i.name.surname().official()),
        given_names: mrz_part(i.name.given().official()),
        number: number.clone(),
        nationality: code.into(),
        birth_date: yymmdd(i.birth),
        sex: if i.female { 'F' } else { 'M' },
        expiry_date: yymmdd(expiry),
        optional: String::new(),
        optional_2: String::new(),
    };
    let mut lines = build_lines(&doc)?;
    let mut viz_birth = i.birth;
    match i.kind {
        DocKind::Forged => {
            let (line, positions): (usize, &[usize]) = if i.id_card {
                (1, &[6, 14, 29])
            } else {
                (1, &[9, 19, 27, 43])
            };
            let pos = positions[rng.random_range(0..positions.len())];
            let mut bytes = lines[line].clone().into_bytes();
            if let Some(b) = bytes.get_mut(pos).filter(|b| b.is_ascii_digit()) {
                *b = b'0' + (*b - b'0' + rng.random_range(1..10u8)) % 10;
            }
            lines[line] = String::from_utf8(bytes).unwrap_or_default();
        }
        DocKind::Altered => {
            let shift = rng.random_range(1..6) * if rng.random_bool(0.5) { 12 } else { -12 };
            viz_birth = if shift > 0 {
                i.birth.checked_add_months(Months::new(shift as u32))
            } else {
                i.birth.checked_sub_months(Months::new((-shift) as u32))
            }
            .unwrap_or(i.birth);
        }
        _ => {}
    }
    Ok(Doc {
        id: i.id,
        kind: i.kind,
        format,
        number,
        issuing: i.issuing,
        holder: i.holder,
        name: i.name,
        viz_birth,
        expiry,
        female: i.female,
        lines,
    })
}

/// A document number in the issuing state's pattern.
pub fn number(rng: &mut Rng, issuing: usize, id_card: bool) -> String {
    let pat = if id_card {
        "#########"
    } else {
        COUNTRIES[issuing].passport
    };
    crate::util::pattern(rng, pat)
}

#[cfg(test)]
mod tests {
    use corridor_mrz::field_checks;
    use rand::SeedableRng;

    use super::*;
    use crate::names::Culture;

    fn issue_kind(kind: DocKind, id_card: bool) -> Doc {
        let mut rng = Rng::seed_from_u64(5);
        let name = Name::random(&mut rng, Culture::Serbian, false);
        let birth = NaiveDate::from_ymd_opt(1984, 2, 29).expect("date");
        let issued = NaiveDate::from_ymd_opt(2019, 5, 3).expect("date");
        let issuing = crate::formats::country("SRB");
        let i = Issue {
            id: 1,
            kind,
            holder: 1,
            name,
            birth,
            female: false,
            issuing,
            id_card,
            issued,
        };
        let n = number(&mut rng, issuing, id_card);
        issue(&mut rng, &i, n).expect("doc")
    }

    #[test]
    fn genuine_documents_pass_and_counterfeits_fail_a_check() {
        for id_card in [false, true] {
            let g = issue_kind(DocKind::Genuine, id_card);
            assert!(
                field_checks(g.format, &g.lines).iter().all(|(_, ok)| *ok),
                "{:?}",
                g.lines
            );
            let f = issue_kind(DocKind::Forged, id_card);
            assert!(
                field_checks(f.format, &f.lines).iter().any(|(_, ok)| !*ok),
                "{:?}",
                f.lines
            );
        }
    }

    #[test]
    fn altered_documents_disagree_with_their_mrz() {
        let a = issue_kind(DocKind::Altered, false);
        assert!(field_checks(a.format, &a.lines).iter().all(|(_, ok)| *ok));
        assert_ne!(&a.lines[1][13..19], yymmdd(a.viz_birth));
    }
}

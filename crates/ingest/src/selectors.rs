//! Selectors normalised as rows are mapped, so every later step (resolution,
//! search, hit/no-hit) compares one form: phones to E.164 with the source agency's
//! country as the default region, document numbers, plates (Cyrillic look-alikes read
//! as Latin), IBANs, IMO and MMSI numbers and e-mail addresses to their canonical
//! form. The value as received stays in the statement's `raw`. A value that fails its
//! check (an invalid or ambiguous phone, an IBAN or IMO with a wrong check digit, a
//! birth date in the future or more than 110 years back) is stored as received, never
//! dropped, and flagged: the flag is stored as a finding with the batch.
//!
//! Phones cost the most (libphonenumber's metadata matching, about 1 µs a number
//! with `rlibphonenumber`). A per-ingest cache of distinct numbers was tried and
//! left out: with mostly distinct numbers, hashing and keeping them cost more than
//! the repeats saved.

use corridor_model::PropType;
use corridor_normalize::{PhoneNormalizer, ident};

/// Why a value was flagged: the finding's kind and reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub kind: &'static str,
    pub reason: String,
}

/// The normalisers for one ingest.
#[derive(Debug)]
pub(crate) struct Selectors {
    phone: PhoneNormalizer,
    region: Option<&'static str>,
    today: (i32, u32, u32),
}

impl Selectors {
    /// `country` is the source agency's country (alpha-2 or alpha-3); `today` the
    /// date the batch is received, against which birth dates are judged.
    pub(crate) fn new(country: &str, today: (i32, u32, u32)) -> Selectors {
        let region = corridor_model::country::to_alpha3(country).and_then(corridor_model::country::to_alpha2);
        Selectors {
            phone: PhoneNormalizer::new(region),
            region,
            today,
        }
    }

    /// The value to store for `schema.prop` and, when it fails a check, a flag.
    pub(crate) fn normalize(
        &mut self,
        schema: &str,
        prop: &str,
        ty: PropType,
        value: String,
    ) -> (String, Option<Flag>) {
        match (ty, schema, prop) {
            (PropType::Phone, _, _) => self.phone(value),
            (PropType::Email, _, _) => identifier(value, ident::email, "email_invalid"),
            (PropType::Date, "Person", "birthDate") => {
                let flag = corridor_normalize::implausible_birth_date(&value, self.today).map(|problem| Flag {
                    kind: "implausible_birth_date",
                    reason: format!("birth date {problem}"),
                });
                (value, flag)
            }
            // The number as printed without separators; its O/0 and I/1 readings are
            // comparison keys, not the stored value.
            (PropType::Identifier, "TravelDocument", "number") => {
                let canonical = ident::compact(&value);
                if canonical.is_empty() || canonical == value {
                    (value, None)
                } else {
                    (canonical, None)
                }
            }
            (PropType::Identifier, "Vehicle", "registrationNumber") => identifier(value, ident::plate, "plate_invalid"),
            (PropType::Identifier, "BankAccount", "iban") => identifier(value, ident::iban, "iban_invalid"),
            (PropType::Identifier, "Vessel", "imoNumber") => identifier(value, ident::imo, "imo_invalid"),
            (PropType::Identifier, "Vessel", "mmsi") => identifier(value, ident::mmsi, "mmsi_invalid"),
            _ => (value, None),
        }
    }

    fn phone(&mut self, value: String) -> (String, Option<Flag>) {
        let p = self.phone.normalize(&value);
        match p.e164 {
            Some(e164) => (e164, None),
            None => {
                let problem = p.problem.unwrap_or_else(|| "not a valid number".into());
                let region = self.region.map_or(String::new(), |r| format!(" (default region {r})"));
                let reason = format!("phone '{value}': {problem}{region}");
                (
                    value,
                    Some(Flag {
                        kind: "phone_invalid",
                        reason,
                    }),
                )
            }
        }
    }
}

fn identifier(value: String, f: fn(&str) -> ident::Identifier, kind: &'static str) -> (String, Option<Flag>) {
    let id = f(&value);
    match id.problem {
        None if !id.canonical.is_empty() => (id.canonical, None),
        None => (value, None),
        Some(problem) => {
            let reason = format!("'{value}': {problem}");
            (value, Some(Flag { kind, reason }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (i32, u32, u32) = (2026, 11, 25);

    #[test]
    fn phones_reach_e164_with_the_agency_region_or_are_flagged() {
        let mut s = Selectors::new("RS", TODAY);
        assert_eq!(
            s.normalize("Phone", "number", PropType::Phone, "064 123 4567".into()),
            ("+381641234567".into(), None)
        );
        let (v, flag) = s.normalize("Phone", "number", PropType::Phone, "12".into());
        assert_eq!(v, "12", "kept as received");
        assert_eq!(flag.map(|f| f.kind), Some("phone_invalid"));
        let mut eu = Selectors::new("EUE", TODAY);
        let (v, flag) = eu.normalize("Phone", "number", PropType::Phone, "064 123 4567".into());
        assert_eq!(v, "064 123 4567");
        assert!(flag.is_some_and(|f| f.reason.contains("ambiguous")));
        assert_eq!(
            eu.normalize("Phone", "number", PropType::Phone, "+381 64 123 4567".into())
                .0,
            "+381641234567"
        );
    }

    #[test]
    fn identifiers_take_their_canonical_form_and_bad_ones_are_flagged() {
        let mut s = Selectors::new("SRB", TODAY);
        let n = |s: &mut Selectors, schema, prop, v: &str| s.normalize(schema, prop, PropType::Identifier, v.into());
        assert_eq!(n(&mut s, "TravelDocument", "number", "010 821-700").0, "010821700");
        assert_eq!(n(&mut s, "Vehicle", "registrationNumber", "БГ 123-АВ").0, "BG123AB");
        assert_eq!(n(&mut s, "Vehicle", "registrationNumber", "NI 123-ČŠ").0, "NI123CS");
        assert_eq!(n(&mut s, "Vehicle", "registrationNumber", "СА 1234 ВК").0, "CA1234BK");
        assert_eq!(
            n(&mut s, "BankAccount", "iban", "rs35 2600 0560 1001 6113 79").0,
            "RS35260005601001611379"
        );
        let (v, flag) = n(&mut s, "BankAccount", "iban", "RS35 2600 0560 1001 6113 78");
        assert_eq!(v, "RS35 2600 0560 1001 6113 78");
        assert_eq!(flag.map(|f| f.kind), Some("iban_invalid"));
        // A Cyrillic С among Latin letters panicked ingest (issue 20, item 2): kept as
        // received and flagged with the letter.
        let (v, flag) = n(&mut s, "BankAccount", "iban", "RС35 2600 0560 1001 6113 79");
        assert_eq!(v, "RС35 2600 0560 1001 6113 79");
        assert!(flag.is_some_and(|f| f.kind == "iban_invalid" && f.reason.contains('С')));
        assert_eq!(n(&mut s, "Vessel", "imoNumber", "IMO 9074729").1, None);
        assert!(n(&mut s, "Vessel", "imoNumber", "IMO 9074728").1.is_some());
        assert_eq!(
            n(&mut s, "Person", "idNumber", " x ").0,
            " x ",
            "other identifiers are left alone"
        );
        let (_, flag) = s.normalize("Person", "birthDate", PropType::Date, "1890-01-01".into());
        assert_eq!(flag.map(|f| f.kind), Some("implausible_birth_date"));
        assert_eq!(
            s.normalize("Person", "birthDate", PropType::Date, "1990-01-01".into())
                .1,
            None
        );
    }
}

//! Telephone numbers to E.164 with the recording agency's country as the default
//! region (the `phonenumber` crate, a port of libphonenumber's metadata). A number
//! that cannot be read or is not valid keeps its raw form and gets a reason; it is
//! never dropped.

use serde::Serialize;

/// The outcome of normalising one number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phone {
    /// `+381641234567`, when the number is valid.
    pub e164: Option<String>,
    /// Why it is not, when it is not.
    pub problem: Option<String>,
}

/// Normalises numbers for one default region; build it once per data set, since
/// reading the region code on every call cost a third of the time.
#[derive(Debug, Clone, Copy)]
pub struct PhoneNormalizer {
    region: Option<phonenumber::country::Id>,
}

impl PhoneNormalizer {
    /// `region` is an ISO 3166-1 alpha-2 code used for numbers written without a
    /// country code; an unknown code means no default region.
    pub fn new(region: Option<&str>) -> Self {
        PhoneNormalizer {
            region: region.and_then(|r| r.to_ascii_uppercase().parse::<phonenumber::country::Id>().ok()),
        }
    }

    pub fn normalize(&self, raw: &str) -> Phone {
        let text = raw.trim();
        let international = text.starts_with('+') || text.starts_with("00");
        if !international && self.region.is_none() {
            return Phone {
                e164: None,
                problem: Some("ambiguous: no country code and no default region".into()),
            };
        }
        let parsed = match text.strip_prefix("00") {
            Some(rest) => phonenumber::parse(self.region, format!("+{rest}")),
            None => phonenumber::parse(self.region, text),
        };
        match parsed {
            Ok(n) if phonenumber::is_valid(&n) => {
                let national = n.national();
                let zeros = "0".repeat(national.zeros() as usize);
                Phone {
                    e164: Some(format!("+{}{zeros}{}", n.code().value(), national.value())),
                    problem: None,
                }
            }
            Ok(n) => Phone {
                e164: None,
                problem: Some(format!(
                    "not a valid number{}",
                    n.country().id().map(|c| format!(" for {c:?}")).unwrap_or_default()
                )),
            },
            Err(e) => Phone {
                e164: None,
                problem: Some(format!("unreadable: {e}")),
            },
        }
    }
}

/// Normalises `raw` with `region` (ISO alpha-2) as the default region.
pub fn normalize_phone(raw: &str, region: Option<&str>) -> Phone {
    PhoneNormalizer::new(region).normalize(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_and_international_forms_reach_e164() {
        assert_eq!(
            normalize_phone("064 123 4567", Some("RS")).e164.as_deref(),
            Some("+381641234567")
        );
        assert_eq!(
            normalize_phone("+381 64 123 4567", Some("MK")).e164.as_deref(),
            Some("+381641234567")
        );
        assert_eq!(
            normalize_phone("00381641234567", None).e164.as_deref(),
            Some("+381641234567")
        );
        assert_eq!(
            normalize_phone("070 123 456", Some("mk")).e164.as_deref(),
            Some("+38970123456")
        );
    }

    #[test]
    fn bad_numbers_keep_a_reason() {
        let p = normalize_phone("12", Some("RS"));
        assert!(p.e164.is_none() && p.problem.is_some());
        let p = normalize_phone("064 123 4567", None);
        assert!(p.problem.is_some_and(|r| r.starts_with("ambiguous")));
        let p = normalize_phone("call me", Some("GR"));
        assert!(p.e164.is_none() && p.problem.is_some());
    }
}

//! Handling codes (H0–H3, EU law-enforcement exchange practice) and TLP 2.0 markings
//! (FIRST), and how several of them combine on a derived fact.
//!
//! Codes are ordered from least to most restrictive, so the strictest code that applies
//! is a `max`. H3 ("other restrictions") is the strictest because its free text can say
//! anything; when several H3 texts apply, all of them apply, so their texts are kept
//! together rather than one chosen.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ParseError;

/// The handling code a provider attached to a piece of information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum HandlingCode {
    /// May only be used for preventing and combating crime.
    H0,
    /// Not to be disclosed in judicial proceedings without the provider's permission.
    H1,
    /// Not to be disseminated without the provider's permission.
    H2,
    /// Other restrictions, stated in free text by the provider.
    H3,
}

impl FromStr for HandlingCode {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "H0" | "0" => Ok(HandlingCode::H0),
            "H1" | "1" => Ok(HandlingCode::H1),
            "H2" | "2" => Ok(HandlingCode::H2),
            "H3" | "3" => Ok(HandlingCode::H3),
            _ => Err(ParseError::new("handling code", s, "one of H0, H1, H2, H3")),
        }
    }
}

impl fmt::Display for HandlingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            HandlingCode::H0 => "H0",
            HandlingCode::H1 => "H1",
            HandlingCode::H2 => "H2",
            HandlingCode::H3 => "H3",
        };
        f.write_str(s)
    }
}

/// Traffic Light Protocol 2.0 marking, for partners outside law enforcement.
/// Ordered from least to most restrictive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Tlp {
    #[serde(rename = "TLP:CLEAR")]
    Clear,
    #[serde(rename = "TLP:GREEN")]
    Green,
    #[serde(rename = "TLP:AMBER")]
    Amber,
    #[serde(rename = "TLP:AMBER+STRICT")]
    AmberStrict,
    #[serde(rename = "TLP:RED")]
    Red,
}

impl FromStr for Tlp {
    type Err = ParseError;
    /// Accepts the canonical `TLP:AMBER+STRICT` form and the bare `amber+strict`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        let bare = upper.strip_prefix("TLP:").unwrap_or(&upper);
        match bare {
            "CLEAR" | "WHITE" => Ok(Tlp::Clear),
            "GREEN" => Ok(Tlp::Green),
            "AMBER" => Ok(Tlp::Amber),
            "AMBER+STRICT" => Ok(Tlp::AmberStrict),
            "RED" => Ok(Tlp::Red),
            _ => Err(ParseError::new(
                "TLP marking",
                s,
                "one of TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED",
            )),
        }
    }
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        };
        f.write_str(s)
    }
}

/// Everything that restricts the use of one piece of information.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Handling {
    pub code: HandlingCode,
    /// The provider's own words; present exactly when `code` is H3.
    pub restriction: Option<String>,
    pub tlp: Option<Tlp>,
}

impl Handling {
    /// Builds a handling, refusing an H3 without its text and a text on any other code,
    /// because an H3 whose restriction is lost cannot be obeyed.
    pub fn new(code: HandlingCode, restriction: Option<String>, tlp: Option<Tlp>) -> Result<Self, ParseError> {
        let restriction = restriction.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        match (code, &restriction) {
            (HandlingCode::H3, None) => Err(ParseError::new(
                "handling code",
                "H3",
                "H3 together with the provider's restriction text",
            )),
            (HandlingCode::H3, Some(_)) | (_, None) => Ok(Handling { code, restriction, tlp }),
            (other, Some(text)) => Err(ParseError::new(
                "handling code",
                &format!("{other} with restriction text '{text}'"),
                "a restriction text only with H3",
            )),
        }
    }

    /// Combines the handling of several inputs into the strictest that applies to all.
    /// Returns `None` for no inputs, since "no restriction" is never a safe default.
    pub fn strictest<'a>(items: impl IntoIterator<Item = &'a Handling>) -> Option<Handling> {
        let mut out: Option<Handling> = None;
        let mut texts: Vec<String> = Vec::new();
        for h in items {
            if let Some(t) = &h.restriction
                && !texts.contains(t)
            {
                texts.push(t.clone());
            }
            out = Some(match out {
                None => h.clone(),
                Some(acc) => Handling {
                    code: acc.code.max(h.code),
                    restriction: None,
                    tlp: match (acc.tlp, h.tlp) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        (a, b) => a.or(b),
                    },
                },
            });
        }
        out.map(|mut h| {
            h.restriction = if texts.is_empty() { None } else { Some(texts.join("; ")) };
            h
        })
    }
}

impl fmt::Display for Handling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(t) = &self.restriction {
            write!(f, " ({t})")?;
        }
        if let Some(tlp) = self.tlp {
            write!(f, " {tlp}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(code: &str, text: Option<&str>, tlp: Option<&str>) -> Handling {
        Handling::new(
            code.parse().expect("code"),
            text.map(str::to_string),
            tlp.map(|t| t.parse().expect("tlp")),
        )
        .expect("handling")
    }

    #[test]
    fn h3_needs_its_text_and_only_h3_has_one() {
        assert!(Handling::new(HandlingCode::H3, None, None).is_err());
        assert!(Handling::new(HandlingCode::H3, Some("  ".into()), None).is_err());
        assert!(Handling::new(HandlingCode::H1, Some("x".into()), None).is_err());
        assert!(Handling::new(HandlingCode::H3, Some("not for UK".into()), None).is_ok());
    }

    #[test]
    fn strictest_takes_highest_code_and_tlp_and_keeps_all_h3_texts() {
        let inputs = [
            h("H0", None, Some("TLP:GREEN")),
            h("H3", Some("no use in court in MK"), None),
            h("H2", None, Some("amber+strict")),
            h("H3", Some("provider to be consulted before arrest"), Some("TLP:AMBER")),
        ];
        let s = Handling::strictest(&inputs).expect("inputs");
        assert_eq!(s.code, HandlingCode::H3);
        assert_eq!(s.tlp, Some(Tlp::AmberStrict));
        assert_eq!(
            s.restriction.as_deref(),
            Some("no use in court in MK; provider to be consulted before arrest")
        );
        assert!(Handling::strictest(&[]).is_none());
        let only = Handling::strictest(&[h("H1", None, None)]).expect("one");
        assert_eq!(only, h("H1", None, None));
    }

    #[test]
    fn tlp_forms() {
        assert_eq!("TLP:AMBER+STRICT".parse::<Tlp>().ok(), Some(Tlp::AmberStrict));
        assert_eq!("white".parse::<Tlp>().ok(), Some(Tlp::Clear));
        assert!("TLP:PURPLE".parse::<Tlp>().is_err());
        assert_eq!(Tlp::Red.to_string(), "TLP:RED");
    }
}

//! The 4x4 intelligence grading (Europol Regulation 2016/794, Art. 29): how reliable
//! a source is and how accurate one piece of information is.
//!
//! Grades are ordered from best to weakest so that "the weakest grading that applies"
//! to a derived fact is a plain `max`. `X` (cannot be assessed) ranks below `C`
//! (unreliable in most instances): a derived fact resting on a source nobody could
//! assess must not look better than one resting on a known-poor source.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ParseError;

/// Source reliability, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SourceReliability {
    /// No doubt about authenticity, trustworthiness and competence, or reliable in all instances.
    A,
    /// Reliable in most instances.
    B,
    /// Unreliable in most instances.
    C,
    /// Cannot be assessed.
    X,
}

/// Information accuracy, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum InformationAccuracy {
    /// Not in doubt.
    #[serde(rename = "1")]
    One,
    /// Known personally to the source but not to the official passing it on.
    #[serde(rename = "2")]
    Two,
    /// Not known personally to the source but corroborated by information already recorded.
    #[serde(rename = "3")]
    Three,
    /// Not known personally to the source and cannot be corroborated.
    #[serde(rename = "4")]
    Four,
}

/// A full grade such as `B2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grading {
    pub source: SourceReliability,
    pub information: InformationAccuracy,
}

impl Grading {
    /// This grade as it stands once its source's reliability is regraded to `now`:
    /// a downgrade shows, an upgrade does not raise what was graded with what was
    /// known then (see `Provenance::effective_grading`).
    pub fn after_regrading(self, now: Option<SourceReliability>) -> Grading {
        match now {
            Some(now) => Grading {
                source: self.source.max(now),
                information: self.information,
            },
            None => self,
        }
    }

    /// The weaker of two gradings, taken axis by axis: a derived fact is no more
    /// reliable than its least reliable source and no more accurate than its least
    /// accurate piece of information, even when those come from different statements.
    pub fn weakest(self, other: Grading) -> Grading {
        Grading {
            source: self.source.max(other.source),
            information: self.information.max(other.information),
        }
    }
}

impl SourceReliability {
    pub fn as_char(self) -> char {
        match self {
            SourceReliability::A => 'A',
            SourceReliability::B => 'B',
            SourceReliability::C => 'C',
            SourceReliability::X => 'X',
        }
    }
}

impl FromStr for SourceReliability {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "A" | "a" => Ok(SourceReliability::A),
            "B" | "b" => Ok(SourceReliability::B),
            "C" | "c" => Ok(SourceReliability::C),
            "X" | "x" => Ok(SourceReliability::X),
            other => Err(ParseError::new("source reliability", other, "one of A, B, C, X")),
        }
    }
}

impl fmt::Display for SourceReliability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_char())
    }
}

impl InformationAccuracy {
    pub fn as_digit(self) -> u8 {
        match self {
            InformationAccuracy::One => 1,
            InformationAccuracy::Two => 2,
            InformationAccuracy::Three => 3,
            InformationAccuracy::Four => 4,
        }
    }
}

impl FromStr for InformationAccuracy {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "1" => Ok(InformationAccuracy::One),
            "2" => Ok(InformationAccuracy::Two),
            "3" => Ok(InformationAccuracy::Three),
            "4" => Ok(InformationAccuracy::Four),
            other => Err(ParseError::new("information accuracy", other, "one of 1, 2, 3, 4")),
        }
    }
}

impl fmt::Display for InformationAccuracy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_digit())
    }
}

impl FromStr for Grading {
    type Err = ParseError;
    /// Accepts `B2`, `b2`, `B/2` and `B-2`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let compact: String = s.chars().filter(|c| !matches!(c, ' ' | '/' | '-')).collect();
        let mut chars = compact.chars();
        match (chars.next(), chars.next(), chars.next()) {
            (Some(src), Some(info), None) => Ok(Grading {
                source: src.to_string().parse()?,
                information: info.to_string().parse()?,
            }),
            _ => Err(ParseError::new(
                "grading",
                s,
                "a source letter A/B/C/X followed by an information digit 1-4, such as B2",
            )),
        }
    }
}

impl fmt::Display for Grading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.source, self.information)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_every_grade() {
        for s in ["A", "B", "C", "X"] {
            for i in 1..=4 {
                let text = format!("{s}{i}");
                let g: Grading = text.parse().expect("valid grade");
                assert_eq!(g.to_string(), text);
            }
        }
        assert_eq!(
            "b/3".parse::<Grading>().map(|g| g.to_string()).ok().as_deref(),
            Some("B3")
        );
        assert!("D1".parse::<Grading>().is_err());
        assert!("A5".parse::<Grading>().is_err());
        assert!("A".parse::<Grading>().is_err());
    }

    #[test]
    fn a_downgrade_shows_and_an_upgrade_does_not() {
        let b2: Grading = "B2".parse().expect("grade");
        assert_eq!(b2.after_regrading(Some(SourceReliability::C)).to_string(), "C2");
        assert_eq!(b2.after_regrading(Some(SourceReliability::A)).to_string(), "B2");
        assert_eq!(b2.after_regrading(None), b2);
    }

    #[test]
    fn weakest_is_taken_per_axis() {
        let a1: Grading = "A1".parse().expect("grade");
        let c2: Grading = "C2".parse().expect("grade");
        let b4: Grading = "B4".parse().expect("grade");
        assert_eq!(a1.weakest(b4).to_string(), "B4");
        assert_eq!(c2.weakest(b4).to_string(), "C4");
        let x1: Grading = "X1".parse().expect("grade");
        assert_eq!(x1.weakest(c2).to_string(), "X2");
    }
}

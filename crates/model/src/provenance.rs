//! Where a statement came from and under which conditions it may be used: the
//! agency and source, the source row, the import batch, the grading, the handling
//! code and whether it is a fact or a personal assessment.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ParseError;
use crate::grading::{Grading, SourceReliability};
use crate::handling::Handling;

/// Directive 2016/680 Art. 7: facts and personal assessments are kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assessment {
    Fact,
    PersonalAssessment,
}

impl Assessment {
    pub fn as_str(self) -> &'static str {
        match self {
            Assessment::Fact => "fact",
            Assessment::PersonalAssessment => "personal_assessment",
        }
    }
}

impl FromStr for Assessment {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
            "fact" => Ok(Assessment::Fact),
            "personal_assessment" | "assessment" | "opinion" => Ok(Assessment::PersonalAssessment),
            _ => Err(ParseError::new("assessment", s, "fact or personal_assessment")),
        }
    }
}

impl fmt::Display for Assessment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A registered source: an agency's unit, or an informant known by code only.
/// The reliability grade it has now may differ from the one it had when a statement
/// was received; both are shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    /// The agency's node id, such as `rs-bp`.
    pub agency: String,
    /// ISO 3166-1 alpha-3 country of the agency (international bodies use their own
    /// code, e.g. `EUE` for Frontex and Europol as ICAO does).
    pub country: String,
    pub unit: String,
    pub informant_code: String,
    /// The reliability recorded for this source today, if it was ever graded.
    pub current_reliability: Option<SourceReliability>,
}

/// The provenance of one statement as read back from a store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub source: SourceRef,
    /// The data set (one mapped file layout of one agency) the record came in.
    pub dataset: String,
    /// The record's id in the agency's own system.
    pub record_id: String,
    pub batch: i64,
    /// RFC 3339, UTC.
    pub received_at: String,
    /// The grading as the source gave it.
    pub grading: Grading,
    pub handling: Handling,
    pub assessment: Assessment,
}

impl Provenance {
    /// The grading to act on today: a later downgrade of the source shows on every
    /// statement it gave. An upgrade does not raise old statements, which were graded
    /// with what was known then.
    pub fn effective_grading(&self) -> Grading {
        self.grading.after_regrading(self.source.current_reliability)
    }
}

/// What applies to a fact derived from several statements: the strictest handling
/// and the weakest grading among them, and whether any of them is only an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restrictions {
    pub handling: Handling,
    pub grading: Grading,
    pub assessment: Assessment,
    /// How many statements the fact rests on.
    pub basis: usize,
}

impl Restrictions {
    /// Folds the provenances of a derived fact's basis. `None` for an empty basis:
    /// a derived fact with no basis cannot be released under any code.
    pub fn of<'a>(basis: impl IntoIterator<Item = &'a Provenance>) -> Option<Restrictions> {
        let basis: Vec<&Provenance> = basis.into_iter().collect();
        let handling = Handling::strictest(basis.iter().map(|p| &p.handling))?;
        let grading = basis.iter().map(|p| p.effective_grading()).reduce(Grading::weakest)?;
        let assessment = if basis.iter().any(|p| p.assessment == Assessment::PersonalAssessment) {
            Assessment::PersonalAssessment
        } else {
            Assessment::Fact
        };
        Some(Restrictions {
            handling,
            grading,
            assessment,
            basis: basis.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handling::{HandlingCode, Tlp};

    fn prov(grading: &str, code: HandlingCode, text: Option<&str>, now: Option<SourceReliability>) -> Provenance {
        Provenance {
            source: SourceRef {
                agency: "mk-bp".into(),
                country: "MKD".into(),
                unit: "Gevgelija".into(),
                informant_code: String::new(),
                current_reliability: now,
            },
            dataset: "mk-crossings".into(),
            record_id: "1".into(),
            batch: 1,
            received_at: "2026-01-01T00:00:00Z".into(),
            grading: grading.parse().expect("grading"),
            handling: Handling::new(code, text.map(str::to_string), Some(Tlp::Amber)).expect("handling"),
            assessment: Assessment::Fact,
        }
    }

    #[test]
    fn a_downgraded_source_shows_on_old_statements_but_an_upgrade_does_not() {
        let down = prov("B2", HandlingCode::H0, None, Some(SourceReliability::C));
        assert_eq!(down.effective_grading().to_string(), "C2");
        let up = prov("B2", HandlingCode::H0, None, Some(SourceReliability::A));
        assert_eq!(up.effective_grading().to_string(), "B2");
    }

    #[test]
    fn restrictions_take_the_strictest_code_and_weakest_grade() {
        let mut opinion = prov("A1", HandlingCode::H1, None, None);
        opinion.assessment = Assessment::PersonalAssessment;
        let basis = [
            opinion,
            prov("B3", HandlingCode::H3, Some("not for court"), None),
            prov("A2", HandlingCode::H0, None, Some(SourceReliability::X)),
        ];
        let r = Restrictions::of(&basis).expect("basis");
        assert_eq!(r.handling.code, HandlingCode::H3);
        assert_eq!(r.handling.restriction.as_deref(), Some("not for court"));
        assert_eq!(r.grading.to_string(), "X3");
        assert_eq!(r.assessment, Assessment::PersonalAssessment);
        assert_eq!(r.basis, 3);
        assert!(Restrictions::of(&[]).is_none());
    }
}

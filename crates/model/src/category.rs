//! Data-subject categories (Directive (EU) 2016/680, Art. 6; Europol Regulation Annex II)
//! and the retention policy that turns a category into a review date (Art. 5).
//!
//! The category drives protection: victims and witnesses are never merged into a
//! suspect automatically and are left out of rankings by default, so every Person
//! must carry one.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::ParseError;

/// Who a person is to the case, as Art. 6 of the Directive requires it be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataSubjectCategory {
    Suspect,
    Convicted,
    /// Factual indications that the person will commit offences.
    PotentialOffender,
    /// Includes potential victims: most smuggled persons.
    Victim,
    Witness,
    /// A person who can provide information.
    Informant,
    ContactOrAssociate,
    Other,
}

impl DataSubjectCategory {
    pub const ALL: [DataSubjectCategory; 8] = [
        DataSubjectCategory::Suspect,
        DataSubjectCategory::Convicted,
        DataSubjectCategory::PotentialOffender,
        DataSubjectCategory::Victim,
        DataSubjectCategory::Witness,
        DataSubjectCategory::Informant,
        DataSubjectCategory::ContactOrAssociate,
        DataSubjectCategory::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DataSubjectCategory::Suspect => "suspect",
            DataSubjectCategory::Convicted => "convicted",
            DataSubjectCategory::PotentialOffender => "potential_offender",
            DataSubjectCategory::Victim => "victim",
            DataSubjectCategory::Witness => "witness",
            DataSubjectCategory::Informant => "informant",
            DataSubjectCategory::ContactOrAssociate => "contact_or_associate",
            DataSubjectCategory::Other => "other",
        }
    }

    /// Victims and witnesses get the stricter defaults of domain brief §3.
    pub fn is_protected(self) -> bool {
        matches!(self, DataSubjectCategory::Victim | DataSubjectCategory::Witness)
    }
}

impl FromStr for DataSubjectCategory {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c == ' ' || c == '-' { '_' } else { c })
            .collect();
        let found = match norm.as_str() {
            "contact" | "associate" | "contact_associate" => Some(DataSubjectCategory::ContactOrAssociate),
            "potential_victim" => Some(DataSubjectCategory::Victim),
            _ => DataSubjectCategory::ALL.into_iter().find(|c| c.as_str() == norm),
        };
        found.ok_or_else(|| {
            ParseError::new(
                "data-subject category",
                s,
                "one of suspect, convicted, potential_offender, victim, witness, informant, contact_or_associate, other",
            )
        })
    }
}

impl fmt::Display for DataSubjectCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How long after receipt data on a person of each category is due for review.
///
/// Kept as months per category so a node can set its own national periods; the
/// defaults follow the three-year review cycle of Europol practice for suspects and
/// convicted persons and shorter periods for everyone whose data is held only because
/// of somebody else's offence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    pub review_after_months: BTreeMap<DataSubjectCategory, u32>,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        use DataSubjectCategory::*;
        let review_after_months = [
            (Suspect, 36),
            (Convicted, 36),
            (PotentialOffender, 24),
            (Victim, 12),
            (Witness, 12),
            (Informant, 24),
            (ContactOrAssociate, 12),
            (Other, 6),
        ]
        .into_iter()
        .collect();
        RetentionPolicy { review_after_months }
    }
}

/// The longest review period a policy may set, in months (a century): past it a
/// number is a typing error, and dates that far off overflow the calendar.
pub const MAX_REVIEW_MONTHS: u32 = 1200;

impl RetentionPolicy {
    /// Checks every period: at least a month, at most [`MAX_REVIEW_MONTHS`].
    pub fn validate(&self) -> Result<(), String> {
        let bad: Vec<String> = self
            .review_after_months
            .iter()
            .filter(|(_, m)| !(1..=MAX_REVIEW_MONTHS).contains(*m))
            .map(|(c, m)| format!("{c}: {m}"))
            .collect();
        if bad.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "review periods must be 1 to {MAX_REVIEW_MONTHS} months; not {}",
                bad.join(", ")
            ))
        }
    }

    /// The date on which data received on `received` about a person of `category` must
    /// be reviewed. A category missing from a custom policy falls back to the default,
    /// so a partial policy file never means "keep forever".
    pub fn review_date(&self, category: DataSubjectCategory, received: NaiveDate) -> NaiveDate {
        let months = self
            .review_after_months
            .get(&category)
            .copied()
            .or_else(|| RetentionPolicy::default().review_after_months.get(&category).copied())
            .unwrap_or(6);
        received
            .checked_add_months(Months::new(months))
            .unwrap_or(NaiveDate::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_round_trips_through_text() {
        for c in DataSubjectCategory::ALL {
            assert_eq!(c.as_str().parse::<DataSubjectCategory>().ok(), Some(c));
        }
        assert_eq!(
            "Contact or associate".parse::<DataSubjectCategory>().ok(),
            Some(DataSubjectCategory::ContactOrAssociate)
        );
        assert!("smuggler".parse::<DataSubjectCategory>().is_err());
    }

    #[test]
    fn review_dates_follow_the_policy_and_fall_back_to_defaults() {
        let received = NaiveDate::from_ymd_opt(2024, 2, 29).expect("date");
        let policy = RetentionPolicy::default();
        assert_eq!(
            policy.review_date(DataSubjectCategory::Suspect, received),
            NaiveDate::from_ymd_opt(2027, 2, 28).expect("date")
        );
        assert_eq!(
            policy.review_date(DataSubjectCategory::Victim, received),
            NaiveDate::from_ymd_opt(2025, 2, 28).expect("date")
        );
        let mut custom = RetentionPolicy {
            review_after_months: BTreeMap::new(),
        };
        custom.review_after_months.insert(DataSubjectCategory::Victim, 3);
        assert_eq!(
            custom.review_date(DataSubjectCategory::Victim, received),
            NaiveDate::from_ymd_opt(2024, 5, 29).expect("date")
        );
        assert_eq!(
            custom.review_date(DataSubjectCategory::Suspect, received),
            policy.review_date(DataSubjectCategory::Suspect, received)
        );
    }
}

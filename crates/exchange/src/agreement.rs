//! The sharing agreement with one partner: what it may ask of this node.
//!
//! Every query a partner sends is checked against its agreement before any work:
//! in force (on or before its last day), the selector kind and the purpose agreed,
//! no larger than the agreed query size, and within the day's budget of oblivious
//! evaluations. The budget is what protects enumerable selector kinds (phone
//! numbers, plates): a partner who could evaluate without limit could try every
//! number; with a budget of a few thousand a day, and every query in both audit
//! logs, it cannot unnoticed. Days are UTC days: a partner can spend one day's
//! budget just before midnight and the next day's just after, so at most twice
//! the budget falls within any 24 hours (set the budget with that in mind).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::Refusal;

/// What may be matched between nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SelectorKind {
    Phone,
    TravelDocument,
    Plate,
    Iban,
    Vessel,
    /// A person's identity (name and birth date), matched fuzzily on encodings.
    PersonIdentity,
}

impl SelectorKind {
    pub const ALL: [SelectorKind; 6] = [
        SelectorKind::Phone,
        SelectorKind::TravelDocument,
        SelectorKind::Plate,
        SelectorKind::Iban,
        SelectorKind::Vessel,
        SelectorKind::PersonIdentity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SelectorKind::Phone => "phone",
            SelectorKind::TravelDocument => "travel-document",
            SelectorKind::Plate => "plate",
            SelectorKind::Iban => "iban",
            SelectorKind::Vessel => "vessel",
            SelectorKind::PersonIdentity => "person-identity",
        }
    }
}

impl std::str::FromStr for SelectorKind {
    type Err = Refusal;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SelectorKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| Refusal::Malformed {
                what: "selector kind",
                why: format!("not one of {}", SelectorKind::ALL.map(SelectorKind::as_str).join(", ")),
            })
    }
}

impl std::fmt::Display for SelectorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sharing agreement with one partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// The partner's name on this node.
    pub partner: String,
    pub kinds: BTreeSet<SelectorKind>,
    /// The purposes (this node's purpose ids) a query may name.
    pub purposes: BTreeSet<String>,
    /// Oblivious evaluations the partner may ask for per UTC day.
    pub daily_budget: u64,
    /// The most selectors in one query.
    pub max_query: u64,
    /// The last day the agreement is in force.
    pub expires: chrono::NaiveDate,
    /// The user who approves disclosures under it.
    pub approver: String,
    /// Whether data received from this partner may be matched for other partners
    /// (the third-party rule: not unless its originator agreed).
    pub onward_use: bool,
}

/// What a partner's query asks, as far as the agreement is concerned.
#[derive(Debug, Clone, Copy)]
pub struct QueryAsk<'a> {
    pub kind: SelectorKind,
    pub purpose: &'a str,
    /// Selectors in the query (each one evaluation).
    pub size: u64,
}

impl Agreement {
    /// Whether the agreement lets `ask` go ahead on `today`, with `used_today`
    /// evaluations already made under it.
    pub fn permits(&self, ask: &QueryAsk<'_>, used_today: u64, today: chrono::NaiveDate) -> Result<(), Refusal> {
        if today > self.expires {
            return Err(Refusal::AgreementExpired {
                partner: self.partner.clone(),
                expired: self.expires.to_string(),
            });
        }
        if !self.kinds.contains(&ask.kind) {
            return Err(Refusal::KindNotAgreed {
                kind: ask.kind.to_string(),
            });
        }
        if !self.purposes.contains(ask.purpose) {
            return Err(Refusal::PurposeNotAgreed {
                purpose: ask.purpose.chars().filter(|c| !c.is_control()).take(64).collect(),
            });
        }
        if ask.size == 0 {
            return Err(Refusal::EmptyQuery);
        }
        if ask.size > self.max_query {
            return Err(Refusal::QueryTooLarge {
                size: ask.size,
                max: self.max_query,
            });
        }
        if used_today.saturating_add(ask.size) > self.daily_budget {
            return Err(Refusal::OverBudget {
                used: used_today,
                budget: self.daily_budget,
                size: ask.size,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> chrono::NaiveDate {
        s.parse().expect("day")
    }

    fn agreement() -> Agreement {
        Agreement {
            partner: "gr-hp".into(),
            kinds: [SelectorKind::Phone, SelectorKind::TravelDocument].into(),
            purposes: ["investigation".to_string()].into(),
            daily_budget: 1000,
            max_query: 100,
            expires: day("2027-06-30"),
            approver: "sam".into(),
            onward_use: false,
        }
    }

    #[test]
    fn a_query_goes_ahead_only_within_every_term_of_the_agreement() {
        let a = agreement();
        let ask = |kind, purpose, size| QueryAsk { kind, purpose, size };
        let today = day("2026-12-07");
        a.permits(&ask(SelectorKind::Phone, "investigation", 100), 900, today)
            .expect("exactly at both limits");
        a.permits(&ask(SelectorKind::Phone, "investigation", 1), 0, day("2027-06-30"))
            .expect("on its last day");
        assert!(matches!(
            a.permits(&ask(SelectorKind::Phone, "investigation", 1), 0, day("2027-07-01")),
            Err(Refusal::AgreementExpired { .. })
        ));
        assert!(matches!(
            a.permits(&ask(SelectorKind::Plate, "investigation", 1), 0, today),
            Err(Refusal::KindNotAgreed { .. })
        ));
        assert!(matches!(
            a.permits(&ask(SelectorKind::Phone, "statistics", 1), 0, today),
            Err(Refusal::PurposeNotAgreed { .. })
        ));
        assert_eq!(
            a.permits(&ask(SelectorKind::Phone, "investigation", 0), 0, today),
            Err(Refusal::EmptyQuery)
        );
        assert!(matches!(
            a.permits(&ask(SelectorKind::Phone, "investigation", 101), 0, today),
            Err(Refusal::QueryTooLarge { .. })
        ));
        assert!(matches!(
            a.permits(&ask(SelectorKind::Phone, "investigation", 2), 999, today),
            Err(Refusal::OverBudget { .. })
        ));
        assert!(
            a.permits(&ask(SelectorKind::Phone, "investigation", 1), u64::MAX, today)
                .is_err(),
            "no overflow past the budget"
        );
    }

    #[test]
    fn kinds_read_and_print_the_same() {
        for k in SelectorKind::ALL {
            assert_eq!(k.as_str().parse::<SelectorKind>().ok(), Some(k));
            assert_eq!(serde_json::to_string(&k).ok(), Some(format!("\"{}\"", k.as_str())));
        }
        assert!("telephone".parse::<SelectorKind>().is_err());
    }
}

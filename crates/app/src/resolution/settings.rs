//! A run's settings: typed, with their defaults in one place, stored with the run
//! (in its summary, under the same names) and read back from it by everything that
//! acts as the latest run did: an analyst's decision re-runs with them, matching at
//! ingest joins with them.

use corridor_resolve::{Options, Policy};
use serde::{Deserialize, Serialize};

/// How a run resolves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunSettings {
    /// Seed for the random pairs behind u; the same seed gives the same result.
    pub seed: u64,
    /// Compare only records of different data sets.
    pub link_only: bool,
    /// Each blocking rule's budget of candidate pairs per record.
    pub pairs_per_record: f64,
    /// Join automatically at or above this match probability.
    pub match_probability: f64,
    /// Hold for review at or above this probability.
    pub review_probability: f64,
    /// No identity grows past this many records by an automatic join unless a link
    /// is corroborated.
    pub max_identity: u32,
}

impl RunSettings {
    /// The defaults, for front ends' argument parsers.
    pub const DEFAULT: RunSettings = RunSettings {
        seed: 42,
        link_only: false,
        pairs_per_record: 10.0,
        match_probability: 0.9,
        review_probability: 0.5,
        max_identity: 50,
    };

    /// The settings a run was made with, from its stored summary; what a run from
    /// before a setting existed did not record is its default.
    pub fn of_summary(summary: &str) -> RunSettings {
        serde_json::from_str(summary).unwrap_or_default()
    }

    /// The clustering policy of these settings.
    pub fn policy(&self) -> Policy {
        Policy {
            match_probability: self.match_probability,
            review_probability: self.review_probability,
            max_identity: self.max_identity as usize,
            ..Policy::default()
        }
    }

    /// The resolver's options.
    pub(crate) fn options(&self, model: Option<corridor_resolve::Model>, keep_all_scores: bool) -> Options {
        Options {
            seed: self.seed,
            model,
            link_only: self.link_only,
            keep_all_scores,
            limits: corridor_resolve::Limits {
                pairs_per_record: self.pairs_per_record,
                ..corridor_resolve::Limits::default()
            },
            policy: self.policy(),
            ..Options::default()
        }
    }
}

impl Default for RunSettings {
    fn default() -> Self {
        RunSettings::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_through_a_summary_and_missing_ones_are_the_defaults() {
        let s = RunSettings {
            seed: 7,
            max_identity: 30,
            ..RunSettings::default()
        };
        let mut summary = serde_json::to_value(s).expect("json");
        summary["records"] = 12.into();
        assert_eq!(RunSettings::of_summary(&summary.to_string()), s);
        assert_eq!(RunSettings::of_summary(r#"{"records": 3}"#), RunSettings::DEFAULT);
        assert_eq!(RunSettings::of_summary("not json"), RunSettings::DEFAULT);
        let old = RunSettings::of_summary(r#"{"match_probability": 0.8}"#);
        assert_eq!((old.match_probability, old.review_probability), (0.8, 0.5));
    }
}

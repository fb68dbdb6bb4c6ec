//! What evidence a reader may use: a time window, the agencies whose reports count,
//! a minimum grading, the kinds of link, and the handling codes the reader is
//! cleared for.

use std::collections::BTreeSet;

use corridor_model::{Grading, HandlingCode};

use crate::build::{Evidence, LinkKind, RecordSource};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FilterError {
    #[error("`{0}` is not a day of the calendar: give YYYY-MM-DD")]
    Date(String),
    #[error("the window ends ({to}) before it starts ({from})")]
    Window { from: String, to: String },
}

/// Evidence passes when it meets every condition set. Undated evidence does not
/// pass a time window: nothing says it falls inside.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only evidence resting entirely on these agencies' reports.
    pub agencies: Option<BTreeSet<String>>,
    /// Only evidence graded at least this well on both axes (`B2` passes `A1`,
    /// `B1`, `A2`, `B2`).
    pub min_grading: Option<Grading>,
    pub kinds: Option<BTreeSet<LinkKind>>,
    /// The handling codes the reader may see; evidence whose strictest code is not
    /// among them is left out.
    pub handling: Option<BTreeSet<HandlingCode>>,
    /// Only records and evidence of these data sets (a case's): an entity id's data
    /// set is what precedes its first `:`. An empty set lets nothing through.
    pub datasets: Option<BTreeSet<String>>,
}

/// The data set of an entity id (`dataset:record:name`).
pub(crate) fn dataset_of(entity: &str) -> &str {
    entity.split(':').next().unwrap_or_default()
}

fn check_date(d: &str) -> Result<String, FilterError> {
    let b = d.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if ok && is_calendar_day(d) {
        Ok(d.to_string())
    } else {
        Err(FilterError::Date(d.to_string()))
    }
}

/// Whether `YYYY-MM-DD` (digits already checked) names a day of the Gregorian
/// calendar: `2024-02-30` does not, and a window bound on it would silently mean
/// something else.
fn is_calendar_day(d: &str) -> bool {
    let n = |r: std::ops::Range<usize>| d.get(r).and_then(|x| x.parse::<u32>().ok()).unwrap_or(0);
    let (y, m, day) = (n(0..4), n(5..7), n(8..10));
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    (1..=days).contains(&day)
}

impl Filter {
    /// A time window from optional `YYYY-MM-DD` bounds, both inclusive.
    pub fn window(from: Option<&str>, to: Option<&str>) -> Result<Filter, FilterError> {
        let from = from.map(check_date).transpose()?;
        let to = to.map(check_date).transpose()?;
        if let (Some(f), Some(t)) = (&from, &to)
            && t < f
        {
            return Err(FilterError::Window {
                from: f.clone(),
                to: t.clone(),
            });
        }
        Ok(Filter {
            from,
            to,
            ..Filter::default()
        })
    }

    /// Whether a reader may see a party's record: its agencies, grading and handling
    /// (time window and link kinds do not apply to who a person is).
    pub fn accepts_source(&self, s: &RecordSource) -> bool {
        self.datasets.as_ref().is_none_or(|d| d.contains(dataset_of(&s.record)))
            && self.accepts_provenance(&s.agencies, s.grading, s.handling.code)
    }

    /// The conditions evidence and records share: agencies, grading, handling.
    fn accepts_provenance(&self, agencies: &[String], grading: Grading, handling: HandlingCode) -> bool {
        if let Some(allowed) = &self.agencies
            && !agencies.iter().all(|a| allowed.contains(a))
        {
            return false;
        }
        if let Some(min) = self.min_grading
            && (grading.source > min.source || grading.information > min.information)
        {
            return false;
        }
        self.handling.as_ref().is_none_or(|h| h.contains(&handling))
    }

    pub fn accepts(&self, e: &Evidence) -> bool {
        if self.from.is_some() || self.to.is_some() {
            let Some(date) = &e.date else { return false };
            if self.from.as_ref().is_some_and(|f| date < f) || self.to.as_ref().is_some_and(|t| date > t) {
                return false;
            }
        }
        if self.kinds.as_ref().is_some_and(|k| !k.contains(&e.kind)) {
            return false;
        }
        if let Some(d) = &self.datasets
            && !e.entities.iter().all(|x| d.contains(dataset_of(x)))
        {
            return false;
        }
        self.accepts_provenance(&e.agencies, e.grading, e.handling.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_bounds_must_be_days_of_the_calendar() {
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "1900-02-29",
            "2024-1-01",
        ] {
            assert!(Filter::window(Some(bad), None).is_err(), "{bad} accepted");
        }
        for good in ["2024-02-29", "2000-02-29", "2024-12-31", "2024-01-01"] {
            assert!(Filter::window(None, Some(good)).is_ok(), "{good} refused");
        }
    }
}

//! Dates of birth as evidence: their precision, the day/month swap a clerk may have
//! made, and values that cannot be right (born in the future, older than 110).

use corridor_model::PartialDate;
use serde::Serialize;

/// What a stored date says and how far to trust it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateCheck {
    /// `year`, `month` or `day`.
    pub precision: &'static str,
    /// The same date with day and month swapped, when that is also a calendar date.
    pub swapped: Option<String>,
    pub problems: Vec<String>,
}

/// Why a stored birth date cannot be right, if it cannot: the cheap part of
/// [`check_birth_date`] that ingest runs on every person.
pub fn implausible_birth_date(iso: &str, today: (i32, u32, u32)) -> Option<String> {
    let d = PartialDate::parse_iso(iso).ok()?;
    let as_tuple = (d.year, d.month.unwrap_or(1), d.day.unwrap_or(1));
    if as_tuple > today {
        return Some(format!("{d} is in the future"));
    }
    let age = today.0 - d.year - i32::from((today.1, today.2) < (d.month.unwrap_or(1), d.day.unwrap_or(1)));
    (age > 110).then(|| format!("{d} makes the person {age} years old"))
}

/// Checks a birth date in its stored ISO form against `today` (year, month, day).
pub fn check_birth_date(iso: &str, today: (i32, u32, u32)) -> Result<DateCheck, String> {
    let d = PartialDate::parse_iso(iso)?;
    let precision = match (d.month, d.day) {
        (Some(_), Some(_)) => "day",
        (Some(_), None) => "month",
        _ => "year",
    };
    let swapped = match (d.month, d.day) {
        (Some(m), Some(day)) if m != day && day <= 12 => {
            PartialDate::new(d.year, Some(day), Some(m)).ok().map(|s| s.to_string())
        }
        _ => None,
    };
    let mut problems = Vec::new();
    let as_tuple = (d.year, d.month.unwrap_or(1), d.day.unwrap_or(1));
    if as_tuple > today {
        problems.push(format!("{d} is in the future"));
    }
    let age = today.0 - d.year - i32::from((today.1, today.2) < (d.month.unwrap_or(1), d.day.unwrap_or(1)));
    if age > 110 {
        problems.push(format!("{d} makes the person {age} years old"));
    }
    Ok(DateCheck {
        precision,
        swapped,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (i32, u32, u32) = (2026, 11, 25);

    #[test]
    fn precision_swaps_and_implausible_values() {
        let c = check_birth_date("1991-07-03", TODAY).expect("date");
        assert_eq!((c.precision, c.swapped.as_deref()), ("day", Some("1991-03-07")));
        assert!(c.problems.is_empty());
        assert_eq!(check_birth_date("1991-07-23", TODAY).expect("date").swapped, None);
        assert_eq!(check_birth_date("1991", TODAY).expect("date").precision, "year");
        assert!(check_birth_date("2030-01-01", TODAY).expect("date").problems[0].contains("future"));
        assert!(check_birth_date("1900-01-01", TODAY).expect("date").problems[0].contains("126 years"));
        assert!(check_birth_date("1991-02-30", TODAY).is_err());
        for d in ["1991-07-03", "1991", "2030-01-01", "1900-01-01", "2026-11-26"] {
            let full = check_birth_date(d, TODAY).expect("date").problems.first().cloned();
            assert_eq!(implausible_birth_date(d, TODAY), full, "{d}");
        }
    }
}

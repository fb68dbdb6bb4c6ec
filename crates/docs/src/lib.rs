//! Document fraud checks over stored TravelDocument entities: each finding names its
//! kind, the documents involved and a reason an analyst can act on.
//!
//! Checks: the MRZ fails Doc 9303 validation; the MRZ disagrees with the visual-zone
//! fields recorded beside it (number, birth date, surname); issue date before birth or
//! expiry before issue; one document number (same issuing state, O/0 and I/1 read
//! alike) recorded with different birth dates or names; Doc 9303 specimen numbers; and
//! hits on stolen/lost watchlists imported as CSV (national lists, Interpol SLTD
//! extracts), reported with the list's own provenance.

mod run;
mod validity;
mod watchlist;

use std::collections::{BTreeMap, HashMap};

use corridor_model::{Entity, PartialDate};
use serde::Serialize;

pub use run::{AtIngest, Outcome, Scope, run_checks};
pub use validity::max_passport_months;
pub use watchlist::{Watchlist, WatchlistError, match_key, read_csv, read_csv_bytes};

/// One thing wrong with one or more documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `mrz_invalid`, `mrz_mismatch`, `date_order`, `number_reuse`, `specimen`, `watchlist`.
    pub kind: &'static str,
    pub document: String,
    /// Other documents involved (number reuse).
    pub related: Vec<String>,
    pub reason: String,
}

/// Numbers printed on ICAO Doc 9303 specimen documents.
const SPECIMEN_NUMBERS: &[&str] = &["L898902C3", "D23145890", "L8988901C", "AB2134"];

fn first<'a>(e: &'a Entity, prop: &str) -> Option<&'a str> {
    e.values(prop).into_iter().next()
}

/// An event at which a document was presented or found (a crossing, an interception):
/// the document must have been valid on that date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentUse {
    /// The event entity.
    pub event: String,
    /// Its date as stored (`2025-09-01` or `2025-09-01T03:30`).
    pub date: String,
}

/// Runs every check over `documents` (TravelDocument entities with current statements).
pub fn check(documents: &[Entity], watchlists: &[Watchlist], today: (i32, u32, u32)) -> Vec<Finding> {
    check_with_uses(documents, &HashMap::new(), watchlists, today)
}

/// [`check`], plus validity at each event a document was used at (`uses`, keyed by
/// document entity id).
pub fn check_with_uses(
    documents: &[Entity],
    uses: &HashMap<String, Vec<DocumentUse>>,
    watchlists: &[Watchlist],
    today: (i32, u32, u32),
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for doc in documents {
        check_one(doc, watchlists, today, &mut findings);
        if let Some(used) = uses.get(&doc.id) {
            validity_at_events(doc, used, &mut findings);
        }
    }
    number_reuse(documents, &mut findings);
    findings
}

fn validity_at_events(doc: &Entity, uses: &[DocumentUse], out: &mut Vec<Finding>) {
    let date = |p: &str| first(doc, p).and_then(|v| PartialDate::parse_iso(v).ok());
    let (start, end) = (date("startDate"), date("endDate"));
    for u in uses {
        let Some(day) = u.date.get(..10).and_then(|d| PartialDate::parse_iso(d).ok()) else {
            continue;
        };
        if let Some(e) = end
            && e.day.is_some()
            && day > e
        {
            out.push(Finding {
                kind: "expired_at_event",
                document: doc.id.clone(),
                related: vec![u.event.clone()],
                reason: format!("used on {day} at {}, but it expired on {e}", u.event),
            });
        }
        if let Some(s) = start
            && s.day.is_some()
            && day < s
        {
            out.push(Finding {
                kind: "used_before_issue",
                document: doc.id.clone(),
                related: vec![u.event.clone()],
                reason: format!("used on {day} at {}, before it was issued on {s}", u.event),
            });
        }
    }
}

/// The checks that need only the document itself (and the watchlists): what ingest
/// runs on each new document.
pub fn check_each(documents: &[Entity], watchlists: &[Watchlist], today: (i32, u32, u32)) -> Vec<Finding> {
    let mut findings = Vec::new();
    for doc in documents {
        check_one(doc, watchlists, today, &mut findings);
    }
    findings
}

/// The number as the reuse check groups it: issuing country and match key.
fn reuse_key(doc: &Entity) -> Option<(String, String)> {
    let number = first(doc, "number")?;
    Some((first(doc, "country").unwrap_or("").to_string(), match_key(number)))
}

fn check_one(doc: &Entity, watchlists: &[Watchlist], today: (i32, u32, u32), findings: &mut Vec<Finding>) {
    let number = first(doc, "number").map(corridor_normalize::ident::document_number);
    let country = first(doc, "country").unwrap_or("");
    if let Some(n) = &number {
        if SPECIMEN_NUMBERS.contains(&n.canonical.as_str()) {
            findings.push(finding(
                "specimen",
                doc,
                format!("{} is a Doc 9303 specimen number", n.canonical),
            ));
        }
        for list in watchlists {
            for hit in list.hits(&n.canonical, country) {
                findings.push(finding("watchlist", doc, hit));
            }
        }
    }
    if let Some(mrz) = first(doc, "mrz") {
        let lines: Vec<String> = mrz
            .split(|c: char| c.is_whitespace() || c == '|')
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let parsed = corridor_mrz::parse(&lines, today);
        if !parsed.valid {
            findings.push(finding("mrz_invalid", doc, parsed.errors.join("; ")));
        }
        if !parsed.format.is_empty() {
            mrz_against_viz(
                doc,
                &parsed.fields,
                number.as_ref().map(|n| n.canonical.as_str()),
                findings,
            );
        }
    }
    date_order(doc, findings);
}

/// One number (same issuing state) recorded with different birth dates or names.
fn number_reuse(documents: &[Entity], findings: &mut Vec<Finding>) {
    let mut by_number: BTreeMap<(String, String), Vec<&Entity>> = BTreeMap::new();
    for doc in documents {
        if let Some(key) = reuse_key(doc) {
            by_number.entry(key).or_default().push(doc);
        }
    }
    for ((country, number), docs) in &by_number {
        if docs.len() < 2 {
            continue;
        }
        let births: Vec<&str> = docs
            .iter()
            .filter_map(|d| first(d, "birthDate"))
            .filter(|b| b.len() == 10)
            .collect();
        let mut distinct_births = births.clone();
        distinct_births.sort_unstable();
        distinct_births.dedup();
        let names: Vec<String> = docs
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    first(d, "givenNames").unwrap_or(""),
                    first(d, "surname").unwrap_or("")
                )
                .trim()
                .to_string()
            })
            .filter(|n| !n.is_empty())
            .collect();
        let names_differ = names
            .iter()
            .any(|a| names.iter().any(|b| corridor_normalize::compare(a, b).score < 0.8));
        if distinct_births.len() > 1 || names_differ {
            let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
            for d in docs {
                findings.push(Finding {
                    kind: "number_reuse",
                    document: d.id.clone(),
                    related: ids.iter().filter(|i| **i != d.id).cloned().collect(),
                    reason: format!(
                        "document number {number}{} is recorded {} times with {}",
                        if country.is_empty() {
                            String::new()
                        } else {
                            format!(" ({country})")
                        },
                        docs.len(),
                        if distinct_births.len() > 1 {
                            format!("different birth dates ({})", distinct_births.join(", "))
                        } else {
                            format!("different names ({})", names.join(" / "))
                        }
                    ),
                });
            }
        }
    }
}

fn finding(kind: &'static str, doc: &Entity, reason: String) -> Finding {
    Finding {
        kind,
        document: doc.id.clone(),
        related: Vec::new(),
        reason,
    }
}

fn mrz_against_viz(doc: &Entity, mrz: &corridor_mrz::Fields, viz_number: Option<&str>, out: &mut Vec<Finding>) {
    if let Some(n) = viz_number
        && !mrz.document_number.is_empty()
        && mrz.document_number != n
    {
        out.push(finding(
            "mrz_mismatch",
            doc,
            format!("MRZ number {} but visual zone {n}", mrz.document_number),
        ));
    }
    if let Some(b) = first(doc, "birthDate")
        && b.len() == 10
        && mrz.birth_date.len() == 10
        && mrz.birth_date != b
    {
        out.push(finding(
            "mrz_mismatch",
            doc,
            format!("MRZ birth date {} but visual zone {b}", mrz.birth_date),
        ));
    }
    if let Some(s) = first(doc, "surname")
        && !mrz.surname.is_empty()
    {
        let score = corridor_normalize::compare(s, &mrz.surname).score;
        if score < 0.85 {
            out.push(finding(
                "mrz_mismatch",
                doc,
                format!("MRZ surname {} but visual zone {s} (similarity {score})", mrz.surname),
            ));
        }
    }
}

fn date_order(doc: &Entity, out: &mut Vec<Finding>) {
    let date = |p: &str| first(doc, p).and_then(|v| PartialDate::parse_iso(v).ok());
    let (birth, start, end) = (date("birthDate"), date("startDate"), date("endDate"));
    if let (Some(b), Some(s)) = (birth, start)
        && s < b
    {
        out.push(finding(
            "date_order",
            doc,
            format!("issued {s}, before the holder's birth {b}"),
        ));
    }
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        out.push(finding(
            "date_order",
            doc,
            format!("expires {e}, before it was issued {s}"),
        ));
    }
    validity_period(doc, start, end, out);
}

/// A passport valid for longer than its issuing state issues passports.
fn validity_period(doc: &Entity, start: Option<PartialDate>, end: Option<PartialDate>, out: &mut Vec<Finding>) {
    let (Some(s), Some(e)) = (start, end) else { return };
    let (Some(sm), Some(em)) = (s.month, e.month) else {
        return;
    };
    // Only what is known to be a passport: ID cards follow other rules.
    let is_passport =
        first(doc, "type") == Some("passport") || first(doc, "mrz").is_some_and(|m| m.trim_start().starts_with('P'));
    let state = first(doc, "country").unwrap_or("");
    let Some(max) = validity::max_passport_months(state) else {
        return;
    };
    if !is_passport {
        return;
    }
    let months = (e.year - s.year) * 12 + em as i32
        - sm as i32
        - i32::from(matches!((s.day, e.day), (Some(sd), Some(ed)) if ed < sd));
    if months > max as i32 {
        out.push(finding(
            "validity_period",
            doc,
            format!(
                "valid from {s} to {e} ({} years {} months), longer than the {} years {state} issues passports for",
                months / 12,
                months % 12,
                (max - 1) / 12
            ),
        ));
    }
}

#[cfg(test)]
mod tests;

//! Resolution's review queue and decisions for a case member: only pairs whose two
//! records the case holds; a pair held because one record is a victim's or a
//! witness's (or any pair with such a record) only under a grant for deciding
//! protected pairs, which the policy gives supervisors alone.

use corridor_access::{Action, Grant};
use corridor_store::{ReviewPair, Store};
use serde::Serialize;

use super::run::{Decided, Decision, decide};
use crate::error::{Error, Result};

/// A pair held for review, as a case member sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseReviewPair {
    #[serde(flatten)]
    pub pair: ReviewPair,
    /// Held because one record is a victim's or a witness's: a supervisor decides.
    pub protected: bool,
}

const PROTECTED: &str = "protected_category";

fn case_datasets(store: &dyn Store, grant: &Grant) -> Result<Vec<String>> {
    let case = grant
        .case()
        .ok_or_else(|| Error::BadInput("name the case this review is for".into()))?;
    Ok(store.case_datasets(case.id)?)
}

fn inside(datasets: &[String], id: &str) -> bool {
    let d = id.split(':').next().unwrap_or_default();
    datasets.iter().any(|x| x == d)
}

/// The pairs held for review whose two records the grant's case holds; the
/// listing (record ids and whether protected) is logged as a read.
pub fn review_in_case(store: &mut dyn Store, grant: &Grant) -> Result<Vec<CaseReviewPair>> {
    let datasets = case_datasets(&*store, grant)?;
    let inside_case: Vec<ReviewPair> = store
        .resolution_review()?
        .into_iter()
        .filter(|p| inside(&datasets, &p.a) && inside(&datasets, &p.b))
        .collect();
    // A record above the reader's clearance is not there for them: nor its pairs.
    let mut ids: Vec<String> = inside_case.iter().flat_map(|p| [p.a.clone(), p.b.clone()]).collect();
    ids.sort();
    ids.dedup();
    let handling = store.strictest_handling(&ids)?;
    let clearance = grant.clearance();
    let seen = |id: &str| handling.get(id).is_some_and(|h| *h <= clearance);
    let pairs: Vec<CaseReviewPair> = inside_case
        .into_iter()
        .filter(|p| seen(&p.a) && seen(&p.b))
        .map(|pair| CaseReviewPair {
            protected: pair.why == PROTECTED,
            pair,
        })
        .collect();
    let session = crate::access::session_of(grant)?;
    store.log_access(&corridor_store::AuditEntry {
        actor: session.actor().into(),
        action: corridor_store::AuditAction::Read,
        target: "review queue".into(),
        purpose: session.purpose().into(),
        detail: serde_json::json!({"pairs": pairs.len()}).to_string(),
    })?;
    Ok(pairs)
}

/// Decides a pair of the case's records. Refused as not found when the case does
/// not hold both; refused when the pair concerns a victim or a witness and the
/// grant is not for deciding protected pairs. Logged with the reason, then
/// resolved again as [`decide`] does.
pub fn decide_in_case(
    store: &mut dyn Store,
    grant: &Grant,
    a: &str,
    b: &str,
    decision: Decision,
    reason: &str,
) -> Result<Decided> {
    let datasets = case_datasets(&*store, grant)?;
    for id in [a, b] {
        if !inside(&datasets, id) {
            return Err(Error::NotFound(format!(
                "no record '{}' in this case: a case decides only pairs of its own records",
                id.chars().filter(|c| !c.is_control()).take(200).collect::<String>()
            )));
        }
    }
    if reason.trim().is_empty() {
        return Err(Error::BadInput(
            "give the reason for the decision: it is kept with it".into(),
        ));
    }
    let session = crate::access::session_of(grant)?;
    let held_protected = store
        .resolution_review()?
        .iter()
        .any(|p| ((p.a == a && p.b == b) || (p.a == b && p.b == a)) && p.why == PROTECTED);
    // Both records must exist before anything is re-run; whether the pair is a
    // supervisor's to decide is read off every record of the two identities they
    // belong to (confirming a suspect's record into an identity that holds a
    // victim's record is as protected as pairing them directly).
    // A record the reader may not see (above their clearance) is not there for
    // them: no decision on it.
    let clearance = grant.clearance();
    for id in [a, b] {
        let seen = store
            .entity(id, session.actor(), session.purpose())?
            .is_some_and(|e| e.statements.iter().all(|s| s.provenance.handling.code <= clearance));
        if !seen {
            return Err(Error::NotFound(format!(
                "no record '{}' in this case",
                id.chars().filter(|c| !c.is_control()).take(200).collect::<String>()
            )));
        }
    }
    let identities: Vec<String> = store
        .identities_of(&[a.to_string(), b.to_string()])?
        .into_iter()
        .map(|(_, identity)| identity)
        .collect();
    let mut records: Vec<String> = store
        .identity_members(&identities)?
        .into_iter()
        .map(|(record, _)| record)
        .collect();
    records.extend([a.to_string(), b.to_string()]);
    records.sort();
    records.dedup();
    // An identity reaching outside the case is decided as a protected one: whether
    // another case's record is a victim's must not show in the answer. Inside the
    // case, categories only (no values are read for this).
    let protected = held_protected
        || records.iter().any(|r| !inside(&datasets, r))
        || store
            .person_reviews()?
            .iter()
            .any(|r| records.binary_search(&r.entity).is_ok() && r.category.is_protected());
    if protected && grant.action() != Action::DecideProtectedPair {
        return Err(Error::Forbidden(
            "this pair concerns a victim or a witness: a supervisor decides it, as a decision on a protected pair"
                .into(),
        ));
    }
    decide(store, &session, a, b, decision, reason)
}

/// Why two of the case's records scored what they did under the latest run's
/// model: each comparison's level and weight (no values). Read for the two records
/// alone, with the population's name counts kept by the matching index, so it costs
/// the same at a million records as at a hundred. Refused as not found when the
/// case does not hold both or a record holds statements above the reader's
/// clearance (its comparisons would tell what the reader may not see).
pub fn explain_in_case(
    store: &mut dyn Store,
    grant: &Grant,
    a: &str,
    b: &str,
) -> Result<corridor_resolve::Explanation> {
    let datasets = case_datasets(&*store, grant)?;
    let session = crate::access::session_of(grant)?;
    let clearance = grant.clearance();
    for id in [a, b] {
        let not_here = || {
            Error::NotFound(format!(
                "no record '{}' in this case",
                id.chars().filter(|c| !c.is_control()).take(200).collect::<String>()
            ))
        };
        if !inside(&datasets, id) {
            return Err(not_here());
        }
        let seen = store.entity(id, session.actor(), session.purpose())?.is_some_and(|e| {
            e.schema == "Person" && e.statements.iter().all(|s| s.provenance.handling.code <= clearance)
        });
        if !seen {
            return Err(not_here());
        }
    }
    let Some(run) = store.latest_resolution()? else {
        return Err(Error::NotFound(
            "no resolution yet: the node's administrator runs one".into(),
        ));
    };
    let model = super::ingest::stored_model(&run)?;
    model.check_levels().map_err(|e| Error::BadInput(e.to_string()))?;
    let ids = [a.to_string(), b.to_string()];
    let rows = store.values_of_records(&ids, &super::load::SCHEMATA, session.actor(), session.purpose())?;
    let records: Vec<corridor_resolve::Record> = rows
        .iter()
        .flat_map(|row| corridor_resolve::records_from_values(row))
        .filter(|r| r.id == a || r.id == b)
        .collect();
    let mut builder = corridor_resolve::FeatureBuilder::default();
    let find = |id: &str| {
        records
            .iter()
            .find(|r| r.id == id)
            .ok_or_else(|| Error::NotFound(format!("no person record '{id}'")))
    };
    let (fa, fb) = (builder.features(find(a)?), builder.features(find(b)?));
    let names: Vec<String> = [&fa, &fb].iter().filter_map(|f| f.name_value.clone()).collect();
    let (counts, total) = store.name_counts(&names)?;
    let tf = corridor_resolve::TermFrequencies::from_counts(counts, total.max(1));
    Ok(model.explain(&fa, &fb, &tf))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Session;
    use corridor_store::{ResolutionWrite, SqliteStore};

    #[test]
    fn the_review_queue_leaves_out_pairs_with_a_record_above_the_readers_clearance() {
        let dir = tempfile::tempdir().expect("dir");
        let (mut s, _) = SqliteStore::create(&dir.path().join("r.corridor"), "root").expect("store");
        let root = Session::new("root", "").expect("session");
        let file = dir.path().join("a.csv");
        std::fs::write(
            &file,
            "id,name,handling,restriction\n1,Marko Jovanović,H1,\n2,Marko Jovanovic,H1,\n3,Marko Jovanovich,H3,JIT only\n",
        )
        .expect("csv");
        let mapping = "[dataset]\nname = \"rs-a\"\nformat = \"csv\"\nrecord_id = \"id\"\n\n[source]\nagency = \"rs-bp\"\ncountry = \"RS\"\n\n\
            [defaults]\ngrading = \"B2\"\nhandling = { column = \"handling\" }\nrestriction = { column = \"restriction\" }\n\n\
            [entities.person]\nschema = \"Person\"\n[entities.person.properties]\nname = { column = \"name\" }\ncategory = { literal = \"suspect\" }\n";
        crate::ingest::ingest_file(
            &mut s,
            &root,
            &crate::ingest::IngestRequest {
                mapping_name: "m.toml",
                mapping_text: mapping,
                file: &file,
                rejects: None,
                limits: Default::default(),
            },
            &corridor_ingest::NoProgress,
        )
        .expect("ingest");
        let pair = |a: &str, b: &str| ReviewPair {
            a: a.into(),
            b: b.into(),
            weight: 1.0,
            probability: 0.7,
            why: "uncertain".into(),
        };
        s.record_resolution(
            &ResolutionWrite {
                model: "{}".into(),
                summary: "{}".into(),
                links: Vec::new(),
                review: vec![
                    pair("rs-a:1:person", "rs-a:2:person"),
                    pair("rs-a:1:person", "rs-a:3:person"),
                ],
            },
            "root",
            "",
        )
        .expect("run");
        let grant = crate::test_support::analyst_of_case(&mut s, "rs-a", corridor_access::Action::ReadReviewQueue);
        let pairs = review_in_case(&mut s, &grant).expect("review");
        let shown: Vec<(&str, &str)> = pairs.iter().map(|p| (p.pair.a.as_str(), p.pair.b.as_str())).collect();
        assert_eq!(
            shown,
            [("rs-a:1:person", "rs-a:2:person")],
            "the H3 record's pair is not shown at H1"
        );
    }
}

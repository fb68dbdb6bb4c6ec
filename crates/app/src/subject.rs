//! The subject-access report (Directive 2016/680 Art. 14-15): what the node holds
//! about a person who asks, for the data-protection officer to review before
//! anything is given (Art. 15 lets the controller restrict access to protect an
//! investigation: every statement carries its handling code and restriction so
//! the DPO can judge).
//!
//! The DPO names the subject by name (any script; every token must match) with a
//! birth date to tell namesakes apart, or by a travel-document number. The report
//! covers every case, since the request is to the node, and restricted records
//! too (frozen, but held: they are marked so), and is logged as one read naming
//! the request's reference and the records by opaque id.

use corridor_model::DataSubjectCategory;
use corridor_store::Store;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::review::{opaque_record_id, opaque_secret};
use crate::search::SearchIndex;
use crate::session::Session;

/// Who the report is about.
#[derive(Debug, Clone, Default)]
pub struct SubjectQuery<'a> {
    pub name: Option<&'a str>,
    /// A full date (YYYY-MM-DD) or a year: only records whose birth date agrees.
    pub birth_date: Option<&'a str>,
    pub document: Option<&'a str>,
    /// The request's reference (kept in the audit log).
    pub reference: &'a str,
}

/// One statement as the report gives it.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectStatement {
    pub entity: String,
    pub property: String,
    pub value: String,
    pub agency: String,
    pub received: String,
    pub grading: String,
    pub handling: String,
    /// The H3 restriction text, when there is one.
    pub restriction: Option<String>,
}

/// One record of the subject.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectRecord {
    /// The record's opaque id (as the retention queue gives it).
    pub record: String,
    pub dataset: String,
    pub category: Option<DataSubjectCategory>,
    /// Restricted (Art. 16): frozen, read by no one but the DPO; held all the same,
    /// and so part of what the subject is told the node holds.
    pub restricted: bool,
    pub statements: Vec<SubjectStatement>,
}

/// The report.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectReport {
    pub reference: String,
    pub records: Vec<SubjectRecord>,
    /// More records may match than a report holds (or than the name search ranks):
    /// narrow the query with a birth date or a document.
    pub truncated: bool,
}

/// What of a person's source record the report gives besides the person.
const THINGS: [&str; 8] = [
    "Phone",
    "Email",
    "TravelDocument",
    "Vehicle",
    "BankAccount",
    "Vessel",
    "Address",
    "BiometricReference",
];

/// The most records a report holds.
pub const MAX_SUBJECT_RECORDS: usize = 100;

fn check(text: &str, what: &str, max: usize) -> Result<()> {
    if text.trim().is_empty() || text.chars().count() > max || text.chars().any(char::is_control) {
        return Err(Error::BadInput(format!("{what}: give 1 to {max} printable characters")));
    }
    Ok(())
}

/// Whether a stored birth date agrees with the one asked for (a year matches any
/// date of that year; placeholders are read as given).
fn born_matches(stored: &[&str], asked: &str) -> bool {
    stored.iter().any(|d| d.starts_with(asked) || asked.starts_with(*d))
}

fn subject_statement(s: &corridor_model::Statement) -> SubjectStatement {
    SubjectStatement {
        entity: s.entity.clone(),
        property: s.prop.clone(),
        value: s.value.clone(),
        agency: s.provenance.source.agency.clone(),
        received: s.provenance.received_at.clone(),
        grading: s.provenance.effective_grading().to_string(),
        handling: s.provenance.handling.code.to_string(),
        restriction: s.provenance.handling.restriction.clone(),
    }
}

/// The least name similarity at which a restricted record's person is the subject
/// (the level "similarity >= 0.88" of resolution: one name spelt two ways).
const RESTRICTED_NAME_SIMILARITY: f64 = 0.88;

/// Restricted records whose person the query names: out of every read path and of
/// the search index, but held all the same, so the subject is told of them. Each
/// is (the person's entity id, the record's current statements). Restricted
/// records are few (a DPO restricts them one by one), so each is read and compared
/// here rather than indexed.
fn restricted_matches(
    store: &mut dyn Store,
    query: &SubjectQuery<'_>,
) -> Result<Vec<(String, Vec<corridor_model::Statement>)>> {
    let document = query.document.map(corridor_normalize::ident::document_match_key);
    let mut out = Vec::new();
    for hold in store.holds()? {
        if hold.state != corridor_store::HoldState::Restricted {
            continue;
        }
        let held: Vec<corridor_model::Statement> = store
            .held_statements(hold.record)?
            .into_iter()
            .filter(|s| s.current)
            .collect();
        // The record's documents with the number asked for, and who holds each
        // (a `Holds` link); a document nobody is linked to is the record's one
        // person's, if it has one person.
        let matching_documents: Vec<&str> = held
            .iter()
            .filter(|s| s.schema == "TravelDocument" && s.prop == "number")
            .filter(|s| {
                document
                    .as_ref()
                    .is_some_and(|d| *d == corridor_normalize::ident::document_match_key(&s.value))
            })
            .map(|s| s.entity.as_str())
            .collect();
        let holder_of = |doc: &str| -> Option<&str> {
            let links: Vec<&str> = held
                .iter()
                .filter(|s| s.schema == "Holds" && s.prop == "document" && s.value == doc)
                .map(|s| s.entity.as_str())
                .collect();
            held.iter()
                .find(|s| s.schema == "Holds" && s.prop == "holder" && links.contains(&s.entity.as_str()))
                .map(|s| s.value.as_str())
        };
        for person in &hold.persons {
            let values = |prop: &str| -> Vec<&str> {
                held.iter()
                    .filter(|s| &s.entity == person && s.prop == prop)
                    .map(|s| s.value.as_str())
                    .collect()
            };
            let named = query.name.is_some_and(|q| {
                values("name")
                    .iter()
                    .any(|v| corridor_normalize::compare(q, v).score >= RESTRICTED_NAME_SIMILARITY)
            });
            let holds_document = matching_documents.iter().any(|doc| match holder_of(doc) {
                Some(holder) => holder == person,
                None => hold.persons.len() == 1,
            });
            let born = values("birthDate");
            let born_ok = query
                .birth_date
                .is_none_or(|b| born.is_empty() || born_matches(&born, b));
            if (named || holds_document) && born_ok {
                // The person's own statements and the record's things (phones,
                // documents …), as for an unrestricted record: never another
                // person named in the same record.
                let theirs = held
                    .iter()
                    .filter(|s| &s.entity == person || THINGS.contains(&s.schema.as_str()))
                    .cloned()
                    .collect();
                out.push((person.clone(), theirs));
            }
        }
    }
    Ok(out)
}

/// The report for `query`; see the module doc.
pub fn subject_access(
    index: &mut SearchIndex,
    store: &mut dyn Store,
    session: &Session,
    query: &SubjectQuery<'_>,
) -> Result<SubjectReport> {
    check(query.reference, "the request's reference", 200)?;
    if query.name.is_none() && query.document.is_none() {
        return Err(Error::BadInput(
            "name the subject: a name (with a birth date to tell namesakes apart) or a travel-document number".into(),
        ));
    }
    if let Some(n) = query.name {
        check(n, "the name", 200)?;
    }
    if let Some(d) = query.document {
        check(d, "the document number", 64)?;
    }
    if let Some(b) = query.birth_date {
        // The shape only: an impossible date (the 30th of February) matches nothing.
        let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
        let parts: Vec<&str> = b.split('-').collect();
        let ok = match parts.as_slice() {
            [y] => y.len() == 4 && digits(y),
            [y, m, d] => y.len() == 4 && m.len() == 2 && d.len() == 2 && digits(y) && digits(m) && digits(d),
            _ => false,
        };
        if !ok {
            return Err(Error::BadInput("the birth date is YYYY-MM-DD or a year, YYYY".into()));
        }
    }
    let (mut candidates, more) = crate::search::subject_candidates(index, store, query.name, query.document)?;
    if let Some(born) = query.birth_date {
        // A record with no birth date at all cannot be told apart: it stays, for
        // the DPO to judge.
        let rows = store.values_of_records(&candidates, &["Person"], session.actor(), session.purpose())?;
        let disagreeing: std::collections::HashSet<String> = rows
            .iter()
            .flatten()
            .filter(|e| {
                let born_values = e.values("birthDate");
                !born_values.is_empty() && !born_matches(&born_values, born)
            })
            .map(|e| e.id.clone())
            .collect();
        candidates.retain(|c| !disagreeing.contains(c));
    }
    let restricted = restricted_matches(store, query)?;
    let truncated = more || candidates.len() + restricted.len() > MAX_SUBJECT_RECORDS;
    candidates.truncate(MAX_SUBJECT_RECORDS.saturating_sub(restricted.len()));
    let secret = opaque_secret(store)?;
    // The things of each record (its phones, documents …), by record: one read of
    // the candidates' rows.
    let mut things: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for row in store.values_of_records(&candidates, &THINGS, session.actor(), session.purpose())? {
        for e in row {
            if let Some((record, _)) = e.id.rsplit_once(':') {
                things.entry(record.to_string()).or_default().push(e.id.clone());
            }
        }
    }
    let mut records = Vec::new();
    for id in &candidates {
        // Every entity of the record: the person's phones and documents are theirs too.
        let Some((record, _)) = id.rsplit_once(':') else {
            continue;
        };
        let Some(person) = store.entity(id, session.actor(), session.purpose())? else {
            continue;
        };
        let category = person
            .values("category")
            .first()
            .and_then(|c| c.parse::<DataSubjectCategory>().ok());
        let dataset = record.split(':').next().unwrap_or_default().to_string();
        let mut entities = vec![person];
        for other in things.get(record).into_iter().flatten() {
            if let Some(e) = store.entity(other, session.actor(), session.purpose())? {
                entities.push(e);
            }
        }
        let mut statements = Vec::new();
        for s in entities.iter().flat_map(|e| e.statements.iter()).filter(|s| s.current) {
            statements.push(subject_statement(s));
        }
        records.push(SubjectRecord {
            record: opaque_record_id(&secret, id),
            dataset,
            category,
            restricted: false,
            statements,
        });
    }
    for (person, held) in restricted.into_iter().take(MAX_SUBJECT_RECORDS) {
        let category = held
            .iter()
            .find(|s| s.entity == person && s.prop == "category")
            .and_then(|s| s.value.parse::<DataSubjectCategory>().ok());
        records.push(SubjectRecord {
            record: opaque_record_id(&secret, &person),
            dataset: person.split(':').next().unwrap_or_default().to_string(),
            category,
            restricted: true,
            statements: held.iter().map(subject_statement).collect(),
        });
    }
    store.log_access(&corridor_store::AuditEntry {
        actor: session.actor().into(),
        action: corridor_store::AuditAction::Read,
        target: "subject access report".into(),
        purpose: session.purpose().into(),
        detail: serde_json::json!({
            "reference": query.reference,
            "records": records.iter().map(|r| r.record.clone()).collect::<Vec<_>>(),
            "truncated": truncated,
        })
        .to_string(),
    })?;
    Ok(SubjectReport {
        reference: query.reference.to_string(),
        records,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use corridor_store::SqliteStore;

    #[test]
    fn a_report_finds_the_subject_in_every_script_and_not_a_namesake() {
        let dir = tempfile::tempdir().expect("dir");
        let (mut s, _) = SqliteStore::create(&dir.path().join("s.db"), "root").expect("store");
        let file = dir.path().join("a.csv");
        std::fs::write(
            &file,
            "id,name,born,phone\n\
             1,Marko Jovanović,1980-05-17,+381641111111\n\
             2,Марко Јовановић,1980-05-17,+381642222222\n\
             3,Marko Jovanovic,1991-02-03,+381643333333\n\
             4,Ahmad Khan,1980-05-17,+381644444444\n",
        )
        .expect("csv");
        let mapping = "[dataset]\nname = \"rs-a\"\nformat = \"csv\"\nrecord_id = \"id\"\n\n[source]\nagency = \"rs-bp\"\ncountry = \"RS\"\n\n\
            [defaults]\ngrading = \"B2\"\nhandling = \"H1\"\n\n[entities.person]\nschema = \"Person\"\n\
            [entities.person.properties]\nname = { column = \"name\" }\nbirthDate = { column = \"born\" }\ncategory = { literal = \"suspect\" }\n\n\
            [entities.phone]\nschema = \"Phone\"\nproperties.number = { column = \"phone\" }\n";
        crate::test_support::ingest_with(&mut s, mapping, &file);
        let dpo = Session::new("dpo", "SAR 2026/3").expect("session");
        let mut index = SearchIndex::default();
        let query = SubjectQuery {
            name: Some("Marko Jovanovic"),
            birth_date: Some("1980"),
            document: None,
            reference: "SAR 2026/3",
        };
        let report = subject_access(&mut index, &mut s, &dpo, &query).expect("report");
        assert_eq!(
            report.records.len(),
            2,
            "the Latin and the Cyrillic record, not the namesake: {report:?}"
        );
        let values: Vec<&str> = report
            .records
            .iter()
            .flat_map(|r| r.statements.iter().map(|s| s.value.as_str()))
            .collect();
        assert!(
            values.contains(&"Марко Јовановић") && values.contains(&"+381641111111"),
            "{values:?}"
        );
        assert!(!values.contains(&"1991-02-03"));
        // A restricted record is out of every read path and the search index, but
        // the subject is told of it, marked restricted.
        let cyrillic = opaque_record_id(&opaque_secret(&mut s).expect("secret"), "rs-a:2:person");
        crate::erasure::restrict(
            &mut s,
            &dpo,
            std::slice::from_ref(&cyrillic),
            "accuracy contested, SAR 2026/3",
            crate::erasure::Scope::OnePerson,
        )
        .expect("restrict");
        let mut index = SearchIndex::default();
        let with_held = subject_access(&mut index, &mut s, &dpo, &query).expect("report");
        assert_eq!(with_held.records.len(), 2, "{with_held:?}");
        let held = with_held
            .records
            .iter()
            .find(|r| r.restricted)
            .expect("the restricted record");
        assert_eq!(held.record, cyrillic);
        assert!(
            held.statements.iter().any(|st| st.value == "Марко Јовановић"),
            "{held:?}"
        );
        let namesake = SubjectQuery {
            name: Some("Ahmad Khan"),
            ..query.clone()
        };
        assert!(
            subject_access(&mut index, &mut s, &dpo, &namesake)
                .expect("report")
                .records
                .iter()
                .all(|r| !r.restricted),
            "another person's restricted record is not theirs"
        );
        // Without the birth date, the namesake too.
        let all = subject_access(
            &mut index,
            &mut s,
            &dpo,
            &SubjectQuery {
                birth_date: None,
                ..query.clone()
            },
        )
        .expect("report");
        assert_eq!(all.records.len(), 3);
        // Logged with the reference and opaque ids, never the name.
        let log = s.audit_page(0, 1000).expect("log");
        let entry = log
            .iter()
            .rev()
            .find(|e| e.entry.target == "subject access report")
            .expect("logged");
        assert!(entry.entry.detail.contains("SAR 2026/3") && entry.entry.detail.contains("\"r-"));
        assert!(!entry.entry.detail.contains("Marko"));
        assert!(
            subject_access(
                &mut index,
                &mut s,
                &dpo,
                &SubjectQuery {
                    name: None,
                    ..query.clone()
                }
            )
            .is_err()
        );
        assert!(
            subject_access(
                &mut index,
                &mut s,
                &dpo,
                &SubjectQuery {
                    birth_date: Some("17.05.1980"),
                    ..query
                }
            )
            .is_err()
        );
    }

    /// A restricted record that names two people: the report on the holder of a
    /// document gives the holder and the record's things, never the companion.
    #[test]
    fn a_restricted_record_gives_only_the_subjects_own_statements() {
        let dir = tempfile::tempdir().expect("dir");
        let (mut s, _) = SqliteStore::create(&dir.path().join("s.db"), "root").expect("store");
        let file = dir.path().join("a.csv");
        std::fs::write(
            &file,
            "id,name,born,companion,doc\n1,Marko Jovanović,1980-05-17,Zoran Qzcompanion,XK1234567\n",
        )
        .expect("csv");
        let mapping = "[dataset]\nname = \"rs-a\"\nformat = \"csv\"\nrecord_id = \"id\"\n\n[source]\nagency = \"rs-bp\"\ncountry = \"RS\"\n\n\
            [defaults]\ngrading = \"B2\"\nhandling = \"H1\"\n\n[entities.person]\nschema = \"Person\"\n\
            [entities.person.properties]\nname = { column = \"name\" }\nbirthDate = { column = \"born\" }\ncategory = { literal = \"suspect\" }\n\n\
            [entities.companion]\nschema = \"Person\"\n[entities.companion.properties]\nname = { column = \"companion\" }\ncategory = { literal = \"witness\" }\n\n\
            [entities.passport]\nschema = \"TravelDocument\"\n[entities.passport.properties]\nnumber = { column = \"doc\" }\ncountry = { literal = \"SRB\" }\ntype = { literal = \"passport\" }\n\n\
            [entities.holds]\nschema = \"Holds\"\nproperties.holder = { entity = \"person\" }\nproperties.document = { entity = \"passport\" }\n";
        crate::test_support::ingest_with(&mut s, mapping, &file);
        let dpo = Session::new("dpo", "SAR 2026/4").expect("session");
        let opaque = opaque_record_id(&opaque_secret(&mut s).expect("secret"), "rs-a:1:person");
        crate::erasure::restrict(
            &mut s,
            &dpo,
            &[opaque],
            "SAR 2026/4",
            crate::erasure::Scope::WholeRecord,
        )
        .expect("restrict");
        let mut index = SearchIndex::default();
        let query = SubjectQuery {
            name: None,
            birth_date: None,
            document: Some("XK 1234567"),
            reference: "SAR 2026/4",
        };
        let report = subject_access(&mut index, &mut s, &dpo, &query).expect("report");
        assert_eq!(report.records.len(), 1, "the holder only: {report:?}");
        let values: Vec<&str> = report.records[0]
            .statements
            .iter()
            .map(|st| st.value.as_str())
            .collect();
        assert!(
            values.contains(&"Marko Jovanović") && values.contains(&"XK1234567"),
            "{values:?}"
        );
        assert!(
            !values.iter().any(|v| v.contains("Qzcompanion")),
            "not the companion: {values:?}"
        );
    }

    #[test]
    fn a_birth_year_matches_any_date_of_that_year() {
        assert!(born_matches(&["1980-05-17"], "1980"));
        assert!(born_matches(&["1980"], "1980-05-17"));
        assert!(born_matches(&["1980-05-17"], "1980-05-17"));
        assert!(!born_matches(&["1981-05-17"], "1980"));
        assert!(!born_matches(&[], "1980"));
    }
}

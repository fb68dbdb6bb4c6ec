//! One entity with every statement and its provenance, what applies to it as a
//! whole, its review date and the findings about it. Reading it is logged (by the
//! store, in the same transaction as the read).

use corridor_model::{DataSubjectCategory, Restrictions, Statement};
use corridor_store::{Store, StoredFinding};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::session::Session;

/// An entity as a reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct EntityView {
    pub id: String,
    pub schema: String,
    /// What applies to the entity as a whole: the strictest handling and weakest
    /// grading over its current statements.
    pub restrictions: Option<Restrictions>,
    pub category: Option<DataSubjectCategory>,
    /// When the data on a person is due for review (Directive 2016/680 Art. 5), from
    /// the retention policy and the earliest receipt.
    pub review_date: Option<String>,
    /// Current statements, and older versions too when asked for.
    pub statements: Vec<Statement>,
    /// Stored findings of checks about this entity (watchlist hits, MRZ problems …).
    pub findings: Vec<StoredFinding>,
    /// Rectifications of these statements (Art. 16(1)): which statement corrected
    /// which, by whom, when and why. A corrected statement is history; it shows
    /// with `history`.
    pub rectifications: Vec<corridor_store::Rectification>,
}

/// The entity `id` (`dataset:record:name`), its older statements too with
/// `history`. The read is logged with the session's actor and purpose.
pub fn show_entity(store: &mut dyn Store, session: &Session, id: &str, history: bool) -> Result<EntityView> {
    Ok(read_view(store, session, id, history, |_| true)?.0)
}

/// Reads the entity and builds its view from the statements `visible` keeps: what
/// applies to it as a whole, its category and review date come from those alone,
/// so nothing withheld shows through them. Returns the view and how many
/// statements were withheld.
fn read_view(
    store: &mut dyn Store,
    session: &Session,
    id: &str,
    history: bool,
    visible: impl Fn(&Statement) -> bool,
) -> Result<(EntityView, usize)> {
    // An entity with no statement left is a restricted or erased record's: it is
    // not there for any reader (its findings neither).
    let Some(mut entity) = store
        .entity(id, session.actor(), session.purpose())?
        .filter(|e| !e.statements.is_empty())
    else {
        return Err(Error::NotFound(format!(
            "no entity '{id}': ids are dataset:record:name, as ingest gives them"
        )));
    };
    let before = entity.statements.len();
    entity.statements.retain(|s| visible(s));
    let withheld = before - entity.statements.len();
    let current: Vec<&Statement> = entity.statements.iter().filter(|s| s.current).collect();
    let restrictions = Restrictions::of(current.iter().map(|s| &s.provenance));
    let category = entity
        .values("category")
        .first()
        .and_then(|c| c.parse::<DataSubjectCategory>().ok());
    let review_date = match category {
        Some(c) if entity.schema == "Person" => {
            let policy = store.retention_policy()?;
            let received = entity
                .statements
                .iter()
                .map(|s| s.provenance.received_at.as_str())
                .min()
                .and_then(|r| chrono::NaiveDate::parse_from_str(r.get(..10)?, "%Y-%m-%d").ok());
            received.map(|d| policy.review_date(c, d).to_string())
        }
        _ => None,
    };
    let findings = store.findings(Some(&entity.id))?;
    let ids: Vec<i64> = entity.statements.iter().map(|s| s.id).collect();
    let rectifications = store
        .rectifications(&ids)?
        .into_iter()
        .filter(|r| ids.contains(&r.old) && ids.contains(&r.new))
        .collect();
    Ok((
        EntityView {
            statements: entity.statements.into_iter().filter(|s| history || s.current).collect(),
            id: entity.id,
            schema: entity.schema,
            restrictions,
            category,
            review_date,
            findings,
            rectifications,
        },
        withheld,
    ))
}

/// An entity as a case member sees it: only if one of the case's data sets holds
/// it, without the statements above the reader's clearance (counted, never
/// silently dropped).
#[derive(Debug, Clone, Serialize)]
pub struct CaseEntityView {
    #[serde(flatten)]
    pub entity: EntityView,
    /// Statements withheld because their handling code is stricter than the
    /// reader's clearance.
    pub withheld: usize,
    /// Findings withheld because they name entities outside the case or could
    /// rest on withheld statements.
    pub findings_withheld: usize,
    /// The other records of the case resolved to the same person (their ids).
    pub same_person_in_case: Vec<String>,
    /// Whether records outside the case are resolved to the same person: other
    /// cases hold more (which, and what, they do not say here).
    pub more_in_other_cases: bool,
    /// The reader's clearance the statements were filtered by.
    pub clearance: corridor_model::HandlingCode,
}

/// The entity `id` for a granted request: refused as not found unless the grant's
/// case holds its data set (the answer does not say whether another case does),
/// then read and logged with the user, case and purpose, and filtered by the
/// user's clearance.
pub fn show_entity_in_case(
    store: &mut dyn Store,
    grant: &corridor_access::Grant,
    id: &str,
    history: bool,
) -> Result<CaseEntityView> {
    let case = grant
        .case()
        .ok_or_else(|| Error::BadInput("name the case this entity is read for".into()))?;
    let dataset = id.split(':').next().unwrap_or_default();
    let datasets = store.case_datasets(case.id)?;
    if !datasets.iter().any(|d| d == dataset) {
        return Err(Error::NotFound(format!(
            "no entity '{}' in case {}: ids are dataset:record:name, and a case holds only its own data sets",
            id.chars().filter(|c| !c.is_control()).take(200).collect::<String>(),
            case.name
        )));
    }
    let session = crate::access::session_of(grant)?;
    let clearance = grant.clearance();
    let (mut entity, withheld) = read_view(store, &session, id, history, |s| {
        s.provenance.handling.code <= clearance
    })?;
    // A finding may name entities of other cases (a document number used
    // elsewhere) or rest on values the reader may not see: only those wholly
    // inside the case, about an entity shown whole, are given; the rest counted.
    let inside = |e: &str| datasets.iter().any(|d| Some(d.as_str()) == e.split(':').next());
    let total = entity.findings.len();
    entity
        .findings
        .retain(|f| withheld == 0 && inside(&f.entity) && f.related.iter().all(|r| inside(r)));
    let findings_withheld = total - entity.findings.len();
    // The person's other records: those of the case by id, the rest only counted
    // as "more elsewhere".
    let identity = store
        .identities_of(&[id.to_string()])?
        .into_iter()
        .map(|(_, identity)| identity)
        .next();
    let (mut same_person_in_case, mut more_in_other_cases) = (Vec::new(), false);
    if let Some(identity) = identity {
        for (record, _) in store.identity_members(&[identity])? {
            if record == id {
                continue;
            }
            if inside(&record) {
                same_person_in_case.push(record);
            } else {
                more_in_other_cases = true;
            }
        }
    }
    same_person_in_case.sort();
    Ok(CaseEntityView {
        entity,
        withheld,
        findings_withheld,
        same_person_in_case,
        more_in_other_cases,
        clearance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use corridor_store::SqliteStore;

    const MAPPING: &str = r#"
[dataset]
name = "DATASET"
format = "csv"
record_id = "id"

[source]
agency = "rs-bp"
country = "RS"

[defaults]
grading = "B2"
handling = "H1"

[entities.person]
schema = "Person"
[entities.person.properties]
name = { column = "name" }
birthDate = { column = "born" }
category = { literal = "suspect" }
"#;

    #[test]
    fn a_person_resolved_across_cases_shows_the_case_its_records_and_that_others_hold_more() {
        let dir = tempfile::tempdir().expect("dir");
        let (mut s, _) = SqliteStore::create(&dir.path().join("n.corridor"), "root").expect("store");
        let root = Session::new("root", "").expect("session");
        for (dataset, rows) in [
            (
                "rs-a",
                "id,name,born\n1,Marko Jovanović,1980-02-03\n2,Marko Jovanovic,1980-02-03\n",
            ),
            ("rs-b", "id,name,born\n7,Марко Јовановић,1980-02-03\n"),
        ] {
            let file = dir.path().join(format!("{dataset}.csv"));
            std::fs::write(&file, rows).expect("csv");
            crate::ingest::ingest_file(
                &mut s,
                &root,
                &crate::ingest::IngestRequest {
                    mapping_name: "m.toml",
                    mapping_text: &MAPPING.replace("DATASET", dataset),
                    file: &file,
                    rejects: None,
                    limits: Default::default(),
                },
                &corridor_ingest::NoProgress,
            )
            .expect("ingest");
        }
        crate::resolution::run(&mut s, &root, &Default::default(), None, false).expect("resolve");
        let confirm = crate::resolution::Decision::Confirm;
        crate::resolution::decide(&mut s, &root, "rs-a:1:person", "rs-a:2:person", confirm, "same").expect("decide");
        crate::resolution::decide(&mut s, &root, "rs-a:1:person", "rs-b:7:person", confirm, "same").expect("decide");
        let grant = crate::test_support::analyst_of_case(&mut s, "rs-a", corridor_access::Action::ReadEntity);
        let v = show_entity_in_case(&mut s, &grant, "rs-a:1:person", false).expect("show");
        assert_eq!(v.same_person_in_case, ["rs-a:2:person"]);
        assert!(v.more_in_other_cases);
        let text = serde_json::to_string(&v).expect("json");
        assert!(
            !text.contains("rs-b:") && !text.contains("Марко"),
            "nothing of the other case: {text}"
        );
    }

    #[test]
    fn a_persons_documents_come_with_their_check_findings_and_only_from_the_case() {
        const DOCS: &str = "[dataset]\nname = \"DS\"\nformat = \"csv\"\nrecord_id = \"id\"\n\n[source]\nagency = \"rs-bp\"\ncountry = \"RS\"\n\n\
            [defaults]\ngrading = \"B2\"\nhandling = \"H1\"\n\n[entities.person]\nschema = \"Person\"\n\
            [entities.person.properties]\nname = { column = \"name\" }\nbirthDate = { column = \"born\" }\ncategory = { literal = \"suspect\" }\n\n\
            [entities.passport]\nschema = \"TravelDocument\"\n[entities.passport.properties]\nnumber = { column = \"doc\" }\n\
            country = { literal = \"SRB\" }\ntype = { literal = \"passport\" }\nendDate = { column = \"expires\" }\n\n\
            [entities.holds]\nschema = \"Holds\"\nproperties.holder = { entity = \"person\" }\nproperties.document = { entity = \"passport\" }\n";
        let dir = tempfile::tempdir().expect("dir");
        let (mut s, _) = SqliteStore::create(&dir.path().join("d.corridor"), "root").expect("store");
        let root = Session::new("root", "").expect("session");
        for (dataset, rows) in [
            (
                "rs-a",
                "id,name,born,doc,expires\n1,Marko Jovanović,1980-02-03,L898902C3,2001-01-01\n",
            ),
            (
                "rs-b",
                "id,name,born,doc,expires\n7,Marko Jovanović,1980-02-03,099999999,2030-01-01\n",
            ),
        ] {
            let file = dir.path().join(format!("{dataset}.csv"));
            std::fs::write(&file, rows).expect("csv");
            crate::ingest::ingest_file(
                &mut s,
                &root,
                &crate::ingest::IngestRequest {
                    mapping_name: "m.toml",
                    mapping_text: &DOCS.replace("DS", dataset),
                    file: &file,
                    rejects: None,
                    limits: Default::default(),
                },
                &corridor_ingest::NoProgress,
            )
            .expect("ingest");
        }
        crate::resolution::run(&mut s, &root, &Default::default(), None, false).expect("resolve");
        crate::documents::check_documents(&mut s, &root, &[], (2026, 12, 7)).expect("checks");
        let grant = crate::test_support::analyst_of_case(&mut s, "rs-a", corridor_access::Action::ReadDocuments);
        let docs = documents_in_case(&mut s, &grant, "rs-a:1:person").expect("documents");
        assert_eq!(docs.documents.len(), 1, "{docs:?}");
        let text = serde_json::to_string(&docs).expect("json");
        assert!(
            text.contains("L898902C3") && !text.contains("099999999"),
            "the case's document only: {text}"
        );
        assert!(
            !docs.documents[0].entity.findings.is_empty(),
            "the specimen passport's finding comes with it: {text}"
        );
        assert!(
            documents_in_case(&mut s, &grant, "rs-b:7:person").is_err(),
            "another case's person"
        );
        assert!(
            documents_in_case(&mut s, &grant, "rs-a:1:passport").is_err(),
            "a document is not a person"
        );
    }
}

/// A person's travel documents as a case member reads them: each with its
/// statements (filtered by clearance, as [`show_entity_in_case`] does) and the
/// findings of the document checks (MRZ, stolen/lost lists, number reuse).
#[derive(Debug, Clone, Serialize)]
pub struct CaseDocuments {
    /// The person's records in the case whose documents these are: the one asked
    /// for and the others of the case resolved to the same person.
    pub records: Vec<String>,
    pub documents: Vec<CaseEntityView>,
}

/// The travel documents of person `id` and of the case's other records of the
/// same person; refused as not found outside the case.
pub fn documents_in_case(store: &mut dyn Store, grant: &corridor_access::Grant, id: &str) -> Result<CaseDocuments> {
    let person = show_entity_in_case(store, grant, id, false)?;
    if person.entity.schema != "Person" {
        return Err(Error::BadInput(format!(
            "'{}' is a {}: documents are listed for a person",
            id.chars().filter(|c| !c.is_control()).take(200).collect::<String>(),
            person.entity.schema
        )));
    }
    let mut records = vec![id.to_string()];
    records.extend(person.same_person_in_case.iter().cloned());
    let session = crate::access::session_of(grant)?;
    let rows = store.values_of_records(&records, &["TravelDocument"], session.actor(), session.purpose())?;
    let mut ids: Vec<String> = rows.iter().flatten().map(|e| e.id.clone()).collect();
    ids.sort();
    ids.dedup();
    let mut documents = Vec::with_capacity(ids.len());
    for d in ids.iter().take(200) {
        documents.push(show_entity_in_case(store, grant, d, false)?);
    }
    Ok(CaseDocuments { records, documents })
}

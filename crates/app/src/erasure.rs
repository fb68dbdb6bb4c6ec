//! Keeping, restricting and erasing records (Directive 2016/680 Art. 5 and 16).
//!
//! Two ways in, as the roles have them:
//! - a **supervisor**, in a case, decides the case's records due for review: keep
//!   one until a new date, or erase it. They name records by entity id, as they
//!   read them.
//! - the **data-protection officer**, who reads no case content, names records by
//!   the opaque ids of the retention queue: they order erasure of any record, or
//!   restrict one (frozen, readable by the DPO alone) and lift that restriction.
//!
//! Every act needs a reason, is one entry of the audit log naming records by
//! internal ids, and an erasure ends with the store compacted (see the store's
//! `hold.rs`) so nothing of the erased values is left in the file or its WAL.

use chrono::NaiveDate;
use corridor_access::Grant;
use corridor_store::{HoldReport, HoldRequest, HoldState, PersonReview, Store};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::review::{opaque_record_id, opaque_secret};
use crate::session::Session;

/// The longest reason kept (the audit log carries it).
pub const MAX_REASON_CHARS: usize = 500;
/// The most records one act names.
pub const MAX_RECORDS: usize = 10_000;

/// What an erasure, restriction or lifting did.
#[derive(Debug, Clone, Serialize)]
pub struct HoldOutcome {
    #[serde(flatten)]
    pub report: HoldReport,
    /// After an erasure: whether the write-ahead log was emptied and the file
    /// rebuilt (false while another connection held an old snapshot or the
    /// write lock: the next erasure, even of an erased record, finishes it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compacted: Option<bool>,
}

/// A restricted or erased record as the DPO sees it: no content.
#[derive(Debug, Clone, Serialize)]
pub struct HoldItem {
    pub record: String,
    pub state: HoldState,
    pub at: String,
    pub by: String,
}

pub(crate) fn check_reason(reason: &str) -> Result<&str> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::BadInput(
            "give a reason (the legal ground or the reference of the request): it is kept in the audit log".into(),
        ));
    }
    if reason.chars().count() > MAX_REASON_CHARS || reason.chars().any(char::is_control) {
        return Err(Error::BadInput(format!(
            "a reason is one line of at most {MAX_REASON_CHARS} characters; name a reference, not the person"
        )));
    }
    Ok(reason)
}

fn check_count(n: usize) -> Result<()> {
    if n == 0 {
        return Err(Error::BadInput("name at least one record".into()));
    }
    if n > MAX_RECORDS {
        return Err(Error::BadInput(format!(
            "at most {MAX_RECORDS} records at once; split the list"
        )));
    }
    Ok(())
}

fn clean(id: &str) -> String {
    id.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// The records of a case named by entity ids, each one that the case holds.
fn case_records(store: &dyn Store, grant: &Grant, entities: &[String]) -> Result<Vec<i64>> {
    let case = grant
        .case()
        .ok_or_else(|| Error::BadInput("name the case these records are in".into()))?;
    let datasets = store.case_datasets(case.id)?;
    let mut out = Vec::with_capacity(entities.len());
    for id in entities {
        let not_found = || {
            Error::NotFound(format!(
                "no record '{}' in case {}: ids are dataset:record:name, and a case holds only its own data sets",
                clean(id),
                case.name
            ))
        };
        let (dataset, rest) = id.split_once(':').ok_or_else(not_found)?;
        let (key, _name) = rest.rsplit_once(':').ok_or_else(not_found)?;
        if !datasets.iter().any(|d| d == dataset) {
            return Err(not_found());
        }
        out.push(store.record_id(dataset, key)?.ok_or_else(not_found)?);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn request<'a>(session: &'a Session, reason: &'a str) -> HoldRequest<'a> {
    HoldRequest {
        actor: session.actor(),
        purpose: session.purpose(),
        reason,
        match_names: &[],
    }
}

/// Each record's persons' names as the matching index counts them (resolution's
/// name value), for the erasure to take the counts down.
fn match_names(
    store: &mut dyn Store,
    session: &Session,
    records: &[i64],
    reviews: &[PersonReview],
) -> Result<Vec<(i64, String)>> {
    let wanted: std::collections::HashSet<i64> = records.iter().copied().collect();
    let mut record_of: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    for r in reviews.iter().filter(|r| wanted.contains(&r.record)) {
        record_of.insert(r.entity.clone(), r.record);
    }
    let persons: Vec<String> = record_of.keys().cloned().collect();
    if persons.is_empty() {
        return Ok(Vec::new());
    }
    let rows = store.values_of_records(
        &persons,
        &crate::resolution::SCHEMATA,
        session.actor(),
        session.purpose(),
    )?;
    let mut builder = corridor_resolve::FeatureBuilder::default();
    let mut out = Vec::new();
    for rec in rows.iter().flat_map(|row| corridor_resolve::records_from_values(row)) {
        if let (Some(&record), Some(name)) = (record_of.get(&rec.id), builder.features(&rec).name_value) {
            out.push((record, name));
        }
    }
    Ok(out)
}

/// A case's person record as its supervisor reviews it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseReviewItem {
    pub entity: String,
    pub category: corridor_model::DataSubjectCategory,
    pub received: NaiveDate,
    pub review_date: NaiveDate,
    /// A supervisor kept it past its first review date.
    pub kept: bool,
}

/// The grant's case's person records due on or before `due` (all with `None`),
/// oldest review date first; the listing (how many) is logged.
pub fn persons_due_in_case(
    store: &mut dyn Store,
    grant: &Grant,
    due: Option<NaiveDate>,
) -> Result<Vec<CaseReviewItem>> {
    let case = grant
        .case()
        .ok_or_else(|| Error::BadInput("name the case to review".into()))?;
    let datasets = store.case_datasets(case.id)?;
    let mut items: Vec<CaseReviewItem> = store
        .person_reviews()?
        .into_iter()
        .filter(|r| due.is_none_or(|d| r.review_date <= d))
        .filter(|r| {
            let d = r.entity.split(':').next().unwrap_or_default();
            datasets.iter().any(|x| x == d)
        })
        .map(|r| CaseReviewItem {
            entity: r.entity,
            category: r.category,
            received: r.received,
            review_date: r.review_date,
            kept: r.kept,
        })
        .collect();
    items.sort_by(|a, b| a.review_date.cmp(&b.review_date).then_with(|| a.entity.cmp(&b.entity)));
    let session = crate::access::session_of(grant)?;
    store.log_access(&corridor_store::AuditEntry {
        actor: session.actor().into(),
        action: corridor_store::AuditAction::Read,
        target: "case review list".into(),
        purpose: session.purpose().into(),
        detail: serde_json::json!({"due": due.map(|d| d.to_string()), "persons": items.len()}).to_string(),
    })?;
    Ok(items)
}

/// Keeps a case's record until `review_date` (a supervisor's decision at review).
pub fn keep_in_case(
    store: &mut dyn Store,
    grant: &Grant,
    entity: &str,
    review_date: NaiveDate,
    reason: &str,
    today: NaiveDate,
) -> Result<()> {
    let reason = check_reason(reason)?;
    let records = case_records(&*store, grant, &[entity.to_string()])?;
    if review_date <= today {
        return Err(Error::Conflict(format!(
            "the new review date must be after today ({today}); to erase the record, erase it"
        )));
    }
    if review_date > today + chrono::Days::new(366 * 10) {
        return Err(Error::Conflict(
            "a record is kept for at most ten years before its next review".into(),
        ));
    }
    let session = crate::access::session_of(grant)?;
    for record in records {
        store.keep_record(record, review_date, &request(&session, reason))?;
    }
    Ok(())
}

/// Erases records of the grant's case that are due for review (a supervisor's
/// decision at review; the DPO orders erasure of any record).
pub fn erase_in_case(
    store: &mut dyn Store,
    grant: &Grant,
    entities: &[String],
    reason: &str,
    today: NaiveDate,
    scope: Scope,
) -> Result<HoldOutcome> {
    let reason = check_reason(reason)?;
    check_count(entities.len())?;
    let records = case_records(&*store, grant, entities)?;
    let reviews = store.person_reviews()?;
    let mut persons: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for r in &reviews {
        *persons.entry(r.record).or_default() += 1;
    }
    if scope == Scope::OnePerson
        && let Some(r) = records.iter().find(|r| persons.get(r).copied().unwrap_or(1) > 1)
    {
        return Err(Error::Conflict(format!(
            "record {r} names {} people, and erasure applies to the whole record: confirm that it may apply to \
             all of them (whole_record, --whole-record)",
            persons[r]
        )));
    }
    // The latest review date of the record's persons: a record is due when all are.
    let mut due: std::collections::HashMap<i64, NaiveDate> = std::collections::HashMap::new();
    for r in &reviews {
        let d = due.entry(r.record).or_insert(r.review_date);
        *d = (*d).max(r.review_date);
    }
    // Only records due: a record without a person's review date (restricted by the
    // DPO, whose statements are set aside, or naming no person) is not a
    // supervisor's to erase.
    let held: std::collections::HashSet<i64> = store.holds()?.into_iter().map(|h| h.record).collect();
    for r in &records {
        if held.contains(r) {
            return Err(Error::Conflict(format!(
                "record {r} is restricted or erased: only the data-protection officer decides on it"
            )));
        }
        match due.get(r) {
            Some(d) if *d <= today => {}
            Some(d) => {
                return Err(Error::Conflict(format!(
                    "record {r} is not due for review until {d}: a supervisor erases records due for review; \
                     ask the data-protection officer to order an earlier erasure"
                )));
            }
            None => {
                return Err(Error::Conflict(format!(
                    "record {r} has no person with a review date: ask the data-protection officer"
                )));
            }
        }
    }
    let session = crate::access::session_of(grant)?;
    erase(store, &session, &records, reason, &reviews)
}

/// Erases `records`; `reviews` are the node's person reviews the caller read
/// (for the names the matching index counts), not read again.
pub(crate) fn erase(
    store: &mut dyn Store,
    session: &Session,
    records: &[i64],
    reason: &str,
    reviews: &[PersonReview],
) -> Result<HoldOutcome> {
    let fresh = crate::review::fresh_secret()?;
    let names = match_names(store, session, records, reviews)?;
    let report = store.erase_records(
        records,
        &HoldRequest {
            match_names: &names,
            ..request(session, reason)
        },
        &fresh,
    )?;
    // The erasure is committed; compacting can wait for a writer (an ingest on
    // its own connection) and is then left to the next erasure, which compacts
    // even when it changes nothing.
    let compacted = match store.compact() {
        Ok(done) => Some(done),
        Err(corridor_store::Error::Busy) => Some(false),
        Err(e) => return Err(e.into()),
    };
    Ok(HoldOutcome { report, compacted })
}

/// Whether an act may take the whole source row when it names more people than
/// the one asked for (an interception report listing everyone on a boat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Refuse a record that names other people too.
    #[default]
    OnePerson,
    /// The whole record, every person in it: the caller has checked that this is lawful.
    WholeRecord,
}

/// The records named by opaque ids (the retention queue's and the holds list's),
/// each once; an unknown id is refused as not found. Restriction and erasure work
/// on a whole source record: one naming other people too is refused unless the
/// scope says the whole record.
fn opaque_records(
    store: &mut dyn Store,
    opaque: &[String],
    scope: Scope,
    reviews: &[PersonReview],
) -> Result<Vec<i64>> {
    check_count(opaque.len())?;
    let secret = opaque_secret(store)?;
    let mut known: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    let mut persons: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for r in reviews {
        *persons.entry(r.record).or_default() += 1;
        known.insert(opaque_record_id(&secret, &r.entity), r.record);
    }
    for h in store.holds()? {
        persons.insert(h.record, h.persons.len());
        for p in &h.persons {
            known.insert(opaque_record_id(&secret, p), h.record);
        }
    }
    let mut out = Vec::with_capacity(opaque.len());
    for id in opaque {
        let record = *known.get(id.as_str()).ok_or_else(|| {
            Error::NotFound(format!(
                "no record '{}' on this node: use the ids of the retention queue or the list of held records",
                clean(id)
            ))
        })?;
        let n = persons.get(&record).copied().unwrap_or(1);
        if n > 1 && scope == Scope::OnePerson {
            return Err(Error::Conflict(format!(
                "'{}' is one of {n} people in the same source record, and this act applies to the whole record: \
                 confirm that it may apply to all of them (whole_record, --whole-record)",
                clean(id)
            )));
        }
        out.push(record);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The DPO orders records erased (by opaque id).
pub fn order_erasure(
    store: &mut dyn Store,
    session: &Session,
    opaque: &[String],
    reason: &str,
    scope: Scope,
) -> Result<HoldOutcome> {
    let reason = check_reason(reason)?;
    let reviews = store.person_reviews()?;
    let records = opaque_records(store, opaque, scope, &reviews)?;
    erase(store, session, &records, reason, &reviews)
}

/// The DPO restricts records (by opaque id): no one else reads them until lifted.
pub fn restrict(
    store: &mut dyn Store,
    session: &Session,
    opaque: &[String],
    reason: &str,
    scope: Scope,
) -> Result<HoldOutcome> {
    let reason = check_reason(reason)?;
    let reviews = store.person_reviews()?;
    let records = opaque_records(store, opaque, scope, &reviews)?;
    let report = store.restrict_records(&records, &request(session, reason))?;
    Ok(HoldOutcome {
        report,
        compacted: None,
    })
}

/// The DPO lifts restrictions (by opaque id).
pub fn lift(store: &mut dyn Store, session: &Session, opaque: &[String], reason: &str) -> Result<HoldOutcome> {
    let reason = check_reason(reason)?;
    let reviews = store.person_reviews()?;
    let records = opaque_records(store, opaque, Scope::WholeRecord, &reviews)?;
    let report = store.lift_restriction(&records, &request(session, reason))?;
    Ok(HoldOutcome {
        report,
        compacted: None,
    })
}

/// Every restricted or erased record, without content; the listing is logged.
pub fn holds(store: &mut dyn Store, session: &Session) -> Result<Vec<HoldItem>> {
    let secret = opaque_secret(store)?;
    // One line per person of a held record: the ids the retention queue gave.
    let items: Vec<HoldItem> = store
        .holds()?
        .into_iter()
        .flat_map(|h| {
            let ids: Vec<String> = if h.persons.is_empty() {
                vec![format!("record-{}", h.record)]
            } else {
                h.persons.iter().map(|p| opaque_record_id(&secret, p)).collect()
            };
            ids.into_iter().map(move |record| HoldItem {
                record,
                state: h.state,
                at: h.at.clone(),
                by: h.actor.clone(),
            })
        })
        .collect();
    store.log_access(&corridor_store::AuditEntry {
        actor: session.actor().into(),
        action: corridor_store::AuditAction::Read,
        target: "held records".into(),
        purpose: session.purpose().into(),
        detail: serde_json::json!({"records": items.len(), "content": false}).to_string(),
    })?;
    Ok(items)
}

/// A restricted record's statements, for the DPO alone; the reading is logged
/// with the record's internal id.
pub fn read_restricted(
    store: &mut dyn Store,
    session: &Session,
    opaque: &str,
) -> Result<Vec<corridor_model::Statement>> {
    let reviews = store.person_reviews()?;
    let records = opaque_records(store, &[opaque.to_string()], Scope::WholeRecord, &reviews)?;
    let record = records[0];
    if !store
        .holds()?
        .iter()
        .any(|h| h.record == record && h.state == HoldState::Restricted)
    {
        return Err(Error::NotFound(format!(
            "record '{}' is not restricted: the DPO reads only restricted records' content",
            clean(opaque)
        )));
    }
    let statements = store.held_statements(record)?;
    store.log_access(&corridor_store::AuditEntry {
        actor: session.actor().into(),
        action: corridor_store::AuditAction::Read,
        target: format!("record:{record}"),
        purpose: session.purpose().into(),
        detail: serde_json::json!({"restricted": true, "statements": statements.len()}).to_string(),
    })?;
    Ok(statements)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access;
    use corridor_store::SqliteStore;

    const MAPPING: &str = r#"
[dataset]
name = "rs-a"
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

[entities.phone]
schema = "Phone"
properties.number = { column = "phone" }

[entities.uses]
schema = "Uses"
properties.user = { entity = "person" }
properties.object = { entity = "phone" }
"#;

    const SECRET_NAME: &str = "Zebulon Qxerasemeq";
    const SECRET_PHONE: &str = "+381649876543";

    fn csv() -> String {
        let mut csv = String::from("id,name,born,phone\n");
        let names = [
            "Mohammed Ali",
            "Ahmad Khan",
            "Marko Petrović",
            "Ali Hussein",
            "Ђорђе Јовановић",
        ];
        for i in 0..3000 {
            csv.push_str(&format!(
                "{i},{} {i},19{:02}-0{}-1{},+3816{:07}\n",
                names[i % names.len()],
                50 + i % 50,
                1 + i % 9,
                i % 10,
                1_000_000 + i
            ));
        }
        // The person to erase, twice over (a duplicate record resolution joins).
        csv.push_str(&format!("7001,{SECRET_NAME},1980-05-17,{SECRET_PHONE}\n"));
        csv.push_str(&format!("7002,{SECRET_NAME},1980-05-17,{SECRET_PHONE}\n"));
        csv.push_str("7003,Restricted Person,1975-03-12,+381640000001\n");
        csv
    }

    fn ingest(store: &mut SqliteStore, file: &std::path::Path) -> corridor_store::BatchSummary {
        super::tests_data::ingest_with(store, MAPPING, file)
    }

    /// Every place the erased values could be: the file and its WAL, as bytes, in
    /// the forms the store keeps them (as given, upper-cased keys, digits).
    fn leftovers(path: &std::path::Path) -> Vec<String> {
        let mut found = Vec::new();
        for file in [path.to_path_buf(), path.with_extension("db-wal")] {
            let Ok(bytes) = std::fs::read(&file) else { continue };
            let lower = bytes.to_ascii_lowercase();
            for needle in ["qxerasemeq", "9876543"] {
                if lower.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    found.push(format!("{needle} in {}", file.display()));
                }
            }
        }
        found
    }

    #[test]
    fn an_erased_record_leaves_no_byte_behind_and_does_not_come_back() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("e.db");
        let (mut s, _) = SqliteStore::create(&path, "root").expect("store");
        let file = dir.path().join("a.csv");
        std::fs::write(&file, csv()).expect("csv");
        ingest(&mut s, &file);
        let root = Session::new("root", "").expect("session");
        crate::resolution::run(&mut s, &root, &Default::default(), None, false).expect("resolve");
        assert_eq!(
            s.identities_of(&["rs-a:7001:person".into()]).expect("links").len(),
            1,
            "resolved before erasure"
        );
        assert!(!leftovers(&path).is_empty(), "the test would find the values");
        let exported = |s: &mut SqliteStore| {
            let records = crate::resolution::export_records(s, &root, "csv").expect("export");
            format!("{records:?}").to_ascii_lowercase()
        };
        assert!(
            exported(&mut s).contains("qxerasemeq"),
            "the export would show the values"
        );
        // The name as the matching index counts it.
        let rows = s
            .values_of_records(&["rs-a:7001:person".into()], &crate::resolution::SCHEMATA, "root", "")
            .expect("values");
        let record = corridor_resolve::records_from_values(&rows[0])
            .into_iter()
            .next()
            .expect("record");
        let skeleton = corridor_resolve::FeatureBuilder::default()
            .features(&record)
            .name_value
            .expect("a name value");
        assert_eq!(
            s.name_counts(std::slice::from_ref(&skeleton))
                .expect("counts")
                .0
                .get(&skeleton),
            Some(&2)
        );
        let dpo = Session::new("dpo", "erasure request 2026/17").expect("session");
        let secret = opaque_secret(&mut s).expect("secret");
        let target: Vec<String> = ["rs-a:7001:person", "rs-a:7002:person"]
            .iter()
            .map(|e| opaque_record_id(&secret, e))
            .collect();
        assert!(
            order_erasure(&mut s, &dpo, &target, "", Scope::OnePerson).is_err(),
            "a reason is needed"
        );
        let out = order_erasure(&mut s, &dpo, &target, "Art. 16 request 2026/17", Scope::OnePerson).expect("erase");
        assert_eq!(out.report.records, 2);
        assert_eq!(out.compacted, Some(true));
        assert!(out.report.identity_links >= 2, "{out:?}");
        assert_eq!(leftovers(&path), Vec::<String>::new());
        assert!(
            !exported(&mut s).contains("qxerasemeq"),
            "an export after erasure shows nothing of it"
        );
        assert_eq!(
            s.name_counts(std::slice::from_ref(&skeleton))
                .expect("counts")
                .0
                .get(&skeleton),
            None,
            "the matching index's count of the name went with the records"
        );
        let bytes = std::fs::read(&path).expect("read");
        assert!(
            !bytes.windows(skeleton.len()).any(|w| w == skeleton.as_bytes()),
            "the name as the index kept it ({skeleton}) is gone from the file"
        );
        // The evidence and the chain still verify; the store is consistent.
        let report = s.verify_audit_with(None, None).expect("verify");
        assert!(report.is_intact(), "{:?}", report.problems);
        assert!(s.check_consistency().expect("check").problems.is_empty());
        // Nothing reads it any more.
        let e = crate::show_entity(&mut s, &root, "rs-a:7001:person", false);
        assert!(e.as_ref().map_or(true, |v| v.statements.is_empty()), "{e:?}");
        assert!(s.identities_of(&["rs-a:7001:person".into()]).expect("links").is_empty());
        // The log names records by internal id, never by value.
        let log = s.audit_page(0, 100_000).expect("log");
        assert!(
            log.iter()
                .all(|e| !e.entry.detail.contains("Qxerasemeq") && !e.entry.target.contains("Qxerasemeq"))
        );
        let erase = log
            .iter()
            .find(|e| e.entry.action.as_str() == "record.erase")
            .expect("logged");
        assert!(erase.entry.detail.contains("2026/17"));
        // The same file again: the erased rows are refused, everything else unchanged.
        let again = ingest(&mut s, &file);
        assert_eq!((again.rejected, again.new_records), (2, 0), "{again:?}");
        s.compact().expect("compact");
        assert_eq!(leftovers(&path), Vec::<String>::new());
        assert!(s.verify_audit_with(None, None).expect("verify").is_intact());
        // Erasing again changes nothing.
        let twice = order_erasure(&mut s, &dpo, &target[..1], "again", Scope::OnePerson).expect("erase");
        assert_eq!((twice.report.records, twice.report.unchanged), (0, 1));
    }

    #[test]
    fn a_restricted_record_is_read_by_the_dpo_alone_until_lifted() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("r.db");
        let (mut s, _) = SqliteStore::create(&path, "root").expect("store");
        let file = dir.path().join("a.csv");
        std::fs::write(&file, csv()).expect("csv");
        ingest(&mut s, &file);
        let root = Session::new("root", "").expect("session");
        let dpo = Session::new("dpo", "complaint 12").expect("session");
        let secret = opaque_secret(&mut s).expect("secret");
        let id = opaque_record_id(&secret, "rs-a:7003:person");
        let before = crate::show_entity(&mut s, &root, "rs-a:7003:person", false).expect("read");
        assert!(!before.statements.is_empty());
        let out = restrict(
            &mut s,
            &dpo,
            std::slice::from_ref(&id),
            "accuracy contested",
            Scope::OnePerson,
        )
        .expect("restrict");
        assert_eq!(out.report.records, 1);
        let hidden = crate::show_entity(&mut s, &root, "rs-a:7003:person", false);
        assert!(hidden.as_ref().map_or(true, |v| v.statements.is_empty()), "{hidden:?}");
        let held = holds(&mut s, &dpo).expect("holds");
        assert_eq!(held.len(), 1);
        assert_eq!(
            (held[0].record.as_str(), held[0].state),
            (id.as_str(), HoldState::Restricted)
        );
        let content = read_restricted(&mut s, &dpo, &id).expect("dpo reads");
        assert!(content.iter().any(|st| st.value == "Restricted Person"));
        // Frozen: a changed row for it is refused. It held the newest statements:
        // a new record still goes in, under ids of its own.
        std::fs::write(
            &file,
            "id,name,born,phone\n7003,Restricted Person,1975-03-13,+381640000001\n7004,New Person,1990-01-02,+381640000002\n",
        )
        .expect("csv");
        let changed = ingest(&mut s, &file);
        assert_eq!((changed.rejected, changed.new_versions, changed.new_records), (1, 0, 1));
        assert!(s.verify_audit_with(None, None).expect("verify").is_intact());
        lift(&mut s, &dpo, std::slice::from_ref(&id), "decided: accurate").expect("lift");
        let back = crate::show_entity(&mut s, &root, "rs-a:7003:person", false).expect("read");
        assert_eq!(back.statements.len(), before.statements.len());
        assert!(s.verify_audit_with(None, None).expect("verify").is_intact());
        assert!(read_restricted(&mut s, &dpo, &id).is_err(), "no longer restricted");
    }

    #[test]
    fn a_supervisor_keeps_or_erases_only_their_cases_records_due_for_review() {
        let dir = tempfile::tempdir().expect("dir");
        let (mut s, _) = SqliteStore::create(&dir.path().join("k.db"), "root").expect("store");
        let file = dir.path().join("a.csv");
        std::fs::write(&file, "id,name,born,phone\n1,Ali Hassan,1980-01-02,+381641234567\n").expect("csv");
        ingest(&mut s, &file);
        let root = Session::new("root", "").expect("session");
        access::add_user(&mut s, &root, "sam", "supervisor", None, "a long enough passphrase").expect("user");
        access::add_case(&mut s, &root, "a", "").expect("case");
        access::add_case(&mut s, &root, "b", "").expect("case");
        access::add_case_data(&mut s, &root, "a", "rs-a").expect("data");
        access::set_case_member(&mut s, &root, "a", "sam", true).expect("member");
        access::set_case_member(&mut s, &root, "b", "sam", true).expect("member");
        access::add_purpose(&mut s, &root, "review", "retention review").expect("purpose");
        let sam = access::log_in(&mut s, "sam", "a long enough passphrase", chrono::Utc::now()).expect("login");
        let grant = |s: &mut SqliteStore, case: &str| {
            access::authorize_request(
                s,
                Some(&sam),
                corridor_access::Action::DecideRetention,
                Some(case),
                Some("review"),
            )
            .expect("grant")
        };
        let today = chrono::Utc::now().date_naive();
        let ga = grant(&mut s, "a");
        let due = s.person_reviews().expect("reviews")[0].review_date;
        // Not due yet: a supervisor cannot erase it.
        let early = erase_in_case(
            &mut s,
            &ga,
            &["rs-a:1:person".into()],
            "no longer needed",
            today,
            Scope::OnePerson,
        );
        assert_eq!(early.expect_err("not due").code(), crate::ErrorCode::Conflict);
        // Another case of theirs does not hold it.
        let gb = grant(&mut s, "b");
        let other = keep_in_case(&mut s, &gb, "rs-a:1:person", today + chrono::Days::new(30), "x", today);
        assert_eq!(other.expect_err("not in b").code(), crate::ErrorCode::NotFound);
        // Kept: a new date, with its reason logged.
        let later = due.max(today) + chrono::Days::new(400);
        keep_in_case(&mut s, &ga, "rs-a:1:person", later, "ongoing trial K-12/26", today).expect("keep");
        let r = &s.person_reviews().expect("reviews")[0];
        assert_eq!((r.review_date, r.kept), (later, true));
        // At the review date, the supervisor erases it.
        let out = erase_in_case(
            &mut s,
            &ga,
            &["rs-a:1:person".into()],
            "review: no longer needed",
            later,
            Scope::OnePerson,
        )
        .expect("erase");
        assert_eq!(out.report.records, 1);
        assert!(s.person_reviews().expect("reviews").is_empty());
        assert!(keep_in_case(&mut s, &ga, "rs-a:1:person", later + chrono::Days::new(1), "x", later).is_err());
    }
}

#[cfg(test)]
mod findings_tests {
    use super::*;
    use corridor_store::SqliteStore;

    const MAPPING: &str = "[dataset]\nname = \"rs-d\"\nformat = \"csv\"\nrecord_id = \"id\"\n\n[source]\nagency = \"rs-bp\"\ncountry = \"RS\"\n\n\
        [defaults]\ngrading = \"B2\"\nhandling = \"H1\"\n\n[entities.person]\nschema = \"Person\"\n\
        [entities.person.properties]\nname = { column = \"name\" }\ncategory = { literal = \"suspect\" }\n\n\
        [entities.passport]\nschema = \"TravelDocument\"\n[entities.passport.properties]\nnumber = { column = \"doc\" }\n\
        country = { literal = \"SRB\" }\ntype = { literal = \"passport\" }\n\n\
        [entities.holds]\nschema = \"Holds\"\nproperties.holder = { entity = \"person\" }\nproperties.document = { entity = \"passport\" }\n";

    #[test]
    fn an_erased_records_findings_go_with_it_and_the_evidence_still_verifies() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("f.db");
        let (mut s, _) = SqliteStore::create(&path, "root").expect("store");
        let file = dir.path().join("d.csv");
        // The ICAO specimen number is flagged at ingest: a finding naming the document.
        std::fs::write(
            &file,
            "id,name,doc\n1,Zorka Qyfindingq,L898902C3\n2,Ahmad Khan,123456789\n3,Ali Hassan,223456789\n",
        )
        .expect("csv");
        super::tests_data::ingest_with(&mut s, MAPPING, &file);
        assert!(
            !s.findings(Some("rs-d:1:passport")).expect("findings").is_empty(),
            "flagged at ingest"
        );
        let dpo = Session::new("dpo", "request 5").expect("session");
        let secret = opaque_secret(&mut s).expect("secret");
        let out = order_erasure(
            &mut s,
            &dpo,
            &[opaque_record_id(&secret, "rs-d:1:person")],
            "Art. 16 request 5",
            Scope::OnePerson,
        )
        .expect("erase");
        assert!(out.report.findings >= 1, "{out:?}");
        assert!(s.findings(Some("rs-d:1:passport")).expect("findings").is_empty());
        let report = s.verify_audit_with(None, None).expect("verify");
        assert!(report.is_intact(), "{:?}", report.problems);
        let bytes = std::fs::read(&path).expect("read");
        for needle in [&b"L898902C3"[..], b"Qyfindingq"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{}",
                String::from_utf8_lossy(needle)
            );
        }
        // New findings after the erasure take ids of their own: the evidence holds.
        std::fs::write(&file, "id,name,doc\n4,Milan Petrović,L898902C3\n").expect("csv");
        super::tests_data::ingest_with(&mut s, MAPPING, &file);
        assert!(!s.findings(Some("rs-d:4:passport")).expect("findings").is_empty());
        let report = s.verify_audit_with(None, None).expect("verify");
        assert!(report.is_intact(), "{:?}", report.problems);
    }
}

#[cfg(test)]
mod backup_tests {
    use super::*;
    use corridor_store::SqliteStore;

    #[test]
    fn a_restored_backup_does_not_bring_back_what_was_erased_since() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("b.db");
        let (mut s, _) = SqliteStore::create(&path, "root").expect("store");
        let file = dir.path().join("a.csv");
        std::fs::write(&file, super::tests_data::CSV).expect("csv");
        super::tests_data::ingest(&mut s, &file);
        let root = Session::new("root", "").expect("session");
        let backup = dir.path().join("backup.db");
        let made = crate::admin::backup(&mut s, &root, &backup).expect("backup");
        assert_eq!(made.sha256.len(), 64);
        assert!(
            crate::admin::backup(&mut s, &root, &backup).is_err(),
            "never overwrites"
        );
        // Erased after the backup; and one restricted, another restricted before
        // and lifted after.
        let dpo = Session::new("dpo", "request 9").expect("session");
        let secret = opaque_secret(&mut s).expect("secret");
        let target = vec![opaque_record_id(&secret, "rs-a:2:person")];
        order_erasure(&mut s, &dpo, &target, "Art. 16 request 9", Scope::OnePerson).expect("erase");
        let frozen = vec![opaque_record_id(&secret, "rs-a:3:person")];
        restrict(&mut s, &dpo, &frozen, "accuracy contested", Scope::OnePerson).expect("restrict");
        // Kept past its review date after the backup: kept again at restore.
        let kept = s.record_id("rs-a", "1").expect("lookup").expect("record 1");
        let until = chrono::NaiveDate::from_ymd_opt(2031, 3, 1).expect("day");
        let request = corridor_store::HoldRequest {
            actor: "sam",
            purpose: "review",
            reason: "trial K-12/26",
            match_names: &[],
        };
        s.keep_record(kept, until, &request).expect("keep");
        drop(s);
        // The backup still holds the value; the restored store does not.
        let has = |p: &std::path::Path| std::fs::read(p).expect("read").windows(9).any(|w| w == b"Qxerasemq");
        assert!(has(&backup));
        // Not while a node server holds the store.
        let serving = corridor_store::NodeLock::acquire(&path).expect("the server's lock");
        let refused = crate::admin::restore(&backup, &path, &root).expect_err("a server runs");
        assert_eq!(refused.code(), crate::ErrorCode::Conflict, "{refused}");
        assert!(
            path.exists() && !path.with_extension("restoring").exists(),
            "the store is left as it was"
        );
        drop(serving);
        // Nor while another command has the store open to write (an erasure it
        // made would land in the file moved aside).
        let working = SqliteStore::open(&path).expect("another command");
        let refused = crate::admin::restore(&backup, &path, &root).expect_err("a command works");
        assert_eq!(refused.code(), crate::ErrorCode::Conflict, "{refused}");
        assert!(refused.to_string().contains("other commands"), "{refused}");
        drop(working);
        let restored = crate::admin::restore(&backup, &path, &root).expect("restore");
        assert_eq!(restored.erasures_reapplied, 1);
        assert_eq!(restored.restrictions_reapplied, 1, "{restored:?}");
        assert_eq!(restored.keeps_reapplied, 1, "{restored:?}");
        assert!(restored.replaced_store.as_ref().is_some_and(|p| p.exists()));
        assert!(!has(&path), "erased data came back from the backup");
        let mut s = SqliteStore::open(&path).expect("open");
        assert!(s.verify_audit_with(None, None).expect("verify").is_intact());
        let e = crate::show_entity(&mut s, &root, "rs-a:2:person", false);
        assert!(e.as_ref().map_or(true, |v| v.statements.is_empty()), "{e:?}");
        let other = crate::show_entity(&mut s, &root, "rs-a:1:person", false).expect("kept");
        assert!(!other.statements.is_empty());
        assert!(
            crate::show_entity(&mut s, &root, "rs-a:3:person", false).is_err(),
            "restricted after the backup: restricted again"
        );
        // Even without the replaced store, the journal beside it is enough.
        drop(s);
        std::fs::remove_file(&path).expect("rm");
        let again = crate::admin::restore(&backup, &path, &root).expect("restore");
        assert_eq!(again.erasures_reapplied, 1);
        assert_eq!(again.keeps_reapplied, 1, "the keep from the journal alone: {again:?}");
        assert!(!has(&path));
        let s = SqliteStore::open(&path).expect("open");
        let review = s
            .person_reviews()
            .expect("reviews")
            .into_iter()
            .find(|p| p.record == kept)
            .expect("record 1");
        assert!(review.kept && review.review_date == until, "{review:?}");
    }
}

#[cfg(test)]
mod tests_data {
    use corridor_store::SqliteStore;

    pub(super) const CSV: &str =
        "id,name,born\n1,Mohammed Ali,1980-01-02\n2,Zeb Qxerasemq,1981-02-03\n3,Ahmad Khan,1979-03-04\n";

    pub(super) use crate::test_support::ingest_with;

    pub(super) fn ingest(store: &mut SqliteStore, file: &std::path::Path) {
        let mapping = "[dataset]\nname = \"rs-a\"\nformat = \"csv\"\nrecord_id = \"id\"\n\n[source]\nagency = \"rs-bp\"\ncountry = \"RS\"\n\n\
            [defaults]\ngrading = \"B2\"\nhandling = \"H1\"\n\n[entities.person]\nschema = \"Person\"\n\
            [entities.person.properties]\nname = { column = \"name\" }\nbirthDate = { column = \"born\" }\ncategory = { literal = \"suspect\" }\n";
        ingest_with(store, mapping, file);
    }
}

//! The persons whose data is due for review (Directive 2016/680 Art. 5). The
//! listing names persons and their category: it is logged as a read.

use corridor_model::DataSubjectCategory;
use corridor_store::{AuditEntry, PersonReview, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::session::Session;

/// The persons due for review, oldest review date first.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct ReviewListing {
    pub persons: Vec<PersonReview>,
}

/// Every person, or those due on or before `due`; the listing is logged.
pub fn persons_due(store: &mut dyn Store, session: &Session, due: Option<chrono::NaiveDate>) -> Result<ReviewListing> {
    let persons: Vec<PersonReview> = store
        .person_reviews()?
        .into_iter()
        .filter(|r| due.is_none_or(|d| r.review_date <= d))
        .collect();
    store.log_access(&AuditEntry {
        actor: session.actor().into(),
        action: corridor_store::AuditAction::Read,
        target: "review list".into(),
        purpose: session.purpose().into(),
        detail: serde_json::json!({"due": due.map(|d| d.to_string()), "persons": persons.len()}).to_string(),
    })?;
    Ok(ReviewListing { persons })
}

/// A person's record due for review, as the data-protection officer sees it:
/// without content — an opaque id (stable on this node, meaningless elsewhere),
/// the category, the dates and the supplying agency.
#[derive(Debug, Clone, Serialize)]
pub struct RetentionItem {
    pub record: String,
    pub category: DataSubjectCategory,
    pub received: chrono::NaiveDate,
    pub review_date: chrono::NaiveDate,
    pub agency: Option<String>,
}

/// The opaque id of a record on this node: a keyed SHA-256 of its id under a
/// secret the node keeps, so the id says nothing of the dataset, the record
/// number or the name, and cannot be recomputed without the node.
pub fn opaque_record_id(secret: &str, entity: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"corridor opaque record id v1\0");
    h.update(secret.as_bytes());
    h.update([0]);
    h.update(entity.as_bytes());
    format!("r-{}", &hex::encode(h.finalize())[..24])
}

/// 256 random bits, hex: a node secret to store when there is none yet.
pub(crate) fn fresh_secret() -> Result<String> {
    corridor_access::secret::random_id()
        .and_then(|a| corridor_access::secret::random_id().map(|b| a + &b))
        .map_err(|e| Error::Key(e.to_string()))
}

/// The node's secret for opaque ids (made on first use).
pub(crate) fn opaque_secret(store: &mut dyn Store) -> Result<String> {
    Ok(store.node_secret("opaque", &fresh_secret()?)?)
}

/// The retention queue for the data-protection officer: every person's record due
/// on or before `due` (all with `None`), oldest review date first, without
/// content. The reading is logged.
pub fn retention_queue(
    store: &mut dyn Store,
    session: &Session,
    due: Option<chrono::NaiveDate>,
) -> Result<Vec<RetentionItem>> {
    let secret = opaque_secret(store)?;
    let agency_of: std::collections::HashMap<String, String> = store
        .sources()?
        .into_iter()
        .flat_map(|s| {
            let agency = s.source.agency.clone();
            s.datasets.into_iter().map(move |d| (d, agency.clone()))
        })
        .collect();
    let mut items: Vec<RetentionItem> = store
        .person_reviews()?
        .into_iter()
        .filter(|r| due.is_none_or(|d| r.review_date <= d))
        .map(|r| RetentionItem {
            agency: agency_of.get(r.entity.split(':').next().unwrap_or_default()).cloned(),
            record: opaque_record_id(&secret, &r.entity),
            category: r.category,
            received: r.received,
            review_date: r.review_date,
        })
        .collect();
    items.sort_by(|a, b| a.review_date.cmp(&b.review_date).then_with(|| a.record.cmp(&b.record)));
    store.log_access(&AuditEntry {
        actor: session.actor().into(),
        action: corridor_store::AuditAction::Read,
        target: "retention queue".into(),
        purpose: session.purpose().into(),
        detail: serde_json::json!({"due": due.map(|d| d.to_string()), "records": items.len(), "content": false})
            .to_string(),
    })?;
    Ok(items)
}

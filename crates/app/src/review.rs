//! The persons whose data is due for review (Directive 2016/680 Art. 5). The
//! listing names persons and their category: it is logged as a read.

use corridor_store::{AuditEntry, PersonReview, Store};
use serde::Serialize;

use crate::error::Result;
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

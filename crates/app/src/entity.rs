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
}

/// The entity `id` (`dataset:record:name`), its older statements too with
/// `history`. The read is logged with the session's actor and purpose.
pub fn show_entity(store: &mut dyn Store, session: &Session, id: &str, history: bool) -> Result<EntityView> {
    let Some(entity) = store.entity(id, session.actor(), session.purpose())? else {
        return Err(Error::NotFound(format!(
            "no entity '{id}': ids are dataset:record:name, as ingest gives them"
        )));
    };
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
    Ok(EntityView {
        statements: entity.statements.into_iter().filter(|s| history || s.current).collect(),
        id: entity.id,
        schema: entity.schema,
        restrictions,
        category,
        review_date,
        findings,
    })
}

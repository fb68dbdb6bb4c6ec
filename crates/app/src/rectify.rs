//! Rectification by a case worker (Directive 2016/680 Art. 16(1)): a statement of
//! the case found wrong gets a corrected statement; the old one stays as history,
//! marked with who corrected it, when and why (the store's `rectify.rs`). The
//! identity the record belongs to is matched again with the corrected value, as
//! after an ingest.

use corridor_model::PropType;
use corridor_store::{Rectified, RectifyRequest, Store};
use serde::Serialize;

use crate::error::{Error, Result};

/// What a rectification did.
#[derive(Debug, Clone, Serialize)]
pub struct RectifyOutcome {
    #[serde(flatten)]
    pub rectified: Rectified,
    /// The record matched again against the latest resolution.
    pub resolution: crate::resolution::IngestMatch,
}

/// Corrects statement `statement` of the grant's case to `value`, with `reason`.
/// A statement outside the case, or above the reader's clearance, is not found (the
/// answer does not say whether it exists); one of an older version of its record is
/// history and is refused; the value is cleaned as ingest cleans it for the
/// property's type.
pub fn rectify_in_case(
    store: &mut dyn Store,
    grant: &corridor_access::Grant,
    statement: i64,
    value: &str,
    reason: &str,
) -> Result<RectifyOutcome> {
    let case = grant
        .case()
        .ok_or_else(|| Error::BadInput("name the case the statement is rectified in".into()))?;
    let reason = crate::erasure::check_reason(reason)?;
    let not_found = || {
        Error::NotFound(format!(
            "no statement {statement} in case {}: statement ids are those an entity's statements show",
            case.name
        ))
    };
    let origin = store.statement_origin(statement)?.ok_or_else(not_found)?;
    if !store.case_datasets(case.id)?.contains(&origin.dataset) || origin.handling > grant.clearance() {
        return Err(not_found());
    }
    let session = crate::access::session_of(grant)?;
    rectify_statement(store, &session, origin, value, reason)
}

/// Corrects statement `statement` on a node without users (the command line of a
/// single-user store), as [`rectify_in_case`] does within a case.
pub fn rectify(
    store: &mut dyn Store,
    session: &crate::Session,
    statement: i64,
    value: &str,
    reason: &str,
) -> Result<RectifyOutcome> {
    let reason = crate::erasure::check_reason(reason)?;
    let origin = store.statement_origin(statement)?.ok_or_else(|| {
        Error::NotFound(format!(
            "no statement {statement}: statement ids are those an entity's statements show (#N)"
        ))
    })?;
    rectify_statement(store, session, origin, value, reason)
}

fn rectify_statement(
    store: &mut dyn Store,
    session: &crate::Session,
    origin: corridor_store::StatementOrigin,
    value: &str,
    reason: &str,
) -> Result<RectifyOutcome> {
    let statement = origin.statement;
    if !origin.current {
        return Err(Error::BadInput(format!(
            "statement {statement} is history (an older version of its record): rectify the record's current statement"
        )));
    }
    let ty = corridor_model::schema(&origin.schema)
        .and_then(|s| s.property(&origin.prop))
        .map(|p| p.ty)
        .ok_or_else(|| Error::BadInput(format!("{}.{} is not a known property", origin.schema, origin.prop)))?;
    if matches!(ty, PropType::Entity(_)) {
        return Err(Error::BadInput(format!(
            "{} links one entity to another: a wrong link is not rectified as a value; ask the DPO to restrict or erase the record",
            origin.prop
        )));
    }
    let cleaned = match corridor_model::clean(ty, value) {
        Ok(Some(v)) => v,
        Ok(None) => {
            return Err(Error::BadInput(
                "the corrected value is empty: a value that should not be there is erased or restricted by the DPO, not rectified"
                    .into(),
            ));
        }
        Err(e) => {
            let hint = if matches!(ty, PropType::Date | PropType::DateTime) {
                "; dates are written YYYY-MM-DD"
            } else {
                ""
            };
            return Err(Error::BadInput(format!(
                "the corrected value is not a valid {} ({e}){hint}",
                origin.prop
            )));
        }
    };
    let current = store
        .entity(&origin.entity, session.actor(), session.purpose())?
        .and_then(|e| e.statements.into_iter().find(|s| s.id == statement));
    if current.is_some_and(|s| s.value == cleaned) {
        return Err(Error::BadInput(format!(
            "statement {statement} already says that: nothing to rectify"
        )));
    }
    let rectified = store.rectify(&RectifyRequest {
        statement,
        value: &cleaned,
        actor: session.actor(),
        purpose: session.purpose(),
        reason,
    })?;
    let resolution = crate::resolution::match_new_records(store, session, rectified.batch)?;
    Ok(RectifyOutcome { rectified, resolution })
}

//! Approved exports (the domain's roles; Directive 2016/680 Art. 25): on a node
//! with users personal data leaves only through an export that a case member
//! drafted (what and why), another person — a supervisor of the case — approved,
//! and the drafter then produced, once, exactly as approved.
//!
//! What an export is, is described by the front end as a canonical text (kind,
//! format, scope and filters: [`network_export_what`]); producing it compares the
//! export asked for with the one approved, so an approval of one network in
//! GraphML does not let every network out in FollowTheMoney.

use corridor_access::Grant;
use corridor_store::{ExportDraft, ExportRecord, ExportState, Store};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::network::{ExportFormat, NetworkQuery};

/// How long an approval may wait to be used.
pub const APPROVAL_DAYS: i64 = 7;

/// The longest justification or reason kept.
pub const MAX_REASON_CHARS: usize = 500;

/// An export request as a case member sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ExportView {
    pub id: i64,
    pub what: serde_json::Value,
    pub justification: String,
    pub purpose: String,
    pub drafted_by: String,
    pub drafted_at: String,
    pub state: ExportState,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub reason: Option<String>,
    pub produced_at: Option<String>,
}

/// The canonical description of a network export.
pub fn network_export_what(
    format: ExportFormat,
    network: Option<usize>,
    include_protected_names: bool,
    query: &NetworkQuery,
) -> String {
    serde_json::json!({
        "kind": "network-export",
        "format": format.as_str(),
        "network": network,
        "include_protected_names": include_protected_names,
        "filters": {
            "from": query.from, "to": query.to, "agencies": query.agencies, "min_grading": query.min_grading,
            "kinds": query.kinds, "handling": query.handling, "max_group": query.max_group, "seed": query.seed,
            "resolution": query.resolution, "min_size": query.min_size, "include_protected": query.include_protected,
        },
    })
    .to_string()
}

/// The canonical description of a party's track as GeoJSON.
pub fn track_export_what(party: &str, query: &NetworkQuery) -> String {
    serde_json::json!({
        "kind": "track-geojson",
        "party": party,
        "filters": {
            "from": query.from, "to": query.to, "agencies": query.agencies, "min_grading": query.min_grading,
            "kinds": query.kinds, "handling": query.handling, "max_group": query.max_group,
        },
    })
    .to_string()
}

fn text(what: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > MAX_REASON_CHARS || v.chars().any(char::is_control) {
        return Err(Error::BadInput(format!(
            "{what}: one line of 1 to {MAX_REASON_CHARS} printable characters (it is kept in the audit log)"
        )));
    }
    Ok(v.to_string())
}

fn parts(grant: &Grant) -> Result<(i64, i64)> {
    let case = grant
        .case()
        .ok_or_else(|| Error::BadInput("name the case the export is for".into()))?;
    let user = grant
        .principal()
        .map(|p| p.user_id)
        .ok_or_else(|| Error::Unauthenticated("log in first".into()))?;
    Ok((case.id, user))
}

fn view(store: &dyn Store, r: ExportRecord) -> Result<ExportView> {
    let name =
        |id: i64| -> Result<String> { Ok(store.user_by_id(id)?.map_or_else(|| format!("user {id}"), |u| u.name)) };
    Ok(ExportView {
        id: r.id,
        what: serde_json::from_str(&r.what).unwrap_or(serde_json::Value::String(r.what.clone())),
        justification: r.justification,
        purpose: r.purpose,
        drafted_by: name(r.drafted_by)?,
        drafted_at: r.drafted_at,
        state: r.state,
        decided_by: r.decided_by.map(name).transpose()?,
        decided_at: r.decided_at,
        reason: r.reason,
        produced_at: r.produced_at,
    })
}

/// The request `id` if it belongs to the grant's case (else not found, whether
/// or not another case has one).
fn of_case(store: &dyn Store, case_id: i64, id: i64) -> Result<ExportRecord> {
    store
        .export_request(id)?
        .filter(|r| r.case_id == case_id)
        .ok_or_else(|| Error::NotFound(format!("no export request {id} in this case")))
}

/// Drafts an export of the grant's case; returns its id.
pub fn draft_export(store: &mut dyn Store, grant: &Grant, what: &str, justification: &str) -> Result<i64> {
    let (case_id, user_id) = parts(grant)?;
    let justification = text("the justification", justification)?;
    if what.len() > 8192 {
        return Err(Error::BadInput("the export's description is at most 8 KiB".into()));
    }
    let session = crate::access::session_of(grant)?;
    Ok(store.draft_export(&ExportDraft {
        case_id,
        what,
        justification: &justification,
        purpose: session.purpose(),
        user_id,
        actor: session.actor(),
    })?)
}

/// The case's export requests, newest first.
pub fn exports_of_case(store: &mut dyn Store, grant: &Grant) -> Result<Vec<ExportView>> {
    let (case_id, _) = parts(grant)?;
    let rows = store.export_requests(case_id)?;
    rows.into_iter().map(|r| view(&*store, r)).collect()
}

/// A supervisor of the case approves or refuses a pending export, with a reason.
/// Nobody approves their own draft.
pub fn decide_export(store: &mut dyn Store, grant: &Grant, id: i64, approve: bool, reason: &str) -> Result<ExportView> {
    let (case_id, user_id) = parts(grant)?;
    let reason = text("the reason", reason)?;
    let request = of_case(&*store, case_id, id)?;
    if request.drafted_by == user_id {
        return Err(Error::Forbidden(
            "an export is approved by another person than the one who drafted it: ask another supervisor of the case"
                .into(),
        ));
    }
    if request.state != ExportState::Pending {
        return Err(Error::Conflict(format!(
            "export request {id} was already decided ({:?})",
            request.state
        )));
    }
    let session = crate::access::session_of(grant)?;
    let to = if approve {
        ExportState::Approved
    } else {
        ExportState::Refused
    };
    if !store.advance_export(
        id,
        ExportState::Pending,
        to,
        user_id,
        session.actor(),
        session.purpose(),
        Some(&reason),
    )? {
        return Err(Error::Conflict(format!("export request {id} was decided meanwhile")));
    }
    let r = of_case(&*store, case_id, id)?;
    view(&*store, r)
}

/// Takes the approval of export `id` for producing the export described by
/// `what`: the drafter's, approved, not produced yet, and the same export. Marks
/// it produced (logged); the export itself is then written and logged as usual.
pub fn produce_export(store: &mut dyn Store, grant: &Grant, id: i64, what: &str) -> Result<ExportRecord> {
    let (case_id, user_id) = parts(grant)?;
    let request = of_case(&*store, case_id, id)?;
    if request.drafted_by != user_id {
        return Err(Error::Forbidden(format!(
            "export request {id} was drafted by another user: its drafter produces it"
        )));
    }
    match request.state {
        ExportState::Approved => {}
        ExportState::Pending => {
            return Err(Error::Conflict(format!(
                "export request {id} waits for a supervisor's approval"
            )));
        }
        ExportState::Refused => return Err(Error::Conflict(format!("export request {id} was refused"))),
        ExportState::Produced => {
            return Err(Error::Conflict(format!(
                "export request {id} was produced already: an approval is used once; draft it again"
            )));
        }
    }
    // The approval is for the purpose it was asked for, and for a week: network
    // numbers and members move as the data changes.
    let session = crate::access::session_of(grant)?;
    if request.purpose != session.purpose() {
        return Err(Error::Conflict(format!(
            "export request {id} was approved for another purpose: produce it under the purpose it was drafted for"
        )));
    }
    let decided = request
        .decided_at
        .as_deref()
        .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
        .map(|d| d.with_timezone(&chrono::Utc));
    if decided.is_none_or(|d| chrono::Utc::now() - d > chrono::Duration::days(APPROVAL_DAYS)) {
        return Err(Error::Conflict(format!(
            "the approval of export request {id} is older than {APPROVAL_DAYS} days: draft it again"
        )));
    }
    if request.what != what {
        return Err(Error::Conflict(format!(
            "the export asked for is not the one approved in request {id} (format, scope or filters differ): draft this one"
        )));
    }
    if !store.advance_export(
        id,
        ExportState::Approved,
        ExportState::Produced,
        user_id,
        session.actor(),
        session.purpose(),
        None,
    )? {
        return Err(Error::Conflict(format!("export request {id} was produced meanwhile")));
    }
    of_case(&*store, case_id, id)
}

/// Produces, for the API, an approved network export drafted with the node's
/// default filters ([`network_export_what`] with [`NetworkQuery::DEFAULT`]): takes
/// the approval, opens the case's view from `cache` and writes the export, logged.
pub fn produce_network_export(
    store: &mut dyn Store,
    cache: &mut crate::network::GraphCache,
    grant: &Grant,
    id: i64,
) -> Result<(ExportFormat, Vec<u8>)> {
    let (case_id, _) = parts(grant)?;
    let request = of_case(&*store, case_id, id)?;
    let what: serde_json::Value = serde_json::from_str(&request.what).unwrap_or_default();
    let format: ExportFormat = what["format"]
        .as_str()
        .unwrap_or_default()
        .parse()
        .map_err(|_| Error::Conflict(format!("export request {id} is not a network export the API produces")))?;
    let network = what["network"].as_u64().map(|n| n as usize);
    let names = what["include_protected_names"].as_bool().unwrap_or(false);
    let expected = network_export_what(format, network, names, &NetworkQuery::DEFAULT);
    if what["kind"] != "network-export" || expected != request.what {
        return Err(Error::Conflict(format!(
            "export request {id} was drafted with filters of its own: produce it where it was drafted (the command line)"
        )));
    }
    produce_export(store, grant, id, &expected)?;
    let (session, query) = crate::network::scope(&*store, grant, &NetworkQuery::DEFAULT)?;
    let view = cache.open(store, &session, &query)?;
    let found = view.networks();
    let mut out = Vec::new();
    crate::network::export(
        store,
        &session,
        &view,
        &found,
        &crate::network::ExportRequest {
            format,
            network,
            include_protected_names: names,
            destination: format!("the API (export request {id})"),
        },
        &mut out,
    )?;
    Ok((format, out))
}

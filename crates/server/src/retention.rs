//! Routes of review, restriction and erasure (Directive 2016/680 Art. 5 and 16):
//! the DPO's, by opaque record id, and a case supervisor's, by entity id. The use
//! cases are `corridor_app::erasure`.

use axum::extract::State;
use axum::{Extension, Json};
use corridor_access::Grant;
use corridor_app::erasure::{CaseReviewItem, HoldItem, HoldOutcome, Scope};
use corridor_app::{ErrorCode, access};
use serde::Deserialize;

use crate::extract::{ApiJson, ApiQuery};
use crate::{ApiError, Node};

fn day(text: &str, what: &str) -> Result<chrono::NaiveDate, ApiError> {
    Ok(corridor_app::parse_day(text, what)?)
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Records named by the DPO, with the reason.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct HoldRequestBody {
    /// Opaque record ids, as the retention queue and the list of held records give them.
    #[schema(min_items = 1, max_items = 10000)]
    records: Vec<String>,
    /// The legal ground or the request's reference (kept in the audit log: name a
    /// reference, not the person). One line, at most 500 characters.
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    reason: String,
    /// Restriction and erasure apply to a whole source record; one that names other
    /// people too is refused unless this is true.
    #[serde(default)]
    whole_record: bool,
}

fn scope(whole_record: bool) -> Scope {
    if whole_record {
        Scope::WholeRecord
    } else {
        Scope::OnePerson
    }
}

/// A DPO's act on records named in a body, run on the store.
type HoldAct = fn(
    &mut dyn corridor_store::Store,
    &corridor_app::Session,
    &[String],
    &str,
    Scope,
) -> corridor_app::Result<HoldOutcome>;

async fn hold(node: Node, grant: Grant, body: HoldRequestBody, act: HoldAct) -> Result<Json<HoldResult>, ApiError> {
    let session = access::session_of(&grant)?;
    let outcome = node
        .run(move |s| act(s, &session, &body.records, &body.reason, scope(body.whole_record)))
        .await?;
    Ok(Json(HoldResult { outcome }))
}

/// What the act did: records changed and already so, statements, and what was
/// derived from them and removed.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct HoldResult {
    #[schema(value_type = Object)]
    #[serde(flatten)]
    outcome: HoldOutcome,
}

#[utoipa::path(post, path = "/api/v1/retention/erasures", tag = "dpo", security(("token" = [])), request_body = HoldRequestBody,
    responses((status = 200, description = "The records are erased: their values are gone from the store, its indexes and its log file; tombstones remain", body = HoldResult),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError),
        (status = 409, description = "A record names other people and whole_record is not set", body = ApiError)))]
pub(crate) async fn order_erasure(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<HoldRequestBody>,
) -> Result<Json<HoldResult>, ApiError> {
    hold(node, grant, body, corridor_app::erasure::order_erasure).await
}

#[utoipa::path(post, path = "/api/v1/retention/restrictions", tag = "dpo", security(("token" = [])), request_body = HoldRequestBody,
    responses((status = 200, description = "The records are restricted: no one but the DPO reads them until the restriction is lifted", body = HoldResult),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError),
        (status = 409, description = "A record names other people and whole_record is not set", body = ApiError)))]
pub(crate) async fn restrict(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<HoldRequestBody>,
) -> Result<Json<HoldResult>, ApiError> {
    hold(node, grant, body, corridor_app::erasure::restrict).await
}

#[utoipa::path(post, path = "/api/v1/retention/lifts", tag = "dpo", security(("token" = [])), request_body = HoldRequestBody,
    responses((status = 200, description = "The restrictions are lifted", body = HoldResult),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn lift(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<HoldRequestBody>,
) -> Result<Json<HoldResult>, ApiError> {
    hold(node, grant, body, |s, session, records, reason, _| {
        corridor_app::erasure::lift(s, session, records, reason)
    })
    .await
}

/// The held records, or one restricted record's content.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct HeldParams {
    /// A restricted record's opaque id: its statements (read by the DPO alone, logged).
    #[param(max_length = 100)]
    record: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/retention/held", tag = "dpo", security(("token" = [])), params(HeldParams),
    responses((status = 200, description = "Restricted and erased records without content (opaque ids, state, when, by whom); with `record`, that restricted record's statements"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn held(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiQuery(params): ApiQuery<HeldParams>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let session = access::session_of(&grant)?;
    let value = match params.record {
        Some(record) => {
            if record.len() > 100 {
                return Err(ApiError::new(
                    ErrorCode::BadInput,
                    "a record id is at most 100 characters",
                ));
            }
            let statements = node
                .run(move |s| corridor_app::erasure::read_restricted(s, &session, &record))
                .await?;
            serde_json::to_value(statements)
        }
        None => {
            let items: Vec<HoldItem> = node.run(move |s| corridor_app::erasure::holds(s, &session)).await?;
            serde_json::to_value(items)
        }
    }
    .map_err(|e| ApiError::internal(&e.to_string()))?;
    Ok(Json(value))
}

/// Which of the case's records to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct CaseRetentionParams {
    /// Only records due on or before this day (every record when not given).
    #[param(value_type = Option<String>, format = Date)]
    due: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/case-retention", tag = "review", security(("token" = [])), params(CaseRetentionParams),
    responses((status = 200, description = "The case's person records with their category and review date, oldest first"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn case_retention(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiQuery(params): ApiQuery<CaseRetentionParams>,
) -> Result<Json<Vec<CaseReviewItem>>, ApiError> {
    let due = params.due.as_deref().map(|d| day(d, "due")).transpose()?;
    Ok(Json(
        node.run(move |s| corridor_app::erasure::persons_due_in_case(s, &grant, due))
            .await?,
    ))
}

/// A supervisor keeps a case's record until a new review date.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct KeepBody {
    /// The record's entity id (dataset:record:name).
    #[schema(max_length = 1024)]
    entity: String,
    /// The next review's day (YYYY-MM-DD), after today and within ten years.
    #[schema(value_type = String, format = Date)]
    review_date: String,
    /// Why (kept in the audit log). One line, at most 500 characters.
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/case-retention/keeps", tag = "review", security(("token" = [])), request_body = KeepBody,
    responses((status = 200, description = "Kept until the new date"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError),
        (status = 409, description = "The date is not after today or more than ten years ahead", body = ApiError)))]
pub(crate) async fn keep(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<KeepBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    if body.entity.len() > 1024 {
        return Err(ApiError::new(
            ErrorCode::BadInput,
            "an entity id is at most 1,024 bytes",
        ));
    }
    let date = day(&body.review_date, "review_date")?;
    let today = today();
    node.run(move |s| corridor_app::erasure::keep_in_case(s, &grant, &body.entity, date, &body.reason, today))
        .await?;
    Ok(Json(serde_json::json!({"kept_until": date.to_string()})))
}

/// A supervisor erases a case's record due for review.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CaseErasureBody {
    /// The records' entity ids (dataset:record:name).
    #[schema(min_items = 1, max_items = 10000)]
    entities: Vec<String>,
    /// Why (kept in the audit log). One line, at most 500 characters.
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    reason: String,
    /// A record that names other people too may be erased whole.
    #[serde(default)]
    whole_record: bool,
}

#[utoipa::path(post, path = "/api/v1/case-retention/erasures", tag = "review", security(("token" = [])), request_body = CaseErasureBody,
    responses((status = 200, description = "Erased: the values are gone from the store, its indexes and its log file; tombstones remain", body = HoldResult),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError),
        (status = 409, description = "A record is not yet due for review, or names other people and whole_record is not set", body = ApiError)))]
pub(crate) async fn case_erasure(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<CaseErasureBody>,
) -> Result<Json<HoldResult>, ApiError> {
    if body.entities.iter().any(|e| e.len() > 1024) {
        return Err(ApiError::new(
            ErrorCode::BadInput,
            "an entity id is at most 1,024 bytes",
        ));
    }
    let today = today();
    let outcome = node
        .run(move |s| {
            corridor_app::erasure::erase_in_case(
                s,
                &grant,
                &body.entities,
                &body.reason,
                today,
                scope(body.whole_record),
            )
        })
        .await?;
    Ok(Json(HoldResult { outcome }))
}

/// Who a subject-access report is about.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SubjectBody {
    /// The subject's name, in any script; every word must match.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    name: String,
    /// A birth date (YYYY-MM-DD) or year (YYYY) to tell namesakes apart.
    #[schema(pattern = "^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$")]
    birth_date: Option<String>,
    /// A travel-document number the subject gave: its holders' records are added.
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    document: Option<String>,
    /// The request's reference, kept in the audit log.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    reference: String,
}

#[utoipa::path(post, path = "/api/v1/retention/subject-access", tag = "dpo", security(("token" = [])), request_body = SubjectBody,
    responses((status = 200, description = "What the node holds about the subject, in every case: each record (opaque id, data set, category) with its current statements, their agency, grading, handling code and restriction, for the DPO to review before anything is given"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn subject_access(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<SubjectBody>,
) -> Result<Json<corridor_app::subject::SubjectReport>, ApiError> {
    let session = access::session_of(&grant)?;
    let report = node
        .run_search(move |store, index| {
            corridor_app::subject::subject_access(
                index,
                store,
                &session,
                &corridor_app::subject::SubjectQuery {
                    name: Some(&body.name),
                    birth_date: body.birth_date.as_deref(),
                    document: body.document.as_deref(),
                    reference: &body.reference,
                },
            )
        })
        .await?;
    Ok(Json(report))
}

//! Rectification of a statement by a case worker (Art. 16(1)); the use case is
//! `corridor_app::rectify`.

use axum::extract::State;
use axum::{Extension, Json};
use corridor_access::Grant;
use corridor_app::ErrorCode;
use corridor_app::rectify::RectifyOutcome;
use serde::Deserialize;

use crate::extract::{ApiJson, ApiPath};
use crate::{ApiError, Node};

/// The corrected value and why.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RectifyBody {
    /// The corrected value, as ingest takes it for the property (dates YYYY-MM-DD).
    #[schema(min_length = 1, max_length = 4096)]
    value: String,
    /// Why the statement was wrong (kept in the audit log and with the statement).
    /// One line, at most 500 characters.
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    reason: String,
}

/// What the rectification wrote: the statement corrected, the one that corrects
/// it, the batch holding the record's new version, and the matching that followed.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct RectifyResult {
    #[schema(value_type = Object)]
    #[serde(flatten)]
    outcome: RectifyOutcome,
}

#[utoipa::path(post, path = "/api/v1/statements/{id}/rectification", tag = "case", security(("token" = [])),
    params(("id" = String, Path, description = "The statement's id, as an entity's statements give it"),
        ("Corridor-Case" = String, Header, description = "The case holding the statement's record"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    request_body = RectifyBody,
    responses((status = 200, description = "A corrected statement was added (the record's new version) and the old one marked as rectified; the record was matched again", body = RectifyResult),
        (status = 400, description = "The value is not valid for the property, is the same, or the statement is history", body = ApiError),
        (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, description = "No such statement in the case, or above the reader's clearance", body = ApiError),
        (status = 409, description = "The record is restricted, erased or changed meanwhile", body = ApiError)))]
pub(crate) async fn rectify(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<RectifyBody>,
) -> Result<Json<RectifyResult>, ApiError> {
    let id = id.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            "no such statement: ids are numbers, as an entity's statements give them",
        )
    })?;
    if body.value.len() > 4096 {
        return Err(ApiError::new(ErrorCode::BadInput, "a value is at most 4,096 bytes"));
    }
    let outcome = node
        .run(move |s| corridor_app::rectify::rectify_in_case(s, &grant, id, &body.value, &body.reason))
        .await?;
    Ok(Json(RectifyResult { outcome }))
}

//! Routes of approved exports: a case member drafts, another person (a supervisor
//! of the case) approves or refuses, the drafter downloads it once. The use cases
//! are `corridor_app::exports`.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use corridor_access::Grant;
use corridor_app::ErrorCode;
use corridor_app::exports::ExportView;
use serde::Deserialize;

use crate::extract::{ApiJson, ApiPath};
use crate::{ApiError, Node};

fn id_of(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            "no such export request: ids are numbers, as the list gives them",
        )
    })
}

#[utoipa::path(get, path = "/api/v1/exports", tag = "case", security(("token" = [])),
    params(("Corridor-Case" = String, Header, description = "The case"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, description = "The case's export requests, newest first: what, why, who drafted and decided, and where each stands"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn list(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
) -> Result<Json<Vec<ExportView>>, ApiError> {
    Ok(Json(
        node.run(move |s| corridor_app::exports::exports_of_case(s, &grant))
            .await?,
    ))
}

/// A network export to draft (the node's default filters; the command line drafts
/// with filters of its own).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DraftBody {
    /// graphml, gexf, cytoscape, geojson or ftm.
    #[schema(pattern = "^(graphml|gexf|cytoscape|geojson|ftm)$")]
    format: String,
    /// Only this network (its number in the list of networks). Read as a JSON
    /// number: `3.0` is the integer 3, as JSON Schema has it.
    #[schema(value_type = Option<u32>, minimum = 0, maximum = 1000000)]
    network: Option<f64>,
    /// Name victims and witnesses too.
    #[serde(default)]
    include_protected_names: bool,
    /// Why it must leave (kept with the request and in the audit log).
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    justification: String,
}

#[utoipa::path(post, path = "/api/v1/exports", tag = "case", security(("token" = [])), request_body = DraftBody,
    responses((status = 201, description = "Drafted: the request's id, waiting for a supervisor of the case"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn draft(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<DraftBody>,
) -> Result<(axum::http::StatusCode, Json<serde_json::Value>), ApiError> {
    let format: corridor_app::network::ExportFormat = body.format.parse()?;
    let network = body
        .network
        .map(|n| {
            if n.fract() == 0.0 && (0.0..=1_000_000.0).contains(&n) {
                Ok(n as usize)
            } else {
                Err(ApiError::new(
                    ErrorCode::BadInput,
                    "network is a network's number, 0 to 1,000,000",
                ))
            }
        })
        .transpose()?;
    let what = corridor_app::exports::network_export_what(
        format,
        network,
        body.include_protected_names,
        &corridor_app::network::NetworkQuery::DEFAULT,
    );
    let id = node
        .run(move |s| corridor_app::exports::draft_export(s, &grant, &what, &body.justification))
        .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(serde_json::json!({"id": id, "state": "pending"})),
    ))
}

/// A supervisor's decision on an export request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecisionBody {
    approve: bool,
    /// Why (kept with the request and in the audit log).
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/exports/{id}/decision", tag = "case", security(("token" = [])),
    params(("id" = String, Path, description = "The export request's number")), request_body = DecisionBody,
    responses((status = 200, description = "Approved or refused"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, description = "Not a supervisor of the case, or the drafter", body = ApiError),
        (status = 404, body = ApiError), (status = 409, description = "Already decided", body = ApiError)))]
pub(crate) async fn decide(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> Result<Json<ExportView>, ApiError> {
    let id = id_of(&id)?;
    Ok(Json(
        node.run(move |s| corridor_app::exports::decide_export(s, &grant, id, body.approve, &body.reason))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/exports/{id}/file", tag = "case", security(("token" = [])),
    params(("id" = String, Path, description = "The export request's number")),
    responses((status = 200, description = "The export, once, for its drafter, after approval (logged)"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 409, description = "Not approved, already produced, or drafted elsewhere", body = ApiError)))]
pub(crate) async fn file(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = id_of(&id)?;
    let (format, bytes) = node
        .run_graphs(move |s, cache| corridor_app::exports::produce_network_export(s, cache, &grant, id))
        .await?;
    let (mime, ext) = match format.as_str() {
        "graphml" => ("application/graphml+xml", "graphml"),
        "gexf" => ("application/gexf+xml", "gexf"),
        "geojson" => ("application/geo+json", "geojson"),
        "cytoscape" => ("application/json", "cyjs"),
        _ => ("application/x-ndjson", "ftm.json"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"corridor-export-{id}.{ext}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

//! The handlers: each takes the grant the guard made, calls one use case of
//! `corridor-app` on the blocking pool, and answers JSON.

use axum::Extension;
use axum::Json;
use axum::extract::{Path, Query, State};
use corridor_access::{Grant, Role};
use corridor_app::{ErrorCode, access, admin};
use corridor_model::HandlingCode;
use serde::{Deserialize, Serialize};

use crate::{ApiError, Node};

/// The node answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Health {
    status: &'static str,
    version: &'static str,
}

#[utoipa::path(get, path = "/api/v1/health", tag = "node",
    responses((status = 200, description = "The node is up", body = Health)))]
pub(crate) async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "node",
    responses((status = 200, description = "This API's OpenAPI 3.1 document")))]
pub(crate) async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(crate::api_description())
}

/// The user asking, as the node knows them now.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Me {
    name: String,
    #[schema(value_type = String)]
    role: Role,
    #[schema(value_type = String)]
    clearance: HandlingCode,
    cases: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "access", security(("token" = [])),
    responses((status = 200, body = Me), (status = 401, body = ApiError)))]
pub(crate) async fn me(Extension(grant): Extension<Grant>) -> Result<Json<Me>, ApiError> {
    let p = grant
        .principal()
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated, "log in first"))?;
    Ok(Json(Me {
        name: p.name.clone(),
        role: p.role,
        clearance: p.clearance,
        cases: p.cases.iter().map(|c| c.name.clone()).collect(),
    }))
}

/// A purpose requests may name.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Purpose {
    id: String,
    description: String,
}

#[utoipa::path(get, path = "/api/v1/purposes", tag = "access", security(("token" = [])),
    responses((status = 200, body = [Purpose]), (status = 401, body = ApiError)))]
pub(crate) async fn purposes(State(node): State<Node>) -> Result<Json<Vec<Purpose>>, ApiError> {
    let list = node.run(|s| access::purposes(s)).await?;
    Ok(Json(
        list.into_iter()
            .map(|p| Purpose {
                id: p.id,
                description: p.description,
            })
            .collect(),
    ))
}

/// Whether to include older versions of the entity's statements.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct EntityQuery {
    #[serde(default)]
    history: bool,
}

#[utoipa::path(get, path = "/api/v1/entities/{id}", tag = "case", security(("token" = [])),
    params(("id" = String, Path, description = "dataset:record:name"), EntityQuery,
        ("Corridor-Case" = String, Header, description = "The case the entity is read for"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, description = "The entity with every statement's provenance, filtered by the reader's clearance (withheld statements counted)"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn entity(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    Path(id): Path<String>,
    Query(q): Query<EntityQuery>,
) -> Result<Json<corridor_app::CaseEntityView>, ApiError> {
    if id.len() > 1024 {
        return Err(ApiError::new(
            ErrorCode::BadInput,
            "an entity id is at most 1,024 bytes",
        ));
    }
    let view = node
        .run(move |s| corridor_app::show_entity_in_case(s, &grant, &id, q.history))
        .await?;
    Ok(Json(view))
}

/// A page of the audit log.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditQuery {
    /// Entries after this sequence number (0 for the first page).
    #[serde(default)]
    after: i64,
    /// At most this many entries (1-1000, 100 when not given).
    limit: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "dpo", security(("token" = [])), params(AuditQuery),
    responses((status = 200, description = "Audit entries, oldest first"), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn audit(
    State(node): State<Node>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<corridor_store::AuditRecord>>, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::new(
            ErrorCode::BadInput,
            "limit takes 1 to 1000 entries a page",
        ));
    }
    let page = node.run(move |s| admin::audit_page(s, q.after, limit)).await?;
    Ok(Json(page))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "admin", security(("token" = [])),
    responses((status = 200, description = "The node's users (never their password hashes)"), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn users(State(node): State<Node>) -> Result<Json<Vec<access::UserView>>, ApiError> {
    Ok(Json(node.run(|s| access::users(s)).await?))
}

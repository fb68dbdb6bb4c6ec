//! The route table: every route of the API with the action it performs. The
//! router is built from it, each route behind the guard with its action, so a
//! route cannot be served without a policy; the authorisation matrix test and the
//! OpenAPI test both walk this table.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, delete, get, patch, post};
use corridor_access::Action;
use corridor_app::ErrorCode;

use crate::{ApiError, Node, api, guard};

/// One route: method, path (axum's syntax, as OpenAPI writes it) and action.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub action: Action,
}

const fn route(method: &'static str, path: &'static str, action: Action) -> RouteSpec {
    RouteSpec { method, path, action }
}

/// Every route the node serves.
pub const ROUTES: &[RouteSpec] = &[
    route("GET", "/api/v1/health", Action::Health),
    route("GET", "/api/v1/openapi.json", Action::ApiDescription),
    route("POST", "/api/v1/login", Action::LogIn),
    route("POST", "/api/v1/logout", Action::LogOut),
    route("GET", "/api/v1/me", Action::WhoAmI),
    route("GET", "/api/v1/purposes", Action::ListPurposes),
    route("GET", "/api/v1/search", Action::Search),
    route("GET", "/api/v1/entities/{id}", Action::ReadEntity),
    route("GET", "/api/v1/entities/{id}/explanation", Action::ExplainResolution),
    route("GET", "/api/v1/entities/{id}/documents", Action::ReadDocuments),
    route("POST", "/api/v1/statements/{id}/rectification", Action::Rectify),
    route("GET", "/api/v1/networks", Action::ReadNetworks),
    route("POST", "/api/v1/ingest", Action::Ingest),
    route("GET", "/api/v1/jobs/{id}", Action::Ingest),
    route("GET", "/api/v1/review", Action::ReadReviewQueue),
    route("POST", "/api/v1/review/decisions", Action::DecidePair),
    route(
        "POST",
        "/api/v1/review/protected-decisions",
        Action::DecideProtectedPair,
    ),
    route("GET", "/api/v1/parties/{id}/near", Action::ReadNetworks),
    route("GET", "/api/v1/parties/{id}/track", Action::ReadMovements),
    route("GET", "/api/v1/flows", Action::ReadMovements),
    route("GET", "/api/v1/exports", Action::DraftExport),
    route("POST", "/api/v1/exports", Action::DraftExport),
    route("POST", "/api/v1/exports/{id}/decision", Action::ApproveExport),
    route("GET", "/api/v1/exports/{id}/file", Action::DraftExport),
    route("GET", "/api/v1/audit", Action::ReadAuditLog),
    route("GET", "/api/v1/retention", Action::ReadRetentionQueue),
    route("GET", "/api/v1/retention/held", Action::ReadRetentionQueue),
    route("POST", "/api/v1/retention/erasures", Action::OrderErasure),
    route("POST", "/api/v1/retention/restrictions", Action::RestrictRecord),
    route("POST", "/api/v1/retention/lifts", Action::RestrictRecord),
    route("POST", "/api/v1/retention/subject-access", Action::SubjectAccessReport),
    route("GET", "/api/v1/case-retention", Action::ReadCaseRetention),
    route("POST", "/api/v1/case-retention/keeps", Action::DecideRetention),
    route("POST", "/api/v1/case-retention/erasures", Action::DecideRetention),
    route("GET", "/api/v1/users", Action::ManageUsers),
    route("POST", "/api/v1/users", Action::ManageUsers),
    route("PATCH", "/api/v1/users/{name}", Action::ManageUsers),
    route("GET", "/api/v1/tokens", Action::ManageTokens),
    route("POST", "/api/v1/tokens", Action::ManageTokens),
    route("DELETE", "/api/v1/tokens/{id}", Action::ManageTokens),
    route("GET", "/api/v1/cases", Action::ManageCases),
    route("POST", "/api/v1/cases", Action::ManageCases),
    route("POST", "/api/v1/cases/{name}/members", Action::ManageCases),
    route("POST", "/api/v1/cases/{name}/datasets", Action::ManageCases),
    route("POST", "/api/v1/purposes", Action::ManagePurposes),
    route("POST", "/api/v1/exchange", Action::PartnerMessage),
    route("GET", "/api/v1/partners", Action::ManagePartners),
    route("GET", "/api/v1/hits", Action::QueryPartners),
    route("POST", "/api/v1/hits", Action::QueryPartners),
    route("GET", "/api/v1/disclosures", Action::DraftDisclosure),
    route("POST", "/api/v1/disclosures", Action::DraftDisclosure),
    route("GET", "/api/v1/disclosure-requests", Action::ApproveDisclosure),
    route("GET", "/api/v1/disclosure-requests/{id}", Action::ApproveDisclosure),
    route(
        "POST",
        "/api/v1/disclosure-requests/{id}/decision",
        Action::ApproveDisclosure,
    ),
    route(
        "POST",
        "/api/v1/disclosure-requests/{id}/resend",
        Action::ApproveDisclosure,
    ),
];

/// The largest request body a route takes (uploads will have their own limit).
pub const MAX_BODY: usize = 1 << 20;

/// The handler of a route of the table.
fn handler(spec: &RouteSpec) -> MethodRouter<Node> {
    match (spec.method, spec.path) {
        ("GET", "/api/v1/health") => get(api::health),
        ("GET", "/api/v1/openapi.json") => get(api::openapi),
        ("POST", "/api/v1/login") => post(api::login),
        ("POST", "/api/v1/logout") => post(api::logout),
        ("GET", "/api/v1/me") => get(api::me),
        ("GET", "/api/v1/purposes") => get(api::purposes),
        ("GET", "/api/v1/search") => get(api::search),
        ("GET", "/api/v1/entities/{id}") => get(api::entity),
        ("GET", "/api/v1/entities/{id}/explanation") => get(api::explanation),
        ("GET", "/api/v1/entities/{id}/documents") => get(api::documents),
        ("POST", "/api/v1/statements/{id}/rectification") => post(crate::rectify::rectify),
        ("GET", "/api/v1/networks") => get(api::networks),
        // Uploads take their own limit, not the 1 MiB of every other body.
        ("POST", "/api/v1/ingest") => post(api::ingest).layer(DefaultBodyLimit::max(crate::jobs::MAX_UPLOAD as usize)),
        ("GET", "/api/v1/jobs/{id}") => get(api::job),
        ("GET", "/api/v1/review") => get(api::review),
        ("POST", "/api/v1/review/decisions") => post(api::decision),
        ("POST", "/api/v1/review/protected-decisions") => post(api::protected_decision),
        ("GET", "/api/v1/parties/{id}/near") => get(api::near),
        ("GET", "/api/v1/parties/{id}/track") => get(api::track),
        ("GET", "/api/v1/flows") => get(api::flows),
        ("GET", "/api/v1/exports") => get(crate::exports::list),
        ("POST", "/api/v1/exports") => post(crate::exports::draft),
        ("POST", "/api/v1/exports/{id}/decision") => post(crate::exports::decide),
        ("GET", "/api/v1/exports/{id}/file") => get(crate::exports::file),
        ("GET", "/api/v1/audit") => get(api::audit),
        ("GET", "/api/v1/retention") => get(api::retention),
        ("GET", "/api/v1/retention/held") => get(crate::retention::held),
        ("POST", "/api/v1/retention/erasures") => post(crate::retention::order_erasure),
        ("POST", "/api/v1/retention/restrictions") => post(crate::retention::restrict),
        ("POST", "/api/v1/retention/lifts") => post(crate::retention::lift),
        ("POST", "/api/v1/retention/subject-access") => post(crate::retention::subject_access),
        ("GET", "/api/v1/case-retention") => get(crate::retention::case_retention),
        ("POST", "/api/v1/case-retention/keeps") => post(crate::retention::keep),
        ("POST", "/api/v1/case-retention/erasures") => post(crate::retention::case_erasure),
        ("GET", "/api/v1/users") => get(api::users),
        ("POST", "/api/v1/users") => post(api::add_user),
        ("PATCH", "/api/v1/users/{name}") => patch(api::change_user),
        ("GET", "/api/v1/tokens") => get(api::tokens),
        ("POST", "/api/v1/tokens") => post(api::create_token),
        ("DELETE", "/api/v1/tokens/{id}") => delete(api::revoke_token),
        ("GET", "/api/v1/cases") => get(api::cases),
        ("POST", "/api/v1/cases") => post(api::add_case),
        ("POST", "/api/v1/cases/{name}/members") => post(api::case_member),
        ("POST", "/api/v1/cases/{name}/datasets") => post(api::case_data),
        ("POST", "/api/v1/purposes") => post(api::add_purpose),
        // A partner's message: up to the envelope's limit for what travels online.
        ("POST", "/api/v1/exchange") => {
            post(crate::exchange::message).layer(DefaultBodyLimit::max(crate::exchange::MAX_MESSAGE))
        }
        ("GET", "/api/v1/partners") => get(crate::partners::partners),
        ("GET", "/api/v1/hits") => get(crate::partners::hits),
        // A query holds up to 100,000 selectors.
        ("POST", "/api/v1/hits") => post(crate::partners::query).layer(DefaultBodyLimit::max(8 << 20)),
        ("GET", "/api/v1/disclosures") => get(crate::partners::disclosures),
        ("POST", "/api/v1/disclosures") => post(crate::partners::request),
        ("GET", "/api/v1/disclosure-requests") => get(crate::partners::received),
        ("GET", "/api/v1/disclosure-requests/{id}") => get(crate::partners::proposal),
        ("POST", "/api/v1/disclosure-requests/{id}/decision") => post(crate::partners::decide),
        ("POST", "/api/v1/disclosure-requests/{id}/resend") => post(crate::partners::resend),
        // The table and this match are kept together; a route in one and not the
        // other is a programming error that the router test catches at once.
        _ => get(unrouted),
    }
}

async fn unrouted() -> ApiError {
    ApiError::internal("this route has no handler")
}

async fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "no such route: see /api/v1/openapi.json for the API",
    )
}

async fn wrong_method() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "this route does not take that method: see /api/v1/openapi.json",
    )
}

/// The router: every route of [`ROUTES`] behind the guard with its action.
pub fn router(node: Node) -> Router {
    let mut router: Router<Node> = Router::new();
    let limit = node.request_limit;
    for spec in ROUTES {
        debug_assert!(spec.method.parse::<Method>().is_ok());
        let mut guarded = handler(spec).route_layer(from_fn_with_state((node.clone(), spec.action), guard::guard));
        // Every request is answered in time, but an upload, which takes as long as
        // the client's line does (its job runs apart and is polled).
        if spec.action != Action::Ingest || spec.method != "POST" {
            guarded = guarded.layer(axum::middleware::from_fn(
                move |req, next: axum::middleware::Next| async move {
                    match tokio::time::timeout(limit, next.run(req)).await {
                        Ok(response) => response,
                        Err(_) => axum::response::IntoResponse::into_response(ApiError::new(
                            ErrorCode::Busy,
                            "the node took too long to answer this request: try again, or narrow it",
                        )),
                    }
                },
            ));
        }
        router = router.route(spec.path, guarded);
    }
    router
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .with_state(node)
}

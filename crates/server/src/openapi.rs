//! The OpenAPI 3.1 document, generated from the handlers' annotations (utoipa), so
//! it cannot drift from the code; a test checks it names every route of the table.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api;

#[derive(OpenApi)]
#[openapi(
    info(title = "Corridor node API", description = "A Corridor node: cases, entities with provenance, networks, the audit log. Requests for case content name a case (Corridor-Case) and a purpose (Corridor-Purpose) and are logged."),
    paths(api::health, api::openapi, api::login, api::logout, api::me, api::purposes, api::search, api::entity, api::explanation, api::documents, crate::rectify::rectify, api::networks, api::near, api::track, api::flows, api::ingest, api::job, api::review, api::decision, api::protected_decision, crate::exports::list, crate::exports::draft, crate::exports::decide, crate::exports::file, api::audit, api::retention, crate::retention::held, crate::retention::order_erasure, crate::retention::restrict, crate::retention::lift, crate::retention::subject_access, crate::retention::case_retention, crate::retention::keep, crate::retention::case_erasure, api::users, api::add_user, api::change_user, api::tokens, api::create_token, api::revoke_token, api::cases, api::add_case, api::case_member, api::case_data, api::add_purpose, crate::exchange::message, crate::partners::partners, crate::partners::hits, crate::partners::query, crate::partners::disclosures, crate::partners::request, crate::partners::received, crate::partners::proposal, crate::partners::decide, crate::partners::resend),
    components(schemas(crate::ApiError)),
    modifiers(&Security)
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// This API's OpenAPI document.
pub fn api_description() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

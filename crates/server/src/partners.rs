//! Routes of exchanges with partner nodes for the node's users: the partners
//! (administrator), a case's selector queries and their hits, its disclosure
//! requests, and partners' requests for the supervisor who decides them. A
//! query, a request and a decision go to the partner online (HTTPS, the CAs of
//! `--partner-ca`); the store's part of each runs on the store's thread, the
//! exchange itself between, so no partner's slowness holds the node's store.
//! The use cases and their order are `corridor_app::online`'s.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use corridor_access::Grant;
use corridor_app::ErrorCode;
use corridor_app::disclosure::{Choice, DisclosureView, Proposal};
use corridor_app::exchange::PartnerView;
use corridor_app::hits::Received;
use corridor_app::online::{self, Outgoing, QueryOrder};
use serde::Deserialize;

use crate::extract::{ApiJson, ApiPath};
use crate::{ApiError, Node};

fn key_of(node: &Node) -> Result<std::sync::Arc<corridor_store::NodeKey>, ApiError> {
    node.key.clone().ok_or_else(|| {
        ApiError::new(
            ErrorCode::Busy,
            "this node was started without its node key: partners know a node by its key",
        )
    })
}

/// Carries a message to its partner, off the store's thread.
async fn carry(node: &Node, out: &Outgoing) -> Result<String, ApiError> {
    let trust = node.partner_trust.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::PartnerUnavailable,
            "this node was started without --partner-ca: it cannot check partners' certificates, so it exchanges by files only",
        )
    })?;
    let reply = corridor_transport::post_async(&out.address, trust, &out.message)
        .await
        .map_err(|e| ApiError::from(corridor_app::Error::Partner(e.to_string())))?;
    Ok(online::reply_body(&out.partner, (reply.status, reply.body))?)
}

fn session(grant: &Grant) -> Result<corridor_app::Session, ApiError> {
    Ok(corridor_app::access::session_of(grant)?)
}

fn case_of(grant: &Grant) -> Result<String, ApiError> {
    grant
        .case()
        .map(|c| c.name.clone())
        .ok_or_else(|| ApiError::new(ErrorCode::BadInput, "name the case (Corridor-Case)"))
}

#[utoipa::path(get, path = "/api/v1/partners", tag = "partners", security(("token" = [])),
    responses((status = 200, description = "The node's partners, revoked ones included, with their agreements"),
        (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn partners(State(node): State<Node>) -> Result<Json<Vec<PartnerView>>, ApiError> {
    Ok(Json(node.run(|s| corridor_app::exchange::partners(s)).await?))
}

#[utoipa::path(get, path = "/api/v1/hits", tag = "partners", security(("token" = [])),
    params(("Corridor-Case" = String, Header, description = "The case"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, description = "The case's selector queries to partners, newest first, with their hits"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn hits(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
) -> Result<Json<Vec<corridor_store::HitQueryRecord>>, ApiError> {
    let case = case_of(&grant)?;
    Ok(Json(node.run(move |s| corridor_app::hits::queries(s, &[case])).await?))
}

/// A selector query to a partner.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct HitQueryBody {
    /// The partner's name at this node.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    partner: String,
    /// phone, travel-document, plate, iban or vessel; person-identity for people
    /// (each selector then `NAME;YYYY-MM-DD`).
    #[schema(pattern = "^(phone|travel-document|plate|iban|vessel|person-identity)$")]
    kind: String,
    /// The selectors, as written (each is normalised as the partner does).
    #[schema(min_items = 1, max_items = 100000)]
    selectors: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/hits", tag = "partners", security(("token" = [])), request_body = HitQueryBody,
    params(("Corridor-Case" = String, Header, description = "The case"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, as the agreement names it")),
    responses((status = 200, description = "The hits: which of the selectors the partner holds, each with its opaque reference"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 413, body = ApiError),
        (status = 502, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn query(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<HitQueryBody>,
) -> Result<Json<Received>, ApiError> {
    let key = key_of(&node)?;
    let session = session(&grant)?;
    let order = QueryOrder {
        case: case_of(&grant)?,
        purpose: grant.purpose().unwrap_or_default().to_string(),
        partner: body.partner,
        kind: body
            .kind
            .parse::<corridor_exchange::SelectorKind>()
            .map_err(|e| ApiError::new(ErrorCode::BadInput, e.to_string()))?,
        lines: body.selectors,
    };
    let now = chrono::Utc::now;
    let (k, o) = (key.clone(), order.clone());
    let tags = match node.run(move |s| online::query_tags(s, &k, &o, now())).await? {
        Some(ask) => Some(carry(&node, &ask).await?),
        None => None,
    };
    let (k, o, sess) = (key.clone(), order.clone(), session.clone());
    let query = node
        .run(move |s| online::query_send(s, &k, &sess, &o, tags.as_deref(), now()))
        .await?;
    let answer = carry(&node, &query).await?;
    Ok(Json(
        node.run(move |s| online::query_finish(s, &key, &session, &order, &answer, now()))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/disclosures", tag = "partners", security(("token" = [])),
    params(("Corridor-Case" = String, Header, description = "The case"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, description = "The case's requests to partners for the records behind hits, newest first"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn disclosures(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
) -> Result<Json<Vec<DisclosureView>>, ApiError> {
    let case = case_of(&grant)?;
    Ok(Json(
        node.run(move |s| corridor_app::disclosure::list(s, false, &[case], chrono::Utc::now()))
            .await?,
    ))
}

/// A request for the record behind a hit.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DisclosureRequestBody {
    /// The partner's reference of the hit, as the hits list gives it.
    #[schema(min_length = 1, max_length = 128)]
    hit: String,
    /// The legal basis relied on.
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    legal_basis: String,
}

#[utoipa::path(post, path = "/api/v1/disclosures", tag = "partners", security(("token" = [])), request_body = DisclosureRequestBody,
    params(("Corridor-Case" = String, Header, description = "The case whose query found the hit"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 201, description = "Asked: the partner keeps it for its approver, who answers by the deadline"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 413, body = ApiError),
        (status = 502, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn request(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<DisclosureRequestBody>,
) -> Result<(StatusCode, Json<DisclosureView>), ApiError> {
    let key = key_of(&node)?;
    let session = session(&grant)?;
    let case = case_of(&grant)?;
    let actor = session.clone();
    let (view, out) = node
        .run(move |s| {
            online::disclosure_request(
                s,
                &key,
                &session,
                (&case, &body.hit, &body.legal_basis),
                chrono::Utc::now(),
            )
        })
        .await?;
    if let Err(e) = carry(&node, &out).await {
        // Not pending any more: a new request may be made for the hit.
        let failed = corridor_app::Error::Partner(e.message.clone());
        let v = view.clone();
        node.run(move |s| online::not_delivered(s, &actor, &v, &failed)).await?;
        return Err(e);
    }
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/api/v1/disclosure-requests", tag = "partners", security(("token" = [])),
    responses((status = 200, description = "Partners' requests for records of this node, newest first, overdue ones marked"),
        (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn received(State(node): State<Node>) -> Result<Json<Vec<DisclosureView>>, ApiError> {
    Ok(Json(
        node.run(|s| corridor_app::disclosure::list(s, true, &[], chrono::Utc::now()))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/disclosure-requests/{id}", tag = "partners", security(("token" = [])),
    params(("id" = String, Path, description = "The request's reference")),
    responses((status = 200, description = "What would go: the records behind the hit, every statement with its id (a logged read)"),
        (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn proposal(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(reference): ApiPath<String>,
) -> Result<Json<Proposal>, ApiError> {
    let session = session(&grant)?;
    Ok(Json(
        node.run(move |s| corridor_app::disclosure::proposal(s, &session, &reference, chrono::Utc::now()))
            .await?,
    ))
}

/// A decision on a partner's request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DisclosureDecisionBody {
    /// approve or refuse.
    #[schema(pattern = "^(approve|refuse)$")]
    decision: String,
    /// Approve only these statements (ids as the proposal lists them). Read as
    /// JSON numbers: `3.0` is the integer 3, as JSON Schema has it.
    #[serde(default)]
    #[schema(value_type = Option<Vec<i64>>, max_items = 100000)]
    only: Option<Vec<f64>>,
    /// Why (required to refuse and to approve in part).
    #[serde(default)]
    #[schema(max_length = 1000)]
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/disclosure-requests/{id}/decision", tag = "partners", security(("token" = [])),
    request_body = DisclosureDecisionBody, params(("id" = String, Path, description = "The request's reference")),
    responses((status = 200, description = "Decided, logged, and the answer delivered (approved records sealed to the requester)"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 413, body = ApiError),
        (status = 502, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn decide(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(reference): ApiPath<String>,
    ApiJson(body): ApiJson<DisclosureDecisionBody>,
) -> Result<Json<DisclosureView>, ApiError> {
    let key = key_of(&node)?;
    let session = session(&grant)?;
    let refuse = match body.decision.as_str() {
        "approve" => false,
        "refuse" => true,
        _ => return Err(ApiError::new(ErrorCode::BadInput, "decision is approve or refuse")),
    };
    let only: Option<Vec<i64>> = body
        .only
        .map(|ids| {
            ids.into_iter()
                .map(|n| {
                    // A whole number outside i64 saturates: it names no statement,
                    // and the decision says so (after the request is found).
                    (n.fract() == 0.0)
                        .then_some(n as i64)
                        .ok_or_else(|| ApiError::new(ErrorCode::BadInput, "only lists statement ids: whole numbers"))
                })
                .collect::<Result<Vec<i64>, ApiError>>()
        })
        .transpose()?;
    let (view, out) = node
        .run(move |s| {
            let choice = if refuse {
                Choice::Refuse
            } else {
                Choice::Approve { only: only.as_deref() }
            };
            online::decision(
                s,
                &key,
                &session,
                (&reference, choice, &body.reason),
                chrono::Utc::now(),
            )
        })
        .await?;
    match carry(&node, &out).await {
        Ok(_) => Ok(Json(view)),
        Err(e) => Err(ApiError::from(online::undelivered(
            &view,
            &corridor_app::Error::Partner(e.message),
        ))),
    }
}

/// Sending an answer again takes nothing but its reference (an empty object).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DisclosureResendBody {}

#[utoipa::path(post, path = "/api/v1/disclosure-requests/{id}/resend", tag = "partners", security(("token" = [])),
    request_body = DisclosureResendBody, params(("id" = String, Path, description = "The request's reference")),
    responses((status = 200, description = "The answer kept for the decided request, sealed anew and delivered"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 413, body = ApiError),
        (status = 502, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn resend(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(reference): ApiPath<String>,
    ApiJson(_body): ApiJson<DisclosureResendBody>,
) -> Result<Json<DisclosureView>, ApiError> {
    let key = key_of(&node)?;
    let session = session(&grant)?;
    let (view, out) = node
        .run(move |s| {
            let (envelope, view) = corridor_app::disclosure::resend(s, &key, &session, &reference, chrono::Utc::now())?;
            let partner = corridor_app::exchange::partner(s, &view.partner)?;
            let out = online::outgoing_of(&partner, &envelope)?;
            Ok((view, out))
        })
        .await?;
    carry(&node, &out).await?;
    Ok(Json(view))
}

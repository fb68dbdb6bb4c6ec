//! The handlers: each takes the grant the guard made, calls one use case of
//! `corridor-app` on the store's thread, and answers JSON.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use corridor_access::{Grant, Principal, Role};
use corridor_app::{ErrorCode, access, admin};
use corridor_model::HandlingCode;
use serde::{Deserialize, Serialize};

use crate::extract::{ApiJson, ApiMultipart, ApiPath, ApiQuery};
use crate::{ApiError, Node, sessions};

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

impl From<&Principal> for Me {
    fn from(p: &Principal) -> Me {
        Me {
            name: p.name.clone(),
            role: p.role,
            clearance: p.clearance,
            cases: p.cases.iter().map(|c| c.name.clone()).collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/me", tag = "access", security(("token" = [])),
    responses((status = 200, body = Me), (status = 400, body = ApiError), (status = 401, body = ApiError)))]
pub(crate) async fn me(Extension(grant): Extension<Grant>) -> Result<Json<Me>, ApiError> {
    let p = grant
        .principal()
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated, "log in first"))?;
    Ok(Json(Me::from(p)))
}

/// The client's address, when the server knows it (not in tests without a socket).
pub(crate) struct ClientAddr(Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(ClientAddr(
            parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()),
        ))
    }
}

/// A user name and password.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LoginRequest {
    user: String,
    password: String,
}

/// A browser session opened: the user, and the CSRF token to send back as
/// `X-CSRF-Token` with every change.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct LoggedIn {
    user: Me,
    csrf_token: String,
}

#[utoipa::path(post, path = "/api/v1/login", tag = "access", request_body = LoginRequest,
    responses((status = 200, description = "Logged in; the session cookie is set", body = LoggedIn),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 429, body = ApiError)))]
pub(crate) async fn login(
    State(node): State<Node>,
    ClientAddr(client): ClientAddr,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    if !node.sessions.allow_login(client) {
        return Err(ApiError::new(
            ErrorCode::RateLimited,
            "too many login attempts from this address: wait a minute",
        ));
    }
    if body.user.len() > 256 || body.password.len() > 4096 {
        return Err(ApiError::new(
            ErrorCode::BadInput,
            "the user name or password is too long",
        ));
    }
    let now = chrono::Utc::now();
    let LoginRequest { user, password } = body;
    let candidate = node.run(move |s| access::begin_log_in(s, &user, now)).await?;
    // The slow Argon2 step runs apart from the store's lock.
    let (candidate, ok) = tokio::task::spawn_blocking(move || {
        let ok = candidate.verify(&password);
        (candidate, ok)
    })
    .await
    .map_err(|_| ApiError::internal("the login's worker stopped"))?;
    let principal = node.run(move |s| access::finish_log_in(s, &candidate, ok, now)).await?;
    // The session counts from before the password was checked: a password changed
    // while this login was under way ends it.
    let (id, csrf) = node
        .sessions
        .open(principal.user_id, now)
        .map_err(|_| ApiError::internal("no randomness for a session id"))?;
    let mut response = Json(LoggedIn {
        user: Me::from(&principal),
        csrf_token: csrf,
    })
    .into_response();
    let cookie = HeaderValue::from_str(&sessions::set_cookie(Some(&id), node.tls))
        .map_err(|_| ApiError::internal("a session cookie that is not a header"))?;
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

#[utoipa::path(post, path = "/api/v1/logout", tag = "access", security(("token" = [])),
    responses((status = 200, description = "The session is closed and its cookie cleared"), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn logout(State(node): State<Node>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(cookie) = crate::guard::header(&headers, "cookie")?
        && let Some(id) = sessions::cookie_value(&cookie)
    {
        node.sessions.close(id);
    }
    let mut response = Json(serde_json::json!({"logged_out": true})).into_response();
    let cookie = HeaderValue::from_str(&sessions::set_cookie(None, node.tls))
        .map_err(|_| ApiError::internal("a cookie that is not a header"))?;
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// A purpose requests may name.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Purpose {
    id: String,
    description: String,
}

#[utoipa::path(get, path = "/api/v1/purposes", tag = "access", security(("token" = [])),
    responses((status = 200, body = [Purpose]), (status = 400, body = ApiError), (status = 401, body = ApiError)))]
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
#[into_params(parameter_in = Query)]
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
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<EntityQuery>,
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

#[utoipa::path(get, path = "/api/v1/entities/{id}/documents", tag = "case", security(("token" = [])),
    params(("id" = String, Path, description = "dataset:record:name of a person record"),
        ("Corridor-Case" = String, Header, description = "The case the person is read for"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, description = "The person's travel documents in the case (theirs and those of the case's other records of the same person), each with its statements' provenance, filtered by clearance, and the findings of the document checks: MRZ check digits, expiry, stolen/lost lists, number reuse"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn documents(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<corridor_app::CaseDocuments>, ApiError> {
    if id.len() > 1024 {
        return Err(ApiError::new(
            ErrorCode::BadInput,
            "an entity id is at most 1,024 bytes",
        ));
    }
    Ok(Json(
        node.run(move |s| corridor_app::documents_in_case(s, &grant, &id))
            .await?,
    ))
}

/// The other record of the pair to explain.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExplainQuery {
    /// The other person record (dataset:record:name).
    #[param(min_length = 1, max_length = 1024)]
    with: String,
}

#[utoipa::path(get, path = "/api/v1/entities/{id}/explanation", tag = "case", security(("token" = [])),
    params(("id" = String, Path, description = "dataset:record:name of a person record"), ExplainQuery,
        ("Corridor-Case" = String, Header, description = "The case both records are read for"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, description = "Why the two records scored what they did under the latest resolution's model: each comparison's level, m and u, and weight (a waterfall), the match weight and probability"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn explanation(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<ExplainQuery>,
) -> Result<Json<corridor_app::resolution::Explanation>, ApiError> {
    if id.len() > 1024 || q.with.len() > 1024 {
        return Err(ApiError::new(
            ErrorCode::BadInput,
            "an entity id is at most 1,024 bytes",
        ));
    }
    let explained = node
        .run(move |s| corridor_app::resolution::explain_in_case(s, &grant, &id, &q.with))
        .await?;
    Ok(Json(explained))
}

/// A page of the audit log.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditQuery {
    /// Entries after this sequence number (0 for the first page).
    #[serde(default)]
    after: i64,
    /// At most this many entries (1-1000, 100 when not given).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "dpo", security(("token" = [])), params(AuditQuery),
    responses((status = 200, description = "Audit entries, oldest first"), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn audit(
    State(node): State<Node>,
    ApiQuery(q): ApiQuery<AuditQuery>,
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
    responses((status = 200, description = "The node's users (never their password hashes)"), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn users(State(node): State<Node>) -> Result<Json<Vec<access::UserView>>, ApiError> {
    Ok(Json(node.run(|s| access::users(s)).await?))
}

/// Which evidence a network listing uses, within the reader's case and clearance.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct NetworkParams {
    /// Only evidence dated on or after this day.
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Only evidence dated on or before this day (a window that ends before it
    /// starts holds nothing).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// Only evidence graded at least this well on both axes, such as B2.
    #[param(pattern = "^[ABCX][1-4]$")]
    min_grading: Option<String>,
    /// Only these kinds of link, comma-separated.
    #[param(pattern = "^(relation|payment|selector|event)(,(relation|payment|selector|event))*$")]
    kinds: Option<String>,
    /// Smallest network listed (1-1000, 3 when not given).
    #[param(minimum = 1, maximum = 1000)]
    min_size: Option<usize>,
}

/// A parameter given must say something: an empty one is refused, not read as
/// "any" (a form that sent `kinds=` meant something else).
fn given(name: &str, v: &Option<String>) -> Result<Option<String>, ApiError> {
    match v.as_deref().map(str::trim) {
        Some("") => Err(ApiError::new(
            ErrorCode::BadInput,
            format!("{name} is empty: give a value, or leave it out"),
        )),
        other => Ok(other.map(str::to_string)),
    }
}

impl NetworkParams {
    fn query(&self) -> Result<corridor_app::network::NetworkQuery, ApiError> {
        let mut q = corridor_app::network::NetworkQuery {
            from: given("from", &self.from)?,
            to: given("to", &self.to)?,
            min_grading: given("min_grading", &self.min_grading)?,
            kinds: given("kinds", &self.kinds)?
                .map(|k| k.split(',').map(|x| x.trim().to_string()).collect())
                .unwrap_or_default(),
            ..Default::default()
        };
        if let Some(n) = self.min_size {
            if !(1..=1000).contains(&n) {
                return Err(ApiError::new(ErrorCode::BadInput, "min_size takes 1 to 1000"));
            }
            q.min_size = n;
        }
        Ok(q)
    }

    /// Whether the window holds no day at all (both bounds are checked days).
    fn empty_window(q: &corridor_app::network::NetworkQuery) -> bool {
        matches!((&q.from, &q.to), (Some(f), Some(t)) if t < f)
    }
}

#[utoipa::path(get, path = "/api/v1/networks", tag = "case", security(("token" = [])),
    params(NetworkParams,
        ("Corridor-Case" = String, Header, description = "The case whose data sets the networks are drawn from"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, description = "The networks found over the case's evidence the reader may see, largest first"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn networks(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiQuery(params): ApiQuery<NetworkParams>,
) -> Result<Json<corridor_app::network::NetworkListing>, ApiError> {
    let query = params.query()?;
    if NetworkParams::empty_window(&query) {
        // Nothing is read: no evidence falls in a window that ends before it starts.
        // Each bound must still be a day of the calendar, and the rest well formed.
        let alone = |from: Option<String>, to: Option<String>| corridor_app::network::NetworkQuery {
            from,
            to,
            ..query.clone()
        };
        alone(query.from.clone(), None).filter()?;
        alone(None, query.to.clone()).filter()?;
        return Ok(Json(corridor_app::network::NetworkListing {
            parties: 0,
            links: 0,
            components: 0,
            modularity: 0.0,
            networks: Vec::new(),
        }));
    }
    let listing = node
        .run_graphs(move |store, cache| {
            let (session, query) = corridor_app::network::scope(&*store, &grant, &query)?;
            let view = cache.open(store, &session, &query)?;
            Ok(corridor_app::network::listing(&view))
        })
        .await?;
    Ok(Json(listing))
}

/// How far to look around a party.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct NearParams {
    /// Links away (1-3, 1 when not given).
    #[param(minimum = 1, maximum = 3)]
    hops: Option<usize>,
}

/// A party near another.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Neighbour {
    id: String,
    name: String,
    hops: usize,
    /// The kinds of the direct link, when there is one.
    linked_by: Vec<String>,
    protected: bool,
}

#[utoipa::path(get, path = "/api/v1/parties/{id}/near", tag = "case", security(("token" = [])),
    params(("id" = String, Path, description = "An identity id or a record id (dataset:record:name)"), NearParams,
        ("Corridor-Case" = String, Header, description = "The case"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, body = [Neighbour]), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn near(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<NearParams>,
) -> Result<Json<Vec<Neighbour>>, ApiError> {
    let hops = params.hops.unwrap_or(1);
    if !(1..=3).contains(&hops) || id.len() > 1024 {
        return Err(ApiError::new(
            ErrorCode::BadInput,
            "hops takes 1 to 3, and an id is at most 1,024 bytes",
        ));
    }
    let near = node
        .run_graphs(move |store, cache| {
            let base = corridor_app::network::NetworkQuery {
                parties: vec![id.clone()],
                ..Default::default()
            };
            let (session, query) = corridor_app::network::scope(&*store, &grant, &base)?;
            let view = cache.open(store, &session, &query)?;
            let found = view.near(&id, hops)?;
            Ok(found
                .into_iter()
                .map(|n| {
                    let p = &view.graph.nodes[n.party as usize];
                    Neighbour {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        hops: n.hops,
                        linked_by: n.linked_by.iter().map(|k| k.as_str().to_string()).collect(),
                        protected: p.is_protected(),
                    }
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(near))
}

#[utoipa::path(get, path = "/api/v1/review", tag = "case", security(("token" = [])),
    params(("Corridor-Case" = String, Header, description = "The case"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, description = "Pairs of the case's records held for an analyst's decision, with why; protected ones are a supervisor's"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn review(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
) -> Result<Json<Vec<corridor_app::resolution::CaseReviewPair>>, ApiError> {
    Ok(Json(
        node.run(move |s| corridor_app::resolution::review_in_case(s, &grant))
            .await?,
    ))
}

/// Confirm that two records are one person, or reject it.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DecisionWord {
    Confirm,
    Reject,
}

/// A decision on a pair of records, with its reason.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecisionRequest {
    /// A record id (dataset:record:name).
    #[schema(max_length = 1024)]
    a: String,
    #[schema(max_length = 1024)]
    b: String,
    decision: DecisionWord,
    /// Why: kept with the decision and in the audit log; printable text with at
    /// least one character that is not a space.
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    reason: String,
}

/// Whether the two records are one identity after the decision (the identities'
/// ids are not given: one may be named by another case's record).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct DecisionOutcome {
    joined: bool,
}

async fn decide(node: Node, grant: Grant, body: DecisionRequest) -> Result<Json<DecisionOutcome>, ApiError> {
    if body.a.len() > 1024 || body.b.len() > 1024 || body.reason.chars().count() > 1000 {
        return Err(ApiError::new(
            ErrorCode::BadInput,
            "record ids are at most 1,024 bytes and a reason at most 1,000 characters",
        ));
    }
    let decision = match body.decision {
        DecisionWord::Confirm => corridor_app::resolution::Decision::Confirm,
        DecisionWord::Reject => corridor_app::resolution::Decision::Reject,
    };
    if body.reason.chars().any(char::is_control) {
        return Err(ApiError::new(
            ErrorCode::BadInput,
            "the reason contains a control character: give printable text (it goes into the audit log)",
        ));
    }
    let reason = body.reason.trim().to_string();
    let decided = node
        .run(move |s| corridor_app::resolution::decide_in_case(s, &grant, &body.a, &body.b, decision, &reason))
        .await?;
    Ok(Json(DecisionOutcome {
        joined: decided.joined(),
    }))
}

#[utoipa::path(post, path = "/api/v1/review/decisions", tag = "case", security(("token" = [])),
    request_body = DecisionRequest,
    params(("Corridor-Case" = String, Header, description = "The case"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, body = DecisionOutcome), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 413, body = ApiError)))]
pub(crate) async fn decision(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> Result<Json<DecisionOutcome>, ApiError> {
    decide(node, grant, body).await
}

#[utoipa::path(post, path = "/api/v1/review/protected-decisions", tag = "case", security(("token" = [])),
    request_body = DecisionRequest,
    params(("Corridor-Case" = String, Header, description = "The case"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, body = DecisionOutcome), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 413, body = ApiError)))]
pub(crate) async fn protected_decision(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> Result<Json<DecisionOutcome>, ApiError> {
    decide(node, grant, body).await
}

/// Which records of the retention queue to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct RetentionParams {
    /// Only records due on or before this day (every record when not given).
    #[param(value_type = Option<String>, format = Date)]
    due: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/retention", tag = "dpo", security(("token" = [])), params(RetentionParams),
    responses((status = 200, description = "Persons' records due for review, without content: opaque ids, categories, dates, agencies"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn retention(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiQuery(params): ApiQuery<RetentionParams>,
) -> Result<Json<Vec<corridor_app::RetentionItem>>, ApiError> {
    let due = params
        .due
        .as_deref()
        .map(|d| corridor_app::parse_day(d, "due"))
        .transpose()?;
    let session = access::session_of(&grant)?;
    Ok(Json(
        node.run(move |s| corridor_app::retention_queue(s, &session, due))
            .await?,
    ))
}

/// A user to add.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewUserRequest {
    /// 1-64 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    name: String,
    #[schema(value_type = String, pattern = "^(analyst|supervisor|dpo|admin)$")]
    role: Role,
    /// H0-H3 (H1 when not given).
    #[schema(value_type = Option<String>, pattern = "^H[0-3]$")]
    clearance: Option<HandlingCode>,
    /// At least 12 characters, no control characters, not one character repeated.
    #[schema(
        min_length = 12,
        max_length = 1024,
        pattern = "^(?!(.)\\1*$)[^\\u0000-\\u001f\\u007f-\\u009f]+$"
    )]
    password: String,
}

/// What an administrator changes about a user; each field given is applied.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UserChangeRequest {
    #[schema(value_type = Option<String>, pattern = "^(analyst|supervisor|dpo|admin)$")]
    role: Option<Role>,
    #[schema(value_type = Option<String>, pattern = "^H[0-3]$")]
    clearance: Option<HandlingCode>,
    disabled: Option<bool>,
    /// Lift a lock-out after failed logins.
    unlock: Option<bool>,
    /// A new password (lifts a lock-out); the rules of a new user's.
    #[schema(
        min_length = 12,
        max_length = 1024,
        pattern = "^(?!(.)\\1*$)[^\\u0000-\\u001f\\u007f-\\u009f]+$"
    )]
    password: Option<String>,
}

fn admin_session(grant: &Grant) -> Result<corridor_app::Session, ApiError> {
    Ok(access::session_of(grant)?)
}

#[utoipa::path(post, path = "/api/v1/users", tag = "admin", security(("token" = [])), request_body = NewUserRequest,
    responses((status = 200, description = "The user added"), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 409, body = ApiError), (status = 413, body = ApiError)))]
pub(crate) async fn add_user(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<NewUserRequest>,
) -> Result<Json<access::UserView>, ApiError> {
    let session = admin_session(&grant)?;
    let NewUserRequest {
        name,
        role,
        clearance,
        password,
    } = body;
    // The Argon2 hash is made inside the use case, on the store's thread.
    Ok(Json(
        node.run(move |s| {
            let clearance = clearance.map(|c| c.to_string());
            access::add_user(s, &session, &name, role.as_str(), clearance.as_deref(), &password)
        })
        .await?,
    ))
}

#[utoipa::path(patch, path = "/api/v1/users/{name}", tag = "admin", security(("token" = [])),
    params(("name" = String, Path, description = "The user")), request_body = UserChangeRequest,
    responses((status = 200, description = "The user as changed"), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 413, body = ApiError)))]
pub(crate) async fn change_user(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(name): ApiPath<String>,
    ApiJson(body): ApiJson<UserChangeRequest>,
) -> Result<Json<access::UserView>, ApiError> {
    let session = admin_session(&grant)?;
    let sessions = node.sessions.clone();
    let (view, changed) = node
        .run(move |s| {
            let role = body.role.map(|r| r.as_str());
            let clearance = body.clearance.map(|c| c.to_string());
            let mut edits = Vec::new();
            edits.extend(role.map(access::UserEdit::Role));
            edits.extend(clearance.as_deref().map(access::UserEdit::Clearance));
            edits.extend(body.disabled.map(|d| {
                if d {
                    access::UserEdit::Disable
                } else {
                    access::UserEdit::Enable
                }
            }));
            edits.extend((body.unlock == Some(true)).then_some(access::UserEdit::Unlock));
            edits.extend(body.password.as_deref().map(access::UserEdit::Reset));
            // All checked before any is made: bad input changes nothing.
            let view = access::edit_user_all(s, &session, &name, &edits)?;
            let id = corridor_store::Directory::user(&*s, &name)?.map(|u| u.id);
            Ok((view, id.filter(|_| !edits.is_empty())))
        })
        .await?;
    // A changed user logs in again in the browser: their sessions end.
    if let Some(id) = changed {
        sessions.close_user(id);
    }
    Ok(Json(view))
}

/// A token to make.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewTokenRequest {
    user: String,
    /// Days until it expires (1-366; 366 when not given).
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 366)]
    days: Option<f64>,
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "admin", security(("token" = [])), request_body = NewTokenRequest,
    responses((status = 200, description = "The token, shown this once"), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 413, body = ApiError)))]
pub(crate) async fn create_token(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<NewTokenRequest>,
) -> Result<Json<access::IssuedToken>, ApiError> {
    let session = admin_session(&grant)?;
    Ok(Json(
        node.run(move |s| {
            // JSON has one number type: 7 and 7.0 are the same number of days.
            let days = match body.days {
                None => None,
                Some(d) if d.fract() == 0.0 && (1.0..=366.0).contains(&d) => Some(d as u32),
                Some(_) => {
                    return Err(corridor_app::Error::BadInput(
                        "days takes a whole number from 1 to 366".into(),
                    ));
                }
            };
            access::create_token(s, &session, &body.user, days, chrono::Utc::now())
        })
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "admin", security(("token" = [])),
    responses((status = 200, description = "Tokens: ids, users, dates; never their secrets"), (status = 400, body = ApiError),
        (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn tokens(State(node): State<Node>) -> Result<Json<Vec<corridor_store::TokenRecord>>, ApiError> {
    Ok(Json(node.run(|s| access::tokens(s)).await?))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "admin", security(("token" = [])),
    params(("id" = i64, Path, description = "The token's id")),
    responses((status = 200, description = "Revoked for good"), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn revoke_token(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let session = admin_session(&grant)?;
    node.run(move |s| access::revoke_token(s, &session, id)).await?;
    Ok(Json(serde_json::json!({"revoked": id})))
}

/// A case to open.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewCaseRequest {
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    name: String,
    #[serde(default)]
    #[schema(max_length = 1000, pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$")]
    description: String,
}

#[utoipa::path(get, path = "/api/v1/cases", tag = "admin", security(("token" = [])),
    responses((status = 200, description = "Cases with their members and data sets"), (status = 400, body = ApiError),
        (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn cases(State(node): State<Node>) -> Result<Json<Vec<corridor_store::CaseRecord>>, ApiError> {
    Ok(Json(node.run(|s| access::cases(s)).await?))
}

#[utoipa::path(post, path = "/api/v1/cases", tag = "admin", security(("token" = [])), request_body = NewCaseRequest,
    responses((status = 200, description = "Opened"), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 409, body = ApiError), (status = 413, body = ApiError)))]
pub(crate) async fn add_case(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<NewCaseRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let session = admin_session(&grant)?;
    let name = body.name.clone();
    node.run(move |s| access::add_case(s, &session, &body.name, &body.description))
        .await?;
    Ok(Json(serde_json::json!({"case": name})))
}

/// A member to add to a case or take out of it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MembershipRequest {
    user: String,
    member: bool,
}

#[utoipa::path(post, path = "/api/v1/cases/{name}/members", tag = "admin", security(("token" = [])),
    params(("name" = String, Path, description = "The case")), request_body = MembershipRequest,
    responses((status = 200, description = "Done"), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 413, body = ApiError)))]
pub(crate) async fn case_member(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(name): ApiPath<String>,
    ApiJson(body): ApiJson<MembershipRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let session = admin_session(&grant)?;
    node.run(move |s| access::set_case_member(s, &session, &name, &body.user, body.member))
        .await?;
    Ok(Json(serde_json::json!({"done": true})))
}

/// A data set to put into a case.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CaseDataRequest {
    dataset: String,
}

#[utoipa::path(post, path = "/api/v1/cases/{name}/datasets", tag = "admin", security(("token" = [])),
    params(("name" = String, Path, description = "The case")), request_body = CaseDataRequest,
    responses((status = 200, description = "Done"), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 413, body = ApiError)))]
pub(crate) async fn case_data(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(name): ApiPath<String>,
    ApiJson(body): ApiJson<CaseDataRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let session = admin_session(&grant)?;
    node.run(move |s| access::add_case_data(s, &session, &name, &body.dataset))
        .await?;
    Ok(Json(serde_json::json!({"done": true})))
}

/// A purpose to define.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewPurposeRequest {
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    id: String,
    /// What the purpose allows: printable text.
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    description: String,
}

#[utoipa::path(post, path = "/api/v1/purposes", tag = "admin", security(("token" = [])), request_body = NewPurposeRequest,
    responses((status = 200, description = "Defined"), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 409, body = ApiError), (status = 413, body = ApiError)))]
pub(crate) async fn add_purpose(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiJson(body): ApiJson<NewPurposeRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let session = admin_session(&grant)?;
    let id = body.id.clone();
    node.run(move |s| access::add_purpose(s, &session, &body.id, &body.description))
        .await?;
    Ok(Json(serde_json::json!({"purpose": id})))
}

/// What to search for.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchParams {
    /// A name in any script, or a selector: a phone, a travel-document number, a
    /// plate, an IBAN, an IMO or MMSI number.
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    q: String,
}

#[utoipa::path(get, path = "/api/v1/search", tag = "case", security(("token" = [])),
    params(SearchParams,
        ("Corridor-Case" = String, Header, description = "The case searched in"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, description = "The case's matches, best first, each with why it matched; the other cases that hold matches and whom to ask"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub(crate) async fn search(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<corridor_app::search::SearchResult>, ApiError> {
    Ok(Json(
        node.run_search(move |store, index| corridor_app::search::search(index, store, &grant, &params.q))
            .await?,
    ))
}

/// A party's movements: the located events it was part of, in time order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Track {
    id: String,
    name: String,
    #[schema(value_type = Vec<Object>)]
    points: Vec<corridor_network::routes::TrackPoint>,
}

#[utoipa::path(get, path = "/api/v1/parties/{id}/track", tag = "case", security(("token" = [])),
    params(("id" = String, Path, description = "An identity id or a record id (dataset:record:name)"),
        ("Corridor-Case" = String, Header, description = "The case"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, body = Track), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn track(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Track>, ApiError> {
    if id.len() > 1024 {
        return Err(ApiError::new(ErrorCode::BadInput, "an id is at most 1,024 bytes"));
    }
    let track = node
        .run_graphs(move |store, cache| {
            let base = corridor_app::network::NetworkQuery {
                parties: vec![id.clone()],
                ..Default::default()
            };
            let (session, query) = corridor_app::network::scope(&*store, &grant, &base)?;
            let view = cache.open(store, &session, &query)?;
            let v = view.party(&id)?;
            let places = corridor_network::routes::Places::of(&view.graph);
            let node = &view.graph.nodes[v as usize];
            Ok(Track {
                id: node.id.clone(),
                name: node.name.clone(),
                points: corridor_network::routes::track(&view.graph, &places, v),
            })
        })
        .await?;
    Ok(Json(track))
}

/// Which flows to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct FlowParams {
    /// Only this network's flows (its number in the network listing).
    #[param(minimum = 1, maximum = 1000000)]
    network: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/flows", tag = "case", security(("token" = [])),
    params(FlowParams,
        ("Corridor-Case" = String, Header, description = "The case"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, description = "Weekly flows of parties between places, by network"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn flows(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiQuery(params): ApiQuery<FlowParams>,
) -> Result<Json<Vec<corridor_network::routes::Flow>>, ApiError> {
    if params.network == Some(0) {
        return Err(ApiError::new(ErrorCode::BadInput, "networks are numbered from 1"));
    }
    let flows = node
        .run_graphs(move |store, cache| {
            let (session, query) =
                corridor_app::network::scope(&*store, &grant, &corridor_app::network::NetworkQuery::default())?;
            let view = cache.open(store, &session, &query)?;
            let found = view.networks();
            view.flows(&found, params.network.map(|n| n as usize))
        })
        .await?;
    Ok(Json(flows))
}

/// A job started: poll it at `/api/v1/jobs/{job}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct JobStarted {
    job: u64,
}

/// The upload: the mapping (TOML) first, then the file it maps.
#[allow(dead_code)]
#[derive(utoipa::ToSchema)]
pub(crate) struct IngestUpload {
    /// The mapping, as TOML text (see docs/mapping.md).
    mapping: String,
    /// The agency's file (CSV or JSON Lines, as the mapping says).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

fn upload_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    let code = if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ErrorCode::TooLarge
    } else {
        ErrorCode::BadInput
    };
    ApiError::new(code, format!("the upload could not be read: {}", e.body_text()))
}

/// The largest mapping taken.
const MAX_MAPPING: usize = 1 << 20;

#[utoipa::path(post, path = "/api/v1/ingest", tag = "case", security(("token" = [])),
    request_body(content = IngestUpload, content_type = "multipart/form-data"),
    params(("Corridor-Case" = String, Header, description = "The case the data goes into"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 202, description = "Uploaded; the ingest runs as a job", body = JobStarted),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 413, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn ingest(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiMultipart(mut upload): ApiMultipart,
) -> Result<(axum::http::StatusCode, Json<JobStarted>), ApiError> {
    let paths = node.paths.clone().ok_or_else(|| {
        ApiError::new(
            ErrorCode::StoreUnavailable,
            "this node takes no uploads (it was started without its store's path)",
        )
    })?;
    let owner = grant
        .principal()
        .map(|p| p.user_id)
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated, "log in first"))?;
    let bad = |m: &str| ApiError::new(ErrorCode::BadInput, m.to_string());
    let permit = node.jobs.uploads.clone().try_acquire_owned().map_err(|_| {
        ApiError::new(
            ErrorCode::RateLimited,
            format!(
                "{} uploads are being received or ingested on this node: send it again when one has finished",
                crate::jobs::MAX_CONCURRENT_UPLOADS
            ),
        )
    })?;
    // The mapping first: checked before a byte of the file is kept.
    let mut field = upload
        .next_field()
        .await
        .map_err(upload_error)?
        .ok_or_else(|| bad("give the mapping (field `mapping`), then the file (field `file`)"))?;
    if field.name() != Some("mapping") {
        return Err(bad(
            "the first field is the mapping (`mapping`), then the file (`file`)",
        ));
    }
    let mut mapping = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(upload_error)? {
        mapping.extend_from_slice(&chunk);
        if mapping.len() > MAX_MAPPING {
            return Err(ApiError::new(ErrorCode::TooLarge, "a mapping is at most 1 MiB"));
        }
    }
    let mapping = String::from_utf8(mapping).map_err(|_| bad("the mapping is not UTF-8 text"))?;
    corridor_app::ingest::check_mapping("the uploaded mapping", &mapping)?;
    // A field must be let go of before the next is read.
    drop(field);
    let mut field = upload
        .next_field()
        .await
        .map_err(upload_error)?
        .ok_or_else(|| bad("the file (field `file`) is missing after the mapping"))?;
    if field.name() != Some("file") {
        return Err(bad("the second field is the file (`file`)"));
    }
    let dir = paths
        .uploads()
        .map_err(|e| ApiError::new(ErrorCode::StoreUnavailable, format!("no folder for uploads: {e}")))?;
    let name = corridor_access::secret::random_id().map_err(|_| ApiError::internal("no randomness"))?;
    let file = dir.join(format!("upload-{name}"));
    let mut out = {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        tokio::fs::File::from_std(o.open(&file).map_err(|_| {
            ApiError::new(
                ErrorCode::StoreUnavailable,
                "the node cannot keep the upload: tell its administrator",
            )
        })?)
    };
    // From here the file is removed however the request ends.
    let kept = crate::jobs::TempUpload(file.clone());
    let mut bytes: u64 = 0;
    let full = || {
        ApiError::new(
            ErrorCode::StoreUnavailable,
            "the node's disk is nearly full: the upload was refused; tell the node's administrator",
        )
    };
    let room = |sent: u64| crate::jobs::free_space(&dir).is_none_or(|free| free >= crate::jobs::DISK_RESERVE + sent);
    if !room(0) {
        return Err(full());
    }
    let mut checked: u64 = 0;
    let written: Result<(), ApiError> = async {
        use tokio::io::AsyncWriteExt;
        // A client that sends nothing for a minute is let go.
        while let Some(chunk) = tokio::time::timeout(std::time::Duration::from_secs(60), field.chunk())
            .await
            .map_err(|_| ApiError::new(ErrorCode::BadInput, "the upload stalled for a minute: send it again"))?
            .map_err(upload_error)?
        {
            bytes += chunk.len() as u64;
            // The disk, every 16 MiB received.
            if bytes - checked >= 16 << 20 {
                checked = bytes;
                if !room(bytes) {
                    return Err(full());
                }
            }
            if bytes > crate::jobs::MAX_UPLOAD {
                return Err(ApiError::new(
                    ErrorCode::TooLarge,
                    "an upload is at most 4 GiB: split the file",
                ));
            }
            out.write_all(&chunk).await.map_err(|_| {
                ApiError::new(
                    ErrorCode::StoreUnavailable,
                    "the node cannot keep the upload (is its disk full?)",
                )
            })?;
        }
        out.flush().await.map_err(|_| {
            ApiError::new(
                ErrorCode::StoreUnavailable,
                "the node cannot keep the upload (is its disk full?)",
            )
        })
    }
    .await;
    written?;
    drop(out);
    let (id, job) = node.jobs.start(owner, bytes);
    tokio::task::spawn_blocking(move || {
        let kept = kept;
        // The upload counts until its ingest has ended.
        let _permit = permit;
        let rejects = file.with_extension("rejects.jsonl");
        let run = || -> corridor_app::Result<crate::jobs::JobState> {
            let mut store = corridor_app::node::open_store(&paths.store, &paths.key, false)?;
            let done = corridor_app::ingest::ingest_file_in_case(
                &mut store,
                &grant,
                &corridor_app::ingest::IngestRequest {
                    mapping_name: "the uploaded mapping",
                    mapping_text: &mapping,
                    file: &file,
                    rejects: Some(rejects.clone()),
                    limits: Default::default(),
                },
                &*job,
            )?;
            // What the uploader is told: the batch's counts and the rows refused;
            // not the node's paths, not the watchlist findings (their lists may be
            // above the uploader's clearance), not the matching against every case.
            let r = &done.report;
            Ok(crate::jobs::JobState::Done {
                report: serde_json::json!({
                    "dataset": r.dataset,
                    "batch_id": r.summary.batch_id,
                    "rows_read": r.summary.rows_read,
                    "new_records": r.summary.new_records,
                    "new_versions": r.summary.new_versions,
                    "unchanged": r.summary.unchanged,
                    "rejected": r.summary.rejected,
                    "findings": r.findings.len(),
                    "unmapped_columns": r.unmapped_columns,
                    "seconds": r.seconds,
                }),
                rejects: crate::jobs::read_rejects(&rejects),
            })
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run));
        drop(kept);
        let state = match outcome {
            Ok(Ok(state)) => state,
            Ok(Err(e)) => crate::jobs::JobState::Failed {
                code: e.code().as_str().to_string(),
                message: match e.code() {
                    ErrorCode::StoreUnavailable | ErrorCode::Integrity | ErrorCode::Output => {
                        eprintln!("corridor serve: an ingest job failed: {e}");
                        "the node's store could not take the batch: its administrator finds the detail in the server's log".into()
                    }
                    _ => e.to_string(),
                },
            },
            Err(_) => crate::jobs::JobState::Failed {
                code: "internal".into(),
                message: "the ingest stopped unexpectedly; nothing of it was kept".into(),
            },
        };
        *job.outcome.lock().unwrap_or_else(|p| p.into_inner()) = Some(state);
    });
    Ok((axum::http::StatusCode::ACCEPTED, Json(JobStarted { job: id })))
}

#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "case", security(("token" = [])),
    params(("id" = String, Path, description = "The job's number, as its start gave it"),
        ("Corridor-Case" = String, Header, description = "The case"),
        ("Corridor-Purpose" = String, Header, description = "The purpose, from the node's list")),
    responses((status = 200, description = "Running (bytes and rows so far), done (the report and the first rejected rows) or failed"),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn job(
    State(node): State<Node>,
    Extension(grant): Extension<Grant>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<crate::jobs::JobState>, ApiError> {
    let owner = grant.principal().map(|p| p.user_id).unwrap_or(-1);
    let job = id
        .parse::<u64>()
        .ok()
        .and_then(|id| node.jobs.get(id, owner))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                "no such job of yours: give the number your upload answered (jobs are kept while the node runs)",
            )
        })?;
    Ok(Json(job.state()))
}

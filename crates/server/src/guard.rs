//! The guard every route sits behind: who is asking (an API token as
//! `Authorization: Bearer …`, or a browser session's cookie), for which case and
//! purpose (the `Corridor-Case` and `Corridor-Purpose` headers), and whether the
//! policy allows the route's action. A state-changing request made with a session
//! cookie must carry the session's CSRF token as `X-CSRF-Token`. The handler
//! receives the `Grant` in the request's extensions. Public routes ignore
//! credentials.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use corridor_access::{Action, Need, secret};
use corridor_app::{ErrorCode, access};

use crate::{ApiError, Node, sessions};

pub(crate) const CASE_HEADER: &str = "corridor-case";
pub(crate) const PURPOSE_HEADER: &str = "corridor-purpose";
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";

/// A header as text; a value that is not visible ASCII is refused.
pub(crate) fn header(headers: &HeaderMap, name: &str) -> Result<Option<String>, ApiError> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .filter(|s| s.len() <= 4096)
            .map(|s| Some(s.trim().to_string()))
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::BadInput,
                    format!("the {name} header must be printable ASCII of at most 4,096 characters"),
                )
            }),
    }
}

/// How the request says who it is.
enum Presented {
    Nothing,
    Token(String),
    /// A live browser session: its user and CSRF token.
    Session {
        user_id: i64,
        csrf: String,
        opened_at: chrono::DateTime<chrono::Utc>,
    },
}

fn presented(node: &Node, headers: &HeaderMap) -> Result<Presented, ApiError> {
    if let Some(value) = header(headers, "authorization")? {
        return match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
                Ok(Presented::Token(token.trim().to_string()))
            }
            _ => Err(ApiError::new(
                ErrorCode::Unauthenticated,
                "the Authorization header takes an API token: `Authorization: Bearer ctk_…`",
            )),
        };
    }
    let Some(cookie) = header(headers, "cookie")? else {
        return Ok(Presented::Nothing);
    };
    let Some(id) = sessions::cookie_value(&cookie) else {
        return Ok(Presented::Nothing);
    };
    match node.sessions.touch(id) {
        Some(s) => Ok(Presented::Session {
            user_id: s.user_id,
            csrf: s.csrf,
            opened_at: s.opened_at,
        }),
        None => Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "the session has ended (idle for 30 minutes, or 12 hours old, or logged out): log in again",
        )),
    }
}

pub(crate) async fn guard(State((node, action)): State<(Node, Action)>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    let public = action.needs() == Need::Nothing;
    let parsed = (|| {
        let who = if public {
            Presented::Nothing
        } else {
            presented(&node, headers)?
        };
        if let Presented::Session { csrf, .. } = &who
            && action.writes()
        {
            let sent = header(headers, CSRF_HEADER)?.unwrap_or_default();
            if !secret::digests_equal(&sent, csrf) {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    "a change made from a browser session needs the session's CSRF token in the X-CSRF-Token header",
                ));
            }
        }
        Ok::<_, ApiError>((who, header(headers, CASE_HEADER)?, header(headers, PURPOSE_HEADER)?))
    })();
    let (who, case, purpose) = match parsed {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let decided = node
        .run(move |store| {
            let now = chrono::Utc::now();
            let principal = match who {
                Presented::Nothing => None,
                Presented::Token(t) => Some(access::authenticate_token(store, &t, now)?),
                Presented::Session { user_id, opened_at, .. } => {
                    Some(access::principal_of_session(store, user_id, opened_at)?)
                }
            };
            access::authorize_request(store, principal.as_ref(), action, case.as_deref(), purpose.as_deref())
        })
        .await;
    match decided {
        Ok(grant) => {
            req.extensions_mut().insert(grant);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

//! The guard every route sits behind: who is asking (an API token as
//! `Authorization: Bearer …`), for which case and purpose (the `Corridor-Case` and
//! `Corridor-Purpose` headers), and whether the policy allows the route's action.
//! The handler receives the `Grant` in the request's extensions.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use corridor_access::Action;
use corridor_app::{ErrorCode, access};

use crate::{ApiError, Node};

pub(crate) const CASE_HEADER: &str = "corridor-case";
pub(crate) const PURPOSE_HEADER: &str = "corridor-purpose";

/// A header as text; a value that is not visible ASCII is refused.
fn header(headers: &HeaderMap, name: &str) -> Result<Option<String>, ApiError> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .filter(|s| s.len() <= 256)
            .map(|s| Some(s.trim().to_string()))
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::BadInput,
                    format!("the {name} header must be printable ASCII of at most 256 characters"),
                )
            }),
    }
}

/// The bearer token, if the request carries an `Authorization` header; any other
/// scheme is refused rather than ignored.
fn bearer(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = header(headers, "authorization")? else {
        return Ok(None);
    };
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => Ok(Some(token.trim().to_string())),
        _ => Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "the Authorization header takes an API token: `Authorization: Bearer ctk_…`",
        )),
    }
}

pub(crate) async fn guard(State((node, action)): State<(Node, Action)>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    let parsed = (|| {
        Ok::<_, ApiError>((
            bearer(headers)?,
            header(headers, CASE_HEADER)?,
            header(headers, PURPOSE_HEADER)?,
        ))
    })();
    let (token, case, purpose) = match parsed {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let decided = node
        .run(move |store| {
            let now = chrono::Utc::now();
            let who = token.map(|t| access::authenticate_token(store, &t, now)).transpose()?;
            access::authorize_request(store, who.as_ref(), action, case.as_deref(), purpose.as_deref())
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

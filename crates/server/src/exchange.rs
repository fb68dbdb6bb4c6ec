//! `POST /api/v1/exchange`: a partner node's signed message, taken online and
//! answered in the same exchange (`corridor_app::inbox`). No user and no
//! session: the partner's Ed25519 signature over the message is its credential,
//! checked before anything in it is read, and refusals are logged on the chain
//! (those of unproven senders at most 60 a minute one by one, the rest counted:
//! see `corridor_app::exchange`). The body is the envelope's JSON as the
//! partner signed it.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use corridor_app::ErrorCode;
use corridor_app::inbox::Reply;

use crate::{ApiError, Node};

/// The largest message taken online: a query of the largest size an agreement
/// may allow (100,000 selectors) fits with room; tags travel as replies.
pub const MAX_MESSAGE: usize = 16 * 1024 * 1024;

/// A signed envelope (docs/exchange.md, section 3), for the API description:
/// the handler reads the bytes as sent, since the signature covers them.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub(crate) struct PartnerEnvelope {
    #[schema(pattern = "^corridor-exchange/1$")]
    format: String,
    /// The sender's fingerprint.
    #[schema(pattern = "^[0-9a-f]{4}(:[0-9a-f]{4}){7}$")]
    from: String,
    /// The recipient's fingerprint.
    #[schema(pattern = "^[0-9a-f]{4}(:[0-9a-f]{4}){7}$")]
    to: String,
    /// psi-tags-request, psi-query, disclosure-request, disclosure-answer or disclosure-notice.
    #[schema(pattern = "^[A-Za-z0-9_-]{1,40}$")]
    kind: String,
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    reference: String,
    #[schema(pattern = "^[0-9a-f]{32}$")]
    nonce: String,
    /// RFC 3339.
    at: String,
    /// RFC 3339, after `at` and within 7 days of it.
    expires: String,
    /// The kind's JSON, as text.
    body: String,
    #[schema(pattern = "^[0-9a-f]{128}$")]
    signature: String,
}

#[utoipa::path(post, path = "/api/v1/exchange", tag = "partners", request_body = PartnerEnvelope,
    responses((status = 200, description = "The signed reply: the tags asked for, or the answer to a query"),
        (status = 202, description = "Taken in: a disclosure request kept for the approver (with its deadline), an answer ingested, a notice applied"),
        (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError),
        (status = 409, body = ApiError), (status = 413, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn message(State(node): State<Node>, body: Bytes) -> Result<Response, ApiError> {
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::new(ErrorCode::BadInput, "a message is JSON text (UTF-8)"))?;
    let Some(key) = node.key.clone() else {
        // What is no message is said so first, whether or not the node could take one.
        corridor_exchange::Envelope::read(&text).map_err(|r| ApiError::new(ErrorCode::BadInput, r.to_string()))?;
        return Err(ApiError::new(
            ErrorCode::Busy,
            "this node takes no partner messages: it was started without its node key",
        ));
    };
    let reply = node
        .run(move |s| corridor_app::inbox::handle(s, &key, &text, chrono::Utc::now()))
        .await?;
    Ok(match reply {
        Reply::Message(envelope) => (
            StatusCode::OK,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            envelope.to_json(),
        )
            .into_response(),
        Reply::Accepted(a) => (StatusCode::ACCEPTED, axum::Json(a)).into_response(),
    })
}

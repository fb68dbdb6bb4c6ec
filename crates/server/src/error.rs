//! Errors as the API answers them: the status from the application's error table
//! and a JSON body `{"code", "message"}`, never a backend's words.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use corridor_app::ErrorCode;
use serde::Serialize;

/// An error answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiError {
    /// The stable code (`bad_input`, `not_found`, `unauthenticated`, `forbidden` …).
    pub code: String,
    /// What went wrong and what to do.
    pub message: String,
    #[serde(skip)]
    status: u16,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code: code.as_str().to_string(),
            message: message.into(),
            status: code.http_status(),
        }
    }

    pub(crate) fn internal(message: &str) -> ApiError {
        ApiError {
            code: "internal".into(),
            message: message.into(),
            status: 500,
        }
    }

    pub fn status(&self) -> u16 {
        self.status
    }
}

impl From<corridor_app::Error> for ApiError {
    fn from(e: corridor_app::Error) -> Self {
        match e.code() {
            // The store's own words (a database error, a damaged row) go to the
            // operator's log, not to the client.
            code @ (ErrorCode::StoreUnavailable | ErrorCode::Integrity | ErrorCode::Output) => {
                eprintln!("corridor serve: {}: {e}", code.as_str());
                ApiError::new(
                    code,
                    "the node's store could not answer this; its administrator finds the detail in the server's log",
                )
            }
            code => ApiError::new(code, e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self)).into_response()
    }
}

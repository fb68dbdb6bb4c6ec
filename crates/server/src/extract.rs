//! Extractors whose refusals are the API's JSON errors (axum's own answer in plain
//! text): a query, a path and a JSON body that do not parse get
//! `{"code": "bad_input", …}`, a body over the limit `too_large`.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Json, Path, Query, Request};
use axum::http::request::Parts;
use corridor_app::ErrorCode;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// A query string, refused as JSON.
#[derive(Debug)]
pub(crate) struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(t)| ApiQuery(t))
            .map_err(|e: QueryRejection| ApiError::new(ErrorCode::BadInput, e.body_text()))
    }
}

/// Path parameters, refused as JSON.
#[derive(Debug)]
pub(crate) struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(t)| ApiPath(t))
            .map_err(|e: PathRejection| ApiError::new(ErrorCode::BadInput, e.body_text()))
    }
}

/// A JSON body, refused as JSON.
#[derive(Debug)]
pub(crate) struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(t)| ApiJson(t))
            .map_err(|e: JsonRejection| {
                let code = if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ErrorCode::TooLarge
                } else {
                    ErrorCode::BadInput
                };
                ApiError::new(code, e.body_text())
            })
    }
}

/// A multipart upload, refused as JSON.
pub(crate) struct ApiMultipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(ApiMultipart)
            .map_err(|e| {
                ApiError::new(
                    ErrorCode::BadInput,
                    format!("{}: send multipart/form-data", e.body_text()),
                )
            })
    }
}

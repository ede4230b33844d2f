//! Axum's extractors with the API's error shape for their rejections.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body; a bad one is a `{"code", "message"}` error. Every U+0000 in its
/// strings is read as U+FFFD (`pronto_core::text`), so no text a client sends
/// stops a backend from storing it.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state).await?;
        let bytes = match pronto_core::text::storable_json(&bytes) {
            std::borrow::Cow::Borrowed(_) => bytes,
            std::borrow::Cow::Owned(clean) => Bytes::from(clean),
        };
        let req = Request::from_parts(parts, Body::from(bytes));
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(value))
    }
}

/// A query string; a bad one is a `{"code", "message"}` error.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// Path parameters; bad ones are a `{"code", "message"}` error.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// The request's `Idempotency-Key` (the same key twice stores one message), if it
/// sent one: 1 to 200 visible ASCII characters, else a `{"code", "message"}` error.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    v.to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .map(|k| Some(k.to_owned()))
        .ok_or_else(|| {
            ApiError::invalid("Idempotency-Key must be 1 to 200 visible ASCII characters")
        })
}

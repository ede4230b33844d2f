//! Axum's extractors with the API's error shape for their rejections.

use axum::extract::{FromRequest, FromRequestParts};

use crate::error::ApiError;

/// A JSON body; a bad one is a `{"code", "message"}` error.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// A query string; a bad one is a `{"code", "message"}` error.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// Path parameters; bad ones are a `{"code", "message"}` error.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

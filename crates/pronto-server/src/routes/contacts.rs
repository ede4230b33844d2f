//! A contact: `GET /api/v1/contacts/{id}` (with where their profile stands) and
//! `GET /api/v1/contacts/{id}/picture` (the picture copied from their profile), to
//! the workspace's agents only.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use pronto_store::Contact;
use serde::Serialize;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use crate::state::AppState;

/// A contact with the state of their profile.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ContactDetail {
    #[serde(flatten)]
    contact: Contact,
    /// Where asking the platform for their profile stands: `waiting`, `fetched`,
    /// `none` (the platform has none to give) or `failed`; absent on channels
    /// without profiles.
    profile: Option<ProfileState>,
}

/// Where asking for a profile stands.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProfileState {
    /// `waiting`, `fetched`, `none` or `failed`.
    state: String,
    /// The platform's last error, if any.
    error: Option<String>,
}

/// `GET /api/v1/contacts/{id}`.
#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "conversations", params(("id" = i64, Path, description = "The contact")), responses((status = 200, description = "The contact", body = ContactDetail), (status = 404, description = "No such contact in this workspace", body = crate::openapi::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ContactDetail>> {
    let ws = auth.workspace();
    let contact = state.store.contact(ws, id).await?;
    let profile = state
        .store
        .profile_state(ws, id)
        .await?
        .map(|(state, error)| ProfileState { state, error });
    Ok(Json(ContactDetail { contact, profile }))
}

/// `GET /api/v1/contacts/{id}/picture`.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/picture", tag = "conversations", params(("id" = i64, Path, description = "The contact")), responses((status = 200, description = "The picture's bytes (JPEG, PNG, WebP or GIF)"), (status = 404, description = "No such contact in this workspace, or no picture", body = crate::openapi::ErrorBody)))]
pub async fn picture(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let (bytes, mime) = state
        .store
        .contact_picture(auth.workspace(), id)
        .await?
        .ok_or_else(|| ApiError::not_found("picture"))?;
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        bytes,
    ))
}

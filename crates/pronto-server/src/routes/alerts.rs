//! `GET/PUT /api/v1/me/alerts`: the signed-in person's alert preferences (what they
//! are told about, the sound, how much of a message an alert shows, quiet hours).

use axum::Json;
use axum::extract::State;
use pronto_core::alerts::Prefs;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::state::AppState;

/// The caller's preferences (the defaults until saved).
#[utoipa::path(get, path = "/api/v1/me/alerts", tag = "alerts", responses((status = 200, description = "The preferences", body = Object), (status = 403, description = "An API token, not a person", body = crate::openapi::ErrorBody)))]
pub async fn get(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Prefs>> {
    let user = auth.user()?;
    let checked = crate::alerts::prefs_of(&state, auth.workspace(), user).await?;
    Ok(Json(checked.prefs().clone()))
}

/// Replaces the caller's preferences; bad quiet hours name their field.
#[utoipa::path(put, path = "/api/v1/me/alerts", tag = "alerts", request_body = Object, responses((status = 200, description = "The preferences, saved", body = Object), (status = 400, description = "Bad quiet hours, naming the field", body = crate::openapi::ErrorBody), (status = 403, description = "An API token, not a person", body = crate::openapi::ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<Prefs>,
) -> ApiResult<Json<Prefs>> {
    let user = auth.user()?;
    let checked = body
        .check()
        .map_err(|e| ApiError::invalid(e.to_string()).on_field(e.field))?;
    let value = serde_json::to_value(checked.prefs()).map_err(|e| ApiError::internal(&e))?;
    state
        .store
        .set_alert_prefs(auth.workspace(), user, &value, state.now())
        .await?;
    Ok(Json(checked.prefs().clone()))
}

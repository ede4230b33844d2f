//! `GET/PUT /api/v1/channels/{id}/automation`: a channel's business hours, instant
//! reply, away message and keyword replies.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::auth::Auth;
use crate::automation::AutomationSettings;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// The channel's automation settings (all off when never saved).
#[utoipa::path(get, path = "/api/v1/channels/{id}/automation", tag = "channels", params(("id" = i64, Path, description = "The channel")), responses((status = 200, description = "The settings", body = AutomationSettings), (status = 404, description = "No such channel", body = crate::openapi::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AutomationSettings>> {
    let settings = crate::automation::stored_settings(&state, auth.workspace(), id).await?;
    Ok(Json(settings))
}

/// Replaces the channel's automation settings (admins). Hours, templates and keywords
/// are checked first; a refusal names the field and what is wrong.
#[utoipa::path(put, path = "/api/v1/channels/{id}/automation", tag = "channels", params(("id" = i64, Path, description = "The channel")), request_body = AutomationSettings, responses((status = 200, description = "The settings, saved", body = AutomationSettings), (status = 400, description = "`invalid_hours`, `invalid_template` or `invalid_keyword`, naming the field (also in `field`)", body = crate::openapi::ErrorBody), (status = 403, description = "Not an admin", body = crate::openapi::ErrorBody), (status = 404, description = "No such channel", body = crate::openapi::ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AutomationSettings>,
) -> ApiResult<Json<AutomationSettings>> {
    auth.require_admin()?;
    let checked = body
        .check()
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.code, e.message).on_field(e.field))?;
    let value = serde_json::to_value(&body).map_err(|e| ApiError::internal(&e))?;
    state
        .store
        .set_channel_automation(auth.workspace(), id, &value, state.now())
        .await?;
    state.automations.forget(&(auth.workspace(), id));
    crate::automation::apply_hours_now(&state, auth.workspace(), id, checked.schedule.as_ref())
        .await?;
    Ok(Json(body))
}

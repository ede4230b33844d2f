//! `GET/PUT /api/v1/me/alerts`: the signed-in person's alert preferences (what they
//! are told about, the sound, how much of a message an alert shows, quiet hours);
//! `/api/v1/push/key` and `/api/v1/me/push-subscriptions`: the server's VAPID key
//! and the person's devices for Web Push.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use pronto_core::alerts::Prefs;
use pronto_store::PushSubscription;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
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

/// `GET /api/v1/push/key`: the server's VAPID public key (`applicationServerKey`).
#[utoipa::path(get, path = "/api/v1/push/key", tag = "alerts", responses((status = 200, description = "`{\"public_key\": base64url}`", body = Object)))]
pub async fn key(State(state): State<AppState>, _auth: Auth) -> ApiResult<impl IntoResponse> {
    let vapid = crate::push::Vapid::of(&state)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok(Json(serde_json::json!({"public_key": vapid.public_key()})))
}

/// A browser's push subscription, as `PushSubscription.toJSON()` gives it.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewDevice {
    /// The push service's URL for the device.
    endpoint: String,
    /// Its keys.
    keys: DeviceKeys,
}

/// A device's keys.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DeviceKeys {
    /// Its P-256 public key, base64url.
    p256dh: String,
    /// Its authentication secret, base64url.
    auth: String,
}

/// `GET /api/v1/me/push-subscriptions`: the caller's devices.
#[utoipa::path(get, path = "/api/v1/me/push-subscriptions", tag = "alerts", responses((status = 200, description = "The devices", body = [PushSubscription])))]
pub async fn devices(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<Vec<PushSubscription>>> {
    let user = auth.user()?;
    Ok(Json(
        state
            .store
            .push_subscriptions(auth.workspace(), user)
            .await?,
    ))
}

/// `POST /api/v1/me/push-subscriptions`: adds a device of the caller's.
#[utoipa::path(post, path = "/api/v1/me/push-subscriptions", tag = "alerts", request_body = NewDevice, responses((status = 201, description = "The device", body = PushSubscription), (status = 400, description = "A bad endpoint or key, naming the field", body = crate::openapi::ErrorBody)))]
pub async fn add_device(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<NewDevice>,
) -> ApiResult<impl IntoResponse> {
    let user = auth.user()?;
    crate::outgoing::check_url(
        &body.endpoint,
        "endpoint",
        state.config.allow_private_webhook_urls,
    )
    .map_err(|e| ApiError::invalid(e).on_field("endpoint"))?;
    crate::push::check_keys(&body.keys.p256dh, &body.keys.auth)
        .map_err(|e| ApiError::invalid(e.to_string()).on_field(e.field))?;
    let device = state
        .store
        .add_push_subscription(
            auth.workspace(),
            user,
            &body.endpoint,
            &body.keys.p256dh,
            &body.keys.auth,
            state.now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(device)))
}

/// `DELETE /api/v1/me/push-subscriptions/{id}`: removes a device of the caller's.
#[utoipa::path(delete, path = "/api/v1/me/push-subscriptions/{id}", tag = "alerts", params(("id" = i64, Path, description = "The device")), responses((status = 204, description = "Removed"), (status = 404, description = "Not one of the caller's devices", body = crate::openapi::ErrorBody)))]
pub async fn remove_device(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let user = auth.user()?;
    state
        .store
        .delete_push_subscription(auth.workspace(), user, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

//! `/api/v1/webhooks` (admins): outgoing webhook subscriptions, each with a signing
//! secret shown once. Their delivery is `crate::integrations`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use pronto_store::Subscription;
use serde::Deserialize;

use crate::auth::{Auth, random_token};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use crate::integrations::KINDS;
use crate::state::AppState;

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSubscription {
    /// An `http://` or `https://` URL.
    url: String,
    /// Event kinds: `message.created`, `conversation.assigned`,
    /// `responsiveness.changed`...
    kinds: Vec<String>,
}

/// A new subscription and its signing secret.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CreatedSubscription {
    /// The subscription.
    #[serde(flatten)]
    pub subscription: Subscription,
    /// The key of `X-Pronto-Signature-256`; shown only here.
    pub signing_secret: String,
}

fn check(state: &AppState, body: &NewSubscription) -> ApiResult<()> {
    crate::outgoing::check_url(&body.url, "url", state.config.allow_private_webhook_urls)
        .map_err(|e| ApiError::invalid(e).on_field("url"))?;
    if body.kinds.is_empty() {
        return Err(ApiError::invalid("kinds: name at least one event kind").on_field("kinds"));
    }
    if let Some(k) = body.kinds.iter().find(|k| !KINDS.contains(&k.as_str())) {
        return Err(ApiError::invalid(format!(
            "kinds: unknown event kind {k:?}; known: {}",
            KINDS.join(", ")
        ))
        .on_field("kinds"));
    }
    Ok(())
}

/// `POST /api/v1/webhooks` (admins): the signing secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = NewSubscription, responses((status = 201, description = "The subscription and its signing secret, shown this once", body = CreatedSubscription), (status = 400, description = "A bad URL or event kind", body = crate::openapi::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(mut body): ApiJson<NewSubscription>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    check(&state, &body)?;
    body.kinds.sort();
    body.kinds.dedup();
    let secret = random_token(24);
    let sealed = state
        .sealer()
        .map_err(|e| ApiError::internal(&e))?
        .seal(&secret);
    let subscription = state
        .store
        .create_subscription(
            auth.workspace(),
            &body.url,
            &body.kinds,
            &sealed,
            state.now(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedSubscription {
            subscription,
            signing_secret: secret,
        }),
    ))
}

/// `GET /api/v1/webhooks` (admins): with each one's state and last error.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks", responses((status = 200, description = "The subscriptions", body = Vec<Subscription>)))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    Ok(Json(state.store.subscriptions(auth.workspace()).await?))
}

/// `DELETE /api/v1/webhooks/{id}` (admins).
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path, description = "The subscription")), responses((status = 204, description = "Deleted"), (status = 404, description = "No such subscription", body = crate::openapi::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    state
        .store
        .delete_subscription(auth.workspace(), id, state.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/webhooks/{id}/retry` (admins): delivers again now, from the event
/// it stopped at; a failing subscription is active again.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/retry", tag = "webhooks", params(("id" = i64, Path, description = "The subscription")), responses((status = 200, description = "The subscription, due now", body = Subscription), (status = 404, description = "No such subscription", body = crate::openapi::ErrorBody)))]
pub async fn retry(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    let subscription = state.store.retry_subscription(auth.workspace(), id).await?;
    state.store.work_queued();
    Ok(Json(subscription))
}

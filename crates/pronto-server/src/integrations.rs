//! Outgoing webhooks for integrators: admins subscribe a URL to event kinds, and a
//! worker posts each matching event of the workspace's log to it, signed like the
//! `api` channels' replies (`X-Pronto-Signature-256`), at least once and in order.
//!
//! A subscription's cursor moves only after the receiver accepted the event, and its
//! attempts, next attempt and last error are stored with it, so a restart or a
//! crashed worker (its lease runs out) loses and reorders nothing. After
//! [`MAX_ATTEMPTS`] failures at one event the subscription is marked `failing`,
//! with the reason, and delivery stops.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use pronto_store::{Logged, StoreError, Subscription};
use serde::Deserialize;
use serde_json::json;

use crate::auth::{Auth, random_token};
use crate::delivery::{backoff, sign};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// The event kinds a subscription may ask for.
pub const KINDS: &[&str] = &[
    "message.created",
    "message.status",
    "conversation.assigned",
    "conversation.moved",
    "conversation.labeled",
    "responsiveness.changed",
];
/// Failed attempts at one event before the subscription is marked failing.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claimed subscription is ours.
pub const LEASE: i64 = 60_000_000;

/// What one step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// No subscription had anything due.
    Idle,
    /// Events the subscription does not want were passed over, up to this number.
    Skipped(i64, i64),
    /// The subscription's receiver accepted event number `.1`.
    Delivered(i64, i64),
    /// The attempt failed; the next is due at `.2`.
    Retrying(i64, i64, i64),
    /// The attempt failed too many times; the subscription is failing.
    Failing(i64, String),
}

/// Claims a due subscription and posts its next wanted event.
pub async fn deliver_next(state: &AppState) -> Result<Outcome, StoreError> {
    let now = state.now();
    let Some((sub, sealed)) = state.store.claim_subscription(now, LEASE).await? else {
        return Ok(Outcome::Idle);
    };
    let events = state
        .store
        .events_after(sub.workspace_id, sub.last_seq, 100)
        .await?;
    let Some(event) = events
        .iter()
        .find(|e| sub.kinds.iter().any(|k| k == e.kind()))
    else {
        let last = events.last().map_or(sub.last_seq, |e| e.seq);
        state.store.subscription_advanced(sub.id, last).await?;
        return Ok(Outcome::Skipped(sub.id, last));
    };
    let result = match state
        .sealer()
        .and_then(|s| s.open(&sealed).map_err(|e| e.to_string()))
    {
        Ok(secret) => post(state, &sub, &secret, event, sub.attempts + 1).await,
        Err(e) => Err(format!("the signing secret cannot be opened: {e}")),
    };
    let now = state.now();
    Ok(match result {
        Ok(()) => {
            state.store.subscription_advanced(sub.id, event.seq).await?;
            state.count("integration_delivered");
            Outcome::Delivered(sub.id, event.seq)
        }
        Err(reason) => {
            let attempts = sub.attempts + 1;
            if attempts >= MAX_ATTEMPTS {
                let why = format!(
                    "event {} failed {attempts} times; last: {reason}",
                    event.seq
                );
                tracing::warn!(subscription = sub.id, "webhook failing: {why}");
                state
                    .store
                    .subscription_failed(sub.id, attempts, now, &why, true)
                    .await?;
                Outcome::Failing(sub.id, why)
            } else {
                let next = now + backoff(attempts);
                state
                    .store
                    .subscription_failed(sub.id, attempts, next, &reason, false)
                    .await?;
                Outcome::Retrying(sub.id, event.seq, next)
            }
        }
    })
}

/// The signed POST of one event. Every non-2xx answer counts as a failed attempt:
/// delivery is in order, so a refused event holds back the ones after it.
async fn post(
    state: &AppState,
    sub: &Subscription,
    secret: &str,
    event: &Logged,
    attempt: i64,
) -> Result<(), String> {
    let body =
        json!({"id": event.seq, "kind": event.kind(), "at": event.at, "payload": event.payload()})
            .to_string();
    let response = state
        .outgoing
        .post(&sub.url)?
        .header("content-type", "application/json")
        .header("x-pronto-signature-256", sign(secret, body.as_bytes()))
        .header(
            "idempotency-key",
            format!("pronto-event-{}-{}", sub.id, event.seq),
        )
        .header("x-pronto-attempt", attempt.to_string())
        .body(body)
        .send()
        .await
        .map_err(|e| crate::outgoing::transport_error(&e))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("the receiver answered {status}"))
    }
}

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
        .map_err(ApiError::invalid)?;
    if body.kinds.is_empty() {
        return Err(ApiError::invalid("kinds: name at least one event kind"));
    }
    if let Some(k) = body.kinds.iter().find(|k| !KINDS.contains(&k.as_str())) {
        return Err(ApiError::invalid(format!(
            "kinds: unknown event kind {k:?}; known: {}",
            KINDS.join(", ")
        )));
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

//! Outgoing webhooks for integrators: admins subscribe a URL to event kinds, and a
//! worker posts each matching event of the workspace's log to it, signed like the
//! `api` channels' replies (`X-Pronto-Signature-256`), at least once and in order.
//!
//! A subscription's cursor moves only after the receiver accepted the event, and its
//! attempts, next attempt and last error are stored with it, so a restart or a
//! crashed worker (its lease runs out) loses and reorders nothing. After
//! [`MAX_ATTEMPTS`] failures at one event the subscription is marked `failing`,
//! with the reason, and delivery stops. Subscriptions are managed through
//! `routes::webhooks`.

use pronto_store::{Logged, StoreError, Subscription};
use serde_json::json;

use crate::delivery::{backoff, sign};
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

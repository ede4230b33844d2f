//! The outbox worker: delivers stored replies through their channel (email over
//! SMTP: `email::send`; a web chat visitor who left, also by email:
//! `email::continuation`), retrying what
//! can succeed later and failing, with the reason, what cannot.
//!
//! One step at a time ([`deliver_next`]) so that tests drain the outbox without
//! sleeping; `workers` loops over it until shutdown.

use pronto_store::{Channel, ChannelKind, OutboxJob};
use serde_json::json;

use crate::state::AppState;

/// How long a claimed job is ours before another worker may take it.
pub const LEASE: i64 = 60_000_000;
/// How long a channel whose token was refused waits before its queue is looked at
/// again.
pub const TOKEN_WAIT: i64 = 5 * 60_000_000;
/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i64 = 10;

/// What one step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing was due.
    Idle,
    /// A message was delivered.
    Delivered(i64),
    /// The message already had its platform id (the Send API's answer was recorded,
    /// or Meta's echo matched it, before a crash ended the job): finished, not sent.
    AlreadySent(i64),
    /// A delivery failed and will be tried again at the given time.
    Retrying(i64, i64),
    /// A delivery waits for its turn in the number's throughput (not an attempt).
    Paced(i64, i64),
    /// A delivery failed for good.
    Failed(i64, String),
}

/// The wait before attempt `n + 1`: 2^(n-1) seconds, at most an hour.
pub fn backoff(attempts: i64) -> i64 {
    let seconds = 1i64 << (attempts - 1).clamp(0, 12);
    seconds.min(3600) * 1_000_000
}

/// Claims and delivers the next due message.
pub async fn deliver_next(state: &AppState) -> Result<Outcome, pronto_store::StoreError> {
    let now = state.now();
    let Some(job) = state.store.claim_delivery(now, LEASE).await? else {
        return Ok(Outcome::Idle);
    };
    if job.message.external_id.is_some() {
        // Sent already: a worker died between the platform's answer and its commit,
        // and the echo gave the message its id. Sending again would send it twice.
        state.store.delivered(&job, None, now).await?;
        return Ok(Outcome::AlreadySent(job.message.id));
    }
    let channel = state.store.channel_any_workspace(job.channel_id).await?;
    if matches!(channel.state.as_str(), "needs_token" | "needs_attention") {
        // Sending stops until an admin gives the channel a new token (or fixes the
        // account Meta stopped).
        let next = now + TOKEN_WAIT;
        let reason = if channel.state == "needs_token" {
            "the channel needs a new Page token"
        } else {
            "the channel needs an admin's attention"
        };
        state.store.retry_later(&job, reason, next).await?;
        return Ok(Outcome::Retrying(job.message.id, next));
    }
    let sent = match channel.kind {
        ChannelKind::Api => {
            let result = post_webhook(state, &channel, &job).await.map(|()| None);
            Sent::Done(result)
        }
        ChannelKind::Messenger | ChannelKind::Instagram => {
            Sent::Graph(crate::graph::send(state, &channel, &job).await)
        }
        ChannelKind::WhatsApp => {
            let per_second = channel.whatsapp_config().messages_per_second;
            if let Some(next) = state
                .store
                .take_send_slot(channel.id, now, per_second)
                .await?
            {
                let reason = "waiting for its turn in the number's throughput";
                state.store.put_back(&job, reason, next).await?;
                return Ok(Outcome::Paced(job.message.id, next));
            }
            Sent::Graph(crate::whatsapp::cloud::send(state, &channel, &job).await)
        }
        // A web chat reply is delivered by being stored: the visitor's stream
        // carries it (and the conversation's page shows it on the next visit); a
        // visitor who left an address and is gone gets it by email too.
        ChannelKind::WebChat => Sent::Done(
            crate::email::continuation::webchat_copy(state, &channel, &job)
                .await
                .map(|()| None),
        ),
        ChannelKind::Email => Sent::Done(
            crate::email::send::send(state, &channel, &job)
                .await
                .map(Some),
        ),
    };
    // Whose other messages wait too when the platform asks to slow down.
    let mut hold = None;
    let result = match sent {
        Sent::Done(result) => result,
        Sent::Graph(Ok(mid)) => Ok(Some(mid)),
        Sent::Graph(Err(crate::graph::SendError::Retry(r))) => Err(Failure::Retry(r)),
        Sent::Graph(Err(crate::graph::SendError::SlowDown(r, h))) => {
            hold = Some(match h {
                pronto_store::Hold::Conversation(_) => {
                    pronto_store::Hold::Conversation(job.message.conversation_id)
                }
                h => h,
            });
            Err(Failure::Retry(r))
        }
        Sent::Graph(Err(crate::graph::SendError::Final(r))) => Err(Failure::Final(r)),
        Sent::Graph(Err(crate::graph::SendError::TokenInvalid(r))) => {
            return stop_channel(state, &channel, &job, "needs_token", &r).await;
        }
        Sent::Graph(Err(crate::graph::SendError::AccountStopped(r))) => {
            return stop_channel(state, &channel, &job, "needs_attention", &r).await;
        }
    };
    let now = state.now();
    let outcome = match result {
        Ok(platform_id) => {
            state
                .store
                .delivered(&job, platform_id.as_deref(), now)
                .await?;
            state.count("delivered");
            Outcome::Delivered(job.message.id)
        }
        Err(Failure::Retry(reason)) if job.attempts < MAX_ATTEMPTS => {
            let next = now + backoff(job.attempts);
            state.store.retry_later(&job, &reason, next).await?;
            if let Some(hold) = hold {
                state.store.hold_deliveries(&job, hold, next).await?;
            }
            state.count("delivery_retried");
            Outcome::Retrying(job.message.id, next)
        }
        Err(Failure::Retry(reason) | Failure::Final(reason)) => {
            state.store.failed(&job, &reason, now).await?;
            state.count("delivery_failed");
            Outcome::Failed(job.message.id, reason)
        }
    };
    Ok(outcome)
}

/// The platform stopped the channel (a refused token, a locked account): it is
/// marked `needs`, and the job waits for an admin.
async fn stop_channel(
    state: &AppState,
    channel: &Channel,
    job: &OutboxJob,
    needs: &str,
    reason: &str,
) -> Result<Outcome, pronto_store::StoreError> {
    tracing::warn!(
        channel = channel.id,
        "the platform stopped the channel: {reason}"
    );
    state.store.set_channel_state(channel.id, needs).await?;
    let next = state.now() + TOKEN_WAIT;
    state.store.retry_later(job, reason, next).await?;
    Ok(Outcome::Retrying(job.message.id, next))
}

/// What a channel's sender answered.
enum Sent {
    /// An `api` channel's delivery (or no sender).
    Done(Result<Option<String>, Failure>),
    /// A Meta channel's send: the platform's id, or its error sorted.
    Graph(Result<String, crate::graph::SendError>),
}

/// Why a channel's send failed.
pub enum Failure {
    /// It may succeed later: the outbox tries again.
    Retry(String),
    /// It never will: the message fails with this reason.
    Final(String),
}

/// Signs `body` as the `X-Pronto-Signature-256` header value (Meta's scheme).
pub use pronto_channels::signature::sign;

/// An `api` channel's reply: a signed POST to its URL. The `Idempotency-Key` is the
/// message's id, the same on every attempt, so the receiver can drop repeats.
async fn post_webhook(state: &AppState, channel: &Channel, job: &OutboxJob) -> Result<(), Failure> {
    let config = channel.api_config();
    let url = config.url.as_str();
    let secret = state
        .open_secret(&config.signing_secret)
        .map_err(Failure::Final)?;
    let secret = secret.as_str();
    let body = json!({
        "type": "message.outbound",
        "channel_id": channel.id,
        "conversation_id": job.message.conversation_id,
        "message": job.message,
    })
    .to_string();
    let response = state
        .outgoing
        .post(url)
        .map_err(Failure::Final)?
        .header("content-type", "application/json")
        .header("x-pronto-signature-256", sign(secret, body.as_bytes()))
        .header(
            "idempotency-key",
            format!("pronto-message-{}", job.message.id),
        )
        .header("x-pronto-attempt", job.attempts.to_string())
        .body(body)
        .send()
        .await
        .map_err(|e| Failure::Retry(crate::outgoing::transport_error(&e)))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else if status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429 {
        Err(Failure::Retry(format!("the receiver answered {status}")))
    } else {
        Err(Failure::Final(format!(
            "the receiver refused the message: {status}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), 1_000_000);
        assert_eq!(backoff(2), 2_000_000);
        assert_eq!(backoff(5), 16_000_000);
        assert_eq!(backoff(40), 3_600_000_000);
    }
}

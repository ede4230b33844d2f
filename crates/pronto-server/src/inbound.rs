//! The one inbound path: every channel hands its customers' messages to
//! [`receive`], already turned from its wire format into the store's [`Inbound`]
//! (Meta's webhook worker, the api channel's REST route, and the channels to come).
//!
//! Here, once for all channels: the messages are stored (written together with the
//! other callers', one commit for many: `Store::receive_many`), then for each new
//! one the rules and the automations run (a new customer's automations once the
//! platform said their name: `profiles`), and the channel's responsiveness is
//! looked at once for the batch. Wake-ups follow the store's commits by themselves.

use pronto_store::{Channel, Inbound, Result, Stored};

use crate::state::AppState;

/// Stores a channel's customer messages (one result each, in order; the same
/// platform id twice is stored once) and runs what follows a new one.
pub async fn receive(
    state: &AppState,
    channel: &Channel,
    messages: Vec<Inbound>,
) -> Vec<Result<Stored>> {
    let ws = channel.workspace_id;
    let results = state.store.receive_many(ws, messages, state.now()).await;
    let mut any = false;
    for stored in results.iter().flatten().filter(|s| s.created) {
        any = true;
        crate::rules::after_customer_message(state, ws, stored).await;
        // A new customer's automations wait for their name: the profile worker
        // runs them once the platform answered (`profiles`).
        if !stored.profile_pending {
            crate::automation::after_customer_message(state, channel, &stored.message).await;
        }
    }
    if any {
        state.after_change(ws, channel.id);
    }
    results
}

/// [`receive`] for one message.
pub async fn receive_one(state: &AppState, channel: &Channel, message: Inbound) -> Result<Stored> {
    receive(state, channel, vec![message])
        .await
        .pop()
        .unwrap_or_else(|| {
            Err(pronto_store::StoreError::Conflict(
                "nothing was stored".into(),
            ))
        })
}

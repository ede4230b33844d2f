//! The one inbound path: every channel hands its customers' messages to
//! [`receive`], already turned from its wire format into the store's [`Inbound`]
//! (Meta's webhook worker, the api channel's REST route, and the channels to come).
//!
//! Here, once for all channels: the messages are stored (written together with the
//! other callers', one commit for many: `Store::receive_many`), then for each new
//! one the customer's language is learnt if unknown, the rules and the automations
//! run (a new customer's automations once the platform said their name:
//! `profiles`), and the channel's responsiveness is looked at once for the batch. Wake-ups follow the store's commits by themselves.

use pronto_store::{Channel, Inbound, Result, Stored};

use crate::state::AppState;

/// Stores a channel's customer messages (one result each, in order; the same
/// platform id twice is stored once) and runs what follows a new one.
pub async fn receive(
    state: &AppState,
    channel: &Channel,
    messages: Vec<Inbound>,
) -> Vec<Result<Stored>> {
    let threads = messages.into_iter().map(|m| (m, String::new())).collect();
    receive_threads(state, channel, threads).await
}

/// [`receive`] for a channel whose customers have several conversations, one a
/// thread (email): each message with its thread's key (`Store::receive_threads`).
pub async fn receive_threads(
    state: &AppState,
    channel: &Channel,
    messages: Vec<(Inbound, String)>,
) -> Vec<Result<Stored>> {
    let ws = channel.workspace_id;
    let results = state.store.receive_threads(ws, messages, state.now()).await;
    let created: Vec<&Stored> = results.iter().flatten().filter(|s| s.created).collect();
    learn_languages(state, ws, &created).await;
    for stored in &created {
        crate::rules::after_customer_message(state, ws, stored).await;
        // A new customer's automations wait for their name: the profile worker
        // runs them once the platform answered (`profiles`).
        if !stored.profile_pending {
            crate::automation::after_customer_message(state, channel, &stored.message).await;
        }
    }
    if !created.is_empty() {
        state.after_change(ws, channel.id);
    }
    results
}

/// Detects the language of the customers whose language is not known from their
/// new messages (`pronto_core::language`), off the async threads and all at once,
/// and keeps them in one write, so that the automations answer in it and routing by
/// language skill works.
async fn learn_languages(state: &AppState, ws: i64, created: &[&Stored]) {
    let texts: Vec<(i64, String)> = created
        .iter()
        .filter_map(|s| Some((s.detect_language_of?, s.message.text.clone())))
        .collect();
    if texts.is_empty() {
        return;
    }
    let found = tokio::task::spawn_blocking(move || {
        let mut found: Vec<(i64, &'static str)> = Vec::new();
        for (contact, text) in &texts {
            if found.iter().any(|(c, _)| c == contact) {
                continue;
            }
            if let Some(language) = pronto_core::language::detect(text) {
                found.push((*contact, language));
            }
        }
        found
    })
    .await;
    if let Ok(found) = found
        && let Err(e) = state.store.learn_languages(ws, &found, state.now()).await
    {
        tracing::warn!("the language of {} contacts: {e}", found.len());
    }
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

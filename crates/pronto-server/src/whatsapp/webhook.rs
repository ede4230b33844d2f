//! The webhook worker's WhatsApp side: a claimed batch of bodies turned into the
//! one inbound path's messages (the contact named from `contacts[].profile.name`),
//! reactions, number changes, statuses of Pronto's messages (forward only, with
//! what each cost) and template status updates, in arrival order.

use pronto_channels::whatsapp::errors;
use pronto_channels::whatsapp::webhook::{Change, Content, Message, MessagesValue, Status};
use pronto_channels::whatsapp::{WebhookBody, parse_body};
use pronto_store::{Channel, Inbound, MessageChange, StoreError};
use serde_json::{Value, json};

use crate::meta::{Processed, Progress, finish, stopped_too_often};
use crate::state::AppState;

/// A customer message waiting to be stored with the ones around it.
struct Waiting {
    body: usize,
    place: String,
    message: Inbound,
    /// The ad that brought it, kept on the contact too.
    referral: Option<Value>,
    /// The customer's business-scoped user id, kept on the contact.
    user_id: Option<String>,
}

/// Processes a claimed batch of a WhatsApp channel's bodies, in order; one outcome
/// per body.
pub(crate) async fn process(
    state: &AppState,
    channel: &Channel,
    bodies: &[pronto_store::WebhookBody],
) -> Result<Vec<Processed>, StoreError> {
    let now = state.now();
    let mut progress: Vec<Progress> = bodies.iter().map(|_| Progress::default()).collect();
    let parsed: Vec<Option<WebhookBody>> = bodies
        .iter()
        .zip(progress.iter_mut())
        .map(|(item, p)| {
            if let Some(dead) = stopped_too_often(item) {
                p.dead = Some(dead);
                return None;
            }
            // The one rule for text a backend cannot store: U+0000 is read as U+FFFD.
            match parse_body(&pronto_core::text::storable_json(&item.body)) {
                Ok(body) => Some(body),
                Err(e) => {
                    p.dead = Some(e.to_string());
                    None
                }
            }
        })
        .collect();
    let mut waiting: Vec<Waiting> = Vec::new();
    for (b, body) in parsed.iter().enumerate() {
        let Some(body) = body else { continue };
        for (e, entry) in body.entries.iter().enumerate() {
            for (c, change) in entry.changes.iter().enumerate() {
                let place = format!("entry {e} change {c}");
                match change {
                    Change::Messages(value) => {
                        messages(
                            state,
                            channel,
                            value,
                            b,
                            &place,
                            now,
                            &mut waiting,
                            &mut progress,
                        )
                        .await;
                    }
                    Change::TemplateStatus(t) => {
                        store_waiting(state, channel, &mut waiting, &mut progress).await;
                        let Some(status) = &t.event else { continue };
                        let name_language = t.name.as_deref().zip(t.language.as_deref());
                        if let Err(err) = state
                            .store
                            .set_template_status(
                                channel.workspace_id,
                                channel.id,
                                t.template_id.as_deref(),
                                name_language,
                                status,
                                now,
                            )
                            .await
                        {
                            progress[b].failures.push(format!("{place}: {err}"));
                        }
                    }
                    Change::Invalid(err) => progress[b].failures.push(err.clone()),
                    // Account, quality and tier updates are kept in the body only.
                    Change::Other { .. } => {}
                }
            }
        }
    }
    store_waiting(state, channel, &mut waiting, &mut progress).await;
    finish(state, channel, bodies, progress).await
}

/// One `messages` change: its customer messages wait to be stored together; any
/// other item (a reaction, a number change, a status) first stores those before it.
#[allow(clippy::too_many_arguments)]
async fn messages(
    state: &AppState,
    channel: &Channel,
    value: &MessagesValue,
    b: usize,
    place: &str,
    now: i64,
    waiting: &mut Vec<Waiting>,
    progress: &mut [Progress],
) {
    for (i, m) in value.messages.iter().enumerate() {
        let place = format!("{place} message {i}");
        let Some(sender) = m.sender().map(str::to_owned) else {
            progress[b].failures.push(format!(
                "{place}: a message without \"from\" or \"user_id\""
            ));
            continue;
        };
        let at = m.timestamp.map_or(now, |s| s.saturating_mul(1_000_000));
        let done = match &m.content {
            Content::Invalid(err) => Err(err.clone()),
            Content::Reaction { message_id, emoji } => {
                store_waiting(state, channel, waiting, progress).await;
                reaction(state, channel, &sender, message_id, emoji.as_deref(), at)
                    .await
                    .map_err(|e| e.to_string())
            }
            Content::System(s) => {
                store_waiting(state, channel, waiting, progress).await;
                let value = json!({"type": s.kind, "body": s.body, "new_wa_id": s.new_wa_id,
                    "user_id": s.user_id, "previous_user_id": s.previous_user_id, "at": at});
                state
                    .store
                    .set_contact_attribute(
                        channel.workspace_id,
                        channel.id,
                        &sender,
                        "whatsapp_change",
                        value,
                        now,
                    )
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            _ => {
                waiting.push(customer_message(channel, value, m, sender, at, b, place));
                continue;
            }
        };
        if let Err(err) = done {
            progress[b].failures.push(format!("{place}: {err}"));
        }
    }
    if !value.statuses.is_empty() {
        store_waiting(state, channel, waiting, progress).await;
    }
    for (i, s) in value.statuses.iter().enumerate() {
        if let Err(err) = status(state, channel, s).await {
            progress[b]
                .failures
                .push(format!("{place} status {i}: {err}"));
        }
    }
    for e in &value.errors {
        tracing::warn!(channel = channel.id, "WhatsApp reported: {}", e.reason());
    }
}

fn customer_message(
    channel: &Channel,
    value: &MessagesValue,
    m: &Message,
    sender: String,
    at: i64,
    body: usize,
    place: String,
) -> Waiting {
    let name = value
        .profile_name(&sender)
        .map(str::to_owned)
        .filter(|n| !n.trim().is_empty());
    let message = Inbound {
        channel_id: channel.id,
        contact_external_id: sender,
        contact_name: name,
        external_id: m.id.clone(),
        text: m.text(),
        attachments: Value::Array(m.attachments()),
        at,
    };
    Waiting {
        body,
        place,
        message,
        referral: m.referral.as_ref().map(|r| r.attachment()),
        user_id: m.user_id.clone().filter(|_| m.from.is_some()),
    }
}

/// Stores the waiting customer messages together, then keeps on each contact the
/// ad that brought them and their business-scoped id.
async fn store_waiting(
    state: &AppState,
    channel: &Channel,
    waiting: &mut Vec<Waiting>,
    progress: &mut [Progress],
) {
    if waiting.is_empty() {
        return;
    }
    let batch = std::mem::take(waiting);
    let messages = batch.iter().map(|w| w.message.clone()).collect();
    let results = crate::inbound::receive(state, channel, messages).await;
    for (w, result) in batch.into_iter().zip(results) {
        let done = match result {
            Ok(stored) => {
                progress[w.body].stored += usize::from(stored.created);
                let contact = &w.message.contact_external_id;
                // Its files are fetched soon, while their ids can be downloaded.
                let mut done = queue_media(state, channel, &stored.message).await;
                let mut attributes = Vec::new();
                if let Some(mut r) = w.referral {
                    r["at"] = json!(w.message.at);
                    attributes.push(("referral", r));
                }
                if let Some(id) = w.user_id {
                    attributes.push(("whatsapp_user_id", json!(id)));
                }
                for (key, value) in attributes {
                    if let Err(e) = state
                        .store
                        .set_contact_attribute(
                            channel.workspace_id,
                            channel.id,
                            contact,
                            key,
                            value,
                            state.now(),
                        )
                        .await
                    {
                        done = Err(e);
                    }
                }
                done
            }
            Err(e) => Err(e),
        };
        if let Err(e) = done {
            progress[w.body].failures.push(format!("{}: {e}", w.place));
        }
    }
}

/// Queues the files of a stored customer message for download (again is nothing).
async fn queue_media(
    state: &AppState,
    channel: &Channel,
    m: &pronto_store::Message,
) -> Result<(), StoreError> {
    for a in m.attachments.as_array().into_iter().flatten() {
        if let Some(media_id) = a["media_id"].as_str() {
            state
                .store
                .queue_media(
                    channel.workspace_id,
                    channel.id,
                    m.id,
                    media_id,
                    None,
                    a["mime_type"].as_str(),
                    a["filename"].as_str(),
                    state.now(),
                )
                .await?;
        }
    }
    Ok(())
}

/// A reaction to one of the business's messages (or its removal); it opens the
/// window like a message.
async fn reaction(
    state: &AppState,
    channel: &Channel,
    sender: &str,
    message_id: &str,
    emoji: Option<&str>,
    at: i64,
) -> Result<(), StoreError> {
    state
        .store
        .change_message(
            channel.workspace_id,
            channel.id,
            message_id,
            MessageChange::Reaction(emoji),
            state.now(),
        )
        .await?;
    state.store.customer_acted(channel.id, sender, at).await?;
    Ok(())
}

/// A status of one of Pronto's messages: moved forward only, failures with the
/// reason as people understand it, pricing kept. A status for an id no message has
/// yet is kept by the store until the send records it (another tool's message on the
/// same number never claims it).
async fn status(state: &AppState, channel: &Channel, s: &Status) -> Result<(), String> {
    let Some(id) = &s.id else {
        return Err("a status without the message's \"id\"".into());
    };
    let Some(stored) = s.status.stored() else {
        return match &s.status {
            pronto_channels::whatsapp::webhook::StatusKind::Invalid(e) => Err(e.clone()),
            _ => Ok(()),
        };
    };
    let error = s.errors.first().map(|e| {
        errors::describe(
            e.code.unwrap_or(0),
            e.details.as_deref().or(e.message.as_deref()),
        )
    });
    let pricing = s.pricing.as_ref().map(|p| p.to_json());
    state
        .store
        .apply_message_status(
            channel.workspace_id,
            channel.id,
            pronto_store::StatusUpdate {
                external_id: id,
                status: stored,
                error: error.as_deref(),
                pricing: pricing.as_ref(),
            },
            state.now(),
        )
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

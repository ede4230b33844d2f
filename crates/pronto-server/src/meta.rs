//! Meta's webhooks for Messenger, Instagram and WhatsApp channels: the verification
//! handshake, signed deliveries kept before they are acknowledged, and the worker
//! that turns them into messages, replies seen as echoes, deliveries and reads
//! (WhatsApp's bodies are read by `whatsapp::webhook`, on the same worker).
//!
//! The signature is checked over the raw bytes, in constant time, before anything
//! is parsed. A body with a good signature is written to the webhook inbox and only
//! then acknowledged; a crash after the acknowledgement loses nothing, since the
//! worker claims bodies from the inbox (with a lease) until each is processed.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use pronto_channels::messenger::webhook::{ChangeKind, Comment, EventKind, MessagingEvent};
use pronto_channels::messenger::{PAGE_INBOX_APP_ID, SendMetadata, parse_body};
use pronto_channels::signature::{constant_time_eq, signature_ok};
use pronto_core::Author;
use pronto_core::channel::webhook_secrets;
use pronto_store::{
    Channel, ChannelKind, Inbound, InboundComment, MessageAuthor, MessageChange, PlatformReply,
    StoreError,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use crate::state::AppState;

/// How long a claimed body is the claimant's.
const LEASE: i64 = 60_000_000;
/// Attempts at a body before it goes to the dead letters.
pub const MAX_ATTEMPTS: i64 = 5;

/// The wait before attempt `n + 1` at a body: a minute, doubling (1, 2, 4, 8).
pub fn retry_wait(attempts: i64) -> i64 {
    60_000_000 << (attempts - 1).clamp(0, 10)
}

/// The handshake's query string.
#[derive(Deserialize)]
pub struct Handshake {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

async fn meta_channel(state: &AppState, id: i64) -> ApiResult<Channel> {
    match state.store.channel_any_workspace(id).await {
        Ok(c) if c.kind.has_meta_webhooks() => Ok(c),
        Ok(_) | Err(StoreError::NotFound(_)) => Err(ApiError::not_found("channel")),
        Err(e) => Err(e.into()),
    }
}

/// `GET /webhooks/meta/{channel}`: Meta's verification handshake; echoes the
/// challenge when the mode and the verify token are right.
pub async fn verify(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    Query(q): Query<Handshake>,
) -> ApiResult<impl IntoResponse> {
    let channel = meta_channel(&state, id).await?;
    let (_, expected) = webhook_secrets(channel.kind, &channel.config);
    let token = q.verify_token.unwrap_or_default();
    let ok = q.mode.as_deref() == Some("subscribe")
        && !expected.is_empty()
        && constant_time_eq(token.as_bytes(), expected.as_bytes());
    match (ok, q.challenge) {
        (true, Some(challenge)) => Ok((StatusCode::OK, challenge)),
        _ => Err(ApiError::forbidden(
            "the verify token does not match this channel",
        )),
    }
}

/// `POST /webhooks/meta/{channel}`: a delivery. Refused (403) unless
/// `X-Hub-Signature-256` is the HMAC-SHA256 of the body with the app secret.
pub async fn receive(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let channel = meta_channel(&state, id).await?;
    let (sealed, _) = webhook_secrets(channel.kind, &channel.config);
    let secret = state
        .open_secret(&sealed)
        .map_err(|e| ApiError::internal(&e))?;
    let secret = secret.as_str();
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if secret.is_empty() || !signature_ok(secret, &body, signature) {
        state.count("webhook_bad_signature");
        tracing::warn!(
            channel = id,
            "webhook refused: bad or missing X-Hub-Signature-256"
        );
        return Err(ApiError::forbidden("bad or missing X-Hub-Signature-256"));
    }
    state.store.accept_webhook(id, &body, state.now()).await?;
    state.count("webhook_accepted");
    // The worker, not the workspace's event streams: nothing they show changed yet.
    state.store.work_queued();
    Ok((StatusCode::OK, "EVENT_RECEIVED"))
}

/// What one processing step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Processed {
    /// Nothing was waiting.
    Idle,
    /// A body was processed: how many messages it stored.
    Done(usize),
    /// A body could not be read, or failed [`MAX_ATTEMPTS`] times, and was kept as a
    /// dead letter with the reason (its other events were applied).
    DeadLetter(String),
    /// Some of a body's events failed: the others were applied (`.0` messages
    /// stored), and the body is tried again at `.1`; bodies after it go on.
    Retrying(usize, i64),
}

/// Claims and processes the oldest waiting webhook body.
pub async fn process_next(state: &AppState) -> Result<Processed, StoreError> {
    Ok(process_batch(state, 1)
        .await?
        .into_iter()
        .next()
        .unwrap_or(Processed::Idle))
}

/// How many bodies the worker claims at once.
pub const BATCH: i64 = 128;

/// What became of one body of a batch.
#[derive(Default)]
pub(crate) struct Progress {
    /// Messages stored.
    pub(crate) stored: usize,
    /// Events that failed (where, and why).
    pub(crate) failures: Vec<String>,
    /// Why the body is a dead letter at once.
    pub(crate) dead: Option<String>,
}

/// A body claimed too often without an end (each attempt stopped the worker) is
/// a dead letter; says why.
pub(crate) fn stopped_too_often(item: &pronto_store::WebhookBody) -> Option<String> {
    (item.attempts > MAX_ATTEMPTS).then(|| {
        format!(
            "processing stopped {} times before it ended",
            item.attempts - 1
        )
    })
}

/// A customer message of a batch waiting to be stored with the ones around it: the
/// body it came from, where in the body, and the ad that brought it.
struct Waiting<'a> {
    body: usize,
    place: String,
    message: Inbound,
    referral: Option<&'a pronto_channels::messenger::webhook::Referral>,
}

/// Claims up to `limit` waiting bodies of one channel (oldest first) and processes
/// them in order; one outcome per body (empty when nothing waited). Consecutive
/// customer messages are stored together (one commit for many); any other event
/// first stores the messages before it, so everything applies in arrival order.
pub async fn process_batch(state: &AppState, limit: i64) -> Result<Vec<Processed>, StoreError> {
    let now = state.now();
    let bodies = state.store.claim_webhooks(now, LEASE, limit).await?;
    let Some(first) = bodies.first() else {
        return Ok(Vec::new());
    };
    let channel = state.store.channel_any_workspace(first.channel_id).await?;
    if channel.kind == ChannelKind::WhatsApp {
        return crate::whatsapp::webhook::process(state, &channel, &bodies).await;
    }
    let mut progress: Vec<Progress> = bodies.iter().map(|_| Progress::default()).collect();
    // The one rule for text a backend cannot store: U+0000 is read as U+FFFD.
    let parsed: Vec<Option<pronto_channels::messenger::webhook::WebhookBody>> = bodies
        .iter()
        .zip(progress.iter_mut())
        .map(|(item, p)| {
            if let Some(dead) = stopped_too_often(item) {
                p.dead = Some(dead);
                return None;
            }
            match parse_body(&pronto_core::text::storable_json(&item.body)) {
                Ok(body) => Some(body),
                Err(e) => {
                    p.dead = Some(e.to_string());
                    None
                }
            }
        })
        .collect();
    // Each event on its own: one that fails does not keep the others from being
    // stored. Applying an event again (on the next attempt) changes nothing.
    let mut waiting: Vec<Waiting<'_>> = Vec::new();
    for (b, body) in parsed.iter().enumerate() {
        let Some(body) = body else { continue };
        for (e, entry) in body.entries.iter().enumerate() {
            for (i, (_, _, event)) in entry.events().enumerate() {
                if let Some((message, referral)) = customer_message(&channel, event, now) {
                    waiting.push(Waiting {
                        body: b,
                        place: format!("entry {e} event {i}"),
                        message,
                        referral,
                    });
                    continue;
                }
                store_waiting(state, &channel, &mut waiting, &mut progress).await;
                match apply(state, &channel, event).await {
                    Ok(n) => progress[b].stored += n,
                    Err(err) => progress[b]
                        .failures
                        .push(format!("entry {e} event {i}: {err}")),
                }
            }
            for (i, change) in entry.changes.iter().enumerate() {
                if let ChangeKind::Comment(comment) = &change.kind {
                    store_waiting(state, &channel, &mut waiting, &mut progress).await;
                    let fallback = entry.time.map_or(now, |ms| ms.saturating_mul(1000));
                    match apply_comment(state, &channel, entry.id.as_deref(), comment, fallback)
                        .await
                    {
                        Ok(n) => progress[b].stored += n,
                        Err(err) => progress[b]
                            .failures
                            .push(format!("entry {e} change {i}: {err}")),
                    }
                }
            }
        }
    }
    store_waiting(state, &channel, &mut waiting, &mut progress).await;
    finish(state, &channel, &bodies, progress).await
}

/// Stores the waiting customer messages together, and keeps the ads that brought
/// them; failures go to their bodies.
async fn store_waiting(
    state: &AppState,
    channel: &Channel,
    waiting: &mut Vec<Waiting<'_>>,
    progress: &mut [Progress],
) {
    if waiting.is_empty() {
        return;
    }
    let batch = std::mem::take(waiting);
    let messages = batch.iter().map(|w| w.message.clone()).collect();
    let results = crate::inbound::receive(state, channel, messages).await;
    for (w, result) in batch.iter().zip(results) {
        let done = match result {
            Ok(stored) => {
                progress[w.body].stored += usize::from(stored.created);
                // Its files are copied soon, while the platform's links work.
                let queued = queue_files(state, channel, &stored.message).await;
                match (queued, w.referral) {
                    (Err(e), _) => Err(e),
                    (Ok(()), Some(r)) => {
                        let m = &w.message;
                        remember_referral(state, channel, &m.contact_external_id, r, m.at).await
                    }
                    (Ok(()), None) => Ok(()),
                }
            }
            Err(e) => Err(e),
        };
        if let Err(e) = done {
            progress[w.body].failures.push(format!("{}: {e}", w.place));
        }
    }
}

/// Finishes each body of a batch: processed (all at once), retried later, or kept
/// as a dead letter.
pub(crate) async fn finish(
    state: &AppState,
    channel: &Channel,
    bodies: &[pronto_store::WebhookBody],
    progress: Vec<Progress>,
) -> Result<Vec<Processed>, StoreError> {
    let now = state.now();
    let done: Vec<i64> = bodies
        .iter()
        .zip(&progress)
        .filter(|(_, p)| p.dead.is_none() && p.failures.is_empty())
        .map(|(b, _)| b.id)
        .collect();
    state.store.finish_webhooks(&done, now).await?;
    let mut outcomes = Vec::with_capacity(bodies.len());
    for (item, p) in bodies.iter().zip(progress) {
        if p.dead.is_none() && p.failures.is_empty() {
            outcomes.push(Processed::Done(p.stored));
            continue;
        }
        let dead = match p.dead {
            Some(reason) => reason,
            None => {
                let reason = p.failures.join("; ");
                tracing::warn!(
                    channel = channel.id,
                    body = item.id,
                    attempt = item.attempts,
                    "webhook body failed: {reason}"
                );
                if item.attempts < MAX_ATTEMPTS {
                    let next = now + retry_wait(item.attempts);
                    state.store.retry_webhook(item.id, next, &reason).await?;
                    outcomes.push(Processed::Retrying(p.stored, next));
                    continue;
                }
                format!("failed {} times; last: {reason}", item.attempts)
            }
        };
        state
            .store
            .finish_webhook(item.id, now, Some(&dead))
            .await?;
        state.count("webhook_dead_letter");
        outcomes.push(Processed::DeadLetter(dead));
    }
    Ok(outcomes)
}

/// A customer's message or button tap, as the one inbound path takes it (with the
/// ad or link that brought it); `None` for every other event.
fn customer_message<'a>(
    channel: &Channel,
    event: &'a MessagingEvent,
    now: i64,
) -> Option<(
    Inbound,
    Option<&'a pronto_channels::messenger::webhook::Referral>,
)> {
    let sender = event
        .sender
        .as_ref()
        .and_then(|p| p.id.clone())
        .unwrap_or_default();
    let at = event.timestamp.map_or(now, |ms| ms.saturating_mul(1000));
    let (external_id, text, attachments, referral) = match &event.kind {
        EventKind::Message(m) if !m.is_deleted && !m.is_echo => {
            let mid = m.mid.clone()?;
            let mut attachments: Vec<Value> = m
                .attachments
                .iter()
                .enumerate()
                .map(|(i, a)| file_attachment(&mid, i, a))
                .collect();
            if let Some(q) = &m.quick_reply {
                attachments.push(json!({"type": "quick_reply", "payload": q.payload}));
            }
            if let Some(r) = &m.reply_to {
                attachments.push(match &r.story {
                    Some(story) => {
                        json!({"type": "story_reply", "story_id": story.id, "url": story.url})
                    }
                    None => json!({"type": "reply_to", "mid": r.mid}),
                });
            }
            if m.is_unsupported {
                attachments.push(json!({"type": "unsupported"}));
            }
            if let Some(r) = &m.referral {
                attachments.push(r.attachment());
            }
            let text = m.text.clone().unwrap_or_default();
            (mid, text, attachments, m.referral.as_ref())
        }
        // A button tap: the customer's action, shown as its title; it opens the window.
        EventKind::Postback(p) => {
            let mid = p
                .mid
                .clone()
                .unwrap_or_else(|| format!("postback:{sender}:{at}"));
            let mut attachments = vec![json!({"type": "postback", "payload": p.payload})];
            if let Some(r) = &p.referral {
                attachments.push(r.attachment());
            }
            (mid, p.title.clone().unwrap_or_default(), attachments, None)
        }
        _ => return None,
    };
    let message = Inbound {
        channel_id: channel.id,
        contact_external_id: sender,
        contact_name: None,
        external_id: Some(external_id),
        text,
        attachments: Value::Array(attachments),
        at,
    };
    Some((message, referral))
}

/// An attachment as stored: a file (image, video, audio, file) with a URL gets a
/// `media_id` of Pronto's making (the message's id and its place) and the name its
/// URL ends with, and the media worker copies it (`queue_files`).
fn file_attachment(
    mid: &str,
    i: usize,
    a: &pronto_channels::messenger::webhook::Attachment,
) -> Value {
    let mut value = json!({"type": a.kind, "payload": a.payload});
    let url = a.payload.as_ref().and_then(|p| p["url"].as_str());
    if let (Some(kind), Some(url)) = (a.kind.as_deref(), url)
        && matches!(kind, "image" | "video" | "audio" | "file")
    {
        value["media_id"] = json!(format!("{mid}#{i}"));
        let name = url::Url::parse(url).ok().and_then(|u| {
            u.path_segments()
                .and_then(|mut s| s.next_back().map(str::to_owned))
                .filter(|n| n.contains('.'))
        });
        if let Some(name) = name {
            value["filename"] = json!(name);
        }
    }
    value
}

/// Queues a stored customer message's files for the media worker (again is
/// nothing).
async fn queue_files(
    state: &AppState,
    channel: &Channel,
    m: &pronto_store::Message,
) -> Result<(), StoreError> {
    for a in m.attachments.as_array().into_iter().flatten() {
        if let (Some(media_id), Some(url)) = (a["media_id"].as_str(), a["payload"]["url"].as_str())
        {
            state
                .store
                .queue_media(
                    channel.workspace_id,
                    channel.id,
                    m.id,
                    media_id,
                    Some(url),
                    None,
                    a["filename"].as_str(),
                    state.now(),
                )
                .await?;
        }
    }
    Ok(())
}

/// Applies one messaging event; returns how many messages it stored.
async fn apply(
    state: &AppState,
    channel: &Channel,
    event: &MessagingEvent,
) -> Result<usize, StoreError> {
    let ws = channel.workspace_id;
    let now = state.now();
    let party = |p: &Option<pronto_channels::messenger::webhook::Party>| {
        p.as_ref().and_then(|p| p.id.clone()).unwrap_or_default()
    };
    let at = event.timestamp.map_or(now, |ms| ms.saturating_mul(1000));
    match &event.kind {
        // Instagram: the customer deleted a message; its stored copy goes too.
        EventKind::Message(m) if m.is_deleted => {
            if let Some(mid) = &m.mid {
                let change = MessageChange::Delete { at };
                changed(state, channel, mid, change).await?;
            }
            Ok(0)
        }
        EventKind::MessageEdit(e) => {
            if let (Some(mid), Some(text)) = (&e.mid, &e.text) {
                changed(state, channel, mid, MessageChange::Edit { text, at }).await?;
            }
            Ok(0)
        }
        // A reaction is shown on the message and opens the window like a message.
        EventKind::Reaction(r) => {
            let Some(mid) = &r.mid else { return Ok(0) };
            let react = r.action.as_deref() != Some("unreact");
            let emoji = r.emoji.clone().or_else(|| r.reaction.clone());
            let change = MessageChange::Reaction(if react { emoji.as_deref() } else { None });
            changed(state, channel, mid, change).await?;
            if react {
                state
                    .store
                    .customer_acted(channel.id, &party(&event.sender), at)
                    .await?;
            }
            Ok(0)
        }
        // A known customer re-entered the thread from a link or an ad: the agent sees
        // where from, and the window opens.
        EventKind::Referral(r) => {
            let sender = party(&event.sender);
            remember_referral(state, channel, &sender, r, at).await?;
            state.store.customer_acted(channel.id, &sender, at).await?;
            Ok(0)
        }
        // What the customer agreed to, for the agent to see. The marketing token is
        // not kept: Pronto does not send marketing messages.
        EventKind::Optin(o) => {
            let value = json!({
                "type": o.kind, "payload": o.payload, "title": o.title,
                "status": o.notification_messages_status, "at": at,
            });
            state
                .store
                .set_contact_attribute(ws, channel.id, &party(&event.sender), "optin", value, now)
                .await?;
            Ok(0)
        }
        EventKind::Message(m) if m.is_echo => {
            let Some(mid) = m.mid.clone() else {
                return Ok(0);
            };
            let ours = channel.meta_config().app_id_number();
            let metadata = m.metadata.as_deref().and_then(SendMetadata::decode);
            // One of Pronto's own sends: give it its platform id, never a second copy.
            if m.app_id.is_some()
                && m.app_id == ours
                && let Some(id) = metadata
                    .as_ref()
                    .and_then(|md| md.message.as_ref())
                    .and_then(|i| i.parse().ok())
                && state.store.attach_platform_id(channel.id, id, &mid).await?
            {
                return Ok(0);
            }
            if state
                .store
                .platform_message_at(channel.id, &mid)
                .await?
                .is_some()
            {
                return Ok(0);
            }
            let author = match (m.app_id, metadata) {
                (None, _) | (Some(PAGE_INBOX_APP_ID), _) => MessageAuthor::Agent,
                (Some(app), Some(md)) if Some(app) == ours => match md.author {
                    Author::Agent => MessageAuthor::Agent,
                    Author::Bot => MessageAuthor::Bot,
                    Author::Automation => MessageAuthor::Automation,
                },
                _ => MessageAuthor::Bot,
            };
            let reply = PlatformReply {
                channel_id: channel.id,
                contact_external_id: party(&event.recipient),
                external_id: mid,
                author,
                text: m.text.clone().unwrap_or_default(),
                at,
            };
            match state.store.record_platform_reply(ws, &reply, now).await {
                Ok(stored) => {
                    if stored.created {
                        state.after_change(ws, channel.id);
                    }
                    Ok(usize::from(stored.created))
                }
                // An echo to a customer who never wrote: nothing to attach it to.
                Err(StoreError::NotFound(_)) => Ok(0),
                Err(e) => Err(e),
            }
        }
        EventKind::Read(r) => {
            // Messenger gives a watermark; Instagram's `messaging_seen` the message read.
            let watermark = match (r.watermark, &r.mid) {
                (Some(w), _) => Some(w.saturating_mul(1000)),
                (None, Some(mid)) => state.store.platform_message_at(channel.id, mid).await?,
                (None, None) => None,
            };
            if let Some(w) = watermark {
                let contact = party(&event.sender);
                state
                    .store
                    .apply_watermark(ws, channel.id, &contact, "read", w, now)
                    .await?;
            }
            Ok(0)
        }
        EventKind::Delivery(d) => {
            if let Some(w) = d.watermark {
                let contact = party(&event.sender);
                state
                    .store
                    .apply_watermark(
                        ws,
                        channel.id,
                        &contact,
                        "delivered",
                        w.saturating_mul(1000),
                        now,
                    )
                    .await?;
            }
            Ok(0)
        }
        // Other kinds are kept in the inbox body and ignored here.
        _ => Ok(0),
    }
}

/// Applies a change to a stored message and announces it.
async fn changed(
    state: &AppState,
    channel: &Channel,
    mid: &str,
    change: MessageChange<'_>,
) -> Result<(), StoreError> {
    state
        .store
        .change_message(channel.workspace_id, channel.id, mid, change, state.now())
        .await?;
    Ok(())
}

/// Keeps the ad or link that brought a customer on their contact card.
async fn remember_referral(
    state: &AppState,
    channel: &Channel,
    contact: &str,
    r: &pronto_channels::messenger::webhook::Referral,
    at: i64,
) -> Result<(), StoreError> {
    let mut value = r.attachment();
    value["at"] = json!(at);
    state
        .store
        .set_contact_attribute(
            channel.workspace_id,
            channel.id,
            contact,
            "referral",
            value,
            state.now(),
        )
        .await?;
    Ok(())
}

/// Stores a comment on one of the channel's posts (or marks it removed). A Page
/// commenter is known by a Facebook user id, not a PSID, so it is kept apart from
/// Messenger identities; an Instagram commenter's id is their IGSID.
async fn apply_comment(
    state: &AppState,
    channel: &Channel,
    account: Option<&str>,
    c: &Comment,
    fallback_at: i64,
) -> Result<usize, StoreError> {
    let ws = channel.workspace_id;
    let (Some(id), Some(from)) = (&c.id, c.from.as_ref().and_then(|f| f.id.clone())) else {
        return Ok(0);
    };
    // The business's own comments (answers under its posts) are not the customer's.
    if Some(from.as_str()) == account || channel.meta_config().page_id == from {
        return Ok(0);
    }
    let at = c
        .created_time
        .map_or(fallback_at, |s| s.saturating_mul(1_000_000));
    if c.verb == "remove" {
        state
            .store
            .remove_comment(ws, channel.id, id, at, state.now())
            .await?;
        return Ok(0);
    }
    if c.verb != "add" {
        return Ok(0);
    }
    let contact = if channel.kind == ChannelKind::Messenger {
        format!("{}{from}", crate::reply::COMMENTER_PREFIX)
    } else {
        from
    };
    let name = c
        .from
        .as_ref()
        .and_then(|f| f.name.clone().or_else(|| f.username.clone()));
    let inbound = InboundComment {
        channel_id: channel.id,
        external_id: id.clone(),
        post_id: c.post_id.clone(),
        parent_id: c.parent_id.clone(),
        contact_external_id: contact,
        contact_name: name,
        text: c.text.clone().unwrap_or_default(),
        at,
    };
    let (_, created) = state
        .store
        .receive_comment(ws, &inbound, state.now())
        .await?;
    Ok(usize::from(created))
}

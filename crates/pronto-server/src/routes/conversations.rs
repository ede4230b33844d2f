//! Conversations: the list, one with its messages, and what agents do to them.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use pronto_core::Folder;
use pronto_store::{
    Contact, Conversation, ConversationQuery, ListCursor, LiveEvent, Message, MessageAuthor, Note,
    Outbound,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// The longest reply text accepted, in characters (channels may allow less).
pub use crate::reply::MAX_TEXT;

/// The longest note, in characters.
pub const MAX_NOTE: usize = 10_000;

/// The most labels a conversation carries.
pub const MAX_LABELS: usize = 50;

/// Messages in one page of a conversation (the API's and the inbox pane's).
pub const PAGE_MESSAGES: i64 = 200;

/// Notes in one page of a conversation.
pub const PAGE_NOTES: i64 = 50;

/// The query string.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only this folder: inbox, done or spam.
    #[param(value_type = Option<String>)]
    folder: Option<Folder>,
    assignee: Option<i64>,
    #[serde(default)]
    unassigned: bool,
    channel: Option<i64>,
    label: Option<String>,
    #[serde(default)]
    waiting: bool,
    /// true: only the snoozed ones; false: leave them out; absent: all.
    snoozed: Option<bool>,
    cursor: Option<String>,
    limit: Option<i64>,
}

/// A page of the conversation list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ConversationPage {
    /// The conversations, longest waiting first.
    items: Vec<Conversation>,
    /// Pass it as `cursor` for the next page; absent on the last one.
    next_cursor: Option<String>,
}

/// One conversation with what an agent needs to answer it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ConversationDetail {
    conversation: Conversation,
    contact: Contact,
    /// The latest 200 messages (before `messages_before`), oldest first.
    messages: Vec<Message>,
    /// When older messages exist: pass this as `messages_before` for them.
    older_messages: Option<i64>,
    /// The latest 50 notes (before `notes_before`), oldest first.
    notes: Vec<Note>,
    /// When older notes exist: pass this as `notes_before` for them.
    older_notes: Option<i64>,
}

/// The query string of one conversation: which page of its messages and notes.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DetailParams {
    /// The messages before this one (the `older_messages` of the previous page).
    messages_before: Option<i64>,
    /// The notes before this one (the `older_notes` of the previous page).
    notes_before: Option<i64>,
}

fn parse_cursor(text: &str) -> ApiResult<ListCursor> {
    let bad = || {
        ApiError::invalid(format!(
            "bad cursor {text:?}: pass back the next_cursor of the previous page"
        ))
    };
    let (key, id) = text.split_once('.').ok_or_else(bad)?;
    Ok(ListCursor {
        key: key.parse().map_err(|_| bad())?,
        id: id.parse().map_err(|_| bad())?,
    })
}

/// `GET /api/v1/conversations`: waiting longest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations", params(ListParams), responses((status = 200, description = "A page, longest waiting first", body = ConversationPage), (status = 400, description = "A bad filter or cursor", body = crate::openapi::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<impl IntoResponse> {
    let limit = p.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid("limit must be between 1 and 200"));
    }
    let query = ConversationQuery {
        folder: p.folder,
        assignee: p.assignee,
        unassigned: p.unassigned,
        channel: p.channel,
        label: p.label,
        waiting: p.waiting,
        snoozed: p.snoozed.map(|only| (only, state.now())),
        after: p.cursor.as_deref().map(parse_cursor).transpose()?,
        limit,
    };
    let items = state.store.conversations(auth.workspace(), &query).await?;
    let next = match items.last() {
        Some(last) if items.len() as i64 == limit => {
            let key = state.store.list_key(auth.workspace(), last.id).await?;
            Some(format!("{key}.{}", last.id))
        }
        _ => None,
    };
    Ok(Json(ConversationPage {
        items,
        next_cursor: next,
    }))
}

/// `GET /api/v1/conversations/{id}`: with its messages, notes and contact.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations", params(("id" = i64, Path, description = "The conversation"), DetailParams), responses((status = 200, description = "The conversation with its contact, its latest 200 messages and latest 50 notes (older ones page by page with messages_before and notes_before)", body = ConversationDetail), (status = 404, description = "No such conversation", body = crate::openapi::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DetailParams>,
) -> ApiResult<impl IntoResponse> {
    let ws = auth.workspace();
    let conversation = state.store.conversation(ws, id).await?;
    let (messages, older) = state
        .store
        .messages_page(ws, id, q.messages_before, PAGE_MESSAGES)
        .await?;
    let older_messages = messages.first().map(|m| m.id).filter(|_| older);
    let (notes, older) = state
        .store
        .notes_page(ws, id, q.notes_before, PAGE_NOTES)
        .await?;
    let older_notes = notes.first().map(|n| n.id).filter(|_| older);
    let contact = state.store.contact(ws, conversation.contact_id).await?;
    // An agent opened it: the customer sees it seen, if the channel wants that.
    if auth.0.user_id.is_some() {
        let channel = state.store.channel(ws, conversation.channel_id).await?;
        let mark = match channel.kind {
            pronto_store::ChannelKind::WhatsApp => channel.whatsapp_config().mark_read,
            kind => kind.is_meta() && channel.meta_config().mark_seen,
        };
        if mark {
            sender_action(&state, channel, id, "mark_seen");
        }
    }
    Ok(Json(ConversationDetail {
        conversation,
        contact,
        messages,
        older_messages,
        notes,
        older_notes,
    }))
}

/// Sends a sender action in the background: it is a courtesy to the customer, and
/// a failure must not fail the agent's request.
fn sender_action(state: &AppState, channel: pronto_store::Channel, id: i64, action: &'static str) {
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = crate::graph::sender_action(&state, &channel, id, action).await {
            tracing::debug!(conversation = id, "{action} not shown: {e:?}");
        }
    });
}

/// `POST /api/v1/conversations/{id}/typing`: the caller is writing a reply. Other
/// agents see a `conversation.typing` event; on Messenger, Instagram and WhatsApp the
/// customer sees the typing indicator (Meta turns it off after 20 or 25 seconds or
/// at the reply).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/typing", tag = "conversations", params(("id" = i64, Path, description = "The conversation")), responses((status = 202, description = "Announced")))]
pub async fn typing(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let ws = auth.workspace();
    let conversation = state.store.conversation(ws, id).await?;
    let now = state.now();
    let event = LiveEvent::ConversationTyping {
        conversation_id: id,
        user_id: auth.0.user_id,
        at: now,
    };
    state.store.publish(ws, &event, now).await?;
    let channel = state.store.channel(ws, conversation.channel_id).await?;
    if channel.kind.has_meta_webhooks() {
        sender_action(&state, channel, id, "typing_on");
    }
    Ok(StatusCode::ACCEPTED)
}

/// `POST /api/v1/conversations/{id}/viewing`: the caller has the conversation open.
/// The page repeats it while open; other agents see a `conversation.viewing` event
/// ("Ana is viewing") so two people do not answer the same customer.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/viewing", tag = "conversations", params(("id" = i64, Path, description = "The conversation")), responses((status = 202, description = "Others are told")))]
pub async fn viewing(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let ws = auth.workspace();
    let user = auth.user()?;
    state.store.conversation(ws, id).await?;
    let now = state.now();
    let event = LiveEvent::ConversationViewing {
        conversation_id: id,
        user_id: user,
        at: now,
    };
    state.store.publish(ws, &event, now).await?;
    Ok(StatusCode::ACCEPTED)
}

/// `POST /api/v1/messages/{id}/retry`: sends a failed reply again (the policy is
/// checked again at sending, so a reply refused for the window stays refused).
#[utoipa::path(post, path = "/api/v1/messages/{id}/retry", tag = "conversations", params(("id" = i64, Path, description = "The failed message")), responses((status = 200, description = "The message, queued again", body = pronto_store::Message), (status = 409, description = "The message did not fail", body = crate::openapi::ErrorBody)))]
pub async fn retry(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let ws = auth.workspace();
    let message = state.store.retry_message(ws, id, state.now()).await?;
    Ok(Json(message))
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Assign {
    user_id: Option<i64>,
}

/// `POST /api/v1/conversations/{id}/assign`: to a member, or to nobody (`null`).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/assign", tag = "conversations", params(("id" = i64, Path, description = "The conversation")), request_body = Assign, responses((status = 200, description = "The conversation", body = pronto_store::Conversation)))]
pub async fn assign(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Assign>,
) -> ApiResult<impl IntoResponse> {
    let c = state
        .store
        .assign(auth.workspace(), id, body.user_id, state.now())
        .await?;
    Ok(Json(c))
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Move {
    /// inbox, done or spam.
    #[schema(value_type = String)]
    folder: Folder,
}

/// `POST /api/v1/conversations/{id}/move`: to inbox, done or spam.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/move", tag = "conversations", params(("id" = i64, Path, description = "The conversation")), request_body = Move, responses((status = 200, description = "The conversation", body = pronto_store::Conversation)))]
pub async fn move_to(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Move>,
) -> ApiResult<impl IntoResponse> {
    let c = state
        .store
        .move_to(auth.workspace(), id, body.folder, state.now())
        .await?;
    state.after_change(auth.workspace(), c.channel_id);
    Ok(Json(c))
}

/// The request body: `until` a time, or `until_reply`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SnoozeBody {
    /// Until when (RFC 3339, in the future).
    until: Option<String>,
    /// Until the customer writes.
    #[serde(default)]
    until_reply: bool,
}

/// `POST /api/v1/conversations/{id}/snooze`: out of the inbox until a time or until
/// the customer writes (a customer's message wakes it either way).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/snooze", tag = "conversations", params(("id" = i64, Path, description = "The conversation")), request_body = SnoozeBody, responses((status = 200, description = "The conversation", body = pronto_store::Conversation), (status = 400, description = "Neither or both of until and until_reply, or a time not in the future", body = crate::openapi::ErrorBody)))]
pub async fn snooze(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SnoozeBody>,
) -> ApiResult<impl IntoResponse> {
    let now = state.now();
    let until = match (&body.until, body.until_reply) {
        (Some(at), false) => {
            let at = pronto_core::Timestamp::parse(at)
                .map_err(|e| ApiError::invalid(format!("until: {e}")).on_field("until"))?
                .micros();
            if at <= now {
                return Err(ApiError::invalid("until: must be in the future").on_field("until"));
            }
            Some(at)
        }
        (None, true) => None,
        _ => {
            return Err(ApiError::invalid(
                "give either until (a time) or until_reply: true",
            ));
        }
    };
    let ws = auth.workspace();
    state.store.snooze(ws, id, until, now).await?;
    Ok(Json(state.store.conversation(ws, id).await?))
}

/// `DELETE /api/v1/conversations/{id}/snooze`: back in the inbox now.
#[utoipa::path(delete, path = "/api/v1/conversations/{id}/snooze", tag = "conversations", params(("id" = i64, Path, description = "The conversation")), responses((status = 200, description = "The conversation", body = pronto_store::Conversation)))]
pub async fn unsnooze(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let ws = auth.workspace();
    state.store.unsnooze(ws, id, state.now()).await?;
    Ok(Json(state.store.conversation(ws, id).await?))
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Labels {
    #[serde(default)]
    add: Vec<String>,
    #[serde(default)]
    remove: Vec<String>,
}

/// `POST /api/v1/conversations/{id}/labels`.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/labels", tag = "conversations", params(("id" = i64, Path, description = "The conversation")), request_body = Labels, responses((status = 200, description = "The conversation", body = pronto_store::Conversation), (status = 400, description = "A label empty or over 64 characters, or more than 50 labels on the conversation", body = crate::openapi::ErrorBody)))]
pub async fn labels(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Labels>,
) -> ApiResult<impl IntoResponse> {
    for l in body.add.iter().chain(&body.remove) {
        if l.trim().is_empty() || l.chars().count() > 64 {
            return Err(ApiError::invalid("labels: a label has 1 to 64 characters"));
        }
    }
    let current = state.store.conversation(auth.workspace(), id).await?;
    let mut after: std::collections::BTreeSet<&str> =
        current.labels.iter().map(String::as_str).collect();
    after.extend(body.add.iter().map(String::as_str));
    for l in &body.remove {
        after.remove(l.as_str());
    }
    if after.len() > MAX_LABELS && after.len() > current.labels.len() {
        return Err(ApiError::invalid(format!(
            "labels: a conversation has at most {MAX_LABELS} labels; this would make {}",
            after.len()
        )));
    }
    let c = state
        .store
        .label(auth.workspace(), id, &body.add, &body.remove, state.now())
        .await?;
    Ok(Json(c))
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewNote {
    text: String,
}

/// `POST /api/v1/conversations/{id}/notes`: an internal note (people only).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/notes", tag = "conversations", params(("id" = i64, Path, description = "The conversation")), request_body = NewNote, responses((status = 201, description = "The note", body = pronto_store::Note), (status = 400, description = "Empty, or longer than 10,000 characters", body = crate::openapi::ErrorBody)))]
pub async fn add_note(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewNote>,
) -> ApiResult<impl IntoResponse> {
    let user = auth.user()?;
    crate::reply::check_text(&body.text)?;
    let n = body.text.chars().count();
    if n > MAX_NOTE {
        return Err(ApiError::invalid(format!(
            "text: a note has at most {MAX_NOTE} characters; this one has {n}"
        )));
    }
    let note = state
        .store
        .add_note(auth.workspace(), id, user, &body.text, state.now())
        .await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    text: String,
    #[serde(default)]
    #[schema(value_type = Option<Vec<Object>>)]
    attachments: Option<Value>,
    /// `agent` (a person; the default for a signed-in user), `bot` (the default for an
    /// API token) or `automation` (never counts as a response).
    author: Option<MessageAuthor>,
    /// An email reply's subject (email channels only; by default `Re:` and the
    /// customer's subject).
    subject: Option<String>,
}

/// `POST /api/v1/conversations/{id}/messages`: a reply, stored with its outbox entry
/// and delivered by the channel's worker. An `Idempotency-Key` header makes retries
/// safe: the same key twice stores one message.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "conversations", params(("id" = i64, Path, description = "The conversation"), ("Idempotency-Key" = Option<String>, Header, description = "The same key twice stores one message")), request_body = Reply, responses((status = 201, description = "The reply, queued for delivery", body = pronto_store::Message), (status = 200, description = "The reply already stored under this Idempotency-Key", body = pronto_store::Message)))]
pub async fn reply(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Reply>,
) -> ApiResult<impl IntoResponse> {
    let author = match (body.author, auth.0.user_id) {
        (Some(MessageAuthor::Customer), _) => {
            return Err(ApiError::invalid(
                "a reply cannot be written as the customer",
            ));
        }
        (Some(MessageAuthor::Agent), None) => {
            return Err(ApiError::forbidden(
                "an API token cannot write as an agent; use author \"bot\"",
            ));
        }
        (Some(a), _) => a,
        (None, Some(_)) => MessageAuthor::Agent,
        (None, None) => MessageAuthor::Bot,
    };
    let key = crate::extract::idempotency_key(&headers)?;
    // Refuse before storing what the platform would refuse, and say why.
    let conversation = state.store.conversation(auth.workspace(), id).await?;
    let channel = state
        .store
        .channel(auth.workspace(), conversation.channel_id)
        .await?;
    let out = Outbound {
        conversation_id: id,
        author,
        agent_id: if author == MessageAuthor::Agent {
            auth.0.user_id
        } else {
            None
        },
        text: body.text,
        attachments: super::uploads::resolve(
            &state,
            auth.workspace(),
            &channel,
            body.attachments.unwrap_or_else(|| json!([])),
        )
        .await?,
        idempotency_key: key,
        subject: crate::email::subject(&channel, body.subject)?,
    };
    let stored = crate::reply::send(&state, &channel, &out, state.now()).await?;
    let status = if stored.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(stored.message)))
}

//! Conversations: the list, one with its messages, and what agents do to them.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use pronto_core::Folder;
use pronto_store::{ConversationQuery, ListCursor, MessageAuthor, Outbound};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// The longest reply text accepted, in characters (channels may allow less).
pub const MAX_TEXT: usize = 20_000;

/// The query string.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    folder: Option<Folder>,
    assignee: Option<i64>,
    #[serde(default)]
    unassigned: bool,
    channel: Option<i64>,
    label: Option<String>,
    #[serde(default)]
    waiting: bool,
    cursor: Option<String>,
    limit: Option<i64>,
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
    Ok(Json(json!({"items": items, "next_cursor": next})))
}

/// `GET /api/v1/conversations/{id}`: with its messages, notes and contact.
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let ws = auth.workspace();
    let conversation = state.store.conversation(ws, id).await?;
    let messages = state.store.messages(ws, id, 500).await?;
    let notes = state.store.notes(ws, id).await?;
    let contact = state.store.contact(ws, conversation.contact_id).await?;
    Ok(Json(json!({
        "conversation": conversation,
        "contact": contact,
        "messages": messages,
        "notes": notes,
    })))
}

/// The request body.
#[derive(Deserialize)]
pub struct Assign {
    user_id: Option<i64>,
}

/// `POST /api/v1/conversations/{id}/assign`: to a member, or to nobody (`null`).
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
    state.hub.notify(auth.workspace());
    Ok(Json(c))
}

/// The request body.
#[derive(Deserialize)]
pub struct Move {
    folder: Folder,
}

/// `POST /api/v1/conversations/{id}/move`: to inbox, done or spam.
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
    state.hub.notify(auth.workspace());
    state.after_change(auth.workspace(), c.channel_id);
    Ok(Json(c))
}

/// The request body.
#[derive(Deserialize)]
pub struct Labels {
    #[serde(default)]
    add: Vec<String>,
    #[serde(default)]
    remove: Vec<String>,
}

/// `POST /api/v1/conversations/{id}/labels`.
pub async fn labels(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Labels>,
) -> ApiResult<impl IntoResponse> {
    for l in body.add.iter().chain(&body.remove) {
        if l.trim().is_empty() || l.chars().count() > 64 {
            return Err(ApiError::invalid("a label has 1 to 64 characters"));
        }
    }
    let c = state
        .store
        .label(auth.workspace(), id, &body.add, &body.remove, state.now())
        .await?;
    state.hub.notify(auth.workspace());
    Ok(Json(c))
}

/// The request body.
#[derive(Deserialize)]
pub struct NewNote {
    text: String,
}

/// `POST /api/v1/conversations/{id}/notes`: an internal note (people only).
pub async fn add_note(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewNote>,
) -> ApiResult<impl IntoResponse> {
    let user = auth.user()?;
    check_text(&body.text)?;
    let note = state
        .store
        .add_note(auth.workspace(), id, user, &body.text, state.now())
        .await?;
    state.hub.notify(auth.workspace());
    Ok((StatusCode::CREATED, Json(note)))
}

/// The request body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    text: String,
    #[serde(default)]
    attachments: Option<Value>,
    /// `agent` (a person; the default for a signed-in user), `bot` (the default for an
    /// API token) or `automation` (never counts as a response).
    author: Option<MessageAuthor>,
}

/// `POST /api/v1/conversations/{id}/messages`: a reply, stored with its outbox entry
/// and delivered by the channel's worker. An `Idempotency-Key` header makes retries
/// safe: the same key twice stores one message.
pub async fn reply(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Reply>,
) -> ApiResult<impl IntoResponse> {
    check_text(&body.text)?;
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
    let key = match headers.get("idempotency-key") {
        Some(v) => Some(
            v.to_str()
                .ok()
                .filter(|k| !k.is_empty() && k.len() <= 200)
                .ok_or_else(|| {
                    ApiError::invalid("Idempotency-Key must be 1 to 200 visible ASCII characters")
                })?
                .to_owned(),
        ),
        None => None,
    };
    let out = Outbound {
        conversation_id: id,
        author,
        agent_id: if author == MessageAuthor::Agent {
            auth.0.user_id
        } else {
            None
        },
        text: body.text,
        attachments: body.attachments.unwrap_or_else(|| json!([])),
        idempotency_key: key,
    };
    let stored = state
        .store
        .send(auth.workspace(), &out, state.now())
        .await?;
    state.hub.notify(auth.workspace());
    if stored.created {
        state.after_change(auth.workspace(), stored.message.channel_id);
    }
    let status = if stored.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(stored.message)))
}

fn check_text(text: &str) -> ApiResult<()> {
    if text.trim().is_empty() {
        return Err(ApiError::invalid("the text is empty"));
    }
    let n = text.chars().count();
    if n > MAX_TEXT {
        return Err(ApiError::invalid(format!(
            "the text has {n} characters; the limit is {MAX_TEXT}"
        )));
    }
    Ok(())
}

//! Comments on the channels' posts, and the one private reply each may get.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use pronto_core::Timestamp;
use pronto_core::policy;
use pronto_store::{Comment, MessageAuthor, Outbound};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// The query string.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CommentParams {
    /// Only this channel's.
    channel: Option<i64>,
    /// Only those still without a private reply (and not removed).
    #[serde(default)]
    unanswered: bool,
    /// At most this many (1 to 500; 100 by default).
    limit: Option<i64>,
}

/// `GET /api/v1/comments`: comments on the channels' posts, newest first.
#[utoipa::path(get, path = "/api/v1/comments", tag = "comments", params(CommentParams), responses((status = 200, description = "Comments, newest first", body = Vec<Comment>)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<CommentParams>,
) -> ApiResult<impl IntoResponse> {
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let comments = state
        .store
        .comments(auth.workspace(), q.channel, q.unanswered, limit)
        .await?;
    Ok(Json(comments))
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PrivateReply {
    text: String,
}

/// `POST /api/v1/comments/{id}/private-reply`: answers a comment in the commenter's
/// Messenger or Instagram inbox. One per comment, within seven days of it; refused
/// before storing otherwise, with the reason. Written by a person (or, with an API
/// token, a bot); delivered through the outbox like every reply.
#[utoipa::path(post, path = "/api/v1/comments/{id}/private-reply", tag = "comments", params(("id" = i64, Path, description = "The comment"), ("Idempotency-Key" = Option<String>, Header, description = "The same key twice stores one message")), request_body = PrivateReply, responses((status = 201, description = "The reply, queued for delivery", body = pronto_store::Message), (status = 422, description = "Refused by the platform's rules", body = crate::openapi::ErrorBody), (status = 409, description = "The comment already has its reply", body = crate::openapi::ErrorBody)))]
pub async fn private_reply(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PrivateReply>,
) -> ApiResult<impl IntoResponse> {
    let ws = auth.workspace();
    if body.text.trim().is_empty() {
        return Err(ApiError::invalid("the text is empty"));
    }
    let idempotency_key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|k| format!("private-reply:{id}:{k}"));
    if let Some(key) = &idempotency_key
        && let Some(existing) = state.store.by_idempotency_key(ws, key).await?
    {
        return Ok((StatusCode::OK, Json(existing)));
    }
    let comment = state.store.comment(ws, id).await?;
    let channel = state.store.channel(ws, comment.channel_id).await?;
    if let Err(refusal) = policy::decide_private_reply(
        Timestamp::from_micros(comment.at),
        comment.reply_message_id.is_some(),
        Timestamp::from_micros(state.now()),
        channel.kind.platform(),
        &body.text,
    ) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            refusal.code(),
            refusal.to_string(),
        ));
    }
    let author = match auth.0.user_id {
        Some(_) => MessageAuthor::Agent,
        None => MessageAuthor::Bot,
    };
    let out = Outbound {
        conversation_id: 0,
        author,
        agent_id: auth.0.user_id,
        text: body.text,
        attachments: serde_json::Value::Null,
        idempotency_key,
        subject: None,
    };
    let stored = state.store.private_reply(ws, id, out, state.now()).await?;
    state.after_change(ws, channel.id);
    Ok((StatusCode::CREATED, Json(stored.message)))
}

//! Email channels' API: "test connection" for admins, a mail's headers and whole
//! text (the message shows the trimmed text), its HTML with its inline images or
//! its raw bytes for agents, and
//! "Move to email" from a chat conversation.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use pronto_store::{ChannelKind, MessageAuthor, Outbound};
use serde::Deserialize;
use serde_json::json;

use crate::email::continuation;
use crate::extract::ApiJson;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use crate::state::AppState;

/// `POST /api/v1/channels/{id}/email/test` (admins): signs in to the channel's IMAP
/// server and selects its folder, connects to its SMTP server with TLS and AUTH,
/// and says for each what failed.
#[utoipa::path(post, path = "/api/v1/channels/{id}/email/test", tag = "channels", params(("id" = i64, Path, description = "An email channel")), responses((status = 200, description = "Each server's verdict", body = crate::email::check::Report), (status = 400, description = "Not an email channel", body = crate::openapi::ErrorBody), (status = 404, description = "No such channel", body = crate::openapi::ErrorBody)))]
pub async fn test(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    let channel = state.store.channel(auth.workspace(), id).await?;
    if channel.kind != ChannelKind::Email {
        return Err(ApiError::invalid("not an email channel"));
    }
    Ok(Json(
        crate::email::check::run(&state, &channel.email_config()).await,
    ))
}

/// `GET /api/v1/messages/{id}/email`: an email message's headers and whole text,
/// quoted history and signature included.
#[utoipa::path(get, path = "/api/v1/messages/{id}/email", tag = "conversations", params(("id" = i64, Path, description = "A message of an email channel")), responses((status = 200, description = "Message-ID, subject, In-Reply-To, References, sender, whether a robot sent it, the whole text"), (status = 404, description = "No such email message in this workspace", body = crate::openapi::ErrorBody)))]
pub async fn message(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let h = state
        .store
        .message_email(auth.workspace(), id)
        .await?
        .ok_or_else(|| ApiError::not_found("email message"))?;
    Ok(Json(json!({
        "message_id": h.rfc_id,
        "direction": h.direction,
        "subject": h.subject,
        "in_reply_to": h.in_reply_to,
        "references": h.references,
        "from": h.from_address,
        "automated": h.automated,
        "full_text": h.full_text,
        "raw": h.raw.is_some().then(|| format!("/api/v1/messages/{id}/email/raw")),
    })))
}

/// `GET /api/v1/messages/{id}/email/raw`: a received mail as it came, as a
/// download (never rendered by the browser).
#[utoipa::path(get, path = "/api/v1/messages/{id}/email/raw", tag = "conversations", params(("id" = i64, Path, description = "A received email message")), responses((status = 200, description = "The mail's bytes (message/rfc822), as a download"), (status = 404, description = "No such received mail in this workspace", body = crate::openapi::ErrorBody)))]
pub async fn raw(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let raw = state
        .store
        .message_email(auth.workspace(), id)
        .await?
        .and_then(|h| h.raw)
        .ok_or_else(|| ApiError::not_found("email message"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"message-{id}.eml\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        raw,
    ))
}

/// The policy of a mail's HTML: no script (and a sandbox without scripts), no
/// form, no plugin, nothing from elsewhere (remote images, trackers included):
/// images only from Pronto (the mail's own, served to agents), the mail's own
/// inline styles; framed only by Pronto's pages.
pub const HTML_POLICY: &str = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; \
base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-same-origin";

/// `GET /api/v1/messages/{id}/email/html`: a received mail's HTML part as sent,
/// its inline images (`cid:`) pointed at their files (`/api/v1/media/{id}`,
/// served to the workspace's agents), under [`HTML_POLICY`]; the pane shows it in
/// a sandboxed frame under "Show the whole email".
#[utoipa::path(get, path = "/api/v1/messages/{id}/email/html", tag = "conversations", params(("id" = i64, Path, description = "A received email message")), responses((status = 200, description = "The mail's HTML (text/html), under a policy that runs no script and loads only the mail's own images"), (status = 404, description = "No such received mail with an HTML part in this workspace", body = crate::openapi::ErrorBody)))]
pub async fn html(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let ws = auth.workspace();
    let html = state
        .store
        .message_email(ws, id)
        .await?
        .and_then(|h| h.raw)
        .and_then(|raw| pronto_channels::email::html::part(&raw))
        .ok_or_else(|| ApiError::not_found("email message with HTML"))?;
    let message = state.store.message(ws, id).await?;
    let inline: Vec<(String, String)> = message
        .attachments
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|a| {
            Some((
                a["content_id"].as_str()?.to_owned(),
                a["file"].as_str()?.to_owned(),
            ))
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, HTML_POLICY),
        ],
        pronto_channels::email::html::link_inline(&html, &inline),
    ))
}

/// The request body of "Move to email".
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveToEmail {
    /// The message, the first mail's text.
    text: String,
    /// The mail's subject (by default "Message from" and the email channel's name).
    subject: Option<String>,
}

/// `POST /api/v1/conversations/{id}/email`: continues a Messenger, Instagram,
/// WhatsApp or web chat conversation by email. The message goes as a mail through
/// the workspace's first email channel, From its address, in the same contact's
/// conversation on that channel (created if needed; the address becomes the
/// contact's there), where the customer's answer lands, threaded by the
/// Message-ID. Refused, naming the field, when the contact has no known address
/// (`contact.email`) or the workspace no email channel (`channel`).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/email", tag = "conversations", params(("id" = i64, Path, description = "A chat conversation"), ("Idempotency-Key" = Option<String>, Header, description = "The same key twice stores one message")), request_body = MoveToEmail, responses((status = 201, description = "The message, queued as a mail: {conversation_id, address, message}"), (status = 200, description = "The message already stored under this Idempotency-Key"), (status = 409, description = "The address is another contact's on the email channel", body = crate::openapi::ErrorBody), (status = 422, description = "No known address (field contact.email), no email channel (field channel), or not a chat conversation", body = crate::openapi::ErrorBody)))]
pub async fn move_to_email(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MoveToEmail>,
) -> ApiResult<impl IntoResponse> {
    let ws = auth.workspace();
    let conversation = state.store.conversation(ws, id).await?;
    let channels = state.store.channels(ws).await?;
    let kind = channels
        .iter()
        .find(|c| c.id == conversation.channel_id)
        .map(|c| c.kind);
    let refused = |code, message: &str, field: &str| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message).on_field(field)
    };
    if !kind.is_some_and(continuation::may_move) {
        return Err(refused(
            "not_a_chat",
            "only a Messenger, Instagram, WhatsApp or web chat conversation moves to email",
            "id",
        ));
    }
    let contact = state.store.contact(ws, conversation.contact_id).await?;
    let Some(address) = continuation::known_address(&contact) else {
        return Err(refused(
            "no_email_address",
            "the contact has no known email address: add one on the contact card",
            "contact.email",
        ));
    };
    let Some(email) = continuation::email_channel(&channels) else {
        return Err(refused(
            "no_email_channel",
            "the workspace has no email channel: an admin adds one in the settings",
            "channel",
        ));
    };
    crate::reply::check_text(&body.text).map_err(|r| ApiError::from(r).on_field("text"))?;
    let subject = crate::email::subject(email, body.subject).map_err(|e| e.on_field("subject"))?;
    let key = crate::extract::idempotency_key(&headers)?;
    let now = state.now();
    let (conversation_id, address) = state
        .store
        .email_conversation(ws, email.id, contact.id, &address, now)
        .await?;
    let author = if auth.0.user_id.is_some() {
        MessageAuthor::Agent
    } else {
        MessageAuthor::Bot
    };
    let out = Outbound {
        conversation_id,
        author,
        agent_id: auth.0.user_id,
        text: body.text,
        attachments: json!([]),
        idempotency_key: key,
        subject,
    };
    let stored = crate::reply::send(&state, email, &out, now).await?;
    let status = if stored.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(json!({
            "conversation_id": conversation_id,
            "address": address,
            "message": stored.message,
        })),
    ))
}

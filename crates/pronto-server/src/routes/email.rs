//! Email channels' API: "test connection" for admins, and a mail's headers and
//! whole text (the message shows the trimmed text) or its raw bytes for agents.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use pronto_store::ChannelKind;
use serde_json::json;

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

//! A WhatsApp channel's message templates: the list as last synchronized, and the
//! synchronization itself. A template is sent as a reply
//! (`POST /api/v1/conversations/{id}/messages` with a `template` attachment).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use pronto_store::ChannelKind;
use serde_json::json;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use crate::state::AppState;
use crate::whatsapp::templates::SyncError;

async fn whatsapp_channel(
    state: &AppState,
    auth: &Auth,
    id: i64,
) -> ApiResult<pronto_store::Channel> {
    let channel = state.store.channel(auth.workspace(), id).await?;
    if channel.kind != ChannelKind::WhatsApp {
        return Err(ApiError::invalid("only a whatsapp channel has templates"));
    }
    Ok(channel)
}

/// `GET /api/v1/channels/{id}/templates`: the WhatsApp channel's templates, with
/// their status, category, language and components, by name then language.
#[utoipa::path(get, path = "/api/v1/channels/{id}/templates", tag = "channels", params(("id" = i64, Path, description = "A WhatsApp channel")), responses((status = 200, description = "The templates as last synchronized", body = Vec<pronto_store::WhatsAppTemplate>), (status = 400, description = "Not a WhatsApp channel", body = crate::openapi::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    whatsapp_channel(&state, &auth, id).await?;
    Ok(Json(state.store.templates(auth.workspace(), id).await?))
}

/// `POST /api/v1/channels/{id}/templates/sync` (admins): reads the account's
/// templates from WhatsApp (`message_templates`, every page) and keeps them.
#[utoipa::path(post, path = "/api/v1/channels/{id}/templates/sync", tag = "channels", params(("id" = i64, Path, description = "A WhatsApp channel")), responses((status = 200, description = "How many templates the account has"), (status = 502, description = "WhatsApp refused or could not be reached", body = crate::openapi::ErrorBody)))]
pub async fn sync(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    let channel = whatsapp_channel(&state, &auth, id).await?;
    match crate::whatsapp::templates::sync(&state, &channel).await {
        Ok(n) => Ok(Json(json!({"templates": n}))),
        Err(SyncError::Graph(reason)) => Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "platform_error",
            reason,
        )),
        Err(SyncError::Store(e)) => Err(e.into()),
    }
}

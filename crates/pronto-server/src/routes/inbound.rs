//! `POST /api/v1/channels/{id}/inbound`: a customer message from an integrator's
//! channel, idempotent by the caller's message id.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use pronto_store::Inbound;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use crate::routes::conversations::MAX_TEXT;
use crate::state::AppState;

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundBody {
    /// The caller's id of the message: the same id twice stores one message.
    message_id: String,
    /// The customer's id on the caller's side.
    contact_id: String,
    contact_name: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    #[schema(value_type = Option<Vec<Object>>)]
    attachments: Option<Value>,
    /// When the customer wrote it (RFC 3339); default: now.
    at: Option<String>,
}

/// Stores the message; 201 the first time, 200 with the same message after.
#[utoipa::path(post, path = "/api/v1/channels/{id}/inbound", tag = "channels", params(("id" = i64, Path, description = "An api channel")), request_body = InboundBody, responses((status = 201, description = "Stored", body = pronto_store::Message), (status = 200, description = "Already stored under this message_id", body = pronto_store::Message)))]
pub async fn receive(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(channel_id): ApiPath<i64>,
    ApiJson(body): ApiJson<InboundBody>,
) -> ApiResult<impl IntoResponse> {
    let channel = state.store.channel(auth.workspace(), channel_id).await?;
    if channel.kind != pronto_store::ChannelKind::Api {
        return Err(ApiError::invalid(format!(
            "channel {channel_id} is a {} channel; only api channels take messages here",
            channel.kind
        )));
    }
    if body.message_id.is_empty() || body.message_id.len() > 200 {
        return Err(ApiError::invalid(
            "message_id must have 1 to 200 characters",
        ));
    }
    if body.contact_id.is_empty() || body.contact_id.len() > 200 {
        return Err(ApiError::invalid(
            "contact_id must have 1 to 200 characters",
        ));
    }
    let attachments = body.attachments.unwrap_or_else(|| json!([]));
    if body.text.trim().is_empty() && attachments.as_array().is_none_or(Vec::is_empty) {
        return Err(ApiError::invalid("a message needs text or attachments"));
    }
    if body.text.chars().count() > MAX_TEXT {
        return Err(ApiError::invalid(format!(
            "the text is longer than {MAX_TEXT} characters"
        )));
    }
    let now = state.now();
    let at = match &body.at {
        Some(text) => pronto_core::Timestamp::parse(text)
            .map_err(|e| ApiError::invalid(format!("at: {e}")))?
            .micros(),
        None => now,
    };
    let message = Inbound {
        channel_id,
        contact_external_id: body.contact_id,
        contact_name: body.contact_name,
        external_id: Some(body.message_id),
        text: body.text,
        attachments,
        at,
    };
    let stored = crate::inbound::receive_one(&state, &channel, message).await?;
    let status = if stored.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(stored.message)))
}

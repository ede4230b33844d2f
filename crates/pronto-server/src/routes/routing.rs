//! Routing settings: a channel's mode, a member's capacity and skills, the caller's
//! away flag, VIP contacts, and a conversation's routing log.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use pronto_core::Timestamp;
use pronto_store::{AssignmentLogEntry, RoutingRow};

/// A channel's routing settings.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelRouting {
    /// `manual` (the default), `round_robin`, `least_loaded` or `skills`.
    pub mode: String,
    /// Skills mode: a conversation no available agent has the skills for goes to the
    /// least loaded available agent instead of waiting.
    #[serde(default)]
    pub fallback: bool,
    /// When an agent goes away, their conversations whose customer still waits go
    /// back to the queue (keeping their waiting time).
    #[serde(default)]
    pub reassign_on_away: bool,
}

/// A member's routing profile.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRouting {
    /// The most open conversations routing gives them (0 to 1000).
    pub capacity: i64,
    /// Languages they speak, as codes or locales (`fr`, `fr_FR`).
    #[serde(default)]
    pub languages: Vec<String>,
    /// Conversation labels they handle.
    #[serde(default)]
    pub labels: Vec<String>,
}

/// The request body.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Away {
    /// Whether the caller is away.
    pub away: bool,
    /// When the away ends by itself (RFC 3339, in the future); absent: when they
    /// say they are back. Only with `"away": true`.
    #[serde(default)]
    pub until: Option<String>,
}

/// What routing knows of a contact.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRouting {
    /// VIP conversations are handed out first.
    pub vip: bool,
    /// The contact's locale (`fr_FR`); left as it is when absent.
    #[serde(default)]
    pub locale: Option<String>,
}

/// What `PUT /api/v1/me/away` did.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AwaySet {
    /// Whether the caller is away now.
    pub away: bool,
    /// When the away ends by itself (RFC 3339, UTC), if it does.
    pub until: Option<String>,
    /// Conversations handed back to the queue.
    pub handed_back: Vec<i64>,
}

/// The channel's routing settings (`manual` when never saved).
#[utoipa::path(get, path = "/api/v1/channels/{id}/routing", tag = "routing", params(("id" = i64, Path, description = "The channel")), responses((status = 200, description = "The settings", body = ChannelRouting), (status = 403, description = "Not an admin", body = crate::openapi::ErrorBody), (status = 404, description = "No such channel", body = crate::openapi::ErrorBody)))]
pub async fn get_channel(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ChannelRouting>> {
    auth.require_admin()?;
    let row = state.store.channel_routing(auth.workspace(), id).await?;
    Ok(Json(match row {
        Some(r) => ChannelRouting {
            mode: r.mode,
            fallback: r.fallback,
            reassign_on_away: r.reassign_on_away,
        },
        None => ChannelRouting {
            mode: "manual".to_owned(),
            fallback: false,
            reassign_on_away: false,
        },
    }))
}

/// Replaces the channel's routing settings (admins).
#[utoipa::path(put, path = "/api/v1/channels/{id}/routing", tag = "routing", params(("id" = i64, Path, description = "The channel")), request_body = ChannelRouting, responses((status = 200, description = "The settings, saved", body = ChannelRouting), (status = 400, description = "`invalid_request`: an unknown mode", body = crate::openapi::ErrorBody), (status = 403, description = "Not an admin", body = crate::openapi::ErrorBody), (status = 404, description = "No such channel", body = crate::openapi::ErrorBody)))]
pub async fn put_channel(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ChannelRouting>,
) -> ApiResult<Json<ChannelRouting>> {
    auth.require_admin()?;
    if crate::routing::parse_mode(&body.mode, body.fallback).is_none() {
        return Err(invalid(
            "mode must be manual, round_robin, least_loaded or skills",
        ));
    }
    let row = RoutingRow {
        mode: body.mode.clone(),
        fallback: body.fallback,
        reassign_on_away: body.reassign_on_away,
    };
    state
        .store
        .set_channel_routing(auth.workspace(), id, &row, state.now())
        .await?;
    Ok(Json(body))
}

/// Sets a member's capacity, languages and labels (admins).
#[utoipa::path(put, path = "/api/v1/users/{id}/routing", tag = "routing", params(("id" = i64, Path, description = "The user")), request_body = MemberRouting, responses((status = 200, description = "The profile, saved", body = MemberRouting), (status = 400, description = "`invalid_request`: a capacity out of range", body = crate::openapi::ErrorBody), (status = 403, description = "Not an admin", body = crate::openapi::ErrorBody), (status = 404, description = "No such member", body = crate::openapi::ErrorBody)))]
pub async fn put_member(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MemberRouting>,
) -> ApiResult<Json<MemberRouting>> {
    auth.require_admin()?;
    if !(0..=1000).contains(&body.capacity) {
        return Err(invalid("capacity must be between 0 and 1000").on_field("capacity"));
    }
    if let Some(bad) = body
        .languages
        .iter()
        .find(|l| pronto_core::routing::Language::from_locale(l).is_none())
    {
        return Err(invalid(&format!(
            "languages: {bad:?} is not a language code or locale"
        ))
        .on_field("languages"));
    }
    state
        .store
        .set_member_routing(
            auth.workspace(),
            id,
            body.capacity,
            &body.languages,
            &body.labels,
        )
        .await?;
    state.store.wake(auth.workspace());
    Ok(Json(body))
}

/// Marks the caller away or back. Going away hands back their conversations whose
/// customer still waits, on channels set to `reassign_on_away`.
#[utoipa::path(put, path = "/api/v1/me/away", tag = "routing", request_body = Away, responses((status = 200, description = "Saved", body = AwaySet), (status = 403, description = "An API token, not a person", body = crate::openapi::ErrorBody)))]
pub async fn put_away(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<Away>,
) -> ApiResult<Json<AwaySet>> {
    let user = auth.user()?;
    let ws = auth.workspace();
    let until = match body.until.as_deref() {
        None => None,
        Some(_) if !body.away => {
            return Err(ApiError::invalid("until goes with \"away\": true").on_field("until"));
        }
        Some(text) => {
            let at = Timestamp::parse(text)
                .map_err(|e| ApiError::invalid(e.to_string()).on_field("until"))?;
            if at.micros() <= state.now() {
                return Err(ApiError::invalid("until must be in the future").on_field("until"));
            }
            Some(at)
        }
    };
    state
        .store
        .set_away(ws, user, body.away, until.map(Timestamp::micros))
        .await?;
    let handed_back = if body.away {
        let member = state.store.member(ws, user).await?;
        state
            .store
            .hand_back(ws, user, &member.user.name, state.now())
            .await?
    } else {
        Vec::new()
    };
    state.store.wake(ws);
    Ok(Json(AwaySet {
        away: body.away,
        until: until.map(|t| t.to_string()),
        handed_back,
    }))
}

/// Marks a contact VIP or not, and optionally sets its locale.
#[utoipa::path(put, path = "/api/v1/contacts/{id}/routing", tag = "routing", params(("id" = i64, Path, description = "The contact")), request_body = ContactRouting, responses((status = 200, description = "Saved", body = ContactRouting), (status = 404, description = "No such contact", body = crate::openapi::ErrorBody)))]
pub async fn put_contact(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ContactRouting>,
) -> ApiResult<Json<ContactRouting>> {
    state
        .store
        .set_contact_routing(auth.workspace(), id, body.vip, body.locale.as_deref())
        .await?;
    state.store.wake(auth.workspace());
    Ok(Json(body))
}

/// The conversation's routing log, oldest first.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/assignments", tag = "routing", params(("id" = i64, Path, description = "The conversation")), responses((status = 200, description = "The log", body = [AssignmentLogEntry]), (status = 404, description = "No such conversation", body = crate::openapi::ErrorBody)))]
pub async fn assignments(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<AssignmentLogEntry>>> {
    let ws = auth.workspace();
    state.store.conversation(ws, id).await?;
    Ok(Json(state.store.assignment_log(ws, id).await?))
}

fn invalid(message: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", message)
}

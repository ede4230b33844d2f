//! What admins manage: users, API tokens, channels.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use pronto_core::Presence;
use pronto_store::{ApiConfig, Channel, ChannelKind, Role};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{Auth, hash_secret, random_token};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use crate::routes::session::validate_email;
use crate::state::AppState;

/// `GET /api/v1/users`.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, description = "The workspace's members", body = Vec<pronto_store::Member>)))]
pub async fn list_users(State(state): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    Ok(Json(state.store.members(auth.workspace()).await?))
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewUser {
    email: String,
    name: String,
    role: Role,
    password: String,
}

/// `POST /api/v1/users` (admins): adds a person to the workspace.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUser, responses((status = 201, description = "The new member", body = pronto_store::Member), (status = 403, description = "Not an admin", body = crate::openapi::ErrorBody), (status = 409, description = "The email is taken", body = crate::openapi::ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<NewUser>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    validate_email(&body.email)?;
    crate::passwords::check(&body.password, &[&body.email, &body.name])?;
    let hash = state.passwords.hash(body.password).await?;
    let user = state
        .store
        .create_user(&body.email, &body.name, Some(&hash), state.now())
        .await?;
    state
        .store
        .set_member(auth.workspace(), user.id, body.role)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.member(auth.workspace(), user.id).await?),
    ))
}

/// `POST /api/v1/users/{id}/deactivate` (admins).
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "users", params(("id" = i64, Path, description = "The user")), responses((status = 204, description = "Deactivated; their sessions ended"), (status = 404, description = "No such member", body = crate::openapi::ErrorBody)))]
pub async fn deactivate_user(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    if auth.0.user_id == Some(id) {
        return Err(ApiError::invalid("you cannot deactivate yourself"));
    }
    state
        .store
        .deactivate_member(auth.workspace(), id, state.now())
        .await?;
    // Their open event streams check their credential and end.
    state.store.wake(auth.workspace());
    Ok(StatusCode::NO_CONTENT)
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    role: Role,
}

/// `PUT /api/v1/users/{id}/role` (admins): makes a member an admin or an agent. The
/// workspace keeps at least one active admin.
#[utoipa::path(put, path = "/api/v1/users/{id}/role", tag = "users", params(("id" = i64, Path, description = "The user")), request_body = RoleChange, responses((status = 200, description = "The member", body = pronto_store::Member), (status = 404, description = "No such member", body = crate::openapi::ErrorBody), (status = 409, description = "The last active admin cannot become an agent", body = crate::openapi::ErrorBody)))]
pub async fn set_role(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RoleChange>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    state
        .store
        .set_member_role(auth.workspace(), id, body.role)
        .await?;
    Ok(Json(state.store.member(auth.workspace(), id).await?))
}

/// `POST /api/v1/users/{id}/reactivate` (admins): a deactivated member may sign in
/// again.
#[utoipa::path(post, path = "/api/v1/users/{id}/reactivate", tag = "users", params(("id" = i64, Path, description = "The user")), responses((status = 200, description = "The member", body = pronto_store::Member), (status = 404, description = "No such member", body = crate::openapi::ErrorBody)))]
pub async fn reactivate_user(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    state.store.reactivate_member(auth.workspace(), id).await?;
    Ok(Json(state.store.member(auth.workspace(), id).await?))
}

/// `POST /api/v1/users/{id}/reset-password` (admins): gives a member a temporary
/// password, shown in this answer only. Their sessions end, and until they choose
/// their own password they can do nothing else.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "users", params(("id" = i64, Path, description = "The user")), responses((status = 200, description = "The member and their temporary password, shown this once", body = crate::openapi::PasswordReset), (status = 400, description = "Your own password: change it with PUT /api/v1/me/password", body = crate::openapi::ErrorBody), (status = 403, description = "Not an admin", body = crate::openapi::ErrorBody), (status = 404, description = "No such member", body = crate::openapi::ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    if auth.0.user_id == Some(id) {
        return Err(ApiError::invalid(
            "change your own password with PUT /api/v1/me/password",
        ));
    }
    let member = state.store.member(auth.workspace(), id).await?;
    let temporary = random_token(12);
    let hash = state.passwords.hash(temporary.clone()).await?;
    state
        .store
        .reset_password(auth.workspace(), id, &hash, state.now())
        .await?;
    // The member's event streams end at once, not at their next check.
    state.store.wake(auth.workspace());
    Ok(Json(
        json!({"user": member, "temporary_password": temporary}),
    ))
}

/// `GET /api/v1/tokens` (admins).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", responses((status = 200, description = "The workspace's API tokens (never their secrets)", body = Vec<pronto_store::ApiToken>)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    Ok(Json(state.store.api_tokens(auth.workspace()).await?))
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewToken {
    name: String,
    #[serde(default = "agent")]
    role: Role,
}

fn agent() -> Role {
    Role::Agent
}

/// `POST /api/v1/tokens` (admins): the secret is in this answer and nowhere else.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = NewToken, responses((status = 201, description = "The token and its secret, shown this once", body = crate::openapi::CreatedToken)))]
pub async fn create_token(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<NewToken>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    if body.name.trim().is_empty() {
        return Err(ApiError::invalid("a token needs a name"));
    }
    let secret = format!("pronto_{}", random_token(24));
    let token = state
        .store
        .create_api_token(
            auth.workspace(),
            body.name.trim(),
            &hash_secret(&secret),
            body.role,
            state.now(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"token": token, "secret": secret})),
    ))
}

/// `DELETE /api/v1/tokens/{id}` (admins).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = i64, Path, description = "The token")), responses((status = 204, description = "Revoked"), (status = 404, description = "No such token", body = crate::openapi::ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    state
        .store
        .revoke_api_token(auth.workspace(), id, state.now())
        .await?;
    // Its open event streams check their credential and end.
    state.store.wake(auth.workspace());
    Ok(StatusCode::NO_CONTENT)
}

/// A channel as the API shows it: secrets left out, the away status explained.
pub async fn channel_view(state: &AppState, channel: &Channel) -> ApiResult<Value> {
    let now = state.now();
    let status = state
        .store
        .channel_status(channel.workspace_id, channel.id)
        .await?;
    let (presence, since, ends_at) = match status {
        Some((Presence::Away, at)) if now < at + pronto_core::analysis::AWAY_LIMIT => (
            "away",
            Some(at),
            Some(at + pronto_core::analysis::AWAY_LIMIT),
        ),
        Some((_, at)) => ("available", Some(at), None),
        None => ("available", None, None),
    };
    let mut config = channel.config.clone();
    if let Some(map) = config.as_object_mut() {
        let secrets = channel.kind.secret_keys();
        map.retain(|k, _| {
            !k.contains("secret") && !k.contains("token") && !secrets.contains(&k.as_str())
        });
    }
    let mut view = json!({
        "id": channel.id,
        "kind": channel.kind,
        "name": channel.name,
        "state": channel.state,
        "config": config,
        "status": {"status": presence, "since": since, "away_ends_at": ends_at},
    });
    if channel.kind == ChannelKind::WebChat {
        view["snippet"] = json!(crate::webchat::snippet(
            &state.config.base_url(),
            channel.id
        ));
    }
    if channel.kind.has_meta_webhooks() {
        // The health line: last webhook, last successful send, the token's state.
        let health = state
            .store
            .channel_health(channel.workspace_id, channel.id)
            .await?;
        view["health"] = json!({
            "last_webhook_at": health.last_webhook_at,
            "last_send_at": health.last_send_at,
            "token": if channel.state == "needs_token" { "refused" } else { "accepted" },
        });
    }
    if channel.kind == ChannelKind::Email {
        // The reader's health line: its last read, the last read's error while it
        // fails, and whether this node holds an IDLE connection.
        let reader = crate::email::receive::Reader::of(state, channel.id).await?;
        view["health"] = json!({
            "last_read_at": reader.mailbox.read_at,
            "error": reader.mailbox.error,
            "error_at": reader.mailbox.error_at,
            "idle": reader.idle,
        });
    }
    Ok(view)
}

/// `GET /api/v1/channels`.
#[utoipa::path(get, path = "/api/v1/channels", tag = "channels", responses((status = 200, description = "The workspace's channels", body = Vec<crate::openapi::ChannelView>)))]
pub async fn list_channels(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<impl IntoResponse> {
    let mut out = Vec::new();
    for c in state.store.channels(auth.workspace()).await? {
        out.push(channel_view(&state, &c).await?);
    }
    Ok(Json(out))
}

/// `GET /api/v1/channels/{id}`.
#[utoipa::path(get, path = "/api/v1/channels/{id}", tag = "channels", params(("id" = i64, Path, description = "The channel")), responses((status = 200, description = "The channel, secrets left out", body = crate::openapi::ChannelView), (status = 404, description = "No such channel", body = crate::openapi::ErrorBody)))]
pub async fn get_channel(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let channel = state.store.channel(auth.workspace(), id).await?;
    Ok(Json(channel_view(&state, &channel).await?))
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewChannel {
    /// `api`, `messenger`, `instagram`, `whatsapp`, `webchat` or `email`.
    kind: String,
    name: String,
    /// For `api`: `{"url": "https://..."}`, where replies are delivered. For
    /// `webchat`: `{"allowed_origins": ["https://www.example.com"], "color":
    /// "#1f6feb", "business_name", "greeting", "avatar_url", "prechat_form":
    /// false, "attachments_max_bytes": 10485760}`. For `email`: `{"address",
    /// "imap_host", "imap_port", "imap_tls": "implicit"|"starttls"|"none",
    /// "imap_user", "imap_password", "imap_folder", "smtp_host", "smtp_port",
    /// "smtp_tls", "smtp_user", "smtp_password", "mark_seen"}` (passwords sealed).
    #[serde(default)]
    #[schema(value_type = Object)]
    config: Value,
}

/// `POST /api/v1/channels` (admins). An `api` channel needs `config.url`, where
/// replies are delivered as signed webhooks; its signing secret is made here and
/// shown once. A `webchat` channel needs `config.allowed_origins`; its identity
/// secret (for `Pronto.identify`) is made here and shown once, and its view
/// carries the snippet to paste into the site.
#[utoipa::path(post, path = "/api/v1/channels", tag = "channels", request_body = NewChannel, responses((status = 201, description = "The channel; for an api channel, its signing secret, shown this once", body = crate::openapi::ChannelView), (status = 400, description = "Bad kind or settings", body = crate::openapi::ErrorBody)))]
pub async fn create_channel(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<NewChannel>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    let (kind, mut config) = pronto_core::channel::check_new(&body.kind, body.config)
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    if kind == ChannelKind::Email {
        // Mail servers at private addresses only where the server allows them.
        let reach = crate::email::net::Reach::of(&state.config);
        crate::email::net::check_hosts(&reach, &pronto_core::email::EmailConfig::read(&config))
            .await
            .map_err(ApiError::invalid)?;
    }
    let mut identity_secret = None;
    let shown_secret = if kind == ChannelKind::Api {
        let url = ApiConfig::read(&config).url;
        crate::outgoing::check_url(&url, "config.url", state.config.allow_private_webhook_urls)
            .map_err(ApiError::invalid)?;
        let secret = random_token(24);
        config["signing_secret"] = json!(secret);
        Some(secret)
    } else if kind == ChannelKind::WebChat {
        // The key the business's backend signs its visitors' ids with.
        let secret = random_token(32);
        config["identity_secret"] = json!(secret);
        identity_secret = Some(secret);
        None
    } else {
        if pronto_core::channel::webhook_secrets(kind, &config)
            .1
            .is_empty()
        {
            config["verify_token"] = json!(random_token(16));
        }
        None
    };
    // Secrets are kept encrypted; only the workers open them.
    state
        .sealer()
        .map_err(|e| ApiError::internal(&e))?
        .seal_config(kind, &mut config);
    let channel = state
        .store
        .create_channel(
            auth.workspace(),
            kind,
            body.name.trim(),
            &config,
            state.now(),
        )
        .await?;
    let mut view = channel_view(&state, &channel).await?;
    view["signing_secret"] = json!(shown_secret);
    if let Some(secret) = identity_secret {
        view["identity_secret"] = json!(secret);
    }
    if channel.kind.has_meta_webhooks() {
        // What to paste into Meta's dashboard, shown once.
        view["callback_url"] = json!(format!(
            "{}/webhooks/meta/{}",
            state.config.base_url(),
            channel.id
        ));
        let (_, verify_token) =
            pronto_core::channel::webhook_secrets(channel.kind, &channel.config);
        view["verify_token"] = json!(verify_token);
    }
    Ok((StatusCode::CREATED, Json(view)))
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct StatusChange {
    /// away or available.
    #[schema(value_type = String)]
    status: Presence,
}

/// `PUT /api/v1/channels/{id}/status`: away or available. Away ends by itself after
/// 12 hours.
#[utoipa::path(put, path = "/api/v1/channels/{id}/status", tag = "channels", params(("id" = i64, Path, description = "The channel")), request_body = StatusChange, responses((status = 200, description = "The channel with its status", body = crate::openapi::ChannelView)))]
pub async fn set_status(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StatusChange>,
) -> ApiResult<impl IntoResponse> {
    state
        .store
        .set_channel_status(auth.workspace(), id, body.status, state.now())
        .await?;
    state.after_change(auth.workspace(), id);
    let channel = state.store.channel(auth.workspace(), id).await?;
    Ok(Json(channel_view(&state, &channel).await?))
}

/// `GET /api/v1/channels/{id}/dead-letters` (admins): webhook bodies that could not
/// be processed (malformed JSON with a valid signature), newest first.
#[utoipa::path(get, path = "/api/v1/channels/{id}/dead-letters", tag = "channels", params(("id" = i64, Path, description = "The channel")), responses((status = 200, description = "The dead letters", body = Vec<pronto_store::DeadLetter>)))]
pub async fn dead_letters(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    state.store.channel(auth.workspace(), id).await?;
    Ok(Json(
        state.store.dead_letters(auth.workspace(), id, 200).await?,
    ))
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewPageToken {
    /// A new Page (or Instagram) access token.
    #[serde(default)]
    page_access_token: String,
    /// A new WhatsApp access token.
    #[serde(default)]
    access_token: String,
}

/// `PUT /api/v1/channels/{id}/token` (admins): a new Page token for a Meta channel,
/// for instance after Meta refused the old one (error 190); sending resumes.
#[utoipa::path(put, path = "/api/v1/channels/{id}/token", tag = "channels", params(("id" = i64, Path, description = "A Messenger or Instagram channel")), request_body = NewPageToken, responses((status = 200, description = "The channel, receiving again", body = crate::openapi::ChannelView), (status = 400, description = "Not a Meta channel, or an empty token", body = crate::openapi::ErrorBody)))]
pub async fn replace_token(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewPageToken>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    let channel = state.store.channel(auth.workspace(), id).await?;
    let (key, token) = if channel.kind == ChannelKind::WhatsApp {
        ("access_token", body.access_token.trim())
    } else {
        ("page_access_token", body.page_access_token.trim())
    };
    if !channel.kind.has_meta_webhooks() || token.is_empty() {
        return Err(ApiError::invalid(
            "a Messenger or Instagram channel takes a non-empty page_access_token, a WhatsApp channel a non-empty access_token",
        ));
    }
    let sealer = state.sealer().map_err(|e| ApiError::internal(&e))?;
    let mut config = channel.config.clone();
    config[key] = json!(sealer.seal(token));
    state
        .store
        .set_channel_config(auth.workspace(), id, &config)
        .await?;
    state.store.set_channel_state(id, "receiving").await?;
    state.store.wake(auth.workspace());
    let channel = state.store.channel(auth.workspace(), id).await?;
    Ok(Json(channel_view(&state, &channel).await?))
}

/// `PUT /api/v1/channels/{id}/webchat` (admins): a web chat's settings, replaced
/// (`allowed_origins` required, the rest as at creation); its identity secret stays.
#[utoipa::path(put, path = "/api/v1/channels/{id}/webchat", tag = "channels", params(("id" = i64, Path, description = "A web chat channel")), request_body(content = Object, description = "The settings, as at creation: allowed_origins, color, business_name, greeting, avatar_url, prechat_form, attachments_max_bytes"), responses((status = 200, description = "The channel", body = crate::openapi::ChannelView), (status = 400, description = "Not a web chat, or bad settings (the message names the field)", body = crate::openapi::ErrorBody)))]
pub async fn update_webchat(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    let channel = state.store.channel(auth.workspace(), id).await?;
    if channel.kind != ChannelKind::WebChat {
        return Err(ApiError::invalid(format!(
            "channel {id} is a {} channel; only web chats take these settings",
            channel.kind
        )));
    }
    let (_, mut config) = pronto_core::channel::check_new("webchat", body).map_err(|e| {
        let error = ApiError::invalid(e.to_string());
        match e.field() {
            Some(field) => error.on_field(field),
            None => error,
        }
    })?;
    // The secret is not a setting: it stays as it was made (sealed).
    config["identity_secret"] = channel.config["identity_secret"].clone();
    state
        .store
        .set_channel_config(auth.workspace(), id, &config)
        .await?;
    let channel = state.store.channel(auth.workspace(), id).await?;
    Ok(Json(channel_view(&state, &channel).await?))
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkSeen {
    /// Whether customers are shown their messages were seen when an agent opens
    /// the conversation.
    enabled: bool,
}

/// `PUT /api/v1/channels/{id}/mark-seen` (admins): whether opening a conversation
/// tells the customer their messages were seen (Messenger and Instagram's
/// `mark_seen`, WhatsApp's read receipt).
#[utoipa::path(put, path = "/api/v1/channels/{id}/mark-seen", tag = "channels", params(("id" = i64, Path, description = "A Messenger, Instagram or WhatsApp channel")), request_body = MarkSeen, responses((status = 200, description = "The channel", body = crate::openapi::ChannelView), (status = 400, description = "A kind of channel without read receipts", body = crate::openapi::ErrorBody), (status = 403, description = "Not an admin", body = crate::openapi::ErrorBody), (status = 404, description = "No such channel", body = crate::openapi::ErrorBody)))]
pub async fn set_mark_seen(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MarkSeen>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    let channel = state.store.channel(auth.workspace(), id).await?;
    let Some(key) = channel.kind.mark_seen_key() else {
        return Err(ApiError::invalid(format!(
            "channel {id} is a {} channel, which has no read receipts",
            channel.kind
        )));
    };
    let mut config = channel.config.clone();
    config[key] = json!(body.enabled);
    state
        .store
        .set_channel_config(auth.workspace(), id, &config)
        .await?;
    let channel = state.store.channel(auth.workspace(), id).await?;
    Ok(Json(channel_view(&state, &channel).await?))
}

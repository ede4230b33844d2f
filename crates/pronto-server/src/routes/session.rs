//! Signing in and out, the first admin, and who am I.

use std::net::SocketAddr;
use std::time::Instant;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pronto_store::Role;
use serde::Deserialize;
use serde_json::json;

use crate::auth::{self, Auth, SESSION_COOKIE, hash_secret, random_token};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::state::AppState;

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Login {
    email: String,
    password: String,
}

/// `POST /api/v1/auth/login`: a session cookie for a right email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "session", request_body = Login, responses((status = 200, description = "Signed in; the session is in the pronto_session cookie", body = Object), (status = 401, description = "Wrong email or password", body = crate::openapi::ErrorBody), (status = 429, description = "Too many failed sign-ins", body = crate::openapi::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<Login>,
) -> ApiResult<Response> {
    let limit = state.config.login_attempts;
    let keys = [
        format!("ip:{}", peer.ip()),
        format!("account:{}", body.email.trim().to_lowercase()),
    ];
    {
        let mut limiter = state.limiter.lock().map_err(|e| ApiError::internal(&e))?;
        if !keys
            .iter()
            .all(|k| limiter.allows(k, limit, Instant::now()))
        {
            return Err(ApiError::rate_limited(
                "too many failed sign-ins; wait 15 minutes and try again",
            ));
        }
    }
    let found = state.store.user_for_login(&body.email).await?;
    let ok = match &found {
        Some((user, Some(hash))) if user.deactivated_at.is_none() => {
            auth::verify_password(body.password.clone(), hash.clone()).await
        }
        _ => false,
    };
    let Some((user, _)) = found.filter(|_| ok) else {
        let mut limiter = state.limiter.lock().map_err(|e| ApiError::internal(&e))?;
        for k in &keys {
            limiter.failed(k, Instant::now());
        }
        state.count("login_failed");
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "wrong email or password",
        ));
    };
    let Some(&(workspace_id, role)) = state.store.memberships(user.id).await?.first() else {
        return Err(ApiError::forbidden("this account belongs to no workspace"));
    };
    let token = random_token(32);
    let now = state.now();
    let expires = now + i64::from(state.config.session_hours) * 3_600_000_000;
    state
        .store
        .create_session(&hash_secret(&token), user.id, workspace_id, now, expires)
        .await?;
    let secure = if state.config.base_url().starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        i64::from(state.config.session_hours) * 3600
    );
    let mut response =
        Json(json!({"user": user, "workspace_id": workspace_id, "role": role})).into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| ApiError::internal(&e))?,
    );
    Ok(response)
}

/// `POST /api/v1/auth/logout`: ends the session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "session", responses((status = 204, description = "Signed out")))]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = auth::cookie(&headers, SESSION_COOKIE) {
        let hash = hash_secret(token);
        let session = state.store.session_principal(&hash, state.now()).await?;
        state.store.delete_session(&hash).await?;
        // The session's open event streams check it and end.
        if let Some(p) = session {
            state.hub.notify(p.workspace_id);
        }
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_static("pronto_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(response)
}

/// `GET /api/v1/me`: the caller.
#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, description = "The caller", body = Object), (status = 401, description = "Not signed in", body = crate::openapi::ErrorBody)))]
pub async fn me(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<serde_json::Value>> {
    let p = auth.0;
    let user = match p.user_id {
        Some(id) => Some(state.store.member(p.workspace_id, id).await?),
        None => None,
    };
    Ok(Json(json!({
        "workspace_id": p.workspace_id,
        "role": p.role,
        "user": user,
        "token_id": p.token_id,
    })))
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeUpdate {
    /// The language of the caller's pages: `en`, `fr`, `it`, or `""` for the
    /// browser's.
    locale: Option<String>,
}

/// `PUT /api/v1/me`: the signed-in user's own preferences.
#[utoipa::path(put, path = "/api/v1/me", tag = "session", request_body = MeUpdate, responses((status = 200, description = "The caller", body = Object), (status = 400, description = "A language the UI does not speak", body = crate::openapi::ErrorBody)))]
pub async fn update_me(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<MeUpdate>,
) -> ApiResult<Json<serde_json::Value>> {
    let user = auth.user()?;
    if let Some(locale) = body.locale {
        let locale = match Some(locale).filter(|l| !l.is_empty()) {
            Some(l) => Some(
                crate::ui::i18n::Lang::parse(&l)
                    .filter(|_| l.len() <= 10)
                    .ok_or_else(|| {
                        ApiError::invalid(format!("locale {l:?}: the UI speaks en, fr and it"))
                    })?
                    .code(),
            ),
            None => None,
        };
        state.store.set_user_locale(user, locale).await?;
    }
    me(State(state), auth).await
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Setup {
    token: String,
    email: String,
    name: String,
    password: String,
}

/// `POST /api/v1/setup`: the first admin, through the one-time link printed at start.
#[utoipa::path(post, path = "/api/v1/setup", tag = "session", request_body = Setup, responses((status = 201, description = "The first admin", body = Object), (status = 403, description = "The setup link was used or never existed", body = crate::openapi::ErrorBody)))]
pub async fn setup(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Setup>,
) -> ApiResult<impl IntoResponse> {
    validate_password(&body.password)?;
    validate_email(&body.email)?;
    let now = state.now();
    if !state
        .store
        .use_setup_link(&hash_secret(&body.token), now)
        .await?
    {
        return Err(ApiError::forbidden(
            "this setup link was used already, or never existed",
        ));
    }
    let workspace_id = match state.store.first_workspace().await? {
        Some(id) => id,
        None => state.store.create_workspace("My business", now).await?,
    };
    let hash = auth::hash_password(body.password).await?;
    let user = state
        .store
        .create_user(&body.email, &body.name, Some(&hash), now)
        .await?;
    state
        .store
        .set_member(workspace_id, user.id, Role::Admin)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"user": user, "workspace_id": workspace_id, "role": Role::Admin})),
    ))
}

/// Passwords: long enough to be worth hashing.
pub fn validate_password(password: &str) -> ApiResult<()> {
    if password.chars().count() < 10 {
        return Err(ApiError::invalid(
            "the password needs at least 10 characters",
        ));
    }
    Ok(())
}

/// Emails: something@something.
pub fn validate_email(email: &str) -> ApiResult<()> {
    let e = email.trim();
    match e.split_once('@') {
        Some((user, domain)) if !user.is_empty() && domain.contains('.') && !e.contains(' ') => {
            Ok(())
        }
        _ => Err(ApiError::invalid(format!(
            "{email:?} is not an email address"
        ))),
    }
}

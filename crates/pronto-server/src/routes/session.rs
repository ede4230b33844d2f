//! Signing in and out, the first admin, and who am I.

use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pronto_store::{NewAdmin, Role};
use serde::Deserialize;
use serde_json::json;

use crate::auth::{self, Auth, LimitKey, SESSION_COOKIE, hash_secret, random_token};
use crate::client::ClientIp;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::passwords;
use crate::state::AppState;

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Login {
    /// At most 254 bytes.
    email: String,
    /// At most 256 characters.
    password: String,
}

/// The longest email address (RFC 5321's path limit).
pub const MAX_EMAIL_BYTES: usize = 254;

/// The largest sign-in body: a longest email and a longest password, escaped.
pub const LOGIN_BODY_BYTES: usize = 8 * 1024;

/// How many times `login_attempts` one address may fail across all accounts.
pub const ADDRESS_FACTOR: u32 = 3;

/// `POST /api/v1/auth/login`: a session cookie for a right email and password.
///
/// Attempts are counted before the password is checked, per account from the
/// client's address (`login_attempts` in 15 minutes) and per address across
/// accounts (three times that); a successful sign-in gives its attempt back. So an
/// attacker's failures slow the attacker's address, never the owner's elsewhere.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "session", request_body = Login, responses((status = 200, description = "Signed in; the session is in the pronto_session cookie", body = Object), (status = 400, description = "An email or password longer than allowed", body = crate::openapi::ErrorBody), (status = 401, description = "Wrong email or password", body = crate::openapi::ErrorBody), (status = 413, description = "A body over 8 KiB", body = crate::openapi::ErrorBody), (status = 429, description = "Too many failed sign-ins from this address", body = crate::openapi::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<Login>,
) -> ApiResult<Response> {
    if body.email.len() > MAX_EMAIL_BYTES {
        return Err(ApiError::invalid(format!(
            "the email can have at most {MAX_EMAIL_BYTES} bytes"
        )));
    }
    if body.password.chars().count() > passwords::MAX_CHARS {
        return Err(ApiError::invalid(format!(
            "the password can have at most {} characters",
            passwords::MAX_CHARS
        )));
    }
    let limit = state.config.login_attempts;
    let email = body.email.trim().to_lowercase();
    let address = auth::address_key(ip);
    let keys = [
        (
            LimitKey::of(&["address", &address]),
            limit.saturating_mul(ADDRESS_FACTOR),
        ),
        (LimitKey::of(&["account", &email, &address]), limit),
    ];
    let allowed = state
        .limiter
        .lock()
        .map_err(|e| ApiError::internal(&e))?
        .try_begin(&keys, Instant::now());
    if !allowed {
        state.count("login_limited");
        return Err(ApiError::rate_limited(
            "too many failed sign-ins; wait 15 minutes and try again",
        ));
    }
    let found = state.store.user_for_login(&email).await?;
    // Unknown and deactivated accounts are checked against a dummy hash, so that
    // the answer and its time do not say whether the account exists.
    let ok = match &found {
        Some((user, Some(hash))) if user.deactivated_at.is_none() => {
            state
                .passwords
                .verify(body.password.clone(), hash.clone())
                .await
        }
        _ => state.passwords.verify_nobody(body.password.clone()).await,
    };
    let Some((user, _)) = found.filter(|_| ok) else {
        state.count("login_failed");
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "wrong email or password",
        ));
    };
    state
        .limiter
        .lock()
        .map_err(|e| ApiError::internal(&e))?
        .succeeded(&keys);
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
            state.store.wake(p.workspace_id);
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
        "must_change_password": p.must_change_password,
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
/// The link works once, for 24 hours, only while no admin exists, and only if it is
/// the latest printed.
#[utoipa::path(post, path = "/api/v1/setup", tag = "session", request_body = Setup, responses((status = 201, description = "The first admin", body = Object), (status = 400, description = "A bad email, or a weak password", body = crate::openapi::ErrorBody), (status = 403, description = "The setup link was used, expired, replaced by a newer one, or an admin exists", body = crate::openapi::ErrorBody)))]
pub async fn setup(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Setup>,
) -> ApiResult<impl IntoResponse> {
    validate_email(&body.email)?;
    passwords::check(&body.password, &[&body.email, &body.name])?;
    let now = state.now();
    let token = hash_secret(&body.token);
    let refused = || {
        ApiError::forbidden(
            "this setup link was used, expired, or replaced by a newer one, or the workspace has an admin already",
        )
    };
    // Before hashing: a wrong link costs no argon2 run.
    if !state.store.setup_link_usable(&token, now).await? {
        return Err(refused());
    }
    let hash = state.passwords.hash(body.password).await?;
    let admin = NewAdmin {
        email: &body.email,
        name: &body.name,
        password_hash: &hash,
    };
    let Some((user, workspace_id)) = state.store.use_setup_link(&token, &admin, now).await? else {
        return Err(refused());
    };
    Ok((
        StatusCode::CREATED,
        Json(json!({"user": user, "workspace_id": workspace_id, "role": Role::Admin})),
    ))
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password the caller signs in with now (or the temporary one an admin
    /// gave).
    current_password: String,
    /// The new one: 10 to 256 characters, not among the commonest.
    new_password: String,
}

/// `PUT /api/v1/me/password`: the signed-in person chooses a new password. Their
/// other sessions end; this one stays. Wrong current passwords count against the
/// sign-in limit of the account from the caller's address.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "session", request_body = PasswordChange, responses((status = 204, description = "Changed; the caller's other sessions ended"), (status = 400, description = "A weak, too short or too long new password", body = crate::openapi::ErrorBody), (status = 403, description = "The current password is wrong, or the caller is an API token", body = crate::openapi::ErrorBody), (status = 429, description = "Too many wrong current passwords", body = crate::openapi::ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    auth: Auth,
    ApiJson(body): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    let user_id = auth.user()?;
    if body.current_password.chars().count() > passwords::MAX_CHARS {
        return Err(ApiError::invalid("the current password is wrong"));
    }
    let member = state.store.member(auth.workspace(), user_id).await?;
    passwords::check(&body.new_password, &[&member.user.email, &member.user.name])?;
    if body.new_password == body.current_password {
        return Err(ApiError::invalid(
            "the new password must differ from the current one",
        ));
    }
    let keys = [(
        LimitKey::of(&["account", &member.user.email, &auth::address_key(ip)]),
        state.config.login_attempts,
    )];
    let allowed = state
        .limiter
        .lock()
        .map_err(|e| ApiError::internal(&e))?
        .try_begin(&keys, Instant::now());
    if !allowed {
        return Err(ApiError::rate_limited(
            "too many wrong passwords; wait 15 minutes and try again",
        ));
    }
    let ok = match state.store.password_hash(user_id).await? {
        Some(hash) => state.passwords.verify(body.current_password, hash).await,
        None => state.passwords.verify_nobody(body.current_password).await,
    };
    if !ok {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "wrong_password",
            "the current password is wrong",
        ));
    }
    state
        .limiter
        .lock()
        .map_err(|e| ApiError::internal(&e))?
        .succeeded(&keys);
    let hash = state.passwords.hash(body.new_password).await?;
    let keep = auth::cookie(&headers, SESSION_COOKIE).map(hash_secret);
    state
        .store
        .change_password(user_id, &hash, keep.as_deref())
        .await?;
    // Streams of the sessions that just ended stop at once.
    state.store.wake(auth.workspace());
    Ok(StatusCode::NO_CONTENT)
}

/// Passwords: the policy of [`passwords::check`], for callers without a name.
pub fn validate_password(password: &str) -> ApiResult<()> {
    Ok(passwords::check(password, &[])?)
}

/// Emails: something@something.
pub fn validate_email(email: &str) -> ApiResult<()> {
    let e = email.trim();
    if e.len() > MAX_EMAIL_BYTES {
        return Err(ApiError::invalid(format!(
            "the email can have at most {MAX_EMAIL_BYTES} bytes"
        )));
    }
    match e.split_once('@') {
        Some((user, domain)) if !user.is_empty() && domain.contains('.') && !e.contains(' ') => {
            Ok(())
        }
        _ => Err(ApiError::invalid(format!(
            "{email:?} is not an email address"
        ))),
    }
}

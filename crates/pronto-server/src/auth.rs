//! Who is calling: session cookies for people, bearer tokens for integrations.
//!
//! Secrets are random bytes shown once; the store keeps their SHA-256. Passwords are
//! argon2 hashes, computed off the async threads.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use pronto_store::{Principal, Role};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "pronto_session";

/// `bytes` random bytes as lowercase hex.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the system's random source works");
    hex::encode(buf)
}

/// The stored form of a secret.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// An argon2 hash of `password`.
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ApiError::internal(&e))
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
}

/// Whether `password` matches `hash`.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// The caller, authenticated.
#[derive(Clone, Copy, Debug)]
pub struct Auth(pub Principal);

impl Auth {
    /// Refuses callers that are not admins.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        match self.0.role {
            Role::Admin => Ok(()),
            Role::Agent => Err(ApiError::forbidden("this needs an admin")),
        }
    }

    /// The workspace the caller acts in.
    pub fn workspace(&self) -> i64 {
        self.0.workspace_id
    }

    /// The signed-in user, for actions only a person can take.
    pub fn user(&self) -> Result<i64, ApiError> {
        self.0
            .user_id
            .ok_or_else(|| ApiError::forbidden("this needs a signed-in user, not an API token"))
    }
}

/// The value of cookie `name` in the request's headers, if any.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let credential =
            Credential::from_headers(&parts.headers)?.ok_or_else(ApiError::unauthenticated)?;
        match credential.principal(state).await? {
            Some(p) => Ok(Auth(p)),
            None => Err(ApiError::unauthenticated()),
        }
    }
}

/// What a request authenticated with, as the store keeps it (the secret's hash):
/// kept by long-lived answers (event streams) to check that it still holds.
#[derive(Clone, Debug)]
pub enum Credential {
    /// An API token, from `Authorization: Bearer`.
    Token(String),
    /// A session, from the session cookie.
    Session(String),
}

impl Credential {
    /// The request's credential: a bearer token wins over the cookie; a malformed
    /// `Authorization` header is refused.
    pub fn from_headers(headers: &HeaderMap) -> Result<Option<Credential>, ApiError> {
        if let Some(header) = headers.get(AUTHORIZATION) {
            let token = header
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(ApiError::unauthenticated)?;
            return Ok(Some(Credential::Token(hash_secret(token.trim()))));
        }
        Ok(cookie(headers, SESSION_COOKIE).map(|s| Credential::Session(hash_secret(s))))
    }

    /// Who it stands for now: `None` once the session ended or expired, its user
    /// was deactivated, or the token was revoked.
    pub async fn principal(
        &self,
        state: &AppState,
    ) -> Result<Option<Principal>, pronto_store::StoreError> {
        let now = state.now();
        match self {
            Credential::Token(hash) => state.store.token_principal(hash, now).await,
            Credential::Session(hash) => state.store.session_principal(hash, now).await,
        }
    }
}

/// Failed sign-ins per key (an address, an account) in a sliding window.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: HashMap<String, Vec<Instant>>,
}

/// How long a failed sign-in counts against its address and account.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

impl LoginLimiter {
    /// Whether `key` may try again (fewer than `limit` failures in the window).
    pub fn allows(&mut self, key: &str, limit: u32, now: Instant) -> bool {
        let Some(list) = self.failures.get_mut(key) else {
            return true;
        };
        list.retain(|t| now.duration_since(*t) < LOGIN_WINDOW);
        list.len() < limit as usize
    }

    /// Counts a failure against `key`.
    pub fn failed(&mut self, key: &str, now: Instant) {
        // Forget keys whose failures are all old, so the map stays small.
        if self.failures.len() > 10_000 {
            self.failures.retain(|_, l| {
                l.last()
                    .is_some_and(|t| now.duration_since(*t) < LOGIN_WINDOW)
            });
        }
        self.failures.entry(key.to_owned()).or_default().push(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_verify_and_secrets_hash() {
        let hash = hash_password("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2"));
        assert!(verify_password("correct horse".into(), hash.clone()).await);
        assert!(!verify_password("wrong".into(), hash).await);
        assert_eq!(hash_secret("a"), hash_secret("a"));
        assert_ne!(random_token(16), random_token(16));
        assert_eq!(random_token(16).len(), 32);
    }

    #[test]
    fn the_limiter_counts_failures_in_the_window() {
        let mut l = LoginLimiter::default();
        let t = Instant::now();
        for _ in 0..3 {
            assert!(l.allows("ip:1", 3, t));
            l.failed("ip:1", t);
        }
        assert!(!l.allows("ip:1", 3, t));
        assert!(l.allows("ip:2", 3, t));
        assert!(l.allows("ip:1", 3, t + LOGIN_WINDOW));
    }
}

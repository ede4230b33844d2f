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

/// Who the request's cookie or bearer token belongs to, whatever they may do.
pub async fn authenticate(parts: &Parts, state: &AppState) -> Result<Auth, ApiError> {
    let credential =
        Credential::from_headers(&parts.headers)?.ok_or_else(ApiError::unauthenticated)?;
    match credential.principal(state).await? {
        Some(p) => Ok(Auth(p)),
        None => Err(ApiError::unauthenticated()),
    }
}

/// What a person whose password an admin reset may still do through the API: read
/// who they are, choose a new password, sign out.
const WHILE_RESET: [(&str, &str); 3] = [
    ("GET", "/api/v1/me"),
    ("PUT", "/api/v1/me/password"),
    ("POST", "/api/v1/auth/logout"),
];

/// 403 `password_change_required`.
pub fn password_change_required() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::FORBIDDEN,
        "password_change_required",
        "an admin reset your password: choose a new one first (PUT /api/v1/me/password)",
    )
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let auth = authenticate(parts, state).await?;
        if auth.0.must_change_password {
            // Routes under /api/v1 see their path without the prefix.
            let path = parts
                .extensions
                .get::<axum::extract::OriginalUri>()
                .map_or_else(|| parts.uri.path().to_owned(), |u| u.path().to_owned());
            let allowed = WHILE_RESET
                .iter()
                .any(|(m, p)| parts.method.as_str() == *m && path == *p);
            if !allowed {
                return Err(password_change_required());
            }
        }
        Ok(auth)
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

/// Sign-in attempts per key (an address; an account from an address) in a window.
///
/// An attempt is counted before its password is checked and given back when it
/// succeeds, so concurrent attempts cannot all slip under the limit. Memory is
/// bounded: each key is a 16-byte digest with a count and an instant, and at most
/// [`LIMITER_KEYS`] are kept, the oldest dropped first.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    entries: HashMap<LimitKey, Window>,
}

/// What the limiter counts against: the digest of an address or of an account and
/// an address, so that a long email costs no more memory than a short one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LimitKey([u8; 16]);

impl LimitKey {
    /// The key of `parts` (such as `["account", email, address]`).
    pub fn of(parts: &[&str]) -> Self {
        let mut h = Sha256::new();
        for p in parts {
            h.update((p.len() as u64).to_le_bytes());
            h.update(p.as_bytes());
        }
        let mut key = [0u8; 16];
        key.copy_from_slice(&h.finalize()[..16]);
        LimitKey(key)
    }
}

#[derive(Clone, Copy, Debug)]
struct Window {
    /// When the first attempt still counted was made.
    start: Instant,
    count: u32,
}

/// How long a failed sign-in counts against its keys.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The most keys the limiter remembers (about 4 MB).
pub const LIMITER_KEYS: usize = 65_536;

impl LoginLimiter {
    /// Counts an attempt against every key if each is under its limit; false (and
    /// nothing counted) if one is at it.
    pub fn try_begin(&mut self, keys: &[(LimitKey, u32)], now: Instant) -> bool {
        let open = |w: &Window| now.duration_since(w.start) < LOGIN_WINDOW;
        let full = keys.iter().any(|(k, limit)| {
            self.entries
                .get(k)
                .is_some_and(|w| open(w) && w.count >= *limit)
        });
        if full {
            return false;
        }
        for (k, _) in keys {
            if !self.entries.contains_key(k) && self.entries.len() >= LIMITER_KEYS {
                self.make_room(now);
            }
            let w = self.entries.entry(*k).or_insert(Window {
                start: now,
                count: 0,
            });
            if !open(w) {
                *w = Window {
                    start: now,
                    count: 0,
                };
            }
            w.count += 1;
        }
        true
    }

    /// The attempt succeeded: it no longer counts against `keys`.
    pub fn succeeded(&mut self, keys: &[(LimitKey, u32)]) {
        for (k, _) in keys {
            if let Some(w) = self.entries.get_mut(k) {
                w.count = w.count.saturating_sub(1);
            }
        }
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets the keys whose window ended, then, if that freed too little, the
    /// oldest quarter, so that a flood of new keys costs amortised constant time.
    fn make_room(&mut self, now: Instant) {
        self.entries
            .retain(|_, w| now.duration_since(w.start) < LOGIN_WINDOW);
        if self.entries.len() < LIMITER_KEYS * 7 / 8 {
            return;
        }
        let mut starts: Vec<Instant> = self.entries.values().map(|w| w.start).collect();
        let quarter = starts.len() / 4;
        let (_, cutoff, _) = starts.select_nth_unstable(quarter);
        let cutoff = *cutoff;
        self.entries.retain(|_, w| w.start > cutoff);
    }
}

/// The part of an address that one client controls: the whole IPv4 address, the
/// /64 of an IPv6 one (a single host often has a whole /64 to pick from).
pub fn address_key(ip: std::net::IpAddr) -> String {
    match ip.to_canonical() {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
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
    fn the_limiter_counts_attempts_in_the_window_and_gives_back_successes() {
        let mut l = LoginLimiter::default();
        let t = Instant::now();
        let one = [(LimitKey::of(&["ip", "1"]), 3)];
        let two = [(LimitKey::of(&["ip", "2"]), 3)];
        for _ in 0..3 {
            assert!(l.try_begin(&one, t));
        }
        assert!(!l.try_begin(&one, t));
        assert!(l.try_begin(&two, t));
        l.succeeded(&two);
        assert!(l.try_begin(&one, t + LOGIN_WINDOW));
        // Both keys or neither: a refused attempt counts against none.
        let both = [one[0], two[0]];
        assert!(l.try_begin(&both, t + LOGIN_WINDOW));
        assert!(l.try_begin(&both, t + LOGIN_WINDOW));
        assert!(!l.try_begin(&both, t + LOGIN_WINDOW));
        assert!(l.try_begin(&two, t + LOGIN_WINDOW));
        assert_eq!(
            address_key("2001:db8:1:2:3:4:5:6".parse().unwrap()),
            "2001:db8:1:2::/64"
        );
        assert_eq!(address_key("::ffff:10.0.0.1".parse().unwrap()), "10.0.0.1");
    }

    #[test]
    fn the_limiter_keeps_a_bounded_number_of_keys() {
        let mut l = LoginLimiter::default();
        let t = Instant::now();
        for i in 0..(3 * LIMITER_KEYS) {
            let now = t + Duration::from_millis(i as u64);
            assert!(l.try_begin(&[(LimitKey::of(&["ip", &i.to_string()]), 1)], now));
            assert!(l.len() <= LIMITER_KEYS);
        }
        // The newest keys are still counted.
        let last = (3 * LIMITER_KEYS - 1).to_string();
        let end = t + Duration::from_millis(3 * LIMITER_KEYS as u64);
        assert!(!l.try_begin(&[(LimitKey::of(&["ip", &last]), 1)], end));
    }
}

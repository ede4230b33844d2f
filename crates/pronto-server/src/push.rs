//! Web Push: alerts to a person's devices when no Pronto page is open (a phone, a
//! closed laptop). The server's VAPID key pair (RFC 8292) is made once and kept in
//! the store, its private half sealed like channel secrets; each device's
//! subscription (its push service's endpoint and keys) is stored per person; a
//! payload is encrypted to the device (RFC 8291, `aes128gcm`) by `web-push-native`
//! and posted by the alerts worker, never in a request. It carries only what the
//! person's preference lets an alert show.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use pronto_store::PushSubscription;
use serde_json::json;

use crate::state::AppState;

/// The store's name for the VAPID private key.
const VAPID_KEY: &str = "vapid_private_key";

/// How long a push service keeps an alert for an offline device (seconds).
const TTL_SECONDS: u64 = 12 * 3600;

/// The server's VAPID key pair.
pub struct Vapid {
    key: SigningKey,
}

/// Why a device's subscription is refused.
#[derive(Debug, thiserror::Error)]
#[error("{field}: {message}")]
pub struct KeyError {
    /// `keys.p256dh` or `keys.auth`.
    pub field: &'static str,
    /// What is wrong.
    pub message: &'static str,
}

impl Vapid {
    /// The server's key pair, made and kept the first time.
    pub async fn of(state: &AppState) -> Result<Vapid, String> {
        let sealer = state.sealer()?;
        let make = || {
            let secret = loop {
                let mut bytes = [0u8; 32];
                getrandom::fill(&mut bytes).expect("the system's random source works");
                if let Ok(s) = p256::SecretKey::from_slice(&bytes) {
                    break s;
                }
            };
            sealer.seal(&URL_SAFE_NO_PAD.encode(secret.to_bytes()))
        };
        let stored = state
            .store
            .server_key(VAPID_KEY, make, state.now())
            .await
            .map_err(|e| e.to_string())?;
        let opened = sealer.open(&stored).map_err(|e| e.to_string())?;
        let bytes = URL_SAFE_NO_PAD
            .decode(opened)
            .map_err(|_| "the stored VAPID key does not read".to_owned())?;
        let secret = p256::SecretKey::from_slice(&bytes)
            .map_err(|_| "the stored VAPID key is not a P-256 key".to_owned())?;
        Ok(Vapid {
            key: SigningKey::from(secret),
        })
    }

    /// The public key as browsers take it (`applicationServerKey`): the
    /// uncompressed point, base64url.
    pub fn public_key(&self) -> String {
        let point = self.key.verifying_key().to_encoded_point(false);
        URL_SAFE_NO_PAD.encode(point.as_bytes())
    }

    /// The `Authorization` header for a push to `endpoint`: a JWT for the push
    /// service's origin, signed ES256, with the public key.
    fn authorization(&self, endpoint: &url::Url, contact: &str, now_seconds: i64) -> String {
        let audience = endpoint.origin().ascii_serialization();
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = json!({"aud": audience, "exp": now_seconds + 12 * 3600, "sub": contact});
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let input = format!("{header}.{claims}");
        let signature: Signature = self.key.sign(input.as_bytes());
        let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()));
        format!("vapid t={token}, k={}", self.public_key())
    }
}

/// A device's keys, checked: its P-256 public key and its 16-byte secret.
pub fn check_keys(p256dh: &str, auth: &str) -> Result<(), KeyError> {
    read_keys(p256dh, auth).map(|_| ())
}

fn read_keys(
    p256dh: &str,
    auth: &str,
) -> Result<(p256::PublicKey, web_push_native::Auth), KeyError> {
    let public = URL_SAFE_NO_PAD
        .decode(p256dh.trim_end_matches('='))
        .ok()
        .and_then(|b| p256::PublicKey::from_sec1_bytes(&b).ok())
        .ok_or(KeyError {
            field: "keys.p256dh",
            message: "not a P-256 public key in base64url",
        })?;
    let secret = URL_SAFE_NO_PAD
        .decode(auth.trim_end_matches('='))
        .ok()
        .filter(|b| b.len() == 16)
        .ok_or(KeyError {
            field: "keys.auth",
            message: "not 16 bytes in base64url",
        })?;
    Ok((public, web_push_native::Auth::clone_from_slice(&secret)))
}

/// What a push says: a title, what the preference lets it show of the message,
/// and the conversation to open.
pub fn payload(title: &str, body: Option<&str>, conversation_id: i64) -> Vec<u8> {
    json!({"title": title, "body": body.unwrap_or(""), "conversation_id": conversation_id})
        .to_string()
        .into_bytes()
}

/// Encrypts `payload` to the device and posts it to its push service. A device the
/// service no longer knows (404, 410) is forgotten; other failures are logged.
pub async fn send(state: &AppState, vapid: &Vapid, sub: &PushSubscription, payload: Vec<u8>) {
    let shown = crate::outgoing::redact_url(&sub.endpoint);
    let Ok(endpoint) = url::Url::parse(&sub.endpoint) else {
        return tracing::warn!("push to {shown}: not a URL");
    };
    let (public, auth) = match read_keys(&sub.p256dh, &sub.auth) {
        Ok(keys) => keys,
        Err(e) => return tracing::warn!("push to {shown}: {e}"),
    };
    let body = match web_push_native::encrypt(payload, &public, &auth) {
        Ok(body) => body,
        Err(e) => return tracing::warn!("push to {shown}: {e}"),
    };
    let authorization =
        vapid.authorization(&endpoint, &state.config.base_url(), state.now() / 1_000_000);
    let request = match state.outgoing.post(&sub.endpoint) {
        Ok(r) => r,
        Err(e) => return tracing::warn!("push to {shown}: {e}"),
    };
    let sent = request
        .header("TTL", TTL_SECONDS.to_string())
        .header("Urgency", "high")
        .header("Content-Encoding", "aes128gcm")
        .header("Content-Type", "application/octet-stream")
        .header("Authorization", authorization)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => {}
        Ok(r) if matches!(r.status().as_u16(), 404 | 410) => {
            if let Err(e) = state.store.forget_push_endpoint(&sub.endpoint).await {
                tracing::warn!("forgetting {shown}: {e}");
            }
        }
        Ok(r) => tracing::warn!("push to {shown}: {}", r.status()),
        Err(e) => tracing::warn!("push to {shown}: {}", crate::outgoing::transport_error(&e)),
    }
}

//! Channel secrets (Meta app secrets, Page tokens) encrypted at rest with a key from
//! the configuration, so that a copy of the database alone does not hand them out.
//!
//! A sealed value is `enc:v1:` followed by base64 of a random 24-byte nonce and the
//! XChaCha20-Poly1305 ciphertext. The key is `secret_key` (64 hex characters); when it
//! is not configured, one is made on first start and kept in `data_dir/secret.key`.
//! Every node of a PostgreSQL deployment needs the same key.

use std::fmt;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::Aead;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use pronto_store::ChannelKind;

const PREFIX: &str = "enc:v1:";

/// Seals and opens channel secrets.
#[derive(Clone)]
pub struct Sealer {
    key: [u8; 32],
}

/// The key never appears in logs.
impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealer(***)")
    }
}

/// Why a secret could not be opened or the key loaded.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The configured key is not 64 hex characters.
    #[error("secret_key must be 64 hexadecimal characters (32 bytes)")]
    BadKey,
    /// The key file could not be read or written.
    #[error("secret key file {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The value was sealed with another key, or altered.
    #[error("a stored secret cannot be opened with this secret_key (was the key changed?)")]
    Open,
}

/// Whether a stored value is sealed (rather than a plain value kept from before).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

impl Sealer {
    /// Seals, in a channel's `config`, each secret of its `kind` that is not sealed
    /// yet; says whether anything changed (a channel stored before its kind's secrets
    /// were sealed is upgraded this way at start).
    pub fn seal_config(&self, kind: ChannelKind, config: &mut serde_json::Value) -> bool {
        let mut changed = false;
        for key in kind.secret_keys() {
            if let Some(plain) = config[*key].as_str().filter(|v| !is_sealed(v)) {
                let sealed = self.seal(plain);
                config[*key] = serde_json::Value::String(sealed);
                changed = true;
            }
        }
        changed
    }

    /// A key for another use (`label` names it), derived from the sealing key:
    /// HMAC-SHA256(key, label). The web chat's visitor tokens are signed with one.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&self.key)
            .expect("HMAC takes any key length");
        mac.update(label.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// A sealer with `key`.
    pub fn new(key: [u8; 32]) -> Self {
        Sealer { key }
    }

    /// The configured key (hex), or the one kept in `data_dir/secret.key`, made on
    /// first use.
    pub fn load(configured: &str, data_dir: &Path) -> Result<Sealer, SealError> {
        if !configured.is_empty() {
            return parse_key(configured).map(Sealer::new);
        }
        let path = data_dir.join("secret.key");
        let file_error = |source| SealError::File {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => parse_key(text.trim()).map(Sealer::new),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(file_error)?;
                let mut key = [0u8; 32];
                getrandom::fill(&mut key).expect("the system's random source works");
                write_private(&path, &hex::encode(key)).map_err(file_error)?;
                Ok(Sealer::new(key))
            }
            Err(e) => Err(file_error(e)),
        }
    }

    /// Seals `plain`.
    pub fn seal(&self, plain: &str) -> String {
        let cipher = XChaCha20Poly1305::new_from_slice(&self.key).expect("a 32-byte key");
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).expect("the system's random source works");
        let sealed = cipher
            .encrypt(&XNonce::from(nonce), plain.as_bytes())
            .expect("encryption of a short text cannot fail");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    /// Opens a sealed value; a value that was never sealed is returned as it is.
    pub fn open(&self, stored: &str) -> Result<String, SealError> {
        let Some(encoded) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
        };
        let bytes = STANDARD.decode(encoded).map_err(|_| SealError::Open)?;
        if bytes.len() < 24 {
            return Err(SealError::Open);
        }
        let (nonce, sealed) = bytes.split_at(24);
        let nonce: [u8; 24] = nonce.try_into().map_err(|_| SealError::Open)?;
        let cipher = XChaCha20Poly1305::new_from_slice(&self.key).expect("a 32-byte key");
        let plain = cipher
            .decrypt(&XNonce::from(nonce), sealed)
            .map_err(|_| SealError::Open)?;
        String::from_utf8(plain).map_err(|_| SealError::Open)
    }
}

fn parse_key(text: &str) -> Result<[u8; 32], SealError> {
    let bytes = hex::decode(text).map_err(|_| SealError::BadKey)?;
    bytes.try_into().map_err(|_| SealError::BadKey)
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)?;
        f.write_all(text.as_bytes())
    }
    #[cfg(not(unix))]
    {
        std::fs::write(path, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_with_the_key_only() {
        let s = Sealer::new([7; 32]);
        let sealed = s.seal("EAAB-page-token");
        assert!(sealed.starts_with("enc:v1:") && !sealed.contains("EAAB"));
        assert_ne!(sealed, s.seal("EAAB-page-token"), "a fresh nonce each time");
        assert_eq!(s.open(&sealed).unwrap(), "EAAB-page-token");
        assert!(matches!(
            Sealer::new([8; 32]).open(&sealed),
            Err(SealError::Open)
        ));
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push('A');
        assert!(s.open(&tampered).is_err());
        assert_eq!(s.open("plain").unwrap(), "plain");
        assert_eq!(format!("{s:?}"), "Sealer(***)");
    }

    #[test]
    fn a_config_is_sealed_once_and_only_its_secrets() {
        let s = Sealer::new([7; 32]);
        let mut config = serde_json::json!({"url": "http://x", "signing_secret": "hunter2"});
        assert!(s.seal_config(ChannelKind::Api, &mut config));
        let sealed = config["signing_secret"].as_str().unwrap().to_owned();
        assert!(sealed.starts_with(PREFIX) && !sealed.contains("hunter2"));
        assert_eq!(config["url"], "http://x");
        assert!(
            !s.seal_config(ChannelKind::Api, &mut config),
            "sealed values stay as they are"
        );
        assert_eq!(config["signing_secret"], sealed.as_str());
        assert_eq!(s.open(&sealed).unwrap(), "hunter2");
    }

    #[test]
    fn the_key_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let a = Sealer::load("", dir.path()).unwrap();
        let b = Sealer::load("", dir.path()).unwrap();
        assert_eq!(b.open(&a.seal("x")).unwrap(), "x");
        assert!(matches!(
            Sealer::load("abc", dir.path()),
            Err(SealError::BadKey)
        ));
        let configured = Sealer::load(&"11".repeat(32), dir.path()).unwrap();
        assert!(configured.open(&a.seal("x")).is_err());
    }
}

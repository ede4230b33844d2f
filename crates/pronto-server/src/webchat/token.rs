//! The visitor's token: who a web chat visitor is, signed by the server.
//!
//! `v1.<payload>.<signature>`, both base64url without padding: the payload is
//! JSON `{"w": workspace, "c": channel, "v": visitor, "x": expiry}` (the expiry in
//! seconds since the epoch), the signature HMAC-SHA256 of `v1.<payload>` under a
//! key derived from the server's `secret_key` (so every node of a deployment
//! accepts every node's tokens). A token names one channel; a token of another
//! channel, expired, altered or malformed is refused, and nothing in it is secret
//! from its holder.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How long a token lives (each new session of the same visitor renews it).
pub const LIFETIME_SECS: i64 = 30 * 24 * 3600;

/// What a token says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visitor {
    /// The channel's workspace.
    #[serde(rename = "w")]
    pub workspace_id: i64,
    /// The web chat channel.
    #[serde(rename = "c")]
    pub channel_id: i64,
    /// The visitor's id on the channel (the contact's external id): `v_` and random
    /// hex for an anonymous visitor, `id:` and the site's id for a verified one.
    #[serde(rename = "v")]
    pub visitor: String,
    /// When it ends, in seconds since the epoch.
    #[serde(rename = "x")]
    pub expires: i64,
}

impl Visitor {
    /// Whether the site vouched for this visitor (`Pronto.identify` with a right HMAC).
    pub fn is_verified(&self) -> bool {
        self.visitor.starts_with("id:")
    }
}

/// Signs and reads tokens.
pub struct Tokens {
    key: [u8; 32],
}

impl Tokens {
    /// With `key` (see `Sealer::derive`).
    pub fn new(key: [u8; 32]) -> Self {
        Tokens { key }
    }

    fn mac(&self, text: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key).expect("any key length");
        mac.update(text.as_bytes());
        mac
    }

    /// The token of `visitor`.
    pub fn sign(&self, visitor: &Visitor) -> String {
        let payload = serde_json::to_vec(visitor).expect("a plain struct serializes");
        let head = format!("v1.{}", URL_SAFE_NO_PAD.encode(payload));
        let signature = self.mac(&head).finalize().into_bytes();
        format!("{head}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// The visitor of a token for `channel_id`, if it is one of ours, intact and
    /// not expired at `now_secs`.
    pub fn verify(&self, token: &str, channel_id: i64, now_secs: i64) -> Option<Visitor> {
        if token.len() > 1000 {
            return None;
        }
        let (head, signature) = token.rsplit_once('.')?;
        let payload = head.strip_prefix("v1.")?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        // Constant time.
        self.mac(head).verify_slice(&signature).ok()?;
        let visitor: Visitor =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        (visitor.channel_id == channel_id && now_secs < visitor.expires).then_some(visitor)
    }
}

/// Whether `hmac_hex` is HMAC-SHA256(`secret`, `id`) in hex (either case), compared
/// in constant time.
pub fn identity_matches(secret: &str, id: &str, hmac_hex: &str) -> bool {
    let Ok(given) = hex::decode(hmac_hex.trim()) else {
        return false;
    };
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(id.as_bytes());
    mac.verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_their_channel_and_expire() {
        let t = Tokens::new([3; 32]);
        let v = Visitor {
            workspace_id: 1,
            channel_id: 7,
            visitor: "v_abc".into(),
            expires: 1000,
        };
        let token = t.sign(&v);
        assert_eq!(t.verify(&token, 7, 999), Some(v.clone()));
        assert_eq!(t.verify(&token, 7, 1000), None, "expired");
        assert_eq!(t.verify(&token, 8, 10), None, "another channel");
        assert_eq!(
            Tokens::new([4; 32]).verify(&token, 7, 10),
            None,
            "another key"
        );
        // An altered payload (another visitor) keeps the signature: refused.
        let forged = Visitor {
            visitor: "id:42".into(),
            ..v
        };
        let (_, sig) = token.rsplit_once('.').unwrap();
        let (head, _) = t
            .sign(&forged)
            .rsplit_once('.')
            .map(|(h, s)| (h.to_owned(), s.to_owned()))
            .unwrap();
        assert_eq!(t.verify(&format!("{head}.{sig}"), 7, 10), None);
        for junk in ["", "v1.", "v1..", "x.y.z", "v1.e30.AAAA"] {
            assert_eq!(t.verify(junk, 7, 10), None, "{junk}");
        }
    }

    #[test]
    fn identities_are_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        let mac = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert!(identity_matches(
            "Jefe",
            "what do ya want for nothing?",
            mac
        ));
        assert!(identity_matches(
            "Jefe",
            "what do ya want for nothing?",
            &mac.to_uppercase()
        ));
        assert!(!identity_matches(
            "Jefe",
            "what do ya want for nothing!",
            mac
        ));
        assert!(!identity_matches("Jefe", "x", "not hex"));
        assert!(!identity_matches("Jefe", "x", ""));
    }
}

//! Meta's HMAC-SHA256 signatures, shared by every Meta channel (Messenger,
//! Instagram, WhatsApp): the `X-Hub-Signature-256` of a webhook body, checked over
//! the raw bytes in constant time, and the `appsecret_proof` of a Graph API call.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// `sha256=<lowercase hex>` of `body` keyed with `secret`: the value of
/// `X-Hub-Signature-256` (and of Pronto's own `X-Pronto-Signature-256`).
pub fn sign(secret: &str, body: &[u8]) -> String {
    format!("sha256={}", hex::encode(mac(secret, body)))
}

/// Whether `header` (`sha256=<hex>`) signs `body` with `secret`, compared in
/// constant time. Meta signs the bytes as sent (unicode escaped), so the body is
/// never re-serialized before this check.
pub fn signature_ok(secret: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(given) = hex::decode(hex_sig) else {
        return false;
    };
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// `appsecret_proof`: the HMAC-SHA256 of the access token, keyed with the app secret,
/// in lowercase hex.
pub fn appsecret_proof(app_secret: &str, token: &str) -> String {
    hex::encode(mac(app_secret, token.as_bytes()))
}

/// Two byte strings equal, compared in constant time (a webhook's verify token).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn mac(secret: &str, data: &[u8]) -> Vec<u8> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked_over_the_raw_bytes() {
        let body = br#"{"object":"page","entry":[]}"#;
        let good = sign("app-secret", body);
        assert!(signature_ok("app-secret", body, &good));
        assert!(!signature_ok("other-secret", body, &good));
        assert!(!signature_ok(
            "app-secret",
            br#"{"object":"page","entry":[ ]}"#,
            &good
        ));
        assert!(!signature_ok("app-secret", body, ""));
        assert!(!signature_ok("app-secret", body, "sha1=abc"));
        assert!(!signature_ok("app-secret", body, "sha256=zz"));
        // Escaped unicode: the bytes as sent are what is signed.
        let escaped = br#"{"text":"\u00e4\u00f6\u00e5"}"#;
        let raw = "{\"text\":\"äöå\"}".as_bytes();
        let sig = sign("s", escaped);
        assert!(signature_ok("s", escaped, &sig));
        assert!(!signature_ok("s", raw, &sig));
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let p = appsecret_proof("secret", "token");
        assert_eq!(p.len(), 64);
        assert_ne!(p, appsecret_proof("secret", "other"));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}

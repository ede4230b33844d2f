//! Outgoing HTTP calls, and the one rule for what their errors may say.
//!
//! Calls to addresses an admin typed in (outgoing webhooks, the rules'
//! `call_webhook`, api channels' URLs) go through [`Outgoing`]: no redirects, and
//! unless `allow_private_webhook_urls` is on, never to a loopback, private,
//! link-local (cloud metadata), unspecified or multicast address. The address is
//! checked when the URL is saved ([`check_url`]) and again when connecting: names
//! are resolved once by [`Guard`], which hands the connector only allowed
//! addresses, so a name that changes its answer (DNS rebinding) cannot slip by.
//! Meta's APIs are called with the plain client in `AppState::http`, at the
//! configured base URLs.
//!
//! A transport error names its URL, and the URL may hold a token (Meta's
//! `access_token` and `appsecret_proof`, a receiver's key): [`transport_error`]
//! turns every such error into a short text without it, and [`redact_url`] keeps
//! only the scheme, host, port and path of a URL for messages.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// What a caller is told when the receiver's address is refused.
pub const NOT_ALLOWED: &str = "the receiver's address is not allowed";

/// The client for admin-given URLs.
#[derive(Clone, Debug)]
pub struct Outgoing {
    http: reqwest::Client,
    allow_private: bool,
}

impl Outgoing {
    /// A client that refuses private addresses unless `allow_private`.
    pub fn new(allow_private: bool) -> Outgoing {
        let mut builder = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none());
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(Guard));
        }
        Outgoing {
            http: builder
                .build()
                .expect("an HTTP client with default TLS builds"),
            allow_private,
        }
    }

    /// A POST to `url`, or the reason it may not be made (safe to store and show).
    /// A URL whose host is an address is checked here, since the connector does not
    /// resolve it; a name is checked by [`Guard`] when connecting.
    pub fn post(&self, url: &str) -> Result<reqwest::RequestBuilder, String> {
        let parsed = Url::parse(url).map_err(|_| "the URL is not valid".to_owned())?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err("the URL is not http:// or https://".into());
        }
        if !self.allow_private && host_refused(&parsed) {
            return Err(NOT_ALLOWED.into());
        }
        Ok(self.http.post(parsed))
    }
}

/// Checks a URL an admin is saving; the error names `field`. Addresses and
/// `localhost` names are refused here when private addresses are not allowed;
/// other names are checked when connecting.
pub fn check_url(url: &str, field: &str, allow_private: bool) -> Result<(), String> {
    let parsed = Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .filter(|_| url.len() <= 2000 && !url.contains(char::is_whitespace));
    let Some(parsed) = parsed else {
        return Err(format!("{field} must be an http:// or https:// URL"));
    };
    if !allow_private && host_refused(&parsed) {
        return Err(format!(
            "{field} points at a loopback, private, link-local or multicast address; \
             an admin can allow those with the setting allow_private_webhook_urls"
        ));
    }
    Ok(())
}

/// Whether a URL's host is an address (or `localhost`) that may not be reached.
fn host_refused(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return true;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => !allowed(ip),
        Err(_) => {
            let name = bare.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    }
}

/// Whether an outgoing call may connect to `ip`: a public unicast address.
pub fn allowed(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => allowed_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return allowed_v4(v4);
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // fc00::/7, unique local
                || (first & 0xffc0) == 0xfe80 // fe80::/10, link-local
                || (first & 0xffc0) == 0xfec0 // fec0::/10, old site-local
                || v6.segments()[..6] == [0; 6] // ::a.b.c.d, IPv4-compatible
                || (first == 0x64 && v6.segments()[1] == 0xff9b) // 64:ff9b::/96 NAT64
                || (first == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
                || first == 0x2002) // 6to4, which embeds an IPv4 address
        }
    }
}

fn allowed_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254.0.0/16, cloud metadata
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0 // 0.0.0.0/8
        || (a == 100 && (b & 0xc0) == 64) // 100.64.0.0/10, carrier-grade NAT
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // 192.0.0.0/24, protocol assignments
        || (a == 198 && (b & 0xfe) == 18) // 198.18.0.0/15, benchmarking
        || a >= 240) // reserved
}

/// The resolver of [`Outgoing`]: the system's lookup, keeping only allowed
/// addresses; none left is an error ([`Refused`]).
#[derive(Debug)]
pub struct Guard;

/// No allowed address for a name.
#[derive(Debug)]
pub struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(NOT_ALLOWED)
    }
}

impl std::error::Error for Refused {}

impl Resolve for Guard {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let addrs: Vec<SocketAddr> = found.filter(|a| allowed(a.ip())).collect();
            if addrs.is_empty() {
                return Err(Box::new(Refused) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// The one text for a failed call: its kind, never its URL (which may hold a token)
/// nor the resolver's or the connector's internals.
pub fn transport_error(e: &reqwest::Error) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<Refused>() {
            return NOT_ALLOWED.to_owned();
        }
        source = s.source();
    }
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_redirect() {
        "redirects are not followed"
    } else if e.is_decode() || e.is_body() {
        "bad answer"
    } else if e.is_builder() {
        "bad request"
    } else {
        "request failed"
    }
    .to_owned()
}

/// A URL fit for a message: scheme, host, port and path; no user, password, query
/// or fragment.
pub fn redact_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(u) => {
            let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
            format!(
                "{}://{}{port}{}",
                u.scheme(),
                u.host_str().unwrap_or(""),
                u.path()
            )
        }
        Err(_) => "(not a URL)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_refused() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!allowed(bad.parse().unwrap()), "{bad}");
        }
        for good in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(allowed(good.parse().unwrap()), "{good}");
        }
    }

    #[test]
    fn urls_are_checked_by_host_and_field() {
        for bad in [
            "http://127.0.0.1:9/x",
            "http://[::1]/x",
            "http://169.254.169.254/latest/meta-data",
            "http://localhost:8080/",
            "http://a.localhost./",
            "http://[::ffff:10.0.0.1]/",
            "http://2130706433/", // 127.0.0.1 as one number
        ] {
            let e = check_url(bad, "url", false).unwrap_err();
            assert!(e.starts_with("url "), "{bad}: {e}");
            assert!(check_url(bad, "url", true).is_ok(), "{bad}");
        }
        assert!(check_url("https://hooks.example.com/x?k=1", "url", false).is_ok());
        assert!(check_url("ftp://example.com/", "url", true).is_err());
        assert!(check_url("https://", "url", true).is_err());
    }

    #[tokio::test]
    async fn names_of_private_addresses_are_refused_when_connecting() {
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(Guard))
            .build()
            .unwrap();
        let e = client.get("http://localhost:9/").send().await.unwrap_err();
        assert_eq!(transport_error(&e), NOT_ALLOWED);
    }

    #[test]
    fn urls_in_messages_lose_their_secrets() {
        assert_eq!(
            redact_url("https://user:pw@example.com:8443/hook?key=s3cret#f"),
            "https://example.com:8443/hook"
        );
    }
}

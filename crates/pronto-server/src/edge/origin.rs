//! Cross-site request forgery: a state-changing request (POST, PUT, PATCH, DELETE)
//! that a browser could send with the session cookie must come from one of
//! Pronto's own pages.
//!
//! The rule, in one place for every route (those added later included): unless
//! the request carries an `Authorization` header (an API token, which a foreign
//! page cannot make a browser send) or is one of Meta's webhooks (signed, and
//! without cookies) or a web chat visitor's call (no cookies either; `webchat::guard`
//! holds it to the channel's own allow-list), its `Origin` (or, when a browser sent
//! none, its `Referer`)
//! must be Pronto's own origin: the public URL's, or the one of the `Host` the
//! request came to. A request with neither header is refused too: every browser
//! sends `Origin` on these methods, and scripts that sign in with a password
//! send it themselves (or use an API token). Sign-in and setup are checked as
//! well, so no foreign page can sign a browser into an account of its choosing.
//! The comparison is exact on scheme, host and port: a page of the same site on
//! another port or a sibling subdomain is another origin and is refused.

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, HOST, ORIGIN, REFERER};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

/// Refuses state-changing requests from other origins with 403 `cross_origin`.
pub async fn same_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if needs_check(req.method(), req.uri().path(), req.headers())
        && !from_own_origin(req.headers(), &state.config.base_url())
    {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "this request did not come from Pronto's own pages (its Origin or Referer \
             is another site's, or missing); scripts use an API token",
        )
        .into_response();
    }
    next.run(req).await
}

/// Whether the request is one a foreign page could make a browser send with
/// the session cookie.
fn needs_check(method: &Method, path: &str, headers: &HeaderMap) -> bool {
    let changes = matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    changes
        && !headers.contains_key(AUTHORIZATION)
        && !path.starts_with("/webhooks/meta/")
        && !path.starts_with("/webchat/")
}

/// Whether `Origin` (else `Referer`) names Pronto's own origin.
fn from_own_origin(headers: &HeaderMap, base_url: &str) -> bool {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let claimed = match (header(ORIGIN), header(REFERER)) {
        (Some(origin), _) => origin_of(origin),
        (None, Some(referer)) => origin_of(referer),
        (None, None) => None,
    };
    let Some(claimed) = claimed else {
        return false;
    };
    if origin_of(base_url).is_some_and(|own| own == claimed) {
        return true;
    }
    // The Host the request came to, on either scheme: a proxy in front may
    // terminate TLS, and a cookie is only ever sent to its own host.
    header(HOST).is_some_and(|host| {
        ["http", "https"]
            .iter()
            .filter_map(|scheme| origin_of(&format!("{scheme}://{host}")))
            .any(|own| own == claimed)
    })
}

/// An origin: scheme, host and port (the scheme's default when not written).
#[derive(Debug, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

/// The origin of a URL (or of an `Origin` header's value); `None` for `null` and
/// anything that is not http(s).
fn origin_of(url: &str) -> Option<Origin> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let (host, port) = match authority.rsplit_once(':') {
        // An IPv6 literal without a port: `[::1]`.
        Some((h, p)) if !p.contains(']') => (h, p.parse().ok()?),
        _ => (authority, default),
    };
    if host.is_empty() {
        return None;
    }
    Some(Origin {
        scheme,
        host: host.to_ascii_lowercase(),
        port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let base = "https://inbox.acme.test";
        let own = |pairs: &[(&'static str, &str)]| from_own_origin(&headers(pairs), base);
        assert!(own(&[("origin", "https://inbox.acme.test")]));
        assert!(own(&[("origin", "https://INBOX.acme.test:443")]));
        assert!(own(&[("referer", "https://inbox.acme.test/inbox?x=1")]));
        assert!(!own(&[("origin", "https://inbox.acme.test:8443")]));
        assert!(!own(&[("origin", "http://inbox.acme.test")]));
        assert!(!own(&[("origin", "https://evil.acme.test")]));
        assert!(!own(&[("origin", "null")]));
        assert!(!own(&[]));
        // Origin wins over Referer.
        assert!(!own(&[
            ("origin", "https://evil.test"),
            ("referer", "https://inbox.acme.test/")
        ]));
        // The Host the request came to.
        assert!(own(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ]));
        assert!(!own(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8081")
        ]));
        assert!(own(&[
            ("host", "[::1]:8080"),
            ("origin", "http://[::1]:8080")
        ]));
        assert!(!own(&[
            ("host", "inbox.acme.test"),
            ("referer", "https://user@inbox.acme.test/")
        ]));
    }

    #[test]
    fn tokens_and_meta_webhooks_are_exempt_and_reads_never_checked() {
        let none = HeaderMap::new();
        assert!(needs_check(&Method::POST, "/api/v1/auth/logout", &none));
        assert!(needs_check(&Method::DELETE, "/api/v1/tokens/1", &none));
        assert!(!needs_check(&Method::GET, "/api/v1/me", &none));
        assert!(!needs_check(&Method::POST, "/webhooks/meta/3", &none));
        assert!(!needs_check(&Method::POST, "/webchat/v1/3/session", &none));
        let bearer = headers(&[("authorization", "Bearer x")]);
        assert!(!needs_check(&Method::POST, "/api/v1/users", &bearer));
    }
}

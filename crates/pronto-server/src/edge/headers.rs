//! Security headers on every answer: pages, fragments, the API, errors.
//!
//! A route that needs another Content-Security-Policy sets its own
//! `Content-Security-Policy` header and this middleware leaves it alone; the same
//! holds for `Cache-Control` (static assets say `no-cache`, everything else is
//! private and gets `no-store`). A policy of a route's own that says who may frame
//! it (`frame-ancestors`: the web chat's frame, framed by the channel's sites) also
//! gets no `X-Frame-Options: DENY`, which would forbid what it allows.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// The default policy: scripts, styles and connections only from Pronto itself (no
/// inline script or style), images also from the platforms' CDNs (attachments),
/// and no page may frame Pronto's.
pub const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data: https:; media-src 'self' https:; connect-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// HSTS for a year, when the public URL is https.
const HSTS: &str = "max-age=31536000";

/// Adds the security headers that the answer does not set itself.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    let framing_own = h
        .get(CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|csp| csp.contains("frame-ancestors"));
    h.entry(CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(DEFAULT_CSP));
    if !framing_own {
        h.entry(X_FRAME_OPTIONS)
            .or_insert(HeaderValue::from_static("DENY"));
    }
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.entry(REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    h.entry(CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    if state.config.base_url().starts_with("https://") {
        h.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

//! The widget's frame: `GET /webchat/frame/{channel}?origin=SITE`, the document the
//! loader (`/widget.js`) puts in an iframe on the business's page. The chat runs
//! there, on Pronto's origin, under a policy of its own ([`policy`]): nothing but
//! Pronto's script, style, images and calls, and `frame-ancestors` exactly the
//! channel's allowed origins, so a site that is not on the list cannot show it.
//!
//! `origin` is the site the loader runs on; it must be one of the allowed origins
//! (403 `origin_not_allowed` otherwise): the frame talks to that origin only
//! (`postMessage` both ways with that exact origin) and names it on its calls to
//! the visitors' API (see [`super::guard`]).

use axum::extract::{Path, Query, State};
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use pronto_core::webchat::{WebChatConfig, normalize_origin};
use pronto_store::ChannelKind;
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;

/// The frame's query.
#[derive(Deserialize)]
pub struct FrameQuery {
    /// The site's origin, as the loader reads it (`location.origin`).
    origin: Option<String>,
}

/// The frame's Content-Security-Policy: scripts, styles and calls only from
/// Pronto, images from Pronto (attachments) and from the avatar's origin, no
/// forms posted anywhere, and framed only by the channel's sites.
pub fn policy(config: &WebChatConfig) -> String {
    let ancestors = if config.allowed_origins.is_empty() {
        "'none'".to_owned()
    } else {
        config.allowed_origins.join(" ")
    };
    let avatar = url::Url::parse(&config.avatar_url)
        .ok()
        .and_then(|u| normalize_origin(&u.origin().ascii_serialization()))
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'{avatar}; \
         connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
    )
}

/// The frame's document: the script reads the channel and the site from `<body>`.
fn document(channel: i64, site: &str) -> String {
    // The site is an origin as `normalize_origin` writes it: no quote, no `<`.
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Chat</title><link rel=\"stylesheet\" href=\"/widget.css\">\
         <script src=\"/webchat/frame.js\" defer></script></head>\
         <body data-channel=\"{channel}\" data-site=\"{site}\"></body></html>"
    )
}

/// `GET /webchat/frame/{channel}?origin=SITE`.
pub async fn frame(
    State(state): State<AppState>,
    Path(channel_id): Path<i64>,
    Query(query): Query<FrameQuery>,
) -> Response {
    let channel = match state.store.channel_any_workspace(channel_id).await {
        Ok(c) if c.kind == ChannelKind::WebChat => c,
        Ok(_) | Err(pronto_store::StoreError::NotFound(_)) => {
            return ApiError::not_found("web chat channel").into_response();
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    let config = channel.webchat_config();
    let Some(site) = query
        .origin
        .as_deref()
        .filter(|o| config.allows(o))
        .and_then(normalize_origin)
    else {
        return super::origin_refused().into_response();
    };
    let mut response = (
        [(CONTENT_TYPE, "text/html; charset=utf-8")],
        document(channel.id, &site),
    )
        .into_response();
    if let Ok(csp) = HeaderValue::from_str(&policy(&config)) {
        response.headers_mut().insert(CONTENT_SECURITY_POLICY, csp);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_policy_names_the_sites_and_the_avatar() {
        let config = WebChatConfig::read(&json!({
            "allowed_origins": ["https://shop.test", "http://localhost:8080"],
            "avatar_url": "https://cdn.shop.test/me.png"}));
        assert_eq!(
            policy(&config),
            "default-src 'none'; script-src 'self'; style-src 'self'; \
             img-src 'self' https://cdn.shop.test; connect-src 'self'; base-uri 'none'; \
             form-action 'none'; frame-ancestors https://shop.test http://localhost:8080"
        );
        let none = WebChatConfig::read(&json!({}));
        assert!(policy(&none).ends_with("img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"));
    }
}

//! The web chat channel: the loader a business pastes into its site
//! (`/widget.js`), the widget's frame it opens ([`frame`]), and the visitors' API
//! the frame calls, under `/webchat/v1/{channel}/`.
//!
//! The widget runs in an iframe whose document Pronto serves, on Pronto's origin:
//! its own Content-Security-Policy, `frame-ancestors` exactly the channel's
//! `allowed_origins`, and `postMessage` with the page in both directions with exact
//! origins (the loader accepts only Pronto's origin, the frame only the site it was
//! opened for). The visitor's token lives in the frame's `localStorage`.
//!
//! The visitors' API is separate from the agents' API: it knows only visitor
//! tokens ([`token`]), which name one channel and one visitor and open nothing
//! else (the agents' API reads bearer tokens as API tokens and refuses them). Every
//! call passes [`guard`] first: the channel must be a web chat, and the site the
//! call is for one of its `allowed_origins`, compared exactly. The site is the
//! request's `Origin` for a call from another origin (a site calling the API
//! itself; the answer then carries CORS headers for that origin only, preflights
//! included), and for a call from a document of Pronto's own (`Sec-Fetch-Site:
//! same-origin`, which only the browser sets: the frame) the site the frame names
//! in its `Pronto-Site` header, else Pronto's own public URL (a page of Pronto's,
//! as the demo's). Calls are counted per address and per visitor ([`Limits`]).
//!
//! A visitor's message goes through the one inbound path (`inbound::receive`); an
//! agent's reply through the one reply path, and the delivery worker marks it sent
//! (it is delivered by being stored, and streamed to the visitor: [`stream`]).

pub mod api;
pub mod feed;
pub mod files;
pub mod frame;
pub mod stream;
pub mod token;
pub mod widget;

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, AUTHORIZATION, ORIGIN, RETRY_AFTER,
    VARY,
};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use pronto_store::{Channel, ChannelKind};

use crate::auth::{LimitKey, address_key};
use crate::client::ClientIp;
use crate::error::ApiError;
use crate::state::AppState;
use token::{Tokens, Visitor};

/// The label of the key that signs visitor tokens (derived from `secret_key`).
const TOKEN_KEY_LABEL: &str = "pronto webchat visitor token v1";

/// The snippet a business pastes into its pages.
pub fn snippet(base_url: &str, channel_id: i64) -> String {
    format!(
        "<!-- Pronto web chat -->\n<script src=\"{base_url}/widget.js\" data-channel=\"{channel_id}\" async></script>"
    )
}

/// The visitors' routes, under `/webchat/v1`, and the widget's files.
pub fn router(state: &AppState) -> Router<AppState> {
    let visitor = Router::new()
        .route("/{channel}/config", get(api::config))
        .route("/{channel}/session", post(api::session))
        .route("/{channel}/identify", post(api::identify))
        .route("/{channel}/messages", get(api::messages).post(api::send))
        .route("/{channel}/typing", post(api::typing))
        .route("/{channel}/contact", post(api::contact))
        .route("/{channel}/read", post(api::read))
        .route("/{channel}/events", get(stream::events))
        .route(
            "/{channel}/attachments",
            post(files::upload).layer(axum::extract::DefaultBodyLimit::max(
                pronto_core::webchat::MAX_ATTACHMENT_BYTES as usize,
            )),
        )
        .fallback(|| async { ApiError::not_found("route") })
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard));
    Router::new()
        .nest("/webchat/v1", visitor)
        .route("/webchat/files/{key}", get(files::serve))
        .route("/webchat/frame/{channel}", get(frame::frame))
        .route("/webchat/frame.js", get(widget::frame_script))
        .route("/widget.js", get(widget::script))
        .route("/widget.css", get(widget::style))
}

/// The key that signs visitor tokens.
pub fn tokens(state: &AppState) -> Result<Tokens, ApiError> {
    let sealer = state.sealer().map_err(|e| ApiError::internal(&e))?;
    Ok(Tokens::new(sealer.derive(TOKEN_KEY_LABEL)))
}

/// The channel's id in a `/webchat/v1/{channel}/...` path.
fn channel_in_path(path: &str) -> Option<i64> {
    let rest = path.strip_prefix("/webchat/v1/").unwrap_or(path);
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    rest.split('/').next()?.parse().ok()
}

/// Every visitor call: a web chat channel, an allowed site (see the module's
/// doc); CORS for that origin on the answer to another origin. Preflights are
/// answered here.
pub async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| req.uri().path().to_owned(), |u| u.path().to_owned());
    let Some(channel_id) = channel_in_path(&path) else {
        return ApiError::not_found("web chat channel").into_response();
    };
    let channel = match state.store.channel_any_workspace(channel_id).await {
        Ok(c) if c.kind == ChannelKind::WebChat => c,
        Ok(_) | Err(pronto_store::StoreError::NotFound(_)) => {
            return ApiError::not_found("web chat channel").into_response();
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    let (site, cross_origin) = {
        let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
        // `Sec-Fetch-Site` is set by the browser only, never by a script.
        if header(HeaderName::from_static("sec-fetch-site")) == Some("same-origin") {
            let named = header(HeaderName::from_static(SITE_HEADER)).map(str::to_owned);
            (
                Some(named.unwrap_or_else(|| state.config.base_url())),
                false,
            )
        } else {
            (header(ORIGIN).map(str::to_owned), true)
        }
    };
    let Some(origin) = site.filter(|o| channel.webchat_config().allows(o)) else {
        return origin_refused().into_response();
    };
    let mut response = if req.method() == Method::OPTIONS {
        let mut r = StatusCode::NO_CONTENT.into_response();
        let h = r.headers_mut();
        h.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST"),
        );
        h.insert(
            ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type, last-event-id, x-filename"),
        );
        h.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        r
    } else {
        req.extensions_mut().insert(channel);
        next.run(req).await
    };
    let h = response.headers_mut();
    h.insert(
        VARY,
        HeaderValue::from_static("Origin, Sec-Fetch-Site, Pronto-Site"),
    );
    if cross_origin {
        if let Ok(v) = HeaderValue::from_str(&origin) {
            h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, v);
        }
        h.insert(
            ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("retry-after"),
        );
    }
    response
}

/// The header in which the widget's frame names the site it is on.
pub const SITE_HEADER: &str = "pronto-site";

/// 403 `origin_not_allowed`: the site is not one of the channel's.
pub fn origin_refused() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "origin_not_allowed",
        "this site is not one of the web chat's allowed origins (config.allowed_origins)",
    )
}

/// The channel a visitor call is for (put there by [`guard`]).
pub struct WebChat(pub Channel);

impl FromRequestParts<AppState> for WebChat {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Channel>()
            .cloned()
            .map(WebChat)
            .ok_or_else(|| ApiError::not_found("web chat channel"))
    }
}

/// A visitor call with its token (`Authorization: Bearer`), checked for the
/// channel of the path.
pub struct VisitorAuth {
    /// The channel.
    pub channel: Channel,
    /// Who.
    pub visitor: Visitor,
}

impl FromRequestParts<AppState> for VisitorAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let WebChat(channel) = WebChat::from_request_parts(parts, state).await?;
        let refused = || {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "visitor_token",
                "start a session first (POST /webchat/v1/{channel}/session) and send its token as `Authorization: Bearer TOKEN`",
            )
        };
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(refused)?;
        let visitor = tokens(state)?
            .verify(token.trim(), channel.id, state.now() / 1_000_000)
            .filter(|v| v.workspace_id == channel.workspace_id)
            .ok_or_else(refused)?;
        Ok(VisitorAuth { channel, visitor })
    }
}

/// What visitors' calls are counted by, in the limiter's 15-minute window.
#[derive(Clone, Copy, Debug)]
pub enum Limits {
    /// New sessions and identities, per address.
    Session,
    /// Messages, per visitor and per address.
    Message,
    /// Typing and read signals, per visitor.
    Signal,
}

impl Limits {
    /// Counts one call; 429 `rate_limited` (with `Retry-After`) when a limit is
    /// reached.
    pub fn check(
        self,
        state: &AppState,
        ip: ClientIp,
        visitor: Option<&str>,
    ) -> Result<(), RateLimited> {
        let address = address_key(ip.0);
        let mut keys = Vec::with_capacity(2);
        match self {
            Limits::Session => keys.push((LimitKey::of(&["wc-session", &address]), 60)),
            Limits::Message => {
                keys.push((LimitKey::of(&["wc-message-ip", &address]), 600));
                if let Some(v) = visitor {
                    keys.push((LimitKey::of(&["wc-message", v]), 150));
                }
            }
            Limits::Signal => {
                if let Some(v) = visitor {
                    keys.push((LimitKey::of(&["wc-signal", v]), 600));
                }
            }
        }
        let now = std::time::Instant::now();
        let ok = state
            .webchat_limiter
            .lock()
            .map(|mut l| l.try_begin(&keys, now))
            .unwrap_or(true);
        if ok { Ok(()) } else { Err(RateLimited) }
    }
}

/// 429 with `Retry-After`.
#[derive(Debug)]
pub struct RateLimited;

impl From<RateLimited> for Response {
    fn from(_: RateLimited) -> Response {
        let mut r = ApiError::rate_limited(
            "too many web chat requests from this visitor or address; try again later",
        )
        .into_response();
        r.headers_mut().insert(
            RETRY_AFTER,
            HeaderValue::from(crate::auth::LOGIN_WINDOW.as_secs()),
        );
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_channel_is_read_from_the_path() {
        assert_eq!(channel_in_path("/webchat/v1/12/session"), Some(12));
        assert_eq!(channel_in_path("/12/session"), Some(12));
        assert_eq!(channel_in_path("/webchat/v1/x/session"), None);
        assert!(
            snippet("https://p.test", 3)
                .contains("src=\"https://p.test/widget.js\" data-channel=\"3\" async")
        );
    }
}

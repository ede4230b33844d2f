//! The browser UI: server-rendered pages (maud escapes every value it writes) and a
//! little hand-written JavaScript that calls the JSON API, listens to the event
//! stream and swaps in fragments rendered here.
//!
//! Pages live at `/`, `/login`, `/inbox`, `/dashboard` and `/settings`; fragments
//! the script fetches live under `/ui/`. Every page answers in the signed-in user's
//! language, or the browser's when the user chose none.

pub mod account;
pub mod chart;
pub mod comments;
pub mod contact;
pub mod conversation;
pub mod dashboard;
pub mod format;
pub mod i18n;
pub mod inbox;
pub mod layout;
pub mod login;
pub mod rules;
pub mod search;
pub mod settings;
pub mod setup;
pub mod team;
pub mod templates;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use pronto_store::{Role, User};

use crate::auth::Auth;
use crate::state::AppState;
use i18n::{Lang, Texts};

/// The UI's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/inbox") }))
        .route("/login", get(login::page))
        .route("/setup", get(setup::page))
        .route("/account", get(account::page))
        .route("/inbox", get(inbox::page))
        .route("/ui/list", get(inbox::list_fragment))
        .route("/ui/conversations/{id}", get(conversation::fragment))
        .route("/ui/conversations/{id}/older", get(conversation::older))
        .route("/comments", get(comments::page))
        .route("/ui/comments", get(comments::fragment))
        .route("/dashboard", get(dashboard::page))
        .route("/ui/dashboard", get(dashboard::fragment))
        .route("/team", get(team::page))
        .route("/ui/team", get(team::fragment))
        .route("/rules", get(rules::page))
        .route("/ui/rules", get(rules::fragment))
        .route("/settings", get(settings::page))
        .route("/ui/settings/{section}", get(settings::fragment))
        .route("/settings/channels/{id}", get(settings::channel::page))
        .route(
            "/ui/settings/channels/{id}/{part}",
            get(settings::channel::part),
        )
        .route("/assets/app.css", get(css))
        .route("/assets/app.js", get(js))
        .route("/assets/icon.svg", get(icon))
        .route("/assets/icon-192.png", get(|| png_icon(ICON_192)))
        .route("/assets/icon-512.png", get(|| png_icon(ICON_512)))
        .route("/manifest.webmanifest", get(manifest))
        .route("/sw.js", get(service_worker))
}

/// The signed-in person looking at a page. Anyone else is sent to the sign-in page.
pub struct Viewer {
    /// Who, for the API's checks.
    pub auth: Auth,
    /// The person.
    pub user: User,
    /// Their role in the workspace.
    pub role: Role,
    /// Whether they said they are away.
    pub away: bool,
    /// When their away ends by itself.
    pub away_until: Option<i64>,
    /// The language pages are written in.
    pub lang: Lang,
    /// The workspace's latest event when the page was made: the page's event
    /// stream starts there, so nothing that happens in between is missed.
    pub seq: i64,
}

impl Viewer {
    /// The texts in the viewer's language.
    pub fn t(&self) -> &'static Texts {
        self.lang.texts()
    }

    /// The workspace the viewer works in.
    pub fn workspace(&self) -> i64 {
        self.auth.workspace()
    }

    /// Whether the viewer may change settings.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let uri = parts.uri.clone();
        let to_login = || {
            let next = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            // Fragments answer 401 so the script can send the whole page to sign in.
            if uri.path().starts_with("/ui/") {
                return axum::http::StatusCode::UNAUTHORIZED.into_response();
            }
            Redirect::to(&format!("/login?next={}", url_escape(next))).into_response()
        };
        let Ok(auth) = crate::auth::authenticate(parts, state).await else {
            return Err(to_login());
        };
        // After an admin's reset: the account page, to choose a password, and
        // nothing else.
        if auth.0.must_change_password && uri.path() != "/account" {
            if uri.path().starts_with("/ui/") {
                return Err(crate::auth::password_change_required().into_response());
            }
            return Err(Redirect::to("/account").into_response());
        }
        let Some(user_id) = auth.0.user_id else {
            return Err(to_login());
        };
        let member = state
            .store
            .member(auth.workspace(), user_id)
            .await
            .map_err(|e| crate::error::ApiError::from(e).into_response())?;
        let lang = member
            .user
            .locale
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or_else(|| browser_lang(parts));
        let seq = state
            .store
            .latest_event(auth.workspace())
            .await
            .map_err(|e| crate::error::ApiError::from(e).into_response())?;
        Ok(Viewer {
            seq,
            auth,
            user: member.user,
            role: member.role,
            away: member.away,
            away_until: member.away_until,
            lang,
        })
    }
}

/// The browser's language among the UI's, from `Accept-Language`.
pub fn browser_lang(parts: &Parts) -> Lang {
    parts
        .headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language)
}

/// `text` safe inside a query string value.
pub fn url_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

async fn css() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        concat!(
            include_str!("../../assets/ui/base.css"),
            include_str!("../../assets/ui/inbox.css"),
            include_str!("../../assets/ui/comments.css"),
            include_str!("../../assets/ui/dashboard.css"),
            include_str!("../../assets/ui/settings.css"),
        ),
    )
}

async fn js() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        concat!(
            include_str!("../../assets/ui/core.js"),
            include_str!("../../assets/ui/inbox.js"),
            include_str!("../../assets/ui/comments.js"),
            include_str!("../../assets/ui/dashboard.js"),
            include_str!("../../assets/ui/settings.js"),
            include_str!("../../assets/ui/channel.js"),
            include_str!("../../assets/ui/team.js"),
            include_str!("../../assets/ui/rules.js"),
            include_str!("../../assets/ui/alerts.js"),
        ),
    )
}

async fn icon() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "image/svg+xml"),
            (CACHE_CONTROL, "max-age=86400"),
        ],
        include_str!("../../assets/app/icon.svg"),
    )
}

/// The icon as PNG, for the platforms that install an app only with one (Android's
/// and iOS's home screens): `icon.svg` drawn at 192 and 512 pixels.
const ICON_192: &[u8] = include_bytes!("../../assets/app/icon-192.png");
const ICON_512: &[u8] = include_bytes!("../../assets/app/icon-512.png");

async fn png_icon(bytes: &'static [u8]) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "image/png"),
            (CACHE_CONTROL, "max-age=86400"),
        ],
        bytes,
    )
}

async fn manifest() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "application/manifest+json"),
            (CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../assets/app/manifest.webmanifest"),
    )
}

/// The service worker, served from the root so that its scope is the whole app.
async fn service_worker() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../assets/app/sw.js"),
    )
}

//! The OpenAPI document, generated from the handlers' annotations and the types they
//! take and return. `GET /api/openapi.json` serves it; a test keeps the committed copy
//! (`docs/openapi.json`) equal to it.

use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::routes::{
    admin, automation, comments, contacts, conversations, costs, email, events, health, inbound,
    media, responsiveness, routing, saved_replies, session, templates,
};

/// Every error: a stable machine code and a sentence for a person.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// `invalid_request`, `invalid_json`, `invalid_query`, `unauthenticated`,
    /// `forbidden`, `not_found`, `conflict`, `rate_limited`, `body_too_large`,
    /// `internal`...
    pub code: String,
    /// What went wrong and what to do.
    pub message: String,
    /// The request's field the error is about, when it is about one
    /// (`hours.weekly.monday`, `instant_reply.text`, `allowed_origins`).
    pub field: Option<String>,
}

/// A new API token.
#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    /// The token's description.
    pub token: pronto_store::ApiToken,
    /// The secret to send as `Authorization: Bearer SECRET`; shown only here.
    pub secret: String,
}

/// A member's password, reset by an admin.
#[derive(Serialize, ToSchema)]
pub struct PasswordReset {
    /// The member.
    pub user: pronto_store::Member,
    /// The temporary password to give them; shown only here. They must choose
    /// their own at their next sign-in.
    pub temporary_password: String,
}

/// The away status of a channel.
#[derive(Serialize, ToSchema)]
pub struct ChannelStatusView {
    /// `away` or `available`.
    pub status: String,
    /// When it was last set.
    pub since: Option<i64>,
    /// When an away status ends by itself (12 hours after it was set).
    pub away_ends_at: Option<i64>,
}

/// A channel as the API shows it (secrets left out).
#[derive(Serialize, ToSchema)]
pub struct ChannelView {
    /// Its id.
    pub id: i64,
    /// `api`, `messenger`...
    pub kind: String,
    /// Its name.
    pub name: String,
    /// `receiving`, or why it is not.
    pub state: String,
    /// Its settings, without secrets.
    #[schema(value_type = Object)]
    pub config: serde_json::Value,
    /// Its away status.
    pub status: ChannelStatusView,
    /// Only when an api channel is created: the key of its webhook signatures.
    pub signing_secret: Option<String>,
    /// Only when a Messenger or Instagram channel is created: the callback URL to
    /// paste into Meta's dashboard.
    pub callback_url: Option<String>,
    /// Only when a Messenger or Instagram channel is created: the verify token to
    /// paste beside it.
    pub verify_token: Option<String>,
    /// Only when a web chat channel is created: the key that signs visitors' ids
    /// for `Pronto.identify` (HMAC-SHA256 of the id, hex).
    pub identity_secret: Option<String>,
    /// A web chat channel's snippet, to paste into the site's pages.
    pub snippet: Option<String>,
    /// Messenger, Instagram and WhatsApp: `last_webhook_at`, `last_send_at`,
    /// `token` (`accepted` or `refused`). Email: the reader's `last_read_at` (the
    /// last read that succeeded), `error` and `error_at` (the last read's, while
    /// it fails, with the server's answer) and `idle` (this node holds an IDLE
    /// connection; else the mailbox is read every minute).
    #[schema(value_type = Option<Object>)]
    pub health: Option<serde_json::Value>,
}

/// An automation rule (`pronto_core::rules::Rule`): `{"name", "enabled", "when":
/// {"type": "customer_message"}, "if": [{"type": "text_contains", "text": "refund"}],
/// "then": [{"type": "label", "label": "billing"}]}`; answers add its `id`. Triggers:
/// `conversation_opened`, `customer_message`, `no_reply_for` (`minutes`),
/// `badge_at_risk`, `conversation_moved`. Conditions: `channel` (`id`),
/// `text_contains` (`text`), `text_matches` (`pattern`), `contact_attribute`
/// (`name`, `value`), `locale`, `has_label` (`label`), `within_business_hours`
/// (`open`). Actions: `assign` (`user`), `label`, `set_priority` (`priority`),
/// `send_saved_reply` (`id`), `move` (`folder`), `notify` (`user`), `notify_team`
/// (`label`), `call_webhook` (`url`).
#[derive(Serialize, ToSchema)]
#[schema(value_type = Object)]
pub struct RuleBody(pub serde_json::Value);

/// A saved reply's text for a conversation.
#[derive(Serialize, ToSchema)]
pub struct RenderedText {
    /// The text, variables filled in.
    pub text: String,
    /// The language of the translation used (the customer's); `null` when the
    /// default text was used.
    pub language: Option<String>,
    /// The file the saved reply carries, if any: name it in the reply's attachments
    /// as `{"upload_id": id}`.
    pub upload: Option<pronto_store::Upload>,
}

/// The window of counted opportunities.
#[derive(Serialize, ToSchema)]
pub struct WindowView {
    /// The earliest counted opportunity in it (RFC 3339, UTC).
    pub start: String,
    /// The latest counted opportunity (RFC 3339, UTC).
    pub end: String,
}

/// The spec's counts.
#[derive(Serialize, ToSchema)]
pub struct CountsView {
    /// Answered and missed in the window.
    pub counted: u64,
    /// Answered in the window.
    pub answered: u64,
    /// Missed in the window.
    pub missed: u64,
    /// Under 24 h old and not answered (all).
    pub pending: u64,
    /// Excluded: away, spam, moved to done (all).
    pub excluded: u64,
}

/// The responsiveness report of `spec/responsiveness.md`, with what was asked for.
#[derive(Serialize, ToSchema)]
pub struct ResponsivenessReport {
    /// The moment of evaluation.
    pub as_of: String,
    /// The window; null when nothing is counted.
    pub window: Option<WindowView>,
    /// The counts.
    pub opportunities: CountsView,
    /// Answered / counted in the window.
    pub response_rate: Option<f64>,
    /// The mean of the fastest 90% of response times, in seconds.
    pub response_time_seconds: Option<f64>,
    /// Whether "Very responsive to messages" is earned.
    pub badge: bool,
    /// "Typically replies within minutes" and the like.
    pub label: Option<String>,
    /// With `?explain`: every opportunity, its status and why.
    #[schema(value_type = Option<Vec<Object>>)]
    pub explain: Option<serde_json::Value>,
    /// With `?forecast`: the pending opportunities' deadlines.
    #[schema(value_type = Option<Object>)]
    pub forecast: Option<serde_json::Value>,
    /// With `?agents`: each responder's figures.
    #[schema(value_type = Option<Vec<Object>>)]
    pub agents: Option<serde_json::Value>,
    /// With `?daily=FROM..TO`: the report at the end of each day.
    #[schema(value_type = Option<Vec<Object>>)]
    pub daily: Option<serde_json::Value>,
}

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
        // The live events' kinds, from their one list.
        components.schemas.insert(
            "EventKind".to_owned(),
            utoipa::openapi::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::String)
                .description(Some(
                    "The kind of a live event (the SSE event name, and an outgoing webhook's kind)",
                ))
                .enum_values(Some(pronto_store::LiveEvent::KINDS.iter().copied()))
                .into(),
        );
    }
}

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Pronto API", description = "Pronto's HTTP API: conversations, replies, channels, live events and Meta-exact responsiveness. Every error is {\"code\", \"message\"}."),
    paths(
        session::login, session::logout, session::me, session::update_me, session::setup, session::change_password,
        admin::list_users, admin::create_user, admin::deactivate_user, admin::set_role, admin::reactivate_user, admin::reset_password,
        admin::list_tokens, admin::create_token, admin::revoke_token,
        admin::list_channels, admin::get_channel, admin::create_channel, admin::set_status,
        admin::dead_letters, admin::replace_token, admin::update_webchat, admin::set_mark_seen, automation::get, automation::put,
        inbound::receive, responsiveness::get,
        conversations::list, conversations::get, conversations::assign, conversations::move_to, conversations::snooze, conversations::unsnooze,
        conversations::labels, conversations::add_note, conversations::reply,
        conversations::typing, conversations::viewing, conversations::retry, comments::list, comments::private_reply,
        saved_replies::list, saved_replies::create, saved_replies::update, saved_replies::delete,
        saved_replies::render_for, crate::routes::search::search, crate::routes::search::suggestions,
        events::stream, health::healthz, health::readyz,
        crate::routes::webhooks::create, crate::routes::webhooks::list, crate::routes::webhooks::delete, crate::routes::webhooks::retry, crate::routes::alerts::get, crate::routes::alerts::put, crate::routes::alerts::key, crate::routes::alerts::devices, crate::routes::alerts::add_device, crate::routes::alerts::remove_device,
        crate::routes::rules::list, crate::routes::rules::create, crate::routes::rules::update, crate::routes::rules::delete, crate::routes::rules::order,
        routing::get_channel, routing::put_channel, routing::put_member, routing::put_away,
        routing::put_contact, routing::assignments,
        templates::list, templates::sync, costs::get, media::get, contacts::find, contacts::get, contacts::picture, contacts::update, contacts::definitions, contacts::define, contacts::undefine, contacts::merge, email::test, email::message, email::raw, email::html, email::move_to_email,
        crate::routes::exports::conversations, crate::routes::exports::responsiveness,
        crate::routes::uploads::create, crate::routes::uploads::create_for_channel, crate::routes::uploads::get,
    ),
    modifiers(&Security),
    security(("token" = []), ("session" = [])),
)]
pub struct ApiDoc;

/// The document as pretty JSON, with a final line break (as committed).
pub fn json() -> String {
    let mut s = ApiDoc::openapi()
        .to_pretty_json()
        .expect("the document serializes");
    s.push('\n');
    s
}

/// `GET /api/openapi.json`.
pub async fn serve() -> impl axum::response::IntoResponse {
    ([("content-type", "application/json")], json())
}

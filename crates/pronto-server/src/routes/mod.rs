//! The HTTP API, versioned under `/api/v1`.

pub mod admin;
pub mod alerts;
pub mod automation;
pub mod comments;
pub mod contacts;
pub mod conversations;
pub mod costs;
pub mod email;
pub mod events;
pub mod exports;
pub mod health;
pub mod inbound;
pub mod media;
pub mod responsiveness;
pub mod routing;
pub mod rules;
pub mod saved_replies;
pub mod search;
pub mod session;
pub mod templates;
pub mod uploads;
pub mod webhooks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};

use crate::error::ApiError;
use crate::state::AppState;

/// Every route of the API.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route(
            "/auth/login",
            post(session::login).layer(DefaultBodyLimit::max(session::LOGIN_BODY_BYTES)),
        )
        .route("/auth/logout", post(session::logout))
        .route("/setup", post(session::setup))
        .route("/me", get(session::me).put(session::update_me))
        .route("/me/password", put(session::change_password))
        .route("/users", get(admin::list_users).post(admin::create_user))
        .route("/users/{id}/deactivate", post(admin::deactivate_user))
        .route("/users/{id}/reactivate", post(admin::reactivate_user))
        .route("/users/{id}/role", put(admin::set_role))
        .route("/users/{id}/reset-password", post(admin::reset_password))
        .route("/users/{id}/routing", put(routing::put_member))
        .route("/me/away", put(routing::put_away))
        .route("/contacts", get(contacts::find))
        .route("/contacts/{id}", get(contacts::get).patch(contacts::update))
        .route(
            "/contact-attributes",
            get(contacts::definitions).post(contacts::define),
        )
        .route(
            "/contact-attributes/{key}",
            axum::routing::delete(contacts::undefine),
        )
        .route("/contacts/{id}/picture", get(contacts::picture))
        .route("/contacts/{id}/merge", post(contacts::merge))
        .route("/me/alerts", get(alerts::get).put(alerts::put))
        .route("/push/key", get(alerts::key))
        .route(
            "/me/push-subscriptions",
            get(alerts::devices).post(alerts::add_device),
        )
        .route(
            "/me/push-subscriptions/{id}",
            axum::routing::delete(alerts::remove_device),
        )
        .route("/contacts/{id}/routing", put(routing::put_contact))
        .route(
            "/channels/{id}/routing",
            get(routing::get_channel).put(routing::put_channel),
        )
        .route("/conversations/{id}/assignments", get(routing::assignments))
        .route("/tokens", get(admin::list_tokens).post(admin::create_token))
        .route("/tokens/{id}", axum::routing::delete(admin::revoke_token))
        .route(
            "/channels",
            get(admin::list_channels).post(admin::create_channel),
        )
        .route("/channels/{id}", get(admin::get_channel))
        .route("/channels/{id}/status", put(admin::set_status))
        .route(
            "/channels/{id}/automation",
            get(automation::get).put(automation::put),
        )
        .route("/channels/{id}/token", put(admin::replace_token))
        .route("/channels/{id}/webchat", put(admin::update_webchat))
        .route("/channels/{id}/email/test", post(email::test))
        .route("/messages/{id}/email", get(email::message))
        .route("/conversations/{id}/email", post(email::move_to_email))
        .route("/messages/{id}/email/raw", get(email::raw))
        .route("/messages/{id}/email/html", get(email::html))
        .route("/channels/{id}/mark-seen", put(admin::set_mark_seen))
        .route("/channels/{id}/inbound", post(inbound::receive))
        .route("/channels/{id}/responsiveness", get(responsiveness::get))
        .route("/channels/{id}/dead-letters", get(admin::dead_letters))
        .route("/channels/{id}/templates", get(templates::list))
        .route("/channels/{id}/templates/sync", post(templates::sync))
        .route("/channels/{id}/costs", get(costs::get))
        .route("/search", get(search::search))
        .route("/conversations/{id}/suggestions", get(search::suggestions))
        .route("/conversations", get(conversations::list))
        .route("/conversations/{id}", get(conversations::get))
        .route("/conversations/{id}/assign", post(conversations::assign))
        .route("/conversations/{id}/move", post(conversations::move_to))
        .route(
            "/conversations/{id}/snooze",
            post(conversations::snooze).delete(conversations::unsnooze),
        )
        .route("/conversations/{id}/labels", post(conversations::labels))
        .route("/conversations/{id}/notes", post(conversations::add_note))
        .route("/conversations/{id}/messages", post(conversations::reply))
        .route(
            "/conversations/{id}/attachments",
            post(uploads::create).layer(DefaultBodyLimit::max(uploads::MAX_UPLOAD_BYTES)),
        )
        .route(
            "/uploads",
            post(uploads::create_for_channel)
                .layer(DefaultBodyLimit::max(uploads::MAX_UPLOAD_BYTES)),
        )
        .route("/uploads/{id}", get(uploads::get))
        .route("/conversations/{id}/typing", post(conversations::typing))
        .route("/conversations/{id}/viewing", post(conversations::viewing))
        .route("/messages/{id}/retry", post(conversations::retry))
        .route("/media/{id}", get(media::get))
        .route("/exports/conversations.csv", get(exports::conversations))
        .route("/exports/responsiveness.csv", get(exports::responsiveness))
        .route("/comments", get(comments::list))
        .route(
            "/comments/{id}/private-reply",
            post(comments::private_reply),
        )
        .route(
            "/saved-replies",
            get(saved_replies::list).post(saved_replies::create),
        )
        .route(
            "/saved-replies/{id}",
            put(saved_replies::update).delete(saved_replies::delete),
        )
        .route(
            "/saved-replies/{id}/render",
            post(saved_replies::render_for),
        )
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/webhooks/{id}", axum::routing::delete(webhooks::delete))
        .route("/webhooks/{id}/retry", post(webhooks::retry))
        .route("/rules", get(rules::list).post(rules::create))
        .route("/rules/order", put(rules::order))
        .route("/rules/{id}", put(rules::update).delete(rules::delete))
        .route("/events", get(events::stream))
        .fallback(|| async { ApiError::not_found("route") });
    Router::new()
        .nest("/api/v1", api)
        .merge(crate::ui::router())
        .merge(crate::webchat::router(&state))
        .route("/api/openapi.json", get(crate::openapi::serve))
        .route(
            "/webhooks/meta/{id}",
            get(crate::meta::verify).post(crate::meta::receive),
        )
        .route(
            "/files/{workspace}/{id}/{expires}/{signature}",
            get(uploads::public),
        )
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .fallback(|| async { ApiError::not_found("page") })
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::edge::serve::body_deadline,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::edge::origin::same_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::edge::headers::security_headers,
        ))
        .with_state(state)
}

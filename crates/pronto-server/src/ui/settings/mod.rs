//! `GET /settings`: the admins' settings, one page with a section each for
//! channels, users, saved replies, API tokens and outgoing webhooks. `GET /ui/settings/{section}` is
//! one section's list alone, which the script fetches again after a change.
//!
//! Forms are sent by the script as JSON to the API; what the API shows only once
//! (a token's secret, a temporary password, a new channel's webhook settings) is
//! written by the script with `textContent` into boxes rendered here.

pub mod channel;
mod channels;
mod email;
mod languages;
mod replies;
mod tokens;
mod users;
mod webhooks;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::Viewer;
use super::format::json_script;
use super::i18n::fill;
use super::layout::{Nav, page as layout};
use crate::error::ApiResult;
use crate::state::AppState;

/// The sections, in page order: (id, title).
fn sections(v: &Viewer) -> [(&'static str, &'static str); 5] {
    let s = &v.t().settings;
    [
        ("channels", s.channels_title),
        ("users", s.users_title),
        ("replies", s.replies_title),
        ("tokens", s.tokens_title),
        ("webhooks", v.t().webhooks.title),
    ]
}

/// The page. Anyone but an admin gets a 403 page that says why.
pub async fn page(State(state): State<AppState>, v: Viewer) -> ApiResult<Response> {
    let t = v.t();
    let s = &t.settings;
    if !v.is_admin() {
        let body = html! {
            h1 { (s.title) }
            div.settings {
                p.notice role="alert" { (s.admins_only) }
                p { a href="/inbox" { (s.back_to_inbox) } }
            }
        };
        return Ok((
            StatusCode::FORBIDDEN,
            layout(&v, s.title, Nav::Settings, body),
        )
            .into_response());
    }
    let body = html! {
        h1 { (s.title) }
        div.settings id="settings" {
            nav.settings-nav aria-label=(s.sections_label) {
                ul {
                    @for (id, title) in sections(&v) {
                        li { a href={ "#" (id) } { (title) } }
                    }
                }
            }
            p.notice id="settings-error" role="alert" {}
            (channels::section(&state, &v).await?)
            (users::section(&state, &v).await?)
            (replies::section(&state, &v).await?)
            (tokens::section(&state, &v).await?)
            (webhooks::section(&state, &v).await?)
        }
        (json_script("settings-texts", &t.settings))
    };
    Ok(layout(&v, s.title, Nav::Settings, body).into_response())
}

/// `GET /ui/settings/{section}`: the section's list.
pub async fn fragment(
    State(state): State<AppState>,
    v: Viewer,
    Path(section): Path<String>,
) -> ApiResult<Response> {
    if !v.is_admin() {
        return Ok((StatusCode::FORBIDDEN, v.t().settings.admins_only).into_response());
    }
    let list = match section.as_str() {
        "channels" => channels::list(&state, &v).await?,
        "users" => users::list(&state, &v).await?,
        "replies" => replies::list(&state, &v).await?,
        "tokens" => tokens::list(&state, &v).await?,
        "webhooks" => webhooks::list(&state, &v).await?,
        _ => return Ok((StatusCode::NOT_FOUND, v.t().common.not_found).into_response()),
    };
    Ok(list.into_response())
}

/// A section: its heading, its list (fetched again after changes) and what follows.
fn section(id: &str, title: &str, intro: &str, list: Markup, rest: Markup) -> Markup {
    html! {
        section.settings-section id=(id) aria-labelledby={ (id) "-title" } {
            h2 id={ (id) "-title" } { (title) }
            p.hint { (intro) }
            div.list id={ (id) "-list" } { (list) }
            (rest)
        }
    }
}

/// A box the script fills with what the API shows once, with a copy button per value.
/// `rows` are (label, field of the API's answer).
fn once_box(v: &Viewer, id: &str, title: &str, hint: &str, rows: &[(&str, &str)]) -> Markup {
    let s = &v.t().settings;
    html! {
        div.once id=(id) hidden tabindex="-1" aria-labelledby={ (id) "-title" } role="region" {
            h3 id={ (id) "-title" } { (title) }
            p { (hint) }
            dl {
                @for (label, field) in rows {
                    div data-row="" {
                        dt { (label) }
                        dd {
                            code data-field=(field) {}
                            " "
                            button.copy type="button" aria-label=(fill(s.copy_named, &[("what", label)])) {
                                (s.copy)
                            }
                        }
                    }
                }
            }
            button.linkish.dismiss type="button" { (s.done) }
        }
    }
}

/// A labelled input: `input` must carry the id `id`.
fn field(id: &str, label: &str, hint: Option<&str>, input: Markup) -> Markup {
    labelled(id, label, hint, input, false)
}

/// A labelled input whose API errors show beside it: `input` carries the id `id`
/// and `data-field`, the API's name for it.
fn checked_field(id: &str, label: &str, hint: Option<&str>, input: Markup) -> Markup {
    labelled(id, label, hint, input, true)
}

fn labelled(id: &str, label: &str, hint: Option<&str>, input: Markup, error: bool) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            (input)
            @if let Some(hint) = hint {
                p.hint id={ (id) "-hint" } { (hint) }
            }
            @if error {
                p.field-error id={ (id) "-error" } {}
            }
        }
    }
}

/// Where a form's API error is shown.
fn form_error() -> Markup {
    html! { p.form-error role="alert" {} }
}

//! `GET /settings/channels/{id}`: one channel's own settings (admins): its
//! availability, business hours with the coming week, automatic replies, routing,
//! read receipts and, for a web chat, the widget. `GET
//! /ui/settings/channels/{id}/{part}` is one part alone (`presence`, `week`,
//! `keywords`), which the script fetches again after a change.
//!
//! Every form goes to the JSON API (`/channels/{id}/automation`, `/routing`,
//! `/status`, `/mark-seen`, `/webchat`), which checks it: an error naming a field
//! is shown beside that field (`data-field` is the API's name for it).

mod hours;
mod options;
mod replies;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use pronto_core::hours::{Schedule, Weekday, Zone};
use pronto_core::time::Timestamp;
use pronto_store::Channel;
use serde_json::json;

use super::{Viewer, checked_field, fill};
use crate::automation::{channel_automations, stored_settings};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use crate::state::AppState;
use crate::ui::format::json_script;
use crate::ui::i18n::channel::Channel as Texts;
use crate::ui::layout::{Nav, page as layout};

/// The page.
pub async fn page(
    State(state): State<AppState>,
    v: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let t = v.t();
    let c = &t.channel;
    if !v.is_admin() {
        let body = html! {
            h1 { (t.settings.title) }
            div.settings { p.notice role="alert" { (t.settings.admins_only) } }
        };
        return Ok((
            StatusCode::FORBIDDEN,
            layout(&v, t.settings.title, Nav::Settings, body),
        )
            .into_response());
    }
    let Some(channel) = found(&state, &v, id).await? else {
        let body = html! {
            h1 { (t.settings.title) }
            div.settings {
                p.notice role="alert" { (c.not_found) }
                p { a href="/settings#channels" { (c.all_settings) } }
            }
        };
        return Ok((
            StatusCode::NOT_FOUND,
            layout(&v, t.settings.title, Nav::Settings, body),
        )
            .into_response());
    };
    let settings = stored_settings(&state, v.workspace(), id).await?;
    let routing = state.store.channel_routing(v.workspace(), id).await?;
    let title = fill(c.title, &[("name", &channel.name)]);
    let mut sections = vec![
        ("presence", c.presence_title),
        ("hours", c.hours_title),
        ("replies", c.replies_title),
        ("routing", c.routing_title),
    ];
    let seen = channel.kind.mark_seen_key().is_some();
    if seen {
        sections.push(("seen", c.seen_title));
    }
    let webchat = channel.kind == pronto_store::ChannelKind::WebChat;
    if webchat {
        sections.push(("webchat", c.webchat_title));
    }
    let body = html! {
        h1 { (title) }
        div.settings id="channel-settings" data-channel=(id) {
            p { a href="/settings#channels" { (c.all_settings) } }
            nav.settings-nav aria-label=(c.sections_label) {
                ul {
                    @for (section, name) in &sections {
                        li { a href={ "#" (section) } { (name) } }
                    }
                }
            }
            p.notice id="settings-error" role="alert" {}
            (frame("presence", c.presence_title, html! {
                div id="presence-part" { (presence(&state, &v, &channel).await?) }
            }))
            (frame("hours", c.hours_title, hours::form(&v, settings.hours.as_ref(), html! {
                div id="week-part" { (week(&state, &v, id).await?) }
            })))
            (frame("replies", c.replies_title, replies::form(&v, &settings)))
            (frame("routing", c.routing_title, options::routing(&v, routing.as_ref())))
            @if seen {
                (frame("seen", c.seen_title, options::seen(&v, &channel)))
            }
            @if webchat {
                (frame("webchat", c.webchat_title,
                    options::webchat(&v, &channel, &state.config.base_url())))
            }
        }
        (json_script("channel-texts", &json!({"saved": t.settings.saved})))
    };
    Ok(layout(&v, &title, Nav::Settings, body).into_response())
}

/// `GET /ui/settings/channels/{id}/{part}`: a part the script refreshes.
pub async fn part(
    State(state): State<AppState>,
    v: Viewer,
    ApiPath((id, part)): ApiPath<(i64, String)>,
) -> ApiResult<Response> {
    if !v.is_admin() {
        return Ok((StatusCode::FORBIDDEN, v.t().settings.admins_only).into_response());
    }
    let Some(channel) = found(&state, &v, id).await? else {
        return Ok((StatusCode::NOT_FOUND, v.t().channel.not_found).into_response());
    };
    let markup = match part.as_str() {
        "presence" => presence(&state, &v, &channel).await?,
        "week" => week(&state, &v, id).await?,
        "keywords" => {
            let settings = stored_settings(&state, v.workspace(), id).await?;
            replies::keyword_rules(&v, &settings.keyword_replies)
        }
        _ => return Ok((StatusCode::NOT_FOUND, v.t().common.not_found).into_response()),
    };
    Ok(markup.into_response())
}

/// The viewer's workspace's channel, or `None` (another workspace's is not found).
async fn found(state: &AppState, v: &Viewer, id: i64) -> ApiResult<Option<Channel>> {
    match state.store.channel(v.workspace(), id).await {
        Ok(c) => Ok(Some(c)),
        Err(pronto_store::StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(ApiError::from(e)),
    }
}

fn frame(id: &str, title: &str, body: Markup) -> Markup {
    html! {
        section.settings-section id=(id) aria-labelledby={ (id) "-title" } {
            h2 id={ (id) "-title" } { (title) }
            (body)
        }
    }
}

/// The channel's schedule as saved, if it has hours.
async fn schedule(state: &AppState, v: &Viewer, id: i64) -> ApiResult<Option<Schedule>> {
    let auto = channel_automations(state, v.workspace(), id).await?;
    Ok(auto.and_then(|a| a.schedule.clone()))
}

/// Whether the channel is available now, why not, and the button that changes it.
async fn presence(state: &AppState, v: &Viewer, channel: &Channel) -> ApiResult<Markup> {
    use pronto_core::presence::{Availability, AwayReason};
    let c = &v.t().channel;
    let now = Timestamp::from_micros(state.now());
    let schedule = schedule(state, v, channel.id).await?;
    let manual = crate::automation::manual_away(state, channel.id).await?;
    let utc = Zone::parse("UTC").expect("UTC is always known");
    let zone = schedule.as_ref().map_or(&utc, Schedule::zone);
    let (line, ok) = match Availability::at(schedule.as_ref(), manual, now) {
        Availability::Available => (c.available.to_owned(), true),
        Availability::Away {
            reason: AwayReason::Manual,
            ..
        } => {
            let ends = manual.map_or(now, |m| m.ends_at());
            (
                fill(c.away_manual, &[("when", &when(c, zone, ends))]),
                false,
            )
        }
        Availability::Away {
            back_at: Some(at), ..
        } => (fill(c.away_hours, &[("when", &when(c, zone, at))]), false),
        Availability::Away { back_at: None, .. } => (c.away_hours_never.to_owned(), false),
    };
    let manual_on = manual.is_some_and(|m| m.is_active(now));
    let (status, label) = if manual_on {
        ("available", c.set_available)
    } else {
        ("away", c.set_away)
    };
    Ok(html! {
        p.state.ok[ok].bad[!ok] id="presence-state" { (line) }
        form.inline-form data-form="presence" data-status=(status) {
            button type="submit" { (label) }
            p.form-error role="alert" {}
        }
        p.hint { (c.away_hint) }
    })
}

/// The coming seven days of the saved hours, whether the channel is open now and
/// its next change.
async fn week(state: &AppState, v: &Viewer, id: i64) -> ApiResult<Markup> {
    let c = &v.t().channel;
    let Some(s) = schedule(state, v, id).await? else {
        return Ok(html! { p.hint id="week-summary" { (c.no_hours) } });
    };
    let now = Timestamp::from_micros(state.now());
    let (today, _) = s.zone().local(now);
    let open = s.is_open(now);
    let next = match s.next_change(now) {
        Some(at) if open => fill(c.next_closes, &[("when", &when(c, s.zone(), at))]),
        Some(at) => fill(c.next_opens, &[("when", &when(c, s.zone(), at))]),
        None => c.no_change.to_owned(),
    };
    Ok(html! {
        p id="week-summary" {
            strong { (if open { c.open_now } else { c.closed_now }) } " " (next)
        }
        table.week {
            caption { (c.week_title) " (" (s.zone().name()) ")" }
            tbody {
                @for i in 0..7 {
                    @let hours = s.hours_on(pronto_core::time::Date::from_days(today.days_since_epoch() + i));
                    tr.today[i == 0] {
                        th scope="row" {
                            (day_name(c, hours.weekday)) " " (hours.date)
                            @if i == 0 { " · " (c.today) }
                        }
                        td {
                            @if hours.holiday { (c.holiday) }
                            @else if hours.ranges.is_empty() { (c.closed) }
                            @else {
                                @for (n, r) in hours.ranges.iter().enumerate() {
                                    @if n > 0 { ", " }
                                    (r)
                                }
                            }
                        }
                    }
                }
            }
        }
    })
}

/// An instant in the channel's zone: "Monday 2026-12-07 at 09:00 (Europe/Paris)".
fn when(c: &Texts, zone: &Zone, at: Timestamp) -> String {
    let (date, time) = zone.local(at);
    fill(
        c.when,
        &[
            ("day", day_name(c, Weekday::of(date))),
            ("date", &date.to_string()),
            ("time", &time.to_string()),
            ("zone", zone.name()),
        ],
    )
}

fn day_name(c: &Texts, day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => c.monday,
        Weekday::Tuesday => c.tuesday,
        Weekday::Wednesday => c.wednesday,
        Weekday::Thursday => c.thursday,
        Weekday::Friday => c.friday,
        Weekday::Saturday => c.saturday,
        Weekday::Sunday => c.sunday,
    }
}

//! `GET /team`: the team as routing sees it. Each member's capacity, languages and
//! labels (admins edit them; agents read them), who is away, the VIP contacts and
//! the latest assignments with their reasons (an agent sees their own).
//! `GET /ui/team` is the same content alone, which the script fetches again after
//! a change. Forms go to the JSON API (`/users/{id}/routing`, `/contacts/{id}/routing`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use pronto_store::{LoggedAssignment, RoutingAgent};
use serde_json::json;

use super::Viewer;
use super::format::{json_script, time};
use super::i18n::fill;
use super::i18n::team::Team;
use super::layout::{Nav, page as layout};
use crate::error::ApiResult;
use crate::state::AppState;

/// How many of the latest assignments the page shows.
const LOG_LENGTH: i64 = 50;

/// The page.
pub async fn page(State(state): State<AppState>, v: Viewer) -> ApiResult<Response> {
    let t = v.t();
    let body = html! {
        h1 { (t.team.title) }
        div.settings id="team" { (content(&state, &v).await?) }
        (json_script("team-texts", &json!({"saved": t.settings.saved})))
    };
    Ok(layout(&v, t.team.title, Nav::Team, body).into_response())
}

/// `GET /ui/team`: the content alone.
pub async fn fragment(State(state): State<AppState>, v: Viewer) -> ApiResult<Response> {
    Ok(content(&state, &v).await?.into_response())
}

async fn content(state: &AppState, v: &Viewer) -> ApiResult<Markup> {
    let t = &v.t().team;
    let ws = v.workspace();
    let agents = state.store.routing_agents(ws, state.now()).await?;
    let vips = state.store.vip_contacts(ws).await?;
    let mine = (!v.is_admin()).then_some(v.user.id);
    let log = state.store.recent_assignments(ws, mine, LOG_LENGTH).await?;
    Ok(html! {
        p.notice id="settings-error" role="alert" {}
        section.settings-section id="members" aria-labelledby="members-title" {
            h2 id="members-title" { (t.members_title) }
            p.hint { (if v.is_admin() { t.intro } else { t.agent_hint }) }
            ul.cards {
                @for a in &agents {
                    li.card { (member(v, a)) }
                }
            }
        }
        section.settings-section id="vip" aria-labelledby="vip-title" {
            h2 id="vip-title" tabindex="-1" { (t.vip_title) }
            p.hint { (t.vip_intro) }
            @if vips.is_empty() {
                p.empty { (t.vip_empty) }
            } @else {
                ul.rows {
                    @for c in &vips {
                        li.row {
                            span.who { (c.name) }
                            @if v.is_admin() {
                                button.secondary type="button" data-vip=(c.id)
                                    aria-label=(fill(t.vip_remove_named, &[("name", &c.name)])) {
                                    (t.vip_remove)
                                }
                            }
                        }
                    }
                }
            }
        }
        section.settings-section id="assignments" aria-labelledby="assignments-title" {
            h2 id="assignments-title" { (t.log_title) }
            p.hint { (if v.is_admin() { t.log_intro } else { t.log_intro_agent }) }
            (assignments(t, &log))
        }
    })
}

fn member(v: &Viewer, a: &RoutingAgent) -> Markup {
    let t = &v.t().team;
    let id = a.user_id;
    let field = |name: &str| format!("member-{id}-{name}");
    html! {
        h3 {
            (a.name)
            @if id == v.user.id { " (" (t.you) ")" }
        }
        @if a.away {
            p.state.bad data-away="" {
                @match a.away_until {
                    Some(until) => (crate::ui::format::with_time(t.away_until, until)),
                    None => (t.away),
                }
            }
        } @else {
            p.state.ok { (t.available) }
        }
        @if v.is_admin() {
            form.inline-form data-form="member" data-user=(id) novalidate {
                (input(&field("capacity"), t.capacity, html! {
                    input id=(field("capacity")) name="capacity" type="number" min="0" max="1000"
                        value=(a.capacity) data-field="capacity";
                }))
                (input(&field("languages"), t.languages, html! {
                    input id=(field("languages")) name="languages" type="text" autocomplete="off"
                        spellcheck="false" value=(a.languages.join(", ")) data-field="languages";
                }))
                (input(&field("labels"), t.labels, html! {
                    input id=(field("labels")) name="labels" type="text" autocomplete="off"
                        value=(a.labels.join(", ")) data-field="labels";
                }))
                button type="submit" aria-label=(fill(t.save_named, &[("name", &a.name)])) { (t.save) }
                p.form-error role="alert" {}
            }
        } @else {
            dl {
                dt { (t.capacity_short) } dd { (a.capacity) }
                dt { (t.languages_short) } dd { (list(t, &a.languages)) }
                dt { (t.labels_short) } dd { (list(t, &a.labels)) }
            }
        }
    }
}

fn input(id: &str, label: &str, control: Markup) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            (control)
            p.field-error id={ (id) "-error" } {}
        }
    }
}

fn list(t: &Team, items: &[String]) -> String {
    if items.is_empty() {
        t.none.to_owned()
    } else {
        items.join(", ")
    }
}

fn assignments(t: &Team, log: &[LoggedAssignment]) -> Markup {
    if log.is_empty() {
        return html! { p.empty { (t.log_empty) } };
    }
    html! {
        table.log {
            thead {
                tr {
                    th scope="col" { (t.log_when) }
                    th scope="col" { (t.log_conversation) }
                    th scope="col" { (t.log_what) }
                    th scope="col" { (t.log_why) }
                }
            }
            tbody {
                @for e in log {
                    tr {
                        td { (time(e.at)) }
                        td { a href=(format!("/inbox?c={}", e.conversation_id)) { (e.contact_name) } }
                        td {
                            @let what = if e.action == "unassigned" { t.unassigned } else { t.assigned };
                            (fill(what, &[("name", &e.agent_name)]))
                        }
                        td { (reason(t, e)) }
                    }
                }
            }
        }
    }
}

/// The reason in the page's language; an unknown code keeps the stored sentence.
fn reason<'a>(t: &'a Team, e: &'a LoggedAssignment) -> &'a str {
    match e.reason_code.as_str() {
        "round_robin" => t.reason_round_robin,
        "least_loaded" => t.reason_least_loaded,
        "skills" => t.reason_skills,
        "skills_fallback" => t.reason_skills_fallback,
        "agent_away" => t.reason_agent_away,
        _ => &e.reason,
    }
}

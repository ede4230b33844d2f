//! `GET /rules` (admins): the automation rules in evaluation order, each with its
//! trigger, conditions and actions in words, its last firings, and buttons to edit,
//! turn off or on, move and delete; then the form that creates or edits one.
//! `GET /ui/rules` is the list alone, which the script fetches again after a change.
//!
//! Everything goes to the JSON API (`/api/v1/rules`, `/rules/order`), which checks
//! a rule with `pronto_core::rules::validate`: an error names the part
//! (`if[0].pattern`), shown beside that input.

mod form;

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use pronto_core::rules::{Action, Condition, Rule, When};
use pronto_store::RuleRun;
use serde_json::json;

use super::Viewer;
use super::format::{json_script, time};
use super::i18n::fill;
use super::i18n::rules::Rules as Texts;
use super::layout::{Nav, page as layout};
use crate::error::ApiResult;
use crate::state::AppState;

/// How many of its latest firings each rule shows.
const RUNS_PER_RULE: i64 = 5;

/// The names a rule's ids stand for.
pub(crate) struct Names {
    channels: HashMap<i64, String>,
    users: HashMap<i64, String>,
    replies: HashMap<i64, String>,
}

impl Names {
    async fn of(state: &AppState, ws: i64) -> ApiResult<Names> {
        Ok(Names {
            channels: state
                .store
                .channels(ws)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect(),
            users: state
                .store
                .members(ws)
                .await?
                .into_iter()
                .filter(|m| m.user.deactivated_at.is_none())
                .map(|m| (m.user.id, m.user.name))
                .collect(),
            replies: state
                .store
                .saved_replies(ws, None)
                .await?
                .into_iter()
                .map(|r| (r.id, r.name))
                .collect(),
        })
    }

    fn sorted(map: &HashMap<i64, String>) -> Vec<(i64, &str)> {
        let mut v: Vec<_> = map.iter().map(|(k, v)| (*k, v.as_str())).collect();
        v.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(&b.0)));
        v
    }
}

/// The page.
pub async fn page(State(state): State<AppState>, v: Viewer) -> ApiResult<Response> {
    let t = v.t();
    let r = &t.rules;
    if !v.is_admin() {
        let body = html! {
            h1 { (r.title) }
            div.settings { p.notice role="alert" { (t.settings.admins_only) } }
        };
        return Ok((StatusCode::FORBIDDEN, layout(&v, r.title, Nav::Rules, body)).into_response());
    }
    let names = Names::of(&state, v.workspace()).await?;
    let body = html! {
        h1 { (r.title) }
        div.settings id="rules" {
            p.hint { (r.intro) }
            p.notice id="settings-error" role="alert" {}
            div.list id="rules-list" { (list(&state, &v, &names).await?) }
            (form::form(&v, &names))
        }
        (json_script("rules-texts", &json!({
            "saved": t.settings.saved, "form_add": r.form_add, "form_edit": r.form_edit,
            "delete_confirm": r.delete_confirm,
        })))
    };
    Ok(layout(&v, r.title, Nav::Rules, body).into_response())
}

/// `GET /ui/rules`: the list alone.
pub async fn fragment(State(state): State<AppState>, v: Viewer) -> ApiResult<Response> {
    if !v.is_admin() {
        return Ok((StatusCode::FORBIDDEN, v.t().settings.admins_only).into_response());
    }
    let names = Names::of(&state, v.workspace()).await?;
    Ok(list(&state, &v, &names).await?.into_response())
}

async fn list(state: &AppState, v: &Viewer, names: &Names) -> ApiResult<Markup> {
    let t = &v.t().rules;
    let ws = v.workspace();
    let stored = state.store.rules(ws).await?;
    let mut runs: HashMap<i64, Vec<RuleRun>> = HashMap::new();
    for run in state.store.rule_runs(ws, RUNS_PER_RULE).await? {
        runs.entry(run.rule_id).or_default().push(run);
    }
    if stored.is_empty() {
        return Ok(html! { p.empty { (t.empty) } });
    }
    let last = stored.len() - 1;
    Ok(html! {
        ol.cards {
            @for (i, s) in stored.iter().enumerate() {
                @let mut body = s.body.clone();
                @let _ = body.as_object_mut().map(|o| o.insert("id".into(), json!(s.id)));
                @let rule: Option<Rule> = serde_json::from_value(body.clone()).ok();
                li.card data-rule-id=(s.id) data-rule=(body.to_string()) {
                    @if let Some(rule) = &rule {
                        (card(t, names, rule, i == 0, i == last))
                        (run_list(t, runs.get(&s.id).map(Vec::as_slice).unwrap_or_default()))
                    }
                }
            }
        }
    })
}

fn card(t: &Texts, names: &Names, rule: &Rule, first: bool, last: bool) -> Markup {
    let named = |text: &str| fill(text, &[("name", &rule.name)]);
    html! {
        h3 { (rule.name) }
        @if rule.enabled { p.state.ok { (t.on) } } @else { p.state.bad { (t.off) } }
        dl {
            dt { (t.when) } dd { (when(t, &rule.when)) }
            dt { (t.if_all) }
            dd {
                @if rule.conditions.is_empty() { (t.always) }
                @for (i, c) in rule.conditions.iter().enumerate() {
                    @if i > 0 { " · " }
                    (condition(t, names, c))
                }
            }
            dt { (t.then) }
            dd {
                @for (i, a) in rule.then.iter().enumerate() {
                    @if i > 0 { " · " }
                    (action(t, names, a))
                }
            }
        }
        div.actions {
            button.secondary type="button" data-edit=(rule.id) aria-label=(named(t.edit_named)) { (t.edit) }
            @if rule.enabled {
                button.secondary type="button" data-toggle=(rule.id) aria-label=(named(t.turn_off_named)) { (t.turn_off) }
            } @else {
                button.secondary type="button" data-toggle=(rule.id) aria-label=(named(t.turn_on_named)) { (t.turn_on) }
            }
            @if !first {
                button.secondary type="button" data-move="up" data-id=(rule.id) aria-label=(named(t.move_up_named)) { (t.move_up) }
            }
            @if !last {
                button.secondary type="button" data-move="down" data-id=(rule.id) aria-label=(named(t.move_down_named)) { (t.move_down) }
            }
            button.secondary type="button" data-delete=(rule.id) aria-label=(named(t.delete_named)) { (t.delete) }
        }
    }
}

fn run_list(t: &Texts, runs: &[RuleRun]) -> Markup {
    html! {
        details {
            summary { (t.runs) " (" (runs.len()) ")" }
            @if runs.is_empty() {
                p.empty { (t.runs_none) }
            } @else {
                ul {
                    @for r in runs {
                        li {
                            (time(r.at)) " · "
                            a href=(format!("/inbox?c={}", r.conversation_id)) {
                                (fill(t.run, &[
                                    ("action", action_kind(t, &r.action)),
                                    ("conversation", &fill(t.conversation_n, &[("id", &r.conversation_id.to_string())])),
                                ]))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn when(t: &Texts, w: &When) -> String {
    match w {
        When::ConversationOpened => t.w_conversation_opened.to_owned(),
        When::CustomerMessage => t.w_customer_message.to_owned(),
        When::NoReplyFor { minutes } => {
            fill(t.w_no_reply_for_n, &[("minutes", &minutes.to_string())])
        }
        When::BadgeAtRisk => t.w_badge_at_risk.to_owned(),
        When::ConversationMoved => t.w_conversation_moved.to_owned(),
    }
}

fn named(t: &Texts, map: &HashMap<i64, String>, id: i64) -> String {
    map.get(&id)
        .cloned()
        .unwrap_or_else(|| fill(t.unknown_item, &[("id", &id.to_string())]))
}

fn condition(t: &Texts, names: &Names, c: &Condition) -> String {
    let (label, value) = match c {
        Condition::Channel { id } => (t.c_channel, named(t, &names.channels, *id)),
        Condition::TextContains { text } => (t.c_text_contains, format!("“{text}”")),
        Condition::TextMatches { pattern } => (t.c_text_matches, pattern.clone()),
        Condition::ContactAttribute { name, value } => {
            (t.c_contact_attribute, format!("{name} = “{value}”"))
        }
        Condition::Locale { locale } => (t.c_locale, locale.clone()),
        Condition::HasLabel { label } => (t.c_has_label, label.clone()),
        Condition::WithinBusinessHours { open } => (
            t.c_within_business_hours,
            (if *open { t.open } else { t.closed }).to_owned(),
        ),
    };
    format!("{label} {value}")
}

fn action(t: &Texts, names: &Names, a: &Action) -> String {
    let value = match a {
        Action::Assign { user } | Action::Notify { user } => named(t, &names.users, *user),
        Action::Label { label } | Action::NotifyTeam { label } => label.clone(),
        Action::SetPriority { priority } => priority.to_string(),
        Action::SendSavedReply { id } => named(t, &names.replies, *id),
        Action::SendTemplate {
            name,
            language,
            parameters,
        } => {
            let mut v = name.clone();
            if !language.is_empty() {
                v.push_str(&format!(" ({language})"));
            }
            if !parameters.is_empty() {
                v.push_str(&format!(": {}", parameters.join(" | ")));
            }
            v
        }
        Action::Move { folder } => folder_name(t, folder).to_owned(),
        Action::CallWebhook { url } => crate::outgoing::redact_url(url),
    };
    format!("{} {value}", action_kind(t, a.kind()))
}

fn action_kind<'a>(t: &'a Texts, kind: &'a str) -> &'a str {
    match kind {
        "assign" => t.a_assign,
        "label" => t.a_label,
        "set_priority" => t.a_set_priority,
        "send_saved_reply" => t.a_send_saved_reply,
        "send_template" => t.a_send_template,
        "move" => t.a_move,
        "notify" => t.a_notify,
        "notify_team" => t.a_notify_team,
        "call_webhook" => t.a_call_webhook,
        other => other,
    }
}

fn folder_name<'a>(t: &'a Texts, folder: &'a str) -> &'a str {
    match folder {
        "inbox" => t.folder_inbox,
        "done" => t.folder_done,
        "spam" => t.folder_spam,
        other => other,
    }
}

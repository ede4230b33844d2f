//! `GET /account`: the signed-in person's own account: choosing a new password.
//! The script sends the form to `PUT /api/v1/me/password`. After an admin reset
//! the person's password, every other page sends them here until they choose one.

use axum::extract::State;
use maud::{Markup, html};
use pronto_core::alerts::{Prefs, Preview};

use super::Viewer;
use super::layout::{Nav, page as frame};
use crate::error::ApiResult;
use crate::state::AppState;

/// The page.
pub async fn page(State(state): State<AppState>, v: Viewer) -> ApiResult<Markup> {
    let prefs = crate::alerts::prefs_of(&state, v.workspace(), v.user.id).await?;
    let channels = state.store.channels(v.workspace()).await?;
    Ok(page_with(&v, prefs.prefs(), &channels))
}

fn page_with(v: &Viewer, prefs: &Prefs, channels: &[pronto_store::Channel]) -> Markup {
    let a = &v.t().account;
    let forced = v.auth.0.must_change_password;
    frame(
        v,
        a.title,
        Nav::Account,
        html! {
            section.account {
                h1 { (a.title) }
                h2 { (a.password_heading) }
                @if forced {
                    p.notice id="must-change" role="alert" { (a.must_change) }
                }
                form id="password-form" data-forced=(forced) {
                    label for="current-password" { (a.current_password) }
                    input id="current-password" name="current" type="password" autocomplete="current-password" required maxlength="256";
                    label for="new-password" { (a.new_password) }
                    input id="new-password" name="new" type="password" autocomplete="new-password" required minlength="10" maxlength="256";
                    p.error id="password-error" role="alert" {}
                    p id="password-done" role="status" {}
                    button type="submit" { (a.save) }
                }
                (alerts(v, prefs, channels))
            }
        },
    )
}

/// The person's alert preferences (`PUT /api/v1/me/alerts`, sent by the script).
fn alerts(v: &Viewer, p: &Prefs, channels: &[pronto_store::Channel]) -> Markup {
    let t = &v.t().alerts;
    let quiet = p.quiet_hours.as_ref();
    let check = |id: &str, on: bool, label: &str| {
        html! {
            div.check {
                input id={ "alert-" (id) } name=(id) type="checkbox" checked[on];
                label for={ "alert-" (id) } { (label) }
            }
        }
    };
    let previews = [
        (Preview::Message, "message", t.preview_message),
        (Preview::Name, "name", t.preview_name),
        (Preview::Nothing, "nothing", t.preview_nothing),
    ];
    html! {
        h2 id="alerts-title" { (t.prefs_title) }
        p.hint { (t.prefs_intro) }
        form id="alert-prefs" aria-labelledby="alerts-title" novalidate {
            (check("new_conversation", p.new_conversation, t.p_new_conversation))
            fieldset id="alert-channels" {
                legend { (t.p_watched) }
                @for c in channels {
                    @let id = format!("alert-channel-{}", c.id);
                    div.check {
                        input id=(id) type="checkbox" data-channel=(c.id)
                            checked[p.watched_channels.as_ref().is_none_or(|l| l.contains(&c.id))];
                        label for=(id) { (c.name) }
                    }
                }
            }
            (check("customer_message", p.customer_message, t.p_customer_message))
            (check("assigned", p.assigned, t.p_assigned))
            (check("rule_notify", p.rule_notify, t.p_rule_notify))
            (check("at_risk", p.at_risk, t.p_at_risk))
            (check("sound", p.sound, t.p_sound))
            label for="alert-preview" { (t.p_preview) }
            select id="alert-preview" name="preview" {
                @for (value, name, label) in previews {
                    option value=(name) selected[p.preview == value] { (label) }
                }
            }
            (check("quiet_on", quiet.is_some(), t.p_quiet_on))
            fieldset id="alert-quiet" {
                legend { (t.p_quiet) }
                @for (id, name, label, value) in [
                    ("alert-quiet-from", "quiet_from", t.p_quiet_from, quiet.map_or("22:00", |q| q.from.as_str())),
                    ("alert-quiet-to", "quiet_to", t.p_quiet_to, quiet.map_or("07:00", |q| q.to.as_str())),
                    ("alert-quiet-timezone", "quiet_timezone", t.p_quiet_zone, quiet.map_or("UTC", |q| q.timezone.as_str())),
                ] {
                    label for=(id) { (label) }
                    input id=(id) name=(name) type="text" value=(value) autocomplete="off"
                        data-field={ "quiet_hours." (name.trim_start_matches("quiet_")) };
                    p.field-error id={ (id) "-error" } {}
                }
            }
            p.form-error role="alert" {}
            button type="submit" { (t.save) }
        }
    }
}

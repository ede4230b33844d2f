//! Outgoing webhooks: each subscription's delivery state (delivering or stopped,
//! failed attempts, the next one, the last error, how far it has delivered), with
//! buttons to deliver again now and to delete; a form to add one, whose signing
//! secret is shown once.

use maud::{Markup, html};
use pronto_store::Subscription;

use super::{Viewer, field, fill, form_error, once_box, section as frame};
use crate::error::ApiResult;
use crate::integrations::KINDS;
use crate::state::AppState;
use crate::ui::format::time;

/// The section.
pub async fn section(state: &AppState, v: &Viewer) -> ApiResult<Markup> {
    let w = &v.t().webhooks;
    let rest = html! {
        (once_box(v, "webhook-created", w.created_title, w.created_hint,
            &[(w.secret, "signing_secret")]))
        (form(v))
    };
    Ok(frame(
        "webhooks",
        w.title,
        w.intro,
        list(state, v).await?,
        rest,
    ))
}

/// The subscriptions.
pub async fn list(state: &AppState, v: &Viewer) -> ApiResult<Markup> {
    let w = &v.t().webhooks;
    let subs = state.store.subscriptions(v.workspace()).await?;
    Ok(html! {
        @if subs.is_empty() {
            p.empty { (w.empty) }
        } @else {
            ul.cards {
                @for s in &subs {
                    li.card { (subscription(v, s)) }
                }
            }
        }
    })
}

fn subscription(v: &Viewer, s: &Subscription) -> Markup {
    let w = &v.t().webhooks;
    let shown = crate::outgoing::redact_url(&s.url);
    html! {
        h3 { code { (shown) } }
        @if s.state == "failing" {
            p.state.bad { (w.failing) }
        } @else {
            p.state.ok { (w.delivering) }
        }
        p.meta { (w.events) " " (s.kinds.join(", ")) }
        p.meta { (fill(w.delivered_up_to, &[("n", &s.last_seq.to_string())])) }
        @if s.attempts > 0 {
            p { (fill(w.attempts, &[("n", &s.attempts.to_string())])) }
            @if s.state != "failing" && s.next_attempt_at > 0 {
                p { (w.next_attempt) " " (time(s.next_attempt_at)) }
            }
        }
        @if let Some(error) = &s.last_error {
            p.state.bad { (fill(w.last_error, &[("error", error)])) }
        }
        div.actions {
            button.secondary type="button" data-action="call" data-method="POST"
                data-path={ "/webhooks/" (s.id) "/retry" } data-section="webhooks"
                aria-label=(fill(w.retry_named, &[("url", &shown)])) { (w.retry) }
            button.secondary type="button" data-action="call" data-method="DELETE"
                data-path={ "/webhooks/" (s.id) } data-section="webhooks"
                data-confirm=(fill(w.confirm_delete, &[("url", &shown)]))
                aria-label=(fill(w.delete_named, &[("url", &shown)])) { (w.delete) }
        }
    }
}

fn form(v: &Viewer) -> Markup {
    let w = &v.t().webhooks;
    html! {
        form.settings-form id="webhook-form" data-form="webhook" aria-labelledby="webhook-form-title" novalidate {
            h3 id="webhook-form-title" { (w.add) }
            (field("webhook-url", w.url, Some(w.url_hint), html! {
                input id="webhook-url" name="url" type="url" autocomplete="off" data-field="url"
                    aria-describedby="webhook-url-hint" placeholder="https://";
            }))
            p.field-error id="webhook-url-error" {}
            fieldset data-field="kinds" id="webhook-kinds" tabindex="-1" {
                legend { (w.kinds) }
                @for (i, kind) in KINDS.iter().enumerate() {
                    div.check {
                        input id={ "webhook-kind-" (i) } name="kinds" type="checkbox" value=(kind)
                            checked[*kind == "message.created"];
                        label for={ "webhook-kind-" (i) } { code { (kind) } }
                    }
                }
            }
            p.field-error id="webhook-kinds-error" {}
            (form_error())
            button type="submit" { (w.create) }
        }
    }
}

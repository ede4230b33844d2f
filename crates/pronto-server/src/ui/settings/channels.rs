//! Channels: the connected Messenger Pages, Instagram accounts, WhatsApp numbers, API
//! channels, web chats (with the snippet to paste into the site) and email
//! mailboxes (`email`),
//! each with its state in words, the webhook settings to paste into Meta's
//! dashboard, and a form for a new access token when Meta refused the old one.

use maud::{Markup, html};
use pronto_store::{Channel, ChannelKind};

use super::{Viewer, field, fill, form_error, once_box, section as frame};
use crate::error::ApiResult;
use crate::state::AppState;
use crate::ui::format::time;

/// The section.
pub async fn section(state: &AppState, v: &Viewer) -> ApiResult<Markup> {
    let s = &v.t().settings;
    let rest = html! {
        (once_box(v, "channel-created", s.channel_created_title, s.paste_in_meta,
            &[(s.callback_url, "callback_url"), (s.verify_token, "verify_token")]))
        (once_box(v, "channel-created-api", s.channel_created_title, s.signing_secret_hint,
            &[(s.signing_secret, "signing_secret")]))
        (once_box(v, "channel-created-webchat", s.channel_created_title, s.identity_secret_hint,
            &[(s.webchat_snippet, "snippet"), (s.identity_secret, "identity_secret")]))
        (form(v))
    };
    Ok(frame(
        "channels",
        s.channels_title,
        s.channels_intro,
        list(state, v).await?,
        rest,
    ))
}

/// The channels.
pub async fn list(state: &AppState, v: &Viewer) -> ApiResult<Markup> {
    let s = &v.t().settings;
    let channels = state.store.channels(v.workspace()).await?;
    let base = state.config.base_url();
    let mut health = Vec::with_capacity(channels.len());
    for c in &channels {
        let h = if c.kind.has_meta_webhooks() {
            Some(state.store.channel_health(v.workspace(), c.id).await?)
        } else {
            None
        };
        let templates = if c.kind == ChannelKind::WhatsApp {
            let n = state.store.templates(v.workspace(), c.id).await?.len();
            let costs = crate::routes::costs::month(state, v.workspace(), c.id, None).await?;
            Some((n, costs))
        } else {
            None
        };
        let reader = if c.kind == ChannelKind::Email {
            Some(crate::email::receive::Reader::of(state, c.id).await?)
        } else {
            None
        };
        health.push((h, templates, reader));
    }
    Ok(html! {
        @if channels.is_empty() {
            p.empty { (s.channels_empty) }
        } @else {
            ul.cards {
                @for (c, (h, templates, reader)) in channels.iter().zip(&health) {
                    li.card { (channel(v, &base, c, *h, templates.as_ref(), reader.as_ref())) }
                }
            }
        }
    })
}

/// A WhatsApp channel's month: its messages by pricing category, billable or free.
fn costs_section(v: &Viewer, costs: &crate::routes::costs::Costs) -> Markup {
    let s = &v.t().settings;
    html! {
        section.costs aria-label=(fill(s.costs_title, &[("month", &costs.month)])) {
            p { (fill(s.costs_title, &[("month", &costs.month)])) " "
                @if costs.categories.is_empty() {
                    (s.costs_none)
                } @else {
                    strong { (fill(s.costs_total, &[("billable", &costs.billable.to_string()), ("free", &costs.free.to_string())])) }
                }
            }
            @if !costs.categories.is_empty() {
                ul {
                    @for c in &costs.categories {
                        li { (fill(s.costs_category, &[("category", &c.category),
                            ("billable", &c.billable.to_string()), ("free", &c.free.to_string()),
                            ("fep", &c.free_entry_point.to_string())])) }
                    }
                }
            }
        }
    }
}

fn kind_label(v: &Viewer, c: &Channel) -> &'static str {
    let s = &v.t().settings;
    match c.kind {
        ChannelKind::Messenger => s.kind_messenger,
        ChannelKind::Instagram => s.kind_instagram,
        ChannelKind::Api => s.kind_api,
        ChannelKind::WebChat => s.kind_webchat,
        ChannelKind::WhatsApp => s.kind_whatsapp,
        ChannelKind::Email => v.t().email.kind_email,
    }
}

fn channel(
    v: &Viewer,
    base: &str,
    c: &Channel,
    health: Option<pronto_store::ChannelHealth>,
    templates: Option<&(usize, crate::routes::costs::Costs)>,
    reader: Option<&crate::email::receive::Reader>,
) -> Markup {
    let s = &v.t().settings;
    let name = if c.name.trim().is_empty() {
        kind_label(v, c)
    } else {
        c.name.as_str()
    };
    let meta = c.meta_config();
    let page_id = meta.page_id.as_str();
    let token_input = format!("channel-{}-token", c.id);
    let (_, verify_token) = pronto_core::channel::webhook_secrets(c.kind, &c.config);
    let token_name = if c.kind == ChannelKind::WhatsApp {
        "access_token"
    } else {
        "page_access_token"
    };
    html! {
        h3 { (name) }
        p {
            a href={ "/settings/channels/" (c.id) }
                aria-label=(fill(v.t().channel.open_named, &[("name", name)])) { (v.t().channel.open) }
        }
        p.meta {
            span.kind { (kind_label(v, c)) }
            @if c.kind.is_meta() && !page_id.is_empty() {
                " · " (s.page_or_account_id) " " code { (page_id) }
            }
            @if c.kind == ChannelKind::WhatsApp {
                " · " (s.phone_number_id) " " code { (c.whatsapp_config().phone_number_id) }
            }
        }
        @if let Some(h) = health {
            p.health {
                (s.last_webhook) " "
                @match h.last_webhook_at { Some(at) => (time(at)), None => (s.never) }
                " · " (s.last_send) " "
                @match h.last_send_at { Some(at) => (time(at)), None => (s.never) }
            }
        }
        @if let Some((n, costs)) = templates {
            form.inline-form data-form="templates-sync" data-id=(c.id) {
                span { (fill(s.templates_count, &[("count", &n.to_string())])) } " "
                button type="submit" { (s.templates_sync) }
                (form_error())
            }
            (costs_section(v, costs))
        }
        @match c.state.as_str() {
            "receiving" => p.state.ok { (s.state_receiving) },
            "needs_token" => {
                p.state.bad { (s.state_needs_token) }
                p.hint { (s.needs_token_help) }
                form.inline-form data-form="page-token" data-id=(c.id) {
                    (field(&token_input, s.new_token, None, html! {
                        input id=(token_input) name=(token_name) type="password"
                            autocomplete="off" spellcheck="false" required;
                    }))
                    button type="submit" { (s.save_token) }
                    (form_error())
                }
            },
            "needs_attention" => p.state.bad { (s.state_needs_attention) },
            other => p.state { (fill(s.state_other, &[("state", other)])) },
        }
        @if c.kind.has_meta_webhooks() {
            details {
                summary { (s.webhook_settings) }
                p.hint { (s.paste_in_meta) }
                dl {
                    dt { (s.callback_url) }
                    dd { code { (base) "/webhooks/meta/" (c.id) } }
                    dt { (s.verify_token) }
                    dd { code { (verify_token) } }
                }
            }
        } @else if c.kind == ChannelKind::Api {
            p { (s.api_delivers_to) " " code { (c.api_config().url) } }
        } @else if c.kind == ChannelKind::WebChat {
            p { (s.webchat_origins) ": "
                @for (i, o) in c.webchat_config().allowed_origins.iter().enumerate() {
                    @if i > 0 { ", " }
                    code { (o) }
                }
            }
            p.hint { (s.webchat_snippet_hint) }
            pre.snippet { code { (crate::webchat::snippet(base, c.id)) } }
        } @else if let Some(reader) = reader {
            (super::email::card(v, c, reader))
        }
    }
}

fn form(v: &Viewer) -> Markup {
    let s = &v.t().settings;
    let meta = "messenger instagram instagram-login";
    html! {
        form.settings-form id="channel-form" data-form="channel" aria-labelledby="channel-form-title" {
            h3 id="channel-form-title" { (s.channel_add) }
            (field("channel-kind", s.channel_kind, None, html! {
                select id="channel-kind" name="kind" {
                    option value="messenger" { (s.kind_messenger_page) }
                    option value="instagram" { (s.kind_instagram_page) }
                    option value="instagram-login" { (s.kind_instagram_login) }
                    option value="whatsapp" { (s.kind_whatsapp_long) }
                    option value="api" { (s.kind_api_long) }
                    option value="webchat" { (s.kind_webchat_long) }
                    option value="email" { (v.t().email.kind_email_long) }
                }
            }))
            (field("channel-name", s.channel_name, None, html! {
                input id="channel-name" name="name" type="text" required autocomplete="off";
            }))
            fieldset data-kinds="messenger instagram" {
                legend { (s.page_legend) }
                (field("channel-page-id", s.page_id, None, html! {
                    input id="channel-page-id" name="page_id" type="text" required autocomplete="off" spellcheck="false";
                }))
                (field("channel-page-token", s.page_access_token, None, html! {
                    input id="channel-page-token" name="page_access_token" type="password" required autocomplete="off";
                }))
            }
            fieldset data-kinds="instagram-login" hidden disabled {
                legend { (s.instagram_legend) }
                (field("channel-account-id", s.account_id, None, html! {
                    input id="channel-account-id" name="account_id" type="text" required autocomplete="off" spellcheck="false";
                }))
                (field("channel-access-token", s.access_token, None, html! {
                    input id="channel-access-token" name="access_token" type="password" required autocomplete="off";
                }))
            }
            fieldset data-kinds=(meta) {
                legend { (s.app_legend) }
                (field("channel-app-id", s.app_id, None, html! {
                    input id="channel-app-id" name="app_id" type="text" required autocomplete="off" spellcheck="false";
                }))
                (field("channel-app-secret", s.app_secret, None, html! {
                    input id="channel-app-secret" name="app_secret" type="password" required autocomplete="off";
                }))
                div.check {
                    input id="channel-human-agent" name="human_agent" type="checkbox";
                    label for="channel-human-agent" { (s.human_agent) }
                }
                div.check {
                    input id="channel-mark-seen" name="mark_seen" type="checkbox";
                    label for="channel-mark-seen" { (s.mark_seen) }
                }
                p.hint { (s.meta_hint) }
            }
            fieldset data-kinds="whatsapp" hidden disabled {
                legend { (s.whatsapp_legend) }
                (field("channel-wa-number", s.phone_number_id, None, html! {
                    input id="channel-wa-number" name="phone_number_id" type="text" required autocomplete="off" spellcheck="false";
                }))
                (field("channel-wa-waba", s.waba_id, None, html! {
                    input id="channel-wa-waba" name="waba_id" type="text" required autocomplete="off" spellcheck="false";
                }))
                (field("channel-wa-app-id", s.app_id, None, html! {
                    input id="channel-wa-app-id" name="wa_app_id" type="text" required autocomplete="off" spellcheck="false";
                }))
                (field("channel-wa-app-secret", s.app_secret, None, html! {
                    input id="channel-wa-app-secret" name="wa_app_secret" type="password" required autocomplete="off";
                }))
                (field("channel-wa-token", s.whatsapp_token, None, html! {
                    input id="channel-wa-token" name="wa_access_token" type="password" required autocomplete="off";
                }))
                div.check {
                    input id="channel-wa-mark-read" name="mark_read" type="checkbox";
                    label for="channel-wa-mark-read" { (s.mark_read) }
                }
                p.hint { (s.meta_hint) }
            }
            fieldset data-kinds="api" hidden disabled {
                legend { (s.api_legend) }
                (field("channel-url", s.api_url, Some(s.api_url_hint), html! {
                    input id="channel-url" name="url" type="url" required autocomplete="off"
                        aria-describedby="channel-url-hint" placeholder="https://";
                }))
            }
            fieldset data-kinds="webchat" hidden disabled {
                legend { (s.webchat_legend) }
                (field("channel-origins", s.webchat_origins, Some(s.webchat_origins_hint), html! {
                    textarea id="channel-origins" name="allowed_origins" rows="2" required
                        aria-describedby="channel-origins-hint" spellcheck="false"
                        placeholder="https://www.example.com" {}
                }))
                (field("channel-business-name", s.webchat_business_name, None, html! {
                    input id="channel-business-name" name="business_name" type="text" autocomplete="off" maxlength="100";
                }))
                (field("channel-greeting", s.webchat_greeting, None, html! {
                    input id="channel-greeting" name="greeting" type="text" autocomplete="off" maxlength="500";
                }))
                (field("channel-color", s.webchat_color, None, html! {
                    input id="channel-color" name="color" type="color" value=(pronto_core::webchat::DEFAULT_COLOR);
                }))
                div.check {
                    input id="channel-prechat" name="prechat_form" type="checkbox";
                    label for="channel-prechat" { (s.webchat_prechat) }
                }
            }
            (super::email::fieldset(v))
            (form_error())
            button type="submit" { (s.channel_create) }
        }
    }
}

//! The channel's other settings: routing, read receipts and the web chat widget.

use maud::{Markup, html};
use pronto_store::{Channel, RoutingRow};

use super::{Viewer, checked_field};

/// Who gets new conversations.
pub fn routing(v: &Viewer, row: Option<&RoutingRow>) -> Markup {
    let c = &v.t().channel;
    let mode = row.map_or("manual", |r| r.mode.as_str());
    let modes = [
        ("manual", c.mode_manual),
        ("round_robin", c.mode_round_robin),
        ("least_loaded", c.mode_least_loaded),
        ("skills", c.mode_skills),
    ];
    html! {
        form.settings-form id="routing-form" data-form="routing" aria-labelledby="routing-title" novalidate {
            (checked_field("routing-mode", c.routing_mode, None, html! {
                select id="routing-mode" name="mode" data-field="mode" {
                    @for (value, label) in modes {
                        option value=(value) selected[value == mode] { (label) }
                    }
                }
            }))
            div.check {
                input id="routing-fallback" name="fallback" type="checkbox"
                    checked[row.is_some_and(|r| r.fallback)];
                label for="routing-fallback" { (c.fallback) }
            }
            div.check {
                input id="routing-reassign" name="reassign_on_away" type="checkbox"
                    checked[row.is_some_and(|r| r.reassign_on_away)];
                label for="routing-reassign" { (c.reassign_on_away) }
            }
            p.form-error role="alert" {}
            button type="submit" { (c.save) }
        }
    }
}

/// Read receipts (Messenger and Instagram's "seen", WhatsApp's blue ticks).
pub fn seen(v: &Viewer, channel: &Channel) -> Markup {
    let s = &v.t().settings;
    let c = &v.t().channel;
    let (on, label) = if channel.kind == pronto_store::ChannelKind::WhatsApp {
        (channel.whatsapp_config().mark_read, s.mark_read)
    } else {
        (channel.meta_config().mark_seen, s.mark_seen)
    };
    html! {
        form.settings-form id="seen-form" data-form="seen" aria-labelledby="seen-title" novalidate {
            div.check {
                input id="seen-on" name="enabled" type="checkbox" checked[on];
                label for="seen-on" { (label) }
            }
            p.form-error role="alert" {}
            button type="submit" { (c.save) }
        }
    }
}

/// The web chat widget: its sites, look and limits, and the snippet for the site.
pub fn webchat(v: &Viewer, channel: &Channel, base: &str) -> Markup {
    let s = &v.t().settings;
    let c = &v.t().channel;
    let w = channel.webchat_config();
    html! {
        p.hint { (s.webchat_snippet_hint) }
        pre.snippet { code id="webchat-snippet" { (crate::webchat::snippet(base, channel.id)) } }
        form.settings-form id="webchat-form" data-form="webchat" aria-labelledby="webchat-title" novalidate {
            (checked_field("webchat-origins", s.webchat_origins, Some(s.webchat_origins_hint), html! {
                textarea id="webchat-origins" name="allowed_origins" rows="2" required
                    data-field="allowed_origins" spellcheck="false"
                    aria-describedby="webchat-origins-hint" { (w.allowed_origins.join("\n")) }
            }))
            (checked_field("webchat-business-name", s.webchat_business_name, None, html! {
                input id="webchat-business-name" name="business_name" type="text" maxlength="100"
                    value=(w.business_name) data-field="business_name" autocomplete="off";
            }))
            (checked_field("webchat-greeting", s.webchat_greeting, None, html! {
                input id="webchat-greeting" name="greeting" type="text" maxlength="500"
                    value=(w.greeting) data-field="greeting" autocomplete="off";
            }))
            (checked_field("webchat-color", s.webchat_color, None, html! {
                input id="webchat-color" name="color" type="color" value=(w.color) data-field="color";
            }))
            (checked_field("webchat-avatar", c.avatar_url, None, html! {
                input id="webchat-avatar" name="avatar_url" type="url" value=(w.avatar_url)
                    data-field="avatar_url" autocomplete="off" placeholder="https://";
            }))
            (checked_field("webchat-attachments", c.attachments_max, None, html! {
                input id="webchat-attachments" name="attachments_max_bytes" type="number" min="0"
                    value=(w.attachments_max_bytes) data-field="attachments_max_bytes";
            }))
            div.check {
                input id="webchat-prechat" name="prechat_form" type="checkbox" checked[w.prechat_form];
                label for="webchat-prechat" { (s.webchat_prechat) }
            }
            p.form-error role="alert" {}
            button type="submit" { (c.save) }
        }
    }
}

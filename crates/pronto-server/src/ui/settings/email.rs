//! The email channel's part of the channels section: its fields in the new-channel
//! form (the address, the IMAP and SMTP servers, accounts and passwords) and, on its
//! card, what it reads and the "test connection" button, whose answer (each
//! server's verdict, from `POST /api/v1/channels/{id}/email/test`) the script says.

use maud::{Markup, html};
use pronto_core::email::Tls;
use pronto_store::Channel;

use super::{Viewer, field, fill, form_error};
use crate::email::receive::Reader;
use crate::ui::format::{json_script, time};

/// The new-channel form's fieldset for `kind=email`.
pub fn fieldset(v: &Viewer) -> Markup {
    let e = &v.t().email;
    html! {
        fieldset data-kinds="email" hidden disabled {
            legend { (e.legend) }
            (field("channel-email-address", e.address, None, html! {
                input id="channel-email-address" name="address" type="email" required autocomplete="off"
                    placeholder="support@example.com";
            }))
            @for (prefix, legend, port, tls) in [("imap", e.imap_legend, 993, Tls::Implicit), ("smtp", e.smtp_legend, 587, Tls::StartTls)] {
                fieldset {
                    legend { (legend) }
                    (field(&format!("channel-{prefix}-host"), e.host, None, html! {
                        input id={ "channel-" (prefix) "-host" } name={ (prefix) "_host" } type="text" required
                            autocomplete="off" spellcheck="false";
                    }))
                    (field(&format!("channel-{prefix}-port"), e.port, None, html! {
                        input id={ "channel-" (prefix) "-port" } name={ (prefix) "_port" } type="number"
                            min="1" max="65535" value=(port) required;
                    }))
                    (field(&format!("channel-{prefix}-tls"), e.tls, None, html! {
                        select id={ "channel-" (prefix) "-tls" } name={ (prefix) "_tls" } {
                            @for (mode, label) in [(Tls::Implicit, e.tls_implicit), (Tls::StartTls, e.tls_starttls), (Tls::None, e.tls_none)] {
                                option value=(mode.as_str()) selected[mode == tls] { (label) }
                            }
                        }
                    }))
                    (field(&format!("channel-{prefix}-user"), e.user, None, html! {
                        input id={ "channel-" (prefix) "-user" } name={ (prefix) "_user" } type="text"
                            required[prefix == "imap"] autocomplete="off" spellcheck="false";
                    }))
                    (field(&format!("channel-{prefix}-password"), e.password, None, html! {
                        input id={ "channel-" (prefix) "-password" } name={ (prefix) "_password" } type="password"
                            required[prefix == "imap"] autocomplete="new-password";
                    }))
                    @if prefix == "imap" {
                        (field("channel-imap-folder", e.folder, None, html! {
                            input id="channel-imap-folder" name="imap_folder" type="text" value="INBOX"
                                autocomplete="off" spellcheck="false";
                        }))
                        div.check {
                            input id="channel-email-mark-seen" name="email_mark_seen" type="checkbox";
                            label for="channel-email-mark-seen" { (e.mark_seen) }
                        }
                    }
                }
            }
            p.hint { (e.hint) }
            (json_script("email-texts", e))
        }
    }
}

/// What an email channel's card shows: the mailbox it reads, the reader's health
/// line (its last read, whether this node holds an IDLE connection, the last
/// read's error with the server's answer while it fails), and the test.
pub fn card(v: &Viewer, c: &Channel, health: &Reader) -> Markup {
    let e = &v.t().email;
    let config = c.email_config();
    html! {
        p { code { (config.address) } }
        p.hint {
            (fill(e.reads, &[("folder", &config.imap_folder), ("user", &config.imap.user), ("host", &config.imap.host)]))
        }
        p.health {
            (e.last_read) " "
            @match health.mailbox.read_at { Some(at) => (time(at)), None => (v.t().settings.never) }
            " · " @if health.idle { (e.idle) } @else { (e.polling) }
        }
        @if let Some(error) = &health.mailbox.error {
            p.state.bad {
                (e.read_failed)
                @if let Some(at) = health.mailbox.error_at { " (" (time(at)) ")" }
                ": " (error)
            }
        }
        form.inline-form data-form="email-test" data-id=(c.id) {
            button type="submit" { (e.test) }
            (form_error())
        }
    }
}

//! The composer's WhatsApp templates, offered when the 24-hour window is closed: the
//! approved ones in the customer's language first, each with a field per
//! placeholder (positional or named), for the header's variable or file link, for
//! each dynamic link's end and quick reply's payload, and a preview as the customer
//! will see it; paused, disabled or rejected ones are listed with why they cannot
//! be sent.

use maud::{Markup, html};
use pronto_store::WhatsAppTemplate;

use super::Viewer;
use super::i18n::fill;

/// The picker for conversation `conversation_id`, whose customer's locale is
/// `locale` (`fr_FR`), when known.
/// Each template comes with whether WhatsApp would bill it now.
pub fn picker(v: &Viewer, templates: &[(WhatsAppTemplate, bool)], locale: Option<&str>) -> Markup {
    let i = &v.t().inbox;
    let language = locale.map(|l| l.split(['_', '-']).next().unwrap_or(l).to_lowercase());
    let mut ordered: Vec<&(WhatsAppTemplate, bool)> = templates.iter().collect();
    // The customer's language first, then approved before the rest, then by name.
    ordered.sort_by_key(|(t, _)| {
        let theirs = language
            .as_deref()
            .is_some_and(|l| t.language.to_lowercase().starts_with(l));
        (!theirs, t.status != "APPROVED", t.name.clone())
    });
    html! {
        fieldset.templates id="templates" {
            legend { (i.templates_title) }
            @if ordered.is_empty() {
                p.hint { (i.templates_none) }
            }
            @for (n, (t, billed)) in ordered.iter().enumerate() {
                (template(v, n, t, *billed))
            }
        }
    }
}

fn template(v: &Viewer, n: usize, t: &WhatsAppTemplate, billed: bool) -> Markup {
    let i = &v.t().inbox;
    let wire = crate::whatsapp::templates::wire(t);
    let body = wire.body().unwrap_or_default().to_owned();
    let placeholders = wire.placeholders();
    let why = match t.status.as_str() {
        "APPROVED" => None,
        "PAUSED" => Some(i.template_paused.to_owned()),
        "DISABLED" => Some(i.template_disabled.to_owned()),
        other => Some(fill(
            i.template_not_approved,
            &[("status", &other.to_lowercase())],
        )),
    };
    let named = t.parameter_format.eq_ignore_ascii_case("NAMED");
    let header_format = wire.header_format();
    let header_text = wire.header_text().unwrap_or_default().to_owned();
    let header_variable = wire.header_placeholder();
    let media = header_format
        .as_deref()
        .filter(|f| matches!(*f, "IMAGE" | "VIDEO" | "DOCUMENT"))
        .map(str::to_lowercase);
    let buttons = wire.buttons();
    let labels: Vec<String> = buttons.iter().map(|b| format!("[{}]", b.text)).collect();
    html! {
        details.template {
            summary {
                (t.name) " · " (t.language) " · " (t.category.to_lowercase()) " · "
                span.cost { (if billed { i.template_billed } else { i.template_free }) }
            }
            @match why {
                Some(reason) => p.why { (reason) },
                None => form.template-form data-template=(t.name) data-language=(t.language)
                    data-named=(named) data-body=(body) data-header=(header_text)
                    data-media=[media.as_deref()] data-footer=(wire.footer().unwrap_or_default())
                    data-buttons=(labels.join(" ")) {
                    @if let Some(p) = &header_variable {
                        @let id = format!("template-{n}-header");
                        label for=(id) { (fill(i.template_header_text, &[("name", p)])) }
                        input id=(id) name=(p) data-part="header" type="text" required autocomplete="off" maxlength="60";
                    }
                    @if let Some(kind) = &media {
                        @let id = format!("template-{n}-header");
                        label for=(id) { (fill(i.template_header_media, &[("kind", kind)])) }
                        input id=(id) name="header" data-part="header-media" data-kind=(kind) type="url" required pattern="https://.*" autocomplete="off";
                    }
                    @for (k, p) in placeholders.iter().enumerate() {
                        @let id = format!("template-{n}-{k}");
                        label for=(id) { "{{" (p) "}}" }
                        input id=(id) name=(p) data-part="body" type="text" required autocomplete="off";
                    }
                    @for (k, b) in buttons.iter().enumerate() {
                        @let id = format!("template-{n}-button-{k}");
                        @if b.dynamic_url() {
                            label for=(id) { (fill(i.template_button_url, &[("text", &b.text)])) }
                            input id=(id) name=(format!("button-{k}")) data-part="url" data-index=(k) type="text" required autocomplete="off";
                        } @else if b.quick_reply() {
                            label for=(id) { (fill(i.template_button_payload, &[("text", &b.text)])) }
                            input id=(id) name=(format!("button-{k}")) data-part="payload" data-index=(k) type="text" autocomplete="off";
                        }
                    }
                    p.hint { (i.template_preview) }
                    p.preview data-preview { (preview(&header_text, media.as_deref(), &body, wire.footer(), &labels)) }
                    button type="submit" { (i.template_send) }
                },
            }
        }
    }
}

/// The preview before anything is filled: the header (its text, or `[image]`), the
/// body, the footer, the buttons' labels, a line each (as `Template::preview` puts
/// them once filled).
fn preview(
    header: &str,
    media: Option<&str>,
    body: &str,
    footer: Option<&str>,
    labels: &[String],
) -> String {
    let header = match media {
        Some(kind) => format!("[{kind}]"),
        None => header.to_owned(),
    };
    [
        header,
        body.to_owned(),
        footer.unwrap_or_default().to_owned(),
        labels.join(" "),
    ]
    .into_iter()
    .filter(|l| !l.is_empty())
    .collect::<Vec<_>>()
    .join("\n")
}

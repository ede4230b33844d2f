//! The composer's WhatsApp templates, offered when the 24-hour window is closed: the
//! approved ones in the customer's language first, each with a field per
//! placeholder (positional or named) and a preview as the customer will see it;
//! paused, disabled or rejected ones are listed with why they cannot be sent.

use maud::{Markup, html};
use pronto_store::WhatsAppTemplate;

use super::Viewer;
use super::i18n::fill;

/// The picker for conversation `conversation_id`, whose customer's locale is
/// `locale` (`fr_FR`), when known.
pub fn picker(v: &Viewer, templates: &[WhatsAppTemplate], locale: Option<&str>) -> Markup {
    let i = &v.t().inbox;
    let language = locale.map(|l| l.split(['_', '-']).next().unwrap_or(l).to_lowercase());
    let mut ordered: Vec<&WhatsAppTemplate> = templates.iter().collect();
    // The customer's language first, then approved before the rest, then by name.
    ordered.sort_by_key(|t| {
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
            @for (n, t) in ordered.iter().enumerate() {
                (template(v, n, t))
            }
        }
    }
}

fn template(v: &Viewer, n: usize, t: &WhatsAppTemplate) -> Markup {
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
    html! {
        details.template {
            summary { (t.name) " · " (t.language) " · " (t.category.to_lowercase()) }
            @match why {
                Some(reason) => p.why { (reason) },
                None => form.template-form data-template=(t.name) data-language=(t.language)
                    data-named=(named) data-body=(body) {
                    @for (k, p) in placeholders.iter().enumerate() {
                        @let id = format!("template-{n}-{k}");
                        label for=(id) { "{{" (p) "}}" }
                        input id=(id) name=(p) type="text" required autocomplete="off";
                    }
                    p.hint { (i.template_preview) }
                    p.preview data-preview { (body) }
                    button type="submit" { (i.template_send) }
                },
            }
        }
    }
}

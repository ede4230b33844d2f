//! The contact card beside a conversation: the customer's name and picture, the
//! channels they are known on, their language and local time, where they came
//! from, the workspace's attributes; its editor (`PATCH /api/v1/contacts/{id}`)
//! and the merge of another contact of the same person into this one
//! (`POST /api/v1/contacts/{id}/merge`, the other found with `GET /api/v1/contacts?q=`).

use maud::{Markup, html};
use pronto_store::{Channel, Contact};
use serde_json::Value;

use super::conversation::referral_text;
use super::i18n::{Texts, fill};
use super::inbox::display_name;

/// The card: who the customer is, where they write from, what the team knows.
pub(super) fn card(
    t: &Texts,
    contact: &Contact,
    identities: &[(i64, String)],
    channels: &[Channel],
    definitions: &[pronto_store::AttributeDefinition],
) -> Markup {
    let i = &t.inbox;
    let label_of = |key: &str| {
        definitions
            .iter()
            .find(|d| d.key == key)
            .map_or_else(|| key.to_owned(), |d| d.label.clone())
    };
    let is_link = |key: &str| definitions.iter().any(|d| d.key == key && d.kind == "link");
    let attributes: Vec<(&String, &Value)> = contact
        .attributes
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "referral" | "page" | "browser_language"))
                .collect()
        })
        .unwrap_or_default();
    html! {
        section.card aria-labelledby="contact-title" {
            h3 id="contact-title" { (i.contact) }
            p.contact-name {
                @if let Some(picture) = &contact.picture {
                    img.avatar src=(picture) alt="" width="40" height="40";
                }
                (display_name(t, &contact.name, contact.id))
            }
            dl {
                dt { (i.identities) }
                dd {
                    ul.identities {
                        @for (channel, external) in identities {
                            li {
                                (channels.iter().find(|c| c.id == *channel).map_or("?", |c| c.name.as_str()))
                                ": " code { (external) }
                            }
                        }
                    }
                }
                dt { (i.locale) }
                dd {
                    @match (&contact.language, &contact.locale) {
                        (Some(language), _) => {
                            (language)
                            @let source = match contact.language_source.as_deref() {
                                Some("detected") => Some(i.language_detected),
                                Some("platform") => Some(i.language_platform),
                                Some("agent") => Some(i.language_agent),
                                _ => None,
                            };
                            @if let Some(source) = source { " (" (source) ")" }
                        }
                        (None, Some(locale)) => (locale),
                        (None, None) => (i.unknown),
                    }
                }
                dt { (i.local_time) }
                dd {
                    @match &contact.timezone {
                        Some(tz) => span.local-time data-tz=(tz) { (tz) },
                        None => (i.unknown),
                    }
                }
                @if let Some(l) = contact.attributes.get("browser_language").and_then(Value::as_str) {
                    dt { (i.browser_language) }
                    dd { (l) }
                }
                // A web chat visitor's page (the latest they wrote from).
                @if let Some(page) = contact.attributes.get("page").and_then(Value::as_str) {
                    dt { (i.visitor_page) }
                    dd {
                        @if page.starts_with("https://") || page.starts_with("http://") {
                            a.page href=(page) rel="noopener noreferrer nofollow" target="_blank" { (page) }
                        } @else {
                            (page)
                        }
                    }
                }
                @if let Some(r) = contact.attributes.get("referral") {
                    dt { (fill(i.came_from, &[("source", "")]).trim_end_matches([' ', ':'])) }
                    dd { (referral_text(r)) }
                }
                @if let Some(email) = &contact.email {
                    dt { (i.field_email) }
                    dd { (email) }
                }
                @if let Some(phone) = &contact.phone {
                    dt { (i.field_phone) }
                    dd { (phone) }
                }
                @for (k, val) in attributes {
                    dt { (label_of(k)) }
                    dd {
                        @match val.as_str() {
                            Some(url) if is_link(k) && (url.starts_with("https://") || url.starts_with("http://")) => {
                                a href=(url) rel="noopener noreferrer nofollow" target="_blank" { (url) }
                            }
                            Some(text) => (text),
                            None => (val.to_string()),
                        }
                    }
                }
            }
            button.vip.secondary type="button" data-action="vip" data-contact=(contact.id)
                aria-pressed=(if contact.vip { "true" } else { "false" }) { (i.vip_toggle) }
            @if !contact.notes.is_empty() {
                p.contact-notes { (contact.notes) }
            }
            (contact_form(t, contact, definitions))
            (merge(t, contact, channels))
        }
    }
}

/// The card's editor: it sends the changed card to `PATCH /api/v1/contacts/{id}`;
/// a refused field is marked where it is (`data-field`, `Pronto.showFieldError`).
fn contact_form(
    t: &Texts,
    contact: &Contact,
    definitions: &[pronto_store::AttributeDefinition],
) -> Markup {
    let i = &t.inbox;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let fields: [(&str, &str, &str, String); 5] = [
        ("name", i.field_name, "text", contact.name.clone()),
        ("email", i.field_email, "email", value(&contact.email)),
        ("phone", i.field_phone, "tel", value(&contact.phone)),
        (
            "language",
            i.field_language,
            "text",
            value(&contact.language),
        ),
        (
            "timezone",
            i.field_timezone,
            "text",
            value(&contact.timezone),
        ),
    ];
    html! {
        details.contact-edit {
            summary { (i.edit_contact) }
            form id="contact-form" data-contact=(contact.id) novalidate {
                @for (name, label, kind, current) in &fields {
                    @let id = format!("contact-{name}");
                    label for=(id) { (label) }
                    input id=(id) name=(name) data-field=(name) type=(kind) value=(current)
                        title=[(*name == "language").then_some(i.language_hint)];
                    p.field-error id=(format!("{id}-error")) aria-live="polite" {}
                }
                @for d in definitions {
                    @let id = format!("contact-attr-{}", d.key);
                    @let kind = match d.kind.as_str() { "number" => "number", "date" => "date", "link" => "url", _ => "text" };
                    @let current = contact.attributes.get(&d.key).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).unwrap_or_default();
                    label for=(id) { (d.label) }
                    @let field = format!("attributes.{}", d.key);
                    input id=(id) name=(field) data-field=(field) type=(kind) step=[(kind == "number").then_some("any")]
                        data-kind=(d.kind) value=(current);
                    p.field-error id=(format!("{id}-error")) aria-live="polite" {}
                }
                label for="contact-notes" { (i.field_notes) }
                textarea id="contact-notes" name="notes" data-field="notes" rows="3" { (contact.notes) }
                p.field-error id="contact-notes-error" aria-live="polite" {}
                button type="submit" { (i.save_contact) }
            }
        }
    }
}

/// Another contact of the same person merged into this one: found by name, email
/// or phone (the script lists them with the channels they are known on), merged
/// after a confirmation that says what happens.
fn merge(t: &Texts, contact: &Contact, channels: &[Channel]) -> Markup {
    let i = &t.inbox;
    let names: serde_json::Map<String, Value> = channels
        .iter()
        .map(|c| (c.id.to_string(), Value::from(c.name.as_str())))
        .collect();
    html! {
        details.contact-merge {
            summary { (i.merge_title) }
            p.hint id="merge-hint" { (i.merge_hint) }
            form id="merge-form" role="search" data-contact=(contact.id)
                data-channels=(Value::Object(names).to_string()) {
                label for="merge-query" { (i.merge_find) }
                input id="merge-query" name="q" type="search" minlength="2" autocomplete="off"
                    aria-describedby="merge-hint";
                button type="submit" { (i.merge_search) }
            }
            ul.merge-results id="merge-results" aria-live="polite" {}
            p.field-error id="merge-error" role="alert" {}
        }
    }
}

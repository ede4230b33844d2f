//! The automatic replies form: the instant reply, the away message, keyword
//! replies and the hand-over words. Each text has its versions in other languages
//! (`translations`), one field a language Pronto detects and one for each other
//! language already set (`data-field` names where).

use std::collections::BTreeMap;

use maud::{Markup, html};
use pronto_core::automation::DEFAULT_HANDOVER_WORDS;

use super::{Viewer, checked_field, fill};
use crate::automation::{AutomationSettings, KeywordSettings, MessageSetting};
use crate::ui::settings::languages::translations;

/// The form.
pub fn form(v: &Viewer, settings: &AutomationSettings) -> Markup {
    let c = &v.t().channel;
    let k = &settings.keyword_replies;
    let custom = k.handover_words.is_some();
    let words = k.handover_words.as_deref().unwrap_or_default().join(", ");
    html! {
        form.settings-form id="replies-form" data-form="automation" aria-labelledby="replies-title" novalidate {
            p.hint id="variables-hint" { (c.variables_hint) }
            (message(v, "instant", "instant_reply", c.instant_legend, c.instant_on, &settings.instant_reply))
            (message(v, "away", "away_message", c.away_legend, c.away_on, &settings.away_message))
            fieldset {
                legend { (c.keywords_legend) }
                p.hint { (c.keywords_hint) }
                div id="keywords-part" { (keyword_rules(v, k)) }
                (checked_field("keyword-limit", c.limit, None, html! {
                    input id="keyword-limit" name="limit" type="number" min="0" max="1000"
                        value=(k.limit_per_conversation)
                        data-field="keyword_replies.limit_per_conversation";
                }))
            }
            fieldset {
                legend { (c.handover_legend) }
                p.hint id="handover-hint" { (c.handover_hint) }
                div.check {
                    input id="handover-default" name="handover" type="radio" value="default" checked[!custom];
                    label for="handover-default" {
                        (fill(c.handover_default, &[("words", &DEFAULT_HANDOVER_WORDS.join(", "))]))
                    }
                }
                div.check {
                    input id="handover-custom" name="handover" type="radio" value="custom" checked[custom];
                    label for="handover-custom" { (c.handover_custom) }
                }
                (checked_field("handover-words", c.handover_words, None, html! {
                    input id="handover-words" name="handover_words" type="text" value=(words)
                        data-field="keyword_replies.handover_words" autocomplete="off"
                        aria-describedby="handover-hint";
                }))
            }
            p.form-error role="alert" {}
            button type="submit" { (c.save) }
        }
    }
}

/// The keyword rules, each its own fieldset, and an empty one to add a rule. The
/// script gives each kept rule's fields the API's name for them as it sends.
pub fn keyword_rules(v: &Viewer, k: &KeywordSettings) -> Markup {
    let c = &v.t().channel;
    html! {
        @for (i, rule) in k.rules.iter().enumerate() {
            @let legend = fill(c.rule_legend, &[("n", &(i + 1).to_string())]);
            (rule_fields(v, &i.to_string(), &legend, &rule.keywords.join(", "), &rule.reply, &rule.translations, true))
        }
        (rule_fields(v, "new", c.new_rule_legend, "", "", &BTreeMap::new(), false))
    }
}

fn rule_fields(
    v: &Viewer,
    key: &str,
    legend: &str,
    keywords: &str,
    reply: &str,
    set: &BTreeMap<String, String>,
    removable: bool,
) -> Markup {
    let c = &v.t().channel;
    let kw = format!("rule-{key}-keywords");
    let text = format!("rule-{key}-reply");
    let remove = format!("rule-{key}-remove");
    html! {
        fieldset.rule data-rule=(key) {
            legend { (legend) }
            (checked_field(&kw, c.keywords, None, html! {
                input id=(kw) name="keywords" type="text" value=(keywords) autocomplete="off";
            }))
            (checked_field(&text, c.reply, None, html! {
                textarea id=(text) name="reply" rows="2" aria-describedby="variables-hint" { (reply) }
            }))
            (translations(v, &format!("rule-{key}"), "keyword_replies.rules", "variables-hint", set))
            @if removable {
                div.check {
                    input id=(remove) name="remove" type="checkbox";
                    label for=(remove) { (c.remove_rule) }
                }
            }
        }
    }
}

fn message(
    v: &Viewer,
    id: &str,
    field: &str,
    legend: &str,
    on: &str,
    setting: &MessageSetting,
) -> Markup {
    let c = &v.t().channel;
    let check = format!("{id}-on");
    let text = format!("{id}-text");
    html! {
        fieldset data-message=(field) {
            legend { (legend) }
            div.check {
                input id=(check) name="enabled" type="checkbox" checked[setting.enabled];
                label for=(check) { (on) }
            }
            (checked_field(&text, c.message_text, None, html! {
                textarea id=(text) name="text" rows="3" data-field={ (field) ".text" }
                    aria-describedby="variables-hint" { (setting.text) }
            }))
            (translations(v, id, field, "variables-hint", &setting.translations))
        }
    }
}

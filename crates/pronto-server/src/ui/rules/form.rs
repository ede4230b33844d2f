//! The rule editor: name, on or off, the trigger, and the conditions and actions as
//! rows of fields, one kind at a time. A row is cloned by the script from a
//! `<template>` rendered here (the script gives its inputs ids and, when it sends,
//! the API's names for them: `if[0].text`, `then[1].user`).

use maud::{Markup, html};

use super::{Names, Texts, Viewer};

/// One input of a row's kind: the JSON field it fills, its label and its control.
enum Param<'a> {
    Text(&'static str, &'a str),
    Number(&'static str, &'a str),
    Choice(&'static str, &'a str, Vec<(String, String)>),
    /// Several texts in one field, separated by `|`.
    List(&'static str, &'a str),
}

/// The form.
pub fn form(v: &Viewer, names: &Names) -> Markup {
    let t = &v.t().rules;
    let whens = [
        ("customer_message", t.w_customer_message),
        ("conversation_opened", t.w_conversation_opened),
        ("no_reply_for", t.w_no_reply_for),
        ("badge_at_risk", t.w_badge_at_risk),
        ("conversation_moved", t.w_conversation_moved),
    ];
    html! {
        form.settings-form id="rule-form" data-form="rule" aria-labelledby="rule-form-title" novalidate {
            h2 id="rule-form-title" { (t.form_add) }
            input type="hidden" name="id" value="";
            (field("rule-name", t.name, html! {
                input id="rule-name" name="name" type="text" autocomplete="off" data-field="name";
            }))
            div.check {
                input id="rule-enabled" name="enabled" type="checkbox" checked;
                label for="rule-enabled" { (t.enabled) }
            }
            (field("rule-when", t.trigger, html! {
                select id="rule-when" name="when" data-field="when" {
                    @for (value, label) in whens { option value=(value) { (label) } }
                }
            }))
            div id="rule-minutes-row" hidden {
                (field("rule-minutes", t.minutes, html! {
                    input id="rule-minutes" name="minutes" type="number" min="1" max="10080" value="15"
                        data-field="when.minutes";
                }))
            }
            fieldset id="rule-conditions" {
                legend { (t.conditions) }
                div id="conditions-list" {}
                button.secondary type="button" data-add="condition" { (t.add_condition) }
            }
            fieldset id="rule-actions" {
                legend { (t.actions) }
                div id="actions-list" {}
                button.secondary type="button" data-add="action" { (t.add_action) }
            }
            template id="condition-template" { (row(t, "if", t.condition, &conditions(t, names))) }
            template id="action-template" { (row(t, "then", t.action, &actions(t, names))) }
            p.form-error role="alert" {}
            div.actions {
                button type="submit" { (t.save) }
                button.secondary type="button" id="rule-cancel" hidden { (t.cancel) }
            }
        }
    }
}

fn field(id: &str, label: &str, input: Markup) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            (input)
            p.field-error id={ (id) "-error" } {}
        }
    }
}

/// A row: the kind, then each kind's fields (all but the chosen kind's hidden).
fn row(t: &Texts, part: &str, legend: &str, kinds: &[(&str, &str, Vec<Param>)]) -> Markup {
    html! {
        fieldset.rule-part data-part=(part) {
            legend { (legend) }
            div.field {
                label data-for="type" { (t.kind) }
                select name="type" data-param-type="" {
                    @for (kind, label, _) in kinds { option value=(kind) { (label) } }
                }
            }
            @for (kind, _, params) in kinds {
                div data-kind=(kind) hidden {
                    @for p in params { (param(p)) }
                }
            }
            button.secondary type="button" data-remove="" { (t.remove) }
        }
    }
}

fn param(p: &Param) -> Markup {
    let (name, label) = match p {
        Param::Text(n, l) | Param::Number(n, l) | Param::Choice(n, l, _) | Param::List(n, l) => {
            (*n, *l)
        }
    };
    html! {
        div.field {
            label data-for=(name) { (label) }
            @match p {
                Param::Text(..) => input type="text" data-param=(name) autocomplete="off";,
                Param::Number(..) => input type="number" data-param=(name) data-number="";,
                Param::List(..) => input type="text" data-param=(name) data-list="" autocomplete="off";,
                Param::Choice(_, _, options) => {
                    select data-param=(name) data-number[name != "folder" && name != "open"]
                        data-bool[name == "open"] {
                        @for (value, text) in options { option value=(value) { (text) } }
                    }
                },
            }
            p.field-error data-error-for=(name) {}
        }
    }
}

fn options(map: &std::collections::HashMap<i64, String>) -> Vec<(String, String)> {
    Names::sorted(map)
        .into_iter()
        .map(|(id, name)| (id.to_string(), name.to_owned()))
        .collect()
}

fn conditions<'a>(t: &'a Texts, names: &Names) -> Vec<(&'static str, &'a str, Vec<Param<'a>>)> {
    vec![
        (
            "text_contains",
            t.c_text_contains,
            vec![Param::Text("text", t.p_text)],
        ),
        (
            "channel",
            t.c_channel,
            vec![Param::Choice("id", t.p_channel, options(&names.channels))],
        ),
        (
            "text_matches",
            t.c_text_matches,
            vec![Param::Text("pattern", t.p_pattern)],
        ),
        (
            "contact_attribute",
            t.c_contact_attribute,
            vec![
                Param::Text("name", t.p_attribute),
                Param::Text("value", t.p_value),
            ],
        ),
        (
            "locale",
            t.c_locale,
            vec![Param::Text("locale", t.p_locale)],
        ),
        (
            "has_label",
            t.c_has_label,
            vec![Param::Text("label", t.p_label)],
        ),
        (
            "within_business_hours",
            t.c_within_business_hours,
            vec![Param::Choice(
                "open",
                t.p_open,
                vec![
                    ("true".into(), t.open.into()),
                    ("false".into(), t.closed.into()),
                ],
            )],
        ),
    ]
}

fn actions<'a>(t: &'a Texts, names: &Names) -> Vec<(&'static str, &'a str, Vec<Param<'a>>)> {
    let folders = vec![
        ("inbox".to_owned(), t.folder_inbox.to_owned()),
        ("done".to_owned(), t.folder_done.to_owned()),
        ("spam".to_owned(), t.folder_spam.to_owned()),
    ];
    vec![
        (
            "notify",
            t.a_notify,
            vec![Param::Choice("user", t.p_user, options(&names.users))],
        ),
        (
            "notify_team",
            t.a_notify_team,
            vec![Param::Text("label", t.p_team)],
        ),
        (
            "assign",
            t.a_assign,
            vec![Param::Choice("user", t.p_user, options(&names.users))],
        ),
        ("label", t.a_label, vec![Param::Text("label", t.p_label)]),
        (
            "set_priority",
            t.a_set_priority,
            vec![Param::Number("priority", t.p_priority)],
        ),
        (
            "send_saved_reply",
            t.a_send_saved_reply,
            vec![Param::Choice("id", t.p_reply, options(&names.replies))],
        ),
        (
            "send_template",
            t.a_send_template,
            vec![
                Param::Text("name", t.p_template),
                Param::Text("language", t.p_template_language),
                Param::List("parameters", t.p_template_parameters),
            ],
        ),
        (
            "move",
            t.a_move,
            vec![Param::Choice("folder", t.p_folder, folders)],
        ),
        (
            "call_webhook",
            t.a_call_webhook,
            vec![Param::Text("url", t.p_url)],
        ),
    ]
}

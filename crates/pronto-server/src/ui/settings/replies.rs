//! Saved replies: texts agents insert with `/shortcut`, with variables filled in
//! for the conversation. Each shows a preview for an example customer.

use maud::{Markup, html};
use pronto_store::{Channel, SavedReply, Upload};

use super::languages::translations;
use super::{Viewer, checked_field, fill, form_error, section as frame};
use crate::error::ApiResult;
use crate::state::AppState;
use pronto_core::template::saved_reply::{VARIABLES, render};

/// The customer the previews are written for.
pub const EXAMPLE_CUSTOMER: &str = "Marie Curie";

/// The section.
pub async fn section(state: &AppState, v: &Viewer) -> ApiResult<Markup> {
    let s = &v.t().settings;
    // A file is checked against one channel's platform: the channels that take files.
    let channels: Vec<Channel> = state
        .store
        .channels(v.workspace())
        .await?
        .into_iter()
        .filter(|c| crate::routes::uploads::takes_files(c.kind))
        .collect();
    Ok(frame(
        "replies",
        s.replies_title,
        s.replies_intro,
        list(state, v).await?,
        form(v, &channels),
    ))
}

/// The saved replies.
pub async fn list(state: &AppState, v: &Viewer) -> ApiResult<Markup> {
    let s = &v.t().settings;
    // The settings page manages the team's shared replies.
    let replies = state.store.saved_replies(v.workspace(), None).await?;
    let mut files = Vec::with_capacity(replies.len());
    for r in &replies {
        files.push(match r.upload_id {
            Some(id) => state.store.upload(v.workspace(), id).await?,
            None => None,
        });
    }
    Ok(html! {
        @if replies.is_empty() {
            p.empty { (s.replies_empty) }
        } @else {
            ul.cards {
                @for (r, file) in replies.iter().zip(&files) {
                    li.card { (reply(v, r, file.as_ref())) }
                }
            }
        }
    })
}

fn reply(v: &Viewer, r: &SavedReply, file: Option<&Upload>) -> Markup {
    let s = &v.t().settings;
    html! {
        h3 { (r.name) }
        p.meta { code { "/" (r.shortcut) } }
        p.reply-text { (r.text) }
        @if let Some(f) = file {
            p.reply-file {
                span.muted { (s.reply_file) ": " }
                a href={ "/api/v1/uploads/" (f.id) } target="_blank" rel="noopener noreferrer" { (f.name) }
            }
        }
        @for (language, text) in &r.translations {
            p.reply-text lang=(language) { span.muted { (language) ": " } (text) }
        }
        p.preview {
            span.muted { (s.preview) ": " }
            (render(&r.text, pronto_core::template::first_name(None, EXAMPLE_CUSTOMER), EXAMPLE_CUSTOMER, &v.user.name))
        }
        div.actions {
            button.secondary type="button" data-edit=(r.id) data-name=(r.name)
                data-shortcut=(r.shortcut) data-text=(r.text)
                data-translations=(serde_json::to_string(&r.translations).unwrap_or_default())
                data-upload=[file.map(|f| f.id)] data-upload-name=[file.map(|f| f.name.as_str())]
                aria-label=(fill(s.edit_named, &[("name", &r.name)])) {
                (s.edit)
            }
            button.secondary type="button" data-action="call" data-method="DELETE"
                data-path={ "/saved-replies/" (r.id) } data-section="replies"
                data-confirm=(fill(s.confirm_delete_reply, &[("name", &r.name)]))
                aria-label=(fill(s.delete_named, &[("name", &r.name)])) {
                (v.t().common.delete)
            }
        }
    }
}

fn variable_meaning(v: &Viewer, name: &str) -> &'static str {
    let s = &v.t().settings;
    match name {
        "first_name" => s.var_first_name,
        "name" => s.var_name,
        _ => s.var_agent_name,
    }
}

fn form(v: &Viewer, channels: &[Channel]) -> Markup {
    let s = &v.t().settings;
    let c = &v.t().common;
    html! {
        form.settings-form id="reply-form" data-form="reply" aria-labelledby="reply-form-title"
            data-customer=(EXAMPLE_CUSTOMER) {
            h3 id="reply-form-title" { (s.reply_add) }
            input type="hidden" name="id" value="";
            (checked_field("reply-name", s.reply_name, None, html! {
                input id="reply-name" name="name" type="text" required autocomplete="off"
                    data-field="name";
            }))
            (checked_field("reply-shortcut", s.shortcut, Some(s.shortcut_hint), html! {
                input id="reply-shortcut" name="shortcut" type="text" required autocomplete="off"
                    spellcheck="false" maxlength="32" pattern="[A-Za-z0-9_\\-]{1,32}"
                    aria-describedby="reply-shortcut-hint" data-field="shortcut";
            }))
            (checked_field("reply-text", s.reply_text, None, html! {
                textarea id="reply-text" name="text" rows="4" required
                    aria-describedby="reply-variables" data-field="text" {}
            }))
            (translations(v, "reply", "", "reply-variables", &Default::default()))
            @if !channels.is_empty() {
                fieldset.reply-file id="reply-file-set" {
                    legend { (s.reply_file) }
                    input type="hidden" name="upload_id" value="";
                    p.hint id="reply-file-current" hidden {}
                    div.remove-file id="reply-file-remove" hidden {
                        input type="checkbox" id="reply-file-remove-box" name="remove_file";
                        " " label for="reply-file-remove-box" { (s.reply_file_remove) }
                    }
                    (checked_field("reply-file", s.reply_file_choose, Some(s.reply_file_hint), html! {
                        input id="reply-file" name="file" type="file" data-field="file"
                            aria-describedby="reply-file-hint";
                    }))
                    (super::field("reply-file-channel", s.reply_file_channel, None, html! {
                        select id="reply-file-channel" name="file_channel" {
                            @for c in channels {
                                option value=(c.id) { (c.name) " (" (c.kind.as_str()) ")" }
                            }
                        }
                    }))
                }
            }
            div.variables id="reply-variables" {
                p.hint { (s.variables_help) }
                ul {
                    @for name in VARIABLES {
                        li { code { "{" (name) "}" } " " (variable_meaning(v, name)) }
                    }
                }
            }
            div.preview-box {
                p.muted id="reply-preview-label" {
                    (fill(s.preview_for, &[("customer", EXAMPLE_CUSTOMER)]))
                }
                output id="reply-preview" for="reply-text" aria-labelledby="reply-preview-label" {}
            }
            (form_error())
            div.actions {
                button type="submit" { (c.save) }
                button.secondary type="button" id="reply-cancel" hidden { (c.cancel) }
            }
        }
    }
}

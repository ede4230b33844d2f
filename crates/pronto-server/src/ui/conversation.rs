//! One conversation: its header and actions, the messages, the contact card
//! (`super::contact`) with the messaging window, the notes and the composer. `GET /ui/conversations/{id}`
//! renders the same pane for the script, which swaps in every part but the
//! composer (so a draft survives live updates).

use axum::extract::State;
use maud::{Markup, html};
use pronto_core::policy::{self, MessagingType, Refusal};
use pronto_core::{Presence, Timestamp};
use pronto_store::{
    Channel, Contact, Conversation, Member, Message, MessageAuthor, Note, StatusSource,
};
use serde_json::{Value, json};

use super::Viewer;
use super::format::{duration, json_script, time};
use super::i18n::{Texts, fill};
use super::inbox::{author_label, display_name};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use crate::reply;
use crate::state::AppState;

/// `GET /ui/conversations/{id}`.
pub async fn fragment(
    State(state): State<AppState>,
    v: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Markup> {
    let ws = v.workspace();
    let channels = state.store.channels(ws).await?;
    let members = state.store.members(ws).await?;
    pane(&state, &v, id, &channels, &members).await
}

/// The query of `GET /ui/conversations/{id}/older`.
#[derive(serde::Deserialize)]
pub struct OlderParams {
    /// The oldest message shown: the page ends just before it.
    before: i64,
}

/// `GET /ui/conversations/{id}/older?before=M`: the page of messages before `M`
/// (the script puts them above the thread), with a button for the next when
/// there are older ones still.
pub async fn older(
    State(state): State<AppState>,
    v: Viewer,
    ApiPath(id): ApiPath<i64>,
    crate::extract::ApiQuery(p): crate::extract::ApiQuery<OlderParams>,
) -> ApiResult<Markup> {
    let ws = v.workspace();
    let conversation = state.store.conversation(ws, id).await?;
    let channels = state.store.channels(ws).await?;
    let channel = channels
        .iter()
        .find(|c| c.id == conversation.channel_id)
        .ok_or_else(|| ApiError::not_found("channel"))?;
    let members = state.store.members(ws).await?;
    let (messages, more) = state
        .store
        .messages_page(
            ws,
            id,
            Some(p.before),
            crate::routes::conversations::PAGE_MESSAGES,
        )
        .await?;
    let full_texts = full_texts(&state, channel, &channels, &messages).await?;
    let t = v.t();
    let name_of = name_lookup(&members);
    let contact = display_name(t, &conversation.contact_name, conversation.contact_id);
    Ok(html! {
        @if more { (older_button(t, &messages)) }
        ol.messages {
            @for m in &messages {
                @let full = m.external_id.as_ref().and_then(|id| full_texts.get(id));
                (message(t, m, &contact, &name_of, full))
            }
        }
    })
}

/// The button that loads the messages before the oldest of `shown`.
fn older_button(t: &Texts, shown: &[Message]) -> Markup {
    html! {
        @if let Some(first) = shown.first() {
            button.older type="button" data-before=(first.id) { (t.inbox.show_older) }
        }
    }
}

/// A member's name by user id.
fn name_lookup(members: &[Member]) -> impl Fn(i64) -> Option<String> + '_ {
    move |id: i64| {
        members
            .iter()
            .find(|m| m.user.id == id)
            .map(|m| m.user.name.clone())
    }
}

/// The whole texts of mails among `messages` (quoted history included), by
/// Message-ID: an email channel's, and on a web chat the visitor's answers that
/// came by mail (kept by the workspace's email channel); empty elsewhere.
async fn full_texts(
    state: &AppState,
    channel: &Channel,
    channels: &[Channel],
    messages: &[Message],
) -> ApiResult<std::collections::HashMap<String, String>> {
    let mailbox = match channel.kind {
        pronto_store::ChannelKind::Email => Some(channel.id),
        pronto_store::ChannelKind::WebChat => {
            crate::email::continuation::email_channel(channels).map(|c| c.id)
        }
        _ => None,
    };
    let Some(mailbox) = mailbox else {
        return Ok(Default::default());
    };
    let ids: Vec<String> = messages
        .iter()
        .filter(|m| m.author == MessageAuthor::Customer)
        .filter_map(|m| m.external_id.clone())
        .collect();
    Ok(state.store.email_full_texts(mailbox, &ids).await?)
}

/// Whether an agent's reply may go now, and if not, why (in the viewer's words).
struct ReplyState {
    allowed: bool,
    reason: Option<String>,
    tagged: bool,
}

/// Everything the pane shows.
struct PaneData<'a> {
    /// Email mails' whole texts (quoted history included), by Message-ID.
    full_texts: std::collections::HashMap<String, String>,
    conversation: Conversation,
    channel: &'a Channel,
    contact: Contact,
    identities: Vec<(i64, String)>,
    messages: Vec<Message>,
    older_messages: bool,
    notes: Vec<Note>,
    older_notes: bool,
    window: Option<policy::WindowState>,
    reply: ReplyState,
    away: Option<(Presence, i64, StatusSource)>,
    /// A WhatsApp channel's templates, when only a template may go, each with
    /// whether WhatsApp would bill it now.
    templates: Option<Vec<(pronto_store::WhatsAppTemplate, bool)>>,
    /// The workspace's contact attributes.
    definitions: Vec<pronto_store::AttributeDefinition>,
    /// Where "Continue by email" writes: a chat conversation's contact's known
    /// address, when the workspace has an email channel.
    email_to: Option<String>,
}

/// The pane of conversation `id`.
pub async fn pane(
    state: &AppState,
    v: &Viewer,
    id: i64,
    channels: &[Channel],
    members: &[Member],
) -> ApiResult<Markup> {
    let ws = v.workspace();
    let conversation = state.store.conversation(ws, id).await?;
    let channel = channels
        .iter()
        .find(|c| c.id == conversation.channel_id)
        .ok_or_else(|| ApiError::not_found("channel"))?;
    let contact = state.store.contact(ws, conversation.contact_id).await?;
    let identities = state.store.contact_identities(ws, contact.id).await?;
    let definitions = state.store.attribute_definitions(ws).await?;
    // The latest page of each, as the API gives it: a conversation with
    // thousands of long notes stays a page of a reasonable size.
    let (messages, older_messages) = state
        .store
        .messages_page(ws, id, None, crate::routes::conversations::PAGE_MESSAGES)
        .await?;
    let (notes, older_notes) = state
        .store
        .notes_page(ws, id, None, crate::routes::conversations::PAGE_NOTES)
        .await?;
    let (reply, window, facts) = reply_state(state, v.t(), id, channel).await?;
    let away = state
        .store
        .latest_status(channel.id)
        .await?
        .map(|s| (s.status, s.at, s.source));
    // Outside WhatsApp's window the composer offers the templates.
    let templates = if channel.kind == pronto_store::ChannelKind::WhatsApp && !reply.allowed {
        let list = state.store.templates(ws, channel.id).await?;
        let billed = |t: &pronto_store::WhatsAppTemplate| {
            facts
                .as_ref()
                .is_none_or(|f| policy::charged(f, Some(&t.category)))
        };
        Some(
            list.into_iter()
                .map(|t| {
                    let b = billed(&t);
                    (t, b)
                })
                .collect(),
        )
    } else {
        None
    };
    let full_texts = full_texts(state, channel, channels, &messages).await?;
    let email_to = (crate::email::continuation::may_move(channel.kind)
        && crate::email::continuation::email_channel(channels).is_some())
    .then(|| crate::email::continuation::known_address(&contact))
    .flatten();
    let data = PaneData {
        email_to,
        full_texts,
        templates,
        definitions,
        conversation,
        channel,
        contact,
        identities,
        messages,
        older_messages,
        notes,
        older_notes,
        window,
        reply,
        away,
    };
    Ok(render(v, &data, channels, members, state.now()))
}

async fn reply_state(
    state: &AppState,
    t: &Texts,
    id: i64,
    channel: &Channel,
) -> ApiResult<(
    ReplyState,
    Option<policy::WindowState>,
    Option<policy::ReplyFacts>,
)> {
    let composer = crate::reply::composer(state, channel, id).await?;
    let reply = match composer.verdict {
        Ok(kind) => ReplyState {
            allowed: true,
            reason: None,
            tagged: matches!(kind, MessagingType::MessageTag(_)),
        },
        Err(refusal) => ReplyState {
            allowed: false,
            reason: Some(refusal_text(t, refusal)),
            tagged: false,
        },
    };
    Ok((reply, composer.window, composer.facts))
}

/// A refusal in the viewer's words.
fn refusal_text(t: &Texts, r: reply::Refusal) -> String {
    let i = &t.inbox;
    let r = match r {
        reply::Refusal::CommenterOnly => return i.refused_commenter_only.to_owned(),
        reply::Refusal::Policy(r) => r,
        other => return fill(i.refused_other, &[("reason", &other.to_string())]),
    };
    match r {
        Refusal::NoCustomerMessage => i.refused_no_customer_message.to_owned(),
        Refusal::AutomatedOutsideWindow { .. } => i.refused_window_closed.to_owned(),
        Refusal::HumanAgentNotEnabled { .. } => i.refused_no_human_agent.to_owned(),
        Refusal::HumanAgentExpired { .. } => i.refused_human_agent_expired.to_owned(),
        Refusal::TemplateRequired { .. } => i.refused_template_required.to_owned(),
        Refusal::TextTooLong { .. } => i.refused_text_too_long.to_owned(),
        other => fill(i.refused_other, &[("reason", &other.to_string())]),
    }
}

fn render(
    v: &Viewer,
    d: &PaneData<'_>,
    channels: &[Channel],
    members: &[Member],
    now: i64,
) -> Markup {
    let t = v.t();
    let i = &t.inbox;
    let c = &d.conversation;
    let name_of = name_lookup(members);
    html! {
        article.conversation data-id=(c.id) data-channel=(c.channel_id) data-folder=(c.folder.as_str()) {
            div id="conv-head" {
                header.conv-head {
                    a.back href="/inbox" { "← " (i.back) }
                    h2 id="conv-title" { (display_name(t, &c.contact_name, c.contact_id)) }
                    span.channel { (d.channel.name) }
                    p.presence id="presence" aria-live="polite" {}
                }
                (actions(v, d, members, now))
                div id="reply-state" hidden
                    data-allowed=(d.reply.allowed)
                    data-reason=(d.reply.reason.clone().unwrap_or_default())
                    data-tagged=(d.reply.tagged) {}
            }
            div.conv-body {
                div.thread id="thread" tabindex="0" aria-label=(i.history) {
                    @if d.older_messages { (older_button(t, &d.messages)) }
                    ol.messages {
                        @for m in &d.messages {
                            @let full = m.external_id.as_ref().and_then(|id| d.full_texts.get(id));
                            (message(t, m, &display_name(t, &c.contact_name, c.contact_id), &name_of, full))
                        }
                    }
                }
                aside.side id="side" {
                    (super::contact::card(t, &d.contact, &d.identities, channels, &d.definitions))
                    (window_card(t, d.window.as_ref(), now, d.channel.kind == pronto_store::ChannelKind::WhatsApp))
                    @if let Some(templates) = &d.templates {
                        (super::templates::picker(v, templates, d.contact.locale.as_deref().or(d.contact.language.as_deref())))
                    }
                    (notes(t, &d.notes, d.older_notes, &name_of))
                }
            }
            (composer(v, d))
        }
    }
}

fn actions(v: &Viewer, d: &PaneData<'_>, members: &[Member], now: i64) -> Markup {
    let t = v.t();
    let i = &t.inbox;
    let c = &d.conversation;
    let folder_name = match c.folder.as_str() {
        "done" => i.folder_done,
        "spam" => i.folder_spam,
        _ => i.folder_inbox,
    };
    html! {
        div.actions role="group" aria-label=(i.actions) {
            span.folder { (fill(i.in_folder, &[("folder", folder_name)])) }
            label.assign {
                span { (i.assign_to) }
                select data-action="assign" {
                    option value="" selected[c.assignee_id.is_none()] { (i.assign_nobody) }
                    @for m in members.iter().filter(|m| m.user.deactivated_at.is_none()) {
                        option value=(m.user.id) selected[c.assignee_id == Some(m.user.id)] { (m.user.name) }
                    }
                }
            }
            @if c.assignee_id != Some(v.user.id) {
                button type="button" data-action="assign-me" { (i.assign_me) }
            }
            @if c.folder.as_str() != "done" {
                button type="button" data-action="move" data-folder="done" aria-keyshortcuts="e" { (i.move_done) }
            }
            @if c.folder.as_str() != "spam" {
                button type="button" data-action="move" data-folder="spam" { (i.move_spam) }
            }
            @if c.folder.as_str() != "inbox" {
                button type="button" data-action="move" data-folder="inbox" { (i.move_inbox) }
            }
            @let snoozed = c.snooze.is_some_and(|s| s.until_reply || s.until.is_some_and(|u| u > now));
            @if snoozed {
                button type="button" data-action="unsnooze" { (i.unsnooze) }
            } @else if c.folder.as_str() == "inbox" {
                form.snooze data-action="snooze" {
                    label.visually-hidden for="snooze-choice" { (i.snooze) }
                    select id="snooze-choice" name="choice" {
                        @for (value, text) in [("1h", i.snooze_1h), ("3h", i.snooze_3h), ("tomorrow", i.snooze_tomorrow), ("reply", i.snooze_reply)] {
                            option value=(value) { (text) }
                        }
                    }
                    button type="submit" { (i.snooze_button) }
                }
            }
            div.labels {
                span.visually-hidden { (i.labels) }
                @for label in &c.labels {
                    span.label {
                        (label)
                        button type="button" data-action="unlabel" data-label=(label)
                            aria-label=(fill(i.remove_label, &[("label", label)])) { "×" }
                    }
                }
                form.add-label data-action="label" {
                    label.visually-hidden for="new-label" { (i.add_label) }
                    input id="new-label" name="label" maxlength="50" placeholder=(i.add_label);
                }
            }
            (status(t, d, now))
        }
    }
}

fn status(t: &Texts, d: &PaneData<'_>, now: i64) -> Markup {
    let i = &t.inbox;
    let away = matches!(d.away, Some((Presence::Away, _, _)));
    html! {
        div.status data-channel=(d.channel.id) {
            span.visually-hidden { (i.channel_status) ": " }
            @if away {
                span.away { (i.away) }
                @if let Some((_, at, StatusSource::Manual)) = d.away {
                    @let ends = at + pronto_core::analysis::AWAY_LIMIT;
                    @if ends > now {
                        " " span.until { (fill(i.away_ends, &[("date", &super::format::instant(ends))])) }
                    }
                }
                button type="button" data-action="status" data-status="available" { (i.set_available) }
            } @else {
                span.available { (i.available) }
                button type="button" data-action="status" data-status="away" { (i.set_away) }
            }
        }
    }
}

fn message(
    t: &Texts,
    m: &Message,
    contact: &str,
    name_of: &dyn Fn(i64) -> Option<String>,
    full: Option<&String>,
) -> Markup {
    let i = &t.inbox;
    let who = match m.author {
        MessageAuthor::Customer => contact.to_owned(),
        MessageAuthor::Agent => m
            .agent_id
            .and_then(name_of)
            .unwrap_or_else(|| i.author_agent.to_owned()),
        _ => author_label(t, m).to_owned(),
    };
    let status = match m.status.as_str() {
        "queued" => Some(i.status_queued),
        "sent" => Some(i.status_sent),
        "delivered" => Some(i.status_delivered),
        "read" => Some(i.status_read),
        "failed" => Some(i.status_failed),
        _ => None,
    };
    html! {
        li class={"msg " (m.author.as_str())} id={ "m" (m.id) } data-id=(m.id) {
            div.msg-head {
                span.author { (who) }
                @if m.author != MessageAuthor::Customer && m.author != MessageAuthor::Agent {
                    " " span.kind { (author_label(t, m)) }
                }
                " " (time(m.at))
            }
            @if m.deleted_at.is_some() {
                p.text.deleted { (i.deleted) }
            } @else {
                @if !m.text.is_empty() {
                    p.text { (m.text) }
                }
                (attachments(t, &m.attachments))
                // An email's whole text, when the shown one was trimmed or the mail
                // shows images in its HTML.
                @let as_sent = m.author == MessageAuthor::Customer && has_inline_images(&m.attachments);
                @if let Some(full) = full.filter(|f| as_sent || f.trim() != m.text.trim()) {
                    details.full-email {
                        summary { (t.email.full_email) }
                        pre { (full) }
                        // A mail with inline images: its HTML as sent, in a frame that
                        // runs no script and loads only its own images (`email::html`).
                        @if as_sent {
                            iframe.email-html sandbox="allow-same-origin" loading="lazy"
                                title=(t.email.as_sent)
                                src={ "/api/v1/messages/" (m.id) "/email/html" } {}
                        }
                        @if m.author == MessageAuthor::Customer {
                            a href={ "/api/v1/messages/" (m.id) "/email/raw" } download { (t.email.download_email) }
                        }
                    }
                }
            }
            div.msg-foot {
                @if m.edited_at.is_some() { span.edited { (i.edited) } }
                @if let Some(r) = &m.reaction {
                    span.reaction { (fill(i.reaction, &[("reaction", r)])) }
                }
                @if m.author != MessageAuthor::Customer {
                    @if let Some(s) = status {
                        span class={"state " (m.status)} { (s) }
                    }
                }
                @if m.status == "failed" {
                    span.failed role="note" {
                        (fill(i.failed_reason, &[("reason", m.error.as_deref().unwrap_or("?"))]))
                    }
                    button type="button" data-action="retry" data-message=(m.id) { (i.retry) }
                }
            }
        }
    }
}

/// Links only to the web: a `javascript:` or `data:` address never becomes a link.
fn web_url(v: &Value) -> Option<&str> {
    v.as_str()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
}

/// Whether a mail's files include an image its HTML shows (`cid:`).
fn has_inline_images(list: &Value) -> bool {
    list.as_array().is_some_and(|l| {
        l.iter()
            .any(|a| a["content_id"].is_string() && a["type"] == "image")
    })
}

fn attachments(t: &Texts, list: &Value) -> Markup {
    let i = &t.inbox;
    let items = list.as_array().map(Vec::as_slice).unwrap_or_default();
    html! {
        @for a in items {
            @match a["type"].as_str() {
                Some("referral") => {
                    p.came-from { (fill(i.came_from, &[("source", &referral_text(a))])) }
                }
                Some("quick_replies") => {
                    ul.quick-replies {
                        @for o in a["options"].as_array().map(Vec::as_slice).unwrap_or_default() {
                            li { (o["title"].as_str().unwrap_or("")) }
                        }
                    }
                }
                _ => {
                    // A file kept by Pronto (WhatsApp media, Messenger and Instagram
                    // attachments once copied, email files) is served to the workspace's
                    // agents at its own path; the platform's link (which expires) only
                    // until then.
                    @let url = a["file"].as_str().filter(|f| f.starts_with("/api/v1/media/") || f.starts_with("/api/v1/uploads/"))
                        .or_else(|| web_url(&a["url"])).or_else(|| web_url(&a["payload"]["url"]));
                    p.attachment {
                        @match url {
                            Some(u) => a href=(u) rel="noopener noreferrer" target="_blank" { (i.open_attachment) " (" (a["name"].as_str().or(a["type"].as_str()).unwrap_or("file")) ")" },
                            None => span { (i.attachment) " (" (a["type"].as_str().unwrap_or("file")) ")" },
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn referral_text(r: &Value) -> String {
    let parts: Vec<&str> = ["source", "ref", "ad_id"]
        .iter()
        .filter_map(|k| r[*k].as_str())
        .filter(|s| !s.is_empty())
        .collect();
    parts.join(" · ")
}

/// The window card; on WhatsApp a closed window leaves templates, not a tag.
fn window_card(t: &Texts, w: Option<&policy::WindowState>, now: i64, whatsapp: bool) -> Markup {
    let i = &t.inbox;
    html! {
        section.card.window aria-labelledby="window-title" {
            h3 id="window-title" { (i.window) }
            @match w {
                None => p { (i.window_always) },
                Some(w) => {
                    @match w.open_until.map(Timestamp::micros) {
                        None => p { (i.window_none) },
                        Some(until) if until > now => {
                            p.open data-until=(until) { (fill(i.window_open, &[("time", &duration(t, until - now))])) }
                        }
                        Some(until) => {
                            p.closed { (fill(i.window_closed, &[("date", &super::format::instant(until))])) }
                            @match w.human_agent_until.map(Timestamp::micros) {
                                _ if whatsapp => p { (i.refused_template_required) },
                                Some(h) if h > now => p.human { (fill(i.human_agent_until, &[("date", &super::format::instant(h))])) },
                                Some(_) => p { (i.human_agent_over) },
                                None => p { (i.human_agent_off) },
                            }
                        }
                    }
                    @match w.free_entry_point {
                        Some(policy::FreeEntryPoint::Offered { reply_by }) => {
                            p.free id="free-entry" { (fill(i.free_entry_offered, &[("date", &super::format::instant(reply_by.micros()))])) }
                        }
                        Some(policy::FreeEntryPoint::Open { until }) => {
                            p.free id="free-entry" { (fill(i.free_entry_open, &[("date", &super::format::instant(until.micros()))])) }
                        }
                        Some(policy::FreeEntryPoint::Over { ended }) => {
                            p id="free-entry" { (fill(i.free_entry_over, &[("date", &super::format::instant(ended.micros()))])) }
                        }
                        None => {}
                    }
                }
            }
        }
    }
}

fn notes(
    t: &Texts,
    notes: &[Note],
    older: bool,
    name_of: &dyn Fn(i64) -> Option<String>,
) -> Markup {
    let i = &t.inbox;
    html! {
        section.card.notes aria-labelledby="notes-title" {
            h3 id="notes-title" { (i.notes) }
            p.hint { (i.notes_help) }
            @if notes.is_empty() {
                p.empty { (i.no_notes) }
            }
            @if older {
                p.hint.older { (fill(i.older_notes, &[("n", &crate::routes::conversations::PAGE_NOTES.to_string())])) }
            }
            ol {
                @for n in notes {
                    li {
                        span.author { (name_of(n.author_id).unwrap_or_default()) }
                        " " (time(n.created_at))
                        p.text { (n.text) }
                    }
                }
            }
            form id="note-form" {
                label for="note-text" { (i.add_note) }
                textarea id="note-text" rows="2" placeholder=(i.note_placeholder) {}
                button type="submit" { (i.add_note) }
            }
        }
    }
}

fn composer(v: &Viewer, d: &PaneData<'_>) -> Markup {
    let t = v.t();
    let i = &t.inbox;
    let meta = d.channel.kind.is_meta();
    html! {
        form.composer id="composer" data-conversation=(d.conversation.id) {
            @if d.channel.kind == pronto_store::ChannelKind::Email {
                div.field.subject {
                    label for="reply-subject" { (t.email.subject) }
                    input id="reply-subject" type="text" maxlength=(crate::email::MAX_SUBJECT)
                        autocomplete="off" placeholder=(t.email.subject_hint);
                }
            }
            // Filled by the script with the conversation's reply suggestions.
            section.suggestions id="suggestions" aria-label=(t.search.suggestions) hidden {}
            label.visually-hidden for="reply-text" { (i.composer_label) }
            div.suggest id="saved-suggest" role="listbox" aria-label=(i.saved_replies) hidden {}
            textarea id="reply-text" rows="3" placeholder=(i.composer_placeholder)
                aria-describedby="reply-why long-hint" aria-keyshortcuts="r" {}
            p.hint id="long-hint" hidden { (i.long_hint) }
            p.why id="reply-why" role="status" {}
            @if meta {
                fieldset.quick {
                    legend { (i.quick_replies) }
                    ul id="quick-list" {}
                    label.visually-hidden for="quick-title" { (i.quick_reply_title) }
                    input id="quick-title" maxlength="20" placeholder=(i.quick_reply_title);
                    button type="button" id="quick-add" { (i.quick_reply_add) }
                }
            }
            // Files go where the upload route takes them.
            @if crate::routes::uploads::takes_files(d.channel.kind) {
                div.attach id="attach" {
                    input type="file" id="attach-file" class="visually-hidden";
                    label.button for="attach-file" { (i.attach_file) }
                    ul id="attached" {}
                }
            }
            div.send-row {
                label.signature {
                    input type="checkbox" id="signature";
                    " " (i.signature)
                }
                p.tagged id="tagged" hidden { (i.human_agent_tag) }
                button type="submit" id="send" { (i.send) }
            }
            @if let Some(address) = &d.email_to {
                details.move-email {
                    summary { (t.email.move_legend) }
                    p.hint { (fill(t.email.move_hint, &[("address", address)])) }
                    label for="move-subject" { (t.email.move_subject) }
                    input id="move-subject" type="text" maxlength=(crate::email::MAX_SUBJECT)
                        autocomplete="off";
                    button type="button" id="move-email"
                        data-done=(fill(t.email.move_done, &[("address", address)])) {
                        (t.email.move_send)
                    }
                }
            }

            (json_script("conversation-data", &json!({
                "id": d.conversation.id,
                "channel": d.channel.id,
                "meta": meta,
            })))
        }
    }
}

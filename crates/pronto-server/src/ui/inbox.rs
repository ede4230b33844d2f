//! `GET /inbox`: the conversation list for a folder and channel, and the open
//! conversation beside it. `GET /ui/list` is the list alone, which the script
//! fetches again when events say something changed.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use pronto_core::Folder;
use pronto_store::{Channel, Conversation, ConversationQuery, ListCursor, Member, Message};
use serde::Deserialize;
use serde_json::json;

use super::Viewer;
use super::conversation;
use super::format::{duration, json_script};
use super::i18n::{Texts, fill};
use super::layout::{Nav, page as layout};
use crate::clocks::Clock;
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::state::AppState;

/// How many rows a page of the list shows.
pub const PAGE: i64 = 50;

/// The list's filters, from the query string.
#[derive(Deserialize, Default, Clone)]
pub struct ListParams {
    /// inbox, mine, unassigned, done or spam.
    folder: Option<String>,
    /// A channel id; all channels when absent.
    channel: Option<String>,
    /// The open conversation.
    c: Option<i64>,
    /// The next page starts after this conversation.
    after: Option<i64>,
    /// Search for these words (the results replace the list).
    q: Option<String>,
    /// Search results to skip (the previous pages').
    offset: Option<i64>,
    /// The search's filters.
    #[serde(flatten)]
    filters: super::search::Filters,
}

/// The folders of the list, in menu order.
const FOLDERS: [&str; 6] = ["inbox", "mine", "unassigned", "snoozed", "done", "spam"];

impl ListParams {
    fn folder(&self) -> &'static str {
        let f = self.folder.as_deref().unwrap_or("inbox");
        FOLDERS.into_iter().find(|x| *x == f).unwrap_or("inbox")
    }

    fn channel(&self) -> Option<i64> {
        self.channel.as_deref().and_then(|c| c.parse().ok())
    }

    /// The query string of these filters with `c` as the open conversation.
    fn href(&self, c: Option<i64>) -> String {
        let mut q = format!("/inbox?folder={}", self.folder());
        if let Some(ch) = self.channel() {
            q.push_str(&format!("&channel={ch}"));
        }
        if let Some(c) = c {
            q.push_str(&format!("&c={c}"));
        }
        q
    }
}

fn folder_label(t: &Texts, f: &str) -> &'static str {
    let i = &t.inbox;
    match f {
        "mine" => i.folder_mine,
        "unassigned" => i.folder_unassigned,
        "done" => i.folder_done,
        "spam" => i.folder_spam,
        "snoozed" => i.folder_snoozed,
        _ => i.folder_inbox,
    }
}

/// Everything a list renders, read once.
pub struct ListData {
    conversations: Vec<Conversation>,
    last: HashMap<i64, Message>,
    clocks: HashMap<i64, Clock>,
    /// Some clocks are being computed: the page asks again shortly.
    clocks_pending: bool,
    more: Option<i64>,
}

/// Reads one page of the list with its previews and clocks.
pub async fn list_data(state: &AppState, v: &Viewer, p: &ListParams) -> ApiResult<ListData> {
    let ws = v.workspace();
    let folder = p.folder();
    let mut q = ConversationQuery {
        folder: Some(match folder {
            "done" => Folder::Done,
            "spam" => Folder::Spam,
            _ => Folder::Inbox,
        }),
        channel: p.channel(),
        limit: PAGE + 1,
        ..Default::default()
    };
    // The inbox's views leave out what is snoozed; "snoozed" lists only that.
    let now = state.now();
    q.snoozed = Some((folder == "snoozed", now));
    match folder {
        "mine" => q.assignee = Some(v.user.id),
        "unassigned" => q.unassigned = true,
        "done" | "spam" => q.snoozed = None,
        _ => {}
    }
    if let Some(after) = p.after {
        q.after = Some(ListCursor {
            key: state.store.list_key(ws, after).await?,
            id: after,
        });
    }
    let mut conversations = state.store.conversations(ws, &q).await?;
    let more = if conversations.len() as i64 > PAGE {
        conversations.truncate(PAGE as usize);
        conversations.last().map(|c| c.id)
    } else {
        None
    };
    let ids: Vec<i64> = conversations.iter().map(|c| c.id).collect();
    let last = state.store.last_messages(ws, &ids).await?;
    let mut clocks = HashMap::new();
    let mut channels: Vec<i64> = conversations
        .iter()
        .filter(|c| c.waiting_since.is_some())
        .map(|c| c.channel_id)
        .collect();
    channels.sort_unstable();
    channels.dedup();
    let mut clocks_pending = false;
    for channel in channels {
        let reading = state.clocks.channel(state, ws, channel, v.seq).await?;
        clocks_pending |= !reading.current;
        clocks.extend(
            ids.iter()
                .filter_map(|id| reading.clocks.get(id).map(|c| (*id, *c))),
        );
    }
    Ok(ListData {
        conversations,
        last,
        clocks,
        clocks_pending,
        more,
    })
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    v: Viewer,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Response> {
    let ws = v.workspace();
    let channels = state.store.channels(ws).await?;
    let members = state.store.members(ws).await?;
    let data = list_data(&state, &v, &p).await?;
    let open = match p.c {
        Some(id) => Some(conversation::pane(&state, &v, id, &channels, &members).await?),
        None => None,
    };
    let saved: Vec<_> = state
        .store
        .saved_replies(ws, Some(v.user.id))
        .await?
        .into_iter()
        .map(|r| json!({"id": r.id, "shortcut": r.shortcut, "name": r.name, "text": r.text}))
        .collect();
    let q = p.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let found = match q {
        Some(q) => {
            let choices = super::search::Choices {
                channels: &channels,
                members: &members,
            };
            Some(
                super::search::results(&state, &v, q, &p.filters, &choices, p.offset.unwrap_or(0))
                    .await?,
            )
        }
        None => None,
    };
    let t = v.t();
    let folder = p.folder();
    let body = html! {
        div.inbox data-open=[p.c] {
            section.list-pane aria-labelledby="list-title" {
                h1.visually-hidden id="list-title" { (t.inbox.title) }
                (super::search::search_box(&v, q))
                @if let Some(found) = &found { (found) }
                nav.folders aria-label=(t.inbox.folders) {
                    ul {
                        @for f in FOLDERS {
                            @let params = ListParams { folder: Some(f.to_owned()), c: None, after: None, q: None, offset: None, filters: Default::default(), ..p.clone() };
                            li {
                                a href=(params.href(None)) aria-current=[(f == folder).then_some("page")] {
                                    (folder_label(t, f))
                                }
                            }
                        }
                    }
                }
                form.channel-filter method="get" action="/inbox" {
                    input type="hidden" name="folder" value=(folder);
                    label for="channel-filter" { (t.common.channel) }
                    select id="channel-filter" name="channel" {
                        option value="" { (t.common.all_channels) }
                        @for ch in &channels {
                            option value=(ch.id) selected[p.channel() == Some(ch.id)] { (ch.name) }
                        }
                    }
                    noscript { button type="submit" { (t.common.apply) } }
                }
                div id="list" data-query=(list_query(&p)) hidden[found.is_some()] {
                    (list(&v, &p, &data, &channels, &members, state.now()))
                }
            }
            section.conversation-pane id="conversation" aria-label=(t.inbox.history) {
                @match open {
                    Some(pane) => (pane),
                    None => p.empty { (t.inbox.choose) },
                }
            }
        }
        (json_script("saved-replies", &saved))
        (json_script("members", &members.iter().map(|m| json!({"id": m.user.id, "name": &m.user.name})).collect::<Vec<_>>()))
    };
    Ok(layout(&v, t.inbox.title, Nav::Inbox, body).into_response())
}

/// The query string `/ui/list` is fetched with for these filters.
fn list_query(p: &ListParams) -> String {
    let mut q = format!("folder={}", p.folder());
    if let Some(ch) = p.channel() {
        q.push_str(&format!("&channel={ch}"));
    }
    q
}

/// `GET /ui/list`: the list alone.
pub async fn list_fragment(
    State(state): State<AppState>,
    v: Viewer,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Markup> {
    let ws = v.workspace();
    let channels = state.store.channels(ws).await?;
    let members = state.store.members(ws).await?;
    let data = list_data(&state, &v, &p).await?;
    Ok(list(&v, &p, &data, &channels, &members, state.now()))
}

/// The list's rows.
pub fn list(
    v: &Viewer,
    p: &ListParams,
    data: &ListData,
    channels: &[Channel],
    members: &[Member],
    now: i64,
) -> Markup {
    let t = v.t();
    let i = &t.inbox;
    let channel_name = |id: i64| {
        channels
            .iter()
            .find(|c| c.id == id)
            .map_or(String::new(), |c| c.name.clone())
    };
    let member_name = |id: i64| {
        members
            .iter()
            .find(|m| m.user.id == id)
            .map_or(String::new(), |m| m.user.name.clone())
    };
    html! {
        @if data.conversations.is_empty() {
            p.empty { (i.empty_list) }
        }
        ol.rows aria-label=(i.list_label) data-clocks-pending=[data.clocks_pending.then_some("true")] {
            @for c in &data.conversations {
                li.row data-id=(c.id) aria-current=[(p.c == Some(c.id)).then_some("true")] {
                    a href=(p.href(Some(c.id))) data-conversation=(c.id) {
                        span.line1 {
                            span.name { (display_name(t, &c.contact_name, c.contact_id)) }
                            @if let Some(clock) = data.clocks.get(&c.id) {
                                (clock_badge(t, clock, now))
                            }
                        }
                        span.preview {
                            @match data.last.get(&c.id) {
                                Some(m) => {
                                    @match (m.author, m.agent_id) {
                                        (pronto_store::MessageAuthor::Customer, _) => {}
                                        (pronto_store::MessageAuthor::Agent, Some(a)) => span.who { (member_name(a)) ": " },
                                        _ => span.who { (author_label(t, m)) ": " },
                                    }
                                    (preview(&m.text, m.deleted_at.is_some(), t))
                                }
                                None => (i.no_messages),
                            }
                        }
                        span.meta {
                            span.channel { (channel_name(c.channel_id)) }
                            " · "
                            @match c.assignee_id {
                                Some(a) => span.assignee { (member_name(a)) },
                                None => span.assignee.none { (i.unassigned) },
                            }
                            @if let Some(since) = c.waiting_since {
                                " · "
                                span.waiting data-since=(since) {
                                    (fill(i.waiting, &[("time", &duration(t, now - since))]))
                                }
                            }
                            @for label in &c.labels {
                                " " span.label { (label) }
                            }
                            @if c.priority > 0 {
                                " " span.priority { (fill(i.priority, &[("n", &c.priority.to_string())])) }
                            }
                            @match c.snooze {
                                Some(s) if s.until_reply => { " " span.snoozed { (i.snoozed_until_reply) } }
                                Some(s) if s.until.is_some_and(|u| u > now) => {
                                    " " span.snoozed { (fill(i.snoozed_until, &[("date", &super::format::instant(s.until.unwrap_or_default()))])) }
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
        @if let Some(after) = data.more {
            @let next = format!("{}&after={after}", p.href(None));
            a.more href=(next) data-after=(after) { (i.more) }
        }
    }
}

/// The row's clock: time left before the pending message hurts the figures.
pub fn clock_badge(t: &Texts, clock: &Clock, now: i64) -> Markup {
    let i = &t.inbox;
    let (class, text) = match clock.deadline {
        Some(d) if d > now => (
            "clock ok",
            fill(i.clock_left, &[("time", &duration(t, d - now))]),
        ),
        Some(d) => (
            "clock late",
            fill(i.clock_late, &[("time", &duration(t, now - d))]),
        ),
        None => (
            "clock late",
            fill(
                i.clock_expires,
                &[("time", &duration(t, clock.expires - now))],
            ),
        ),
    };
    html! {
        span class=(class) title=(i.clock_help)
            data-deadline=[clock.deadline] data-expires=(clock.expires) {
            (text)
        }
    }
}

/// A contact's name, or "Customer 42" when it has none (Messenger and Instagram
/// send no names), so that rows stay apart.
pub fn display_name(t: &Texts, name: &str, contact_id: i64) -> String {
    if name.trim().is_empty() {
        fill(t.inbox.unnamed, &[("id", &contact_id.to_string())])
    } else {
        name.to_owned()
    }
}

/// Who wrote a message, in words.
pub fn author_label(t: &Texts, m: &Message) -> &'static str {
    use pronto_store::MessageAuthor as A;
    let i = &t.inbox;
    match m.author {
        A::Customer => i.author_customer,
        A::Agent => i.author_agent,
        A::Bot => i.author_bot,
        A::Automation => i.author_automation,
    }
}

fn preview(text: &str, deleted: bool, t: &Texts) -> String {
    if deleted {
        return t.inbox.deleted.to_owned();
    }
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 90 {
        let cut: String = one_line.chars().take(90).collect();
        format!("{cut}…")
    } else if one_line.is_empty() {
        t.inbox.attachment.to_owned()
    } else {
        one_line
    }
}

//! `GET /comments`: comments on the channels' posts, each with its one private
//! reply (or why there can be none). `GET /ui/comments` is the list alone, which
//! the script fetches again when a comment or a reply arrives.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use pronto_core::Timestamp;
use pronto_core::policy::{self, Refusal};
use pronto_store::{Channel, ChannelKind, Comment};
use serde::Deserialize;

use super::Viewer;
use super::format::{instant, time};
use super::i18n::fill;
use super::inbox::display_name;
use super::layout::{Nav, page as layout};
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::state::AppState;

/// How many comments the page shows.
const LIMIT: i64 = 200;

/// The query string.
#[derive(Deserialize, Default, Clone)]
pub struct Params {
    /// A channel id; all channels when absent.
    channel: Option<String>,
    /// `1`: only comments still without a private reply.
    unanswered: Option<String>,
}

impl Params {
    fn channel(&self) -> Option<i64> {
        self.channel.as_deref().and_then(|c| c.parse().ok())
    }

    fn unanswered(&self) -> bool {
        self.unanswered.as_deref().is_some_and(|u| u == "1")
    }
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    v: Viewer,
    ApiQuery(p): ApiQuery<Params>,
) -> ApiResult<Response> {
    let t = v.t();
    let c = &t.comments;
    let channels = state.store.channels(v.workspace()).await?;
    let body = html! {
        div.comments-page {
            h1 { (c.title) }
            p.hint { (c.intro) }
            form.comment-filter method="get" action="/comments" {
                label for="comment-channel" { (t.common.channel) }
                select id="comment-channel" name="channel" {
                    option value="" { (t.common.all_channels) }
                    @for ch in channels.iter().filter(|ch| ch.kind.is_meta()) {
                        option value=(ch.id) selected[p.channel() == Some(ch.id)] { (ch.name) }
                    }
                }
                label for="comment-show" { (c.filter_label) }
                select id="comment-show" name="unanswered" {
                    option value="" { (c.all) }
                    option value="1" selected[p.unanswered()] { (c.unanswered) }
                }
                button type="submit" { (t.common.apply) }
            }
            div id="comments" data-query=(query(&p)) {
                (list(&state, &v, &p, &channels).await?)
            }
        }
    };
    Ok(layout(&v, c.title, Nav::Comments, body).into_response())
}

fn query(p: &Params) -> String {
    let mut q = String::new();
    if let Some(ch) = p.channel() {
        q.push_str(&format!("channel={ch}&"));
    }
    if p.unanswered() {
        q.push_str("unanswered=1");
    }
    q
}

/// `GET /ui/comments`: the list alone.
pub async fn fragment(
    State(state): State<AppState>,
    v: Viewer,
    ApiQuery(p): ApiQuery<Params>,
) -> ApiResult<Markup> {
    let channels = state.store.channels(v.workspace()).await?;
    list(&state, &v, &p, &channels).await
}

async fn list(state: &AppState, v: &Viewer, p: &Params, channels: &[Channel]) -> ApiResult<Markup> {
    let ws = v.workspace();
    let comments = state
        .store
        .comments(ws, p.channel(), p.unanswered(), LIMIT)
        .await?;
    let mut replies = std::collections::HashMap::new();
    for m in comments.iter().filter_map(|c| c.reply_message_id) {
        if let Ok(message) = state.store.message(ws, m).await {
            replies.insert(m, message.conversation_id);
        }
    }
    let now = state.now();
    let t = v.t();
    Ok(html! {
        @if comments.is_empty() {
            p.empty { (t.comments.empty) }
        }
        ol.comment-list {
            @for c in &comments {
                (item(v, c, channels, replies.get(&c.reply_message_id.unwrap_or(-1)).copied(), now))
            }
        }
    })
}

fn item(
    v: &Viewer,
    c: &Comment,
    channels: &[Channel],
    conversation: Option<i64>,
    now: i64,
) -> Markup {
    let t = v.t();
    let s = &t.comments;
    let name = display_name(t, &c.contact_name, c.contact_id);
    let channel = channels.iter().find(|ch| ch.id == c.channel_id);
    let platform = channel
        .map_or(ChannelKind::Messenger, |ch| ch.kind)
        .platform();
    let refusal = policy::decide_private_reply(
        Timestamp::from_micros(c.at),
        c.reply_message_id.is_some(),
        Timestamp::from_micros(now),
        platform,
        "",
    )
    .err();
    let field = format!("comment-reply-{}", c.id);
    html! {
        li.comment data-id=(c.id) {
            div.comment-head {
                span.author { (name) }
                " · " span.channel { (channel.map_or("", |ch| ch.name.as_str())) }
                " · " (time(c.at))
                @if let Some(post) = &c.post_id {
                    " · " span.post { (fill(s.on_post, &[("post", post)])) }
                }
            }
            @if c.deleted_at.is_some() {
                p.text.deleted { (s.removed) }
            } @else {
                p.text { (c.text) }
            }
            @match (c.reply_message_id, refusal) {
                (Some(_), _) => {
                    p.replied {
                        (s.replied)
                        @if let Some(conv) = conversation {
                            " · " a href=(format!("/inbox?c={conv}")) { (s.open_conversation) }
                        }
                    }
                }
                (None, Some(Refusal::PrivateReplyExpired { closed_at })) => {
                    p.why { (fill(s.expired, &[("date", &instant(closed_at.micros()))])) }
                }
                (None, _) if c.deleted_at.is_some() => {}
                (None, _) => {
                    form.private-reply data-comment=(c.id) {
                        label for=(field) { (fill(s.reply_label, &[("name", &name)])) }
                        textarea id=(field) name="text" rows="2" placeholder=(s.reply_placeholder) required {}
                        p.hint {
                            (fill(s.until, &[("date", &instant(c.at + policy::PRIVATE_REPLY_LIMIT))]))
                        }
                        p.error role="alert" {}
                        button type="submit" { (s.send) }
                    }
                }
            }
        }
    }
}

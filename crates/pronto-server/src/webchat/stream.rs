//! `GET /webchat/v1/{channel}/events`: the visitor's live stream, as Server-Sent
//! Events.
//!
//! It carries only the visitor's own conversation's events, in the visitor's terms:
//! `message` (a new or changed message, as [`super::api::visitor_view`] shows it),
//! `status` (a message's state), `typing` (someone on the team is typing) and
//! `read` (someone on the team has the conversation open). Each has the workspace
//! log's number as its SSE id: a stream resumed with `Last-Event-ID` (or `?after=`)
//! reads the log after it, so a broken connection loses nothing. The conversation
//! may not exist when the stream opens (no message yet); the visitor's first
//! message in it names it. The workspace's log is read once per node for all
//! visitor streams (`feed`); a stream reads it itself only to catch up. Notes, other conversations and everything else in the log are
//! never sent.
//!
//! SSE rather than WebSocket: the stream goes one way (the visitor writes with
//! plain POSTs, which pass the same Origin check, limits and inbound path as
//! everything else), it resumes by the standard `Last-Event-ID`, it is the same
//! machinery as the agents' stream over the same log, and it crosses proxies as
//! ordinary HTTP. The widget reads it with `fetch` (not `EventSource`) so that the
//! token travels in the `Authorization` header, never in a URL.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use pronto_store::{LiveEvent, Logged, MessageAuthor, MessageStatus};
use serde_json::json;
use tokio::sync::broadcast;

use super::VisitorAuth;
use super::api::visitor_view;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::routes::events::POLL;
use crate::state::AppState;

/// The most visitors' streams a node holds at once.
pub const MAX_STREAMS: usize = 4096;

/// The query string.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// Start after this event (the `last_event_id` of the messages just read).
    after: Option<i64>,
}

struct Cursor {
    state: AppState,
    workspace: i64,
    channel: i64,
    visitor: String,
    /// When the token ends (microseconds): the stream ends then.
    expires: i64,
    conversation: Option<i64>,
    after: i64,
    /// The workspace's events as this node's one reader reads them (`feed`).
    feed: broadcast::Receiver<Arc<Logged>>,
    /// Reading the log itself until it meets the feed: at the start, and after
    /// falling behind the feed.
    catching_up: bool,
    _slot: tokio::sync::OwnedSemaphorePermit,
    buffer: std::collections::VecDeque<Logged>,
}

impl Cursor {
    /// Learns the visitor's conversation from their first message in it, if it was
    /// not found when the stream opened: a web chat message's id on the channel
    /// begins with its visitor's id (`api::send`), so no database read is needed
    /// (with thousands of streams, one read each per message would be the cost).
    fn learn_conversation(&mut self, event: &LiveEvent) {
        if self.conversation.is_some() {
            return;
        }
        if let LiveEvent::MessageCreated {
            conversation_id,
            message,
        } = event
            && message.channel_id == self.channel
            && message.author == MessageAuthor::Customer
            && message
                .external_id
                .as_deref()
                .and_then(|id| id.rsplit_once('/'))
                .is_some_and(|(visitor, _)| visitor == self.visitor)
        {
            self.conversation = Some(*conversation_id);
        }
    }

    /// The visitor's view of a logged event, if it is about their conversation.
    fn view(&self, logged: &Logged) -> Option<Event> {
        let mine = |id: i64| self.conversation == Some(id);
        let (kind, data) = match &logged.event {
            LiveEvent::MessageCreated {
                conversation_id,
                message,
            }
            | LiveEvent::MessageUpdated {
                conversation_id,
                message,
            } if mine(*conversation_id) => ("message", visitor_view(message)),
            LiveEvent::MessageStatus(MessageStatus::Message {
                conversation_id,
                message_id,
                status,
                ..
            }) if mine(*conversation_id) => (
                "status",
                json!({"message_id": message_id, "status": status}),
            ),
            LiveEvent::MessageStatus(MessageStatus::Watermark {
                channel_id,
                contact,
                status,
                watermark,
            }) if *channel_id == self.channel && *contact == self.visitor => {
                ("status", json!({"up_to": watermark, "status": status}))
            }
            LiveEvent::ConversationTyping {
                conversation_id,
                at,
                ..
            } if mine(*conversation_id) => ("typing", json!({"at": at})),
            LiveEvent::ConversationViewing {
                conversation_id,
                at,
                ..
            } if mine(*conversation_id) => ("read", json!({"at": at})),
            _ => return None,
        };
        Some(
            Event::default()
                .id(logged.seq.to_string())
                .event(kind)
                .data(data.to_string()),
        )
    }
}

/// The stream.
pub async fn events(
    State(state): State<AppState>,
    auth: VisitorAuth,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<Params>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let workspace = auth.channel.workspace_id;
    let after = match headers.get("last-event-id") {
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .ok_or_else(|| ApiError::invalid("Last-Event-ID must be the number of an event"))?,
        None => match q.after {
            Some(after) => after,
            None => state.store.latest_event(workspace).await?,
        },
    };
    let slot = state
        .visitor_streams
        .clone()
        .try_acquire_owned()
        .map_err(|_| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "too_many_streams",
                "too many live streams are open; try again shortly",
            )
        })?;
    let (_, conversation) = state
        .store
        .visitor_conversation(workspace, auth.channel.id, &auth.visitor.visitor)
        .await?;
    let feed = state.feeds.subscribe(&state, workspace, after);
    let cursor = Cursor {
        feed,
        catching_up: true,
        state,
        workspace,
        channel: auth.channel.id,
        expires: auth.visitor.expires.saturating_mul(1_000_000),
        visitor: auth.visitor.visitor,
        conversation,
        after,
        _slot: slot,
        buffer: Default::default(),
    };
    let hello = stream::once(async {
        Ok::<_, Infallible>(
            Event::default()
                .retry(Duration::from_secs(1))
                .comment("pronto"),
        )
    });
    let events = stream::unfold(cursor, |mut c| async move {
        loop {
            while let Some(e) = c.buffer.pop_front() {
                c.after = e.seq;
                c.learn_conversation(&e.event);
                if let Some(event) = c.view(&e) {
                    return Some((Ok(event), c));
                }
            }
            if c.state.is_stopping() || c.state.now() >= c.expires {
                return None;
            }
            if c.catching_up {
                match c.state.store.events_after(c.workspace, c.after, 200).await {
                    Ok(list) if !list.is_empty() => {
                        c.buffer.extend(list);
                    }
                    Ok(_) => c.catching_up = false,
                    Err(e) => {
                        tracing::warn!("visitor stream: {e}");
                        tokio::time::sleep(POLL).await;
                    }
                }
                continue;
            }
            let state = c.state.clone();
            tokio::select! {
                received = c.feed.recv() => match received {
                    Ok(e) if e.seq <= c.after => {}
                    Ok(e) => {
                        c.learn_conversation(&e.event);
                        c.after = e.seq;
                        if let Some(event) = c.view(&e) {
                            return Some((Ok(event), c));
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => c.catching_up = true,
                    Err(broadcast::error::RecvError::Closed) => {
                        c.feed = c.state.feeds.subscribe(&c.state, c.workspace, c.after);
                        c.catching_up = true;
                    }
                },
                () = tokio::time::sleep(POLL) => {}
                () = state.stopping() => return None,
            }
        }
    });
    Ok(
        Sse::new(hello.chain(events))
            .keep_alive(KeepAlive::new().interval(Duration::from_secs(15))),
    )
}

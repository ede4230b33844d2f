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
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use pronto_store::{LiveEvent, Logged, MessageStatus};
use serde_json::json;

use super::VisitorAuth;
use super::api::visitor_view;
use super::feed::{Subscription, visitor_of};
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
    /// The visitor's events as this node's one reader of the log hands them on
    /// (`feed`).
    sub: Subscription,
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
            conversation_id, ..
        } = event
            && visitor_of(event).is_some_and(|(c, v)| c == self.channel && v == self.visitor)
        {
            self.conversation = Some(*conversation_id);
            // The conversation's events from now on come through the feed; those
            // since this one are read from the log (they may have been handed on
            // before the stream joined the conversation's).
            if !self
                .state
                .feeds
                .add_conversation(self.workspace, &self.sub, *conversation_id)
            {
                self.resubscribe();
            }
            self.catching_up = true;
        }
    }

    /// Joins the feed again (after it let this stream go) and catches up.
    fn resubscribe(&mut self) {
        self.sub = self.state.feeds.subscribe(
            &self.state,
            self.workspace,
            self.after,
            &(self.channel, self.visitor.clone()),
            self.conversation,
        );
        self.catching_up = true;
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
    let sub = state.feeds.subscribe(
        &state,
        workspace,
        after,
        &(auth.channel.id, auth.visitor.visitor.clone()),
        conversation,
    );
    let cursor = Cursor {
        sub,
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
                received = c.sub.events.recv() => match received {
                    Some(e) if e.seq <= c.after => {}
                    Some(e) => {
                        c.after = e.seq;
                        c.learn_conversation(&e.event);
                        if let Some(event) = c.view(&e) {
                            return Some((Ok(event), c));
                        }
                    }
                    // The feed let this stream go (it fell behind).
                    None => c.resubscribe(),
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

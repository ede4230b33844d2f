//! `GET /webchat/v1/{channel}/events`: the visitor's live stream, as Server-Sent
//! Events.
//!
//! It carries only the visitor's own conversation's events, in the visitor's terms:
//! `message` (a new or changed message, as [`super::api::visitor_view`] shows it),
//! `status` (a message's state), `typing` (someone on the team is typing) and
//! `read` (someone on the team has the conversation open). Each has the workspace
//! log's number as its SSE id: a stream resumed with `Last-Event-ID` (or `?after=`)
//! reads the log after it, so a broken connection loses nothing. The conversation
//! may not exist when the stream opens (no message yet); it is looked for again
//! until it does. Notes, other conversations and everything else in the log are
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
    wake: broadcast::Receiver<i64>,
    _slot: tokio::sync::OwnedSemaphorePermit,
    buffer: std::collections::VecDeque<Logged>,
}

impl Cursor {
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
    let cursor = Cursor {
        wake: state.store.subscribe(),
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
                if let Some(event) = c.view(&e) {
                    return Some((Ok(event), c));
                }
            }
            if c.state.is_stopping() || c.state.now() >= c.expires {
                return None;
            }
            match c.state.store.events_after(c.workspace, c.after, 200).await {
                Ok(list) if !list.is_empty() => {
                    // Looked for after the read: a conversation whose first message
                    // is in the list was committed with it, so it is found here.
                    if c.conversation.is_none() {
                        match c
                            .state
                            .store
                            .visitor_conversation(c.workspace, c.channel, &c.visitor)
                            .await
                        {
                            Ok((_, found)) => c.conversation = found,
                            Err(e) => tracing::warn!("visitor stream: {e}"),
                        }
                    }
                    c.buffer.extend(list);
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("visitor stream: {e}"),
            }
            let state = c.state.clone();
            let wait = tokio::time::timeout(POLL, async {
                loop {
                    match c.wake.recv().await {
                        Ok(ws) if ws == c.workspace => break,
                        Ok(_) => continue,
                        Err(broadcast::error::RecvError::Lagged(_)) => break,
                        Err(broadcast::error::RecvError::Closed) => {
                            std::future::pending::<()>().await;
                        }
                    }
                }
            });
            tokio::select! {
                _ = wait => {}
                () = state.stopping() => return None,
            }
        }
    });
    Ok(
        Sse::new(hello.chain(events))
            .keep_alive(KeepAlive::new().interval(Duration::from_secs(15))),
    )
}

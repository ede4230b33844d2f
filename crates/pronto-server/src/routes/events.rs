//! `GET /api/v1/events`: the workspace's live events as Server-Sent Events.
//!
//! Every event has its number as the SSE id. A client that reconnects with
//! `Last-Event-ID` (browsers do it by themselves) gets everything after that number
//! from the event log, so it never sits on a stale inbox; a new client starts from
//! now. The stream reads the log when woken (an event committed here or on another
//! node) and every few seconds in any case.
//!
//! A stream lives only as long as the credential it was opened with: before each
//! read of the log (when woken, and every few seconds when nothing happens) it
//! asks the store (one indexed lookup) whether the session or token still holds,
//! and ends once it does not (signed out, expired, user deactivated, token revoked).
//! Signing out, deactivating and revoking wake the workspace's streams, so those
//! end at once on this node, and within [`POLL`] on the others. A server that
//! begins to stop ends its streams at once, so that its graceful stop can finish.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast;

use crate::auth::{Auth, Credential};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::state::AppState;

/// How often a stream looks at the log, and at its credential, without being woken.
pub const POLL: Duration = Duration::from_secs(5);

/// How soon a browser reconnects after the stream breaks.
const RECONNECT: Duration = Duration::from_secs(1);

struct Cursor {
    state: AppState,
    workspace: i64,
    after: i64,
    wake: broadcast::Receiver<i64>,
    credential: Credential,
    /// The stream's slot among `max_event_streams`, freed when it ends.
    _slot: tokio::sync::OwnedSemaphorePermit,
    buffer: std::collections::VecDeque<pronto_store::Logged>,
}

impl Cursor {
    /// Whether the stream's credential still holds (a database error counts as
    /// yes: the stream then waits, and asks again).
    async fn still_valid(&self) -> bool {
        match self.credential.principal(&self.state).await {
            Ok(p) => p.is_some_and(|p| p.workspace_id == self.workspace),
            Err(e) => {
                tracing::warn!("event stream: checking its credential: {e}");
                true
            }
        }
    }
}

/// The query string.
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StreamParams {
    /// Start after this event (a page passes the last event it was rendered
    /// with, so nothing between its rendering and its stream is missed);
    /// `Last-Event-ID` wins when both are given.
    after: Option<i64>,
}

/// The stream.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event"), StreamParams), responses((status = 200, description = "Server-Sent Events: each has its number as id, its kind as event (one of the EventKind schema's values) and its payload as JSON data", content_type = "text/event-stream", body = String), (status = 503, description = "Too many live event streams are open (max_event_streams)", body = crate::openapi::ErrorBody)))]
pub async fn stream(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<StreamParams>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let workspace = auth.workspace();
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
    let credential = Credential::from_headers(&headers)?.ok_or_else(ApiError::unauthenticated)?;
    let slot = state
        .event_streams
        .clone()
        .try_acquire_owned()
        .map_err(|_| {
            ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "too_many_streams",
                "too many live event streams are open; try again shortly",
            )
        })?;
    let cursor = Cursor {
        _slot: slot,
        wake: state.store.subscribe(),
        credential,
        state,
        workspace,
        after,
        buffer: Default::default(),
    };
    // The first event only tells the browser to come back after one second (not
    // its default three) when the stream breaks.
    let hello = stream::once(async {
        Ok::<_, Infallible>(Event::default().retry(RECONNECT).comment("pronto"))
    });
    let events = stream::unfold(cursor, |mut c| async move {
        loop {
            if let Some(e) = c.buffer.pop_front() {
                c.after = e.seq;
                let event = Event::default()
                    .id(e.seq.to_string())
                    .event(e.kind())
                    .data(e.event.payload_json());
                return Some((Ok(event), c));
            }
            // Before each read of the log (after each wake-up and each quiet
            // poll), so nothing read after the credential's end is delivered.
            if c.state.is_stopping() || !c.still_valid().await {
                return None;
            }
            match c.state.store.events_after(c.workspace, c.after, 200).await {
                Ok(list) if !list.is_empty() => {
                    c.buffer.extend(list);
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("event stream: {e}"),
            }
            // Wait for a wake-up for this workspace, or poll anyway; the server's
            // stop ends the stream at once.
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

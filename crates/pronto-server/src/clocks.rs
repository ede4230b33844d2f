//! The inbox's clocks: for each conversation with a pending new message, when it
//! starts to hurt the channel's response time or rate, from the forecast the
//! channel's live engine keeps (its window and pending messages, not the history:
//! milliseconds at any size).
//!
//! A page never waits for one: it shows the clocks computed last, and a
//! computation starts in the background when the workspace's event log has moved
//! on since (at most one at a time per channel, and not within [`SPACING`] of the
//! last, so a flood of messages cannot keep a core busy). Each clock counts down
//! from absolute instants, so a clock read a little late is still right; only a
//! conversation that has just started waiting lacks one until the next
//! computation, and the page asks again shortly (the list says its clocks are
//! pending).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pronto_core::view::Lookup;
use pronto_core::{Settings, Timestamp};
use pronto_store::Result;
use tokio::sync::Mutex;

use crate::state::AppState;

/// The shortest time between two computations of a channel's clocks.
const SPACING: Duration = Duration::from_millis(250);

/// One conversation's clock, instants in microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// When the pending message arrived.
    pub since: i64,
    /// The latest reply that keeps (or wins) the badge, if one still can.
    pub deadline: Option<i64>,
    /// When the message stops being answerable and counts as missed.
    pub expires: i64,
}

/// Clocks by conversation id.
pub type Clocks = Arc<HashMap<i64, Clock>>;

/// A channel's clocks as a page gets them.
pub struct Reading {
    /// The clocks computed last (none before the first computation ends).
    pub clocks: Clocks,
    /// Whether they are from the event log as it is now; if not, a computation
    /// is under way or due.
    pub current: bool,
}

#[derive(Default)]
struct Entry {
    /// The event the clocks were computed at (`None`: not yet).
    seq: Option<i64>,
    clocks: Clocks,
    running: bool,
    finished: Option<Instant>,
}

/// Clocks by (workspace, channel).
#[derive(Default)]
pub struct ClockCache {
    map: Mutex<HashMap<(i64, i64), Entry>>,
}

impl ClockCache {
    /// The clocks of `channel_id`'s conversations, starting a computation in the
    /// background if they are behind `seq`, the workspace's latest event.
    pub async fn channel(
        &self,
        state: &AppState,
        workspace_id: i64,
        channel_id: i64,
        seq: i64,
    ) -> Result<Reading> {
        let key = (workspace_id, channel_id);
        let (known, expiry) = {
            let map = self.map.lock().await;
            map.get(&key).map_or((None, None), |e| {
                (e.seq, e.clocks.values().map(|c| c.expires).min())
            })
        };
        // Most events (someone viewing, typing, a note, another channel's message)
        // change nothing here: the clocks are current again without a computation.
        let mut caught_up = None;
        if let Some(known) = known
            && known != seq
            && expiry.is_none_or(|x| x > state.now())
        {
            let events = state.store.events_after(workspace_id, known, 500).await?;
            if events.len() < 500 && !events.iter().any(|e| moves(channel_id, e)) {
                caught_up = events.last().map(|e| (known, e.seq));
            }
        }
        let mut map = self.map.lock().await;
        if map.len() > 4096 {
            map.retain(|_, e| e.running);
        }
        let e = map.entry(key).or_default();
        if let Some((from, to)) = caught_up
            && e.seq == Some(from)
        {
            e.seq = Some(to);
        }
        let current = e.seq == Some(seq);
        let rested = e.finished.is_none_or(|f| f.elapsed() >= SPACING);
        if !current && !e.running && rested {
            e.running = true;
            tokio::spawn(compute(state.clone(), workspace_id, channel_id));
        }
        Ok(Reading {
            clocks: e.clocks.clone(),
            current,
        })
    }
}

/// Whether a live event can move this channel's clocks.
fn moves(channel_id: i64, e: &pronto_store::Logged) -> bool {
    e.event.moves_responsiveness() == Some(channel_id)
}

async fn compute(state: AppState, workspace_id: i64, channel_id: i64) {
    let result = forecast(&state, workspace_id, channel_id).await;
    let mut map = state.clocks.map.lock().await;
    let e = map.entry((workspace_id, channel_id)).or_default();
    e.running = false;
    e.finished = Some(Instant::now());
    match result {
        Ok((seq, clocks)) => {
            e.seq = Some(seq);
            e.clocks = Arc::new(clocks);
        }
        Err(err) => tracing::warn!(channel = channel_id, "the inbox's clocks: {err}"),
    }
}

/// The clocks from the channel's forecast, with the event they are current at.
async fn forecast(
    state: &AppState,
    workspace_id: i64,
    channel_id: i64,
) -> Result<(i64, HashMap<i64, Clock>)> {
    let now = Timestamp::from_micros(state.now());
    state
        .engines
        .read(
            &state.store,
            workspace_id,
            channel_id,
            Settings::default(),
            "15".to_owned(),
            |entry| {
                let seq = entry.seq();
                let (engine, names) = entry.parts();
                engine.advance(now);
                let clocks = engine
                    .forecast()
                    .deadlines
                    .iter()
                    .filter_map(|d| {
                        let id = names.conversation_name(d.conversation).parse().ok()?;
                        let clock = Clock {
                            since: d.at.micros(),
                            deadline: d.deadline.map(Timestamp::micros),
                            expires: d.expires.micros(),
                        };
                        Some((id, clock))
                    })
                    .collect();
                (seq, clocks)
            },
        )
        .await
}

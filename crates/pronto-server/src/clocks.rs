//! The inbox's clocks: for each conversation with a pending new message, when it
//! starts to hurt the channel's response time or rate, from the engine's forecast.
//!
//! A forecast analyses the channel's history, so it is computed once per channel
//! and kept until the workspace's event log moves on, and even then at most every
//! few seconds: an inbox under a flood of messages reads a forecast a few seconds
//! old (each clock counts down from absolute instants, so only a brand-new
//! conversation waits that long for its clock).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pronto_core::{Analysis, Settings, Timestamp};
use pronto_store::{Result, Store};
use tokio::sync::Mutex;

/// The longest a forecast is reused after the event log moved on.
const REUSE: Duration = Duration::from_secs(5);

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

struct Entry {
    seq: i64,
    made: Instant,
    clocks: Clocks,
}

/// Forecasts by (workspace, channel).
#[derive(Default)]
pub struct ClockCache {
    map: Mutex<HashMap<(i64, i64), Entry>>,
}

impl ClockCache {
    /// The clocks of `channel_id`'s conversations at `now`.
    pub async fn channel(
        &self,
        store: &Store,
        workspace_id: i64,
        channel_id: i64,
        now: i64,
    ) -> Result<Clocks> {
        let seq = store.latest_event(workspace_id).await?;
        let mut map = self.map.lock().await;
        if let Some(e) = map.get(&(workspace_id, channel_id))
            && (e.seq == seq || e.made.elapsed() < REUSE)
        {
            return Ok(e.clocks.clone());
        }
        let stream = store.engine_stream(workspace_id, channel_id).await?;
        let analysis = Analysis::new(&stream, Timestamp::from_micros(now), Settings::default());
        let clocks: HashMap<i64, Clock> = analysis
            .forecast()
            .deadlines
            .iter()
            .filter_map(|d| {
                let id = stream.conversation_name(d.conversation).parse().ok()?;
                let clock = Clock {
                    since: d.at.micros(),
                    deadline: d.deadline.map(Timestamp::micros),
                    expires: d.expires.micros(),
                };
                Some((id, clock))
            })
            .collect();
        let clocks = Arc::new(clocks);
        if map.len() > 1024 {
            map.clear();
        }
        map.insert(
            (workspace_id, channel_id),
            Entry {
                seq,
                made: Instant::now(),
                clocks: clocks.clone(),
            },
        );
        Ok(clocks)
    }
}

//! The retention worker: deletes what `retention_days` says is old, and expired
//! sessions, once an hour (and once at start).

use std::time::Duration;

use pronto_store::Purged;

use crate::state::AppState;

/// How often the worker sweeps.
pub const EVERY: Duration = Duration::from_secs(3600);

/// A day in microseconds.
const DAY: i64 = 86_400_000_000;

/// One sweep at the state's current time.
pub async fn sweep(state: &AppState) -> Result<Purged, pronto_store::StoreError> {
    let now = state.now();
    let before = match state.config.retention_days {
        // Kept forever: nothing is older than the earliest instant.
        0 => i64::MIN,
        days => now - i64::from(days) * DAY,
    };
    state.store.purge(before, now).await
}

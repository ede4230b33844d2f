//! The schedule worker: business hours' status changes, and the end of a person's
//! away after 12 hours.

use std::collections::HashSet;
use std::time::Duration;

use pronto_core::Presence;
use pronto_core::analysis::AWAY_LIMIT;
use pronto_core::hours::Schedule;
use pronto_core::presence::{Availability, ManualAway};
use pronto_core::time::Timestamp;
use pronto_store::{StatusChange, StatusSource, StoreError};

use super::settings::checked;
use crate::state::AppState;

/// How often the schedule worker looks for due status changes.
pub const SCHEDULE_TICK: Duration = Duration::from_secs(15);
/// The most status changes one channel gets in one step (a server down for weeks
/// catches up over several steps).
const MAX_CHANGES: usize = 64;

/// A person's away on the channel, if that is its latest status.
pub(crate) async fn manual_away(
    state: &AppState,
    channel_id: i64,
) -> Result<Option<ManualAway>, StoreError> {
    Ok(manual_of(state.store.latest_status(channel_id).await?))
}

fn manual_of(latest: Option<StatusChange>) -> Option<ManualAway> {
    latest
        .filter(|s| s.status == Presence::Away && s.source == StatusSource::Manual)
        .map(|s| ManualAway::new(Timestamp::from_micros(s.at)))
}

/// What a schedule step did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Status changes written.
    pub changes: usize,
}

/// One step of the schedule worker: for each channel with business hours, writes the
/// status changes due up to now (each at the instant the hours say, so that a late
/// step still feeds the engine the right times), and ends every person's away
/// 12 hours after it was set with an `available` status (or `away` when the hours
/// are closed then).
pub async fn schedule_step(state: &AppState) -> Result<Outcome, StoreError> {
    let now = state.now();
    let mut outcome = Outcome::default();
    let mut seen = HashSet::new();
    for ch in state.store.automated_channels().await? {
        seen.insert(ch.channel_id);
        let schedule = checked(&ch.settings).and_then(|a| a.schedule);
        let cursor = step_channel(
            state,
            (ch.workspace_id, ch.channel_id),
            schedule.as_ref(),
            ch.status_checked_at,
            now,
            &mut outcome,
        )
        .await?;
        if cursor != ch.status_checked_at {
            state
                .store
                .set_status_checked(ch.channel_id, cursor)
                .await?;
        }
    }
    for (ws, id) in state.store.ended_manual_aways(now - AWAY_LIMIT).await? {
        if !seen.contains(&id) {
            step_channel(state, (ws, id), None, now, now, &mut outcome).await?;
        }
    }
    Ok(outcome)
}

async fn step_channel(
    state: &AppState,
    (ws, channel_id): (i64, i64),
    schedule: Option<&Schedule>,
    mut cursor: i64,
    now: i64,
    outcome: &mut Outcome,
) -> Result<i64, StoreError> {
    let ts = Timestamp::from_micros;
    for _ in 0..MAX_CHANGES {
        let latest = state.store.latest_status(channel_id).await?;
        let manual = manual_of(latest);
        let manual_end = manual.map(|m| m.ends_at().micros()).filter(|&e| e <= now);
        let next = schedule
            .and_then(|s| s.next_change(ts(cursor)))
            .map(Timestamp::micros)
            .filter(|&t| t <= now);
        let Some(t) = [manual_end, next].into_iter().flatten().min() else {
            break;
        };
        let presence = Availability::at(schedule, manual, ts(t)).presence();
        let current = latest.map_or(Presence::Available, |s| s.status);
        let ends_manual = manual_end == Some(t);
        // A status a person set after `t` stands.
        let later = latest.is_some_and(|s| s.at > t);
        if (presence != current || ends_manual) && !later {
            let source = if ends_manual && presence == Presence::Available {
                StatusSource::Expiry
            } else {
                StatusSource::Schedule
            };
            let change = StatusChange {
                status: presence,
                at: t,
                source,
            };
            state
                .store
                .record_channel_status(ws, channel_id, change, now)
                .await?;
            outcome.changes += 1;
            state.after_change(ws, channel_id);
        }
        cursor = cursor.max(t);
    }
    Ok(cursor)
}

/// After settings are saved: the channel's status as the hours say now (a person's
/// away stands until it ends; hours removed end an away they had set).
pub async fn apply_hours_now(
    state: &AppState,
    workspace_id: i64,
    channel_id: i64,
    schedule: Option<&Schedule>,
) -> Result<(), StoreError> {
    let now = state.now();
    let latest = state.store.latest_status(channel_id).await?;
    let set_by_hours = latest.is_some_and(|s| s.source == StatusSource::Schedule);
    if schedule.is_none() && !set_by_hours {
        return Ok(());
    }
    let presence =
        Availability::at(schedule, manual_of(latest), Timestamp::from_micros(now)).presence();
    if presence != latest.map_or(Presence::Available, |s| s.status) {
        let change = StatusChange {
            status: presence,
            at: now,
            source: StatusSource::Schedule,
        };
        state
            .store
            .record_channel_status(workspace_id, channel_id, change, now)
            .await?;
        state.after_change(workspace_id, channel_id);
    }
    Ok(())
}

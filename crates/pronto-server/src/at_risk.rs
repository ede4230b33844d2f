//! Messages that put the badge at risk: a customer's message that must be answered
//! within the next 5 minutes, the forecast's deadline (the others answered at
//! once), read from each channel's live engine (its window and pending messages),
//! not from the history. The `badge_at_risk` rules fire on them, and [`flag_step`]
//! flags each once (`conversation.at_risk`) so that the alerts worker tells the
//! people concerned.

use pronto_core::view::Lookup;
use pronto_store::StoreError;

use crate::state::AppState;

/// How close to its deadline a pending message puts the badge at risk.
pub const AT_RISK: i64 = 5 * 60_000_000;

/// The workspace's messages at risk at `now`: (conversation, when the wait began).
pub async fn waits(state: &AppState, ws: i64, now: i64) -> Result<Vec<(i64, i64)>, StoreError> {
    let at = pronto_core::Timestamp::from_micros(now);
    let mut all = Vec::new();
    for channel in state.store.channels(ws).await? {
        let at_risk: Vec<(i64, i64)> = state
            .engines
            .read(
                &state.store,
                ws,
                channel.id,
                pronto_core::Settings::default(),
                "15".to_owned(),
                |entry| {
                    let (engine, names) = entry.parts();
                    engine.advance(at);
                    engine
                        .forecast()
                        .deadlines
                        .iter()
                        .filter(|d| {
                            !d.badge_if_missed
                                && d.deadline.is_some_and(|x| x.micros_since(at) <= AT_RISK)
                        })
                        .filter_map(|d| {
                            let conversation =
                                names.conversation_name(d.conversation).parse().ok()?;
                            Some((conversation, d.at.micros()))
                        })
                        .collect()
                },
            )
            .await?;
        all.extend(at_risk);
    }
    Ok(all)
}

/// One step: flags every workspace's messages at risk that are not flagged yet;
/// returns how many were.
pub async fn flag_step(state: &AppState) -> Result<usize, StoreError> {
    let now = state.now();
    let mut flagged = 0;
    for ws in state.store.workspace_ids().await? {
        for (conversation, since) in waits(state, ws, now).await? {
            if state
                .store
                .flag_at_risk(ws, conversation, since, now)
                .await?
            {
                flagged += 1;
            }
        }
    }
    Ok(flagged)
}

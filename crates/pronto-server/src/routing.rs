//! The dispatcher: hands waiting conversations to available agents, per channel, as
//! the channel's routing mode says (`pronto_core::routing` decides; this writes).
//!
//! Each step rebuilds a `Router` per routed channel from the store rather than
//! keeping one alive and feeding it the event log like the responsiveness engines
//! do. That costs, per channel and step, four reads (members with their sessions and
//! last assignment, the workspace's held conversations, the channel's waiting
//! conversations and their labels) and `O((a + h + w) log w)` work for `a` agents,
//! `h` held and `w` waiting conversations: cheap for an inbox's numbers, and correct
//! by construction, since the store is the truth and nothing can drift. Keeping the
//! routers live is the next step if many channels make it matter.
//!
//! Writes are guarded (`assignee_id IS NULL`): a conversation someone took by hand
//! between the read and the write is skipped, and the next step sees it held.

use pronto_core::Timestamp;
use pronto_core::routing::{
    Agent, AgentId, Conversation, ConversationId, Event, Language, Mode, Router, Settings,
};
use pronto_store::{Result, RoutingRow, Store};

use crate::state::AppState;

/// What one dispatch step did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Conversations assigned.
    pub assigned: usize,
    /// Assignments skipped because someone else assigned the conversation first.
    pub skipped: usize,
}

/// A channel's routing mode as the API names it.
pub fn parse_mode(mode: &str, fallback: bool) -> Option<Mode> {
    Some(match mode {
        "manual" => Mode::Manual,
        "round_robin" => Mode::RoundRobin,
        "least_loaded" => Mode::LeastLoaded,
        "skills" => Mode::Skills { fallback },
        _ => return None,
    })
}

/// Routes every automatically routed channel of every workspace once.
pub async fn dispatch_step(state: &AppState) -> Result<Outcome> {
    let mut outcome = Outcome::default();
    for (workspace_id, channel_id, row) in state.store.routed_channels().await? {
        let step = dispatch_channel(state, workspace_id, channel_id, &row).await?;
        outcome.assigned += step.assigned;
        outcome.skipped += step.skipped;
    }
    Ok(outcome)
}

async fn dispatch_channel(
    state: &AppState,
    workspace_id: i64,
    channel_id: i64,
    row: &RoutingRow,
) -> Result<Outcome> {
    let Some(mode) = parse_mode(&row.mode, row.fallback) else {
        return Ok(Outcome::default());
    };
    let now = state.now();
    let mut router = build(
        &state.store,
        workspace_id,
        channel_id,
        Settings {
            mode,
            reassign_on_away: row.reassign_on_away,
        },
        now,
    )
    .await?;
    let mut outcome = Outcome::default();
    for a in router.dispatch(Timestamp::from_micros(now)) {
        let sentence = a.to_string();
        let written = state
            .store
            .route_assign(
                workspace_id,
                channel_id,
                a.conversation.0,
                a.agent.0,
                a.reason.code(),
                &sentence,
                now,
            )
            .await?;
        if written {
            outcome.assigned += 1;
        } else {
            outcome.skipped += 1;
        }
    }
    Ok(outcome)
}

/// The channel's pool as the store knows it at `now`.
async fn build(
    store: &Store,
    workspace_id: i64,
    channel_id: i64,
    settings: Settings,
    now: i64,
) -> Result<Router> {
    let at = Timestamp::from_micros(now);
    let mut router = Router::new(settings);
    for a in store.routing_agents(workspace_id, now).await? {
        let agent = Agent {
            id: AgentId(a.user_id),
            name: a.name,
            signed_in: a.signed_in,
            away: a.away,
            capacity: u32::try_from(a.capacity.max(0)).unwrap_or(u32::MAX),
            languages: a
                .languages
                .iter()
                .filter_map(|l| Language::from_locale(l))
                .collect(),
            labels: a.labels,
            last_assigned: a.last_assigned.map(Timestamp::from_micros),
        };
        router.apply(at, Event::AgentUpdated(agent));
    }
    for held in store.routing_held(workspace_id).await? {
        let conversation = ConversationId(held.conversation_id);
        router.apply(
            at,
            Event::Taken {
                conversation,
                agent: AgentId(held.agent_id),
            },
        );
        // Handing back is done by the store when the agent goes away; here a held
        // conversation only counts towards its agent's load.
        router.apply(at, Event::Answered(conversation));
    }
    if let Some(last) = store.last_routed_agent(channel_id).await? {
        router.resume_after(AgentId(last));
    }
    for w in store.routing_waiting(workspace_id, channel_id).await? {
        router.apply(
            at,
            Event::Arrived(Conversation {
                id: ConversationId(w.conversation_id),
                waiting_since: Timestamp::from_micros(w.waiting_since),
                vip: w.vip,
                language: w.locale.as_deref().and_then(Language::from_locale),
                labels: w.labels,
            }),
        );
    }
    Ok(router)
}

//! Routing: which agent gets the next waiting conversation.
//!
//! `Router` is a deterministic state machine that mirrors what the store knows about
//! one routing pool (a channel, or channels sharing a mode): the agents, the
//! conversations waiting, and the conversations each agent holds. The store feeds it
//! `Event`s as they commit and calls `dispatch`; the router answers with
//! `Assignment`s (and, when an agent goes away, `Unassigned`s) for the store to write,
//! each with a `Reason` for the conversation's log.
//!
//! The queue is ordered VIP first, then oldest waiting first, ties by id. An agent is
//! available when signed in, not away and under capacity; the router never assigns
//! to anyone else, whatever order events arrive in. An agent's open count is the
//! number of conversations the router knows they hold (assigned here, taken by hand,
//! or loaded at start), so a close can never free capacity twice.
//!
//! Costs, with `n` waiting conversations, `a` agents, `r` distinct skill needs
//! (language and label set) seen so far and `e` the needs an agent qualifies for:
//! an arrival or close is `O(log n)` (`O(a)` once, when it brings a new need); a pick
//! is `O(log n + log r)` plus `O(e log a)` to re-file the chosen agent; an agent's
//! change is `O(e log a)`. No step scans the queue: a conversation no available agent
//! can take sits in its need's queue, which is simply not listed as ready.

mod language;
mod reason;
mod router;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::time::Timestamp;

pub use language::Language;
pub use reason::{Load, Reason, Skills};
pub use router::Router;

/// An agent (a user of the workspace), as the store's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgentId(pub i64);

/// A conversation, as the store's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConversationId(pub i64);

/// How a pool hands out conversations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Agents pick conversations themselves; `dispatch` assigns nothing.
    Manual,
    /// Each available agent in turn, by id.
    RoundRobin,
    /// The available agent with the fewest open conversations.
    LeastLoaded,
    /// The least loaded of the available agents who speak the contact's language and
    /// handle all of the conversation's labels. With `fallback`, a conversation that
    /// no available agent has the skills for goes to the least loaded available agent
    /// rather than waiting for one who has them.
    Skills {
        /// Whether to fall back to any available agent.
        fallback: bool,
    },
}

/// A pool's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// How conversations are handed out.
    pub mode: Mode,
    /// When an agent goes away or signs out, their assigned conversations that no one
    /// has answered yet go back to the queue, with their original waiting time.
    pub reassign_on_away: bool,
}

/// An agent as routing sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    /// Their id.
    pub id: AgentId,
    /// Their display name, for the reason's sentence.
    pub name: String,
    /// Whether they are signed in.
    pub signed_in: bool,
    /// Whether they marked themselves away.
    pub away: bool,
    /// The most open conversations they take at once.
    pub capacity: u32,
    /// The languages they speak.
    pub languages: Vec<Language>,
    /// The labels they handle.
    pub labels: Vec<String>,
    /// When they were last given a conversation: among equally loaded agents the one
    /// idle longest goes first. `None` counts as idle forever.
    pub last_assigned: Option<Timestamp>,
}

/// A conversation waiting for an agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conversation {
    /// Its id.
    pub id: ConversationId,
    /// Since when the customer has waited (kept when it is handed back).
    pub waiting_since: Timestamp,
    /// Whether the contact is marked VIP: VIP conversations come first.
    pub vip: bool,
    /// The contact's language (`Language::from_locale`), if known.
    pub language: Option<Language>,
    /// The conversation's labels.
    pub labels: Vec<String>,
}

/// Something that changed in the store. Events naming an agent or conversation the
/// router does not know change nothing: the store is the truth, and a close for a
/// conversation this pool never saw is not this pool's business.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A conversation waits for an agent: new, reopened, or handed back by hand. If an
    /// agent held it, they no longer do.
    Arrived(Conversation),
    /// Someone assigned a conversation by hand (or it was assigned before the router
    /// started). It counts towards the agent's open conversations even past capacity:
    /// that is a person's decision, and routing only stops giving them more.
    Taken {
        /// The conversation.
        conversation: ConversationId,
        /// Who holds it now.
        agent: AgentId,
    },
    /// An agent answered the conversation: it stays theirs even if they go away.
    Answered(ConversationId),
    /// The conversation was closed (done, spam, deleted): it leaves the queue, or frees
    /// its agent's capacity.
    Closed(ConversationId),
    /// An agent was added, or their name, skills or capacity changed. Their open
    /// conversations are kept.
    AgentUpdated(Agent),
    /// An agent signed in.
    SignedIn(AgentId),
    /// An agent signed out.
    SignedOut(AgentId),
    /// An agent went away.
    Away(AgentId),
    /// An agent came back.
    Back(AgentId),
    /// An agent's capacity changed. Lowering it below their open count takes nothing
    /// away; they get nothing new until they are under it.
    CapacityChanged {
        /// The agent.
        agent: AgentId,
        /// The new capacity.
        capacity: u32,
    },
}

/// A decision: this conversation goes to this agent, for this reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The conversation.
    pub conversation: ConversationId,
    /// The agent.
    pub agent: AgentId,
    /// The agent's name, for the sentence (`Display`).
    pub agent_name: Arc<str>,
    /// Why.
    pub reason: Reason,
}

/// A conversation taken back from an agent and queued again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unassigned {
    /// The conversation.
    pub conversation: ConversationId,
    /// Who held it.
    pub agent: AgentId,
    /// Why.
    pub why: UnassignReason,
}

/// Why a conversation was taken back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnassignReason {
    /// Its agent went away before answering.
    AgentAway,
    /// Its agent signed out before answering.
    AgentSignedOut,
}

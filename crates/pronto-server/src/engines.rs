//! The live responsiveness engine of each channel, kept up to date from the
//! workspace's event log rather than by re-reading the channel's history.
//!
//! An engine is built once from the stored history; after that, each request first
//! applies the workspace events it has not seen (messages, folder moves, status
//! changes: the same log every node reads, so nodes agree). Each channel's engine
//! has its own lock (the map of engines is locked only to find or add one), so a
//! channel being built or read never holds up another's. An event older than the
//! engine's latest is put in its place by the engine's journal when it is within
//! [`LATENESS`] (a platform timestamp that arrived late); only an older one makes
//! the engine rebuild.
//!
//! Beside the engine, an entry keeps the names behind its ids (conversation ids,
//! agent ids, and the ids of business messages), so the dashboard, the API's
//! explanation, forecast, per-agent figures and daily series, the inbox's clocks
//! and the `badge_at_risk` rules read the live engine instead of the history.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError};

use pronto_core::event::{AgentId, MessageRef, Names};
use pronto_core::view::Lookup;
use pronto_core::{
    Author, ConvId, Event, EventKind, Folder, LiveEngine, Presence, Report, Sender, Settings,
    Timestamp,
};
use pronto_store::{LiveEvent, MessageAuthor, Result, Store};
use tokio::sync::Mutex;

/// How much older than an engine's latest step an event may be and still be put in
/// its place without a rebuild.
pub const LATENESS: i64 = pronto_core::time::HOUR;
/// The most steps (events pushed, readings at a later moment) an engine's journal
/// keeps: a bound on its memory whatever the traffic.
pub const JOURNAL_STEPS: usize = 20_000;
/// Engines kept at most (each distinct setting has its own).
const MAX_ENGINES: usize = 256;

/// Strings stored end to end in one buffer: two allocations however many (the
/// names of 100,000 conversations take about 1 MB, not 100,000 small boxes).
#[derive(Default)]
struct Packed {
    text: String,
    ends: Vec<usize>,
}

impl Packed {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    fn get(&self, i: usize) -> &str {
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end).unwrap_or("")
    }
}

/// The names behind a live engine's ids.
#[derive(Default)]
pub struct ChannelNames {
    /// Conversation ids (as text) by `ConvId`.
    conversations: Packed,
    agents: Names,
    /// Business messages' ids by `MessageRef` (from 1); customers' messages keep
    /// none (the engine names replies only).
    messages: Packed,
}

impl ChannelNames {
    /// Names a conversation the first time it is seen (ids are dense from 0).
    fn conversation(&mut self, id: ConvId, name: Option<i64>) {
        let i = id.0 as usize;
        while self.conversations.len() < i {
            self.conversations.push("");
        }
        if self.conversations.len() == i {
            match name {
                Some(n) => self.conversations.push(&n.to_string()),
                None => self.conversations.push(""),
            }
        }
    }

    fn agent(&mut self, name: &str) -> Option<AgentId> {
        let i = self.agents.intern(name).checked_add(1)?;
        std::num::NonZeroU32::new(i).map(AgentId)
    }

    fn message(&mut self, id: &str) -> Option<MessageRef> {
        self.messages.push(id);
        let i = u32::try_from(self.messages.len()).ok()?;
        std::num::NonZeroU32::new(i).map(MessageRef)
    }
}

impl Lookup for ChannelNames {
    fn conversation_name(&self, id: ConvId) -> &str {
        self.conversations.get(id.0 as usize)
    }

    fn agent_name(&self, id: AgentId) -> &str {
        let i = id.0.get() - 1;
        if (i as usize) < self.agents.len() {
            self.agents.get(i)
        } else {
            ""
        }
    }

    fn message_id(&self, id: MessageRef) -> &str {
        self.messages.get(id.0.get() as usize - 1)
    }
}

/// One channel's engine, the names behind its ids, and where it is in the
/// workspace's event log.
pub struct Entry {
    engine: LiveEngine,
    applied: i64,
    conversations: HashMap<i64, ConvId>,
    names: ChannelNames,
}

impl Entry {
    /// The engine, up to date with the event log as of [`Entry::seq`].
    pub fn engine(&mut self) -> &mut LiveEngine {
        &mut self.engine
    }

    /// The engine and the names behind its ids.
    pub fn parts(&mut self) -> (&mut LiveEngine, &ChannelNames) {
        (&mut self.engine, &self.names)
    }

    /// The workspace's latest event the engine has applied.
    pub fn seq(&self) -> i64 {
        self.applied
    }
}

type Key = (i64, i64, bool, String);

/// Engines by (workspace, channel, settings). The workspace is part of the key so
/// that an engine built for one workspace is never found by another's request.
#[derive(Default)]
pub struct Engines {
    map: std::sync::Mutex<HashMap<Key, Arc<Mutex<Option<Entry>>>>>,
    /// The last report announced per channel (default settings), `as_of` aside.
    announced: Mutex<HashMap<i64, Report>>,
}

impl Engines {
    /// The channel's report at `now`, bringing its engine up to date first.
    pub async fn report(
        &self,
        store: &Store,
        workspace_id: i64,
        channel_id: i64,
        settings: Settings,
        threshold_key: String,
        now: i64,
    ) -> Result<Report> {
        let now = Timestamp::from_micros(now);
        self.read(
            store,
            workspace_id,
            channel_id,
            settings,
            threshold_key,
            |e| e.engine().report_at(now),
        )
        .await
    }

    /// Runs `f` on the channel's entry, brought up to date first, holding that
    /// channel's lock only.
    pub async fn read<R>(
        &self,
        store: &Store,
        workspace_id: i64,
        channel_id: i64,
        settings: Settings,
        threshold_key: String,
        f: impl FnOnce(&mut Entry) -> R,
    ) -> Result<R> {
        let key = (workspace_id, channel_id, settings.human_only, threshold_key);
        let slot = {
            let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
            if !map.contains_key(&key) && map.len() >= MAX_ENGINES {
                // Each distinct setting keeps its own engine; a client varying them
                // endlessly must not grow this without bound. Engines in use stay
                // with their users.
                map.retain(|_, slot| Arc::strong_count(slot) > 1);
                if map.len() >= MAX_ENGINES {
                    map.clear();
                }
            }
            Arc::clone(map.entry(key).or_default())
        };
        let mut guard = slot.lock().await;
        let entry = match &mut *guard {
            Some(entry) => entry,
            empty => empty.insert(build(store, workspace_id, channel_id, settings).await?),
        };
        loop {
            let events = store
                .events_after(workspace_id, entry.applied, 1000)
                .await?;
            let done = events.len() < 1000;
            let Some(last) = events.last() else { break };
            entry.applied = last.seq;
            // Events commit in number order, not always in time order (a platform's
            // timestamps, concurrent writers): a batch is put in time order first;
            // the engine puts an event older than its latest in its place, and only
            // one beyond its journal makes it rebuild.
            let mut batch: Vec<Event> = events
                .iter()
                .filter_map(|e| {
                    let mut event = engine_event(channel_id, &e.event, &mut entry.conversations)?;
                    name_event(&mut event, &e.event, &mut entry.names);
                    Some(event)
                })
                .collect();
            batch.sort_by_key(|e| e.at);
            if batch.iter().any(|e| entry.engine.push(e).is_err()) {
                *entry = build(store, workspace_id, channel_id, settings).await?;
                break;
            }
            if done {
                break;
            }
        }
        Ok(f(entry))
    }
}

impl Engines {
    /// The channel's report with the default settings if it differs from the last
    /// one announced (the moment aside), and remembers it; `None` if unchanged.
    pub async fn changed(
        &self,
        store: &Store,
        workspace_id: i64,
        channel_id: i64,
        now: i64,
    ) -> Result<Option<Report>> {
        let report = self
            .report(
                store,
                workspace_id,
                channel_id,
                Settings::default(),
                "15".to_owned(),
                now,
            )
            .await?;
        let mut announced = self.announced.lock().await;
        let comparable = Report {
            as_of: Timestamp::from_micros(0),
            ..report
        };
        if announced.get(&channel_id) == Some(&comparable) {
            return Ok(None);
        }
        announced.insert(channel_id, comparable);
        Ok(Some(report))
    }
}

async fn build(
    store: &Store,
    workspace_id: i64,
    channel_id: i64,
    settings: Settings,
) -> Result<Entry> {
    // One snapshot: the history holds every event up to `applied`, none after.
    let (stream, applied) = store.engine_snapshot(workspace_id, channel_id).await?;
    let mut engine = LiveEngine::with_lateness(settings, LATENESS, JOURNAL_STEPS);
    let mut names = ChannelNames::default();
    for i in 0..stream.conversation_count() as u32 {
        let id = ConvId(i);
        names.conversation(id, stream.conversation_name(id).parse().ok());
    }
    names.conversations.text.shrink_to_fit();
    for event in stream.events() {
        let mut event = *event;
        // The engine keeps the names of replies only: the agent and the id of
        // business messages.
        if let EventKind::Message {
            sender, agent, id, ..
        } = &mut event.kind
        {
            match sender {
                Sender::Business(_) => {
                    *agent = agent.and_then(|a| names.agent(stream.agent_name(a)));
                    *id = id.and_then(|m| names.message(stream.message_id(m)));
                }
                Sender::Customer => (*agent, *id) = (None, None),
            }
        }
        // A stream is in order: the engine takes every event.
        let _ = engine.push(&event);
    }
    let conversations = (0..stream.conversation_count() as u32)
        .filter_map(|i| {
            let id = ConvId(i);
            stream.conversation_name(id).parse().ok().map(|n| (n, id))
        })
        .collect();
    Ok(Entry {
        engine,
        applied,
        conversations,
        names,
    })
}

/// Records the names an engine event from a live event refers to: its
/// conversation, and a business message's agent and id.
fn name_event(event: &mut Event, live: &LiveEvent, names: &mut ChannelNames) {
    let (conversation, message) = match live {
        LiveEvent::MessageCreated {
            conversation_id,
            message,
        } => (Some(*conversation_id), Some(message)),
        LiveEvent::ConversationMoved {
            conversation_id, ..
        } => (Some(*conversation_id), None),
        _ => (None, None),
    };
    match &mut event.kind {
        EventKind::Message {
            conversation: c,
            sender,
            agent,
            id,
        } => {
            names.conversation(*c, conversation);
            if let (Sender::Business(_), Some(m)) = (sender, message) {
                *agent = m.agent_id.and_then(|a| names.agent(&a.to_string()));
                *id = names.message(&m.id.to_string());
            }
        }
        EventKind::Folder {
            conversation: c, ..
        } => names.conversation(*c, conversation),
        EventKind::Status(_) => {}
    }
}

/// The engine event carried by a live event of `channel_id`, if any.
fn engine_event(
    channel_id: i64,
    event: &LiveEvent,
    conversations: &mut HashMap<i64, ConvId>,
) -> Option<Event> {
    if event.moves_responsiveness() != Some(channel_id) {
        return None;
    }
    let mut conv = |id: i64| {
        // Stream conversations are numbered densely from 0; new ones continue.
        let next = ConvId(conversations.len() as u32);
        *conversations.entry(id).or_insert(next)
    };
    match event {
        LiveEvent::MessageCreated {
            conversation_id,
            message,
        } => {
            let sender = match message.author {
                MessageAuthor::Customer => Sender::Customer,
                MessageAuthor::Agent => Sender::Business(Author::Agent),
                MessageAuthor::Bot => Sender::Business(Author::Bot),
                MessageAuthor::Automation => Sender::Business(Author::Automation),
            };
            Some(Event {
                at: Timestamp::from_micros(message.at),
                kind: EventKind::Message {
                    conversation: conv(*conversation_id),
                    sender,
                    agent: None,
                    id: None,
                },
            })
        }
        LiveEvent::ConversationMoved {
            conversation_id,
            folder,
            at,
            ..
        } => Some(Event {
            at: Timestamp::from_micros(*at),
            kind: EventKind::Folder {
                conversation: conv(*conversation_id),
                folder: Folder::parse(folder)?,
            },
        }),
        LiveEvent::ChannelStatus { status, at, .. } => Some(Event {
            at: Timestamp::from_micros(*at),
            kind: EventKind::Status(Presence::parse(status)?),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_by_the_engine_ids() {
        let mut names = ChannelNames::default();
        names.conversation(ConvId(0), Some(41));
        names.conversation(ConvId(2), Some(43));
        names.conversation(ConvId(0), Some(99));
        assert_eq!(names.conversation_name(ConvId(0)), "41");
        assert_eq!(names.conversation_name(ConvId(1)), "");
        assert_eq!(names.conversation_name(ConvId(2)), "43");
        assert_eq!(names.conversation_name(ConvId(7)), "");
        let a = names.agent("7").unwrap();
        assert_eq!(names.agent("7"), Some(a));
        assert_eq!(names.agent_name(a), "7");
        let m = names.message("1234").unwrap();
        let n = names.message("1235").unwrap();
        assert_eq!((names.message_id(m), names.message_id(n)), ("1234", "1235"));
    }

    #[test]
    fn a_live_reply_carries_its_agent_and_id() {
        let mut names = ChannelNames::default();
        let mut conversations = HashMap::new();
        let live = LiveEvent::read(
            "message.created",
            r#"{"conversation_id": 5, "message": {"id": 77, "conversation_id": 5,
                "channel_id": 1, "author": "agent", "agent_id": 3, "text": "", "attachments": [],
                "external_id": null, "status": "queued", "error": null, "at": 1000000,
                "reaction": null, "edited_at": null, "deleted_at": null}}"#,
        );
        let mut event = engine_event(1, &live, &mut conversations).unwrap();
        name_event(&mut event, &live, &mut names);
        let EventKind::Message {
            conversation,
            agent,
            id,
            ..
        } = event.kind
        else {
            panic!("a message");
        };
        assert_eq!(names.conversation_name(conversation), "5");
        assert_eq!(agent.map(|a| names.agent_name(a)), Some("3"));
        assert_eq!(id.map(|m| names.message_id(m)), Some("77"));
    }
}

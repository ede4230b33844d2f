//! The live responsiveness engine of each channel, kept up to date from the
//! workspace's event log rather than by re-reading the channel's history.
//!
//! An engine is built once from the stored history; after that, each request first
//! applies the workspace events it has not seen (messages, folder moves, status
//! changes: the same log every node reads, so nodes agree). An event older than the
//! engine's latest (a platform timestamp that arrived late) makes it rebuild.

use std::collections::HashMap;

use pronto_core::{
    Author, ConvId, Event, EventKind, Folder, LiveEngine, Presence, Report, Sender, Settings,
    Timestamp,
};
use pronto_store::{LiveEvent, MessageAuthor, Result, Store};
use tokio::sync::Mutex;

/// One channel's engine and where it is in the workspace's event log.
struct Entry {
    engine: LiveEngine,
    applied: i64,
    conversations: HashMap<i64, ConvId>,
}

/// Engines by (workspace, channel, settings). The workspace is part of the key so
/// that an engine built for one workspace is never found by another's request.
#[derive(Default)]
pub struct Engines {
    map: Mutex<HashMap<(i64, i64, bool, String), Entry>>,
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
        let mut map = self.map.lock().await;
        let key = (workspace_id, channel_id, settings.human_only, threshold_key);
        if !map.contains_key(&key) {
            // Each distinct setting keeps its own engine; a client varying them
            // endlessly must not grow this without bound.
            if map.len() >= 256 {
                map.clear();
            }
            map.insert(
                key.clone(),
                build(store, workspace_id, channel_id, settings).await?,
            );
        }
        let entry = map.get_mut(&key).expect("just inserted");
        loop {
            let events = store
                .events_after(workspace_id, entry.applied, 1000)
                .await?;
            let done = events.len() < 1000;
            let Some(last) = events.last() else { break };
            entry.applied = last.seq;
            // Events commit in number order, not always in time order (a platform's
            // timestamps, concurrent writers): a batch is put in time order first,
            // and only an event older than the engine's past makes it rebuild.
            let mut batch: Vec<Event> = events
                .iter()
                .filter_map(|e| engine_event(channel_id, &e.event, &mut entry.conversations))
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
        Ok(entry.engine.report_at(Timestamp::from_micros(now)))
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
    let mut engine = LiveEngine::new(settings);
    for event in stream.events() {
        engine.push(event).expect("a stream is in order");
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
    })
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

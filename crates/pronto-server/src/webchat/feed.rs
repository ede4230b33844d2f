//! One reader of a workspace's event log for all of this node's visitor streams,
//! handing each event only to the streams it concerns.
//!
//! A visitor's stream wants a few events of its own conversation among all of the
//! workspace's. If each stream read the log on every commit, a commit would cost one
//! query per connected visitor; if each were handed every event, one wake-up per
//! connected visitor. Instead one task per workspace (while it has visitor streams)
//! reads each new block of the log once and hands an event to the streams of its
//! conversation, and to its visitor's streams (a visitor's own message, whose id on
//! the channel names them, and read watermarks, which name the contact). A stream
//! reads the log itself only to catch up: when it opens or resumes
//! (`Last-Event-ID`), when it learns its conversation, and when it fell behind (its
//! queue was full, so the feed let it go).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pronto_store::{LiveEvent, Logged, MessageAuthor, MessageStatus};
use tokio::sync::{broadcast, mpsc};

use crate::routes::events::POLL;
use crate::state::AppState;

/// Events a stream may have waiting before the feed lets it go (it then catches up
/// from the log).
const QUEUE: usize = 256;

/// Who a stream is: its channel and visitor.
pub type VisitorKey = (i64, String);

/// The workspaces' feeds on this node.
#[derive(Default)]
pub struct Feeds {
    workspaces: Mutex<HashMap<i64, Registry>>,
}

#[derive(Default)]
struct Registry {
    next: u64,
    by_visitor: HashMap<VisitorKey, Senders>,
    by_conversation: HashMap<i64, Senders>,
}

impl Registry {
    fn is_empty(&self) -> bool {
        self.by_visitor.is_empty() && self.by_conversation.is_empty()
    }
}

/// A stream's place in its workspace's feed. When the feed lets it go (its queue
/// was full), `events` ends: the stream catches up from the log and subscribes
/// again.
pub struct Subscription {
    /// Its events.
    pub events: mpsc::Receiver<Arc<Logged>>,
    id: u64,
    visitor: VisitorKey,
}

type Senders = Vec<(u64, mpsc::Sender<Arc<Logged>>)>;

impl Feeds {
    /// Registers a stream of `visitor` (and of `conversation`, when known), starting
    /// the workspace's reader (from after event `from`) if none runs. A running
    /// reader hands on only what it reads from now on: the caller catches up from
    /// the log, after subscribing, to meet it.
    pub fn subscribe(
        &self,
        state: &AppState,
        workspace: i64,
        from: i64,
        visitor: &VisitorKey,
        conversation: Option<i64>,
    ) -> Subscription {
        let (sender, events) = mpsc::channel(QUEUE);
        let mut all = self.workspaces.lock().unwrap_or_else(|e| e.into_inner());
        let start = !all.contains_key(&workspace);
        let registry = all.entry(workspace).or_default();
        registry.next += 1;
        let id = registry.next;
        if let Some(c) = conversation {
            registry
                .by_conversation
                .entry(c)
                .or_default()
                .push((id, sender.clone()));
        }
        registry
            .by_visitor
            .entry(visitor.clone())
            .or_default()
            .push((id, sender));
        if start {
            tokio::spawn(read(state.clone(), workspace, from));
        }
        Subscription {
            events,
            id,
            visitor: visitor.clone(),
        }
    }

    /// Whether this node holds a live stream of `visitor` now.
    pub fn is_connected(&self, workspace: i64, visitor: &VisitorKey) -> bool {
        let all = self.workspaces.lock().unwrap_or_else(|e| e.into_inner());
        all.get(&workspace)
            .and_then(|r| r.by_visitor.get(visitor))
            .is_some_and(|l| l.iter().any(|(_, tx)| !tx.is_closed()))
    }

    /// Adds a stream to its conversation's, once it learned it; false if the feed
    /// had let it go meanwhile.
    pub fn add_conversation(&self, workspace: i64, sub: &Subscription, conversation: i64) -> bool {
        let mut all = self.workspaces.lock().unwrap_or_else(|e| e.into_inner());
        let Some(registry) = all.get_mut(&workspace) else {
            return false;
        };
        let Some(sender) = registry
            .by_visitor
            .get(&sub.visitor)
            .and_then(|l| l.iter().find(|(id, _)| *id == sub.id))
            .map(|(_, tx)| tx.clone())
        else {
            return false;
        };
        registry
            .by_conversation
            .entry(conversation)
            .or_default()
            .push((sub.id, sender));
        true
    }

    /// Hands `event` to the streams it concerns. A stream whose queue is full is let
    /// go everywhere (its events end; it catches up from the log), one that ended is
    /// forgotten. Says whether the workspace still has a registry.
    fn dispatch(&self, workspace: i64, event: &Arc<Logged>) -> bool {
        let mut all = self.workspaces.lock().unwrap_or_else(|e| e.into_inner());
        let Some(registry) = all.get_mut(&workspace) else {
            return false;
        };
        let mut let_go = Vec::new();
        let mut send = |list: &mut Senders| {
            list.retain(|(id, tx)| match tx.try_send(event.clone()) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    let_go.push(*id);
                    false
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            });
        };
        if let Some(c) = conversation_of(&event.event)
            && let Some(list) = registry.by_conversation.get_mut(&c)
        {
            send(list);
        }
        if let Some(v) = visitor_of(&event.event)
            && let Some(list) = registry.by_visitor.get_mut(&v)
        {
            send(list);
        }
        if !let_go.is_empty() {
            for list in registry
                .by_visitor
                .values_mut()
                .chain(registry.by_conversation.values_mut())
            {
                list.retain(|(id, _)| !let_go.contains(id));
            }
        }
        true
    }

    /// Forgets the streams that ended, and ends `workspace`'s feed if none is left;
    /// says whether it did.
    fn end_if_unused(&self, workspace: i64) -> bool {
        let mut all = self.workspaces.lock().unwrap_or_else(|e| e.into_inner());
        let Some(registry) = all.get_mut(&workspace) else {
            return true;
        };
        for map in [
            &mut registry.by_visitor as &mut dyn Sweep,
            &mut registry.by_conversation,
        ] {
            map.sweep();
        }
        if registry.is_empty() {
            all.remove(&workspace);
            return true;
        }
        false
    }
}

/// Drops the closed senders of a map of lists, and the lists left empty.
trait Sweep {
    fn sweep(&mut self);
}

impl<K: Eq + std::hash::Hash> Sweep for HashMap<K, Senders> {
    fn sweep(&mut self) {
        self.retain(|_, l| {
            l.retain(|(_, tx)| !tx.is_closed());
            !l.is_empty()
        });
    }
}

/// The conversation an event is about, for the visitor's view.
fn conversation_of(event: &LiveEvent) -> Option<i64> {
    match event {
        LiveEvent::MessageCreated {
            conversation_id, ..
        }
        | LiveEvent::MessageUpdated {
            conversation_id, ..
        }
        | LiveEvent::MessageStatus(MessageStatus::Message {
            conversation_id, ..
        })
        | LiveEvent::ConversationTyping {
            conversation_id, ..
        }
        | LiveEvent::ConversationViewing {
            conversation_id, ..
        } => Some(*conversation_id),
        _ => None,
    }
}

/// The visitor an event names: a web chat visitor's own message (its id on the
/// channel is the visitor's id, `/`, and the widget's id, which has no `/`), or a
/// read watermark of a contact.
pub fn visitor_of(event: &LiveEvent) -> Option<VisitorKey> {
    match event {
        LiveEvent::MessageCreated { message, .. } if message.author == MessageAuthor::Customer => {
            let (visitor, _) = message.external_id.as_deref()?.rsplit_once('/')?;
            Some((message.channel_id, visitor.to_owned()))
        }
        LiveEvent::MessageStatus(MessageStatus::Watermark {
            channel_id,
            contact,
            ..
        }) => Some((*channel_id, contact.clone())),
        _ => None,
    }
}

/// The workspace's reader: after each wake-up (and every [`POLL`]), reads what was
/// logged since its last read and hands it on.
async fn read(state: AppState, workspace: i64, from: i64) {
    let mut wake = state.store.subscribe();
    let mut after = from;
    loop {
        if state.feeds.end_if_unused(workspace) || state.is_stopping() {
            return;
        }
        loop {
            match state.store.events_after(workspace, after, 500).await {
                Ok(list) if !list.is_empty() => {
                    for e in list {
                        after = e.seq;
                        if !state.feeds.dispatch(workspace, &Arc::new(e)) {
                            return;
                        }
                    }
                }
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!("visitor feed: {e}");
                    break;
                }
            }
        }
        let wait = tokio::time::timeout(POLL, async {
            loop {
                match wake.recv().await {
                    Ok(ws) if ws == workspace => break,
                    Ok(_) => continue,
                    Err(broadcast::error::RecvError::Lagged(_)) => break,
                    Err(broadcast::error::RecvError::Closed) => std::future::pending::<()>().await,
                }
            }
        });
        tokio::select! {
            _ = wait => {}
            () = state.stopping() => return,
        }
    }
}

//! The events of one channel, as the responsiveness engine reads them.
//!
//! Names (conversation ids, agent ids, message ids) are interned once at the edge so
//! that an event is a small `Copy` value: ten million of them fit in 240 MB and the
//! engine never hashes a string.

use std::collections::HashMap;
use std::num::NonZeroU32;

use crate::time::Timestamp;

/// Who wrote a business message. Only `Agent` and `Bot` can answer an opportunity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Author {
    /// A person on the team.
    Agent,
    /// A program replying through the API.
    Bot,
    /// An automated instant reply, greeting or away message: never a response.
    Automation,
}

impl Author {
    /// The spec's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Author::Agent => "agent",
            Author::Bot => "bot",
            Author::Automation => "automation",
        }
    }

    /// Parses the spec's spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "agent" => Some(Author::Agent),
            "bot" => Some(Author::Bot),
            "automation" => Some(Author::Automation),
            _ => None,
        }
    }
}

/// Which side wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sender {
    /// The customer.
    Customer,
    /// The business, by one of its authors.
    Business(Author),
}

/// A conversation's folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Folder {
    /// The default folder.
    Inbox,
    /// Handled.
    Done,
    /// Marked as spam.
    Spam,
}

impl Folder {
    /// The spec's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Folder::Inbox => "inbox",
            Folder::Done => "done",
            Folder::Spam => "spam",
        }
    }

    /// Parses the spec's spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "inbox" => Some(Folder::Inbox),
            "done" => Some(Folder::Done),
            "spam" => Some(Folder::Spam),
            _ => None,
        }
    }
}

/// The channel's away status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    /// New messages are excluded for up to 12 hours.
    Away,
    /// Back at work.
    Available,
}

impl Presence {
    /// The spec's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Away => "away",
            Presence::Available => "available",
        }
    }

    /// Parses the spec's spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "away" => Some(Presence::Away),
            "available" => Some(Presence::Available),
            _ => None,
        }
    }
}

/// A conversation of the channel, an index into [`Names`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConvId(pub u32);

/// An agent, an index (from 1) into [`Names`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgentId(pub NonZeroU32);

/// A message's own id, an index (from 1) into the log's message ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageRef(pub NonZeroU32);

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A message in a conversation.
    Message {
        /// The conversation.
        conversation: ConvId,
        /// Who wrote it.
        sender: Sender,
        /// The agent who wrote it, when the business message says so.
        agent: Option<AgentId>,
        /// The message's id, when the input has one.
        id: Option<MessageRef>,
    },
    /// The channel was set away or available.
    Status(Presence),
    /// A conversation was moved to a folder.
    Folder {
        /// The conversation.
        conversation: ConvId,
        /// Where it went.
        folder: Folder,
    },
}

/// One event of a channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// When it happened.
    pub at: Timestamp,
    /// What happened.
    pub kind: EventKind,
}

/// Interned strings: each distinct name gets the next index.
#[derive(Debug, Default, Clone)]
pub struct Names {
    list: Vec<Box<str>>,
    index: HashMap<Box<str>, u32, foldhash::fast::RandomState>,
}

impl Names {
    /// The index of `name`, adding it if it is new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = u32::try_from(self.list.len()).expect("more than 4 billion names");
        self.list.push(name.into());
        self.index.insert(name.into(), i);
        i
    }

    /// The name at `index`.
    pub fn get(&self, index: u32) -> &str {
        &self.list[index as usize]
    }

    /// The index of `name`, if it was interned.
    pub fn find(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    /// How many names there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// Events as read, in input order, with their names.
#[derive(Debug, Default, Clone)]
pub struct EventLog {
    events: Vec<Event>,
    conversations: Names,
    agents: Names,
    message_ids: Vec<Box<str>>,
    in_order: bool,
}

impl EventLog {
    /// An empty log.
    pub fn new() -> Self {
        EventLog {
            in_order: true,
            ..Default::default()
        }
    }

    /// The id of the conversation named `name`.
    pub fn conversation(&mut self, name: &str) -> ConvId {
        ConvId(self.conversations.intern(name))
    }

    /// The id of the agent named `name`.
    pub fn agent(&mut self, name: &str) -> AgentId {
        AgentId(nonzero(self.agents.intern(name)))
    }

    /// Keeps a message's own id (ids are not interned: each message has its own).
    pub fn message_id(&mut self, id: &str) -> MessageRef {
        self.message_ids.push(id.into());
        MessageRef(nonzero(
            u32::try_from(self.message_ids.len() - 1).expect("more than 4 billion ids"),
        ))
    }

    /// Appends an event.
    pub fn push(&mut self, event: Event) {
        if let Some(last) = self.events.last() {
            self.in_order &= last.at <= event.at;
        }
        self.events.push(event);
    }

    /// How many events there are.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Puts the events in the spec's order (by instant; ties keep their input order).
    pub fn into_stream(mut self) -> Stream {
        if !self.in_order {
            self.events.sort_by_key(|e| e.at);
        }
        Stream {
            events: self.events,
            conversations: self.conversations,
            agents: self.agents,
            message_ids: self.message_ids,
        }
    }
}

/// Events in the spec's order: by instant, ties in input order. The engine reads only
/// this type, so it never sees an unordered stream.
#[derive(Debug, Clone, Default)]
pub struct Stream {
    events: Vec<Event>,
    conversations: Names,
    agents: Names,
    message_ids: Vec<Box<str>>,
}

impl Stream {
    /// The ordered events.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The events with `at <= now` (a prefix, since the stream is ordered).
    pub fn until(&self, now: Timestamp) -> &[Event] {
        let end = self.events.partition_point(|e| e.at <= now);
        &self.events[..end]
    }

    /// The name of a conversation.
    pub fn conversation_name(&self, id: ConvId) -> &str {
        self.conversations.get(id.0)
    }

    /// How many conversations the stream names.
    pub fn conversation_count(&self) -> usize {
        self.conversations.len()
    }

    /// The name of an agent.
    pub fn agent_name(&self, id: AgentId) -> &str {
        self.agents.get(id.0.get() - 1)
    }

    /// A message's own id.
    pub fn message_id(&self, id: MessageRef) -> &str {
        &self.message_ids[id.0.get() as usize - 1]
    }
}

fn nonzero(index: u32) -> NonZeroU32 {
    NonZeroU32::new(index.checked_add(1).expect("more than 4 billion names"))
        .expect("index + 1 is never zero")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_small() {
        assert!(std::mem::size_of::<Event>() <= 24);
    }

    #[test]
    fn stream_orders_by_instant_and_keeps_ties_in_input_order() {
        let mut log = EventLog::new();
        let a = log.conversation("a");
        let b = log.conversation("b");
        assert_eq!(log.conversation("a"), a);
        let msg = |c| EventKind::Message {
            conversation: c,
            sender: Sender::Customer,
            agent: None,
            id: None,
        };
        log.push(Event {
            at: Timestamp::from_micros(5),
            kind: msg(a),
        });
        log.push(Event {
            at: Timestamp::from_micros(1),
            kind: msg(b),
        });
        log.push(Event {
            at: Timestamp::from_micros(1),
            kind: msg(a),
        });
        let stream = log.into_stream();
        let order: Vec<_> = stream
            .events()
            .iter()
            .map(|e| match e.kind {
                EventKind::Message { conversation, .. } => (e.at.micros(), conversation),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(order, vec![(1, b), (1, a), (5, a)]);
        assert_eq!(stream.until(Timestamp::from_micros(1)).len(), 2);
        assert_eq!(stream.conversation_name(b), "b");
    }
}

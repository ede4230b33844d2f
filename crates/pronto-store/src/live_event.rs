//! The live events: every change a client, a worker or another node can follow,
//! as one typed enum. The list of kinds is written here and nowhere else: the
//! store's log, the engines, the event stream, outgoing webhooks and the page
//! scripts (which receive [`LiveEvent::KINDS`] from the page) all read it.
//!
//! An event is kept as its kind and its payload (the variant's fields as a JSON
//! object), which is also what the event stream and outgoing webhooks send.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Comment, Message, Micros, Note};

/// Writes the enum, its list of kinds and `kind()` from one list, so that a kind's
/// name is written once.
macro_rules! live_events {
    ($($(#[$doc:meta])* $name:literal => $variant:ident $fields:tt,)*) => {
        /// One change, as clients receive it: `kind` names the variant, `payload`
        /// holds its fields.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind", content = "payload")]
        pub enum LiveEvent {
            $($(#[$doc])* #[serde(rename = $name)] $variant $fields,)*
            /// An event this version does not know (written by a newer one, or
            /// damaged): kept in the numbering, otherwise skipped.
            #[serde(other)]
            Unknown,
        }

        impl LiveEvent {
            /// Every kind, as clients see it.
            pub const KINDS: &'static [&'static str] = &[$($name),*];

            /// Its kind.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(LiveEvent::$variant { .. } => $name,)*
                    LiveEvent::Unknown => "unknown",
                }
            }
        }
    };
}

live_events! {
    /// A message was stored (a customer's, a reply, an echo).
    "message.created" => MessageCreated {
        /// Its conversation.
        conversation_id: i64,
        /// The message as stored.
        message: Message,
    },
    /// A stored message changed (edited, deleted, reacted to).
    "message.updated" => MessageUpdated {
        /// Its conversation.
        conversation_id: i64,
        /// The message as it now is.
        message: Message,
    },
    /// A reply's delivery state moved (sent, failed; delivered and read by watermark).
    "message.status" => MessageStatus(MessageStatus),
    /// A WhatsApp channel's message templates changed (synchronized, or a status
    /// update from Meta).
    "channel.templates" => ChannelTemplates {
        /// The channel.
        channel_id: i64,
    },
    /// A conversation was assigned (or unassigned: `assignee_id` null).
    "conversation.assigned" => ConversationAssigned {
        /// The conversation.
        conversation_id: i64,
        /// Who has it now.
        assignee_id: Option<i64>,
    },
    /// A conversation's priority changed.
    "conversation.priority" => ConversationPriority {
        /// The conversation.
        conversation_id: i64,
        /// Its priority (higher first).
        priority: i64,
    },
    /// A conversation was snoozed, or woken by a person.
    "conversation.snoozed" => ConversationSnoozed {
        /// The conversation.
        conversation_id: i64,
        /// Until when; none when woken or until the customer writes.
        until: Option<Micros>,
        /// Until the customer writes.
        until_reply: bool,
    },
    /// A conversation moved to another folder.
    "conversation.moved" => ConversationMoved {
        /// The conversation.
        conversation_id: i64,
        /// Its channel.
        channel_id: i64,
        /// `inbox`, `done` or `spam`.
        folder: String,
        /// When.
        at: Micros,
    },
    /// Labels were added to or removed from a conversation.
    "conversation.labeled" => ConversationLabeled {
        /// The conversation.
        conversation_id: i64,
        /// Labels added.
        added: Vec<String>,
        /// Labels removed.
        removed: Vec<String>,
    },
    /// Someone is typing a reply.
    "conversation.typing" => ConversationTyping {
        /// The conversation.
        conversation_id: i64,
        /// Who (a user, or null for a token).
        user_id: Option<i64>,
        /// When.
        at: Micros,
    },
    /// Someone has the conversation open.
    "conversation.viewing" => ConversationViewing {
        /// The conversation.
        conversation_id: i64,
        /// Who.
        user_id: i64,
        /// When.
        at: Micros,
    },
    /// An internal note was added.
    "note.created" => NoteCreated {
        /// The conversation.
        conversation_id: i64,
        /// The note.
        note: Note,
    },
    /// A channel became available or away.
    "channel.status" => ChannelStatus {
        /// The channel.
        channel_id: i64,
        /// `available` or `away`.
        status: String,
        /// When.
        at: Micros,
        /// What set it (`manual`, `hours`...), when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
    /// A channel's automation settings changed.
    "channel.automation" => ChannelAutomation {
        /// The channel.
        channel_id: i64,
    },
    /// A channel's routing mode changed.
    "channel.routing" => ChannelRouting {
        /// The channel.
        channel_id: i64,
        /// The mode.
        mode: String,
    },
    /// A channel's responsiveness figures moved.
    "responsiveness.changed" => ResponsivenessChanged {
        /// The channel.
        channel_id: i64,
        /// The spec's report, as JSON.
        report: Value,
    },
    /// A contact's attributes changed.
    "contact.updated" => ContactUpdated {
        /// The contact.
        contact_id: i64,
        /// All of its attributes.
        attributes: Value,
    },
    /// A customer is typing (a web chat visitor; platforms that say so).
    "contact.typing" => ContactTyping {
        /// The conversation.
        conversation_id: i64,
        /// When.
        at: Micros,
    },
    /// A comment on one of the channel's posts arrived.
    "comment.created" => CommentCreated {
        /// The comment.
        comment: Comment,
    },
    /// A comment was removed by its author.
    "comment.removed" => CommentRemoved {
        /// The channel.
        channel_id: i64,
        /// The platform's id of the comment.
        external_id: String,
        /// When.
        deleted_at: Micros,
    },
    /// A rule asked for a person to be told about a conversation.
    "agent.notified" => AgentNotified {
        /// Who.
        user_id: i64,
        /// The conversation.
        conversation_id: i64,
        /// The rule.
        rule_id: i64,
    },
    /// A customer's message must be answered within minutes or the badge is lost
    /// (the responsiveness forecast); flagged once a conversation and wait.
    "conversation.at_risk" => ConversationAtRisk {
        /// The conversation.
        conversation_id: i64,
        /// When the customer's wait began.
        since: Micros,
    },
    /// A person is told about a conversation (`alerts`: what concerns them, as
    /// their preferences allow; the page shows it, push carries it).
    "alert.created" => AlertCreated {
        /// Who.
        user_id: i64,
        /// The conversation.
        conversation_id: i64,
        /// `new_conversation`, `customer_message`, `assigned`, `rule_notify` or
        /// `at_risk`.
        reason: String,
        /// The contact's name, if the person's preference shows it.
        name: Option<String>,
        /// The message's first words, if the person's preference shows them.
        text: Option<String>,
        /// Whether the page plays a sound.
        sound: bool,
    },
}

/// The two shapes of a delivery state change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MessageStatus {
    /// One message's state (`sent`, `failed` with the reason...).
    Message {
        /// Its conversation.
        conversation_id: i64,
        /// The message.
        message_id: i64,
        /// The new state.
        status: String,
        /// Why it failed.
        error: Option<String>,
    },
    /// Every reply to a contact up to a platform watermark was `delivered` or `read`.
    Watermark {
        /// The channel.
        channel_id: i64,
        /// The contact's id on the platform.
        contact: String,
        /// `delivered` or `read`.
        status: String,
        /// Up to when.
        watermark: Micros,
    },
}

impl LiveEvent {
    /// Its payload, as the event stream and outgoing webhooks send it.
    pub fn payload(&self) -> Value {
        match serde_json::to_value(self) {
            Ok(Value::Object(mut map)) => map.remove("payload").unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }

    /// Its payload as JSON text (what the log keeps), written in one pass.
    pub fn payload_json(&self) -> String {
        // The adjacent tagging writes `{"kind":"…","payload":…}`: the payload is
        // that text without its frame.
        let whole = serde_json::to_string(self).unwrap_or_default();
        let frame = format!("{{\"kind\":\"{}\",\"payload\":", self.kind());
        whole
            .strip_prefix(&frame)
            .and_then(|rest| rest.strip_suffix('}'))
            .map_or_else(|| "null".to_owned(), str::to_owned)
    }

    /// The channel whose responsiveness the event can move, if any: a message, a
    /// folder move or a presence change.
    pub fn moves_responsiveness(&self) -> Option<i64> {
        match self {
            LiveEvent::MessageCreated { message, .. } => Some(message.channel_id),
            LiveEvent::ConversationMoved { channel_id, .. }
            | LiveEvent::ChannelStatus { channel_id, .. } => Some(*channel_id),
            _ => None,
        }
    }

    /// Reads a stored event back from its kind and payload; anything this version
    /// cannot read is [`LiveEvent::Unknown`].
    pub fn read(kind: &str, payload: &str) -> LiveEvent {
        // Both parts are the store's own output; the kind is a plain name.
        if !kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_')
        {
            return LiveEvent::Unknown;
        }
        let whole = format!("{{\"kind\":\"{kind}\",\"payload\":{payload}}}");
        serde_json::from_str(&whole).unwrap_or(LiveEvent::Unknown)
    }
}

/// An event in a workspace's log.
#[derive(Clone, Debug, PartialEq)]
pub struct Logged {
    /// Its number in the workspace: the SSE id, and the outgoing webhooks' cursor.
    pub seq: i64,
    /// When it was written.
    pub at: Micros,
    /// The change.
    pub event: LiveEvent,
}

impl Logged {
    /// The event's kind.
    pub fn kind(&self) -> &'static str {
        self.event.kind()
    }

    /// The event's payload.
    pub fn payload(&self) -> Value {
        self.event.payload()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_once_and_reads_back() {
        let mut kinds = LiveEvent::KINDS.to_vec();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), LiveEvent::KINDS.len());
        let moved = LiveEvent::ConversationMoved {
            conversation_id: 3,
            channel_id: 2,
            folder: "done".into(),
            at: 7,
        };
        assert!(LiveEvent::KINDS.contains(&moved.kind()));
        let payload = moved.payload().to_string();
        assert_eq!(moved.payload_json(), payload);
        assert_eq!(
            payload,
            r#"{"conversation_id":3,"channel_id":2,"folder":"done","at":7}"#
        );
        assert_eq!(LiveEvent::read(moved.kind(), &payload), moved);
        assert_eq!(LiveEvent::read("no.such", "{}"), LiveEvent::Unknown);
        assert_eq!(
            LiveEvent::read("message.created", "{\"x\":1}"),
            LiveEvent::Unknown
        );
        assert_eq!(LiveEvent::read("a\"b", "{}"), LiveEvent::Unknown);
    }

    #[test]
    fn a_status_reads_back_in_either_shape() {
        for e in [
            LiveEvent::MessageStatus(MessageStatus::Message {
                conversation_id: 1,
                message_id: 2,
                status: "failed".into(),
                error: Some("no".into()),
            }),
            LiveEvent::MessageStatus(MessageStatus::Watermark {
                channel_id: 1,
                contact: "psid".into(),
                status: "read".into(),
                watermark: 9,
            }),
        ] {
            assert_eq!(LiveEvent::read(e.kind(), &e.payload().to_string()), e);
        }
    }
}

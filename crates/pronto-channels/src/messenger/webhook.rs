//! The wire types of a Messenger or Instagram webhook POST body.
//!
//! The types follow Meta's documented shapes but are tolerant by design: every field
//! is optional, unknown fields are ignored, unknown event kinds are kept as
//! [`EventKind::Unknown`], and an event whose documented fields have the wrong type
//! becomes [`EventKind::Invalid`] instead of failing the whole body. Meta batches
//! events and retries a body until it is acknowledged, so one odd event must not cost
//! the good ones beside it. [`parse_body`](super::parse_body) builds these types.

use std::fmt;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::de::{null_as_default, opt_app_id, opt_id};

/// A parsed webhook POST body.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookBody {
    /// Which product the events belong to (the body's `object`).
    pub object: Object,
    /// The body's `entry` list: one item per Page or Instagram account.
    pub entries: Vec<Entry>,
}

/// The products whose webhooks share this format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Object {
    /// A Facebook Page (Messenger): `"page"`.
    Page,
    /// An Instagram professional account: `"instagram"`.
    Instagram,
}

/// The events of one Page or Instagram account.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Entry {
    /// The Page id or the Instagram account id.
    pub id: Option<String>,
    /// When Meta sent the batch, in epoch milliseconds.
    pub time: Option<i64>,
    /// Events for the app that owns the thread (Meta sends one per entry).
    pub messaging: Vec<MessagingEvent>,
    /// Copies of events in threads that another app owns.
    pub standby: Vec<MessagingEvent>,
    /// Changes to the Page's or account's objects: Page `feed` items, Instagram
    /// `comments`, and fields Pronto does not model.
    pub changes: Vec<Change>,
}

impl Entry {
    /// All events of the entry, `messaging` first, each with where it came from, so a
    /// consumer that treats both lanes alike needs one loop and can still say where
    /// an event was.
    pub fn events(&self) -> impl Iterator<Item = (Lane, usize, &MessagingEvent)> {
        let messaging = self
            .messaging
            .iter()
            .enumerate()
            .map(|(i, e)| (Lane::Messaging, i, e));
        let standby = self
            .standby
            .iter()
            .enumerate()
            .map(|(i, e)| (Lane::Standby, i, e));
        messaging.chain(standby)
    }
}

/// The list of an entry that an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lane {
    /// `entry[].messaging[]`.
    Messaging,
    /// `entry[].standby[]`.
    Standby,
}

impl fmt::Display for Lane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lane::Messaging => "messaging",
            Lane::Standby => "standby",
        })
    }
}

/// One event: who, to whom, when, and what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct MessagingEvent {
    /// Who caused the event: the customer, or the Page on echoes.
    pub sender: Option<Party>,
    /// Who received it.
    pub recipient: Option<Party>,
    /// When it happened, in epoch milliseconds.
    pub timestamp: Option<i64>,
    /// What happened, named by the key beside `sender`, `recipient` and `timestamp`.
    pub kind: EventKind,
}

/// A sender or recipient.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Party {
    /// A PSID, an IGSID, a Page id or an Instagram account id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<String>,
    /// The retired chat plugin's user reference, sent instead of an id.
    pub user_ref: Option<String>,
}

/// What an event is about.
///
/// The large payloads are boxed so that an event of any kind stays about 100 bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// `message`: a new message, or an echo of the business's own (`is_echo`).
    Message(Box<Message>),
    /// `message_edit`: a message's text was changed.
    MessageEdit(MessageEdit),
    /// `read`: the customer read the business's messages.
    Read(Read),
    /// `delivery`: the business's messages reached the customer's device.
    Delivery(Delivery),
    /// `reaction`: an emoji reaction was added or removed.
    Reaction(Reaction),
    /// `postback`: a button was tapped.
    Postback(Box<Postback>),
    /// `referral`: an existing thread was re-entered from a link or an ad.
    Referral(Box<Referral>),
    /// `optin`: the customer agreed to something (notifications, a plugin).
    Optin(Box<Optin>),
    /// A kind this module does not model (handovers, policy enforcement, newer
    /// ones): the event's fields other than `sender`, `recipient` and `timestamp`.
    Unknown(Map<String, Value>),
    /// An event whose documented fields have the wrong type.
    Invalid {
        /// The key that names the event's kind, such as `"message"` (empty when the
        /// event has no key besides the envelope).
        kind: String,
        /// What was wrong, for a person.
        error: String,
    },
}

/// A `message` event's payload.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Message {
    /// Meta's message id, the key for deduplication.
    #[serde(default, deserialize_with = "opt_id")]
    pub mid: Option<String>,
    /// The text, absent for attachments.
    pub text: Option<String>,
    /// Whether the business sent this message (an echo) rather than the customer.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_echo: bool,
    /// On echoes, the app that sent the message; absent before Graph v12.
    #[serde(default, deserialize_with = "opt_app_id")]
    pub app_id: Option<u64>,
    /// On echoes, the `metadata` the sending app set on the Send API call.
    pub metadata: Option<String>,
    /// Images, files, stickers, shares and the like.
    #[serde(default, deserialize_with = "null_as_default")]
    pub attachments: Vec<Attachment>,
    /// The quick reply the customer tapped.
    pub quick_reply: Option<QuickReply>,
    /// The message or story this one replies to.
    pub reply_to: Option<ReplyTo>,
    /// The ad or link that led to this message.
    pub referral: Option<Referral>,
    /// Instagram: the customer deleted the message with this `mid`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_deleted: bool,
    /// Instagram: a message type that the API does not deliver.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_unsupported: bool,
}

/// An attachment of a message.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Attachment {
    /// `image`, `video`, `audio`, `file`, `sticker`, `template`, `share`, ...
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The type's own fields (`url`, `title`, `sticker_id`, ...), kept as JSON because
    /// their shape differs by type and changes over time.
    pub payload: Option<Value>,
}

/// A tapped quick reply.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct QuickReply {
    /// The payload the business set on the quick reply.
    pub payload: Option<String>,
}

/// What a message replies to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct ReplyTo {
    /// The replied-to message.
    #[serde(default, deserialize_with = "opt_id")]
    pub mid: Option<String>,
    /// Whether the customer replied to their own message.
    pub is_self_reply: Option<bool>,
    /// Instagram: the replied-to story.
    pub story: Option<Story>,
}

/// An Instagram story.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Story {
    /// The story's id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<String>,
    /// A CDN address of the story's media.
    pub url: Option<String>,
}

/// Where a customer came from: an m.me link, an ad, a QR code.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Referral {
    /// The link's `ref` parameter.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// `ADS`, `SHORTLINK`, or the legacy `CUSTOMER_CHAT_PLUGIN`.
    pub source: Option<String>,
    /// `OPEN_THREAD`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The ad, when `source` is `ADS`.
    #[serde(default, deserialize_with = "opt_id")]
    pub ad_id: Option<String>,
    /// The ad's title, media and product, as JSON.
    pub ads_context_data: Option<Value>,
    /// The page that hosted the legacy chat plugin.
    pub referer_uri: Option<String>,
}

impl Referral {
    /// The ad or link that brought the customer, as Pronto keeps it with the message
    /// (and on the contact) for the agent.
    pub fn attachment(&self) -> Value {
        serde_json::json!({
            "type": "referral",
            "ref": self.reference,
            "source": self.source,
            "ad_id": self.ad_id,
            "ads_context_data": self.ads_context_data,
        })
    }
}

/// A `message_edit` event's payload.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct MessageEdit {
    /// The edited message.
    #[serde(default, deserialize_with = "opt_id")]
    pub mid: Option<String>,
    /// The new text.
    pub text: Option<String>,
    /// How many times the message has been edited (at most 5).
    pub num_edit: Option<u32>,
}

/// A `read` event's payload.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Read {
    /// Messenger: every business message at or before this instant (ms) was read.
    pub watermark: Option<i64>,
    /// Instagram: the message that was seen (Instagram sends no watermark).
    #[serde(default, deserialize_with = "opt_id")]
    pub mid: Option<String>,
}

/// A `delivery` event's payload.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Delivery {
    /// The delivered messages; sometimes absent.
    #[serde(default, deserialize_with = "null_as_default")]
    pub mids: Vec<String>,
    /// Every business message at or before this instant (ms) was delivered.
    pub watermark: Option<i64>,
}

/// A `reaction` event's payload.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Reaction {
    /// `smile`, `angry`, `sad`, `wow`, `love`, `like`, `dislike` or `other`.
    pub reaction: Option<String>,
    /// The emoji itself.
    pub emoji: Option<String>,
    /// `react` or `unreact`.
    pub action: Option<String>,
    /// The message reacted to.
    #[serde(default, deserialize_with = "opt_id")]
    pub mid: Option<String>,
}

/// A `postback` event's payload.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Postback {
    /// The postback's own message id.
    #[serde(default, deserialize_with = "opt_id")]
    pub mid: Option<String>,
    /// The button's title.
    pub title: Option<String>,
    /// The payload set on the button; standby copies omit it.
    pub payload: Option<String>,
    /// Present when the tap started a new thread from a link, an ad or a QR code.
    pub referral: Option<Referral>,
}

/// An `optin` event's payload.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Optin {
    /// `notification_messages`, or absent for the legacy plugin form.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The payload set on the opt-in request.
    pub payload: Option<String>,
    /// The token for sending marketing messages.
    pub notification_messages_token: Option<String>,
    /// When the token expires; Meta's examples disagree on its type, so it is JSON.
    pub token_expiry_timestamp: Option<Value>,
    /// `REFRESHED` or `NOT_REFRESHED`.
    pub user_token_status: Option<String>,
    /// `STOP NOTIFICATIONS` or `RESUME NOTIFICATIONS`.
    pub notification_messages_status: Option<String>,
    /// The title of the opt-in request.
    pub title: Option<String>,
    /// Legacy plugin: the `data-ref` parameter.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// Legacy checkbox plugin: the user reference.
    pub user_ref: Option<String>,
    /// `accept` when a customer-matching request was accepted.
    pub message_request: Option<String>,
}

/// One item of an entry's `changes` list.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The subscribed field: `feed` (Page), `comments` (Instagram), ...
    pub field: String,
    /// What changed.
    pub kind: ChangeKind,
}

/// What a change is about.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeKind {
    /// A comment on a Page post or an Instagram media.
    Comment(Box<Comment>),
    /// A change Pronto does not model (other feed items, mentions, ...): its `value`.
    Other(Value),
    /// A comment whose documented fields have the wrong type.
    Invalid {
        /// What was wrong, for a person.
        error: String,
    },
}

/// A comment, in one shape for Page `feed` comments and Instagram `comments`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Comment {
    /// The comment's id, the key for deduplication and for a private reply.
    pub id: Option<String>,
    /// `add`, `edited` or `remove` (Instagram sends only new comments: `add`).
    pub verb: String,
    /// The post (Page) or media (Instagram) commented on.
    pub post_id: Option<String>,
    /// The comment replied to, or the post for a top-level Page comment.
    pub parent_id: Option<String>,
    /// Who wrote it.
    pub from: Option<CommentAuthor>,
    /// The comment's text.
    pub text: Option<String>,
    /// When it was written, in epoch seconds (Page comments only).
    pub created_time: Option<i64>,
}

/// The author of a comment.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct CommentAuthor {
    /// A Facebook user id (not a PSID) or an IGSID.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<String>,
    /// The Facebook name.
    pub name: Option<String>,
    /// The Instagram username.
    pub username: Option<String>,
}

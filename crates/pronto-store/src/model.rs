//! The stored things, as the rest of Pronto sees them.

use pronto_core::Folder;
pub use pronto_core::channel::{ApiConfig, ChannelKind, MetaConfig, WhatsAppConfig};
pub use pronto_core::webchat::WebChatConfig;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Microseconds since the Unix epoch (UTC): every time the store keeps.
pub type Micros = i64;

/// What a person or token may do in a workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages channels, users and settings, and works conversations.
    Admin,
    /// Works conversations.
    Agent,
}

impl Role {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }
}

/// A person who signs in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct User {
    /// Its id.
    pub id: i64,
    /// Its email address, lowercased.
    pub email: String,
    /// Its display name.
    pub name: String,
    /// Its preferred language, if chosen.
    pub locale: Option<String>,
    /// When it was deactivated; a deactivated user cannot sign in.
    pub deactivated_at: Option<i64>,
}

/// A user's place in a workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Member {
    /// The user.
    #[serde(flatten)]
    pub user: User,
    /// Its role there.
    pub role: Role,
    /// Whether they said they are away (routing gives them nothing new).
    pub away: bool,
    /// When their away ends by itself (microseconds since the epoch); `None`
    /// when they are back when they say so.
    pub away_until: Option<Micros>,
}

/// Who is making a request: a signed-in user, or an API token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The workspace it acts in.
    pub workspace_id: i64,
    /// The user, for a session.
    pub user_id: Option<i64>,
    /// The token, for an API token.
    pub token_id: Option<i64>,
    /// What it may do.
    pub role: Role,
    /// An admin reset this person's password: until they choose their own, they may
    /// only do that (never set for API tokens).
    pub must_change_password: bool,
}

/// An API token's public description (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// When it was made.
    pub created_at: i64,
    /// When it was last used.
    pub last_used_at: Option<i64>,
    /// When it was revoked.
    pub revoked_at: Option<i64>,
}

/// A channel: a Messenger Page, an Instagram account, an `api` channel...
#[derive(Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Channel {
    /// Its id.
    pub id: i64,
    /// Its workspace.
    pub workspace_id: i64,
    /// `api`, `messenger`, `instagram`, `whatsapp` or `webchat` (`email` to come).
    #[schema(value_type = String)]
    pub kind: ChannelKind,
    /// Its display name.
    pub name: String,
    /// Kind-specific settings (secrets are kept out of API output by the server).
    #[schema(value_type = Object)]
    pub config: Value,
    /// `receiving`, or why it is not (`needs_token`).
    pub state: String,
}

impl Channel {
    /// An `api` channel's settings, typed.
    pub fn api_config(&self) -> ApiConfig {
        ApiConfig::read(&self.config)
    }

    /// A Messenger or Instagram channel's settings, typed.
    pub fn meta_config(&self) -> MetaConfig {
        MetaConfig::read(&self.config)
    }

    /// A web chat's settings, typed.
    pub fn webchat_config(&self) -> WebChatConfig {
        WebChatConfig::read(&self.config)
    }

    /// A WhatsApp channel's settings, typed.
    pub fn whatsapp_config(&self) -> WhatsAppConfig {
        WhatsAppConfig::read(&self.config)
    }

    /// An email channel's settings, typed.
    pub fn email_config(&self) -> pronto_core::email::EmailConfig {
        pronto_core::email::EmailConfig::read(&self.config)
    }
}

/// Secrets in a channel's settings (tokens, signing secrets) stay out of logs.
impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut config = self.config.clone();
        if let Some(map) = config.as_object_mut() {
            for (key, value) in map.iter_mut() {
                if key.contains("secret") || key.contains("token") {
                    *value = Value::String("***".into());
                }
            }
        }
        f.debug_struct("Channel")
            .field("id", &self.id)
            .field("workspace_id", &self.workspace_id)
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("config", &config)
            .field("state", &self.state)
            .finish()
    }
}

/// A person writing to the business.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Contact {
    /// Its id.
    pub id: i64,
    /// Its name, as the channel gave it.
    pub name: String,
    /// Its locale (`fr_FR`), when known.
    pub locale: Option<String>,
    /// Its IANA timezone, when known.
    pub timezone: Option<String>,
    /// Its first name, as a platform's profile gave it.
    pub first_name: Option<String>,
    /// Its last name, as a platform's profile gave it.
    pub last_name: Option<String>,
    /// The language it writes in (`fr`), when known.
    pub language: Option<String>,
    /// Where that was learnt: `platform`, `detected` or `agent`.
    pub language_source: Option<String>,
    /// Where its picture is served (`/api/v1/contacts/{id}/picture`), when one was
    /// copied from its profile.
    pub picture: Option<String>,
    /// Its email address, when known.
    pub email: Option<String>,
    /// Its phone number, when known.
    pub phone: Option<String>,
    /// The team's notes on it.
    pub notes: String,
    /// Free-form attributes.
    #[schema(value_type = Object)]
    pub attributes: Value,
    /// Whether routing hands its conversations out first.
    pub vip: bool,
}

impl Contact {
    /// The first name to greet them by ([`pronto_core::template::first_name`]).
    pub fn greeting_name(&self) -> &str {
        pronto_core::template::first_name(self.first_name.as_deref(), &self.name)
    }
}

/// A snoozed conversation's wake-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Snooze {
    /// Until when; none when until the customer writes.
    pub until: Option<i64>,
    /// Until the customer writes.
    pub until_reply: bool,
}

/// One of a workspace's own contact attributes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AttributeDefinition {
    /// Its key in a contact's `attributes` (`order_number`).
    pub key: String,
    /// Its name, as the card shows it.
    pub label: String,
    /// `text`, `number`, `date` or `link`.
    pub kind: String,
}

/// A change to a contact's card: each field set is written (`Some(None)` clears
/// it); `attributes` sets each key given (a null value removes it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContactChange {
    /// The name.
    pub name: Option<String>,
    /// The email address.
    pub email: Option<Option<String>>,
    /// The phone number.
    pub phone: Option<Option<String>>,
    /// The language, set by a person.
    pub language: Option<Option<String>>,
    /// The IANA time zone.
    pub timezone: Option<Option<String>>,
    /// The notes.
    pub notes: Option<String>,
    /// Attributes to set or (null) remove.
    pub attributes: serde_json::Map<String, Value>,
}

/// A conversation as the inbox lists it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Conversation {
    /// Its id.
    pub id: i64,
    /// Its channel.
    pub channel_id: i64,
    /// Its contact.
    pub contact_id: i64,
    /// The contact's name.
    pub contact_name: String,
    /// Its folder: `inbox`, `done` or `spam`.
    #[schema(value_type = String)]
    pub folder: Folder,
    /// The user it is assigned to.
    pub assignee_id: Option<i64>,
    /// Higher comes first where priority matters.
    pub priority: i64,
    /// The oldest customer message not yet followed by a reply.
    pub waiting_since: Option<i64>,
    /// The latest message.
    pub last_message_at: Option<i64>,
    /// Whether, and until when, it is snoozed (it may have woken since: compare
    /// with the time).
    pub snooze: Option<Snooze>,
    /// Its labels, sorted.
    pub labels: Vec<String>,
}

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MessageAuthor {
    /// The customer.
    Customer,
    /// A person on the team.
    Agent,
    /// A program through the API.
    Bot,
    /// An automated reply: never a response.
    Automation,
}

impl MessageAuthor {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageAuthor::Customer => "customer",
            MessageAuthor::Agent => "agent",
            MessageAuthor::Bot => "bot",
            MessageAuthor::Automation => "automation",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "customer" => Some(MessageAuthor::Customer),
            "agent" => Some(MessageAuthor::Agent),
            "bot" => Some(MessageAuthor::Bot),
            "automation" => Some(MessageAuthor::Automation),
            _ => None,
        }
    }
}

/// A stored message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Message {
    /// Its id.
    pub id: i64,
    /// Its conversation.
    pub conversation_id: i64,
    /// Its channel.
    pub channel_id: i64,
    /// Who wrote it.
    pub author: MessageAuthor,
    /// The agent who wrote it.
    pub agent_id: Option<i64>,
    /// Its text.
    pub text: String,
    /// Its attachments, as the channel describes them.
    #[schema(value_type = Vec<Object>)]
    pub attachments: Value,
    /// The platform's (or integrator's) id.
    pub external_id: Option<String>,
    /// `received`, `queued`, `sent`, `delivered`, `read` or `failed`.
    pub status: String,
    /// Why it failed.
    pub error: Option<String>,
    /// When it was written (the platform's time for inbound messages).
    pub at: i64,
    /// The customer's reaction to it (an emoji), if any.
    pub reaction: Option<String>,
    /// When the customer last edited it.
    pub edited_at: Option<i64>,
    /// When the customer deleted it (its text and attachments are gone).
    pub deleted_at: Option<i64>,
    /// What it cost, as the platform said (WhatsApp: `billable`, `pricing_model`,
    /// `type`, `category`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub pricing: Option<Value>,
}

/// A WhatsApp message template of a channel, as last synchronized.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WhatsAppTemplate {
    /// Its name (`order_update`).
    pub name: String,
    /// Its language code (`en_US`).
    pub language: String,
    /// Meta's id.
    pub template_id: String,
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`...
    pub status: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    pub category: String,
    /// `POSITIONAL` or `NAMED`.
    pub parameter_format: String,
    /// Its components (header, body, footer, buttons), as Meta gives them.
    #[schema(value_type = Vec<Object>)]
    pub components: Value,
    /// When it was last synchronized or updated.
    pub updated_at: i64,
}

/// A comment on one of the channel's posts, which an agent may answer once,
/// privately.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Comment {
    /// Its id.
    pub id: i64,
    /// Its channel.
    pub channel_id: i64,
    /// Who wrote it.
    pub contact_id: i64,
    /// The commenter's name, as the platform gave it.
    pub contact_name: String,
    /// The platform's id of the comment.
    pub external_id: String,
    /// The post or media commented on.
    pub post_id: Option<String>,
    /// The comment replied to, or the post.
    pub parent_id: Option<String>,
    /// Its text.
    pub text: String,
    /// When it was written.
    pub at: i64,
    /// When the commenter removed it.
    pub deleted_at: Option<i64>,
    /// The private reply, once written.
    pub reply_message_id: Option<i64>,
}

/// A comment as a platform delivers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundComment {
    /// The channel.
    pub channel_id: i64,
    /// The platform's id of the comment (unique per channel).
    pub external_id: String,
    /// The post or media commented on.
    pub post_id: Option<String>,
    /// The comment replied to, or the post.
    pub parent_id: Option<String>,
    /// The commenter's id on the channel.
    pub contact_external_id: String,
    /// The commenter's name.
    pub contact_name: Option<String>,
    /// The text.
    pub text: String,
    /// When it was written.
    pub at: i64,
}

/// An internal note on a conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Note {
    /// Its id.
    pub id: i64,
    /// Who wrote it.
    pub author_id: i64,
    /// Its text.
    pub text: String,
    /// When.
    pub created_at: i64,
}

/// A saved reply with variables such as `{first_name}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SavedReply {
    /// Its id.
    pub id: i64,
    /// The person whose personal reply it is (only they see it); `None` for
    /// the team's shared ones, which admins manage.
    pub owner_id: Option<i64>,
    /// Its name.
    pub name: String,
    /// What an agent types after `/` to find it.
    pub shortcut: String,
    /// Its text, with variables: the default.
    pub text: String,
    /// Its text for customers writing a language (ISO 639-1 code to text).
    pub translations: std::collections::BTreeMap<String, String>,
    /// The file it carries (an upload), sent before its text.
    pub upload_id: Option<i64>,
}

/// A contact found by name, email or phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ContactMatch {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its email, when known.
    pub email: Option<String>,
    /// Its phone, when known.
    pub phone: Option<String>,
    /// The channels it is known on.
    pub channels: Vec<i64>,
}

/// What a saved reply says, as written when it is created or changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SavedReplyFields {
    /// Its name.
    pub name: String,
    /// Its shortcut.
    pub shortcut: String,
    /// Its default text.
    pub text: String,
    /// Its text per language.
    pub translations: std::collections::BTreeMap<String, String>,
    /// The file it carries (an upload of the workspace, checked by the caller).
    pub upload_id: Option<i64>,
}

impl SavedReplyFields {
    /// A reply with one text for every language.
    pub fn new(name: &str, shortcut: &str, text: &str) -> Self {
        SavedReplyFields {
            name: name.to_owned(),
            shortcut: shortcut.to_owned(),
            text: text.to_owned(),
            translations: Default::default(),
            upload_id: None,
        }
    }
}

impl SavedReply {
    /// The text for a customer writing `language` (its translation, else the
    /// default), and the language it is in when a translation was chosen.
    pub fn text_for(&self, language: Option<&str>) -> (&str, Option<&str>) {
        match language.and_then(|l| self.translations.get_key_value(l)) {
            Some((code, text)) => (text, Some(code)),
            None => (&self.text, None),
        }
    }
}

/// A customer message arriving on a channel.
#[derive(Clone, Debug)]
pub struct Inbound {
    /// The channel.
    pub channel_id: i64,
    /// The contact's id on the channel (a PSID, a phone number, the integrator's id).
    pub contact_external_id: String,
    /// The contact's name, when the channel gives it.
    pub contact_name: Option<String>,
    /// The message's id on the channel: the same id twice is stored once.
    pub external_id: Option<String>,
    /// Its text.
    pub text: String,
    /// Its attachments.
    pub attachments: Value,
    /// When the customer wrote it.
    pub at: i64,
}

/// A reply written in Pronto, to be delivered through the outbox.
#[derive(Clone, Debug)]
pub struct Outbound {
    /// The conversation.
    pub conversation_id: i64,
    /// Who wrote it (not `customer`).
    pub author: MessageAuthor,
    /// The agent, for `agent`.
    pub agent_id: Option<i64>,
    /// Its text.
    pub text: String,
    /// Its attachments.
    pub attachments: Value,
    /// The caller's idempotency key: the same key twice is stored once.
    pub idempotency_key: Option<String>,
    /// The subject of an email reply (none: `Re:` and the customer's subject).
    pub subject: Option<String>,
}

/// What storing a message did.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
    /// The message.
    pub message: Message,
    /// False when it was already there (a duplicate delivery or a retried request).
    pub created: bool,
    /// The customer's profile was queued with it (their first conversation on a
    /// channel whose platform tells names): the automations wait for the name.
    pub profile_pending: bool,
    /// The customer whose language is not known yet, when this is their message:
    /// it may tell (`Store::learn_language`).
    pub detect_language_of: Option<i64>,
}

/// A delivery job claimed from the outbox.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxJob {
    /// The job's id.
    pub id: i64,
    /// The workspace.
    pub workspace_id: i64,
    /// The channel to send through.
    pub channel_id: i64,
    /// The message to send.
    pub message: Message,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// Which conversations to list.
#[derive(Clone, Debug, Default)]
pub struct ConversationQuery {
    /// Only this folder.
    pub folder: Option<Folder>,
    /// Only assigned to this user.
    pub assignee: Option<i64>,
    /// Only unassigned ones.
    pub unassigned: bool,
    /// Only this channel.
    pub channel: Option<i64>,
    /// Only with this label.
    pub label: Option<String>,
    /// Only those waiting for a reply.
    pub waiting: bool,
    /// `(false, now)`: leave out those snoozed at `now`; `(true, now)`: only them.
    pub snoozed: Option<(bool, Micros)>,
    /// Continue after this position (from the previous page).
    pub after: Option<ListCursor>,
    /// At most this many.
    pub limit: i64,
}

/// A position in the conversation list: waiting longest first, then by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListCursor {
    /// The sort key: `waiting_since`, or `i64::MAX` for those not waiting.
    pub key: i64,
    /// The conversation id.
    pub id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_secrets_stay_out_of_debug_output() {
        let c = Channel {
            id: 1,
            workspace_id: 1,
            kind: ChannelKind::Api,
            name: "x".into(),
            config: serde_json::json!({"url": "http://x", "signing_secret": "hunter2", "page_token": "EAAB"}),
            state: "receiving".into(),
        };
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("EAAB"),
            "{shown}"
        );
        assert!(shown.contains("http://x"));
    }
}

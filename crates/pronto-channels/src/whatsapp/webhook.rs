//! The WhatsApp Cloud API's webhook body (`object: "whatsapp_business_account"`), as
//! Pronto reads it: each entry's changes, and in a `messages` change the contacts,
//! messages, statuses and errors. Unknown fields are ignored; an item whose fields
//! have the wrong types becomes an `Invalid` of its own, so one bad item does not
//! spoil its batch.

use serde_json::Value;

/// A webhook POST body.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookBody {
    /// The entries, one per WhatsApp Business Account.
    pub entries: Vec<Entry>,
}

/// One entry: a business account's changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The WhatsApp Business Account id.
    pub waba_id: Option<String>,
    /// Its changes, in order.
    pub changes: Vec<Change>,
}

/// One change, by its `field`.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// `messages`: customers' messages and the statuses of the business's.
    Messages(Box<MessagesValue>),
    /// `message_template_status_update`: a template was approved, rejected, paused...
    TemplateStatus(TemplateStatusUpdate),
    /// A field Pronto does not read (`account_update`, `phone_number_quality_update`...).
    Other {
        /// The field's name.
        field: String,
    },
    /// A change whose value has the wrong shape: where and what.
    Invalid(String),
}

/// The value of a `messages` change.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MessagesValue {
    /// The business number the change is about.
    pub phone_number_id: Option<String>,
    /// That number as shown to customers.
    pub display_phone_number: Option<String>,
    /// The customers the messages are from, with their profile names.
    pub contacts: Vec<Contact>,
    /// Customers' messages.
    pub messages: Vec<Message>,
    /// Statuses of the business's messages.
    pub statuses: Vec<Status>,
    /// Errors about the change as a whole.
    pub errors: Vec<ErrorInfo>,
}

impl MessagesValue {
    /// The profile name of the customer `wa_id` (or business-scoped `user_id`).
    pub fn profile_name(&self, id: &str) -> Option<&str> {
        self.contacts
            .iter()
            .find(|c| c.wa_id.as_deref() == Some(id) || c.user_id.as_deref() == Some(id))
            .or(if self.contacts.len() == 1 {
                self.contacts.first()
            } else {
                None
            })
            .and_then(|c| c.name.as_deref())
    }
}

/// A customer, as `contacts[]` gives them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    /// The WhatsApp user id (usually the phone number, digits only).
    pub wa_id: Option<String>,
    /// The business-scoped user id (`US.1349...`), when Meta sends one.
    pub user_id: Option<String>,
    /// The name on their WhatsApp profile.
    pub name: Option<String>,
}

/// A customer's message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Its `wamid`, the key for deduplication.
    pub id: Option<String>,
    /// The sender's number.
    pub from: Option<String>,
    /// The sender's business-scoped user id.
    pub user_id: Option<String>,
    /// When it was sent, in seconds since the epoch.
    pub timestamp: Option<i64>,
    /// What it answers or was forwarded from.
    pub context: Option<Context>,
    /// The Click-to-WhatsApp ad that brought it.
    pub referral: Option<Referral>,
    /// Errors carried with the message (e.g. 131052, media too big).
    pub errors: Vec<ErrorInfo>,
    /// What it holds.
    pub content: Content,
}

impl Message {
    /// Who sent it: the number, or the business-scoped id when the number is absent.
    pub fn sender(&self) -> Option<&str> {
        self.from.as_deref().or(self.user_id.as_deref())
    }
}

/// What a message holds, by its `type`.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// `text`.
    Text {
        /// The text.
        body: String,
    },
    /// `image`, `video`, `audio`, `document` or `sticker`: a file to fetch by id.
    Media(Media),
    /// `location`.
    Location(Location),
    /// `contacts`: shared contact cards, kept as Meta sends them.
    Contacts(Vec<Value>),
    /// `interactive` `button_reply`: a reply button tapped.
    ButtonReply {
        /// The button's id, as the business set it.
        id: String,
        /// Its title.
        title: String,
    },
    /// `interactive` `list_reply`: a list row chosen.
    ListReply {
        /// The row's id.
        id: String,
        /// Its title.
        title: String,
        /// Its description.
        description: Option<String>,
    },
    /// `button`: a template's quick-reply button tapped.
    TemplateButton {
        /// The payload the business set.
        payload: Option<String>,
        /// The button's text.
        text: String,
    },
    /// `reaction`: an emoji on a message, or `None` when taken back.
    Reaction {
        /// The message reacted to.
        message_id: String,
        /// The emoji; absent when the customer removed their reaction.
        emoji: Option<String>,
    },
    /// `system`: the customer changed number or user id.
    System(System),
    /// `order`: a catalog order, kept as sent.
    Order(Value),
    /// `unsupported`: a type the Cloud API does not deliver (a poll, an edit...).
    Unsupported {
        /// The type, when Meta says it.
        kind: Option<String>,
    },
    /// A type Pronto does not know.
    Other {
        /// Its `type`.
        kind: String,
    },
    /// A message whose fields have the wrong types: what is wrong.
    Invalid(String),
}

/// The kinds of media a message can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// A JPEG or PNG image.
    Image,
    /// A video.
    Video,
    /// An audio file or voice note.
    Audio,
    /// A document.
    Document,
    /// A sticker (WebP).
    Sticker,
}

impl MediaKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
            MediaKind::Document => "document",
            MediaKind::Sticker => "sticker",
        }
    }

    /// The kind of a wire name.
    pub fn parse(name: &str) -> Option<MediaKind> {
        [
            MediaKind::Image,
            MediaKind::Video,
            MediaKind::Audio,
            MediaKind::Document,
            MediaKind::Sticker,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

/// A file a message carries, known by its media id (downloadable for 7 days).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// What it is.
    pub kind: MediaKind,
    /// The media id, to fetch its URL with the token.
    pub id: String,
    /// Its MIME type.
    pub mime_type: Option<String>,
    /// Its SHA-256, as Meta gives it.
    pub sha256: Option<String>,
    /// The caption (not on audio or stickers).
    pub caption: Option<String>,
    /// A document's file name.
    pub filename: Option<String>,
    /// A voice note (audio recorded in the app).
    pub voice: bool,
}

/// A shared location.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// Latitude in degrees.
    pub latitude: f64,
    /// Longitude in degrees.
    pub longitude: f64,
    /// The place's name.
    pub name: Option<String>,
    /// Its address.
    pub address: Option<String>,
    /// Its URL.
    pub url: Option<String>,
}

/// A `system` message: the customer's number or user id changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct System {
    /// `user_changed_number`, `user_changed_user_id`...
    pub kind: Option<String>,
    /// What WhatsApp shows about it.
    pub body: Option<String>,
    /// The new WhatsApp id (number change).
    pub new_wa_id: Option<String>,
    /// The new business-scoped user id.
    pub user_id: Option<String>,
    /// The previous business-scoped user id.
    pub previous_user_id: Option<String>,
}

/// What a message answers, or where it was forwarded from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Context {
    /// The `wamid` of the message answered (or that carried the buttons tapped).
    pub id: Option<String>,
    /// Who sent that message.
    pub from: Option<String>,
    /// The message was forwarded.
    pub forwarded: bool,
    /// It was forwarded many times.
    pub frequently_forwarded: bool,
    /// A product the customer asked about.
    pub product: Option<Value>,
}

/// The Click-to-WhatsApp ad that brought a customer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Referral {
    /// The ad's or post's URL.
    pub source_url: Option<String>,
    /// The ad's id.
    pub source_id: Option<String>,
    /// `ad` or `post`.
    pub source_type: Option<String>,
    /// The ad's headline.
    pub headline: Option<String>,
    /// The ad's text.
    pub body: Option<String>,
    /// `image` or `video`.
    pub media_type: Option<String>,
    /// The ad's image.
    pub image_url: Option<String>,
    /// The ad's video.
    pub video_url: Option<String>,
    /// The click id.
    pub ctwa_clid: Option<String>,
}

/// The status of one of the business's messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// The `wamid` of the message.
    pub id: Option<String>,
    /// What happened to it.
    pub status: StatusKind,
    /// When, in seconds since the epoch.
    pub timestamp: Option<i64>,
    /// The customer's WhatsApp id.
    pub recipient_id: Option<String>,
    /// Why it failed.
    pub errors: Vec<ErrorInfo>,
    /// What it costs.
    pub pricing: Option<Pricing>,
    /// What the business put in `biz_opaque_callback_data` when it sent it.
    pub callback_data: Option<String>,
}

/// A message's status, in the order they can follow each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusKind {
    /// Accepted by WhatsApp.
    Sent,
    /// On the customer's device.
    Delivered,
    /// Read (implies delivered).
    Read,
    /// A voice note played (implies read).
    Played,
    /// Not delivered: see the errors.
    Failed,
    /// A status Pronto does not know.
    Other(String),
    /// A status whose fields have the wrong types: what is wrong.
    Invalid(String),
}

impl StatusKind {
    /// Its name as Pronto stores a message's status (`played` is kept as `read`).
    pub fn stored(&self) -> Option<&'static str> {
        match self {
            StatusKind::Sent => Some("sent"),
            StatusKind::Delivered => Some("delivered"),
            StatusKind::Read | StatusKind::Played => Some("read"),
            StatusKind::Failed => Some("failed"),
            StatusKind::Other(_) | StatusKind::Invalid(_) => None,
        }
    }
}

/// What a message costs (`statuses[].pricing`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pricing {
    /// Whether it is charged.
    pub billable: Option<bool>,
    /// `PMP` (per message) or the legacy `CBP`.
    pub pricing_model: Option<String>,
    /// `regular`, `free_customer_service` or `free_entry_point`.
    pub kind: Option<String>,
    /// `marketing`, `utility`, `authentication`, `service`...
    pub category: Option<String>,
}

/// An error as the Cloud API reports it (in a status, a message, or the change).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorInfo {
    /// Its code (131047, 130429...).
    pub code: Option<i64>,
    /// Its title.
    pub title: Option<String>,
    /// Its message.
    pub message: Option<String>,
    /// `error_data.details`, the explanation to show.
    pub details: Option<String>,
}

impl ErrorInfo {
    /// The explanation, best first: the details, the message, the title.
    pub fn reason(&self) -> String {
        let text = self
            .details
            .as_deref()
            .or(self.message.as_deref())
            .or(self.title.as_deref())
            .unwrap_or("no reason given");
        match self.code {
            Some(code) => format!("WhatsApp error {code}: {text}"),
            None => format!("WhatsApp error: {text}"),
        }
    }
}

/// A template's new status (`message_template_status_update`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TemplateStatusUpdate {
    /// `APPROVED`, `REJECTED`, `PAUSED`, `DISABLED`...
    pub event: Option<String>,
    /// The template's id (an integer here, a string in the list API).
    pub template_id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Its language code.
    pub language: Option<String>,
    /// Why (`INVALID_FORMAT`, `NONE`...).
    pub reason: Option<String>,
    /// Its category.
    pub category: Option<String>,
}

impl Message {
    /// The text an agent reads: the body, a caption, a button's title, a place's
    /// name, the names on shared contact cards.
    pub fn text(&self) -> String {
        match &self.content {
            Content::Text { body } => body.clone(),
            Content::Media(m) => m.caption.clone().unwrap_or_default(),
            Content::ButtonReply { title, .. } | Content::ListReply { title, .. } => title.clone(),
            Content::TemplateButton { text, .. } => text.clone(),
            Content::Location(l) => [l.name.as_deref(), l.address.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
            Content::Contacts(cards) => cards
                .iter()
                .filter_map(|c| c["name"]["formatted_name"].as_str())
                .collect::<Vec<_>>()
                .join(", "),
            Content::System(s) => s.body.clone().unwrap_or_default(),
            Content::Reaction { .. }
            | Content::Order(_)
            | Content::Unsupported { .. }
            | Content::Other { .. }
            | Content::Invalid(_) => String::new(),
        }
    }

    /// What comes with the text, in Pronto's attachment form (a JSON list): the
    /// file by media id, the place, the cards, the button or row tapped, the order,
    /// an unsupported type, the message quoted, the ad that brought it, errors.
    pub fn attachments(&self) -> Vec<Value> {
        use serde_json::json;
        let mut out = Vec::new();
        match &self.content {
            Content::Media(m) => out.push(json!({
                "type": m.kind.as_str(), "media_id": m.id, "mime_type": m.mime_type,
                "sha256": m.sha256, "filename": m.filename, "voice": m.voice,
            })),
            Content::Location(l) => out.push(json!({
                "type": "location", "latitude": l.latitude, "longitude": l.longitude,
                "name": l.name, "address": l.address, "url": l.url,
            })),
            Content::Contacts(cards) => out.push(json!({"type": "contacts", "contacts": cards})),
            Content::ButtonReply { id, .. } => out.push(json!({"type": "button_reply", "id": id})),
            Content::ListReply {
                id, description, ..
            } => out.push(json!({"type": "list_reply", "id": id, "description": description})),
            Content::TemplateButton { payload, .. } => {
                out.push(json!({"type": "template_button", "payload": payload}));
            }
            Content::Order(order) => out.push(json!({"type": "order", "order": order})),
            Content::Unsupported { kind } => out.push(json!({"type": "unsupported", "kind": kind})),
            Content::Other { kind } => out.push(json!({"type": "unsupported", "kind": kind})),
            Content::Text { .. }
            | Content::Reaction { .. }
            | Content::System(_)
            | Content::Invalid(_) => {}
        }
        if let Some(c) = &self.context {
            out.push(json!({
                "type": "reply_to", "message_id": c.id, "forwarded": c.forwarded,
                "frequently_forwarded": c.frequently_forwarded, "product": c.product,
            }));
        }
        if let Some(r) = &self.referral {
            out.push(r.attachment());
        }
        for e in &self.errors {
            out.push(json!({"type": "error", "code": e.code, "reason": e.reason()}));
        }
        out
    }
}

impl Referral {
    /// The ad that brought the customer, as Pronto keeps it (with the message and
    /// on the contact).
    pub fn attachment(&self) -> Value {
        serde_json::json!({
            "type": "referral", "source": "ADS", "source_type": self.source_type,
            "source_id": self.source_id, "source_url": self.source_url,
            "headline": self.headline, "body": self.body, "media_type": self.media_type,
            "image_url": self.image_url, "video_url": self.video_url, "ctwa_clid": self.ctwa_clid,
        })
    }
}

impl Pricing {
    /// As Meta writes it, to keep with the message.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "billable": self.billable, "pricing_model": self.pricing_model,
            "type": self.kind, "category": self.category,
        })
    }
}

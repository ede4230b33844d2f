//! What Pronto sends through the Cloud API (`POST /{phone-number-id}/messages`):
//! text (with a link preview when it holds a link), media by id or link,
//! interactive reply buttons and lists, reactions, replies quoting a message,
//! templates with their parameters, and the read receipt with its typing indicator.
//! Each is checked against WhatsApp's limits before it is stored or sent.
//!
//! A reply's attachments are kept in Pronto's own form (a JSON list beside the text):
//! - `{"type": "image"|"video"|"audio"|"document"|"sticker", "media_id": "..." or
//!   "url": "https://..." or "upload_id": N (an agent's file, uploaded at send time),
//!   "caption": "...", "filename": "..."}`;
//! - `{"type": "buttons", "buttons": [{"id": "yes", "title": "Yes"}], "header": "...",
//!   "footer": "..."}` (the text is the body);
//! - `{"type": "list", "button": "Options", "sections": [{"title": "...", "rows":
//!   [{"id": "...", "title": "...", "description": "..."}]}]}` (the text is the body);
//! - `{"type": "reaction", "message_id": "wamid...", "emoji": "👍"}`;
//! - `{"type": "reply_to", "message_id": "wamid..."}`: quote the customer's message;
//! - `{"type": "template", "name": "order_update", "language": "en_US",
//!   "parameters": ["12345"] or {"order": "12345"}, "header": {"type": "text",
//!   "text": "..."} or {"type": "image"|"video"|"document", "link": "https://..."},
//!   "buttons": [{"index": 0, "url": "order/12345"}, {"index": 1, "payload": "..."}]}`
//!   (the reply's text, if any, is what Pronto shows: the template as the customer
//!   sees it; it is not sent).

use serde_json::{Value, json};

/// At most this many reply buttons.
pub const MAX_BUTTONS: usize = 3;
/// A reply button's title, in characters.
pub const MAX_BUTTON_TITLE: usize = 20;
/// A reply button's id, in characters.
pub const MAX_BUTTON_ID: usize = 256;
/// Rows in a list, all sections together.
pub const MAX_LIST_ROWS: usize = 10;
/// Sections in a list.
pub const MAX_LIST_SECTIONS: usize = 10;
/// A list row's title, in characters.
pub const MAX_ROW_TITLE: usize = 24;
/// A list row's id, in characters.
pub const MAX_ROW_ID: usize = 200;
/// A list row's description, in characters.
pub const MAX_ROW_DESCRIPTION: usize = 72;
/// The body of an interactive message, in characters.
pub const MAX_INTERACTIVE_BODY: usize = 1024;
/// A header or footer, in characters.
pub const MAX_HEADER_FOOTER: usize = 60;
/// A media caption, in characters.
pub const MAX_CAPTION: usize = 1024;

/// A reply as the Cloud API takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// What it says or shows.
    pub content: Content,
    /// The customer's message it quotes (`context.message_id`).
    pub reply_to: Option<String>,
}

/// The kinds of message Pronto sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Text; `preview_url` when it holds a link.
    Text {
        /// The text.
        body: String,
        /// Show a preview of the first link.
        preview_url: bool,
    },
    /// A file by media id (uploaded) or by link.
    Media {
        /// `image`, `video`, `audio`, `document` or `sticker`.
        kind: String,
        /// Where it is.
        source: MediaSource,
        /// A caption (not on audio or stickers).
        caption: Option<String>,
        /// A document's file name.
        filename: Option<String>,
    },
    /// Up to three reply buttons under a text.
    Buttons {
        /// A text header.
        header: Option<String>,
        /// The text.
        body: String,
        /// A footer.
        footer: Option<String>,
        /// The buttons: (id, title).
        buttons: Vec<(String, String)>,
    },
    /// A list of options behind a button.
    List {
        /// A text header.
        header: Option<String>,
        /// The text.
        body: String,
        /// A footer.
        footer: Option<String>,
        /// The button that opens the list.
        button: String,
        /// The sections.
        sections: Vec<Section>,
    },
    /// A reaction to a message (an empty emoji takes it back).
    Reaction {
        /// The message reacted to.
        message_id: String,
        /// The emoji.
        emoji: String,
    },
    /// An approved template, the only thing allowed outside the 24-hour window.
    Template(TemplateMessage),
}

/// Where a file to send is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaSource {
    /// Uploaded to WhatsApp (`POST /{phone-number-id}/media`).
    Id(String),
    /// An HTTPS link WhatsApp fetches.
    Link(String),
    /// An agent's upload in Pronto's file store, not yet given to WhatsApp: the
    /// sender uploads it (or reuses its media id) and puts the [`MediaSource::Id`]
    /// in its place before building the body.
    Upload(i64),
}

/// A section of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Its title (needed when there are several).
    pub title: Option<String>,
    /// Its rows: (id, title, description).
    pub rows: Vec<(String, String, Option<String>)>,
}

/// A template to send, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateMessage {
    /// Its name.
    pub name: String,
    /// Its language code (`en_US`).
    pub language: String,
    /// The body's parameters.
    pub parameters: Parameters,
    /// The header's parameter, for a header with a variable or a media header.
    pub header: Option<HeaderParameter>,
    /// The buttons' parameters: a URL button's suffix, a quick reply's payload.
    pub buttons: Vec<ButtonParameter>,
}

/// A template header's parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderParameter {
    /// The text of a `TEXT` header's one variable (`{{1}}` or named).
    Text {
        /// The value.
        text: String,
        /// The placeholder's name, for a named template.
        name: Option<String>,
    },
    /// The file of an `IMAGE`, `VIDEO` or `DOCUMENT` header, by HTTPS link.
    Media {
        /// `image`, `video` or `document`.
        kind: String,
        /// Where WhatsApp fetches it.
        link: String,
        /// A document's file name.
        filename: Option<String>,
    },
}

/// A template button's parameter, for the button at `index` (from 0) of the
/// template's buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ButtonParameter {
    /// The end of a dynamic URL button's link (its `{{1}}`).
    Url {
        /// The button's position.
        index: usize,
        /// The suffix.
        suffix: String,
    },
    /// What a quick-reply button's tap sends back (`button.payload`).
    QuickReply {
        /// The button's position.
        index: usize,
        /// The payload.
        payload: String,
    },
}

impl ButtonParameter {
    /// The button's position.
    pub fn index(&self) -> usize {
        match self {
            ButtonParameter::Url { index, .. } | ButtonParameter::QuickReply { index, .. } => {
                *index
            }
        }
    }
}

/// A template's parameters: `{{1}}`, `{{2}}`... or `{{name}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parameters {
    /// In order.
    Positional(Vec<String>),
    /// By name, in the order given.
    Named(Vec<(String, String)>),
}

impl Parameters {
    /// How many there are.
    pub fn len(&self) -> usize {
        match self {
            Parameters::Positional(p) => p.len(),
            Parameters::Named(p) => p.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Why a reply cannot be sent to WhatsApp as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    /// Neither text nor anything else.
    #[error("the reply is empty: give a text, a file, a reaction or a template")]
    Empty,
    /// Two things that go as two messages (two files, a file and buttons...).
    #[error("a WhatsApp message is one thing ({0}); send the others as more replies")]
    TooMany(String),
    /// Something too long, too many or missing; says what.
    #[error("attachment {index}: {reason}")]
    Attachment {
        /// Its position in the list.
        index: usize,
        /// What was wrong.
        reason: String,
    },
    /// Text beside a reaction, which carries none.
    #[error("a {0} carries no text of its own; leave the text empty")]
    TextNotAllowed(&'static str),
}

impl Outgoing {
    /// Reads a stored reply (its text and attachment list).
    pub fn from_reply(text: &str, attachments: &Value) -> Result<Outgoing, ContentError> {
        let items: &[Value] = match attachments {
            Value::Null => &[],
            Value::Array(items) => items,
            _ => {
                return Err(ContentError::Attachment {
                    index: 0,
                    reason: "attachments must be a list".into(),
                });
            }
        };
        let mut reply_to = None;
        let mut content: Option<(usize, Content)> = None;
        let has_text = !text.trim().is_empty();
        for (index, item) in items.iter().enumerate() {
            let bad = |reason: String| ContentError::Attachment { index, reason };
            let kind = item["type"]
                .as_str()
                .ok_or_else(|| bad("missing \"type\"".into()))?;
            let next = match kind {
                "reply_to" => {
                    reply_to = Some(required(item, "message_id", MAX_BUTTON_ID).map_err(bad)?);
                    continue;
                }
                // Markers other channels' code may set; nothing to send.
                "private_reply" => return Err(bad("WhatsApp has no private replies".into())),
                "image" | "video" | "audio" | "document" | "sticker" => {
                    media(kind, item, text).map_err(bad)?
                }
                "buttons" => buttons(item, text).map_err(bad)?,
                "list" => list(item, text).map_err(bad)?,
                "reaction" => {
                    if has_text {
                        return Err(ContentError::TextNotAllowed("reaction"));
                    }
                    Content::Reaction {
                        message_id: required(item, "message_id", MAX_BUTTON_ID).map_err(bad)?,
                        emoji: item["emoji"].as_str().unwrap_or_default().to_owned(),
                    }
                }
                "template" => Content::Template(template(item).map_err(bad)?),
                other => {
                    return Err(bad(format!(
                        "unknown type {other:?}; use image, video, audio, document, sticker, buttons, list, reaction, reply_to or template"
                    )));
                }
            };
            if let Some((_, first)) = &content {
                return Err(ContentError::TooMany(format!(
                    "{} and {}",
                    first.kind(),
                    next.kind()
                )));
            }
            content = Some((index, next));
        }
        let content = match content {
            Some((_, c)) => c,
            None if has_text => Content::Text {
                body: text.to_owned(),
                preview_url: text.contains("https://") || text.contains("http://"),
            },
            None => return Err(ContentError::Empty),
        };
        if reply_to.is_some() && matches!(content, Content::Reaction { .. }) {
            return Err(ContentError::TooMany(
                "a reaction cannot quote a message".into(),
            ));
        }
        Ok(Outgoing { content, reply_to })
    }

    /// Whether this is a template (allowed outside the window).
    pub fn is_template(&self) -> bool {
        matches!(self.content, Content::Template(_))
    }

    /// The request body for `POST /{phone-number-id}/messages` to `to` (a number,
    /// `+` and country code added when missing).
    pub fn body(&self, to: &str) -> Value {
        let to = if to.starts_with('+') || to.contains('.') {
            to.to_owned()
        } else {
            format!("+{to}")
        };
        let mut body = json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
        });
        if let Some(id) = &self.reply_to {
            body["context"] = json!({"message_id": id});
        }
        let (kind, payload) = match &self.content {
            Content::Text { body, preview_url } => {
                ("text", json!({"preview_url": preview_url, "body": body}))
            }
            Content::Media {
                kind,
                source,
                caption,
                filename,
            } => {
                let mut p = match source {
                    MediaSource::Id(id) => json!({"id": id}),
                    MediaSource::Link(link) => json!({"link": link}),
                    MediaSource::Upload(_) => json!({"id": null}),
                };
                if let Some(c) = caption {
                    p["caption"] = json!(c);
                }
                if let Some(f) = filename {
                    p["filename"] = json!(f);
                }
                (kind.as_str(), p)
            }
            Content::Buttons {
                header,
                body,
                footer,
                buttons,
            } => {
                let buttons: Vec<Value> = buttons
                    .iter()
                    .map(
                        |(id, title)| json!({"type": "reply", "reply": {"id": id, "title": title}}),
                    )
                    .collect();
                let mut p = json!({"type": "button", "body": {"text": body}, "action": {"buttons": buttons}});
                frame(&mut p, header, footer);
                ("interactive", p)
            }
            Content::List {
                header,
                body,
                footer,
                button,
                sections,
            } => {
                let sections: Vec<Value> = sections
                    .iter()
                    .map(|s| {
                        let rows: Vec<Value> = s
                            .rows
                            .iter()
                            .map(|(id, title, description)| {
                                let mut row = json!({"id": id, "title": title});
                                if let Some(d) = description {
                                    row["description"] = json!(d);
                                }
                                row
                            })
                            .collect();
                        let mut section = json!({"rows": rows});
                        if let Some(t) = &s.title {
                            section["title"] = json!(t);
                        }
                        section
                    })
                    .collect();
                let mut p = json!({"type": "list", "body": {"text": body},
                    "action": {"button": button, "sections": sections}});
                frame(&mut p, header, footer);
                ("interactive", p)
            }
            Content::Reaction { message_id, emoji } => (
                "reaction",
                json!({"message_id": message_id, "emoji": emoji}),
            ),
            Content::Template(t) => ("template", t.json()),
        };
        body["type"] = json!(kind);
        body[kind] = payload;
        body
    }
}

impl Content {
    fn kind(&self) -> &'static str {
        match self {
            Content::Text { .. } => "text",
            Content::Media { .. } => "a file",
            Content::Buttons { .. } => "buttons",
            Content::List { .. } => "a list",
            Content::Reaction { .. } => "a reaction",
            Content::Template(_) => "a template",
        }
    }
}

impl TemplateMessage {
    /// The `template` object of a send.
    pub fn json(&self) -> Value {
        let parameters: Vec<Value> = match &self.parameters {
            Parameters::Positional(p) => p
                .iter()
                .map(|t| json!({"type": "text", "text": t}))
                .collect(),
            Parameters::Named(p) => p
                .iter()
                .map(|(name, t)| json!({"type": "text", "parameter_name": name, "text": t}))
                .collect(),
        };
        let mut components = Vec::new();
        match &self.header {
            Some(HeaderParameter::Text { text, name }) => {
                let mut p = json!({"type": "text", "text": text});
                if let Some(n) = name {
                    p["parameter_name"] = json!(n);
                }
                components.push(json!({"type": "header", "parameters": [p]}));
            }
            Some(HeaderParameter::Media {
                kind,
                link,
                filename,
            }) => {
                let mut media = json!({"link": link});
                if let Some(f) = filename {
                    media["filename"] = json!(f);
                }
                components.push(
                    json!({"type": "header", "parameters": [{"type": kind, kind.as_str(): media}]}),
                );
            }
            None => {}
        }
        if !parameters.is_empty() {
            components.push(json!({"type": "body", "parameters": parameters}));
        }
        for b in &self.buttons {
            let (sub_type, parameter) = match b {
                ButtonParameter::Url { suffix, .. } => {
                    ("url", json!({"type": "text", "text": suffix}))
                }
                ButtonParameter::QuickReply { payload, .. } => (
                    "quick_reply",
                    json!({"type": "payload", "payload": payload}),
                ),
            };
            components.push(json!({"type": "button", "sub_type": sub_type,
                "index": b.index().to_string(), "parameters": [parameter]}));
        }
        let mut template = json!({"name": self.name, "language": {"policy": "deterministic", "code": self.language}});
        if !components.is_empty() {
            template["components"] = Value::Array(components);
        }
        template
    }
}

/// The read receipt for a customer's message (`POST /{phone-number-id}/messages`),
/// with the typing indicator when an agent is typing (which also marks it read).
pub fn mark_read(message_id: &str, typing: bool) -> Value {
    let mut body =
        json!({"messaging_product": "whatsapp", "status": "read", "message_id": message_id});
    if typing {
        body["typing_indicator"] = json!({"type": "text"});
    }
    body
}

fn frame(p: &mut Value, header: &Option<String>, footer: &Option<String>) {
    if let Some(h) = header {
        p["header"] = json!({"type": "text", "text": h});
    }
    if let Some(f) = footer {
        p["footer"] = json!({"text": f});
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// A string field that must be there, not blank, at most `max` characters.
fn required(item: &Value, key: &str, max: usize) -> Result<String, String> {
    let s = item[key]
        .as_str()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| format!("needs \"{key}\""))?;
    if chars(s) > max {
        return Err(format!(
            "\"{key}\" has {} characters; WhatsApp takes at most {max}",
            chars(s)
        ));
    }
    Ok(s.to_owned())
}

/// A string field that may be absent, at most `max` characters.
fn optional(item: &Value, key: &str, max: usize) -> Result<Option<String>, String> {
    match &item[key] {
        Value::Null => Ok(None),
        Value::String(s) if chars(s) <= max => Ok(Some(s.clone()).filter(|s| !s.is_empty())),
        Value::String(s) => Err(format!(
            "\"{key}\" has {} characters; WhatsApp takes at most {max}",
            chars(s)
        )),
        _ => Err(format!("\"{key}\" must be a string")),
    }
}

fn body_text(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("the reply's text is the message's body, and it is empty".into());
    }
    if chars(text) > MAX_INTERACTIVE_BODY {
        return Err(format!(
            "the text has {} characters; an interactive message's body takes at most {MAX_INTERACTIVE_BODY}",
            chars(text)
        ));
    }
    Ok(text.to_owned())
}

fn media(kind: &str, item: &Value, text: &str) -> Result<Content, String> {
    let source = match (item["media_id"].as_str(), item["url"].as_str()) {
        _ if item["upload_id"].is_i64() => {
            MediaSource::Upload(item["upload_id"].as_i64().unwrap_or_default())
        }
        (Some(id), _) if !id.is_empty() => MediaSource::Id(id.to_owned()),
        (_, Some(url)) if url.starts_with("https://") || url.starts_with("http://") => {
            MediaSource::Link(url.to_owned())
        }
        _ => {
            return Err(format!(
                "a {kind} needs a \"media_id\" or an http(s) \"url\""
            ));
        }
    };
    // The reply's text is the caption, where WhatsApp shows one.
    let caption = match optional(item, "caption", MAX_CAPTION)? {
        Some(c) => Some(c),
        None if !text.trim().is_empty() => Some(text.to_owned()),
        None => None,
    };
    if caption.as_deref().is_some_and(|c| chars(c) > MAX_CAPTION) {
        return Err(format!("a caption takes at most {MAX_CAPTION} characters"));
    }
    if caption.is_some() && matches!(kind, "audio" | "sticker") {
        return Err(format!(
            "a {kind} has no caption on WhatsApp; send the text as another reply"
        ));
    }
    // An upload's name is the document's file name.
    let filename = match optional(item, "filename", 240)? {
        None if kind == "document" => optional(item, "name", 240)?,
        f => f,
    };
    Ok(Content::Media {
        kind: kind.to_owned(),
        source,
        caption,
        filename,
    })
}

fn buttons(item: &Value, text: &str) -> Result<Content, String> {
    let list = item["buttons"]
        .as_array()
        .filter(|b| !b.is_empty())
        .ok_or("needs \"buttons\", a list of {\"id\", \"title\"}")?;
    if list.len() > MAX_BUTTONS {
        return Err(format!(
            "{} buttons; WhatsApp takes at most {MAX_BUTTONS}",
            list.len()
        ));
    }
    let mut buttons: Vec<(String, String)> = Vec::new();
    for (i, b) in list.iter().enumerate() {
        let title =
            required(b, "title", MAX_BUTTON_TITLE).map_err(|e| format!("button {i}: {e}"))?;
        let id = match optional(b, "id", MAX_BUTTON_ID).map_err(|e| format!("button {i}: {e}"))? {
            Some(id) => id,
            None => title.clone(),
        };
        if buttons.iter().any(|(_, t)| *t == title) {
            return Err(format!("button {i}: the title {title:?} is used twice"));
        }
        buttons.push((id, title));
    }
    Ok(Content::Buttons {
        header: optional(item, "header", MAX_HEADER_FOOTER)?,
        body: body_text(text)?,
        footer: optional(item, "footer", MAX_HEADER_FOOTER)?,
        buttons,
    })
}

fn list(item: &Value, text: &str) -> Result<Content, String> {
    let button = required(item, "button", MAX_BUTTON_TITLE)?;
    let given = item["sections"]
        .as_array()
        .filter(|s| !s.is_empty())
        .ok_or("needs \"sections\", a list of {\"title\", \"rows\"}")?;
    if given.len() > MAX_LIST_SECTIONS {
        return Err(format!(
            "{} sections; WhatsApp takes at most {MAX_LIST_SECTIONS}",
            given.len()
        ));
    }
    let mut sections = Vec::new();
    let mut total = 0;
    for (s, section) in given.iter().enumerate() {
        let title = optional(section, "title", 24).map_err(|e| format!("section {s}: {e}"))?;
        if title.is_none() && given.len() > 1 {
            return Err(format!(
                "section {s}: a list of several sections needs each one's \"title\""
            ));
        }
        let rows = section["rows"]
            .as_array()
            .filter(|r| !r.is_empty())
            .ok_or_else(|| format!("section {s}: needs \"rows\""))?;
        let mut out = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            let at = |e: String| format!("section {s} row {r}: {e}");
            out.push((
                required(row, "id", MAX_ROW_ID).map_err(at)?,
                required(row, "title", MAX_ROW_TITLE).map_err(at)?,
                optional(row, "description", MAX_ROW_DESCRIPTION).map_err(at)?,
            ));
        }
        total += out.len();
        sections.push(Section { title, rows: out });
    }
    if total > MAX_LIST_ROWS {
        return Err(format!(
            "{total} rows; a WhatsApp list takes at most {MAX_LIST_ROWS} in all"
        ));
    }
    Ok(Content::List {
        header: optional(item, "header", MAX_HEADER_FOOTER)?,
        body: body_text(text)?,
        footer: optional(item, "footer", MAX_HEADER_FOOTER)?,
        button,
        sections,
    })
}

fn template(item: &Value) -> Result<TemplateMessage, String> {
    let name = required(item, "name", 512)?;
    let language = required(item, "language", 16)?;
    let check = |what: String, v: &Value| -> Result<String, String> {
        let s = v
            .as_str()
            .ok_or_else(|| format!("parameter {what} must be a string"))?;
        parameter_text(s).map_err(|e| format!("parameter {what}: {e}"))?;
        Ok(s.to_owned())
    };
    let parameters = match &item["parameters"] {
        Value::Null => Parameters::Positional(Vec::new()),
        Value::Array(p) => Parameters::Positional(
            p.iter()
                .enumerate()
                .map(|(i, v)| check(format!("{}", i + 1), v))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(p) => Parameters::Named(
            p.iter()
                .map(|(k, v)| Ok((k.clone(), check(format!("{k:?}"), v)?)))
                .collect::<Result<_, String>>()?,
        ),
        _ => {
            return Err("\"parameters\" is a list (positional) or an object (named)".into());
        }
    };
    let header = match &item["header"] {
        Value::Null => None,
        h => Some(header(h)?),
    };
    let buttons = match &item["buttons"] {
        Value::Null => Vec::new(),
        Value::Array(b) => b
            .iter()
            .enumerate()
            .map(|(i, b)| button(b).map_err(|e| format!("buttons[{i}]: {e}")))
            .collect::<Result<_, _>>()?,
        _ => return Err("\"buttons\" is a list of {\"index\", \"url\" or \"payload\"}".into()),
    };
    Ok(TemplateMessage {
        name,
        language,
        parameters,
        header,
        buttons,
    })
}

/// A template header's parameter: `{"type": "text", "text", "parameter_name"?}` or
/// `{"type": "image"|"video"|"document", "link": "https://...", "filename"?}`.
fn header(h: &Value) -> Result<HeaderParameter, String> {
    match h["type"].as_str() {
        Some("text") => {
            let text = h["text"].as_str().unwrap_or_default();
            parameter_text(text).map_err(|e| format!("the header's parameter {e}"))?;
            if chars(text) > MAX_HEADER_FOOTER {
                return Err(format!(
                    "the header's parameter takes at most {MAX_HEADER_FOOTER} characters"
                ));
            }
            Ok(HeaderParameter::Text {
                text: text.to_owned(),
                name: h["parameter_name"].as_str().map(str::to_owned),
            })
        }
        Some(kind @ ("image" | "video" | "document")) => {
            let link = h["link"].as_str().unwrap_or_default();
            if !link.starts_with("https://") {
                return Err(format!("the header's {kind} needs an https \"link\""));
            }
            Ok(HeaderParameter::Media {
                kind: kind.to_owned(),
                link: link.to_owned(),
                filename: optional(h, "filename", 240)?,
            })
        }
        _ => Err("the header is {\"type\": \"text\", \"text\"} or {\"type\": \"image\"|\"video\"|\"document\", \"link\"}".into()),
    }
}

/// A template button's parameter: `{"index": 0, "url": "suffix"}` or
/// `{"index": 1, "payload": "..."}`.
fn button(b: &Value) -> Result<ButtonParameter, String> {
    let index = b["index"]
        .as_u64()
        .and_then(|i| usize::try_from(i).ok())
        .filter(|i| *i < 10)
        .ok_or("needs an \"index\" from 0 to 9")?;
    match (b["url"].as_str(), b["payload"].as_str()) {
        (Some(suffix), None) => {
            parameter_text(suffix).map_err(|e| format!("the link's end {e}"))?;
            Ok(ButtonParameter::Url {
                index,
                suffix: suffix.to_owned(),
            })
        }
        (None, Some(payload)) => {
            if payload.is_empty() || chars(payload) > 1000 {
                return Err("a payload has 1 to 1000 characters".into());
            }
            Ok(ButtonParameter::QuickReply {
                index,
                payload: payload.to_owned(),
            })
        }
        _ => Err("give a \"url\" (a URL button's end) or a \"payload\" (a quick reply's)".into()),
    }
}

/// WhatsApp refuses a parameter that is empty or holds a newline, a tab or more
/// than four spaces in a row.
pub fn parameter_text(s: &str) -> Result<(), &'static str> {
    if s.trim().is_empty() {
        return Err("is empty");
    }
    if s.contains(['\n', '\r', '\t']) {
        return Err("holds a newline or a tab, which WhatsApp refuses in a parameter");
    }
    if s.contains("     ") {
        return Err("holds more than four spaces in a row, which WhatsApp refuses");
    }
    Ok(())
}
